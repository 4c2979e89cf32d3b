// `tscharm init`: a new charm project that installs, builds, tests and packs as it is.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";

import { MetadataError } from "../project/errors.js";
import { loadProject } from "../project/project.js";
import { typesName, writeCharmTypes } from "../project/types.js";
import { type Lock, LockError, type TscharmSource, projectLock, testedLock } from "./lockfile.js";
import { TSCHARM_ROOT } from "./package-root.js";

export { TSCHARM_ROOT };

const TEMPLATE = join(TSCHARM_ROOT, "cmd", "template");

export interface InitOptions {
  dir: string;
  name?: string;
  tscharm?: string;
  log?: (line: string) => void;
}

/**
 * Writes a new project into `dir` (which must not exist or be empty).
 * @returns the project's directory
 */
export function init(options: InitOptions): string {
  const dir = resolve(options.dir);
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));
  const name = options.name ?? basename(dir);
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(name)) {
    throw new MetadataError(
      `"${name}" is not a charm name (lowercase letters, digits and single hyphens, starting with a letter); choose one with --name`,
    );
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
    const target = join(
      dir,
      relative(TEMPLATE, template)
        .replace(/\.tmpl$/, "")
        .replace(/^gitignore$/, ".gitignore"),
    );
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, fill(readFileSync(template, "utf8"), values));
  }
  const source = tscharmSource(dir, options.tscharm);
  const pkg = packageJson(name, source);
  let lock;
  try {
    lock = projectLock(
      source.lock,
      { name, version: pkg.version, dependencies: pkg.dependencies, devDependencies: pkg.devDependencies },
      source.dependency,
    );
  } catch (error) {
    if (error instanceof LockError) throw new MetadataError(error.message);
    throw error;
  }
  if (source.tarball !== undefined) copyFileSync(source.tarball, join(dir, source.dependency.path));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  writeCharmTypes(dir, loadProject(dir).meta);
  log(`created ${name} in ${relative(process.cwd(), dir) || dir}`);
  log(`next: cd ${relative(process.cwd(), dir) || dir} && npm ci && npm test && npm run pack`);
  return dir;
}

/**
 * The tscharm a new project depends on, and the lock that says which versions it was tested with.
 * - A checkout (a directory): linked (`file:<dir>`); its own package-lock.json.
 * - An `npm pack` tarball: copied into the project (`file:tscharm-<version>.tgz`), so that the
 *   project installs anywhere, charmcraft's build container included; the lock it ships in
 *   `lib/`, or the lock of the tscharm running init.
 */
function tscharmSource(
  projectDir: string,
  requested: string | undefined,
): { dependency: TscharmSource; spec: string; lock: Lock; tarball?: string } {
  const path = resolve(requested ?? TSCHARM_ROOT);
  if (!existsSync(path)) throw new MetadataError(`--tscharm ${path}: no such checkout or tarball`);
  if (statSync(path).isDirectory()) {
    const manifest = readManifest(readFileSync(join(path, "package.json"), "utf8"), path);
    return { dependency: { kind: "link", path: relative(projectDir, path), manifest }, spec: `file:${path}`, lock: testedLockOf(path) };
  }
  const manifest = readManifest(tarEntry(path, "package/package.json"), path);
  const shipped = tarEntryIfAny(path, "package/lib/package-lock.json");
  const lock = shipped === undefined ? testedLockOf(TSCHARM_ROOT) : (JSON.parse(shipped) as Lock);
  const file = `tscharm-${String(manifest["version"])}.tgz`;
  const integrity = `sha512-${createHash("sha512").update(readFileSync(path)).digest("base64")}`;
  return { dependency: { kind: "tarball", path: file, integrity, manifest }, spec: `file:${file}`, lock, tarball: path };
}

function testedLockOf(root: string) {
  try {
    return testedLock(root);
  } catch (error) {
    if (error instanceof LockError) throw new MetadataError(error.message);
    throw error;
  }
}

function readManifest(text: string, where: string): Record<string, unknown> {
  const manifest: unknown = JSON.parse(text);
  if (!isRecord(manifest) || manifest["name"] !== "tscharm")
    throw new MetadataError(`--tscharm ${where}: not a tscharm checkout or tarball (its package.json names another package)`);
  return manifest;
}

/**
 * One file of a gzipped tarball, by tar (which every machine that builds charms has).
 * @param entry
 */
function tarEntry(tarball: string, entry: string): string {
  try {
    return execFileSync("tar", ["-xzOf", tarball, entry], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    throw new MetadataError(
      `--tscharm ${tarball}: cannot read ${entry} from it (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`,
    );
  }
}

/** `tarEntry`, or undefined when the tarball has no such file. */
function tarEntryIfAny(tarball: string, entry: string) {
  try {
    return tarEntry(tarball, entry);
  } catch {
    return undefined;
  }
}

/**
 * The project's package.json: tscharm as a `file:` dependency, and the same TypeScript, vitest and
 * Node types that tscharm itself is tested with.
 */
function packageJson(name: string, source: ReturnType<typeof tscharmSource>) {
  const own = source.dependency.manifest;
  /** The version tscharm itself pins for `pkg`. */
  const pick = (pkg: string) => {
    for (const field of ["devDependencies", "dependencies"]) {
      const versions = own[field];
      const version = isRecord(versions) ? versions[pkg] : undefined;
      if (typeof version === "string") return version;
    }
    throw new MetadataError(`the tscharm at ${source.spec.slice("file:".length)} does not pin ${pkg}`);
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
      integration: "tscharm pack && vitest run tests/integration.test.ts",
    },
    dependencies: { tscharm: source.spec },
    devDependencies: { "@types/node": pick("@types/node"), typescript: pick("typescript"), vitest: pick("vitest") },
    // esbuild's install script only fetches what its platform package already holds.
    allowScripts: { esbuild: false },
  };
}

function templates(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? templates(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function fill(text: string, values: Record<string, string>) {
  return text.replace(/\{\{(\w+)\}\}/g, (match: string, key: string) => values[key] ?? match);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
