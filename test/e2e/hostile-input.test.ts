// Hostile input: a fuzzed environment, strings a tool could read as flags, relation data that is
// awkward to carry, secret content at and past Juju's limit, action params of the wrong types.
// Every case is handled correctly or refused with a clear error; nothing crashes without a message,
// and nothing the charm supplies reaches a tool's command line where it could be read as a flag.

import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { describe, expect, test } from "vitest";

import { Context, PeerRelation, State } from "tscharm/testing";
import { Simulator } from "tscharm/integration";

import { CharmBase, type EventBase, type Framework } from "../../runtime/index.js";
import type { JsonValue } from "../../runtime/meta.js";
import { ActiveStatus, BlockedStatus } from "../../runtime/status.js";
import { MAX_SECRET_CONTENT_BYTES } from "../../runtime/secrets.js";
import { InvalidSecretError } from "../../runtime/errors.js";
import { mulberry32 } from "../../simulator/simulator.js";
import { MODEL_UUID, jujuEnv, relationEnv } from "../support/juju-env.js";
import { modelFor } from "../support/model.js";
import { dispatch } from "../support/run.js";
import type { Call } from "../support/scripted-tools.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** The simulator's seeded sequence: the same cases for the same seed, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    const step = mulberry32(state);
    state = step.state;
    return step.value;
  };
}

/** Values an environment variable or a charm's string should never trip over. */
const NASTY = [
  "",
  " ",
  "-",
  "--",
  "-r",
  "--help",
  "--format=yaml",
  "\n",
  "a\nb",
  "\t",
  '"quoted"',
  "'single'",
  "$(touch /tmp/x)",
  "`id`",
  "../../etc/passwd",
  "hooks/../../etc/passwd",
  "%s%n",
  "\u0000",
  "ünïcødé ✓",
  "\u202eevil",
  "😀".repeat(20),
  "x".repeat(100_000),
  "demo/0",
  "Demo/0",
  "demo/-1",
  "demo/01",
  "db:-1",
  "db:1e3",
  "db:0x1",
  "db: 1",
  "db:99999999999999999999999",
  "secret:",
  "secret://x/y",
  "cs9ab3go9ns0ql5jgv6",
  "3",
  "3.6.4\n",
];

describe("a fuzzed environment", () => {
  class Quiet extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.start, () => undefined);
    }
  }

  /** A valid environment for one of several kinds of event, with one to three variables replaced. */
  function fuzzedEnv(next: () => number): Record<string, string> {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const base = pick([
      jujuEnv("hooks/start"),
      jujuEnv("actions/backup"),
      relationEnv("db", "changed", 3, "pg/0"),
      relationEnv("cluster", "departed", 1, "demo/1", { departing: "demo/1" }),
      jujuEnv("hooks/secret-changed", { extra: { JUJU_SECRET_ID: `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`, JUJU_SECRET_LABEL: "l" } }),
      jujuEnv("hooks/data-storage-attached", { extra: { JUJU_STORAGE_ID: "data/0" } }),
    ]);
    const env: Record<string, string> = { ...base };
    const names = Object.keys(env);
    const count = 1 + Math.floor(next() * 3);
    for (let n = 0; n < count; n++) {
      const name = pick([...names, "JUJU_DISPATCH_PATH", "JUJU_UNIT_NAME", "JUJU_RELATION_ID", "JUJU_SECRET_ID", "JUJU_REMOTE_UNIT"]);
      if (next() < 0.15) Reflect.deleteProperty(env, name);
      else env[name] = pick(NASTY);
    }
    return env;
  }

  test("2000 cases: a run or a one-line refusal before any tool, never a crash", async () => {
    const outcomes = { ran: 0, refused: 0, failed: 0 };
    for (const seed of [1, 2, 3, 4]) {
      const next = random(seed);
      for (let n = 0; n < 500; n++) {
        const env = fuzzedEnv(next);
        const where = `seed ${String(seed)} case ${String(n)}: ${JSON.stringify(env).slice(0, 300)}`;
        const run = await dispatch(Quiet, env);
        expect([0, 1], where).toContain(run.result.exitCode);
        if (run.result.exitCode === 1 && run.stderr.startsWith("tscharm: cannot run the charm: ")) {
          // Refused: one line, of a readable length, and no tool was called.
          expect(run.stderr.split("\n").length, where).toBe(2);
          expect(run.stderr.length, where).toBeLessThan(400);
          expect(run.scripted.calls, where).toEqual([]);
          outcomes.refused++;
        } else if (run.result.exitCode === 1) {
          // Accepted, then failed in the charm: logged with its stack like any charm error.
          expect(
            run.scripted.lines().some((line) => line.startsWith("juju-log --log-level ERROR -- Uncaught ")),
            where,
          ).toBe(true);
          outcomes.failed++;
        } else {
          outcomes.ran++;
        }
      }
    }
    // The fuzz reaches both sides: values the runtime accepts, and values it refuses.
    expect(outcomes.refused).toBeGreaterThan(500);
    expect(outcomes.ran).toBeGreaterThan(100);
  }, 120_000);

  test("the built executable: the same refusals, on stderr, exit 1", () => {
    const dispatchExe = join(ROOT, "dist", "dispatch");
    if (!existsSync(dispatchExe)) throw new Error("dist/dispatch is missing: run `npm run build` first (npm test does)");
    const charmDir = mkdtempSync(join(tmpdir(), "tscharm-hostile-"));
    const next = random(7);
    let refused = 0;
    for (let n = 0; n < 40; n++) {
      const env = fuzzedEnv(next);
      // NUL cannot be passed in a process environment at all.
      for (const [key, value] of Object.entries(env)) env[key] = value.replaceAll("\u0000", "");
      const result = spawnSync(dispatchExe, [], {
        cwd: charmDir,
        encoding: "utf8",
        env: { ...env, JUJU_CHARM_DIR: charmDir, PATH: "/nonexistent" },
      });
      const where = JSON.stringify(env).slice(0, 300);
      expect(result.signal, where).toBeNull();
      if (result.status !== 0) {
        // With no tools on PATH, a hook that gets past the environment fails on its first tool call.
        expect(
          result.stderr === "" || result.stderr.startsWith("tscharm: cannot run the charm: ") || result.stderr.includes("not on PATH"),
          where,
        ).toBe(true);
        if (result.stderr.startsWith("tscharm: ")) {
          refused++;
          expect(result.stderr.trim().split("\n"), where).toHaveLength(1);
          expect(result.stderr.length, where).toBeLessThan(400);
        }
      }
    }
    expect(refused).toBeGreaterThan(5);
  });
});

