// The charm's metadata, config options and actions, read from its YAML files and compiled into the
// JSON the runtime embeds (cmd/build.ts) or runs with in tests (tscharm/testing).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { ActionMeta, CharmMeta, ConfigOptionMeta, JsonObject, RelationMeta, StorageMeta } from "../runtime/meta.js";
import { MetadataError, YamlError } from "./errors.js";
import { type ScalarReading, type YamlReader, describeReading, readYaml, readerNames, yamlAdvice, yamlReadingAt } from "./juju-yaml.js";

/** Endpoint, interface and storage names: lowercase letters, digits, single "-" or "_" between them. */
const NAME = /^[a-z](?:[a-z0-9]|[-_](?=[a-z0-9]))*$/;

export { MetadataError };

/**
 * The three documents a charm's metadata comes from, as parsed YAML (or objects given in a test),
 * with the file each came from for error messages.
 */
export interface CharmSources {
  metadata: Record<string, unknown>;
  metadataFile?: string;
  config?: unknown;
  configFile?: string;
  actions?: unknown;
  actionsFile?: string;
  charmcraft?: Record<string, unknown>;
}

/**
 * Reads a charm project's metadata, config options and actions: charmcraft.yaml (unified format)
 * and/or metadata.yaml, config.yaml and actions.yaml.
 */
export function loadCharmMeta(projectDir: string): CharmMeta {
  return compileCharmMeta(readCharmSources(projectDir));
}

/**
 * @param charmcraftDir where charmcraft.yaml is, when not in the project (charmcraft's part)
 */
export function readCharmSources(projectDir: string, charmcraftDir: string = projectDir): CharmSources {
  if (!existsSync(join(charmcraftDir, "charmcraft.yaml")) && !existsSync(join(projectDir, "metadata.yaml"))) {
    throw new MetadataError(`${projectDir} has no charmcraft.yaml or metadata.yaml: is it a charm project?`);
  }
  // Each file as the tools that read it do (docs/cli.md, "YAML that Juju reads"): charmcraft.yaml
  // is charmcraft's (PyYAML); the other three go into the .charm as they are, for Juju (yaml.v2),
  // and charmcraft loads them too.
  const charmcraft = readYamlFile(charmcraftDir, "charmcraft.yaml", ["charmcraft"]) ?? {};
  const metadata = readYamlFile(projectDir, "metadata.yaml", ["juju", "charmcraft"]);
  const config = readYamlFile(projectDir, "config.yaml", ["juju", "charmcraft"]);
  const actions = readYamlFile(projectDir, "actions.yaml", ["juju", "charmcraft"]);
  return {
    ...(existsSync(join(charmcraftDir, "charmcraft.yaml")) ? { charmcraft } : {}),
    metadata: metadata ?? charmcraft,
    metadataFile: metadata === undefined ? "charmcraft.yaml" : "metadata.yaml",
    config: config ?? charmcraft["config"],
    configFile: config === undefined ? "charmcraft.yaml: config" : "config.yaml",
    actions: actions ?? charmcraft["actions"],
    actionsFile: actions === undefined ? "charmcraft.yaml: actions" : "actions.yaml",
  };
}

/**
 * Checks the documents and turns them into the runtime's `CharmMeta`. Errors name the file and key.
 */
