// engine/secrets.ts: content keys and sizes, labels, rotate policies, who manages and who reads a
// secret, tracked revisions, secret-get/-add/-set/-ids/-info-get/-grant/-revoke, with Juju's exact
// texts and exit codes.

import { describe, expect, test } from "vitest";

import { HookToolError, HookToolUsageError, RelationNotFoundError, SecretNotFoundError } from "../../runtime/errors.js";
import type { SecretOwner, SecretRotatePolicy } from "../../runtime/hook-tools/index.js";
import { JujuModel, type SecretRecord } from "../../engine/model.js";
import { xidOf } from "../../engine/secrets.js";
import {
  commitRefusal,
  defined,
  DB,
  PG_DB,
  demoModel,
  hook,
  committedHook,
  secretAt,
  expectSecretNotFound,
  expectToolError,
  text,
} from "../support/engine.js";

describe("secret content keys: ^([a-z](?:-?[a-z0-9]){2,})$", () => {
  test.each(["ab", "a-b", "Abc", "1abc", "a--b", "abc-", "a_bc", "-abc"])("key %j is refused by secret-add (exit 2)", (key) => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ [key]: "v" }, { owner: "unit" }),
      HookToolUsageError,
      "secret-add",
      2,
      `key "${key}" not valid`,
    );
  });

  test("secret-set checks keys the same way", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "unit" }));
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretSet(uri, { content: { pw: "y" } });
      },
      HookToolUsageError,
      "secret-set",
      2,
      'key "pw" not valid',
    );
  });

  test.each(["abc", "password", "a-bc", "a1-b2-c3", "tls-cert-2"])("key %j is accepted", (key) => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    const uri = context.secretAdd({ [key]: "v" }, { owner: "unit" });
    expect(context.secretGet({ id: uri })).toEqual({ [key]: "v" });
  });
});

describe("secret size: each base64 value ≤ 1,000,000 B and their sum ≤ 1,000,000 B", () => {
  test("a value whose base64 form is 1,000,004 bytes is refused (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ blob: "a".repeat(750_001) }, { owner: "unit" }),
      HookToolUsageError,
      "secret-add",
      2,
      'base64 encoded secret content for key "blob" too large: 1000004 bytes',
    );
  });

  test("a value whose base64 form is exactly 1,000,000 bytes is accepted", () => {
    const context = hook(demoModel(), "demo/0");
    const uri = context.secretAdd({ blob: "a".repeat(750_000) }, { owner: "unit" });
    expect(context.secretGet({ id: uri })["blob"]).toHaveLength(750_000);
  });

  test("values that are each small enough but together too large are refused (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ first: "a".repeat(400_000), second: "b".repeat(400_000) }, { owner: "unit" }),
      HookToolUsageError,
      "secret-add",
      2,
      "base64 encoded secret content too large: 1066672 bytes",
    );
  });

  test("values adding up to exactly 1,000,000 base64 bytes are accepted", () => {
    const context = hook(demoModel(), "demo/0");
    expect(() => context.secretAdd({ first: "a".repeat(375_000), second: "b".repeat(375_000) }, { owner: "unit" })).not.toThrow();
  });
});

