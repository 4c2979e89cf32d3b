// What bench/machine.mjs and bench/validators.mjs rely on: a charm's bundle names every file it
// holds (so "no machine/ code in the demo" is a fact read off the source map), and the status a
// variant set is read back from the fake tools' call log.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { SLUG_CHARM, lastStatus, machineSources, packageSources } from "../../bench/variants.mjs";
import { bundleDispatch } from "../../cmd/build.js";
import { loadProject } from "../../project/project.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "tscharm-test-bench-variants-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** The files esbuild put into the bundle of `entry`, as the bench reads them: the source map's sources. */
async function bundledSources(projectDir: string, entry: string): Promise<{ sources: string[] }> {
  const outfile = join(work, `${entry.replace(/\W+/g, "_")}.cjs`);
  const map = await bundleDispatch(join(projectDir, entry), outfile, loadProject(projectDir).meta, projectDir);
  const parsed = JSON.parse(readFileSync(map, "utf8")) as { sources: string[] };
  return { sources: parsed.sources };
}

describe("what a bundle holds", () => {
  test("the demo charm, which does not import tscharm/machine, bundles no file of machine/", async () => {
    const demo = await bundledSources(ROOT, "dispatch.ts");
    expect(demo.sources.some((source) => source.endsWith("runtime/dispatch.ts"))).toBe(true);
    expect(machineSources(demo)).toEqual([]);
  });

  test("a charm that imports tscharm/machine bundles the kit's modules, and the check names them", async () => {
    const plain = await bundledSources(SLUG_CHARM, "none.ts");
    const kit = await bundledSources(SLUG_CHARM, "kit.ts");
    expect(machineSources(plain)).toEqual([]);
    const names = machineSources(kit).map((source) => source.replace(/^.*machine\//, ""));
    expect(names).toEqual(expect.arrayContaining(["index.ts", "machine.ts", "local.ts", "commands.ts"]));
  });

  test("a validator's files are counted by package, and only where it is imported", async () => {
    const valibot = await bundledSources(SLUG_CHARM, "valibot.ts");
    const hand = await bundledSources(SLUG_CHARM, "hand.ts");
    expect(packageSources(valibot, "valibot")).toBeGreaterThan(0);
    expect(packageSources(hand, "valibot")).toBe(0);
    expect(packageSources(valibot, "zod")).toBe(0);
  });
});

describe("lastStatus", () => {
  test("reads the state and message of the last status-set, as the runtime calls it", () => {
    const calls = [
      "config-get --format=json --all",
      "status-set --application=False maintenance -- starting",
      "status-set --application=False blocked -- Invalid config: slug must match ^[a-z0-9-]+$",
    ];
    expect(lastStatus(calls)).toBe("blocked: Invalid config: slug must match ^[a-z0-9-]+$");
    expect(lastStatus(["status-set active"])).toBe("active: ");
    expect(lastStatus(["config-get"])).toBeUndefined();
  });
});
