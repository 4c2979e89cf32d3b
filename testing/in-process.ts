// One dispatch of a charm, in this process, against the engine: production's runDispatch with the
// engine's hook context as its hook tools, then the engine's commit, as the unit agent would do.

import type { CharmBase, CharmTypes } from "../runtime/charm.js";
import { type CharmClass, runDispatch } from "../runtime/dispatch.js";
import type { Clock } from "../runtime/leadership.js";
import type { CharmMeta, JsonObject } from "../runtime/meta.js";
import type { UnitStateStore } from "../runtime/state-file.js";
import { type ActionRun, CommitError, type CommitResult, HookContext } from "../engine/hook-context.js";
import { type EngineEvent, hookEnvironment } from "../engine/hook-env.js";
import type { JujuModel } from "../engine/model.js";

export interface InProcessDispatch {
  readonly model: JujuModel;
  readonly unit: string;
  readonly event: EngineEvent;
  readonly meta: CharmMeta;
  readonly store: UnitStateStore;
  readonly charmDir: string;
  /** The params given to an action (schema defaults are added). */
  readonly params?: JsonObject;
  readonly clock?: Clock;
  readonly onEmit?: (kind: string, snapshot: JsonObject, reemitted: boolean) => void;
}

export interface InProcessResult<C extends CharmBase<CharmTypes>> {
  /** 0 when the hook succeeded and its changes were committed to the model. */
  readonly exitCode: number;
  readonly charm: C | undefined;
  /** What failed the hook: the charm's error, or Juju refusing the hook's changes at commit. */
  readonly error: unknown;
  readonly context: HookContext;
  readonly action: ActionRun | undefined;
  readonly commit: CommitResult | undefined;
  /** What the dispatch wrote to stderr (a bad environment, an action's failure summary). */
  readonly stderr: string;
}

export async function dispatchInProcess<C extends CharmBase<CharmTypes>>(
  charmClass: CharmClass<C>,
  run: InProcessDispatch,
): Promise<InProcessResult<C>> {
  const { model, unit, event } = run;
  const action: ActionRun | undefined =
    event.kind === "action"
      ? {
          name: event.name,
          id: event.id,
          params: model.actionParams(model.unit(unit).app, event.name, run.params ?? {}),
          results: {},
          logs: [],
          failure: undefined,
        }
      : undefined;
  const context = new HookContext(model, unit, action);
  let stderr = "";
  const result = await runDispatch(charmClass, {
    // JUJU_DEBUG lowers the log threshold to DEBUG: in process a record spawns nothing, so the test
    // kit records every level, as ops' Scenario does.
    env: { ...hookEnvironment(model, unit, event, run.charmDir), JUJU_DEBUG: "1" },
    meta: run.meta,
    tools: context,
    stateStore: run.store,
    cwd: run.charmDir,
    stderr: (text) => {
      stderr += text;
    },
    ...(run.clock === undefined ? {} : { clock: run.clock }),
    ...(run.onEmit === undefined ? {} : { onEmit: run.onEmit }),
  });
  if (result.exitCode !== 0) return { ...result, context, action, commit: undefined, stderr };
  try {
    return { ...result, context, action, commit: context.commit(), stderr };
  } catch (error) {
    if (!(error instanceof CommitError)) throw error;
    return { exitCode: 1, charm: result.charm, error, context, action, commit: undefined, stderr };
  }
}
