// `Juju.local()`: the Juju client over the simulator in this process, and the simulator's history
// as `juju debug-log` lines.

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { type DeployOptions, type LogEntry, Simulator, type SimulatorOptions, entryFailed } from "../simulator/simulator.js";
import { TaskError } from "./errors.js";
import { Juju, type RefreshOptions } from "./juju-client.js";
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

/**
 * The simulator's history as `juju debug-log` lines: per hook, its `juju-log` records, the hook
 * tools it called (a `juju-log` call only when it failed, and without its message: the record is
 * shown once), its stdout at DEBUG and stderr at WARNING as Juju logs them, and how it ended.
 */
export function debugLogLines(entries: readonly LogEntry[]): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    const time = entry.time.slice(11, 19);
    const source = entry.unit === "controller" ? "machine-0" : `unit-${entry.unit.replace("/", "-")}`;
    if (entry.kind === "controller") {
      lines.push(`${source}: ${time} INFO juju.sim ${entry.name}`);
      continue;
    }
    for (const log of entry.logs) lines.push(`${source}: ${time} ${log.level} unit.${entry.unit}.juju-log ${log.message}`);
    for (const call of entry.calls) {
      if (call.tool === "juju-log" && call.exitCode === 0) continue;
      const args = call.tool === "juju-log" ? withoutMessage(call.args) : call.args;
      lines.push(`${source}: ${time} DEBUG juju.sim.hook-tool ${[call.tool, ...args].join(" ")} (exit ${String(call.exitCode)})${call.stderr === "" ? "" : `: ${call.stderr.trim()}`}`);
    }
    // `juju exec` output is the task's, not the unit log's.
    if (entry.kind !== "exec") {
      const logger = `unit.${entry.unit}.${entry.name.replace(/ \(task \d+\)$/, "")}`;
      for (const line of entry.stdout.split("\n").filter((text) => text !== "")) lines.push(`${source}: ${time} DEBUG ${logger} ${line}`);
      for (const line of entry.stderr.split("\n").filter((text) => text !== "")) lines.push(`${source}: ${time} WARNING ${logger} ${line}`);
    }
    const what = entry.kind === "hook" ? `"${entry.name}" hook` : entry.kind === "action" ? `action ${entry.name}` : `exec ${entry.name}`;
    const level = entryFailed(entry) ? "ERROR" : "INFO";
    const detail = entry.detail === "" ? "" : ` (${entry.detail})`;
    lines.push(
      `${source}: ${time} ${level} juju.worker.uniter.operation ran ${what}${detail}: ${entry.outcome}, exit ${String(entry.exitCode ?? "-")}, ${String(Math.round(entry.durationMs))} ms, ${String(entry.calls.length)} tool calls`,
    );
  }
  return lines;
}

/** A `juju-log` call's arguments with its message left out (`<message>`): the record shows it. */
function withoutMessage(args: readonly string[]): string[] {
  const flags: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-l" || arg === "--log-level") flags.push(arg, args[++i] ?? "");
    else if (arg.startsWith("--log-level=") || arg === "--debug") flags.push(arg);
    else break;
  }
  if (args[i] === "--") i++;
  return i < args.length ? [...flags, "<message>"] : flags;
}
