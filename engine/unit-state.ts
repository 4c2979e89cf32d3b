// The unit's state in one hook: state-get, state-set and state-delete with Juju's quotas,
// buffered until commit.

import { MAX_CHARM_STATE_BYTES, MAX_STATE_KEY_BYTES, MAX_STATE_VALUE_BYTES } from "../grammar/unit-state.js";
import { type CommitChanges, CommitError, type HookConcept, type HookScope } from "./hook-scope.js";
import { bagBytes } from "./records.js";
import { fail } from "./tool-errors.js";

export class UnitState implements HookConcept {
  private readonly writes = new Map<string, string | undefined>();

  constructor(private readonly scope: HookScope) {}

  stateGet(): Record<string, string> {
    const state = { ...this.scope.model.unit(this.scope.unitName).state };
    for (const [key, value] of this.writes) {
      if (value === undefined) Reflect.deleteProperty(state, key);
      else state[key] = value;
    }
    return state;
  }

  stateSet(data: Readonly<Record<string, string>>): void {
    for (const [key, value] of Object.entries(data)) {
      checkStateEntry(key, value);
      this.writes.set(key, value);
    }
    this.scope.autoCommit();
  }

  stateDelete(key: string): void {
    this.writes.set(key, undefined);
    this.scope.autoCommit();
  }

  /** The controller's `max-charm-state-size` on the unit's whole state. */
  check(): void {
    const size = bagBytes(this.stateGet());
    // Juju's wording for this quota follows its key and value messages.
    if (size > MAX_CHARM_STATE_BYTES) throw new CommitError(`max allowed size (${MAX_CHARM_STATE_BYTES}) exceeded`);
  }

  apply(_changes: CommitChanges): void {
    this.scope.model.updateUnitState(this.scope.unitName, this.writes);
  }

  reset(): void {
    this.writes.clear();
  }
}

/** state-set's quota: keys up to 256 bytes, values up to 64 KiB (exit 1: the context checks it). */
export function checkStateEntry(key: string, value: string): void {
  if (Buffer.byteLength(key) > MAX_STATE_KEY_BYTES) fail("state-set", 1, `max allowed key length (${MAX_STATE_KEY_BYTES}) exceeded`);
  if (Buffer.byteLength(value) > MAX_STATE_VALUE_BYTES)
    fail("state-set", 1, `max allowed value length (${MAX_STATE_VALUE_BYTES}) exceeded`);
}
