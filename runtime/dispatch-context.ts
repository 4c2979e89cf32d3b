// Parse and validate the JUJU_* environment of one dispatch into a frozen description of the event.

import { APP_NAME, UNIT_NAME } from "../grammar/names.js";
import { isExactSecretId } from "../grammar/secrets.js";
import { EnvironmentError } from "./errors.js";
import { transportSettings } from "./hook-tools/transport.js";
import type { CharmMeta } from "./meta.js";

export const LIFECYCLE_HOOKS = [
  "install",
  "start",
  "stop",
  "remove",
  "config-changed",
  "update-status",
  "upgrade-charm",
  "leader-elected",
  "leader-settings-changed",
  "pre-series-upgrade",
  "post-series-upgrade",
  "collect-metrics",
] as const;
export type LifecycleHook = (typeof LIFECYCLE_HOOKS)[number];

export const RELATION_PHASES = ["created", "joined", "changed", "departed", "broken"] as const;
export type RelationPhase = (typeof RELATION_PHASES)[number];
export const STORAGE_PHASES = ["attached", "detaching"] as const;
export type StoragePhase = (typeof STORAGE_PHASES)[number];
export const SECRET_PHASES = ["changed", "rotate", "remove", "expired"] as const;
export type SecretPhase = (typeof SECRET_PHASES)[number];

/** What Juju asked this dispatch to handle, with the per-event values from the environment. */
export type HookDescriptor =
  | { readonly type: "lifecycle"; readonly name: LifecycleHook }
  | {
      readonly type: "relation";
      readonly phase: RelationPhase;
      readonly endpoint: string;
      readonly relationId: number;
      readonly remoteApp: string | undefined;
      readonly remoteUnit: string | undefined;
      readonly departingUnit: string | undefined;
    }
  | {
      readonly type: "storage";
      readonly phase: StoragePhase;
      readonly storageName: string;
      readonly storageIndex: number;
      readonly location: string | undefined;
      readonly kind: "block" | "filesystem" | undefined;
    }
  | {
      readonly type: "secret";
      readonly phase: SecretPhase;
      readonly secretId: string;
      readonly label: string | undefined;
      readonly revision: number | undefined;
    }
  | { readonly type: "action"; readonly name: string; readonly uuid: string }
  | { readonly type: "custom"; readonly name: string };

export interface DispatchContext {
  /** `hooks/<name>` or `actions/<name>`, as Juju set it. */
  readonly dispatchPath: string;
  readonly hook: HookDescriptor;
  readonly unitName: string;
  readonly appName: string;
  readonly modelName: string;
  readonly modelUuid: string;
  /** `JUJU_VERSION`, e.g. `3.6.4`; `0.0.0` where Juju does not set it (meter-status-changed). */
  readonly jujuVersion: string;
  readonly charmDir: string;
  /** `JUJU_DEBUG` is set: log at DEBUG as well. */
  readonly debug: boolean;
  /**
   * `JUJU_DEBUG_AT` (set by `juju debug-code`), split at commas: where to stop for a debugger.
   * `all`, `hook`, or names given to `framework.breakpoint()`; empty when not debugging.
   */
  readonly debugAt: readonly string[];
  readonly machineId: string | undefined;
  readonly availabilityZone: string | undefined;
  readonly principalUnit: string | undefined;
}

export type JujuEnv = Readonly<Record<string, string | undefined>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const VERSION = /^\d+\.\d+(?:[.-][0-9A-Za-z.-]+)?$/;
const NATURAL = /^(0|[1-9][0-9]*)$/;

/**
 * Read the environment of one dispatch. Throws `EnvironmentError` with a one-line message naming
 * the variable when a value the event needs is missing or malformed.
 */
