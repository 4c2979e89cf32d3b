// Config in one hook: config-get (read once per hook context, as Juju does), and Juju's rules on
// option values.

import type { ConfigType, ConfigValue } from "../runtime/meta.js";
import type { HookScope } from "./hook-scope.js";

export class Config {
  /** Juju reads config once per hook context. */
  private cache: Record<string, ConfigValue> | undefined;

  constructor(private readonly scope: HookScope) {}

  configGet(): Record<string, ConfigValue> {
    if (this.scope.autoCommitting) return this.scope.model.effectiveConfig(this.scope.appName);
    this.cache ??= this.scope.model.effectiveConfig(this.scope.appName);
    return { ...this.cache };
  }

  /** The option names the unit's charm declares (what `config-get --all` lists, set or not). */
  declaredConfigOptions(): string[] {
    return Object.keys(this.scope.model.app(this.scope.appName).meta?.config ?? {});
  }
}

/** Whether a config value has the option's type (config.yaml's string, int, float, boolean, secret). */
export function configValueFits(type: ConfigType, value: unknown): boolean {
  switch (type) {
    case "string":
    case "secret":
      return typeof value === "string";
    case "int":
      return Number.isInteger(value);
    case "float":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
  }
}

/**
 * Why a `secret` option's value is not one Juju accepts, or undefined if it is. Juju's check
 * (juju/juju internal/charm/config.go, secretC.Coerce, called by Config.ValidateSettings) is Go's
 * `url.Parse`, then that the scheme is `secret`; an empty value unsets the option. The secret
 * itself is looked up only when the charm reads it. The caller reports it in Juju's words:
 * `option "<name>" expected secret, got "<value>"` (Option.error replaces the reason).
 */
export function secretOptionProblem(value: string): string | undefined {
  if (value === "") return undefined;
  const problem = goUrlParseProblem(value);
  if (problem !== undefined) return problem;
  // Go's getScheme: a letter, then letters, digits, "+", "-" or ".", before the first ":".
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return "secret URI scheme missing not valid";
  if (scheme !== "secret") return `secret URI scheme "${scheme}" not valid`;
  return undefined;
}

/** What Go's net/url Parse refuses in a URL, in its words; undefined when it parses. */
function goUrlParseProblem(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- Go refuses ASCII control bytes anywhere
  if (/[\x00-\x1f\x7f]/.test(raw)) return "net/url: invalid control character in URL";
  const hash = raw.indexOf("#");
  const [url, fragment] = hash === -1 ? [raw, undefined] : [raw.slice(0, hash), raw.slice(hash + 1)];
  if (fragment !== undefined && badEscape(fragment) !== undefined) return `invalid URL escape "${badEscape(fragment) ?? ""}"`;
  if (url.startsWith(":")) return "missing protocol scheme";
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0];
  let rest = scheme === undefined ? url : url.slice(scheme.length);
  const query = rest.indexOf("?");
  if (query !== -1) rest = rest.slice(0, query);
  if (scheme !== undefined && !rest.startsWith("/")) return undefined; // opaque: secret:<id>
  if (scheme === undefined && (rest.split("/")[0] ?? "").includes(":")) return "first path segment in URL cannot contain colon";
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    const authority = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
    const at = authority.lastIndexOf("@");
    if (at !== -1 && !/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(authority.slice(0, at))) return "net/url: invalid userinfo";
    const host = authority.slice(at + 1);
    const colon = host.lastIndexOf(":");
    const port = host.startsWith("[") ? host.slice(host.indexOf("]") + 1) : colon === -1 ? "" : host.slice(colon);
    if (host.startsWith("[") && !host.includes("]")) return "missing ']' in host";
    if (port !== "" && !/^:\d*$/.test(port)) return `invalid port "${port}" after host`;
    const hostEscape = badEscape(host);
    if (hostEscape !== undefined) return `invalid URL escape "${hostEscape}"`;
    const bad = /[^A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"%\u0080-\uffff]/.exec(host)?.[0];
    if (bad !== undefined) return `invalid character "${bad}" in host name`;
    rest = slash === -1 ? "" : rest.slice(slash);
  }
  const pathEscape = badEscape(rest);
  return pathEscape === undefined ? undefined : `invalid URL escape "${pathEscape}"`;
}

/** The first `%` not followed by two hex digits (with what follows it, as Go quotes it), or undefined. */
function badEscape(text: string): string | undefined {
  const match = /%(?![0-9A-Fa-f]{2})/.exec(text);
  return match === null ? undefined : text.slice(match.index, match.index + 3);
}
