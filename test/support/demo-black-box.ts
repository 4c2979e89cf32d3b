// The demo charm's black-box suite: an executable run as Juju runs dispatch (replaced environment,
// charm dir as cwd, no node on PATH) against recording fake hook tools, asserting the exact calls.
// test/demo-dispatch.test.ts runs it on dist/dispatch, test/pack.test.ts on the dispatch unpacked
// from demo_amd64.charm.

import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";

import { renderConfig } from "../../hooks/workload.js";
import { AgentRelay } from "./agent-relay.js";
import { FakeHookTools, type FakeRule } from "./recording-hook-tools.mjs";
import { MODEL_UUID, jujuEnv, relationEnv } from "./juju-env.js";
import { SecretScan } from "./secret-scan.js";

const SECRET_ID = `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`;
const PASSWORD = "correct-horse-battery-staple";
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Defines the suite for the executable `dispatch()` returns (called when the tests run). `path`
 * says how it reaches its tools: `spawn`, the fake tools on PATH; `socket`, a stand-in agent on a
 * unix socket (agent-relay.ts) that runs the same fake tools, with none on the dispatch's PATH, so
 * that the same assertions hold on both paths and a single spawned tool would fail the run.
 */
export function demoBlackBoxSuite(dispatch: () => string, path: "spawn" | "socket" = "spawn"): void {
  /** A directory with only what the fake tools need (sh, cat, stat, dirname): no node on PATH. */
  let systemBin: string;
  let relay: AgentRelay | undefined;

  beforeAll(async () => {
    if (path === "socket") relay = await AgentRelay.start(mkdtempSync(join(tmpdir(), "tscharm-relay-")));
  });
  afterAll(async () => {
    await relay?.stop();
  });

  beforeAll(() => {
    if (!existsSync(dispatch())) throw new Error(`${dispatch()} is missing: run \`npm run build\` first (npm test does)`);
    systemBin = mkdtempSync(join(tmpdir(), "tscharm-sysbin-"));
    for (const tool of ["sh", "cat", "stat", "dirname"]) {
      const found = ["/usr/bin", "/bin"].map((dir) => join(dir, tool)).find((path) => existsSync(path));
      if (found === undefined) throw new Error(`${tool} not found`);
      symlinkSync(found, join(systemBin, tool));
    }
  });

  let work: string;
  let charmDir: string;
  let configFile: string;

  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "tscharm-blackbox-"));
    charmDir = join(work, "charm");
    configFile = join(work, "etc", "demo.conf");
    mkdirSync(charmDir);
  });

  interface Outcome {
    readonly exitCode: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly fake: FakeHookTools;
  }

  /** Runs the executable with a replaced environment (as Juju does), cwd = charm dir, fake tools first on PATH. */
  function run(env: Record<string, string | undefined>, rules: readonly FakeRule[]): Outcome {
    const fake = new FakeHookTools(join(work, `tools-${Math.random().toString(36).slice(2)}`), rules);
    relay?.use(fake.bin);
    const relayed = relay?.calls().length ?? 0;
    const result = spawnSync(dispatch(), [], {
      cwd: charmDir,
      encoding: "utf8",
      env: {
        ...env,
        ...relay?.env(),
        JUJU_CHARM_DIR: charmDir,
        CHARM_DIR: charmDir,
        PATH: relay === undefined ? `${fake.bin}:${systemBin}` : systemBin,
        TSCHARM_DEMO_CONFIG_FILE: configFile,
      },
    });
    // Over the socket, every call the fake tools recorded went through the agent.
    if (relay !== undefined) expect(relay.calls().length - relayed).toBe(fake.calls().length);
    observe(fake, result.stdout, result.stderr);
    return { exitCode: result.status, stdout: result.stdout, stderr: result.stderr, fake };
  }

  // Every run's tool calls, output and files are scanned for the passwords (the fixed one the
  // fake secret-get answers with, and every one the charm put in a secret file).
  const scan = new SecretScan();
  scan.secret(PASSWORD);
  function observe(fake: FakeHookTools, stdout: string, stderr: string): void {
    for (const [index, call] of fake.calls().entries()) {
      for (const file of call.files) scan.secret(file.content);
      scan.observe(`call ${String(index)} argv: ${call.tool}`, [call.tool, ...call.args].join(" "));
      scan.observe(`call ${String(index)} stdin: ${call.tool}`, call.stdin);
    }
    scan.observe("stdout", stdout);
    scan.observe("stderr", stderr);
    for (const file of [join(charmDir, ".unit-state.json"), configFile]) {
      if (existsSync(file)) scan.observe(file, readFileSync(file, "utf8"));
    }
  }
  afterAll(() => {
    // Two passwords at least (the fixed one, one the leader made), and a few hundred places.
    scan.expectClean({ secrets: 2, places: 100 });
  });

  const published = `{"greeting":"hello","leader":"demo/0","secret-id":"${SECRET_ID}"}`;

  /** What a leader's hooks see once the cluster is set up. */
  const steadyLeader: FakeRule[] = [
    ["relation-ids cluster --format=json", '["cluster:1"]'],
    ["is-leader --format=json", "true\n"],
    ["config-get --format=json", '{"greeting":"hello"}\n'],
    ["relation-get --format=json -r cluster:1 --app - demo", `${published}\n`],
  ];

  function writeWorkloadConfig(leader = "demo/0", password = PASSWORD): void {
    mkdirSync(dirname(configFile), { recursive: true });
    writeFileSync(configFile, renderConfig({ leader, greeting: "hello", secretId: SECRET_ID, passwordSha256: sha256(password) }));
  }

  describe("leader", () => {
    test("leader-elected on a fresh leader creates the credentials and publishes them, keeping the password out of argv", () => {
      const { exitCode, stdout, stderr, fake } = run(jujuEnv("hooks/leader-elected"), [
        ["relation-ids cluster --format=json", '["cluster:1"]\n'],
        ["is-leader --format=json", "true\n"],
        ["config-get --format=json", '{"greeting":"hello"}\n'],
        ["relation-get --format=json -r cluster:1 --app - demo", "{}\n"],
        ["secret-get --format=json --label admin-credentials", { stderr: 'ERROR secret "admin-credentials" not found\n', exit: 1 }],
        ["secret-add *", `${SECRET_ID}\n`],
      ]);
      expect([exitCode, stdout, stderr]).toEqual([0, "", ""]);

      const calls = fake.calls();
      expect(fake.lines().map((line) => line.replace(/#file=\S+/g, "#file=<path>"))).toEqual([
        "relation-ids cluster --format=json",
        "is-leader --format=json",
        "config-get --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "secret-get --format=json --label admin-credentials",
        "secret-add --label admin-credentials --description Admin credentials of the demo cluster --owner application " +
          "username#file=<path> password#file=<path>",
        "relation-set -r cluster:1 --app --file -",
        "status-set --application=False active -- I rule",
      ]);
      expect(calls.filter((c) => c.tool === "juju-log")).toEqual([]);
      expect(JSON.parse(calls[6]?.stdin ?? "")).toEqual({ leader: "demo/0", "secret-id": SECRET_ID, greeting: "hello" });

      // The password went to secret-add in a 0600 file inside a 0700 directory, removed afterwards.
      const add = calls[5];
      expect(add?.files.map((f) => [f.key, f.mode, f.dirMode])).toEqual([
        ["username", "600", "700"],
        ["password", "600", "700"],
      ]);
      const password = add?.files[1]?.content ?? "";
      expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
      const secretFile = (add?.args.at(-1) ?? "").replace(/^password#file=/, "");
      expect(existsSync(dirname(secretFile))).toBe(false);

      // It is nowhere else: not in any argv or stdin, not in the state or workload files.
      expect(readFileSync(fake.log, "utf8").split(password)).toHaveLength(2);
      for (const file of readdirSync(charmDir)) expect(readFileSync(join(charmDir, file), "utf8")).not.toContain(password);
      const workload = readFileSync(configFile, "utf8");
      expect(workload).not.toContain(password);
      expect(workload).toContain(`password-sha256 = ${sha256(password)}`);
      expect(workload).toContain("leader = demo/0");
    });

    test("leader-elected in steady state reads what it needs and writes nothing it already has", () => {
      writeWorkloadConfig();
      const { exitCode, fake } = run(jujuEnv("hooks/leader-elected"), steadyLeader);
      expect(exitCode).toBe(0);
      expect(fake.lines()).toEqual([
        "relation-ids cluster --format=json",
        "is-leader --format=json",
        "config-get --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "status-set --application=False active -- I rule",
      ]);
    });

    test("config-changed and cluster-relation-changed in steady state make only the calls they need, and print nothing", () => {
      writeWorkloadConfig();
      const needed = [
        "is-leader --format=json",
        "config-get --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "status-set --application=False active -- I rule",
      ];
      const configChanged = run(jujuEnv("hooks/config-changed"), steadyLeader);
      expect([configChanged.exitCode, configChanged.stdout, configChanged.stderr]).toEqual([0, "", ""]);
      expect(configChanged.fake.lines()).toEqual(["relation-ids cluster --format=json", ...needed]);
      // The peer relation of a relation event is named by the environment: no relation-ids.
      const relationChanged = run(relationEnv("cluster", "changed", 1, "demo/1"), steadyLeader);
      expect([relationChanged.exitCode, relationChanged.stdout, relationChanged.stderr]).toEqual([0, "", ""]);
      expect(relationChanged.fake.lines()).toEqual(needed);
    });

    test("a new leader takes over: it publishes itself and reads the existing secret once", () => {
      writeWorkloadConfig("demo/0");
      const { exitCode, fake } = run(jujuEnv("hooks/leader-elected", { unit: "demo/1" }), [
        ...steadyLeader,
        [`secret-get --format=json ${SECRET_ID}`, `{"password":"${PASSWORD}","username":"admin"}\n`],
      ]);
      expect(exitCode).toBe(0);
      // The workload file was written for the same secret, so the hash it holds is reused.
      expect(fake.lines()).toEqual([
        "relation-ids cluster --format=json",
        "is-leader --format=json",
        "config-get --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "relation-set -r cluster:1 --app --file -",
        "status-set --application=False active -- I rule",
      ]);
      expect(fake.calls()[4]?.stdin).toBe('{"leader":"demo/1"}');
      expect(readFileSync(configFile, "utf8")).toContain("leader = demo/1");
    });

    test("config-changed publishes only the greeting that changed", () => {
      writeWorkloadConfig();
      const { exitCode, fake } = run(jujuEnv("hooks/config-changed"), [
        ...steadyLeader.filter(([pattern]) => !pattern.startsWith("config-get")),
        ["config-get --format=json", '{"greeting":"bonjour"}\n'],
      ]);
      expect(exitCode).toBe(0);
      expect(fake.lines()).toContain("relation-set -r cluster:1 --app --file -");
      expect(fake.calls().find((c) => c.tool === "relation-set")?.stdin).toBe('{"greeting":"bonjour"}');
      expect(readFileSync(configFile, "utf8")).toContain("greeting = bonjour");
    });

    test("upgrade-charm and cluster-relation-joined reconfigure too (the peer relation comes from the environment)", () => {
      writeWorkloadConfig();
      const upgrade = run(jujuEnv("hooks/upgrade-charm"), steadyLeader);
      expect(upgrade.fake.lines().at(-1)).toBe("status-set --application=False active -- I rule");
      const joined = run(relationEnv("cluster", "joined", 1, "demo/2"), steadyLeader);
      expect(joined.exitCode).toBe(0);
      expect(joined.fake.lines()[0]).toBe("is-leader --format=json");
      expect(joined.fake.lines()).not.toContain("relation-ids cluster --format=json");
    });

    test("rotate-password on the leader sets new content and updates the workload; the old hash is gone", () => {
      writeWorkloadConfig();
      const { exitCode, stderr, fake } = run(jujuEnv("actions/rotate-password"), [
        ...steadyLeader,
        [`secret-get --format=json ${SECRET_ID}`, `{"password":"${PASSWORD}","username":"admin"}\n`],
      ]);
      expect([exitCode, stderr]).toEqual([0, ""]);
      expect(fake.lines().map((line) => line.replace(/#file=\S+/g, "#file=<path>"))).toEqual([
        "is-leader --format=json",
        "relation-ids cluster --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        `secret-get --format=json ${SECRET_ID}`,
        `secret-set --owner application ${SECRET_ID} username#file=<path> password#file=<path>`,
        "action-log -- the admin password was replaced",
        `action-set secret-id=${SECRET_ID}`,
        "juju-log --log-level INFO -- rotated the admin password",
      ]);
      const newPassword = fake.calls()[4]?.files[1]?.content ?? "";
      expect(newPassword).not.toBe(PASSWORD);
      expect(readFileSync(configFile, "utf8")).toContain(`password-sha256 = ${sha256(newPassword)}`);
    });
  });

  describe("follower", () => {
    const follower = { unit: "demo/1" };
    const followerRules: FakeRule[] = [
      ["relation-ids cluster --format=json", '["cluster:1"]'],
      ["is-leader --format=json", "false\n"],
      ["relation-get --format=json -r cluster:1 --app - demo", `${published}\n`],
      [`secret-get --format=json ${SECRET_ID}`, `{"password":"${PASSWORD}","username":"admin"}\n`],
      [`secret-get --format=json ${SECRET_ID} --refresh`, '{"password":"rotated","username":"admin"}\n'],
    ];

    test("install before the peer relation exists: waiting", () => {
      const { exitCode, fake } = run(jujuEnv("hooks/install", follower), [["relation-ids cluster --format=json", "[]\n"]]);
      expect(exitCode).toBe(0);
      expect(fake.lines()).toEqual([
        "relation-ids cluster --format=json",
        "status-set --application=False waiting -- waiting for the cluster peer relation",
      ]);
    });

    test("cluster-relation-created before the leader has published: waiting for the leader", () => {
      const { fake } = run(relationEnv("cluster", "created", 1, undefined, { ...follower, remoteApp: "demo" }), [
        ["is-leader --format=json", "false\n"],
        ["relation-get *", "{}\n"],
      ]);
      expect(fake.lines()).toEqual([
        "is-leader --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "status-set --application=False waiting -- waiting for the leader to publish the cluster configuration",
      ]);
    });

    test("cluster-relation-changed with the leader's data: reads the secret once, configures, 'I am ruled'", () => {
      const { exitCode, fake } = run(relationEnv("cluster", "changed", 1, "demo/0", follower), followerRules);
      expect(exitCode).toBe(0);
      expect(fake.lines()).toEqual([
        "is-leader --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        `secret-get --format=json ${SECRET_ID}`,
        "status-set --application=False active -- I am ruled",
      ]);
      expect(readFileSync(configFile, "utf8")).toContain(`password-sha256 = ${sha256(PASSWORD)}`);
    });

    test("secret-changed: refreshes to the new revision and rewrites the workload configuration", () => {
      writeWorkloadConfig();
      const { exitCode, fake } = run(
        jujuEnv("hooks/secret-changed", { ...follower, extra: { JUJU_SECRET_ID: SECRET_ID, JUJU_SECRET_LABEL: "" } }),
        followerRules,
      );
      expect(exitCode).toBe(0);
      expect(fake.lines()).toEqual([
        "relation-ids cluster --format=json",
        "is-leader --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        `secret-get --format=json ${SECRET_ID} --refresh`,
        "status-set --application=False active -- I am ruled",
      ]);
      expect(readFileSync(configFile, "utf8")).toContain(`password-sha256 = ${sha256("rotated")}`);
    });

    test("rotate-password on a follower fails the action with a clear message", () => {
      const { exitCode, fake } = run(jujuEnv("actions/rotate-password", follower), followerRules);
      expect(exitCode).toBe(0);
      expect(fake.lines()).toEqual([
        "is-leader --format=json",
        "action-fail -- rotate-password runs on the leader only, and demo/1 is not the leader; run it on demo/leader",
      ]);
    });
  });

  describe("every other hook", () => {
    test.each([
      "start",
      "stop",
      "remove",
      "update-status",
      "leader-settings-changed",
      "pre-series-upgrade",
      "post-series-upgrade",
      "collect-metrics",
    ])("%s is not observed by the demo: exit 0 and no tool call", (hook) => {
      const { exitCode, stdout, stderr, fake } = run(jujuEnv(`hooks/${hook}`), []);
      expect([exitCode, stdout, stderr, fake.lines()]).toEqual([0, "", "", []]);
    });

    test.each(["secret-rotate", "secret-remove", "secret-expired"])(
      "%s (owner hooks the demo does not observe): exit 0, no tool call",
      (hook) => {
        const extra = { JUJU_SECRET_ID: SECRET_ID, JUJU_SECRET_LABEL: "admin-credentials", JUJU_SECRET_REVISION: "1" };
        const { exitCode, stderr, fake } = run(jujuEnv(`hooks/${hook}`, { extra }), []);
        expect([exitCode, stderr, fake.lines()]).toEqual([0, "", []]);
      },
    );

    test("cluster-relation-departed reconfigures; a custom hook succeeds quietly", () => {
      writeWorkloadConfig();
      const departed = run(relationEnv("cluster", "departed", 1, "demo/2", { departing: "demo/2" }), steadyLeader);
      expect(departed.fake.lines().at(-1)).toBe("status-set --application=False active -- I rule");
      const custom = run(jujuEnv("hooks/my-custom-hook"), []);
      expect([custom.exitCode, custom.fake.lines()]).toEqual([0, []]);
      // A relation hook of an endpoint the charm does not declare is a custom hook too.
      const undeclared = run(relationEnv("db", "broken", 4, undefined, { remoteApp: "pg" }), []);
      expect([undeclared.exitCode, undeclared.stderr, undeclared.fake.lines()]).toEqual([0, "", []]);
    });
  });

  describe("failures", () => {
    test("a bad environment: one line on stderr, exit 1, no tool call", () => {
      const { exitCode, stderr, fake } = run({ ...jujuEnv("hooks/start"), JUJU_MODEL_UUID: undefined }, []);
      expect(exitCode).toBe(1);
      expect(stderr).toBe("tscharm: cannot run the charm: JUJU_MODEL_UUID is not set; Juju sets it for this event\n");
      expect(fake.lines()).toEqual([]);
    });

    test("a failing tool: error and stack to juju-log at ERROR, exit 1, state untouched", () => {
      writeWorkloadConfig();
      const statePath = join(charmDir, ".unit-state.json");
      writeFileSync(statePath, '{\n  "version": 1,\n  "stored": {},\n  "deferred": []\n}\n', { mode: 0o600 });
      const before = readFileSync(statePath);
      const { exitCode, stderr, fake } = run(jujuEnv("hooks/config-changed"), [
        ...steadyLeader.filter(([pattern]) => !pattern.startsWith("config-get")),
        ["config-get --format=json", '{"greeting":"hi"}'],
        ["relation-set *", { stderr: "ERROR cannot write relation settings\n", exit: 1 }],
      ]);
      expect(exitCode).toBe(1);
      expect(stderr).toBe("");
      const log = fake.calls().find((c) => c.tool === "juju-log");
      expect(log?.args.slice(0, 3)).toEqual(["--log-level", "ERROR", "--"]);
      expect(log?.args[3]).toMatch(
        /^Uncaught HookToolError in charm code: HookToolError: relation-set failed \(exit 1\): cannot write relation settings\n\s+at /,
      );
      expect(readFileSync(statePath).equals(before)).toBe(true);
    });

    test("an action that throws also tells the user on stderr", () => {
      writeWorkloadConfig();
      const { exitCode, stderr } = run(jujuEnv("actions/rotate-password"), [
        ...steadyLeader,
        [`secret-get --format=json ${SECRET_ID}`, '{"password":"x"}'],
        ["secret-set *", { stderr: "ERROR permission denied\n", exit: 1 }],
      ]);
      expect(exitCode).toBe(1);
      // With where in the demo's code it failed (the built executable maps it to hooks/…).
      expect(stderr).toMatch(
        new RegExp(
          String.raw`^Uncaught HookToolError in charm code: secret-set failed \(exit 1\): permission denied at ` +
            String.raw`(?:\/\S+\/)?hooks\/demo-charm\.ts:\d+:\d+ \(the traceback is in juju debug-log\)\n$`,
        ),
      );
    });

    test("Node's environment variables cannot inject code into the charm", () => {
      const marker = join(work, "injected");
      const payload = join(work, "payload.cjs");
      writeFileSync(payload, `require("fs").writeFileSync(${JSON.stringify(marker)}, "x");`);
      const esm = join(work, "payload.mjs");
      writeFileSync(esm, `import { writeFileSync } from "node:fs"; writeFileSync(${JSON.stringify(marker)}, "x");`);
      // A module named like one the runtime loads, on NODE_PATH.
      const modules = join(work, "node_modules");
      mkdirSync(join(modules, "fs"), { recursive: true });
      writeFileSync(join(modules, "fs", "index.js"), `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "x");`);
      for (const env of [
        { NODE_OPTIONS: `--require ${payload}` },
        { NODE_OPTIONS: `--import ${esm}` },
        { NODE_OPTIONS: "--inspect=127.0.0.1:0" },
        { NODE_OPTIONS: "--inspect-brk=127.0.0.1:0" },
        { NODE_PATH: modules },
      ]) {
        const { exitCode, stderr } = run({ ...jujuEnv("hooks/start"), ...env }, []);
        expect(exitCode, JSON.stringify(env)).toBe(0);
        expect(stderr, JSON.stringify(env)).toBe("");
        expect(existsSync(marker), JSON.stringify(env)).toBe(false);
      }
      // Node itself refuses to start with this one when NODE_OPTIONS is off (Juju replaces a hook's
      // environment, so it never gets there): nothing runs, the payload least of all.
      const repl = run({ ...jujuEnv("hooks/start"), NODE_REPL_EXTERNAL_MODULE: payload }, []);
      expect(repl.exitCode).toBe(9);
      expect(repl.stderr).toContain("NODE_REPL_EXTERNAL_MODULE can't be used with kDisableNodeOptionsEnv");
      expect(existsSync(marker)).toBe(false);
    });

    test("no tool runs through a shell: shell syntax in config reaches relation-set as data", () => {
      writeWorkloadConfig();
      const marker = join(work, "shell-ran");
      const greeting = `$(touch ${marker}); \`touch ${marker}\` | touch ${marker}`;
      const { exitCode, fake } = run(jujuEnv("hooks/config-changed"), [
        ...steadyLeader.filter(([pattern]) => !pattern.startsWith("config-get")),
        ["config-get --format=json", `${JSON.stringify({ greeting })}\n`],
      ]);
      expect(exitCode).toBe(0);
      expect(existsSync(marker)).toBe(false);
      expect(fake.calls().find((c) => c.tool === "relation-set")?.stdin).toBe(JSON.stringify({ greeting }));
    });
  });
}
