// The fake hook tools' test harness: one ToolServer per test file, hooks of a fixture model whose
// tools run as real processes (the bash client on PATH, over the loopback server, into the engine),
// and what a tool call is expected to print.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, expect } from "vitest";

import type { CharmMeta, JsonObject } from "../../runtime/meta.js";
import type { ToolDefaults } from "../../fake-tools/handler.js";
import { type ActionRun, HookContext } from "../../engine/hook-context.js";
import { hookEnvironment } from "../../engine/hook-env.js";
import { type DispatchInfo, hookInfo } from "../../engine/hook-info.js";
import { JujuModel } from "../../engine/model.js";
import { type ToolCall, ToolServer } from "../../fake-tools/server.js";
import { defined } from "../support/engine.js";

let root = "";
/** The test file's server; set by serveTools() before its tests run. */
export let server: ToolServer;

/** Starts a ToolServer (tools in a fresh directory) for the calling test file, and stops it after. */
export function serveTools(): void {
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "tscharm-fake-tools-"));
    server = await ToolServer.start(join(root, "bin"));
  });

  afterAll(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });
}

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** What the tool gets on stdin (read by the client only for `--file -`). */
  readonly stdin?: string;
  /** The working directory; default: the hook's charm directory. */
  readonly cwd?: string;
  /** Changes to the hook's environment; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Runs one fake tool as a process, found on PATH, with the hook's environment. */
export function runProcess(
  tool: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string,
  stdin = "",
): Promise<ToolResult> {
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
export class Hook {
  readonly calls: ToolCall[];

  constructor(
    readonly model: JujuModel,
    readonly context: HookContext,
    /** The environment Juju gives the hook (juju/juju worker/uniter/runner/context/context.go, HookVars), pointed at the test's server. */
    readonly env: Readonly<Record<string, string>>,
    readonly charmDir: string,
  ) {
    const toolEnv: ToolDefaults = {
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

export function openHook(model: JujuModel, unit: string, event: DispatchInfo, action?: ActionRun): Hook {
  const charmDir = mkdtempSync(join(root, "charm-"));
  const env = {
    ...hookEnvironment(model, unit, event, charmDir),
    ...server.environment(),
    PATH: `${server.binDir}:/usr/bin:/bin`,
  };
  return new Hook(model, new HookContext(model, unit, action), env, charmDir);
}

/** An update-status hook of `unit`: no relation, storage or action. */
export function hook(model: JujuModel, unit: string): Hook {
  return openHook(model, unit, hookInfo("update-status"));
}

/** A relation hook, e.g. `relationHook(model, "demo/0", "db-relation-changed", 2, "pg/0")`. */
export function relationHook(model: JujuModel, unit: string, name: string, relationId: number, remoteUnit?: string): Hook {
  return openHook(model, unit, hookInfo(name, { relationId, remoteUnit }));
}

export function actionHook(model: JujuModel, unit: string, name: string, given: JsonObject = {}): { hook: Hook; run: ActionRun } {
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
export function failure(exitCode: 1 | 2, message: string): ToolResult {
  return { exitCode, stdout: "", stderr: `ERROR ${message}\n` };
}

/** A successful call that printed `stdout` and nothing on stderr. */
export function success(stdout = ""): ToolResult {
  return { exitCode: 0, stdout, stderr: "" };
}

/** The model as the controller holds it, but for its counter of fresh secret ids. */
export function committedState(model: JujuModel): string {
  const json = model.toJSON() as Record<string, unknown>;
  Reflect.deleteProperty(json, "nextSecret");
  return JSON.stringify(json);
}

export function scratchDir(): string {
  return mkdtempSync(join(root, "cwd-"));
}

// --- the model --------------------------------------------------------------------------------

export const DEMO_META: CharmMeta = {
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

export const PG_META: CharmMeta = {
  name: "postgresql",
  relations: { database: { role: "provides", interface: "postgresql" } },
  storage: {},
  config: {},
  actions: {},
};

export const APP_SECRET = "ca000000000000000001";
export const UNIT_SECRET = "cb000000000000000001";
export const PG_SHARED = "cc000000000000000001";
export const PG_PRIVATE = "cd000000000000000001";
export const UNKNOWN_SECRET = "ce000000000000000001";

export const MAC = "00:16:3e:aa:bb:cc";
export const RESOURCE_PATH = "/var/lib/juju/agents/unit-demo-0/resources/software/software.zip";

/**
 * App `demo` (demo/0 the leader on machine 0, demo/1 on machine 1) with:
 * peer relation cluster:0; db:2 to `pg` (pg/0 leader); db:10 to `mysql`; website:3 to `web`
 * (no remote unit in scope). `other/0` shares machine 0 and has 79-81/tcp open. `stranger` is
 * related to nothing. demo/0 has storage data/0, data/1 (filesystem) and cache/0 (block), a
 * network for `db` (the network-get example of Juju's documentation) and one for `website` with no ingress address.
 * Secrets: APP_SECRET (demo's, label db-pass), UNIT_SECRET (demo/0's), PG_SHARED (pg's, granted to
 * demo over db:2), PG_PRIVATE (pg's, not granted).
 */
export function demoModel(): JujuModel {
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

  model.addSecret(
    { kind: "application", app: "demo" },
    { password: "s3cret" },
    { xid: APP_SECRET, label: "db-pass", description: "database password" },
  );
  model.addSecret({ kind: "unit", unit: "demo/0" }, { token: "t0k3n", pin: "12345" }, { xid: UNIT_SECRET });
  model
    .addSecret({ kind: "application", app: "pg" }, { password: "pg-pass" }, { xid: PG_SHARED, label: "pg-owner-label" })
    .grants.set("demo", { relationId: 2 });
  model.addSecret({ kind: "application", app: "pg" }, { password: "hidden" }, { xid: PG_PRIVATE });
  return model;
}

export const UUID = new JujuModel().uuid;

export const SECRET_URI = new RegExp(`^secret://${UUID}/([0-9a-v]{20})\n$`);

/** Runs secret-add and returns the URI it printed (checked against the 3.x form). */
export async function addSecret(h: Hook, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const stdout = await h.out("secret-add", args, options);
  expect(stdout).toMatch(SECRET_URI);
  return stdout.trim();
}
