// One hook of one unit, as the unit agent runs it: Juju's rules on every hook tool, writes buffered
// and visible to the same hook, applied to the model only by commit() after the hook succeeded.
//
// Immediate, as in Juju: status-set, juju-log, application-version-set and the action's results,
// failure and log. Everything else (relation data, secrets, ports, unit state, storage requests,
// reboot) waits for commit().

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
import { formatPort } from "../runtime/hook-tools/index.js";
import type { ConfigValue, JsonObject, JsonValue } from "../runtime/meta.js";
import { isBindingOf } from "../runtime/network.js";
import {
  LEADER_SET_REFUSED,
  MAX_CHARM_STATE_BYTES,
  MAX_RELATION_SETTINGS_BYTES,
  NOT_LEADER,
  checkActionResultKey,
  checkPortRange,
  checkSecretContent,
  checkSecretMetadata,
  checkStateEntry,
  checkStatus,
  expiryTime,
  fail,
  relationNotFound,
} from "./juju-rules.js";
import {
  type Bag,
  type JujuModel,
  type OpenedPort,
  type RelationRecord,
  type SecretRecord,
  defaultNetwork,
  newSecretRecord,
} from "./model.js";

/** The action a context runs, and what the charm reports about it. */
export interface ActionRun {
  readonly name: string;
  readonly id: string;
  readonly params: JsonObject;
  /** action-set results, nested by their dotted keys. */
  readonly results: JsonObject;
  readonly logs: string[];
  /** The action-fail message, once called. */
  failure: string | undefined;
}

/** What commit() changed, for whoever schedules the hooks that follow (the simulator). */
export interface CommitResult {
  /** Bags whose committed content changed: `unit` is a unit name, or undefined for the app bag. */
  readonly relationChanges: readonly { readonly relationId: number; readonly app: string; readonly unit: string | undefined }[];
  /** Secrets that got a new revision. */
  readonly newRevisions: readonly { readonly xid: string; readonly revision: number }[];
  /** Revisions removed (or whole secrets, with revision undefined). */
  readonly removedSecrets: readonly { readonly xid: string; readonly revision: number | undefined }[];
}

interface PendingSecretSet {
  readonly xid: string;
  readonly content: Bag | undefined;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly expire: string | undefined;
  readonly rotate: SecretRecord["rotate"];
}

/** The hook was refused at commit (a rule Juju checks only when it applies the hook's changes). */
export class CommitError extends Error {
  override name = "CommitError";
}

/** Juju's view of one hook of `unit`: implements every hook tool over the model. */
export class HookContext implements HookTools {
  /** Once is-leader said false, it says false for the rest of the hook. */
  private noLongerLeader = false;
  /** Juju reads config, leader settings and relation membership once per hook context. */
  private configCache: Record<string, ConfigValue> | undefined;
  private leaderSettingsCache: Record<string, string> | undefined;
  private membersAtStart: Map<number, readonly string[]> | undefined;
  private readonly relationWrites = new Map<number, { unit: Bag; app: Bag }>();
  private readonly remoteSnapshots = new Map<string, Bag>();
  private readonly portOps: { open: boolean; port: OpenedPort }[] = [];
  private readonly stateWrites = new Map<string, string | undefined>();
  private readonly storageAdds: Record<string, number> = {};
  private rebootAfterHook = false;
  private readonly secretAdds: SecretRecord[] = [];
  private readonly secretSets: PendingSecretSet[] = [];
  private readonly secretRemoves: { xid: string; revision: number | undefined }[] = [];
  private readonly grantChanges: { xid: string; grantee: string; relationId: number; grant: boolean }[] = [];
  private readonly tracking = new Map<string, number>();
  private readonly labelUpdates: { xid: string; label: string; owner: boolean }[] = [];
  private committed = false;
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

  constructor(
    readonly model: JujuModel,
    readonly unitName: string,
    readonly action?: ActionRun,
  ) {
    model.unit(unitName);
  }

  private get appName(): string {
    return this.model.unit(this.unitName).app;
  }

  // --- leadership -------------------------------------------------------------------------

  isLeader(): boolean {
    if (this.noLongerLeader) return false;
    const leader = this.model.app(this.appName).leader === this.unitName;
    if (!leader) this.noLongerLeader = true;
    return leader;
  }

  /** `leader-get`: the leader settings, readable by every unit. Not in HookTools: tscharm uses peer data. */
  leaderGet(): Record<string, string> {
    if (this.autoCommitting) return { ...this.model.app(this.appName).leaderSettings };
    this.leaderSettingsCache ??= { ...this.model.app(this.appName).leaderSettings };
    return { ...this.leaderSettingsCache };
  }

  /** `leader-set`: immediate, as in Juju (not buffered); `""` deletes a key. Leader only. */
  leaderSet(data: Readonly<Record<string, string>>): void {
    if (!this.isLeader()) fail("leader-set", 1, LEADER_SET_REFUSED);
    const app = this.model.app(this.appName);
    app.leaderSettings = applyChanges(app.leaderSettings, data);
    if (this.leaderSettingsCache !== undefined) this.leaderSettingsCache = applyChanges(this.leaderSettingsCache, data);
  }

