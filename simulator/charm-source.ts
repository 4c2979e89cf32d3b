// What the simulator deploys: a packed `.charm`, or a built project (its dist/<arch>/dispatch and
// metadata), made into the files of a unit's charm directory.

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { arch } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { extractZip } from "../project/archive.js";
import { compileCharmMeta, readCharmSources, yamlDocument } from "../project/charm-meta.js";
import type { CharmMeta } from "../runtime/meta.js";

export interface CharmSource {
  /** Where it came from, as given. */
  readonly origin: string;
  readonly meta: CharmMeta;
  /** A directory holding the charm's files: dispatch (0755) and its YAML. */
  readonly dir: string;
}

/**
 * Unpacks a `.charm` (or takes a built project) into `storeDir`, once per application.
 * A `.charm` must carry metadata.yaml; its config.yaml and actions.yaml are used when present,
 * read as Juju reads them (YAML 1.1, gopkg.in/yaml.v2: `default: off` is false, and Juju refuses
 * that for a string option, so the deploy fails here too). A project is read as `tscharm pack` reads it.
 */
export function loadCharm(origin: string, storeDir: string): CharmSource {
  const path = resolve(origin);
  if (!existsSync(path)) throw new Error(`no charm at ${origin}: give a .charm file or a built charm project`);
  rmSync(storeDir, { recursive: true, force: true });
  mkdirSync(storeDir, { recursive: true });
  if (statSync(path).isDirectory()) {
    const dispatch = [join(path, "dist", arch() === "arm64" ? "arm64" : "amd64", "dispatch"), join(path, "dist", "dispatch")].find(
      (candidate) => existsSync(candidate),
    );
    if (dispatch === undefined) throw new Error(`${origin} has no built dispatch: run \`tscharm build\` there first`);
    place(dispatch, join(storeDir, "dispatch"));
    return { origin, meta: compileCharmMeta(readCharmSources(path)), dir: storeDir };
  }
  unpack(path, origin, storeDir);
  const text = (name: string): string | undefined =>
    existsSync(join(storeDir, name)) ? readFileSync(join(storeDir, name), "utf8") : undefined;
  const metadata = text("metadata.yaml");
  if (metadata === undefined) throw new Error(`${origin} has no metadata.yaml: it is not a charm`);
  if (!existsSync(join(storeDir, "dispatch"))) throw new Error(`${origin} has no dispatch`);
  const meta = compileCharmMeta({
    metadata: yamlDocument(metadata, "metadata.yaml") ?? {},
    metadataFile: "metadata.yaml",
    config: yamlDocument(text("config.yaml"), "config.yaml"),
    configFile: "config.yaml",
    actions: yamlDocument(text("actions.yaml"), "actions.yaml"),
    actionsFile: "actions.yaml",
  });
  return { origin, meta, dir: storeDir };
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

/** Fills a unit's charm directory from the stored charm, keeping what the unit wrote (its state file). */
export function installCharm(source: CharmSource, charmDir: string): void {
  mkdirSync(charmDir, { recursive: true });
  for (const name of ["dispatch", "metadata.yaml", "config.yaml", "actions.yaml", "manifest.yaml", "version"]) {
    const from = join(source.dir, name);
    if (existsSync(from)) place(from, join(charmDir, name));
  }
}

/** A hard link where possible (executables are ~100 MB per unit otherwise), else a copy. */
function place(from: string, to: string): void {
  rmSync(to, { force: true });
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}
