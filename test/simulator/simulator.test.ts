// The simulator's hook sequencing, error handling and bookkeeping, with a bash charm that records
// the environment of every hook (test/support/recorder-charm.ts) so each case runs in a second.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { debugLogLines } from "../../integration/juju.js";
import { parseStatus } from "../../integration/status-types.js";
import { running } from "../../simulator/leftover-processes.js";
import { Simulator, SimulatorError } from "../../simulator/simulator.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(
  options: { seed?: number; storage?: boolean; hookTimeoutMs?: number; dir?: string; jujuVersion?: string } = {},
): Promise<{ sim: Simulator; charm: RecorderCharm }> {
  const charm = recorderCharm({ ...(options.storage === undefined ? {} : { storage: options.storage }) });
  const sim = await Simulator.create({
    env: { CONTROL: charm.control },
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: options.hookTimeoutMs }),
    ...(options.jujuVersion === undefined ? {} : { jujuVersion: options.jujuVersion }),
    ...(options.dir === undefined ? {} : { dir: options.dir, persistent: true }),
  });
  cleanups.push(
    () => sim.close({ remove: true }),
    () => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    },
  );
  return { sim, charm };
}

/** The hooks one unit ran, as "<hook>" or "<hook> <field>=<value>…" with only the fields asked for. */
function hooksOf(charm: RecorderCharm, unit: string, fields: readonly string[] = []): string[] {
  return charm
    .hooks()
    .filter((line) => line.startsWith(`${unit} `))
    .map((line) => {
      const [, hook = "", ...rest] = line.split(" ");
      const shown = rest.filter((pair) => fields.some((field) => pair.startsWith(`${field}=`)));
      return [hook, ...shown].join(" ");
    });
}

const SETUP_LEADER = ["install", "peers-relation-created", "leader-elected", "config-changed", "start"];
const SETUP_FOLLOWER = ["install", "peers-relation-created", "leader-settings-changed", "config-changed", "start"];

describe("a new unit's hooks, in Juju's order", () => {
  test("one unit: install, peer relation-created, leader-elected, config-changed, start", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 1 });
    await sim.settle();
    expect(hooksOf(charm, "recorder/0")).toEqual(SETUP_LEADER);
  });

  test("storage is attached before install", async () => {
    const { sim, charm } = await setup({ storage: true });
    sim.deploy(charm.dir);
    await sim.settle();
    expect(hooksOf(charm, "recorder/0")).toEqual(["data-storage-attached", ...SETUP_LEADER]);
  });

  test("a unit learns of its relations once installed: none in install, the peer relation from relation-created on", async () => {
    const { sim, charm } = await setup();
    charm.onHook("install", 'echo "install: $(relation-ids peers)" >> "$CONTROL/ids"');
    charm.onHook("peers-relation-created", 'echo "created: $(relation-ids peers)" >> "$CONTROL/ids"');
    sim.deploy(charm.dir);
    await sim.settle();
    expect(readFileSync(join(charm.control, "ids"), "utf8")).toBe("install: \ncreated: peers:0\n");
  });

  test(
    "three units: the others run leader-settings-changed; " + "each joins the others, relation-changed right after each relation-joined",
    async () => {
      const { sim, charm } = await setup();
      sim.deploy(charm.dir, { numUnits: 3 });
      await sim.settle();
      for (const unit of ["recorder/0", "recorder/1", "recorder/2"]) {
        const hooks = hooksOf(charm, unit, ["remote"]);
        expect(hooks.slice(0, 5).map((hook) => hook.split(" ")[0])).toEqual(unit === "recorder/0" ? SETUP_LEADER : SETUP_FOLLOWER);
        const others = ["recorder/0", "recorder/1", "recorder/2"].filter((other) => other !== unit);
        expect(hooks.slice(5)).toEqual(
          others.flatMap((other) => [`peers-relation-joined remote=${other}`, `peers-relation-changed remote=${other}`]),
        );
      }
      const line = charm.hooks().find((entry) => entry.startsWith("recorder/1 peers-relation-joined"));
      expect(line).toBe("recorder/1 peers-relation-joined rel=peers:0 remote=recorder/0 departing= secret= revision=");
    },
  );
});

