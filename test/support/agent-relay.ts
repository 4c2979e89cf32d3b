// Starts agent-relay-main.ts (a stand-in unit agent on a unix socket, in its own process) for a
// black-box run of a built dispatch over the socket path; see that file.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { build } from "esbuild";

/** A transport fault at the first call of `tool` after `use()`. */
export interface RelayFault {
  readonly tool: string;
  readonly kind: "close-mid-reply" | "close" | "garbage" | "rpc-error" | "bad-request" | "silent";
}

let bundled: Promise<string> | undefined;

/** The relay program, bundled once per test process. */
function program(): Promise<string> {
  bundled ??= (async () => {
    const out = join(mkdtempSync(join(tmpdir(), "tscharm-relay-")), "relay.mjs");
    await build({
      entryPoints: [join(import.meta.dirname, "agent-relay-main.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "silent",
    });
    return out;
  })();
  return bundled;
}

export class AgentRelay {
  private constructor(
    private readonly child: ChildProcess,
    readonly socket: string,
    private readonly controlFile: string,
    private readonly logFile: string,
  ) {}

  /** Starts a relay in `dir` (its socket is `<dir>/agent.socket`). */
  static async start(dir: string): Promise<AgentRelay> {
    const socket = join(dir, "agent.socket");
    mkdirSync(dir, { recursive: true });
    const controlFile = join(dir, "relay.control");
    const logFile = join(dir, "relay.log");
    writeFileSync(controlFile, "\n");
    writeFileSync(logFile, "");
    const child = spawn(process.execPath, [await program(), socket, controlFile, logFile], { stdio: ["ignore", "pipe", "inherit"] });
    // Kept for the process's life: an exit later is not an error, and its output is not read after "ready".
    await new Promise<void>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => {
        reject(new Error(`the agent relay exited (${String(code)}) before it was ready`));
      });
      child.stdout.once("data", () => {
        resolve();
      });
    });
    return new AgentRelay(child, socket, controlFile, logFile);
  }

  /** Answers the next calls with the tools in `binDir`, injecting `fault` if given. */
  use(binDir: string, fault?: RelayFault): void {
    writeFileSync(this.controlFile, `${binDir}\n${fault === undefined ? "" : JSON.stringify(fault)}`);
  }

  /** The variables that point a dispatch at this relay. */
  env(): Record<string, string> {
    return { JUJU_AGENT_SOCKET_NETWORK: "unix", JUJU_AGENT_SOCKET_ADDRESS: this.socket };
  }

  /** What the relay was asked, in order: tool names (and the fault injected, if any). */
  calls(): { n: number; tool: string; fault?: RelayFault["kind"] }[] {
    if (!existsSync(this.logFile)) return [];
    return readFileSync(this.logFile, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { n: number; tool: string; fault?: RelayFault["kind"] });
  }

  /** Kills the relay. With `leaveSocket`, its socket file stays behind with no listener (a refused connection). */
  async stop(options: { leaveSocket?: boolean } = {}): Promise<void> {
    const exited = new Promise<void>((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) resolve();
      else this.child.once("exit", () => resolve());
    });
    this.child.kill(options.leaveSocket === true ? "SIGKILL" : "SIGTERM");
    await exited;
  }
}
