// Event classes for every machine hook, actions, custom hooks and collect-status, and how they defer.

import { flattenActionResults, type ActionResults } from "./actions.js";
import type { HookDescriptor } from "./dispatch-context.js";
import { Storage } from "./storage.js";
import type { JsonObject, JsonValue } from "./meta.js";
import { type Application, type Model, type Unit, modelBackend } from "./model.js";
import type { Relation } from "./relations.js";
import { Secret, canonicalSecretId } from "./secrets.js";
import type { StatusBase } from "./status.js";

/** What an event reads lazily: the model of the running dispatch (the framework). Not exported from "tscharm". */
export interface EventScope {
  readonly model: Model;
}

/** @internal The constructor shape every event class shares. */
export interface EventClass<E extends EventBase = EventBase> {
  new (scope: EventScope, kind: string, snapshot: JsonObject): E;
  /** False for events Juju re-runs by itself (and collect-status): `defer()` refuses them. */
  readonly deferrable: boolean;
}

/**
 * Base of all events. An event is rebuilt from its snapshot when it is re-emitted after `defer()`,
 * so its properties read the model *then*, not when it was deferred.
 */
export abstract class EventBase {
  static readonly deferrable: boolean = true;
  private deferredFlag = false;

  /** @internal Events are created by the framework. */
  constructor(
    /** @internal The running dispatch's model, read lazily. */
    protected readonly scope: EventScope,
    /** The hook or action this event came from, e.g. `cluster-relation-changed`, `action:backup`. */
    readonly kind: string,
    /**
     * What the event carries, as JSON: stored to rebuild the event after `defer()`. A custom
     * event class reads its own fields from it (see `customEvent`).
     */
    readonly snapshot: JsonObject,
  ) {}

  /**
   * Runs this handler again before the next event this unit gets (the handler still runs to its
   * end now). Prefer a holistic handler that reconciles on every event; defer is for short waits.
   */
  defer(): void {
    if (!(this.constructor as EventClass).deferrable) {
      throw new Error(`${this.constructor.name} (${this.kind}) cannot be deferred: Juju runs it again by itself`);
    }
    this.deferredFlag = true;
  }

  get deferred(): boolean {
    return this.deferredFlag;
  }

  toString(): string {
    return `${this.constructor.name}(${this.kind})`;
  }
}

/** Any event that comes from a Juju hook. */
export abstract class HookEvent extends EventBase {}

export class InstallEvent extends HookEvent {}
export class StartEvent extends HookEvent {}
export class StopEvent extends HookEvent {
  static override readonly deferrable = false;
}
export class RemoveEvent extends HookEvent {
  static override readonly deferrable = false;
}
export class ConfigChangedEvent extends HookEvent {}
export class UpdateStatusEvent extends HookEvent {}
export class UpgradeCharmEvent extends HookEvent {}
export class LeaderElectedEvent extends HookEvent {}
export class LeaderSettingsChangedEvent extends HookEvent {}
export class PreSeriesUpgradeEvent extends HookEvent {}
export class PostSeriesUpgradeEvent extends HookEvent {}
export class CollectMetricsEvent extends HookEvent {}

/** A hook with no built-in meaning: `this.on.custom("my-hook")`. */
export class CustomHookEvent extends HookEvent {
  get name(): string {
    return this.kind;
  }
}

/** Base of the relation events: the relation, and the remote unit and app the event is about. */
export abstract class RelationEvent extends HookEvent {
  get relation(): Relation {
    return this.scope.model.relationObject(str(this.snapshot, "relationName"), num(this.snapshot, "relationId"));
  }

  /** The remote application (undefined only if Juju did not say, which can happen in relation-broken). */
  get app(): Application | undefined {
    const name = optStr(this.snapshot, "appName");
    return name === undefined ? undefined : this.scope.model.getApp(name);
  }

  /**
   * The remote unit that triggered the event; undefined in relation-created, relation-broken, and
   * the relation-changed Juju runs when the remote application's data changed.
   */
  get unit(): Unit | undefined {
    const name = optStr(this.snapshot, "unitName");
    return name === undefined ? undefined : this.scope.model.getUnit(name);
  }
}

export class RelationCreatedEvent extends RelationEvent {}
export class RelationJoinedEvent extends RelationEvent {}
export class RelationChangedEvent extends RelationEvent {}
export class RelationBrokenEvent extends RelationEvent {}
export class RelationDepartedEvent extends RelationEvent {
  /** The unit that is leaving (it may be this unit). */
  get departingUnit(): Unit | undefined {
    const name = optStr(this.snapshot, "departingUnit");
    return name === undefined ? undefined : this.scope.model.getUnit(name);
  }
}

/** Base of the storage events. The location comes from the environment: no hook tool runs. */
export abstract class StorageEvent extends HookEvent {
  private storageObject: Storage | undefined;

