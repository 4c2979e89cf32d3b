// DatabaseProvides against what data_interfaces' DatabaseProvides wrote and emitted for the same
// steps (recorded through Scenario): its `data` snapshot, the bag, the secrets it made (label,
// content, grant), the events; and against the bags data_interfaces' requirers (v0, v1) wrote.

import { describe, expect, test } from "vitest";

import { DatabaseProvides, type DatabaseProvidesEvent, PrematureDataAccessError } from "../../../interfaces/database/index.js";
import { ActiveStatus, CharmBase, type Framework, NotLeaderError } from "../../../runtime/index.js";
import { Context, Relation, Secret, State } from "../../../testing/index.js";
import { REL_ID, camel, describeEvent, jujuId, recordedEvent, recording, type RecordedSecret, type RecordedStep } from "./recorded.js";

const seen: Record<string, unknown>[] = [];
let calls: [string, ...unknown[]][] = [];
let fieldsOf: Record<string, string[]> = {};

class DatabaseCharm extends CharmBase {
  readonly db = new DatabaseProvides(this, "database");
  constructor(framework: Framework) {
    super(framework);
    const record = (name: string) => (event: DatabaseProvidesEvent) => {
      seen.push({
        ...describeEvent(name, event, fieldsOf[name] ?? ["database"]),
        relation: event.relation.id,
        app: event.app?.name ?? null,
      });
    };
    framework.observe(this.db.on.databaseRequested, record("database_requested"));
    framework.observe(this.db.on.databaseEntityRequested, record("database_entity_requested"));
    framework.observe(this.db.on.databaseEntityPermissionsChanged, record("database_entity_permissions_changed"));
    // After DatabaseProvides' own handler, as the recording's charm: the step's calls.
    const run = (): void => {
      for (const [method, ...args] of calls) {
        const f = (this.db as unknown as Record<string, (...a: unknown[]) => void>)[camel(method)];
        if (f === undefined) throw new Error(`DatabaseProvides has no ${camel(method)}`);
        f.apply(this.db, args);
      }
    };
    framework.observe(this.on.relationChanged("database"), run);
    framework.observe(this.on.updateStatus, run);
    framework.observe(this.on.collectUnitStatus, (event) => event.addStatus(new ActiveStatus()));
  }
}

const META = { name: "postgresql", provides: { database: { interface: "postgresql_client" } } };

/** A bag with each secret URI replaced by the label of its secret: URIs are made up on each side. */
function byLabel(bag: Readonly<Record<string, string>>, secrets: readonly { id: string; label: string | null | undefined }[]) {
  return Object.fromEntries(
    Object.entries(bag).map(([key, value]) => [
      key,
      key.startsWith("secret-") ? `<${secrets.find((s) => jujuId(s.id) === jujuId(value))?.label ?? value}>` : value,
    ]),
  );
}

async function replay(name: string) {
  const rec = recording(name);
  const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
  let localApp: Record<string, string> = {};
  let owned: Secret[] = [];
  const results = [];
  for (const step of rec.steps) {
    seen.length = 0;
    calls = step.given.calls ?? [];
    fieldsOf = Object.fromEntries(step.emitted.map((e) => [e.event, Object.keys(recordedEvent(e)).filter((k) => k !== "event")]));
    const relation = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "app",
      localAppData: localApp,
      remoteAppData: step.given.remoteApp,
    });
    const state = new State({ leader: step.given.leader ?? true, relations: [relation], secrets: owned });
    const event =
      step.event === "update_status"
        ? ctx.on.updateStatus()
        : step.event === "relation_created"
          ? ctx.on.relationCreated(relation)
          : ctx.on.relationChanged(relation, { remoteUnit: 0 });
    const out = await ctx.run(event, state);
    localApp = { ...(out.getRelation(REL_ID) as Relation).localAppData };
    owned = out.secrets.filter((s) => s.owner !== undefined);
    results.push({ out, localApp, owned, emitted: [...seen], status: out.unitStatus });
  }
  return { rec, results };
}

function secretView(secrets: readonly (Secret | RecordedSecret)[]) {
  return secrets
    .map((s) => ({
      owner: s.owner,
      label: s.label,
      content: s instanceof Secret ? s.latestContent : s.content,
      grants: s instanceof Secret ? Object.fromEntries(Object.entries(s.remoteGrants).map(([k, v]) => [k, [...v].sort()])) : s.grants,
    }))
    .sort((a, b) => String(a.label).localeCompare(String(b.label)));
}

