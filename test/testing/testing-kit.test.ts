// tscharm/testing itself: Context/State semantics, the consistency checker, and the Harness methods.

import { describe, expect, test } from "vitest";

import {
  type ActionEvent,
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CollectStatusEvent,
  type EventBase,
  type Framework,
  type JsonValue,
  MaintenanceStatus,
  UnknownStatus,
  type RelationEvent,
  type SecretChangedEvent,
  type StorageAttachedEvent,
  log,
} from "tscharm";
import {
  ActionFailed,
  Context,
  DeferredEvent,
  Harness,
  InconsistentScenarioError,
  Network,
  PeerRelation,
  Relation,
  Secret,
  State,
  Storage,
  StoredState,
  SubordinateRelation,
  UncaughtCharmError,
} from "tscharm/testing";

const META = {
  name: "web",
  peers: { peers: { interface: "web-peers" } },
  requires: { db: { interface: "postgresql" }, info: { interface: "juju-info", scope: "container" } },
  provides: { site: { interface: "http" } },
  storage: { data: { type: "filesystem" } },
};
const CONFIG = { options: { port: { type: "int", default: 8080 }, name: { type: "string" } } };
const ACTIONS = {
  backup: { params: { target: { type: "string", default: "/srv/backup" }, compress: { type: "boolean" } }, additionalProperties: false },
  restore: { params: { from: { type: "string" } }, required: ["from"] },
};

/** A charm that records what it saw, and does what the test's state asks. */
let seen: string[] = [];

class WebCharm extends CharmBase {
  readonly counter = this.framework.storedState("counter", { events: 0 });

  constructor(framework: Framework) {
    super(framework);
    const record = (event: EventBase): void => {
      seen.push(event.kind);
      this.counter.events += 1;
    };
    for (const event of [this.on.install, this.on.start, this.on.leaderElected, this.on.leaderSettingsChanged, this.on.configChanged]) {
      framework.observe(event, record);
    }
    for (const phase of ["relationCreated", "relationJoined", "relationChanged", "relationDeparted", "relationBroken"] as const) {
      for (const endpoint of ["db", "peers", "info"]) {
        framework.observe(this.on[phase](endpoint), (event: RelationEvent) => {
          seen.push(`${event.kind} ${event.unit?.name ?? "-"}`);
        });
      }
    }
    framework.observe(this.on.secretChanged, (event: SecretChangedEvent) => {
      seen.push(`secret-changed ${JSON.stringify(event.secret.getContent({ refresh: true }))}`);
    });
    framework.observe(this.on.secretRotate, (event: EventBase) => {
      seen.push(event.kind);
    });
    framework.observe(this.on.storageAttached("data"), (event: StorageAttachedEvent) => {
      seen.push(`${event.kind} ${event.storage.location}`);
    });
    framework.observe(this.on.updateStatus, (event: EventBase) => {
      log.info("update-status ran");
      if (this.config["name"] === "defer") event.defer();
      if (this.config["name"] === "fail") throw new Error("asked to fail");
      if (this.config["name"] === "ports") this.unit.openPort("tcp", 8080);
      if (this.config["name"] === "twice") {
        this.unit.addSecret({ token: "a" }, { label: "mine" });
        this.unit.addSecret({ token: "b" }, { label: "mine" });
      }
      if (this.config["name"] === "network") log.info(this.model.getBinding("site").network.ingressAddress);
    });
    framework.observe(this.on.action("backup"), (event: ActionEvent) => {
      event.log("backing up");
      event.setResults({ target: text(event.params["target"]), compress: text(event.params["compress"]) });
    });
    framework.observe(this.on.action("restore"), (event: ActionEvent) => {
      event.fail(`cannot restore from ${text(event.params["from"])}`);
    });
    framework.observe(this.on.collectUnitStatus, (event: CollectStatusEvent) => {
      event.addStatus(this.config["name"] === "blocked" ? new BlockedStatus("name says so") : new ActiveStatus());
    });
  }
}

function text(value: JsonValue | undefined): string {
  return value === undefined ? "unset" : typeof value === "string" ? value : JSON.stringify(value);
}

const context = (): Context<WebCharm> => new Context(WebCharm, { meta: META, config: CONFIG, actions: ACTIONS });

