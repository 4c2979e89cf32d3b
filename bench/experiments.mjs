// @ts-check
// The start-up experiments behind `tscharm build`'s choices (docs/performance.md): each variant
// is the demo's bundle (dist/dispatch.cjs) made into a single executable in another way, and all
// of them, plus the hand-written floor, run a steady-state leader-elected and an unobserved
// update-status alternately in the same run.
//
//   npm run build && node bench/experiments.mjs [--runs 20] [--only name,name] [--exe label=path ...] [--instructions]
//
// --instructions also counts the instructions each executable's own process runs (callgrind,
// about 10 s per executable and hook): unlike wall time on these noisy machines, the count repeats
// to within a fraction of a percent, so it settles differences of a millisecond or two.
// --exe adds an executable built elsewhere (say, dist/dispatch of an older commit) to compare a
// change of the runtime's code rather than of the build.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HOST_ARCH, NODE_VERSION, nodeBinary } from "#compiled/cmd/node-binary";
import { makeExecutable } from "#compiled/cmd/sea";
import { hookSandbox } from "./dispatch.mjs";
import { alternate, countInstructions, fixed, isMain, option, stage, summarize, table } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BUNDLE = join(ROOT, "dist", "dispatch.cjs");
const FLOOR_SOURCE = join(ROOT, "bench", "floor", "dispatch.cjs");

/** The demo bundle ends with this call; the snapshot variant defers it to the deserialised main. */
const MAIN_CALL = "main(DemoCharm);";

/**
 * @typedef {{
 *   name: string,
 *   source?: "bundle" | "floor",
 *   transform?: (code: string) => string,
 *   codeCache?: import("#compiled/cmd/sea").CodeCache,
 *   snapshot?: boolean,
 *   flags?: readonly string[],
 *   blobFlags?: readonly string[],
 * }} Variant
 * `flags` go into the SEA's execArgv and to the Node that makes the blob: V8 rejects a code cache
 * made under other flags, so both must agree. `blobFlags` go only to the Node that makes the blob.
 */

/** @typedef {import("./lib.mjs").Summary} Summary */

/** @type {Variant[]} */
export const VARIANTS = [
  { name: "full code cache (tscharm build)" },
  { name: "floor", source: "floor" },
  { name: "floor with SEA code cache", source: "floor", codeCache: "sea" },
  { name: "SEA code cache (top level only)", codeCache: "sea" },
  { name: "no code cache", codeCache: "none" },
  {
    name: "snapshot",
    snapshot: true,
    transform: (code) => replaceMain(code, `require("node:v8").startupSnapshot.setDeserializeMainFunction(() => { ${MAIN_CALL} });`),
  },
  {
    name: "SEA code cache + compile hint allFunctionsCalledOnLoad",
    codeCache: "sea",
    transform: (code) => `//# allFunctionsCalledOnLoad\n${code}`,
  },
  { name: "SEA code cache, --no-lazy at build and run", codeCache: "sea", flags: ["--no-lazy"] },
  { name: "SEA code cache made with --no-lazy", codeCache: "sea", blobFlags: ["--no-lazy"] },
  { name: "--single-threaded", flags: ["--single-threaded"] },
  { name: "--v8-pool-size=1", flags: ["--v8-pool-size=1"] },
  { name: "--max-semi-space-size=1", flags: ["--max-semi-space-size=1"] },
  { name: "--lite-mode", flags: ["--lite-mode"] },
  { name: "--jitless", flags: ["--jitless"] },
];

/** @param {string} code @param {string} replacement */
function replaceMain(code, replacement) {
  const at = code.lastIndexOf(MAIN_CALL);
  if (at < 0) throw new Error(`the bundle does not end with ${MAIN_CALL}`);
  return code.slice(0, at) + replacement + code.slice(at + MAIN_CALL.length);
}

/**
 * Builds each variant and measures all of them alternately.
 * @param {{
 *   runs: number,
 *   warmup: number,
 *   only?: readonly string[],
 *   extra?: readonly { name: string, path: string }[],
 *   instructions?: boolean,
 *   log?: (line: string) => void,
 * }} options
 */
