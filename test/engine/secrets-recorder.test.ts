// engine/secrets.ts as Juju's secrets change recorder keeps a hook's secret changes (juju/juju
// worker/uniter/runner/context/secrets.go on 3.6, internal/worker/uniter/runner/context/secrets.go
// on 4.0): one create or one update per secret per hook, applied only when the hook commits, the
// same on Juju 3.6 and 4; and the next rotation time the controller keeps.

import { afterEach, describe, expect, test, vi } from "vitest";

import { HookContext } from "../../engine/hook-context.js";
import { JujuModel } from "../../engine/model.js";
import { nextRotateTime, xidOf } from "../../engine/secrets.js";
import { DB, PG_DB, committedHook, defined, demoModel, hook, secretAt } from "../support/engine.js";

/** demoModel() on another Juju version. */
function demoModelOn(jujuVersion: string): JujuModel {
  const json = demoModel().toJSON();
  return JujuModel.fromJSON({ ...(json as Record<string, never>), jujuVersion });
}

afterEach(() => {
  vi.useRealTimers();
});

describe.each(["3.6.4", "4.0.1"])("Juju %s", (jujuVersion) => {
  test("secret-set after secret-add in the same hook: one secret at revision 1, with the last content and metadata", () => {
    const model = demoModelOn(jujuVersion);
    const context = new HookContext(model, "demo/0");
    const uri = context.secretAdd({ password: "one" }, { owner: "application", label: "first" });
    context.secretSet(uri, { content: { password: "two" } });
    context.secretSet(uri, { content: { password: "three", uris: "pg://x" }, label: "creds", description: "db" });
    expect(context.secretInfoGet({ id: uri })).toMatchObject({ revision: 1, label: "creds", description: "db" });
    const result = context.commit();
    expect(result.newRevisions).toEqual([]);
    const secret = secretAt(model, uri);
    expect([secret.latest, [...secret.revisions.keys()], secret.revisions.get(1)]).toEqual([1, [1], { password: "three", uris: "pg://x" }]);
    expect([secret.label, secret.description]).toEqual(["creds", "db"]);
  });

  test("two secret-sets of a committed secret in one hook: one new revision, the sets' metadata merged", () => {
    const model = demoModelOn(jujuVersion);
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    const context = new HookContext(model, "demo/0");
    context.secretSet(uri, { content: { password: "two" }, label: "creds" });
    context.secretSet(uri, { content: { password: "three" }, description: "d" });
    expect(context.commit().newRevisions).toEqual([{ xid: xidOf(uri), revision: 2 }]);
    const secret = secretAt(model, uri);
    expect([secret.latest, secret.revisions.get(2), secret.label, secret.description]).toEqual([2, { password: "three" }, "creds", "d"]);
  });

  test("secret-add then secret-remove in one hook: nothing is created; secret-remove then secret-set: the set wins", () => {
    const model = demoModelOn(jujuVersion);
    const context = new HookContext(model, "demo/0");
    const uri = context.secretAdd({ password: "one" }, { owner: "unit" });
    context.secretRemove(uri);
    const result = context.commit();
    expect([model.secrets.size, result.removedSecrets]).toEqual([0, []]);

    const kept = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    committedHook(model, "demo/0", (c) => {
      c.secretRemove(kept);
      c.secretSet(kept, { content: { password: "two" } });
    });
    expect(secretAt(model, kept).latest).toBe(2);
  });

  test("a hook that fails creates, updates and grants nothing (the recorder is flushed only on success)", () => {
    const model = demoModelOn(jujuVersion);
    const uri = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const failed = new HookContext(model, "pg/0");
    const added = failed.secretAdd({ token: "t" }, { owner: "unit" });
    failed.secretSet(uri, { content: { password: "two" } });
    failed.secretGrant(uri, PG_DB.id);
    // No commit: the hook exited non-zero.
    expect(model.secrets.has(defined(xidOf(added), "an xid"))).toBe(false);
    expect(secretAt(model, uri).latest).toBe(1);
    expect(secretAt(model, uri).grants.size).toBe(0);
  });

  test("a consumer's tracked revision and label are saved during secret-get, committed or not", () => {
    const model = demoModelOn(jujuVersion);
    const uri = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "pg/0", (c) => {
      c.secretGrant(uri, PG_DB.id);
    });
    new HookContext(model, "demo/1").secretGet({ id: uri, label: "db" });
    expect(secretAt(model, uri).tracking.get("demo/1")).toBe(1);
    expect(secretAt(model, uri).consumerLabels.get("demo/1")).toBe("db");
  });
});

