// Running one operation a unit's agent decided on (a hook, an action or exec task, a resolve
// --no-retry skip, a charm switch), or one the user asked for out of turn (`dispatch`), and the
// bookkeeping after it: what the charm committed, what its agent saw, who left.

import { join } from "node:path";

import type { JsonObject } from "../runtime/meta.js";
import { type ActionRun, CommitError, HookContext } from "../engine/hook-context.js";
import { contextId, hookEnvironment } from "../engine/hook-env.js";
import { type DispatchInfo, hookInfo } from "../engine/hook-info.js";
import type { ToolDefaults } from "../fake-tools/handler.js";
import { hookCommand, installCharm } from "./charm-source.js";
import { remoteView } from "./controller-view.js";
import type { SimulatorCore } from "./core.js";
import { hookDetail } from "./debug-log.js";
import { runInProcess } from "./executors/in-process.js";
import { ran } from "./executors/outcome.js";
import { runProcess } from "./executors/process.js";
import { attachStorage, bump, bury, collectRemoved, enterScope, setInstalling } from "./model-writes.js";
import { type DispatchRequest, type LogEntry, SimulatorError, type TaskRecord } from "./types.js";
import { type HookInfo, type Operation, charmSwitched, hookDone, knownMembers, sawOwnWrite } from "./uniter.js";
import { enqueueAction, taskById } from "./verbs.js";
import { noteStatusChanges } from "./status-snapshot.js";

/** The outcome of a hook the charm has no file for (Juju: `skipped "install" hook (missing)`). */
export const MISSING_HOOK = "skipped (missing)";

export async function execute(core: SimulatorCore, unitName: string, op: Operation): Promise<void> {
  const agent = core.agent(unitName);
  switch (op.kind) {
    case "note":
      op.apply(agent);
      return;
    case "dead": {
      // Never installed: it goes at once, and its principal with it if it waited only for this one.
      const principal = core.model.unit(unitName).principal;
      bury(core, unitName);
      if (principal !== undefined) collectRemoved(core, principal);
      return;
    }
    case "switch-charm":
      installCharm(core.charmSource(core.model.unit(unitName).app), core.charmDir(unitName));
      charmSwitched(agent, op.version);
      core.note(
        `${unitName} switched to revision ${String(core.appState(core.model.unit(unitName).app).charm.revision)} ` +
          "while in error (refresh --force-units): no upgrade-charm",
      );
      return;
    case "skip":
      hookDone(agent, op.hook);
      agent.error = undefined;
      agent.resolved = undefined;
      core.model.setHookFailed(unitName, false);
      if (op.hook.kind === "install") enterScope(core, unitName);
      core.record({
        unit: unitName,
        kind: "hook",
        name: op.hook.name,
        detail: hookDetail(op.hook),
        exitCode: undefined,
        outcome: "skipped (resolve --no-retry)",
      });
      afterOperation(core, unitName);
      return;
    case "task":
      await runTaskOperation(core, unitName, op.task);
      afterOperation(core, unitName);
      return;
    case "hook":
      await runHook(core, unitName, op.hook);
      afterOperation(core, unitName);
      return;
  }
}

/** A hook the unit's agent decided on: run it, and record in the agent what it told the charm, or the error. */
export async function runHook(core: SimulatorCore, unitName: string, hook: HookInfo): Promise<void> {
  const agent = core.agent(unitName);
  const unit = core.model.unit(unitName);
  if (hook.kind === "install" && unit.status.status === "waiting" && unit.status.message === "waiting for machine") {
    setInstalling(core, unitName);
  }
  // Juju's upgrade operation: the new charm's files, then upgrade-charm (again on a retry: the same files).
  if (hook.kind === "upgrade-charm") installCharm(core.charmSource(unit.app), core.charmDir(unitName));
  const entry = await runHookProcess(core, unitName, hook);
  if (entry.outcome === "ok" || entry.outcome === MISSING_HOOK) {
    hookDone(agent, hook);
    agent.error = undefined;
    agent.resolved = undefined;
    core.model.setHookFailed(unitName, false);
    if (hook.kind === "install") enterScope(core, unitName);
    if (hook.kind === "storage-detaching" && hook.storage !== undefined) core.model.detachStorage(unitName, hook.storage);
  } else {
    agent.error = hook;
    agent.resolved = undefined;
    core.model.setHookFailed(unitName, true);
  }
}

