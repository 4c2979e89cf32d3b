// The provider side: TLSCertificatesProvidesV4 of charmlibs' tls-certificates library, in
// TypeScript. Reads the requirers' CSRs (unit and app bags), writes `certificates`,
// `request_errors` and `capabilities` to its app bag as the library's model dump does (the bag
// cleared and rewritten, every key json.dumps'ed, defaults left out). Signing is the charm's
// business; x509.ts has `generateCa` and `generateCertificate` for a charm that signs itself.

import { type CharmBase, type Relation, RelationDataAccessError, log } from "../../runtime/index.js";
import { RelationProblems } from "../common/problems.js";
import {
  type CertificateEntry,
  type CertificateError,
  type ProviderCapabilities,
  type RequestErrorEntry,
  capabilities as capabilitiesDecoder,
  certificateEntry,
  certificateEntryOut,
  dumpFields,
  parseCsr,
  readOwn,
  readRequirerBag,
  remoteBag,
  requestErrorEntry,
  requestErrorOut,
} from "./bags.js";
import { decode } from "../common/data.js";
import type { ProviderCertificate, ProviderCertificateError, RequirerCertificateRequest } from "./events.js";
import { Certificate, CertificateSigningRequest } from "./x509.js";

export interface TlsCertificatesProvidesOptions {
  /** What this provider's certificate server supports, published to every requirer. */
  readonly providerCapabilities?: ProviderCapabilities;
}

/** A certificate to publish: what `setRelationCertificate` takes (`revoked` is never set by it). */
export interface CertificateToSet {
  readonly relationId: number;
  readonly certificate: Certificate;
  readonly certificateSigningRequest: CertificateSigningRequest;
  readonly ca: Certificate;
  /** Leaf first, then the issuers up to the root (the library warns when the leaf is not first). */
  readonly chain: readonly Certificate[];
}

interface OwnData {
  certificates: CertificateEntry[];
  requestErrors: RequestErrorEntry[];
  capabilities: ProviderCapabilities | undefined;
}

export class TlsCertificatesProvides {
  private readonly problems: RelationProblems;
  readonly providerCapabilities: ProviderCapabilities | undefined;

  constructor(
    private readonly charm: CharmBase,
    readonly relationName: string,
    options: TlsCertificatesProvidesOptions = {},
  ) {
    this.providerCapabilities = options.providerCapabilities;
    this.problems = new RelationProblems(charm, relationName);
    const framework = charm.framework;
    framework.observe(charm.on.relationCreated(relationName), this.configure);
    framework.observe(charm.on.relationJoined(relationName), this.configure);
    framework.observe(charm.on.relationChanged(relationName), this.configure);
    framework.observe(charm.on.updateStatus, this.configure);
  }

  private readonly configure = async (): Promise<void> => {
    if (!this.charm.unit.isLeader()) return;
    for (const relation of this.relations()) {
      const requests = await this.problems.guard(relation, () => this.requestsOf(relation));
      if (requests === undefined) continue;
      // Certificates whose CSR no requirer asks for any more are dropped.
      const own = this.loadOwn(relation);
      const kept = own.certificates.filter((c) =>
        requests.some((r) => r.certificateSigningRequest.raw === normalCsr(c.certificate_signing_request)),
      );
      if (kept.length !== own.certificates.length) this.dumpOwn(relation, { ...own, certificates: kept });
      this.publishCapabilities(relation);
    }
  };

  private relations(relationId?: number): Relation[] {
    const all = this.charm.model.relations(this.relationName);
    return relationId === undefined ? all : all.filter((r) => r.id === relationId);
  }

  private requestsOf(relation: Relation): RequirerCertificateRequest[] {
    const owners = [...relation.units, ...(relation.app === undefined ? [] : [relation.app])];
    return owners.flatMap((owner) => {
      const bag = remoteBag(relation, owner, this.relationName);
      return readRequirerBag(bag).map((entry, i) => ({
        relationId: relation.id,
        certificateSigningRequest: parseCsr(
          bag.source,
          `certificate_signing_requests[${i}].certificate_signing_request`,
          entry.certificate_signing_request,
        ),
        isCa: entry.ca ?? false,
      }));
    });
  }

