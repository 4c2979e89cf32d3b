// @ts-check
// Start-up cost of the demo charm's dist/dispatch for a steady-state leader-elected, next to bare Node.
//
//   npm run build && node bench/startup.mjs [--runs 30]
//
// Every command runs with the same replaced environment (as Juju runs hooks: no NODE_OPTIONS, no
// NODE_EXTRA_CA_CERTS), alternating A, B, C, A, B, C... so that machine noise hits all of them
// alike. The fake hook tools are /bin/sh scripts that answer at once from a `case`.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { NODE_PACKAGES, NODE_VERSION } from "../build.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DISPATCH = join(ROOT, "dist", "dispatch");
const NODE24 = join(ROOT, "node_modules", ".cache", "tscharm", `${NODE_PACKAGES.amd64.name}-${NODE_VERSION}`, "node");
const runsFlag = process.argv.indexOf("--runs");
const RUNS = runsFlag > 0 ? Number(process.argv[runsFlag + 1]) : 30;
const WARMUP = 3;
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

if (!existsSync(DISPATCH)) {
  process.stderr.write("dist/dispatch is missing: run `npm run build` first\n");
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), "tscharm-bench-"));
const charmDir = join(work, "charm");
const bin = join(work, "bin");
const callLog = join(work, "calls");
const configFile = join(work, "demo.conf");
mkdirSync(charmDir);
mkdirSync(bin);

// A leader whose cluster is already configured: the hook reads and changes nothing.
const secretId = "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g";
const fake = join(bin, "fake-hook-tool");
writeFileSync(
  fake,
  `#!/bin/sh
echo "\${0##*/}" >> ${callLog}
case "\${0##*/}" in
  is-leader) echo true ;;
  config-get) echo '{"greeting":"hello"}' ;;
  relation-ids) echo '["cluster:1"]' ;;
  relation-get) echo '{"greeting":"hello","leader":"demo/0","secret-id":"${secretId}"}' ;;
esac
`,
);
chmodSync(fake, 0o755);
for (const tool of ["is-leader", "config-get", "relation-ids", "relation-get", "relation-set", "status-set", "juju-log", "secret-get"]) {
  symlinkSync("fake-hook-tool", join(bin, tool));
}
writeFileSync(
  configFile,
  `# Managed by the demo charm; local changes are overwritten.\nleader = demo/0\ngreeting = hello\nsecret-id = ${secretId}\npassword-sha256 = ${"0".repeat(64)}\n`,
);

const env = {
  PATH: `${bin}:/usr/bin:/bin`,
  JUJU_DISPATCH_PATH: "hooks/leader-elected",
  JUJU_HOOK_NAME: "leader-elected",
  JUJU_UNIT_NAME: "demo/0",
  JUJU_MODEL_NAME: "bench",
  JUJU_MODEL_UUID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
  JUJU_VERSION: "3.6.4",
  JUJU_CHARM_DIR: charmDir,
  JUJU_CONTEXT_ID: "demo/0-leader-elected-1",
  TSCHARM_DEMO_CONFIG_FILE: configFile,
};

/** @type {{ name: string, argv: string[], env?: Record<string, string> }[]} */
const commands = [
  { name: "dist/dispatch leader-elected (5 tool calls)", argv: [DISPATCH] },
  { name: `node -e '' (${process.version}, this machine)`, argv: [process.execPath, "-e", ""] },
  {
    name: "dist/dispatch update-status (unobserved: no tool call)",
    argv: [DISPATCH],
    env: { JUJU_DISPATCH_PATH: "hooks/update-status", JUJU_HOOK_NAME: "update-status" },
  },
];
if (existsSync(NODE24)) commands.push({ name: `node -e '' (v${NODE_VERSION}, the embedded one)`, argv: [NODE24, "-e", ""] });

/** @type {Map<string, { ms: number[], kib: number[] }>} */
const samples = new Map(commands.map((c) => [c.name, { ms: [], kib: [] }]));

for (let round = 0; round < WARMUP + RUNS; round++) {
  for (const command of commands) {
    const [file = "", ...args] = TIME ? [TIME, "-f", "%M", ...command.argv] : command.argv;
    const start = process.hrtime.bigint();
    const result = spawnSync(file, args, { cwd: charmDir, env: { ...env, ...command.env }, encoding: "utf8" });
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.status !== 0) throw new Error(`${command.name} failed: ${result.stderr}`);
    if (round < WARMUP) continue;
    const sample = samples.get(command.name);
    sample?.ms.push(ms);
    const kib = Number(result.stderr.trim().split("\n").at(-1));
    if (TIME && Number.isFinite(kib)) sample?.kib.push(kib);
  }
}

/** @param {number[]} values */
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const calls = readFileSync(callLog, "utf8").trim().split("\n");
const perRun = calls.length / (WARMUP + RUNS); // only leader-elected calls tools
const baseline = median(samples.get(commands[1]?.name ?? "")?.ms ?? []);

process.stdout.write(`dist/dispatch: ${(statSync(DISPATCH).size / 1024 / 1024).toFixed(1)} MiB executable, ` +
  `${(statSync(join(ROOT, "dist", "dispatch.cjs")).size / 1024).toFixed(1)} KiB bundle; ` +
  `${perRun} hook-tool calls per run (${calls.slice(0, perRun).join(", ")})\n`);
process.stdout.write(`${RUNS} alternating runs after ${WARMUP} warm-up runs each\n\n`);
process.stdout.write("| command | median ms | min ms | max ms | peak RSS MiB | × node 20 -e '' |\n|---|---|---|---|---|---|\n");
for (const command of commands) {
  const { ms, kib } = samples.get(command.name) ?? { ms: [], kib: [] };
  const rss = kib.length > 0 ? (median(kib) / 1024).toFixed(1) : "n/a";
  process.stdout.write(
    `| ${command.name} | ${median(ms).toFixed(1)} | ${Math.min(...ms).toFixed(1)} | ${Math.max(...ms).toFixed(1)} | ${rss} | ${(median(ms) / baseline).toFixed(2)} |\n`,
  );
}
