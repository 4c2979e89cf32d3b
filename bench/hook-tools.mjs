// @ts-check
// Hook tools over the unit agent's socket (issue 16) against spawning them, in the same runs.
//
//   npm run build && node bench/hook-tools.mjs [--runs 20] [--warmup 3] [--micro-calls 1000] [--micro-runs 5]
//     [--instructions [n]] [--baseline 6b37106 | --baseline-dir <a built tree>] [--json]
//
// The agent is bench/agent.mjs (and bench/go-agent/main.go when `go` is installed), started once in
// its own process: a dispatch's call blocks its thread, and so do this script's timed runs. Every
// agent answers at once from memory what bench/dispatch.mjs's /bin/sh tools print, so what is
// measured is the executable and the transport, not the tools.
//
// 1. Per hook, alternating: the demo's dist/<arch>/dispatch over the socket; the same binary with
//    TSCHARM_HOOK_TOOLS=spawn (the sh tools on PATH); the hand-written floor (bench/floor/dispatch.cjs,
//    spawning); the empty executable (the limit once tool calls cost nothing). Hooks: leader-elected,
//    config-changed, and bench/tool-charm's config-changed, which reads 50 peer bags (and the same
//    binary with BENCH_READS=0; bench/floor/tool-heavy.cjs is its floor). Before the timed runs,
//    one run of each with the call log on: over the socket the agent must have served every call
//    and no sh tool may have run; spawning, the agent must have served none.
// 2. Per call: (50-read hook − 0-read hook) ÷ 50 for each path; and bench/hook-tools-micro.mjs, run
//    by the Node a charm is built with: 1,000 is-leader calls through HookToolTransport against each
//    agent, and spawning the sh tool.
// 3. update-status, which the demo does not observe (no tool call): now against the demo at the
//    baseline (main before issue 16), and the bundle's size.
// --instructions counts each executable's own instructions per hook with callgrind (median of n,
// default 3): unlike wall time, the count hardly moves on a loaded machine. Nothing here asserts a
// figure; the targets are printed next to what was measured.

import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

import { HOST_ARCH, NODE_VERSION, nodeBinary } from "#compiled/cmd/node-binary";
import { makeExecutable } from "#compiled/cmd/sea";
import { TOOLS, hookSandbox } from "./dispatch.mjs";
import { alternate, countInstructions, fixed, isMain, median, option, runOnce, stage, summarize, table } from "./lib.mjs";
import { ROOT, buildVariants, instructionsOption } from "./variants.mjs";

const HERE = import.meta.dirname;
const DISPATCH = join(ROOT, "dist", HOST_ARCH, "dispatch");
const BUNDLE = join(ROOT, "dist", "dispatch.cjs");
const TOOL_CHARM = join(HERE, "tool-charm");

/** Issue 16's targets, as figures of the same run. */
export const TARGETS = { callMs: 0.3, overEmpty: 1.1, overFloor: 0.7 };
/** Main before issue 16: what a charm that calls no tool is compared with. */
export const BASELINE = "6b37106";
/** The reads of the tool-heavy hook. */
export const READS = 50;

/**
 * @typedef {import("./lib.mjs").Summary} Summary
 * @typedef {import("./lib.mjs").Command} Command
 * @typedef {"socket" | "spawn" | "none"} Expect
 * @typedef {{ name: string, expect: Expect, agent?: string, command: Command, callLog: string, count?: boolean }} Runnable
 *   `count`: false leaves the command out of --instructions (callgrind takes many seconds a run: the floors and the
 *   runs against the Go agent are timed only).
 * @typedef {{ name: string, expect: Expect, agent?: string, time: Summary, served: string[], spawned: string[],
 *   instructions: number | undefined }} Figure
 * @typedef {{ hook: string, figures: Figure[] }} HookFigures
 * @typedef {{ agent: string, path: "socket" | "spawn", calls: number, perCallMs: number, cpuPerCallMs: number, firstMs: number,
 *   codecMs: number | undefined, runs: number }} MicroFigure
 * @typedef {{ runs: number, node: string, date: string, load: string, targets: typeof TARGETS, reads: number,
 *   agents: string[], notMeasured: string[],
 *   hooks: HookFigures[], toolHeavy: HookFigures, perCall: { name: string, agent?: string, ms: number, instructions?: number }[],
 *   micro: MicroFigure[], idle: { baseline: string, figures: Figure[] },
 *   sizes: { bundle: number, baselineBundle: number, dispatch: number, baselineDispatch: number } }} HookToolsBench
 */

