// Running commands on the machine: which(), run() with a clear CommandError, and kill() (os.kill's
// probe and signals), for what the kit does not wrap. The other concepts run their tools through it.

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
  /** Runs argv (no shell) to completion. */
  run(argv: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * Sends `signal` to process `pid` (os.kill): true if it was delivered, false if there is no such
   * process. Signal 0 only probes; a zombie (ended, not yet reaped) counts as no process.
   */
  kill(pid: number, signal: NodeJS.Signals | 0): Promise<boolean>;
}
