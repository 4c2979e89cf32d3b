// Juju secrets: create, read (tracked, refreshed or peeked), update, share and remove, validated as Juju does.

import {
  type SecretOwner,
  type SecretRotatePolicy,
  MAX_SECRET_CONTENT_BYTES,
  SECRET_KEY,
  SECRET_ROTATE_POLICIES,
  base64Length,
  isGoDuration,
  isPositiveGoDuration,
  isRfc3339Time,
  isSecretRotatePolicy,
  parseSecretUri,
} from "../grammar/secrets.js";
import { InvalidSecretError, ModelError } from "./errors.js";
import type { SecretInfoRecord } from "./hook-tools/index.js";
import type { ModelBackend } from "./model-backend.js";
import type { Relation } from "./relations.js";
import type { Unit } from "./model.js";

export type { SecretOwner, SecretRotatePolicy } from "../grammar/secrets.js";
/** Juju's rule for content keys (grammar/secrets.ts), and its cap on each base64-encoded value and on all of them. */
export { SECRET_KEY as SECRET_KEY_PATTERN, MAX_SECRET_CONTENT_BYTES } from "../grammar/secrets.js";

export interface SecretOptions {
  readonly label?: string;
  readonly description?: string;
  /** When the secret expires: a `Date`, an RFC 3339 time, or a Go duration such as `"24h"`. */
  readonly expire?: Date | string;
  readonly rotate?: SecretRotatePolicy;
}

/** What `secret-info-get` tells the owner about a secret. */
export interface SecretInfo {
  readonly id: string;
  readonly label: string | undefined;
  readonly revision: number;
  readonly owner: SecretOwner;
  readonly description: string | undefined;
  readonly rotation: SecretRotatePolicy | undefined;
  readonly expires: Date | undefined;
  readonly rotates: Date | undefined;
}

/**
 * A secret this unit owns or has been granted. Content read with `getContent()` is the revision
 * this unit tracks; `getContent({ refresh: true })` moves tracking to the latest revision.
 */
export class Secret {
  private idValue: string | undefined;
  private labelValue: string | undefined;
  private content: Record<string, string> | undefined;
  private owner: SecretOwner | undefined;

  readonly #backend: ModelBackend;

  /** @internal Secrets come from `addSecret`, `model.getSecret` and secret events. */
  constructor(
    backend: ModelBackend,
    init: { id: string | undefined; label: string | undefined; content?: Record<string, string>; owner?: SecretOwner },
  ) {
    this.#backend = backend;
    this.idValue = init.id;
    this.labelValue = init.label;
    this.content = init.content;
    this.owner = init.owner;
  }

  /** The secret's URI (`secret://<model-uuid>/<xid>`); undefined when it was looked up by label only. */
  get id(): string | undefined {
    return this.idValue;
  }

  get label(): string | undefined {
    return this.labelValue;
  }

  /** The xid part of the id, unique within the model. */
  get uniqueIdentifier(): string | undefined {
    return this.idValue === undefined ? undefined : uniqueIdentifier(this.idValue);
  }

  /** The content of the tracked revision, or of the latest one (which becomes tracked) with `refresh`. */
  getContent(options: { refresh?: boolean } = {}): Record<string, string> {
    if (this.content === undefined || options.refresh === true) {
      this.content = this.#backend.tools.secretGet({ ...this.query(), ...(options.refresh === true ? { refresh: true } : {}) });
    }
    return { ...this.content };
  }

  /** The content of the latest revision, without tracking it. Not cached. */
  peekContent(): Record<string, string> {
    return this.#backend.tools.secretGet({ ...this.query(), peek: true });
  }

  /** Publishes new content as a new revision (when the hook succeeds). Owners only. */
  setContent(content: Readonly<Record<string, string>>): void {
    validateSecretContent(content);
    this.requireManage("set the content of");
    this.#backend.tools.secretSet(this.resolveId(), { content });
  }

