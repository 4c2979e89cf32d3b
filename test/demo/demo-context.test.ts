// The demo charm's unit tests, state-transition style: one event at a time, State in, State out.

import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, afterEach, beforeEach, describe, expect, test } from "vitest";

import { ActiveStatus, UnknownStatus, WaitingStatus } from "tscharm";
import { ActionFailed, Context, type ContextEvent, PeerRelation, Secret, State } from "tscharm/testing";

import { DemoCharm } from "../../hooks/demo-charm.js";
import { CONFIG_FILE_ENV, hashPassword, readConfig, renderConfig } from "../../hooks/workload.js";
import { SecretScan } from "../support/secret-scan.js";

const SECRET_ID = "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/d0000000000000000001";
const OLD = { username: "admin", password: "old-password" };
const NEW = { username: "admin", password: "new-password" };

// Every run's output is scanned for the content of every secret in its model (the passwords the
// tests give, and the ones the charm makes): statuses, logs, action output, relation data, stored
// state, deferred events, error messages and the workload file.
const scan = new SecretScan();
afterAll(() => {
  scan.expectClean({ secrets: 3, places: 50 });
});

class ScannedContext extends Context<DemoCharm> {
  override async run(event: ContextEvent, state: State): Promise<State> {
    try {
      const out = await super.run(event, state);
      this.scanRun(out);
      return out;
    } catch (error) {
      scan.observe("error message", error instanceof Error ? error.message : String(error));
      if (error instanceof ActionFailed) this.scanRun(error.state as State);
      throw error;
    }
  }

  private scanRun(out: State): void {
    for (const secret of out.secrets) scan.secretContent(secret.trackedContent, secret.latestContent);
    scan.observe("unit status", `${out.unitStatus.name} ${out.unitStatus.message}`);
    scan.observe("unit status history", this.unitStatusHistory.map((status) => status.message).join("\n"));
    scan.observe("juju-log", this.jujuLog.map((line) => `${line.level} ${line.message}`).join("\n"));
    scan.observe("action results", JSON.stringify(this.actionResults));
    scan.observe("action logs", this.actionLogs.join("\n"));
    scan.observe("relation data", JSON.stringify(out.relations));
    scan.observe("stored state", JSON.stringify(out.storedStates));
    scan.observe("deferred events", JSON.stringify(out.deferred));
    if (existsSync(configFile)) scan.observe("workload file", readFileSync(configFile, "utf8"));
  }
}

let configFile: string;
beforeEach(() => {
  configFile = join(mkdtempSync(join(tmpdir(), "demo-context-")), "etc", "demo.conf");
  process.env[CONFIG_FILE_ENV] = configFile;
});
afterEach(() => {
  Reflect.deleteProperty(process.env, CONFIG_FILE_ENV);
});

/** The workload file as a unit would have written it for `password`, led by `leader`. */
function configured(leader: string, password: string): void {
  mkdirSync(dirname(configFile), { recursive: true });
  writeFileSync(configFile, renderConfig({ leader, greeting: "hello", secretId: SECRET_ID, passwordSha256: hashPassword(password) }));
}

/** The peer relation after the leader `leader` has published. */
function publishedBy(leader: string, peers: Record<number, Record<string, string>> = { 1: {} }): PeerRelation {
  return new PeerRelation({
    endpoint: "cluster",
    localAppData: { leader, "secret-id": SECRET_ID, greeting: "hello" },
    peersData: peers,
  });
}

const credentials = (content = OLD, latest = content) =>
  new Secret({ id: SECRET_ID, owner: "app", label: "admin-credentials", trackedContent: content, latestContent: latest });

