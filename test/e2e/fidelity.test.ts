// The fidelity suite: charms that are not tscharm charms, run by the simulator as Juju runs them,
// and what their hook tools print compared byte for byte with what Juju prints. Two shell charms
// under test/fixtures/fidelity/: one with a `dispatch` script, one with hooks/ and actions/ only
// (juju/juju worker/uniter/runner/runner.go `discoverHookHandler`: dispatch first, then
// hooks/<name>; a hook without a file is skipped). Each call's stdout, stderr and exit code is
// saved by the charm under $CONTROL/<unit>/<hook>/<name>.{out,err,rc}.
//
// The expected texts are Juju's: the formatters of juju/cmd output.go (smart: a string as is, a
// bool as True/False, a list one item a line, anything else YAML; yaml: goyaml with "1" quoted;
// json: Go's json.Marshal with sorted keys) and the messages of the jujuc commands
// (juju/juju worker/uniter/runner/jujuc/*.go: config-get.go, status-set.go, state-get.go,
// action-set.go, unit-get.go, …).

import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { type ZipEntry, writeZip } from "../../project/archive.js";
import { MISSING_HOOK } from "../../simulator/operations.js";
import { Simulator } from "../../simulator/simulator.js";
import type { TaskRecord } from "../../simulator/types.js";

const FIXTURES = resolve(import.meta.dirname, "..", "fixtures", "fidelity");

/** Packs a charm directory as `juju deploy` would get it: every file, its mode as in the tree. */
function pack(charmDir: string, to: string): string {
  const entries: ZipEntry[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else entries.push({ name: relative(charmDir, path), data: readFileSync(path), mode: statSync(path).mode & 0o777 });
    }
  };
  walk(charmDir);
  writeZip(to, entries);
  return to;
}

/** What one tool call printed: stdout, stderr (empty unless given) and exit code (0 unless given). */
interface Printed {
  readonly out?: string;
  readonly err?: string;
  readonly rc?: number;
}

/** What the test knows of the model before it compares: the ids and addresses Juju would have assigned. */
interface Facts {
  readonly dbRelation: number;
  readonly addresses: Readonly<Record<string, string>>;
}

const ok = (out: string): Printed => ({ out });
const usage = (message: string): Printed => ({ err: `ERROR ${message}\n`, rc: 2 });
const failure = (message: string): Printed => ({ err: `ERROR ${message}\n`, rc: 1 });

