// Secrets as Juju runs them, end to end in the simulator with the recorder charm's hook scripts
// (test/support/recorder-charm.ts): what a consumer's secret-get saves as it runs, one revision per
// hook, grants going with their relation, secret-remove for a unit-owned secret, on Juju 3.6 and 4.

import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { Simulator } from "../../simulator/simulator.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const VERSIONS = ["3.6.4", "4.0.1"] as const;

async function setup(jujuVersion: string): Promise<{ sim: Simulator; charm: RecorderCharm }> {
  const charm = recorderCharm();
  const sim = await Simulator.create({ env: { CONTROL: charm.control }, jujuVersion });
  cleanups.push(
    () => sim.close({ remove: true }),
    () => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    },
  );
  return { sim, charm };
}

function control(charm: RecorderCharm, name: string): string {
  const path = join(charm.control, name);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : "";
}

/** The hooks run since `from`, as "<unit> <hook> revision=<n>". */
function hooksSince(charm: RecorderCharm, from: number): string[] {
  return charm
    .hooks()
    .slice(from)
    .map((line) =>
      line
        .split(" ")
        .filter((part) => !/^(rel|remote|departing|secret)=/.test(part))
        .join(" "),
    );
}

/**
 * App "prov" (the owner) and app "req" (the consumer), related prov:db — req:backend. prov's leader
 * adds two secrets as the relation is created and grants both over it; their ids are in
 * $CONTROL/one and $CONTROL/two.
 */
async function related(jujuVersion: string): Promise<{ sim: Simulator; charm: RecorderCharm; one: string; two: string }> {
  const { sim, charm } = await setup(jujuVersion);
  charm.onHook(
    "db-relation-created",
    [
      'one=$(secret-add password=one) && echo "$one" > "$CONTROL/one"',
      'two=$(secret-add password=two) && echo "$two" > "$CONTROL/two"',
      'secret-grant "$one" -r "$JUJU_RELATION_ID"',
      'secret-grant "$two" -r "$JUJU_RELATION_ID"',
    ].join("\n"),
    "prov/0",
  );
  sim.deploy(charm.dir, { app: "prov", numUnits: 1 });
  sim.deploy(charm.dir, { app: "req", numUnits: 1 });
  sim.integrate("prov:db", "req:backend");
  await sim.settle();
  return { sim, charm, one: control(charm, "one"), two: control(charm, "two") };
}

