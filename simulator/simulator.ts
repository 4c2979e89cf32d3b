// The local Juju simulator: applications and units of a model, each unit with its own charm
// directory, running every hook as a real process of the charm's `dispatch`, with the hook tools
// on PATH answering from the engine (model.ts, hook-context.ts).
//
// The simulator plays the controller (it owns the model and decides leadership) and every unit
// agent (uniter.ts decides what each unit runs next). One operation runs at a time, which is the
// strongest form of Juju's own rule (one hook at a time per unit); which unit goes next is round
// robin over the units, or drawn from a seeded random sequence to vary interleavings.

import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { type CharmClass, runDispatch } from "../runtime/dispatch.js";
import type { HookTools } from "../runtime/hook-tools/index.js";
import type { CharmMeta, ConfigType, ConfigValue, JsonObject, JsonValue } from "../runtime/meta.js";
import { type CharmSource, installCharm, loadCharm } from "./charm-source.js";
import type { HookEnvironment } from "../fake-tools/handler.js";
import { type ActionRun, CommitError, HookContext, xidOf } from "../engine/hook-context.js";
import { type EngineEvent, hookEnvironment } from "../engine/hook-env.js";
import { actionParamsError } from "../engine/actions.js";
import { configValueFits } from "../engine/config.js";
import { type LeftoverProcess, findLeftoverProcesses, stopProcesses } from "./leftover-processes.js";
import { JujuModel, type RelationEnd, type SecretRecord } from "../engine/model.js";
import { type StatusSnapshot, renderStatus } from "./juju-status.js";
import { type ToolCall, ToolServer } from "../fake-tools/server.js";
import {
  type AgentState,
  type HookInfo,
  type Operation,
  type RemoteRelation,
  type RemoteView,
  byUnit,
  charmSwitched,
  hookDone,
  knownMembers,
  newAgentState,
  nextOperation,
  sawOwnWrite,
} from "./uniter.js";

export interface SimulatorOptions {
  /** Where the model lives (units' charm directories, machines, stored charms); a temporary directory by default. */
  readonly dir?: string;
  /** Keep the model in `<dir>/model.json` after every change, for `tscharm sim` (default: false). */
  readonly persistent?: boolean;
  /** Draws which unit runs next from a sequence seeded with this; undefined: round robin. */
  readonly seed?: number;
  /**
   * Extra environment for every hook, action and exec of every unit. `{machine}` in a value becomes
   * the directory that stands in for the unit's machine, `{unit}` the unit's name. Juju sets no
   * such variables: use them to point a charm's files away from `/etc` and `/var` here.
   */
  readonly env?: Readonly<Record<string, string>>;
  readonly modelName?: string;
  readonly jujuVersion?: string;
  /** A hook running longer than this is killed and fails (default 120 000 ms). */
  readonly hookTimeoutMs?: number;
}

export interface DeployOptions {
  /** The application name (default: the charm's name). */
  readonly app?: string;
  readonly numUnits?: number;
  readonly config?: Readonly<Record<string, ConfigValue>>;
  /** `juju deploy --trust`: credential-get may answer. */
  readonly trust?: boolean;
  /**
   * Runs this application's hooks and actions in this process, with this charm class (the one its
   * dispatch.ts gives `main()`), instead of starting its `dispatch` executable. The runtime, the
   * model and the commit are the same; what is skipped is the process: a hook costs about a
   * millisecond instead of tens, which is what a model of a hundred units needs (deploying N peers
   * runs ~2·N² hooks). During each hook `process.env` also holds the simulator's `env`. Hook
   * timeouts do not apply, and the debug log records the tools called, not their arguments.
   * Not kept in a persistent model.
   */
  readonly inProcess?: CharmClass;
}

/** An action or exec command run on a unit: what `juju run` / `juju exec` report. */
export interface TaskRecord {
  readonly id: string;
  readonly unit: string;
  readonly kind: "action" | "exec";
  /** The action's name, or the command line. */
  readonly name: string;
  readonly params: JsonObject;
  status: "pending" | "running" | "completed" | "failed";
  /** action-set results, plus `return-code`, `stdout` and `stderr` as Juju adds them. */
  results: JsonObject;
  message: string;
  /** action-log messages, each prefixed with its time as Juju shows them. */
  log: string[];
  readonly enqueued: string;
  started: string | undefined;
  completed: string | undefined;
}

/** One entry of the debug log: a hook, action or exec run, or something the controller did. */
export interface LogEntry {
  readonly seq: number;
  readonly time: string;
  /** The unit, or `controller`. */
  readonly unit: string;
  readonly kind: "hook" | "action" | "exec" | "controller";
  /** The hook or action name, the command line, or what the controller did. */
  readonly name: string;
  /** What the hook is about: `remote unit db/0`, `application db`, `secret …`, `storage data/0`; empty otherwise. */
  readonly detail: string;
  /** The process's exit code; undefined when nothing ran. */
  readonly exitCode: number | undefined;
  /** `ok`, `failed`, `commit failed: …`, `skipped` (resolve --no-retry), `timed out`, or empty for controller entries. */
  readonly outcome: string;
  readonly durationMs: number;
  readonly calls: readonly ToolCall[];
  readonly logs: readonly { readonly level: string; readonly message: string }[];
  readonly stdout: string;
  readonly stderr: string;
}

/** What `Simulator.dispatch` runs: a hook by name (with what it is about), or an action. */
export type DispatchRequest =
  | {
      readonly hook: string;
      readonly relationId?: number;
      readonly remoteUnit?: string;
      readonly departingUnit?: string;
      readonly secret?: string;
      readonly secretRevision?: number;
      readonly storage?: string;
    }
  | { readonly action: string; readonly params?: JsonObject };

/**
 * Whether a hook, action or exec of the log failed: it neither succeeded (`ok`) nor was skipped by
 * `resolve --no-retry`. Controller entries never fail.
 */
export function entryFailed(entry: LogEntry): boolean {
  return entry.kind !== "controller" && entry.outcome !== "ok" && !entry.outcome.startsWith("skipped");
}

export class SimulatorError extends Error {
  override name = "SimulatorError";
}

/** What `Simulator.destroy()` did: Juju's `destroy-model --force`, step by step. */
export interface TeardownReport {
  /** Units that ran their teardown hooks to the end (remove) and left. */
  readonly removed: readonly string[];
  /** Units removed by force, without the rest of their teardown, and why. */
  readonly forced: readonly { readonly unit: string; readonly reason: string }[];
  /** Processes the hooks had left running, stopped with SIGTERM (SIGKILL for those still running 2 s later). */
  readonly stopped: readonly LeftoverProcess[];
}

/** Which charm an application runs, and the versions its units converge to. */
interface AppState {
  charm: { origin: string; dir: string; revision: number };
  charmVersion: number;
  /** The last refresh was `--force-units`: units in error take the new charm at once. */
  forceUnits?: boolean;
  configVersion: number;
  leaderSettingsVersion: number;
  nextUnit: number;
}

/** Everything the simulator keeps, as JSON: `<dir>/model.json`. */
interface SavedState {
  readonly format: 1;
  readonly options: { seed?: number; env?: Record<string, string>; hookTimeoutMs?: number };
  readonly model: JsonValue;
  readonly apps: Record<string, AppState>;
  readonly agents: Record<string, AgentState>;
  readonly bagVersions: Record<string, number>;
  readonly dyingRelations: number[];
  readonly updateStatusVersions: Record<string, number>;
  readonly tasks: Record<string, TaskRecord>;
  readonly nextTask: number;
  readonly nextStorage: number;
  readonly log: LogEntry[];
  readonly cursor: number;
  readonly random: number;
  readonly since: Record<string, { key: string; since: string }>;
}

const MODEL_FILE = "model.json";
const MAX_LOG_ENTRIES = 20_000;
const OUTPUT_LIMIT = 64 * 1024;
/**
 * How long a hook's output is still read after its process exited. Juju's hook runner waits
 * 100 ms for it and no longer, "because the hook may have started a background process that
 * keeps the pipe open"; a hook ends when its process does.
 */
const OUTPUT_GRACE_MS = 100;
/** How long `destroy()` lets the units tear down before it removes the rest by force. */
const TEARDOWN_TIMEOUT_MS = 30_000;
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;

