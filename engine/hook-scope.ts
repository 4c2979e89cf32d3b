// What the concepts of one hook share: the model, the unit and its application, leadership as
// this hook sees it, and the commit-as-you-go of the context a test uses between hooks.

import type { ActionRun } from "./actions.js";
import type { JujuModel } from "./model.js";

export interface HookScope {
  readonly model: JujuModel;
  readonly unitName: string;
  readonly appName: string;
  readonly action: ActionRun | undefined;
  /** Between hooks (a test poking the charm): every write is committed as it is made. */
  readonly autoCommitting: boolean;
  isLeader(): boolean;
  /** Commits now when auto-committing; a no-op in a hook. */
  autoCommit(): void;
  /** Whether the unit knows the relation yet (see HookContext.knowsRelation). */
  knowsRelation(relationId: number): boolean;
  /** The remote units the unit was told about, when the caller tracks them (see HookContext.knownMembers). */
  knownMembers(relationId: number): readonly string[] | undefined;
}

/** What commit() changed, for whoever schedules the hooks that follow (the simulator). */
export interface CommitResult {
  /** Bags whose committed content changed: `unit` is a unit name, or undefined for the app bag. */
  readonly relationChanges: readonly { readonly relationId: number; readonly app: string; readonly unit: string | undefined }[];
  /** Secrets that got a new revision. */
  readonly newRevisions: readonly { readonly xid: string; readonly revision: number }[];
  /** Revisions removed (or whole secrets, with revision undefined). */
  readonly removedSecrets: readonly { readonly xid: string; readonly revision: number | undefined }[];
}

/** CommitResult as the concepts fill it in. */
export interface CommitChanges {
  readonly relationChanges: { relationId: number; app: string; unit: string | undefined }[];
  readonly newRevisions: { xid: string; revision: number }[];
  readonly removedSecrets: { xid: string; revision: number | undefined }[];
}

/** The hook was refused at commit (a rule Juju checks only when it applies the hook's changes). */
export class CommitError extends Error {
  override name = "CommitError";
}

/**
 * One concept's part in a hook: the writes it buffers, the checks Juju's controller makes on them
 * when it applies the hook, and applying them to the model.
 */
export interface HookConcept {
  /** Throws CommitError when the controller would refuse the hook's changes. */
  check?(): void;
  apply?(changes: CommitChanges): void;
  /** Forgets the buffered writes (after an auto-commit). */
  reset?(): void;
}
