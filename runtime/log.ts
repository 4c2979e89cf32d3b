// Charm logging through `juju-log`: one process per record, so records below the threshold cost nothing.

import { format } from "node:util";

import type { LogLevel } from "./hook-tools/index.js";

const SEVERITY: Readonly<Record<LogLevel, number>> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };

/** Juju passes the message as one argv string; Linux caps one at 128 KiB, so longer records are split. */
export const MAX_LOG_CHUNK = 131071;

/** Where the records of the running dispatch go. */
export interface LogSink {
  /** Lowest level that is written; records below it are dropped before they are formatted. */
  readonly threshold: LogLevel;
  write(level: LogLevel, message: string): void;
}

let activeSink: LogSink | undefined;

/** Installs the sink of the dispatch that is starting; returns the previous one to restore. */
export function setLogSink(sink: LogSink | undefined): LogSink | undefined {
  const previous = activeSink;
  activeSink = sink;
  return previous;
}

function emit(level: LogLevel, args: readonly unknown[]): void {
  const sink = activeSink;
  if (sink === undefined) {
    // Outside a dispatch (module load, a plain script): there is no juju-log to call.
    if (SEVERITY[level] >= SEVERITY.INFO) process.stderr.write(`${level} ${format(...args)}\n`);
    return;
  }
  if (SEVERITY[level] < SEVERITY[sink.threshold]) return;
  const message = format(...args);
  if (message.length <= MAX_LOG_CHUNK) {
    sink.write(level, message);
    return;
  }
  sink.write(level, `Log string greater than ${MAX_LOG_CHUNK} characters; splitting into chunks`);
  for (let start = 0; start < message.length; start += MAX_LOG_CHUNK) {
    sink.write(level, message.slice(start, start + MAX_LOG_CHUNK));
  }
}

/**
 * The charm's logger: `log.info("configured %s", name)`. Records go to `juju-log` at INFO and
 * above, and at DEBUG too when Juju sets `JUJU_DEBUG`; anything below that spawns nothing.
 * Arguments are formatted like `console.log`.
 */
export const log = {
  debug: (...args: unknown[]): void => emit("DEBUG", args),
  info: (...args: unknown[]): void => emit("INFO", args),
  warning: (...args: unknown[]): void => emit("WARNING", args),
  error: (...args: unknown[]): void => emit("ERROR", args),
  critical: (...args: unknown[]): void => emit("CRITICAL", args),
} as const;
