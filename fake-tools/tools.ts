// The hook tools as command lines: argv in Juju's grammar → the engine's hook context → what the
// real tool prints, with its exit code (reference juju-hook-tools.md §2–3). The fake executables
// (client.sh, via server.ts) and `tscharm run` front the engine through this one function.

import { readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";

import { parse as parseYaml } from "yaml";

import { HookToolError } from "../runtime/errors.js";
import type { PortRange, Protocol, RelationRef, SecretRotatePolicy } from "../runtime/hook-tools/index.js";
import { formatPort, parsePort } from "../runtime/hook-tools/index.js";
import type { JsonObject, JsonValue } from "../runtime/meta.js";
import type { HookContext } from "../engine/hook-context.js";
import { type FlagSpec, type ParsedArgs, UsageError, boolFlag, noMoreArgs, parseFlags, parseKeyValues, stringFlag } from "./flags.js";
import { type Format, formatOutput, struct } from "./formats.js";

/** What the hook's environment says, for tools whose flags default to it. */
export interface HookEnvironment {
  /** JUJU_RELATION_ID, e.g. `db:7`. */
  readonly relationId?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly storageId?: string;
}

export interface ToolOutput {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Every hook tool name of reference §3 the simulator puts on PATH. */
export const TOOL_NAMES = [
  "is-leader",
  "leader-get",
  "leader-set",
  "relation-ids",
  "relation-list",
  "relation-get",
  "relation-set",
  "relation-model-get",
  "config-get",
  "status-get",
  "status-set",
  "juju-log",
  "application-version-set",
  "unit-get",
  "action-get",
  "action-set",
  "action-fail",
  "action-log",
  "open-port",
  "close-port",
  "opened-ports",
  "network-get",
  "secret-add",
  "secret-get",
  "secret-set",
  "secret-remove",
  "secret-grant",
  "secret-revoke",
  "secret-ids",
  "secret-info-get",
  "state-get",
  "state-set",
  "state-delete",
  "storage-list",
  "storage-get",
  "storage-add",
  "resource-get",
  "goal-state",
  "credential-get",
  "juju-reboot",
  "payload-register",
  "payload-unregister",
  "payload-status-set",
  "add-metric",
] as const;

const FORMAT: FlagSpec = { names: ["format"], kind: "string" };
const OUTPUT: FlagSpec = { names: ["o", "output"], kind: "string" };
const RELATION: FlagSpec = { names: ["r", "relation"], kind: "string" };
const DEPRECATED_FORMAT = new Set(["juju-log", "relation-set", "open-port", "close-port"]);
/** Juju's application and unit name syntax (juju/names). */
const APP_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*$/;
const UNIT_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]*[a-z][a-z0-9]*)*\/[0-9]+$/;
const ROTATE: readonly string[] = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"];

interface Invocation {
  readonly context: HookContext;
  readonly env: HookEnvironment;
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin: Buffer | undefined;
  readonly cwd: string;
}

/** Something a tool prints: a value to format, or text as it is. */
type Printed = { readonly value: JsonValue | undefined } | { readonly text: string } | undefined;

