// The public API of "tscharm/testing": state-transition tests (Context, State) and the Harness.

export { Context, type ContextOptions, type EmittedEvent, type JujuLogLine } from "./context.js";
export { ContextEvent, ContextEvents } from "./events.js";
export { Harness, type ActionOutput, type HarnessOptions } from "./harness.js";
export { InconsistentScenarioError } from "./consistency.js";
export { ActionFailed, UncaughtCharmError } from "./errors.js";
export { FakeMachine, type FakeMachineOptions, type MachineCall } from "./fake-machine.js";
export type { FakePackageInit } from "./fake-machine-apt.js";
export {
  FAKE_PATH,
  FakeMachineError,
  type CommandCall,
  type CommandHandler,
  type CommandReply,
  type FakeProcess,
  type StartProcessOptions,
} from "./fake-machine-commands.js";
export type { FakeFile, FakeFileInit } from "./fake-machine-files.js";
export type { FakeGroupInit, FakeUserInit } from "./fake-machine-passwd.js";
export type { FakeSnapInit, FakeSnapState, FakeStoreSnap } from "./fake-machine-snap.js";
export type { FakeServiceInit, FakeServiceState } from "./fake-machine-systemd.js";
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