/** What every version prints, keyed `<unit>/<hook or action>/<name>`. */
function common(facts: Facts): Record<string, Printed> {
  const db = `db:${String(facts.dbRelation)}`;
  const expected: Record<string, Printed> = {};
  for (const unit of ["fid-dispatch-0", "fid-dispatch-1"]) {
    const leader = unit === "fid-dispatch-0";
    Object.assign(expected, {
      [`${unit}/install/config-smart`]: ok("debug: false\ngreeting: hello\nport: 8080\nratio: 0.5\n"),
      [`${unit}/install/config-json`]: ok('{"debug":false,"greeting":"hello","port":8080,"ratio":0.5}\n'),
      [`${unit}/install/config-all-json`]: ok('{"debug":false,"greeting":"hello","nothing":null,"port":8080,"ratio":0.5}\n'),
      [`${unit}/install/config-yaml`]: ok("debug: false\ngreeting: hello\nport: 8080\nratio: 0.5\n"),
      [`${unit}/install/config-greeting`]: ok("hello\n"),
      [`${unit}/install/config-port`]: ok("8080\n"),
      [`${unit}/install/config-debug`]: ok("False\n"),
      [`${unit}/install/config-ratio`]: ok("0.5\n"),
      [`${unit}/install/config-nothing-json`]: ok("null\n"),
      [`${unit}/install/config-unknown`]: ok(""),
      [`${unit}/install/config-all-and-key`]: usage('cannot use argument --all together with key "greeting"'),
      [`${unit}/install/is-leader`]: ok(leader ? "True\n" : "False\n"),
      [`${unit}/install/is-leader-json`]: ok(leader ? "true\n" : "false\n"),
      // unit-get private-address: the unit's address (juju/juju internal/worker/uniter/runner/jujuc/unit-get.go, 4.0 too).
      [`${unit}/install/unit-get-private`]: ok(`${facts.addresses[unit.replace(/-(\d+)$/, "/$1")] ?? "(no address)"}\n`),
      [`${unit}/install/unit-get-bad`]: usage('unknown setting "colour"'),
      [`${unit}/install/status-set`]: ok(""),
      [`${unit}/install/status-get`]: ok("maintenance\n"),
      [`${unit}/install/status-get-data`]: ok('{"message":"installing fid","status":"maintenance","status-data":{}}\n'),
      [`${unit}/install/status-set-bad`]: usage('invalid status "bogus", expected one of [maintenance blocked waiting active]'),
      [`${unit}/install/state-set`]: ok(""),
      [`${unit}/install/state-get-json`]: ok('{"a":"1","b":"two"}\n'),
      [`${unit}/install/state-get-a`]: ok("1\n"),
      [`${unit}/install/state-get-missing-json`]: ok('""\n'),
      [`${unit}/install/state-get-strict`]: failure('"missing" not found'),
      [`${unit}/install/open-port`]: ok(""),
      [`${unit}/install/action-get-outside`]: failure("not running an action"),
      [`${unit}/install/juju-log`]: ok(""),
      // Relation ids are one sequence per model: the peer relation, made with the application, is 0.
      [`${unit}/install/relation-ids-peers`]: ok(""),
      [`${unit}/config-changed/state-get-yaml`]: ok('a: "1"\nb: two\n'),
      [`${unit}/config-changed/state-get-smart`]: ok('a: "1"\nb: two\n'),
      [`${unit}/start/opened-ports`]: ok("8080/tcp\n"),
      [`${unit}/start/opened-ports-json`]: ok('["8080/tcp"]\n'),
      [`${unit}/start/opened-ports-endpoints`]: ok("8080/tcp (*)\n"),
      [`${unit}/start/status-set`]: ok(""),
      [`${unit}/start/status-get`]: ok("active\n"),
      [`${unit}/start/relation-ids-peers`]: ok('["peers:0"]\n'),
      [`${unit}/db-relation-joined/relation-ids`]: ok(`${db}\n`),
      [`${unit}/db-relation-joined/relation-list`]: ok("fid-hooks/0\n"),
      [`${unit}/db-relation-joined/relation-list-json`]: ok('["fid-hooks/0"]\n'),
      [`${unit}/db-relation-joined/relation-list-app`]: ok("fid-hooks\n"),
      [`${unit}/db-relation-joined/relation-set`]: ok(""),
      [`${unit}/db-relation-joined/juju-log`]: ok(""),
      [`${unit}/db-relation-changed/relation-get-remote`]: ok('"fast"\n'),
    });
  }
  Object.assign(expected, {
    "fid-dispatch-0/db-relation-joined/relation-set-app": ok(""),
    // goyaml quotes a string YAML 1.1 reads as a bool, keys too: `n` is "no".
    "fid-dispatch-0/report/action-get": ok('"n": 3\n'),
    "fid-dispatch-0/report/action-get-json": ok('{"n":3}\n'),
    "fid-dispatch-0/report/action-get-n": ok("3\n"),
    "fid-dispatch-0/report/action-get-missing": ok("null\n"),
    "fid-dispatch-0/report/action-set": ok(""),
    "fid-dispatch-0/report/action-set-bad": usage(
      'key "Bad" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods',
    ),
  });
  for (const unit of ["fid-hooks-0", "fid-hooks-dir-0"]) {
    Object.assign(expected, {
      [`${unit}/install/config-json`]: ok('{"mode":"fast"}\n'),
      [`${unit}/install/config-mode`]: ok("fast\n"),
      [`${unit}/install/is-leader`]: ok("True\n"),
      // A unit learns of its relations in relation-created, after install.
      [`${unit}/install/relation-ids`]: ok(""),
      [`${unit}/config-changed/config-yaml`]: ok("mode: fast\n"),
      [`${unit}/config-changed/state-set`]: ok(""),
      [`${unit}/start/state-get`]: ok("config-changed\n"),
      [`${unit}/start/status-set`]: ok(""),
      [`${unit}/start/status-get-data`]: ok('{"message":"started from hooks/","status":"active","status-data":{}}\n'),
    });
  }
  Object.assign(expected, {
    "fid-hooks-0/db-relation-changed/relation-ids": ok(`${db}\n`),
    "fid-hooks-0/db-relation-changed/relation-list": ok("fid-dispatch/0\nfid-dispatch/1\n"),
    "fid-hooks-0/db-relation-changed/relation-get-host": ok("db.example\n"),
    "fid-hooks-0/db-relation-changed/relation-get-port-json": ok('"5432"\n'),
    "fid-hooks-0/db-relation-changed/relation-get-missing-json": ok("null\n"),
    "fid-hooks-0/db-relation-changed/relation-get-app": ok("abc\n"),
    "fid-hooks-0/db-relation-changed/relation-set": ok(""),
    "fid-hooks-0/report/action-get-json": ok('{"level":1}\n'),
    "fid-hooks-0/report/action-set": ok(""),
  });
  return expected;
}

