// Snaps, after charmlibs.snap 2.0: snapd's REST API on /run/snapd.socket (never the snap CLI),
// async changes followed to completion with a timeout, snapd's error kinds as typed errors.

import {
  type ApiErrorClass,
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChangeError,
  SnapError,
  SnapNotInStoreError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
} from "./snap-errors.js";
import { SnapdClient, type SnapdOptions, checkTimeout, segment } from "./snapd-client.js";

export * from "./snap-errors.js";

/** How LocalSnap reaches snapd (snapd-client.ts). */
export type LocalSnapOptions = SnapdOptions;

/** A JSON value, as snap config holds. */
export type SnapConfigValue = string | number | boolean | null | readonly SnapConfigValue[] | { readonly [key: string]: SnapConfigValue };

export interface SnapInstallOptions {
  /** `latest/stable`, `edge`, `3.6/candidate`, ... */
  readonly channel?: string;
  readonly revision?: number | string;
  readonly classic?: boolean;
  readonly devmode?: boolean;
  /** How long to follow snapd's change before SnapTimeoutError, in ms; default 300 000. */
  readonly timeoutMs?: number;
}

/** An installed snap, as GET /v2/snaps/<name> describes it (charmlibs.snap's InstalledInfo). */
export interface InstalledSnap {
  readonly name: string;
  readonly classic: boolean;
  /** The tracked channel; empty for a snap installed from a file. */
  readonly tracking: string;
  readonly revision: string;
  readonly version: string;
  /** When the refresh hold ends, or undefined when not held. */
  readonly hold: Date | undefined;
}

export interface Snap {
  /** True when it installed the snap, false when it was already installed (on whatever channel). */
  install(name: string, options?: SnapInstallOptions): Promise<boolean>;
  /** Installed, on this channel/revision: installs or refreshes as needed; true when it changed anything. */
  ensureInstalled(name: string, options?: SnapInstallOptions & { readonly update?: boolean }): Promise<boolean>;
  /** False when snapd had no update. */
  refresh(name: string, options?: SnapInstallOptions): Promise<boolean>;
  /** False when it was not installed. */
  remove(name: string, options?: { readonly purge?: boolean; readonly timeoutMs?: number }): Promise<boolean>;
  /** SnapNotInstalledError when it is not installed. */
  listOne(name: string): Promise<InstalledSnap>;
  /** The snap's config: every key (nested) without `keys`, else each dotted key as a top-level entry. */
  get(name: string, keys?: string | readonly string[]): Promise<Record<string, SnapConfigValue>>;
  set(name: string, config: Readonly<Record<string, SnapConfigValue>>): Promise<void>;
  unset(name: string, keys: string | readonly string[]): Promise<void>;
  /** The snap's services, by their name in the snap (`svc` for `<snap>.svc`); all of them without `services`. */
  start(name: string, services?: string | readonly string[], options?: { readonly enable?: boolean }): Promise<void>;
  stop(name: string, services?: string | readonly string[], options?: { readonly disable?: boolean }): Promise<void>;
  restart(name: string, services?: string | readonly string[]): Promise<void>;
  /** Connects `plug` [snap, plug] to `slot` ([snap, slot], or a snap, or the system's). */
  connect(plug: readonly [string, string], slot?: readonly [string, string] | string): Promise<void>;
  disconnect(plug?: readonly [string, string], slot?: readonly [string, string], options?: { readonly forget?: boolean }): Promise<void>;
  /** Holds refreshes for `durationMs`, or forever. */
  hold(name: string, durationMs?: number): Promise<void>;
  unhold(name: string): Promise<void>;
  alias(name: string, app: string, alias: string): Promise<void>;
  unalias(alias: string): Promise<void>;
}

const RISKS = new Set(["stable", "candidate", "beta", "edge"]);

/** The system snap, by the names snapd remaps (`system`, `core`): always there for interfaces and config. */
const SYSTEM_SNAPS = new Set(["system", "core"]);

