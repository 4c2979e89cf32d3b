// `juju status --format=json` from a status snapshot, without running anything: the units' workload
// and agent statuses, the application's derived status, relations, ports, machines and times.

import { describe, expect, test } from "vitest";

import type { CharmMeta, JsonObject } from "../../runtime/meta.js";
import { JujuModel } from "../../engine/model.js";
import { parseStatus } from "../../integration/status-types.js";
import { type StatusSnapshot, jujuTime, renderStatus } from "../../simulator/juju-status.js";

const META: CharmMeta = {
  name: "web",
  relations: { peers: { role: "peers", interface: "web-peers" }, db: { role: "requires", interface: "pgsql" } },
  storage: {},
  config: {},
  actions: {},
};

const SINCE = "2026-11-23T06:27:37.000Z";

type UnitState = StatusSnapshot["units"][string];
const idle: UnitState = { error: undefined, errorData: undefined, executing: undefined, allocating: false, since: SINCE };

function snapshot(
  units: Record<string, UnitState>,
  dying: number[] = [],
  jujuVersion = "3.6.4",
): { model: JujuModel; snap: StatusSnapshot } {
  const model = new JujuModel("sim", "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", jujuVersion);
  model.addApp("web", META);
  model.addApp("pg");
  for (const name of Object.keys(units)) model.addUnit("web", { number: Number(name.split("/")[1]) });
  model.addUnit("pg");
  model.app("web").leader = "web/0";
  model.addRelation([{ app: "web", endpoint: "peers", role: "peers" }], { interface: "web-peers" });
  model.addRelation(
    [
      { app: "web", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "db", role: "provides" },
    ],
    { interface: "pgsql" },
  );
  return {
    model,
    snap: { model, apps: { web: { charmName: "web", revision: 2, since: SINCE } }, units, dyingRelations: new Set(dying) },
  };
}

function object(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error(`not an object: ${JSON.stringify(value)}`);
  return value as JsonObject;
}

