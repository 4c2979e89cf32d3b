// A charm project as the CLI sees it: its metadata, the platforms it builds for, and the checks
// charmcraft and Juju would make on its YAML, with errors that point at the offending key.

import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

import type { CharmMeta } from "../runtime/meta.js";
import { type CharmSources, MetadataError, compileCharmMeta, readCharmSources } from "./charm-meta.js";

/** The architectures tscharm can make an executable for (Node publishes both on npm). */
export const ARCHITECTURES = ["amd64", "arm64"] as const;

export type Arch = (typeof ARCHITECTURES)[number];
export interface Base {
  name: string;
  channel: string;
}
/** `name` is the platform's key in charmcraft.yaml; it names the .charm file. */
export interface Platform {
  name: string;
  arch: Arch;
  base: Base;
}

/** `charmcraftDir` is where charmcraft.yaml was read: the project, or `$CRAFT_PROJECT_DIR`. */
export interface CharmProject {
  dir: string;
  name: string;
  meta: CharmMeta;
  sources: CharmSources;
  platforms: Platform[];
  version: string;
  charmcraftDir: string;
}

/**
 * Reads and checks a charm project. Everything `tscharm build` and `pack` need comes from here.
 * @param env where `CRAFT_PROJECT_DIR` is read
 */
export function loadProject(projectDir: string, env: Readonly<Record<string, string | undefined>> = process.env): CharmProject {
  const dir = resolve(projectDir);
  const charmcraftDir = charmcraftDirOf(dir, env);
  const sources = readCharmSources(dir, charmcraftDir);
  checkLayout(dir, sources);
  const meta = compileCharmMeta(sources);
  return { dir, name: meta.name, meta, sources, platforms: readPlatforms(sources.charmcraft), version: projectVersion(dir), charmcraftDir };
}

/**
 * Where charmcraft.yaml is: in the project, or else in `$CRAFT_PROJECT_DIR`. charmcraft (since
 * 3.1.2) leaves charmcraft.yaml and *.charm out of the copy of the project its part builds in, and
 * craft-parts sets CRAFT_PROJECT_DIR to the project itself in every part's environment.
 */
function charmcraftDirOf(dir: string, env: Readonly<Record<string, string | undefined>>) {
  if (existsSync(join(dir, "charmcraft.yaml"))) return dir;
  const craftProject = env["CRAFT_PROJECT_DIR"];
  if (craftProject !== undefined && craftProject !== "" && existsSync(join(craftProject, "charmcraft.yaml"))) return resolve(craftProject);
  return dir;
}

/**
 * What charmcraft and Juju require beyond the metadata's own rules: one home per key, the fields
 * Juju's metadata schema requires, and a build recipe charmcraft can use.
 */
function checkLayout(dir: string, sources: CharmSources) {
  const charmcraft = sources.charmcraft;
  if (charmcraft === undefined) {
    throw new MetadataError(
      `${dir} has no charmcraft.yaml: it says what the charm is built for (base, platforms) ` +
        "and how (in charmcraft's part, tscharm reads it from $CRAFT_PROJECT_DIR)",
    );
  }
  if (charmcraft["type"] !== "charm")
    throw new MetadataError(`charmcraft.yaml: type: must be "charm", got ${JSON.stringify(charmcraft["type"])}`);
  const separate = sources.metadataFile === "metadata.yaml";
  if (separate) {
    for (const key of ["name", "summary", "description"]) {
      if (charmcraft[key] !== undefined) {
        throw new MetadataError(`charmcraft.yaml: ${key}: also set in metadata.yaml; charmcraft refuses fields in both, keep it in one`);
      }
    }
  }
  if (existsSync(join(dir, "config.yaml")) && charmcraft["config"] !== undefined) {
    throw new MetadataError("charmcraft.yaml: config: the project also has config.yaml; keep the options in one of them");
  }
  if (existsSync(join(dir, "actions.yaml")) && charmcraft["actions"] !== undefined) {
    throw new MetadataError("charmcraft.yaml: actions: the project also has actions.yaml; keep the actions in one of them");
  }
  for (const key of ["summary", "description"]) {
    if (typeof sources.metadata[key] !== "string" || sources.metadata[key] === "") {
      throw new MetadataError(`${sources.metadataFile ?? "metadata.yaml"}: ${key}: Juju requires a ${key} (a string)`);
    }
  }
  const parts = charmcraft["parts"];
  if (!isRecord(parts) || Object.keys(parts).length === 0) {
    throw new MetadataError("charmcraft.yaml: parts: charmcraft needs a part that puts dispatch in the charm (see docs/cli.md)");
  }
  for (const [name, part] of Object.entries(parts)) {
    if (!isRecord(part) || typeof part["plugin"] !== "string") {
      throw new MetadataError(
        `charmcraft.yaml: parts.${name}.plugin: set it (nil or dump): a part without one gets a plugin named after the part`,
      );
    }
  }
}

