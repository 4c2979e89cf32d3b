// Black-box: the built dist/dispatch of the demo charm, run as Juju runs it, against recording fake
// tools (the suite is test/support/demo-black-box.ts) reached both ways, by spawning them and over
// the unit agent's socket, and what the executable itself is.

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { describe, expect, test } from "vitest";

import { demoBlackBoxSuite } from "../support/demo-black-box.js";

const DISPATCH = resolve(import.meta.dirname, "..", "..", "dist", "dispatch");

describe("tools spawned", () => {
  demoBlackBoxSuite(() => DISPATCH, "spawn");
});
describe("tools over the agent's socket", () => {
  demoBlackBoxSuite(() => DISPATCH, "socket");
});

describe("the executable", () => {
  test("is a stripped x86-64 ELF executable that links only the C and C++ runtime of the base system", () => {
    const header = readFileSync(DISPATCH).subarray(0, 20);
    expect([...header.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // \x7fELF
    expect(header[4]).toBe(2); // 64-bit
    expect(header.readUInt16LE(18)).toBe(0x3e); // EM_X86_64
    const sections = spawnSync("readelf", ["-S", "-W", DISPATCH], { encoding: "utf8" }).stdout;
    expect(sections).toContain(".text");
    expect(sections).not.toContain(".symtab");
    const needed = spawnSync("readelf", ["-d", DISPATCH], { encoding: "utf8" })
      .stdout.split("\n")
      .flatMap((line) => /\(NEEDED\).*\[(.+)\]/.exec(line)?.[1] ?? []);
    const baseSystem = [
      "libdl.so.2",
      "libstdc++.so.6",
      "libm.so.6",
      "libgcc_s.so.1",
      "libpthread.so.0",
      "libc.so.6",
      "ld-linux-x86-64.so.2",
    ];
    expect(needed.length).toBeGreaterThan(0);
    for (const library of needed) expect(baseSystem).toContain(library);
  });

  test("embeds the charm's metadata: the demo's actions and endpoints are known without any YAML", () => {
    const bundle = readFileSync(resolve(import.meta.dirname, "..", "..", "dist", "dispatch.cjs"), "utf8");
    expect(bundle).toContain('"rotate-password"');
    expect(bundle).toContain('interface:"demo-cluster"');
    expect(bundle).not.toMatch(/require\("yaml"\)/);
  });
});