export class Simulator {
  private apps: Record<string, AppState> = {};
  private agents: Record<string, AgentState> = {};
  private bagVersions: Record<string, number> = {};
  private dyingRelations = new Set<number>();
  private updateStatusVersions: Record<string, number> = {};
  private tasks: Record<string, TaskRecord> = {};
  private nextTask = 1;
  private nextStorage = 0;
  private log: LogEntry[] = [];
  private cursor = 0;
  /** Applications whose hooks run in this process (DeployOptions.inProcess). */
  private readonly inProcess = new Map<string, CharmClass>();
  private random: number;
  private since: Record<string, { key: string; since: string }> = {};
  private running: { unit: string; what: string } | undefined;
  /** While the model is destroyed: when the teardown runs out of time (hooks are cut short by then). */
  private teardownDeadline: number | undefined;
  private destroyed = false;
  private closed = false;
  private readonly env: Readonly<Record<string, string>>;
  private readonly hookTimeoutMs: number;

  private constructor(
    readonly model: JujuModel,
    /** The model directory. */
    readonly dir: string,
    private readonly server: ToolServer,
    private readonly options: SimulatorOptions,
  ) {
    this.random = options.seed ?? 0;
    this.env = options.env ?? {};
    this.hookTimeoutMs = options.hookTimeoutMs ?? 120_000;
  }