/** snapd's own rules (snap/naming/validate.go): 2-40 of a-z 0-9 -, a letter, no edge or double dash; `_key` for an instance. */
function checkSnapName(name: unknown, label = "snap name"): asserts name is string {
  if (typeof name !== "string") throw new TypeError(`${label} must be a string, not ${typeof name}`);
  const [store = "", key, ...rest] = name.split("_");
  const validStore = store.length >= 2 && store.length <= 40 && /^[a-z0-9-]*[a-z][a-z0-9-]*$/.test(store) && !/^-|-$|--/.test(store);
  if (!validStore || rest.length > 0 || (key !== undefined && !/^[a-z0-9]{1,10}$/.test(key)))
    throw new TypeError(
      `${label} ${JSON.stringify(name)} is not a valid snap name (2-40 characters of a-z, 0-9 and single inner dashes, with a letter; ` +
        "an instance adds _ and 1-10 of a-z 0-9)",
    );
}

/** A config key: dotted parts, each as snapd's configstate requires (a-z 0-9 and single inner dashes, with a letter). */
function checkConfigKey(key: unknown): asserts key is string {
  if (typeof key !== "string") throw new TypeError(`config key must be a string, not ${typeof key}`);
  const part = /^(?:[a-z0-9]+-?)*[a-z](?:-?[a-z0-9])*$/;
  if (key === "" || !key.split(".").every((segment) => part.test(segment)))
    throw new TypeError(
      `config key ${JSON.stringify(key)} is not valid: dotted parts, each of a-z, 0-9 and single inner dashes, with a letter`,
    );
}

/** snapd's ValidApp (snap/naming/validate.go): letters, digits, single inner dashes. */
function checkServiceName(service: unknown): asserts service is string {
  if (typeof service !== "string" || !/^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$/.test(service))
    throw new TypeError(
      `service name ${JSON.stringify(service)} is not valid: give the service's name within the snap (letters, digits, ` +
        "single inner dashes), not <snap>.<service>",
    );
}

/** A plug or slot name (snap/naming/validate.go): a-z first, then a-z 0-9 and single inner dashes; empty lets snapd resolve it. */
function checkPlugSlot(name: unknown, label: string, allowEmpty: boolean): asserts name is string {
  if (typeof name !== "string" || !((allowEmpty && name === "") || /^[a-z](?:-?[a-z0-9])*$/.test(name)))
    throw new TypeError(`${label} ${JSON.stringify(name)} is not valid: a-z first, then a-z, 0-9 and single inner dashes`);
}

/** An alias (snap/naming/validate.go's ValidAlias). */
function checkAlias(alias: unknown): asserts alias is string {
  if (typeof alias !== "string" || !/^[a-zA-Z0-9][-_.a-zA-Z0-9]*$/.test(alias))
    throw new TypeError(`alias ${JSON.stringify(alias)} is not valid: a letter or digit, then letters, digits, -, _ and .`);
}

/** A channel as snapd reports it (channel.Full): a lone risk gets `latest/`, a lone track `/stable`, `risk/branch` gets `latest/`. */
export function normalizeChannel(channel: string): string {
  const parts = channel.split("/").filter((part) => part !== "");
  const [first = "", second] = parts;
  if (parts.length === 0) return "";
  if (parts.length === 1) return RISKS.has(first) ? `latest/${first}` : `${first}/stable`;
  if (parts.length === 2 && RISKS.has(first)) return `latest/${first}/${String(second)}`;
  return parts.join("/");
}

/** The channel snapd would track after a refresh to `channel` from `tracking` (channel.Resolve): a risk keeps the track. */
export function resolveChannel(channel: string, tracking: string): string {
  if (channel === "") return tracking;
  const track = tracking.includes("/") ? tracking.slice(0, tracking.indexOf("/")) : "";
  const head = channel.split("/")[0] ?? "";
  return normalizeChannel(track !== "" && RISKS.has(head) ? `${track}/${channel}` : channel);
}