export function compileCharmMeta(sources: CharmSources): CharmMeta {
  const { metadata } = sources;
  const metadataFile = sources.metadataFile ?? "metadata";
  const configFile = sources.configFile ?? "config";
  const actionsFile = sources.actionsFile ?? "actions";

  const name = metadata["name"];
  if (typeof name !== "string" || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new MetadataError(
      `${metadataFile}: "name" must be a charm name (lowercase letters, digits and hyphens), got ${JSON.stringify(name)}`,
    );
  }

  const relations: Record<string, RelationMeta> = {};
  for (const role of ["provides", "requires", "peers"] as const) {
    for (const [endpoint, spec] of Object.entries(objectAt(metadata, role, metadataFile))) {
      const where = `${metadataFile}: ${role}.${endpoint}`;
      if (!NAME.test(endpoint))
        throw new MetadataError(
          `${where}: "${endpoint}" is not a valid endpoint name (lowercase letters, digits, "-" and "_", starting with a letter)`,
        );
      if (relations[endpoint] !== undefined) throw new MetadataError(`${where}: endpoint "${endpoint}" is declared twice`);
      if (!isRecord(spec) || typeof spec["interface"] !== "string") throw new MetadataError(`${where}: needs an "interface"`);
      const iface = spec["interface"];
      if (!NAME.test(iface)) {
        throw new MetadataError(`${where}.interface: "${iface}" is not a valid interface name (lowercase letters, digits, "-" and "_")`);
      }
      // Juju provides juju-* interfaces itself (every charm provides juju-info): charms may only require them.
      if (role !== "requires" && (iface === "juju" || iface.startsWith("juju-"))) {
        throw new MetadataError(
          `${where}.interface: "${iface}" is reserved by Juju; ` +
            `a charm can require it, not ${role === "peers" ? "use it for peers" : "provide it"}`,
        );
      }
      const scope = spec["scope"];
      if (scope !== undefined && scope !== "global" && scope !== "container") {
        throw new MetadataError(`${where}.scope: must be "global" or "container"`);
      }
      relations[endpoint] = {
        role,
        interface: spec["interface"],
        ...(scope === undefined ? {} : { scope }),
        ...(typeof spec["limit"] === "number" ? { limit: spec["limit"] } : {}),
        ...(typeof spec["optional"] === "boolean" ? { optional: spec["optional"] } : {}),
      };
    }
  }

  const storage: Record<string, StorageMeta> = {};
  for (const [storageName, spec] of Object.entries(objectAt(metadata, "storage", metadataFile))) {
    if (!NAME.test(storageName)) throw new MetadataError(`${metadataFile}: storage.${storageName}: not a valid storage name`);
    const type = isRecord(spec) ? spec["type"] : undefined;
    if (type !== "filesystem" && type !== "block") {
      throw new MetadataError(`${metadataFile}: storage.${storageName}.type must be "filesystem" or "block"`);
    }
    storage[storageName] = {
      type,
      ...(isRecord(spec) && typeof spec["location"] === "string" ? { location: spec["location"] } : {}),
      ...multipleRange(spec),
    };
  }

  const config: Record<string, ConfigOptionMeta> = {};
  const configSource = sources.config ?? {};
  if (!isRecord(configSource)) throw new MetadataError(`${configFile}: must be a mapping with "options"`);
  for (const [option, spec] of Object.entries(objectAt(configSource, "options", configFile))) {
    const where = `${configFile}.options.${option}`;
    if (!isRecord(spec)) throw new MetadataError(`${where}: must be a mapping (type, default, description)`);
    // An option without a type is a string to Juju ("Missing type is valid in python", juju/juju
    // internal/charm/config.go ReadConfig).
    const type = spec["type"] ?? "string";
    if (type !== "string" && type !== "int" && type !== "float" && type !== "boolean" && type !== "secret") {
      throw new MetadataError(`${where}.type: must be string, int, float, boolean or secret, got ${JSON.stringify(type)}`);
    }
    const value = spec["default"];
    const ok =
      value === undefined ||
      value === null ||
      ((type === "string" || type === "secret") && typeof value === "string") ||
      (type === "int" && Number.isInteger(value)) ||
      (type === "float" && typeof value === "number") ||
      (type === "boolean" && typeof value === "boolean");
    if (!ok)
      throw new MetadataError(`${where}.default: ${misreadDefault(spec, option, type) ?? `${JSON.stringify(value)} is not a ${type}`}`);
    config[option] = {
      type,
      ...(value === undefined || value === null ? {} : { default: value as string | number | boolean }),
      ...(typeof spec["description"] === "string" ? { description: spec["description"] } : {}),
    };
  }

  const actions: Record<string, ActionMeta> = {};
  const actionsSource = sources.actions ?? {};
  if (!isRecord(actionsSource)) throw new MetadataError(`${actionsFile}: must be a mapping of action names`);
  for (const [action, spec] of Object.entries(actionsSource)) {
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(action) || action.startsWith("juju-")) {
      throw new MetadataError(`${actionsFile}: "${action}" is not a valid action name (lowercase letters, digits and hyphens; not juju-*)`);
    }
    const body = isRecord(spec) ? spec : {};
    actions[action] = {
      ...(typeof body["description"] === "string" ? { description: body["description"] } : {}),
      ...(isRecord(body["params"]) ? { params: body["params"] as Record<string, JsonObject> } : {}),
      ...(Array.isArray(body["required"]) ? { required: body["required"].map(String) } : {}),
      ...(typeof body["additionalProperties"] === "boolean" ? { additionalProperties: body["additionalProperties"] } : {}),
    };
  }

  const extraBindings = isRecord(metadata["extra-bindings"]) ? Object.keys(metadata["extra-bindings"]) : undefined;
  // An extra-binding may not share an endpoint's name (juju/juju internal/charm/extra_bindings.go,
  // validateMetaExtraBindings, as Meta.Check reports it).
  const clashes = (extraBindings ?? []).filter((binding) => relations[binding] !== undefined).sort();
  if (clashes.length > 0) {
    throw new MetadataError(
      `${metadataFile}: extra-bindings: charm "${name}" has invalid extra bindings: ` +
        `relation names (${clashes.join(", ")}) cannot be used in extra bindings`,
    );
  }

  return {
    name,
    ...(typeof metadata["summary"] === "string" ? { summary: metadata["summary"] } : {}),
    ...(metadata["subordinate"] === true ? { subordinate: true } : {}),
    relations,
    ...(extraBindings === undefined ? {} : { extraBindings }),
    storage,
    config,
    actions,
  };
}

