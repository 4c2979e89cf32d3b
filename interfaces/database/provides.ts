// The provider side of the database interfaces (a database charm serving application charms), as
// data_interfaces v0's DatabaseProvides does it on the wire: the leader diffs the requirer's app bag
// against its `data` snapshot (kept in its own app bag, where the requirer also reads it) to emit
// databaseRequested once; its answers go in its app bag, each field asked for in
// `requested-secrets` in an app-owned secret per group (`<endpoint>.<id>.<group>.secret`, granted
// to the relation, its URI in `secret-<group>`), the others (and all of them for a requirer that
// asked for no secrets) in plain text.

import {
  type CharmBase,
  NotLeaderError,
  type Relation,
  type RelationChangedEvent,
  RelationEvent,
  type Secret,
  SecretNotFoundError,
  customEvent,
  log,
} from "../../runtime/index.js";
import { InterfaceDataError, RemoteBag, pythonJson } from "../common/data.js";
import { RelationProblems } from "../common/problems.js";
import { type SecretGroup, diffOf, groupFields, secretField, secretLabel, snapshotOf, stringList, withoutData } from "./fields.js";
import { type RelationStatus, statusesOf } from "./status.js";

/** Thrown when a provider answers before the requirer asked for a database (the library's PrematureDataAccessError). */
export class PrematureDataAccessError extends Error {
  override name = "PrematureDataAccessError";
}

/** What the requirer asked for, read from its app bag when read (as the library's events do). */
export class DatabaseProvidesEvent extends RelationEvent {
  protected field(key: string): string | undefined {
    const app = this.relation.app;
    if (app === undefined) return undefined;
    const value = this.relation.data.get(app).get(key);
    return value === undefined || value === "" ? undefined : value;
  }

  get database(): string | undefined {
    return this.field("database");
  }
  get extraUserRoles(): string | undefined {
    return this.field("extra-user-roles");
  }
  get extraGroupRoles(): string | undefined {
    return this.field("extra-group-roles");
  }
  get entityType(): string | undefined {
    return this.field("entity-type");
  }
  get entityPermissions(): string | undefined {
    return this.field("entity-permissions");
  }
}

export class DatabaseRequestedEvent extends DatabaseProvidesEvent {
  get externalNodeConnectivity(): boolean {
    return this.field("external-node-connectivity") === "true";
  }
  get prefixMatching(): string | undefined {
    return this.field("prefix-matching");
  }
  /** `{ <entity-name>: <password or undefined> }` from the requirer's `requested-entity-secret`. */
  get requestedEntitySecretContent(): Record<string, string | undefined> | undefined {
    const uri = this.field("requested-entity-secret");
    if (uri === undefined) return undefined;
    const content = this.scope.model.getSecret({ id: uri }).getContent({ refresh: true });
    const name = content["entity-name"];
    return name === undefined ? undefined : { [name]: content["password"] };
  }
}

export class DatabaseEntityRequestedEvent extends DatabaseProvidesEvent {}
export class DatabaseEntityPermissionsChangedEvent extends DatabaseProvidesEvent {}

/** Keys a provider may write before the requirer asked for a database. */
const EARLY_KEYS = new Set(["endpoints", "read-only-endpoints", "replset", "encryption-secret"]);

/**
 * The provider side of postgresql_client / mysql_client (data_interfaces v0 `DatabaseProvides`).
 * Its events fire on the leader only; every `set…` writes the app bag, so the leader only.
 */
export class DatabaseProvides {
  readonly on;
  private readonly problems: RelationProblems;

  constructor(
    private readonly charm: CharmBase,
    readonly relationName: string,
  ) {
    this.on = {
      databaseRequested: customEvent(relationName, "database-requested", DatabaseRequestedEvent),
      databaseEntityRequested: customEvent(relationName, "database-entity-requested", DatabaseEntityRequestedEvent),
      databaseEntityPermissionsChanged: customEvent(
        relationName,
        "database-entity-permissions-changed",
        DatabaseEntityPermissionsChangedEvent,
      ),
    };
    this.problems = new RelationProblems(charm, relationName);
    charm.framework.observe(charm.on.relationChanged(relationName), this.onChanged);
  }

  private readonly onChanged = async (event: RelationChangedEvent): Promise<void> => {
    if (!this.charm.unit.isLeader()) return;
    const relation = event.relation;
    const app = event.app ?? relation.app;
    if (app === undefined) return;
    const name = await this.problems.guard(relation, () => this.decide(relation, app.name));
    const base = { ...event.snapshot, relationName: relation.name, relationId: relation.id };
    const emit = this.charm.framework.emit.bind(this.charm.framework);
    if (name === "databaseRequested") await emit(this.on.databaseRequested, base);
    else if (name === "databaseEntityRequested") await emit(this.on.databaseEntityRequested, base);
    else if (name === "databaseEntityPermissionsChanged") await emit(this.on.databaseEntityPermissionsChanged, base);
  };

