// The framework: observers, deferred events, stored state, collect-status, and the order of one hook.

import { type DispatchContext, eventKind } from "./dispatch-context.js";
import { type DebugSession, checkBreakpointName } from "./debug-code.js";
import { StateError } from "./errors.js";
import { CollectStatusEvent, type EventBase, type EventClass, type EventScope, snapshotOf } from "./events.js";
import type { HookTools } from "./hook-tools/index.js";
import type { Clock } from "./leadership.js";
import { log } from "./log.js";
import type { CharmMeta, JsonObject, JsonValue } from "./meta.js";
import { Model, modelBackend } from "./model.js";
import { ModelBackend } from "./model-backend.js";
import { highestPriority } from "./status.js";
import type { DeferredNotice, UnitState } from "./state-file.js";

/** An event kind a handler can observe: `this.on.start`, `this.on.relationChanged("db")`, ... */
export class BoundEvent<E extends EventBase = EventBase> {
  /** @internal Juju's events come from `this.on`; custom ones from `customEvent(...)`. */
  constructor(
    readonly kind: string,
    /** @internal */
    readonly eventClass: EventClass<E>,
  ) {}
}

/** `owner/event-name`: an owner and an event name in kebab case (`db/database-created`). */
const CUSTOM_KIND = /^[a-z0-9][a-z0-9._-]*\/[a-z][a-z0-9-]*$/;

/**
 * A custom event: one that a charm or a library emits itself with `framework.emit(...)` (an
 * interface's `databaseCreated`), as ops' `EventSource`. `owner` names what emits it (an
 * interface's endpoint, say `db`) and `name` the event, so the kind is `db/database-created`;
 * a slash never occurs in a Juju hook's name, so a custom event can never be mistaken for one.
 * The event class must be rebuildable from its snapshot alone: a deferred custom event is
 * re-emitted in a later dispatch, like a deferred hook.
 */
export function customEvent<E extends EventBase>(owner: string, name: string, eventClass: EventClass<E>): BoundEvent<E> {
  const kind = `${owner}/${name}`;
  if (!CUSTOM_KIND.test(kind)) {
    throw new TypeError(
      `customEvent(${JSON.stringify(owner)}, ${JSON.stringify(name)}): the owner must be lower case ([a-z0-9._-]) ` +
        "and the name kebab case (database-created)",
    );
  }
  return new BoundEvent(kind, eventClass);
}

/**
 * `T` when every value in it survives a JSON round trip; otherwise the offending property's type
 * becomes `never`, so `storedState("s", { when: new Date() })` does not compile.
 */
export type JsonCompatible<T> = T extends string | number | boolean | null
  ? T
  : T extends readonly (infer U)[]
    ? readonly JsonCompatible<U>[]
    : T extends Date | Map<unknown, unknown> | Set<unknown> | RegExp | ((...args: never[]) => unknown) | bigint | symbol | undefined
      ? never
      : { [K in keyof T]: JsonCompatible<T[K]> };

/** A function that handles an event; it may be async, and the framework awaits it. */
export type Handler<E extends EventBase> = (event: E) => void | Promise<void>;

interface Observer {
  /** Stable across dispatches, so a deferred notice finds its handler again. */
  readonly id: string;
  readonly handler: Handler<EventBase>;
}

interface Observation {
  readonly eventClass: EventClass;
  readonly observers: Observer[];
}

/** Kinds Juju runs in a restricted context: no deferred re-emission and no collect-status (as ops). */
const RESTRICTED = new Set(["collect-metrics", "meter-status-changed"]);

export const COLLECT_UNIT_STATUS = "collect-unit-status";
export const COLLECT_APP_STATUS = "collect-app-status";

/** Passed to the charm's constructor; `framework.observe(...)` wires handlers to events. */
export class Framework implements EventScope {
  /** @internal Told of every emission (the test kit records them); unset in production. */
  onEmit: ((kind: string, snapshot: JsonObject, reemitted: boolean) => void) | undefined;
  /** @internal Set by the runtime when `JUJU_DEBUG_AT` is (`juju debug-code`); unset otherwise. */
  debugSession: DebugSession | undefined;
  private currentModel: Model | undefined;
  private readonly observations = new Map<string, Observation>();
  private readonly storedObjects = new Map<string, JsonObject>();
  private deferred: DeferredNotice[];

  /** @internal The runtime (or the test kit) creates the framework. */
  constructor(
    readonly meta: CharmMeta,
    private readonly tools: HookTools,
    private readonly initialState: UnitState,
    private readonly clock?: Clock,
  ) {
    this.deferred = [...initialState.deferred];
  }

  /** The model of the hook being run. */
  get model(): Model {
    if (this.currentModel === undefined) throw new Error("the framework has no hook context yet");
    return this.currentModel;
  }

