// The ingress v2 databags, as charms.traefik_k8s.v2.ingress (LIBAPI 2, LIBPATCH 21) writes and
// reads them: every top-level value json.dumps'ed, fields at their default left out (pydantic's
// `exclude_defaults`, nested models included), the provider's `ingress` an object with a `url`.

import { DataValidationError, decode, type RemoteBag } from "../common/data.js";
import { decodeHttpUrl, ipAddress } from "../common/net.js";

export const SCHEMES = ["http", "https", "h2c"] as const;
/** The schemes the library accepts for the URL the provider builds. */
export type IngressScheme = (typeof SCHEMES)[number];

/** The library's `IngressHealthCheck`: how the provider checks the units. */
export interface IngressHealthCheck {
  /** The health check endpoint path (required). */
  readonly path: string;
  /** Replaces the server URL scheme for the check. */
  readonly scheme?: string;
  /** Hostname sent in the check request. */
  readonly hostname?: string;
  /** Replaces the server URL port for the check. */
  readonly port?: number;
  /** How often to check (the provider's default: `30s`). */
  readonly interval?: string;
  /** How long a check may take (the provider's default: `5s`). */
  readonly timeout?: string;
}

/** What the requirer's leader writes into its application bag (before JSON encoding), in the library's field order. */
export function requirerAppData(values: {
  readonly model: string;
  readonly name: string;
  readonly port: number;
  readonly isPortOpen: boolean;
  readonly healthcheckParams: IngressHealthCheck | undefined;
  readonly stripPrefix: boolean;
  readonly redirectHttps: boolean;
  readonly scheme: string;
}): Record<string, unknown> {
  checkPort("port", values.port);
  if (!(SCHEMES as readonly string[]).includes(values.scheme)) {
    throw new DataValidationError("ingress", "scheme", `must be one of http, https, h2c (not ${JSON.stringify(values.scheme)})`);
  }
  return {
    model: values.model,
    name: values.name,
    port: values.port,
    // exclude_defaults: false, False, "http", None and the check's 30s/5s are left out.
    is_port_open: values.isPortOpen ? true : undefined,
    healthcheck_params: values.healthcheckParams === undefined ? undefined : healthCheck(values.healthcheckParams),
    "strip-prefix": values.stripPrefix ? true : undefined,
    "redirect-https": values.redirectHttps ? true : undefined,
    scheme: values.scheme === "http" ? undefined : values.scheme,
  };
}

/** The library asserts `0 < port < 65535` (so 65535 itself is refused). */
function checkPort(field: string, port: unknown): void {
  if (!Number.isSafeInteger(port)) throw new DataValidationError("ingress", field, `must be an integer (not ${String(port)})`);
  if ((port as number) <= 0 || (port as number) >= 65535)
    throw new DataValidationError("ingress", field, `is out of TCP range (0 < port < 65535): ${String(port)}`);
}

function healthCheck(check: IngressHealthCheck): Record<string, unknown> {
  const strings = ["path", "scheme", "hostname", "interval", "timeout"] as const;
  for (const key of strings) {
    const value = check[key];
    if (value !== undefined && typeof value !== "string")
      throw new DataValidationError("ingress", `healthcheckParams.${key}`, "must be a string");
  }
  if (typeof check.path !== "string") throw new DataValidationError("ingress", "healthcheckParams.path", "is required");
  if (check.port !== undefined && !Number.isSafeInteger(check.port))
    throw new DataValidationError("ingress", "healthcheckParams.port", "must be an integer");
  return {
    path: check.path,
    scheme: check.scheme,
    hostname: check.hostname,
    port: check.port,
    interval: check.interval === "30s" ? undefined : check.interval,
    timeout: check.timeout === "5s" ? undefined : check.timeout,
  };
}

/** The unit bag: `host`, and `ip` unless there is none (the library leaves a None out). */
export function requirerUnitData(host: string, ip: string | undefined): Record<string, unknown> {
  // The library checks that ip is an IPv4 or IPv6 address, and sends it as given.
  if (ip !== undefined && ipAddress(ip) === undefined)
    throw new DataValidationError("ingress", "ip", `${JSON.stringify(ip)} is not a valid ip address`);
  return { host, ip };
}

/**
 * The URL in the provider's `ingress`, as the library reports it (pydantic's `AnyHttpUrl`, so
 * normalised: `http://Foo.example` is `http://foo.example/`); undefined when nothing is published.
 * A bad value throws `InterfaceDataError` naming the key (`ingress`, `ingress.url`).
 */
export function providerUrl(bag: RemoteBag): string | undefined {
  return bag.json("ingress", decode.object<{ url: string }>({ url: decodeHttpUrl }))?.url;
}
