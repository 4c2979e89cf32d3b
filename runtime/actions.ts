// Action results: nested records flattened to Juju's dotted keys and validated as `action-set` would.

import { actionKeyProblem } from "../grammar/actions.js";
import { InvalidActionResultError } from "./errors.js";

/** A result value: text, a number or boolean (sent as text), or a nested record (`a.b=…`). */
export type ActionResultValue = string | number | boolean | { readonly [key: string]: ActionResultValue };
export type ActionResults = { readonly [key: string]: ActionResultValue };

/** `{ backup: { path: "/x", size: 3 } }` → `{ "backup.path": "/x", "backup.size": "3" }`, validated. */
export function flattenActionResults(results: ActionResults): Record<string, string> {
  const input: unknown = results;
  const flat: Record<string, string> = {};
  // Values are checked at run time too: JavaScript callers and JSON.parse output reach here untyped.
  const visit = (prefix: string, value: unknown): void => {
    if (isPlainRecord(value)) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === "" ? key : `${prefix}.${key}`, inner);
      return;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new InvalidActionResultError(`action result "${prefix}" must be a string, number, boolean or record, not ${describe(value)}`);
    }
    const problem = actionKeyProblem(prefix);
    if (problem?.kind === "reserved") throw new InvalidActionResultError(`cannot set reserved action key "${problem.segment}"`);
    if (problem !== undefined) {
      throw new InvalidActionResultError(
        `key "${prefix}" must start and end with lowercase alphanumeric, and contain only lowercase ` + `alphanumeric, hyphens and periods`,
      );
    }
    if (Object.hasOwn(flat, prefix)) throw new InvalidActionResultError(`action result key "${prefix}" is given twice`);
    flat[prefix] = String(value);
  };
  // A Map or a Set has no own enumerable entries: taken as a record it would be silently empty.
  if (!isPlainRecord(input)) throw new InvalidActionResultError(`action results must be a record, not ${describe(input)}`);
  for (const [key, value] of Object.entries(input)) visit(key, value);
  return flat;
}

/** An object literal (or one made with Object.create(null)), not an array, Map, Set, Date or class instance. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const tag = Object.prototype.toString.call(value).slice(8, -1);
    return tag === "Object" ? "an instance of a class" : `a ${tag}`;
  }
  return typeof value;
}
