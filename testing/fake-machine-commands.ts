// FakeMachine's commands and processes: which() over the fake files on PATH, run() answered by the
// test's handlers (never a silent success: a command nobody answers fails), and processes the test
// starts, which kill() signals and probes as os.kill does.

import { type Commands, CommandError, type RunOptions, type RunResult, failureMessage } from "../machine/commands.js";
import type { FakeFileSystem } from "./fake-machine-files.js";

/** The PATH a FakeMachine's which() and run() search (a hook's, on Ubuntu). */
export const FAKE_PATH = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"] as const;

/** One run() as a handler sees it. */
export interface CommandCall {
  readonly argv: readonly string[];
  readonly input: string | undefined;
  /** The environment changes run() was given (not the whole environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string | undefined;
}

/** What a handler answers: nothing is exit 0 with no output. */
export interface CommandReply {
  readonly exitCode?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** A test's answer to a command; `machine` is the FakeMachine (to change its state, start a process, ...). */
export type CommandHandler<M> = (call: CommandCall, machine: M) => CommandReply | undefined | Promise<CommandReply | undefined>;

/** A live process of the fake machine. */
export interface FakeProcess {
  readonly pid: number;
  readonly argv: readonly string[];
  /** Every signal delivered to it (not the probes, signal 0), in order. */
  readonly signals: readonly NodeJS.Signals[];
}

export interface StartProcessOptions {
  /**
   * Called for each signal delivered; true: the process ends, false: it lives on. Without it,
   * SIGTERM, SIGINT and SIGKILL end it and other signals do not. SIGKILL ends it whatever this says.
   */
  readonly onSignal?: (signal: NodeJS.Signals, process: FakeProcess) => boolean;
  /** Default: the next free one (from 1000). */
  readonly pid?: number;
}

/** Thrown by a FakeMachine's run() for a command on its PATH that the test gave no handler: a test bug, not a failed command. */
export class FakeMachineError extends Error {
  override name = "FakeMachineError";
}

interface ProcessState {
  readonly pid: number;
  readonly argv: readonly string[];
  readonly signals: NodeJS.Signals[];
  readonly onSignal: StartProcessOptions["onSignal"];
}

const ENDING: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGKILL"];

/** The processes and the handlers: state the Commands concept and the FakeMachine share. */
export class FakeCommandTable<M> {
  readonly handlers = new Map<string, CommandHandler<M>>();
  readonly live = new Map<number, ProcessState>();
  readonly delivered: { readonly pid: number; readonly signal: NodeJS.Signals }[] = [];
  private nextPid = 1000;

  start(argv: readonly string[], options: StartProcessOptions = {}): number {
    if (argv.length === 0 || argv[0] === "") throw new TypeError("startProcess() needs a command: argv is empty");
    const pid = options.pid ?? this.nextFree();
    if (!Number.isInteger(pid) || pid <= 0) throw new TypeError(`startProcess(): a pid is a positive integer, not ${String(pid)}`);
    if (this.live.has(pid))
      throw new TypeError(`startProcess(): process ${String(pid)} is already running (${this.live.get(pid)?.argv.join(" ") ?? ""})`);
    this.live.set(pid, { pid, argv: [...argv], signals: [], onSignal: options.onSignal });
    return pid;
  }

  /** Ends a process as if it exited on its own; false when it was not running. */
  end(pid: number): boolean {
    return this.live.delete(pid);
  }

  snapshot(): FakeProcess[] {
    return [...this.live.values()].map((p) => ({ pid: p.pid, argv: [...p.argv], signals: [...p.signals] }));
  }

  private nextFree(): number {
    while (this.live.has(this.nextPid)) this.nextPid++;
    return this.nextPid++;
  }
}

/** The Commands concept of a FakeMachine. */
export class FakeCommands<M> implements Commands {
  constructor(
    private readonly table: FakeCommandTable<M>,
    private readonly tree: FakeFileSystem,
    private readonly machine: () => M,
  ) {}

  which(command: string): Promise<string | undefined> {
    return Promise.resolve(this.whichSync(command));
  }

  whichSync(command: string): string | undefined {
    const executable = (path: string): boolean => {
      const file = this.tree.file(path);
      return file !== undefined && (file.mode & 0o111) !== 0;
    };
    if (command.includes("/")) return command.startsWith("/") && executable(command) ? command : undefined;
    return FAKE_PATH.map((dir) => `${dir}/${command}`).find(executable);
  }

  async run(argv: readonly string[], options: RunOptions = {}): Promise<RunResult> {
    const [file] = argv;
    if (file === undefined || file === "") throw new TypeError("run() needs a command: argv is empty");
    const handler = this.table.handlers.get(file) ?? this.table.handlers.get(file.slice(file.lastIndexOf("/") + 1));
    if (handler === undefined) {
      if (this.whichSync(file) === undefined)
        throw new CommandError(`${file}: cannot run it (no such command)`, {
          argv: [...argv],
          exitCode: undefined,
          signal: undefined,
          stdout: "",
          stderr: "",
        });
      throw new FakeMachineError(
        `FakeMachine has no handler for ${file} (run as: ${argv.join(" ")}): give it one with machine.onCommand(${JSON.stringify(file)}, ...)`,
      );
    }
    const call: CommandCall = { argv: [...argv], input: options.input, env: { ...(options.env ?? {}) }, cwd: options.cwd };
    const reply = (await handler(call, this.machine())) ?? {};
    const result: RunResult = {
      argv: [...argv],
      exitCode: reply.exitCode ?? 0,
      signal: undefined,
      stdout: reply.stdout ?? "",
      stderr: reply.stderr ?? "",
    };
    if (options.check !== false && result.exitCode !== 0) throw new CommandError(failureMessage(result), result);
    return result;
  }

  kill(pid: number, signal: NodeJS.Signals | 0): Promise<boolean> {
    if (!Number.isInteger(pid) || pid <= 0)
      return Promise.reject(new TypeError(`kill() needs a process id (a positive integer), not ${String(pid)}`));
    const process = this.table.live.get(pid);
    if (process === undefined) return Promise.resolve(false);
    if (signal === 0) return Promise.resolve(true);
    process.signals.push(signal);
    this.table.delivered.push({ pid, signal });
    const view: FakeProcess = { pid, argv: [...process.argv], signals: [...process.signals] };
    const says = process.onSignal?.(signal, view);
    if (signal === "SIGKILL" || (says ?? ENDING.includes(signal))) this.table.live.delete(pid);
    return Promise.resolve(true);
  }
}
