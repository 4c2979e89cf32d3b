// RSA keys, PKCS#10 certificate signing requests and X.509 certificates, as the TLS library
// (cryptography's x509 builders) writes them: the same Name attributes in the same order and
// string types, the same extensions. node:crypto gives the keys and the signatures (loaded at
// first use); der.ts the encoding. Nothing here touches Juju.

import type { KeyObject } from "node:crypto";

import { DerError, DerNode, TAG } from "./der.js";
import {
  type Extension,
  OID,
  type Sans,
  type Subject,
  crypto,
  decodeExtensions,
  decodeName,
  decodeSans,
  modulusOf,
  publicKeyOf,
  stripUndefined,
} from "./names.js";
import { fromPem, toPem } from "./pem.js";

/** What a certificate is requested for: the library's `CertificateRequestAttributes`. */
export interface CertificateRequestAttributes {
  readonly commonName?: string;
  readonly sansDns?: readonly string[];
  readonly sansIp?: readonly string[];
  readonly sansOid?: readonly string[];
  readonly emailAddress?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly countryName?: string;
  readonly stateOrProvinceName?: string;
  readonly localityName?: string;
  /** A CA certificate (the request's `ca: true`). Default false. */
  readonly isCa?: boolean;
  /** Add an x500UniqueIdentifier (a random UUID) to the subject, so every CSR is unique. Default true, as the library. */
  readonly addUniqueIdToSubjectName?: boolean;
}

/** Attributes compared as the library compares them: missing and empty are the same, SANs are sets. */
export function sameAttributes(a: CertificateRequestAttributes, b: CertificateRequestAttributes): boolean {
  const set = (values: readonly string[] | undefined): string => [...new Set(values ?? [])].sort().join("\n");
  const text = (value: string | undefined): string => value ?? "";
  return (
    text(a.commonName) === text(b.commonName) &&
    set(a.sansDns) === set(b.sansDns) &&
    set(a.sansIp) === set(b.sansIp) &&
    set(a.sansOid) === set(b.sansOid) &&
    text(a.emailAddress) === text(b.emailAddress) &&
    text(a.organization) === text(b.organization) &&
    text(a.organizationalUnit) === text(b.organizationalUnit) &&
    text(a.countryName) === text(b.countryName) &&
    text(a.stateOrProvinceName) === text(b.stateOrProvinceName) &&
    text(a.localityName) === text(b.localityName) &&
    (a.isCa ?? false) === (b.isCa ?? false) &&
    (a.addUniqueIdToSubjectName ?? true) === (b.addUniqueIdToSubjectName ?? true)
  );
}

/** An RSA private key; `raw` is its PEM (PKCS#1, `BEGIN RSA PRIVATE KEY`, as the library stores it). */
export class PrivateKey {
  private constructor(readonly key: KeyObject) {}

  /** A new RSA key, 2048 bits and exponent 65537 by default, as the library generates. */
  static generate(options: { readonly keySize?: number } = {}): PrivateKey {
    const { privateKey } = crypto().generateKeyPairSync("rsa", { modulusLength: options.keySize ?? 2048, publicExponent: 65537 });
    return new PrivateKey(privateKey);
  }

  /** Reads a PEM private key (PKCS#1 or PKCS#8); throws `DerError` for anything else. */
  static fromString(pem: string): PrivateKey {
    let key: KeyObject;
    try {
      key = crypto().createPrivateKey({ key: pem, format: "pem" });
    } catch {
      throw new DerError("not a PEM private key");
    }
    if (key.asymmetricKeyType !== "rsa") throw new DerError("not an RSA private key");
    return new PrivateKey(key);
  }

  get raw(): string {
    return String(this.key.export({ type: "pkcs1", format: "pem" })).trim();
  }

  /** The SubjectPublicKeyInfo of the public half (DER). */
  get publicKeyDer(): Uint8Array {
    return crypto().createPublicKey(this.key).export({ type: "spki", format: "der" });
  }

