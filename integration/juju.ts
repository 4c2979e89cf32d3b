// The `Juju` client of "tscharm/integration": the juju command line's verbs as methods, shaped like
// Jubilant's (https://github.com/canonical/jubilant). `Juju.local()` runs them on the simulator in this process;
// `Juju.cli({ model })` runs the real `juju` binary and parses its JSON. A test written against
// one runs against the other.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";

import { writeYaml } from "../project/juju-yaml.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { debugLogLines } from "../simulator/debug-log.js";
import { type DeployOptions, Simulator, type SimulatorOptions, type TaskRecord, entryFailed } from "../simulator/simulator.js";
import { type Status, type StatusInfo, type StatusPredicate, leaderOf, parseStatus } from "./status-types.js";

/** `juju debug-log` lines of the simulator's history (simulator/debug-log.ts). */
export { debugLogLines };

export type { DeployOptions, SimulatorOptions };

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

/** An action or command that did not succeed; `task` says how. */
export class TaskError extends Error {
  override name = "TaskError";
  constructor(readonly task: Task) {
    super(`task ${task.id} ${task.status} (return code ${String(task.returnCode)})${task.message === "" ? "" : `: ${task.message}`}${task.stderr === "" ? "" : `\n${task.stderr}`}`);
  }
}

/**
 * `wait` saw its `error` condition, or the model can never satisfy the condition. The message
 * names every unit that is not active (in error and blocked first) with its status message, and,
 * locally, what the failed hook logged and printed; `status` is the status that ended the wait.
 */
export class WaitError extends Error {
  override name = "WaitError";
  constructor(
    message: string,
    readonly status: Status | undefined,
  ) {
    super(message);
  }
}

/** `wait` gave up after its timeout; the message tells the state of the units as `WaitError` does. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly status: Status | undefined,
  ) {
    super(message);
  }
}

/** `juju` exited non-zero. */
export class CLIError extends Error {
  override name = "CLIError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`juju ${args.join(" ")} exited with ${String(exitCode)}: ${stderr.trim()}`);
  }
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

export interface CliOptions {
  /** `[controller:][user/]model`; the current model when omitted. */
  readonly model?: string;
  /** The juju binary (default `juju` on PATH). */
  readonly cliBinary?: string;
  /** The default `wait` timeout, in milliseconds (default 180 000). */
  readonly waitTimeout?: number;
  /** The default time between two checks of `wait`, in milliseconds (default 1000). */
  readonly pollInterval?: number;
}

export interface LocalOptions extends SimulatorOptions {
  /** The default `wait` timeout, in milliseconds (default 180 000). */
  readonly waitTimeout?: number;
  /** How long `close()` lets the units tear down before it removes the rest by force, in milliseconds (default 30 000). */
  readonly teardownTimeout?: number;
}

export abstract class Juju {
  protected constructor(protected readonly waitTimeout: number) {}

  /** A client of the local simulator, started on first use; `close()` destroys its model. */
  static local(options: LocalOptions = {}): LocalJuju {
    return new LocalJuju(options);
  }

  /** A client of a real controller, through the `juju` command line. */
  static cli(options: CliOptions = {}): CliJuju {
    return new CliJuju(options);
  }

  /**
   * `juju deploy <charm> [app] --num-units N --config k=v…`: a `.charm` file. `Juju.local()` also
   * deploys a charm project built with `tscharm build`; `Juju.cli()` refuses one (pack it first).
   */
  abstract deploy(charm: string, options?: DeployOptions): Promise<void>;
  abstract addUnit(app: string, options?: { readonly numUnits?: number }): Promise<void>;
  /** `juju remove-unit`: the units tear down and leave. */
  abstract removeUnit(...units: string[]): Promise<void>;
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
        throw new WaitTimeoutError(`wait: timed out after ${String(timeout)} ms waiting for ${describe(ready)}${await this.explain(status)}`, status);
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
      if (entry.unit && entry.info.current === "error") lines.push(...(await this.failedHookReport(entry.name)).map((line) => `    ${line}`));
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
    for (const [name, unit] of units) if (unit.workloadStatus.current !== "active") found.push({ name, info: unit.workloadStatus, unit: true });
    const shownByUnit = units.some(([, unit]) => unit.workloadStatus.current === app.appStatus.current && unit.workloadStatus.message === app.appStatus.message);
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

// --- the local simulator ---------------------------------------------------------------------

/**
 * `Juju.local()`: the simulator in this process. Commands return at once, as juju's do; the units
 * run their hooks while you `wait`, `run` or `exec`. `wait` steps the model one operation at a time
 * and checks after each, so a condition that holds when every unit is idle returns at once, and
 * one that can no longer become true fails at once instead of timing out.
 */
export class LocalJuju extends Juju {
  private started: Promise<Simulator> | undefined;

