// One hook of one unit, as the unit agent runs it: Juju's rules on every hook tool, writes buffered
// and visible to the same hook, applied to the model only by commit() after the hook succeeded.
//
// Each concept (leadership, config, relations, secrets, ports, status, actions, unit-state,
// storage, network, logging, the one-off tools) is a module of its own that owns its buffer, its
// tools, its commit-time check and its apply step; this class implements HookTools by delegating.
//
// Immediate, as in Juju: status-set, juju-log, leader-set, application-version-set and the
// action's results, failure and log. Everything else (relation data, secrets, ports, unit state,
// storage requests, reboot) waits for commit().

import type {
  AppStatusRecord,
  CloudSpecRecord,
  GoalStateRecord,
  HookTools,
  LogLevel,
  NetworkRecord,
  PortRange,
  RelationRef,
  SecretAddOptions,
  SecretGetOptions,
  SecretInfoRecord,
  SecretSetOptions,
  SettableStatusName,
  StatusRecord,
  StorageRecord,
} from "../runtime/hook-tools/index.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { type ActionRun, Actions } from "./actions.js";
import { Config } from "./config.js";
import type { CommitChanges, CommitResult, HookConcept, HookScope } from "./hook-scope.js";
import { Leadership } from "./leadership.js";
import { Logging } from "./logging.js";
import type { JujuModel } from "./model.js";
import { Network } from "./network.js";
import { OneOffTools } from "./one-offs.js";
import { Ports } from "./ports.js";
import { Relations } from "./relations.js";
import { Secrets } from "./secrets.js";
import { Status } from "./status.js";
import { Storage } from "./storage.js";
import { UnitState } from "./unit-state.js";

export type { ActionRun } from "./actions.js";
export { CommitError, type CommitResult } from "./hook-scope.js";
export { xidOf } from "./secret-rules.js";

/** Juju's view of one hook of `unit`: implements every hook tool over the model. */
export class HookContext implements HookTools {
  /** Set for the context a test uses between hooks: every write is committed at once. */
  autoCommitting = false;
  /**
   * The remote units the charm knows in a relation, when the caller tracks it (the simulator's
   * unit agents): Juju's relation-list answers from what the unit was told (joined), not from
   * everyone in scope. Undefined: everyone in scope.
   */
  knownMembers: ((relationId: number) => readonly string[] | undefined) | undefined;
  /**
   * Whether the unit knows a relation yet, when the caller tracks it: Juju's hook contexts hold
   * only the relations the unit has entered (none during install). Undefined: every relation of
   * the application.
   */
  knowsRelation: ((relationId: number) => boolean) | undefined;

  private committed = false;
  private readonly leadership: Leadership;
  private readonly config: Config;
  private readonly relations: Relations;
  private readonly secrets: Secrets;
  private readonly ports: Ports;
  private readonly status: Status;
  private readonly actions: Actions;
  private readonly unitState: UnitState;
  private readonly storage: Storage;
  private readonly network: Network;
  private readonly logging: Logging;
  private readonly oneOffs: OneOffTools;
  /** The commit-time checks, in the order the controller makes them. */
  private readonly checked: readonly HookConcept[];
  /** The apply steps, in the order the unit agent applies a hook's changes. */
  private readonly applied: readonly HookConcept[];

