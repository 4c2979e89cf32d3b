// `Juju.local()`: the Juju client over the simulator in this process.

import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { debugLogLines } from "../simulator/debug-log.js";
import { type DeployOptions, Simulator, type SimulatorOptions, type TaskRecord, entryFailed } from "../simulator/simulator.js";
import { CLIError, TaskError, TaskTimeoutError } from "./errors.js";
import {
  type ClientDeployOptions,
  type DestroyModelOptions,
  Juju,
  type RefreshOptions,
  type RemoveApplicationOptions,
  type ShowSecretOptions,
  type TaskOptions,
} from "./juju-client.js";
import { type Secret, parseSecrets } from "./secret-types.js";
import { shellQuote } from "./shell-quote.js";
import { type Status, parseStatus } from "./status-types.js";
import { type Task, taskOf } from "./tasks.js";
import { type UnitInfo, parseUnitInfo } from "./unit-types.js";

export interface LocalOptions extends SimulatorOptions {
  /**
   * The Juju the simulated model runs: any 3.6.x (default 3.6.4) or 4.x, with that version's rules
   * (docs/juju-versions.md); another is refused at the first command.
   */
  readonly jujuVersion?: string;
  /** The default `wait` timeout, in milliseconds (default 180 000). */
  readonly waitTimeout?: number;
  /** How long `close()` lets the units tear down before it removes the rest by force, in milliseconds (default 30 000). */
  readonly teardownTimeout?: number;
}

/**
 * `Juju.local()`: the simulator in this process. Commands return at once, as juju's do; the units
 * run their hooks while you `wait`, `run` or `exec`. `wait` steps the model one operation at a time
 * and checks after each, so a condition that holds when every unit is idle returns at once, and
 * one that can no longer become true fails at once instead of timing out.
 */
export class LocalJuju extends Juju {
  /** Every model this client made (`addModel`), by name; the first is `modelName` (default "sim"), started on first use. */
  private readonly models = new Map<string, Promise<Simulator>>();
  private current: string | undefined;

  /** @internal */
  constructor(private readonly options: LocalOptions) {
    super(options.waitTimeout ?? 180_000);
    this.current = this.defaultModel;
  }

  private get defaultModel(): string {
    return this.options.modelName ?? "sim";
  }

  /** The model this client works on: `modelName` until `addModel` makes another; undefined once it is destroyed. */
  get model(): string | undefined {
    return this.current;
  }

  protected useModel(model: string | undefined): void {
    this.current = model;
  }

  /** The simulator behind this client: for what juju has no command for (update-status now, secret rotation, the hook history). */
  async simulator(): Promise<Simulator> {
    const name = this.current;
    if (name === undefined) throw new Error("this client has no model any more (destroyModel destroyed it): addModel() makes one");
    let started = this.models.get(name);
    if (started === undefined) {
      // `dir` is the first model's; the others get a temporary directory each.
      const { dir, ...others } = this.options;
      started = Simulator.create(name === this.defaultModel && dir !== undefined ? { ...this.options } : { ...others, modelName: name });
      this.models.set(name, started);
    }
    return started;
  }

