// The in-memory state of one Juju model: applications, units, relations, secrets, and how they change.
//
// This is the controller's view: what is committed. Hooks see it through a HookContext
// (hook-context.ts), which buffers a hook's writes and applies them here only if the hook succeeds.

import type {
  CloudSpecRecord,
  NetworkRecord,
  PortRange,
  SecretOwner,
  SecretRotatePolicy,
  StatusRecord,
  StorageRecord,
} from "../runtime/hook-tools/index.js";
import type { CharmMeta, ConfigValue, JsonObject, JsonValue, RelationRole } from "../runtime/meta.js";

export type Bag = Record<string, string>;

export interface AppRecord {
  readonly name: string;
  /** The charm's metadata; undefined for an application known only from the other end of a relation. */
  readonly meta: CharmMeta | undefined;
  /** Option values the user set; defaults come from the metadata. */
  config: Record<string, ConfigValue>;
  leader: string | undefined;
  status: StatusRecord;
  readonly statusHistory: StatusRecord[];
  workloadVersion: string;
  readonly workloadVersionHistory: string[];
  /** `juju trust`: whether credential-get may answer. */
  trusted: boolean;
  cloudSpec: CloudSpecRecord | undefined;
  /** What goal-state reports as planned units; default: the application's live units. */
  plannedUnits: number | undefined;
  /** leader-set data (deprecated in Juju 3, gone in 4, still served by 3.6). */
  leaderSettings: Bag;
  readonly units: string[];
}

export interface OpenedPort {
  readonly range: PortRange;
  /** The endpoint it was opened for; undefined = all endpoints. */
  readonly endpoint: string | undefined;
}

export interface UnitRecord {
  readonly name: string;
  readonly app: string;
  /** Units on one machine share its ports. */
  readonly machine: string;
  /** The machine's address (unit-get, juju status). */
  readonly address: string;
  status: StatusRecord;
  readonly statusHistory: StatusRecord[];
  ports: OpenedPort[];
  readonly storage: Map<string, StorageRecord>;
  readonly storageRequests: Record<string, number>;
  state: Bag;
  readonly networks: Map<string, NetworkRecord>;
  readonly resources: Map<string, string>;
  dying: boolean;
  rebootRequested: boolean;
}

export interface RelationEnd {
  readonly app: string;
  readonly endpoint: string;
  readonly role: RelationRole;
}

export interface RelationRecord {
  readonly id: number;
  readonly interface: string;
  /** Two ends, or one for a peer relation. */
  readonly ends: readonly RelationEnd[];
  readonly scope: "global" | "container";
  readonly appData: Map<string, Bag>;
  readonly unitData: Map<string, Bag>;
  /** Units that have entered the relation's scope (joined), of every application in it. */
  readonly members: Set<string>;
  remoteModelUuid: string | undefined;
}

export type SecretOwnerRef =
  | { readonly kind: "application"; readonly app: string }
  | { readonly kind: "unit"; readonly unit: string }
  /** A user secret (`juju add-secret`), or one owned by an application in another model. */
  | { readonly kind: "model" };

export interface SecretRecord {
  /** 20 characters of [0-9a-v]. */
  readonly xid: string;
  readonly owner: SecretOwnerRef;
  readonly revisions: Map<number, Bag>;
  latest: number;
  /** The owner's label. */
  label: string | undefined;
  description: string | undefined;
  rotate: SecretRotatePolicy | undefined;
  expire: string | undefined;
  /** Each consumer unit's tracked revision (owners track too, since Juju 3.1.7). */
  readonly tracking: Map<string, number>;
  /** Each consumer unit's own label for the secret. */
  readonly consumerLabels: Map<string, string>;
  /** Who may read it: an application or unit name, and the relation that scopes the grant. */
  readonly grants: Map<string, { readonly relationId: number | undefined }>;
}

