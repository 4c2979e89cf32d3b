// tscharm's xz encoder (interfaces/cos-agent/xz.ts), checked by xz-utils' own decoder: whatever
// it writes, `xz -d` must give back byte for byte (and verify the CRC64), on many inputs.

import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { crc32, crc64, xzCompress } from "../../../interfaces/cos-agent/xz.js";

const xz = spawnSync("xz", ["--version"]);
const noXz = xz.error === undefined ? undefined : "xz (xz-utils) is not installed: .ci/run installs it";

function unxz(data: Uint8Array): Buffer {
  return execFileSync("xz", ["-dc"], { input: data, maxBuffer: 1 << 28 });
}

/** A seeded generator, so a failing input can be made again. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s + Math.imul(s ^ (s >>> 7), 0x297a2d39);
    return ((s ^ (s >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Text-like input: words from a small vocabulary, with repeats near and far. */
function texty(next: () => number, length: number): Uint8Array {
  const words = Array.from({ length: 64 }, (_, i) => `w${i.toString(36)}${"xyz".slice(0, i % 4)}`);
  let s = "";
  while (s.length < length) s += `${words[Math.floor(next() ** 2 * words.length)]}${next() < 0.1 ? "\n" : " "}`;
  return new TextEncoder().encode(s.slice(0, length));
}

describe.skipIf(noXz !== undefined)(`xz decodes what tscharm encodes${noXz === undefined ? "" : ` (skipped: ${noXz})`}`, () => {
  const bytes = (n: number, f: (i: number) => number) => Uint8Array.from({ length: n }, (_, i) => f(i));
  const next = random(15);
  const cases: [string, Uint8Array][] = [
    ["empty", new Uint8Array(0)],
    ["one byte", Uint8Array.of(0x41)],
    ["two bytes", Uint8Array.of(0, 255)],
    ["random 100 KiB (stored chunks)", bytes(100_000, () => Math.floor(next() * 256))],
    ["one byte repeated", new Uint8Array(70_000).fill(7)],
    ["a short period", new TextEncoder().encode("abcabcabd".repeat(50_000))],
    ["3 MiB of zeros (two LZMA2 chunks of 2 MiB at most)", new Uint8Array(3 << 20)],
    ["1 MiB of text (several chunks of 64 KiB packed)", texty(next, 1 << 20)],
    [
      "random then its repeat (long distances)",
      (() => {
        const r = bytes(40_000, () => Math.floor(next() * 256));
        const out = new Uint8Array(80_000);
        out.set(r);
        out.set(r, 40_000);
        return out;
      })(),
    ],
    ["package-lock.json", readFileSync("package-lock.json")],
  ];
  test.each(cases)("%s", (_name, data) => {
    const out = xzCompress(data);
    expect(Buffer.from(out.subarray(0, 6)).toString("hex")).toBe("fd377a585a00");
    expect(unxz(out).equals(Buffer.from(data))).toBe(true);
  });

  test("fuzz: 40 inputs of random sizes and structure", () => {
    const next = random(4242);
    for (let round = 0; round < 40; round++) {
      const length = Math.floor(next() ** 3 * 300_000);
      const kind = Math.floor(next() * 3);
      const data =
        kind === 0
          ? bytes(length, () => Math.floor(next() * 256))
          : kind === 1
            ? texty(next, length)
            : bytes(length, (i) => (next() < 0.05 ? Math.floor(next() * 256) : i % (1 + (round % 13))));
      expect(unxz(xzCompress(data)).equals(Buffer.from(data)), `round ${round}: ${length} bytes, kind ${kind}`).toBe(true);
    }
  });

  test("a damaged check is caught: the CRC64 is real", () => {
    const out = xzCompress(new TextEncoder().encode("hello, grafana ".repeat(100)));
    // The CRC64 is the 8 bytes before the index (12 bytes) and the footer (12 bytes).
    out[out.length - 25] = (out[out.length - 25] as number) ^ 1;
    const result = spawnSync("xz", ["-dc"], { input: out });
    expect(result.status).not.toBe(0);
    expect(result.stderr.toString()).toMatch(/corrupt/i);
  });

  test("real compression: text shrinks as Python's lzma.compress would have it (within 15%)", () => {
    const data = readFileSync("package-lock.json");
    // liblzma's preset 6 makes package-lock.json about 4.3 times smaller; a stored-only encoder would make it larger.
    expect(xzCompress(data).length).toBeLessThan(data.length / 3.5);
  });
});

test("CRC32 and CRC64 of the check string (the .xz specification's test vectors)", () => {
  const check = new TextEncoder().encode("123456789");
  expect(crc32(check).toString(16)).toBe("cbf43926");
  expect(Buffer.from(crc64(check)).reverse().toString("hex")).toBe("995dc9bbdf1939fa");
});
