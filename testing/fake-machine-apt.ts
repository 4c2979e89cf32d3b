// FakeMachine's Debian packages: an archive (what apt could install) and the installed packages,
// with the Apt concept over them as machine/apt.ts documents it (after charmlibs.apt): installing
// writes the package's files, removing deletes them, and a name, version or architecture the
// archive lacks fails with charmlibs.apt's errors and messages.

import type { AddPackageOptions, Apt, DebianPackage, Repository } from "../machine/apt.js";
import { GPGKeyError, InvalidSourceError, PackageError, PackageNotFoundError, notOnSystemError } from "../machine/apt.js";
import { type FakeFileSystem, attempt } from "./fake-machine-files.js";
import { compareVersions } from "../machine/debian-version.js";

/** A package in the fake archive or installed: its files appear on install (0o755 in a bin/ or sbin/ directory, else 0o644). */
export interface FakePackageInit {
  readonly name: string;
  /** The full version, with its epoch if it has one. */
  readonly version: string;
  /** Default: the machine's architecture. */
  readonly arch?: string;
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

interface PackageRecord {
  readonly name: string;
  readonly version: string;
  readonly arch: string;
  readonly files: Readonly<Record<string, string | Uint8Array>>;
}

type Lookup = { readonly version?: string; readonly arch?: string };

const KEY_BEGIN = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
const KEY_END = "-----END PGP PUBLIC KEY BLOCK-----";

/** The mode a package's file gets: executables in bin/ and sbin/ directories. */
function packageFileMode(path: string): number {
  return /\/s?bin\/[^/]+$/.test(path) ? 0o755 : 0o644;
}

/** The packages of a FakeMachine: the archive and the installed ones (by name). */
export class FakePackages {
  readonly archive: PackageRecord[];
  readonly installed = new Map<string, PackageRecord>();
  /** How many times update() ran. */
  updates = 0;

  constructor(
    readonly arch: string,
    private readonly tree: FakeFileSystem,
    archive: readonly FakePackageInit[],
    installed: readonly FakePackageInit[],
  ) {
    this.archive = archive.map((entry) => this.record(entry));
    for (const entry of installed) this.install(this.record(entry));
  }

  install(record: PackageRecord): void {
    const old = this.installed.get(record.name);
    if (old !== undefined) this.uninstall(old);
    for (const [path, content] of Object.entries(record.files))
      this.tree.write(path, content, { mode: packageFileMode(path), user: "root", group: "root" });
    this.installed.set(record.name, record);
  }

  uninstall(record: PackageRecord): void {
    for (const path of Object.keys(record.files)) if (this.tree.file(path) !== undefined) this.tree.remove(path);
    this.installed.delete(record.name);
  }

  private record(entry: FakePackageInit): PackageRecord {
    if (typeof entry.name !== "string" || entry.name === "")
      throw new TypeError(`FakeMachine: a package needs a name, not ${JSON.stringify(entry.name)}`);
    if (typeof entry.version !== "string" || entry.version === "")
      throw new TypeError(`FakeMachine: package ${entry.name} needs a version`);
    return { name: entry.name, version: entry.version, arch: entry.arch ?? this.arch, files: entry.files ?? {} };
  }
}

function matches(record: PackageRecord, wantedArch: string, version: string | undefined): boolean {
  return (
    (record.arch === "all" || record.arch === wantedArch) &&
    (version === undefined || version === "" || compareVersions(record.version, version) === 0)
  );
}

function packageOf(record: PackageRecord, state: DebianPackage["state"]): DebianPackage {
  return { name: record.name, version: record.version, arch: record.arch, state };
}

/** The Apt concept over the fake packages and files. */
export class FakeApt implements Apt {
  constructor(
    private readonly packages: FakePackages,
    private readonly tree: FakeFileSystem,
  ) {}

  update(): Promise<void> {
    this.packages.updates++;
    return Promise.resolve();
  }

