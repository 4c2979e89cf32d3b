// The immutable State of the state-transition tests, and its value types (relations, secrets, ...).

import type { PortRange, SecretRotatePolicy } from "../runtime/hook-tools/index.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { type StatusBase, UnknownStatus } from "../runtime/status.js";
import { parseSecretUri } from "../grammar/secrets.js";
import { DOCUMENTATION_ADDRESS, defaultUnitBag } from "../engine/records.js";

export type DataBag = Readonly<Record<string, string>>;

/** What Juju 3.6 puts in a unit's bag when it joins a relation, at the test kit's address (engine/records.ts). */
export const DEFAULT_UNIT_BAG: DataBag = Object.freeze(defaultUnitBag(DOCUMENTATION_ADDRESS));

let nextRelationId = 1;
let nextSecret = 0;

/** A relation with another application (a `provides` or `requires` endpoint). */
export class Relation {
  readonly kind = "regular";
  readonly endpoint: string;
  readonly interface: string | undefined;
  readonly id: number;
  readonly remoteAppName: string;
  readonly limit: number;
  readonly localAppData: DataBag;
  readonly localUnitData: DataBag;
  readonly remoteAppData: DataBag;
  /** The remote units in the relation, by unit number, with their data. */
  readonly remoteUnitsData: Readonly<Record<number, DataBag>>;
  readonly remoteModelUuid: string | undefined;

  constructor(init: {
    endpoint: string;
    interface?: string;
    id?: number;
    remoteAppName?: string;
    limit?: number;
    localAppData?: DataBag;
    localUnitData?: DataBag;
    remoteAppData?: DataBag;
    remoteUnitsData?: Readonly<Record<number, DataBag>>;
    remoteModelUuid?: string;
  }) {
    this.endpoint = init.endpoint;
    this.interface = init.interface;
    this.id = init.id ?? nextRelationId++;
    this.remoteAppName = init.remoteAppName ?? "remote";
    this.limit = init.limit ?? 1;
    this.localAppData = freezeBag(init.localAppData ?? {});
    this.localUnitData = freezeBag(init.localUnitData ?? DEFAULT_UNIT_BAG);
    this.remoteAppData = freezeBag(init.remoteAppData ?? {});
    this.remoteUnitsData = freezeBags(init.remoteUnitsData ?? { 0: DEFAULT_UNIT_BAG });
    this.remoteModelUuid = init.remoteModelUuid;
    Object.freeze(this);
  }

  /** The remote units' names, e.g. `remote/0`. */
  get remoteUnits(): string[] {
    return Object.keys(this.remoteUnitsData).map((n) => `${this.remoteAppName}/${n}`);
  }
}

/** The peer relation of this application: the other units are `peersData`' keys (this unit excluded). */
export class PeerRelation {
  readonly kind = "peer";
  readonly endpoint: string;
  readonly interface: string | undefined;
  readonly id: number;
  readonly localAppData: DataBag;
  readonly localUnitData: DataBag;
  /** The other units of this application, by unit number, with their data. */
  readonly peersData: Readonly<Record<number, DataBag>>;

  constructor(init: {
    endpoint: string;
    interface?: string;
    id?: number;
    localAppData?: DataBag;
    localUnitData?: DataBag;
    peersData?: Readonly<Record<number, DataBag>>;
  }) {
    this.endpoint = init.endpoint;
    this.interface = init.interface;
    this.id = init.id ?? nextRelationId++;
    this.localAppData = freezeBag(init.localAppData ?? {});
    this.localUnitData = freezeBag(init.localUnitData ?? DEFAULT_UNIT_BAG);
    this.peersData = freezeBags(init.peersData ?? {});
    Object.freeze(this);
  }
}

/** A relation of a subordinate with its principal (container scope): exactly one remote unit. */
export class SubordinateRelation {
  readonly kind = "subordinate";
  readonly endpoint: string;
  readonly interface: string | undefined;
  readonly id: number;
  readonly remoteAppName: string;
  readonly remoteUnitId: number;
  readonly localAppData: DataBag;
  readonly localUnitData: DataBag;
  readonly remoteAppData: DataBag;
  readonly remoteUnitData: DataBag;

