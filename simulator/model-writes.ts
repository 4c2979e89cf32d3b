// What the simulator changes in the engine's model, through the model's named operations, together
// with its own bookkeeping for each change: a unit leaving, leadership, relation scope, storage,
// bag versions, applications and their config.

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { byUnitNumber } from "../grammar/names.js";
import type { CharmMeta, ConfigValue } from "../runtime/meta.js";
import type { RelationRecord, UnitRecord } from "../engine/model.js";
import { installCharm } from "./charm-source.js";
import type { SimulatorCore } from "./core.js";
import { minimumCount } from "./juju-rules.js";
import { SimulatorError } from "./types.js";
import { newAgentState } from "./uniter.js";

/** The unit is gone: out of the model, and a new leader if it led. */
export function bury(core: SimulatorCore, unitName: string): void {
  if (!core.model.units.has(unitName)) return;
  // A principal leaves after its subordinates (removed by force with it, when it is).
  for (const subordinate of core.model.subordinatesOf(unitName)) bury(core, subordinate.name);
  const { machine } = core.model.unit(unitName);
  const app = core.model.app(core.model.unit(unitName).app);
  // Out of every relation's scope, and a consumer of nothing: its tracked revisions no longer keep old ones alive.
  core.model.removeUnit(unitName);
  Reflect.deleteProperty(core.book.agents, unitName);
  for (const task of Object.values(core.book.tasks)) {
    if (task.unit === unitName && (task.status === "pending" || task.status === "running")) {
      Object.assign(task, { status: "failed", message: `unit ${unitName} was removed`, completed: new Date().toISOString() });
    }
  }
  core.note(`unit ${unitName} removed`);
  // Its machine goes with its last unit, and what ran on it with the machine (simulator/machines.ts): Juju makes
  // the host dying when the unit was its only principal and it hosts no container (juju/juju 3.6
  // state/unit.go, Unit.destroyHostOps).
  if (![...core.model.units.values()].some((unit) => unit.machine === machine)) core.machines.release(machine);
  if (app.leader === unitName) {
    const next = app.units.filter((name) => !core.model.unit(name).dying).sort(byUnitNumber)[0];
    elect(core, app.name, next);
  }
}

/** Leadership goes to `unit` (or nobody); leader-elected there, leader-settings-changed elsewhere. */
export function elect(core: SimulatorCore, appName: string, unit: string | undefined): void {
  core.model.electLeader(appName, unit);
  core.appState(appName).leaderSettingsVersion++;
  core.note(unit === undefined ? `${appName} has no leader` : `${unit} is the leader of ${appName}`);
}

/**
 * Juju puts a unit in scope of its application's relations once it is installed. A principal
 * entering a container-scoped relation with a subordinate application gets that application's
 * unit on its machine (juju/juju state/relationunit.go, EnterScope and subordinateOps). A
 * subordinate unit enters a container-scoped relation with a principal application only if that
 * is its own principal's (RelationUnit.Valid): another principal gets a subordinate of its own.
 */
export function enterScope(core: SimulatorCore, unitName: string): void {
  const unit = core.model.unit(unitName);
  if (unit.dying) return;
  for (const relation of core.model.relations.values()) {
    if (core.model.endOf(relation, unit.app) === undefined || core.book.dyingRelations.has(relation.id)) continue;
    const remoteApp = core.model.remoteAppOf(relation, unit.app);
    if (relation.scope === "container" && unit.principal !== undefined && !isSubordinateApp(core, remoteApp)) {
      if (core.model.unit(unit.principal).app !== remoteApp) continue;
    }
    // The bag starts with the unit's addresses (engine/records.ts defaultUnitBag: from the unit's
    // address; private-address too on 3.6, as apiserver/facades/agent/uniter/uniter.go EnterScope writes it).
    core.model.joinRelation(relation.id, unitName);
    if (relation.scope === "container" && unit.principal === undefined && isSubordinateApp(core, remoteApp)) {
      ensureSubordinate(core, remoteApp, unitName);
    }
  }
}

/** Whether the application runs a subordinate charm. */
export function isSubordinateApp(core: SimulatorCore, appName: string): boolean {
  return core.model.apps.get(appName)?.meta?.subordinate === true;
}

/** The principal has a unit of the subordinate application beside it, unless that application is going away. */
function ensureSubordinate(core: SimulatorCore, subordinateApp: string, principal: string): void {
  if (core.book.apps[subordinateApp]?.removing !== undefined) return;
  if (core.model.subordinatesOf(principal).some((unit) => unit.app === subordinateApp)) return;
  const unit = placeUnit(core, subordinateApp, principal);
  core.note(`added unit ${unit.name} to ${principal} on machine ${unit.machine}`);
}

