// runtime/model: relations, config, status, secrets, ports, network, storage — and every refusal before any tool.

import { describe, expect, test } from "vitest";

import {
  InvalidSecretError,
  InvalidStatusError,
  ModelError,
  NotLeaderError,
  RelationDataAccessError,
  RelationDataTypeError,
  TooManyRelatedAppsError,
} from "../../runtime/errors.js";
import * as tscharm from "../../runtime/index.js";
import { RebootNow, modelBackend } from "../../runtime/model.js";
import { ActiveStatus, BlockedStatus, ErrorStatus, UnknownStatus, WaitingStatus } from "../../runtime/status.js";
import { MODEL_UUID, jujuEnv, relationEnv } from "../support/juju-env.js";
import { ManualClock, modelFor } from "../support/model.js";
import { fail } from "../support/scripted-tools.js";

const SECRET_XID = "cs9ab3go9ns0ql5jgv6g";
const SECRET_URI = `secret://${MODEL_UUID}/${SECRET_XID}`;

describe("model basics", () => {
  test("names come from the environment without any tool call", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start", { unit: "demo/3" }));
    expect([model.name, model.uuid, model.jujuVersion, model.unit.name, model.app.name]).toEqual([
      "test-model",
      MODEL_UUID,
      "3.6.4",
      "demo/3",
      "demo",
    ]);
    expect(model.getUnit("demo/3")).toBe(model.unit);
    expect(model.getUnit("pg/0").app).toBe(model.getApp("pg"));
    expect(scripted.calls).toEqual([]);
  });

  test("the raw hook tools are not reachable from the model: its backend is private and not exported", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"));
    // @ts-expect-error Model has no public backend.
    const leaked: unknown = model.backend;
    expect(leaked).toBeUndefined();
    expect(Object.values(model).some((value) => value === scripted.tools)).toBe(false);
    expect(Object.keys(tscharm)).not.toContain("modelBackend");
    expect(Object.keys(tscharm)).not.toContain("ModelBackend");
    // The runtime's own modules and the test kit reach it through modelBackend().
    const backend = modelBackend(model);
    expect(backend.tools).toBe(scripted.tools);
    // Nor do the objects the model hands out carry it in a property.
    for (const object of [model, model.unit, model.app, model.storages, model.getUnit("pg/0"), model.getApp("pg")]) {
      const values = Reflect.ownKeys(object).map((key) => (object as unknown as Record<PropertyKey, unknown>)[key]);
      expect(values).not.toContain(backend);
      expect(values).not.toContain(scripted.tools);
    }
    expect(scripted.calls).toEqual([]);
  });

  test("config is read lazily, once per hook, and frozen", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/config-changed"), { "config-get": '{"greeting":"hi","port":8080}' });
    expect(scripted.calls).toEqual([]);
    expect(model.config["greeting"]).toBe("hi");
    expect(model.config["port"]).toBe(8080);
    expect(Object.isFrozen(model.config)).toBe(true);
    expect(scripted.lines()).toEqual(["config-get --format=json"]);
  });

  test("remote units cannot be asked about leadership", () => {
    const { model } = modelFor(jujuEnv("hooks/start"));
    expect(() => model.getUnit("demo/1").isLeader()).toThrow(ModelError);
  });
});

