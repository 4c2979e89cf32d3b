// What `tscharm/integration` has of Jubilant's client beyond deploy/run/wait, end to end on
// `Juju.local()` (the simulator running the recorder charm's hooks as processes): models made
// and destroyed (tempModel), user secrets (juju/juju cmd/juju/secrets/*.go), show-unit
// (cmd/juju/application/showunit.go), ssh and scp through the exec path, trust (config-changed,
// as worker/uniter/remotestate/watcher.go's trust hash), integrate --via, and run/exec `wait`.

import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { CLIError, Juju, type LocalJuju, SCP_LIMIT_BYTES, TaskError, TaskTimeoutError } from "tscharm/integration";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

describe("Juju.local: what Jubilant has beyond deploy, run and wait", () => {
  let charm: RecorderCharm;
  let juju: LocalJuju;

  beforeAll(async () => {
    charm = recorderCharm();
    juju = Juju.local({ env: { CONTROL: charm.control } });
    await juju.deploy(charm.dir, { app: "rec", numUnits: 2 });
    await juju.deploy(charm.dir, { app: "pg" });
    await juju.wait(() => true, { successes: 1 });
    while ((await juju.simulator()).busy()) await (await juju.simulator()).step();
  });

  afterAll(async () => {
    await juju.close();
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });

  test("user secrets: add, list, show (revealed), grant, update (secret-changed), revoke, remove", { timeout: 60_000 }, async () => {
    const uri = await juju.addSecret("db-pass", { password: "hunter2" }, { info: "the database's" });
    expect(uri).toMatch(/^secret:[0-9a-v]{20}$/);
    await expect(juju.addSecret("db-pass", { password: "x" })).rejects.toThrow('secret with name "db-pass" already exists');
    await expect(juju.addSecret("empty", {})).rejects.toThrow("missing secret value or filename");

    const [listed, ...others] = await juju.secrets();
    expect(others).toEqual([]);
    expect(listed).toMatchObject({ uri, revision: 1, owner: "<model>", name: "db-pass", label: undefined, description: "the database's" });
    expect(listed?.content).toBeUndefined();
    expect((await juju.showSecret("db-pass", { reveal: true })).content).toEqual({ password: "hunter2" });

    // Not granted yet: the unit cannot read it.
    const denied = await juju.exec("rec/0", "secret-get", uri, "password").catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(TaskError);
    await expect(juju.grantSecret("db-pass", "nope")).rejects.toThrow('failed to grant/revoke secret: application "nope" not found');
    await juju.grantSecret(uri, ["rec"]);
    const [access, ...more] = (await juju.showSecret(uri)).access;
    expect(more).toEqual([]);
    expect(access).toMatchObject({ target: "application-rec", role: "view" });
    expect(access?.scope).toMatch(/^model-/);
    expect((await juju.exec("rec/0", "secret-get", uri, "password")).stdout.trim()).toBe("hunter2");

    // A new revision: the unit that read it hears secret-changed (Juju sets JUJU_SECRET_REVISION only
    // for secret-remove and secret-expired).
    await juju.updateSecret("db-pass", { password: "correct horse" });
    await juju.wait(() => true, { successes: 1 });
    while ((await juju.simulator()).busy()) await (await juju.simulator()).step();
    expect(charm.hooks().filter((line) => line.startsWith("rec/0 secret-changed"))).toEqual([
      "rec/0 secret-changed rel= remote= departing= secret=set revision=",
    ]);
    expect(charm.hooks().some((line) => line.startsWith("rec/1 secret-changed"))).toBe(false);
    expect((await juju.showSecret("db-pass", { reveal: true, revision: 1 })).content).toEqual({ password: "hunter2" });
    expect((await juju.showSecret("db-pass", { revisions: true })).revisions.map((revision) => revision.revision)).toEqual([1, 2]);
    await juju.updateSecret(uri, undefined, { name: "database-password", info: "renamed" });
    expect((await juju.showSecret("database-password")).description).toBe("renamed");

    await juju.revokeSecret("database-password", "rec");
    expect((await juju.showSecret(uri)).access).toEqual([]);
    await juju.removeSecret(uri, { revision: 1 });
    expect((await juju.showSecret(uri, { revisions: true })).revisions.map((revision) => revision.revision)).toEqual([2]);
    await juju.removeSecret("database-password");
    await expect(juju.showSecret(uri)).rejects.toThrow(`secret "${uri.slice("secret:".length)}" not found`);
    expect(await juju.secrets()).toEqual([]);
    // Secret content never in the debug log.
    expect(await juju.debugLog()).not.toMatch(/hunter2|correct horse/);
  });

  test("showUnit: leader, machine, address, and each relation's bags as juju show-unit has them", { timeout: 30_000 }, async () => {
    charm.onHook("backend-relation-changed", "relation-set greeting=hello");
    charm.onHook("db-relation-joined", "if is-leader; then relation-set --app served=yes; fi");
    await juju.integrate("rec:backend", "pg:db");
    while ((await juju.simulator()).busy()) await (await juju.simulator()).step();
    const info = await juju.showUnit("rec/0");
    expect(info).toMatchObject({ charm: "local:recorder-0", leader: true, life: "alive", machine: "0", publicAddress: "10.1.0.10" });
    const backend = info.relationInfo.find((relation) => relation.endpoint === "backend");
    expect(backend).toMatchObject({ relatedEndpoint: "db", appData: { served: "yes" }, crossModel: false });
    expect(backend?.localUnit?.inScope).toBe(true);
    expect(backend?.localUnit?.data["greeting"]).toBe("hello");
    expect(Object.keys(backend?.relatedUnits ?? {})).toEqual(["pg/0"]);
    const peers = info.relationInfo.find((relation) => relation.endpoint === "peers");
    expect(Object.keys(peers?.relatedUnits ?? {})).toEqual(["rec/1"]);
    expect((await juju.showUnit("rec/1")).leader).toBe(false);
    await expect(juju.showUnit("rec/9")).rejects.toThrow('unit "rec/9" not found');
  });

  test("ssh runs a command on the unit's machine the way juju exec does; a failing one is a CLIError", { timeout: 30_000 }, async () => {
    expect(await juju.ssh("rec/1", "echo", "on $JUJU_UNIT_NAME")).toBe("on $JUJU_UNIT_NAME\n");
    expect(await juju.ssh("rec/1", 'echo "on $JUJU_UNIT_NAME"')).toBe("on rec/1\n");
    expect(await juju.ssh("1", "echo $JUJU_UNIT_NAME")).toBe("rec/1\n");
    const failed = await juju.ssh("rec/0", "echo oops >&2; exit 3").catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CLIError);
    expect((failed as CLIError).exitCode).toBe(3);
    expect((failed as CLIError).stderr).toContain("oops");
    await expect(juju.ssh("7", "true")).rejects.toThrow("machine 7 not found");
  });

  test("scp copies into and out of a machine through the exec path, byte for byte, with a size limit", { timeout: 60_000 }, async () => {
    const local = mkdtempSync(join(tmpdir(), "tscharm-scp-"));
    try {
      const machine = (await juju.simulator()).machineDir("1");
      const bytes = randomBytes(150 * 1024); // several chunks
      writeFileSync(join(local, "in.bin"), bytes);
      await juju.scp(join(local, "in.bin"), `rec/1:${machine}/copied.bin`);
      expect(readFileSync(join(machine, "copied.bin")).equals(bytes)).toBe(true);
      await juju.scp(`ubuntu@rec/1:${machine}/copied.bin`, join(local, "out.bin"));
      expect(readFileSync(join(local, "out.bin")).equals(bytes)).toBe(true);
      writeFileSync(join(local, "empty"), "");
      await juju.scp(join(local, "empty"), `1:${machine}/empty`);
      expect(readFileSync(join(machine, "empty"), "utf8")).toBe("");

      writeFileSync(join(local, "big.bin"), Buffer.alloc(SCP_LIMIT_BYTES + 1));
      await expect(juju.scp(join(local, "big.bin"), `rec/1:${machine}/big.bin`)).rejects.toThrow(/more than the simulator copies/);
      expect(existsSync(join(machine, "big.bin"))).toBe(false);
      await expect(juju.scp(`rec/1:${machine}/missing`, join(local, "x"))).rejects.toThrow(/scp: .*missing/);
      await expect(juju.scp(join(local, "in.bin"), join(local, "again.bin"))).rejects.toThrow("must be <unit>:<path>");
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
  });

  test(
    "trust: the application is trusted, and config-changed runs on every unit; the same trust again runs nothing",
    { timeout: 30_000 },
    async () => {
      const configChanged = () => charm.hooks().filter((line) => / config-changed /.test(`${line} `) && line.startsWith("pg/")).length;
      const before = configChanged();
      const simulator = await juju.simulator();
      await juju.trust("pg");
      while (simulator.busy()) await simulator.step();
      expect(configChanged()).toBe(before + 1);
      expect(simulator.model.app("pg").trusted).toBe(true);
      await juju.trust("pg");
      while ((await juju.simulator()).busy()) await (await juju.simulator()).step();
      expect(configChanged()).toBe(before + 1);
      await juju.trust("pg", { remove: true });
      while ((await juju.simulator()).busy()) await (await juju.simulator()).step();
      expect(configChanged()).toBe(before + 2);
      expect(simulator.model.app("pg").trusted).toBe(false);
    },
  );

  test("integrate --via: the CIDRs are checked as Juju parses them, and recorded in the debug log", { timeout: 30_000 }, async () => {
    const simulator = await juju.simulator();
    simulator.addRemoteApp("offer", { units: 1 });
    await expect(juju.integrate("rec:db", "offer", { via: "10.0.0.0/33" })).rejects.toThrow("invalid CIDR address: 10.0.0.0/33");
    await juju.integrate("rec:db", "offer", { via: ["192.0.2.0/24", "2001:db8::/32"] });
    expect(await juju.debugLog()).toContain("egress subnets (--via) 192.0.2.0/24,2001:db8::/32");
  });

  test(
    "run/exec `wait`: a task still queued when the time is up is a TaskTimeoutError, with Juju's words",
    { timeout: 30_000 },
    async () => {
      // The new unit's install (1.5 s) comes before any task on it.
      charm.onHook("install", "sleep 1.5", "slow/0");
      await juju.deploy(charm.dir, { app: "slow" });
      const timedOut = await juju.exec("slow/0", "true", { wait: 300 }).catch((error: unknown) => error);
      expect(timedOut).toBeInstanceOf(TaskTimeoutError);
      expect((timedOut as Error).message).toBe("timed out waiting for results from: unit slow/0");
      // The task stays queued, and runs.
      expect((await juju.exec("slow/0", "echo", "in time", { wait: 10_000 })).stdout).toBe("in time\n");
      expect(charm.hooks().filter((line) => line.startsWith("slow/0 install"))).toHaveLength(1);
      charm.onHook("do", "action-set got=$(action-get n)");
      await expect(juju.run("slow/0", "do", { n: 2 }, { wait: 10_000 })).resolves.toMatchObject({ results: { got: "2" } });
    },
  );

  test("deploy: what only Charmhub can honour is refused locally", async () => {
    await expect(juju.deploy(charm.dir, { app: "other", channel: "latest/edge" })).rejects.toThrow(
      "the simulator deploys local charms as they are: it does not take `channel`",
    );
  });
});

