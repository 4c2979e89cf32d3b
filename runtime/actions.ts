// Action results: nested records flattened to Juju's dotted keys and validated as `action-set` would.

import { InvalidActionResultError } from "./errors.js";

/** A result value: text, a number or boolean (sent as text), or a nested record (`a.b=…`). */
export type ActionResultValue = string | number | boolean | { readonly [key: string]: ActionResultValue };
export type ActionResults = { readonly [key: string]: ActionResultValue };

const SEGMENT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
const RESERVED = new Set(["stdout", "stdout-encoding", "stderr", "stderr-encoding"]);

/** `{ backup: { path: "/x", size: 3 } }` → `{ "backup.path": "/x", "backup.size": "3" }`, validated. */
export function flattenActionResults(results: ActionResults): Record<string, string> {
  const input: unknown = results;
  const flat: Record<string, string> = {};
  // Values are checked at run time too: JavaScript callers and JSON.parse output reach here untyped.
  const visit = (prefix: string, value: unknown): void => {
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) visit(prefix === "" ? key : `${prefix}.${key}`, inner);
      return;
    }
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new InvalidActionResultError(`action result "${prefix}" must be a string, number, boolean or record, not ${describe(value)}`);
    }
    for (const segment of prefix.split(".")) {
      if (RESERVED.has(segment)) throw new InvalidActionResultError(`cannot set reserved action key "${segment}"`);
      if (!SEGMENT.test(segment)) {
        throw new InvalidActionResultError(
          `key "${prefix}" must start and end with lowercase alphanumeric, and contain only lowercase ` +
            `alphanumeric, hyphens and periods`,
        );
      }
    }
    if (Object.hasOwn(flat, prefix)) throw new InvalidActionResultError(`action result key "${prefix}" is given twice`);
    flat[prefix] = String(value);
  };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new InvalidActionResultError("action results must be a record");
  }
  for (const [key, value] of Object.entries(input)) visit(key, value);
  return flat;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : typeof value;
}
