// Refuses test inputs Juju could never produce, so a test cannot pass on a situation that cannot happen.

import type { CharmMeta } from "../runtime/meta.js";
import { isBindingOf } from "../runtime/network.js";
import { actionParamsError } from "../engine/actions.js";
import { configValueFits, secretOptionProblem } from "../engine/config.js";
import { DEFAULT_JUJU_VERSION, hookRuns } from "../grammar/juju-version.js";
import type { ContextEvent } from "./events.js";
import { PeerRelation, Relation, type State, SubordinateRelation } from "./state.js";

/** The State, event or metadata of a test describe something Juju cannot produce. */
export class InconsistentScenarioError extends Error {
  override name = "InconsistentScenarioError";
  constructor(readonly problems: readonly string[]) {
    super(`inconsistent scenario:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
  }
}

/** Throws InconsistentScenarioError listing every problem of running `event` on unit `unitId` in `state`. */
export function checkConsistency(
  meta: CharmMeta,
  state: State,
  event: ContextEvent,
  unitId: number,
  jujuVersion = DEFAULT_JUJU_VERSION,
): void {
  const problems = [...checkState(meta, state, event.appName, unitId), ...checkEvent(meta, state, event, jujuVersion)];
  if (problems.length > 0) throw new InconsistentScenarioError(problems);
}

function checkState(meta: CharmMeta, state: State, appName: string, unitId: number): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(state.config)) {
    const option = meta.config[key];
    if (option === undefined) {
      problems.push(`config option "${key}" is not declared in ${meta.name}'s config (declared: ${list(Object.keys(meta.config))})`);
      continue;
    }
    if (!configValueFits(option.type, value)) {
      problems.push(`config option "${key}" is a ${option.type}, but the state gives ${JSON.stringify(value)}`);
      continue;
    }
    const notSecret = option.type === "secret" && typeof value === "string" ? secretOptionProblem(value) : undefined;
    if (notSecret !== undefined)
      problems.push(`config option "${key}" is a secret, but ${JSON.stringify(value)} is not a secret URI: ${notSecret}`);
  }

  const ids = new Set<number>();
  for (const relation of state.relations) {
    if (ids.has(relation.id)) problems.push(`two relations have id ${relation.id}`);
    ids.add(relation.id);
    const endpoint = meta.relations[relation.endpoint];
    if (endpoint === undefined) {
      problems.push(
        `relation endpoint "${relation.endpoint}" is not declared in ${meta.name}'s metadata ` +
          `(declared: ${list(Object.keys(meta.relations))})`,
      );
      continue;
    }
    if (endpoint.role === "peers" && !(relation instanceof PeerRelation)) {
      problems.push(`"${relation.endpoint}" is a peer endpoint: use PeerRelation for relation ${relation.id}`);
    }
    if (endpoint.role !== "peers" && relation instanceof PeerRelation) {
      problems.push(`"${relation.endpoint}" is a ${endpoint.role} endpoint, not a peer one: use Relation for relation ${relation.id}`);
    }
    if (relation instanceof SubordinateRelation && endpoint.scope !== "container" && meta.subordinate !== true) {
      problems.push(`SubordinateRelation ${relation.id} needs a container-scoped endpoint or a subordinate charm`);
    }
    // In a container-scoped relation a unit sees only the other side's unit on its own machine.
    if (relation instanceof Relation && endpoint.scope === "container" && relation.remoteUnits.length > 1) {
      problems.push(
        `relation ${relation.id} on container-scoped endpoint "${relation.endpoint}" has ${relation.remoteUnits.length} remote units ` +
          `(${relation.remoteUnits.join(", ")}): a container-scoped relation has one, the unit on the same machine`,
      );
    }
    // peersData holds the other units; the engine would otherwise drop this unit's entry silently.
    if (relation instanceof PeerRelation && Object.hasOwn(relation.peersData, unitId)) {
      problems.push(
        `relation ${relation.id} peersData has ${appName}/${unitId}, the unit under test: ` +
          "peersData holds the other units (use localUnitData for this one)",
      );
    }
    const bags: [string, Readonly<Record<string, unknown>>][] = [
      ["localAppData", relation.localAppData],
      ["localUnitData", relation.localUnitData],
    ];
    if (relation instanceof Relation || relation instanceof SubordinateRelation) bags.push(["remoteAppData", relation.remoteAppData]);
    if (relation instanceof Relation)
      for (const [n, bag] of Object.entries(relation.remoteUnitsData)) bags.push([`remoteUnitsData[${n}]`, bag]);
    if (relation instanceof SubordinateRelation) bags.push(["remoteUnitData", relation.remoteUnitData]);
    if (relation instanceof PeerRelation) for (const [n, bag] of Object.entries(relation.peersData)) bags.push([`peersData[${n}]`, bag]);
    for (const [where, bag] of bags) {
      for (const [key, value] of Object.entries(bag)) {
        if (typeof value !== "string") {
          problems.push(`relation ${relation.id} ${where}["${key}"] is ${JSON.stringify(value)}: relation data values are strings`);
        }
      }
    }
  }

