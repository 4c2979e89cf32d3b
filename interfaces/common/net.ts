// Addresses and URLs as the Python interface libraries' pydantic models check and print them:
// `AnyHttpUrl` (an http or https URL, normalised as pydantic-core's WHATWG parser prints it),
// `IPvAnyAddress` (an IPv4 or IPv6 address, printed as Python's `ipaddress` prints it), and
// `socket.getfqdn()`, which ingress uses as a unit's default host.

import { DecodeError, decode } from "./data.js";

/**
 * An http(s) URL as pydantic's `AnyHttpUrl` accepts it, normalised as it prints it (`str(url)`):
 * lower-case host, default port dropped, `/` for an empty path, dot segments resolved, spaces
 * escaped. Undefined when pydantic would refuse it (not a URL, another scheme, no host; pydantic
 * 2.10 and later set no length limit). Both use a WHATWG URL parser (pydantic-core's is Rust's
 * `url`), so they agree.
 */
export function httpUrl(value: string): string | undefined {
  if (!URL.canParse(value)) return undefined;
  const url = new URL(value);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.hostname === "") return undefined;
  return url.href;
}

/** A decoder (common/data.ts) for a JSON string holding an http(s) URL: the URL as `httpUrl` prints it. */
export function decodeHttpUrl(value: unknown, path: string): string {
  const normalised = httpUrl(decode.string(value, path));
  if (normalised === undefined) throw new DecodeError(path, "an http or https URL");
  return normalised;
}

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);

/** True for a dotted-quad IPv4 address as Python's `ipaddress.IPv4Address` takes it (no leading zeros). */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/**
 * An IPv4 or IPv6 address printed as Python's `ipaddress` prints it (IPv6 lower case, the longest
 * run of two or more zero groups as `::`, which is also how a WHATWG URL prints an IPv6 host);
 * undefined when it is not an address. An IPv6 scope id (`fe80::1%eth0`) is kept as given.
 */
export function ipAddress(value: string): string | undefined {
  if (isIpv4(value)) return value;
  const scoped = /^([^%]+)%([^%\s/]+)$/.exec(value);
  if (scoped !== null) {
    const address = ipAddress(scoped[1] ?? "");
    return address === undefined || isIpv4(address) ? undefined : `${address}%${scoped[2] ?? ""}`;
  }
  if (!value.includes(":") || !/^[0-9a-fA-F:.]+$/.test(value)) return undefined;
  const literal = `http://[${value}]/`;
  if (!URL.canParse(literal)) return undefined;
  const host = new URL(literal).hostname;
  return host.slice(1, -1);
}

/**
 * Python's `socket.getfqdn()`: this machine's host name, resolved and then looked up in reverse
 * (`gethostbyaddr`); the name found, or the host name itself when either lookup fails. `node:dns`
 * is loaded here, at first use.
 */
export async function fqdn(): Promise<string> {
  const hostname = process.getBuiltinModule("node:os").hostname();
  const dns = process.getBuiltinModule("node:dns").promises;
  try {
    const { address } = await dns.lookup(hostname);
    const { hostname: name } = await dns.lookupService(address, 0);
    return name === "" ? hostname : name;
  } catch {
    return hostname;
  }
}
