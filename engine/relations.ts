// Relations in one hook: relation-ids, -list, -get, -set and -model-get with Juju's access rules;
// writes buffered until commit, remote data read once per hook, membership fixed when the hook starts.

import type { RelationRef } from "../runtime/hook-tools/index.js";
import { byUnitNumber } from "../grammar/names.js";
import { MAX_RELATION_SETTINGS_BYTES } from "../grammar/relations.js";
import { type CommitChanges, CommitError, type HookConcept, type HookScope } from "./hook-scope.js";
import { type Bag, type RelationRecord, applyChanges, bagBytes } from "./records.js";
import { fail, relationNotFound } from "./tool-errors.js";

export class Relations implements HookConcept {
  /** Juju fixes relation membership when it makes the hook context. */
  private membersAtStart: Map<number, readonly string[]> | undefined;
  private readonly writes = new Map<number, { unit: Bag; app: Bag }>();
  private readonly remoteSnapshots = new Map<string, Bag>();

  constructor(private readonly scope: HookScope) {}

  private get model() {
    return this.scope.model;
  }

  relationIds(endpoint: string): number[] {
    return (
      [...this.model.relations.values()]
        .filter(
          (relation) => this.model.endOf(relation, this.scope.appName)?.endpoint === endpoint && this.scope.knowsRelation(relation.id),
        )
        .map((relation) => relation.id)
        // Juju sorts the ids as strings: db:10 before db:2.
        .sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0))
    );
  }

  relationList(ref: RelationRef): string[] {
    const relation = this.relationFor("relation-list", ref);
    const remoteApp = this.model.remoteAppOf(relation, this.scope.appName);
    const members = this.scope.knownMembers(relation.id) ?? this.membersOf(relation);
    return members.filter((unit) => unit !== this.scope.unitName && unit.split("/")[0] === remoteApp).sort(byUnitNumber);
  }

  relationRemoteApp(ref: RelationRef): string | undefined {
    return this.model.remoteAppOf(this.relationFor("relation-list", ref), this.scope.appName);
  }

  relationGet(ref: RelationRef, target: string, app: boolean): Record<string, string> {
    const tool = "relation-get";
    const { appName, unitName } = this.scope;
    const relation = this.relationFor(tool, ref);
    const remoteApp = this.model.remoteAppOf(relation, appName);
    const isPeer = this.model.isPeer(relation);
    if (app) {
      const targetApp = target.split("/")[0] ?? target;
      if (targetApp === appName) {
        if (this.scope.isLeader()) return applyChanges(committedAppBag(relation, targetApp), this.pendingWrites(relation.id).app);
        if (!isPeer) fail(tool, 1, "permission denied");
        return committedAppBag(relation, targetApp);
      }
      if (targetApp !== remoteApp) fail(tool, 1, "permission denied");
      return this.snapshot(`${relation.id}/app/${targetApp}`, () => committedAppBag(relation, targetApp));
    }
    if (!target.includes("/")) {
      if (this.model.apps.has(target)) fail(tool, 2, `expected unit name, got application name "${target}"`);
      fail(tool, 2, `invalid unit name "${target}"`);
    }
    if (target === unitName) {
      return applyChanges(relation.unitData.get(target) ?? {}, this.pendingWrites(relation.id).unit);
    }
    if (target.split("/")[0] !== remoteApp || !relation.unitData.has(target)) fail(tool, 1, "permission denied");
    return this.snapshot(`${relation.id}/unit/${target}`, () => ({ ...(relation.unitData.get(target) ?? {}) }));
  }

  relationSet(ref: RelationRef, data: Readonly<Record<string, string>>, app: boolean): void {
    const relation = this.relationFor("relation-set", ref);
    if (app && !this.scope.isLeader()) fail("relation-set", 1, "cannot write relation settings");
    for (const key of Object.keys(data)) {
      if (key === "") fail("relation-set", 2, `expected "key=value", got "=${data[key] ?? ""}"`);
    }
    const pending = this.pendingWrites(relation.id);
    Object.assign(app ? pending.app : pending.unit, data);
    this.scope.autoCommit();
  }

  relationModelGet(ref: RelationRef): { readonly uuid: string } {
    const relation = this.relationFor("relation-model-get", ref);
    return { uuid: relation.remoteModelUuid ?? this.model.uuid };
  }

  /** The id of a relation between this unit's application and `remoteApp`, if there is one. */
  relationIdWith(remoteApp: string): number | undefined {
    const own = this.scope.appName;
    for (const relation of this.model.relations.values()) {
      if (this.model.endOf(relation, own) !== undefined && this.model.remoteAppOf(relation, own) === remoteApp) return relation.id;
    }
    return undefined;
  }

  /** This unit's endpoint in a relation; undefined when there is no such relation or its application is not in it. */
  relationEndpoint(relationId: number): string | undefined {
    const relation = this.model.relations.get(relationId);
    return relation === undefined ? undefined : this.model.endOf(relation, this.scope.appName)?.endpoint;
  }

  /** The relation `-r` names, as a tool of this unit may use it; relation not found (exit 2) otherwise. */
  relationFor(tool: string, ref: RelationRef): RelationRecord {
    const relation = this.model.relations.get(ref.id);
    if (relation === undefined || this.model.endOf(relation, this.scope.appName) === undefined || !this.scope.knowsRelation(relation.id)) {
      relationNotFound(tool, `${ref.endpoint}:${ref.id}`);
    }
    return relation;
  }

  /** Juju 4.0 caps each bag of settings (3.x: MongoDB's document size). */
  check(): void {
    const { appName, unitName } = this.scope;
    for (const [relationId, writes] of this.writes) {
      const relation = this.model.relations.get(relationId);
      if (relation === undefined) continue;
      for (const [bags, owner, changes] of [
        [relation.unitData, unitName, writes.unit],
        [relation.appData, appName, writes.app],
      ] as const) {
        const size = bagBytes(applyChanges(bags.get(owner) ?? {}, changes));
        if (size > MAX_RELATION_SETTINGS_BYTES) {
          throw new CommitError(
            `relation settings of ${owner} in relation ${relationId} are ${size} bytes, over the limit of ${MAX_RELATION_SETTINGS_BYTES}`,
          );
        }
      }
    }
  }

  apply(changes: CommitChanges): void {
    const { appName, unitName } = this.scope;
    for (const [relationId, writes] of this.writes) {
      if (!this.model.relations.has(relationId)) continue;
      if (Object.keys(writes.unit).length > 0 && this.model.updateRelationData(relationId, unitName, writes.unit)) {
        changes.relationChanges.push({ relationId, app: appName, unit: unitName });
      }
      if (Object.keys(writes.app).length > 0 && this.model.updateRelationData(relationId, appName, writes.app)) {
        changes.relationChanges.push({ relationId, app: appName, unit: undefined });
      }
    }
  }

  reset(): void {
    this.writes.clear();
  }

  /** The units in scope of a relation as this hook found them (Juju fixes them when the context is made). */
  private membersOf(relation: RelationRecord): readonly string[] {
    if (this.scope.autoCommitting) return [...relation.members];
    this.membersAtStart ??= new Map([...this.model.relations.values()].map((each) => [each.id, [...each.members]]));
    return this.membersAtStart.get(relation.id) ?? [...relation.members];
  }

  private pendingWrites(relationId: number): { unit: Bag; app: Bag } {
    let writes = this.writes.get(relationId);
    if (writes === undefined) {
      writes = { unit: {}, app: {} };
      this.writes.set(relationId, writes);
    }
    return writes;
  }

  /** Remote data is read once per hook: later reads in the same hook see the same snapshot. */
  private snapshot(key: string, read: () => Bag): Bag {
    let bag = this.remoteSnapshots.get(key);
    if (bag === undefined) {
      bag = read();
      this.remoteSnapshots.set(key, bag);
    }
    return { ...bag };
  }
}

function committedAppBag(relation: RelationRecord, app: string): Bag {
  return { ...(relation.appData.get(app) ?? {}) };
}
