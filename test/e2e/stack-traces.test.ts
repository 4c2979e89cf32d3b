// Stack traces name the charm's TypeScript: through a built executable (its source map is an asset,
// read only when an error is formatted), in the simulator's debug log (executable and in-process),
// and in the test kit (vitest maps TypeScript itself; the runtime must not map it again). The
// fixture (test/fixtures/debug-charm) marks its throwing lines with `fixture:` comments.

import { spawnSync } from "node:child_process";
import { copyFileSync, linkSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { HOST_ARCH, nodeBinary } from "../../cmd/node-binary.js";
import { makeExecutable } from "../../cmd/sea.js";
import { debugLogLines } from "../../integration/juju.js";
import { mapStack, mapperOf } from "../../runtime/stack-trace.js";
import { Simulator } from "../../simulator/simulator.js";
import { Context, Harness, State, UncaughtCharmError } from "../../testing/index.js";
import { DebuggeeCharm } from "../fixtures/debug-charm/hooks/charm.js";
import { buildFixture } from "../support/fixture-build.js";
import { FakeHookTools, type FakeRule } from "../support/recording-hook-tools.mjs";
import { jujuEnv } from "../support/juju-env.js";

const FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "debug-charm");
const RULES: FakeRule[] = [
  ["config-get *", '{"port":8080}'],
  ["is-leader *", "true"],
  ["action-get *", "{}"],
];

/**
 * Where a `fixture:` comment's line of a fixture file is, as V8 reports a call or `new` on it:
 * `hooks/charm.ts:<line>:<column of what>`.
 */
function position(file: string, marker: string, what: string): { line: number; column: number; text: string } {
  const lines = readFileSync(join(FIXTURE, file), "utf8").split("\n");
  const index = lines.findIndex((line) => line.includes(`// fixture: ${marker}`));
  if (index < 0) throw new Error(`${file} has no "fixture: ${marker}" line`);
  const column = (lines[index] ?? "").indexOf(what) + 1;
  if (column === 0) throw new Error(`${file}:${String(index + 1)} has no ${what}`);
  return { line: index + 1, column, text: `${file}:${String(index + 1)}:${String(column)}` };
}

const WORKLOAD_THROWS = position("hooks/workload.ts", "workload throws here", "new WorkloadConfigError");
const HANDLER_CALLS = position("hooks/charm.ts", "the handler calls the workload here", "renderConfig(");
const ACTION_THROWS = position("hooks/charm.ts", "the action throws here", "new Error");

/** The frame lines (`    at …`) of an ERROR record or a stack. */
function frames(stack: string): string[] {
  return stack.split("\n").filter((line) => /^\s+at /.test(line));
}

let work: string;
let dispatch: string;

