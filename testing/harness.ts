// Harness: drive one unit through a sequence of events by changing its world, as in ops' Harness,
// with every event run through the production dispatch path over the engine.

import { DEFAULT_JUJU_VERSION, hookRuns, jujuVersionProblem } from "../grammar/juju-version.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { CharmBase, CharmTypes } from "../runtime/charm.js";
import { classifyHook, parseContext } from "../runtime/dispatch-context.js";
import type { CharmClass } from "../runtime/dispatch.js";
import { Framework } from "../runtime/framework.js";
import type { CharmMeta, ConfigValue, JsonObject } from "../runtime/meta.js";
import { type Model, modelBackend } from "../runtime/model.js";
import { validateSecretContent } from "../runtime/secrets.js";
import { MemoryStateStore } from "../runtime/state-file.js";
import { HookContext } from "../engine/hook-context.js";
import { secretChangedAudience } from "../engine/secrets.js";
import { actionParamsError } from "../engine/actions.js";
import { configValueFits, secretOptionProblem } from "../engine/config.js";
import { hookEnvironment } from "../engine/hook-env.js";
import { type DispatchInfo, hookInfo } from "../engine/hook-info.js";
import { type Bag, DOCUMENTATION_ADDRESS, JujuModel } from "../engine/model.js";
import { type MetaOptions, resolveCharmMeta } from "./charm-meta.js";
import { ActionFailed, UncaughtCharmError } from "./errors.js";
import { createRelation, relationEvent, relationsOf, remoteMembers } from "./harness-relations.js";
import { ownsSecret, refuseOwnSecret, relationToOwner, secretById } from "./harness-secrets.js";
import { FakeMachine } from "./fake-machine.js";
import { type InProcessResult, dispatchInProcess } from "./in-process.js";

export interface HarnessOptions extends MetaOptions {
  /** The application's name; default: the charm's name. */
  readonly appName?: string;
  /** The unit's number; default 0. */
  readonly unitId?: number;
  readonly jujuVersion?: string;
  /** The machine tscharm/machine acts on in every event; default: a fresh, empty FakeMachine. */
  readonly machine?: FakeMachine;
}

/** What an action run by the Harness produced. */
export interface ActionOutput {
  readonly logs: readonly string[];
  readonly results: JsonObject;
}

/** Hook that nothing observes: running it runs deferred events and collect-status, as any hook does. */
const EVALUATE_STATUS_HOOK = "tscharm-evaluate-status";

/**
 * One unit of the charm, its application and the world around them. Methods that change the world
 * after `begin()` run the event Juju would run, through the same path as production: a fresh
 * charm instance per event, deferred events first, collect-status, and a commit only on success.
 * Before `begin()` they change the world and run nothing.
 */
export class Harness<C extends CharmBase<CharmTypes> = CharmBase<CharmTypes>> {
  readonly meta: CharmMeta;
  /**
   * The engine's model of Juju behind this harness, for assertions and set-ups the Harness methods
   * do not cover: read its records, change it only through its named operations (electLeader,
   * attachStorage, addSecret, setConfig, ...), as the engine and the simulator do.
   */
  readonly juju: JujuModel;
  readonly unitName: string;
  /** The machine every event acts on (tscharm/machine's functions): the one given, or a FakeMachine of this Harness's own. */
  readonly machine: FakeMachine;
  private readonly store = new MemoryStateStore();
  private readonly charmDir = mkdtempSync(join(tmpdir(), "tscharm-harness-"));
  private current: C | undefined;
  private nextActionId = 1;

  constructor(
    private readonly charmClass: CharmClass<C>,
    options: HarnessOptions = {},
  ) {
    this.meta = resolveCharmMeta(options);
    this.machine = options.machine ?? new FakeMachine();
    const jujuVersion = options.jujuVersion ?? DEFAULT_JUJU_VERSION;
    const problem = jujuVersionProblem(jujuVersion);
    if (problem !== undefined) throw new TypeError(problem);
    this.juju = new JujuModel("test-model", undefined, jujuVersion);
    const appName = options.appName ?? this.meta.name;
    this.juju.addApp(appName, this.meta);
    this.unitName = this.juju.addUnit(appName, { number: options.unitId ?? 0, address: DOCUMENTATION_ADDRESS }).name;
  }

