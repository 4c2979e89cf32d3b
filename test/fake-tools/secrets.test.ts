// fake-tools/secrets.ts: the secret tools, run as processes against the fixture model of hook.ts:
// content forms and limits, URIs and labels, revisions, grants, and what waits for commit.

import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";

import { commitRefusal, defined } from "../support/engine.js";
import {
  addSecret,
  APP_SECRET,
  demoModel,
  failure,
  hook,
  PG_PRIVATE,
  PG_SHARED,
  relationHook,
  scratchDir,
  serveTools,
  success,
  UNIT_SECRET,
  UNKNOWN_SECRET,
  UUID,
} from "./hook.js";

serveTools();

describe("secret-add", () => {
  test("prints the model-qualified URI; buffered: readable by URI and label in the hook, in the model after commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const uri = await addSecret(h, ["--label", "api-key", "--description", "the API key", "key=abc123"]);
    const xid = uri.slice(uri.lastIndexOf("/") + 1);
    expect(model.secrets.has(xid)).toBe(false);
    expect(await h.out("secret-get", [uri, "--format=json"])).toBe('{"key":"abc123"}\n');
    expect(await h.out("secret-get", ["--label", "api-key", "key"])).toBe("abc123\n");
    expect(await h.out("secret-ids")).toContain(`${xid}\n`);
    h.context.commit();
    const secret = defined(model.secrets.get(xid), "the committed secret");
    expect(secret.owner).toEqual({ kind: "application", app: "demo" });
    expect({ label: secret.label, description: secret.description, content: secret.revisions.get(1) }).toEqual({
      label: "api-key",
      description: "the API key",
      content: { key: "abc123" },
    });
  });

  test("--owner unit: any unit; the default (application) only the leader (exit 1)", async () => {
    const model = demoModel();
    const follower = hook(model, "demo/1");
    expect(await follower.run("secret-add", ["token=x"])).toEqual(failure(1, "this unit is not the leader"));
    const uri = await addSecret(follower, ["--owner", "unit", "token=x"]);
    follower.context.commit();
    expect(model.secrets.get(uri.slice(-20))?.owner).toEqual({ kind: "unit", unit: "demo/1" });
  });

  test("key#base64= and key#file=, and --file with a YAML map", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "cert.pem"), "-----BEGIN-----\nMIIB\n-----END-----\n");
    writeFileSync(join(cwd, "content.yaml"), "username: admin\npassword#base64: aHVudGVyMg==\n");
    const uri = await addSecret(h, ["greeting#base64=aGVsbG8=", "cert#file=cert.pem", "--file", "content.yaml"], { cwd });
    expect(JSON.parse(await h.out("secret-get", [uri, "--format=json"], { cwd }))).toEqual({
      greeting: "hello",
      cert: "-----BEGIN-----\nMIIB\n-----END-----\n",
      username: "admin",
      password: "hunter2",
    });
  });

  test.each(["ab", "Abc", "1abc", "a--b", "abc-", "a_bc"])("content key %j is refused (exit 2)", async (key) => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", [`${key}=v`])).toEqual(failure(2, `key "${key}" not valid`));
  });

  test.each(["abc", "a-b1", "tls-cert-2"])("content key %j is accepted", async (key) => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, [`${key}=v`]);
    expect(await h.out("secret-get", [uri, key])).toBe("v\n");
  });

  test("size caps: one base64 value over 1,000,000 bytes; all values together; a file over 1,000,000 bytes (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    const dir = scratchDir();
    const big = join(dir, "big");
    const half = join(dir, "half");
    const huge = join(dir, "huge");
    writeFileSync(big, "a".repeat(760_000));
    writeFileSync(half, "a".repeat(400_000));
    writeFileSync(huge, "a".repeat(1_000_001));
    expect(await h.run("secret-add", [`blob#file=${big}`])).toEqual(
      failure(2, 'base64 encoded secret content for key "blob" too large: 1013336 bytes'),
    );
    expect(await h.run("secret-add", [`one#file=${half}`, `two#file=${half}`])).toEqual(
      failure(2, "base64 encoded secret content too large: 1066672 bytes"),
    );
    expect(await h.run("secret-add", [`blob#file=${huge}`])).toEqual(
      failure(2, `secret content in file "${huge}" too large: 1000001 bytes`),
    );
    const fits = join(dir, "fits");
    writeFileSync(fits, "a".repeat(750_000));
    expect((await h.run("secret-add", [`blob#file=${fits}`])).exitCode).toBe(0);
  });

  test("--owner, --rotate and --expire are validated (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-add", ["--owner", "model", "abc=1"])).toEqual(failure(2, 'secret owner "model" not valid'));
    expect(await h.run("secret-add", ["--rotate", "sometimes", "abc=1"])).toEqual(failure(2, 'rotate policy "sometimes" not valid'));
    expect(await h.run("secret-add", ["--expire", "soon", "abc=1"])).toEqual(failure(2, 'expire time or duration "soon" not valid'));
    expect(await h.run("secret-add", ["--expire=-1h", "abc=1"])).toEqual(failure(2, 'negative expire duration "-1h" not valid'));
  });

  test("valid --rotate policies and --expire forms are accepted", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const rotate of ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]) {
      expect((await h.run("secret-add", ["--rotate", rotate, "abc=1"])).exitCode, rotate).toBe(0);
    }
    for (const expire of ["24h", "90m", "2030-01-01T06:06:06Z", "2030-01-01T06:06:06+02:00", "2030-01-01T06:06:06"]) {
      expect((await h.run("secret-add", ["--expire", expire, "abc=1"])).exitCode, expire).toBe(0);
    }
  });

  test("no content and no file (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", ["--label", "x"])).toEqual(failure(2, "missing secret value or filename"));
  });

  test("a duplicate owner label is refused when the hook commits, not by the tool", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    await addSecret(h, ["--label", "db-pass", "abc=1"]);
    expect(commitRefusal(h.context).message).toBe('secret with label "db-pass" already exists');
  });
});