describe("secret labels: no format rule; unique per owner (checked at commit) and per consumer (checked as secret-get runs)", () => {
  test("a label is free text", () => {
    const model = demoModel();
    const label = "DB password / primary: ü ✓";
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", label }));
    expect(secretAt(model, uri).label).toBe(label);
  });

  test("two owners may use the same label", () => {
    const model = demoModel();
    committedHook(model, "pg/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", label: "shared" }));
    const context = hook(model, "demo/0");
    const uri = context.secretAdd({ password: "y" }, { owner: "application", label: "shared" });
    expect(() => context.commit()).not.toThrow();
    expect(secretAt(model, uri).label).toBe("shared");
  });

  test('a label the owner already uses is refused at commit: secret with label "x" already exists', () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", label: "x" }));
    const context = hook(model, "demo/0");
    // The tool accepts it: the controller refuses it only when the hook's changes are committed.
    context.secretAdd({ password: "y" }, { owner: "application", label: "x" });
    expect(commitRefusal(context).message).toBe('secret with label "x" already exists');
    expect(model.secrets.size).toBe(1);
  });

  test("two secrets added in one hook with the same label are refused at commit", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.secretAdd({ password: "a" }, { owner: "unit", label: "x" });
    context.secretAdd({ password: "b" }, { owner: "unit", label: "x" });
    expect(commitRefusal(context).message).toBe('secret with label "x" already exists');
    expect(model.secrets.size).toBe(0);
  });

  test("secret-set cannot give a secret a label another secret of the same owner has (refused at commit)", () => {
    const model = demoModel();
    const first = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "a" }, { owner: "application", label: "x" }));
    const second = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "b" }, { owner: "application", label: "y" }));
    const context = hook(model, "demo/0");
    context.secretSet(second, { label: "x" });
    expect(commitRefusal(context).message).toBe('secret with label "x" already exists');
    expect([secretAt(model, first).label, secretAt(model, second).label]).toEqual(["x", "y"]);
  });

  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go (getConsumedRevision saves the
  // consumer during the call) and state/secrets.go (uniqueSecretConsumerLabelOps, its texts), 3.6.
  test("one consumer cannot give two secrets the same label: that secret-get fails (exit 1), the hook goes on and commits", () => {
    const model = demoModel();
    const a = model.addSecret({ kind: "application", app: "pg" }, { password: "a" });
    const b = model.addSecret({ kind: "application", app: "pg" }, { password: "b" });
    a.grants.set("demo", { relationId: 1 });
    b.grants.set("demo", { relationId: 1 });
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: model.secretUri(a.xid), label: "creds" })).toEqual({ password: "a" });
    expectToolError(
      () => context.secretGet({ id: model.secretUri(b.xid), label: "creds" }),
      HookToolError,
      "secret-get",
      1,
      'getting latest secret revision: secret label "creds" for consumer "unit-demo-0" already exists',
    );
    expect(() => context.commit()).not.toThrow();
    expect(a.consumerLabels.get("demo/0")).toBe("creds");
    expect(b.consumerLabels.has("demo/0")).toBe(false);
    expect(b.tracking.has("demo/0")).toBe(false);
  });

  test("a consumer label may not be an owner label of this unit's secrets or its application's", () => {
    const model = demoModel();
    const pg = model.addSecret({ kind: "application", app: "pg" }, { password: "a" });
    pg.grants.set("demo", { relationId: 1 });
    committedHook(model, "demo/0", (c) => c.secretAdd({ token: "t" }, { owner: "unit", label: "mine" }));
    committedHook(model, "demo/0", (c) => c.secretAdd({ token: "t" }, { owner: "application", label: "ours" }));
    const context = hook(model, "demo/0");
    const uri = model.secretUri(pg.xid);
    expectToolError(
      () => context.secretGet({ id: uri, label: "ours" }),
      HookToolError,
      "secret-get",
      1,
      'getting latest secret revision: secret label "ours" for "unit-demo-0" already exists',
    );
    expectToolError(
      () => context.secretGet({ id: uri, label: "mine" }),
      HookToolError,
      "secret-get",
      1,
      'getting latest secret revision: secret label "mine" for owner "unit-demo-0" already exists',
    );
    expect(context.secretGet({ id: uri, label: "theirs" })).toEqual({ password: "a" });
  });

  test("giving a secret the label it already has for this unit is no clash", () => {
    const model = demoModel();
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "a" });
    secret.grants.set("demo", { relationId: 1 });
    committedHook(model, "demo/0", (c) => c.secretGet({ id: model.secretUri(secret.xid), label: "creds" }));
    expect(hook(model, "demo/0").secretGet({ id: model.secretUri(secret.xid), label: "creds" })).toEqual({ password: "a" });
  });

  test("two consumers may give one secret the same label", () => {
    const model = demoModel();
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "a" });
    secret.grants.set("demo", { relationId: 1 });
    committedHook(model, "demo/0", (c) => c.secretGet({ id: model.secretUri(secret.xid), label: "creds" }));
    committedHook(model, "demo/1", (c) => c.secretGet({ id: model.secretUri(secret.xid), label: "creds" }));
    expect(Object.fromEntries(secret.consumerLabels)).toEqual({ "demo/0": "creds", "demo/1": "creds" });
  });
});

