// LocalCommands against this machine's own processes: which() over PATH, run() (output, exit
// codes, input, environment, timeouts, a missing command) and kill() (probe, no such process, a zombie).
// None of it changes the machine, so it runs here without the sandbox.

import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { CommandError, LocalCommands, failureMessage } from "../../machine/commands.js";

const commands = new LocalCommands();
const scratch = mkdtempSync(join(tmpdir(), "tscharm-commands-"));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<CommandError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CommandError);
  return error as CommandError;
}

describe("which", () => {
  test("finds an executable file on PATH, in PATH's order, and nothing else", async () => {
    const first = join(scratch, "first");
    const second = join(scratch, "second");
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(first, "tool"), "#!/bin/sh\n");
    chmodSync(join(first, "tool"), 0o644); // not executable: skipped
    writeFileSync(join(second, "tool"), "#!/bin/sh\n");
    chmodSync(join(second, "tool"), 0o755);
    mkdirSync(join(first, "adir")); // a directory is no command
    const path = process.env["PATH"];
    process.env["PATH"] = ["relative/dir", "", first, second, "/usr/bin", "/bin"].join(":");
    try {
      expect(await commands.which("tool")).toBe(join(second, "tool"));
      expect(await commands.which("adir")).toBeUndefined();
      expect(await commands.which("sh")).toMatch(/^\/(usr\/)?bin\/sh$/);
      expect(await commands.which("no-such-command-here")).toBeUndefined();
      expect(await commands.which(join(second, "tool"))).toBe(join(second, "tool"));
      expect(await commands.which(join(first, "tool"))).toBeUndefined();
      expect(await commands.which("./tool")).toBeUndefined();
    } finally {
      process.env["PATH"] = path;
    }
  });
});

describe("run", () => {
  test("captures stdout and stderr and the exit code; no shell reads the arguments", async () => {
    const result = await commands.run(["sh", "-c", 'printf "out:%s" "$1"; printf err >&2', "sh", "$HOME; echo no"]);
    expect(result).toEqual({
      argv: ["sh", "-c", 'printf "out:%s" "$1"; printf err >&2', "sh", "$HOME; echo no"],
      exitCode: 0,
      signal: undefined,
      stdout: "out:$HOME; echo no",
      stderr: "err",
    });
  });

  test("a non-zero exit is a CommandError naming the command, the code and stderr; check: false returns it", async () => {
    const error = await rejection(commands.run(["sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"]));
    expect(error.message).toBe("sh exited 3: it broke");
    expect(error.exitCode).toBe(3);
    expect(error.stdout).toBe("partial\n");
    expect(error.stderr).toBe("it broke\n");
    expect(error.argv).toEqual(["sh", "-c", "echo partial; echo 'it broke' >&2; exit 3"]);
    const unchecked = await commands.run(["sh", "-c", "exit 4"], { check: false });
    expect(unchecked.exitCode).toBe(4);
    // Without stderr the message shows stdout's last lines.
    expect((await rejection(commands.run(["sh", "-c", "echo only-stdout; exit 1"]))).message).toBe("sh exited 1: only-stdout");
  });

  test("a command ended by a signal has no exit code and names the signal", async () => {
    const result = await commands.run(["sh", "-c", "kill -TERM $$"], { check: false });
    expect(result.exitCode).toBeUndefined();
    expect(result.signal).toBe("SIGTERM");
    expect((await rejection(commands.run(["sh", "-c", "kill -KILL $$"]))).message).toBe("sh was killed by SIGKILL");
  });

  test("input goes to standard input; a command that does not read it still succeeds", async () => {
    expect((await commands.run(["cat"], { input: "line one\nline two\n" })).stdout).toBe("line one\nline two\n");
    expect((await commands.run(["true"], { input: "x".repeat(4 * 1024 * 1024) })).exitCode).toBe(0);
    expect((await commands.run(["cat"])).stdout).toBe("");
  });

  test("env adds variables and removes those set to undefined; cwd sets the directory", async () => {
    process.env["TSCHARM_TEST_REMOVED"] = "present";
    try {
      const script = 'echo "${TSCHARM_TEST_ADDED-unset} ${TSCHARM_TEST_REMOVED-unset} ${PATH:+has-path}"; pwd';
      const plain = await commands.run(["sh", "-c", script]);
      expect(plain.stdout.split("\n")[0]).toBe("unset present has-path");
      const changed = await commands.run(["sh", "-c", script], {
        env: { TSCHARM_TEST_ADDED: "added", TSCHARM_TEST_REMOVED: undefined },
        cwd: scratch,
      });
      expect(changed.stdout).toBe(`added unset has-path\n${scratch}\n`);
      expect(process.env["TSCHARM_TEST_REMOVED"]).toBe("present");
    } finally {
      delete process.env["TSCHARM_TEST_REMOVED"];
    }
  });

  test("a timeout kills the command and is a CommandError saying so", async () => {
    const started = Date.now();
    const error = await rejection(commands.run(["sleep", "10"], { timeoutMs: 200 }));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error.message).toBe("sleep did not finish within 200 ms and was killed");
    expect(error.result.signal).toBe("SIGKILL");
    // check: false does not hide a timeout.
    await rejection(commands.run(["sleep", "10"], { timeoutMs: 100, check: false }));
  });

  test("a command that cannot start is a CommandError: no such command, or not executable", async () => {
    const missing = await rejection(commands.run(["no-such-command-here", "--flag"]));
    expect(missing.message).toBe("no-such-command-here: cannot run it (no such command)");
    expect(missing.exitCode).toBeUndefined();
    const file = join(scratch, "not-executable");
    writeFileSync(file, "#!/bin/sh\n");
    chmodSync(file, 0o644);
    expect((await rejection(commands.run([file]))).message).toContain(`${file}: cannot run it (`);
    await expect(commands.run([])).rejects.toThrow(TypeError);
  });

  test("failureMessage keeps the last 20 lines of output", () => {
    const stderr = Array.from({ length: 30 }, (_, at) => `line ${String(at)}`).join("\n");
    const message = failureMessage({ argv: ["tool"], exitCode: 1, signal: undefined, stdout: "", stderr });
    expect(message.startsWith("tool exited 1: line 10\n")).toBe(true);
    expect(message.endsWith("line 29")).toBe(true);
  });
});

