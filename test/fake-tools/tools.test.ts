// sim/tool-server.ts: the fake hook-tool executables, run as real processes (the bash client on
// PATH, over the loopback server, into the engine) and checked tool by tool against the reference
// (/work/shared/reference/juju-hook-tools.md): §2's flag grammar, formats, `-o` and exit codes,
// §3's outputs and exact error texts, §4's rules, and §1.2's buffering (writes visible to the same
// hook, in the model only after commit; status-set, juju-log, application-version-set, action-log
// immediate).
//
// The last group, "details of the reference", holds the finer points (help, GNU flag clusters,
// YAML 1.1 quoting, Go struct field order, per-context caches, secret access and expiry).

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";

import type { CharmMeta, JsonObject } from "../../runtime/meta.js";
import type { HookEnvironment } from "../../fake-tools/handler.js";
import { type ActionRun, HookContext } from "../../engine/hook-context.js";
import { type EngineEvent, hookEnvironment } from "../../engine/hook-env.js";
import { JujuModel, machineAddress } from "../../engine/model.js";
import { type ToolCall, ToolServer } from "../../fake-tools/server.js";
import { commitRefusal, defined } from "../support/engine.js";

// --- the server and the helper that runs a tool ------------------------------------------------

let root = "";
let server: ToolServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "tscharm-fake-tools-"));
  server = await ToolServer.start(join(root, "bin"));
});

afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

interface RunOptions {
  /** What the tool gets on stdin (read by the client only for `--file -`). */
  readonly stdin?: string;
  /** The working directory; default: the hook's charm directory. */
  readonly cwd?: string;
  /** Changes to the hook's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Runs one fake tool as a process, found on PATH, with the hook's environment. */
function runProcess(tool: string, args: readonly string[], env: Readonly<Record<string, string>>, cwd: string, stdin = ""): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      resolve({
        exitCode: code ?? (signal === null ? -1 : 128),
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
      });
    });
    // The client reads stdin only for `--file -`; otherwise it may exit before we finish writing.
    child.stdin.on("error", () => undefined);
    child.stdin.end(stdin);
  });
}

/** One hook (or action) of one unit, served by the shared ToolServer. */
class Hook {
  readonly calls: ToolCall[];

  constructor(
    readonly model: JujuModel,
    readonly context: HookContext,
    /** The environment Juju gives the hook (§1.4), pointed at the test's server. */
    readonly env: Readonly<Record<string, string>>,
    readonly charmDir: string,
  ) {
    const toolEnv: HookEnvironment = {
      ...(env["JUJU_RELATION_ID"] === undefined ? {} : { relationId: env["JUJU_RELATION_ID"] }),
      ...(env["JUJU_REMOTE_UNIT"] === undefined ? {} : { remoteUnit: env["JUJU_REMOTE_UNIT"] }),
      ...(env["JUJU_REMOTE_APP"] === undefined ? {} : { remoteApp: env["JUJU_REMOTE_APP"] }),
      ...(env["JUJU_STORAGE_ID"] === undefined ? {} : { storageId: env["JUJU_STORAGE_ID"] }),
    };
    this.calls = server.register(defined(env["JUJU_CONTEXT_ID"], "JUJU_CONTEXT_ID"), context, toolEnv);
  }

  /** Runs `tool args…` as the hook would; resolves with its exit code, stdout and stderr. */
  run(tool: string, args: readonly string[] = [], options: RunOptions = {}): Promise<ToolResult> {
    const env: Record<string, string> = { ...this.env };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) Reflect.deleteProperty(env, key);
      else env[key] = value;
    }
    return runProcess(tool, args, env, options.cwd ?? this.charmDir, options.stdin);
  }

  /** Runs a tool that must succeed and returns its stdout. */
  async out(tool: string, args: readonly string[] = [], options: RunOptions = {}): Promise<string> {
    const result = await this.run(tool, args, options);
    expect(result, `${tool} ${args.join(" ")}`).toMatchObject({ exitCode: 0, stderr: "" });
    return result.stdout;
  }

  /** Runs a tool with `--format=json` and parses what it printed. */
  async json(tool: string, args: readonly string[] = []): Promise<unknown> {
    return JSON.parse(await this.out(tool, [...args, "--format=json"])) as unknown;
  }
}

function openHook(model: JujuModel, unit: string, event: EngineEvent, action?: ActionRun): Hook {
  const charmDir = mkdtempSync(join(root, "charm-"));
  const env = {
    ...hookEnvironment(model, unit, event, charmDir),
    ...server.environment(),
    PATH: `${server.binDir}:/usr/bin:/bin`,
  };
  return new Hook(model, new HookContext(model, unit, action), env, charmDir);
}

/** An update-status hook of `unit`: no relation, storage or action. */
function hook(model: JujuModel, unit: string): Hook {
  return openHook(model, unit, { kind: "hook", name: "update-status" });
}

/** A relation hook, e.g. `relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0")`. */
function relationHook(model: JujuModel, unit: string, name: string, relationId: number, remoteUnit?: string): Hook {
  return openHook(model, unit, { kind: "hook", name, relation: { id: relationId, ...(remoteUnit === undefined ? {} : { remoteUnit }) } });
}

function actionHook(model: JujuModel, unit: string, name: string, given: JsonObject = {}): { hook: Hook; run: ActionRun } {
  const run: ActionRun = {
    name,
    id: "7",
    params: model.actionParams(defined(model.units.get(unit), unit).app, name, given),
    results: {},
    logs: [],
    failure: undefined,
  };
  return { hook: openHook(model, unit, { kind: "action", name, id: "7" }, run), run };
}


/** A usage error (exit 2) or an operational error (exit 1), exactly as Juju prints it. */
function failure(exitCode: 1 | 2, message: string): ToolResult {
  return { exitCode, stdout: "", stderr: `ERROR ${message}\n` };
}

/** A successful call that printed `stdout` and nothing on stderr. */
function success(stdout = ""): ToolResult {
  return { exitCode: 0, stdout, stderr: "" };
}


/** The model as the controller holds it, but for its counter of fresh secret ids. */
function committedState(model: JujuModel): string {
  const json = model.toJSON() as Record<string, unknown>;
  Reflect.deleteProperty(json, "nextSecret");
  return JSON.stringify(json);
}

function scratchDir(): string {
  return mkdtempSync(join(root, "cwd-"));
}

// --- the model --------------------------------------------------------------------------------

const DEMO_META: CharmMeta = {
  name: "demo",
  relations: {
    cluster: { role: "peers", interface: "demo-cluster" },
    db: { role: "requires", interface: "postgresql" },
    website: { role: "provides", interface: "http" },
  },
  extraBindings: ["metrics"],
  storage: { data: { type: "filesystem", location: "/srv/data", multiple: "1-3" }, cache: { type: "block" } },
  config: {
    greeting: { type: "string", default: "hello" },
    port: { type: "int", default: 8080 },
    debug: { type: "boolean", default: false },
    ratio: { type: "float", default: 1.5 },
    name: { type: "string" },
    "secret-option": { type: "secret" },
  },
  actions: {
    backup: {
      params: {
        filename: { type: "string" },
        compress: { type: "boolean", default: true },
        level: { type: "integer", default: 3 },
      },
    },
    "rotate-password": {},
  },
};

const PG_META: CharmMeta = {
  name: "postgresql",
  relations: { database: { role: "provides", interface: "postgresql" } },
  storage: {},
  config: {},
  actions: {},
};

const APP_SECRET = "ca000000000000000001";
const UNIT_SECRET = "cb000000000000000001";
const PG_SHARED = "cc000000000000000001";
const PG_PRIVATE = "cd000000000000000001";
const UNKNOWN_SECRET = "ce000000000000000001";

const MAC = "00:16:3e:aa:bb:cc";
const RESOURCE_PATH = "/var/lib/juju/agents/unit-demo-0/resources/software/software.zip";

/**
 * App `demo` (demo/0 the leader on machine 0, demo/1 on machine 1) with:
 * peer relation cluster:0; db:2 to `pg` (pg/0 leader); db:10 to `mysql`; website:3 to `web`
 * (no remote unit in scope). `other/0` shares machine 0 and has 79-81/tcp open. `stranger` is
 * related to nothing. demo/0 has storage data/0, data/1 (filesystem) and cache/0 (block), a
 * network for `db` (the reference's example) and one for `website` with no ingress address.
 * Secrets: APP_SECRET (demo's, label db-pass), UNIT_SECRET (demo/0's), PG_SHARED (pg's, granted to
 * demo over db:2), PG_PRIVATE (pg's, not granted).
 */
