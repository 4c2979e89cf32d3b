// Juju's own checks on hook-tool input, with Juju's exact error texts (reference juju-hook-tools.md §3, §4).
//
// The runtime refuses most bad input before it calls a tool, in its own words; these are the
// checks the tools themselves make, so the engine answers as Juju would whoever calls it.

import { toolError } from "../runtime/hook-tools/index.js";
import type { PortRange, SettableStatusName } from "../runtime/hook-tools/index.js";
import type { ActionMeta, ConfigType, JsonObject, JsonValue } from "../runtime/meta.js";
import { SETTABLE_STATUSES } from "../runtime/status.js";

/** A failed tool: the same error the runtime builds from a real tool's exit code and stderr. */
export function fail(tool: string, exitCode: 1 | 2, message: string): never {
  throw toolError(tool, exitCode, `ERROR ${message}\n`);
}

/** `-r` named a relation this unit is not in: a flag error, hence exit 2. */
export function relationNotFound(tool: string, relation: string): never {
  fail(tool, 2, `invalid value "${relation}" for option -r: relation not found`);
}

export const NOT_LEADER = "this unit is not the leader";

const SECRET_KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;
const MAX_SECRET_BYTES = 1_000_000;
const ROTATE_POLICIES = new Set(["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;
const GO_DURATION = /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

/** secret-add / secret-set content (exit 2, as the tool checks it while parsing its arguments). */
export function checkSecretContent(tool: string, content: Readonly<Record<string, string>>): void {
  if (Object.keys(content).length === 0) fail(tool, 2, "missing secret value or filename");
  let total = 0;
  for (const [key, value] of Object.entries(content)) {
    if (!SECRET_KEY.test(key)) fail(tool, 2, `key "${key}" not valid`);
    const encoded = Buffer.byteLength(Buffer.from(value, "utf8").toString("base64"));
    if (encoded > MAX_SECRET_BYTES) fail(tool, 2, `base64 encoded secret content for key "${key}" too large: ${encoded} bytes`);
    total += encoded;
  }
  if (total > MAX_SECRET_BYTES) fail(tool, 2, `base64 encoded secret content too large: ${total} bytes`);
}

export function checkSecretMetadata(tool: string, options: { rotate?: string | undefined; expire?: string | undefined }): void {
  if (options.rotate !== undefined && !ROTATE_POLICIES.has(options.rotate)) {
    fail(tool, 2, `rotate policy "${options.rotate}" not valid`);
  }
  const expire = options.expire;
  if (expire !== undefined) {
    if (GO_DURATION.test(expire)) {
      if (expire.startsWith("-") || !/[1-9]/.test(expire)) fail(tool, 2, `negative expire duration "${expire}" not valid`);
    } else if (!RFC3339.test(expire) || Number.isNaN(Date.parse(expire))) {
      fail(tool, 2, `expire time or duration "${expire}" not valid`);
    }
  }
}

/**
 * The expiry time Juju stores for `--expire`: an RFC 3339 time as given (a time without a zone is
 * UTC), or now plus a Go duration (`24h`, `1h30m`). Call after checkSecretMetadata.
 */
export function expiryTime(expire: string, now = Date.now()): string {
  if (GO_DURATION.test(expire)) {
    const units: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
    let total = 0;
    for (const [, amount = "0", unit = "s"] of expire.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(amount) * (units[unit] ?? 0);
    return rfc3339(new Date(now + total));
  }
  return /(?:Z|[+-]\d{2}:\d{2})$/.test(expire) ? expire : `${expire}Z`;
}

/** Go's time.RFC3339 in UTC: no fraction of a second. */
function rfc3339(when: Date): string {
  return `${when.toISOString().slice(0, 19)}Z`;
}

/** Whether a config value has the option's type (config.yaml's string, int, float, boolean, secret). */
export function configValueFits(type: ConfigType, value: unknown): boolean {
  switch (type) {
    case "string":
    case "secret":
      return typeof value === "string";
    case "int":
      return Number.isInteger(value);
    case "float":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
  }
}

/**
 * Why a `secret` option's value is not one Juju accepts, or undefined if it is. Juju checks only
 * that a non-empty value is a URI with the `secret` scheme (juju/juju internal/charm/config.go,
 * secretC.Coerce, wording of errors.NotValidf); the secret itself is looked up when it is read.
 */
export function secretOptionProblem(value: string): string | undefined {
  if (value === "") return undefined;
  // Go's url.Parse: a scheme is a letter, then letters, digits, "+", "-" or ".", before the first ":".
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return "secret URI scheme missing not valid";
  if (scheme !== "secret") return `secret URI scheme "${scheme}" not valid`;
  return undefined;
}

export function checkStatus(status: string): asserts status is SettableStatusName {
  if (!(SETTABLE_STATUSES as readonly string[]).includes(status)) {
    fail("status-set", 2, `invalid status "${status}", expected one of [${SETTABLE_STATUSES.join(" ")}]`);
  }
}

/**
 * What Juju finds wrong with an action's params, in its words; empty when they are valid. Juju
 * validates them against the action's JSON schema before the action runs (juju/juju
 * internal/charm/actions.go ValidateParams, called by the uniter's runner factory,
 * internal/worker/uniter/runner/factory.go): an object of the declared `params`, with `required`,
 * and `additionalProperties: false` unless the action sets it (ReadActionsYaml). Checked here:
 * required params, unknown params and each param's `type` (one name or a list); other JSON-schema
 * keywords (enum, minimum, nested properties) are not.
 */
export function actionParamsProblems(spec: ActionMeta, params: JsonObject): string[] {
  const problems: string[] = [];
  const given = goJson(params);
  const properties = spec.params ?? {};
  for (const name of spec.required ?? []) {
    if (params[name] === undefined) problems.push(`(root) : "${name}" property is missing and required, given ${given}`);
  }
  for (const key of Object.keys(params).sort()) {
    const schema = properties[key];
    if (schema === undefined) {
      if (spec.additionalProperties !== true) problems.push(`(root) : additional property "${key}" is not allowed, given ${given}`);
      continue;
    }
    const type = schema["type"];
    const value = params[key];
    if (type !== undefined && value !== undefined && !jsonTypeAccepts(type, value)) {
      const expected = (Array.isArray(type) ? type : [type]).map((each) => (typeof each === "string" ? each : goJson(each))).join(",");
      problems.push(`(root).${key} : must be of type ${expected}, given ${goJson(value)}`);
    }
  }
  return problems;
}

/** `validation failed: …` as Juju reports invalid params, or undefined when they are valid. */
export function actionParamsError(spec: ActionMeta, params: JsonObject): string | undefined {
  const problems = actionParamsProblems(spec, params);
  return problems.length === 0 ? undefined : `validation failed: ${problems.join("; ")}`;
}

function jsonTypeAccepts(type: JsonValue, value: JsonValue): boolean {
  if (Array.isArray(type)) return type.some((each) => jsonTypeAccepts(each, value));
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      // A type JSON schema does not know: Juju refuses such an actions.yaml when the charm is read.
      return true;
  }
}

/** JSON as Go's encoding/json writes it: object keys sorted. */
function goJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${goJson(value[key] ?? null)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

const ACTION_KEY_SEGMENT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED_ACTION_KEYS = new Set(["stdout", "stdout-encoding", "stderr", "stderr-encoding"]);

export function checkActionResultKey(key: string): void {
  for (const segment of key.split(".")) {
    if (RESERVED_ACTION_KEYS.has(segment)) fail("action-set", 2, `cannot set reserved action key "${segment}"`);
    if (!ACTION_KEY_SEGMENT.test(segment)) {
      fail(
        "action-set",
        2,
        `key "${key}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`,
      );
    }
  }
}

export function checkPortRange(tool: string, port: PortRange): void {
  // The protocol is typed, but the fake hook-tool executables pass what a user typed.
  const protocol: string = port.protocol;
  if (protocol !== "tcp" && protocol !== "udp" && protocol !== "icmp") {
    fail(tool, 2, `invalid protocol "${protocol}", expected "tcp", "udp", or "icmp"`);
  }
  if (port.protocol === "icmp") return;
  const from = port.port ?? -1;
  const to = port.toPort ?? from;
  const text = port.toPort === undefined ? `${from}` : `${from}-${to}`;
  if (from < 0 || to > 65535 || !Number.isInteger(from) || !Number.isInteger(to)) {
    fail(tool, 2, `port range bounds must be between 0 and 65535, got ${text}`);
  }
  if (from > to) fail(tool, 2, `invalid port range ${text}/${port.protocol}`);
}

/** Juju 4.0's cap on one bag of relation settings; 3.x is bounded by MongoDB's 16 MB document. */
export const MAX_RELATION_SETTINGS_BYTES = 16 * 1024 * 1024;
/** The controller's `max-charm-state-size` default: a unit's state-set total. */
export const MAX_CHARM_STATE_BYTES = 2 * 1024 * 1024;

export const LEADER_SET_REFUSED = "cannot write leadership settings: cannot write settings: not the leader";

/** state-set's quota: keys up to 256 bytes, values up to 64 KiB (exit 1: the context checks it). */
export function checkStateEntry(key: string, value: string): void {
  if (Buffer.byteLength(key) > 256) fail("state-set", 1, "max allowed key length (256) exceeded");
  if (Buffer.byteLength(value) > 65536) fail("state-set", 1, "max allowed value length (65536) exceeded");
}
