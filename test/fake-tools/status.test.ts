// fake-tools/status.ts: status-get and status-set, run as processes against the fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("status-set and status-get", () => {
  test("status-get: smart prints the status word; json and yaml a map", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get")).toEqual(success("active\n"));
    expect(await h.run("status-get", ["--format=json"])).toEqual(success('{"status":"active"}\n'));
    expect(await h.run("status-get", ["--format=yaml"])).toEqual(success("status: active\n"));
  });

  test("status-get --include-data: message, status and status-data", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get", ["--include-data", "--format=json"])).toEqual(
      success('{"message":"ready","status":"active","status-data":{}}\n'),
    );
    expect(await h.run("status-get", ["--include-data"])).toEqual(success("message: ready\nstatus: active\nstatus-data: {}\n"));
  });

  test("status-get --application (leader): units nested inside application-status", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get", ["--application", "--include-data", "--format=json"])).toEqual(
      success(
        '{"application-status":{"message":"cluster up","status":"active","status-data":{},"units":{' +
          '"demo/0":{"message":"ready","status":"active","status-data":{}},' +
          '"demo/1":{"message":"starting","status":"waiting","status-data":{}}}}}\n',
      ),
    );
  });

  test("status-get --application by a non-leader (exit 1)", async () => {
    expect(await hook(demoModel(), "demo/1").run("status-get", ["--application"])).toEqual(
      failure(1, "finding application status: this unit is not the leader"),
    );
  });

  test("status-set: immediate, not buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("status-set", ["maintenance", "installing packages"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "maintenance", message: "installing packages", data: {} });
    expect(await h.out("status-get", ["--include-data", "--format=json"])).toBe(
      '{"message":"installing packages","status":"maintenance","status-data":{}}\n',
    );
    expect(await hook(model, "demo/0").out("status-get")).toBe("maintenance\n");
  });

  test("status-set without a message; each settable status", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const status of ["maintenance", "blocked", "waiting", "active"]) {
      expect(await h.run("status-set", [status])).toEqual(success());
      expect(model.unit("demo/0").status).toEqual({ status, message: "", data: {} });
    }
  });

  test("status-set --application by the leader sets the application's status", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("status-set", ["--application", "blocked", "needs a database"])).toEqual(success());
    expect(model.app("demo").status).toEqual({ status: "blocked", message: "needs a database", data: {} });
  });

  test("status-set --application by a non-leader (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("status-set", ["--application", "active"])).toEqual(failure(1, "this unit is not the leader"));
    expect(model.app("demo").status.message).toBe("cluster up");
  });

  test.each(["error", "unknown", "Active", "terminated"])("status-set %s is refused (exit 2)", async (status) => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("status-set", [status, "msg"])).toEqual(
      failure(2, `invalid status "${status}", expected one of [maintenance blocked waiting active]`),
    );
    expect(model.unit("demo/0").status.status).toBe("active");
  });

  test("status-set without a status, or with two messages (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-set")).toEqual(failure(2, "invalid args, require <status> [message]"));
    expect(await h.run("status-set", ["active", "one", "two"])).toEqual(failure(2, 'unrecognized args: ["two"]'));
  });
});
