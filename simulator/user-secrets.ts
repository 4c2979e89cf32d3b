// User secrets, as `juju add-secret`, `grant-secret`, `revoke-secret`, `secrets`, `show-secret`,
// `update-secret` and `remove-secret` handle them (juju/juju cmd/juju/secrets/*.go, branch 3.6): a
// secret the model owns (owner `<model>` in `juju secrets`), known by its name, which only the user
// manages. A unit reads one once the secret is granted to its application, and hears
// secret-changed for each new revision as for any secret it consumes.

import { isAppName } from "../grammar/names.js";
import { parseSecretUri } from "../grammar/secrets.js";
import { checkSecretContent } from "../engine/secrets.js";
import type { Bag, SecretRecord } from "../engine/records.js";
import type { JsonObject } from "../runtime/meta.js";
import { HookToolError } from "../runtime/errors.js";
import type { SimulatorCore } from "./core.js";
import { SimulatorError } from "./types.js";

/** What `juju show-secret` / `juju secrets` is asked for. */
export interface ShowSecretOptions {
  /** `--reveal`: the content of the revision shown. */
  readonly reveal?: boolean;
  /** `--revision N`: that revision (default the latest). */
  readonly revision?: number;
  /** `--revisions`: each revision's metadata. */
  readonly revisions?: boolean;
}

/** `juju add-secret <name> --file <yaml> [--info …]`: returns the new secret's URI (`secret:<xid>`). */
export function addUserSecret(core: SimulatorCore, name: string, content: Readonly<Bag>, options: { info?: string } = {}): string {
  if (name === "") throw new SimulatorError("secret name needs to be supplied as the first argument");
  checkContent(content);
  // Juju keeps a user secret's name as its label, unique among the model's secrets.
  if (userSecretNamed(core, name) !== undefined) throw new SimulatorError(`secret with name "${name}" already exists`);
  const secret = core.model.addSecret({ kind: "model" }, { ...content }, { label: name, ...optional("description", options.info) });
  core.note(`added user secret ${name} (${secret.xid})`);
  core.save();
  return `secret:${secret.xid}`;
}

/** `juju grant-secret <id|name> <app>[,<app>…]`: the applications' units may read it. */
export function grantUserSecret(core: SimulatorCore, id: string, apps: readonly string[]): void {
  changeGrants(core, id, apps, true);
}

/** `juju revoke-secret <id|name> <app>[,<app>…]`. */
export function revokeUserSecret(core: SimulatorCore, id: string, apps: readonly string[]): void {
  changeGrants(core, id, apps, false);
}

/**
 * `juju update-secret <id|name> [--file <yaml>] [--info …] [--name …]`: new content makes a new
 * revision (its consumers run secret-changed); the same content makes none.
 */
export function updateUserSecret(
  core: SimulatorCore,
  id: string,
  content: Readonly<Bag> | undefined,
  options: { info?: string; name?: string } = {},
): void {
  const secret = userSecret(core, id);
  if (content !== undefined) checkContent(content);
  if (options.name !== undefined && options.name !== secret.label && userSecretNamed(core, options.name) !== undefined) {
    throw new SimulatorError(`secret with name "${options.name}" already exists`);
  }
  if (content === undefined && options.info === undefined && options.name === undefined) {
    throw new SimulatorError("at least one attribute to update must be specified");
  }
  const latest = secret.revisions.get(secret.latest);
  if (content !== undefined && !sameContent(latest, content)) {
    const revision = core.model.publishSecretRevision(secret.xid, content);
    core.note(`user secret ${secret.label ?? secret.xid} has revision ${String(revision)}`);
  }
  core.model.setSecretMetadata(secret.xid, { label: options.name, description: options.info });
  core.save();
}

/** `juju remove-secret <id|name> [--revision N]`: one revision, or the whole secret. */
export function removeUserSecret(core: SimulatorCore, id: string, options: { revision?: number } = {}): void {
  const secret = userSecret(core, id);
  if (options.revision !== undefined && !secret.revisions.has(options.revision)) {
    throw new SimulatorError(`secret revision ${String(options.revision)} for "${secret.xid}" not found`);
  }
  core.model.removeSecretRevision(secret.xid, options.revision);
  core.note(
    `removed ${options.revision === undefined ? "user secret" : `revision ${String(options.revision)} of user secret`} ${secret.xid}`,
  );
  core.save();
}

/**
 * `juju secrets --format json`: every secret of the model by its id, as Juju prints it (the
 * owner is `<model>` for a user secret, which shows its name rather than a label). `owner`
 * filters by an application or unit name, or `<model>`.
 */
export function listSecrets(core: SimulatorCore, options: { owner?: string } = {}): JsonObject {
  const listed: JsonObject = {};
  for (const secret of [...core.model.secrets.values()].sort((a, b) => a.xid.localeCompare(b.xid))) {
    if (options.owner !== undefined && ownerName(secret) !== options.owner) continue;
    listed[secret.xid] = details(core, secret, {}, false);
  }
  return listed;
}

