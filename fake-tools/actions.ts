// Action tools: action-get, action-set, action-fail, action-log
// (juju/juju worker/uniter/runner/jujuc/action-*.go).

import type { JsonValue } from "../runtime/meta.js";
import { UsageError, noMoreArgs } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";

export const ACTION_TOOLS: Handlers = {
  "action-get": {
    specs: [],
    usage: "[<key>[.<key>.<key>...]]",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const [path] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const params = context.actionGet();
      if (path === undefined) return value(params);
      let node: JsonValue | undefined = params;
      for (const segment of path.split(".")) {
        node = typeof node === "object" && node !== null && !Array.isArray(node) ? node[segment] : undefined;
      }
      return value(node ?? null);
    },
  },

  "action-set": {
    specs: [],
    usage: "<key>=<value> [<key>=<value> ...]",
    run: ({ context }, parsed) => {
      const results: Record<string, string> = {};
      for (const arg of parsed.positionals) {
        const at = arg.indexOf("=");
        if (at < 0) throw new UsageError(`argument "${arg}" must be of the form key...=value`);
        results[arg.slice(0, at)] = arg.slice(at + 1);
      }
      context.actionSet(results);
      return undefined;
    },
  },

  "action-fail": {
    specs: [],
    usage: '["<failure message>"]',
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 1);
      context.actionFail(parsed.positionals[0] ?? "");
      return undefined;
    },
  },

  "action-log": {
    specs: [],
    usage: "<message>",
    run: ({ context }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("no message specified");
      context.actionLog(parsed.positionals.join(" "));
      return undefined;
    },
  },
};