describe("secret-get", () => {
  test("default format yaml; json; a key; key#base64", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = `secret:${APP_SECRET}`;
    expect(await h.run("secret-get", [uri])).toEqual(success("password: s3cret\n"));
    expect(await h.run("secret-get", [uri, "--format=json"])).toEqual(success('{"password":"s3cret"}\n'));
    expect(await h.run("secret-get", [uri, "password"])).toEqual(success("s3cret\n"));
    expect(await h.run("secret-get", [uri, "password", "--format=json"])).toEqual(success('"s3cret"\n'));
    expect(await h.run("secret-get", [uri, "password#base64"])).toEqual(success("czNjcmV0\n"));
    expect(await h.run("secret-get", [`secret:${UNIT_SECRET}`])).toEqual(success('pin: "12345"\ntoken: t0k3n\n'));
  });

  test("the URI forms: secret:<xid>, secret://<model>/<xid>, a bare xid", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const id of [`secret:${APP_SECRET}`, `secret://${UUID}/${APP_SECRET}`, APP_SECRET]) {
      expect(await h.run("secret-get", [id, "password"]), id).toEqual(success("s3cret\n"));
    }
  });

  test("smart is not offered", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-get", [APP_SECRET, "--format=smart"])).toEqual(
      failure(2, 'invalid value "smart" for option --format: unknown format "smart"'),
    );
  });

  test("by the owner's label; app-owned content is readable by every unit of the app", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-get", ["--label", "db-pass"])).toEqual(success("password: s3cret\n"));
    expect(await hook(model, "demo/1").run("secret-get", ["--label", "db-pass", "--format=json"])).toEqual(
      success('{"password":"s3cret"}\n'),
    );
  });

  test("usage errors (exit 2): no ID or label, --peek with --refresh, a malformed URI", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-get")).toEqual(failure(2, "require either a secret URI or label"));
    expect(await h.run("secret-get", [APP_SECRET, "--peek", "--refresh"])).toEqual(
      failure(2, "specify one of --peek or --refresh but not both"),
    );
    expect(await h.run("secret-get", ["secret:nope"])).toEqual(failure(2, 'secret URI "secret:nope" not valid'));
  });

  test("unknown (exit 1, `not found`); someone else's without a grant (exit 1, permission denied); granted is readable", async () => {
    const h = hook(demoModel(), "demo/1");
    const unknown = await h.run("secret-get", [`secret:${UNKNOWN_SECRET}`]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(new RegExp(`^ERROR secret "(?:secret:(?://[^/"]+/)?)?${UNKNOWN_SECRET}" not found\n$`));
    expect(await h.run("secret-get", [`secret:${PG_PRIVATE}`])).toEqual(failure(1, "permission denied"));
    expect(await h.run("secret-get", [`secret:${UNIT_SECRET}`])).toEqual(failure(1, "permission denied"));
    expect(await h.run("secret-get", [`secret:${PG_SHARED}`, "password"])).toEqual(success("pg-pass\n"));
    const byLabel = await h.run("secret-get", ["--label", "no-such-label"]);
    expect(byLabel.exitCode).toBe(1);
    expect(byLabel.stderr).toMatch(/^ERROR secret "no-such-label" not found\n$/);
  });

  test("revisions: the first read pins; --peek reads the latest once; --refresh re-pins (as it runs)", async () => {
    const model = demoModel();
    const first = hook(model, "demo/0");
    expect(await first.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    first.context.commit();
    const owner = hook(model, "pg/0");
    expect(await owner.run("secret-set", [`secret:${PG_SHARED}`, "password=rotated"])).toEqual(success());
    owner.context.commit();
    expect(model.secrets.get(PG_SHARED)?.latest).toBe(2);

    const h = hook(model, "demo/0");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    expect(await h.out("secret-get", [PG_SHARED, "password", "--peek"])).toBe("rotated\n");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    expect(await h.out("secret-get", [PG_SHARED, "password", "--refresh"])).toBe("rotated\n");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("rotated\n");
    expect(model.secrets.get(PG_SHARED)?.tracking.get("demo/0")).toBe(2);
  });

  test("ID with --label gives the consumer's label, usable in later hooks", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("secret-get", [PG_SHARED, "--label", "pg-creds", "password"])).toBe("pg-pass\n");
    h.context.commit();
    expect(model.secrets.get(PG_SHARED)?.consumerLabels.get("demo/1")).toBe("pg-creds");
    expect(await hook(model, "demo/1").out("secret-get", ["--label", "pg-creds", "password"])).toBe("pg-pass\n");
  });
});