describe("a peer unit reading its application's secret with an id and a label", () => {
  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go: getAppOwnedOrUnitOwnedSecretMetadata
  // updates the owner label only for the owner or the leader, and peer units set no consumer label.
  test("a non-leader sets neither the owner label nor a consumer label", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application", label: "own" }));
    committedHook(model, "demo/1", (c) => c.secretGet({ id: uri, label: "peer-label" }));
    expect([secretAt(model, uri).label, secretAt(model, uri).consumerLabels.has("demo/1")]).toEqual(["own", false]);
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri, label: "renamed" }));
    expect(secretAt(model, uri).label).toBe("renamed");
  });
});

describe("secret-info-get after secret-set in the same hook", () => {
  // juju/juju worker/uniter/runner/context/context.go, SecretMetadata: LatestRevision is the controller's.
  test("reports the committed revision, not the one the pending content will make", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { content: { password: "two" } });
    expect(context.secretInfoGet({ id: uri }).revision).toBe(1);
    context.commit();
    expect(hook(model, "demo/0").secretInfoGet({ id: uri }).revision).toBe(2);
  });
});

describe("rotates: the next rotation time", () => {
  test("calendar arithmetic as Go's AddDate: a month after 31 January is 3 March (2026 is no leap year)", () => {
    const from = Date.parse("2026-01-31T10:00:00.250Z");
    expect(nextRotateTime("hourly", from)).toBe("2026-01-31T11:00:00Z");
    expect(nextRotateTime("daily", from)).toBe("2026-02-01T10:00:00Z");
    expect(nextRotateTime("weekly", from)).toBe("2026-02-07T10:00:00Z");
    expect(nextRotateTime("monthly", from)).toBe("2026-03-03T10:00:00Z");
    expect(nextRotateTime("quarterly", from)).toBe("2026-05-01T10:00:00Z");
    expect(nextRotateTime("yearly", Date.parse("2028-02-29T00:00:00Z"))).toBe("2029-03-01T00:00:00Z");
    expect(nextRotateTime("never", from)).toBeUndefined();
  });

  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go: createSecret sets NextRotateTime when
  // the policy rotates; updateSecret only when the secret did not rotate before.
  test("set when a rotating secret is committed; kept when the policy changes; restarted after never", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-01T12:00:00Z"));
    const model = demoModel();
    const context = hook(model, "demo/0");
    const uri = context.secretAdd({ password: "one" }, { owner: "application", rotate: "daily" });
    expect(context.secretInfoGet({ id: uri }).rotates).toBeUndefined();
    context.commit();
    expect(hook(model, "demo/0").secretInfoGet({ id: uri })).toMatchObject({ rotation: "daily", rotates: "2026-12-02T12:00:00Z" });

    vi.setSystemTime(new Date("2026-12-01T13:00:00Z"));
    committedHook(model, "demo/0", (c) => {
      c.secretSet(uri, { rotate: "hourly" });
    });
    expect(secretAt(model, uri).nextRotate).toBe("2026-12-02T12:00:00Z");
    committedHook(model, "demo/0", (c) => {
      c.secretSet(uri, { rotate: "never" });
    });
    expect(hook(model, "demo/0").secretInfoGet({ id: uri }).rotates).toBeUndefined();
    committedHook(model, "demo/0", (c) => {
      c.secretSet(uri, { rotate: "hourly" });
    });
    expect(secretAt(model, uri).nextRotate).toBe("2026-12-01T14:00:00Z");
  });
});

describe("grants over a relation that is gone", () => {
  // juju/juju state/relation.go: removing a relation removes the secret permissions scoped to it.
  test("removeRelation ends them, and a grant over a relation the model no longer has is none", () => {
    const model = demoModel();
    const uri = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "pg/0", (c) => {
      c.secretGrant(uri, PG_DB.id);
    });
    expect(hook(model, "pg/0").secretGrants(uri)).toEqual([{ grantee: "demo", relationId: DB.id }]);
    model.removeRelation(DB.id);
    expect(hook(model, "pg/0").secretGrants(uri)).toEqual([]);
    model.grantSecret(defined(xidOf(uri), "an xid"), "demo", DB.id);
    expect(hook(model, "pg/0").secretGrants(uri)).toEqual([]);
  });
});
