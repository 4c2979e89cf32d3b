// DatabaseRequires against what data_interfaces' DatabaseRequires wrote and emitted for the same
// steps (recorded through Scenario), and against the bags data_interfaces' providers (v0 and v1)
// wrote: the request bytes, the `data` snapshot, the events and what they carry, the secret labels.

import { describe, expect, test } from "vitest";

import {
  DatabaseRequires,
  type DatabaseRequiresEvent,
  type DatabaseRequiresOptions,
  InterfaceDataError,
} from "../../../interfaces/database/index.js";
import { ActiveStatus, CharmBase, type Framework } from "../../../runtime/index.js";
import { Context, Relation, Secret, State } from "../../../testing/index.js";
import {
  REL_ID,
  camel,
  jujuId,
  withJujuIds,
  describeEvent,
  ownKeys,
  recordedEvent,
  recording,
  remoteSecrets,
  type RecordedStep,
} from "./recorded.js";

const REQUIRES_FIELDS = [
  "database",
  "username",
  "password",
  "endpoints",
  "read_only_endpoints",
  "uris",
  "read_only_uris",
  "tls",
  "tls_ca",
  "version",
  "replset",
  "prefix_databases",
];
const ENTITY_FIELDS = [
  "database",
  "endpoints",
  "read_only_endpoints",
  "uris",
  "read_only_uris",
  "version",
  "replset",
  "prefix_databases",
  "entity_name",
  "entity_password",
];

let options: DatabaseRequiresOptions = { database: "app" };
const seen: Record<string, unknown>[] = [];
let views: { fetch_relation_data: Record<string, Record<string, string> | undefined>; is_resource_created: boolean }[] = [];

class AppCharm extends CharmBase {
  readonly db: DatabaseRequires;
  constructor(framework: Framework) {
    super(framework);
    this.db = new DatabaseRequires(this, "database", options);
    const record = (name: string, fields: string[]) => (event: DatabaseRequiresEvent) => {
      seen.push({ ...describeEvent(name, event, fields), relation: event.relation.id, app: event.app?.name ?? null });
    };
    framework.observe(this.db.on.databaseCreated, record("database_created", REQUIRES_FIELDS));
    framework.observe(this.db.on.databaseEntityCreated, record("database_entity_created", ENTITY_FIELDS));
    framework.observe(this.db.on.endpointsChanged, record("endpoints_changed", REQUIRES_FIELDS));
    framework.observe(this.db.on.readOnlyEndpointsChanged, record("read_only_endpoints_changed", REQUIRES_FIELDS));
    framework.observe(this.db.on.prefixDatabasesChanged, record("prefix_databases_changed", REQUIRES_FIELDS));
    framework.observe(this.db.on.statusRaised, (event) => {
      seen.push({ event: "status_raised", status: event.status });
    });
    framework.observe(this.db.on.statusResolved, (event) => {
      seen.push({ event: "status_resolved", status: event.status });
    });
    for (const alias of options.relationsAliases ?? []) {
      framework.observe(this.db.aliased(alias).databaseCreated, record(`${alias}_database_created`, REQUIRES_FIELDS));
      framework.observe(this.db.aliased(alias).endpointsChanged, record(`${alias}_endpoints_changed`, REQUIRES_FIELDS));
    }
    // Observed after DatabaseRequires' own handlers: the typed view at the end of the hook.
    const view = (): void => {
      try {
        views.push({
          fetch_relation_data: { [String(REL_ID)]: this.db.fetchRelationData()[REL_ID] },
          is_resource_created: this.db.isResourceCreated(),
        });
      } catch (error) {
        // The typed view reads the same bag: bad data throws there too, for the charm to handle.
        if (!(error instanceof InterfaceDataError)) throw error;
      }
    };
    framework.observe(this.on.relationCreated("database"), view);
    framework.observe(this.on.relationChanged("database"), view);
    framework.observe(this.on.secretChanged, view);
    framework.observe(this.on.collectUnitStatus, (event) => event.addStatus(new ActiveStatus()));
  }
}

