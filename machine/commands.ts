// Running commands on the machine: which(), run() with a clear CommandError, and kill() (os.kill's
// probe and signals), for what the kit does not wrap. The other concepts run their tools through it.

import { accessSync, constants, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { delimiter, isAbsolute, join } from "node:path";

/** How a command is run. */
export interface RunOptions {
  /** Written to the command's standard input. */
  readonly input?: string;
  /** Added to (or, with a value of undefined, removed from) the hook's environment. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
  /** Kill the command (SIGKILL) after this many milliseconds; default: no limit. */
  readonly timeoutMs?: number;
  /** Throw CommandError on a non-zero exit (default true); with false, the result carries the exit code. */
  readonly check?: boolean;
}

/** What a finished command did. */
export interface RunResult {
  readonly argv: readonly string[];
  /** The exit code, or undefined when a signal ended it. */
  readonly exitCode: number | undefined;
  readonly signal: NodeJS.Signals | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that could not start, failed, or timed out; `message` names argv[0], the exit code and stderr. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    message: string,
    readonly result: RunResult,
  ) {
    super(message);
  }
  get argv(): readonly string[] {
    return this.result.argv;
  }
  get exitCode(): number | undefined {
    return this.result.exitCode;
  }
  get stdout(): string {
    return this.result.stdout;
  }
  get stderr(): string {
    return this.result.stderr;
  }
}

export interface Commands {
  /** The absolute path `command` runs as from the hook's PATH (shutil.which), or undefined. */
  which(command: string): Promise<string | undefined>;
  /**
   * Runs argv (no shell) to completion: until it exits and its stdout and stderr are closed. A
   * daemon that forks and keeps them open (most close them, tinyproxy does) holds run() until it
   * ends: give it a timeout, or start it by its service manager.
   */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Sends `signal` to process `pid` (os.kill): true if it was delivered, false if there is no such
   * process. Signal 0 only probes; a zombie (ended, not yet reaped) counts as no process.
   */
  kill(pid: number, signal: NodeJS.Signals | 0): Promise<boolean>;
}

/** The unit's own commands: processes started with node:child_process, without a shell. */
export class LocalCommands implements Commands {
  which(command: string): Promise<string | undefined> {
    return Promise.resolve(whichSync(command));
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file, ...args] = argv;
    if (file === undefined || file === "") throw new TypeError("run() needs a command: argv is empty");
    const changes = options.env ?? {};
    const env = Object.fromEntries(
      Object.entries({ ...process.env, ...changes }).filter(([name]) => !(Object.hasOwn(changes, name) && changes[name] === undefined)),
    );
    // Loaded at the first command, not with the kit: node:child_process is most of what importing
    // the kit costs a hook (docs/performance.md, "The machine kit"), and many hooks run no command.
    // Through getBuiltinModule, as the runtime does (runtime/hook-tools/spawn.ts): a dispatch
    // executable (a Node SEA) has no dynamic import().
    const { spawn } = process.getBuiltinModule("node:child_process");
    const result = await new Promise<RunResult & { readonly startError?: Error; readonly timedOut: boolean }>((done) => {
      const child = spawn(file, args, { env, cwd: options.cwd, stdio: ["pipe", "pipe", "pipe"] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill("SIGKILL");
            }, options.timeoutMs);
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      // A command that does not read its input must not fail the run with EPIPE.
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input ?? "");
      const finish = (exitCode: number | undefined, signal: NodeJS.Signals | undefined, startError?: Error): void => {
        if (timer !== undefined) clearTimeout(timer);
        done({
          argv: [...argv],
          exitCode,
          signal,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          timedOut,
          ...(startError === undefined ? {} : { startError }),
        });
      };
      child.on("error", (error) => {
        finish(undefined, undefined, error);
      });
      child.on("close", (code, signal) => {
        finish(code ?? undefined, signal ?? undefined);
      });
    });
    const { startError, timedOut, ...outcome } = result;
    if (startError !== undefined) {
      const code = (startError as NodeJS.ErrnoException).code;
      const why = code === "ENOENT" ? "no such command" : startError.message;
      throw new CommandError(`${file}: cannot run it (${why})`, outcome);
    }
    if (timedOut) throw new CommandError(`${file} did not finish within ${String(options.timeoutMs)} ms and was killed`, outcome);
    if (options.check !== false && outcome.exitCode !== 0) throw new CommandError(failureMessage(outcome), outcome);
    return outcome;
  }

  async kill(pid: number, signal: NodeJS.Signals | 0): Promise<boolean> {
    if (!Number.isInteger(pid) || pid <= 0) throw new TypeError(`kill() needs a process id (a positive integer), not ${String(pid)}`);
    if (await isZombie(pid)) return false;
    try {
      process.kill(pid, signal);
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
      throw error;
    }
  }
}

/** shutil.which: the first executable file named `command` on PATH (or `command` itself when it is a path). */
export function whichSync(command: string): string | undefined {
  const executable = (path: string): boolean => {
    try {
      accessSync(path, constants.X_OK);
      return statSync(path).isFile();
    } catch {
      return false;
    }
  };
  if (command.includes("/")) return isAbsolute(command) && executable(command) ? command : undefined;
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir === "" || !isAbsolute(dir)) continue;
    const path = join(dir, command);
    if (executable(path)) return path;
  }
  return undefined;
}

/** `tinyproxy exited 1: <the last lines of stderr>` (or of stdout when stderr is empty). */
export function failureMessage(result: RunResult): string {
  const how = result.exitCode === undefined ? `was killed by ${String(result.signal)}` : `exited ${String(result.exitCode)}`;
  const output = (result.stderr.trim() === "" ? result.stdout : result.stderr).trim();
  const tail = output.split("\n").slice(-20).join("\n");
  return `${result.argv[0] ?? "?"} ${how}${tail === "" ? "" : `: ${tail}`}`;
}

/** A process that ended and was not reaped yet (state Z in /proc/<pid>/stat) is no process to kill. */
async function isZombie(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${String(pid)}/stat`, "utf8");
    // The command name is in parentheses and may hold spaces: the state follows the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) === "Z";
  } catch {
    return false;
  }
}
