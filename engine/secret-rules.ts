// Juju's rules on secrets that hold outside one hook: content and metadata checks with Juju's texts,
// the expiry time Juju stores, secret ids, and who hears secret-changed.

import {
  MAX_SECRET_CONTENT_BYTES,
  base64Length,
  goDurationMs,
  isGoDuration,
  isPositiveGoDuration,
  isRfc3339Time,
  isSecretKey,
  isSecretRotatePolicy,
  parseSecretUri,
  type SecretRotatePolicy,
} from "../grammar/secrets.js";
import type { JujuModel } from "./model.js";
import type { SecretRecord } from "./records.js";
import { fail } from "./tool-errors.js";

/** secret-add / secret-set content (exit 2, as the tool checks it while parsing its arguments). */
export function checkSecretContent(tool: string, content: Readonly<Record<string, string>>): void {
  if (Object.keys(content).length === 0) fail(tool, 2, "missing secret value or filename");
  let total = 0;
  for (const [key, value] of Object.entries(content)) {
    if (!isSecretKey(key)) fail(tool, 2, `key "${key}" not valid`);
    const encoded = base64Length(value);
    if (encoded > MAX_SECRET_CONTENT_BYTES) fail(tool, 2, `base64 encoded secret content for key "${key}" too large: ${encoded} bytes`);
    total += encoded;
  }
  if (total > MAX_SECRET_CONTENT_BYTES) fail(tool, 2, `base64 encoded secret content too large: ${total} bytes`);
}

/** secret-add / secret-set `--rotate` and `--expire` (exit 2). */
export function checkSecretMetadata(tool: string, options: { rotate?: string | undefined; expire?: string | undefined }): void {
  if (options.rotate !== undefined && !isSecretRotatePolicy(options.rotate)) {
    fail(tool, 2, `rotate policy "${options.rotate}" not valid`);
  }
  const expire = options.expire;
  if (expire !== undefined) {
    if (isGoDuration(expire)) {
      if (!isPositiveGoDuration(expire)) fail(tool, 2, `negative expire duration "${expire}" not valid`);
    } else if (!isRfc3339Time(expire)) {
      fail(tool, 2, `expire time or duration "${expire}" not valid`);
    }
  }
}

/**
 * The expiry time Juju stores for `--expire`: an RFC 3339 time as given (a time without a zone is
 * UTC), or now plus a Go duration (`24h`, `1h30m`). Call after checkSecretMetadata.
 */
export function expiryTime(expire: string, now = Date.now()): string {
  if (isGoDuration(expire)) return rfc3339(new Date(now + goDurationMs(expire)));
  return /(?:Z|[+-]\d{2}:\d{2})$/.test(expire) ? expire : `${expire}Z`;
}

/**
 * When a secret with rotate policy `policy` is next rotated, counted from `from` (ms): what the
 * controller stores as NextRotateTime and secret-info-get prints as `rotates`. Undefined for
 * `never`. Months and years are calendar ones, as Go's AddDate counts them (juju/juju
 * core/secrets/rotate.go, RotatePolicy.NextRotateTime).
 */
export function nextRotateTime(policy: SecretRotatePolicy, from = Date.now()): string | undefined {
  const when = new Date(from);
  switch (policy) {
    case "never":
      return undefined;
    case "hourly":
      when.setTime(from + 3_600_000);
      break;
    case "daily":
      when.setUTCDate(when.getUTCDate() + 1);
      break;
    case "weekly":
      when.setUTCDate(when.getUTCDate() + 7);
      break;
    case "monthly":
      when.setUTCMonth(when.getUTCMonth() + 1);
      break;
    case "quarterly":
      when.setUTCMonth(when.getUTCMonth() + 3);
      break;
    case "yearly":
      when.setUTCFullYear(when.getUTCFullYear() + 1);
      break;
  }
  return rfc3339(when);
}

/** Go's time.RFC3339 in UTC: no fraction of a second. */
function rfc3339(when: Date): string {
  return `${when.toISOString().slice(0, 19)}Z`;
}

/** The xid of `secret://<model>/<xid>`, `secret:<xid>` or a bare xid; undefined if it is none of them. */
export function xidOf(id: string): string | undefined {
  return parseSecretUri(id)?.xid;
}

/**
 * Whether a unit may read a secret: it owns it, its application owns it, or it or its application
 * has a grant (a grant made over a relation ends with the relation).
 */
export function canReadSecret(model: JujuModel, secret: SecretRecord, unitName: string): boolean {
  const app = model.unit(unitName).app;
  if (secret.owner.kind === "unit" && secret.owner.unit === unitName) return true;
  if (secret.owner.kind === "application" && secret.owner.app === app) return true;
  return [app, unitName].some((grantee) => {
    const grant = secret.grants.get(grantee);
    return grant !== undefined && (grant.relationId === undefined || model.relations.has(grant.relationId));
  });
}

/** The unit that manages a secret: its owner unit, or the leader of its owner application. */
export function secretManager(model: JujuModel, secret: SecretRecord): string | undefined {
  if (secret.owner.kind === "unit") return secret.owner.unit;
  if (secret.owner.kind === "application") return model.apps.get(secret.owner.app)?.leader;
  return undefined;
}

/**
 * Who hears secret-changed, the one rule the test kit and the simulator share: a unit hears it for
 * the latest revision of a secret when it consumes the secret (it has read it, so it tracks a
 * revision), may still read it, does not manage it (the manager publishes the revisions), and has
 * not seen the latest revision yet. Juju watches each unit's consumed secrets for new revisions
 * (juju/juju domain/secret/service/watcher.go, WatchConsumedSecretsChanges); a unit that never read
 * the secret is not a consumer. `seen` is the last revision the unit was told of: by default the
 * revision it tracks; the simulator's unit agents remember the revisions they ran secret-changed for.
 */
export function hearsSecretChanged(
  model: JujuModel,
  secret: SecretRecord,
  unitName: string,
  seen = secret.tracking.get(unitName),
): boolean {
  if (!secret.tracking.has(unitName) || seen === undefined || seen >= secret.latest) return false;
  return model.units.has(unitName) && unitName !== secretManager(model, secret) && canReadSecret(model, secret, unitName);
}

/** The units that hear secret-changed for the latest revision of a secret (hearsSecretChanged), in name order. */
export function secretChangedAudience(model: JujuModel, xid: string): string[] {
  const secret = model.secrets.get(xid);
  if (secret === undefined) return [];
  return [...secret.tracking.keys()].filter((unit) => hearsSecretChanged(model, secret, unit)).sort();
}
