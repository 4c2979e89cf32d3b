// How the engine's hook tools fail: the same errors the runtime builds from a real tool's exit code
// and stderr, with Juju's texts.

import { toolError } from "../runtime/hook-tools/call.js";

/** A failed tool: the same error the runtime builds from a real tool's exit code and stderr. */
export function fail(tool: string, exitCode: 1 | 2, message: string): never {
  throw toolError(tool, exitCode, `ERROR ${message}\n`);
}

/** `-r` named a relation this unit is not in: a flag error, hence exit 2. */
export function relationNotFound(tool: string, relation: string): never {
  fail(tool, 2, `invalid value "${relation}" for option -r: relation not found`);
}

/** What the tools of leaders-only operations say to the others. */
export const NOT_LEADER = "this unit is not the leader";
