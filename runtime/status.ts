// Workload status values (active, blocked, maintenance, waiting, unknown, error) and their priority.

import { SETTABLE_STATUSES, type SettableStatusName, type StatusName } from "../grammar/status.js";
import { InvalidStatusError } from "./errors.js";

export type { StatusName } from "../grammar/status.js";

/** A status with its message; compare with `toEqual(new ActiveStatus("ready"))`. */
export abstract class StatusBase {
  abstract readonly name: StatusName;
  constructor(readonly message: string = "") {}

  /** Builds the status class for a name that `status-get` printed. */
  static fromName(name: string, message: string): StatusBase {
    switch (name) {
      case "active":
        return new ActiveStatus(message);
      case "blocked":
        return new BlockedStatus(message);
      case "maintenance":
        return new MaintenanceStatus(message);
      case "waiting":
        return new WaitingStatus(message);
      case "error":
        return new ErrorStatus(message);
      case "unknown":
        return new UnknownStatus();
      default:
        throw new InvalidStatusError(`unknown status "${name}"`);
    }
  }

  toString(): string {
    return this.message === "" ? this.name : `${this.name}: ${this.message}`;
  }
}

/** The workload is ready and doing its job. */
export class ActiveStatus extends StatusBase {
  readonly name = "active";
}

/** The unit needs a human to do something (relate an app, fix config) before it can proceed. */
export class BlockedStatus extends StatusBase {
  readonly name = "blocked";
}

/** The unit is busy with work of its own (installing, upgrading). */
export class MaintenanceStatus extends StatusBase {
  readonly name = "maintenance";
}

/** The unit is waiting on something outside a human's control (another unit, the leader). */
export class WaitingStatus extends StatusBase {
  readonly name = "waiting";
}

/** Nothing has been set yet. Charms cannot set this. */
export class UnknownStatus extends StatusBase {
  readonly name = "unknown";
  constructor() {
    super("");
  }
}

/** Juju's own status for a failed hook. Charms cannot set this. */
export class ErrorStatus extends StatusBase {
  readonly name = "error";
}

/** Highest first: what collect-status picks when several components add a status. */
const PRIORITY: readonly StatusName[] = ["error", "blocked", "maintenance", "waiting", "active", "unknown"];

/** The most important of `statuses` (first added wins a tie), as ops' collect-status does. */
export function highestPriority(statuses: readonly StatusBase[]): StatusBase | undefined {
  let best: StatusBase | undefined;
  for (const status of statuses) {
    if (best === undefined || PRIORITY.indexOf(status.name) < PRIORITY.indexOf(best.name)) best = status;
  }
  return best;
}

/** What `status-set` accepts, in the order its error lists them (grammar/status.ts). */
export { SETTABLE_STATUSES } from "../grammar/status.js";

/** The name to give `status-set`; `unknown` and `error` are refused before any tool runs, in status-set's own words. */
export function settableName(status: StatusBase): SettableStatusName {
  if (status.name === "unknown" || status.name === "error") {
    throw new InvalidStatusError(`invalid status "${status.name}", expected one of [${SETTABLE_STATUSES.join(" ")}]`);
  }
  return status.name;
}
