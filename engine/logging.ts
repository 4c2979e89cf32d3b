// juju-log in one hook: immediate, into the model's log.

import type { LogLevel } from "../runtime/hook-tools/index.js";
import type { HookScope } from "./hook-scope.js";

export class Logging {
  constructor(private readonly scope: HookScope) {}

  jujuLog(level: LogLevel, message: string): void {
    this.scope.model.appendLog({ unit: this.scope.unitName, level, message });
  }
}