  // --- config -----------------------------------------------------------------------------

  configGet(): Record<string, ConfigValue> {
    if (this.autoCommitting) return this.model.effectiveConfig(this.appName);
    this.configCache ??= this.model.effectiveConfig(this.appName);
    return { ...this.configCache };
  }

  // --- relations --------------------------------------------------------------------------

  relationIds(endpoint: string): number[] {
    return [...this.model.relations.values()]
      .filter((relation) => this.model.endOf(relation, this.appName)?.endpoint === endpoint && this.knowsRelation?.(relation.id) !== false)
      .map((relation) => relation.id)
      // Juju sorts the ids as strings: db:10 before db:2.
      .sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  }

  relationList(ref: RelationRef): string[] {
    const relation = this.relationFor("relation-list", ref);
    const remoteApp = this.model.remoteAppOf(relation, this.appName);
    const members = this.knownMembers?.(relation.id) ?? this.membersOf(relation);
    return members.filter((unit) => unit !== this.unitName && unit.split("/")[0] === remoteApp).sort(byUnitNumber);
  }

  relationRemoteApp(ref: RelationRef): string | undefined {
    return this.model.remoteAppOf(this.relationFor("relation-list", ref), this.appName);
  }

  relationGet(ref: RelationRef, target: string, app: boolean): Record<string, string> {
    const tool = "relation-get";
    const relation = this.relationFor(tool, ref);
    const remoteApp = this.model.remoteAppOf(relation, this.appName);
    const isPeer = this.model.isPeer(relation);
    if (app) {
      const appName = target.split("/")[0] ?? target;
      if (appName === this.appName) {
        if (this.isLeader()) return applyChanges(this.committedAppBag(relation, appName), this.pendingWrites(relation.id).app);
        if (!isPeer) fail(tool, 1, "permission denied");
        return { ...this.committedAppBag(relation, appName) };
      }
      if (appName !== remoteApp) fail(tool, 1, "permission denied");
      return this.snapshot(`${relation.id}/app/${appName}`, () => this.committedAppBag(relation, appName));
    }
    if (!target.includes("/")) {
      if (this.model.apps.has(target)) fail(tool, 2, `expected unit name, got application name "${target}"`);
      fail(tool, 2, `invalid unit name "${target}"`);
    }
    if (target === this.unitName) {
      return applyChanges(relation.unitData.get(target) ?? {}, this.pendingWrites(relation.id).unit);
    }
    if (target.split("/")[0] !== remoteApp || !relation.unitData.has(target)) fail(tool, 1, "permission denied");
    return this.snapshot(`${relation.id}/unit/${target}`, () => ({ ...(relation.unitData.get(target) ?? {}) }));
  }

  relationSet(ref: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
    const relation = this.relationFor("relation-set", ref);
    if (app && !this.isLeader()) fail("relation-set", 1, "cannot write relation settings");
    for (const key of Object.keys(data)) {
      if (key === "") fail("relation-set", 2, `expected "key=value", got "=${data[key] ?? ""}"`);
    }
    const pending = this.pendingWrites(relation.id);
    Object.assign(app ? pending.app : pending.unit, data);
    this.autoCommit();
  }

  relationModelGet(ref: RelationRef): { readonly uuid: string } {
    const relation = this.relationFor("relation-model-get", ref);
    return { uuid: relation.remoteModelUuid ?? this.model.uuid };
  }

  // --- status, logs, version --------------------------------------------------------------

  statusGet(): StatusRecord {
    return this.model.unit(this.unitName).status;
  }

  statusGetApplication(): AppStatusRecord {
    if (!this.isLeader()) fail("status-get", 1, `finding application status: ${NOT_LEADER}`);
    const app = this.model.app(this.appName);
    const units = Object.fromEntries(app.units.map((unit) => [unit, this.model.unit(unit).status]));
    return { ...app.status, units };
  }

  statusSet(status: SettableStatusName, message: string, app: boolean): void {
    checkStatus(status);
    if (app && !this.isLeader()) fail("status-set", 1, NOT_LEADER);
    const target = app ? this.model.app(this.appName) : this.model.unit(this.unitName);
    this.model.setStatus(target, { status, message, data: {} });
  }

  applicationVersionSet(version: string): void {
    const app = this.model.app(this.appName);
    app.workloadVersion = version;
    app.workloadVersionHistory.push(version);
  }

  jujuLog(level: LogLevel, message: string): void {
    this.model.logs.push({ unit: this.unitName, level, message });
  }

  // --- actions ----------------------------------------------------------------------------

  actionGet(): JsonObject {
    return { ...this.requireAction("action-get").params };
  }

  actionSet(results: Readonly<Record<string, string>>): void {
    const action = this.requireAction("action-set");
    for (const [key, value] of Object.entries(results)) {
      checkActionResultKey(key);
      setDotted(action.results, key, value);
    }
  }