// What Juju 4 changed for a unit's hooks (docs/juju-versions.md): no leader settings, so no
// leader-settings-changed (juju/juju internal/worker/uniter/leadership/resolver.go on main) and no
// leader-get/leader-set (internal/worker/uniter/runner/jujuc/server.go on main).
describe("Juju 4", () => {
  const SETUP_FOLLOWER_4 = ["install", "peers-relation-created", "config-changed", "start"];

  test("followers run no leader-settings-changed; JUJU_VERSION says 4.0.12; leader-set is an unknown command", async () => {
    const { sim, charm } = await setup({ jujuVersion: "4.0.12" });
    charm.onHook("install", 'echo "$JUJU_UNIT_NAME $JUJU_VERSION" >> "$CONTROL/versions"');
    charm.onHook("config-changed", 'leader-set k=v 2>> "$CONTROL/leader-set" || echo "exit $?" >> "$CONTROL/leader-set"', "recorder/0");
    sim.deploy(charm.dir, { numUnits: 3 });
    await sim.settle();
    expect(hooksOf(charm, "recorder/0").slice(0, 5)).toEqual(SETUP_LEADER);
    for (const unit of ["recorder/1", "recorder/2"]) expect(hooksOf(charm, unit).slice(0, 4)).toEqual(SETUP_FOLLOWER_4);
    expect(charm.hooks().filter((line) => line.includes("leader-settings-changed"))).toEqual([]);
    expect(readFileSync(join(charm.control, "versions"), "utf8").split("\n").sort()).toEqual([
      "",
      "recorder/0 4.0.12",
      "recorder/1 4.0.12",
      "recorder/2 4.0.12",
    ]);
    expect(readFileSync(join(charm.control, "leader-set"), "utf8")).toBe("ERROR bad request: unknown command: leader-set\nexit 1\n");
    expect(parseStatus(sim.status()).model.version).toBe("4.0.12");
  });

  test("refresh: upgrade-charm, config-changed, start on every unit; leadership moving runs only leader-elected", async () => {
    const { sim, charm } = await setup({ jujuVersion: "4.0.12" });
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    let before = charm.hooks().length;
    sim.refresh("recorder", charm.dir);
    await sim.settle();
    const names = (from: number): string[] =>
      charm
        .hooks()
        .slice(from)
        .map((line) => line.split(" ").slice(0, 2).join(" "));
    expect(names(before).filter((line) => line.startsWith("recorder/1 "))).toEqual([
      "recorder/1 upgrade-charm",
      "recorder/1 config-changed",
      "recorder/1 start",
    ]);
    before = charm.hooks().length;
    sim.removeUnit("recorder/0");
    await sim.settle();
    expect(names(before).filter((line) => line.startsWith("recorder/1 "))).toContain("recorder/1 leader-elected");
    expect(names(before).filter((line) => line.includes("leader-settings-changed"))).toEqual([]);
  });

  test("a unit's join bag: ingress-address and egress-subnets, and private-address on 3.6 only", async () => {
    for (const [jujuVersion, keys] of [
      ["3.6.4", ["egress-subnets", "ingress-address", "private-address"]],
      ["4.0.12", ["egress-subnets", "ingress-address"]],
    ] as const) {
      const { sim, charm } = await setup({ jujuVersion });
      charm.onHook("peers-relation-joined", 'relation-get --format=json - "$JUJU_REMOTE_UNIT" > "$CONTROL/bag"', "recorder/1");
      sim.deploy(charm.dir, { numUnits: 2 });
      await sim.settle();
      expect(Object.keys(JSON.parse(readFileSync(join(charm.control, "bag"), "utf8")) as object)).toEqual(keys);
    }
  });

  test("a version the simulator cannot model is refused, saying which it can", async () => {
    await expect(Simulator.create({ jujuVersion: "3.5.7" })).rejects.toThrow(
      'Juju 3.5.7 cannot be modelled: the simulator and the test kit model Juju 3.6 and 4.x (a version such as "3.6.4" or "4.0.12")',
    );
    await expect(Simulator.create({ jujuVersion: "latest" })).rejects.toThrow(SimulatorError);
    await expect(Simulator.create({ jujuVersion: "latest" })).rejects.toThrow('Juju version "latest" is not a version such as');
  });
});

describe("relation data changes", () => {
  test("a unit's write reaches the others as relation-changed, never the writer", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 3 });
    await sim.settle();
    const before = charm.hooks().length;
    charm.onHook("update-status", "relation-set -r peers:0 colour=blue", "recorder/1");
    sim.updateStatus(["recorder/1"]);
    await sim.settle();
    expect(
      charm
        .hooks()
        .slice(before)
        .map((line) => line.split(" ").slice(0, 4).join(" "))
        .sort(),
    ).toEqual([
      "recorder/0 peers-relation-changed rel=peers:0 remote=recorder/1",
      "recorder/1 update-status rel= remote=",
      "recorder/2 peers-relation-changed rel=peers:0 remote=recorder/1",
    ]);
  });

  test("the leader's application data reaches the others as relation-changed with no remote unit", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const before = charm.hooks().length;
    charm.onHook("update-status", "relation-set --app -r peers:0 leader=recorder/0", "recorder/0");
    sim.updateStatus(["recorder/0"]);
    await sim.settle();
    expect(charm.hooks().slice(before)).toEqual([
      "recorder/0 update-status rel= remote= departing= secret= revision=",
      "recorder/1 peers-relation-changed rel=peers:0 remote= departing= secret= revision=",
    ]);
  });

  test("rewriting the same values is no change: nobody hears of it", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    charm.onHook("update-status", "relation-set -r peers:0 colour=blue", "recorder/0");
    sim.updateStatus(["recorder/0"]);
    await sim.settle();
    const before = charm.hooks().length;
    sim.updateStatus(["recorder/0"]);
    await sim.settle();
    expect(
      charm
        .hooks()
        .slice(before)
        .map((line) => line.split(" ").slice(0, 2).join(" ")),
    ).toEqual(["recorder/0 update-status"]);
  });

  test("leader-set reaches the others as leader-settings-changed", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const before = charm.hooks().length;
    charm.onHook("update-status", "leader-set mode=fast", "recorder/0");
    sim.updateStatus(["recorder/0"]);
    await sim.settle();
    expect(
      charm
        .hooks()
        .slice(before)
        .map((line) => line.split(" ").slice(0, 2).join(" ")),
    ).toEqual(["recorder/0 update-status", "recorder/1 leader-settings-changed"]);
  });
});

