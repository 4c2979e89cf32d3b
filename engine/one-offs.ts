// The one-off tools of a hook: application-version-set (immediate), resource-get, goal-state,
// credential-get, and juju-reboot (after the hook, or now).

import type { CloudSpecRecord, GoalStateRecord } from "../runtime/hook-tools/index.js";
import type { CommitChanges, HookConcept, HookScope } from "./hook-scope.js";
import { fail } from "./tool-errors.js";

export class OneOffTools implements HookConcept {
  private rebootAfterHook = false;

  constructor(private readonly scope: HookScope) {}

  applicationVersionSet(version: string): void {
    this.scope.model.setWorkloadVersion(this.scope.appName, version);
  }

  resourceGet(name: string): string {
    if (name === "") fail("resource-get", 2, "missing required resource name");
    const path = this.scope.model.unit(this.scope.unitName).resources.get(name);
    if (path === undefined) fail("resource-get", 1, `could not download resource: resource "${name}" not found`);
    return path;
  }

  goalState(): GoalStateRecord {
    const { model, appName, unitName } = this.scope;
    const app = model.app(appName);
    const units: Record<string, { status: string }> = {};
    for (const name of app.units) units[name] = { status: model.unit(name).dying ? "dying" : "active" };
    const planned = app.plannedUnits;
    if (planned !== undefined) {
      const alive = app.units.filter((name) => !model.unit(name).dying);
      // Planned units get the next numbers Juju would give them.
      let next = Math.max(-1, ...app.units.map((name) => Number(name.split("/")[1]))) + 1;
      for (let n = alive.length; n < planned; n++) units[`${app.name}/${String(next++)}`] = { status: "allocating" };
      for (const extra of alive.slice(planned)) units[extra] = { status: "dying" };
    }
    const relations: Record<string, Record<string, { status: string }>> = {};
    for (const relation of model.relations.values()) {
      const end = model.endOf(relation, appName);
      if (end === undefined) continue;
      const remote = model.remoteAppOf(relation, appName);
      const entry = (relations[end.endpoint] ??= {});
      entry[remote] = { status: "joined" };
      for (const member of relation.members)
        if (member.split("/")[0] === remote && member !== unitName) entry[member] = { status: "joined" };
    }
    return { units, relations };
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