  /** Bit length of the modulus. */
  get keySize(): number {
    return this.key.asymmetricKeyDetails?.modulusLength ?? 0;
  }

  sign(data: Uint8Array): Uint8Array {
    return crypto().sign("sha256", data, this.key);
  }

  toString(): string {
    return "PrivateKey(<redacted>)";
  }

  toJSON(): string {
    return "PrivateKey(<redacted>)";
  }
}

/** A PKCS#10 certificate signing request, read from PEM (`raw` is the PEM as the library prints it). */
export class CertificateSigningRequest {
  readonly subject: Subject;
  readonly sans: Sans;
  readonly extensions: readonly Extension[];
  /** SubjectPublicKeyInfo (DER). */
  readonly publicKey: Uint8Array;
  private readonly info: Uint8Array;
  private readonly signature: Uint8Array;

  private constructor(
    readonly raw: string,
    readonly der: Uint8Array,
  ) {
    const [info, , signature] = DerNode.parse(der).expect(TAG.sequence, "CertificationRequest").children();
    if (info === undefined || signature === undefined) throw new DerError("a CSR needs its info, algorithm and signature");
    const [version, subject, spki, attributes] = info.expect(TAG.sequence, "CertificationRequestInfo").children();
    if (version === undefined || subject === undefined || spki === undefined) throw new DerError("a CSR's info is incomplete");
    this.info = info.encoded;
    this.signature = signature.bits();
    this.subject = decodeName(subject);
    this.publicKey = spki.expect(TAG.sequence, "SubjectPublicKeyInfo").encoded;
    let extensions: Extension[] = [];
    if (attributes !== undefined) {
      for (const attribute of attributes.expect(0xa0, "CSR attributes").children()) {
        const [type, values] = attribute.children();
        if (type?.oid() !== OID.extensionRequest || values === undefined) continue;
        const [first] = values.expect(TAG.set, "extensionRequest values").children();
        if (first !== undefined) extensions = decodeExtensions(first);
      }
    }
    this.extensions = extensions;
    const san = extensions.find((e) => e.oid === OID.subjectAltName);
    this.sans = san === undefined ? { dns: [], ip: [], oid: [], email: [] } : decodeSans(san.value);
  }

  /** Reads a PEM CSR; throws `DerError` when it is not one. The signature is not checked (nor does the library). */
  static fromString(pem: string): CertificateSigningRequest {
    const bytes = fromPem("CERTIFICATE REQUEST", pem);
    return new CertificateSigningRequest(toPem("CERTIFICATE REQUEST", bytes), bytes);
  }

  get commonName(): string {
    return this.subject.commonName ?? "";
  }

  /** The attributes this CSR asks for (the library's `CertificateRequestAttributes.from_csr`). */
  attributes(isCa: boolean): CertificateRequestAttributes {
    const s = this.subject;
    return stripUndefined({
      commonName: s.commonName,
      sansDns: this.sans.dns.length > 0 ? this.sans.dns : undefined,
      sansIp: this.sans.ip.length > 0 ? this.sans.ip : undefined,
      sansOid: this.sans.oid.length > 0 ? this.sans.oid : undefined,
      emailAddress: s.emailAddress,
      organization: s.organization,
      organizationalUnit: s.organizationalUnit,
      countryName: s.countryName,
      stateOrProvinceName: s.stateOrProvinceName,
      localityName: s.localityName,
      isCa,
      addUniqueIdToSubjectName: s.uniqueIdentifier !== undefined,
    });
  }

  /** Whether the signature was made with the CSR's own key. */
  verifySignature(): boolean {
    try {
      return crypto().verify("sha256", this.info, publicKeyOf(this.publicKey), this.signature);
    } catch {
      return false;
    }
  }

  matchesPrivateKey(key: PrivateKey): boolean {
    return modulusOf(this.publicKey) === modulusOf(key.publicKeyDer);
  }

  matchesCertificate(certificate: Certificate): boolean {
    return Buffer.compare(this.publicKey, certificate.publicKey) === 0;
  }

