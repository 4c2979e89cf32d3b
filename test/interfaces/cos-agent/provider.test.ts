// CosAgentProvider against what the Python library wrote (test/fixtures/interfaces/cos-agent/,
// recorded by record.py): the same charm files and options give the same `config`, byte for byte
// except the dashboards' xz bytes, which are compared after xz-utils decompresses them.

import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { ActiveStatus, CharmBase, type Framework, type JsonObject } from "../../../runtime/index.js";
import { CosAgentProvider, type CosAgentProviderOptions, type ReceiverProtocol } from "../../../interfaces/cos-agent/index.js";
import { Context, State, SubordinateRelation } from "../../../testing/index.js";

const DIR = "test/fixtures/interfaces/cos-agent";
interface Step {
  event: string;
  case?: string;
  given: { remoteUnit: Record<string, string> };
  wrote: { localUnit: Record<string, string | null> };
  returned?: Record<string, unknown>;
  lzma?: { python_xz_bytes: number[] };
}
interface Fixture {
  given: { model: { name: string; uuid: string }; options: Record<string, unknown> };
  steps: Step[];
}
const load = (name: string): Fixture => JSON.parse(readFileSync(`${DIR}/${name}.json`, "utf8")) as Fixture;
const provider = load("provider");
const tracing = load("tracing");
const py = provider.given.options;

const options: CosAgentProviderOptions = {
  metricsEndpoints: py["metrics_endpoints"] as { path: string; port: number }[],
  metricsRulesDir: py["metrics_rules_dir"] as string,
  logsRulesDir: py["logs_rules_dir"] as string,
  logSlots: py["log_slots"] as string[],
  dashboardDirs: py["dashboard_dirs"] as string[],
  tracingProtocols: py["tracing_protocols"] as ReceiverProtocol[],
  scrapeConfigs: py["scrape_configs"] as JsonObject[],
};

let returned: Record<string, unknown> = {};

class Principal extends CharmBase {
  readonly cos = new CosAgentProvider(this, options);

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("cos-agent"), async () => {
      returned = { is_ready: this.cos.isReady() };
      for (const protocol of ["otlp_http", "otlp_grpc", "zipkin"] as const) {
        try {
          returned[protocol] = await this.cos.getTracingEndpoint(protocol);
        } catch (error) {
          returned[protocol] = { raised: (error as Error).name };
        }
      }
    });
  }
}

const meta = { name: "principal", provides: { "cos-agent": { interface: "cos_agent", limit: 1, scope: "container" as const } } };
const ctx = new Context(Principal, { meta, appName: "principal", charmRoot: `${DIR}/charm` });
const model = provider.given.model;
const relation = (remoteUnitData: Record<string, string> = {}) =>
  new SubordinateRelation({ endpoint: "cos-agent", interface: "cos_agent", id: 7, remoteAppName: "grafana-agent", remoteUnitData });

const noXz = spawnSync("xz", ["--version"]).error === undefined ? undefined : "xz (xz-utils) is not installed: .ci/run installs it";
const unxz = (b64: string): unknown => JSON.parse(execFileSync("xz", ["-dc"], { input: Buffer.from(b64, "base64") }).toString("utf8"));

async function written(event: "joined" | "config"): Promise<string> {
  const rel = relation();
  const state = new State({ relations: [rel], model, leader: true });
  const out = await ctx.run(event === "joined" ? ctx.on.relationJoined(rel, { remoteUnit: 0 }) : ctx.on.configChanged(), state);
  const bag = (out.getRelation(7) as SubordinateRelation).localUnitData;
  return bag["config"] as string;
}

/** The config with its dashboards taken out (they are compared after decompression). */
function withoutDashboards(config: string): { rest: string; dashboards: string[] } {
  const value = JSON.parse(config) as Record<string, unknown>;
  const dashboards = value["dashboards"] as string[];
  value["dashboards"] = [];
  return { rest: JSON.stringify(value), dashboards };
}