  /** @internal */
  constructor(private readonly options: LocalOptions) {
    super(options.waitTimeout ?? 180_000);
  }

  /** The simulator behind this client: for what juju has no command for (update-status now, secret rotation, the hook history). */
  async simulator(): Promise<Simulator> {
    this.started ??= Simulator.create(this.options);
    return this.started;
  }

  async deploy(charm: string, options: DeployOptions = {}): Promise<void> {
    (await this.simulator()).deploy(charm, options);
  }

  async addUnit(app: string, options: { readonly numUnits?: number } = {}): Promise<void> {
    (await this.simulator()).addUnit(app, options.numUnits ?? 1);
  }

  async removeUnit(...units: string[]): Promise<void> {
    (await this.simulator()).removeUnit(...units);
  }

  async integrate(app1: string, app2: string): Promise<void> {
    (await this.simulator()).integrate(app1, app2);
  }

  async removeRelation(app1: string, app2: string): Promise<void> {
    (await this.simulator()).removeRelation(app1, app2);
  }

  protected async readConfig(app: string): Promise<Record<string, ConfigValue>> {
    return (await this.simulator()).config(app);
  }

  protected async writeConfig(app: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[]): Promise<void> {
    (await this.simulator()).setConfig(app, values, reset);
  }

  async run(unit: string, action: string, params: JsonObject = {}): Promise<Task> {
    const simulator = await this.simulator();
    const task = taskOf(await simulator.runTask(simulator.enqueueAction(unit, action, params).id));
    if (!task.success) throw new TaskError(task);
    return task;
  }

  async exec(unit: string, command: string, ...args: string[]): Promise<Task> {
    const simulator = await this.simulator();
    const task = taskOf(await simulator.runTask(simulator.enqueueExec(unit, [command, ...args.map(shellQuote)].join(" ")).id));
    if (!task.success) throw new TaskError(task);
    return task;
  }

  async status(): Promise<Status> {
    return parseStatus((await this.simulator()).status());
  }

  async debugLog(options: { readonly limit?: number } = {}): Promise<string> {
    const lines = debugLogLines((await this.simulator()).history());
    return `${(options.limit === undefined || options.limit <= 0 ? lines : lines.slice(-options.limit)).join("\n")}\n`;
  }

  async resolve(unit: string, options: { readonly noRetry?: boolean } = {}): Promise<void> {
    (await this.simulator()).resolve(unit, options);
  }

  async refresh(app: string, options: RefreshOptions): Promise<void> {
    (await this.simulator()).refresh(app, options.path, { forceUnits: options.forceUnits === true });
  }

  /**
   * `juju destroy-model --force`: every unit tears down (a unit in error, or still there after
   * `teardownTimeout`, is removed by force), the processes the hooks left running are stopped,
   * and the model's directory is deleted unless you chose it (`dir`). Call `(await
   * juju.simulator()).destroy()` first to check the teardown in a test.
   */
  async close(): Promise<void> {
    if (this.started === undefined) return;
    const simulator = await this.started;
    this.started = undefined;
    try {
      await simulator.destroy(this.options.teardownTimeout === undefined ? {} : { timeoutMs: this.options.teardownTimeout });
    } finally {
      await simulator.close({ remove: this.options.dir === undefined });
    }
  }

  protected async advance(): Promise<"progressed" | "idle"> {
    return (await (await this.simulator()).step()) ? "progressed" : "idle";
  }

