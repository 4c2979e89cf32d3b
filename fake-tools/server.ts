// The simulator's "unit agent" end of the hook tools, with two front doors into one table of hook
// contexts (https://documentation.ubuntu.com/juju/latest/reference/jujuc/):
//
// - Juju's own: a unix socket per unit speaking jujuc's protocol (jujuc-server.ts), which a unit's
//   hooks get in JUJU_AGENT_SOCKET_NETWORK/_ADDRESS as on Juju 3.6 and 4.x. tscharm's runtime
//   calls it from inside dispatch, without a process (runtime/hook-tools/transport.ts).
// - the fake tool executables on PATH, for charms that spawn their tools (Python ops charms, shell
//   charms, tscharm's fallback): each is a symlink to one small bash client (CLIENT below, about
//   3 ms a call). It sends its name, argv, working directory, JUJU_CONTEXT_ID and, for `--file -`,
//   its stdin over loopback TCP (bash reaches TCP through /dev/tcp) to the address and with the
//   per-server token in TSCHARM_SIMULATOR_TOOLS and TSCHARM_SIMULATOR_TOOLS_TOKEN, and relays
//   the exit code, stderr and stdout it gets back.
//
// Either way the call runs the tool against that hook's context (runner.ts) and is recorded with
// the door it came through (`via`).

import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import { join } from "node:path";

import type { ToolDefaults } from "./handler.js";
import { AgentListener, type JujucHost } from "./jujuc-server.js";
import { TOOL_NAMES, type ToolOutput, runTool } from "./runner.js";
import type { HookContext } from "../engine/hook-context.js";

/** One tool call, as the debug log shows it. */
export interface ToolCall {
  readonly tool: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;
  /**
   * The door it came through: the unit's agent socket (jujuc's protocol, no process) or a spawned
   * tool executable (the bash client). Absent for in-process charms, and in logs kept by earlier versions.
   */
  readonly via?: "socket" | "spawn";
}

interface Registered {
  readonly context: HookContext;
  readonly env: ToolDefaults;
  readonly calls: ToolCall[];
}

/** The variable that gives the bash client the tool server's address (`host:port`). */
export const TOOLS_ADDRESS_VARIABLE = "TSCHARM_SIMULATOR_TOOLS";
/** The variable that gives the bash client the tool server's token. */
export const TOOLS_TOKEN_VARIABLE = "TSCHARM_SIMULATOR_TOOLS_TOKEN";

const MAGIC = "TSCHARM1";

export const CLIENT = `#!/bin/bash
# A hook tool of the tscharm simulator: sends this call to the simulator and relays its answer.
tool=\${0##*/}
if [[ -z \${JUJU_CONTEXT_ID:-} ]]; then echo "ERROR JUJU_CONTEXT_ID not set" >&2; exit 1; fi
addr=\${TSCHARM_SIMULATOR_TOOLS:-}
if [[ -z $addr ]] || ! exec 3<>"/dev/tcp/\${addr%:*}/\${addr##*:}"; then
  echo "ERROR cannot reach the tscharm simulator (TSCHARM_SIMULATOR_TOOLS=$addr)" >&2
  exit 1
fi
stdin=-
prev=
for a in "$@"; do
  if [[ ( $prev == --file && $a == - ) || $a == --file=- ]]; then stdin=$(base64 -w0); fi
  prev=$a
done
printf '%s\\0' "${MAGIC}" "\${TSCHARM_SIMULATOR_TOOLS_TOKEN:-}" "\${JUJU_CONTEXT_ID:-}" "$PWD" "$tool" "$#" >&3
if (($# > 0)); then printf '%s\\0' "$@" >&3; fi
printf '%s\\0' "$stdin" >&3
IFS= read -r code <&3
IFS= read -r err <&3
# Tools print text (no NUL bytes): read the rest with a builtin rather than starting cat.
IFS= read -r -d '' out <&3
printf '%s' "$out"
if [[ -n $err ]]; then printf '%s' "$err" | base64 -d >&2; fi
exit "\${code:-1}"
`;

export class ToolServer {
  readonly token = randomBytes(16).toString("hex");
  private readonly contexts = new Map<string, Registered>();
  /** Each unit's agent socket (jujuc-server.ts), made at its hooks' first need. */
  private readonly agents = new Map<string, Promise<AgentListener | undefined>>();
  /** Where the server says what went wrong on a connection (the simulator's debug log). */
  note: (what: string) => void = () => undefined;

  private constructor(
    private readonly server: Server,
    /** The directory to put first on PATH: one entry per hook tool. */
    readonly binDir: string,
  ) {}

