// Secrets in one hook: secret-add, -get, -set, -remove, -grant, -revoke, -ids and -info-get with
// Juju's rules (owners, leaders, grants, tracked revisions, owner and consumer labels).
//
// What the owner changes (create, update, remove, grant, revoke) is buffered as Juju's change
// recorder buffers it (juju/juju worker/uniter/runner/context/secrets.go on 3.6,
// internal/worker/uniter/runner/context/secrets.go on 4.0): a secret-set of a secret added in the
// same hook folds into the pending create, and any number of secret-sets of one secret make one
// update, so one hook makes at most one revision. It is applied when the hook commits (context.go,
// Flush: only when the hook succeeded), where the controller's checks run (managing someone else's
// secret, unique labels). Juju 3.6 and 4.0 do this alike: neither creates, grants or revokes at the
// moment of the call.
//
// What a consumer's secret-get records is not buffered: the controller saves the consumer's label
// and tracked revision while it answers the call (apiserver/facades/agent/secretsmanager/secrets.go,
// getSecretContent and getConsumedRevision, SaveSecretConsumer), so a label clash fails that call,
// and a --refresh stays when the hook then fails.

import type { SecretAddOptions, SecretGetOptions, SecretInfoRecord, SecretSetOptions } from "../runtime/hook-tools/index.js";
import { isUnitName } from "../grammar/names.js";
import { type CommitChanges, CommitError, type HookConcept, type HookScope } from "./hook-scope.js";
import { type Bag, type SecretRecord, newSecretRecord, sameBag } from "./records.js";
import { canReadSecret, checkSecretContent, checkSecretMetadata, expiryTime, xidOf } from "./secret-rules.js";
import { NOT_LEADER, fail, relationNotFound } from "./tool-errors.js";

export {
  canReadSecret,
  checkSecretContent,
  checkSecretMetadata,
  expiryTime,
  hearsSecretChanged,
  nextRotateTime,
  secretChangedAudience,
  secretManager,
  xidOf,
} from "./secret-rules.js";

interface PendingSecretSet {
  readonly xid: string;
  readonly content: Bag | undefined;
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly expire: string | undefined;
  readonly rotate: SecretRecord["rotate"];
}

export class Secrets implements HookConcept {
  private readonly adds: SecretRecord[] = [];
  /** One pending update per secret: later secret-sets merge into it (what they leave undefined stays). */
  private readonly sets = new Map<string, PendingSecretSet>();
  private readonly removes: { xid: string; revision: number | undefined }[] = [];
  private readonly grantChanges: { xid: string; grantee: string; relationId: number; grant: boolean }[] = [];
  private readonly tracking = new Map<string, number>();
  /** Owner labels given by secret-get <id> --label (a consumer's label is saved during the call). */
  private readonly labelUpdates: { xid: string; label: string }[] = [];

  constructor(private readonly scope: HookScope) {}

  private get model() {
    return this.scope.model;
  }

  secretAdd(content: Readonly<Record<string, string>>, options: SecretAddOptions): string {
    const tool = "secret-add";
    checkSecretContent(tool, content);
    checkSecretMetadata(tool, options);
    // The tool's own check, for callers that are not typed (the fake hook-tool executables).
    const owner: string = options.owner;
    if (owner !== "application" && owner !== "unit") fail(tool, 2, `secret owner "${owner}" not valid`);
    if (options.owner === "application" && !this.scope.isLeader()) fail(tool, 1, NOT_LEADER);
    const xid = this.model.newSecretXid();
    options = { ...options, ...(options.expire === undefined ? {} : { expire: expiryTime(options.expire) }) };
    const secretOwner =
      options.owner === "application"
        ? ({ kind: "application", app: this.scope.appName } as const)
        : ({ kind: "unit", unit: this.scope.unitName } as const);
    this.adds.push(newSecretRecord(xid, secretOwner, content, options));
    this.scope.autoCommit();
    return this.model.secretUri(xid);
  }

