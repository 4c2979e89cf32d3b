// The local Juju simulator: applications and units of a model, each unit with its own charm
// directory, running every hook as a real process of the charm's `dispatch`, with the hook tools
// on PATH answering from the engine (engine/).
//
// The simulator plays the controller (it owns the model and decides leadership) and every unit
// agent (uniter.ts decides what each unit runs next). One operation runs at a time, which is the
// strongest form of Juju's own rule (one hook at a time per unit); which unit goes next is round
// robin over the units, or drawn from a seeded random sequence to vary interleavings.
//
// This class is the public face: each method delegates to the module doing the job (verbs.ts,
// scheduler.ts, operations.ts, teardown.ts, store.ts, status-snapshot.ts), all over one
// SimulatorCore (core.ts) that holds the model and the bookkeeping.

import { DEFAULT_JUJU_VERSION, jujuVersionProblem } from "../grammar/juju-version.js";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { JujuModel } from "../engine/model.js";
import { ToolServer } from "../fake-tools/server.js";
import { SimulatorCore } from "./core.js";
import { renderStatus } from "./juju-status.js";
import { dispatch, fastForward } from "./operations.js";
import { busy, runTask, settle, step } from "./scheduler.js";
import { snapshot } from "./status-snapshot.js";
import { MODEL_FILE, lockModel, newBookkeeping, readSavedState, unlockModel } from "./store.js";
import { destroy } from "./teardown.js";
import {
  type DeployOptions,
  type DispatchRequest,
  type LogEntry,
  SimulatorError,
  type SimulatorOptions,
  type TaskRecord,
  type TeardownReport,
} from "./types.js";
import * as verbs from "./verbs.js";
import * as machineAccess from "./machine-access.js";
import { showUnit } from "./unit-info.js";
import * as userSecrets from "./user-secrets.js";
import type { ShowSecretOptions } from "./user-secrets.js";

export {
  type DeployOptions,
  type DispatchRequest,
  type LogEntry,
  SimulatorError,
  type SimulatorOptions,
  type TaskRecord,
  type TeardownReport,
  entryFailed,
} from "./types.js";
export { validateConfig } from "./juju-rules.js";
export { SCP_LIMIT_BYTES } from "./machine-access.js";
export type { ShowSecretOptions } from "./user-secrets.js";
export { mulberry32 } from "./scheduler.js";

export class Simulator {
  private constructor(private readonly core: SimulatorCore) {}

  /** The engine's model: applications, units, relations, secrets. */
  get model(): JujuModel {
    return this.core.model;
  }

  /** The model directory. */
  get dir(): string {
    return this.core.dir;
  }

  /** A new, empty model. */
  static async create(options: SimulatorOptions = {}): Promise<Simulator> {
    const jujuVersion = supportedVersion(options.jujuVersion);
    const dir = resolve(options.dir ?? mkdtempSync(join(tmpdir(), "tscharm-sim-")));
    mkdirSync(dir, { recursive: true });
    if (options.persistent === true) await lockModel(dir);
    try {
      if (existsSync(join(dir, MODEL_FILE))) throw new SimulatorError(`${dir} already holds a model; open it, or choose another directory`);
      const model = new JujuModel(options.modelName ?? "sim", globalThis.crypto.randomUUID(), jujuVersion);
      const core = new SimulatorCore(model, dir, await ToolServer.start(join(dir, "tools")), options, newBookkeeping(options.seed ?? 0));
      core.save();
      return new Simulator(core);
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
      const saved = readSavedState(file);
      // A model saved before the version was kept has none: it ran 3.6's rules, the default.
      const model = JujuModel.fromJSON(saved.model);
      supportedVersion(model.jujuVersion);
      const server = await ToolServer.start(join(resolve(dir), "tools"));
      return new Simulator(new SimulatorCore(model, resolve(dir), server, { ...saved.options, persistent: true }, saved.book));
    } catch (error) {
      unlockModel(resolve(dir));
      throw error;
    }
  }

  /** Writes the model to `<dir>/model.json` (persistent simulators only); mode 0600: it holds secret content. */
  save(): void {
    this.core.save();
  }

  /**
   * Stops answering hook tools and releases the model directory; the charms' processes are left
   * as they are (a persistent model carries on in the next `Simulator.open`). With `remove`, the
   * model is destroyed first (`destroy()`, unless it was already) and its directory deleted.
   */
  async close(options: { remove?: boolean } = {}): Promise<void> {
    const core = this.core;
    if (options.remove === true && !core.closed && !core.destroyed) await this.destroy();
    if (!core.closed) {
      core.closed = true;
      // A model that is not kept has nobody to come back to its machines: they go now.
      if (core.options.persistent === true) core.machines.close();
      else core.machines.removeAll();
      await core.server.close();
      if (core.options.persistent === true) unlockModel(core.dir);
    }
    if (options.remove === true) rmSync(core.dir, { recursive: true, force: true });
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
    return destroy(this.core, options);
  }

