// sim/: the engine's hook contexts against the reference (juju-hook-tools.md): every rule of §4 with
// Juju's exact error text and exit code, per-hook buffering (§1.2), read-your-writes, sticky
// is-leader, secret revision tracking, labels, visibility and grants (§3.6), commit-time refusals.

import { describe, expect, test } from "vitest";

import { MetadataError, compileCharmMeta } from "../../project/charm-meta.js";
import { HookToolError, HookToolUsageError, RelationNotFoundError, SecretNotFoundError } from "../../runtime/errors.js";
import type {
  CloudSpecRecord,
  PortRange,
  Protocol,
  RelationRef,
  SecretOwner,
  SecretRotatePolicy,
  SettableStatusName,
} from "../../runtime/hook-tools/index.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { type ActionRun, HookContext, xidOf } from "../../engine/hook-context.js";
import { JujuModel, type SecretRecord } from "../../engine/model.js";
import { commitRefusal, defined } from "../support/engine.js";

// --- fixtures -------------------------------------------------------------------------------

const DEMO_META: CharmMeta = {
  name: "demo",
  relations: {
    cluster: { role: "peers", interface: "demo-cluster" },
    db: { role: "requires", interface: "postgresql" },
    website: { role: "provides", interface: "http" },
  },
  storage: {},
  config: { greeting: { type: "string", default: "hello" } },
  actions: { backup: {} },
};

const PG_META: CharmMeta = {
  name: "pg",
  relations: { database: { role: "provides", interface: "postgresql" } },
  storage: {},
  config: {},
  actions: {},
};

/** The peer relation, as demo's units name it. */
const CLUSTER: RelationRef = { endpoint: "cluster", id: 0 };
/** The db relation, as demo's units name it. */
const DB: RelationRef = { endpoint: "db", id: 1 };
/** The same relation, as pg's units name it. */
const PG_DB: RelationRef = { endpoint: "database", id: 1 };

/**
 * App "demo" (units demo/0, the leader, and demo/1) with a peer relation "cluster" (id 0), and a
 * "db" relation (id 1) to app "pg" (unit pg/0, its leader). Every unit is on a machine of its own.
 */
function demoModel(): JujuModel {
  const model = new JujuModel();
  model.addApp("demo", DEMO_META);
  model.addUnit("demo");
  model.addUnit("demo");
  model.app("demo").leader = "demo/0";
  model.addApp("pg", PG_META);
  model.addUnit("pg");
  model.app("pg").leader = "pg/0";
  model.addRelation([{ app: "demo", endpoint: "cluster", role: "peers" }], { id: 0, interface: "demo-cluster" });
  model.joinRelation(0, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(0, "demo/1", { "ingress-address": "10.0.0.11" });
  model.addRelation(
    [
      { app: "demo", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "database", role: "provides" },
    ],
    { id: 1, interface: "postgresql" },
  );
  model.joinRelation(1, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(1, "demo/1", { "ingress-address": "10.0.0.11" });
  model.joinRelation(1, "pg/0", { "ingress-address": "10.0.0.20", host: "pg-0.internal" });
  return model;
}

/** One hook of `unit`. */
function hook(model: JujuModel, unit: string): HookContext {
  return new HookContext(model, unit);
}

/** One action run on `unit`. */
function actionHook(model: JujuModel, unit: string): { context: HookContext; run: ActionRun } {
  const run: ActionRun = { name: "backup", id: "1", params: {}, results: {}, logs: [], failure: undefined };
  return { context: new HookContext(model, unit, run), run };
}

/** Runs one hook of `unit` to a successful end: `body`, then commit. */
function committedHook<T>(model: JujuModel, unit: string, body: (context: HookContext) => T): T {
  const context = hook(model, unit);
  const result = body(context);
  context.commit();
  return result;
}


function secretAt(model: JujuModel, uri: string): SecretRecord {
  return defined(model.secrets.get(defined(xidOf(uri), `a secret URI, got ${uri}`)), `secret ${uri} in the model`);
}

/** The error a tool call threw; fails the test if it did not throw one. */
function toolFailure(call: () => unknown): HookToolError {
  try {
    call();
  } catch (error) {
    if (error instanceof HookToolError) return error;
    throw error;
  }
  throw new Error("expected the hook tool to fail, but it succeeded");
}


/** secret-get's `secret "…" not found` (exit 1): the spec leaves open whether the quoted id is the URI or the bare xid. */
function expectSecretNotFound(call: () => unknown, xid: string): void {
  const error = toolFailure(call);
  expect(error.constructor).toBe(SecretNotFoundError);
  expect({ tool: error.tool, exitCode: error.exitCode }).toEqual({ tool: "secret-get", exitCode: 1 });
  expect(error.stderr).toMatch(new RegExp(`^ERROR secret "(?:secret:(?://[^/"]+/)?)?${xid}" not found\n$`));
}

type ToolErrorClass = typeof HookToolError;

/** The call fails as Juju's tool would: this error class, tool, exit code and `ERROR <message>\n` on stderr. */
function expectToolError(call: () => unknown, kind: ToolErrorClass, tool: string, exitCode: 1 | 2, message: string): void {
  const error = toolFailure(call);
  expect(error.constructor).toBe(kind);
  expect({ tool: error.tool, exitCode: error.exitCode, stderr: error.stderr }).toEqual({ tool, exitCode, stderr: `ERROR ${message}\n` });
  expect(error.message).toContain(message);
}

/** Text the types would refuse, as an untyped caller (the fake tool executables) can pass it: cast it with `as`. */
function text(value: string): string {
  return value;
}

function tcp(port: number, toPort?: number): PortRange {
  return toPort === undefined ? { protocol: "tcp", port } : { protocol: "tcp", port, toPort };
}

// --- §4: secrets ------------------------------------------------------------------------------

describe("§4 secret content keys: ^([a-z](?:-?[a-z0-9]){2,})$", () => {
  test.each(["ab", "a-b", "Abc", "1abc", "a--b", "abc-", "a_bc", "-abc"])("key %j is refused by secret-add (exit 2)", (key) => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretAdd({ [key]: "v" }, { owner: "unit" }), HookToolUsageError, "secret-add", 2, `key "${key}" not valid`);
  });

  test("secret-set checks keys the same way", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "unit" }));
    const context = hook(model, "demo/0");
    expectToolError(() => { context.secretSet(uri, { content: { pw: "y" } }); }, HookToolUsageError, "secret-set", 2, 'key "pw" not valid');
  });

  test.each(["abc", "password", "a-bc", "a1-b2-c3", "tls-cert-2"])("key %j is accepted", (key) => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    const uri = context.secretAdd({ [key]: "v" }, { owner: "unit" });
    expect(context.secretGet({ id: uri })).toEqual({ [key]: "v" });
  });
});