  actionFail(message: string): void {
    this.requireAction("action-fail").failure = message === "" ? "action failed without reason given, check action for errors" : message;
  }

  actionLog(message: string): void {
    this.requireAction("action-log").logs.push(message);
  }

  // --- ports and network ------------------------------------------------------------------

  openPort(port: PortRange, endpoints?: readonly string[]): void {
    this.changePort("open-port", true, port, endpoints);
  }

  closePort(port: PortRange, endpoints?: readonly string[]): void {
    this.changePort("close-port", false, port, endpoints);
  }

  openedPorts(): PortRange[] {
    const ranges = new Map(this.currentPorts().map((opened) => [formatPort(opened.range), opened.range]));
    return [...ranges.values()].sort(
      (a, b) => a.protocol.localeCompare(b.protocol) || (a.port ?? 0) - (b.port ?? 0) || (a.toPort ?? 0) - (b.toPort ?? 0),
    );
  }

  networkGet(binding: string, relationId?: number): NetworkRecord {
    if (relationId !== undefined) this.relationFor("network-get", { endpoint: binding, id: relationId });
    const unit = this.model.unit(this.unitName);
    const network = unit.networks.get(binding);
    if (network !== undefined) return network;
    const meta = this.model.app(this.appName).meta;
    // juju-info is an endpoint of every charm (isBindingOf).
    if (meta === undefined || !isBindingOf(meta, binding)) fail("network-get", 1, `no network config found for binding "${binding}"`);
    return defaultNetwork();
  }

  // --- secrets ----------------------------------------------------------------------------

  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string {
    const tool = "secret-add";
    checkSecretContent(tool, content);
    checkSecretMetadata(tool, options);
    // The tool's own check, for callers that are not typed (the fake hook-tool executables).
    const owner: string = options.owner;
    if (owner !== "application" && owner !== "unit") fail(tool, 2, `secret owner "${owner}" not valid`);
    if (options.owner === "application" && !this.isLeader()) fail(tool, 1, NOT_LEADER);
    const xid = this.model.newSecretXid();
    options = { ...options, ...(options.expire === undefined ? {} : { expire: expiryTime(options.expire) }) };
    const secretOwner = options.owner === "application" ? ({ kind: "application", app: this.appName } as const) : ({ kind: "unit", unit: this.unitName } as const);
    this.secretAdds.push(newSecretRecord(xid, secretOwner, content, options));
    this.autoCommit();
    return this.model.secretUri(xid);
  }

  secretGet(options: SecretGetOptions): Record<string, string> {
    const tool = "secret-get";
    if (options.id === undefined && options.label === undefined) fail(tool, 2, "require either a secret URI or label");
    if (options.peek === true && options.refresh === true) fail(tool, 2, "specify one of --peek or --refresh but not both");
    let secret: SecretRecord | undefined;
    if (options.id !== undefined) {
      const xid = xidOf(options.id);
      if (xid === undefined) fail(tool, 2, `secret URI "${options.id}" not valid`);
      secret = this.findSecret(xid);
      if (secret === undefined) fail(tool, 1, `secret "${options.id}" not found`);
    } else {
      secret = this.secretByLabel(options.label ?? "");
      if (secret === undefined) fail(tool, 1, `secret "${options.label ?? ""}" not found`);
    }
    if (!this.canRead(secret)) fail(tool, 1, "permission denied");
    if (options.id !== undefined && options.label !== undefined) {
      this.labelUpdates.push({ xid: secret.xid, label: options.label, owner: this.owns(secret) });
    }
    const latest = this.latestRevision(secret);
    let revision: number;
    if (options.peek === true) revision = latest;
    else if (options.refresh === true) {
      revision = latest;
      this.tracking.set(secret.xid, latest);
    } else {
      const tracked = this.tracking.get(secret.xid) ?? secret.tracking.get(this.unitName);
      revision = tracked ?? latest;
      if (tracked === undefined) this.tracking.set(secret.xid, latest);
    }
    this.autoCommit();
    return { ...this.contentOf(secret, revision) };
  }

  secretSet(id: string, options: SecretSetOptions): void {
    const tool = "secret-set";
    const xid = xidOf(id);
    if (xid === undefined) fail(tool, 2, `secret URI "${id}" not valid`);
    if (options.content !== undefined) checkSecretContent(tool, options.content);
    checkSecretMetadata(tool, options);
    const secret = this.findSecret(xid);
    if (secret !== undefined) this.requireLeaderFor(tool, secret);
    this.secretSets.push({
      xid,
      content: options.content === undefined ? undefined : { ...options.content },
      label: options.label,
      description: options.description,
      expire: options.expire === undefined ? undefined : expiryTime(options.expire),
      rotate: options.rotate,
    });
    this.autoCommit();
  }