describe("secret-set", () => {
  test("new content: seen by this hook, a new revision in the model at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [`secret:${APP_SECRET}`, "password=n3w"])).toEqual(success());
    expect(await h.out("secret-get", [APP_SECRET, "password", "--peek"])).toBe("n3w\n");
    expect(model.secrets.get(APP_SECRET)?.latest).toBe(1);
    expect(h.context.commit().newRevisions).toEqual([{ xid: APP_SECRET, revision: 2 }]);
    expect(model.secrets.get(APP_SECRET)?.revisions.get(2)).toEqual({ password: "n3w" });
  });

  test("identical content makes no new revision", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "password=s3cret"])).toEqual(success());
    expect(h.context.commit().newRevisions).toEqual([]);
    expect(model.secrets.get(APP_SECRET)?.latest).toBe(1);
  });

  test("metadata only: no new revision; the new label is seen in the hook and committed", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "--label", "renamed", "--description", "new words", "--rotate", "daily"])).toEqual(
      success(),
    );
    expect(await h.out("secret-get", ["--label", "renamed", "password"])).toBe("s3cret\n");
    expect(h.context.commit().newRevisions).toEqual([]);
    const secret = defined(model.secrets.get(APP_SECRET), "APP_SECRET");
    expect({ label: secret.label, description: secret.description, rotate: secret.rotate, latest: secret.latest }).toEqual({
      label: "renamed",
      description: "new words",
      rotate: "daily",
      latest: 1,
    });
  });

  test("--owner is accepted and changes nothing", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "--owner", "unit", "password=x"])).toEqual(success());
    h.context.commit();
    expect(model.secrets.get(APP_SECRET)?.owner).toEqual({ kind: "application", app: "demo" });
  });

  test("another unit's secret: refused by the controller, when the hook commits", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect((await h.run("secret-set", [UNIT_SECRET, "token=stolen"])).exitCode).toBe(0);
    commitRefusal(h.context);
    expect(model.secrets.get(UNIT_SECRET)?.latest).toBe(1);
  });

  test("an app-owned secret by a non-leader (exit 1)", async () => {
    expect(await hook(demoModel(), "demo/1").run("secret-set", [APP_SECRET, "password=x"])).toEqual(
      failure(1, "this unit is not the leader"),
    );
  });

  test("usage errors (exit 2): no URI, bad key, bad rotate policy, bad expiry", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-set")).toEqual(failure(2, "missing secret URI"));
    expect(await h.run("secret-set", [APP_SECRET, "pw=x"])).toEqual(failure(2, 'key "pw" not valid'));
    expect(await h.run("secret-set", [APP_SECRET, "--rotate", "often"])).toEqual(failure(2, 'rotate policy "often" not valid'));
    expect(await h.run("secret-set", [APP_SECRET, "--expire", "later"])).toEqual(failure(2, 'expire time or duration "later" not valid'));
  });
});