describe("§4 secret size: each base64 value ≤ 1,000,000 B and their sum ≤ 1,000,000 B", () => {
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

describe("§4 secret labels: no format rule; unique per owner (and per consumer), checked at commit", () => {
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

  test("a label the owner already uses is refused at commit: secret with label \"x\" already exists", () => {
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

  test("one consumer cannot give two secrets the same label (refused at commit)", () => {
    const model = demoModel();
    const a = model.addSecret({ kind: "application", app: "pg" }, { password: "a" });
    const b = model.addSecret({ kind: "application", app: "pg" }, { password: "b" });
    a.grants.set("demo", { relationId: 1 });
    b.grants.set("demo", { relationId: 1 });
    committedHook(model, "demo/0", (c) => c.secretGet({ id: model.secretUri(a.xid), label: "creds" }));
    const context = hook(model, "demo/0");
    context.secretGet({ id: model.secretUri(b.xid), label: "creds" });
    expect(commitRefusal(context).message).toBe('secret with label "creds" already exists');
    expect(b.consumerLabels.has("demo/0")).toBe(false);
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

describe("§4 secret rotate policy: never, hourly, daily, weekly, monthly, quarterly, yearly", () => {
  test.each(["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"] as const)("%s is accepted", (rotate) => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "application", rotate }));
    expect(secretAt(model, uri).rotate).toBe(rotate);
  });

  test.each(["biweekly", "Daily", ""])("%j is refused: rotate policy \"x\" not valid (exit 2)", (rotate) => {
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
    expectToolError(() => { context.secretSet(uri, { rotate: text("fortnightly") as SecretRotatePolicy }); }, HookToolUsageError, "secret-set", 2, 'rotate policy "fortnightly" not valid');
  });
});

describe("§4 managing an application-owned secret is for the leader only: this unit is not the leader", () => {
  function withAppSecret(): { model: JujuModel; uri: string } {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application", label: "app-secret" }));
    return { model, uri };
  }

  test("secret-add --owner application by a non-leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(() => context.secretAdd({ password: "x" }, { owner: "application" }), HookToolError, "secret-add", 1, "this unit is not the leader");
  });

  test("secret-add --owner unit by a non-leader is fine", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/1", (c) => c.secretAdd({ password: "x" }, { owner: "unit" }));
    expect(secretAt(model, uri).owner).toEqual({ kind: "unit", unit: "demo/1" });
  });

  test("secret-set by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(() => { context.secretSet(uri, { content: { password: "two" } }); }, HookToolError, "secret-set", 1, "this unit is not the leader");
  });

  test("secret-remove by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(() => { context.secretRemove(uri); }, HookToolError, "secret-remove", 1, "this unit is not the leader");
  });

  test("secret-grant by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(() => { context.secretGrant(uri, DB.id); }, HookToolError, "secret-grant", 1, "this unit is not the leader");
  });

  test("secret-revoke by a non-leader (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/1");
    expectToolError(() => { context.secretRevoke(uri, DB.id); }, HookToolError, "secret-revoke", 1, "this unit is not the leader");
  });

  test("secret-ids of a non-leader leaves the application's secrets out", () => {
    const { model } = withAppSecret();
    expect(hook(model, "demo/1").secretIds()).toEqual([]);
  });

  test("secret-info-get of an application secret by a non-leader: secret \"<xid>\" not found (exit 1)", () => {
    const { model, uri } = withAppSecret();
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/1");
    expectToolError(() => context.secretInfoGet({ id: uri }), SecretNotFoundError, "secret-info-get", 1, `secret "${xid}" not found`);
    expectToolError(() => context.secretInfoGet({ label: "app-secret" }), SecretNotFoundError, "secret-info-get", 1, 'secret "app-secret" not found');
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
    committedHook(model, "demo/0", (c) => { c.secretRevoke(uri, DB.id); });
    expect(secretAt(model, uri).grants.has("pg")).toBe(false);
    committedHook(model, "demo/0", (c) => { c.secretRemove(uri); });
    expect(model.secrets.has(xid)).toBe(false);
  });

  test("a leader that has lost leadership during the hook is refused too", () => {
    const { model, uri } = withAppSecret();
    const context = hook(model, "demo/0");
    model.app("demo").leader = "demo/1";
    expectToolError(() => { context.secretSet(uri, { content: { password: "two" } }); }, HookToolError, "secret-set", 1, "this unit is not the leader");
  });
});

describe("§4 managing a unit-owned secret is for the owning unit only (controller)", () => {
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

  test("another unit cannot grant it: secret \"<xid>\" not found (exit 1)", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "unit" }));
    const xid = defined(xidOf(uri), "xid");
    const context = hook(model, "demo/1");
    expectToolError(() => { context.secretGrant(uri, DB.id); }, SecretNotFoundError, "secret-grant", 1, `secret "${xid}" not found`);
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