describe("relations between applications", () => {
  test(
    "integrate: relation-created everywhere, then joined and changed per remote unit; " + "remove-relation: departed, then broken",
    async () => {
      const { sim, charm } = await setup();
      sim.deploy(charm.dir, { app: "pg", numUnits: 1 });
      sim.deploy(charm.dir, { app: "web", numUnits: 2 });
      await sim.settle();
      const before = charm.hooks().length;
      const id = sim.integrate("web:backend", "pg:db");
      await sim.settle();
      const after = charm.hooks().slice(before);
      const of = (unit: string): string[] =>
        after.filter((line) => line.startsWith(`${unit} `)).map((line) => line.split(" ").slice(1, 4).join(" "));
      expect(of("pg/0")).toEqual([
        `db-relation-created rel=db:${String(id)} remote=`,
        `db-relation-joined rel=db:${String(id)} remote=web/0`,
        `db-relation-changed rel=db:${String(id)} remote=web/0`,
        `db-relation-joined rel=db:${String(id)} remote=web/1`,
        `db-relation-changed rel=db:${String(id)} remote=web/1`,
      ]);
      expect(of("web/1")).toEqual([
        `backend-relation-created rel=backend:${String(id)} remote=`,
        `backend-relation-joined rel=backend:${String(id)} remote=pg/0`,
        `backend-relation-changed rel=backend:${String(id)} remote=pg/0`,
      ]);
      expect(parseStatus(sim.status()).apps["web"]?.relations["backend"]).toEqual([
        { relatedApp: "pg", interface: "pgsql", scope: "global" },
      ]);

      const middle = charm.hooks().length;
      sim.removeRelation("web", "pg");
      await sim.settle();
      const teardown = charm.hooks().slice(middle);
      expect(teardown.filter((line) => line.startsWith("pg/0 ")).map((line) => line.split(" ").slice(1, 4).join(" "))).toEqual([
        `db-relation-departed rel=db:${String(id)} remote=web/0`,
        `db-relation-departed rel=db:${String(id)} remote=web/1`,
        `db-relation-broken rel=db:${String(id)} remote=`,
      ]);
      expect(teardown.filter((line) => line.startsWith("web/0 ")).map((line) => line.split(" ")[1])).toEqual([
        "backend-relation-departed",
        "backend-relation-broken",
      ]);
      expect(sim.model.relations.has(id)).toBe(false);
      expect(() => sim.removeRelation("web", "pg")).toThrow('relation "web pg" not found');
    },
  );

  test("integrate refuses what Juju refuses", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { app: "a" });
    sim.deploy(charm.dir, { app: "b" });
    expect(() => sim.integrate("a", "b")).toThrow(/^ambiguous relation: "a b" could refer to "a:db b:backend"; "a:backend b:db"$/);
    sim.integrate("a:db", "b");
    expect(() => sim.integrate("a:db", "b:backend")).toThrow(
      'cannot add relation "a:db b:backend": relation a:db b:backend already exists',
    );
    expect(() => sim.integrate("a:peers", "b")).toThrow('no relations found between "a:peers" and "b"');
  });
});

describe("units going away, and leadership", () => {
  test("removing the leader: it departs everyone, stops, is removed; the next unit is elected, the others hear of it", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 3 });
    await sim.settle();
    const before = charm.hooks().length;
    sim.removeUnit("recorder/0");
    await sim.settle();
    const after = charm.hooks().slice(before);
    const of = (unit: string): string[] =>
      after
        .filter((line) => line.startsWith(`${unit} `))
        .map((line) =>
          line
            .split(" ")
            .filter((part) => !/^(rel|secret|revision)=/.test(part))
            .slice(1)
            .join(" "),
        );
    expect(of("recorder/0")).toEqual([
      "peers-relation-departed remote=recorder/1 departing=recorder/0",
      "peers-relation-departed remote=recorder/2 departing=recorder/0",
      "stop remote= departing=",
      "remove remote= departing=",
    ]);
    expect(of("recorder/1")).toEqual([
      "peers-relation-departed remote=recorder/0 departing=recorder/0",
      "leader-elected remote= departing=",
    ]);
    expect(of("recorder/2")).toEqual([
      "peers-relation-departed remote=recorder/0 departing=recorder/0",
      "leader-settings-changed remote= departing=",
    ]);
    const units = parseStatus(sim.status()).apps["recorder"]?.units ?? {};
    expect(Object.keys(units)).toEqual(["recorder/1", "recorder/2"]);
    expect(units["recorder/1"]?.leader).toBe(true);
    expect(units["recorder/2"]?.leader).toBe(false);
    // Juju never reuses a unit number.
    expect(sim.addUnit("recorder")).toEqual(["recorder/3"]);
  });

  test("removing a unit that does not exist is refused with Juju's words", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir);
    expect(() => sim.removeUnit("recorder/7")).toThrow('removing unit recorder/7 failed: unit "recorder/7" does not exist');
  });
});

describe("a failed hook", () => {
  test("puts the unit in error until resolved; a retry runs the hook again, then the unit carries on", async () => {
    const { sim, charm } = await setup();
    charm.failHook("install");
    sim.deploy(charm.dir, { numUnits: 1 });
    await sim.settle();
    expect(hooksOf(charm, "recorder/0")).toEqual(["install"]);
    const unit = parseStatus(sim.status()).apps["recorder"]?.units["recorder/0"];
    expect(unit?.workloadStatus).toMatchObject({ current: "error", message: 'hook failed: "install"' });
    expect(unit?.jujuStatus.current).toBe("idle");
    expect(sim.status()).toMatchObject({
      applications: { recorder: { units: { "recorder/0": { "workload-status": { "status-data": { hook: "install" } } } } } },
    });
    expect(sim.history().at(-1)).toMatchObject({
      unit: "recorder/0",
      name: "install",
      exitCode: 1,
      outcome: "failed",
      stderr: "failing install as asked\n",
    });

    charm.failHook("install", false);
    sim.resolve("recorder/0");
    await sim.settle();
    expect(hooksOf(charm, "recorder/0")).toEqual(["install", ...SETUP_LEADER]);
    expect(parseStatus(sim.status()).apps["recorder"]?.units["recorder/0"]?.workloadStatus.current).toBe("maintenance");
    expect(() => sim.resolve("recorder/0")).toThrow('unit "recorder/0" is not in an error state');
  });

  test("resolve --no-retry marks the hook done without running it", async () => {
    const { sim, charm } = await setup();
    charm.failHook("config-changed");
    sim.deploy(charm.dir);
    await sim.settle();
    sim.resolve("recorder/0", { noRetry: true });
    await sim.settle();
    expect(hooksOf(charm, "recorder/0")).toEqual(SETUP_LEADER);
    expect(sim.history().find((entry) => entry.outcome.startsWith("skipped"))).toMatchObject({ name: "config-changed" });
  });

  test("a failed relation hook names the relation and remote unit; the hook's writes are discarded", async () => {
    const { sim, charm } = await setup();
    charm.onHook("peers-relation-joined", "relation-set -r peers:0 half=done; exit 3", "recorder/1");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const status = sim.status() as { applications: { recorder: { units: Record<string, { "workload-status": unknown }> } } };
    expect(status.applications.recorder.units["recorder/1"]?.["workload-status"]).toMatchObject({
      current: "error",
      message: 'hook failed: "peers-relation-joined"',
      "status-data": { hook: "peers-relation-joined", "relation-id": 0, "remote-unit": "recorder/0" },
    });
    expect(sim.model.relation(0).unitData.get("recorder/1")?.["half"]).toBeUndefined();
    expect(sim.history().find((entry) => entry.unit === "recorder/1" && entry.name === "peers-relation-joined")?.exitCode).toBe(3);
  });

  test("a hook that runs too long is killed and fails", async () => {
    const { sim, charm } = await setup({ hookTimeoutMs: 300 });
    charm.onHook("install", "sleep 5");
    sim.deploy(charm.dir);
    await sim.settle();
    expect(sim.history().find((entry) => entry.name === "install")?.outcome).toBe("timed out");
    expect(parseStatus(sim.status()).apps["recorder"]?.units["recorder/0"]?.workloadStatus.message).toBe('hook failed: "install"');
  });
});

