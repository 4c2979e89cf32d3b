// fake-tools/one-offs.ts: application-version-set, resource-get, goal-state, credential-get and
// juju-reboot, run as processes against the fixture model of hook.ts.

import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";

import type { JsonObject } from "../../runtime/meta.js";
import { demoModel, failure, hook, RESOURCE_PATH, serveTools, success } from "./hook.js";

serveTools();

describe("application-version-set", () => {
  test("application-version-set: immediate; any unit may call it", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("application-version-set", ["--", "14.2-beta"])).toEqual(success());
    expect(model.app("demo").workloadVersion).toBe("14.2-beta");
  });

  test("application-version-set without a version (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("application-version-set")).toEqual(failure(2, "no version specified"));
  });
});

describe("resource-get, goal-state, credential-get, juju-reboot", () => {
  test("resource-get prints the path without a trailing newline", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("resource-get", ["software"])).toEqual(success(RESOURCE_PATH));
    expect(await h.run("resource-get")).toEqual(failure(2, "missing required resource name"));
    const missing = await h.run("resource-get", ["nosuch"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^ERROR could not download resource: [^\n]*\n$/);
  });

  test("goal-state: yaml by default, json; units and relations with their statuses", async () => {
    const model = demoModel();
    model.app("demo").plannedUnits = 3;
    const h = hook(model, "demo/0");
    const json = (await h.json("goal-state")) as {
      units: Record<string, { status: string; since: string }>;
      relations: Record<string, Record<string, { status: string; since: string }>>;
    };
    expect(parseYaml(await h.out("goal-state")) as unknown).toEqual(json);
    // Each unit with its own workload status.
    expect(json.units["demo/0"]?.status).toBe("active");
    expect(json.units["demo/1"]?.status).toBe("waiting");
    expect(json.units["demo/2"]?.status).toBe("allocating");
    for (const goal of Object.values(json.units)) expect(goal.since).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    // The peer relation (cluster) is left out, as Juju does.
    expect(Object.keys(json.relations).sort()).toEqual(["db", "website"]);
    expect(json.relations["db"]?.["pg"]?.status).toBe("joined");
    expect(json.relations["db"]?.["pg/0"]?.status).toBe("unknown");
    for (const goals of Object.values(json.relations)) for (const goal of Object.values(goals)) expect(goal.since).toBeDefined();
  });

  // juju/juju apiserver/facades/agent/uniter/uniter.go (goalStateRelations, goalStateUnits) and
  // worker/uniter/runner/jujuc/goal-state.go (formatGoalState: status, then since in FormatTime's ISO form).
  test("goal-state byte for byte: since everywhere, no peer relation, related units with their own workload status", async () => {
    const model = demoModel();
    const set = "2026-11-23T06:27:37.456Z";
    const joined = "2026-11-23T07:01:02.000Z";
    for (const unit of model.units.values()) unit.statusSince = set;
    for (const relation of model.relations.values()) relation.statusSince = joined;
    model.unit("demo/1").dying = true;
    model.setStatus(model.unit("pg/0"), { status: "blocked", message: "no storage", data: {} });
    model.unit("pg/0").statusSince = "2026-11-24T00:00:09.999Z";
    const h = hook(model, "demo/0");
    const at = '"since":"2026-11-23 06:27:37Z"';
    const rel = '"since":"2026-11-23 07:01:02Z"';
    expect(await h.out("goal-state", ["--format=json"])).toBe(
      `{"units":{"demo/0":{"status":"active",${at}},"demo/1":{"status":"dying",${at}}},` +
        `"relations":{"db":{"mysql":{"status":"joined",${rel}},"mysql/0":{"status":"unknown",${at}},` +
        `"pg":{"status":"joined",${rel}},"pg/0":{"status":"blocked","since":"2026-11-24 00:00:09Z"}},` +
        `"website":{"web":{"status":"joined",${rel}},"web/0":{"status":"unknown",${at}}}}}\n`,
    );
    expect(await h.out("goal-state")).toBe(
      [
        "units:",
        "  demo/0:",
        "    status: active",
        "    since: 2026-11-23 06:27:37Z",
        "  demo/1:",
        "    status: dying",
        "    since: 2026-11-23 06:27:37Z",
        "relations:",
        "  db:",
        "    mysql:",
        "      status: joined",
        "      since: 2026-11-23 07:01:02Z",
        "    mysql/0:",
        "      status: unknown",
        "      since: 2026-11-23 06:27:37Z",
        "    pg:",
        "      status: joined",
        "      since: 2026-11-23 07:01:02Z",
        "    pg/0:",
        "      status: blocked",
        "      since: 2026-11-24 00:00:09Z",
        "  website:",
        "    web:",
        "      status: joined",
        "      since: 2026-11-23 07:01:02Z",
        "    web/0:",
        "      status: unknown",
        "      since: 2026-11-23 06:27:37Z",
        "",
      ].join("\n"),
    );
  });

  test("goal-state: a relation no unit has joined yet is joining; one offered from another model lists no units", async () => {
    const model = demoModel();
    model.addRelation(
      [
        { app: "demo", endpoint: "website", role: "provides" },
        { app: "stranger", endpoint: "website", role: "requires" },
      ],
      { id: 20, interface: "http", remoteModelUuid: "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6" },
    );
    const goal = (await hook(model, "demo/0").json("goal-state")) as { relations: Record<string, Record<string, { status: string }>> };
    expect(goal.relations["website"]?.["stranger"]?.status).toBe("joining");
    expect(goal.relations["website"]?.["stranger/0"]).toBeUndefined();
    model.joinRelation(20, "demo/0");
    const after = (await hook(model, "demo/0").json("goal-state")) as { relations: Record<string, Record<string, { status: string }>> };
    expect(after.relations["website"]?.["stranger"]?.status).toBe("joined");
  });

  test("credential-get: the cloud spec, if the application is trusted; otherwise permission denied (exit 1)", async () => {
    const model = demoModel();
    const spec = (await hook(model, "demo/0").json("credential-get")) as JsonObject;
    expect(spec).toMatchObject({
      type: "lxd",
      name: "localhost",
      credential: { "auth-type": "certificate", attrs: { "client-cert": "CERT" } },
    });
    model.app("demo").trusted = false;
    expect(await hook(model, "demo/0").run("credential-get")).toEqual(failure(1, "cannot access cloud credentials: permission denied"));
  });

  test("juju-reboot --now: requested at once", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-reboot", ["--now"])).toEqual(success());
    expect(model.unit("demo/0").rebootRequested).toBe(true);
  });

  test("juju-reboot is buffered until the hook succeeds", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("juju-reboot")).toEqual(success());
    expect(model.unit("demo/0").rebootRequested).toBe(false);
    h.context.commit();
    expect(model.unit("demo/0").rebootRequested).toBe(true);
  });
});

