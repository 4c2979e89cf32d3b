// What the Python providers wrote (IngressPerAppProvider.publish_url, HaproxyRouteProvider.
// publish_proxied_endpoints, recorded in provider-*.json) read by tscharm's requirers: each gives
// what the Python requirer reported for the very same bag (found in the requirer recordings).

import { describe, expect, test } from "vitest";

import { HaproxyRouteRequirer } from "../../../interfaces/haproxy-route/index.js";
import { IngressPerAppRequirer } from "../../../interfaces/ingress/index.js";
import { CharmBase, type Framework } from "../../../runtime/index.js";
import { Context, Relation, State } from "../../../testing/index.js";
import { type Fixture, loadFixtures } from "./fixtures.js";

/** What the Python requirer reported for `bag` as its provider's app bag, in any recorded step. */
function pythonReport(requirers: Fixture[], bag: Record<string, string>, key: "url" | "endpoints"): unknown {
  for (const fixture of requirers) {
    for (const step of fixture.steps) {
      if (JSON.stringify(step.given.remoteApp) !== JSON.stringify(bag)) continue;
      const report = step.reported.find((r) => key in r);
      if (report !== undefined) return report[key];
    }
  }
  return undefined;
}

async function readAs(endpoint: string, meta: object, charm: new (f: Framework) => CharmBase, bag: Record<string, string>): Promise<void> {
  const ctx = new Context(charm, { meta: meta as never });
  const relation = new Relation({ endpoint, remoteAppName: "haproxy", remoteAppData: bag });
  await ctx.run(ctx.on.updateStatus(), new State({ leader: true, relations: [relation] }));
}

describe.each([
  ["ingress", "url"],
  ["haproxy-route", "endpoints"],
] as const)("%s: the bags the Python provider wrote", (name, key) => {
  const fixtures = loadFixtures(name);
  const requirers = fixtures.filter((f) => f.side === "requirer");
  const written = fixtures
    .filter((f) => f.side === "provider")
    .flatMap((f) => f.steps.map((s) => s.wrote.localApp))
    .filter((bag) => Object.keys(bag).length > 0)
    .filter((bag, i, all) => all.findIndex((other) => JSON.stringify(other) === JSON.stringify(bag)) === i);

  test("are there, and each was also given to the Python requirer in a recording", () => {
    expect(written.length).toBeGreaterThan(0);
    for (const bag of written) expect(pythonReport(requirers, bag, key), JSON.stringify(bag)).not.toBeUndefined();
  });

  test.each(written.map((bag) => [JSON.stringify(bag), bag] as const))("%s reads as the Python requirer read it", async (_label, bag) => {
    let got: unknown;
    if (name === "ingress") {
      class Web extends CharmBase {
        readonly ingress = new IngressPerAppRequirer(this);
        constructor(framework: Framework) {
          super(framework);
          framework.observe(this.on.updateStatus, () => {
            got = this.ingress.url;
          });
        }
      }
      await readAs("ingress", { name: "web", requires: { ingress: { interface: "ingress", limit: 1 } } }, Web, bag);
    } else {
      class Web extends CharmBase {
        readonly route = new HaproxyRouteRequirer(this, "route");
        constructor(framework: Framework) {
          super(framework);
          framework.observe(this.on.updateStatus, () => {
            got = this.route.getProxiedEndpoints();
          });
        }
      }
      await readAs("route", { name: "web", requires: { route: { interface: "haproxy-route", limit: 1 } } }, Web, bag);
    }
    expect(got).toEqual(pythonReport(requirers, bag, key));
  });
});