  /**
   * Calls `handler` whenever `event` happens. Handlers are identified by their name (add `#n` for
   * repeats) so that a deferred event reaches the same handler in a later dispatch: use named
   * methods or arrow-function properties (`onStart = (event: StartEvent) => { ... }`).
   */
  observe<E extends EventBase>(event: BoundEvent<E>, handler: Handler<E>): void {
    if (!(event instanceof BoundEvent)) throw new TypeError("observe() takes an event from this.on, e.g. this.on.start");
    if (typeof handler !== "function") throw new TypeError(`observe(${event.kind}, ...) needs a handler function`);
    let observation = this.observations.get(event.kind);
    if (observation === undefined) {
      observation = { eventClass: event.eventClass, observers: [] };
      this.observations.set(event.kind, observation);
    }
    const base = handler.name.replace(/^bound /, "") || "anonymous";
    let id = base;
    for (let n = 2; observation.observers.some((o) => o.id === id); n++) id = `${base}#${n}`;
    observation.observers.push({ id, handler: handler as Handler<EventBase> });
  }

  /**
   * State that survives between dispatches: `this.framework.storedState("counter", { runs: 0 })`
   * returns a plain object, pre-filled with what was committed before (defaults fill missing keys).
   * Change it freely; it is saved only if the dispatch succeeds. Values must be JSON.
   */
  storedState<T extends object>(name: string, defaults: T & JsonCompatible<T>): T {
    if (this.storedObjects.has(name)) throw new StateError(`stored state "${name}" is already in use; give each one its own name`);
    const saved = this.initialState.stored[name];
    const object = { ...clone(defaults as JsonObject), ...(saved === undefined ? {} : clone(saved)) };
    this.storedObjects.set(name, object);
    return object as T;
  }

  /**
   * Stops here for a debugger when `juju debug-code` asked for it, as ops' `framework.breakpoint()`:
   * when `JUJU_DEBUG_AT` is `all`, or names this breakpoint. Otherwise it does nothing (and without
   * `JUJU_DEBUG_AT` at all, nothing is loaded). Names look like `foo` or `foo-bar`; `all` and
   * `hook` are reserved. See docs/debugging.md.
   */
  breakpoint(name?: string): void {
    if (name !== undefined) checkBreakpointName(name);
    const session = this.debugSession;
    if (session === undefined) return;
    if (!session.stopsAt(name)) {
      log.warning(
        `Breakpoint ${name === undefined ? "(unnamed)" : JSON.stringify(name)} skipped ` +
          `(not found in the requested breakpoints: ${session.debugAt.join(", ")})`,
      );
      return;
    }
    session.attach(name === undefined ? "at framework.breakpoint()" : `at framework.breakpoint("${name}")`);
    // JUJU_DEBUG_AT stops here. Step out (Shift+F11 in VS Code, `o` in node inspect) to the charm's code.
    // eslint-disable-next-line no-debugger -- stopping for the debugger is what breakpoint() is for
    debugger;
  }

  /**
   * Emits a custom event made by `customEvent(...)`: every observer runs now, in the order they
   * were registered, each awaited, and the call returns when the last one has; a handler that
   * throws fails the hook like any other. `snapshot` is all the event carries (JSON only): a
   * handler that defers the event gets it rebuilt from the snapshot first thing in the next
   * dispatch. Juju's own events cannot be emitted: they come from Juju.
   */
  async emit<E extends EventBase>(event: BoundEvent<E>, snapshot: JsonObject = {}): Promise<void> {
    if (!(event instanceof BoundEvent) || !CUSTOM_KIND.test(event.kind)) {
      const kind = event instanceof BoundEvent ? event.kind : typeof event;
      throw new TypeError(`emit() takes a custom event made by customEvent(...); ${kind} is Juju's to emit`);
    }
    checkJson(snapshot, `the snapshot of ${event.kind}`, "");
    await this.emitKind(event.kind, clone(snapshot));
  }

  /**
   * @internal Makes `context` the hook being run: a fresh model with fresh per-hook caches. The
   * test kit passes other `tools` to let a test use the charm between hooks.
   */
  useContext(context: DispatchContext, tools: HookTools = this.tools): Model {
    this.currentModel = new Model(new ModelBackend(tools, this.meta, context, this.clock));
    return this.currentModel;
  }

  /**
   * @internal Runs one hook on the charm: deferred events first (in order, each to the handler
   * that deferred it), then this hook's event, then collect-status. Throws whatever a handler throws.
   */
  async runHook(context: DispatchContext): Promise<void> {
    const current = this.currentModel === undefined ? undefined : modelBackend(this.currentModel).context;
    if (current !== context) this.useContext(context);
    const kind = eventKind(context.hook);
    const restricted = RESTRICTED.has(kind);
    if (!restricted) await this.reemit();
    const observed = await this.emitKind(kind, snapshotOf(context.hook));
    if (!observed) log.debug(`no handler observes ${kind}; nothing to do`);
    if (!restricted) await this.evaluateStatus();
  }

