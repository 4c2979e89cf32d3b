// Reading hook-tool output: the JSON shapes the concept modules expect, and the error for any other.

import { ModelError } from "../errors.js";
import type { JsonObject, JsonValue } from "../meta.js";

/** The output itself is never echoed: it may be secret content or relation data. */
export function malformed(tool: string, why: string): ModelError {
  return new ModelError(`${tool} printed malformed output: ${why}`);
}

export function expectObject(tool: string, value: JsonValue): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw malformed(tool, "expected a JSON object");
  return value;
}

export function expectBoolean(tool: string, value: JsonValue): boolean {
  if (typeof value !== "boolean") throw malformed(tool, "expected true or false");
  return value;
}

export function expectStringArray(tool: string, value: JsonValue): string[] {
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw malformed(tool, "expected a JSON list of strings");
  }
  return value;
}

export function expectStringRecord(tool: string, value: JsonValue): Record<string, string> {
  const object = expectObject(tool, value);
  for (const item of Object.values(object)) {
    if (typeof item !== "string") throw malformed(tool, "expected a JSON object of strings");
  }
  return object as Record<string, string>;
}

export function optionalString(tool: string, object: JsonObject, key: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw malformed(tool, `"${key}" is not a string`);
  return value;
}
