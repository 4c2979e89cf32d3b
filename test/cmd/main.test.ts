// cmd/main.ts: which errors the CLI reports as one line and exit code 1 (by their code, or the
// simulator's class), and which it lets through with their stack.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, expect, test, vi } from "vitest";

import { BuildError } from "../../cmd/build.js";
import { LockError } from "../../cmd/lockfile.js";
import { knownErrorMessage, main } from "../../cmd/main.js";
import { SimCommandError, integration } from "../../cmd/sim.js";
import { ArchiveError, MetadataError, TscharmError, YamlError } from "../../project/errors.js";

afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

test("each of tscharm's own errors carries its code, and the CLI prints its message", () => {
  const errors: [TscharmError, string][] = [
    [new MetadataError("metadata.yaml: name: required"), "metadata"],
    [new YamlError("config.yaml: bad"), "yaml"],
    [new ArchiveError("not a zip archive"), "archive"],
    [new BuildError("2 TypeScript errors"), "build"],
    [new LockError("no lock"), "lock"],
    [new SimCommandError("--format must be yaml or json"), "sim-command"],
  ];
  for (const [error, code] of errors) {
    expect(error).toBeInstanceOf(TscharmError);
    expect(error.code).toBe(code);
    expect(knownErrorMessage(error)).toBe(error.message);
  }
  expect(new MetadataError("x").name).toBe("MetadataError");
});

test("an error that is not tscharm's is not known: its stack is shown", () => {
  expect(knownErrorMessage(new Error("a bug"))).toBeUndefined();
  expect(knownErrorMessage("a string")).toBeUndefined();
  // A name alone does not make an error known: the CLI decides by code or class, not by name.
  const named = Object.assign(new Error("looks like one"), { name: "MetadataError" });
  expect(knownErrorMessage(named)).toBeUndefined();
});

test("the simulator's errors are known once a command has loaded the simulator", async () => {
  const { SimulatorError } = await integration();
  expect(knownErrorMessage(new SimulatorError("no simulated model in /tmp/x"))).toBe("no simulated model in /tmp/x");
});

function captureStderr(): string[] {
  const stderr: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  return stderr;
}

test("main prints `tscharm: <message>` and sets exit code 1 for the simulator's error", async () => {
  const stderr = captureStderr();
  const model = join(mkdtempSync(join(tmpdir(), "tscharm-main-")), "none");
  await main(["node", "tscharm", "sim", "status", "-m", model]);
  expect(process.exitCode).toBe(1);
  expect(stderr.join("")).toBe(`tscharm: no simulated model in ${model}: start one with \`tscharm sim deploy\`\n`);
});

test("main prints `tscharm: <message>` and sets exit code 1 for a command-line mistake", async () => {
  const stderr = captureStderr();
  await main(["node", "tscharm", "run", "install", "--format", "xml"]);
  expect(process.exitCode).toBe(1);
  expect(stderr.join("")).toBe('tscharm: --format must be yaml or json, not "xml"\n');
});
