// Secrets in one hook: secret-add, -get, -set, -remove, -grant, -revoke, -ids and -info-get with
// Juju's rules (owners, leaders, grants, tracked revisions, owner and consumer labels), buffered
// until commit, where the controller's checks run (managing someone else's secret, unique labels).

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
  private readonly sets: PendingSecretSet[] = [];
  private readonly removes: { xid: string; revision: number | undefined }[] = [];
  private readonly grantChanges: { xid: string; grantee: string; relationId: number; grant: boolean }[] = [];
  private readonly tracking = new Map<string, number>();
  private readonly labelUpdates: { xid: string; label: string; owner: boolean }[] = [];

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
    if (options.id !== undefined && options.label !== undefined) {
      this.labelUpdates.push({ xid: secret.xid, label: options.label, owner: this.manages(secret) });
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
    this.sets.push({
      xid,
      content: options.content === undefined ? undefined : { ...options.content },
      label: options.label,
      description: options.description,
      expire: options.expire === undefined ? undefined : expiryTime(options.expire),
      rotate: options.rotate,
    });
    this.scope.autoCommit();
  }

  secretRemove(id: string, revision?: number): void {
    const xid = xidOf(id);
    if (xid === undefined) fail("secret-remove", 2, `secret URI "${id}" not valid`);
    const secret = this.findSecret(xid);
    if (secret !== undefined) this.requireLeaderFor("secret-remove", secret);
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
    const pending = this.pendingSetsOf(secret.xid);
    const label = this.ownerLabel(secret);
    const description = pending.description ?? secret.description;
    const rotation = pending.rotate ?? secret.rotate;
    const expiry = pending.expire ?? secret.expire;
    return {
      id: secret.xid,
      revision: this.latestRevision(secret),
      owner: secret.owner.kind === "unit" ? "unit" : "application",
      ...(label === undefined ? {} : { label }),
      ...(description === undefined ? {} : { description }),
      ...(rotation === undefined ? {} : { rotation }),
      ...(expiry === undefined ? {} : { expiry }),
    };
  }

  /** The committed grants of a secret (by the id secret-info-get returned), in the order they were made. */
  secretGrants(id: string): readonly { readonly grantee: string; readonly relationId: number | undefined }[] {
    const secret = this.model.secrets.get(xidOf(id) ?? id);
    return [...(secret?.grants ?? [])].map(([grantee, grant]) => ({ grantee, relationId: grant.relationId }));
  }

  check(): void {
    for (const change of [...this.sets, ...this.removes, ...this.grantChanges]) {
      const secret = this.findSecret(change.xid);
      if (secret === undefined) throw new CommitError(`secret "${change.xid}" not found`);
      if (!this.manages(secret)) throw new CommitError("permission denied");
    }
    // Owner labels are unique per owner, consumer labels per consumer unit: check the labels this hook gives.
    const secrets = this.allSecrets();
    const relabelled = new Set([
      ...this.adds.map((secret) => secret.xid),
      ...this.sets.filter((set) => set.label !== undefined).map((set) => set.xid),
      ...this.labelUpdates.filter((update) => update.owner).map((update) => update.xid),
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
    for (const update of this.labelUpdates.filter((candidate) => !candidate.owner)) {
      const clash = secrets.some(
        (other) =>
          other.xid !== update.xid &&
          (other.consumerLabels.get(this.scope.unitName) === update.label ||
            this.labelUpdates.some((u) => !u.owner && u.xid === other.xid && u.label === update.label)),
      );
      if (clash) throw new CommitError(`secret with label "${update.label}" already exists`);
    }
  }

  apply(changes: CommitChanges): void {
    const { model } = this;
    const { unitName } = this.scope;
    for (const secret of this.adds) model.createSecret(secret);
    for (const set of this.sets) {
      const secret = model.secrets.get(set.xid);
      if (secret === undefined) continue;
      if (set.content !== undefined && !sameBag(secret.revisions.get(secret.latest), set.content)) {
        changes.newRevisions.push({ xid: secret.xid, revision: model.publishSecretRevision(secret.xid, set.content) });
      }
      model.setSecretMetadata(secret.xid, set);
    }
    for (const update of this.labelUpdates) {
      if (!model.secrets.has(update.xid)) continue;
      if (update.owner) model.setSecretMetadata(update.xid, { label: update.label });
      else model.setConsumerLabel(update.xid, unitName, update.label);
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
    this.sets.length = 0;
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
    const pendingConsumer = this.labelUpdates.find((update) => !update.owner && update.label === label);
    if (pendingConsumer !== undefined) return this.findSecret(pendingConsumer.xid);
    return this.allSecrets().find((secret) => secret.consumerLabels.get(this.scope.unitName) === label);
  }

  private ownerLabel(secret: SecretRecord): string | undefined {
    const updates = this.labelUpdates.filter((update) => update.xid === secret.xid && update.owner);
    return this.pendingSetsOf(secret.xid).label ?? updates.at(-1)?.label ?? secret.label;
  }

  private pendingSetsOf(xid: string): Partial<PendingSecretSet> {
    const merged: { -readonly [K in keyof PendingSecretSet]?: PendingSecretSet[K] } = {};
    for (const set of this.sets) {
      if (set.xid !== xid) continue;
      for (const [key, value] of Object.entries(set) as [keyof PendingSecretSet, unknown][]) {
        if (value !== undefined) (merged as Record<string, unknown>)[key] = value;
      }
    }
    return merged;
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

function sameOwner(a: SecretRecord, b: SecretRecord): boolean {
  return JSON.stringify(a.owner) === JSON.stringify(b.owner);
}
