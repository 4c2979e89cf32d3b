// The simulator's saved state: one shape (`<dir>/model.json`, format 1), reading and writing it,
// and the lock file that gives a persistent model to one process at a time. Models saved before the
// simulator was split into modules load unchanged (test/simulator/store.test.ts).

import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import type { JsonValue } from "../runtime/meta.js";
import { SimulatorError, type LogEntry, type TaskRecord } from "./types.js";
import type { AgentState } from "./uniter.js";

/** Which charm an application runs, and the versions its units converge to. */
export interface AppState {
  charm: { origin: string; dir: string; revision: number };
  charmVersion: number;
  /** The last refresh was `--force-units`: units in error take the new charm at once. */
  forceUnits?: boolean;
  configVersion: number;
  leaderSettingsVersion: number;
  nextUnit: number;
  /** `juju remove-application` has begun: the application is dying, and goes once its units and relations have. */
  removing?: { readonly force: boolean; readonly destroyStorage: boolean };
}

/** What the simulator keeps besides the engine's model: the controller's and the unit agents' bookkeeping. */
export interface Bookkeeping {
  apps: Record<string, AppState>;
  agents: Record<string, AgentState>;
  /** How many times each relation bag changed, by `<relation id>/<unit>` or `<relation id>/app:<app>`. */
  bagVersions: Record<string, number>;
  /** Relations being removed: they go once no unit holds them any more. */
  dyingRelations: Set<number>;
  updateStatusVersions: Record<string, number>;
  tasks: Record<string, TaskRecord>;
  nextTask: number;
  nextStorage: number;
  log: LogEntry[];
  /** The scheduler's place in the unit order. */
  cursor: number;
  /** Where the seeded random sequence is. */
  random: number;
  /** When each status last changed, for `juju status`'s `since`. */
  since: Record<string, { key: string; since: string }>;
}

/** The options a persistent model keeps. */
export interface SavedOptions {
  seed?: number;
  env?: Record<string, string>;
  hookTimeoutMs?: number;
}

/** Everything the simulator keeps, as JSON: `<dir>/model.json`. */
export interface SavedState {
  readonly format: 1;
  readonly options: SavedOptions;
  readonly model: JsonValue;
  readonly apps: Record<string, AppState>;
  readonly agents: Record<string, AgentState>;
  readonly bagVersions: Record<string, number>;
  readonly dyingRelations: number[];
  readonly updateStatusVersions: Record<string, number>;
  readonly tasks: Record<string, TaskRecord>;
  readonly nextTask: number;
  readonly nextStorage: number;
  readonly log: LogEntry[];
  readonly cursor: number;
  readonly random: number;
  readonly since: Record<string, { key: string; since: string }>;
}

export const MODEL_FILE = "model.json";

/** A fresh model's bookkeeping. */
export function newBookkeeping(random: number): Bookkeeping {
  return {
    apps: {},
    agents: {},
    bagVersions: {},
    dyingRelations: new Set(),
    updateStatusVersions: {},
    tasks: {},
    nextTask: 1,
    nextStorage: 0,
    log: [],
    cursor: 0,
    random,
    since: {},
  };
}

/** Reads `<dir>/model.json`: the options, the engine's model as JSON, and the bookkeeping. */
export function readSavedState(file: string): { options: SavedOptions; model: JsonValue; book: Bookkeeping } {
  const saved = JSON.parse(readFileSync(file, "utf8")) as SavedState;
  if ((saved as { format: unknown }).format !== 1) throw new SimulatorError(`${file} was written by another version of tscharm`);
  return {
    options: saved.options,
    model: saved.model,
    book: {
      apps: saved.apps,
      agents: saved.agents,
      bagVersions: saved.bagVersions,
      dyingRelations: new Set(saved.dyingRelations),
      updateStatusVersions: saved.updateStatusVersions,
      tasks: saved.tasks,
      nextTask: saved.nextTask,
      nextStorage: saved.nextStorage,
      log: saved.log,
      cursor: saved.cursor,
      random: saved.random,
      since: saved.since,
    },
  };
}

/** Writes `<dir>/model.json` through a temporary file; mode 0600: it holds secret content. */
export function writeSavedState(dir: string, options: SavedOptions, model: JsonValue, book: Bookkeeping): void {
  const saved: SavedState = {
    format: 1,
    options,
    model,
    apps: book.apps,
    agents: book.agents,
    bagVersions: book.bagVersions,
    dyingRelations: [...book.dyingRelations],
    updateStatusVersions: book.updateStatusVersions,
    tasks: book.tasks,
    nextTask: book.nextTask,
    nextStorage: book.nextStorage,
    log: book.log,
    cursor: book.cursor,
    random: book.random,
    since: book.since,
  };
  const file = join(dir, MODEL_FILE);
  const temporary = `${file}.${String(process.pid)}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(saved)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

const LOCK_FILE = ".lock";

/**
 * Takes a persistent model's directory for this process, waiting while another holds it: two
 * `tscharm sim` commands on one model (a test's concurrent `juju exec`s through a stand-in, say)
 * run one after the other instead of overwriting each other's changes. A lock whose process is
 * gone is taken over.
 */
export async function lockModel(dir: string, timeoutMs = 300_000): Promise<void> {
  const lock = join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    let holder: number;
    try {
      holder = Number(readFileSync(lock, "utf8"));
    } catch {
      continue; // released meanwhile
    }
    if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) throw new SimulatorError(`the model in ${dir} is in use by process ${String(holder)}`);
    await new Promise((done) => setTimeout(done, 25));
  }
}

export function unlockModel(dir: string): void {
  const lock = join(dir, LOCK_FILE);
  try {
    if (readFileSync(lock, "utf8") === String(process.pid)) rmSync(lock, { force: true });
  } catch {
    // Not held.
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
