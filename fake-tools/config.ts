// Config tool: config-get
// (https://documentation.ubuntu.com/juju/latest/reference/hook-command/list-of-hook-commands/config-get/).

import type { JsonObject } from "../runtime/meta.js";
import { UsageError, boolFlag, noMoreArgs } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";

export const CONFIG_TOOLS: Handlers = {
  "config-get": {
    specs: [{ names: ["a", "all"], kind: "bool" }],
    usage: "[<key>]",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const key = parsed.positionals[0];
      noMoreArgs(parsed.positionals, 1);
      const all = boolFlag(parsed, "a");
      if (all && key !== undefined) throw new UsageError(`cannot use argument --all together with key "${key}"`);
      const config: JsonObject = { ...context.configGet() };
      if (key !== undefined) return value(config[key] ?? null);
      if (all) {
        for (const option of context.declaredConfigOptions()) config[option] ??= null;
      }
      return value(config);
    },
  },
};
