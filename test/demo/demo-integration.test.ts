// The demo charm's cluster story on its packed .charm, through "tscharm/integration": three units,
// one leader, the leader removed and replaced, the password rotated. The same story runs on the
// local simulator, on Juju.cli against a stand-in juju (the simulator behind juju's command line),
// and on a real controller when TSCHARM_JUJU_MODEL names a model to use (skipped otherwise).

import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { pack } from "../../cmd/pack.js";
import { HOST_ARCH } from "../../cmd/node-binary.js";
import { Juju, LocalJuju, TaskError, allActive, allAgentsIdle, anyError, getLeaderUnit, writeJujuStandIn } from "tscharm/integration";
import { SecretScan } from "../support/secret-scan.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
/** Where the demo writes its workload config: /etc on a machine; here, inside each simulated machine. */
const SIMULATED_ENV = { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" };
const CONFIG_FILE = '"${TSCHARM_DEMO_CONFIG_FILE:-/etc/tscharm-demo/demo.conf}"';

let work: string;
let charm: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tscharm-demo-integration-"));
  const [packed] = await pack({ projectDir: ROOT, build: false, outputDir: work, platforms: [HOST_ARCH], log: () => undefined });
  if (packed === undefined) throw new Error("pack wrote no charm");
  charm = packed.path;
  // Packing copies a 100 MiB executable per platform: more than the default 10 s on a loaded machine.
}, 120_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

interface WorkloadConfig {
  readonly leader: string;
  readonly greeting: string;
  readonly secretId: string;
  readonly passwordSha256: string;
}

/** A unit's workload configuration file, read on the unit. */
async function workloadConfig(juju: Juju, unit: string): Promise<WorkloadConfig> {
  const task = await juju.exec(unit, `cat ${CONFIG_FILE}`);
  const values = new Map(
    task.stdout.split("\n").flatMap((line) => {
      const match = /^([a-z0-9-]+) = (.*)$/.exec(line);
      return match === null ? [] : [[match[1] ?? "", match[2] ?? ""] as const];
    }),
  );
  return {
    leader: values.get("leader") ?? "",
    greeting: values.get("greeting") ?? "",
    secretId: values.get("secret-id") ?? "",
    passwordSha256: values.get("password-sha256") ?? "",
  };
}

/** The SHA-256 of the secret's current password, computed on the unit so the password never leaves it. */
async function secretPasswordHash(juju: Juju, unit: string, secretId: string): Promise<string> {
  const task = await juju.exec(unit, `printf %s "$(secret-get --peek '${secretId}' password)" | sha256sum | cut -d' ' -f1`);
  return task.stdout.trim();
}

async function unitNames(juju: Juju): Promise<string[]> {
  return Object.keys((await juju.status()).apps["demo"]?.units ?? {}).sort();
}

const settled = (status: Parameters<typeof allActive>[0]): boolean => allActive(status, "demo") && allAgentsIdle(status, "demo");

/**
 * After the story on the local simulator: the content of every revision of every secret appears
 * in no tool call's argv or stderr, no juju-log line, no hook output, no status, no debug-log line,
 * no unit's state file and no workload file.
 */
async function scanForSecrets(juju: Juju): Promise<void> {
  if (!(juju instanceof LocalJuju)) throw new Error("the secret scan reads the local simulator's model");
  const simulator = await juju.simulator();
  const scan = new SecretScan();
  for (const secret of simulator.model.secrets.values()) scan.secretContent(...secret.revisions.values());
  for (const entry of simulator.history()) {
    const where = `${entry.unit} ${entry.kind} ${entry.name}`;
    scan.observe(`${where}: tool argv`, entry.calls.map((call) => [call.tool, ...call.args].join(" ")).join("\n"));
    scan.observe(`${where}: tool stderr`, entry.calls.map((call) => call.stderr).join("\n"));
    scan.observe(`${where}: juju-log`, entry.logs.map((line) => line.message).join("\n"));
    scan.observe(`${where}: stdout`, entry.stdout);
    scan.observe(`${where}: stderr`, entry.stderr);
  }
  for (const [name, unit] of simulator.model.units) {
    const state = join(simulator.charmDir(name), ".unit-state.json");
    if (existsSync(state)) scan.observe(`${name} state file`, readFileSync(state, "utf8"));
    const workload = join(simulator.machineDir(unit.machine), "etc", "tscharm-demo", "demo.conf");
    if (existsSync(workload)) scan.observe(`${name} workload file`, readFileSync(workload, "utf8"));
  }
  scan.observe("status", JSON.stringify(await juju.status()));
  scan.observe("debug-log", await juju.debugLog());
  // Two revisions of the admin password (created, rotated), over the ~50 hooks and tasks of the story.
  scan.expectClean({ secrets: 2, places: 50 });
}

