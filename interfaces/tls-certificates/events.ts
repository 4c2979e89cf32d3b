// The requirer's public types and events: what TLSCertificatesRequiresV4 hands a charm, and what
// the provider side shares with it (ProviderCertificate and the like).

import { type JsonObject, RelationEvent } from "../../runtime/index.js";
import type { CertificateError } from "./bags.js";
import { Certificate, CertificateSigningRequest } from "./x509.js";

/** The library's id, the prefix of its secret labels: keys and certificates stay findable across a port. */
export const LIBID = "afd8c2bccf834997afce12c2706d2ede";

/** `unit`: each unit has its own key and certificates (the default). `app`: the leader requests for the application. */
export type Mode = "unit" | "app";

/** A certificate the provider issued (the library's `ProviderCertificate`). */
export interface ProviderCertificate {
  readonly relationId: number;
  readonly certificate: Certificate;
  readonly certificateSigningRequest: CertificateSigningRequest;
  readonly ca: Certificate;
  readonly chain: readonly Certificate[];
  readonly revoked: boolean | undefined;
}

/** A CSR in a requirer's bag (the library's `RequirerCertificateRequest`). */
export interface RequirerCertificateRequest {
  readonly relationId: number;
  readonly certificateSigningRequest: CertificateSigningRequest;
  readonly isCa: boolean;
}

/** A provider's refusal of a CSR (the library's `ProviderCertificateError`). */
export interface ProviderCertificateError {
  readonly relationId: number;
  readonly certificateSigningRequest: CertificateSigningRequest;
  readonly error: CertificateError;
}

function str(snapshot: JsonObject, key: string): string {
  const value = snapshot[key];
  return typeof value === "string" ? value : "";
}

/** A certificate arrived (or is still there) for one of this unit's CSRs. */
export class CertificateAvailableEvent extends RelationEvent {
  get certificate(): Certificate {
    return Certificate.fromString(str(this.snapshot, "certificate"));
  }

  get certificateSigningRequest(): CertificateSigningRequest {
    return CertificateSigningRequest.fromString(str(this.snapshot, "certificateSigningRequest"));
  }

  get ca(): Certificate {
    return Certificate.fromString(str(this.snapshot, "ca"));
  }

  get chain(): Certificate[] {
    const chain = this.snapshot["chain"];
    return Array.isArray(chain) ? chain.filter((c): c is string => typeof c === "string").map((c) => Certificate.fromString(c)) : [];
  }

  /** The chain as one PEM text, certificates separated by a blank line (the library's `chain_as_pem`). */
  chainAsPem(): string {
    return this.chain.map((c) => c.raw).join("\n\n");
  }
}

/** The provider could not issue a certificate for one of this unit's CSRs. */
export class CertificateDeniedEvent extends RelationEvent {
  get certificateSigningRequest(): CertificateSigningRequest {
    return CertificateSigningRequest.fromString(str(this.snapshot, "certificateSigningRequest"));
  }

  get error(): CertificateError {
    return JSON.parse(str(this.snapshot, "error")) as CertificateError;
  }
}
