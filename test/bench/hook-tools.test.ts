// What bench/hook-tools.mjs relies on: its agent answers what the /bin/sh tools print, counts the
// calls it served and asks for stdin as Juju's does; a run meant to go over the socket that spawned
// its tools is caught; and the script, with tiny run counts, produces every figure it reports
// (their values are not checked: nothing here times anything).

import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { TOOLS, hookSandbox } from "../../bench/dispatch.mjs";
import { type HookToolsBench, answersOf, checkCalls, formatHookTools, startAgent } from "../../bench/hook-tools.mjs";
import { HOST_ARCH } from "../../cmd/node-binary.js";
import { AgentSocket } from "../../runtime/hook-tools/agent-socket.js";
import { GobDecoder } from "../../runtime/hook-tools/gob.js";
import { JujucClient, NO_STDIN } from "../../runtime/hook-tools/jujuc.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const DISPATCH = join(ROOT, "dist", HOST_ARCH, "dispatch");
const work = mkdtempSync(join(tmpdir(), "tscharm-test-bench-hook-tools-"));
const box = hookSandbox(mkdtempSync(join(work, "box-")));
const bin = box.env.PATH.split(":")[0] ?? "";
const answers = answersOf(bin, join(work, "answers.json"));
let agent: Awaited<ReturnType<typeof startAgent>>;

beforeAll(async () => {
  const socket = join(work, "agent.sock");
  agent = await startAgent("node", [process.execPath, join(ROOT, "bench", "agent.mjs"), socket, join(work, "answers.json")], socket);
});
afterAll(() => {
  agent.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("the bench agent", () => {
  // The agent is another process: this test's blocking client cannot stall it.
  const call = (client: JujucClient, commandName: string, args: string[], stdin?: Buffer) =>
    client.call({ contextId: "demo/0-test-1", dir: work, commandName, args, ...(stdin === undefined ? {} : { stdin }) });

  test("answers every tool with what its /bin/sh tool prints, and counts the calls it served", async () => {
    const socket = AgentSocket.connect(agent.socket, 10_000);
    try {
      const client = new JujucClient(socket, new GobDecoder());
      await agent.served();
      for (const tool of TOOLS) {
        const outcome = call(client, tool, ["--format=json"]);
        if (!("response" in outcome)) throw new Error(`${tool}: ${outcome.rpcError}`);
        const shell = spawnSync(join(bin, tool), ["--format=json"], { encoding: "utf8" });
        expect([outcome.response.code, outcome.response.stdout.toString()]).toEqual([0, shell.stdout]);
      }
      expect(answers["is-leader"]).toBe("true\n");
      expect(await agent.served()).toEqual(TOOLS.map((tool) => `${tool} --format=json`));
    } finally {
      socket.close();
    }
  });

  test("asks for stdin when a tool reads it and none was sent, as the unit agent does", async () => {
    const socket = AgentSocket.connect(agent.socket, 10_000);
    try {
      const client = new JujucClient(socket, new GobDecoder());
      await agent.served();
      expect(call(client, "relation-set", ["--file", "-"])).toEqual({ rpcError: NO_STDIN });
      expect("response" in call(client, "relation-set", ["--file", "-"], Buffer.from("a: b\n"))).toBe(true);
      expect(await agent.served()).toEqual(["relation-set --file -"]);
    } finally {
      socket.close();
    }
  });
});

describe("the check of each command's path", () => {
  const command = (name: string, env: Record<string, string>) => {
    if (!existsSync(DISPATCH)) throw new Error(`${DISPATCH} is missing: npm run build first`);
    return {
      name,
      argv: [DISPATCH],
      cwd: box.cwd,
      env: {
        ...box.env,
        JUJU_DISPATCH_PATH: "hooks/leader-elected",
        JUJU_HOOK_NAME: "leader-elected",
        JUJU_CONTEXT_ID: "demo/0-leader-elected-1",
        JUJU_AGENT_SOCKET_NETWORK: "unix",
        JUJU_AGENT_SOCKET_ADDRESS: agent.socket,
        ...env,
      },
    };
  };

  test("over the socket: every call served by the agent, no sh tool run", async () => {
    const calls = await checkCalls(
      { name: "socket", expect: "socket", agent: "node", command: command("socket", {}), callLog: box.callLog },
      [agent],
    );
    expect(calls.spawned).toEqual([]);
    expect(calls.served).toContain("is-leader --format=json");
  });

  test("a run meant for the socket that spawned its tools stops the bench", async () => {
    const spawning = command("socket", { TSCHARM_HOOK_TOOLS: "spawn" });
    await expect(
      checkCalls({ name: "socket", expect: "socket", agent: "node", command: spawning, callLog: box.callLog }, [agent]),
    ).rejects.toThrow(/over the socket, yet tools were spawned/);
  });

  test("a run meant to spawn whose calls reached the agent stops the bench", async () => {
    await expect(
      checkCalls({ name: "spawn", expect: "spawn", command: command("spawn", {}), callLog: box.callLog }, [agent]),
    ).rejects.toThrow(/the node agent served \d+ calls/);
  });
});

describe("the script", () => {
  test("with tiny run counts, produces every figure it reports", { timeout: 900_000 }, () => {
    if (!existsSync(DISPATCH)) throw new Error(`${DISPATCH} is missing: npm run build first`);
    const result = spawnSync(
      process.execPath,
      [join(ROOT, "bench", "hook-tools.mjs"), "--runs", "1", "--warmup", "1", "--micro-calls", "3", "--micro-runs", "1", "--json"],
      { encoding: "utf8", maxBuffer: 64 * 2 ** 20 },
    );
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const bench = JSON.parse(result.stdout) as HookToolsBench;
    expect(bench.hooks.map((hook) => hook.hook)).toEqual(["leader-elected", "config-changed"]);
    for (const hook of bench.hooks) {
      expect(hook.figures.map((figure) => figure.name)).toEqual(["socket", "spawn", "floor", "empty"]);
      for (const figure of hook.figures) expect(Number.isFinite(figure.time.median)).toBe(true);
    }
    const names = bench.toolHeavy.figures.map((figure) => figure.name);
    expect(names).toEqual(
      expect.arrayContaining(["socket node 50", "socket node 0", "spawn 50", "spawn 0", "floor 50", "floor 0", "empty"]),
    );
    expect(bench.perCall.map((call) => call.name)).toEqual(
      expect.arrayContaining(["socket (node agent)", "spawn (tscharm)", "spawn (floor)"]),
    );
    const nodeMicro = bench.micro.find((micro) => micro.agent === "node");
    expect(nodeMicro?.codecMs).toBeTypeOf("number");
    expect(bench.micro.find((micro) => micro.path === "spawn")?.perCallMs).toBeTypeOf("number");
    expect(bench.idle.figures.map((figure) => figure.name)).toEqual(["now", "baseline", "empty"]);
    expect(bench.sizes.baselineBundle).toBeGreaterThan(0);
    const text = formatHookTools(bench);
    expect(text).toContain("leader-elected over the socket ÷ empty executable");
    expect(text).toContain("update-status (no tool call) now ÷");
  });
});