export function parseContext(env: JujuEnv, meta: CharmMeta, cwd: string): DispatchContext {
  const dispatchPath = required(env, "JUJU_DISPATCH_PATH");
  const match = /^(hooks|actions)\/([^/]+)$/.exec(dispatchPath);
  if (!match) {
    throw bad("JUJU_DISPATCH_PATH", dispatchPath, 'must be "hooks/<hook-name>" or "actions/<action-name>"');
  }
  const [, location, name] = match as unknown as [string, "hooks" | "actions", string];

  const unitName = required(env, "JUJU_UNIT_NAME");
  const unitMatch = UNIT_NAME.exec(unitName);
  if (!unitMatch) throw bad("JUJU_UNIT_NAME", unitName, 'must look like "<application>/<number>", e.g. "demo/0"');
  const appName = unitMatch[1] as string;

  const modelUuid = required(env, "JUJU_MODEL_UUID");
  if (!UUID.test(modelUuid)) throw bad("JUJU_MODEL_UUID", modelUuid, "must be a lowercase UUID");

  const hook = location === "actions" ? parseAction(env, name) : parseHook(env, name, meta);

  // Juju does not set JUJU_VERSION for meter-status-changed; every other context has it.
  let jujuVersion = "0.0.0";
  if (!(hook.type === "custom" && hook.name === "meter-status-changed") || nonEmpty(env, "JUJU_VERSION")) {
    jujuVersion = required(env, "JUJU_VERSION");
    if (!VERSION.test(jujuVersion)) throw bad("JUJU_VERSION", jujuVersion, 'must be a version such as "3.6.4"');
  }

  // How hook tools are reached (hook-tools/transport.ts): refused here, before the charm runs, if malformed.
  transportSettings(env);

  const context: DispatchContext = {
    dispatchPath,
    hook: Object.freeze(hook),
    unitName,
    appName,
    modelName: required(env, "JUJU_MODEL_NAME"),
    modelUuid,
    jujuVersion,
    charmDir: nonEmpty(env, "JUJU_CHARM_DIR") ?? cwd,
    debug: env["JUJU_DEBUG"] !== undefined,
    debugAt: Object.freeze(parseDebugAt(env["JUJU_DEBUG_AT"])),
    machineId: nonEmpty(env, "JUJU_MACHINE_ID"),
    availabilityZone: nonEmpty(env, "JUJU_AVAILABILITY_ZONE"),
    principalUnit: nonEmpty(env, "JUJU_PRINCIPAL_UNIT"),
  };
  return Object.freeze(context);
}

function parseAction(env: JujuEnv, name: string): HookDescriptor {
  const actionName = required(env, "JUJU_ACTION_NAME");
  if (actionName !== name) {
    throw bad("JUJU_ACTION_NAME", actionName, `does not match JUJU_DISPATCH_PATH "actions/${name}"`);
  }
  return { type: "action", name, uuid: required(env, "JUJU_ACTION_UUID") };
}

/** What a hook name means for this charm, before any environment is read. */
export type HookClass =
  | { readonly type: "lifecycle"; readonly name: LifecycleHook }
  | { readonly type: "relation"; readonly endpoint: string; readonly phase: RelationPhase }
  | { readonly type: "storage"; readonly storage: string; readonly phase: StoragePhase }
  | { readonly type: "secret"; readonly phase: SecretPhase }
  | { readonly type: "custom" };

/**
 * Classifies a hook name. Relation and storage hooks count only for names the metadata declares;
 * any other hook (an endpoint this version of the charm no longer declares, meter-status-changed,
 * a hook the charm author invented) is custom, routed by name to `this.on.custom(name)`.
 */
export function classifyHook(name: string, meta: CharmMeta): HookClass {
  if ((LIFECYCLE_HOOKS as readonly string[]).includes(name)) return { type: "lifecycle", name: name as LifecycleHook };
  const relation = /^(.+)-relation-(created|joined|changed|departed|broken)$/.exec(name);
  if (relation && meta.relations[relation[1] as string]) {
    return { type: "relation", endpoint: relation[1] as string, phase: relation[2] as RelationPhase };
  }
  const storage = /^(.+)-storage-(attached|detaching)$/.exec(name);
  if (storage && meta.storage[storage[1] as string]) {
    return { type: "storage", storage: storage[1] as string, phase: storage[2] as StoragePhase };
  }
  const secret = /^secret-(changed|rotate|remove|expired)$/.exec(name);
  if (secret) return { type: "secret", phase: secret[1] as SecretPhase };
  return { type: "custom" };
}

function parseHook(env: JujuEnv, name: string, meta: CharmMeta): HookDescriptor {
  const kind = classifyHook(name, meta);
  switch (kind.type) {
    case "lifecycle":
      return kind;
    case "relation":
      return parseRelationHook(env, kind.endpoint, kind.phase);
    case "storage":
      return parseStorageHook(env, kind.storage, kind.phase);
    case "secret":
      return parseSecretHook(env, kind.phase);
    case "custom":
      return { type: "custom", name };
  }
}