  private decide(relation: Relation, appName: string): ProvidesEventName | null {
    const app = relation.app;
    if (app === undefined) return null;
    const bag = new RemoteBag(relation.data.get(app), { endpoint: relation.name, relationId: relation.id, from: appName });
    stringList(bag, "requested-secrets");
    stringList(bag, "provided-secrets");
    if (bag.text("version") === "v1" || bag.text("requests") !== undefined) {
      throw new InterfaceDataError(
        bag.source,
        "version",
        "a data_interfaces v0 request (v1 `requests` are not served yet)",
        bag.text("version") ?? "",
      );
    }
    const own = relation.data.get(this.charm.app);
    const old = snapshotOf(new RemoteBag(own, { endpoint: relation.name, relationId: relation.id, from: this.charm.app.name }), "data");
    const current = withoutData(bag.toObject());
    const diff = diffOf(old, current);
    // The library refuses these changes once the relation is set up (its hook fails, so its
    // snapshot is not kept either): here they are the requirer's bad data, and not snapshotted.
    for (const key of ["entity-type", "extra-user-roles", "extra-group-roles"]) {
      if (diff.changed.has(key)) {
        throw new InterfaceDataError(
          bag.source,
          key,
          `the value it had when the relation was set up (${JSON.stringify(old[key])})`,
          current[key] ?? "",
        );
      }
    }
    own.update({ data: pythonJson(current) });
    const added = (key: string): boolean => diff.added.has(key);
    if (added("database") && !added("entity-type")) return "databaseRequested";
    if (added("database") && added("entity-type")) return "databaseEntityRequested";
    if (!added("entity-type") && (added("entity-permissions") || diff.changed.has("entity-permissions"))) {
      return "databaseEntityPermissionsChanged";
    }
    return null;
  }

  // ---- answers ---------------------------------------------------------------------------------

  setCredentials(relationId: number, username: string, password: string): void {
    this.updateRelationData(relationId, { username, password });
  }
  setEntityCredentials(relationId: number, entityName: string, entityPassword?: string): void {
    this.updateRelationData(relationId, {
      "entity-name": entityName,
      ...(entityPassword === undefined ? {} : { "entity-password": entityPassword }),
    });
  }
  /** Whether TLS is on, as a string (`"True"`/`"False"` as the Python charms write it). */
  setTls(relationId: number, tls: string): void {
    this.updateRelationData(relationId, { tls });
  }
  setTlsCa(relationId: number, tlsCa: string): void {
    this.updateRelationData(relationId, { "tls-ca": tlsCa });
  }
  setDatabase(relationId: number, databaseName: string): void {
    this.updateRelationData(relationId, { database: databaseName });
  }
  /** The databases matching a requested prefix, sorted and comma-joined as the library writes them. */
  setPrefixDatabases(relationId: number, databases: readonly string[]): void {
    this.updateRelationData(relationId, { "prefix-databases": [...databases].sort().join(",") });
  }
  /** `host:port[,host:port…]` of the primary. */
  setEndpoints(relationId: number, connectionStrings: string): void {
    this.updateRelationData(relationId, { endpoints: connectionStrings });
  }
  setReadOnlyEndpoints(relationId: number, connectionStrings: string): void {
    this.updateRelationData(relationId, { "read-only-endpoints": connectionStrings });
  }
  setReplset(relationId: number, replset: string): void {
    this.updateRelationData(relationId, { replset });
  }
  setUris(relationId: number, uris: string): void {
    this.updateRelationData(relationId, { uris });
  }
  setReadOnlyUris(relationId: number, uris: string): void {
    this.updateRelationData(relationId, { "read-only-uris": uris });
  }
  setVersion(relationId: number, version: string): void {
    this.updateRelationData(relationId, { version });
  }
  setSubordinated(relationId: number): void {
    this.updateRelationData(relationId, { subordinated: "true" });
  }

  // ---- statuses (data_interfaces' `status` key, read by the requirer as statusRaised/statusResolved) ----

  /** The statuses raised on the relation, by code. Leader only (it reads this application's bag). */
  getStatuses(relationId: number): Record<number, RelationStatus> {
    const relation = this.relation(relationId);
    const bag = new RemoteBag(relation.data.get(this.charm.app), { endpoint: relation.name, relationId, from: this.charm.app.name });
    return Object.fromEntries(statusesOf(bag.text("status"), bag).map((status) => [status.code, status]));
  }

  /** Raises a status (a code replaces the status of the same code); the list is kept sorted by code. */
  raiseStatus(relationId: number, status: RelationStatus): void {
    this.writeStatuses(relationId, { ...this.getStatuses(relationId), [status.code]: status });
  }

