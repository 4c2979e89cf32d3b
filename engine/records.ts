// The records of the engine's model of Juju (applications, units, relations, secrets, logs), the
// values they start with, and the bag arithmetic every concept shares.

import type { CloudSpecRecord, NetworkRecord, StatusRecord, StorageRecord } from "../runtime/hook-tools/index.js";
import type { CharmMeta, ConfigValue, RelationRole } from "../runtime/meta.js";
import type { PortRange } from "../grammar/ports.js";
import type { SecretRotatePolicy } from "../grammar/secrets.js";

export type Bag = Record<string, string>;

export interface AppRecord {
  readonly name: string;
  /** The charm's metadata; undefined for an application known only from the other end of a relation. */
  meta: CharmMeta | undefined;
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
  /** A subordinate unit's principal unit (on whose machine it runs); undefined for a principal. */
  readonly principal?: string | undefined;
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
  options: {
    label?: string | undefined;
    description?: string | undefined;
    rotate?: SecretRotatePolicy | undefined;
    expire?: string | undefined;
  },
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

/** A bag with `changes` applied: `""` deletes a key. */
export function applyChanges(bag: Readonly<Bag>, changes: Readonly<Bag>): Bag {
  const after = { ...bag };
  for (const [key, value] of Object.entries(changes)) {
    if (value === "") Reflect.deleteProperty(after, key);
    else after[key] = value;
  }
  return after;
}

/** The bytes of a bag's keys and values, as Juju's size limits count them. */
export function bagBytes(bag: Readonly<Bag>): number {
  return Object.entries(bag).reduce((total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(value), 0);
}

export function sameBag(a: Readonly<Bag> | undefined, b: Readonly<Bag>): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
