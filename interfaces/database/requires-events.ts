// The requirer's events (data_interfaces v0's DatabaseCreatedEvent and siblings): each reads what
// the provider sent when a getter is called, as the library's events do — the credentials from the
// provider's secret of their group when there is one (with content), else from its app bag.

import { type BoundEvent, RelationEvent, customEvent } from "../../runtime/index.js";
import { RemoteBag } from "../common/data.js";
import { type SecretGroup, remoteSecret } from "./fields.js";

/** What the provider sent, read as data_interfaces' requirer events read it: secret first, then the bag. */
export class DatabaseRequiresEvent extends RelationEvent {
  private secretCache: Partial<Record<SecretGroup, Record<string, string> | null>> = {};

  private get bag(): RemoteBag | undefined {
    const app = this.relation.app;
    if (app === undefined) return undefined;
    return new RemoteBag(this.relation.data.get(app), { endpoint: this.relation.name, relationId: this.relation.id, from: app.name });
  }

  private plain(key: string): string | undefined {
    return this.bag?.text(key);
  }

  /** A credential: from the group's secret when the provider sent one (and it has content), else the bag. */
  private secretOr(group: SecretGroup, key: string): string | undefined {
    const bag = this.bag;
    if (bag === undefined) return undefined;
    if (!(group in this.secretCache)) {
      const secret = remoteSecret(this.scope.model, bag, this.relation, group);
      const content = secret?.getContent();
      this.secretCache[group] = content === undefined || Object.keys(content).length === 0 ? null : content;
    }
    const content = this.secretCache[group];
    return content === null || content === undefined ? bag.text(key) : content[key];
  }

  get database(): string | undefined {
    return this.plain("database");
  }
  /** `host:port[,host:port…]` for read/write (the primary). */
  get endpoints(): string | undefined {
    return this.plain("endpoints");
  }
  get readOnlyEndpoints(): string | undefined {
    return this.plain("read-only-endpoints");
  }
  /** MongoDB only. */
  get replset(): string | undefined {
    return this.plain("replset");
  }
  get version(): string | undefined {
    return this.plain("version");
  }
  /** The databases matching a requested prefix ([] when none). */
  get prefixDatabases(): string[] {
    const value = this.plain("prefix-databases");
    return value === undefined ? [] : value.split(",");
  }
  get username(): string | undefined {
    return this.secretOr("user", "username");
  }
  get password(): string | undefined {
    return this.secretOr("user", "password");
  }
  get uris(): string | undefined {
    return this.secretOr("user", "uris");
  }
  get readOnlyUris(): string | undefined {
    return this.secretOr("user", "read-only-uris");
  }
  /** Whether TLS is on, as the provider wrote it (`"True"`, `"true"`, `"False"`…). */
  get tls(): string | undefined {
    return this.secretOr("tls", "tls");
  }
  get tlsCa(): string | undefined {
    return this.secretOr("tls", "tls-ca");
  }
  get entityName(): string | undefined {
    return this.secretOr("entity", "entity-name");
  }
  get entityPassword(): string | undefined {
    return this.secretOr("entity", "entity-password");
  }
}

/** The provider created the database user: credentials and endpoints are there. */
export class DatabaseCreatedEvent extends DatabaseRequiresEvent {}
/** The provider created the custom entity asked for with `entityType`. */
export class DatabaseEntityCreatedEvent extends DatabaseRequiresEvent {}
export class DatabaseEndpointsChangedEvent extends DatabaseRequiresEvent {}
export class DatabaseReadOnlyEndpointsChangedEvent extends DatabaseRequiresEvent {}
export class DatabasePrefixDatabasesChangedEvent extends DatabaseRequiresEvent {}

/** The events of one aliased relation. */
export interface AliasedEvents {
  readonly databaseCreated: BoundEvent<DatabaseCreatedEvent>;
  readonly databaseEntityCreated: BoundEvent<DatabaseEntityCreatedEvent>;
  readonly endpointsChanged: BoundEvent<DatabaseEndpointsChangedEvent>;
  readonly readOnlyEndpointsChanged: BoundEvent<DatabaseReadOnlyEndpointsChangedEvent>;
  readonly prefixDatabasesChanged: BoundEvent<DatabasePrefixDatabasesChangedEvent>;
}

export function aliasedEvents(owner: string, alias: string): AliasedEvents {
  const prefix = alias.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  return {
    databaseCreated: customEvent(owner, `${prefix}-database-created`, DatabaseCreatedEvent),
    databaseEntityCreated: customEvent(owner, `${prefix}-database-entity-created`, DatabaseEntityCreatedEvent),
    endpointsChanged: customEvent(owner, `${prefix}-endpoints-changed`, DatabaseEndpointsChangedEvent),
    readOnlyEndpointsChanged: customEvent(owner, `${prefix}-read-only-endpoints-changed`, DatabaseReadOnlyEndpointsChangedEvent),
    prefixDatabasesChanged: customEvent(owner, `${prefix}-prefix-databases-changed`, DatabasePrefixDatabasesChangedEvent),
  };
}