function demoModel(): JujuModel {
  const model = new JujuModel();
  const demo = model.addApp("demo", DEMO_META);
  model.addUnit("demo", { machine: "0" });
  model.addUnit("demo", { machine: "1" });
  demo.leader = "demo/0";
  demo.config = { greeting: "hi there" };
  demo.leaderSettings = { k: "v", n: "12345" };
  demo.trusted = true;
  demo.cloudSpec = {
    type: "lxd",
    name: "localhost",
    region: "default",
    endpoint: "https://10.0.0.1:8443",
    identityEndpoint: "https://identity.example",
    storageEndpoint: "https://storage.example",
    credential: { authType: "certificate", attributes: { "client-cert": "CERT" }, redacted: ["client-key"] },
    caCertificates: ["CA-PEM"],
    skipTlsVerify: false,
    isControllerCloud: true,
  };
  model.setStatus(demo, { status: "active", message: "cluster up", data: {} });
  model.setStatus(model.unit("demo/0"), { status: "active", message: "ready", data: {} });
  model.setStatus(model.unit("demo/1"), { status: "waiting", message: "starting", data: {} });

  for (const [app, machine] of [
    ["pg", "2"],
    ["mysql", "3"],
    ["web", "4"],
    ["stranger", "5"],
    ["other", "0"],
  ] as const) {
    model.addApp(app, app === "pg" || app === "mysql" ? PG_META : undefined);
    model.addUnit(app, { machine });
    model.app(app).leader = `${app}/0`;
  }
  model.unit("other/0").ports = [{ range: { protocol: "tcp", port: 79, toPort: 81 }, endpoint: undefined }];

  model.addRelation([{ app: "demo", endpoint: "cluster", role: "peers" }], { id: 0, interface: "demo-cluster" });
  model.joinRelation(0, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(0, "demo/1", { "ingress-address": "10.0.0.11", "peer-key": "from-demo-1" });
  model.relation(0).appData.set("demo", { leader: "demo/0" });

  model.addRelation(
    [
      { app: "demo", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "database", role: "provides" },
    ],
    { id: 2, interface: "postgresql" },
  );
  model.joinRelation(2, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(2, "demo/1", { "ingress-address": "10.0.0.11" });
  model.joinRelation(2, "pg/0", { host: "pg-0.internal", port: "5432" });
  model.relation(2).appData.set("pg", { database: "demo", special: "<a&b>", flag: "yes" });
  model.relation(2).appData.set("demo", { requested: "yes" });

  model.addRelation(
    [
      { app: "demo", endpoint: "db", role: "requires" },
      { app: "mysql", endpoint: "database", role: "provides" },
    ],
    { id: 10, interface: "postgresql" },
  );
  model.joinRelation(10, "demo/0");
  model.joinRelation(10, "mysql/0");

  model.addRelation(
    [
      { app: "demo", endpoint: "website", role: "provides" },
      { app: "web", endpoint: "website", role: "requires" },
    ],
    { id: 3, interface: "http" },
  );
  model.joinRelation(3, "demo/0");

  const unit = model.unit("demo/0");
  unit.storage.set("data/0", { kind: "filesystem", location: "/srv/data" });
  unit.storage.set("data/1", { kind: "filesystem", location: "/srv/data1" });
  unit.storage.set("cache/0", { kind: "block", location: "/dev/vdb" });
  unit.networks.set("db", {
    bindAddresses: [{ macAddress: MAC, interfaceName: "eth0", addresses: [{ hostname: "", value: "10.0.0.5", cidr: "10.0.0.0/24" }] }],
    egressSubnets: ["10.0.0.5/32"],
    ingressAddresses: ["10.0.0.5"],
  });
  unit.networks.set("website", {
    bindAddresses: [{ macAddress: MAC, interfaceName: "eth1", addresses: [{ hostname: "", value: "10.0.1.6", cidr: "10.0.1.0/24" }] }],
    egressSubnets: [],
    ingressAddresses: [],
  });
  unit.resources.set("software", RESOURCE_PATH);

  model.addSecret({ kind: "application", app: "demo" }, { password: "s3cret" }, { xid: APP_SECRET, label: "db-pass", description: "database password" });
  model.addSecret({ kind: "unit", unit: "demo/0" }, { token: "t0k3n", pin: "12345" }, { xid: UNIT_SECRET });
  model.addSecret({ kind: "application", app: "pg" }, { password: "pg-pass" }, { xid: PG_SHARED, label: "pg-owner-label" }).grants.set("demo", { relationId: 2 });
  model.addSecret({ kind: "application", app: "pg" }, { password: "hidden" }, { xid: PG_PRIVATE });
  return model;
}

const UUID = new JujuModel().uuid;

// --- §1.8 and §2: conventions shared by all tools ---------------------------------------------

describe("§2 output formats", () => {
  test("is-leader: smart True/False, json true/false, yaml true/false", async () => {
    const model = demoModel();
    const leader = hook(model, "demo/0");
    expect(await leader.run("is-leader")).toEqual(success("True\n"));
    expect(await leader.run("is-leader", ["--format=smart"])).toEqual(success("True\n"));
    expect(await leader.run("is-leader", ["--format=json"])).toEqual(success("true\n"));
    expect(await leader.run("is-leader", ["--format", "yaml"])).toEqual(success("true\n"));
    const follower = hook(model, "demo/1");
    expect(await follower.run("is-leader")).toEqual(success("False\n"));
    expect(await follower.run("is-leader", ["--format", "json"])).toEqual(success("false\n"));
    expect(await follower.run("is-leader", ["--format=yaml"])).toEqual(success("false\n"));
  });

  test("json: Go's json.Marshal with map keys sorted, `<` `>` `&` escaped, one trailing newline", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "pg", "--format=json"])).toBe(
      '{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n',
    );
  });

  test("json: nil prints null; smart and yaml print nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["no-such-option", "--format=json"])).toEqual(success("null\n"));
    expect(await h.run("config-get", ["no-such-option"])).toEqual(success(""));
    expect(await h.run("config-get", ["no-such-option", "--format=yaml"])).toEqual(success(""));
  });

  test("smart: a string as is, a list one item per line, an empty list or string nothing, a map as YAML", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    expect(await h.out("relation-ids", ["db"])).toBe("db:10\ndb:2\n");
    expect(await h.out("relation-list", ["-r", "website:3"])).toBe("");
    expect(await h.out("relation-get", ["-r", "db:2", "-", "pg/0"])).toBe('host: pg-0.internal\nport: "5432"\n');
  });

  test("yaml: strings that look like numbers or booleans are quoted", async () => {
    const h = hook(demoModel(), "demo/0");
    // yaml.v2 quotes keys the same way: "n" is false in YAML 1.1.
    expect(await h.out("leader-get", ["--format=yaml"])).toBe('k: v\n"n": "12345"\n');
    const uri = (await h.out("secret-add", ["flag=true", "count=12345", "ratio=1.0"])).trim();
    expect(await h.out("secret-get", [uri])).toBe('count: "12345"\nflag: "true"\nratio: "1.0"\n');
  });

  test("an unknown --format is a flag error (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["--format", "xml"])).toEqual(failure(2, 'invalid value "xml" for option --format: unknown format "xml"'));
    expect(await h.run("config-get", ["--format=toml"])).toEqual(failure(2, 'invalid value "toml" for option --format: unknown format "toml"'));
  });

  test("-o/--output writes the output to a file, relative to the working directory, and prints nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    expect(await h.run("config-get", ["--format=json", "-o", "config.json"], { cwd })).toEqual(success(""));
    expect(readFileSync(join(cwd, "config.json"), "utf8")).toBe('{"debug":false,"greeting":"hi there","port":8080,"ratio":1.5}\n');
    expect(await h.run("is-leader", ["--output=leader.txt"], { cwd })).toEqual(success(""));
    expect(readFileSync(join(cwd, "leader.txt"), "utf8")).toBe("True\n");
    const absolute = join(scratchDir(), "ids.json");
    expect(await h.run("relation-ids", ["db", "--output", absolute, "--format", "json"], { cwd })).toEqual(success(""));
    expect(readFileSync(absolute, "utf8")).toBe('["db:10","db:2"]\n');
  });
});

describe("§2 flag grammar", () => {
  test("short and long flags, `--flag value` and `--flag=value`", async () => {
    const h = hook(demoModel(), "demo/0");
    const expected = success('["pg/0"]\n');
    expect(await h.run("relation-list", ["-r", "db:2", "--format=json"])).toEqual(expected);
    expect(await h.run("relation-list", ["--relation", "db:2", "--format", "json"])).toEqual(expected);
    expect(await h.run("relation-list", ["--relation=db:2", "--format=json"])).toEqual(expected);
  });

  test("flags may follow positional arguments (interspersed)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["db", "--format=json"])).toEqual(success('["db:10","db:2"]\n'));
    expect(await h.run("relation-get", ["host", "pg/0", "-r", "db:2", "--format", "json"])).toEqual(success('"pg-0.internal"\n'));
    expect(await h.run("config-get", ["port", "--format=json"])).toEqual(success("8080\n"));
  });

  test("`--` ends flag parsing: what follows is positional even if it starts with `-`", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("juju-log", ["--", "-starts-with-a-dash", "--and-more"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "INFO", message: "-starts-with-a-dash --and-more" });
    expect(await h.run("status-set", ["--", "maintenance", "-1 left"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "maintenance", message: "-1 left", data: {} });
    expect(await h.run("juju-log", ["-l", "ERROR", "--", "--format=json"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "ERROR", message: "--format=json" });
  });

  test("booleans: `--app`, `--app=true|false`, and Go's ParseBool spellings", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=true"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=T"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=false"])).toEqual(success("pg/0\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=0"])).toEqual(success("pg/0\n"));
    expect(await h.run("status-get", ["--application=True", "--format=json"])).toMatchObject({ exitCode: 0 });
  });

  test("a boolean with a value ParseBool refuses is a flag error (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app=maybe"])).toEqual(
      failure(2, 'invalid value "maybe" for option --app: strconv.ParseBool: parsing "maybe": invalid syntax'),
    );
  });

  test("an unknown flag is exit 2, gnuflag's message worded with `option`", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["--bogus"])).toEqual(failure(2, "option provided but not defined: --bogus"));
    expect(await h.run("relation-ids", ["-x", "db"])).toEqual(failure(2, "option provided but not defined: -x"));
    // Flags of other tools are not flags of this one.
    expect(await h.run("state-get", ["--app"])).toEqual(failure(2, "option provided but not defined: --app"));
  });

  test("a flag without its value is exit 2", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r"])).toEqual(failure(2, "option needs an argument: -r"));
    expect(await h.run("config-get", ["--format"])).toEqual(failure(2, "option needs an argument: --format"));
  });

  test("extra positional arguments: `unrecognized args: [\"x\" \"y\"]` (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["x", "y"])).toEqual(failure(2, 'unrecognized args: ["x" "y"]'));
    expect(await h.run("config-get", ["greeting", "port"])).toEqual(failure(2, 'unrecognized args: ["port"]'));
    expect(await h.run("relation-list", ["-r", "db:2", "extra"])).toEqual(failure(2, 'unrecognized args: ["extra"]'));
  });

  test("relation ids: `7` or `anything:7`, only the text after the last `:` counts", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "website:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "a:b:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
  });

  test("relation ids: not an integer → `invalid relation id`, not the unit's → `relation not found` (both exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:abc"])).toEqual(failure(2, 'invalid value "db:abc" for option -r: invalid relation id'));
    expect(await h.run("relation-get", ["-r", "db:99", "-", "pg/0"])).toEqual(failure(2, 'invalid value "db:99" for option -r: relation not found'));
    expect(await h.run("relation-set", ["-r", "db:99", "a=b"])).toEqual(failure(2, 'invalid value "db:99" for option -r: relation not found'));
    expect(await h.run("relation-ids", ["-r", "db:2"])).toEqual(failure(2, "option provided but not defined: -r"));
  });

  test("key=value arguments: missing `=`, empty key, duplicate key (exit 2); whitespace trimmed", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const tool of ["relation-set", "state-set", "leader-set"]) {
      const relation = tool === "relation-set" ? ["-r", "db:2"] : [];
      expect(await h.run(tool, [...relation, "foo"]), tool).toEqual(failure(2, 'expected "key=value", got "foo"'));
      expect(await h.run(tool, [...relation, "=v"]), tool).toEqual(failure(2, 'expected "key=value", got "=v"'));
      expect(await h.run(tool, [...relation, "k=1", "k=2"]), tool).toEqual(failure(2, 'key "k" specified more than once'));
    }
    expect(await h.run("state-set", [" spaced = value "])).toEqual(success());
    expect(await h.out("state-get", ["spaced"])).toBe("value\n");
  });

  test("`--format` on juju-log, relation-set, open-port and close-port: accepted, deprecated, exit 0", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const [tool, args] of [
      ["juju-log", ["--format=json", "hello"]],
      ["relation-set", ["--format", "json", "-r", "db:2", "a=b"]],
      ["open-port", ["--format=yaml", "8080"]],
      ["close-port", ["--format=smart", "8080"]],
    ] as const) {
      expect(await h.run(tool, args)).toEqual({ exitCode: 0, stdout: "", stderr: `--format flag deprecated for command "${tool}"` });
    }
    expect(model.logs.at(-1)?.message).toBe("hello");
    expect(await h.out("relation-get", ["-r", "db:2", "a", "demo/0"])).toBe("b\n");
  });
});

describe("§1.8 the client and the hook context", () => {
  test("every call is recorded for the test, values of secret arguments redacted", async () => {
    const h = hook(demoModel(), "demo/0");
    await h.run("is-leader", ["--format=json"]);
    await h.run("secret-add", ["--owner", "unit", "password=hunter22"]);
    await h.run("status-set", ["bogus"]);
    expect(h.calls).toEqual([
      { tool: "is-leader", args: ["--format=json"], exitCode: 0, stderr: "" },
      { tool: "secret-add", args: ["--owner", "unit", "password=<redacted>"], exitCode: 0, stderr: "" },
      { tool: "status-set", args: ["bogus"], exitCode: 2, stderr: 'ERROR invalid status "bogus", expected one of [maintenance blocked waiting active]\n' },
    ]);
  });

  test("a JUJU_CONTEXT_ID no hook is registered under is a bad request: exit 1, one ERROR line", async () => {
    const h = hook(demoModel(), "demo/0");
    const result = await h.run("is-leader", [], { env: { JUJU_CONTEXT_ID: "demo/0-install-nope" } });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^ERROR [^\n]*bad request[^\n]*\n$/);
  });

  test("without the agent's address the client fails with exit 1 and an ERROR line", async () => {
    const h = hook(demoModel(), "demo/0");
    const result = await h.run("is-leader", [], { env: { JUJU_AGENT_SOCKET_ADDRESS: undefined } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR /);
  });

  test("the tools are found on PATH as the hook sees it, one name per tool", async () => {
    const h = hook(demoModel(), "demo/0");
    const which = await runProcess("/bin/sh", ["-c", "for tool in relation-get secret-info-get credential-get; do command -v \"$tool\"; done"], h.env, h.charmDir);
    expect(which.stdout.split("\n").filter((line) => line !== "")).toEqual(
      ["relation-get", "secret-info-get", "credential-get"].map((tool) => join(server.binDir, tool)),
    );
  });
});

// --- §3.1 leadership ------------------------------------------------------------------------------