  for (const storage of state.storages) {
    if (meta.storage[storage.name] === undefined) {
      problems.push(`storage "${storage.name}" is not declared in ${meta.name}'s metadata (declared: ${list(Object.keys(meta.storage))})`);
    }
  }
  for (const network of state.networks) {
    if (!isBindingOf(meta, network.binding)) {
      problems.push(`network binding "${network.binding}" is neither an endpoint nor an extra-binding of ${meta.name}`);
    }
  }
  const names = state.storedStates.map((stored) => stored.name);
  for (const name of new Set(names)) {
    if (names.filter((n) => n === name).length > 1) problems.push(`two stored states are named "${name}"`);
  }
  return problems;
}

function checkEvent(meta: CharmMeta, state: State, event: ContextEvent, jujuVersion: string): string[] {
  const problems: string[] = [];
  const spec = event.spec;
  if (spec.type !== "action" && !hookRuns(jujuVersion, event.name)) {
    problems.push(`Juju ${jujuVersion} never runs ${event.name}: Juju 4 removed it (docs/juju-versions.md)`);
  }
  switch (spec.type) {
    case "relation": {
      const relation = spec.relation;
      if (meta.relations[relation.endpoint] === undefined) {
        // With its relation in the State the endpoint is reported with the state; without it, here.
        if (!state.relations.some((candidate) => candidate.id === relation.id)) {
          problems.push(
            `${event.name} is about endpoint "${relation.endpoint}", which is not declared in ${meta.name}'s metadata ` +
              `(declared: ${list(Object.keys(meta.relations))})`,
          );
        }
        break;
      }
      if (!state.relations.some((candidate) => candidate.id === relation.id)) {
        problems.push(`${event.name} is about relation ${relation.id}, which is not in the state's relations`);
      }
      if (relation instanceof PeerRelation && spec.phase === "broken") {
        problems.push(`Juju never runs relation-broken for a peer relation (${relation.endpoint})`);
      }
      const remotes = remoteUnitsOf(relation, event.appName);
      if (spec.remoteUnit !== undefined && !remotes.includes(spec.remoteUnit) && spec.phase !== "departed") {
        problems.push(`remote unit ${spec.remoteUnit} is not in relation ${relation.id} (its units: ${list(remotes)})`);
      }
      if ((spec.phase === "joined" || spec.phase === "departed") && spec.remoteUnit === undefined) {
        problems.push(`${event.name} needs a remote unit, and relation ${relation.id} has none`);
      }
      break;
    }
    case "secret": {
      const secret = spec.secret;
      if (state.getSecret({ id: secret.id }) === undefined)
        problems.push(`${event.name} is about a secret that is not in the state's secrets`);
      // The unit manages a secret it owns, or an application secret when it leads; the other units
      // of the application observe the application's secrets like any consumer.
      const manages = secret.owner === "unit" || (secret.owner === "app" && state.leader);
      if (spec.phase === "changed" && manages) {
        problems.push(
          `secret-changed goes to observers of a secret, but this unit manages ${secret.id} ` +
            `(owner "${secret.owner}"${state.leader ? ", leader" : ""})`,
        );
      }
      if (spec.phase !== "changed" && !manages) {
        problems.push(
          `secret-${spec.phase} goes to the unit that manages the secret (its owner, or the leader for an application secret), ` +
            `and this unit does not manage ${secret.id}`,
        );
      }
      break;
    }
    case "storage":
      if (meta.storage[spec.storage.name] === undefined) {
        problems.push(`storage "${spec.storage.name}" is not declared in ${meta.name}'s metadata`);
      } else if (state.getStorage(spec.storage.name, spec.storage.index) === undefined) {
        problems.push(`${event.name} is about storage ${spec.storage.id}, which is not in the state's storages`);
      }
      break;
    case "action": {
      const action = meta.actions[event.name];
      if (action === undefined) {
        problems.push(`action "${event.name}" is not declared in ${meta.name}'s actions (declared: ${list(Object.keys(meta.actions))})`);
        break;
      }
      // Juju refuses such a `juju run` before the action runs.
      const invalid = actionParamsError(action, spec.params, jujuVersion);
      if (invalid !== undefined) problems.push(`action "${event.name}": ${invalid}`);
      break;
    }
    case "lifecycle":
      if (event.name === "leader-elected" && !state.leader) problems.push("Juju runs leader-elected only on the leader: set leader: true");
      if (event.name === "leader-settings-changed" && state.leader) problems.push("Juju runs leader-settings-changed only on non-leaders");
      break;
    case "custom":
      break;
  }
  return problems;
}

/** The remote units a relation has, as unit names. */
export function remoteUnitsOf(relation: PeerRelation | Relation | SubordinateRelation, appName: string): string[] {
  if (relation instanceof PeerRelation) return Object.keys(relation.peersData).map((n) => `${appName}/${n}`);
  if (relation instanceof SubordinateRelation) return [relation.remoteUnitName];
  return relation.remoteUnits;
}

function list(names: readonly string[]): string {
  return names.length === 0 ? "none" : names.join(", ");
}
