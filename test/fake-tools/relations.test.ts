// fake-tools/relations.ts: the -r flag, relation-ids, relation-list, relation-get, relation-set and
// relation-model-get, run as processes against the fixture model of hook.ts.

import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, test } from "vitest";

import { demoModel, failure, hook, relationHook, scratchDir, serveTools, success, UUID } from "./hook.js";

serveTools();

describe("the -r flag: relation ids", () => {
  test("relation ids: `7` or `anything:7`, only the text after the last `:` counts", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "website:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "a:b:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
  });

  test("relation ids: not an integer → `invalid relation id`, not the unit's → `relation not found` (both exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:abc"])).toEqual(failure(2, 'invalid value "db:abc" for option -r: invalid relation id'));
    expect(await h.run("relation-get", ["-r", "db:99", "-", "pg/0"])).toEqual(
      failure(2, 'invalid value "db:99" for option -r: relation not found'),
    );
    expect(await h.run("relation-set", ["-r", "db:99", "a=b"])).toEqual(
      failure(2, 'invalid value "db:99" for option -r: relation not found'),
    );
    expect(await h.run("relation-ids", ["-r", "db:2"])).toEqual(failure(2, "option provided but not defined: -r"));
  });
});

describe("relation-ids", () => {
  test("ids of the endpoint's relations as `endpoint:id`, sorted as strings", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["db"])).toEqual(success("db:10\ndb:2\n"));
    expect(await h.run("relation-ids", ["db", "--format=json"])).toEqual(success('["db:10","db:2"]\n'));
    expect(await h.run("relation-ids", ["db", "--format=yaml"])).toEqual(success("- db:10\n- db:2\n"));
    expect(await h.run("relation-ids", ["cluster", "--format=json"])).toEqual(success('["cluster:0"]\n'));
  });

  test("an endpoint with no relation, or unknown: empty output, exit 0", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["nosuch"])).toEqual(success(""));
    expect(await h.run("relation-ids", ["nosuch", "--format=json"])).toEqual(success("[]\n"));
  });

  test("the endpoint defaults to the relation hook's; elsewhere it is required (exit 2)", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0").run("relation-ids", ["--format=json"])).toEqual(
      success('["db:10","db:2"]\n'),
    );
    expect(await hook(model, "demo/0").run("relation-ids")).toEqual(failure(2, "no endpoint name specified"));
  });
});

describe("relation-list", () => {
  test("remote units in scope; for a peer relation the other peers; `[]` when none", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "db:2"])).toEqual(success("pg/0\n"));
    expect(await h.run("relation-list", ["-r", "cluster:0", "--format=json"])).toEqual(success('["demo/1"]\n'));
    expect(await h.run("relation-list", ["-r", "website:3", "--format=json"])).toEqual(success("[]\n"));
    expect(await h.run("relation-list", ["-r", "website:3"])).toEqual(success(""));
  });

  test('--app prints the remote application: smart `pg`, json `"pg"`', async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app", "--format=json"])).toEqual(success('"pg"\n'));
    expect(await h.run("relation-list", ["-r", "website:3", "--app", "--format=json"])).toEqual(success('"web"\n'));
  });

  test("the relation defaults to the relation hook's; elsewhere `no relation id specified` (exit 2)", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "cluster-relation-joined", 0, "demo/1").run("relation-list")).toEqual(success("demo/1\n"));
    expect(await hook(model, "demo/0").run("relation-list")).toEqual(failure(2, "no relation id specified"));
  });
});