function parseRelationHook(env: JujuEnv, endpoint: string, phase: RelationPhase): HookDescriptor {
  const relationName = required(env, "JUJU_RELATION");
  if (relationName !== endpoint) {
    throw bad("JUJU_RELATION", relationName, `does not match the hook's endpoint "${endpoint}"`);
  }
  const idText = required(env, "JUJU_RELATION_ID");
  // Juju sets "<endpoint>:<id>" and only the part after the last ":" is the id.
  const idMatch = /^(?:.*:)?(0|[1-9][0-9]*)$/.exec(idText);
  if (!idMatch) throw bad("JUJU_RELATION_ID", idText, `must look like "${endpoint}:<number>", e.g. "${endpoint}:7"`);

  // relation-changed for a change of the remote application's data has no remote unit: Juju
  // exports JUJU_REMOTE_UNIT empty then.
  const needsRemoteUnit = phase === "joined" || phase === "departed";
  const remoteUnit = needsRemoteUnit ? required(env, "JUJU_REMOTE_UNIT") : nonEmpty(env, "JUJU_REMOTE_UNIT");
  if (remoteUnit !== undefined && !UNIT_NAME.test(remoteUnit)) {
    throw bad("JUJU_REMOTE_UNIT", remoteUnit, 'must be a unit name such as "db/0"');
  }
  // Juju can leave JUJU_REMOTE_APP empty in relation-broken (LP#1960934); everywhere else it is set.
  let remoteApp = phase === "broken" ? nonEmpty(env, "JUJU_REMOTE_APP") : required(env, "JUJU_REMOTE_APP");
  if (remoteApp !== undefined && !APP_NAME.test(remoteApp)) {
    throw bad("JUJU_REMOTE_APP", remoteApp, 'must be an application name such as "db"');
  }
  remoteApp ??= remoteUnit?.split("/")[0];

  const departingUnit = phase === "departed" ? required(env, "JUJU_DEPARTING_UNIT") : undefined;
  if (departingUnit !== undefined && !UNIT_NAME.test(departingUnit)) {
    throw bad("JUJU_DEPARTING_UNIT", departingUnit, 'must be a unit name such as "db/0"');
  }
  return {
    type: "relation",
    phase,
    endpoint,
    relationId: Number(idMatch[1]),
    remoteApp,
    remoteUnit,
    departingUnit,
  };
}

function parseStorageHook(env: JujuEnv, storageName: string, phase: StoragePhase): HookDescriptor {
  const id = required(env, "JUJU_STORAGE_ID");
  const match = /^(.+)\/(0|[1-9][0-9]*)$/.exec(id);
  if (!match || match[1] !== storageName) {
    throw bad("JUJU_STORAGE_ID", id, `must look like "${storageName}/<number>", e.g. "${storageName}/0"`);
  }
  const kind = nonEmpty(env, "JUJU_STORAGE_KIND");
  if (kind !== undefined && kind !== "block" && kind !== "filesystem") {
    throw bad("JUJU_STORAGE_KIND", kind, 'must be "block" or "filesystem"');
  }
  return {
    type: "storage",
    phase,
    storageName,
    storageIndex: Number(match[2]),
    location: nonEmpty(env, "JUJU_STORAGE_LOCATION"),
    kind,
  };
}

function parseSecretHook(env: JujuEnv, phase: SecretPhase): HookDescriptor {
  const secretId = required(env, "JUJU_SECRET_ID");
  if (!isExactSecretId(secretId)) {
    throw bad("JUJU_SECRET_ID", secretId, 'must be a secret URI such as "secret:cs9ab3go9ns0ql5jgv6g"');
  }
  let revision: number | undefined;
  if (phase === "remove" || phase === "expired") {
    const text = required(env, "JUJU_SECRET_REVISION");
    if (!NATURAL.test(text) || text === "0") {
      throw bad("JUJU_SECRET_REVISION", text, "must be a revision number (1 or more)");
    }
    revision = Number(text);
  }
  return { type: "secret", phase, secretId, label: nonEmpty(env, "JUJU_SECRET_LABEL"), revision };
}

/** `JUJU_DEBUG_AT`'s names, as ops reads them: comma-separated, trimmed, without empty ones or repeats. */
function parseDebugAt(value: string | undefined): string[] {
  if (value === undefined || value === "") return [];
  return [
    ...new Set(
      value
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== ""),
    ),
  ];
}

/** The string used to route an event to its observers and to store deferred notices. */
export function eventKind(hook: HookDescriptor): string {
  switch (hook.type) {
    case "lifecycle":
    case "custom":
      return hook.name;
    case "relation":
      return `${hook.endpoint}-relation-${hook.phase}`;
    case "storage":
      return `${hook.storageName}-storage-${hook.phase}`;
    case "secret":
      return `secret-${hook.phase}`;
    case "action":
      return `action:${hook.name}`;
  }
}

function nonEmpty(env: JujuEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function required(env: JujuEnv, name: string): string {
  const value = nonEmpty(env, name);
  if (value === undefined) throw new EnvironmentError(`${name} is not set; Juju sets it for this event`);
  return value;
}

/** The longest part of a bad value an error quotes: the message stays one readable line. */
const QUOTE_LIMIT = 80;

function bad(name: string, value: string, why: string): EnvironmentError {
  const quoted =
    value.length > QUOTE_LIMIT
      ? `${JSON.stringify(value.slice(0, QUOTE_LIMIT))}… (${String(value.length)} characters)`
      : JSON.stringify(value);
  return new EnvironmentError(`${name}=${quoted} ${why}`);
}
