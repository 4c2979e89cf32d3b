// The model a charm sees: this unit and application, config, relations, secrets, ports, storage, network.

import { HookEnded, ModelError, TooManyRelatedAppsError } from "./errors.js";
import { MAX_PORT, type PortRange, type Protocol, formatPort, isPortNumber } from "../grammar/ports.js";
import type { CloudSpecRecord } from "./hook-tools/index.js";
import { JujuStorages } from "./storage.js";
import type { ModelBackend } from "./model-backend.js";
import type { ConfigValue } from "./meta.js";
import { Binding, isBindingOf } from "./network.js";
import { Relation } from "./relations.js";
import { type SecretOptions, Secret, addSecret, canonicalSecretId } from "./secrets.js";
import { StatusBase, UnknownStatus, settableName } from "./status.js";

/** This unit, or another unit this one can see through a relation. */
export class Unit {
  private statusCache: StatusBase | undefined;

  readonly #backend: ModelBackend;

  /** @internal Units are obtained from the model (`this.unit`, `model.getUnit`, `relation.units`). */
  constructor(
    readonly name: string,
    readonly app: Application,
    backend: ModelBackend,
  ) {
    this.#backend = backend;
  }

  /** Whether this is the unit the charm is running on. */
  get isLocal(): boolean {
    return this.name === this.#backend.context.unitName;
  }

  /** Whether this unit leads its application. Cached for 30 s (Juju's guarantee); call again after long work. */
  isLeader(): boolean {
    if (!this.isLocal) throw new ModelError(`cannot know whether remote unit ${this.name} is the leader`);
    return this.#backend.isLeader();
  }

  /** The unit's workload status. Setting it calls `status-set` at once (Juju applies status immediately). */
  get status(): StatusBase {
    if (!this.isLocal) return new UnknownStatus();
    if (this.statusCache === undefined) {
      const record = this.#backend.tools.statusGet();
      this.statusCache = StatusBase.fromName(record.status, record.message);
    }
    return this.statusCache;
  }

  set status(status: StatusBase) {
    if (!this.isLocal) throw new ModelError(`cannot set the status of remote unit ${this.name}`);
    this.#backend.tools.statusSet(settableName(status), status.message, false);
    this.statusCache = status;
  }

  /** Shown in `juju status` as the application's version. */
  setWorkloadVersion(version: string): void {
    this.requireLocal("set the workload version");
    this.#backend.tools.applicationVersionSet(version);
  }

  /** Creates a secret owned by this unit (only this unit can manage it). */
  addSecret(content: Readonly<Record<string, string>>, options: SecretOptions = {}): Secret {
    this.requireLocal("add a secret");
    return addSecret(this.#backend, "unit", content, options);
  }

  /** Opens a port (`openPort("tcp", 8080)`), or ICMP (`openPort("icmp")`). Applied when the hook succeeds. */
  openPort(protocol: Protocol, port?: number): void {
    this.requireLocal("open a port");
    this.#backend.tools.openPort(portRange(protocol, port));
  }

  closePort(protocol: Protocol, port?: number): void {
    this.requireLocal("close a port");
    this.#backend.tools.closePort(portRange(protocol, port));
  }

  /** The ports this unit has opened. */
  openedPorts(): PortRange[] {
    this.requireLocal("list opened ports");
    return this.#backend.tools.openedPorts();
  }

  /** Makes exactly these ports open: closes the others, opens the missing ones. */
  setPorts(...ports: readonly (PortRange | number)[]): void {
    this.requireLocal("set ports");
    const wanted = new Map(ports.map((p) => (typeof p === "number" ? portRange("tcp", p) : p)).map((p) => [formatPort(p), p]));
    const current = new Map(this.openedPorts().map((p) => [formatPort(p), p]));
    for (const [key, port] of current) if (!wanted.has(key)) this.#backend.tools.closePort(port);
    for (const [key, port] of wanted) if (!current.has(key)) this.#backend.tools.openPort(port);
  }

  /**
   * Asks Juju to reboot the machine when this hook succeeds, or at once with `{ now: true }` (the
   * hook then stops without committing and Juju runs it again after the reboot).
   */
  reboot(options: { now?: boolean } = {}): void {
    this.requireLocal("reboot");
    this.#backend.tools.jujuReboot(options.now === true);
    if (options.now === true) throw new RebootNow();
  }

  toString(): string {
    return this.name;
  }

  private requireLocal(what: string): void {
    if (!this.isLocal) throw new ModelError(`cannot ${what} for remote unit ${this.name}`);
  }
}

/** Thrown by `unit.reboot({ now: true })` to end the dispatch without committing. */
export class RebootNow extends HookEnded {
  override name = "RebootNow";
  constructor() {
    super("juju-reboot --now was called; the hook stops here and runs again after the reboot");
  }
}

/** This application, or a remote one seen through a relation. */
export class Application {
  private statusCache: StatusBase | undefined;

