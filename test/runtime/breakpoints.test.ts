// Framework.breakpoint() and where JUJU_DEBUG_AT stops, in-process: ops' TestBreakpoint and
// TestDebugHook (test/test_framework.py) in tscharm's terms. The session that would open the
// inspector is replaced by one that records where it would have stopped (test/debug-code.test.ts
// attaches a real debugger to a built dispatch).

import { describe, expect, test } from "vitest";

import { parseContext } from "../../runtime/dispatch-context.js";
import { DebugSession } from "../../runtime/debug-code.js";
import { ActionEvent, BreakpointNameError, CharmBase, type EventBase, type Framework, StartEvent } from "../../runtime/index.js";
import { MemoryStateStore } from "../../runtime/state-file.js";
import { jujuEnv } from "../support/juju-env.js";
import { testMeta } from "../support/meta.js";
import { dispatch, jujuLogs } from "../support/run.js";

/** Where the session of the running dispatch was asked to stop; the inspector is never opened. */
let stops: string[] = [];

class RecordingSession extends DebugSession {
  override attach(reason: string): void {
    stops.push(reason);
  }
}

/** Swaps the runtime's session (made only when JUJU_DEBUG_AT is set) for a recording one. */
function recordStops(framework: Framework): void {
  const real = framework.debugSession;
  if (real !== undefined) framework.debugSession = new RecordingSession(real.debugAt, "test/0 hooks/start", {}, () => undefined);
}

/** Calls framework.breakpoint(name) in start; two observers of start; an action; collect-status. */
let breakpointName: string | undefined;
class Debuggee extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    recordStops(framework);
    framework.observe(this.on.start, this.onStart);
    framework.observe(this.on.start, this.alsoOnStart);
    framework.observe(this.on.action("backup"), this.onBackup);
    framework.observe(this.on.configChanged, this.onConfigChanged);
    framework.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }
  onStart = (_event: StartEvent) => {
    this.framework.breakpoint(breakpointName);
  };
  alsoOnStart = (_event: StartEvent) => undefined;
  onBackup = (_event: ActionEvent) => undefined;
  onConfigChanged = (event: EventBase) => {
    if (process.env["DEFER_CONFIG"] === "1") event.defer();
  };
  onCollectStatus = () => undefined;
}

async function start(debugAt: string | undefined, name?: string) {
  stops = [];
  breakpointName = name;
  const env = { ...jujuEnv("hooks/start"), ...(debugAt === undefined ? {} : { JUJU_DEBUG_AT: debugAt }) };
  return dispatch(Debuggee, env, { answers: { "is-leader": "true" } });
}

describe("JUJU_DEBUG_AT", () => {
  test.each([
    [undefined, []],
    ["", []],
    ["hook", ["hook"]],
    ["foo,bar,all", ["foo", "bar", "all"]],
    [" foo , ,bar,foo", ["foo", "bar"]],
  ])("%j is read as %j", (value, names) => {
    const env = { ...jujuEnv("hooks/start"), ...(value === undefined ? {} : { JUJU_DEBUG_AT: value }) };
    expect(parseContext(env, testMeta, "/charm").debugAt).toEqual(names);
  });

  test("unset: there is no session, breakpoint() does nothing and logs nothing", async () => {
    const run = await start(undefined, "mybreak");
    expect(run.result.exitCode).toBe(0);
    expect(run.result.charm?.framework.debugSession).toBeUndefined();
    expect(stops).toEqual([]);
    expect(jujuLogs(run.scripted)).toEqual([]);
    expect(run.stderr).toBe("");
  });
});