describe("status", () => {
  test("unit status is set immediately and read once", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "status-get": '{"status":"waiting","message":"for db","status-data":{}}',
    });
    expect(model.unit.status).toEqual(new WaitingStatus("for db"));
    expect(model.unit.status).toEqual(new WaitingStatus("for db"));
    model.unit.status = new ActiveStatus("ready");
    expect(model.unit.status).toEqual(new ActiveStatus("ready"));
    expect(scripted.lines()).toEqual([
      "status-get --include-data --format=json --application=false",
      "status-set --application=False active -- ready",
    ]);
  });

  test("a fresh unit reads unknown; remote units read unknown without a call", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/install"), { "status-get": '{"status":"unknown","message":""}' });
    expect(model.unit.status).toEqual(new UnknownStatus());
    expect(model.getUnit("pg/0").status).toEqual(new UnknownStatus());
    expect(scripted.calls).toHaveLength(1);
  });

  test("unknown and error cannot be set", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"));
    expect(() => (model.unit.status = new UnknownStatus())).toThrow(InvalidStatusError);
    expect(() => (model.unit.status = new ErrorStatus("x"))).toThrow(
      'invalid status "error", expected one of [maintenance blocked waiting active]',
    );
    expect(scripted.calls).toEqual([]);
  });

  test("application status is leader-only, refused before status-set", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "false" });
    expect(() => (model.app.status = new BlockedStatus("no db"))).toThrow(NotLeaderError);
    expect(() => model.app.status).toThrow("this unit is not the leader");
    expect(scripted.toolNames()).toEqual(["is-leader"]);
  });

  test("the leader sets and reads application status", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "is-leader": "true",
      "status-get": '{"application-status":{"status":"active","message":"ok","status-data":{},"units":{}}}',
    });
    expect(model.app.status).toEqual(new ActiveStatus("ok"));
    model.app.status = new BlockedStatus("no db");
    expect(scripted.lines()).toEqual([
      "is-leader --format=json",
      "status-get --include-data --format=json --application=true",
      "status-set --application=True blocked -- no db",
    ]);
  });
});

