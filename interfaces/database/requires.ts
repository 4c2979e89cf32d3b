// The requirer side of the database interfaces (an application charm asking a PostgreSQL or MySQL
// charm for a database), as data_interfaces v0's DatabaseRequires does it on the wire: the request
// in its app bag on relation-created, the `data` snapshot of the provider's bag in its unit bag on
// every relation-changed (so the same keys count as added or changed, and the same events fire),
// the provider's secrets labelled `<endpoint>.<id>.<group>.secret`, and the plain-text fallback.

import {
  type BoundEvent,
  type CharmBase,
  ModelError,
  type Relation,
  type RelationChangedEvent,
  type RelationCreatedEvent,
  customEvent,
  log,
} from "../../runtime/index.js";
import { RemoteBag, pythonJson } from "../common/data.js";
import { RelationProblems } from "../common/problems.js";
import {
  type Diff,
  PROVIDED_SECRET_FIELDS,
  PROVIDER_GROUPS,
  REQUESTED_SECRET_FIELDS,
  diffOf,
  groupFields,
  remoteSecret,
  secretField,
  snapshotOf,
  stringList,
  withoutData,
} from "./fields.js";
import {
  type AliasedEvents,
  DatabaseCreatedEvent,
  DatabaseEndpointsChangedEvent,
  DatabaseEntityCreatedEvent,
  DatabasePrefixDatabasesChangedEvent,
  DatabaseReadOnlyEndpointsChangedEvent,
  type DatabaseRequiresEvent,
  aliasedEvents,
} from "./requires-events.js";
import { type RelationStatus, statusEvents, statusesOf } from "./status.js";

export interface DatabaseRequiresOptions {
  /** The database to ask for, or a prefix ending in `*`. */
  readonly database: string;
  readonly extraUserRoles?: string;
  readonly extraGroupRoles?: string;
  /** Fields beyond the usual credentials to get as secrets (they travel in the `extra` secret). */
  readonly additionalSecretFields?: readonly string[];
  /** Sent as `external-node-connectivity: "true"` (a subordinate router then exposes itself). */
  readonly externalNodeConnectivity?: boolean;
  /** Ask for a custom entity (a user or a group) instead of a database user. */
  readonly entityType?: "USER" | "GROUP";
  /** JSON list of `{resource_name, resource_type, privileges}`. */
  readonly entityPermissions?: string;
  /** URI of a secret (`entity-name`, optional `password`) naming the entity to create. */
  readonly requestedEntitySecret?: string;
  /**
   * The entity to create, by name (and password): sent in a secret this application makes and
   * grants on relation-created (label `<model-uuid>-<relation id>-requested-entity`), removed once
   * the provider answered. Not with `requestedEntitySecret`.
   */
  readonly requestedEntityName?: string;
  readonly requestedEntityPassword?: string;
  readonly prefixMatching?: string;
  /**
   * One name per relation the endpoint may have (as many as its `limit`): each relation gets the
   * first free one (in the unit bags' `alias`, and the leader's app bag), and its events are also
   * emitted as `aliased(name).databaseCreated`, … (the library's `<alias>_database_created`).
   */
  readonly relationsAliases?: readonly string[];
}

const ENTITY_PERMISSION_KEYS = ["privileges", "resource_name", "resource_type"];

/**
 * The requirer side of postgresql_client / mysql_client (data_interfaces v0 `DatabaseRequires`).
 * Events fire on every unit (the diff lives in each unit's own bag); only the leader writes the
 * request.
 */
export class DatabaseRequires {
  readonly on;
  private readonly problems: RelationProblems;
  private readonly aliasEvents: Map<string, AliasedEvents>;

