// runtime/hook-tools: the exact argv of every tool (ops' production argv), output parsing, error mapping (call.ts).

import { readFileSync, statSync, existsSync } from "node:fs";
import { dirname } from "node:path";

import { describe, expect, test } from "vitest";

import {
  HookToolError,
  HookToolUsageError,
  ModelError,
  RelationNotFoundError,
  SecretNotFoundError,
} from "../../runtime/errors.js";
import type { HookTools } from "../../runtime/hook-tools/index.js";
import { ScriptedTools, fail } from "../support/scripted-tools.js";

const db = { endpoint: "db", id: 7 };

/** [description, call, expected argv line, stdout the tool prints, expected result] */
const cases: [string, (tools: HookTools) => unknown, string, string, unknown][] = [
  ["is-leader", (t) => t.isLeader(), "is-leader --format=json", "true\n", true],
  ["config-get", (t) => t.configGet(), "config-get --format=json", '{"a":"x","n":3,"b":false}', { a: "x", n: 3, b: false }],
  ["relation-ids", (t) => t.relationIds("db"), "relation-ids db --format=json", '["db:10","db:2"]', [10, 2]],
  ["relation-list", (t) => t.relationList(db), "relation-list --format=json -r db:7", '["pg/0","pg/1"]', ["pg/0", "pg/1"]],
  ["relation-list --app", (t) => t.relationRemoteApp(db), "relation-list --format=json --app -r db:7", '"pg"', "pg"],
  ["relation-get unit", (t) => t.relationGet(db, "pg/0", false), "relation-get --format=json -r db:7 - pg/0", '{"host":"h"}', { host: "h" }],
  ["relation-get app", (t) => t.relationGet(db, "pg", true), "relation-get --format=json -r db:7 --app - pg", "{}", {}],
  ["relation-model-get", (t) => t.relationModelGet(db), "relation-model-get --format=json -r db:7", '{"uuid":"u"}', { uuid: "u" }],
  ["status-get", (t) => t.statusGet(), "status-get --include-data --format=json --application=false", '{"status":"active","message":"ok","status-data":{}}', { status: "active", message: "ok", data: {} }],
  [
    "status-get --application",
    (t) => t.statusGetApplication(),
    "status-get --include-data --format=json --application=true",
    '{"application-status":{"status":"blocked","message":"m","status-data":{},"units":{"demo/0":{"status":"active","message":"","status-data":{}}}}}',
    { status: "blocked", message: "m", data: {}, units: { "demo/0": { status: "active", message: "", data: {} } } },
  ],
  ["status-set", (t) => { t.statusSet("active", "I rule", false); }, "status-set --application=False active -- I rule", "", undefined],
  ["status-set app", (t) => { t.statusSet("blocked", "-x", true); }, "status-set --application=True blocked -- -x", "", undefined],
  ["application-version-set", (t) => { t.applicationVersionSet("1.2"); }, "application-version-set -- 1.2", "", undefined],
  ["juju-log", (t) => { t.jujuLog("WARNING", "--careful"); }, "juju-log --log-level WARNING -- --careful", "", undefined],
  ["action-get", (t) => t.actionGet(), "action-get --format=json", '{"target":"x"}', { target: "x" }],
  ["action-set", (t) => { t.actionSet({ a: "1", "b.c": "two words" }); }, "action-set a=1 b.c=two words", "", undefined],
  ["action-fail", (t) => { t.actionFail("no"); }, "action-fail -- no", "", undefined],
  ["action-log", (t) => { t.actionLog("50%"); }, "action-log -- 50%", "", undefined],
  ["open-port", (t) => { t.openPort({ protocol: "tcp", port: 80 }); }, "open-port 80/tcp", "", undefined],
  ["open-port range", (t) => { t.openPort({ protocol: "udp", port: 8000, toPort: 8099 }, ["web", "api"]); }, "open-port --endpoints web,api 8000-8099/udp", "", undefined],
  ["close-port icmp", (t) => { t.closePort({ protocol: "icmp" }); }, "close-port icmp", "", undefined],
  [
    "opened-ports",
    (t) => t.openedPorts(),
    "opened-ports --format=json",
    '["80/tcp","icmp","9000-9010/udp"]',
    [{ protocol: "tcp", port: 80 }, { protocol: "icmp" }, { protocol: "udp", port: 9000, toPort: 9010 }],
  ],
  [
    "network-get",
    (t) => t.networkGet("db", 7),
    "network-get --format=json -r 7 db",
    '{"bind-addresses":[{"mac-address":"m","interface-name":"eth0","addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}',
    {
      bindAddresses: [{ macAddress: "m", interfaceName: "eth0", addresses: [{ hostname: "", value: "10.0.0.5", cidr: "10.0.0.0/24" }] }],
      egressSubnets: ["10.0.0.5/32"],
      ingressAddresses: ["10.0.0.5"],
    },
  ],
  ["secret-get by id", (t) => t.secretGet({ id: "secret:x" }), "secret-get --format=json secret:x", '{"password":"p"}', { password: "p" }],
  ["secret-get id+label refresh", (t) => t.secretGet({ id: "secret:x", label: "l", refresh: true }), "secret-get --format=json secret:x --label l --refresh", "{}", {}],
  ["secret-get label peek", (t) => t.secretGet({ label: "l", peek: true }), "secret-get --format=json --label l --peek", "{}", {}],
  ["secret-set info", (t) => { t.secretSet("secret:x", { label: "l", rotate: "daily" }); }, "secret-set --label l --rotate daily --owner application secret:x", "", undefined],
  ["secret-remove", (t) => { t.secretRemove("secret:x", 3); }, "secret-remove secret:x --revision 3", "", undefined],
  ["secret-remove all", (t) => { t.secretRemove("secret:x"); }, "secret-remove secret:x", "", undefined],
  ["secret-grant", (t) => { t.secretGrant("secret:x", 7, "pg/1"); }, "secret-grant --relation 7 --unit pg/1 secret:x", "", undefined],
  ["secret-revoke", (t) => { t.secretRevoke("secret:x", 7); }, "secret-revoke --relation 7 secret:x", "", undefined],
  ["secret-ids", (t) => t.secretIds(), "secret-ids --format=json", '["cs9"]', ["cs9"]],
  [
    "secret-info-get",
    (t) => t.secretInfoGet({ label: "creds" }),
    "secret-info-get --format=json --label creds",
    '{"cs9abc":{"revision":3,"label":"creds","owner":"application","rotation":"monthly"}}',
    { id: "cs9abc", revision: 3, label: "creds", owner: "application", rotation: "monthly" },
  ],
  ["state-get", (t) => t.stateGet(), "state-get --format=json", "null", {}],
  ["state-delete", (t) => { t.stateDelete("k"); }, "state-delete k", "", undefined],
  ["storage-list", (t) => t.storageList("data"), "storage-list --format=json data", '["data/0"]', ["data/0"]],
  ["storage-get", (t) => t.storageGet("data/0"), "storage-get --format=json -s data/0", '{"kind":"filesystem","location":"/srv"}', { kind: "filesystem", location: "/srv" }],
  ["storage-add", (t) => { t.storageAdd("data", 2); }, "storage-add data=2", "", undefined],
  ["resource-get", (t) => t.resourceGet("software"), "resource-get software", "/var/lib/juju/resources/software.zip", "/var/lib/juju/resources/software.zip"],
  ["goal-state", (t) => t.goalState(), "goal-state --format=json", '{"units":{"demo/0":{"status":"active"}},"relations":{}}', { units: { "demo/0": { status: "active" } }, relations: {} }],
  [
    "credential-get",
    (t) => t.credentialGet(),
    "credential-get --format=json",
    '{"type":"lxd","name":"localhost","credential":{"auth-type":"certificate","attrs":{"client-cert":"c"}},"skip-tls-verify":true}',
    { type: "lxd", name: "localhost", credential: { authType: "certificate", attributes: { "client-cert": "c" }, redacted: [] }, caCertificates: [], skipTlsVerify: true, isControllerCloud: false },
  ],
  ["juju-reboot", (t) => { t.jujuReboot(false); }, "juju-reboot", "", undefined],
  ["juju-reboot --now", (t) => { t.jujuReboot(true); }, "juju-reboot --now", "", undefined],
];

