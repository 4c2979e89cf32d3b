// The in-memory state of one Juju model: applications, units, relations, secrets, and the named
// operations that change them (the controller's, and the ones tests and the simulator set it up with).
//
// This is the controller's view: what is committed. Hooks see it through a HookContext
// (hook-context.ts), which buffers a hook's writes and applies them here only if the hook succeeds.
// Nothing outside engine/ writes a record's fields: it calls one of these operations.

import { DEFAULT_JUJU_VERSION, isJuju4 } from "../grammar/juju-version.js";
import type { CloudSpecRecord, NetworkRecord, StatusRecord, StorageRecord } from "../runtime/hook-tools/index.js";
import type { CharmMeta, ConfigValue, JsonObject, JsonValue } from "../runtime/meta.js";
import { secretUri } from "../grammar/secrets.js";
import {
  type AppRecord,
  type Bag,
  type LogRecord,
  type OpenedPort,
  type RelationEnd,
  type RelationRecord,
  type SecretOwnerRef,
  type SecretRecord,
  type UnitRecord,
  DOCUMENTATION_ADDRESS,
  applyChanges,
  defaultUnitBag,
  machineAddress,
  newSecretRecord,
  sameBag,
  unknownStatus,
} from "./records.js";
import type { SecretRotatePolicy } from "../grammar/secrets.js";
import { nextRotateTime } from "./secret-rules.js";

export * from "./records.js";

/** The whole model. Construction and the `add*` methods are how tests and the simulator set it up. */
export class JujuModel {
  readonly apps = new Map<string, AppRecord>();
  readonly units = new Map<string, UnitRecord>();
  readonly relations = new Map<number, RelationRecord>();
  readonly secrets = new Map<string, SecretRecord>();
  readonly logs: LogRecord[] = [];
  private nextRelationId = 0;
  private nextSecret = 0;
  private nextMachine = 0;

  constructor(
    readonly name = "test-model",
    readonly uuid = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    readonly jujuVersion = DEFAULT_JUJU_VERSION,
  ) {}

  addApp(name: string, meta?: CharmMeta): AppRecord {
    if (this.apps.has(name)) throw new Error(`application "${name}" already exists`);
    const app: AppRecord = {
      name,
      meta,
      config: {},
      leader: undefined,
      status: unknownStatus(),
      statusSince: new Date().toISOString(),
      statusHistory: [],
      workloadVersion: "",
      workloadVersionHistory: [],
      trusted: false,
      cloudSpec: undefined,
      plannedUnits: undefined,
      leaderSettings: {},
      units: [],
    };
    this.apps.set(name, app);
    return app;
  }

  /**
   * Adds `<app>/<n>` (the next free number unless given) on a machine of its own unless given, with
   * the machine's address unless given (the test kit gives its units Scenario's 192.0.2.0). A
   * subordinate unit names its `principal` and runs on the principal's machine.
   */
  addUnit(appName: string, options: { number?: number; machine?: string; address?: string; principal?: string } = {}): UnitRecord {
    const app = this.app(appName);
    const used = app.units.map((unit) => Number(unit.split("/")[1]));
    const number = options.number ?? (used.length === 0 ? 0 : Math.max(...used) + 1);
    const name = `${appName}/${number}`;
    if (this.units.has(name)) throw new Error(`unit "${name}" already exists`);
    const principal = options.principal === undefined ? undefined : this.unit(options.principal);
    const machine = principal?.machine ?? options.machine ?? String(this.nextMachine++);
    const now = new Date().toISOString();
    const unit: UnitRecord = {
      name,
      app: appName,
      machine,
      ...(principal === undefined ? {} : { principal: principal.name }),
      address: options.address ?? machineAddress(machine),
      status: unknownStatus(),
      statusSince: now,
      hookFailedSince: undefined,
      statusHistory: [],
      // Juju 3.6 gives every unit an empty workload version when it is created (state/unit.go).
      workloadVersion: "",
      workloadVersionSince: now,
      ports: [],
      storage: new Map(),
      storageRequests: {},
      state: {},
      networks: new Map(),
      resources: new Map(),
      dying: false,
      rebootRequested: false,
    };
    this.units.set(name, unit);
    app.units.push(name);
    return unit;
  }

