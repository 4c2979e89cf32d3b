// The unit's own state file, `.unit-state.json`: stored state and deferred events, replaced atomically.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";

import { StateError } from "./errors.js";
import type { JsonObject, JsonValue } from "./meta.js";

export const STATE_FILE = ".unit-state.json";
const FORMAT_VERSION = 1;

/** One deferred (event, observer) pair, waiting to be re-emitted at the start of the next dispatch. */
export interface DeferredNotice {
  /** The event kind, e.g. `db-relation-changed`. */
  readonly kind: string;
  /** The observer's id: its handler's name (plus `#n` when several share it). */
  readonly observer: string;
  /** What the event needs to be rebuilt (relation id, remote unit, secret id, ...). */
  readonly snapshot: JsonObject;
}

/** Everything tscharm keeps between dispatches. */
export interface UnitState {
  readonly stored: Readonly<Record<string, JsonObject>>;
  readonly deferred: readonly DeferredNotice[];
}

export const EMPTY_STATE: UnitState = Object.freeze({ stored: Object.freeze({}), deferred: Object.freeze([]) });

/** Where the state lives: a file in production, memory in the test kit. */
export interface UnitStateStore {
  load(): UnitState;
  /** Persists `state`; called only when the dispatch succeeded. */
  save(state: UnitState): void;
}

/**
 * The state file. `save` writes nothing when the state did not change; otherwise it writes a temp
 * file (mode 0600), fsyncs it, renames it over the old one and fsyncs the directory, so a crash
 * leaves either the old file or the new one, never a torn one.
 */
export class FileStateStore implements UnitStateStore {
  private loadedText: string | undefined;

  constructor(readonly path: string) {}

  load(): UnitState {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        this.loadedText = serialize(EMPTY_STATE);
        return EMPTY_STATE;
      }
      throw new StateError(`cannot read ${this.path}: ${(error as Error).message}`);
    }
    this.loadedText = text;
    return parseState(text, this.path);
  }

  save(state: UnitState): void {
    const text = serialize(state);
    if (text === this.loadedText) return;
    const temp = `${this.path}.tmp`;
    rmSync(temp, { force: true });
    const fd = openSync(temp, "wx", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    const dir = openSync(dirname(this.path), "r");
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
    this.loadedText = text;
  }
}

/** Keeps the state in memory (for tests and tools that run dispatches in-process). */
export class MemoryStateStore implements UnitStateStore {
  constructor(public state: UnitState = EMPTY_STATE) {}

  load(): UnitState {
    return this.state;
  }

  save(state: UnitState): void {
    this.state = state;
  }
}

export function serialize(state: UnitState): string {
  return `${JSON.stringify({ version: FORMAT_VERSION, stored: state.stored, deferred: state.deferred }, null, 2)}\n`;
}

export function parseState(text: string, source: string): UnitState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StateError(`${source} is not valid JSON; it was not written by tscharm or was edited by hand`);
  }
  if (!isObject(raw) || raw["version"] !== FORMAT_VERSION) {
    throw new StateError(`${source} is not a tscharm state file of version ${FORMAT_VERSION}`);
  }
  const stored: unknown = raw["stored"];
  const deferred: unknown = raw["deferred"];
  if (!isObject(stored) || !Object.values(stored).every(isObject)) {
    throw new StateError(`${source}: "stored" must map names to objects`);
  }
  if (!isNoticeList(deferred)) {
    throw new StateError(`${source}: "deferred" must be a list of {kind, observer, snapshot}`);
  }
  return { stored: stored as Record<string, JsonObject>, deferred };
}

function isObject(value: unknown): value is Record<string, JsonValue> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNoticeList(value: unknown): value is DeferredNotice[] {
  return (
    Array.isArray(value) &&
    value.every(
      (item: unknown) =>
        isObject(item) && typeof item["kind"] === "string" && typeof item["observer"] === "string" && isObject(item["snapshot"]),
    )
  );
}