/** The runtime's own flags, and those of them that take the next argument as their value. */
const TAKES_VALUE = new Set([
  "-r",
  "--relation",
  "--unit",
  "--label",
  "--description",
  "--owner",
  "--rotate",
  "--expire",
  "--log-level",
  "-s",
  "--file",
  "--endpoints",
]);
const OWN_FLAGS = new Set([
  ...TAKES_VALUE,
  "-", // relation-get's "every key"
  "--format=json",
  "--app",
  "--",
  "--include-data",
  "--application=false",
  "--application=true",
  "--application=True",
  "--application=False",
  "--refresh",
  "--peek",
  "--now",
]);

/** Every argument a tool could read as a flag, that the runtime did not put there as one. */
function strayFlags(calls: readonly Call[]): string[] {
  const stray: string[] = [];
  for (const call of calls) {
    let afterDashes = false;
    call.args.forEach((arg, index) => {
      if (afterDashes) return;
      if (arg === "--") {
        afterDashes = true;
        return;
      }
      const previous = call.args[index - 1];
      if (previous !== undefined && TAKES_VALUE.has(previous)) return;
      if (arg.startsWith("-") && !OWN_FLAGS.has(arg)) stray.push(`${call.tool} ${call.args.join(" ")}`);
    });
  }
  return stray;
}

