// The processes behind a simulated machine: the holder that keeps a machine's namespaces alive
// between commands, and the /proc reading that finds, and stops, what runs in them
// (simulator/machines.ts uses them; docs/simulator.md, "Machines of their own").

import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const SYSTEM_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";
export const START_TIMEOUT_MS = 10_000;

export interface Tools {
  readonly unshare: string;
  readonly nsenter: string;
  readonly ip: string;
}

/** Where util-linux's and iproute2's tools are, or undefined when one is missing. */
export function findTools(): Tools | undefined {
  const find = (name: string): string | undefined =>
    ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].map((dir) => join(dir, name)).find((path) => existsSync(path));
  const unshare = find("unshare");
  const nsenter = find("nsenter");
  const ip = find("ip");
  return unshare === undefined || nsenter === undefined || ip === undefined ? undefined : { unshare, nsenter, ip };
}

export interface Holder {
  readonly pid: number;
  /** The process's start time (field 22 of /proc/<pid>/stat), so a reused pid is not taken for it. */
  readonly start: string;
  /** A machine's: the fabric holder it was linked to. */
  readonly fabric?: number;
  /** A machine's: its network namespace (`net:[inode]`), to find what still runs there once the holder is gone. */
  readonly net?: string;
}

/**
 * Starts `script` in new namespaces (`unshare` with `flags`) as a detached holder, and waits until
 * it is ready. The holder then waits for as long as `keep` (a directory of the model's) exists, so
 * deleting a model directory under a running machine does not leave its namespaces behind. Its
 * environment is PATH and `vars` only and its working directory `/`, so it is never taken for a
 * process of the model's hooks (leftover-processes.ts).
 */
export function startHolder(
  tools: Tools,
  flags: readonly string[],
  script: string,
  keep: string,
  log: string,
  vars: Readonly<Record<string, string>> = {},
): { pid: number; start: string } {
  const holderScript = `${script}\necho "$$ ready"\nexec 1>/dev/null 2>&1\nwhile [ -d "$KEEP" ]; do sleep 5; done\n`;
  const launcher = [
    // No job control here: the background job is not a group leader, so setsid does not fork and $! is the holder.
    'setsid "$@" </dev/null >"$LOG" 2>&1 &',
    "holder=$!",
    `for _ in $(seq 1 ${String(START_TIMEOUT_MS / 10)}); do`,
    '  if grep -q " ready$" "$LOG" 2>/dev/null; then echo "$holder"; exit 0; fi',
    '  if ! kill -0 "$holder" 2>/dev/null; then cat "$LOG" >&2; exit 1; fi',
    "  sleep 0.01",
    "done",
    'kill -9 "$holder"; echo "it did not get ready" >&2; exit 1',
  ].join("\n");
  const result = spawnSync(
    "/bin/bash",
    ["-c", launcher, "tscharm-holder", tools.unshare, ...flags, "--", "/bin/bash", "-c", holderScript],
    {
      encoding: "utf8",
      cwd: "/",
      env: { ...vars, PATH: SYSTEM_PATH, LOG: log, KEEP: keep },
      timeout: START_TIMEOUT_MS * 2,
    },
  );
  const pid = Number(result.stdout.trim());
  if (result.status !== 0 || !Number.isInteger(pid) || pid <= 0) throw new Error((result.stderr || String(result.error)).trim());
  const start = startTime(pid);
  if (start === undefined) throw new Error(`the namespace holder ${String(pid)} ended at once`);
  return { pid, start };
}

export function readHolder(file: string): Holder | undefined {
  try {
    const [pid = "", start = "", fabric = "", net = ""] = readFileSync(file, "utf8").trim().split(" ");
    if (!/^\d+$/.test(pid) || start === "") return undefined;
    return {
      pid: Number(pid),
      start,
      ...(/^\d+$/.test(fabric) ? { fabric: Number(fabric) } : {}),
      ...(net.startsWith("net:") ? { net } : {}),
    };
  } catch {
    return undefined;
  }
}

export function writeHolder(file: string, holder: Holder): void {
  writeFileSync(file, `${[String(holder.pid), holder.start, String(holder.fabric ?? "-"), holder.net ?? "-"].join(" ")}\n`);
}

/** The holder still runs: its pid is there, with the same start time, and not a zombie. */
export function alive(holder: Holder): boolean {
  return startTime(holder.pid) === holder.start;
}

export function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    // The fields after the command name, which is in parentheses and may itself hold ") ".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] === "Z" || fields[0] === "X" ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

/** A machine holder's namespace, never this process's own (so nothing of the host's is taken for the machine's). */
export function machineNs(pid: number, kind: "net" | "mnt"): string | undefined {
  const ns = nsOf(pid, kind);
  return ns === undefined || ns === nsOf(process.pid, kind) ? undefined : ns;
}

export function groupOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
  } catch {
    return undefined;
  }
}

export function nsOf(pid: number, kind: "net" | "mnt"): string | undefined {
  try {
    return readlinkSync(`/proc/${String(pid)}/ns/${kind}`);
  } catch {
    return undefined;
  }
}

export function allPids(): number[] {
  try {
    return readdirSync("/proc")
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => pid !== process.pid);
  } catch {
    return [];
  }
}

/**
 * SIGTERM, then SIGKILL for whatever still runs a moment later (a machine going away does not wait
 * long). A negative pid is a holder's process group (the holder and its sleep).
 */
export function stopAll(pids: readonly number[]): void {
  const signal = (pid: number, name: NodeJS.Signals): void => {
    try {
      process.kill(pid, name);
    } catch {
      // Gone meanwhile.
    }
  };
  const runs = (pid: number): boolean => startTime(Math.abs(pid)) !== undefined;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  const waitWhile = (ms: number, pending: () => boolean): void => {
    const deadline = Date.now() + ms;
    while (pending() && Date.now() < deadline) Atomics.wait(pause, 0, 0, 5);
  };
  for (const pid of pids) signal(pid, "SIGTERM");
  waitWhile(500, () => pids.some(runs));
  const remaining = pids.filter(runs);
  for (const pid of remaining) signal(pid, "SIGKILL");
  // A killed process goes at once; wait a little for it to be gone, so its namespaces go with it.
  waitWhile(1000, () => remaining.some(runs));
}
