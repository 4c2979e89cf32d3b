// The fake tools' `--file` inputs: stdin or a file, read as Go decodes a YAML map into map[string]string.

import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";

import { parse as parseYaml } from "yaml";

import { HookToolError } from "../runtime/errors.js";
import type { Invocation } from "./handler.js";

/**
 * A tool read its stdin, which the call did not carry: the unit agent answers with the RPC error
 * `hook tool requires stdin, none supplied` and jujuc calls again with its stdin (juju/juju
 * internal/worker/uniter/runner/jujuc/server.go, `noStdinReader`).
 */
export class StdinRequired extends Error {
  override readonly name = "StdinRequired";
}

/** `--file -` is stdin; anything else a path relative to the hook's directory. */
export function readInput(invocation: Invocation, file: string): string {
  if (file === "-") {
    if (invocation.stdin === undefined && invocation.askStdin === true) throw new StdinRequired("hook tool requires stdin");
    return invocation.stdin?.toString("utf8") ?? "";
  }
  return readFileSync(resolvePath(invocation, file), "utf8");
}

/** A path as the tool sees it: relative ones start from the client's working directory. */
export function resolvePath(invocation: Invocation, path: string): string {
  return isAbsolute(path) ? path : join(invocation.cwd, path);
}

/** A YAML (or JSON) mapping of strings, as Go decodes it into map[string]string. */
export function stringMap(text: string, tool: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new HookToolError(tool, 1, `ERROR cannot parse settings: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new HookToolError(tool, 1, "ERROR cannot parse settings: expected a mapping\n");
  }
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof entry === "object" && entry !== null) {
      throw new HookToolError(tool, 1, `ERROR cannot parse settings: "${key}" is not a string\n`);
    }
    result[key] = typeof entry === "string" ? entry : typeof entry === "number" || typeof entry === "boolean" ? String(entry) : "";
  }
  return result;
}
