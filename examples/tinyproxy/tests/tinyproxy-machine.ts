// The fixtures of ops' tests/unit/test_charm.py, on a FakeMachine instead of a mock of the whole
// workload module: tinyproxy modelled as the machine sees it. Its package (tinyproxy-bin) is in the
// machine's apt archive with /usr/bin/tinyproxy; `tinyproxy -v` prints a version; plain `tinyproxy`
// reads its config file, starts (a fake process) and writes its pid file, as the real daemon does;
// SIGTERM ends it and removes the pid file; SIGUSR1 (reload) is recorded and it lives on.

import { FakeMachine } from "tscharm/testing";

import { CONFIG_FILE, PACKAGE, PID_FILE } from "../hooks/tinyproxy.js";

/** ops' PORT. */
export const PORT = 8000;

/** The charm's base, as its /etc/os-release says it. */
export const UBUNTU_NOBLE = 'PRETTY_NAME="Ubuntu 24.04.3 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\n';

/** What the simulator's machines run. */
export const DEBIAN_BOOKWORM = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';

/** tinyproxy-bin at the version the charm pins on Ubuntu 24.04. */
export const TINYPROXY_BIN = { name: PACKAGE, version: "1.11.1-3", arch: "amd64", files: { "/usr/bin/tinyproxy": "" } } as const;

/** What `tinyproxy -v` prints on the fake (ops' MockVersionProcess and MockTinyproxy.get_version say 1.0.0). */
export const FAKE_VERSION = "1.0.0";

/** The config file the charm writes for a slug (ops' MockTinyproxy.config == (PORT, slug)), written out here. */
export function configText(slug: string): string {
  return `PidFile "/var/run/tinyproxy.pid"\nPort ${String(PORT)}\nTimeout 600\nReverseOnly Yes\nReversePath "/${slug}/" "http://www.example.com/"\n`;
}

export interface TinyproxyState {
  /** Installed (its package and executable on the machine). */
  readonly installed?: boolean;
  /** The config file's slug, if the config file exists. */
  readonly configured?: string;
  /** A tinyproxy process runs, with its pid file. */
  readonly running?: boolean;
}

/** A machine with tinyproxy in its archive and, as asked, installed, configured and running. */
export function tinyproxyMachine(state: TinyproxyState = {}): FakeMachine {
  const machine = new FakeMachine({
    archive: [TINYPROXY_BIN],
    installed: state.installed === true ? [TINYPROXY_BIN] : [],
    files: {
      "/etc/os-release": UBUNTU_NOBLE,
      ...(state.configured === undefined ? {} : { [CONFIG_FILE]: configText(state.configured) }),
    },
  });
  machine.onCommand("tinyproxy", (call, on) => {
    if (call.argv[1] === "-v") return { stdout: `tinyproxy ${FAKE_VERSION}\n` };
    if (call.argv.length > 1) return { exitCode: 1, stderr: `tinyproxy: this fake knows no ${call.argv.slice(1).join(" ")}\n` };
    if (on.fileText(CONFIG_FILE) === undefined) return { exitCode: 70, stderr: `Could not open config file "${CONFIG_FILE}"\n` };
    startTinyproxy(on);
    return {};
  });
  if (state.running === true) startTinyproxy(machine);
  return machine;
}

/** The daemon: a process, and its pid file; SIGTERM ends it and removes the pid file. */
function startTinyproxy(machine: FakeMachine): void {
  const pid = machine.startProcess(["tinyproxy"], {
    onSignal: (signal) => {
      if (signal !== "SIGTERM" && signal !== "SIGINT") return false;
      machine.removeFile(PID_FILE);
      return true;
    },
  });
  machine.writeFile(PID_FILE, `${String(pid)}\n`, { mode: 0o600 });
}

/** The running tinyproxy: a live process whose pid the pid file holds (ops' MockTinyproxy.is_running()). */
export function runningTinyproxy(machine: FakeMachine): { readonly pid: number; readonly signals: readonly NodeJS.Signals[] } | undefined {
  const pid = Number(machine.fileText(PID_FILE)?.trim());
  return machine.processes.find((process) => process.pid === pid && process.argv[0] === "tinyproxy");
}

/** Installed: the package on the machine and its executable (ops' MockTinyproxy.is_installed()). */
export function tinyproxyInstalled(machine: FakeMachine): boolean {
  return packageInstalled(machine) && machine.fileText("/usr/bin/tinyproxy") !== undefined;
}

function packageInstalled(machine: FakeMachine): boolean {
  const packages: unknown = machine.packages;
  return packages instanceof Map ? packages.has(PACKAGE) : Object.hasOwn(packages as object, PACKAGE);
}