describe("details of Juju's behaviour", () => {
  test("credential-get: every key of the cloud spec, identity-endpoint and storage-endpoint included", async () => {
    expect(await hook(demoModel(), "demo/0").json("credential-get")).toEqual({
      type: "lxd",
      name: "localhost",
      region: "default",
      endpoint: "https://10.0.0.1:8443",
      "identity-endpoint": "https://identity.example",
      "storage-endpoint": "https://storage.example",
      credential: { "auth-type": "certificate", attrs: { "client-cert": "CERT" }, redacted: ["client-key"] },
      cacertificates: ["CA-PEM"],
      "skip-tls-verify": false,
      "is-controller-cloud": true,
    });
  });

  test("goal-state (Juju's next unit number): a planned unit is named demo/2", async () => {
    const model = demoModel();
    model.app("demo").plannedUnits = 3;
    const goal = (await hook(model, "demo/0").json("goal-state")) as { units: Record<string, { status: string }> };
    expect(Object.keys(goal.units).sort()).toEqual(["demo/0", "demo/1", "demo/2"]);
  });

  test("goal-state json: `units` before `relations`, as in Juju", async () => {
    expect(await hook(demoModel(), "demo/0").out("goal-state", ["--format=json"])).toMatch(/^\{"units":\{/);
  });
});
