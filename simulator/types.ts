// The simulator's public option and record types: what `Simulator` takes and what it reports.

import type { HookTarget } from "../engine/hook-info.js";
import type { CharmClass } from "../runtime/dispatch.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import type { ToolCall } from "../fake-tools/server.js";
import type { LeftoverProcess } from "./leftover-processes.js";
import type { MachineIsolation } from "./machine-isolation.js";

export interface SimulatorOptions {
  /** Where the model lives (units' charm directories, machines, stored charms); a temporary directory by default. */
  readonly dir?: string;
  /** Keep the model in `<dir>/model.json` after every change, for `tscharm sim` (default: false). */
  readonly persistent?: boolean;
  /** Draws which unit runs next from a sequence seeded with this; undefined: round robin. */
  readonly seed?: number;
  /**
   * Extra environment for every hook, action and exec of every unit. `{machine}` in a value becomes
   * the directory that stands in for the unit's machine, `{unit}` the unit's name. Juju sets no
   * such variables: use them to point a charm's files away from `/etc` and `/var` here.
   */
  readonly env?: Readonly<Record<string, string>>;
  readonly modelName?: string;
  /** The Juju the model runs and JUJU_VERSION says: 3.6.x (default 3.6.4) or 4.x (docs/juju-versions.md). */
  readonly jujuVersion?: string;
  /** A hook running longer than this is killed and fails (default 120 000 ms). */
  readonly hookTimeoutMs?: number;
  /**
   * Whether each machine gets namespaces of its own (docs/simulator.md, "Machines of their own"):
   * `isolated` (its own mount namespace over an overlay of the host's system directories, its own
   * network namespace at the model's address for it; needs root), `shared` (every unit on this
   * host, as before), or `auto` (isolated when the simulator can, else shared, saying so once in
   * the debug log). Default: the TSCHARM_MACHINES environment variable, else `auto`. A model keeps
   * what was decided at its first hook.
   */
  readonly machines?: MachineIsolation;
}

export interface DeployOptions {
  /** The application name (default: the charm's name). */
  readonly app?: string;
  readonly numUnits?: number;
  readonly config?: Readonly<Record<string, ConfigValue>>;
  /** `juju deploy --trust`: credential-get may answer. */
  readonly trust?: boolean;
  /**
   * Runs this application's hooks and actions in this process, with this charm class (the one its
   * dispatch.ts gives `main()`), instead of starting its `dispatch` executable. The runtime, the
   * model and the commit are the same; what is skipped is the process: a hook costs about a
   * millisecond instead of tens, which is what a model of a hundred units needs (deploying N peers
   * runs ~2·N² hooks). During each hook `process.env` also holds the simulator's `env`. Hook
   * timeouts do not apply, and the debug log records the tools called, not their arguments.
   * Not kept in a persistent model.
   */
  readonly inProcess?: CharmClass;
}

/** An action or exec command run on a unit: what `juju run` / `juju exec` report. */
export interface TaskRecord {
  readonly id: string;
  readonly unit: string;
  readonly kind: "action" | "exec";
  /** The action's name, or the command line. */
  readonly name: string;
  readonly params: JsonObject;
  status: "pending" | "running" | "completed" | "failed";
  /** action-set results, plus `return-code`, `stdout` and `stderr` as Juju adds them. */
  results: JsonObject;
  message: string;
  /** action-log messages, each prefixed with its time as Juju shows them. */
  log: string[];
  readonly enqueued: string;
  started: string | undefined;
  completed: string | undefined;
}

/** One entry of the debug log: a hook, action or exec run, or something the controller did. */
export interface LogEntry {
  readonly seq: number;
  readonly time: string;
  /** The unit, or `controller`. */
  readonly unit: string;
  readonly kind: "hook" | "action" | "exec" | "controller";
  /** The hook or action name, the command line, or what the controller did. */
  readonly name: string;
  /** What the hook is about: `remote unit db/0`, `application db`, `secret …`, `storage data/0`; empty otherwise. */
  readonly detail: string;
  /** The process's exit code; undefined when nothing ran. */
  readonly exitCode: number | undefined;
  /** `ok`, `failed`, `commit failed: …`, `skipped` (resolve --no-retry), `timed out`, or empty for controller entries. */
  readonly outcome: string;
  readonly durationMs: number;
  readonly calls: readonly ToolCall[];
  readonly logs: readonly { readonly level: string; readonly message: string }[];
  readonly stdout: string;
  readonly stderr: string;
}

/** What `Simulator.dispatch` runs: a hook by name (with what it is about), or an action. */
export type DispatchRequest =
  /** A hook by name, with the ids of a hook to run (engine/hook-info.ts); `secret` may be any form of secret id. */
  ({ readonly hook: string } & Omit<HookTarget, "remoteApp">) | { readonly action: string; readonly params?: JsonObject };

/**
 * Whether a hook, action or exec of the log failed: it neither succeeded (`ok`) nor was skipped by
 * `resolve --no-retry`. Controller entries never fail.
 */
export function entryFailed(entry: LogEntry): boolean {
  return entry.kind !== "controller" && entry.outcome !== "ok" && !entry.outcome.startsWith("skipped");
}

export class SimulatorError extends Error {
  override name = "SimulatorError";
}

/** What `Simulator.destroy()` did: Juju's `destroy-model --force`, step by step. */
export interface TeardownReport {
  /** Units that ran their teardown hooks to the end (remove) and left. */
  readonly removed: readonly string[];
  /** Units removed by force, without the rest of their teardown, and why. */
  readonly forced: readonly { readonly unit: string; readonly reason: string }[];
  /** Processes the hooks had left running, stopped with SIGTERM (SIGKILL for those still running 2 s later). */
  readonly stopped: readonly LeftoverProcess[];
}
