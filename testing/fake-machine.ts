// FakeMachine: a machine in memory for a charm's unit tests, at the level of tscharm/machine's
// concepts (packages, snaps, services, files, users and groups, sysctl values, commands and
// processes), never of argv. It behaves as the real modules document (return values, error classes
// and messages) and records every call. Context and Harness run each dispatch over one
// (runOnMachine), so a charm's unit test never acts on the real machine.

import type { Apt, DebianPackage } from "../machine/apt.js";
import type { Commands } from "../machine/commands.js";
import type { Files } from "../machine/files.js";
import { type Machine, runOnMachine } from "../machine/machine.js";
import type { GroupEntry, Passwd, UserEntry } from "../machine/passwd.js";
import type { Snap } from "../machine/snap.js";
import type { Sysctl } from "../machine/sysctl.js";
import type { Systemd } from "../machine/systemd.js";
import { FakeApt, type FakePackageInit, FakePackages } from "./fake-machine-apt.js";
import {
  type CommandHandler,
  FakeCommandTable,
  FakeCommands,
  type FakeProcess,
  type StartProcessOptions,
} from "./fake-machine-commands.js";
import { type FakeFile, type FakeFileInit, FakeFileSystem, FakeFiles } from "./fake-machine-files.js";
import { FakeAccounts, type FakeGroupInit, FakePasswd, type FakeUserInit } from "./fake-machine-passwd.js";
import { type FakeSnapInit, type FakeSnapState, FakeSnap, FakeSnaps, type FakeStoreSnap } from "./fake-machine-snap.js";
import { FakeKernel, FakeSysctl } from "./fake-machine-sysctl.js";
import { type FakeServiceInit, type FakeServiceState, FakeServices, FakeSystemd, unitName } from "./fake-machine-systemd.js";

/** One call of a concept's method, as the charm made it (a password given to addUser is recorded as "<redacted>"). */
export interface MachineCall {
  readonly concept: keyof Machine;
  readonly method: string;
  readonly args: readonly unknown[];
}

export interface FakeMachineOptions {
  /** The Debian packages apt can install (the first entry of a name is its candidate). */
  readonly archive?: readonly FakePackageInit[];
  /** The packages installed from the start: their files exist. */
  readonly installed?: readonly FakePackageInit[];
  /** Files by absolute path: text, or `{ content, mode, user, group }`; their directories are made. */
  readonly files?: Readonly<Record<string, FakeFileInit>>;
  /** Users besides root. */
  readonly users?: readonly FakeUserInit[];
  /** Groups besides root (and those made for users). */
  readonly groups?: readonly FakeGroupInit[];
  /** dpkg's architecture; default amd64. */
  readonly arch?: string;
  /** systemd units and their state (a name without a suffix is a .service); unit files in the fake files are units too. */
  readonly services?: Readonly<Record<string, FakeServiceInit>>;
  /** The snaps installed from the start. */
  readonly snaps?: readonly FakeSnapInit[];
  /** The snaps the store has, with a revision per channel. */
  readonly store?: readonly FakeStoreSnap[];
  /** The kernel's parameters. */
  readonly sysctl?: Readonly<Record<string, string | number>>;
  /** Keys the kernel refuses to set (sysctl's "permission denied"): configure() fails with SysctlApplyError. */
  readonly sysctlRefused?: readonly string[];
}

type Concept = keyof Machine;

/** Records each method call of `target` in `calls`, then makes it. */
function recorded<T extends object>(concept: Concept, target: T, calls: MachineCall[]): T {
  return new Proxy(target, {
    get(object, name, receiver) {
      const value: unknown = Reflect.get(object, name, receiver);
      if (typeof value !== "function" || typeof name !== "string") return value;
      return (...args: unknown[]) => {
        calls.push({ concept, method: name, args: args.map(redact) });
        return (value as (...a: unknown[]) => unknown).apply(object, args);
      };
    },
  });
}

/** Keeps a password out of the record (an addUser option). */
function redact(arg: unknown): unknown {
  if (arg === null || typeof arg !== "object" || !Object.hasOwn(arg, "password")) return arg;
  return { ...arg, password: "<redacted>" };
}