  secretGet(options: SecretGetOptions): Record<string, string> {
    const tool = "secret-get";
    if (options.id === undefined && options.label === undefined) fail(tool, 2, "require either a secret URI or label");
    if (options.peek === true && options.refresh === true) fail(tool, 2, "specify one of --peek or --refresh but not both");
    let secret: SecretRecord | undefined;
    if (options.id !== undefined) {
      const xid = xidOf(options.id);
      if (xid === undefined) fail(tool, 2, `secret URI "${options.id}" not valid`);
      secret = this.findSecret(xid);
      if (secret === undefined) fail(tool, 1, `secret "${options.id}" not found`);
    } else {
      secret = this.secretByLabel(options.label ?? "");
      if (secret === undefined) fail(tool, 1, `secret "${options.label ?? ""}" not found`);
    }
    if (!this.canRead(secret)) fail(tool, 1, "permission denied");
    if (!this.ownsOrOwnApp(secret)) return this.consumerGet(secret, options);
    if (options.id !== undefined && options.label !== undefined && this.manages(secret)) {
      this.labelUpdates.push({ xid: secret.xid, label: options.label });
    }
    const latest = this.latestRevision(secret);
    let revision: number;
    if (options.peek === true) revision = latest;
    else if (options.refresh === true) {
      revision = latest;
      this.tracking.set(secret.xid, latest);
    } else {
      const tracked = this.tracking.get(secret.xid) ?? secret.tracking.get(this.scope.unitName);
      revision = tracked ?? latest;
      if (tracked === undefined) this.tracking.set(secret.xid, latest);
    }
    this.scope.autoCommit();
    return { ...this.contentOf(secret, revision) };
  }

  secretSet(id: string, options: SecretSetOptions): void {
    const tool = "secret-set";
    const xid = xidOf(id);
    if (xid === undefined) fail(tool, 2, `secret URI "${id}" not valid`);
    if (options.content !== undefined) checkSecretContent(tool, options.content);
    checkSecretMetadata(tool, options);
    const secret = this.findSecret(xid);
    if (secret !== undefined) this.requireLeaderFor(tool, secret);
    const update: PendingSecretSet = {
      xid,
      content: options.content === undefined ? undefined : { ...options.content },
      label: options.label,
      description: options.description,
      expire: options.expire === undefined ? undefined : expiryTime(options.expire),
      rotate: options.rotate,
    };
    // An update cancels a pending removal of the secret (the change recorder's update()).
    this.dropPendingRemovals(xid);
    const added = this.adds.findIndex((candidate) => candidate.xid === xid);
    const pendingAdd = this.adds[added];
    if (pendingAdd !== undefined) {
      // Folded into the pending create: the secret is created once, at revision 1, with the last content.
      this.adds[added] = newSecretRecord(xid, pendingAdd.owner, update.content ?? pendingAdd.revisions.get(1) ?? {}, {
        label: update.label ?? pendingAdd.label,
        description: update.description ?? pendingAdd.description,
        expire: update.expire ?? pendingAdd.expire,
        rotate: update.rotate ?? pendingAdd.rotate,
      });
    } else {
      this.sets.set(xid, mergeSet(this.sets.get(xid), update));
    }
    this.scope.autoCommit();
  }

  secretRemove(id: string, revision?: number): void {
    const xid = xidOf(id);
    if (xid === undefined) fail("secret-remove", 2, `secret URI "${id}" not valid`);
    const secret = this.findSecret(xid);
    if (secret !== undefined) this.requireLeaderFor("secret-remove", secret);
    const added = this.adds.findIndex((candidate) => candidate.xid === xid);
    if (revision === undefined) {
      // Removing the whole secret drops what this hook had pending for it (the change recorder's
      // remove()); a secret added in this hook and removed in it is never created.
      this.sets.delete(xid);
      this.grantChanges.splice(0, this.grantChanges.length, ...this.grantChanges.filter((change) => change.xid !== xid));
      if (added >= 0) {
        this.adds.splice(added, 1);
        this.scope.autoCommit();
        return;
      }
    }
    // Juju's recorder drops pending updates on a revision's removal too; kept here (docs/simulator.md, Secrets).
    this.removes.push({ xid, revision });
    this.scope.autoCommit();
  }

  secretGrant(id: string, relationId: number, unit?: string): void {
    this.changeGrant("secret-grant", id, relationId, unit, true);
  }

