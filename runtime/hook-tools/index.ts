// The typed interface to Juju's hook tools, and the one implementation that runs them as processes.
//
// This is the only module of the runtime that spawns anything. Each method builds the argv that ops
// uses in production (see docs/hook-tools.md), runs the tool with `spawnSync` (no shell), and parses
// its `--format=json` output. Relation and state data go on stdin as JSON (`--file -`); secret
// content goes through `key#file=<path>` files in a private temp dir, so neither ever reaches argv.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import {
  HookToolError,
  HookToolUsageError,
  ModelError,
  RelationNotFoundError,
  SecretNotFoundError,
} from "../errors.js";
import type { ConfigValue, JsonObject, JsonValue } from "../meta.js";

export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
export type SettableStatusName = "active" | "blocked" | "maintenance" | "waiting";
export type SecretOwner = "application" | "unit";
export type SecretRotatePolicy = "never" | "hourly" | "daily" | "weekly" | "monthly" | "quarterly" | "yearly";
export type Protocol = "tcp" | "udp" | "icmp";

/** A relation as hook tools name it: `-r <endpoint>:<id>`. */
export interface RelationRef {
  readonly endpoint: string;
  readonly id: number;
}

export interface StatusRecord {
  readonly status: string;
  readonly message: string;
  readonly data: JsonObject;
}

export interface AppStatusRecord extends StatusRecord {
  readonly units: Readonly<Record<string, StatusRecord>>;
}

/** One port or port range (`80/tcp`, `8000-8099/udp`), or ICMP (no port). */
export interface PortRange {
  readonly protocol: Protocol;
  readonly port?: number;
  /** Last port of a range; absent for a single port. */
  readonly toPort?: number;
}

export interface SecretMetadataOptions {
  readonly label?: string;
  readonly description?: string;
  /** RFC 3339 time or Go duration, already validated. */
  readonly expire?: string;
  readonly rotate?: SecretRotatePolicy;
}

export interface SecretAddOptions extends SecretMetadataOptions {
  readonly owner: SecretOwner;
}

export interface SecretSetOptions extends SecretMetadataOptions {
  readonly content?: Readonly<Record<string, string>>;
}

export interface SecretGetOptions {
  readonly id?: string;
  readonly label?: string;
  readonly refresh?: boolean;
  readonly peek?: boolean;
}

/** `secret-info-get` output for one secret. `id` is the bare xid Juju prints. */
export interface SecretInfoRecord {
  readonly id: string;
  readonly revision: number;
  readonly label?: string;
  readonly owner: SecretOwner;
  readonly description?: string;
  readonly rotation?: SecretRotatePolicy;
  readonly expiry?: string;
  readonly rotates?: string;
}

export interface NetworkRecord {
  readonly bindAddresses: readonly {
    readonly macAddress: string;
    readonly interfaceName: string;
    readonly addresses: readonly { readonly hostname: string; readonly value: string; readonly cidr: string }[];
  }[];
  readonly egressSubnets: readonly string[];
  readonly ingressAddresses: readonly string[];
}

export interface GoalStateRecord {
  readonly units: Readonly<Record<string, { readonly status: string; readonly since?: string }>>;
  readonly relations: Readonly<Record<string, Readonly<Record<string, { readonly status: string; readonly since?: string }>>>>;
}

export interface CloudSpecRecord {
  readonly type: string;
  readonly name: string;
  readonly region?: string;
  readonly endpoint?: string;
  readonly identityEndpoint?: string;
  readonly storageEndpoint?: string;
  readonly credential?: {
    readonly authType: string;
    readonly attributes: Readonly<Record<string, string>>;
    readonly redacted: readonly string[];
  };
  readonly caCertificates: readonly string[];
  readonly skipTlsVerify: boolean;
  readonly isControllerCloud: boolean;
}

export interface StorageRecord {
  readonly kind: "block" | "filesystem";
  readonly location: string;
}

/**
 * One method per hook tool. The runtime's model layer is written against this interface only;
 * `ProcessHookTools` runs the real tools, and the test kit implements it in memory.
 */