  /** Starts the server on a free loopback port and writes the tools into `binDir`. */
  static async start(binDir: string): Promise<ToolServer> {
    mkdirSync(binDir, { recursive: true });
    const client = join(binDir, "tscharm-hook-tool");
    writeFileSync(client, CLIENT);
    chmodSync(client, 0o755);
    for (const name of TOOL_NAMES) {
      try {
        symlinkSync("tscharm-hook-tool", join(binDir, name));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    const holder: { instance?: ToolServer } = {};
    const server = createServer((socket) => {
      holder.instance?.serve(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    server.unref();
    holder.instance = new ToolServer(server, binDir);
    return holder.instance;
  }

  /** `127.0.0.1:<port>`, for TSCHARM_SIMULATOR_TOOLS. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${String(port)}`;
  }

  /** The environment the bash client needs to reach this server (the agent socket's is `agentSocket`'s). */
  environment(): Record<string, string> {
    return { [TOOLS_ADDRESS_VARIABLE]: this.address, [TOOLS_TOKEN_VARIABLE]: this.token };
  }

  /**
   * The unit's agent socket at `path`, listening from its first call on (the same path every later
   * call): where JUJU_AGENT_SOCKET_ADDRESS points. Undefined when it cannot be made (a path too long
   * for a unix socket, say), which the debug log says once; the unit's hooks then spawn their tools.
   */
  async agentSocket(unit: string, path: string): Promise<string | undefined> {
    let listening = this.agents.get(unit);
    if (listening === undefined) {
      listening = AgentListener.listen(path, unit, this.jujucHost(unit)).catch((error: unknown) => {
        const why = error instanceof Error ? error.message : String(error);
        this.note(`unit ${unit} gets no agent socket, so its hooks spawn their tools: ${why}`);
        return undefined;
      });
      this.agents.set(unit, listening);
    }
    return (await listening)?.path;
  }

  /** Serves tool calls for the hook whose JUJU_CONTEXT_ID is `id`; returns where its calls are recorded. */
  register(id: string, context: HookContext, env: ToolDefaults): ToolCall[] {
    const calls: ToolCall[] = [];
    this.contexts.set(id, { context, env, calls });
    return calls;
  }

  unregister(id: string): void {
    this.contexts.delete(id);
  }

  /**
   * Answers tool calls on another listener too: the simulator's machines reach it at their
   * bridge's address (simulator/machines.ts), where this process's loopback is out of reach.
   */
  serveOn(listener: Server): void {
    listener.on("connection", (socket: Socket) => {
      this.serve(socket);
    });
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    for (const listener of await Promise.all(agents)) await listener?.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private serve(socket: Socket): void {
    let buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const request = parseRequest(buffer);
      if (request === undefined) return;
      socket.removeAllListeners("data");
      this.answer(socket, request);
    });
    socket.on("error", () => undefined);
  }

  private answer(socket: Socket, request: Request): void {
    const reply = (exitCode: number, stderr: string, stdout: Buffer): void => {
      socket.end(Buffer.concat([Buffer.from(`${String(exitCode)}\n${Buffer.from(stderr).toString("base64")}\n`), stdout]));
    };
    if (request.token !== this.token) {
      reply(1, "ERROR bad request: wrong agent token\n", Buffer.alloc(0));
      return;
    }
    const registered = this.contexts.get(request.contextId);
    if (registered === undefined) {
      reply(1, `ERROR bad request: no hook context "${request.contextId}" (JUJU_CONTEXT_ID): the hook has ended\n`, Buffer.alloc(0));
      return;
    }
    const output = runTool(registered.context, registered.env, request.tool, request.args, request.stdin, request.cwd);
    record(registered, request.tool, request.args, output, "spawn");
    reply(output.exitCode, output.stderr, output.stdout);
  }

  /** What unit `unit`'s socket asks of this server: its own hooks' contexts only (another's is a wrong context ID). */
  private jujucHost(unit: string): JujucHost {
    const own = (contextId: string): Registered | undefined => {
      const registered = this.contexts.get(contextId);
      return registered?.context.unitName === unit ? registered : undefined;
    };
    return {
      hook: own,
      record: (contextId, tool, args, output) => {
        const registered = own(contextId);
        if (registered !== undefined) record(registered, tool, args, output, "socket");
      },
      problem: (what) => {
        this.note(what);
      },
    };
  }
}

function record(registered: Registered, tool: string, args: readonly string[], output: ToolOutput, via: "socket" | "spawn"): void {
  registered.calls.push({ tool, args: redactedArgs(tool, args), exitCode: output.exitCode, stderr: output.stderr, via });
}

/** Tools whose `key=value` arguments may carry secrets: the values are never recorded. */
const SECRET_ARGUMENTS = new Set(["secret-add", "secret-set", "action-set"]);

/** The arguments as the debug log shows them: `password=<redacted>`, while `password#file=/tmp/…` stays. */
export function redactedArgs(tool: string, args: readonly string[]): readonly string[] {
  if (!SECRET_ARGUMENTS.has(tool)) return args;
  return args.map((arg) => {
    const match = /^([^-=][^=]*)=/.exec(arg);
    if (match === null || match[1]?.endsWith("#file") === true) return arg;
    return `${match[1] ?? ""}=<redacted>`;
  });
}

interface Request {
  readonly token: string;
  readonly contextId: string;
  readonly cwd: string;
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin: Buffer | undefined;
}

/** The request once all of it has arrived: NUL-terminated fields, the last one stdin ("-": none). */
function parseRequest(buffer: Buffer): Request | undefined {
  const fields: string[] = [];
  let start = 0;
  let expected = 7;
  for (let i = 0; i < buffer.length; i++) {
    if (buffer[i] !== 0) continue;
    fields.push(buffer.subarray(start, i).toString("utf8"));
    start = i + 1;
    if (fields.length === 6) expected = 7 + Number(fields[5]);
    if (fields.length === expected) {
      const [magic, token = "", contextId = "", cwd = "", tool = "", , ...rest] = fields;
      if (magic !== MAGIC) return { token: "", contextId: "", cwd: "", tool: "", args: [], stdin: undefined };
      const stdin = rest.at(-1) ?? "-";
      return { token, contextId, cwd, tool, args: rest.slice(0, -1), stdin: stdin === "-" ? undefined : Buffer.from(stdin, "base64") };
    }
  }
  return undefined;
}