  /** @internal What to commit: stored state (also the names this dispatch did not touch) and the deferred queue. */
  state(): UnitState {
    const stored: Record<string, JsonObject> = { ...this.initialState.stored };
    for (const [name, object] of this.storedObjects) {
      checkJson(object, `stored state "${name}"`, "");
      stored[name] = clone(object);
    }
    return { stored, deferred: [...this.deferred] };
  }

  private async reemit(): Promise<void> {
    const queue = this.deferred;
    this.deferred = [];
    for (const notice of queue) {
      const observation = this.observations.get(notice.kind);
      const observer = observation?.observers.find((o) => o.id === notice.observer);
      if (observation === undefined || observer === undefined) {
        log.debug(`dropping deferred ${notice.kind} for ${notice.observer}: no such handler any more`);
        continue;
      }
      log.debug(`re-emitting deferred ${notice.kind} to ${observer.id}`);
      this.onEmit?.(notice.kind, notice.snapshot, true);
      const event = new observation.eventClass(this, notice.kind, notice.snapshot);
      await this.callObserver(observer, notice.kind, event);
      if (event.deferred) this.deferred.push(notice);
    }
  }

  /** Emits to every observer of `kind`, each with its own event object; returns false if none. */
  private async emitKind(kind: string, snapshot: JsonObject): Promise<boolean> {
    const observation = this.observations.get(kind);
    if (observation === undefined) return false;
    log.debug(`emitting ${kind}`);
    this.onEmit?.(kind, snapshot, false);
    for (const observer of observation.observers) {
      const event = new observation.eventClass(this, kind, snapshot);
      await this.callObserver(observer, kind, event);
      if (event.deferred) this.addNotice({ kind, observer: observer.id, snapshot });
    }
    return true;
  }

  /** Runs a handler of a Juju event (the dispatched one or a deferred one); under `JUJU_DEBUG_AT=all|hook`, stops first, as ops does. */
  private callObserver(observer: Observer, kind: string, event: EventBase): void | Promise<void> {
    const session = this.debugSession;
    if (session?.stopsAtHandlers === true) {
      session.attach(`before ${observer.id}, the handler of ${kind}`);
      // JUJU_DEBUG_AT stops here, before the handler. Step into it (F11 in VS Code, `s` in node inspect).
      // eslint-disable-next-line no-debugger -- stopping for the debugger is what JUJU_DEBUG_AT asks for
      debugger;
    }
    return observer.handler(event);
  }

  private addNotice(notice: DeferredNotice): void {
    const key = JSON.stringify(notice.snapshot);
    const duplicate = this.deferred.some(
      (queued) => queued.kind === notice.kind && queued.observer === notice.observer && JSON.stringify(queued.snapshot) === key,
    );
    if (duplicate) log.debug(`not deferring ${notice.kind} for ${notice.observer} again: it is already queued`);
    else this.deferred.push(notice);
  }

  private async evaluateStatus(): Promise<void> {
    const model = this.model;
    if (this.observations.has(COLLECT_APP_STATUS) && model.unit.isLeader()) {
      const status = highestPriority(await this.collect(COLLECT_APP_STATUS));
      if (status !== undefined) model.app.status = status;
    }
    if (this.observations.has(COLLECT_UNIT_STATUS)) {
      const status = highestPriority(await this.collect(COLLECT_UNIT_STATUS));
      if (status !== undefined) model.unit.status = status;
    }
  }

  private async collect(kind: string): Promise<CollectStatusEvent["statuses"]> {
    this.onEmit?.(kind, {}, false);
    const statuses: CollectStatusEvent["statuses"] = [];
    for (const observer of this.observations.get(kind)?.observers ?? []) {
      const event = new CollectStatusEvent(this, kind, {});
      await observer.handler(event);
      statuses.push(...event.statuses);
    }
    return statuses;
  }
}

function clone<T extends JsonValue>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Refuses anything JSON would silently change: undefined, functions, NaN, class instances, cycles. */
/** `what` names the value in the error: `stored state "counters"`, `the snapshot of db/database-created`. */
function checkJson(value: unknown, what: string, path: string, seen: Set<object> = new Set()): void {
  const where = (): string => `${what}${path === "" ? "" : ` at ${path}`}`;
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new StateError(`${where()} is ${value}; only finite numbers can be stored`);
    return;
  }
  if (typeof value === "object") {
    if (seen.has(value)) throw new StateError(`${where()} refers to itself; it must be a tree`);
    seen.add(value);
    if (Array.isArray(value)) {
      value.forEach((item, index) => checkJson(item, what, `${path}[${index}]`, seen));
    } else {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        const type = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
        throw new StateError(`${where()} is a ${type}; only plain objects, arrays, strings, numbers, booleans and null can be stored`);
      }
      for (const [key, item] of Object.entries(value)) checkJson(item, what, `${path}.${key}`, seen);
    }
    seen.delete(value);
    return;
  }
  throw new StateError(`${where()} is ${typeof value}; only JSON values can be stored`);
}