describe("DatabaseProvides writes and emits what data_interfaces v0 does", () => {
  for (const name of [
    "provider-secrets",
    "provider-plaintext",
    "provider-databag-sticky",
    "provider-statuses",
    "provider-options",
    "provider-entity",
    "provider-non-leader",
  ]) {
    test(`${name}: ${recording(name).scenario}`, async () => {
      const { rec, results } = await replay(name);
      results.forEach((got, i) => {
        const step = rec.steps[i] as RecordedStep;
        // `data` (the snapshot of the requirer's bag) and every plain value byte for byte; secret URIs by the secret they name.
        expect(
          byLabel(
            got.localApp,
            got.owned.map((s) => ({ id: s.id, label: s.label })),
          ),
        ).toEqual(byLabel(step.wrote.localApp, step.secrets));
        expect(secretView(got.owned)).toEqual(secretView(step.secrets.filter((s) => s.owner !== "remote")));
        expect(got.emitted).toEqual(step.emitted.map((e) => ({ ...recordedEvent(e), relation: REL_ID, app: "app" })));
      });
    });
  }

  test("a new revision only when the content changes", async () => {
    const { results } = await replay("provider-secrets");
    const user = (i: number) => results[i]?.out.secrets.find((s) => s.label === "database.7.user.secret");
    // update-status set the same username and a new password: one secret, its content updated in place.
    expect(user(2)?.id).toBe(user(1)?.id);
    expect(user(2)?.latestContent["password"]).toBe("Rt5yUi8oPa2sDf6g");
    expect(user(2)?.latestContent["uris"]).toBe(user(1)?.latestContent["uris"]);
  });
});

describe("secret revisions", () => {
  test("setting the same content again makes no new revision; a change makes one (the library's DPE-4182 rule)", async () => {
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    const relation = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "app",
      remoteAppData: { database: "app", "requested-secrets": '["username", "password"]' },
    });
    calls = [["set_credentials", REL_ID, "u", "p1"]];
    let state = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    const revision = async (): Promise<number> => {
      calls = [];
      let seenRevision = 0;
      class Probe extends DatabaseCharm {
        constructor(framework: Framework) {
          super(framework);
          framework.observe(this.on.updateStatus, () => {
            seenRevision = this.model.getSecret({ label: "database.7.user.secret" }).getInfo().revision;
          });
        }
      }
      const probe = new Context(Probe, { meta: META, appName: "postgresql" });
      await probe.run(probe.on.updateStatus(), state);
      return seenRevision;
    };
    expect(await revision()).toBe(1);
    calls = [["set_credentials", REL_ID, "u", "p1"]];
    state = await ctx.run(ctx.on.updateStatus(), state);
    expect(await revision()).toBe(1);
    calls = [["set_credentials", REL_ID, "u", "p2"]];
    state = await ctx.run(ctx.on.updateStatus(), state);
    expect(await revision()).toBe(2);
  });
});