  /** Relates two endpoints (or creates a peer relation with one). Units join with `joinRelation`. */
  addRelation(
    ends: readonly RelationEnd[],
    options: { id?: number; interface?: string; scope?: "global" | "container"; remoteModelUuid?: string } = {},
  ): RelationRecord {
    const id = options.id ?? this.nextRelationId;
    if (this.relations.has(id)) throw new Error(`relation ${id} already exists`);
    this.nextRelationId = Math.max(this.nextRelationId, id + 1);
    const relation: RelationRecord = {
      id,
      interface: options.interface ?? "",
      ends,
      scope: options.scope ?? "global",
      appData: new Map(ends.map((end) => [end.app, {}])),
      unitData: new Map(),
      members: new Set(),
      remoteModelUuid: options.remoteModelUuid,
      status: "joining",
      statusSince: new Date().toISOString(),
    };
    this.relations.set(id, relation);
    return relation;
  }

  /**
   * A unit enters a relation's scope; its bag starts with the addresses Juju fills in (from the unit's
   * address). The relation is joined once a unit has joined it (juju/juju
   * worker/uniter/relation/statetracker.go sets relation.Joined when its unit joins).
   */
  joinRelation(relationId: number, unitName: string, data?: Bag): void {
    const relation = this.relation(relationId);
    relation.members.add(unitName);
    if (relation.status === "joining") {
      relation.status = "joined";
      relation.statusSince = new Date().toISOString();
    }
    if (!relation.unitData.has(unitName)) {
      const address = this.units.get(unitName)?.address ?? DOCUMENTATION_ADDRESS;
      relation.unitData.set(unitName, data ?? defaultUnitBag(address, this.jujuVersion));
    }
  }

  /** A unit leaves the scope; its data stays readable for the life of the relation. */
  leaveRelation(relationId: number, unitName: string): void {
    this.relation(relationId).members.delete(unitName);
  }

  addSecret(
    owner: SecretOwnerRef,
    content: Bag,
    options: { xid?: string; label?: string; description?: string; rotate?: SecretRotatePolicy; expire?: string } = {},
  ): SecretRecord {
    const xid = options.xid ?? this.newSecretXid();
    if (this.secrets.has(xid)) throw new Error(`secret ${xid} already exists`);
    const secret = newSecretRecord(xid, owner, content, options);
    this.createSecret(secret);
    return secret;
  }

  /** A fresh secret id: 20 characters of [0-9a-v], as Juju's xids. */
  newSecretXid(): string {
    let xid: string;
    do {
      xid = `d${(this.nextSecret++).toString(32).padStart(19, "0")}`;
    } while (this.secrets.has(xid));
    return xid;
  }

  secretUri(xid: string): string {
    return secretUri(this.uuid, xid);
  }

  app(name: string): AppRecord {
    const app = this.apps.get(name);
    if (app === undefined) throw new Error(`no application "${name}"`);
    return app;
  }

  unit(name: string): UnitRecord {
    const unit = this.units.get(name);
    if (unit === undefined) throw new Error(`no unit "${name}"`);
    return unit;
  }

  relation(id: number): RelationRecord {
    const relation = this.relations.get(id);
    if (relation === undefined) throw new Error(`no relation ${id}`);
    return relation;
  }

  /** The end of `relation` that belongs to `app`, if any. */
  endOf(relation: RelationRecord, app: string): RelationEnd | undefined {
    return relation.ends.find((end) => end.app === app);
  }

