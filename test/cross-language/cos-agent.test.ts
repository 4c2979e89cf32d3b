// cos_agent across languages, in the simulator: the tscharm principal of the fixtures
// (test/fixtures/interfaces/cos-agent/charm, built with the real `tscharm build`, its src/ shipped
// as `tscharm pack` ships it) with CosAgentProvider, and a Python grafana-agent subordinate
// running the real COSAgentRequirer. The agent decodes the principal's dashboards (xz + base64,
// from tscharm's encoder), rules, scrape jobs and log slots and reports them; it publishes its
// receivers, and the principal's status shows the tracing endpoints it read. Then the relation
// is removed: the subordinate goes, the principal's hooks succeed. Local only (TSCHARM_PYLIBS).

import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { charmFiles } from "../../cmd/pack.js";
import { loadProject } from "../../project/project.js";
import { Simulator } from "../../simulator/simulator.js";
import { buildFixture } from "../support/fixture-build.js";
import { lzmaBase64 } from "../../interfaces/cos-agent/index.js";
import { pylibsBlocker, pythonCharm, pythonLibs } from "../support/python-charm.js";

const blocker = pylibsBlocker();
const PROJECT = resolve(import.meta.dirname, "../fixtures/interfaces/cos-agent/charm");
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const AGENT = `
import json
import logging
import socket

import ops
from charms.grafana_agent.v0.cos_agent import COSAgentRequirer

logger = logging.getLogger(__name__)


class Agent(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.cos = COSAgentRequirer(self, is_tracing_ready=lambda: True)
        framework.observe(self.cos.on.data_changed, self._changed)
        framework.observe(self.cos.on.validation_error, self._invalid)

    def _changed(self, _):
        report = {
            "fqdn": socket.getfqdn(),
            "dashboards": [{"title": d["title"], "uid": d["content"]["uid"], "tags": d["content"]["tags"],
                            "panels": len(d["content"].get("panels", []))} for d in self.cos.dashboards],
            "metrics_alerts": self.cos.metrics_alerts,
            "logs_alerts": self.cos.logs_alerts,
            "metrics_jobs": self.cos.metrics_jobs,
            "snap_log_endpoints": [list(e) for e in self.cos.snap_log_endpoints],
            "requested_tracing_protocols": sorted(self.cos.requested_tracing_protocols()),
        }
        logger.info("cos-agent data: %s", json.dumps(report))
        with open(self.config["report"], "w") as f:
            json.dump(report, f)
        self.unit.status = ops.ActiveStatus(f"{len(report['dashboards'])} dashboards, {len(report['metrics_jobs'])} jobs")

    def _invalid(self, event):
        self.unit.status = ops.BlockedStatus(f"invalid cos-agent data: {event.message.splitlines()[0]}")


if __name__ == "__main__":
    ops.main(Agent)
`;