export interface HookTools {
  isLeader(): boolean;
  configGet(): Record<string, ConfigValue>;

  relationIds(endpoint: string): number[];
  relationList(relation: RelationRef): string[];
  relationRemoteApp(relation: RelationRef): string | undefined;
  relationGet(relation: RelationRef, target: string, app: boolean): Record<string, string>;
  relationSet(relation: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void;
  relationModelGet(relation: RelationRef): { readonly uuid: string };

  statusGet(): StatusRecord;
  statusGetApplication(): AppStatusRecord;
  statusSet(status: SettableStatusName, message: string, app: boolean): void;
  applicationVersionSet(version: string): void;
  jujuLog(level: LogLevel, message: string): void;

  actionGet(): JsonObject;
  actionSet(results: Readonly<Record<string, string>>): void;
  actionFail(message: string): void;
  actionLog(message: string): void;

  openPort(port: PortRange, endpoints?: readonly string[]): void;
  closePort(port: PortRange, endpoints?: readonly string[]): void;
  openedPorts(): PortRange[];
  networkGet(binding: string, relationId?: number): NetworkRecord;

  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string;
  secretGet(options: SecretGetOptions): Record<string, string>;
  secretSet(id: string, options: SecretSetOptions): void;
  secretRemove(id: string, revision?: number): void;
  secretGrant(id: string, relationId: number, unit?: string): void;
  secretRevoke(id: string, relationId: number, unit?: string): void;
  secretIds(): string[];
  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord;

  stateGet(): Record<string, string>;
  stateSet(data: Readonly<Record<string, string>>): void;
  stateDelete(key: string): void;

  storageList(name?: string): string[];
  storageGet(id: string): StorageRecord;
  storageAdd(name: string, count: number): void;

  resourceGet(name: string): string;
  goalState(): GoalStateRecord;
  credentialGet(): CloudSpecRecord;
  jujuReboot(now: boolean): void;
}

export interface ToolResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs one hook tool to completion. The production runner spawns it; tests may record instead. */
export type ToolRunner = (tool: string, args: readonly string[], stdin?: string) => ToolResult;

/**
 * Runs `tool` found on PATH, without a shell, waiting for it to exit: the production runner.
 *
 * Loading `node:child_process` would cost every hook about 4.5 ms (it pulls in node:net and
 * node:stream), as much as a tool call. Its spawnSync is a thin layer over Node's `spawn_sync`
 * binding, which `process.binding` still exposes, so this calls the binding directly
 * (docs/performance.md). The binding is internal: it is used only where it exists and can be
 * reached, otherwise `spawnChild` does the same through `node:child_process`. `tscharm build` pins
 * the Node every charm runs on, and the black-box tests run the built executable.
 */
export const spawnTool: ToolRunner = (tool, args, stdin) => {
  const binding = spawnSyncBinding();
  if (binding === undefined) return spawnChild(tool, args, stdin);
  const envPairs: string[] = [];
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) envPairs.push(`${key}=${value}`);
  const result = binding.spawn({
    file: tool,
    args: [tool, ...args],
    envPairs,
    stdio: [
      { type: "pipe", readable: true, writable: false, input: Buffer.from(stdin ?? "") },
      { type: "pipe", readable: false, writable: true },
      { type: "pipe", readable: false, writable: true },
    ],
    maxBuffer: MAX_OUTPUT,
    killSignal: undefined,
    detached: false,
    windowsHide: false,
    windowsVerbatimArguments: false,
  });
  if (typeof result.error === "number") {
    const code = errnoName(result.error);
    return failedToRun(tool, code, `spawnSync ${tool} ${code}`);
  }
  const stdout = result.output?.[1]?.toString("utf8") ?? "";
  const stderr = result.output?.[2]?.toString("utf8") ?? "";
  if (typeof result.signal === "string") return { exitCode: 128, stdout, stderr: `${stderr}killed by ${result.signal}` };
  return { exitCode: result.status ?? 1, stdout, stderr };
};

