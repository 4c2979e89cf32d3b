// runtime/hook-tools/transport.ts: which path a call takes, and what happens when the socket fails.
// The agent is agent-relay-main.ts in a process of its own (the client blocks this thread), running
// recording fake tools; the spawn path is a recorder, so a test sees which path each call took.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { parseContext } from "../../../runtime/dispatch-context.js";
import { EnvironmentError, ModelError } from "../../../runtime/errors.js";
import { HookToolTransport, transportSettings } from "../../../runtime/hook-tools/transport.js";
import type { ToolResult, ToolRunner } from "../../../runtime/hook-tools/spawn.js";
import { type LogSink, setLogSink } from "../../../runtime/log.js";
import { AgentRelay, type RelayFault } from "../../support/agent-relay.js";
import { jujuEnv } from "../../support/juju-env.js";
import { FakeHookTools } from "../../support/recording-hook-tools.mjs";
import { testMeta } from "../../support/meta.js";

let relay: AgentRelay;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tscharm-transport-"));
  relay = await AgentRelay.start(join(work, "agent"));
});
afterAll(async () => {
  await (relay as AgentRelay | undefined)?.stop();
});

let runs = 0;

/** A transport over the relay (or the env given), fake tools behind it, and a spawn recorder. */
function transport(env: Record<string, string | undefined> = {}, fault?: RelayFault) {
  const fake = new FakeHookTools(join(work, `tools-${String(++runs)}`), [
    ["is-leader *", "true\n"],
    ["config-get *", '{"a":1}\n'],
    ["status-set *", { stderr: "ERROR bad status\n", exit: 1 }],
    ["open-port *", { stderr: "ERROR flag provided but not defined: -x\n", exit: 2 }],
  ]);
  relay.use(fake.bin, fault);
  const before = relay.calls().length;
  const spawned: string[] = [];
  const spawn: ToolRunner = (tool) => {
    spawned.push(tool);
    return { exitCode: 0, stdout: `spawned ${tool}`, stderr: "" };
  };
  const through = new HookToolTransport(
    { ...relay.env(), JUJU_CONTEXT_ID: "demo/0-install-0123", TSCHARM_HOOK_TOOL_TIMEOUT: "0.3", ...env },
    spawn,
  );
  return { run: through.run, through, fake, spawned, served: () => relay.calls().slice(before) };
}

describe("over the socket", () => {
  test("a call gives what the tool gave: exit code, stdout, stderr; nothing is spawned", () => {
    const { run, through, spawned, served } = transport();
    expect(run("is-leader", ["--format=json"])).toEqual<ToolResult>({ exitCode: 0, stdout: "true\n", stderr: "" });
    expect(run("status-set", ["active"])).toEqual<ToolResult>({ exitCode: 1, stdout: "", stderr: "ERROR bad status\n" });
    expect(run("open-port", ["-x"])).toEqual<ToolResult>({ exitCode: 2, stdout: "", stderr: "ERROR flag provided but not defined: -x\n" });
    expect(through.current).toEqual({ path: "socket" });
    expect(spawned).toEqual([]);
    expect(served().map((c) => c.tool)).toEqual(["is-leader", "status-set", "open-port"]);
  });

  test("stdin goes in the request, and the working directory as Dir", () => {
    const { run, fake } = transport();
    run("relation-set", ["-r", "db:1", "--file", "-"], '{"k":"v"}');
    expect(fake.calls()).toEqual([{ tool: "relation-set", args: ["-r", "db:1", "--file", "-"], files: [], stdin: '{"k":"v"}' }]);
  });

  test("when the agent asks for stdin that was not given, the call is made again with none, as jujuc's empty stdin", () => {
    const { run, fake, served } = transport();
    expect(run("state-set", ["--file", "-"]).exitCode).toBe(0);
    expect(fake.calls()).toEqual([{ tool: "state-set", args: ["--file", "-"], files: [], stdin: "" }]);
    // Refused once (no stdin), then served.
    expect(served().map((c) => c.tool)).toEqual(["state-set", "state-set"]);
  });

  test('a "bad request" is the call\'s own failure, as jujuc prints it: exit 1 and ERROR <text>', () => {
    const { run, spawned } = transport({}, { tool: "config-get", kind: "bad-request" });
    expect(run("config-get", ["--format=json"])).toEqual<ToolResult>({
      exitCode: 1,
      stdout: "",
      stderr: 'ERROR bad request: wrong context ID; got "demo/0-install-0123"\n',
    });
    expect(spawned).toEqual([]);
  });
});

