// The unit agent's resolver without processes: nextOperation over hand-made local states and remote
// views, hookDone's bookkeeping, and the relation, storage and secret hooks in Juju's order.

import { describe, expect, test } from "vitest";

import {
  type AgentState,
  type HookInfo,
  type Operation,
  type RemoteRelation,
  type RemoteView,
  charmSwitched,
  hookDone,
  knownMembers,
  newAgentState,
  nextOperation,
  sawOwnWrite,
} from "../../simulator/uniter.js";

function view(overrides: Partial<RemoteView> = {}): RemoteView {
  return {
    unit: "app/0",
    dying: false,
    leader: false,
    leaderSettingsVersion: 0,
    configVersion: 0,
    charmVersion: 0,
    forceCharmUpgrade: false,
    updateStatusVersion: 0,
    relations: new Map(),
    storage: new Map(),
    changedSecrets: [],
    obsoleteRevisions: [],
    ...overrides,
  };
}

function relation(overrides: Partial<RemoteRelation> = {}): RemoteRelation {
  return { endpoint: "db", peer: false, remoteApp: "pg", alive: true, members: new Map(), appVersion: 0, ...overrides };
}

/** The hook names the agent runs, marking each done, until it has nothing left (at most `limit`). */
function runAll(agent: AgentState, remote: RemoteView, limit = 50): string[] {
  const names: string[] = [];
  for (let n = 0; n < limit; n++) {
    const op = nextOperation(agent, remote);
    if (op === undefined) return names;
    if (op.kind === "hook") {
      names.push(op.hook.name);
      hookDone(agent, op.hook);
    } else if (op.kind === "note") {
      names.push(`(${op.why})`);
      op.apply(agent);
    } else {
      names.push(`(${op.kind})`);
      if (op.kind === "dead") return names;
      if (op.kind === "task") agent.tasks.shift();
    }
  }
  throw new Error(`no end after ${String(limit)} operations: ${names.join(", ")}`);
}

function hookOf(op: Operation | undefined): HookInfo {
  if (op?.kind !== "hook") throw new Error(`expected a hook, got ${JSON.stringify(op)}`);
  return op.hook;
}

describe("nextOperation: a new unit", () => {
  test("a leader: install, relation-created, leader-elected, config-changed, start; then nothing", () => {
    const agent = newAgentState();
    const remote = view({
      leader: true,
      leaderSettingsVersion: 2,
      relations: new Map([[0, relation({ endpoint: "peers", peer: true, remoteApp: "app" })]]),
    });
    expect(runAll(agent, remote)).toEqual(["install", "peers-relation-created", "leader-elected", "config-changed", "start"]);
    expect(agent).toMatchObject({ installed: true, started: true, leader: true, leaderSettingsVersion: 2, configVersion: 0 });
    expect(nextOperation(agent, remote)).toBeUndefined();
  });

  test("a follower hears leader-settings-changed instead; storage is attached before install", () => {
    const agent = newAgentState();
    const remote = view({ storage: new Map([["data/3", "data"]]) });
    expect(runAll(agent, remote)).toEqual(["data-storage-attached", "install", "leader-settings-changed", "config-changed", "start"]);
    expect(agent.storage).toEqual(["data/3"]);
  });

  // Juju 4 has no leader settings: its leadership resolver only accepts or resigns leadership
  // (juju/juju internal/worker/uniter/leadership/resolver.go on main); the controller view says so
  // with leaderSettingsVersion undefined.
  test("Juju 4: a follower runs no leader-settings-changed, not at setup, not after upgrade-charm, not on losing leadership", () => {
    const juju4 = { leaderSettingsVersion: undefined };
    const agent = newAgentState();
    expect(runAll(agent, view(juju4))).toEqual(["install", "config-changed", "start"]);
    expect(runAll(agent, view({ ...juju4, charmVersion: 1 }))).toEqual(["upgrade-charm", "config-changed", "start"]);
    const leader = newAgentState();
    expect(runAll(leader, view({ ...juju4, leader: true }))).toEqual(["install", "leader-elected", "config-changed", "start"]);
    expect(runAll(leader, view(juju4))).toEqual(["(leadership lost)"]);
  });

  test("a unit dying before install is dead at once", () => {
    expect(nextOperation(newAgentState(), view({ dying: true }))).toEqual({ kind: "dead" });
  });
});

