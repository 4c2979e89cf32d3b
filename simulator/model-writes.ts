// The simulator's direct writes to the engine's model and its bookkeeping, gathered by kind: a unit
// leaving, leadership, relation scope, storage, bag versions. (These become JujuModel's named
// operations later: each kind is one function here so that the switch is one place.)

import { mkdirSync } from "node:fs";
import { join } from "node:path";

import { byUnitNumber } from "../grammar/names.js";
import type { SimulatorCore } from "./core.js";
import { SimulatorError } from "./types.js";

/** The unit is gone: out of the model, and a new leader if it led. */
export function bury(core: SimulatorCore, unitName: string): void {
  const unit = core.model.unit(unitName);
  const app = core.model.app(unit.app);
  for (const relation of core.model.relations.values()) relation.members.delete(unitName);
  core.model.units.delete(unitName);
  app.units.splice(app.units.indexOf(unitName), 1);
  Reflect.deleteProperty(core.book.agents, unitName);
  // A removed unit consumes nothing any more: its tracked revisions no longer keep old ones alive.
  for (const secret of core.model.secrets.values()) {
    secret.tracking.delete(unitName);
    secret.consumerLabels.delete(unitName);
  }
  for (const task of Object.values(core.book.tasks)) {
    if (task.unit === unitName && (task.status === "pending" || task.status === "running")) {
      Object.assign(task, { status: "failed", message: `unit ${unitName} was removed`, completed: new Date().toISOString() });
    }
  }
  core.note(`unit ${unitName} removed`);
  if (app.leader === unitName) {
    const next = app.units.filter((name) => !core.model.unit(name).dying).sort(byUnitNumber)[0];
    elect(core, app.name, next);
  }
}

/** Leadership goes to `unit` (or nobody); leader-elected there, leader-settings-changed elsewhere. */
export function elect(core: SimulatorCore, appName: string, unit: string | undefined): void {
  core.model.app(appName).leader = unit;
  core.appState(appName).leaderSettingsVersion++;
  core.note(unit === undefined ? `${appName} has no leader` : `${unit} is the leader of ${appName}`);
}

/** Juju puts a unit in scope of its application's relations once it is installed. */
export function enterScope(core: SimulatorCore, unitName: string): void {
  const unit = core.model.unit(unitName);
  if (unit.dying) return;
  for (const relation of core.model.relations.values()) {
    if (core.model.endOf(relation, unit.app) !== undefined && !core.book.dyingRelations.has(relation.id)) {
      core.model.joinRelation(relation.id, unitName, { "private-address": unit.address, "ingress-address": unit.address, "egress-subnets": `${unit.address}/32` });
    }
  }
}

export function attachStorage(core: SimulatorCore, unitName: string, name: string): void {
  const unit = core.model.unit(unitName);
  const spec = core.meta(unit.app).storage[name];
  if (spec === undefined) throw new SimulatorError(`the charm of ${unitName} has no storage "${name}"`);
  const index = core.book.nextStorage++;
  const id = `${name}/${String(index)}`;
  const location = spec.type === "block" ? `/dev/loop${String(index)}` : join(core.machineDir(unit.machine), spec.location ?? join("var", "lib", "juju", "storage", name, String(index)));
  if (spec.type !== "block") mkdirSync(location, { recursive: true });
  unit.storage.set(id, { kind: spec.type, location });
}

export function bump(core: SimulatorCore, relationId: number, key: string): number {
  const name = `${String(relationId)}/${key}`;
  const version = (core.book.bagVersions[name] ?? 0) + 1;
  core.book.bagVersions[name] = version;
  return version;
}
