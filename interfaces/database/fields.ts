// The fields of the database interfaces (data_interfaces v0: postgresql_client, mysql_client, …)
// and how they map to Juju secrets: which group each credential travels in, the label a side gives
// a secret of a relation, and the bag key holding a group's secret URI.

import { type Model, type Relation, type Secret, SecretNotFoundError } from "../../runtime/index.js";
import { InterfaceDataError, type RemoteBag } from "../common/data.js";

/** The secret groups data_interfaces knows; each is one Juju secret, its URI in `secret-<group>`. */
export type SecretGroup = "user" | "tls" | "mtls" | "entity" | "extra";

/** Which group a field travels in when it is a secret; any other requested field goes to `extra`. */
export const SECRET_GROUP_OF: Readonly<Record<string, SecretGroup>> = {
  username: "user",
  password: "user",
  uris: "user",
  "read-only-uris": "user",
  tls: "tls",
  "tls-ca": "tls",
  "mtls-cert": "mtls",
  "entity-name": "entity",
  "entity-password": "entity",
};

/** The provider fields a requirer asks to get as secrets (its `requested-secrets`), before additions. */
export const REQUESTED_SECRET_FIELDS: readonly string[] = [
  "username",
  "password",
  "tls",
  "tls-ca",
  "uris",
  "read-only-uris",
  "entity-name",
  "entity-password",
];

/** Fields the requirer itself may send as secrets (`provided-secrets`), left out across models. */
export const PROVIDED_SECRET_FIELDS: readonly string[] = ["mtls-cert"];

/** Groups whose secrets the provider owns, in the order data_interfaces registers them. */
export const PROVIDER_GROUPS: readonly SecretGroup[] = ["user", "tls", "entity", "extra"];

export const groupOf = (field: string): SecretGroup => SECRET_GROUP_OF[field] ?? "extra";

/** `db.7.user.secret`: the label both sides give the secret of a group on a relation. */
export const secretLabel = (relation: Relation, group: SecretGroup): string => `${relation.name}.${relation.id}.${group}.secret`;

export const secretField = (group: SecretGroup): string => `secret-${group}`;

/** Groups `fields` by secret group, keeping their order. */
export function groupFields(fields: Iterable<string>): Map<SecretGroup, string[]> {
  const groups = new Map<SecretGroup, string[]>();
  for (const field of fields) {
    const group = groupOf(field);
    const list = groups.get(group) ?? [];
    list.push(field);
    groups.set(group, list);
  }
  return groups;
}

/** A secret URI as it may arrive in a bag, in either of Juju's forms (`secret:<xid>`, `secret://<model-uuid>/<xid>`). */
export function checkSecretUri(value: string): string | undefined {
  return /^secret:(?:\/\/[0-9a-f-]+\/)?[0-9a-v]{20}$/.test(value)
    ? undefined
    : "a secret URI (secret:<xid> or secret://<model-uuid>/<xid>)";
}

/**
 * The secret whose URI the other side put in `secret-<group>` (undefined when the key is absent),
 * read at once, optionally labelled for this unit as data_interfaces labels it. A key that holds
 * no URI, or a secret this application cannot read, is the other side's `InterfaceDataError`.
 */
export function remoteSecret(
  model: Model,
  bag: RemoteBag,
  relation: Relation,
  group: SecretGroup,
  options: { readonly label?: boolean } = {},
): Secret | undefined {
  const key = secretField(group);
  const uri = bag.checked(key, checkSecretUri);
  if (uri === undefined) return undefined;
  try {
    return model.getSecret(options.label === true ? { id: uri, label: secretLabel(relation, group) } : { id: uri });
  } catch (error) {
    if (!(error instanceof SecretNotFoundError)) throw error;
    throw new InterfaceDataError(bag.source, key, "a secret granted to this application (it is missing or not granted)", uri);
  }
}

/** A JSON list of strings from a bag (`requested-secrets`), undefined for nothing. */
export function stringList(bag: RemoteBag, key: string): string[] | undefined {
  const raw = bag.text(key);
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InterfaceDataError(bag.source, key, "a JSON list of field names", raw);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
    throw new InterfaceDataError(bag.source, key, "a JSON list of field names", raw);
  }
  return parsed;
}

/**
 * A JSON object of strings kept in a bag (`data`, the library's snapshot), {} for nothing. Its value
 * is never shown in an error: the snapshot of a plain-text provider's bag holds its password.
 */
export function snapshotOf(bag: RemoteBag, key: string): Record<string, unknown> {
  const raw = bag.text(key);
  if (raw === undefined) return {};
  const expected = "a JSON object (the library's snapshot of the other bag)";
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InterfaceDataError(bag.source, key, expected, undefined);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InterfaceDataError(bag.source, key, expected, undefined);
  }
  return parsed as Record<string, unknown>;
}

/** The keys added, changed and deleted between a snapshot and a bag, as data_interfaces' `diff`. */
export interface Diff {
  readonly added: ReadonlySet<string>;
  readonly changed: ReadonlySet<string>;
  readonly deleted: ReadonlySet<string>;
}

export function diffOf(old: Readonly<Record<string, unknown>>, current: Readonly<Record<string, string>>): Diff {
  const added = new Set(Object.keys(current).filter((key) => !(key in old)));
  const deleted = new Set(Object.keys(old).filter((key) => !(key in current)));
  const changed = new Set(Object.keys(current).filter((key) => key in old && old[key] !== current[key]));
  return { added, changed, deleted };
}

/** The bag without the library's own `data` key: what is diffed and snapshotted. */
export function withoutData(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => key !== "data"));
}