describe("§3.1 is-leader, leader-get, leader-set", () => {
  test("is-leader: once False in a hook, False for the rest of it", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("is-leader")).toBe("False\n");
    model.app("demo").leader = "demo/1";
    expect(await h.out("is-leader")).toBe("False\n");
    expect(await hook(model, "demo/1").out("is-leader")).toBe("True\n");
  });

  test("is-leader: True is re-checked on each call", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("is-leader", ["--format=json"])).toBe("true\n");
    model.app("demo").leader = "demo/1";
    expect(await h.out("is-leader", ["--format=json"])).toBe("false\n");
  });

  test("leader-get: the whole map (no key or `-`), one key, a missing key; any unit may read", async () => {
    const h = hook(demoModel(), "demo/1");
    expect(await h.run("leader-get")).toEqual(success('k: v\n"n": "12345"\n'));
    expect(await h.run("leader-get", ["-"])).toEqual(success('k: v\n"n": "12345"\n'));
    expect(await h.run("leader-get", ["--format=json"])).toEqual(success('{"k":"v","n":"12345"}\n'));
    expect(await h.run("leader-get", ["k"])).toEqual(success("v\n"));
    expect(await h.run("leader-get", ["k", "--format=json"])).toEqual(success('"v"\n'));
    expect(await h.run("leader-get", ["missing"])).toEqual(success(""));
    expect(await h.run("leader-get", ["missing", "--format=json"])).toEqual(success("null\n"));
  });

  test("leader-get: a key with `=` is refused (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("leader-get", ["a=b"])).toEqual(failure(2, 'invalid key "a=b"'));
  });

  test("leader-set: immediate (not buffered); `key=` deletes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("leader-set", ["k=", "new=value"])).toEqual(success());
    expect(model.app("demo").leaderSettings).toEqual({ n: "12345", new: "value" });
    expect(await hook(model, "demo/1").out("leader-get", ["--format=json"])).toBe('{"n":"12345","new":"value"}\n');
  });

  test("leader-set with no arguments: a no-op, exit 0", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("leader-set")).toEqual(success());
    expect(model.app("demo").leaderSettings).toEqual({ k: "v", n: "12345" });
  });

  test("leader-set by a non-leader: exit 1, Juju's text", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("leader-set", ["k=x"])).toEqual(
      failure(1, "cannot write leadership settings: cannot write settings: not the leader"),
    );
    expect(model.app("demo").leaderSettings).toEqual({ k: "v", n: "12345" });
  });
});

// --- §3.2 relations -------------------------------------------------------------------------------

describe("§3.2 relation-ids", () => {
  test("ids of the endpoint's relations as `endpoint:id`, sorted as strings", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["db"])).toEqual(success("db:10\ndb:2\n"));
    expect(await h.run("relation-ids", ["db", "--format=json"])).toEqual(success('["db:10","db:2"]\n'));
    expect(await h.run("relation-ids", ["db", "--format=yaml"])).toEqual(success("- db:10\n- db:2\n"));
    expect(await h.run("relation-ids", ["cluster", "--format=json"])).toEqual(success('["cluster:0"]\n'));
  });

  test("an endpoint with no relation, or unknown: empty output, exit 0", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["nosuch"])).toEqual(success(""));
    expect(await h.run("relation-ids", ["nosuch", "--format=json"])).toEqual(success("[]\n"));
  });

  test("the endpoint defaults to the relation hook's; elsewhere it is required (exit 2)", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0").run("relation-ids", ["--format=json"])).toEqual(
      success('["db:10","db:2"]\n'),
    );
    expect(await hook(model, "demo/0").run("relation-ids")).toEqual(failure(2, "no endpoint name specified"));
  });
});

describe("§3.2 relation-list", () => {
  test("remote units in scope; for a peer relation the other peers; `[]` when none", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
    expect(await h.run("relation-list", ["-r", "db:2"])).toEqual(success("pg/0\n"));
    expect(await h.run("relation-list", ["-r", "cluster:0", "--format=json"])).toEqual(success('["demo/1"]\n'));
    expect(await h.run("relation-list", ["-r", "website:3", "--format=json"])).toEqual(success("[]\n"));
    expect(await h.run("relation-list", ["-r", "website:3"])).toEqual(success(""));
  });

  test("--app prints the remote application: smart `pg`, json `\"pg\"`", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app", "--format=json"])).toEqual(success('"pg"\n'));
    expect(await h.run("relation-list", ["-r", "website:3", "--app", "--format=json"])).toEqual(success('"web"\n'));
  });

  test("the relation defaults to the relation hook's; elsewhere `no relation id specified` (exit 2)", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "cluster-relation-joined", 0, "demo/1").run("relation-list")).toEqual(success("demo/1\n"));
    expect(await hook(model, "demo/0").run("relation-list")).toEqual(failure(2, "no relation id specified"));
  });
});

describe("§3.2 relation-get", () => {
  test("a remote unit's whole bag (key omitted or `-`), one key, a missing key", async () => {
    const h = hook(demoModel(), "demo/0");
    const bag = success('{"host":"pg-0.internal","port":"5432"}\n');
    expect(await h.run("relation-get", ["-r", "db:2", "-", "pg/0", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--format=yaml", "-", "pg/0"])).toEqual(success('host: pg-0.internal\nport: "5432"\n'));
    expect(await h.run("relation-get", ["-r", "db:2", "host", "pg/0"])).toEqual(success("pg-0.internal\n"));
    expect(await h.run("relation-get", ["-r", "db:2", "port", "pg/0", "--format=json"])).toEqual(success('"5432"\n'));
    expect(await h.run("relation-get", ["-r", "db:2", "nope", "pg/0"])).toEqual(success(""));
    expect(await h.run("relation-get", ["-r", "db:2", "nope", "pg/0", "--format=json"])).toEqual(success("null\n"));
  });

  test("--app: an application's bag, by app name or by one of its units' names", async () => {
    const h = hook(demoModel(), "demo/0");
    const bag = success('{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n');
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "pg", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "pg/0", "--format=json"])).toEqual(bag);
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "database", "pg"])).toEqual(success("demo\n"));
  });

  test("in a relation hook: no target → $JUJU_REMOTE_UNIT; --app alone → $JUJU_REMOTE_APP", async () => {
    const h = relationHook(demoModel(), "demo/0", "db-relation-changed", 2, "pg/0");
    expect(await h.run("relation-get", ["--format=json"])).toEqual(success('{"host":"pg-0.internal","port":"5432"}\n'));
    expect(await h.run("relation-get", ["host"])).toEqual(success("pg-0.internal\n"));
    expect(await h.run("relation-get", ["--app", "database"])).toEqual(success("demo\n"));
  });

  test("in relation-created (no remote unit): no target → the remote application's bag", async () => {
    const h = relationHook(demoModel(), "demo/0", "db-relation-created", 2);
    expect(h.env["JUJU_REMOTE_UNIT"]).toBe("");
    expect(await h.run("relation-get", ["database"])).toEqual(success("demo\n"));
    expect(await h.run("relation-get", ["--format=json"])).toEqual(success('{"database":"demo","flag":"yes","special":"\\u003ca\\u0026b\\u003e"}\n'));
  });

  test("--app with no name outside a relation hook: `no unit or application specified` (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "db:2", "--app"])).toEqual(failure(2, "no unit or application specified"));
  });

  test("without --app an application name, or anything that is not a unit name, is refused (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "db:2", "-", "pg"])).toEqual(failure(2, 'expected unit name, got application name "pg"'));
    expect(await h.run("relation-get", ["-r", "db:2", "-", "Not_A_Unit!"])).toEqual(failure(2, 'invalid unit name "Not_A_Unit!"'));
  });

  test("the unit's own bag includes this hook's uncommitted relation-set", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "mine=1", "ingress-address="])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])).toBe('{"mine":"1"}\n');
    expect(model.relation(2).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10" });
  });

  test("own application's bag: the leader reads its pending writes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "--app", "extra=1"])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "demo", "--format=json"])).toBe('{"extra":"1","requested":"yes"}\n');
  });

  test("own application's bag, non-leader: permission denied for provides/requires (exit 1), allowed for peers", async () => {
    const h = hook(demoModel(), "demo/1");
    expect(await h.run("relation-get", ["-r", "db:2", "--app", "-", "demo"])).toEqual(failure(1, "permission denied"));
    expect(await h.run("relation-get", ["-r", "cluster:0", "--app", "-", "demo", "--format=json"])).toEqual(success('{"leader":"demo/0"}\n'));
  });

  test("a peer's unit bag is readable; a unit of an application not in the relation is not (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-get", ["-r", "cluster:0", "peer-key", "demo/1"])).toEqual(success("from-demo-1\n"));
    expect(await h.run("relation-get", ["-r", "db:2", "-", "stranger/0"])).toEqual(failure(1, "permission denied"));
  });

  test("a departed unit's data stays readable for the life of the relation", async () => {
    const model = demoModel();
    model.leaveRelation(2, "pg/0");
    const h = hook(model, "demo/0");
    expect(await h.out("relation-list", ["-r", "db:2", "--format=json"])).toBe("[]\n");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
  });

  test("remote data is read once per hook: a change committed meanwhile is not seen", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
    const pg = hook(model, "pg/0");
    expect(await pg.run("relation-set", ["-r", "database:2", "host=moved.internal"])).toEqual(success());
    pg.context.commit();
    expect(model.relation(2).unitData.get("pg/0")?.["host"]).toBe("moved.internal");
    expect(await h.out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("pg-0.internal\n");
    expect(await hook(model, "demo/0").out("relation-get", ["-r", "db:2", "host", "pg/0"])).toBe("moved.internal\n");
  });

  test("no relation: `no relation id specified` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-", "pg/0"])).toEqual(failure(2, "no relation id specified"));
  });
});

describe("§3.2 relation-set", () => {
  test("buffered: visible to this hook, not to the model or to another hook until commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "cluster:0", "role=primary"])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("primary\n");
    expect(model.relation(0).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10" });
    expect(await hook(model, "demo/1").out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("");
    const result = h.context.commit();
    expect(result.relationChanges).toEqual([{ relationId: 0, app: "demo", unit: "demo/0" }]);
    expect(model.relation(0).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10", role: "primary" });
    expect(await hook(model, "demo/1").out("relation-get", ["-r", "cluster:0", "role", "demo/0"])).toBe("primary\n");
  });

  test("`key=` deletes the key", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "ingress-address="])).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "ingress-address", "demo/0", "--format=json"])).toBe("null\n");
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({});
  });

  test("--app by the leader: the application bag, at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "cluster:0", "--app", "leader=demo/0", "epoch=2"])).toEqual(success());
    expect(model.relation(0).appData.get("demo")).toEqual({ leader: "demo/0" });
    h.context.commit();
    expect(model.relation(0).appData.get("demo")).toEqual({ leader: "demo/0", epoch: "2" });
  });

  test("--app by a non-leader: `cannot write relation settings` (exit 1), nothing buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.run("relation-set", ["-r", "cluster:0", "--app", "epoch=3"])).toEqual(failure(1, "cannot write relation settings"));
    expect(h.context.commit().relationChanges).toEqual([]);
  });

  test("no arguments and no file: a no-op, exit 0", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2"])).toEqual(success());
    expect(h.context.commit().relationChanges).toEqual([]);
  });

  test("the relation defaults to the relation hook's", async () => {
    const model = demoModel();
    const h = relationHook(model, "demo/0", "db-relation-joined", 2, "pg/0");
    expect(await h.run("relation-set", ["user=demo"])).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")?.["user"]).toBe("demo");
  });

  test("no relation outside a relation hook: `no relation id specified` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-set", ["a=b"])).toEqual(failure(2, "no relation id specified"));
  });

  test("keys: any non-empty string; the value is split at the first `=`", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("relation-set", ["-r", "db:2", "Odd Key/with.chars!=x", "url=http://h/?a=b"])).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({ "ingress-address": "10.0.0.10", "Odd Key/with.chars!": "x", url: "http://h/?a=b" });
  });

  test("--file -: a JSON object on stdin, exact values", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const data = { multi: "line one\nline two\n", spaced: "  padded  ", quote: 'say "hi"', unicode: "héllo ✓" };
    expect(await h.run("relation-set", ["-r", "db:2", "--file", "-"], { stdin: JSON.stringify(data) })).toEqual(success());
    const bag = JSON.parse(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])) as unknown;
    expect(bag).toEqual({ "ingress-address": "10.0.0.10", ...data });
  });

  test("--file -: YAML on stdin; non-string scalars become their text", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const yaml = "host: db.internal\nport: 5432\nenabled: true\nratio: 0.5\n";
    expect(await h.run("relation-set", ["-r", "db:2", "--file=-"], { stdin: yaml })).toEqual(success());
    h.context.commit();
    expect(model.relation(2).unitData.get("demo/0")).toEqual({
      "ingress-address": "10.0.0.10",
      host: "db.internal",
      port: "5432",
      enabled: "true",
      ratio: "0.5",
    });
  });

  test("--file <path> relative to the working directory; arguments override the file", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "settings.yaml"), "a: from-file\nb: from-file\n");
    expect(await h.run("relation-set", ["-r", "db:2", "--file", "settings.yaml", "b=from-args"], { cwd })).toEqual(success());
    expect(await h.out("relation-get", ["-r", "db:2", "-", "demo/0", "--format=json"])).toBe(
      '{"a":"from-file","b":"from-args","ingress-address":"10.0.0.10"}\n',
    );
  });

  test("--file with a nested map fails with an ERROR line, and nothing is buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const result = await h.run("relation-set", ["-r", "db:2", "--file", "-"], { stdin: '{"a":{"b":"c"}}' });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/^ERROR /);
    expect(h.context.commit().relationChanges).toEqual([]);
  });
});

