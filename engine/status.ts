// Workload status in one hook: status-get and status-set, immediate (not buffered), as in Juju.

import type { AppStatusRecord, SettableStatusName, StatusRecord } from "../runtime/hook-tools/index.js";
import { SETTABLE_STATUSES, isSettableStatus } from "../grammar/status.js";
import type { HookScope } from "./hook-scope.js";
import { NOT_LEADER, fail } from "./tool-errors.js";

export class Status {
  constructor(private readonly scope: HookScope) {}

  statusGet(): StatusRecord {
    return this.scope.model.unit(this.scope.unitName).status;
  }

  statusGetApplication(): AppStatusRecord {
    if (!this.scope.isLeader()) fail("status-get", 1, `finding application status: ${NOT_LEADER}`);
    const { model } = this.scope;
    const app = model.app(this.scope.appName);
    const units = Object.fromEntries(app.units.map((unit) => [unit, model.unit(unit).status]));
    return { ...app.status, units };
  }

  statusSet(status: SettableStatusName, message: string, app: boolean): void {
    checkStatus(status);
    if (app && !this.scope.isLeader()) fail("status-set", 1, NOT_LEADER);
    const { model } = this.scope;
    const target = app ? model.app(this.scope.appName) : model.unit(this.scope.unitName);
    model.setStatus(target, { status, message, data: {} });
  }
}

/** status-set's values (exit 2: the tool checks them while parsing). */
export function checkStatus(status: string): asserts status is SettableStatusName {
  if (!isSettableStatus(status)) fail("status-set", 2, `invalid status "${status}", expected one of [${SETTABLE_STATUSES.join(" ")}]`);
}
