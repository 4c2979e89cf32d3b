// The Harness's secret look-ups: a secret by its URI or ID, whether the charm under test owns it,
// and the relation a grant to it goes over.

import { xidOf } from "../engine/secrets.js";
import type { JujuModel, SecretRecord } from "../engine/model.js";

/** The secret with this URI or ID. */
export function secretById(juju: JujuModel, id: string): SecretRecord {
  const secret = juju.secrets.get(xidOf(id) ?? id);
  if (secret === undefined) throw new Error(`no secret ${id}`);
  return secret;
}

/** Whether the charm under test owns the secret: its application's, or this unit's. */
export function ownsSecret(juju: JujuModel, unitName: string, secret: SecretRecord): boolean {
  const appName = juju.unit(unitName).app;
  if (secret.owner.kind === "application") return secret.owner.app === appName;
  return secret.owner.kind === "unit" && secret.owner.unit === unitName;
}

/** A secret of this application or unit is shared by the charm itself, through its own hook tools. */
export function refuseOwnSecret(
  juju: JujuModel,
  unitName: string,
  secret: SecretRecord,
  id: string,
  method: string,
  instead: string,
): void {
  if (ownsSecret(juju, unitName, secret)) {
    throw new Error(`${method}: ${id} is owned by the charm under test, which shares it itself (${instead} in a handler)`);
  }
}

/**
 * The relation between `appName` and the secret's owner that a grant goes over (none for a model
 * secret); throws when there is none.
 */
export function relationToOwner(juju: JujuModel, appName: string, secret: SecretRecord): number | undefined {
  if (secret.owner.kind === "model") return undefined;
  const ownerApp = secret.owner.kind === "application" ? secret.owner.app : (secret.owner.unit.split("/")[0] ?? "");
  const relation = [...juju.relations.values()].find(
    (candidate) => juju.endOf(candidate, appName) !== undefined && juju.remoteAppOf(candidate, appName) === ownerApp,
  );
  if (relation === undefined) throw new Error(`there is no relation between ${appName} and ${ownerApp}, the owner of the secret`);
  return relation.id;
}