describe("actions and exec", () => {
  test("results, log, failure and exit codes as `juju run` reports them", async () => {
    const { sim, charm } = await setup();
    charm.onHook("do", 'action-log "working on $(action-get n)"; action-set result.n="$(action-get n)"');
    charm.onHook("fail", 'if [[ -f "$CONTROL/crash" ]]; then exit 2; fi; action-fail "no can do"');
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();

    const done = await sim.runTask(sim.enqueueAction("recorder/leader", "do", { n: 3 }).id);
    expect(done).toMatchObject({ unit: "recorder/0", status: "completed", message: "", results: { result: { n: "3" }, "return-code": 0 } });
    expect(done.log).toHaveLength(1);
    expect(done.log[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC working on 3$/);
    expect((await sim.runTask(sim.enqueueAction("recorder/1", "do").id)).results).toMatchObject({ result: { n: "1" } });

    expect(await sim.runTask(sim.enqueueAction("recorder/1", "fail").id)).toMatchObject({ status: "failed", message: "no can do" });
    rmSync(join(charm.control, "run-fail"));
    charm.onHook("fail", "echo oops >&2; exit 2");
    expect(await sim.runTask(sim.enqueueAction("recorder/1", "fail").id)).toMatchObject({
      status: "failed",
      message: "exit status 2",
      results: { "return-code": 2, stderr: "oops\n" },
    });
    // A failed action is not a failed hook.
    expect(parseStatus(sim.status()).apps["recorder"]?.units["recorder/1"]?.workloadStatus.current).not.toBe("error");
  });

  test("what `juju run` refuses before anything runs", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir);
    expect(() => sim.enqueueAction("recorder/0", "nope")).toThrow('action "nope" not defined on unit "recorder/0"');
    expect(() => sim.enqueueAction("recorder/0", "do", { n: "three" })).toThrow(
      'invalid parameters for action "do": validation failed: (root).n : must be of type integer, given "three"',
    );
    expect(() => sim.enqueueAction("recorder/0", "do", { m: 1 })).toThrow('(root) : additional property "m" is not allowed, given {"m":1}');
    expect(() => sim.enqueueAction("recorder/9", "do")).toThrow('unit "recorder/9" not found');
    expect(() => sim.enqueueAction("other/leader", "do")).toThrow('application "other" not found');
  });

  test("an action runs on a unit in error", async () => {
    const { sim, charm } = await setup();
    charm.failHook("start");
    charm.onHook("do", "action-set ok=yes");
    sim.deploy(charm.dir);
    await sim.settle();
    expect(await sim.runTask(sim.enqueueAction("recorder/0", "do").id)).toMatchObject({ status: "completed", results: { ok: "yes" } });
  });

  test("exec runs a shell command in a hook context, hook tools on PATH", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const task = await sim.runTask(
      sim.enqueueExec("recorder/1", 'is-leader; echo "$JUJU_UNIT_NAME ${JUJU_DISPATCH_PATH-none}"; exit 4').id,
    );
    expect(task).toMatchObject({ status: "completed", results: { "return-code": 4, stdout: "False\nrecorder/1 none\n" } });
  });
});

describe("config, update-status, refresh", () => {
  test("config: checked against the charm's options; config-changed on every unit only when something changed", async () => {
    const { sim, charm } = await setup();
    charm.onHook("config-changed", 'echo "$(config-get port)" >> "$CONTROL/port-${JUJU_UNIT_NAME/\\//-}"');
    sim.deploy(charm.dir, { numUnits: 2, config: { port: 81 } });
    await sim.settle();
    expect(() => sim.setConfig("recorder", { colour: "red" })).toThrow('unknown option "colour"');
    expect(() => sim.setConfig("recorder", { port: "eighty" })).toThrow('option "port" expected int, got "eighty"');
    expect(() => sim.deploy(charm.dir, { app: "other", config: { port: true } })).toThrow('option "port" expected int, got true');
    sim.setConfig("recorder", { port: 81 });
    await sim.settle();
    sim.setConfig("recorder", { port: "8080" });
    await sim.settle();
    sim.setConfig("recorder", {}, ["port"]);
    await sim.settle();
    expect(readFileSync(join(charm.control, "port-recorder-1"), "utf8")).toBe("81\n8080\n80\n");
    expect(sim.config("recorder")).toEqual({ greeting: "hi", port: 80 });
  });

  test(
    "update-status runs on demand; " + "refresh runs upgrade-charm, config-changed, leader-settings-changed (not on the leader), start",
    async () => {
      const { sim, charm } = await setup();
      sim.deploy(charm.dir, { numUnits: 2 });
      await sim.settle();
      let before = charm.hooks().length;
      sim.updateStatus();
      await sim.settle();
      expect(
        charm
          .hooks()
          .slice(before)
          .map((line) => line.split(" ").slice(0, 2).join(" ")),
      ).toEqual(["recorder/0 update-status", "recorder/1 update-status"]);
      before = charm.hooks().length;
      sim.refresh("recorder", charm.dir);
      await sim.settle();
      const after = charm.hooks().slice(before);
      const of = (unit: string): string[] => after.filter((line) => line.startsWith(`${unit} `)).map((line) => line.split(" ")[1] ?? "");
      expect(of("recorder/0")).toEqual(["upgrade-charm", "config-changed", "start"]);
      expect(of("recorder/1")).toEqual(["upgrade-charm", "config-changed", "leader-settings-changed", "start"]);
      expect(parseStatus(sim.status()).apps["recorder"]?.charmRev).toBe(1);
    },
  );
});

