// engine/hook-context.ts: writes buffered and visible in the hook, applied only by commit; commit-time
// refusals apply nothing.

import { describe, expect, test } from "vitest";

import { xidOf } from "../../engine/secrets.js";
import {
  commitRefusal,
  defined,
  CLUSTER,
  DB,
  demoModel,
  hook,
  committedHook,
  secretAt,
  expectSecretNotFound,
  tcp,
} from "../support/engine.js";

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
