// engine/actions.ts: action result keys, and action names as the charm's metadata checks them.

import { describe, expect, test } from "vitest";

import { actionParamsProblems } from "../../engine/actions.js";
import { MetadataError, compileCharmMeta } from "../../project/charm-meta.js";
import { HookToolError, HookToolUsageError } from "../../runtime/errors.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { demoModel, hook, actionHook, toolFailure, expectToolError } from "../support/engine.js";

describe("action result keys: dotted segments ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$, not reserved", () => {
  const INVALID = "must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods";

  test.each(["Foo", "-foo", "foo-", "foo_bar", "has space"])("key %j is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.actionSet({ [key]: "v" });
      },
      HookToolUsageError,
      "action-set",
      2,
      `key "${key}" ${INVALID}`,
    );
  });

  test.each(["a.-b", "a..b", "a.B", "ok.bad_"])("dotted key %j with a bad segment is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    const error = toolFailure(() => {
      context.actionSet({ [key]: "v" });
    });
    expect(error.constructor).toBe(HookToolUsageError);
    expect(error.exitCode).toBe(2);
    expect(error.stderr).toMatch(new RegExp(`^ERROR key "[^"]*" ${INVALID}\\n$`));
  });

  test.each(["stdout", "stderr", "stdout-encoding", "stderr-encoding"])("reserved key %s is refused (exit 2)", (key) => {
    const { context } = actionHook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.actionSet({ [key]: "v" });
      },
      HookToolUsageError,
      "action-set",
      2,
      `cannot set reserved action key "${key}"`,
    );
  });

  test("valid keys build nested results at once", () => {
    const { context, run } = actionHook(demoModel(), "demo/0");
    context.actionSet({ "backup.path": "/srv/b.tgz", "backup.size-mb": "12", "0k": "yes" });
    expect(run.results).toEqual({ backup: { path: "/srv/b.tgz", "size-mb": "12" }, "0k": "yes" });
  });

  test("outside an action: not running an action (exit 1)", () => {
    const context = hook(demoModel(), "demo/0");
    expectToolError(
      () => {
        context.actionSet({ a: "1" });
      },
      HookToolError,
      "action-set",
      1,
      "not running an action",
    );
  });
});

describe("action names (actions.yaml): ^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$, juju-* reserved — checked at charm load", () => {
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

describe("actionParamsProblems: an undeclared param, by Juju version (juju/juju internal/charm/actions.go; issue 21294)", () => {
  const open = { params: { name: { type: "string" } } };
  test("3.6: allowed unless the action says additionalProperties: false", () => {
    expect(actionParamsProblems(open, { name: "a", extra: 1 }, "3.6.4")).toEqual([]);
    expect(actionParamsProblems({ ...open, additionalProperties: false }, { extra: 1 }, "3.6.4")).toEqual([
      '(root) : additional property "extra" is not allowed, given {"extra":1}',
    ]);
  });

  test("4.x: refused unless the action says additionalProperties: true", () => {
    expect(actionParamsProblems(open, { name: "a", extra: 1 }, "4.0.0")).toEqual([
      '(root) : additional property "extra" is not allowed, given {"extra":1,"name":"a"}',
    ]);
    expect(actionParamsProblems({ ...open, additionalProperties: true }, { extra: 1 }, "4.0-beta2")).toEqual([]);
  });
});
