// Which unit runs next: round robin over the units in order, or drawn from a seeded random sequence
// (the same seed, the same interleaving); one step runs one operation, settle runs until all idle.

import { byUnitNumber } from "../grammar/names.js";
import { remoteView } from "./controller-view.js";
import type { SimulatorCore } from "./core.js";
import { execute } from "./operations.js";
import { taskById } from "./verbs.js";
import { SimulatorError, type TaskRecord } from "./types.js";
import { type Operation, nextOperation } from "./uniter.js";

export function unitOrder(core: SimulatorCore): string[] {
  return [...core.model.units.keys()].sort(byUnitNumber);
}

/**
 * Round robin: the first unit at or after the cursor, in the model's unit order, that has an
 * operation to run. Units are asked in turn and only until one has something to do: asking a
 * unit builds its view of the model, which grows with the model, so asking all of them at every
 * step made a 100-unit deploy cost O(units⁴) (bench/sim.mjs; docs/performance.md).
 */
export function nextInTurn(core: SimulatorCore): [string, Operation] | undefined {
  const units = unitOrder(core);
  for (let k = 0; k < units.length; k++) {
    const unit = units[(core.book.cursor + k) % units.length] as string;
    const agent = core.book.agents[unit];
    if (agent === undefined) continue;
    const op = nextOperation(agent, remoteView(core.model, core.book, unit));
    if (op !== undefined) return [unit, op];
  }
  return undefined;
}

/**
 * With a seed: a unit drawn from the seeded sequence, or the first after it in turn that has
 * something to do. The same seed gives the same interleaving; each step asks only as many units
 * as it takes to find work, as round robin does.
 */
export function randomPick(core: SimulatorCore): [string, Operation] | undefined {
  const units = unitOrder(core);
  core.book.cursor = Math.floor(nextRandom(core) * units.length);
  return nextInTurn(core);
}

export function nextRandom(core: SimulatorCore): number {
  const { state, value } = mulberry32(core.book.random);
  core.book.random = state;
  return value;
}

/** Whether any unit has something to run. */
export function busy(core: SimulatorCore): boolean {
  return nextInTurn(core) !== undefined;
}

/** Runs one operation of one unit; false when every unit is idle. */
export async function step(core: SimulatorCore): Promise<boolean> {
  const chosen = core.options.seed === undefined ? nextInTurn(core) : randomPick(core);
  if (chosen === undefined) return false;
  if (core.options.seed === undefined) {
    const units = unitOrder(core);
    core.book.cursor = (units.indexOf(chosen[0]) + 1) % Math.max(units.length, 1);
  }
  await execute(core, chosen[0], chosen[1]);
  core.save();
  return true;
}

/** Runs operations until every unit is idle; refuses to run more than `maxOperations` (a charm that never settles). */
export async function settle(core: SimulatorCore, options: { maxOperations?: number } = {}): Promise<number> {
  const limit = options.maxOperations ?? 10_000;
  let count = 0;
  while (await step(core)) {
    if (++count >= limit && busy(core)) {
      const recent = core.book.log
        .slice(-5)
        .map((entry) => `${entry.unit} ${entry.name}`)
        .join(", ");
      throw new SimulatorError(`the model did not settle after ${String(limit)} operations (latest: ${recent})`);
    }
  }
  return count;
}

/** Runs the model until the task has finished; returns it. */
export async function runTask(core: SimulatorCore, id: string): Promise<TaskRecord> {
  const task = taskById(core, id);
  while (task.status === "pending" || task.status === "running") {
    if (!(await step(core))) {
      const agent = core.book.agents[task.unit];
      const why = agent === undefined ? "is gone" : agent.installed ? "is not running operations" : "is not installed yet";
      throw new SimulatorError(`task ${id} cannot run: unit ${task.unit} ${why}`);
    }
  }
  return task;
}

/**
 * One step of mulberry32: small, fast, and the same sequence for the same seed on every platform.
 * The state is a plain number so that a persistent model can save where its sequence is.
 */
export function mulberry32(state: number): { state: number; value: number } {
  const next = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(next ^ (next >>> 15), next | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { state: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}
