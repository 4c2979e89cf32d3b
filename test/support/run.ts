// Runs one dispatch in-process over scripted hook tools, as production does but without processes.

import type { CharmBase, CharmTypes } from "../../runtime/charm.js";
import { type CharmClass, type DispatchResult, runDispatch } from "../../runtime/dispatch.js";
import type { Clock } from "../../runtime/leadership.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { MemoryStateStore, type UnitStateStore } from "../../runtime/state-file.js";
import { testMeta } from "./meta.js";
import { type Reply, ScriptedTools } from "./scripted-tools.js";

export interface Run<C extends CharmBase<CharmTypes>> {
  readonly result: DispatchResult<C>;
  readonly scripted: ScriptedTools;
  readonly stderr: string;
  readonly store: UnitStateStore;
}

export async function dispatch<C extends CharmBase<CharmTypes>>(
  charmClass: CharmClass<C>,
  env: Record<string, string | undefined>,
  options: { answers?: Record<string, Reply>; store?: UnitStateStore; meta?: CharmMeta; clock?: Clock; scripted?: ScriptedTools } = {},
): Promise<Run<C>> {
  const scripted = options.scripted ?? new ScriptedTools(options.answers);
  const store = options.store ?? new MemoryStateStore();
  let stderr = "";
  const result = await runDispatch(charmClass, {
    env,
    meta: options.meta ?? testMeta,
    tools: scripted.tools,
    stateStore: store,
    cwd: "/charm",
    stderr: (text) => {
      stderr += text;
    },
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  return { result, scripted, stderr, store };
}

/** The juju-log calls of a run, as `LEVEL message` lines. */
export function jujuLogs(scripted: ScriptedTools): string[] {
  return scripted.calls.filter((c) => c.tool === "juju-log").map((c) => `${c.args[1] ?? ""} ${c.args.slice(3).join(" ")}`);
}