  /** The unit's last failed hook from the simulator's history: how it ended, its error records, the end of its stderr. */
  protected override async failedHookReport(unit: string): Promise<string[]> {
    const entry = (await this.simulator())
      .history()
      .findLast((candidate) => candidate.unit === unit && candidate.kind === "hook" && entryFailed(candidate));
    if (entry === undefined) return [];
    const lines = [`the ${entry.name} hook${entry.detail === "" ? "" : ` (${entry.detail})`}: ${entry.outcome}, exit ${String(entry.exitCode ?? "-")}`];
    for (const log of entry.logs.filter((record) => record.level === "ERROR" || record.level === "CRITICAL")) {
      const [first = "", ...rest] = log.message.split("\n");
      lines.push(`${log.level} ${first}`, ...rest.slice(0, MAX_RECORD_LINES).map((line) => `  ${line.trim()}`));
      if (rest.length > MAX_RECORD_LINES) lines.push(`  … ${String(rest.length - MAX_RECORD_LINES)} more lines`);
    }
    const stderr = entry.stderr.split("\n").filter((line) => line !== "");
    if (stderr.length > MAX_STDERR_LINES) lines.push(`stderr (the last ${String(MAX_STDERR_LINES)} of ${String(stderr.length)} lines):`);
    else if (stderr.length > 0) lines.push("stderr:");
    lines.push(...stderr.slice(-MAX_STDERR_LINES).map((line) => `  ${line}`));
    return lines;
  }
}

/** How much of a failed hook a failed wait shows: lines of each error record after its first, and of stderr. */
const MAX_RECORD_LINES = 12;
const MAX_STDERR_LINES = 10;

/** A task record of the simulator as the client reports it. */
export function taskOf(record: TaskRecord): Task {
  return taskFromJuju({ id: record.id, status: record.status, results: record.results, message: record.message, log: record.log });
}

/** One unit's entry of `juju run --format json` / `juju exec --format json`. */
export function taskFromJuju(json: unknown): Task {
  const entry = typeof json === "object" && json !== null ? (json as Record<string, unknown>) : {};
  const results: JsonObject = { ...(typeof entry["results"] === "object" && entry["results"] !== null ? (entry["results"] as JsonObject) : {}) };
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

/** `arg` as one word of a POSIX shell command line: as it is when that is safe, else single-quoted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'"'"'`)}'`;
}

// --- a real controller, through the juju command line -------------------------------------

/**
 * `Juju.cli()`: each method runs the juju command Jubilant runs (with `--model` when given) and
 * parses its JSON output. A snap-confined juju cannot read `/tmp`: charms and params files under
 * it are copied to `~/snap/juju/common` first.
 */
export class CliJuju extends Juju {
  readonly model: string | undefined;
  readonly cliBinary: string;
  private readonly pollInterval: number;

  /** @internal */
  constructor(options: CliOptions) {
    super(options.waitTimeout ?? 180_000);
    this.model = options.model;
    this.cliBinary = options.cliBinary ?? "juju";
    this.pollInterval = options.pollInterval ?? 1000;
  }

  /** Runs `juju <args>` (with `--model` inserted after the command) and returns its stdout. */
  async cli(...args: string[]): Promise<string> {
    return (await this.invoke(args)).stdout;
  }

  async deploy(charm: string, options: DeployOptions = {}): Promise<void> {
    // The simulator deploys a built project directory; juju does not: a project has no
    // metadata.yaml or dispatch until it is packed, and Juju 4 refuses directories outright.
    if (existsSync(join(resolve(charm), "charmcraft.yaml"))) {
      throw new Error(`${charm} is a charm project, not a charm: juju deploys the packed .charm (\`npm run pack\`, then deploy ./<name>_<arch>.charm)`);
    }
    await this.withReadableCopy(charm, async (path) => {
      const args = ["deploy", path];
      if (options.app !== undefined) args.push(options.app);
      if (options.numUnits !== undefined) args.push("--num-units", String(options.numUnits));
      for (const [key, value] of Object.entries(options.config ?? {})) args.push("--config", `${key}=${String(value)}`);
      if (options.trust === true) args.push("--trust");
      await this.cli(...args);
    });
  }

  async addUnit(app: string, options: { readonly numUnits?: number } = {}): Promise<void> {
    await this.cli("add-unit", app, ...(options.numUnits === undefined ? [] : ["--num-units", String(options.numUnits)]));
  }

  async removeUnit(...units: string[]): Promise<void> {
    await this.cli("remove-unit", "--no-prompt", ...units);
  }

  async integrate(app1: string, app2: string): Promise<void> {
    await this.cli("integrate", app1, app2);
  }

  async removeRelation(app1: string, app2: string): Promise<void> {
    await this.cli("remove-relation", app1, app2);
  }

  protected async readConfig(app: string): Promise<Record<string, ConfigValue>> {
    const settings = (JSON.parse(await this.cli("config", "--format", "json", app)) as { settings?: Record<string, { value?: ConfigValue }> }).settings ?? {};
    const config: Record<string, ConfigValue> = {};
    for (const [key, setting] of Object.entries(settings)) if (setting.value !== undefined) config[key] = setting.value;
    return config;
  }

  protected async writeConfig(app: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[]): Promise<void> {
    const args = ["config", app, ...Object.entries(values).map(([key, value]) => `${key}=${String(value)}`)];
    if (reset.length > 0) args.push("--reset", reset.join(","));
    await this.cli(...args);
  }

  async run(unit: string, action: string, params?: JsonObject): Promise<Task> {
    const run = async (paramsFile: string | undefined): Promise<Task> =>
      this.taskOutput(["run", "--format", "json", unit, action, ...(paramsFile === undefined ? [] : ["--params", paramsFile])], `action "${action}"`);
    if (params === undefined) return run(undefined);
    const dir = mkdtempSync(join(tmpdir(), "tscharm-params-"));
    try {
      const file = join(dir, "params.yaml");
      // Juju reads it with YAML 1.1: "no" must reach the action as the string it is.
      writeFileSync(file, writeYaml(params));
      return await this.withReadableCopy(file, run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async exec(unit: string, command: string, ...args: string[]): Promise<Task> {
    return this.taskOutput(["exec", "--format", "json", "--unit", unit, "--", command, ...args], "command");
  }

  async status(): Promise<Status> {
    return parseStatus(JSON.parse(await this.cli("status", "--format", "json")));
  }

  async debugLog(options: { readonly limit?: number } = {}): Promise<string> {
    return this.cli("debug-log", "--no-tail", ...(options.limit === undefined ? [] : ["--limit", String(options.limit)]));
  }

  async resolve(unit: string, options: { readonly noRetry?: boolean } = {}): Promise<void> {
    await this.cli("resolve", ...(options.noRetry === true ? ["--no-retry"] : []), unit);
  }

  async refresh(app: string, options: RefreshOptions): Promise<void> {
    await this.withReadableCopy(options.path, (path) => this.cli("refresh", app, "--path", path, ...(options.forceUnits === true ? ["--force-units"] : [])));
  }

  async close(): Promise<void> {
    // Nothing to release: every method is one process.
  }

  protected async advance(delay: number | undefined): Promise<"progressed" | "idle"> {
    await new Promise((done) => setTimeout(done, delay ?? this.pollInterval));
    return "progressed";
  }

  private async invoke(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const [command, ...rest] = args;
    const full = command === undefined ? [] : [command, ...(this.model === undefined ? [] : ["--model", this.model]), ...rest];
    // execa takes ~0.2 s to load: only this client needs it.
    const { execa } = await import("execa");
    const result = await execa(this.cliBinary, full, { reject: false, stdin: "ignore" });
    const { stdout, stderr } = result;
    const exitCode = result.exitCode ?? 1;
    if (exitCode !== 0) throw new CLIError(full, exitCode, stdout, stderr);
    return { stdout, stderr, exitCode };
  }

  /** `juju run`/`juju exec` exit 1 with "task failed" when the task failed, and still print it. */
  private async taskOutput(args: readonly string[], what: string): Promise<Task> {
    let stdout: string;
    let stderr = "";
    try {
      stdout = (await this.invoke(args)).stdout;
    } catch (error) {
      if (!(error instanceof CLIError) || !error.stderr.includes("task failed")) throw error;
      stdout = error.stdout;
      stderr = error.stderr;
    }
    const results = stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>);
    // `app/leader` comes back as `app/N`: take the one entry rather than looking the name up.
    const entry = Object.values(results)[0];
    if (entry === undefined) throw new Error(`juju ran no ${what}: ${stderr.trim()}`);
    const task = taskFromJuju(entry);
    if (!task.success) throw new TaskError(task);
    return task;
  }

  /** Runs `use` with a path the juju binary can read: a copy under ~/snap/juju/common for a snap juju and a /tmp file. */
  private async withReadableCopy<T>(path: string, use: (path: string) => Promise<T>): Promise<T> {
    const absolute = resolve(path);
    if (!this.isSnap() || !absolute.startsWith(`${tmpdir()}/`)) return use(absolute);
    const common = join(homedir(), "snap", "juju", "common");
    mkdirSync(common, { recursive: true });
    const dir = mkdtempSync(join(common, "tscharm-"));
    try {
      const copy = join(dir, basename(absolute));
      copyFileSync(absolute, copy);
      return await use(copy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Whether the juju binary is a snap: /snap/bin/juju is a link to /usr/bin/snap. */
  private isSnap(): boolean {
    const candidates = this.cliBinary.includes("/")
      ? [this.cliBinary]
      : (process.env["PATH"] ?? "").split(delimiter).map((dir) => join(dir, this.cliBinary));
    const found = candidates.find((candidate) => existsSync(candidate));
    if (found === undefined) return false;
    const real = realpathSync(found);
    return real === "/usr/bin/snap" || real.startsWith("/snap/");
  }
}
