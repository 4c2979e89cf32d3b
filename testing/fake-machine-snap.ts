// FakeMachine's snaps: the installed snaps (tracking, revision, config, services, holds) and a
// store to install from, with the Snap concept over them as machine/snap.ts documents it (after
// charmlibs.snap 2.0): snapd's channel resolution, and its error kinds as the same typed errors
// (SnapNotInStoreError, SnapChannelNotAvailableError, SnapNotInstalledError, ...).

import {
  type InstalledSnap,
  type Snap,
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChannelNotAvailableError,
  type SnapConfigValue,
  type SnapInstallOptions,
  SnapNeedsClassicError,
  SnapNotInStoreError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
  SnapRevisionNotAvailableError,
  normalizeChannel,
  resolveChannel,
} from "../machine/snap.js";
import { attempt } from "./fake-machine-files.js";

/** A snap in the fake store: a revision and version per channel (`latest/stable`, `5.21/stable`, `edge`, ...). */
export interface FakeStoreSnap {
  readonly name: string;
  readonly channels: Readonly<Record<string, { readonly revision: string | number; readonly version: string }>>;
  /** Published with classic confinement: installing needs `classic: true`. */
  readonly classic?: boolean;
  /** The snap's services (without the `<snap>.` prefix); they run once installed. */
  readonly services?: readonly string[];
  /** Its apps, for alias(); default: the services and the snap's own name. */
  readonly apps?: readonly string[];
}

/** A snap installed from the start. */
export interface FakeSnapInit {
  readonly name: string;
  /** The tracked channel; default latest/stable. */
  readonly channel?: string;
  readonly revision: string | number;
  readonly version?: string;
  readonly classic?: boolean;
  readonly config?: Readonly<Record<string, SnapConfigValue>>;
  /** Its services and their state; default: those of its store entry, active and enabled. */
  readonly services?: Readonly<Record<string, { readonly active: boolean; readonly enabled: boolean }>>;
}

/** An installed snap as `machine.snaps` shows it. */
export interface FakeSnapState extends InstalledSnap {
  readonly config: Readonly<Record<string, SnapConfigValue>>;
  readonly services: Readonly<Record<string, { readonly active: boolean; readonly enabled: boolean }>>;
}

/** How far ahead an indefinite hold reads (snapd reports one some 292 years ahead). */
const FOREVER_MS = 292 * 365.25 * 24 * 3600 * 1000;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type SnapRecord = Mutable<Omit<FakeSnapState, "config" | "services">> & {
  config: Record<string, SnapConfigValue>;
  services: Record<string, { active: boolean; enabled: boolean }>;
};

/** The snaps of a FakeMachine: installed ones, the store, connections and aliases. */
export class FakeSnaps {
  readonly installed = new Map<string, SnapRecord>();
  readonly store = new Map<string, FakeStoreSnap>();
  /** Interface connections, as `plug-snap:plug slot-snap:slot`. */
  readonly connections = new Set<string>();
  /** Aliases to `<snap>.<app>`. */
  readonly aliases = new Map<string, string>();

  constructor(snaps: readonly FakeSnapInit[] = [], store: readonly FakeStoreSnap[] = []) {
    for (const entry of store) this.store.set(entry.name, entry);
    for (const snap of snaps) {
      const services =
        snap.services === undefined
          ? Object.fromEntries((this.store.get(snap.name)?.services ?? []).map((s) => [s, { active: true, enabled: true }]))
          : Object.fromEntries(Object.entries(snap.services).map(([s, state]) => [s, { ...state }]));
      this.installed.set(snap.name, {
        name: snap.name,
        classic: snap.classic ?? this.store.get(snap.name)?.classic ?? false,
        tracking: normalizeChannel(snap.channel ?? "latest/stable"),
        revision: String(snap.revision),
        version: snap.version ?? "",
        hold: undefined,
        config: structuredClone({ ...(snap.config ?? {}) }),
        services,
      });
    }
  }

  view(record: SnapRecord): FakeSnapState {
    return structuredClone(record);
  }
}

