// DESIGN.md "The public API": the seed charm works as written, bundled and run through main(); the
// integration example runs on the local simulator.

import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { beforeAll, expect, test } from "vitest";

import { bundleDispatch } from "../../cmd/build.js";
import { HOST_ARCH } from "../../cmd/node-binary.js";
import { pack } from "../../cmd/pack.js";
import { Juju, allActive, getLeaderUnit } from "tscharm/integration";

import { ActiveStatus } from "../../runtime/index.js";
import { MyCharm } from "../fixtures/seed-charm/my-charm.js";
import { FakeHookTools, type FakeRule } from "../support/recording-hook-tools.mjs";
import { jujuEnv } from "../support/juju-env.js";
import { dispatch } from "../support/run.js";

const meta = { name: "foo", relations: {}, storage: {}, config: {}, actions: {} };
let work: string;
let bundle: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "tscharm-seed-"));
  bundle = join(work, "dispatch.cjs");
  await bundleDispatch(resolve(import.meta.dirname, "../fixtures/seed-charm/dispatch.ts"), bundle, meta);
});

/** Runs the bundled seed charm with Node, as its dispatch would, against fake tools. */
function run(hook: string, rules: FakeRule[]): string[] {
  const fake = new FakeHookTools(mkdtempSync(join(work, "tools-")), rules);
  const result = spawnSync(process.execPath, [bundle], {
    cwd: work,
    encoding: "utf8",
    env: { ...jujuEnv(`hooks/${hook}`, { unit: "foo/0", charmDir: work }), PATH: `${fake.bin}:/usr/bin:/bin` },
  });
  expect([result.status, result.stderr]).toEqual([0, ""]);
  return fake.lines();
}

test.each([
  [true, "I rule"],
  [false, "I am ruled"],
])("start when leader=%s sets '%s'", (leader, message) => {
  expect(run("start", [["is-leader *", String(leader)]])).toEqual([
    "is-leader --format=json",
    `status-set --application=False active -- ${message}`,
  ]);
});

test("leader-elected reconfigures with this unit as the leader", () => {
  expect(run("leader-elected", [])).toEqual(["status-set --application=False active -- I rule"]);
});

test("rotate() sets the secret's content on the leader only, after one leadership check", async () => {
  const { result, scripted } = await dispatch(MyCharm, jujuEnv("hooks/start", { unit: "foo/0" }), {
    meta,
    answers: {
      "is-leader": "true",
      "secret-get --format=json --label my-label": '{"username":"user","password":"old"}',
      "secret-info-get --format=json --label my-label": '{"cs9ab3go9ns0ql5jgv6g":{"revision":1,"label":"my-label","owner":"application"}}',
    },
  });
  expect(result.exitCode).toBe(0);
  expect(result.charm).toBeInstanceOf(MyCharm);
  result.charm?.rotate();
  expect(scripted.lines().map((line) => line.replace(/#file=\S+/g, "#file=…"))).toEqual([
    "is-leader --format=json",
    "status-set --application=False active -- I rule",
    "secret-get --format=json --label my-label",
    "secret-info-get --format=json --label my-label",
    "secret-set --owner application secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g username#file=… password#file=…",
  ]);
  expect(result.charm?.unit.status).toEqual(new ActiveStatus("I rule"));
});

test("the integration example: deploy 3, the leader goes, another takes over", { timeout: 60_000 }, async () => {
  // DESIGN's example deploys "./demo_amd64.charm" on `Juju.local()`. Here the charm is packed for
  // this machine into a scratch directory, and `env` points the demo's workload file into each
  // simulated machine instead of /etc; the rest is as written.
  const [packed] = await pack({
    projectDir: resolve(import.meta.dirname, "..", ".."),
    build: false,
    outputDir: work,
    platforms: [HOST_ARCH],
    log: () => undefined,
  });
  const charm = packed?.path ?? "";

  const juju = Juju.local({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" } });
  try {
    await juju.deploy(charm, { app: "demo", numUnits: 3 });
    await juju.wait(allActive);
    const leader = await getLeaderUnit(juju, "demo"); // e.g. "demo/0"
    await juju.removeUnit(leader ?? "");
    await juju.wait(async () => {
      const next = await getLeaderUnit(juju, "demo");
      return next !== undefined && next !== leader;
    });

    expect(leader).toMatch(/^demo\/\d$/);
    const next = await getLeaderUnit(juju, "demo");
    expect(next).not.toBe(leader);
    expect(Object.keys((await juju.status()).apps["demo"]?.units ?? {})).not.toContain(leader);
  } finally {
    await juju.close();
  }
});
