// The controller's view for one unit's agent (uniter.ts's RemoteView): what the model says the unit
// should have seen, as a pure function of the engine's model and the simulator's bookkeeping.

import { hearsSecretChanged, secretManager } from "../engine/secrets.js";
import { hookRuns } from "../grammar/juju-version.js";
import type { JujuModel } from "../engine/model.js";
import { SimulatorError } from "./types.js";
import type { AppState, Bookkeeping } from "./store.js";
import type { AgentState, RemoteRelation, RemoteView } from "./uniter.js";

/**
 * What a unit's agent is told: its leadership, the versions of config, charm and leader settings it
 * should converge to, the members of each relation (with their bag versions) while the unit and the
 * relation are alive, its storage, and the secrets it tracks or manages.
 */
export function remoteView(model: JujuModel, book: Bookkeeping, unitName: string): RemoteView {
  const unit = model.unit(unitName);
  const app = model.app(unit.app);
  const appState = appStateOf(book, unit.app);
  const agent = agentOf(book, unitName);
  const relations = new Map<number, RemoteRelation>();
  for (const relation of model.relations.values()) {
    const end = model.endOf(relation, unit.app);
    if (end === undefined) continue;
    const peer = model.isPeer(relation);
    const remoteApp = model.remoteAppOf(relation, unit.app);
    // A unit is in scope once installed; a dying unit, or a dying relation, has nobody left to see.
    const alive = !unit.dying && !book.dyingRelations.has(relation.id) && relation.members.has(unitName);
    const members = new Map<string, number>();
    // A container-scoped relation's units see only those in their own container (relationunit.go).
    const container = relation.scope === "container" ? model.containerOf(unitName) : undefined;
    if (alive) {
      for (const member of relation.members) {
        if (member === unitName || member.split("/")[0] !== remoteApp) continue;
        if (container !== undefined && model.containerOf(member) !== container) continue;
        members.set(member, bagVersion(book, relation.id, member));
      }
    }
    relations.set(relation.id, {
      endpoint: end.endpoint,
      peer,
      remoteApp,
      alive,
      members,
      appVersion: bagVersion(book, relation.id, `app:${remoteApp}`),
    });
  }
  const changedSecrets: { secret: string; latest: number }[] = [];
  const obsoleteRevisions: { secret: string; revision: number }[] = [];
  if (!unit.dying) {
    for (const secret of model.secrets.values()) {
      if (secretManager(model, secret) === unitName) {
        const tracked = new Set(secret.tracking.values());
        for (const revision of [...secret.revisions.keys()].sort((a, b) => a - b)) {
          if (revision < secret.latest && !tracked.has(revision)) obsoleteRevisions.push({ secret: secret.xid, revision });
        }
      } else if (hearsSecretChanged(model, secret, unitName, agent.secretRevisions[secret.xid] ?? secret.tracking.get(unitName))) {
        changedSecrets.push({ secret: secret.xid, latest: secret.latest });
      }
    }
  }
  return {
    unit: unitName,
    dying: unit.dying,
    leader: app.leader === unitName,
    leaderSettingsVersion: hookRuns(model.jujuVersion, "leader-settings-changed") ? appState.leaderSettingsVersion : undefined,
    configVersion: appState.configVersion,
    charmVersion: appState.charmVersion,
    forceCharmUpgrade: appState.forceUnits === true,
    updateStatusVersion: book.updateStatusVersions[unitName] ?? 0,
    relations,
    storage: new Map([...unit.storage.keys()].map((id) => [id, id.split("/")[0] ?? id])),
    changedSecrets,
    obsoleteRevisions,
  };
}

/** How many times a relation bag changed: `key` is a unit name, or `app:<application>`. */
export function bagVersion(book: Bookkeeping, relationId: number, key: string): number {
  return book.bagVersions[`${String(relationId)}/${key}`] ?? 0;
}

function agentOf(book: Bookkeeping, unit: string): AgentState {
  const agent = book.agents[unit];
  if (agent === undefined) throw new SimulatorError(`unit "${unit}" not found`);
  return agent;
}

function appStateOf(book: Bookkeeping, name: string): AppState {
  const app = book.apps[name];
  if (app === undefined) throw new SimulatorError(`application "${name}" not found`);
  return app;
}
