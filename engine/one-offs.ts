// The one-off tools of a hook: application-version-set (immediate), resource-get, goal-state,
// credential-get, and juju-reboot (after the hook, or now).

import type { CloudSpecRecord, GoalStateRecord } from "../runtime/hook-tools/index.js";
import type { CommitChanges, HookConcept, HookScope } from "./hook-scope.js";
import { fail } from "./tool-errors.js";

/** One entry of goal-state: a status and when it was set, in Juju's format. */
interface GoalEntry {
  status: string;
  since: string;
}

/**
 * goal-state's times: Juju's FormatTime in its ISO form, UTC, `2006-01-02 15:04:05Z` (juju/juju
 * cmd/juju/common, FormatTime(t, true), called from worker/uniter/runner/jujuc/goal-state.go).
 */
export function goalTime(iso: string): string {
  const when = new Date(iso);
  const text = (Number.isNaN(when.getTime()) ? new Date() : when).toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 19)}Z`;
}

export class OneOffTools implements HookConcept {
  private rebootAfterHook = false;

  constructor(private readonly scope: HookScope) {}

  applicationVersionSet(version: string): void {
    this.scope.model.setWorkloadVersion(this.scope.appName, version, { unit: this.scope.unitName });
  }

  resourceGet(name: string): string {
    if (name === "") fail("resource-get", 2, "missing required resource name");
    const path = this.scope.model.unit(this.scope.unitName).resources.get(name);
    if (path === undefined) fail("resource-get", 1, `could not download resource: resource "${name}" not found`);
    return path;
  }

  /**
   * What the controller answers (juju/juju apiserver/facades/agent/uniter/uniter.go, oneGoalState,
   * goalStateRelations and goalStateUnits, read on 3.6 and on the 4.0 development branch; printed by
   * worker/uniter/runner/jujuc/goal-state.go): the application's units, alive or dying, each with its
   * workload status (or `dying`) and when it was set; and for each relation with another application,
   * under the local endpoint, that application with the relation's status, and its units as above.
   * Peer relations are left out.
   */
  goalState(): GoalStateRecord {
    const { model, appName } = this.scope;
    const app = model.app(appName);
    const units = this.goalStateUnits(appName);
    const planned = app.plannedUnits;
    if (planned !== undefined) {
      // A test's planned units (the test kit's set_planned_units): the missing ones get the next
      // numbers Juju would give them; the extra ones show as dying.
      const alive = app.units.filter((name) => !model.unit(name).dying);
      let next = Math.max(-1, ...app.units.map((name) => Number(name.split("/")[1]))) + 1;
      const now = goalTime(new Date().toISOString());
      for (let n = alive.length; n < planned; n++) units[`${app.name}/${String(next++)}`] = { status: "allocating", since: now };
      for (const extra of alive.slice(planned)) units[extra] = { status: "dying", since: units[extra]?.since ?? now };
    }
    const relations: Record<string, Record<string, GoalEntry>> = {};
    for (const relation of [...model.relations.values()].sort((a, b) => a.id - b.id)) {
      // "Ignore peer relations here."
      if (model.isPeer(relation)) continue;
      const local = model.endOf(relation, appName);
      if (local === undefined) continue;
      for (const end of relation.ends) {
        if (end.app === appName) continue;
        // Juju gathers the remote side under the remote endpoint's name, in the map of a local
        // endpoint of that name if there is one, then merges it into the local endpoint's.
        const gathered = relations[end.endpoint] ?? {};
        gathered[end.app] = { status: relation.status, since: goalTime(relation.statusSince) };
        // The units of an application in this model; one offered from another model has none here
        // (Juju keys it by its offer URL, which the engine does not keep: its name stands in).
        if (relation.remoteModelUuid === undefined && model.apps.has(end.app)) Object.assign(gathered, this.goalStateUnits(end.app));
        Object.assign((relations[local.endpoint] ??= {}), gathered);
      }
    }
    return { units, relations };
  }

  /**
   * The application's units that are alive or dying, with their workload status ("dying" while
   * dying). A unit in error shows `error` from when its hook failed: Juju 3.6's Unit.Status() puts
   * the agent's error in the workload's place (juju/juju state/unit.go).
   */
  private goalStateUnits(appName: string): Record<string, GoalEntry> {
    const { model } = this.scope;
    const units: Record<string, GoalEntry> = {};
    for (const name of model.app(appName).units) {
      const unit = model.unit(name);
      const failed = unit.hookFailedSince;
      const status = failed === undefined ? unit.status.status : "error";
      units[name] = { status: unit.dying ? "dying" : status, since: goalTime(failed ?? unit.statusSince) };
    }
    return units;
  }

  credentialGet(): CloudSpecRecord {
    const app = this.scope.model.app(this.scope.appName);
    if (!app.trusted || app.cloudSpec === undefined) fail("credential-get", 1, "cannot access cloud credentials: permission denied");
    return app.cloudSpec;
  }

  jujuReboot(now: boolean): void {
    if (this.scope.action !== undefined) fail("juju-reboot", 1, "juju-reboot is not supported when running an action.");
    if (now) this.scope.model.requestReboot(this.scope.unitName);
    else this.rebootAfterHook = true;
    this.scope.autoCommit();
  }

  apply(_changes: CommitChanges): void {
    if (this.rebootAfterHook) this.scope.model.requestReboot(this.scope.unitName);
  }

  reset(): void {
    this.rebootAfterHook = false;
  }
}