  secretRemove(id: string, revision?: number): void {
    const xid = xidOf(id);
    if (xid === undefined) fail("secret-remove", 2, `secret URI "${id}" not valid`);
    const secret = this.findSecret(xid);
    if (secret !== undefined) this.requireLeaderFor("secret-remove", secret);
    this.secretRemoves.push({ xid, revision });
    this.autoCommit();
  }

  secretGrant(id: string, relationId: number, unit?: string): void {
    this.changeGrant("secret-grant", id, relationId, unit, true);
  }

  secretRevoke(id: string, relationId: number, unit?: string): void {
    this.changeGrant("secret-revoke", id, relationId, unit, false);
  }

  secretIds(): string[] {
    return this.visibleOwnedSecrets().map((secret) => secret.xid);
  }

  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord {
    const tool = "secret-info-get";
    if ("id" in query && "label" in query) fail(tool, 2, "specify either a secret URI or label but not both");
    const owned = this.visibleOwnedSecrets();
    let secret: SecretRecord | undefined;
    if ("id" in query) {
      const xid = xidOf(query.id);
      secret = owned.find((candidate) => candidate.xid === xid);
      if (secret === undefined) fail(tool, 1, `secret "${xid ?? query.id}" not found`);
    } else {
      secret = owned.find((candidate) => this.ownerLabel(candidate) === query.label);
      if (secret === undefined) fail(tool, 1, `secret "${query.label}" not found`);
    }
    const pending = this.pendingSetsOf(secret.xid);
    const label = this.ownerLabel(secret);
    const description = pending.description ?? secret.description;
    const rotation = pending.rotate ?? secret.rotate;
    const expiry = pending.expire ?? secret.expire;
    return {
      id: secret.xid,
      revision: this.latestRevision(secret),
      owner: secret.owner.kind === "unit" ? "unit" : "application",
      ...(label === undefined ? {} : { label }),
      ...(description === undefined ? {} : { description }),
      ...(rotation === undefined ? {} : { rotation }),
      ...(expiry === undefined ? {} : { expiry }),
    };
  }

  // --- unit state ---------------------------------------------------------------------------

  stateGet(): Record<string, string> {
    const state = { ...this.model.unit(this.unitName).state };
    for (const [key, value] of this.stateWrites) {
      if (value === undefined) Reflect.deleteProperty(state, key);
      else state[key] = value;
    }
    return state;
  }

