// The public API of "tscharm/testing": state-transition tests (Context, State) and the Harness.

export { Context, type ContextOptions, type EmittedEvent, type JujuLogLine } from "./context.js";
export { ContextEvent, ContextEvents } from "./events.js";
export { Harness, type ActionOutput, type HarnessOptions } from "./harness.js";
export { InconsistentScenarioError } from "./consistency.js";
export { ActionFailed, UncaughtCharmError } from "./errors.js";
export type { MetaOptions } from "./charm-meta.js";
export {
  DEFAULT_UNIT_BAG,
  DeferredEvent,
  Network,
  PeerRelation,
  Relation,
  Secret,
  State,
  Storage,
  StoredState,
  SubordinateRelation,
  type AnyRelation,
  type DataBag,
  type StateInit,
} from "./state.js";