describe("secret rotate policy: never, hourly, daily, weekly, monthly, quarterly, yearly", () => {
  test.each(["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"] as const)("%s is accepted", (rotate) => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", rotate }));
    expect(secretAt(model, uri).rotate).toBe(rotate);
  });

  test.each(["biweekly", "Daily", ""])('%j is refused: rotate policy "x" not valid (exit 2)', (rotate) => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ password: "x" }, { owner: "application", rotate: rotate as SecretRotatePolicy }),
      HookToolUsageError,
      "secret-add",
      2,
      `rotate policy "${rotate}" not valid`,
    );
  });

  test("secret-set checks the policy too", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretSet(uri, { rotate: text("fortnightly") as SecretRotatePolicy });
      },
      HookToolUsageError,
      "secret-set",
      2,
      'rotate policy "fortnightly" not valid',
    );
  });
});

describe("managing an application-owned secret is for the leader only: this unit is not the leader", () => {
  function withAppSecret(): { model: JujuModel; uri: string } {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application", label: "app-secret" }));
    return { model, uri };
  }

  test("secret-add --owner application by a non-leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(
      () => context.secretAdd({ password: "x" }, { owner: "application" }),
      HookToolError,
      "secret-add",
      1,
      "this unit is not the leader",
    );
  });

  test("secret-add --owner unit by a non-leader is fine", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/1", (c) => c.secretAdd({ password: "x" }, { owner: "unit" }));
    expect(secretAt(model, uri).owner).toEqual({ kind: "unit", unit: "demo/1" });
  });

  test("secret-set by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.secretSet(uri, { content: { password: "two" } });
      },
      HookToolError,
      "secret-set",
      1,
      "this unit is not the leader",
    );
  });

  test("secret-remove by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.secretRemove(uri);
      },
      HookToolError,
      "secret-remove",
      1,
      "this unit is not the leader",
    );
  });

  test("secret-grant by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.secretGrant(uri, DB.id);
      },
      HookToolError,
      "secret-grant",
      1,
      "this unit is not the leader",
    );
  });

  test("secret-revoke by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.secretRevoke(uri, DB.id);
      },
      HookToolError,
      "secret-revoke",
      1,
      "this unit is not the leader",
    );
  });

  test("secret-ids of a non-leader leaves the application's secrets out", () => {
    const { model } = withAppSecret();
    expect(hook(model, "demo/1").secretIds()).toEqual([]);
  });

  test('secret-info-get of an application secret by a non-leader: secret "<xid>" not found (exit 1)', () => {
    const { model, uri } = withAppSecret();
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/1");
    expectToolError(() => context.secretInfoGet({ id: uri }), SecretNotFoundError, "secret-info-get", 1, `secret "${xid}" not found`);
    expectToolError(
      () => context.secretInfoGet({ label: "app-secret" }),
      SecretNotFoundError,
      "secret-info-get",
      1,
      'secret "app-secret" not found',
    );
  });

  test("the leader may do all of it", () => {
    const { model, uri } = withAppSecret();
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/0");
    expect(context.secretIds()).toEqual([xid]);
    expect(context.secretInfoGet({ id: uri })).toMatchObject({ id: xid, revision: 1, owner: "application", label: "app-secret" });
    context.secretSet(uri, { content: { password: "two" } });
    context.secretGrant(uri, DB.id);
    context.commit();
    expect(secretAt(model, uri).latest).toBe(2);
    expect(secretAt(model, uri).grants.has("pg")).toBe(true);
    committedHook(model, "demo/0", (c) => {
      c.secretRevoke(uri, DB.id);
    });
    expect(secretAt(model, uri).grants.has("pg")).toBe(false);
    committedHook(model, "demo/0", (c) => {
      c.secretRemove(uri);
    });
    expect(model.secrets.has(xid)).toBe(false);
  });

  test("a leader that has lost leadership during the hook is refused too", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/0");
    model.app("demo").leader = "demo/1";
    expectToolError(
      () => {
        context.secretSet(uri, { content: { password: "two" } });
      },
      HookToolError,
      "secret-set",
      1,
      "this unit is not the leader",
    );
  });
});

