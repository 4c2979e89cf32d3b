// `tscharm pack` on this repository: the archives against Juju's charm format
// (https://documentation.ubuntu.com/juju/3.6/reference/charm/), read back with Python's zipfile
// (an independent reader), and the demo's black-box suite run on the dispatch unpacked from
// demo_amd64.charm.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { parse } from "yaml";
import { beforeAll, describe, expect, test } from "vitest";

import { type PackedCharm, pack } from "../../cmd/pack.js";
import { extractZip, writeZip } from "../../project/archive.js";
import { demoBlackBoxSuite } from "../support/demo-black-box.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const out = mkdtempSync(join(tmpdir(), "tscharm-pack-"));
let charms: PackedCharm[] = [];

/** [name, Unix mode, compression method] of each entry, as Python's zipfile reads them. */
function entries(charm: string): [string, number, number][] {
  const script =
    "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\n" +
    "print(json.dumps([[i.filename, i.external_attr >> 16, i.compress_type] for i in z.infolist()]))";
  return JSON.parse(execFileSync("python3", ["-c", script, charm], { encoding: "utf8" })) as [string, number, number][];
}

/** Extracts with Python, applying each entry's mode as Juju does. */
function unpack(charm: string, dir: string): string {
  const script =
    "import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1])\nfor i in z.infolist():\n" +
    "  p=z.extract(i, sys.argv[2])\n  os.chmod(p, (i.external_attr >> 16) & 0o777)";
  execFileSync("python3", ["-c", script, charm, dir]);
  return dir;
}

function member(charm: string, name: string): Buffer {
  const script = "import sys,zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))";
  return execFileSync("python3", ["-c", script, charm, name], { maxBuffer: 512 * 1024 * 1024 });
}

const sha = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const charmFor = (arch: string) => charms.find((charm) => charm.platform.arch === arch)?.path ?? "";

beforeAll(async () => {
  // npm test built dist/ already; pack only zips it.
  charms = await pack({ projectDir: ROOT, build: false, outputDir: out, log: () => undefined });
}, 120_000);

describe("demo_<platform>.charm, against Juju's charm format", () => {
  test("one archive per platform of charmcraft.yaml, named <name>_<platform>.charm", () => {
    expect(charms.map((charm) => charm.path)).toEqual([join(out, "demo_amd64.charm"), join(out, "demo_arm64.charm")]);
  });

  test.each(["amd64", "arm64"])("%s: the files Juju reads, with their modes, deflated", (arch) => {
    expect(entries(charmFor(arch))).toEqual([
      ["dispatch", 0o100755, 8],
      ["metadata.yaml", 0o100644, 8],
      ["config.yaml", 0o100644, 8],
      ["actions.yaml", 0o100644, 8],
      ["manifest.yaml", 0o100644, 8],
      ["version", 0o100644, 8],
    ]);
  });

  test.each([
    ["amd64", 0x3e],
    ["arm64", 0xb7],
  ])("%s: dispatch is the executable built for the platform", (arch, machine) => {
    const dispatch = member(charmFor(arch), "dispatch");
    expect(sha(dispatch)).toBe(sha(readFileSync(join(ROOT, "dist", arch, "dispatch"))));
    expect([...dispatch.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
    expect(dispatch.readUInt16LE(18)).toBe(machine);
  });

  test.each(["amd64", "arm64"])("%s: manifest.yaml has the base, with the channel a string, and the analysis attributes", (arch) => {
    const text = member(charmFor(arch), "manifest.yaml").toString();
    expect(text).toContain('channel: "24.04"');
    const manifest = parse(text) as Record<string, unknown>;
    expect(manifest["bases"]).toEqual([{ name: "ubuntu", channel: "24.04", architectures: [arch] }]);
    expect(manifest["analysis"]).toEqual({
      attributes: [
        { name: "language", result: "unknown" },
        { name: "framework", result: "unknown" },
      ],
    });
    expect(typeof manifest["charmcraft-started-at"]).toBe("string");
  });

  test("metadata.yaml is the project's, byte for byte", () => {
    expect(member(charmFor("amd64"), "metadata.yaml").equals(readFileSync(join(ROOT, "metadata.yaml")))).toBe(true);
  });

  test("config.yaml and actions.yaml say what charmcraft.yaml's config and actions say", () => {
    const charmcraft = parse(readFileSync(join(ROOT, "charmcraft.yaml"), "utf8")) as Record<string, unknown>;
    expect(parse(member(charmFor("amd64"), "config.yaml").toString())).toEqual(charmcraft["config"]);
    expect(parse(member(charmFor("amd64"), "actions.yaml").toString())).toEqual(charmcraft["actions"]);
  });

  test("version is package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(member(charmFor("amd64"), "version").toString()).toBe(`${version}\n`);
  });

  test("the arm64 executable is built offline for aarch64", () => {
    const arm64 = join(ROOT, "dist", "arm64", "dispatch");
    expect(readFileSync(arm64).readUInt16LE(18)).toBe(0xb7);
    if (existsSync("/usr/bin/file")) {
      expect(execFileSync("file", ["-b", arm64], { encoding: "utf8" })).toMatch(/^ELF 64-bit LSB executable, ARM aarch64/);
    }
  });
});

describe("the dispatch unpacked from demo_amd64.charm", () => {
  let unpacked = "";
  beforeAll(() => {
    unpacked = unpack(charmFor("amd64"), mkdtempSync(join(tmpdir(), "tscharm-unpacked-")));
  });
  demoBlackBoxSuite(() => join(unpacked, "dispatch"));
});

describe("extractZip (how the simulator unpacks a .charm)", () => {
  test("writes every file with its mode, and refuses an archive with a name that leaves the directory", () => {
    const work = mkdtempSync(join(tmpdir(), "tscharm-zip-"));
    const good = join(work, "good.zip");
    writeZip(good, [
      { name: "dispatch", data: Buffer.from("#!/bin/sh\n"), mode: 0o755 },
      { name: "sub/metadata.yaml", data: Buffer.from("name: x\n"), mode: 0o644 },
    ]);
    extractZip(good, join(work, "out"));
    expect(readFileSync(join(work, "out", "sub", "metadata.yaml"), "utf8")).toBe("name: x\n");
    expect(execFileSync("stat", ["-c", "%a", join(work, "out", "dispatch")], { encoding: "utf8" }).trim()).toBe("755");

    for (const name of ["../escaped", "/tmp/absolute", "sub/../../escaped"]) {
      const bad = join(work, "bad.zip");
      writeZip(bad, [
        { name: "fine", data: Buffer.from("x"), mode: 0o644 },
        { name, data: Buffer.from("x"), mode: 0o644 },
      ]);
      const target = join(work, `bad-${String(readdirSync(work).length)}`);
      expect(() => {
        extractZip(bad, target);
      }).toThrow(`zip entry "${name}" would be written outside the directory`);
      expect(existsSync(target)).toBe(false);
      expect(existsSync(join(work, "escaped"))).toBe(false);
    }
  });
});
