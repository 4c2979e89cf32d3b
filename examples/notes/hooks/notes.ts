// The workload: the notes service's configuration on this machine, with no charming concerns. The
// service reads one JSON file, /etc/notes/notes.json, which names the database to use and the TLS
// material to serve with; the two secrets (the database password and the TLS private key) are kept
// out of it, in files of their own that only root can read (0600), so the config file can be shown
// and logged freely.

import { files } from "tscharm/machine";

export const CONFIG_DIR = "/etc/notes";
export const CONFIG_FILE = `${CONFIG_DIR}/notes.json`;
export const PASSWORD_FILE = `${CONFIG_DIR}/db-password`;
export const TLS_DIR = `${CONFIG_DIR}/tls`;
export const CERTIFICATE_FILE = `${TLS_DIR}/notes.crt`;
export const CA_FILE = `${TLS_DIR}/ca.crt`;
export const KEY_FILE = `${TLS_DIR}/notes.key`;

/** The port notes serves HTTPS on. */
export const HTTPS_PORT = 8443;
/** The port notes serves its Prometheus metrics on (plain HTTP, scraped from the same machine). */
export const METRICS_PORT = 9464;

/** What notes needs of its database (the password goes to its own file). */
export interface DatabaseSettings {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
}

/** What notes serves HTTPS with (the private key goes to its own file). */
export interface TlsSettings {
  readonly certificate: string;
  readonly ca: string;
  readonly chain: readonly string[];
  readonly privateKey: string;
}

/** The config file's text: database settings and TLS paths, never a secret. */
export function renderConfig(database: DatabaseSettings, tls: TlsSettings | undefined): string {
  const config = {
    listen: { port: HTTPS_PORT, tls: tls !== undefined },
    database: { host: database.host, port: database.port, database: database.database, user: database.user, passwordFile: PASSWORD_FILE },
    tls: tls === undefined ? null : { certificate: CERTIFICATE_FILE, ca: CA_FILE, key: KEY_FILE },
    metrics: { port: METRICS_PORT, path: "/metrics" },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Makes the machine hold notes' configuration for this database and certificate (none yet: the
 * TLS files are removed); true if any file changed. Secrets are written 0600 before the config
 * file that names them.
 */
export async function configure(database: DatabaseSettings, tls: TlsSettings | undefined): Promise<boolean> {
  let changed = await files.ensureContents(PASSWORD_FILE, database.password, { mode: 0o600 });
  if (tls === undefined) {
    for (const path of [KEY_FILE, CERTIFICATE_FILE, CA_FILE]) {
      if (await files.exists(path)) {
        await files.unlink(path);
        changed = true;
      }
    }
  } else {
    changed = (await files.ensureContents(KEY_FILE, tls.privateKey, { mode: 0o600 })) || changed;
    // The certificate file holds the chain after the leaf, as TLS servers read it.
    const chain = [tls.certificate, ...tls.chain.filter((pem) => pem.trim() !== tls.certificate.trim())].map((pem) => `${pem.trim()}\n`);
    changed = (await files.ensureContents(CERTIFICATE_FILE, chain.join(""))) || changed;
    changed = (await files.ensureContents(CA_FILE, `${tls.ca.trim()}\n`)) || changed;
  }
  return (await files.ensureContents(CONFIG_FILE, renderConfig(database, tls))) || changed;
}

/** Removes what the database gave (its password and the config naming it): the relation is gone. */
export async function forgetDatabase(): Promise<void> {
  await files.unlink(CONFIG_FILE, { missingOk: true });
  await files.unlink(PASSWORD_FILE, { missingOk: true });
}

/** Whether notes is configured (its config file exists). */
export function isConfigured(): Promise<boolean> {
  return files.exists(CONFIG_FILE);
}

/**
 * The first `host:port` of a data_interfaces `endpoints` value (`host:port,host:port`; an IPv6
 * host in brackets), or undefined when it is not one.
 */
export function firstEndpoint(endpoints: string): { host: string; port: number } | undefined {
  const first = endpoints.split(",")[0]?.trim() ?? "";
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(first);
  if (match === null) return undefined;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (match[1] ?? "").replace(/^\[(.*)\]$/, "$1"), port };
}
