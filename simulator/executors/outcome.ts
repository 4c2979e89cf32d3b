// What running a hook, action or command produced, whichever executor ran it.

import type { JujuModel } from "../../engine/model.js";
import type { ToolCall } from "../../fake-tools/server.js";
import type { LogEntry } from "../types.js";

/** How much of a hook's stdout and stderr is kept. */
export const OUTPUT_LIMIT = 64 * 1024;

/** What running a hook, action or command produced. */
export interface ProcessOutcome {
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: ToolCall[];
  readonly logs: { level: string; message: string }[];
  readonly durationMs: number;
}

/** The parts of an outcome the debug log keeps. */
export function ran(outcome: ProcessOutcome): Pick<LogEntry, "exitCode" | "stdout" | "stderr" | "calls" | "logs" | "durationMs"> {
  const { exitCode, stdout, stderr, calls, logs, durationMs } = outcome;
  return { exitCode, stdout, stderr, calls, logs, durationMs };
}

/** The unit's juju-log records since the model's log had `logStart` records: what one run logged. */
export function logsSince(model: JujuModel, unitName: string, logStart: number): { level: string; message: string }[] {
  return model.logs
    .slice(logStart)
    .filter((line) => line.unit === unitName)
    .map(({ level, message }) => ({ level, message }));
}