describe("managing a unit-owned secret is for the owning unit only (controller)", () => {
  test("another unit's secret-set is refused when the hook commits, and nothing is applied", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    const context = hook(model, "demo/1");
    context.secretSet(uri, { content: { password: "two" } });
    context.stateSet({ marker: "set" });
    commitRefusal(context);
    expect(secretAt(model, uri).latest).toBe(1);
    expect(model.unit("demo/1").state).toEqual({});
  });

  test("another unit's secret-remove is refused when the hook commits", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    const context = hook(model, "demo/1");
    context.secretRemove(uri);
    commitRefusal(context);
    expect(model.secrets.size).toBe(1);
  });

  test('another unit cannot grant it: secret "<xid>" not found (exit 1)', () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.secretGrant(uri, DB.id);
      },
      SecretNotFoundError,
      "secret-grant",
      1,
      `secret "${xid}" not found`,
    );
  });

  test("the owning unit manages it, leader or not", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/1", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    committedHook(model, "demo/1", (c) => {
      c.secretSet(uri, { content: { password: "two" } });
      c.secretGrant(uri, DB.id);
    });
    expect(secretAt(model, uri).latest).toBe(2);
    expect(secretAt(model, uri).grants.has("pg")).toBe(true);
  });
});

describe("reading secrets: any unit of the owning app; anyone else needs a grant (permission denied)", () => {
  function pgSecret(model: JujuModel): { secret: SecretRecord; uri: string } {
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "s3cret" });
    return { secret, uri: model.secretUri(secret.xid) };
  }

  test("every unit of the owning application reads an application secret, not just the leader", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    expect(hook(model, "demo/1").secretGet({ id: uri })).toEqual({ password: "one" });
  });

  test("another application's secret without a grant: permission denied (exit 1)", () => {
    const model = demoModel();
    const { uri } = pgSecret(model);
    const context = hook(model, "demo/0");
    expectToolError(() => context.secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("another unit's secret of the same application: permission denied (exit 1)", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "mine" }, { owner: "unit" }));
    const context = hook(model, "demo/1");
    expectToolError(() => context.secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("after the owner grants access on the relation, units of the remote application can read it", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id);
    });
    expect(hook(model, "pg/0").secretGet({ id: uri })).toEqual({ password: "one" });
  });

  test("a grant takes effect only when the granting hook commits", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const granting = hook(model, "demo/0");
    granting.secretGrant(uri, DB.id);
    expectToolError(() => hook(model, "pg/0").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
    granting.commit();
    expect(hook(model, "pg/0").secretGet({ id: uri })).toEqual({ password: "one" });
  });

  test("a unit-level grant lets that unit read, not its siblings", () => {
    const model = demoModel();
    model.addUnit("pg");
    model.joinRelation(1, "pg/1");
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id, "pg/0");
    });
    expect(hook(model, "pg/0").secretGet({ id: uri })).toEqual({ password: "one" });
    expectToolError(() => hook(model, "pg/1").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("after a revoke (committed) the remote application is denied again", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id);
    });
    committedHook(model, "demo/0", (c) => {
      c.secretRevoke(uri, DB.id);
    });
    expectToolError(() => hook(model, "pg/0").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("grants end when the relation is removed", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id);
    });
    model.relations.delete(DB.id);
    expectToolError(() => hook(model, "pg/0").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });
});