/** `juju show-secret <id|name> --format json [--reveal] [--revision N] [--revisions]`. */
export function showSecret(core: SimulatorCore, id: string, options: ShowSecretOptions = {}): JsonObject {
  if (options.revisions === true && options.reveal === true)
    throw new SimulatorError("specify either --revisions or --reveal but not both");
  if (options.revisions === true && options.revision !== undefined)
    throw new SimulatorError("specify either --revisions or --revision but not both");
  if (options.revision !== undefined && (!Number.isInteger(options.revision) || options.revision < 0))
    throw new SimulatorError("revision must be a positive integer");
  const secret = anySecret(core, id);
  return { [secret.xid]: details(core, secret, options, true) };
}

function details(core: SimulatorCore, secret: SecretRecord, options: ShowSecretOptions, withAccess: boolean): JsonObject {
  const user = secret.owner.kind === "model";
  const entry: JsonObject = { revision: secret.latest, owner: ownerName(secret) };
  if (secret.expire !== undefined) entry["expires"] = secret.expire;
  if (secret.rotate !== undefined) entry["rotation"] = secret.rotate;
  if (secret.description !== undefined) entry["description"] = secret.description;
  if (secret.label !== undefined) entry[user ? "name" : "label"] = secret.label;
  if (options.reveal === true) {
    const revision = options.revision ?? secret.latest;
    const content = secret.revisions.get(revision);
    if (content === undefined) throw new SimulatorError(`secret revision ${String(revision)} for "${secret.xid}" not found`);
    // Juju prints the content under `Data` (its SecretData, which encoding/json does not inline).
    entry["content"] = { Data: { ...content } };
  }
  if (options.revisions === true) entry["revisions"] = [...secret.revisions.keys()].sort((a, b) => a - b).map((revision) => ({ revision }));
  if (withAccess && secret.grants.size > 0) {
    entry["access"] = [...secret.grants].map(([grantee]) => ({
      target: `${grantee.includes("/") ? "unit" : "application"}-${grantee.replace("/", "-")}`,
      scope: `model-${core.model.uuid}`,
      role: "view",
    }));
  }
  return entry;
}

function ownerName(secret: SecretRecord): string {
  if (secret.owner.kind === "model") return "<model>";
  return secret.owner.kind === "application" ? secret.owner.app : secret.owner.unit;
}

function changeGrants(core: SimulatorCore, id: string, apps: readonly string[], grant: boolean): void {
  if (apps.length === 0 || apps.some((app) => app === "")) throw new SimulatorError("missing secret URI or application name");
  const secret = userSecret(core, id);
  const problems: string[] = [];
  for (const app of apps) {
    if (!isAppName(app) || core.model.apps.get(app)?.meta === undefined) problems.push(`application "${app}" not found`);
  }
  if (problems.length > 0) throw new SimulatorError(`failed to grant/revoke secret: ${problems.join(", ")}`);
  for (const app of apps) {
    if (grant) core.model.grantSecret(secret.xid, app, undefined);
    else core.model.revokeSecret(secret.xid, app);
  }
  core.note(`${grant ? "granted" : "revoked"} user secret ${secret.label ?? secret.xid} ${grant ? "to" : "from"} ${apps.join(", ")}`);
  core.save();
}

/** A secret by its URI, bare id or (for a user secret) name; Juju's "not found" otherwise. */
function anySecret(core: SimulatorCore, id: string): SecretRecord {
  const xid = parseSecretUri(id)?.xid;
  const secret = xid === undefined ? userSecretNamed(core, id) : core.model.secrets.get(xid);
  if (secret === undefined) throw new SimulatorError(`secret "${xid ?? id}" not found`);
  return secret;
}

/** A secret the user manages: a charm's secret is its owner's to change. */
function userSecret(core: SimulatorCore, id: string): SecretRecord {
  const secret = anySecret(core, id);
  if (secret.owner.kind !== "model")
    throw new SimulatorError(`secret "${secret.xid}" is owned by ${ownerName(secret)}, not by the model: only its owner manages it`);
  return secret;
}

function userSecretNamed(core: SimulatorCore, name: string): SecretRecord | undefined {
  return [...core.model.secrets.values()].find((secret) => secret.owner.kind === "model" && secret.label === name);
}

/** Juju's content rules (the same as secret-add's), with its texts. */
function checkContent(content: Readonly<Bag>): void {
  try {
    checkSecretContent("add-secret", content);
  } catch (error) {
    if (error instanceof HookToolError) throw new SimulatorError(error.stderr.replace(/^ERROR /, "").trim());
    throw error;
  }
}

function sameContent(a: Readonly<Bag> | undefined, b: Readonly<Bag>): boolean {
  if (a === undefined) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Partial<Record<K, V>>);
}
