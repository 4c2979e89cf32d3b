// @ts-check
// The charm's metadata, config options and actions, read from its YAML files and compiled into the
// JSON the runtime embeds (build.mjs) or runs with in tests (tscharm/testing).

import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse as parseYaml } from "yaml";

/** @typedef {import("../runtime/meta.js").CharmMeta} CharmMeta */

/** Endpoint, interface and storage names: lowercase letters, digits, single "-" or "_" between them. */
const NAME = /^[a-z](?:[a-z0-9]|[-_](?=[a-z0-9]))*$/;

/** The project's metadata is missing or would be refused by Juju or charmcraft. */
export class MetadataError extends Error {
  /** @override */
  name = "MetadataError";
}

/**
 * The three documents a charm's metadata comes from, as parsed YAML (or objects given in a test),
 * with the file each came from for error messages.
 * @typedef {{
 *   metadata: Record<string, unknown>, metadataFile?: string,
 *   config?: unknown, configFile?: string,
 *   actions?: unknown, actionsFile?: string,
 *   charmcraft?: Record<string, unknown>,
 * }} CharmSources
 */

/**
 * Reads a charm project's metadata, config options and actions: charmcraft.yaml (unified format)
 * and/or metadata.yaml, config.yaml and actions.yaml.
 * @param {string} projectDir
 * @returns {CharmMeta}
 */
export function loadCharmMeta(projectDir) {
  return compileCharmMeta(readCharmSources(projectDir));
}

/**
 * @param {string} projectDir
 * @returns {CharmSources}
 */
export function readCharmSources(projectDir) {
  if (!existsSync(join(projectDir, "charmcraft.yaml")) && !existsSync(join(projectDir, "metadata.yaml"))) {
    throw new MetadataError(`${projectDir} has no charmcraft.yaml or metadata.yaml: is it a charm project?`);
  }
  const charmcraft = readYaml(projectDir, "charmcraft.yaml") ?? {};
  const metadata = readYaml(projectDir, "metadata.yaml");
  const config = readYaml(projectDir, "config.yaml");
  const actions = readYaml(projectDir, "actions.yaml");
  return {
    ...(existsSync(join(projectDir, "charmcraft.yaml")) ? { charmcraft } : {}),
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
 * @param {CharmSources} sources
 * @returns {CharmMeta}
 */
export function compileCharmMeta(sources) {
  const { metadata } = sources;
  const metadataFile = sources.metadataFile ?? "metadata";
  const configFile = sources.configFile ?? "config";
  const actionsFile = sources.actionsFile ?? "actions";

  const name = metadata["name"];
  if (typeof name !== "string" || !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new MetadataError(`${metadataFile}: "name" must be a charm name (lowercase letters, digits and hyphens), got ${JSON.stringify(name)}`);
  }

  /** @type {Record<string, import("../runtime/meta.js").RelationMeta>} */
  const relations = {};
  for (const role of /** @type {const} */ (["provides", "requires", "peers"])) {
    for (const [endpoint, spec] of Object.entries(objectAt(metadata, role, metadataFile))) {
      const where = `${metadataFile}: ${role}.${endpoint}`;
      if (!NAME.test(endpoint)) throw new MetadataError(`${where}: "${endpoint}" is not a valid endpoint name (lowercase letters, digits, "-" and "_", starting with a letter)`);
      if (relations[endpoint] !== undefined) throw new MetadataError(`${where}: endpoint "${endpoint}" is declared twice`);
      if (!isRecord(spec) || typeof spec["interface"] !== "string") throw new MetadataError(`${where}: needs an "interface"`);
      const iface = spec["interface"];
      if (!NAME.test(iface)) {
        throw new MetadataError(`${where}.interface: "${iface}" is not a valid interface name (lowercase letters, digits, "-" and "_")`);
      }
      // Juju provides juju-* interfaces itself (every charm provides juju-info): charms may only require them.
      if (role !== "requires" && (iface === "juju" || iface.startsWith("juju-"))) {
        throw new MetadataError(`${where}.interface: "${iface}" is reserved by Juju; a charm can require it, not ${role === "peers" ? "use it for peers" : "provide it"}`);
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

  /** @type {Record<string, import("../runtime/meta.js").StorageMeta>} */
  const storage = {};
  for (const [storageName, spec] of Object.entries(objectAt(metadata, "storage", metadataFile))) {
    if (!NAME.test(storageName)) throw new MetadataError(`${metadataFile}: storage.${storageName}: not a valid storage name`);
    const type = isRecord(spec) ? spec["type"] : undefined;
    if (type !== "filesystem" && type !== "block") {
      throw new MetadataError(`${metadataFile}: storage.${storageName}.type must be "filesystem" or "block"`);
    }
    storage[storageName] = {
      type,
      ...(isRecord(spec) && typeof spec["location"] === "string" ? { location: spec["location"] } : {}),
    };
  }

  /** @type {Record<string, import("../runtime/meta.js").ConfigOptionMeta>} */
  const config = {};
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
    if (!ok) throw new MetadataError(`${where}.default: ${JSON.stringify(value)} is not a ${type}`);
    config[option] = {
      type,
      ...(value === undefined || value === null ? {} : { default: /** @type {string | number | boolean} */ (value) }),
      ...(typeof spec["description"] === "string" ? { description: spec["description"] } : {}),
    };
  }

  /** @type {Record<string, import("../runtime/meta.js").ActionMeta>} */
  const actions = {};
  const actionsSource = sources.actions ?? {};
  if (!isRecord(actionsSource)) throw new MetadataError(`${actionsFile}: must be a mapping of action names`);
  for (const [action, spec] of Object.entries(actionsSource)) {
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(action) || action.startsWith("juju-")) {
      throw new MetadataError(`${actionsFile}: "${action}" is not a valid action name (lowercase letters, digits and hyphens; not juju-*)`);
    }
    const body = isRecord(spec) ? spec : {};
    actions[action] = {
      ...(typeof body["description"] === "string" ? { description: body["description"] } : {}),
      ...(isRecord(body["params"]) ? { params: /** @type {Record<string, import("../runtime/meta.js").JsonObject>} */ (body["params"]) } : {}),
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
      `${metadataFile}: extra-bindings: charm "${name}" has invalid extra bindings: relation names (${clashes.join(", ")}) cannot be used in extra bindings`,
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
 * Parses YAML text (or returns an object as it is), for metadata given inline in a test.
 * @param {unknown} source
 * @param {string} what
 * @returns {Record<string, unknown> | undefined}
 */
export function yamlDocument(source, what) {
  if (source === undefined) return undefined;
  /** @type {unknown} */
  let value = source;
  if (typeof source === "string") {
    try {
      value = parseYaml(source);
    } catch (error) {
      throw new MetadataError(`${what}: ${/** @type {Error} */ (error).message}`);
    }
  }
  if (value === null) return {};
  if (!isRecord(value)) throw new MetadataError(`${what}: must be a YAML mapping`);
  return value;
}

/**
 * @param {string} dir
 * @param {string} file
 * @returns {Record<string, unknown> | undefined}
 */
function readYaml(dir, file) {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  return yamlDocument(readFileSync(path, "utf8"), file);
}

/**
 * @param {Record<string, unknown>} object
 * @param {string} key
 * @param {string} file
 * @returns {Record<string, unknown>}
 */
function objectAt(object, key, file) {
  const value = object[key];
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw new MetadataError(`${file}: "${key}" must be a mapping`);
  return value;
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