  /** The requirers' CSRs, from every unit's bag and the app bag. Throws `InterfaceDataError` on a malformed bag. */
  getCertificateRequests(relationId?: number): RequirerCertificateRequest[] {
    return this.relations(relationId).flatMap((relation) => this.requestsOf(relation));
  }

  /** The CSRs no (unrevoked) certificate has been issued for yet. */
  getOutstandingCertificateRequests(relationId?: number): RequirerCertificateRequest[] {
    const issued = this.getIssuedCertificates(relationId);
    return this.getCertificateRequests(relationId).filter((request) => {
      const found = issued.find((c) => c.certificateSigningRequest.equals(request.certificateSigningRequest));
      return found === undefined || !request.certificateSigningRequest.matchesCertificate(found.certificate);
    });
  }

  // --- this side's bag ---------------------------------------------------------------------

  private ownBag(relation: Relation): ReturnType<Relation["data"]["get"]> {
    return relation.data.get(this.charm.app);
  }

  private loadOwn(relation: Relation): OwnData {
    const bag = this.ownBag(relation);
    return {
      certificates: readOwn(bag, "certificates", decode.list(certificateEntry)) ?? [],
      requestErrors: readOwn(bag, "request_errors", decode.list(requestErrorEntry)) ?? [],
      capabilities: readOwn(bag, "capabilities", capabilitiesDecoder),
    };
  }

  private dumpOwn(relation: Relation, data: OwnData): void {
    const caps = data.capabilities === undefined ? undefined : dropUndefined(data.capabilities);
    dumpFields(
      this.ownBag(relation),
      {
        certificates: data.certificates.length === 0 ? undefined : data.certificates.map(certificateEntryOut),
        request_errors: data.requestErrors.length === 0 ? undefined : data.requestErrors.map(requestErrorOut),
        capabilities: caps,
      },
      { clear: true },
    );
  }

  private publishCapabilities(relation: Relation): void {
    const own = this.loadOwn(relation);
    const wanted = this.providerCapabilities === undefined ? undefined : dropUndefined(this.providerCapabilities);
    if (JSON.stringify(own.capabilities === undefined ? undefined : dropUndefined(own.capabilities)) === JSON.stringify(wanted)) return;
    this.dumpOwn(relation, { ...own, capabilities: wanted });
  }

  /** The leader only: refused here, before any relation-get or relation-set, with the runtime's own error. */
  private requireLeader(what: string): void {
    if (!this.charm.unit.isLeader()) {
      throw new RelationDataAccessError(
        `cannot ${what}: ${this.charm.unit.name} is not the leader, and only the leader can write application data (${this.relationName})`,
      );
    }
  }

  private relationById(relationId: number): Relation {
    const relation = this.charm.model.getRelation(this.relationName, relationId);
    if (relation === undefined) throw new TypeError(`Relation ${this.relationName} does not exist`);
    return relation;
  }

  /** Publishes a certificate for a CSR (replacing any certificate or error for that CSR). Leader only. */
  setRelationCertificate(certificate: CertificateToSet): void {
    this.requireLeader("set a certificate");
    const relation = this.relationById(certificate.relationId);
    const chain = certificate.chain.map((c) => c.raw);
    if (chain[0] !== certificate.certificate.raw) {
      log.warning(
        "The order of the chain from the TLS Certificates Provider is incorrect. The leaf certificate should be the first element of the chain.",
      );
    } else if (!chainHasValidOrder(certificate.chain)) {
      log.warning("The order of the chain from the TLS Certificates Provider is partially incorrect.");
    }
    const csr = certificate.certificateSigningRequest.raw;
    const own = this.loadOwn(relation);
    const entry: CertificateEntry = {
      ca: certificate.ca.raw,
      certificate_signing_request: csr,
      certificate: certificate.certificate.raw,
      chain,
    };
    // As the library: any certificate for this CSR is taken out, and the new one appended.
    const others = own.certificates.filter((c) => c.certificate_signing_request !== csr);
    this.dumpOwn(relation, {
      ...own,
      requestErrors: own.requestErrors.filter((e) => normalCsr(e.csr) !== csr),
      certificates: [...others, entry],
    });
  }

