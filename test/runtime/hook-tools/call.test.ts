// runtime/hook-tools/call.ts and output.ts: a failed tool's error class (toolError), and output of the wrong shape.

import { describe, expect, test } from "vitest";

import { HookToolError, HookToolUsageError, ModelError, RelationNotFoundError, SecretNotFoundError } from "../../../runtime/errors.js";
import { ScriptedTools, fail } from "../../support/scripted-tools.js";
import { catchError, db } from "./support.js";

describe("ProcessHookTools errors", () => {
  test("exit 1 is a HookToolError carrying the tool, exit code and stderr", () => {
    const scripted = new ScriptedTools({ "status-set": fail(1, "this unit is not the leader") });
    const error = catchError(() => {
      scripted.tools.statusSet("active", "", true);
    });
    expect(error).toBeInstanceOf(HookToolError);
    expect(error).toMatchObject({
      name: "HookToolError",
      tool: "status-set",
      exitCode: 1,
      stderr: "ERROR this unit is not the leader\n",
      message: "status-set failed (exit 1): this unit is not the leader",
    });
  });

  test("exit 2 is a usage error", () => {
    const scripted = new ScriptedTools({ "juju-log": fail(2, 'unrecognized args: ["x"]') });
    expect(
      catchError(() => {
        scripted.tools.jujuLog("INFO", "m");
      }),
    ).toBeInstanceOf(HookToolUsageError);
  });

  test("relation not found and secret not found have their own classes", () => {
    const scripted = new ScriptedTools({
      "relation-get": fail(2, 'invalid value "db:9" for option -r: relation not found'),
      "network-get": fail(1, "relation not found"),
      "secret-get": fail(1, 'secret "cs9" not found'),
      "secret-info-get": fail(1, 'secret "creds" not found'),
      "secret-grant": fail(2, 'invalid value "9" for option -r: relation not found'),
    });
    expect(catchError(() => scripted.tools.relationGet(db, "pg/0", false))).toBeInstanceOf(RelationNotFoundError);
    expect(catchError(() => scripted.tools.networkGet("db", 9))).toBeInstanceOf(RelationNotFoundError);
    expect(catchError(() => scripted.tools.secretGet({ id: "cs9" }))).toBeInstanceOf(SecretNotFoundError);
    expect(catchError(() => scripted.tools.secretInfoGet({ label: "creds" }))).toBeInstanceOf(SecretNotFoundError);
    // A missing relation is a missing relation, whichever tool names it (ops says SecretNotFoundError here).
    expect(
      catchError(() => {
        scripted.tools.secretGrant("secret:x", 9);
      }),
    ).toBeInstanceOf(RelationNotFoundError);
    // All of them are ModelErrors, as in ops.
    expect(catchError(() => scripted.tools.secretGet({ id: "cs9" }))).toBeInstanceOf(ModelError);
  });

  test("malformed output is a ModelError naming the tool, without echoing the output", () => {
    const scripted = new ScriptedTools({
      "is-leader": "yes\n",
      "secret-get": "password: hunter2\n",
      "relation-get": '{"n": 3}',
      "relation-ids": '["db"]',
    });
    expect(catchError(() => scripted.tools.isLeader()).message).toBe(
      "is-leader printed malformed output: expected JSON, got 4 bytes that do not parse",
    );
    const secret = catchError(() => scripted.tools.secretGet({ label: "l" }));
    expect(secret).toBeInstanceOf(ModelError);
    expect(secret.message).toContain("secret-get");
    expect(secret.message).not.toContain("hunter2");
    expect(catchError(() => scripted.tools.relationGet(db, "pg/0", false)).message).toBe(
      "relation-get printed malformed output: expected a JSON object of strings",
    );
    expect(catchError(() => scripted.tools.relationIds("db")).message).toContain('"db" is not a relation id');
  });
});
