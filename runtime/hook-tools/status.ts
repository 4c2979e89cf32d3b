// Status: `status-get` (unit and application) and `status-set`.

import type { SettableStatusName } from "../../grammar/status.js";
import type { JsonObject, JsonValue } from "../meta.js";
import type { ToolCall } from "./call.js";
import { expectObject, malformed, optionalString } from "./output.js";

export type { SettableStatusName } from "../../grammar/status.js";

export interface StatusRecord {
  readonly status: string;
  readonly message: string;
  readonly data: JsonObject;
}

export interface AppStatusRecord extends StatusRecord {
  readonly units: Readonly<Record<string, StatusRecord>>;
}

export interface StatusTools {
  statusGet(): StatusRecord;
  statusGetApplication(): AppStatusRecord;
  statusSet(status: SettableStatusName, message: string, app: boolean): void;
}

export function statusGet(call: ToolCall): StatusRecord {
  const raw = call.json("status-get", ["--include-data", "--format=json", "--application=false"]);
  return toStatusRecord("status-get", raw);
}

export function statusGetApplication(call: ToolCall): AppStatusRecord {
  const raw = expectObject("status-get", call.json("status-get", ["--include-data", "--format=json", "--application=true"]));
  const app = expectObject("status-get", raw["application-status"] ?? null);
  const units: Record<string, StatusRecord> = {};
  for (const [unit, value] of Object.entries(expectObject("status-get", app["units"] ?? {}))) {
    units[unit] = toStatusRecord("status-get", value);
  }
  return { ...toStatusRecord("status-get", app), units };
}

/** The message goes after `--`, so one that starts with `-` is not taken for a flag. */
export function statusSet(call: ToolCall, status: SettableStatusName, message: string, app: boolean): void {
  call.run("status-set", [`--application=${app ? "True" : "False"}`, status, "--", message]);
}

function toStatusRecord(tool: string, value: JsonValue): StatusRecord {
  const object = expectObject(tool, value);
  const status = optionalString(tool, object, "status");
  if (status === undefined) throw malformed(tool, "expected a status");
  const data = object["status-data"];
  return {
    status,
    message: optionalString(tool, object, "message") ?? "",
    data: data === undefined || data === null ? {} : expectObject(tool, data),
  };
}