  constructor(init: {
    endpoint: string;
    interface?: string;
    id?: number;
    remoteAppName?: string;
    remoteUnitId?: number;
    localAppData?: DataBag;
    localUnitData?: DataBag;
    remoteAppData?: DataBag;
    remoteUnitData?: DataBag;
  }) {
    this.endpoint = init.endpoint;
    this.interface = init.interface;
    this.id = init.id ?? nextRelationId++;
    this.remoteAppName = init.remoteAppName ?? "remote";
    this.remoteUnitId = init.remoteUnitId ?? 0;
    this.localAppData = freezeBag(init.localAppData ?? {});
    this.localUnitData = freezeBag(init.localUnitData ?? DEFAULT_UNIT_BAG);
    this.remoteAppData = freezeBag(init.remoteAppData ?? {});
    this.remoteUnitData = freezeBag(init.remoteUnitData ?? DEFAULT_UNIT_BAG);
    Object.freeze(this);
  }

  get remoteUnitName(): string {
    return `${this.remoteAppName}/${this.remoteUnitId}`;
  }
}

export type AnyRelation = Relation | PeerRelation | SubordinateRelation;

/**
 * A secret this unit can see. `owner` is "app" or "unit" for a secret this charm owns, and
 * undefined for one it was granted (a user secret or another application's). `trackedContent` is
 * the revision this unit tracks; `latestContent` (default: the same) the newest revision.
 */
export class Secret {
  readonly id: string;
  readonly trackedContent: DataBag;
  readonly latestContent: DataBag;
  readonly owner: "app" | "unit" | undefined;
  /** Grants to other applications, by relation id: the application or unit names. */
  readonly remoteGrants: Readonly<Record<number, readonly string[]>>;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly expire: Date | undefined;
  readonly rotate: SecretRotatePolicy | undefined;

  constructor(init: {
    trackedContent: DataBag;
    latestContent?: DataBag;
    id?: string;
    owner?: "app" | "unit";
    remoteGrants?: Readonly<Record<number, readonly string[]>>;
    label?: string;
    description?: string;
    expire?: Date;
    rotate?: SecretRotatePolicy;
  }) {
    this.id = init.id ?? `secret:${`t${(nextSecret++).toString(32)}`.padStart(20, "0")}`;
    this.trackedContent = freezeBag(init.trackedContent);
    this.latestContent = freezeBag(init.latestContent ?? init.trackedContent);
    this.owner = init.owner;
    this.remoteGrants = Object.freeze({ ...(init.remoteGrants ?? {}) });
    this.label = init.label;
    this.description = init.description;
    this.expire = init.expire;
    this.rotate = init.rotate;
    Object.freeze(this);
  }
}

/** The content of one `framework.storedState(name, ...)`. */
export class StoredState {
  readonly name: string;
  readonly content: JsonObject;

  constructor(init: { name: string; content?: JsonObject }) {
    this.name = init.name;
    this.content = structuredClone(init.content ?? {});
    Object.freeze(this);
  }
}

/** An event deferred by a handler in an earlier dispatch; build one with `ctx.on.x(...).deferred(handler)`. */
export class DeferredEvent {
  readonly kind: string;
  readonly observer: string;
  readonly snapshot: JsonObject;

  constructor(init: { kind: string; observer: string; snapshot?: JsonObject }) {
    this.kind = init.kind;
    this.observer = init.observer;
    this.snapshot = structuredClone(init.snapshot ?? {});
    Object.freeze(this);
  }
}

/** The network of one binding (endpoint or extra-binding); bindings not given get 192.0.2.0. */
export class Network {
  readonly binding: string;
  readonly address: string;
  readonly cidr: string;
  readonly interfaceName: string;
  readonly ingressAddresses: readonly string[];
  readonly egressSubnets: readonly string[];

  constructor(init: {
    binding: string;
    address?: string;
    cidr?: string;
    interfaceName?: string;
    ingressAddresses?: readonly string[];
    egressSubnets?: readonly string[];
  }) {
    this.binding = init.binding;
    this.address = init.address ?? DOCUMENTATION_ADDRESS;
    this.cidr = init.cidr ?? `${this.address}/24`;
    this.interfaceName = init.interfaceName ?? "eth0";
    this.ingressAddresses = Object.freeze([...(init.ingressAddresses ?? [this.address])]);
    this.egressSubnets = Object.freeze([...(init.egressSubnets ?? [this.cidr])]);
    Object.freeze(this);
  }
}

/** A storage instance attached to the unit. */
export class Storage {
  readonly name: string;
  readonly index: number;
  readonly location: string;

  constructor(init: { name: string; index?: number; location?: string }) {
    this.name = init.name;
    this.index = init.index ?? 0;
    this.location = init.location ?? `/var/lib/juju/storage/${init.name}/${this.index}`;
    Object.freeze(this);
  }

  get id(): string {
    return `${this.name}/${this.index}`;
  }
}

