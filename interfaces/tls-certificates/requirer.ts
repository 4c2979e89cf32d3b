// The requirer side: TLSCertificatesRequiresV4 of charmlibs' tls-certificates library, in
// TypeScript. A private key per unit (or per application, in app mode) kept only in a Juju
// secret this unit (app) owns, under the library's label; a CSR per requested certificate in the
// unit (app) bag; the provider's certificates, each stored in a unit-owned secret that expires
// at the renewal time, so that Juju's secret-expired asks for a new one.

import {
  type BoundEvent,
  type CharmBase,
  type Relation,
  type RelationBrokenEvent,
  type Secret,
  type SecretExpiredEvent,
  SecretNotFoundError,
  type SecretRemoveEvent,
  customEvent,
  log,
} from "../../runtime/index.js";
import { RelationProblems } from "../common/problems.js";
import {
  type CsrEntry,
  type ProviderCapabilities,
  csrEntry,
  dumpFields,
  parseCertificate,
  parseCsr,
  readOwn,
  readProviderBag,
  remoteBag,
} from "./bags.js";
import { decode } from "../common/data.js";
import { Certificate, type CertificateRequestAttributes, CertificateSigningRequest, PrivateKey, sameAttributes } from "./x509.js";
import { checkAttributes, generateCsr } from "./issue.js";

import {
  CertificateAvailableEvent,
  CertificateDeniedEvent,
  LIBID,
  type Mode,
  type ProviderCertificate,
  type ProviderCertificateError,
  type RequirerCertificateRequest,
} from "./events.js";

export interface TlsCertificatesRequiresOptions {
  readonly certificateRequests: readonly CertificateRequestAttributes[];
  readonly mode?: Mode;
  /** When to renew, as a fraction of the time from issue to expiry: (0.5, 1], default 0.9. */
  readonly renewalRelativeTime?: number;
  /** More events on which to reconcile (send missing CSRs, look for certificates). */
  readonly refreshEvents?: readonly BoundEvent[];
}

export class TlsCertificatesRequires {
  readonly on: {
    readonly certificateAvailable: BoundEvent<CertificateAvailableEvent>;
    readonly certificateDenied: BoundEvent<CertificateDeniedEvent>;
  };
  readonly mode: Mode;
  readonly certificateRequests: readonly CertificateRequestAttributes[];
  readonly renewalRelativeTime: number;
  private readonly problems: RelationProblems;
  private readonly stored: { certificateSecrets: string[] };
  private keyCache: PrivateKey | undefined;

  constructor(
    private readonly charm: CharmBase,
    readonly relationName: string,
    options: TlsCertificatesRequiresOptions,
  ) {
    this.mode = options.mode ?? "unit";
    if (!["unit", "app"].includes(this.mode)) throw new TypeError(`Invalid mode ${JSON.stringify(this.mode)}: "unit" or "app"`);
    for (const request of options.certificateRequests) checkAttributes(request);
    this.certificateRequests = options.certificateRequests;
    this.renewalRelativeTime = options.renewalRelativeTime ?? 0.9;
    if (!(this.renewalRelativeTime > 0.5 && this.renewalRelativeTime <= 1)) {
      throw new TypeError("Invalid renewal relative time. Must be between 0.5 and 1.0");
    }
    this.on = {
      certificateAvailable: customEvent(relationName, "certificate-available", CertificateAvailableEvent),
      certificateDenied: customEvent(relationName, "certificate-denied", CertificateDeniedEvent),
    };
    this.problems = new RelationProblems(charm, relationName);
    // Labels of the certificate secrets this unit made (not secret themselves), removed when the relation breaks.
    this.stored = charm.framework.storedState(`tscharm.tls-certificates/${relationName}`, { certificateSecrets: [] as string[] });
    const framework = charm.framework;
    framework.observe(charm.on.relationCreated(relationName), this.configure);
    framework.observe(charm.on.relationChanged(relationName), this.configure);
    framework.observe(charm.on.relationBroken(relationName), this.onRelationBroken);
    framework.observe(charm.on.secretExpired, this.onSecretExpired);
    framework.observe(charm.on.secretRemove, this.onSecretRemove);
    for (const event of options.refreshEvents ?? []) framework.observe(event, this.configure);
  }