  /** The other end's application: the app itself for a peer relation. */
  remoteAppOf(relation: RelationRecord, app: string): string {
    return relation.ends.find((end) => end.app !== app)?.app ?? app;
  }

  isPeer(relation: RelationRecord): boolean {
    return relation.ends.length === 1;
  }

  /** Config as `config-get` shows it: set values over defaults, options with no value left out. */
  effectiveConfig(appName: string): Record<string, ConfigValue> {
    const app = this.app(appName);
    const values: Record<string, ConfigValue> = {};
    for (const [option, spec] of Object.entries(app.meta?.config ?? {})) {
      if (spec.default !== undefined) values[option] = spec.default;
    }
    return { ...values, ...app.config };
  }

  /** The params an action gets: what the user gave, over the schema's defaults. */
  actionParams(appName: string, action: string, given: JsonObject): JsonObject {
    const params: JsonObject = {};
    for (const [name, schema] of Object.entries(this.app(appName).meta?.actions[action]?.params ?? {})) {
      const value = schema["default"];
      if (value !== undefined) params[name] = value;
    }
    return { ...params, ...given };
  }

  // --- status, version, logs ---------------------------------------------------------------

  /** A unit's or application's workload status; recorded in its history unless `recordHistory` is false (a test's set-up). */
  setStatus(
    target: { status: StatusRecord; statusSince: string; statusHistory: StatusRecord[] },
    status: StatusRecord,
    options: { recordHistory?: boolean } = {},
  ): void {
    target.status = status;
    target.statusSince = new Date().toISOString();
    if (options.recordHistory !== false) target.statusHistory.push(status);
  }

  /**
   * application-version-set: the version, and its history; `unit` is the unit that set it, whose own
   * version (and its time) `applicationVersion` reads under Juju 3.6. `recordHistory` false: a test's set-up.
   */
  setWorkloadVersion(appName: string, version: string, options: { recordHistory?: boolean; unit?: string } = {}): void {
    const app = this.app(appName);
    app.workloadVersion = version;
    if (options.recordHistory !== false) app.workloadVersionHistory.push(version);
    if (options.unit !== undefined) {
      const unit = this.unit(options.unit);
      unit.workloadVersion = version;
      unit.workloadVersionSince = new Date().toISOString();
    }
  }

  /**
   * The application's version as `juju status` shows it. Juju 3.6 takes the most recently set version
   * among the application's current units, a unit that never set one counting as "" since it was
   * created (juju/juju apiserver/facades/client/client/status.go, bySinceDescending); Juju 4 keeps
   * the last version any unit set on the application itself (juju/juju
   * domain/application/state/unit.go, setUnitWorkloadVersion), which outlives its writer.
   */
  applicationVersion(appName: string): string {
    const app = this.app(appName);
    if (isJuju4(this.jujuVersion)) return app.workloadVersion;
    let latest: UnitRecord | undefined;
    for (const name of app.units) {
      const unit = this.unit(name);
      // A tie goes to the later unit: Go's sort leaves the order of equal times unspecified.
      if (latest === undefined || unit.workloadVersionSince >= latest.workloadVersionSince) latest = unit;
    }
    return latest?.workloadVersion ?? "";
  }

  appendLog(record: LogRecord): void {
    this.logs.push(record);
  }

  // --- applications: leadership, config, trust, scale -------------------------------------

  /** Leadership goes to `unit`, or to nobody. */
  electLeader(appName: string, unit: string | undefined): void {
    this.app(appName).leader = unit;
  }

  /** leader-set, as the controller applies it: `""` deletes a key. */
  setLeaderSettings(appName: string, changes: Readonly<Bag>): void {
    const app = this.app(appName);
    app.leaderSettings = applyChanges(app.leaderSettings, changes);
  }

  /** `juju config`: the values the user set, replacing the previous ones (defaults come from the metadata). */
  setConfig(appName: string, values: Readonly<Record<string, ConfigValue>>): void {
    this.app(appName).config = { ...values };
  }

