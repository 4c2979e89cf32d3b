// @ts-check
// The local simulator's cost: the demo's 3-unit deploy, leader fail-over and password rotation
// (wall time, hooks run, hook-tool calls), next to baselines measured in the same run: the packed
// dispatch run bare with instant /bin/sh tools (what the hooks would cost with no simulator), and
// hook-tool calls from a shell on a unit (juju exec) against the same loop over /bin/sh stubs.
//
//   npm run build && node bench/sim.mjs [--runs 5]

import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { HOST_ARCH } from "../build.mjs";
import { pack } from "../cmd/pack.mjs";
import { Juju, allActive, allAgentsIdle, getLeaderUnit } from "tscharm/integration";

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const DISPATCH = join(ROOT, "dist", HOST_ARCH, "dispatch");
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 5;

if (!existsSync(DISPATCH) || !existsSync(join(ROOT, "lib", "sim", "simulator.js"))) {
  process.stderr.write("dist/ or lib/ is missing: run `npm run build` first\n");
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "tscharm-bench-sim-"));
const [packed] = await pack({ projectDir: ROOT, build: false, outputDir: work, platforms: [HOST_ARCH], log: () => undefined });
if (packed === undefined) throw new Error("pack wrote no charm");
const charm = packed.path;

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

/** @param {import("tscharm/integration").Status} status */
const settled = (status) => allActive(status, "demo") && allAgentsIdle(status, "demo");

/** One run of the story: per phase, wall time, hooks (and actions) run and tool calls made. */
async function story() {
  const juju = Juju.local({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" } });
  const simulator = await juju.simulator();
  /** @type {Record<string, { ms: number, hooks: number, calls: number }>} */
  const phases = {};
  let seen = 0;
  /** @param {string} name @param {() => Promise<unknown>} body */
  const phase = async (name, body) => {
    const t0 = performance.now();
    await body();
    await juju.wait(settled);
    const ms = performance.now() - t0;
    const entries = simulator.history().slice(seen).filter((entry) => entry.kind !== "controller");
    seen = simulator.history().length;
    phases[name] = { ms, hooks: entries.length, calls: entries.reduce((total, entry) => total + entry.calls.length, 0) };
  };
  try {
    await phase("deploy 3 units", () => juju.deploy(charm, { app: "demo", numUnits: 3 }));
    const leader = (await getLeaderUnit(juju, "demo")) ?? "";
    await phase("remove the leader", async () => {
      await juju.removeUnit(leader);
    });
    await phase("rotate-password", () => juju.run("demo/leader", "rotate-password"));
  } finally {
    await juju.close();
  }
  return phases;
}

/** A bare dispatch of update-status with /bin/sh tools that answer at once: the cost of a hook without the simulator. */
async function bareHook() {
  const dir = join(work, "bare");
  const bin = join(dir, "bin");
  if (!existsSync(bin)) {
    mkdirSync(join(dir, "charm"), { recursive: true });
    mkdirSync(bin);
    writeFileSync(join(bin, "stub"), "#!/bin/sh\ncase \"${0##*/}\" in is-leader) echo true ;; relation-ids) echo '[]' ;; esac\n");
    chmodSync(join(bin, "stub"), 0o755);
    for (const tool of ["is-leader", "relation-ids", "status-set", "juju-log", "config-get"]) symlinkSync("stub", join(bin, tool));
  }
  const t0 = performance.now();
  await run(DISPATCH, [], {
    cwd: join(dir, "charm"),
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      JUJU_DISPATCH_PATH: "hooks/update-status",
      JUJU_HOOK_NAME: "update-status",
      JUJU_UNIT_NAME: "demo/0",
      JUJU_MODEL_NAME: "bench",
      JUJU_MODEL_UUID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      JUJU_VERSION: "3.6.4",
      JUJU_CHARM_DIR: join(dir, "charm"),
      TSCHARM_DEMO_CONFIG_FILE: join(dir, "demo.conf"),
    },
  });
  return performance.now() - t0;
}

/** `is-leader` called 200 times in a row from bash: on a simulated unit (juju exec), and with /bin/sh stubs. */
async function toolCalls() {
  const loop = "for i in $(seq 200); do is-leader > /dev/null; done";
  const juju = Juju.local({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" } });
  const simulator = await juju.simulator();
  /** @type {number[]} */
  const viaSimulator = [];
  /** @type {number[]} */
  const viaStub = [];
  try {
    await juju.deploy(charm, { app: "demo", numUnits: 1 });
    await simulator.settle();
    for (let n = 0; n < 5; n++) {
      await simulator.runTask(simulator.enqueueExec("demo/0", loop).id);
      viaSimulator.push((simulator.history().at(-1)?.durationMs ?? 0) / 200);
      const t0 = performance.now();
      await run("/bin/bash", ["-c", loop], { env: { PATH: `${join(work, "bare", "bin")}:/usr/bin:/bin` } });
      viaStub.push((performance.now() - t0) / 200);
    }
  } finally {
    await juju.close();
  }
  return { simulator: median(viaSimulator), stub: median(viaStub) };
}

try {
  /** @type {Record<string, { ms: number[], hooks: number, calls: number }>} */
  const results = {};
  /** @type {number[]} */
  const bare = [];
  await story(); // warm-up: file caches, the dispatch's first start
  for (let n = 0; n < RUNS; n++) {
    for (const [name, phase] of Object.entries(await story())) {
      const entry = (results[name] ??= { ms: [], hooks: phase.hooks, calls: phase.calls });
      entry.ms.push(phase.ms);
    }
    for (let k = 0; k < 10; k++) bare.push(await bareHook());
  }
  const bareMs = median(bare);
  const tools = await toolCalls();

  const rows = [["phase", "wall (median)", "min", "max", "hooks", "tool calls", "ms/hook", "vs bare hooks"]];
  let total = 0;
  let hooks = 0;
  for (const [name, { ms, hooks: count, calls }] of Object.entries(results)) {
    const wall = median(ms);
    total += wall;
    hooks += count;
    rows.push([name, `${wall.toFixed(0)} ms`, Math.min(...ms).toFixed(0), Math.max(...ms).toFixed(0), String(count), String(calls), (wall / count).toFixed(1), `${(wall / (count * bareMs)).toFixed(2)}×`]);
  }
  rows.push(["whole story", `${total.toFixed(0)} ms`, "", "", String(hooks), "", (total / hooks).toFixed(1), `${(total / (hooks * bareMs)).toFixed(2)}×`]);
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  process.stdout.write(`The demo's cluster story on the simulator (${String(RUNS)} runs, packed ${HOST_ARCH} charm, Node ${process.version} driving)\n\n`);
  for (const row of rows) process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join("  ").trimEnd()}\n`);
  process.stdout.write(`\nbaseline: one bare dispatch of update-status with /bin/sh tools: ${bareMs.toFixed(1)} ms (median of ${String(bare.length)})\n`);
  process.stdout.write(`one hook-tool call from a shell on the unit (is-leader, 200 in a row): ${tools.simulator.toFixed(2)} ms through the simulator, ${tools.stub.toFixed(2)} ms for a /bin/sh stub (${(tools.simulator / tools.stub).toFixed(2)}×)\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
