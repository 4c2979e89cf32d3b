// The abstract `Juju` client of "tscharm/integration": the juju command line's verbs, shaped like
// Jubilant's (https://github.com/canonical/jubilant), that both clients implement, and `wait` with
// its report of the units that are not active. `Juju.local()` (local-juju.ts) and `Juju.cli()`
// (cli-juju.ts) make the two clients; juju.ts binds them, so import `Juju` from there.

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import type { DeployOptions } from "../simulator/simulator.js";
import type { CliJuju, CliOptions } from "./cli-juju.js";
import { WaitError, WaitTimeoutError } from "./errors.js";
import type { LocalJuju, LocalOptions } from "./local-juju.js";
import { type Status, type StatusInfo, type StatusPredicate, leaderOf } from "./status-types.js";
import type { Task } from "./tasks.js";

/** `juju refresh <app> --path <charm> [--force-units]`. */
export interface RefreshOptions {
  /** The new charm: a `.charm` file (locally, also a built project). */
  readonly path: string;
  /**
   * `--force-units`: units in error take the new charm at once, and stay in error (no
   * upgrade-charm runs on them). Without it a unit in error keeps the old charm until resolved.
   */
  readonly forceUnits?: boolean;
}

export interface RemoveApplicationOptions {
  /** `--destroy-storage`: destroy the units' storage too (in the simulator, storage never outlives its unit). */
  readonly destroyStorage?: boolean;
  /** `--force`: remove units whose teardown hooks fail instead of waiting for them. */
  readonly force?: boolean;
}

export interface WaitOptions {
  /** Give up after this long, in milliseconds (default: the client's `waitTimeout`, 3 minutes). */
  readonly timeout?: number;
  /** How many checks in a row `ready` must pass (default 3, as Jubilant). */
  readonly successes?: number;
  /** Stop with a `WaitError` as soon as this holds, e.g. `anyError`. */
  readonly error?: StatusPredicate;
  /** Between two checks against a real controller, in milliseconds (default: the client's `pollInterval`). */
  readonly delay?: number;
}

/**
 * How `Juju.local()` and `Juju.cli()` make their clients. Both extend `Juju`, so this module cannot
 * import them: juju.ts, which imports all three, sets these once.
 */
interface ClientMakers {
  local(options: LocalOptions): LocalJuju;
  cli(options: CliOptions): CliJuju;
}
let makers: ClientMakers | undefined;

/** @internal Called by juju.ts. */
export function bindJujuClients(clients: ClientMakers): void {
  makers = clients;
}

function clientMakers(): ClientMakers {
  if (makers === undefined) throw new Error("Juju.local() and Juju.cli() are bound by integration/juju.js: import Juju from there");
  return makers;
}

export abstract class Juju {
  protected constructor(protected readonly waitTimeout: number) {}

  /** A client of the local simulator, started on first use; `close()` destroys its model. */
  static local(options: LocalOptions = {}): LocalJuju {
    return clientMakers().local(options);
  }

  /** A client of a real controller, through the `juju` command line. */
  static cli(options: CliOptions = {}): CliJuju {
    return clientMakers().cli(options);
  }

  /**
   * `juju deploy <charm> [app] --num-units N --config k=v…`: a `.charm` file. `Juju.local()` also
   * deploys a charm project built with `tscharm build`; `Juju.cli()` refuses one (pack it first).
   */
  abstract deploy(charm: string, options?: DeployOptions): Promise<void>;
  abstract addUnit(app: string, options?: { readonly numUnits?: number }): Promise<void>;
  /** `juju remove-unit`: the units tear down and leave. */
  abstract removeUnit(...units: string[]): Promise<void>;
  /**
   * `juju remove-application <app…> [--destroy-storage] [--force]` (Jubilant's
   * `remove_application(*app, destroy_storage=False, force=False)`): the applications' relations
   * and units go, then the applications. Returns at once; `wait` for the model to settle.
   */
  abstract removeApplication(app: string | readonly string[], options?: RemoveApplicationOptions): Promise<void>;
  abstract integrate(app1: string, app2: string): Promise<void>;
  abstract removeRelation(app1: string, app2: string): Promise<void>;
  /** `juju config <app>`: the application's config. */
  config(app: string): Promise<Record<string, ConfigValue>>;
  /** `juju config <app> k=v… --reset k,…`. */
  config(app: string, values: Readonly<Record<string, ConfigValue>>, options?: { readonly reset?: readonly string[] }): Promise<void>;
  async config(
    app: string,
    values?: Readonly<Record<string, ConfigValue>>,
    options: { readonly reset?: readonly string[] } = {},
  ): Promise<Record<string, ConfigValue> | void> {
    if (values === undefined && options.reset === undefined) return this.readConfig(app);
    await this.writeConfig(app, values ?? {}, options.reset ?? []);
  }

