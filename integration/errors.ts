// The errors of "tscharm/integration": a task that did not succeed, a wait that failed or timed
// out, a `juju` command that exited non-zero.

import type { Status } from "./status-types.js";
import type { Task } from "./tasks.js";

/** An action or command that did not succeed; `task` says how. */
export class TaskError extends Error {
  override name = "TaskError";
  constructor(readonly task: Task) {
    super(
      `task ${task.id} ${task.status} (return code ${String(task.returnCode)})` +
        `${task.message === "" ? "" : `: ${task.message}`}${task.stderr === "" ? "" : `\n${task.stderr}`}`,
    );
  }
}

/**
 * `wait` saw its `error` condition, or the model can never satisfy the condition. The message
 * names every unit that is not active (in error and blocked first) with its status message, and,
 * locally, what the failed hook logged and printed; `status` is the status that ended the wait.
 */
export class WaitError extends Error {
  override name = "WaitError";
  constructor(
    message: string,
    readonly status: Status | undefined,
  ) {
    super(message);
  }
}

/** `wait` gave up after its timeout; the message tells the state of the units as `WaitError` does. */
export class WaitTimeoutError extends Error {
  override name = "WaitTimeoutError";
  constructor(
    message: string,
    readonly status: Status | undefined,
  ) {
    super(message);
  }
}

/** `juju` exited non-zero. */
export class CLIError extends Error {
  override name = "CLIError";
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`juju ${args.join(" ")} exited with ${String(exitCode)}: ${stderr.trim()}`);
  }
}

/**
 * `run` or `exec` with `wait` gave up before the task finished (Juju: "timed out waiting for
 * results"); the task may still run.
 */
export class TaskTimeoutError extends Error {
  override name = "TaskTimeoutError";
}
