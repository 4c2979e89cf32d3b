// Saved models keep loading: test/fixtures/saved-model-v0 is a persistent model written by the
// simulator before it was split into modules (make.mjs there wrote it). Opening it with today's
// code must give back its units, relations, tasks, secret and debug log, and it must run on.

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { parseStatus } from "../../integration/status-types.js";
import { Simulator } from "../../simulator/simulator.js";

const FIXTURE = join(import.meta.dirname, "..", "fixtures", "saved-model-v0", "root");

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A copy of the saved model at a new place, its paths (saved as @ROOT@) pointing there. */
function copyOfSavedModel(): { root: string; dir: string } {
  const root = mkdtempSync(join(tmpdir(), "tscharm-saved-model-"));
  cleanups.push(() => {
    rmSync(root, { recursive: true, force: true });
  });
  cpSync(FIXTURE, root, { recursive: true });
  const file = join(root, "model", "model.json");
  writeFileSync(file, readFileSync(file, "utf8").replaceAll("@ROOT@", root), { mode: 0o600 });
  return { root, dir: join(root, "model") };
}

async function open(dir: string): Promise<Simulator> {
  const sim = await Simulator.open(dir);
  cleanups.unshift(() => sim.close());
  return sim;
}

function hooksRun(root: string): string[] {
  return readFileSync(join(root, "control", "hooks.log"), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(" ").slice(0, 2).join(" "));
}

describe("a model saved before the simulator was split", () => {
  test("opens with its units, relations, statuses, tasks and debug log", async () => {
    const { dir } = copyOfSavedModel();
    const sim = await open(dir);
    const status = parseStatus(sim.status());
    const recorder = status.apps["recorder"];
    expect(Object.keys(recorder?.units ?? {})).toEqual(["recorder/0", "recorder/1"]);
    expect(recorder?.units["recorder/0"]?.leader).toBe(true);
    expect(recorder?.units["recorder/1"]?.workloadStatus).toMatchObject({ current: "active", message: "exec-was-here" });
    expect(Object.keys(recorder?.relations ?? {}).sort()).toEqual(["backend", "peers"]);
    expect(sim.config("recorder")).toEqual({ greeting: "hello", port: 80 });
    expect(sim.task("1")).toMatchObject({
      unit: "recorder/0",
      kind: "action",
      name: "do",
      status: "completed",
      results: { result: { n: "2" } },
    });
    expect(sim.task("2")).toMatchObject({ unit: "recorder/1", kind: "exec", status: "completed" });
    const history = sim.history();
    expect(history).toHaveLength(31);
    expect(history.map((entry) => entry.seq)).toEqual(Array.from({ length: 31 }, (_, index) => index + 1));
    expect(history.filter((entry) => entry.kind === "hook" && entry.unit === "recorder/0").map((entry) => entry.name)).toEqual([
      "install",
      "peers-relation-created",
      "leader-elected",
      "config-changed",
      "start",
      "peers-relation-joined",
      "peers-relation-changed",
      "backend-relation-created",
      "config-changed",
      "backend-relation-joined",
      "backend-relation-changed",
    ]);
    expect(history.every((entry) => entry.kind === "controller" || entry.outcome === "ok")).toBe(true);
    // Every unit had settled: nothing is left to run; each unit's agent is back (resolve asks it).
    expect(sim.busy()).toBe(false);
    expect(() => {
      sim.resolve("recorder/1");
    }).toThrow('unit "recorder/1" is not in an error state');
    expect(sim.model.relations.get(1)?.unitData.get("recorder/0")).toMatchObject({ ready: "yes" });
  });

  test("runs on: new operations continue its bookkeeping and are saved", async () => {
    const { root, dir } = copyOfSavedModel();
    const sim = await open(dir);
    const secretId = readFileSync(join(root, "control", "secret-id"), "utf8").trim();
    const before = hooksRun(root).length;
    sim.updateStatus(["recorder/1"]);
    sim.rotateSecret(secretId);
    sim.addUnit("recorder");
    await sim.settle();
    const ran = hooksRun(root).slice(before);
    expect(ran).toContain("recorder/1 update-status");
    expect(ran).toContain("recorder/0 secret-rotate");
    // The new unit is numbered after the saved ones and joins both relations; the others see it.
    expect(ran.filter((line) => line.startsWith("recorder/2 ")).slice(0, 5)).toEqual([
      "recorder/2 install",
      "recorder/2 peers-relation-created",
      "recorder/2 backend-relation-created",
      "recorder/2 leader-settings-changed",
      "recorder/2 config-changed",
    ]);
    expect(ran).toContain("recorder/0 peers-relation-joined");
    expect(ran).toContain("recorder/2 backend-relation-joined");
    const task = await sim.runTask(sim.enqueueAction("recorder/leader", "do", { n: 5 }).id);
    expect(task).toMatchObject({ id: "3", unit: "recorder/0", status: "completed", results: { result: { n: "5" } } });
    const seqs = sim.history().map((entry) => entry.seq);
    expect(seqs.slice(0, 32)).toEqual(Array.from({ length: 32 }, (_, index) => index + 1));
    const length = sim.history().length;
    await sim.close();

    const reopened = await open(dir);
    expect(reopened.history()).toHaveLength(length);
    expect(reopened.task("3").results).toMatchObject({ result: { n: "5" } });
    expect(Object.keys(parseStatus(reopened.status()).apps["recorder"]?.units ?? {})).toEqual(["recorder/0", "recorder/1", "recorder/2"]);
  });
});

describe("the model's Juju version is saved with it", () => {
  test("a model saved without a version (before it was kept) opens as Juju 3.6 and runs 3.6's hooks", async () => {
    const { root, dir } = copyOfSavedModel();
    const file = join(dir, "model.json");
    const saved = JSON.parse(readFileSync(file, "utf8")) as { model: Record<string, unknown> };
    Reflect.deleteProperty(saved.model, "jujuVersion");
    writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
    const sim = await open(dir);
    expect(sim.model.jujuVersion).toBe("3.6.4");
    const before = hooksRun(root).length;
    sim.addUnit("recorder");
    await sim.settle();
    expect(hooksRun(root).slice(before)).toContain("recorder/2 leader-settings-changed");
  });

  test("a Juju 4 model reopens as Juju 4; a saved version the simulator cannot model is refused at open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-saved-juju4-"));
    cleanups.push(() => {
      rmSync(dir, { recursive: true, force: true });
    });
    const created = await Simulator.create({ dir, persistent: true, jujuVersion: "4.0.12" });
    await created.close();
    const reopened = await Simulator.open(dir);
    expect(reopened.model.jujuVersion).toBe("4.0.12");
    expect(parseStatus(reopened.status()).model.version).toBe("4.0.12");
    await reopened.close();
    const file = join(dir, "model.json");
    writeFileSync(file, readFileSync(file, "utf8").replace('"jujuVersion":"4.0.12"', '"jujuVersion":"2.9.46"'), { mode: 0o600 });
    await expect(Simulator.open(dir)).rejects.toThrow("Juju 2.9.46 cannot be modelled");
  });
});