/**
 * What differs between Juju versions, one row per version, merged over `common`. Keep every
 * version-dependent expectation here.
 */
const BY_VERSION: Readonly<Record<string, (facts: Facts) => Record<string, Printed>>> = {
  "3.6.4": () => ({
    // leader-set writes at once, and clears the context's cache, so leader-get sees it in the same hook.
    "fid-dispatch-0/leader-elected/leader-set": ok(""),
    "fid-dispatch-0/leader-elected/leader-get": ok('{"owner":"fid-dispatch/0"}\n'),
    "fid-dispatch-0/leader-elected/leader-get-owner": ok("fid-dispatch/0\n"),
  }),
  "4.0.12": () => ({
    // Juju 4 has no leader settings: the tools answer with the agent's RPC error
    // (juju/juju internal/worker/uniter/runner/jujuc/server.go: no such command in its table).
    "fid-dispatch-0/leader-elected/leader-set": { err: "ERROR bad request: unknown command: leader-set\n", rc: 1 },
    "fid-dispatch-0/leader-elected/leader-get": { err: "ERROR bad request: unknown command: leader-get\n", rc: 1 },
    "fid-dispatch-0/leader-elected/leader-get-owner": { err: "ERROR bad request: unknown command: leader-get\n", rc: 1 },
  }),
};

/** Calls whose output is not compared yet on a version, each with the reason (none today; a test keeps this list honest). */
const NOT_COMPARED: Readonly<Record<string, Readonly<Record<string, string>>>> = { "3.6.4": {}, "4.0.12": {} };

/** Every call the charms saved: `<unit>/<hook>/<name>` → what it printed. */
function printed(control: string): Map<string, Required<Printed>> {
  const calls = new Map<string, Required<Printed>>();
  for (const unit of readdirSync(control)) {
    for (const event of readdirSync(join(control, unit))) {
      const dir = join(control, unit, event);
      for (const file of readdirSync(dir).filter((name) => name.endsWith(".rc"))) {
        const name = file.slice(0, -3);
        const read = (suffix: string): string => readFileSync(join(dir, `${name}.${suffix}`), "utf8");
        calls.set(`${unit}/${event}/${name}`, { out: read("out"), err: read("err"), rc: Number(read("rc").trim()) });
      }
    }
  }
  return calls;
}

