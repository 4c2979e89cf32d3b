// @ts-check
// What machines of their own (simulator/machines.ts) cost, next to the shared host, measured in
// the same run, alternating, so both see the same load:
//
// - entering a machine: /bin/true started directly, and through nsenter into a machine's mount
//   and network namespaces (what every hook, action and exec of an isolated unit adds);
// - a hook of bench/fan-charm (an sh dispatch): deploy N units and settle, ms per hook, shared and
//   isolated (the isolated figure includes making each machine: its namespaces, overlays, link);
// - one hook-tool call from a shell on a unit (is-leader, 200 in a row): over loopback on the
//   shared host, over the machine's link and the model's bridge when isolated;
// - making and removing one machine (the first hook on a fresh unit, and remove-unit's cleanup).
//
//   npx tsc -p tsconfig.lib.json && node bench/sim-machines.mjs [--runs 5] [--units 10]
//
// Needs root (namespaces); without it, it says so and measures nothing.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Simulator } from "tscharm/integration";
import { fanCharm, fixed, isMain, median, option, table } from "./lib.mjs";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");

/** @param {"shared" | "isolated"} machines @param {string} work */
async function model(machines, work) {
  return Simulator.create({ machines, env: { FAN_LOG: join(work, `fan-${machines}.log`) } });
}

/** @typedef {"deploy" | "fan-out" | "add-unit" | "remove-unit"} PhaseName */
const PHASES = /** @type {const} */ (["deploy", "fan-out", "add-unit", "remove-unit"]);

/**
 * @param {{ runs: number, units: number, log?: (line: string) => void }} options
 */
export async function benchMachines({ runs, units, log = () => undefined }) {
  if (!existsSync(join(ROOT, "lib", "simulator", "machines.js")))
    throw new Error("lib/ is missing: run `npx tsc -p tsconfig.lib.json` first");
  if (process.getuid?.() !== 0) throw new Error("machines of their own need root: run this as root");
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-machines-"));
  const charm = fanCharm(work);
  /** @type {Record<"shared" | "isolated", Record<PhaseName, { ms: number[], perHook: number[] }> & { tool: number[] }>} */
  const modes = {
    shared: {
      deploy: { ms: [], perHook: [] },
      "fan-out": { ms: [], perHook: [] },
      "add-unit": { ms: [], perHook: [] },
      "remove-unit": { ms: [], perHook: [] },
      tool: [],
    },
    isolated: {
      deploy: { ms: [], perHook: [] },
      "fan-out": { ms: [], perHook: [] },
      "add-unit": { ms: [], perHook: [] },
      "remove-unit": { ms: [], perHook: [] },
      tool: [],
    },
  };
  /** @type {number[]} */
  const direct = [];
  /** @type {number[]} */
  const entered = [];
  try {
    for (let run = 0; run < runs; run++) {
      for (const machines of /** @type {const} */ (["shared", "isolated"])) {
        log(`run ${String(run + 1)} of ${String(runs)}: ${machines}, ${String(units)} units`);
        const simulator = await model(machines, work);
        const mode = modes[machines];
        try {
          /** @param {PhaseName} name @param {() => void} body */
          const phase = async (name, body) => {
            const seen = simulator.history().length;
            const t0 = performance.now();
            body();
            await simulator.settle({ maxOperations: 10 * units * units + 1000 });
            const ms = performance.now() - t0;
            const hooks = simulator
              .history()
              .slice(seen)
              .filter((entry) => entry.kind === "hook").length;
            mode[name].ms.push(ms);
            mode[name].perHook.push(ms / Math.max(1, hooks));
          };
          await phase("deploy", () => simulator.deploy(charm, { numUnits: units }));
          await phase("fan-out", () => simulator.setConfig("fan", { greeting: `run ${String(run)}` }));
          /** @type {string[]} */
          let added = [];
          await phase("add-unit", () => {
            added = simulator.addUnit("fan");
          });
          await phase("remove-unit", () => simulator.removeUnit(...added));
          const loop = "for i in $(seq 200); do is-leader > /dev/null; done";
          await simulator.runTask(simulator.enqueueExec("fan/0", loop).id);
          mode.tool.push((simulator.history().at(-1)?.durationMs ?? 0) / 200);
          if (machines === "isolated") {
            const holder = Number(readFileSync(join(simulator.dir, "machine-ns", "0", "holder"), "utf8").split(" ")[0]);
            const cwd = simulator.charmDir("fan/0");
            for (let k = 0; k < 50; k++) {
              let t = performance.now();
              spawnSync("/bin/true", { cwd });
              direct.push(performance.now() - t);
              t = performance.now();
              spawnSync("nsenter", [`--target=${String(holder)}`, "--mount", "--net", `--wdns=${cwd}`, "--", "/bin/true"], { cwd });
              entered.push(performance.now() - t);
            }
          }
        } finally {
          await simulator.close({ remove: true });
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { runs, units, modes, direct, entered };
}

/** @param {Awaited<ReturnType<typeof benchMachines>>} result */
export function formatMachines(result) {
  const { shared, isolated } = result.modes;
  const diff = (/** @type {number[]} */ a, /** @type {number[]} */ b) => {
    const d = median(b) - median(a);
    return `${d >= 0 ? "+" : ""}${fixed(d, 2)} ms`;
  };
  const rows = [["what", "shared host", "machines of their own", "difference"]];
  rows.push([
    "start /bin/true: directly / through nsenter into a machine",
    `${fixed(median(result.direct), 2)} ms`,
    `${fixed(median(result.entered), 2)} ms`,
    diff(result.direct, result.entered),
  ]);
  for (const name of PHASES) {
    const label = {
      deploy: `deploy ${String(result.units)} units (makes ${String(result.units)} machines): per hook`,
      "fan-out": "config change fan-out (no machine made): per hook",
      "add-unit": "add-unit (one machine made): per hook",
      "remove-unit": "remove-unit (one machine removed): per hook",
    }[name];
    rows.push([
      label,
      `${fixed(median(shared[name].perHook), 2)} ms`,
      `${fixed(median(isolated[name].perHook), 2)} ms`,
      diff(shared[name].perHook, isolated[name].perHook),
    ]);
  }
  rows.push([
    "add-unit: wall",
    `${fixed(median(shared["add-unit"].ms), 0)} ms`,
    `${fixed(median(isolated["add-unit"].ms), 0)} ms`,
    diff(shared["add-unit"].ms, isolated["add-unit"].ms),
  ]);
  rows.push([
    "remove-unit: wall",
    `${fixed(median(shared["remove-unit"].ms), 0)} ms`,
    `${fixed(median(isolated["remove-unit"].ms), 0)} ms`,
    diff(shared["remove-unit"].ms, isolated["remove-unit"].ms),
  ]);
  rows.push([
    "one is-leader from a shell on a unit",
    `${fixed(median(shared.tool), 2)} ms`,
    `${fixed(median(isolated.tool), 2)} ms`,
    diff(shared.tool, isolated.tool),
  ]);
  return `Machines of their own (bench/fan-charm, ${String(result.runs)} runs alternating, medians, Node ${process.version})\n\n${table(rows)}`;
}

if (isMain(import.meta.url)) {
  const result = await benchMachines({
    runs: option("runs", 5),
    units: option("units", 10),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? JSON.stringify(result) : formatMachines(result));
}
