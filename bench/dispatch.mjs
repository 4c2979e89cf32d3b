// @ts-check
// The demo charm's dist/dispatch against the floor: the same hooks written by hand with no
// framework (bench/floor/dispatch.cjs), built from the same Node binary in the same way.
//
//   npm run build && node bench/dispatch.mjs [--runs 30] [--warmup 3]
//
// Per hook kind: wall time (median, min, max over alternating runs), peak RSS and the hook-tool
// calls each made, and the ratios to the floor (targets: time ≤ 1.3×, RSS ≤ 1.1×). Every run is a
// whole process with the replaced environment Juju gives a hook; the hook tools are /bin/sh
// scripts that answer at once, so what is measured is the executable, not the tools.

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HOST_ARCH, NODE_VERSION, nodeBinary } from "#compiled/cmd/node-binary";
import { makeExecutable } from "#compiled/cmd/sea";
import { alternate, fixed, isMain, option, runOnce, stage, summarize, table } from "./lib.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DISPATCH = join(ROOT, "dist", HOST_ARCH, "dispatch");
const FLOOR_SOURCE = join(ROOT, "bench", "floor", "dispatch.cjs");

/** The targets of issue 6, as ratios to the floor measured in the same run. */
export const TARGETS = { time: 1.3, rss: 1.1 };

/** Every hook tool a charm might call: all are on PATH, so an unexpected call shows up in the counts. */
export const TOOLS = [
  "action-fail",
  "action-get",
  "action-log",
  "action-set",
  "application-version-set",
  "close-port",
  "config-get",
  "credential-get",
  "goal-state",
  "is-leader",
  "juju-log",
  "juju-reboot",
  "leader-get",
  "leader-set",
  "network-get",
  "open-port",
  "opened-ports",
  "relation-get",
  "relation-ids",
  "relation-list",
  "relation-model-get",
  "relation-set",
  "resource-get",
  "secret-add",
  "secret-get",
  "secret-grant",
  "secret-ids",
  "secret-info-get",
  "secret-remove",
  "secret-revoke",
  "secret-set",
  "state-delete",
  "state-get",
  "state-set",
  "status-get",
  "status-set",
  "storage-add",
  "storage-get",
  "storage-list",
  "unit-get",
];

const SECRET_ID = "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g";

/**
 * The hooks measured. In each, demo/0 is the leader of a configured cluster and nothing has
 * changed: the steady state, which is what most hooks of a long-lived model are.
 * @type {readonly { hook: string, env: Record<string, string> }[]}
 */
export const HOOKS = [
  { hook: "leader-elected", env: {} },
  { hook: "config-changed", env: {} },
  {
    hook: "cluster-relation-changed",
    env: { JUJU_RELATION: "cluster", JUJU_RELATION_ID: "cluster:1", JUJU_REMOTE_UNIT: "demo/1", JUJU_REMOTE_APP: "demo" },
  },
];

/**
 * @typedef {import("./lib.mjs").Summary} Summary
 * @typedef {{ hook: string, tscharm: Summary, floor: Summary, calls: { tscharm: string[], floor: string[] } }} HookResult
 * @typedef {{
 *   runs: number,
 *   targets: typeof TARGETS,
 *   hooks: HookResult[],
 *   idle: { tscharm: Summary, floor: Summary },
 *   sizes: { dispatch: number, floor: number, bundle: number },
 * }} DispatchBench
 */

/**
 * Builds the floor executables, then runs every hook kind alternately with tscharm's and the floor's.
 * @param {{ runs: number, warmup: number, log?: (line: string) => void }} options
 * @returns {Promise<DispatchBench>}
 */