  protected abstract readConfig(app: string): Promise<Record<string, ConfigValue>>;
  protected abstract writeConfig(app: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[]): Promise<void>;
  /**
   * `juju run <unit> <action>`: waits for the action and returns its task; a failed action raises a
   * `TaskError` carrying the task. `unit` may be `<app>/leader`.
   */
  abstract run(unit: string, action: string, params?: JsonObject): Promise<Task>;
  /** `juju exec --unit <unit> -- <command> [args…]`: a shell command in a hook context on the unit. */
  abstract exec(unit: string, command: string, ...args: string[]): Promise<Task>;
  /** `juju status --format=json`, parsed. */
  abstract status(): Promise<Status>;
  /** `juju debug-log`: the model's log as text. */
  abstract debugLog(options?: { readonly limit?: number }): Promise<string>;
  /** `juju resolve [--no-retry] <unit>`. */
  abstract resolve(unit: string, options?: { readonly noRetry?: boolean }): Promise<void>;
  /** `juju refresh <app> --path <charm> [--force-units]`. */
  abstract refresh(app: string, options: RefreshOptions): Promise<void>;
  /**
   * Locally: destroys the model as `juju destroy-model --force` does (every unit runs its teardown
   * hooks, then the processes they left running are stopped) and deletes its directory unless
   * you chose it. On a real controller: nothing (every method is one process).
   */
  abstract close(): Promise<void>;

  /**
   * Waits until `ready(status)` holds `successes` times in a row and returns that status. Raises
   * `WaitError` when `error(status)` holds (or, locally, when the idle model can never satisfy
   * `ready`), and `WaitTimeoutError` on timeout; both name the units that are not active and why.
   */
  async wait(ready: StatusPredicate, options: WaitOptions = {}): Promise<Status> {
    const timeout = options.timeout ?? this.waitTimeout;
    const successes = options.successes ?? 3;
    const deadline = Date.now() + timeout;
    let count = 0;
    let status: Status | undefined;
    for (;;) {
      status = await this.status();
      if (options.error !== undefined && (await options.error(status))) {
        throw new WaitError(`wait: the error condition ${describe(options.error)} holds${await this.explain(status)}`, status);
      }
      count = (await ready(status)) ? count + 1 : 0;
      if (count >= successes) return status;
      const progress = await this.advance(options.delay);
      if (progress === "idle") {
        // Nothing will change any more: the condition holds for good, or never will.
        if (count > 0) return status;
        throw new WaitError(`wait: the model is idle and ${describe(ready)} does not hold${await this.explain(status)}`, status);
      }
      if (Date.now() > deadline) {
        throw new WaitTimeoutError(
          `wait: timed out after ${String(timeout)} ms waiting for ${describe(ready)}${await this.explain(status)}`,
          status,
        );
      }
    }
  }

  /** Lets the model move on between two checks of `wait`. */
  protected abstract advance(delay: number | undefined): Promise<"progressed" | "idle">;

  /** What a unit's failed hook left to read, one line each (locally: its exit, error records and stderr). */
  protected failedHookReport(_unit: string): Promise<string[]> {
    return Promise.resolve([]);
  }

  /** The end of a failed wait's message: the units that are not active, the most severe first, and why. */
  private async explain(status: Status): Promise<string> {
    const troubled = notActive(status);
    if (troubled.length === 0) return Object.keys(status.apps).length === 0 ? "\nthe model has no applications" : "\nevery unit is active";
    const lines: string[] = [];
    for (const entry of troubled.slice(0, MAX_EXPLAINED)) {
      lines.push(`  ${entry.name}: ${entry.info.current}${entry.info.message === "" ? "" : `: ${entry.info.message}`}`);
      if (entry.unit && entry.info.current === "error")
        lines.push(...(await this.failedHookReport(entry.name)).map((line) => `    ${line}`));
    }
    if (troubled.length > MAX_EXPLAINED) lines.push(`  … and ${String(troubled.length - MAX_EXPLAINED)} more`);
    return `\n${lines.join("\n")}`;
  }
}

/** How many units a failed wait describes. */
const MAX_EXPLAINED = 20;
/** The workload statuses a failed wait reports first: the most severe first (Juju's order), then the rest. */
const SEVERITY = ["error", "blocked", "waiting", "maintenance", "unknown"];

/** The units that are not active, then the applications whose own status is error or blocked, the most severe first. */
function notActive(status: Status): { name: string; info: StatusInfo; unit: boolean }[] {
  const rank = (info: StatusInfo): number => {
    const index = SEVERITY.indexOf(info.current);
    return index === -1 ? SEVERITY.length : index;
  };
  const found: { name: string; info: StatusInfo; unit: boolean }[] = [];
  for (const [appName, app] of Object.entries(status.apps)) {
    const units = Object.entries(app.units);
    for (const [name, unit] of units)
      if (unit.workloadStatus.current !== "active") found.push({ name, info: unit.workloadStatus, unit: true });
    const shownByUnit = units.some(
      ([, unit]) => unit.workloadStatus.current === app.appStatus.current && unit.workloadStatus.message === app.appStatus.message,
    );
    if ((app.appStatus.current === "error" || app.appStatus.current === "blocked") && !shownByUnit) {
      found.push({ name: `${appName} (application)`, info: app.appStatus, unit: false });
    }
  }
  return found.sort((a, b) => rank(a.info) - rank(b.info) || a.name.localeCompare(b.name, "en", { numeric: true }));
}

/** The leader of `app`, as `juju status` shows it; undefined while it has none (just after deploy). */
export async function getLeaderUnit(juju: Juju, app: string): Promise<string | undefined> {
  return leaderOf(await juju.status(), app);
}

function describe(predicate: StatusPredicate): string {
  return predicate.name === "" ? "the condition" : predicate.name;
}