  /** Reconciles now, without waiting for an event (the library's `sync`). */
  async sync(): Promise<void> {
    await this.configure();
  }

  private readonly configure = async (): Promise<void> => {
    const relation = this.relation();
    if (relation === undefined) return;
    this.ensurePrivateKey();
    this.cleanupCertificateRequests(relation);
    this.sendCertificateRequests(relation);
    const provider = await this.problems.guard(relation, () => this.loadProvider(relation));
    if (provider === undefined) return;
    await this.findAvailableCertificates(relation, provider);
    this.renewExpiringCertificates(relation, provider.certificates);
  };

  private relation(): Relation | undefined {
    return this.charm.model.getRelation(this.relationName);
  }

  private isLeader(): boolean {
    return this.charm.unit.isLeader();
  }

  private unitNumber(): string {
    return this.charm.unit.name.split("/")[1] ?? "0";
  }

  /** Whether this unit may hold the key and the CSRs (in app mode only the leader does). */
  private active(): boolean {
    return this.mode === "unit" || this.isLeader();
  }

  // --- the private key ---------------------------------------------------------------------

  get privateKeySecretLabel(): string {
    return this.mode === "unit"
      ? `${LIBID}-private-key-${this.unitNumber()}-${this.relationName}`
      : `${LIBID}-private-key-app-${this.relationName}`;
  }

  /** This unit's (app's) private key, read from its secret; undefined before it exists, or on a follower in app mode. */
  get privateKey(): PrivateKey | undefined {
    if (this.keyCache !== undefined) return this.keyCache;
    if (!this.active()) return undefined;
    const secret = this.findSecret(this.privateKeySecretLabel);
    const pem = secret?.getContent({ refresh: true })["private-key"];
    if (pem === undefined) return undefined;
    this.keyCache = PrivateKey.fromString(pem);
    return this.keyCache;
  }

  /** The private key's secret id, for a charm that hands it to its workload by reference. */
  getPrivateKeySecretId(): string | undefined {
    if (!this.active()) return undefined;
    return this.findSecret(this.privateKeySecretLabel)?.getInfo().id;
  }

  private ensurePrivateKey(): void {
    if (!this.active() || this.privateKey !== undefined) return;
    const key = PrivateKey.generate();
    const content = { "private-key": key.raw };
    const owner = this.mode === "unit" ? this.charm.unit : this.charm.app;
    owner.addSecret(content, { label: this.privateKeySecretLabel });
    this.keyCache = key;
    log.info("Private key generated");
  }

  /** A new private key: the CSRs made with the old one are withdrawn and new ones sent. */
  async regeneratePrivateKey(): Promise<void> {
    if (!this.active()) throw new TypeError("only the leader holds the private key in app mode");
    const key = PrivateKey.generate();
    const secret = this.findSecret(this.privateKeySecretLabel);
    if (secret === undefined) {
      (this.mode === "unit" ? this.charm.unit : this.charm.app).addSecret(
        { "private-key": key.raw },
        { label: this.privateKeySecretLabel },
      );
    } else {
      secret.setContent({ "private-key": key.raw });
    }
    this.keyCache = key;
    await this.configure();
  }

  private findSecret(label: string): Secret | undefined {
    try {
      return this.charm.model.getSecret({ label });
    } catch (error) {
      if (error instanceof SecretNotFoundError) return undefined;
      throw error;
    }
  }

  // --- the CSRs in this side's bag ---------------------------------------------------------

  private ownBag(relation: Relation): ReturnType<Relation["data"]["get"]> {
    return relation.data.get(this.mode === "unit" ? this.charm.unit : this.charm.app);
  }

  private ownEntries(relation: Relation): CsrEntry[] {
    return readOwn(this.ownBag(relation), "certificate_signing_requests", decode.list(csrEntry)) ?? [];
  }

  private writeEntries(relation: Relation, entries: readonly CsrEntry[]): void {
    const list = entries.map((e) => ({ certificate_signing_request: e.certificate_signing_request, ca: e.ca ?? null }));
    // The library's model dump: an empty list is its default, so the key goes. In app mode the bag
    // is cleared first as the library does; a unit bag keeps the keys Juju writes (ingress-address...).
    dumpFields(
      this.ownBag(relation),
      { certificate_signing_requests: list.length === 0 ? undefined : list },
      { clear: this.mode === "app" },
    );
  }

