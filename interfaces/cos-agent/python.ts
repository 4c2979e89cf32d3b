// Python's spellings of values, where the library's output depends on them: `json.dumps` with
// sorted keys (hashed into scrape job names), `str()` in f-strings, and Python's string order.

import type { JsonValue } from "../../runtime/index.js";
import { pythonJson } from "../common/data.js";

/** Python's `json.dumps(value, sort_keys=True)`. */
export function sortedPythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedPythonJson).join(", ")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compare(a, b));
    return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${sortedPythonJson(v)}`).join(", ")}}`;
  }
  return pythonJson(value);
}

/** Python's `str()` of a JSON value (`True`, `None`, …), as an f-string prints it. */
export function pythonStr(value: JsonValue): string {
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null) return "None";
  if (typeof value === "number") return String(value);
  return pythonJson(value).replace(/"/g, "'");
}

/** Python's string order (by code point). */
export function compare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0) as number);
  const y = Array.from(b, (c) => c.codePointAt(0) as number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}
