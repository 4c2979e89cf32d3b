// The haproxy-route databags, as charms.haproxy.v2.haproxy_route (LIBAPI 2, LIBPATCH 3) writes
// and reads them. There is no interface spec: the library's pydantic models are the spec. Every
// top-level value is json.dumps'ed; fields at their default are left out, inside nested objects
// too (pydantic's `model_dump(mode="json", exclude_defaults=True)`), in the models' field order.

import { DataValidationError, decode, type RemoteBag } from "../common/data.js";
import { decodeHttpUrl, ipAddress } from "../common/net.js";

export const LOAD_BALANCING_ALGORITHMS = ["leastconn", "source", "roundrobin", "cookie"] as const;
/** The library's LoadBalancingAlgorithm values: LEASTCONN, SRCIP, ROUNDROBIN, COOKIE. */
export type LoadBalancingAlgorithm = (typeof LOAD_BALANCING_ALGORITHMS)[number];
export const RATE_LIMIT_POLICIES = ["deny", "reject", "silent-drop"] as const;
/** The library's RateLimitPolicy values: DENY, REJECT, SILENT. */
export type RateLimitPolicy = (typeof RATE_LIMIT_POLICIES)[number];

/**
 * What the requirer asks haproxy for: the Python library's keyword arguments, in camelCase
 * (`check_interval` is `checkInterval`). Defaults are the library's.
 */
export interface HaproxyRouteRequirements {
  /** The service's name (no spaces, quotes, `#`, `$`, `\`). */
  readonly service?: string;
  /** The ports the service listens on. */
  readonly ports?: readonly number[];
  /** What the service speaks (default `http`). */
  readonly protocol?: "http" | "https";
  /** Backend addresses (IPs); default: the units' addresses. */
  readonly hosts?: readonly string[];
  /** URL paths routed to the service. */
  readonly paths?: readonly string[];
  /** The service's host name (a domain, `*.` allowed below the TLD). */
  readonly hostname?: string;
  readonly additionalHostnames?: readonly string[];
  /** Health check: sent only when interval, rise and fall are all set (non-zero). */
  readonly checkInterval?: number;
  readonly checkRise?: number;
  readonly checkFall?: number;
  readonly checkPath?: string;
  readonly checkPort?: number;
  /** `set-path` rewrites, in order. */
  readonly pathRewriteExpressions?: readonly string[];
  /** `set-query` rewrites. */
  readonly queryRewriteExpressions?: readonly string[];
  /** `set-header` rewrites: `[header, expression]`. */
  readonly headerRewriteExpressions?: readonly (readonly [string, string])[];
  /** Default `leastconn`. */
  readonly loadBalancingAlgorithm?: LoadBalancingAlgorithm;
  /** The cookie to balance on (algorithm `cookie` only, and then required). */
  readonly loadBalancingCookie?: string;
  /** Consistent hashing (algorithms `cookie` and `source` only). */
  readonly loadBalancingConsistentHashing?: boolean;
  /** Connections per minute per client; sent only when set (non-zero). */
  readonly rateLimitConnectionsPerMinute?: number;
  /** Default `deny`. */
  readonly rateLimitPolicy?: RateLimitPolicy;
  /** Bytes per second. */
  readonly uploadLimit?: number;
  readonly downloadLimit?: number;
  /** Retries; sent only when set (non-zero). */
  readonly retryCount?: number;
  readonly retryRedispatch?: boolean;
  readonly denyPaths?: readonly string[];
  /** Seconds, each > 0; default 60. */
  readonly serverTimeout?: number;
  readonly connectTimeout?: number;
  readonly queueTimeout?: number;
  readonly serverMaxconn?: number;
  /** This unit's address; default: the endpoint's binding address. */
  readonly unitAddress?: string;
  readonly httpServerClose?: boolean;
  /** Also serve plain http (a security risk the library warns about). */
  readonly allowHttp?: boolean;
  /** 1–65535 (the Python constructor lacks it; `provide_haproxy_route_requirements` takes it). */
  readonly externalGrpcPort?: number;
}

/** The library's HAPROXY_CONFIG_INVALID_CHARACTERS (VALIDSTR) and, for expressions, a newline. */
const INVALID = "\n\t#\\'\"\r$ ";
const INVALID_IN_EXPRESSION = "\n";

// validators 0.20's domain pattern (the one the haproxy charm's environment ships; newer
// releases of `validators` differ), applied to the IDNA (ASCII) form of the name.
const DOMAIN = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-_]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9][A-Za-z0-9-_]{0,61}[A-Za-z]$/;

