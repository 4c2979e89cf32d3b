// The runtime's hook-tool discipline over a whole dispatch (a deferred event, the event, then
// collect-status): no call a handler did not ask for; is-leader at most once per 30 s; config and
// each relation bag read at most once per hook; relation-list only when units are asked for; no
// relation-set when nothing changed. bench/dispatch.mjs shows the same on the built executable.

import { describe, expect, test } from "vitest";

import { CharmBase } from "../../runtime/charm.js";
import type { CollectStatusEvent, EventBase } from "../../runtime/events.js";
import type { Framework } from "../../runtime/framework.js";
import { LEADERSHIP_GUARANTEE_MS } from "../../runtime/leadership.js";
import { ActiveStatus } from "../../runtime/status.js";
import { MemoryStateStore } from "../../runtime/state-file.js";
import { jujuEnv } from "../support/juju-env.js";
import { ManualClock } from "../support/model.js";
import { dispatch } from "../support/run.js";

const answers = {
  "relation-ids cluster --format=json": '["cluster:1"]',
  "is-leader": "true",
  "config-get": '{"greeting":"hi","port":8080}',
  "relation-get --format=json -r cluster:1 --app - demo": '{"leader":"demo/0","greeting":"hi"}',
  "relation-get --format=json -r cluster:1 - demo/0": '{"ready":"no"}',
  "relation-list --format=json -r cluster:1": '["demo/1","demo/2"]',
};

/** Counts of each tool called, e.g. { "is-leader": 1 }. */
function counts(lines: readonly string[]): Record<string, number> {
  const result: Record<string, number> = {};
  for (const line of lines) {
    const tool = line.split(" ")[0] ?? "";
    result[tool] = (result[tool] ?? 0) + 1;
  }
  return result;
}

/** A charm that asks for the same things over and over, from three handlers in one dispatch. */
class Greedy extends CharmBase {
  /** What the last config-changed handler does between its two leadership checks. */
  static between: () => void = () => undefined;
  static askUnits = false;
  /** Everything the handlers read, so that no read is optimised away or flagged as unused. */
  static reads: unknown[] = [];

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.install, this.touch);
    framework.observe(this.on.configChanged, this.onConfigChanged);
    framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
      this.touch();
      event.addStatus(new ActiveStatus(String(this.config["greeting"])));
    });
  }

  touch = (): void => {
    const cluster = this.model.getRelation("cluster");
    Greedy.reads.push(this.config["greeting"], this.unit.isLeader(), cluster?.data.get(this.app).get("leader"));
  };

  onConfigChanged = (_event: EventBase): void => {
    this.touch();
    const cluster = this.model.getRelation("cluster");
    if (cluster === undefined) throw new Error("no peer relation");
    expect(this.model.getRelation("cluster")).toBe(cluster);
    expect(this.model.relations("cluster")).toEqual([cluster]);
    Greedy.reads.push(this.config["port"], this.unit.isLeader());
    Greedy.between();
    if (this.unit.isLeader()) {
      // The same values again: nothing to send.
      cluster.data.get(this.app).update({ leader: "demo/0", greeting: String(this.config["greeting"]) });
      cluster.data.get(this.app).set("greeting", "hi");
    }
    // One key changes, one does not: only the change goes out.
    cluster.data.get(this.unit).update({ ready: "yes" });
    cluster.data.get(this.unit).update({ ready: "yes" });
    Greedy.reads.push(cluster.data.get(this.unit).get("ready"));
    if (Greedy.askUnits) Greedy.reads.push(cluster.units.size, cluster.units.size);
  };
}

describe("hook-tool discipline over one dispatch", () => {
  test("each thing is asked of Juju once, and nothing that does not change is written", async () => {
    Greedy.reads = [];
    Greedy.between = () => undefined;
    Greedy.askUnits = false;
    const store = new MemoryStateStore({ stored: {}, deferred: [{ kind: "install", observer: "touch", snapshot: {} }] });
    const { result, scripted } = await dispatch(Greedy, jujuEnv("hooks/config-changed"), { answers, store });
    expect(result.exitCode).toBe(0);
    expect(store.state.deferred).toEqual([]);
    expect(scripted.lines()).toEqual([
      "relation-ids cluster --format=json",
      "config-get --format=json",
      "is-leader --format=json",
      "relation-get --format=json -r cluster:1 --app - demo",
      "relation-get --format=json -r cluster:1 - demo/0",
      "relation-set -r cluster:1 --file -",
      "status-set --application=False active -- hi",
    ]);
    expect(scripted.calls[5]?.stdin).toBe('{"ready":"yes"}');
    // The reads were answered (from the cache after the first time): 3 handlers' worth.
    expect(Greedy.reads.filter((value) => value === "hi")).toHaveLength(3);
  });

  test("relation-list runs only when units are asked for, and then once", async () => {
    Greedy.reads = [];
    Greedy.between = () => undefined;
    Greedy.askUnits = true;
    const { scripted } = await dispatch(Greedy, jujuEnv("hooks/config-changed"), { answers });
    expect(counts(scripted.lines())["relation-list"]).toBe(1);
    expect(Greedy.reads.filter((value) => value === 2)).toHaveLength(2);
    Greedy.askUnits = false;
  });

  test("is-leader is asked again once 30 s have passed since it was last asked, not before", async () => {
    const clock = new ManualClock();
    Greedy.askUnits = false;
    Greedy.between = () => {
      clock.advance(LEADERSHIP_GUARANTEE_MS - 1);
    };
    const early = await dispatch(Greedy, jujuEnv("hooks/config-changed"), { answers, clock });
    expect(counts(early.scripted.lines())["is-leader"]).toBe(1);

    Greedy.between = () => {
      clock.advance(LEADERSHIP_GUARANTEE_MS);
    };
    const late = await dispatch(Greedy, jujuEnv("hooks/config-changed"), { answers, clock });
    expect(counts(late.scripted.lines())["is-leader"]).toBe(2);
    // The second answer is cached in turn: collect-status asks nothing more.
    expect(late.scripted.lines().filter((line) => line.startsWith("is-leader"))).toHaveLength(2);
    Greedy.between = () => undefined;
  });

  test("an unobserved hook calls no tool at all", async () => {
    class Quiet extends CharmBase {}
    const { result, scripted } = await dispatch(Quiet, jujuEnv("hooks/update-status"), { answers });
    expect(result.exitCode).toBe(0);
    expect(scripted.calls).toEqual([]);
  });
});
