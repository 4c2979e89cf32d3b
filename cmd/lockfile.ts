// The package-lock.json of a new project, derived from tscharm's own lock: a project made by
// `tscharm init` installs exactly the versions tscharm was tested with (`npm ci`, no resolution),
// today and after the registry has moved on.
//
// Why a lock and not `overrides`: charmcraft's part runs `npm ci`, which refuses to run without a
// lock; a lock names each package's exact bytes (its integrity hash), so nothing is resolved
// against the registry at install time; and `overrides` can pin versions but not stop npm from
// taking a newer transitive dependency that a pinned range allows.

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { TscharmError } from "../project/errors.js";

/** One entry of a lock file's `packages` (lockfileVersion 3), as npm writes it. */
export interface LockEntry {
  version?: string;
  resolved?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
  optional?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  [key: string]: unknown;
}
export interface Lock {
  name?: string;
  version?: string;
  lockfileVersion: number;
  requires?: boolean;
  packages: Record<string, LockEntry>;
}

/** The project's package.json fields a lock's root entry repeats. */
export interface ProjectManifest {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/**
 * How the project gets tscharm: a link to a checkout (a directory), or a packed tarball.
 * `manifest` is that tscharm's package.json; `integrity` the tarball's sha512.
 */
export type TscharmSource =
  | { kind: "link"; path: string; manifest: Record<string, unknown> }
  | { kind: "tarball"; path: string; integrity: string; manifest: Record<string, unknown> };

export class LockError extends TscharmError {
  override name = "LockError";

  constructor(message: string, options?: ErrorOptions) {
    super("lock", message, options);
  }
}

/**
 * The lock tscharm was tested with: `package-lock.json` in a checkout, or the copy `npm pack`
 * ships in `lib/` (npm never publishes a package's own `package-lock.json`).
 */
export function testedLock(tscharmRoot: string): Lock {
  for (const candidate of [join(tscharmRoot, "package-lock.json"), join(tscharmRoot, "lib", "package-lock.json")]) {
    if (!existsSync(candidate)) continue;
    const lock: unknown = JSON.parse(readFileSync(candidate, "utf8"));
    if (!isRecord(lock) || lock["lockfileVersion"] !== 3 || !isRecord(lock["packages"])) {
      throw new LockError(`${candidate} is not an npm lock file of version 3`);
    }
    return lock as unknown as Lock;
  }
  throw new LockError(
    `${tscharmRoot} has no package-lock.json (nor lib/package-lock.json): ` +
      "cannot pin the new project's versions to the ones tscharm was tested with",
  );
}

/**
 * The new project's lock: its root, tscharm (linked or from its tarball), and every package its
 * dependencies need, each at the version, place in node_modules and integrity of `tested`.
 */
export function projectLock(tested: Lock, project: ProjectManifest, tscharm: TscharmSource): Lock {
  const from = tested.packages;
  const packages: Record<string, LockEntry> = {
    "": {
      name: project.name,
      version: project.version,
      dependencies: { ...project.dependencies },
      devDependencies: { ...project.devDependencies },
    },
  };
  if (tscharm.kind === "link") {
    // npm installs a linked package's dependencies in the link's target, not in the project, and
    // records the target as it records a workspace: with its devDependencies.
    packages["node_modules/tscharm"] = { resolved: tscharm.path, link: true };
    // npm names the target only when its directory is named otherwise.
    const named = tscharm.path.split("/").at(-1) === "tscharm" ? {} : { name: "tscharm" };
    packages[tscharm.path] = {
      ...named,
      ...pickManifest(tscharm.manifest, ["version", "license", "dependencies", "bin", "devDependencies", "engines"]),
    };
  } else {
    const fields = pickManifest(tscharm.manifest, ["version", "license", "dependencies", "bin", "engines"]);
    packages["node_modules/tscharm"] = { ...fields, resolved: `file:${tscharm.path}`, integrity: tscharm.integrity };
  }

  // The packages reachable from the project, found where Node would find them from each requirer.
  const queue: string[] = [];
  const require = (location: string, name: string, range: string, need: "required" | "optional") => {
    const found = resolveIn(from, location, name);
    if (found === undefined) {
      if (need === "optional") return;
      throw new LockError(`${location === "" ? "the project" : location} needs ${name}@${range}, which tscharm's lock does not hold`);
    }
    // Ranges are npm's to check; an exact version (what tscharm pins) is checked here, so that a
    // tarball from another tscharm fails now rather than in `npm ci`.
    const version = from[found]?.version;
    if (/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/.test(range) && version !== range) {
      throw new LockError(
        `${location === "" ? "the project" : location} needs ${name}@${range}, but tscharm's lock has ${name}@${String(version)}: ` +
          `make the project with the tscharm that pins ${range}`,
      );
    }
    if (packages[found] === undefined) {
      packages[found] = { ...(from[found] as LockEntry) };
      queue.push(found);
    }
  };
  for (const [name, range] of Object.entries(project.devDependencies)) require("", name, range, "required");
  if (tscharm.kind === "tarball") queue.push("node_modules/tscharm");
  for (let location = queue.shift(); location !== undefined; location = queue.shift()) {
    const entry = packages[location] as LockEntry;
    for (const [name, range] of Object.entries(entry.dependencies ?? {})) require(location, name, range, "required");
    // Optional dependencies a platform does not use (fsevents on Linux) are in the lock all the same.
    for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) require(location, name, range, "optional");
    for (const [name, range] of Object.entries(entry.peerDependencies ?? {})) {
      if (entry.peerDependenciesMeta?.[name]?.optional !== true) require(location, name, range, "required");
    }
  }