describe("secret revision tracking", () => {
  function consumed(): { model: JujuModel; secret: SecretRecord; uri: string; publish: (password: string) => void } {
    const model = demoModel();
    const uri = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "one" }, { owner: "application", label: "pg-creds" }));
    committedHook(model, "pg/0", (c) => {
      c.secretGrant(uri, PG_DB.id);
    });
    const publish = (password: string): void => {
      committedHook(model, "pg/0", (c) => {
        c.secretSet(uri, { content: { password } });
      });
    };
    return { model, secret: secretAt(model, uri), uri, publish };
  }

  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go, getConsumedRevision: the consumer
  // record is saved while the controller answers, not with the hook's changes.
  test("the first secret-get pins the latest revision for this unit, as the call runs", () => {
    const { model, secret, uri } = consumed();
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri })).toEqual({ password: "one" });
    expect(secret.tracking.get("demo/0")).toBe(1);
    context.commit();
    expect(secret.tracking.get("demo/0")).toBe(1);
  });

  test("a first read with --peek pins the latest too (the controller creates the consumer record)", () => {
    const { model, secret, uri } = consumed();
    hook(model, "demo/0").secretGet({ id: uri, peek: true });
    expect(secret.tracking.get("demo/0")).toBe(1);
  });

  test("later gets return the pinned revision after the owner publishes a new one", () => {
    const { model, secret, uri, publish } = consumed();
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri })).toEqual({ password: "one" });
    publish("two");
    expect(secret.latest).toBe(2);
    expect(context.secretGet({ id: uri })).toEqual({ password: "one" });
    context.commit();
    expect(hook(model, "demo/0").secretGet({ id: uri })).toEqual({ password: "one" });
  });

  test("tracking is per unit: a unit that has not read it yet pins the latest", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    committedHook(model, "demo/1", (c) => c.secretGet({ id: uri }));
    expect(Object.fromEntries(secret.tracking)).toMatchObject({ "demo/0": 1, "demo/1": 2 });
  });

  test("--peek returns the latest without re-pinning", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri, peek: true })).toEqual({ password: "two" });
    expect(context.secretGet({ id: uri })).toEqual({ password: "one" });
    context.commit();
    expect(secret.tracking.get("demo/0")).toBe(1);
  });

  test("--refresh returns the latest and re-pins it as the call runs", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri, refresh: true })).toEqual({ password: "two" });
    expect(secret.tracking.get("demo/0")).toBe(2);
    expect(context.secretGet({ id: uri })).toEqual({ password: "two" });
    context.commit();
    expect(hook(model, "demo/0").secretGet({ id: uri })).toEqual({ password: "two" });
  });

  test("a refresh (and a label) in a hook that then fails stays: the controller saved them during the call", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    // The hook is never committed: it failed after the call.
    hook(model, "demo/0").secretGet({ id: uri, refresh: true, label: "db" });
    expect(secret.tracking.get("demo/0")).toBe(2);
    expect(secret.consumerLabels.get("demo/0")).toBe("db");
    expect(hook(model, "demo/0").secretGet({ label: "db" })).toEqual({ password: "two" });
  });

  test("--peek and --refresh together: specify one of --peek or --refresh but not both (exit 2)", () => {
    const { model, uri } = consumed();
    const context = hook(model, "demo/0");
    expectToolError(
      () => context.secretGet({ id: uri, peek: true, refresh: true }),
      HookToolUsageError,
      "secret-get",
      2,
      "specify one of --peek or --refresh but not both",
    );
  });
});

