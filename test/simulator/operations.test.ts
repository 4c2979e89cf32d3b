// simulator/operations.ts: what happens when a hook or task that exited 0 cannot be committed.
// Juju's uniter makes a refused flush the hook's error (juju/juju worker/uniter/runner/runner.go,
// worker/uniter/runner/context/context.go Flush): the unit goes into error, the hook's changes are
// not applied, and `juju resolve` retries it. Nothing a charm does may wedge a unit.

import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, test, vi } from "vitest";

import { parseStatus } from "../../integration/status-types.js";
import { JujuModel } from "../../engine/model.js";
import { Simulator } from "../../simulator/simulator.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The recorder charm with storage `data` (singular unless `multiple` gives a range). */
async function setup(storage: { multiple?: string } = {}): Promise<{ sim: Simulator; charm: RecorderCharm }> {
  const charm = recorderCharm({ storage: true });
  if (storage.multiple !== undefined) {
    const metadata = join(charm.dir, "metadata.yaml");
    writeFileSync(metadata, `${readFileSync(metadata, "utf8")}    multiple:\n      range: ${storage.multiple}\n`);
  }
  const sim = await Simulator.create({ env: { CONTROL: charm.control } });
  cleanups.push(
    () => sim.close({ remove: true }),
    () => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    },
  );
  return { sim, charm };
}

function unitStatus(sim: Simulator, unit = "recorder/0"): { workload: string; message: string } {
  const status = parseStatus(sim.status()).apps["recorder"]?.units[unit];
  return { workload: status?.workloadStatus.current ?? "", message: status?.workloadStatus.message ?? "" };
}

function hooksRun(charm: RecorderCharm): string[] {
  return charm.hooks().map((line) => line.split(" ")[1] ?? "");
}

const SETUP = ["install", "peers-relation-created", "leader-elected", "config-changed", "start"];

describe("storage-add refused at commit: the hook fails, the unit can be resolved", () => {
  test("storage the charm does not declare: Juju's words, nothing committed, resolve retries", async () => {
    const { sim, charm } = await setup();
    // The tool accepts any name (Juju checks it only at commit); the hook's other changes go with it.
    charm.onHook("install", "state-set seen=yes; storage-add nosuch");
    sim.deploy(charm.dir);
    await sim.settle();
    expect(unitStatus(sim)).toEqual({ workload: "error", message: 'hook failed: "install"' });
    expect(sim.history().at(-1)).toMatchObject({
      name: "install",
      exitCode: 0,
      outcome: 'commit failed: adding storage nosuch for unit-recorder-0: storage "nosuch" not found',
    });
    expect(sim.model.unit("recorder/0").state).toEqual({});
    expect([...sim.model.unit("recorder/0").storage.keys()]).toEqual(["data/0"]);
    // Still in error on the next settle (not wedged: nothing runs until resolved).
    await sim.settle();
    expect(hooksRun(charm)).toEqual(["data-storage-attached", "install"]);

    charm.onHook("install", "state-set seen=yes");
    sim.resolve("recorder/0");
    await sim.settle();
    expect(hooksRun(charm)).toEqual(["data-storage-attached", "install", ...SETUP]);
    expect(sim.model.unit("recorder/0").state).toEqual({ seen: "yes" });
    expect(unitStatus(sim).workload).not.toBe("error");
  });

  test("singular storage already attached: cannot attach, storage is singular (state/storage.go)", async () => {
    const { sim, charm } = await setup();
    charm.onHook("start", "storage-add data");
    sim.deploy(charm.dir);
    await sim.settle();
    expect(unitStatus(sim)).toEqual({ workload: "error", message: 'hook failed: "start"' });
    expect(sim.history().at(-1)?.outcome).toBe('commit failed: adding "data" storage to recorder/0: cannot attach, storage is singular');
    expect([...sim.model.unit("recorder/0").storage.keys()]).toEqual(["data/0"]);
    sim.resolve("recorder/0", { noRetry: true });
    await sim.settle();
    expect(unitStatus(sim).workload).not.toBe("error");
  });

  test("multiple: range 1-2: one more is attached (storage-attached follows), a third exceeds the maximum", async () => {
    const { sim, charm } = await setup({ multiple: "1-2" });
    charm.onHook("start", "storage-add data");
    sim.deploy(charm.dir);
    await sim.settle();
    expect([...sim.model.unit("recorder/0").storage.keys()].sort()).toEqual(["data/0", "data/1"]);
    expect(hooksRun(charm).at(-1)).toBe("data-storage-attached");

    charm.onHook("update-status", "storage-add data");
    sim.updateStatus();
    await sim.settle();
    expect(sim.history().at(-1)?.outcome).toBe(
      'commit failed: adding "data" storage to recorder/0: attaching 1 storage instance brings the total to 3, exceeding the maximum of 2',
    );
    expect(unitStatus(sim)).toEqual({ workload: "error", message: 'hook failed: "update-status"' });
  });

  test("in an action: the task fails with Juju's message, and the unit runs the next one", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir);
    await sim.settle();
    charm.onHook("do", "storage-add nosuch");
    const task = await sim.runTask(sim.enqueueAction("recorder/0", "do").id);
    expect(task).toMatchObject({ status: "failed", message: "committing requested changes failed" });
    expect(task.results["stderr"]).toContain('storage "nosuch" not found');
    charm.onHook("do", "true");
    expect((await sim.runTask(sim.enqueueAction("recorder/0", "do").id)).status).toBe("completed");
  });
});

