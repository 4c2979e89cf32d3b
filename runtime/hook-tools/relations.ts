// Relations: `relation-ids`, `relation-list`, `relation-get`, `relation-set`, `relation-model-get`.
// Relation data goes to `relation-set` on stdin as JSON (`--file -`), never in argv.

import type { ToolCall } from "./call.js";
import { expectObject, expectStringArray, expectStringRecord, malformed } from "./output.js";

/** A relation as hook tools name it: `-r <endpoint>:<id>`. */
export interface RelationRef {
  readonly endpoint: string;
  readonly id: number;
}

export interface RelationTools {
  relationIds(endpoint: string): number[];
  relationList(relation: RelationRef): string[];
  relationRemoteApp(relation: RelationRef): string | undefined;
  relationGet(relation: RelationRef, target: string, app: boolean): Record<string, string>;
  relationSet(relation: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void;
  relationModelGet(relation: RelationRef): { readonly uuid: string };
}

export function relationIds(call: ToolCall, endpoint: string): number[] {
  const ids = expectStringArray("relation-ids", call.json("relation-ids", [endpoint, "--format=json"]));
  return ids.map((id) => {
    const match = /:(\d+)$/.exec(id) ?? /^(\d+)$/.exec(id);
    if (!match) throw malformed("relation-ids", `"${id}" is not a relation id`);
    return Number(match[1]);
  });
}

export function relationList(call: ToolCall, relation: RelationRef): string[] {
  return expectStringArray("relation-list", call.json("relation-list", ["--format=json", "-r", ref(relation)]));
}

export function relationRemoteApp(call: ToolCall, relation: RelationRef): string | undefined {
  const app = call.json("relation-list", ["--format=json", "--app", "-r", ref(relation)]);
  if (app === null || app === "") return undefined;
  if (typeof app !== "string") throw malformed("relation-list", "expected the remote application name");
  return app;
}

export function relationGet(call: ToolCall, relation: RelationRef, target: string, app: boolean): Record<string, string> {
  const args = ["--format=json", "-r", ref(relation), ...(app ? ["--app"] : []), "-", target];
  const data = call.json("relation-get", args);
  return data === null ? {} : expectStringRecord("relation-get", data);
}

export function relationSet(call: ToolCall, relation: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
  const args = ["-r", ref(relation), ...(app ? ["--app"] : []), "--file", "-"];
  call.run("relation-set", args, JSON.stringify(data));
}

export function relationModelGet(call: ToolCall, relation: RelationRef): { readonly uuid: string } {
  const raw = expectObject("relation-model-get", call.json("relation-model-get", ["--format=json", "-r", ref(relation)]));
  if (typeof raw["uuid"] !== "string") throw malformed("relation-model-get", "expected a uuid");
  return { uuid: raw["uuid"] };
}

function ref(relation: RelationRef): string {
  return `${relation.endpoint}:${relation.id}`;
}