describe("secret-get arguments", () => {
  test("neither id nor label: require either a secret URI or label (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretGet({}), HookToolUsageError, "secret-get", 2, "require either a secret URI or label");
  });

  test('a malformed id: secret URI "x" not valid (exit 2)', () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretGet({ id: "not-a-secret" }),
      HookToolUsageError,
      "secret-get",
      2,
      'secret URI "not-a-secret" not valid',
    );
  });

  test('an unknown secret: secret "…" not found (exit 1)', () => {
    const model = demoModel();
    const uri = model.secretUri("cs9ab3go9ns0ql5jgv6g");
    expectSecretNotFound(() => hook(model, "demo/0").secretGet({ id: uri }), "cs9ab3go9ns0ql5jgv6g");
  });

  test("every URI form names the same secret: secret://<model>/<xid>, secret:<xid>, <xid>", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "unit" }));
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/0");
    for (const id of [uri, `secret:${xid}`, xid]) expect(context.secretGet({ id })).toEqual({ password: "x" });
  });
});

describe("secret-add options", () => {
  test('an owner other than application|unit: secret owner "x" not valid (exit 2)', () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ password: "x" }, { owner: text("model") as SecretOwner }),
      HookToolUsageError,
      "secret-add",
      2,
      'secret owner "model" not valid',
    );
  });

  test("no content: missing secret value or filename (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({}, { owner: "unit" }),
      HookToolUsageError,
      "secret-add",
      2,
      "missing secret value or filename",
    );
  });

  test.each(["24h", "90m", "2025-01-01T06:06:06Z", "2025-01-01T06:06:06"])("expire %j is accepted", (expire) => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "unit", expire }));
    expect(secretAt(model, uri).expire).toBeDefined();
  });

  test('a bad expiry: expire time or duration "x" not valid; a negative one: negative expire duration "-1h" not valid (exit 2)', () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.secretAdd({ password: "x" }, { owner: "unit", expire: "tomorrow" }),
      HookToolUsageError,
      "secret-add",
      2,
      'expire time or duration "tomorrow" not valid',
    );
    expectToolError(
      () => context.secretAdd({ password: "x" }, { owner: "unit", expire: "-1h" }),
      HookToolUsageError,
      "secret-add",
      2,
      'negative expire duration "-1h" not valid',
    );
  });
});

describe("secret labels: owner labels and consumer labels", () => {
  function consumed(): { model: JujuModel; secret: SecretRecord; uri: string } {
    const model = demoModel();
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "one" }, { label: "pg-owner-label" });
    secret.grants.set("demo", { relationId: 1 });
    return { model, secret, uri: model.secretUri(secret.xid) };
  }

  test("the owner finds its secret by its owner label, in the hook that added it and later", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.secretAdd({ token: "abc" }, { owner: "application", label: "api-key" });
    expect(context.secretGet({ label: "api-key" })).toEqual({ token: "abc" });
    context.commit();
    expect(hook(model, "demo/0").secretGet({ label: "api-key" })).toEqual({ token: "abc" });
  });

  test("secret-get with id and label sets this consumer's label, not the owner's", () => {
    const { model, secret, uri } = consumed();
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri, label: "db-creds" })).toEqual({ password: "one" });
    expect(context.secretGet({ label: "db-creds" })).toEqual({ password: "one" });
    expect(secret.consumerLabels.get("demo/0")).toBe("db-creds");
    context.commit();
    expect(secret.consumerLabels.get("demo/0")).toBe("db-creds");
    expect(secret.label).toBe("pg-owner-label");
    expect(hook(model, "demo/0").secretGet({ label: "db-creds" })).toEqual({ password: "one" });
  });

  test('a consumer label is that unit\'s alone: another unit does not find it (secret "label" not found, exit 1)', () => {
    const { model, uri } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri, label: "db-creds" }));
    const context = hook(model, "demo/1");
    expectToolError(() => context.secretGet({ label: "db-creds" }), SecretNotFoundError, "secret-get", 1, 'secret "db-creds" not found');
  });

  test("a consumer cannot use the owner's label", () => {
    const { model } = consumed();
    const context = hook(model, "demo/0");
    expectToolError(
      () => context.secretGet({ label: "pg-owner-label" }),
      SecretNotFoundError,
      "secret-get",
      1,
      'secret "pg-owner-label" not found',
    );
  });

  test("the owner's label is shown by secret-info-get, and changed by secret-set --label", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", label: "old" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { label: "new" });
    expect(context.secretInfoGet({ label: "new" }).id).toBe(xidOf(uri));
    context.commit();
    expect(secretAt(model, uri).label).toBe("new");
    expect(secretAt(model, uri).latest).toBe(1);
  });
});

