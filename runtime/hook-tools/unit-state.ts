// Unit state: `state-get`, `state-set` (a JSON object on stdin, `--file -`), `state-delete`.

import type { ToolCall } from "./call.js";
import { expectStringRecord } from "./output.js";

export interface UnitStateTools {
  stateGet(): Record<string, string>;
  stateSet(data: Readonly<Record<string, string>>): void;
  stateDelete(key: string): void;
}

export function stateGet(call: ToolCall): Record<string, string> {
  const data = call.json("state-get", ["--format=json"]);
  return data === null ? {} : expectStringRecord("state-get", data);
}

export function stateSet(call: ToolCall, data: Readonly<Record<string, string>>): void {
  call.run("state-set", ["--file", "-"], JSON.stringify(data));
}

export function stateDelete(call: ToolCall, key: string): void {
  call.run("state-delete", [key]);
}