  readonly #backend: ModelBackend;

  /** @internal */
  constructor(
    readonly name: string,
    backend: ModelBackend,
  ) {
    this.#backend = backend;
  }

  get isLocal(): boolean {
    return this.name === this.#backend.context.appName;
  }

  /** The application's status. Only the leader may read or set it. */
  get status(): StatusBase {
    if (!this.isLocal) return new UnknownStatus();
    if (this.statusCache === undefined) {
      this.#backend.requireLeader("read the application status");
      const record = this.#backend.tools.statusGetApplication();
      this.statusCache = StatusBase.fromName(record.status, record.message);
    }
    return this.statusCache;
  }

  set status(status: StatusBase) {
    if (!this.isLocal) throw new ModelError(`cannot set the status of remote application ${this.name}`);
    const name = settableName(status);
    this.#backend.requireLeader("set the application status");
    this.#backend.tools.statusSet(name, status.message, true);
    this.statusCache = status;
  }

  /** Creates a secret owned by this application. Only the leader may; every unit of the app can read it. */
  addSecret(content: Readonly<Record<string, string>>, options: SecretOptions = {}): Secret {
    if (!this.isLocal) throw new ModelError(`cannot add a secret for remote application ${this.name}`);
    return addSecret(this.#backend, "application", content, options);
  }

  /** How many units Juju plans for this application (from `goal-state`, dying units excluded). */
  plannedUnits(): number {
    if (!this.isLocal) throw new ModelError(`cannot know the planned units of remote application ${this.name}`);
    const { units } = this.#backend.tools.goalState();
    return Object.values(units).filter((unit) => unit.status !== "dying").length;
  }

  toString(): string {
    return this.name;
  }
}

/** The cloud this model runs in, from `credential-get` (the application must be trusted). */
export type CloudSpec = CloudSpecRecord;

/** Reads a model's private backend; set by `Model`'s static block. */
let backendOf: (model: Model) => ModelBackend = () => {
  throw new Error("Model is not initialised");
};

/**
 * @internal The tools and caches behind a model, for the runtime's own modules and the test kit.
 * Not exported from "tscharm": a charm goes through the model, which checks what Juju would refuse.
 */
export function modelBackend(model: Model): ModelBackend {
  return backendOf(model);
}

/** The Juju model as this unit sees it during one hook. */
export class Model {
  static {
    backendOf = (model) => model.#backend;
  }

  readonly #backend: ModelBackend;
  readonly unit: Unit;
  readonly app: Application;
  readonly storages: JujuStorages;
  private readonly units = new Map<string, Unit>();
  private readonly apps = new Map<string, Application>();
  private readonly relationIds = new Map<string, readonly number[]>();
  private readonly relationObjects = new Map<string, Relation>();

  /** @internal The framework builds the model for each dispatch. */
  constructor(backend: ModelBackend) {
    this.#backend = backend;
    this.app = this.getApp(backend.context.appName);
    this.unit = this.getUnit(backend.context.unitName);
    this.storages = new JujuStorages(backend);
  }

  get name(): string {
    return this.#backend.context.modelName;
  }

  get uuid(): string {
    return this.#backend.context.modelUuid;
  }

  /**
   * The charm's directory (`JUJU_CHARM_DIR`): the unpacked `.charm`, where the files shipped with
   * the charm are (ops' `charm.charm_dir`). Hooks run with it as their working directory.
   */
  get charmDir(): string {
    return this.#backend.context.charmDir;
  }

  /** The Juju agent's version, e.g. `3.6.4`. */
  get jujuVersion(): string {
    return this.#backend.context.jujuVersion;
  }

  /** Config option values (set values and defaults), read once per hook on first access. */
  get config(): Readonly<Record<string, ConfigValue>> {
    return this.#backend.config();
  }

