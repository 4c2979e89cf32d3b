// Relations and their data bags, with Juju's access rules checked before any hook tool runs.

import { RelationDataAccessError, RelationDataTypeError } from "./errors.js";
import type { RelationRef } from "./hook-tools/index.js";
import type { Application, Model, Unit } from "./model.js";
import type { ModelBackend } from "./model-backend.js";

/** The model at the other end of a relation (another model's for a cross-model relation). */
export interface RemoteModel {
  /** The remote model's UUID; this model's own when both applications are in it. */
  readonly uuid: string;
}

/** One relation of an endpoint: its remote application, the remote units in scope, and the data bags. */
export class Relation {
  readonly data: RelationData;
  private appCache: { value: Application | undefined } | undefined;
  private unitsCache: ReadonlySet<Unit> | undefined;
  private remoteModelCache: RemoteModel | undefined;

  readonly #backend: ModelBackend;

  /** @internal Relations come from `model.getRelation`, `model.relations` and relation events. */
  constructor(
    private readonly model: Model,
    backend: ModelBackend,
    /** The endpoint name, e.g. `db`. */
    readonly name: string,
    readonly id: number,
  ) {
    this.#backend = backend;
    this.data = new RelationData(this, model, backend);
  }

  /** @internal */
  get ref(): RelationRef {
    return { endpoint: this.name, id: this.id };
  }

  /** Whether this is a peer relation (declared under `peers:`). */
  get isPeer(): boolean {
    return this.model.isPeer(this.name);
  }

  /** False in this relation's relation-broken hook: it is going away. */
  get active(): boolean {
    const hook = this.#backend.context.hook;
    return !(hook.type === "relation" && hook.phase === "broken" && hook.relationId === this.id);
  }

  /** The application at the other end (this application for a peer relation). */
  get app(): Application | undefined {
    if (this.appCache === undefined) {
      let name: string | undefined;
      const hook = this.#backend.context.hook;
      if (this.isPeer) name = this.model.app.name;
      else if (hook.type === "relation" && hook.relationId === this.id) name = hook.remoteApp;
      else name = this.#backend.tools.relationRemoteApp(this.ref);
      this.appCache = { value: name === undefined ? undefined : this.model.getApp(name) };
    }
    return this.appCache.value;
  }

  /** The remote units in scope (the other units, for a peer relation); `relation-list` on first use. */
  get units(): ReadonlySet<Unit> {
    this.unitsCache ??= new Set(this.#backend.tools.relationList(this.ref).map((name) => this.model.getUnit(name)));
    return this.unitsCache;
  }

  /** The model on the other side: `relation-model-get` on first use (Juju 3.6.2 and later), then cached. */
  get remoteModel(): RemoteModel {
    this.remoteModelCache ??= Object.freeze({ uuid: this.#backend.tools.relationModelGet(this.ref).uuid });
    return this.remoteModelCache;
  }

  toString(): string {
    return `${this.name}:${this.id}`;
  }
}

/** The data bags of one relation, one per unit and one per application: `relation.data.get(this.app)`. */
export class RelationData {
  private readonly bags = new Map<Unit | Application, RelationDataContent>();

  readonly #backend: ModelBackend;

  /** @internal */
  constructor(
    private readonly relation: Relation,
    private readonly model: Model,
    backend: ModelBackend,
  ) {
    this.#backend = backend;
  }

  /** The bag of a unit or application. Nothing is read until a key is. */
  get(entity: Unit | Application): RelationDataContent {
    let bag = this.bags.get(entity);
    if (bag === undefined) {
      bag = new RelationDataContent(this.relation, this.model, this.#backend, entity);
      this.bags.set(entity, bag);
    }
    return bag;
  }
}

/**
 * One data bag. Read once per hook on first access (`relation-get`); writes are checked against
 * Juju's rules first, then send only the keys that change in one `relation-set` (`""` deletes).
 */
export class RelationDataContent {
  private cache: Record<string, string> | undefined;
  private readonly isApp: boolean;

  readonly #backend: ModelBackend;

  /** @internal */
  constructor(
    private readonly relation: Relation,
    private readonly model: Model,
    backend: ModelBackend,
    private readonly entity: Unit | Application,
  ) {
    this.#backend = backend;
    // Unit names always hold a "/", application names never do.
    this.isApp = !entity.name.includes("/");
  }

  get(key: string): string | undefined {
    return this.read()[key];
  }

  has(key: string): boolean {
    return this.read()[key] !== undefined;
  }

  /** A copy of the whole bag. */
  toObject(): Record<string, string> {
    return { ...this.read() };
  }

  set(key: string, value: string): void {
    this.update({ [key]: value });
  }

  delete(key: string): void {
    this.update({ [key]: "" });
  }

  /** Writes several keys at once; `""` deletes a key. No hook tool runs if nothing changes. */
  update(changes: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(changes)) {
      if (key === "") throw new RelationDataTypeError(`relation data keys must be non-empty strings (${this.where()})`);
      if (typeof value !== "string") {
        throw new RelationDataTypeError(
          `relation data values must be strings, but "${key}" is ${describeType(value)} (${this.where()}); ` +
            `encode it first, e.g. with JSON.stringify`,
        );
      }
    }
    this.checkWrite();
    const current = this.read();
    const delta: Record<string, string> = {};
    for (const [key, value] of Object.entries(changes)) {
      if ((current[key] ?? "") !== value) delta[key] = value;
    }
    if (Object.keys(delta).length === 0) return;
    this.#backend.tools.relationSet(this.relation.ref, delta, this.isApp);
    this.cache = Object.fromEntries(Object.entries({ ...current, ...delta }).filter(([, value]) => value !== ""));
  }

  private read(): Record<string, string> {
    if (this.cache === undefined) {
      this.checkRead();
      this.cache = this.#backend.tools.relationGet(this.relation.ref, this.entity.name, this.isApp);
    }
    return this.cache;
  }

  private checkRead(): void {
    if (this.isApp && this.entity.name === this.model.app.name && !this.relation.isPeer && !this.#backend.isLeader()) {
      throw new RelationDataAccessError(
        `permission denied: ${this.model.unit.name} is not the leader, and only the leader can read ` +
          `its own application's data in a non-peer relation (${this.where()})`,
      );
    }
  }

  private checkWrite(): void {
    const local = this.model.unit;
    if (this.isApp) {
      if (this.entity.name !== this.model.app.name) {
        throw new RelationDataAccessError(`cannot write the data of remote application ${this.entity.name} (${this.where()})`);
      }
      if (!this.#backend.isLeader()) {
        throw new RelationDataAccessError(
          `cannot write relation settings: ${local.name} is not the leader, and only the leader ` +
            `can write application data (${this.where()})`,
        );
      }
    } else if (this.entity.name !== local.name) {
      throw new RelationDataAccessError(
        `cannot write the data of unit ${this.entity.name}: ${local.name} can only write its own unit data (${this.where()})`,
      );
    }
  }

  private where(): string {
    return `relation ${this.relation.toString()}, ${this.isApp ? "application" : "unit"} ${this.entity.name}`;
  }
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}