/** The whole story, against whichever backend. */
function clusterStory(name: string, makeJuju: () => Juju, timeout: number, skip = false, afterStory?: (juju: Juju) => Promise<void>): void {
  (skip ? describe.skip : describe)(name, () => {
    let juju: Juju;

    beforeAll(() => {
      juju = makeJuju();
    });

    afterAll(async () => {
      await juju.close();
    });

    test("three units: exactly one leader, all active, every unit configured from the leader's secret", { timeout }, async () => {
      await juju.deploy(charm, { app: "demo", numUnits: 3 });
      const status = await juju.wait(settled, { error: anyError });

      const units = status.apps["demo"]?.units ?? {};
      expect(Object.keys(units)).toHaveLength(3);
      const leaders = Object.entries(units).filter(([, unit]) => unit.leader);
      expect(leaders).toHaveLength(1);
      const [leader] = leaders[0] ?? [""];
      for (const [unitName, unit] of Object.entries(units)) {
        expect(unit.workloadStatus.current).toBe("active");
        expect(unit.workloadStatus.message).toBe(unitName === leader ? "I rule" : "I am ruled");
      }

      const configs = await Promise.all(Object.keys(units).map((unit) => workloadConfig(juju, unit)));
      const secretId = configs[0]?.secretId ?? "";
      expect(secretId).toMatch(/^secret:/);
      const hash = await secretPasswordHash(juju, leader, secretId);
      expect(hash).toMatch(/^[0-9a-f]{64}$/);
      for (const config of configs) expect(config).toEqual({ leader, greeting: "hello", secretId, passwordSha256: hash });
    });

    test("the leader goes: a new one is elected, publishes itself, and the others follow it", { timeout }, async () => {
      const oldLeader = await getLeaderUnit(juju, "demo");
      expect(oldLeader).toBeDefined();
      const before = await workloadConfig(juju, oldLeader ?? "");
      await juju.removeUnit(oldLeader ?? "");
      await juju.wait(async () => {
        const next = await getLeaderUnit(juju, "demo");
        return next !== undefined && next !== oldLeader;
      });
      const status = await juju.wait(settled, { error: anyError });
      const newLeader = await getLeaderUnit(juju, "demo");
      const units = await unitNames(juju);
      expect(units).toHaveLength(2);
      expect(units).not.toContain(oldLeader);
      expect(status.apps["demo"]?.units[newLeader ?? ""]?.workloadStatus.message).toBe("I rule");

      // The new leader ran leader-elected, and published itself: every unit's config names it.
      expect(await juju.debugLog()).toMatch(new RegExp(`unit-${(newLeader ?? "").replace("/", "-")}: .*ran "leader-elected" hook`));
      for (const unit of units) {
        expect(await workloadConfig(juju, unit)).toEqual({ ...before, leader: newLeader });
      }
    });

    test("rotate-password on demo/leader changes every unit's config; on a follower the action fails", { timeout }, async () => {
      const leader = (await getLeaderUnit(juju, "demo")) ?? "";
      const units = await unitNames(juju);
      const before = await workloadConfig(juju, leader);

      const task = await juju.run("demo/leader", "rotate-password");
      expect(task.status).toBe("completed");
      expect(task.results["secret-id"]).toBe(before.secretId);
      expect(task.log.some((line) => line.endsWith("the admin password was replaced"))).toBe(true);
      await juju.wait(settled, { error: anyError });

      const hash = await secretPasswordHash(juju, leader, before.secretId);
      expect(hash).not.toBe(before.passwordSha256);
      for (const unit of units) expect(await workloadConfig(juju, unit)).toEqual({ ...before, passwordSha256: hash });

      const follower = units.find((unit) => unit !== leader) ?? "";
      const failure = await juju.run(follower, "rotate-password").then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(TaskError);
      expect((failure as TaskError).task.status).toBe("failed");
      expect((failure as TaskError).task.message).toBe(
        `rotate-password runs on the leader only, and ${follower} is not the leader; run it on demo/leader`,
      );
      // A failed action is not a failed hook: the unit stays active.
      expect((await juju.status()).apps["demo"]?.units[follower]?.workloadStatus.current).toBe("active");
    });

    if (afterStory !== undefined) {
      test("no secret value anywhere it must not be", { timeout }, async () => {
        await afterStory(juju);
      });
    }
  });
}

/** After the story on a Juju 4 model: the model says so, and no unit heard leader-settings-changed. */
async function checkJuju4(juju: Juju): Promise<void> {
  expect((await juju.status()).model.version).toBe("4.0.12");
  if (!(juju instanceof LocalJuju)) throw new Error("the hook history is the local simulator's");
  const hooks = (await juju.simulator()).history().filter((entry) => entry.kind === "hook");
  expect(hooks.map((entry) => entry.name)).toContain("leader-elected");
  expect(hooks.map((entry) => entry.name)).not.toContain("leader-settings-changed");
}

// The story on both Juju lines the simulator models (docs/juju-versions.md). Only the local
// backend runs twice: it is the cheapest complete run; the stand-in juju below runs 3.6 only.
describe.each(["3.6.4", "4.0.12"])("Juju %s", (jujuVersion) => {
  clusterStory(
    "on the local simulator (Juju.local)",
    () => Juju.local({ env: SIMULATED_ENV, jujuVersion }),
    60_000,
    false,
    async (juju) => {
      await scanForSecrets(juju);
      if (jujuVersion.startsWith("4.")) await checkJuju4(juju);
      else expect((await juju.status()).model).toMatchObject({ version: "3.6.4", sla: "unsupported" });
    },
  );
});

clusterStory(
  "through juju's command line (Juju.cli) on a stand-in juju",
  // The stand-in settles the model in every command: no need to poll slowly.
  () =>
    Juju.cli({
      model: "demo-test",
      // Under the suite's work directory, so the stand-in's models (and their machines' holders) go with it.
      cliBinary: writeJujuStandIn(mkdtempSync(join(work, "juju-")), { env: SIMULATED_ENV }),
      pollInterval: 10,
    }),
  120_000,
);

// A real controller: TSCHARM_JUJU_MODEL names an empty model to deploy into (and TSCHARM_JUJU_CLI the juju binary, if not `juju`).
const controllerModel = process.env["TSCHARM_JUJU_MODEL"];
clusterStory(
  `on a real controller (Juju.cli, model ${controllerModel ?? "unset: set TSCHARM_JUJU_MODEL to run"})`,
  () => Juju.cli({ model: controllerModel ?? "", cliBinary: process.env["TSCHARM_JUJU_CLI"] ?? "juju", waitTimeout: 900_000 }),
  1_200_000,
  controllerModel === undefined,
);
