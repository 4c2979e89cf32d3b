// `tscharm run <event>`: one dispatch of the built charm, as Juju would run it, against a fresh
// unit (or a unit of a saved simulator model); prints the hook-tool calls and the resulting state.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { stringify } from "yaml";
import type { DispatchRequest, Simulator } from "tscharm/integration";

import { SimCommandError, actionParams, describeEntry, integration, keyValues } from "./sim.js";

export interface RunOptions {
  /** a hook name (`config-changed`, `db-relation-changed`), `hooks/<name>` or `actions/<name>` */
  event: string;
  /** a .charm or a built project (fresh unit; default ".") */
  charm?: string;
  /** a saved simulator model to run in instead */
  model?: string;
  /** the unit of the saved model (default: its first unit) */
  unit?: string;
  /** (fresh) the unit leads its application */
  leader?: boolean;
  /** (fresh) key=value */
  config?: string[];
  /** (fresh) endpoint[:remote-app[:units]] */
  relation?: string[];
  /** (fresh) KEY=VALUE for the hook's environment ({machine}, {unit}) */
  env?: string[];
  /** the remote unit a relation event is about */
  remoteUnit?: string;
  /** the secret a secret event is about */
  secret?: string;
  /** its revision (secret-remove, secret-expired) */
  revision?: number;
  /** action params, key=value */
  params?: string[];
  /** (fresh) keep the model in this directory */
  save?: string;
  format?: "yaml" | "json";
}

export async function runEvent(options: RunOptions) {
  const { Simulator } = await integration();
  const fresh = options.model === undefined;
  const scratch = fresh && options.save === undefined ? mkdtempSync(join(tmpdir(), "tscharm-run-")) : undefined;
  const simulator = fresh
    ? await Simulator.create({ dir: options.save ?? scratch, persistent: options.save !== undefined, env: keyValues(options.env ?? []) })
    : await Simulator.open(options.model ?? "");
  try {
    const unit = fresh ? prepareFreshUnit(simulator, options) : pickUnit(simulator, options.unit);
    const request = dispatchRequest(simulator, unit, options);
    const { entry, task } = await simulator.dispatch(unit, request);
    const report = {
      ran: describeEntry(entry),
      calls: entry.calls.map(
        (call) =>
          `${[call.tool, ...call.args].join(" ")}  → exit ${String(call.exitCode)}${call.stderr === "" ? "" : `: ${call.stderr.trim()}`}`,
      ),
      ...(entry.logs.length > 0 ? { "juju-log": entry.logs.map((line) => `${line.level} ${line.message}`) } : {}),
      ...(entry.stderr === "" ? {} : { stderr: entry.stderr }),
      ...(task === undefined
        ? {}
        : {
            action: {
              status: task.status,
              ...(task.message === "" ? {} : { message: task.message }),
              results: task.results,
              log: task.log,
            },
          }),
      state: resultingState(simulator, unit),
    };
    process.stdout.write(options.format === "json" ? `${JSON.stringify(report, null, 2)}\n` : stringify(report, { lineWidth: 0 }));
    if (options.save !== undefined) process.stderr.write(`the model is in ${options.save}: tscharm sim status -m ${options.save}\n`);
    if (entry.outcome !== "ok") process.exitCode = 1;
  } finally {
    await simulator.close();
    if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  }
}

/** Deploys the charm with one unit, sets it up as asked, and marks it as having run its setup hooks. */
function prepareFreshUnit(simulator: Simulator, options: RunOptions) {
  const app = simulator.deploy(options.charm ?? ".", { numUnits: 1, config: keyValues(options.config ?? []) });
  const unit = `${app}/0`;
  // Deploying makes the first unit the leader; a unit that does not lead sees another leader.
  if (options.leader !== true) simulator.model.electLeader(app, undefined);
  for (const spec of options.relation ?? []) {
    const [endpoint = "", remoteApp = "remote", count = "1"] = spec.split(":");
    const units = Number(count);
    if (!Number.isInteger(units) || units < 0) throw new SimCommandError(`--relation ${spec}: the unit count must be a whole number`);
    simulator.addRemoteApp(remoteApp, { units });
    simulator.integrate(`${app}:${endpoint}`, remoteApp);
  }
  simulator.fastForward(unit);
  return unit;
}

function pickUnit(simulator: Simulator, unit: string | undefined) {
  if (unit !== undefined) {
    if (!simulator.model.units.has(unit)) throw new SimCommandError(`no unit ${unit} in the model`);
    return unit;
  }
  const first = [...simulator.model.apps.values()].find((app) => app.meta !== undefined && app.units.length > 0)?.units[0];
  if (first === undefined) throw new SimCommandError("the model has no units: name one with --unit");
  return first;
}