  constructor(
    private readonly charm: CharmBase,
    readonly relationName: string,
    readonly options: DatabaseRequiresOptions,
  ) {
    validateOptions(options);
    this.on = {
      databaseCreated: customEvent(relationName, "database-created", DatabaseCreatedEvent),
      databaseEntityCreated: customEvent(relationName, "database-entity-created", DatabaseEntityCreatedEvent),
      endpointsChanged: customEvent(relationName, "endpoints-changed", DatabaseEndpointsChangedEvent),
      readOnlyEndpointsChanged: customEvent(relationName, "read-only-endpoints-changed", DatabaseReadOnlyEndpointsChangedEvent),
      prefixDatabasesChanged: customEvent(relationName, "prefix-databases-changed", DatabasePrefixDatabasesChangedEvent),
      ...statusEvents(relationName),
    };
    const aliases = options.relationsAliases ?? [];
    if (aliases.length > 0) {
      const limit = charm.meta.relations[relationName]?.limit;
      if (aliases.length !== limit) {
        throw new TypeError(
          "The number of aliases must match the maximum number of connections allowed in the relation. " +
            `Expected ${String(limit)}, got ${aliases.length}`,
        );
      }
    }
    this.aliasEvents = new Map(aliases.map((alias) => [alias, aliasedEvents(relationName, alias)]));
    this.problems = new RelationProblems(charm, relationName);
    charm.framework.observe(charm.on.relationCreated(relationName), this.onCreated);
    charm.framework.observe(charm.on.relationChanged(relationName), this.onChanged);
  }

  /** The fields asked for as secrets (`requested-secrets`). */
  get requestedSecrets(): string[] {
    return [...REQUESTED_SECRET_FIELDS, ...(this.options.additionalSecretFields ?? [])];
  }

  /** The events of the relation given `alias` (one of `relationsAliases`). */
  aliased(alias: string): AliasedEvents {
    const events = this.aliasEvents.get(alias);
    if (events === undefined) throw new RangeError(`${JSON.stringify(alias)} is not one of the relationsAliases of ${this.relationName}`);
    return events;
  }

  /** The alias of a relation (from this unit's bag), if aliases are used. */
  relationAlias(relation: Relation): string | undefined {
    return this.aliasEvents.size === 0 ? undefined : relation.data.get(this.charm.unit).get("alias");
  }

  /** Gives the relation the first alias no other relation of the endpoint has (every unit, as the library). */
  private assignAlias(relation: Relation): void {
    if (this.aliasEvents.size === 0 || this.relationAlias(relation) !== undefined) return;
    const taken = new Set(this.charm.model.relations(this.relationName).map((r) => this.relationAlias(r)));
    const alias = [...this.aliasEvents.keys()].find((name) => !taken.has(name));
    if (alias === undefined) return;
    relation.data.get(this.charm.unit).update({ alias });
    if (this.charm.unit.isLeader()) relation.data.get(this.charm.app).update({ alias });
  }

  private readonly onCreated = (event: RelationCreatedEvent): void => {
    this.assignAlias(event.relation);
    if (!this.charm.unit.isLeader()) return;
    const relation = event.relation;
    const provided = isCrossModel(relation, this.charm.model.uuid)
      ? PROVIDED_SECRET_FIELDS.filter((f) => f !== "mtls-cert")
      : [...PROVIDED_SECRET_FIELDS];
    const secretFields: Record<string, string> = { "requested-secrets": pythonJson(this.requestedSecrets) };
    if (provided.length > 0) secretFields["provided-secrets"] = pythonJson(provided);
    const o = this.options;
    const request: Record<string, string> = { database: o.database };
    if (o.extraUserRoles) request["extra-user-roles"] = o.extraUserRoles;
    if (o.extraGroupRoles) request["extra-group-roles"] = o.extraGroupRoles;
    if (o.entityType) request["entity-type"] = o.entityType;
    if (o.entityPermissions) request["entity-permissions"] = o.entityPermissions;
    if (o.requestedEntitySecret) request["requested-entity-secret"] = o.requestedEntitySecret;
    if (o.prefixMatching) request["prefix-matching"] = o.prefixMatching;
    if (o.requestedEntityName && !o.requestedEntitySecret) {
      const content: Record<string, string> = { "entity-name": o.requestedEntityName };
      if (o.requestedEntityPassword) content["password"] = o.requestedEntityPassword;
      const helper = this.charm.app.addSecret(content, { label: `${this.charm.model.uuid}-${relation.id}-requested-entity` });
      helper.grant(relation);
      if (helper.id === undefined) throw new Error("the requested-entity secret was added without an id");
      request["requested-entity-secret"] = helper.id;
    }
    if (o.externalNodeConnectivity === true) request["external-node-connectivity"] = "true";
    // data_interfaces writes the secret field lists in both the app and the leader's unit bag.
    relation.data.get(this.charm.app).update({ ...secretFields, ...request });
    relation.data.get(this.charm.unit).update(secretFields);
  };