  /** This side's CSRs (on a follower in app mode, none). */
  getCsrsFromRequirerRelationData(): RequirerCertificateRequest[] {
    const relation = this.relation();
    if (relation === undefined || !this.active()) return [];
    return this.ownEntries(relation).flatMap((entry) => {
      try {
        const csr = CertificateSigningRequest.fromString(entry.certificate_signing_request);
        return [{ relationId: relation.id, certificateSigningRequest: csr, isCa: entry.ca ?? false }];
      } catch {
        return [];
      }
    });
  }

  private matchesARequest(csr: CertificateSigningRequest, isCa: boolean): boolean {
    const asked = csr.attributes(isCa);
    return this.certificateRequests.some((request) => sameAttributes(request, asked));
  }

  private cleanupCertificateRequests(relation: Relation): void {
    const key = this.privateKey;
    for (const request of this.getCsrsFromRequirerRelationData()) {
      const csr = request.certificateSigningRequest;
      if (!this.matchesARequest(csr, request.isCa)) {
        this.removeCsr(relation, csr);
        log.info("Removed CSR from relation data because it did not match any certificate request");
      } else if (key === undefined || !csr.matchesPrivateKey(key)) {
        this.removeCsr(relation, csr);
        log.info("Removed CSR from relation data because it did not match any private key");
      }
    }
  }

  private removeCsr(relation: Relation, csr: CertificateSigningRequest): void {
    if (!this.active()) return;
    const entries = this.ownEntries(relation);
    const kept = entries.filter((e) => e.certificate_signing_request.trim() !== csr.raw.trim());
    if (kept.length !== entries.length || entries.length === 0) this.writeEntries(relation, kept);
  }

  private sendCertificateRequests(relation: Relation): void {
    const key = this.privateKey;
    if (key === undefined) return;
    for (const request of this.certificateRequests) {
      const requested = this.getCsrsFromRequirerRelationData().some(
        (r) =>
          sameAttributes(request, r.certificateSigningRequest.attributes(r.isCa)) && r.certificateSigningRequest.matchesPrivateKey(key),
      );
      if (requested) continue;
      const csr = generateCsr(request, key);
      this.writeEntries(relation, [...this.ownEntries(relation), { certificate_signing_request: csr.raw, ca: request.isCa ?? false }]);
      log.info("Certificate signing request added to relation data.");
    }
  }

  // --- the provider's certificates ---------------------------------------------------------

  private loadProvider(relation: Relation): {
    certificates: ProviderCertificate[];
    errors: ProviderCertificateError[];
    capabilities: ProviderCapabilities | undefined;
  } {
    if (relation.app === undefined) return { certificates: [], errors: [], capabilities: undefined };
    const bag = remoteBag(relation, relation.app, this.relationName);
    const data = readProviderBag(bag);
    const certificates = data.certificates.map((entry, i): ProviderCertificate => {
      const at = (field: string): string => `certificates[${i}].${field}`;
      return {
        relationId: relation.id,
        certificate: parseCertificate(bag.source, at("certificate"), entry.certificate),
        certificateSigningRequest: parseCsr(bag.source, at("certificate_signing_request"), entry.certificate_signing_request),
        ca: parseCertificate(bag.source, at("ca"), entry.ca),
        chain: (entry.chain ?? []).map((pem, j) => parseCertificate(bag.source, `${at("chain")}[${j}]`, pem)),
        revoked: entry.revoked,
      };
    });
    // An error entry whose CSR does not parse is skipped, as the library does.
    const errors = data.requestErrors.flatMap((entry) => {
      try {
        return [
          { relationId: relation.id, certificateSigningRequest: CertificateSigningRequest.fromString(entry.csr), error: entry.error },
        ];
      } catch {
        return [];
      }
    });
    return { certificates, errors, capabilities: data.capabilities };
  }

  /** The provider's certificates (all of them, for any requirer). Throws `InterfaceDataError` on a malformed bag. */
  getProviderCertificates(): ProviderCertificate[] {
    const relation = this.relation();
    return relation === undefined ? [] : this.loadProvider(relation).certificates;
  }

  /** The provider's request errors. Throws `InterfaceDataError` on a malformed bag. */
  getRequestErrors(): ProviderCertificateError[] {
    const relation = this.relation();
    return relation === undefined ? [] : this.loadProvider(relation).errors;
  }