/** The same error as another class (snapd's kind read in context), keeping kind and value. */
function recast(error: SnapAPIError, as: ApiErrorClass): SnapAPIError {
  const cast = new as(error.message, error.kind, error.value);
  cast.cause = error;
  return cast;
}

/** The unit's own snapd, over its REST API on a unix socket (node:http), as charmlibs.snap 2.0. */
export class LocalSnap implements Snap {
  private readonly client: SnapdClient;

  constructor(options: LocalSnapOptions = {}) {
    this.client = new SnapdClient(options);
  }

  /** The snapd socket it talks to. */
  get socketPath(): string {
    return this.client.socketPath;
  }

  async install(name: string, options: SnapInstallOptions = {}): Promise<boolean> {
    checkSnapName(name);
    const body = { action: "install", ...installFields(name, options) };
    try {
      await this.client.call(`install snap "${name}"`, "POST", `/v2/snaps/${segment(name)}`, { body, timeoutMs: options.timeoutMs });
      return true;
    } catch (error) {
      if (error instanceof SnapAPIError && error.kind === "snap-already-installed") return false;
      if (error instanceof SnapAPIError && error.kind === "snap-not-found") throw recast(error, SnapNotInStoreError);
      throw error;
    }
  }

  async refresh(name: string, options: SnapInstallOptions = {}): Promise<boolean> {
    checkSnapName(name);
    const body = { action: "refresh", ...installFields(name, options) };
    try {
      await this.client.call(`refresh snap "${name}"`, "POST", `/v2/snaps/${segment(name)}`, { body, timeoutMs: options.timeoutMs });
      return true;
    } catch (error) {
      if (error instanceof SnapAPIError && error.kind === "snap-no-update-available") return false;
      // An installed snap the store no longer has: snapd says snap-not-found (a missing one is snap-not-installed).
      if (error instanceof SnapAPIError && error.kind === "snap-not-found") throw recast(error, SnapNotInStoreError);
      throw error;
    }
  }

  async ensureInstalled(name: string, options: SnapInstallOptions & { readonly update?: boolean } = {}): Promise<boolean> {
    checkSnapName(name);
    const { update = true, ...install } = options;
    installFields(name, install);
    let info: InstalledSnap;
    try {
      info = await this.listOne(name, install.timeoutMs);
    } catch (error) {
      if (!(error instanceof SnapNotInstalledError)) throw error;
      await this.install(name, install);
      return true;
    }
    // Compare with the channel snapd would track, so `edge` for a snap on `latest/edge` is no change.
    const onChannel = resolveChannel(install.channel ?? "", info.tracking) === info.tracking;
    const onRevision = install.revision === undefined || String(install.revision) === info.revision;
    if (!onChannel || !onRevision) {
      await this.refresh(name, install);
      return true;
    }
    // A revision that is installed leaves nothing to update to (snapd would refresh it anyway: churn).
    if (install.revision !== undefined || !update) return false;
    return this.refresh(name, install);
  }

  async remove(name: string, options: { readonly purge?: boolean; readonly timeoutMs?: number } = {}): Promise<boolean> {
    checkSnapName(name);
    checkTimeout(options.timeoutMs);
    const body = { action: "remove", ...(options.purge === true ? { purge: true } : {}) };
    try {
      await this.client.call(`remove snap "${name}"`, "POST", `/v2/snaps/${segment(name)}`, { body, timeoutMs: options.timeoutMs });
      return true;
    } catch (error) {
      if (error instanceof SnapNotInstalledError) return false;
      throw error;
    }
  }

  async listOne(name: string, timeoutMs?: number): Promise<InstalledSnap> {
    checkSnapName(name);
    const result = await this.client.call(`read snap "${name}"`, "GET", `/v2/snaps/${segment(name)}`, { timeoutMs });
    return parseInstalled(name, result);
  }

