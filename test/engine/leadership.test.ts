// engine/leadership.ts: leader-set for the leader only, is-leader sticky within one hook.

import { describe, expect, test } from "vitest";

import { HookToolError } from "../../runtime/errors.js";
import { DB, demoModel, hook, expectToolError } from "../support/engine.js";

describe("leader-set is for the leader only (engine-only: tscharm charms use peer data)", () => {
  test("a non-leader: cannot write leadership settings: cannot write settings: not the leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(
      () => {
        context.leaderSet({ token: "t" });
      },
      HookToolError,
      "leader-set",
      1,
      "cannot write leadership settings: cannot write settings: not the leader",
    );
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

describe("is-leader within one hook", () => {
  test("once false, it stays false for the rest of the hook even if leadership comes back", () => {
    const model = demoModel();
    model.app("demo").leader = "demo/1";
    const context = hook(model, "demo/0");
    expect(context.isLeader()).toBe(false);
    model.app("demo").leader = "demo/0";
    expect(context.isLeader()).toBe(false);
    expectToolError(
      () => {
        context.relationSet(DB, { a: "1" }, true);
      },
      HookToolError,
      "relation-set",
      1,
      "cannot write relation settings",
    );
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
