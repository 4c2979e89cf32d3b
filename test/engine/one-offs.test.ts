// engine/one-offs.ts: credential-get needs a trusted application.

import { describe, expect, test } from "vitest";

import { HookToolError } from "../../runtime/errors.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { JujuModel } from "../../engine/model.js";
import type { CloudSpecRecord } from "../../runtime/hook-tools/index.js";
import { demoModel, hook, expectToolError } from "../support/engine.js";

describe("credential-get: the application must be trusted", () => {
  const spec: CloudSpecRecord = { type: "lxd", name: "localhost", caCertificates: [], skipTlsVerify: false, isControllerCloud: true };

  test("untrusted: cannot access cloud credentials: permission denied (exit 1)", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    const context = hook(model, "demo/0");
    expectToolError(
      () => context.credentialGet(),
      HookToolError,
      "credential-get",
      1,
      "cannot access cloud credentials: permission denied",
    );
  });

  test("trusted: the cloud spec, on any unit", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    model.app("demo").trusted = true;
    expect(hook(model, "demo/1").credentialGet()).toEqual(spec);
  });
});

// juju/juju apiserver/facades/agent/uniter/uniter.go, goalStateRelations (3.6 and main).
describe("goal-state: what Juju gathers for each relation", () => {
  const meta = (relations: CharmMeta["relations"]): CharmMeta => ({ name: "app", relations, storage: {}, config: {}, actions: {} });

  test("the remote side is gathered in the local endpoint named as the remote endpoint, if there is one (Juju's quirk)", () => {
    const model = new JujuModel();
    model.addApp("app", meta({ db: { role: "requires", interface: "pgsql" }, database: { role: "requires", interface: "pgsql" } }));
    model.addUnit("app");
    model.addApp("other", meta({ database: { role: "provides", interface: "pgsql" } }));
    model.addUnit("other");
    model.addApp("pg", meta({ database: { role: "provides", interface: "pgsql" } }));
    model.addUnit("pg");
    // Relation 0 fills the local "database" entry; relation 1's remote endpoint is also named
    // "database", so Juju adds pg to that entry, then merges the whole entry into "db".
    model.addRelation([
      { app: "app", endpoint: "database", role: "requires" },
      { app: "other", endpoint: "database", role: "provides" },
    ]);
    model.addRelation([
      { app: "app", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "database", role: "provides" },
    ]);
    const goal = hook(model, "app/0").goalState();
    expect(Object.keys(goal.relations["database"] ?? {}).sort()).toEqual(["other", "other/0", "pg", "pg/0"]);
    expect(Object.keys(goal.relations["db"] ?? {}).sort()).toEqual(["other", "other/0", "pg", "pg/0"]);
  });

  test("every unit of the related application, member of the relation or not; a dying one as dying", () => {
    const model = new JujuModel();
    model.addApp("app", meta({ db: { role: "requires", interface: "pgsql" } }));
    model.addUnit("app");
    model.addApp("pg", meta({ database: { role: "provides", interface: "pgsql" } }));
    model.addUnit("pg");
    model.addUnit("pg");
    model.addRelation([
      { app: "app", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "database", role: "provides" },
    ]);
    model.setStatus(model.unit("pg/0"), { status: "active", message: "", data: {} });
    model.markDying("pg/1");
    const db = hook(model, "app/0").goalState().relations["db"] ?? {};
    expect(Object.fromEntries(Object.entries(db).map(([name, entry]) => [name, entry.status]))).toEqual({
      pg: "joining",
      "pg/0": "active",
      "pg/1": "dying",
    });
  });
});
