// The demo charm's unit tests, Harness style: one unit, its world changed step by step.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import { ActiveStatus, WaitingStatus } from "tscharm";
import { ActionFailed, type ActionOutput, Harness } from "tscharm/testing";

import { DemoCharm } from "../../hooks/demo-charm.js";
import { CONFIG_FILE_ENV, hashPassword, readConfig } from "../../hooks/workload.js";

let harness: Harness<DemoCharm>;
beforeEach(() => {
  process.env[CONFIG_FILE_ENV] = join(mkdtempSync(join(tmpdir(), "demo-harness-")), "demo.conf");
  harness = new Harness(DemoCharm);
});
afterEach(() => {
  harness.cleanup();
  Reflect.deleteProperty(process.env, CONFIG_FILE_ENV);
});

/** The id of the peer relation beginWithInitialHooks created. */
function clusterId(): number {
  const relation = harness.model.getRelation("cluster");
  if (relation === undefined) throw new Error("no cluster relation");
  return relation.id;
}

/** The admin credentials as Juju holds them: [id, content of the latest revision]. */
function credentials(): [string, Record<string, string>] {
  const secret = [...harness.juju.secrets.values()].find((candidate) => candidate.label === "admin-credentials");
  if (secret === undefined) throw new Error("no admin-credentials secret");
  return [harness.juju.secretUri(secret.xid), secret.revisions.get(secret.latest) ?? {}];
}

describe("as the leader", () => {
  beforeEach(async () => {
    await harness.setLeader(true);
    await harness.beginWithInitialHooks();
  });

  test("it creates the credentials, publishes them and rules", () => {
    expect(harness.charm.unit.status).toEqual(new ActiveStatus("I rule"));
    const [id, content] = credentials();
    expect(harness.getRelationData(clusterId(), "demo")).toEqual({ leader: "demo/0", "secret-id": id, greeting: "hello" });
    expect(readConfig()?.passwordSha256).toBe(hashPassword(content["password"] ?? ""));
  });

  test("a new greeting is published to the cluster", async () => {
    await harness.updateConfig({ greeting: "bonjour" });
    expect(harness.getRelationData(clusterId(), "demo")["greeting"]).toBe("bonjour");
    expect(readConfig()?.greeting).toBe("bonjour");
  });

  test("rotate-password publishes a new revision and reconfigures the workload", async () => {
    const [id, before] = credentials();
    const output: ActionOutput = await harness.runAction("rotate-password");
    expect(output).toEqual({ logs: ["the admin password was replaced"], results: { "secret-id": id } });
    const [, after] = credentials();
    expect(after["password"]).not.toBe(before["password"]);
    expect(readConfig()?.passwordSha256).toBe(hashPassword(after["password"] ?? ""));
  });

  test("the credentials are created once, however often it is elected", async () => {
    await harness.setLeader(false);
    await harness.setLeader(true);
    expect([...harness.juju.secrets.values()]).toHaveLength(1);
  });
});

describe("as a follower", () => {
  let cluster: number;
  let secretId: string;

  beforeEach(async () => {
    await harness.beginWithInitialHooks();
    cluster = clusterId();
    // The leader, demo/1, joins and creates the credentials (as its own hooks would).
    await harness.addRelationUnit(cluster, "demo/1");
    harness.juju.app("demo").leader = "demo/1";
    secretId = harness.juju.secretUri(
      harness.juju.addSecret({ kind: "application", app: "demo" }, { username: "admin", password: "first" }, { label: "admin-credentials" })
        .xid,
    );
  });

  test("it waits until the leader has published, and never creates the credentials", () => {
    expect(harness.charm.unit.status).toEqual(new WaitingStatus("waiting for the leader to publish the cluster configuration"));
    expect(harness.juju.secrets.size).toBe(1);
  });

  test("it configures itself when the leader's data arrives: 'I am ruled'", async () => {
    await harness.updateRelationData(cluster, "demo", { leader: "demo/1", "secret-id": secretId, greeting: "hello" });
    expect(harness.charm.unit.status).toEqual(new ActiveStatus("I am ruled"));
    expect(readConfig()).toEqual({ leader: "demo/1", greeting: "hello", secretId, passwordSha256: hashPassword("first") });
  });

  test("secret-changed makes it re-read the new revision", async () => {
    await harness.updateRelationData(cluster, "demo", { leader: "demo/1", "secret-id": secretId, greeting: "hello" });
    await harness.setSecretContent(secretId, { username: "admin", password: "second" });
    expect(readConfig()?.passwordSha256).toBe(hashPassword("second"));
  });

  test("a secret-changed before the leader's data is deferred and re-run by the next hook", async () => {
    await harness.setSecretContent(secretId, { username: "admin", password: "second" });
    expect(readConfig()).toBeUndefined();
    await harness.updateRelationData(cluster, "demo", { leader: "demo/1", "secret-id": secretId, greeting: "hello" });
    expect(readConfig()?.passwordSha256).toBe(hashPassword("second"));
    expect(harness.juju.secrets.get(secretId.split("/").at(-1) ?? "")?.tracking.get("demo/0")).toBe(2);
  });

  test("rotate-password is refused with a message that says where to run it", async () => {
    const failure = await harness.runAction("rotate-password").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionFailed);
    expect((failure as Error).message).toBe("rotate-password runs on the leader only, and demo/0 is not the leader; run it on demo/leader");
  });
});

test("leadership moves away and back", async () => {
  await harness.setLeader(true);
  await harness.beginWithInitialHooks();
  const cluster = clusterId();
  await harness.addRelationUnit(cluster, "demo/1");

  // demo/1 is elected and publishes itself; this unit follows it.
  await harness.setLeader(false);
  harness.juju.app("demo").leader = "demo/1";
  await harness.updateRelationData(cluster, "demo", { leader: "demo/1" });
  expect(harness.charm.unit.status).toEqual(new ActiveStatus("I am ruled"));
  expect(readConfig()?.leader).toBe("demo/1");

  // Back to this unit: it publishes itself again, keeping the same credentials.
  const [id] = credentials();
  await harness.setLeader(true);
  expect(harness.getRelationData(cluster, "demo")).toMatchObject({ leader: "demo/0", "secret-id": id });
  expect(harness.charm.unit.status).toEqual(new ActiveStatus("I rule"));
  expect(readConfig()?.leader).toBe("demo/0");
});
