// engine/secret-rules.ts: who hears secret-changed, who may read a secret, and secret ids.

import { describe, expect, test } from "vitest";

import { JujuModel } from "../../engine/model.js";
import { canReadSecret, secretChangedAudience, xidOf } from "../../engine/secrets.js";

/** demo (demo/0 leads, demo/1) owns an application secret; web/0 reads it over relation 0. */
function model(): { juju: JujuModel; xid: string } {
  const juju = new JujuModel();
  juju.addApp("demo");
  juju.addUnit("demo");
  juju.addUnit("demo");
  juju.electLeader("demo", "demo/0");
  juju.addApp("web");
  juju.addUnit("web");
  juju.addRelation([
    { app: "demo", endpoint: "db", role: "provides" },
    { app: "web", endpoint: "db", role: "requires" },
  ]);
  const { xid } = juju.addSecret({ kind: "application", app: "demo" }, { password: "one" });
  juju.grantSecret(xid, "web", 0);
  return { juju, xid };
}

describe("secretChangedAudience", () => {
  test("each unit tracking an older revision hears it; the leader that manages the secret never does", () => {
    const { juju, xid } = model();
    for (const unit of ["demo/0", "demo/1", "web/0"]) juju.trackSecretRevision(xid, unit, 1);
    juju.publishSecretRevision(xid, { password: "two" });
    expect(secretChangedAudience(juju, xid)).toEqual(["demo/1", "web/0"]);
  });

  test("a unit that never read the secret, or already tracks the latest, hears nothing", () => {
    const { juju, xid } = model();
    juju.publishSecretRevision(xid, { password: "two" });
    juju.trackSecretRevision(xid, "demo/1", 2);
    expect(secretChangedAudience(juju, xid)).toEqual([]);
  });

  test("a consumer whose grant ended with its relation hears nothing, and can no longer read it", () => {
    const { juju, xid } = model();
    juju.trackSecretRevision(xid, "web/0", 1);
    juju.removeRelation(0);
    juju.publishSecretRevision(xid, { password: "two" });
    expect(secretChangedAudience(juju, xid)).toEqual([]);
    expect(canReadSecret(juju, juju.secret(xid), "web/0")).toBe(false);
    expect(canReadSecret(juju, juju.secret(xid), "demo/1")).toBe(true);
  });

  test("a unit-owned secret: its owner unit never hears it", () => {
    const { juju } = model();
    const { xid } = juju.addSecret({ kind: "unit", unit: "demo/1" }, { token: "t" });
    juju.trackSecretRevision(xid, "demo/1", 1);
    juju.publishSecretRevision(xid, { token: "u" });
    expect(secretChangedAudience(juju, xid)).toEqual([]);
    expect(secretChangedAudience(juju, "d0000000000000000099")).toEqual([]);
  });
});

describe("xidOf", () => {
  test("every form of a secret id names its xid; anything else is none", () => {
    const xid = "d0000000000000000001";
    for (const id of [`secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/${xid}`, `secret:${xid}`, xid, ` ${xid} `])
      expect(xidOf(id)).toBe(xid);
    for (const id of ["", "secret:", "d000000000000000000", "secret://x", "D0000000000000000001"]) expect(xidOf(id)).toBeUndefined();
  });
});