  private get appName(): string {
    return this.juju.unit(this.unitName).app;
  }

  /** The charm instance of the latest event (a new instance per event, as in production). */
  get charm(): C {
    if (this.current === undefined) throw new Error("the charm does not exist yet: call harness.begin() first");
    return this.current;
  }

  /** The charm's model, for reading status, relations and secrets between events. */
  get model(): Model {
    return this.charm.model;
  }

  /** Constructs the charm, running no event. */
  async begin(): Promise<void> {
    if (this.current !== undefined) throw new Error("begin() was already called");
    const tools = this.betweenHooks();
    const context = parseContext(hookEnvironment(this.juju, this.unitName, hookInfo("install"), this.charmDir), this.meta, this.charmDir);
    const framework = new Framework(this.meta, tools, this.store.load());
    framework.useContext(context);
    this.current = new this.charmClass(framework);
    this.store.save(framework.state());
    await Promise.resolve();
  }

  /**
   * Constructs the charm and runs the hooks Juju runs for a new unit: storage-attached, install,
   * relation-created for each relation (adding the peer relations), leader-elected or
   * leader-settings-changed, config-changed, start, then relation-joined and relation-changed for
   * each remote unit already in a relation.
   */
  async beginWithInitialHooks(): Promise<void> {
    await this.begin();
    const unit = this.juju.unit(this.unitName);
    for (const id of [...unit.storage.keys()].sort()) {
      await this.emit(hookInfo(`${id.split("/")[0] ?? id}-storage-attached`, { storage: id }));
    }
    await this.emit(hookInfo("install"));
    for (const [endpoint, spec] of Object.entries(this.meta.relations)) {
      if (spec.role === "peers" && relationsOf(this.juju, this.appName, endpoint).length === 0) {
        createRelation(this.juju, this.meta, this.unitName, endpoint, this.appName);
      }
    }
    const relations = [...this.juju.relations.values()].filter((relation) => this.juju.endOf(relation, this.appName) !== undefined);
    for (const relation of relations) await this.emit(relationEvent(this.juju, this.appName, relation, "created"));
    const leader = this.juju.app(this.appName).leader === this.unitName;
    if (leader) await this.emit(hookInfo("leader-elected"));
    else await this.emitIfJujuRuns("leader-settings-changed");
    await this.emit(hookInfo("config-changed"));
    await this.emit(hookInfo("start"));
    for (const relation of relations) {
      for (const remote of remoteMembers(this.juju, this.unitName, relation)) {
        await this.emit(relationEvent(this.juju, this.appName, relation, "joined", remote));
        await this.emit(relationEvent(this.juju, this.appName, relation, "changed", remote));
      }
    }
  }

  /**
   * Makes this unit the leader or not. After `begin()`, becoming leader runs leader-elected and
   * losing it runs leader-settings-changed (ops' Harness runs nothing for the latter; Juju does).
   */
  async setLeader(leader = true): Promise<void> {
    const was = this.juju.app(this.appName).leader === this.unitName;
    if (leader) this.juju.electLeader(this.appName, this.unitName);
    else if (was) this.juju.electLeader(this.appName, undefined);
    if (leader && !was) await this.emit(hookInfo("leader-elected"));
    else if (!leader && was) await this.emitIfJujuRuns("leader-settings-changed");
  }

  /** Emits `hook` unless the model's Juju never runs it (leader-settings-changed on Juju 4). */
  private async emitIfJujuRuns(hook: string): Promise<void> {
    if (hookRuns(this.juju.jujuVersion, hook)) await this.emit(hookInfo(hook));
  }