describe("strings a tool could read as a flag", () => {
  const HOSTILE = ["-x", "--help", "--format=yaml", "-", "-r db:1", "--label=stolen"];
  const meta = {
    name: "demo",
    relations: { db: { role: "requires" as const, interface: "postgresql" }, cluster: { role: "peers" as const, interface: "c" } },
    storage: { data: { type: "filesystem" as const, location: "/srv" } },
    config: {},
    actions: {},
    extraBindings: ["admin"],
  };
  const answers = {
    "is-leader": "true",
    "relation-ids": '["db:1"]',
    "relation-get": "{}",
    "secret-get": '{"k":"v"}',
    "secret-info-get": '{"cs9ab3go9ns0ql5jgv6g":{"revision":1,"owner":"application"}}',
    "secret-add": `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`,
    "network-get": "{}",
    "storage-list": "[]",
    "resource-get": "/path",
  };

  const uses: [string, (model: ReturnType<typeof modelFor>["model"], value: string) => unknown][] = [
    ["unit status message", (model, value) => (model.unit.status = new ActiveStatus(value))],
    ["application status message", (model, value) => (model.app.status = new BlockedStatus(value))],
    ["workload version", (model, value) => model.unit.setWorkloadVersion(value)],
    ["secret id", (model, value) => model.getSecret({ id: value }).getContent()],
    ["secret label", (model, value) => model.getSecret({ label: value }).getContent()],
    ["new secret's label and description", (model, value) => model.app.addSecret({ key: "v" }, { label: value, description: value })],
    [
      "secret grant to a unit",
      (model, value) => {
        const db = model.getRelation("db");
        if (db !== undefined) model.getSecret({ id: "cs9ab3go9ns0ql5jgv6g" }).grant(db, { unit: model.getUnit(value) });
      },
    ],
    ["relation data key and value", (model, value) => model.getRelation("db")?.data.get(model.unit).set(`k${value}`, value)],
    ["binding name", (model, value) => model.getBinding(value).network],
    ["resource name", (model, value) => model.fetchResource(value)],
    ["storage name", (model, value) => model.storages.get(value)],
    ["relation endpoint", (model, value) => model.getRelation(value)],
  ];

  for (const [what, use] of uses) {
    test(`${what}: sent where it cannot be a flag, or refused before any tool`, () => {
      for (const value of HOSTILE) {
        const { model, scripted } = modelFor(jujuEnv("hooks/start"), answers, { meta });
        const before = scripted.calls.length;
        let refusal: unknown;
        try {
          use(model, value);
        } catch (error) {
          refusal = error;
        }
        expect(strayFlags(scripted.calls), `${what} = ${JSON.stringify(value)}`).toEqual([]);
        if (refusal !== undefined) {
          expect(refusal, `${what} = ${JSON.stringify(value)}`).toBeInstanceOf(Error);
          // A refusal names the value and calls no tool with it.
          expect((refusal as Error).message, `${what} = ${JSON.stringify(value)}`).toContain(value);
          expect(scripted.calls.slice(before).some((call) => call.args.includes(value))).toBe(false);
        }
      }
    });
  }

  test("the check itself: it catches a stray flag", () => {
    expect(strayFlags([{ tool: "network-get", args: ["--format=json", "-x"], stdin: undefined }])).toEqual([
      "network-get --format=json -x",
    ]);
  });
});

describe("relation data that is awkward to carry", () => {
  const VALUES = [
    "line one\nline two",
    "\"double\" and 'single' quotes",
    "-r db:1 --app",
    "--",
    "=",
    "key=value",
    "ünïcødé ✓ 😀",
    "\u0000nul",
    "x".repeat(1024 * 1024),
  ];

  class Writer extends CharmBase {
    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.relationChanged("cluster"), (event: EventBase) => {
        const cluster = this.model.getRelation("cluster");
        if (cluster === undefined) throw new Error(`no peer relation in ${event.toString()}`);
        VALUES.forEach((value, index) => {
          cluster.data.get(this.unit).set(`v${String(index)}`, value);
          cluster.data.get(this.app).set(`v${String(index)}`, value);
        });
      });
    }
  }

  test("every value goes through relation-set and back unchanged, in the unit and the app bag", async () => {
    const ctx = new Context(Writer, { meta: { name: "demo", peers: { cluster: { interface: "c" } } } });
    const cluster = new PeerRelation({ endpoint: "cluster", peersData: { 1: {} } });
    const out = await ctx.run(ctx.on.relationChanged(cluster, { remoteUnit: 1 }), new State({ leader: true, relations: [cluster] }));
    const after = out.getRelation(cluster.id);
    VALUES.forEach((value, index) => {
      expect(after?.localUnitData[`v${String(index)}`]).toBe(value);
      expect(after?.localAppData[`v${String(index)}`]).toBe(value);
    });
  });

  test("through the real tool protocol: JSON on stdin, nothing on argv", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 1, "pg/0"), { "relation-get": "{}", "relation-ids": '["db:1"]' });
    const db = model.getRelation("db");
    VALUES.forEach((value, index) => db?.data.get(model.unit).set(`v${String(index)}`, value));
    const sets = scripted.calls.filter((call) => call.tool === "relation-set");
    expect(sets).toHaveLength(VALUES.length);
    sets.forEach((call, index) => {
      expect(call.args).toEqual(["-r", "db:1", "--file", "-"]);
      expect(JSON.parse(call.stdin ?? "")).toEqual({ [`v${String(index)}`]: VALUES[index] });
    });
  });

  test("values that are not strings are refused before any tool, with what to do", () => {
    const { model, scripted } = modelFor(relationEnv("db", "changed", 1, "pg/0"), { "relation-get": "{}", "relation-ids": '["db:1"]' });
    const bag = model.getRelation("db")?.data.get(model.unit);
    for (const value of [1, true, null, undefined, { a: 1 }, ["x"]]) {
      expect(() => bag?.set("k", value as unknown as string)).toThrow(
        /relation data values must be strings, but "k" is .*; encode it first, e\.g\. with JSON\.stringify/,
      );
    }
    expect(scripted.calls.filter((call) => call.tool === "relation-set")).toEqual([]);
  });
});

