// `juju destroy-model --force` in the simulator: every unit tears down, those that cannot are
// removed by force, and the processes the hooks left running are stopped.

import { existsSync, realpathSync } from "node:fs";

import type { SimulatorCore } from "./core.js";
import { findLeftoverProcesses, stopProcesses } from "./leftover-processes.js";
import { bury, dropEverything } from "./model-writes.js";
import { step } from "./scheduler.js";
import { SimulatorError, type TeardownReport } from "./types.js";
import { removeUnit } from "./verbs.js";

/** How long `destroy()` lets the units tear down before it removes the rest by force. */
const TEARDOWN_TIMEOUT_MS = 30_000;

/**
 * `juju destroy-model --force`: every unit becomes dying and runs its teardown as for
 * `remove-unit` (storage-detaching, relation-departed and -broken, stop, remove), then the
 * applications go; last, the processes the hooks left running are stopped, as destroying the
 * machines would. Never wedged by a charm: a unit whose teardown hook fails is removed by force
 * at once (Juju's --force removes what cannot shut down cleanly; the simulator does not retry
 * hooks), and after `timeoutMs` (default 30 s, hooks cut short by then) every unit still there
 * is removed by force. Everything is in the debug log; the directory stays (`close({ remove:
 * true })` deletes it).
 */
export async function destroy(core: SimulatorCore, options: { readonly timeoutMs?: number } = {}): Promise<TeardownReport> {
  if (core.closed) throw new SimulatorError("the simulator is closed: destroy the model before closing it");
  core.destroyed = true;
  // The machines go last, after the processes the hooks left running are reported.
  core.machines.deferRemoval = true;
  const timeoutMs = options.timeoutMs ?? TEARDOWN_TIMEOUT_MS;
  const forced: { unit: string; reason: string }[] = [];
  const removed: string[] = [];
  const units = Object.keys(core.book.agents);
  const force = (unit: string, reason: string): void => {
    forced.push({ unit, reason });
    core.note(`unit ${unit} removed by force: ${reason}`);
    bury(core, unit);
  };
  // Without its directory (deleted under it), the model can run nothing: only its processes are left to stop.
  if (existsSync(core.dir) && units.length > 0) {
    core.note("destroying the model: every unit tears down");
    for (const relation of core.model.relations.values()) core.book.dyingRelations.add(relation.id);
    // Subordinates die with their principals (remove-unit refuses them).
    removeUnit(core, ...units.filter((unit) => core.model.units.get(unit)?.principal === undefined));
    const deadline = Date.now() + timeoutMs;
    core.teardownDeadline = deadline;
    try {
      for (;;) {
        for (const [name, agent] of Object.entries(core.book.agents)) {
          if (agent.error !== undefined)
            force(name, `its ${agent.error.name} hook failed (destroy-model --force does not wait for a unit in error)`);
        }
        if (Object.keys(core.book.agents).length === 0) break;
        if (Date.now() >= deadline) {
          for (const name of Object.keys(core.book.agents)) force(name, `the teardown took longer than ${String(timeoutMs)} ms`);
          break;
        }
        if (!(await step(core))) {
          for (const name of Object.keys(core.book.agents)) force(name, "its agent has nothing left to run");
          break;
        }
      }
    } catch (error) {
      // Whatever went wrong, the model still goes and its processes are still stopped.
      for (const name of Object.keys(core.book.agents))
        force(name, `the teardown failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      core.teardownDeadline = undefined;
    }
    const forcedUnits = new Set(forced.map((entry) => entry.unit));
    removed.push(...units.filter((unit) => !forcedUnits.has(unit)));
  } else {
    for (const name of units) force(name, "the model directory is gone");
  }
  dropEverything(core);
  if (units.length > 0) core.note("model destroyed");
  const stopped = findLeftoverProcesses(core.model.uuid, realDir(core.dir));
  const killed = new Set((await stopProcesses(stopped)).map((entry) => entry.pid));
  for (const { pid, command } of stopped)
    core.note(`${killed.has(pid) ? "killed" : "stopped"} process ${String(pid)} the hooks left running: ${command}`);
  // Destroying the machines ends whatever else runs in them (a process that left the model's
  // environment and directories), with their namespaces, links and overlays.
  core.machines.removeAll();
  core.save();
  return { removed, forced, stopped };
}

/** The directory as /proc shows processes' working directories: symbolic links resolved. */
function realDir(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}
