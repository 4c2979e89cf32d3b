// Actions: `action-get`, `action-set`, `action-fail`, `action-log`.

import type { JsonObject } from "../meta.js";
import type { ToolCall } from "./call.js";
import { expectObject } from "./output.js";

export interface ActionTools {
  actionGet(): JsonObject;
  actionSet(results: Readonly<Record<string, string>>): void;
  actionFail(message: string): void;
  actionLog(message: string): void;
}

export function actionGet(call: ToolCall): JsonObject {
  return expectObject("action-get", call.json("action-get", ["--format=json"]));
}

/** Keys are dotted (`a.b`), already checked against Juju's grammar by the caller. */
export function actionSet(call: ToolCall, results: Readonly<Record<string, string>>): void {
  call.run(
    "action-set",
    Object.entries(results).map(([key, value]) => `${key}=${value}`),
  );
}

export function actionFail(call: ToolCall, message: string): void {
  call.run("action-fail", ["--", message]);
}

export function actionLog(call: ToolCall, message: string): void {
  call.run("action-log", ["--", message]);
}
