// engine/relations.ts: relation settings keys and size, relation-set --app for the leader, who reads
// which bag, remote data read once per hook.

import { describe, expect, test } from "vitest";

import { HookToolError, HookToolUsageError, RelationNotFoundError } from "../../runtime/errors.js";
import { commitRefusal, CLUSTER, DB, PG_DB, demoModel, hook, committedHook, expectToolError } from "../support/engine.js";

describe("relation settings keys: any non-empty string; values strings; key= deletes", () => {
  test("any non-empty key is accepted", () => {
    const model = demoModel();
    const data = { "Odd.Key/with spaces": "1", ünïcode: "2", "-dash": "3" };
    committedHook(model, "demo/0", (c) => {
      c.relationSet(DB, data, false);
    });
    expect(model.relation(1).unitData.get("demo/0")).toMatchObject(data);
  });

  test('an empty key is refused: expected "key=value", got "=v" (exit 2)', () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.relationSet(DB, { "": "v" }, false);
      },
      HookToolUsageError,
      "relation-set",
      2,
      'expected "key=value", got "=v"',
    );
  });

  test("an empty value deletes the key, in the hook's reads and in the model", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => {
      c.relationSet(DB, { user: "demo" }, false);
    });
    const context = hook(model, "demo/0");
    context.relationSet(DB, { user: "" }, false);
    expect(context.relationGet(DB, "demo/0", false)).not.toHaveProperty("user");
    context.commit();
    expect(model.relation(1).unitData.get("demo/0")).not.toHaveProperty("user");
  });
});

describe("relation settings size: bounded by the controller (16 MiB; MongoDB's document limit in 3.x)", () => {
  test("a 1 MiB value is stored", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => {
      c.relationSet(DB, { cert: "c".repeat(1024 * 1024) }, false);
    });
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

describe("relation-set --app is for the leader only: cannot write relation settings", () => {
  test("a non-leader is refused (exit 1), on peer and regular relations", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(
      () => {
        context.relationSet(DB, { a: "1" }, true);
      },
      HookToolError,
      "relation-set",
      1,
      "cannot write relation settings",
    );
    expectToolError(
      () => {
        context.relationSet(CLUSTER, { a: "1" }, true);
      },
      HookToolError,
      "relation-set",
      1,
      "cannot write relation settings",
    );
  });

  test("the leader writes the application bag", () => {
    const model = demoModel();
    committedHook(model, "demo/0", (c) => {
      c.relationSet(DB, { database: "app" }, true);
    });
    expect(model.relation(1).appData.get("demo")).toEqual({ database: "app" });
  });

  test("a non-leader may still write its own unit bag", () => {
    const model = demoModel();
    committedHook(model, "demo/1", (c) => {
      c.relationSet(DB, { ready: "yes" }, false);
    });
    expect(model.relation(1).unitData.get("demo/1")).toMatchObject({ ready: "yes" });
  });
});

describe("reading this application's own bag", () => {
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

describe("reading remote data: any unit in the relation", () => {
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
