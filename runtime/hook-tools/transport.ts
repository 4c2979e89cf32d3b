// How a hook-tool call reaches the unit agent: over its socket, speaking jujuc's own protocol from
// inside dispatch (no process), or by spawning the tool (spawn.ts). docs/hook-tools.md "Two paths".
//
// `TSCHARM_HOOK_TOOLS` picks: `auto` (the default) takes the socket when Juju names a unix one and
// falls back to spawning for the rest of the dispatch as soon as the socket fails; `socket` and
// `spawn` force one path, for diagnosis. Whatever the path, a call gives what a spawned tool would
// have given: its exit code, stdout and stderr. A failed tool is a failed tool on either path; a
// failed transport is not the tool's failure:
//
// - the call cannot have reached a tool (no socket, refused, the request not sent whole, an RPC
//   error from net/rpc itself, or an agent that never answered well on this connection) → the
//   call is made again by spawning, and so is every later call of the dispatch;
// - the call may have run on the agent (a connection that had worked closes mid-reply, the
//   reply is garbage, or no reply comes before the timeout) → the call fails with a ModelError
//   (nothing is committed, Juju retries the hook) and later calls spawn: never run a tool twice.

import { EnvironmentError, ModelError } from "../errors.js";
import { log } from "../log.js";
import { AgentSocket, TransportError } from "./agent-socket.js";
import { GobDecoder, GobError } from "./gob.js";
import { JujucClient, type JujucOutcome, JujucProtocolError, NO_STDIN } from "./jujuc.js";
import { type ToolResult, type ToolRunner, spawnTool } from "./spawn.js";

export type HookToolsMode = "auto" | "socket" | "spawn";

/** The parts of the environment the transport reads (Juju sets all but the TSCHARM_ ones). */
export type TransportEnv = Readonly<Record<string, string | undefined>>;

/** The longest a call waits for the agent's reply, unless TSCHARM_HOOK_TOOL_TIMEOUT (seconds) says otherwise. */
export const DEFAULT_TIMEOUT_MS = 300_000;

export interface TransportSettings {
  readonly mode: HookToolsMode;
  readonly timeoutMs: number;
}

/**
 * TSCHARM_HOOK_TOOLS (`auto`, `socket` or `spawn`) and TSCHARM_HOOK_TOOL_TIMEOUT (seconds), checked:
 * anything else is an EnvironmentError, which parseContext raises before the charm runs.
 */
export function transportSettings(env: TransportEnv): TransportSettings {
  const mode = env["TSCHARM_HOOK_TOOLS"];
  const timeout = env["TSCHARM_HOOK_TOOL_TIMEOUT"];
  const quoted = (value: string): string => JSON.stringify(value.slice(0, 40));
  if (mode !== undefined && mode !== "" && mode !== "auto" && mode !== "socket" && mode !== "spawn") {
    throw new EnvironmentError(`TSCHARM_HOOK_TOOLS=${quoted(mode)} must be "auto", "socket" or "spawn"`);
  }
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (timeout !== undefined && timeout !== "") {
    const seconds = Number(timeout);
    if (!Number.isFinite(seconds) || seconds <= 0) {
      throw new EnvironmentError(`TSCHARM_HOOK_TOOL_TIMEOUT=${quoted(timeout)} must be a number of seconds above 0`);
    }
    timeoutMs = seconds * 1000;
  }
  return { mode: mode === undefined || mode === "" ? "auto" : mode, timeoutMs };
}

/** Which path the calls of this dispatch take now, and why the socket is not used, if it is not. */
export interface ToolPath {
  readonly path: "socket" | "spawn";
  readonly reason?: string;
}

/**
 * The production runner: reads the environment at the first call (so constructing it costs
 * nothing), connects once, and keeps the connection for the dispatch.
 */
export class HookToolTransport {
  private client: JujucClient | undefined;
  private socket: AgentSocket | undefined;
  private state: ToolPath | undefined;
  /** True once the agent has answered one call well on this connection. */
  private proven = false;
  private read: TransportSettings | undefined;

  constructor(
    private readonly env: TransportEnv = process.env,
    private readonly spawn: ToolRunner = spawnTool,
  ) {}

  /** The runner to give ProcessHookTools. */
  readonly run: ToolRunner = (tool, args, stdin) => this.call(tool, args, stdin);

  /** Which path calls take now (decided at the first call). */
  get current(): ToolPath | undefined {
    return this.state;
  }

