// `tscharm pack`: `<name>_<platform>.charm` for each platform, in the layout Juju reads
// (https://documentation.ubuntu.com/juju/3.6/reference/charm/): dispatch (0755), metadata.yaml, config.yaml, actions.yaml, manifest.yaml
// and version, with the YAML files copied from the project or generated from charmcraft.yaml.

import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { type ZipEntry, writeZip } from "../project/archive.js";
import { MetadataError, YamlError } from "../project/errors.js";
import { charmcraftDumpWarnings, describeYamlReading, writeYaml, yamlReadings } from "../project/juju-yaml.js";
import { type CharmProject, type Platform, loadProject } from "../project/project.js";
import { BuildError, build } from "./build.js";

/** charmcraft.yaml keys that go to metadata.yaml, and `links` keys renamed on the way. */
const METADATA_KEYS = [
  "name",
  "title",
  "summary",
  "description",
  "assumes",
  "containers",
  "devices",
  "extra-bindings",
  "peers",
  "provides",
  "requires",
  "resources",
  "storage",
  "subordinate",
  "terms",
  "charm-user",
];
const LINKS = { contact: "maintainers", documentation: "docs", issues: "issues", source: "source", website: "website" };

export interface PackOptions {
  projectDir?: string;
  platforms?: readonly string[];
  build?: boolean;
  outputDir?: string;
  log?: (line: string) => void;
}
export interface PackedCharm {
  platform: Platform;
  path: string;
}

/**
 * Builds (unless `build: false`) and packs the project's platforms.
 */
export async function pack(options: PackOptions = {}): Promise<PackedCharm[]> {
  const project = loadProject(options.projectDir ?? ".");
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const platforms = project.platforms.filter(
    (platform) =>
      options.platforms === undefined ||
      options.platforms.length === 0 ||
      options.platforms.some((name) => name === platform.name || name === platform.arch),
  );
  if (platforms.length === 0) throw new BuildError(`no platform of charmcraft.yaml matches ${String(options.platforms)}`);
  if (options.build !== false) await build({ projectDir: project.dir, platforms: platforms.map((platform) => platform.arch), log });
  for (const warning of yamlWarnings(project)) log(`warning: ${warning}`);

  const outputDir = resolve(options.outputDir ?? project.dir);
  const files = charmFiles(project);
  const packed: PackedCharm[] = [];
  for (const platform of platforms) {
    const dispatch = join(project.dir, "dist", platform.arch, "dispatch");
    if (!existsSync(dispatch)) throw new BuildError(`${relative(process.cwd(), dispatch)} does not exist: run tscharm build first`);
    const path = join(outputDir, `${project.name}_${platform.name}.charm`);
    log(`packing ${relative(process.cwd(), path) || path}`);
    writeZip(path, [
      { name: "dispatch", data: readFileSync(dispatch), mode: 0o755 },
      ...files,
      { name: "manifest.yaml", data: Buffer.from(manifest(platform)), mode: 0o644 },
      { name: "version", data: Buffer.from(`${project.version}\n`), mode: 0o644 },
    ]);
    packed.push({ platform, path });
  }
  return packed;
}

/**
 * metadata.yaml, config.yaml and actions.yaml: copied when the project has them (byte for byte, as
 * charmcraft does: `yamlWarnings` says where Juju reads them otherwise than YAML 1.2 would),
 * otherwise made from charmcraft.yaml, written so that Juju reads the values charmcraft.yaml holds.
 */
export function charmFiles(project: CharmProject): ZipEntry[] {
  const charmcraft = project.sources.charmcraft ?? {};
  const files: ZipEntry[] = [];
  /** @param section where it is in charmcraft.yaml */
  const add = (name: string, section: string[], generate: () => unknown) => {
    const path = join(project.dir, name);
    if (existsSync(path)) {
      files.push({ name, data: readFileSync(path), mode: 0o644 });
      return;
    }
    const content = generate();
    if (content === undefined) return;
    try {
      files.push({ name, data: Buffer.from(writeYaml(content, { file: "charmcraft.yaml", path: section })), mode: 0o644 });
    } catch (error) {
      if (error instanceof YamlError) throw new MetadataError(error.message);
      throw error;
    }
  };
  add("metadata.yaml", [], () => metadataFrom(charmcraft));
  add("config.yaml", ["config"], () => charmcraft["config"]);
  add("actions.yaml", ["actions"], () => charmcraft["actions"]);
  files.push(...sourceFiles(project.dir));
  return files;
}

/**
 * The files of the project's `src/` directory, as `src/<path>`: what the charm reads at run time
 * from its charm directory (alert rules, dashboards: the observability libraries look in
 * `./src/prometheus_alert_rules`, `./src/loki_alert_rules` and `./src/grafana_dashboards` by default,
 * and a Python charm ships its `src/` too). An executable file keeps mode 0755; dot files are left out.
 */
export function sourceFiles(projectDir: string): ZipEntry[] {
  const files: ZipEntry[] = [];
  const walk = (relativeDir: string): void => {
    const dir = join(projectDir, relativeDir);
    for (const name of readdirSync(dir).sort()) {
      if (name.startsWith(".")) continue;
      const path = `${relativeDir}/${name}`;
      const stat = statSync(join(projectDir, path));
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile())
        files.push({ name: path, data: readFileSync(join(projectDir, path)), mode: stat.mode & 0o111 ? 0o755 : 0o644 });
    }
  };
  if (existsSync(join(projectDir, "src")) && statSync(join(projectDir, "src")).isDirectory()) walk("src");
  return files;
}

/**
 * What to tell the author about the project's YAML: each unquoted value that charmcraft or Juju
 * (YAML 1.1) reads otherwise than YAML 1.2 does (`default: 0777` is 511 to them), and each string
 * of charmcraft.yaml that `charmcraft pack` would write so that Juju reads something else. A value
 * that makes the charm invalid this way is an error of the metadata compiler instead.
 */
export function yamlWarnings(project: CharmProject): string[] {
  const { sources } = project;
  const documents = new Set([sources.charmcraft, sources.metadata, sources.config, sources.actions]);
  const warnings = [...documents].flatMap((document) => yamlReadings(document).map(describeYamlReading));
  const charmcraft = sources.charmcraft ?? {};
  if (sources.metadataFile === "charmcraft.yaml") warnings.push(...charmcraftDumpWarnings(metadataFrom(charmcraft), "charmcraft.yaml", []));
  for (const section of ["config", "actions"]) warnings.push(...charmcraftDumpWarnings(charmcraft[section], "charmcraft.yaml", [section]));
  return warnings;
}

function metadataFrom(charmcraft: Record<string, unknown>) {
  const metadata: Record<string, unknown> = {};
  for (const key of METADATA_KEYS) if (charmcraft[key] !== undefined) metadata[key] = charmcraft[key];
  const links = charmcraft["links"];
  if (typeof links === "object" && links !== null) {
    for (const [from, to] of Object.entries(LINKS)) {
      const value = (links as Record<string, unknown>)[from];
      if (value !== undefined) metadata[to] = value;
    }
  }
  return metadata;
}

/**
 * manifest.yaml: the base and architecture the charm runs on (Juju refuses a charm without bases),
 * and the analysis attributes charmcraft's linters would record.
 */
export function manifest(platform: Platform) {
  return writeYaml({
    "charmcraft-version": "tscharm",
    "charmcraft-started-at": new Date().toISOString(),
    bases: [{ name: platform.base.name, channel: platform.base.channel, architectures: [platform.arch] }],
    analysis: {
      attributes: [
        { name: "language", result: "unknown" },
        { name: "framework", result: "unknown" },
      ],
    },
  });
}
