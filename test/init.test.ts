// `tscharm init`, end to end: a new project in a temporary directory installs, passes its own tests,
// builds for both platforms and packs, and its packed dispatch runs.

import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";
import { parse } from "yaml";

import { FakeHookTools } from "./support/recording-hook-tools.mjs";
import { jujuEnv } from "./support/juju-env.js";

const CLI = resolve(import.meta.dirname, "..", "cmd", "tscharm.mjs");

/** Runs a command in the new project; on failure, fails with its output. */
function run(dir: string, command: string, args: string[]): string {
  // Without colours, so the output can be matched.
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false" };
  const result = spawnSync(command, args, { cwd: dir, encoding: "utf8", env });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

test("a project from tscharm init installs, tests, builds and packs as it is", () => {
  const dir = join(mkdtempSync(join(tmpdir(), "tscharm-init-")), "hello-charm");
  expect(run(tmpdir(), process.execPath, [CLI, "init", dir])).toContain("created hello-charm");
  expect(readdirSync(dir).sort()).toEqual([
    ".gitignore",
    "README.md",
    "charm-types.ts",
    "charmcraft.yaml",
    "dispatch.ts",
    "hooks",
    "package.json",
    "tests",
    "tsconfig.json",
  ]);
  expect(readFileSync(join(dir, "charm-types.ts"), "utf8")).toContain("export interface HelloCharmTypes extends CharmTypes");

  run(dir, "npm", ["install"]);
  expect(run(dir, "npm", ["test"])).toMatch(/Tests\s+3 passed/);
  run(dir, "npm", ["run", "build"]);
  expect(existsSync(join(dir, "dist", "amd64", "dispatch")) && existsSync(join(dir, "dist", "arm64", "dispatch"))).toBe(true);
  run(dir, "npm", ["run", "pack", "--", "--no-build"]);
  expect(run(dir, "npx", ["vitest", "run", "tests/integration.test.ts"])).toMatch(/Tests\s+1 passed/);
  expect(readdirSync(dir).filter((name) => name.endsWith(".charm")).sort()).toEqual(["hello-charm_amd64.charm", "hello-charm_arm64.charm"]);

  // charmcraft's part: its override-build script, run as craft-parts would (in the project, with
  // CRAFT_ARCH_BUILD_FOR and CRAFT_PART_INSTALL set), installs the executable as dispatch.
  const charmcraft = parse(readFileSync(join(dir, "charmcraft.yaml"), "utf8")) as { parts: { charm: { "override-build": string; plugin: string } } };
  expect(charmcraft.parts.charm.plugin).toBe("nil");
  const install = mkdtempSync(join(tmpdir(), "tscharm-part-install-"));
  const part = spawnSync("sh", ["-e", "-c", charmcraft.parts.charm["override-build"]], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, CRAFT_ARCH_BUILD_FOR: "amd64", CRAFT_PART_INSTALL: install },
  });
  expect(part.status, part.stderr).toBe(0);
  expect(statSync(join(install, "dispatch")).mode & 0o777).toBe(0o755);
  expect(readFileSync(join(install, "dispatch")).subarray(0, 4).toString("latin1")).toBe("\x7fELF");

  // The packed executable runs: config-changed sets the configured message as the status.
  const unpacked = mkdtempSync(join(tmpdir(), "tscharm-init-unpacked-"));
  execFileSync("python3", [
    "-c",
    "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n  os.chmod(z.extract(i, sys.argv[2]), (i.external_attr >> 16) & 0o777)",
    join(dir, "hello-charm_amd64.charm"),
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
}, 300_000);

test("tscharm init refuses a bad name and a directory that is not empty", () => {
  const parent = mkdtempSync(join(tmpdir(), "tscharm-init-"));
  const bad = spawnSync(process.execPath, [CLI, "init", join(parent, "Bad_Name")], { encoding: "utf8" });
  expect([bad.status, bad.stderr]).toEqual([
    1,
    'tscharm: "Bad_Name" is not a charm name (lowercase letters, digits and single hyphens, starting with a letter); choose one with --name\n',
  ]);
  const full = spawnSync(process.execPath, [CLI, "init", parent, "--name", "ok"], { encoding: "utf8" });
  expect(full.status).toBe(0);
  const again = spawnSync(process.execPath, [CLI, "init", parent, "--name", "ok"], { encoding: "utf8" });
  expect([again.status, again.stderr]).toEqual([1, `tscharm: ${parent} exists and is not an empty directory; tscharm init will not write over it\n`]);
});