describe("relations", () => {
  const peerAnswers = { "relation-ids cluster --format=json": '["cluster:3"]', "relation-list": '["demo/1","demo/2"]' };

  test("getRelation outside a relation hook lists the endpoint once", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/config-changed"), peerAnswers);
    const relation = model.getRelation("cluster");
    expect(relation?.id).toBe(3);
    expect(model.getRelation("cluster")).toBe(relation);
    expect(model.relations("cluster")).toEqual([relation]);
    expect(scripted.lines()).toEqual(["relation-ids cluster --format=json"]);
    // A peer relation's remote app is this app: no call.
    expect(relation?.app).toBe(model.app);
    expect([...(relation?.units ?? [])].map(String)).toEqual(["demo/1", "demo/2"]);
    expect(relation?.units).toBe(relation?.units);
    expect(scripted.lines()).toEqual(["relation-ids cluster --format=json", "relation-list --format=json -r cluster:3"]);
  });

  test("in a peer relation hook the relation comes from the environment", () => {
    const { model, scripted } = modelFor(relationEnv("cluster", "changed", 3, "demo/1"));
    expect(model.getRelation("cluster")?.id).toBe(3);
    expect(scripted.calls).toEqual([]);
  });

  test("the event's relation knows its remote app from the environment; others ask relation-list --app", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 7, "pg/0"), {
      "relation-ids db --format=json": '["db:7","db:8"]',
      "relation-list --format=json --app -r db:8": '"mysql"',
    });
    expect(model.getRelation("db", 7)?.app?.name).toBe("pg");
    expect(scripted.calls).toEqual([]);
    expect(model.getRelation("db", 8)?.app?.name).toBe("mysql");
    expect(scripted.lines()).toEqual(["relation-ids db --format=json", "relation-list --format=json --app -r db:8"]);
  });

  test("several relations need an id; none gives undefined; unknown endpoints are refused", () => {
    const { model } = modelFor(jujuEnv("hooks/start"), {
      "relation-ids db --format=json": '["db:1","db:2"]',
      "relation-ids website --format=json": "[]",
    });
    expect(() => model.getRelation("db")).toThrow(TooManyRelatedAppsError);
    expect(model.getRelation("db", 2)?.id).toBe(2);
    expect(model.getRelation("db", 5)).toBeUndefined();
    expect(model.getRelation("website")).toBeUndefined();
    expect(() => model.getRelation("dbb")).toThrow('"dbb" is not a relation endpoint of demo (it declares cluster, db, website)');
  });

  test("relation-broken leaves the broken relation out of the live list but keeps the event's", () => {
    const { model } = modelFor(relationEnv("db", "broken", 7, undefined, { remoteApp: "pg" }), {
      "relation-ids db --format=json": '["db:7","db:9"]',
    });
    expect(model.relations("db").map((r) => r.id)).toEqual([9]);
    const broken = model.getRelation("db", 7);
    expect(broken?.active).toBe(false);
    expect(model.getRelation("db", 9)?.active).toBe(true);
  });

  test("a bag is read once, on first access", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 7, "pg/0"), {
      "relation-get --format=json -r db:7 - pg/0": '{"host":"10.0.0.5","port":"5432"}',
    });
    const bag = model.getRelation("db", 7)?.data.get(model.getUnit("pg/0"));
    expect(scripted.calls).toEqual([]);
    expect(bag?.get("host")).toBe("10.0.0.5");
    expect(bag?.get("missing")).toBeUndefined();
    expect(bag?.toObject()).toEqual({ host: "10.0.0.5", port: "5432" });
    expect(scripted.lines()).toEqual(["relation-get --format=json -r db:7 - pg/0"]);
  });

  test("writes send only the keys that change, in one relation-set; '' deletes; nothing changes, nothing runs", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 7, "pg/0"), {
      "relation-get --format=json -r db:7 - demo/0": '{"keep":"1","drop":"x","same":"s"}',
    });
    const bag = model.getRelation("db", 7)?.data.get(model.unit);
    bag?.update({ keep: "1", drop: "", same: "s", added: "new", absent: "" });
    expect(scripted.calls.map((c) => [c.tool, c.args.join(" "), c.stdin])).toEqual([
      ["relation-get", "--format=json -r db:7 - demo/0", undefined],
      ["relation-set", "-r db:7 --file -", '{"drop":"","added":"new"}'],
    ]);
    expect(bag?.toObject()).toEqual({ keep: "1", same: "s", added: "new" });
    bag?.set("keep", "1");
    bag?.delete("drop");
    expect(scripted.calls).toHaveLength(2);
    bag?.delete("keep");
    expect(scripted.calls[2]?.stdin).toBe('{"keep":""}');
  });

  test("the leader writes the application bag with --app", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/leader-elected"), {
      "is-leader": "true",
      "relation-ids cluster --format=json": '["cluster:3"]',
      "relation-get": "{}",
    });
    model.getRelation("cluster")?.data.get(model.app).update({ leader: "demo/0" });
    expect(scripted.lines()).toEqual([
      "relation-ids cluster --format=json",
      "is-leader --format=json",
      "relation-get --format=json -r cluster:3 --app - demo",
      "relation-set -r cluster:3 --app --file -",
    ]);
  });

  describe("access rules, refused before relation-get or relation-set", () => {
    const env = relationEnv("db", "changed", 7, "pg/0");

    test("a non-leader cannot write its application bag (Juju's wording)", () => {
      const { model, scripted } = modelFor(env, { "is-leader": "false" });
      const bag = model.getRelation("db", 7)?.data.get(model.app);
      expect(() => bag?.set("k", "v")).toThrow(RelationDataAccessError);
      expect(() => bag?.set("k", "v")).toThrow(/^cannot write relation settings: demo\/0 is not the leader/);
      expect(scripted.toolNames()).toEqual(["is-leader"]);
    });

    test("a non-leader cannot read its application bag in a non-peer relation, but can in a peer one", () => {
      const { model, scripted } = modelFor(env, {
        "is-leader": "false",
        "relation-ids cluster --format=json": '["cluster:3"]',
        "relation-get --format=json -r cluster:3 --app - demo": '{"leader":"demo/1"}',
      });
      expect(() => model.getRelation("db", 7)?.data.get(model.app).get("k")).toThrow(/^permission denied: demo\/0 is not the leader/);
      expect(scripted.toolNames()).toEqual(["is-leader"]);
      expect(model.getRelation("cluster")?.data.get(model.app).get("leader")).toBe("demo/1");
    });

    test("nobody writes another unit's or a remote application's bag", () => {
      const { model, scripted } = modelFor(env);
      const relation = model.getRelation("db", 7);
      expect(() => relation?.data.get(model.getUnit("pg/0")).set("k", "v")).toThrow(
        /^cannot write the data of unit pg\/0: demo\/0 can only write its own unit data/,
      );
      expect(() => relation?.data.get(model.getApp("pg")).set("k", "v")).toThrow(/^cannot write the data of remote application pg/);
      expect(scripted.calls).toEqual([]);
    });

    test("values and keys must be strings", () => {
      const { model, scripted } = modelFor(env);
      const bag = model.getRelation("db", 7)?.data.get(model.unit);
      expect(() => bag?.set("port", 5432 as unknown as string)).toThrow(RelationDataTypeError);
      expect(() => bag?.update({ port: 5432 as unknown as string })).toThrow(
        'relation data values must be strings, but "port" is a number (relation db:7, unit demo/0); ' +
          "encode it first, e.g. with JSON.stringify",
      );
      expect(() => bag?.update({ nested: { a: 1 } as unknown as string })).toThrow(/"nested" is a object/);
      expect(() => bag?.set("", "v")).toThrow(/keys must be non-empty strings/);
      expect(scripted.calls).toEqual([]);
    });
  });
});

