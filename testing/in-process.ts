// One dispatch of a charm, in this process, against the engine: production's runDispatch with the
// engine's hook context as its hook tools (runOverContext, which the simulator's in-process executor
// shares), then the engine's commit, as the unit agent would do (dispatchInProcess).

import type { CharmBase, CharmTypes } from "../runtime/charm.js";
import { type CharmClass, type DispatchResult, runDispatch } from "../runtime/dispatch.js";
import type { HookTools } from "../runtime/hook-tools/index.js";
import type { Clock } from "../runtime/leadership.js";
import type { CharmMeta, JsonObject } from "../runtime/meta.js";
import type { UnitStateStore } from "../runtime/state-file.js";
import { type ActionRun, CommitError, type CommitResult, HookContext } from "../engine/hook-context.js";
import { hookEnvironment } from "../engine/hook-env.js";
import type { DispatchInfo } from "../engine/hook-info.js";
import type { JujuModel } from "../engine/model.js";
import { type Machine, runOnMachine } from "../machine/machine.js";

export interface InProcessDispatch {
  readonly model: JujuModel;
  readonly unit: string;
  readonly event: DispatchInfo;
  readonly meta: CharmMeta;
  readonly store: UnitStateStore;
  readonly charmDir: string;
  /** The params given to an action (schema defaults are added). */
  readonly params?: JsonObject;
  readonly clock?: Clock;
  readonly onEmit?: (kind: string, snapshot: JsonObject, reemitted: boolean) => void;
  /** The machine tscharm/machine acts on during the dispatch (the test kit's FakeMachine); default: the current one. */
  readonly machine?: Machine;
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

/** One run of a charm class over a hook context the caller made (and commits): the part both share. */
export interface HookContextDispatch {
  readonly hookContext: HookContext;
  /** The hook tools the charm calls: the context itself by default (the simulator wraps it to record calls). */
  readonly tools?: HookTools;
  readonly env: Readonly<Record<string, string>>;
  readonly meta: CharmMeta;
  readonly charmDir: string;
  /** Where the unit's state lives; the state file in the charm directory by default. */
  readonly store?: UnitStateStore;
  readonly clock?: Clock;
  readonly onEmit?: (kind: string, snapshot: JsonObject, reemitted: boolean) => void;
}

/**
 * Runs the charm class's dispatch in this process over an engine hook context, as production's
 * dispatch runs over hook tool processes; nothing is committed (the caller commits, as the unit
 * agent does). Used by the test kit (dispatchInProcess) and the simulator's in-process executor.
 */
export async function runOverContext<C extends CharmBase<CharmTypes>>(
  charmClass: CharmClass<C>,
  run: HookContextDispatch,
): Promise<DispatchResult<C> & { readonly stderr: string }> {
  let stderr = "";
  const result = await runDispatch(charmClass, {
    env: run.env,
    meta: run.meta,
    tools: run.tools ?? run.hookContext,
    cwd: run.charmDir,
    stderr: (text) => {
      stderr += text;
    },
    ...(run.store === undefined ? {} : { stateStore: run.store }),
    ...(run.clock === undefined ? {} : { clock: run.clock }),
    ...(run.onEmit === undefined ? {} : { onEmit: run.onEmit }),
  });
  return { ...result, stderr };
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
  const dispatch = (): ReturnType<typeof runOverContext<C>> =>
    runOverContext(charmClass, {
      hookContext: context,
      // JUJU_DEBUG lowers the log threshold to DEBUG: in process a record spawns nothing, so the test
      // kit records every level, as ops' Scenario does.
      env: { ...hookEnvironment(model, unit, event, run.charmDir), JUJU_DEBUG: "1" },
      meta: run.meta,
      charmDir: run.charmDir,
      store: run.store,
      ...(run.clock === undefined ? {} : { clock: run.clock }),
      ...(run.onEmit === undefined ? {} : { onEmit: run.onEmit }),
    });
  const result = await (run.machine === undefined ? dispatch() : runOnMachine(run.machine, dispatch));
  const { stderr } = result;
  if (result.exitCode !== 0)
    return { exitCode: result.exitCode, charm: result.charm, error: result.error, context, action, commit: undefined, stderr };
  try {
    return { exitCode: 0, charm: result.charm, error: result.error, context, action, commit: context.commit(), stderr };
  } catch (error) {
    if (!(error instanceof CommitError)) throw error;
    return { exitCode: 1, charm: result.charm, error, context, action, commit: undefined, stderr };
  }
}
