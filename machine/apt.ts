// Debian packages, after charmlibs.apt: update, add and remove packages (apt-get, non-interactive,
// keeping existing config files, waiting for the dpkg lock), their installed state from dpkg-query,
// repositories as deb822 .sources files with their keys in /etc/apt/keyrings, and dpkg's own
// version ordering.

import { join } from "node:path";

import type { Commands, RunResult } from "./commands.js";
import { type Files, LocalFiles } from "./files.js";
import { compareVersions, parseVersion } from "./debian-version.js";

/** charmlibs.apt's PackageState. */
export type PackageState = "present" | "absent" | "latest" | "available";

/** A package as dpkg or the apt cache knows it (charmlibs.apt's DebianPackage). */
export interface DebianPackage {
  readonly name: string;
  /** The full version, with its epoch when it has one (`1:2.3-4`). */
  readonly version: string;
  readonly arch: string;
  /** present: installed (dpkg says "install ok installed"); available: in the apt cache only. */
  readonly state: PackageState;
}

/** How long apt-get waits for another apt or dpkg (unattended-upgrades, say) to let go of the dpkg lock. */
export interface LockOptions {
  /**
   * Seconds to wait for the dpkg lock (apt's `DPkg::Lock::Timeout`) before failing; default 300.
   * charmlibs.apt does not wait: apt-get fails at once with exit 100.
   */
  readonly lockTimeoutSeconds?: number;
}

export interface AddPackageOptions extends LockOptions {
  /** An exact version (with its epoch if it has one); only with a single package. */
  readonly version?: string;
  /** Default: dpkg's architecture (or the name's `:arch`); `all` packages always match. */
  readonly arch?: string;
  /** Run update() first. */
  readonly updateCache?: boolean;
}

export interface RemovePackageOptions extends LockOptions {
  /** `apt-get purge`: remove the package's config files too. Default false (`remove`, as charmlibs). */
  readonly purge?: boolean;
}

/** A deb822 source (`/etc/apt/sources.list.d/<name>.sources`). */
export interface Repository {
  /** The file's name without `.sources`: letters, digits, `-`, `_`, `.`. */
  readonly name: string;
  /** Default ["deb"]. */
  readonly types?: readonly ("deb" | "deb-src")[];
  readonly uris: readonly string[];
  readonly suites: readonly string[];
  /** Required unless the only suite ends in `/` (a flat repository), where it is forbidden. */
  readonly components?: readonly string[];
  /** An ASCII-armoured public key: written to /etc/apt/keyrings/<name>.asc and named by Signed-By. */
  readonly key?: string;
  /** More deb822 fields (Architectures, ...), written as given. */
  readonly options?: Readonly<Record<string, string>>;
}

/** The base of the apt errors (charmlibs.apt's Error). */
export class AptError extends Error {
  override name = "AptError";
}

/** Installing or removing failed (charmlibs.apt's PackageError): the packages, and apt's own message. */
export class PackageError extends AptError {
  override name = "PackageError";
  constructor(
    message: string,
    readonly packages: readonly string[],
    /** What apt-get or dpkg said (its stderr), empty when the kit refused before running it. */
    readonly aptMessage: string,
  ) {
    super(message);
  }
}

/** No such package, version or architecture installed or in the apt cache (charmlibs.apt's PackageNotFoundError). */
export class PackageNotFoundError extends AptError {
  override name = "PackageNotFoundError";
  constructor(
    message: string,
    readonly packageName: string,
  ) {
    super(message);
  }
}