describe("secret-remove", () => {
  test("buffered: the secret goes at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-remove", [`secret:${APP_SECRET}`])).toEqual(success());
    expect(model.secrets.has(APP_SECRET)).toBe(true);
    h.context.commit();
    expect(model.secrets.has(APP_SECRET)).toBe(false);
  });

  test("--revision N removes one revision", async () => {
    const model = demoModel();
    const set = hook(model, "demo/0");
    await set.run("secret-set", [APP_SECRET, "password=second"]);
    set.context.commit();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-remove", [APP_SECRET, "--revision", "1"])).toEqual(success());
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.revisions.keys() ?? [])]).toEqual([2]);
  });

  test("an unknown secret gives no immediate error; an app-owned one by a non-leader does (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-remove", [UNKNOWN_SECRET])).toEqual(success());
    expect(await hook(model, "demo/1").run("secret-remove", [APP_SECRET])).toEqual(failure(1, "this unit is not the leader"));
  });
});

describe("secret-grant and secret-revoke", () => {
  test("grant to the remote application of a relation, or one of its units; committed at hook end", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(success());
    expect(await h.run("secret-grant", [`secret:${UNIT_SECRET}`, "--relation", "db:10", "--unit", "mysql/0"])).toEqual(success());
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(0);
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.grants.keys() ?? [])]).toEqual(["pg"]);
    expect([...(model.secrets.get(UNIT_SECRET)?.grants.keys() ?? [])]).toEqual(["mysql/0"]);
    expect(await hook(model, "pg/0").out("secret-get", [APP_SECRET, "password"])).toBe("s3cret\n");
  });

  test("usage errors (exit 2): no relation, a malformed unit, a unit of another application", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-grant", [APP_SECRET])).toEqual(failure(2, "no relation id specified"));
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "bogus"])).toEqual(failure(2, 'unit "bogus" not valid'));
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "web/0"])).toEqual(
      failure(2, 'cannot specify unit "web/0" in relation to application "pg"'),
    );
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:99"])).toEqual(
      failure(2, 'invalid value "db:99" for option -r: relation not found'),
    );
  });

  test("a secret this unit does not own (exit 1, not found); an app-owned one by a non-leader (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-grant", [PG_SHARED, "-r", "db:2"])).toEqual(
      failure(1, `secret "${PG_SHARED}" not found`),
    );
    expect(await hook(model, "demo/1").run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(failure(1, "this unit is not the leader"));
  });

  test("granting the application after unit-level grants (exit 1)", async () => {
    const model = demoModel();
    const first = hook(model, "demo/0");
    expect(await first.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "pg/0"])).toEqual(success());
    first.context.commit();
    expect(await hook(model, "demo/0").run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(
      failure(1, "any unit level grants need to be revoked before granting access to the corresponding application"),
    );
  });

  test("revoke by relation, by --app/--application, by --unit; committed at hook end", async () => {
    const model = demoModel();
    model.secrets.get(APP_SECRET)?.grants.set("pg", { relationId: 2 });
    model.secrets.get(UNIT_SECRET)?.grants.set("mysql", { relationId: 10 });
    const h = hook(model, "demo/0");
    expect(await h.run("secret-revoke", [APP_SECRET, "-r", "db:2"])).toEqual(success());
    expect(await h.run("secret-revoke", [UNIT_SECRET, "--application", "mysql"])).toEqual(success());
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(1);
    h.context.commit();
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(0);
    expect(model.secrets.get(UNIT_SECRET)?.grants.size).toBe(0);
    expect(await hook(model, "demo/0").run("secret-revoke", [APP_SECRET, "--app", "pg"])).toEqual(success());
  });

  test("revoke usage errors (exit 2); an unknown secret is no error", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-revoke", [APP_SECRET])).toEqual(failure(2, "missing relation or application or unit"));
    expect(await h.run("secret-revoke", [APP_SECRET, "--app", "pg", "--unit", "pg/0"])).toEqual(
      failure(2, "specify only one of application or unit"),
    );
    expect(await h.run("secret-revoke", [APP_SECRET, "-r", "db:2", "--app", "pg"])).toEqual(
      failure(2, "do not specify both relation and app"),
    );
    expect(await h.run("secret-revoke", [UNKNOWN_SECRET, "-r", "db:2"])).toEqual(success());
  });
});

