// The ingress v2 requirer against what the Python library (charms.traefik_k8s.v2.ingress) did in
// the same steps: the bags it wrote (byte for byte, value by value), the URLs it reported, the
// events it emitted. Fixtures: test/fixtures/interfaces/ingress/, recorded by record.py.

import { describe, expect, test } from "vitest";

import { fqdn } from "../../../interfaces/common/net.js";
import {
  DataValidationError,
  type IngressPerAppReadyEvent,
  IngressPerAppRequirer,
  type IngressPerAppRequirerOptions,
  type IngressRequirements,
  type IngressScheme,
} from "../../../interfaces/ingress/index.js";
import { BlockedStatus, CharmBase, type Framework } from "../../../runtime/index.js";
import { Context, Network, Relation, State, UncaughtCharmError } from "../../../testing/index.js";
import { JUJU_UNIT_KEYS } from "../../../interfaces/common/dump.js";
import { type Fixture, loadFixtures, replay, withoutJujuKeys } from "./fixtures.js";

const META = { name: "web", requires: { ingress: { interface: "ingress", limit: 1 } } };

/** The recorded Python options, as tscharm's option names. */
function optionsOf(fixture: Fixture): IngressPerAppRequirerOptions {
  const o = fixture.options ?? {};
  const scheme = o["scheme"] as string | { "function returning": string } | undefined;
  const health = o["healthcheck_params"] as IngressPerAppRequirerOptions["healthcheckParams"];
  return {
    ...(o["host"] === undefined ? {} : { host: o["host"] as string }),
    ...(o["ip"] === undefined ? {} : { ip: o["ip"] as string }),
    ...(o["port"] === undefined ? {} : { port: o["port"] as number }),
    ...(o["strip_prefix"] === undefined ? {} : { stripPrefix: o["strip_prefix"] as boolean }),
    ...(o["redirect_https"] === undefined ? {} : { redirectHttps: o["redirect_https"] as boolean }),
    ...(scheme === undefined
      ? {}
      : { scheme: typeof scheme === "string" ? (scheme as IngressScheme) : () => scheme["function returning"] as IngressScheme }),
    ...(health === undefined ? {} : { healthcheckParams: health }),
  };
}

function requirements(manual: Record<string, unknown>): IngressRequirements {
  return {
    port: manual["port"] as number,
    ...(manual["host"] === undefined ? {} : { host: manual["host"] as string }),
    ...(manual["ip"] === undefined ? {} : { ip: manual["ip"] as string }),
    ...(manual["scheme"] === undefined ? {} : { scheme: manual["scheme"] as IngressScheme }),
  };
}

/** A charm holding the requirer with `options`; it records what the requirer reports. */
function charmWith(options: IngressPerAppRequirerOptions, manual?: IngressRequirements) {
  const seen: Record<string, unknown>[] = [];
  class Web extends CharmBase {
    readonly ingress = new IngressPerAppRequirer(this, options);
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.ingress.on.ready, (event: IngressPerAppReadyEvent) => {
        seen.push({ event: "ready", url: event.url, relation: event.relation.id, app: event.app?.name });
      });
      framework.observe(this.ingress.on.revoked, () => {
        seen.push({ event: "revoked" });
      });
      framework.observe(this.on.configChanged, async () => {
        if (manual !== undefined) await this.ingress.provideIngressRequirements(manual);
      });
      framework.observe(this.on.updateStatus, () => {
        seen.push({ url: this.ingress.url ?? null });
      });
    }
  }
  return { Web, seen };
}

const fixtures = loadFixtures("ingress");
const requirerFixtures = fixtures.filter((f) => f.side === "requirer");

describe("the recordings", () => {
  test("cover the requirer and the provider, from the library's pinned commit, validated against schema.py", () => {
    expect(requirerFixtures.length).toBeGreaterThanOrEqual(8);
    expect(fixtures.filter((f) => f.side === "provider").length).toBeGreaterThanOrEqual(2);
    for (const f of fixtures) {
      expect(f.library.module).toBe("charms.traefik_k8s.v2.ingress");
      expect(f.library.version).toBe("LIBAPI 2, LIBPATCH 21");
      expect(f.library.source).toMatch(/^canonical\/traefik-k8s-operator@[0-9a-f]{40}$/);
      expect(f.schema).toMatch(/^valid: charmlibs interfaces\/ingress\/interface\/v2\/schema.py@[0-9a-f]{7}$/);
    }
  });
});

describe.each(requirerFixtures.map((f) => [f.file, f] as const))("IngressPerAppRequirer replays %s", (_file, fixture) => {
  test(fixture.scenario, async () => {
    const host = await fqdn();
    const manual = fixture.manual === null || fixture.manual === undefined ? undefined : requirements(fixture.manual);
    const { Web, seen } = charmWith(optionsOf(fixture), manual);
    await replay(Web, META, "ingress", fixture, async (step, out, relation, ctx) => {
      const where = `${fixture.file} ${step.event}`;
      const mine = out.getRelation(relation.id) as Relation;
      // The application bag, byte for byte per value (every value is a json.dumps).
      expect(mine.localAppData, where).toEqual(step.wrote.localApp);
      // The unit bag: the same keys and bytes; the default host is each machine's own FQDN.
      const expectedUnit = { ...step.wrote.localUnit };
      if (fixture.fqdn !== undefined && expectedUnit["host"] === JSON.stringify(fixture.fqdn)) expectedUnit["host"] = JSON.stringify(host);
      expect(withoutJujuKeys(mine.localUnitData), where).toEqual(withoutJujuKeys(expectedUnit));
      // Juju's own keys stay, where the library's clear() removes them (interfaces/common/dump.ts).
      expect(
        JUJU_UNIT_KEYS.filter((key) => mine.localUnitData[key] !== undefined),
        where,
      ).toEqual(JUJU_UNIT_KEYS);
      // What the library reported in this step: ready(url) / revoked, then its `url` property.
      const events = seen.splice(0).map(({ relation: _r, app: _a, ...rest }) => rest);
      const reported = step.reported.filter((r) => "event" in r);
      expect(events, where).toEqual(reported);
      const urlNow = step.reported.find((r) => !("event" in r) && "url" in r);
      if (urlNow !== undefined) {
        const after = await ctx.run(ctx.on.updateStatus(), out);
        const [read] = seen.splice(0);
        const expected = urlNow["url"];
        if (typeof expected === "string" && expected.startsWith("raised")) {
          // The library raises DataValidationError; tscharm reports no URL and a blocked status.
          expect(read, where).toEqual({ url: null });
          expect(after.unitStatus, where).toBeInstanceOf(BlockedStatus);
          expect(out.unitStatus, where).toBeInstanceOf(BlockedStatus);
        } else {
          expect(read, where).toEqual({ url: expected ?? null });
          // No problem is kept (a status the charm set would show again).
          expect(out.getStoredState("tscharm.interfaces/ingress")?.content ?? { problems: {} }, where).toEqual({ problems: {} });
        }
      }
    });
  });
});