describe("secret-ids and secret-info-get: own unit's secrets, the application's only for the leader", () => {
  function owned(): { model: JujuModel; app: string; unit0: string; unit1: string; pg: string } {
    const model = demoModel();
    const app = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "a" }, { owner: "application", label: "app-secret" }));
    const unit0 = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "u0" }, { owner: "unit", label: "unit-secret" }));
    const unit1 = committedHook(model, "demo/1", (c) => c.secretAdd({ password: "u1" }, { owner: "unit", label: "unit-secret" }));
    const pg = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "p" }, { owner: "application" }));
    committedHook(model, "pg/0", (c) => {
      c.secretGrant(pg, PG_DB.id);
    });
    const bare = (uri: string): string => defined(xidOf(uri), "xid");
    return { model, app: bare(app), unit0: bare(unit0), unit1: bare(unit1), pg: bare(pg) };
  }

  test("the leader lists the application's secrets and its own, as bare xids", () => {
    const { model, app, unit0 } = owned();
    expect(hook(model, "demo/0").secretIds().sort()).toEqual([app, unit0].sort());
  });

  test("a non-leader lists only its own", () => {
    const { model, unit1 } = owned();
    expect(hook(model, "demo/1").secretIds()).toEqual([unit1]);
  });

  test("secrets added earlier in the hook are listed", () => {
    const { model, unit1 } = owned();
    const context = hook(model, "demo/1");
    const added = defined(xidOf(context.secretAdd({ password: "new" }, { owner: "unit" })), "xid");
    expect(context.secretIds().sort()).toEqual([unit1, added].sort());
    expect(context.secretInfoGet({ id: added })).toEqual({ id: added, revision: 1, owner: "unit" });
  });

  test("secret-info-get shows revision, label and owner of a visible secret, by id or owner label", () => {
    const { model, app, unit0 } = owned();
    const context = hook(model, "demo/0");
    expect(context.secretInfoGet({ id: app })).toEqual({ id: app, revision: 1, label: "app-secret", owner: "application" });
    expect(context.secretInfoGet({ label: "unit-secret" })).toEqual({ id: unit0, revision: 1, label: "unit-secret", owner: "unit" });
  });

  test('a secret this unit only consumes is not visible: secret "<xid>" not found (exit 1)', () => {
    const { model, pg } = owned();
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: pg })).toEqual({ password: "p" });
    expect(context.secretIds()).not.toContain(pg);
    expectToolError(() => context.secretInfoGet({ id: pg }), SecretNotFoundError, "secret-info-get", 1, `secret "${pg}" not found`);
  });

  test("another unit's secret is not visible, even to the leader", () => {
    const { model, unit1 } = owned();
    const context = hook(model, "demo/0");
    expect(context.secretIds()).not.toContain(unit1);
    expectToolError(() => context.secretInfoGet({ id: unit1 }), SecretNotFoundError, "secret-info-get", 1, `secret "${unit1}" not found`);
  });

  test("both id and label: specify either a secret URI or label but not both (exit 2)", () => {
    const { model, app } = owned();
    const context = hook(model, "demo/0");
    const query = { id: app, label: "app-secret" };
    expectToolError(
      () => context.secretInfoGet(query),
      HookToolUsageError,
      "secret-info-get",
      2,
      "specify either a secret URI or label but not both",
    );
  });
});