describe("secrets", () => {
  test("the leader adds an application secret; the returned secret needs no read", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/leader-elected"), { "is-leader": "true", "secret-add": `${SECRET_URI}\n` });
    const secret = model.app.addSecret(
      { password: "p4ss" },
      { label: "creds", description: "d", rotate: "monthly", expire: new Date("2030-01-02T03:04:05.678Z") },
    );
    expect(secret.id).toBe(SECRET_URI);
    expect(secret.uniqueIdentifier).toBe(SECRET_XID);
    expect(secret.label).toBe("creds");
    expect(secret.getContent()).toEqual({ password: "p4ss" });
    expect(scripted.lines().map((l) => l.replace(/#file=\S+/, "#file=…"))).toEqual([
      "is-leader --format=json",
      "secret-add --label creds --description d --expire 2030-01-02T03:04:05Z --rotate monthly --owner application password#file=…",
    ]);
  });

  test("a non-leader cannot add an application secret: refused before secret-add", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "false" });
    expect(() => model.app.addSecret({ password: "p" })).toThrow(NotLeaderError);
    expect(() => model.app.addSecret({ password: "p" })).toThrow(/^this unit is not the leader/);
    expect(scripted.toolNames()).toEqual(["is-leader"]);
  });

  test("any unit adds a unit secret", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "secret-add": `secret:${SECRET_XID}` });
    expect(model.unit.addSecret({ token: "t" }).id).toBe(`secret:${SECRET_XID}`);
    expect(scripted.lines()[0]).toMatch(/^secret-add --owner unit token#file=/);
  });

  test.each([
    [{}, /^missing secret value/],
    [{ ab: "x" }, /^key "ab" not valid/],
    [{ Abc: "x" }, /^key "Abc" not valid/],
    [{ "a--b": "x" }, /^key "a--b" not valid/],
    [{ "abc-": "x" }, /^key "abc-" not valid/],
    [{ "1abc": "x" }, /^key "1abc" not valid/],
    [{ password: 1234 }, /^secret value for key "password" must be a string, not number/],
    [{ password: null }, /must be a string, not null/],
    [{ big: "x".repeat(750_001) }, /^base64 encoded secret content for key "big" too large: 1000004 bytes$/],
    [{ one: "x".repeat(400_000), two: "y".repeat(400_000) }, /^base64 encoded secret content too large: 1066672 bytes$/],
  ])("content %# is refused before any tool", (content, message) => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "true" });
    const add = () => model.app.addSecret(content as Record<string, string>);
    expect(add).toThrow(InvalidSecretError);
    expect(add).toThrow(message);
    expect(scripted.calls).toEqual([]);
  });

  test("a refused value is never echoed", () => {
    const { model } = modelFor(jujuEnv("hooks/start"));
    try {
      model.unit.addSecret({ "my-key": 42 as unknown as string, Bad: "sekrit-value" });
    } catch (error) {
      expect(String(error)).not.toContain("sekrit-value");
      expect(String(error)).not.toContain("42");
    }
    expect.assertions(2);
  });

  test.each([
    [{ rotate: "sometimes" }, 'rotate policy "sometimes" not valid'],
    [{ expire: "tomorrow" }, 'expire time or duration "tomorrow" not valid'],
    [{ expire: "-1h" }, 'negative expire duration "-1h" not valid'],
    [{ expire: new Date("nope") }, "expire time or duration is an invalid Date"],
  ])("secret options %o are refused before any tool", (options, message) => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"));
    expect(() => model.unit.addSecret({ password: "p" }, options as never)).toThrow(message);
    expect(scripted.calls).toEqual([]);
  });

  test("valid expiry forms pass through", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "secret-add": `secret:${SECRET_XID}` });
    model.unit.addSecret({ password: "p" }, { expire: "1h30m" });
    model.unit.addSecret({ password: "p" }, { expire: "2030-01-01T00:00:00+02:00" });
    expect(scripted.calls.map((c) => c.args[1])).toEqual(["1h30m", "2030-01-01T00:00:00+02:00"]);
  });

  test("getSecret normalises ids, reads at once, caches tracked content, refreshes and peeks", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/secret-changed", { extra: { JUJU_SECRET_ID: `secret:${SECRET_XID}` } }), {
      [`secret-get --format=json ${SECRET_URI}`]: '{"password":"old"}',
      [`secret-get --format=json ${SECRET_URI} --refresh`]: '{"password":"new"}',
      [`secret-get --format=json ${SECRET_URI} --peek`]: '{"password":"newer"}',
    });
    const secret = model.getSecret({ id: `  ${SECRET_XID}\n` });
    expect(secret.id).toBe(SECRET_URI);
    const content = secret.getContent();
    content["password"] = "mutated";
    expect(secret.getContent()).toEqual({ password: "old" });
    expect(secret.getContent({ refresh: true })).toEqual({ password: "new" });
    expect(secret.getContent()).toEqual({ password: "new" });
    expect(secret.peekContent()).toEqual({ password: "newer" });
    expect(secret.peekContent()).toEqual({ password: "newer" });
    expect(scripted.lines()).toEqual([
      `secret-get --format=json ${SECRET_URI}`,
      `secret-get --format=json ${SECRET_URI} --refresh`,
      `secret-get --format=json ${SECRET_URI} --peek`,
      `secret-get --format=json ${SECRET_URI} --peek`,
    ]);
  });

  test("getSecret by id and label sets the label; it needs one of them; a missing secret throws at once", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      [`secret-get --format=json secret:${SECRET_XID} --label mine`]: "{}",
      "secret-get --format=json --label nope": fail(1, 'secret "nope" not found'),
    });
    expect(model.getSecret({ id: `secret:${SECRET_XID}`, label: "mine" }).label).toBe("mine");
    expect(() => model.getSecret({})).toThrow(TypeError);
    expect(() => model.getSecret({ label: "nope" })).toThrow(/secret "nope" not found/);
    expect(scripted.calls).toHaveLength(2);
  });

  test("a secret known by label is resolved to its id before secret-set, grant, revoke and remove", () => {
    const { model, scripted } = modelFor(relationEnv("db", "joined", 7, "pg/0"), {
      "secret-get --format=json --label creds": '{"password":"p"}',
      "secret-info-get --format=json --label creds": `{"${SECRET_XID}":{"revision":2,"label":"creds","owner":"unit"}}`,
    });
    const secret = model.getSecret({ label: "creds" });
    expect(secret.id).toBeUndefined();
    secret.setContent({ password: "q" });
    const relation = model.getRelation("db", 7);
    if (relation === undefined) throw new Error("no relation");
    secret.grant(relation, { unit: model.getUnit("pg/0") });
    secret.revoke(relation);
    secret.removeRevision(1);
    secret.removeAllRevisions();
    expect(scripted.lines().map((l) => l.replace(/#file=\S+/, "#file=…"))).toEqual([
      "secret-get --format=json --label creds",
      "secret-info-get --format=json --label creds",
      `secret-set --owner application ${SECRET_URI} password#file=…`,
      `secret-grant --relation 7 --unit pg/0 ${SECRET_URI}`,
      `secret-revoke --relation 7 ${SECRET_URI}`,
      `secret-remove ${SECRET_URI} --revision 1`,
      `secret-remove ${SECRET_URI}`,
    ]);
  });

  test("setInfo and getInfo", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "secret-add": `${SECRET_URI}\n`,
      [`secret-info-get --format=json ${SECRET_URI}`]:
        `{"${SECRET_XID}":{"revision":4,"label":"l2","owner":"unit","description":"d","rotation":"daily",` +
        '"expiry":"2030-01-01T00:00:00Z","rotates":"2029-12-31T00:00:00Z"}}',
    });
    const secret = model.unit.addSecret({ password: "p" });
    expect(() => secret.setInfo({})).toThrow(/at least one of label, description, expire or rotate/);
    secret.setInfo({ label: "l2", description: "d" });
    expect(secret.label).toBe("l2");
    expect(secret.getInfo()).toEqual({
      id: SECRET_URI,
      label: "l2",
      revision: 4,
      owner: "unit",
      description: "d",
      rotation: "daily",
      expires: new Date("2030-01-01T00:00:00Z"),
      rotates: new Date("2029-12-31T00:00:00Z"),
    });
    expect(scripted.lines()[1]).toBe(`secret-set --label l2 --description d --owner application ${SECRET_URI}`);
  });

  test("content updates are validated and an application secret is managed by the leader only", () => {
    const clock = new ManualClock();
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "true", "secret-add": SECRET_URI }, { clock });
    const secret = model.app.addSecret({ password: "p" });
    expect(() => secret.setContent({ PW: "x" })).toThrow(InvalidSecretError);
    scripted.answer("is-leader --format=json", "false");
    clock.advance(30_000);
    const before = scripted.calls.length;
    expect(() => secret.setContent({ password: "x" })).toThrow(NotLeaderError);
    expect(() => secret.removeAllRevisions()).toThrow(/^this unit is not the leader/);
    expect(scripted.toolNames().slice(before)).toEqual(["is-leader"]);
    expect(() => secret.removeRevision(0)).toThrow(/revisions start at 1/);
  });
});

