// Context: state-transition tests. `await ctx.run(ctx.on.start(), new State({ leader: true }))` runs one
// event through the production dispatch path over the engine, and returns the State after it.

import { DEFAULT_JUJU_VERSION, jujuVersionProblem } from "../grammar/juju-version.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { CharmBase, CharmTypes } from "../runtime/charm.js";
import type { CharmClass } from "../runtime/dispatch.js";
import type { CharmMeta, JsonObject } from "../runtime/meta.js";
import type { StatusBase } from "../runtime/status.js";
import { MemoryStateStore } from "../runtime/state-file.js";
import { type MetaOptions, resolveCharmMeta } from "./charm-meta.js";
import { checkConsistency } from "./consistency.js";
import { ActionFailed, UncaughtCharmError } from "./errors.js";
import { ContextEvent, ContextEvents } from "./events.js";
import { FakeMachine } from "./fake-machine.js";
import { dispatchInProcess } from "./in-process.js";
import type { State } from "./state.js";
import { type Placement, fromRecord, modelFromState, stateFromModel, unitStateOf } from "./state-model.js";

export interface ContextOptions extends MetaOptions {
  /** The application's name; default: the charm's name. */
  readonly appName?: string;
  /** The unit's number; default 0. */
  readonly unitId?: number;
  /** The Juju the unit runs, and what JUJU_VERSION says: any 3.6.x or 4.x (default 3.6.4; docs/juju-versions.md). */
  readonly jujuVersion?: string;
  /** The charm directory handlers run in (JUJU_CHARM_DIR); default: a temporary directory. */
  readonly charmRoot?: string;
  /** The machine tscharm/machine acts on in every run; default: a fresh, empty FakeMachine. */
  readonly machine?: FakeMachine;
}

/** A juju-log line the charm wrote. */
export interface JujuLogLine {
  readonly level: string;
  readonly message: string;
}

/** An event the framework emitted to handlers (the hook's own, re-emitted deferred ones, collect-status). */
export interface EmittedEvent {
  readonly kind: string;
  readonly snapshot: JsonObject;
  readonly reemitted: boolean;
}

/**
 * Runs a charm's handlers for one event at a time. Each run starts from the State it is given
 * and returns a new one. What the charm did that a State does not hold is recorded on the Context,
 * as ops' Scenario records it: over every run of this Context (logs, status and workload version
 * histories, removed secret revisions, requested storage, emitted events), except the action
 * results and logs, which are those of the last action run.
 */
export class Context<C extends CharmBase<CharmTypes> = CharmBase<CharmTypes>> {
  readonly meta: CharmMeta;
  /** `ctx.on.start()`, `ctx.on.relationChanged(relation)`, `ctx.on.action("backup", { to: "/x" })`, ... */
  readonly on: ContextEvents;
  readonly appName: string;
  readonly unitId: number;
  readonly jujuVersion: string;

  /** Every juju-log record, DEBUG included (in process a record costs no hook-tool process). */
  jujuLog: JujuLogLine[] = [];
  /**
   * The unit's status before each change, in order: the State's status first (Scenario's meaning).
   * The status now is the output State's `unitStatus`, not in this list.
   */
  unitStatusHistory: StatusBase[] = [];
  /** The application's status before each change, as `unitStatusHistory`. */
  appStatusHistory: StatusBase[] = [];
  /** The workload version before each change, leaving out an unset (empty) one; the version now is the State's. */
  workloadVersionHistory: string[] = [];
  /** The secret revisions the charm removed (`secret.removeRevision(n)`) in hooks that succeeded. */
  removedSecretRevisions: number[] = [];
  /** The storage the charm requested (`model.storages.request(name, n)`), by storage name, in hooks that succeeded. */
  requestedStorages: Record<string, number> = {};
  emittedEvents: EmittedEvent[] = [];
  /** The last action's results (nested by their dotted keys), or undefined if it set none. */
  actionResults: JsonObject | undefined;
  /** The last action's progress messages. */
  actionLogs: string[] = [];
  /** The charm instance of the last run, to inspect after it. */
  charm: C | undefined;

  /** The machine every run acts on (tscharm/machine's functions): the one given, or a FakeMachine of this Context's own. */
  readonly machine: FakeMachine;

  private charmRootDir: string | undefined;
  private ownsCharmRoot = false;

