// Juju's secrets: content keys and sizes, rotate policies, expiry times and secret URIs
// (juju/juju core/secrets).

/** Who owns a secret: the application (its leader manages it) or one unit. */
export type SecretOwner = "application" | "unit";

export const SECRET_ROTATE_POLICIES = ["never", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly"] as const;
export type SecretRotatePolicy = (typeof SECRET_ROTATE_POLICIES)[number];

/** A content key: a lowercase letter, then letters, digits and single hyphens; 3 characters or more. */
export const SECRET_KEY = /^([a-z](?:-?[a-z0-9]){2,})$/;

/** Juju caps each base64-encoded value, and all of them together, at this many bytes. */
export const MAX_SECRET_CONTENT_BYTES = 1_000_000;

/** A secret's unique id in a URI: 20 characters of base32hex (xid). */
export const SECRET_XID = /^[0-9a-v]{20}$/;

/** An RFC 3339 time, with or without a fraction of a second; the zone may be left out. */
export const RFC3339_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?$/;

/** A Go duration (time.ParseDuration): `24h`, `1h30m`, `-5s`, `0.5ms`. */
export const GO_DURATION = /^-?(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;

export function isSecretRotatePolicy(value: string): value is SecretRotatePolicy {
  return (SECRET_ROTATE_POLICIES as readonly string[]).includes(value);
}

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** The length of a value once base64-encoded, which is what Juju's size limits count. */
export function base64Length(value: string): number {
  return Math.ceil(Buffer.byteLength(value, "utf8") / 3) * 4;
}

/** Whether `expire` is an RFC 3339 time that names a real instant. */
export function isRfc3339Time(expire: string): boolean {
  return RFC3339_TIME.test(expire) && !Number.isNaN(Date.parse(expire));
}

export function isGoDuration(text: string): boolean {
  return GO_DURATION.test(text);
}

/** A Go duration greater than zero (`secret-add --expire` refuses the others). */
export function isPositiveGoDuration(text: string): boolean {
  return GO_DURATION.test(text) && !text.startsWith("-") && /[1-9]/.test(text);
}

/** A Go duration in milliseconds. */
export function goDurationMs(text: string): number {
  const units: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount = "0", unit = "s"] of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g))
    total += Number(amount) * (units[unit] ?? 0);
  return text.startsWith("-") ? -total : total;
}

/** What a secret id names: `secret://<model-uuid>/<xid>`, `secret:<xid>` or a bare xid. */
export interface SecretUri {
  readonly xid: string;
  /** The model's UUID, when the id carries one. */
  readonly modelUuid: string | undefined;
}

/** Parses a secret id (surrounding blanks ignored); undefined when it is none of the three forms. */
export function parseSecretUri(id: string): SecretUri | undefined {
  const match = /^(?:secret:(?:\/\/([^/]+)\/)?)?([0-9a-v]{20})$/.exec(id.trim());
  if (match === null) return undefined;
  return { xid: match[2] ?? "", modelUuid: match[1] };
}

/**
 * A secret id in one of the three forms exactly as Juju writes it: no surrounding blanks, and the
 * model's UUID (when there is one) in lowercase hex and hyphens.
 */
export function isExactSecretId(id: string): boolean {
  const uri = parseSecretUri(id);
  return uri !== undefined && id.trim() === id && (uri.modelUuid === undefined || /^[0-9a-f-]+$/.test(uri.modelUuid));
}

/** The URI Juju gives a secret of a model. */
export function secretUri(modelUuid: string, xid: string): string {
  return `secret://${modelUuid}/${xid}`;
}
