// Calling one hook tool: its stdout, its JSON output, or the typed error for its failure (the one error mapping).

import { HookToolError, HookToolUsageError, ModelError, RelationNotFoundError, SecretNotFoundError } from "../errors.js";
import type { JsonValue } from "../meta.js";
import { malformed } from "./output.js";
import type { ToolRunner } from "./spawn.js";

/** One runner, and the two ways the concept modules call a tool through it. */
export class ToolCall {
  constructor(private readonly runner: ToolRunner) {}

  /** Runs a tool and returns its stdout, or throws the typed error for its failure. */
  run(tool: string, args: readonly string[], stdin?: string): string {
    const result = this.runner(tool, args, stdin);
    if (result.exitCode !== 0) throw toolError(tool, result.exitCode, result.stderr);
    return result.stdout;
  }

  /** Runs a tool that prints JSON (`--format=json`) and parses it. */
  json(tool: string, args: readonly string[]): JsonValue {
    const stdout = this.run(tool, args);
    try {
      return JSON.parse(stdout) as JsonValue;
    } catch {
      // The output is not echoed: it may be secret content or relation data.
      throw malformed(tool, `expected JSON, got ${stdout.length} bytes that do not parse`);
    }
  }
}

/**
 * Maps a failed tool to the error class a charm can catch, as ops does. The test kit's engine
 * uses it too, so a refusal reaches the charm as the same error in tests as in production.
 */
export function toolError(tool: string, exitCode: number, stderr: string): HookToolError {
  // ops maps this only for relation-* and network-get; secret-grant/-revoke name a relation too,
  // and a missing relation is not a missing secret.
  if (stderr.includes("relation not found")) return new RelationNotFoundError(tool, exitCode, stderr);
  if (tool.startsWith("secret-") && stderr.includes("not found")) {
    return new SecretNotFoundError(tool, exitCode, stderr);
  }
  if (exitCode === 2) return new HookToolUsageError(tool, exitCode, stderr);
  return new HookToolError(tool, exitCode, stderr);
}

/**
 * A charm-supplied value that goes on a tool's command line as an operand (not after `--`, not as
 * a flag's value): refused if the tool could read it as a flag.
 */
export function operand(tool: string, what: string, value: string): string {
  if (value.startsWith("-")) throw new ModelError(`${tool}: ${what} "${value}" would be read as a flag`);
  return value;
}