  /** `juju deploy`: a `.charm` file, or a charm project built with `tscharm build`. Returns the application name. */
  deploy(charm: string, options: DeployOptions = {}): string {
    return verbs.deploy(this.core, charm, options);
  }

  /** `juju add-unit`: returns the new units' names. */
  addUnit(appName: string, count = 1): string[] {
    return verbs.addUnit(this.core, appName, count);
  }

  /** `juju remove-unit`: the units run their teardown hooks, then leave the model. */
  removeUnit(...units: string[]): void {
    verbs.removeUnit(this.core, ...units);
  }

  /**
   * `juju remove-application <app> [--destroy-storage] [--force]`: every relation of the
   * application becomes dying (the other applications' units depart and run relation-broken),
   * every unit of it tears down (its subordinates with it), and once nothing holds it the
   * application goes, with the secrets it owns and the grants made to it. With `force`, a unit
   * whose teardown hook fails is removed at once. Run the model (`settle`) to see it happen.
   */
  removeApplication(appName: string, options: { readonly force?: boolean; readonly destroyStorage?: boolean } = {}): void {
    verbs.removeApplication(this.core, appName, options);
  }

  /**
   * An application the simulator does not run (another model's, or one you only need as the other
   * end of a relation): its units are in scope of its relations and run no hooks. Set their data
   * in `model`. Returns the unit names.
   */
  addRemoteApp(name: string, options: { units?: number } = {}): string[] {
    return verbs.addRemoteApp(this.core, name, options);
  }

  /** `juju integrate a[:endpoint] b[:endpoint]`: returns the relation id. */
  integrate(first: string, second: string): number {
    return verbs.integrate(this.core, first, second);
  }

  /** `juju remove-relation a b`: every unit departs the others and runs relation-broken. */
  removeRelation(first: string, second: string): void {
    verbs.removeRelation(this.core, first, second);
  }

  /** `juju config <app>`: the effective values. */
  config(appName: string): Record<string, ConfigValue> {
    return verbs.config(this.core, appName);
  }

  /** `juju config <app> key=value … --reset key,…`: config-changed runs on every unit if anything changed. */
  setConfig(appName: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[] = []): void {
    verbs.setConfig(this.core, appName, values, reset);
  }

  /** Queues `juju run <unit> <action>` (the unit may be `app/leader`); run the model to get its result. */
  enqueueAction(target: string, action: string, params: JsonObject = {}): TaskRecord {
    return verbs.enqueueAction(this.core, target, action, params);
  }

  /** Queues `juju exec --unit <unit> -- <command>`: a shell command in a hook context. */
  enqueueExec(target: string, command: string): TaskRecord {
    return verbs.enqueueExec(this.core, target, command);
  }

  task(id: string): TaskRecord {
    return verbs.taskById(this.core, id);
  }

  /** Runs update-status on the given units (all units by default), as Juju does every 5 minutes. */
  updateStatus(units?: readonly string[]): void {
    verbs.updateStatus(this.core, units);
  }

  /**
   * `juju refresh <app> --path <charm> [--force-units]`: each unit takes the new charm's files as
   * its next operation and runs upgrade-charm (then config-changed, leader-settings-changed on a
   * non-leader, start). A unit in error keeps the old charm until it is resolved, then upgrades;
   * with `forceUnits` it takes the new files at once and stays in error, and upgrade-charm never
   * runs for it (config-changed does, once resolved), as Juju does.
   */
  refresh(appName: string, charm: string, options: { readonly forceUnits?: boolean } = {}): void {
    verbs.refresh(this.core, appName, charm, options);
  }

  /** `juju resolve [--no-retry] <unit>`: retries the failed hook, or marks it done without running it. */
  resolve(unitName: string, options: { noRetry?: boolean } = {}): void {
    verbs.markResolved(this.core, unitName, options);
  }

  /** Tells a secret's owner to rotate it (Juju does when its rotate policy says so). */
  rotateSecret(id: string): void {
    verbs.rotateSecret(this.core, id);
  }

  /** Tells a secret's owner that a revision (the latest by default) expired. */
  expireSecret(id: string, revision?: number): void {
    verbs.expireSecret(this.core, id, revision);
  }

  /** `juju add-secret <name>`: a user secret (owned by the model); returns its URI, `secret:<id>`. */
  addSecret(name: string, content: Readonly<Record<string, string>>, options: { info?: string } = {}): string {
    return userSecrets.addUserSecret(this.core, name, content, options);
  }

  /** `juju grant-secret <id|name> <app>,…`: the applications' units may read the user secret. */
  grantSecret(id: string, apps: readonly string[]): void {
    userSecrets.grantUserSecret(this.core, id, apps);
  }

  /** `juju revoke-secret <id|name> <app>,…`. */
  revokeSecret(id: string, apps: readonly string[]): void {
    userSecrets.revokeUserSecret(this.core, id, apps);
  }

