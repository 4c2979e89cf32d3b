// ops' tests/unit/test_charm.py and test_tinyproxy.py, ported: the same tests, names and
// assertions, as state-transition tests (Context, State) on a FakeMachine. Where ops replaces the
// whole workload module with MockTinyproxy, these run the real workload module (hooks/tinyproxy.ts)
// against a machine that has tinyproxy in its archive (tests/tinyproxy-machine.ts), and look at
// what the machine holds afterwards: its packages, files, processes and the signals they got.

import { describe, expect, test } from "vitest";

import { ActiveStatus, BlockedStatus, MaintenanceStatus } from "tscharm";
import { Context, State } from "tscharm/testing";

import { TinyproxyCharm } from "../hooks/charm.js";
import * as tinyproxy from "../hooks/tinyproxy.js";
import { FAKE_VERSION, PORT, configText, runningTinyproxy, tinyproxyInstalled, tinyproxyMachine } from "./tinyproxy-machine.js";

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