describe("§4 reading secrets: any unit of the owning app; anyone else needs a grant (permission denied)", () => {
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
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id); });
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
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id, "pg/0"); });
    expect(hook(model, "pg/0").secretGet({ id: uri })).toEqual({ password: "one" });
    expectToolError(() => hook(model, "pg/1").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("after a revoke (committed) the remote application is denied again", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id); });
    committedHook(model, "demo/0", (c) => { c.secretRevoke(uri, DB.id); });
    expectToolError(() => hook(model, "pg/0").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });

  test("grants end when the relation is removed", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id); });
    model.relations.delete(DB.id);
    expectToolError(() => hook(model, "pg/0").secretGet({ id: uri }), HookToolError, "secret-get", 1, "permission denied");
  });
});

// --- §4: relations ------------------------------------------------------------------------------

describe("§4 relation settings keys: any non-empty string; values strings; key= deletes", () => {
  test("any non-empty key is accepted", () => {
    const model = demoModel();
    const data = { "Odd.Key/with spaces": "1", "ünïcode": "2", "-dash": "3" };
    committedHook(model, "demo/0", (c) => { c.relationSet(DB, data, false); });
    expect(model.relation(1).unitData.get("demo/0")).toMatchObject(data);
  });

  test("an empty key is refused: expected \"key=value\", got \"=v\" (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.relationSet(DB, { "": "v" }, false); }, HookToolUsageError, "relation-set", 2, 'expected "key=value", got "=v"');
  });

  test("an empty value deletes the key, in the hook's reads and in the model", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => { c.relationSet(DB, { user: "demo" }, false); });
    const context = hook(model, "demo/0");
    context.relationSet(DB, { user: "" }, false);
    expect(context.relationGet(DB, "demo/0", false)).not.toHaveProperty("user");
    context.commit();
    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("user");
  });
});

describe("§4 relation settings size: bounded by the controller (16 MiB; MongoDB's document limit in 3.x)", () => {
  test("a 1 MiB value is stored", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => { c.relationSet(DB, { cert: "c".repeat(1024 * 1024) }, false); });
    expect(model.relation(1).unitData.get("demo/0")?.["cert"]).toHaveLength(1024 * 1024);
  });

  test("settings over 16 MiB are refused when the hook commits, and nothing is applied", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.relationSet(DB, { blob: "b".repeat(17 * 1024 * 1024) }, false);
    commitRefusal(context);
    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("blob");
  });
});

describe("§4 relation-set --app is for the leader only: cannot write relation settings", () => {
  test("a non-leader is refused (exit 1), on peer and regular relations", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(() => { context.relationSet(DB, { a: "1" }, true); }, HookToolError, "relation-set", 1, "cannot write relation settings");
    expectToolError(() => { context.relationSet(CLUSTER, { a: "1" }, true); }, HookToolError, "relation-set", 1, "cannot write relation settings");
  });

  test("the leader writes the application bag", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => { c.relationSet(DB, { database: "app" }, true); });
    expect(model.relation(1).appData.get("demo")).toEqual({ database: "app" });
  });

  test("a non-leader may still write its own unit bag", () => {
    const model = demoModel();
    committedHook(model, "demo/1", (c) => { c.relationSet(DB, { ready: "yes" }, false); });
    expect(model.relation(1).unitData.get("demo/1")).toMatchObject({ ready: "yes" });
  });
});

describe("§4 reading this application's own bag", () => {
  test("provides/requires relation, non-leader: permission denied (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(() => context.relationGet(DB, "demo", true), HookToolError, "relation-get", 1, "permission denied");
  });

  test("provides/requires relation, leader: allowed", () => {
    const model = demoModel();
    model.relation(1).appData.set("demo", { database: "app" });
    expect(hook(model, "demo/0").relationGet(DB, "demo", true)).toEqual({ database: "app" });
  });

  test("peer relation: any unit may read it", () => {
    const model = demoModel();
    model.relation(0).appData.set("demo", { "cluster-token": "t" });
    expect(hook(model, "demo/1").relationGet(CLUSTER, "demo", true)).toEqual({ "cluster-token": "t" });
    expect(hook(model, "demo/0").relationGet(CLUSTER, "demo", true)).toEqual({ "cluster-token": "t" });
  });
});

describe("§4 reading remote data: any unit in the relation", () => {
  test("every unit reads the remote unit's and the remote application's bags", () => {
    const model = demoModel();
    model.relation(1).appData.set("pg", { endpoints: "pg:5432" });
    for (const unit of ["demo/0", "demo/1"]) {
      const context = hook(model, unit);
      expect(context.relationGet(DB, "pg/0", false)).toMatchObject({ host: "pg-0.internal" });
      expect(context.relationGet(DB, "pg", true)).toEqual({ endpoints: "pg:5432" });
    }
  });

  test("the remote side reads ours the same way", () => {
    const model = demoModel();
    model.relation(1).appData.set("demo", { database: "app" });
    const context = hook(model, "pg/0");
    expect(context.relationGet(PG_DB, "demo", true)).toEqual({ database: "app" });
    expect(context.relationGet(PG_DB, "demo/1", false)).toEqual({ "ingress-address": "10.0.0.11" });
  });

  test("a peer reads the other peers' unit bags", () => {
    expect(hook(demoModel(), "demo/1").relationGet(CLUSTER, "demo/0", false)).toEqual({ "ingress-address": "10.0.0.10" });
  });

  test("a departed unit's data stays readable for the life of the relation", () => {
    const model = demoModel();
    model.leaveRelation(1, "pg/0");
    expect(hook(model, "demo/0").relationGet(DB, "pg/0", false)).toMatchObject({ host: "pg-0.internal" });
  });

  test("a unit of an application that is not in the relation: permission denied (exit 1)", () => {
    const model = demoModel();
    model.addApp("other");
    model.addUnit("other");
    const context = hook(model, "demo/0");
    expectToolError(() => context.relationGet(DB, "other/0", false), HookToolError, "relation-get", 1, "permission denied");
    expectToolError(() => context.relationGet(DB, "other", true), HookToolError, "relation-get", 1, "permission denied");
  });

  test("a relation this unit is not in: relation not found (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => context.relationGet({ endpoint: "db", id: 99 }, "pg/0", false),
      RelationNotFoundError,
      "relation-get",
      2,
      'invalid value "db:99" for option -r: relation not found',
    );
  });
});