describe("framework.breakpoint(name)", () => {
  test.each(["foobar", "foo-bar-baz", "foo-------bar", "foo123", "778", "77-xx", "a-b", "ab", "x"])("%j is a good name", async (name) => {
    const run = await start(undefined, name);
    expect(run.result.exitCode, String(run.result.error)).toBe(0);
  });

  test.each(["", ".", "-", "...foo", "foo.bar", "bar--", "FOO", "FooBar", "foo bar", "foo_bar", "/foobar", "break-here-☚"])(
    "%j is refused as ops refuses it",
    async (name) => {
      const run = await start(undefined, name);
      expect(run.result.exitCode).toBe(1);
      expect(run.result.error).toBeInstanceOf(BreakpointNameError);
      expect((run.result.error as Error).message).toBe('breakpoint names must look like "foo" or "foo-bar"');
    },
  );

  test.each(["all", "hook"])("%j is reserved", async (name) => {
    const run = await start("all", name);
    expect((run.result.error as Error).message).toBe('breakpoint names "all" and "hook" are reserved');
  });

  test.each([123, 1.1, false])("%j is not a name", async (name) => {
    const run = await start(undefined, name as unknown as string);
    expect(run.result.error).toBeInstanceOf(BreakpointNameError);
    expect((run.result.error as Error).message).toBe("breakpoint names must be strings");
  });

  // ops' check_trace_set cases: JUJU_DEBUG_AT, the breakpoint's name, whether it stops there.
  test.each([
    ["all", undefined, true],
    ["hook", undefined, false],
    ["mybreak", "mybreak", true],
    ["some-breakpoint", undefined, false],
    ["some-breakpoint", "other-name", false],
    ["some,mybreak,foobar", "mybreak", true],
    ["all", "mybreak", true],
    ["hook", "mybreak", false],
  ])("JUJU_DEBUG_AT=%s, breakpoint(%j): stops %s", async (debugAt, name, stopsThere) => {
    const run = await start(debugAt, name);
    expect(run.result.exitCode, String(run.result.error)).toBe(0);
    const at = name === undefined ? "at framework.breakpoint()" : `at framework.breakpoint("${name}")`;
    expect(stops.includes(at)).toBe(stopsThere);
    const skipped = jujuLogs(run.scripted).filter((line) => line.startsWith("WARNING Breakpoint"));
    if (stopsThere) expect(skipped).toEqual([]);
    else
      expect(skipped).toEqual([
        `WARNING Breakpoint ${name === undefined ? "(unnamed)" : `"${name}"`} skipped ` +
          `(not found in the requested breakpoints: ${debugAt.split(",").join(", ")})`,
      ]);
  });
});

describe("stopping before handlers (all, hook)", () => {
  test.each(["hook", "all", "foo,hook,all,whatever"])("%s: before every handler of the hook, not collect-status", async (debugAt) => {
    const run = await start(debugAt, "mybreak");
    expect(run.result.exitCode).toBe(0);
    const handlers = stops.filter((reason) => reason.startsWith("before "));
    expect(handlers).toEqual(["before onStart, the handler of start", "before alsoOnStart, the handler of start"]);
  });

  test("an action's handler too", async () => {
    stops = [];
    const run = await dispatch(
      Debuggee,
      { ...jujuEnv("actions/backup"), JUJU_DEBUG_AT: "hook" },
      { answers: { "is-leader": "true", "action-get": "{}" } },
    );
    expect(run.result.exitCode, String(run.result.error)).toBe(0);
    expect(stops).toEqual(["before onBackup, the handler of action:backup"]);
  });

  test("a deferred event's handler, when it is re-emitted", async () => {
    const store = new MemoryStateStore();
    process.env["DEFER_CONFIG"] = "1";
    try {
      await dispatch(Debuggee, jujuEnv("hooks/config-changed"), { store, answers: { "is-leader": "true" } });
    } finally {
      delete process.env["DEFER_CONFIG"];
    }
    stops = [];
    breakpointName = undefined;
    const run = await dispatch(Debuggee, { ...jujuEnv("hooks/start"), JUJU_DEBUG_AT: "hook" }, { store, answers: { "is-leader": "true" } });
    expect(run.result.exitCode).toBe(0);
    expect(stops).toEqual([
      "before onConfigChanged, the handler of config-changed",
      "before onStart, the handler of start",
      "before alsoOnStart, the handler of start",
    ]);
  });

  test("a breakpoint name alone: the handlers run without stopping", async () => {
    const run = await start("something-else", "mybreak");
    expect(run.result.exitCode).toBe(0);
    expect(stops).toEqual([]);
  });
});