  async get(name: string, keys?: string | readonly string[]): Promise<Record<string, SnapConfigValue>> {
    checkSnapName(name);
    const list = keys === undefined ? undefined : typeof keys === "string" ? [keys] : [...keys];
    list?.forEach(checkConfigKey);
    if (list?.length === 0) {
      await this.requireInstalled(name);
      return {};
    }
    const query = list === undefined ? "" : `?keys=${list.map(encodeURIComponent).join(",")}`;
    let result: unknown;
    try {
      result = await this.client.call(`read the config of snap "${name}"`, "GET", `/v2/snaps/${segment(name)}/conf${query}`, {});
    } catch (error) {
      // snapd answers option-not-found for any key of a snap that is not installed.
      if (error instanceof SnapOptionNotFoundError) await this.requireInstalled(name);
      throw error;
    }
    if (typeof result !== "object" || result === null || Array.isArray(result))
      throw new SnapError(
        `snapd's config of snap "${name}" is not a JSON object: ${JSON.stringify(result)}`,
        "tscharm-snap-bad-response",
        name,
      );
    // The whole config of a snap that is not installed is {}, as that of one with no config.
    if (list === undefined && Object.keys(result).length === 0) await this.requireInstalled(name);
    return result as Record<string, SnapConfigValue>;
  }

  async set(name: string, config: Readonly<Record<string, SnapConfigValue>>): Promise<void> {
    checkSnapName(name);
    const given: unknown = config;
    if (typeof given !== "object" || given === null || Array.isArray(given))
      throw new TypeError(`snap "${name}": set() needs an object of config keys and values`);
    Object.keys(config).forEach(checkConfigKey);
    await this.client.call(`set the config of snap "${name}"`, "PUT", `/v2/snaps/${segment(name)}/conf`, { body: config });
  }

  async unset(name: string, keys: string | readonly string[]): Promise<void> {
    checkSnapName(name);
    const list = typeof keys === "string" ? [keys] : [...keys];
    list.forEach(checkConfigKey);
    const body = Object.fromEntries(list.map((key) => [key, null]));
    await this.client.call(`unset the config of snap "${name}"`, "PUT", `/v2/snaps/${segment(name)}/conf`, { body });
  }

  start(name: string, services?: string | readonly string[], options: { readonly enable?: boolean } = {}): Promise<void> {
    return this.apps("start", name, services, options.enable === true ? { enable: true } : {});
  }

  stop(name: string, services?: string | readonly string[], options: { readonly disable?: boolean } = {}): Promise<void> {
    return this.apps("stop", name, services, options.disable === true ? { disable: true } : {});
  }

  restart(name: string, services?: string | readonly string[]): Promise<void> {
    return this.apps("restart", name, services, {});
  }

  async connect(plug: readonly [string, string], slot?: readonly [string, string] | string): Promise<void> {
    const [plugSnap, plugName] = checkPlug(plug, "connect");
    const [slotSnap, slotName] = slot === undefined ? ["", ""] : typeof slot === "string" ? [slot, ""] : [slot[0], slot[1]];
    if (slotSnap !== "") checkSnapName(slotSnap, "slot snap name");
    checkPlugSlot(slotName, "slot name", true);
    const what = `connect ${plugSnap}:${plugName} to ${slotSnap === "" ? "the system" : slotSnap}${slotName === "" ? "" : `:${slotName}`}`;
    const body = { action: "connect", plugs: [{ snap: plugSnap, plug: plugName }], slots: [{ snap: slotSnap, slot: slotName }] };
    try {
      await this.client.call(what, "POST", "/v2/interfaces", { body });
    } catch (error) {
      throw await this.notInstalledOr(error, plugSnap, slotSnap);
    }
  }

