// Logging: `juju-log`.

import type { LogLevel } from "../../grammar/status.js";
import type { ToolCall } from "./call.js";

export type { LogLevel } from "../../grammar/status.js";

export interface LoggingTools {
  jujuLog(level: LogLevel, message: string): void;
}

export function jujuLog(call: ToolCall, level: LogLevel, message: string): void {
  call.run("juju-log", ["--log-level", level, "--", message]);
}