describe("refresh on a unit in error", () => {
  /** A second revision of the recorder charm: the same, but it notes each hook it runs in v2.log. */
  function revisionTwo(charm: RecorderCharm): string {
    const dir = join(charm.control, "..", "charm-v2");
    cpSync(charm.dir, dir, { recursive: true });
    const dispatch = join(dir, "dist", "dispatch");
    writeFileSync(
      dispatch,
      readFileSync(dispatch, "utf8").replace("set -e\n", 'set -e\necho "${JUJU_DISPATCH_PATH#*/}" >> "$CONTROL/v2.log"\n'),
    );
    return dir;
  }
  const v2Hooks = (charm: RecorderCharm): string[] =>
    existsSync(join(charm.control, "v2.log")) ? readFileSync(join(charm.control, "v2.log"), "utf8").trim().split("\n") : [];

  test("keeps the old charm until resolved: the failed hook runs again on it, then upgrade-charm on the new one", async () => {
    const { sim, charm } = await setup();
    charm.failHook("start");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    charm.failHook("start", false);
    const before = charm.hooks().length;
    sim.refresh("recorder", revisionTwo(charm));
    await sim.settle();
    // recorder/0's start failed (recorder/1 never got that far: the hook failed there too).
    expect(parseStatus(sim.status()).apps["recorder"]?.units["recorder/0"]?.workloadStatus.message).toBe('hook failed: "start"');
    expect(readFileSync(join(sim.charmDir("recorder/0"), "dispatch"), "utf8")).not.toContain("v2.log");
    expect(charm.hooks().slice(before)).toEqual([]);

    sim.resolve("recorder/0");
    await sim.settle();
    const after = ["upgrade-charm", "config-changed", "start", "peers-relation-joined", "peers-relation-changed"];
    expect(hooksOf(charm, "recorder/0").slice(-6)).toEqual(["start", ...after]);
    // Only the retried start ran on the old charm (recorder/1 stays on it, in error).
    expect(v2Hooks(charm)).toEqual(after);
    expect(readFileSync(join(sim.charmDir("recorder/0"), "dispatch"), "utf8")).toContain("v2.log");
    // recorder/1 is still in error, on the old charm.
    expect(readFileSync(join(sim.charmDir("recorder/1"), "dispatch"), "utf8")).not.toContain("v2.log");
  });

  test("--force-units switches the charm at once: the unit stays in error, and upgrade-charm never runs for it", async () => {
    const { sim, charm } = await setup();
    charm.failHook("start");
    sim.deploy(charm.dir);
    await sim.settle();
    charm.failHook("start", false);
    const before = charm.hooks().length;
    sim.refresh("recorder", revisionTwo(charm), { forceUnits: true });
    await sim.settle();
    expect(charm.hooks().slice(before)).toEqual([]);
    expect(readFileSync(join(sim.charmDir("recorder/0"), "dispatch"), "utf8")).toContain("v2.log");
    expect(parseStatus(sim.status()).apps["recorder"]).toMatchObject({
      charmRev: 1,
      units: { "recorder/0": { workloadStatus: { current: "error", message: 'hook failed: "start"' } } },
    });
    expect(debugLogLines(sim.history()).join("\n")).toContain(
      "recorder/0 switched to revision 1 while in error (refresh --force-units): no upgrade-charm",
    );

    sim.resolve("recorder/0");
    await sim.settle();
    expect(v2Hooks(charm)).toEqual(["start", "config-changed"]);
    expect(parseStatus(sim.status()).apps["recorder"]?.units["recorder/0"]?.workloadStatus.current).not.toBe("error");
  });

  test("a unit added after a refresh runs the new charm and no upgrade-charm", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir);
    await sim.settle();
    sim.refresh("recorder", revisionTwo(charm));
    await sim.settle();
    sim.addUnit("recorder");
    await sim.settle();
    expect(hooksOf(charm, "recorder/1")).not.toContain("upgrade-charm");
    expect(hooksOf(charm, "recorder/1").slice(0, 5)).toEqual(SETUP_FOLLOWER);
  });
});

