// What bench/interfaces.mjs relies on: each interface's variant bundles its interfaces/ files and
// the charm importing none bundles none (read off the source map, as the bench reads it); each
// relation-changed it times replays a recorded step where the other side answered; and its fake
// hook tools answer relation-get and secret-get with that step's bags and secrets.

import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { INTERFACES, interfaceSandbox, interfaceSources, recordedStep } from "../../bench/interfaces.mjs";
import { bundleDispatch } from "../../cmd/build.js";
import { loadProject } from "../../project/project.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const CHARM = join(ROOT, "bench", "interface-charm");
const work = mkdtempSync(join(tmpdir(), "tscharm-test-bench-interfaces-"));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

async function bundledSources(entry: string): Promise<{ sources: string[] }> {
  const outfile = join(work, `${entry.replace(/\W+/g, "_")}.cjs`);
  const map = await bundleDispatch(join(CHARM, entry), outfile, loadProject(CHARM).meta, CHARM);
  return { sources: (JSON.parse(readFileSync(map, "utf8")) as { sources: string[] }).sources };
}

describe("what each variant bundles", () => {
  test("none.ts and the demo bundle no file of interfaces/", async () => {
    expect(interfaceSources(await bundledSources("none.ts"))).toEqual([]);
    const demoMap = await bundleDispatch(join(ROOT, "dispatch.ts"), join(work, "demo.cjs"), loadProject(ROOT).meta, ROOT);
    expect(interfaceSources(JSON.parse(readFileSync(demoMap, "utf8")) as { sources: string[] })).toEqual([]);
  });

  test.each(INTERFACES.map((spec) => [spec.name, spec.entry]))(
    "%s's variant bundles its own folder and no other interface's",
    async (name, entry) => {
      const files = interfaceSources(await bundledSources(entry));
      expect(files.some((file) => file.includes(`interfaces/${name}/`))).toBe(true);
      const others = INTERFACES.filter((spec) => spec.name !== name).map((spec) => `interfaces/${spec.name}/`);
      expect(files.filter((file) => others.some((other) => file.includes(other)))).toEqual([]);
    },
  );
});

describe("the recorded steps", () => {
  test.each(INTERFACES.map((spec) => [spec.name, spec]))(
    "%s: a relation-changed where the other side's bag is not empty",
    (_name, spec) => {
      const step = recordedStep(spec);
      if (!("recorded" in step)) throw new Error(step.reason);
      expect(step.recorded.source).toMatch(/relation[-_]changed/);
      expect(Object.keys({ ...step.recorded.remoteApp, ...step.recorded.remoteUnit }).length).toBeGreaterThan(0);
    },
  );

  test("the database's step carries the provider's credentials as secret URIs, with their recorded content", () => {
    const spec = INTERFACES.find((s) => s.name === "database");
    const step = spec === undefined ? undefined : recordedStep(spec);
    if (step === undefined || !("recorded" in step)) throw new Error("no database step");
    const id = step.recorded.remoteApp["secret-user"];
    expect(step.recorded.secrets.find((secret) => secret.id === id)?.content).toHaveProperty("password");
  });
});

describe("the fake hook tools", () => {
  const spec = INTERFACES.find((s) => s.name === "tls-certificates");
  const step = spec === undefined ? undefined : recordedStep(spec);
  if (spec === undefined || step === undefined || !("recorded" in step)) throw new Error("no tls-certificates step");
  const { recorded } = step;
  const box = interfaceSandbox(mkdtempSync(join(work, "box-")), recorded, spec);
  const tool = (name: string, ...args: string[]) =>
    spawnSync(join(box.env.PATH.split(":")[0] ?? "", name), args, { encoding: "utf8", env: { ...box.env } });

  test("relation-get answers the remote app's bag, the remote unit's, and this unit's", () => {
    expect(JSON.parse(tool("relation-get", "--format=json", "-r", "certificates:7", "--app", "-", spec.remoteApp).stdout)).toEqual(
      recorded.remoteApp,
    );
    expect(JSON.parse(tool("relation-get", "--format=json", "-r", "certificates:7", "-", "ifaces/0").stdout)).toEqual(recorded.localUnit);
  });

  test("secret-get answers this unit's own secret by its label, and refuses an unknown one", () => {
    const own = recorded.secrets.find((secret) => secret.label != null);
    if (own?.label == null) throw new Error("no labelled secret in the step");
    expect(JSON.parse(tool("secret-get", "--format=json", "--label", own.label).stdout)).toEqual(own.content);
    const unknown = tool("secret-get", "--format=json", "--label", "nobody-s");
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("not found");
  });

  test("a tool given its data on stdin reads it all", () => {
    const big = "x".repeat(1 << 20);
    const result = spawnSync(join(box.env.PATH.split(":")[0] ?? "", "relation-set"), ["-r", "certificates:7", "--file", "-"], {
      input: big,
      encoding: "utf8",
    });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(0);
  });
});
