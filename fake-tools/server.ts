// The simulator's "unit agent" end of the hook tools: a loopback TCP server that answers the fake
// tool executables, the way Juju's jujuc clients talk to the unit agent over its socket
// (https://documentation.ubuntu.com/juju/latest/reference/jujuc/).
//
// Each tool on PATH is a symlink to one small bash client (CLIENT below, about 3 ms a call). It
// sends its name, argv, working directory, JUJU_CONTEXT_ID and, for `--file -`, its stdin; the
// server runs the tool against that hook's context (runner.ts) and sends back the exit code,
// stderr and stdout. Bash reaches TCP through /dev/tcp; the address and a per-server token come
// from JUJU_AGENT_SOCKET_ADDRESS and JUJU_AGENT_TOKEN, as for a Juju agent reached over TCP.

import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { type AddressInfo, type Server, type Socket, createServer } from "node:net";
import { join } from "node:path";

import type { ToolDefaults } from "./handler.js";
import { TOOL_NAMES, runTool } from "./runner.js";
import type { HookContext } from "../engine/hook-context.js";

/** One tool call, as the debug log shows it. */
export interface ToolCall {
  readonly tool: string;
  readonly args: readonly string[];
  readonly exitCode: number;
  readonly stderr: string;
}

interface Registered {
  readonly context: HookContext;
  readonly env: ToolDefaults;
  readonly calls: ToolCall[];
}

const MAGIC = "TSCHARM1";

export const CLIENT = `#!/bin/bash
# A hook tool of the tscharm simulator: sends this call to the simulator and relays its answer.
tool=\${0##*/}
if [[ -z \${JUJU_CONTEXT_ID:-} ]]; then echo "ERROR JUJU_CONTEXT_ID not set" >&2; exit 1; fi
addr=\${JUJU_AGENT_SOCKET_ADDRESS:-}
if [[ -z $addr ]] || ! exec 3<>"/dev/tcp/\${addr%:*}/\${addr##*:}"; then
  echo "ERROR cannot reach the tscharm simulator (JUJU_AGENT_SOCKET_ADDRESS=$addr)" >&2
  exit 1
fi
stdin=-
prev=
for a in "$@"; do
  if [[ ( $prev == --file && $a == - ) || $a == --file=- ]]; then stdin=$(base64 -w0); fi
  prev=$a
done
printf '%s\\0' "${MAGIC}" "\${JUJU_AGENT_TOKEN:-}" "\${JUJU_CONTEXT_ID:-}" "$PWD" "$tool" "$#" >&3
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

  /** `127.0.0.1:<port>`, for JUJU_AGENT_SOCKET_ADDRESS. */
  get address(): string {
    const { port } = this.server.address() as AddressInfo;
    return `127.0.0.1:${String(port)}`;
  }

  /** The environment a hook needs to reach this server. */
  environment(): Record<string, string> {
    return { JUJU_AGENT_SOCKET_NETWORK: "tcp", JUJU_AGENT_SOCKET_ADDRESS: this.address, JUJU_AGENT_TOKEN: this.token };
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
    registered.calls.push({
      tool: request.tool,
      args: redactedArgs(request.tool, request.args),
      exitCode: output.exitCode,
      stderr: output.stderr,
    });
    reply(output.exitCode, output.stderr, output.stdout);
  }
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