describe("§3.2 relation-model-get", () => {
  test("the model hosting the remote application", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-model-get", ["-r", "db:2", "--format=json"])).toEqual(success(`{"uuid":"${UUID}"}\n`));
  });
});

// --- §3.3 config, status, logging, version ---------------------------------------------------------

describe("§3.3 config-get", () => {
  test("no key: the options set or with a default, typed as config.yaml says", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["--format=json"])).toEqual(success('{"debug":false,"greeting":"hi there","port":8080,"ratio":1.5}\n'));
    expect(await h.run("config-get")).toEqual(success("debug: false\ngreeting: hi there\nport: 8080\nratio: 1.5\n"));
    expect(await h.run("config-get", ["--format=yaml"])).toEqual(success("debug: false\ngreeting: hi there\nport: 8080\nratio: 1.5\n"));
  });

  test("-a/--all also lists options whose value is null", async () => {
    const h = hook(demoModel(), "demo/0");
    const all = success('{"debug":false,"greeting":"hi there","name":null,"port":8080,"ratio":1.5,"secret-option":null}\n');
    expect(await h.run("config-get", ["--all", "--format=json"])).toEqual(all);
    expect(await h.run("config-get", ["-a", "--format=json"])).toEqual(all);
  });

  test("one key: its value in each format; an unknown key is null, not an error", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("config-get", ["port"])).toEqual(success("8080\n"));
    expect(await h.run("config-get", ["port", "--format=json"])).toEqual(success("8080\n"));
    expect(await h.run("config-get", ["debug"])).toEqual(success("False\n"));
    expect(await h.run("config-get", ["debug", "--format=json"])).toEqual(success("false\n"));
    expect(await h.run("config-get", ["greeting", "--format=json"])).toEqual(success('"hi there"\n'));
    expect(await h.run("config-get", ["name", "--format=json"])).toEqual(success("null\n"));
  });

  test("--all with a key is refused (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("config-get", ["--all", "greeting"])).toEqual(failure(2, 'cannot use argument --all together with key "greeting"'));
  });
});

describe("§3.3 status-set and status-get", () => {
  test("status-get: smart prints the status word; json and yaml a map", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get")).toEqual(success("active\n"));
    expect(await h.run("status-get", ["--format=json"])).toEqual(success('{"status":"active"}\n'));
    expect(await h.run("status-get", ["--format=yaml"])).toEqual(success("status: active\n"));
  });

  test("status-get --include-data: message, status and status-data", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get", ["--include-data", "--format=json"])).toEqual(success('{"message":"ready","status":"active","status-data":{}}\n'));
    expect(await h.run("status-get", ["--include-data"])).toEqual(success("message: ready\nstatus: active\nstatus-data: {}\n"));
  });

  test("status-get --application (leader): units nested inside application-status", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-get", ["--application", "--include-data", "--format=json"])).toEqual(
      success(
        '{"application-status":{"message":"cluster up","status":"active","status-data":{},"units":{' +
          '"demo/0":{"message":"ready","status":"active","status-data":{}},' +
          '"demo/1":{"message":"starting","status":"waiting","status-data":{}}}}}\n',
      ),
    );
  });

  test("status-get --application by a non-leader (exit 1)", async () => {
    expect(await hook(demoModel(), "demo/1").run("status-get", ["--application"])).toEqual(
      failure(1, "finding application status: this unit is not the leader"),
    );
  });

  test("status-set: immediate, not buffered", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("status-set", ["maintenance", "installing packages"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "maintenance", message: "installing packages", data: {} });
    expect(await h.out("status-get", ["--include-data", "--format=json"])).toBe('{"message":"installing packages","status":"maintenance","status-data":{}}\n');
    expect(await hook(model, "demo/0").out("status-get")).toBe("maintenance\n");
  });

  test("status-set without a message; each settable status", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const status of ["maintenance", "blocked", "waiting", "active"]) {
      expect(await h.run("status-set", [status])).toEqual(success());
      expect(model.unit("demo/0").status).toEqual({ status, message: "", data: {} });
    }
  });

  test("status-set --application by the leader sets the application's status", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("status-set", ["--application", "blocked", "needs a database"])).toEqual(success());
    expect(model.app("demo").status).toEqual({ status: "blocked", message: "needs a database", data: {} });
  });

  test("status-set --application by a non-leader (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("status-set", ["--application", "active"])).toEqual(failure(1, "this unit is not the leader"));
    expect(model.app("demo").status.message).toBe("cluster up");
  });

  test.each(["error", "unknown", "Active", "terminated"])("status-set %s is refused (exit 2)", async (status) => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("status-set", [status, "msg"])).toEqual(
      failure(2, `invalid status "${status}", expected one of [maintenance blocked waiting active]`),
    );
    expect(model.unit("demo/0").status.status).toBe("active");
  });

  test("status-set without a status, or with two messages (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("status-set")).toEqual(failure(2, "invalid args, require <status> [message]"));
    expect(await h.run("status-set", ["active", "one", "two"])).toEqual(failure(2, 'unrecognized args: ["two"]'));
  });
});

describe("§3.3 juju-log", () => {
  test("the words joined by single spaces, at INFO; immediate", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-log", ["hello", "big", "world"])).toEqual(success());
    expect(model.logs).toEqual([{ unit: "demo/0", level: "INFO", message: "hello big world" }]);
  });

  test("-l/--log-level (case-insensitive, WARN = WARNING), --debug; an unknown level logs at INFO", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const [args, level] of [
      [["-l", "WARNING", "m"], "WARNING"],
      [["--log-level=error", "m"], "ERROR"],
      [["--log-level", "critical", "m"], "CRITICAL"],
      [["-l", "WARN", "m"], "WARNING"],
      [["-l", "trace", "m"], "TRACE"],
      [["--debug", "m"], "DEBUG"],
      [["-l", "LOUD", "m"], "INFO"],
    ] as const) {
      expect(await h.run("juju-log", args), args.join(" ")).toEqual(success());
      expect(model.logs.at(-1)?.level, args.join(" ")).toBe(level);
    }
  });

  test("no message (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("juju-log")).toEqual(failure(2, "no message specified"));
    expect(await h.run("juju-log", ["-l", "INFO"])).toEqual(failure(2, "no message specified"));
  });
});

describe("§3.3 application-version-set and unit-get", () => {
  test("application-version-set: immediate; any unit may call it", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/1").run("application-version-set", ["--", "14.2-beta"])).toEqual(success());
    expect(model.app("demo").workloadVersion).toBe("14.2-beta");
  });

  test("application-version-set without a version (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("application-version-set")).toEqual(failure(2, "no version specified"));
  });

  test("unit-get private-address / public-address; anything else (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("unit-get", ["private-address"])).toEqual(success(`${machineAddress("0")}\n`));
    expect(await h.run("unit-get", ["public-address", "--format=json"])).toEqual(success(`"${machineAddress("0")}"\n`));
    expect(await h.run("unit-get", ["bogus"])).toEqual(failure(2, 'unknown setting "bogus"'));
  });
});

// --- §3.4 actions --------------------------------------------------------------------------------

describe("§3.4 action-get", () => {
  test("the whole params map, schema defaults included, in each format", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup", { filename: "x.tgz", nested: { a: { b: "deep" } } });
    expect(await h.run("action-get", ["--format=json"])).toEqual(success('{"compress":true,"filename":"x.tgz","level":3,"nested":{"a":{"b":"deep"}}}\n'));
    expect(await h.run("action-get")).toEqual(success("compress: true\nfilename: x.tgz\nlevel: 3\nnested:\n  a:\n    b: deep\n"));
  });

  test("a key or a dotted path; a missing one prints nothing / null", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup", { filename: "x.tgz", nested: { a: { b: "deep" } } });
    expect(await h.run("action-get", ["filename"])).toEqual(success("x.tgz\n"));
    expect(await h.run("action-get", ["filename", "--format=json"])).toEqual(success('"x.tgz"\n'));
    expect(await h.run("action-get", ["compress"])).toEqual(success("True\n"));
    expect(await h.run("action-get", ["level", "--format=json"])).toEqual(success("3\n"));
    expect(await h.run("action-get", ["nested.a.b"])).toEqual(success("deep\n"));
    expect(await h.run("action-get", ["nested.a", "--format=json"])).toEqual(success('{"b":"deep"}\n'));
    expect(await h.run("action-get", ["nested.x.y"])).toEqual(success(""));
    expect(await h.run("action-get", ["missing", "--format=json"])).toEqual(success("null\n"));
  });

  test("no params: `{}`, never null", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "rotate-password");
    expect(await h.run("action-get", ["--format=json"])).toEqual(success("{}\n"));
  });
});

describe("§3.4 action-set, action-fail, action-log", () => {
  test("action-set: dotted keys build nested maps; values are strings; later writes overwrite", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["a.b=1", "a.c=2", "size=10", "out.file=/tmp/x"])).toEqual(success());
    expect(await h.run("action-set", ["size=11"])).toEqual(success());
    expect(run.results).toEqual({ a: { b: "1", c: "2" }, size: "11", out: { file: "/tmp/x" } });
  });

  test.each(["Foo", "-abc", "abc-", "a_b", "ABC"])("action-set key %j is refused (exit 2)", async (key) => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["--", `${key}=1`])).toEqual(
      failure(2, `key "${key}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`),
    );
    expect(run.results).toEqual({});
  });

  test.each(["stdout", "stderr", "stdout-encoding", "stderr-encoding"])("action-set reserved key %s (exit 2)", async (key) => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", [`${key}=x`])).toEqual(failure(2, `cannot set reserved action key "${key}"`));
  });

  test("action-set: an argument without `=` (exit 2)", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-set", ["novalue"])).toEqual(failure(2, 'argument "novalue" must be of the form key...=value'));
  });

  test("action-fail: the message, or Juju's default", async () => {
    const first = actionHook(demoModel(), "demo/0", "backup");
    expect(await first.hook.run("action-fail", ["--", "disk full"])).toEqual(success());
    expect(first.run.failure).toBe("disk full");
    const second = actionHook(demoModel(), "demo/0", "backup");
    expect(await second.hook.run("action-fail")).toEqual(success());
    expect(second.run.failure).toBe("action failed without reason given, check action for errors");
  });

  test("action-fail takes at most one message (exit 2)", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-fail", ["disk", "full"])).toEqual(failure(2, 'unrecognized args: ["full"]'));
    expect(run.failure).toBeUndefined();
  });

  test("action-log: words joined by spaces, immediate; no message (exit 2)", async () => {
    const { hook: h, run } = actionHook(demoModel(), "demo/0", "backup");
    expect(await h.run("action-log", ["50%", "done"])).toEqual(success());
    expect(run.logs).toEqual(["50% done"]);
    expect(await h.run("action-log")).toEqual(failure(2, "no message specified"));
  });

  test.each([
    ["action-get", []],
    ["action-set", ["a=1"]],
    ["action-fail", ["why"]],
    ["action-log", ["progress"]],
  ] as const)("%s outside an action: `not running an action` (exit 1)", async (tool, args) => {
    expect(await hook(demoModel(), "demo/0").run(tool, args)).toEqual(failure(1, "not running an action"));
  });

  test("the other tools work in an action; juju-reboot is refused there (exit 1)", async () => {
    const { hook: h } = actionHook(demoModel(), "demo/0", "backup");
    expect(h.env["JUJU_HOOK_NAME"]).toBe("");
    expect(await h.run("is-leader")).toEqual(success("True\n"));
    expect(await h.run("juju-reboot")).toEqual(failure(1, "juju-reboot is not supported when running an action."));
  });
});