  constructor(
    private readonly charmClass: CharmClass<C>,
    options: ContextOptions = {},
  ) {
    this.meta = resolveCharmMeta(options);
    this.appName = options.appName ?? this.meta.name;
    this.unitId = options.unitId ?? 0;
    this.jujuVersion = options.jujuVersion ?? DEFAULT_JUJU_VERSION;
    const problem = jujuVersionProblem(this.jujuVersion);
    if (problem !== undefined) throw new TypeError(problem);
    this.charmRootDir = options.charmRoot;
    this.machine = options.machine ?? new FakeMachine();
    this.on = new ContextEvents(this.appName);
  }

  /** The unit under test, e.g. `demo/0`. */
  get unitName(): string {
    return `${this.appName}/${this.unitId}`;
  }

  /**
   * Runs `event` on a unit whose world is `state`: deferred events first, then the event, then
   * collect-status, then the commit, exactly as a real dispatch. Returns the State after it.
   * Throws InconsistentScenarioError for inputs Juju could not produce, UncaughtCharmError when the
   * charm throws, and ActionFailed when an action calls `event.fail()`.
   */
  async run(event: ContextEvent, state: State): Promise<State> {
    if (!(event instanceof ContextEvent)) throw new TypeError("ctx.run() takes an event from ctx.on, e.g. ctx.on.start()");
    checkConsistency(this.meta, state, event, this.unitId, this.jujuVersion);
    const placement: Placement = { meta: this.meta, appName: this.appName, unitId: this.unitId, jujuVersion: this.jujuVersion };
    const model = modelFromState(state, placement);
    const store = new MemoryStateStore(unitStateOf(state));
    const emitted: EmittedEvent[] = [];
    const result = await dispatchInProcess(this.charmClass, {
      model,
      unit: this.unitName,
      event: event.dispatchInfo(),
      meta: this.meta,
      store,
      charmDir: this.charmRoot(),
      machine: this.machine,
      ...(event.spec.type === "action" ? { params: event.spec.params } : {}),
      onEmit: (kind, snapshot, reemitted) => {
        emitted.push({ kind, snapshot, reemitted });
      },
    });

    const unit = model.unit(this.unitName);
    const app = model.app(this.appName);
    this.charm = result.charm;
    this.jujuLog.push(...model.logs.map(({ level, message }) => ({ level, message })));
    this.unitStatusHistory.push(...valuesBefore(state.unitStatus, unit.statusHistory.map(fromRecord)));
    this.appStatusHistory.push(...valuesBefore(state.appStatus, app.statusHistory.map(fromRecord)));
    this.workloadVersionHistory.push(
      ...valuesBefore(state.workloadVersion, app.workloadVersionHistory).filter((version) => version !== ""),
    );
    for (const removal of result.commit?.removedSecrets ?? [])
      if (removal.revision !== undefined) this.removedSecretRevisions.push(removal.revision);
    if (result.commit !== undefined) Object.assign(this.requestedStorages, unit.storageRequests);
    this.emittedEvents.push(...emitted);
    if (result.action !== undefined) {
      this.actionResults = Object.keys(result.action.results).length === 0 ? undefined : result.action.results;
      this.actionLogs = result.action.logs;
    }

    if (result.exitCode !== 0) throw new UncaughtCharmError(event.name, result.error);
    const output = stateFromModel(model, state, placement, store.state);
    if (result.action?.failure !== undefined) throw new ActionFailed(result.action.failure, output);
    return output;
  }

  /** Removes the temporary charm directory, if the Context made one. */
  cleanup(): void {
    if (this.ownsCharmRoot && this.charmRootDir !== undefined) rmSync(this.charmRootDir, { recursive: true, force: true });
    this.charmRootDir = undefined;
    this.ownsCharmRoot = false;
  }

  private charmRoot(): string {
    if (this.charmRootDir === undefined) {
      this.charmRootDir = mkdtempSync(join(tmpdir(), "tscharm-context-"));
      this.ownsCharmRoot = true;
    }
    return this.charmRootDir;
  }
}

/** The value before each of `changes` (Scenario's histories): the initial one, then every change but the last. */
function valuesBefore<T>(initial: T, changes: readonly T[]): T[] {
  return changes.length === 0 ? [] : [initial, ...changes.slice(0, -1)];
}
