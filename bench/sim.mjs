// @ts-check
// The local simulator's cost, with baselines measured in the same run:
//
// - the demo's cluster story on the packed charm (3-unit deploy, leader fail-over, password
//   rotation): wall time, hooks, tool calls per phase, next to the same number of bare dispatches
//   with instant /bin/sh tools (what the hooks would cost with no simulator);
// - throughput and growth: a peer-relation fan-out with 10, 30 and 100 units of bench/fan-charm,
//   whose dispatch is a few lines of sh, so the figures are the simulator's own (scheduling, hook
//   tools, commits); deploying N peers runs about 2·N² hooks, then one leader write fans out to N-1;
// - one hook-tool call from a shell on a unit (juju exec) against the same loop over a /bin/sh stub.
//
//   npm run build && node bench/sim.mjs [--runs 5] [--units 10,30,100]

import { execFile } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { arch, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { Juju, Simulator, allActive, allAgentsIdle, getLeaderUnit } from "tscharm/integration";
import { fanCharm, fixed, isMain, median, option, table } from "./lib.mjs";

const run = promisify(execFile);
const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const HOST_ARCH = arch() === "arm64" ? "arm64" : "amd64";
const DISPATCH = join(ROOT, "dist", HOST_ARCH, "dispatch");

/**
 * @typedef {{ ms: number, hooks: number, calls: number }} Phase
 * @typedef {{
 *   runs: number,
 *   story: { name: string, ms: number[], hooks: number, calls: number }[],
 *   bareMs: number,
 *   bareRuns: number,
 *   toolCall: { simulator: number, stub: number },
 *   fanOut: { units: number, deploy: Phase, fanOut: Phase }[],
 * }} SimBench
 */

/**
 * @param {{ runs: number, units: readonly number[], log?: (line: string) => void }} options
 * @returns {Promise<SimBench>}
 */
export async function benchSim({ runs, units, log = () => undefined }) {
  if (!existsSync(DISPATCH) || !existsSync(join(ROOT, "lib", "simulator", "simulator.js"))) {
    throw new Error("dist/ or lib/ is missing: run `npm run build` first");
  }
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-sim-"));
  try {
    // Packed by the CLI in its own process: this one stays as light as an integration test's. The
    // simulator starts every hook with fork+exec, which costs more the more memory the driving
    // process has mapped: with the packer (esbuild, TypeScript) loaded here, a hook of the fan
    // charm took 14-22 ms instead of 8.
    await run(process.execPath, [
      join(ROOT, "cmd", "tscharm.mjs"),
      "pack",
      "--no-build",
      "--platform",
      HOST_ARCH,
      "--output-dir",
      work,
      ROOT,
    ]);
    const charm = readdirSync(work).find((name) => name.endsWith(".charm"));
    if (charm === undefined) throw new Error("tscharm pack wrote no charm");
    const packed = { path: join(work, charm) };
    const stub = stubTools(work);

    /** @type {Map<string, { ms: number[], hooks: number, calls: number }>} */
    const story = new Map();
    /** @type {number[]} */
    const bare = [];
    log("the demo story: one warm-up run");
    await demoStory(packed.path);
    for (let n = 0; n < runs; n++) {
      log(`the demo story: run ${String(n + 1)} of ${String(runs)}, then 10 bare dispatches`);
      for (const [name, phase] of Object.entries(await demoStory(packed.path))) {
        const entry = story.get(name) ?? { ms: [], hooks: phase.hooks, calls: phase.calls };
        entry.ms.push(phase.ms);
        story.set(name, entry);
      }
      for (let k = 0; k < 10; k++) bare.push(await bareHook(work, stub));
    }
    log("one tool call from a shell, 200 times in a row, 5 rounds");
    const toolCall = await toolCalls(packed.path, stub);
    /** @type {SimBench["fanOut"]} */
    const fanOut = [];
    for (const count of units) {
      log(`peer fan-out with ${String(count)} units`);
      fanOut.push({ units: count, ...(await peerFanOut(count, fanCharm(work), work)) });
    }
    return {
      runs,
      story: [...story].map(([name, entry]) => ({ name, ...entry })),
      bareMs: median(bare),
      bareRuns: bare.length,
      toolCall,
      fanOut,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** @param {import("tscharm/integration").Status} status */
const settled = (status) => allActive(status, "demo") && allAgentsIdle(status, "demo");

/**
 * One run of the demo's story, each phase waited on until every unit is active and idle.
 * @param {string} charm
 * @returns {Promise<Record<string, Phase>>}
 */
async function demoStory(charm) {
  const juju = Juju.local({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" } });
  const simulator = await juju.simulator();
  /** @type {Record<string, Phase>} */
  const phases = {};
  let seen = 0;
  /** @param {string} name @param {() => Promise<unknown>} body */
  const phase = async (name, body) => {
    const t0 = performance.now();
    await body();
    await juju.wait(settled);
    const ms = performance.now() - t0;
    const entries = simulator
      .history()
      .slice(seen)
      .filter((entry) => entry.kind !== "controller");
    seen = simulator.history().length;
    phases[name] = { ms, hooks: entries.length, calls: entries.reduce((total, entry) => total + entry.calls.length, 0) };
  };
  try {
    await phase("deploy 3 units", () => juju.deploy(charm, { app: "demo", numUnits: 3 }));
    const leader = (await getLeaderUnit(juju, "demo")) ?? "";
    await phase("remove the leader (fail-over)", () => juju.removeUnit(leader));
    await phase("rotate-password on demo/leader", () => juju.run("demo/leader", "rotate-password"));
  } finally {
    await juju.close();
  }
  return phases;
}

/**
 * Deploys `count` units of the fan charm and settles, then changes the config so that the leader
 * writes the peer application data once and every other unit reads it. Hooks and tool calls are
 * counted from the charm's own log: the simulator's history keeps only its latest entries.
 * @param {number} count
 * @param {string} charm the fan charm, from fanCharm()
 * @param {string} work
 */
async function peerFanOut(count, charm, work) {
  const fanLog = join(work, `fan-${String(count)}.log`);
  const simulator = await Simulator.create({ env: { FAN_LOG: fanLog } });
  const logged = () => (existsSync(fanLog) ? readFileSync(fanLog, "utf8").trim().split("\n") : []);
  try {
    /** @param {() => void} body @returns {Promise<Phase>} */
    const measure = async (body) => {
      const seen = logged().length;
      const t0 = performance.now();
      body();
      await simulator.settle({ maxOperations: 10 * count * count + 1000 });
      const ms = performance.now() - t0;
      const hooks = logged().slice(seen);
      return { ms, hooks: hooks.length, calls: hooks.reduce((total, line) => total + Number(line.split(" ")[1]), 0) };
    };
    const deploy = await measure(() => simulator.deploy(charm, { numUnits: count }));
    const fanOut = await measure(() => {
      simulator.setConfig("fan", { greeting: "bonjour" });
    });
    return { deploy, fanOut };
  } finally {
    await simulator.close();
  }
}

/** Instant /bin/sh stand-ins for the tools a bare dispatch or a shell loop calls. @param {string} work */
function stubTools(work) {
  const bin = join(work, "stub-bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "stub"), "#!/bin/sh\ncase \"${0##*/}\" in is-leader) echo true ;; relation-ids) echo '[]' ;; esac\n");
  chmodSync(join(bin, "stub"), 0o755);
  for (const tool of ["is-leader", "relation-ids", "status-set", "juju-log", "config-get"]) symlinkSync("stub", join(bin, tool));
  return bin;
}

/**
 * A bare dispatch of update-status with instant tools: the cost of a hook without the simulator.
 * @param {string} work
 * @param {string} bin
 */
async function bareHook(work, bin) {
  const charmDir = join(work, "bare-charm");
  mkdirSync(charmDir, { recursive: true });
  const t0 = performance.now();
  await run(DISPATCH, [], {
    cwd: charmDir,
    env: {
      PATH: `${bin}:/usr/bin:/bin`,
      JUJU_DISPATCH_PATH: "hooks/update-status",
      JUJU_HOOK_NAME: "update-status",
      JUJU_UNIT_NAME: "demo/0",
      JUJU_MODEL_NAME: "bench",
      JUJU_MODEL_UUID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
      JUJU_VERSION: "3.6.4",
      JUJU_CHARM_DIR: charmDir,
      TSCHARM_DEMO_CONFIG_FILE: join(work, "bare-demo.conf"),
    },
  });
  return performance.now() - t0;
}

/**
 * `is-leader` called 200 times in a row from bash: on a simulated unit (juju exec), and with /bin/sh stubs.
 * @param {string} charm
 * @param {string} bin
 */
async function toolCalls(charm, bin) {
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
      await run("/bin/bash", ["-c", loop], { env: { PATH: `${bin}:/usr/bin:/bin` } });
      viaStub.push((performance.now() - t0) / 200);
    }
  } finally {
    await juju.close();
  }
  return { simulator: median(viaSimulator), stub: median(viaStub) };
}

/** The tables of a SimBench. @param {SimBench} result */
export function formatSim(result) {
  const storyRows = [["phase", "wall (median)", "min–max", "hooks", "tool calls", "ms per hook", "× bare dispatch"]];
  let total = 0;
  let hooks = 0;
  let calls = 0;
  for (const { name, ms, hooks: count, calls: made } of result.story) {
    const wall = median(ms);
    total += wall;
    hooks += count;
    calls += made;
    storyRows.push([
      name,
      `${fixed(wall, 0)} ms`,
      `${fixed(Math.min(...ms), 0)}–${fixed(Math.max(...ms), 0)}`,
      String(count),
      String(made),
      fixed(wall / count),
      `${fixed(wall / (count * result.bareMs), 2)}×`,
    ]);
  }
  storyRows.push([
    "whole story",
    `${fixed(total, 0)} ms`,
    "",
    String(hooks),
    String(calls),
    fixed(total / hooks),
    `${fixed(total / (hooks * result.bareMs), 2)}×`,
  ]);

  const fanRows = [
    ["units", "deploy: wall", "hooks", "tool calls", "hooks/s", "tool calls/s", "ms per hook", "fan-out: wall", "hooks", "tool calls"],
  ];
  for (const { units, deploy, fanOut } of result.fanOut) {
    fanRows.push([
      String(units),
      `${fixed(deploy.ms / 1000, 2)} s`,
      String(deploy.hooks),
      String(deploy.calls),
      fixed(deploy.hooks / (deploy.ms / 1000), 0),
      fixed(deploy.calls / (deploy.ms / 1000), 0),
      fixed(deploy.ms / deploy.hooks, 2),
      `${fixed(fanOut.ms, 0)} ms`,
      String(fanOut.hooks),
      String(fanOut.calls),
    ]);
  }
  return (
    `The demo's cluster story on the simulator (${String(result.runs)} runs, ` +
    `packed ${HOST_ARCH} charm, Node ${process.version} driving)\n\n` +
    table(storyRows) +
    `\nbaseline: one bare dispatch of update-status with /bin/sh tools: ` +
    `${fixed(result.bareMs)} ms (median of ${String(result.bareRuns)})\n` +
    `whole story: ${fixed(hooks / (total / 1000), 1)} hooks/s, ${fixed(calls / (total / 1000), 0)} tool calls/s\n` +
    `one hook-tool call from a shell on a unit (is-leader, 200 in a row): ` +
    `${fixed(result.toolCall.simulator, 2)} ms through the simulator, ` +
    `${fixed(result.toolCall.stub, 2)} ms for a /bin/sh stub (${fixed(result.toolCall.simulator / result.toolCall.stub, 2)}×)\n\n` +
    `Peer fan-out (bench/fan-charm: an sh dispatch; deploy N units and settle, then one leader write read by N-1 units)\n\n` +
    table(fanRows)
  );
}

if (isMain(import.meta.url)) {
  const unitsIndex = process.argv.indexOf("--units");
  const units = unitsIndex > 0 ? (process.argv[unitsIndex + 1] ?? "").split(",").map(Number) : [10, 30, 100];
  if (units.some((count) => !Number.isInteger(count) || count < 2))
    throw new Error("--units takes unit counts of 2 or more, e.g. 10,30,100");
  const result = await benchSim({ runs: option("runs", 5), units, log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(process.argv.includes("--json") ? JSON.stringify(result) : formatSim(result));
}
