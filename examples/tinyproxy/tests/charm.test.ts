// ops' tests/unit/test_charm.py and test_tinyproxy.py, ported: the same tests, names and
// assertions, as state-transition tests (Context, State) on a FakeMachine. Where ops replaces the
// whole workload module with MockTinyproxy, these run the real workload module (hooks/tinyproxy.ts)
// against a machine that has tinyproxy in its archive (tests/tinyproxy-machine.ts), and look at
// what the machine holds afterwards: its packages, files, processes and the signals they got.

import { describe, expect, test } from "vitest";

import { ActiveStatus, BlockedStatus, MaintenanceStatus } from "tscharm";
import { Context, FakeMachine, State } from "tscharm/testing";

import { TinyproxyCharm } from "../hooks/charm.js";
import * as tinyproxy from "../hooks/tinyproxy.js";
import {
  DEBIAN_BOOKWORM,
  FAKE_VERSION,
  TINYPROXY_BIN,
  configText,
  runningTinyproxy,
  tinyproxyInstalled,
  tinyproxyMachine,
} from "./tinyproxy-machine.js";

/** ops' `tinyproxy_installed` fixture: installed, not configured, not running. */
const tinyproxyInstalledFixture = () => tinyproxyMachine({ installed: true });
/** ops' `tinyproxy_configured` fixture: installed, configured with (PORT, "example"), running. */
const tinyproxyConfigured = () => tinyproxyMachine({ installed: true, configured: "example", running: true });

const invalidSlugs = ["", "foo_bar", "foo/bar"];

test("testInstall", async () => {
  // A state-transition test has three broad steps:
  // Step 1. Arrange the input state.
  const machine = tinyproxyMachine();
  const ctx = new Context(TinyproxyCharm, { machine });
  const stateIn = new State();
  // Step 2. Simulate an event, in this case an install event.
  const stateOut = await ctx.run(ctx.on.install(), stateIn);
  // Step 3. Check the output state.
  expect(stateOut.workloadVersion).toBe(FAKE_VERSION);
  expect(stateOut.unitStatus).toEqual(new MaintenanceStatus("Waiting for tinyproxy to start"));
  expect(tinyproxyInstalled(machine)).toBe(true);
});

test("testStart", async () => {
  const machine = tinyproxyInstalledFixture();
  const ctx = new Context(TinyproxyCharm, { machine });
  const stateOut = await ctx.run(ctx.on.start(), new State());
  expect(stateOut.unitStatus).toEqual(new ActiveStatus());
  expect(runningTinyproxy(machine)).toBeDefined();
  expect(machine.fileText(tinyproxy.CONFIG_FILE)).toBe(configText("example"));
});

test("testConfigChanged", async () => {
  const machine = tinyproxyConfigured();
  const before = runningTinyproxy(machine);
  const ctx = new Context(TinyproxyCharm, { machine });
  const stateIn = new State({ config: { slug: "foo" } });
  const stateOut = await ctx.run(ctx.on.configChanged(), stateIn);
  expect(stateOut.unitStatus).toEqual(new ActiveStatus());
  // Still running: the same process, not a restart...
  expect(runningTinyproxy(machine)?.pid).toBe(before?.pid);
  expect(machine.fileText(tinyproxy.CONFIG_FILE)).toBe(configText("foo"));
  // ...told to reload its config.
  expect(runningTinyproxy(machine)?.signals).toEqual(["SIGUSR1"]);
});

describe.each(invalidSlugs)("testStartInvalidConfig[%j]", (invalidSlug) => {
  test("blocked, not started, not configured", async () => {
    const machine = tinyproxyInstalledFixture();
    const ctx = new Context(TinyproxyCharm, { machine });
    const stateIn = new State({ config: { slug: invalidSlug } });
    const stateOut = await ctx.run(ctx.on.start(), stateIn);
    expect(stateOut.unitStatus).toEqual(new BlockedStatus(`Invalid slug: '${invalidSlug}'. Slug must match the regex [a-z0-9-]+`));
    expect(runningTinyproxy(machine)).toBeUndefined();
    expect(machine.fileText(tinyproxy.CONFIG_FILE)).toBeUndefined();
  });
});

describe.each(invalidSlugs)("testConfigChangedInvalidConfig[%j]", (invalidSlug) => {
  test("blocked, still running with the original config, not reloaded", async () => {
    const machine = tinyproxyConfigured();
    const ctx = new Context(TinyproxyCharm, { machine });
    const stateIn = new State({ config: { slug: invalidSlug } });
    const stateOut = await ctx.run(ctx.on.configChanged(), stateIn);
    expect(stateOut.unitStatus).toEqual(new BlockedStatus(`Invalid slug: '${invalidSlug}'. Slug must match the regex [a-z0-9-]+`));
    expect(runningTinyproxy(machine)).toBeDefined(); // tinyproxy should still be running...
    expect(machine.fileText(tinyproxy.CONFIG_FILE)).toBe(configText("example")); // ...with the original config.
    expect(runningTinyproxy(machine)?.signals).toEqual([]);
  });
});

test("testStop", async () => {
  const machine = tinyproxyConfigured();
  const ctx = new Context(TinyproxyCharm, { machine });
  const stateOut = await ctx.run(ctx.on.stop(), new State());
  expect(stateOut.unitStatus).toEqual(new MaintenanceStatus("Waiting for tinyproxy to start"));
  expect(runningTinyproxy(machine)).toBeUndefined();
});