// --- §4: status, leadership, actions ------------------------------------------------------------

describe("§4 status-set values: maintenance, blocked, waiting, active", () => {
  test.each(["maintenance", "blocked", "waiting", "active"] as const)("%s is accepted", (status) => {
    const model = demoModel();
    hook(model, "demo/0").statusSet(status, "msg", false);
    expect(model.unit("demo/0").status).toEqual({ status, message: "msg", data: {} });
  });

  test.each(["error", "unknown", "Active", "terminated"])("%s is refused (exit 2)", (status) => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => { context.statusSet(status as SettableStatusName, "", false); },
      HookToolUsageError,
      "status-set",
      2,
      `invalid status "${status}", expected one of [maintenance blocked waiting active]`,
    );
  });
});

describe("§4 status-set/-get --application is for the leader only", () => {
  test("status-set --application by a non-leader: this unit is not the leader (exit 1)", () => {
    const model = demoModel();
    const context = hook(model, "demo/1");
    expectToolError(() => { context.statusSet("active", "ok", true); }, HookToolError, "status-set", 1, "this unit is not the leader");
    expect(model.app("demo").status.status).toBe("unknown");
  });

  test("status-get --application by a non-leader: finding application status: this unit is not the leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(() => context.statusGetApplication(), HookToolError, "status-get", 1, "finding application status: this unit is not the leader");
  });

  test("the leader sets and reads the application status, with its units", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.statusSet("blocked", "needs db", true);
    context.statusSet("active", "", false);
    const status = context.statusGetApplication();
    expect(status).toMatchObject({ status: "blocked", message: "needs db" });
    expect(Object.keys(status.units).sort()).toEqual(["demo/0", "demo/1"]);
    expect(status.units["demo/0"]?.status).toBe("active");
  });
});

describe("§4 status message length: no limit", () => {
  test("a 100,000-character message is set whole", () => {
    const model = demoModel();
    const message = "m".repeat(100_000);
    hook(model, "demo/0").statusSet("active", message, false);
    expect(model.unit("demo/0").status.message).toBe(message);
  });
});

describe("§4 leader-set is for the leader only (engine-only: tscharm charms use peer data)", () => {
  test("a non-leader: cannot write leadership settings: cannot write settings: not the leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(() => { context.leaderSet({ token: "t" }); }, HookToolError, "leader-set", 1, "cannot write leadership settings: cannot write settings: not the leader");
  });

  test("the leader's writes apply at once (not buffered) and every unit reads them; '' deletes", () => {
    const model = demoModel();
    const leader = hook(model, "demo/0");
    leader.leaderSet({ token: "t", other: "o" });
    expect(hook(model, "demo/1").leaderGet()).toEqual({ token: "t", other: "o" });
    leader.leaderSet({ other: "" });
    expect(model.app("demo").leaderSettings).toEqual({ token: "t" });
  });
});

describe("§4 action result keys: dotted segments ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$, not reserved", () => {
  const INVALID = "must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods";

  test.each(["Foo", "-foo", "foo-", "foo_bar", "has space"])("key %j is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    expectToolError(() => { context.actionSet({ [key]: "v" }); }, HookToolUsageError, "action-set", 2, `key "${key}" ${INVALID}`);
  });

  test.each(["a.-b", "a..b", "a.B", "ok.bad_"])("dotted key %j with a bad segment is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    const error = toolFailure(() => { context.actionSet({ [key]: "v" }); });
    expect(error.constructor).toBe(HookToolUsageError);
    expect(error.exitCode).toBe(2);
    expect(error.stderr).toMatch(new RegExp(`^ERROR key "[^"]*" ${INVALID}\\n$`));
  });

  test.each(["stdout", "stderr", "stdout-encoding", "stderr-encoding"])("reserved key %s is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    expectToolError(() => { context.actionSet({ [key]: "v" }); }, HookToolUsageError, "action-set", 2, `cannot set reserved action key "${key}"`);
  });

  test("valid keys build nested results at once", () => {
    const { context, run } = actionHook(demoModel(), "demo/0");
    context.actionSet({ "backup.path": "/srv/b.tgz", "backup.size-mb": "12", "0k": "yes" });
    expect(run.results).toEqual({ backup: { path: "/srv/b.tgz", "size-mb": "12" }, "0k": "yes" });
  });

  test("outside an action: not running an action (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.actionSet({ a: "1" }); }, HookToolError, "action-set", 1, "not running an action");
  });
});

describe("§4 action names (actions.yaml): ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$, juju-* reserved — checked at charm load", () => {
  function compileActions(actions: Record<string, unknown>): CharmMeta {
    return compileCharmMeta({ metadata: { name: "demo" }, actions });
  }

  test.each(["backup", "backup-db", "0day", "a"])("%j is a valid action name", (name) => {
    expect(Object.keys(compileActions({ [name]: { description: "x" } }).actions)).toEqual([name]);
  });

  test.each(["Backup", "-backup", "backup-", "back_up", "back.up", "juju-run", "juju-backup"])("%j is refused", (name) => {
    expect(() => compileActions({ [name]: {} })).toThrow(MetadataError);
  });
});

