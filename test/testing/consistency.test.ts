// testing/consistency.ts: every refusal of the consistency checker, each with a State (and event)
// that triggers it, and a consistent State that passes.

import { describe, expect, test } from "vitest";

import { InconsistentScenarioError, checkConsistency } from "../../testing/consistency.js";
import { resolveCharmMeta } from "../../testing/charm-meta.js";
import type { ContextEvent } from "../../testing/events.js";
import { ContextEvents } from "../../testing/events.js";
import { Network, PeerRelation, Relation, Secret, State, Storage, StoredState, SubordinateRelation } from "../../testing/state.js";

const meta = resolveCharmMeta({
  meta: {
    name: "web",
    peers: { peers: { interface: "web-peers" } },
    requires: { db: { interface: "postgresql" }, info: { interface: "juju-info", scope: "container" } },
    provides: { site: { interface: "http" } },
    storage: { data: { type: "filesystem" } },
  },
  config: { options: { port: { type: "int", default: 8080 }, name: { type: "string" }, token: { type: "secret" } } },
  actions: { backup: { params: { compress: { type: "boolean" } } }, restore: { params: { from: { type: "string" } }, required: ["from"] } },
});
const on = new ContextEvents("web");

/** The checker's problems for a State and event; empty when it is consistent. */
function problems(state: State, event: ContextEvent = on.start()): string {
  try {
    checkConsistency(meta, state, event, 0);
  } catch (error) {
    if (error instanceof InconsistentScenarioError) return error.message;
    throw error;
  }
  return "";
}

