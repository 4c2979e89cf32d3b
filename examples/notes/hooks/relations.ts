// The charm's three relations, each through its tscharm interface: the only module that names the
// interfaces' API, so a change there is a change here alone. It turns what the interfaces know into
// the workload's settings (hooks/notes.ts) and the status's facts (hooks/status.ts).

import type { CharmBase } from "tscharm";
import { CosAgentProvider } from "tscharm/interfaces/cos-agent";
import { DatabaseRequires } from "tscharm/interfaces/database";
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
  }

  get databaseRelated(): boolean {
    return this.charm.model.getRelation("database") !== undefined;
  }

  get certificatesRelated(): boolean {
    return this.charm.model.getRelation("certificates") !== undefined;
  }

  /** The database's settings once its provider has sent credentials and endpoints; undefined before (or on a bad bag). */
  async databaseSettings(): Promise<DatabaseSettings | undefined> {
    const relation = this.charm.model.getRelation("database");
    if (relation === undefined) return undefined;
    const data = (await this.database.fetchRelationData())[relation.id];
    const endpoint = firstEndpoint(data?.endpoints ?? "");
    const { username, password } = data ?? {};
    if (endpoint === undefined || username === undefined || password === undefined) return undefined;
    return { ...endpoint, database: data?.database ?? DATABASE_NAME, user: username, password };
  }

  /** This unit's certificate and its private key, once the provider has signed the CSR. */
  async tlsSettings(): Promise<TlsSettings | undefined> {
    const [request] = this.certificates.certificateRequests;
    if (request === undefined || !this.certificatesRelated) return undefined;
    const { certificate, privateKey } = await this.certificates.getAssignedCertificate(request);
    if (certificate === undefined || privateKey === undefined) return undefined;
    return { certificate: certificate.certificate, ca: certificate.ca, chain: certificate.chain, privateKey };
  }
}