describe("the leader", () => {
  test("creates the credentials, publishes them in the peer data, and rules", async () => {
    const ctx = new ScannedContext(DemoCharm);
    const cluster = new PeerRelation({ endpoint: "cluster" });
    const before = new State({ leader: true, relations: [cluster] });
    const out = await ctx.run(ctx.on.leaderElected(), before);

    expect(out.unitStatus).toEqual(new ActiveStatus("I rule"));
    const secret = out.getSecret({ label: "admin-credentials" });
    expect(secret?.owner).toBe("app");
    expect(secret?.trackedContent["username"]).toBe("admin");
    const password = secret?.trackedContent["password"] ?? "";
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(out.getRelation(cluster.id)?.localAppData).toEqual({ leader: "demo/0", "secret-id": secret?.id, greeting: "hello" });
    expect(readConfig()).toEqual({ leader: "demo/0", greeting: "hello", secretId: secret?.id, passwordSha256: hashPassword(password) });
    // The input is never changed.
    expect(before.relations[0]?.localAppData).toEqual({});
    expect(before.secrets).toEqual([]);
  });

  test("publishes a new greeting on config-changed", async () => {
    configured("demo/0", OLD.password);
    const ctx = new ScannedContext(DemoCharm);
    const out = await ctx.run(
      ctx.on.configChanged(),
      new State({ leader: true, config: { greeting: "bonjour" }, relations: [publishedBy("demo/0")], secrets: [credentials()] }),
    );
    expect(out.relations[0]?.localAppData).toMatchObject({ greeting: "bonjour", leader: "demo/0" });
    expect(readConfig()?.greeting).toBe("bonjour");
    // The history holds the status before each change (Scenario's meaning): the State's, unknown.
    expect(ctx.unitStatusHistory).toEqual([new UnknownStatus()]);
    expect(out.unitStatus).toEqual(new ActiveStatus("I rule"));
  });

  test("rotate-password replaces the password and reconfigures its own workload", async () => {
    configured("demo/0", OLD.password);
    const ctx = new ScannedContext(DemoCharm);
    const out = await ctx.run(
      ctx.on.action("rotate-password"),
      new State({ leader: true, relations: [publishedBy("demo/0")], secrets: [credentials()] }),
    );
    const secret = out.getSecret({ id: SECRET_ID });
    const password = secret?.latestContent["password"] ?? "";
    expect(password).not.toBe(OLD.password);
    expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ctx.actionResults).toEqual({ "secret-id": SECRET_ID });
    expect(ctx.actionLogs).toEqual(["the admin password was replaced"]);
    expect(readConfig()?.passwordSha256).toBe(hashPassword(password));
    expect(readFileSync(configFile, "utf8")).not.toContain(password);
  });
});

describe("a follower", () => {
  test("never creates the credentials, and waits for the peer relation and then for the leader", async () => {
    const ctx = new ScannedContext(DemoCharm);
    const install = await ctx.run(ctx.on.install(), new State({ leader: false }));
    expect(install.unitStatus).toEqual(new WaitingStatus("waiting for the cluster peer relation"));

    const cluster = new PeerRelation({ endpoint: "cluster", peersData: { 1: {} } });
    const created = await ctx.run(ctx.on.relationCreated(cluster), new State({ leader: false, relations: [cluster] }));
    expect(created.unitStatus).toEqual(new WaitingStatus("waiting for the leader to publish the cluster configuration"));
    expect(created.secrets).toEqual([]);
    expect(created.relations[0]?.localAppData).toEqual({});
  });

  test("configures itself from the leader's data and the secret: 'I am ruled'", async () => {
    const ctx = new ScannedContext(DemoCharm);
    const cluster = publishedBy("demo/1");
    const out = await ctx.run(
      ctx.on.relationChanged(cluster, { remoteUnit: 1 }),
      new State({ relations: [cluster], secrets: [credentials()] }),
    );
    expect(out.unitStatus).toEqual(new ActiveStatus("I am ruled"));
    expect(readConfig()).toEqual({ leader: "demo/1", greeting: "hello", secretId: SECRET_ID, passwordSha256: hashPassword(OLD.password) });
    // Reading the secret made this unit track its revision; it wrote nothing.
    expect(out.getSecret({ id: SECRET_ID })?.trackedContent).toEqual(OLD);
    expect(out.relations[0]?.localAppData).toEqual(cluster.localAppData);
  });

  test("re-reads the new revision on secret-changed", async () => {
    configured("demo/1", OLD.password);
    const ctx = new ScannedContext(DemoCharm);
    const out = await ctx.run(
      ctx.on.secretChanged(credentials(OLD, NEW)),
      new State({ relations: [publishedBy("demo/1")], secrets: [credentials(OLD, NEW)] }),
    );
    expect(out.getSecret({ id: SECRET_ID })?.trackedContent).toEqual(NEW);
    expect(readConfig()?.passwordSha256).toBe(hashPassword(NEW.password));
    expect(out.unitStatus).toEqual(new ActiveStatus("I am ruled"));
  });

  test("refuses rotate-password: the action fails with a message that says where to run it", async () => {
    const ctx = new ScannedContext(DemoCharm);
    const state = new State({ relations: [publishedBy("demo/1")], secrets: [credentials()] });
    const failure = await ctx.run(ctx.on.action("rotate-password"), state).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ActionFailed);
    const failed = failure as ActionFailed<State>;
    expect(failed.message).toBe("rotate-password runs on the leader only, and demo/0 is not the leader; run it on demo/leader");
    expect(failed.state.getSecret({ id: SECRET_ID })?.latestContent).toEqual(OLD);
  });
});