describe("IngressPerAppRequirer", () => {
  const url = '{"url": "http://haproxy.example/test-model-web"}';

  test("ready carries the event's relation and the provider's app; it is not repeated for the same URL", async () => {
    const { Web, seen } = charmWith({ port: 8080, host: "h" });
    const ctx = new Context(Web, { meta: META });
    const relation = new Relation({ endpoint: "ingress", remoteAppName: "haproxy", remoteAppData: { ingress: url } });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ leader: true, relations: [relation] }));
    expect(seen.splice(0)).toEqual([
      { event: "ready", url: "http://haproxy.example/test-model-web", relation: relation.id, app: "haproxy" },
    ]);
    await ctx.run(ctx.on.relationChanged(relation), out);
    expect(seen).toEqual([]);
  });

  test("a malformed ingress names the key and the value in a blocked status, cleared when the provider fixes it", async () => {
    const { Web, seen } = charmWith({ port: 8080, host: "h" });
    const ctx = new Context(Web, { meta: META });
    const bad = new Relation({ endpoint: "ingress", id: 40, remoteAppName: "haproxy", remoteAppData: { ingress: '{"url": "ftp://x/"}' } });
    const out = await ctx.run(ctx.on.relationChanged(bad), new State({ leader: true, relations: [bad] }));
    expect(out.unitStatus).toEqual(
      new BlockedStatus('haproxy sent a bad "ingress.url" on ingress:40: expected an http or https URL, got "{\\"url\\": \\"ftp://x/\\"}"'),
    );
    expect(ctx.jujuLog.some((l) => l.level === "ERROR" && l.message.includes("ingress.url"))).toBe(true);
    const again = (ingress: string) => new Relation({ endpoint: "ingress", id: 40, remoteAppName: "haproxy", remoteAppData: { ingress } });
    const notJson = again("not json");
    const out2 = await ctx.run(ctx.on.relationChanged(notJson), out.with({ relations: [notJson] }));
    expect(out2.unitStatus).toEqual(new BlockedStatus('haproxy sent a bad "ingress" on ingress:40: expected JSON, got "not json"'));
    const fixed = again(url);
    const out3 = await ctx.run(ctx.on.relationChanged(fixed), out2.with({ relations: [fixed], unitStatus: out2.unitStatus }));
    expect(seen.map((s) => s["event"])).toEqual(["ready"]);
    expect(out3.getStoredState("tscharm.interfaces/ingress")?.content).toEqual({ problems: {} });
  });

  test("options the library refuses throw DataValidationError naming the option, before any bag is written", async () => {
    const cases: [IngressPerAppRequirerOptions, RegExp][] = [
      [{ port: 65535 }, /ingress: port is out of TCP range \(0 < port < 65535\): 65535/],
      [{ port: 80.5 }, /ingress: port must be an integer/],
      [{ port: 80, scheme: "ftp" as IngressScheme }, /ingress: scheme must be one of http, https, h2c \(not "ftp"\)/],
      [{ port: 80, ip: "10.0.0.300" }, /ingress: ip "10.0.0.300" is not a valid ip address/],
      [{ port: 80, healthcheckParams: { path: "/x", port: 1.5 } }, /ingress: healthcheckParams.port must be an integer/],
    ];
    for (const [options, message] of cases) {
      const { Web } = charmWith(options);
      const ctx = new Context(Web, { meta: META });
      const relation = new Relation({ endpoint: "ingress" });
      const error = await ctx
        .run(ctx.on.relationChanged(relation), new State({ leader: true, relations: [relation] }))
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UncaughtCharmError);
      const cause = (error as UncaughtCharmError).cause;
      expect(cause).toBeInstanceOf(DataValidationError);
      expect((cause as Error).message).toMatch(message);
    }
  });

  test("a follower never touches its application's bag; the binding's address is the default ip", async () => {
    const { Web } = charmWith({ port: 8080, host: "h" });
    const ctx = new Context(Web, { meta: META });
    const relation = new Relation({ endpoint: "ingress" });
    const out = await ctx.run(
      ctx.on.relationChanged(relation),
      new State({ leader: false, relations: [relation], networks: [new Network({ binding: "ingress", address: "10.1.1.1" })] }),
    );
    const mine = out.getRelation(relation.id) as Relation;
    expect(mine.localAppData).toEqual({});
    expect(withoutJujuKeys(mine.localUnitData)).toEqual({ host: '"h"', ip: '"10.1.1.1"' });
  });
});
