// The abstract `Juju` client of "tscharm/integration": the juju command line's verbs, shaped like
// Jubilant's (https://github.com/canonical/jubilant), that both clients implement, and `wait` with
// its report of the units that are not active. `Juju.local()` (local-juju.ts) and `Juju.cli()`
// (cli-juju.ts) make the two clients; juju.ts binds them, so import `Juju` from there.

import { randomBytes } from "node:crypto";

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import type { DeployOptions } from "../simulator/simulator.js";
import type { CliJuju, CliOptions } from "./cli-juju.js";
import { WaitError, WaitTimeoutError } from "./errors.js";
import type { LocalJuju, LocalOptions } from "./local-juju.js";
import { type Status, type StatusInfo, type StatusPredicate, leaderOf } from "./status-types.js";
import type { Secret } from "./secret-types.js";
import type { Task } from "./tasks.js";
import type { UnitInfo } from "./unit-types.js";

/**
 * `juju deploy`'s options, as Jubilant's `deploy` takes them. `Juju.cli()` passes each on;
 * `Juju.local()` deploys local charms only: it refuses `channel`, `revision`, `resources`, `to`
 * and `storage`, and takes `base` and `constraints` without effect (a simulated machine has no
 * image or hardware to choose).
 */
export interface ClientDeployOptions extends DeployOptions {
  /** `--channel`, for a Charmhub charm (`latest/edge`). */
  readonly channel?: string;
  /** `--base` (`ubuntu@24.04`). */
  readonly base?: string;
  /** `--revision`, for a Charmhub charm. */
  readonly revision?: number;
  /** `--resource name=value`: a file (copied where a snap juju can read it) or a revision. */
  readonly resources?: Readonly<Record<string, string>>;
  /** `--constraints k=v`. */
  readonly constraints?: Readonly<Record<string, ConfigValue>>;
  /** `--to`: machines or placement directives (`lxd:25`). */
  readonly to?: string | readonly string[];
  /** `--storage name=constraints` (`data: "tmpfs,1G"`). */
  readonly storage?: Readonly<Record<string, string>>;
}

/** `juju run` / `juju exec`: how long to wait for the task, in milliseconds (Juju's own default otherwise). */
export interface TaskOptions {
  readonly wait?: number;
}

/** `juju add-model`'s options. */
export interface AddModelOptions {
  readonly cloud?: string;
  readonly controller?: string;
  readonly config?: Readonly<Record<string, ConfigValue>>;
  readonly credential?: string;
}

/** `juju destroy-model`'s options. */
export interface DestroyModelOptions {
  readonly destroyStorage?: boolean;
  readonly releaseStorage?: boolean;
  readonly force?: boolean;
  readonly noWait?: boolean;
  /** `--timeout`, in milliseconds (only with `force`). */
  readonly timeout?: number;
}

/** `tempModel`'s options: those of `addModel`, and whether the model outlives the block. */
export interface TempModelOptions extends AddModelOptions {
  /** Keep the model afterwards. */
  readonly keep?: boolean;
  /** Keep the model when the block throws (to look at what failed), destroy it otherwise. */
  readonly keepOnFailure?: boolean;
}