/**
 * An agent process (bench/agent.mjs or the Go one) serving `socket` with `answers`.
 * @param {string} name
 * @param {string[]} argv
 * @param {string} socket
 */
export async function startAgent(name, argv, socket) {
  const [file = "", ...args] = argv;
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "inherit"] });
  /** @type {((line: string) => void)[]} */
  const waiting = [];
  createInterface({ input: child.stdout }).on("line", (line) => waiting.shift()?.(line));
  const exited = new Promise((_, reject) => {
    child.on("exit", (code, signal) => reject(new Error(`the ${name} agent exited (${String(code ?? signal)})`)));
  });
  exited.catch(() => undefined);
  /** @returns {Promise<string>} */
  const nextLine = () =>
    Promise.race([
      new Promise((/** @type {(line: string) => void} */ resolve) => waiting.push(resolve)),
      /** @type {Promise<string>} */ (exited),
    ]);
  const ready = await nextLine();
  if (ready !== "ready") throw new Error(`the ${name} agent said ${ready}`);
  return {
    name,
    socket,
    /** The calls served since the last time this was asked. @returns {Promise<string[]>} */
    async served() {
      child.stdin.write("calls\n");
      /** @type {unknown} */
      const calls = JSON.parse(await nextLine());
      return /** @type {string[]} */ (calls);
    },
    stop() {
      child.stdin.end("quit\n");
    },
  };
}

/** What each sh tool of the sandbox prints (none reads its arguments but config-get's $BENCH_CONFIG): the agents answer the same. */
export function answersOf(/** @type {string} */ bin, /** @type {string} */ file) {
  /** @type {Record<string, string>} */
  const answers = {};
  for (const tool of TOOLS) {
    const out = execFileSync(join(bin, tool), [], { encoding: "utf8", env: { PATH: "/usr/bin:/bin" } });
    if (out !== "") answers[tool] = out;
  }
  writeFileSync(file, JSON.stringify(answers));
  return answers;
}

/**
 * One run of each command with the sh tools' call log on, then what the agents served: a run over the
 * socket must have spawned nothing, a spawning one must have reached no agent.
 * @param {Runnable} runnable
 * @param {Awaited<ReturnType<typeof startAgent>>[]} agents
 */
export async function checkCalls(runnable, agents) {
  runOnce(runnable.command);
  for (const agent of agents) await agent.served();
  rmSync(runnable.callLog, { force: true });
  runOnce({ ...runnable.command, env: { ...runnable.command.env, BENCH_CALL_LOG: runnable.callLog } });
  const spawned = existsSync(runnable.callLog) ? readFileSync(runnable.callLog, "utf8").trim().split("\n") : [];
  /** @type {string[]} */
  let served = [];
  for (const agent of agents) {
    const calls = await agent.served();
    if (agent.name === runnable.agent) served = calls;
    else if (calls.length > 0) throw new Error(`${runnable.name}: the ${agent.name} agent served ${String(calls.length)} calls`);
  }
  const fail = (/** @type {string} */ why) => {
    throw new Error(`${runnable.name}: ${why} (served: ${served.join("; ")}; spawned: ${spawned.join("; ")})`);
  };
  if (runnable.expect === "socket" && (spawned.length > 0 || served.length === 0)) fail("over the socket, yet tools were spawned");
  if (runnable.expect === "spawn" && (served.length > 0 || spawned.length === 0)) fail("spawning, yet the agent served calls");
  if (runnable.expect === "none" && served.length + spawned.length > 0) fail("an empty executable made calls");
  return { served, spawned };
}

/**
 * Checks every command's calls, counts instructions, then times them all alternately.
 * @param {Runnable[]} runnables
 * @param {Awaited<ReturnType<typeof startAgent>>[]} agents
 * @param {{ runs: number, warmup: number, instructions: number }} counts
 * @returns {Promise<Figure[]>}
 */
