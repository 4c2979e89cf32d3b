// LocalSystemd (machine/systemd.ts) through LocalCommands against a fake systemctl
// (test/fixtures/systemctl/systemctl) that follows the exit codes and messages systemctl(1) and
// systemd's source document, and records its argv. Nothing here ran against a real systemd.

import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import { LocalCommands, whichSync } from "../../machine/commands.js";
import { localMachine } from "../../machine/local.js";
import { LocalSnap } from "../../machine/snap.js";
import { LocalSystemd, SystemdError } from "../../machine/systemd.js";
import { MACHINE_KIT, runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

const FAKE = resolve(import.meta.dirname, "..", "fixtures", "systemctl", "systemctl");

let dir: string;
let units: string;
let systemd: LocalSystemd;

/** The fake's state: unit <name> exists with this ActiveState, and the flags given. */
function unit(name: string, state: string, ...flags: ("enabled" | "masked" | "reloadable" | "broken")[]): void {
  writeFileSync(join(dir, "units", name), state);
  for (const flag of flags) {
    mkdirSync(join(dir, flag), { recursive: true });
    writeFileSync(join(dir, flag, name), "");
  }
}
function stateOf(name: string): string {
  return readFileSync(join(dir, "units", name), "utf8");
}
/** The systemctl calls so far, each as its argument list. */
function calls(): string[] {
  const log = join(dir, "calls.log");
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "fake-systemctl-"));
  mkdirSync(join(dir, "units"));
  copyFileSync(FAKE, join(dir, "systemctl"));
  chmodSync(join(dir, "systemctl"), 0o755);
  units = join(dir, "etc-systemd-system");
  mkdirSync(units);
  systemd = new LocalSystemd(new LocalCommands(), { systemctl: join(dir, "systemctl"), unitDirectory: units });
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("is-active and is-failed: exit 0 is true, any other false", () => {
  test("running: active is true (exit 0); inactive (3), failed (3), no such unit (4) false", async () => {
    unit("tinyproxy.service", "active");
    unit("idle.service", "inactive");
    unit("crashed.service", "failed");
    await expect(systemd.serviceRunning("tinyproxy")).resolves.toBe(true);
    await expect(systemd.serviceRunning("idle")).resolves.toBe(false);
    await expect(systemd.serviceRunning("crashed")).resolves.toBe(false);
    await expect(systemd.serviceRunning("missing")).resolves.toBe(false);
    expect(calls()).toEqual([
      "--quiet is-active tinyproxy",
      "--quiet is-active idle",
      "--quiet is-active crashed",
      "--quiet is-active missing",
    ]);
  });

  test("failed: failed is true; active (1) and no such unit (4) false", async () => {
    unit("crashed.service", "failed");
    unit("tinyproxy.service", "active");
    await expect(systemd.serviceFailed("crashed")).resolves.toBe(true);
    await expect(systemd.serviceFailed("tinyproxy")).resolves.toBe(false);
    await expect(systemd.serviceFailed("missing")).resolves.toBe(false);
    expect(calls()[0]).toBe("--quiet is-failed crashed");
  });
});

