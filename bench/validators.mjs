// @ts-check
// What a config validator costs a charm: the slug charm (bench/slug-charm) built seven ways, from
// reading its one option by hand to loadConfig with zod (imported in each of the two ways people do), each into a real dispatch executable by
// `tscharm build`'s own function, then one config-changed of each through the fake hook tools,
// alternating.
//
//   npm run build && node bench/validators.mjs [--runs 30] [--warmup 3] [--instructions [3]] [--json]
//
// Per variant: the bundle's bytes, the executable's, the bundle's source files from the validator's
// package, and the hook's wall time (median, min–max) and peak RSS, each as a ratio to variant (a).
// Before timing, each variant runs once with a bad slug: it must end blocked, so a validator that
// let anything through would show. --instructions also counts each variant's instructions with
// callgrind (the median of 3 counts): on a loaded machine that settles what wall time cannot.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { NODE_VERSION } from "#compiled/cmd/node-binary";
import { fixed, isMain, option, table } from "./lib.mjs";
import { SLUG_CHARM, buildVariants, instructionsOption, lastStatus, packageSources, timeHook } from "./variants.mjs";

/** The variants, (a) first: every ratio is to it. */
export const VALIDATORS = [
  { name: "(a) no validator", entry: "none.ts", pkg: undefined },
  { name: "(b) hand-written Standard Schema", entry: "hand.ts", pkg: undefined },
  { name: "(c) valibot", entry: "valibot.ts", pkg: "valibot" },
  { name: '(d) zod: import * as z from "zod"', entry: "zod.ts", pkg: "zod" },
  { name: '(d\') zod: import { z } from "zod"', entry: "zod-z.ts", pkg: "zod" },
  { name: '(e) zod/mini: import * as z from "zod/mini"', entry: "zod-mini.ts", pkg: "zod" },
  { name: '(e\') zod/mini: import { z } from "zod/mini"', entry: "zod-mini-z.ts", pkg: "zod" },
];

const GOOD = { slug: "example" };
const BAD = { slug: "Not A Slug" };

/**
 * @typedef {import("./lib.mjs").Summary} Summary
 * @typedef {{ name: string, entry: string, bundleBytes: number, executableBytes: number, packageFiles: number,
 *   time: Summary, instructions: number | undefined, calls: string[], status: string | undefined, badStatus: string | undefined }} ValidatorResult
 * @typedef {{ runs: number, node: string, date: string, variants: ValidatorResult[] }} ValidatorBench
 */

/**
 * @param {{ runs: number, warmup: number, instructions?: number, log?: (line: string) => void }} options
 * @returns {ValidatorBench}
 */
export function benchValidators({ runs, warmup, instructions = 0, log = () => undefined }) {
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-validators-"));
  try {
    const built = buildVariants(
      VALIDATORS.map((variant) => ({ name: variant.name, projectDir: SLUG_CHARM, entry: join(SLUG_CHARM, variant.entry) })),
      work,
      log,
    );
    log(`config-changed: ${String(runs)} alternating runs of ${String(built.length)} variants`);
    const timed = timeHook(built, {
      work,
      hook: "config-changed",
      config: GOOD,
      probes: { bad: { BENCH_CONFIG: JSON.stringify(BAD) } },
      runs,
      warmup,
      instructions,
    });
    const variants = built.map((variant) => {
      const result = timed.get(variant.name);
      const spec = VALIDATORS.find((candidate) => candidate.name === variant.name);
      if (result === undefined || spec === undefined) throw new Error(`no result for ${variant.name}`);
      const status = lastStatus(result.calls);
      const badStatus = lastStatus(result.probes["bad"] ?? []);
      if (status?.startsWith(`active: serving /${GOOD.slug}/`) !== true)
        throw new Error(
          `${variant.name}: config-changed with slug "${GOOD.slug}" set status ${String(status)}, not serving /${GOOD.slug}/`,
        );
      if (badStatus?.startsWith("blocked: ") !== true)
        throw new Error(`${variant.name}: config-changed with slug "${BAD.slug}" set status ${String(badStatus)}, not blocked`);
      return {
        name: variant.name,
        entry: spec.entry,
        bundleBytes: variant.bundleBytes,
        executableBytes: variant.executableBytes,
        packageFiles: spec.pkg === undefined ? 0 : packageSources(variant, spec.pkg),
        time: result.time,
        instructions: result.instructions,
        calls: result.calls,
        status,
        badStatus,
      };
    });
    return { runs, node: NODE_VERSION, date: new Date().toISOString().slice(0, 10), variants };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The table of a ValidatorBench, every ratio against variant (a). */
export function formatValidators(/** @type {ValidatorBench} */ result) {
  const [base] = result.variants;
  if (base === undefined) return "";
  const counted = base.instructions !== undefined;
  const rows = [
    [
      "variant",
      "bundle",
      "× (a)",
      "dispatch",
      "config-changed ms (min–max)",
      "× (a)",
      "+ms",
      ...(counted ? ["M instructions", "× (a)"] : []),
      "peak RSS",
      "tool calls",
    ],
  ];
  for (const variant of result.variants) {
    const instructions = counted
      ? [fixed((variant.instructions ?? NaN) / 1e6), `${fixed((variant.instructions ?? NaN) / (base.instructions ?? NaN), 3)}×`]
      : [];
    rows.push([
      variant.name,
      `${fixed(variant.bundleBytes / 1024)} KiB${variant.packageFiles > 0 ? ` (${String(variant.packageFiles)} ${variant.packageFiles === 1 ? "file" : "files"} of it)` : ""}`,
      `${fixed(variant.bundleBytes / base.bundleBytes, 2)}×`,
      `${fixed(variant.executableBytes / 2 ** 20, 2)} MiB`,
      `${fixed(variant.time.median)} (${fixed(variant.time.min)}–${fixed(variant.time.max)})`,
      `${fixed(variant.time.median / base.time.median, 2)}×`,
      fixed(variant.time.median - base.time.median),
      ...instructions,
      `${fixed(variant.time.rssMiB)} MiB`,
      String(variant.calls.length),
    ]);
  }
  return (
    `bench/slug-charm's config-changed by validator: ${String(result.runs)} alternating runs, Node ${result.node} executables, ${result.date}\n` +
    `(each ended active with slug "${GOOD.slug}" and blocked with "${BAD.slug}": ${base.badStatus ?? ""})\n\n` +
    table(rows)
  );
}

if (isMain(import.meta.url)) {
  const result = benchValidators({
    runs: option("runs", 30),
    warmup: option("warmup", 3),
    instructions: instructionsOption(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(result)}\n` : formatValidators(result));
}