  secretRevoke(id: string, relationId: number, unit?: string): void {
    this.changeGrant("secret-revoke", id, relationId, unit, false);
  }

  secretIds(): string[] {
    return this.visibleOwnedSecrets().map((secret) => secret.xid);
  }

  secretInfoGet(query: { readonly id: string } | { readonly label: string }): SecretInfoRecord {
    const tool = "secret-info-get";
    if ("id" in query && "label" in query) fail(tool, 2, "specify either a secret URI or label but not both");
    const owned = this.visibleOwnedSecrets();
    let secret: SecretRecord | undefined;
    if ("id" in query) {
      const xid = xidOf(query.id);
      secret = owned.find((candidate) => candidate.xid === xid);
      if (secret === undefined) fail(tool, 1, `secret "${xid ?? query.id}" not found`);
    } else {
      secret = owned.find((candidate) => this.ownerLabel(candidate) === query.label);
      if (secret === undefined) fail(tool, 1, `secret "${query.label}" not found`);
    }
    // Pending metadata shows; the revision and next rotation time are the controller's: a pending
    // update does not bump the revision, and a pending create is revision 1 with no rotation time yet
    // (juju/juju worker/uniter/runner/context/context.go, SecretMetadata).
    const pending = this.pendingSetsOf(secret.xid);
    const label = this.ownerLabel(secret);
    const description = pending.description ?? secret.description;
    const rotation = pending.rotate ?? secret.rotate;
    const expiry = pending.expire ?? secret.expire;
    const rotates = secret.nextRotate;
    return {
      id: secret.xid,
      revision: secret.latest,
      owner: secret.owner.kind === "unit" ? "unit" : "application",
      ...(label === undefined ? {} : { label }),
      ...(description === undefined ? {} : { description }),
      ...(rotation === undefined ? {} : { rotation }),
      ...(expiry === undefined ? {} : { expiry }),
      ...(rotates === undefined ? {} : { rotates }),
    };
  }

  /** The committed grants of a secret (by the id secret-info-get returned), in the order they were made. */
  secretGrants(id: string): readonly { readonly grantee: string; readonly relationId: number | undefined }[] {
    const secret = this.model.secrets.get(xidOf(id) ?? id);
    return [...(secret?.grants ?? [])].map(([grantee, grant]) => ({ grantee, relationId: grant.relationId }));
  }

  check(): void {
    for (const change of [...this.sets.values(), ...this.removes, ...this.grantChanges]) {
      const secret = this.findSecret(change.xid);
      if (secret === undefined) throw new CommitError(`secret "${change.xid}" not found`);
      if (!this.manages(secret)) throw new CommitError("permission denied");
    }
    // Owner labels are unique per owner: check the labels this hook gives (a consumer's were checked as it read).
    const secrets = this.allSecrets();
    const relabelled = new Set([
      ...this.adds.map((secret) => secret.xid),
      ...[...this.sets.values()].filter((set) => set.label !== undefined).map((set) => set.xid),
      ...this.labelUpdates.map((update) => update.xid),
    ]);
    for (const secret of secrets.filter((candidate) => relabelled.has(candidate.xid))) {
      const label = this.ownerLabel(secret);
      if (
        label !== undefined &&
        secrets.some((other) => other !== secret && sameOwner(other, secret) && this.ownerLabel(other) === label)
      ) {
        throw new CommitError(`secret with label "${label}" already exists`);
      }
    }
  }

  apply(changes: CommitChanges): void {
    const { model } = this;
    const { unitName } = this.scope;
    for (const secret of this.adds) model.createSecret(secret);
    for (const set of this.sets.values()) {
      const secret = model.secrets.get(set.xid);
      if (secret === undefined) continue;
      if (set.content !== undefined && !sameBag(secret.revisions.get(secret.latest), set.content)) {
        changes.newRevisions.push({ xid: secret.xid, revision: model.publishSecretRevision(secret.xid, set.content) });
      }
      model.setSecretMetadata(secret.xid, set);
    }
    for (const update of this.labelUpdates) {
      if (model.secrets.has(update.xid)) model.setSecretMetadata(update.xid, { label: update.label });
    }
    for (const [xid, revision] of this.tracking) if (model.secrets.has(xid)) model.trackSecretRevision(xid, unitName, revision);
    for (const change of this.grantChanges) {
      if (!model.secrets.has(change.xid)) continue;
      if (change.grant) model.grantSecret(change.xid, change.grantee, change.relationId);
      else model.revokeSecret(change.xid, change.grantee);
    }
    for (const removal of this.removes) {
      if (!model.secrets.has(removal.xid)) continue;
      model.removeSecretRevision(removal.xid, removal.revision);
      changes.removedSecrets.push(removal);
    }
  }