/** LocalSnap's message: what it was doing, then snapd's words. */
function said(what: string, message: string): string {
  return `cannot ${what}: ${message}`;
}

function notInstalled(what: string, name: string): SnapNotInstalledError {
  return new SnapNotInstalledError(said(what, `snap "${name}" is not installed`), "snap-not-installed", name);
}

function names(services: string | readonly string[] | undefined): readonly string[] | undefined {
  return typeof services === "string" ? [services] : services;
}

/** The Snap concept over the fake snaps. */
export class FakeSnap implements Snap {
  constructor(
    private readonly snaps: FakeSnaps,
    private readonly now: () => number = Date.now,
  ) {}

  install(name: string, options: SnapInstallOptions = {}): Promise<boolean> {
    return attempt(() => {
      if (this.snaps.installed.has(name)) return false;
      return this.installNow(name, options);
    });
  }

  ensureInstalled(name: string, options: SnapInstallOptions & { readonly update?: boolean } = {}): Promise<boolean> {
    return attempt(() => {
      const current = this.snaps.installed.get(name);
      if (current === undefined) return this.installNow(name, options);
      const channel = resolveChannel(options.channel ?? "", current.tracking);
      const revision = options.revision === undefined ? undefined : String(options.revision);
      if (channel !== current.tracking || (revision !== undefined && revision !== current.revision)) {
        this.refreshNow(name, options);
        return true;
      }
      if (revision !== undefined || options.update === false) return false;
      return this.refreshNow(name, options);
    });
  }

  refresh(name: string, options: SnapInstallOptions = {}): Promise<boolean> {
    return attempt(() => this.refreshNow(name, options));
  }

  remove(name: string): Promise<boolean> {
    return attempt(() => {
      if (!this.snaps.installed.delete(name)) return false;
      for (const connection of [...this.snaps.connections])
        if (connection.split(" ").some((end) => end.startsWith(`${name}:`))) this.snaps.connections.delete(connection);
      for (const [alias, target] of [...this.snaps.aliases]) if (target.startsWith(`${name}.`)) this.snaps.aliases.delete(alias);
      return true;
    });
  }

  listOne(name: string): Promise<InstalledSnap> {
    return attempt(() => {
      const { name: n, classic, tracking, revision, version, hold } = this.record(name, `read snap "${name}"`);
      return { name: n, classic, tracking, revision, version, hold };
    });
  }

  get(name: string, keys?: string | readonly string[]): Promise<Record<string, SnapConfigValue>> {
    return attempt(() => {
      const what = `read the config of snap "${name}"`;
      const record = this.record(name, what);
      const wanted = names(keys);
      if (wanted === undefined) return structuredClone<Record<string, SnapConfigValue>>(record.config);
      const out: Record<string, SnapConfigValue> = {};
      for (const key of wanted) {
        const value = lookup(record.config, key);
        if (value === undefined)
          throw new SnapOptionNotFoundError(said(what, `snap "${name}" has no "${key}" configuration option`), "option-not-found", name);
        out[key] = structuredClone<SnapConfigValue>(value);
      }
      return out;
    });
  }

  set(name: string, config: Readonly<Record<string, SnapConfigValue>>): Promise<void> {
    return attempt(() => {
      const record = this.record(name, `set the config of snap "${name}"`);
      for (const [key, value] of Object.entries(config)) assign(record.config, key, value);
    });
  }

  unset(name: string, keys: string | readonly string[]): Promise<void> {
    return attempt(() => {
      const record = this.record(name, `unset the config of snap "${name}"`);
      for (const key of names(keys) ?? []) assign(record.config, key, null);
    });
  }

  start(name: string, services?: string | readonly string[], options: { readonly enable?: boolean } = {}): Promise<void> {
    return attempt(() => {
      for (const state of this.services("start", name, services)) {
        state.active = true;
        if (options.enable === true) state.enabled = true;
      }
    });
  }

  stop(name: string, services?: string | readonly string[], options: { readonly disable?: boolean } = {}): Promise<void> {
    return attempt(() => {
      for (const state of this.services("stop", name, services)) {
        state.active = false;
        if (options.disable === true) state.enabled = false;
      }
    });
  }