// --- §3.5 ports and networking ----------------------------------------------------------------------

describe("§3.5 open-port, close-port, opened-ports", () => {
  test("open-port is buffered: opened-ports in the same hook shows it, the model has it after commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["8080"])).toEqual(success());
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success('["8080/tcp"]\n'));
    expect(model.unit("demo/0").ports).toEqual([]);
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([{ range: { protocol: "tcp", port: 8080 }, endpoint: undefined }]);
    expect(await hook(model, "demo/0").run("opened-ports")).toEqual(success("8080/tcp\n"));
  });

  test("port, range, protocol (lowercased) and icmp; unique; sorted by protocol then number", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    for (const spec of ["8000-8099/udp", "443/tcp", "icmp", "80", "80/TCP", "53/udp"]) {
      expect(await h.run("open-port", [spec]), spec).toEqual(success());
    }
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success('["icmp","80/tcp","443/tcp","53/udp","8000-8099/udp"]\n'));
    expect(await h.run("opened-ports")).toEqual(success("icmp\n80/tcp\n443/tcp\n53/udp\n8000-8099/udp\n"));
    expect(await h.run("opened-ports", ["--format=yaml"])).toEqual(success("- icmp\n- 80/tcp\n- 443/tcp\n- 53/udp\n- 8000-8099/udp\n"));
  });

  test("open then close in one hook cancel out; close-port of a committed port", async () => {
    const model = demoModel();
    model.unit("demo/0").ports = [{ range: { protocol: "tcp", port: 22 }, endpoint: undefined }];
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["9000"])).toEqual(success());
    expect(await h.run("close-port", ["9000"])).toEqual(success());
    expect(await h.run("close-port", ["22/tcp"])).toEqual(success());
    expect(await h.run("opened-ports", ["--format=json"])).toEqual(success("[]\n"));
    expect(model.unit("demo/0").ports).toHaveLength(1);
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([]);
  });

  test("--endpoints: once per comma-separated (trimmed) endpoint", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["--endpoints", "db, website", "7000"])).toEqual(success());
    h.context.commit();
    expect(model.unit("demo/0").ports).toEqual([
      { range: { protocol: "tcp", port: 7000 }, endpoint: "db" },
      { range: { protocol: "tcp", port: 7000 }, endpoint: "website" },
    ]);
  });

  test("opened-ports --endpoints: ` (ep1, ep2)` sorted, or ` (*)` for all endpoints", async () => {
    const model = demoModel();
    model.unit("demo/0").ports = [
      { range: { protocol: "tcp", port: 80 }, endpoint: undefined },
      { range: { protocol: "tcp", port: 9090 }, endpoint: "metrics" },
      { range: { protocol: "tcp", port: 9091 }, endpoint: "website" },
      { range: { protocol: "tcp", port: 9091 }, endpoint: "db" },
    ];
    expect(await hook(model, "demo/0").run("opened-ports", ["--endpoints", "--format=json"])).toEqual(
      success('["80/tcp (*)","9090/tcp (metrics)","9091/tcp (db, website)"]\n'),
    );
  });

  test("a range opened by another unit on the same machine conflicts (exit 1)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["80"])).toEqual(
      failure(1, 'cannot open 80/tcp (unit "demo/0"): port range conflicts with 79-81/tcp (unit "other/0")'),
    );
    expect(await h.run("open-port", ["80/udp"])).toEqual(success());
    expect(await hook(model, "demo/1").run("open-port", ["80"])).toEqual(success());
  });

  test.each([
    [[], "no port or range specified"],
    [["1-2-3"], 'invalid port range "1-2-3"'],
    [["80/sctp"], 'invalid protocol "sctp", expected "tcp", "udp", or "icmp"'],
    [["1-70000"], "port range bounds must be between 0 and 65535, got 1-70000"],
    [["9-1"], "invalid port range 9-1/tcp"],
  ] as const)("open-port and close-port %j: exit 2, %s", async (args, message) => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("open-port", args)).toEqual(failure(2, message));
    expect(await h.run("close-port", args)).toEqual(failure(2, message));
  });

  test("a port that is not a number: `invalid port \"x\": …` (exit 2)", async () => {
    const result = await hook(demoModel(), "demo/0").run("open-port", ["abc"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^ERROR invalid port "abc": [^\n]+\n$/);
  });
});

describe("§3.5 network-get", () => {
  test("the full record: bind addresses, egress subnets, ingress addresses", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.json("network-get", ["db"])).toEqual({
      "bind-addresses": [{ "mac-address": MAC, "interface-name": "eth0", addresses: [{ hostname: "", value: "10.0.0.5", cidr: "10.0.0.0/24" }] }],
      "egress-subnets": ["10.0.0.5/32"],
      "ingress-addresses": ["10.0.0.5"],
    });
  });

  test("empty top-level keys are omitted", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(Object.keys((await h.json("network-get", ["website"])) as object)).toEqual(["bind-addresses"]);
  });

  test("one selector: just that value; several: a map", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("network-get", ["db", "--bind-address"])).toEqual(success("10.0.0.5\n"));
    expect(await h.run("network-get", ["db", "--ingress-address", "--format=json"])).toEqual(success('"10.0.0.5"\n'));
    expect(await h.run("network-get", ["db", "--egress-subnets", "--format=json"])).toEqual(success('["10.0.0.5/32"]\n'));
    expect(await h.run("network-get", ["db", "--egress-subnets"])).toEqual(success("10.0.0.5/32\n"));
    expect(await h.run("network-get", ["--bind-address", "db", "--ingress-address", "--egress-subnets", "--format=json"])).toEqual(
      success('{"bind-address":"10.0.0.5","egress-subnets":["10.0.0.5/32"],"ingress-address":"10.0.0.5"}\n'),
    );
  });

  test("the ingress address falls back to the first bind address", async () => {
    expect(await hook(demoModel(), "demo/0").run("network-get", ["website", "--ingress-address"])).toEqual(success("10.0.1.6\n"));
  });

  test("an extra binding has a network too; with -r the relation must be the unit's", async () => {
    const h = hook(demoModel(), "demo/0");
    expect((await h.run("network-get", ["metrics", "--bind-address"])).exitCode).toBe(0);
    expect(await h.run("network-get", ["-r", "db:2", "db", "--bind-address"])).toEqual(success("10.0.0.5\n"));
    expect(await h.run("network-get", ["-r", "db:99", "db"])).toEqual(failure(2, 'invalid value "db:99" for option -r: relation not found'));
  });

  test("no binding (exit 2); an unknown binding (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("network-get")).toEqual(failure(2, "no arguments specified"));
    expect(await h.run("network-get", ["nosuch"])).toEqual(failure(1, 'no network config found for binding "nosuch"'));
  });

  test("juju-info is a binding of every charm (Juju adds the endpoint when the charm does not declare it)", async () => {
    const h = hook(demoModel(), "demo/0");
    // The default network, as for any binding the model gives no network of its own.
    expect(await h.run("network-get", ["juju-info", "--bind-address"])).toEqual(success("192.0.2.0\n"));
  });
});

// --- §3.6 secrets -------------------------------------------------------------------------------------

const SECRET_URI = new RegExp(`^secret://${UUID}/([0-9a-v]{20})\n$`);

/** Runs secret-add and returns the URI it printed (checked against the 3.x form). */
async function addSecret(h: Hook, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const stdout = await h.out("secret-add", args, options);
  expect(stdout).toMatch(SECRET_URI);
  return stdout.trim();
}

describe("§3.6 secret-add", () => {
  test("prints the model-qualified URI; buffered: readable by URI and label in the hook, in the model after commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const uri = await addSecret(h, ["--label", "api-key", "--description", "the API key", "key=abc123"]);
    const xid = uri.slice(uri.lastIndexOf("/") + 1);
    expect(model.secrets.has(xid)).toBe(false);
    expect(await h.out("secret-get", [uri, "--format=json"])).toBe('{"key":"abc123"}\n');
    expect(await h.out("secret-get", ["--label", "api-key", "key"])).toBe("abc123\n");
    expect(await h.out("secret-ids")).toContain(`${xid}\n`);
    h.context.commit();
    const secret = defined(model.secrets.get(xid), "the committed secret");
    expect(secret.owner).toEqual({ kind: "application", app: "demo" });
    expect({ label: secret.label, description: secret.description, content: secret.revisions.get(1) }).toEqual({
      label: "api-key",
      description: "the API key",
      content: { key: "abc123" },
    });
  });

  test("--owner unit: any unit; the default (application) only the leader (exit 1)", async () => {
    const model = demoModel();
    const follower = hook(model, "demo/1");
    expect(await follower.run("secret-add", ["token=x"])).toEqual(failure(1, "this unit is not the leader"));
    const uri = await addSecret(follower, ["--owner", "unit", "token=x"]);
    follower.context.commit();
    expect(model.secrets.get(uri.slice(-20))?.owner).toEqual({ kind: "unit", unit: "demo/1" });
  });

  test("key#base64= and key#file=, and --file with a YAML map", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "cert.pem"), "-----BEGIN-----\nMIIB\n-----END-----\n");
    writeFileSync(join(cwd, "content.yaml"), "username: admin\npassword#base64: aHVudGVyMg==\n");
    const uri = await addSecret(h, ["greeting#base64=aGVsbG8=", "cert#file=cert.pem", "--file", "content.yaml"], { cwd });
    expect(JSON.parse(await h.out("secret-get", [uri, "--format=json"], { cwd }))).toEqual({
      greeting: "hello",
      cert: "-----BEGIN-----\nMIIB\n-----END-----\n",
      username: "admin",
      password: "hunter2",
    });
  });

  test.each(["ab", "Abc", "1abc", "a--b", "abc-", "a_bc"])("content key %j is refused (exit 2)", async (key) => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", [`${key}=v`])).toEqual(failure(2, `key "${key}" not valid`));
  });

  test.each(["abc", "a-b1", "tls-cert-2"])("content key %j is accepted", async (key) => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, [`${key}=v`]);
    expect(await h.out("secret-get", [uri, key])).toBe("v\n");
  });

  test("size caps: one base64 value over 1,000,000 bytes; all values together; a file over 1,000,000 bytes (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    const dir = scratchDir();
    const big = join(dir, "big");
    const half = join(dir, "half");
    const huge = join(dir, "huge");
    writeFileSync(big, "a".repeat(760_000));
    writeFileSync(half, "a".repeat(400_000));
    writeFileSync(huge, "a".repeat(1_000_001));
    expect(await h.run("secret-add", [`blob#file=${big}`])).toEqual(failure(2, 'base64 encoded secret content for key "blob" too large: 1013336 bytes'));
    expect(await h.run("secret-add", [`one#file=${half}`, `two#file=${half}`])).toEqual(failure(2, "base64 encoded secret content too large: 1066672 bytes"));
    expect(await h.run("secret-add", [`blob#file=${huge}`])).toEqual(failure(2, `secret content in file "${huge}" too large: 1000001 bytes`));
    const fits = join(dir, "fits");
    writeFileSync(fits, "a".repeat(750_000));
    expect((await h.run("secret-add", [`blob#file=${fits}`])).exitCode).toBe(0);
  });

  test("--owner, --rotate and --expire are validated (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-add", ["--owner", "model", "abc=1"])).toEqual(failure(2, 'secret owner "model" not valid'));
    expect(await h.run("secret-add", ["--rotate", "sometimes", "abc=1"])).toEqual(failure(2, 'rotate policy "sometimes" not valid'));
    expect(await h.run("secret-add", ["--expire", "soon", "abc=1"])).toEqual(failure(2, 'expire time or duration "soon" not valid'));
    expect(await h.run("secret-add", ["--expire=-1h", "abc=1"])).toEqual(failure(2, 'negative expire duration "-1h" not valid'));
  });

  test("valid --rotate policies and --expire forms are accepted", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const rotate of ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]) {
      expect((await h.run("secret-add", ["--rotate", rotate, "abc=1"])).exitCode, rotate).toBe(0);
    }
    for (const expire of ["24h", "90m", "2030-01-01T06:06:06Z", "2030-01-01T06:06:06+02:00", "2030-01-01T06:06:06"]) {
      expect((await h.run("secret-add", ["--expire", expire, "abc=1"])).exitCode, expire).toBe(0);
    }
  });

  test("no content and no file (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", ["--label", "x"])).toEqual(failure(2, "missing secret value or filename"));
  });

  test("a duplicate owner label is refused when the hook commits, not by the tool", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    await addSecret(h, ["--label", "db-pass", "abc=1"]);
    expect(commitRefusal(h.context).message).toBe('secret with label "db-pass" already exists');
  });
});