describe("secret content at and past Juju's limit", () => {
  /** A value whose base64 encoding is exactly `bytes` long (bytes a multiple of 4). */
  const encodedAs = (bytes: number) => "x".repeat((bytes / 4) * 3);

  test("at the limit it is sent; one byte over, it is refused before any tool", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), {
      "is-leader": "true",
      "secret-add": `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`,
    });
    model.app.addSecret({ big: encodedAs(MAX_SECRET_CONTENT_BYTES) });
    expect(scripted.toolNames().filter((tool) => tool === "secret-add")).toHaveLength(1);
    const calls = scripted.calls.length;
    expect(() => model.app.addSecret({ big: `${encodedAs(MAX_SECRET_CONTENT_BYTES)}x` })).toThrow(InvalidSecretError);
    expect(() => model.app.addSecret({ big: `${encodedAs(MAX_SECRET_CONTENT_BYTES)}x` })).toThrow(
      /base64 encoded secret content for key "big" too large: 1000004 bytes/,
    );
    // Two keys within the limit each, over it together.
    const half = encodedAs(MAX_SECRET_CONTENT_BYTES / 2);
    expect(() => model.app.addSecret({ aaa: half, bbb: `${half}xyz` })).toThrow(/base64 encoded secret content too large: 1000004 bytes/);
    expect(scripted.calls.length).toBe(calls);
  });

  test("keys Juju refuses are refused here, and the content never reaches an error message", () => {
    const { model, scripted } = modelFor(jujuEnv("hooks/start"), { "is-leader": "true" });
    for (const key of ["", "ab", "Abc", "-xy", "a_bc", "a.bc", "a--b", "abc-"]) {
      let message = "";
      try {
        model.app.addSecret({ [key]: "s3cret-payload-value" });
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message, JSON.stringify(key)).not.toBe("");
      expect(message).not.toContain("s3cret-payload-value");
    }
    expect(scripted.calls.filter((call) => call.tool === "secret-add")).toEqual([]);
  });
});

describe("action params of the wrong types", () => {
  test("the simulator refuses them with what is wrong, before anything runs; good ones reach the charm", async () => {
    // A charm whose dispatch records the params it was given (action-get), to compare with what was sent.
    const dir = mkdtempSync(join(tmpdir(), "tscharm-params-"));
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "metadata.yaml"), "name: typed\nsummary: typed params\ndescription: typed params\n");
    writeFileSync(
      join(dir, "actions.yaml"),
      "go:\n  params:\n    count: {type: integer}\n    ratio: {type: number}\n    name: {type: string}\n    force: {type: boolean}\n" +
        "  required: [count]\n  additionalProperties: false\n",
    );
    writeFileSync(
      join(dir, "dist", "dispatch"),
      '#!/bin/sh\ncase "$JUJU_DISPATCH_PATH" in actions/*) action-set "got=$(action-get --format=json)" ;; esac\n',
      { mode: 0o755 },
    );
    const simulator = await Simulator.create();
    try {
      simulator.deploy(dir, { app: "typed" });
      await simulator.settle();
      const wrong: [Record<string, JsonValue>, string][] = [
        // Juju's own wording (its JSON-schema validation of action params).
        [{}, '(root) : "count" property is missing and required, given {}'],
        [{ count: "3" }, '(root).count : must be of type integer, given "3"'],
        [{ count: 1.5 }, "(root).count : must be of type integer, given 1.5"],
        [{ count: 1, ratio: "0.5" }, '(root).ratio : must be of type number, given "0.5"'],
        [{ count: 1, name: 7 }, "(root).name : must be of type string, given 7"],
        [{ count: 1, force: "yes" }, '(root).force : must be of type boolean, given "yes"'],
        [{ count: 1, force: null }, "(root).force : must be of type boolean, given null"],
        [{ count: 1, extra: "x" }, '(root) : additional property "extra" is not allowed, given {"count":1,"extra":"x"}'],
      ];
      for (const [params, problem] of wrong) {
        expect(() => simulator.enqueueAction("typed/0", "go", params), JSON.stringify(params)).toThrow(
          `invalid parameters for action "go": validation failed: ${problem}`,
        );
      }
      const good = { count: 3, ratio: 0.5, name: "-r --x\nnew line", force: true };
      const task = await simulator.runTask(simulator.enqueueAction("typed/0", "go", good).id);
      expect(task.status).toBe("completed");
      const got = task.results["got"];
      expect(typeof got).toBe("string");
      expect(JSON.parse(got as string)).toEqual(good);
    } finally {
      await simulator.close();
    }
  });
});
