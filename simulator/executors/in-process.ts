// Runs a hook or action of an in-process application (DeployOptions.inProcess): the charm class's
// dispatch in this process over the unit's hook context, recording which tools it called.

import type { HookTools } from "../../runtime/hook-tools/index.js";
import type { CharmClass } from "../../runtime/dispatch.js";
import type { HookContext } from "../../engine/hook-context.js";
import type { ToolCall } from "../../fake-tools/server.js";
import { runOverContext } from "../../testing/in-process.js";
import type { SimulatorCore } from "../core.js";
import { OUTPUT_LIMIT, type ProcessOutcome, logsSince } from "./outcome.js";

/** One dispatch of an in-process application's charm class, over the hook context. */
export async function runInProcess(
  core: SimulatorCore,
  unitName: string,
  what: string,
  charmClass: CharmClass,
  hookContext: HookContext,
  /** The JUJU_* variables of the hook (engine/hook-env.ts). */
  jujuEnv: Record<string, string>,
): Promise<ProcessOutcome> {
  const logStart = core.model.logs.length;
  const unit = core.model.unit(unitName);
  const extra = core.extraEnvFor(unitName);
  const saved = Object.fromEntries(Object.keys(extra).map((key) => [key, process.env[key]]));
  Object.assign(process.env, extra);
  const calls: ToolCall[] = [];
  core.running = { unit: unitName, what };
  const started = performance.now();
  try {
    const result = await runOverContext(charmClass, {
      hookContext,
      tools: recordingTools(hookContext, calls),
      env: { ...jujuEnv, ...extra },
      meta: core.meta(unit.app),
      charmDir: core.charmDir(unitName),
    });
    return {
      exitCode: result.exitCode,
      timedOut: false,
      stdout: "",
      stderr: result.stderr.slice(0, OUTPUT_LIMIT),
      calls,
      logs: logsSince(core.model, unitName, logStart),
      durationMs: performance.now() - started,
    };
  } finally {
    core.running = undefined;
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, key);
      else process.env[key] = value;
    }
  }
}

/** The tool a HookTools method stands for, where its name does not say it. */
const TOOL_OF_METHOD: Readonly<Record<string, string>> = { relationRemoteApp: "relation-list", statusGetApplication: "status-get" };

/**
 * The hook context as an in-process charm's tools, recording each call's tool (not its arguments,
 * which may be secret content) and whether it failed.
 */
function recordingTools(hookContext: HookContext, calls: ToolCall[]): HookTools {
  return new Proxy(hookContext, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function" || typeof property !== "string" || property === "constructor") return value;
      const tool = TOOL_OF_METHOD[property] ?? property.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
      return (...args: unknown[]): unknown => {
        try {
          const result: unknown = Reflect.apply(value, target, args);
          calls.push({ tool, args: [], exitCode: 0, stderr: "" });
          return result;
        } catch (error) {
          calls.push({ tool, args: [], exitCode: 1, stderr: error instanceof Error ? error.message : String(error) });
          throw error;
        }
      };
    },
  });
}
