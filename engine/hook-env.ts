// The environment Juju gives a unit's hook or action (juju/juju worker/uniter/runner/context/context.go, HookVars).

import { randomBytes } from "node:crypto";

import type { DispatchInfo } from "./hook-info.js";
import type { JujuModel } from "./model.js";

/**
 * A hook context's id as Juju makes it: `<unit>-<hook>-<32 random hex digits>`, the unit as Juju
 * writes it (`demo/0`) and the hook's name (an action's name, `run-commands` for `juju exec`)
 * (juju/juju internal/worker/uniter/runner/context/contextfactory.go, `newId`).
 */
export function contextId(unitName: string, name: string): string {
  return `${unitName}-${name}-${randomBytes(16).toString("hex")}`;
}

/** The environment of one dispatch on a unit: a hook or an action. */
export function hookEnvironment(model: JujuModel, unitName: string, event: DispatchInfo, charmDir: string): Record<string, string> {
  const unit = model.unit(unitName);
  const slug = unitName.replace("/", "-");
  const name = event.name;
  const env: Record<string, string> = {
    CHARM_DIR: charmDir,
    JUJU_CHARM_DIR: charmDir,
    JUJU_CONTEXT_ID: contextId(unitName, name),
    JUJU_HOOK_NAME: event.kind === "action" ? "" : name,
    JUJU_AGENT_SOCKET_ADDRESS: `/var/lib/juju/agents/unit-${slug}/agent.socket`,
    JUJU_AGENT_SOCKET_NETWORK: "unix",
    JUJU_UNIT_NAME: unitName,
    JUJU_MODEL_UUID: model.uuid,
    JUJU_MODEL_NAME: model.name,
    JUJU_API_ADDRESSES: "10.0.0.1:17070",
    JUJU_MACHINE_ID: unit.machine,
    // A subordinate's principal unit (juju/juju worker/uniter/runner/context/context.go, HookVars).
    JUJU_PRINCIPAL_UNIT: unit.principal ?? "",
    JUJU_AVAILABILITY_ZONE: "",
    JUJU_VERSION: model.jujuVersion,
    JUJU_CHARM_HTTP_PROXY: "",
    JUJU_CHARM_HTTPS_PROXY: "",
    JUJU_CHARM_FTP_PROXY: "",
    JUJU_CHARM_NO_PROXY: "",
    LANG: "C.UTF-8",
  };
  if (event.kind === "action") {
    Object.assign(env, { JUJU_ACTION_NAME: name, JUJU_ACTION_UUID: event.id, JUJU_ACTION_TAG: `action-${event.id}` });
  } else {
    if (event.relationId !== undefined) {
      const relation = model.relation(event.relationId);
      const end = model.endOf(relation, unit.app);
      if (end === undefined) throw new Error(`${unitName} is not in relation ${String(event.relationId)}`);
      Object.assign(env, {
        JUJU_RELATION: end.endpoint,
        JUJU_RELATION_ID: `${end.endpoint}:${String(relation.id)}`,
        JUJU_REMOTE_APP: model.remoteAppOf(relation, unit.app),
        JUJU_REMOTE_UNIT: event.remoteUnit ?? "",
        ...(event.departingUnit === undefined ? {} : { JUJU_DEPARTING_UNIT: event.departingUnit }),
      });
    }
    if (event.secret !== undefined) {
      const secret = model.secrets.get(event.secret);
      const ownLabel =
        secret?.owner.kind === "unit"
          ? secret.owner.unit === unitName
          : secret?.owner.kind === "application" && secret.owner.app === unit.app;
      const label = ownLabel ? secret?.label : secret?.consumerLabels.get(unitName);
      Object.assign(env, {
        JUJU_SECRET_ID: model.secretUri(event.secret),
        JUJU_SECRET_LABEL: label ?? "",
        ...(event.secretRevision === undefined ? {} : { JUJU_SECRET_REVISION: String(event.secretRevision) }),
      });
    }
    if (event.storage !== undefined) {
      const storage = unit.storage.get(event.storage);
      Object.assign(env, {
        JUJU_STORAGE_ID: event.storage,
        JUJU_STORAGE_LOCATION: storage?.location ?? "",
        JUJU_STORAGE_KIND: storage?.kind ?? "filesystem",
      });
    }
  }
  env["JUJU_DISPATCH_PATH"] = `${event.kind === "action" ? "actions" : "hooks"}/${name}`;
  return env;
}