  private readonly onChanged = async (event: RelationChangedEvent): Promise<void> => {
    const relation = event.relation;
    const app = event.app ?? relation.app;
    if (app === undefined) return;
    const decided = await this.problems.guard(relation, () => this.decide(relation, app.name, event.unit?.name));
    if (decided === undefined) return;
    const base = { ...event.snapshot, relationName: relation.name, relationId: relation.id };
    for (const [status, raised] of decided.statuses) {
      await this.charm.framework.emit(raised ? this.on.statusRaised : this.on.statusResolved, { ...base, status: { ...status } });
    }
    const framework = this.charm.framework;
    const alias = this.relationAlias(relation);
    const aliased = alias === undefined ? undefined : this.aliasEvents.get(alias);
    // The default event, then the relation's aliased one (the library's order).
    const emit = async <E extends DatabaseRequiresEvent>(event: BoundEvent<E>, alsoAs: BoundEvent<E> | undefined): Promise<void> => {
      await framework.emit(event, base);
      if (alsoAs !== undefined) await framework.emit(alsoAs, base);
    };
    const on = this.on;
    switch (decided.event) {
      case "databaseCreated":
        await emit(on.databaseCreated, aliased?.databaseCreated);
        this.clearHelperSecret(decided.helperSecret);
        return;
      case "databaseEntityCreated":
        await emit(on.databaseEntityCreated, aliased?.databaseEntityCreated);
        this.clearHelperSecret(decided.helperSecret);
        return;
      case "endpointsChanged":
        return emit(on.endpointsChanged, aliased?.endpointsChanged);
      case "readOnlyEndpointsChanged":
        return emit(on.readOnlyEndpointsChanged, aliased?.readOnlyEndpointsChanged);
      case "prefixDatabasesChanged":
        return emit(on.prefixDatabasesChanged, aliased?.prefixDatabasesChanged);
      case undefined:
        return;
    }
  };

  /** Once the provider answered, the secret that named the requested entity is removed (the library's rule). */
  private clearHelperSecret(uri: string | undefined): void {
    if (uri === undefined || !this.options.requestedEntityName || !this.charm.unit.isLeader()) return;
    try {
      this.charm.model.getSecret({ id: uri }).removeAllRevisions();
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      log.debug("Unable to remove helper secret");
    }
  }