test("leadership moves: the new leader publishes itself, and the old one follows it", async () => {
  configured("demo/0", OLD.password);
  const newLeader = new ScannedContext(DemoCharm, { unitId: 1 });
  const elected = await newLeader.run(
    newLeader.on.leaderElected(),
    new State({ leader: true, relations: [publishedBy("demo/0", { 0: {} })], secrets: [credentials()] }),
  );
  expect(elected.unitStatus).toEqual(new ActiveStatus("I rule"));
  const published = elected.relations[0]?.localAppData ?? {};
  expect(published["leader"]).toBe("demo/1");

  // The old leader, demo/0, sees the new data as relation-changed from demo/1.
  const oldLeader = new ScannedContext(DemoCharm, { unitId: 0 });
  const cluster = new PeerRelation({ endpoint: "cluster", localAppData: published, peersData: { 1: {} } });
  const followed = await oldLeader.run(
    oldLeader.on.relationChanged(cluster, { remoteUnit: 1 }),
    new State({ relations: [cluster], secrets: [credentials()] }),
  );
  expect(followed.unitStatus).toEqual(new ActiveStatus("I am ruled"));
  expect(readConfig()?.leader).toBe("demo/1");
});

test("a secret-changed that comes before the leader's data is deferred, and runs first on the next hook", async () => {
  const ctx = new ScannedContext(DemoCharm);
  const early = new PeerRelation({ endpoint: "cluster", peersData: { 1: {} } });
  const waiting = await ctx.run(
    ctx.on.secretChanged(credentials(OLD, NEW)),
    new State({ relations: [early], secrets: [credentials(OLD, NEW)] }),
  );
  expect(waiting.unitStatus).toEqual(new WaitingStatus("waiting for the leader to publish the cluster configuration"));
  expect(waiting.deferred).toEqual([ctx.on.secretChanged(credentials(OLD, NEW)).deferred("reconfigure")]);

  // The leader's data arrives; the next hook (here update-status, which the demo ignores) re-runs it.
  const later = waiting.with({ relations: [publishedBy("demo/1")] });
  const out = await ctx.run(ctx.on.updateStatus(), later);
  // The Context records over its runs, as Scenario's does: the first run's event, then the re-emitted one.
  expect(ctx.emittedEvents.map((e) => [e.kind, e.reemitted])).toEqual([
    ["secret-changed", false],
    ["secret-changed", true],
  ]);
  expect(out.deferred).toEqual([]);
  expect(out.getSecret({ id: SECRET_ID })?.trackedContent).toEqual(NEW);
  expect(out.unitStatus).toEqual(new ActiveStatus("I am ruled"));
});
