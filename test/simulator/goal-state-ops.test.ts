// goal-state read by the real ops library: ops' own parser (ops.hookcmds.goal_state, which every
// `Application.planned_units()` goes through) runs inside a simulator unit's hook context, against the
// simulator's goal-state tool. ops is not a dependency of tscharm: the test uses an installed ops,
// or the `ops/` of a canonical/operator checkout named by TSCHARM_OPS_SRC, and says why it skips
// when it has neither. Only ops' hook-command modules are loaded (the whole package imports
// websocket-client and opentelemetry, which a checkout does not bring); nothing of ops is kept.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { Simulator } from "../../simulator/simulator.js";
import { recorderCharm } from "../support/recorder-charm.js";

/** A PYTHONPATH under which `import ops.hookcmds` works, or why there is none. */
function findOps(): { pythonPath: string } | { reason: string } {
  const python = spawnSync("python3", ["-c", "import ops.hookcmds"], { encoding: "utf8" });
  if (python.error !== undefined) return { reason: `python3 cannot be run (${python.error.message})` };
  if (python.status === 0) return { pythonPath: process.env["PYTHONPATH"] ?? "" };
  const source = process.env["TSCHARM_OPS_SRC"];
  if (source === undefined || source === "") {
    return { reason: "ops cannot be imported by python3 and TSCHARM_OPS_SRC (a canonical/operator checkout) is not set" };
  }
  const files = ["_private/timeconv.py", "hookcmds/_types.py", "hookcmds/_utils.py", "hookcmds/_other.py"];
  const missing = files.filter((file) => !existsSync(join(source, "ops", file)));
  if (missing.length > 0) return { reason: `TSCHARM_OPS_SRC=${source} has no ops/${missing.join(", ops/")}` };
  // A package holding just the modules the goal-state path imports, with empty __init__ files.
  const root = mkdtempSync(join(tmpdir(), "tscharm-ops-"));
  for (const dir of ["ops", "ops/_private", "ops/hookcmds"]) {
    mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, dir, "__init__.py"), "");
  }
  for (const file of files) copyFileSync(join(source, "ops", file), join(root, "ops", file));
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
  });
  return { pythonPath: root };
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

// What ops' Application.planned_units() computes (ops/model.py): the units of goal-state not dying.
const PROBE = [
  "from ops.hookcmds._other import goal_state",
  "state = goal_state()",
  "print(sum(1 for goal in state.units.values() if goal.status != 'dying'))",
  "print(sorted(state.relations))",
  "print(all(goal.since.tzinfo is not None for goal in state.units.values()))",
].join("; ");

describe("goal-state through ops", () => {
  test("ops parses the simulator's goal-state: planned units counted, every since a time", async (context) => {
    const ops = findOps();
    if ("reason" in ops) {
      context.skip(`skipped: ${ops.reason}`);
      return;
    }
    const charm = recorderCharm();
    const sim = await Simulator.create({ env: { CONTROL: charm.control } });
    cleanups.push(
      () => sim.close({ remove: true }),
      () => {
        rmSync(join(charm.control, ".."), { recursive: true, force: true });
      },
    );
    sim.deploy(charm.dir, { numUnits: 3 });
    await sim.settle();
    sim.removeUnit("recorder/2");
    const command = `PYTHONPATH=${JSON.stringify(ops.pythonPath)} python3 -c ${JSON.stringify(PROBE)} 2>&1`;
    const task = await sim.runTask(sim.enqueueExec("recorder/0", command).id);
    expect(task.results).toMatchObject({ "return-code": 0 });
    // recorder/2 is dying (or gone): ops plans 2 units; the peer relation is not in goal-state.
    expect(task.results["stdout"]).toBe("2\n[]\nTrue\n");
  });
});
