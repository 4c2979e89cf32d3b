// Config: `config-get`.

import type { ConfigValue } from "../meta.js";
import type { ToolCall } from "./call.js";
import { expectObject, malformed } from "./output.js";

export interface ConfigTools {
  configGet(): Record<string, ConfigValue>;
}

export function configGet(call: ToolCall): Record<string, ConfigValue> {
  const raw = expectObject("config-get", call.json("config-get", ["--format=json"]));
  const config: Record<string, ConfigValue> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") config[key] = value;
    else if (value !== null) throw malformed("config-get", `option "${key}" is not a string, number or boolean`);
  }
  return config;
}