  private call(tool: string, args: readonly string[], stdin: string | undefined): ToolResult {
    const state = this.state ?? this.start();
    if (state.path === "spawn" || this.client === undefined) {
      // Only a failure during an earlier call leaves `socket` mode here: it stays failed.
      if (this.mode === "socket")
        throw new ModelError(`TSCHARM_HOOK_TOOLS=socket, but the unit agent's socket failed: ${state.reason ?? ""}`);
      return this.spawn(tool, args, stdin);
    }
    try {
      return this.overSocket(this.client, tool, args, stdin);
    } catch (error) {
      if (!(error instanceof TransportError || error instanceof GobError || error instanceof JujucProtocolError)) throw error;
      const mayHaveRun = this.proven && (!(error instanceof TransportError) || error.sent);
      this.abandon(`${tool}: ${error.message}`);
      if (this.mode === "socket") {
        throw new ModelError(
          `hook tool ${tool}: the unit agent's socket failed (${error.message}); TSCHARM_HOOK_TOOLS=socket forbids spawning it`,
        );
      }
      if (mayHaveRun) {
        throw new ModelError(
          `hook tool ${tool}: the connection to the unit agent failed during the call (${error.message}); ` +
            "it may have run, so it is not run again: the hook fails and Juju retries it",
        );
      }
      return this.spawn(tool, args, stdin);
    }
  }

  /** The settings, read from the environment at the first call and kept for the dispatch. */
  private get mode(): HookToolsMode {
    return this.settings().mode;
  }

  private settings(): TransportSettings {
    this.read ??= transportSettings(this.env);
    return this.read;
  }

  private start(): ToolPath {
    const mode = this.mode;
    if (mode === "spawn") return (this.state = { path: "spawn", reason: "TSCHARM_HOOK_TOOLS=spawn" });
    const network = this.env["JUJU_AGENT_SOCKET_NETWORK"];
    const address = this.env["JUJU_AGENT_SOCKET_ADDRESS"];
    const contextId = this.env["JUJU_CONTEXT_ID"];
    let reason: string | undefined;
    if (network !== "unix")
      reason = network === undefined ? "JUJU_AGENT_SOCKET_NETWORK is not set" : `the agent is reached over "${network}"`;
    else if (address === undefined || address === "") reason = "JUJU_AGENT_SOCKET_ADDRESS is not set";
    else if (contextId === undefined || contextId === "") reason = "JUJU_CONTEXT_ID is not set";
    if (reason === undefined && address !== undefined) {
      try {
        this.socket = AgentSocket.connect(address, this.settings().timeoutMs);
        this.client = new JujucClient(this.socket, new GobDecoder());
        return (this.state = { path: "socket" });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        reason = error.message;
      }
    }
    const why = reason ?? "no socket";
    if (mode === "socket") throw new ModelError(`TSCHARM_HOOK_TOOLS=socket, but the unit agent's socket cannot be used: ${why}`);
    this.state = { path: "spawn", reason: why };
    log.debug(`hook tools are spawned: ${why}`);
    return this.state;
  }

  /** Gives up on the socket for the rest of the dispatch, saying why once. */
  private abandon(why: string): void {
    this.socket?.close();
    this.socket = undefined;
    this.client = undefined;
    this.state = { path: "spawn", reason: why };
    if (this.mode !== "socket") log.debug(`hook tools are spawned from now on: ${why}`);
  }

  private overSocket(client: JujucClient, tool: string, args: readonly string[], stdin: string | undefined): ToolResult {
    const request = {
      contextId: this.env["JUJU_CONTEXT_ID"] ?? "",
      dir: process.cwd(),
      commandName: tool,
      args,
      stdin: stdin === undefined ? undefined : Buffer.from(stdin),
      // No Token: Juju sets one only for agents reached over TCP (Kubernetes), which are spawned for.
    };
    let outcome: JujucOutcome = client.call(request);
    // The agent asks for stdin when a tool reads it; jujuc then sends its own, which for a tool the
    // runtime spawns is empty unless given: the same here.
    if ("rpcError" in outcome && outcome.rpcError === NO_STDIN && request.stdin === undefined) {
      outcome = client.call({ ...request, stdin: Buffer.alloc(0) });
    }
    if ("rpcError" in outcome) {
      // "bad request: ..." is the agent refusing this call (jujuc prints it and exits 1); any other
      // RPC error is net/rpc's own (no such method, an undecodable request): the tool never ran.
      if (!outcome.rpcError.startsWith("bad request:") && outcome.rpcError !== NO_STDIN) {
        throw new TransportError(`the agent answered with an RPC error: ${outcome.rpcError}`);
      }
      this.proven = true;
      return { exitCode: 1, stdout: "", stderr: `ERROR ${outcome.rpcError}\n` };
    }
    this.proven = true;
    const { response } = outcome;
    return { exitCode: response.code, stdout: response.stdout.toString("utf8"), stderr: response.stderr.toString("utf8") };
  }
}