  restart(name: string, services?: string | readonly string[]): Promise<void> {
    return attempt(() => {
      for (const state of this.services("restart", name, services)) state.active = true;
    });
  }

  connect(plug: readonly [string, string], slot?: readonly [string, string] | string): Promise<void> {
    return attempt(() => {
      this.connection(plug, slot, (key) => this.snaps.connections.add(key));
    });
  }

  disconnect(plug?: readonly [string, string], slot?: readonly [string, string]): Promise<void> {
    // `forget` changes nothing here: the fake keeps no memory of connections that were removed.
    return attempt(() => {
      const plugEnd = plug === undefined ? undefined : `${plug[0]}:${plug[1]}`;
      const slotEnd = slot === undefined ? undefined : `${slot[0]}:${slot[1]}`;
      if (plugEnd === undefined && slotEnd === undefined) throw new TypeError("disconnect() needs a plug or a slot");
      for (const connection of [...this.snaps.connections]) {
        const [p, s] = connection.split(" ");
        if ((plugEnd === undefined || p === plugEnd) && (slotEnd === undefined || s === slotEnd)) this.snaps.connections.delete(connection);
      }
    });
  }

  hold(name: string, durationMs?: number): Promise<void> {
    return attempt(() => {
      this.record(name, `hold refreshes of snap "${name}"`).hold = new Date(this.now() + (durationMs ?? FOREVER_MS));
    });
  }

  unhold(name: string): Promise<void> {
    return attempt(() => {
      const record = this.snaps.installed.get(name);
      if (record !== undefined) record.hold = undefined;
    });
  }

  alias(name: string, app: string, alias: string): Promise<void> {
    return attempt(() => {
      const what = `alias ${name}.${app} as "${alias}"`;
      this.record(name, what);
      const entry = this.snaps.store.get(name);
      const apps = entry?.apps ?? [...(entry?.services ?? []), name];
      if (!apps.includes(app)) throw new SnapAppNotFoundError(said(what, `snap "${name}" has no app "${app}"`), "app-not-found", name);
      this.snaps.aliases.set(alias, `${name}.${app}`);
    });
  }

  unalias(alias: string): Promise<void> {
    return attempt(() => {
      if (!this.snaps.aliases.delete(alias))
        throw new SnapAPIError(said(`remove alias "${alias}"`, `cannot find manual alias "${alias}" in any snap`), "", alias);
    });
  }

  private installNow(name: string, options: SnapInstallOptions): boolean {
    const channel = normalizeChannel(options.channel ?? "latest/stable");
    const { entry, revision, version } = this.pick(`install snap "${name}"`, name, channel, options);
    const services = Object.fromEntries((entry.services ?? []).map((s) => [s, { active: true, enabled: true }]));
    this.snaps.installed.set(name, {
      name,
      classic: entry.classic ?? false,
      tracking: channel,
      revision,
      version,
      hold: undefined,
      config: {},
      services,
    });
    return true;
  }

  private refreshNow(name: string, options: SnapInstallOptions): boolean {
    const what = `refresh snap "${name}"`;
    const record = this.record(name, what);
    const channel = resolveChannel(options.channel ?? "", record.tracking);
    const { revision, version } = this.pick(what, name, channel, { ...options, classic: options.classic ?? record.classic });
    // snapd refreshes whenever a revision is given; otherwise only to a new revision or channel.
    if (options.revision === undefined && revision === record.revision && channel === record.tracking) return false;
    Object.assign(record, { tracking: channel, revision, version });
    return true;
  }

