// Turns a test's State into the engine's model of Juju, and the model after the event back into a State.

import type { StatusRecord } from "../runtime/hook-tools/index.js";
import type { CharmMeta, JsonObject } from "../runtime/meta.js";
import { StatusBase } from "../runtime/status.js";
import type { UnitState } from "../runtime/state-file.js";
import { xidOf } from "../engine/secrets.js";
import { type Bag, DOCUMENTATION_ADDRESS, JujuModel, type RelationRecord, type SecretRecord, defaultUnitBag } from "../engine/model.js";
import {
  type AnyRelation,
  type DataBag,
  DEFAULT_UNIT_BAG,
  DeferredEvent,
  PeerRelation,
  Relation,
  Secret,
  State,
  StoredState,
  SubordinateRelation,
} from "./state.js";

/** Where the unit under test sits. */
export interface Placement {
  readonly meta: CharmMeta;
  readonly appName: string;
  readonly unitId: number;
  readonly jujuVersion: string;
}

export function unitNameOf(placement: Placement): string {
  return `${placement.appName}/${placement.unitId}`;
}

/** Builds the model Juju would have for `state`: this unit, its application, the other ends of its relations. */
export function modelFromState(state: State, placement: Placement): JujuModel {
  const { meta, appName } = placement;
  const model = new JujuModel(state.model.name, state.model.uuid, placement.jujuVersion);
  // The State is where the test starts: no status or version history yet.
  const set = { recordHistory: false };
  const app = model.addApp(appName, meta);
  model.setConfig(appName, state.config);
  model.setStatus(app, toRecord(state.appStatus), set);
  model.setWorkloadVersion(appName, state.workloadVersion, set);
  model.setPlannedUnits(appName, state.plannedUnits);
  model.setTrust(appName, false);
  const unitName = unitNameOf(placement);
  const unit = model.addUnit(appName, { number: placement.unitId, machine: "0", address: DOCUMENTATION_ADDRESS });
  model.setStatus(unit, toRecord(state.unitStatus), set);
  model.setOpenedPorts(
    unitName,
    state.openedPorts.map((range) => ({ range, endpoint: undefined })),
  );
  for (const storage of state.storages) {
    model.attachStorage(unitName, storage.id, { kind: meta.storage[storage.name]?.type ?? "filesystem", location: storage.location });
  }
  for (const network of state.networks) {
    model.setNetwork(unitName, network.binding, {
      bindAddresses: [
        { macAddress: "", interfaceName: network.interfaceName, addresses: [{ hostname: "", value: network.address, cidr: network.cidr }] },
      ],
      ingressAddresses: network.ingressAddresses,
      egressSubnets: network.egressSubnets,
    });
  }
  if (state.leader) model.electLeader(appName, unitName);

  for (const relation of state.relations) addRelation(model, relation, placement);

  for (const secret of state.secrets) {
    const xid = xidOf(secret.id);
    if (xid === undefined) throw new Error(`secret id ${JSON.stringify(secret.id)} is not a Juju secret id`);
    const owner =
      secret.owner === "app"
        ? ({ kind: "application", app: appName } as const)
        : secret.owner === "unit"
          ? ({ kind: "unit", unit: unitName } as const)
          : ({ kind: "model" } as const);
    model.addSecret(
      owner,
      { ...secret.trackedContent },
      {
        xid,
        ...(secret.label === undefined || secret.owner === undefined ? {} : { label: secret.label }),
        ...(secret.description === undefined ? {} : { description: secret.description }),
        ...(secret.rotate === undefined ? {} : { rotate: secret.rotate }),
        ...(secret.expire === undefined ? {} : { expire: secret.expire.toISOString() }),
      },
    );
    if (!sameBag(secret.trackedContent, secret.latestContent)) model.publishSecretRevision(xid, secret.latestContent);
    model.trackSecretRevision(xid, unitName, 1);
    if (secret.owner === undefined) {
      model.grantSecret(xid, appName, undefined);
      if (secret.label !== undefined) model.setConsumerLabel(xid, unitName, secret.label);
    }
    for (const [relationId, grantees] of Object.entries(secret.remoteGrants)) {
      for (const grantee of grantees) model.grantSecret(xid, grantee, Number(relationId));
    }
  }
  return model;
}

