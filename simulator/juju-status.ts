// The simulator's model as `juju status --format=json` prints it
// (https://documentation.ubuntu.com/juju/3.6/reference/juju-cli/list-of-juju-cli-commands/status/):
// the same keys, the same omissions (`leader` only on the leader, empty messages left out), and
// the same display rules (a unit whose hook failed shows workload `error`; an application whose
// leader set no status shows its units' most severe one).

import { isJuju4 } from "../grammar/juju-version.js";
import { comparePortRanges, formatPort } from "../grammar/ports.js";
import type { JsonObject, JsonValue } from "../runtime/meta.js";
import type { JujuModel } from "../engine/model.js";
import { byUnitNumber } from "../grammar/names.js";
import type { HookInfo } from "./uniter.js";

/** What the simulator knows beyond the model, for status. */
export interface StatusSnapshot {
  readonly model: JujuModel;
  readonly apps: Readonly<Record<string, { readonly charmName: string; readonly revision: number; readonly since: string | undefined }>>;
  readonly units: Readonly<
    Record<
      string,
      {
        /** The failed hook's name, while the unit is in error. */
        readonly error: string | undefined;
        readonly errorData: HookInfo | undefined;
        /** What the unit runs now or next ("config-changed hook"); undefined when idle. */
        readonly executing: string | undefined;
        /** Not installed yet. */
        readonly allocating: boolean;
        readonly since: string | undefined;
      }
    >
  >;
  readonly dyingRelations: ReadonlySet<number>;
}

/**
 * Juju 3.x's severities for an application status derived from its units (state/application.go):
 * the most severe unit status wins.
 */
const SEVERITY: Readonly<Record<string, number>> = {
  error: 100,
  blocked: 90,
  waiting: 80,
  maintenance: 70,
  active: 60,
  terminated: 50,
  unknown: 40,
};

const BASE = { name: "ubuntu", channel: "24.04" };