/** `showSecret`'s options. */
export interface ShowSecretOptions {
  /** `--reveal`: the content, in `secret.content`. */
  readonly reveal?: boolean;
  /** `--revision N` (default the latest). */
  readonly revision?: number;
  /** `--revisions`: each revision's metadata. */
  readonly revisions?: boolean;
}

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
  abstract deploy(charm: string, options?: ClientDeployOptions): Promise<void>;
  abstract addUnit(app: string, options?: { readonly numUnits?: number }): Promise<void>;
  /** `juju remove-unit`: the units tear down and leave. */
  abstract removeUnit(...units: string[]): Promise<void>;
  /**
   * `juju remove-application <app…> [--destroy-storage] [--force]` (Jubilant's
   * `remove_application(*app, destroy_storage=False, force=False)`): the applications' relations
   * and units go, then the applications. Returns at once; `wait` for the model to settle.
   */
  abstract removeApplication(app: string | readonly string[], options?: RemoveApplicationOptions): Promise<void>;

  /**
   * `juju integrate a b [--via cidr,…]`. `via`: the egress subnets of a cross-model relation
   * (locally: checked as CIDRs and recorded in the debug log, nothing more).
   */
  abstract integrate(app1: string, app2: string, options?: { readonly via?: string | readonly string[] }): Promise<void>;
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
  abstract run(unit: string, action: string, params?: JsonObject, options?: TaskOptions): Promise<Task>;
  /**
   * `juju exec --unit <unit> [--wait …] -- <command> [args…]`: a shell command in a hook context on
   * the unit. A last argument `{ wait }` sets how long to wait (a `TaskTimeoutError` after it).
   */
  exec(unit: string, command: string, ...args: string[] | [...string[], TaskOptions]): Promise<Task> {
    const last = args.at(-1);
    const options = typeof last === "object" ? last : {};
    const words = (args as readonly (string | TaskOptions)[]).filter((arg): arg is string => typeof arg === "string");
    return this.execTask(unit, command, words, options);
  }

  protected abstract execTask(unit: string, command: string, args: readonly string[], options: TaskOptions): Promise<Task>;

  /** The model this client works on (`[controller:][user/]model`); undefined: juju's current model. */
  abstract readonly model: string | undefined;
  /** Makes `model` the one this client works on. */
  protected abstract useModel(model: string | undefined): void;
  /** `juju add-model --no-switch <name> [cloud]`, and this client works on it from now on. */
  abstract addModel(name: string, options?: AddModelOptions): Promise<void>;
  /** `juju destroy-model <model> --no-prompt`; if it is this client's model, the client has none after. */
  abstract destroyModel(model: string, options?: DestroyModelOptions): Promise<void>;

  /**
   * Jubilant's `temp_model`: a model named `tscharm-<8 hex digits>` made for `use` and destroyed
   * after it (with its storage, by force), unless `keep`, or `keepOnFailure` and `use` threw. The
   * client works on the new model during `use` and on the one before afterwards.
   */
  async tempModel<T>(use: (juju: this) => Promise<T>, options: TempModelOptions = {}): Promise<T> {
    const previous = this.model;
    await this.addModel(`tscharm-${randomBytes(4).toString("hex")}`, options);
    const made = this.model ?? "";
    let failed = false;
    try {
      return await use(this);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      try {
        if (options.keep !== true && !(failed && options.keepOnFailure === true)) {
          const destroyed = this.destroyModel(made, { destroyStorage: true, force: true });
          // The block's own failure is the one to report; a failed teardown after it only says so.
          if (failed) await destroyed.catch((error: unknown) => process.stderr.write(`tempModel: destroying ${made}: ${String(error)}\n`));
          else await destroyed;
        }
      } finally {
        this.useModel(previous);
      }
    }
  }

  /**
   * `juju add-secret <name> --file <yaml> [--info …]`: a user secret; returns its URI
   * (`secret:<id>`). The content never goes in argv.
   */
  abstract addSecret(name: string, content: Readonly<Record<string, string>>, options?: { readonly info?: string }): Promise<string>;
  /** `juju grant-secret <id|name> <app>[,<app>…]`. */
  abstract grantSecret(id: string, apps: string | readonly string[]): Promise<void>;
  /** `juju revoke-secret <id|name> <app>[,<app>…]`. */
  abstract revokeSecret(id: string, apps: string | readonly string[]): Promise<void>;
  /** `juju secrets --format json [--owner …]`: every secret of the model. */
  abstract secrets(options?: { readonly owner?: string }): Promise<Secret[]>;
  /** `juju show-secret <id|name> --format json [--reveal] [--revision N] [--revisions]`. */
  abstract showSecret(id: string, options?: ShowSecretOptions): Promise<Secret>;
  /** `juju update-secret <id|name> [--file <yaml>] [--info …] [--name …] [--auto-prune]`. */
  abstract updateSecret(
    id: string,
    content: Readonly<Record<string, string>> | undefined,
    options?: { readonly info?: string; readonly name?: string; readonly autoPrune?: boolean },
  ): Promise<void>;
  /** `juju remove-secret <id|name> [--revision N]`. */
  abstract removeSecret(id: string, options?: { readonly revision?: number }): Promise<void>;
  /** `juju show-unit <unit> --format json`, parsed. */
  abstract showUnit(unit: string): Promise<UnitInfo>;
  /**
   * `juju ssh <unit|machine> <command> [args…]`: its stdout; a non-zero exit is a `CLIError`.
   * Locally it runs the way `juju exec` does, on the unit's machine.
   */
  abstract ssh(target: string, command: string, ...args: string[]): Promise<string>;
  /**
   * `juju scp -- <source> <destination>`: one of them `<unit|machine>:<path>`, the other a local
   * path. Locally a copy through the exec path, of at most 4 MiB.
   */
  abstract scp(source: string, destination: string): Promise<void>;
  /** `juju trust <app> [--remove] [--scope cluster]`: config-changed runs on every unit. */
  abstract trust(app: string, options?: { readonly remove?: boolean; readonly scope?: "cluster" }): Promise<void>;
  /** `juju status --format=json`, parsed. */
  abstract status(): Promise<Status>;
  /** `juju debug-log`: the model's log as text, all of it, or the last `limit` lines. */
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
