// Builds a Model for one hook over scripted hook tools, for in-process tests of the model layer.

import { parseContext } from "../../runtime/dispatch-context.js";
import type { Clock } from "../../runtime/leadership.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { Model } from "../../runtime/model.js";
import { ModelBackend } from "../../runtime/model-backend.js";
import { testMeta } from "./meta.js";
import { type Reply, ScriptedTools } from "./scripted-tools.js";

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(public time = 1_000) {}
  now(): number {
    return this.time;
  }
  advance(ms: number): void {
    this.time += ms;
  }
}

export function modelFor(
  env: Record<string, string>,
  answers: Record<string, Reply> = {},
  options: { meta?: CharmMeta; clock?: Clock } = {},
): { model: Model; scripted: ScriptedTools } {
  const meta = options.meta ?? testMeta;
  const scripted = new ScriptedTools(answers);
  const context = parseContext(env, meta, "/charm");
  const model = new Model(new ModelBackend(scripted.tools, meta, context, options.clock));
  return { model, scripted };
}