export interface LogRecord {
  readonly unit: string;
  readonly level: string;
  readonly message: string;
}

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
    readonly jujuVersion = "3.6.4",
  ) {}

  addApp(name: string, meta?: CharmMeta): AppRecord {
    if (this.apps.has(name)) throw new Error(`application "${name}" already exists`);
    const app: AppRecord = {
      name,
      meta,
      config: {},
      leader: undefined,
      status: unknownStatus(),
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

  /** Adds `<app>/<n>` (the next free number unless given) on a machine of its own unless given. */
  addUnit(appName: string, options: { number?: number; machine?: string } = {}): UnitRecord {
    const app = this.app(appName);
    const used = app.units.map((unit) => Number(unit.split("/")[1]));
    const number = options.number ?? (used.length === 0 ? 0 : Math.max(...used) + 1);
    const name = `${appName}/${number}`;
    if (this.units.has(name)) throw new Error(`unit "${name}" already exists`);
    const machine = options.machine ?? String(this.nextMachine++);
    const unit: UnitRecord = {
      name,
      app: appName,
      machine,
      address: machineAddress(machine),
      status: unknownStatus(),
      statusHistory: [],
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
    };
    this.relations.set(id, relation);
    return relation;
  }

  /** A unit enters a relation's scope; its bag starts with the addresses Juju fills in. */
  joinRelation(relationId: number, unitName: string, data?: Bag): void {
    const relation = this.relation(relationId);
    relation.members.add(unitName);
    if (!relation.unitData.has(unitName)) relation.unitData.set(unitName, data ?? defaultUnitBag());
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
    this.secrets.set(xid, secret);
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
    return `secret://${this.uuid}/${xid}`;
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

  setStatus(target: { status: StatusRecord; statusHistory: StatusRecord[] }, status: StatusRecord): void {
    target.status = status;
    target.statusHistory.push(status);
  }

  /** The whole model as JSON (Maps and Sets tagged), for the simulator's model directory. */
  toJSON(): JsonValue {
    return JSON.parse(JSON.stringify(Object.fromEntries(Object.entries(this)), (_key, value: unknown) => {
      if (value instanceof Map) return { $map: [...value.entries()] };
      if (value instanceof Set) return { $set: [...value] };
      return value;
    })) as JsonValue;
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

/** A machine's address in the simulator: 10.1.0.10 for machine 0, and so on. */
export function machineAddress(machine: string): string {
  const number = Number.parseInt(machine, 10);
  return `10.1.${String(Math.floor(number / 240))}.${String(10 + (number % 240))}`;
}

/** A secret's first revision, with no consumer, label of a consumer or grant yet. */
export function newSecretRecord(
  xid: string,
  owner: SecretOwnerRef,
  content: Bag,
  options: { label?: string | undefined; description?: string | undefined; rotate?: SecretRotatePolicy | undefined; expire?: string | undefined },
): SecretRecord {
  return {
    xid,
    owner,
    revisions: new Map([[1, { ...content }]]),
    latest: 1,
    label: options.label,
    description: options.description,
    rotate: options.rotate,
    expire: options.expire,
    tracking: new Map(),
    consumerLabels: new Map(),
    grants: new Map(),
  };
}

export function unknownStatus(): StatusRecord {
  return { status: "unknown", message: "", data: {} };
}

/** What Juju puts in every unit's bag when it joins (Scenario uses the same documentation address). */
export function defaultUnitBag(): Bag {
  return { "egress-subnets": "192.0.2.0/32", "ingress-address": "192.0.2.0", "private-address": "192.0.2.0" };
}

/** The network every binding has unless a test says otherwise. */
export function defaultNetwork(): NetworkRecord {
  return {
    bindAddresses: [{ macAddress: "", interfaceName: "eth0", addresses: [{ hostname: "", value: "192.0.2.0", cidr: "192.0.2.0/24" }] }],
    egressSubnets: ["192.0.2.0/24"],
    ingressAddresses: ["192.0.2.0"],
  };
}

export type { SecretOwner };