describe("renderStatus", () => {
  test("units: workload status as set, the agent idle or executing, leader only on the leader, open ports", () => {
    const { model, snap } = snapshot({
      "web/0": idle,
      "web/1": { ...idle, executing: "config-changed hook" },
      "web/10": { ...idle, allocating: true },
    });
    model.setStatus(model.unit("web/0"), { status: "active", message: "serving", data: {} });
    model
      .unit("web/0")
      .ports.push({ range: { protocol: "tcp", port: 80 }, endpoint: undefined }, { range: { protocol: "tcp", port: 80 }, endpoint: "db" });
    model.unit("web/1").ports.push({ range: { protocol: "udp", port: 1000, toPort: 1010 }, endpoint: undefined });
    const json = renderStatus(snap);
    const units = object(object(object(json["applications"])["web"])["units"]);
    expect(Object.keys(units)).toEqual(["web/0", "web/1", "web/10"]);
    expect(units["web/0"]).toEqual({
      "workload-status": { current: "active", message: "serving", since: "23 Nov 2026 06:27:37Z" },
      "juju-status": { current: "idle", since: "23 Nov 2026 06:27:37Z", version: "3.6.4" },
      leader: true,
      machine: "0",
      "public-address": model.unit("web/0").address,
      "open-ports": ["80/tcp"],
    });
    expect(object(units["web/1"])["juju-status"]).toEqual({
      current: "executing",
      message: "running config-changed hook",
      since: "23 Nov 2026 06:27:37Z",
      version: "3.6.4",
    });
    expect(object(units["web/1"])["leader"]).toBeUndefined();
    expect(object(units["web/1"])["open-ports"]).toEqual(["1000-1010/udp"]);
    expect(object(object(units["web/10"])["juju-status"])["current"]).toBe("allocating");
    // An empty message is left out, as Juju leaves it out.
    expect(object(units["web/10"])["workload-status"]).toEqual({ current: "unknown", since: "23 Nov 2026 06:27:37Z" });
    // Only applications the simulator runs are listed; machines are those of their units, in number order.
    expect(Object.keys(object(json["applications"]))).toEqual(["web"]);
    expect(Object.keys(object(json["machines"]))).toEqual(["0", "1", "2"]);
  });

  test("a failed hook: workload error with the hook named, agent idle; the application takes its most severe unit's status", () => {
    const { model, snap } = snapshot({
      "web/0": idle,
      "web/1": {
        ...idle,
        error: "db-relation-changed",
        errorData: { name: "db-relation-changed", kind: "relation-changed", relationId: 1, remoteUnit: "pg/0" },
      },
    });
    model.setStatus(model.unit("web/0"), { status: "blocked", message: "needs db", data: {} });
    const status = parseStatus(renderStatus(snap));
    const web = status.apps["web"];
    expect(web?.units["web/1"]?.workloadStatus).toMatchObject({ current: "error", message: 'hook failed: "db-relation-changed"' });
    expect(web?.units["web/1"]?.jujuStatus.current).toBe("idle");
    expect(web?.appStatus).toMatchObject({ current: "error", message: 'hook failed: "db-relation-changed"' });
    const raw = object(object(object(object(renderStatus(snap)["applications"])["web"])["units"])["web/1"]);
    expect(object(raw["workload-status"])["status-data"]).toEqual({ hook: "db-relation-changed", "relation-id": 1, "remote-unit": "pg/0" });
  });

  test("the application's own status wins over its units'; without it, blocked outranks active", () => {
    const { model, snap } = snapshot({ "web/0": idle, "web/1": idle });
    model.setStatus(model.unit("web/0"), { status: "active", message: "", data: {} });
    model.setStatus(model.unit("web/1"), { status: "blocked", message: "no db", data: {} });
    expect(parseStatus(renderStatus(snap)).apps["web"]?.appStatus).toMatchObject({ current: "blocked", message: "no db" });
    model.setStatus(model.app("web"), { status: "active", message: "all good", data: {} });
    expect(parseStatus(renderStatus(snap)).apps["web"]?.appStatus).toMatchObject({ current: "active", message: "all good" });
  });

  test("relations by endpoint, without dying ones; charm, revision and endpoint bindings", () => {
    const live = parseStatus(renderStatus(snapshot({ "web/0": idle }).snap)).apps["web"];
    expect(live?.relations).toEqual({
      peers: [{ relatedApp: "web", interface: "web-peers", scope: "global" }],
      db: [{ relatedApp: "pg", interface: "pgsql", scope: "global" }],
    });
    expect(live).toMatchObject({ charm: "local:web-2", charmName: "web", charmRev: 2, charmOrigin: "local" });
    expect(live?.endpointBindings).toEqual({ "": "alpha", db: "alpha", peers: "alpha" });
    expect(parseStatus(renderStatus(snapshot({ "web/0": idle }, [1]).snap)).apps["web"]?.relations).toEqual({
      peers: [{ relatedApp: "web", interface: "web-peers", scope: "global" }],
    });
  });
});

// The model's keys as Juju prints them: 3.6's cmd/juju/status/formatted.go has `sla` (and
// `meter-status`, `branches` when there are any, which a simulated model never has); Juju 4 has
// none of the three (Jubilant's status types, generated from 4.0's formatted.go structs).
describe("renderStatus on 3.6 and 4.x", () => {
  test("the model: sla on 3.6, not on 4.x; no meter-status or branches on either; the version is the model's", () => {
    const on36 = renderStatus(snapshot({ "web/0": idle }).snap);
    const on4 = renderStatus(snapshot({ "web/0": idle }, [], "4.0.12").snap);
    const common = ["name", "type", "controller", "cloud", "region", "version", "model-status"];
    expect(Object.keys(object(on36["model"]))).toEqual([...common, "sla"]);
    expect(Object.keys(object(on4["model"]))).toEqual(common);
    for (const status of [on36, on4]) expect(Object.keys(status)).toEqual(["model", "machines", "applications", "controller"]);
    expect(object(on4["model"])["version"]).toBe("4.0.12");
    expect(parseStatus(on36).model.sla).toBe("unsupported");
    expect(parseStatus(on4).model).toMatchObject({ sla: "", version: "4.0.12" });
  });

  test("parseStatus reads a 4.x controller machine's fields it does not model (ha-primary, controller-cluster-role) without failing", () => {
    const on4 = renderStatus(snapshot({ "web/0": idle }, [], "4.0.12").snap);
    const machines = object(on4["machines"]);
    const zero = object(machines["0"]);
    const printed = {
      ...on4,
      machines: { "0": { ...zero, "controller-member-status": "has-vote", "ha-primary": true, "controller-cluster-role": "voter" } },
    };
    expect(parseStatus(printed).machines["0"]).toMatchObject({
      hostname: "juju-sim-0",
      jujuStatus: { current: "started", version: "4.0.12" },
    });
  });
});