describe("CosAgentProvider writes the library's config", () => {
  const recorded = provider.steps[0] as Step;
  const python = withoutDashboards(recorded.wrote.localUnit["config"] as string);

  test("on relation-joined: every field but the dashboards byte for byte (scrape job names, rules, slots, protocols)", async () => {
    const ours = withoutDashboards(await written("joined"));
    expect(ours.rest).toBe(python.rest);
  });

  test("on config-changed (the default refresh event) the same", async () => {
    expect(provider.steps[1]?.event).toBe("config-changed");
    const ours = withoutDashboards(await written("config"));
    expect(ours.rest).toBe(withoutDashboards(provider.steps[1]?.wrote.localUnit["config"] as string).rest);
  });

  test("the pieces: job names with the blake2b-4 suffix, group names with the topology, %%juju_topology%% replaced", async () => {
    const config = JSON.parse(await written("joined")) as Record<string, JsonObject[] & JsonObject>;
    expect((config["metrics_scrape_jobs"] as JsonObject[]).map((j) => j["job_name"])).toEqual([
      "principal_custom_0ee8cb57",
      "principal_default_5e85e467",
      "principal_default_83b01065",
    ]);
    const groups = (config["metrics_alert_rules"] as JsonObject)["groups"] as JsonObject[];
    expect(groups.map((g) => g["name"])).toEqual([
      "cos_test_2ba6e1c0_principal_principal_workload_rules",
      "cos_test_2ba6e1c0_principal_workload_down_rules",
      "cos_test_2ba6e1c0_principal_HostHealth_rules",
    ]);
    const logRule = (((config["log_alert_rules"] as JsonObject)["groups"] as JsonObject[])[0]?.["rules"] as JsonObject[])[0];
    expect(logRule?.["expr"]).toBe('sum(rate({job=~".+"} |= "ERROR" [5m])) > 1');
  });

  describe.skipIf(noXz !== undefined)(`dashboards${noXz === undefined ? "" : ` (skipped: ${noXz})`}`, () => {
    test("decompressed (by xz-utils), ours equal Python's: uid from the path, the charm tag", async () => {
      const ours = withoutDashboards(await written("joined")).dashboards;
      expect(ours.every((d) => d.startsWith("/Td6WFoAAATm1rRG"))).toBe(true);
      expect(ours.map(unxz)).toEqual(python.dashboards.map(unxz));
      expect((ours.map(unxz) as JsonObject[]).map((d) => d["uid"])).toEqual([
        "15c672c9cfe731b1c6e548cfc715c591b9c1080c",
        "7274f46dd024dc5dec725be6aecc8b8439346d2e",
      ]);
    });

    test("compressed about as small as liblzma does it (within 15% of Python's bytes)", async () => {
      const ours = withoutDashboards(await written("joined")).dashboards.map((d) => Buffer.from(d, "base64").length);
      const theirs = recorded.lzma?.python_xz_bytes ?? [];
      ours.forEach((size, i) =>
        expect(size, `dashboard ${i}: ${size} bytes, Python ${theirs[i]}`).toBeLessThan((theirs[i] as number) * 1.15),
      );
    });
  });
});

describe("CosAgentProvider reads the agent's receivers as the library does", () => {
  test.each(tracing.steps.map((s) => [s.case as string, s] as const))("%s", async (_name, step) => {
    returned = {};
    const rel = relation(step.given.remoteUnit);
    const out = await ctx.run(ctx.on.relationChanged(rel, { remoteUnit: 0 }), new State({ relations: [rel], model }));
    const expected = { ...step.returned };
    // The library always raises ProtocolNotRequestedError (it reads its own bag with a model that never
    // loads); tscharm says NotRequested only for a protocol not in tracingProtocols, else its base class.
    for (const p of ["otlp_http", "otlp_grpc"]) {
      if ((expected[p] as { raised?: string } | undefined)?.raised === "ProtocolNotRequestedError")
        expected[p] = { raised: "ProtocolNotFoundError" };
    }
    expect(returned).toEqual(expected);
    const bad = step.case?.startsWith("receivers:") === true;
    expect(out.unitStatus.name).toBe(bad ? "blocked" : "unknown");
    if (bad) expect(out.unitStatus.message).toMatch(/grafana-agent\/0 sent a bad "receivers(\[0\]\.protocol\.type)?" on cos-agent:7/);
  });
});