  /** A refresh: the application's charm metadata is the new charm's. */
  setCharmMeta(appName: string, meta: CharmMeta): void {
    this.app(appName).meta = meta;
  }

  /** `juju trust`: whether credential-get answers, and with what. */
  setTrust(appName: string, trusted: boolean, cloudSpec?: CloudSpecRecord): void {
    const app = this.app(appName);
    app.trusted = trusted;
    if (cloudSpec !== undefined) app.cloudSpec = cloudSpec;
  }

  /** What goal-state reports as planned units; undefined: the live units. */
  setPlannedUnits(appName: string, count: number | undefined): void {
    this.app(appName).plannedUnits = count;
  }

  /** Takes an application and its units out of the model (the relations stay: remove them with removeRelation). */
  removeApp(appName: string): void {
    for (const unit of this.app(appName).units) this.units.delete(unit);
    this.apps.delete(appName);
  }

  /**
   * `juju remove-application`, its last step: the application, with no units or relations left,
   * leaves the model, and so do the secrets it or its units own (with every revision and grant) and every
   * grant made to it or to its units. Juju 3.6 state/application.go: removeOps removes the
   * scoped and consumer secret permissions and labels, and DestroyApplicationOperation's
   * deleteSecrets deletes the owned secrets once the application is gone; their consumers get no
   * hook (worker/uniter/secrets/resolver.go: deleted secrets are a no-op operation), and a later
   * secret-get of one fails as for any removed secret.
   */
  removeApplication(appName: string): void {
    const app = this.app(appName);
    if (app.units.length > 0) throw new Error(`application "${appName}" still has units: ${app.units.join(", ")}`);
    const related = [...this.relations.values()].find((relation) => this.endOf(relation, appName) !== undefined);
    if (related !== undefined) throw new Error(`application "${appName}" is still in relation ${String(related.id)}`);
    for (const [xid, secret] of [...this.secrets]) {
      const owned =
        (secret.owner.kind === "application" && secret.owner.app === appName) ||
        (secret.owner.kind === "unit" && secret.owner.unit.startsWith(`${appName}/`));
      if (owned) {
        this.secrets.delete(xid);
        continue;
      }
      for (const grantee of [...secret.grants.keys()]) {
        if (grantee === appName || grantee.startsWith(`${appName}/`)) secret.grants.delete(grantee);
      }
    }
    this.apps.delete(appName);
  }

  /** The subordinate units running beside a principal unit. */
  subordinatesOf(unitName: string): UnitRecord[] {
    return [...this.units.values()].filter((unit) => unit.principal === unitName);
  }

  /**
   * The container a unit lives in: its principal's name for a subordinate, its own for a
   * principal. A container-scoped relation's units see only the others of the same container
   * (juju/juju state/relationunit.go: the scope of a container-scoped relation unit is keyed by
   * its principal unit).
   */
  containerOf(unitName: string): string {
    return this.units.get(unitName)?.principal ?? unitName;
  }

  // --- units -------------------------------------------------------------------------------

  /** `juju remove-unit` has begun: the unit is dying. */
  markDying(unitName: string): void {
    this.unit(unitName).dying = true;
  }

  /**
   * The unit is gone: out of every relation's scope, out of its application, and no longer a
   * consumer of any secret (its tracked revisions and its labels go).
   */
  removeUnit(unitName: string): void {
    const unit = this.unit(unitName);
    const app = this.app(unit.app);
    for (const relation of this.relations.values()) relation.members.delete(unitName);
    this.units.delete(unitName);
    app.units.splice(app.units.indexOf(unitName), 1);
    for (const secret of this.secrets.values()) {
      secret.tracking.delete(unitName);
      secret.consumerLabels.delete(unitName);
    }
  }

  /** A hook of the unit failed (the unit is in error), or it is out of error again. */
  setHookFailed(unitName: string, failed: boolean): void {
    this.unit(unitName).hookFailedSince = failed ? new Date().toISOString() : undefined;
  }

