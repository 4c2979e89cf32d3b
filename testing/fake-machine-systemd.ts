// FakeMachine's systemd: each unit's state (running, enabled, failed, masked) and the unit files in
// the fake files, with the Systemd concept over them as machine/systemd.ts documents it (after
// charmlibs.systemd), failing as systemctl does: a unit with neither a unit file nor a state is
// "not found" (exit 5 for start, stop, restart, reload; exit 1 for enable, disable).

import { SystemdError, type Systemd } from "../machine/systemd.js";
import { type FakeFileSystem, attempt } from "./fake-machine-files.js";

/** A unit's state, as given to `new FakeMachine({ services })` and as `machine.services` shows it. */
export interface FakeServiceState {
  readonly running: boolean;
  readonly enabled: boolean;
  readonly failed: boolean;
  readonly masked: boolean;
  /** Whether the unit has ExecReload= (without it, reload is "not applicable", exit 3). Default true. */
  readonly canReload: boolean;
  /** How many times it was started, restarted, and reloaded. */
  readonly starts: number;
  readonly restarts: number;
  readonly reloads: number;
}

export type FakeServiceInit = Partial<Pick<FakeServiceState, "running" | "enabled" | "failed" | "masked" | "canReload">>;

/** Where systemd finds unit files (the first is where writeUnitFile writes). */
export const UNIT_DIRS = ["/etc/systemd/system", "/run/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"] as const;

const UNIT_SUFFIX = /\.(service|socket|timer|target|mount|automount|path|slice|scope|swap|device)$/;

/** systemctl's name for a unit: a name without a unit suffix is a .service. */
export function unitName(name: string): string {
  if (typeof name !== "string" || name === "" || name.includes("/"))
    throw new TypeError(`systemd: not a unit name: ${JSON.stringify(name)}`);
  return UNIT_SUFFIX.test(name) ? name : `${name}.service`;
}

/** The services of a FakeMachine, and how many daemon-reloads ran. */
export class FakeServices {
  readonly units = new Map<string, FakeServiceState>();
  daemonReloads = 0;

  constructor(
    private readonly tree: FakeFileSystem,
    services: Readonly<Record<string, FakeServiceInit>> = {},
  ) {
    for (const [name, init] of Object.entries(services)) this.units.set(unitName(name), fresh(init));
  }

  /** The unit's state, made when it has a unit file; undefined when systemd knows no such unit. */
  known(unit: string): FakeServiceState | undefined {
    const state = this.units.get(unit);
    if (state !== undefined) return state;
    if (!UNIT_DIRS.some((dir) => this.tree.file(`${dir}/${unit}`) !== undefined)) return undefined;
    const made = fresh({});
    this.units.set(unit, made);
    return made;
  }

  set(unit: string, change: Partial<FakeServiceState>): void {
    this.units.set(unit, { ...(this.units.get(unit) ?? fresh({})), ...change });
  }
}

function fresh(init: FakeServiceInit): FakeServiceState {
  return {
    running: init.running ?? false,
    enabled: init.enabled ?? false,
    failed: init.failed ?? false,
    masked: init.masked ?? false,
    canReload: init.canReload ?? true,
    starts: 0,
    restarts: 0,
    reloads: 0,
  };
}

/** A failed systemctl command, as the real module reports it. */
function failed(args: readonly string[], exitCode: number, stderr: string): SystemdError {
  const argv = ["systemctl", ...args];
  return new SystemdError(`${argv.join(" ")} exited ${String(exitCode)}: ${stderr}`, argv, exitCode, "", stderr);
}

/** The Systemd concept over the fake services; `onDaemonReload` records the reload writeUnitFile runs. */
export class FakeSystemd implements Systemd {
  constructor(
    private readonly services: FakeServices,
    private readonly tree: FakeFileSystem,
    private readonly onDaemonReload: () => void,
  ) {}

  serviceRunning(service: string): Promise<boolean> {
    return attempt(() => this.services.known(unitName(service))?.running ?? false);
  }

  serviceFailed(service: string): Promise<boolean> {
    return attempt(() => this.services.known(unitName(service))?.failed ?? false);
  }

  serviceStart(...services: string[]): Promise<void> {
    return attempt(() => {
      this.job("start", services, (unit, state) => {
        this.start(unit, state);
      });
    });
  }

  serviceStop(...services: string[]): Promise<void> {
    return attempt(() => {
      this.job("stop", services, (unit) => {
        this.services.set(unit, { running: false });
      });
    });
  }

  serviceRestart(...services: string[]): Promise<void> {
    return attempt(() => {
      this.job("restart", services, (unit, state) => {
        this.services.set(unit, { running: true, failed: false, restarts: state.restarts + 1 });
      });
    });
  }

  serviceReload(service: string, options: { readonly restartOnFailure?: boolean } = {}): Promise<void> {
    return attempt(() => {
      try {
        this.job("reload", [service], (unit, state) => {
          if (!state.canReload)
            throw failed(["reload", unit], 3, `Failed to reload ${unit}: Job type reload is not applicable for unit ${unit}.`);
          if (!state.running) throw failed(["reload", unit], 1, `Failed to reload ${unit}: Unit ${unit} is not active.`);
          this.services.set(unit, { reloads: state.reloads + 1 });
        });
      } catch (error) {
        if (!(error instanceof SystemdError) || options.restartOnFailure !== true) throw error;
        this.job("restart", [service], (unit, state) => {
          this.services.set(unit, { running: true, failed: false, restarts: state.restarts + 1 });
        });
      }
    });
  }

