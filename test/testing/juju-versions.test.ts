// The test kit on Juju 3.6 and Juju 4 (docs/juju-versions.md): Context({ jujuVersion }) and
// Harness({ jujuVersion }) run the engine's rules for that version, and refuse what that Juju
// never does. The rules themselves live in grammar/juju-version.ts and the engine.

import { describe, expect, test } from "vitest";

import { CharmBase, type EventBase, type Framework, type RelationEvent } from "tscharm";
import { Context, Harness, InconsistentScenarioError, PeerRelation, Relation, State } from "tscharm/testing";

const META = {
  name: "web",
  peers: { peers: { interface: "web-peers" } },
  requires: { db: { interface: "postgresql" } },
};

let seen: string[] = [];

/** Records each event it hears, the Juju version it runs on, and the keys of the bags it reads. */
class VersionCharm extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    const record = (event: EventBase): void => {
      seen.push(`${event.kind} ${this.model.jujuVersion}`);
    };
    for (const event of [this.on.install, this.on.leaderElected, this.on.leaderSettingsChanged, this.on.configChanged, this.on.start]) {
      framework.observe(event, record);
    }
    framework.observe(this.on.relationChanged("db"), (event: RelationEvent) => {
      const unit = event.unit;
      if (unit !== undefined) seen.push(`bag ${Object.keys(event.relation.data.get(unit).toObject()).sort().join(",")}`);
    });
  }
}

describe("Context({ jujuVersion })", () => {
  test("the charm sees the version; JUJU_VERSION defaults to 3.6.4", async () => {
    seen = [];
    await new Context(VersionCharm, { meta: META, jujuVersion: "4.0.12" }).run(
      new Context(VersionCharm, { meta: META }).on.start(),
      new State(),
    );
    await new Context(VersionCharm, { meta: META }).run(new Context(VersionCharm, { meta: META }).on.start(), new State());
    expect(seen).toEqual(["start 4.0.12", "start 3.6.4"]);
  });

  test("leader-settings-changed runs on 3.6 and is refused on 4.x, which never runs it", async () => {
    seen = [];
    const on36 = new Context(VersionCharm, { meta: META, jujuVersion: "3.6.28" });
    await on36.run(on36.on.leaderSettingsChanged(), new State());
    expect(seen).toEqual(["leader-settings-changed 3.6.28"]);
    const on4 = new Context(VersionCharm, { meta: META, jujuVersion: "4.0.12" });
    const run = on4.run(on4.on.leaderSettingsChanged(), new State());
    await expect(run).rejects.toThrow(InconsistentScenarioError);
    await expect(on4.run(on4.on.leaderSettingsChanged(), new State())).rejects.toThrow(
      "Juju 4.0.12 never runs leader-settings-changed: Juju 4 removed it (docs/juju-versions.md)",
    );
  });

  test("a remote unit's default bag has private-address on 3.6 only; a bag the test wrote is kept", async () => {
    for (const [jujuVersion, keys] of [
      ["3.6.4", "egress-subnets,ingress-address,private-address"],
      ["4.0.12", "egress-subnets,ingress-address"],
    ] as const) {
      seen = [];
      const ctx = new Context(VersionCharm, { meta: META, jujuVersion });
      const db = new Relation({ endpoint: "db", remoteAppName: "pg" });
      const after = await ctx.run(ctx.on.relationChanged(db, { remoteUnit: 0 }), new State({ relations: [db] }));
      expect(seen).toEqual([`bag ${keys}`]);
      expect(
        Object.keys(after.relations[0]?.localUnitData ?? {})
          .sort()
          .join(","),
      ).toBe(keys);
    }
    seen = [];
    const ctx = new Context(VersionCharm, { meta: META, jujuVersion: "4.0.12" });
    const db = new Relation({ endpoint: "db", remoteAppName: "pg", remoteUnitsData: { 0: { "private-address": "10.0.0.9" } } });
    await ctx.run(ctx.on.relationChanged(db, { remoteUnit: 0 }), new State({ relations: [db], leader: true }));
    expect(seen).toEqual(["bag private-address"]);
  });

  test("a peer's default bag on 4.x has no private-address either", async () => {
    const ctx = new Context(VersionCharm, { meta: META, jujuVersion: "4.1-beta2" });
    const peers = new PeerRelation({ endpoint: "peers", peersData: { 1: {} } });
    const after = await ctx.run(ctx.on.start(), new State({ relations: [peers] }));
    expect(Object.keys(after.relations[0]?.localUnitData ?? {}).sort()).toEqual(["egress-subnets", "ingress-address"]);
  });

  test("a version the test kit cannot model is refused when the Context is made", () => {
    expect(() => new Context(VersionCharm, { meta: META, jujuVersion: "2.9.46" })).toThrow(
      'Juju 2.9.46 cannot be modelled: the simulator and the test kit model Juju 3.6 and 4.x (a version such as "3.6.4" or "4.0.12")',
    );
    expect(() => new Context(VersionCharm, { meta: META, jujuVersion: "4" })).toThrow('Juju version "4" is not a version');
  });
});

describe("Harness({ jujuVersion })", () => {
  test("a follower's initial hooks: leader-settings-changed on 3.6, nothing in its place on 4.x", async () => {
    for (const [jujuVersion, expected] of [
      ["3.6.4", ["install 3.6.4", "leader-settings-changed 3.6.4", "config-changed 3.6.4", "start 3.6.4"]],
      ["4.0.12", ["install 4.0.12", "config-changed 4.0.12", "start 4.0.12"]],
    ] as const) {
      seen = [];
      const h = new Harness(VersionCharm, { meta: META, jujuVersion });
      await h.beginWithInitialHooks();
      expect(seen).toEqual(expected);
      h.cleanup();
    }
  });

  test("on 4.x losing leadership runs nothing, runHook refuses leader-settings-changed, bags have no private-address", async () => {
    seen = [];
    const h = new Harness(VersionCharm, { meta: META, jujuVersion: "4.0.12" });
    await h.begin();
    await h.setLeader(true);
    await h.setLeader(false);
    expect(seen).toEqual(["leader-elected 4.0.12"]);
    await expect(h.runHook("leader-settings-changed")).rejects.toThrow("Juju 4.0.12 never runs leader-settings-changed");
    const db = await h.addRelation("db", "pg", { unitData: { host: "h" } });
    expect(h.getRelationData(db, "pg/0")).toEqual({ "egress-subnets": "192.0.2.0/32", "ingress-address": "192.0.2.0", host: "h" });
    h.cleanup();
  });

  test("a version the test kit cannot model is refused when the Harness is made", () => {
    expect(() => new Harness(VersionCharm, { meta: META, jujuVersion: "3.5.0" })).toThrow("Juju 3.5.0 cannot be modelled");
  });
});