describe("kill", () => {
  test("signal 0 probes; a signal is delivered; a process that is gone is false (ESRCH)", async () => {
    expect(await commands.kill(process.pid, 0)).toBe(true);
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    const pid = child.pid ?? 0;
    const ended = new Promise<NodeJS.Signals | null>((done) => child.on("exit", (_code, signal) => done(signal)));
    expect(await commands.kill(pid, 0)).toBe(true);
    expect(await commands.kill(pid, "SIGTERM")).toBe(true);
    expect(await ended).toBe("SIGTERM");
    // Reaped now: there is no such process.
    expect(await commands.kill(pid, 0)).toBe(false);
    expect(await commands.kill(pid, "SIGTERM")).toBe(false);
  });

  test("a zombie (ended, not reaped by its parent) is no process, though the kernel still accepts signals for it", async () => {
    // sh starts a short sleep in the background and becomes a long sleep that never reaps it.
    const parent = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      const pid = Number(await new Promise<string>((done) => parent.stdout.once("data", (chunk: Buffer) => done(chunk.toString()))));
      expect(Number.isInteger(pid) && pid > 0).toBe(true);
      // Wait (under load, as long as it takes) until the kernel shows it as a zombie: state Z.
      const state = (): string => {
        const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
      };
      for (let waited = 0; state() !== "Z" && waited < 10_000; waited += 50) await new Promise((done) => setTimeout(done, 50));
      expect(state()).toBe("Z");
      expect(() => process.kill(pid, 0)).not.toThrow();
      expect(await commands.kill(pid, 0)).toBe(false);
      expect(await commands.kill(pid, "SIGTERM")).toBe(false);
    } finally {
      parent.kill("SIGKILL");
    }
  });

  test("a pid that is not a positive integer is a TypeError", async () => {
    await expect(commands.kill(0, 0)).rejects.toThrow(/a positive integer\), not 0$/);
    await expect(commands.kill(-1, "SIGTERM")).rejects.toThrow(TypeError);
    await expect(commands.kill(1.5, 0)).rejects.toThrow(TypeError);
  });
});