/**
 * A new unit of an application, waiting for its machine as Juju shows it, with its agent, its
 * charm directory, its storage, and leadership if the application has no leader. A subordinate
 * unit (`principal` given) runs on its principal's machine.
 */
export function placeUnit(core: SimulatorCore, appName: string, principal?: string): UnitRecord {
  const app = core.appState(appName);
  const meta = core.meta(appName);
  const unit = addWaitingUnit(core, appName, app.nextUnit++, principal);
  // A new unit gets the application's current charm: no upgrade-charm for refreshes before it.
  core.book.agents[unit.name] = { ...newAgentState(), charmVersion: app.charmVersion };
  mkdirSync(core.machineDir(unit.machine), { recursive: true });
  installCharm(core.charmSource(appName), core.charmDir(unit.name));
  for (const [storageName, spec] of Object.entries(meta.storage)) {
    for (let index = 0; index < minimumCount(spec.multiple); index++) attachStorage(core, unit.name, storageName);
  }
  if (core.model.app(appName).leader === undefined) elect(core, appName, unit.name);
  return unit;
}

export function attachStorage(core: SimulatorCore, unitName: string, name: string): void {
  const unit = core.model.unit(unitName);
  const spec = core.meta(unit.app).storage[name];
  if (spec === undefined) throw new SimulatorError(`the charm of ${unitName} has no storage "${name}"`);
  const index = core.book.nextStorage++;
  const id = `${name}/${String(index)}`;
  const location =
    spec.type === "block"
      ? `/dev/loop${String(index)}`
      : join(core.machineDir(unit.machine), spec.location ?? join("var", "lib", "juju", "storage", name, String(index)));
  if (spec.type !== "block") mkdirSync(location, { recursive: true });
  core.model.attachStorage(unitName, id, { kind: spec.type, location });
}

export function bump(core: SimulatorCore, relationId: number, key: string): number {
  const name = `${String(relationId)}/${key}`;
  const version = (core.book.bagVersions[name] ?? 0) + 1;
  core.book.bagVersions[name] = version;
  return version;
}

/** A deployed application, with its config and trust, and its peer relations (Juju creates them with the application). */
export function addApplication(
  core: SimulatorCore,
  name: string,
  meta: CharmMeta,
  config: Record<string, ConfigValue>,
  trusted: boolean,
): void {
  core.model.addApp(name, meta);
  core.model.setConfig(name, config);
  core.model.setTrust(name, trusted);
  for (const [endpoint, spec] of Object.entries(meta.relations)) {
    if (spec.role === "peers") core.model.addRelation([{ app: name, endpoint, role: "peers" }], { interface: spec.interface });
  }
}

/** An application the simulator does not run, with `count` units. */
export function addRemoteApplication(core: SimulatorCore, name: string, count: number): string[] {
  core.model.addApp(name);
  return Array.from({ length: count }, () => core.model.addUnit(name).name);
}

/** A new unit of an application, waiting for its machine as Juju shows it. */
export function addWaitingUnit(core: SimulatorCore, appName: string, number: number, principal?: string): UnitRecord {
  const unit = core.model.addUnit(appName, { number, ...(principal === undefined ? {} : { principal }) });
  core.model.setStatus(unit, { status: "waiting", message: "waiting for machine", data: {} });
  return unit;
}

/** The unit's install hook starts: Juju shows it installing, unless the charm set a status already. */
export function setInstalling(core: SimulatorCore, unitName: string): void {
  core.model.setStatus(core.model.unit(unitName), { status: "maintenance", message: "installing charm software", data: {} });
}

/**
 * The unit is going away: it leaves every relation's scope (its teardown hooks follow), and so do
 * its subordinates ("a subordinate must also become Dying when its principal becomes Dying",
 * juju/juju doc/lifecycles.md).
 */
export function markDying(core: SimulatorCore, unitName: string): void {
  if (core.model.unit(unitName).dying) return;
  core.model.markDying(unitName);
  for (const relation of core.model.relations.values()) if (relation.members.has(unitName)) core.model.leaveRelation(relation.id, unitName);
  for (const subordinate of core.model.subordinatesOf(unitName)) {
    markDying(core, subordinate.name);
    core.note(`unit ${subordinate.name} is dying with its principal ${unitName}`);
  }
}

/**
 * The relation is being removed: every member leaves its scope; it goes once nobody holds it
 * (dropRelation). A container-scoped relation between a subordinate and a principal application
 * that was their last takes the subordinate units with it ("the last Alive relation between its
 * application and its principal's application is no longer Alive", juju/juju doc/lifecycles.md).
 */