describe("secret-ids", () => {
  test("the leader: its unit's and the application's secrets, as bare xids, including this hook's", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, ["abc=1"]);
    const ids = JSON.parse(await h.out("secret-ids", ["--format=json"])) as string[];
    expect([...ids].sort()).toEqual([APP_SECRET, UNIT_SECRET, uri.slice(-20)].sort());
    const smart = (await h.out("secret-ids")).split("\n");
    expect(smart.at(-1)).toBe("");
    expect(smart.slice(0, -1).sort()).toEqual([...ids].sort());
  });

  test("a non-leader: only its own unit's secrets", async () => {
    const model = demoModel();
    model.addSecret({ kind: "unit", unit: "demo/1" }, { abc: "1" }, { xid: "cf000000000000000001" });
    expect(await hook(model, "demo/1").run("secret-ids", ["--format=json"])).toEqual(success('["cf000000000000000001"]\n'));
    expect(await hook(demoModel(), "demo/1").run("secret-ids", ["--format=json"])).toEqual(success("[]\n"));
  });
});

describe("secret-info-get", () => {
  test("a one-entry map keyed by the bare xid; by URI or by label; yaml by default", async () => {
    const h = hook(demoModel(), "demo/0");
    const expected = { [APP_SECRET]: { revision: 1, label: "db-pass", owner: "application", description: "database password" } };
    expect(await h.json("secret-info-get", [`secret:${APP_SECRET}`])).toEqual(expected);
    expect(await h.json("secret-info-get", ["--label", "db-pass"])).toEqual(expected);
    expect(parseYaml(await h.out("secret-info-get", [APP_SECRET])) as unknown).toEqual(expected);
  });

  // juju/juju worker/uniter/runner/context/context.go, SecretMetadata: pending updates merge their
  // metadata, but the revision and the next rotation time are what the controller has.
  test("a unit-owned secret; pending metadata of this hook shows, the revision stays the committed one", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(
      await h.run("secret-set", [UNIT_SECRET, "--label", "tok", "--rotate", "monthly", "--expire", "2030-01-01T06:06:06Z", "token=new"]),
    ).toEqual(success());
    const pending = (await h.json("secret-info-get", [UNIT_SECRET])) as Record<string, Record<string, unknown>>;
    expect(pending).toEqual({
      [UNIT_SECRET]: { revision: 1, label: "tok", owner: "unit", rotation: "monthly", expiry: "2030-01-01T06:06:06Z" },
    });
    h.context.commit();
    const committed = (await hook(model, "demo/0").json("secret-info-get", [UNIT_SECRET])) as Record<string, Record<string, unknown>>;
    expect(committed[UNIT_SECRET]).toMatchObject({ revision: 2, rotation: "monthly" });
  });

  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go (createSecret, updateSecret) and
  // core/secrets/rotate.go (NextRotateTime): the clock starts when the policy is first committed.
  test("a rotate policy: `rotates` is the next rotation time, after the commit that set the policy, in Juju's order", async () => {
    const model = demoModel();
    const before = Date.now();
    const h = hook(model, "demo/0");
    const uri = await addSecret(h, ["--owner", "unit", "--rotate", "hourly", "token=t"]);
    const xid = uri.slice(-20);
    expect(Object.keys(((await h.json("secret-info-get", [uri])) as Record<string, Record<string, unknown>>)[xid] ?? {})).toEqual([
      "revision",
      "label",
      "owner",
      "rotation",
    ]);
    h.context.commit();
    const after = Date.now();
    const info = ((await hook(model, "demo/0").json("secret-info-get", [uri])) as Record<string, Record<string, unknown>>)[xid] ?? {};
    expect(Object.keys(info)).toEqual(["revision", "label", "owner", "rotation", "rotates"]);
    const rotates = Date.parse(String(info["rotates"]));
    expect(String(info["rotates"])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(rotates).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(rotates).toBeLessThanOrEqual(after + 3_600_000);
  });

  test("usage errors (exit 2): both ID and label, neither", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-info-get", [APP_SECRET, "--label", "db-pass"])).toEqual(
      failure(2, "specify either a secret URI or label but not both"),
    );
    expect(await h.run("secret-info-get")).toEqual(failure(2, "require either a secret URI or label"));
  });

  test('not visible to secret-ids → `secret "<xid-or-label>" not found` (exit 1)', async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-info-get", [`secret:${UNKNOWN_SECRET}`])).toEqual(failure(1, `secret "${UNKNOWN_SECRET}" not found`));
    expect(await h.run("secret-info-get", [PG_SHARED])).toEqual(failure(1, `secret "${PG_SHARED}" not found`));
    expect(await h.run("secret-info-get", ["--label", "nope"])).toEqual(failure(1, 'secret "nope" not found'));
    expect(await hook(model, "demo/1").run("secret-info-get", [APP_SECRET])).toEqual(failure(1, `secret "${APP_SECRET}" not found`));
  });
});