  /** Reports that a certificate cannot be issued for a CSR (replacing its certificate, if any). Leader only. */
  setRelationError(error: {
    readonly relationId: number;
    readonly certificateSigningRequest: CertificateSigningRequest;
    readonly error: CertificateError;
  }): void {
    this.requireLeader("set a request error");
    const relation = this.relationById(error.relationId);
    const csr = error.certificateSigningRequest.raw;
    const own = this.loadOwn(relation);
    this.dumpOwn(relation, {
      ...own,
      certificates: own.certificates.filter((c) => c.certificate_signing_request !== csr),
      requestErrors: [...own.requestErrors.filter((e) => normalCsr(e.csr) !== csr), { csr, error: error.error }],
    });
  }

  /** Marks every certificate of every relation revoked (when the CA changed). Leader only. */
  revokeAllCertificates(): void {
    this.requireLeader("revoke certificates");
    for (const relation of this.relations()) {
      const own = this.loadOwn(relation);
      this.dumpOwn(relation, { ...own, certificates: own.certificates.map((c) => ({ ...c, revoked: true })) });
    }
    log.warning("All certificates revoked");
  }

  /** Every certificate this provider published (leader only: the app bag is the leader's to read). */
  getProviderCertificates(relationId?: number): ProviderCertificate[] {
    return this.relations(relationId).flatMap((relation) =>
      this.loadOwn(relation).certificates.flatMap((c) => {
        try {
          return [
            {
              relationId: relation.id,
              certificate: Certificate.fromString(c.certificate),
              certificateSigningRequest: CertificateSigningRequest.fromString(c.certificate_signing_request),
              ca: Certificate.fromString(c.ca),
              chain: (c.chain ?? []).map((p) => Certificate.fromString(p)),
              revoked: c.revoked,
            },
          ];
        } catch {
          return [];
        }
      }),
    );
  }

  /** The published certificates that are not revoked; none on a follower. */
  getIssuedCertificates(relationId?: number): ProviderCertificate[] {
    if (!this.charm.unit.isLeader()) return [];
    return this.getProviderCertificates(relationId).filter((c) => c.revoked !== true);
  }

  getProviderCertificateErrors(relationId?: number): ProviderCertificateError[] {
    return this.relations(relationId).flatMap((relation) =>
      this.loadOwn(relation).requestErrors.flatMap((e) => {
        try {
          return [{ relationId: relation.id, certificateSigningRequest: CertificateSigningRequest.fromString(e.csr), error: e.error }];
        } catch {
          return [];
        }
      }),
    );
  }

  /** Published certificates whose CSR no requirer asks for (to revoke). */
  getUnsolicitedCertificates(relationId?: number): ProviderCertificate[] {
    const requests = this.getCertificateRequests(relationId);
    return this.getProviderCertificates(relationId).filter(
      (c) => !requests.some((r) => r.certificateSigningRequest.equals(c.certificateSigningRequest)),
    );
  }
}

function normalCsr(pem: string): string {
  try {
    return CertificateSigningRequest.fromString(pem).raw;
  } catch {
    return pem.trim();
  }
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/** Each certificate is issued by the next one (the library's `chain_has_valid_order`). */
export function chainHasValidOrder(chain: readonly Certificate[]): boolean {
  for (let i = 0; i + 1 < chain.length; i += 1) {
    const [cert, issuer] = [chain[i], chain[i + 1]];
    if (cert === undefined || issuer === undefined || !cert.isIssuedBy(issuer)) return false;
  }
  return true;
}
