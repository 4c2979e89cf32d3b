// The debug log: every hook, action and exec a unit ran and what the controller did, kept in the
// simulator's bookkeeping (at most MAX_LOG_ENTRIES), and its rendering as `juju debug-log` lines.

import type { HookInfo } from "./uniter.js";
import { type LogEntry, entryFailed } from "./types.js";

const MAX_LOG_ENTRIES = 20_000;

/** The fields of a log entry its writer must give; the others have defaults. */
export type NewLogEntry = Omit<LogEntry, "seq" | "time" | "detail" | "durationMs" | "calls" | "logs" | "stdout" | "stderr"> &
  Partial<LogEntry>;

/** Appends an entry (numbered after the last, stamped now), dropping the oldest past the limit. */
export function appendEntry(log: LogEntry[], entry: NewLogEntry): LogEntry {
  const full: LogEntry = {
    seq: (log.at(-1)?.seq ?? 0) + 1,
    time: new Date().toISOString(),
    detail: "",
    durationMs: 0,
    calls: [],
    logs: [],
    stdout: "",
    stderr: "",
    ...entry,
  };
  log.push(full);
  if (log.length > MAX_LOG_ENTRIES) log.splice(0, log.length - MAX_LOG_ENTRIES);
  return full;
}

/** What the controller did, as a log entry. */
export function appendNote(log: LogEntry[], what: string): LogEntry {
  return appendEntry(log, { unit: "controller", kind: "controller", name: what, exitCode: undefined, outcome: "" });
}

/** What a hook is about, for the debug log. */
export function hookDetail(hook: HookInfo): string {
  const parts: string[] = [];
  if (hook.remoteUnit !== undefined) parts.push(`remote unit ${hook.remoteUnit}`);
  else if (hook.kind === "relation-changed" && hook.remoteApp !== undefined) parts.push(`application ${hook.remoteApp}`);
  if (hook.departingUnit !== undefined && hook.departingUnit !== hook.remoteUnit) parts.push(`departing ${hook.departingUnit}`);
  if (hook.relationId !== undefined) parts.push(`relation ${String(hook.relationId)}`);
  if (hook.secret !== undefined)
    parts.push(`secret ${hook.secret}${hook.secretRevision === undefined ? "" : ` revision ${String(hook.secretRevision)}`}`);
  if (hook.storage !== undefined) parts.push(`storage ${hook.storage}`);
  return parts.join(", ");
}

/**
 * The simulator's history as `juju debug-log` lines: per hook, its `juju-log` records, the hook
 * tools it called (a `juju-log` call only when it failed, and without its message: the record is
 * shown once), its stdout at DEBUG and stderr at WARNING as Juju logs them, and how it ended.
 */
export function debugLogLines(entries: readonly LogEntry[]): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    const time = entry.time.slice(11, 19);
    const source = entry.unit === "controller" ? "machine-0" : `unit-${entry.unit.replace("/", "-")}`;
    if (entry.kind === "controller") {
      lines.push(`${source}: ${time} INFO juju.sim ${entry.name}`);
      continue;
    }
    for (const log of entry.logs) lines.push(`${source}: ${time} ${log.level} unit.${entry.unit}.juju-log ${log.message}`);
    for (const call of entry.calls) {
      if (call.tool === "juju-log" && call.exitCode === 0) continue;
      const args = call.tool === "juju-log" ? withoutMessage(call.args) : call.args;
      lines.push(
        `${source}: ${time} DEBUG juju.sim.hook-tool ${[call.tool, ...args].join(" ")} ` +
          `(exit ${String(call.exitCode)}${call.via === undefined ? "" : `, via ${call.via}`})` +
          (call.stderr === "" ? "" : `: ${call.stderr.trim()}`),
      );
    }
    // `juju exec` output is the task's, not the unit log's.
    if (entry.kind !== "exec") {
      const logger = `unit.${entry.unit}.${entry.name.replace(/ \(task \d+\)$/, "")}`;
      for (const line of entry.stdout.split("\n").filter((text) => text !== "")) lines.push(`${source}: ${time} DEBUG ${logger} ${line}`);
      for (const line of entry.stderr.split("\n").filter((text) => text !== "")) lines.push(`${source}: ${time} WARNING ${logger} ${line}`);
    }
    const what = entry.kind === "hook" ? `"${entry.name}" hook` : entry.kind === "action" ? `action ${entry.name}` : `exec ${entry.name}`;
    const level = entryFailed(entry) ? "ERROR" : "INFO";
    const detail = entry.detail === "" ? "" : ` (${entry.detail})`;
    lines.push(
      `${source}: ${time} ${level} juju.worker.uniter.operation ran ${what}${detail}: ` +
        `${entry.outcome}, exit ${String(entry.exitCode ?? "-")}, ` +
        `${String(Math.round(entry.durationMs))} ms, ${String(entry.calls.length)} tool calls`,
    );
  }
  return lines;
}

/** A `juju-log` call's arguments with its message left out (`<message>`): the record shows it. */
function withoutMessage(args: readonly string[]): string[] {
  const flags: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "-l" || arg === "--log-level") flags.push(arg, args[++i] ?? "");
    else if (arg.startsWith("--log-level=") || arg === "--debug") flags.push(arg);
    else break;
  }
  if (args[i] === "--") i++;
  return i < args.length ? [...flags, "<message>"] : flags;
}
