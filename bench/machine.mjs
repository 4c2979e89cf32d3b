// @ts-check
// What the machine kit (tscharm/machine) costs, and that a charm which does not import it pays nothing.
//
//   npm run build && node bench/machine.mjs [--runs 30] [--warmup 3] [--baseline 3820d92] [--instructions [3]] [--json]
//
// 1. The demo charm, built from this tree and from the baseline commit (main before the kit;
//    `git archive` of it into a temporary directory), both by this tree's build: the demo's bundle
//    must hold no file of machine/ (its source map lists every file bundled), and each hook of
//    bench/dispatch.mjs runs alternately with both executables.
// 2. The slug charm (bench/slug-charm) in three variants whose config-changed differ only in what
//    else it does: nothing (none.ts), tscharm/machine's which("sh") and files.exists (kit.ts), the
//    same work with node:fs by hand (builtins.ts), and that plus loading node:child_process, which the
//    kit's commands module loads at start-up (builtins-child-process.ts), and that plus the
//    AsyncLocalStorage the kit makes (builtins-kit-modules.ts): bundle bytes, and hook time
//    against none.ts.
// --instructions also counts every executable's instructions per hook with callgrind (median of 3).

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { NODE_VERSION } from "#compiled/cmd/node-binary";
import { HOOKS } from "./dispatch.mjs";
import { fixed, isMain, option, table } from "./lib.mjs";
import { ROOT, SLUG_CHARM, buildVariants, instructionsOption, lastStatus, machineSources, timeHook } from "./variants.mjs";

/** Main before the machine kit: the demo's baseline. */
export const BASELINE = "3820d92";

/** What the kit's module keeps the current machine under: in a bundle's text only if machine/machine.ts is bundled. */
const KIT_MARKER = "tscharm.machine.current";

/**
 * @typedef {import("./lib.mjs").Summary} Summary
 * @typedef {{ name: string, bundleBytes: number, executableBytes: number, machineFiles: string[], marker: boolean, sha256: string }} Bundle
 * @typedef {{ hook: string, baseline: Summary, now: Summary, calls: { baseline: number, now: number },
 *   instructions: { baseline: number | undefined, now: number | undefined } }} DemoHook
 * @typedef {{ name: string, entry: string, bundle: Bundle, time: Summary, instructions: number | undefined, calls: string[],
 *   status: string | undefined }} KitVariant
 * @typedef {{ runs: number, node: string, date: string, baseline: string,
 *   demo: { baseline: Bundle, now: Bundle, hooks: DemoHook[] }, kit: KitVariant[] }} MachineBench
 */

const KIT_VARIANTS = [
  { name: "without the kit (none.ts)", entry: "none.ts" },
  { name: "which + files.exists through tscharm/machine (kit.ts)", entry: "kit.ts" },
  { name: "the same work with node:fs by hand (builtins.ts)", entry: "builtins.ts" },
  { name: "by hand, and loading node:child_process (builtins-child-process.ts)", entry: "builtins-child-process.ts" },
  { name: "by hand, node:child_process and an AsyncLocalStorage (builtins-kit-modules.ts)", entry: "builtins-kit-modules.ts" },
];

/** @param {string} baseline */
function resolveCommit(baseline) {
  try {
    return execFileSync("git", ["-C", ROOT, "rev-parse", "--verify", "--short", `${baseline}^{commit}`], { encoding: "utf8" }).trim();
  } catch {
    throw new Error(`bench/machine.mjs: --baseline ${baseline} is not a commit of ${ROOT} (git rev-parse failed)`);
  }
}

/** The tree of `commit`, written under `dir` (git archive): a baseline built without a worktree. */
function exportTree(/** @type {string} */ commit, /** @type {string} */ dir) {
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit], { maxBuffer: 256 * 2 ** 20 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  return dir;
}

/** @param {import("./variants.mjs").BuiltVariant} variant @returns {Bundle} */
function bundleOf(variant) {
  const text = readFileSync(variant.bundle, "utf8");
  return {
    name: variant.name,
    bundleBytes: variant.bundleBytes,
    executableBytes: variant.executableBytes,
    machineFiles: machineSources(variant),
    marker: text.includes(KIT_MARKER),
    sha256: createHash("sha256").update(text).digest("hex"),
  };
}

/**
 * @param {{ runs: number, warmup: number, baseline?: string, instructions?: number, log?: (line: string) => void }} options
 * @returns {MachineBench}
 */
