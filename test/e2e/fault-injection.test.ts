// Fault injection through a built executable: every way the runtime calls a hook tool, with the
// tool failing each way a real one can. Each time, the hook must exit 1 with a typed error that
// names the tool (logged at ERROR), leave .unit-state.json byte for byte as it was, and keep the
// deferred event queued. The fixture charm (test/fixtures/fault-charm) changes its stored state
// before it calls the tool, so a commit that should not happen would show.
//
// Transport faults: the same calls over the unit agent's socket (a stand-in agent, agent-relay.ts),
// with the socket missing, refused, closed mid-reply, answering garbage, an RPC error, or never.
//
// Crash safety: the same executable killed with SIGKILL at each system call of its commit (strace
// injects the signal), after which the state file must be the old one or the new one, whole.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { AgentRelay, type RelayFault } from "../support/agent-relay.js";
import { buildFixture } from "../support/fixture-build.js";
import { FakeHookTools, type FakeReply, type FakeRule } from "../support/recording-hook-tools.mjs";
import { MODEL_UUID, jujuEnv } from "../support/juju-env.js";

const FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "fault-charm");
const SECRET = `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`;

/** Answers that make every call of the fixture succeed. */
const HEALTHY: FakeRule[] = [
  ["is-leader *", "true"],
  ["config-get *", '{"greeting":"hello"}'],
  ["relation-ids db *", '["db:2"]'],
  ["relation-ids *", "[]"],
  ["relation-list --format=json --app *", '"pg"'],
  ["relation-list *", '["pg/0"]'],
  ["relation-get *", '{"key":"old"}'],
  ["relation-model-get *", `{"uuid":"${MODEL_UUID}"}`],
  ["status-get * --application=false", '{"status":"active","message":"","status-data":{}}'],
  ["status-get * --application=true", '{"application-status":{"status":"active","message":"","status-data":{},"units":{}}}'],
  ["opened-ports *", '["8080/tcp"]'],
  [
    "network-get *",
    '{"bind-addresses":[{"mac-address":"","interface-name":"eth0",' +
      '"addresses":[{"hostname":"","value":"10.0.0.2","cidr":"10.0.0.0/24"}]}],' +
      '"egress-subnets":["10.0.0.2/32"],"ingress-addresses":["10.0.0.2"]}',
  ],
  ["secret-add *", `${SECRET}\n`],
  ["secret-get *", '{"password":"old"}'],
  ["secret-info-get *", `{"cs9ab3go9ns0ql5jgv6g":{"revision":1,"owner":"application"}}`],
  ["storage-list *", '["data/0"]'],
  ["storage-get *", '{"kind":"filesystem","location":"/srv/data"}'],
  ["resource-get *", "/var/lib/juju/resources/blob.bin\n"],
  ["goal-state *", '{"units":{"fault/0":{"status":"active","since":"2026-11-23 00:00:00Z"}},"relations":{}}'],
  ["credential-get *", '{"type":"lxd","name":"localhost"}'],
];

/**
 * The labels of the fixture's CALLS: the tool each one exercises, the command lines the fault
 * applies to, and whether the runtime reads the tool's output.
 */
const CALLS: readonly { label: string; tool: string; pattern: string; readsOutput: boolean }[] = [
  ...["is-leader", "config-get", "relation-ids", "relation-list", "relation-get", "relation-model-get"].map((label) => ({
    label,
    readsOutput: true,
  })),
  { label: "relation-list --app", pattern: "relation-list --format=json --app *", readsOutput: true },
  { label: "relation-set", readsOutput: false },
  { label: "status-get", pattern: "status-get * --application=false", readsOutput: true },
  { label: "status-get --application", pattern: "status-get * --application=true", readsOutput: true },
  ...["status-set", "application-version-set", "juju-log", "open-port", "close-port"].map((label) => ({ label, readsOutput: false })),
  ...["opened-ports", "network-get", "secret-add", "secret-get", "secret-info-get"].map((label) => ({ label, readsOutput: true })),
  ...["secret-set", "secret-remove", "secret-grant", "secret-revoke"].map((label) => ({ label, readsOutput: false })),
  ...["storage-list", "storage-get"].map((label) => ({ label, readsOutput: true })),
  { label: "storage-add", readsOutput: false },
  ...["resource-get", "goal-state", "credential-get"].map((label) => ({ label, readsOutput: true })),
  { label: "juju-reboot", readsOutput: false },
].map((call: { label: string; pattern?: string; readsOutput: boolean }) => {
  const tool = call.label.split(" ")[0] ?? "";
  return { ...call, tool, pattern: call.pattern ?? `${tool}*` };
});

