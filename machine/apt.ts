// Debian packages, after charmlibs.apt: update, add and remove packages (apt-get, non-interactive,
// keeping existing config files, waiting for the dpkg lock), their installed state from dpkg-query,
// repositories as deb822 .sources files with their keys in /etc/apt/keyrings, and dpkg's own
// version ordering.

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

export interface AddPackageOptions {
  /** An exact version (with its epoch if it has one); only with a single package. */
  readonly version?: string;
  /** Default: dpkg's architecture; `all` packages always match. */
  readonly arch?: string;
  /** Run update() first. */
  readonly updateCache?: boolean;
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

/** A repository definition that is not valid (charmlibs.apt's InvalidSourceError). */
export class InvalidSourceError extends AptError {
  override name = "InvalidSourceError";
}

/** Key material that is not an ASCII-armoured public key (charmlibs.apt's GPGKeyError). */
export class GPGKeyError extends AptError {
  override name = "GPGKeyError";
}

export interface Apt {
  /** `apt-get update --error-on=any`. */
  update(): Promise<void>;
  /** Installs each package (pinned to `version` if given); already-installed ones are left as they are. */
  addPackage(name: string, options?: AddPackageOptions): Promise<DebianPackage>;
  addPackage(names: readonly string[], options?: AddPackageOptions): Promise<DebianPackage[]>;
  /** Removes each installed package; one that is not installed is skipped. Returns the removed ones. */
  removePackage(name: string): Promise<DebianPackage | undefined>;
  removePackage(names: readonly string[]): Promise<DebianPackage[]>;
  /** The installed package (dpkg-query), or PackageNotFoundError. */
  fromInstalledPackage(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /** The package in the apt cache (the candidate first), or PackageNotFoundError. */
  fromAptCache(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /** Installed, else in the apt cache, else PackageNotFoundError. */
  fromSystem(name: string, options?: { readonly version?: string; readonly arch?: string }): Promise<DebianPackage>;
  /** Writes the repository's .sources file (and its key); returns the file's path. Run update() after. */
  addRepository(repository: Repository): Promise<string>;
  /** Removes `<name>.sources` and its key; false when there was none. */
  removeRepository(name: string): Promise<boolean>;
  /** Writes an ASCII-armoured key to /etc/apt/keyrings/<name>.asc; returns its path. */
  importKey(name: string, key: string): Promise<string>;
}