  async disconnect(
    plug?: readonly [string, string],
    slot?: readonly [string, string],
    options: { readonly forget?: boolean } = {},
  ): Promise<void> {
    if (plug === undefined && slot === undefined) throw new TypeError("disconnect() needs a plug, a slot, or both");
    const [plugSnap, plugName] = plug === undefined ? ["", ""] : checkPlug(plug, "disconnect");
    const [slotSnap, slotName] = slot === undefined ? ["", ""] : [slot[0], slot[1]];
    if (slot !== undefined) {
      if (slotSnap !== "") checkSnapName(slotSnap, "slot snap name");
      checkPlugSlot(slotName, "slot name", false);
    }
    const body = {
      action: "disconnect",
      plugs: [{ snap: plugSnap, plug: plugName }],
      slots: [{ snap: slotSnap, slot: slotName }],
      ...(options.forget === true ? { forget: true } : {}),
    };
    const what = `disconnect ${plug === undefined ? "" : `${plugSnap}:${plugName}`}${plug !== undefined && slot !== undefined ? " from " : ""}${
      slot === undefined ? "" : `${slotSnap === "" ? "the system" : slotSnap}:${slotName}`
    }`;
    try {
      await this.client.call(what, "POST", "/v2/interfaces", { body });
    } catch (error) {
      // Nothing connected to a plug or slot alone: a no-op, as the snap CLI.
      if (error instanceof SnapAPIError && error.kind === "interfaces-unchanged") return;
      throw await this.notInstalledOr(error, plugSnap, slotSnap);
    }
  }

  async hold(name: string, durationMs?: number): Promise<void> {
    checkSnapName(name);
    if (durationMs !== undefined && (typeof durationMs !== "number" || !Number.isFinite(durationMs) || durationMs <= 0))
      throw new TypeError(
        `snap "${name}": hold() needs a positive duration in milliseconds (or none for forever), not ${String(durationMs)}`,
      );
    const time = durationMs === undefined ? "forever" : new Date(Date.now() + durationMs).toISOString();
    try {
      await this.client.call(`hold refreshes of snap "${name}"`, "POST", `/v2/snaps/${segment(name)}`, {
        body: { action: "hold", "hold-level": "general", time },
      });
    } catch (error) {
      // snapd's error for a snap that is not installed has no kind here: ask.
      throw await this.notInstalledOr(error, name);
    }
  }

  async unhold(name: string): Promise<void> {
    checkSnapName(name);
    await this.client.call(`unhold refreshes of snap "${name}"`, "POST", `/v2/snaps/${segment(name)}`, { body: { action: "unhold" } });
  }

  async alias(name: string, app: string, alias: string): Promise<void> {
    checkSnapName(name);
    checkServiceName(app);
    checkAlias(alias);
    await this.client.call(`alias ${name}.${app} as "${alias}"`, "POST", "/v2/aliases", {
      body: { action: "alias", snap: name, app, alias },
    });
  }

  async unalias(alias: string): Promise<void> {
    checkAlias(alias);
    await this.client.call(`remove alias "${alias}"`, "POST", "/v2/aliases", { body: { action: "unalias", alias } });
  }

  private async apps(action: string, name: string, services: string | readonly string[] | undefined, flags: object): Promise<void> {
    checkSnapName(name);
    const list = services === undefined ? undefined : typeof services === "string" ? [services] : [...services];
    list?.forEach(checkServiceName);
    if (list?.length === 0) {
      await this.requireInstalled(name);
      return;
    }
    const names = list === undefined ? [name] : list.map((service) => `${name}.${service}`);
    const what = `${action} ${list === undefined ? `the services of snap "${name}"` : names.join(", ")}`;
    try {
      await this.client.call(what, "POST", "/v2/apps", { body: { action, names, ...flags } });
    } catch (error) {
      // app-not-found also says a snap has no services at all, or (older snapd) is not installed.
      if (error instanceof SnapAppNotFoundError) await this.requireInstalled(name);
      throw error;
    }
  }