describe("details of Juju's behaviour", () => {
  test('secret-add: an argument without `=` is `key value "x" not valid` (exit 2)', async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", ["x"])).toEqual(failure(2, 'key value "x" not valid'));
  });

  test("secret-add: a file with no content is `empty secret value not valid` (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "empty.yaml"), "{}\n");
    expect(await h.run("secret-add", ["--file", "empty.yaml"], { cwd })).toEqual(failure(1, "empty secret value not valid"));
  });

  test("secret-grant: in a relation hook -r defaults to the hook's relation", async () => {
    const model = demoModel();
    const h = relationHook(model, "demo/0", "db-relation-joined", 2, "pg/0");
    expect(await h.run("secret-grant", [APP_SECRET])).toEqual(success());
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.grants.keys() ?? [])]).toEqual(["pg"]);
  });

  test("secret-info-get: `label` is always present, empty when the secret has none", async () => {
    expect(await hook(demoModel(), "demo/0").json("secret-info-get", [UNIT_SECRET])).toEqual({
      [UNIT_SECRET]: { revision: 1, label: "", owner: "unit" },
    });
  });

  test("secret-info-get json: fields in Juju's order (revision, label, owner, description, …)", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-info-get", [APP_SECRET, "--format=json"])).toEqual(
      success(`{"${APP_SECRET}":{"revision":1,"label":"db-pass","owner":"application","description":"database password"}}\n`),
    );
  });

  test("secret-info-get: `access` lists the grants", async () => {
    const model = demoModel();
    model.secrets.get(APP_SECRET)?.grants.set("pg", { relationId: 2 });
    const info = (await hook(model, "demo/0").json("secret-info-get", [APP_SECRET])) as Record<string, { access?: unknown }>;
    expect(info[APP_SECRET]?.access).toEqual([{ target: "application-pg", scope: "relation-2", role: "view" }]);
  });

  test("secret-info-get: `expiry` is a time, also when --expire was given as a duration", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, ["--owner", "unit", "--expire", "24h", "abc=1"]);
    const info = (await h.json("secret-info-get", [uri])) as Record<string, { expiry?: string }>;
    const expiry = info[uri.slice(-20)]?.expiry ?? "";
    expect(expiry).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/);
    expect(Math.abs(Date.parse(expiry) - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
  });
});