describe("nothing a charm commits wedges its unit", () => {
  // Each bad commit, then the same hook without it: the unit is in error after the first and
  // carries on after `resolve`; the bad hook's other change (state-set) is not applied.
  test.each<[string, string]>([
    ["storage-add of undeclared storage", "storage-add nope"],
    ["storage-add of singular storage", "storage-add data"],
    ["storage-add twice in one hook", "storage-add data=1; storage-add data"],
    ["state over Juju's 2 MiB quota", 'v=$(head -c 60000 /dev/zero | tr "\\0" x); for i in $(seq 40); do state-set "k$i=$v"; done'],
    ["a port opened on an endpoint the charm lacks", "open-port 8080 --endpoints nosuch"],
  ])("%s", async (_what, bad) => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir);
    await sim.settle();
    charm.onHook("config-changed", `state-set marker=bad; ${bad}`);
    sim.setConfig("recorder", { greeting: "changed" });
    await sim.settle();
    expect(unitStatus(sim)).toEqual({ workload: "error", message: 'hook failed: "config-changed"' });
    expect(sim.history().at(-1)?.outcome).toMatch(/^commit failed: /);
    expect(sim.model.unit("recorder/0").state["marker"]).toBeUndefined();

    charm.onHook("config-changed", "state-set marker=good");
    sim.resolve("recorder/0");
    await sim.settle();
    expect(unitStatus(sim).workload).not.toBe("error");
    expect(sim.model.unit("recorder/0").state["marker"]).toBe("good");
    expect(() => {
      sim.resolve("recorder/0");
    }).toThrow('unit "recorder/0" is not in an error state');
  });

  test("an error of the simulator's own while applying a hook is the hook's error, not a crash", async () => {
    const { sim, charm } = await setup({ multiple: "1-3" });
    sim.deploy(charm.dir);
    await sim.settle();
    const requestStorage = vi.spyOn(JujuModel.prototype, "requestStorage").mockImplementation(() => {
      throw new Error("disk on fire");
    });
    charm.onHook("update-status", "storage-add data");
    sim.updateStatus();
    await expect(sim.settle()).resolves.toBeGreaterThan(0);
    expect(unitStatus(sim)).toEqual({ workload: "error", message: 'hook failed: "update-status"' });
    expect(sim.history().at(-1)?.outcome).toBe("commit failed: the simulator could not apply the hook's changes: disk on fire");
    requestStorage.mockRestore();
    sim.resolve("recorder/0");
    await sim.settle();
    expect(unitStatus(sim).workload).not.toBe("error");
    expect([...sim.model.unit("recorder/0").storage.keys()].sort()).toEqual(["data/0", "data/1"]);
  });
});
