// "tscharm/integration" on its own: parsing `juju status --format=json`, the predicates, tasks,
// `wait`, and the exact juju command lines `Juju.cli` runs (checked through a stand-in juju).

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import {
  CLIError,
  type CliJuju,
  Juju,
  TaskError,
  WaitError,
  WaitTimeoutError,
  allActive,
  allAgentsIdle,
  allBlocked,
  anyError,
  anyWaiting,
  formatStatusTable,
  leaderOf,
  parseStatus,
  taskFromJuju,
  unitsOf,
  writeJujuStandIn,
} from "tscharm/integration";
import { running } from "../../simulator/leftover-processes.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

/** Shaped like Jubilant's test fixtures (https://github.com/canonical/jubilant; names invented). */
const STATUS = {
  model: {
    name: "test",
    type: "iaas",
    controller: "lxd",
    cloud: "localhost",
    region: "localhost",
    version: "3.6.4",
    "model-status": { current: "available" },
  },
  machines: { "0": { "juju-status": { current: "started" }, "dns-name": "10.0.0.10" }, "1": {} },
  applications: {
    hello: {
      charm: "hello",
      "charm-origin": "local",
      "charm-name": "hello",
      "charm-rev": 3,
      exposed: false,
      base: { name: "ubuntu", channel: "24.04" },
      "application-status": { current: "active", message: "ready" },
      relations: { db: [{ "related-application": "pg", interface: "pgsql", scope: "global" }], legacy: ["old"] },
      units: {
        "hello/0": {
          "workload-status": { current: "active", message: "ready" },
          "juju-status": { current: "idle", version: "3.6.4" },
          leader: true,
          machine: "0",
          "public-address": "10.0.0.10",
          "open-ports": ["80/tcp"],
          subordinates: { "logger/0": { "workload-status": { current: "active" }, "juju-status": { current: "executing" } } },
        },
        "hello/1": {
          "workload-status": { current: "active" },
          "juju-status": { current: "idle" },
          machine: "1",
          "public-address": "10.0.0.11",
        },
      },
    },
    logger: {
      charm: "logger",
      "charm-name": "logger",
      "charm-rev": 1,
      exposed: false,
      "subordinate-to": ["hello"],
      "application-status": { current: "active" },
    },
    broken: { "status-error": "cannot get status", units: { "broken/0": { "status-error": "unit lost" } } },
  },
};

describe("status", () => {
  const status = parseStatus(STATUS);

  test("parses every field Jubilant reads; `leader` absent means false; status-error reads as failed", () => {
    expect(status.model).toMatchObject({
      name: "test",
      type: "iaas",
      controller: "lxd",
      version: "3.6.4",
      modelStatus: { current: "available" },
    });
    expect(status.machines["0"]).toMatchObject({ jujuStatus: { current: "started" }, dnsName: "10.0.0.10" });
    const hello = status.apps["hello"];
    expect(hello).toMatchObject({
      charmName: "hello",
      charmRev: 3,
      charmOrigin: "local",
      base: { name: "ubuntu", channel: "24.04" },
      appStatus: { current: "active", message: "ready" },
    });
    expect(hello?.relations).toEqual({
      db: [{ relatedApp: "pg", interface: "pgsql", scope: "global" }],
      legacy: [{ relatedApp: "old", interface: "", scope: "" }],
    });
    expect(hello?.units["hello/0"]).toMatchObject({ leader: true, machine: "0", publicAddress: "10.0.0.10", openPorts: ["80/tcp"] });
    expect(hello?.units["hello/1"]?.leader).toBe(false);
    expect(hello?.units["hello/1"]?.workloadStatus.message).toBe("");
    expect(status.apps["broken"]?.appStatus).toEqual({ current: "failed", message: "cannot get status", since: "", version: "" });
    expect(status.apps["broken"]?.units["broken/0"]?.workloadStatus.current).toBe("failed");
    expect(parseStatus(null)).toEqual({ model: expect.anything() as unknown, machines: {}, apps: {} });
  });

  test("subordinate units are found under their principals", () => {
    expect(Object.keys(unitsOf(status, "logger"))).toEqual(["logger/0"]);
    expect(leaderOf(status, "hello")).toBe("hello/0");
    expect(leaderOf(status, "logger")).toBeUndefined();
  });

  test("predicates: all_* need every app (or the named ones) and its units; any_* one of them", () => {
    expect(allActive(status, "hello", "logger")).toBe(true);
    expect(allActive(status)).toBe(false);
    expect(allActive(status, "missing")).toBe(false);
    expect(allBlocked(status, "hello")).toBe(false);
    expect(anyError(status)).toBe(false);
    expect(anyWaiting(status, "missing")).toBe(false);
    expect(allAgentsIdle(status, "hello")).toBe(true);
    expect(allAgentsIdle(status, "logger")).toBe(false);
  });

  test("the table `juju status` prints", () => {
    const table = formatStatusTable(status);
    expect(table).toContain("App     Version  Status  Scale  Charm   Rev  Exposed  Message\nbroken           failed  1");
    expect(table).toMatch(/^hello\/0\*\s+active\s+idle\s+0\s+10\.0\.0\.10\s+80\/tcp\s+ready$/m);
  });
});

