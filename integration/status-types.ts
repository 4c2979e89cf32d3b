// `juju status --format=json`, parsed into typed objects; the predicates tests wait for; and the
// table `juju status` prints. The simulator prints the same JSON, so one parser serves both.

/** A status as Juju reports it: `current` (active, blocked, idle, …), a message, and when it was set. */
export interface StatusInfo {
  readonly current: string;
  readonly message: string;
  readonly since: string;
  readonly version: string;
}

export interface UnitStatus {
  readonly workloadStatus: StatusInfo;
  readonly jujuStatus: StatusInfo;
  /** Juju prints `leader` on the leader only; absent means false. */
  readonly leader: boolean;
  readonly machine: string;
  readonly publicAddress: string;
  readonly openPorts: readonly string[];
  readonly subordinates: Readonly<Record<string, UnitStatus>>;
}

export interface AppStatusRelation {
  readonly relatedApp: string;
  readonly interface: string;
  readonly scope: string;
}

export interface AppStatus {
  readonly charm: string;
  readonly charmName: string;
  readonly charmOrigin: string;
  readonly charmRev: number;
  readonly charmChannel: string;
  readonly base: { readonly name: string; readonly channel: string } | undefined;
  readonly exposed: boolean;
  readonly appStatus: StatusInfo;
  /** Endpoint → the applications related on it. */
  readonly relations: Readonly<Record<string, readonly AppStatusRelation[]>>;
  readonly subordinateTo: readonly string[];
  readonly units: Readonly<Record<string, UnitStatus>>;
  /** The workload version (application-version-set). */
  readonly version: string;
  readonly endpointBindings: Readonly<Record<string, string>>;
}

export interface MachineStatus {
  readonly jujuStatus: StatusInfo;
  readonly machineStatus: StatusInfo;
  readonly dnsName: string;
  readonly hostname: string;
  readonly instanceId: string;
  readonly base: { readonly name: string; readonly channel: string } | undefined;
}

export interface ModelStatus {
  readonly name: string;
  readonly type: string;
  readonly controller: string;
  readonly cloud: string;
  readonly region: string;
  readonly version: string;
  readonly modelStatus: StatusInfo;
  /** Juju 3.6's `sla` (`unsupported` on a model without one); Juju 4 has no SLAs: "". */
  readonly sla: string;
}

export interface Status {
  readonly model: ModelStatus;
  readonly machines: Readonly<Record<string, MachineStatus>>;
  readonly apps: Readonly<Record<string, AppStatus>>;
}

/** A condition on the model, for `juju.wait`. */
export type StatusPredicate = (status: Status) => boolean | Promise<boolean>;

/** Parses the output of `juju status --format=json`; missing keys read as empty, as Juju omits them. */
export function parseStatus(json: unknown): Status {
  const root = object(json);
  const model = object(root["model"]);
  return {
    model: {
      name: text(model["name"]),
      type: text(model["type"]),
      controller: text(model["controller"]),
      cloud: text(model["cloud"]),
      region: text(model["region"]),
      version: text(model["version"]),
      modelStatus: statusInfo(model["model-status"]),
      sla: text(model["sla"]),
    },
    machines: mapValues(object(root["machines"]), (value) => {
      const machine = object(value);
      return {
        jujuStatus: statusInfo(machine["juju-status"]),
        machineStatus: statusInfo(machine["machine-status"]),
        dnsName: text(machine["dns-name"]),
        hostname: text(machine["hostname"]),
        instanceId: text(machine["instance-id"]),
        base: base(machine["base"]),
      };
    }),
    apps: mapValues(object(root["applications"]), (value) => {
      const app = object(value);
      return {
        charm: text(app["charm"]),
        charmName: text(app["charm-name"]),
        charmOrigin: text(app["charm-origin"]),
        charmRev: typeof app["charm-rev"] === "number" ? app["charm-rev"] : 0,
        charmChannel: text(app["charm-channel"]),
        base: base(app["base"]),
        exposed: app["exposed"] === true,
        appStatus: statusInfo(app["application-status"], app["status-error"]),
        relations: mapValues(object(app["relations"]), (list) =>
          (Array.isArray(list) ? list : []).map((entry: unknown) => {
            // Juju 2.x listed application names; 3.x lists objects.
            if (typeof entry === "string") return { relatedApp: entry, interface: "", scope: "" };
            const relation = object(entry);
            return {
              relatedApp: text(relation["related-application"]),
              interface: text(relation["interface"]),
              scope: text(relation["scope"]),
            };
          }),
        ),
        subordinateTo: Array.isArray(app["subordinate-to"]) ? app["subordinate-to"].map(text) : [],
        units: mapValues(object(app["units"]), unitStatus),
        version: text(app["version"]),
        endpointBindings: mapValues(object(app["endpoint-bindings"]), text),
      };
    }),
  };
}

function unitStatus(value: unknown): UnitStatus {
  const unit = object(value);
  return {
    workloadStatus: statusInfo(unit["workload-status"], unit["status-error"]),
    jujuStatus: statusInfo(unit["juju-status"]),
    leader: unit["leader"] === true,
    machine: text(unit["machine"]),
    publicAddress: text(unit["public-address"]),
    openPorts: Array.isArray(unit["open-ports"]) ? unit["open-ports"].map(text) : [],
    subordinates: mapValues(object(unit["subordinates"]), unitStatus),
  };
}

/** An entity Juju could not format shows `status-error` instead: read it as status `failed`. */
function statusInfo(value: unknown, statusError?: unknown): StatusInfo {
  if (typeof statusError === "string") return { current: "failed", message: statusError, since: "", version: "" };
  const info = object(value);
  return { current: text(info["current"]), message: text(info["message"]), since: text(info["since"]), version: text(info["version"]) };
}