describe("relation-get", () => {
  test("a remote unit's whole bag (key omitted or `-`), one key, a missing key", async () => {
    const h = hook(demoModel(), "demo/0");
    const bag = success('{"host":"pg-0.internal","port":"5432"}\n');
    expect(await h.run("relation-get", ["-r", "db:2", "-", "pg/0", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--format=yaml", "-", "pg/0"])).toEqual(
      success('host: pg-0.internal\nport: "5432"\n'),
    );
    expect(await h.run("relation-get", ["-r", "db:2", "host", "pg/0"])).toEqual(success("pg-0.internal\n"));
    expect(await h.run("relation-get", ["-r", "db:2", "port", "pg/0", "--format=json"])).toEqual(success('"5432"\n'));
    expect(await h.run("relation-get", ["-r", "db:2", "nope", "pg/0"])).toEqual(success(""));
    expect(await h.run("relation-get", ["-r", "db:2", "nope", "pg/0", "--format=json"])).toEqual(success("null\n"));
  });

  test("--app: an application's bag, by app name or by one of its units' names", async () => {
    const h = hook(demoModel(), "demo/0");
    const bag = success('{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n');
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "pg", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "pg/0", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "database", "pg"])).toEqual(success("demo\n"));
  });

  test("in a relation hook: no target → $JUJU_REMOTE_UNIT; --app alone → $JUJU_REMOTE_APP", async () => {
    const h = relationHook(demoModel(), "demo/0", "db-relation-changed", 2, "pg/0");
    expect(await h.run("relation-get", ["--format=json"])).toEqual(success('{"host":"pg-0.internal","port":"5432"}\n'));
    expect(await h.run("relation-get", ["host"])).toEqual(success("pg-0.internal\n"));
    expect(await h.run("relation-get", ["--app", "database"])).toEqual(success("demo\n"));
  });

  test("in relation-created (no remote unit): no target → the remote application's bag", async () => {
    const h = relationHook(demoModel(), "demo/0", "db-relation-created", 2);
    expect(h.env["JUJU_REMOTE_UNIT"]).toBe("");
    expect(await h.run("relation-get", ["database"])).toEqual(success("demo\n"));
    expect(await h.run("relation-get", ["--format=json"])).toEqual(
      success('{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n'),
    );
  });

  test("--app with no name outside a relation hook: `no unit or application specified` (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "db:2", "--app"])).toEqual(failure(2, "no unit or application specified"));
  });

  test("without --app an application name, or anything that is not a unit name, is refused (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "db:2", "-", "pg"])).toEqual(failure(2, 'expected unit name, got application name "pg"'));
    expect(await h.run("relation-get", ["-r", "db:2", "-", "Not_A_Unit!"])).toEqual(failure(2, 'invalid unit name "Not_A_Unit!"'));
  });

  test("the unit's own bag includes this hook's uncommitted relation-set", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "mine=1", "ingress-address="])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])).toBe('{"mine":"1"}\n');
    expect(model.relation(2).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10" });
  });

  test("own application's bag: the leader reads its pending writes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "--app", "extra=1"])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "demo", "--format=json"])).toBe('{"extra":"1","requested":"yes"}\n');
  });

  test("own application's bag, non-leader: permission denied for provides/requires (exit 1), allowed for peers", async () => {
    const h = hook(demoModel(), "demo/1");
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "demo"])).toEqual(failure(1, "permission denied"));
    expect(await h.run("relation-get", ["-r", "cluster:0", "--app", "-", "demo", "--format=json"])).toEqual(
      success('{"leader":"demo/0"}\n'),
    );
  });

  test("a peer's unit bag is readable; a unit of an application not in the relation is not (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "cluster:0", "peer-key", "demo/1"])).toEqual(success("from-demo-1\n"));
    expect(await h.run("relation-get", ["-r", "db:2", "-", "stranger/0"])).toEqual(failure(1, "permission denied"));
  });

  test("a departed unit's data stays readable for the life of the relation", async () => {
    const model = demoModel();
    model.leaveRelation(2, "pg/0");
    const h = hook(model, "demo/0");
    expect(await h.out("relation-list", ["-r", "db:2", "--format=json"])).toBe("[]\n");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
  });

  test("remote data is read once per hook: a change committed meanwhile is not seen", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
    const pg = hook(model, "pg/0");
    expect(await pg.run("relation-set", ["-r", "database:2", "host=moved.internal"])).toEqual(success());
    pg.context.commit();
    expect(model.relation(2).unitData.get("pg/0")?.["host"]).toBe("moved.internal");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
    expect(await hook(model, "demo/0").out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("moved.internal\n");
  });

  test("no relation: `no relation id specified` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-", "pg/0"])).toEqual(failure(2, "no relation id specified"));
  });
});