describe("Context", () => {
  test("returns a new State and never changes the one it was given", async () => {
    seen = [];
    const ctx = context();
    const db = new Relation({ endpoint: "db", remoteAppName: "pg", remoteUnitsData: { 0: { host: "h" } } });
    const before = new State({
      config: { name: "x" },
      relations: [db],
      storedStates: [new StoredState({ name: "counter", content: { events: 4 } })],
    });
    const out = await ctx.run(ctx.on.relationChanged(db), before);
    expect(out).not.toBe(before);
    expect(before.getStoredState("counter")?.content).toEqual({ events: 4 });
    expect(out.getStoredState("counter")?.content).toEqual({ events: 4 });
    expect(Object.isFrozen(before) && Object.isFrozen(before.relations) && Object.isFrozen(db.remoteUnitsData[0])).toBe(true);
    expect(seen).toEqual(["db-relation-changed pg/0"]);
    expect(out.unitStatus).toEqual(new ActiveStatus());
  });

  test("stored state persists across runs through the State", async () => {
    const ctx = context();
    const once = await ctx.run(ctx.on.start(), new State());
    const twice = await ctx.run(ctx.on.start(), once);
    expect(twice.getStoredState("counter")?.content).toEqual({ events: 2 });
  });

  test("records logs, status history and every emitted event, deferred ones first", async () => {
    const ctx = context();
    const deferred = ctx.on.configChanged().deferred("record");
    expect(deferred).toEqual(new DeferredEvent({ kind: "config-changed", observer: "record", snapshot: {} }));
    await ctx.run(ctx.on.updateStatus(), new State({ leader: true, config: { name: "blocked" }, deferred: [deferred] }));
    expect(ctx.emittedEvents.map((e) => [e.kind, e.reemitted])).toEqual([
      ["config-changed", true],
      ["update-status", false],
      ["collect-unit-status", false],
    ]);
    expect(ctx.jujuLog.filter((line) => line.level !== "DEBUG")).toEqual([{ level: "INFO", message: "update-status ran" }]);
    // DEBUG records too: in process they cost no hook-tool process.
    expect(ctx.jujuLog).toContainEqual({ level: "DEBUG", message: "emitting update-status" });
    // The status before each change: the State's (unknown), then collect-status set blocked.
    expect(ctx.unitStatusHistory).toEqual([new UnknownStatus()]);
  });

  test("a deferral is stored in the output State, once", async () => {
    const ctx = context();
    const out = await ctx.run(ctx.on.updateStatus(), new State({ config: { name: "defer" } }));
    const again = await ctx.run(ctx.on.updateStatus(), out);
    // The handler is an unnamed arrow function, so its id is "anonymous".
    expect(again.deferred).toEqual([ctx.on.updateStatus().deferred("anonymous")]);
  });

  test("a charm error is an UncaughtCharmError and nothing is committed", async () => {
    const ctx = context();
    const failure = await ctx.run(ctx.on.updateStatus(), new State({ config: { name: "fail" } })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtCharmError);
    expect(String(failure)).toBe("UncaughtCharmError: update-status failed: Error: asked to fail");
  });

  test("Juju's refusal at commit fails the hook too (two secrets with one label)", async () => {
    const ctx = context();
    const failure = await ctx.run(ctx.on.updateStatus(), new State({ config: { name: "twice" } })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UncaughtCharmError);
    expect(String(failure)).toContain('secret with label "mine" already exists');
  });

  test("actions: params with schema defaults, results, logs; a failure raises ActionFailed with the State", async () => {
    const ctx = context();
    await ctx.run(ctx.on.action("backup", { compress: true }), new State());
    expect(ctx.actionResults).toEqual({ target: "/srv/backup", compress: "true" });
    expect(ctx.actionLogs).toEqual(["backing up"]);
    const failure = await ctx.run(ctx.on.action("restore", { from: "/tmp/x" }), new State()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionFailed);
    expect((failure as ActionFailed<State>).message).toBe("cannot restore from /tmp/x");
    expect((failure as ActionFailed<State>).state).toBeInstanceOf(State);
  });

  test("ports, networks, storage and planned units come from the State", async () => {
    const ctx = context();
    const out = await ctx.run(
      ctx.on.updateStatus(),
      new State({ config: { name: "ports" }, openedPorts: [{ protocol: "udp", port: 53 }] }),
    );
    expect(out.openedPorts).toEqual([
      { protocol: "udp", port: 53 },
      { protocol: "tcp", port: 8080 },
    ]);
    await ctx.run(
      ctx.on.updateStatus(),
      new State({ config: { name: "network" }, networks: [new Network({ binding: "site", address: "10.9.8.7" })] }),
    );
    expect(ctx.jujuLog.at(-1)?.message).toBe("10.9.8.7");
    seen = [];
    const storage = new Storage({ name: "data", index: 1, location: "/srv/data" });
    await ctx.run(ctx.on.storageAttached(storage), new State({ storages: [storage] }));
    expect(seen).toEqual(["data-storage-attached /srv/data"]);
  });

  test("peer and subordinate relations, and the remote unit of an event", async () => {
    seen = [];
    const ctx = context();
    const peers = new PeerRelation({ endpoint: "peers", peersData: { 3: {}, 5: {} } });
    const info = new SubordinateRelation({ endpoint: "info", remoteAppName: "ubuntu", remoteUnitId: 7 });
    const state = new State({ relations: [peers, info] });
    await ctx.run(ctx.on.relationJoined(peers, { remoteUnit: 5 }), state);
    await ctx.run(ctx.on.relationChanged(info), state);
    await ctx.run(ctx.on.relationDeparted(peers, { remoteUnit: "web/3" }), state);
    expect(seen).toEqual(["peers-relation-joined web/5", "info-relation-changed ubuntu/7", "peers-relation-departed web/3"]);
  });

  test("metadata can be YAML text", async () => {
    const ctx = new Context(WebCharm, {
      meta:
        "name: web\nrequires:\n  db: {interface: pg}\npeers:\n  peers: {interface: p}\n  info: {interface: i}\n" +
        "storage:\n  data: {type: block}\n",
      config: "options:\n  name: {type: string}\n",
      actions: "backup: {}\nrestore: {}\n",
    });
    expect(ctx.meta.storage["data"]?.type).toBe("block");
    expect(await ctx.run(ctx.on.start(), new State())).toBeInstanceOf(State);
  });
});