describe("tasks", () => {
  test("juju run's JSON: return-code, stdout and stderr come out of the results", () => {
    const task = taskFromJuju({
      id: "42",
      log: ["2025-03-01 16:23:26 +1300 NZDT Log message"],
      results: { password: "pass", "return-code": 0, stdout: "OUT", stderr: "ERR" },
      status: "completed",
    });
    expect(task).toEqual({
      id: "42",
      status: "completed",
      results: { password: "pass" },
      returnCode: 0,
      stdout: "OUT",
      stderr: "ERR",
      message: "",
      log: ["2025-03-01 16:23:26 +1300 NZDT Log message"],
      success: true,
    });
    expect(taskFromJuju({ id: 28, results: { "return-code": 1 }, status: "completed" }).success).toBe(false);
    expect(new TaskError(taskFromJuju({ id: "3", status: "failed", message: "no can do", results: { "return-code": 0 } })).message).toBe(
      "task 3 failed (return code 0): no can do",
    );
  });
});

describe("Juju.cli runs the juju commands Jubilant runs", () => {
  let charm: RecorderCharm;
  let root: string;
  let juju: CliJuju;

  beforeAll(() => {
    charm = recorderCharm();
    root = join(charm.control, "..", "juju");
    juju = Juju.cli({ model: "m1", cliBinary: writeJujuStandIn(root, { env: { CONTROL: charm.control } }), pollInterval: 10 });
  });

  afterAll(() => {
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });

  const calls = (): string[] =>
    readFileSync(join(root, "calls.log"), "utf8")
      .trim()
      .split("\n")
      .map((line) => line.trim());

  test("the argv of every method, with --model after the command", { timeout: 60_000 }, async () => {
    charm.onHook("do", "action-set got=$(action-get n)");
    charm.onHook("fail", 'action-fail "not today"');
    await juju.deploy(charm.dir, { app: "rec", numUnits: 2, config: { port: 81, greeting: "hi there" } });
    await juju.addUnit("rec", { numUnits: 1 });
    expect(await juju.config("rec")).toEqual({ greeting: "hi there", port: 81 });
    await juju.config("rec", { port: 82 }, { reset: ["greeting"] });
    expect((await juju.run("rec/leader", "do", { n: 5 })).results).toEqual({ got: "5" });
    const failure = await juju.run("rec/1", "fail").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TaskError);
    expect((failure as TaskError).task).toMatchObject({ status: "failed", message: "not today" });
    expect((await juju.exec("rec/2", "echo", "two words")).stdout).toBe("two words\n");
    await juju.deploy(charm.dir, { app: "pg" });
    await juju.integrate("rec:backend", "pg:db");
    await juju.removeRelation("rec", "pg");
    await juju.removeUnit("rec/2");
    await juju.refresh("pg", { path: charm.dir });
    await juju.refresh("pg", { path: charm.dir, forceUnits: true });
    expect(await juju.debugLog({ limit: 3 })).toMatch(/^(unit|machine)-/);
    const status = await juju.wait((s) => allActive(s) || Object.keys(s.apps).length === 2, { timeout: 30_000 });
    expect(Object.keys(status.apps).sort()).toEqual(["pg", "rec"]);

    const params = calls().find((line) => line.startsWith("run --model m1 --format json rec/leader do --params "));
    expect(params).toBeDefined();
    expect(
      calls().map((line) =>
        line
          .replace(/--params \S+/, "--params <file>")
          .replace(/^deploy --model m1 \S+/, "deploy --model m1 <charm>")
          .replace(/--path \S+/, "--path <charm>"),
      ),
    ).toEqual([
      "deploy --model m1 <charm> rec --config port=81 --config greeting=hi\\ there --num-units 2",
      "add-unit --model m1 rec --num-units 1",
      "config --model m1 --format json rec",
      "config --model m1 rec port=82 --reset greeting",
      "run --model m1 --format json rec/leader do --params <file>",
      "run --model m1 --format json rec/1 fail",
      "exec --model m1 --format json --unit rec/2 -- echo two\\ words",
      "deploy --model m1 <charm> pg",
      "integrate --model m1 rec:backend pg:db",
      "remove-relation --model m1 rec pg",
      "remove-unit --model m1 --no-prompt rec/2",
      "refresh --model m1 pg --path <charm>",
      "refresh --model m1 pg --path <charm> --force-units",
      "debug-log --model m1 --no-tail --lines 3 --limit 3",
      // wait: the condition held three polls in a row.
      "status --model m1 --format json",
      "status --model m1 --format json",
      "status --model m1 --format json",
    ]);
  });

  test("a charm project is not a charm to juju: deploy refuses it before running juju", async () => {
    const project = mkdtempSync(join(tmpdir(), "tscharm-project-"));
    writeFileSync(join(project, "charmcraft.yaml"), "name: web\ntype: charm\n");
    const before = calls().length;
    await expect(juju.deploy(project)).rejects.toThrow(`${project} is a charm project, not a charm: juju deploys the packed .charm`);
    expect(calls()).toHaveLength(before);
    rmSync(project, { recursive: true, force: true });
  });

  test("a failing juju command is a CLIError with juju's stderr", async () => {
    const error = await juju.removeUnit("rec/99").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CLIError);
    expect((error as CLIError).exitCode).toBe(1);
    expect((error as CLIError).stderr).toContain('removing unit rec/99 failed: unit "rec/99" does not exist');
  });

  test("destroy-model tears the model down; it is gone afterwards", { timeout: 60_000 }, async () => {
    const before = charm.hooks().length;
    await juju.cli("destroy-model", "m1", "--no-prompt", "--force", "--timeout", "30s");
    expect(calls().at(-1)).toBe("destroy-model --model m1 m1 --no-prompt --force --timeout 30s");
    expect(
      charm
        .hooks()
        .slice(before)
        .filter((line) => / (stop|remove) /.test(line)).length,
    ).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(root, "models", "m1"))).toBe(false);
    await expect(juju.status()).rejects.toThrow(CLIError);
  });
});