describe("nextOperation: relations", () => {
  function settled(remote: RemoteView): AgentState {
    const agent = newAgentState();
    runAll(agent, remote);
    return agent;
  }

  test("joined then changed per remote unit in unit-number order, then the application's bag", () => {
    const agent = settled(view());
    const remote = view({
      relations: new Map([
        [
          4,
          relation({
            members: new Map([
              ["pg/10", 1],
              ["pg/2", 0],
            ]),
            appVersion: 3,
          }),
        ],
      ]),
    });
    expect(runAll(agent, remote)).toEqual([
      "db-relation-created",
      "db-relation-changed",
      "db-relation-joined",
      "db-relation-changed",
      "db-relation-joined",
      "db-relation-changed",
    ]);
    const hooks: HookInfo[] = [];
    const again = settled(view());
    for (let op = nextOperation(again, remote); op !== undefined; op = nextOperation(again, remote)) {
      hooks.push(hookOf(op));
      hookDone(again, hookOf(op));
    }
    expect(hooks.map((hook) => [hook.kind, hook.remoteUnit ?? hook.remoteApp, hook.version])).toEqual([
      ["relation-created", "pg", undefined],
      ["relation-changed", "pg", 3],
      ["relation-joined", "pg/2", 0],
      ["relation-changed", "pg/2", 0],
      ["relation-joined", "pg/10", 1],
      ["relation-changed", "pg/10", 1],
    ]);
    expect(again.relations["4"]).toEqual({ created: true, members: { "pg/2": 0, "pg/10": 1 }, app: { pg: 3 }, changedPending: undefined });
  });

  test("a bag change runs relation-changed once, however many times it changed", () => {
    const remote = view({ relations: new Map([[1, relation({ members: new Map([["pg/0", 1]]) })]]) });
    const agent = settled(remote);
    const later = view({ relations: new Map([[1, relation({ members: new Map([["pg/0", 7]]) })]]) });
    expect(runAll(agent, later)).toEqual(["db-relation-changed"]);
    expect(agent.relations["1"]?.members).toEqual({ "pg/0": 7 });
  });

  test("a remote unit leaving: relation-departed naming it; the relation dying: departed, then broken", () => {
    const remote = view({
      relations: new Map([
        [
          1,
          relation({
            members: new Map([
              ["pg/0", 0],
              ["pg/1", 0],
            ]),
          }),
        ],
      ]),
    });
    const agent = settled(remote);
    const departedOp = nextOperation(agent, view({ relations: new Map([[1, relation({ members: new Map([["pg/0", 0]]) })]]) }));
    expect(hookOf(departedOp)).toMatchObject({ name: "db-relation-departed", remoteUnit: "pg/1", departingUnit: "pg/1" });
    expect(runAll(agent, view({ relations: new Map([[1, relation({ alive: false })]]) }))).toEqual([
      "db-relation-departed",
      "db-relation-departed",
      "db-relation-broken",
    ]);
    expect(agent.relations["1"]).toBeUndefined();
  });

  test(
    "a dying unit departs everyone naming itself, detaches storage, stops and is removed; " + "a peer relation is forgotten, not broken",
    () => {
      const remote = view({
        storage: new Map([["data/0", "data"]]),
        relations: new Map([[0, relation({ endpoint: "peers", peer: true, remoteApp: "app", members: new Map([["app/1", 0]]) })]]),
      });
      const agent = settled(remote);
      const dying = view({
        dying: true,
        relations: new Map([[0, relation({ endpoint: "peers", peer: true, remoteApp: "app", alive: false })]]),
      });
      const op = nextOperation(agent, dying);
      expect(hookOf(op)).toMatchObject({ name: "data-storage-detaching", storage: "data/0" });
      hookDone(agent, hookOf(op));
      expect(hookOf(nextOperation(agent, dying))).toMatchObject({
        name: "peers-relation-departed",
        remoteUnit: "app/1",
        departingUnit: "app/0",
      });
      expect(runAll(agent, dying)).toEqual(["peers-relation-departed", "(relation 0 is gone)", "stop", "remove"]);
      expect(agent.removed).toBe(true);
      expect(nextOperation(agent, dying)).toBeUndefined();
    },
  );

  test("a stopped unit runs no leader-settings-changed (juju/juju worker/uniter/leadership/resolver.go: only while not stopped)", () => {
    const agent = settled(view());
    const stop = hookOf(nextOperation(agent, view({ dying: true })));
    expect(stop.name).toBe("stop");
    hookDone(agent, stop);
    // The leader left meanwhile: leadership moved on, but this unit has stopped its charm.
    expect(runAll(agent, view({ dying: true, leaderSettingsVersion: 1 }))).toEqual(["remove"]);
  });

  test("knownMembers: relation-list during joined includes the joining unit, during departed not the departing one", () => {
    const agent = newAgentState();
    agent.relations["2"] = { created: true, members: { "pg/0": 0, "pg/1": 0 }, app: {}, changedPending: undefined };
    expect(knownMembers(agent, 2, { name: "db-relation-joined", kind: "relation-joined", relationId: 2, remoteUnit: "pg/5" })).toEqual([
      "pg/0",
      "pg/1",
      "pg/5",
    ]);
    expect(knownMembers(agent, 2, { name: "db-relation-departed", kind: "relation-departed", relationId: 2, remoteUnit: "pg/0" })).toEqual([
      "pg/1",
    ]);
    expect(knownMembers(agent, 3, undefined)).toEqual([]);
  });

  test("sawOwnWrite: the leader is not told about its own peer application bag", () => {
    const peers = relation({ endpoint: "peers", peer: true, remoteApp: "app", appVersion: 1 });
    const agent = settled(view({ leader: true, relations: new Map([[0, peers]]) }));
    const written = view({ leader: true, relations: new Map([[0, { ...peers, appVersion: 2 }]]) });
    sawOwnWrite(agent, 0, "app", 2);
    expect(nextOperation(agent, written)).toBeUndefined();
  });
});

