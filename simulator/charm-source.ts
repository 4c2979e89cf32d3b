// What the simulator deploys: a packed `.charm`, a charm directory, or a built tscharm project
// (its dist/<arch>/dispatch and metadata), made into the files of a unit's charm directory as
// Juju's unit agent makes them; and what a hook or action of such a charm executes.

import { spawnSync } from "node:child_process";
import {
  chmodSync,
  constants,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { arch } from "node:os";
import { dirname, isAbsolute, join, posix, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { hookKindOf } from "../engine/hook-info.js";
import { DEFAULT_JUJU_VERSION, isJuju4 } from "../grammar/juju-version.js";
import { extractZip } from "../project/archive.js";
import { compileCharmMeta, readCharmSources, yamlDocument } from "../project/charm-meta.js";
import type { CharmMeta } from "../runtime/meta.js";

export interface CharmSource {
  /** Where it came from, as given. */
  readonly origin: string;
  readonly meta: CharmMeta;
  /** A directory holding the charm's files: every file of a `.charm` or charm directory, or a project's dispatch and YAML. */
  readonly dir: string;
}

/** Juju 4's refusal of a charm whose manifest.yaml has no bases (juju/juju internal/charm/meta.go, `Meta.Check`). */
export const NO_BASES = "charm metadata without bases in manifest not valid";

/**
 * Unpacks a `.charm` (or copies a charm directory, or takes a built project) into `storeDir`,
 * once per application. A charm must carry metadata.yaml; its config.yaml and actions.yaml are
 * used when present, read as Juju reads them (YAML 1.1, gopkg.in/yaml.v2: `default: off` is
 * false, and Juju refuses that for a string option, so the deploy fails here too). A project is
 * read as `tscharm pack` reads it. Nothing else is required: a charm with neither `dispatch` nor
 * a hook file deploys, and its hooks are skipped as Juju skips them. On a Juju 4 model a `.charm`
 * or charm directory must name its bases in manifest.yaml (a project is packed with them).
 */
export function loadCharm(origin: string, storeDir: string, jujuVersion: string = DEFAULT_JUJU_VERSION): CharmSource {
  const path = resolve(origin);
  if (!existsSync(path)) throw new Error(`no charm at ${origin}: give a .charm file or a built charm project`);
  rmSync(storeDir, { recursive: true, force: true });
  mkdirSync(storeDir, { recursive: true });
  if (statSync(path).isDirectory()) {
    const dispatch = [join(path, "dist", arch() === "arm64" ? "arm64" : "amd64", "dispatch"), join(path, "dist", "dispatch")].find(
      (candidate) => existsSync(candidate),
    );
    if (!isCharmDirectory(path, dispatch !== undefined)) {
      if (dispatch === undefined) throw new Error(`${origin} has no built dispatch: run \`tscharm build\` there first`);
      place(dispatch, join(storeDir, "dispatch"));
      return { origin, meta: compileCharmMeta(readCharmSources(path)), dir: storeDir };
    }
    copyCharmDirectory(realpathSync(path), storeDir);
    refuseLinksOut(storeDir);
  } else {
    unpack(path, origin, storeDir);
  }
  const text = (name: string): string | undefined =>
    existsSync(join(storeDir, name)) ? readFileSync(join(storeDir, name), "utf8") : undefined;
  const metadata = text("metadata.yaml");
  if (metadata === undefined) throw new Error(`${origin} has no metadata.yaml: it is not a charm`);
  const meta = compileCharmMeta({
    metadata: yamlDocument(metadata, "metadata.yaml") ?? {},
    metadataFile: "metadata.yaml",
    config: yamlDocument(text("config.yaml"), "config.yaml"),
    configFile: "config.yaml",
    actions: yamlDocument(text("actions.yaml"), "actions.yaml"),
    actionsFile: "actions.yaml",
  });
  if (isJuju4(jujuVersion) && !hasBases(text("manifest.yaml"))) throw new Error(NO_BASES);
  makeHooksExecutable(storeDir, meta);
  return { origin, meta, dir: storeDir };
}

/**
 * Whether a directory is a charm as Juju deploys it (metadata.yaml with a `dispatch`, or with
 * `hooks/` and no tscharm build), rather than a tscharm project: a project has a package.json
 * or its build (dist/…/dispatch), and its hooks/ holds TypeScript.
 */
function isCharmDirectory(path: string, built: boolean): boolean {
  if (!existsSync(join(path, "metadata.yaml"))) return false;
  if (existsSync(join(path, "dispatch"))) return true;
  if (built || existsSync(join(path, "package.json"))) return false;
  return existsSync(join(path, "hooks"));
}

/**
 * Makes the charm's own hooks in hooks/ owner-executable, as Juju does after expanding a charm
 * (juju/juju internal/charm/charmarchive.go `fixHookFunc`, over the hooks its metadata implies).
 */
function makeHooksExecutable(dir: string, meta: CharmMeta): void {
  const hooks = join(dir, "hooks");
  if (!existsSync(hooks) || !lstatSync(hooks).isDirectory()) return;
  for (const entry of readdirSync(hooks, { withFileTypes: true })) {
    if (!entry.isFile() || !isHookOf(meta, entry.name)) continue;
    const path = join(hooks, entry.name);
    const mode = statSync(path).mode & 0o7777;
    if ((mode & 0o100) === 0) chmodSync(path, mode | 0o100);
  }
}

/** Whether `name` is a hook of this charm (juju/juju internal/charm/meta.go `Meta.Hooks`). */
function isHookOf(meta: CharmMeta, name: string): boolean {
  const kind = hookKindOf(name);
  if (kind === "other") return name === "collect-metrics" || name === "meter-status-changed";
  if (!kind.startsWith("relation-") && !kind.startsWith("storage-")) return true;
  const owner = name.slice(0, -(kind.length + 1));
  return kind.startsWith("relation-") ? meta.relations[owner] !== undefined : meta.storage[owner] !== undefined;
}

/** Whether manifest.yaml names at least one base (juju/juju internal/charm/charm.go `MetaFormat`: FormatV2 needs bases). */
function hasBases(manifest: string | undefined): boolean {
  if (manifest === undefined) return false;
  const bases = yamlDocument(manifest, "manifest.yaml")?.["bases"];
  return Array.isArray(bases) && bases.length > 0;
}

/** What `juju deploy ./dir` never packs (juju/juju internal/charm/charmdir.go `defaultJujuIgnore`). */
const IGNORED_ANYWHERE = new Set([".git", ".svn", ".hg", ".bzr", ".tox", ".jujuignore"]);

/**
 * Copies a charm directory into `storeDir` as Juju packs one for a local deploy
 * (juju/juju internal/charm/charmdir.go `ArchiveTo`): every file, modes made 0755 when the owner
 * may execute it and 0644 otherwise, symlinks that stay inside; VCS directories, the top-level
 * build/ and .jujuignore are left out (the patterns of a charm's own .jujuignore are not read).
 * A copy, not a link, so a hook writing to its charm's files never changes the source.
 */
function copyCharmDirectory(root: string, storeDir: string, relative = ""): void {
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
    if (IGNORED_ANYWHERE.has(entry.name) || (rel === "build" && entry.isDirectory())) continue;
    const from = join(root, rel);
    const to = join(storeDir, rel);
    if (entry.isDirectory()) {
      mkdirSync(to, { mode: 0o755 });
      copyCharmDirectory(root, storeDir, rel);
    } else if (entry.isSymbolicLink()) {
      const target = readlinkSync(from);
      if (isAbsolute(target)) throw new Error(`symlink "${rel}" is absolute: "${target}"`);
      const lands = posix.join(posix.dirname(rel), target);
      if (lands === ".." || lands.startsWith("../")) throw new Error(`symlink "${rel}" links out of charm: "${target}"`);
      symlinkSync(target, to);
    } else if (entry.isFile()) {
      copyFileSync(from, to, constants.COPYFILE_FICLONE);
      chmodSync(to, (lstatSync(from).mode & 0o100) === 0 ? 0o644 : 0o755);
    } else {
      const kind = entry.isFIFO() ? "a named pipe" : entry.isSocket() ? "a socket" : "a device";
      throw new Error(`file is ${kind}: "${rel}"`);
    }
  }
}

/**
 * Unpacks a .charm into `dir` in a child process. The archive holds a ~100 MB executable: inflated
 * here, it would stay in this process's memory until a garbage collection that may not come for a
 * long while, and every hook the simulator starts afterwards forks a process that much bigger
 * (bench/sim.mjs measured a 10-unit deploy of an sh charm at 6.3 s instead of 2.5 s).
 */
function unpack(path: string, origin: string, dir: string): void {
  // The compiled archive module: next to this one in lib/, or lib/'s when this runs from source.
  const zip = [new URL("../project/archive.js", import.meta.url), new URL("../lib/project/archive.js", import.meta.url)].find((url) =>
    existsSync(fileURLToPath(url)),
  )?.href;
  if (zip === undefined) {
    extractZip(path, dir);
    return;
  }
  const script =
    "import(process.argv[1]).then((zip) => zip.extractZip(process.argv[2], process.argv[3]))" +
    ".catch((error) => { process.stderr.write(error instanceof Error ? error.message : String(error)); process.exitCode = 1; });";
  const result = spawnSync(process.execPath, ["-e", script, zip, path, dir], { encoding: "utf8" });
  if (result.error !== undefined) {
    // This process's executable cannot run a script: unpack here after all.
    extractZip(path, dir);
    return;
  }
  if (result.status !== 0) throw new Error(`cannot unpack ${origin}: ${result.stderr.trim() || `exit ${String(result.status)}`}`);
}

/**
 * Refuses a charm directory whose symlinks, each inside by its own text, lead out together
 * (`x/s -> ..`, then `b -> x/s/..`): what lands in a unit's charm directory stays inside it.
 */
function refuseLinksOut(storeDir: string): void {
  const root = realpathSync.native(storeDir);
  for (const path of charmPaths(storeDir)) {
    const full = join(storeDir, path);
    if (!lstatSync(full).isSymbolicLink() || !existsSync(full)) continue;
    const real = realpathSync.native(full);
    if (real !== root && !real.startsWith(`${root}/`)) throw new Error(`symlink "${path}" links out of charm: "${readlinkSync(full)}"`);
  }
}

/** Where a unit's agent keeps the list of the files its charm directory got from the charm. */
function manifestPath(charmDir: string): string {
  return join(dirname(charmDir), "charm-manifest.json");
}

/** Every path under a stored charm (directories first, then what is in them), not following symlinks. */
function charmPaths(dir: string, relative = ""): string[] {
  const paths: string[] = [];
  for (const entry of readdirSync(join(dir, relative), { withFileTypes: true })) {
    const rel = relative === "" ? entry.name : `${relative}/${entry.name}`;
    paths.push(rel);
    if (entry.isDirectory()) paths.push(...charmPaths(dir, rel));
  }
  return paths;
}

/**
 * Fills a unit's charm directory from the stored charm, as Juju's manifest deployer does
 * (juju/juju worker/uniter/charm/manifest_deployer.go): on a refresh, the files of the charm
 * it had that the new one does not have are removed; every file of the new charm is written over
 * what is there; what the unit wrote itself (its state file, its own files) is kept.
 */
export function installCharm(source: CharmSource, charmDir: string): void {
  mkdirSync(charmDir, { recursive: true });
  const paths = charmPaths(source.dir);
  const now = new Set(paths);
  let before: string[] = [];
  try {
    const saved: unknown = JSON.parse(readFileSync(manifestPath(charmDir), "utf8"));
    if (Array.isArray(saved)) before = saved.filter((path): path is string => typeof path === "string");
  } catch {
    // No manifest (a first install, or a unit from before manifests were kept): nothing to remove.
  }
  for (const path of before.filter((old) => !now.has(old)).sort()) {
    if (!path.split("/").includes("..")) rmSync(join(charmDir, path), { recursive: true, force: true });
  }
  for (const path of paths) {
    const from = join(source.dir, path);
    const to = join(charmDir, path);
    const stat = lstatSync(from);
    let existing;
    try {
      existing = lstatSync(to);
    } catch {
      existing = undefined;
    }
    if (stat.isDirectory()) {
      // Parents come first: a directory the unit replaced with a link becomes a directory again.
      if (existing?.isDirectory() !== true) {
        if (existing !== undefined) rmSync(to, { recursive: true, force: true });
        mkdirSync(to, { mode: stat.mode & 0o777 });
      }
      continue;
    }
    if (existing !== undefined) rmSync(to, { recursive: true, force: true });
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else place(from, to);
  }
  writeFileSync(manifestPath(charmDir), `${JSON.stringify(paths)}\n`);
}

/**
 * What Juju runs for a hook or an action of a charm (juju/juju worker/uniter/runner/runner.go
 * `discoverHookHandler`): `dispatch` when the charm has one, else `hooks/<name>` (or
 * `actions/<name>`); undefined when it has neither, a missing hook, which Juju skips as done
 * (worker/uniter/operation/runhook.go: `skipped "install" hook (missing)`). A file that is there
 * but cannot run is returned: running it fails the hook, as in Juju.
 */
export function hookCommand(charmDir: string, location: "hooks" | "actions", name: string): string | undefined {
  // existsSync follows links as exec.LookPath's stat does: a dangling link is a missing hook.
  return [join(charmDir, "dispatch"), join(charmDir, location, name)].find((candidate) => existsSync(candidate));
}

/** A hard link where possible (executables are ~100 MB per unit otherwise), else a copy with its mode. */
function place(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
    chmodSync(to, statSync(from).mode & 0o777);
  }
}
