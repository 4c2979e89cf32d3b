// What the simulator changes in the engine's model, through the model's named operations, together
// with its own bookkeeping for each change: a unit leaving, leadership, relation scope, storage,
// bag versions, applications and their config.

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { byUnitNumber } from "../grammar/names.js";
import type { CharmMeta, ConfigValue } from "../runtime/meta.js";
import type { UnitRecord } from "../engine/model.js";
import type { SimulatorCore } from "./core.js";
import { SimulatorError } from "./types.js";

/** The unit is gone: out of the model, and a new leader if it led. */
export function bury(core: SimulatorCore, unitName: string): void {
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

/** Juju puts a unit in scope of its application's relations once it is installed. */
export function enterScope(core: SimulatorCore, unitName: string): void {
  const unit = core.model.unit(unitName);
  if (unit.dying) return;
  for (const relation of core.model.relations.values()) {
    if (core.model.endOf(relation, unit.app) !== undefined && !core.book.dyingRelations.has(relation.id)) {
      core.model.joinRelation(relation.id, unitName, {
        "private-address": unit.address,
        "ingress-address": unit.address,
        "egress-subnets": `${unit.address}/32`,
      });
    }
  }
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
export function addWaitingUnit(core: SimulatorCore, appName: string, number: number): UnitRecord {
  const unit = core.model.addUnit(appName, { number });
  core.model.setStatus(unit, { status: "waiting", message: "waiting for machine", data: {} });
  return unit;
}

/** The unit's install hook starts: Juju shows it installing, unless the charm set a status already. */
export function setInstalling(core: SimulatorCore, unitName: string): void {
  core.model.setStatus(core.model.unit(unitName), { status: "maintenance", message: "installing charm software", data: {} });
}

/** The unit is going away: it leaves every relation's scope (its teardown hooks follow). */
export function markDying(core: SimulatorCore, unitName: string): void {
  core.model.markDying(unitName);
  for (const relation of core.model.relations.values()) if (relation.members.has(unitName)) core.model.leaveRelation(relation.id, unitName);
}

/** The relation is being removed: every member leaves its scope; it goes once nobody holds it (dropRelation). */
export function markRelationDying(core: SimulatorCore, relationId: number): void {
  core.book.dyingRelations.add(relationId);
  const relation = core.model.relations.get(relationId);
  for (const member of [...(relation?.members ?? [])]) core.model.leaveRelation(relationId, member);
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