function addRelation(model: JujuModel, relation: AnyRelation, placement: Placement): void {
  const { appName, meta } = placement;
  const unitName = unitNameOf(placement);
  const role = meta.relations[relation.endpoint]?.role ?? "requires";
  const iface = relation.interface ?? meta.relations[relation.endpoint]?.interface ?? "";
  if (relation instanceof PeerRelation) {
    const record = model.addRelation([{ app: appName, endpoint: relation.endpoint, role: "peers" }], { id: relation.id, interface: iface });
    model.setRelationBag(record.id, appName, relation.localAppData);
    model.joinRelation(record.id, unitName, joinBag(model, relation.localUnitData));
    for (const [id, bag] of Object.entries(relation.peersData)) {
      const peer = `${appName}/${id}`;
      if (!model.units.has(peer)) model.addUnit(appName, { number: Number(id) });
      model.joinRelation(record.id, peer, joinBag(model, bag));
    }
    return;
  }
  const remoteApp = relation.remoteAppName;
  if (!model.apps.has(remoteApp)) model.addApp(remoteApp);
  const remoteRole = role === "provides" ? "requires" : "provides";
  const record = model.addRelation(
    [
      { app: appName, endpoint: relation.endpoint, role },
      { app: remoteApp, endpoint: relation.endpoint, role: remoteRole },
    ],
    {
      id: relation.id,
      interface: iface,
      scope: relation instanceof SubordinateRelation ? "container" : "global",
      ...(relation instanceof Relation && relation.remoteModelUuid !== undefined ? { remoteModelUuid: relation.remoteModelUuid } : {}),
    },
  );
  model.setRelationBag(record.id, appName, relation.localAppData);
  model.setRelationBag(record.id, remoteApp, relation.remoteAppData);
  model.joinRelation(record.id, unitName, joinBag(model, relation.localUnitData));
  const remoteUnits =
    relation instanceof SubordinateRelation ? { [relation.remoteUnitId]: relation.remoteUnitData } : relation.remoteUnitsData;
  for (const [id, bag] of Object.entries(remoteUnits)) {
    const remote = `${remoteApp}/${id}`;
    if (!model.units.has(remote)) model.addUnit(remoteApp, { number: Number(id) });
    model.joinRelation(record.id, remote, joinBag(model, bag));
  }
}

/**
 * A unit's bag as the model holds it: the State's default bag (DEFAULT_UNIT_BAG, what Juju 3.6
 * writes at join) stands for whatever the model's Juju writes, so on Juju 4 it has no
 * `private-address` (the engine's defaultUnitBag); a bag the test wrote is kept as written.
 */
function joinBag(model: JujuModel, bag: DataBag): Record<string, string> {
  const isDefault =
    Object.keys(bag).length === Object.keys(DEFAULT_UNIT_BAG).length &&
    Object.entries(DEFAULT_UNIT_BAG).every(([key, value]) => bag[key] === value);
  return isDefault ? defaultUnitBag(DOCUMENTATION_ADDRESS, model.jujuVersion) : { ...bag };
}