describe("wait", () => {
  test(
    "locally: steps the model until the condition holds; fails at once when the idle model cannot satisfy it",
    { timeout: 30_000 },
    async () => {
      const charm = recorderCharm();
      charm.onHook("start", "status-set active ready");
      const juju = Juju.local({ env: { CONTROL: charm.control } });
      try {
        await juju.deploy(charm.dir, { numUnits: 2 });
        const status = await juju.wait((s) => allActive(s) && allAgentsIdle(s));
        expect(Object.values(status.apps["recorder"]?.units ?? {}).map((unit) => unit.workloadStatus.message)).toEqual(["ready", "ready"]);
        await expect(juju.wait(allBlocked)).rejects.toThrow(WaitError);
        await expect(juju.wait(allBlocked)).rejects.toThrow("wait: the model is idle and allBlocked does not hold");
        await expect(juju.wait(allActive, { error: (s) => allActive(s) })).rejects.toThrow("the error condition");
        await juju.removeUnit("recorder/1");
        await expect(juju.wait(() => false, { timeout: 0 })).rejects.toThrow(/timed out after 0 ms/);
      } finally {
        await juju.close();
        rmSync(join(charm.control, ".."), { recursive: true, force: true });
      }
    },
  );

  test(
    "a failed wait tells the story: units in error and blocked, their messages, what the failed hook logged and printed",
    { timeout: 30_000 },
    async () => {
      const charm = recorderCharm();
      charm.onHook(
        "install",
        'juju-log --log-level ERROR "cannot reach the package mirror"; echo "E: Unable to fetch archives" >&2; exit 100',
        "recorder/0",
      );
      charm.onHook("start", 'status-set blocked "needs a database"', "recorder/1");
      charm.onHook("start", "status-set active", "recorder/2");
      const juju = Juju.local({ env: { CONTROL: charm.control } });
      try {
        await juju.deploy(charm.dir, { numUnits: 3 });
        const failed = await juju.wait(allActive, { error: anyError }).catch((error: unknown) => error);
        expect(failed).toBeInstanceOf(WaitError);
        expect((failed as WaitError).message).toBe(
          [
            "wait: the error condition anyError holds",
            '  recorder/0: error: hook failed: "install"',
            "    the install hook: failed, exit 100",
            "    ERROR cannot reach the package mirror",
            "    stderr:",
            "      E: Unable to fetch archives",
            // The others have not run install yet.
            "  recorder/1: waiting: waiting for machine",
            "  recorder/2: waiting: waiting for machine",
          ].join("\n"),
        );
        expect((failed as WaitError).status?.apps["recorder"]?.units["recorder/0"]?.workloadStatus.current).toBe("error");

        // Once the model is idle: blocked next, and the rest that is not active.
        const idle = await juju.wait(allActive).catch((error: unknown) => error);
        expect(idle).toBeInstanceOf(WaitError);
        expect((idle as WaitError).message.split("\n").filter((line) => line.startsWith("  recorder/"))).toEqual([
          '  recorder/0: error: hook failed: "install"',
          "  recorder/1: blocked: needs a database",
        ]);

        // Work to do (update-status on every unit), and no time to do it.
        (await juju.simulator()).updateStatus();
        const timedOut = await juju.wait(allActive, { timeout: 0 }).catch((error: unknown) => error);
        expect(timedOut).toBeInstanceOf(WaitTimeoutError);
        expect((timedOut as WaitTimeoutError).message).toContain(
          'wait: timed out after 0 ms waiting for allActive\n  recorder/0: error: hook failed: "install"\n' +
            "    the install hook: failed, exit 100\n",
        );
        expect((timedOut as WaitTimeoutError).message).toContain("\n  recorder/1: blocked: needs a database");
        expect((timedOut as WaitTimeoutError).status).toBeDefined();
      } finally {
        await juju.close();
        rmSync(join(charm.control, ".."), { recursive: true, force: true });
      }
    },
  );
});

