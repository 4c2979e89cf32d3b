// Errors the test kit raises: the charm failed, an action failed, or the scenario cannot happen.

/** The charm threw (or Juju refused its changes): the hook failed, so nothing it buffered was committed. */
export class UncaughtCharmError extends Error {
  override name = "UncaughtCharmError";
  constructor(
    readonly event: string,
    override readonly cause: unknown,
  ) {
    super(`${event} failed: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}`, { cause });
  }
}

/** The action called `event.fail(message)`. Carries what the test needs to look at afterwards. */
export class ActionFailed<Output> extends Error {
  override name = "ActionFailed";
  constructor(
    override readonly message: string,
    /** The State after the event (Context) or the action's logs and results (Harness). */
    readonly output: Output,
  ) {
    super(message);
  }

  /** The State after the event, when the action ran in a Context (as in Scenario). */
  get state(): Output {
    return this.output;
  }
}
