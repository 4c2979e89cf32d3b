// fake-tools/leadership.ts: is-leader, leader-get and leader-set, run as processes against the
// fixture model of hook.ts.

import { describe, expect, test } from "vitest";

import { JujuModel } from "../../engine/model.js";
import { committedState, demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("is-leader, leader-get, leader-set", () => {
  test("is-leader: once False in a hook, False for the rest of it", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("is-leader")).toBe("False\n");
    model.app("demo").leader = "demo/1";
    expect(await h.out("is-leader")).toBe("False\n");
    expect(await hook(model, "demo/1").out("is-leader")).toBe("True\n");
  });

  test("is-leader: True is re-checked on each call", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("is-leader", ["--format=json"])).toBe("true\n");
    model.app("demo").leader = "demo/1";
    expect(await h.out("is-leader", ["--format=json"])).toBe("false\n");
  });

  test("leader-get: the whole map (no key or `-`), one key, a missing key; any unit may read", async () => {
    const h = hook(demoModel(), "demo/1");
    expect(await h.run("leader-get")).toEqual(success('k: v\n"n": "12345"\n'));
    expect(await h.run("leader-get", ["-"])).toEqual(success('k: v\n"n": "12345"\n'));
    expect(await h.run("leader-get", ["--format=json"])).toEqual(success('{"k":"v","n":"12345"}\n'));
    expect(await h.run("leader-get", ["k"])).toEqual(success("v\n"));
    expect(await h.run("leader-get", ["k", "--format=json"])).toEqual(success('"v"\n'));
    expect(await h.run("leader-get", ["missing"])).toEqual(success(""));
    expect(await h.run("leader-get", ["missing", "--format=json"])).toEqual(success("null\n"));
  });

  test("leader-get: a key with `=` is refused (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("leader-get", ["a=b"])).toEqual(failure(2, 'invalid key "a=b"'));
  });

  test("leader-set: immediate (not buffered); `key=` deletes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("leader-set", ["k=", "new=value"])).toEqual(success());
    expect(model.app("demo").leaderSettings).toEqual({ n: "12345", new: "value" });
    expect(await hook(model, "demo/1").out("leader-get", ["--format=json"])).toBe('{"n":"12345","new":"value"}\n');
  });

  test("leader-set with no arguments: a no-op, exit 0", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("leader-set")).toEqual(success());
    expect(model.app("demo").leaderSettings).toEqual({ k: "v", n: "12345" });
  });

  test("leader-set by a non-leader: exit 1, Juju's text", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("leader-set", ["k=x"])).toEqual(
      failure(1, "cannot write leadership settings: cannot write settings: not the leader"),
    );
    expect(model.app("demo").leaderSettings).toEqual({ k: "v", n: "12345" });
  });
});

describe("details of Juju's behaviour", () => {
  test("leader-get: values are cached for the hook context", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("leader-get", ["k"])).toBe("v\n");
    model.app("demo").leaderSettings = { k: "changed" };
    expect(await h.out("leader-get", ["k"])).toBe("v\n");
    expect(await hook(model, "demo/1").out("leader-get", ["k"])).toBe("changed\n");
  });
});

/** demoModel() on another Juju version. */
function demoModelOn(jujuVersion: string): JujuModel {
  return JujuModel.fromJSON({ ...(demoModel().toJSON() as Record<string, unknown>), jujuVersion });
}

// Juju 4's tool table has no leader-get, leader-set or payload tools (juju/juju
// internal/worker/uniter/runner/jujuc/server.go on main); the agent refuses the call as an RPC
// error, which cmd/jujuc/main.go prints as `ERROR <error>` with exit 1.
describe("Juju 4: the removed tools are unknown commands", () => {
  const removed = ["leader-get", "leader-set", "payload-register", "payload-status-set", "payload-unregister", "add-metric"];

  test.each(removed)("%s on 4.0.12: `ERROR bad request: unknown command: <name>`, exit 1, nothing changed", async (tool) => {
    const model = demoModelOn("4.0.12");
    const before = committedState(model);
    const args = tool === "leader-set" ? ["k=changed"] : tool === "leader-get" ? ["k"] : [];
    expect(await hook(model, "demo/0").run(tool, args)).toEqual(failure(1, `bad request: unknown command: ${tool}`));
    expect(await hook(model, "demo/0").run(tool, ["--help"])).toEqual(failure(1, `bad request: unknown command: ${tool}`));
    expect(committedState(model)).toBe(before);
  });

  test("on 3.6 leader-get and leader-set still work; on 4.x is-leader is unchanged", async () => {
    const model = demoModelOn("3.6.28");
    const leader = hook(model, "demo/0");
    expect(await leader.run("leader-set", ["k=w"])).toEqual(success());
    expect(await hook(model, "demo/1").run("leader-get", ["k"])).toEqual(success("w\n"));
    expect(await hook(demoModelOn("4.0.12"), "demo/0").run("is-leader")).toEqual(success("True\n"));
  });
});