async function timeAll(runnables, agents, { runs, warmup, instructions }) {
  /** @type {Map<string, { served: string[], spawned: string[], instructions: number | undefined }>} */
  const seen = new Map();
  for (const runnable of runnables) {
    const calls = await checkCalls(runnable, agents);
    const { argv, env, cwd } = runnable.command;
    const counted =
      instructions > 0 && runnable.count !== false
        ? median(Array.from({ length: instructions }, () => countInstructions(argv[0] ?? "", env, cwd)))
        : undefined;
    seen.set(runnable.name, { ...calls, instructions: counted });
  }
  const samples = alternate(
    runnables.map((runnable) => runnable.command),
    { runs, warmup },
  );
  for (const agent of agents) await agent.served();
  return runnables.map((runnable) => {
    const sample = samples.get(runnable.name);
    const calls = seen.get(runnable.name);
    if (sample === undefined || calls === undefined) throw new Error(`no samples for ${runnable.name}`);
    const figure = { name: runnable.name, expect: runnable.expect, time: summarize(sample), ...calls };
    return runnable.agent === undefined ? figure : { ...figure, agent: runnable.agent };
  });
}

/** The value of `--name <text>`, or undefined. */
function textOption(/** @type {string} */ name) {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? undefined : process.argv[at + 1];
}

/**
 * @param {{ runs: number, warmup: number, microCalls: number, microRuns: number, instructions?: number,
 *   baseline?: string, baselineDir?: string, log?: (line: string) => void }} options
 * @returns {Promise<HookToolsBench>}
 */
