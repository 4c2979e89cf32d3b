// fake-tools/ports.ts: open-port, close-port and opened-ports, run as processes against the fixture
// model of hook.ts.

import { describe, expect, test } from "vitest";

import { commitRefusal } from "../support/engine.js";
import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("open-port, close-port, opened-ports", () => {
  test("open-port is buffered: opened-ports in the same hook shows it, the model has it after commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["8080"])).toEqual(success());
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success('["8080/tcp"]\n'));
    expect(model.unit("demo/0").ports).toEqual([]);
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([{ range: { protocol: "tcp", port: 8080 }, endpoint: undefined }]);
    expect(await hook(model, "demo/0").run("opened-ports")).toEqual(success("8080/tcp\n"));
  });

  test("port, range, protocol (lowercased) and icmp; unique; sorted by protocol then number", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    for (const spec of ["8000-8099/udp", "443/tcp", "icmp", "80", "80/TCP", "53/udp"]) {
      expect(await h.run("open-port", [spec]), spec).toEqual(success());
    }
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success('["icmp","80/tcp","443/tcp","53/udp","8000-8099/udp"]\n'));
    expect(await h.run("opened-ports")).toEqual(success("icmp\n80/tcp\n443/tcp\n53/udp\n8000-8099/udp\n"));
    expect(await h.run("opened-ports", ["--format=yaml"])).toEqual(success("- icmp\n- 80/tcp\n- 443/tcp\n- 53/udp\n- 8000-8099/udp\n"));
  });

  test("open then close in one hook cancel out; close-port of a committed port", async () => {
    const model = demoModel();
    model.unit("demo/0").ports = [{ range: { protocol: "tcp", port: 22 }, endpoint: undefined }];
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["9000"])).toEqual(success());
    expect(await h.run("close-port", ["9000"])).toEqual(success());
    expect(await h.run("close-port", ["22/tcp"])).toEqual(success());
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success("[]\n"));
    expect(model.unit("demo/0").ports).toHaveLength(1);
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([]);
  });

  test("--endpoints: once per comma-separated (trimmed) endpoint", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["--endpoints", "db, website", "7000"])).toEqual(success());
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([
      { range: { protocol: "tcp", port: 7000 }, endpoint: "db" },
      { range: { protocol: "tcp", port: 7000 }, endpoint: "website" },
    ]);
  });

  test("opened-ports --endpoints: ` (ep1, ep2)` sorted, or ` (*)` for all endpoints", async () => {
    const model = demoModel();
    model.unit("demo/0").ports = [
      { range: { protocol: "tcp", port: 80 }, endpoint: undefined },
      { range: { protocol: "tcp", port: 9090 }, endpoint: "metrics" },
      { range: { protocol: "tcp", port: 9091 }, endpoint: "website" },
      { range: { protocol: "tcp", port: 9091 }, endpoint: "db" },
    ];
    expect(await hook(model, "demo/0").run("opened-ports", ["--endpoints", "--format=json"])).toEqual(
      success('["80/tcp (*)","9090/tcp (metrics)","9091/tcp (db, website)"]\n'),
    );
  });

  test("a range opened by another unit on the same machine conflicts (exit 1)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["80"])).toEqual(
      failure(1, 'cannot open 80/tcp (unit "demo/0"): port range conflicts with 79-81/tcp (unit "other/0")'),
    );
    expect(await h.run("open-port", ["80/udp"])).toEqual(success());
    expect(await hook(model, "demo/1").run("open-port", ["80"])).toEqual(success());
  });

  test.each([
    [[], "no port or range specified"],
    [["1-2-3"], 'invalid port range "1-2-3"'],
    [["80/sctp"], 'invalid protocol "sctp", expected "tcp", "udp", or "icmp"'],
    [["1-70000"], "port range bounds must be between 0 and 65535, got 1-70000"],
    [["9-1"], "invalid port range 9-1/tcp"],
  ] as const)("open-port and close-port %j: exit 2, %s", async (args, message) => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("open-port", args)).toEqual(failure(2, message));
    expect(await h.run("close-port", args)).toEqual(failure(2, message));
  });

  test('a port that is not a number: `invalid port "x": …` (exit 2)', async () => {
    const result = await hook(demoModel(), "demo/0").run("open-port", ["abc"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^ERROR invalid port "abc": [^\n]+\n$/);
  });
});

describe("details of Juju's behaviour", () => {
  test("open-port: an unknown endpoint name is refused when the hook commits", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["--endpoints", "nosuch", "8080"])).toEqual(success());
    commitRefusal(h.context);
    expect(model.unit("demo/0").ports).toEqual([]);
  });
});