describe("relation-set", () => {
  test("buffered: visible to this hook, not to the model or to another hook until commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "cluster:0", "role=primary"])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("primary\n");
    expect(model.relation(0).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10" });
    expect(await hook(model, "demo/1").out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("");
    const result = h.context.commit();
    expect(result.relationChanges).toEqual([{ relationId: 0, app: "demo", unit: "demo/0" }]);
    expect(model.relation(0).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10", role: "primary" });
    expect(await hook(model, "demo/1").out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("primary\n");
  });

  test("`key=` deletes the key", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "ingress-address="])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "ingress-address", "demo/0", "--format=json"])).toBe("null\n");
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({});
  });

  test("--app by the leader: the application bag, at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "cluster:0", "--app", "leader=demo/0", "epoch=2"])).toEqual(success());
    expect(model.relation(0).appData.get("demo")).toEqual({ leader: "demo/0" });
    h.context.commit();
    expect(model.relation(0).appData.get("demo")).toEqual({ leader: "demo/0", epoch: "2" });
  });

  test("--app by a non-leader: `cannot write relation settings` (exit 1), nothing buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.run("relation-set", ["-r", "cluster:0", "--app", "epoch=3"])).toEqual(failure(1, "cannot write relation settings"));
    expect(h.context.commit().relationChanges).toEqual([]);
  });

  test("no arguments and no file: a no-op, exit 0", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2"])).toEqual(success());
    expect(h.context.commit().relationChanges).toEqual([]);
  });

  test("the relation defaults to the relation hook's", async () => {
    const model = demoModel();
    const h = relationHook(model, "demo/0", "db-relation-joined", 2, "pg/0");
    expect(await h.run("relation-set", ["user=demo"])).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")?.["user"]).toBe("demo");
  });

  test("no relation outside a relation hook: `no relation id specified` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-set", ["a=b"])).toEqual(failure(2, "no relation id specified"));
  });

  test("keys: any non-empty string; the value is split at the first `=`", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "Odd Key/with.chars!=x", "url=http://h/?a=b"])).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({
      "ingress-address": "10.0.0.10",
      "Odd Key/with.chars!": "x",
      url: "http://h/?a=b",
    });
  });

  test("--file -: a JSON object on stdin, exact values", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const data = { multi: "line one\nline two\n", spaced: "  padded  ", quote: 'say "hi"', unicode: "héllo ✓" };
    expect(await h.run("relation-set", ["-r", "db:2", "--file", "-"], { stdin: JSON.stringify(data) })).toEqual(success());
    const bag = JSON.parse(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])) as unknown;
    expect(bag).toEqual({ "ingress-address": "10.0.0.10", ...data });
  });

  test("--file -: YAML on stdin; non-string scalars become their text", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const yaml = "host: db.internal\nport: 5432\nenabled: true\nratio: 0.5\n";
    expect(await h.run("relation-set", ["-r", "db:2", "--file=-"], { stdin: yaml })).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({
      "ingress-address": "10.0.0.10",
      host: "db.internal",
      port: "5432",
      enabled: "true",
      ratio: "0.5",
    });
  });

  test("--file <path> relative to the working directory; arguments override the file", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "settings.yaml"), "a: from-file\nb: from-file\n");
    expect(await h.run("relation-set", ["-r", "db:2", "--file", "settings.yaml", "b=from-args"], { cwd })).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])).toBe(
      '{"a":"from-file","b":"from-args","ingress-address":"10.0.0.10"}\n',
    );
  });

  test("--file with a nested map fails with an ERROR line, and nothing is buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const result = await h.run("relation-set", ["-r", "db:2", "--file", "-"], { stdin: '{"a":{"b":"c"}}' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/^ERROR /);
    expect(h.context.commit().relationChanges).toEqual([]);
  });
});

describe("relation-model-get", () => {
  test("the model hosting the remote application", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-model-get", ["-r", "db:2", "--format=json"])).toEqual(
      success(`{"uuid":"${UUID}"}\n`),
    );
  });
});

describe("details of Juju's behaviour", () => {
  test("relation-list: the units as the context saw them at hook start: a unit entering scope meanwhile is not listed", async () => {
    const model = demoModel();
    model.addUnit("pg", { machine: "6" });
    const h = hook(model, "demo/0");
    expect(await h.out("relation-list", ["-r", "db:2"])).toBe("pg/0\n");
    model.joinRelation(2, "pg/1");
    expect(await h.out("relation-list", ["-r", "db:2"])).toBe("pg/0\n");
    expect(await hook(model, "demo/0").out("relation-list", ["-r", "db:2"])).toBe("pg/0\npg/1\n");
  });

  test("relation-get: a non-relation hook with -r and no name has no default to fall back to", async () => {
    // One could expect a fall back to the remote application; juju/juju worker/uniter/runner/jujuc/relation-get.go looks at
    // the hook's JUJU_REMOTE_APP only, which a non-relation hook does not have: Juju wins.
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-r", "db:2", "database"])).toEqual(
      failure(2, "no unit or application specified"),
    );
  });

  test("relation-get: without --app a name that is not a valid unit name is `invalid unit name` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-r", "db:2", "-", "pg/x"])).toEqual(
      failure(2, 'invalid unit name "pg/x"'),
    );
  });
});
