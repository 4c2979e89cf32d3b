// runtime/hook-tools/spawn.ts: starting a tool through Node's spawn_sync binding, and through node:child_process.

import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { ModelError } from "../../../runtime/errors.js";
import { ProcessHookTools } from "../../../runtime/hook-tools/index.js";
import { spawnChild, spawnSyncBinding, spawnTool } from "../../../runtime/hook-tools/spawn.js";

describe("the production runner", () => {
  test("production spawns through Node's spawn_sync binding (no node:child_process to load)", () => {
    expect(spawnSyncBinding()).toBeDefined();
    expect(spawnTool("true", [])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
  });
});

// spawnTool (through the binding) and spawnChild (node:child_process, its fallback) must agree on everything.
describe.each([
  ["spawnTool", spawnTool],
  ["spawnChild", spawnChild],
])("%s", (_name, spawn) => {
  test("a tool that is not on PATH says so", () => {
    const error = catchError(() => spawn("tscharm-no-such-tool", []));
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toBe('hook tool "tscharm-no-such-tool" is not on PATH: Juju provides it only while it runs a hook');
  });

  test("a tool that cannot be executed says why", () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-spawn-"));
    const tool = join(dir, "not-executable");
    writeFileSync(tool, "#!/bin/sh\necho hi\n");
    chmodSync(tool, 0o644);
    const error = catchError(() => spawn(tool, []));
    expect(error).toBeInstanceOf(ModelError);
    expect(error.message).toMatch(new RegExp(`^could not run hook tool "${tool}": .*EACCES`));
  });

  test("the runner passes argv verbatim (no shell) and stdin, and reports exit codes", () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-spawn-"));
    const tool = join(dir, "echo-tool");
    writeFileSync(tool, '#!/bin/sh\nprintf "%s|" "$@"; cat; echo "to stderr" >&2; exit 3\n');
    chmodSync(tool, 0o755);
    const result = spawn(tool, ["a b", "$HOME", "--", "*", "-r", "ünï✓"], "stdin text ✓");
    expect(result).toEqual({ exitCode: 3, stdout: "a b|$HOME|--|*|-r|ünï✓|stdin text ✓", stderr: "to stderr\n" });
    const tools = new ProcessHookTools((_tool, args, stdin) => spawn(tool, args, stdin));
    expect(catchError(() => tools.isLeader())).toMatchObject({ exitCode: 3, stderr: "to stderr\n" });
  });

  test("the tool gets this process's environment and finds tools on its PATH", () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-spawn-"));
    writeFileSync(join(dir, "env-tool"), '#!/bin/sh\nprintf "%s" "$TSCHARM_SPAWN_TEST"\n');
    chmodSync(join(dir, "env-tool"), 0o755);
    const saved = { path: process.env["PATH"], value: process.env["TSCHARM_SPAWN_TEST"] };
    process.env["PATH"] = `${dir}:${saved.path ?? ""}`;
    process.env["TSCHARM_SPAWN_TEST"] = "x=y z";
    try {
      expect(spawn("env-tool", [])).toEqual({ exitCode: 0, stdout: "x=y z", stderr: "" });
    } finally {
      process.env["PATH"] = saved.path;
      if (saved.value === undefined) delete process.env["TSCHARM_SPAWN_TEST"];
    }
  });

  test("large output and input pass whole, and a tool killed by a signal is reported", () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-spawn-"));
    const tool = join(dir, "cat-tool");
    writeFileSync(tool, '#!/bin/sh\ncat\n[ "$1" = kill ] && kill -TERM $$\nexit 0\n');
    chmodSync(tool, 0o755);
    const big = "x".repeat(3 * 1024 * 1024);
    expect(spawn(tool, [], big).stdout).toHaveLength(big.length);
    expect(spawn(tool, ["kill"], "partial")).toEqual({ exitCode: 128, stdout: "partial", stderr: "killed by SIGTERM" });
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