describe.each(VERSIONS)("Juju %s", (jujuVersion) => {
  // juju/juju apiserver/facades/agent/secretsmanager/secrets.go (getConsumedRevision), the same on
  // 3.6 and 4.0: the consumer's label and tracked revision are saved while secret-get runs.
  test("a consumer's second label fails that secret-get (exit 1), the hook goes on; a --refresh outlives a failed hook", async () => {
    const { sim, charm, one, two } = await related(jujuVersion);
    charm.onHook(
      "update-status",
      [
        `secret-get "${one}" --label creds > /dev/null`,
        `if secret-get "${two}" --label creds > /dev/null 2> "$CONTROL/clash"; then echo accepted > "$CONTROL/clash"; fi`,
        'echo went-on > "$CONTROL/after"',
      ].join("\n"),
      "req/0",
    );
    sim.updateStatus(["req/0"]);
    await sim.settle();
    expect(control(charm, "clash")).toBe(
      'ERROR getting latest secret revision: secret label "creds" for consumer "unit-req-0" already exists',
    );
    expect(control(charm, "after")).toBe("went-on");
    const xid = one.slice(-20);
    expect(sim.model.secret(xid).consumerLabels.get("req/0")).toBe("creds");
    expect(sim.model.secret(two.slice(-20)).consumerLabels.has("req/0")).toBe(false);

    // The owner publishes revision 2; the consumer refreshes, then its hook fails.
    charm.onHook("update-status", `secret-set "${one}" password=one-b`, "prov/0");
    charm.onHook("update-status", `secret-get --refresh --label creds > /dev/null; exit 1`, "req/0");
    sim.updateStatus(["prov/0"]);
    await sim.settle();
    expect(sim.model.secret(xid).latest).toBe(2);
    sim.updateStatus(["req/0"]);
    await sim.settle();
    expect(sim.model.secret(xid).tracking.get("req/0")).toBe(2);
  });

  // juju/juju worker/uniter/runner/context/secrets.go (3.6) and internal/worker/uniter/runner/context/secrets.go
  // (4.0), the change recorder: updates fold into the pending create, and merge per secret.
  test("secret-set after secret-add in one hook: revision 1, the last content; two secret-sets: one new revision", async () => {
    const { sim, charm } = await setup(jujuVersion);
    charm.onHook(
      "leader-elected",
      [
        'id=$(secret-add --owner unit password=first) && echo "$id" > "$CONTROL/id"',
        'secret-set "$id" password=second',
        'secret-set "$id" --label creds uris=pg://x password=third',
      ].join("\n"),
    );
    sim.deploy(charm.dir, { numUnits: 1 });
    await sim.settle();
    const xid = control(charm, "id").slice(-20);
    const secret = sim.model.secret(xid);
    expect([secret.latest, [...secret.revisions.keys()], secret.revisions.get(1), secret.label]).toEqual([
      1,
      [1],
      { uris: "pg://x", password: "third" },
      "creds",
    ]);
    charm.onHook(
      "update-status",
      `secret-set "${control(charm, "id")}" password=fourth\nsecret-set "${control(charm, "id")}" password=fifth`,
    );
    sim.updateStatus(["recorder/0"]);
    await sim.settle();
    expect([sim.model.secret(xid).latest, sim.model.secret(xid).revisions.get(2)]).toEqual([2, { password: "fifth" }]);
  });

  // juju/juju state/relation.go (removeOps removes the relation's scoped secret permissions).
  test("grants made over a relation are gone from the owner's secret-info-get once the relation is removed", async () => {
    const { sim, charm, one } = await related(jujuVersion);
    charm.onHook("update-status", `secret-info-get "${one}" --format json > "$CONTROL/info"`, "prov/0");
    sim.updateStatus(["prov/0"]);
    await sim.settle();
    expect(control(charm, "info")).toContain('"access":[{"target":"application-req","scope":"relation-2","role":"view"}]');
    sim.removeRelation("prov", "req");
    await sim.settle();
    sim.updateStatus(["prov/0"]);
    await sim.settle();
    expect(control(charm, "info")).not.toContain("access");
  });

  // juju/juju internal/worker/uniter/remotestate/watcher.go (4.0; worker/uniter/remotestate/watcher.go
  // on 3.6): each unit watches obsolete revisions of its own secrets, the leader also the application's.
  test("a unit-owned secret's obsolete revision: secret-remove to the owning unit (not the leader)", async () => {
    const { sim, charm } = await setup(jujuVersion);
    charm.onHook("install", 'secret-add --owner unit password=one > "$CONTROL/id"', "recorder/1");
    sim.deploy(charm.dir, { numUnits: 2 });
    await sim.settle();
    const id = control(charm, "id");
    expect(sim.model.secret(id.slice(-20)).owner).toEqual({ kind: "unit", unit: "recorder/1" });
    const from = charm.hooks().length;
    charm.onHook("update-status", `secret-set "${id}" password=two`, "recorder/1");
    sim.updateStatus(["recorder/1"]);
    await sim.settle();
    expect(hooksSince(charm, from)).toEqual(["recorder/1 update-status revision=", "recorder/1 secret-remove revision=1"]);
  });

  // juju/juju worker/uniter/runner/context/context.go, Flush (3.6 and 4.0): the recorded secret
  // changes are applied only when the hook succeeded; none is made at the call.
  test("a failed hook's secret-add, secret-set and secret-grant leave nothing behind", async () => {
    const { sim, charm, one } = await related(jujuVersion);
    const before = sim.model.secrets.size;
    charm.onHook(
      "update-status",
      [
        `secret-add password=x > "$CONTROL/added"`,
        `secret-set "${one}" password=changed`,
        `secret-grant "${one}" -r 2 --unit req/0`,
        "exit 1",
      ].join("\n"),
      "prov/0",
    );
    sim.updateStatus(["prov/0"]);
    await sim.settle();
    expect(control(charm, "added")).toMatch(/^secret:/);
    expect(sim.model.secrets.size).toBe(before);
    expect(sim.model.secret(one.slice(-20)).latest).toBe(1);
    expect([...sim.model.secret(one.slice(-20)).grants.keys()]).toEqual(["req"]);
  });
});
