// Juju's rules the simulator's verbs apply that are not names: config values checked and coerced as
// `juju config` does, `app[:endpoint]` arguments, how many storage instances a unit starts with.

import type { CharmMeta, ConfigType, ConfigValue } from "../runtime/meta.js";
import { configValueFits, secretOptionProblem } from "../engine/config.js";
import { SimulatorError } from "./types.js";

/** Config values checked against the charm's options, as `juju config` and `juju deploy --config` check them. */
export function validateConfig(meta: CharmMeta, values: Readonly<Record<string, ConfigValue | string>>): Record<string, ConfigValue> {
  const checked: Record<string, ConfigValue> = {};
  for (const [key, raw] of Object.entries(values)) {
    const option = meta.config[key];
    if (option === undefined) throw new SimulatorError(`unknown option "${key}"`);
    const value = coerceConfig(option.type, raw);
    // A secret option takes a secret URI, or "" (juju/juju internal/charm/config.go secretC, via ValidateSettings).
    const notSecret = option.type === "secret" && typeof value === "string" && secretOptionProblem(value) !== undefined;
    if (value === undefined || notSecret) throw new SimulatorError(`option "${key}" expected ${option.type}, got ${JSON.stringify(raw)}`);
    checked[key] = value;
  }
  return checked;
}

/** A value of the option's type; strings (from a command line) are parsed as Juju parses them. */
function coerceConfig(type: ConfigType, value: ConfigValue): ConfigValue | undefined {
  let parsed: ConfigValue = value;
  if (typeof value === "string") {
    const text = value.trim();
    if (type === "int" && /^-?\d+$/.test(text)) parsed = Number(text);
    if (type === "float" && text !== "" && !Number.isNaN(Number(text))) parsed = Number(text);
    if (type === "boolean" && (value === "true" || value === "false")) parsed = value === "true";
  }
  return configValueFits(type, parsed) ? parsed : undefined;
}

export function parseEndpoint(text: string): { app: string; endpoint: string | undefined } {
  const [app = "", endpoint] = text.split(":");
  return { app, endpoint };
}

/** How many storage instances a unit starts with: 1, or the low end of `multiple: range`. */
export function minimumCount(multiple: string | undefined): number {
  if (multiple === undefined) return 1;
  const low = /^(\d+)/.exec(multiple)?.[1];
  return low === undefined ? 1 : Number(low);
}
