// FakeMachine's Debian packages: an archive (what apt could install) and the installed packages,
// with the Apt concept over them as machine/apt.ts documents it (after charmlibs.apt): installing
// writes the package's files, removing deletes them, and a name, version or architecture the
// archive lacks fails with charmlibs.apt's errors and messages.

import type { AddPackageOptions, Apt, DebianPackage, Repository } from "../machine/apt.js";
import { GPGKeyError, InvalidSourceError, PackageError, PackageNotFoundError } from "../machine/apt.js";
import { type FakeFileSystem, attempt } from "./fake-machine-files.js";

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
  return (record.arch === "all" || record.arch === wantedArch) && (version === undefined || version === "" || record.version === version);
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
    if (list.length > 1 && options.version !== undefined)
      throw new TypeError("Explicit version should not be set if more than one package is being added!");
    if (options.updateCache === true) await this.update();
    const lookup: Lookup = {
      ...(options.version === undefined ? {} : { version: options.version }),
      ...(options.arch === undefined ? {} : { arch: options.arch }),
    };
    const added: DebianPackage[] = [];
    const failed: string[] = [];
    for (const name of list) {
      const installed = this.installedRecord(name, lookup);
      if (installed !== undefined) {
        added.push(packageOf(installed, "present"));
        continue;
      }
      const candidate = this.cacheRecord(name, lookup);
      if (candidate === undefined) {
        failed.push(name);
        continue;
      }
      this.packages.install(candidate);
      added.push(packageOf(candidate, "present"));
    }
    if (failed.length > 0) throw new PackageError(`Failed to install packages: ${failed.join(", ")}`, failed, "");
    return typeof names === "string" ? (added[0] as DebianPackage) : added;
  }

  removePackage(name: string): Promise<DebianPackage | undefined>;
  removePackage(names: readonly string[]): Promise<DebianPackage[]>;
  removePackage(names: string | readonly string[]): Promise<DebianPackage | DebianPackage[] | undefined> {
    const list = typeof names === "string" ? [names] : [...names];
    if (list.length === 0) return Promise.reject(new TypeError("Expected at least one package name to remove, received zero!"));
    const removed: DebianPackage[] = [];
    for (const name of list) {
      const record = this.packages.installed.get(name);
      if (record === undefined) continue;
      this.packages.uninstall(record);
      removed.push(packageOf(record, "absent"));
    }
    return Promise.resolve(typeof names === "string" ? removed[0] : removed);
  }

  fromInstalledPackage(name: string, options: Lookup = {}): Promise<DebianPackage> {
    const record = this.installedRecord(name, options);
    if (record === undefined)
      return Promise.reject(new PackageNotFoundError(`Package ${name}.${options.arch ?? this.packages.arch} is not installed!`, name));
    return Promise.resolve(packageOf(record, "present"));
  }

  fromAptCache(name: string, options: Lookup = {}): Promise<DebianPackage> {
    const record = this.cacheRecord(name, options);
    if (record === undefined)
      return Promise.reject(
        new PackageNotFoundError(`Package ${name}.${options.arch ?? this.packages.arch} is not in the apt cache!`, name),
      );
    return Promise.resolve(packageOf(record, "available"));
  }

  fromSystem(name: string, options: Lookup = {}): Promise<DebianPackage> {
    const installed = this.installedRecord(name, options);
    if (installed !== undefined) return Promise.resolve(packageOf(installed, "present"));
    const cached = this.cacheRecord(name, options);
    if (cached !== undefined) return Promise.resolve(packageOf(cached, "available"));
    const arch = options.arch === undefined ? "" : `.${options.arch}`;
    return Promise.reject(new PackageNotFoundError(`Package '${name}${arch}' could not be found on the system or in the apt cache!`, name));
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

  private installedRecord(name: string, options: Lookup): PackageRecord | undefined {
    const record = this.packages.installed.get(name);
    return record !== undefined && matches(record, options.arch ?? this.packages.arch, options.version) ? record : undefined;
  }

  /** The archive's first match (the candidate), else the installed package (apt's cache knows it too). */
  private cacheRecord(name: string, options: Lookup): PackageRecord | undefined {
    const arch = options.arch ?? this.packages.arch;
    return this.packages.archive.find((r) => r.name === name && matches(r, arch, options.version)) ?? this.installedRecord(name, options);
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