  /**
   * Reads the provider's bag, registers its new secrets and writes the snapshot; says which events
   * fire. Everything that can be bad data is read before the snapshot is written, so a bag that
   * was refused is diffed again when it is fixed.
   */
  private decide(relation: Relation, appName: string, unitName: string | undefined): Decision | undefined {
    const remote = relation.data.get(this.remoteApp(relation));
    const bag = new RemoteBag(remote, { endpoint: relation.name, relationId: relation.id, from: appName });
    const own = relation.data.get(this.charm.unit);
    const ownBag = new RemoteBag(own, { endpoint: relation.name, relationId: relation.id, from: this.charm.unit.name });
    const old = snapshotOf(ownBag, "data");

    // Statuses the provider raised or resolved since the snapshot (the library's requirer base).
    const before = statusesOf(typeof old["status"] === "string" ? old["status"] : undefined, bag);
    const now = statusesOf(bag.text("status"), bag);
    const statuses: [RelationStatus, boolean][] = [
      ...now.filter((s) => !before.some((b) => b.code === s.code)).map((s): [RelationStatus, boolean] => [s, true]),
      ...before.filter((s) => !now.some((n) => n.code === s.code)).map((s): [RelationStatus, boolean] => [s, false]),
    ];

    // A subordinate provider serves once its unit says it is ready.
    if (bag.text("subordinated") === "true") {
      const unit = unitName ?? [...relation.units][0]?.name;
      const state = unit === undefined ? undefined : relation.data.get(this.charm.model.getUnit(unit)).get("state");
      if (state !== "ready") return { statuses, event: undefined };
    }

    const current = withoutData(bag.toObject());
    const diff = diffOf(old, current);
    for (const group of PROVIDER_GROUPS) {
      if (diff.added.has(secretField(group))) remoteSecret(this.charm.model, bag, relation, group, { label: true });
    }
    const providerSnapshot = snapshotOf(bag, "data");
    own.update({ data: pythonJson(current) });
    const helper = providerSnapshot["requested-entity-secret"];
    return {
      statuses,
      event: eventFor(diff, "entity-type" in providerSnapshot),
      helperSecret: typeof helper === "string" && helper !== "" ? helper : undefined,
    };
  }

  private remoteApp(relation: Relation): NonNullable<Relation["app"]> {
    const app = relation.app;
    if (app === undefined) throw new Error(`relation ${relation.toString()} has no remote application`);
    return app;
  }

  /**
   * The provider's data per relation, credentials read from its secrets (those asked for in
   * `requested-secrets`) and the rest from its bag; a credential whose secret is absent is read
   * from the bag (a provider without secrets). `fields` limits the keys.
   */
  fetchRelationData(relationIds?: readonly number[], fields?: readonly string[]): Record<number, Record<string, string>> {
    const out: Record<number, Record<string, string>> = {};
    for (const relation of this.selectRelations(relationIds)) {
      const app = relation.app;
      if (app === undefined) {
        out[relation.id] = {};
        continue;
      }
      const bag = new RemoteBag(relation.data.get(app), { endpoint: relation.name, relationId: relation.id, from: app.name });
      const ownBag = new RemoteBag(relation.data.get(this.charm.unit), {
        endpoint: relation.name,
        relationId: relation.id,
        from: this.charm.unit.name,
      });
      const requested = stringList(ownBag, "requested-secrets");
      const secretFields = requested !== undefined && requested.length > 0 ? requested : this.requestedSecrets;
      const all = bag.toObject();
      const wanted = fields ?? [...Object.keys(all).filter((key) => !key.startsWith("secret-")), ...secretFields];
      const result: Record<string, string> = {};
      const plain = new Set(wanted.filter((field) => !secretFields.includes(field)));
      for (const [group, groupFieldNames] of groupFields(wanted.filter((field) => secretFields.includes(field)))) {
        const content = remoteSecret(this.charm.model, bag, relation, group, { label: true })?.getContent({ refresh: true });
        if (content === undefined || Object.keys(content).length === 0) {
          for (const field of groupFieldNames) plain.add(field);
          continue;
        }
        for (const [key, value] of Object.entries(content)) if (secretFields.includes(key) && wanted.includes(key)) result[key] = value;
      }
      for (const field of plain) {
        const value = all[field];
        if (value !== undefined) result[field] = value;
      }
      out[relation.id] = result;
    }
    return out;
  }

  /** One field of the provider's data (from its secret or its bag). */
  fetchRelationField(relationId: number, field: string): string | undefined {
    return this.fetchRelationData([relationId], [field])[relationId]?.[field];
  }

  /**
   * Whether the provider has answered: username and password (or an entity name) are there. With
   * no id, whether every relation of the endpoint has (false when there is none).
   */
  isResourceCreated(relationId?: number): boolean {
    const relations = this.charm.model.relations(this.relationName);
    if (relationId !== undefined) {
      const relation = relations.find((r) => r.id === relationId);
      if (relation === undefined) throw new RangeError(`relation id ${relationId} cannot be accessed`);
      return this.createdFor(relation);
    }
    return relations.length > 0 && relations.every((relation) => this.createdFor(relation));
  }