export interface StateInit {
  readonly leader?: boolean;
  readonly config?: Readonly<Record<string, ConfigValue>>;
  readonly relations?: readonly AnyRelation[];
  readonly secrets?: readonly Secret[];
  readonly unitStatus?: StatusBase;
  readonly appStatus?: StatusBase;
  readonly storedStates?: readonly StoredState[];
  readonly deferred?: readonly DeferredEvent[];
  readonly networks?: readonly Network[];
  readonly openedPorts?: readonly PortRange[];
  readonly storages?: readonly Storage[];
  readonly plannedUnits?: number;
  readonly workloadVersion?: string;
  readonly model?: { readonly name?: string; readonly uuid?: string };
}

/**
 * Everything Juju and the unit remember, as a test sees it before and after one event. Immutable:
 * `ctx.run(event, state)` returns a new State; use `state.with({ ... })` for variations.
 */
export class State {
  readonly leader: boolean;
  readonly config: Readonly<Record<string, ConfigValue>>;
  readonly relations: readonly AnyRelation[];
  readonly secrets: readonly Secret[];
  readonly unitStatus: StatusBase;
  readonly appStatus: StatusBase;
  readonly storedStates: readonly StoredState[];
  readonly deferred: readonly DeferredEvent[];
  readonly networks: readonly Network[];
  readonly openedPorts: readonly PortRange[];
  readonly storages: readonly Storage[];
  readonly plannedUnits: number;
  readonly workloadVersion: string;
  readonly model: { readonly name: string; readonly uuid: string };

  constructor(init: StateInit = {}) {
    this.leader = init.leader ?? false;
    this.config = Object.freeze({ ...(init.config ?? {}) });
    this.relations = Object.freeze([...(init.relations ?? [])]);
    this.secrets = Object.freeze([...(init.secrets ?? [])]);
    this.unitStatus = init.unitStatus ?? new UnknownStatus();
    this.appStatus = init.appStatus ?? new UnknownStatus();
    this.storedStates = Object.freeze([...(init.storedStates ?? [])]);
    this.deferred = Object.freeze([...(init.deferred ?? [])]);
    this.networks = Object.freeze([...(init.networks ?? [])]);
    this.openedPorts = Object.freeze((init.openedPorts ?? []).map((port) => Object.freeze({ ...port })));
    this.storages = Object.freeze([...(init.storages ?? [])]);
    this.plannedUnits = init.plannedUnits ?? 1;
    this.workloadVersion = init.workloadVersion ?? "";
    this.model = Object.freeze({
      name: init.model?.name ?? "test-model",
      uuid: init.model?.uuid ?? "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    });
    Object.freeze(this);
  }

  /** A copy with some fields replaced. */
  with(changes: StateInit): State {
    return new State({ ...this.init(), ...changes });
  }

  getRelation(id: number): AnyRelation | undefined {
    return this.relations.find((relation) => relation.id === id);
  }

  getRelations(endpoint: string): AnyRelation[] {
    return this.relations.filter((relation) => relation.endpoint === endpoint);
  }

  /** A secret by id (any form) and/or label. */
  getSecret(query: { id?: string; label?: string }): Secret | undefined {
    const xid = query.id === undefined ? undefined : xidOrText(query.id);
    return this.secrets.find(
      (secret) => (xid === undefined || xidOrText(secret.id) === xid) && (query.label === undefined || secret.label === query.label),
    );
  }

  getStoredState(name: string): StoredState | undefined {
    return this.storedStates.find((stored) => stored.name === name);
  }

  getStorage(name: string, index = 0): Storage | undefined {
    return this.storages.find((storage) => storage.name === name && storage.index === index);
  }

  private init(): StateInit {
    return {
      leader: this.leader,
      config: this.config,
      relations: this.relations,
      secrets: this.secrets,
      unitStatus: this.unitStatus,
      appStatus: this.appStatus,
      storedStates: this.storedStates,
      deferred: this.deferred,
      networks: this.networks,
      openedPorts: this.openedPorts,
      storages: this.storages,
      plannedUnits: this.plannedUnits,
      workloadVersion: this.workloadVersion,
      model: this.model,
    };
  }
}

function freezeBag(bag: DataBag): DataBag {
  return Object.freeze({ ...bag });
}

function freezeBags(bags: Readonly<Record<number, DataBag>>): Readonly<Record<number, DataBag>> {
  return Object.freeze(Object.fromEntries(Object.entries(bags).map(([key, bag]) => [key, freezeBag(bag)])));
}

/** A secret id's xid, whichever form it has (grammar's parseSecretUri); other text as it is. */
function xidOrText(id: string): string {
  return parseSecretUri(id)?.xid ?? id;
}