// --- §4: unit state, ports, credentials -----------------------------------------------------

describe("§4 state-set: key ≤ 256 B, value ≤ 64 KiB, per-unit total ≤ 2 MiB", () => {
  test("a 257-byte key: max allowed key length (256) exceeded (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.stateSet({ ["k".repeat(257)]: "v" }); }, HookToolError, "state-set", 1, "max allowed key length (256) exceeded");
  });

  test("key length counts bytes, not characters", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.stateSet({ ["é".repeat(129)]: "v" }); }, HookToolError, "state-set", 1, "max allowed key length (256) exceeded");
  });

  test("a 65,537-byte value: max allowed value length (65536) exceeded (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.stateSet({ k: "v".repeat(65_537) }); }, HookToolError, "state-set", 1, "max allowed value length (65536) exceeded");
  });

  test("a 256-byte key and a 65,536-byte value are stored", () => {
    const model = demoModel();
    const data = { ["k".repeat(256)]: "v".repeat(65_536) };
    committedHook(model, "demo/0", (c) => { c.stateSet(data); });
    expect(model.unit("demo/0").state).toEqual(data);
  });

  test("key= stores an empty string; state-delete of a missing key is a no-op", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => {
      c.stateSet({ empty: "" });
      c.stateDelete("never-set");
    });
    expect(model.unit("demo/0").state).toEqual({ empty: "" });
  });

  test("just under 2 MiB in total is stored", () => {
    const model = demoModel();
    const data = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`k${i}`, "v".repeat(65_536)]));
    committedHook(model, "demo/0", (c) => { c.stateSet(data); });
    expect(Object.keys(model.unit("demo/0").state)).toHaveLength(31);
  });

  test("more than 2 MiB in total is refused when the hook commits, and nothing is applied", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.stateSet(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, "v".repeat(65_536)])));
    commitRefusal(context);
    expect(model.unit("demo/0").state).toEqual({});
  });
});

describe("§4 ports: 0–65535, tcp/udp/icmp, no overlap with other units on the machine", () => {
  test("a bound above 65535: port range bounds must be between 0 and 65535, got 1-70000 (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.openPort(tcp(1, 70_000)); }, HookToolUsageError, "open-port", 2, "port range bounds must be between 0 and 65535, got 1-70000");
    expectToolError(() => { context.closePort(tcp(1, 70_000)); }, HookToolUsageError, "close-port", 2, "port range bounds must be between 0 and 65535, got 1-70000");
  });

  test("from > to: invalid port range 9-1/tcp (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => { context.openPort(tcp(9, 1)); }, HookToolUsageError, "open-port", 2, "invalid port range 9-1/tcp");
  });

  test("another protocol: invalid protocol \"sctp\", expected \"tcp\", \"udp\", or \"icmp\" (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => { context.openPort({ protocol: text("sctp") as Protocol, port: 80 }); },
      HookToolUsageError,
      "open-port",
      2,
      'invalid protocol "sctp", expected "tcp", "udp", or "icmp"',
    );
  });

  test("tcp, udp and icmp, up to 65535, are opened", () => {
    const model = demoModel();
    const ports: PortRange[] = [tcp(65_535), { protocol: "udp", port: 1, toPort: 65_535 }, { protocol: "icmp" }];
    committedHook(model, "demo/0", (c) => { for (const port of ports) c.openPort(port); });
    expect(model.unit("demo/0").ports.map((opened) => opened.range)).toEqual(ports);
  });

  test("overlap with another unit on the machine: cannot open 80/tcp (unit ...): port range conflicts with 79-81/tcp (unit \"other/0\") (exit 1)", () => {
    const model = demoModel();
    model.addApp("other");
    model.addUnit("other", { machine: model.unit("demo/0").machine }).ports = [{ range: tcp(79, 81), endpoint: undefined }];
    const context = hook(model, "demo/0");
    expectToolError(
      () => { context.openPort(tcp(80)); },
      HookToolError,
      "open-port",
      1,
      'cannot open 80/tcp (unit "demo/0"): port range conflicts with 79-81/tcp (unit "other/0")',
    );
  });

  test("no conflict with another protocol, another machine, or this unit's own ports", () => {
    const model = demoModel();
    model.addApp("other");
    model.addUnit("other", { machine: model.unit("demo/0").machine }).ports = [{ range: tcp(79, 81), endpoint: undefined }];
    model.addUnit("other", { machine: model.unit("demo/1").machine });
    committedHook(model, "demo/0", (c) => {
      c.openPort({ protocol: "udp", port: 80 });
      c.openPort(tcp(8080));
    });
    committedHook(model, "demo/0", (c) => { c.openPort(tcp(8080)); });
    committedHook(model, "demo/1", (c) => { c.openPort(tcp(80)); });
    expect(model.unit("demo/0").ports.map((opened) => opened.range)).toEqual([{ protocol: "udp", port: 80 }, tcp(8080)]);
    expect(model.unit("demo/1").ports.map((opened) => opened.range)).toEqual([tcp(80)]);
  });
});

describe("§4 credential-get: the application must be trusted", () => {
  const spec: CloudSpecRecord = { type: "lxd", name: "localhost", caCertificates: [], skipTlsVerify: false, isControllerCloud: true };

  test("untrusted: cannot access cloud credentials: permission denied (exit 1)", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    const context = hook(model, "demo/0");
    expectToolError(() => context.credentialGet(), HookToolError, "credential-get", 1, "cannot access cloud credentials: permission denied");
  });

  test("trusted: the cloud spec, on any unit", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    model.app("demo").trusted = true;
    expect(hook(model, "demo/1").credentialGet()).toEqual(spec);
  });
});

