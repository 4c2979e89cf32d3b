// `juju debug-code` through a built executable: JUJU_DEBUG_AT=all opens Node's inspector and waits;
// the test attaches as a debugger does (the inspector protocol over a WebSocket), resumes at every
// stop, and the hook completes. Without JUJU_DEBUG_AT (or with NODE_OPTIONS asking for an
// inspector) `node:inspector` is never loaded: the fixture (test/fixtures/debug-charm) reports the
// inspector modules Node has loaded at the end of its install handler.

import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { InspectorClient } from "../support/inspector-client.js";
import { buildFixture } from "../support/fixture-build.js";
import { FakeHookTools } from "../support/recording-hook-tools.mjs";
import { jujuEnv } from "../support/juju-env.js";

const FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "debug-charm");

let work: string;
let dispatch: string;

beforeAll(async () => {
  ({ work, dispatch } = await buildFixture(FIXTURE, "tscharm-debug-code-"));
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface Running {
  readonly child: ChildProcess;
  readonly fake: FakeHookTools;
  /** Everything the dispatch has written to stderr so far. */
  stderr(): string;
  /** Resolves when stderr matches (with the match), rejects if the process ends first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  /** The exit code, once the process has ended. */
  readonly exit: Promise<number | null>;
}

let runs = 0;

/** Starts install of the built fixture as Juju would, with extra environment, and watches its stderr. */
function start(extra: Record<string, string>): Running {
  const dir = join(work, `run-${String(++runs)}`);
  const charmDir = join(dir, "charm");
  mkdirSync(charmDir, { recursive: true });
  const fake = new FakeHookTools(join(dir, "tools"), [["is-leader *", "true"]]);
  const child = spawn(dispatch, [], {
    cwd: charmDir,
    env: { ...jujuEnv("hooks/install", { unit: "debuggee/0", charmDir }), PATH: `${fake.bin}:/usr/bin:/bin`, ...extra },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let text = "";
  const watchers: (() => void)[] = [];
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (chunk: string) => {
    text += chunk;
    for (const watcher of [...watchers]) watcher();
  });
  const exit = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  return {
    child,
    fake,
    stderr: () => text,
    exit,
    waitForStderr: (pattern) =>
      new Promise((found, fail) => {
        const check = (): void => {
          const match = pattern.exec(text);
          if (match === null) return;
          watchers.splice(watchers.indexOf(check), 1);
          found(match);
        };
        watchers.push(check);
        check();
        void exit.then((code) =>
          fail(new Error(`the dispatch ended (exit ${String(code)}) before stderr matched ${String(pattern)}:\n${text}`)),
        );
      }),
  };
}

/** The juju-log records of a run, as `LEVEL message`. */
function logs(run: Running): string[] {
  return run.fake
    .calls()
    .filter((call) => call.tool === "juju-log")
    .map((call) => `${call.args[1] ?? ""} ${call.args.at(-1) ?? ""}`);
}

interface Pause {
  readonly reason: string;
  readonly functions: string[];
}

/**
 * Attaches to the waiting dispatch as a debugger does and resumes at every pause, until the hook
 * has ended and Node waits for the debugger to go; returns the pauses and the scripts it saw.
 */
async function debugToTheEnd(run: Running, url: string): Promise<{ pauses: Pause[]; client: InspectorClient }> {
  const client = await InspectorClient.connect(url);
  const pauses: Pause[] = [];
  client.onEvent((event) => {
    if (event.method !== "Debugger.paused") return;
    const callFrames = event.params["callFrames"] as { functionName: string }[];
    pauses.push({ reason: String(event.params["reason"]), functions: callFrames.map((frame) => frame.functionName) });
    void client.send("Debugger.resume").catch(() => undefined);
  });
  await client.send("Runtime.enable");
  await client.send("Debugger.enable");
  await client.send("Runtime.runIfWaitingForDebugger");
  // The hook ran to its end: Node keeps the process until the debugger disconnects.
  await run.waitForStderr(/Waiting for the debugger to disconnect/);
  client.close();
  return { pauses, client };
}

describe("JUJU_DEBUG_AT on a built dispatch", () => {
  test(
    "all: the inspector opens and waits; a debugger attaches, stops before the handler and at the breakpoint, " + "and the hook completes",
    async () => {
      const run = start({ JUJU_DEBUG_AT: "all", TSCHARM_DEBUG_PORT: "0" });
      const [, url = ""] = await run.waitForStderr(/waiting for a debugger on (ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+)/);
      // It waits: nothing of the handler has run yet (no status-set), and it is still running.
      await new Promise((done) => setTimeout(done, 300));
      expect(run.child.exitCode).toBeNull();
      expect(run.fake.lines().filter((line) => line.startsWith("status-set"))).toEqual([]);
      // How to attach, on stderr and in juju-log: the URL and the recipes.
      const port = new URL(url).port;
      for (const text of [run.stderr(), logs(run).find((line) => line.startsWith("INFO tscharm: JUJU_DEBUG_AT=all")) ?? ""]) {
        expect(text).toContain(
          `stops debuggee/0 hooks/install (before onInstall, the handler of install): waiting for a debugger on ${url}`,
        );
        expect(text).toContain(`juju ssh debuggee/0 -N -L ${port}:127.0.0.1:${port}`);
        expect(text).toContain(`node inspect 127.0.0.1:${port}`);
        expect(text).toContain(`"request": "attach"`);
      }

      const { pauses, client } = await debugToTheEnd(run, url);
      expect(await run.exit).toBe(0);
      // Before the handler (the framework, about to call onInstall), then at framework.breakpoint("configure") inside it.
      expect(pauses.map((pause) => pause.reason)).toEqual(["other", "other"]);
      expect(pauses[0]?.functions.slice(0, 2)).toEqual(["callObserver", "emitKind"]);
      expect(pauses[1]?.functions.slice(0, 2)).toEqual(["breakpoint", "onInstall"]);
      // The debugger is given the charm's TypeScript: the bundle carries its source map inline.
      const bundle = client.events.find(
        (event) => event.method === "Debugger.scriptParsed" && event.params["url"] === `file://${dispatch}`,
      );
      const sourceMapURL = bundle?.params["sourceMapURL"];
      if (typeof sourceMapURL !== "string") throw new Error(`the bundle's script came with no source map URL: ${JSON.stringify(bundle)}`);
      expect(sourceMapURL).toMatch(/^data:application\/json;base64,/);
      const map = JSON.parse(Buffer.from(sourceMapURL.split(",")[1] ?? "", "base64").toString("utf8")) as {
        sources: string[];
        sourcesContent: string[];
      };
      expect(map.sources).toContain("hooks/charm.ts");
      expect(map.sources).toContain("tscharm/runtime/framework.ts");
      expect(map.sourcesContent[map.sources.indexOf("hooks/charm.ts")]).toContain('this.framework.breakpoint("configure")');
      // The hook did its work, with node:inspector loaded for it.
      expect(run.fake.lines()).toContain("status-set --application=False active -- installed");
      expect(logs(run)).toContain("INFO inspector modules: [NativeModule inspector]");
    },
    60_000,
  );

  test("a breakpoint's name: only framework.breakpoint(name) stops, not the handlers", async () => {
    const run = start({ JUJU_DEBUG_AT: "configure", TSCHARM_DEBUG_PORT: "0" });
    const [, url = ""] = await run.waitForStderr(/waiting for a debugger on (ws:\/\/\S+)/);
    expect(run.stderr()).toContain('stops debuggee/0 hooks/install (at framework.breakpoint("configure"))');
    const { pauses } = await debugToTheEnd(run, url);
    expect(await run.exit).toBe(0);
    expect(pauses.map((pause) => pause.functions.slice(0, 2))).toEqual([["breakpoint", "onInstall"]]);
  }, 60_000);

  test("another breakpoint's name: nothing stops, the inspector is not loaded, ops' warning is logged", async () => {
    const run = start({ JUJU_DEBUG_AT: "elsewhere" });
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe("");
    expect(logs(run)).toContain('WARNING Breakpoint "configure" skipped (not found in the requested breakpoints: elsewhere)');
    expect(logs(run)).toContain("INFO inspector modules: []");
  });
});

describe("without JUJU_DEBUG_AT", () => {
  test("node:inspector is not loaded and nothing waits", async () => {
    const run = start({});
    expect(await run.exit).toBe(0);
    expect(run.stderr()).toBe("");
    expect(logs(run)).toEqual(["INFO inspector modules: []"]);
  });

  test("NODE_OPTIONS cannot open an inspector either (the executable ignores it)", async () => {
    const run = start({ NODE_OPTIONS: "--inspect-brk=127.0.0.1:0" });
    expect(await run.exit).toBe(0);
    expect(run.stderr()).not.toContain("Debugger listening");
    expect(logs(run)).toEqual(["INFO inspector modules: []"]);
  });
});
