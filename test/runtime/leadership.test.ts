// runtime/leadership: is-leader at most once per 30 s, timed from before the call.

import { describe, expect, test } from "vitest";

import { CharmBase, type EventBase, type Framework } from "tscharm";
import { Context, PeerRelation, State, UncaughtCharmError } from "tscharm/testing";

import { ActiveStatus } from "../../runtime/status.js";
import { LEADERSHIP_GUARANTEE_MS, LeadershipCache } from "../../runtime/leadership.js";
import { jujuEnv } from "../support/juju-env.js";
import { ManualClock, modelFor } from "../support/model.js";
import { ScriptedTools } from "../support/scripted-tools.js";

test("the answer is reused for 30 s and asked again after", () => {
  const clock = new ManualClock();
  const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "true" }, { clock });
  expect(model.unit.isLeader()).toBe(true);
  clock.advance(LEADERSHIP_GUARANTEE_MS - 1);
  expect(model.unit.isLeader()).toBe(true);
  expect(scripted.toolNames()).toEqual(["is-leader"]);

  scripted.answer("is-leader --format=json", "false");
  clock.advance(1);
  expect(model.unit.isLeader()).toBe(false);
  expect(scripted.toolNames()).toEqual(["is-leader", "is-leader"]);
});

test("every leadership check of the model shares the cache", () => {
  const clock = new ManualClock();
  const { model, scripted } = modelFor(
    jujuEnv("hooks/config-changed"),
    { "is-leader": "true", "relation-ids": '["db:1"]', "relation-get": "{}", "secret-add": "secret:cs9ab3go9ns0ql5jgv6g" },
    { clock },
  );
  expect(model.unit.isLeader()).toBe(true);
  model.app.status = new ActiveStatus("ready");
  model.getRelation("db")?.data.get(model.app).set("k", "v");
  model.app.addSecret({ password: "p" });
  expect(scripted.toolNames().filter((tool) => tool === "is-leader")).toHaveLength(1);
});

test("the time is taken before the call, so a slow is-leader does not stretch the window", () => {
  const clock = new ManualClock(0);
  const scripted = new ScriptedTools();
  scripted.answer("is-leader --format=json", "true");
  // The tool takes 10 s to answer.
  scripted.onCall = () => {
    clock.advance(10_000);
  };
  const cache = new LeadershipCache(scripted.tools, clock);
  expect(cache.isLeader()).toBe(true); // asked at t=0, answered at t=10 s
  clock.time = 29_999;
  expect(cache.isLeader()).toBe(true);
  expect(scripted.calls).toHaveLength(1);
  clock.time = 30_000; // 30 s after the question, though only 20 s after the answer
  cache.isLeader();
  expect(scripted.calls).toHaveLength(2);
});

test("a failed is-leader is not cached", () => {
  const clock = new ManualClock();
  const scripted = new ScriptedTools({ "is-leader": { exitCode: 1, stdout: "", stderr: "ERROR leadership status unknown: x\n" } });
  const cache = new LeadershipCache(scripted.tools, clock);
  expect(() => cache.isLeader()).toThrow(/leadership status unknown/);
  scripted.answer("is-leader", "false");
  expect(cache.isLeader()).toBe(false);
  expect(scripted.calls).toHaveLength(2);
});

// A leader-only event deferred by the leader, then re-run after leadership moved to another unit.
describe("a deferred leader-only event after leadership moved", () => {
  const meta = { name: "lead", peers: { cluster: { interface: "lead-cluster" } } };

  let ready = false;

  /**
   * A charm that defers config-changed until `ready`, then publishes in the peer application data;
   * with `checksLeadership`, only while it leads. Without, it relies on having been the leader when
   * it deferred.
   */
  const publisher = (checksLeadership: boolean) =>
    class extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.configChanged, this.publish);
      }
      publish = (event: EventBase): void => {
        if (!ready) {
          event.defer();
          return;
        }
        if (checksLeadership && !this.unit.isLeader()) return;
        this.model.getRelation("cluster")?.data.get(this.app).set("published", "yes");
      };
    };
  const Careful = publisher(true);
  const Careless = publisher(false);

  for (const [name, charm] of [
    ["a charm that checks", Careful],
    ["a charm that does not check", Careless],
  ] as const) {
    test(`${name}: no application data is written by the former leader`, async () => {
      ready = false;
      const ctx = new Context(charm, { meta });
      const cluster = new PeerRelation({ endpoint: "cluster", peersData: { 1: {} } });
      const deferred = await ctx.run(ctx.on.configChanged(), new State({ leader: true, relations: [cluster] }));
      expect(deferred.deferred).toHaveLength(1);

      ready = true;
      const moved = deferred.with({ leader: false });
      if (charm === Careful) {
        const out = await ctx.run(ctx.on.updateStatus(), moved);
        expect(out.deferred).toEqual([]);
        expect(out.getRelation(cluster.id)?.localAppData).toEqual({});
      } else {
        // The runtime refuses the write before any tool runs; the hook fails, so nothing is
        // committed and the event stays deferred for when this unit leads again.
        const failure = await ctx.run(ctx.on.updateStatus(), moved).then(
          () => undefined,
          (error: unknown) => error,
        );
        expect(failure).toBeInstanceOf(UncaughtCharmError);
        expect((failure as UncaughtCharmError).message).toContain("RelationDataAccessError");
        expect((failure as UncaughtCharmError).message).toContain("only the leader can write application data");
      }
    });
  }
});
