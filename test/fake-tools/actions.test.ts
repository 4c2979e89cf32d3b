// fake-tools/actions.ts: action-get, action-set, action-fail and action-log, run as processes in an
// action of the fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { actionHook, demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("action-get", () => {
  test("the whole params map, schema defaults included, in each format", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup", { filename: "x.tgz", nested: { a: { b: "deep" } } });
    expect(await h.run("action-get", ["--format=json"])).toEqual(
      success('{"compress":true,"filename":"x.tgz","level":3,"nested":{"a":{"b":"deep"}}}\n'),
    );
    expect(await h.run("action-get")).toEqual(success("compress: true\nfilename: x.tgz\nlevel: 3\nnested:\n  a:\n    b: deep\n"));
  });

  test("a key or a dotted path; a missing one prints nothing / null", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup", { filename: "x.tgz", nested: { a: { b: "deep" } } });
    expect(await h.run("action-get", ["filename"])).toEqual(success("x.tgz\n"));
    expect(await h.run("action-get", ["filename", "--format=json"])).toEqual(success('"x.tgz"\n'));
    expect(await h.run("action-get", ["compress"])).toEqual(success("True\n"));
    expect(await h.run("action-get", ["level", "--format=json"])).toEqual(success("3\n"));
    expect(await h.run("action-get", ["nested.a.b"])).toEqual(success("deep\n"));
    expect(await h.run("action-get", ["nested.a", "--format=json"])).toEqual(success('{"b":"deep"}\n'));
    expect(await h.run("action-get", ["nested.x.y"])).toEqual(success(""));
    expect(await h.run("action-get", ["missing", "--format=json"])).toEqual(success("null\n"));
  });

  test("no params: `{}`, never null", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "rotate-password");
    expect(await h.run("action-get", ["--format=json"])).toEqual(success("{}\n"));
  });
});

describe("action-set, action-fail, action-log", () => {
  test("action-set: dotted keys build nested maps; values are strings; later writes overwrite", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["a.b=1", "a.c=2", "size=10", "out.file=/tmp/x"])).toEqual(success());
    expect(await h.run("action-set", ["size=11"])).toEqual(success());
    expect(run.results).toEqual({ a: { b: "1", c: "2" }, size: "11", out: { file: "/tmp/x" } });
  });

  test.each(["Foo", "-abc", "abc-", "a_b", "ABC"])("action-set key %j is refused (exit 2)", async (key) => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["--", `${key}=1`])).toEqual(
      failure(
        2,
        `key "${key}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`,
      ),
    );
    expect(run.results).toEqual({});
  });

  test.each(["stdout", "stderr", "stdout-encoding", "stderr-encoding"])("action-set reserved key %s (exit 2)", async (key) => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", [`${key}=x`])).toEqual(failure(2, `cannot set reserved action key "${key}"`));
  });

  test("action-set: an argument without `=` (exit 2)", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["novalue"])).toEqual(failure(2, 'argument "novalue" must be of the form key...=value'));
  });

  test("action-fail: the message, or Juju's default", async () => {
    const first = actionHook(demoModel(), "demo/0", "backup");
    expect(await first.hook.run("action-fail", ["--", "disk full"])).toEqual(success());
    expect(first.run.failure).toBe("disk full");
    const second = actionHook(demoModel(), "demo/0", "backup");
    expect(await second.hook.run("action-fail")).toEqual(success());
    expect(second.run.failure).toBe("action failed without reason given, check action for errors");
  });

  test("action-fail takes at most one message (exit 2)", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-fail", ["disk", "full"])).toEqual(failure(2, 'unrecognized args: ["full"]'));
    expect(run.failure).toBeUndefined();
  });

  test("action-log: words joined by spaces, immediate; no message (exit 2)", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-log", ["50%", "done"])).toEqual(success());
    expect(run.logs).toEqual(["50% done"]);
    expect(await h.run("action-log")).toEqual(failure(2, "no message specified"));
  });

  test.each([
    ["action-get", []],
    ["action-set", ["a=1"]],
    ["action-fail", ["why"]],
    ["action-log", ["progress"]],
  ] as const)("%s outside an action: `not running an action` (exit 1)", async (tool, args) => {
    expect(await hook(demoModel(), "demo/0").run(tool, args)).toEqual(failure(1, "not running an action"));
  });

  test("the other tools work in an action; juju-reboot is refused there (exit 1)", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(h.env["JUJU_HOOK_NAME"]).toBe("");
    expect(await h.run("is-leader")).toEqual(success("True\n"));
    expect(await h.run("juju-reboot")).toEqual(failure(1, "juju-reboot is not supported when running an action."));
  });
});
