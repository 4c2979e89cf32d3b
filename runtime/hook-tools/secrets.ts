// Secrets: `secret-add`, `secret-get`, `secret-set`, `secret-remove`, `secret-grant`, `secret-revoke`,
// `secret-ids`, `secret-info-get`. Content never reaches argv: each value goes in a 0600 file of a
// fresh 0700 directory, passed as `key#file=<path>` and removed when the tool returns.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { type SecretOwner, type SecretRotatePolicy, isExactSecretId } from "../../grammar/secrets.js";
import type { JsonObject, JsonValue } from "../meta.js";
import type { ToolCall } from "./call.js";
import { expectObject, expectStringArray, expectStringRecord, malformed, optionalString } from "./output.js";

export type { SecretOwner, SecretRotatePolicy } from "../../grammar/secrets.js";

export interface SecretMetadataOptions {
  readonly label?: string;
  readonly description?: string;
  /** RFC 3339 time or Go duration, already validated. */
  readonly expire?: string;
  readonly rotate?: SecretRotatePolicy;
}

export interface SecretAddOptions extends SecretMetadataOptions {
  readonly owner: SecretOwner;
}

export interface SecretSetOptions extends SecretMetadataOptions {
  readonly content?: Readonly<Record<string, string>>;
}

export interface SecretGetOptions {
  readonly id?: string;
  readonly label?: string;
  readonly refresh?: boolean;
  readonly peek?: boolean;
}

/** `secret-info-get` output for one secret. `id` is the bare xid Juju prints. */
export interface SecretInfoRecord {
  readonly id: string;
  readonly revision: number;
  readonly label?: string;
  readonly owner: SecretOwner;
  readonly description?: string;
  readonly rotation?: SecretRotatePolicy;
  readonly expiry?: string;
  readonly rotates?: string;
}

export interface SecretTools {
  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string;
  secretGet(options: SecretGetOptions): Record<string, string>;
  secretSet(id: string, options: SecretSetOptions): void;
  secretRemove(id: string, revision?: number): void;
  secretGrant(id: string, relationId: number, unit?: string): void;
  secretRevoke(id: string, relationId: number, unit?: string): void;
  secretIds(): string[];
  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord;
}

export function secretAdd(call: ToolCall, content: Readonly<Record<string, string>>, options: SecretAddOptions): string {
  return withSecretFiles(content, (files) => {
    const args = [...secretMetadataFlags(options), "--owner", options.owner, ...files];
    const uri = call.run("secret-add", args).trim();
    if (!isPrintedSecretUri(uri)) throw malformed("secret-add", "expected the new secret's URI");
    return uri;
  });
}

export function secretGet(call: ToolCall, options: SecretGetOptions): Record<string, string> {
  const args = ["--format=json"];
  if (options.id !== undefined) args.push(options.id);
  if (options.label !== undefined) args.push("--label", options.label);
  if (options.refresh) args.push("--refresh");
  if (options.peek) args.push("--peek");
  return expectStringRecord("secret-get", call.json("secret-get", args));
}

export function secretSet(call: ToolCall, id: string, options: SecretSetOptions): void {
  const run = (files: string[]): void => {
    call.run("secret-set", [...secretMetadataFlags(options), "--owner", "application", id, ...files]);
  };
  if (options.content === undefined) run([]);
  else withSecretFiles(options.content, run);
}

export function secretRemove(call: ToolCall, id: string, revision?: number): void {
  call.run("secret-remove", [id, ...(revision === undefined ? [] : ["--revision", String(revision)])]);
}

export function secretGrant(call: ToolCall, id: string, relationId: number, unit?: string): void {
  call.run("secret-grant", ["--relation", String(relationId), ...(unit === undefined ? [] : ["--unit", unit]), id]);
}

export function secretRevoke(call: ToolCall, id: string, relationId: number, unit?: string): void {
  call.run("secret-revoke", ["--relation", String(relationId), ...(unit === undefined ? [] : ["--unit", unit]), id]);
}

export function secretIds(call: ToolCall): string[] {
  return expectStringArray("secret-ids", call.json("secret-ids", ["--format=json"]));
}

export function secretInfoGet(call: ToolCall, query: { readonly id: string } | { readonly label: string }): SecretInfoRecord {
  const args = ["--format=json", ...("id" in query ? [query.id] : ["--label", query.label])];
  const raw = expectObject("secret-info-get", call.json("secret-info-get", args));
  const entries = Object.entries(raw);
  if (entries.length !== 1) throw malformed("secret-info-get", "expected exactly one secret");
  const [id, value] = entries[0] as [string, JsonValue];
  return toSecretInfoRecord(id, expectObject("secret-info-get", value));
}

/** What `secret-add` prints: `secret:<xid>` or `secret://<model-uuid>/<xid>` (not a bare xid). */
function isPrintedSecretUri(uri: string): boolean {
  return uri.startsWith("secret:") && isExactSecretId(uri);
}

/** Writes each value to a 0600 file in a fresh 0700 directory, passes `key#file=<path>` args, then removes it all. */
function withSecretFiles<T>(content: Readonly<Record<string, string>>, use: (files: string[]) => T): T {
  // node:os is loaded here, not at start-up: only hooks that write secret content need it.
  const dir = mkdtempSync(join(process.getBuiltinModule("node:os").tmpdir(), "tscharm-secret-"));
  try {
    const files = Object.entries(content).map(([key, value]) => {
      const path = join(dir, key);
      writeFileSync(path, value, { mode: 0o600, flag: "wx" });
      return `${key}#file=${path}`;
    });
    return use(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function secretMetadataFlags(options: SecretMetadataOptions): string[] {
  const args: string[] = [];
  if (options.label !== undefined) args.push("--label", options.label);
  if (options.description !== undefined) args.push("--description", options.description);
  if (options.expire !== undefined) args.push("--expire", options.expire);
  if (options.rotate !== undefined) args.push("--rotate", options.rotate);
  return args;
}

function toSecretInfoRecord(id: string, object: JsonObject): SecretInfoRecord {
  const tool = "secret-info-get";
  const { revision, owner } = object;
  if (typeof revision !== "number" || (owner !== "application" && owner !== "unit")) {
    throw malformed(tool, "expected revision and owner");
  }
  const label = optionalString(tool, object, "label");
  const description = optionalString(tool, object, "description");
  const rotation = optionalString(tool, object, "rotation") as SecretRotatePolicy | undefined;
  const expiry = optionalString(tool, object, "expiry");
  const rotates = optionalString(tool, object, "rotates");
  return {
    id,
    revision,
    owner,
    ...(label === undefined ? {} : { label }),
    ...(description === undefined ? {} : { description }),
    ...(rotation === undefined ? {} : { rotation }),
    ...(expiry === undefined ? {} : { expiry }),
    ...(rotates === undefined ? {} : { rotates }),
  };
}