function validString(field: string, value: unknown, invalid = INVALID): string {
  if (typeof value !== "string") throw new DataValidationError("haproxy-route", field, `must be a string (not ${typeof value})`);
  const bad = Array.from(invalid).filter((c) => value.includes(c));
  if (bad.length > 0)
    throw new DataValidationError(
      "haproxy-route",
      field,
      `contains invalid character(s) ${JSON.stringify([...new Set(bad)].join(""))}: ${JSON.stringify(value)}`,
    );
  return value;
}

function integer(field: string, value: unknown, check?: (n: number) => string | undefined): number {
  if (!Number.isSafeInteger(value))
    throw new DataValidationError("haproxy-route", field, `must be an integer (not ${JSON.stringify(value)})`);
  const problem = check?.(value as number);
  if (problem !== undefined) throw new DataValidationError("haproxy-route", field, problem);
  return value as number;
}

/** A domain as the library's valid_domain_with_wildcard takes it: `*.` allowed, not at the TLD. */
export function isValidDomain(value: string): boolean {
  const name = value.startsWith("*.") ? value.slice(2) : value;
  // Python encodes with the idna codec (IDNA 2003); node:url's domainToASCII (UTS 46) agrees on
  // usual names. Only a non-ASCII name needs it, so node:url is not loaded for the others.
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(name) ? name : process.getBuiltinModule("node:url").domainToASCII(name);
  return ascii !== "" && DOMAIN.test(ascii);
}

function domain(field: string, value: unknown): string {
  if (typeof value !== "string" || !isValidDomain(value))
    throw new DataValidationError("haproxy-route", field, `is not a valid domain: ${JSON.stringify(value)}`);
  return value;
}

function ip(field: string, value: unknown): string {
  const normalised = typeof value === "string" ? ipAddress(value) : undefined;
  if (normalised === undefined)
    throw new DataValidationError("haproxy-route", field, `is not an IPv4 or IPv6 address: ${JSON.stringify(value)}`);
  return normalised;
}

function list<T>(field: string, values: readonly unknown[] | undefined, item: (field: string, value: unknown) => T): T[] | undefined {
  if (values === undefined || values.length === 0) return undefined;
  if (!Array.isArray(values)) throw new DataValidationError("haproxy-route", field, "must be a list");
  return values.map((value, i) => item(`${field}[${i}]`, value));
}

function oneOf<T extends string>(field: string, choices: readonly T[], value: unknown): T {
  if (typeof value !== "string" || !(choices as readonly string[]).includes(value)) {
    throw new DataValidationError("haproxy-route", field, `must be one of ${choices.join(", ")} (not ${JSON.stringify(value)})`);
  }
  return value as T;
}