  /** `juju add-model <name>`: a new, empty simulated model, which this client works on from now on. */
  async addModel(name: string): Promise<void> {
    // juju/juju core/model names: lowercase letters, digits and hyphens, starting with a letter or digit.
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      throw new Error(`"${name}" is not a valid name: model names may only contain lowercase letters, digits and hyphens`);
    }
    if (this.models.has(name)) throw new Error(`failed to create new model: model "${name}" already exists`);
    this.current = name;
    await this.simulator();
  }

  /**
   * `juju destroy-model <model> --force`: its units tear down as `close()` does and its directory
   * goes (unless you chose it); if it is this client's model, the client has none after.
   */
  async destroyModel(model: string, options: DestroyModelOptions = {}): Promise<void> {
    const name = model.slice(model.indexOf(":") + 1).replace(/^[^/]*\//, "");
    const started = this.models.get(name);
    if (started === undefined) throw new Error(`model "${name}" not found`);
    this.models.delete(name);
    if (this.current === name) this.current = undefined;
    await this.teardown(name, await started, options.timeout);
  }

  private async teardown(name: string, simulator: Simulator, timeoutMs = this.options.teardownTimeout): Promise<void> {
    try {
      await simulator.destroy(timeoutMs === undefined ? {} : { timeoutMs });
    } finally {
      await simulator.close({ remove: !(name === this.defaultModel && this.options.dir !== undefined) });
    }
  }

  /**
   * `juju deploy`: a local charm (a `.charm` file, or a built project). The simulator has no
   * Charmhub: `channel`, `revision` and `resources` are refused, and so are `to` and `storage`
   * (it places each unit on its own machine, with the storage the charm declares); `base` and
   * `constraints` have nothing to choose among and are taken without effect.
   */
  async deploy(charm: string, options: ClientDeployOptions = {}): Promise<void> {
    const refused = (["channel", "revision", "resources", "to", "storage"] as const).filter((key) => options[key] !== undefined);
    if (refused.length > 0) {
      throw new Error(`the simulator deploys local charms as they are: it does not take ${refused.map((key) => `\`${key}\``).join(", ")}`);
    }
    (await this.simulator()).deploy(charm, simulatorDeployOptions(options));
  }

  async addUnit(app: string, options: { readonly numUnits?: number } = {}): Promise<void> {
    (await this.simulator()).addUnit(app, options.numUnits ?? 1);
  }

  async removeUnit(...units: string[]): Promise<void> {
    (await this.simulator()).removeUnit(...units);
  }

  async removeApplication(app: string | readonly string[], options: RemoveApplicationOptions = {}): Promise<void> {
    const simulator = await this.simulator();
    for (const name of typeof app === "string" ? [app] : app) {
      simulator.removeApplication(name, { force: options.force === true, destroyStorage: options.destroyStorage === true });
    }
  }

  async integrate(app1: string, app2: string, options: { readonly via?: string | readonly string[] } = {}): Promise<void> {
    const simulator = await this.simulator();
    if (options.via === undefined) simulator.integrate(app1, app2);
    else simulator.integrateVia(app1, app2, typeof options.via === "string" ? options.via.split(",") : options.via);
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

  async run(unit: string, action: string, params: JsonObject = {}, options: TaskOptions = {}): Promise<Task> {
    const simulator = await this.simulator();
    const task = taskOf(await this.finish(simulator, simulator.enqueueAction(unit, action, params), options.wait));
    if (!task.success) throw new TaskError(task);
    return task;
  }

  protected async execTask(unit: string, command: string, args: readonly string[], options: TaskOptions): Promise<Task> {
    const simulator = await this.simulator();
    const record = simulator.enqueueExec(unit, [command, ...args.map(shellQuote)].join(" "));
    const task = taskOf(await this.finish(simulator, record, options.wait));
    if (!task.success) throw new TaskError(task);
    return task;
  }

  /**
   * Runs the model until the task has finished. With `wait` (ms), gives up with Juju's words once
   * that has passed (checked between operations: one in flight finishes first), or at once when
   * the model is idle and the task still queued; the task stays queued, as on a controller.
   */
  private async finish(simulator: Simulator, record: TaskRecord, wait: number | undefined): Promise<TaskRecord> {
    if (wait === undefined) return simulator.runTask(record.id);
    const deadline = Date.now() + wait;
    for (;;) {
      const task = simulator.task(record.id);
      if (task.status !== "pending" && task.status !== "running") return task;
      if (Date.now() >= deadline) throw new TaskTimeoutError(`timed out waiting for results from: unit ${task.unit}`);
      // Idle with the task still queued (its unit is in error, say): nothing will run it, and Juju
      // would time out in the end, so say so now.
      if (!(await simulator.step())) {
        throw new TaskTimeoutError(
          `timed out waiting for results from: unit ${task.unit} (the model is idle and the task is still ${task.status})`,
        );
      }
    }
  }

  async addSecret(name: string, content: Readonly<Record<string, string>>, options: { readonly info?: string } = {}): Promise<string> {
    return (await this.simulator()).addSecret(name, content, options.info === undefined ? {} : { info: options.info });
  }

  async grantSecret(id: string, apps: string | readonly string[]): Promise<void> {
    (await this.simulator()).grantSecret(id, typeof apps === "string" ? apps.split(",") : apps);
  }

  async revokeSecret(id: string, apps: string | readonly string[]): Promise<void> {
    (await this.simulator()).revokeSecret(id, typeof apps === "string" ? apps.split(",") : apps);
  }

  async secrets(options: { readonly owner?: string } = {}): Promise<Secret[]> {
    return parseSecrets((await this.simulator()).secrets(options.owner === undefined ? {} : { owner: options.owner }));
  }

  async showSecret(id: string, options: ShowSecretOptions = {}): Promise<Secret> {
    const [secret] = parseSecrets((await this.simulator()).showSecret(id, options));
    if (secret === undefined) throw new Error(`secret "${id}" not found`);
    return secret;
  }

  async updateSecret(
    id: string,
    content: Readonly<Record<string, string>> | undefined,
    options: { readonly info?: string; readonly name?: string; readonly autoPrune?: boolean } = {},
  ): Promise<void> {
    // --auto-prune: the simulator keeps every revision until it is removed.
    (await this.simulator()).updateSecret(id, content, {
      ...(options.info === undefined ? {} : { info: options.info }),
      ...(options.name === undefined ? {} : { name: options.name }),
    });
  }

  async removeSecret(id: string, options: { readonly revision?: number } = {}): Promise<void> {
    (await this.simulator()).removeSecret(id, options);
  }

  async showUnit(unit: string): Promise<UnitInfo> {
    return parseUnitInfo((await this.simulator()).showUnit(unit));
  }

  /** `juju ssh`: the command runs on the unit's machine the way `juju exec` runs; its stdout, or a `CLIError` with its exit code. */
  async ssh(target: string, command: string, ...args: string[]): Promise<string> {
    const line = [command, ...args.map(shellQuote)].join(" ");
    const task = taskOf(await (await this.simulator()).ssh(target, line));
    if (task.status !== "completed" || task.returnCode !== 0) {
      throw new CLIError(
        ["ssh", target, command, ...args],
        task.returnCode === 0 ? 1 : task.returnCode,
        task.stdout,
        task.stderr || task.message,
      );
    }
    return task.stdout;
  }

  /**
   * `juju scp <source> <destination>`: one side `<unit|machine>:<path>` (the path as `juju exec`
   * on that unit sees it), the other a local file; at most 4 MiB, copied through the exec path.
   */
  async scp(source: string, destination: string): Promise<void> {
    const remote = (path: string): { target: string; path: string } | undefined => {
      const at = path.indexOf(":");
      return at <= 0 ? undefined : { target: path.slice(0, at).replace(/^[^@]*@/, ""), path: path.slice(at + 1) };
    };
    const [from, to] = [remote(source), remote(destination)];
    if ((from === undefined) === (to === undefined)) {
      throw new Error(`scp: one of "${source}" and "${destination}" must be <unit>:<path> and the other a local path`);
    }
    const simulator = await this.simulator();
    if (to !== undefined) {
      if (statSync(source).isDirectory()) throw new Error(`scp: ${source} is a directory: the simulator copies files`);
      await simulator.copyToMachine(to.target, readFileSync(source), to.path);
    } else if (from !== undefined) {
      const bytes = await simulator.copyFromMachine(from.target, from.path);
      const into = existsSync(destination) && statSync(destination).isDirectory() ? join(destination, basename(from.path)) : destination;
      writeFileSync(into, bytes);
    }
  }

  async trust(app: string, options: { readonly remove?: boolean; readonly scope?: "cluster" } = {}): Promise<void> {
    (await this.simulator()).trust(app, options.remove === true ? { remove: true } : {});
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
    const models = [...this.models];
    this.models.clear();
    const failures: unknown[] = [];
    for (const [name, started] of models) {
      // A simulator that could not be made (a version it cannot model) has nothing to close.
      const simulator = await started.catch(() => undefined);
      if (simulator === undefined) continue;
      await this.teardown(name, simulator).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
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
    const lines = [
      `the ${entry.name} hook${entry.detail === "" ? "" : ` (${entry.detail})`}: ${entry.outcome}, exit ${String(entry.exitCode ?? "-")}`,
    ];
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

/**
 * What the simulator's deploy takes of the client's options: all but those only juju has (`base`
 * and `constraints` choose nothing here).
 */
function simulatorDeployOptions(options: ClientDeployOptions): DeployOptions {
  const copy: Record<string, unknown> = { ...options };
  for (const key of ["channel", "base", "revision", "resources", "constraints", "to", "storage"]) Reflect.deleteProperty(copy, key);
  return copy;
}