describe("ProcessHookTools argv and output", () => {
  test.each(cases)("%s", (_name, call, argv, stdout, expected) => {
    const scripted = new ScriptedTools({ [argv]: stdout });
    expect(call(scripted.tools)).toEqual(expected);
    expect(scripted.lines()).toEqual([argv]);
  });

  test("relation-set and state-set send a JSON object on stdin, never in argv", () => {
    const scripted = new ScriptedTools();
    scripted.tools.relationSet(db, { "a b": "x=y", empty: "" }, false);
    scripted.tools.relationSet(db, { leader: "demo/0" }, true);
    scripted.tools.stateSet({ k: "v" });
    expect(scripted.calls).toEqual([
      { tool: "relation-set", args: ["-r", "db:7", "--file", "-"], stdin: '{"a b":"x=y","empty":""}' },
      { tool: "relation-set", args: ["-r", "db:7", "--app", "--file", "-"], stdin: '{"leader":"demo/0"}' },
      { tool: "state-set", args: ["--file", "-"], stdin: '{"k":"v"}' },
    ]);
  });

  test("secret content goes through key#file= files in a private directory that is removed afterwards", () => {
    const scripted = new ScriptedTools({ "secret-add": "secret://5a1b/cs9ab3go9ns0ql5jgv6g\n" });
    const seen: { file: string; content: string; fileMode: number; dirMode: number }[] = [];
    scripted.onCall = (call) => {
      for (const arg of call.args) {
        const match = /^[a-z-]+#file=(.+)$/.exec(arg);
        if (match?.[1] === undefined) continue;
        const file = match[1];
        seen.push({
          file,
          content: readFileSync(file, "utf8"),
          fileMode: statSync(file).mode & 0o777,
          dirMode: statSync(dirname(file)).mode & 0o777,
        });
      }
    };
    const uri = scripted.tools.secretAdd({ username: "admin", password: "s3cret value" }, { owner: "unit", label: "creds", expire: "24h" });
    expect(uri).toBe("secret://5a1b/cs9ab3go9ns0ql5jgv6g");
    const [call] = scripted.calls;
    expect(call?.args.slice(0, 6)).toEqual(["--label", "creds", "--expire", "24h", "--owner", "unit"]);
    expect(call?.args.slice(6).map((a) => a.replace(/=.*$/, "="))).toEqual(["username#file=", "password#file="]);
    expect(JSON.stringify(scripted.calls)).not.toContain("s3cret");
    expect(seen.map((s) => [s.content, s.fileMode, s.dirMode])).toEqual([
      ["admin", 0o600, 0o700],
      ["s3cret value", 0o600, 0o700],
    ]);
    for (const { file } of seen) expect(existsSync(dirname(file))).toBe(false);

    scripted.tools.secretSet("secret:x", { content: { password: "n3w" } });
    expect(scripted.lines()[1]).toMatch(/^secret-set --owner application secret:x password#file=\/.+\/password$/);
    expect(JSON.stringify(scripted.calls)).not.toContain("n3w");
  });

  test("the temp directory is removed even when the tool fails", () => {
    const scripted = new ScriptedTools({ "secret-set": fail(1, "permission denied") });
    let file = "";
    scripted.onCall = (call) => {
      file = (call.args.at(-1) ?? "").replace(/^.*#file=/, "");
    };
    expect(() => scripted.tools.secretSet("secret:x", { content: { password: "p" } })).toThrow(ModelError);
    expect(file).not.toBe("");
    expect(existsSync(dirname(file))).toBe(false);
  });
});

describe("ProcessHookTools errors", () => {
  test("exit 1 is a HookToolError carrying the tool, exit code and stderr", () => {
    const scripted = new ScriptedTools({ "status-set": fail(1, "this unit is not the leader") });
    const error = catchError(() => { scripted.tools.statusSet("active", "", true); });
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
    expect(catchError(() => { scripted.tools.jujuLog("INFO", "m"); })).toBeInstanceOf(HookToolUsageError);
  });

  test("relation not found and secret not found have their own classes", () => {
    const scripted = new ScriptedTools({
      "relation-get": fail(2, "invalid value \"db:9\" for option -r: relation not found"),
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
    expect(catchError(() => { scripted.tools.secretGrant("secret:x", 9); })).toBeInstanceOf(RelationNotFoundError);
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
    expect(catchError(() => scripted.tools.isLeader()).message).toBe("is-leader printed malformed output: expected JSON, got 4 bytes that do not parse");
    const secret = catchError(() => scripted.tools.secretGet({ label: "l" }));
    expect(secret).toBeInstanceOf(ModelError);
    expect(secret.message).toContain("secret-get");
    expect(secret.message).not.toContain("hunter2");
    expect(catchError(() => scripted.tools.relationGet(db, "pg/0", false)).message).toBe(
      "relation-get printed malformed output: expected a JSON object of strings",
    );
    expect(catchError(() => scripted.tools.relationIds("db")).message).toContain('"db" is not a relation id');
    // A secret-add that prints no URI, or something else, did not create what the charm will use.
    for (const printed of ["", "{not a uri", "secret:short", "secret://uuid/CS9AB3GO9NS0QL5JGV6G"]) {
      const adding = new ScriptedTools({ "secret-add": printed });
      expect(catchError(() => adding.tools.secretAdd({ k: "v" }, { owner: "application" })).message).toBe(
        "secret-add printed malformed output: expected the new secret's URI",
      );
    }
    for (const printed of ["secret:cs9ab3go9ns0ql5jgv6g\n", "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g"]) {
      expect(new ScriptedTools({ "secret-add": printed }).tools.secretAdd({ k: "v" }, { owner: "application" })).toBe(printed.trim());
    }
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