beforeAll(async () => {
  ({ work, dispatch } = await buildFixture(FIXTURE, "tscharm-traces-"));
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let runs = 0;

/** One hook or action of the built fixture, as Juju runs it, with recording fake hook tools. */
function run(dispatchPath: string, executable = dispatch) {
  const dir = join(work, `run-${String(++runs)}`);
  const charmDir = join(dir, "charm");
  mkdirSync(charmDir, { recursive: true });
  const fake = new FakeHookTools(join(dir, "tools"), RULES);
  const result = spawnSync(executable, [], {
    cwd: charmDir,
    encoding: "utf8",
    env: { ...jujuEnv(dispatchPath, { unit: "debuggee/0", charmDir }), PATH: `${fake.bin}:/usr/bin:/bin` },
  });
  const errorRecord =
    fake
      .calls()
      .find((call) => call.tool === "juju-log" && call.args[1] === "ERROR")
      ?.args.at(-1) ?? "";
  return { exitCode: result.status, stderr: result.stderr, errorRecord };
}

describe("through the built executable", () => {
  test("the ERROR record's frames are the charm's .ts files and lines, tscharm's own as tscharm/…", () => {
    const outcome = run("hooks/config-changed");
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(outcome.errorRecord).toMatch(/^Uncaught WorkloadConfigError in charm code: WorkloadConfigError: port 8080 is taken\n/);
    const stack = frames(outcome.errorRecord);
    expect(stack[0]).toBe(`    at renderConfig (${WORKLOAD_THROWS.text})`);
    expect(stack[1]).toMatch(new RegExp(`^    at .*onConfigChanged.* \\(${HANDLER_CALLS.text.replaceAll(".", "\\.")}\\)$`));
    // Past the await: the framework's frames, named by tscharm's package path.
    expect(stack.slice(2).length).toBeGreaterThan(0);
    for (const line of stack.slice(2)) expect(line).toMatch(/\(tscharm\/runtime\/(framework|dispatch)\.ts:\d+:\d+\)$/);
    // Nothing is left in bundle positions.
    expect(outcome.errorRecord).not.toContain(`${dispatch}:`);
  });

  test("a cross-built executable (no code cache: the bundle is the main script, named by its build path) is mapped too", async () => {
    // What `tscharm build` makes for the other architecture, made here for this one so it can run.
    const node = await nodeBinary(HOST_ARCH, () => undefined);
    const plain = join(work, "plain", "dispatch");
    await makeExecutable(node, node, join(work, "dist", "dispatch.cjs"), plain, {
      codeCache: "none",
      sourceMap: join(work, "dist", "dispatch.cjs.map"),
    });
    const outcome = run("hooks/config-changed", plain);
    expect(outcome.exitCode, outcome.stderr).toBe(1);
    expect(frames(outcome.errorRecord)[0]).toBe(`    at renderConfig (${WORKLOAD_THROWS.text})`);
    expect(outcome.errorRecord).not.toContain("dispatch.cjs:");
  }, 60_000);

  test("an action's one-line stderr summary says where in the charm it failed", () => {
    const outcome = run("actions/explode");
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr).toBe(
      `Uncaught Error in charm code: the explode action always fails at ${ACTION_THROWS.text} (the traceback is in juju debug-log)\n`,
    );
    expect(frames(outcome.errorRecord)[0]).toBe(`    at Object.onExplode [as handler] (${ACTION_THROWS.text})`);
  });

  test("mapping a bundle position by hand with the bundle's map gives the frame the executable logs", () => {
    // So the executable's frames are the bundle's positions, mapped (and a stack without a map
    // is left as it is).
    const mapper = mapperOf(readFileSync(join(work, "dist", "dispatch.cjs.map"), "utf8"));
    const bundle = readFileSync(join(work, "dist", "dispatch.cjs"), "utf8").split("\n");
    const row = bundle.findIndex((line) => line.includes("is taken"));
    const column = (bundle[row] ?? "").indexOf("new WorkloadConfigError") + 1;
    const raw = `WorkloadConfigError: port 8080 is taken\n    at renderConfig (/charm/dispatch:${String(row + 1)}:${String(column)})`;
    expect(mapStack(raw, mapper, "/charm/dispatch")).toBe(
      `WorkloadConfigError: port 8080 is taken\n    at renderConfig (${WORKLOAD_THROWS.text})`,
    );
    expect(mapStack(raw, undefined, "/charm/dispatch")).toBe(raw);
  });
});

describe("in the simulator's debug log", () => {
  /** A built project for the simulator: the fixture's charmcraft.yaml and the executable built above. */
  function builtProject(): string {
    const dir = join(work, `project-${String(++runs)}`);
    mkdirSync(join(dir, "dist", HOST_ARCH), { recursive: true });
    copyFileSync(join(FIXTURE, "charmcraft.yaml"), join(dir, "charmcraft.yaml"));
    linkSync(dispatch, join(dir, "dist", HOST_ARCH, "dispatch"));
    return dir;
  }

  test.each([
    ["the executable", false],
    ["in-process", true],
  ] as const)("%s: the failed config-changed's ERROR line names the charm's .ts file", async (_label, inProcess) => {
    const sim = await Simulator.create({});
    try {
      sim.deploy(builtProject(), inProcess ? { inProcess: DebuggeeCharm } : {});
      await sim.settle();
      const log = debugLogLines(sim.history()).join("\n");
      const error = log.split("\n").find((line) => line.includes("ERROR unit.debuggee/0.juju-log Uncaught WorkloadConfigError")) ?? "";
      expect(error, log).not.toBe("");
      // In-process, vitest has mapped the stack already (absolute paths); the runtime leaves it be.
      const workload = inProcess
        ? `${join(FIXTURE, "hooks", "workload.ts")}:${String(WORKLOAD_THROWS.line)}:${String(WORKLOAD_THROWS.column)}`
        : WORKLOAD_THROWS.text;
      expect(log).toContain(`    at renderConfig (${workload})`);
    } finally {
      await sim.close({ remove: true });
    }
  });
});

describe("in the test kit", () => {
  const workloadFile = `${join(FIXTURE, "hooks", "workload.ts")}:${String(WORKLOAD_THROWS.line)}:${String(WORKLOAD_THROWS.column)}`;
  const actionFile = `${join(FIXTURE, "hooks", "charm.ts")}:${String(ACTION_THROWS.line)}:${String(ACTION_THROWS.column)}`;

  test("Context: UncaughtCharmError's cause and ctx.jujuLog show the .ts line, once", async () => {
    const ctx = new Context(DebuggeeCharm, { projectDir: FIXTURE });
    const failure = await ctx.run(ctx.on.configChanged(), new State({ config: { port: 8080 } })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtCharmError);
    const cause = (failure as UncaughtCharmError).cause as Error;
    expect(frames(cause.stack ?? "")[0]).toBe(`    at renderConfig (${workloadFile})`);
    const record = ctx.jujuLog.find((line) => line.level === "ERROR")?.message ?? "";
    expect(frames(record)[0]).toBe(`    at renderConfig (${workloadFile})`);
    // Mapped once: a second mapping would have turned the path into something else or kept a bundle position.
    expect(record.split(workloadFile).length).toBe(2);
  });

  test("Harness: the action's failure names its .ts line", async () => {
    const harness = new Harness(DebuggeeCharm, { projectDir: FIXTURE });
    try {
      await harness.begin();
      const failure = await harness.runAction("explode").catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UncaughtCharmError);
      expect(frames(((failure as UncaughtCharmError).cause as Error).stack ?? "")[0]).toBe(
        `    at Object.onExplode [as handler] (${actionFile})`,
      );
    } finally {
      harness.cleanup();
    }
  });
});