  /** SHA-256 of the PEM text, hex: what the library puts in a certificate secret's label. */
  sha256Hex(): string {
    return crypto().createHash("sha256").update(this.raw).digest("hex");
  }

  /** The signed-over info's subject, for copying into a certificate. @internal */
  subjectDer(): Uint8Array {
    const [info] = DerNode.parse(this.der).children();
    const [, subject] = info?.children() ?? [];
    if (subject === undefined) throw new DerError("a CSR without a subject");
    return subject.encoded;
  }

  equals(other: CertificateSigningRequest): boolean {
    return this.raw === other.raw;
  }
}

/** An X.509 certificate, read from PEM. */
export class Certificate {
  readonly subject: Subject;
  readonly sans: Sans;
  readonly extensions: readonly Extension[];
  readonly publicKey: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly isCa: boolean;
  private readonly issuerDer: Uint8Array;

  private constructor(
    readonly raw: string,
    readonly der: Uint8Array,
  ) {
    const [tbs] = DerNode.parse(der).expect(TAG.sequence, "Certificate").children();
    if (tbs === undefined) throw new DerError("a certificate needs its TBSCertificate");
    const parts = tbs.expect(TAG.sequence, "TBSCertificate").children();
    const offset = parts[0]?.tag === 0xa0 ? 1 : 0; // [0] version, absent for v1
    const [, , issuer, validity, subject, spki] = parts.slice(offset);
    if (issuer === undefined || validity === undefined || subject === undefined || spki === undefined) {
      throw new DerError("a certificate's TBSCertificate is incomplete");
    }
    this.issuerDer = issuer.encoded;
    const [notBefore, notAfter] = validity.expect(TAG.sequence, "validity").children();
    if (notBefore === undefined || notAfter === undefined) throw new DerError("a certificate's validity is incomplete");
    this.notBefore = notBefore.time();
    this.notAfter = notAfter.time();
    this.subject = decodeName(subject);
    this.publicKey = spki.expect(TAG.sequence, "SubjectPublicKeyInfo").encoded;
    const extensionsNode = parts.find((p) => p.tag === 0xa3);
    const [extensionList] = extensionsNode?.children() ?? [];
    this.extensions = extensionList === undefined ? [] : decodeExtensions(extensionList);
    const san = this.extensions.find((e) => e.oid === OID.subjectAltName);
    this.sans = san === undefined ? { dns: [], ip: [], oid: [], email: [] } : decodeSans(san.value);
    const constraints = this.extensions.find((e) => e.oid === OID.basicConstraints);
    const [caFlag] = constraints === undefined ? [] : DerNode.parse(constraints.value).children();
    this.isCa = caFlag?.tag === TAG.boolean ? caFlag.boolean() : false;
  }

  /** Reads a PEM certificate (the first in the text); throws `DerError` when it is not one. */
  static fromString(pem: string): Certificate {
    const bytes = fromPem("CERTIFICATE", pem);
    return new Certificate(toPem("CERTIFICATE", bytes), bytes);
  }

  get commonName(): string {
    return this.subject.commonName ?? "";
  }

  /** The subjectKeyIdentifier extension's key id, if there is one. */
  get subjectKeyIdentifier(): Uint8Array | undefined {
    const ski = this.extensions.find((e) => e.oid === OID.subjectKeyIdentifier);
    return ski === undefined ? undefined : DerNode.parse(ski.value).expect(TAG.octetString, "key identifier").content;
  }

  matchesPrivateKey(key: PrivateKey): boolean {
    return modulusOf(this.publicKey) === modulusOf(key.publicKeyDer);
  }

  /** Whether `issuer`'s key signed this certificate. */
  isIssuedBy(issuer: Certificate): boolean {
    try {
      return new (crypto().X509Certificate)(Buffer.from(this.der)).verify(publicKeyOf(issuer.publicKey));
    } catch {
      return false;
    }
  }

  /** @internal */
  issuerName(): Uint8Array {
    return this.issuerDer;
  }

  equals(other: Certificate): boolean {
    return this.raw === other.raw;
  }
}