export function benchMachine({ runs, warmup, baseline = BASELINE, instructions = 0, log = () => undefined }) {
  const commit = resolveCommit(baseline);
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-machine-"));
  try {
    log(`exporting the baseline tree (${commit})`);
    const old = exportTree(commit, join(work, "baseline-tree"));
    const built = buildVariants(
      [
        { name: `demo at ${commit}`, projectDir: old, entry: join(old, "dispatch.ts") },
        { name: "demo now", projectDir: ROOT, entry: join(ROOT, "dispatch.ts") },
        ...KIT_VARIANTS.map((variant) => ({ name: variant.name, projectDir: SLUG_CHARM, entry: join(SLUG_CHARM, variant.entry) })),
      ],
      work,
      log,
    );
    const [oldDemo, nowDemo, ...slug] = built;
    if (oldDemo === undefined || nowDemo === undefined) throw new Error("the demo did not build");
    const demo = { baseline: bundleOf(oldDemo), now: bundleOf(nowDemo), hooks: /** @type {DemoHook[]} */ ([]) };
    if (demo.now.machineFiles.length > 0 || demo.now.marker)
      throw new Error(`the demo's bundle holds the machine kit: ${demo.now.machineFiles.join(", ") || KIT_MARKER}`);

    for (const { hook, env } of [...HOOKS, { hook: "update-status", env: {} }]) {
      log(`demo ${hook}: ${String(runs)} alternating runs, ${commit} and now`);
      const timed = timeHook([oldDemo, nowDemo], { work, hook, env, runs, warmup, instructions });
      const before = timed.get(oldDemo.name);
      const after = timed.get(nowDemo.name);
      if (before === undefined || after === undefined) throw new Error(`no demo samples for ${hook}`);
      demo.hooks.push({
        hook,
        baseline: before.time,
        now: after.time,
        calls: { baseline: before.calls.length, now: after.calls.length },
        instructions: { baseline: before.instructions, now: after.instructions },
      });
    }

    log(`slug charm config-changed: ${String(runs)} alternating runs of ${String(slug.length)} variants`);
    const timed = timeHook(slug, { work, hook: "config-changed", config: { slug: "example" }, runs, warmup, instructions });
    const kit = slug.map((variant, index) => {
      const result = timed.get(variant.name);
      const spec = KIT_VARIANTS[index];
      if (result === undefined || spec === undefined) throw new Error(`no result for ${variant.name}`);
      const status = lastStatus(result.calls);
      if (status?.startsWith("active: serving /example/") !== true)
        throw new Error(`${variant.name}: config-changed set status ${String(status)}`);
      const { time, calls } = result;
      return { name: variant.name, entry: spec.entry, bundle: bundleOf(variant), time, instructions: result.instructions, calls, status };
    });
    const withKit = kit[1];
    if (withKit !== undefined && withKit.bundle.machineFiles.length === 0)
      throw new Error("kit.ts's bundle lists no file of machine/: the check of the demo's bundle would not see the kit");
    return { runs, node: NODE_VERSION, date: new Date().toISOString().slice(0, 10), baseline: commit, demo, kit };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const kib = (/** @type {number} */ bytes) => `${fixed(bytes / 1024)} KiB`;
const range = (/** @type {Summary} */ time) => `${fixed(time.median)} (${fixed(time.min)}–${fixed(time.max)})`;

/** The two tables of a MachineBench. */
export function formatMachine(/** @type {MachineBench} */ result) {
  const { demo } = result;
  const counted = demo.hooks[0]?.instructions.now !== undefined;
  const demoRows = [
    [
      "demo hook",
      `${result.baseline} ms (min–max)`,
      "now ms (min–max)",
      "now ÷ before",
      ...(counted ? ["M instructions before / now", "now ÷ before"] : []),
      "RSS before / now",
      "tool calls",
    ],
  ];
  for (const hook of demo.hooks) {
    const { baseline: before = NaN, now = NaN } = hook.instructions;
    demoRows.push([
      hook.hook,
      range(hook.baseline),
      range(hook.now),
      `${fixed(hook.now.median / hook.baseline.median, 2)}×`,
      ...(counted ? [`${fixed(before / 1e6)} / ${fixed(now / 1e6)}`, `${fixed(now / before, 3)}×`] : []),
      `${fixed(hook.baseline.rssMiB)} / ${fixed(hook.now.rssMiB)} MiB`,
      `${String(hook.calls.baseline)} / ${String(hook.calls.now)}`,
    ]);
  }
  const [base] = result.kit;
  const kitRows = [
    [
      "slug charm variant",
      "bundle",
      "+ bytes",
      "kit files",
      "config-changed ms (min–max)",
      "× none",
      "+ms",
      ...(counted ? ["M instructions", "× none"] : []),
      "peak RSS",
    ],
  ];
  for (const variant of result.kit) {
    const instructions = variant.instructions ?? NaN;
    kitRows.push([
      variant.name,
      kib(variant.bundle.bundleBytes),
      String(variant.bundle.bundleBytes - (base?.bundle.bundleBytes ?? NaN)),
      String(variant.bundle.machineFiles.length),
      range(variant.time),
      `${fixed(variant.time.median / (base?.time.median ?? NaN), 2)}×`,
      fixed(variant.time.median - (base?.time.median ?? NaN)),
      ...(counted ? [fixed(instructions / 1e6), `${fixed(instructions / (base?.instructions ?? NaN), 3)}×`] : []),
      `${fixed(variant.time.rssMiB)} MiB`,
    ]);
  }
  const kitStatus = result.kit[1]?.status ?? "";
  const notBuilt = /not built yet/.test(kitStatus)
    ? "\nnote: a concept the kit variant calls is not built on this tree, so its call only rejected\n"
    : "";
  return (
    `The machine kit: ${String(result.runs)} alternating runs, Node ${result.node} executables, ${result.date}\n\n` +
    `The demo, built from ${result.baseline} (before the kit) and from this tree by this tree's build:\n` +
    `bundle ${String(demo.baseline.bundleBytes)} → ${String(demo.now.bundleBytes)} bytes ` +
    `(${demo.baseline.sha256 === demo.now.sha256 ? "the same text" : "different text"}); ` +
    `machine/ files in it now: ${String(demo.now.machineFiles.length)}, "${KIT_MARKER}" in its text: ${demo.now.marker ? "yes" : "no"}\n\n` +
    table(demoRows) +
    `\nThe slug charm's config-changed with and without the kit (kit.ts's status: ${kitStatus}):\n\n` +
    table(kitRows) +
    notBuilt
  );
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--baseline");
  const result = benchMachine({
    runs: option("runs", 30),
    warmup: option("warmup", 3),
    baseline: at > 0 ? (process.argv[at + 1] ?? BASELINE) : BASELINE,
    instructions: instructionsOption(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(result)}\n` : formatMachine(result));
}
