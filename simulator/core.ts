// What every part of the simulator works on: the engine's model, the bookkeeping the controller and
// the unit agents keep beside it, the tool server, and the lookups they all need. `Simulator`
// (simulator.ts) is the public face over it; verbs.ts, operations.ts, scheduler.ts use it.

import { existsSync } from "node:fs";
import { join } from "node:path";

import type { CharmClass } from "../runtime/dispatch.js";
import type { CharmMeta } from "../runtime/meta.js";
import { xidOf } from "../engine/hook-context.js";
import type { JujuModel, SecretRecord } from "../engine/model.js";
import type { ToolServer } from "../fake-tools/server.js";
import type { CharmSource } from "./charm-source.js";
import { type NewLogEntry, appendEntry, appendNote } from "./debug-log.js";
import { requestedIsolation } from "./machine-isolation.js";
import { Machines } from "./machines.js";
import { type AppState, type Bookkeeping, type SavedOptions, writeSavedState } from "./store.js";
import { type LogEntry, SimulatorError, type SimulatorOptions } from "./types.js";
import type { AgentState } from "./uniter.js";

export class SimulatorCore {
  /** Applications whose hooks run in this process (DeployOptions.inProcess). */
  readonly inProcess = new Map<string, CharmClass>();
  /** What runs now (`juju status` shows it as executing). */
  running: { unit: string; what: string } | undefined;
  /** While the model is destroyed: when the teardown runs out of time (hooks are cut short by then). */
  teardownDeadline: number | undefined;
  destroyed = false;
  closed = false;
  /** Extra environment for every hook (SimulatorOptions.env), with `{machine}` and `{unit}` placeholders. */
  readonly extraEnv: Readonly<Record<string, string>>;
  readonly hookTimeoutMs: number;
  /** The machines' namespaces (machines.ts): made on a machine's first process, removed with the machine. */
  readonly machines: Machines;

  constructor(
    readonly model: JujuModel,
    /** The model directory. */
    readonly dir: string,
    readonly server: ToolServer,
    readonly options: SimulatorOptions,
    readonly book: Bookkeeping,
  ) {
    this.extraEnv = options.env ?? {};
    server.note = (what) => {
      this.note(what);
    };
    this.hookTimeoutMs = options.hookTimeoutMs ?? 120_000;
    this.machines = new Machines(
      dir,
      requestedIsolation(options.machines),
      (what) => {
        this.note(what);
      },
      (listener) => {
        server.serveOn(listener);
      },
    );
    // Asked for by name: a model that cannot have it is refused now, not at its first hook.
    if (options.machines === "isolated" && !this.machines.isolated) throw new SimulatorError("machines could not be isolated");
  }

  /** Writes the model to `<dir>/model.json` (persistent simulators only). */
  save(): void {
    // Closed, or its directory deleted under it: there is nothing to keep any more.
    if (this.options.persistent !== true || this.closed || !existsSync(this.dir)) return;
    const options: SavedOptions = {
      ...(this.options.seed === undefined ? {} : { seed: this.options.seed }),
      ...(this.options.env === undefined ? {} : { env: { ...this.options.env } }),
      ...(this.options.hookTimeoutMs === undefined ? {} : { hookTimeoutMs: this.options.hookTimeoutMs }),
    };
    writeSavedState(this.dir, options, this.model.toJSON(), this.book);
  }

  record(entry: NewLogEntry): LogEntry {
    return appendEntry(this.book.log, entry);
  }

  note(what: string): void {
    appendNote(this.book.log, what);
  }

  /** The unit's charm directory (JUJU_CHARM_DIR). */
  charmDir(unit: string): string {
    return join(this.dir, "units", `unit-${unit.replace("/", "-")}`, "charm");
  }

  /**
   * The unit agent's socket: `<model>/units/unit-<app>-<n>/agent.socket`, beside the charm directory
   * as Juju keeps `/var/lib/juju/agents/unit-<app>-<n>/agent.socket` beside its `charm`. A machine of
   * its own sees the model directory at the same path (machines.ts), so its units reach it there too.
   */
  agentSocketPath(unit: string): string {
    return join(this.dir, "units", `unit-${unit.replace("/", "-")}`, "agent.socket");
  }

  /** The directory standing in for a machine's root filesystem (`{machine}` in `env`). */
  machineDir(machine: string): string {
    return join(this.dir, "machines", machine);
  }

  /** The extra environment for one unit: `{machine}` and `{unit}` replaced. */
  extraEnvFor(unitName: string): Record<string, string> {
    const machine = this.machineDir(this.model.unit(unitName).machine);
    return Object.fromEntries(
      Object.entries(this.extraEnv).map(([key, value]) => [key, value.replaceAll("{machine}", machine).replaceAll("{unit}", unitName)]),
    );
  }

  agent(unit: string): AgentState {
    const agent = this.book.agents[unit];
    if (agent === undefined) throw new SimulatorError(`unit "${unit}" not found`);
    return agent;
  }

  appState(name: string): AppState {
    const app = this.book.apps[name];
    if (app === undefined) throw new SimulatorError(`application "${name}" not found`);
    return app;
  }

  meta(appName: string): CharmMeta {
    const meta = this.model.apps.get(appName)?.meta;
    if (meta === undefined) throw new SimulatorError(`application "${appName}" not found`);
    return meta;
  }

  charmSource(appName: string): CharmSource {
    const app = this.appState(appName);
    return { origin: app.charm.origin, meta: this.meta(appName), dir: app.charm.dir };
  }

  /** A unit name, or `<app>/leader` for the application's leader. */
  resolveUnit(target: string): string {
    const leaderOf = /^(.+)\/leader$/.exec(target)?.[1];
    if (leaderOf !== undefined) {
      const app = this.model.apps.get(leaderOf);
      if (app === undefined) throw new SimulatorError(`application "${leaderOf}" not found`);
      if (app.leader === undefined) throw new SimulatorError(`could not determine leader for "${leaderOf}"`);
      return app.leader;
    }
    if (!this.model.units.has(target)) throw new SimulatorError(`unit "${target}" not found`);
    return target;
  }

  secret(id: string): SecretRecord {
    const xid = xidOf(id);
    const secret = xid === undefined ? undefined : this.model.secrets.get(xid);
    if (secret === undefined) throw new SimulatorError(`secret "${id}" not found`);
    return secret;
  }

  /** A unit's hooks see the relations it entered (once installed) and those it has not finished with. */
  knowsRelation(unitName: string, relationId: number): boolean {
    return (
      this.model.relations.get(relationId)?.members.has(unitName) === true ||
      this.agent(unitName).relations[String(relationId)] !== undefined
    );
  }

  endpointOf(unitName: string, relationId: number): string {
    const relation = this.model.relations.get(relationId);
    return (relation && this.model.endOf(relation, this.model.unit(unitName).app)?.endpoint) ?? "";
  }
}
