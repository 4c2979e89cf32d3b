// fake-tools/unit-state.ts: state-get, state-set and state-delete, run as processes against the fixture
// model of hook.ts.

import { describe, expect, test } from "vitest";

import { commitRefusal } from "../support/engine.js";
import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("state-get, state-set, state-delete", () => {
  test("empty state: json null, smart and yaml nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("state-get", ["--format=json"])).toEqual(success("null\n"));
    expect(await h.run("state-get")).toEqual(success(""));
    expect(await h.run("state-get", ["-", "--format=yaml"])).toEqual(success(""));
  });

  test("state-set is buffered; `key=` stores an empty string; state-get sees the pending writes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", ["a=1", "b="])).toEqual(success());
    expect(await h.run("state-get", ["--format=json"])).toEqual(success('{"a":"1","b":""}\n'));
    expect(await h.run("state-get", ["-"])).toEqual(success('a: "1"\nb: ""\n'));
    expect(await h.run("state-get", ["b", "--format=json"])).toEqual(success('""\n'));
    expect(await h.run("state-get", ["a"])).toEqual(success("1\n"));
    expect(model.unit("demo/0").state).toEqual({});
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ a: "1", b: "" });
  });

  test('a missing key: empty string, or with --strict `"k" not found` (exit 1)', async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("state-get", ["zz"])).toEqual(success(""));
    expect(await h.run("state-get", ["zz", "--format=json"])).toEqual(success('""\n'));
    expect(await h.run("state-get", ["--strict", "zz"])).toEqual(failure(1, '"zz" not found'));
  });

  test("state-delete: buffered; a missing key is a no-op", async () => {
    const model = demoModel();
    model.unit("demo/0").state = { a: "1", b: "2" };
    const h = hook(model, "demo/0");
    expect(await h.run("state-delete", ["a"])).toEqual(success());
    expect(await h.run("state-delete", ["never-set"])).toEqual(success());
    expect(await h.run("state-get", ["--format=json"])).toEqual(success('{"b":"2"}\n'));
    expect(model.unit("demo/0").state).toEqual({ a: "1", b: "2" });
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ b: "2" });
  });

  test("--file -: JSON or YAML on stdin; arguments override the file", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", ["--file", "-", "b=arg"], { stdin: '{"a":"json","b":"json"}' })).toEqual(success());
    expect(await h.run("state-set", ["--file=-"], { stdin: "c: yaml\nd: |\n  two\n  lines\n" })).toEqual(success());
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ a: "json", b: "arg", c: "yaml", d: "two\nlines\n" });
  });

  test("quotas: key ≤ 256 bytes, value ≤ 65536 bytes (exit 1)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", [`${"k".repeat(257)}=v`])).toEqual(failure(1, "max allowed key length (256) exceeded"));
    expect(await h.run("state-set", [`k=${"v".repeat(65537)}`])).toEqual(failure(1, "max allowed value length (65536) exceeded"));
    expect(await h.run("state-set", [`${"k".repeat(256)}=${"v".repeat(65536)}`])).toEqual(success());
    h.context.commit();
    expect(Object.keys(model.unit("demo/0").state)).toEqual(["k".repeat(256)]);
  });

  test("the per-unit total (max-charm-state-size, 2 MiB) is enforced at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const big: Record<string, string> = {};
    for (let i = 0; i < 33; i++) big[`key-${String(i)}`] = "v".repeat(65_536);
    expect(await h.run("state-set", ["--file", "-"], { stdin: JSON.stringify(big) })).toEqual(success());
    commitRefusal(h.context);
    expect(model.unit("demo/0").state).toEqual({});
  });
});