describe("§3.6 secret-get", () => {
  test("default format yaml; json; a key; key#base64", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = `secret:${APP_SECRET}`;
    expect(await h.run("secret-get", [uri])).toEqual(success("password: s3cret\n"));
    expect(await h.run("secret-get", [uri, "--format=json"])).toEqual(success('{"password":"s3cret"}\n'));
    expect(await h.run("secret-get", [uri, "password"])).toEqual(success("s3cret\n"));
    expect(await h.run("secret-get", [uri, "password", "--format=json"])).toEqual(success('"s3cret"\n'));
    expect(await h.run("secret-get", [uri, "password#base64"])).toEqual(success("czNjcmV0\n"));
    expect(await h.run("secret-get", [`secret:${UNIT_SECRET}`])).toEqual(success('pin: "12345"\ntoken: t0k3n\n'));
  });

  test("the URI forms: secret:<xid>, secret://<model>/<xid>, a bare xid", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const id of [`secret:${APP_SECRET}`, `secret://${UUID}/${APP_SECRET}`, APP_SECRET]) {
      expect(await h.run("secret-get", [id, "password"]), id).toEqual(success("s3cret\n"));
    }
  });

  test("smart is not offered", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-get", [APP_SECRET, "--format=smart"])).toEqual(
      failure(2, 'invalid value "smart" for option --format: unknown format "smart"'),
    );
  });

  test("by the owner's label; app-owned content is readable by every unit of the app", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-get", ["--label", "db-pass"])).toEqual(success("password: s3cret\n"));
    expect(await hook(model, "demo/1").run("secret-get", ["--label", "db-pass", "--format=json"])).toEqual(success('{"password":"s3cret"}\n'));
  });

  test("usage errors (exit 2): no ID or label, --peek with --refresh, a malformed URI", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-get")).toEqual(failure(2, "require either a secret URI or label"));
    expect(await h.run("secret-get", [APP_SECRET, "--peek", "--refresh"])).toEqual(failure(2, "specify one of --peek or --refresh but not both"));
    expect(await h.run("secret-get", ["secret:nope"])).toEqual(failure(2, 'secret URI "secret:nope" not valid'));
  });

  test("unknown (exit 1, `not found`); someone else's without a grant (exit 1, permission denied); granted is readable", async () => {
    const h = hook(demoModel(), "demo/1");
    const unknown = await h.run("secret-get", [`secret:${UNKNOWN_SECRET}`]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(new RegExp(`^ERROR secret "(?:secret:(?://[^/"]+/)?)?${UNKNOWN_SECRET}" not found\n$`));
    expect(await h.run("secret-get", [`secret:${PG_PRIVATE}`])).toEqual(failure(1, "permission denied"));
    expect(await h.run("secret-get", [`secret:${UNIT_SECRET}`])).toEqual(failure(1, "permission denied"));
    expect(await h.run("secret-get", [`secret:${PG_SHARED}`, "password"])).toEqual(success("pg-pass\n"));
    const byLabel = await h.run("secret-get", ["--label", "no-such-label"]);
    expect(byLabel.exitCode).toBe(1);
    expect(byLabel.stderr).toMatch(/^ERROR secret "no-such-label" not found\n$/);
  });

  test("revisions: the first read pins; --peek reads the latest once; --refresh re-pins (at commit)", async () => {
    const model = demoModel();
    const first = hook(model, "demo/0");
    expect(await first.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    first.context.commit();
    const owner = hook(model, "pg/0");
    expect(await owner.run("secret-set", [`secret:${PG_SHARED}`, "password=rotated"])).toEqual(success());
    owner.context.commit();
    expect(model.secrets.get(PG_SHARED)?.latest).toBe(2);

    const h = hook(model, "demo/0");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    expect(await h.out("secret-get", [PG_SHARED, "password", "--peek"])).toBe("rotated\n");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("pg-pass\n");
    expect(await h.out("secret-get", [PG_SHARED, "password", "--refresh"])).toBe("rotated\n");
    expect(await h.out("secret-get", [PG_SHARED, "password"])).toBe("rotated\n");
    expect(model.secrets.get(PG_SHARED)?.tracking.get("demo/0")).toBe(1);
    h.context.commit();
    expect(model.secrets.get(PG_SHARED)?.tracking.get("demo/0")).toBe(2);
  });

  test("ID with --label gives the consumer's label, usable in later hooks", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("secret-get", [PG_SHARED, "--label", "pg-creds", "password"])).toBe("pg-pass\n");
    h.context.commit();
    expect(model.secrets.get(PG_SHARED)?.consumerLabels.get("demo/1")).toBe("pg-creds");
    expect(await hook(model, "demo/1").out("secret-get", ["--label", "pg-creds", "password"])).toBe("pg-pass\n");
  });
});

describe("§3.6 secret-set", () => {
  test("new content: seen by this hook, a new revision in the model at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [`secret:${APP_SECRET}`, "password=n3w"])).toEqual(success());
    expect(await h.out("secret-get", [APP_SECRET, "password", "--peek"])).toBe("n3w\n");
    expect(model.secrets.get(APP_SECRET)?.latest).toBe(1);
    expect(h.context.commit().newRevisions).toEqual([{ xid: APP_SECRET, revision: 2 }]);
    expect(model.secrets.get(APP_SECRET)?.revisions.get(2)).toEqual({ password: "n3w" });
  });

  test("identical content makes no new revision", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "password=s3cret"])).toEqual(success());
    expect(h.context.commit().newRevisions).toEqual([]);
    expect(model.secrets.get(APP_SECRET)?.latest).toBe(1);
  });

  test("metadata only: no new revision; the new label is seen in the hook and committed", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "--label", "renamed", "--description", "new words", "--rotate", "daily"])).toEqual(success());
    expect(await h.out("secret-get", ["--label", "renamed", "password"])).toBe("s3cret\n");
    expect(h.context.commit().newRevisions).toEqual([]);
    const secret = defined(model.secrets.get(APP_SECRET), "APP_SECRET");
    expect({ label: secret.label, description: secret.description, rotate: secret.rotate, latest: secret.latest }).toEqual({
      label: "renamed",
      description: "new words",
      rotate: "daily",
      latest: 1,
    });
  });

  test("--owner is accepted and changes nothing", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-set", [APP_SECRET, "--owner", "unit", "password=x"])).toEqual(success());
    h.context.commit();
    expect(model.secrets.get(APP_SECRET)?.owner).toEqual({ kind: "application", app: "demo" });
  });

  test("another unit's secret: refused by the controller, when the hook commits", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect((await h.run("secret-set", [UNIT_SECRET, "token=stolen"])).exitCode).toBe(0);
    commitRefusal(h.context);
    expect(model.secrets.get(UNIT_SECRET)?.latest).toBe(1);
  });

  test("an app-owned secret by a non-leader (exit 1)", async () => {
    expect(await hook(demoModel(), "demo/1").run("secret-set", [APP_SECRET, "password=x"])).toEqual(failure(1, "this unit is not the leader"));
  });

  test("usage errors (exit 2): no URI, bad key, bad rotate policy, bad expiry", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-set")).toEqual(failure(2, "missing secret URI"));
    expect(await h.run("secret-set", [APP_SECRET, "pw=x"])).toEqual(failure(2, 'key "pw" not valid'));
    expect(await h.run("secret-set", [APP_SECRET, "--rotate", "often"])).toEqual(failure(2, 'rotate policy "often" not valid'));
    expect(await h.run("secret-set", [APP_SECRET, "--expire", "later"])).toEqual(failure(2, 'expire time or duration "later" not valid'));
  });
});

describe("§3.6 secret-remove", () => {
  test("buffered: the secret goes at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-remove", [`secret:${APP_SECRET}`])).toEqual(success());
    expect(model.secrets.has(APP_SECRET)).toBe(true);
    h.context.commit();
    expect(model.secrets.has(APP_SECRET)).toBe(false);
  });

  test("--revision N removes one revision", async () => {
    const model = demoModel();
    const set = hook(model, "demo/0");
    await set.run("secret-set", [APP_SECRET, "password=second"]);
    set.context.commit();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-remove", [APP_SECRET, "--revision", "1"])).toEqual(success());
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.revisions.keys() ?? [])]).toEqual([2]);
  });

  test("an unknown secret gives no immediate error; an app-owned one by a non-leader does (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-remove", [UNKNOWN_SECRET])).toEqual(success());
    expect(await hook(model, "demo/1").run("secret-remove", [APP_SECRET])).toEqual(failure(1, "this unit is not the leader"));
  });
});

describe("§3.6 secret-grant and secret-revoke", () => {
  test("grant to the remote application of a relation, or one of its units; committed at hook end", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(success());
    expect(await h.run("secret-grant", [`secret:${UNIT_SECRET}`, "--relation", "db:10", "--unit", "mysql/0"])).toEqual(success());
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(0);
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.grants.keys() ?? [])]).toEqual(["pg"]);
    expect([...(model.secrets.get(UNIT_SECRET)?.grants.keys() ?? [])]).toEqual(["mysql/0"]);
    expect(await hook(model, "pg/0").out("secret-get", [APP_SECRET, "password"])).toBe("s3cret\n");
  });

  test("usage errors (exit 2): no relation, a malformed unit, a unit of another application", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-grant", [APP_SECRET])).toEqual(failure(2, "no relation id specified"));
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "bogus"])).toEqual(failure(2, 'unit "bogus" not valid'));
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "web/0"])).toEqual(
      failure(2, 'cannot specify unit "web/0" in relation to application "pg"'),
    );
    expect(await h.run("secret-grant", [APP_SECRET, "-r", "db:99"])).toEqual(failure(2, 'invalid value "db:99" for option -r: relation not found'));
  });

  test("a secret this unit does not own (exit 1, not found); an app-owned one by a non-leader (exit 1)", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("secret-grant", [PG_SHARED, "-r", "db:2"])).toEqual(failure(1, `secret "${PG_SHARED}" not found`));
    expect(await hook(model, "demo/1").run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(failure(1, "this unit is not the leader"));
  });

  test("granting the application after unit-level grants (exit 1)", async () => {
    const model = demoModel();
    const first = hook(model, "demo/0");
    expect(await first.run("secret-grant", [APP_SECRET, "-r", "db:2", "--unit", "pg/0"])).toEqual(success());
    first.context.commit();
    expect(await hook(model, "demo/0").run("secret-grant", [APP_SECRET, "-r", "db:2"])).toEqual(
      failure(1, "any unit level grants need to be revoked before granting access to the corresponding application"),
    );
  });

  test("revoke by relation, by --app/--application, by --unit; committed at hook end", async () => {
    const model = demoModel();
    model.secrets.get(APP_SECRET)?.grants.set("pg", { relationId: 2 });
    model.secrets.get(UNIT_SECRET)?.grants.set("mysql", { relationId: 10 });
    const h = hook(model, "demo/0");
    expect(await h.run("secret-revoke", [APP_SECRET, "-r", "db:2"])).toEqual(success());
    expect(await h.run("secret-revoke", [UNIT_SECRET, "--application", "mysql"])).toEqual(success());
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(1);
    h.context.commit();
    expect(model.secrets.get(APP_SECRET)?.grants.size).toBe(0);
    expect(model.secrets.get(UNIT_SECRET)?.grants.size).toBe(0);
    expect(await hook(model, "demo/0").run("secret-revoke", [APP_SECRET, "--app", "pg"])).toEqual(success());
  });

  test("revoke usage errors (exit 2); an unknown secret is no error", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-revoke", [APP_SECRET])).toEqual(failure(2, "missing relation or application or unit"));
    expect(await h.run("secret-revoke", [APP_SECRET, "--app", "pg", "--unit", "pg/0"])).toEqual(failure(2, "specify only one of application or unit"));
    expect(await h.run("secret-revoke", [APP_SECRET, "-r", "db:2", "--app", "pg"])).toEqual(failure(2, "do not specify both relation and app"));
    expect(await h.run("secret-revoke", [UNKNOWN_SECRET, "-r", "db:2"])).toEqual(success());
  });
});

