// A task (an action or `exec` command that ran on one unit) as the Juju client reports it, from
// the simulator's task record or from `juju run` / `juju exec` JSON.

import type { JsonObject } from "../runtime/meta.js";
import type { TaskRecord } from "../simulator/simulator.js";

/** An action or `exec` command that ran on one unit. */
export interface Task {
  readonly id: string;
  /** `completed` or `failed` (Juju also knows `aborted`, `cancelled`, `error`). */
  readonly status: string;
  /** What the charm set with action-set, without Juju's `return-code`, `stdout` and `stderr`. */
  readonly results: JsonObject;
  readonly returnCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The failure message: action-fail's, or Juju's (`exit status 1`). */
  readonly message: string;
  /** action-log messages, each prefixed with its time as Juju prints them. */
  readonly log: readonly string[];
  /** Completed with return code 0. */
  readonly success: boolean;
}

/** A task record of the simulator as the client reports it. */
export function taskOf(record: TaskRecord): Task {
  return taskFromJuju({ id: record.id, status: record.status, results: record.results, message: record.message, log: record.log });
}

/** One unit's entry of `juju run --format json` / `juju exec --format json`. */
export function taskFromJuju(json: unknown): Task {
  const entry = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const results: JsonObject = {
    ...(typeof entry["results"] === "object" && entry["results"] !== null ? (entry["results"] as JsonObject) : {}),
  };
  const take = (key: string): unknown => {
    const value = results[key];
    Reflect.deleteProperty(results, key);
    return value;
  };
  const code = take("return-code") ?? take("Code");
  const stdout = take("stdout") ?? take("Stdout");
  const stderr = take("stderr") ?? take("Stderr");
  const returnCode = typeof code === "number" ? code : typeof code === "string" ? Number(code) : 0;
  const status = typeof entry["status"] === "string" ? entry["status"] : "";
  return {
    id: typeof entry["id"] === "string" ? entry["id"] : typeof entry["id"] === "number" ? String(entry["id"]) : "",
    status,
    results,
    returnCode,
    stdout: typeof stdout === "string" ? stdout : "",
    stderr: typeof stderr === "string" ? stderr : "",
    message: typeof entry["message"] === "string" ? entry["message"] : "",
    log: Array.isArray(entry["log"]) ? entry["log"].map(String) : [],
    success: status === "completed" && returnCode === 0,
  };
}