// --- §1.2: per-hook buffering ---------------------------------------------------------------------

describe("per-hook buffering: writes are visible in the hook, applied only by commit", () => {
  test("relation-set: read back in the hook, absent from the model until commit", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.relationSet(DB, { user: "demo" }, false);
    context.relationSet(DB, { database: "app" }, true);
    expect(context.relationGet(DB, "demo/0", false)).toMatchObject({ user: "demo" });
    expect(context.relationGet(DB, "demo", true)).toEqual({ database: "app" });
    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("user");
    expect(model.relation(1).appData.get("demo")).toEqual({});
    context.commit();
    expect(model.relation(1).unitData.get("demo/0")).toMatchObject({ user: "demo" });
    expect(model.relation(1).appData.get("demo")).toEqual({ database: "app" });
  });

  test("secret-add: the new secret is readable and listed in the hook, absent from the model until commit", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    const uri = context.secretAdd({ password: "x" }, { owner: "application", label: "db" });
    expect(uri).toMatch(new RegExp(`^secret://${model.uuid}/[0-9a-v]{20}$`));
    expect(context.secretGet({ id: uri })).toEqual({ password: "x" });
    expect(context.secretGet({ label: "db" })).toEqual({ password: "x" });
    expect(context.secretIds()).toEqual([xidOf(uri)]);
    expect(model.secrets.size).toBe(0);
    context.commit();
    expect(secretAt(model, uri).revisions.get(1)).toEqual({ password: "x" });
  });

  test("secret-set: the new content is seen by the hook (latest), the model keeps one revision until commit", () => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "one" }, { owner: "application" }));
    const context = hook(model, "demo/0");
    context.secretSet(uri, { content: { password: "two" } });
    expect(context.secretGet({ id: uri, peek: true })).toEqual({ password: "two" });
    expect(secretAt(model, uri).latest).toBe(1);
    context.commit();
    expect(secretAt(model, uri).latest).toBe(2);
    expect(secretAt(model, uri).revisions.get(2)).toEqual({ password: "two" });
  });

  test("open-port/close-port: opened-ports shows them in the hook, the model only after commit", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.openPort(tcp(80));
    context.openPort(tcp(443));
    context.closePort(tcp(443));
    expect(context.openedPorts()).toEqual([tcp(80)]);
    expect(model.unit("demo/0").ports).toEqual([]);
    context.commit();
    expect(model.unit("demo/0").ports.map((opened) => opened.range)).toEqual([tcp(80)]);
  });

  test("state-set/state-delete: state-get shows them in the hook, the model only after commit", () => {
    const model = demoModel();
    model.unit("demo/0").state = { old: "1" };
    const context = hook(model, "demo/0");
    context.stateSet({ fresh: "2" });
    context.stateDelete("old");
    expect(context.stateGet()).toEqual({ fresh: "2" });
    expect(model.unit("demo/0").state).toEqual({ old: "1" });
    context.commit();
    expect(model.unit("demo/0").state).toEqual({ fresh: "2" });
  });

  test("a hook discarded without commit (it failed) leaves nothing behind", () => {
    const model = demoModel();
    model.unit("demo/0").state = { old: "1" };
    const failed = hook(model, "demo/0");
    failed.relationSet(DB, { user: "demo" }, false);
    failed.relationSet(CLUSTER, { token: "t" }, true);
    const uri = failed.secretAdd({ password: "x" }, { owner: "unit" });
    failed.openPort(tcp(80));
    failed.stateSet({ fresh: "2" });
    failed.stateDelete("old");

    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("user");
    expect(model.relation(0).appData.get("demo")).toEqual({});
    expect(model.secrets.size).toBe(0);
    expect(model.unit("demo/0").ports).toEqual([]);
    expect(model.unit("demo/0").state).toEqual({ old: "1" });
    const next = hook(model, "demo/0");
    expect(next.relationGet(DB, "demo/0", false)).not.toHaveProperty("user");
    expect(next.secretIds()).toEqual([]);
    expectSecretNotFound(() => next.secretGet({ id: uri }), defined(xidOf(uri), "xid"));
    expect(next.openedPorts()).toEqual([]);
    expect(next.stateGet()).toEqual({ old: "1" });
  });

  test("status-set is immediate: in the model before commit, and kept when the hook fails", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    context.statusSet("maintenance", "installing", false);
    context.statusSet("waiting", "for db", true);
    expect(model.unit("demo/0").status).toEqual({ status: "maintenance", message: "installing", data: {} });
    expect(model.app("demo").status).toEqual({ status: "waiting", message: "for db", data: {} });
    // The hook fails: its context is dropped without commit. The statuses stay.
    expect(hook(model, "demo/0").statusGet()).toEqual({ status: "maintenance", message: "installing", data: {} });
    expect(model.app("demo").status.status).toBe("waiting");
  });

  test("juju-log is immediate", () => {
    const model = demoModel();
    hook(model, "demo/0").jujuLog("WARNING", "disk almost full");
    expect(model.logs).toEqual([{ unit: "demo/0", level: "WARNING", message: "disk almost full" }]);
  });

  test("application-version-set is immediate", () => {
    const model = demoModel();
    hook(model, "demo/1").applicationVersionSet("16.2");
    expect(model.app("demo").workloadVersion).toBe("16.2");
  });
});

// --- relation data snapshots ---------------------------------------------------------------

