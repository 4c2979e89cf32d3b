// tscharm's ingress v2 requirer (test/fixtures/route-charm, built with the real `tscharm build`)
// next to a Python ops charm running the real IngressPerAppProvider (charms.traefik_k8s.v2.ingress)
// in the simulator: created → joined → changed → broken. The provider library must accept what
// tscharm wrote (it parses the bags with its own pydantic models and logs what it got), and the
// TypeScript side must get `ready` with the URL the provider published, then `revoked`.
// Local only: skips, saying why, without TSCHARM_PYLIBS (CI has no Python libraries).

import { rmSync } from "node:fs";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { debugLogLines } from "../../simulator/debug-log.js";
import { Simulator } from "../../simulator/simulator.js";
import type { BuiltFixture } from "../support/fixture-build.js";
import { pylibsBlocker, pythonCharm } from "../support/python-charm.js";
import { buildRouteCharm, routeCharmProject } from "../support/route-charm.js";
const blocker = pylibsBlocker();

const PROVIDER = `
import json
import logging

import ops
from charms.traefik_k8s.v2.ingress import IngressPerAppProvider

logger = logging.getLogger("provider")


class Provider(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.ingress = IngressPerAppProvider(self, "ingress")
        framework.observe(self.ingress.on.data_provided, self._on_data_provided)
        framework.observe(self.ingress.on.data_removed, self._on_data_removed)

    def _on_data_provided(self, event):
        data = self.ingress.get_data(event.relation)
        parsed = {"app": data.app.model_dump(mode="json", by_alias=True), "units": [u.model_dump(mode="json") for u in data.units]}
        logger.info("PARSED %s", json.dumps(parsed, sort_keys=True))
        if self.unit.is_leader():
            self.ingress.publish_url(event.relation, f"http://Haproxy.Example/{event.model}-{event.name}")
        self.unit.status = ops.ActiveStatus(f"serving {event.name} on {len(event.hosts)} unit(s)")

    def _on_data_removed(self, event):
        logger.info("REMOVED")
        self.unit.status = ops.ActiveStatus("no requirer")


if __name__ == "__main__":
    ops.main(Provider)
`;

let built: BuiltFixture | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (blocker === undefined) built = await buildRouteCharm("tscharm-xl-ingress-");
}, 600_000);
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  if (built !== undefined) rmSync(built.work, { recursive: true, force: true });
});

describe("ingress v2: tscharm requirer ↔ Python IngressPerAppProvider", () => {
  test.skipIf(blocker !== undefined)(
    `the provider library parses tscharm's bags and its URL reaches the TypeScript side (${blocker ?? "runs"})`,
    async () => {
      if (built === undefined) throw new Error("not built");
      const provider = pythonCharm(built.work, "haproxy", {
        metadata: "provides:\n  ingress:\n    interface: ingress\n",
        charmPy: PROVIDER,
      });
      const sim = await Simulator.create({ modelName: "shop" });
      cleanups.push(() => sim.close({ remove: true }));
      sim.deploy(routeCharmProject(built), { app: "web", numUnits: 2 });
      sim.deploy(provider, { app: "haproxy" });
      sim.integrate("web:ingress", "haproxy:ingress");
      await sim.settle();

      const log = debugLogLines(sim.history()).join("\n");
      const parsedLines = log.split("\n").filter((line) => line.includes("PARSED "));
      expect(parsedLines.length, log).toBeGreaterThan(0);
      const parsed = JSON.parse(parsedLines.at(-1)?.split("PARSED ")[1] ?? "{}") as {
        app: Record<string, unknown>;
        units: { host: string; ip: string | null }[];
      };
      // What the Python library's pydantic models made of tscharm's bags.
      expect(parsed.app).toMatchObject({ model: "shop", name: "web", port: 8080, "strip-prefix": true, scheme: "http" });
      expect(parsed.app["healthcheck_params"]).toMatchObject({ path: "/health", interval: "30s", timeout: "5s" });
      expect(parsed.units).toHaveLength(2);
      for (const unit of parsed.units) {
        expect(unit.host).toBe("web.internal");
        expect(unit.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      }
      expect(sim.model.unit("haproxy/0").status).toMatchObject({ status: "active", message: "serving web on 2 unit(s)" });

      // The URL, normalised by the provider's pydantic model, reached both units of the TypeScript side.
      for (const unit of ["web/0", "web/1"]) {
        expect(sim.model.unit(unit).status, log).toMatchObject({
          status: "active",
          message: "ingress http://haproxy.example/shop-web; route none; last: ingress-ready http://haproxy.example/shop-web",
        });
      }
      expect(log).toContain("ingress ready: http://haproxy.example/shop-web");

      sim.removeRelation("web:ingress", "haproxy:ingress");
      await sim.settle();
      const after = debugLogLines(sim.history()).join("\n");
      for (const unit of ["web/0", "web/1"]) {
        expect(sim.model.unit(unit).status, after).toMatchObject({
          status: "active",
          message: "ingress none; route none; last: ingress-revoked",
        });
      }
      expect(after).toContain("REMOVED");
      // No hook failed on either side.
      expect(after).not.toMatch(/ERROR .*(Uncaught|Traceback|hook failed)/);
    },
    600_000,
  );
});