  /** `juju update-secret <id|name>`: new content is a new revision, and its consumers run secret-changed. */
  updateSecret(id: string, content: Readonly<Record<string, string>> | undefined, options: { info?: string; name?: string } = {}): void {
    userSecrets.updateUserSecret(this.core, id, content, options);
  }

  /** `juju remove-secret <id|name> [--revision N]`. */
  removeSecret(id: string, options: { revision?: number } = {}): void {
    userSecrets.removeUserSecret(this.core, id, options);
  }

  /** `juju secrets --format json`: every secret of the model, by id (`owner` filters: an app, a unit or `<model>`). */
  secrets(options: { owner?: string } = {}): JsonObject {
    return userSecrets.listSecrets(this.core, options);
  }

  /** `juju show-secret <id|name> --format json [--reveal] [--revision N] [--revisions]`. */
  showSecret(id: string, options: ShowSecretOptions = {}): JsonObject {
    return userSecrets.showSecret(this.core, id, options);
  }

  /** `juju show-unit <unit> --format json`. */
  showUnit(unit: string): JsonObject {
    return showUnit(this.core, unit);
  }

  /** `juju trust <app> [--remove]`: credential-get answers (or stops); config-changed runs on every unit. */
  trust(appName: string, options: { readonly remove?: boolean } = {}): void {
    verbs.trust(this.core, appName, options);
  }

  /**
   * `juju integrate a b --via <cidr>,…`: as `integrate`; the egress subnets are checked as Juju
   * checks them and recorded in the debug log (the simulator has no network to open for them).
   */
  integrateVia(first: string, second: string, via: readonly string[]): number {
    verbs.checkViaCidrs(via);
    const id = verbs.integrate(this.core, first, second);
    verbs.recordVia(this.core, id, via);
    return id;
  }

  /** `juju ssh <unit|machine> <command>`, run the way `juju exec` runs: returns the finished task. */
  async ssh(target: string, command: string): Promise<TaskRecord> {
    return machineAccess.ssh(this.core, target, command);
  }

  /** `juju scp <local> <target>:<path>`: the bytes written to the path on the unit's machine (through exec; at most 4 MiB). */
  async copyToMachine(target: string, bytes: Uint8Array, path: string): Promise<void> {
    await machineAccess.copyToMachine(this.core, target, bytes, path);
  }

  /** `juju scp <target>:<path> <local>`: the file's bytes (through exec; at most 4 MiB). */
  async copyFromMachine(target: string, path: string): Promise<Buffer> {
    return machineAccess.copyFromMachine(this.core, target, path);
  }

  /** Whether any unit has something to run. */
  busy(): boolean {
    return busy(this.core);
  }

  /** Runs one operation of one unit; false when every unit is idle. */
  async step(): Promise<boolean> {
    return step(this.core);
  }

  /** Runs operations until every unit is idle; refuses to run more than `maxOperations` (a charm that never settles). */
  async settle(options: { maxOperations?: number } = {}): Promise<number> {
    return settle(this.core, options);
  }

  /** Runs the model until the task has finished; returns it. */
  async runTask(id: string): Promise<TaskRecord> {
    return runTask(this.core, id);
  }

  /**
   * Runs one hook or action on a unit now, outside the order its agent would choose (`tscharm
   * run`). The hook's changes are committed if it exits 0; the agent's own bookkeeping is left
   * alone, so the units later converge as they would have.
   */
  async dispatch(unitName: string, request: DispatchRequest): Promise<{ entry: LogEntry; task: TaskRecord | undefined }> {
    return dispatch(this.core, unitName, request);
  }

  /**
   * Marks a unit as having run everything its agent would have run so far (installed, started,
   * told about its leadership, config and every relation member), without running it: a fresh
   * unit for one `dispatch`.
   */
  fastForward(unitName: string): void {
    fastForward(this.core, unitName);
  }

  /** What `juju status --format=json` prints for this model. */
  status(): JsonObject {
    return renderStatus(snapshot(this.core));
  }

  /** Every hook, action and exec run so far, and what the controller did. */
  history(): readonly LogEntry[] {
    return this.core.book.log;
  }

  /** The unit's charm directory (JUJU_CHARM_DIR). */
  charmDir(unit: string): string {
    return this.core.charmDir(unit);
  }

  /** The directory standing in for a machine's root filesystem (`{machine}` in `env`). */
  machineDir(machine: string): string {
    return this.core.machineDir(machine);
  }
}

/** The Juju version a new model runs (default 3.6's); one the simulator cannot model is refused. */
function supportedVersion(version: string | undefined): string {
  const chosen = version ?? DEFAULT_JUJU_VERSION;
  const problem = jujuVersionProblem(chosen);
  if (problem !== undefined) throw new SimulatorError(problem);
  return chosen;
}
