// Load: 100 units of the demo charm in the simulator, through repeated leader fail-overs and
// password rotations, with a fixed seed and random ones (printed, to replay a failure). After
// every step the cluster must be consistent: one leader, every unit active and configured from
// the leader's current secret revision, and tracking that revision.
//
// The demo runs in-process (DeployOptions.inProcess): the same runtime, model and commits as its
// dispatch executable, without 20,000 process starts per deploy.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { describe, expect, test } from "vitest";

import { Simulator } from "tscharm/integration";

import { DemoCharm, LEADER_KEY, PEER, SECRET_ID_KEY, SECRET_LABEL } from "../../hooks/demo-charm.js";
import { hashPassword } from "../../hooks/workload.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const UNITS = 100;
const CYCLES = 2;

/** The demo's admin credentials, as the simulated model holds them. */
const adminSecret = (simulator: Simulator) => [...simulator.model.secrets.values()].find((secret) => secret.label === SECRET_LABEL);

/** Every way the cluster could be inconsistent, as sentences; empty when it is not. */
function inconsistencies(simulator: Simulator): string[] {
  const problems: string[] = [];
  const model = simulator.model;
  const app = model.app("demo");
  const leader = app.leader;
  const units = [...model.units.values()].filter((unit) => unit.app === "demo");
  if (leader === undefined || !model.units.has(leader)) return [`no leader among ${String(units.length)} units`];

  const secret = adminSecret(simulator);
  if (secret === undefined) return ["the admin credentials do not exist"];
  const password = secret.revisions.get(secret.latest)?.["password"] ?? "";
  const peer = [...model.relations.values()].find((relation) => relation.ends.some((end) => end.app === "demo" && end.endpoint === PEER));
  const published = peer?.appData.get("demo") ?? {};
  if (published[LEADER_KEY] !== leader) problems.push(`the peer data names ${String(published[LEADER_KEY])} as leader, not ${leader}`);
  const secretId = published[SECRET_ID_KEY] ?? "";
  if (!secretId.endsWith(secret.xid)) problems.push(`the peer data names secret ${secretId}, not ${secret.xid}`);

  for (const unit of units) {
    const expected = unit.name === leader ? "I rule" : "I am ruled";
    if (unit.status.status !== "active" || unit.status.message !== expected) {
      problems.push(`${unit.name} is ${unit.status.status} "${unit.status.message}"`);
    }
    const file = join(simulator.machineDir(unit.machine), "etc", "demo.conf");
    const config = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (!config.includes(`leader = ${leader}\n`)) problems.push(`${unit.name}'s workload follows another leader`);
    if (!config.includes(`password-sha256 = ${hashPassword(password)}\n`)) problems.push(`${unit.name}'s workload has an old password`);
    // Followers read the secret and track the revision they read. The leader writes it: its
    // workload file (above) shows it has the latest; what it tracks is only what it last read.
    const tracked = secret.tracking.get(unit.name);
    if (unit.name !== leader && tracked !== secret.latest) {
      problems.push(`${unit.name} tracks revision ${String(tracked)} of ${String(secret.latest)}`);
    }
  }
  return problems;
}

/** The cluster story at scale: deploy, then fail-overs and rotations, checked after each step. */
async function story(seed: number): Promise<{ operations: number; revisions: number }> {
  const simulator = await Simulator.create({ seed, env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/demo.conf" } });
  const where = (step: string) => `seed ${String(seed)}, ${step}`;
  let operations = 0;
  try {
    simulator.deploy(ROOT, { app: "demo", numUnits: UNITS, inProcess: DemoCharm });
    operations += await simulator.settle({ maxOperations: 100 * UNITS * UNITS });
    expect(inconsistencies(simulator), where("after the deploy")).toEqual([]);

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const leader = simulator.model.app("demo").leader ?? "";
      simulator.removeUnit(leader);
      operations += await simulator.settle({ maxOperations: 100 * UNITS });
      expect(simulator.model.units.has(leader), where(`fail-over ${String(cycle)}`)).toBe(false);
      expect(inconsistencies(simulator), where(`after fail-over ${String(cycle)} (${leader} removed)`)).toEqual([]);

      const task = await simulator.runTask(simulator.enqueueAction("demo/leader", "rotate-password").id);
      expect(task.status, where(`rotation ${String(cycle)}`)).toBe("completed");
      operations += await simulator.settle({ maxOperations: 100 * UNITS });
      expect(inconsistencies(simulator), where(`after rotation ${String(cycle)}`)).toEqual([]);
    }
    const revisions = adminSecret(simulator)?.latest ?? 0;
    return { operations, revisions };
  } finally {
    await simulator.close();
  }
}

describe(`${String(UNITS)} units of the demo charm`, () => {
  const randomSeeds = [1, 2].map(() => Math.floor(Math.random() * 2 ** 31));
  for (const [kind, seed] of [["fixed", 20261123], ...randomSeeds.map((value) => ["random", value] as const)] as const) {
    test(`stay consistent through ${String(CYCLES)} fail-overs and rotations (${kind} seed ${String(seed)})`, async () => {
      const { operations, revisions } = await story(seed);
      // Each rotation adds a revision; deploying N peers alone takes ~2·N² operations.
      expect(revisions).toBe(1 + CYCLES);
      expect(operations).toBeGreaterThan(2 * (UNITS - 1) * (UNITS - 1));
    }, 300_000);
  }

  test("in-process, the demo runs the same hooks with the same tools and ends the same as its executable", async () => {
    /** The 3-unit story's debug log: each hook or action, its outcome, and the tools it called. */
    async function run(inProcess: boolean): Promise<{ log: string[]; consistent: string[] }> {
      const simulator = await Simulator.create({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/demo.conf" } });
      try {
        simulator.deploy(ROOT, { app: "demo", numUnits: 3, ...(inProcess ? { inProcess: DemoCharm } : {}) });
        await simulator.settle();
        simulator.removeUnit(simulator.model.app("demo").leader ?? "");
        await simulator.settle();
        await simulator.runTask(simulator.enqueueAction("demo/leader", "rotate-password").id);
        await simulator.settle();
        const log = simulator
          .history()
          .filter((entry) => entry.kind !== "controller")
          .map(
            (entry) =>
              `${entry.unit} ${entry.name.replace(/ \(task \d+\)$/, "")} ${entry.detail} ${entry.outcome}: ` +
              entry.calls.map((call) => call.tool).join(","),
          );
        return { log, consistent: inconsistencies(simulator) };
      } finally {
        await simulator.close();
      }
    }
    const executable = await run(false);
    const inProcess = await run(true);
    expect(executable.consistent).toEqual([]);
    expect(inProcess.consistent).toEqual([]);
    expect(inProcess.log).toEqual(executable.log);
    expect(inProcess.log.length).toBeGreaterThan(30);
  }, 120_000);

  test("the consistency check finds a unit left behind", async () => {
    const simulator = await Simulator.create({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/demo.conf" } });
    try {
      simulator.deploy(ROOT, { app: "demo", numUnits: 3, inProcess: DemoCharm });
      await simulator.settle();
      expect(inconsistencies(simulator)).toEqual([]);
      const follower = [...simulator.model.units.keys()].find((unit) => unit !== simulator.model.app("demo").leader) ?? "";
      adminSecret(simulator)?.tracking.set(follower, 0);
      expect(inconsistencies(simulator)).toEqual([`${follower} tracks revision 0 of 1`]);
    } finally {
      await simulator.close();
    }
  });
});
