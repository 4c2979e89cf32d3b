// @ts-check
// `tscharm init`: a new charm project that installs, builds, tests and packs as it is.

import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { MetadataError } from "./charm-meta.mjs";
import { loadProject } from "./project.mjs";
import { typesName, writeCharmTypes } from "./types.mjs";

const TEMPLATE = join(dirname(fileURLToPath(import.meta.url)), "template");
/** The tscharm package this CLI belongs to. */
export const TSCHARM_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * @typedef {{ dir: string, name?: string, tscharm?: string, log?: (line: string) => void }} InitOptions
 */

/**
 * Writes a new project into `dir` (which must not exist or be empty).
 * @param {InitOptions} options
 * @returns {string} the project's directory
 */
export function init(options) {
  const dir = resolve(options.dir);
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const name = options.name ?? basename(dir);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new MetadataError(`"${name}" is not a charm name (lowercase letters, digits and single hyphens, starting with a letter); choose one with --name`);
  }
  if (existsSync(dir) && (!statSync(dir).isDirectory() || readdirSync(dir).length > 0)) {
    throw new MetadataError(`${dir} exists and is not an empty directory; tscharm init will not write over it`);
  }
  const className = typesName(name).replace(/Types$/, "Charm");
  const values = {
    name,
    title: name
      .split("-")
      .map((word) => `${word[0]?.toUpperCase() ?? ""}${word.slice(1)}`)
      .join(" "),
    Class: className,
    Types: typesName(name),
  };
  for (const template of templates(TEMPLATE)) {
    const target = join(dir, relative(TEMPLATE, template).replace(/\.tmpl$/, "").replace(/^gitignore$/, ".gitignore"));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(template, "utf8"), values));
  }
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(packageJson(name, options.tscharm), null, 2)}\n`);
  writeCharmTypes(dir, loadProject(dir).meta);
  log(`created ${name} in ${relative(process.cwd(), dir) || dir}`);
  log(`next: cd ${relative(process.cwd(), dir) || dir} && npm install && npm test && npm run pack`);
  return dir;
}

/**
 * The project's package.json: tscharm as a `file:` dependency (a checkout or an `npm pack`
 * tarball), and the same TypeScript, vitest and Node types tscharm itself is tested with.
 * @param {string} name
 * @param {string | undefined} tscharm
 */
function packageJson(name, tscharm) {
  /** @type {unknown} */
  const own = JSON.parse(readFileSync(join(TSCHARM_ROOT, "package.json"), "utf8"));
  const source = resolve(tscharm ?? TSCHARM_ROOT);
  if (!existsSync(source)) throw new MetadataError(`--tscharm ${source}: no such checkout or tarball`);
  /** The version tscharm itself pins for `pkg`. @param {string} pkg */
  const pick = (pkg) => {
    for (const field of ["devDependencies", "dependencies"]) {
      const versions = isRecord(own) ? own[field] : undefined;
      const version = isRecord(versions) ? versions[pkg] : undefined;
      if (typeof version === "string") return version;
    }
    return "*";
  };
  return {
    name,
    version: "0.1.0",
    private: true,
    type: "module",
    scripts: {
      build: "tscharm build",
      pack: "tscharm pack",
      types: "tscharm types",
      test: "tsc --noEmit && vitest run --exclude tests/integration.test.ts",
      integration: "tscharm build && vitest run tests/integration.test.ts",
    },
    dependencies: { tscharm: `file:${source}` },
    devDependencies: { "@types/node": pick("@types/node"), typescript: pick("typescript"), vitest: pick("vitest") },
    // esbuild's install script only fetches what its platform package already holds.
    allowScripts: { esbuild: false },
  };
}

/** @param {string} dir @returns {string[]} */
function templates(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/**
 * @param {string} text
 * @param {Record<string, string>} values
 */
function fill(text, values) {
  return text.replace(/\{\{(\w+)\}\}/g, (/** @type {string} */ match, /** @type {string} */ key) => values[key] ?? match);
}

/** @param {unknown} value @returns {value is Record<string, unknown>} */
function isRecord(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