describe("falling back to spawning", () => {
  const cases: [string, Record<string, string | undefined>][] = [
    ["the network is tcp", { JUJU_AGENT_SOCKET_NETWORK: "tcp", JUJU_AGENT_SOCKET_ADDRESS: "127.0.0.1:1" }],
    ["no network is named", { JUJU_AGENT_SOCKET_NETWORK: undefined }],
    ["no address is named", { JUJU_AGENT_SOCKET_ADDRESS: undefined }],
    ["there is no context id", { JUJU_CONTEXT_ID: undefined }],
    ["the socket is missing", { JUJU_AGENT_SOCKET_ADDRESS: "/nonexistent/agent.socket" }],
    ["an abstract socket nobody listens on", { JUJU_AGENT_SOCKET_ADDRESS: "@/tscharm/nobody/agent.socket" }],
    ["TSCHARM_HOOK_TOOLS=spawn", { TSCHARM_HOOK_TOOLS: "spawn" }],
  ];
  for (const [why, env] of cases) {
    test(`when ${why}, every call spawns, and the agent is never asked`, () => {
      const { run, through, spawned, served } = transport(env);
      expect(run("is-leader", ["--format=json"]).stdout).toBe("spawned is-leader");
      expect(run("config-get", ["--format=json"]).stdout).toBe("spawned config-get");
      expect(spawned).toEqual(["is-leader", "config-get"]);
      expect(served()).toEqual([]);
      expect(through.current?.path).toBe("spawn");
      expect(through.current?.reason).toBeTruthy();
    });
  }

  test("a path that is not a socket says so", () => {
    const file = join(work, "not-a-socket");
    writeFileSync(file, "");
    const { run, through } = transport({ JUJU_AGENT_SOCKET_ADDRESS: file });
    run("is-leader", []);
    expect(through.current).toEqual({ path: "spawn", reason: `${file} is not a socket` });
  });

  test("an RPC error of net/rpc's own: the tool never ran, so it is spawned, and so is the rest", () => {
    const { run, spawned, served } = transport({}, { tool: "is-leader", kind: "rpc-error" });
    expect(run("is-leader", ["--format=json"]).stdout).toBe("spawned is-leader");
    expect(run("config-get", ["--format=json"]).stdout).toBe("spawned config-get");
    expect(spawned).toEqual(["is-leader", "config-get"]);
    expect(served().map((c) => c.tool)).toEqual(["is-leader"]);
  });

  for (const kind of ["close", "close-mid-reply", "garbage", "silent"] as const) {
    test(`${kind} on the first call: the agent never answered well, so the call is spawned`, () => {
      const { run, spawned, through } = transport({}, { tool: "is-leader", kind });
      expect(run("is-leader", ["--format=json"]).stdout).toBe("spawned is-leader");
      expect(spawned).toEqual(["is-leader"]);
      expect(through.current?.path).toBe("spawn");
    });

    test(`${kind} after a good call: the call may have run, so it fails and is not run again; later calls spawn`, () => {
      const { run, spawned } = transport({}, { tool: "config-get", kind });
      expect(run("is-leader", ["--format=json"]).stdout).toBe("true\n");
      const error = catchError(() => run("config-get", ["--format=json"]));
      expect(error).toBeInstanceOf(ModelError);
      expect(error.message).toMatch(
        /^hook tool config-get: the connection to the unit agent failed during the call \(.+\); it may have run/,
      );
      expect(spawned).toEqual([]);
      expect(run("status-get", []).stdout).toBe("spawned status-get");
    });
  }

  test("silent: the wait is bounded by TSCHARM_HOOK_TOOL_TIMEOUT", () => {
    const { run } = transport({}, { tool: "config-get", kind: "silent" });
    run("is-leader", []);
    expect(catchError(() => run("config-get", [])).message).toContain("no reply from the agent in 300 ms");
  });

  test("the reason is logged once, at DEBUG, through the spawn path", () => {
    const records: string[] = [];
    const sink: LogSink = { threshold: "DEBUG", write: (level, message) => records.push(`${level} ${message}`) };
    const previous = setLogSink(sink);
    try {
      const { run } = transport({ JUJU_AGENT_SOCKET_ADDRESS: "/nonexistent/agent.socket" });
      run("is-leader", []);
      run("config-get", []);
    } finally {
      setLogSink(previous);
    }
    expect(records).toEqual(["DEBUG hook tools are spawned: the agent socket /nonexistent/agent.socket cannot be reached (ENOENT)"]);
  });
});

