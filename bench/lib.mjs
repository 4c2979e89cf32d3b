// @ts-check
// What the bench scripts share: alternating timed runs of whole processes, medians, tables.

import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

/** GNU time reports a finished process's peak RSS; without it the benches report time only. */
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Whether the module at `url` is the script node was asked to run (not imported by bench/all.mjs). */
export function isMain(/** @type {string} */ url) {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(script).href === url;
}

/** The value of `--name <value>` on the command line, or `fallback`. */
export function option(/** @type {string} */ name, /** @type {number} */ fallback) {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value < 1) throw new Error(`--${name} needs a positive number`);
  return value;
}

/**
 * Copies an executable into `dir/label/` and returns the copy's path. Every executable a bench
 * compares goes through here: how a file was written decides how much of it a process maps at
 * each page fault (large page-cache folios on recent kernels), so an executable written by
 * postject and one written by cp show peak RSS up to 16 MiB apart for the same code. Copies made
 * the same way, just before the runs, compare like with like (docs/performance.md).
 * @param {string} path
 * @param {string} dir
 * @param {string} label
 */
export function stage(path, dir, label) {
  const target = join(dir, label.replace(/[^A-Za-z0-9._-]+/g, "_"));
  mkdirSync(target, { recursive: true });
  const copy = join(target, "dispatch");
  copyFileSync(path, copy);
  chmodSync(copy, 0o755);
  return copy;
}

/** @param {readonly number[]} values */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

/**
 * @typedef {{ name: string, argv: readonly string[], env: Record<string, string>, cwd: string }} Command
 * @typedef {{ ms: number[], kib: number[] }} Samples
 * @typedef {{ median: number, min: number, max: number, rssMiB: number }} Summary
 */

/**
 * Runs every command `warmup + runs` times, round by round (A B C, then B C A, then C A B…), so that
 * machine noise and ordering hit all of them alike. Each run is a whole process started with
 * exactly `env` (as Juju starts a hook); a failed run stops the benchmark with its stderr.
 * @param {readonly Command[]} commands
 * @param {{ runs: number, warmup: number }} counts
 * @returns {Map<string, Samples>}
 */
export function alternate(commands, { runs, warmup }) {
  /** @type {Map<string, Samples>} */
  const samples = new Map(commands.map((command) => [command.name, { ms: [], kib: [] }]));
  for (let round = 0; round < warmup + runs; round++) {
    for (let k = 0; k < commands.length; k++) {
      const command = /** @type {Command} */ (commands[(round + k) % commands.length]);
      const measured = runOnce(command);
      if (round < warmup) continue;
      const sample = /** @type {Samples} */ (samples.get(command.name));
      sample.ms.push(measured.ms);
      if (measured.kib !== undefined) sample.kib.push(measured.kib);
    }
  }
  return samples;
}

/**
 * One run of `command`: wall time in ms and, with GNU time, the peak RSS in KiB.
 * @param {Command} command
 * @returns {{ ms: number, kib: number | undefined }}
 */
export function runOnce(command) {
  const [file = "", ...args] = TIME ? [TIME, "-f", "%M", ...command.argv] : command.argv;
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { cwd: command.cwd, env: command.env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0) throw new Error(`${command.name} exited ${String(result.status ?? result.signal)}:\n${result.stderr}`);
  const kib = TIME ? Number(result.stderr.trim().split("\n").at(-1)) : NaN;
  return { ms, kib: Number.isFinite(kib) ? kib : undefined };
}

/**
 * The instructions the executable's own process runs (not its hook tools), counted by callgrind.
 * @param {string} path
 * @param {Record<string, string>} env
 * @param {string} cwd
 * @returns {number}
 */
export function countInstructions(path, env, cwd) {
  if (!existsSync("/usr/bin/valgrind")) throw new Error("--instructions needs valgrind (apt install valgrind)");
  const result = spawnSync("/usr/bin/valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", "--smc-check=all-non-file", path], {
    env,
    cwd,
    encoding: "utf8",
  });
  const refs = /I\s+refs:\s+([\d,]+)/.exec(result.stderr)?.[1];
  if (result.status !== 0 || refs === undefined) throw new Error(`callgrind failed on ${path}:\n${result.stderr}`);
  return Number(refs.replaceAll(",", ""));
}

/** @param {Samples} samples @returns {Summary} */
export function summarize({ ms, kib }) {
  return { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), rssMiB: kib.length > 0 ? median(kib) / 1024 : NaN };
}

/** A plain-text table with aligned columns (also valid Markdown). @param {readonly (readonly string[])[]} rows */
export function table(rows) {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  const line = (/** @type {readonly string[]} */ row) => `| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const [head, ...body] = rows;
  if (head === undefined) return "";
  return [line(head), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n") + "\n";
}

/** @param {number} value @param {number} digits */
export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/**
 * The fan charm (bench/fan-charm) as the simulator takes a built project: its metadata, and its
 * dispatch in dist/, staged under `work`. @param {string} work
 */
export function fanCharm(work) {
  const source = join(import.meta.dirname, "fan-charm");
  const dir = join(work, "fan-charm");
  mkdirSync(join(dir, "dist"), { recursive: true });
  for (const file of ["metadata.yaml", "config.yaml"]) copyFileSync(join(source, file), join(dir, file));
  copyFileSync(join(source, "dispatch"), join(dir, "dist", "dispatch"));
  chmodSync(join(dir, "dist", "dispatch"), 0o755);
  return dir;
}