describe("§3.6 secret-ids", () => {
  test("the leader: its unit's and the application's secrets, as bare xids, including this hook's", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, ["abc=1"]);
    const ids = JSON.parse(await h.out("secret-ids", ["--format=json"])) as string[];
    expect([...ids].sort()).toEqual([APP_SECRET, UNIT_SECRET, uri.slice(-20)].sort());
    const smart = (await h.out("secret-ids")).split("\n");
    expect(smart.at(-1)).toBe("");
    expect(smart.slice(0, -1).sort()).toEqual([...ids].sort());
  });

  test("a non-leader: only its own unit's secrets", async () => {
    const model = demoModel();
    model.addSecret({ kind: "unit", unit: "demo/1" }, { abc: "1" }, { xid: "cf000000000000000001" });
    expect(await hook(model, "demo/1").run("secret-ids", ["--format=json"])).toEqual(success('["cf000000000000000001"]\n'));
    expect(await hook(demoModel(), "demo/1").run("secret-ids", ["--format=json"])).toEqual(success("[]\n"));
  });
});

describe("§3.6 secret-info-get", () => {
  test("a one-entry map keyed by the bare xid; by URI or by label; yaml by default", async () => {
    const h = hook(demoModel(), "demo/0");
    const expected = { [APP_SECRET]: { revision: 1, label: "db-pass", owner: "application", description: "database password" } };
    expect(await h.json("secret-info-get", [`secret:${APP_SECRET}`])).toEqual(expected);
    expect(await h.json("secret-info-get", ["--label", "db-pass"])).toEqual(expected);
    expect(parseYaml(await h.out("secret-info-get", [APP_SECRET])) as unknown).toEqual(expected);
  });

  test("a unit-owned secret; rotation and expiry when set; pending changes of this hook", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-set", [UNIT_SECRET, "--label", "tok", "--rotate", "monthly", "--expire", "2030-01-01T06:06:06Z", "token=new"])).toEqual(
      success(),
    );
    expect(await h.json("secret-info-get", [UNIT_SECRET])).toMatchObject({
      [UNIT_SECRET]: { revision: 2, label: "tok", owner: "unit", rotation: "monthly", expiry: "2030-01-01T06:06:06Z" },
    });
  });

  test("usage errors (exit 2): both ID and label, neither", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("secret-info-get", [APP_SECRET, "--label", "db-pass"])).toEqual(failure(2, "specify either a secret URI or label but not both"));
    expect(await h.run("secret-info-get")).toEqual(failure(2, "require either a secret URI or label"));
  });

  test("not visible to secret-ids → `secret \"<xid-or-label>\" not found` (exit 1)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("secret-info-get", [`secret:${UNKNOWN_SECRET}`])).toEqual(failure(1, `secret "${UNKNOWN_SECRET}" not found`));
    expect(await h.run("secret-info-get", [PG_SHARED])).toEqual(failure(1, `secret "${PG_SHARED}" not found`));
    expect(await h.run("secret-info-get", ["--label", "nope"])).toEqual(failure(1, 'secret "nope" not found'));
    expect(await hook(model, "demo/1").run("secret-info-get", [APP_SECRET])).toEqual(failure(1, `secret "${APP_SECRET}" not found`));
  });
});

// --- §3.7 unit state ---------------------------------------------------------------------------------

describe("§3.7 state-get, state-set, state-delete", () => {
  test("empty state: json null, smart and yaml nothing", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("state-get", ["--format=json"])).toEqual(success("null\n"));
    expect(await h.run("state-get")).toEqual(success(""));
    expect(await h.run("state-get", ["-", "--format=yaml"])).toEqual(success(""));
  });

  test("state-set is buffered; `key=` stores an empty string; state-get sees the pending writes", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", ["a=1", "b="])).toEqual(success());
    expect(await h.run("state-get", ["--format=json"])).toEqual(success('{"a":"1","b":""}\n'));
    expect(await h.run("state-get", ["-"])).toEqual(success('a: "1"\nb: ""\n'));
    expect(await h.run("state-get", ["b", "--format=json"])).toEqual(success('""\n'));
    expect(await h.run("state-get", ["a"])).toEqual(success("1\n"));
    expect(model.unit("demo/0").state).toEqual({});
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ a: "1", b: "" });
  });

  test("a missing key: empty string, or with --strict `\"k\" not found` (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("state-get", ["zz"])).toEqual(success(""));
    expect(await h.run("state-get", ["zz", "--format=json"])).toEqual(success('""\n'));
    expect(await h.run("state-get", ["--strict", "zz"])).toEqual(failure(1, '"zz" not found'));
  });

  test("state-delete: buffered; a missing key is a no-op", async () => {
    const model = demoModel();
    model.unit("demo/0").state = { a: "1", b: "2" };
    const h = hook(model, "demo/0");
    expect(await h.run("state-delete", ["a"])).toEqual(success());
    expect(await h.run("state-delete", ["never-set"])).toEqual(success());
    expect(await h.run("state-get", ["--format=json"])).toEqual(success('{"b":"2"}\n'));
    expect(model.unit("demo/0").state).toEqual({ a: "1", b: "2" });
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ b: "2" });
  });

  test("--file -: JSON or YAML on stdin; arguments override the file", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", ["--file", "-", "b=arg"], { stdin: '{"a":"json","b":"json"}' })).toEqual(success());
    expect(await h.run("state-set", ["--file=-"], { stdin: "c: yaml\nd: |\n  two\n  lines\n" })).toEqual(success());
    h.context.commit();
    expect(model.unit("demo/0").state).toEqual({ a: "json", b: "arg", c: "yaml", d: "two\nlines\n" });
  });

  test("quotas: key ≤ 256 bytes, value ≤ 65536 bytes (exit 1)", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("state-set", [`${"k".repeat(257)}=v`])).toEqual(failure(1, "max allowed key length (256) exceeded"));
    expect(await h.run("state-set", [`k=${"v".repeat(65537)}`])).toEqual(failure(1, "max allowed value length (65536) exceeded"));
    expect(await h.run("state-set", [`${"k".repeat(256)}=${"v".repeat(65536)}`])).toEqual(success());
    h.context.commit();
    expect(Object.keys(model.unit("demo/0").state)).toEqual(["k".repeat(256)]);
  });

  test("the per-unit total (max-charm-state-size, 2 MiB) is enforced at commit", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    const big: Record<string, string> = {};
    for (let i = 0; i < 33; i++) big[`key-${String(i)}`] = "v".repeat(65_536);
    expect(await h.run("state-set", ["--file", "-"], { stdin: JSON.stringify(big) })).toEqual(success());
    commitRefusal(h.context);
    expect(model.unit("demo/0").state).toEqual({});
  });
});

// --- §3.8 storage ---------------------------------------------------------------------------------------

describe("§3.8 storage-list, storage-get, storage-add", () => {
  test("storage-list: ids attached to the unit, optionally for one storage name", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-list", ["--format=json"])).toEqual(success('["cache/0","data/0","data/1"]\n'));
    expect(await h.run("storage-list", ["data", "--format=json"])).toEqual(success('["data/0","data/1"]\n'));
    expect(await h.run("storage-list", ["data"])).toEqual(success("data/0\ndata/1\n"));
    expect(await h.run("storage-list", ["nosuch", "--format=json"])).toEqual(success("[]\n"));
  });

  test("storage-get -s: kind and location, or one of them", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-get", ["-s", "data/0", "--format=json"])).toEqual(success('{"kind":"filesystem","location":"/srv/data"}\n'));
    expect(await h.run("storage-get", ["-s", "data/0"])).toEqual(success("kind: filesystem\nlocation: /srv/data\n"));
    expect(await h.run("storage-get", ["-s", "data/0", "location"])).toEqual(success("/srv/data\n"));
    expect(await h.run("storage-get", ["-s", "cache/0", "kind", "--format=json"])).toEqual(success('"block"\n'));
  });

  test("storage-get: -s defaults to the storage hook's storage", async () => {
    const h = openHook(demoModel(), "demo/0", { kind: "hook", name: "data-storage-attached", storage: { id: "data/1" } });
    expect(h.env["JUJU_STORAGE_ID"]).toBe("data/1");
    expect(await h.run("storage-get", ["location"])).toEqual(success("/srv/data1\n"));
  });

  test("storage-get errors: no storage (exit 2), a malformed id, an unknown attribute (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-get")).toEqual(failure(2, "no storage instance specified"));
    const bad = await h.run("storage-get", ["-s", "nope"]);
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toMatch(/^ERROR [^\n]*invalid storage ID "nope"\n$/);
    expect(await h.run("storage-get", ["-s", "data/0", "size"])).toEqual(failure(1, 'invalid storage attribute "size"'));
  });

  test("storage-add: buffered requests, count defaults to 1", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("storage-add", ["data", "cache=2"])).toEqual(success());
    expect(model.unit("demo/0").storageRequests).toEqual({});
    h.context.commit();
    expect(model.unit("demo/0").storageRequests).toEqual({ data: 1, cache: 2 });
  });

  test("storage-add errors (exit 2): no directive; anything but a count", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("storage-add")).toEqual(failure(2, "storage add requires a storage directive"));
    expect(await h.run("storage-add", ["data=10G"])).toEqual(failure(2, 'only count can be specified for "data"'));
  });
});

// --- §3.9 other tools --------------------------------------------------------------------------------------

describe("§3.9 resource-get, goal-state, credential-get, juju-reboot", () => {
  test("resource-get prints the path without a trailing newline", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("resource-get", ["software"])).toEqual(success(RESOURCE_PATH));
    expect(await h.run("resource-get")).toEqual(failure(2, "missing required resource name"));
    const missing = await h.run("resource-get", ["nosuch"]);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toMatch(/^ERROR could not download resource: [^\n]*\n$/);
  });

  test("goal-state: yaml by default, json; units and relations with their statuses", async () => {
    const model = demoModel();
    model.app("demo").plannedUnits = 3;
    const h = hook(model, "demo/0");
    const json = (await h.json("goal-state")) as { units: Record<string, { status: string }>; relations: Record<string, Record<string, { status: string }>> };
    expect(parseYaml(await h.out("goal-state")) as unknown).toEqual(json);
    expect(json.units["demo/0"]?.status).toBe("active");
    expect(json.units["demo/1"]?.status).toBe("active");
    expect(Object.values(json.units).map((goal) => goal.status).sort()).toEqual(["active", "active", "allocating"]);
    for (const goal of Object.values(json.units)) expect(["allocating", "active", "waiting", "blocked", "error", "dying"]).toContain(goal.status);
    expect(Object.keys(json.relations).sort()).toEqual(["cluster", "db", "website"]);
    expect(json.relations["db"]?.["pg"]?.status).toBe("joined");
    expect(json.relations["db"]?.["pg/0"]?.status).toBe("joined");
    expect(json.relations["cluster"]?.["demo/1"]?.status).toBe("joined");
    for (const goals of Object.values(json.relations)) {
      for (const goal of Object.values(goals)) expect(["joining", "joined", "broken", "suspended", "error"]).toContain(goal.status);
    }
  });

  test("credential-get: the cloud spec, if the application is trusted; otherwise permission denied (exit 1)", async () => {
    const model = demoModel();
    const spec = (await hook(model, "demo/0").json("credential-get")) as JsonObject;
    expect(spec).toMatchObject({ type: "lxd", name: "localhost", credential: { "auth-type": "certificate", attrs: { "client-cert": "CERT" } } });
    model.app("demo").trusted = false;
    expect(await hook(model, "demo/0").run("credential-get")).toEqual(failure(1, "cannot access cloud credentials: permission denied"));
  });

  test("juju-reboot --now: requested at once", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-reboot", ["--now"])).toEqual(success());
    expect(model.unit("demo/0").rebootRequested).toBe(true);
  });

  test("juju-reboot is buffered until the hook succeeds", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("juju-reboot")).toEqual(success());
    expect(model.unit("demo/0").rebootRequested).toBe(false);
    h.context.commit();
    expect(model.unit("demo/0").rebootRequested).toBe(true);
  });
});