describe("actions, ports, network, storage and the rest", () => {
  test("ports", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "opened-ports": '["80/tcp","8080/tcp","icmp"]' });
    model.unit.openPort("tcp", 443);
    model.unit.closePort("icmp");
    expect(() => model.unit.openPort("tcp")).toThrow(/port must be an integer between 0 and 65535/);
    expect(() => model.unit.openPort("udp", 70000)).toThrow(/between 0 and 65535/);
    expect(() => model.unit.openPort("icmp", 1)).toThrow(/icmp has no port/);
    expect(model.unit.openedPorts()).toEqual([{ protocol: "tcp", port: 80 }, { protocol: "tcp", port: 8080 }, { protocol: "icmp" }]);
    model.unit.setPorts(80, { protocol: "udp", port: 53 });
    expect(scripted.lines()).toEqual([
      "open-port 443/tcp",
      "close-port icmp",
      "opened-ports --format=json",
      "opened-ports --format=json",
      "close-port 8080/tcp",
      "close-port icmp",
      "open-port 53/udp",
    ]);
  });

  test("network bindings are read once, per endpoint or relation", () => {
    const network =
      '{"bind-addresses":[{"mac-address":"","interface-name":"eth0",' +
      '"addresses":[{"hostname":"","value":"10.1.1.1","cidr":"10.1.1.0/24"}]}],' +
      '"egress-subnets":["10.1.1.1/32"],"ingress-addresses":["192.0.2.1"]}';
    const { model, scripted } = modelFor(relationEnv("db", "changed", 7, "pg/0"), {
      "network-get --format=json website": network,
      "network-get --format=json -r 7 db": network,
    });
    const binding = model.getBinding("website");
    expect(binding.network.bindAddress).toBe("10.1.1.1");
    expect(binding.network.ingressAddress).toBe("192.0.2.1");
    expect(binding.network.egressSubnets).toEqual(["10.1.1.1/32"]);
    const relation = model.getRelation("db", 7);
    if (relation === undefined) throw new Error("no relation");
    expect(model.getBinding(relation).network.interfaces[0]?.interfaceName).toBe("eth0");
    expect(scripted.lines()).toEqual(["network-get --format=json website", "network-get --format=json -r 7 db"]);
  });

  test("juju-info is a binding of every charm, declared or not; other undeclared names are refused", () => {
    const network =
      '{"bind-addresses":[{"mac-address":"","interface-name":"eth0",' +
      '"addresses":[{"hostname":"","value":"10.1.1.9","cidr":"10.1.1.0/24"}]}],' +
      '"egress-subnets":["10.1.1.9/32"],"ingress-addresses":["10.1.1.9"]}';
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "network-get --format=json juju-info": network });
    expect(model.getBinding("juju-info").network.bindAddress).toBe("10.1.1.9");
    expect(() => model.getBinding("juju-infos")).toThrow('no network config found for binding "juju-infos"');
    expect(scripted.lines()).toEqual(["network-get --format=json juju-info"]);
  });

  test("relation.remoteModel: one relation-model-get, then cached", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 7, "pg/0"), {
      "relation-model-get --format=json -r db:7": '{"uuid":"0b1c2d3e-aaaa-4bbb-8ccc-123456789abc"}',
    });
    const relation = model.getRelation("db", 7);
    if (relation === undefined) throw new Error("no relation");
    expect(relation.remoteModel).toEqual({ uuid: "0b1c2d3e-aaaa-4bbb-8ccc-123456789abc" });
    expect(relation.remoteModel).toBe(relation.remoteModel);
    expect(scripted.lines()).toEqual(["relation-model-get --format=json -r db:7"]);
  });

  test("storage", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "storage-list": '["data/0","data/1"]',
      "storage-get --format=json -s data/1": '{"kind":"block","location":"/dev/vdb"}',
    });
    const [, second] = model.storages.get("data");
    expect(second?.id).toBe("data/1");
    expect(second?.location).toBe("/dev/vdb");
    expect(second?.kind).toBe("block");
    model.storages.request("data", 2);
    expect(() => model.storages.get("logs")).toThrow(/"logs" is not a storage declared/);
    expect(() => model.storages.request("data", 0)).toThrow(/positive integer/);
    expect(scripted.lines()).toEqual(["storage-list --format=json data", "storage-get --format=json -s data/1", "storage-add data=2"]);
  });

  test("planned units, workload version, resources, cloud spec and reboot", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "goal-state": '{"units":{"demo/0":{"status":"active"},"demo/1":{"status":"dying"},"demo/2":{"status":"allocating"}},"relations":{}}',
      "resource-get": "/var/lib/juju/agents/unit-demo-0/resources/app/app.tgz",
      "credential-get": '{"type":"lxd","name":"localhost"}',
    });
    expect(model.app.plannedUnits()).toBe(2);
    model.unit.setWorkloadVersion("2.4.1");
    expect(model.fetchResource("app")).toBe("/var/lib/juju/agents/unit-demo-0/resources/app/app.tgz");
    expect(model.getCloudSpec().type).toBe("lxd");
    model.unit.reboot();
    expect(() => {
      model.unit.reboot({ now: true });
    }).toThrow(RebootNow);
    expect(scripted.lines()).toEqual([
      "goal-state --format=json",
      "application-version-set -- 2.4.1",
      "resource-get app",
      "credential-get --format=json",
      "juju-reboot",
      "juju-reboot --now",
    ]);
  });
});
