// fake-tools/server.ts: the bash client on PATH and the loopback server behind it: the call record
// (secret values redacted, the door named), unknown contexts, a client without the server's address
// or JUJU_CONTEXT_ID. The unit's agent socket, the other door, is jujuc-server.test.ts's.

import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { demoModel, hook, runProcess, server, serveTools } from "./hook.js";

serveTools();

describe("the client and the hook context", () => {
  test("every call is recorded for the test, values of secret arguments redacted", async () => {
    const h = hook(demoModel(), "demo/0");
    await h.run("is-leader", ["--format=json"]);
    await h.run("secret-add", ["--owner", "unit", "password=hunter22"]);
    await h.run("status-set", ["bogus"]);
    expect(h.calls).toEqual([
      { tool: "is-leader", args: ["--format=json"], exitCode: 0, stderr: "", via: "spawn" },
      { tool: "secret-add", args: ["--owner", "unit", "password=<redacted>"], exitCode: 0, stderr: "", via: "spawn" },
      {
        tool: "status-set",
        args: ["bogus"],
        exitCode: 2,
        stderr: 'ERROR invalid status "bogus", expected one of [maintenance blocked waiting active]\n',
        via: "spawn",
      },
    ]);
  });

  test("a JUJU_CONTEXT_ID no hook is registered under is a bad request: exit 1, one ERROR line", async () => {
    const h = hook(demoModel(), "demo/0");
    const result = await h.run("is-leader", [], { env: { JUJU_CONTEXT_ID: "demo/0-install-nope" } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^ERROR [^\n]*bad request[^\n]*\n$/);
  });

  test("without the tool server's address (TSCHARM_SIMULATOR_TOOLS) the client fails with exit 1 and an ERROR line", async () => {
    const h = hook(demoModel(), "demo/0");
    const result = await h.run("is-leader", [], { env: { TSCHARM_SIMULATOR_TOOLS: undefined } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR /);
  });

  test("the tools are found on PATH as the hook sees it, one name per tool", async () => {
    const h = hook(demoModel(), "demo/0");
    const which = await runProcess(
      "/bin/sh",
      ["-c", 'for tool in relation-get secret-info-get credential-get; do command -v "$tool"; done'],
      h.env,
      h.charmDir,
    );
    expect(which.stdout.split("\n").filter((line) => line !== "")).toEqual(
      ["relation-get", "secret-info-get", "credential-get"].map((tool) => join(server.binDir, tool)),
    );
  });
});

describe("details of Juju's behaviour", () => {
  test("a client with no JUJU_CONTEXT_ID fails with `JUJU_CONTEXT_ID not set` (exit 1)", async () => {
    const result = await hook(demoModel(), "demo/0").run("is-leader", [], { env: { JUJU_CONTEXT_ID: undefined } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR [^\n]*JUJU_CONTEXT_ID not set\n$/);
  });
});
