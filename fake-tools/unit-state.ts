// Unit-state tools: state-get, state-set, state-delete (juju/juju worker/uniter/runner/jujuc/state-*.go).

import { HookToolError } from "../runtime/errors.js";
import { UsageError, boolFlag, noMoreArgs, parseKeyValues, stringFlag } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";
import { readInput, stringMap } from "./input.js";

export const UNIT_STATE_TOOLS: Handlers = {
  "state-get": {
    specs: [{ names: ["strict"], kind: "bool" }],
    usage: "[<key>]",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const [key] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const state = context.stateGet();
      if (key === undefined || key === "-") return value(Object.keys(state).length === 0 ? null : state);
      const entry = state[key];
      if (entry === undefined && boolFlag(parsed, "strict")) throw new HookToolError("state-get", 1, `ERROR "${key}" not found\n`);
      return value(entry ?? "");
    },
  },

  "state-set": {
    specs: [{ names: ["file"], kind: "string" }],
    usage: "key=value [key=value ...]",
    run: (invocation, parsed) => {
      const file = stringFlag(parsed, "file");
      const fromFile = file === undefined ? {} : stringMap(readInput(invocation, file), "state-set");
      const data = { ...fromFile, ...parseKeyValues(parsed.positionals) };
      if (Object.keys(data).length > 0) invocation.context.stateSet(data);
      return undefined;
    },
  },

  "state-delete": {
    specs: [],
    usage: "<key>",
    run: ({ context }, parsed) => {
      const [key] = parsed.positionals;
      if (key === undefined) throw new UsageError("no key specified");
      noMoreArgs(parsed.positionals, 1);
      context.stateDelete(key);
      return undefined;
    },
  },
};
