// project/project.ts and the checks of `tscharm build`/`pack`: errors that point at the offending key
// or line, before anything slow runs.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { BuildError, build, selectArches, typeCheck } from "../../cmd/build.js";
import { assertSameNode } from "../../cmd/node-binary.js";
import { MetadataError } from "../../project/charm-meta.js";
import { loadProject, readPlatforms } from "../../project/project.js";

const GOOD = `name: web
type: charm
summary: A web server
description: Serves pages.
base: ubuntu@24.04
platforms:
  amd64:
  arm64:
parts:
  charm:
    plugin: nil
`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-project-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

describe("loadProject", () => {
  test("reads the name, metadata, platforms and version", () => {
    const dir = project({ "charmcraft.yaml": GOOD, "package.json": '{"version": "1.2.3"}' });
    const loaded = loadProject(dir);
    expect([loaded.name, loaded.version, loaded.meta.name]).toEqual(["web", "1.2.3", "web"]);
    expect(loaded.platforms).toEqual([
      { name: "amd64", arch: "amd64", base: { name: "ubuntu", channel: "24.04" } },
      { name: "arm64", arch: "arm64", base: { name: "ubuntu", channel: "24.04" } },
    ]);
  });

  test.each([
    [{}, "has no charmcraft.yaml or metadata.yaml"],
    [{ "metadata.yaml": "name: web\nsummary: s\ndescription: d\n" }, "has no charmcraft.yaml: it says what the charm is built for"],
    [{ "charmcraft.yaml": GOOD.replace("type: charm", "type: bundle") }, 'charmcraft.yaml: type: must be "charm", got "bundle"'],
    [{ "charmcraft.yaml": GOOD.replace("summary: A web server\n", "") }, "charmcraft.yaml: summary: Juju requires a summary"],
    [{ "charmcraft.yaml": GOOD, "metadata.yaml": "name: web\n" }, "charmcraft.yaml: name: also set in metadata.yaml"],
    [
      { "charmcraft.yaml": `${GOOD}config: {options: {}}\n`, "config.yaml": "options: {}\n" },
      "charmcraft.yaml: config: the project also has config.yaml",
    ],
    [{ "charmcraft.yaml": `${GOOD}actions: {}\n`, "actions.yaml": "{}\n" }, "charmcraft.yaml: actions: the project also has actions.yaml"],
    [{ "charmcraft.yaml": GOOD.replace(/parts:[\s\S]*$/, "") }, "charmcraft.yaml: parts: charmcraft needs a part"],
    [{ "charmcraft.yaml": GOOD.replace("plugin: nil", "source: .") }, "charmcraft.yaml: parts.charm.plugin: set it"],
    [
      { "charmcraft.yaml": GOOD.replace("base: ubuntu@24.04", "base: noble") },
      'charmcraft.yaml: base: must look like "ubuntu@24.04", got "noble"',
    ],
    [
      { "charmcraft.yaml": GOOD.replace("  arm64:", "  s390x:") },
      'charmcraft.yaml: platforms.s390x: tscharm builds for amd64 and arm64 only, not "s390x"',
    ],
    [{ "charmcraft.yaml": `${GOOD}bases: []\n` }, "charmcraft.yaml: bases: tscharm uses the current form"],
    [{ "charmcraft.yaml": `${GOOD}requires: {db: {interface: pg, scope: machine}}\n` }, "charmcraft.yaml: requires.db.scope: must be"],
    [{ "charmcraft.yaml": `${GOOD}requires: {Db: {interface: pg}}\n` }, 'charmcraft.yaml: requires.Db: "Db" is not a valid endpoint name'],
    [
      { "charmcraft.yaml": `${GOOD}provides: {info: {interface: juju-info}}\n` },
      'charmcraft.yaml: provides.info.interface: "juju-info" is reserved by Juju',
    ],
    [
      { "charmcraft.yaml": `${GOOD}config: {options: {port: {type: number}}}\n` },
      "charmcraft.yaml: config.options.port.type: must be string, int, float, boolean or secret",
    ],
    [{ "charmcraft.yaml": `${GOOD}actions: {Backup: {}}\n` }, 'charmcraft.yaml: actions: "Backup" is not a valid action name'],
  ])("refuses a bad project: %#", (files, message) => {
    const dir = project(files);
    expect(() => loadProject(dir)).toThrow(MetadataError);
    expect(() => loadProject(dir)).toThrow(message);
  });

  test("in charmcraft's part (a copy without charmcraft.yaml), charmcraft.yaml comes from $CRAFT_PROJECT_DIR", () => {
    const original = project({ "charmcraft.yaml": GOOD, "package.json": '{"version": "2.0.0"}' });
    const copy = project({ "package.json": '{"version": "2.0.0"}' });
    expect(() => loadProject(copy, {})).toThrow("has no charmcraft.yaml or metadata.yaml");
    const loaded = loadProject(copy, { CRAFT_PROJECT_DIR: original });
    expect([loaded.dir, loaded.charmcraftDir, loaded.name, loaded.version]).toEqual([copy, original, "web", "2.0.0"]);
    // The project's own charmcraft.yaml wins when it has one.
    expect(loadProject(original, { CRAFT_PROJECT_DIR: copy }).charmcraftDir).toBe(original);
  });

  test("a charm may require a juju-* interface (juju-info for subordinates)", () => {
    expect(
      loadProject(project({ "charmcraft.yaml": `${GOOD}requires: {info: {interface: juju-info, scope: container}}\n` })).meta.relations[
        "info"
      ],
    ).toEqual({
      role: "requires",
      interface: "juju-info",
      scope: "container",
    });
  });
});

