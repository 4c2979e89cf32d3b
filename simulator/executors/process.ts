// Runs a hook, action or exec as a real process: the charm's dispatch (or bash for exec) in the
// unit's charm directory, the hook tools on PATH answered by the tool server, output captured up to
// a limit, killed with its process group when it runs out of time.

import { spawn } from "node:child_process";
import { Socket } from "node:net";

import type { HookContext } from "../../engine/hook-context.js";
import type { ToolDefaults } from "../../fake-tools/handler.js";
import type { SimulatorCore } from "../core.js";
import { OUTPUT_LIMIT, type ProcessOutcome, logsSince } from "./outcome.js";

/**
 * How long a hook's output is still read after its process exited. Juju's hook runner waits
 * 100 ms for it and no longer, "because the hook may have started a background process that
 * keeps the pipe open"; a hook ends when its process does.
 */
const OUTPUT_GRACE_MS = 100;

const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

const signalNumbers: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGTERM: 15,
};

/** Runs `command` for one hook, action or exec of a unit, its hook tools answered from `hookContext`. */
export async function runProcess(
  core: SimulatorCore,
  unitName: string,
  what: string,
  hookContext: HookContext,
  /** The JUJU_* variables of the hook (engine/hook-env.ts). */
  jujuEnv: Record<string, string>,
  /** What the hook tools default to (the hook's relation, remote unit, storage). */
  toolDefaults: ToolDefaults,
  command: readonly string[],
): Promise<ProcessOutcome> {
  const id = jujuEnv["JUJU_CONTEXT_ID"] ?? `${unitName}-${what}`;
  // Juju's door: the unit agent's unix socket, no token (as on Juju 3.6 and 4.x). Without one, the
  // variables are left out and the charm spawns its tools.
  const socket = await core.server.agentSocket(unitName, core.agentSocketPath(unitName));
  const calls = core.server.register(id, hookContext, toolDefaults);
  const logStart = core.model.logs.length;
  const chosenPath = process.env["TSCHARM_HOOK_TOOLS"];
  const processEnv: Record<string, string> = {
    ...jujuEnv,
    ...(socket === undefined ? {} : { JUJU_AGENT_SOCKET_NETWORK: "unix", JUJU_AGENT_SOCKET_ADDRESS: socket }),
    // The bash client's door, for tools spawned as processes.
    ...core.server.environment(),
    // The simulator's own choice of path for tscharm's runtime (auto, socket, spawn) reaches every unit.
    ...(chosenPath === undefined ? {} : { TSCHARM_HOOK_TOOLS: chosenPath }),
    PATH: `${core.server.binDir}:${PATH}`,
    ...core.extraEnvFor(unitName),
  };
  if (socket === undefined) {
    Reflect.deleteProperty(processEnv, "JUJU_AGENT_SOCKET_NETWORK");
    Reflect.deleteProperty(processEnv, "JUJU_AGENT_SOCKET_ADDRESS");
  }
  const cwd = core.charmDir(unitName);
  core.running = { unit: unitName, what };
  const started = performance.now();
  try {
    // On a machine of its own, the command starts inside its namespaces (simulator/machines.ts).
    const entry = await core.machines.enter(core.model.unit(unitName).machine, cwd, command);
    if (entry !== undefined) Object.assign(processEnv, entry.env);
    const [file = "", ...args] = entry?.argv ?? command;
    const timeoutMs =
      core.teardownDeadline === undefined
        ? core.hookTimeoutMs
        : Math.max(1, Math.min(core.hookTimeoutMs, core.teardownDeadline - Date.now()));
    const result = await new Promise<{ exitCode: number; timedOut: boolean; stdout: string; stderr: string }>((done) => {
      // A process group of its own, so a timeout kills whatever the hook started too.
      const child = spawn(file, args, { cwd, env: processEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
      let stdout = "";
      let stderr = "";
      let timedOut = false;
      let ended = false;
      let grace: NodeJS.Timeout | undefined;
      const keep = (text: string, chunk: string): string => (ended ? text : (text + chunk).slice(0, OUTPUT_LIMIT));
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout = keep(stdout, chunk)));
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr = keep(stderr, chunk)));
      const finish = (exitCode: number): void => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        clearTimeout(grace);
        // What the hook left running may hold the pipes open: its output is read and dropped
        // (closing them would kill a writer with SIGPIPE), and keeps no process of ours alive.
        for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
        done({ exitCode, timedOut, stdout, stderr });
      };
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          child.kill("SIGKILL");
        }
      }, timeoutMs);
      child.on("error", (error) => {
        // Juju fails the hook when its process cannot start (no dispatch, not executable).
        stderr += `cannot run ${file}: ${error.message}\n`;
        finish((error as NodeJS.ErrnoException).code === "ENOENT" ? 127 : 126);
      });
      const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null): number =>
        code ?? (signal === null ? 1 : 128 + (signalNumbers[signal] ?? 9));
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        grace = setTimeout(() => {
          finish(exitCodeOf(code, signal));
        }, OUTPUT_GRACE_MS);
      });
      child.on("close", (code, signal) => {
        finish(exitCodeOf(code, signal));
      });
    });
    return {
      ...result,
      calls,
      logs: logsSince(core.model, unitName, logStart),
      durationMs: performance.now() - started,
    };
  } finally {
    core.running = undefined;
    core.server.unregister(id);
  }
}
