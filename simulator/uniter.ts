// What a unit agent runs next: Juju's uniter, as a resolver that compares what the unit's charm has
// been told (the agent's local state) with what the controller knows (the remote view).
//
// Juju's uniter does not queue hooks; it converges. After every operation it asks "what differs
// between my local state and the model?" and runs the hook that tells the charm about the first
// difference, in a fixed order (leadership, secrets, actions, then config, then relations, then
// update-status). Coalescing, ordering and "never for your own writes" follow from that, so the
// simulator does the same: `nextOperation` is a pure function of the two states, and `hookDone`
// records in the local state what a successful hook told the charm.

import type { HookInfo, HookKind } from "../engine/hook-info.js";
import { byUnitNumber } from "../grammar/names.js";

export type { HookInfo, HookKind } from "../engine/hook-info.js";

/** What the charm of one unit has been told: the unit agent's local state. */
export interface AgentState {
  installed: boolean;
  started: boolean;
  stopped: boolean;
  removed: boolean;
  /** Whether the charm was told it leads (leader-elected ran, leadership not lost since). */
  leader: boolean;
  leaderSettingsVersion: number;
  configVersion: number;
  charmVersion: number;
  updateStatusVersion: number;
  /** upgrade-charm ran: config-changed, then leader-settings-changed on a non-leader, then start follow. */
  upgrading: boolean;
  /** A hook that must run next (start, after the first config-changed). */
  queued: HookInfo | undefined;
  /** Relations by id: whether relation-created ran, and the version of each bag the charm has seen. */
  relations: Record<string, LocalRelation>;
  /** Per secret xid: the revision the charm has seen (read or been told about in secret-changed). */
  secretRevisions: Record<string, number>;
  /** `<xid>/<revision>` pairs the owner was told to remove. */
  removeNotified: string[];
  /** Storage ids the charm was told are attached. */
  storage: string[];
  /** The hook that failed; nothing else runs (but actions) until it is resolved. */
  error: HookInfo | undefined;
  resolved: "retry" | "no-retry" | undefined;
  /** Actions and exec commands waiting to run, by task id. */
  tasks: string[];
  /** Triggers from the controller, consumed by the hook that answers them. */
  rotate: string[];
  expire: { readonly secret: string; readonly revision: number }[];
}

export interface LocalRelation {
  created: boolean;
  /** Remote units the charm knows (joined), with the version of their bag it has seen. */
  members: Record<string, number>;
  /** The version of the remote application's bag the charm has seen. */
  app: Record<string, number>;
  /** relation-changed must follow relation-joined for this unit at once. */
  changedPending: string | undefined;
}

/** What the controller knows, from the point of view of one unit. */
export interface RemoteView {
  readonly unit: string;
  readonly dying: boolean;
  readonly leader: boolean;
  /**
   * How many times the leader settings changed; undefined when the model has none (Juju 4: no
   * leader settings, so no leader-settings-changed, juju/juju internal/worker/uniter/leadership/resolver.go).
   */
  readonly leaderSettingsVersion: number | undefined;
  readonly configVersion: number;
  readonly charmVersion: number;
  /**
   * The application was last refreshed with `--force-units`: a unit in error switches to the new
   * charm at once, without upgrade-charm (Juju's ForceCharmUpgrade).
   */
  readonly forceCharmUpgrade: boolean;
  readonly updateStatusVersion: number;
  readonly relations: ReadonlyMap<number, RemoteRelation>;
  /** Storage attached to the unit: id → storage name. */
  readonly storage: ReadonlyMap<string, string>;
  /** Secrets the unit consumes whose latest revision is newer than what it has seen. */
  readonly changedSecrets: readonly { readonly secret: string; readonly latest: number }[];
  /** Revisions of secrets the unit manages that no unit tracks any more. */
  readonly obsoleteRevisions: readonly { readonly secret: string; readonly revision: number }[];
}

export interface RemoteRelation {
  readonly endpoint: string;
  readonly peer: boolean;
  /** The other application (this one, for a peer relation). */
  readonly remoteApp: string;
  /** False once the relation or this unit is dying: the charm must depart everyone and break it. */
  readonly alive: boolean;
  /** Remote units in scope, with the version of their bag. */
  readonly members: ReadonlyMap<string, number>;
  /** The version of the remote application's bag (0: never written). */
  readonly appVersion: number;
}

