// A charm that imports tscharm/interfaces/database loads it in every hook: its modules import only
// the public runtime API and interfaces/common, and no node: builtin at all (it needs none).

import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

const DIR = resolve(import.meta.dirname, "..", "..", "..", "interfaces", "database");

test("interfaces/database imports the public runtime, interfaces/common and its own modules only", () => {
  const imports = readdirSync(DIR).flatMap((file) =>
    [...readFileSync(join(DIR, file), "utf8").matchAll(/^(?:import|export)\s[^;]*?from\s+"([^"]+)";/gm)].map((m) => m[1] ?? ""),
  );
  expect(imports.length).toBeGreaterThan(5);
  expect(
    imports.filter((source) => !/^(?:\.\.\/\.\.\/runtime\/index\.js|\.\.\/common\/[a-z-]+\.js|\.\/[a-z-]+\.js)$/.test(source)),
  ).toEqual([]);
  expect(readdirSync(DIR).filter((file) => readFileSync(join(DIR, file), "utf8").includes("getBuiltinModule"))).toEqual([]);
});
