// The haproxy-route requirer against what the Python library (charms.haproxy.v2.haproxy_route) did
// in the same steps: the bags it wrote (byte for byte, value by value), the endpoints it reported,
// the options it refused. Fixtures: test/fixtures/interfaces/haproxy-route/, recorded by record.py.

import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { DataValidationError, type HaproxyRouteRequirements, HaproxyRouteRequirer } from "../../../interfaces/haproxy-route/index.js";
import { BlockedStatus, CharmBase, type Framework } from "../../../runtime/index.js";
import { Context, Network, Relation, State, UncaughtCharmError } from "../../../testing/index.js";
import { JUJU_UNIT_KEYS } from "../../../interfaces/common/dump.js";
import { loadFixtures, replay, withoutJujuKeys } from "../ingress/fixtures.js";

const ENDPOINT = "haproxy-route";
const META = { name: "web", requires: { [ENDPOINT]: { interface: "haproxy-route", limit: 1 } } };

/** The Python keyword arguments, as tscharm's option names (check_interval → checkInterval). */
function camel(options: Record<string, unknown>): HaproxyRouteRequirements {
  return Object.fromEntries(
    Object.entries(options).map(([key, value]) => [key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), value]),
  );
}

function charmWith(requirements: HaproxyRouteRequirements, manual?: HaproxyRouteRequirements) {
  const seen: Record<string, unknown>[] = [];
  class Web extends CharmBase {
    readonly route = new HaproxyRouteRequirer(this, ENDPOINT, requirements);
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.route.on.ready, () => {
        seen.push({ event: "ready", endpoints: this.route.getProxiedEndpoints() });
      });
      framework.observe(this.route.on.removed, () => {
        seen.push({ event: "removed" });
      });
      framework.observe(this.on.configChanged, () => {
        if (manual !== undefined)
          this.route.provideHaproxyRouteRequirements(manual as HaproxyRouteRequirements & { service: string; ports: number[] });
      });
      framework.observe(this.on.updateStatus, () => {
        seen.push({ endpoints: this.route.getProxiedEndpoints() });
      });
    }
  }
  return { Web, seen };
}

const fixtures = loadFixtures("haproxy-route");
const requirerFixtures = fixtures.filter((f) => f.side === "requirer");

describe("the recordings", () => {
  test("come from the library's pinned commit; there is no schema to validate against", () => {
    expect(requirerFixtures.length).toBeGreaterThanOrEqual(8);
    expect(fixtures.filter((f) => f.side === "provider").length).toBeGreaterThanOrEqual(3);
    for (const f of fixtures) {
      expect(f.library).toMatchObject({ module: "charms.haproxy.v2.haproxy_route", version: "LIBAPI 2, LIBPATCH 3" });
      expect(f.library.source).toMatch(/^canonical\/haproxy-operator@[0-9a-f]{40}$/);
      expect(f.schema).toMatch(/^none: /);
    }
  });
});

describe.each(requirerFixtures.map((f) => [f.file, f] as const))("HaproxyRouteRequirer replays %s", (_file, fixture) => {
  test(fixture.scenario, async () => {
    const manual = fixture.manual === null || fixture.manual === undefined ? undefined : camel(fixture.manual);
    const { Web, seen } = charmWith(camel(fixture.options ?? {}), manual);
    await replay(Web, META, ENDPOINT, fixture, (step, out, relation) => {
      const where = `${fixture.file} ${step.event}`;
      const mine = out.getRelation(relation.id) as Relation;
      expect(mine.localAppData, where).toEqual(step.wrote.localApp);
      expect(withoutJujuKeys(mine.localUnitData), where).toEqual(withoutJujuKeys(step.wrote.localUnit));
      // Juju's own keys stay, where the library's clear() removes them (interfaces/common/dump.ts).
      expect(
        JUJU_UNIT_KEYS.filter((key) => mine.localUnitData[key] !== undefined),
        where,
      ).toEqual(JUJU_UNIT_KEYS);
      const reported = seen.splice(0);
      if (step.event === "relation-changed" && step.reported.length === 0 && (step.given.remoteApp["endpoints"] ?? "[]") !== "[]") {
        // The library logged the bad `endpoints` and reported none; tscharm reports none and is blocked.
        expect(out.unitStatus.name, where).toBe("blocked");
        expect(out.unitStatus.message, where).toMatch(/^haproxy sent a bad "endpoints(\[\d\])?" on haproxy-route:1: expected/);
      }
      expect(reported, where).toEqual(step.reported);
    });
  });
});

interface RefusedCase {
  case: string;
  options: Record<string, unknown>;
  result: string;
  wrote?: Record<string, string>;
}

const refused = JSON.parse(readFileSync(new URL("../../fixtures/interfaces/haproxy-route/refused.json", import.meta.url), "utf8")) as {
  cases: RefusedCase[];
};

/** Where tscharm is stricter than the library on purpose: ports outside 1–65535 (docs/interfaces/haproxy-route.md). */
const STRICTER = new Set(["port 70000 (ports are not range-checked)", "port 0"]);