  stateSet(data: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(data)) {
      checkStateEntry(key, value);
      this.stateWrites.set(key, value);
    }
    this.autoCommit();
  }

  stateDelete(key: string): void {
    this.stateWrites.set(key, undefined);
    this.autoCommit();
  }

  // --- storage, resources, goal state, credentials, reboot --------------------------------

  storageList(name?: string): string[] {
    return [...this.model.unit(this.unitName).storage.keys()].filter((id) => name === undefined || id.split("/")[0] === name).sort();
  }

  storageGet(id: string): StorageRecord {
    if (!/^[a-z][a-z0-9-]*\/\d+$/.test(id)) fail("storage-get", 2, `invalid storage ID "${id}"`);
    const storage = this.model.unit(this.unitName).storage.get(id);
    if (storage === undefined) fail("storage-get", 1, `storage "${id}" not found`);
    return storage;
  }

  storageAdd(name: string, count: number): void {
    if (!Number.isInteger(count) || count < 1) fail("storage-add", 2, `only count can be specified for "${name}"`);
    this.storageAdds[name] = (this.storageAdds[name] ?? 0) + count;
    this.autoCommit();
  }

  resourceGet(name: string): string {
    if (name === "") fail("resource-get", 2, "missing required resource name");
    const path = this.model.unit(this.unitName).resources.get(name);
    if (path === undefined) fail("resource-get", 1, `could not download resource: resource "${name}" not found`);
    return path;
  }

  goalState(): GoalStateRecord {
    const app = this.model.app(this.appName);
    const units: Record<string, { status: string }> = {};
    for (const name of app.units) units[name] = { status: this.model.unit(name).dying ? "dying" : "active" };
    const planned = app.plannedUnits;
    if (planned !== undefined) {
      const alive = app.units.filter((name) => !this.model.unit(name).dying);
      // Planned units get the next numbers Juju would give them.
      let next = Math.max(-1, ...app.units.map((name) => Number(name.split("/")[1]))) + 1;
      for (let n = alive.length; n < planned; n++) units[`${app.name}/${String(next++)}`] = { status: "allocating" };
      for (const extra of alive.slice(planned)) units[extra] = { status: "dying" };
    }
    const relations: Record<string, Record<string, { status: string }>> = {};
    for (const relation of this.model.relations.values()) {
      const end = this.model.endOf(relation, this.appName);
      if (end === undefined) continue;
      const remote = this.model.remoteAppOf(relation, this.appName);
      const entry = (relations[end.endpoint] ??= {});
      entry[remote] = { status: "joined" };
      for (const member of relation.members) if (member.split("/")[0] === remote && member !== this.unitName) entry[member] = { status: "joined" };
    }
    return { units, relations };
  }

  credentialGet(): CloudSpecRecord {
    const app = this.model.app(this.appName);
    if (!app.trusted || app.cloudSpec === undefined) fail("credential-get", 1, "cannot access cloud credentials: permission denied");
    return app.cloudSpec;
  }

  jujuReboot(now: boolean): void {
    if (this.action !== undefined) fail("juju-reboot", 1, "juju-reboot is not supported when running an action.");
    if (now) this.model.unit(this.unitName).rebootRequested = true;
    else this.rebootAfterHook = true;
    this.autoCommit();
  }

  // --- commit -------------------------------------------------------------------------------

  /**
   * Applies the hook's buffered changes to the model, as the unit agent does when a hook exits 0.
   * Checks Juju makes only at this point (unique secret labels, managing someone else's secret)
   * throw CommitError and apply nothing.
   */
  commit(): CommitResult {
    if (this.committed) throw new Error("this hook context was already committed");
    this.checkCommit();
    this.committed = true;
    const relationChanges: { relationId: number; app: string; unit: string | undefined }[] = [];
    for (const [relationId, writes] of this.relationWrites) {
      const relation = this.model.relations.get(relationId);
      if (relation === undefined) continue;
      if (applyBag(relation.unitData, this.unitName, writes.unit)) relationChanges.push({ relationId, app: this.appName, unit: this.unitName });
      if (applyBag(relation.appData, this.appName, writes.app)) relationChanges.push({ relationId, app: this.appName, unit: undefined });
    }
    const unit = this.model.unit(this.unitName);
    unit.ports = this.currentPorts();
    for (const [key, value] of this.stateWrites) {
      if (value === undefined) Reflect.deleteProperty(unit.state, key);
      else unit.state[key] = value;
    }
    for (const [name, count] of Object.entries(this.storageAdds)) unit.storageRequests[name] = (unit.storageRequests[name] ?? 0) + count;
    if (this.rebootAfterHook) unit.rebootRequested = true;

    const newRevisions: { xid: string; revision: number }[] = [];
    const removedSecrets: { xid: string; revision: number | undefined }[] = [];
    for (const secret of this.secretAdds) this.model.secrets.set(secret.xid, secret);
    for (const set of this.secretSets) {
      const secret = this.model.secrets.get(set.xid);
      if (secret === undefined) continue;
      if (set.content !== undefined && !sameBag(secret.revisions.get(secret.latest), set.content)) {
        secret.latest += 1;
        secret.revisions.set(secret.latest, set.content);
        newRevisions.push({ xid: secret.xid, revision: secret.latest });
      }
      if (set.label !== undefined) secret.label = set.label;
      if (set.description !== undefined) secret.description = set.description;
      if (set.expire !== undefined) secret.expire = set.expire;
      if (set.rotate !== undefined) secret.rotate = set.rotate;
    }
    for (const update of this.labelUpdates) {
      const secret = this.model.secrets.get(update.xid);
      if (secret === undefined) continue;
      if (update.owner) secret.label = update.label;
      else secret.consumerLabels.set(this.unitName, update.label);
    }
    for (const [xid, revision] of this.tracking) this.model.secrets.get(xid)?.tracking.set(this.unitName, revision);
    for (const change of this.grantChanges) {
      const secret = this.model.secrets.get(change.xid);
      if (secret === undefined) continue;
      if (change.grant) secret.grants.set(change.grantee, { relationId: change.relationId });
      else secret.grants.delete(change.grantee);
    }
    for (const removal of this.secretRemoves) {
      const secret = this.model.secrets.get(removal.xid);
      if (secret === undefined) continue;
      if (removal.revision === undefined || (secret.revisions.size === 1 && secret.revisions.has(removal.revision))) {
        this.model.secrets.delete(removal.xid);
      } else {
        secret.revisions.delete(removal.revision);
      }
      removedSecrets.push(removal);
    }
    return { relationChanges, newRevisions, removedSecrets };
  }

  // --- internals ----------------------------------------------------------------------------

  /** Between hooks (a test poking the charm), writes are committed as they are made. */
  private autoCommit(): void {
    if (!this.autoCommitting) return;
    this.commit();
    this.resetBuffers();
  }

  private resetBuffers(): void {
    this.committed = false;
    this.relationWrites.clear();
    this.portOps.length = 0;
    this.stateWrites.clear();
    for (const key of Object.keys(this.storageAdds)) Reflect.deleteProperty(this.storageAdds, key);
    this.rebootAfterHook = false;
    this.secretAdds.length = 0;
    this.secretSets.length = 0;
    this.secretRemoves.length = 0;
    this.grantChanges.length = 0;
    this.tracking.clear();
    this.labelUpdates.length = 0;
  }

  /** The checks Juju's controller makes when it applies a hook's changes. */
  private checkCommit(): void {
    // Ports opened or closed for an endpoint the charm does not have are refused here, not by the tool.
    const meta = this.model.app(this.appName).meta;
    if (meta !== undefined) {
      for (const op of this.portOps) {
        if (op.port.endpoint !== undefined && !isBindingOf(meta, op.port.endpoint)) {
          throw new CommitError(`cannot ${op.open ? "open" : "close"} ${formatPort(op.port.range)}: "${op.port.endpoint}" is not an endpoint of the charm`);
        }
      }
    }
    for (const change of [...this.secretSets, ...this.secretRemoves, ...this.grantChanges]) {
      const secret = this.findSecret(change.xid);
      if (secret === undefined) throw new CommitError(`secret "${change.xid}" not found`);
      if (!this.owns(secret)) throw new CommitError("permission denied");
    }
    // Owner labels are unique per owner, consumer labels per consumer unit: check the labels this
    // hook gives.
    const secrets = this.allSecrets();
    const relabelled = new Set([
      ...this.secretAdds.map((secret) => secret.xid),
      ...this.secretSets.filter((set) => set.label !== undefined).map((set) => set.xid),
      ...this.labelUpdates.filter((update) => update.owner).map((update) => update.xid),
    ]);
    for (const secret of secrets.filter((candidate) => relabelled.has(candidate.xid))) {
      const label = this.ownerLabel(secret);
      if (label !== undefined && secrets.some((other) => other !== secret && sameOwner(other, secret) && this.ownerLabel(other) === label)) {
        throw new CommitError(`secret with label "${label}" already exists`);
      }
    }
    for (const update of this.labelUpdates.filter((candidate) => !candidate.owner)) {
      const clash = secrets.some(
        (other) =>
          other.xid !== update.xid &&
          (other.consumerLabels.get(this.unitName) === update.label ||
            this.labelUpdates.some((u) => !u.owner && u.xid === other.xid && u.label === update.label)),
      );
      if (clash) throw new CommitError(`secret with label "${update.label}" already exists`);
    }
    for (const [relationId, writes] of this.relationWrites) {
      const relation = this.model.relations.get(relationId);
      if (relation === undefined) continue;
      for (const [bags, owner, changes] of [
        [relation.unitData, this.unitName, writes.unit],
        [relation.appData, this.appName, writes.app],
      ] as const) {
        const size = bagBytes(applyChanges(bags.get(owner) ?? {}, changes));
        if (size > MAX_RELATION_SETTINGS_BYTES) {
          throw new CommitError(`relation settings of ${owner} in relation ${relationId} are ${size} bytes, over the limit of ${MAX_RELATION_SETTINGS_BYTES}`);
        }
      }
    }
    const stateSize = bagBytes(this.stateGet());
    // Juju's wording for this quota is not in the reference; this follows its key and value messages.
    if (stateSize > MAX_CHARM_STATE_BYTES) throw new CommitError(`max allowed size (${MAX_CHARM_STATE_BYTES}) exceeded`);
  }

  private relationFor(tool: string, ref: RelationRef): RelationRecord {
    const relation = this.model.relations.get(ref.id);
    if (relation === undefined || this.model.endOf(relation, this.appName) === undefined || this.knowsRelation?.(relation.id) === false) {
      relationNotFound(tool, `${ref.endpoint}:${ref.id}`);
    }
    return relation;
  }

  /** The units in scope of a relation as this hook found them (Juju fixes them when the context is made). */
  private membersOf(relation: RelationRecord): readonly string[] {
    if (this.autoCommitting) return [...relation.members];
    this.membersAtStart ??= new Map([...this.model.relations.values()].map((each) => [each.id, [...each.members]]));
    return this.membersAtStart.get(relation.id) ?? [...relation.members];
  }

  private pendingWrites(relationId: number): { unit: Bag; app: Bag } {
    let writes = this.relationWrites.get(relationId);
    if (writes === undefined) {
      writes = { unit: {}, app: {} };
      this.relationWrites.set(relationId, writes);
    }
    return writes;
  }

  private committedAppBag(relation: RelationRecord, app: string): Bag {
    return { ...(relation.appData.get(app) ?? {}) };
  }


  /** Remote data is read once per hook: later reads in the same hook see the same snapshot. */
  private snapshot(key: string, read: () => Bag): Bag {
    let bag = this.remoteSnapshots.get(key);
    if (bag === undefined) {
      bag = read();
      this.remoteSnapshots.set(key, bag);
    }
    return { ...bag };
  }

  private requireAction(tool: string): ActionRun {
    if (this.action === undefined) fail(tool, 1, "not running an action");
    return this.action;
  }

  private currentPorts(): OpenedPort[] {
    let ports = [...this.model.unit(this.unitName).ports];
    for (const op of this.portOps) {
      const key = portKey(op.port);
      ports = ports.filter((existing) => portKey(existing) !== key);
      if (op.open) ports.push(op.port);
    }
    return ports;
  }

  private changePort(tool: string, open: boolean, port: PortRange, endpoints: readonly string[] | undefined): void {
    checkPortRange(tool, port);
    if (open) this.checkPortConflict(port);
    for (const endpoint of endpoints === undefined || endpoints.length === 0 ? [undefined] : endpoints) {
      this.portOps.push({ open, port: { range: port, endpoint } });
    }
    this.autoCommit();
  }

  private checkPortConflict(port: PortRange): void {
    const machine = this.model.unit(this.unitName).machine;
    for (const other of this.model.units.values()) {
      if (other.name === this.unitName || other.machine !== machine) continue;
      for (const opened of other.ports) {
        if (overlaps(opened.range, port)) {
          fail(
            "open-port",
            1,
            `cannot open ${formatPort(port)} (unit "${this.unitName}"): port range conflicts with ${formatPort(opened.range)} (unit "${other.name}")`,
          );
        }
      }
    }
  }

  private changeGrant(tool: string, id: string, relationId: number, unit: string | undefined, grant: boolean): void {
    const xid = xidOf(id);
    if (xid === undefined) fail(tool, 2, `secret URI "${id}" not valid`);
    const relation = this.model.relations.get(relationId);
    if (relation === undefined || this.model.endOf(relation, this.appName) === undefined) relationNotFound(tool, String(relationId));
    const remoteApp = this.model.remoteAppOf(relation, this.appName);
    if (unit !== undefined) {
      if (!/^[a-z][a-z0-9-]*\/\d+$/.test(unit)) fail(tool, 2, `unit "${unit}" not valid`);
      if (unit.split("/")[0] !== remoteApp) fail(tool, 2, `cannot specify unit "${unit}" in relation to application "${remoteApp}"`);
    }
    const secret = this.findSecret(xid);
    if (grant) {
      if (secret === undefined || !this.ownsOrOwnApp(secret)) fail(tool, 1, `secret "${xid}" not found`);
      this.requireLeaderFor(tool, secret);
      if (unit === undefined && [...secret.grants.keys()].some((grantee) => grantee.startsWith(`${remoteApp}/`))) {
        fail(tool, 1, "any unit level grants need to be revoked before granting access to the corresponding application");
      }
    } else if (secret !== undefined) {
      this.requireLeaderFor(tool, secret);
    } else {
      return;
    }
    this.grantChanges.push({ xid, grantee: unit ?? remoteApp, relationId, grant });
    this.autoCommit();
  }

  /** Secrets this context knows, committed or added earlier in this hook. */
  private findSecret(xid: string): SecretRecord | undefined {
    return this.model.secrets.get(xid) ?? this.secretAdds.find((secret) => secret.xid === xid);
  }

  private allSecrets(): SecretRecord[] {
    return [...this.model.secrets.values(), ...this.secretAdds];
  }

  /** This unit manages the secret: it owns it, or leads the application that owns it. */
  private owns(secret: SecretRecord): boolean {
    if (secret.owner.kind === "unit") return secret.owner.unit === this.unitName;
    if (secret.owner.kind === "application") return secret.owner.app === this.appName && this.isLeader();
    return false;
  }

  private ownsOrOwnApp(secret: SecretRecord): boolean {
    return (
      (secret.owner.kind === "unit" && secret.owner.unit === this.unitName) ||
      (secret.owner.kind === "application" && secret.owner.app === this.appName)
    );
  }

  /** An application-owned secret of this app is managed by the leader only. */
  private requireLeaderFor(tool: string, secret: SecretRecord): void {
    if (secret.owner.kind === "application" && secret.owner.app === this.appName && !this.isLeader()) fail(tool, 1, NOT_LEADER);
  }

  private canRead(secret: SecretRecord): boolean {
    if (secret.owner.kind === "unit" && secret.owner.unit === this.unitName) return true;
    if (secret.owner.kind === "application" && secret.owner.app === this.appName) return true;
    // A grant made over a relation ends with the relation.
    return [this.appName, this.unitName].some((grantee) => {
      const grant = secret.grants.get(grantee);
      return grant !== undefined && (grant.relationId === undefined || this.model.relations.has(grant.relationId));
    });
  }

  /** What secret-ids shows: this unit's secrets, and the application's when this unit leads. */
  private visibleOwnedSecrets(): SecretRecord[] {
    return this.allSecrets().filter((secret) => this.owns(secret));
  }

  private secretByLabel(label: string): SecretRecord | undefined {
    const owned = this.allSecrets().filter((secret) => this.ownsOrOwnApp(secret));
    const byOwnerLabel = owned.find((secret) => this.ownerLabel(secret) === label);
    if (byOwnerLabel !== undefined) return byOwnerLabel;
    const pendingConsumer = this.labelUpdates.find((update) => !update.owner && update.label === label);
    if (pendingConsumer !== undefined) return this.findSecret(pendingConsumer.xid);
    return this.allSecrets().find((secret) => secret.consumerLabels.get(this.unitName) === label);
  }

  private ownerLabel(secret: SecretRecord): string | undefined {
    const updates = this.labelUpdates.filter((update) => update.xid === secret.xid && update.owner);
    return this.pendingSetsOf(secret.xid).label ?? updates.at(-1)?.label ?? secret.label;
  }

  private pendingSetsOf(xid: string): Partial<PendingSecretSet> {
    const merged: { -readonly [K in keyof PendingSecretSet]?: PendingSecretSet[K] } = {};
    for (const set of this.secretSets) {
      if (set.xid !== xid) continue;
      for (const [key, value] of Object.entries(set) as [keyof PendingSecretSet, unknown][]) {
        if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
      }
    }
    return merged;
  }

  /** The latest revision as this hook sees it: a content change made earlier in the hook counts. */
  private latestRevision(secret: SecretRecord): number {
    const content = this.pendingSetsOf(secret.xid).content;
    return content !== undefined && !sameBag(secret.revisions.get(secret.latest), content) ? secret.latest + 1 : secret.latest;
  }

  private contentOf(secret: SecretRecord, revision: number): Bag {
    if (revision > secret.latest) return this.pendingSetsOf(secret.xid).content ?? {};
    return secret.revisions.get(revision) ?? {};
  }

  // --- queries the fake hook tools print from (what the tools show beyond the HookTools answers) ---

  /** The option names the unit's charm declares (`config-get --all` lists the unset ones as null). */
  declaredConfigOptions(): string[] {
    return Object.keys(this.model.app(this.appName).meta?.config ?? {});
  }

  /** The unit's address (`unit-get private-address` / `public-address`). */
  unitAddress(): string {
    return this.model.unit(this.unitName).address;
  }

  /** The unit's committed opened ports, each with the endpoint it is open on (undefined: all). */
  portEndpoints(): readonly { readonly range: PortRange; readonly endpoint: string | undefined }[] {
    return this.model.unit(this.unitName).ports.map((opened) => ({ range: opened.range, endpoint: opened.endpoint }));
  }

  /** The first relation between this unit's application and `remoteApp`. */
  relationIdWith(remoteApp: string): number | undefined {
    const own = this.appName;
    return [...this.model.relations.values()].find(
      (relation) => this.model.endOf(relation, own) !== undefined && this.model.remoteAppOf(relation, own) === remoteApp,
    )?.id;
  }

  /** The grants of a secret (by the id secretInfoGet returned): the grantee and the relation each is scoped to. */
  secretGrants(id: string): readonly { readonly grantee: string; readonly relationId: number | undefined }[] {
    return [...(this.model.secrets.get(id)?.grants ?? new Map<string, { relationId: number | undefined }>())].map(([grantee, grant]) => ({
      grantee,
      relationId: grant.relationId,
    }));
  }

  /** This unit's endpoint in a relation; undefined when its application is not in it. */
  relationEndpoint(relationId: number): string | undefined {
    const relation = this.model.relations.get(relationId);
    return relation === undefined ? undefined : this.model.endOf(relation, this.appName)?.endpoint;
  }
}