  /** The unit's opened ports, as committed. */
  setOpenedPorts(unitName: string, ports: readonly OpenedPort[]): void {
    this.unit(unitName).ports = [...ports];
  }

  /** state-set and state-delete, as committed: undefined deletes a key. */
  updateUnitState(unitName: string, changes: ReadonlyMap<string, string | undefined>): void {
    const state = this.unit(unitName).state;
    for (const [key, value] of changes) {
      if (value === undefined) Reflect.deleteProperty(state, key);
      else state[key] = value;
    }
  }

  /** storage-add, as committed: `count` more instances of storage `name` wanted. */
  requestStorage(unitName: string, name: string, count: number): void {
    const requests = this.unit(unitName).storageRequests;
    requests[name] = (requests[name] ?? 0) + count;
  }

  /** The storage the unit asked for, which the caller now provisions; the requests are cleared. */
  takeStorageRequests(unitName: string): Record<string, number> {
    const requests = this.unit(unitName).storageRequests;
    const taken = { ...requests };
    for (const name of Object.keys(requests)) Reflect.deleteProperty(requests, name);
    return taken;
  }

  attachStorage(unitName: string, id: string, storage: StorageRecord): void {
    this.unit(unitName).storage.set(id, storage);
  }

  detachStorage(unitName: string, id: string): void {
    this.unit(unitName).storage.delete(id);
  }

  /** What network-get answers for one binding of the unit. */
  setNetwork(unitName: string, binding: string, network: NetworkRecord): void {
    this.unit(unitName).networks.set(binding, network);
  }

  /** Where resource-get finds a resource for the unit. */
  setResource(unitName: string, name: string, path: string): void {
    this.unit(unitName).resources.set(name, path);
  }

  /** juju-reboot: the machine reboots (after the hook, or now). */
  requestReboot(unitName: string): void {
    this.unit(unitName).rebootRequested = true;
  }

  // --- relations ---------------------------------------------------------------------------

  /** Replaces a bag (a test's or the simulator's set-up). */
  setRelationBag(relationId: number, appOrUnit: string, bag: Readonly<Bag>): void {
    const relation = this.relation(relationId);
    (appOrUnit.includes("/") ? relation.unitData : relation.appData).set(appOrUnit, { ...bag });
  }

  /**
   * Relation data as the controller writes it (a hook's relation-set committed, or the remote side
   * in a test): `""` deletes a key. True when the bag's content changed.
   */
  updateRelationData(relationId: number, appOrUnit: string, changes: Readonly<Bag>): boolean {
    const relation = this.relation(relationId);
    const bags = appOrUnit.includes("/") ? relation.unitData : relation.appData;
    const before = bags.get(appOrUnit) ?? {};
    const after = applyChanges(before, changes);
    bags.set(appOrUnit, after);
    return !sameBag(before, after);
  }

  /** The relation is gone, and with it every secret grant made over it. */
  removeRelation(relationId: number): void {
    this.relations.delete(relationId);
    for (const secret of this.secrets.values()) {
      for (const [grantee, grant] of [...secret.grants]) if (grant.relationId === relationId) secret.grants.delete(grantee);
    }
  }

  // --- secrets -----------------------------------------------------------------------------

  /**
   * A secret a hook added (secret-add, committed). One with a rotate policy gets its first rotation
   * time now, counted from its creation (juju/juju apiserver/facades/agent/secretsmanager/secrets.go,
   * createSecret).
   */
  createSecret(secret: SecretRecord): void {
    if (this.secrets.has(secret.xid)) throw new Error(`secret ${secret.xid} already exists`);
    secret.nextRotate = secret.rotate === undefined ? undefined : nextRotateTime(secret.rotate);
    this.secrets.set(secret.xid, secret);
  }