/** A repository definition that is not valid (charmlibs.apt's InvalidSourceError): `field` names what was wrong. */
export class InvalidSourceError extends AptError {
  override name = "InvalidSourceError";
  constructor(
    message: string,
    /** The Repository field (`uris`, `options.Architectures`, ...), when one is to blame. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Key material that is not an ASCII-armoured public key (charmlibs.apt's GPGKeyError). */
export class GPGKeyError extends AptError {
  override name = "GPGKeyError";
}

export interface Apt {
  /**
   * `apt-get update --error-on=any`, waiting (by retrying) while another apt holds the lock of the lists. A failure (a source that
   * cannot be fetched or verified) is an AptError whose message holds apt's own.
   */
  update(options?: LockOptions): Promise<void>;
  /**
   * Installs each package (pinned to `version` if given) with one apt-get run, non-interactively,
   * keeping existing config files (`--force-confold`), waiting for the dpkg lock; installed ones
   * are left as they are (no upgrade). A name found neither installed nor in the apt cache
   * triggers one update() and a second look. Returns what dpkg then has installed. PackageError
   * names every package that failed, with apt's message (the others are still installed, as charmlibs).
   * TypeError for no names, a version with several names, or a name that is not a package name.
   */
  addPackage(name: string, options?: AddPackageOptions): Promise<DebianPackage>;
  addPackage(names: readonly string[], options?: AddPackageOptions): Promise<DebianPackage[]>;
  /**
   * Removes (or purges) each installed package with one apt-get run; one that is not installed is
   * skipped. Returns the removed ones (state "absent"): for a single name, undefined when it was not installed.
   */
  removePackage(name: string, options?: RemovePackageOptions): Promise<DebianPackage | undefined>;
  removePackage(names: readonly string[], options?: RemovePackageOptions): Promise<DebianPackage[]>;
  /**
   * The installed package (dpkg-query: status "installed"; "config-files" is not installed) of this
   * architecture (or `all`) and version (equal by dpkg's ordering), or PackageNotFoundError.
   */
  fromInstalledPackage(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /** The package in the apt cache (`apt-cache show`; without a version, the candidate), or PackageNotFoundError with apt's message. */
  fromAptCache(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /** Installed, else in the apt cache, else PackageNotFoundError. */
  fromSystem(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /**
   * Writes the repository's deb822 file `/etc/apt/sources.list.d/<name>.sources` (and its key, see
   * importKey, named by Signed-By) atomically, 0o644; returns the file's path. InvalidSourceError
   * (naming the field) or GPGKeyError before anything is written. Run update() after.
   */
  addRepository(repository: Repository): Promise<string>;
  /** Removes `<name>.sources` and its key; false when there was no such source. */
  removeRepository(name: string): Promise<boolean>;
  /**
   * Writes an ASCII-armoured public key to /etc/apt/keyrings/<name>.asc (0o644, the directory 0o755)
   * atomically; returns its path. GPGKeyError when the armour markers are missing or the key is a private one.
   */
  importKey(name: string, key: string): Promise<string>;
}

// ---------------------------------------------------------------------------------------------
// The real implementation.

/** What LocalApt is built with. */
export interface LocalAptOptions {
  /** The default of LockOptions.lockTimeoutSeconds: 300. */
  readonly lockTimeoutSeconds?: number;
  /** @internal The directory /etc/apt is under (default "/"): tests of the files write under a temporary one. */
  readonly root?: string;
  /** How the sources and keys are written and removed; default LocalFiles over the same commands. */
  readonly files?: Files;
}

const DEFAULT_LOCK_TIMEOUT_SECONDS = 300;
/** apt-get update's words when another apt holds the lists' lock. */
const LISTS_LOCKED = /Could not get lock \S*lists\/lock|Unable to lock directory \S*lists\//;
const LISTS_LOCK_POLL_MS = 500;
const SOURCES_DIR = "/etc/apt/sources.list.d";
const KEYRINGS_DIR = "/etc/apt/keyrings";
/** Debian Policy §5.6.1: lower-case letters, digits, `+`, `-`, `.`; two or more, starting alphanumeric; then an optional `:arch`. */
const PACKAGE_NAME = /^([a-z0-9][a-z0-9+.-]+)(?::([a-z0-9][a-z0-9-]*))?$/;
/** apt reads only files in sources.list.d whose names are made of these (and ignores the rest). */
const SOURCE_NAME = /^[A-Za-z0-9_.-]+$/;
const BEGIN_PUBLIC = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const END_PUBLIC = "-----END PGP PUBLIC KEY BLOCK-----";

type Lookup = { readonly version?: string; readonly arch?: string };

/** The unit's own apt and dpkg, run through `commands` (apt-get, apt-cache, dpkg-query, dpkg). */
export class LocalApt implements Apt {
  private nativeArch: Promise<string> | undefined;
  private readonly lockTimeout: number;
  private readonly root: string;
  private readonly files: Files;

  constructor(
    private readonly commands: Commands,
    options: LocalAptOptions = {},
  ) {
    this.lockTimeout = lockSeconds(options.lockTimeoutSeconds ?? DEFAULT_LOCK_TIMEOUT_SECONDS);
    this.root = options.root ?? "/";
    this.files = options.files ?? new LocalFiles(commands);
  }

  async update(options: LockOptions = {}): Promise<void> {
    // DPkg::Lock::Timeout does not cover the lock of apt's lists (apt 2.6 fails at once, exit 100):
    // while another update holds it, try again every half second until the timeout.
    const timeout = this.lockFor(options);
    const deadline = Date.now() + timeout * 1000;
    for (;;) {
      const result = await this.commands.run(["apt-get", "update", "--error-on=any"], {
        env: { DEBIAN_FRONTEND: "noninteractive" },
        check: false,
      });
      if (result.exitCode === 0) return;
      const said = aptText(result);
      const locked = LISTS_LOCKED.test(said);
      if (locked && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, LISTS_LOCK_POLL_MS));
        continue;
      }
      const waited = locked ? ` (after waiting ${String(timeout)} s for the lock of apt's lists)` : "";
      throw new AptError(`apt-get update failed${waited} (${exitText(result)}): ${said}`);
    }
  }

  addPackage(name: string, options?: AddPackageOptions): Promise<DebianPackage>;
  addPackage(names: readonly string[], options?: AddPackageOptions): Promise<DebianPackage[]>;
  async addPackage(names: string | readonly string[], options: AddPackageOptions = {}): Promise<DebianPackage | DebianPackage[]> {
    const list = typeof names === "string" ? [names] : [...names];
    if (list.length === 0) throw new TypeError("Expected at least one package name to add, received zero!");
    if (list.length > 1 && options.version !== undefined && options.version !== "")
      throw new TypeError("Explicit version should not be set if more than one package is being added!");
    for (const name of list) this.split(name, options.arch);
    this.lockFor(options);
    const version = options.version === "" ? undefined : options.version;
    if (version !== undefined) parseVersion(version);
    const updated = options.updateCache === true;
    if (updated) await this.update(options);

    const lookup = { ...(version === undefined ? {} : { version }), ...(options.arch === undefined ? {} : { arch: options.arch }) };
    const found = new Map<string, DebianPackage>();
    const failed = new Map<string, string>();
    const look = async (names: readonly string[]): Promise<string[]> => {
      const missing: string[] = [];
      for (const name of names) {
        try {
          found.set(name, await this.fromSystem(name, lookup));
        } catch (error) {
          if (!(error instanceof PackageNotFoundError)) throw error;
          missing.push(name);
          failed.set(name, error.message);
        }
      }
      return missing;
    };
    const missing = await look(list);
    // A name not found may be in a list not fetched yet: one update and a second look (as charmlibs).
    if (missing.length > 0 && !updated) {
      await this.update(options);
      for (const name of missing) failed.delete(name);
      await look(missing);
    }

    const toInstall = [...found.entries()].filter(([, pkg]) => pkg.state !== "present");
    if (toInstall.length > 0) {
      const specs = toInstall.map(([name, pkg]) => {
        const { base, arch } = this.split(name, options.arch);
        return `${base}${arch === undefined ? "" : `:${arch}`}${version === undefined ? "" : `=${pkg.version}`}`;
      });
      const flags = ["-o", "Dpkg::Options::=--force-confold", ...(version === undefined ? [] : ["--allow-downgrades"])];
      await this.aptGet("install", flags, specs, options);
      for (const [name] of toInstall) {
        try {
          found.set(name, await this.fromInstalledPackage(name, lookup));
        } catch (error) {
          if (!(error instanceof PackageNotFoundError)) throw error;
          found.delete(name);
          failed.set(name, `apt-get install succeeded but it is not installed: ${error.message}`);
        }
      }
    }
    if (failed.size > 0) {
      const names = [...failed.keys()].map((name) => (version === undefined ? name : `${name}=${version}`));
      const why = [...failed.values()].join("; ");
      throw new PackageError(`Failed to install packages: ${names.join(", ")} (${why})`, names, "");
    }
    const result = list.map((name) => found.get(name)).filter((pkg) => pkg !== undefined);
    return typeof names === "string" ? (result[0] as DebianPackage) : result;
  }

  removePackage(name: string, options?: RemovePackageOptions): Promise<DebianPackage | undefined>;
  removePackage(names: readonly string[], options?: RemovePackageOptions): Promise<DebianPackage[]>;
  async removePackage(
    names: string | readonly string[],
    options: RemovePackageOptions = {},
  ): Promise<DebianPackage | DebianPackage[] | undefined> {
    const list = typeof names === "string" ? [names] : [...names];
    if (list.length === 0) throw new TypeError("Expected at least one package name to remove, received zero!");
    for (const name of list) this.split(name, undefined);
    this.lockFor(options);
    const installed: [string, DebianPackage][] = [];
    for (const name of list) {
      try {
        installed.push([name, await this.fromInstalledPackage(name)]);
      } catch (error) {
        if (!(error instanceof PackageNotFoundError)) throw error;
      }
    }
    if (installed.length > 0) {
      const native = await this.arch();
      const specs = installed.map(([, pkg]) => (pkg.arch === "all" || pkg.arch === native ? pkg.name : `${pkg.name}:${pkg.arch}`));
      await this.aptGet(options.purge === true ? "purge" : "remove", [], specs, options);
    }
    const removed = installed.map(([, pkg]): DebianPackage => ({ ...pkg, state: "absent" }));
    return typeof names === "string" ? removed[0] : removed;
  }

  async fromInstalledPackage(name: string, options: Lookup = {}): Promise<DebianPackage> {
    const { base, arch: asked } = this.split(name, options.arch);
    const arch = asked ?? (await this.arch());
    const version = options.version === "" ? undefined : options.version;
    // dpkg-query expands the \t and \n escapes itself.
    const format = "${Package}\\t${Version}\\t${Architecture}\\t${db:Status-Status}\\n";
    const result = await this.commands.run(["dpkg-query", "-W", `-f=${format}`, base], { check: false });
    const what = `${base}${version === undefined ? "" : `=${version}`} (${arch})`;
    if (result.exitCode !== 0) throw new PackageNotFoundError(`Package ${what} is not installed: ${aptText(result)}`, base);
    for (const line of result.stdout.split("\n")) {
      const [pkgName, pkgVersion, pkgArch, status] = line.split("\t");
      if (pkgName !== base || pkgVersion === undefined || pkgVersion === "" || pkgArch === undefined || status !== "installed") continue;
      if (pkgArch !== arch && pkgArch !== "all") continue;
      if (version !== undefined && compareVersions(pkgVersion, version) !== 0) continue;
      return { name: base, version: pkgVersion, arch: pkgArch, state: "present" };
    }
    const states = result.stdout
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("\t"))
      .map(([, v, a, s]) => `${v === "" ? "no version" : (v ?? "")} ${a ?? ""}: ${s ?? ""}`);
    throw new PackageNotFoundError(`Package ${what} is not installed (dpkg has ${states.join(", ") || "nothing"})`, base);
  }

  async fromAptCache(name: string, options: Lookup = {}): Promise<DebianPackage> {
    const { base, arch: asked } = this.split(name, options.arch);
    const arch = asked ?? (await this.arch());
    const version = options.version === "" ? undefined : options.version;
    const argv = ["apt-cache", "show", ...(version === undefined ? ["--no-all-versions"] : []), `${base}:${arch}`];
    const result = await this.commands.run(argv, { check: false });
    const what = `${base}${version === undefined ? "" : `=${version}`} (${arch})`;
    if (result.exitCode !== 0) throw new PackageNotFoundError(`Package ${what} is not in the apt cache: ${aptText(result)}`, base);
    for (const stanza of result.stdout.split(/\n\s*\n/)) {
      const field = (key: string): string | undefined => new RegExp(`^${key}: *(.*)$`, "m").exec(stanza)?.[1]?.trim();
      const [pkgName, pkgVersion, pkgArch] = [field("Package"), field("Version"), field("Architecture")];
      if (pkgName !== base || pkgVersion === undefined || pkgArch === undefined) continue;
      if (pkgArch !== arch && pkgArch !== "all") continue;
      if (version !== undefined && compareVersions(pkgVersion, version) !== 0) continue;
      return { name: base, version: pkgVersion, arch: pkgArch, state: "available" };
    }
    const versions = [...result.stdout.matchAll(/^Version: *(.*)$/gm)].map((match) => match[1] ?? "");
    throw new PackageNotFoundError(`Package ${what} is not in the apt cache (it has ${versions.join(", ") || "no version of it"})`, base);
  }

  async fromSystem(name: string, options: Lookup = {}): Promise<DebianPackage> {
    try {
      return await this.fromInstalledPackage(name, options);
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error;
    }
    try {
      return await this.fromAptCache(name, options);
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error;
      throw notOnSystemError(name, options, error);
    }
  }

  async addRepository(repository: Repository): Promise<string> {
    const text = sourcesFile(repository);
    const path = this.at(`${SOURCES_DIR}/${repository.name}.sources`);
    if (repository.key !== undefined) await this.importKey(repository.name, repository.key);
    await this.files.ensureContents(path, text, { mode: 0o644 });
    return path;
  }

  async removeRepository(name: string): Promise<boolean> {
    checkSourceName(name);
    const existed = await this.removeFile(this.at(`${SOURCES_DIR}/${name}.sources`));
    await this.removeFile(this.at(`${KEYRINGS_DIR}/${name}.asc`));
    return existed;
  }

  async importKey(name: string, key: string): Promise<string> {
    checkSourceName(name);
    const armoured = checkArmouredKey(key);
    const path = this.at(`${KEYRINGS_DIR}/${name}.asc`);
    await this.files.ensureContents(path, armoured, { mode: 0o644 });
    return path;
  }

  /** Removes a file; false when there was none. */
  private async removeFile(path: string): Promise<boolean> {
    if (!(await this.files.exists(path))) return false;
    await this.files.unlink(path, { missingOk: true });
    return true;
  }

  /** `apt-get -y -o DPkg::Lock::Timeout=N <flags> <command> <specs>`, non-interactive; PackageError with apt's message. */
  private async aptGet(command: string, flags: readonly string[], specs: readonly string[], options: LockOptions): Promise<void> {
    const timeout = this.lockFor(options);
    const argv = ["apt-get", "-y", "-o", `DPkg::Lock::Timeout=${String(timeout)}`, ...flags, command, ...specs];
    const result = await this.commands.run(argv, { env: { DEBIAN_FRONTEND: "noninteractive" }, check: false });
    if (result.exitCode === 0) return;
    const said = aptText(result);
    const lock = /Could not get lock|Unable to acquire the dpkg/.test(said)
      ? ` (after waiting ${String(timeout)} s for the dpkg lock)`
      : "";
    throw new PackageError(`Could not ${command} ${specs.join(", ")}${lock} (${exitText(result)}): ${said}`, [...specs], said);
  }

  private lockFor(options: LockOptions): number {
    return options.lockTimeoutSeconds === undefined ? this.lockTimeout : lockSeconds(options.lockTimeoutSeconds);
  }

  /** dpkg's own architecture (`dpkg --print-architecture`), asked once. */
  private arch(): Promise<string> {
    this.nativeArch ??= this.commands.run(["dpkg", "--print-architecture"]).then((result) => result.stdout.trim());
    return this.nativeArch;
  }

  /** A package name and its architecture (from `name:arch` or the option); TypeError for anything else. */
  private split(name: string, arch: string | undefined): { base: string; arch: string | undefined } {
    const match = PACKAGE_NAME.exec(name);
    if (match === null) throw new TypeError(`not a Debian package name: ${JSON.stringify(name)}`);
    const base = match[1] ?? name;
    const qualifier = match[2];
    if (arch !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(arch)) throw new TypeError(`not a Debian architecture: ${JSON.stringify(arch)}`);
    if (qualifier !== undefined && arch !== undefined && qualifier !== arch)
      throw new TypeError(`package ${JSON.stringify(name)} names architecture ${qualifier} but arch ${arch} was given`);
    return { base, arch: qualifier ?? arch };
  }

  private at(path: string): string {
    return this.root === "/" ? path : join(this.root, path);
  }
}

function lockSeconds(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 0)
    throw new TypeError(`lockTimeoutSeconds must be a whole number of seconds (0 or more), not ${String(seconds)}`);
  return seconds;
}

/** What apt said: its stderr's E:/W: lines (else all of stderr, else stdout), trimmed. */
function aptText(result: RunResult): string {
  const stderr = result.stderr.trim();
  const errors = stderr
    .split("\n")
    .filter((line) => /^(E|W|dpkg-query|dpkg): /.test(line))
    .join("\n");
  return errors !== "" ? errors : stderr !== "" ? stderr : result.stdout.trim().split("\n").slice(-10).join("\n");
}

function exitText(result: RunResult): string {
  return result.exitCode === undefined ? `killed by ${String(result.signal)}` : `exit ${String(result.exitCode)}`;
}

function checkSourceName(name: string): void {
  if (!SOURCE_NAME.test(name) || name.startsWith("."))
    throw new InvalidSourceError(
      `repository name ${JSON.stringify(name)} is not usable as a file name apt reads (letters, digits, "-", "_", "." only)`,
      "name",
    );
}

/** The deb822 text of a repository, or InvalidSourceError naming the field that is wrong. */
export function sourcesFile(repository: Repository): string {
  checkSourceName(repository.name);
  const words = (field: string, values: readonly string[] | undefined, required: boolean): readonly string[] => {
    if (values === undefined || values.length === 0) {
      if (required) throw new InvalidSourceError(`repository ${repository.name}: ${field} must list at least one value`, field);
      return [];
    }
    for (const value of values)
      if (value === "" || /\s/.test(value))
        throw new InvalidSourceError(
          `repository ${repository.name}: ${field} value ${JSON.stringify(value)} is empty or has white space`,
          field,
        );
    return values;
  };
  const types = words("types", repository.types ?? ["deb"], true);
  for (const type of types)
    if (type !== "deb" && type !== "deb-src")
      throw new InvalidSourceError(`repository ${repository.name}: type ${JSON.stringify(type)} is not deb or deb-src`, "types");
  const uris = words("uris", repository.uris, true);
  for (const uri of uris)
    if (!/^[a-z][a-z0-9+.-]*:\S+$/i.test(uri))
      throw new InvalidSourceError(
        `repository ${repository.name}: URI ${JSON.stringify(uri)} has no scheme (http:, https:, file:, ...)`,
        "uris",
      );
  const suites = words("suites", repository.suites, true);
  const flat = suites.length === 1 && (suites[0] ?? "").endsWith("/");
  if (!flat && suites.some((suite) => suite.endsWith("/")))
    throw new InvalidSourceError(`repository ${repository.name}: a flat suite (ending in "/") must be the only suite`, "suites");
  const components = words("components", repository.components, !flat);
  if (flat && components.length > 0)
    throw new InvalidSourceError(
      `repository ${repository.name}: components are not allowed with the flat suite ${suites[0] ?? ""}`,
      "components",
    );
  const lines = [
    "# Written by tscharm/machine (apt.addRepository).",
    `Types: ${types.join(" ")}`,
    `URIs: ${uris.join(" ")}`,
    `Suites: ${suites.join(" ")}`,
  ];
  if (components.length > 0) lines.push(`Components: ${components.join(" ")}`);
  if (repository.key !== undefined) lines.push(`Signed-By: ${KEYRINGS_DIR}/${repository.name}.asc`);
  const reserved = new Set(["types", "uris", "suites", "components", ...(repository.key === undefined ? [] : ["signed-by"])]);
  for (const [key, value] of Object.entries(repository.options ?? {})) {
    const field = `options.${key}`;
    if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(key))
      throw new InvalidSourceError(`repository ${repository.name}: ${JSON.stringify(key)} is not a deb822 field name`, field);
    if (reserved.has(key.toLowerCase()))
      throw new InvalidSourceError(`repository ${repository.name}: ${key} is set by the repository's own fields, not options`, field);
    if (value.trim() === "" || /[\r\n]/.test(value))
      throw new InvalidSourceError(`repository ${repository.name}: the value of ${key} must be one non-empty line`, field);
    lines.push(`${key}: ${value.trim()}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The key, trimmed, when it is one or more ASCII-armoured public key blocks; GPGKeyError otherwise (never quoting the key). */
function checkArmouredKey(key: string): string {
  const text = key.trim().replace(/\r\n/g, "\n");
  if (/-----BEGIN PGP PRIVATE KEY BLOCK-----/.test(text))
    throw new GPGKeyError("the key is a PGP private key block: apt needs the repository's public key");
  if (!text.includes(BEGIN_PUBLIC) || !text.includes(END_PUBLIC)) throw new GPGKeyError("ASCII armor markers missing from GPG key");
  const blocks = /-----BEGIN PGP PUBLIC KEY BLOCK-----\n([\s\S]*?)\n-----END PGP PUBLIC KEY BLOCK-----/g;
  if (text.replace(blocks, "").trim() !== "") throw new GPGKeyError("the key has text outside its BEGIN/END PGP PUBLIC KEY BLOCK markers");
  for (const match of text.matchAll(blocks)) {
    const body = (match[1] ?? "").split("\n");
    // Armour headers ("Comment: ...") end at the first blank line; without headers the data starts at once.
    const blank = body.findIndex((line) => line.trim() === "");
    const data = (
      blank === -1 || !body.slice(0, blank).every((line) => /^[\x21-\x39\x3b-\x7e]+: /.test(line)) ? body : body.slice(blank + 1)
    )
      .map((line) => line.trim())
      .filter((line) => line !== "");
    const checksum = data.length > 0 && /^=[A-Za-z0-9+/]{4}$/.test(data[data.length - 1] ?? "") ? 1 : 0;
    const base64 = data.slice(0, data.length - checksum);
    if (base64.length === 0 || !base64.every((line) => /^[A-Za-z0-9+/]+={0,2}$/.test(line)))
      throw new GPGKeyError("the key's armoured data is not base64 (is it a whole, unmodified public key block?)");
  }
  return `${text}\n`;
}

/**
 * @internal fromSystem's error when neither dpkg nor the apt cache has the package (charmlibs.apt's
 * wording, with the cache's reason); the test kit's FakeMachine raises the same.
 */
export function notOnSystemError(
  name: string,
  options: { readonly version?: string; readonly arch?: string },
  cause: PackageNotFoundError,
): PackageNotFoundError {
  const arch = options.arch === undefined ? "" : `.${options.arch}`;
  const version = options.version === undefined || options.version === "" ? "" : `=${options.version}`;
  return new PackageNotFoundError(
    `Package '${name}${version}${arch}' could not be found on the system or in the apt cache: ${cause.message}`,
    cause.packageName,
  );
}