describe("read-your-writes vs remote data", () => {
  test("a remote unit's bag is read once per hook: later changes in the model are not seen", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    expect(context.relationGet(DB, "pg/0", false)).toMatchObject({ host: "pg-0.internal" });
    model.relation(1).unitData.set("pg/0", { host: "pg-0.moved" });
    expect(context.relationGet(DB, "pg/0", false)).toMatchObject({ host: "pg-0.internal" });
    expect(hook(model, "demo/0").relationGet(DB, "pg/0", false)).toEqual({ host: "pg-0.moved" });
  });

  test("the remote application's bag is read once per hook too", () => {
    const model = demoModel();
    model.relation(1).appData.set("pg", { version: "15" });
    const context = hook(model, "demo/0");
    expect(context.relationGet(DB, "pg", true)).toEqual({ version: "15" });
    model.relation(1).appData.set("pg", { version: "16" });
    expect(context.relationGet(DB, "pg", true)).toEqual({ version: "15" });
    expect(hook(model, "demo/0").relationGet(DB, "pg", true)).toEqual({ version: "16" });
  });

  test("a changed returned bag does not change the snapshot", () => {
    const context = hook(demoModel(), "demo/0");
    const bag = context.relationGet(DB, "pg/0", false);
    bag["host"] = "mutated";
    expect(context.relationGet(DB, "pg/0", false)).toMatchObject({ host: "pg-0.internal" });
  });

  test("this unit's own bag shows its writes at once", () => {
    const context = hook(demoModel(), "demo/0");
    context.relationSet(CLUSTER, { a: "1" }, false);
    expect(context.relationGet(CLUSTER, "demo/0", false)).toMatchObject({ a: "1" });
    context.relationSet(CLUSTER, { a: "2" }, false);
    expect(context.relationGet(CLUSTER, "demo/0", false)).toMatchObject({ a: "2" });
  });

  test("a non-leader reading the peer application bag sees what is committed, not the leader's pending writes", () => {
    const model = demoModel();
    const leader = hook(model, "demo/0");
    leader.relationSet(CLUSTER, { token: "t" }, true);
    expect(hook(model, "demo/1").relationGet(CLUSTER, "demo", true)).toEqual({});
    leader.commit();
    expect(hook(model, "demo/1").relationGet(CLUSTER, "demo", true)).toEqual({ token: "t" });
  });
});

// --- leadership ------------------------------------------------------------------------------

describe("is-leader within one hook", () => {
  test("once false, it stays false for the rest of the hook even if leadership comes back", () => {
    const model = demoModel();
    model.app("demo").leader = "demo/1";
    const context = hook(model, "demo/0");
    expect(context.isLeader()).toBe(false);
    model.app("demo").leader = "demo/0";
    expect(context.isLeader()).toBe(false);
    expectToolError(() => { context.relationSet(DB, { a: "1" }, true); }, HookToolError, "relation-set", 1, "cannot write relation settings");
    expect(hook(model, "demo/0").isLeader()).toBe(true);
  });

  test("true is checked again on every call", () => {
    const model = demoModel();
    const context = hook(model, "demo/0");
    expect(context.isLeader()).toBe(true);
    model.app("demo").leader = "demo/1";
    expect(context.isLeader()).toBe(false);
    model.app("demo").leader = "demo/0";
    expect(context.isLeader()).toBe(false);
  });
});

// --- secrets: §3.6 ---------------------------------------------------------------------------

