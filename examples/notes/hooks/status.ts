// The unit's status from what the charm knows, as one function (collect-status adds its result):
// a database first (without one there is nothing to serve), then a certificate, then active with
// the address and the database it serves with.

import { ActiveStatus, BlockedStatus, type StatusBase, WaitingStatus } from "tscharm";

import { HTTPS_PORT } from "./notes.js";

export interface NotesFacts {
  /** Whether a `database` relation exists. */
  readonly databaseRelated: boolean;
  /** The database's first endpoint (`host:port`), once its credentials have arrived. */
  readonly databaseEndpoint: string | undefined;
  /** Whether a `certificates` relation exists. */
  readonly certificatesRelated: boolean;
  /** Whether this unit's certificate has arrived. */
  readonly certificate: boolean;
  /** The unit's address. */
  readonly address: string;
}

export const NEEDS_DATABASE = "needs a database";
export const WAITING_FOR_DATABASE = "waiting for the database's credentials";
export const NEEDS_CERTIFICATES = "needs a certificates relation";
export const WAITING_FOR_CERTIFICATE = "waiting for the certificate";

export function notesStatus(facts: NotesFacts): StatusBase {
  if (!facts.databaseRelated) return new BlockedStatus(NEEDS_DATABASE);
  if (!facts.certificatesRelated) return new BlockedStatus(NEEDS_CERTIFICATES);
  if (facts.databaseEndpoint === undefined) return new WaitingStatus(WAITING_FOR_DATABASE);
  if (!facts.certificate) return new WaitingStatus(WAITING_FOR_CERTIFICATE);
  return new ActiveStatus(servingMessage(facts.address, facts.databaseEndpoint));
}

export function servingMessage(address: string, databaseEndpoint: string): string {
  const host = address.includes(":") ? `[${address}]` : address;
  return `serving https://${host}:${String(HTTPS_PORT)} with ${databaseEndpoint}`;
}