export async function benchDispatch({ runs, warmup, log = () => undefined }) {
  if (!existsSync(DISPATCH)) throw new Error(`${DISPATCH} is missing: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-dispatch-"));
  try {
    log(`building the floor executables (Node ${NODE_VERSION}, as \`tscharm build\` does)`);
    const node = await nodeBinary(HOST_ARCH, log);
    const built = join(work, "built");
    await makeExecutable(node, node, FLOOR_SOURCE, join(built, "floor"), { codeCache: "full" });
    // The floor of a hook the charm does not observe: an executable that does nothing at all.
    writeFileSync(join(work, "empty.cjs"), '"use strict";\n');
    await makeExecutable(node, node, join(work, "empty.cjs"), join(built, "empty"), { codeCache: "full" });
    const dispatch = stage(DISPATCH, work, "tscharm");
    const floor = stage(join(built, "floor"), work, "floor");
    const empty = stage(join(built, "empty"), work, "empty");

    const { env, cwd, callLog } = hookSandbox(work);
    /** @type {HookResult[]} */
    const hooks = [];
    for (const { hook, env: extra } of HOOKS) {
      const hookEnv = { ...env, ...extra, JUJU_DISPATCH_PATH: `hooks/${hook}`, JUJU_HOOK_NAME: hook, JUJU_CONTEXT_ID: `demo/0-${hook}-1` };
      const commands = [
        { name: "tscharm", argv: [dispatch], env: hookEnv, cwd },
        { name: "floor", argv: [floor], env: hookEnv, cwd },
      ];
      const calls = { tscharm: toolCalls(commands[0], callLog), floor: toolCalls(commands[1], callLog) };
      log(`${hook}: ${String(runs)} alternating runs`);
      const samples = alternate(commands, { runs, warmup });
      hooks.push({ hook, tscharm: summarize(get(samples, "tscharm")), floor: summarize(get(samples, "floor")), calls });
    }

    const idleEnv = {
      ...env,
      JUJU_DISPATCH_PATH: "hooks/update-status",
      JUJU_HOOK_NAME: "update-status",
      JUJU_CONTEXT_ID: "demo/0-update-status-1",
    };
    log(`update-status (not observed): ${String(runs)} alternating runs`);
    const idleCommands = [
      { name: "tscharm", argv: [dispatch], env: idleEnv, cwd },
      { name: "floor", argv: [empty], env: idleEnv, cwd },
    ];
    const idleSamples = alternate(idleCommands, { runs, warmup });
    const idle = { tscharm: summarize(get(idleSamples, "tscharm")), floor: summarize(get(idleSamples, "floor")) };

    const sizes = {
      dispatch: statSync(DISPATCH).size,
      floor: statSync(floor).size,
      bundle: statSync(join(ROOT, "dist", "dispatch.cjs")).size,
    };
    return { runs, targets: TARGETS, hooks, idle, sizes };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** @param {Map<string, import("./lib.mjs").Samples>} samples @param {string} name */
function get(samples, name) {
  const found = samples.get(name);
  if (found === undefined) throw new Error(`no samples for ${name}`);
  return found;
}

/**
 * A charm directory, a workload file and instant /bin/sh hook tools for demo/0, the leader of a
 * configured cluster. Each tool appends its name and arguments to $BENCH_CALL_LOG when it is set.
 * `config` is what config-get answers (default: the demo's); $BENCH_CONFIG, when set, replaces it
 * for one run.
 * @param {string} work
 * @param {{ config?: Record<string, string | number | boolean> }} [options]
 */
export function hookSandbox(work, { config = { greeting: "hello" } } = {}) {
  const cwd = join(work, "charm");
  const bin = join(work, "bin");
  const callLog = join(work, "calls");
  const configFile = join(work, "demo.conf");
  const configJson = JSON.stringify(config);
  if (configJson.includes("'")) throw new Error(`hookSandbox: config-get's answer is quoted with ': ${configJson}`);
  mkdirSync(cwd);
  mkdirSync(bin);
  const fake = join(bin, "fake-hook-tool");
  writeFileSync(
    fake,
    `#!/bin/sh
[ -n "$BENCH_CALL_LOG" ] && echo "\${0##*/} $*" >> "$BENCH_CALL_LOG"
case "\${0##*/}" in
  is-leader) echo true ;;
  config-get) if [ -n "$BENCH_CONFIG" ]; then echo "$BENCH_CONFIG"; else echo '${configJson}'; fi ;;
  relation-ids) echo '["cluster:1"]' ;;
  relation-list) echo '["demo/1"]' ;;
  relation-get) echo '{"greeting":"hello","leader":"demo/0","secret-id":"${SECRET_ID}"}' ;;
esac
`,
  );
  chmodSync(fake, 0o755);
  for (const tool of TOOLS) symlinkSync("fake-hook-tool", join(bin, tool));
  writeFileSync(
    configFile,
    `# Managed by the demo charm; local changes are overwritten.\nleader = demo/0\ngreeting = hello\n` +
      `secret-id = ${SECRET_ID}\npassword-sha256 = ${"0".repeat(64)}\n`,
  );
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    JUJU_UNIT_NAME: "demo/0",
    JUJU_MODEL_NAME: "bench",
    JUJU_MODEL_UUID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    JUJU_VERSION: "3.6.4",
    JUJU_CHARM_DIR: cwd,
    JUJU_MACHINE_ID: "0",
    TSCHARM_DEMO_CONFIG_FILE: configFile,
  };
  return { env, cwd, callLog };
}

/**
 * Runs `command` once with the call log on and returns the calls it made ("tool args").
 * @param {import("./lib.mjs").Command | undefined} command
 * @param {string} callLog
 */
function toolCalls(command, callLog) {
  if (command === undefined) return [];
  rmSync(callLog, { force: true });
  runOnce({ ...command, env: { ...command.env, BENCH_CALL_LOG: callLog } });
  return existsSync(callLog) ? readFileSync(callLog, "utf8").trim().split("\n") : [];
}

/** The table of a DispatchBench, with ratios to the floor and whether each meets its target. */
export function formatDispatch(/** @type {DispatchBench} */ result) {
  const verdict = (/** @type {number} */ ratio, /** @type {number} */ target) => `${fixed(ratio, 2)}× ${ratio <= target ? "ok" : "OVER"}`;
  const rows = [
    ["hook", "tscharm ms (min–max)", "floor ms (min–max)", "time ÷ floor", "tscharm RSS", "floor RSS", "RSS ÷ floor", "tool calls"],
  ];
  const row = (/** @type {string} */ name, /** @type {Summary} */ ours, /** @type {Summary} */ floor, /** @type {string} */ calls) => [
    name,
    `${fixed(ours.median)} (${fixed(ours.min)}–${fixed(ours.max)})`,
    `${fixed(floor.median)} (${fixed(floor.min)}–${fixed(floor.max)})`,
    verdict(ours.median / floor.median, TARGETS.time),
    `${fixed(ours.rssMiB)} MiB`,
    `${fixed(floor.rssMiB)} MiB`,
    verdict(ours.rssMiB / floor.rssMiB, TARGETS.rss),
    calls,
  ];
  for (const hook of result.hooks) {
    rows.push(row(hook.hook, hook.tscharm, hook.floor, `${String(hook.calls.tscharm.length)} (floor ${String(hook.calls.floor.length)})`));
  }
  rows.push(row("update-status, not observed (floor: empty program)", result.idle.tscharm, result.idle.floor, "0"));
  const calls = result.hooks.map((hook) => `  ${hook.hook}: ${hook.calls.tscharm.join("; ")}`).join("\n");
  return (
    `dist/dispatch against the hand-written floor: ${String(result.runs)} alternating runs per hook, Node ${NODE_VERSION}, ${HOST_ARCH}\n` +
    `executables: dispatch ${fixed(result.sizes.dispatch / 2 ** 20)} MiB (bundle ${fixed(result.sizes.bundle / 1024)} KiB), ` +
    `floor ${fixed(result.sizes.floor / 2 ** 20)} MiB\n\n` +
    table(rows) +
    `\ntscharm's hook-tool calls:\n${calls}\n`
  );
}

if (isMain(import.meta.url)) {
  const result = await benchDispatch({
    runs: option("runs", 30),
    warmup: option("warmup", 3),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? JSON.stringify(result) : formatDispatch(result));
}