async function writeWith(options: HaproxyRouteRequirements): Promise<unknown> {
  const manual = options.externalGrpcPort !== undefined;
  const { Web } = charmWith(manual ? {} : options, manual ? options : undefined);
  const ctx = new Context(Web, { meta: META });
  const relation = new Relation({ endpoint: ENDPOINT, remoteAppName: "haproxy" });
  const state = new State({ leader: true, relations: [relation], networks: [new Network({ binding: ENDPOINT, address: "10.20.0.7" })] });
  try {
    const out = await ctx.run(manual ? ctx.on.configChanged() : ctx.on.relationCreated(relation), state);
    return { ...(out.getRelation(relation.id) as Relation).localAppData };
  } catch (error) {
    return error;
  }
}

describe("options the library refuses and accepts (refused.json)", () => {
  test.each(refused.cases.filter((c) => !STRICTER.has(c.case)).map((c) => [c.case, c] as const))("%s", async (_name, c) => {
    const result = await writeWith(camel(c.options));
    if (c.result === "accepted") {
      expect(result).toEqual(c.wrote);
    } else {
      expect(result).toBeInstanceOf(UncaughtCharmError);
      const cause = (result as UncaughtCharmError).cause;
      expect(cause).toBeInstanceOf(DataValidationError);
      expect((cause as Error).message).toMatch(/^haproxy-route: [a-zA-Z]+(\[\d\])*(\[\d\])? /);
    }
  });

  test("ports outside 1-65535, which the library lets through, are refused (naming the port)", async () => {
    for (const c of refused.cases.filter((x) => STRICTER.has(x.case))) {
      expect(c.result).toBe("accepted");
      const result = (await writeWith(camel(c.options))) as UncaughtCharmError;
      expect((result.cause as Error).message).toMatch(/^haproxy-route: ports\[0\] must be a port from 1 to 65535/);
    }
  });

  test("a refused option leaves both bags as they were: everything is checked before the first write", async () => {
    const caught: unknown[] = [];
    class Careful extends CharmBase {
      readonly route = new HaproxyRouteRequirer(this, ENDPOINT);
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.configChanged, () => {
          try {
            this.route.provideHaproxyRouteRequirements({ service: "web", ports: [8080], hostname: "bad host", unitAddress: "10.0.0.9" });
          } catch (error) {
            caught.push(error);
          }
        });
      }
    }
    const ctx = new Context(Careful, { meta: META });
    const relation = new Relation({
      endpoint: ENDPOINT,
      remoteAppName: "haproxy",
      localAppData: { service: '"old"' },
      localUnitData: { address: '"10.0.0.1"' },
    });
    const out = await ctx.run(ctx.on.configChanged(), new State({ leader: true, relations: [relation] }));
    expect(String(caught[0])).toBe('DataValidationError: haproxy-route: hostname is not a valid domain: "bad host"');
    const mine = out.getRelation(relation.id) as Relation;
    expect(mine.localAppData).toEqual({ service: '"old"' });
    expect(withoutJujuKeys(mine.localUnitData)).toEqual({ address: '"10.0.0.1"' });
  });

  test("a follower does not check the application's options (it never writes them), as the library", async () => {
    const { Web } = charmWith({ service: "web", ports: [8080], hostname: "bad host" });
    const ctx = new Context(Web, { meta: META });
    const relation = new Relation({ endpoint: ENDPOINT, remoteAppName: "haproxy" });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ leader: false, relations: [relation] }));
    expect(withoutJujuKeys((out.getRelation(relation.id) as Relation).localUnitData)).toEqual({ address: '"192.0.2.0"' });
  });
});

describe("HaproxyRouteRequirer", () => {
  test("a unit address that is not an IP is refused before any write; an IPv6 one is printed as Python prints it", async () => {
    expect(await writeWith({ service: "web", ports: [80], unitAddress: "web.example" })).toBeInstanceOf(UncaughtCharmError);
    const { Web } = charmWith({ service: "web", ports: [80], unitAddress: "2001:DB8:0:0:1:0:0:1", hosts: ["::FFFF:0:1"] });
    const ctx = new Context(Web, { meta: META });
    const relation = new Relation({ endpoint: ENDPOINT });
    const out = await ctx.run(ctx.on.relationCreated(relation), new State({ leader: true, relations: [relation] }));
    const mine = out.getRelation(relation.id) as Relation;
    expect(withoutJujuKeys(mine.localUnitData)).toEqual({ address: '"2001:db8::1:0:0:1"' });
    expect(mine.localAppData["hosts"]).toBe('["::ffff:0:1"]');
  });

  test("removed is emitted on relation-broken; the problem of a broken relation is forgotten", async () => {
    const { Web, seen } = charmWith({ service: "web", ports: [80] });
    const ctx = new Context(Web, { meta: META });
    const relation = new Relation({ endpoint: ENDPOINT, id: 7, remoteAppName: "haproxy", remoteAppData: { endpoints: "nope" } });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ leader: true, relations: [relation] }));
    expect(out.unitStatus).toEqual(new BlockedStatus('haproxy sent a bad "endpoints" on haproxy-route:7: expected JSON, got "nope"'));
    const broken = await ctx.run(ctx.on.relationBroken(relation), out);
    expect(seen).toEqual([{ event: "removed" }]);
    expect(broken.getStoredState(`tscharm.interfaces/${ENDPOINT}`)?.content).toEqual({ problems: {} });
  });
});