  /** How many units goal-state reports for the application. */
  setPlannedUnits(count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`planned units must be 0 or a positive integer, got ${String(count)}`);
    this.juju.setPlannedUnits(this.appName, count);
  }

  /**
   * Relates `endpoint` to `remoteApp` (this application for a peer endpoint) and runs
   * relation-created. With data, `<remoteApp>/0` also joins and its data is set (joined, changed).
   */
  async addRelation(endpoint: string, remoteApp: string, options: { appData?: Bag; unitData?: Bag } = {}): Promise<number> {
    const relation = createRelation(this.juju, this.meta, this.unitName, endpoint, remoteApp);
    await this.emit(relationEvent(this.juju, this.appName, relation, "created"));
    if (options.appData !== undefined || options.unitData !== undefined) {
      const unit = `${remoteApp}/0`;
      await this.addRelationUnit(relation.id, unit);
      if (options.unitData !== undefined) await this.updateRelationData(relation.id, unit, options.unitData);
      if (options.appData !== undefined) await this.updateRelationData(relation.id, remoteApp, options.appData);
    }
    return relation.id;
  }

  /** A remote unit enters the relation: relation-joined. */
  async addRelationUnit(relationId: number, unitName: string): Promise<void> {
    const relation = this.juju.relation(relationId);
    const app = unitName.split("/")[0] ?? unitName;
    if (app !== this.juju.remoteAppOf(relation, this.appName)) {
      throw new Error(`${unitName} is not a unit of the application at the other end of relation ${relationId}`);
    }
    if (!this.juju.units.has(unitName)) this.juju.addUnit(app, { number: Number(unitName.split("/")[1]), address: DOCUMENTATION_ADDRESS });
    this.juju.joinRelation(relationId, unitName);
    await this.emit(relationEvent(this.juju, this.appName, relation, "joined", unitName));
  }

  /** A remote unit leaves the relation: relation-departed. */
  async removeRelationUnit(relationId: number, unitName: string): Promise<void> {
    const relation = this.juju.relation(relationId);
    if (!relation.members.has(unitName)) throw new Error(`${unitName} is not in relation ${relationId}`);
    this.juju.leaveRelation(relationId, unitName);
    await this.emit(relationEvent(this.juju, this.appName, relation, "departed", unitName, unitName));
  }

  /**
   * Removes a relation: relation-departed for each remote unit, then relation-broken (never for a
   * peer relation). The secret grants made over it end with it, as in Juju.
   */
  async removeRelation(relationId: number): Promise<void> {
    const relation = this.juju.relation(relationId);
    for (const remote of remoteMembers(this.juju, this.unitName, relation)) await this.removeRelationUnit(relationId, remote);
    if (!this.juju.isPeer(relation)) await this.emit(relationEvent(this.juju, this.appName, relation, "broken"));
    this.juju.removeRelation(relationId);
  }

  /**
   * Sets data in a bag (`""` deletes a key) as the remote side, or Juju, would; access rules do not
   * apply here. Runs relation-changed when a remote unit's or application's data changed.
   */
  async updateRelationData(relationId: number, appOrUnit: string, data: Bag): Promise<void> {
    const relation = this.juju.relation(relationId);
    const isUnit = appOrUnit.includes("/");
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== "string") throw new TypeError(`relation data values are strings; "${key}" is not`);
    }
    const changed = this.juju.updateRelationData(relationId, appOrUnit, data);
    // Juju tells a unit about others' writes, never its own: another unit's bag, the remote
    // application's bag, or (in a peer relation) this application's bag written by the leader.
    const otherUnit = isUnit && appOrUnit !== this.unitName;
    const remoteApp = !isUnit && appOrUnit !== this.appName;
    const leaderWrote =
      !isUnit && appOrUnit === this.appName && this.juju.isPeer(relation) && this.juju.app(this.appName).leader !== this.unitName;
    if (!changed || !(otherUnit || remoteApp || leaderWrote)) return;
    // For a change of application data Juju runs relation-changed with no remote unit.
    await this.emit(relationEvent(this.juju, this.appName, relation, "changed", isUnit ? appOrUnit : undefined));
  }

  /** A copy of a bag, whoever it belongs to. */
  getRelationData(relationId: number, appOrUnit: string): Record<string, string> {
    const relation = this.juju.relation(relationId);
    return { ...((appOrUnit.includes("/") ? relation.unitData : relation.appData).get(appOrUnit) ?? {}) };
  }

  /** `juju config`: sets and unsets options, then runs config-changed. */
  async updateConfig(values: Readonly<Record<string, ConfigValue>> = {}, unset: readonly string[] = []): Promise<void> {
    const config = { ...this.juju.app(this.appName).config };
    for (const [key, value] of Object.entries(values)) {
      const option = this.meta.config[key];
      if (option === undefined)
        throw new Error(`unknown config option "${key}" (declared: ${Object.keys(this.meta.config).join(", ") || "none"})`);
      if (!configValueFits(option.type, value))
        throw new TypeError(`config option "${key}" is a ${option.type}, not ${JSON.stringify(value)}`);
      const notSecret = option.type === "secret" && typeof value === "string" ? secretOptionProblem(value) : undefined;
      if (notSecret !== undefined)
        throw new TypeError(`config option "${key}" is a secret, but ${JSON.stringify(value)} is not a secret URI: ${notSecret}`);
      config[key] = value;
    }
    for (const key of unset) Reflect.deleteProperty(config, key);
    this.juju.setConfig(this.appName, config);
    await this.emit(hookInfo("config-changed"));
  }

  /**
   * A secret owned by the application or unit `owner`, as ops' Harness adds it. Owned by another
   * application (or one of its units), this charm cannot read it until `grantSecret`. Owned by
   * this charm's own application, it is the application's secret: the leader manages it (reads,
   * sets content and metadata, grants), and every unit of the application can read it. Owned by
   * this unit, this unit manages it.
   */
  addModelSecret(owner: string, content: Bag): string {
    validateSecretContent(content);
    const app = owner.split("/")[0] ?? owner;
    if (!this.juju.apps.has(app)) this.juju.addApp(app);
    const secret = this.juju.addSecret(owner.includes("/") ? { kind: "unit", unit: owner } : { kind: "application", app }, content);
    return this.juju.secretUri(secret.xid);
  }

  /** A user secret (`juju add-secret`), not yet granted to this charm. */
  addUserSecret(content: Bag): string {
    validateSecretContent(content);
    return this.juju.secretUri(this.juju.addSecret({ kind: "model" }, content).xid);
  }

  /**
   * Lets `observer` (this application or unit) read the secret, as its owner would grant it; a
   * model secret needs a relation to its owner. A secret this charm owns is granted by the
   * charm's own code (`secret.grant(relation)`), not here.
   */
  grantSecret(id: string, observer: string): void {
    const secret = secretById(this.juju, id);
    refuseOwnSecret(this.juju, this.unitName, secret, id, "grantSecret", "secret.grant(relation)");
    this.juju.grantSecret(secret.xid, observer, relationToOwner(this.juju, this.appName, secret));
  }

  /** Takes back what `grantSecret` gave `observer`. */
  revokeSecret(id: string, observer: string): void {
    const secret = secretById(this.juju, id);
    refuseOwnSecret(this.juju, this.unitName, secret, id, "revokeSecret", "secret.revoke(relation)");
    this.juju.revokeSecret(secret.xid, observer);
  }

  /**
   * A new revision of a secret, published by its owner (another application, a user, or the leader
   * of this application). Runs secret-changed if Juju would tell this unit (secretChangedAudience):
   * it has read an older revision, and it does not manage the secret.
   */
  async setSecretContent(id: string, content: Bag): Promise<void> {
    validateSecretContent(content);
    const secret = secretById(this.juju, id);
    this.juju.publishSecretRevision(secret.xid, content);
    if (secretChangedAudience(this.juju, secret.xid).includes(this.unitName)) {
      await this.emit(hookInfo("secret-changed", { secret: secret.xid }));
    }
  }

  /** secret-rotate, for a secret this charm owns. */
  async triggerSecretRotation(id: string, options: { label?: string } = {}): Promise<void> {
    await this.ownedSecretEvent(id, "secret-rotate", undefined, options.label);
  }

  /** secret-remove of one revision, for a secret this charm owns. */
  async triggerSecretRemoval(id: string, revision: number, options: { label?: string } = {}): Promise<void> {
    await this.ownedSecretEvent(id, "secret-remove", revision, options.label);
  }

  /** secret-expired of one revision, for a secret this charm owns. */
  async triggerSecretExpiration(id: string, revision: number, options: { label?: string } = {}): Promise<void> {
    await this.ownedSecretEvent(id, "secret-expired", revision, options.label);
  }

  /** Runs an action; throws ActionFailed (with the logs and results) if it called `event.fail()`. */
  async runAction(name: string, params: JsonObject = {}): Promise<ActionOutput> {
    const action = this.meta.actions[name];
    if (action === undefined)
      throw new Error(`action "${name}" is not declared (declared: ${Object.keys(this.meta.actions).join(", ") || "none"})`);
    // Juju validates the params against the action's schema before the action runs.
    const invalid = actionParamsError(action, params, this.juju.jujuVersion);
    if (invalid !== undefined) throw new Error(`action "${name}": ${invalid}`);
    const result = await this.emit({ kind: "action", name, id: String(this.nextActionId++) }, params);
    const output: ActionOutput = { logs: [...(result?.action?.logs ?? [])], results: result?.action?.results ?? {} };
    const failure = result?.action?.failure;
    if (failure !== undefined) throw new ActionFailed(failure, output);
    return output;
  }

  /**
   * Runs a hook that has no method of its own: `update-status`, `upgrade-charm`, `stop`,
   * `remove`, `pre-series-upgrade`, `post-series-upgrade`, `collect-metrics`, or a custom hook.
   */
  async runHook(name: string): Promise<void> {
    const kind = classifyHook(name, this.meta).type;
    if (kind !== "lifecycle" && kind !== "custom") {
      throw new Error(`${name} needs a relation, secret or storage: use the Harness method that makes that change`);
    }
    if (!hookRuns(this.juju.jujuVersion, name)) {
      throw new Error(`Juju ${this.juju.jujuVersion} never runs ${name}: Juju 4 removed it (docs/juju-versions.md)`);
    }
    await this.emit(hookInfo(name));
  }

  /**
   * Runs collect-status now. tscharm runs it after every event anyway (as production does), so
   * this is only needed after changing things outside an event. Like any hook, it re-runs
   * deferred events first.
   */
  async evaluateStatus(): Promise<void> {
    await this.emit(hookInfo(EVALUATE_STATUS_HOOK));
  }

  /** Removes the Harness's temporary charm directory. */
  cleanup(): void {
    rmSync(this.charmDir, { recursive: true, force: true });
  }

  /** Runs one event if the charm exists; throws UncaughtCharmError if the hook failed. */
  private async emit(event: DispatchInfo, params?: JsonObject): Promise<InProcessResult<C> | undefined> {
    if (this.current === undefined) return undefined;
    const result = await dispatchInProcess(this.charmClass, {
      model: this.juju,
      unit: this.unitName,
      event,
      meta: this.meta,
      store: this.store,
      charmDir: this.charmDir,
      machine: this.machine,
      ...(params === undefined ? {} : { params }),
    });
    if (result.charm !== undefined) {
      this.current = result.charm;
      // Between events the test may use the charm's model: give it a context that commits at once.
      this.current.framework.useContext(modelBackend(this.current.framework.model).context, this.betweenHooks());
    }
    if (result.exitCode !== 0) throw new UncaughtCharmError(event.name, result.error);
    return result;
  }

  private betweenHooks(): HookContext {
    const tools = new HookContext(this.juju, this.unitName);
    tools.autoCommitting = true;
    return tools;
  }

  private async ownedSecretEvent(id: string, hook: string, revision: number | undefined, label: string | undefined): Promise<void> {
    const secret = secretById(this.juju, id);
    if (!ownsSecret(this.juju, this.unitName, secret)) {
      throw new Error(`${hook} goes to the secret's owner, and this charm does not own ${id}`);
    }
    if (label !== undefined) this.juju.setSecretMetadata(secret.xid, { label });
    await this.emit(hookInfo(hook, { secret: secret.xid, secretRevision: revision }));
  }
}