describe.each(Object.keys(BY_VERSION))("Juju %s: shell charms print what Juju prints", (jujuVersion) => {
  let work = "";
  let control = "";
  let sim: Simulator;
  let facts: Facts;
  let dispatchTask: TaskRecord;
  let hooksTask: TaskRecord;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "tscharm-fidelity-"));
    control = join(work, "control");
    // The directory deploy gets a copy of its own: a hook writing into its charm must never change the fixtures.
    const hooksDir = join(work, "fid-hooks-dir");
    cpSync(join(FIXTURES, "hooks-charm"), hooksDir, { recursive: true });
    sim = await Simulator.create({ jujuVersion, env: { CONTROL: control } });
    sim.deploy(pack(join(FIXTURES, "dispatch-charm"), join(work, "fid-dispatch.charm")), { numUnits: 2 });
    sim.deploy(pack(hooksDir, join(work, "fid-hooks.charm")));
    sim.deploy(hooksDir, { app: "fid-hooks-dir" });
    const dbRelation = sim.integrate("fid-dispatch:db", "fid-hooks:db");
    await sim.settle();
    dispatchTask = await sim.runTask(sim.enqueueAction("fid-dispatch/0", "report").id);
    hooksTask = await sim.runTask(sim.enqueueAction("fid-hooks/0", "report").id);
    const status = sim.status() as { applications: Record<string, { units?: Record<string, { "public-address"?: string }> }> };
    const addresses: Record<string, string> = {};
    for (const app of Object.values(status.applications)) {
      for (const [unit, info] of Object.entries(app.units ?? {})) addresses[unit] = info["public-address"] ?? "";
    }
    facts = { dbRelation, addresses };
  }, 120_000);

  afterAll(async () => {
    await sim.close({ remove: true });
    rmSync(work, { recursive: true, force: true });
  });

  test("every tool call prints Juju's bytes: stdout, stderr and exit code", () => {
    const expected = { ...common(facts), ...(BY_VERSION[jujuVersion]?.(facts) ?? {}) };
    const calls = printed(control);
    const got: Record<string, Required<Printed>> = {};
    const want: Record<string, Required<Printed>> = {};
    for (const [key, value] of Object.entries(expected)) {
      want[key] = { out: value.out ?? "", err: value.err ?? "", rc: value.rc ?? 0 };
      got[key] = calls.get(key) ?? { out: "(not called)", err: "", rc: -1 };
    }
    expect(got).toEqual(want);
  });

  test("every call the charms made has an expectation (a new call in a fixture needs one), or a reason it has none yet", () => {
    const expected = { ...common(facts), ...(BY_VERSION[jujuVersion]?.(facts) ?? {}) };
    const pending = NOT_COMPARED[jujuVersion] ?? {};
    const unexpected = [...printed(control).keys()].filter((key) => !(key in expected) && pending[key] === undefined);
    expect(unexpected).toEqual([]);
    // A reason stays only as long as the call is made and not compared.
    expect(Object.keys(pending).filter((key) => key in expected || !printed(control).has(key))).toEqual([]);
  });

  test("dispatch gets JUJU_DISPATCH_PATH hooks/<name> and actions/<name>; so does each hooks/ and actions/ file", () => {
    const path = (unit: string, event: string): string => {
      const file = join(control, unit, event, "dispatch-path");
      return existsSync(file) ? readFileSync(file, "utf8") : "(did not run)";
    };
    expect(path("fid-dispatch-0", "install")).toBe("hooks/install\n");
    expect(path("fid-dispatch-0", "leader-elected")).toBe("hooks/leader-elected\n");
    expect(path("fid-dispatch-0", "report")).toBe("actions/report\n");
    for (const unit of ["fid-hooks-0", "fid-hooks-dir-0"]) {
      for (const hook of ["install", "config-changed", "start"]) expect(path(unit, hook)).toBe(`hooks/${hook}\n`);
    }
    expect(path("fid-hooks-0", "db-relation-changed")).toBe("hooks/db-relation-changed\n");
    expect(path("fid-hooks-0", "report")).toBe("actions/report\n");
  });

  test("the hooks/ charm's hooks without a file are skipped as done, and it ends active", () => {
    const skipped = sim
      .history()
      .filter((entry) => entry.unit === "fid-hooks/0" && entry.outcome === MISSING_HOOK)
      .map((entry) => entry.name);
    expect(skipped).toEqual(expect.arrayContaining(["leader-elected", "db-relation-created", "db-relation-joined"]));
    expect(existsSync(join(control, "fid-hooks-0", "leader-elected"))).toBe(false);
    const status = sim.status() as {
      applications: Record<string, { units: Record<string, { "workload-status": { current: string; message?: string } }> }>;
    };
    expect(status.applications["fid-hooks"]?.units["fid-hooks/0"]?.["workload-status"]).toMatchObject({
      current: "active",
      message: "started from hooks/",
    });
  });

  test("action results are what action-set set, with Juju's return-code", () => {
    expect(dispatchTask.status).toBe("completed");
    expect(dispatchTask.results).toEqual({ result: { value: "ok", n: "3" }, "return-code": 0 });
    expect(hooksTask.status).toBe("completed");
    expect(hooksTask.results).toEqual({ level: "1", "return-code": 0 });
  });

  test("juju-log lands in the unit's log, prefixed with the relation in a relation hook", () => {
    const messages = (unit: string, hook: string): string[] =>
      sim
        .history()
        .filter((entry) => entry.unit === unit && entry.name === hook)
        .flatMap((entry) => entry.logs.map((line) => `${line.level} ${line.message}`));
    expect(messages("fid-dispatch/0", "install")).toContain("INFO hello from install");
    expect(messages("fid-dispatch/0", "db-relation-joined")).toContain(`INFO db:${String(facts.dbRelation)}: joined fid-hooks/0`);
  });
});