describe("start, stop, restart, enable, disable", () => {
  test("each runs systemctl <verb> with every service given", async () => {
    unit("a.service", "inactive");
    unit("b.service", "inactive");
    await systemd.serviceStart("a", "b");
    expect([stateOf("a.service"), stateOf("b.service")]).toEqual(["active", "active"]);
    await systemd.serviceStop("a");
    expect(stateOf("a.service")).toBe("inactive");
    await systemd.serviceRestart("b.service");
    await systemd.serviceEnable("a", "b");
    await systemd.serviceDisable("b");
    expect(calls()).toEqual(["start a b", "stop a", "restart b.service", "enable a b", "disable b"]);
    expect(readdirSync(join(dir, "enabled"))).toEqual(["a.service"]);
  });

  test("no such unit (exit 5): SystemdError with argv, exit code, output; the message names command and unit", async () => {
    const error = await systemd.serviceStart("missing").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SystemdError);
    const failure = error as SystemdError;
    expect(failure.argv).toEqual([join(dir, "systemctl"), "start", "missing"]);
    expect(failure.exitCode).toBe(5);
    expect(failure.stderr).toBe("Failed to start missing.service: Unit missing.service not found.\n");
    expect(failure.stdout).toBe("");
    expect(failure.message).toBe(
      "systemd: systemctl start missing exited 5 (no such unit): Failed to start missing.service: Unit missing.service not found.",
    );
  });

  test("a job that fails (exit 1) and a masked unit (exit 1) are SystemdErrors", async () => {
    unit("broken.service", "inactive", "broken");
    unit("masked.service", "inactive", "masked");
    const job = (await systemd.serviceRestart("broken").catch((e: unknown) => e)) as SystemdError;
    expect(job).toBeInstanceOf(SystemdError);
    expect(job.exitCode).toBe(1);
    expect(job.message).toMatch(/^systemd: systemctl restart broken exited 1 \(failed\): Job for broken.service failed because/);
    await expect(systemd.serviceStart("masked")).rejects.toThrow(
      "systemctl start masked exited 1 (failed): Failed to start masked.service: Unit masked.service is masked.",
    );
  });

  test("enable of a unit with no unit file exits 1 with systemd's message", async () => {
    await expect(systemd.serviceEnable("missing")).rejects.toThrow(
      "systemd: systemctl enable missing exited 1 (failed): Failed to enable unit: Unit file missing.service does not exist.",
    );
  });

  test("a systemctl that cannot run is SystemdError naming it", async () => {
    const none = new LocalSystemd(new LocalCommands(), { systemctl: join(dir, "no-systemctl") });
    const error = (await none.serviceRunning("tinyproxy").catch((e: unknown) => e)) as SystemdError;
    expect(error).toBeInstanceOf(SystemdError);
    expect(error.exitCode).toBeUndefined();
    expect(error.message).toBe(`systemd: ${join(dir, "no-systemctl")}: cannot run it (no such command)`);
  });
});

describe("reload", () => {
  test("reload of a unit that can reload", async () => {
    unit("tinyproxy.service", "active", "reloadable");
    await systemd.serviceReload("tinyproxy");
    expect(calls()).toEqual(["reload tinyproxy"]);
  });

  test("no ExecReload= (exit 3, job type not applicable) is SystemdError, or a restart with restartOnFailure", async () => {
    unit("tinyproxy.service", "inactive");
    const error = (await systemd.serviceReload("tinyproxy").catch((e: unknown) => e)) as SystemdError;
    expect(error).toBeInstanceOf(SystemdError);
    expect(error.exitCode).toBe(3);
    expect(error.message).toBe(
      "systemd: systemctl reload tinyproxy exited 3 (not applicable): Failed to reload tinyproxy.service: Job type reload is not applicable for unit tinyproxy.service.",
    );
    await systemd.serviceReload("tinyproxy", { restartOnFailure: true });
    expect(calls()).toEqual(["reload tinyproxy", "reload tinyproxy", "restart tinyproxy"]);
    expect(stateOf("tinyproxy.service")).toBe("active");
  });

  test("restartOnFailure: a failing restart is the error", async () => {
    await expect(systemd.serviceReload("missing", { restartOnFailure: true })).rejects.toThrow("systemctl restart missing exited 5");
  });
});

