// engine/unit-state.ts: state-set's key, value and total quotas.

import { describe, expect, test } from "vitest";

import { HookToolError } from "../../runtime/errors.js";
import { commitRefusal, demoModel, hook, committedHook, expectToolError } from "../support/engine.js";

describe("state-set: key ≤ 256 B, value ≤ 64 KiB, per-unit total ≤ 2 MiB", () => {
  test("a 257-byte key: max allowed key length (256) exceeded (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.stateSet({ ["k".repeat(257)]: "v" });
      },
      HookToolError,
      "state-set",
      1,
      "max allowed key length (256) exceeded",
    );
  });

  test("key length counts bytes, not characters", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.stateSet({ ["é".repeat(129)]: "v" });
      },
      HookToolError,
      "state-set",
      1,
      "max allowed key length (256) exceeded",
    );
  });

  test("a 65,537-byte value: max allowed value length (65536) exceeded (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.stateSet({ k: "v".repeat(65_537) });
      },
      HookToolError,
      "state-set",
      1,
      "max allowed value length (65536) exceeded",
    );
  });

  test("a 256-byte key and a 65,536-byte value are stored", () => {
    const model = demoModel();
    const data = { ["k".repeat(256)]: "v".repeat(65_536) };
    committedHook(model, "demo/0", (c) => {
      c.stateSet(data);
    });
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
    committedHook(model, "demo/0", (c) => {
      c.stateSet(data);
    });
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