/** The State after the event: what the model and the unit's state store now hold. */
export function stateFromModel(model: JujuModel, before: State, placement: Placement, unitState: UnitState): State {
  const unitName = unitNameOf(placement);
  const app = model.app(placement.appName);
  const unit = model.unit(unitName);
  const relations = before.relations.map((relation) => {
    const record = model.relations.get(relation.id);
    if (record === undefined) return relation;
    return withLocalData(relation, record, placement);
  });
  const secrets: Secret[] = [];
  for (const record of model.secrets.values()) {
    const visible =
      (record.owner.kind === "application" && record.owner.app === placement.appName) ||
      (record.owner.kind === "unit" && record.owner.unit === unitName) ||
      record.grants.has(placement.appName) ||
      record.grants.has(unitName);
    if (visible) secrets.push(secretFromRecord(model, record, before, placement));
  }
  return before.with({
    relations,
    secrets,
    unitStatus: fromRecord(unit.status),
    appStatus: fromRecord(app.status),
    storedStates: Object.entries(unitState.stored).map(([name, content]) => new StoredState({ name, content })),
    deferred: unitState.deferred.map((notice) => new DeferredEvent(notice)),
    openedPorts: unit.ports.map((port) => port.range),
    workloadVersion: app.workloadVersion,
  });
}

function withLocalData(relation: AnyRelation, record: RelationRecord, placement: Placement): AnyRelation {
  const localAppData = { ...(record.appData.get(placement.appName) ?? {}) };
  const localUnitData = { ...(record.unitData.get(unitNameOf(placement)) ?? {}) };
  const common = {
    endpoint: relation.endpoint,
    id: relation.id,
    localAppData,
    localUnitData,
    ...(relation.interface === undefined ? {} : { interface: relation.interface }),
  };
  if (relation instanceof PeerRelation) return new PeerRelation({ ...common, peersData: relation.peersData });
  if (relation instanceof SubordinateRelation) {
    return new SubordinateRelation({
      ...common,
      remoteAppName: relation.remoteAppName,
      remoteUnitId: relation.remoteUnitId,
      remoteAppData: relation.remoteAppData,
      remoteUnitData: relation.remoteUnitData,
    });
  }
  return new Relation({
    ...common,
    remoteAppName: relation.remoteAppName,
    limit: relation.limit,
    remoteAppData: relation.remoteAppData,
    remoteUnitsData: relation.remoteUnitsData,
    ...(relation.remoteModelUuid === undefined ? {} : { remoteModelUuid: relation.remoteModelUuid }),
  });
}

function secretFromRecord(model: JujuModel, record: SecretRecord, before: State, placement: Placement): Secret {
  const unitName = unitNameOf(placement);
  const given = before.secrets.find((secret) => xidOf(secret.id) === record.xid);
  const tracked = record.tracking.get(unitName) ?? record.latest;
  const owner = record.owner.kind === "application" ? "app" : record.owner.kind === "unit" ? "unit" : undefined;
  const label = owner === undefined ? record.consumerLabels.get(unitName) : record.label;
  const remoteGrants: Record<number, string[]> = {};
  for (const [grantee, grant] of record.grants) {
    if (grant.relationId === undefined) continue;
    (remoteGrants[grant.relationId] ??= []).push(grantee);
  }
  return new Secret({
    id: given?.id ?? model.secretUri(record.xid),
    trackedContent: { ...(record.revisions.get(tracked) ?? {}) },
    latestContent: { ...(record.revisions.get(record.latest) ?? {}) },
    ...(owner === undefined ? {} : { owner }),
    remoteGrants,
    ...(label === undefined ? {} : { label }),
    ...(record.description === undefined ? {} : { description: record.description }),
    ...(record.rotate === undefined ? {} : { rotate: record.rotate }),
    ...(record.expire === undefined ? {} : { expire: new Date(record.expire) }),
  });
}

/** The unit's own state store content for a State. */
export function unitStateOf(state: State): UnitState {
  const stored: Record<string, JsonObject> = {};
  for (const entry of state.storedStates) stored[entry.name] = structuredClone(entry.content);
  return {
    stored,
    deferred: state.deferred.map((event) => ({ kind: event.kind, observer: event.observer, snapshot: structuredClone(event.snapshot) })),
  };
}

export function toRecord(status: StatusBase): StatusRecord {
  return { status: status.name, message: status.message, data: {} };
}

export function fromRecord(record: StatusRecord): StatusBase {
  return StatusBase.fromName(record.status, record.message);
}

function sameBag(a: Bag, b: Bag): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}
