// A hook to run on one unit, the one shape every layer above the runtime uses (the engine builds its
// environment from it, the simulator's unit agents decide on it and persist it, the test kit emits
// it): Juju's own hook info (juju/juju worker/uniter/hook/hook.go, Info), plus the action a
// dispatch may run instead.

/** Hooks whose name is their kind: they concern no endpoint or storage of the charm. */
const FIXED_KINDS = [
  "install",
  "start",
  "stop",
  "remove",
  "config-changed",
  "upgrade-charm",
  "update-status",
  "leader-elected",
  "leader-settings-changed",
  "secret-changed",
  "secret-rotate",
  "secret-expired",
  "secret-remove",
] as const;
const RELATION_KINDS = ["relation-created", "relation-joined", "relation-changed", "relation-departed", "relation-broken"] as const;
const STORAGE_KINDS = ["storage-attached", "storage-detaching"] as const;

/**
 * Juju's kinds of hook (juju/charm hooks.Kind). `other` is a hook the agents never run by
 * themselves (collect-metrics, a hook the charm author invented, …): only an explicit dispatch runs it.
 */
export type HookKind = "other" | (typeof FIXED_KINDS)[number] | (typeof RELATION_KINDS)[number] | (typeof STORAGE_KINDS)[number];

/** A hook to run. Plain JSON: the simulator persists it. */
export interface HookInfo {
  /** The hook's name as Juju runs it: `install`, `db-relation-changed`, `data-storage-attached`. */
  readonly name: string;
  readonly kind: HookKind;
  readonly relationId?: number;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly departingUnit?: string;
  /** The secret's xid. */
  readonly secret?: string;
  readonly secretRevision?: number;
  /** The storage instance, e.g. `data/0`. */
  readonly storage?: string;
  /** The remote version this hook brings the unit's local state to (config, leader settings, a bag, a secret). */
  readonly version?: number;
}

/** What a hook concerns besides its name: the ids of `HookInfo`. */
export type HookTarget = Pick<
  HookInfo,
  "relationId" | "remoteUnit" | "remoteApp" | "departingUnit" | "secret" | "secretRevision" | "storage"
>;

/** An action to run (`juju run`): its name and the task's id. */
export interface ActionInfo {
  readonly kind: "action";
  readonly name: string;
  readonly id: string;
}

/** What one dispatch of the charm runs: a hook or an action. */
export type DispatchInfo = HookInfo | ActionInfo;

/** The kind of a hook, from its name: `db-relation-changed` → `relation-changed`; unknown names are `other`. */
export function hookKindOf(name: string): HookKind {
  const fixed = FIXED_KINDS.find((kind) => kind === name);
  if (fixed !== undefined) return fixed;
  return [...RELATION_KINDS, ...STORAGE_KINDS].find((kind) => name.endsWith(`-${kind}`)) ?? "other";
}

/** The hook named `name`, with its kind from the name and the ids given (undefined ones left out). */
export function hookInfo(name: string, target: { readonly [K in keyof HookTarget]?: HookTarget[K] | undefined } = {}): HookInfo {
  const given: Readonly<Record<string, unknown>> = target;
  const ids = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined)) as HookTarget;
  return { name, kind: hookKindOf(name), ...ids };
}