describe("secret revision tracking", () => {
  function consumed(): { model: JujuModel; secret: SecretRecord; uri: string; publish: (password: string) => void } {
    const model = demoModel();
    const uri = committedHook(model, "pg/0", (c) => c.secretAdd({ password: "one" }, { owner: "application", label: "pg-creds" }));
    committedHook(model, "pg/0", (c) => { c.secretGrant(uri, PG_DB.id); });
    const publish = (password: string): void => {
      committedHook(model, "pg/0", (c) => { c.secretSet(uri, { content: { password } }); });
    };
    return { model, secret: secretAt(model, uri), uri, publish };
  }

  test("the first secret-get pins the latest revision for this unit (recorded at commit)", () => {
    const { model, secret, uri } = consumed();
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri })).toEqual({ password: "one" });
    expect(secret.tracking.has("demo/0")).toBe(false);
    context.commit();
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

  test("--refresh returns the latest and re-pins it, at commit", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    const context = hook(model, "demo/0");
    expect(context.secretGet({ id: uri, refresh: true })).toEqual({ password: "two" });
    expect(context.secretGet({ id: uri })).toEqual({ password: "two" });
    expect(secret.tracking.get("demo/0")).toBe(1);
    context.commit();
    expect(secret.tracking.get("demo/0")).toBe(2);
    expect(hook(model, "demo/0").secretGet({ id: uri })).toEqual({ password: "two" });
  });

  test("a refresh in a hook that fails is forgotten", () => {
    const { model, secret, uri, publish } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri }));
    publish("two");
    hook(model, "demo/0").secretGet({ id: uri, refresh: true });
    expect(secret.tracking.get("demo/0")).toBe(1);
    expect(hook(model, "demo/0").secretGet({ id: uri })).toEqual({ password: "one" });
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

  test("a malformed id: secret URI \"x\" not valid (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretGet({ id: "not-a-secret" }), HookToolUsageError, "secret-get", 2, 'secret URI "not-a-secret" not valid');
  });

  test("an unknown secret: secret \"…\" not found (exit 1)", () => {
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
  test("an owner other than application|unit: secret owner \"x\" not valid (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretAdd({ password: "x" }, { owner: text("model") as SecretOwner }), HookToolUsageError, "secret-add", 2, 'secret owner "model" not valid');
  });

  test("no content: missing secret value or filename (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretAdd({}, { owner: "unit" }), HookToolUsageError, "secret-add", 2, "missing secret value or filename");
  });

  test.each(["24h", "90m", "2025-01-01T06:06:06Z", "2025-01-01T06:06:06"])("expire %j is accepted", (expire) => {
    const model = demoModel();
    const uri = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "x" }, { owner: "unit", expire }));
    expect(secretAt(model, uri).expire).toBeDefined();
  });

  test("a bad expiry: expire time or duration \"x\" not valid; a negative one: negative expire duration \"-1h\" not valid (exit 2)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(() => context.secretAdd({ password: "x" }, { owner: "unit", expire: "tomorrow" }), HookToolUsageError, "secret-add", 2, 'expire time or duration "tomorrow" not valid');
    expectToolError(() => context.secretAdd({ password: "x" }, { owner: "unit", expire: "-1h" }), HookToolUsageError, "secret-add", 2, 'negative expire duration "-1h" not valid');
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
    expect(secret.consumerLabels.has("demo/0")).toBe(false);
    context.commit();
    expect(secret.consumerLabels.get("demo/0")).toBe("db-creds");
    expect(secret.label).toBe("pg-owner-label");
    expect(hook(model, "demo/0").secretGet({ label: "db-creds" })).toEqual({ password: "one" });
  });

  test("a consumer label is that unit's alone: another unit does not find it (secret \"label\" not found, exit 1)", () => {
    const { model, uri } = consumed();
    committedHook(model, "demo/0", (c) => c.secretGet({ id: uri, label: "db-creds" }));
    const context = hook(model, "demo/1");
    expectToolError(() => context.secretGet({ label: "db-creds" }), SecretNotFoundError, "secret-get", 1, 'secret "db-creds" not found');
  });

  test("a consumer cannot use the owner's label", () => {
    const { model } = consumed();
    const context = hook(model, "demo/0");
    expectToolError(() => context.secretGet({ label: "pg-owner-label" }), SecretNotFoundError, "secret-get", 1, 'secret "pg-owner-label" not found');
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
    committedHook(model, "pg/0", (c) => { c.secretGrant(pg, PG_DB.id); });
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

  test("a secret this unit only consumes is not visible: secret \"<xid>\" not found (exit 1)", () => {
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
    expectToolError(() => context.secretInfoGet(query), HookToolUsageError, "secret-info-get", 2, "specify either a secret URI or label but not both");
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
    expectToolError(() => { context.secretGrant(uri, 99); }, RelationNotFoundError, "secret-grant", 2, 'invalid value "99" for option -r: relation not found');
  });

  test("--unit that is not a unit name: unit \"x\" not valid (exit 2)", () => {
    const { model, uri } = appSecret();
    const context = hook(model, "demo/0");
    expectToolError(() => { context.secretGrant(uri, DB.id, "pg"); }, HookToolUsageError, "secret-grant", 2, 'unit "pg" not valid');
  });

  test("--unit of another application: cannot specify unit \"a/0\" in relation to application \"b\" (exit 2)", () => {
    const { model, uri } = appSecret();
    model.addApp("other");
    model.addUnit("other");
    const context = hook(model, "demo/0");
    expectToolError(
      () => { context.secretGrant(uri, DB.id, "other/0"); },
      HookToolUsageError,
      "secret-grant",
      2,
      'cannot specify unit "other/0" in relation to application "pg"',
    );
  });

  test("a secret this unit does not own: secret \"<xid>\" not found (exit 1)", () => {
    const model = demoModel();
    const secret = model.addSecret({ kind: "application", app: "pg" }, { password: "p" });
    secret.grants.set("demo", { relationId: 1 });
    const context = hook(model, "demo/0");
    expectToolError(() => { context.secretGrant(model.secretUri(secret.xid), DB.id); }, SecretNotFoundError, "secret-grant", 1, `secret "${secret.xid}" not found`);
  });

  test("the application after unit-level grants: any unit level grants need to be revoked first (exit 1)", () => {
    const { model, uri } = appSecret();
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id, "pg/0"); });
    const context = hook(model, "demo/0");
    expectToolError(
      () => { context.secretGrant(uri, DB.id); },
      HookToolError,
      "secret-grant",
      1,
      "any unit level grants need to be revoked before granting access to the corresponding application",
    );
  });

  test("after revoking the unit-level grant, the application can be granted", () => {
    const { model, uri } = appSecret();
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id, "pg/0"); });
    committedHook(model, "demo/0", (c) => { c.secretRevoke(uri, DB.id, "pg/0"); });
    committedHook(model, "demo/0", (c) => { c.secretGrant(uri, DB.id); });
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
    expect(() => { context.secretRevoke("secret:cs9ab3go9ns0ql5jgv6g", DB.id); }).not.toThrow();
    expect(() => context.commit()).not.toThrow();
  });

  test("removing an unknown secret gives no immediate error", () => {
    const context = hook(demoModel(), "demo/0");
    expect(() => { context.secretRemove("secret:cs9ab3go9ns0ql5jgv6g"); }).not.toThrow();
  });
});

// --- commit-time refusals ------------------------------------------------------------------

describe("commit-time refusals apply nothing", () => {
  test("a duplicate secret label fails the commit with CommitError and discards every change of the hook", () => {
    const model = demoModel();
    const existing = committedHook(model, "demo/0", (c) => c.secretAdd({ password: "a" }, { owner: "application", label: "x" }));
    const context = hook(model, "demo/0");
    context.relationSet(DB, { user: "demo" }, false);
    context.relationSet(CLUSTER, { token: "t" }, true);
    context.stateSet({ k: "v" });
    context.openPort(tcp(80));
    context.secretSet(existing, { content: { password: "b" } });
    context.secretAdd({ password: "c" }, { owner: "application", label: "x" });

    expect(commitRefusal(context).message).toBe('secret with label "x" already exists');
    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("user");
    expect(model.relation(0).appData.get("demo")).toEqual({});
    expect(model.unit("demo/0").state).toEqual({});
    expect(model.unit("demo/0").ports).toEqual([]);
    expect(secretAt(model, existing).latest).toBe(1);
    expect(model.secrets.size).toBe(1);
  });
});
