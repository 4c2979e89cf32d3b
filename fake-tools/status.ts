// Status tools: status-get, status-set
// (juju/juju worker/uniter/runner/jujuc/status-get.go, status-set.go).

import { SETTABLE_STATUSES, isSettableStatus } from "../grammar/status.js";
import type { JsonObject } from "../runtime/meta.js";
import { UsageError, boolFlag, noMoreArgs, stringFlag } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";

export const STATUS_TOOLS: Handlers = {
  "status-get": {
    specs: [
      { names: ["include-data"], kind: "bool" },
      { names: ["application"], kind: "bool" },
    ],
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const format = stringFlag(parsed, "format") ?? "smart";
      const data = boolFlag(parsed, "include-data");
      if (boolFlag(parsed, "application")) {
        const app = context.statusGetApplication();
        const record = (status: { status: string; message: string; data: JsonObject }): JsonObject =>
          data ? { message: status.message, status: status.status, "status-data": status.data } : { status: status.status };
        const units: JsonObject = {};
        for (const [unit, status] of Object.entries(app.units)) units[unit] = record(status);
        return value({ "application-status": { ...record(app), units } });
      }
      const unit = context.statusGet();
      if (!data && format === "smart") return value(unit.status);
      return value(data ? { message: unit.message, status: unit.status, "status-data": unit.data } : { status: unit.status });
    },
  },

  "status-set": {
    specs: [{ names: ["application"], kind: "bool" }],
    usage: "<maintenance | blocked | waiting | active> [message]",
    run: ({ context }, parsed) => {
      const [status, message] = parsed.positionals;
      if (status === undefined) throw new UsageError("invalid args, require <status> [message]");
      noMoreArgs(parsed.positionals, 2);
      if (!isSettableStatus(status)) {
        throw new UsageError(`invalid status "${status}", expected one of [${SETTABLE_STATUSES.join(" ")}]`);
      }
      context.statusSet(status, message ?? "", boolFlag(parsed, "application"));
      return undefined;
    },
  },
};