/** The same through `node:child_process`, loaded on the first call. */
export const spawnChild: ToolRunner = (tool, args, stdin) => {
  const result = process.getBuiltinModule("node:child_process").spawnSync(tool, args, {
    input: stdin ?? "",
    encoding: "utf8",
    maxBuffer: MAX_OUTPUT,
  });
  if (result.error) {
    return failedToRun(tool, (result.error as NodeJS.ErrnoException).code, result.error.message);
  }
  if (result.signal) {
    return { exitCode: 128, stdout: result.stdout, stderr: `${result.stderr}killed by ${result.signal}` };
  }
  return { exitCode: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
};

/**
 * A charm-supplied value that goes on a tool's command line as an operand (not after `--`, not as
 * a flag's value): refused if the tool could read it as a flag.
 */
function operand(tool: string, what: string, value: string): string {
  if (value.startsWith("-")) throw new ModelError(`${tool}: ${what} "${value}" would be read as a flag`);
  return value;
}

/** The most a tool may print; Juju's own limits are far below it. */
const MAX_OUTPUT = 1024 * 1024 * 1024;

function failedToRun(tool: string, code: string | undefined, message: string): never {
  if (code === "ENOENT") {
    throw new ModelError(`hook tool "${tool}" is not on PATH: Juju provides it only while it runs a hook`);
  }
  throw new ModelError(`could not run hook tool "${tool}": ${message}`);
}

/** The name of a (negative) errno the binding returns, such as "ENOENT"; node:util only on failure. */
function errnoName(errno: number): string {
  try {
    return process.getBuiltinModule("node:util").getSystemErrorName(errno);
  } catch {
    return `errno ${String(errno)}`;
  }
}

interface SpawnSyncBinding {
  spawn(options: {
    file: string;
    args: string[];
    envPairs: string[];
    stdio: readonly ({ type: "pipe"; readable: boolean; writable: boolean; input?: Buffer })[];
    maxBuffer: number;
    killSignal: undefined;
    detached: boolean;
    windowsHide: boolean;
    windowsVerbatimArguments: boolean;
  }): { status?: number | null; signal?: string | null; output?: readonly (Buffer | null)[] | null; error?: number };
}

/** Looked up once per process: the binding, null where there is none, undefined until looked up. */
let cachedBinding: SpawnSyncBinding | null | undefined;

/** Node's spawn_sync binding, or undefined where it is missing or not what spawnTool expects. */
export function spawnSyncBinding(): SpawnSyncBinding | undefined {
  if (cachedBinding === undefined) {
    cachedBinding = null;
    try {
      const legacy = (process as unknown as { binding?: (name: string) => unknown }).binding;
      const candidate = legacy?.call(process, "spawn_sync") as { spawn?: unknown } | undefined;
      if (typeof candidate?.spawn === "function") cachedBinding = candidate as SpawnSyncBinding;
    } catch {
      // A Node without it, or one that refuses (the permission model): child_process it is.
    }
  }
  return cachedBinding ?? undefined;
}

/** The production `HookTools`: every call is one process. */
export class ProcessHookTools implements HookTools {
  constructor(private readonly runner: ToolRunner = spawnTool) {}

  isLeader(): boolean {
    return expectBoolean("is-leader", this.json("is-leader", ["--format=json"]));
  }

  configGet(): Record<string, ConfigValue> {
    const raw = expectObject("config-get", this.json("config-get", ["--format=json"]));
    const config: Record<string, ConfigValue> = {};
    for (const [key, value] of Object.entries(raw)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") config[key] = value;
      else if (value !== null) throw malformed("config-get", `option "${key}" is not a string, number or boolean`);
    }
    return config;
  }

  relationIds(endpoint: string): number[] {
    const ids = expectStringArray("relation-ids", this.json("relation-ids", [endpoint, "--format=json"]));
    return ids.map((id) => {
      const match = /:(\d+)$/.exec(id) ?? /^(\d+)$/.exec(id);
      if (!match) throw malformed("relation-ids", `"${id}" is not a relation id`);
      return Number(match[1]);
    });
  }

  relationList(relation: RelationRef): string[] {
    return expectStringArray("relation-list", this.json("relation-list", ["--format=json", "-r", ref(relation)]));
  }

  relationRemoteApp(relation: RelationRef): string | undefined {
    const app = this.json("relation-list", ["--format=json", "--app", "-r", ref(relation)]);
    if (app === null || app === "") return undefined;
    if (typeof app !== "string") throw malformed("relation-list", "expected the remote application name");
    return app;
  }

  relationGet(relation: RelationRef, target: string, app: boolean): Record<string, string> {
    const args = ["--format=json", "-r", ref(relation), ...(app ? ["--app"] : []), "-", target];
    const data = this.json("relation-get", args);
    return data === null ? {} : expectStringRecord("relation-get", data);
  }

  relationSet(relation: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
    const args = ["-r", ref(relation), ...(app ? ["--app"] : []), "--file", "-"];
    this.run("relation-set", args, JSON.stringify(data));
  }

  relationModelGet(relation: RelationRef): { readonly uuid: string } {
    const raw = expectObject("relation-model-get", this.json("relation-model-get", ["--format=json", "-r", ref(relation)]));
    if (typeof raw["uuid"] !== "string") throw malformed("relation-model-get", "expected a uuid");
    return { uuid: raw["uuid"] };
  }

  statusGet(): StatusRecord {
    const raw = this.json("status-get", ["--include-data", "--format=json", "--application=false"]);
    return toStatusRecord("status-get", raw);
  }

  statusGetApplication(): AppStatusRecord {
    const raw = expectObject("status-get", this.json("status-get", ["--include-data", "--format=json", "--application=true"]));
    const app = expectObject("status-get", raw["application-status"] ?? null);
    const units: Record<string, StatusRecord> = {};
    for (const [unit, value] of Object.entries(expectObject("status-get", app["units"] ?? {}))) {
      units[unit] = toStatusRecord("status-get", value);
    }
    return { ...toStatusRecord("status-get", app), units };
  }

  statusSet(status: SettableStatusName, message: string, app: boolean): void {
    this.run("status-set", [`--application=${app ? "True" : "False"}`, status, "--", message]);
  }

  applicationVersionSet(version: string): void {
    this.run("application-version-set", ["--", version]);
  }

  jujuLog(level: LogLevel, message: string): void {
    this.run("juju-log", ["--log-level", level, "--", message]);
  }

  actionGet(): JsonObject {
    return expectObject("action-get", this.json("action-get", ["--format=json"]));
  }

  actionSet(results: Readonly<Record<string, string>>): void {
    this.run("action-set", Object.entries(results).map(([key, value]) => `${key}=${value}`));
  }

  actionFail(message: string): void {
    this.run("action-fail", ["--", message]);
  }

  actionLog(message: string): void {
    this.run("action-log", ["--", message]);
  }

  openPort(port: PortRange, endpoints?: readonly string[]): void {
    this.run("open-port", [...endpointsFlag(endpoints), formatPort(port)]);
  }

  closePort(port: PortRange, endpoints?: readonly string[]): void {
    this.run("close-port", [...endpointsFlag(endpoints), formatPort(port)]);
  }

  openedPorts(): PortRange[] {
    return expectStringArray("opened-ports", this.json("opened-ports", ["--format=json"])).map((text) => {
      const port = parsePort(text);
      if (!port) throw malformed("opened-ports", `"${text}" is not a port`);
      return port;
    });
  }

  networkGet(binding: string, relationId?: number): NetworkRecord {
    const args = ["--format=json", ...(relationId === undefined ? [] : ["-r", String(relationId)]), operand("network-get", "binding", binding)];
    return toNetworkRecord(expectObject("network-get", this.json("network-get", args)));
  }

  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string {
    return withSecretFiles(content, (files) => {
      const args = [...secretMetadataFlags(options), "--owner", options.owner, ...files];
      const uri = this.run("secret-add", args).trim();
      // `secret:<xid>` or `secret://<model-uuid>/<xid>`, the xid 20 characters of [0-9a-v].
      if (!/^secret:(\/\/[0-9a-f-]+\/)?[0-9a-v]{20}$/.test(uri)) throw malformed("secret-add", "expected the new secret's URI");
      return uri;
    });
  }

  secretGet(options: SecretGetOptions): Record<string, string> {
    const args = ["--format=json"];
    if (options.id !== undefined) args.push(options.id);
    if (options.label !== undefined) args.push("--label", options.label);
    if (options.refresh) args.push("--refresh");
    if (options.peek) args.push("--peek");
    return expectStringRecord("secret-get", this.json("secret-get", args));
  }

  secretSet(id: string, options: SecretSetOptions): void {
    const run = (files: string[]): void => {
      this.run("secret-set", [...secretMetadataFlags(options), "--owner", "application", id, ...files]);
    };
    if (options.content === undefined) run([]);
    else withSecretFiles(options.content, run);
  }

  secretRemove(id: string, revision?: number): void {
    this.run("secret-remove", [id, ...(revision === undefined ? [] : ["--revision", String(revision)])]);
  }

  secretGrant(id: string, relationId: number, unit?: string): void {
    this.run("secret-grant", ["--relation", String(relationId), ...(unit === undefined ? [] : ["--unit", unit]), id]);
  }

  secretRevoke(id: string, relationId: number, unit?: string): void {
    this.run("secret-revoke", ["--relation", String(relationId), ...(unit === undefined ? [] : ["--unit", unit]), id]);
  }

  secretIds(): string[] {
    return expectStringArray("secret-ids", this.json("secret-ids", ["--format=json"]));
  }

  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord {
    const args = ["--format=json", ...("id" in query ? [query.id] : ["--label", query.label])];
    const raw = expectObject("secret-info-get", this.json("secret-info-get", args));
    const entries = Object.entries(raw);
    if (entries.length !== 1) throw malformed("secret-info-get", "expected exactly one secret");
    const [id, value] = entries[0] as [string, JsonValue];
    return toSecretInfoRecord(id, expectObject("secret-info-get", value));
  }

  stateGet(): Record<string, string> {
    const data = this.json("state-get", ["--format=json"]);
    return data === null ? {} : expectStringRecord("state-get", data);
  }

  stateSet(data: Readonly<Record<string, string>>): void {
    this.run("state-set", ["--file", "-"], JSON.stringify(data));
  }

  stateDelete(key: string): void {
    this.run("state-delete", [key]);
  }

  storageList(name?: string): string[] {
    return expectStringArray("storage-list", this.json("storage-list", ["--format=json", ...(name === undefined ? [] : [name])]));
  }

  storageGet(id: string): StorageRecord {
    const raw = expectObject("storage-get", this.json("storage-get", ["--format=json", "-s", id]));
    const { kind, location } = raw;
    if ((kind !== "block" && kind !== "filesystem") || typeof location !== "string") {
      throw malformed("storage-get", "expected kind and location");
    }
    return { kind, location };
  }

  storageAdd(name: string, count: number): void {
    this.run("storage-add", [`${name}=${count}`]);
  }

  resourceGet(name: string): string {
    const path = this.run("resource-get", [operand("resource-get", "resource name", name)]).trim();
    if (path === "") throw malformed("resource-get", "expected the path of the resource's file");
    return path;
  }

  goalState(): GoalStateRecord {
    const raw = expectObject("goal-state", this.json("goal-state", ["--format=json"]));
    const units = raw["units"] ?? {};
    const relations = raw["relations"] ?? {};
    return {
      units: expectObject("goal-state", units) as GoalStateRecord["units"],
      relations: expectObject("goal-state", relations) as GoalStateRecord["relations"],
    };
  }

  credentialGet(): CloudSpecRecord {
    return toCloudSpecRecord(expectObject("credential-get", this.json("credential-get", ["--format=json"])));
  }

  jujuReboot(now: boolean): void {
    this.run("juju-reboot", now ? ["--now"] : []);
  }

  /** Runs a tool and returns its stdout, or throws the typed error for its failure. */
  private run(tool: string, args: readonly string[], stdin?: string): string {
    const result = this.runner(tool, args, stdin);
    if (result.exitCode !== 0) throw toolError(tool, result.exitCode, result.stderr);
    return result.stdout;
  }

  private json(tool: string, args: readonly string[]): JsonValue {
    const stdout = this.run(tool, args);
    try {
      return JSON.parse(stdout) as JsonValue;
    } catch {
      // The output is not echoed: it may be secret content or relation data.
      throw malformed(tool, `expected JSON, got ${stdout.length} bytes that do not parse`);
    }
  }
}

/**
 * Maps a failed tool to the error class a charm can catch, as ops does. The test kit's engine
 * uses it too, so a refusal reaches the charm as the same error in tests as in production.
 */
export function toolError(tool: string, exitCode: number, stderr: string): HookToolError {
  // ops maps this only for relation-* and network-get; secret-grant/-revoke name a relation too,
  // and a missing relation is not a missing secret.
  if (stderr.includes("relation not found")) return new RelationNotFoundError(tool, exitCode, stderr);
  if (tool.startsWith("secret-") && stderr.includes("not found")) {
    return new SecretNotFoundError(tool, exitCode, stderr);
  }
  if (exitCode === 2) return new HookToolUsageError(tool, exitCode, stderr);
  return new HookToolError(tool, exitCode, stderr);
}

/** Writes each value to a 0600 file in a fresh 0700 directory, passes `key#file=<path>` args, then removes it all. */
function withSecretFiles<T>(content: Readonly<Record<string, string>>, use: (files: string[]) => T): T {
  // node:os is loaded here, not at start-up: only hooks that write secret content need it.
  const dir = mkdtempSync(join(process.getBuiltinModule("node:os").tmpdir(), "tscharm-secret-"));
  try {
    const files = Object.entries(content).map(([key, value]) => {
      const path = join(dir, key);
      writeFileSync(path, value, { mode: 0o600, flag: "wx" });
      return `${key}#file=${path}`;
    });
    return use(files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function secretMetadataFlags(options: SecretMetadataOptions): string[] {
  const args: string[] = [];
  if (options.label !== undefined) args.push("--label", options.label);
  if (options.description !== undefined) args.push("--description", options.description);
  if (options.expire !== undefined) args.push("--expire", options.expire);
  if (options.rotate !== undefined) args.push("--rotate", options.rotate);
  return args;
}

function ref(relation: RelationRef): string {
  return `${relation.endpoint}:${relation.id}`;
}

function endpointsFlag(endpoints: readonly string[] | undefined): string[] {
  return endpoints === undefined || endpoints.length === 0 ? [] : ["--endpoints", endpoints.join(",")];
}

/** `80/tcp`, `8000-8099/udp`, `icmp`. */
export function formatPort(port: PortRange): string {
  if (port.protocol === "icmp") return "icmp";
  const range = port.toPort === undefined || port.toPort === port.port ? `${port.port}` : `${port.port}-${port.toPort}`;
  return `${range}/${port.protocol}`;
}

/** Parses `opened-ports` items (`80/tcp`, `8000-8099/udp`, `icmp`, optionally followed by ` (endpoints)`). */
export function parsePort(text: string): PortRange | undefined {
  const bare = text.replace(/\s+\(.*\)$/, "");
  if (bare === "icmp") return { protocol: "icmp" };
  const match = /^(\d+)(?:-(\d+))?\/(tcp|udp)$/.exec(bare);
  if (!match) return undefined;
  const port = Number(match[1]);
  return match[2] === undefined
    ? { protocol: match[3] as Protocol, port }
    : { protocol: match[3] as Protocol, port, toPort: Number(match[2]) };
}

function malformed(tool: string, why: string): ModelError {
  return new ModelError(`${tool} printed malformed output: ${why}`);
}

function expectObject(tool: string, value: JsonValue): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(tool, "expected a JSON object");
  return value;
}

function expectBoolean(tool: string, value: JsonValue): boolean {
  if (typeof value !== "boolean") throw malformed(tool, "expected true or false");
  return value;
}

function expectStringArray(tool: string, value: JsonValue): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw malformed(tool, "expected a JSON list of strings");
  }
  return value;
}

function expectStringRecord(tool: string, value: JsonValue): Record<string, string> {
  const object = expectObject(tool, value);
  for (const item of Object.values(object)) {
    if (typeof item !== "string") throw malformed(tool, "expected a JSON object of strings");
  }
  return object as Record<string, string>;
}

function optionalString(tool: string, object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw malformed(tool, `"${key}" is not a string`);
  return value;
}

function toStatusRecord(tool: string, value: JsonValue): StatusRecord {
  const object = expectObject(tool, value);
  const status = optionalString(tool, object, "status");
  if (status === undefined) throw malformed(tool, "expected a status");
  const data = object["status-data"];
  return {
    status,
    message: optionalString(tool, object, "message") ?? "",
    data: data === undefined || data === null ? {} : expectObject(tool, data),
  };
}

function toSecretInfoRecord(id: string, object: JsonObject): SecretInfoRecord {
  const tool = "secret-info-get";
  const { revision, owner } = object;
  if (typeof revision !== "number" || (owner !== "application" && owner !== "unit")) {
    throw malformed(tool, "expected revision and owner");
  }
  const label = optionalString(tool, object, "label");
  const description = optionalString(tool, object, "description");
  const rotation = optionalString(tool, object, "rotation") as SecretRotatePolicy | undefined;
  const expiry = optionalString(tool, object, "expiry");
  const rotates = optionalString(tool, object, "rotates");
  return {
    id,
    revision,
    owner,
    ...(label === undefined ? {} : { label }),
    ...(description === undefined ? {} : { description }),
    ...(rotation === undefined ? {} : { rotation }),
    ...(expiry === undefined ? {} : { expiry }),
    ...(rotates === undefined ? {} : { rotates }),
  };
}

function toNetworkRecord(object: JsonObject): NetworkRecord {
  const tool = "network-get";
  const list = (key: string): JsonValue[] => {
    const value = object[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw malformed(tool, `"${key}" is not a list`);
    return value;
  };
  return {
    bindAddresses: list("bind-addresses").map((item) => {
      const entry = expectObject(tool, item);
      const addresses = entry["addresses"];
      return {
        macAddress: optionalString(tool, entry, "mac-address") ?? "",
        interfaceName: optionalString(tool, entry, "interface-name") ?? "",
        addresses: (Array.isArray(addresses) ? addresses : []).map((address) => {
          const a = expectObject(tool, address);
          return {
            hostname: optionalString(tool, a, "hostname") ?? "",
            value: optionalString(tool, a, "value") ?? "",
            cidr: optionalString(tool, a, "cidr") ?? "",
          };
        }),
      };
    }),
    egressSubnets: expectStringArray(tool, list("egress-subnets")),
    ingressAddresses: expectStringArray(tool, list("ingress-addresses")),
  };
}

function toCloudSpecRecord(object: JsonObject): CloudSpecRecord {
  const tool = "credential-get";
  const type = optionalString(tool, object, "type");
  const name = optionalString(tool, object, "name");
  if (type === undefined || name === undefined) throw malformed(tool, "expected type and name");
  const optional = (key: string, as: string): Record<string, string> => {
    const value = optionalString(tool, object, key);
    return value === undefined ? {} : { [as]: value };
  };
  const credentialRaw = object["credential"];
  let credential: CloudSpecRecord["credential"];
  if (credentialRaw !== undefined && credentialRaw !== null) {
    const c = expectObject(tool, credentialRaw);
    credential = {
      authType: optionalString(tool, c, "auth-type") ?? "",
      attributes: c["attrs"] === undefined || c["attrs"] === null ? {} : expectStringRecord(tool, c["attrs"]),
      redacted: expectStringArray(tool, c["redacted"] ?? null),
    };
  }
  return {
    type,
    name,
    ...optional("region", "region"),
    ...optional("endpoint", "endpoint"),
    ...optional("identity-endpoint", "identityEndpoint"),
    ...optional("storage-endpoint", "storageEndpoint"),
    ...(credential === undefined ? {} : { credential }),
    caCertificates: expectStringArray(tool, object["cacertificates"] ?? null),
    skipTlsVerify: object["skip-tls-verify"] === true,
    isControllerCloud: object["is-controller-cloud"] === true,
  };
}