describe("nextOperation: leadership, config, upgrades, errors", () => {
  function installed(remote: RemoteView): AgentState {
    const agent = newAgentState();
    runAll(agent, remote);
    return agent;
  }

  test("leadership lost is a note that runs no hook; a new config version runs config-changed", () => {
    const agent = installed(view({ leader: true }));
    const op = nextOperation(agent, view({ leader: false }));
    expect(op).toMatchObject({ kind: "note", why: "leadership lost" });
    expect(runAll(agent, view({ leader: false, configVersion: 4 }))).toEqual(["(leadership lost)", "config-changed"]);
    expect(agent.configVersion).toBe(4);
  });

  test("upgrade-charm, then config-changed, leader-settings-changed (not on a leader), start", () => {
    const follower = installed(view());
    expect(runAll(follower, view({ charmVersion: 1 }))).toEqual(["upgrade-charm", "config-changed", "leader-settings-changed", "start"]);
    const leader = installed(view({ leader: true }));
    expect(runAll(leader, view({ leader: true, charmVersion: 1 }))).toEqual(["upgrade-charm", "config-changed", "start"]);
  });

  test("a unit in error runs only tasks, until resolved: retry runs the hook again, no-retry skips it", () => {
    const agent = installed(view());
    const failed: HookInfo = { name: "config-changed", kind: "config-changed", version: 5 };
    agent.error = failed;
    agent.tasks.push("7");
    const remote = view({ configVersion: 5, updateStatusVersion: 1 });
    expect(nextOperation(agent, remote)).toEqual({ kind: "task", task: "7" });
    agent.tasks = [];
    expect(nextOperation(agent, remote)).toBeUndefined();
    agent.resolved = "retry";
    expect(nextOperation(agent, remote)).toEqual({ kind: "hook", hook: failed });
    agent.resolved = "no-retry";
    expect(nextOperation(agent, remote)).toEqual({ kind: "skip", hook: failed });
  });

  test("refresh --force-units reaches a unit in error: switch-charm, then config-changed once resolved, never upgrade-charm", () => {
    const agent = installed(view());
    agent.error = { name: "update-status", kind: "update-status", version: 1 };
    const remote = view({ charmVersion: 2, forceCharmUpgrade: true, updateStatusVersion: 1 });
    expect(nextOperation(agent, remote)).toEqual({ kind: "switch-charm", version: 2 });
    charmSwitched(agent, 2);
    expect(nextOperation(agent, remote)).toBeUndefined();
    agent.error = undefined;
    expect(runAll(agent, remote)).toEqual(["config-changed", "update-status"]);
  });
});

describe("nextOperation: secrets", () => {
  test("rotate, expired, changed and remove, in that order, each once", () => {
    const agent = newAgentState();
    runAll(agent, view({ leader: true }));
    agent.rotate.push("xid-a");
    agent.expire.push({ secret: "xid-a", revision: 2 });
    // As the controller's view does: a secret is changed while the unit has seen less than its latest revision.
    const remote = (): RemoteView =>
      view({
        leader: true,
        changedSecrets: (agent.secretRevisions["xid-b"] ?? 0) < 3 ? [{ secret: "xid-b", latest: 3 }] : [],
        obsoleteRevisions: [{ secret: "xid-a", revision: 1 }],
      });
    const hooks: HookInfo[] = [];
    for (let n = 0; n < 4; n++) {
      const hook = hookOf(nextOperation(agent, remote()));
      hooks.push(hook);
      hookDone(agent, hook);
    }
    expect(hooks.map((hook) => [hook.name, hook.secret, hook.secretRevision ?? hook.version])).toEqual([
      ["secret-rotate", "xid-a", undefined],
      ["secret-expired", "xid-a", 2],
      ["secret-changed", "xid-b", 3],
      ["secret-remove", "xid-a", 1],
    ]);
    expect(agent.secretRevisions).toEqual({ "xid-b": 3 });
    expect(agent.removeNotified).toEqual(["xid-a/1"]);
    // xid-a/1 stays obsolete in the view, but its owner is not told twice.
    expect(nextOperation(agent, remote())).toBeUndefined();
  });
});