const META = { name: "app", requires: { database: { interface: "postgresql_client", limit: 1 } } };

/** Runs the recorded steps on the TypeScript requirer, each from the bags its own previous step left. */
async function replay(name: string, remoteApp: string, leader = true) {
  const rec = recording(name);
  const limit = options.relationsAliases?.length ?? 1;
  const meta = { name: "app", requires: { database: { interface: "postgresql_client", limit } } };
  const ctx = new Context(AppCharm, { meta, appName: "app" });
  let localApp: Record<string, string> = {};
  let localUnit: Record<string, string> | undefined;
  let owned: Secret[] = [];
  /** The recording's ids of the secrets this side made, to the ids they got here (matched by label). */
  const ids = new Map<string, string>();
  const mapIds = (text: string): string => [...ids].reduce((out, [from, to]) => out.replaceAll(from, to), text);
  const results = [];
  for (const step of rec.steps) {
    seen.length = 0;
    views = [];
    const remoteAppData = Object.fromEntries(Object.entries(step.given.remoteApp).map(([k, v]) => [k, mapIds(v)]));
    const relation = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: remoteApp,
      localAppData: localApp,
      ...(localUnit === undefined ? {} : { localUnitData: localUnit }),
      ...(step.given.remoteModel === undefined ? {} : { remoteModelUuid: step.given.remoteModel }),
      remoteAppData,
    });
    const state = new State({ leader: step.given.leader ?? leader, relations: [relation], secrets: [...owned, ...remoteSecrets(step)] });
    const event = step.event.startsWith("secret_changed")
      ? ctx.on.secretChanged(state.secrets.find((s) => step.event.includes(s.id)) ?? new Secret({ trackedContent: {} }))
      : step.event === "relation_created"
        ? ctx.on.relationCreated(relation)
        : ctx.on.relationChanged(relation, { remoteUnit: 0 });
    const out = await ctx.run(event, state);
    const rel = out.getRelation(REL_ID) as Relation;
    localApp = { ...rel.localAppData };
    localUnit = { ...rel.localUnitData };
    owned = out.secrets.filter((secret) => secret.owner !== undefined);
    for (const recorded of step.secrets.filter((secret) => secret.owner !== "remote")) {
      const mine = owned.find((secret) => sameLabel(secret.label, recorded.label));
      if (mine !== undefined) ids.set(recorded.id, mine.id);
    }
    results.push({ step, out, localApp, localUnit: ownKeys(localUnit), emitted: [...seen], view: views.at(-1), owned, mapIds });
  }
  return results;
}

/** Labels equal but for a model UUID in them (the recording's model is not the test kit's). */
function sameLabel(a: string | null | undefined, b: string | null | undefined): boolean {
  const model = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
  return (a ?? "").replace(model, "<model>") === (b ?? "").replace(model, "<model>");
}

function expectStep(got: Awaited<ReturnType<typeof replay>>[number], step: RecordedStep, remoteApp: string): void {
  // Bytes: the request and the snapshot are compared as strings (URIs of secrets this side made, mapped).
  const mapped = (bag: Record<string, string>) => Object.fromEntries(Object.entries(bag).map(([k, v]) => [k, got.mapIds(v)]));
  expect(got.localApp).toEqual(mapped(step.wrote.localApp));
  expect(got.localUnit).toEqual(mapped(step.wrote.localUnit));
  // The secrets this side owns: label, content and grant as the library's.
  const ownedView = (
    list: { label?: string | null | undefined; content: Record<string, string>; grants?: Record<string, string[]> | undefined }[],
  ) => list.map((s) => ({ label: (s.label ?? "").replace(/^[0-9a-f-]{36}-/, "<model>-"), content: s.content, grants: s.grants }));
  expect(
    ownedView(
      got.owned.map((s) => ({
        label: s.label,
        content: s.latestContent,
        grants: Object.fromEntries(Object.entries(s.remoteGrants).map(([k, v]) => [k, [...v]])),
      })),
    ),
  ).toEqual(ownedView(step.secrets.filter((s) => s.owner !== "remote")));
  // (Python emits raised statuses in its set's order; compared here as a set.)
  const order = (events: Record<string, unknown>[]) => [...events].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  expect(order(got.emitted)).toEqual(
    order(step.emitted.map((e) => (e.event.startsWith("status_") ? e : { ...recordedEvent(e), relation: REL_ID, app: remoteApp }))),
  );
  if (step.view !== undefined) expect(got.view).toEqual(step.view);
  // The labels this unit gave the provider's secrets.
  for (const recorded of step.secrets.filter((s) => s.owner === "remote")) {
    expect(got.out.secrets.find((s) => s.id === jujuId(recorded.id))?.label).toBe(recorded.label ?? undefined);
  }
}