  constructor(
    /** The model this hook runs against; the fake hook tools read it through the queries below. */
    private readonly model: JujuModel,
    readonly unitName: string,
    readonly action?: ActionRun,
  ) {
    model.unit(unitName);
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the scope's getters read this context's settings as they change
    const context = this;
    const scope: HookScope = {
      model,
      unitName,
      get appName() {
        return model.unit(unitName).app;
      },
      action,
      get autoCommitting() {
        return context.autoCommitting;
      },
      isLeader: () => this.leadership.isLeader(),
      autoCommit: () => {
        this.autoCommit();
      },
      knowsRelation: (relationId) => this.knowsRelation?.(relationId) !== false,
      knownMembers: (relationId) => this.knownMembers?.(relationId),
    };
    this.leadership = new Leadership(scope);
    this.config = new Config(scope);
    this.relations = new Relations(scope);
    this.secrets = new Secrets(scope);
    this.ports = new Ports(scope);
    this.status = new Status(scope);
    this.actions = new Actions(scope);
    this.unitState = new UnitState(scope);
    this.storage = new Storage(scope);
    this.network = new Network(scope, this.relations);
    this.logging = new Logging(scope);
    this.oneOffs = new OneOffTools(scope);
    this.checked = [this.ports, this.secrets, this.relations, this.unitState, this.storage];
    this.applied = [this.relations, this.ports, this.unitState, this.storage, this.oneOffs, this.secrets];
  }

  /** The Juju version the model runs (`JUJU_VERSION`): the tools Juju 4 removed fail there (grammar/juju-version.ts). */
  get jujuVersion(): string {
    return this.model.jujuVersion;
  }

  // --- leadership -------------------------------------------------------------------------

  isLeader(): boolean {
    return this.leadership.isLeader();
  }

  /** `leader-get`: the leader settings, readable by every unit. Not in HookTools: tscharm uses peer data. */
  leaderGet(): Record<string, string> {
    return this.leadership.leaderGet();
  }

  /** `leader-set`: immediate, as in Juju (not buffered); `""` deletes a key. Leader only. */
  leaderSet(data: Readonly<Record<string, string>>): void {
    this.leadership.leaderSet(data);
  }

  // --- config -----------------------------------------------------------------------------

  configGet(): Record<string, ConfigValue> {
    return this.config.configGet();
  }

  /** The option names the unit's charm declares (`config-get --all` lists them, set or not). */
  declaredConfigOptions(): string[] {
    return this.config.declaredConfigOptions();
  }

  // --- relations --------------------------------------------------------------------------

  relationIds(endpoint: string): number[] {
    return this.relations.relationIds(endpoint);
  }

  relationList(ref: RelationRef): string[] {
    return this.relations.relationList(ref);
  }

  relationRemoteApp(ref: RelationRef): string | undefined {
    return this.relations.relationRemoteApp(ref);
  }

  relationGet(ref: RelationRef, target: string, app: boolean): Record<string, string> {
    return this.relations.relationGet(ref, target, app);
  }

  relationSet(ref: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
    this.relations.relationSet(ref, data, app);
  }

  relationModelGet(ref: RelationRef): { readonly uuid: string } {
    return this.relations.relationModelGet(ref);
  }

  /** The id of a relation between this unit's application and `remoteApp`, if there is one. */
  relationIdWith(remoteApp: string): number | undefined {
    return this.relations.relationIdWith(remoteApp);
  }

  /** This unit's endpoint in a relation; undefined when there is no such relation or its application is not in it. */
  relationEndpoint(relationId: number): string | undefined {
    return this.relations.relationEndpoint(relationId);
  }

  // --- status, logs, version --------------------------------------------------------------

  statusGet(): StatusRecord {
    return this.status.statusGet();
  }

  statusGetApplication(): AppStatusRecord {
    return this.status.statusGetApplication();
  }

  statusSet(status: SettableStatusName, message: string, app: boolean): void {
    this.status.statusSet(status, message, app);
  }

  applicationVersionSet(version: string): void {
    this.oneOffs.applicationVersionSet(version);
  }

  jujuLog(level: LogLevel, message: string): void {
    this.logging.jujuLog(level, message);
  }

  // --- actions ----------------------------------------------------------------------------

  actionGet(): JsonObject {
    return this.actions.actionGet();
  }

  actionSet(results: Readonly<Record<string, string>>): void {
    this.actions.actionSet(results);
  }

  actionFail(message: string): void {
    this.actions.actionFail(message);
  }

  actionLog(message: string): void {
    this.actions.actionLog(message);
  }