  /** A new, empty model. */
  static async create(options: SimulatorOptions = {}): Promise<Simulator> {
    const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), "tscharm-sim-")));
    mkdirSync(dir, { recursive: true });
    if (options.persistent === true) await lockModel(dir);
    try {
      if (existsSync(join(dir, MODEL_FILE))) throw new SimulatorError(`${dir} already holds a model; open it, or choose another directory`);
      const model = new JujuModel(options.modelName ?? "sim", randomUuid(), options.jujuVersion ?? "3.6.4");
      const simulator = new Simulator(model, dir, await ToolServer.start(join(dir, "tools")), options);
      simulator.save();
      return simulator;
    } catch (error) {
      if (options.persistent === true) unlockModel(dir);
      throw error;
    }
  }

  /** The model a persistent simulator kept in `dir`. */
  static async open(dir: string): Promise<Simulator> {
    const file = join(resolve(dir), MODEL_FILE);
    if (!existsSync(file)) throw new SimulatorError(`no simulated model in ${dir}: deploy a charm there first`);
    await lockModel(resolve(dir));
    try {
      return await Simulator.load(dir, file);
    } catch (error) {
      unlockModel(resolve(dir));
      throw error;
    }
  }

  private static async load(dir: string, file: string): Promise<Simulator> {
    const saved = JSON.parse(readFileSync(file, "utf8")) as SavedState;
    if ((saved as { format: unknown }).format !== 1) throw new SimulatorError(`${file} was written by another version of tscharm`);
    const model = JujuModel.fromJSON(saved.model);
    const simulator = new Simulator(model, resolve(dir), await ToolServer.start(join(resolve(dir), "tools")), { ...saved.options, persistent: true });
    Object.assign(simulator, {
      apps: saved.apps,
      agents: saved.agents,
      bagVersions: saved.bagVersions,
      dyingRelations: new Set(saved.dyingRelations),
      updateStatusVersions: saved.updateStatusVersions,
      tasks: saved.tasks,
      nextTask: saved.nextTask,
      nextStorage: saved.nextStorage,
      log: saved.log,
      cursor: saved.cursor,
      random: saved.random,
      since: saved.since,
    });
    return simulator;
  }

  /** Writes the model to `<dir>/model.json` (persistent simulators only); mode 0600: it holds secret content. */
  save(): void {
    // Closed, or its directory deleted under it: there is nothing to keep any more.
    if (this.options.persistent !== true || this.closed || !existsSync(this.dir)) return;
    const saved: SavedState = {
      format: 1,
      options: {
        ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
        ...(this.options.env === undefined ? {} : { env: { ...this.options.env } }),
        ...(this.options.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: this.options.hookTimeoutMs }),
      },
      model: this.model.toJSON(),
      apps: this.apps,
      agents: this.agents,
      bagVersions: this.bagVersions,
      dyingRelations: [...this.dyingRelations],
      updateStatusVersions: this.updateStatusVersions,
      tasks: this.tasks,
      nextTask: this.nextTask,
      nextStorage: this.nextStorage,
      log: this.log,
      cursor: this.cursor,
      random: this.random,
      since: this.since,
    };
    const file = join(this.dir, MODEL_FILE);
    const temporary = `${file}.${String(process.pid)}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(saved)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }

  /**
   * Stops answering hook tools and releases the model directory; the charms' processes are left
   * as they are (a persistent model carries on in the next `Simulator.open`). With `remove`, the
   * model is destroyed first (`destroy()`, unless it was already) and its directory deleted.
   */
  async close(options: { remove?: boolean } = {}): Promise<void> {
    if (options.remove === true && !this.closed && !this.destroyed) await this.destroy();
    if (!this.closed) {
      this.closed = true;
      await this.server.close();
      if (this.options.persistent === true) unlockModel(this.dir);
    }
    if (options.remove === true) rmSync(this.dir, { recursive: true, force: true });
  }

  /**
   * `juju destroy-model --force`: every unit becomes dying and runs its teardown as for
   * `remove-unit` (storage-detaching, relation-departed and -broken, stop, remove), then the
   * applications go; last, the processes the hooks left running are stopped, as destroying the
   * machines would. Never wedged by a charm: a unit whose teardown hook fails is removed by force
   * at once (Juju's --force removes what cannot shut down cleanly; the simulator does not retry
   * hooks), and after `timeoutMs` (default 30 s, hooks cut short by then) every unit still there
   * is removed by force. Everything is in the debug log; the directory stays (`close({ remove:
   * true })` deletes it).
   */
  async destroy(options: { readonly timeoutMs?: number } = {}): Promise<TeardownReport> {
    if (this.closed) throw new SimulatorError("the simulator is closed: destroy the model before closing it");
    this.destroyed = true;
    const timeoutMs = options.timeoutMs ?? TEARDOWN_TIMEOUT_MS;
    const forced: { unit: string; reason: string }[] = [];
    const removed: string[] = [];
    const units = Object.keys(this.agents);
    const force = (unit: string, reason: string): void => {
      forced.push({ unit, reason });
      this.note(`unit ${unit} removed by force: ${reason}`);
      this.bury(unit);
    };
    // Without its directory (deleted under it), the model can run nothing: only its processes are left to stop.
    if (existsSync(this.dir) && units.length > 0) {
      this.note("destroying the model: every unit tears down");
      for (const relation of this.model.relations.values()) this.dyingRelations.add(relation.id);
      this.removeUnit(...units);
      const deadline = Date.now() + timeoutMs;
      this.teardownDeadline = deadline;
      try {
        for (;;) {
          for (const [name, agent] of Object.entries(this.agents)) {
            if (agent.error !== undefined) force(name, `its ${agent.error.name} hook failed (destroy-model --force does not wait for a unit in error)`);
          }
          if (Object.keys(this.agents).length === 0) break;
          if (Date.now() >= deadline) {
            for (const name of Object.keys(this.agents)) force(name, `the teardown took longer than ${String(timeoutMs)} ms`);
            break;
          }
          if (!(await this.step())) {
            for (const name of Object.keys(this.agents)) force(name, "its agent has nothing left to run");
            break;
          }
        }
      } catch (error) {
        // Whatever went wrong, the model still goes and its processes are still stopped.
        for (const name of Object.keys(this.agents)) force(name, `the teardown failed: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.teardownDeadline = undefined;
      }
      const forcedUnits = new Set(forced.map((entry) => entry.unit));
      removed.push(...units.filter((unit) => !forcedUnits.has(unit)));
    } else {
      for (const name of units) force(name, "the model directory is gone");
    }
    for (const name of [...this.model.apps.keys()]) {
      for (const unit of this.model.app(name).units) this.model.units.delete(unit);
      this.model.apps.delete(name);
      Reflect.deleteProperty(this.apps, name);
      this.inProcess.delete(name);
    }
    this.model.relations.clear();
    this.dyingRelations.clear();
    if (units.length > 0) this.note("model destroyed");
    const stopped = findLeftoverProcesses(this.model.uuid, realDir(this.dir));
    const killed = new Set((await stopProcesses(stopped)).map((entry) => entry.pid));
    for (const { pid, command } of stopped) this.note(`${killed.has(pid) ? "killed" : "stopped"} process ${String(pid)} the hooks left running: ${command}`);
    this.save();
    return { removed, forced, stopped };
  }

  // --- what a user does: juju deploy, add-unit, integrate, config, run, ... ---------------

  /** `juju deploy`: a `.charm` file, or a charm project built with `tscharm build`. Returns the application name. */
  deploy(charm: string, options: DeployOptions = {}): string {
    const revision = 0;
    const store = join(this.dir, "charms", `pending-${String(Date.now())}`);
    let source: CharmSource;
    try {
      source = loadCharm(charm, store);
    } catch (error) {
      rmSync(store, { recursive: true, force: true });
      throw new SimulatorError(error instanceof Error ? error.message : String(error));
    }
    const name = options.app ?? source.meta.name;
    try {
      if (!APP_NAME.test(name)) throw new SimulatorError(`invalid application name "${name}"`);
      if (this.model.apps.has(name)) throw new SimulatorError(`cannot add application "${name}": application already exists`);
      if (source.meta.subordinate === true) throw new SimulatorError(`${charm} is a subordinate charm: the simulator does not run subordinates yet`);
      const numUnits = options.numUnits ?? 1;
      if (!Number.isInteger(numUnits) || numUnits < 0) throw new SimulatorError(`--num-units must be a whole number, not ${String(numUnits)}`);
      const config = validateConfig(source.meta, options.config ?? {});
      const dir = join(this.dir, "charms", `${name}-${String(revision)}`);
      rmSync(dir, { recursive: true, force: true });
      renameSync(store, dir);
      const app = this.model.addApp(name, source.meta);
      app.config = config;
      app.trusted = options.trust === true;
      this.apps[name] = { charm: { origin: resolve(charm), dir, revision }, charmVersion: 0, configVersion: 0, leaderSettingsVersion: 0, nextUnit: 0 };
      if (options.inProcess !== undefined) this.inProcess.set(name, options.inProcess);
      for (const [endpoint, spec] of Object.entries(source.meta.relations)) {
        if (spec.role === "peers") this.model.addRelation([{ app: name, endpoint, role: "peers" }], { interface: spec.interface });
      }
      this.note(`deployed ${name} from ${charm}`);
      this.addUnit(name, numUnits);
      return name;
    } catch (error) {
      rmSync(store, { recursive: true, force: true });
      throw error;
    } finally {
      this.save();
    }
  }

  /** `juju add-unit`: returns the new units' names. */
  addUnit(appName: string, count = 1): string[] {
    const app = this.appState(appName);
    const meta = this.meta(appName);
    const added: string[] = [];
    for (let n = 0; n < count; n++) {
      const unit = this.model.addUnit(appName, { number: app.nextUnit++ });
      this.model.setStatus(unit, { status: "waiting", message: "waiting for machine", data: {} });
      // A new unit gets the application's current charm: no upgrade-charm for refreshes before it.
      this.agents[unit.name] = { ...newAgentState(), charmVersion: app.charmVersion };
      mkdirSync(this.machineDir(unit.machine), { recursive: true });
      installCharm(this.charmSource(appName), this.charmDir(unit.name));
      for (const [storageName, spec] of Object.entries(meta.storage)) {
        for (let index = 0; index < minimumCount(spec.multiple); index++) this.attachStorage(unit.name, storageName);
      }
      const record = this.model.app(appName);
      if (record.leader === undefined) this.elect(appName, unit.name);
      added.push(unit.name);
      this.note(`added unit ${unit.name} on machine ${unit.machine}`);
    }
    this.save();
    return added;
  }

  /** `juju remove-unit`: the units run their teardown hooks, then leave the model. */
  removeUnit(...units: string[]): void {
    for (const name of units) {
      const unit = this.model.units.get(name);
      if (unit === undefined) throw new SimulatorError(`removing unit ${name} failed: unit "${name}" does not exist`);
      if (unit.dying) continue;
      unit.dying = true;
      for (const relation of this.model.relations.values()) if (relation.members.has(name)) this.model.leaveRelation(relation.id, name);
      this.note(`unit ${name} is dying`);
    }
    this.save();
  }

  /**
   * An application the simulator does not run (another model's, or one you only need as the other
   * end of a relation): its units are in scope of its relations and run no hooks. Set their data
   * in `model`. Returns the unit names.
   */
  addRemoteApp(name: string, options: { units?: number } = {}): string[] {
    if (!APP_NAME.test(name)) throw new SimulatorError(`invalid application name "${name}"`);
    this.model.addApp(name);
    const units = Array.from({ length: options.units ?? 1 }, () => this.model.addUnit(name).name);
    this.note(`added remote application ${name} (${String(units.length)} units, no hooks)`);
    this.save();
    return units;
  }

  /** `juju integrate a[:endpoint] b[:endpoint]`: returns the relation id. */
  integrate(first: string, second: string): number {
    const [a, b] = [parseEndpoint(first), parseEndpoint(second)];
    if (this.model.apps.get(b.app)?.meta === undefined && this.model.apps.has(b.app)) return this.integrateRemote(a, b.app);
    const candidates: [RelationEnd, RelationEnd][] = [];
    for (const [endA, specA] of Object.entries(this.meta(a.app).relations)) {
      if (a.endpoint !== undefined && a.endpoint !== endA) continue;
      for (const [endB, specB] of Object.entries(this.meta(b.app).relations)) {
        if (b.endpoint !== undefined && b.endpoint !== endB) continue;
        const matches =
          specA.interface === specB.interface &&
          ((specA.role === "provides" && specB.role === "requires") || (specA.role === "requires" && specB.role === "provides"));
        if (matches) candidates.push([{ app: a.app, endpoint: endA, role: specA.role }, { app: b.app, endpoint: endB, role: specB.role }]);
      }
    }
    const described = (pair: [RelationEnd, RelationEnd]): string => `${pair[0].app}:${pair[0].endpoint} ${pair[1].app}:${pair[1].endpoint}`;
    const [pair, ...others] = candidates;
    if (pair === undefined) throw new SimulatorError(`no relations found between "${first}" and "${second}"`);
    if (others.length > 0) {
      throw new SimulatorError(`ambiguous relation: "${first} ${second}" could refer to ${candidates.map((c) => `"${described(c)}"`).join("; ")}`);
    }
    for (const relation of this.model.relations.values()) {
      const same = pair.every((end) => relation.ends.some((other) => other.app === end.app && other.endpoint === end.endpoint));
      if (same && !this.dyingRelations.has(relation.id)) {
        throw new SimulatorError(`cannot add relation "${described(pair)}": relation ${described(pair)} already exists`);
      }
    }
    const spec = this.meta(pair[0].app).relations[pair[0].endpoint];
    const relation = this.model.addRelation(pair, { interface: spec?.interface ?? "", scope: spec?.scope ?? "global" });
    for (const end of pair) {
      for (const unit of this.model.app(end.app).units) if (this.agents[unit]?.installed === true) this.enterScope(unit);
    }
    this.note(`related ${described(pair)} (relation ${String(relation.id)})`);
    this.save();
    return relation.id;
  }

  /** Relates an endpoint of a simulated application to a remote application, whose units join at once. */
  private integrateRemote(side: { app: string; endpoint: string | undefined }, remote: string): number {
    const endpoints = Object.entries(this.meta(side.app).relations).filter(([name, spec]) => spec.role !== "peers" && (side.endpoint === undefined || side.endpoint === name));
    const [chosen, ...others] = endpoints;
    if (chosen === undefined) throw new SimulatorError(`${side.app} has no endpoint ${side.endpoint ?? "to relate"} (peer endpoints relate by themselves)`);
    if (others.length > 0) throw new SimulatorError(`ambiguous relation: say which endpoint of ${side.app} (${endpoints.map(([name]) => name).join(", ")})`);
    const [endpoint, spec] = chosen;
    const relation = this.model.addRelation(
      [
        { app: side.app, endpoint, role: spec.role },
        { app: remote, endpoint, role: spec.role === "provides" ? "requires" : "provides" },
      ],
      { interface: spec.interface, scope: spec.scope ?? "global" },
    );
    for (const unit of this.model.app(remote).units) this.model.joinRelation(relation.id, unit);
    for (const unit of this.model.app(side.app).units) if (this.agents[unit]?.installed === true) this.enterScope(unit);
    this.note(`related ${side.app}:${endpoint} to remote application ${remote} (relation ${String(relation.id)})`);
    this.save();
    return relation.id;
  }

  /** `juju remove-relation a b`: every unit departs the others and runs relation-broken. */
  removeRelation(first: string, second: string): void {
    const [a, b] = [parseEndpoint(first), parseEndpoint(second)];
    const relation = [...this.model.relations.values()].find(
      (candidate) =>
        !this.dyingRelations.has(candidate.id) &&
        candidate.ends.length === 2 &&
        [a, b].every((side) => candidate.ends.some((end) => end.app === side.app && (side.endpoint === undefined || end.endpoint === side.endpoint))),
    );
    if (relation === undefined) throw new SimulatorError(`relation "${first} ${second}" not found`);
    this.dyingRelations.add(relation.id);
    for (const member of [...relation.members]) this.model.leaveRelation(relation.id, member);
    this.note(`removing relation ${String(relation.id)}`);
    this.save();
  }

  /** `juju config <app>`: the effective values. */
  config(appName: string): Record<string, ConfigValue> {
    this.appState(appName);
    return this.model.effectiveConfig(appName);
  }

  /** `juju config <app> key=value … --reset key,…`: config-changed runs on every unit if anything changed. */
  setConfig(appName: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[] = []): void {
    this.appState(appName);
    const app = this.model.app(appName);
    const meta = this.meta(appName);
    for (const key of reset) if (meta.config[key] === undefined) throw new SimulatorError(`unknown option "${key}"`);
    const checked = validateConfig(meta, values);
    const before = JSON.stringify(this.model.effectiveConfig(appName));
    const next = { ...app.config };
    for (const key of reset) Reflect.deleteProperty(next, key);
    Object.assign(next, checked);
    app.config = next;
    if (JSON.stringify(this.model.effectiveConfig(appName)) !== before) {
      this.appState(appName).configVersion++;
      this.note(`configured ${appName}`);
    }
    this.save();
  }

  /** Queues `juju run <unit> <action>` (the unit may be `app/leader`); run the model to get its result. */
  enqueueAction(target: string, action: string, params: JsonObject = {}): TaskRecord {
    const unit = this.resolveUnit(target);
    const meta = this.meta(this.model.unit(unit).app);
    const spec = meta.actions[action];
    if (spec === undefined) throw new SimulatorError(`action "${action}" not defined on unit "${unit}"`);
    const invalid = actionParamsError(spec, params);
    if (invalid !== undefined) throw new SimulatorError(`invalid parameters for action "${action}": ${invalid}`);
    return this.enqueueTask(unit, "action", action, this.model.actionParams(this.model.unit(unit).app, action, params));
  }

  /** Queues `juju exec --unit <unit> -- <command>`: a shell command in a hook context. */
  enqueueExec(target: string, command: string): TaskRecord {
    return this.enqueueTask(this.resolveUnit(target), "exec", command, {});
  }

  task(id: string): TaskRecord {
    const task = this.tasks[id];
    if (task === undefined) throw new SimulatorError(`task ${id} not found`);
    return task;
  }

  /** Runs update-status on the given units (all units by default), as Juju does every 5 minutes. */
  updateStatus(units: readonly string[] = [...this.model.units.keys()]): void {
    for (const unit of units) {
      this.model.unit(unit);
      this.updateStatusVersions[unit] = (this.updateStatusVersions[unit] ?? 0) + 1;
    }
    this.save();
  }

  /**
   * `juju refresh <app> --path <charm> [--force-units]`: each unit takes the new charm's files as
   * its next operation and runs upgrade-charm (then config-changed, leader-settings-changed on a
   * non-leader, start). A unit in error keeps the old charm until it is resolved, then upgrades;
   * with `forceUnits` it takes the new files at once and stays in error, and upgrade-charm never
   * runs for it (config-changed does, once resolved), as Juju does.
   */
  refresh(appName: string, charm: string, options: { readonly forceUnits?: boolean } = {}): void {
    const app = this.appState(appName);
    const revision = app.charm.revision + 1;
    const dir = join(this.dir, "charms", `${appName}-${String(revision)}`);
    let source: CharmSource;
    try {
      source = loadCharm(charm, dir);
    } catch (error) {
      throw new SimulatorError(error instanceof Error ? error.message : String(error));
    }
    Object.assign(this.model.app(appName), { meta: source.meta });
    app.charm = { origin: resolve(charm), dir, revision };
    app.charmVersion++;
    app.forceUnits = options.forceUnits === true;
    this.note(`refreshed ${appName} to revision ${String(revision)}${app.forceUnits ? " (--force-units)" : ""}`);
    this.save();
  }

  /** `juju resolve [--no-retry] <unit>`: retries the failed hook, or marks it done without running it. */
  resolve(unitName: string, options: { noRetry?: boolean } = {}): void {
    const agent = this.agent(unitName);
    if (agent.error === undefined) throw new SimulatorError(`unit "${unitName}" is not in an error state`);
    agent.resolved = options.noRetry === true ? "no-retry" : "retry";
    this.save();
  }

  /** Tells a secret's owner to rotate it (Juju does when its rotate policy says so). */
  rotateSecret(id: string): void {
    const secret = this.secret(id);
    const manager = this.managerOf(secret);
    if (manager === undefined) throw new SimulatorError(`secret ${id} has no owner unit here to rotate it`);
    if (!this.agent(manager).rotate.includes(secret.xid)) this.agent(manager).rotate.push(secret.xid);
    this.save();
  }

  /** Tells a secret's owner that a revision (the latest by default) expired. */
  expireSecret(id: string, revision?: number): void {
    const secret = this.secret(id);
    const manager = this.managerOf(secret);
    if (manager === undefined) throw new SimulatorError(`secret ${id} has no owner unit here to expire it`);
    this.agent(manager).expire.push({ secret: secret.xid, revision: revision ?? secret.latest });
    this.save();
  }

  // --- running the model ------------------------------------------------------------------

  /** Whether any unit has something to run. */
  busy(): boolean {
    return this.nextInTurn() !== undefined;
  }

  /** Runs one operation of one unit; false when every unit is idle. */
  async step(): Promise<boolean> {
    const chosen = this.options.seed === undefined ? this.nextInTurn() : this.randomPick();
    if (chosen === undefined) return false;
    if (this.options.seed === undefined) {
      const units = this.unitOrder();
      this.cursor = (units.indexOf(chosen[0]) + 1) % Math.max(units.length, 1);
    }
    await this.execute(chosen[0], chosen[1]);
    this.save();
    return true;
  }

  /** Runs operations until every unit is idle; refuses to run more than `maxOperations` (a charm that never settles). */
  async settle(options: { maxOperations?: number } = {}): Promise<number> {
    const limit = options.maxOperations ?? 10_000;
    let count = 0;
    while (await this.step()) {
      if (++count >= limit && this.busy()) {
        const recent = this.log.slice(-5).map((entry) => `${entry.unit} ${entry.name}`).join(", ");
        throw new SimulatorError(`the model did not settle after ${String(limit)} operations (latest: ${recent})`);
      }
    }
    return count;
  }

  /** Runs the model until the task has finished; returns it. */
  async runTask(id: string): Promise<TaskRecord> {
    const task = this.task(id);
    while (task.status === "pending" || task.status === "running") {
      if (!(await this.step())) {
        const agent = this.agents[task.unit];
        throw new SimulatorError(
          `task ${id} cannot run: unit ${task.unit} ${agent === undefined ? "is gone" : agent.installed ? "is not running operations" : "is not installed yet"}`,
        );
      }
    }
    return task;
  }

  /**
   * Runs one hook or action on a unit now, outside the order its agent would choose (`tscharm
   * run`). The hook's changes are committed if it exits 0; the agent's own bookkeeping is left
   * alone, so the units later converge as they would have.
   */
  async dispatch(unitName: string, request: DispatchRequest): Promise<{ entry: LogEntry; task: TaskRecord | undefined }> {
    const unit = this.model.unit(unitName);
    if ("action" in request) {
      const task = this.enqueueAction(unitName, request.action, request.params ?? {});
      const entry = await this.runTaskOperation(unitName, task.id);
      this.afterOperation(unitName);
      this.save();
      return { entry, task };
    }
    const relation = request.relationId === undefined ? undefined : this.model.relations.get(request.relationId);
    if (request.relationId !== undefined && (relation === undefined || this.model.endOf(relation, unit.app) === undefined)) {
      throw new SimulatorError(`${unitName} is not in relation ${String(request.relationId)}`);
    }
    const hook: HookInfo = {
      name: request.hook,
      kind: "other",
      ...(relation === undefined ? {} : { relationId: relation.id, remoteApp: this.model.remoteAppOf(relation, unit.app) }),
      ...(request.remoteUnit === undefined ? {} : { remoteUnit: request.remoteUnit }),
      ...(request.departingUnit === undefined ? {} : { departingUnit: request.departingUnit }),
      ...(request.secret === undefined ? {} : { secret: this.secret(request.secret).xid }),
      ...(request.secretRevision === undefined ? {} : { secretRevision: request.secretRevision }),
      ...(request.storage === undefined ? {} : { storage: request.storage }),
    };
    const entry = await this.runHookProcess(unitName, hook);
    this.afterOperation(unitName);
    this.save();
    return { entry, task: undefined };
  }

  /**
   * Marks a unit as having run everything its agent would have run so far (installed, started,
   * told about its leadership, config and every relation member), without running it: a fresh
   * unit for one `dispatch`.
   */
  fastForward(unitName: string): void {
    const agent = this.agent(unitName);
    if (!agent.installed) this.enterScope(unitName);
    const remote = this.remoteView(unitName);
    Object.assign(agent, {
      installed: true,
      started: true,
      leader: remote.leader,
      leaderSettingsVersion: remote.leaderSettingsVersion,
      configVersion: remote.configVersion,
      charmVersion: remote.charmVersion,
      updateStatusVersion: remote.updateStatusVersion,
      queued: undefined,
      storage: [...remote.storage.keys()],
    });
    for (const [id, relation] of remote.relations) {
      agent.relations[String(id)] = {
        created: true,
        members: Object.fromEntries(relation.members),
        app: { [relation.remoteApp]: relation.appVersion },
        changedPending: undefined,
      };
    }
    this.save();
  }

  // --- what a user sees: status, debug log ------------------------------------------------

  /** What `juju status --format=json` prints for this model. */
  status(): JsonObject {
    return renderStatus(this.snapshot());
  }

  /** Every hook, action and exec run so far, and what the controller did. */
  history(): readonly LogEntry[] {
    return this.log;
  }

  /** The unit's charm directory (JUJU_CHARM_DIR). */
  charmDir(unit: string): string {
    return join(this.dir, "units", `unit-${unit.replace("/", "-")}`, "charm");
  }

  /** The directory standing in for a machine's root filesystem (`{machine}` in `env`). */
  machineDir(machine: string): string {
    return join(this.dir, "machines", machine);
  }

  // --- internals: scheduling ----------------------------------------------------------------

  private unitOrder(): string[] {
    return [...this.model.units.keys()].sort(byUnit);
  }

  /**
   * Round robin: the first unit at or after the cursor, in the model's unit order, that has an
   * operation to run. Units are asked in turn and only until one has something to do: asking a
   * unit builds its view of the model, which grows with the model, so asking all of them at every
   * step made a 100-unit deploy cost O(units⁴) (bench/sim.mjs; docs/performance.md).
   */
  private nextInTurn(): [string, Operation] | undefined {
    const units = this.unitOrder();
    for (let k = 0; k < units.length; k++) {
      const unit = units[(this.cursor + k) % units.length] as string;
      const agent = this.agents[unit];
      if (agent === undefined) continue;
      const op = nextOperation(agent, this.remoteView(unit));
      if (op !== undefined) return [unit, op];
    }
    return undefined;
  }

  /**
   * With a seed: a unit drawn from the seeded sequence, or the first after it in turn that has
   * something to do. The same seed gives the same interleaving; each step asks only as many units
   * as it takes to find work, as round robin does.
   */
  private randomPick(): [string, Operation] | undefined {
    const units = this.unitOrder();
    this.cursor = Math.floor(this.nextRandom() * units.length);
    return this.nextInTurn();
  }

  private nextRandom(): number {
    const { state, value } = mulberry32(this.random);
    this.random = state;
    return value;
  }

  private remoteView(unitName: string): RemoteView {
    const unit = this.model.unit(unitName);
    const app = this.model.app(unit.app);
    const appState = this.appState(unit.app);
    const agent = this.agent(unitName);
    const relations = new Map<number, RemoteRelation>();
    for (const relation of this.model.relations.values()) {
      const end = this.model.endOf(relation, unit.app);
      if (end === undefined) continue;
      const peer = this.model.isPeer(relation);
      const remoteApp = this.model.remoteAppOf(relation, unit.app);
      // A unit is in scope once installed; a dying unit, or a dying relation, has nobody left to see.
      const alive = !unit.dying && !this.dyingRelations.has(relation.id) && relation.members.has(unitName);
      const members = new Map<string, number>();
      if (alive) {
        for (const member of relation.members) {
          if (member !== unitName && member.split("/")[0] === remoteApp) members.set(member, this.bagVersion(relation.id, member));
        }
      }
      relations.set(relation.id, {
        endpoint: end.endpoint,
        peer,
        remoteApp,
        alive,
        members,
        appVersion: this.bagVersion(relation.id, `app:${remoteApp}`),
      });
    }
    const changedSecrets: { secret: string; latest: number }[] = [];
    const obsoleteRevisions: { secret: string; revision: number }[] = [];
    if (!unit.dying) {
      for (const secret of this.model.secrets.values()) {
        if (this.managerOf(secret) === unitName) {
          const tracked = new Set(secret.tracking.values());
          for (const revision of [...secret.revisions.keys()].sort((a, b) => a - b)) {
            if (revision < secret.latest && !tracked.has(revision)) obsoleteRevisions.push({ secret: secret.xid, revision });
          }
        } else if (secret.tracking.has(unitName)) {
          const seen = agent.secretRevisions[secret.xid] ?? secret.tracking.get(unitName) ?? 0;
          if (secret.latest > seen) changedSecrets.push({ secret: secret.xid, latest: secret.latest });
        }
      }
    }
    return {
      unit: unitName,
      dying: unit.dying,
      leader: app.leader === unitName,
      leaderSettingsVersion: appState.leaderSettingsVersion,
      configVersion: appState.configVersion,
      charmVersion: appState.charmVersion,
      forceCharmUpgrade: appState.forceUnits === true,
      updateStatusVersion: this.updateStatusVersions[unitName] ?? 0,
      relations,
      storage: new Map([...unit.storage.keys()].map((id) => [id, id.split("/")[0] ?? id])),
      changedSecrets,
      obsoleteRevisions,
    };
  }

  // --- internals: running an operation ----------------------------------------------------

  private async execute(unitName: string, op: Operation): Promise<void> {
    const agent = this.agent(unitName);
    switch (op.kind) {
      case "note":
        op.apply(agent);
        return;
      case "dead":
        this.bury(unitName);
        return;
      case "switch-charm":
        installCharm(this.charmSource(this.model.unit(unitName).app), this.charmDir(unitName));
        charmSwitched(agent, op.version);
        this.note(`${unitName} switched to revision ${String(this.appState(this.model.unit(unitName).app).charm.revision)} while in error (refresh --force-units): no upgrade-charm`);
        return;
      case "skip":
        hookDone(agent, op.hook);
        agent.error = undefined;
        agent.resolved = undefined;
        if (op.hook.kind === "install") this.enterScope(unitName);
        this.record({ unit: unitName, kind: "hook", name: op.hook.name, detail: hookDetail(op.hook), exitCode: undefined, outcome: "skipped (resolve --no-retry)" });
        this.afterOperation(unitName);
        return;
      case "task":
        await this.runTaskOperation(unitName, op.task);
        this.afterOperation(unitName);
        return;
      case "hook":
        await this.runHook(unitName, op.hook);
        this.afterOperation(unitName);
        return;
    }
  }

  /** A hook the unit's agent decided on: run it, and record in the agent what it told the charm, or the error. */
  private async runHook(unitName: string, hook: HookInfo): Promise<void> {
    const agent = this.agent(unitName);
    const unit = this.model.unit(unitName);
    if (hook.kind === "install" && unit.status.status === "waiting" && unit.status.message === "waiting for machine") {
      this.model.setStatus(unit, { status: "maintenance", message: "installing charm software", data: {} });
    }
    // Juju's upgrade operation: the new charm's files, then upgrade-charm (again on a retry: the same files).
    if (hook.kind === "upgrade-charm") installCharm(this.charmSource(unit.app), this.charmDir(unitName));
    const entry = await this.runHookProcess(unitName, hook);
    if (entry.outcome === "ok") {
      hookDone(agent, hook);
      agent.error = undefined;
      agent.resolved = undefined;
      if (hook.kind === "install") this.enterScope(unitName);
      if (hook.kind === "storage-detaching" && hook.storage !== undefined) unit.storage.delete(hook.storage);
    } else {
      agent.error = hook;
      agent.resolved = undefined;
    }
  }

  /** Runs the charm's dispatch for one hook and commits what it did if it exited 0; returns its log entry. */
  private async runHookProcess(unitName: string, hook: HookInfo): Promise<LogEntry> {
    const agent = this.agent(unitName);
    const unit = this.model.unit(unitName);
    const context = new HookContext(this.model, unitName);
    context.knownMembers = (relationId) => knownMembers(agent, relationId, hook);
    context.knowsRelation = (relationId) => this.knowsRelation(unitName, relationId);
    const toolEnv: HookEnvironment = {
      ...(hook.relationId === undefined ? {} : { relationId: `${this.endpointOf(unitName, hook.relationId)}:${String(hook.relationId)}` }),
      ...(hook.remoteUnit === undefined ? {} : { remoteUnit: hook.remoteUnit }),
      ...(hook.remoteApp === undefined ? {} : { remoteApp: hook.remoteApp }),
      ...(hook.storage === undefined ? {} : { storageId: hook.storage }),
    };
    const env = hookEnvironment(this.model, unitName, engineEvent(hook), this.charmDir(unitName));
    const leaderSettingsBefore = JSON.stringify(this.model.app(unit.app).leaderSettings);
    const charmClass = this.inProcess.get(unit.app);
    const outcome =
      charmClass === undefined
        ? await this.runProcess(unitName, hook.name, context, env, toolEnv, [join(this.charmDir(unitName), "dispatch")])
        : await this.runInProcess(unitName, hook.name, charmClass, context, env);
    let result = outcome.exitCode === 0 ? "ok" : outcome.timedOut ? "timed out" : "failed";
    if (outcome.exitCode === 0) {
      try {
        this.applyCommit(unitName, context);
      } catch (error) {
        if (!(error instanceof CommitError)) throw error;
        result = `commit failed: ${error.message}`;
      }
    }
    // leader-set is not buffered: it counts even when the hook fails.
    if (JSON.stringify(this.model.app(unit.app).leaderSettings) !== leaderSettingsBefore) this.appState(unit.app).leaderSettingsVersion++;
    return this.record({ unit: unitName, kind: "hook", name: hook.name, detail: hookDetail(hook), outcome: result, ...ran(outcome) });
  }

  private async runTaskOperation(unitName: string, id: string): Promise<LogEntry> {
    const agent = this.agent(unitName);
    agent.tasks = agent.tasks.filter((task) => task !== id);
    const task = this.task(id);
    task.status = "running";
    task.started = new Date().toISOString();
    const action: ActionRun | undefined =
      task.kind === "action" ? { name: task.name, id, params: task.params, results: {}, logs: [], failure: undefined } : undefined;
    const context = new HookContext(this.model, unitName, action);
    context.knownMembers = (relationId) => knownMembers(agent, relationId, undefined);
    context.knowsRelation = (relationId) => this.knowsRelation(unitName, relationId);
    const event: EngineEvent = task.kind === "action" ? { kind: "action", name: task.name, id } : { kind: "hook", name: "juju-exec" };
    const env = hookEnvironment(this.model, unitName, event, this.charmDir(unitName));
    if (task.kind === "exec") {
      // `juju exec` runs in a hook context, but not a hook: no hook name or dispatch path.
      env["JUJU_HOOK_NAME"] = "";
      Reflect.deleteProperty(env, "JUJU_DISPATCH_PATH");
    }
    const command = task.kind === "action" ? [join(this.charmDir(unitName), "dispatch")] : ["/bin/bash", "-c", task.name];
    const charmClass = task.kind === "action" ? this.inProcess.get(this.model.unit(unitName).app) : undefined;
    const outcome =
      charmClass === undefined
        ? await this.runProcess(unitName, task.kind === "action" ? task.name : "exec", context, env, {}, command)
        : await this.runInProcess(unitName, task.name, charmClass, context, env);
    let status: TaskRecord["status"] = "completed";
    let message = "";
    let stderr = outcome.stderr;
    if (outcome.exitCode === 0) {
      try {
        this.applyCommit(unitName, context);
      } catch (error) {
        if (!(error instanceof CommitError)) throw error;
        status = "failed";
        message = "committing requested changes failed";
        stderr += `${error.message}\n`;
      }
    } else if (task.kind === "action") {
      status = "failed";
      message = outcome.timedOut ? "action timed out" : `exit status ${String(outcome.exitCode)}`;
    }
    if (action?.failure !== undefined && status === "completed") {
      status = "failed";
      message = action.failure;
    }
    const results: JsonObject = { ...(action?.results ?? {}), "return-code": outcome.exitCode };
    if (outcome.stdout !== "") results["stdout"] = outcome.stdout;
    if (stderr !== "") results["stderr"] = stderr;
    Object.assign(task, {
      status,
      message,
      results,
      log: (action?.logs ?? []).map((line) => `${jujuLogTime(new Date())} ${line}`),
      completed: new Date().toISOString(),
    });
    return this.record({
      unit: unitName,
      kind: task.kind,
      name: `${task.name} (task ${id})`,
      outcome: status === "completed" ? "ok" : `failed${message === "" ? "" : `: ${message}`}`,
      ...ran(outcome),
    });
  }

  /** One dispatch of an in-process application's charm class, over the hook context. */
  private async runInProcess(
    unitName: string,
    what: string,
    charmClass: CharmClass,
    context: HookContext,
    env: Record<string, string>,
  ): Promise<ProcessOutcome> {
    const logStart = this.model.logs.length;
    const unit = this.model.unit(unitName);
    const extra = Object.fromEntries(
      Object.entries(this.env).map(([key, value]) => [key, value.replaceAll("{machine}", this.machineDir(unit.machine)).replaceAll("{unit}", unitName)]),
    );
    const saved = Object.fromEntries(Object.keys(extra).map((key) => [key, process.env[key]]));
    Object.assign(process.env, extra);
    const calls: ToolCall[] = [];
    let stderr = "";
    this.running = { unit: unitName, what };
    const started = performance.now();
    try {
      const result = await runDispatch(charmClass, {
        env: { ...env, ...extra },
        meta: this.meta(unit.app),
        tools: recordingTools(context, calls),
        cwd: this.charmDir(unitName),
        stderr: (text) => {
          stderr = (stderr + text).slice(0, OUTPUT_LIMIT);
        },
      });
      return {
        exitCode: result.exitCode,
        timedOut: false,
        stdout: "",
        stderr,
        calls,
        logs: this.model.logs.slice(logStart).filter((line) => line.unit === unitName).map(({ level, message }) => ({ level, message })),
        durationMs: performance.now() - started,
      };
    } finally {
      this.running = undefined;
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = value;
      }
    }
  }

  private async runProcess(
    unitName: string,
    what: string,
    context: HookContext,
    env: Record<string, string>,
    toolEnv: HookEnvironment,
    command: readonly string[],
  ): Promise<ProcessOutcome> {
    const id = env["JUJU_CONTEXT_ID"] ?? `${unitName}-${what}`;
    const calls = this.server.register(id, context, toolEnv);
    const logStart = this.model.logs.length;
    const unit = this.model.unit(unitName);
    const placeholders = (value: string): string => value.replaceAll("{machine}", this.machineDir(unit.machine)).replaceAll("{unit}", unitName);
    const fullEnv: Record<string, string> = {
      ...env,
      ...this.server.environment(),
      PATH: `${this.server.binDir}:${PATH}`,
      ...Object.fromEntries(Object.entries(this.env).map(([key, value]) => [key, placeholders(value)])),
    };
    this.running = { unit: unitName, what };
    const started = performance.now();
    try {
      const [file = "", ...args] = command;
      const timeoutMs = this.teardownDeadline === undefined ? this.hookTimeoutMs : Math.max(1, Math.min(this.hookTimeoutMs, this.teardownDeadline - Date.now()));
      const result = await new Promise<{ exitCode: number; timedOut: boolean; stdout: string; stderr: string }>((done) => {
        // A process group of its own, so a timeout kills whatever the hook started too.
        const child = spawn(file, args, { cwd: this.charmDir(unitName), env: fullEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        let ended = false;
        let grace: NodeJS.Timeout | undefined;
        const keep = (text: string, chunk: string): string => (ended ? text : (text + chunk).slice(0, OUTPUT_LIMIT));
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout = keep(stdout, chunk)));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = keep(stderr, chunk)));
        const finish = (exitCode: number): void => {
          if (ended) return;
          ended = true;
          clearTimeout(timer);
          clearTimeout(grace);
          // What the hook left running may hold the pipes open: its output is read and dropped
          // (closing them would kill a writer with SIGPIPE), and keeps no process of ours alive.
          for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
          done({ exitCode, timedOut, stdout, stderr });
        };
        const timer = setTimeout(() => {
          timedOut = true;
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            child.kill("SIGKILL");
          }
        }, timeoutMs);
        child.on("error", (error) => {
          // Juju fails the hook when its process cannot start (no dispatch, not executable).
          stderr += `cannot run ${file}: ${error.message}\n`;
          finish((error as NodeJS.ErrnoException).code === "ENOENT" ? 127 : 126);
        });
        const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null): number => code ?? (signal === null ? 1 : 128 + (signalNumbers[signal] ?? 9));
        child.on("exit", (code, signal) => {
          clearTimeout(timer);
          grace = setTimeout(() => {
            finish(exitCodeOf(code, signal));
          }, OUTPUT_GRACE_MS);
        });
        child.on("close", (code, signal) => {
          finish(exitCodeOf(code, signal));
        });
      });
      return {
        ...result,
        calls,
        logs: this.model.logs.slice(logStart).filter((line) => line.unit === unitName).map(({ level, message }) => ({ level, message })),
        durationMs: performance.now() - started,
      };
    } finally {
      this.running = undefined;
      this.server.unregister(id);
    }
  }

  /** Applies a successful hook's buffered changes and notes what others must hear about. */
  private applyCommit(unitName: string, context: HookContext): void {
    const unit = this.model.unit(unitName);
    const result = context.commit();
    for (const change of result.relationChanges) {
      const key = change.unit ?? `app:${change.app}`;
      const version = this.bump(change.relationId, key);
      // A unit is never told about its own writes: the leader has seen its own peer app bag.
      const relation = this.model.relations.get(change.relationId);
      if (change.unit === undefined && relation !== undefined && this.model.isPeer(relation)) {
        sawOwnWrite(this.agent(unitName), change.relationId, change.app, version);
      }
    }
    // Storage the hook asked for (storage-add) is attached now; storage-attached follows.
    for (const [name, count] of Object.entries(unit.storageRequests)) {
      for (let n = 0; n < count; n++) this.attachStorage(unitName, name);
      Reflect.deleteProperty(unit.storageRequests, name);
    }
    // What the charm read, it has seen: no secret-changed for a revision it already has.
    const agent = this.agent(unitName);
    for (const secret of this.model.secrets.values()) {
      const tracked = secret.tracking.get(unitName);
      if (tracked !== undefined) agent.secretRevisions[secret.xid] = Math.max(agent.secretRevisions[secret.xid] ?? 0, tracked);
    }
  }

  /** After every operation: a unit that finished tearing down leaves; relations nobody holds go. */
  private afterOperation(unitName: string): void {
    if (this.agents[unitName]?.removed === true) this.bury(unitName);
    for (const id of [...this.dyingRelations]) {
      if (!Object.values(this.agents).some((agent) => agent.relations[String(id)] !== undefined)) {
        this.model.relations.delete(id);
        this.dyingRelations.delete(id);
        this.note(`relation ${String(id)} removed`);
      }
    }
    this.noteStatusChanges();
  }

  /** The unit is gone: out of the model, and a new leader if it led. */
  private bury(unitName: string): void {
    const unit = this.model.unit(unitName);
    const app = this.model.app(unit.app);
    for (const relation of this.model.relations.values()) relation.members.delete(unitName);
    this.model.units.delete(unitName);
    app.units.splice(app.units.indexOf(unitName), 1);
    Reflect.deleteProperty(this.agents, unitName);
    // A removed unit consumes nothing any more: its tracked revisions no longer keep old ones alive.
    for (const secret of this.model.secrets.values()) {
      secret.tracking.delete(unitName);
      secret.consumerLabels.delete(unitName);
    }
    for (const task of Object.values(this.tasks)) {
      if (task.unit === unitName && (task.status === "pending" || task.status === "running")) {
        Object.assign(task, { status: "failed", message: `unit ${unitName} was removed`, completed: new Date().toISOString() });
      }
    }
    this.note(`unit ${unitName} removed`);
    if (app.leader === unitName) {
      const next = app.units.filter((name) => !this.model.unit(name).dying).sort(byUnit)[0];
      this.elect(app.name, next);
    }
  }

  /** Leadership goes to `unit` (or nobody); leader-elected there, leader-settings-changed elsewhere. */
  private elect(appName: string, unit: string | undefined): void {
    this.model.app(appName).leader = unit;
    this.appState(appName).leaderSettingsVersion++;
    this.note(unit === undefined ? `${appName} has no leader` : `${unit} is the leader of ${appName}`);
  }

  /** Juju puts a unit in scope of its application's relations once it is installed. */
  private enterScope(unitName: string): void {
    const unit = this.model.unit(unitName);
    if (unit.dying) return;
    for (const relation of this.model.relations.values()) {
      if (this.model.endOf(relation, unit.app) !== undefined && !this.dyingRelations.has(relation.id)) {
        this.model.joinRelation(relation.id, unitName, { "private-address": unit.address, "ingress-address": unit.address, "egress-subnets": `${unit.address}/32` });
      }
    }
  }

  private attachStorage(unitName: string, name: string): void {
    const unit = this.model.unit(unitName);
    const spec = this.meta(unit.app).storage[name];
    if (spec === undefined) throw new SimulatorError(`the charm of ${unitName} has no storage "${name}"`);
    const index = this.nextStorage++;
    const id = `${name}/${String(index)}`;
    const location = spec.type === "block" ? `/dev/loop${String(index)}` : join(this.machineDir(unit.machine), spec.location ?? join("var", "lib", "juju", "storage", name, String(index)));
    if (spec.type !== "block") mkdirSync(location, { recursive: true });
    unit.storage.set(id, { kind: spec.type, location });
  }

  private enqueueTask(unit: string, kind: TaskRecord["kind"], name: string, params: JsonObject): TaskRecord {
    const id = String(this.nextTask++);
    const task: TaskRecord = {
      id,
      unit,
      kind,
      name,
      params,
      status: "pending",
      results: {},
      message: "",
      log: [],
      enqueued: new Date().toISOString(),
      started: undefined,
      completed: undefined,
    };
    this.tasks[id] = task;
    this.agent(unit).tasks.push(id);
    this.save();
    return task;
  }

  // --- internals: bookkeeping ---------------------------------------------------------------

  private record(entry: Omit<LogEntry, "seq" | "time" | "detail" | "durationMs" | "calls" | "logs" | "stdout" | "stderr"> & Partial<LogEntry>): LogEntry {
    const full: LogEntry = {
      seq: (this.log.at(-1)?.seq ?? 0) + 1,
      time: new Date().toISOString(),
      detail: "",
      durationMs: 0,
      calls: [],
      logs: [],
      stdout: "",
      stderr: "",
      ...entry,
    };
    this.log.push(full);
    if (this.log.length > MAX_LOG_ENTRIES) this.log.splice(0, this.log.length - MAX_LOG_ENTRIES);
    return full;
  }

  private note(what: string): void {
    this.record({ unit: "controller", kind: "controller", name: what, exitCode: undefined, outcome: "" });
  }

  /** Remembers when each status last changed: juju status shows it as `since`. */
  private noteStatusChanges(): void {
    const now = new Date().toISOString();
    const touch = (key: string, status: unknown): void => {
      const text = JSON.stringify(status);
      if (this.since[key]?.key !== text) this.since[key] = { key: text, since: now };
    };
    for (const app of this.model.apps.values()) touch(`app:${app.name}`, app.status);
    for (const unit of this.model.units.values()) touch(`unit:${unit.name}`, [unit.status, this.agents[unit.name]?.error]);
  }

  private snapshot(): StatusSnapshot {
    this.noteStatusChanges();
    return {
      model: this.model,
      apps: Object.fromEntries(
        Object.entries(this.apps).map(([name, app]) => [name, { charmName: this.meta(name).name, revision: app.charm.revision, since: this.since[`app:${name}`]?.since }]),
      ),
      units: Object.fromEntries(
        [...this.model.units.keys()].filter((name) => this.agents[name] !== undefined).map((name) => {
          const agent = this.agent(name);
          const next = nextOperation(agent, this.remoteView(name));
          const running = this.running?.unit === name ? this.running.what : undefined;
          return [
            name,
            {
              error: agent.error?.name,
              errorData: agent.error,
              executing: running ?? (next === undefined ? undefined : describeOperation(next, this.tasks)),
              allocating: !agent.installed && running === undefined,
              since: this.since[`unit:${name}`]?.since,
            },
          ];
        }),
      ),
      dyingRelations: this.dyingRelations,
    };
  }

  private bump(relationId: number, key: string): number {
    const name = `${String(relationId)}/${key}`;
    const version = (this.bagVersions[name] ?? 0) + 1;
    this.bagVersions[name] = version;
    return version;
  }

  private bagVersion(relationId: number, key: string): number {
    return this.bagVersions[`${String(relationId)}/${key}`] ?? 0;
  }

  /** A unit's hooks see the relations it entered (once installed) and those it has not finished with. */
  private knowsRelation(unitName: string, relationId: number): boolean {
    return this.model.relations.get(relationId)?.members.has(unitName) === true || this.agent(unitName).relations[String(relationId)] !== undefined;
  }

  private endpointOf(unitName: string, relationId: number): string {
    const relation = this.model.relations.get(relationId);
    return (relation && this.model.endOf(relation, this.model.unit(unitName).app)?.endpoint) ?? "";
  }

  private resolveUnit(target: string): string {
    const leaderOf = /^(.+)\/leader$/.exec(target)?.[1];
    if (leaderOf !== undefined) {
      const app = this.model.apps.get(leaderOf);
      if (app === undefined) throw new SimulatorError(`application "${leaderOf}" not found`);
      if (app.leader === undefined) throw new SimulatorError(`could not determine leader for "${leaderOf}"`);
      return app.leader;
    }
    if (!this.model.units.has(target)) throw new SimulatorError(`unit "${target}" not found`);
    return target;
  }

  private secret(id: string): SecretRecord {
    const xid = xidOf(id);
    const secret = xid === undefined ? undefined : this.model.secrets.get(xid);
    if (secret === undefined) throw new SimulatorError(`secret "${id}" not found`);
    return secret;
  }

  /** The unit that manages a secret: its owner unit, or the leader of its owner application. */
  private managerOf(secret: SecretRecord): string | undefined {
    if (secret.owner.kind === "unit") return secret.owner.unit;
    if (secret.owner.kind === "application") return this.model.apps.get(secret.owner.app)?.leader;
    return undefined;
  }

  private agent(unit: string): AgentState {
    const agent = this.agents[unit];
    if (agent === undefined) throw new SimulatorError(`unit "${unit}" not found`);
    return agent;
  }

  private appState(name: string): AppState {
    const app = this.apps[name];
    if (app === undefined) throw new SimulatorError(`application "${name}" not found`);
    return app;
  }

  private meta(appName: string): CharmMeta {
    const meta = this.model.apps.get(appName)?.meta;
    if (meta === undefined) throw new SimulatorError(`application "${appName}" not found`);
    return meta;
  }

  private charmSource(appName: string): CharmSource {
    const app = this.appState(appName);
    return { origin: app.charm.origin, meta: this.meta(appName), dir: app.charm.dir };
  }
}

