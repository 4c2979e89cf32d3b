// fake-tools/logging.ts: juju-log, run as a process against the fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { demoModel, failure, hook, relationHook, serveTools, success } from "./hook.js";

serveTools();

describe("juju-log", () => {
  test("the words joined by single spaces, at INFO; immediate", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-log", ["hello", "big", "world"])).toEqual(success());
    expect(model.logs).toEqual([{ unit: "demo/0", level: "INFO", message: "hello big world" }]);
  });

  test("-l/--log-level (case-insensitive, WARN = WARNING), --debug; an unknown level logs at INFO", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const [args, level] of [
      [["-l", "WARNING", "m"], "WARNING"],
      [["--log-level=error", "m"], "ERROR"],
      [["--log-level", "critical", "m"], "CRITICAL"],
      [["-l", "WARN", "m"], "WARNING"],
      [["-l", "trace", "m"], "TRACE"],
      [["--debug", "m"], "DEBUG"],
      [["-l", "LOUD", "m"], "INFO"],
    ] as const) {
      expect(await h.run("juju-log", args), args.join(" ")).toEqual(success());
      expect(model.logs.at(-1)?.level, args.join(" ")).toBe(level);
    }
  });

  test("no message (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("juju-log")).toEqual(failure(2, "no message specified"));
    expect(await h.run("juju-log", ["-l", "INFO"])).toEqual(failure(2, "no message specified"));
  });
});

describe("details of Juju's behaviour", () => {
  test("juju-log: in a relation hook the message is prefixed with `<endpoint>:<id>: `", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0").run("juju-log", ["hello"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "INFO", message: "db:2: hello" });
  });

  test("juju-log: an invalid level also logs a warning", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-log", ["-l", "LOUD", "message"])).toEqual(success());
    expect(model.logs.map((log) => log.level)).toEqual(["WARNING", "INFO"]);
    expect(model.logs.at(-1)?.message).toBe("message");
  });
});