export function markRelationDying(core: SimulatorCore, relationId: number): void {
  core.book.dyingRelations.add(relationId);
  const relation = core.model.relations.get(relationId);
  for (const member of [...(relation?.members ?? [])]) core.model.leaveRelation(relationId, member);
  if (relation?.scope !== "container") return;
  for (const end of relation.ends) {
    const principalApp = core.model.remoteAppOf(relation, end.app);
    if (!isSubordinateApp(core, end.app) || isSubordinateApp(core, principalApp)) continue;
    if (aliveContainerRelation(core, end.app, principalApp) !== undefined) continue;
    for (const name of [...core.model.app(end.app).units]) {
      const unit = core.model.unit(name);
      if (unit.principal === undefined || core.model.unit(unit.principal).app !== principalApp || unit.dying) continue;
      markDying(core, name);
      core.note(`unit ${name} is dying: no relation to its principal ${unit.principal} is left`);
    }
  }
}

/** A container-scoped relation between two applications that is not being removed. */
function aliveContainerRelation(core: SimulatorCore, a: string, b: string): RelationRecord | undefined {
  return [...core.model.relations.values()].find(
    (relation) =>
      relation.scope === "container" &&
      !core.book.dyingRelations.has(relation.id) &&
      core.model.endOf(relation, a) !== undefined &&
      core.model.endOf(relation, b) !== undefined,
  );
}

/**
 * After an operation: a unit that finished tearing down leaves once its subordinates have (its
 * principal too, if it was the last subordinate it waited for); with `remove-application
 * --force`, a unit of the application whose hook failed is removed at once; dying relations no
 * unit holds go; a dying application with no units and relations left goes.
 */
export function collectRemoved(core: SimulatorCore, unitName?: string): void {
  if (unitName !== undefined && core.book.agents[unitName]?.removed === true) {
    const principal = core.model.units.get(unitName)?.principal;
    if (core.model.subordinatesOf(unitName).length === 0) bury(core, unitName);
    if (principal !== undefined && core.book.agents[principal]?.removed === true && core.model.subordinatesOf(principal).length === 0) {
      bury(core, principal);
    }
  }
  const removing = Object.entries(core.book.apps).filter(([, app]) => app.removing !== undefined);
  for (const [name, app] of removing) {
    if (app.removing?.force !== true) continue;
    for (const unit of [...core.model.app(name).units]) {
      const error = core.book.agents[unit]?.error;
      if (error === undefined) continue;
      core.note(`unit ${unit} removed by force: its ${error.name} hook failed (remove-application --force)`);
      bury(core, unit);
    }
  }
  for (const id of [...core.book.dyingRelations]) {
    if (!Object.values(core.book.agents).some((agent) => agent.relations[String(id)] !== undefined)) {
      dropRelation(core, id);
      core.note(`relation ${String(id)} removed`);
    }
  }
  for (const [name] of removing) {
    const inRelation = [...core.model.relations.values()].some((relation) => core.model.endOf(relation, name) !== undefined);
    if (core.model.app(name).units.length > 0 || inRelation) continue;
    core.model.removeApplication(name);
    Reflect.deleteProperty(core.book.apps, name);
    core.inProcess.delete(name);
    core.note(`application ${name} removed`);
  }
}

/** A dying relation no unit holds any more leaves the model. */
export function dropRelation(core: SimulatorCore, relationId: number): void {
  core.model.removeRelation(relationId);
  core.book.dyingRelations.delete(relationId);
}

/** `juju config`: the checked values set, the `reset` keys back to their defaults. */
export function setAppConfig(core: SimulatorCore, appName: string, values: Record<string, ConfigValue>, reset: readonly string[]): void {
  const next = { ...core.model.app(appName).config };
  for (const key of reset) Reflect.deleteProperty(next, key);
  Object.assign(next, values);
  core.model.setConfig(appName, next);
}

/** A refresh: the application's metadata is the new charm's. */
export function setAppMeta(core: SimulatorCore, appName: string, meta: CharmMeta): void {
  core.model.setCharmMeta(appName, meta);
}

/** The model is destroyed: every application, unit and relation goes. */
export function dropEverything(core: SimulatorCore): void {
  for (const name of [...core.model.apps.keys()]) {
    core.model.removeApp(name);
    Reflect.deleteProperty(core.book.apps, name);
    core.inProcess.delete(name);
  }
  for (const id of [...core.model.relations.keys()]) core.model.removeRelation(id);
  core.book.dyingRelations.clear();
}