describe("secrets", () => {
  test(
    "a new revision: secret-changed to units tracking the secret, secret-remove to the owner once the old one is unused; " +
      "rotate and expire on demand",
    async () => {
      const { sim, charm } = await setup();
      charm.onHook("leader-elected", 'secret-add --label creds password=one > "$CONTROL/secret-id"');
      charm.onHook(
        "config-changed",
        'if [[ -s "$CONTROL/secret-id" ]]; then secret-get "$(cat "$CONTROL/secret-id")" > /dev/null; fi',
        "recorder/1",
      );
      charm.onHook("secret-changed", 'secret-get --refresh "$JUJU_SECRET_ID" > /dev/null');
      sim.deploy(charm.dir, { numUnits: 2 });
      await sim.settle();
      const id = readFileSync(join(charm.control, "secret-id"), "utf8").trim();
      expect(id).toMatch(/^secret:\/\/[0-9a-f-]+\/[0-9a-v]{20}$/);

      const before = charm.hooks().length;
      charm.onHook("update-status", `secret-set "${id}" password=s3cr3t-two`, "recorder/0");
      sim.updateStatus(["recorder/0"]);
      await sim.settle();
      expect(
        charm
          .hooks()
          .slice(before)
          .map((line) =>
            line
              .split(" ")
              .filter((part) => !/^(rel|remote|departing)=/.test(part))
              .join(" "),
          ),
      ).toEqual([
        "recorder/0 update-status secret= revision=",
        "recorder/1 secret-changed secret=set revision=",
        "recorder/0 secret-remove secret=set revision=1",
      ]);

      const middle = charm.hooks().length;
      sim.rotateSecret(id);
      sim.expireSecret(id);
      await sim.settle();
      expect(
        charm
          .hooks()
          .slice(middle)
          .map((line) =>
            line
              .split(" ")
              .filter((part) => !/^(rel|remote|departing)=/.test(part))
              .join(" "),
          ),
      ).toEqual(["recorder/0 secret-rotate secret=set revision=", "recorder/0 secret-expired secret=set revision=2"]);

      // The new content was a secret-set argument: the debug log shows its key, never its value.
      const log = debugLogLines(sim.history()).join("\n");
      expect(log).toContain("secret-set");
      expect(log).toContain("password=<redacted>");
      expect(log).not.toContain("s3cr3t-two");
    },
  );
});