function base(value: unknown): { name: string; channel: string } | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const info = object(value);
  return { name: text(info["name"]), channel: text(info["channel"]) };
}

function object(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" ? String(value) : "";
}

function mapValues<T>(record: Record<string, unknown>, map: (value: unknown) => T): Record<string, T> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}

// --- predicates --------------------------------------------------------------------------

/** The units of `app`, including subordinate units listed under their principals. */
export function unitsOf(status: Status, app: string): Record<string, UnitStatus> {
  const units: Record<string, UnitStatus> = { ...(status.apps[app]?.units ?? {}) };
  const principals = status.apps[app]?.subordinateTo ?? [];
  for (const principal of principals) {
    for (const unit of Object.values(status.apps[principal]?.units ?? {})) {
      for (const [name, subordinate] of Object.entries(unit.subordinates)) if (name.startsWith(`${app}/`)) units[name] = subordinate;
    }
  }
  return units;
}

function appsOf(status: Status, apps: readonly string[]): readonly string[] {
  return apps.length > 0 ? apps : Object.keys(status.apps);
}

function allAre(expected: string, status: Status, apps: readonly string[]): boolean {
  return appsOf(status, apps).every((app) => {
    const info = status.apps[app];
    return (
      info !== undefined &&
      info.appStatus.current === expected &&
      Object.values(unitsOf(status, app)).every((unit) => unit.workloadStatus.current === expected)
    );
  });
}

function anyIs(expected: string, status: Status, apps: readonly string[]): boolean {
  return appsOf(status, apps).some((app) => {
    const info = status.apps[app];
    return (
      info !== undefined &&
      (info.appStatus.current === expected || Object.values(unitsOf(status, app)).some((unit) => unit.workloadStatus.current === expected))
    );
  });
}

/** Every application (or those named) and all its units are active. An application not in the model is not. */
export const allActive = (status: Status, ...apps: string[]): boolean => allAre("active", status, apps);
export const allBlocked = (status: Status, ...apps: string[]): boolean => allAre("blocked", status, apps);
export const allError = (status: Status, ...apps: string[]): boolean => allAre("error", status, apps);
export const allMaintenance = (status: Status, ...apps: string[]): boolean => allAre("maintenance", status, apps);
export const allWaiting = (status: Status, ...apps: string[]): boolean => allAre("waiting", status, apps);
/** Some application (or one of those named) or one of its units is active. */
export const anyActive = (status: Status, ...apps: string[]): boolean => anyIs("active", status, apps);
export const anyBlocked = (status: Status, ...apps: string[]): boolean => anyIs("blocked", status, apps);
export const anyError = (status: Status, ...apps: string[]): boolean => anyIs("error", status, apps);
export const anyMaintenance = (status: Status, ...apps: string[]): boolean => anyIs("maintenance", status, apps);
export const anyWaiting = (status: Status, ...apps: string[]): boolean => anyIs("waiting", status, apps);

/** Every unit agent (of the applications named) is idle: no hook is running. */
export const allAgentsIdle = (status: Status, ...apps: string[]): boolean =>
  appsOf(status, apps).every(
    (app) => status.apps[app] !== undefined && Object.values(unitsOf(status, app)).every((unit) => unit.jujuStatus.current === "idle"),
  );

/** The leader unit's name, from status (the unit with `leader: true`); undefined while there is none. */
export function leaderOf(status: Status, app: string): string | undefined {
  return Object.entries(unitsOf(status, app)).find(([, unit]) => unit.leader)?.[0];
}

// --- the table `juju status` prints --------------------------------------------------------

/** `juju status` as a table: model, applications, units (the leader marked `*`). */
export function formatStatusTable(status: Status): string {
  const sections = [
    table([
      ["Model", "Controller", "Cloud/Region", "Version"],
      [status.model.name, status.model.controller, `${status.model.cloud}/${status.model.region}`, status.model.version],
    ]),
  ];
  const apps = Object.entries(status.apps).sort(([a], [b]) => a.localeCompare(b));
  if (apps.length > 0) {
    sections.push(
      table([
        ["App", "Version", "Status", "Scale", "Charm", "Rev", "Exposed", "Message"],
        ...apps.map(([name, app]) => [
          name,
          app.version,
          app.appStatus.current,
          String(Object.keys(unitsOf(status, name)).length),
          app.charmName,
          String(app.charmRev),
          app.exposed ? "yes" : "no",
          app.appStatus.message,
        ]),
      ]),
    );
    const byNumber = ([a]: [string, UnitStatus], [b]: [string, UnitStatus]): number => Number(a.split("/")[1]) - Number(b.split("/")[1]);
    const row = (name: string, unit: UnitStatus): string[] => [
      `${name}${unit.leader ? "*" : ""}`,
      unit.workloadStatus.current,
      unit.jujuStatus.current,
      unit.machine,
      unit.publicAddress,
      unit.openPorts.join(","),
      unit.workloadStatus.message || unit.jujuStatus.message,
    ];
    // Juju prints each subordinate unit under its principal, indented.
    const rows = apps.flatMap(([, app]) =>
      Object.entries(app.units)
        .sort(byNumber)
        .flatMap(([name, unit]) => [
          row(name, unit),
          ...Object.entries(unit.subordinates)
            .sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true }))
            .map(([subName, sub]) => row(`  ${subName}`, sub)),
        ]),
    );
    if (rows.length > 0) sections.push(table([["Unit", "Workload", "Agent", "Machine", "Public address", "Ports", "Message"], ...rows]));
  }
  return `${sections.join("\n\n")}\n`;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
