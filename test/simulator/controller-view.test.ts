// The controller's view for a unit's agent, as a pure function of the engine's model and the
// simulator's bookkeeping: relations and their members, leadership and versions, storage, secrets.

import { describe, expect, test } from "vitest";

import type { CharmMeta } from "../../runtime/meta.js";
import { JujuModel } from "../../engine/model.js";
import { secretManager } from "../../engine/secrets.js";
import { bagVersion, remoteView } from "../../simulator/controller-view.js";
import { type Bookkeeping, newBookkeeping } from "../../simulator/store.js";
import { newAgentState } from "../../simulator/uniter.js";

const META: CharmMeta = {
  name: "app",
  relations: { peers: { role: "peers", interface: "app-peers" }, db: { role: "requires", interface: "pgsql" } },
  storage: {},
  config: {},
  actions: {},
};

/** app/0 (leader) and app/1 in a peer relation (0) and related to pg (1) with pg/0 and pg/1 in scope. */
function fixture(): { model: JujuModel; book: Bookkeeping } {
  const model = new JujuModel();
  model.addApp("app", META);
  model.addApp("pg");
  const book = newBookkeeping(0);
  book.apps["app"] = {
    charm: { origin: "/charm", dir: "/store", revision: 3 },
    charmVersion: 2,
    configVersion: 5,
    leaderSettingsVersion: 7,
    nextUnit: 2,
  };
  for (const number of [0, 1]) {
    model.addUnit("app", { number });
    model.addUnit("pg", { number });
    book.agents[`app/${String(number)}`] = newAgentState();
  }
  model.app("app").leader = "app/0";
  model.addRelation([{ app: "app", endpoint: "peers", role: "peers" }], { interface: "app-peers" });
  model.addRelation([
    { app: "app", endpoint: "db", role: "requires" },
    { app: "pg", endpoint: "db", role: "provides" },
  ]);
  for (const unit of ["app/0", "app/1"]) model.joinRelation(0, unit);
  for (const unit of ["app/0", "app/1", "pg/0", "pg/1"]) model.joinRelation(1, unit);
  book.bagVersions["1/pg/1"] = 4;
  book.bagVersions["1/app:pg"] = 2;
  book.bagVersions["0/app/1"] = 1;
  return { model, book };
}

describe("remoteView", () => {
  test("the leader's view: versions from the bookkeeping, members of each relation with their bag versions", () => {
    const { model, book } = fixture();
    book.updateStatusVersions["app/0"] = 3;
    const view = remoteView(model, book, "app/0");
    expect(view).toMatchObject({
      unit: "app/0",
      dying: false,
      leader: true,
      leaderSettingsVersion: 7,
      configVersion: 5,
      charmVersion: 2,
      forceCharmUpgrade: false,
      updateStatusVersion: 3,
      changedSecrets: [],
      obsoleteRevisions: [],
    });
    expect([...view.relations.keys()]).toEqual([0, 1]);
    expect(view.relations.get(0)).toEqual({
      endpoint: "peers",
      peer: true,
      remoteApp: "app",
      alive: true,
      members: new Map([["app/1", 1]]),
      appVersion: 0,
    });
    expect(view.relations.get(1)).toEqual({
      endpoint: "db",
      peer: false,
      remoteApp: "pg",
      alive: true,
      members: new Map([
        ["pg/0", 0],
        ["pg/1", 4],
      ]),
      appVersion: 2,
    });
    expect(remoteView(model, book, "app/1").leader).toBe(false);
  });

  test("a unit not yet in scope, a dying relation, a dying unit: the relation is not alive and has no members", () => {
    const { model, book } = fixture();
    model.addUnit("app", { number: 2 });
    book.agents["app/2"] = newAgentState();
    expect(remoteView(model, book, "app/2").relations.get(1)).toMatchObject({ alive: false, members: new Map() });
    book.dyingRelations.add(1);
    expect(remoteView(model, book, "app/0").relations.get(1)).toMatchObject({ alive: false, members: new Map() });
    expect(remoteView(model, book, "app/0").relations.get(0)?.alive).toBe(true);
    model.unit("app/1").dying = true;
    const dying = remoteView(model, book, "app/1");
    expect(dying.dying).toBe(true);
    expect([...dying.relations.values()].map((relation) => relation.alive)).toEqual([false, false]);
  });

  test("storage ids with their storage names", () => {
    const { model, book } = fixture();
    model.unit("app/0").storage.set("data/4", { kind: "filesystem", location: "/srv/data" });
    model.unit("app/0").storage.set("logs/0", { kind: "block", location: "/dev/loop0" });
    expect(remoteView(model, book, "app/0").storage).toEqual(
      new Map([
        ["data/4", "data"],
        ["logs/0", "logs"],
      ]),
    );
  });

  test("secrets: a consumer sees a newer revision than it has seen; the manager sees revisions nobody tracks", () => {
    const { model, book } = fixture();
    const secret = model.addSecret({ kind: "application", app: "app" }, { password: "one" });
    secret.revisions.set(2, { password: "two" });
    secret.revisions.set(3, { password: "three" });
    secret.latest = 3;
    secret.tracking.set("pg/0", 2);
    model.grantSecret(secret.xid, "pg", undefined);
    book.agents["pg/0"] = newAgentState();
    book.apps["pg"] = {
      charm: { origin: "/pg", dir: "/pg", revision: 0 },
      charmVersion: 0,
      configVersion: 0,
      leaderSettingsVersion: 0,
      nextUnit: 2,
    };
    expect(secretManager(model, secret)).toBe("app/0");
    // Revision 1 is tracked by nobody and not the latest: obsolete. Revision 2 is tracked by pg/0.
    expect(remoteView(model, book, "app/0").obsoleteRevisions).toEqual([{ secret: secret.xid, revision: 1 }]);
    expect(remoteView(model, book, "app/1").obsoleteRevisions).toEqual([]);
    expect(remoteView(model, book, "pg/0").changedSecrets).toEqual([{ secret: secret.xid, latest: 3 }]);
    // A consumer that may no longer read the secret is not told (the rule the test kit shares: hearsSecretChanged).
    model.revokeSecret(secret.xid, "pg");
    expect(remoteView(model, book, "pg/0").changedSecrets).toEqual([]);
    model.grantSecret(secret.xid, "pg", undefined);
    (book.agents["pg/0"] ?? newAgentState()).secretRevisions[secret.xid] = 3;
    expect(remoteView(model, book, "pg/0").changedSecrets).toEqual([]);
    const owned = model.addSecret({ kind: "unit", unit: "app/1" }, { key: "v" });
    expect(secretManager(model, owned)).toBe("app/1");
  });

  test("bagVersion: 0 for a bag never written", () => {
    const { book } = fixture();
    expect(bagVersion(book, 1, "pg/1")).toBe(4);
    expect(bagVersion(book, 1, "pg/0")).toBe(0);
    expect(bagVersion(book, 1, "app:pg")).toBe(2);
  });
});
