// Secrets as `juju secrets --format json` and `juju show-secret --format json` print them
// (juju/juju cmd/juju/secrets/list.go, secretDisplayDetails), parsed: each entry is keyed by the
// secret's id, and `Juju.secrets()` / `showSecret()` return them with their URI, `secret:<id>`.

/** Who may read a secret (`access` of `juju show-secret`): a tag, its scope and role. */
export interface SecretAccess {
  readonly target: string;
  readonly scope: string;
  readonly role: string;
}

/** One revision of a secret (`juju show-secret --revisions`). */
export interface SecretRevision {
  readonly revision: number;
  readonly backend: string;
  readonly created: string | undefined;
  readonly updated: string | undefined;
  readonly expires: string | undefined;
}

export interface Secret {
  /** `secret:<id>`. */
  readonly uri: string;
  /** The latest revision. */
  readonly revision: number;
  /** An application or unit name, or `<model>` for a user secret (`juju add-secret`). */
  readonly owner: string;
  /** A user secret's name. */
  readonly name: string | undefined;
  /** A charm secret's owner label. */
  readonly label: string | undefined;
  readonly description: string | undefined;
  readonly rotation: string | undefined;
  readonly expires: string | undefined;
  readonly rotates: string | undefined;
  /** When it was created and last updated (a real controller says; the simulator keeps no clock for secrets). */
  readonly created: string | undefined;
  readonly updated: string | undefined;
  readonly access: readonly SecretAccess[];
  readonly revisions: readonly SecretRevision[];
  /** The content, with `showSecret(id, { reveal: true })`. */
  readonly content: Readonly<Record<string, string>> | undefined;
  /** The content's checksum, from Juju 3.6 on ("" otherwise). */
  readonly checksum: string;
}

/** `juju secrets --format json` / `juju show-secret --format json`: every entry, in the order printed. */
export function parseSecrets(json: unknown): Secret[] {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return [];
  return Object.entries(json as Record<string, unknown>).map(([id, entry]) => parseSecret(id, entry));
}

function parseSecret(id: string, json: unknown): Secret {
  const entry = record(json);
  const text = (key: string): string | undefined => (typeof entry[key] === "string" ? entry[key] : undefined);
  const content = record(record(entry["content"])["Data"]);
  return {
    uri: id.startsWith("secret:") ? id : `secret:${id}`,
    revision: typeof entry["revision"] === "number" ? entry["revision"] : 0,
    owner: text("owner") ?? "",
    name: text("name"),
    label: text("label"),
    description: text("description"),
    rotation: text("rotation"),
    expires: text("expires"),
    rotates: text("rotates"),
    created: text("created"),
    updated: text("updated"),
    access: list(entry["access"]).map((access) => {
      const item = record(access);
      const field = (key: string): string => (typeof item[key] === "string" ? item[key] : "");
      return { target: field("target"), scope: field("scope"), role: field("role") };
    }),
    revisions: list(entry["revisions"]).map((revision) => {
      const item = record(revision);
      const optional = (key: string): string | undefined => (typeof item[key] === "string" ? item[key] : undefined);
      return {
        revision: typeof item["revision"] === "number" ? item["revision"] : 0,
        backend: optional("backend") ?? "",
        created: optional("created"),
        updated: optional("updated"),
        expires: optional("expires"),
      };
    }),
    content:
      entry["content"] === undefined ? undefined : Object.fromEntries(Object.entries(content).map(([key, value]) => [key, String(value)])),
    checksum: text("checksum") ?? "",
  };
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