describe("Juju.local models: addModel, destroyModel, tempModel", () => {
  test("tempModel makes a model for the block and destroys it after, unless kept", { timeout: 60_000 }, async () => {
    const charm = recorderCharm();
    const juju = Juju.local({ env: { CONTROL: charm.control } });
    try {
      expect(juju.model).toBe("sim");
      let inside = "";
      let dir = "";
      await juju.tempModel(async (temp) => {
        inside = temp.model ?? "";
        await temp.deploy(charm.dir, { app: "t" });
        const simulator = await temp.simulator();
        await simulator.settle();
        dir = simulator.dir;
      });
      expect(inside).toMatch(/^tscharm-[0-9a-f]{8}$/);
      expect(juju.model).toBe("sim");
      expect(existsSync(dir)).toBe(false);
      // Its units tore down as destroy-model's do.
      expect(
        charm
          .hooks()
          .filter((line) => line.startsWith("t/0 "))
          .map((line) => line.split(" ")[1]),
      ).toContain("remove");

      let kept = "";
      const failure = await juju
        .tempModel(
          async (temp) => {
            kept = temp.model ?? "";
            await temp.deploy(charm.dir, { app: "k" });
            throw new Error("the test failed");
          },
          { keepOnFailure: true },
        )
        .catch((error: unknown) => error);
      expect((failure as Error).message).toBe("the test failed");
      expect(juju.model).toBe("sim");
      await expect(juju.addModel(kept)).rejects.toThrow(`model "${kept}" already exists`);
      await juju.destroyModel(kept);
      await expect(juju.destroyModel(kept)).rejects.toThrow(`model "${kept}" not found`);

      await juju.addModel("second");
      expect(juju.model).toBe("second");
      await juju.destroyModel("admin/second");
      expect(juju.model).toBeUndefined();
      await expect(juju.status()).rejects.toThrow("this client has no model any more");
      await expect(juju.addModel("Bad_Name")).rejects.toThrow("model names may only contain lowercase letters, digits and hyphens");
    } finally {
      await juju.close();
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    }
  });
});