  /** The store's revision for this channel (or the revision asked for), or the error snapd gives. */
  private pick(
    what: string,
    name: string,
    channel: string,
    options: SnapInstallOptions,
  ): { entry: FakeStoreSnap; revision: string; version: string } {
    const entry = this.snaps.store.get(name);
    if (entry === undefined) throw new SnapNotInStoreError(said(what, "snap not found"), "snap-not-found", name);
    if (entry.classic === true && options.classic !== true)
      throw new SnapNeedsClassicError(
        said(what, `snap "${name}" requires classic confinement (classic: true)`),
        "snap-needs-classic",
        name,
      );
    const channels = Object.entries(entry.channels).map(([c, release]) => ({
      channel: normalizeChannel(c),
      revision: String(release.revision),
      version: release.version,
    }));
    if (options.revision !== undefined) {
      const found = channels.find((c) => c.revision === String(options.revision));
      if (found === undefined)
        throw new SnapRevisionNotAvailableError(
          said(what, `no snap revision available as specified (revision ${String(options.revision)})`),
          "snap-revision-not-available",
          name,
        );
      return { entry, revision: found.revision, version: found.version };
    }
    const found = channels.find((c) => c.channel === channel);
    if (found === undefined)
      throw new SnapChannelNotAvailableError(
        said(what, `no snap revision on specified channel (${channel})`),
        "snap-channel-not-available",
        name,
      );
    return { entry, revision: found.revision, version: found.version };
  }

  private record(name: string, what: string): SnapRecord {
    const record = this.snaps.installed.get(name);
    if (record === undefined) throw notInstalled(what, name);
    return record;
  }

  private services(
    action: string,
    name: string,
    services: string | readonly string[] | undefined,
  ): { active: boolean; enabled: boolean }[] {
    const wanted = names(services);
    const full = (service: string): string => (service.startsWith(`${name}.`) ? service : `${name}.${service}`);
    const what = `${action} ${wanted === undefined ? `the services of snap "${name}"` : wanted.map(full).join(", ")}`;
    const record = this.record(name, what);
    if (wanted === undefined) {
      const all = Object.values(record.services);
      if (all.length === 0) throw new SnapAppNotFoundError(said(what, `snap "${name}" has no services`), "app-not-found", name);
      return all;
    }
    return wanted.map((service) => {
      const short = full(service).slice(name.length + 1);
      const state = record.services[short];
      if (state === undefined)
        throw new SnapAppNotFoundError(said(what, `snap "${name}" has no service "${short}"`), "app-not-found", name);
      return state;
    });
  }

  private connection(
    plug: readonly [string, string],
    slot: readonly [string, string] | string | undefined,
    apply: (key: string) => void,
  ): void {
    const [slotSnap, slotName] = typeof slot === "string" ? [slot, ""] : (slot ?? ["", ""]);
    for (const part of [...plug, slotSnap, slotName])
      if (part !== "" && part.trim() === "") throw new TypeError("connect(): a blank snap or interface name");
    if (plug[0].trim() === "" || plug[1].trim() === "") throw new TypeError("connect() needs a plug: [snap, plug]");
    const what = `connect ${plug[0]}:${plug[1]} to ${slotSnap === "" ? "the system" : slotSnap}${slotName === "" ? "" : `:${slotName}`}`;
    this.record(plug[0], what);
    if (slotSnap !== "" && !["system", "core", "snapd"].includes(slotSnap)) this.record(slotSnap, what);
    apply(`${plug[0]}:${plug[1]} ${slotSnap === "" ? "system" : slotSnap}:${slotName === "" ? plug[1] : slotName}`);
  }
}

function lookup(config: Record<string, SnapConfigValue>, key: string): SnapConfigValue | undefined {
  let value: SnapConfigValue | undefined = config;
  for (const part of key.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    value = (value as Record<string, SnapConfigValue>)[part];
  }
  return value;
}

function assign(config: Record<string, SnapConfigValue>, key: string, value: SnapConfigValue): void {
  const parts = key.split(".");
  const last = parts.pop() ?? key;
  let target: Record<string, SnapConfigValue> = config;
  for (const part of parts) {
    const next = target[part];
    if (next === null || typeof next !== "object" || Array.isArray(next)) {
      if (value === null) return;
      target[part] = {};
    }
    target = target[part] as Record<string, SnapConfigValue>;
  }
  if (value === null) Reflect.deleteProperty(target, last);
  else target[last] = structuredClone<SnapConfigValue>(value);
}