describe("CosAgentProvider's own behaviour", () => {
  class Plain extends CharmBase {
    readonly cos = new CosAgentProvider(this, { refreshEvents: [this.on.upgradeCharm], scrapeConfigs: () => [{ job_name: "dyn" }] });
    constructor(framework: Framework) {
      super(framework);
      // The charm's own status; the interface's blocked status wins while the agent's bag is bad.
      framework.observe(this.on.collectUnitStatus, (event) => event.addStatus(new ActiveStatus("ready")));
    }
  }
  const plain = new Context(Plain, { meta, appName: "principal", charmRoot: `${DIR}/charm` });
  const bad = { receivers: '[{"protocol": {"name": "otlp_http"}, "url": "http://x:4318"}]' };
  const good = { receivers: '[{"protocol": {"name": "otlp_http", "type": "http"}, "url": "http://x:4318"}]' };

  test("a bad receivers bag blocks the unit on relation-changed, naming the key; a good one later clears it; broken forgets it", async () => {
    const rel = relation(bad);
    const out = await plain.run(plain.on.relationChanged(rel, { remoteUnit: 0 }), new State({ relations: [rel], model }));
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain('sent a bad "receivers[0].protocol.type" on cos-agent:7');
    expect(plain.jujuLog.some((l) => l.level === "ERROR" && l.message.includes("receivers[0].protocol.type"))).toBe(true);
    const fixed = relation(good);
    const after = await plain.run(plain.on.relationChanged(fixed, { remoteUnit: 0 }), out.with({ relations: [fixed] }));
    expect(after.unitStatus).toMatchObject({ name: "active", message: "ready" });
    const again = await plain.run(plain.on.relationChanged(rel, { remoteUnit: 0 }), new State({ relations: [rel], model }));
    const gone = await plain.run(plain.on.relationBroken(rel), again);
    expect(again.unitStatus.name).toBe("blocked");
    expect(gone.unitStatus).toMatchObject({ name: "active", message: "ready" });
  });

  test.each([
    [
      "a transport that is neither http nor grpc",
      '[{"protocol": {"name": "otlp_http", "type": "udp"}, "url": "x"}]',
      "receivers[0].protocol.type",
    ],
    ["a url that is not a string", '[{"protocol": {"name": "otlp_http", "type": "http"}, "url": 4318}]', "receivers[0].url"],
    [
      "no url at all (the library requires the key, null or not)",
      '[{"protocol": {"name": "otlp_http", "type": "http"}}]',
      "receivers[0].url",
    ],
    ["not a list", '{"receivers": []}', "receivers"],
  ])("bad receivers: %s", async (_name, receivers, key) => {
    const rel = relation({ receivers });
    const out = await plain.run(plain.on.relationChanged(rel, { remoteUnit: 0 }), new State({ relations: [rel], model }));
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain(`sent a bad "${key}" on cos-agent:7`);
  });

  test("refreshEvents replace config-changed; scrapeConfigs may be a function", async () => {
    const rel = relation();
    const state = new State({ relations: [rel], model });
    const onConfig = await plain.run(plain.on.configChanged(), state);
    expect((onConfig.getRelation(7) as SubordinateRelation).localUnitData["config"]).toBeUndefined();
    const onUpgrade = await plain.run(plain.on.upgradeCharm(), state);
    const config = JSON.parse((onUpgrade.getRelation(7) as SubordinateRelation).localUnitData["config"] as string) as Record<
      string,
      unknown
    >;
    const jobs = config["metrics_scrape_jobs"] as { job_name: string }[];
    expect(jobs.map((j) => Object.keys(j))).toEqual([["job_name"]]);
    expect(jobs[0]?.job_name).toMatch(/^principal_dyn_[0-9a-f]{8}$/);
    expect(config["tracing_protocols"]).toBeNull();
  });

  test("an endpoint without limit: 1 needs the relation named (AmbiguousRelationUsageError)", async () => {
    let error: unknown;
    class Wide extends CharmBase {
      readonly cos = new CosAgentProvider(this);
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.updateStatus, async () => {
          try {
            await this.cos.getTracingEndpoint("otlp_http");
          } catch (e) {
            error = e;
          }
        });
      }
    }
    const wide = new Context(Wide, {
      meta: { name: "principal", provides: { "cos-agent": { interface: "cos_agent", scope: "container" as const } } },
    });
    await wide.run(wide.on.updateStatus(), new State({ relations: [relation(good)] }));
    expect((error as Error).name).toBe("AmbiguousRelationUsageError");
  });
});
