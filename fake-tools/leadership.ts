// Leadership tools: is-leader, leader-get, leader-set (juju/juju worker/uniter/runner/jujuc/leader-*.go,
// is-leader.go).

import { UsageError, noMoreArgs, parseKeyValues } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";

export const LEADERSHIP_TOOLS: Handlers = {
  "is-leader": {
    specs: [],
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value(context.isLeader());
    },
  },

  "leader-get": {
    specs: [],
    usage: "[<key>]",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const key = parsed.positionals[0];
      noMoreArgs(parsed.positionals, 1);
      if (key !== undefined && key.includes("=")) throw new UsageError(`invalid key "${key}"`);
      const settings = context.leaderGet();
      return value(key === undefined || key === "-" ? settings : settings[key]);
    },
  },

  "leader-set": {
    specs: [],
    usage: "<key>=<value> [...]",
    run: ({ context }, parsed) => {
      context.leaderSet(parseKeyValues(parsed.positionals));
      return undefined;
    },
  },
};