  /** What the provider advertises; undefined when it has not said. */
  getProviderCapabilities(): ProviderCapabilities | undefined {
    const relation = this.relation();
    return relation === undefined ? undefined : this.loadProvider(relation).capabilities;
  }

  private certificateFor(
    request: RequirerCertificateRequest,
    certificates: readonly ProviderCertificate[],
  ): ProviderCertificate | undefined {
    const key = this.privateKey;
    if (key === undefined) return undefined;
    return certificates.find(
      (c) =>
        c.certificateSigningRequest.equals(request.certificateSigningRequest) &&
        c.certificate.isCa === request.isCa &&
        c.certificate.matchesPrivateKey(key),
    );
  }

  /** The certificate issued for `request`, with the key it goes with (both undefined until then). */
  getAssignedCertificate(request: CertificateRequestAttributes): {
    certificate: ProviderCertificate | undefined;
    privateKey: PrivateKey | undefined;
  } {
    const certificates = this.getProviderCertificates();
    for (const csr of this.getCsrsFromRequirerRelationData()) {
      if (!sameAttributes(request, csr.certificateSigningRequest.attributes(csr.isCa))) continue;
      const certificate = this.certificateFor(csr, certificates);
      return { certificate, privateKey: certificate === undefined ? undefined : this.privateKey };
    }
    return { certificate: undefined, privateKey: undefined };
  }

  /** Every certificate issued for this side's CSRs, and the private key. */
  getAssignedCertificates(): { certificates: ProviderCertificate[]; privateKey: PrivateKey | undefined } {
    const certificates = this.getProviderCertificates();
    const assigned = this.getCsrsFromRequirerRelationData().flatMap((csr) => {
      const certificate = this.certificateFor(csr, certificates);
      return certificate === undefined ? [] : [certificate];
    });
    return { certificates: assigned, privateKey: this.privateKey };
  }

  /** The label of the unit-owned secret that holds a certificate (and its CSR), as the library names it. */
  certificateSecretLabel(csr: CertificateSigningRequest): string {
    return this.mode === "unit"
      ? `${LIBID}-certificate-${this.unitNumber()}-${this.relationName}-${csr.sha256Hex()}`
      : `${LIBID}-certificate-${this.relationName}-${csr.sha256Hex()}`;
  }

  private async findAvailableCertificates(
    relation: Relation,
    provider: { certificates: ProviderCertificate[]; errors: ProviderCertificateError[] },
  ): Promise<void> {
    const mine = this.getCsrsFromRequirerRelationData().map((r) => r.certificateSigningRequest);
    const isMine = (csr: CertificateSigningRequest): boolean => mine.some((m) => m.equals(csr));
    for (const offered of provider.certificates) {
      if (!isMine(offered.certificateSigningRequest)) continue;
      const label = this.certificateSecretLabel(offered.certificateSigningRequest);
      if (offered.revoked === true) {
        const secret = this.findSecret(label);
        if (secret !== undefined) {
          log.debug(`Removing secret with label ${label}`);
          secret.removeAllRevisions();
          this.forgetCertificateSecret(label);
        }
        continue;
      }
      if (!this.matchesARequest(offered.certificateSigningRequest, offered.certificate.isCa)) continue;
      const key = this.privateKey;
      if (key === undefined || !offered.certificate.matchesPrivateKey(key)) continue;
      const content = { certificate: offered.certificate.raw, csr: offered.certificateSigningRequest.raw };
      const expire = this.renewalTime(offered.certificate);
      const secret = this.findSecret(label);
      if (secret === undefined) {
        this.charm.unit.addSecret(content, { label, expire });
        this.stored.certificateSecrets = [...new Set([...this.stored.certificateSecrets, label])];
      } else if (secret.getContent({ refresh: true })["certificate"] !== offered.certificate.raw) {
        secret.setContent(content);
        secret.setInfo({ expire });
      }
      await this.charm.framework.emit(this.on.certificateAvailable, {
        relationName: relation.name,
        relationId: relation.id,
        ...(relation.app === undefined ? {} : { appName: relation.app.name }),
        certificate: offered.certificate.raw,
        certificateSigningRequest: offered.certificateSigningRequest.raw,
        ca: offered.ca.raw,
        chain: offered.chain.map((c) => c.raw),
      });
    }
    for (const denied of provider.errors) {
      if (!isMine(denied.certificateSigningRequest)) continue;
      await this.charm.framework.emit(this.on.certificateDenied, {
        relationName: relation.name,
        relationId: relation.id,
        ...(relation.app === undefined ? {} : { appName: relation.app.name }),
        certificateSigningRequest: denied.certificateSigningRequest.raw,
        error: JSON.stringify(denied.error),
      });
    }
  }