describe("the consistency checker refuses what Juju could not produce", () => {
  const ctx = context();
  const db = new Relation({ endpoint: "db", remoteAppName: "pg" });
  const owned = new Secret({ owner: "unit", trackedContent: { token: "t" } });
  const granted = new Secret({ trackedContent: { token: "t" } });

  test.each([
    [
      "an unknown endpoint",
      () => ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "cache" })] })),
      'relation endpoint "cache" is not declared in web\'s metadata (declared: site, db, info, peers)',
    ],
    [
      "an unknown action",
      () => ctx.run(ctx.on.action("deploy"), new State()),
      'action "deploy" is not declared in web\'s actions (declared: backup, restore)',
    ],
    [
      "a missing required param",
      () => ctx.run(ctx.on.action("restore"), new State()),
      'action "restore": validation failed: (root) : "from" property is missing and required, given {}',
    ],
    [
      "an unknown param",
      () => ctx.run(ctx.on.action("backup", { speed: 3 }), new State()),
      'action "backup": validation failed: (root) : additional property "speed" is not allowed, given {"speed":3}',
    ],
    [
      "a param of the wrong type",
      () => ctx.run(ctx.on.action("backup", { compress: "yes" }), new State()),
      'action "backup": validation failed: (root).compress : must be of type boolean, given "yes"',
    ],
    [
      "a relation event without the relation",
      () => ctx.run(ctx.on.relationChanged(db), new State()),
      "db-relation-changed is about relation",
    ],
    [
      "a remote unit not in the relation",
      () => ctx.run(ctx.on.relationChanged(db, { remoteUnit: 3 }), new State({ relations: [db] })),
      "remote unit pg/3 is not in relation",
    ],
    [
      "secret-changed on a secret this unit owns",
      () => ctx.run(ctx.on.secretChanged(owned), new State({ secrets: [owned] })),
      "secret-changed goes to observers of a secret, but this unit manages",
    ],
    [
      "secret-rotate on a secret this unit does not own",
      () => ctx.run(ctx.on.secretRotate(granted), new State({ secrets: [granted] })),
      "secret-rotate goes to the unit that manages the secret",
    ],
    [
      "a config key not in the metadata",
      () => ctx.run(ctx.on.start(), new State({ config: { colour: "red" } })),
      'config option "colour" is not declared in web\'s config (declared: port, name)',
    ],
    [
      "a config value of the wrong type",
      () => ctx.run(ctx.on.start(), new State({ config: { port: "80" } })),
      'config option "port" is a int, but the state gives "80"',
    ],
    [
      "a non-string bag value",
      () =>
        ctx.run(
          ctx.on.start(),
          new State({ relations: [new Relation({ endpoint: "db", remoteAppData: { port: 5432 as unknown as string } })] }),
        ),
      'remoteAppData["port"] is 5432: relation data values are strings',
    ],
    ["leader-elected on a non-leader", () => ctx.run(ctx.on.leaderElected(), new State()), "Juju runs leader-elected only on the leader"],
    [
      "a peer relation given as a regular one",
      () => ctx.run(ctx.on.start(), new State({ relations: [new Relation({ endpoint: "peers" })] })),
      '"peers" is a peer endpoint: use PeerRelation',
    ],
  ])("%s", async (_what, run, message) => {
    const failure = await run().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InconsistentScenarioError);
    expect((failure as Error).message).toContain(message);
  });
});

