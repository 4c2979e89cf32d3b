// `Juju.cli()`'s Jubilant methods, against the stand-in `juju` (integration/juju-stand-in.ts: each
// juju command carried out by `tscharm sim`, every argv in calls.log): the command lines Jubilant
// runs, what a real controller shows that the stand-in now shows too (debug-log's 10-line
// default, juju run/exec's "timed out waiting for results"), and a snap juju's confinement.

import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { CLIError, type CliJuju, Juju, TaskTimeoutError, parseSecrets, parseUnitInfo, writeJujuStandIn } from "tscharm/integration";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

describe("parsing what juju prints", () => {
  test("juju show-secret --reveal: keyed by id, the content under Data (juju/juju cmd/juju/secrets/list.go)", () => {
    const [secret] = parseSecrets({
      d0bnvq5mp25c7a1r0lsg: {
        revision: 2,
        checksum: "a1b2",
        owner: "<model>",
        name: "db-pass",
        created: "2025-01-02T03:04:05Z",
        updated: "2025-01-03T03:04:05Z",
        content: { Data: { password: "hunter2" } },
        access: [{ target: "application-rec", scope: "model-1234", role: "view" }],
        revisions: [
          { revision: 1, created: "2025-01-02T03:04:05Z", updated: "2025-01-02T03:04:05Z" },
          { revision: 2, backend: "internal" },
        ],
      },
    });
    expect(secret).toMatchObject({
      uri: "secret:d0bnvq5mp25c7a1r0lsg",
      revision: 2,
      checksum: "a1b2",
      owner: "<model>",
      name: "db-pass",
      label: undefined,
      created: "2025-01-02T03:04:05Z",
      content: { password: "hunter2" },
      access: [{ target: "application-rec", scope: "model-1234", role: "view" }],
    });
    expect(secret?.revisions.map((revision) => [revision.revision, revision.backend])).toEqual([
      [1, ""],
      [2, "internal"],
    ]);
    expect(parseSecrets({ x: { revision: 1, owner: "rec" } })[0]?.content).toBeUndefined();
  });

  test("juju show-unit: relation-info with application-data, local-unit and related-units (cmd/juju/application/showunit.go)", () => {
    const info = parseUnitInfo({
      "rec/0": {
        "opened-ports": ["80/tcp"],
        charm: "ch:amd64/recorder-3",
        leader: true,
        life: "alive",
        machine: "0",
        "public-address": "10.0.0.1",
        "relation-info": [
          {
            "relation-id": 4,
            endpoint: "backend",
            "related-endpoint": "db",
            "application-data": { served: "yes" },
            "local-unit": { "in-scope": true, data: { greeting: "hello" } },
            "related-units": { "pg/0": { "in-scope": true, data: { "ingress-address": "10.0.0.2" } } },
          },
        ],
      },
    });
    expect(info).toMatchObject({ openedPorts: ["80/tcp"], charm: "ch:amd64/recorder-3", leader: true, machine: "0", workloadVersion: "" });
    expect(info.relationInfo[0]).toEqual({
      relationId: 4,
      endpoint: "backend",
      relatedEndpoint: "db",
      appData: { served: "yes" },
      crossModel: false,
      localUnit: { inScope: true, data: { greeting: "hello" } },
      relatedUnits: { "pg/0": { inScope: true, data: { "ingress-address": "10.0.0.2" } } },
    });
  });
});

