// @ts-check
// Charms built in variants for the benches that weigh what a charm imports (bench/validators.mjs,
// bench/machine.mjs): each variant is one entry point of a project, built by `tscharm build`'s own
// function (cmd/build.ts: the same esbuild settings and executable as the CLI) into a directory of
// its own, then run like bench/dispatch.mjs runs the demo.
//
// The builds run in a child process (`node bench/variants.mjs --build <json>`): esbuild and
// TypeScript take ~110 MB, and a process that large forks every timed run after it more slowly.

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HOST_ARCH } from "#compiled/cmd/node-binary";
import { hookSandbox } from "./dispatch.mjs";
import { alternate, countInstructions, isMain, median, runOnce, stage, summarize } from "./lib.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, "..");
/** The charm whose variants both benches build: one `slug` option read in config-changed. */
export const SLUG_CHARM = join(HERE, "slug-charm");

/**
 * @typedef {{ name: string, projectDir: string, entry: string }} VariantSource
 * @typedef {VariantSource & { dispatch: string, bundle: string, sources: string[], bundleBytes: number, executableBytes: number }} BuiltVariant
 * @typedef {import("./lib.mjs").Summary} Summary
 */

/**
 * Builds every variant for this machine's architecture under `work/<name>/`, in a child process.
 * The type-check is left out (it does not change the output): the repository's `npm run typecheck`
 * covers bench/slug-charm, and an old tree built as a baseline has no node_modules of its own.
 * @param {readonly VariantSource[]} variants
 * @param {string} work
 * @param {(line: string) => void} log
 * @returns {BuiltVariant[]}
 */
export function buildVariants(variants, work, log) {
  const jobs = variants.map((variant) => ({ ...variant, outDir: join(work, variant.name.replace(/[^A-Za-z0-9._-]+/g, "_")) }));
  log(`building ${String(jobs.length)} variants: ${jobs.map((job) => job.name).join(", ")}`);
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--build", JSON.stringify(jobs)], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (child.status !== 0) throw new Error(`building the variants failed (exit ${String(child.status ?? child.signal)})`);
  return jobs.map(({ outDir, ...variant }) => {
    const dispatch = join(outDir, HOST_ARCH, "dispatch");
    const bundle = join(outDir, "dispatch.cjs");
    /** @type {unknown} */
    const parsed = JSON.parse(readFileSync(`${bundle}.map`, "utf8"));
    const map = /** @type {{ sources: string[] }} */ (parsed);
    return {
      ...variant,
      dispatch,
      bundle,
      sources: map.sources,
      bundleBytes: statSync(bundle).size,
      executableBytes: statSync(dispatch).size,
    };
  });
}

/** The source files of a bundle (its source map's `sources`) that come from the machine kit, machine/. */
export function machineSources(/** @type {{ sources: readonly string[] }} */ variant) {
  return variant.sources.filter((source) => /(^|\/)machine\/[^/]+\.ts$/.test(source) && !source.includes("node_modules/"));
}

/** How many of a bundle's source files come from the npm package `name`. */
export function packageSources(/** @type {{ sources: readonly string[] }} */ variant, /** @type {string} */ name) {
  return variant.sources.filter((source) => source.includes(`node_modules/${name}/`)).length;
}

/**
 * Runs one hook of every variant alternately (staged copies; the fake tools of bench/dispatch.mjs,
 * config-get answering `config`), after one run of each with the call log on, and one more per
 * probe (its environment added: `BENCH_CONFIG` makes config-get answer something else).
 * @param {readonly BuiltVariant[]} variants
 * @param {{ work: string, hook: string, env?: Record<string, string>, config?: Record<string, string>,
 *   probes?: Record<string, Record<string, string>>, runs: number, warmup: number, instructions?: number }} options
 *   `instructions`: how many times to count each variant's instructions with callgrind (the median
 *   is kept; 0, the default, counts none). Unlike wall time, the count hardly moves on a loaded machine.
 * @returns {Map<string, { time: Summary, calls: string[], probes: Record<string, string[]>, instructions: number | undefined }>}
 */