  private createdFor(relation: Relation): boolean {
    if (relation.app === undefined) return false;
    const data = this.fetchRelationData([relation.id], ["username", "password", "entity-name", "entity-password"])[relation.id] ?? {};
    return (Boolean(data["username"]) && Boolean(data["password"])) || Boolean(data["entity-name"]);
  }

  private selectRelations(ids: readonly number[] | undefined): Relation[] {
    const relations = this.charm.model.relations(this.relationName);
    if (ids === undefined) return relations;
    return ids.map((id) => {
      const relation = relations.find((r) => r.id === id);
      if (relation === undefined) throw new RangeError(`relation ${this.relationName}:${id} couldn't be retrieved`);
      return relation;
    });
  }
}

type RequiresEventName =
  "databaseCreated" | "databaseEntityCreated" | "endpointsChanged" | "readOnlyEndpointsChanged" | "prefixDatabasesChanged";

interface Decision {
  readonly statuses: readonly [RelationStatus, boolean][];
  readonly event: RequiresEventName | undefined;
  /** The requested-entity secret the provider's snapshot of our bag names. */
  readonly helperSecret?: string | undefined;
}

/** The one event data_interfaces' requirer emits for a diff (the first that applies), if any. */
function eventFor(diff: Diff, entityRequested: boolean): RequiresEventName | undefined {
  const userShared = diff.added.has("secret-user") || (diff.added.has("username") && diff.added.has("password"));
  if (userShared && !entityRequested) return "databaseCreated";
  const entityShared = diff.added.has("secret-entity") || diff.added.has("entity-name");
  if (entityShared && entityRequested) return "databaseEntityCreated";
  const changed = (key: string): boolean => diff.added.has(key) || diff.changed.has(key);
  if (changed("endpoints")) return "endpointsChanged";
  if (changed("read-only-endpoints")) return "readOnlyEndpointsChanged";
  if (changed("prefix-databases")) return "prefixDatabasesChanged";
  return undefined;
}

function isCrossModel(relation: Relation, modelUuid: string): boolean {
  try {
    return relation.remoteModel.uuid !== modelUuid;
  } catch (error) {
    // relation-model-get came with Juju 3.6.2; without it, as the library, not cross-model.
    if (error instanceof ModelError) return false;
    throw error;
  }
}

function validateOptions(options: DatabaseRequiresOptions): void {
  if (options.requestedEntitySecret && (options.requestedEntityName || options.requestedEntityPassword)) {
    throw new TypeError("Unable to use provided and automated entity name secret");
  }
  if (options.requestedEntityPassword && !options.requestedEntityName) {
    throw new TypeError("Unable to set entity password without an entity name");
  }
  const entityType: string | undefined = options.entityType;
  if (entityType !== undefined && entityType !== "USER" && entityType !== "GROUP") {
    throw new TypeError("Invalid entity-type. Possible values are USER and GROUP");
  }
  if (options.entityType === "USER" && options.extraGroupRoles) {
    throw new TypeError("Inconsistent entity information. Use extraUserRoles instead");
  }
  if (options.entityType === "GROUP" && options.extraUserRoles) {
    throw new TypeError("Inconsistent entity information. Use extraGroupRoles instead");
  }
  if (options.entityPermissions) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(options.entityPermissions);
    } catch {
      throw new TypeError("Invalid entity permissions format. It must be JSON format");
    }
    const ok =
      Array.isArray(parsed) &&
      parsed.every(
        (p: unknown) => typeof p === "object" && p !== null && Object.keys(p).sort().join(",") === ENTITY_PERMISSION_KEYS.join(","),
      );
    if (!ok) throw new TypeError("Invalid entity permissions format. See accepted keys");
  }
}