describe("DatabaseRequires writes and emits what data_interfaces v0 does", () => {
  for (const [name, remoteApp, opts] of [
    ["requirer-secrets", "postgresql", { database: "app" }],
    ["requirer-plaintext", "mysql", { database: "app" }],
    ["requirer-statuses", "postgresql", { database: "app" }],
    ["requirer-cross-model", "postgresql", { database: "app" }],
    ["requirer-aliases", "postgresql", { database: "app", relationsAliases: ["cluster1", "cluster2"] }],
    [
      "requirer-requested-entity",
      "postgresql",
      { database: "app", entityType: "USER", requestedEntityName: "custom-role", requestedEntityPassword: "Rq7eNtPw0rd5" },
    ],
    ["requirer-entity", "postgresql", { database: "app", entityType: "USER" }],
    [
      "requirer-options",
      "postgresql",
      {
        database: "app",
        extraUserRoles: "admin",
        additionalSecretFields: ["topsecret"],
        externalNodeConnectivity: true,
        prefixMatching: "all",
      },
    ],
  ] as const) {
    test(`${name}: ${recording(name).scenario}`, async () => {
      options = opts;
      const results = await replay(name, remoteApp);
      const rec = recording(name);
      results.forEach((got, i) => expectStep(got, rec.steps[i] as RecordedStep, remoteApp));
    });
  }

  test("requirer-non-leader: created writes nothing, changed still snapshots into the unit bag and emits", async () => {
    options = { database: "app" };
    const rec = recording("requirer-non-leader");
    const results = await replay("requirer-non-leader", "postgresql", false);
    results.forEach((got, i) => {
      const step = rec.steps[i] as RecordedStep;
      expect(got.localApp).toEqual(step.wrote.localApp);
      expect(got.localUnit).toEqual(step.wrote.localUnit);
      expect(got.emitted).toEqual(step.emitted.map((e) => ({ ...recordedEvent(e), relation: REL_ID, app: "postgresql" })));
    });
  });

  test("the request is written with Python's json.dumps bytes", async () => {
    options = { database: "app" };
    const [created] = await replay("requirer-options", "postgresql");
    // (requirer-options was recorded with other options; here only the bytes of the list matter)
    expect(created?.localApp["requested-secrets"]).toBe(
      '["username", "password", "tls", "tls-ca", "uris", "read-only-uris", "entity-name", "entity-password"]',
    );
  });
});