describe("cos_agent: tscharm principal ↔ Python grafana-agent (COSAgentRequirer)", () => {
  test.skipIf(blocker !== undefined)(
    `the agent decodes the principal's data; the principal reads the receivers (${blocker ?? "runs"})`,
    async () => {
      const root = mkdtempSync(join(tmpdir(), "tscharm-cos-x-"));
      cleanups.push(() => rmSync(root, { recursive: true, force: true }));
      // The principal as its .charm would unpack: dispatch, metadata.yaml and src/ (cmd/pack.ts's charmFiles).
      const built = await buildFixture(PROJECT, "tscharm-cos-build-");
      cleanups.push(() => rmSync(built.work, { recursive: true, force: true }));
      const principal = join(root, "principal");
      for (const file of charmFiles(loadProject(PROJECT))) {
        mkdirSync(dirname(join(principal, file.name)), { recursive: true });
        writeFileSync(join(principal, file.name), file.data, { mode: file.mode });
      }
      writeFileSync(join(principal, "dispatch"), readFileSync(built.dispatch));
      chmodSync(join(principal, "dispatch"), 0o755);

      const report = join(root, "report.json");
      const agent = pythonCharm(root, "grafana-agent", {
        metadata:
          "subordinate: true\nrequires:\n  cos-agent:\n    interface: cos_agent\n    scope: container\n" +
          "peers:\n  peers:\n    interface: grafana_agent_replica\n",
        charmPy: AGENT,
        files: { "config.yaml": "options:\n  report:\n    type: string\n    default: ''\n" },
      });

      const sim = await Simulator.create({});
      cleanups.unshift(() => sim.close({ remove: true }));
      sim.deploy(principal);
      sim.deploy(agent, { config: { report } });
      sim.integrate("principal", "grafana-agent");
      await sim.settle();

      const got = JSON.parse(readFileSync(report, "utf8")) as {
        fqdn: string;
        dashboards: { title: string; uid: string; tags: string[]; panels: number }[];
        metrics_alerts: Record<string, { groups: { name: string }[] }>;
        logs_alerts: Record<string, { groups: { name: string }[] }>;
        metrics_jobs: { job_name: string; static_configs: { labels: Record<string, string> }[] }[];
        snap_log_endpoints: string[][];
        requested_tracing_protocols: string[];
      };
      expect(got.dashboards).toEqual([
        {
          title: "Principal workload",
          uid: "15c672c9cfe731b1c6e548cfc715c591b9c1080c",
          tags: ["principal", "charm: principal"],
          panels: 7,
        },
        {
          title: "Principal overview",
          uid: "7274f46dd024dc5dec725be6aecc8b8439346d2e",
          tags: ["charm: principal-custom", "overview"],
          panels: 1,
        },
      ]);
      const metricGroups = Object.values(got.metrics_alerts).flatMap((r) => r.groups.map((g) => g.name));
      expect(metricGroups).toEqual([
        expect.stringMatching(/_principal_principal_workload_rules$/),
        expect.stringMatching(/_principal_workload_down_rules$/),
        expect.stringMatching(/_principal_HostHealth_rules$/),
      ]);
      expect(Object.values(got.logs_alerts).flatMap((r) => r.groups.map((g) => g.name))).toEqual([
        expect.stringMatching(/_principal_errors_rules$/),
      ]);
      expect(got.metrics_jobs.map((j) => j.job_name)).toEqual([
        "principal_custom_0ee8cb57",
        "principal_default_5e85e467",
        "principal_default_83b01065",
      ]);
      expect(got.metrics_jobs[0]?.static_configs[0]?.labels).toMatchObject({
        tier: "web",
        juju_application: "principal",
        juju_unit: "principal/0",
      });
      expect(got.snap_log_endpoints).toEqual([
        ["principal-snap", "logs"],
        ["principal-snap", "audit"],
      ]);
      expect(got.requested_tracing_protocols).toEqual(["otlp_grpc", "otlp_http"]);
      expect(sim.model.unit("grafana-agent/0").status).toMatchObject({ status: "active", message: "2 dashboards, 3 jobs" });
      expect(sim.model.unit("principal/0").status).toMatchObject({
        status: "active",
        message: `tracing: http://${got.fqdn}:4318 ${got.fqdn}:4317`,
      });

      sim.removeRelation("principal", "grafana-agent");
      await sim.settle();
      expect(sim.model.subordinatesOf("principal/0")).toEqual([]);
      expect(sim.model.unit("principal/0").status).toMatchObject({ status: "active" });
    },
    240_000,
  );
});

describe("tscharm's xz + base64 read by cosl.LZMABase64.decompress and Python's lzma.decompress", () => {
  test.skipIf(blocker !== undefined)(
    `text of many shapes and sizes (${blocker ?? "runs"})`,
    () => {
      const libs = pythonLibs();
      if ("reason" in libs) throw new Error(libs.reason);
      let seed = 7;
      const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const texts = [
        "",
        "a",
        "é€😀".repeat(1000),
        "x".repeat(3 << 20),
        readFileSync(join(PROJECT, "src/grafana_dashboards/principal.json"), "utf8"),
      ];
      for (let i = 0; i < 20; i++)
        texts.push(
          Array.from({ length: Math.floor(next() * 200_000) }, () => String.fromCharCode(32 + Math.floor(next() ** 3 * 90))).join(""),
        );
      const script = [
        "import base64, json, lzma, sys",
        "from cosl import LZMABase64",
        "pairs = json.load(sys.stdin)",
        "print(sum(LZMABase64.decompress(b) == t and lzma.decompress(base64.b64decode(b)) == t.encode() for t, b in pairs))",
      ].join("\n");
      const decoded = execFileSync(libs.python, ["-c", script], {
        input: JSON.stringify(texts.map((t) => [t, lzmaBase64(t)])),
        env: { ...process.env, PYTHONPATH: libs.pythonPath },
        encoding: "utf8",
        maxBuffer: 1 << 26,
      });
      expect(Number(decoded.trim())).toBe(texts.length);
    },
    60_000,
  );
});
