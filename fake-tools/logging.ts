// Logging tool: juju-log (juju/juju worker/uniter/runner/jujuc/juju-log.go).

import { UsageError, boolFlag, stringFlag } from "./flags.js";
import type { Handlers } from "./handler.js";

/** loggo's levels, which `--log-level` takes. */
const LOGGO_LEVELS: readonly string[] = ["TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"];

export const LOGGING_TOOLS: Handlers = {
  "juju-log": {
    specs: [
      { names: ["l", "log-level"], kind: "string" },
      { names: ["debug"], kind: "bool" },
    ],
    usage: "<message>",
    deprecatedFormat: true,
    run: ({ context, env }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("no message specified");
      const given = stringFlag(parsed, "l") ?? "INFO";
      const requested = given.toUpperCase() === "WARN" ? "WARNING" : given.toUpperCase();
      const known = LOGGO_LEVELS.includes(requested);
      // An unknown level is not refused: a warning says so, and INFO is used.
      if (!known) context.jujuLog("WARNING", `Specified log level of "${given}" is not valid`);
      const level = boolFlag(parsed, "debug") ? "DEBUG" : known ? requested : "INFO";
      // In a relation hook Juju prefixes the message with the relation: "db:2: …".
      const prefix = env.relationId === undefined || env.relationId === "" ? "" : `${env.relationId}: `;
      context.jujuLog(level as "INFO", `${prefix}${parsed.positionals.join(" ")}`);
      return undefined;
    },
  },
};
