// A charm that imports an interface loads it in every hook, so every module under interfaces/:
// - imports only the public runtime (`../../runtime/index.js`), interfaces/common and its own
//   folder's modules (an interface is written as any library author could write it, and one
//   interface never pulls in another);
// - imports at its top no node: builtin that the runtime does not load already (node:fs, node:path,
//   node:util): the others (node:crypto, node:child_process, node:dns…) are taken with
//   process.getBuiltinModule where first needed, so a hook that does not use them does not pay for
//   them (a Node SEA has no dynamic import()).
// The layering itself (no npm, no tscharm/machine, nothing above) is eslint/layers.js's.

import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";

import { expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..", "interfaces");
const MODULES = readdirSync(ROOT, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".ts"))
  .sort();

const RUNTIME = resolve(import.meta.dirname, "..", "..", "runtime");

const importsOf = (file: string, root = ROOT): { source: string; typeOnly: boolean }[] =>
  [...readFileSync(join(root, file), "utf8").matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gm)].map((m) => ({
    source: m[3] ?? "",
    typeOnly: m[2] !== undefined,
  }));

test("every interface module imports the public runtime, interfaces/common and its own folder only", () => {
  expect(MODULES.length).toBeGreaterThan(30);
  const allowed = (file: string, source: string): boolean => {
    const folder = file.split("/")[0] ?? "";
    const target = relative(ROOT, resolve(ROOT, folder, source));
    if (source.startsWith("node:")) return true;
    if (target === join("..", "runtime", "index.js")) return true;
    return target.startsWith("common/") || target.startsWith(`${folder}/`);
  };
  const strays = MODULES.flatMap((file) => importsOf(file).flatMap(({ source }) => (allowed(file, source) ? [] : [`${file}: ${source}`])));
  expect(strays).toEqual([]);
});

/** The builtins a module loads when it is loaded (value imports from node:). */
const eagerBuiltins = (file: string, root = ROOT): string[] =>
  importsOf(file, root).flatMap(({ source, typeOnly }) => (source.startsWith("node:") && !typeOnly ? [source] : []));

test("no interface module loads a builtin the runtime does not load already (the others are loaded where first needed)", () => {
  const runtimeLoads = new Set(
    readdirSync(RUNTIME, { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".ts"))
      .flatMap((file) => eagerBuiltins(file, RUNTIME)),
  );
  expect([...runtimeLoads].sort()).toEqual(["node:fs", "node:path", "node:util"]);
  const eager = MODULES.flatMap((file) =>
    eagerBuiltins(file).flatMap((source) => (runtimeLoads.has(source) ? [] : [`${file}: ${source}`])),
  );
  expect(eager).toEqual([]);
  // The builtins they do take, each through getBuiltinModule: a new one here is a new cost to measure.
  const lazy = new Set(
    MODULES.flatMap((file) =>
      [...readFileSync(join(ROOT, file), "utf8").matchAll(/getBuiltinModule\("(node:[a-z_]+)"\)/g)].map((m) => m[1]),
    ),
  );
  expect([...lazy].sort()).toEqual(["node:child_process", "node:crypto", "node:dns", "node:os", "node:url"]);
});