/** Runs one hook tool and returns what the real one would print and exit with. */
export function runTool(
  context: HookContext,
  env: HookEnvironment,
  tool: string,
  args: readonly string[],
  stdin: Buffer | undefined,
  cwd: string,
): ToolOutput {
  const invocation: Invocation = { context, env, tool, args, stdin, cwd };
  let warning = "";
  try {
    const handler = HANDLERS[tool];
    if (handler === undefined) return failure(1, `unknown command "${tool}"`);
    const ended = args.indexOf("--");
    if ((ended < 0 ? args : args.slice(0, ended)).some((arg) => arg === "--help" || arg === "-h")) {
      return { exitCode: 0, stdout: Buffer.from(help(tool, handler)), stderr: "" };
    }
    const { specs, formats, defaultFormat, run } = handler;
    const allSpecs = formats === undefined ? specs : [...specs, FORMAT, OUTPUT];
    const parsed = parseFlags(args, DEPRECATED_FORMAT.has(tool) ? [...allSpecs, FORMAT] : allSpecs);
    if (DEPRECATED_FORMAT.has(tool) && parsed.flags.has("format")) warning = `--format flag deprecated for command "${tool}"`;
    let format: Format = defaultFormat ?? "smart";
    if (formats !== undefined) {
      const requested = stringFlag(parsed, "format");
      if (requested !== undefined) {
        if (!(formats as readonly string[]).includes(requested)) {
          throw new UsageError(`invalid value "${requested}" for option --format: unknown format "${requested}"`);
        }
        format = requested as Format;
      }
    }
    const printed = run(invocation, parsed);
    let stdout = printed === undefined ? "" : "text" in printed ? printed.text : formatOutput(printed.value, format);
    const output = stringFlag(parsed, "o");
    if (output !== undefined) {
      writeFileSync(isAbsolute(output) ? output : join(cwd, output), stdout);
      stdout = "";
    }
    return { exitCode: 0, stdout: Buffer.from(stdout), stderr: warning };
  } catch (error) {
    if (error instanceof UsageError) return failure(2, error.message);
    if (error instanceof HookToolError) return { exitCode: error.exitCode, stdout: Buffer.alloc(0), stderr: error.stderr };
    return failure(1, `tscharm simulator: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `--help`: the usage line and the options, on stdout. */
function help(tool: string, handler: Handler): string {
  const specs = handler.formats === undefined ? handler.specs : [...handler.specs, FORMAT, OUTPUT];
  const options = specs.map((spec) => `  ${spec.names.map((name) => (name.length === 1 ? `-${name}` : `--${name}`)).join(", ")}${spec.kind === "string" ? " (= ...)" : ""}`);
  const formats = handler.formats === undefined ? "" : `\nFormats: ${handler.formats.join(", ")} (default ${handler.defaultFormat ?? "smart"})\n`;
  return `Usage: ${tool} [options]${USAGE[tool] === undefined ? "" : ` ${USAGE[tool]}`}\n${options.length === 0 ? "" : `\nOptions:\n${options.join("\n")}\n`}${formats}`;
}

/** The arguments part of each tool's usage line. */
const USAGE: Readonly<Record<string, string>> = {
  "leader-get": "[<key>]",
  "leader-set": "<key>=<value> [...]",
  "relation-ids": "[<endpoint>]",
  "relation-get": "<key> <unit id>",
  "relation-set": "key=value [key=value ...]",
  "config-get": "[<key>]",
  "status-set": "<maintenance | blocked | waiting | active> [message]",
  "juju-log": "<message>",
  "application-version-set": "<new-version>",
  "unit-get": "<setting>",
  "action-get": "[<key>[.<key>.<key>...]]",
  "action-set": "<key>=<value> [<key>=<value> ...]",
  "action-fail": "[\"<failure message>\"]",
  "action-log": "<message>",
  "open-port": "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp",
  "close-port": "<port>[/<protocol>] or <from>-<to>[/<protocol>] or icmp",
  "network-get": "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]",
  "secret-add": "[key[#base64|#file]=value...]",
  "secret-get": "<ID> [key[#base64]]",
  "secret-set": "<ID> [key[#base64]=value...]",
  "secret-remove": "<ID>",
  "secret-grant": "<ID>",
  "secret-revoke": "<ID>",
  "secret-info-get": "<ID>",
  "state-get": "[<key>]",
  "state-set": "key=value [key=value ...]",
  "state-delete": "<key>",
  "storage-list": "[<storage-name>]",
  "storage-get": "[<key>]",
  "storage-add": "<charm storage name>[=count] ...",
  "resource-get": "<resource name>",
};

function failure(exitCode: number, message: string): ToolOutput {
  return { exitCode, stdout: Buffer.alloc(0), stderr: `ERROR ${message}\n` };
}

interface Handler {
  readonly specs: readonly FlagSpec[];
  /** The formats `--format` accepts; absent for tools without output. */
  readonly formats?: readonly Format[];
  readonly defaultFormat?: Format;
  readonly run: (invocation: Invocation, parsed: ParsedArgs) => Printed;
}

const ALL: readonly Format[] = ["smart", "yaml", "json"];
const YAML_JSON: readonly Format[] = ["yaml", "json"];

const value = (printed: JsonValue | undefined): Printed => ({ value: printed });

const HANDLERS: Readonly<Record<string, Handler>> = {
  "is-leader": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value(context.isLeader());
    },
  },

  "leader-get": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      const key = parsed.positionals[0];
      noMoreArgs(parsed.positionals, 1);
      if (key !== undefined && key.includes("=")) throw new UsageError(`invalid key "${key}"`);
      const settings = context.leaderGet();
      return value(key === undefined || key === "-" ? settings : settings[key]);
    },
  },

  "leader-set": {
    specs: [],
    run: ({ context }, parsed) => {
      context.leaderSet(parseKeyValues(parsed.positionals));
      return undefined;
    },
  },

  "relation-ids": {
    specs: [],
    formats: ALL,
    run: ({ context, env }, parsed) => {
      const endpoint = parsed.positionals[0] ?? env.relationId?.replace(/:\d+$/, "");
      noMoreArgs(parsed.positionals, 1);
      if (endpoint === undefined) throw new UsageError("no endpoint name specified");
      return value(context.relationIds(endpoint).map((id) => `${endpoint}:${String(id)}`));
    },
  },

  "relation-list": {
    specs: [RELATION, { names: ["app"], kind: "bool" }],
    formats: ALL,
    run: (invocation, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const ref = relationRef(invocation, parsed, "relation-list");
      return value(boolFlag(parsed, "app") ? (invocation.context.relationRemoteApp(ref) ?? "") : invocation.context.relationList(ref));
    },
  },

  "relation-get": {
    specs: [RELATION, { names: ["app"], kind: "bool" }],
    formats: ALL,
    run: (invocation, parsed) => {
      const { context, env } = invocation;
      const ref = relationRef(invocation, parsed, "relation-get");
      const [keyArg, targetArg] = parsed.positionals;
      noMoreArgs(parsed.positionals, 2);
      const key = keyArg === undefined || keyArg === "-" ? undefined : keyArg;
      let app = boolFlag(parsed, "app");
      let target = targetArg;
      if (target === undefined) {
        if (app) target = env.remoteApp;
        else if (env.remoteUnit !== undefined && env.remoteUnit !== "") target = env.remoteUnit;
        else if (env.remoteApp !== undefined) {
          target = env.remoteApp;
          app = true;
        }
        if (target === undefined) throw new UsageError("no unit or application specified");
      } else if (!app && !UNIT_NAME.test(target)) {
        if (APP_NAME.test(target)) throw new UsageError(`expected unit name, got application name "${target}"`);
        throw new UsageError(`invalid unit name "${target}"`);
      }
      const bag = context.relationGet(ref, target, app);
      return value(key === undefined ? bag : bag[key]);
    },
  },

  "relation-set": {
    specs: [RELATION, { names: ["app"], kind: "bool" }, { names: ["file"], kind: "string" }],
    run: (invocation, parsed) => {
      const ref = relationRef(invocation, parsed, "relation-set");
      const file = stringFlag(parsed, "file");
      const data = { ...(file === undefined ? {} : stringMap(readInput(invocation, file), "relation-set")), ...parseKeyValues(parsed.positionals) };
      if (Object.keys(data).length > 0) invocation.context.relationSet(ref, data, boolFlag(parsed, "app"));
      return undefined;
    },
  },

  "relation-model-get": {
    specs: [RELATION],
    formats: ALL,
    run: (invocation, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value({ ...invocation.context.relationModelGet(relationRef(invocation, parsed, "relation-model-get")) });
    },
  },

  "config-get": {
    specs: [{ names: ["a", "all"], kind: "bool" }],
    formats: ALL,
    run: ({ context }, parsed) => {
      const key = parsed.positionals[0];
      noMoreArgs(parsed.positionals, 1);
      const all = boolFlag(parsed, "a");
      if (all && key !== undefined) throw new UsageError(`cannot use argument --all together with key "${key}"`);
      const config: JsonObject = { ...context.configGet() };
      if (key !== undefined) return value(config[key] ?? null);
      if (all) {
        const meta = context.model.app(context.model.unit(context.unitName).app).meta;
        for (const option of Object.keys(meta?.config ?? {})) config[option] ??= null;
      }
      return value(config);
    },
  },

  "status-get": {
    specs: [{ names: ["include-data"], kind: "bool" }, { names: ["application"], kind: "bool" }],
    formats: ALL,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const format = stringFlag(parsed, "format") ?? "smart";
      const data = boolFlag(parsed, "include-data");
      if (boolFlag(parsed, "application")) {
        const app = context.statusGetApplication();
        const record = (status: { status: string; message: string; data: JsonObject }): JsonObject =>
          data ? { message: status.message, status: status.status, "status-data": status.data } : { status: status.status };
        const units: JsonObject = {};
        for (const [unit, status] of Object.entries(app.units)) units[unit] = record(status);
        return value({ "application-status": { ...record(app), units } });
      }
      const unit = context.statusGet();
      if (!data && format === "smart") return value(unit.status);
      return value(data ? { message: unit.message, status: unit.status, "status-data": unit.data } : { status: unit.status });
    },
  },

  "status-set": {
    specs: [{ names: ["application"], kind: "bool" }],
    run: ({ context }, parsed) => {
      const [status, message] = parsed.positionals;
      if (status === undefined) throw new UsageError("invalid args, require <status> [message]");
      noMoreArgs(parsed.positionals, 2);
      if (!["maintenance", "blocked", "waiting", "active"].includes(status)) {
        throw new UsageError(`invalid status "${status}", expected one of [maintenance blocked waiting active]`);
      }
      context.statusSet(status as "active", message ?? "", boolFlag(parsed, "application"));
      return undefined;
    },
  },

  "juju-log": {
    specs: [{ names: ["l", "log-level"], kind: "string" }, { names: ["debug"], kind: "bool" }],
    run: ({ context, env }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("no message specified");
      const given = stringFlag(parsed, "l") ?? "INFO";
      const requested = given.toUpperCase() === "WARN" ? "WARNING" : given.toUpperCase();
      const known = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"].includes(requested);
      // loggo takes TRACE..CRITICAL; an unknown level is not refused: a warning says so, and INFO is used.
      if (!known) context.jujuLog("WARNING", `Specified log level of "${given}" is not valid`);
      const level = boolFlag(parsed, "debug") ? "DEBUG" : known ? requested : "INFO";
      // In a relation hook Juju prefixes the message with the relation: "db:2: …".
      const prefix = env.relationId === undefined || env.relationId === "" ? "" : `${env.relationId}: `;
      context.jujuLog(level as "INFO", `${prefix}${parsed.positionals.join(" ")}`);
      return undefined;
    },
  },

  "application-version-set": {
    specs: [],
    run: ({ context }, parsed) => {
      const [version] = parsed.positionals;
      if (version === undefined) throw new UsageError("no version specified");
      noMoreArgs(parsed.positionals, 1);
      context.applicationVersionSet(version);
      return undefined;
    },
  },

  "unit-get": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      const [setting] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      if (setting !== "private-address" && setting !== "public-address") throw new UsageError(`unknown setting "${setting ?? ""}"`);
      const unit = context.model.unit(context.unitName);
      return value(unit.address);
    },
  },

  "action-get": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      const [path] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const params = context.actionGet();
      if (path === undefined) return value(params);
      let node: JsonValue | undefined = params;
      for (const segment of path.split(".")) {
        node = typeof node === "object" && node !== null && !Array.isArray(node) ? node[segment] : undefined;
      }
      return value(node ?? null);
    },
  },

  "action-set": {
    specs: [],
    run: ({ context }, parsed) => {
      const results: Record<string, string> = {};
      for (const arg of parsed.positionals) {
        const at = arg.indexOf("=");
        if (at < 0) throw new UsageError(`argument "${arg}" must be of the form key...=value`);
        results[arg.slice(0, at)] = arg.slice(at + 1);
      }
      context.actionSet(results);
      return undefined;
    },
  },

  "action-fail": {
    specs: [],
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 1);
      context.actionFail(parsed.positionals[0] ?? "");
      return undefined;
    },
  },

  "action-log": {
    specs: [],
    run: ({ context }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("no message specified");
      context.actionLog(parsed.positionals.join(" "));
      return undefined;
    },
  },

  "open-port": { specs: [{ names: ["endpoints"], kind: "string" }], run: (invocation, parsed) => changePort(invocation, parsed, true) },
  "close-port": { specs: [{ names: ["endpoints"], kind: "string" }], run: (invocation, parsed) => changePort(invocation, parsed, false) },

  "opened-ports": {
    specs: [{ names: ["endpoints"], kind: "bool" }],
    formats: ALL,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      if (!boolFlag(parsed, "endpoints")) return value(context.openedPorts().map(formatPort));
      const byPort = new Map<string, Set<string>>();
      for (const opened of context.model.unit(context.unitName).ports) {
        const key = formatPort(opened.range);
        const endpoints = byPort.get(key) ?? new Set();
        endpoints.add(opened.endpoint ?? "*");
        byPort.set(key, endpoints);
      }
      const ports = context.openedPorts().map((port) => {
        const key = formatPort(port);
        return `${key} (${[...(byPort.get(key) ?? new Set(["*"]))].sort().join(", ")})`;
      });
      return value(ports);
    },
  },

  "network-get": {
    specs: [
      RELATION,
      { names: ["bind-address"], kind: "bool" },
      { names: ["ingress-address"], kind: "bool" },
      { names: ["egress-subnets"], kind: "bool" },
      { names: ["primary-address"], kind: "bool" },
    ],
    formats: ALL,
    run: (invocation, parsed) => {
      const [binding] = parsed.positionals;
      if (binding === undefined) throw new UsageError("no arguments specified");
      noMoreArgs(parsed.positionals, 1);
      const relationText = stringFlag(parsed, "r") ?? (invocation.env.relationId !== undefined && invocation.env.relationId !== "" ? invocation.env.relationId : undefined);
      const relation = relationText === undefined ? undefined : resolveRelation(invocation, relationText, "network-get");
      const network = invocation.context.networkGet(binding, relation?.id);
      const bind = network.bindAddresses[0]?.addresses[0]?.value ?? "";
      const ingress = network.ingressAddresses[0] ?? bind;
      const selected: [string, JsonValue][] = [];
      if (boolFlag(parsed, "bind-address")) selected.push(["bind-address", bind]);
      if (boolFlag(parsed, "ingress-address")) selected.push(["ingress-address", ingress]);
      if (boolFlag(parsed, "egress-subnets")) selected.push(["egress-subnets", [...network.egressSubnets]]);
      if (boolFlag(parsed, "primary-address")) selected.push(["primary-address", bind]);
      if (selected.length === 1) return value(selected[0]?.[1]);
      if (selected.length > 1) return value(Object.fromEntries(selected));
      // YAML also carries the keys older agents printed (macaddress, interfacename, address).
      const yaml = (stringFlag(parsed, "format") ?? "smart") !== "json";
      const full: JsonObject = struct({});
      if (network.bindAddresses.length > 0) {
        full["bind-addresses"] = network.bindAddresses.map((entry) =>
          struct({
            "mac-address": entry.macAddress,
            "interface-name": entry.interfaceName,
            addresses: entry.addresses.map((address) =>
              struct({ hostname: address.hostname, value: address.value, cidr: address.cidr, ...(yaml ? { address: address.value } : {}) }),
            ),
            ...(yaml ? { macaddress: entry.macAddress, interfacename: entry.interfaceName } : {}),
          }),
        );
      }
      if (network.egressSubnets.length > 0) full["egress-subnets"] = [...network.egressSubnets];
      if (network.ingressAddresses.length > 0) full["ingress-addresses"] = [...network.ingressAddresses];
      return value(full);
    },
  },

  "secret-add": {
    specs: [...secretMetadataSpecs(), { names: ["owner"], kind: "string" }, { names: ["file"], kind: "string" }],
    run: (invocation, parsed) => {
      const content = secretContent(invocation, parsed, "secret-add");
      if (Object.keys(content).length === 0) {
        if (stringFlag(parsed, "file") === undefined) throw new UsageError("missing secret value or filename");
        throw new HookToolError("secret-add", 1, "ERROR empty secret value not valid\n");
      }
      const owner = stringFlag(parsed, "owner") ?? "application";
      if (owner !== "application" && owner !== "unit") throw new UsageError(`secret owner "${owner}" not valid`);
      return { text: `${invocation.context.secretAdd(content, { ...secretMetadata(parsed), owner })}\n` };
    },
  },

  "secret-get": {
    specs: [{ names: ["label"], kind: "string" }, { names: ["peek"], kind: "bool" }, { names: ["refresh"], kind: "bool" }],
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      let [id, key] = parsed.positionals;
      noMoreArgs(parsed.positionals, 2);
      const label = stringFlag(parsed, "label");
      if (id !== undefined && key === undefined && label !== undefined && !looksLikeSecretId(id)) {
        key = id;
        id = undefined;
      }
      const content = context.secretGet({
        ...(id === undefined ? {} : { id }),
        ...(label === undefined ? {} : { label }),
        ...(boolFlag(parsed, "peek") ? { peek: true } : {}),
        ...(boolFlag(parsed, "refresh") ? { refresh: true } : {}),
      });
      if (key === undefined) return value(content);
      const raw = key.endsWith("#base64");
      const entry = content[raw ? key.slice(0, -"#base64".length) : key];
      return value(entry === undefined ? null : raw ? Buffer.from(entry).toString("base64") : entry);
    },
  },

  "secret-set": {
    specs: [...secretMetadataSpecs(), { names: ["owner"], kind: "string" }, { names: ["file"], kind: "string" }],
    run: (invocation, parsed) => {
      const [id, ...rest] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      const content = secretContent(invocation, { ...parsed, positionals: rest }, "secret-set");
      invocation.context.secretSet(id, { ...secretMetadata(parsed), ...(Object.keys(content).length === 0 ? {} : { content }) });
      return undefined;
    },
  },

  "secret-remove": {
    specs: [{ names: ["revision"], kind: "string" }],
    run: ({ context }, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      const revisionText = stringFlag(parsed, "revision");
      const revision = revisionText === undefined ? undefined : Number(revisionText);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
        throw new UsageError(`invalid value "${revisionText ?? ""}" for option --revision: revision must be a positive number`);
      }
      context.secretRemove(id, revision);
      return undefined;
    },
  },

  "secret-grant": {
    specs: [RELATION, { names: ["unit"], kind: "string" }],
    run: (invocation, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      // In a relation hook -r defaults to the hook's relation.
      const relationText = stringFlag(parsed, "r") ?? (invocation.env.relationId === "" ? undefined : invocation.env.relationId);
      if (relationText === undefined) throw new UsageError("no relation id specified");
      const relation = resolveRelation(invocation, relationText, "secret-grant");
      invocation.context.secretGrant(id, relation.id, stringFlag(parsed, "unit"));
      return undefined;
    },
  },

  "secret-revoke": {
    specs: [RELATION, { names: ["app", "application"], kind: "string" }, { names: ["unit"], kind: "string" }],
    run: (invocation, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      const relationText = stringFlag(parsed, "r");
      const app = stringFlag(parsed, "app");
      const unit = stringFlag(parsed, "unit");
      if (relationText === undefined && app === undefined && unit === undefined) throw new UsageError("missing relation or application or unit");
      if (app !== undefined && unit !== undefined) throw new UsageError("specify only one of application or unit");
      if (relationText !== undefined && app !== undefined) throw new UsageError("do not specify both relation and app");
      const { context } = invocation;
      let relationId: number;
      if (relationText !== undefined) relationId = resolveRelation(invocation, relationText, "secret-revoke").id;
      else {
        const target = app ?? unit?.split("/")[0] ?? "";
        const own = context.model.unit(context.unitName).app;
        const relation = [...context.model.relations.values()].find(
          (candidate) => context.model.endOf(candidate, own) !== undefined && context.model.remoteAppOf(candidate, own) === target,
        );
        if (relation === undefined) return undefined;
        relationId = relation.id;
      }
      context.secretRevoke(id, relationId, unit);
      return undefined;
    },
  },

  "secret-ids": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value(context.secretIds());
    },
  },

  "secret-info-get": {
    specs: [{ names: ["label"], kind: "string" }],
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      const [id] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const label = stringFlag(parsed, "label");
      if (id !== undefined && label !== undefined) throw new UsageError("specify either a secret URI or label but not both");
      if (id === undefined && label === undefined) throw new UsageError("require either a secret URI or label");
      const info = context.secretInfoGet(id !== undefined ? { id } : { label: label ?? "" });
      // Who may read it, as Juju lists grants: application-<app> or unit-<app>-<n>, scoped to a relation.
      const access = [...(context.model.secrets.get(info.id)?.grants ?? new Map<string, { relationId: number | undefined }>())].map(([grantee, grant]) =>
        struct({
          target: grantee.includes("/") ? `unit-${grantee.replace("/", "-")}` : `application-${grantee}`,
          scope: grant.relationId === undefined ? "model" : `relation-${String(grant.relationId)}`,
          role: "view",
        }),
      );
      return value({
        [info.id]: struct({
          revision: info.revision,
          label: info.label ?? "",
          owner: info.owner,
          ...(info.description === undefined ? {} : { description: info.description }),
          ...(info.rotation === undefined ? {} : { rotation: info.rotation }),
          ...(info.expiry === undefined ? {} : { expiry: info.expiry }),
          ...(access.length === 0 ? {} : { access }),
        }),
      });
    },
  },

  "state-get": {
    specs: [{ names: ["strict"], kind: "bool" }],
    formats: ALL,
    run: ({ context }, parsed) => {
      const [key] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const state = context.stateGet();
      if (key === undefined || key === "-") return value(Object.keys(state).length === 0 ? null : state);
      const entry = state[key];
      if (entry === undefined && boolFlag(parsed, "strict")) throw new HookToolError("state-get", 1, `ERROR "${key}" not found\n`);
      return value(entry ?? "");
    },
  },

  "state-set": {
    specs: [{ names: ["file"], kind: "string" }],
    run: (invocation, parsed) => {
      const file = stringFlag(parsed, "file");
      const data = { ...(file === undefined ? {} : stringMap(readInput(invocation, file), "state-set")), ...parseKeyValues(parsed.positionals) };
      if (Object.keys(data).length > 0) invocation.context.stateSet(data);
      return undefined;
    },
  },

  "state-delete": {
    specs: [],
    run: ({ context }, parsed) => {
      const [key] = parsed.positionals;
      if (key === undefined) throw new UsageError("no key specified");
      noMoreArgs(parsed.positionals, 1);
      context.stateDelete(key);
      return undefined;
    },
  },

  "storage-list": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      const [name] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      return value(context.storageList(name));
    },
  },

  "storage-get": {
    specs: [{ names: ["s"], kind: "string" }],
    formats: ALL,
    run: ({ context, env }, parsed) => {
      const [attribute] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const id = stringFlag(parsed, "s") ?? env.storageId;
      if (id === undefined || id === "") throw new UsageError("no storage instance specified");
      const storage = context.storageGet(id);
      if (attribute === undefined) return value({ kind: storage.kind, location: storage.location });
      if (attribute !== "kind" && attribute !== "location") throw new HookToolError("storage-get", 1, `ERROR invalid storage attribute "${attribute}"\n`);
      return value(storage[attribute]);
    },
  },

  "storage-add": {
    specs: [],
    run: ({ context }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("storage add requires a storage directive");
      for (const directive of parsed.positionals) {
        const match = /^([a-z][a-z0-9-]*)(?:=(\d+))?$/.exec(directive);
        if (match?.[1] === undefined) throw new UsageError(`only count can be specified for "${directive.split("=")[0] ?? directive}"`);
        context.storageAdd(match[1], match[2] === undefined ? 1 : Number(match[2]));
      }
      return undefined;
    },
  },

  "resource-get": {
    specs: [],
    run: ({ context }, parsed) => {
      const [name] = parsed.positionals;
      if (name === undefined) throw new UsageError("missing required resource name");
      noMoreArgs(parsed.positionals, 1);
      // Printed without a trailing newline, as Juju does.
      return { text: context.resourceGet(name) };
    },
  },

  "goal-state": {
    specs: [],
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const goal = context.goalState();
      return value(struct({ units: JSON.parse(JSON.stringify(goal.units)) as JsonValue, relations: JSON.parse(JSON.stringify(goal.relations)) as JsonValue }));
    },
  },

  "credential-get": {
    specs: [],
    formats: ALL,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const spec = context.credentialGet();
      return value(
        struct({
          type: spec.type,
          name: spec.name,
          ...(spec.region === undefined ? {} : { region: spec.region }),
          ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
          ...(spec.identityEndpoint === undefined ? {} : { "identity-endpoint": spec.identityEndpoint }),
          ...(spec.storageEndpoint === undefined ? {} : { "storage-endpoint": spec.storageEndpoint }),
          ...(spec.credential === undefined
            ? {}
            : { credential: struct({ "auth-type": spec.credential.authType, attrs: { ...spec.credential.attributes }, redacted: [...spec.credential.redacted] }) }),
          cacertificates: [...spec.caCertificates],
          "skip-tls-verify": spec.skipTlsVerify,
          "is-controller-cloud": spec.isControllerCloud,
        }),
      );
    },
  },

  "juju-reboot": {
    specs: [{ names: ["now"], kind: "bool" }],
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      context.jujuReboot(boolFlag(parsed, "now"));
      return undefined;
    },
  },

  // Payloads and metrics are gone from Juju 4 and unused by machine charms today.
  "payload-register": unsupported("payload-register"),
  "payload-unregister": unsupported("payload-unregister"),
  "payload-status-set": unsupported("payload-status-set"),
  "add-metric": unsupported("add-metric"),
};

function unsupported(tool: string): Handler {
  return {
    specs: [],
    run: () => {
      throw new HookToolError(tool, 1, `ERROR ${tool} is not supported by the tscharm simulator\n`);
    },
  };
}

/** `-r` (or the hook's own relation) as the relation the tool should use. */
function relationRef(invocation: Invocation, parsed: ParsedArgs, tool: string): RelationRef {
  const text = stringFlag(parsed, "r") ?? invocation.env.relationId;
  if (text === undefined || text === "") throw new UsageError("no relation id specified");
  return resolveRelation(invocation, text, tool);
}

/** `7` or `anything:7`: only what follows the last `:` counts (reference §2). */
function resolveRelation(invocation: Invocation, text: string, tool: string): RelationRef {
  const id = Number(text.slice(text.lastIndexOf(":") + 1));
  if (!/^\d+$/.test(text.slice(text.lastIndexOf(":") + 1))) throw new UsageError(`invalid value "${text}" for option -r: invalid relation id`);
  const { context } = invocation;
  const relation = context.model.relations.get(id);
  const end = relation === undefined ? undefined : context.model.endOf(relation, context.model.unit(context.unitName).app);
  if (end === undefined) {
    // Through the error mapping every tool uses, so `relation not found` stays a RelationNotFoundError.
    throw new HookToolError(tool, 2, `ERROR invalid value "${text}" for option -r: relation not found\n`);
  }
  return { endpoint: end.endpoint, id };
}

function changePort(invocation: Invocation, parsed: ParsedArgs, open: boolean): Printed {
  const [spec] = parsed.positionals;
  if (spec === undefined) throw new UsageError("no port or range specified");
  noMoreArgs(parsed.positionals, 1);
  const port = parsePortSpec(spec);
  const endpoints = stringFlag(parsed, "endpoints")
    ?.split(",")
    .map((endpoint) => endpoint.trim())
    .filter((endpoint) => endpoint !== "");
  if (open) invocation.context.openPort(port, endpoints);
  else invocation.context.closePort(port, endpoints);
  return undefined;
}

/** `80`, `80/tcp`, `8000-8099/udp`, `icmp`, with Juju's errors. */
function parsePortSpec(spec: string): PortRange {
  const lowered = spec.toLowerCase();
  if (lowered === "icmp") return { protocol: "icmp" };
  const [range = "", protocol = "tcp"] = lowered.split("/");
  if (!["tcp", "udp", "icmp"].includes(protocol)) throw new UsageError(`invalid protocol "${protocol}", expected "tcp", "udp", or "icmp"`);
  const bounds = range.split("-");
  if (bounds.length > 2) throw new UsageError(`invalid port range "${range}"`);
  const numbers = bounds.map((bound) => {
    if (!/^\d+$/.test(bound)) throw new UsageError(`invalid port "${bound}": strconv.Atoi: parsing "${bound}": invalid syntax`);
    return Number(bound);
  });
  const [from = 0, to = from] = numbers;
  if (from > 65535 || to > 65535) throw new UsageError(`port range bounds must be between 0 and 65535, got ${String(from)}-${String(to)}`);
  if (from > to) throw new UsageError(`invalid port range ${String(from)}-${String(to)}/${protocol}`);
  const parsed = parsePort(`${range}/${protocol}`);
  return parsed ?? { protocol: protocol as Protocol, port: from, ...(to === from ? {} : { toPort: to }) };
}

function secretMetadataSpecs(): FlagSpec[] {
  return [
    { names: ["label"], kind: "string" },
    { names: ["description"], kind: "string" },
    { names: ["expire"], kind: "string" },
    { names: ["rotate"], kind: "string" },
  ];
}

function secretMetadata(parsed: ParsedArgs): { label?: string; description?: string; expire?: string; rotate?: SecretRotatePolicy } {
  const rotate = stringFlag(parsed, "rotate");
  if (rotate !== undefined && !ROTATE.includes(rotate)) throw new UsageError(`rotate policy "${rotate}" not valid`);
  const label = stringFlag(parsed, "label");
  const description = stringFlag(parsed, "description");
  const expire = stringFlag(parsed, "expire");
  return {
    ...(label === undefined ? {} : { label }),
    ...(description === undefined ? {} : { description }),
    ...(expire === undefined ? {} : { expire }),
    ...(rotate === undefined ? {} : { rotate: rotate as SecretRotatePolicy }),
  };
}

/** `key=value`, `key#base64=…`, `key#file=<path>` and `--file <yaml>`, decoded to plain values. */
function secretContent(invocation: Invocation, parsed: ParsedArgs, tool: string): Record<string, string> {
  const content: Record<string, string> = {};
  const file = stringFlag(parsed, "file");
  if (file !== undefined) {
    for (const [key, entry] of Object.entries(stringMap(readInput(invocation, file), tool))) addSecretValue(content, key, entry);
  }
  for (const arg of parsed.positionals) {
    const at = arg.indexOf("=");
    if (at < 0) throw new UsageError(`key value "${arg}" not valid`);
    const key = arg.slice(0, at);
    const raw = arg.slice(at + 1);
    if (key.endsWith("#file")) {
      const path = isAbsolute(raw) ? raw : join(invocation.cwd, raw);
      const data = readFileSync(path);
      if (data.length > 1_000_000) throw new UsageError(`secret content in file "${path}" too large: ${String(data.length)} bytes`);
      content[key.slice(0, -"#file".length)] = data.toString("utf8");
    } else {
      addSecretValue(content, key, raw);
    }
  }
  return content;
}

function addSecretValue(content: Record<string, string>, key: string, raw: string): void {
  if (key.endsWith("#base64")) content[key.slice(0, -"#base64".length)] = Buffer.from(raw, "base64").toString("utf8");
  else content[key] = raw;
}

function looksLikeSecretId(text: string): boolean {
  return /^(?:secret:(?:\/\/[^/]+\/)?)?[0-9a-v]{20}$/.test(text);
}

/** `--file -` is stdin; anything else a path relative to the hook's directory. */
function readInput(invocation: Invocation, file: string): string {
  if (file === "-") return invocation.stdin?.toString("utf8") ?? "";
  return readFileSync(isAbsolute(file) ? file : join(invocation.cwd, file), "utf8");
}

/** A YAML (or JSON) mapping of strings, as Go decodes it into map[string]string. */
function stringMap(text: string, tool: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new HookToolError(tool, 1, `ERROR cannot parse settings: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw new HookToolError(tool, 1, "ERROR cannot parse settings: expected a mapping\n");
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof entry === "object" && entry !== null) throw new HookToolError(tool, 1, `ERROR cannot parse settings: "${key}" is not a string\n`);
    result[key] = typeof entry === "string" ? entry : typeof entry === "number" || typeof entry === "boolean" ? String(entry) : "";
  }
  return result;
}
