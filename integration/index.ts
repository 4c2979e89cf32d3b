// The public API of "tscharm/integration": drive a model, locally (the simulator) or on a real
// controller (the juju command line), with the same calls.

export {
  CLIError,
  CliJuju,
  Juju,
  LocalJuju,
  TaskError,
  WaitError,
  WaitTimeoutError,
  debugLogLines,
  getLeaderUnit,
  taskFromJuju,
  taskOf,
  type CliOptions,
  type DeployOptions,
  type LocalOptions,
  type RefreshOptions,
  type SimulatorOptions,
  type Task,
  type WaitOptions,
} from "./juju.js";
export {
  allActive,
  allAgentsIdle,
  allBlocked,
  allError,
  allMaintenance,
  allWaiting,
  anyActive,
  anyBlocked,
  anyError,
  anyMaintenance,
  anyWaiting,
  formatStatusTable,
  leaderOf,
  parseStatus,
  unitsOf,
  type AppStatus,
  type AppStatusRelation,
  type MachineStatus,
  type ModelStatus,
  type Status,
  type StatusInfo,
  type StatusPredicate,
  type UnitStatus,
} from "./status-types.js";
export {
  Simulator,
  SimulatorError,
  entryFailed,
  type DispatchRequest,
  type LogEntry,
  type TaskRecord,
  type TeardownReport,
} from "../simulator/simulator.js";
export type { LeftoverProcess } from "../simulator/leftover-processes.js";
export { type JujuStandInOptions, writeJujuStandIn } from "./juju-stand-in.js";
