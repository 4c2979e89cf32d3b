// The Harness's relation set-up: a relation made as `juju integrate` makes it, its members, and
// the relation events the Harness runs for it.

import type { CharmMeta } from "../runtime/meta.js";
import { type HookInfo, hookInfo } from "../engine/hook-info.js";
import type { JujuModel, RelationRecord } from "../engine/model.js";

/** Relates `endpoint` of the unit's application to `remoteApp` (its own for a peer endpoint), with the unit in scope. */
export function createRelation(juju: JujuModel, meta: CharmMeta, unitName: string, endpoint: string, remoteApp: string): RelationRecord {
  const appName = juju.unit(unitName).app;
  const spec = meta.relations[endpoint];
  if (spec === undefined) throw new Error(`"${endpoint}" is not a relation endpoint of ${meta.name}`);
  const peer = spec.role === "peers";
  if (peer && remoteApp !== appName) throw new Error(`"${endpoint}" is a peer endpoint: its remote application is ${appName}`);
  if (!peer && !juju.apps.has(remoteApp)) juju.addApp(remoteApp);
  const ends = peer
    ? [{ app: appName, endpoint, role: spec.role }]
    : [
        { app: appName, endpoint, role: spec.role },
        { app: remoteApp, endpoint, role: spec.role === "provides" ? ("requires" as const) : ("provides" as const) },
      ];
  const relation = juju.addRelation(ends, { interface: spec.interface, scope: spec.scope ?? "global" });
  juju.joinRelation(relation.id, unitName);
  return relation;
}

/** The relations on `endpoint` of `appName`. */
export function relationsOf(juju: JujuModel, appName: string, endpoint: string): RelationRecord[] {
  return [...juju.relations.values()].filter((relation) => juju.endOf(relation, appName)?.endpoint === endpoint);
}

/** The remote application's units in the relation, by unit number. */
export function remoteMembers(juju: JujuModel, unitName: string, relation: RelationRecord): string[] {
  const remoteApp = juju.remoteAppOf(relation, juju.unit(unitName).app);
  return [...relation.members]
    .filter((unit) => unit !== unitName && unit.split("/")[0] === remoteApp)
    .sort((a, b) => Number(a.split("/")[1]) - Number(b.split("/")[1]));
}

/** `<endpoint>-relation-<phase>` for `appName`'s end of the relation. */
export function relationEvent(
  juju: JujuModel,
  appName: string,
  relation: RelationRecord,
  phase: string,
  remoteUnit?: string,
  departingUnit?: string,
): HookInfo {
  const endpoint = juju.endOf(relation, appName)?.endpoint ?? "";
  return hookInfo(`${endpoint}-relation-${phase}`, { relationId: relation.id, remoteUnit, departingUnit });
}
