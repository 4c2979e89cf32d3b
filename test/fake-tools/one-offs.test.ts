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
      units: Record<string, { status: string }>;
      relations: Record<string, Record<string, { status: string }>>;
    };
    expect(parseYaml(await h.out("goal-state")) as unknown).toEqual(json);
    expect(json.units["demo/0"]?.status).toBe("active");
    expect(json.units["demo/1"]?.status).toBe("active");
    expect(
      Object.values(json.units)
        .map((goal) => goal.status)
        .sort(),
    ).toEqual(["active", "active", "allocating"]);
    for (const goal of Object.values(json.units))
      expect(["allocating", "active", "waiting", "blocked", "error", "dying"]).toContain(goal.status);
    expect(Object.keys(json.relations).sort()).toEqual(["cluster", "db", "website"]);
    expect(json.relations["db"]?.["pg"]?.status).toBe("joined");
    expect(json.relations["db"]?.["pg/0"]?.status).toBe("joined");
    expect(json.relations["cluster"]?.["demo/1"]?.status).toBe("joined");
    for (const goals of Object.values(json.relations)) {
      for (const goal of Object.values(goals)) expect(["joining", "joined", "broken", "suspended", "error"]).toContain(goal.status);
    }
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