/**
 * The platforms of charmcraft.yaml: `base` with `platforms` in shorthand (`amd64:`), long
 * (`{build-on: [...], build-for: [...]}`) or multi-base (`"ubuntu@22.04:amd64":`) form.
 */
export function readPlatforms(charmcraft: Record<string, unknown> | undefined): Platform[] {
  if (charmcraft === undefined) return [];
  if (charmcraft["bases"] !== undefined) {
    throw new MetadataError(
      "charmcraft.yaml: bases: tscharm uses the current form, base and platforms (base: ubuntu@24.04, platforms: {amd64:})",
    );
  }
  const platforms = charmcraft["platforms"];
  if (!isRecord(platforms) || Object.keys(platforms).length === 0) {
    throw new MetadataError("charmcraft.yaml: platforms: needs at least one platform, e.g. amd64:");
  }
  const defaultBase = charmcraft["base"] === undefined ? undefined : parseBase("base", charmcraft["base"]);
  return Object.entries(platforms).map(([key, spec]) => {
    const where = `platforms.${key}`;
    let base = defaultBase;
    let arch = key;
    const multiBase = /^(.+):([a-z0-9]+)$/.exec(key);
    if (multiBase?.[1] !== undefined && multiBase[2] !== undefined) {
      base = parseBase(where, multiBase[1]);
      arch = multiBase[2];
    }
    if (spec !== null && spec !== undefined) {
      if (!isRecord(spec)) throw new MetadataError(`charmcraft.yaml: ${where}: must be empty or have build-on and build-for`);
      const buildFor = spec["build-for"];
      if (!Array.isArray(buildFor) || buildFor.length !== 1 || typeof buildFor[0] !== "string") {
        throw new MetadataError(`charmcraft.yaml: ${where}.build-for: must list one target, e.g. [arm64] or [ubuntu@24.04:arm64]`);
      }
      const target = /^(?:(.+):)?([a-z0-9]+)$/.exec(buildFor[0]);
      if (target?.[1] !== undefined) base = parseBase(`${where}.build-for`, target[1]);
      arch = target?.[2] ?? buildFor[0];
    }
    if (base === undefined) throw new MetadataError(`charmcraft.yaml: base: is required for ${where} (e.g. base: ubuntu@24.04)`);
    if (!(ARCHITECTURES as readonly string[]).includes(arch)) {
      throw new MetadataError(`charmcraft.yaml: ${where}: tscharm builds for ${ARCHITECTURES.join(" and ")} only, not "${arch}"`);
    }
    return { name: key.replace(":", "-").replace("@", "-"), arch: arch as Arch, base };
  });
}

function parseBase(where: string, value: unknown): Base {
  const match = typeof value === "string" ? /^([a-z]+)@(\d+\.\d+)$/.exec(value) : null;
  if (match?.[1] === undefined || match[2] === undefined) {
    throw new MetadataError(`charmcraft.yaml: ${where}: must look like "ubuntu@24.04", got ${JSON.stringify(value)}`);
  }
  return { name: match[1], channel: match[2] };
}

/** The charm's version, for the `version` file: package.json's, or "0.0.0". */
function projectVersion(dir: string) {
  const path = join(dir, "package.json");
  if (!existsSync(path)) return "0.0.0";
  const pkg: unknown = JSON.parse(readFileSync(path, "utf8"));
  return isRecord(pkg) && typeof pkg["version"] === "string" ? pkg["version"] : "0.0.0";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