/**
 * When a config default has the wrong type because YAML 1.1 reads its unquoted text as something
 * else (`default: off` for a string), says so, and how to write it.
 * @param type
 */
function misreadDefault(spec: Record<string, unknown>, option: string, type: string): string | undefined {
  const reading = yamlReadingAt(spec, "default");
  const [reader] = reading?.readers ?? [];
  const read = reader === undefined ? undefined : reading?.by[reader];
  if (reading === undefined || read === undefined) return undefined;
  const refusal =
    reader === "juju"
      ? `, and Juju refuses the charm (invalid config default: option ${JSON.stringify(option)} expected ${type}, got ${goValue(read)})`
      : "";
  return (
    `${reading.text} is read as ${describeReading(read)} by ${readerNames(reading)} (YAML 1.1), ` +
    `not as ${describeReading(reading.yaml12)}${refusal}; ${yamlAdvice(reading)}`
  );
}

/** How Go's %#v prints a value yaml.v2 decoded: false, 511, 1e+06, +Inf, "1:20". */
function goValue(reading: ScalarReading) {
  if (!("value" in reading)) return "";
  const { value } = reading;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "number" || reading.kind === "int") return String(value);
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  // strconv's shortest %g: an exponent below -4 or from 6 up is written as one.
  const [mantissa = "", exponent = "0"] = value.toExponential().split("e");
  const power = Number(exponent);
  return power < -4 || power >= 6 ? `${mantissa}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}` : String(value);
}

/**
 * Parses YAML text (or returns an object as it is), for metadata given inline in a test and the
 * YAML files of a .charm: read as Juju reads them (YAML 1.1, gopkg.in/yaml.v2).
 */
export function yamlDocument(source: unknown, what: string): Record<string, unknown> | undefined {
  if (source === undefined) return undefined;
  return typeof source === "string" ? documentFrom(source, what, ["juju"]) : mappingOrEmpty(source, what);
}

function readYamlFile(dir: string, file: string, readers: readonly [YamlReader, ...YamlReader[]]): Record<string, unknown> | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  return documentFrom(readFileSync(path, "utf8"), file, readers);
}

/**
 * @param file
 */
function documentFrom(text: string, file: string, readers: readonly [YamlReader, ...YamlReader[]]): Record<string, unknown> {
  try {
    return mappingOrEmpty(readYaml(text, { file, readers }), file);
  } catch (error) {
    if (error instanceof YamlError) throw new MetadataError(error.message);
    throw error;
  }
}

function mappingOrEmpty(value: unknown, what: string): Record<string, unknown> {
  if (value === null) return {};
  if (!isRecord(value)) throw new MetadataError(`${what}: must be a YAML mapping`);
  return value;
}

function objectAt(object: Record<string, unknown>, key: string, file: string): Record<string, unknown> {
  const value = object[key];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new MetadataError(`${file}: "${key}" must be a mapping`);
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `multiple: range: 2-5` (or an integer), kept as text for the simulator's storage counts (engine/storage.ts). */
function multipleRange(spec: unknown): { multiple?: string } {
  const multiple = isRecord(spec) ? spec["multiple"] : undefined;
  const range = isRecord(multiple) ? multiple["range"] : undefined;
  return typeof range === "string" || typeof range === "number" ? { multiple: String(range) } : {};
}