describe("TSCHARM_HOOK_TOOLS=socket: no fallback, for diagnosis", () => {
  test("a socket that cannot be used fails the call, saying why", () => {
    const { run, spawned } = transport({ TSCHARM_HOOK_TOOLS: "socket", JUJU_AGENT_SOCKET_ADDRESS: "/nonexistent/agent.socket" });
    expect(() => run("is-leader", [])).toThrow(
      "TSCHARM_HOOK_TOOLS=socket, but the unit agent's socket cannot be used: the agent socket /nonexistent/agent.socket cannot be reached (ENOENT)",
    );
    expect(spawned).toEqual([]);
  });

  test("a transport failure fails the call instead of spawning it", () => {
    const { run, spawned } = transport({ TSCHARM_HOOK_TOOLS: "socket" }, { tool: "is-leader", kind: "rpc-error" });
    expect(() => run("is-leader", [])).toThrow(/TSCHARM_HOOK_TOOLS=socket forbids spawning it/);
    // And it stays failed: the rest of the dispatch spawns nothing either.
    expect(() => run("config-get", [])).toThrow(/^TSCHARM_HOOK_TOOLS=socket, but the unit agent's socket failed: is-leader: /);
    expect(spawned).toEqual([]);
  });
});

describe("the settings", () => {
  test("defaults, and every value each variable takes", () => {
    expect(transportSettings({})).toEqual({ mode: "auto", timeoutMs: 300_000 });
    for (const mode of ["auto", "socket", "spawn"] as const) expect(transportSettings({ TSCHARM_HOOK_TOOLS: mode }).mode).toBe(mode);
    expect(transportSettings({ TSCHARM_HOOK_TOOL_TIMEOUT: "2.5" }).timeoutMs).toBe(2500);
  });

  test("a bad value is refused before the charm runs, naming the variable", () => {
    const env = jujuEnv("hooks/install");
    expect(() => parseContext({ ...env, TSCHARM_HOOK_TOOLS: "sockets" }, testMeta, "/")).toThrow(
      new EnvironmentError('TSCHARM_HOOK_TOOLS="sockets" must be "auto", "socket" or "spawn"'),
    );
    expect(() => parseContext({ ...env, TSCHARM_HOOK_TOOL_TIMEOUT: "0" }, testMeta, "/")).toThrow(
      'TSCHARM_HOOK_TOOL_TIMEOUT="0" must be a number of seconds above 0',
    );
    expect(() => parseContext({ ...env, TSCHARM_HOOK_TOOL_TIMEOUT: "soon" }, testMeta, "/")).toThrow(EnvironmentError);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
