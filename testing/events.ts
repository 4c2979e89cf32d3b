// The events a Context can run: `ctx.on.start()`, `ctx.on.relationChanged(rel)`, `ctx.on.action(...)`.

import type { HookDescriptor, RelationPhase, SecretPhase, StoragePhase } from "../runtime/dispatch-context.js";
import { eventKind } from "../runtime/dispatch-context.js";
import { snapshotOf } from "../runtime/events.js";
import type { JsonObject } from "../runtime/meta.js";
import { type DispatchInfo, hookInfo } from "../engine/hook-info.js";
import { xidOf } from "../engine/secrets.js";
import { type AnyRelation, DeferredEvent, PeerRelation, type Secret, type Storage, SubordinateRelation } from "./state.js";

export type EventSpec =
  | { readonly type: "lifecycle" }
  | { readonly type: "custom" }
  | {
      readonly type: "relation";
      readonly phase: RelationPhase;
      readonly relation: AnyRelation;
      readonly remoteUnit: string | undefined;
      readonly departingUnit: string | undefined;
    }
  | { readonly type: "secret"; readonly phase: SecretPhase; readonly secret: Secret; readonly revision: number | undefined }
  | { readonly type: "storage"; readonly phase: StoragePhase; readonly storage: Storage }
  | { readonly type: "action"; readonly params: JsonObject; readonly id: string };

/** One event for `ctx.run`; `.deferred(handler)` turns it into a deferred event for a State. */
export class ContextEvent {
  /** @internal Built by `ctx.on`. */
  constructor(
    /** The hook name (`db-relation-changed`) or the action name. */
    readonly name: string,
    readonly spec: EventSpec,
    /** @internal The application of the unit under test. */
    readonly appName: string,
  ) {}

  /** As it would sit in the state store after `handler` deferred it. */
  deferred(handler: { readonly name: string } | string): DeferredEvent {
    const descriptor = this.descriptor();
    const observer = typeof handler === "string" ? handler : handler.name.replace(/^bound /, "") || "anonymous";
    return new DeferredEvent({ kind: eventKind(descriptor), observer, snapshot: snapshotOf(descriptor) });
  }

  /** @internal What the runtime will make of this event. */
  descriptor(): HookDescriptor {
    const spec = this.spec;
    switch (spec.type) {
      case "lifecycle":
        return { type: "lifecycle", name: this.name as Extract<HookDescriptor, { type: "lifecycle" }>["name"] };
      case "custom":
        return { type: "custom", name: this.name };
      case "relation":
        return {
          type: "relation",
          phase: spec.phase,
          endpoint: spec.relation.endpoint,
          relationId: spec.relation.id,
          remoteApp: remoteAppOf(spec.relation, this.appName),
          remoteUnit: spec.remoteUnit,
          departingUnit: spec.departingUnit,
        };
      case "secret":
        return { type: "secret", phase: spec.phase, secretId: spec.secret.id, label: spec.secret.label, revision: spec.revision };
      case "storage":
        return {
          type: "storage",
          phase: spec.phase,
          storageName: spec.storage.name,
          storageIndex: spec.storage.index,
          location: spec.storage.location,
          kind: undefined,
        };
      case "action":
        return { type: "action", name: this.name, uuid: spec.id };
    }
  }

  /** @internal The event as the engine runs it. */
  dispatchInfo(): DispatchInfo {
    const spec = this.spec;
    switch (spec.type) {
      case "action":
        return { kind: "action", name: this.name, id: spec.id };
      case "relation":
        return hookInfo(this.name, { relationId: spec.relation.id, remoteUnit: spec.remoteUnit, departingUnit: spec.departingUnit });
      case "secret":
        return hookInfo(this.name, { secret: xidOf(spec.secret.id) ?? spec.secret.id, secretRevision: spec.revision });
      case "storage":
        return hookInfo(this.name, { storage: spec.storage.id });
      case "lifecycle":
      case "custom":
        return hookInfo(this.name);
    }
  }
}

function remoteAppOf(relation: AnyRelation, appName: string): string {
  return relation instanceof PeerRelation ? appName : relation.remoteAppName;
}

/** A remote unit given as a number (`0` → `remote/0`) or a name. */
type UnitRef = number | string;

let nextActionId = 1;

/** `ctx.on`: a constructor for every event a machine charm gets. */
export class ContextEvents {
  /** @internal */
  constructor(private readonly appName: string) {}