/** An object without its undefined fields; undefined when none is left (the whole field is then at its default). */
function nonEmpty(value: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

const positive = (n: number): string | undefined => (n > 0 ? undefined : `must be greater than 0 (not ${n})`);
const tcpPort = (n: number): string | undefined => (n >= 1 && n <= 65535 ? undefined : `must be a port from 1 to 65535 (not ${n})`);

/** Whether the requirements say anything: the library writes nothing without a service or ports. */
export function hasRequirements(r: HaproxyRouteRequirements): boolean {
  return (r.service !== undefined && r.service !== "") || (r.ports !== undefined && r.ports.length > 0);
}

/**
 * The application bag's fields (before JSON encoding), validated as the library's
 * RequirerApplicationData validates them; throws `DataValidationError` naming the option.
 */
export function requirerAppData(r: HaproxyRouteRequirements): Record<string, unknown> {
  if (r.service === undefined) throw new DataValidationError("haproxy-route", "service", "is required");
  const service = validString("service", r.service);
  const ports = (r.ports ?? []).map((p, i) => integer(`ports[${i}]`, p, tcpPort));
  const protocol = oneOf("protocol", ["http", "https"], r.protocol ?? "http");

  const algorithm = oneOf("loadBalancingAlgorithm", LOAD_BALANCING_ALGORITHMS, r.loadBalancingAlgorithm ?? "leastconn");
  const cookie = r.loadBalancingCookie === undefined ? undefined : validString("loadBalancingCookie", r.loadBalancingCookie);
  const consistent = r.loadBalancingConsistentHashing ?? false;
  if (cookie !== undefined && algorithm !== "cookie")
    throw new DataValidationError("haproxy-route", "loadBalancingCookie", "only applies when the algorithm is cookie");
  if (consistent && algorithm !== "cookie" && algorithm !== "source") {
    throw new DataValidationError("haproxy-route", "loadBalancingConsistentHashing", "only applies when the algorithm is cookie or source");
  }
  if (algorithm === "cookie" && (cookie === undefined || cookie === ""))
    throw new DataValidationError("haproxy-route", "loadBalancingCookie", "must be set when the algorithm is cookie");

  const rewrites = [
    ...(r.pathRewriteExpressions ?? []).map((e, i) => ({
      method: "set-path",
      expression: validString(`pathRewriteExpressions[${i}]`, e, INVALID_IN_EXPRESSION),
    })),
    ...(r.queryRewriteExpressions ?? []).map((e, i) => ({
      method: "set-query",
      expression: validString(`queryRewriteExpressions[${i}]`, e, INVALID_IN_EXPRESSION),
    })),
    ...(r.headerRewriteExpressions ?? []).map(([header, e], i) => ({
      method: "set-header",
      expression: validString(`headerRewriteExpressions[${i}][1]`, e, INVALID_IN_EXPRESSION),
      header: validString(`headerRewriteExpressions[${i}][0]`, header),
    })),
  ];

  // The library sends a check only when interval, rise and fall are all truthy; path and port
  // alone are dropped without a word.
  const check =
    r.checkInterval && r.checkRise && r.checkFall
      ? {
          interval: integer("checkInterval", r.checkInterval),
          rise: integer("checkRise", r.checkRise),
          fall: integer("checkFall", r.checkFall),
          path: r.checkPath === undefined ? undefined : validString("checkPath", r.checkPath),
          port: r.checkPort === undefined ? undefined : integer("checkPort", r.checkPort),
        }
      : undefined;
  const rateLimit = r.rateLimitConnectionsPerMinute
    ? {
        connections_per_minute: integer("rateLimitConnectionsPerMinute", r.rateLimitConnectionsPerMinute),
        policy: nonDefault(oneOf("rateLimitPolicy", RATE_LIMIT_POLICIES, r.rateLimitPolicy ?? "deny"), "deny"),
      }
    : undefined;
  const retry = r.retryCount
    ? { count: integer("retryCount", r.retryCount), redispatch: r.retryRedispatch === true ? true : undefined }
    : undefined;
  const timeouts = {
    server: nonDefault(integer("serverTimeout", r.serverTimeout ?? 60, positive), 60),
    connect: nonDefault(integer("connectTimeout", r.connectTimeout ?? 60, positive), 60),
    queue: nonDefault(integer("queueTimeout", r.queueTimeout ?? 60, positive), 60),
  };
  const grpc = r.externalGrpcPort === undefined ? undefined : integer("externalGrpcPort", r.externalGrpcPort, tcpPort);

  return {
    service,
    ports,
    protocol: nonDefault(protocol, "http"),
    hosts: list("hosts", r.hosts, ip),
    paths: list("paths", r.paths, (f, v) => validString(f, v)),
    hostname: r.hostname === undefined ? undefined : domain("hostname", r.hostname),
    additional_hostnames: list("additionalHostnames", r.additionalHostnames, domain),
    rewrites: rewrites.length === 0 ? undefined : rewrites,
    check,
    load_balancing: nonEmpty({ algorithm: nonDefault(algorithm, "leastconn"), cookie, consistent_hashing: consistent ? true : undefined }),
    rate_limit: rateLimit,
    bandwidth_limit: nonEmpty({
      upload: r.uploadLimit === undefined ? undefined : integer("uploadLimit", r.uploadLimit),
      download: r.downloadLimit === undefined ? undefined : integer("downloadLimit", r.downloadLimit),
    }),
    retry,
    deny_paths: list("denyPaths", r.denyPaths, (f, v) => validString(f, v)),
    timeout: nonEmpty(timeouts),
    server_maxconn: r.serverMaxconn === undefined ? undefined : integer("serverMaxconn", r.serverMaxconn),
    http_server_close: r.httpServerClose === true ? true : undefined,
    allow_http: r.allowHttp === true ? true : undefined,
    external_grpc_port: grpc,
  };
}

function nonDefault<T>(value: T, fallback: T): T | undefined {
  return value === fallback ? undefined : value;
}

/** The unit bag: `address`, an IP printed as Python's ipaddress prints it. */
export function requirerUnitData(address: string): Record<string, unknown> {
  return { address: ip("unitAddress", address) };
}

/**
 * The provider's `endpoints`: a JSON list of http(s) URLs, normalised as pydantic's AnyHttpUrl
 * prints them. Nothing there is an empty list; a bad value throws `InterfaceDataError`.
 */
export function providerEndpoints(bag: RemoteBag): string[] {
  return bag.json("endpoints", decode.list(decodeHttpUrl)) ?? [];
}
