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
 * Why a `secret` option's value is not one Juju accepts, or undefined if it is. Juju checks only
 * that a non-empty value is a URI with the `secret` scheme (juju/juju internal/charm/config.go,
 * secretC.Coerce, wording of errors.NotValidf); the secret itself is looked up when it is read.
 */
export function secretOptionProblem(value: string): string | undefined {
  if (value === "") return undefined;
  // Go's url.Parse: a scheme is a letter, then letters, digits, "+", "-" or ".", before the first ":".
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined) return "secret URI scheme missing not valid";
  if (scheme !== "secret") return `secret URI scheme "${scheme}" not valid`;
  return undefined;
}