  install = (): ContextEvent => this.hook("install");
  start = (): ContextEvent => this.hook("start");
  stop = (): ContextEvent => this.hook("stop");
  remove = (): ContextEvent => this.hook("remove");
  updateStatus = (): ContextEvent => this.hook("update-status");
  configChanged = (): ContextEvent => this.hook("config-changed");
  upgradeCharm = (): ContextEvent => this.hook("upgrade-charm");
  leaderElected = (): ContextEvent => this.hook("leader-elected");
  leaderSettingsChanged = (): ContextEvent => this.hook("leader-settings-changed");
  preSeriesUpgrade = (): ContextEvent => this.hook("pre-series-upgrade");
  postSeriesUpgrade = (): ContextEvent => this.hook("post-series-upgrade");
  collectMetrics = (): ContextEvent => this.hook("collect-metrics");

  relationCreated = (relation: AnyRelation): ContextEvent => this.relation(relation, "created", undefined, undefined);
  relationJoined = (relation: AnyRelation, options: { remoteUnit?: UnitRef } = {}): ContextEvent =>
    this.relation(relation, "joined", options.remoteUnit, undefined);
  relationChanged = (relation: AnyRelation, options: { remoteUnit?: UnitRef } = {}): ContextEvent =>
    this.relation(relation, "changed", options.remoteUnit, undefined);
  relationDeparted = (relation: AnyRelation, options: { remoteUnit?: UnitRef; departingUnit?: UnitRef } = {}): ContextEvent =>
    this.relation(relation, "departed", options.remoteUnit, options.departingUnit);
  relationBroken = (relation: AnyRelation): ContextEvent => this.relation(relation, "broken", undefined, undefined);

  storageAttached = (storage: Storage): ContextEvent =>
    new ContextEvent(`${storage.name}-storage-attached`, { type: "storage", phase: "attached", storage }, this.appName);
  storageDetaching = (storage: Storage): ContextEvent =>
    new ContextEvent(`${storage.name}-storage-detaching`, { type: "storage", phase: "detaching", storage }, this.appName);

  secretChanged = (secret: Secret): ContextEvent => this.secret(secret, "changed", undefined);
  secretRotate = (secret: Secret): ContextEvent => this.secret(secret, "rotate", undefined);
  secretRemove = (secret: Secret, options: { revision: number }): ContextEvent => this.secret(secret, "remove", options.revision);
  secretExpired = (secret: Secret, options: { revision: number }): ContextEvent => this.secret(secret, "expired", options.revision);

  /** `juju run <unit> <name> key=value ...`. */
  action = (name: string, params: JsonObject = {}, options: { id?: string } = {}): ContextEvent =>
    new ContextEvent(name, { type: "action", params: structuredClone(params), id: options.id ?? String(nextActionId++) }, this.appName);

  /** Any other hook, as Juju would run `hooks/<name>`. */
  custom = (hookName: string): ContextEvent => this.hook(hookName, "custom");

  private hook(name: string, type: "lifecycle" | "custom" = "lifecycle"): ContextEvent {
    return new ContextEvent(name, { type }, this.appName);
  }

  private relation(relation: AnyRelation, phase: RelationPhase, remote: UnitRef | undefined, departing: UnitRef | undefined): ContextEvent {
    const remoteApp = remoteAppOf(relation, this.appName);
    const unitName = (ref: UnitRef): string => (typeof ref === "number" ? `${remoteApp}/${ref}` : ref);
    let remoteUnit = remote === undefined ? undefined : unitName(remote);
    if (remoteUnit === undefined && phase !== "created" && phase !== "broken") remoteUnit = firstRemoteUnit(relation, this.appName);
    return new ContextEvent(
      `${relation.endpoint}-relation-${phase}`,
      {
        type: "relation",
        phase,
        relation,
        remoteUnit,
        // In relation-departed the departing unit is the remote one unless the test says otherwise.
        departingUnit: departing !== undefined ? unitName(departing) : phase === "departed" ? remoteUnit : undefined,
      },
      this.appName,
    );
  }

  private secret(secret: Secret, phase: SecretPhase, revision: number | undefined): ContextEvent {
    return new ContextEvent(`secret-${phase}`, { type: "secret", phase, secret, revision }, this.appName);
  }
}

function firstRemoteUnit(relation: AnyRelation, appName: string): string | undefined {
  if (relation instanceof SubordinateRelation) return relation.remoteUnitName;
  if (relation instanceof PeerRelation) {
    const first = Object.keys(relation.peersData)[0];
    return first === undefined ? undefined : `${appName}/${first}`;
  }
  return relation.remoteUnits[0];
}
