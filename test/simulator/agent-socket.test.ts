// How a unit's hooks reach their tools in the simulator (fake-tools/jujuc-server.ts and server.ts,
// simulator/executors/process.ts): the built demo charm (dist/, tscharm's runtime) calls every
// tool over its unit's agent socket, with Juju's environment for it; TSCHARM_HOOK_TOOLS=spawn in
// the simulator's environment reaches every unit and sends every call through the bash client; the
// debug log names each call's door; a unit on a machine of its own reaches its socket at the same
// path; a model directory too deep for a unix socket falls back to spawning and says so.

import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { debugLogLines } from "../../simulator/debug-log.js";
import { isolationBlocker } from "../../simulator/machine-isolation.js";
import { Simulator } from "../../simulator/simulator.js";
import type { LogEntry } from "../../simulator/types.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
/** Where the demo writes its workload config: inside each simulated machine's directory. */
const DEMO_ENV = { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" };
const blocker = isolationBlocker();
const built = existsSync(join(ROOT, "dist", "amd64", "dispatch")) || existsSync(join(ROOT, "dist", "arm64", "dispatch"));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Runs `body` with TSCHARM_HOOK_TOOLS set to `value` (or unset) in this process, as a user's shell would. */
async function withHookTools<T>(value: string | undefined, body: () => Promise<T>): Promise<T> {
  const saved = process.env["TSCHARM_HOOK_TOOLS"];
  if (value === undefined) Reflect.deleteProperty(process.env, "TSCHARM_HOOK_TOOLS");
  else process.env["TSCHARM_HOOK_TOOLS"] = value;
  try {
    return await body();
  } finally {
    if (saved === undefined) Reflect.deleteProperty(process.env, "TSCHARM_HOOK_TOOLS");
    else process.env["TSCHARM_HOOK_TOOLS"] = saved;
  }
}

async function simulator(options: Parameters<typeof Simulator.create>[0] = {}): Promise<Simulator> {
  const sim = await Simulator.create({ env: DEMO_ENV, ...options });
  cleanups.push(() => sim.close({ remove: true }));
  return sim;
}

async function exec(sim: Simulator, unit: string, command: string): Promise<string> {
  const task = await sim.runTask(sim.enqueueExec(unit, command).id);
  expect(task.status, JSON.stringify(task.results)).toBe("completed");
  const stdout = task.results["stdout"];
  return typeof stdout === "string" ? stdout : "";
}

/** The hooks the demo ran, and the door of each of their tool calls. */
function hookCalls(sim: Simulator): { hooks: readonly LogEntry[]; doors: Set<string | undefined> } {
  const hooks = sim.history().filter((entry) => entry.kind === "hook" && entry.outcome === "ok");
  return { hooks, doors: new Set(hooks.flatMap((entry) => entry.calls.map((call) => call.via))) };
}

describe.skipIf(!built)(`the built demo charm's tool calls${built ? "" : " (skipped: dist/ is not built; npm run build)"}`, () => {
  test("all go over the unit's agent socket, which Juju's variables name; the debug log says so", async () => {
    await withHookTools(undefined, async () => {
      // On the shared host (a machine of its own is the next describe's).
      const sim = await simulator({ machines: "shared" });
      sim.deploy(ROOT, { app: "demo", numUnits: 2 });
      await sim.settle();
      const { hooks, doors } = hookCalls(sim);
      expect(hooks.length).toBeGreaterThan(4);
      expect(hooks.flatMap((entry) => entry.calls).length).toBeGreaterThan(10);
      expect(doors).toEqual(new Set(["socket"]));
      const socket = join(sim.dir, "units", "unit-demo-0", "agent.socket");
      expect(statSync(socket).isSocket()).toBe(true);
      // A hook's environment: the unit's socket, no token; the bash client's address in our own variable.
      const env = await exec(
        sim,
        "demo/0",
        'echo "$JUJU_AGENT_SOCKET_NETWORK $JUJU_AGENT_SOCKET_ADDRESS ${JUJU_AGENT_TOKEN-none}"; echo "$JUJU_CONTEXT_ID"; ' +
          'echo "${TSCHARM_SIMULATOR_TOOLS%:*}"; is-leader',
      );
      const [sockets, id, tools, leader] = env.split("\n");
      expect(sockets).toBe(`unix ${socket} none`);
      expect(id).toMatch(/^demo\/0-run-commands-[0-9a-f]{32}$/);
      expect(tools).toBe("127.0.0.1");
      expect(leader).toBe("True");
      // The exec's own call came through the bash client; the debug log names both doors.
      const lines = debugLogLines(sim.history());
      expect(lines.some((line) => / DEBUG juju\.sim\.hook-tool is-leader --format=json \(exit 0, via socket\)$/.test(line))).toBe(true);
      expect(lines.some((line) => / DEBUG juju\.sim\.hook-tool is-leader \(exit 0, via spawn\)$/.test(line))).toBe(true);
      // The socket goes with the simulator.
      await sim.close();
      expect(existsSync(socket)).toBe(false);
    });
  });

  test("all are spawned when TSCHARM_HOOK_TOOLS=spawn is in the simulator's environment", async () => {
    await withHookTools("spawn", async () => {
      const sim = await simulator();
      sim.deploy(ROOT, { app: "demo", numUnits: 2 });
      await sim.settle();
      const { hooks, doors } = hookCalls(sim);
      expect(hooks.length).toBeGreaterThan(4);
      expect(doors).toEqual(new Set(["spawn"]));
      expect(await exec(sim, "demo/1", 'echo "$TSCHARM_HOOK_TOOLS"')).toBe("spawn\n");
    });
  });

  test("a model directory too deep for a unix socket: the hooks spawn their tools, and the debug log says why", async () => {
    const base = mkdtempSync(join(tmpdir(), "tscharm-deep-"));
    cleanups.push(() => {
      rmSync(base, { recursive: true, force: true });
    });
    await withHookTools(undefined, async () => {
      const sim = await simulator({ dir: join(base, "m".repeat(100)) });
      sim.deploy(ROOT, { app: "demo" });
      await sim.settle();
      const { hooks, doors } = hookCalls(sim);
      expect(hooks.length).toBeGreaterThan(2);
      expect(doors).toEqual(new Set(["spawn"]));
      const notes = sim.history().filter((entry) => entry.kind === "controller" && entry.name.includes("agent socket"));
      expect(notes.map((entry) => entry.name)).toEqual([
        expect.stringMatching(/^unit demo\/0 gets no agent socket, so its hooks spawn their tools: its path .+ is \d+ bytes/),
      ]);
      expect(await exec(sim, "demo/0", 'echo "${JUJU_AGENT_SOCKET_ADDRESS-unset}"')).toBe("unset\n");
    });
  });
});

describe.skipIf(!built || blocker !== undefined)(
  `a unit on a machine of its own${!built ? " (skipped: dist/ is not built)" : blocker === undefined ? "" : ` (skipped: ${blocker})`}`,
  () => {
    test("reaches its agent socket at the same path, from another network namespace", async () => {
      await withHookTools(undefined, async () => {
        const sim = await simulator({ machines: "isolated" });
        sim.deploy(ROOT, { app: "demo" });
        await sim.settle();
        const { hooks, doors } = hookCalls(sim);
        expect(hooks.length).toBeGreaterThan(2);
        expect(doors).toEqual(new Set(["socket"]));
        const socket = join(sim.dir, "units", "unit-demo-0", "agent.socket");
        const seen = await exec(
          sim,
          "demo/0",
          'echo "$JUJU_AGENT_SOCKET_ADDRESS"; [[ -S $JUJU_AGENT_SOCKET_ADDRESS ]] && echo socket; readlink /proc/self/ns/net; ' +
            'echo "${TSCHARM_SIMULATOR_TOOLS%:*}"; is-leader',
        );
        const [address, kind, netns, tools, leader] = seen.split("\n");
        expect([address, kind]).toEqual([socket, "socket"]);
        expect(netns).not.toBe(readlinkNetns());
        expect(tools).toBe("10.1.0.1");
        expect(leader).toBe("True");
      });
    });
  },
);

function readlinkNetns(): string {
  return `net:[${String(statSync("/proc/self/ns/net").ino)}]`;
}
