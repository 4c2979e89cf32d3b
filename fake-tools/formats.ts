// The output formats of Juju's hook tools: smart, yaml and json, as juju/cmd's formatters print them
// (https://documentation.ubuntu.com/juju/latest/reference/hook-command/).
//
// Go prints a map's keys sorted and a struct's fields in their declared order. Plain objects here
// are maps; an object made with `struct()` keeps its key order, as a Go struct would.

import { type Tags, stringify } from "yaml";

import type { JsonObject, JsonValue } from "../runtime/meta.js";

export type Format = "smart" | "yaml" | "json";

const STRUCTS = new WeakSet<object>();

/** Marks an object as a Go struct: printed with its keys in the order given, not sorted. */
export function struct<T extends JsonObject>(fields: T): T {
  STRUCTS.add(fields);
  return fields;
}

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

/** Maps with their keys sorted, structs as they are, all the way down. */
function goOrder(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(goOrder);
  if (typeof value !== "object" || value === null) return value;
  const keys = STRUCTS.has(value) ? Object.keys(value) : Object.keys(value).sort();
  return Object.fromEntries(keys.map((key) => [key, goOrder(value[key] ?? null)]));
}

/** Go's json.Marshal: map keys sorted, no spaces, `<`, `>`, `&` escaped. */
export function goJson(value: JsonValue): string {
  return JSON.stringify(goOrder(value)).replaceAll("<", "\\u003c").replaceAll(">", "\\u003e").replaceAll("&", "\\u0026");
}

/**
 * goyaml (yaml.v2, YAML 1.1) marshal: map keys sorted, sequences not indented, strings that YAML
 * 1.1 would read as something else quoted (`"12345"`, `"yes"`, `"on"`), one trailing newline.
 */
export function goYaml(value: JsonValue): string {
  const text = stringify(goOrder(value), { version: "1.1", indentSeq: false, lineWidth: 0, customTags: goTimestamps });
  return `${text.replace(/\n+$/, "")}\n`;
}

/**
 * goyaml quotes a string that would read back as a timestamp, but only in the forms its
 * parseTimestamp accepts (`2006-1-2T15:4:5.999999999Z07:00`, `2006-1-2 15:4:5.999999999`,
 * `2006-1-2`); YAML 1.1's wider pattern would also quote Juju's `2026-11-23 06:27:37Z`.
 */
const GO_TIMESTAMP =
  /^\d{4}-\d{1,2}-\d{1,2}(?:[Tt]\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)| \d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?)?$/;

function goTimestamps(tags: Tags): Tags {
  return tags.map((tag) =>
    typeof tag === "object" && tag.collection === undefined && tag.tag === "tag:yaml.org,2002:timestamp"
      ? { ...tag, test: GO_TIMESTAMP }
      : tag,
  );
}
