// engine/status.ts: status-set values, --application for the leader, messages of any length.

import { describe, expect, test } from "vitest";

import { HookToolError, HookToolUsageError } from "../../runtime/errors.js";
import type { SettableStatusName } from "../../runtime/hook-tools/index.js";
import { demoModel, hook, expectToolError } from "../support/engine.js";

describe("status-set values: maintenance, blocked, waiting, active", () => {
  test.each(["maintenance", "blocked", "waiting", "active"] as const)("%s is accepted", (status) => {
    const model = demoModel();
    hook(model, "demo/0").statusSet(status, "msg", false);
    expect(model.unit("demo/0").status).toEqual({ status, message: "msg", data: {} });
  });

  test.each(["error", "unknown", "Active", "terminated"])("%s is refused (exit 2)", (status) => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.statusSet(status as SettableStatusName, "", false);
      },
      HookToolUsageError,
      "status-set",
      2,
      `invalid status "${status}", expected one of [maintenance blocked waiting active]`,
    );
  });
});

describe("status-set/-get --application is for the leader only", () => {
  test("status-set --application by a non-leader: this unit is not the leader (exit 1)", () => {
    const model = demoModel();
    const context = hook(model, "demo/1");
    expectToolError(
      () => {
        context.statusSet("active", "ok", true);
      },
      HookToolError,
      "status-set",
      1,
      "this unit is not the leader",
    );
    expect(model.app("demo").status.status).toBe("unknown");
  });

  test("status-get --application by a non-leader: finding application status: this unit is not the leader (exit 1)", () => {
    const context = hook(demoModel(), "demo/1");
    expectToolError(
      () => context.statusGetApplication(),
      HookToolError,
      "status-get",
      1,
      "finding application status: this unit is not the leader",
    );
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

describe("status message length: no limit", () => {
  test("a 100,000-character message is set whole", () => {
    const model = demoModel();
    const message = "m".repeat(100_000);
    hook(model, "demo/0").statusSet("active", message, false);
    expect(model.unit("demo/0").status.message).toBe(message);
  });
});