describe("the consistency checker", () => {
  const db = new Relation({ endpoint: "db", remoteAppName: "pg", remoteUnitsData: { 0: { host: "h" } } });
  const peers = new PeerRelation({ endpoint: "peers", peersData: { 1: {} } });
  const owned = new Secret({ owner: "unit", trackedContent: { token: "t" } });
  const granted = new Secret({ trackedContent: { token: "t" } });
  const data = new Storage({ name: "data" });

  test("passes a State Juju could produce, with the events it could run", () => {
    const state = new State({
      leader: true,
      config: { port: 80, name: "x" },
      relations: [db, peers, new SubordinateRelation({ endpoint: "info", remoteAppName: "ubuntu" })],
      secrets: [owned, granted],
      storages: [data],
      networks: [new Network({ binding: "db" })],
      storedStates: [new StoredState({ name: "counter" })],
    });
    for (const event of [
      on.start(),
      on.leaderElected(),
      on.relationChanged(db, { remoteUnit: 0 }),
      on.relationDeparted(peers, { remoteUnit: 1 }),
      on.secretChanged(granted),
      on.secretRotate(owned),
      on.storageAttached(data),
      on.action("restore", { from: "/srv" }),
    ]) {
      expect(problems(state, event)).toBe("");
    }
  });

  test.each([
    [
      "a config key not in the metadata",
      new State({ config: { colour: "red" } }),
      'config option "colour" is not declared in web\'s config',
    ],
    ["a config value of the wrong type", new State({ config: { port: "80" } }), 'config option "port" is a int, but the state gives "80"'],
    [
      "a secret option that is not a secret URI",
      new State({ config: { token: "x" } }),
      'config option "token" is a secret, but "x" is not a secret URI',
    ],
    [
      "two relations with one id",
      new State({ relations: [db, new Relation({ endpoint: "site", id: db.id })] }),
      `two relations have id ${db.id}`,
    ],
    [
      "an undeclared endpoint",
      new State({ relations: [new Relation({ endpoint: "cache" })] }),
      'relation endpoint "cache" is not declared in web\'s metadata',
    ],
    [
      "a peer endpoint as a Relation",
      new State({ relations: [new Relation({ endpoint: "peers" })] }),
      '"peers" is a peer endpoint: use PeerRelation',
    ],
    [
      "a regular endpoint as a PeerRelation",
      new State({ relations: [new PeerRelation({ endpoint: "db" })] }),
      '"db" is a requires endpoint, not a peer one: use Relation',
    ],
    [
      "a SubordinateRelation on a global endpoint of a principal charm",
      new State({ relations: [new SubordinateRelation({ endpoint: "db", remoteAppName: "pg" })] }),
      "needs a container-scoped endpoint or a subordinate charm",
    ],
    [
      "two remote units in a container-scoped relation",
      new State({ relations: [new Relation({ endpoint: "info", remoteAppName: "ubuntu", remoteUnitsData: { 0: {}, 1: {} } })] }),
      "a container-scoped relation has one, the unit on the same machine",
    ],
    [
      "the unit under test in peersData",
      new State({ relations: [new PeerRelation({ endpoint: "peers", peersData: { 0: {} } })] }),
      "peersData has web/0, the unit under test",
    ],
    [
      "a bag value that is not a string",
      new State({ relations: [new Relation({ endpoint: "db", localUnitData: { port: 5432 as unknown as string } })] }),
      'localUnitData["port"] is 5432: relation data values are strings',
    ],
    [
      "an undeclared storage",
      new State({ storages: [new Storage({ name: "cache" })] }),
      'storage "cache" is not declared in web\'s metadata',
    ],
    [
      "a network binding that is no endpoint",
      new State({ networks: [new Network({ binding: "mgmt" })] }),
      'network binding "mgmt" is neither an endpoint nor an extra-binding of web',
    ],
    [
      "two stored states of one name",
      new State({ storedStates: [new StoredState({ name: "s" }), new StoredState({ name: "s" })] }),
      'two stored states are named "s"',
    ],
  ])("refuses %s", (_what, state, message) => {
    expect(problems(state)).toContain(message);
  });

  test.each([
    [
      "a relation event on an undeclared endpoint",
      () => on.relationChanged(new Relation({ endpoint: "cache" })),
      new State(),
      'is about endpoint "cache", which is not declared',
    ],
    ["a relation event without its relation", () => on.relationChanged(db), new State(), "db-relation-changed is about relation"],
    [
      "relation-broken for a peer relation",
      () => on.relationBroken(peers),
      new State({ relations: [peers] }),
      "Juju never runs relation-broken for a peer relation",
    ],
    [
      "a remote unit not in the relation",
      () => on.relationChanged(db, { remoteUnit: 3 }),
      new State({ relations: [db] }),
      "remote unit pg/3 is not in relation",
    ],
    [
      "relation-joined with no remote unit to join",
      () => on.relationJoined(new Relation({ endpoint: "db", remoteAppName: "pg", remoteUnitsData: {} })),
      new State({ relations: [new Relation({ endpoint: "db", remoteAppName: "pg", remoteUnitsData: {} })] }),
      "needs a remote unit",
    ],
    [
      "a secret event for a secret not in the State",
      () => on.secretChanged(granted),
      new State(),
      "is about a secret that is not in the state's secrets",
    ],
    [
      "secret-changed on a secret this unit manages",
      () => on.secretChanged(owned),
      new State({ secrets: [owned] }),
      "secret-changed goes to observers of a secret, but this unit manages",
    ],
    [
      "secret-rotate on a secret this unit does not manage",
      () => on.secretRotate(granted),
      new State({ secrets: [granted] }),
      "secret-rotate goes to the unit that manages the secret",
    ],
    [
      "a storage event on an undeclared storage",
      () => on.storageAttached(new Storage({ name: "cache" })),
      new State(),
      'storage "cache" is not declared',
    ],
    [
      "a storage event without its storage",
      () => on.storageAttached(data),
      new State(),
      "is about storage data/0, which is not in the state's storages",
    ],
    ["an undeclared action", () => on.action("deploy"), new State(), 'action "deploy" is not declared in web\'s actions'],
    [
      "an action with invalid params",
      () => on.action("restore"),
      new State(),
      'action "restore": validation failed: (root) : "from" property is missing and required',
    ],
    ["leader-elected on a non-leader", () => on.leaderElected(), new State(), "Juju runs leader-elected only on the leader"],
    [
      "leader-settings-changed on the leader",
      () => on.leaderSettingsChanged(),
      new State({ leader: true }),
      "Juju runs leader-settings-changed only on non-leaders",
    ],
  ])("refuses %s", (_what, event, state, message) => {
    expect(problems(state, event())).toContain(message);
  });
});