export type Operation =
  | { readonly kind: "hook"; readonly hook: HookInfo }
  /** resolve --no-retry: the failed hook is marked done without running. */
  | { readonly kind: "skip"; readonly hook: HookInfo }
  | { readonly kind: "task"; readonly task: string }
  /** refresh --force-units reached a unit in error: the new charm's files now, no upgrade-charm, the error stays. */
  | { readonly kind: "switch-charm"; readonly version: number }
  /** A local-state change that runs no hook (a relation forgotten, leadership lost). */
  | { readonly kind: "note"; readonly apply: (agent: AgentState) => void; readonly why: string }
  /** The unit finished tearing down: the controller removes it. */
  | { readonly kind: "dead" };

export function newAgentState(): AgentState {
  return {
    installed: false,
    started: false,
    stopped: false,
    removed: false,
    leader: false,
    leaderSettingsVersion: -1,
    configVersion: -1,
    charmVersion: 0,
    updateStatusVersion: 0,
    upgrading: false,
    queued: undefined,
    relations: {},
    secretRevisions: {},
    removeNotified: [],
    storage: [],
    error: undefined,
    resolved: undefined,
    tasks: [],
    rotate: [],
    expire: [],
  };
}

/** The next thing the unit agent does, or undefined when local and remote state agree. */
export function nextOperation(agent: AgentState, remote: RemoteView): Operation | undefined {
  if (agent.removed) return undefined;
  const hook = (info: HookInfo): Operation => ({ kind: "hook", hook: info });

  if (agent.error !== undefined) {
    // A unit in error runs actions, takes a charm forced on it, and otherwise waits for `juju resolve`.
    const task = agent.tasks[0];
    if (task !== undefined) return { kind: "task", task };
    if (remote.forceCharmUpgrade && agent.charmVersion !== remote.charmVersion)
      return { kind: "switch-charm", version: remote.charmVersion };
    if (agent.resolved === "retry") return hook(agent.error);
    if (agent.resolved === "no-retry") return { kind: "skip", hook: agent.error };
    return undefined;
  }

  // Storage is attached before install, and detached first when the unit goes away.
  if (remote.dying) {
    const attached = agent.storage[0];
    if (attached !== undefined && agent.installed) {
      return hook({ name: `${storageName(attached)}-storage-detaching`, kind: "storage-detaching", storage: attached });
    }
  } else {
    for (const [id, name] of remote.storage) {
      if (!agent.storage.includes(id)) return hook({ name: `${name}-storage-attached`, kind: "storage-attached", storage: id });
    }
  }

  if (!agent.installed) {
    if (remote.dying) return { kind: "dead" };
    return hook({ name: "install", kind: "install" });
  }

  if (!remote.dying) {
    for (const [id, relation] of sortedRelations(remote)) {
      if (relation.alive && agent.relations[String(id)]?.created !== true) {
        return hook({
          name: `${relation.endpoint}-relation-created`,
          kind: "relation-created",
          relationId: id,
          remoteApp: relation.remoteApp,
        });
      }
    }
  }

  if (remote.leader && !agent.leader) {
    return hook({ name: "leader-elected", kind: "leader-elected", version: remote.leaderSettingsVersion ?? 0 });
  }
  if (!remote.leader && agent.leader) {
    return { kind: "note", why: "leadership lost", apply: (state) => (state.leader = false) };
  }
  // Not once the charm is stopped (juju/juju worker/uniter/leadership/resolver.go: only while !Stopped);
  // never on Juju 4, which has no leader settings (the controller view has no version for them).
  if (
    !remote.leader &&
    !agent.stopped &&
    remote.leaderSettingsVersion !== undefined &&
    agent.leaderSettingsVersion !== remote.leaderSettingsVersion
  ) {
    return hook({ name: "leader-settings-changed", kind: "leader-settings-changed", version: remote.leaderSettingsVersion });
  }

  const rotate = agent.rotate[0];
  if (rotate !== undefined) return hook({ name: "secret-rotate", kind: "secret-rotate", secret: rotate });
  const expired = agent.expire[0];
  if (expired !== undefined) {
    return hook({ name: "secret-expired", kind: "secret-expired", secret: expired.secret, secretRevision: expired.revision });
  }
  const changed = remote.changedSecrets[0];
  if (changed !== undefined)
    return hook({ name: "secret-changed", kind: "secret-changed", secret: changed.secret, version: changed.latest });
  const obsolete = remote.obsoleteRevisions.find((entry) => !agent.removeNotified.includes(`${entry.secret}/${String(entry.revision)}`));
  if (obsolete !== undefined) {
    return hook({ name: "secret-remove", kind: "secret-remove", secret: obsolete.secret, secretRevision: obsolete.revision });
  }

  const task = agent.tasks[0];
  if (task !== undefined) return { kind: "task", task };

  if (agent.queued !== undefined) return hook(agent.queued);

  if (remote.dying) {
    const relationOp = nextRelationOperation(agent, remote);
    if (relationOp !== undefined) return relationOp;
    if (agent.started && !agent.stopped) return hook({ name: "stop", kind: "stop" });
    return hook({ name: "remove", kind: "remove" });
  }

  if (agent.charmVersion !== remote.charmVersion) {
    return hook({ name: "upgrade-charm", kind: "upgrade-charm", version: remote.charmVersion });
  }
  if (agent.configVersion !== remote.configVersion) {
    return hook({ name: "config-changed", kind: "config-changed", version: remote.configVersion });
  }

  const relationOp = nextRelationOperation(agent, remote);
  if (relationOp !== undefined) return relationOp;

  if (agent.updateStatusVersion !== remote.updateStatusVersion) {
    return hook({ name: "update-status", kind: "update-status", version: remote.updateStatusVersion });
  }
  return undefined;
}