  reset(): void {
    this.adds.length = 0;
    this.sets.clear();
    this.removes.length = 0;
    this.grantChanges.length = 0;
    this.tracking.clear();
    this.labelUpdates.length = 0;
  }

  private changeGrant(tool: string, id: string, relationId: number, unit: string | undefined, grant: boolean): void {
    const xid = xidOf(id);
    if (xid === undefined) fail(tool, 2, `secret URI "${id}" not valid`);
    const { model } = this;
    const relation = model.relations.get(relationId);
    if (relation === undefined || model.endOf(relation, this.scope.appName) === undefined) relationNotFound(tool, String(relationId));
    const remoteApp = model.remoteAppOf(relation, this.scope.appName);
    if (unit !== undefined) {
      if (!isUnitName(unit)) fail(tool, 2, `unit "${unit}" not valid`);
      if (unit.split("/")[0] !== remoteApp) fail(tool, 2, `cannot specify unit "${unit}" in relation to application "${remoteApp}"`);
    }
    const secret = this.findSecret(xid);
    if (grant) {
      if (secret === undefined || !this.ownsOrOwnApp(secret)) fail(tool, 1, `secret "${xid}" not found`);
      this.requireLeaderFor(tool, secret);
      if (unit === undefined && [...secret.grants.keys()].some((grantee) => grantee.startsWith(`${remoteApp}/`))) {
        fail(tool, 1, "any unit level grants need to be revoked before granting access to the corresponding application");
      }
    } else if (secret !== undefined) {
      this.requireLeaderFor(tool, secret);
    } else {
      return;
    }
    this.grantChanges.push({ xid, grantee: unit ?? remoteApp, relationId, grant });
    this.scope.autoCommit();
  }

  /** Secrets this context knows, committed or added earlier in this hook. */
  private findSecret(xid: string): SecretRecord | undefined {
    return this.model.secrets.get(xid) ?? this.adds.find((secret) => secret.xid === xid);
  }

  private allSecrets(): SecretRecord[] {
    return [...this.model.secrets.values(), ...this.adds];
  }

  /** This unit manages the secret: it owns it, or leads the application that owns it. */
  private manages(secret: SecretRecord): boolean {
    if (secret.owner.kind === "unit") return secret.owner.unit === this.scope.unitName;
    if (secret.owner.kind === "application") return secret.owner.app === this.scope.appName && this.scope.isLeader();
    return false;
  }

  private ownsOrOwnApp(secret: SecretRecord): boolean {
    return (
      (secret.owner.kind === "unit" && secret.owner.unit === this.scope.unitName) ||
      (secret.owner.kind === "application" && secret.owner.app === this.scope.appName)
    );
  }

  /** An application-owned secret of this app is managed by the leader only. */
  private requireLeaderFor(tool: string, secret: SecretRecord): void {
    if (secret.owner.kind === "application" && secret.owner.app === this.scope.appName && !this.scope.isLeader()) fail(tool, 1, NOT_LEADER);
  }

  private canRead(secret: SecretRecord): boolean {
    return canReadSecret(this.model, secret, this.scope.unitName);
  }

  /** What secret-ids shows: this unit's secrets, and the application's when this unit leads. */
  private visibleOwnedSecrets(): SecretRecord[] {
    return this.allSecrets().filter((secret) => this.manages(secret));
  }

  private secretByLabel(label: string): SecretRecord | undefined {
    const owned = this.allSecrets().filter((secret) => this.ownsOrOwnApp(secret));
    const byOwnerLabel = owned.find((secret) => this.ownerLabel(secret) === label);
    if (byOwnerLabel !== undefined) return byOwnerLabel;
    return this.allSecrets().find((secret) => secret.consumerLabels.get(this.scope.unitName) === label);
  }