describe("DatabaseRequires reads what data_interfaces providers wrote", () => {
  async function readProviderBag(name: string, stepIndex: number) {
    const step = recording(name).steps[stepIndex] as RecordedStep;
    options = { database: "app" };
    const ctx = new Context(AppCharm, { meta: META, appName: "app" });
    seen.length = 0;
    const relation = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "postgresql",
      remoteAppData: withJujuIds(step.wrote.localApp),
    });
    const secrets = step.secrets.filter((s) => s.owner === "app").map((s) => new Secret({ id: jujuId(s.id), trackedContent: s.content }));
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ relations: [relation], secrets }));
    return { out, seen: [...seen], step };
  }

  test("v0 DatabaseProvides with secrets: databaseCreated carries the secrets' content", async () => {
    const { seen: events, step } = await readProviderBag("provider-secrets", 1);
    const user = step.secrets.find((s) => s.label === "database.7.user.secret")?.content ?? {};
    const tls = step.secrets.find((s) => s.label === "database.7.tls.secret")?.content ?? {};
    expect(events).toEqual([
      expect.objectContaining({
        event: "database_created",
        username: user["username"],
        password: user["password"],
        uris: user["uris"],
        tls: tls["tls"],
        tls_ca: tls["tls-ca"],
        endpoints: "10.1.2.3:5432",
        read_only_endpoints: "10.1.2.4:5432,10.1.2.5:5432",
        version: "16.9",
        database: "app",
      }),
    ]);
  });

  test("v0 DatabaseProvides in plain text: databaseCreated carries the bag's credentials", async () => {
    const { seen: events } = await readProviderBag("provider-plaintext", 0);
    expect(events).toEqual([
      expect.objectContaining({
        event: "database_created",
        username: "relation-7",
        password: "Zq8vXw2pLk9mNb4c",
        endpoints: "10.1.2.3:5432",
      }),
    ]);
  });

  test('v1 ResourceProviderEventHandler answering a v0 request (salt, resource keys; tls "true")', async () => {
    const { seen: events } = await readProviderBag("v1-provider-to-v0-requirer", 0);
    expect(events).toEqual([
      expect.objectContaining({
        event: "database_created",
        username: "relation-7",
        password: "Zq8vXw2pLk9mNb4c",
        tls: "true",
        endpoints: "10.1.2.3:5432",
        version: "16.9",
      }),
    ]);
  });

  test("an entity answer (the provider's `data` snapshot holds entity-type) is databaseEntityCreated", async () => {
    const { seen: events } = await readProviderBag("provider-entity", 0);
    expect(events).toEqual([
      expect.objectContaining({
        event: "database_entity_created",
        entity_name: "custom-role",
        entity_password: "Ee3rTt6yUu9iOo1p",
        endpoints: "10.1.2.3:5432",
      }),
    ]);
  });
});

describe("bad provider data is a blocked status, never a crashed hook", () => {
  async function run(remoteAppData: Record<string, string>, secrets: Secret[] = []) {
    options = { database: "app" };
    seen.length = 0;
    const ctx = new Context(AppCharm, { meta: META, appName: "app" });
    const relation = new Relation({ endpoint: "database", id: REL_ID, remoteAppName: "postgresql", remoteAppData });
    const out = await ctx.run(
      ctx.on.relationChanged(relation, { remoteUnit: 0 }),
      new State({ leader: true, relations: [relation], secrets }),
    );
    return { out, rel: out.getRelation(REL_ID) as Relation, ctx };
  }

  test("secret-user that is not a secret URI", async () => {
    const { out, rel } = await run({ database: "app", "secret-user": "hunter2", endpoints: "h:1" });
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain('"secret-user"');
    expect(out.unitStatus.message).toContain("a secret URI");
    expect(seen).toEqual([]);
    // Nothing snapshotted: when the provider fixes its bag, the credentials still count as new.
    expect(rel.localUnitData["data"]).toBeUndefined();
  });

  test("a secret that is missing or not granted", async () => {
    const { out } = await run({ database: "app", "secret-user": "secret:d2fjn1fmp25004or68bv", endpoints: "h:1" });
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain("missing or not granted");
  });

  test("a provider snapshot (`data`) that is not a JSON object", async () => {
    const secret = new Secret({ id: "secret:d2fjn1fmp25004or68b0", trackedContent: { username: "u", password: "p" } });
    const { out, rel } = await run({ database: "app", "secret-user": secret.id, data: '["password", "sekrit-in-a-snapshot"]' }, [secret]);
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain('"data"');
    // A snapshot may hold a plain-text provider's password: never shown.
    expect(out.unitStatus.message).not.toContain("sekrit-in-a-snapshot");
    expect(seen).toEqual([]);
    expect(rel.localUnitData["data"]).toBeUndefined();
  });

  test("once fixed, the status clears and databaseCreated fires", async () => {
    options = { database: "app" };
    const ctx = new Context(AppCharm, { meta: META, appName: "app" });
    const secret = new Secret({ id: "secret:d2fjn1fmp25004or68b0", trackedContent: { username: "u", password: "p" } });
    const bad = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "postgresql",
      remoteAppData: { database: "app", "secret-user": "nope" },
    });
    const first = await ctx.run(ctx.on.relationChanged(bad, { remoteUnit: 0 }), new State({ relations: [bad], secrets: [secret] }));
    expect(first.unitStatus.name).toBe("blocked");
    seen.length = 0;
    const good = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "postgresql",
      remoteAppData: { database: "app", "secret-user": secret.id },
    });
    const second = await ctx.run(ctx.on.relationChanged(good, { remoteUnit: 0 }), first.with({ relations: [good] }));
    expect(second.unitStatus.name).not.toBe("blocked");
    expect(seen.map((e) => [e["event"], e["username"]])).toEqual([["database_created", "u"]]);
  });
});

