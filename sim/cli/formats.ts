// The output formats of Juju's hook tools (reference juju-hook-tools.md §2): smart, yaml and json,
// as juju/cmd's formatters print them.

import { stringify } from "yaml";

import type { JsonValue } from "../../runtime/meta.js";

export type Format = "smart" | "yaml" | "json";

/** What a tool prints for `value` in `format`. `undefined` is Go's nil. */
export function formatOutput(value: JsonValue | undefined, format: Format): string {
  switch (format) {
    case "json":
      return `${goJson(value ?? null)}\n`;
    case "yaml":
      return value === undefined || value === null ? "" : goYaml(value);
    case "smart":
      if (value === undefined || value === null) return "";
      if (typeof value === "string") return value === "" ? "" : `${value}\n`;
      if (typeof value === "boolean") return value ? "True\n" : "False\n";
      if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
        return value.length === 0 ? "" : `${value.join("\n")}\n`;
      }
      return goYaml(value);
  }
}

/** Go's json.Marshal: map keys sorted, no spaces, `<`, `>`, `&` escaped. */
export function goJson(value: JsonValue): string {
  const sorted = (item: JsonValue): JsonValue => {
    if (Array.isArray(item)) return item.map(sorted);
    if (typeof item === "object" && item !== null) {
      return Object.fromEntries(Object.keys(item).sort().map((key) => [key, sorted(item[key] ?? null)]));
    }
    return item;
  };
  return JSON.stringify(sorted(value))
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026");
}

/** goyaml's marshal: keys sorted, sequences not indented, ambiguous strings quoted, one trailing newline. */
export function goYaml(value: JsonValue): string {
  const text = stringify(value, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
  return `${text.replace(/\n+$/, "")}\n`;
}
