// `juju show-unit <unit> --format json`: a unit's charm, leadership, machine, address, ports and
// the data of each of its relations, as Juju 3.6 builds it (juju/juju
// apiserver/facades/client/application/application.go, relationData; cmd/juju/application/showunit.go):
// `application-data` is the related application's bag, `local-unit` the unit's own bag, and
// `related-units` the other side's units (the other peers, on a peer relation).

import { formatPort } from "../grammar/ports.js";
import type { JsonObject } from "../runtime/meta.js";
import type { SimulatorCore } from "./core.js";
import { SimulatorError } from "./types.js";

export function showUnit(core: SimulatorCore, name: string): JsonObject {
  const unit = core.model.units.get(name);
  if (unit === undefined) throw new SimulatorError(`unit "${name}" not found`);
  const app = core.model.app(unit.app);
  const state = core.appState(unit.app);
  const relations: JsonObject[] = [];
  for (const relation of [...core.model.relations.values()].sort((a, b) => a.id - b.id)) {
    const end = core.model.endOf(relation, unit.app);
    if (end === undefined || core.book.dyingRelations.has(relation.id)) continue;
    const related = relation.ends.find((other) => other !== end) ?? end;
    const bag = (member: string): JsonObject => ({
      "in-scope": relation.members.has(member),
      data: { ...(relation.unitData.get(member) ?? {}) },
    });
    const relatedUnits: JsonObject = {};
    const others = [...relation.unitData.keys(), ...relation.members].filter(
      (member) => member !== name && member.startsWith(`${related.app}/`),
    );
    for (const member of [...new Set(others)].sort((a, b) => a.localeCompare(b, "en", { numeric: true })))
      relatedUnits[member] = bag(member);
    const entry: JsonObject = {
      "relation-id": relation.id,
      endpoint: end.endpoint,
      "related-endpoint": related.endpoint,
      "application-data": { ...(relation.appData.get(related.app) ?? {}) },
    };
    if (relation.remoteModelUuid !== undefined || core.model.apps.get(related.app)?.meta === undefined) entry["cross-model"] = true;
    entry["local-unit"] = bag(name);
    if (Object.keys(relatedUnits).length > 0) entry["related-units"] = relatedUnits;
    relations.push(entry);
  }
  const info: JsonObject = {
    "opened-ports": [...new Set(unit.ports.map((port) => formatPort(port.range)))],
    charm: `local:${core.meta(unit.app).name}-${String(state.charm.revision)}`,
    leader: app.leader === name,
    life: unit.dying ? "dying" : "alive",
    machine: unit.machine,
    "public-address": unit.address,
  };
  if (app.workloadVersion !== "") info["workload-version"] = app.workloadVersion;
  if (relations.length > 0) info["relation-info"] = relations;
  return { [name]: info };
}
