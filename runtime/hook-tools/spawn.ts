// Starting one hook tool as a process and waiting for it: the only code of the runtime that spawns anything.
//
// Why the `spawn_sync` binding and not `node:child_process` (measured, docs/performance.md "Experiments"):
// loading `node:child_process` pulls in `node:net` and `node:stream` and cost every hook about 4.5 ms,
// as much as a tool call. `child_process.spawnSync` is a thin layer over Node's
// `spawn_sync` binding, which `process.binding` still exposes, so `spawnTool` calls the binding directly.
// The binding is internal to Node: it is used only where it exists and answers with the function
// expected, otherwise `spawnChild` does the same through `node:child_process`, loaded on first use.
// `tscharm build` pins the Node every charm runs on, and test/runtime/hook-tools/spawn.test.ts runs
// every spawning test through both.

import { ModelError } from "../errors.js";

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one hook tool to completion. The production runner spawns it; tests may record instead. */
export type ToolRunner = (tool: string, args: readonly string[], stdin?: string) => ToolResult;

/** The most a tool may print; Juju's own limits are far below it. */
const MAX_OUTPUT = 1024 * 1024 * 1024;

/** Runs `tool` found on PATH, without a shell, waiting for it to exit: the production runner. */
export const spawnTool: ToolRunner = (tool, args, stdin) => {
  const binding = spawnSyncBinding();
  if (binding === undefined) return spawnChild(tool, args, stdin);
  const envPairs: string[] = [];
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) envPairs.push(`${key}=${value}`);
  const result = binding.spawn({
    file: tool,
    args: [tool, ...args],
    envPairs,
    stdio: [
      { type: "pipe", readable: true, writable: false, input: Buffer.from(stdin ?? "") },
      { type: "pipe", readable: false, writable: true },
      { type: "pipe", readable: false, writable: true },
    ],
    maxBuffer: MAX_OUTPUT,
    killSignal: undefined,
    detached: false,
    windowsHide: false,
    windowsVerbatimArguments: false,
  });
  if (typeof result.error === "number") {
    const code = errnoName(result.error);
    return failedToRun(tool, code, `spawnSync ${tool} ${code}`);
  }
  const stdout = result.output?.[1]?.toString("utf8") ?? "";
  const stderr = result.output?.[2]?.toString("utf8") ?? "";
  if (typeof result.signal === "string") return { exitCode: 128, stdout, stderr: `${stderr}killed by ${result.signal}` };
  return { exitCode: result.status ?? 1, stdout, stderr };
};

/** The same through `node:child_process`, loaded on the first call. */
export const spawnChild: ToolRunner = (tool, args, stdin) => {
  const result = process.getBuiltinModule("node:child_process").spawnSync(tool, args, {
    input: stdin ?? "",
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT,
  });
  if (result.error) {
    return failedToRun(tool, (result.error as NodeJS.ErrnoException).code, result.error.message);
  }
  if (result.signal) {
    return { exitCode: 128, stdout: result.stdout, stderr: `${result.stderr}killed by ${result.signal}` };
  }
  return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
};

function failedToRun(tool: string, code: string | undefined, message: string): never {
  if (code === "ENOENT") {
    throw new ModelError(`hook tool "${tool}" is not on PATH: Juju provides it only while it runs a hook`);
  }
  throw new ModelError(`could not run hook tool "${tool}": ${message}`);
}

/** The name of a (negative) errno the binding returns, such as "ENOENT"; node:util only on failure. */
function errnoName(errno: number): string {
  try {
    return process.getBuiltinModule("node:util").getSystemErrorName(errno);
  } catch {
    return `errno ${String(errno)}`;
  }
}

interface SpawnSyncBinding {
  spawn(options: {
    file: string;
    args: string[];
    envPairs: string[];
    stdio: readonly { type: "pipe"; readable: boolean; writable: boolean; input?: Buffer }[];
    maxBuffer: number;
    killSignal: undefined;
    detached: boolean;
    windowsHide: boolean;
    windowsVerbatimArguments: boolean;
  }): { status?: number | null; signal?: string | null; output?: readonly (Buffer | null)[] | null; error?: number };
}

/** Looked up once per process: the binding, null where there is none, undefined until looked up. */
let cachedBinding: SpawnSyncBinding | null | undefined;

/** Node's spawn_sync binding, or undefined where it is missing or not what spawnTool expects. */
export function spawnSyncBinding(): SpawnSyncBinding | undefined {
  if (cachedBinding === undefined) {
    cachedBinding = null;
    try {
      const legacy = (process as unknown as { binding?: (name: string) => unknown }).binding;
      const candidate = legacy?.call(process, "spawn_sync") as { spawn?: unknown } | undefined;
      if (typeof candidate?.spawn === "function") cachedBinding = candidate as SpawnSyncBinding;
    } catch {
      // A Node without it, or one that refuses (the permission model): child_process it is.
    }
  }
  return cachedBinding ?? undefined;
}