export async function runExperiments({ runs, warmup, only, extra = [], instructions = false, log = () => undefined }) {
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-experiments-"));
  try {
    const node = await nodeBinary(HOST_ARCH, log);
    const bundle = readFileSync(BUNDLE, "utf8");
    /** @type {{ name: string, path: string }[]} */
    const executables = [];
    for (const variant of VARIANTS.filter(
      (v) => only === undefined || only.includes(v.name) || v.name === "full code cache (tscharm build)",
    )) {
      log(`building: ${variant.name}`);
      const dir = join(work, String(executables.length));
      mkdirSync(dir);
      const source = join(dir, "main.cjs");
      const code = variant.source === "floor" ? readFileSync(FLOOR_SOURCE, "utf8") : bundle;
      writeFileSync(source, variant.transform ? variant.transform(code) : code);
      const path = join(dir, "built");
      await makeExecutable(node, node, source, path, {
        codeCache: variant.codeCache ?? (variant.snapshot ? "none" : "full"),
        snapshot: variant.snapshot ?? false,
        execArgv: variant.flags ?? [],
        blobNodeArgs: variant.blobFlags ?? variant.flags ?? [],
      });
      executables.push({ name: variant.name, path: stage(path, work, variant.name) });
    }
    for (const { name, path } of extra) executables.push({ name, path: stage(path, work, name) });

    const { env, cwd } = hookSandbox(work);
    /** @type {Record<string, { leader: Summary, idle: Summary, size: number, instructions: { leader?: number, idle?: number } }>} */
    const results = {};
    for (const [hook, key] of /** @type {const} */ ([
      ["leader-elected", "leader"],
      ["update-status", "idle"],
    ])) {
      log(`${hook}: ${String(runs)} alternating runs of ${String(executables.length)} executables`);
      const hookEnv = { ...env, JUJU_DISPATCH_PATH: `hooks/${hook}`, JUJU_HOOK_NAME: hook, JUJU_CONTEXT_ID: `demo/0-${hook}-1` };
      const samples = alternate(
        executables.map(({ name, path }) => ({ name, argv: [path], env: hookEnv, cwd })),
        { runs, warmup },
      );
      for (const { name, path } of executables) {
        const sample = samples.get(name);
        if (sample === undefined) continue;
        const entry = (results[name] ??= {
          leader: summarize(sample),
          idle: summarize(sample),
          size: statSync(path).size,
          instructions: {},
        });
        entry[key] = summarize(sample);
        if (instructions) {
          log(`${hook}: counting the instructions of ${name}`);
          entry.instructions[key] = countInstructions(path, hookEnv, cwd);
        }
      }
    }
    return results;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** @param {Awaited<ReturnType<typeof runExperiments>>} results @param {number} runs */
export function formatExperiments(results, runs) {
  const base = results["full code cache (tscharm build)"];
  if (base === undefined) throw new Error("no baseline");
  const counted = base.instructions.leader !== undefined;
  const rows = [
    [
      "variant",
      "leader-elected ms",
      "× base",
      "RSS MiB",
      ...(counted ? ["M instructions", "× base"] : []),
      "update-status ms",
      "× base",
      "RSS MiB",
      ...(counted ? ["M instructions", "× base"] : []),
      "size MiB",
    ],
  ];
  const count = (/** @type {number | undefined} */ value, /** @type {number | undefined} */ reference) =>
    counted ? [fixed((value ?? NaN) / 1e6), fixed((value ?? NaN) / (reference ?? NaN), 3)] : [];
  for (const [name, { leader, idle, size, instructions }] of Object.entries(results)) {
    rows.push([
      name,
      `${fixed(leader.median)} (${fixed(leader.min)}–${fixed(leader.max)})`,
      fixed(leader.median / base.leader.median, 2),
      fixed(leader.rssMiB),
      ...count(instructions.leader, base.instructions.leader),
      `${fixed(idle.median)} (${fixed(idle.min)}–${fixed(idle.max)})`,
      fixed(idle.median / base.idle.median, 2),
      fixed(idle.rssMiB),
      ...count(instructions.idle, base.instructions.idle),
      fixed(size / 2 ** 20),
    ]);
  }
  return `Start-up experiments: ${String(runs)} alternating runs, Node ${NODE_VERSION}, ${HOST_ARCH}\n\n${table(rows)}`;
}

if (isMain(import.meta.url)) {
  const onlyIndex = process.argv.indexOf("--only");
  const only = onlyIndex > 0 ? (process.argv[onlyIndex + 1] ?? "").split(",") : undefined;
  /** @type {{ name: string, path: string }[]} */
  const extra = [];
  process.argv.forEach((arg, index) => {
    if (arg !== "--exe") return;
    const [name = "", path = ""] = (process.argv[index + 1] ?? "").split("=");
    if (name === "" || path === "") throw new Error("--exe needs label=path");
    extra.push({ name, path: resolve(path) });
  });
  const runs = option("runs", 20);
  const results = await runExperiments({
    runs,
    warmup: option("warmup", 2),
    only,
    extra,
    instructions: process.argv.includes("--instructions"),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(formatExperiments(results, runs));
}