/**
 * What to dispatch: an action, or a hook with the relation, remote unit, secret or storage it is about.
 * @param options
 */
function dispatchRequest(simulator: Simulator, unit: string, options: RunOptions): DispatchRequest {
  const app = simulator.model.unit(unit).app;
  const meta = simulator.model.app(app).meta;
  if (meta === undefined) throw new SimCommandError(`${unit} is not a unit of a simulated charm`);
  const event = options.event.replace(/^hooks\//, "");
  const actionName = event.startsWith("actions/") ? event.slice("actions/".length) : meta.actions[event] !== undefined ? event : undefined;
  if (actionName !== undefined) {
    return { action: actionName, params: actionParams(options.params ?? []) };
  }
  const relationHook = /^(.+)-relation-(created|joined|changed|departed|broken)$/.exec(event);
  if (relationHook !== null) {
    const endpoint = relationHook[1] ?? "";
    const phase = relationHook[2];
    const relation = [...simulator.model.relations.values()].find(
      (candidate) => simulator.model.endOf(candidate, app)?.endpoint === endpoint,
    );
    if (relation === undefined) {
      throw new SimCommandError(
        `${unit} has no ${endpoint} relation` +
          (meta.relations[endpoint] === undefined ? ` (the charm has no endpoint "${endpoint}")` : ": add one with --relation " + endpoint),
      );
    }
    const remoteApp = simulator.model.remoteAppOf(relation, app);
    const remoteUnit =
      options.remoteUnit ??
      (phase === "created" || phase === "broken"
        ? undefined
        : [...relation.members].find((member) => member !== unit && member.startsWith(`${remoteApp}/`)));
    if (remoteUnit === undefined && (phase === "joined" || phase === "departed"))
      throw new SimCommandError(`${event} needs a remote unit: give --remote-unit`);
    return {
      hook: event,
      relationId: relation.id,
      ...(remoteUnit === undefined ? {} : { remoteUnit }),
      ...(phase === "departed" && remoteUnit !== undefined ? { departingUnit: remoteUnit } : {}),
    };
  }
  if (/^secret-(changed|rotate|remove|expired)$/.test(event)) {
    if (options.secret === undefined) throw new SimCommandError(`${event} needs --secret <id>`);
    return { hook: event, secret: options.secret, ...(options.revision === undefined ? {} : { secretRevision: options.revision }) };
  }
  const storageHook = /^(.+)-storage-(attached|detaching)$/.exec(event);
  if (storageHook !== null) {
    const storage = [...simulator.model.unit(unit).storage.keys()].find((id) => id.startsWith(`${storageHook[1] ?? ""}/`));
    if (storage === undefined) throw new SimCommandError(`${unit} has no ${storageHook[1] ?? ""} storage`);
    return { hook: event, storage };
  }
  return { hook: event };
}

/** What the hook left behind, secrets without their content. */
function resultingState(simulator: Simulator, unitName: string) {
  const { model } = simulator;
  const unit = model.unit(unitName);
  const app = model.app(unit.app);
  const relations: Record<string, unknown> = {};
  for (const relation of model.relations.values()) {
    if (model.endOf(relation, unit.app) === undefined) continue;
    const end = model.endOf(relation, unit.app);
    relations[`${end?.endpoint ?? ""}:${String(relation.id)}`] = {
      applications: Object.fromEntries(relation.appData),
      units: Object.fromEntries([...relation.unitData].filter(([name]) => relation.members.has(name) || name === unitName)),
    };
  }
  let stored: unknown;
  try {
    stored = JSON.parse(readFileSync(join(simulator.charmDir(unitName), ".unit-state.json"), "utf8"));
  } catch {
    stored = undefined;
  }
  return {
    unit: {
      name: unitName,
      leader: app.leader === unitName,
      status: unit.status.status,
      message: unit.status.message,
      ...(unit.ports.length > 0 ? { ports: unit.ports.map((port) => port.range) } : {}),
    },
    application: {
      name: app.name,
      status: app.status.status,
      message: app.status.message,
      ...(app.workloadVersion === "" ? {} : { version: app.workloadVersion }),
    },
    relations,
    secrets: [...model.secrets.values()].map((secret) => ({
      id: model.secretUri(secret.xid),
      owner: secret.owner.kind === "application" ? secret.owner.app : secret.owner.kind === "unit" ? secret.owner.unit : "model",
      ...(secret.label === undefined ? {} : { label: secret.label }),
      revisions: [...secret.revisions.keys()],
      tracked: Object.fromEntries(secret.tracking),
    })),
    ...(stored === undefined ? {} : { "stored-state": stored }),
  };
}