describe("Juju.cli: Jubilant's methods through the stand-in juju", () => {
  let charm: RecorderCharm;
  let root: string;
  let standIn: string;
  let juju: CliJuju;

  beforeAll(async () => {
    charm = recorderCharm();
    root = join(charm.control, "..", "juju");
    standIn = writeJujuStandIn(root, { env: { CONTROL: charm.control } });
    juju = Juju.cli({ model: "m2", cliBinary: standIn, pollInterval: 10 });
    await juju.deploy(charm.dir, { app: "rec", numUnits: 2 });
    await juju.deploy(charm.dir, { app: "pg" });
  }, 60_000);

  afterAll(() => {
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });

  const calls = (): string[] =>
    readFileSync(join(root, "calls.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.trim());
  const since = (count: number): string[] => calls().slice(count);

  test("user secrets: the content goes in a file, never in argv; the stand-in keeps them as Juju does", { timeout: 60_000 }, async () => {
    const before = calls().length;
    const uri = await juju.addSecret("api-token", { token: "s3cr3t-value" }, { info: "for the API" });
    expect(uri).toMatch(/^secret:[0-9a-v]{20}$/);
    await juju.grantSecret("api-token", ["rec", "pg"]);
    expect((await juju.exec("rec/0", "secret-get", uri, "token")).stdout.trim()).toBe("s3cr3t-value");
    const [listed] = await juju.secrets({ owner: "<model>" });
    expect(listed).toMatchObject({ uri, owner: "<model>", name: "api-token", description: "for the API", revision: 1 });
    expect((await juju.showSecret(uri, { reveal: true })).content).toEqual({ token: "s3cr3t-value" });
    await juju.updateSecret("api-token", { token: "n3w" }, { info: "rotated" });
    expect(await juju.showSecret("api-token", { reveal: true, revision: 2 })).toMatchObject({ revision: 2, content: { token: "n3w" } });
    await juju.revokeSecret(uri, "pg");
    expect((await juju.showSecret(uri)).access.map((access) => access.target)).toEqual(["application-rec"]);
    await juju.removeSecret(uri, { revision: 1 });
    await juju.removeSecret("api-token");
    expect(await juju.secrets()).toEqual([]);
    const error = await juju.showSecret("api-token").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CLIError);
    expect((error as CLIError).stderr).toContain('secret "api-token" not found');

    const lines = since(before);
    expect(lines.join("\n")).not.toMatch(/s3cr3t-value|n3w/);
    expect(lines.filter((line) => !line.startsWith("exec ")).map((line) => line.replace(/--file \S+/, "--file <yaml>"))).toEqual([
      "add-secret --model m2 api-token --info for\\ the\\ API --file <yaml>",
      "grant-secret --model m2 api-token rec\\,pg", // calls.log is printf %q's
      "secrets --model m2 --owner \\<model\\> --format json",
      `show-secret --model m2 ${uri} --format json --reveal`,
      "update-secret --model m2 api-token --info rotated --file <yaml>",
      "show-secret --model m2 api-token --format json --reveal --revision 2",
      `revoke-secret --model m2 ${uri} pg`,
      `show-secret --model m2 ${uri} --format json`,
      `remove-secret --model m2 ${uri} --revision 1`,
      "remove-secret --model m2 api-token",
      "secrets --model m2 --format json",
      "show-secret --model m2 api-token --format json",
    ]);
  });

  test("debugLog() is the whole log: juju's default of the last 10 lines needs --replay", { timeout: 60_000 }, async () => {
    const whole = (await juju.debugLog()).trim().split("\n");
    expect(whole.length).toBeGreaterThan(10);
    // What the stand-in does by default, as juju does: the last 10 lines.
    expect((await juju.cli("debug-log", "--no-tail")).trim().split("\n")).toEqual(whole.slice(-10));
    expect((await juju.debugLog({ limit: 3 })).trim().split("\n")).toEqual(whole.slice(-3));
    expect(
      calls()
        .filter((line) => line.startsWith("debug-log"))
        .slice(-3),
    ).toEqual([
      "debug-log --model m2 --no-tail --replay",
      "debug-log --model m2 --no-tail",
      "debug-log --model m2 --no-tail --lines 3 --limit 3",
    ]);
  });

  test("showUnit, ssh, scp, trust, integrate --via: juju's command lines, and what they do", { timeout: 60_000 }, async () => {
    const before = calls().length;
    await juju.integrate("rec:backend", "pg:db", { via: "192.0.2.0/24" });
    const info = await juju.showUnit("rec/0");
    expect(info).toMatchObject({ leader: true, machine: "0" });
    expect(info.relationInfo.map((relation) => relation.endpoint).sort()).toEqual(["backend", "peers"]);
    expect(await juju.ssh("rec/1", "echo", "-n", "two words")).toBe("two words");
    const local = mkdtempSync(join(tmpdir(), "tscharm-scp-"));
    try {
      writeFileSync(join(local, "in.txt"), "over the wire\n");
      const remote = join(root, "models", "m2", "copied.txt");
      await juju.scp(join(local, "in.txt"), `rec/1:${remote}`);
      expect(readFileSync(remote, "utf8")).toBe("over the wire\n");
      await juju.scp(`rec/1:${remote}`, join(local, "out.txt"));
      expect(readFileSync(join(local, "out.txt"), "utf8")).toBe("over the wire\n");
    } finally {
      rmSync(local, { recursive: true, force: true });
    }
    await juju.trust("pg");
    await juju.trust("pg", { remove: true });
    expect(
      since(before).map((line) => line.replace(/(rec\/1:)?\/\S+\.txt/g, (_match, unit: string | undefined) => `${unit ?? ""}<path>.txt`)),
    ).toEqual([
      "integrate --model m2 rec:backend pg:db --via 192.0.2.0/24",
      "show-unit --model m2 rec/0 --format json",
      "ssh --model m2 rec/1 echo -n two\\ words",
      "scp --model m2 -- <path>.txt rec/1:<path>.txt",
      "scp --model m2 -- rec/1:<path>.txt <path>.txt",
      "trust --model m2 pg",
      "trust --model m2 pg --remove",
    ]);
    expect(await juju.debugLog()).toContain("egress subnets (--via) 192.0.2.0/24");
  });

  test(
    'run/exec `wait`: --wait on the command line; juju\'s "timed out waiting for results" is a TaskTimeoutError',
    { timeout: 60_000 },
    async () => {
      charm.onHook("do", "action-set got=$(action-get n)");
      expect((await juju.exec("rec/1", "echo", "in time", { wait: 500 })).stdout).toBe("in time\n");
      expect((await juju.run("rec/0", "do", { n: 4 }, { wait: 30_000 })).results).toEqual({ got: "4" });
      expect(
        calls()
          .slice(-2)
          .map((line) => line.replace(/--params \S+/, "--params <file>")),
      ).toEqual([
        "exec --model m2 --format json --unit rec/1 --wait 0.5s -- echo in\\ time",
        "run --model m2 --format json rec/0 do --wait 30s --params <file>",
      ]);
      // What juju prints when the wait runs out (juju/juju cmd/juju/action: the task goes on running).
      const dir = mkdtempSync(join(tmpdir(), "tscharm-slow-juju-"));
      try {
        const slow = join(dir, "juju");
        writeFileSync(slow, "#!/bin/sh\necho 'ERROR timed out waiting for results from: unit rec/0' >&2\nexit 1\n", { mode: 0o755 });
        const client = Juju.cli({ model: "m2", cliBinary: slow });
        const error = await client.run("rec/0", "do", undefined, { wait: 100 }).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(TaskTimeoutError);
        expect((error as Error).message).toContain("timed out waiting for results from: unit rec/0");
        await expect(client.exec("rec/0", "true", { wait: 100 })).rejects.toThrow(TaskTimeoutError);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test("deploy: a Charmhub name is passed on as it is, with every option Jubilant passes", { timeout: 30_000 }, async () => {
    const before = calls().length;
    const error = await juju
      .deploy("postgresql", {
        app: "db",
        channel: "14/stable",
        base: "ubuntu@22.04",
        revision: 42,
        constraints: { mem: "2G" },
        to: ["0", "lxd:1"],
        storage: { data: "tmpfs,1G" },
        resources: { image: "7" },
        numUnits: 2,
        trust: true,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CLIError);
    expect(since(before)).toEqual([
      "deploy --model m2 postgresql db --base ubuntu@22.04 --channel 14/stable --constraints mem=2G --num-units 2 " +
        "--resource image=7 --revision 42 --storage data=tmpfs\\,1G --to 0\\,lxd:1 --trust",
    ]);
  });

  test("cli() runs a command without --model when asked; addModel/destroyModel never take --model", { timeout: 60_000 }, async () => {
    const other = Juju.cli({ model: "m2", cliBinary: standIn, pollInterval: 10 });
    const before = calls().length;
    await other.cli("status", "--format", "json", { includeModel: false }).catch(() => undefined);
    await other.addModel("m3");
    expect(other.model).toBe("m3");
    await other.deploy(charm.dir, { app: "x" });
    await expect(other.addModel("m3")).rejects.toThrow('model "m3" for admin already exists');
    await other.destroyModel("m3", { destroyStorage: true, force: true, timeout: 20_000 });
    expect(other.model).toBeUndefined();
    expect(existsSync(join(root, "models", "m3"))).toBe(false);
    expect(since(before).map((line) => line.replace(/^deploy --model m3 \S+/, "deploy --model m3 <charm>"))).toEqual([
      "status --format json",
      "add-model --no-switch m3",
      "deploy --model m3 <charm> x",
      "add-model --no-switch m3",
      "destroy-model m3 --no-prompt --destroy-storage --force --timeout 20s",
    ]);
  });

  test(
    "tempModel: add-model, the block on that model, destroy-model with its storage by force; then the model before",
    { timeout: 60_000 },
    async () => {
      const other = Juju.cli({ model: "m2", cliBinary: standIn, pollInterval: 10 });
      const before = calls().length;
      let name = "";
      await other.tempModel(async (temp) => {
        name = temp.model ?? "";
        await temp.deploy(charm.dir, { app: "t" });
      });
      expect(other.model).toBe("m2");
      expect(since(before).map((line) => line.replace(/^deploy (--model \S+) \S+/, "deploy $1 <charm>"))).toEqual([
        `add-model --no-switch ${name}`,
        `deploy --model ${name} <charm> t`,
        `destroy-model ${name} --no-prompt --destroy-storage --force`,
      ]);
      expect(existsSync(join(root, "models", name))).toBe(false);
    },
  );

  test(
    "a snap juju reads only ~/snap/juju/common: every local charm, params and secret file goes there first",
    { timeout: 60_000 },
    async () => {
      const home = mkdtempSync(join(tmpdir(), "tscharm-home-"));
      const savedHome = process.env["HOME"];
      process.env["HOME"] = home;
      try {
        // A charm outside the temp dir too: a snap cannot read the user's checkout either (only ~/snap/juju/common).
        const snap = Juju.cli({ model: "m2", cliBinary: standIn, pollInterval: 10, snapConfined: true });
        const before = calls().length;
        await snap.deploy(charm.dir, { app: "snapped" });
        charm.onHook("do", "action-set got=$(action-get n)");
        expect((await snap.run("snapped/0", "do", { n: 7 })).results).toEqual({ got: "7" });
        await snap.addSecret("snap-secret", { key: "value" });
        await snap.removeSecret("snap-secret");
        const common = join(home, "snap", "juju", "common");
        const lines = since(before);
        expect(lines[0]).toMatch(new RegExp(`^deploy --model m2 ${common}/tscharm-\\w+/charm snapped$`));
        expect(lines[1]).toMatch(new RegExp(`--params ${common}/tscharm-\\w+/params.yaml$`));
        expect(lines[2]).toMatch(new RegExp(`--file ${common}/tscharm-\\w+/secret.yaml$`));
        // The copies are gone afterwards.
        expect(readdirSync(common)).toEqual([]);
      } finally {
        if (savedHome === undefined) Reflect.deleteProperty(process.env, "HOME");
        else process.env["HOME"] = savedHome;
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

// A real controller: TSCHARM_JUJU_MODEL names a model to use (and TSCHARM_JUJU_CLI the juju binary,
// if not `juju`); .github/workflows/real-controller.yml sets it up on LXD with Juju 3.6 and 4.0.
const controllerModel = process.env["TSCHARM_JUJU_MODEL"];
describe.skipIf(controllerModel === undefined)(
  `on a real controller (Juju.cli, model ${controllerModel ?? "unset: set TSCHARM_JUJU_MODEL to run"})`,
  () => {
    const real = (): CliJuju => Juju.cli({ model: controllerModel ?? "", cliBinary: process.env["TSCHARM_JUJU_CLI"] ?? "juju" });

    test("user secrets: add, show revealed, update, list, remove", { timeout: 300_000 }, async () => {
      const juju = real();
      const name = `tscharm-${String(Date.now())}`;
      const uri = await juju.addSecret(name, { token: "first" }, { info: "tscharm's test" });
      try {
        expect((await juju.showSecret(name, { reveal: true })).content).toEqual({ token: "first" });
        await juju.updateSecret(uri, { token: "second" });
        expect(await juju.showSecret(uri, { reveal: true })).toMatchObject({ revision: 2, content: { token: "second" } });
        expect((await juju.secrets()).map((secret) => secret.uri)).toContain(uri);
      } finally {
        await juju.removeSecret(uri);
      }
    });

    test("debugLog() is the whole log, tempModel a model for a block", { timeout: 900_000 }, async () => {
      const juju = real();
      expect(typeof (await juju.debugLog())).toBe("string");
      let made = "";
      await juju.tempModel(async (temp) => {
        made = temp.model ?? "";
        expect((await temp.status()).model.name).toBe(made);
      });
      expect(juju.model).toBe(controllerModel);
    });
  },
);
