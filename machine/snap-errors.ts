// snap's errors (charmlibs.snap's): snapd's error kinds as classes, and the kit's own. A module of
// their own, so that the operations (snap.ts) and the transport (snapd-client.ts) both import them.

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
/** The snap needs devmode (or a confinement override): install it with `devmode: true`. */
export class SnapNeedsDevmodeError extends SnapAPIError {
  override name = "SnapNeedsDevmodeError";
}
/** Another change on this snap is in progress (snapd's 409 `snap-change-conflict`): often temporary, retry later. */
export class SnapChangeConflictError extends SnapAPIError {
  override name = "SnapChangeConflictError";
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

/** A SnapAPIError class, as snapd's kind selects it. */
export type ApiErrorClass = new (message: string, kind: string, value: string) => SnapAPIError;
