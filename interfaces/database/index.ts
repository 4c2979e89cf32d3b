// tscharm/interfaces/database: the postgresql_client / mysql_client interfaces (data_interfaces v0
// on the wire), for an application charm (DatabaseRequires) and a database charm (DatabaseProvides).

export { DatabaseRequires, type DatabaseRequiresOptions } from "./requires.js";
export {
  type AliasedEvents,
  DatabaseCreatedEvent,
  DatabaseEndpointsChangedEvent,
  DatabaseEntityCreatedEvent,
  DatabasePrefixDatabasesChangedEvent,
  DatabaseReadOnlyEndpointsChangedEvent,
  DatabaseRequiresEvent,
} from "./requires-events.js";
export {
  DatabaseEntityPermissionsChangedEvent,
  DatabaseEntityRequestedEvent,
  DatabaseProvides,
  DatabaseProvidesEvent,
  DatabaseRequestedEvent,
  PrematureDataAccessError,
} from "./provides.js";
export { type RelationStatus, StatusEvent } from "./status.js";
export { type SecretGroup, secretLabel } from "./fields.js";
export { InterfaceDataError } from "../common/data.js";