describe("Harness", () => {
  const harness = (): Harness<WebCharm> => new Harness(WebCharm, { meta: META, config: CONFIG, actions: ACTIONS });

  test("nothing runs before begin(); each event after it gets a fresh charm instance", async () => {
    seen = [];
    const h = harness();
    await h.setLeader(true);
    await h.updateConfig({ name: "x" });
    expect(seen).toEqual([]);
    await h.begin();
    const first = h.charm;
    await h.updateConfig({ name: "y" });
    expect(seen).toEqual(["config-changed"]);
    expect(h.charm).not.toBe(first);
    expect(h.charm.counter.events).toBe(1);
    h.cleanup();
  });

  test("setLeader: true runs leader-elected, false runs leader-settings-changed, no change runs nothing", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    await h.setLeader(true);
    await h.setLeader(true);
    await h.setLeader(false);
    expect(seen).toEqual(["leader-elected", "leader-settings-changed"]);
    expect(h.charm.unit.isLeader()).toBe(false);
  });

  test("beginWithInitialHooks runs Juju's order for a new unit", async () => {
    seen = [];
    const h = harness();
    h.juju.attachStorage("web/0", "data/0", { kind: "filesystem", location: "/srv/d0" });
    const db = await h.addRelation("db", "pg", { unitData: { host: "h" } });
    await h.beginWithInitialHooks();
    expect(seen).toEqual([
      "data-storage-attached /srv/d0",
      "install",
      `db-relation-created -`,
      "peers-relation-created -",
      "leader-settings-changed",
      "config-changed",
      "start",
      "db-relation-joined pg/0",
      "db-relation-changed pg/0",
    ]);
    expect(h.getRelationData(db, "pg/0")).toEqual({
      "egress-subnets": "192.0.2.0/32",
      "ingress-address": "192.0.2.0",
      "private-address": "192.0.2.0",
      host: "h",
    });
  });

  test("relation units come and go; removing a relation departs its units and breaks it", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    const db = await h.addRelation("db", "pg");
    await h.addRelationUnit(db, "pg/0");
    await h.updateRelationData(db, "pg/0", { host: "h" });
    await h.updateRelationData(db, "pg/0", { host: "h" });
    await h.updateRelationData(db, "web/0", { mine: "x" });
    // The remote application's bag: relation-changed with no remote unit, as Juju runs it.
    await h.updateRelationData(db, "pg", { endpoint: "pg:5432" });
    await h.removeRelation(db);
    expect(seen).toEqual([
      "db-relation-created -",
      "db-relation-joined pg/0",
      "db-relation-changed pg/0",
      "db-relation-changed -",
      "db-relation-departed pg/0",
      "db-relation-broken -",
    ]);
  });

  test("config: unknown keys and wrong types are refused", async () => {
    const h = harness();
    await expect(h.updateConfig({ colour: "red" })).rejects.toThrow('unknown config option "colour"');
    await expect(h.updateConfig({ port: "80" })).rejects.toThrow('config option "port" is a int, not "80"');
    const secrets = new Harness(WebCharm, { meta: META, config: { options: { token: { type: "secret" } } } });
    await expect(secrets.updateConfig({ token: "d0000000000000000001" })).rejects.toThrow(
      'config option "token" is a secret, but "d0000000000000000001" is not a secret URI: secret URI scheme missing not valid',
    );
    await secrets.updateConfig({ token: "secret:d0000000000000000001" });
    await h.updateConfig({ port: 81 });
    // A refused update changes nothing, not even the values before the bad one.
    await expect(h.updateConfig({ port: 82, colour: "red" })).rejects.toThrow('unknown config option "colour"');
    await h.begin();
    expect(h.model.config["port"]).toBe(81);
  });

  test("user and model secrets: grant, new content runs secret-changed with the new revision", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    const user = h.addUserSecret({ password: "one" });
    h.grantSecret(user, "web");
    // Juju tells consumers, units that have read (track) a revision: the charm reads it first.
    expect(h.model.getSecret({ id: user }).getContent()).toEqual({ password: "one" });
    await h.setSecretContent(user, { password: "two" });
    expect(seen).toEqual(['secret-changed {"password":"two"}']);
    const model = h.addModelSecret("pg", { password: "x" });
    expect(() => {
      h.grantSecret(model, "web");
    }).toThrow("there is no relation between web and pg");
    await h.addRelation("db", "pg");
    h.grantSecret(model, "web");
    h.revokeSecret(model, "web");
    expect(h.juju.secrets.get(model.split("/").at(-1) ?? "")?.grants.size).toBe(0);
  });

  test("a secret the unit never read: a new revision runs no secret-changed (it is not a consumer yet)", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    const user = h.addUserSecret({ password: "one" });
    h.grantSecret(user, "web");
    await h.setSecretContent(user, { password: "two" });
    expect(seen).toEqual([]);
    // Its first read pins the latest revision.
    expect(h.model.getSecret({ id: user }).getContent()).toEqual({ password: "two" });
  });

  test("removing a relation ends the secret grants made over it, as the engine does", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    const relationId = await h.addRelation("db", "pg");
    const secret = h.addModelSecret("pg", { password: "x" });
    h.grantSecret(secret, "web");
    expect(h.model.getSecret({ id: secret }).getContent()).toEqual({ password: "x" });
    const xid = secret.split("/").at(-1) ?? "";
    expect(h.juju.secrets.get(xid)?.grants.has("web")).toBe(true);
    await h.removeRelation(relationId);
    expect(h.juju.secrets.get(xid)?.grants.has("web")).toBe(false);
    // The engine refuses the read too, and the owner's new revision is no longer this unit's to hear.
    expect(() => h.model.getSecret({ id: secret }).getContent({ refresh: true })).toThrow();
    seen = [];
    await h.setSecretContent(secret, { password: "y" });
    expect(seen).toEqual([]);
  });

  test("secret rotation is for owned secrets only", async () => {
    seen = [];
    const h = harness();
    await h.begin();
    const user = h.addUserSecret({ password: "one" });
    await expect(h.triggerSecretRotation(user)).rejects.toThrow("does not own");
    const own = h.juju.addSecret({ kind: "unit", unit: "web/0" }, { token: "t" });
    await h.triggerSecretRotation(h.juju.secretUri(own.xid));
    expect(seen).toEqual(["secret-rotate"]);
  });

  test("runAction returns logs and results, and raises ActionFailed on failure", async () => {
    const h = harness();
    await h.begin();
    expect(await h.runAction("backup", { target: "/x" })).toEqual({ logs: ["backing up"], results: { target: "/x", compress: "unset" } });
    const failure = await h.runAction("restore", { from: "/y" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionFailed);
    expect((failure as ActionFailed<unknown>).output).toEqual({ logs: [], results: {} });
    // Juju validates params against the action's schema before it runs, in its own words.
    await expect(h.runAction("restore")).rejects.toThrow(
      'action "restore": validation failed: (root) : "from" property is missing and required, given {}',
    );
    await expect(h.runAction("backup", { compress: "yes" })).rejects.toThrow(
      'action "backup": validation failed: (root).compress : must be of type boolean, given "yes"',
    );
    // An undeclared param: refused where the action says additionalProperties: false; where it says
    // nothing, Juju 3.6 takes it and Juju 4 refuses it (juju/juju internal/charm/actions.go, issue 21294).
    await expect(h.runAction("backup", { speed: 3 })).rejects.toThrow('additional property "speed" is not allowed');
    await expect(h.runAction("restore", { from: "/y", speed: 3 })).rejects.toBeInstanceOf(ActionFailed);
    const juju4 = new Harness(WebCharm, { meta: META, config: CONFIG, actions: ACTIONS, jujuVersion: "4.0.0" });
    await juju4.begin();
    await expect(juju4.runAction("restore", { from: "/y", speed: 3 })).rejects.toThrow(
      'action "restore": validation failed: (root) : additional property "speed" is not allowed, given {"from":"/y","speed":3}',
    );
    await expect(h.runAction("nope")).rejects.toThrow('action "nope" is not declared');
  });

  test("addModelSecret with this charm's own application: the leader manages it, every unit reads it", async () => {
    seen = [];
    const h = harness();
    await h.setLeader(true);
    await h.begin();
    const id = h.addModelSecret("web", { password: "s3cret" });
    expect(h.model.getSecret({ id }).getContent()).toEqual({ password: "s3cret" });
    h.model.getSecret({ id }).setInfo({ description: "the app's own" });
    expect(h.model.getSecret({ id }).getInfo()).toMatchObject({ description: "the app's own", owner: "application" });
    await expect(h.triggerSecretRotation(id)).resolves.toBeUndefined();
    expect(seen).toContain("secret-rotate");
    // A follower reads it, and may not manage it.
    await h.setLeader(false);
    expect(h.model.getSecret({ id }).getContent()).toEqual({ password: "s3cret" });
    expect(() => {
      h.model.getSecret({ id }).setInfo({ description: "mine now" });
    }).toThrow("this unit is not the leader");
    // The charm shares its own secrets itself.
    expect(() => {
      h.grantSecret(id, "pg");
    }).toThrow(`grantSecret: ${id} is owned by the charm under test, which shares it itself (secret.grant(relation) in a handler)`);
    expect(() => {
      h.revokeSecret(id, "pg");
    }).toThrow("revokeSecret");
  });

  test("addModelSecret with this unit, or another unit of the application, as the owner", async () => {
    const h = harness();
    await h.begin();
    const mine = h.addModelSecret("web/0", { token: "mine" });
    h.model.getSecret({ id: mine }).setInfo({ label: "own" });
    expect(h.model.getSecret({ label: "own" }).getContent()).toEqual({ token: "mine" });
    // A peer's unit secret is read once the peer grants it over the peer relation.
    const peers = await h.addRelation("peers", "web");
    await h.addRelationUnit(peers, "web/1");
    const theirs = h.addModelSecret("web/1", { token: "theirs" });
    expect(() => h.model.getSecret({ id: theirs })).toThrow("permission denied");
    h.grantSecret(theirs, "web/0");
    expect(h.model.getSecret({ id: theirs }).getContent()).toEqual({ token: "theirs" });
  });

  test("secret content and planned units are checked as ops' Harness checks them", async () => {
    const h = harness();
    await h.begin();
    expect(() => h.addModelSecret("pg", { Bad_Key: "x" })).toThrow('key "Bad_Key" not valid');
    expect(() => h.addUserSecret({})).toThrow("secret content needs at least one key");
    const id = h.addUserSecret({ password: "one" });
    await expect(h.setSecretContent(id, { password: 2 as unknown as string })).rejects.toThrow(
      'secret value for key "password" must be a string',
    );
    expect(() => {
      h.setPlannedUnits(-1);
    }).toThrow("planned units must be 0 or a positive integer, got -1");
    h.setPlannedUnits(0);
    expect(h.juju.app("web").plannedUnits).toBe(0);
  });

  test("a handler error propagates; collect-status runs after every event and on evaluateStatus", async () => {
    const h = harness();
    await h.begin();
    await h.updateConfig({ name: "fail" });
    await expect(h.runHook("update-status")).rejects.toThrow(UncaughtCharmError);
    await expect(h.runHook("db-relation-changed")).rejects.toThrow("needs a relation, secret or storage");
    await h.updateConfig({ name: "blocked" });
    expect(h.model.unit.status).toEqual(new BlockedStatus("name says so"));
    h.juju.setConfig("web", { ...h.juju.app("web").config, name: "ok" });
    await h.evaluateStatus();
    expect(h.model.unit.status).toEqual(new ActiveStatus());
  });

  test("between events the charm's model writes straight to Juju", async () => {
    const h = harness();
    await h.begin();
    h.model.unit.status = new MaintenanceStatus("poked by a test");
    expect(h.juju.unit("web/0").status).toEqual({ status: "maintenance", message: "poked by a test", data: {} });
  });
});
