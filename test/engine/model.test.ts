// engine/model.ts: the named operations every writer of the model uses (the engine's commit, the
// test kit's set-ups, the simulator).

import { describe, expect, test } from "vitest";

import { JujuModel } from "../../engine/model.js";

/** demo (demo/0 leads, demo/1) related to pg (pg/0) over relation 0; a secret of pg granted to demo over it. */
function related(): { model: JujuModel; xid: string } {
  const model = new JujuModel();
  model.addApp("demo");
  model.addUnit("demo");
  model.addUnit("demo");
  model.electLeader("demo", "demo/0");
  model.addApp("pg");
  model.addUnit("pg");
  model.addRelation([
    { app: "demo", endpoint: "db", role: "requires" },
    { app: "pg", endpoint: "database", role: "provides" },
  ]);
  for (const unit of ["demo/0", "demo/1", "pg/0"]) model.joinRelation(0, unit);
  const { xid } = model.addSecret({ kind: "application", app: "pg" }, { password: "one" });
  model.grantSecret(xid, "demo", 0);
  model.grantSecret(xid, "other", undefined);
  return { model, xid };
}

describe("the model's named operations", () => {
  test("removeRelation takes the relation and the grants made over it, not the others", () => {
    const { model, xid } = related();
    model.removeRelation(0);
    expect(model.relations.has(0)).toBe(false);
    expect([...model.secret(xid).grants.keys()]).toEqual(["other"]);
  });

  test("removeUnit takes the unit out of scopes, its application and the secrets it consumed", () => {
    const { model, xid } = related();
    model.trackSecretRevision(xid, "demo/1", 1);
    model.setConsumerLabel(xid, "demo/1", "pg-password");
    model.removeUnit("demo/1");
    expect(model.units.has("demo/1")).toBe(false);
    expect(model.app("demo").units).toEqual(["demo/0"]);
    expect([...model.relation(0).members]).toEqual(["demo/0", "pg/0"]);
    expect(model.secret(xid).tracking.has("demo/1")).toBe(false);
    expect(model.secret(xid).consumerLabels.has("demo/1")).toBe(false);
  });

  test("updateRelationData applies changes as the controller does ('' deletes) and says whether the bag changed", () => {
    const { model } = related();
    expect(model.updateRelationData(0, "pg", { host: "h", port: "5432" })).toBe(true);
    expect(model.updateRelationData(0, "pg", { host: "h" })).toBe(false);
    expect(model.updateRelationData(0, "pg", { port: "" })).toBe(true);
    expect(model.relation(0).appData.get("pg")).toEqual({ host: "h" });
    model.setRelationBag(0, "pg/0", { a: "" });
    expect(model.relation(0).unitData.get("pg/0")).toEqual({ a: "" });
  });

  test("publishSecretRevision makes the next revision the latest; removeSecretRevision removes one, or the whole secret", () => {
    const { model, xid } = related();
    expect(model.publishSecretRevision(xid, { password: "two" })).toBe(2);
    expect(model.secret(xid).latest).toBe(2);
    model.removeSecretRevision(xid, 1);
    expect([...model.secret(xid).revisions.keys()]).toEqual([2]);
    model.removeSecretRevision(xid, 2);
    expect(model.secrets.has(xid)).toBe(false);
  });

  test("takeStorageRequests returns what storage-add asked for and clears it", () => {
    const { model } = related();
    model.requestStorage("demo/0", "data", 2);
    model.requestStorage("demo/0", "data", 1);
    expect(model.takeStorageRequests("demo/0")).toEqual({ data: 3 });
    expect(model.takeStorageRequests("demo/0")).toEqual({});
  });

  test("setStatus records history unless told not to; setConfig replaces the values the user set", () => {
    const { model } = related();
    const unit = model.unit("demo/0");
    model.setStatus(unit, { status: "active", message: "", data: {} }, { recordHistory: false });
    model.setStatus(unit, { status: "blocked", message: "b", data: {} });
    expect(unit.statusHistory.map((entry) => entry.status)).toEqual(["blocked"]);
    model.setConfig("demo", { a: 1 });
    model.setConfig("demo", { b: 2 });
    expect(model.app("demo").config).toEqual({ b: 2 });
  });

  test("markDying, electLeader, removeApp", () => {
    const { model } = related();
    model.markDying("demo/1");
    expect(model.unit("demo/1").dying).toBe(true);
    model.electLeader("demo", undefined);
    expect(model.app("demo").leader).toBeUndefined();
    model.removeApp("pg");
    expect(model.apps.has("pg")).toBe(false);
    expect(model.units.has("pg/0")).toBe(false);
  });

  // juju/juju state/application.go: removeOps, DestroyApplicationOperation.deleteSecrets.
  test("removeApplication: its secrets go, and every grant to it or its units; it must be empty first", () => {
    const { model, xid } = related();
    const own = model.addSecret({ kind: "application", app: "demo" }, { token: "t" });
    const unitOwned = model.addSecret({ kind: "unit", unit: "demo/1" }, { key: "k" });
    model.grantSecret(xid, "demo/1", undefined);
    expect(() => model.removeApplication("demo")).toThrow('application "demo" still has units: demo/0, demo/1');
    model.removeUnit("demo/0");
    model.removeUnit("demo/1");
    expect(() => model.removeApplication("demo")).toThrow('application "demo" is still in relation 0');
    model.removeRelation(0);
    model.grantSecret(xid, "demo", undefined);
    model.removeApplication("demo");
    expect(model.apps.has("demo")).toBe(false);
    expect(model.secrets.has(own.xid)).toBe(false);
    expect(model.secrets.has(unitOwned.xid)).toBe(false);
    expect([...model.secret(xid).grants.keys()]).toEqual(["other"]);
  });

  test("a subordinate unit runs on its principal's machine; containerOf and subordinatesOf", () => {
    const model = new JujuModel();
    model.addApp("web");
    model.addUnit("web");
    const web1 = model.addUnit("web");
    model.addApp("agent");
    const sub = model.addUnit("agent", { principal: "web/1" });
    expect(sub).toMatchObject({ name: "agent/0", principal: "web/1", machine: web1.machine, address: web1.address });
    expect(model.subordinatesOf("web/1").map((unit) => unit.name)).toEqual(["agent/0"]);
    expect(model.subordinatesOf("web/0")).toEqual([]);
    expect(model.containerOf("agent/0")).toBe("web/1");
    expect(model.containerOf("web/1")).toBe("web/1");
    // A principal added after it still gets a machine of its own.
    expect(model.addUnit("web").machine).not.toBe(web1.machine);
  });
});