  markDependencyFlags(packages, project);
  const ordered = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0)),
  );
  return { name: project.name, version: project.version, lockfileVersion: 3, requires: true, packages: ordered };
}

/**
 * Where Node finds `name` from the package at `location`: its own node_modules, then each
 * parent's, up to the project's.
 */
export function resolveIn(packages: Record<string, LockEntry>, location: string, name: string): string | undefined {
  for (let at = location; ; at = parentOf(at)) {
    const candidate = at === "" ? `node_modules/${name}` : `${at}/node_modules/${name}`;
    const entry = packages[candidate];
    if (entry !== undefined && entry.link !== true) return candidate;
    if (at === "") return undefined;
  }
}

/** `node_modules/a/node_modules/@s/b` → `node_modules/a`; `node_modules/a` → `` (the project). */
function parentOf(location: string) {
  const cut = location.lastIndexOf("node_modules/");
  return cut <= 0 ? "" : location.slice(0, cut - 1);
}

/**
 * Sets npm's `dev`, `optional`, `devOptional` and `peer` flags as npm itself computes them: a
 * package is `dev` when every path to it from the project starts with a devDependency, `optional`
 * when every path goes through an optional dependency, `devOptional` when it is neither but every
 * path is one or the other, `peer` when every path goes through a peer dependency.
 */
function markDependencyFlags(packages: Record<string, LockEntry>, project: ProjectManifest) {
  interface Flags {
    dev: boolean;
    optional: boolean;
    devOptional: boolean;
    peer: boolean;
  }
  const flags: Map<string, Flags> = new Map();
  // Installed packages only: not the project, a link, nor a link's target (a prod dependency here).
  for (const [location, entry] of Object.entries(packages)) {
    if (location.startsWith("node_modules/") && entry.link !== true)
      flags.set(location, { dev: true, optional: true, devOptional: true, peer: true });
  }

  // A path clears a flag on every package it reaches without that property; walk until nothing changes.
  const work: { location: string; path: Flags }[] = [];
  const reach = (target: string, path: Flags) => {
    const current = flags.get(target);
    if (current === undefined) return;
    const next = {
      dev: current.dev && path.dev,
      optional: current.optional && path.optional,
      devOptional: current.devOptional && path.devOptional,
      peer: current.peer && path.peer,
    };
    if (
      next.dev === current.dev &&
      next.optional === current.optional &&
      next.devOptional === current.devOptional &&
      next.peer === current.peer
    )
      return;
    flags.set(target, next);
    work.push({ location: target, path: next });
  };
  const root = { dev: false, optional: false, devOptional: false, peer: false };
  for (const name of Object.keys(project.dependencies)) reach(`node_modules/${name}`, root);
  for (const name of Object.keys(project.devDependencies)) reach(`node_modules/${name}`, { ...root, dev: true, devOptional: true });
  for (let item = work.shift(); item !== undefined; item = work.shift()) {
    const entry = packages[item.location];
    if (entry === undefined || entry.link === true) continue;
    const follow = (deps: Record<string, string> | undefined, kind: { optional: boolean; peer: boolean }) => {
      for (const name of Object.keys(deps ?? {})) {
        const target = resolveIn(packages, item.location, name);
        if (target === undefined) continue;
        reach(target, {
          dev: item.path.dev,
          optional: item.path.optional || kind.optional,
          devOptional: item.path.devOptional || kind.optional,
          peer: item.path.peer || kind.peer,
        });
      }
    };
    follow(entry.dependencies, { optional: false, peer: false });
    follow(entry.optionalDependencies, { optional: true, peer: false });
    const peers = entry.peerDependencies ?? {};
    follow(Object.fromEntries(Object.entries(peers).filter(([name]) => entry.peerDependenciesMeta?.[name]?.optional !== true)), {
      optional: false,
      peer: true,
    });
    follow(Object.fromEntries(Object.entries(peers).filter(([name]) => entry.peerDependenciesMeta?.[name]?.optional === true)), {
      optional: true,
      peer: true,
    });
  }

  for (const [location, flag] of flags) {
    const entry = packages[location] as LockEntry;
    for (const key of ["dev", "optional", "devOptional", "peer"] as const) Reflect.deleteProperty(entry, key);
    if (flag.dev) entry.dev = true;
    if (flag.optional) entry.optional = true;
    if (flag.devOptional && !flag.dev && !flag.optional) entry.devOptional = true;
    if (flag.peer) entry.peer = true;
  }
}

/**
 * The fields of tscharm's package.json that npm repeats in a lock entry.
 */
function pickManifest(manifest: Record<string, unknown>, keys: readonly string[]): LockEntry {
  const entry: LockEntry = {};
  for (const key of keys) {
    const value = manifest[key];
    if (value === undefined) continue;
    // npm writes a bin path without its leading "./".
    entry[key] =
      key === "bin" && isRecord(value)
        ? Object.fromEntries(Object.entries(value).map(([name, path]) => [name, String(path).replace(/^\.\//, "")]))
        : value;
  }
  return entry;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