  /** The owner publishes new content: the next revision, which becomes the latest. Returns its number. */
  publishSecretRevision(xid: string, content: Readonly<Bag>): number {
    const secret = this.secret(xid);
    secret.latest += 1;
    secret.revisions.set(secret.latest, { ...content });
    return secret.latest;
  }

  /**
   * The owner's metadata; what is undefined stays as it was. A rotate policy given to a secret that
   * did not rotate starts its rotation clock now; one that already rotates keeps its next rotation
   * time (juju/juju apiserver/facades/agent/secretsmanager/secrets.go, updateSecret); `never` ends it.
   */
  setSecretMetadata(
    xid: string,
    metadata: {
      label?: string | undefined;
      description?: string | undefined;
      expire?: string | undefined;
      rotate?: SecretRotatePolicy | undefined;
    },
  ): void {
    const secret = this.secret(xid);
    if (metadata.label !== undefined) secret.label = metadata.label;
    if (metadata.description !== undefined) secret.description = metadata.description;
    if (metadata.expire !== undefined) secret.expire = metadata.expire;
    if (metadata.rotate !== undefined) {
      const rotated = secret.rotate !== undefined && secret.rotate !== "never";
      if (metadata.rotate === "never") secret.nextRotate = undefined;
      else if (!rotated) secret.nextRotate = nextRotateTime(metadata.rotate);
      secret.rotate = metadata.rotate;
    }
  }

  /** A consumer unit's own label for the secret. */
  setConsumerLabel(xid: string, unitName: string, label: string): void {
    this.secret(xid).consumerLabels.set(unitName, label);
  }

  /** The revision a unit now tracks (secret-get pins it). */
  trackSecretRevision(xid: string, unitName: string, revision: number): void {
    this.secret(xid).tracking.set(unitName, revision);
  }

  /**
   * `grantee` (an application or unit) may read the secret; over a relation, until it goes. A grant
   * over a relation the model no longer has is none: Juju removes a relation's scoped grants with it
   * (juju/juju state/relation.go, removeOps), so none can outlive it, whether the relation went
   * before the granting hook committed or a test's State still lists it.
   */
  grantSecret(xid: string, grantee: string, relationId: number | undefined): void {
    const secret = this.secret(xid);
    if (relationId !== undefined && !this.relations.has(relationId)) return;
    secret.grants.set(grantee, { relationId });
  }

  revokeSecret(xid: string, grantee: string): void {
    this.secret(xid).grants.delete(grantee);
  }

  /** secret-remove: one revision, or the whole secret (revision undefined, or its only revision). */
  removeSecretRevision(xid: string, revision: number | undefined): void {
    const secret = this.secret(xid);
    if (revision === undefined || (secret.revisions.size === 1 && secret.revisions.has(revision))) this.secrets.delete(xid);
    else secret.revisions.delete(revision);
  }

  secret(xid: string): SecretRecord {
    const secret = this.secrets.get(xid);
    if (secret === undefined) throw new Error(`no secret ${xid}`);
    return secret;
  }

  /** The whole model as JSON (Maps and Sets tagged), for the simulator's model directory. */
  toJSON(): JsonValue {
    return JSON.parse(
      JSON.stringify(Object.fromEntries(Object.entries(this)), (_key, value: unknown) => {
        if (value instanceof Map) return { $map: [...value.entries()] };
        if (value instanceof Set) return { $set: [...value] };
        return value;
      }),
    ) as JsonValue;
  }

  /** The model `toJSON` saved. */
  static fromJSON(json: JsonValue): JujuModel {
    const data = JSON.parse(JSON.stringify(json), (_key, value: unknown) => {
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        if ("$map" in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
        if ("$set" in value) return new Set((value as { $set: unknown[] }).$set);
      }
      return value;
    }) as { name: string; uuid: string; jujuVersion: string };
    return Object.assign(new JujuModel(data.name, data.uuid, data.jujuVersion), data);
  }
}