describe("jujuTime", () => {
  test("Juju's status time format, in UTC", () => {
    expect(jujuTime("2026-03-01T16:03:09.123Z")).toBe("01 Mar 2026 16:03:09Z");
    expect(jujuTime(new Date(Date.UTC(2025, 11, 31, 23, 59, 59)))).toBe("31 Dec 2025 23:59:59Z");
  });
});

describe("open ports and the application's version", () => {
  // juju/juju core/network/portrange.go (PortRange.LessThan, SortPortRanges), used by
  // GroupedPortRanges.UniquePortRanges in apiserver/facades/client/client/status.go's processUnit.
  test("open ports: each once, sorted by protocol, then first port, then last port, not in the order opened", () => {
    const { model, snap } = snapshot({ "web/0": idle });
    const open = (protocol: "tcp" | "udp" | "icmp", port?: number, toPort?: number): void => {
      model.unit("web/0").ports.push({
        range: { protocol, ...(port === undefined ? {} : { port }), ...(toPort === undefined ? {} : { toPort }) },
        endpoint: undefined,
      });
    };
    open("udp", 53);
    open("tcp", 8080);
    open("tcp", 80, 90);
    open("tcp", 443);
    open("icmp");
    open("tcp", 80);
    open("tcp", 443);
    const units = object(object(object(renderStatus(snap)["applications"])["web"])["units"]);
    expect(object(units["web/0"])["open-ports"]).toEqual(["icmp", "80/tcp", "80-90/tcp", "443/tcp", "8080/tcp", "53/udp"]);
  });

  // juju/juju apiserver/facades/client/client/status.go (3.6): the units' workload versions, most recent first.
  test("Juju 3.6: the most recent version among the current units, not one kept after its writer left", () => {
    const { model, snap } = snapshot({ "web/0": idle, "web/1": idle });
    const version = (): unknown => object(object(renderStatus(snap)["applications"])["web"])["version"];
    model.setWorkloadVersion("web", "1.0", { unit: "web/0" });
    model.unit("web/0").workloadVersionSince = "2026-11-23T06:00:00.000Z";
    model.setWorkloadVersion("web", "2.0", { unit: "web/1" });
    model.unit("web/1").workloadVersionSince = "2026-11-23T07:00:00.000Z";
    expect(version()).toBe("2.0");
    model.removeUnit("web/1");
    Reflect.deleteProperty(snap.units, "web/1");
    expect(version()).toBe("1.0");
    // A unit added since, which set no version, is the most recent: Juju shows none.
    model.addUnit("web", { number: 2 });
    model.unit("web/2").workloadVersionSince = "2026-11-23T08:00:00.000Z";
    expect(version()).toBeUndefined();
  });

  // juju/juju domain/application/state (main): setUnitWorkloadVersion writes the application's version too.
  test("Juju 4: the last version any unit set, kept on the application", () => {
    const model = new JujuModel("sim", "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "4.0.0");
    model.addApp("web", META);
    model.addUnit("web");
    model.addUnit("web");
    model.setWorkloadVersion("web", "1.0", { unit: "web/0" });
    model.setWorkloadVersion("web", "2.0", { unit: "web/1" });
    model.removeUnit("web/1");
    expect(model.applicationVersion("web")).toBe("2.0");
  });
});