describe("secret-set revisions (Juju ≥ 3.6)", () => {
  test("identical content creates no new revision", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one", user: "u" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { content: { user: "u", password: "one" } });
    expect(context.commit().newRevisions).toEqual([]);
    expect(secretAt(model, uri).latest).toBe(1);
    expect(secretAt(model, uri).revisions.size).toBe(1);
  });

  test("changed content creates the next revision", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { content: { password: "two" } });
    expect(context.commit().newRevisions).toEqual([{ xid: xidOf(uri), revision: 2 }]);
    expect(secretAt(model, uri).revisions.get(2)).toEqual({ password: "two" });
  });

  test("metadata only (no content) creates no revision", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { description: "the db password", rotate: "monthly" });
    expect(context.commit().newRevisions).toEqual([]);
    expect(secretAt(model, uri)).toMatchObject({ latest: 1, description: "the db password", rotate: "monthly" });
  });
});

describe("secret-grant and secret-revoke rules", () => {
  function appSecret(): { model: JujuModel; uri: string; xid: string } {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    return { model, uri, xid: defined(xidOf(uri), "xid") };
  }

  test("a relation this unit is not in: relation not found (exit 2)", () => {
    const { model, uri } = appSecret();
    const context = hook(model, "demo/0");
    // A missing relation is a RelationNotFoundError from any tool (ops would say SecretNotFoundError here).
    expectToolError(
      () => {
        context.secretGrant(uri, 99);
      },
      RelationNotFoundError,
      "secret-grant",
      2,
      'invalid value "99" for option -r: relation not found',
    );
  });

  test('--unit that is not a unit name: unit "x" not valid (exit 2)', () => {
    const { model, uri } = appSecret();
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretGrant(uri, DB.id, "pg");
      },
      HookToolUsageError,
      "secret-grant",
      2,
      'unit "pg" not valid',
    );
  });

  test('--unit of another application: cannot specify unit "a/0" in relation to application "b" (exit 2)', () => {
    const { model, uri } = appSecret();
    model.addApp("other");
    model.addUnit("other");
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretGrant(uri, DB.id, "other/0");
      },
      HookToolUsageError,
      "secret-grant",
      2,
      'cannot specify unit "other/0" in relation to application "pg"',
    );
  });

  test('a secret this unit does not own: secret "<xid>" not found (exit 1)', () => {
    const model = demoModel();
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "p" });
    secret.grants.set("demo", { relationId: 1 });
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretGrant(model.secretUri(secret.xid), DB.id);
      },
      SecretNotFoundError,
      "secret-grant",
      1,
      `secret "${secret.xid}" not found`,
    );
  });

  test("the application after unit-level grants: any unit level grants need to be revoked first (exit 1)", () => {
    const { model, uri } = appSecret();
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id, "pg/0");
    });
    const context = hook(model, "demo/0");
    expectToolError(
      () => {
        context.secretGrant(uri, DB.id);
      },
      HookToolError,
      "secret-grant",
      1,
      "any unit level grants need to be revoked before granting access to the corresponding application",
    );
  });

  test("after revoking the unit-level grant, the application can be granted", () => {
    const { model, uri } = appSecret();
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id, "pg/0");
    });
    committedHook(model, "demo/0", (c) => {
      c.secretRevoke(uri, DB.id, "pg/0");
    });
    committedHook(model, "demo/0", (c) => {
      c.secretGrant(uri, DB.id);
    });
    expect([...secretAt(model, uri).grants.keys()]).toEqual(["pg"]);
  });

  test("a secret added in the same hook can be granted", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => {
      const added = c.secretAdd({ password: "one" }, { owner: "application" });
      c.secretGrant(added, DB.id);
      return added;
    });
    expect(hook(model, "pg/0").secretGet({ id: uri })).toEqual({ password: "one" });
  });

  test("revoking an unknown secret is not an error", () => {
    const context = hook(demoModel(), "demo/0");
    expect(() => {
      context.secretRevoke("secret:cs9ab3go9ns0ql5jgv6g", DB.id);
    }).not.toThrow();
    expect(() => context.commit()).not.toThrow();
  });

  test("removing an unknown secret gives no immediate error", () => {
    const context = hook(demoModel(), "demo/0");
    expect(() => {
      context.secretRemove("secret:cs9ab3go9ns0ql5jgv6g");
    }).not.toThrow();
  });
});