type Fault = "exit 1" | "exit 2" | "malformed" | "empty" | "signal" | "missing";
const FAULTS: readonly Fault[] = ["exit 1", "exit 2", "malformed", "empty", "signal", "missing"];

function reply(fault: Fault): FakeReply {
  switch (fault) {
    case "exit 1":
      return { stderr: "ERROR connection is shut down\n", exit: 1 };
    case "exit 2":
      return { stderr: "ERROR flag provided but not defined: --format\n", exit: 2 };
    case "malformed":
      return { stdout: "{this is not json" };
    case "empty":
      return { stdout: "" };
    case "signal":
      return { stdout: "partial", signal: "KILL" };
    case "missing":
      return { stdout: "" };
  }
}

/** What the runtime must do: the error class it raises, or success when the output is not read. */
function expected(call: (typeof CALLS)[number], fault: Fault): string {
  // A log line that cannot reach Juju goes to stderr: logging never fails a hook.
  if (call.tool === "juju-log" && fault !== "malformed" && fault !== "empty") return "logged to stderr; hook goes on";
  switch (fault) {
    case "exit 1":
    case "signal":
      return "HookToolError";
    case "exit 2":
      return "HookToolUsageError";
    case "malformed":
    case "empty":
      if (!call.readsOutput) return "ok: output not read";
      // Any text is a file path, but not no text at all.
      if (call.tool === "resource-get" && fault === "malformed") return "ok: output not read";
      return "ModelError";
    case "missing":
      return "ModelError";
  }
}