/** A machine in memory: give it to `new Context(Charm, { machine })` or `new Harness(Charm, { machine })`. */
export class FakeMachine implements Machine {
  readonly apt: Apt;
  readonly snap: Snap;
  readonly systemd: Systemd;
  readonly files: Files;
  readonly passwd: Passwd;
  readonly sysctl: Sysctl;
  readonly commands: Commands;

  /** dpkg's architecture. */
  readonly arch: string;

  private readonly record: MachineCall[] = [];
  private readonly tree: FakeFileSystem;
  private readonly accounts: FakeAccounts;
  private readonly debs: FakePackages;
  private readonly table = new FakeCommandTable<FakeMachine>();
  private readonly units: FakeServices;
  private readonly snapState: FakeSnaps;
  private readonly kernel: FakeKernel;

  constructor(options: FakeMachineOptions = {}) {
    this.arch = options.arch ?? "amd64";
    this.accounts = new FakeAccounts(options.users, options.groups);
    this.tree = new FakeFileSystem(this.accounts);
    for (const [path, init] of Object.entries(options.files ?? {})) {
      if (typeof init === "string") this.tree.write(path, init);
      else this.tree.write(path, init.content, { ...(init.mode === undefined ? {} : { mode: init.mode }), ...owner(init) });
    }
    this.debs = new FakePackages(this.arch, this.tree, options.archive ?? [], options.installed ?? []);
    const calls = this.record;
    this.files = recorded("files", new FakeFiles(this.tree), calls);
    this.apt = recorded("apt", new FakeApt(this.debs, this.tree), calls);
    this.commands = recorded("commands", new FakeCommands(this.table, this.tree, () => this), calls);
    this.passwd = recorded(
      "passwd",
      new FakePasswd(this.accounts, {
        makeHome: (path, user) => {
          this.tree.mkdir(path, { parents: true, existOk: true, mode: 0o750, user });
        },
        removeTree: (path) => {
          this.removeTree(path);
        },
      }),
      calls,
    );
    this.units = new FakeServices(this.tree, options.services);
    this.systemd = recorded(
      "systemd",
      new FakeSystemd(this.units, this.tree, () => calls.push({ concept: "systemd", method: "daemonReload", args: [] })),
      calls,
    );
    this.snapState = new FakeSnaps(options.snaps, options.store);
    this.snap = recorded("snap", new FakeSnap(this.snapState), calls);
    this.kernel = new FakeKernel(options.sysctl, new Set(options.sysctlRefused));
    this.sysctl = recorded("sysctl", new FakeSysctl(this.kernel, this.tree), calls);
  }

  /** Every call the code under test made on this machine, in order. */
  get calls(): readonly MachineCall[] {
    return [...this.record];
  }

  /** Runs `body` with this machine as the current one (what tscharm/machine's functions act on). */
  use<T>(body: () => T): T {
    return runOnMachine(this, body);
  }

  // Commands and processes.

  /** Answers run() of `command` (argv[0], or its base name): the handler's reply, or exit 0 when it returns nothing. */
  onCommand(command: string, handler: CommandHandler<FakeMachine>): this {
    if (command === "") throw new TypeError("onCommand() needs a command name");
    this.table.handlers.set(command, handler);
    return this;
  }

  /** Starts a process (as a service or a daemonising command would); returns its pid. */
  startProcess(argv: readonly string[], options?: StartProcessOptions): number {
    return this.table.start(argv, options);
  }

  /** Ends a process as if it exited by itself; false when it was not running. */
  endProcess(pid: number): boolean {
    return this.table.end(pid);
  }

  /** The live processes. */
  get processes(): readonly FakeProcess[] {
    return this.table.snapshot();
  }

  /** Every signal kill() delivered (not the probes, signal 0), in order. */
  get signals(): readonly { readonly pid: number; readonly signal: NodeJS.Signals }[] {
    return this.table.delivered.map((d) => ({ ...d }));
  }

  // Files.

