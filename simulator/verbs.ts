// What a user does to the model: juju deploy, add-unit, remove-unit, integrate, remove-relation,
// config, refresh, resolve, run, exec, and the secret rotations and expiries Juju would trigger.
// A flat list of independent verbs, each over the simulator's core.

import { renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

import type { CharmMeta, ConfigValue, JsonObject, RelationMeta } from "../runtime/meta.js";
import { isAppName } from "../grammar/names.js";
import { actionParamsError } from "../engine/actions.js";
import type { RelationEnd } from "../engine/model.js";
import { type CharmSource, loadCharm } from "./charm-source.js";
import { secretManager } from "../engine/secrets.js";
import type { SimulatorCore } from "./core.js";
import { parseEndpoint, validateConfig } from "./juju-rules.js";
import {
  addApplication,
  addRemoteApplication,
  collectRemoved,
  enterScope,
  isSubordinateApp,
  markDying,
  markRelationDying,
  placeUnit,
  setAppConfig,
  setAppMeta,
} from "./model-writes.js";
import { type DeployOptions, SimulatorError, type TaskRecord } from "./types.js";

/** `juju deploy`: a `.charm` file, or a charm project built with `tscharm build`. Returns the application name. */
export function deploy(core: SimulatorCore, charm: string, options: DeployOptions = {}): string {
  const revision = 0;
  const store = join(core.dir, "charms", `pending-${String(Date.now())}`);
  let source: CharmSource;
  try {
    source = loadCharm(charm, store, core.model.jujuVersion);
  } catch (error) {
    rmSync(store, { recursive: true, force: true });
    throw new SimulatorError(error instanceof Error ? error.message : String(error));
  }
  const name = options.app ?? source.meta.name;
  try {
    if (!isAppName(name)) throw new SimulatorError(`invalid application name "${name}"`);
    if (core.model.apps.has(name)) throw new SimulatorError(`cannot add application "${name}": application already exists`);
    let numUnits = options.numUnits ?? 1;
    if (!Number.isInteger(numUnits) || numUnits < 0)
      throw new SimulatorError(`--num-units must be a whole number, not ${String(numUnits)}`);
    // A subordinate gets its units from its principals' (juju/juju cmd/juju/application/deployer:
    // the default --num-units 1 becomes 0, and anything else is refused).
    if (source.meta.subordinate === true) {
      if (numUnits !== 1) throw new SimulatorError("cannot use --num-units or --to with subordinate application");
      numUnits = 0;
    }
    const config = validateConfig(source.meta, options.config ?? {});
    const dir = join(core.dir, "charms", `${name}-${String(revision)}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(store, dir);
    addApplication(core, name, source.meta, config, options.trust === true);
    core.book.apps[name] = {
      charm: { origin: resolve(charm), dir, revision },
      charmVersion: 0,
      configVersion: 0,
      leaderSettingsVersion: 0,
      nextUnit: 0,
    };
    if (options.inProcess !== undefined) core.inProcess.set(name, options.inProcess);
    core.note(`deployed ${name} from ${charm}`);
    addUnit(core, name, numUnits);
    return name;
  } catch (error) {
    rmSync(store, { recursive: true, force: true });
    throw error;
  } finally {
    core.save();
  }
}

/** `juju add-unit`: returns the new units' names. */
export function addUnit(core: SimulatorCore, appName: string, count = 1): string[] {
  const app = core.appState(appName);
  // juju/juju state/application.go: AddUnit, addUnitOpsWithCons.
  if (count > 0 && isSubordinateApp(core, appName))
    throw new SimulatorError(`cannot add unit to application "${appName}": application is a subordinate`);
  if (app.removing !== undefined) throw new SimulatorError(`cannot add unit to application "${appName}": application is not alive`);
  const added: string[] = [];
  for (let n = 0; n < count; n++) {
    const unit = placeUnit(core, appName);
    added.push(unit.name);
    core.note(`added unit ${unit.name} on machine ${unit.machine}`);
  }
  core.save();
  return added;
}

/** `juju remove-unit`: the units run their teardown hooks, then leave the model. */
export function removeUnit(core: SimulatorCore, ...units: string[]): void {
  for (const name of units) {
    const unit = core.model.units.get(name);
    if (unit === undefined) throw new SimulatorError(`removing unit ${name} failed: unit "${name}" does not exist`);
    // juju/juju apiserver/facades/client/application/application.go, DestroyUnit.
    if (unit.principal !== undefined) {
      throw new SimulatorError(
        `removing unit ${name} failed: unit "${name}" is a subordinate, to remove use remove-relation. ` +
          `Note: this will remove all units of "${unit.app}"`,
      );
    }
    if (unit.dying) continue;
    markDying(core, name);
    core.note(`unit ${name} is dying`);
  }
  core.save();
}

/**
 * `juju remove-application <app> [--destroy-storage] [--force]`, as Juju 3.6 does it
 * (juju/juju state/application.go, DestroyApplicationOperation; doc/lifecycles.md): every
 * relation of the application becomes dying, so every unit on both sides departs and runs
 * relation-broken; every unit of the application becomes dying and tears down (storage-detaching,
 * relation-departed, relation-broken, stop, remove), its subordinates with it; once no unit and no
 * relation is left, the application goes, with the secrets it owns and the grants made to it. An
 * application already dying is left as it is, as Juju does. With `force`, a unit whose teardown
 * hook fails is removed at once instead of waiting in error. Storage never outlives its unit in
 * the simulator, so `destroyStorage` changes nothing here.
 */
export function removeApplication(
  core: SimulatorCore,
  appName: string,
  options: { readonly force?: boolean; readonly destroyStorage?: boolean } = {},
): void {
  const app = core.book.apps[appName];
  if (app === undefined) {
    const why = core.model.apps.has(appName)
      ? `application "${appName}" runs no hooks here (addRemoteApp): it cannot be removed`
      : `application "${appName}" not found`;
    throw new SimulatorError(`removing application ${appName} failed: ${why}`);
  }
  if (app.removing !== undefined) return;
  app.removing = { force: options.force === true, destroyStorage: options.destroyStorage === true };
  core.note(`removing application ${appName}`);
  for (const relation of [...core.model.relations.values()]) {
    if (core.model.endOf(relation, appName) !== undefined && !core.book.dyingRelations.has(relation.id)) {
      markRelationDying(core, relation.id);
    }
  }
  for (const unit of [...core.model.app(appName).units]) {
    if (!core.model.unit(unit).dying) {
      markDying(core, unit);
      core.note(`unit ${unit} is dying`);
    }
  }
  collectRemoved(core);
  core.save();
}

/**
 * An application the simulator does not run (another model's, or one you only need as the other
 * end of a relation): its units are in scope of its relations and run no hooks. Set their data
 * in `model`. Returns the unit names.
 */
export function addRemoteApp(core: SimulatorCore, name: string, options: { units?: number } = {}): string[] {
  if (!isAppName(name)) throw new SimulatorError(`invalid application name "${name}"`);
  const units = addRemoteApplication(core, name, options.units ?? 1);
  core.note(`added remote application ${name} (${String(units.length)} units, no hooks)`);
  core.save();
  return units;
}

/** `juju integrate a[:endpoint] b[:endpoint]`: returns the relation id. */
export function integrate(core: SimulatorCore, first: string, second: string): number {
  const [a, b] = [parseEndpoint(first), parseEndpoint(second)];
  if (core.model.apps.get(b.app)?.meta === undefined && core.model.apps.has(b.app)) return integrateRemote(core, a, b.app);
  const candidates: { pair: [RelationEnd, RelationEnd]; implicit: boolean; container: boolean }[] = [];
  for (const [endA, specA] of endpointsOf(core.meta(a.app))) {
    if (a.endpoint !== undefined && a.endpoint !== endA) continue;
    for (const [endB, specB] of endpointsOf(core.meta(b.app))) {
      if (b.endpoint !== undefined && b.endpoint !== endB) continue;
      const matches =
        specA.interface === specB.interface &&
        ((specA.role === "provides" && specB.role === "requires") || (specA.role === "requires" && specB.role === "provides"));
      if (matches)
        candidates.push({
          pair: [
            { app: a.app, endpoint: endA, role: specA.role },
            { app: b.app, endpoint: endB, role: specB.role },
          ],
          implicit: specA.implicit || specB.implicit,
          // One container-scoped end makes the relation container-scoped (juju/juju state/state.go, AddRelation).
          container: specA.scope === "container" || specB.scope === "container",
        });
    }
  }
  const described = (pair: [RelationEnd, RelationEnd]): string => `${pair[0].app}:${pair[0].endpoint} ${pair[1].app}:${pair[1].endpoint}`;
  // Juju's InferEndpoints: when more than one relation fits, the implicit juju-info ones are dropped.
  const explicit = candidates.filter((candidate) => !candidate.implicit);
  const fitting = candidates.length > 1 && explicit.length > 0 ? explicit : candidates;
  const [chosen, ...others] = fitting;
  if (chosen === undefined) throw new SimulatorError(`no relations found between "${first}" and "${second}"`);
  if (others.length > 0) {
    throw new SimulatorError(
      `ambiguous relation: "${first} ${second}" could refer to ${fitting.map((c) => `"${described(c.pair)}"`).join("; ")}`,
    );
  }
  const pair = chosen.pair;
  for (const relation of core.model.relations.values()) {
    const same = pair.every((end) => relation.ends.some((other) => other.app === end.app && other.endpoint === end.endpoint));
    if (same && !core.book.dyingRelations.has(relation.id)) {
      throw new SimulatorError(`cannot add relation "${described(pair)}": relation ${described(pair)} already exists`);
    }
  }
  // juju/juju state/state.go, AddRelation (via aliveApplication).
  const dying = pair.find((end) => core.book.apps[end.app]?.removing !== undefined);
  if (dying !== undefined) throw new SimulatorError(`cannot add relation "${described(pair)}": application "${dying.app}" is not alive`);
  if (chosen.container && !pair.some((end) => isSubordinateApp(core, end.app))) {
    throw new SimulatorError(
      `cannot add relation "${described(pair)}": container scoped relation requires at least one subordinate application`,
    );
  }
  const spec = endpointsOf(core.meta(pair[0].app)).find(([name]) => name === pair[0].endpoint)?.[1];
  const relation = core.model.addRelation(pair, { interface: spec?.interface ?? "", scope: chosen.container ? "container" : "global" });
  for (const end of pair) {
    for (const unit of [...core.model.app(end.app).units]) if (core.book.agents[unit]?.installed === true) enterScope(core, unit);
  }
  core.note(`related ${described(pair)} (relation ${String(relation.id)})`);
  core.save();
  return relation.id;
}

/**
 * A charm's endpoints, with the `juju-info` endpoint Juju gives every charm (provides, interface
 * juju-info, global scope: juju/juju core/charm, the implicit endpoint), unless the charm declares
 * an endpoint of that name itself.
 */
function endpointsOf(meta: CharmMeta): [string, RelationMeta & { readonly implicit: boolean }][] {
  const declared = Object.entries(meta.relations).map(([name, spec]): [string, RelationMeta & { implicit: boolean }] => [
    name,
    { ...spec, implicit: false },
  ]);
  if (meta.relations["juju-info"] !== undefined) return declared;
  return [...declared, ["juju-info", { role: "provides", interface: "juju-info", scope: "global", implicit: true }]];
}

/** Relates an endpoint of a simulated application to a remote application, whose units join at once. */
export function integrateRemote(core: SimulatorCore, side: { app: string; endpoint: string | undefined }, remote: string): number {
  const endpoints = Object.entries(core.meta(side.app).relations).filter(
    ([name, spec]) => spec.role !== "peers" && (side.endpoint === undefined || side.endpoint === name),
  );
  const [chosen, ...others] = endpoints;
  if (chosen === undefined)
    throw new SimulatorError(`${side.app} has no endpoint ${side.endpoint ?? "to relate"} (peer endpoints relate by themselves)`);
  if (others.length > 0)
    throw new SimulatorError(`ambiguous relation: say which endpoint of ${side.app} (${endpoints.map(([name]) => name).join(", ")})`);
  const [endpoint, spec] = chosen;
  const relation = core.model.addRelation(
    [
      { app: side.app, endpoint, role: spec.role },
      { app: remote, endpoint, role: spec.role === "provides" ? "requires" : "provides" },
    ],
    { interface: spec.interface, scope: spec.scope ?? "global" },
  );
  for (const unit of core.model.app(remote).units) core.model.joinRelation(relation.id, unit);
  for (const unit of core.model.app(side.app).units) if (core.book.agents[unit]?.installed === true) enterScope(core, unit);
  core.note(`related ${side.app}:${endpoint} to remote application ${remote} (relation ${String(relation.id)})`);
  core.save();
  return relation.id;
}

/** `juju remove-relation a b`: every unit departs the others and runs relation-broken. */
export function removeRelation(core: SimulatorCore, first: string, second: string): void {
  const [a, b] = [parseEndpoint(first), parseEndpoint(second)];
  const relation = [...core.model.relations.values()].find(
    (candidate) =>
      !core.book.dyingRelations.has(candidate.id) &&
      candidate.ends.length === 2 &&
      [a, b].every((side) =>
        candidate.ends.some((end) => end.app === side.app && (side.endpoint === undefined || end.endpoint === side.endpoint)),
      ),
  );
  if (relation === undefined) throw new SimulatorError(`relation "${first} ${second}" not found`);
  markRelationDying(core, relation.id);
  core.note(`removing relation ${String(relation.id)}`);
  core.save();
}

/** `juju config <app>`: the effective values. */
export function config(core: SimulatorCore, appName: string): Record<string, ConfigValue> {
  core.appState(appName);
  return core.model.effectiveConfig(appName);
}

/** `juju config <app> key=value … --reset key,…`: config-changed runs on every unit if anything changed. */
export function setConfig(
  core: SimulatorCore,
  appName: string,
  values: Readonly<Record<string, ConfigValue>>,
  reset: readonly string[] = [],
): void {
  core.appState(appName);
  const meta = core.meta(appName);
  for (const key of reset) if (meta.config[key] === undefined) throw new SimulatorError(`unknown option "${key}"`);
  const checked = validateConfig(meta, values);
  const before = JSON.stringify(core.model.effectiveConfig(appName));
  setAppConfig(core, appName, checked, reset);
  if (JSON.stringify(core.model.effectiveConfig(appName)) !== before) {
    core.appState(appName).configVersion++;
    core.note(`configured ${appName}`);
  }
  core.save();
}

/** Queues `juju run <unit> <action>` (the unit may be `app/leader`); run the model to get its result. */
export function enqueueAction(core: SimulatorCore, target: string, action: string, params: JsonObject = {}): TaskRecord {
  const unit = core.resolveUnit(target);
  const meta = core.meta(core.model.unit(unit).app);
  const spec = meta.actions[action];
  if (spec === undefined) throw new SimulatorError(`action "${action}" not defined on unit "${unit}"`);
  const invalid = actionParamsError(spec, params, core.model.jujuVersion);
  if (invalid !== undefined) throw new SimulatorError(`invalid parameters for action "${action}": ${invalid}`);
  return enqueueTask(core, unit, "action", action, core.model.actionParams(core.model.unit(unit).app, action, params));
}

/** Queues `juju exec --unit <unit> -- <command>`: a shell command in a hook context. */
export function enqueueExec(core: SimulatorCore, target: string, command: string): TaskRecord {
  return enqueueTask(core, core.resolveUnit(target), "exec", command, {});
}

export function enqueueTask(core: SimulatorCore, unit: string, kind: TaskRecord["kind"], name: string, params: JsonObject): TaskRecord {
  const id = String(core.book.nextTask++);
  const task: TaskRecord = {
    id,
    unit,
    kind,
    name,
    params,
    status: "pending",
    results: {},
    message: "",
    log: [],
    enqueued: new Date().toISOString(),
    started: undefined,
    completed: undefined,
  };
  core.book.tasks[id] = task;
  core.agent(unit).tasks.push(id);
  core.save();
  return task;
}

export function taskById(core: SimulatorCore, id: string): TaskRecord {
  const task = core.book.tasks[id];
  if (task === undefined) throw new SimulatorError(`task ${id} not found`);
  return task;
}

/** Runs update-status on the given units (all units by default), as Juju does every 5 minutes. */
export function updateStatus(core: SimulatorCore, units: readonly string[] = [...core.model.units.keys()]): void {
  for (const unit of units) {
    core.model.unit(unit);
    core.book.updateStatusVersions[unit] = (core.book.updateStatusVersions[unit] ?? 0) + 1;
  }
  core.save();
}

/**
 * `juju refresh <app> --path <charm> [--force-units]`: each unit takes the new charm's files as
 * its next operation and runs upgrade-charm (then config-changed, leader-settings-changed on a
 * non-leader, start). A unit in error keeps the old charm until it is resolved, then upgrades;
 * with `forceUnits` it takes the new files at once and stays in error, and upgrade-charm never
 * runs for it (config-changed does, once resolved), as Juju does.
 */
export function refresh(core: SimulatorCore, appName: string, charm: string, options: { readonly forceUnits?: boolean } = {}): void {
  const app = core.appState(appName);
  const revision = app.charm.revision + 1;
  const dir = join(core.dir, "charms", `${appName}-${String(revision)}`);
  let source: CharmSource;
  try {
    source = loadCharm(charm, dir, core.model.jujuVersion);
  } catch (error) {
    throw new SimulatorError(error instanceof Error ? error.message : String(error));
  }
  setAppMeta(core, appName, source.meta);
  app.charm = { origin: resolve(charm), dir, revision };
  app.charmVersion++;
  app.forceUnits = options.forceUnits === true;
  core.note(`refreshed ${appName} to revision ${String(revision)}${app.forceUnits ? " (--force-units)" : ""}`);
  core.save();
}

/** `juju resolve [--no-retry] <unit>`: retries the failed hook, or marks it done without running it. */
export function markResolved(core: SimulatorCore, unitName: string, options: { noRetry?: boolean } = {}): void {
  const agent = core.agent(unitName);
  if (agent.error === undefined) throw new SimulatorError(`unit "${unitName}" is not in an error state`);
  agent.resolved = options.noRetry === true ? "no-retry" : "retry";
  core.save();
}

/** Tells a secret's owner to rotate it (Juju does when its rotate policy says so). */
export function rotateSecret(core: SimulatorCore, id: string): void {
  const secret = core.secret(id);
  const manager = secretManager(core.model, secret);
  if (manager === undefined) throw new SimulatorError(`secret ${id} has no owner unit here to rotate it`);
  if (!core.agent(manager).rotate.includes(secret.xid)) core.agent(manager).rotate.push(secret.xid);
  core.save();
}

/** Tells a secret's owner that a revision (the latest by default) expired. */
export function expireSecret(core: SimulatorCore, id: string, revision?: number): void {
  const secret = core.secret(id);
  const manager = secretManager(core.model, secret);
  if (manager === undefined) throw new SimulatorError(`secret ${id} has no owner unit here to expire it`);
  core.agent(manager).expire.push({ secret: secret.xid, revision: revision ?? secret.latest });
  core.save();
}

/**
 * `juju trust <app> [--remove]`: whether credential-get answers. A change runs config-changed on
 * every unit, as Juju's uniter does when the application's trust setting changes (juju/juju
 * worker/uniter/remotestate/watcher.go watches the trust config hash beside the charm config's).
 */
export function trust(core: SimulatorCore, appName: string, options: { readonly remove?: boolean } = {}): void {
  const app = core.appState(appName);
  const trusted = options.remove !== true;
  if (core.model.app(appName).trusted === trusted) return;
  core.model.setTrust(appName, trusted);
  app.configVersion++;
  core.note(`${trusted ? "trusted" : "removed trust from"} ${appName}`);
  core.save();
}

/**
 * `juju integrate --via <cidr>,…`: the egress subnets the offering side is told of for a cross-model
 * relation. Juju parses each as a CIDR; the simulator has no network to open, so it only records
 * them in the debug log.
 */
export function checkViaCidrs(via: readonly string[]): void {
  for (const cidr of via) if (!isCidr(cidr)) throw new SimulatorError(`invalid CIDR address: ${cidr}`);
}

export function recordVia(core: SimulatorCore, relationId: number, via: readonly string[]): void {
  if (via.length === 0) return;
  core.note(`relation ${String(relationId)}: egress subnets (--via) ${via.join(",")}`);
  core.save();
}

/** Go's net.ParseCIDR, for the forms Juju users write: IPv4 a.b.c.d/n, IPv6 …/n. */
function isCidr(text: string): boolean {
  const [address = "", bits, ...rest] = text.split("/");
  if (bits === undefined || rest.length > 0 || !/^\d{1,3}$/.test(bits)) return false;
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (ipv4 !== null) return ipv4.slice(1).every((part) => Number(part) <= 255 && String(Number(part)) === part) && Number(bits) <= 32;
  return /^[0-9a-fA-F:]+$/.test(address) && address.includes(":") && Number(bits) <= 128;
}