describe("pause and resume, as charmlibs", () => {
  test("pause: disable --now, mask, then it must not run", async () => {
    unit("tinyproxy.service", "active", "enabled");
    await systemd.servicePause("tinyproxy");
    expect(calls()).toEqual(["disable --now tinyproxy", "mask tinyproxy", "--quiet is-active tinyproxy"]);
    expect(stateOf("tinyproxy.service")).toBe("inactive");
    expect(existsSync(join(dir, "masked", "tinyproxy.service"))).toBe(true);
    expect(existsSync(join(dir, "enabled", "tinyproxy.service"))).toBe(false);
  });

  test("resume: unmask, enable --now, then it must run", async () => {
    unit("tinyproxy.service", "inactive", "masked");
    await systemd.serviceResume("tinyproxy");
    expect(calls()).toEqual(["unmask tinyproxy", "enable --now tinyproxy", "--quiet is-active tinyproxy"]);
    expect(stateOf("tinyproxy.service")).toBe("active");
  });

  test("resume of a service that does not start: SystemdError saying why", async () => {
    unit("tinyproxy.service", "inactive", "broken");
    const error = (await systemd.serviceResume("tinyproxy").catch((e: unknown) => e)) as SystemdError;
    expect(error).toBeInstanceOf(SystemdError);
    expect(error.message).toMatch(
      /^systemd: attempted to resume "tinyproxy", but it is not running \(systemctl enable --now tinyproxy exited 1: Job for tinyproxy.service failed/,
    );
  });

  test("pause of a service that keeps running (a fake whose stop does nothing): SystemdError", async () => {
    unit("stubborn.service", "active");
    // This fake refuses every verb but is-active, which says active.
    writeFileSync(join(dir, "systemctl"), '#!/bin/sh\ncase "$*" in *is-active*) exit 0;; esac\necho "Access denied" >&2; exit 4\n');
    const error = (await systemd.servicePause("stubborn").catch((e: unknown) => e)) as SystemdError;
    expect(error).toBeInstanceOf(SystemdError);
    expect(error.message).toBe(
      'systemd: attempted to pause "stubborn", but it is still running (systemctl disable --now stubborn exited 4: Access denied; ' +
        "systemctl mask stubborn exited 4: Access denied)",
    );
  });
});

describe("unit files", () => {
  const CONTENT = "[Unit]\nDescription=tinyproxy\n\n[Service]\nExecStart=/usr/bin/tinyproxy -d\n";

  test("writeUnitFile writes <unitDirectory>/<name> (0644), daemon-reloads, and is true; the same content again is false", async () => {
    await expect(systemd.writeUnitFile("tinyproxy.service", CONTENT)).resolves.toBe(true);
    const path = join(units, "tinyproxy.service");
    expect(readFileSync(path, "utf8")).toBe(CONTENT);
    expect(statSync(path).mode & 0o777).toBe(0o644);
    expect(calls()).toEqual(["daemon-reload"]);
    await expect(systemd.writeUnitFile("tinyproxy.service", CONTENT)).resolves.toBe(false);
    expect(calls()).toEqual(["daemon-reload"]);
    await expect(systemd.writeUnitFile("tinyproxy.service", CONTENT + "Restart=always\n")).resolves.toBe(true);
    expect(calls()).toEqual(["daemon-reload", "daemon-reload"]);
    // No temporary file is left beside it.
    expect(readdirSync(units)).toEqual(["tinyproxy.service"]);
  });

  test("the new content replaces the old by rename: a reader holding the old file keeps reading it whole", async () => {
    await systemd.writeUnitFile("tinyproxy.service", CONTENT);
    const before = statSync(join(units, "tinyproxy.service")).ino;
    await systemd.writeUnitFile("tinyproxy.service", "[Unit]\n");
    expect(statSync(join(units, "tinyproxy.service")).ino).not.toBe(before);
  });

  test("a daemon-reload that fails is SystemdError (the file is written)", async () => {
    writeFileSync(join(dir, "systemctl"), '#!/bin/sh\necho "Failed to reload daemon: Access denied" >&2; exit 1\n');
    await expect(systemd.writeUnitFile("backup.timer", "[Timer]\n")).rejects.toThrow(
      "systemd: systemctl daemon-reload exited 1 (failed): Failed to reload daemon: Access denied",
    );
    expect(readFileSync(join(units, "backup.timer"), "utf8")).toBe("[Timer]\n");
  });

  test("removeUnitFile removes it and daemon-reloads; none there is false without a reload", async () => {
    await systemd.writeUnitFile("worker@.service", CONTENT);
    await expect(systemd.removeUnitFile("worker@.service")).resolves.toBe(true);
    expect(existsSync(join(units, "worker@.service"))).toBe(false);
    await expect(systemd.removeUnitFile("worker@.service")).resolves.toBe(false);
    expect(calls()).toEqual(["daemon-reload", "daemon-reload"]);
  });

  test.each([
    ["no suffix", "tinyproxy"],
    ["a scope (transient only)", "run-1.scope"],
    ["only a suffix", ".service"],
    ["a path", "../passwd.service"],
    ["an option", "--root=.service"],
    ["a space", "my unit.service"],
  ])("a unit file name with %s is a TypeError naming it, and nothing is written", async (_what, name) => {
    await expect(systemd.writeUnitFile(name, CONTENT)).rejects.toThrow(
      new RegExp(`^systemd: unit file name ${JSON.stringify(name).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`),
    );
    await expect(systemd.removeUnitFile(name)).rejects.toBeInstanceOf(TypeError);
    expect(readdirSync(units)).toEqual([]);
    expect(calls()).toEqual([]);
  });
});

describe("service names", () => {
  test("a name systemctl would take as an option, or no name, is a TypeError and nothing runs", async () => {
    await expect(systemd.serviceStop("--all")).rejects.toThrow('systemd: service name "--all" is not a unit name');
    await expect(systemd.serviceRunning("")).rejects.toBeInstanceOf(TypeError);
    await expect(systemd.serviceStart()).rejects.toThrow("systemd: start needs at least one service");
    await expect(systemd.serviceRestart("ok", "bad name")).rejects.toBeInstanceOf(TypeError);
    expect(calls()).toEqual([]);
  });
});

test("localMachine() has the real snap and systemd", () => {
  const machine = localMachine();
  expect(machine.snap).toBeInstanceOf(LocalSnap);
  const real = machine.systemd;
  expect(real).toBeInstanceOf(LocalSystemd);
  if (real instanceof LocalSystemd) expect(real.unitDirectory).toBe("/etc/systemd/system");
});

describe("in a sandbox, with this machine's real systemctl and no running systemd", () => {
  // The sandbox overlays /etc but shares the host's systemd (its D-Bus): run only where none runs.
  const blocker =
    sandboxBlocker() ??
    (existsSync("/run/systemd/system") ? "systemd runs here, and the sandbox would reach it" : undefined) ??
    (whichSync("systemctl") === undefined ? "no systemctl on PATH" : undefined);
  if (blocker !== undefined) console.log(`skipping the sandboxed systemd test: ${blocker}`);

  test.skipIf(blocker !== undefined)(
    "writeUnitFile writes /etc/systemd/system/<name>; systemctl's refusal is SystemdError; no change, no systemctl",
    () => {
      const script = `
      import { existsSync, readFileSync, statSync } from "node:fs";
      const kit = await import(process.env.MACHINE_KIT);
      const failure = async (call) => { try { await call(); return "ok"; } catch (e) { return { name: e.name, exitCode: e.exitCode, message: e.message, argv: e.argv }; } };
      const out = {};
      const unit = "[Unit]\\nDescription=tscharm sandbox\\n";
      out.first = await failure(() => kit.systemd.writeUnitFile("tscharm-sandbox.service", unit));
      out.content = readFileSync("/etc/systemd/system/tscharm-sandbox.service", "utf8");
      out.mode = statSync("/etc/systemd/system/tscharm-sandbox.service").mode & 0o777;
      out.again = await kit.systemd.writeUnitFile("tscharm-sandbox.service", unit);
      out.running = await kit.systemd.serviceRunning("tscharm-sandbox");
      out.start = await failure(() => kit.systemd.serviceStart("tscharm-sandbox"));
      out.remove = await failure(() => kit.systemd.removeUnitFile("tscharm-sandbox.service"));
      out.gone = !existsSync("/etc/systemd/system/tscharm-sandbox.service");
      console.log(JSON.stringify(out));
    `;
      const out = sandboxJson(runInSandbox(script, { env: { MACHINE_KIT } })) as Record<string, unknown>;
      expect(out["content"]).toBe("[Unit]\nDescription=tscharm sandbox\n");
      expect(out["mode"]).toBe(0o644);
      // Written, then daemon-reload refused: systemctl without systemd as PID 1 exits 1.
      expect(out["first"]).toMatchObject({ name: "SystemdError", exitCode: 1, argv: ["systemctl", "daemon-reload"] });
      expect((out["first"] as { message: string }).message).toMatch(/^systemd: systemctl daemon-reload exited 1 \(failed\): /);
      // The same content: nothing written, no daemon-reload, so no error.
      expect(out["again"]).toBe(false);
      expect(out["running"]).toBe(false);
      expect(out["start"]).toMatchObject({ name: "SystemdError", argv: ["systemctl", "start", "tscharm-sandbox"] });
      expect(out["remove"]).toMatchObject({ name: "SystemdError", argv: ["systemctl", "daemon-reload"] });
      expect(out["gone"]).toBe(true);
    },
  );
});