describe("platforms", () => {
  test("shorthand, long and multi-base forms", () => {
    expect(
      readPlatforms({
        base: "ubuntu@24.04",
        platforms: {
          amd64: null,
          "cross-arm": { "build-on": ["amd64"], "build-for": ["arm64"] },
          "ubuntu@22.04:amd64": null,
          jammy: { "build-on": ["amd64"], "build-for": ["ubuntu@22.04:arm64"] },
        },
      }),
    ).toEqual([
      { name: "amd64", arch: "amd64", base: { name: "ubuntu", channel: "24.04" } },
      { name: "cross-arm", arch: "arm64", base: { name: "ubuntu", channel: "24.04" } },
      { name: "ubuntu-22.04-amd64", arch: "amd64", base: { name: "ubuntu", channel: "22.04" } },
      { name: "jammy", arch: "arm64", base: { name: "ubuntu", channel: "22.04" } },
    ]);
  });

  test("--platform picks by architecture or platform name, and refuses what the project lacks", () => {
    const loaded = loadProject(project({ "charmcraft.yaml": GOOD.replace("  arm64:\n", "") }));
    expect(selectArches(loaded, undefined)).toEqual(["amd64"]);
    expect(selectArches(loaded, ["amd64"])).toEqual(["amd64"]);
    expect(() => selectArches(loaded, ["arm64"])).toThrow("--platform arm64: charmcraft.yaml has no arm64 platform (it has amd64)");
    expect(() => selectArches(loaded, ["riscv64"])).toThrow("--platform riscv64: tscharm builds for amd64 and arm64");
  });
});

describe("build refuses early, saying why", () => {
  const scratch = resolve(import.meta.dirname, "..", ".scratch", "project");
  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  test("a missing entry point", async () => {
    const dir = project({ "charmcraft.yaml": GOOD });
    await expect(build({ projectDir: dir, log: () => undefined })).rejects.toThrow(/entry point .*dispatch\.ts does not exist/);
  });

  test("a TypeScript error, as file:line:column", async () => {
    // Inside the package, so that "tscharm" resolves to this checkout.
    mkdirSync(scratch, { recursive: true });
    const entry = join(scratch, "dispatch.ts");
    writeFileSync(entry, 'import { CharmBase } from "tscharm";\n\nconst broken: number = "one";\nexport { CharmBase, broken };\n');
    const failure = await typeCheck(entry, resolve(import.meta.dirname, "..", "..")).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(BuildError);
    expect((failure as Error).message).toMatch(
      new RegExp(
        String.raw`^1 TypeScript error:\n.*test\/\.scratch\/project\/dispatch\.ts:3:7 - ` +
          String.raw`error TS2322: Type 'string' is not assignable to type 'number'\.$`,
      ),
    );
  });

  test("a Node version that differs between the blob's maker and the base", () => {
    expect(() => {
      assertSameNode({ arch: "amd64", version: "24.21.0" }, { arch: "arm64", version: "24.21.0" });
    }).not.toThrow();
    expect(() => {
      assertSameNode({ arch: "amd64", version: "24.20.0" }, { arch: "arm64", version: "24.21.0" });
    }).toThrow(
      "refusing to build: the amd64 Node that makes the blob is 24.20.0 but the arm64 Node it goes into is 24.21.0 (tscharm pins 24.21.0)",
    );
  });
});