/** What running a hook, action or command produced. */
interface ProcessOutcome {
  readonly exitCode: number;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: ToolCall[];
  readonly logs: { level: string; message: string }[];
  readonly durationMs: number;
}

/** The parts of an outcome the debug log keeps. */
function ran(outcome: ProcessOutcome): Pick<LogEntry, "exitCode" | "stdout" | "stderr" | "calls" | "logs" | "durationMs"> {
  const { exitCode, stdout, stderr, calls, logs, durationMs } = outcome;
  return { exitCode, stdout, stderr, calls, logs, durationMs };
}

const LOCK_FILE = ".lock";

/**
 * Takes a persistent model's directory for this process, waiting while another holds it: two
 * `tscharm sim` commands on one model (a test's concurrent `juju exec`s through a stand-in, say)
 * run one after the other instead of overwriting each other's changes. A lock whose process is
 * gone is taken over.
 */
async function lockModel(dir: string, timeoutMs = 300_000): Promise<void> {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(lock, "utf8"));
    } catch {
      continue; // released meanwhile
    }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new SimulatorError(`the model in ${dir} is in use by process ${String(holder)}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

function unlockModel(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  try {
    if (readFileSync(lock, "utf8") === String(process.pid)) rmSync(lock, { force: true });
  } catch {
    // Not held.
  }
}

/** The directory as /proc shows processes' working directories: symbolic links resolved. */
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The engine's event for a hook, as hook-env.ts builds the environment from it. */
function engineEvent(hook: HookInfo): EngineEvent {
  return {
    kind: "hook",
    name: hook.name,
    ...(hook.relationId === undefined
      ? {}
      : {
          relation: {
            id: hook.relationId,
            ...(hook.remoteUnit === undefined ? {} : { remoteUnit: hook.remoteUnit }),
            ...(hook.departingUnit === undefined ? {} : { departingUnit: hook.departingUnit }),
          },
        }),
    ...(hook.secret === undefined
      ? {}
      : { secret: { xid: hook.secret, ...(hook.secretRevision === undefined ? {} : { revision: hook.secretRevision }) } }),
    ...(hook.storage === undefined ? {} : { storage: { id: hook.storage } }),
  };
}

/** What a hook is about, for the debug log. */
function hookDetail(hook: HookInfo): string {
  const parts: string[] = [];
  if (hook.remoteUnit !== undefined) parts.push(`remote unit ${hook.remoteUnit}`);
  else if (hook.kind === "relation-changed" && hook.remoteApp !== undefined) parts.push(`application ${hook.remoteApp}`);
  if (hook.departingUnit !== undefined && hook.departingUnit !== hook.remoteUnit) parts.push(`departing ${hook.departingUnit}`);
  if (hook.relationId !== undefined) parts.push(`relation ${String(hook.relationId)}`);
  if (hook.secret !== undefined) parts.push(`secret ${hook.secret}${hook.secretRevision === undefined ? "" : ` revision ${String(hook.secretRevision)}`}`);
  if (hook.storage !== undefined) parts.push(`storage ${hook.storage}`);
  return parts.join(", ");
}

function describeOperation(op: Operation, tasks: Readonly<Record<string, TaskRecord>>): string | undefined {
  switch (op.kind) {
    case "hook":
    case "skip":
      return `${op.hook.name} hook`;
    case "task": {
      const task = tasks[op.task];
      return task === undefined ? undefined : task.kind === "action" ? `action ${task.name}` : "exec";
    }
    case "note":
    case "dead":
    case "switch-charm":
      return undefined;
  }
}

/** Config values checked against the charm's options, as `juju config` and `juju deploy --config` check them. */
export function validateConfig(meta: CharmMeta, values: Readonly<Record<string, ConfigValue | string>>): Record<string, ConfigValue> {
  const checked: Record<string, ConfigValue> = {};
  for (const [key, raw] of Object.entries(values)) {
    const option = meta.config[key];
    if (option === undefined) throw new SimulatorError(`unknown option "${key}"`);
    const value = coerceConfig(option.type, raw);
    if (value === undefined) throw new SimulatorError(`option "${key}" expected ${option.type}, got ${JSON.stringify(raw)}`);
    checked[key] = value;
  }
  return checked;
}

/** A value of the option's type; strings (from a command line) are parsed as Juju parses them. */
function coerceConfig(type: ConfigType, value: ConfigValue): ConfigValue | undefined {
  let parsed: ConfigValue = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (type === "int" && /^-?\d+$/.test(text)) parsed = Number(text);
    if (type === "float" && text !== "" && !Number.isNaN(Number(text))) parsed = Number(text);
    if (type === "boolean" && (value === "true" || value === "false")) parsed = value === "true";
  }
  return configValueFits(type, parsed) ? parsed : undefined;
}

function parseEndpoint(text: string): { app: string; endpoint: string | undefined } {
  const [app = "", endpoint] = text.split(":");
  return { app, endpoint };
}

/** How many storage instances a unit starts with: 1, or the low end of `multiple: range`. */
function minimumCount(multiple: string | undefined): number {
  if (multiple === undefined) return 1;
  const low = /^(\d+)/.exec(multiple)?.[1];
  return low === undefined ? 1 : Number(low);
}

/** Juju's action log timestamps: `2025-03-01 16:23:26 +0000 UTC`. */
function jujuLogTime(when: Date): string {
  return `${when.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}

function randomUuid(): string {
  return globalThis.crypto.randomUUID();
}

/**
 * One step of mulberry32: small, fast, and the same sequence for the same seed on every platform.
 * The state is a plain number so that a persistent model can save where its sequence is.
 */
export function mulberry32(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(next ^ (next >>> 15), next | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

const signalNumbers: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

/** The tool a HookTools method stands for, where its name does not say it. */
const TOOL_OF_METHOD: Readonly<Record<string, string>> = { relationRemoteApp: "relation-list", statusGetApplication: "status-get" };

/**
 * The hook context as an in-process charm's tools, recording each call's tool (not its arguments,
 * which may be secret content) and whether it failed.
 */
function recordingTools(context: HookContext, calls: ToolCall[]): HookTools {
  return new Proxy(context, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string" || property === "constructor") return value;
      const tool = TOOL_OF_METHOD[property] ?? property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      return (...args: unknown[]): unknown => {
        try {
          const result: unknown = Reflect.apply(value, target, args);
          calls.push({ tool, args: [], exitCode: 0, stderr: "" });
          return result;
        } catch (error) {
          calls.push({ tool, args: [], exitCode: 1, stderr: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      };
    },
  });
}