export async function benchHookTools({
  runs,
  warmup,
  microCalls,
  microRuns,
  instructions = 0,
  baseline = BASELINE,
  baselineDir,
  log = () => undefined,
}) {
  if (!existsSync(DISPATCH)) throw new Error(`${DISPATCH} is missing: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-hook-tools-"));
  /** @type {Awaited<ReturnType<typeof startAgent>>[]} */
  const agents = [];
  /** @type {string[]} */
  const notMeasured = [];
  try {
    log(`building the floor executables (Node ${NODE_VERSION}, as \`tscharm build\` does)`);
    const node = await nodeBinary(HOST_ARCH, log);
    const built = join(work, "built");
    await makeExecutable(node, node, join(HERE, "floor", "dispatch.cjs"), join(built, "floor"), { codeCache: "full" });
    await makeExecutable(node, node, join(HERE, "floor", "tool-heavy.cjs"), join(built, "floor-tools"), { codeCache: "full" });
    writeFileSync(join(work, "empty.cjs"), '"use strict";\n');
    await makeExecutable(node, node, join(work, "empty.cjs"), join(built, "empty"), { codeCache: "full" });

    /** @type {{ name: string, projectDir: string, entry: string }[]} */
    const variants = [{ name: "tool-charm", projectDir: TOOL_CHARM, entry: join(TOOL_CHARM, "tools.ts") }];
    let baselineName = baseline;
    /** @type {{ dispatch: string, bundle: string } | undefined} */
    let old;
    if (baselineDir !== undefined) {
      old = { dispatch: join(baselineDir, "dist", HOST_ARCH, "dispatch"), bundle: join(baselineDir, "dist", "dispatch.cjs") };
      if (!existsSync(old.dispatch)) throw new Error(`${old.dispatch} is missing: build that tree first`);
      const head = execFileSync("git", ["-C", baselineDir, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
      baselineName = `${head} (its own build)`;
    } else {
      const commit = execFileSync("git", ["-C", ROOT, "rev-parse", "--verify", "--short", `${baseline}^{commit}`], {
        encoding: "utf8",
      }).trim();
      baselineName = `${commit} (this tree's build)`;
      const tree = join(work, "baseline-tree");
      mkdirSync(tree);
      const archive = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit], { maxBuffer: 256 * 2 ** 20 });
      execFileSync("tar", ["-x", "-C", tree], { input: archive });
      variants.push({ name: "demo-baseline", projectDir: tree, entry: join(tree, "dispatch.ts") });
    }
    const [toolCharm, oldDemo] = buildVariants(variants, join(work, "variants"), log);
    if (toolCharm === undefined) throw new Error("the tool charm did not build");
    old ??= oldDemo;
    if (old === undefined) throw new Error("the baseline demo did not build");

    const staged = join(work, "staged");
    const exe = {
      demo: stage(DISPATCH, staged, "demo"),
      floor: stage(join(built, "floor"), staged, "floor"),
      floorTools: stage(join(built, "floor-tools"), staged, "floor-tools"),
      empty: stage(join(built, "empty"), staged, "empty"),
      tools: stage(toolCharm.dispatch, staged, "tool-charm"),
      baseline: stage(old.dispatch, staged, "demo-baseline"),
    };

    const answersFile = join(work, "answers.json");
    const first = hookSandbox(mkdtempSync(join(work, "box-")));
    answersOf(first.env.PATH.split(":")[0] ?? "", answersFile);
    agents.push(
      await startAgent("node", [process.execPath, join(HERE, "agent.mjs"), join(work, "node.sock"), answersFile], join(work, "node.sock")),
    );
    if (spawnSync("sh", ["-c", "command -v go"]).status === 0) {
      const goAgent = join(work, "go-agent");
      const goBuild = spawnSync("go", ["build", "-o", goAgent, join(HERE, "go-agent", "main.go")], {
        encoding: "utf8",
        env: { ...process.env, GOCACHE: process.env["GOCACHE"] ?? join(work, "go-cache"), GO111MODULE: "off" },
      });
      if (goBuild.status === 0) agents.push(await startAgent("go", [goAgent, join(work, "go.sock"), answersFile], join(work, "go.sock")));
      else notMeasured.push(`the Go agent: go build failed: ${goBuild.stderr.trim().split("\n")[0] ?? ""}`);
    } else notMeasured.push("the Go agent: go is not installed");
    const [nodeAgent] = agents;
    if (nodeAgent === undefined) throw new Error("no agent");

    /**
     * A command in a sandbox of its own (its own charm directory and state file).
     * @param {string} name
     * @param {string} executable
     * @param {{ hook: string, expect: Expect, agent?: Awaited<ReturnType<typeof startAgent>>, unit?: string,
     *   env?: Record<string, string> }} options
     * @returns {Runnable}
     */
    const runnable = (name, executable, { hook, expect, agent, unit = "demo/0", env = {} }) => {
      const box = hookSandbox(mkdtempSync(join(work, "box-")));
      const socket = agent ?? nodeAgent;
      const command = {
        name,
        argv: [executable],
        cwd: box.cwd,
        env: {
          ...box.env,
          JUJU_UNIT_NAME: unit,
          JUJU_DISPATCH_PATH: `hooks/${hook}`,
          JUJU_HOOK_NAME: hook,
          JUJU_CONTEXT_ID: `${unit}-${hook}-1`,
          // Juju gives every hook its socket: the spawning runs have it too, and must not use it.
          JUJU_AGENT_SOCKET_NETWORK: "unix",
          JUJU_AGENT_SOCKET_ADDRESS: socket.socket,
          ...(expect === "spawn" ? { TSCHARM_HOOK_TOOLS: "spawn" } : {}),
          ...env,
        },
      };
      // Instructions are counted for tscharm's executables against the node agent, and for the empty one.
      const count = executable !== exe.floor && executable !== exe.floorTools && socket === nodeAgent;
      return { name, expect, ...(expect === "socket" ? { agent: socket.name } : {}), command, callLog: box.callLog, count };
    };

    /** @type {HookFigures[]} */
    const hooks = [];
    for (const hook of ["leader-elected", "config-changed"]) {
      log(`demo ${hook}: ${String(runs)} alternating runs (socket, spawn, floor, empty)`);
      const figures = await timeAll(
        [
          runnable("socket", exe.demo, { hook, expect: "socket" }),
          runnable("spawn", exe.demo, { hook, expect: "spawn" }),
          runnable("floor", exe.floor, { hook, expect: "spawn" }),
          runnable("empty", exe.empty, { hook, expect: "none" }),
        ],
        agents,
        { runs, warmup, instructions },
      );
      hooks.push({ hook, figures });
    }

    log(`tool charm config-changed, ${String(READS)} reads and 0: ${String(runs)} alternating runs`);
    const heavy = (/** @type {number} */ reads) => ({ hook: "config-changed", unit: "tools/0", env: { BENCH_READS: String(reads) } });
    /** @type {Runnable[]} */
    const heavyRunnables = [];
    for (const agent of agents) {
      heavyRunnables.push(runnable(`socket ${agent.name} ${String(READS)}`, exe.tools, { ...heavy(READS), expect: "socket", agent }));
      heavyRunnables.push(runnable(`socket ${agent.name} 0`, exe.tools, { ...heavy(0), expect: "socket", agent }));
    }
    heavyRunnables.push(
      runnable(`spawn ${String(READS)}`, exe.tools, { ...heavy(READS), expect: "spawn" }),
      runnable("spawn 0", exe.tools, { ...heavy(0), expect: "spawn" }),
      runnable(`floor ${String(READS)}`, exe.floorTools, { ...heavy(READS), expect: "spawn" }),
      runnable("floor 0", exe.floorTools, { ...heavy(0), expect: "spawn" }),
      runnable("empty", exe.empty, { ...heavy(0), expect: "none" }),
    );
    const toolHeavy = {
      hook: `tool charm config-changed (${String(READS)} relation-get)`,
      figures: await timeAll(heavyRunnables, agents, { runs, warmup, instructions }),
    };
    const byName = (/** @type {string} */ name) => toolHeavy.figures.find((figure) => figure.name === name);
    /** @type {HookToolsBench["perCall"]} */
    const perCall = [];
    /** @type {{ label: string, prefix: string, agent?: string }[]} */
    const pairs = [
      ...agents.map((a) => ({ label: `socket (${a.name} agent)`, prefix: `socket ${a.name}`, agent: a.name })),
      { label: "spawn (tscharm)", prefix: "spawn" },
      { label: "spawn (floor)", prefix: "floor" },
    ];
    for (const { label, prefix, agent } of pairs) {
      const many = byName(`${prefix} ${String(READS)}`);
      const none = byName(`${prefix} 0`);
      if (many === undefined || none === undefined) continue;
      if (many.served.length + many.spawned.length - (none.served.length + none.spawned.length) !== READS) {
        throw new Error(`${prefix}: ${String(READS)} reads did not make ${String(READS)} more calls than none`);
      }
      const instr =
        many.instructions !== undefined && none.instructions !== undefined ? (many.instructions - none.instructions) / READS : undefined;
      perCall.push({
        name: label,
        ...(agent === undefined ? {} : { agent }),
        ms: (many.time.median - none.time.median) / READS,
        ...(instr === undefined ? {} : { instructions: instr }),
      });
    }

    log(`micro-benchmark: ${String(microRuns)} × ${String(microCalls)} is-leader calls through HookToolTransport, by ${node}`);
    /** @type {{ agent: string, path: "socket" | "spawn", env: Record<string, string> }[]} */
    const microCases = [
      ...agents.map((agent) => ({
        agent: agent.name,
        path: /** @type {const} */ ("socket"),
        env: {
          ...first.env,
          JUJU_AGENT_SOCKET_NETWORK: "unix",
          JUJU_AGENT_SOCKET_ADDRESS: agent.socket,
          JUJU_CONTEXT_ID: "demo/0-micro-1",
        },
      })),
      { agent: "sh tool", path: "spawn", env: { ...first.env, TSCHARM_HOOK_TOOLS: "spawn", JUJU_CONTEXT_ID: "demo/0-micro-1" } },
    ];
    /** @type {Map<string, { perCallMs: number, cpuPerCallMs: number, firstMs: number, codecMs?: number }[]>} */
    const microSamples = new Map(microCases.map((c) => [c.agent, []]));
    for (let round = 0; round < microRuns; round++) {
      for (let k = 0; k < microCases.length; k++) {
        const micro = microCases[(round + k) % microCases.length];
        if (micro === undefined) continue;
        const result = spawnSync(node, [join(HERE, "hook-tools-micro.mjs"), micro.path, String(microCalls)], {
          cwd: first.cwd,
          env: micro.env,
          encoding: "utf8",
        });
        if (result.status !== 0) throw new Error(`the micro-benchmark (${micro.agent}) failed:\n${result.stderr}`);
        /** @type {unknown} */
        const figure = JSON.parse(result.stdout);
        microSamples
          .get(micro.agent)
          ?.push(/** @type {{ perCallMs: number, cpuPerCallMs: number, firstMs: number, codecMs?: number }} */ (figure));
        const agent = agents.find((a) => a.name === micro.agent);
        const served = agent === undefined ? [] : await agent.served();
        if (agent !== undefined && served.length !== microCalls + 1) {
          throw new Error(`micro-benchmark: the ${agent.name} agent served ${String(served.length)} calls, not ${String(microCalls + 1)}`);
        }
      }
    }
    const micro = microCases.map(({ agent, path }) => {
      const samples = microSamples.get(agent) ?? [];
      const codec = samples.flatMap((s) => (s.codecMs === undefined ? [] : [s.codecMs]));
      return {
        agent,
        path,
        calls: microCalls,
        runs: samples.length,
        perCallMs: median(samples.map((s) => s.perCallMs)),
        cpuPerCallMs: median(samples.map((s) => s.cpuPerCallMs)),
        firstMs: median(samples.map((s) => s.firstMs)),
        codecMs: codec.length > 0 ? median(codec) : undefined,
      };
    });

    log(`update-status (not observed): ${String(runs)} alternating runs, now and at ${baselineName}`);
    const idleFigures = await timeAll(
      [
        runnable("now", exe.demo, { hook: "update-status", expect: "none" }),
        runnable("baseline", exe.baseline, { hook: "update-status", expect: "none" }),
        runnable("empty", exe.empty, { hook: "update-status", expect: "none" }),
      ],
      agents,
      { runs, warmup, instructions },
    );
    const sizes = {
      bundle: statSync(BUNDLE).size,
      baselineBundle: statSync(old.bundle).size,
      dispatch: statSync(DISPATCH).size,
      baselineDispatch: statSync(old.dispatch).size,
    };
    const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    return {
      runs,
      node: NODE_VERSION,
      date: new Date().toISOString(),
      load,
      targets: TARGETS,
      reads: READS,
      agents: agents.map((agent) => agent.name),
      notMeasured,
      hooks,
      toolHeavy,
      perCall,
      micro,
      idle: { baseline: baselineName, figures: idleFigures },
      sizes,
    };
  } finally {
    for (const agent of agents) agent.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

/** @param {HookFigures} hook @param {string} name */
export function figureOf(hook, name) {
  const figure = hook.figures.find((f) => f.name === name);
  if (figure === undefined) throw new Error(`no figure ${name} for ${hook.hook}`);
  return figure;
}

const range = (/** @type {Summary} */ time) => `${fixed(time.median)} (${fixed(time.min)}–${fixed(time.max)})`;
const millions = (/** @type {number | undefined} */ count) => (count === undefined ? "" : fixed(count / 1e6));
const verdict = (/** @type {number} */ value, /** @type {number} */ target, /** @type {string} */ unit = "×") =>
  `${fixed(value, 2)}${unit} (target ≤ ${String(target)}: ${value <= target ? "ok" : "OVER"})`;

/** The tables of a HookToolsBench. */
export function formatHookTools(/** @type {HookToolsBench} */ result) {
  const counted = [...result.hooks, result.toolHeavy].some((hook) => hook.figures.some((f) => f.instructions !== undefined));
  const head = ["hook", "command", "ms (min–max)", "× empty", ...(counted ? ["M instructions"] : []), "served by agent", "sh tools run"];
  const rows = [head];
  for (const hook of [
    ...result.hooks,
    result.toolHeavy,
    { hook: `update-status (baseline ${result.idle.baseline})`, figures: result.idle.figures },
  ]) {
    const empty = hook.figures.find((f) => f.name === "empty");
    hook.figures.forEach((figure, index) => {
      rows.push([
        index === 0 ? hook.hook : "",
        figure.name,
        range(figure.time),
        empty === undefined ? "" : `${fixed(figure.time.median / empty.time.median, 2)}×`,
        ...(counted ? [millions(figure.instructions)] : []),
        String(figure.served.length),
        String(figure.spawned.length),
      ]);
    });
  }
  const lines = [];
  const [leader] = result.hooks;
  if (leader !== undefined) {
    const socket = figureOf(leader, "socket");
    const over = (/** @type {string} */ name) => figureOf(leader, name).time.median;
    lines.push(
      `leader-elected over the socket ÷ empty executable: ${verdict(socket.time.median / over("empty"), result.targets.overEmpty)}`,
      `leader-elected over the socket ÷ spawning floor: ${verdict(socket.time.median / over("floor"), result.targets.overFloor)}`,
      `leader-elected over the socket ÷ the same binary spawning: ${fixed(socket.time.median / over("spawn"), 2)}×`,
    );
    const spawnCount = figureOf(leader, "spawn").instructions;
    if (socket.instructions !== undefined && spawnCount !== undefined) {
      lines.push(`leader-elected instructions, socket ÷ spawn: ${fixed(socket.instructions / spawnCount, 3)}×`);
    }
  }
  for (const call of result.perCall) {
    const instr = call.instructions === undefined ? "" : `, ${fixed(call.instructions / 1e3, 0)} k instructions in dispatch`;
    lines.push(
      `one call, (${String(result.reads)} reads − 0) ÷ ${String(result.reads)}, ${call.name}: ` +
        `${call.name.startsWith("socket") ? verdict(call.ms, result.targets.callMs, " ms") : `${fixed(call.ms, 2)} ms`}${instr}`,
    );
  }
  for (const micro of result.micro) {
    lines.push(
      `one call, micro-benchmark (${String(micro.runs)} × ${String(micro.calls)} is-leader), ` +
        `against the ${micro.agent}${micro.path === "socket" ? " agent" : ""}: ` +
        `${micro.path === "socket" ? verdict(micro.perCallMs, result.targets.callMs, " ms") : `${fixed(micro.perCallMs, 3)} ms`}; ` +
        `CPU of the calling process ${fixed(micro.cpuPerCallMs, 3)} ms a call; first call ${fixed(micro.firstMs, 2)} ms` +
        (micro.codecMs === undefined ? "" : `; encode + decode alone ${fixed(micro.codecMs * 1000, 0)} µs`),
    );
  }
  const idleNow = result.idle.figures.find((f) => f.name === "now");
  const idleOld = result.idle.figures.find((f) => f.name === "baseline");
  if (idleNow !== undefined && idleOld !== undefined) {
    const instr =
      idleNow.instructions !== undefined && idleOld.instructions !== undefined
        ? `, instructions ${fixed(idleNow.instructions / idleOld.instructions, 4)}× ` +
          `(${fixed((idleNow.instructions - idleOld.instructions) / 1e6, 2)} M)`
        : "";
    lines.push(
      `update-status (no tool call) now ÷ ${result.idle.baseline}: ${fixed(idleNow.time.median / idleOld.time.median, 2)}× ` +
        `(${fixed(idleNow.time.median - idleOld.time.median)} ms)${instr}`,
    );
  }
  const { sizes } = result;
  lines.push(
    `bundle: ${String(sizes.bundle)} B now, ${String(sizes.baselineBundle)} B at ${result.idle.baseline} ` +
      `(+${String(sizes.bundle - sizes.baselineBundle)} B); ` +
      `executable +${String(sizes.dispatch - sizes.baselineDispatch)} B`,
  );
  return (
    `Hook tools over the socket: ${String(result.runs)} alternating runs, Node ${result.node}, ${result.date}, load ${result.load}; ` +
    `agents: ${result.agents.join(", ")}\n\n` +
    table(rows) +
    `\n${lines.map((line) => `${line}\n`).join("")}` +
    (result.notMeasured.length > 0 ? `\nnot measured:\n${result.notMeasured.map((line) => `  ${line}\n`).join("")}` : "")
  );
}

if (isMain(import.meta.url)) {
  const baselineDir = textOption("baseline-dir");
  const result = await benchHookTools({
    runs: option("runs", 20),
    warmup: option("warmup", 3),
    microCalls: option("micro-calls", 1000),
    microRuns: option("micro-runs", 5),
    instructions: instructionsOption(),
    baseline: textOption("baseline") ?? BASELINE,
    ...(baselineDir === undefined ? {} : { baselineDir }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(result)}\n` : formatHookTools(result));
}