/** Juju's relation resolver, per relation in id order: depart, break, app changes, join, changes. */
function nextRelationOperation(agent: AgentState, remote: RemoteView): Operation | undefined {
  const ids = new Set([...remote.relations.keys(), ...Object.keys(agent.relations).map(Number)]);
  for (const id of [...ids].sort((a, b) => a - b)) {
    const local = agent.relations[String(id)];
    if (local === undefined) continue;
    const relation = remote.relations.get(id);
    const endpoint = relation?.endpoint ?? "";
    const alive = relation?.alive === true;
    const members = alive ? relation.members : new Map<string, number>();
    const base = { relationId: id, remoteApp: relation?.remoteApp };
    const hook = (kind: HookKind, extra: Partial<HookInfo>): Operation => ({
      kind: "hook",
      hook: { name: `${endpoint}-${kind}`, kind, ...base, ...extra },
    });

    if (local.changedPending !== undefined) {
      const unit = local.changedPending;
      return hook("relation-changed", { remoteUnit: unit, version: members.get(unit) ?? local.members[unit] ?? 0 });
    }
    for (const unit of Object.keys(local.members).sort(byUnitNumber)) {
      if (!members.has(unit)) {
        // A dying unit departs everyone, naming itself; otherwise the departing unit is the remote one.
        return hook("relation-departed", { remoteUnit: unit, departingUnit: remote.dying ? remote.unit : unit });
      }
    }
    if (!alive) {
      if (relation === undefined || relation.peer) {
        // Juju never runs relation-broken for a peer relation; the agent just forgets it.
        return {
          kind: "note",
          why: `relation ${String(id)} is gone`,
          apply: (state) => Reflect.deleteProperty(state.relations, String(id)),
        };
      }
      return hook("relation-broken", {});
    }
    if (relation.appVersion !== (local.app[relation.remoteApp] ?? 0)) {
      return hook("relation-changed", { version: relation.appVersion });
    }
    for (const [unit, version] of [...members].sort(([a], [b]) => byUnitNumber(a, b))) {
      if (local.members[unit] === undefined) return hook("relation-joined", { remoteUnit: unit, version });
    }
    for (const [unit, version] of [...members].sort(([a], [b]) => byUnitNumber(a, b))) {
      if (local.members[unit] !== version) return hook("relation-changed", { remoteUnit: unit, version });
    }
  }
  return undefined;
}