export function renderStatus(snapshot: StatusSnapshot): JsonObject {
  const { model } = snapshot;
  const now = jujuTime(new Date());
  const machines: JsonObject = {};
  const applications: JsonObject = {};
  // Each principal unit's subordinate units, found once (status is asked for after every step of a wait).
  const subordinatesOf = new Map<string, string[]>();
  for (const unit of model.units.values()) {
    if (unit.principal !== undefined) subordinatesOf.set(unit.principal, [...(subordinatesOf.get(unit.principal) ?? []), unit.name]);
  }
  for (const app of [...model.apps.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    const info = snapshot.apps[app.name];
    if (info === undefined) continue;
    const units: JsonObject = {};
    const displayed: { current: string; message: string }[] = [];
    const unitEntry = (name: string, subordinate: boolean): JsonObject => {
      const unit = model.unit(name);
      const state = snapshot.units[name];
      const since = jujuTime(state?.since);
      let workload: JsonObject;
      let agent: JsonObject;
      if (state?.error !== undefined) {
        // Juju shows a failed hook as the workload's error, and the agent as idle.
        const data = state.errorData;
        workload = status("error", `hook failed: "${state.error}"`, since);
        if (data !== undefined) {
          const extra: JsonObject = { hook: data.name };
          if (data.relationId !== undefined) extra["relation-id"] = data.relationId;
          if (data.remoteUnit !== undefined) extra["remote-unit"] = data.remoteUnit;
          workload["status-data"] = extra;
        }
        agent = { ...status("idle", "", since), version: model.jujuVersion };
      } else {
        workload = status(unit.status.status, unit.status.message, since);
        const current = state?.allocating === true ? "allocating" : state?.executing === undefined ? "idle" : "executing";
        agent = {
          ...status(current, state?.executing === undefined ? "" : `running ${state.executing}`, since),
          version: model.jujuVersion,
        };
      }
      const entry: JsonObject = { "workload-status": workload, "juju-status": agent };
      if (model.apps.get(unit.app)?.leader === name) entry["leader"] = true;
      // A subordinate has no machine of its own in status; its address is its principal's machine's.
      if (!subordinate) entry["machine"] = unit.machine;
      entry["public-address"] = unit.address;
      // Each range once, in Juju's order (juju/juju apiserver/facades/client/client/status.go, processUnit:
      // UniquePortRanges sorts them), not the order they were opened in.
      const ports = [...new Set([...unit.ports].sort((a, b) => comparePortRanges(a.range, b.range)).map((port) => formatPort(port.range)))];
      if (ports.length > 0) entry["open-ports"] = ports;
      const subordinates: JsonObject = {};
      for (const sub of [...(subordinatesOf.get(name) ?? [])].sort(byUnitNumber)) {
        if (snapshot.apps[model.unit(sub).app] !== undefined) subordinates[sub] = unitEntry(sub, true);
      }
      if (Object.keys(subordinates).length > 0) entry["subordinates"] = subordinates;
      return entry;
    };
    for (const name of [...app.units].sort(byUnitNumber)) {
      const unit = model.unit(name);
      const entry = unitEntry(name, unit.principal !== undefined);
      const workload = entry["workload-status"] as JsonObject;
      const current = workload["current"];
      const message = workload["message"];
      displayed.push({ current: typeof current === "string" ? current : "", message: typeof message === "string" ? message : "" });
      // Juju lists a subordinate unit under its principal unit only (its application has no `units`).
      if (unit.principal === undefined) units[name] = entry;
      machines[unit.machine] = machine(unit.machine, unit.address, model.jujuVersion, now);
    }
    let appStatus = app.status;
    if (appStatus.status === "unknown") {
      const worst = displayed.reduce<{ current: string; message: string } | undefined>(
        (most, next) => (most === undefined || (SEVERITY[next.current] ?? 0) > (SEVERITY[most.current] ?? 0) ? next : most),
        undefined,
      );
      appStatus = { status: worst?.current ?? "unknown", message: worst?.message ?? "", data: {} };
    }
    const relations: Record<string, JsonValue[]> = {};
    for (const relation of [...model.relations.values()].sort((a, b) => a.id - b.id)) {
      const end = model.endOf(relation, app.name);
      if (end === undefined || snapshot.dyingRelations.has(relation.id)) continue;
      (relations[end.endpoint] ??= []).push({
        "related-application": model.remoteAppOf(relation, app.name),
        interface: relation.interface,
        scope: relation.scope,
      });
    }
    const bindings: JsonObject = { "": "alpha" };
    for (const endpoint of Object.keys(app.meta?.relations ?? {}).sort()) bindings[endpoint] = "alpha";
    const entry: JsonObject = {
      charm: `local:${info.charmName}-${String(info.revision)}`,
      base: { ...BASE },
      "charm-origin": "local",
      "charm-name": info.charmName,
      "charm-rev": info.revision,
      exposed: false,
      "application-status": status(appStatus.status, appStatus.message, jujuTime(info.since)),
    };
    if (Object.keys(relations).length > 0) entry["relations"] = relations;
    // The principal applications it is related to over a container-scoped relation.
    const principals = new Set<string>();
    if (app.meta?.subordinate === true) {
      for (const relation of model.relations.values()) {
        const other = model.remoteAppOf(relation, app.name);
        if (
          relation.scope === "container" &&
          model.endOf(relation, app.name) !== undefined &&
          model.apps.get(other)?.meta?.subordinate !== true
        )
          principals.add(other);
      }
      if (principals.size > 0) entry["subordinate-to"] = [...principals].sort();
    } else entry["units"] = units;
    // The version Juju shows: under 3.6 the most recent among the current units (engine/model.ts).
    const version = model.applicationVersion(app.name);
    if (version !== "") entry["version"] = version;
    entry["endpoint-bindings"] = bindings;
    applications[app.name] = entry;
  }
  return {
    model: {
      name: model.name,
      type: "iaas",
      controller: "tscharm-sim",
      cloud: "localhost",
      region: "localhost",
      version: model.jujuVersion,
      "model-status": { current: "available", since: now },
      // Juju 4 dropped SLAs (and meter status and branches) from status; 3.6 prints `sla`.
      ...(isJuju4(model.jujuVersion) ? {} : { sla: "unsupported" }),
    },
    machines: Object.fromEntries(Object.entries(machines).sort(([a], [b]) => Number(a) - Number(b))),
    applications,
    controller: { timestamp: now.slice(12) },
  };
}

function status(current: string, message: string, since: string): JsonObject {
  return message === "" ? { current, since } : { current, message, since };
}

function machine(id: string, address: string, version: string, since: string): JsonObject {
  return {
    "juju-status": { current: "started", since, version },
    hostname: `juju-sim-${id}`,
    "dns-name": address,
    "ip-addresses": [address],
    "instance-id": `sim-${id}`,
    "machine-status": { current: "running", message: "Running", since },
    base: { ...BASE },
    "network-interfaces": { eth0: { "ip-addresses": [address], "mac-address": "00:16:3e:00:00:00", "is-up": true } },
    hardware: `arch=${process.arch === "arm64" ? "arm64" : "amd64"} cores=2 mem=4096M`,
  };
}

/** Juju's status times: `23 Nov 2026 06:27:37Z`. */
export function jujuTime(iso: string | Date | undefined): string {
  const when = iso === undefined ? new Date() : new Date(iso);
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const pad = (n: number): string => String(n).padStart(2, "0");
  const date = `${pad(when.getUTCDate())} ${months[when.getUTCMonth()] ?? ""} ${String(when.getUTCFullYear())}`;
  return `${date} ${pad(when.getUTCHours())}:${pad(when.getUTCMinutes())}:${pad(when.getUTCSeconds())}Z`;
}
