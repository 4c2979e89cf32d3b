// The `Juju` client of "tscharm/integration": the juju command line's verbs as methods, shaped like
// Jubilant's (https://github.com/canonical/jubilant). `Juju.local()` runs them on the simulator in
// this process; `Juju.cli({ model })` runs the real `juju` binary and parses its JSON. A test
// written against one runs against the other. The abstract client is juju-client.ts, the two
// clients local-juju.ts and cli-juju.ts; this module binds them to `Juju.local()` and `Juju.cli()`.

import { CliJuju } from "./cli-juju.js";
import { bindJujuClients } from "./juju-client.js";
import { LocalJuju } from "./local-juju.js";

bindJujuClients({ local: (options) => new LocalJuju(options), cli: (options) => new CliJuju(options) });

export type { DeployOptions, SimulatorOptions } from "../simulator/simulator.js";
export { CLIError, TaskError, TaskTimeoutError, WaitError, WaitTimeoutError } from "./errors.js";
export { CliJuju, type CliCallOptions, type CliOptions } from "./cli-juju.js";
export {
  Juju,
  getLeaderUnit,
  type AddModelOptions,
  type ClientDeployOptions,
  type DestroyModelOptions,
  type RefreshOptions,
  type RemoveApplicationOptions,
  type ShowSecretOptions,
  type TaskOptions,
  type TempModelOptions,
  type WaitOptions,
} from "./juju-client.js";
export { type Secret, type SecretAccess, type SecretRevision, parseSecrets } from "./secret-types.js";
export { type RelationData, type UnitInfo, type UnitRelationData, parseUnitInfo } from "./unit-types.js";
export { LocalJuju, type LocalOptions } from "./local-juju.js";
/** `juju debug-log` lines of the simulator's history (simulator/debug-log.ts). */
export { debugLogLines } from "../simulator/debug-log.js";
export { shellQuote } from "./shell-quote.js";
export { type Task, taskFromJuju, taskOf } from "./tasks.js";