/** Runs the charm's dispatch for one hook and commits what it did if it exited 0; returns its log entry. */
export async function runHookProcess(core: SimulatorCore, unitName: string, hook: HookInfo): Promise<LogEntry> {
  const agent = core.agent(unitName);
  const unit = core.model.unit(unitName);
  const hookContext = new HookContext(core.model, unitName);
  hookContext.knownMembers = (relationId) => knownMembers(agent, relationId, hook);
  hookContext.knowsRelation = (relationId) => core.knowsRelation(unitName, relationId);
  const toolDefaults: ToolDefaults = {
    ...(hook.relationId === undefined ? {} : { relationId: `${core.endpointOf(unitName, hook.relationId)}:${String(hook.relationId)}` }),
    ...(hook.remoteUnit === undefined ? {} : { remoteUnit: hook.remoteUnit }),
    ...(hook.remoteApp === undefined ? {} : { remoteApp: hook.remoteApp }),
    ...(hook.storage === undefined ? {} : { storageId: hook.storage }),
  };
  const jujuEnv = hookEnvironment(core.model, unitName, hook, core.charmDir(unitName));
  const leaderSettingsBefore = JSON.stringify(core.model.app(unit.app).leaderSettings);
  const charmClass = core.inProcess.get(unit.app);
  const command = hookCommand(core.charmDir(unitName), "hooks", hook.name);
  if (charmClass === undefined && command === undefined) {
    // No dispatch and no hooks/<name>: Juju skips the hook as done, and nothing is committed.
    return core.record({
      unit: unitName,
      kind: "hook",
      name: hook.name,
      detail: hookDetail(hook),
      exitCode: undefined,
      outcome: MISSING_HOOK,
    });
  }
  const outcome =
    charmClass === undefined
      ? await runProcess(core, unitName, hook.name, hookContext, jujuEnv, toolDefaults, [
          command ?? join(core.charmDir(unitName), "dispatch"),
        ])
      : await runInProcess(core, unitName, hook.name, charmClass, hookContext, jujuEnv);
  let result = outcome.exitCode === 0 ? "ok" : outcome.timedOut ? "timed out" : "failed";
  if (outcome.exitCode === 0) {
    const refusal = commitOrRefusal(core, unitName, hookContext);
    if (refusal !== undefined) result = `commit failed: ${refusal}`;
  }
  // leader-set is not buffered: it counts even when the hook fails.
  if (JSON.stringify(core.model.app(unit.app).leaderSettings) !== leaderSettingsBefore) core.appState(unit.app).leaderSettingsVersion++;
  return core.record({ unit: unitName, kind: "hook", name: hook.name, detail: hookDetail(hook), outcome: result, ...ran(outcome) });
}

