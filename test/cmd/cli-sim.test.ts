// `tscharm sim …` and `tscharm run …` from the shell: the built command line on the compiled
// simulator (npm test builds lib/ first), with the recorder charm and the demo charm.

import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";

import { running } from "../../simulator/leftover-processes.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const TSCHARM = join(ROOT, "cmd", "tscharm.mjs");

let charm: RecorderCharm;
let work: string;

beforeAll(() => {
  charm = recorderCharm();
  work = mkdtempSync(join(tmpdir(), "tscharm-cli-sim-"));
});

afterAll(() => {
  rmSync(join(charm.control, ".."), { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

async function tscharm(...args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa("node", [TSCHARM, ...args], {
    cwd: work,
    reject: false,
    stripFinalNewline: false,
    env: { CONTROL: charm.control },
  });
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
}

describe("tscharm sim", () => {
  test("a model in a directory: deploy, status, run, exec, config, debug-log, remove-unit, destroy", { timeout: 60_000 }, async () => {
    charm.onHook("do", "action-set doubled=$(( $(action-get n) * 2 ))");
    const deployed = await tscharm(
      "sim",
      "deploy",
      charm.dir,
      "rec",
      "-n",
      "2",
      "--env",
      `CONTROL=${charm.control}`,
      "--config",
      "port=81",
    );
    expect(deployed.exitCode).toBe(0);
    expect(deployed.stderr).toContain("rec/0: leader-elected: ok");
    expect(deployed.stderr).toContain("rec/1: peers-relation-changed (remote unit rec/0, relation 0): ok");

    const status = await tscharm("sim", "status");
    expect(status.stdout).toMatch(/^rec\/0\*\s+maintenance\s+idle\s+0\s+10\.1\.0\.10\s+installing charm software$/m);
    expect(JSON.parse((await tscharm("sim", "status", "--format", "json")).stdout)).toMatchObject({
      applications: { rec: { "charm-name": "recorder" } },
    });

    const action = await tscharm("sim", "run", "rec/leader", "do", "n=21", "--format", "json");
    expect(action.exitCode).toBe(0);
    expect(JSON.parse(action.stdout)).toMatchObject({ "rec/0": { status: "completed", results: { doubled: "42", "return-code": 0 } } });

    const exec = await tscharm("sim", "exec", "--unit", "rec/1", "--", "config-get", "port");
    expect(exec.stdout).toBe("81\n");
    const failed = await tscharm("sim", "exec", "--unit", "rec/1", "--", "exit 3");
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toContain('ERROR the following task failed:\n id "3" with return code 3');

    expect(parseYaml((await tscharm("sim", "config", "rec")).stdout)).toMatchObject({
      settings: { port: { value: 81, source: "user", type: "int" } },
    });
    expect((await tscharm("sim", "config", "rec", "port=nope")).stderr).toBe('tscharm: option "port" expected int, got "nope"\n');
    expect((await tscharm("sim", "debug-log", "--limit", "1")).stdout).toMatch(
      /^unit-rec-1: \d\d:\d\d:\d\d (INFO|ERROR) juju\.worker\.uniter\.operation ran exec/,
    );

    // Commands on one model wait for each other: three at once lose nothing.
    const parallel = await Promise.all(
      ["a", "b", "c"].map((word) => tscharm("sim", "exec", "--unit", "rec/1", "--format", "json", "--", "echo", word)),
    );
    const ids = parallel.map((result) => Object.values(JSON.parse(result.stdout) as Record<string, { id: string }>)[0]?.id ?? "").sort();
    expect(ids).toEqual(["4", "5", "6"]);

    const removed = await tscharm("sim", "remove-unit", "rec/0");
    expect(removed.stderr).toContain("controller: rec/1 is the leader of rec");
    expect((await tscharm("sim", "status")).stdout).toMatch(/^rec\/1\*/m);
    expect((await tscharm("sim", "deploy", charm.dir, "again", "--seed", "3")).stderr).toContain(
      "--env, --seed and --juju-version apply when a model is created",
    );

    expect((await tscharm("sim", "destroy")).exitCode).toBe(0);
    const gone = await tscharm("sim", "status");
    expect(gone.exitCode).toBe(1);
    expect(gone.stderr).toBe("tscharm: no simulated model in .tscharm-sim: start one with `tscharm sim deploy`\n");
  });
});

describe("tscharm sim --juju-version", () => {
  test("a Juju 4 model: kept in the saved model, in JUJU_VERSION and status; no leader-settings-changed", { timeout: 60_000 }, async () => {
    const deployed = await tscharm("sim", "deploy", charm.dir, "rec", "-m", "juju4", "-n", "2", "--juju-version", "4.0.12");
    expect(deployed.exitCode).toBe(0);
    expect(deployed.stderr).toContain("rec/1: config-changed: ok");
    expect(deployed.stderr).not.toContain("leader-settings-changed");
    // A second command opens the saved model: the version came with it.
    const status = JSON.parse((await tscharm("sim", "status", "-m", "juju4", "--format", "json")).stdout) as {
      model: Record<string, unknown>;
    };
    expect(status.model["version"]).toBe("4.0.12");
    expect(status.model["sla"]).toBeUndefined();
    const exec = await tscharm("sim", "exec", "-m", "juju4", "--unit", "rec/1", "--", 'echo "$JUJU_VERSION"; leader-get');
    expect(exec.stdout).toBe("4.0.12\n");
    expect(exec.stderr).toContain("ERROR bad request: unknown command: leader-get");
    expect((await tscharm("sim", "deploy", charm.dir, "other", "-m", "juju4", "--juju-version", "3.6.4")).stderr).toContain(
      "--env, --seed and --juju-version apply when a model is created, and juju4 already holds one",
    );
    expect((await tscharm("sim", "destroy", "-m", "juju4")).exitCode).toBe(0);
  });

  test("a version the simulator cannot model: one line, exit 1, no model left behind", async () => {
    const refused = await tscharm("sim", "deploy", charm.dir, "-m", "juju29", "--juju-version", "2.9.46");
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toBe(
      'tscharm: Juju 2.9.46 cannot be modelled: the simulator and the test kit model Juju 3.6 and 4.x (a version such as "3.6.4" or "4.0.12")\n',
    );
    expect(existsSync(join(work, "juju29", "model.json"))).toBe(false);
  });
});

describe("tscharm sim, when hooks fail and workloads run", () => {
  test(
    "deploy leaves a unit in error: exit 0, the failed hook's output, and a last line that says so; refresh --force-units; " +
      "destroy tears down and stops what the hooks left running",
    { timeout: 60_000 },
    async () => {
      const model = join(work, "troubled");
      charm.onHook("install", 'echo "E: Unable to locate package tinyproxy" >&2; exit 100', "bad-0");
      charm.onHook("start", 'setsid sleep 1000 < /dev/null > /dev/null 2>&1 & echo $! >> "$CONTROL/cli-pids"');
      try {
        const deployed = await tscharm("sim", "deploy", charm.dir, "bad", "-n", "2", "-m", model, "--env", `CONTROL=${charm.control}`);
        // Juju's deploy would have returned before any hook ran: the model took the change.
        expect(deployed.exitCode).toBe(0);
        expect(deployed.stderr).toContain("bad/0: install: failed [exit 100, ");
        expect(deployed.stderr).toContain("\n    stderr: E: Unable to locate package tinyproxy\n");
        expect(deployed.stderr.trimEnd().split("\n").at(-1)).toBe(
          'tscharm: 1 unit is in error: bad/0 (hook failed: "install"); ' +
            "`tscharm sim debug-log` shows why, `tscharm sim resolve <unit>` runs the hook again",
        );
        const refreshed = await tscharm("sim", "refresh", "bad", "--path", charm.dir, "--force-units", "-m", model);
        expect(refreshed.exitCode).toBe(0);
        expect(refreshed.stderr).toContain("bad/0 switched to revision 1 while in error (refresh --force-units): no upgrade-charm");
        expect(refreshed.stderr).toContain("bad/1: upgrade-charm: ok");

        // bad/1 started twice: on deploy, and after upgrade-charm.
        const pids = readFileSync(join(charm.control, "cli-pids"), "utf8").trim().split("\n").map(Number);
        expect(pids).toHaveLength(2);
        expect(pids.filter((pid) => running(pid))).toEqual(pids);
        const destroyed = await tscharm("sim", "destroy", "-m", model, "--no-prompt");
        expect(destroyed.exitCode).toBe(0);
        expect(destroyed.stderr).toContain("bad/1: stop: ok");
        expect(destroyed.stderr).toContain("bad/1: remove: ok");
        expect(destroyed.stderr).toContain("controller: unit bad/0 removed by force: its install hook failed");
        expect(destroyed.stderr).toMatch(/controller: stopped process \d+ the hooks left running: sleep 1000/);
        expect(pids.filter((pid) => running(pid))).toEqual([]);
        expect(existsSync(model)).toBe(false);
      } finally {
        for (const name of ["run-install-bad-0", "run-start", "cli-pids"]) rmSync(join(charm.control, name), { force: true });
      }
    },
  );
});

describe("tscharm run", () => {
  test("one hook on a fresh unit: the tool calls and the resulting state", async () => {
    charm.onHook("db-relation-changed", 'relation-set -r "$JUJU_RELATION_ID" seen="$JUJU_REMOTE_UNIT"; status-set active "related"');
    const result = await tscharm(
      "run",
      "db-relation-changed",
      "--charm",
      charm.dir,
      "--leader",
      "--relation",
      "db:pg:2",
      "--remote-unit",
      "pg/1",
      "--env",
      `CONTROL=${charm.control}`,
    );
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const report = parseYaml(result.stdout) as { ran: string; calls: string[]; state: Record<string, unknown> };
    expect(report.ran).toMatch(/^recorder\/0: db-relation-changed \(remote unit pg\/1, relation 1\): ok \[exit 0/);
    expect(report.calls).toEqual(["relation-set -r db:1 seen=pg/1  → exit 0", "status-set active related  → exit 0"]);
    expect(report.state).toMatchObject({
      unit: { name: "recorder/0", leader: true, status: "active", message: "related" },
      relations: { "db:1": { units: { "recorder/0": { seen: "pg/1" } } } },
    });
    expect(charm.hooks().at(-1)).toBe("recorder/0 db-relation-changed rel=db:1 remote=pg/1 departing= secret= revision=");
  });

  test("an action, on a unit that does not lead; a failing hook exits 1", async () => {
    charm.onHook("do", "action-set leader=$(is-leader)");
    const action = await tscharm(
      "run",
      "actions/do",
      "--charm",
      charm.dir,
      "--params",
      "n=4",
      "--env",
      `CONTROL=${charm.control}`,
      "--format",
      "json",
    );
    expect(JSON.parse(action.stdout)).toMatchObject({ action: { status: "completed", results: { leader: "False", "return-code": 0 } } });

    charm.failHook("update-status");
    const failed = await tscharm("run", "update-status", "--charm", charm.dir, "--env", `CONTROL=${charm.control}`);
    charm.failHook("update-status", false);
    expect(failed.exitCode).toBe(1);
    expect(parseYaml(failed.stdout)).toMatchObject({
      ran: expect.stringMatching(/update-status: failed \[exit 1/) as unknown,
      stderr: "failing update-status as asked\n",
    });
  });

  test("mistakes are one line and exit 1", async () => {
    expect((await tscharm("run", "db-relation-joined", "--charm", charm.dir)).stderr).toBe(
      "tscharm: recorder/0 has no db relation: add one with --relation db\n",
    );
    expect((await tscharm("run", "nope-relation-changed", "--charm", charm.dir)).stderr).toBe(
      'tscharm: recorder/0 has no nope relation (the charm has no endpoint "nope")\n',
    );
    expect((await tscharm("run", "secret-changed", "--charm", charm.dir)).stderr).toBe("tscharm: secret-changed needs --secret <id>\n");
    expect((await tscharm("run", "install", "--charm", join(work, "missing"))).stderr).toMatch(
      /^tscharm: no charm at .*missing: give a \.charm file or a built charm project\n$/,
    );
  });

  test("on the demo charm: stored state and secrets shown, secret content never", { timeout: 30_000 }, async () => {
    const save = join(work, "saved");
    const result = await tscharm(
      "run",
      "leader-elected",
      "--charm",
      ROOT,
      "--leader",
      "--env",
      `TSCHARM_DEMO_CONFIG_FILE={machine}/demo.conf`,
      "--save",
      save,
    );
    expect(result.exitCode).toBe(0);
    const report = parseYaml(result.stdout) as {
      calls: string[];
      state: { secrets: { label?: string; revisions: number[] }[]; unit: unknown };
    };
    expect(report.calls.some((call) => call.startsWith("secret-add --label admin-credentials"))).toBe(true);
    expect(report.state.secrets).toMatchObject([{ label: "admin-credentials", revisions: [1] }]);
    expect(report.state.unit).toMatchObject({ leader: true, status: "active", message: "I rule" });
    const conf = readFileSync(join(save, "machines", "0", "demo.conf"), "utf8");
    expect(conf).toMatch(/^password-sha256 = [0-9a-f]{64}$/m);
    expect(result.stdout).not.toContain("password=");
    expect(result.stderr).toBe(`the model is in ${save}: tscharm sim status -m ${save}\n`);
    // The saved model carries on from there.
    expect((await tscharm("sim", "status", "-m", save)).stdout).toMatch(/^demo\/0\*\s+active\s+idle\s+0\s+10\.1\.0\.10\s+I rule$/m);
  });
});

describe("tscharm sim refuses what Juju's controller refuses", () => {
  test(
    "a hook whose storage-add names undeclared storage fails at commit, and resolve takes the unit on; " +
      "config refuses a secret option that is not a secret URI",
    { timeout: 60_000 },
    async () => {
      const model = join(work, "refusals");
      const own = recorderCharm({ storage: true });
      appendFileSync(join(own.dir, "config.yaml"), "  token:\n    type: secret\n");
      try {
        own.onHook("install", "storage-add nosuch");
        const deployed = await tscharm("sim", "deploy", own.dir, "st", "-m", model, "--env", `CONTROL=${own.control}`);
        expect(deployed.exitCode).toBe(0);
        expect(deployed.stderr).toContain('st/0: install: commit failed: adding storage nosuch for unit-st-0: storage "nosuch" not found');
        expect(deployed.stderr).toContain('tscharm: 1 unit is in error: st/0 (hook failed: "install")');
        own.onHook("install", "true");
        const resolved = await tscharm("sim", "resolve", "st/0", "-m", model);
        expect(resolved.exitCode).toBe(0);
        expect(resolved.stderr).toContain("st/0: start: ok");

        const refused = await tscharm("sim", "config", "st", "token=hunter2", "-m", model);
        expect(refused).toMatchObject({ exitCode: 1, stderr: 'tscharm: option "token" expected secret, got "hunter2"\n' });
        expect((await tscharm("sim", "config", "st", "token=secret:d0000000000000000001", "-m", model)).exitCode).toBe(0);
      } finally {
        await tscharm("sim", "destroy", "-m", model, "--no-prompt");
        rmSync(join(own.control, ".."), { recursive: true, force: true });
      }
    },
  );
});