describe("relation aliases", () => {
  test("a second relation gets the next free alias, and its aliased events (after the default one)", async () => {
    options = { database: "app", relationsAliases: ["cluster1", "cluster2"] };
    const meta = { name: "app", requires: { database: { interface: "postgresql_client", limit: 2 } } };
    const ctx = new Context(AppCharm, { meta, appName: "app" });
    const first = new Relation({ endpoint: "database", remoteAppName: "pg1", localUnitData: { alias: "cluster1" } });
    const second = new Relation({ endpoint: "database", remoteAppName: "pg2" });
    const out = await ctx.run(ctx.on.relationCreated(second), new State({ leader: true, relations: [first, second] }));
    const rel = out.getRelation(second.id) as Relation;
    expect([rel.localUnitData["alias"], rel.localAppData["alias"]]).toEqual(["cluster2", "cluster2"]);
    seen.length = 0;
    const answered = new Relation({
      endpoint: "database",
      id: second.id,
      remoteAppName: "pg2",
      localUnitData: rel.localUnitData,
      localAppData: rel.localAppData,
      remoteAppData: { database: "app", username: "u", password: "p", endpoints: "h:1" },
    });
    await ctx.run(ctx.on.relationChanged(answered), out.with({ relations: [first, answered] }));
    expect(seen.map((e) => e["event"])).toEqual(["database_created", "cluster2_database_created"]);
  });

  test("as many aliases as the endpoint's limit, as the library requires", async () => {
    options = { database: "app", relationsAliases: ["only-one"] };
    const meta = { name: "app", requires: { database: { interface: "postgresql_client", limit: 2 } } };
    const ctx = new Context(AppCharm, { meta, appName: "app" });
    await expect(ctx.run(ctx.on.install(), new State())).rejects.toThrow(/Expected 2, got 1/);
  });
});

describe("options", () => {
  test("inconsistent entity options are refused as the library refuses them", () => {
    expect(() => new Context(AppCharm, { meta: META })).not.toThrow();
    class Bad extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        new DatabaseRequires(this, "database", { database: "app", entityType: "USER", extraGroupRoles: "x" });
      }
    }
    const ctx = new Context(Bad, { meta: META });
    return expect(ctx.run(ctx.on.install(), new State())).rejects.toThrow(/Use extraUserRoles instead/);
  });

  test("event names are the library's, in camelCase", () => {
    expect(Object.keys(new Context(AppCharm, { meta: META }).meta)).toBeDefined();
    expect(camel("read_only_endpoints_changed")).toBe("readOnlyEndpointsChanged");
  });
});