/** Accepts `secret://<model>/<xid>`, `secret:<xid>` or a bare xid; undefined if it is none of them. */
export function xidOf(id: string): string | undefined {
  const match = /^(?:secret:(?:\/\/[^/]+\/)?)?([0-9a-v]{20})$/.exec(id.trim());
  return match?.[1];
}

function applyBag(bags: Map<string, Bag>, owner: string, changes: Bag): boolean {
  if (Object.keys(changes).length === 0) return false;
  const before = bags.get(owner) ?? {};
  const after = applyChanges(before, changes);
  bags.set(owner, after);
  return !sameBag(before, after);
}

/** A bag with `changes` applied: `""` deletes a key. */
function applyChanges(bag: Readonly<Bag>, changes: Readonly<Bag>): Bag {
  const after = { ...bag };
  for (const [key, value] of Object.entries(changes)) {
    if (value === "") Reflect.deleteProperty(after, key);
    else after[key] = value;
  }
  return after;
}

function bagBytes(bag: Readonly<Bag>): number {
  return Object.entries(bag).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

function sameBag(a: Bag | undefined, b: Bag): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function sameOwner(a: SecretRecord, b: SecretRecord): boolean {
  return JSON.stringify(a.owner) === JSON.stringify(b.owner);
}

function portKey(port: OpenedPort): string {
  return `${formatPort(port.range)}@${port.endpoint ?? "*"}`;
}

function overlaps(a: PortRange, b: PortRange): boolean {
  if (a.protocol !== b.protocol) return false;
  if (a.protocol === "icmp") return true;
  const aFrom = a.port ?? 0;
  const bFrom = b.port ?? 0;
  return aFrom <= (b.toPort ?? bFrom) && bFrom <= (a.toPort ?? aFrom);
}

function byUnitNumber(a: string, b: string): number {
  return Number(a.split("/")[1]) - Number(b.split("/")[1]);
}

/** Sets `a.b.c` in a nested object, as action-set builds its result map. */
function setDotted(target: JsonObject, key: string, value: JsonValue): void {
  const segments = key.split(".");
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) node = next;
    else {
      const created: JsonObject = {};
      node[segment] = created;
      node = created;
    }
  }
  node[segments.at(-1) ?? key] = value;
}
