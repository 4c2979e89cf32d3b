// systemd services, after charmlibs.systemd: systemctl's documented exit codes mapped to results,
// a failing command to SystemdError, and unit files written then daemon-reloaded.

import { join } from "node:path";

import { CommandError, type Commands, type RunResult } from "./commands.js";
import { type Files, LocalFiles } from "./files.js";

/** A systemctl command that failed (charmlibs.systemd's SystemdError): argv, exit code and output. */
export class SystemdError extends Error {
  override name = "SystemdError";
  constructor(
    message: string,
    readonly argv: readonly string[],
    readonly exitCode: number | undefined,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export interface Systemd {
  /** `systemctl --quiet is-active`: exit 0 is true; any other exit (3 inactive, 4 no such unit) false. */
  serviceRunning(service: string): Promise<boolean>;
  /** `systemctl --quiet is-failed`: exit 0 is true. */
  serviceFailed(service: string): Promise<boolean>;
  serviceStart(...services: string[]): Promise<void>;
  serviceStop(...services: string[]): Promise<void>;
  serviceRestart(...services: string[]): Promise<void>;
  /** `systemctl reload`; when it fails and `restartOnFailure`, `systemctl restart` instead. */
  serviceReload(service: string, options?: { readonly restartOnFailure?: boolean }): Promise<void>;
  serviceEnable(...services: string[]): Promise<void>;
  serviceDisable(...services: string[]): Promise<void>;
  /** disable --now, then mask; SystemdError if it still runs after. */
  servicePause(service: string): Promise<void>;
  /** unmask, then enable --now; SystemdError if it does not run after. */
  serviceResume(service: string): Promise<void>;
  daemonReload(): Promise<void>;
  /**
   * Writes /etc/systemd/system/<name> (a `.service`, `.timer`, ... unit) and runs daemon-reload when
   * it changed; returns whether it changed.
   */
  writeUnitFile(name: string, content: string): Promise<boolean>;
  /** Removes the unit file (after stopping and disabling nothing: do that first) and daemon-reloads; false when there was none. */
  removeUnitFile(name: string): Promise<boolean>;
}

/** Where LocalSystemd finds systemctl and writes unit files. */
export interface LocalSystemdOptions {
  /** The systemctl to run: a name looked up on PATH, or a path; default "systemctl". */
  readonly systemctl?: string;
  /** Where writeUnitFile writes; default /etc/systemd/system (the local administrator's units). */
  readonly unitDirectory?: string;
  /** How unit files are written and removed; default LocalFiles over the same commands. */
  readonly files?: Files;
}

/** Unit types a file can define (systemd.unit(5)); scopes are transient, never files. */
const UNIT_FILE_SUFFIXES = [".service", ".socket", ".device", ".mount", ".automount", ".swap", ".target", ".path", ".timer", ".slice"];

/** What systemctl's exit code means, by the verb (systemctl(1) EXIT STATUS; systemd's exit-status.h for jobs). */
function exitMeaning(verb: string, code: number): string {
  if (verb.startsWith("is-")) return ({ 1: "not failed", 3: "not active", 4: "no such unit" } as Record<number, string>)[code] ?? "failed";
  return (
    (
      { 1: "failed", 2: "invalid argument", 3: "not applicable", 4: "permission denied", 5: "no such unit", 6: "not configured" } as Record<
        number,
        string
      >
    )[code] ?? "failed"
  );
}

/** A unit name as systemctl takes it: no option-like dash first, no path, systemd's characters (unit_name_is_valid). */
function checkUnit(name: unknown, label = "service name"): asserts name is string {
  if (typeof name !== "string" || name.length === 0 || name.length > 255 || name.startsWith("-") || !/^[A-Za-z0-9:_.\\@-]+$/.test(name))
    throw new TypeError(
      `systemd: ${label} ${JSON.stringify(name)} is not a unit name (letters, digits and :_.\\@-, not starting with -, at most 255)`,
    );
}

function checkServices(verb: string, services: readonly string[]): void {
  if (services.length === 0) throw new TypeError(`systemd: ${verb} needs at least one service`);
  services.forEach((service) => checkUnit(service));
}

/** A unit file's name: a unit name with a unit type's suffix (`tinyproxy.service`, `backup.timer`, `worker@.service`). */
function checkUnitFileName(name: unknown): asserts name is string {
  checkUnit(name, "unit file name");
  const suffix = UNIT_FILE_SUFFIXES.find((type) => name.endsWith(type));
  if (suffix === undefined || name.length === suffix.length)
    throw new TypeError(`systemd: unit file name ${JSON.stringify(name)} must end with a unit type: ${UNIT_FILE_SUFFIXES.join(", ")}`);
}

/** The unit's own systemd, through systemctl run by the given Commands (charmlibs.systemd). */
export class LocalSystemd implements Systemd {
  private readonly systemctl: string;
  readonly unitDirectory: string;
  private readonly files: Files;

  constructor(
    private readonly commands: Commands,
    options: LocalSystemdOptions = {},
  ) {
    this.systemctl = options.systemctl ?? "systemctl";
    this.unitDirectory = options.unitDirectory ?? "/etc/systemd/system";
    this.files = options.files ?? new LocalFiles(commands);
  }

  async serviceRunning(service: string): Promise<boolean> {
    checkUnit(service);
    return (await this.run(["--quiet", "is-active", service], false)).exitCode === 0;
  }

  async serviceFailed(service: string): Promise<boolean> {
    checkUnit(service);
    return (await this.run(["--quiet", "is-failed", service], false)).exitCode === 0;
  }

  async serviceStart(...services: string[]): Promise<void> {
    checkServices("start", services);
    await this.run(["start", ...services]);
  }

  async serviceStop(...services: string[]): Promise<void> {
    checkServices("stop", services);
    await this.run(["stop", ...services]);
  }

  async serviceRestart(...services: string[]): Promise<void> {
    checkServices("restart", services);
    await this.run(["restart", ...services]);
  }

  async serviceReload(service: string, options: { readonly restartOnFailure?: boolean } = {}): Promise<void> {
    checkUnit(service);
    try {
      await this.run(["reload", service]);
    } catch (error) {
      // A unit without ExecReload= (exit 3) or any other failed reload: restart it when asked to.
      if (!(error instanceof SystemdError) || options.restartOnFailure !== true) throw error;
      await this.run(["restart", service]);
    }
  }

  async serviceEnable(...services: string[]): Promise<void> {
    checkServices("enable", services);
    await this.run(["enable", ...services]);
  }

  async serviceDisable(...services: string[]): Promise<void> {
    checkServices("disable", services);
    await this.run(["disable", ...services]);
  }

  async servicePause(service: string): Promise<void> {
    checkUnit(service);
    // As charmlibs.systemd: both steps unchecked, then the outcome checked.
    const steps = [await this.run(["disable", "--now", service], false), await this.run(["mask", service], false)];
    const check = await this.run(["--quiet", "is-active", service], false);
    if (check.exitCode === 0)
      throw new SystemdError(`systemd: attempted to pause "${service}", but it is still running${failedSteps(steps)}`, ...fields(check));
  }

  async serviceResume(service: string): Promise<void> {
    checkUnit(service);
    const steps = [await this.run(["unmask", service], false), await this.run(["enable", "--now", service], false)];
    const check = await this.run(["--quiet", "is-active", service], false);
    if (check.exitCode !== 0)
      throw new SystemdError(`systemd: attempted to resume "${service}", but it is not running${failedSteps(steps)}`, ...fields(check));
  }

  async daemonReload(): Promise<void> {
    await this.run(["daemon-reload"]);
  }

  async writeUnitFile(name: string, content: string): Promise<boolean> {
    checkUnitFileName(name);
    if (typeof content !== "string") throw new TypeError(`systemd: the content of unit file ${name} must be a string`);
    // Atomically (a temporary file beside it, flushed, renamed over it), 0644 as systemd expects.
    if (!(await this.files.ensureContents(join(this.unitDirectory, name), content, { mode: 0o644 }))) return false;
    await this.daemonReload();
    return true;
  }

  async removeUnitFile(name: string): Promise<boolean> {
    checkUnitFileName(name);
    const path = join(this.unitDirectory, name);
    if (!(await this.files.exists(path))) return false;
    await this.files.unlink(path, { missingOk: true });
    await this.daemonReload();
    return true;
  }

  /** `systemctl <args>`; with `check`, SystemdError on a non-zero exit. A systemctl that cannot run is always SystemdError. */
  private async run(args: readonly string[], check = true): Promise<RunResult> {
    const argv = [this.systemctl, ...args];
    let result: RunResult;
    try {
      result = await this.commands.run(argv, { check: false });
    } catch (error) {
      if (!(error instanceof CommandError)) throw error;
      throw new SystemdError(`systemd: ${error.message}`, ...fields(error.result));
    }
    if (result.exitCode === undefined)
      throw new SystemdError(`systemd: ${describe(args)} was killed by ${String(result.signal)}`, ...fields(result));
    if (check && result.exitCode !== 0) {
      const verb = args.find((arg) => !arg.startsWith("-")) ?? "";
      const output = (result.stderr.trim() === "" ? result.stdout : result.stderr).trim();
      throw new SystemdError(
        `systemd: ${describe(args)} exited ${String(result.exitCode)} (${exitMeaning(verb, result.exitCode)})${output === "" ? "" : `: ${output}`}`,
        ...fields(result),
      );
    }
    return result;
  }
}

/** `systemctl start tinyproxy` (as systemctl is named, whatever path ran it). */
function describe(args: readonly string[]): string {
  return ["systemctl", ...args].join(" ");
}

function fields(result: RunResult): [readonly string[], number | undefined, string, string] {
  return [result.argv, result.exitCode, result.stdout, result.stderr];
}

/** ` (systemctl mask x exited 1: ...; ...)` for the steps that failed, or nothing. */
function failedSteps(steps: readonly RunResult[]): string {
  const failed = steps
    .filter((step) => step.exitCode !== 0)
    .map(
      (step) =>
        `${describe(step.argv.slice(1))} exited ${String(step.exitCode)}: ${(step.stderr.trim() || step.stdout.trim()).split("\n").join(" ")}`,
    );
  return failed.length === 0 ? "" : ` (${failed.join("; ")})`;
}
