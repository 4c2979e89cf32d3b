// cmd/lockfile.ts: the lock a new project gets holds exactly tscharm's tested versions, in the
// places npm itself would put them, with the flags npm itself would compute.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { type Lock, LockError, projectLock, resolveIn, testedLock } from "../../cmd/lockfile.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const CLI = join(REPO, "cmd", "tscharm.mjs");
const TESTED = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as Lock;
const scratch = mkdtempSync(join(tmpdir(), "tscharm-lock-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function run(dir: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, npm_config_fund: "false", npm_config_audit: "false" },
  });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** What npm makes of the lock: it rewrites it from its own tree, offline (the lock must be complete). */
function npmsOwnLock(project: string): unknown {
  run(project, "npm", ["install", "--package-lock-only", "--offline", "--ignore-scripts"]);
  return JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8"));
}

describe("the lock tscharm init writes", () => {
  test.each([
    ["linked to this checkout", []],
    ["from a tarball of this checkout", ["tarball"]],
  ])("%s: npm, offline, finds nothing to change, and every package is tscharm's tested one", (_, how) => {
    const project = join(mkdtempSync(join(scratch, "project-")), "lock-charm");
    const args = [CLI, "init", project];
    if (how.includes("tarball")) {
      const packed = JSON.parse(run(REPO, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", scratch])) as {
        filename: string;
      }[];
      args.push("--tscharm", join(scratch, packed[0]?.filename ?? ""));
    }
    run(tmpdir(), process.execPath, args);
    const written = JSON.parse(readFileSync(join(project, "package-lock.json"), "utf8")) as Lock;
    expect(npmsOwnLock(project)).toEqual(written);

    const installed = Object.entries(written.packages).filter(
      ([location, entry]) => location.startsWith("node_modules/") && location !== "node_modules/tscharm" && entry.link !== true,
    );
    expect(installed.length).toBeGreaterThan(40);
    for (const [location, entry] of installed) {
      expect([location, entry.version, entry.integrity]).toEqual([
        location,
        TESTED.packages[location]?.version,
        TESTED.packages[location]?.integrity,
      ]);
    }
    // Nothing is downloaded from an address the lock names: each package comes by name, version
    // and integrity from the configured registry (or, for tscharm, from the project's tarball).
    expect(installed.filter(([, entry]) => entry.resolved !== undefined)).toEqual([]);
  });
});

describe("projectLock", () => {
  const project = { name: "x", version: "0.1.0", dependencies: { tscharm: "file:t.tgz" }, devDependencies: { vitest: "4.1.12" } };
  const manifest = { name: "tscharm", version: "0.1.0", dependencies: { yaml: "2.9.1" } };

  test("a tarball whose pins are not in the lock is refused, naming the package and both versions", () => {
    expect(() =>
      projectLock(TESTED, project, {
        kind: "tarball",
        path: "t.tgz",
        integrity: "sha512-x",
        manifest: { ...manifest, dependencies: { yaml: "9.9.9" } },
      }),
    ).toThrow(
      new LockError(
        "node_modules/tscharm needs yaml@9.9.9, but tscharm's lock has yaml@2.9.1: make the project with the tscharm that pins 9.9.9",
      ),
    );
    expect(() =>
      projectLock(TESTED, { ...project, devDependencies: { "left-pad": "1.3.0" } }, { kind: "link", path: "../t", manifest }),
    ).toThrow("the project needs left-pad@1.3.0, which tscharm's lock does not hold");
  });

  test("a linked checkout is named in the lock only when its directory is named otherwise, as npm does", () => {
    const link = (path: string) =>
      projectLock(TESTED, { ...project, dependencies: { tscharm: "file:x" } }, { kind: "link", path, manifest }).packages[path];
    expect(link("../checkouts/main")).toMatchObject({ name: "tscharm", version: "0.1.0" });
    expect(link("../work/tscharm")).not.toHaveProperty("name");
  });

  test("finds a package where Node would: a nested copy before the hoisted one", () => {
    const packages = {
      "": {},
      "node_modules/a": { version: "1.0.0", dependencies: { b: "^2.0.0" } },
      "node_modules/b": { version: "1.0.0" },
      "node_modules/a/node_modules/b": { version: "2.0.0" },
      "node_modules/@s/c": { version: "1.0.0", dependencies: { b: "^1.0.0" } },
    };
    expect(resolveIn(packages, "node_modules/a", "b")).toBe("node_modules/a/node_modules/b");
    expect(resolveIn(packages, "node_modules/@s/c", "b")).toBe("node_modules/b");
    expect(resolveIn(packages, "", "a")).toBe("node_modules/a");
    expect(resolveIn(packages, "node_modules/a", "zzz")).toBeUndefined();

    const lock = projectLock(
      { lockfileVersion: 3, packages },
      { name: "p", version: "1.0.0", dependencies: {}, devDependencies: { a: "1.0.0" } },
      { kind: "link", path: "../t", manifest: { name: "tscharm", version: "0.1.0" } },
    );
    expect(Object.keys(lock.packages)).toEqual(["", "../t", "node_modules/a", "node_modules/a/node_modules/b", "node_modules/tscharm"]);
    expect(lock.packages["node_modules/a/node_modules/b"]).toEqual({ version: "2.0.0", dev: true });
  });
});

describe("testedLock", () => {
  test("a checkout's package-lock.json; in an installed package, the copy npm pack ships in lib/", () => {
    expect(testedLock(REPO).packages["node_modules/vitest"]?.version).toBe(TESTED.packages["node_modules/vitest"]?.version);
    const installed = mkdtempSync(join(scratch, "installed-"));
    expect(() => testedLock(installed)).toThrow("has no package-lock.json (nor lib/package-lock.json)");
    mkdirSync(join(installed, "lib"));
    writeFileSync(join(installed, "lib", "package-lock.json"), JSON.stringify({ lockfileVersion: 3, packages: { "": {} } }));
    expect(testedLock(installed).packages).toEqual({ "": {} });
    writeFileSync(join(installed, "lib", "package-lock.json"), JSON.stringify({ lockfileVersion: 2, dependencies: {} }));
    expect(() => testedLock(installed)).toThrow("is not an npm lock file of version 3");
  });
});