describe("Juju.local({ jujuVersion })", () => {
  test("a Juju 4 model: status says 4.0.12 without sla, the followers run no leader-settings-changed", { timeout: 30_000 }, async () => {
    const charm = recorderCharm();
    const juju = Juju.local({ env: { CONTROL: charm.control }, jujuVersion: "4.0.12" });
    try {
      await juju.deploy(charm.dir, { numUnits: 2 });
      const status = await juju.wait(allAgentsIdle);
      expect(status.model).toMatchObject({ version: "4.0.12", sla: "" });
      const hooks = (await juju.simulator()).history().filter((entry) => entry.kind === "hook");
      expect(hooks.map((entry) => entry.name)).not.toContain("leader-settings-changed");
      expect(hooks.filter((entry) => entry.unit === "recorder/1").map((entry) => entry.name)).toContain("config-changed");
    } finally {
      await juju.close();
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    }
  });

  test("a version the simulator cannot model fails the first command, saying which it can", async () => {
    const juju = Juju.local({ jujuVersion: "3.4.6" });
    await expect(juju.status()).rejects.toThrow("Juju 3.4.6 cannot be modelled: the simulator and the test kit model Juju 3.6 and 4.x");
    await juju.close();
  });
});

describe("close", () => {
  test(
    "locally: the model is destroyed as destroy-model --force does; stop and remove ran, no process a hook started is left",
    { timeout: 30_000 },
    async () => {
      const charm = recorderCharm();
      charm.onHook(
        "start",
        'setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $! >> "$CONTROL/pids"; sleep 1001 & echo $! >> "$CONTROL/pids"',
      );
      const juju = Juju.local({ env: { CONTROL: charm.control } });
      try {
        await juju.deploy(charm.dir, { numUnits: 2 });
        await juju.wait(allAgentsIdle);
        const dir = (await juju.simulator()).dir;
        const pids = readFileSync(join(charm.control, "pids"), "utf8").trim().split("\n").map(Number);
        expect(pids).toHaveLength(4);
        expect(pids.every((pid) => running(pid))).toBe(true);
        await juju.close();
        const teardown = charm
          .hooks()
          .map((line) => line.split(" ").slice(0, 2).join(" "))
          .filter((line) => / (stop|remove)$/.test(line));
        expect(teardown.sort()).toEqual(["recorder/0 remove", "recorder/0 stop", "recorder/1 remove", "recorder/1 stop"]);
        expect(pids.filter((pid) => running(pid))).toEqual([]);
        expect(existsSync(dir)).toBe(false);
      } finally {
        rmSync(join(charm.control, ".."), { recursive: true, force: true });
      }
    },
  );
});
