// The error classes a charm author can catch: hook-tool failures, refused model operations, bad input.

/** Base class of every error raised by the model: a hook tool failed, or an operation was refused. */
export class ModelError extends Error {
  override name = "ModelError";
}

/**
 * A hook tool exited non-zero. Carries the tool name, its exit code and its stderr (never its argv
 * or stdin, which may hold relation data). Juju prefixes messages with `ERROR `; that prefix is
 * dropped from `message` but kept in `stderr`.
 */
export class HookToolError extends ModelError {
  override name = "HookToolError";
  constructor(
    readonly tool: string,
    readonly exitCode: number,
    readonly stderr: string,
    message = `${tool} failed (exit ${exitCode}): ${describeStderr(stderr)}`,
  ) {
    super(message);
  }
}

/** Exit code 2: the tool refused its arguments. This is a bug in the charm or in tscharm, not an outage. */
export class HookToolUsageError extends HookToolError {
  override name = "HookToolUsageError";
}

/** A `relation-*` or `network-get` call named a relation this unit is not in (any more). */
export class RelationNotFoundError extends HookToolError {
  override name = "RelationNotFoundError";
}

/** A `secret-*` call named a secret that does not exist or is not visible to this unit. */
export class SecretNotFoundError extends HookToolError {
  override name = "SecretNotFoundError";
}

/** An operation only the leader may perform, refused before any hook tool ran. */
export class NotLeaderError extends ModelError {
  override name = "NotLeaderError";
}

/** Base class of relation data errors. */
export class RelationDataError extends ModelError {
  override name = "RelationDataError";
}

/** A relation data key or value is not a string (Juju stores only strings). */
export class RelationDataTypeError extends RelationDataError {
  override name = "RelationDataTypeError";
}

/** This unit may not read or write that data bag (Juju's access rules, checked before any tool runs). */
export class RelationDataAccessError extends RelationDataError {
  override name = "RelationDataAccessError";
}

/** `getRelation(endpoint)` without an id when the endpoint has more than one relation. */
export class TooManyRelatedAppsError extends ModelError {
  override name = "TooManyRelatedAppsError";
}

/** Secret content or options that Juju would refuse (bad key, non-string value, too large, bad policy). */
export class InvalidSecretError extends ModelError {
  override name = "InvalidSecretError";
}

/** A status that cannot be set (`unknown`, `error`) or an unknown status name. */
export class InvalidStatusError extends ModelError {
  override name = "InvalidStatusError";
}

/** Action results that Juju would refuse (bad key, reserved key, duplicate after flattening). */
export class InvalidActionResultError extends ModelError {
  override name = "InvalidActionResultError";
}

/** The `JUJU_*` environment is missing something this event needs, or holds a malformed value. */
export class EnvironmentError extends Error {
  override name = "EnvironmentError";
}

/** `.unit-state.json` cannot be read or stored state cannot be serialised. */
export class StateError extends Error {
  override name = "StateError";
}

/** `framework.breakpoint(name)` with a name ops would refuse too: not `foo` or `foo-bar`, or a reserved one. */
export class BreakpointNameError extends Error {
  override name = "BreakpointNameError";
}

/** `JUJU_DEBUG_AT` asked to stop, but Node's inspector could not be opened (see docs/debugging.md). */
export class DebugCodeError extends Error {
  override name = "DebugCodeError";
}

function describeStderr(stderr: string): string {
  const text = stderr.trim().replace(/^ERROR\s+/, "");
  return text === "" ? "(no error message)" : text;
}

/**
 * Ends the dispatch at once with success, without saving the state file: thrown by
 * `unit.reboot({ now: true })` and by `loadConfig(…, { errors: "blocked" })`, as ops' internal
 * abort is. Juju does not retry the hook; what the hook told Juju so far (a status, say) stands.
 */
export class HookEnded extends Error {
  override name = "HookEnded";
}