  addPackage(name: string, options?: AddPackageOptions): Promise<DebianPackage>;
  addPackage(names: readonly string[], options?: AddPackageOptions): Promise<DebianPackage[]>;
  async addPackage(names: string | readonly string[], options: AddPackageOptions = {}): Promise<DebianPackage | DebianPackage[]> {
    const list = typeof names === "string" ? [names] : [...names];
    if (list.length === 0) throw new TypeError("Expected at least one package name to add, received zero!");
    const version = options.version === "" ? undefined : options.version;
    if (list.length > 1 && version !== undefined)
      throw new TypeError("Explicit version should not be set if more than one package is being added!");
    for (const name of list) this.split(name, options.arch);
    const updated = options.updateCache === true;
    if (updated) await this.update();
    const lookup: Lookup = { ...(version === undefined ? {} : { version }), ...(options.arch === undefined ? {} : { arch: options.arch }) };
    const failed = new Map<string, string>();
    const look = (name: string): void => {
      try {
        this.lookUp(name, lookup);
        failed.delete(name);
      } catch (error) {
        if (!(error instanceof PackageNotFoundError)) throw error;
        failed.set(name, error.message);
      }
    };
    for (const name of list) look(name);
    // A name not found may be in a list not fetched yet: one update and a second look (as charmlibs).
    if (failed.size > 0 && !updated) {
      await this.update();
      for (const name of [...failed.keys()]) look(name);
    }
    const added: DebianPackage[] = [];
    for (const name of list) {
      if (failed.has(name)) continue;
      const found = this.lookUp(name, lookup);
      if (found.state === "available") this.packages.install(found.record);
      added.push(packageOf(found.record, "present"));
    }
    if (failed.size > 0) {
      const failedNames = [...failed.keys()].map((name) => (version === undefined ? name : `${name}=${version}`));
      throw new PackageError(`Failed to install packages: ${failedNames.join(", ")} (${[...failed.values()].join("; ")})`, failedNames, "");
    }
    return typeof names === "string" ? (added[0] as DebianPackage) : added;
  }

  removePackage(name: string): Promise<DebianPackage | undefined>;
  removePackage(names: readonly string[]): Promise<DebianPackage[]>;
  removePackage(names: string | readonly string[]): Promise<DebianPackage | DebianPackage[] | undefined> {
    return attempt(() => {
      const list = typeof names === "string" ? [names] : [...names];
      if (list.length === 0) throw new TypeError("Expected at least one package name to remove, received zero!");
      const removed: DebianPackage[] = [];
      for (const name of list) {
        const { base, arch } = this.split(name, undefined);
        const record = this.packages.installed.get(base);
        if (record === undefined || (arch !== undefined && !matches(record, arch, undefined))) continue;
        this.packages.uninstall(record);
        removed.push(packageOf(record, "absent"));
      }
      return typeof names === "string" ? removed[0] : removed;
    });
  }

  fromInstalledPackage(name: string, options: Lookup = {}): Promise<DebianPackage> {
    return attempt(() => packageOf(this.installedOrThrow(name, options), "present"));
  }

  fromAptCache(name: string, options: Lookup = {}): Promise<DebianPackage> {
    return attempt(() => packageOf(this.cachedOrThrow(name, options), "available"));
  }

  fromSystem(name: string, options: Lookup = {}): Promise<DebianPackage> {
    return attempt(() => {
      const found = this.lookUp(name, options);
      return packageOf(found.record, found.state);
    });
  }

  addRepository(repository: Repository): Promise<string> {
    return attempt(() => {
      const path = `/etc/apt/sources.list.d/${repository.name}.sources`;
      const text = this.sourcesText(repository);
      if (repository.key !== undefined) this.writeKey(repository.name, repository.key);
      this.tree.write(path, text, { mode: 0o644, user: "root", group: "root" });
      return path;
    });
  }

  removeRepository(name: string): Promise<boolean> {
    return attempt(() => {
      checkName(name);
      const removed = this.tree.remove(`/etc/apt/sources.list.d/${name}.sources`);
      this.tree.remove(`/etc/apt/keyrings/${name}.asc`);
      return removed;
    });
  }

  importKey(name: string, key: string): Promise<string> {
    return attempt(() => {
      checkName(name);
      return this.writeKey(name, key);
    });
  }

  /** Installed (present), else in the cache (available), else PackageNotFoundError with LocalApt's message. */
  private lookUp(name: string, options: Lookup): { record: PackageRecord; state: "present" | "available" } {
    try {
      return { record: this.installedOrThrow(name, options), state: "present" };
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error;
    }
    try {
      return { record: this.cachedOrThrow(name, options), state: "available" };
    } catch (error) {
      if (!(error instanceof PackageNotFoundError)) throw error;
      throw notOnSystemError(name, options, error);
    }
  }

