// The simulator's unit agent as Juju's own hook-tool clients reach it: one unix socket per unit,
// speaking jujuc's protocol (Go net/rpc over gob, method `Jujuc.Main`; runtime/hook-tools/jujuc.ts),
// with the unit agent's answers (juju/juju internal/worker/uniter/runner/jujuc/server.go `Main`,
// runner.go `startJujucServer`). A call runs through the same runTool (runner.ts) as the bash
// client's (server.ts), against the hook context registered under its ContextId.
//
// The socket is a file, as Juju 3.6 and 4.x make it (juju/sockets `Listen`): made in a fresh 0700
// directory beside its place, set to 0700, then renamed into place. A file socket is reached
// through the file system, so a unit on a machine of its own (simulator/machines.ts), whose network
// namespace is not ours, reaches it at the same path: the model directory is the same there.

import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { dirname, isAbsolute, join } from "node:path";

import type { HookContext } from "../engine/hook-context.js";
import { hookToolExists, unknownCommand } from "../grammar/juju-version.js";
import { type GobStruct, GobDecoder, GobError } from "../runtime/hook-tools/gob.js";
import {
  JUJUC_METHOD,
  JujucProtocolError,
  JujucReplies,
  NO_STDIN,
  type ReceivedCall,
  readJujucRequest,
} from "../runtime/hook-tools/jujuc.js";
import type { ToolDefaults } from "./handler.js";
import { TOOL_NAMES, type ToolOutput, runTool } from "./runner.js";

/** The longest path a unix socket's address holds (sockaddr_un's 108 bytes, with the terminating NUL). */
export const MAX_SOCKET_PATH = 107;

/**
 * The largest message one call may be (its header or its body, stdin included): what a connection
 * may hold while a call arrives. 16 MiB, the size of the largest document Juju's database keeps.
 */
export const MAX_CALL_BYTES = 16 * 1024 * 1024;

/** What a unit's socket needs from the tool server. */
export interface JujucHost {
  /** The hook that `contextId` names, when it runs now on this socket's unit. */
  hook(contextId: string): { readonly context: HookContext; readonly env: ToolDefaults } | undefined;
  /** Records a call that reached the agent's tool table (or was refused as a tool it does not have). */
  record(contextId: string, tool: string, args: readonly string[], output: ToolOutput): void;
  /** A connection was closed for what it sent: said in the simulator's debug log. */
  problem(what: string): void;
}

/** Why a unix socket cannot be made at `path`, or undefined when it can. */
export function socketPathProblem(path: string): string | undefined {
  const length = Buffer.byteLength(path);
  if (length <= MAX_SOCKET_PATH) return undefined;
  return `its path ${path} is ${String(length)} bytes, and a unix socket's address holds ${String(MAX_SOCKET_PATH)}`;
}

/** A unit's socket: its listener and the connections it has open. */
export class AgentListener {
  private readonly connections = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    /** The socket's path, as the unit's hooks get it in JUJU_AGENT_SOCKET_ADDRESS. */
    readonly path: string,
  ) {}

  /** Listens at `path` (a stale socket there is replaced) and serves jujuc's calls for `unit`. */
  static async listen(path: string, unit: string, host: JujucHost): Promise<AgentListener> {
    const problem = socketPathProblem(path);
    if (problem !== undefined) throw new Error(problem);
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    rmSync(path, { force: true });
    const holder: { listener?: AgentListener } = {};
    const server = createServer((socket) => {
      const listener = holder.listener;
      if (listener === undefined) {
        socket.destroy();
        return;
      }
      listener.connections.add(socket);
      socket.on("close", () => listener.connections.delete(socket));
      serveJujuc(socket, unit, host);
    });
    // A fresh 0700 directory (mkdtemp's mode) holds the socket until it has its own mode.
    const temporary = mkdtempSync(join(dir, ".s"));
    try {
      const made = join(temporary, "s");
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(made, () => {
          server.off("error", reject);
          resolve();
        });
      });
      try {
        chmodSync(made, 0o700);
        renameSync(made, path);
      } catch (error) {
        server.close();
        throw error;
      }
    } finally {
      rmSync(temporary, { recursive: true, force: true });
    }
    server.unref();
    holder.listener = new AgentListener(server, path);
    return holder.listener;
  }

  /** Stops listening, ends the open connections and removes the socket file. */
  async close(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
    rmSync(this.path, { force: true });
  }
}

