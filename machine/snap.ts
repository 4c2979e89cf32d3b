// Snaps, after charmlibs.snap 2.0: snapd's REST API on /run/snapd.socket (never the snap CLI),
// async changes followed to completion with a timeout, snapd's error kinds as typed errors.

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

/** The base of snap's errors (charmlibs.snap's Error): snapd's `kind` and `value` when it sent them. */
export class SnapError extends Error {
  override name = "SnapError";
  constructor(
    message: string,
    /** snapd's error kind (`snap-not-found`, ...), or the kit's own (`tscharm-snap-...`). */
    readonly kind: string,
    readonly value: string,
  ) {
    super(message);
  }
}
/** snapd answered with an error (charmlibs.snap's APIError). */
export class SnapAPIError extends SnapError {
  override name = "SnapAPIError";
}
export class SnapNotInstalledError extends SnapAPIError {
  override name = "SnapNotInstalledError";
}
export class SnapNotInStoreError extends SnapAPIError {
  override name = "SnapNotInStoreError";
}
export class SnapNeedsClassicError extends SnapAPIError {
  override name = "SnapNeedsClassicError";
}
export class SnapChannelNotAvailableError extends SnapAPIError {
  override name = "SnapChannelNotAvailableError";
}
export class SnapRevisionNotAvailableError extends SnapAPIError {
  override name = "SnapRevisionNotAvailableError";
}
export class SnapAppNotFoundError extends SnapAPIError {
  override name = "SnapAppNotFoundError";
}
export class SnapOptionNotFoundError extends SnapAPIError {
  override name = "SnapOptionNotFoundError";
}
/** A change snapd ran failed (its `err`); `value` is the change id. */
export class SnapChangeError extends SnapAPIError {
  override name = "SnapChangeError";
}
/** /run/snapd.socket is missing or refused the connection, or the connection broke. */
export class SnapConnectionError extends SnapError {
  override name = "SnapConnectionError";
}
/** A request or a change did not finish in time. */
export class SnapTimeoutError extends SnapError {
  override name = "SnapTimeoutError";
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
  /** The snap's services (`<snap>.<service>`), all of them without `services`. */
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