  get storage(): Storage {
    if (this.storageObject === undefined) {
      const kind = optStr(this.snapshot, "kind");
      const backend = modelBackend(this.scope.model);
      this.storageObject = new Storage(backend, str(this.snapshot, "storageName"), num(this.snapshot, "storageIndex"), {
        location: optStr(this.snapshot, "location"),
        kind: kind === "block" || kind === "filesystem" ? kind : undefined,
      });
    }
    return this.storageObject;
  }
}

export class StorageAttachedEvent extends StorageEvent {}
export class StorageDetachingEvent extends StorageEvent {}

/** Base of the secret events. `secret` reads nothing until asked. */
export abstract class SecretEvent extends HookEvent {
  private secretObject: Secret | undefined;

  /** The secret, as one object for the whole handler (so content read once stays cached). */
  get secret(): Secret {
    const backend = modelBackend(this.scope.model);
    this.secretObject ??= new Secret(backend, {
      id: canonicalSecretId(str(this.snapshot, "id"), backend.context.modelUuid),
      label: optStr(this.snapshot, "label"),
    });
    return this.secretObject;
  }
}

/** A secret this unit observes has a new revision; `getContent({ refresh: true })` to use it. */
export class SecretChangedEvent extends SecretEvent {}
/** A secret this application owns is due for rotation. Juju repeats it until a new revision exists. */
export class SecretRotateEvent extends SecretEvent {
  static override readonly deferrable = false;
}
/** A revision of an owned secret is no longer tracked by anyone and can be removed. */
export class SecretRemoveEvent extends SecretEvent {
  get revision(): number {
    return num(this.snapshot, "revision");
  }

  removeRevision(): void {
    this.secret.removeRevision(this.revision);
  }
}
/** A revision of an owned secret has expired. Juju repeats it until handled. */
export class SecretExpiredEvent extends SecretEvent {
  static override readonly deferrable = false;
  get revision(): number {
    return num(this.snapshot, "revision");
  }

  removeRevision(): void {
    this.secret.removeRevision(this.revision);
  }
}

/** An action run by `juju run`. Results, logs and failure go straight to Juju. */
// Params only types `params` (as generated from actions.yaml); the values are Juju's.
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export class ActionEvent<Params extends object = Record<string, JsonValue>> extends EventBase {
  static override readonly deferrable = false;

  /** The action's name, e.g. `rotate-password`. */
  get name(): string {
    return str(this.snapshot, "name");
  }

  /** The task id Juju gave this run. */
  get id(): string {
    return str(this.snapshot, "id");
  }

  /** The params, with the defaults from actions.yaml filled in by Juju (`action-get`, once per hook). */
  get params(): Params {
    return modelBackend(this.scope.model).actionParams() as Params;
  }

  /** Adds results (nested records become dotted keys); may be called several times. */
  setResults(results: ActionResults): void {
    const flat = flattenActionResults(results);
    if (Object.keys(flat).length > 0) modelBackend(this.scope.model).tools.actionSet(flat);
  }

  /** Marks the action failed with a message for the user. The handler keeps running. */
  fail(message = ""): void {
    modelBackend(this.scope.model).tools.actionFail(message);
  }

  /** A progress message the user sees while the action runs. */
  log(message: string): void {
    modelBackend(this.scope.model).tools.actionLog(message);
  }
}

/** Emitted after every event so components can report their status; the most severe one wins. */
export class CollectStatusEvent extends EventBase {
  static override readonly deferrable = false;
  /** @internal */
  readonly statuses: StatusBase[] = [];

  addStatus(status: StatusBase): void {
    this.statuses.push(status);
  }
}

/** The snapshot stored for the event of this dispatch. */
export function snapshotOf(hook: HookDescriptor): JsonObject {
  switch (hook.type) {
    case "lifecycle":
    case "custom":
      return {};
    case "relation":
      return compact({
        relationName: hook.endpoint,
        relationId: hook.relationId,
        appName: hook.remoteApp,
        unitName: hook.remoteUnit,
        departingUnit: hook.departingUnit,
      });
    case "storage":
      return compact({ storageName: hook.storageName, storageIndex: hook.storageIndex, location: hook.location, kind: hook.kind });
    case "secret":
      return compact({ id: hook.secretId, label: hook.label, revision: hook.revision });
    case "action":
      return { name: hook.name, id: hook.uuid };
  }
}

function compact(values: Record<string, JsonValue | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) out[key] = value;
  return out;
}

function optStr(snapshot: JsonObject, key: string): string | undefined {
  const value = snapshot[key];
  return typeof value === "string" ? value : undefined;
}

function str(snapshot: JsonObject, key: string): string {
  const value = snapshot[key];
  if (typeof value !== "string") throw new Error(`event snapshot lacks "${key}"`);
  return value;
}

function num(snapshot: JsonObject, key: string): number {
  const value = snapshot[key];
  if (typeof value !== "number") throw new Error(`event snapshot lacks "${key}"`);
  return value;
}