/**
 * Serves one connection: calls are answered one at a time, in the order they came (jujuc sends
 * one and waits for its reply). Whatever does not decode as net/rpc's gob ends the connection,
 * and only it; the debug log says why.
 */
export function serveJujuc(socket: Socket, unit: string, host: JujucHost): void {
  const decoder = new GobDecoder(MAX_CALL_BYTES);
  const pendingHeader: { value?: GobStruct } = {};
  const replies = new JujucReplies();
  // A reply the client has not read yet: the next call waits for it, and nothing more is read.
  let blocked = false;
  let ended = false;
  const work = (): void => {
    try {
      while (!blocked && !ended) {
        const call = readJujucRequest(decoder, pendingHeader);
        if (call === undefined) return;
        if (!socket.write(answer(call, host, replies))) {
          blocked = true;
          socket.pause();
        }
      }
    } catch (error) {
      ended = true;
      const why =
        error instanceof GobError || error instanceof JujucProtocolError
          ? `${error.name}: ${error.message}`
          : `the simulator failed: ${error instanceof Error ? error.message : String(error)}`;
      host.problem(`unit ${unit}'s agent socket: a connection sent what is not a jujuc call (${why}); it was closed`);
      socket.destroy();
    }
  };
  socket.on("data", (chunk: Buffer) => {
    if (ended) return;
    decoder.push(chunk);
    work();
  });
  socket.on("drain", () => {
    blocked = false;
    socket.resume();
    work();
  });
  socket.on("error", () => undefined);
}

/** One call's reply, as the unit agent gives it. */
function answer(call: ReceivedCall, host: JujucHost, replies: JujucReplies): Buffer {
  if (call.serviceMethod !== JUJUC_METHOD) return replies.error(call, methodError(call.serviceMethod));
  const { request } = call;
  if (request.commandName === "") return replies.error(call, "bad request: command not specified");
  if (!isAbsolute(request.dir)) return replies.error(call, "bad request: Dir is not absolute");
  const hook = host.hook(request.contextId);
  if (hook === undefined) return replies.error(call, `bad request: wrong context ID; got ${goQuote(request.contextId)}`);
  const tool = request.commandName;
  if (!TOOL_NAMES.includes(tool) || !hookToolExists(hook.context.jujuVersion, tool)) {
    const refusal = unknownCommand(tool);
    // Recorded as jujuc reports it: exit 1, the error on stderr.
    host.record(request.contextId, tool, request.args, { exitCode: 1, stdout: Buffer.alloc(0), stderr: `ERROR ${refusal}\n` });
    return replies.error(call, refusal);
  }
  const stdin = request.stdin === undefined ? undefined : Buffer.from(request.stdin);
  const output = runTool(hook.context, hook.env, tool, request.args, stdin, request.dir, { askStdin: !request.stdinSet });
  // Not recorded: jujuc calls again with its stdin, and that call is the one that runs.
  if (output.stdinRequired === true) return replies.error(call, NO_STDIN);
  host.record(request.contextId, tool, request.args, output);
  return replies.response(call, { code: output.exitCode, stdout: output.stdout, stderr: Buffer.from(output.stderr) });
}

/** Go net/rpc's error for a call of another method than `Jujuc.Main` (net/rpc server.go, `readRequestHeader`). */
function methodError(serviceMethod: string): string {
  const dot = serviceMethod.lastIndexOf(".");
  if (dot < 0) return `rpc: service/method request ill-formed: ${serviceMethod}`;
  return serviceMethod.slice(0, dot) === "Jujuc" ? `rpc: can't find method ${serviceMethod}` : `rpc: can't find service ${serviceMethod}`;
}

/** A string as Go's `%q` prints it (strconv.Quote), for ASCII and printable text. */
export function goQuote(text: string): string {
  const escapes: Readonly<Record<string, string>> = {
    '"': '\\"',
    "\\": "\\\\",
    "\x07": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
  };
  let quoted = "";
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const escape = escapes[char];
    if (escape !== undefined) quoted += escape;
    else if (code < 0x20 || code === 0x7f) quoted += `\\x${code.toString(16).padStart(2, "0")}`;
    else quoted += char;
  }
  return `"${quoted}"`;
}