  /** Changes the label, description, expiry or rotation policy; no new revision. Owners only. */
  setInfo(options: SecretOptions): void {
    const flags = metadataFlags(options);
    if (Object.keys(flags).length === 0) {
      throw new TypeError("setInfo needs at least one of label, description, expire or rotate");
    }
    this.requireManage("change the info of");
    this.#backend.tools.secretSet(this.resolveId(), flags);
    if (options.label !== undefined) this.labelValue = options.label;
  }

  /** Metadata of the secret (`secret-info-get`). Owners only. */
  getInfo(): SecretInfo {
    const record = this.#backend.tools.secretInfoGet(this.idValue === undefined ? { label: this.requireLabel() } : { id: this.idValue });
    this.owner = record.owner;
    this.idValue ??= canonicalSecretId(record.id, this.#backend.context.modelUuid);
    return toSecretInfo(record, this.#backend.context.modelUuid);
  }

  /** Lets the remote application of `relation` (or one of its units) read this secret. */
  grant(relation: Relation, options: { unit?: Unit } = {}): void {
    this.requireManage("grant");
    this.#backend.tools.secretGrant(this.resolveId(), relation.id, options.unit?.name);
  }

  revoke(relation: Relation, options: { unit?: Unit } = {}): void {
    this.requireManage("revoke");
    this.#backend.tools.secretRevoke(this.resolveId(), relation.id, options.unit?.name);
  }

  /** Removes one revision (typically in secret-remove, once nobody tracks it). */
  removeRevision(revision: number): void {
    if (!Number.isInteger(revision) || revision < 1) throw new TypeError(`secret revisions start at 1, got ${revision}`);
    this.requireManage("remove a revision of");
    this.#backend.tools.secretRemove(this.resolveId(), revision);
  }

  /** Removes the whole secret. */
  removeAllRevisions(): void {
    this.requireManage("remove");
    this.#backend.tools.secretRemove(this.resolveId());
  }

  toString(): string {
    return this.idValue ?? `secret labelled ${JSON.stringify(this.labelValue)}`;
  }

  private query(): { id?: string; label?: string } {
    return this.idValue !== undefined ? { id: this.idValue } : { label: this.requireLabel() };
  }

  private requireLabel(): string {
    if (this.labelValue === undefined) throw new ModelError("this secret has neither an id nor a label");
    return this.labelValue;
  }

  /** secret-set, grant, revoke and remove need the URI; a secret known only by label asks Juju for it. */
  private resolveId(): string {
    if (this.idValue === undefined) {
      const record = this.#backend.tools.secretInfoGet({ label: this.requireLabel() });
      this.owner = record.owner;
      this.idValue = canonicalSecretId(record.id, this.#backend.context.modelUuid);
    }
    return this.idValue;
  }

  /** An application-owned secret is managed by the leader only; refuse before Juju has to. */
  private requireManage(what: string): void {
    if (this.owner === "application") this.#backend.requireLeader(`${what} an application-owned secret`);
  }
}

/** @internal `app.addSecret` / `unit.addSecret`. */
export function addSecret(
  backend: ModelBackend,
  owner: SecretOwner,
  content: Readonly<Record<string, string>>,
  options: SecretOptions,
): Secret {
  validateSecretContent(content);
  const flags = metadataFlags(options);
  if (owner === "application") backend.requireLeader("add an application-owned secret");
  const uri = backend.tools.secretAdd(content, { ...flags, owner });
  return new Secret(backend, {
    id: canonicalSecretId(uri, backend.context.modelUuid),
    label: options.label,
    content: { ...content },
    owner,
  });
}

/** Refuses content Juju would refuse, with Juju's wording. Never puts a value in the message. */
export function validateSecretContent(content: unknown): asserts content is Readonly<Record<string, string>> {
  if (typeof content !== "object" || content === null || Array.isArray(content)) {
    throw new InvalidSecretError("secret content must be an object of string keys to string values");
  }
  const entries = Object.entries(content as Record<string, unknown>);
  if (entries.length === 0) throw new InvalidSecretError("missing secret value: secret content needs at least one key");
  let total = 0;
  for (const [key, value] of entries) {
    if (!SECRET_KEY.test(key)) {
      throw new InvalidSecretError(
        `key ${JSON.stringify(key)} not valid: secret keys are 3 or more lowercase letters, digits and ` +
          `single hyphens, starting with a letter`,
      );
    }
    if (typeof value !== "string") {
      throw new InvalidSecretError(`secret value for key "${key}" must be a string, not ${value === null ? "null" : typeof value}`);
    }
    const encoded = base64Length(value);
    if (encoded > MAX_SECRET_CONTENT_BYTES) {
      throw new InvalidSecretError(`base64 encoded secret content for key "${key}" too large: ${encoded} bytes`);
    }
    total += encoded;
  }
  if (total > MAX_SECRET_CONTENT_BYTES) throw new InvalidSecretError(`base64 encoded secret content too large: ${total} bytes`);
}

/** Ids may arrive bare (`cs9…`), short (`secret:cs9…`) or model-qualified; bare ones get the model's UUID. */
export function canonicalSecretId(id: string, modelUuid: string): string {
  const trimmed = id.trim();
  if (trimmed === "") throw new InvalidSecretError("secret id is empty");
  return trimmed.startsWith("secret:") ? trimmed : `secret://${modelUuid}/${trimmed}`;
}

function uniqueIdentifier(id: string): string {
  const parsed = parseSecretUri(id);
  if (parsed !== undefined) return parsed.xid;
  // Not one of Juju's forms (an id the charm passed through): what follows the last "/" or "secret:".
  const slash = id.lastIndexOf("/");
  if (slash >= 0) return id.slice(slash + 1);
  return id.startsWith("secret:") ? id.slice("secret:".length) : id;
}

function metadataFlags(options: SecretOptions): { label?: string; description?: string; expire?: string; rotate?: SecretRotatePolicy } {
  const flags: { label?: string; description?: string; expire?: string; rotate?: SecretRotatePolicy } = {};
  if (options.label !== undefined) flags.label = options.label;
  if (options.description !== undefined) flags.description = options.description;
  if (options.expire !== undefined) flags.expire = formatExpire(options.expire);
  if (options.rotate !== undefined) {
    if (!isSecretRotatePolicy(options.rotate)) {
      const policies = SECRET_ROTATE_POLICIES.join(", ");
      throw new InvalidSecretError(`rotate policy ${JSON.stringify(options.rotate)} not valid; use one of ${policies}`);
    }
    flags.rotate = options.rotate;
  }
  return flags;
}

function formatExpire(expire: Date | string): string {
  if (expire instanceof Date) {
    if (Number.isNaN(expire.getTime())) throw new InvalidSecretError("expire time or duration is an invalid Date");
    return expire.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  if (isGoDuration(expire)) {
    if (!isPositiveGoDuration(expire)) {
      throw new InvalidSecretError(`negative expire duration ${JSON.stringify(expire)} not valid`);
    }
    return expire;
  }
  if (isRfc3339Time(expire)) return expire;
  throw new InvalidSecretError(
    `expire time or duration ${JSON.stringify(expire)} not valid; use a Date, an RFC 3339 time or a duration such as "24h"`,
  );
}

function toSecretInfo(record: SecretInfoRecord, modelUuid: string): SecretInfo {
  return {
    id: canonicalSecretId(record.id, modelUuid),
    label: record.label,
    revision: record.revision,
    owner: record.owner,
    description: record.description,
    rotation: record.rotation,
    expires: record.expiry === undefined ? undefined : new Date(record.expiry),
    rotates: record.rotates === undefined ? undefined : new Date(record.rotates),
  };
}