  getUnit(name: string): Unit {
    let unit = this.units.get(name);
    if (unit === undefined) {
      unit = new Unit(name, this.getApp(name.split("/")[0] ?? name), this.#backend);
      this.units.set(name, unit);
    }
    return unit;
  }

  getApp(name: string): Application {
    let app = this.apps.get(name);
    if (app === undefined) {
      app = new Application(name, this.#backend);
      this.apps.set(name, app);
    }
    return app;
  }

  /** The live relations of an endpoint (`relation-ids`, once per endpoint per hook). */
  relations(endpoint: string): Relation[] {
    this.requireEndpoint(endpoint);
    return this.liveRelationIds(endpoint).map((id) => this.relationObject(endpoint, id));
  }

  /**
   * The relation of `endpoint` with `id`, or its only relation when no id is given; `undefined`
   * when there is none. Throws `TooManyRelatedAppsError` if there are several and no id.
   */
  getRelation(endpoint: string, id?: number): Relation | undefined {
    this.requireEndpoint(endpoint);
    const hook = this.#backend.context.hook;
    if (id !== undefined) {
      // The event's own relation is known from the environment, even in relation-broken.
      const isEventRelation = hook.type === "relation" && hook.endpoint === endpoint && hook.relationId === id;
      return isEventRelation || this.liveRelationIds(endpoint).includes(id) ? this.relationObject(endpoint, id) : undefined;
    }
    // A peer endpoint has exactly one relation; when this event is on it, the environment names it.
    if (hook.type === "relation" && hook.endpoint === endpoint && hook.phase !== "broken" && this.isPeer(endpoint)) {
      return this.relationObject(endpoint, hook.relationId);
    }
    const ids = this.liveRelationIds(endpoint);
    if (ids.length > 1) {
      throw new TooManyRelatedAppsError(`endpoint "${endpoint}" has ${ids.length} relations (${ids.join(", ")}); pass the relation id`);
    }
    return ids[0] === undefined ? undefined : this.relationObject(endpoint, ids[0]);
  }

  /**
   * Looks up a secret by id, label, or both (id plus label sets this unit's label for it), and
   * reads its content at once, so a missing secret throws `SecretNotFoundError` here.
   */
  getSecret(query: { id?: string; label?: string }): Secret {
    if (query.id === undefined && query.label === undefined) {
      throw new TypeError("getSecret needs an id or a label (or both)");
    }
    const id = query.id === undefined ? undefined : canonicalSecretId(query.id, this.uuid);
    const content = this.#backend.tools.secretGet({
      ...(id === undefined ? {} : { id }),
      ...(query.label === undefined ? {} : { label: query.label }),
    });
    return new Secret(this.#backend, { id, label: query.label, content });
  }

  /**
   * The network binding of an endpoint or extra-binding, or of a relation. `juju-info` is an
   * endpoint of every charm, declared or not (the usual way to ask for the unit's address). A name
   * the metadata does not declare is refused here, with the error network-get would give.
   */
  getBinding(bindingOrRelation: string | Relation): Binding {
    if (typeof bindingOrRelation !== "string") return new Binding(this.#backend, bindingOrRelation.name, bindingOrRelation.id);
    const meta = this.#backend.meta;
    if (!isBindingOf(meta, bindingOrRelation)) {
      throw new ModelError(`no network config found for binding "${bindingOrRelation}"`);
    }
    return new Binding(this.#backend, bindingOrRelation, undefined);
  }

  /** Fetches a resource and returns the path of the local file (`resource-get`). */
  fetchResource(name: string): string {
    return this.#backend.tools.resourceGet(name);
  }

  /** The cloud spec (`credential-get`); the application must be trusted. */
  getCloudSpec(): CloudSpec {
    return this.#backend.tools.credentialGet();
  }

  /** @internal */
  relationObject(endpoint: string, id: number): Relation {
    const key = `${endpoint}:${id}`;
    let relation = this.relationObjects.get(key);
    if (relation === undefined) {
      relation = new Relation(this, this.#backend, endpoint, id);
      this.relationObjects.set(key, relation);
    }
    return relation;
  }

  /** @internal */
  isPeer(endpoint: string): boolean {
    return this.#backend.meta.relations[endpoint]?.role === "peers";
  }

  private liveRelationIds(endpoint: string): readonly number[] {
    let ids = this.relationIds.get(endpoint);
    if (ids === undefined) {
      ids = this.#backend.tools.relationIds(endpoint);
      // In relation-broken the relation is going away: like ops, leave it out of the live list.
      const hook = this.#backend.context.hook;
      if (hook.type === "relation" && hook.phase === "broken" && hook.endpoint === endpoint) {
        ids = ids.filter((id) => id !== hook.relationId);
      }
      this.relationIds.set(endpoint, ids);
    }
    return ids;
  }

  private requireEndpoint(endpoint: string): void {
    if (this.#backend.meta.relations[endpoint] === undefined) {
      const known = Object.keys(this.#backend.meta.relations);
      throw new ModelError(
        `"${endpoint}" is not a relation endpoint of ${this.#backend.meta.name}` +
          (known.length === 0 ? " (it declares none)" : ` (it declares ${known.join(", ")})`),
      );
    }
  }
}

function portRange(protocol: Protocol, port: number | undefined): PortRange {
  if (protocol === "icmp") {
    if (port !== undefined) throw new ModelError("icmp has no port number");
    return { protocol };
  }
  if (!isPortNumber(port)) {
    throw new ModelError(`port must be an integer between 0 and ${MAX_PORT} for ${protocol}, got ${String(port)}`);
  }
  return { protocol, port };
}
