// `Juju.local()`: the Juju client over the simulator in this process.

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { debugLogLines } from "../simulator/debug-log.js";
import { type DeployOptions, Simulator, type SimulatorOptions, entryFailed } from "../simulator/simulator.js";
import { TaskError } from "./errors.js";
import { Juju, type RefreshOptions, type RemoveApplicationOptions } from "./juju-client.js";
import { shellQuote } from "./shell-quote.js";
import { type Status, parseStatus } from "./status-types.js";
import { type Task, taskOf } from "./tasks.js";

export interface LocalOptions extends SimulatorOptions {
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

  async removeApplication(app: string | readonly string[], options: RemoveApplicationOptions = {}): Promise<void> {
    const simulator = await this.simulator();
    for (const name of typeof app === "string" ? [app] : app) {
      simulator.removeApplication(name, { force: options.force === true, destroyStorage: options.destroyStorage === true });
    }
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
