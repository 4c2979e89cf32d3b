// fake-tools/config.ts: config-get, run as a process against the fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("config-get", () => {
  test("no key: the options set or with a default, typed as config.yaml says", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["--format=json"])).toEqual(
      success('{"debug":false,"greeting":"hi there","port":8080,"ratio":1.5}\n'),
    );
    expect(await h.run("config-get")).toEqual(success("debug: false\ngreeting: hi there\nport: 8080\nratio: 1.5\n"));
    expect(await h.run("config-get", ["--format=yaml"])).toEqual(success("debug: false\ngreeting: hi there\nport: 8080\nratio: 1.5\n"));
  });

  test("-a/--all also lists options whose value is null", async () => {
    const h = hook(demoModel(), "demo/0");
    const all = success('{"debug":false,"greeting":"hi there","name":null,"port":8080,"ratio":1.5,"secret-option":null}\n');
    expect(await h.run("config-get", ["--all", "--format=json"])).toEqual(all);
    expect(await h.run("config-get", ["-a", "--format=json"])).toEqual(all);
  });

  test("one key: its value in each format; an unknown key is null, not an error", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["port"])).toEqual(success("8080\n"));
    expect(await h.run("config-get", ["port", "--format=json"])).toEqual(success("8080\n"));
    expect(await h.run("config-get", ["debug"])).toEqual(success("False\n"));
    expect(await h.run("config-get", ["debug", "--format=json"])).toEqual(success("false\n"));
    expect(await h.run("config-get", ["greeting", "--format=json"])).toEqual(success('"hi there"\n'));
    expect(await h.run("config-get", ["name", "--format=json"])).toEqual(success("null\n"));
  });

  test("--all with a key is refused (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("config-get", ["--all", "greeting"])).toEqual(
      failure(2, 'cannot use argument --all together with key "greeting"'),
    );
  });
});

describe("details of Juju's behaviour", () => {
  test("config-get: cached per hook context, a change made meanwhile is not seen", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    model.app("demo").config = { greeting: "changed" };
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    expect(await hook(model, "demo/0").out("config-get", ["greeting"])).toBe("changed\n");
  });
});