// --- §1.2 buffering, across tools ------------------------------------------------------------------------

describe("§1.2 buffered writes and immediate ones", () => {
  test("a hook that is not committed leaves relation data, state, secrets, ports and storage requests untouched", async () => {
    const model = demoModel();
    const before = committedState(model);
    const h = hook(model, "demo/0");
    for (const [tool, args] of [
      ["relation-set", ["-r", "db:2", "x=1"]],
      ["relation-set", ["-r", "cluster:0", "--app", "x=1"]],
      ["state-set", ["x=1"]],
      ["state-delete", ["x"]],
      ["secret-add", ["abc=1"]],
      ["secret-set", [APP_SECRET, "password=changed"]],
      ["secret-remove", [UNIT_SECRET]],
      ["secret-grant", [APP_SECRET, "-r", "db:2"]],
      ["open-port", ["8443"]],
      ["close-port", ["8443"]],
      ["open-port", ["9443/udp"]],
      ["storage-add", ["data"]],
      ["juju-reboot", []],
    ] as const) {
      expect((await h.run(tool, args)).exitCode, `${tool} ${args.join(" ")}`).toBe(0);
    }
    // Read-your-writes in the hook itself.
    expect(await h.out("state-get", ["x"])).toBe("");
    expect(await h.out("opened-ports")).toBe("9443/udp\n");
    expect(await h.out("secret-get", [APP_SECRET, "password", "--peek"])).toBe("changed\n");
    expect(committedState(model)).toBe(before);
  });

  test("status-set, juju-log, application-version-set and action-log take effect at once", async () => {
    const model = demoModel();
    const { hook: h, run } = actionHook(model, "demo/0", "backup");
    expect(await h.run("status-set", ["blocked", "waiting for db"])).toEqual(success());
    expect(await h.run("juju-log", ["-l", "WARNING", "careful"])).toEqual(success());
    expect(await h.run("application-version-set", ["2.0"])).toEqual(success());
    expect(await h.run("action-log", ["halfway"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "blocked", message: "waiting for db", data: {} });
    expect(model.logs).toEqual([{ unit: "demo/0", level: "WARNING", message: "careful" }]);
    expect(model.app("demo").workloadVersion).toBe("2.0");
    expect(run.logs).toEqual(["halfway"]);
  });
});

// --- where the fake and the reference part ways ------------------------------------------------------------

// Details the first version of the fake missed; each names the section of the reference (or the
// Juju source) it follows.
describe("details of the reference", () => {
  test("§1.8: --help and -h exit 0 with help on stdout", async () => {
    const h = hook(demoModel(), "demo/0");
    for (const flag of ["--help", "-h"]) {
      const result = await h.run("relation-get", [flag]);
      expect({ exitCode: result.exitCode, stderr: result.stderr }, flag).toEqual({ exitCode: 0, stderr: "" });
      expect(result.stdout, flag).not.toBe("");
    }
  });

  test("§1.8: a client with no JUJU_CONTEXT_ID fails with `JUJU_CONTEXT_ID not set` (exit 1)", async () => {
    const result = await hook(demoModel(), "demo/0").run("is-leader", [], { env: { JUJU_CONTEXT_ID: undefined } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^ERROR [^\n]*JUJU_CONTEXT_ID not set\n$/);
  });

  test("§2 (gnuflag, GNU style): a one-letter flag takes its value attached, `-r2`", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-list", ["-rdb:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
  });

  test("§2 yaml (goyaml = yaml.v2, YAML 1.1): strings that look like booleans there (yes, on) are quoted", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "flag", "pg", "--format=yaml"])).toBe('"yes"\n');
    expect(await h.out("relation-get", ["-r", "db:2", "--app", "-", "demo", "--format=yaml"])).toBe('requested: "yes"\n');
  });

  test("§3.1 leader-get: values are cached for the hook context", async () => {
    const model = demoModel();
    const h = hook(model, "demo/1");
    expect(await h.out("leader-get", ["k"])).toBe("v\n");
    model.app("demo").leaderSettings = { k: "changed" };
    expect(await h.out("leader-get", ["k"])).toBe("v\n");
    expect(await hook(model, "demo/1").out("leader-get", ["k"])).toBe("changed\n");
  });

  test("§3.2 relation-list: the units as the context saw them at hook start: a unit entering scope meanwhile is not listed", async () => {
    const model = demoModel();
    model.addUnit("pg", { machine: "6" });
    const h = hook(model, "demo/0");
    expect(await h.out("relation-list", ["-r", "db:2"])).toBe("pg/0\n");
    model.joinRelation(2, "pg/1");
    expect(await h.out("relation-list", ["-r", "db:2"])).toBe("pg/0\n");
    expect(await hook(model, "demo/0").out("relation-list", ["-r", "db:2"])).toBe("pg/0\npg/1\n");
  });

  test("§3.3 config-get: cached per hook context, a change made meanwhile is not seen", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    model.app("demo").config = { greeting: "changed" };
    expect(await h.out("config-get", ["greeting"])).toBe("hi there\n");
    expect(await hook(model, "demo/0").out("config-get", ["greeting"])).toBe("changed\n");
  });

  test("§3.2 relation-get: a non-relation hook with -r and no name has no default to fall back to", async () => {
    // The reference says it falls back to the remote application; Juju's relation-get.go looks at
    // the hook's JUJU_REMOTE_APP only, which a non-relation hook does not have: Juju wins.
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-r", "db:2", "database"])).toEqual(failure(2, "no unit or application specified"));
  });

  test("§3.2 relation-get: without --app a name that is not a valid unit name is `invalid unit name` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-get", ["-r", "db:2", "-", "pg/x"])).toEqual(failure(2, 'invalid unit name "pg/x"'));
  });

  test("§3.3 juju-log: in a relation hook the message is prefixed with `<endpoint>:<id>: `", async () => {
    const model = demoModel();
    expect(await relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0").run("juju-log", ["hello"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "INFO", message: "db:2: hello" });
  });

  test("§3.3 juju-log: an invalid level also logs a warning", async () => {
    const model = demoModel();
    expect(await hook(model, "demo/0").run("juju-log", ["-l", "LOUD", "message"])).toEqual(success());
    expect(model.logs.map((log) => log.level)).toEqual(["WARNING", "INFO"]);
    expect(model.logs.at(-1)?.message).toBe("message");
  });

  test("§3.5 open-port: an unknown endpoint name is refused when the hook commits", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("open-port", ["--endpoints", "nosuch", "8080"])).toEqual(success());
    commitRefusal(h.context);
    expect(model.unit("demo/0").ports).toEqual([]);
  });

  test("§3.5 network-get json: Juju's field order, byte for byte as the reference's example", async () => {
    expect(await hook(demoModel(), "demo/0").run("network-get", ["db", "--format=json"])).toEqual(
      success(
        `{"bind-addresses":[{"mac-address":"${MAC}","interface-name":"eth0",` +
          '"addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],' +
          '"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}\n',
      ),
    );
  });

  test("§3.5 network-get yaml: also the old agents' keys macaddress, interfacename and address", async () => {
    const yaml = parseYaml(await hook(demoModel(), "demo/0").out("network-get", ["db", "--format=yaml"])) as {
      "bind-addresses": { macaddress?: string; interfacename?: string; addresses: { address?: string }[] }[];
    };
    const bind = defined(yaml["bind-addresses"][0], "a bind address");
    expect({ macaddress: bind.macaddress, interfacename: bind.interfacename, address: bind.addresses[0]?.address }).toEqual({
      macaddress: MAC,
      interfacename: "eth0",
      address: "10.0.0.5",
    });
  });

  test("§3.6 secret-add: an argument without `=` is `key value \"x\" not valid` (exit 2)", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-add", ["x"])).toEqual(failure(2, 'key value "x" not valid'));
  });

  test("§3.6 secret-add: a file with no content is `empty secret value not valid` (exit 1)", async () => {
    const h = hook(demoModel(), "demo/0");
    const cwd = scratchDir();
    writeFileSync(join(cwd, "empty.yaml"), "{}\n");
    expect(await h.run("secret-add", ["--file", "empty.yaml"], { cwd })).toEqual(failure(1, "empty secret value not valid"));
  });

  test("§3.6 secret-grant / §2: in a relation hook -r defaults to the hook's relation", async () => {
    const model = demoModel();
    const h = relationHook(model, "demo/0", "db-relation-joined", 2, "pg/0");
    expect(await h.run("secret-grant", [APP_SECRET])).toEqual(success());
    h.context.commit();
    expect([...(model.secrets.get(APP_SECRET)?.grants.keys() ?? [])]).toEqual(["pg"]);
  });

  test("§3.6 secret-info-get: `label` is always present, empty when the secret has none", async () => {
    expect(await hook(demoModel(), "demo/0").json("secret-info-get", [UNIT_SECRET])).toEqual({
      [UNIT_SECRET]: { revision: 1, label: "", owner: "unit" },
    });
  });

  test("§3.6 secret-info-get json: fields in the reference's order (revision, label, owner, description, …)", async () => {
    expect(await hook(demoModel(), "demo/0").run("secret-info-get", [APP_SECRET, "--format=json"])).toEqual(
      success(`{"${APP_SECRET}":{"revision":1,"label":"db-pass","owner":"application","description":"database password"}}\n`),
    );
  });

  test("§3.6 secret-info-get: `access` lists the grants", async () => {
    const model = demoModel();
    model.secrets.get(APP_SECRET)?.grants.set("pg", { relationId: 2 });
    const info = (await hook(model, "demo/0").json("secret-info-get", [APP_SECRET])) as Record<string, { access?: unknown }>;
    expect(info[APP_SECRET]?.access).toEqual([{ target: "application-pg", scope: "relation-2", role: "view" }]);
  });

  test("§3.6 secret-info-get: `expiry` is a time, also when --expire was given as a duration", async () => {
    const h = hook(demoModel(), "demo/0");
    const uri = await addSecret(h, ["--owner", "unit", "--expire", "24h", "abc=1"]);
    const info = (await h.json("secret-info-get", [uri])) as Record<string, { expiry?: string }>;
    const expiry = info[uri.slice(-20)]?.expiry ?? "";
    expect(expiry).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$/);
    expect(Math.abs(Date.parse(expiry) - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
  });

  test("§3.9 credential-get: every key of the cloud spec, identity-endpoint and storage-endpoint included", async () => {
    expect(await hook(demoModel(), "demo/0").json("credential-get")).toEqual({
      type: "lxd",
      name: "localhost",
      region: "default",
      endpoint: "https://10.0.0.1:8443",
      "identity-endpoint": "https://identity.example",
      "storage-endpoint": "https://storage.example",
      credential: { "auth-type": "certificate", attrs: { "client-cert": "CERT" }, redacted: ["client-key"] },
      cacertificates: ["CA-PEM"],
      "skip-tls-verify": false,
      "is-controller-cloud": true,
    });
  });

  test("§3.9 goal-state (not in the reference: Juju's next unit number): a planned unit is named demo/2", async () => {
    const model = demoModel();
    model.app("demo").plannedUnits = 3;
    const goal = (await hook(model, "demo/0").json("goal-state")) as { units: Record<string, { status: string }> };
    expect(Object.keys(goal.units).sort()).toEqual(["demo/0", "demo/1", "demo/2"]);
  });

  test("§3.9 goal-state json: `units` before `relations`, as the reference's example", async () => {
    expect(await hook(demoModel(), "demo/0").out("goal-state", ["--format=json"])).toMatch(/^\{"units":\{/);
  });
});