export function timeHook(variants, { work, hook, env: extra = {}, config, probes = {}, runs, warmup, instructions = 0 }) {
  const { env, cwd, callLog } = hookSandbox(mkdtempSync(join(work, "sandbox-")), config === undefined ? {} : { config });
  const hookEnv = { ...env, ...extra, JUJU_DISPATCH_PATH: `hooks/${hook}`, JUJU_HOOK_NAME: hook, JUJU_CONTEXT_ID: `unit-${hook}-1` };
  const commands = variants.map((variant) => ({ name: variant.name, argv: [stageOnce(variant, work)], env: hookEnv, cwd }));
  const logged = new Map(
    commands.map((command) => [
      command.name,
      {
        calls: callsOf(command, callLog),
        probes: Object.fromEntries(Object.entries(probes).map(([label, probeEnv]) => [label, callsOf(command, callLog, probeEnv)])),
        instructions:
          instructions > 0
            ? median(Array.from({ length: instructions }, () => countInstructions(command.argv[0] ?? "", hookEnv, cwd)))
            : undefined,
      },
    ]),
  );
  const samples = alternate(commands, { runs, warmup });
  return new Map(
    commands.map((command) => {
      const sample = samples.get(command.name);
      const seen = logged.get(command.name);
      if (sample === undefined || seen === undefined) throw new Error(`no samples for ${command.name}`);
      return [command.name, { time: summarize(sample), ...seen }];
    }),
  );
}

/** @type {Map<string, string>} */
const staged = new Map();
/** A variant's executable, copied once per process under work/staged (see `stage` in bench/lib.mjs). */
function stageOnce(/** @type {BuiltVariant} */ variant, /** @type {string} */ work) {
  let copy = staged.get(variant.dispatch);
  if (copy === undefined) {
    copy = stage(variant.dispatch, join(work, "staged"), variant.name);
    staged.set(variant.dispatch, copy);
  }
  return copy;
}

/**
 * The hook-tool calls of one run of `command` ("tool args" each), with `env` added.
 * @param {import("./lib.mjs").Command} command
 * @param {string} callLog
 * @param {Record<string, string>} [env]
 */
export function callsOf(command, callLog, env = {}) {
  rmSync(callLog, { force: true });
  runOnce({ ...command, env: { ...command.env, ...env, BENCH_CALL_LOG: callLog } });
  return existsSync(callLog) ? readFileSync(callLog, "utf8").trim().split("\n") : [];
}

/** `--instructions [n]` on the command line: how many callgrind counts per variant (3 when no n), else 0. */
export function instructionsOption() {
  const at = process.argv.indexOf("--instructions");
  if (at < 0) return 0;
  const count = Number(process.argv[at + 1]);
  return Number.isInteger(count) && count > 0 ? count : 3;
}

/**
 * The unit status of the last status-set in `calls`, as "state: message"
 * ("status-set --application=False active -- serving /example/" → "active: serving /example/").
 */
export function lastStatus(/** @type {readonly string[]} */ calls) {
  const line = calls.findLast((call) => call.startsWith("status-set "));
  if (line === undefined) return undefined;
  const match = /^status-set (?:--\S+ )*(\S+)(?: -- | )?(.*)$/.exec(line);
  return match === null ? line : `${match[1] ?? ""}: ${match[2] ?? ""}`;
}

if (isMain(import.meta.url) && process.argv[2] === "--build") {
  /** @type {unknown} */
  const parsed = JSON.parse(process.argv[3] ?? "[]");
  const jobs = /** @type {(VariantSource & { outDir: string })[]} */ (parsed);
  const { build } = await import("#compiled/cmd/build");
  for (const job of jobs) {
    const started = process.hrtime.bigint();
    // The build writes the charm's types beside its metadata; one the bench made, it takes away again.
    const types = join(job.projectDir, "charm-types.ts");
    const hadTypes = existsSync(types);
    await build({
      projectDir: job.projectDir,
      entry: job.entry,
      outDir: job.outDir,
      platforms: [HOST_ARCH],
      typeCheck: false,
      log: () => undefined,
    });
    if (!hadTypes) rmSync(types, { force: true });
    process.stderr.write(`  built ${job.name} (${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s)\n`);
  }
}
