// The hook tools of no family: `application-version-set`, `resource-get`, `goal-state`, `credential-get`,
// `juju-reboot`.

import type { JsonObject } from "../meta.js";
import { type ToolCall, operand } from "./call.js";
import { expectObject, expectStringArray, expectStringRecord, malformed, optionalString } from "./output.js";

export interface GoalStateRecord {
  readonly units: Readonly<Record<string, { readonly status: string; readonly since?: string }>>;
  readonly relations: Readonly<Record<string, Readonly<Record<string, { readonly status: string; readonly since?: string }>>>>;
}

export interface CloudSpecRecord {
  readonly type: string;
  readonly name: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly identityEndpoint?: string;
  readonly storageEndpoint?: string;
  readonly credential?: {
    readonly authType: string;
    readonly attributes: Readonly<Record<string, string>>;
    readonly redacted: readonly string[];
  };
  readonly caCertificates: readonly string[];
  readonly skipTlsVerify: boolean;
  readonly isControllerCloud: boolean;
}

export interface OneOffTools {
  applicationVersionSet(version: string): void;
  resourceGet(name: string): string;
  goalState(): GoalStateRecord;
  credentialGet(): CloudSpecRecord;
  jujuReboot(now: boolean): void;
}

export function applicationVersionSet(call: ToolCall, version: string): void {
  call.run("application-version-set", ["--", version]);
}

export function resourceGet(call: ToolCall, name: string): string {
  const path = call.run("resource-get", [operand("resource-get", "resource name", name)]).trim();
  if (path === "") throw malformed("resource-get", "expected the path of the resource's file");
  return path;
}

export function goalState(call: ToolCall): GoalStateRecord {
  const raw = expectObject("goal-state", call.json("goal-state", ["--format=json"]));
  const units = raw["units"] ?? {};
  const relations = raw["relations"] ?? {};
  return {
    units: expectObject("goal-state", units) as GoalStateRecord["units"],
    relations: expectObject("goal-state", relations) as GoalStateRecord["relations"],
  };
}

export function credentialGet(call: ToolCall): CloudSpecRecord {
  return toCloudSpecRecord(expectObject("credential-get", call.json("credential-get", ["--format=json"])));
}

export function jujuReboot(call: ToolCall, now: boolean): void {
  call.run("juju-reboot", now ? ["--now"] : []);
}

function toCloudSpecRecord(object: JsonObject): CloudSpecRecord {
  const tool = "credential-get";
  const type = optionalString(tool, object, "type");
  const name = optionalString(tool, object, "name");
  if (type === undefined || name === undefined) throw malformed(tool, "expected type and name");
  const optional = (key: string, as: string): Record<string, string> => {
    const value = optionalString(tool, object, key);
    return value === undefined ? {} : { [as]: value };
  };
  const credentialRaw = object["credential"];
  let credential: CloudSpecRecord["credential"];
  if (credentialRaw !== undefined && credentialRaw !== null) {
    const c = expectObject(tool, credentialRaw);
    credential = {
      authType: optionalString(tool, c, "auth-type") ?? "",
      attributes: c["attrs"] === undefined || c["attrs"] === null ? {} : expectStringRecord(tool, c["attrs"]),
      redacted: expectStringArray(tool, c["redacted"] ?? null),
    };
  }
  return {
    type,
    name,
    ...optional("region", "region"),
    ...optional("endpoint", "endpoint"),
    ...optional("identity-endpoint", "identityEndpoint"),
    ...optional("storage-endpoint", "storageEndpoint"),
    ...(credential === undefined ? {} : { credential }),
    caCertificates: expectStringArray(tool, object["cacertificates"] ?? null),
    skipTlsVerify: object["skip-tls-verify"] === true,
    isControllerCloud: object["is-controller-cloud"] === true,
  };
}
