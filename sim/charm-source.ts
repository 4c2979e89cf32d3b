// What the simulator deploys: a packed `.charm`, or a built project (its dist/<arch>/dispatch and
// metadata), made into the files of a unit's charm directory.

import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { arch } from "node:os";
import { dirname, join, resolve } from "node:path";

import { compileCharmMeta, readCharmSources, yamlDocument } from "../cmd/charm-meta.mjs";
import { readZip } from "../cmd/zip.mjs";
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
 * A `.charm` must carry metadata.yaml; its config.yaml and actions.yaml are used when present.
 */
export function loadCharm(origin: string, storeDir: string): CharmSource {
  const path = resolve(origin);
  if (!existsSync(path)) throw new Error(`no charm at ${origin}: give a .charm file or a built charm project`);
  rmSync(storeDir, { recursive: true, force: true });
  mkdirSync(storeDir, { recursive: true });
  if (statSync(path).isDirectory()) {
    const dispatch = [join(path, "dist", arch() === "arm64" ? "arm64" : "amd64", "dispatch"), join(path, "dist", "dispatch")].find((candidate) =>
      existsSync(candidate),
    );
    if (dispatch === undefined) throw new Error(`${origin} has no built dispatch: run \`tscharm build\` there first`);
    place(dispatch, join(storeDir, "dispatch"));
    return { origin, meta: compileCharmMeta(readCharmSources(path)), dir: storeDir };
  }
  const entries = readZip(readFileSync(path));
  for (const entry of entries) {
    if (entry.name.endsWith("/")) continue;
    const target = join(storeDir, entry.name);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, entry.data, { mode: entry.mode });
  }
  const text = (name: string): string | undefined => entries.find((entry) => entry.name === name)?.data.toString("utf8");
  const metadata = text("metadata.yaml");
  if (metadata === undefined) throw new Error(`${origin} has no metadata.yaml: it is not a charm`);
  if (!entries.some((entry) => entry.name === "dispatch")) throw new Error(`${origin} has no dispatch`);
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
