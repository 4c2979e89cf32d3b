// The records of the engine's model of Juju (applications, units, relations, secrets, logs), the
// values they start with, and the bag arithmetic every concept shares.

import type { CloudSpecRecord, NetworkRecord, StatusRecord, StorageRecord } from "../runtime/hook-tools/index.js";
import type { CharmMeta, ConfigValue, RelationRole } from "../runtime/meta.js";
import type { PortRange } from "../grammar/ports.js";
import type { SecretRotatePolicy } from "../grammar/secrets.js";
import { DEFAULT_JUJU_VERSION, writesPrivateAddress } from "../grammar/juju-version.js";

export type Bag = Record<string, string>;

export interface AppRecord {
  readonly name: string;
  /** The charm's metadata; undefined for an application known only from the other end of a relation. */
  meta: CharmMeta | undefined;
  /** Option values the user set; defaults come from the metadata. */
  config: Record<string, ConfigValue>;
  leader: string | undefined;
  status: StatusRecord;
  /** When the status was last set (ISO 8601): goal-state's `since`. */
  statusSince: string;
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
  /**
   * The machine's address: the one source of the unit's address in unit-get, network-get's default
   * network, the bags Juju fills in when the unit joins a relation, and juju status.
   */
  readonly address: string;
  status: StatusRecord;
  /** When the workload status was last set (ISO 8601): goal-state's `since`. */
  statusSince: string;
  /** When the unit's last hook failed (ISO 8601), while it is in error; undefined otherwise. */
  hookFailedSince: string | undefined;
  readonly statusHistory: StatusRecord[];
  /** The application version this unit last set (application-version-set), and when; "" if none. */
  workloadVersion: string;
  workloadVersionSince: string;
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
  /** Juju's relation status as goal-state shows it: joining until a unit joins, then joined. */
  status: "joining" | "joined";
  /** When the status was last set (ISO 8601). */
  statusSince: string;
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
  /** When the controller next tells the owner to rotate it (RFC 3339, UTC); undefined when it does not rotate. */
  nextRotate: string | undefined;
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
    nextRotate: undefined,
    tracking: new Map(),
    consumerLabels: new Map(),
    grants: new Map(),
  };
}

export function unknownStatus(): StatusRecord {
  return { status: "unknown", message: "", data: {} };
}

/** The documentation address (RFC 5737) Scenario gives a unit under test; the test kit's units have it. */
export const DOCUMENTATION_ADDRESS = "192.0.2.0";

/**
 * What Juju puts in a unit's bag when it joins a relation: its ingress address and egress subnets,
 * from the same network info network-get prints (juju/juju apiserver/facades/agent/uniter/uniter.go,
 * updateUnitNetworkInfoOperation, 3.6), and on 3.6 the address again as `private-address`, which
 * Juju 4 no longer writes (grammar/juju-version.ts `writesPrivateAddress`).
 */
export function defaultUnitBag(address: string, jujuVersion = DEFAULT_JUJU_VERSION): Bag {
  const network = defaultNetwork(address);
  const ingress = network.ingressAddresses[0] ?? address;
  const bag: Bag = { "egress-subnets": network.egressSubnets.join(","), "ingress-address": ingress };
  if (writesPrivateAddress(jujuVersion)) bag["private-address"] = ingress;
  return bag;
}

/**
 * The network every binding of a unit has unless a test says otherwise, as Juju answers for a machine
 * in a model without spaces or the egress-subnets setting (juju/juju
 * apiserver/facades/agent/uniter/networkinfo.go and networkinfoiaas.go, 3.6): the machine's address
 * on eth0 with its subnet's CIDR, the same address as the ingress address, and egress subnets
 * defaulting to the ingress address as a /32.
 */
export function defaultNetwork(address: string): NetworkRecord {
  return {
    bindAddresses: [{ macAddress: "", interfaceName: "eth0", addresses: [{ hostname: "", value: address, cidr: subnetOf(address) }] }],
    egressSubnets: [hostCidr(address)],
    ingressAddresses: [address],
  };
}

/** The /24 an IPv4 address is in (the simulator's machines sit on one); anything else: the address alone. */
function subnetOf(address: string): string {
  const octets = address.split(".");
  return octets.length === 4 ? `${octets.slice(0, 3).join(".")}.0/24` : hostCidr(address);
}

/** The address as a CIDR of one host, as Juju's network.FormatAsCIDR writes it. */
function hostCidr(address: string): string {
  return `${address}/${address.includes(":") ? "128" : "32"}`;
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