  serviceEnable(...services: string[]): Promise<void> {
    return attempt(() => {
      this.enableOrDisable("enable", services);
    });
  }

  serviceDisable(...services: string[]): Promise<void> {
    return attempt(() => {
      this.enableOrDisable("disable", services);
    });
  }

  servicePause(service: string): Promise<void> {
    return attempt(() => {
      const unit = unitName(service);
      // charmlibs.systemd: disable --now and mask, their exit codes ignored, then the check.
      ignore(() => {
        this.enableOrDisable("disable", ["--now", unit]);
      });
      this.services.set(unit, { masked: true, enabled: false });
      if (this.services.known(unit)?.running === true)
        throw new SystemdError(`Attempted to pause '${service}', but it is still running.`, [], undefined, "", "");
    });
  }

  serviceResume(service: string): Promise<void> {
    return attempt(() => {
      const unit = unitName(service);
      if (this.services.units.has(unit)) this.services.set(unit, { masked: false });
      ignore(() => {
        this.enableOrDisable("enable", ["--now", unit]);
      });
      if (this.services.known(unit)?.running !== true)
        throw new SystemdError(`Attempted to resume '${service}', but it is not running.`, [], undefined, "", "");
    });
  }

  daemonReload(): Promise<void> {
    this.services.daemonReloads++;
    return Promise.resolve();
  }

  writeUnitFile(name: string, content: string): Promise<boolean> {
    return attempt(() => {
      const unit = unitFileName(name);
      const path = `${UNIT_DIRS[0]}/${unit}`;
      const old = this.tree.file(path);
      if (old !== undefined && new TextDecoder().decode(old.content) === content && old.mode === 0o644) return false;
      this.tree.write(path, content, { mode: 0o644, user: "root", group: "root" });
      this.reload();
      return true;
    });
  }

  removeUnitFile(name: string): Promise<boolean> {
    return attempt(() => {
      const unit = unitFileName(name);
      if (!this.tree.remove(`${UNIT_DIRS[0]}/${unit}`)) return false;
      // The unit's state goes with its file unless it still runs (systemd keeps a running unit loaded).
      if (this.services.units.get(unit)?.running !== true) this.services.units.delete(unit);
      this.reload();
      return true;
    });
  }

  private start(unit: string, state: FakeServiceState): void {
    this.services.set(unit, { running: true, failed: false, starts: state.running ? state.starts : state.starts + 1 });
  }

  /** The daemon-reload writeUnitFile and removeUnitFile run: counted and recorded as a call. */
  private reload(): void {
    this.onDaemonReload();
    this.services.daemonReloads++;
  }

  /** start, stop, restart, reload of each unit: all are checked before any changes (one systemctl command). */
  private job(verb: string, services: readonly string[], apply: (unit: string, state: FakeServiceState) => void): void {
    if (services.length === 0) throw failed([verb], 1, "Too few arguments.");
    const units = services.map(unitName);
    const states = units.map((unit) => {
      const state = this.services.known(unit);
      if (state === undefined) {
        const why = verb === "stop" ? "not loaded" : "not found";
        throw failed([verb, ...units], 5, `Failed to ${verb} ${unit}: Unit ${unit} ${why}.`);
      }
      if (state.masked && verb !== "stop") throw failed([verb, ...units], 1, `Failed to ${verb} ${unit}: Unit ${unit} is masked.`);
      return state;
    });
    units.forEach((unit, i) => {
      apply(unit, states[i] ?? fresh({}));
    });
  }

  private enableOrDisable(verb: "enable" | "disable", args: readonly string[]): void {
    const now = args.includes("--now");
    const names = args.filter((arg) => arg !== "--now");
    const bad = names.find((arg) => arg.startsWith("-"));
    if (bad !== undefined) throw failed([verb, ...args], 1, `systemctl: the FakeMachine knows no option ${bad} (only --now)`);
    if (names.length === 0) throw failed([verb, ...args], 1, "Too few arguments.");
    const units = names.map(unitName);
    for (const unit of units) {
      const state = this.services.known(unit);
      if (state === undefined) throw failed([verb, ...args], 1, `Failed to ${verb} unit: Unit file ${unit} does not exist.`);
      if (state.masked && verb === "enable")
        throw failed([verb, ...args], 1, `Failed to enable unit: Unit file ${UNIT_DIRS[0]}/${unit} is masked.`);
    }
    for (const unit of units) this.services.set(unit, { enabled: verb === "enable" });
    this.services.daemonReloads++;
    if (!now) return;
    if (verb === "enable")
      this.job("start", units, (unit, state) => {
        this.start(unit, state);
      });
    else
      this.job("stop", units, (unit) => {
        this.services.set(unit, { running: false });
      });
  }
}

function unitFileName(name: string): string {
  if (typeof name !== "string" || !UNIT_SUFFIX.test(name) || name.includes("/"))
    throw new TypeError(
      `writeUnitFile needs a unit file name with its suffix (tinyproxy.service, backup.timer, ...), not ${JSON.stringify(name)}`,
    );
  return name;
}

function ignore(step: () => void): void {
  try {
    step();
  } catch (error) {
    if (!(error instanceof SystemdError)) throw error;
  }
}
