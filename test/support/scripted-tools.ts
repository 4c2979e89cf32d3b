// A hook-tool runner for in-process tests: records every call and answers from a script, spawning nothing.

import { ProcessHookTools, type ToolResult, type ToolRunner } from "../../runtime/hook-tools/index.js";

export interface Call {
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin: string | undefined;
}

/** What a tool prints: stdout text (exit 0), or a full result. */
export type Reply = string | ToolResult;

/**
 * `ProcessHookTools` over a scripted runner. Answers are looked up by the call's command line
 * (`"is-leader --format=json"`), then by tool name; anything else succeeds silently.
 */
export class ScriptedTools {
  readonly calls: Call[] = [];
  readonly tools: ProcessHookTools;
  /** Extra inspection at call time (e.g. to read secret files before they are removed). */
  onCall: ((call: Call) => void) | undefined;

  constructor(private readonly answers: Record<string, Reply> = {}) {
    const runner: ToolRunner = (tool, args, stdin) => {
      const call = { tool, args: [...args], stdin };
      this.calls.push(call);
      this.onCall?.(call);
      const reply = this.answers[[tool, ...args].join(" ")] ?? this.answers[tool] ?? "";
      return typeof reply === "string" ? { exitCode: 0, stdout: reply, stderr: "" } : reply;
    };
    this.tools = new ProcessHookTools(runner);
  }

  /** Sets or replaces an answer. */
  answer(line: string, reply: Reply): this {
    this.answers[line] = reply;
    return this;
  }

  /** Each call as one line: `tool arg1 arg2`. */
  lines(): string[] {
    return this.calls.map((call) => [call.tool, ...call.args].join(" "));
  }

  /** The names of the tools called, in order. */
  toolNames(): string[] {
    return this.calls.map((call) => call.tool);
  }
}

export function fail(exitCode: number, message: string): ToolResult {
  return { exitCode, stdout: "", stderr: `ERROR ${message}\n` };
}