describe("DatabaseProvides reads what data_interfaces requirers wrote", () => {
  async function request(remoteAppData: Record<string, string>) {
    seen.length = 0;
    calls = [];
    fieldsOf = { database_requested: ["database", "extra_user_roles", "external_node_connectivity", "prefix_matching"] };
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    const relation = new Relation({ endpoint: "database", id: REL_ID, remoteAppName: "app", remoteAppData });
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    return { out, events: [...seen], rel: out.getRelation(REL_ID) as Relation };
  }

  test("v0 DatabaseRequires' request", async () => {
    const bag = (recording("requirer-secrets").steps[0] as RecordedStep).wrote.localApp;
    const { events } = await request(bag);
    expect(events).toEqual([
      {
        event: "database_requested",
        database: "app",
        extra_user_roles: null,
        external_node_connectivity: false,
        prefix_matching: null,
        relation: REL_ID,
        app: "app",
      },
    ]);
  });

  test("v0 DatabaseRequires' request with options", async () => {
    const bag = (recording("requirer-options").steps[0] as RecordedStep).wrote.localApp;
    const { events } = await request(bag);
    expect(events).toEqual([
      {
        event: "database_requested",
        database: "app",
        extra_user_roles: "admin",
        external_node_connectivity: true,
        prefix_matching: "all",
        relation: REL_ID,
        app: "app",
      },
    ]);
  });

  test("a v1 request (`version`, `requests`) is a blocked status saying so, not a crash", async () => {
    const bag = (recording("v1-requirer-created").steps[0] as RecordedStep).wrote.localApp;
    const { events, out, rel } = await request(bag);
    expect(events).toEqual([]);
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain("v1 `requests` are not served");
    expect(rel.localAppData["data"]).toBeUndefined();
  });

  test("requested-secrets that is not a JSON list is a blocked status", async () => {
    const { events, out } = await request({ database: "app", "requested-secrets": "username,password" });
    expect(events).toEqual([]);
    expect(out.unitStatus.name).toBe("blocked");
    expect(out.unitStatus.message).toContain('"requested-secrets"');
    expect(out.unitStatus.message).toContain("a JSON list of field names");
  });

  test("changing entity-type after set-up is refused (blocked), and not snapshotted", async () => {
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    calls = [];
    const first = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "app",
      remoteAppData: { database: "app", "entity-type": "USER" },
    });
    const one = await ctx.run(ctx.on.relationChanged(first, { remoteUnit: 0 }), new State({ leader: true, relations: [first] }));
    const data = (one.getRelation(REL_ID) as Relation).localAppData;
    const second = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "app",
      localAppData: data,
      remoteAppData: { database: "app", "entity-type": "GROUP" },
    });
    const two = await ctx.run(ctx.on.relationChanged(second, { remoteUnit: 0 }), one.with({ relations: [second] }));
    expect(two.unitStatus.name).toBe("blocked");
    expect(two.unitStatus.message).toContain('"entity-type"');
    expect((two.getRelation(REL_ID) as Relation).localAppData["data"]).toBe(data["data"]);
  });
});

describe("refusals", () => {
  test("a non-leader's answer is refused with NotLeaderError before any write", async () => {
    calls = [["set_credentials", REL_ID, "u", "p"]];
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    const relation = new Relation({ endpoint: "database", id: REL_ID, remoteAppName: "app", remoteAppData: { database: "app" } });
    const run = ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: false, relations: [relation] }));
    const error = (await run.catch((e: unknown) => e)) as { cause?: unknown };
    expect(error.cause).toBeInstanceOf(NotLeaderError);
    expect(String(error.cause)).toMatch(/only the leader can answer on database:7/);
  });

  test("credentials before the requirer asked for a database are premature, as in the library", async () => {
    calls = [["set_credentials", REL_ID, "u", "p"]];
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    const relation = new Relation({ endpoint: "database", id: REL_ID, remoteAppName: "app" });
    const error = (await ctx.run(ctx.on.updateStatus(), new State({ leader: true, relations: [relation] })).catch((e: unknown) => e)) as {
      cause?: unknown;
    };
    expect(error.cause).toBeInstanceOf(PrematureDataAccessError);
    // Endpoints may go first.
    calls = [["set_endpoints", REL_ID, "10.0.0.1:5432"]];
    const out = await ctx.run(ctx.on.updateStatus(), new State({ leader: true, relations: [relation] }));
    expect((out.getRelation(REL_ID) as Relation).localAppData["endpoints"]).toBe("10.0.0.1:5432");
  });

  test("a password never reaches the bag when the requirer asked for secrets", async () => {
    calls = [["set_credentials", REL_ID, "u", "sekrit-pw"]];
    const ctx = new Context(DatabaseCharm, { meta: META, appName: "postgresql" });
    const relation = new Relation({
      endpoint: "database",
      id: REL_ID,
      remoteAppName: "app",
      remoteAppData: { database: "app", "requested-secrets": '["username", "password"]' },
    });
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    const bag = (out.getRelation(REL_ID) as Relation).localAppData;
    expect(JSON.stringify(bag)).not.toContain("sekrit-pw");
    expect(ctx.jujuLog.map((l) => l.message).join("\n")).not.toContain("sekrit-pw");
    expect(Object.keys(bag).sort()).toEqual(["data", "secret-user"]);
  });
});