  private ownerLabel(secret: SecretRecord): string | undefined {
    const updates = this.labelUpdates.filter((update) => update.xid === secret.xid);
    return this.pendingSetsOf(secret.xid).label ?? updates.at(-1)?.label ?? secret.label;
  }

  private pendingSetsOf(xid: string): Partial<PendingSecretSet> {
    return this.sets.get(xid) ?? {};
  }

  private dropPendingRemovals(xid: string): void {
    this.removes.splice(0, this.removes.length, ...this.removes.filter((removal) => removal.xid !== xid));
  }

  /**
   * secret-get of a secret another application (or another unit) owns. The controller answers from
   * the revision this unit tracks, and saves what the call changes as it answers: the first read,
   * or a --refresh, tracks the latest revision; an id with --label gives this unit's label for it,
   * refused at the call when the unit already uses the label (juju/juju
   * apiserver/facades/agent/secretsmanager/secrets.go, getConsumedRevision; state/secrets.go,
   * SaveSecretConsumer and uniqueSecretConsumerLabelOps).
   */
  private consumerGet(secret: SecretRecord, options: SecretGetOptions): Record<string, string> {
    const { model } = this;
    const unitName = this.scope.unitName;
    const label = options.id !== undefined ? options.label : undefined;
    if (label !== undefined && secret.consumerLabels.get(unitName) !== label) this.checkConsumerLabel(secret, label);
    const tracked = secret.tracking.get(unitName);
    let revision: number;
    if (tracked === undefined || options.refresh === true) {
      revision = secret.latest;
      model.trackSecretRevision(secret.xid, unitName, revision);
    } else {
      revision = options.peek === true ? secret.latest : tracked;
    }
    if (label !== undefined) model.setConsumerLabel(secret.xid, unitName, label);
    return { ...(secret.revisions.get(revision) ?? {}) };
  }

  /**
   * A consumer label must be free for this unit: no secret of its application, none of its own, and
   * none it consumes under that label (juju/juju state/secrets.go, uniqueSecretConsumerLabelOps, in
   * that order, each with its own text). The facade adds "getting latest secret revision".
   */
  private checkConsumerLabel(secret: SecretRecord, label: string): void {
    const { unitName, appName } = this.scope;
    const tag = `unit-${unitName.replace("/", "-")}`;
    const others = [...this.model.secrets.values()].filter((other) => other.xid !== secret.xid);
    const refuse = (what: string): never =>
      fail("secret-get", 1, `getting latest secret revision: secret label "${label}" for ${what} already exists`);
    if (others.some((other) => other.owner.kind === "application" && other.owner.app === appName && other.label === label)) {
      refuse(`"${tag}"`);
    }
    if (others.some((other) => other.owner.kind === "unit" && other.owner.unit === unitName && other.label === label)) {
      refuse(`owner "${tag}"`);
    }
    if (others.some((other) => other.consumerLabels.get(unitName) === label)) refuse(`consumer "${tag}"`);
  }

  /** The latest revision as this hook sees it: a content change made earlier in the hook counts. */
  private latestRevision(secret: SecretRecord): number {
    const content = this.pendingSetsOf(secret.xid).content;
    return content !== undefined && !sameBag(secret.revisions.get(secret.latest), content) ? secret.latest + 1 : secret.latest;
  }

  private contentOf(secret: SecretRecord, revision: number): Bag {
    if (revision > secret.latest) return this.pendingSetsOf(secret.xid).content ?? {};
    return secret.revisions.get(revision) ?? {};
  }
}

/** Two secret-sets of one secret in one hook: the later one's values over the earlier one's. */
function mergeSet(earlier: PendingSecretSet | undefined, later: PendingSecretSet): PendingSecretSet {
  if (earlier === undefined) return later;
  return {
    xid: later.xid,
    content: later.content ?? earlier.content,
    label: later.label ?? earlier.label,
    description: later.description ?? earlier.description,
    expire: later.expire ?? earlier.expire,
    rotate: later.rotate ?? earlier.rotate,
  };
}

function sameOwner(a: SecretRecord, b: SecretRecord): boolean {
  return JSON.stringify(a.owner) === JSON.stringify(b.owner);
}
