// The public API of "tscharm": what a charm's dispatch.ts and handlers import.

export { CharmBase, CharmEvents, type CharmTypes, type UntypedCharm } from "./charm.js";
export { main, runDispatch, type CharmClass, type DispatchOptions, type DispatchResult } from "./dispatch.js";
export { BoundEvent, Framework, customEvent, type Handler, type JsonCompatible } from "./framework.js";
export {
  ActionEvent,
  CollectMetricsEvent,
  CollectStatusEvent,
  ConfigChangedEvent,
  CustomHookEvent,
  EventBase,
  type EventClass,
  HookEvent,
  InstallEvent,
  LeaderElectedEvent,
  LeaderSettingsChangedEvent,
  PostSeriesUpgradeEvent,
  PreSeriesUpgradeEvent,
  RelationBrokenEvent,
  RelationChangedEvent,
  RelationCreatedEvent,
  RelationDepartedEvent,
  RelationEvent,
  RelationJoinedEvent,
  RemoveEvent,
  SecretChangedEvent,
  SecretEvent,
  SecretExpiredEvent,
  SecretRemoveEvent,
  SecretRotateEvent,
  StartEvent,
  StopEvent,
  StorageAttachedEvent,
  StorageDetachingEvent,
  StorageEvent,
  UpdateStatusEvent,
  UpgradeCharmEvent,
} from "./events.js";
export { Application, Model, Unit, type CloudSpec } from "./model.js";
export { InvalidConfigError, type ConfigIssue, type StandardSchemaV1 } from "./config.js";
export { Relation, RelationData, RelationDataContent, type RemoteModel } from "./relations.js";
export { Secret, type SecretInfo, type SecretOptions, type SecretOwner, type SecretRotatePolicy } from "./secrets.js";
export { Binding, Network } from "./network.js";
export { JujuStorages, Storage } from "./storage.js";
export {
  ActiveStatus,
  BlockedStatus,
  ErrorStatus,
  MaintenanceStatus,
  StatusBase,
  UnknownStatus,
  WaitingStatus,
  type StatusName,
} from "./status.js";
export { log } from "./log.js";
export type { ActionResults, ActionResultValue } from "./actions.js";
export type { CharmMeta, ConfigValue, JsonObject, JsonValue } from "./meta.js";
export type { LogLevel, PortRange, Protocol } from "./hook-tools/index.js";
export type { Clock } from "./leadership.js";
export { DEBUG_PORT, DEBUG_PORT_ENV } from "./debug-code.js";
export {
  BreakpointNameError,
  DebugCodeError,
  EnvironmentError,
  HookToolError,
  HookToolUsageError,
  InvalidActionResultError,
  InvalidSecretError,
  InvalidStatusError,
  ModelError,
  NotLeaderError,
  RelationDataAccessError,
  RelationDataError,
  RelationDataTypeError,
  RelationNotFoundError,
  SecretNotFoundError,
  StateError,
  TooManyRelatedAppsError,
} from "./errors.js";
export type { HookTools, ToolRunner, ToolResult } from "./hook-tools/index.js";
export { ProcessHookTools } from "./hook-tools/index.js";
export { FileStateStore, MemoryStateStore, type DeferredNotice, type UnitState, type UnitStateStore } from "./state-file.js";
