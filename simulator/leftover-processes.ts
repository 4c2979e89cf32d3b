// The processes a model's hooks left running (a workload a charm started), found through /proc,
// and how the simulator stops them when the model is destroyed: Juju would destroy the machines.
//
// A process belongs to the model when its environment holds the model's JUJU_MODEL_UUID (every
// hook, action and exec gets it, and children inherit it, including those that setsid or double
// fork away from the hook's process group) or when its working directory is inside the model's
// directory (a charm's own children, started from its charm directory, whatever environment they
// were given). A process that clears its environment and leaves the model's directories is not
// found: on a real machine it would die with the machine.

import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { sep } from "node:path";

/** A process found running for the model. */
export interface LeftoverProcess {
  readonly pid: number;
  /** Its command line, for the debug log (at most 200 characters). */
  readonly command: string;
}

/** How long a process gets to exit after SIGTERM before it is killed. */
const GRACE_MS = 2000;

/** The model's processes, never this process or one of its ancestors. Empty where there is no /proc. */
export function findLeftoverProcesses(modelUuid: string, modelDir: string): LeftoverProcess[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  const spared = ancestry(process.pid);
  const marker = `JUJU_MODEL_UUID=${modelUuid}`;
  const inside = modelDir.endsWith(sep) ? modelDir : `${modelDir}${sep}`;
  const found: LeftoverProcess[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (spared.has(pid) || !running(pid)) continue;
    const environment = read(`/proc/${entry}/environ`);
    const belongs = environment?.split("\0").includes(marker) === true || isInside(`/proc/${entry}/cwd`, modelDir, inside);
    if (belongs) found.push({ pid, command: (read(`/proc/${entry}/cmdline`) ?? "").split("\0").join(" ").trim().slice(0, 200) });
  }
  return found;
}

/**
 * Stops the processes: SIGTERM to each, then SIGKILL to those still running after a grace period.
 * Resolves with the ones that had to be killed.
 */
export async function stopProcesses(processes: readonly LeftoverProcess[], graceMs = GRACE_MS): Promise<LeftoverProcess[]> {
  for (const { pid } of processes) signal(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  let remaining = processes.filter(({ pid }) => running(pid));
  while (remaining.length > 0 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 25));
    remaining = remaining.filter(({ pid }) => running(pid));
  }
  for (const { pid } of remaining) signal(pid, "SIGKILL");
  return remaining;
}

/** Whether the process exists and is not a zombie (a zombie has exited; only its parent's wait is missing). */
export function running(pid: number): boolean {
  const stat = read(`/proc/${String(pid)}/stat`);
  if (stat === undefined) return false;
  // The state follows the command name, which is in parentheses and may itself hold ") ".
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state !== "Z" && state !== "X" && state !== "";
}

function ancestry(pid: number): Set<number> {
  const seen = new Set<number>();
  let current = pid;
  while (current > 0 && !seen.has(current)) {
    seen.add(current);
    const ppid = /^PPid:\s+(\d+)$/m.exec(read(`/proc/${String(current)}/status`) ?? "")?.[1];
    current = ppid === undefined ? 0 : Number(ppid);
  }
  return seen;
}

function isInside(link: string, dir: string, prefix: string): boolean {
  try {
    const cwd = readlinkSync(link);
    return cwd === dir || cwd.startsWith(prefix);
  } catch {
    return false;
  }
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone meanwhile, or not ours to signal.
  }
}
