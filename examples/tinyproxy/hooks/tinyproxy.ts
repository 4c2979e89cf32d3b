// The workload: tinyproxy on this machine, with no charming concerns (ops' src/tinyproxy.py). It is
// installed with apt (only the binary package, tinyproxy-bin: no config, service or user of its
// own), configured by one file, started by running it (it daemonises and writes its pid file),
// reloaded with SIGUSR1 and stopped with SIGTERM. There is no systemd unit: the charm manages the
// process itself, as ops' example does.

import { apt, files, kill, run, which } from "tscharm/machine";

export const CONFIG_DIR = "/etc/tinyproxy";
export const CONFIG_FILE = `${CONFIG_DIR}/tinyproxy.conf`;
export const PID_FILE = "/var/run/tinyproxy.pid";
export const PACKAGE = "tinyproxy-bin";

/**
 * The version of tinyproxy-bin to install, per distribution: the charm pins its workload, as ops'
 * example does, and the pin is taken from the machine's /etc/os-release. Ubuntu 24.04 is the
 * charm's base (https://packages.ubuntu.com/noble/tinyproxy-bin); Debian 12 is what tscharm's
 * simulated machines run (https://packages.debian.org/bookworm/tinyproxy-bin). Both are upstream
 * 1.11.1, so `tinyproxy -v` says the same on either.
 */
export const PINNED_VERSIONS: Readonly<Record<string, string>> = {
  "ubuntu 24.04": "1.11.1-3",
  "debian 12": "1.11.1-2.1+deb12u1",
};

/** The machine runs a distribution this charm has no pinned version for. */
export class UnsupportedBaseError extends Error {
  override name = "UnsupportedBaseError";
  constructor(readonly base: string) {
    const known = Object.entries(PINNED_VERSIONS)
      .map(([name, version]) => `${name} (${version})`)
      .join(", ");
    super(`${PACKAGE} has no pinned version for ${base}: this charm supports ${known}`);
  }
}

/** Makes the config file say what the charm wants; true if anything changed. */
export function ensureConfig(port: number, slug: string): Promise<boolean> {
  // The file's format: https://manpages.ubuntu.com/manpages/noble/en/man5/tinyproxy.conf.5.html
  const config = [
    `PidFile "${PID_FILE}"`,
    `Port ${String(port)}`,
    "Timeout 600",
    "ReverseOnly Yes",
    `ReversePath "/${slug}/" "http://www.example.com/"`,
    "",
  ].join("\n");
  // tinyproxy-bin has no /etc/tinyproxy: ensureContents makes it (0o755), the file 0o644.
  return files.ensureContents(CONFIG_FILE, config);
}

/** The installed tinyproxy's version (`tinyproxy -v` says `tinyproxy 1.11.1`). */
export async function getVersion(): Promise<string> {
  const result = await run(["tinyproxy", "-v"]);
  const stdout = result.stdout.startsWith("tinyproxy") ? result.stdout.slice("tinyproxy".length) : result.stdout;
  return stdout.trim();
}

/** The version of tinyproxy-bin this machine's distribution gets (PINNED_VERSIONS), or UnsupportedBaseError. */
export async function pinnedVersion(): Promise<string> {
  const osRelease = parseOsRelease(await files.readText("/etc/os-release"));
  const base = `${osRelease["ID"] ?? "unknown"} ${osRelease["VERSION_ID"] ?? "unknown"}`;
  const version = PINNED_VERSIONS[base];
  if (version === undefined) throw new UnsupportedBaseError(base);
  return version;
}

/** Installs the tinyproxy executable with apt, at the pinned version (a PackageError if apt cannot). */
export async function install(): Promise<void> {
  const version = await pinnedVersion();
  await apt.update();
  await apt.addPackage(PACKAGE, { version });
}

export async function isInstalled(): Promise<boolean> {
  return (await which("tinyproxy")) !== undefined;
}

export async function isRunning(): Promise<boolean> {
  return (await getPid()) !== undefined;
}

/** Asks the running tinyproxy to read its config again (SIGUSR1 does not end it). */
export async function reloadConfig(): Promise<void> {
  const pid = await getPid();
  if (pid === undefined) throw new Error("tinyproxy is not running");
  // https://manpages.ubuntu.com/manpages/noble/en/man8/tinyproxy.8.html#signals
  await kill(pid, "SIGUSR1");
}

/** Starts tinyproxy with its default config file; it daemonises, so this returns once it runs. */
export async function start(): Promise<void> {
  await run(["tinyproxy"]);
}

/** Sends SIGTERM to tinyproxy if it runs (it removes its pid file as it ends). */
export async function stop(): Promise<void> {
  const pid = await getPid();
  if (pid !== undefined) await kill(pid, "SIGTERM");
}

/** Removes the package, the pid file, the config file and its directory. */
export async function uninstall(): Promise<void> {
  await apt.removePackage(PACKAGE);
  await files.unlink(PID_FILE, { missingOk: true });
  await files.unlink(CONFIG_FILE, { missingOk: true });
  // A directory that is not empty is an error, as pathlib's rmdir. A missing one is not (ops' example
  // raises there): a unit whose config was never valid never wrote it, and must still be removable.
  if (await files.isDir(CONFIG_DIR)) await files.rmdir(CONFIG_DIR);
}

/** The pid in the pid file, if that process lives. */
async function getPid(): Promise<number | undefined> {
  if (!(await files.exists(PID_FILE))) return undefined;
  const text = await files.readText(PID_FILE);
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`${PID_FILE} does not hold a process id: ${JSON.stringify(text)}`);
  // Signal 0 only probes whether the process exists.
  return (await kill(pid, 0)) ? pid : undefined;
}

/** /etc/os-release's `KEY=value` lines (values may be quoted), as os-release(5) describes them. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match === null) continue;
    const [, key = "", raw = ""] = match;
    fields[key] = /^(["']).*\1$/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw;
  }
  return fields;
}