export async function runTaskOperation(core: SimulatorCore, unitName: string, id: string): Promise<LogEntry> {
  const agent = core.agent(unitName);
  agent.tasks = agent.tasks.filter((task) => task !== id);
  const task = taskById(core, id);
  task.status = "running";
  task.started = new Date().toISOString();
  const action: ActionRun | undefined =
    task.kind === "action" ? { name: task.name, id, params: task.params, results: {}, logs: [], failure: undefined } : undefined;
  const hookContext = new HookContext(core.model, unitName, action);
  hookContext.knownMembers = (relationId) => knownMembers(agent, relationId, undefined);
  hookContext.knowsRelation = (relationId) => core.knowsRelation(unitName, relationId);
  const event: DispatchInfo = task.kind === "action" ? { kind: "action", name: task.name, id } : hookInfo("juju-exec");
  const jujuEnv = hookEnvironment(core.model, unitName, event, core.charmDir(unitName));
  if (task.kind === "exec") {
    // `juju exec` runs in a hook context, but not a hook: no hook name or dispatch path.
    jujuEnv["JUJU_HOOK_NAME"] = "";
    jujuEnv["JUJU_CONTEXT_ID"] = contextId(unitName, "run-commands");
    Reflect.deleteProperty(jujuEnv, "JUJU_DISPATCH_PATH");
  }
  const charmClass = task.kind === "action" ? core.inProcess.get(core.model.unit(unitName).app) : undefined;
  const actionFile = task.kind === "action" ? hookCommand(core.charmDir(unitName), "actions", task.name) : undefined;
  if (task.kind === "action" && charmClass === undefined && actionFile === undefined) {
    // No dispatch and no actions/<name>: Juju fails the action in these words (juju/juju
    // worker/uniter/runner/context/context.go `finalizeAction`).
    Object.assign(task, { status: "failed", message: `action not implemented on unit "${unitName}"`, results: {}, log: [] });
    task.completed = new Date().toISOString();
    return core.record({
      unit: unitName,
      kind: "action",
      name: `${task.name} (task ${id})`,
      detail: "",
      exitCode: undefined,
      outcome: `failed: ${task.message}`,
    });
  }
  const command = task.kind === "action" ? [actionFile ?? join(core.charmDir(unitName), "dispatch")] : ["/bin/bash", "-c", task.name];
  const outcome =
    charmClass === undefined
      ? await runProcess(core, unitName, task.kind === "action" ? task.name : "exec", hookContext, jujuEnv, {}, command)
      : await runInProcess(core, unitName, task.name, charmClass, hookContext, jujuEnv);
  let status: TaskRecord["status"] = "completed";
  let message = "";
  let stderr = outcome.stderr;
  if (outcome.exitCode === 0) {
    const refusal = commitOrRefusal(core, unitName, hookContext);
    if (refusal !== undefined) {
      status = "failed";
      message = "committing requested changes failed";
      stderr += `${refusal}\n`;
    }
  } else if (task.kind === "action") {
    status = "failed";
    message = outcome.timedOut ? "action timed out" : `exit status ${String(outcome.exitCode)}`;
  }
  if (action?.failure !== undefined && status === "completed") {
    status = "failed";
    message = action.failure;
  }
  const results: JsonObject = { ...(action?.results ?? {}), "return-code": outcome.exitCode };
  if (outcome.stdout !== "") results["stdout"] = outcome.stdout;
  if (stderr !== "") results["stderr"] = stderr;
  Object.assign(task, {
    status,
    message,
    results,
    log: (action?.logs ?? []).map((line) => `${jujuLogTime(new Date())} ${line}`),
    completed: new Date().toISOString(),
  });
  return core.record({
    unit: unitName,
    kind: task.kind,
    name: `${task.name} (task ${id})`,
    outcome: status === "completed" ? "ok" : `failed${message === "" ? "" : `: ${message}`}`,
    ...ran(outcome),
  });
}

/**
 * Commits a hook or task that exited 0; returns why the commit was refused, or undefined. A
 * refusal is the hook's error, as Juju's uniter makes a failed flush the hook's error
 * (juju/juju worker/uniter/runner/runner.go, context Flush): the unit goes into error and
 * `resolve` retries or skips the hook. Nothing the charm asked for may throw past this point and
 * leave an agent that neither finished the hook nor failed it: an error that is not a CommitError
 * is a refusal too, named as the simulator's own.
 */
function commitOrRefusal(core: SimulatorCore, unitName: string, hookContext: HookContext): string | undefined {
  try {
    applyCommit(core, unitName, hookContext);
    return undefined;
  } catch (error) {
    if (error instanceof CommitError) return error.message;
    const text = error instanceof Error ? error.message : String(error);
    core.note(`${unitName}: the simulator could not apply the hook's changes: ${text}`);
    return `the simulator could not apply the hook's changes: ${text}`;
  }
}