/** Prints the matrix as a Markdown table (the first row is the header); returns its body rows. */
function printMatrix(rows: readonly (readonly string[])[]): readonly (readonly string[])[] {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((r) => (r[column] ?? "").length))) ?? [];
  const line = (r: readonly string[]) => `| ${r.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const [head = [], ...body] = rows;
  console.log(`\n${[line(head), line(widths.map((width) => "-".repeat(width))), ...body.map(line)].join("\n")}\n`);
  return body;
}

let dispatch: string;
let work: string;
/** The state file after a successful `park` hook: stored state and one deferred event. */
let parked: Buffer;

beforeAll(async () => {
  ({ work, dispatch } = await buildFixture(FIXTURE, "tscharm-faults-"));
  const first = run("park", HEALTHY, {});
  expect(first.exitCode, first.stderr).toBe(0);
  parked = readFileSync(join(first.charmDir, ".unit-state.json"));
  expect(JSON.parse(parked.toString("utf8"))).toMatchObject({ stored: { counter: { calls: 0 } }, deferred: [{ kind: "park" }] });
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

let runs = 0;

/**
 * Runs one hook of the fixture with the given fake tools (and state file), as Juju runs dispatch;
 * `wrap` puts a command in front of it (strace).
 */
function run(
  hook: string,
  rules: readonly FakeRule[],
  options: {
    call?: string;
    state?: Buffer;
    missing?: string;
    wrap?: (charmDir: string) => string[];
    /** The unit agent's socket, and the relay behind it (given the run's tools and its fault). */
    agent?: { address: string; relay?: AgentRelay; fault?: RelayFault };
  },
) {
  const dir = join(work, `run-${String(++runs)}`);
  const charmDir = join(dir, "charm");
  mkdirSync(charmDir, { recursive: true });
  if (options.state !== undefined) writeFileSync(join(charmDir, ".unit-state.json"), options.state, { mode: 0o600 });
  const fake = new FakeHookTools(join(dir, "tools"), rules);
  if (options.missing !== undefined) rmSync(join(fake.bin, options.missing));
  options.agent?.relay?.use(fake.bin, options.agent.fault);
  const relayed = options.agent?.relay?.calls().length ?? 0;
  const prefix = options.wrap?.(charmDir) ?? [];
  const command = prefix[0] ?? dispatch;
  const args = prefix.length > 0 ? [...prefix.slice(1), dispatch] : [];
  const result = spawnSync(command, args, {
    cwd: charmDir,
    encoding: "utf8",
    env: {
      ...jujuEnv(`hooks/${hook}`, { unit: "fault/0" }),
      JUJU_CHARM_DIR: charmDir,
      PATH: `${fake.bin}:/usr/bin:/bin`,
      FAULT_CALL: options.call ?? "",
      // Without an agent, the runtime spawns the tools (the address jujuEnv gives is an abstract socket nobody serves).
      ...(options.agent === undefined
        ? { TSCHARM_HOOK_TOOLS: "spawn" }
        : { JUJU_AGENT_SOCKET_ADDRESS: options.agent.address, TSCHARM_HOOK_TOOL_TIMEOUT: "0.3" }),
    },
  });
  const relayedCalls = options.agent?.relay?.calls().slice(relayed) ?? [];
  return { exitCode: result.status, signal: result.signal, stderr: result.stderr, fake, charmDir, relayedCalls };
}

describe("every hook tool the runtime calls, failing every way", () => {
  test("healthy tools: every call of the fixture succeeds (so each failure below is the fault's)", () => {
    for (const call of CALLS) {
      const outcome = run("install", HEALTHY, { call: call.label });
      expect(outcome.exitCode, `${call.label}: ${outcome.stderr}`).toBe(0);
      expect(outcome.fake.lines().some((line) => line.startsWith(`${call.tool} `) || line === call.tool)).toBe(true);
    }
  });

  test("a typed error naming the tool, exit 1, the state file byte-identical, the deferred event kept", () => {
    const rows: string[][] = [["call", ...FAULTS]];
    const mismatches: string[] = [];
    for (const call of CALLS) {
      const row = [call.label];
      for (const fault of FAULTS) {
        const want = expected(call, fault);
        const outcome = run("install", [[call.pattern, reply(fault)], ...HEALTHY], {
          call: call.label,
          state: parked,
          ...(fault === "missing" ? { missing: call.tool } : {}),
        });
        const state = readFileSync(join(outcome.charmDir, ".unit-state.json"));
        const errorLine = outcome.fake.lines().find((line) => line.startsWith("juju-log --log-level ERROR -- Uncaught ")) ?? "";
        const raised = /Uncaught (\w+) in charm code/.exec(errorLine)?.[1] ?? "";
        let got: string;
        if (want.startsWith("ok")) {
          const committed = JSON.parse(state.toString("utf8")) as {
            stored?: { counter?: { calls?: number } };
            deferred?: { kind?: string }[];
          };
          const ok = outcome.exitCode === 0 && committed.stored?.counter?.calls === 1 && committed.deferred?.[0]?.kind === "park";
          got = ok ? want : `exit ${String(outcome.exitCode)}: ${outcome.stderr}`;
        } else if (want.startsWith("logged")) {
          got = outcome.exitCode === 0 && outcome.stderr.includes("INFO") ? want : `exit ${String(outcome.exitCode)}: ${outcome.stderr}`;
        } else {
          const namesTool = errorLine.includes(call.tool);
          got =
            outcome.exitCode === 1 && state.equals(parked) && namesTool
              ? raised
              : `exit ${String(outcome.exitCode)}, ${raised || "no error logged"}` +
                `${namesTool ? "" : ", tool not named"}${state.equals(parked) ? "" : ", state changed"}`;
        }
        if (got !== want) mismatches.push(`${call.label} × ${fault}: want ${want}, got ${got}`);
        row.push(got);
      }
      rows.push(row);
    }
    printMatrix(rows);
    expect(mismatches).toEqual([]);
  }, 120_000);
});

describe("every call over the agent's socket, with the transport failing every way", () => {
  type TransportFault = "socket missing" | "refused" | RelayFault["kind"];
  const TRANSPORT_FAULTS: readonly TransportFault[] = [
    "socket missing",
    "refused",
    "rpc-error",
    "bad-request",
    "close",
    "close-mid-reply",
    "garbage",
    "silent",
  ];
  let relay: AgentRelay;
  let refused: string;

  beforeAll(async () => {
    relay = await AgentRelay.start(join(work, "relay"));
    // A socket file with nobody listening: a relay killed before it could remove it.
    const dead = await AgentRelay.start(join(work, "dead"));
    await dead.stop({ leaveSocket: true });
    refused = dead.socket;
  });
  afterAll(async () => {
    // Undefined when beforeAll failed before starting it.
    await (relay as AgentRelay | undefined)?.stop();
  });

  /**
   * What must happen. The transport's rules (runtime/hook-tools/transport.ts): where the tool
   * cannot have run, the call is spawned instead and the hook succeeds; where it may have run on an
   * agent that had answered well before, the call fails and is not run again; a "bad request" is
   * the tool's own failure, as jujuc reports it.
   */
  function expectedOver(call: (typeof CALLS)[number], fault: TransportFault, proven: boolean): string {
    switch (fault) {
      case "socket missing":
      case "refused":
      case "rpc-error":
        return "ok: spawned";
      case "bad-request":
        return call.tool === "juju-log" ? "logged to stderr; hook goes on" : "HookToolError";
      default:
        if (!proven) return "ok: spawned";
        return call.tool === "juju-log" ? "logged to stderr; hook goes on" : "ModelError";
    }
  }

  test("every call is served by the agent when it is healthy: no tool is spawned", () => {
    for (const call of CALLS) {
      const outcome = run("install", HEALTHY, { call: call.label, agent: { address: relay.socket, relay } });
      expect(outcome.exitCode, `${call.label}: ${outcome.stderr}`).toBe(0);
      expect(outcome.relayedCalls.map((c) => c.tool)).toEqual(outcome.fake.calls().map((c) => c.tool));
      expect(outcome.relayedCalls.some((c) => c.tool === call.tool)).toBe(true);
    }
  });

  /**
   * The transport does the same for every tool: what varies is whether an earlier call of the hook
   * proved the connection, and what the call sends (stdin, secret files). So the matrix takes calls
   * that cover each of those, first and after, reads and writes, rather than all of CALLS again.
   */
  const TRANSPORT_CALLS = [
    "is-leader",
    "juju-log",
    "secret-get",
    "network-get",
    "relation-get",
    "relation-set",
    "status-get --application",
    "secret-add",
    "secret-set",
    "storage-get",
  ].map((label) => {
    const call = CALLS.find((c) => c.label === label);
    if (call === undefined) throw new Error(`no call ${label}`);
    return call;
  });

  test("fallback where the tool was never reached, a typed error where it may have run; state untouched on failure", () => {
    const rows: string[][] = [["call", ...TRANSPORT_FAULTS]];
    const mismatches: string[] = [];
    for (const call of TRANSPORT_CALLS) {
      // Whether the agent answered a call before this one in the hook (the healthy run tells).
      const healthy = run("install", HEALTHY, { call: call.label, agent: { address: relay.socket, relay } });
      const proven = healthy.relayedCalls.findIndex((c) => c.tool === call.tool) > 0;
      const row = [call.label];
      for (const fault of TRANSPORT_FAULTS) {
        const want = expectedOver(call, fault, proven);
        const agent =
          fault === "socket missing"
            ? { address: join(work, "no-such-agent.socket") }
            : fault === "refused"
              ? { address: refused }
              : { address: relay.socket, relay, fault: { tool: call.tool, kind: fault } };
        const outcome = run("install", HEALTHY, { call: call.label, state: parked, agent });
        const state = readFileSync(join(outcome.charmDir, ".unit-state.json"));
        const errorLine = outcome.fake.lines().find((line) => line.startsWith("juju-log --log-level ERROR -- Uncaught ")) ?? "";
        const raised = /Uncaught (\w+) in charm code/.exec(errorLine)?.[1] ?? "";
        const spawnedTarget = outcome.fake.calls().filter((c) => c.tool === call.tool).length;
        const servedTarget = outcome.relayedCalls.filter((c) => c.tool === call.tool && c.fault === undefined).length;
        let got: string;
        if (want === "ok: spawned") {
          const committed = JSON.parse(state.toString("utf8")) as { stored?: { counter?: { calls?: number } } };
          // The tool ran once, by spawning (the fake tools record every run, the relay only the ones it served).
          const ok = outcome.exitCode === 0 && committed.stored?.counter?.calls === 1 && spawnedTarget >= 1 && servedTarget === 0;
          got = ok ? want : `exit ${String(outcome.exitCode)}, spawned ${String(spawnedTarget)}, served ${String(servedTarget)}`;
        } else if (want.startsWith("logged")) {
          got = outcome.exitCode === 0 && outcome.stderr.includes("INFO") ? want : `exit ${String(outcome.exitCode)}: ${outcome.stderr}`;
        } else {
          const namesTool = errorLine.includes(call.tool);
          // Never run twice: a call that may have run on the agent is not spawned after it.
          const ranAgain = fault !== "bad-request" && spawnedTarget > 0;
          got =
            outcome.exitCode === 1 && state.equals(parked) && namesTool && !ranAgain
              ? raised
              : `exit ${String(outcome.exitCode)}, ${raised || "no error logged"}` +
                `${namesTool ? "" : ", tool not named"}${state.equals(parked) ? "" : ", state changed"}${ranAgain ? ", ran again" : ""}`;
        }
        if (got !== want) mismatches.push(`${call.label} × ${fault}${proven ? " (after a call)" : ""}: want ${want}, got ${got}`);
        row.push(got);
      }
      rows.push(row);
    }
    const body = printMatrix(rows);
    expect(mismatches).toEqual([]);
    // Both kinds of mid-call failure occur in the matrix: on a first call (spawned) and after one (refused to re-run).
    expect(body.some((r) => r[5] === "ok: spawned") && body.some((r) => r[5] === "ModelError")).toBe(true);
  }, 240_000);
});

describe("crash safety: SIGKILL at every system call of the commit", () => {
  const STRACE = "/usr/bin/strace";
  /** What the commit does to the file system, in order (test/state-file.test.ts has the sequence). */
  const SYSCALLS = ["statx", "lstat", "unlink", "openat", "write", "fsync", "close", "rename", "read"];

  test("the state file is always the old one or the new one, and the next hook runs", () => {
    if (!existsSync(STRACE)) throw new Error("this test needs strace, which injects the SIGKILL (apt install strace)");
    const before = parked.toString("utf8");
    const rows: string[] = [];
    let kills = 0;
    for (const syscall of SYSCALLS) {
      for (let n = 1; n <= 20; n++) {
        // -P: only the system calls on the state file, its temp file and the charm directory count.
        const wrap = (charmDir: string) => [
          STRACE,
          "-f",
          "-o",
          "/dev/null",
          "-P",
          join(charmDir, ".unit-state.json"),
          "-P",
          join(charmDir, ".unit-state.json.tmp"),
          "-P",
          charmDir,
          "-e",
          `inject=${syscall}:signal=KILL:when=${String(n)}`,
        ];
        const outcome = run("install", HEALTHY, { call: "is-leader", state: parked, wrap });
        const text = readFileSync(join(outcome.charmDir, ".unit-state.json"), "utf8");
        const state = JSON.parse(text) as { version: number; stored: { counter: { calls: number } }; deferred: { kind: string }[] };
        expect(state.version).toBe(1);
        expect(state.deferred).toEqual([expect.objectContaining({ kind: "park" })]);
        const killed = outcome.exitCode !== 0;
        if (killed) {
          kills++;
          expect(outcome.exitCode === 137 || outcome.signal === "SIGKILL", outcome.stderr).toBe(true);
          expect(text === before || state.stored.counter.calls === 1, `${syscall} #${String(n)}`).toBe(true);
          rows.push(`${syscall} #${String(n)}: ${text === before ? "old state" : "new state"}`);
          // The next hook runs as if nothing happened (a leftover temp file is replaced).
          const next = run("install", HEALTHY, { call: "is-leader", state: Buffer.from(text) });
          expect(next.exitCode, next.stderr).toBe(0);
          const after = JSON.parse(readFileSync(join(next.charmDir, ".unit-state.json"), "utf8")) as typeof state;
          expect(after.stored.counter.calls).toBe(state.stored.counter.calls + 1);
        } else {
          // The n-th such call never came: the hook ran to its end and committed the new state.
          expect(state.stored.counter.calls).toBe(1);
          break;
        }
      }
    }
    console.log(`\nkilled at ${String(kills)} system calls of the commit:\n${rows.join("\n")}\n`);
    expect(kills).toBeGreaterThanOrEqual(10);
    expect(rows.some((row) => row.startsWith("rename") && row.endsWith("old state"))).toBe(true);
    expect(rows.some((row) => row.endsWith("new state"))).toBe(true);
  }, 180_000);
});