  /** Resolves a raised status; a code never raised is logged and ignored, as the library does. */
  resolveStatus(relationId: number, code: number): void {
    const statuses = this.getStatuses(relationId);
    if (!(code in statuses)) {
      log.error(`Status [${code}] has never been raised before.`);
      return;
    }
    this.writeStatuses(relationId, Object.fromEntries(Object.entries(statuses).filter(([key]) => Number(key) !== code)));
  }

  /** Removes every status (the `status` key). Leader only. */
  clearStatuses(relationId: number): void {
    this.requireLeader(relationId);
    this.relation(relationId).data.get(this.charm.app).delete("status");
  }

  private writeStatuses(relationId: number, statuses: Readonly<Record<number, RelationStatus>>): void {
    const list = Object.values(statuses)
      .sort((a, b) => a.code - b.code)
      .map(({ code, message, resolution }) => ({ code, message, resolution }));
    this.updateRelationData(relationId, { status: pythonJson(list) });
  }

  private requireLeader(relationId: number): void {
    if (!this.charm.unit.isLeader()) {
      throw new NotLeaderError(`this unit is not the leader: only the leader can answer on ${this.relationName}:${relationId}`);
    }
  }

  /**
   * Writes fields for the requirer: those it asked for in `requested-secrets` go to the group's
   * secret (created, labelled and granted on first use; a new revision only when the content
   * changes), the rest to the app bag. Leader only: refused before any hook tool runs.
   */
  updateRelationData(relationId: number, data: Readonly<Record<string, string>>): void {
    this.requireLeader(relationId);
    const relation = this.relation(relationId);
    const app = relation.app;
    const bag =
      app === undefined ? undefined : new RemoteBag(relation.data.get(app), { endpoint: relation.name, relationId, from: app.name });
    if (bag?.text("database") === undefined && Object.keys(data).some((key) => !EARLY_KEYS.has(key))) {
      throw new PrematureDataAccessError("Premature access to relation data, update is forbidden before the connection is initialized.");
    }
    const requested = bag === undefined ? [] : (stringList(bag, "requested-secrets") ?? []);
    const own = relation.data.get(this.charm.app);
    // A relation that started with plain-text credentials stays on them (the library's rule).
    const onDatabag = requested.some((field) => own.has(field));
    const plain: Record<string, string> = {};
    const secret: string[] = [];
    for (const [key, value] of Object.entries(data)) if (!(requested.includes(key) && !onDatabag)) plain[key] = value;
    for (const key of Object.keys(data)) if (requested.includes(key) && !onDatabag) secret.push(key);
    for (const [group, fields] of groupFields(secret)) {
      const content = Object.fromEntries(fields.map((field) => [field, data[field] ?? ""]));
      this.writeSecret(relation, group, content);
    }
    if (Object.keys(plain).length > 0) own.update(plain);
  }

  private writeSecret(relation: Relation, group: SecretGroup, content: Record<string, string>): void {
    const own = relation.data.get(this.charm.app);
    const existing = this.ownSecret(relation, group);
    if (existing === undefined) {
      const secret = this.charm.app.addSecret(content, { label: secretLabel(relation, group) });
      secret.grant(relation);
      if (secret.id === undefined) throw new Error("a secret added without an id");
      own.update({ [secretField(group)]: secret.id });
      return;
    }
    const old = existing.getContent();
    const full = { ...old, ...content };
    if (Object.keys(full).length === Object.keys(old).length && Object.entries(full).every(([k, v]) => old[k] === v)) return;
    existing.setContent(full);
  }

  /** The secret of a group this application made for the relation: by its label, or its URI in our bag. */
  private ownSecret(relation: Relation, group: SecretGroup): Secret | undefined {
    const uri = relation.data.get(this.charm.app).get(secretField(group));
    try {
      return this.charm.model.getSecret(uri === undefined ? { label: secretLabel(relation, group) } : { id: uri });
    } catch (error) {
      if (error instanceof SecretNotFoundError) return undefined;
      throw error;
    }
  }

  /** The requirer's app bag per relation (its request), as strings. */
  fetchRelationData(relationIds?: readonly number[]): Record<number, Record<string, string>> {
    const out: Record<number, Record<string, string>> = {};
    const relations =
      relationIds === undefined ? this.charm.model.relations(this.relationName) : relationIds.map((id) => this.relation(id));
    for (const relation of relations) {
      const app = relation.app;
      out[relation.id] = app === undefined ? {} : relation.data.get(app).toObject();
    }
    return out;
  }

  private relation(id: number): Relation {
    const relation = this.charm.model.getRelation(this.relationName, id);
    if (relation === undefined) throw new RangeError(`relation ${this.relationName}:${id} couldn't be retrieved`);
    return relation;
  }
}

type ProvidesEventName = "databaseRequested" | "databaseEntityRequested" | "databaseEntityPermissionsChanged";
