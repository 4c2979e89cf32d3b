// The metadata a test runs a charm with: given inline (objects or YAML text), or read from the project.

import { existsSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { compileCharmMeta, readCharmSources, yamlDocument } from "../project/charm-meta.js";
import type { CharmMeta } from "../runtime/meta.js";

/** metadata.yaml, config.yaml and actions.yaml content, as objects or YAML text. */
export interface MetaOptions {
  /** metadata.yaml content (name, peers, requires, ...). Without it, the project's files are read. */
  readonly meta?: string | Readonly<Record<string, unknown>>;
  /** config.yaml content: `{ options: { name: { type, default } } }`. */
  readonly config?: string | Readonly<Record<string, unknown>>;
  /** actions.yaml content: `{ "action-name": { params: ... } }`. */
  readonly actions?: string | Readonly<Record<string, unknown>>;
  /**
   * Where charmcraft.yaml / metadata.yaml are, when `meta` is not given. Default: the nearest
   * directory holding one, from the test file that builds the Context or Harness upwards, else the
   * working directory.
   */
  readonly projectDir?: string;
}

export function resolveCharmMeta(options: MetaOptions): CharmMeta {
  if (options.meta === undefined) {
    const sources = readCharmSources(options.projectDir ?? findProjectDir());
    return compileCharmMeta({
      ...sources,
      ...(options.config === undefined ? {} : { config: yamlDocument(options.config, "config"), configFile: "config" }),
      ...(options.actions === undefined ? {} : { actions: yamlDocument(options.actions, "actions"), actionsFile: "actions" }),
    });
  }
  return compileCharmMeta({
    metadata: yamlDocument(options.meta, "meta") ?? {},
    metadataFile: "meta",
    config: yamlDocument(options.config, "config"),
    configFile: "config",
    actions: yamlDocument(options.actions, "actions"),
    actionsFile: "actions",
  });
}

/**
 * tscharm's own code, in the repository and in lib/: frames from there are not the test's. (Stack
 * traces may name the TypeScript sources even when lib/ runs, through source maps.)
 */
const KIT_DIRS = ((): string[] => {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = basename(dirname(here)) === "lib" ? dirname(dirname(here)) : dirname(here);
  return ["grammar", "runtime", "engine", "fake-tools", "testing", "simulator", "integration", "project", "lib", "cmd"].map(
    (dir) => `${join(root, dir)}/`,
  );
})();

/** The charm project of the test calling the kit: the caller's directory or its nearest parent with metadata. */
function findProjectDir(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? "";
  Error.stackTraceLimit = limit;
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line);
    if (match?.[1] === undefined) continue;
    const file = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    if (KIT_DIRS.some((dir) => file.startsWith(dir)) || file.includes("/node_modules/")) continue;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (existsSync(join(dir, "charmcraft.yaml")) || existsSync(join(dir, "metadata.yaml"))) return dir;
      if (dirname(dir) === dir) break;
    }
    break;
  }
  return resolve(process.cwd());
}