describe("the debug log", () => {
  test("each juju-log record once, the hook's stdout and stderr, secret content never", async () => {
    const { sim, charm } = await setup();
    charm.onHook("leader-elected", 'secret-add --label creds password=one > "$CONTROL/secret-id"');
    charm.onHook(
      "update-status",
      [
        'juju-log --log-level ERROR "Uncaught Error in charm code: Error: boom',
        '    at handler (hooks/charm.ts:42:11)"',
        "juju-log -l WARNING || true",
        'printf "%s" s3cr3t-from-file > "$CONTROL/content"',
        'secret-set "$(cat "$CONTROL/secret-id")" password#file="$CONTROL/content"',
        "echo 'apt-get: done'",
        "echo 'E: something went wrong' >&2",
        "exit 1",
      ].join("\n"),
    );
    sim.deploy(charm.dir);
    await sim.settle();
    sim.updateStatus();
    await sim.settle();
    const log = debugLogLines(sim.history()).join("\n");
    expect(log.split("Error: boom")).toHaveLength(2);
    expect(log.split("hooks/charm.ts:42:11")).toHaveLength(2);
    expect(log).toContain("unit-recorder-0: ");
    expect(log).toMatch(
      / ERROR unit\.recorder\/0\.juju-log Uncaught Error in charm code: Error: boom\n {4}at handler \(hooks\/charm\.ts:42:11\)\n/,
    );
    // A successful juju-log call is its record; a failed one is shown, without a message to show.
    expect(log).not.toContain("juju.sim.hook-tool juju-log --log-level ERROR");
    expect(log).toMatch(/ DEBUG juju\.sim\.hook-tool juju-log -l WARNING \(exit 2, via spawn\): ERROR no message specified$/m);
    expect(log).toMatch(/ DEBUG juju\.sim\.hook-tool secret-set secret:\S+ password#file=\S+\/content \(exit 0, via spawn\)$/m);
    expect(log).toMatch(/ DEBUG unit\.recorder\/0\.update-status apt-get: done$/m);
    expect(log).toMatch(/ WARNING unit\.recorder\/0\.update-status E: something went wrong$/m);
    expect(log).toMatch(/ ERROR juju\.worker\.uniter\.operation ran "update-status" hook: failed, exit 1, /);
    expect(log).not.toContain("s3cr3t-from-file");
  });
});

describe("juju status", () => {
  test("leader only on the leader, no empty messages, the application's status from its most severe unit, open ports", async () => {
    const { sim, charm } = await setup();
    charm.onHook("start", "status-set active; open-port 8080/tcp");
    charm.onHook("start", 'status-set blocked "needs a database"', "recorder/2");
    sim.deploy(charm.dir, { numUnits: 3 });
    await sim.settle();
    const json = sim.status() as { applications: { recorder: { units: Record<string, Record<string, unknown>> } } };
    const units = json.applications.recorder.units;
    expect(units["recorder/0"]?.["leader"]).toBe(true);
    expect("leader" in (units["recorder/1"] ?? {})).toBe(false);
    expect(units["recorder/1"]?.["workload-status"]).toEqual({
      current: "active",
      since: expect.stringMatching(/^\d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\dZ$/) as unknown,
    });
    expect(units["recorder/1"]?.["open-ports"]).toEqual(["8080/tcp"]);
    const status = parseStatus(json);
    expect(status.apps["recorder"]?.appStatus).toMatchObject({ current: "blocked", message: "needs a database" });
    expect(status.model).toMatchObject({ type: "iaas", version: "3.6.4" });
    expect(status.machines["2"]?.dnsName).toBe("10.1.0.12");
  });
});

describe("addresses, ports, version and goal-state, as Juju shows them", () => {
  async function exec(sim: Simulator, unit: string, command: string): Promise<string> {
    const task = await sim.runTask(sim.enqueueExec(unit, command).id);
    expect(task).toMatchObject({ status: "completed" });
    const stdout = (task.results as { stdout?: unknown } | undefined)?.stdout;
    return typeof stdout === "string" ? stdout : "";
  }

  // juju/juju apiserver/facades/agent/uniter/networkinfo.go and uniter.go (updateUnitNetworkInfoOperation):
  // the bags a unit's agent fills in come from the network info network-get prints.
  test("one address per unit: unit-get, network-get, the unit's relation bag and juju status agree", async () => {
    const { sim, charm } = await setup();
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const seen = await exec(
      sim,
      "recorder/0",
      "unit-get private-address; network-get peers --bind-address; network-get juju-info --ingress-address; " +
        'network-get peers --egress-subnets; relation-get -r "$(relation-ids peers)" - recorder/1 --format=json',
    );
    expect(seen).toBe(
      '10.1.0.10\n10.1.0.10\n10.1.0.10\n10.1.0.10/32\n{"egress-subnets":"10.1.0.11/32","ingress-address":"10.1.0.11","private-address":"10.1.0.11"}\n',
    );
    expect(await exec(sim, "recorder/1", "network-get peers --format=json")).toBe(
      '{"bind-addresses":[{"mac-address":"","interface-name":"eth0","addresses":[{"hostname":"","value":"10.1.0.11","cidr":"10.1.0.0/24"}]}],' +
        '"egress-subnets":["10.1.0.11/32"],"ingress-addresses":["10.1.0.11"]}\n',
    );
    const units = (sim.status() as { applications: { recorder: { units: Record<string, Record<string, unknown>> } } }).applications.recorder
      .units;
    expect(units["recorder/1"]?.["public-address"]).toBe("10.1.0.11");
  });

  test("open ports in Juju's order; the version of the current units; goal-state with since and no peer relation", async () => {
    const { sim, charm } = await setup();
    charm.onHook(
      "start",
      "open-port 8080/tcp; open-port 53/udp; open-port 80/tcp; open-port icmp; application-version-set 1.0",
      "recorder/0",
    );
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    await exec(sim, "recorder/1", "application-version-set 2.0");
    const status = (): { version?: unknown; units: Record<string, Record<string, unknown>> } =>
      (sim.status() as { applications: { recorder: { version?: unknown; units: Record<string, Record<string, unknown>> } } }).applications
        .recorder;
    expect(status().units["recorder/0"]?.["open-ports"]).toEqual(["icmp", "80/tcp", "8080/tcp", "53/udp"]);
    expect(status().version).toBe("2.0");
    const goal = JSON.parse(await exec(sim, "recorder/0", "goal-state --format=json")) as {
      units: Record<string, { status: string; since: string }>;
      relations: Record<string, unknown>;
    };
    expect(Object.keys(goal.units).sort()).toEqual(["recorder/0", "recorder/1"]);
    for (const entry of Object.values(goal.units)) expect(entry.since).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    expect(goal.relations).toEqual({});
    sim.removeUnit("recorder/1");
    await sim.settle();
    // The version's writer is gone: Juju shows the remaining unit's.
    expect(status().version).toBe("1.0");
  });
});

describe("goal-state of a unit in error", () => {
  // juju/juju state/unit.go (3.6): Unit.Status() puts the agent's error in the workload's place,
  // and goal-state (apiserver/facades/agent/uniter/uniter.go, goalStateUnits) reads Unit.Status().
  test("a unit whose hook failed is in error in the others' goal-state, until it is resolved", async () => {
    const { sim, charm } = await setup();
    charm.onHook("start", "exit 1", "recorder/1");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const goal = async (): Promise<Record<string, { status: string; since: string }>> => {
      const task = await sim.runTask(sim.enqueueExec("recorder/0", "goal-state --format=json").id);
      const stdout = task.results["stdout"];
      return (JSON.parse(typeof stdout === "string" ? stdout : "{}") as { units: Record<string, { status: string; since: string }> }).units;
    };
    expect((await goal())["recorder/1"]?.status).toBe("error");
    charm.onHook("start", "status-set active", "recorder/1");
    sim.resolve("recorder/1");
    await sim.settle();
    expect((await goal())["recorder/1"]?.status).toBe("active");
  });
});

describe("scheduling", () => {
  async function run(seed: number | undefined): Promise<{ order: string[]; status: string }> {
    const { sim, charm } = await setup(seed === undefined ? {} : { seed });
    sim.deploy(charm.dir, { numUnits: 4 });
    await sim.settle();
    sim.removeUnit("recorder/0");
    await sim.settle();
    const units = parseStatus(sim.status()).apps["recorder"]?.units ?? {};
    return {
      order: charm.hooks().map((line) => line.split(" ").slice(0, 4).join(" ")),
      status: JSON.stringify(Object.entries(units).map(([name, unit]) => [name, unit.leader, unit.workloadStatus.current])),
    };
  }

  test("the same seed gives the same interleaving; another seed another one, to the same end", async () => {
    const first = await run(42);
    const again = await run(42);
    const other = await run(7);
    const roundRobin = await run(undefined);
    expect(again.order).toEqual(first.order);
    expect(other.order).not.toEqual(first.order);
    expect(roundRobin.order).toEqual((await run(undefined)).order);
    expect(new Set([first.status, other.status, roundRobin.status]).size).toBe(1);
    expect([...first.order].sort()).toEqual([...other.order].sort());
  });

  test("a charm that never settles is stopped with the last hooks named", async () => {
    const { sim, charm } = await setup();
    charm.onHook("peers-relation-changed", 'relation-set -r peers:0 n="$RANDOM$RANDOM"');
    sim.deploy(charm.dir, { numUnits: 2 });
    await expect(sim.settle({ maxOperations: 40 })).rejects.toThrow(
      /^the model did not settle after 40 operations \(latest: .*peers-relation-changed/,
    );
  });
});

describe("destroying the model", () => {
  /**
   * Three ways a start hook leaves a workload running: a new session (out of the hook's process
   * group, found by its environment), a plain background job that keeps the hook's stdout and
   * stderr open, and one with an empty environment working in the charm directory.
   */
  const START_WORKLOADS = [
    "u=${JUJU_UNIT_NAME/\\//-}",
    'setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $! >> "$CONTROL/pids-$u"',
    'sleep 1001 & echo $! >> "$CONTROL/pids-$u"',
    'env -i /usr/bin/sleep 1002 < /dev/null > /dev/null 2>&1 & echo $! >> "$CONTROL/pids-$u"',
  ].join("\n");

  function pids(charm: RecorderCharm, unit: string): number[] {
    return readFileSync(join(charm.control, `pids-${unit.replace("/", "-")}`), "utf8")
      .trim()
      .split("\n")
      .map(Number);
  }

  test("every unit departs, stops and is removed; then the processes its hooks left running are stopped", async () => {
    const { sim, charm } = await setup({ hookTimeoutMs: 20_000 });
    charm.onHook("start", START_WORKLOADS);
    sim.deploy(charm.dir, { numUnits: 2 });
    sim.deploy(charm.dir, { app: "pg" });
    await sim.settle();
    sim.integrate("recorder:backend", "pg:db");
    await sim.settle();
    // A background job holding the hook's pipes does not hold the hook: it ended with its process.
    const start = sim.history().find((entry) => entry.unit === "recorder/0" && entry.name === "start");
    expect(start).toMatchObject({ outcome: "ok", exitCode: 0 });
    expect(start?.durationMs).toBeLessThan(5000);
    const workloads = ["recorder/0", "recorder/1", "pg/0"].flatMap((unit) => pids(charm, unit));
    expect(workloads).toHaveLength(9);
    expect(workloads.filter((pid) => running(pid))).toEqual(workloads);

    const before = charm.hooks().length;
    const report = await sim.destroy();
    const teardown = charm
      .hooks()
      .slice(before)
      .map((line) => line.split(" ").slice(0, 2).join(" "));
    // Relations in id order (the peer relation first), then stop and remove.
    expect(teardown.filter((line) => line.startsWith("recorder/0 "))).toEqual([
      "recorder/0 peers-relation-departed",
      "recorder/0 backend-relation-departed",
      "recorder/0 backend-relation-broken",
      "recorder/0 stop",
      "recorder/0 remove",
    ]);
    expect(teardown.filter((line) => line.startsWith("pg/0 ")).slice(-2)).toEqual(["pg/0 stop", "pg/0 remove"]);
    expect([...report.removed].sort()).toEqual(["pg/0", "recorder/0", "recorder/1"]);
    expect(report.forced).toEqual([]);
    expect(report.stopped.map((entry) => entry.pid).sort()).toEqual([...workloads].sort());
    expect(workloads.filter((pid) => running(pid))).toEqual([]);
    expect(parseStatus(sim.status()).apps).toEqual({});
    const log = debugLogLines(sim.history()).join("\n");
    expect(log).toContain("destroying the model: every unit tears down");
    expect(log).toMatch(/stopped process \d+ the hooks left running: sleep 1000/);
  });

  test("a teardown hook that fails does not hold the teardown: that unit is removed by force, its processes still stopped", async () => {
    const { sim, charm } = await setup();
    charm.onHook("start", START_WORKLOADS);
    charm.failHook("stop");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const workloads = [...pids(charm, "recorder/0"), ...pids(charm, "recorder/1")];
    const report = await sim.destroy();
    expect(report.removed).toEqual([]);
    expect(report.forced).toEqual([
      { unit: "recorder/0", reason: "its stop hook failed (destroy-model --force does not wait for a unit in error)" },
      { unit: "recorder/1", reason: "its stop hook failed (destroy-model --force does not wait for a unit in error)" },
    ]);
    expect(charm.hooks().filter((line) => line.includes(" remove "))).toEqual([]);
    expect(workloads.filter((pid) => running(pid))).toEqual([]);
  });

  test("a teardown that runs out of time is cut short: the hook is killed and the rest removed by force", async () => {
    const { sim, charm } = await setup();
    charm.onHook("stop", "sleep 30");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const started = Date.now();
    const report = await sim.destroy({ timeoutMs: 800 });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(sim.history().find((entry) => entry.name === "stop")?.outcome).toBe("timed out");
    expect(report.forced.map((entry) => entry.unit).sort()).toEqual(["recorder/0", "recorder/1"]);
    expect(sim.model.units.size).toBe(0);
  });

  test("close({ remove: true }) destroys the model first; a unit in error is removed by force without running anything", async () => {
    const charm = recorderCharm();
    cleanups.push(() => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    });
    const sim = await Simulator.create({ env: { CONTROL: charm.control } });
    charm.onHook("install", 'setsid sleep 1003 < /dev/null > /dev/null 2>&1 & echo $! > "$CONTROL/pid"');
    charm.failHook("config-changed");
    sim.deploy(charm.dir);
    await sim.settle();
    const pid = Number(readFileSync(join(charm.control, "pid"), "utf8"));
    expect(running(pid)).toBe(true);
    const before = charm.hooks().length;
    await sim.close({ remove: true });
    expect(charm.hooks().slice(before)).toEqual([]);
    expect(running(pid)).toBe(false);
    expect(() => readFileSync(join(sim.dir, "model.json"))).toThrow(/ENOENT/);
    await expect(sim.destroy()).rejects.toThrow("the simulator is closed");
  });
});

describe("a model kept in a directory", () => {
  test("saved after every change, opened again where it was left", async () => {
    const dir = mkdtempSync(join(tmpdir(), "tscharm-sim-saved-"));
    const { sim, charm } = await setup({ dir });
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    await sim.close();
    await expect(Simulator.create({ dir })).rejects.toThrow(SimulatorError);

    const again = await Simulator.open(dir);
    cleanups.push(() => again.close({ remove: true }));
    expect(Object.keys(parseStatus(again.status()).apps["recorder"]?.units ?? {})).toEqual(["recorder/0", "recorder/1"]);
    expect(again.history().length).toBe(sim.history().length);
    again.addUnit("recorder");
    await again.settle();
    expect(hooksOf(charm, "recorder/2").slice(0, 5)).toEqual(SETUP_FOLLOWER);
    expect(hooksOf(charm, "recorder/0").slice(-2)).toEqual(["peers-relation-joined", "peers-relation-changed"]);
    await expect(Simulator.open(join(dir, "nope"))).rejects.toThrow(/no simulated model in/);
  });
});