  /** The file at `path` (a copy), or undefined when there is none (or it is a directory). */
  file(path: string): FakeFile | undefined {
    return this.tree.file(path);
  }

  /** The file's text (UTF-8), or undefined when there is none. */
  fileText(path: string): string | undefined {
    const file = this.tree.file(path);
    return file === undefined ? undefined : new TextDecoder().decode(file.content);
  }

  /** Whether `path` is a directory. */
  isDir(path: string): boolean {
    return this.tree.isDir(path);
  }

  /** Every file's path, sorted. */
  get filePaths(): readonly string[] {
    return this.tree.paths();
  }

  /** Writes a file directly (for a handler or a test's setup): not recorded as a call. */
  writeFile(path: string, content: string | Uint8Array, options: { mode?: number; user?: string; group?: string } = {}): void {
    this.tree.write(path, content, options);
  }

  /** Removes a file directly; false when there was none. */
  removeFile(path: string): boolean {
    return this.tree.remove(path);
  }

  // Packages.

  /** The installed packages, by name. */
  get packages(): ReadonlyMap<string, DebianPackage> {
    return new Map(
      [...this.debs.installed].map(([name, r]) => [name, { name: r.name, version: r.version, arch: r.arch, state: "present" as const }]),
    );
  }

  /** How many times apt.update() ran. */
  get aptUpdates(): number {
    return this.debs.updates;
  }

  // Users and groups.

  get users(): ReadonlyMap<string, UserEntry> {
    return new Map(this.accounts.users);
  }

  get groups(): ReadonlyMap<string, GroupEntry> {
    return new Map(this.accounts.groups);
  }

  /** The encrypted password addUser was given for `user`, or undefined. */
  passwordOf(user: string): string | undefined {
    return this.accounts.passwords.get(user);
  }

  // Services.

  /** Every unit systemd knows, by full name (`nginx.service`), with its state. */
  get services(): ReadonlyMap<string, FakeServiceState> {
    return new Map(this.units.units);
  }

  /** How many daemon-reloads ran (daemonReload(), and those writeUnitFile, removeUnitFile, enable and disable run). */
  get daemonReloads(): number {
    return this.units.daemonReloads;
  }

  /** Sets a unit's state directly (a handler's or a test's; e.g. `{ running: false, failed: true }` for a crash). */
  setService(name: string, state: Partial<FakeServiceInit>): void {
    this.units.set(unitName(name), state);
  }

  // Snaps.

  /** The installed snaps, by name. */
  get snaps(): ReadonlyMap<string, FakeSnapState> {
    return new Map([...this.snapState.installed].map(([name, record]) => [name, this.snapState.view(record)]));
  }

  /** The interface connections, as `plug-snap:plug slot-snap:slot`, sorted. */
  get snapConnections(): readonly string[] {
    return [...this.snapState.connections].sort();
  }

  /** The snap aliases: alias to `<snap>.<app>`. */
  get snapAliases(): ReadonlyMap<string, string> {
    return new Map(this.snapState.aliases);
  }

  // Kernel parameters.

  /** The kernel's current values. */
  get sysctlValues(): Readonly<Record<string, string>> {
    return { ...this.kernel.values };
  }

  private removeTree(path: string): void {
    const root = FakeFileSystem.normalise(path);
    if (!this.tree.exists(root)) return;
    const prefix = `${root}/`;
    for (const file of this.tree.paths()) if (file.startsWith(prefix)) this.tree.remove(file);
    const dirs = (dir: string): string[] => (this.tree.list(dir) ?? []).map((name) => `${dir}/${name}`).filter((p) => this.tree.isDir(p));
    const order: string[] = [];
    const walk = (dir: string): void => {
      for (const sub of dirs(dir)) walk(sub);
      order.push(dir);
    };
    if (this.tree.isDir(root)) walk(root);
    else this.tree.remove(root);
    for (const dir of order) this.tree.rmdir(dir);
  }
}

function owner(init: { readonly user?: string; readonly group?: string }): { user?: string; group?: string } {
  return { ...(init.user === undefined ? {} : { user: init.user }), ...(init.group === undefined ? {} : { group: init.group }) };
}
