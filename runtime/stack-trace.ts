// Stack traces in the charm's TypeScript: bundle positions mapped through the executable's source map, read only to format an error.

/** The asset of a `dispatch` executable that holds its bundle's source map (build.mjs puts it there). */
export const SOURCE_MAP_ASSET = "dispatch.js.map";

/** Maps a 1-based line and column of the bundle to `source:line:column`, or undefined where nothing maps. */
type PositionMapper = (line: number, column: number) => string | undefined;

/** The executable's mapper: undefined until first needed, null where there is none. */
let executableMapper: PositionMapper | null | undefined;

/**
 * `stack` with every position in the bundled dispatch (`/…/charm/dispatch:2:48117`) replaced by
 * the position in the charm's sources (`hooks/charm.ts:42:11`, `tscharm/runtime/framework.ts:178:22`).
 * Only frame lines (`    at …`) are touched; a position the map does not cover is left as it is.
 *
 * In a `dispatch` executable the frames of the bundle name the file this module is in: the
 * executable itself (with a full code cache, cmd/sea/main.cjs), or the path the bundle had on the
 * machine that built it (a cross-built executable, whose main script is the bundle). Its source map
 * is parsed on the first call, never on a hook that does not fail. Anywhere else (the test kit
 * under vitest, which maps TypeScript itself; a plain Node process) there is no map and `stack`
 * comes back unchanged, so nothing is mapped twice.
 */
export function mapStack(
  stack: string,
  mapper: PositionMapper | undefined = sourceMapper(),
  bundleFile: string | undefined = mapper === undefined ? undefined : thisFile(),
): string {
  if (mapper === undefined || bundleFile === undefined || !stack.includes(`${bundleFile}:`)) return stack;
  const position = new RegExp(`${escapeRegExp(bundleFile)}:(\\d+):(\\d+)`, "g");
  return stack
    .split("\n")
    .map((line) =>
      FRAME.test(line)
        ? line.replace(position, (whole, row: string, column: string) => mapper(Number(row), Number(column)) ?? whole)
        : line,
    )
    .join("\n");
}

/**
 * Where a mapped stack says the error came from, for one-line summaries: the first frame in the
 * charm's own code (not tscharm's, not Node's), else the first frame; undefined if there is none.
 */
export function originOf(stack: string): string | undefined {
  const locations = frameLocations(stack);
  const runtime = runtimeDirectory();
  const isTscharm = (location: string): boolean =>
    location.startsWith("tscharm/") || location.startsWith("node:") || (runtime !== undefined && location.startsWith(runtime));
  return locations.find((location) => !isTscharm(location)) ?? locations[0];
}

/** The `file:line:column` of each frame of a stack. */
function frameLocations(stack: string): string[] {
  return stack
    .split("\n")
    .filter((line) => FRAME.test(line))
    .map((line) => /\(([^()]+:\d+:\d+)\)$/.exec(line)?.[1] ?? /^\s+at (?:async )?(\S+:\d+:\d+)$/.exec(line)?.[1])
    .filter((location): location is string => location !== undefined);
}

/**
 * This module's directory as stack traces name it (with a trailing slash), so that frames of the
 * runtime count as tscharm's where it is not bundled (the test kit: `/…/runtime/model.ts`).
 */
function runtimeDirectory(): string | undefined {
  const here = frameLocations(mapStack(new Error("where am I").stack ?? ""))[0];
  const slash = here?.lastIndexOf("/") ?? -1;
  return here === undefined || slash < 0 ? undefined : here.slice(0, slash + 1);
}

/** The file this module's code is in, as stack traces name it. */
function thisFile(): string | undefined {
  return frameLocations(new Error("where am I").stack ?? "")[0]?.replace(/:\d+:\d+$/, "");
}

/** A V8 stack frame line. */
const FRAME = /^\s+at /;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The mapper of the running executable's source map, parsed once; undefined outside an executable that has one. */
function sourceMapper(): PositionMapper | undefined {
  if (executableMapper === undefined) {
    executableMapper = null;
    try {
      const sea = process.getBuiltinModule("node:sea");
      if (sea.isSea()) executableMapper = mapperOf(sea.getAsset(SOURCE_MAP_ASSET, "utf8"));
    } catch {
      // No source map (an executable built without one, or a Node without `node:sea`): the
      // stack keeps the bundle's positions, which is what it would have said anyway.
    }
  }
  return executableMapper ?? undefined;
}

/** A mapper over a source map's JSON text, using Node's own decoder (`node:module`'s SourceMap). */
export function mapperOf(sourceMapJson: string): PositionMapper {
  const { SourceMap } = process.getBuiltinModule("node:module");
  const map = new SourceMap(JSON.parse(sourceMapJson) as ConstructorParameters<typeof SourceMap>[0]);
  return (line, column) => {
    const entry = map.findEntry(line - 1, column - 1);
    if (!("originalSource" in entry) || entry.generatedLine !== line - 1) return undefined;
    return `${entry.originalSource}:${String(entry.originalLine + 1)}:${String(entry.originalColumn + 1)}`;
  };
}