test("testRemove", async () => {
  const machine = tinyproxyInstalledFixture();
  const ctx = new Context(TinyproxyCharm, { machine });
  const stateOut = await ctx.run(ctx.on.remove(), new State());
  expect(stateOut.unitStatus).toEqual(new MaintenanceStatus("Waiting for tinyproxy to be installed"));
  expect(tinyproxyInstalled(machine)).toBe(false);
});

// tests/unit/test_tinyproxy.py
test("testVersion", async () => {
  const machine = tinyproxyMachine({ installed: true });
  expect(await machine.use(() => tinyproxy.getVersion())).toBe(FAKE_VERSION);
});

// Beyond ops' tests: what the port adds (the pin per distribution) and what ops' mock could not show.
describe("beyond ops' tests", () => {
  test("install updates apt, then installs tinyproxy-bin at the version pinned for the machine's distribution", async () => {
    const debian = { ...TINYPROXY_BIN, version: "1.11.1-2.1+deb12u1" };
    const machine = new FakeMachine({ archive: [debian], files: { "/etc/os-release": DEBIAN_BOOKWORM } });
    machine.onCommand("tinyproxy", () => ({ stdout: "tinyproxy 1.11.1\n" }));
    const ctx = new Context(TinyproxyCharm, { machine });
    const stateOut = await ctx.run(ctx.on.install(), new State());
    expect(stateOut.workloadVersion).toBe("1.11.1");
    expect(machine.calls.filter((call) => call.concept === "apt").map((call) => [call.method, ...call.args])).toEqual([
      ["update"],
      ["addPackage", "tinyproxy-bin", { version: "1.11.1-2.1+deb12u1" }],
    ]);
    expect(tinyproxyInstalled(machine)).toBe(true);
  });

  test("install on a base the charm has no pin for fails, naming the base, and installs nothing", async () => {
    const machine = new FakeMachine({ archive: [TINYPROXY_BIN], files: { "/etc/os-release": 'ID=ubuntu\nVERSION_ID="22.04"\n' } });
    const ctx = new Context(TinyproxyCharm, { machine });
    await expect(ctx.run(ctx.on.install(), new State())).rejects.toThrow(
      "install failed: UnsupportedBaseError: tinyproxy-bin has no pinned version for ubuntu 22.04: " +
        "this charm supports ubuntu 24.04 (1.11.1-3), debian 12 (1.11.1-2.1+deb12u1)",
    );
    expect(tinyproxyInstalled(machine)).toBe(false);
    expect(machine.calls.filter((call) => call.concept === "apt")).toEqual([]);
  });

  test("config-changed with the config already in place does not reload", async () => {
    const machine = tinyproxyConfigured();
    const ctx = new Context(TinyproxyCharm, { machine });
    const stateOut = await ctx.run(ctx.on.configChanged(), new State({ config: { slug: "example" } }));
    expect(stateOut.unitStatus).toEqual(new ActiveStatus());
    expect(runningTinyproxy(machine)?.signals).toEqual([]);
    expect(machine.signals).toEqual([]);
  });

  test("start fails when tinyproxy does not come up within 3 polls, 1 s apart", { timeout: 10_000 }, async () => {
    const machine = tinyproxyMachine({ installed: true });
    machine.onCommand("tinyproxy", () => ({})); // exits 0 but never writes its pid file
    const ctx = new Context(TinyproxyCharm, { machine });
    const started = Date.now();
    await expect(ctx.run(ctx.on.start(), new State())).rejects.toThrow(
      "start failed: Error: tinyproxy was not running within the expected time",
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  test("stop fails when tinyproxy outlives SIGTERM for 3 polls, 1 s apart", { timeout: 10_000 }, async () => {
    const machine = tinyproxyMachine({ installed: true, configured: "example" });
    const pid = machine.startProcess(["tinyproxy"], { onSignal: () => false });
    machine.writeFile(tinyproxy.PID_FILE, `${String(pid)}\n`);
    const ctx = new Context(TinyproxyCharm, { machine });
    await expect(ctx.run(ctx.on.stop(), new State())).rejects.toThrow(
      "stop failed: Error: tinyproxy was still running after the expected time",
    );
    expect(machine.signals).toEqual([{ pid, signal: "SIGTERM" }]);
  });

  test("stop, then remove: the package, the config file, its directory and the pid file are gone", async () => {
    const machine = tinyproxyConfigured();
    const ctx = new Context(TinyproxyCharm, { machine });
    await ctx.run(ctx.on.stop(), new State());
    expect(machine.fileText(tinyproxy.PID_FILE)).toBeUndefined(); // the daemon removes it as it ends
    const stateOut = await ctx.run(ctx.on.remove(), new State());
    expect(stateOut.unitStatus).toEqual(new MaintenanceStatus("Waiting for tinyproxy to be installed"));
    expect(tinyproxyInstalled(machine)).toBe(false);
    expect(machine.file(tinyproxy.CONFIG_FILE)).toBeUndefined();
    expect(machine.isDir(tinyproxy.CONFIG_DIR)).toBe(false);
  });

  test("the config file is written with mode 0644, its directory made with 0755", async () => {
    const machine = tinyproxyInstalledFixture();
    const ctx = new Context(TinyproxyCharm, { machine });
    await ctx.run(ctx.on.start(), new State());
    expect((await machine.files.ownership(tinyproxy.CONFIG_DIR)).mode).toBe(0o755);
    expect(machine.file(tinyproxy.CONFIG_FILE)?.mode).toBe(0o644);
  });

  test("parseOsRelease reads quoted and bare values", () => {
    expect(tinyproxy.parseOsRelease(`${DEBIAN_BOOKWORM}# a comment\nBAD LINE\n`)).toMatchObject({
      ID: "debian",
      VERSION_ID: "12",
      NAME: "Debian GNU/Linux",
    });
  });
});
