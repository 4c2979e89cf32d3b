// A throw-away machine for the kit's tests: a Node script run in new mount and network namespaces
// whose system directories (/etc, /var, /usr, ...) are overlays over this host's, so what the
// script installs, writes, adds or sets (packages, files, users, net.* sysctls, the hostname)
// vanishes with it and the host is never changed. Only what is namespaced is its own: of the
// kernel's parameters, the net.* ones (its network namespace) and kernel.hostname/domainname (its
// UTS namespace); vm.*, kernel.* and fs.* are the host's, so a test must never write them. It needs
// root, util-linux's unshare, and overlayfs.

import { spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const REPO = resolve(import.meta.dirname, "..", "..");

/** The built kit (`npm run build` makes it), for the script to import: `await import(MACHINE_KIT)`. */
export const MACHINE_KIT = join(REPO, "lib", "machine", "index.js");

/** The system directories the sandbox overlays (those that are real directories here). */
const OVERLAID = ["etc", "var", "usr", "opt", "srv", "home", "root", "run"].filter((dir) => {
  try {
    return lstatSync(`/${dir}`).isDirectory();
  } catch {
    return false;
  }
});

/** Why the sandbox cannot run here, or undefined when it can: a test skips with this reason. */
export function sandboxBlocker(): string | undefined {
  if (process.getuid?.() !== 0) return "the machine sandbox needs root (mount namespaces and overlays)";
  const probe = spawnSync("unshare", ["--mount", "--net", "--", "true"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0)
    return `unshare --mount --net failed here: ${probe.error?.message ?? probe.stderr.trim()}`;
  return undefined;
}

export interface SandboxOptions {
  /** Keep the host's network (to download packages); default false: a network namespace of its own (net.* sysctls are its own). */
  readonly hostNetwork?: boolean;
  /** Environment for the script, added to this process's. */
  readonly env?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface SandboxResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` (an ES module's source; it may `await import(MACHINE_KIT)`) in a fresh sandbox and
 * returns what it printed. The script's JSON answer is its last stdout line, by convention
 * (`sandboxJson`).
 */
export function runInSandbox(script: string, options: SandboxOptions = {}): SandboxResult {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-sandbox-"));
  try {
    const file = join(dir, "script.mjs");
    writeFileSync(file, script);
    const mounts = OVERLAID.map(
      (name) =>
        `mkdir -p ${dir}/upper/${name} ${dir}/work/${name} && ` +
        `mount -t overlay overlay -o lowerdir=/${name},upperdir=${dir}/upper/${name},workdir=${dir}/work/${name} /${name}`,
    ).join(" && ");
    const inner = `set -e; mount --make-rprivate /; ${mounts}; ip link set lo up 2>/dev/null || true; exec "$0" "$1"`;
    const flags = ["--mount", "--uts", "--ipc", "--fork", ...(options.hostNetwork === true ? [] : ["--net"])];
    const result = spawnSync("unshare", [...flags, "--", "/bin/bash", "-c", inner, process.execPath, file], {
      encoding: "utf8",
      env: { ...process.env, ...options.env },
      timeout: options.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error !== undefined) throw result.error;
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The script's answer: the JSON on its last stdout line; fails with its output when it exited non-zero. */
export function sandboxJson(result: SandboxResult): unknown {
  if (result.status !== 0) throw new Error(`the sandbox script exited ${String(result.status)}:\n${result.stdout}\n${result.stderr}`);
  const lines = result.stdout.trimEnd().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "null");
}
