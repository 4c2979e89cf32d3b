// `tscharm init`, end to end: a new project in a temporary directory installs with `npm ci` alone
// (exactly the versions tscharm was tested with), passes its own tests, packs for both platforms,
// runs on the simulator, and its packed dispatch runs; and charmcraft's part builds it as
// craft-parts would.

import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";

import { expect, test } from "vitest";
import { parse } from "yaml";

import { FakeHookTools } from "../support/recording-hook-tools.mjs";
import { jujuEnv } from "../support/juju-env.js";

const REPO = resolve(import.meta.dirname, "..", "..");
const CLI = join(REPO, "cmd", "tscharm.mjs");
const HOST_ARCH = process.arch === "arm64" ? "arm64" : "amd64";

/** Runs a command in the new project; on failure, fails with its output. */
function run(dir: string, command: string, args: string[]): string {
  // Without colours, so the output can be matched.
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false" };
  const result = spawnSync(command, args, { cwd: dir, encoding: "utf8", env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test("a project from tscharm init installs with npm ci alone, tests, packs, and its packed dispatch runs", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tscharm-init-")), "hello-charm");
  expect(run(tmpdir(), process.execPath, [CLI, "init", dir])).toContain("next: cd ");
  expect(readdirSync(dir).sort()).toEqual([
    ".gitignore",
    "README.md",
    "charm-types.ts",
    "charmcraft.yaml",
    "dispatch.ts",
    "hooks",
    "package-lock.json",
    "package.json",
    "tests",
    "tsconfig.json",
  ]);
  expect(readFileSync(join(dir, "charm-types.ts"), "utf8")).toContain("export interface HelloCharmTypes extends CharmTypes");

  // No `npm install`: the lock init wrote is complete, so nothing is resolved against the registry.
  run(dir, "npm", ["ci"]);
  expect(installedVersions(dir)).toEqual(testedVersions(Object.keys(installedVersions(dir))));
  expect(run(dir, "npm", ["test"])).toMatch(/Tests\s+3 passed/);
  // `npm run integration` packs (tscharm pack builds every platform), then runs the packed charm
  // for this machine on two simulated units.
  expect(run(dir, "npm", ["run", "integration"])).toMatch(/Tests\s+1 passed/);
  expect(existsSync(join(dir, "dist", "amd64", "dispatch")) && existsSync(join(dir, "dist", "arm64", "dispatch"))).toBe(true);
  expect(
    readdirSync(dir)
      .filter((name) => name.endsWith(".charm"))
      .sort(),
  ).toEqual(["hello-charm_amd64.charm", "hello-charm_arm64.charm"]);

  // The packed executable runs: config-changed sets the configured message as the status.
  const unpacked = mkdtempSync(join(tmpdir(), "tscharm-init-unpacked-"));
  execFileSync("python3", [
    "-c",
    "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n" +
      "  os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)",
    join(dir, `hello-charm_${HOST_ARCH}.charm`),
    unpacked,
  ]);
  const fake = new FakeHookTools(join(unpacked, "tools"), [["config-get --format=json", '{"message":"hello"}\n']]);
  const result = spawnSync(join(unpacked, "dispatch"), [], {
    cwd: unpacked,
    encoding: "utf8",
    env: { ...jujuEnv("hooks/config-changed", { unit: "hello-charm/0", charmDir: unpacked }), PATH: `${fake.bin}:/usr/bin:/bin` },
  });
  expect([result.status, result.stderr]).toEqual([0, ""]);
  expect(fake.lines()).toEqual(["config-get --format=json", "status-set --application=False active -- hello"]);
}, 600_000);

test("charmcraft's part builds dispatch as craft-parts runs it: in a copy of the project without charmcraft.yaml and *.charm", () => {
  // For charmcraft, tscharm is a tarball kept in the project (a link to a checkout is not visible
  // in charmcraft's build container): `npm pack` of this checkout (lib/ is built by npm test).
  const work = mkdtempSync(join(tmpdir(), "tscharm-part-"));
  const packed = JSON.parse(run(REPO, "npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work])) as { filename: string }[];
  const tarball = join(work, packed[0]?.filename ?? "");
  const project = join(work, "project");
  run(tmpdir(), process.execPath, [CLI, "init", project, "--name", "part-charm", "--tscharm", tarball]);
  const pkg = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  expect(pkg.dependencies["tscharm"]).toBe("file:tscharm-0.1.0.tgz");
  expect(readFileSync(join(project, "tscharm-0.1.0.tgz"))).toEqual(readFileSync(tarball));
  writeFileSync(join(project, "part-charm_amd64.charm"), "an old charm");

  // craft-parts' local source: a copy of the project but for the top-level ignore patterns
  // charmcraft gives it (charmcraft.yaml, *.charm); the build step runs in a copy of that.
  const build = join(work, "parts", "charm", "build");
  cpSync(project, build, {
    recursive: true,
    filter: (source) =>
      source === project || !(dirname(source) === project && (basename(source) === "charmcraft.yaml" || source.endsWith(".charm"))),
  });
  expect(existsSync(join(build, "charmcraft.yaml")) || readdirSync(build).some((name) => name.endsWith(".charm"))).toBe(false);

  // The override-build scriptlet, run as craft-parts runs it: bash, -euo pipefail, in the build
  // directory, with the part's environment.
  const charmcraft = parse(readFileSync(join(project, "charmcraft.yaml"), "utf8")) as {
    parts: { charm: { "override-build": string; plugin: string } };
  };
  expect(charmcraft.parts.charm.plugin).toBe("nil");
  const install = join(work, "parts", "charm", "install");
  mkdirSync(install, { recursive: true });
  const part = spawnSync("bash", ["-c", `#!/bin/bash\nset -euo pipefail\nset -x\n${charmcraft.parts.charm["override-build"]}\n`], {
    cwd: build,
    encoding: "utf8",
    env: {
      ...process.env,
      npm_config_fund: "false",
      npm_config_audit: "false",
      CRAFT_ARCH_BUILD_FOR: HOST_ARCH,
      CRAFT_ARCH_BUILD_ON: HOST_ARCH,
      CRAFT_PART_INSTALL: install,
      CRAFT_PART_BUILD: build,
      CRAFT_PROJECT_DIR: project,
    },
  });
  expect(part.status, `${part.stdout}\n${part.stderr}`).toBe(0);
  expect(part.stdout).toContain(`reading charmcraft.yaml from ${project}`);
  expect(statSync(join(install, "dispatch")).mode & 0o777).toBe(0o755);
  expect(readFileSync(join(install, "dispatch")).subarray(0, 4).toString("latin1")).toBe("\x7fELF");
  rmSync(work, { recursive: true, force: true });
}, 600_000);

/** The name → version of every package npm installed in the project. */
function installedVersions(dir: string): Record<string, string> {
  const versions: Record<string, string> = {};
  const lock = JSON.parse(readFileSync(join(dir, "node_modules", ".package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string; link?: boolean }>;
  };
  for (const [location, entry] of Object.entries(lock.packages)) {
    if (location.startsWith("node_modules/") && entry.link !== true && entry.version !== undefined) versions[location] = entry.version;
  }
  return versions;
}

/** The versions tscharm's own lock has at the same places. */
function testedVersions(locations: readonly string[]): Record<string, string> {
  const lock = JSON.parse(readFileSync(join(REPO, "package-lock.json"), "utf8")) as { packages: Record<string, { version?: string }> };
  return Object.fromEntries(locations.map((location) => [location, lock.packages[location]?.version ?? "not in tscharm's lock"]));
}

test("tscharm init refuses a bad name and a directory that is not empty", () => {
  const parent = mkdtempSync(join(tmpdir(), "tscharm-init-"));
  const bad = spawnSync(process.execPath, [CLI, "init", join(parent, "Bad_Name")], { encoding: "utf8" });
  expect([bad.status, bad.stderr]).toEqual([
    1,
    'tscharm: "Bad_Name" is not a charm name (lowercase letters, digits and single hyphens, starting with a letter); ' +
      "choose one with --name\n",
  ]);
  const full = spawnSync(process.execPath, [CLI, "init", parent, "--name", "ok"], { encoding: "utf8" });
  expect(full.status).toBe(0);
  const again = spawnSync(process.execPath, [CLI, "init", parent, "--name", "ok"], { encoding: "utf8" });
  expect([again.status, again.stderr]).toEqual([
    1,
    `tscharm: ${parent} exists and is not an empty directory; tscharm init will not write over it\n`,
  ]);
});
