// Small helpers shared by the tests of the engine (sim/hook-context.ts) and its fake tools.

import { CommitError, type HookContext } from "../../engine/hook-context.js";

/** The value, or a failed test naming what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

/** The CommitError a commit threw; fails the test if the commit succeeded. */
export function commitRefusal(context: HookContext): CommitError {
  try {
    context.commit();
  } catch (error) {
    if (error instanceof CommitError) return error;
    throw error;
  }
  throw new Error("expected the commit to be refused, but it succeeded");
}