  /** The moment `renewalRelativeTime` of the way from now to the certificate's expiry (the library's reckoning). */
  private renewalTime(certificate: Certificate): Date {
    const now = Date.now();
    return new Date(now + (certificate.notAfter.getTime() - now) * this.renewalRelativeTime);
  }

  /** A safety net for a secret-expired that did not come: renew once past the renewal time plus 5 %. */
  private renewExpiringCertificates(relation: Relation, certificates: readonly ProviderCertificate[]): void {
    const threshold = Math.min(0.99, this.renewalRelativeTime + 0.05);
    const now = Date.now();
    for (const csr of this.getCsrsFromRequirerRelationData()) {
      const assigned = this.certificateFor(csr, certificates);
      if (assigned === undefined) continue;
      const start = assigned.certificate.notBefore.getTime();
      const end = assigned.certificate.notAfter.getTime();
      if (now >= start + (end - start) * threshold && now < end) {
        log.warning("Certificate approaching expiry but not renewed - triggering renewal as safety net");
        this.renewCertificateRequest(relation, assigned.certificateSigningRequest);
      }
    }
  }

  private renewCertificateRequest(relation: Relation, csr: CertificateSigningRequest): void {
    this.removeCsr(relation, csr);
    this.sendCertificateRequests(relation);
    log.info("Renewed certificate request");
  }

  /** Asks for a new certificate in place of `certificate` (a new CSR replaces its CSR). */
  renewCertificate(certificate: ProviderCertificate): void {
    const relation = this.relation();
    if (relation === undefined || !this.active()) return;
    const secret = this.findSecret(this.certificateSecretLabel(certificate.certificateSigningRequest));
    if (secret?.getContent({ refresh: true })["csr"] !== certificate.certificateSigningRequest.raw) {
      log.warning("No matching secret found - Skipping renewal");
      return;
    }
    this.renewCertificateRequest(relation, certificate.certificateSigningRequest);
    secret.removeAllRevisions();
    this.forgetCertificateSecret(secret.label ?? "");
  }

  private forgetCertificateSecret(label: string): void {
    this.stored.certificateSecrets = this.stored.certificateSecrets.filter((l) => l !== label);
  }

  // --- secret and relation events ----------------------------------------------------------

  private readonly onSecretExpired = (event: SecretExpiredEvent): void => {
    const label = event.secret.label;
    if (label === undefined || !label.startsWith(`${LIBID}-certificate`)) return;
    const pem = event.secret.getContent({ refresh: true })["csr"];
    if (pem === undefined) return;
    const relation = this.relation();
    if (relation !== undefined) this.renewCertificateRequest(relation, CertificateSigningRequest.fromString(pem));
    event.secret.removeAllRevisions();
    this.forgetCertificateSecret(label);
  };

  // The library removes the revision of any secret; this one only those of its own labels.
  private readonly onSecretRemove = (event: SecretRemoveEvent): void => {
    const label = event.secret.label;
    if (label === undefined || !label.startsWith(LIBID)) return;
    try {
      event.secret.getInfo();
    } catch (error) {
      if (error instanceof SecretNotFoundError) return;
      throw error;
    }
    event.removeRevision();
  };

  private readonly onRelationBroken = (event: RelationBrokenEvent): void => {
    const others = this.charm.model.relations(this.relationName).filter((r) => r.id !== event.relation.id);
    if (others.length > 0) {
      log.warning(`Multiple relations with name ${this.relationName} detected, skipping secret cleanup`);
      return;
    }
    if (this.active()) {
      this.findSecret(this.privateKeySecretLabel)?.removeAllRevisions();
      this.keyCache = undefined;
    }
    for (const label of this.stored.certificateSecrets) this.findSecret(label)?.removeAllRevisions();
    this.stored.certificateSecrets = [];
  };
}