/** Records in the local state what a successful (or skipped) hook told the charm. */
export function hookDone(agent: AgentState, hook: HookInfo): void {
  if (agent.queued?.name === hook.name) agent.queued = undefined;
  const relation = hook.relationId === undefined ? undefined : String(hook.relationId);
  const version = hook.version ?? 0;
  switch (hook.kind) {
    case "install":
      agent.installed = true;
      break;
    case "start":
      agent.started = true;
      break;
    case "stop":
      agent.stopped = true;
      break;
    case "remove":
      agent.removed = true;
      break;
    case "config-changed":
      agent.configVersion = version;
      if (agent.upgrading) {
        agent.upgrading = false;
        if (!agent.leader) agent.leaderSettingsVersion = -1;
      }
      if (!agent.started) agent.queued = { name: "start", kind: "start" };
      break;
    case "upgrade-charm":
      // On a machine, Juju follows upgrade-charm with config-changed, leader-settings-changed on a
      // non-leader, then start (https://documentation.ubuntu.com/juju/3.6/reference/hook/#upgrade-charm).
      agent.charmVersion = version;
      agent.configVersion = -1;
      agent.upgrading = true;
      agent.started = false;
      break;
    case "update-status":
      agent.updateStatusVersion = version;
      break;
    case "leader-elected":
      agent.leader = true;
      agent.leaderSettingsVersion = version;
      break;
    case "leader-settings-changed":
      agent.leaderSettingsVersion = version;
      break;
    case "relation-created":
      if (relation !== undefined) localRelation(agent, relation).created = true;
      break;
    case "relation-joined":
      if (relation !== undefined && hook.remoteUnit !== undefined) {
        const local = localRelation(agent, relation);
        local.members[hook.remoteUnit] = version;
        local.changedPending = hook.remoteUnit;
      }
      break;
    case "relation-changed":
      if (relation !== undefined) {
        const local = localRelation(agent, relation);
        if (hook.remoteUnit === undefined) {
          if (hook.remoteApp !== undefined) local.app[hook.remoteApp] = version;
        } else {
          local.members[hook.remoteUnit] = version;
          if (local.changedPending === hook.remoteUnit) local.changedPending = undefined;
        }
      }
      break;
    case "relation-departed":
      if (relation !== undefined && hook.remoteUnit !== undefined) {
        const local = localRelation(agent, relation);
        Reflect.deleteProperty(local.members, hook.remoteUnit);
        if (local.changedPending === hook.remoteUnit) local.changedPending = undefined;
      }
      break;
    case "relation-broken":
      if (relation !== undefined) Reflect.deleteProperty(agent.relations, relation);
      break;
    case "storage-attached":
      if (hook.storage !== undefined && !agent.storage.includes(hook.storage)) agent.storage.push(hook.storage);
      break;
    case "storage-detaching":
      agent.storage = agent.storage.filter((id) => id !== hook.storage);
      break;
    case "secret-changed":
      if (hook.secret !== undefined) agent.secretRevisions[hook.secret] = Math.max(agent.secretRevisions[hook.secret] ?? 0, version);
      break;
    case "secret-remove":
      if (hook.secret !== undefined) agent.removeNotified.push(`${hook.secret}/${String(hook.secretRevision ?? 0)}`);
      break;
    case "secret-rotate":
      agent.rotate = agent.rotate.filter((xid) => xid !== hook.secret);
      break;
    case "secret-expired":
      agent.expire = agent.expire.filter((entry) => !(entry.secret === hook.secret && entry.revision === hook.secretRevision));
      break;
  }
}

/**
 * A unit in error took the new charm (refresh --force-units). Juju's deploy operation puts the
 * failed hook back instead of queueing upgrade-charm, so upgrade-charm never runs for this
 * revision; config-changed runs once the error is resolved (Juju's uniter tests: "error state
 * forced upgrade").
 */
export function charmSwitched(agent: AgentState, version: number): void {
  agent.charmVersion = version;
  agent.configVersion = -1;
}

/** The unit names the charm knows in a relation during `hook`: relation-list answers with these. */
export function knownMembers(agent: AgentState, relationId: number, hook: HookInfo | undefined): string[] {
  const members = new Set(Object.keys(agent.relations[String(relationId)]?.members ?? {}));
  if (hook?.relationId === relationId && hook.remoteUnit !== undefined) {
    if (hook.kind === "relation-joined") members.add(hook.remoteUnit);
    if (hook.kind === "relation-departed") members.delete(hook.remoteUnit);
  }
  return [...members].sort(byUnitNumber);
}

/** The unit wrote its own application's bag in a peer relation: it has seen that version. */
export function sawOwnWrite(agent: AgentState, relationId: number, app: string, version: number): void {
  localRelation(agent, String(relationId)).app[app] = version;
}

function localRelation(agent: AgentState, id: string): LocalRelation {
  let local = agent.relations[id];
  if (local === undefined) {
    local = { created: false, members: {}, app: {}, changedPending: undefined };
    agent.relations[id] = local;
  }
  return local;
}

function sortedRelations(remote: RemoteView): [number, RemoteRelation][] {
  return [...remote.relations].sort(([a], [b]) => a - b);
}

function storageName(id: string): string {
  return id.split("/")[0] ?? id;
}
