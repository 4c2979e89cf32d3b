// machine/debian-version.ts against dpkg itself: every pair is also asked of `dpkg --compare-versions`
// (this machine's dpkg), so the expected answers are dpkg's, not ours.

import { spawnSync } from "node:child_process";

import { describe, expect, test } from "vitest";

import { compareVersions, parseVersion } from "../../machine/debian-version.js";

const dpkgMissing = spawnSync("dpkg", ["--version"]).status === 0 ? undefined : "dpkg is not installed here";
if (dpkgMissing !== undefined) console.warn(`debian-version: dpkg comparisons skipped: ${dpkgMissing}`);

/** dpkg's answer for each pair (-1, 0, 1), from one shell loop over them all. */
function dpkgAnswers(pairs: readonly (readonly [string, string])[]): number[] {
  const script =
    'while IFS=" " read -r a b; do if dpkg --compare-versions "$a" lt "$b"; then echo -1; ' +
    'elif dpkg --compare-versions "$a" eq "$b"; then echo 0; else echo 1; fi; done';
  const run = spawnSync("bash", ["-c", script], { input: pairs.map(([a, b]) => `${a} ${b}\n`).join(""), encoding: "utf8" });
  if (run.status !== 0) throw new Error(`dpkg loop failed: ${run.stderr}`);
  return run.stdout.trim().split("\n").map(Number);
}

// Hand-picked: each rule of the algorithm, and charmlibs.apt's two slips (epoch "10" vs "9", "1.0~rc1" vs "1.0").
const CHOSEN: [string, string][] = [
  ["9:1.0", "10:1.0"],
  ["10:1.0", "9:1.0"],
  ["1.0~rc1", "1.0"],
  ["1.0", "1.0~rc1"],
  ["1.0~rc1", "1.0~rc2"],
  ["1.0~~", "1.0~"],
  ["1.0~", "1.0"],
  ["1.0~", "1.0a"],
  ["1.0a", "1.0+"],
  ["1.0+", "1.0."],
  ["1.0", "1.0.0"],
  ["1.2", "1.10"],
  ["1.002", "1.2"],
  ["1.0", "0:1.0"],
  ["1.0", "1.0-0"],
  ["1.0-1", "1.0"],
  ["1.0-1", "1.0-1.1"],
  ["1.0-1~bpo1", "1.0-1"],
  ["2:1.0", "1:9.9"],
  ["1:2.3-4", "1:2.3-4ubuntu1"],
  ["2.36-9+deb12u14", "2.36-9+deb12u9"],
  ["1.0-1-1", "1.0-1"],
  ["1.0a-1", "1.0A-1"],
  ["2026f-0+deb12u1", "2026a-0+deb12u1"],
  ["7.4.3+dfsg-1", "7.4.3-1"],
  ["0.0", "0"],
  ["00001", "1"],
  ["1:1.0", "1.0"],
  ["1.0-a", "1.0-9"],
  ["3.0~beta.1", "3.0~alpha.5"],
];

/** A reproducible stream of versions that exercise every rule (seeded, so a failure can be replayed). */
function randomPairs(count: number, seed: number): [string, string][] {
  let state = seed;
  const next = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
  const run = (alphabet: string, min: number, max: number): string =>
    Array.from({ length: min + next(max - min + 1) }, () => alphabet[next(alphabet.length)] ?? "").join("");
  const version = (): string => {
    const epoch = next(4) === 0 ? `${String(next(12))}:` : "";
    const upstream = `${String(next(10))}${run("0123456789.~+aZz", 0, 6)}`;
    const revision = next(2) === 0 ? `-${run("0123456789.~+bz", 1, 4)}` : "";
    return `${epoch}${upstream}${revision}`;
  };
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const a = version();
    // Often a near neighbour of a, so the pairs share prefixes and reach the interesting branches.
    const b = next(2) === 0 ? version() : `${a.slice(0, next(a.length + 1))}${run("0~.a1-", 0, 3)}`.replace(/-$/, "-1");
    pairs.push([a, b]);
  }
  return pairs.filter(([a, b]) => [a, b].every((v) => !/-.*-$|^-|:-|-:|^\d*:$/.test(v)));
}

describe.skipIf(dpkgMissing !== undefined)("compareVersions agrees with dpkg --compare-versions", () => {
  test("on hand-picked pairs, both ways round", () => {
    const pairs = CHOSEN.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]);
    const dpkg = dpkgAnswers(pairs);
    expect(pairs.map(([a, b]) => `${a} ${b} ${String(compareVersions(a, b))}`)).toEqual(
      pairs.map(([a, b], i) => `${a} ${b} ${String(dpkg[i])}`),
    );
    // The two cases charmlibs.apt gets wrong, stated plainly.
    expect(compareVersions("10:1.0", "9:1.0")).toBe(1);
    expect(compareVersions("1.0~rc1", "1.0")).toBe(-1);
  });

  test("on 600 generated pairs", () => {
    const pairs = randomPairs(600, 14).filter(([a, b]) => {
      try {
        parseVersion(a);
        parseVersion(b);
        return true;
      } catch {
        return false;
      }
    });
    expect(pairs.length).toBeGreaterThan(500);
    const dpkg = dpkgAnswers(pairs);
    const ours = pairs.map(([a, b]) => `${a} ${b} ${String(compareVersions(a, b))}`);
    expect(ours).toEqual(pairs.map(([a, b], i) => `${a} ${b} ${String(dpkg[i])}`));
    // Not a degenerate sample: all three answers occur.
    expect(new Set(dpkg)).toEqual(new Set([-1, 0, 1]));
  }, 60_000);
});

describe("parseVersion", () => {
  test("splits epoch, upstream and revision at the last hyphen", () => {
    expect(parseVersion("2:1.0-rc-3")).toEqual({ epoch: 2, upstream: "1.0-rc", revision: "3" });
    expect(parseVersion("1.0")).toEqual({ epoch: 0, upstream: "1.0", revision: "" });
    expect(parseVersion("1:2:3")).toEqual({ epoch: 1, upstream: "2:3", revision: "" });
  });

  test.each([
    ["", "it is empty"],
    ["1.0 1", "white space"],
    ["x:1.0", 'the epoch "x" is not a number'],
    ["1:", "the upstream version is empty"],
    ["1.0-", "the revision after the last '-' is empty"],
    ["-1", "the upstream version is empty"],
  ])("refuses %j, saying why", (version, why) => {
    expect(() => parseVersion(version)).toThrow(TypeError);
    expect(() => compareVersions("1.0", version)).toThrow(`not a Debian version: ${JSON.stringify(version)}`);
    expect(() => parseVersion(version)).toThrow(why);
  });
});