  /** SnapNotInstalledError unless `name` is installed (the system snap always is). */
  private async requireInstalled(name: string): Promise<void> {
    if (SYSTEM_SNAPS.has(name)) return;
    await this.listOne(name);
  }

  /** For an error with no useful kind: SnapNotInstalledError for the first of `snaps` not installed, else `error`. */
  private async notInstalledOr(error: unknown, ...snaps: string[]): Promise<unknown> {
    if (!(error instanceof SnapAPIError) || error instanceof SnapChangeError || error instanceof SnapNotInstalledError) return error;
    for (const snap of snaps) {
      if (snap === "" || SYSTEM_SNAPS.has(snap)) continue;
      try {
        await this.listOne(snap);
      } catch (probe) {
        if (probe instanceof SnapNotInstalledError) return probe;
        throw probe;
      }
    }
    return error;
  }
}

/** The body fields of install and refresh; TypeError for a bad combination. */
function installFields(name: string, options: SnapInstallOptions): Record<string, unknown> {
  checkTimeout(options.timeoutMs);
  if (options.classic === true && options.devmode === true)
    throw new TypeError(`snap "${name}": classic and devmode cannot be used together (snapd refuses both)`);
  const { channel, revision } = options;
  if (channel !== undefined && (typeof channel !== "string" || !/^[a-z0-9][a-z0-9./_-]*$/i.test(channel) || channel.split("/").length > 3))
    throw new TypeError(`snap "${name}": channel ${JSON.stringify(channel)} is not a channel (track/risk/branch, e.g. latest/stable)`);
  if (revision !== undefined && !/^(x?[1-9][0-9]*)$/.test(String(revision)))
    throw new TypeError(
      `snap "${name}": revision ${JSON.stringify(revision)} is not a revision (a positive integer, or x<N> for a local one)`,
    );
  return {
    ...(channel !== undefined && channel !== "" ? { channel } : {}),
    ...(revision === undefined ? {} : { revision: String(revision) }),
    ...(options.classic === true ? { classic: true } : {}),
    ...(options.devmode === true ? { devmode: true } : {}),
  };
}

function checkPlug(plug: unknown, verb: string): [string, string] {
  if (!Array.isArray(plug) || plug.length !== 2) throw new TypeError(`${verb}() needs the plug as [snap, plug]`);
  const [snap, name] = plug as unknown[];
  checkSnapName(snap, "plug snap name");
  checkPlugSlot(name, "plug name", false);
  return [snap, name];
}

/** GET /v2/snaps/<name>'s result as InstalledSnap; SnapError (tscharm-snap-bad-response) when a field is missing. */
function parseInstalled(name: string, result: unknown): InstalledSnap {
  const bad = (why: string): SnapError =>
    new SnapError(`cannot read snapd's description of snap "${name}": ${why}`, "tscharm-snap-bad-response", name);
  if (typeof result !== "object" || result === null) throw bad("not a JSON object");
  const info = result as Record<string, unknown>;
  const text = (field: string, fallback?: string): string => {
    const value = info[field] ?? fallback;
    if (typeof value !== "string") throw bad(`"${field}" is not a string`);
    return value;
  };
  const revision = info["revision"];
  if (typeof revision !== "string" && typeof revision !== "number") throw bad('"revision" is missing');
  const holdText = info["hold"];
  let hold: Date | undefined;
  if (holdText !== undefined && holdText !== null) {
    hold = typeof holdText === "string" ? new Date(holdText) : undefined;
    if (hold === undefined || Number.isNaN(hold.getTime())) throw bad(`"hold" is not a time: ${JSON.stringify(holdText)}`);
  }
  return {
    name: text("name"),
    classic: info["confinement"] === "classic",
    tracking: text("tracking-channel", ""),
    revision: String(revision),
    version: text("version"),
    hold,
  };
}