  /** As dpkg-query: the installed package of this architecture (or all) and version. */
  private installedOrThrow(name: string, options: Lookup): PackageRecord {
    const { base, arch, version, what } = this.query(name, options);
    const record = this.packages.installed.get(base);
    if (record === undefined)
      throw new PackageNotFoundError(`Package ${what} is not installed: dpkg-query: no packages found matching ${base}`, base);
    if (!matches(record, arch, version))
      throw new PackageNotFoundError(`Package ${what} is not installed (dpkg has ${record.version} ${record.arch}: installed)`, base);
    return record;
  }

  /** As apt-cache show: the archive's first match (the candidate), else the installed package (apt's cache knows it too). */
  private cachedOrThrow(name: string, options: Lookup): PackageRecord {
    const { base, arch, version, what } = this.query(name, options);
    const known = [
      ...this.packages.archive.filter((r) => r.name === base),
      ...[this.packages.installed.get(base)].filter((r) => r !== undefined),
    ];
    if (known.length === 0) throw new PackageNotFoundError(`Package ${what} is not in the apt cache: E: No packages found`, base);
    const found = known.find((r) => matches(r, arch, version));
    if (found === undefined)
      throw new PackageNotFoundError(
        `Package ${what} is not in the apt cache (it has ${[...new Set(known.map((r) => r.version))].join(", ")})`,
        base,
      );
    return found;
  }

  private query(name: string, options: Lookup): { base: string; arch: string; version: string | undefined; what: string } {
    const { base, arch: asked } = this.split(name, options.arch);
    const arch = asked ?? this.packages.arch;
    const version = options.version === "" ? undefined : options.version;
    return { base, arch, version, what: `${base}${version === undefined ? "" : `=${version}`} (${arch})` };
  }

  /** A Debian package name, with an optional `:arch`; a TypeError otherwise (as LocalApt). */
  private split(name: string, arch: string | undefined): { base: string; arch: string | undefined } {
    const match = /^([a-z0-9][a-z0-9+.-]+)(?::([a-z0-9][a-z0-9-]*))?$/.exec(name);
    if (match === null) throw new TypeError(`not a Debian package name: ${JSON.stringify(name)}`);
    const [, base = name, qualifier] = match;
    if (arch !== undefined && qualifier !== undefined && arch !== qualifier)
      throw new TypeError(`package ${JSON.stringify(name)} names architecture ${qualifier} but arch ${arch} was given`);
    return { base, arch: arch ?? qualifier };
  }

  private writeKey(name: string, key: string): string {
    const text = key.trim();
    if (!text.startsWith(KEY_BEGIN) || !text.endsWith(KEY_END))
      throw new GPGKeyError(`the key for ${name} is not an ASCII-armoured public key (${KEY_BEGIN} ... ${KEY_END})`);
    const path = `/etc/apt/keyrings/${name}.asc`;
    this.tree.write(path, `${text}\n`, { mode: 0o644, user: "root", group: "root" });
    return path;
  }

  private sourcesText(repository: Repository): string {
    checkName(repository.name);
    const { uris, suites } = repository;
    if (uris.length === 0) throw new InvalidSourceError(`repository ${repository.name}: uris is empty`);
    if (suites.length === 0) throw new InvalidSourceError(`repository ${repository.name}: suites is empty`);
    const flat = suites.length === 1 && (suites[0] ?? "").endsWith("/");
    const components = repository.components ?? [];
    if (flat && components.length > 0)
      throw new InvalidSourceError(`repository ${repository.name}: a flat repository (suite ${suites[0] ?? ""}) takes no components`);
    if (!flat && components.length === 0)
      throw new InvalidSourceError(`repository ${repository.name}: components are required (suites ${suites.join(" ")})`);
    const lines = [`Types: ${(repository.types ?? ["deb"]).join(" ")}`, `URIs: ${uris.join(" ")}`, `Suites: ${suites.join(" ")}`];
    if (components.length > 0) lines.push(`Components: ${components.join(" ")}`);
    if (repository.key !== undefined) lines.push(`Signed-By: /etc/apt/keyrings/${repository.name}.asc`);
    for (const [field, value] of Object.entries(repository.options ?? {})) lines.push(`${field}: ${value}`);
    return `${lines.join("\n")}\n`;
  }
}

function checkName(name: string): void {
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new InvalidSourceError(`a repository name is letters, digits, "-", "_" and ".", not ${JSON.stringify(name)}`);
}
