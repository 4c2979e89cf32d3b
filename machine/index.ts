// The public API of "tscharm/machine": the machine workload kit. Named after charmlibs (camelCase),
// so a port from Python is a rename: `apt.add_package("x")` is `await apt.addPackage("x")`.
// Every function acts on the current machine (machine.ts): the unit's own, or the FakeMachine a
// test gives tscharm/testing's Context or Harness. docs/machine.md tells the whole story.

import { localMachine } from "./local.js";
import { type Machine, currentMachine, registerLocalMachine } from "./machine.js";
import type { RunOptions, RunResult } from "./commands.js";

registerLocalMachine(localMachine);

/** One concept of the current machine, looked up at each call (so a test's fake machine is the one acted on). */
function concept<K extends keyof Machine>(key: K): Machine[K] {
  return new Proxy({} as Machine[K], {
    get(_target, name) {
      const target = currentMachine()[key];
      const value: unknown = Reflect.get(target, name);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export const apt = concept("apt");
export const snap = concept("snap");
export const systemd = concept("systemd");
export const files = concept("files");
export const passwd = concept("passwd");
export const sysctl = concept("sysctl");

/** The absolute path `command` runs as from PATH (shutil.which), or undefined. */
export function which(command: string): Promise<string | undefined> {
  return currentMachine().commands.which(command);
}

/** Runs argv (no shell); throws CommandError (argv[0], exit code, stderr) on failure unless `check: false`. */
export function run(argv: readonly string[], options?: RunOptions): Promise<RunResult> {
  return currentMachine().commands.run(argv, options);
}

/** os.kill: true if delivered, false if there is no such process (0 only probes; a zombie is no process). */
export function kill(pid: number, signal: NodeJS.Signals | 0): Promise<boolean> {
  return currentMachine().commands.kill(pid, signal);
}

export { currentMachine, type Machine } from "./machine.js";
export {
  AptError,
  GPGKeyError,
  InvalidSourceError,
  PackageError,
  PackageNotFoundError,
  type AddPackageOptions,
  type Apt,
  type DebianPackage,
  type LockOptions,
  type PackageState,
  type RemovePackageOptions,
  type Repository,
} from "./apt.js";
export { CommandError, type Commands, type RunOptions, type RunResult } from "./commands.js";
export { compareVersions, parseVersion, type DebianVersionParts } from "./debian-version.js";
export type { EnsureContentsOptions, FileOwnership, Files, MkdirOptions } from "./files.js";
export { UnknownGroupError, UnknownUserError, type AddUserOptions, type GroupEntry, type Passwd, type UserEntry } from "./passwd.js";
export {
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChangeConflictError,
  SnapChangeError,
  SnapChannelNotAvailableError,
  SnapConnectionError,
  SnapError,
  SnapNeedsClassicError,
  SnapNeedsDevmodeError,
  SnapNotInStoreError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
  SnapRevisionNotAvailableError,
  SnapTimeoutError,
  type InstalledSnap,
  type Snap,
  type SnapConfigValue,
  type SnapInstallOptions,
} from "./snap.js";
export { SysctlApplyError, SysctlError, SysctlValidationError, type Sysctl } from "./sysctl.js";
export { SystemdError, type Systemd } from "./systemd.js";