  // --- ports and network ------------------------------------------------------------------

  openPort(port: PortRange, endpoints?: readonly string[]): void {
    this.ports.openPort(port, endpoints);
  }

  closePort(port: PortRange, endpoints?: readonly string[]): void {
    this.ports.closePort(port, endpoints);
  }

  openedPorts(): PortRange[] {
    return this.ports.openedPorts();
  }

  /** The unit's committed opened ports, each with the endpoint it is open on (`opened-ports --endpoints`). */
  portEndpoints(): readonly { readonly range: PortRange; readonly endpoint: string | undefined }[] {
    return this.ports.portEndpoints();
  }

  networkGet(binding: string, relationId?: number): NetworkRecord {
    return this.network.networkGet(binding, relationId);
  }

  /** The unit's address (`unit-get private-address` / `public-address`). */
  unitAddress(): string {
    return this.network.unitAddress();
  }

  // --- secrets ----------------------------------------------------------------------------

  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string {
    return this.secrets.secretAdd(content, options);
  }

  secretGet(options: SecretGetOptions): Record<string, string> {
    return this.secrets.secretGet(options);
  }

  secretSet(id: string, options: SecretSetOptions): void {
    this.secrets.secretSet(id, options);
  }

  secretRemove(id: string, revision?: number): void {
    this.secrets.secretRemove(id, revision);
  }

  secretGrant(id: string, relationId: number, unit?: string): void {
    this.secrets.secretGrant(id, relationId, unit);
  }

  secretRevoke(id: string, relationId: number, unit?: string): void {
    this.secrets.secretRevoke(id, relationId, unit);
  }

  secretIds(): string[] {
    return this.secrets.secretIds();
  }

  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord {
    return this.secrets.secretInfoGet(query);
  }

  /** The committed grants of the secret whose id secret-info-get returned, in the order they were made. */
  secretGrants(id: string): readonly { readonly grantee: string; readonly relationId: number | undefined }[] {
    return this.secrets.secretGrants(id);
  }

  // --- unit state ---------------------------------------------------------------------------

  stateGet(): Record<string, string> {
    return this.unitState.stateGet();
  }

  stateSet(data: Readonly<Record<string, string>>): void {
    this.unitState.stateSet(data);
  }

  stateDelete(key: string): void {
    this.unitState.stateDelete(key);
  }

  // --- storage, resources, goal state, credentials, reboot --------------------------------

  storageList(name?: string): string[] {
    return this.storage.storageList(name);
  }

  storageGet(id: string): StorageRecord {
    return this.storage.storageGet(id);
  }

  storageAdd(name: string, count: number): void {
    this.storage.storageAdd(name, count);
  }

  resourceGet(name: string): string {
    return this.oneOffs.resourceGet(name);
  }

  goalState(): GoalStateRecord {
    return this.oneOffs.goalState();
  }

  credentialGet(): CloudSpecRecord {
    return this.oneOffs.credentialGet();
  }

  jujuReboot(now: boolean): void {
    this.oneOffs.jujuReboot(now);
  }

  // --- commit -------------------------------------------------------------------------------

  /**
   * Applies the hook's buffered changes to the model, as the unit agent does when a hook exits 0.
   * Checks Juju makes only at this point (unique secret labels, managing someone else's secret)
   * throw CommitError and apply nothing.
   */
  commit(): CommitResult {
    if (this.committed) throw new Error("this hook context was already committed");
    for (const concept of this.checked) concept.check?.();
    this.committed = true;
    const changes: CommitChanges = { relationChanges: [], newRevisions: [], removedSecrets: [] };
    for (const concept of this.applied) concept.apply?.(changes);
    return changes;
  }

  /** Between hooks (a test poking the charm), writes are committed as they are made. */
  private autoCommit(): void {
    if (!this.autoCommitting) return;
    this.commit();
    this.committed = false;
    for (const concept of this.applied) concept.reset?.();
  }
}
