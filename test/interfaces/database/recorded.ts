// The recordings of data_interfaces (test/fixtures/interfaces/database/*.json, written by its
// record.py through Scenario), and the pieces the round-trip tests share.

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { DEFAULT_UNIT_BAG, Secret } from "../../../testing/index.js";

export interface RecordedSecret {
  readonly owner: "app" | "unit" | "remote";
  readonly id: string;
  readonly label: string | null;
  readonly content: Record<string, string>;
  readonly grants?: Record<string, string[]>;
}

export interface RecordedStep {
  readonly event: string;
  readonly given: {
    readonly remoteApp: Record<string, string>;
    readonly secrets?: { id: string; content: Record<string, string> }[];
    readonly calls?: [string, ...unknown[]][];
    readonly leader?: boolean;
    readonly remoteModel?: string;
  };
  readonly wrote: { readonly localApp: Record<string, string>; readonly localUnit: Record<string, string> };
  readonly secrets: RecordedSecret[];
  readonly emitted: ({ event: string } & Record<string, unknown>)[];
  readonly status: string;
  readonly view?: { fetch_relation_data: Record<string, Record<string, string>>; is_resource_created: boolean };
}

export interface Recording {
  readonly library: { module: string; version: string; source: string };
  readonly scenario: string;
  readonly side: "requirer" | "provider";
  readonly schema: string;
  readonly steps: RecordedStep[];
}

export const REL_ID = 7;

export function recording(name: string): Recording {
  return JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/interfaces/database", `${name}.json`), "utf8")) as Recording;
}

const XID = "0123456789abcdefghijklmnopqrstuv";

/**
 * A recorded secret id as a Juju one: Scenario makes up ids outside Juju's alphabet (`w`–`z`),
 * which the test kit refuses; each is mapped, the same way every time, to a valid xid.
 */
export function jujuId(id: string): string {
  if (/^secret:(?:\/\/[0-9a-f-]+\/)?[0-9a-v]{20}$/.test(id)) return id;
  const xid = id
    .replace(/^secret:/, "")
    .padEnd(20, "0")
    .slice(0, 20);
  return `secret:${xid.replace(/./g, (c) => XID[c.charCodeAt(0) % 32] ?? "0")}`;
}

/** A recorded bag with its secret URIs mapped by jujuId. */
export function withJujuIds(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).map(([key, value]) => [key, key.startsWith("secret-") ? jujuId(value) : value]));
}

/** The secrets the other side has, as the test kit's (granted, not owned). */
export function remoteSecrets(step: RecordedStep): Secret[] {
  return (step.given.secrets ?? []).map((s) => new Secret({ id: jujuId(s.id), trackedContent: s.content }));
}

/** A unit bag without the keys Juju itself writes (the recordings leave them out). */
export function ownKeys(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !(key in DEFAULT_UNIT_BAG)));
}

/** snake_case (Python) to camelCase (TypeScript), for event and method names. */
export const camel = (name: string): string => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The event fields the recordings name, as the TypeScript events' getters. */
export const EVENT_GETTERS: Record<string, string> = {
  database: "database",
  username: "username",
  password: "password",
  endpoints: "endpoints",
  read_only_endpoints: "readOnlyEndpoints",
  uris: "uris",
  read_only_uris: "readOnlyUris",
  tls: "tls",
  tls_ca: "tlsCa",
  version: "version",
  replset: "replset",
  prefix_databases: "prefixDatabases",
  entity_name: "entityName",
  entity_password: "entityPassword",
  extra_user_roles: "extraUserRoles",
  extra_group_roles: "extraGroupRoles",
  external_node_connectivity: "externalNodeConnectivity",
  entity_type: "entityType",
  entity_permissions: "entityPermissions",
  prefix_matching: "prefixMatching",
};

/** What a TypeScript event carries, named as the recording names it (Python's None is undefined here). */
export function describeEvent(name: string, event: object, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { event: name };
  for (const field of fields) {
    const getter = EVENT_GETTERS[field];
    if (getter === undefined) continue;
    const value: unknown = (event as Record<string, unknown>)[getter];
    out[field] = value === undefined ? null : value;
  }
  return out;
}

/** The recorded event with its relation and app keys left out (the TypeScript side checks those apart). */
export function recordedEvent(event: { event: string } & Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => key !== "relation" && key !== "app"));
}