/** Applies a successful hook's buffered changes and notes what others must hear about. */
export function applyCommit(core: SimulatorCore, unitName: string, hookContext: HookContext): void {
  const result = hookContext.commit();
  for (const change of result.relationChanges) {
    const key = change.unit ?? `app:${change.app}`;
    const version = bump(core, change.relationId, key);
    // A unit is never told about its own writes: the leader has seen its own peer app bag.
    const relation = core.model.relations.get(change.relationId);
    if (change.unit === undefined && relation !== undefined && core.model.isPeer(relation)) {
      sawOwnWrite(core.agent(unitName), change.relationId, change.app, version);
    }
  }
  // Storage the hook asked for (storage-add) is attached now; storage-attached follows.
  for (const [name, count] of Object.entries(core.model.takeStorageRequests(unitName))) {
    for (let n = 0; n < count; n++) attachStorage(core, unitName, name);
  }
  // What the charm read, it has seen: no secret-changed for a revision it already has.
  const agent = core.agent(unitName);
  for (const secret of core.model.secrets.values()) {
    const tracked = secret.tracking.get(unitName);
    if (tracked !== undefined) agent.secretRevisions[secret.xid] = Math.max(agent.secretRevisions[secret.xid] ?? 0, tracked);
  }
}

/** After every operation: a unit that finished tearing down leaves; relations and applications nobody holds go. */
export function afterOperation(core: SimulatorCore, unitName: string): void {
  collectRemoved(core, unitName);
  noteStatusChanges(core);
}

/**
 * Runs one hook or action on a unit now, outside the order its agent would choose (`tscharm
 * run`). The hook's changes are committed if it exits 0; the agent's own bookkeeping is left
 * alone, so the units later converge as they would have.
 */
export async function dispatch(
  core: SimulatorCore,
  unitName: string,
  request: DispatchRequest,
): Promise<{ entry: LogEntry; task: TaskRecord | undefined }> {
  const unit = core.model.unit(unitName);
  if ("action" in request) {
    const task = enqueueAction(core, unitName, request.action, request.params ?? {});
    const entry = await runTaskOperation(core, unitName, task.id);
    afterOperation(core, unitName);
    core.save();
    return { entry, task };
  }
  const relation = request.relationId === undefined ? undefined : core.model.relations.get(request.relationId);
  if (request.relationId !== undefined && (relation === undefined || core.model.endOf(relation, unit.app) === undefined)) {
    throw new SimulatorError(`${unitName} is not in relation ${String(request.relationId)}`);
  }
  const hook: HookInfo = {
    name: request.hook,
    kind: "other",
    ...(relation === undefined ? {} : { relationId: relation.id, remoteApp: core.model.remoteAppOf(relation, unit.app) }),
    ...(request.remoteUnit === undefined ? {} : { remoteUnit: request.remoteUnit }),
    ...(request.departingUnit === undefined ? {} : { departingUnit: request.departingUnit }),
    ...(request.secret === undefined ? {} : { secret: core.secret(request.secret).xid }),
    ...(request.secretRevision === undefined ? {} : { secretRevision: request.secretRevision }),
    ...(request.storage === undefined ? {} : { storage: request.storage }),
  };
  const entry = await runHookProcess(core, unitName, hook);
  afterOperation(core, unitName);
  core.save();
  return { entry, task: undefined };
}

/**
 * Marks a unit as having run everything its agent would have run so far (installed, started,
 * told about its leadership, config and every relation member), without running it: a fresh
 * unit for one `dispatch`.
 */
export function fastForward(core: SimulatorCore, unitName: string): void {
  const agent = core.agent(unitName);
  if (!agent.installed) enterScope(core, unitName);
  const remote = remoteView(core.model, core.book, unitName);
  Object.assign(agent, {
    installed: true,
    started: true,
    leader: remote.leader,
    leaderSettingsVersion: remote.leaderSettingsVersion ?? -1,
    configVersion: remote.configVersion,
    charmVersion: remote.charmVersion,
    updateStatusVersion: remote.updateStatusVersion,
    queued: undefined,
    storage: [...remote.storage.keys()],
  });
  for (const [id, relation] of remote.relations) {
    agent.relations[String(id)] = {
      created: true,
      members: Object.fromEntries(relation.members),
      app: { [relation.remoteApp]: relation.appVersion },
      changedPending: undefined,
    };
  }
  core.save();
}

/** Juju's action log timestamps: `2025-03-01 16:23:26 +0000 UTC`. */
function jujuLogTime(when: Date): string {
  return `${when.toISOString().slice(0, 19).replace("T", " ")} +0000 UTC`;
}
