// The charm's three relations, each through its tscharm interface: the only module that names the
// interfaces' API, so a change there is a change here alone. It turns what the interfaces know into
// the workload's settings (hooks/notes.ts) and the status's facts (hooks/status.ts).

import type { CharmBase } from "tscharm";
import { CosAgentProvider } from "tscharm/interfaces/cos-agent";
import { DatabaseRequires, InterfaceDataError } from "tscharm/interfaces/database";
import { TlsCertificatesRequires } from "tscharm/interfaces/tls-certificates";

import { type DatabaseSettings, METRICS_PORT, type TlsSettings, firstEndpoint } from "./notes.js";

/** The database notes asks its provider for. */
export const DATABASE_NAME = "notes";

/** Called when anything a relation gives has changed: the charm reconciles. */
export type OnChange = () => Promise<void>;

export class NotesRelations {
  readonly database: DatabaseRequires;
  readonly certificates: TlsCertificatesRequires;
  readonly cosAgent: CosAgentProvider;

  constructor(
    private readonly charm: CharmBase,
    /** The unit's address: the certificate's common name and IP SAN. */
    private readonly address: string,
    onChange: OnChange,
  ) {
    this.database = new DatabaseRequires(charm, "database", { database: DATABASE_NAME });
    this.certificates = new TlsCertificatesRequires(charm, "certificates", {
      certificateRequests: [{ commonName: address, sansIp: [address] }],
      mode: "unit",
    });
    this.cosAgent = new CosAgentProvider(charm, {
      relationName: "cos-agent",
      metricsEndpoints: [{ path: "/metrics", port: METRICS_PORT }],
      metricsRulesDir: "./src/prometheus_alert_rules",
      dashboardDirs: ["./src/grafana_dashboards"],
    });
    const { framework } = charm;
    framework.observe(this.database.on.databaseCreated, onChange);
    framework.observe(this.database.on.endpointsChanged, onChange);
    framework.observe(this.certificates.on.certificateAvailable, onChange);
    // A rotated password comes as a new revision of the provider's user secret.
    framework.observe(charm.on.secretChanged, onChange);
  }

  get databaseRelated(): boolean {
    return this.charm.model.getRelation("database") !== undefined;
  }

  get certificatesRelated(): boolean {
    return this.charm.model.getRelation("certificates") !== undefined;
  }

  /**
   * The database's settings once its provider has sent credentials and endpoints; undefined before.
   * A bag the interface cannot read is undefined too: the interface reported it when it came (its
   * blocked status names the key and the value), so it is not reported again here.
   */
  databaseSettings(): DatabaseSettings | undefined {
    const relation = this.charm.model.getRelation("database");
    if (relation === undefined) return undefined;
    const data = readable(() => this.database.fetchRelationData([relation.id])[relation.id]);
    const endpoint = firstEndpoint(data?.["endpoints"] ?? "");
    const username = data?.["username"];
    const password = data?.["password"];
    if (endpoint === undefined || username === undefined || password === undefined) return undefined;
    return { ...endpoint, database: data?.["database"] ?? DATABASE_NAME, user: username, password };
  }

  /** This unit's certificate and its private key, once the provider has signed the CSR. */
  tlsSettings(): TlsSettings | undefined {
    const [request] = this.certificates.certificateRequests;
    if (request === undefined || !this.certificatesRelated) return undefined;
    const assigned = readable(() => this.certificates.getAssignedCertificate(request));
    const certificate = assigned?.certificate;
    const privateKey = assigned?.privateKey;
    if (certificate === undefined || privateKey === undefined) return undefined;
    return {
      certificate: certificate.certificate.raw,
      ca: certificate.ca.raw,
      chain: certificate.chain.map((pem) => pem.raw),
      privateKey: privateKey.raw,
    };
  }
}

/** `read()`, or undefined when the other side's bag is malformed (InterfaceDataError). */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (error) {
    if (error instanceof InterfaceDataError) return undefined;
    throw error;
  }
}
