// tscharm's haproxy-route requirer (test/fixtures/route-charm, built with the real `tscharm build`)
// next to a Python ops charm running the real HaproxyRouteProvider (charms.haproxy.v2.haproxy_route)
// in the simulator: created → joined → changed → broken. The provider library must accept what
// tscharm wrote (get_data validates the bags with its pydantic models; the charm logs the result
// and would list the relation as invalid otherwise), and the TypeScript side must get `ready`
// and the endpoints the provider published, then `removed`.
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
from charms.haproxy.v2.haproxy_route import HaproxyRouteProvider

logger = logging.getLogger("provider")


class Provider(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.route = HaproxyRouteProvider(self, "haproxy-route")
        framework.observe(self.route.on.data_available, self._on_data_available)
        framework.observe(self.route.on.data_removed, self._on_data_removed)

    def _on_data_available(self, event):
        data = self.route.get_data(self.route.relations)
        parsed = [
            {"app": r.application_data.model_dump(mode="json"), "units": [u.model_dump(mode="json") for u in r.units_data]}
            for r in data.requirers_data
        ]
        logger.info("PARSED %s", json.dumps({"requirers": parsed, "invalid": sorted(data.relation_ids_with_invalid_data)}, sort_keys=True))
        if data.relation_ids_with_invalid_data:
            self.unit.status = ops.BlockedStatus(f"invalid data on {sorted(data.relation_ids_with_invalid_data)}")
            return
        if self.unit.is_leader():
            for requirer in data.requirers_data:
                relation = self.model.get_relation("haproxy-route", requirer.relation_id)
                host = requirer.application_data.hostname or requirer.application_data.service
                urls = [f"https://{host}{path}" for path in requirer.application_data.paths] or [f"https://{host}/"]
                self.route.publish_proxied_endpoints(urls, relation)
        self.unit.status = ops.ActiveStatus(f"routing {len(data.requirers_data)} service(s)")

    def _on_data_removed(self, event):
        logger.info("REMOVED")
        self.unit.status = ops.ActiveStatus("no requirer")


if __name__ == "__main__":
    ops.main(Provider)
`;

let built: BuiltFixture | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (blocker === undefined) built = await buildRouteCharm("tscharm-xl-haproxy-route-");
}, 600_000);
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  if (built !== undefined) rmSync(built.work, { recursive: true, force: true });
});

describe("haproxy-route: tscharm requirer ↔ Python HaproxyRouteProvider", () => {
  test.skipIf(blocker !== undefined)(
    `the provider library validates tscharm's bags and its endpoints reach the TypeScript side (${blocker ?? "runs"})`,
    async () => {
      if (built === undefined) throw new Error("not built");
      const provider = pythonCharm(built.work, "haproxy", {
        metadata: "provides:\n  haproxy-route:\n    interface: haproxy-route\n",
        charmPy: PROVIDER,
      });
      const sim = await Simulator.create({});
      cleanups.push(() => sim.close({ remove: true }));
      sim.deploy(routeCharmProject(built), { app: "web", numUnits: 2 });
      sim.deploy(provider, { app: "haproxy" });
      sim.integrate("web:route", "haproxy:haproxy-route");
      await sim.settle();

      const log = debugLogLines(sim.history()).join("\n");
      const parsedLines = log.split("\n").filter((line) => line.includes("PARSED ") && !line.includes('"requirers": []'));
      expect(parsedLines.length, log).toBeGreaterThan(0);
      const parsed = JSON.parse(parsedLines.at(-1)?.split("PARSED ")[1] ?? "{}") as {
        requirers: { app: Record<string, unknown>; units: { address: string }[] }[];
        invalid: number[];
      };
      expect(parsed.invalid).toEqual([]);
      const [requirer] = parsed.requirers;
      // What the Python library's pydantic models made of tscharm's bags (defaults filled back in).
      expect(requirer?.app).toMatchObject({
        service: "web",
        ports: [8080],
        protocol: "http",
        hostname: "web.example",
        paths: ["/api"],
        check: { interval: 10, rise: 2, fall: 3, path: "/health", port: null },
        load_balancing: { algorithm: "cookie", cookie: "session", consistent_hashing: false },
        rate_limit: { connections_per_minute: 100, policy: "deny" },
        timeout: { server: 30, connect: 60, queue: 60 },
        bandwidth_limit: { upload: null, download: null },
      });
      expect(requirer?.units).toHaveLength(2);
      for (const unit of requirer?.units ?? []) expect(unit.address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      expect(sim.model.unit("haproxy/0").status).toMatchObject({ status: "active", message: "routing 1 service(s)" });

      for (const unit of ["web/0", "web/1"]) {
        expect(sim.model.unit(unit).status, log).toMatchObject({
          status: "active",
          message: "ingress none; route https://web.example/api; last: route-ready https://web.example/api",
        });
      }

      sim.removeRelation("web:route", "haproxy:haproxy-route");
      await sim.settle();
      const after = debugLogLines(sim.history()).join("\n");
      for (const unit of ["web/0", "web/1"]) {
        expect(sim.model.unit(unit).status, after).toMatchObject({
          status: "active",
          message: "ingress none; route none; last: route-removed",
        });
      }
      expect(after).toContain("REMOVED");
      expect(after).not.toMatch(/ERROR .*(Uncaught|Traceback|hook failed)/);
    },
    600_000,
  );
});
