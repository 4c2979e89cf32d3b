// RSA keys, PKCS#10 certificate signing requests and X.509 certificates, as the TLS library
// (cryptography's x509 builders) writes them: the same Name attributes in the same order and
// string types, the same extensions. node:crypto gives the keys and the signatures (loaded at
// first use); der.ts the encoding. Nothing here touches Juju.

import type { KeyObject } from "node:crypto";

import { DerError, DerNode, TAG, der } from "./der.js";
import { fromPem, ipBytes, ipText, toPem } from "./pem.js";

const crypto = (): typeof import("node:crypto") => process.getBuiltinModule("node:crypto");

const OID = {
  commonName: "2.5.4.3",
  x500UniqueIdentifier: "2.5.4.45",
  organization: "2.5.4.10",
  organizationalUnit: "2.5.4.11",
  emailAddress: "1.2.840.113549.1.9.1",
  country: "2.5.4.6",
  stateOrProvince: "2.5.4.8",
  locality: "2.5.4.7",
  extensionRequest: "1.2.840.113549.1.9.14",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  sha256WithRsa: "1.2.840.113549.1.1.11",
  rsaEncryption: "1.2.840.113549.1.1.1",
} as const;

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

interface Subject {
  readonly commonName?: string;
  readonly uniqueIdentifier?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly emailAddress?: string;
  readonly countryName?: string;
  readonly stateOrProvinceName?: string;
  readonly localityName?: string;
}

interface Sans {
  readonly dns: string[];
  readonly ip: string[];
  readonly oid: string[];
  readonly email: string[];
}

interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension's whole DER (the Extension SEQUENCE). */
  readonly encoded: Uint8Array;
  /** The extnValue's content (the DER of the extension's value). */
  readonly value: Uint8Array;
}

/** The name as the library builds it: one attribute per RDN, in this order, with these string types. */
function encodeName(subject: Subject): Uint8Array {
  const rdn = (oid: string, value: Uint8Array): Uint8Array => der.setOf(der.sequence(der.oid(oid), value));
  const parts: Uint8Array[] = [];
  if (subject.commonName) parts.push(rdn(OID.commonName, der.utf8(subject.commonName)));
  if (subject.uniqueIdentifier) parts.push(rdn(OID.x500UniqueIdentifier, der.utf8(subject.uniqueIdentifier)));
  if (subject.organization) parts.push(rdn(OID.organization, der.utf8(subject.organization)));
  if (subject.organizationalUnit) parts.push(rdn(OID.organizationalUnit, der.utf8(subject.organizationalUnit)));
  if (subject.emailAddress) parts.push(rdn(OID.emailAddress, der.ia5(subject.emailAddress)));
  if (subject.countryName) parts.push(rdn(OID.country, der.printable(subject.countryName)));
  if (subject.stateOrProvinceName) parts.push(rdn(OID.stateOrProvince, der.utf8(subject.stateOrProvinceName)));
  if (subject.localityName) parts.push(rdn(OID.locality, der.utf8(subject.localityName)));
  return der.sequence(...parts);
}

function decodeName(node: DerNode): Subject {
  const found: Record<string, string> = {};
  for (const rdn of node.expect(TAG.sequence, "name").children()) {
    for (const attribute of rdn.expect(TAG.set, "relative distinguished name").children()) {
      const [type, value] = attribute.expect(TAG.sequence, "name attribute").children();
      if (type === undefined || value === undefined) throw new DerError("a name attribute needs a type and a value");
      const oid = type.oid();
      // The first of each kind, as the library's accessors read `get_attributes_for_oid(...)[0]`.
      if (!(oid in found)) found[oid] = value.text();
    }
  }
  const pick = (oid: string): string | undefined => found[oid];
  return stripUndefined({
    commonName: pick(OID.commonName),
    uniqueIdentifier: pick(OID.x500UniqueIdentifier),
    organization: pick(OID.organization),
    organizationalUnit: pick(OID.organizationalUnit),
    emailAddress: pick(OID.emailAddress),
    countryName: pick(OID.country),
    stateOrProvinceName: pick(OID.stateOrProvince),
    localityName: pick(OID.locality),
  });
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function encodeSans(sans: {
  dns?: readonly string[];
  ip?: readonly string[];
  oid?: readonly string[];
  email?: readonly string[];
}): Uint8Array {
  const names: Uint8Array[] = [];
  for (const email of sans.email ?? []) names.push(der.context(1, false, Buffer.from(email, "latin1")));
  for (const dns of sans.dns ?? []) names.push(der.context(2, false, Buffer.from(dns, "latin1")));
  for (const ip of sans.ip ?? []) names.push(der.context(7, false, ipBytes(ip)));
  for (const oid of sans.oid ?? []) names.push(der.context(8, false, der.oid(oid).subarray(2)));
  return der.sequence(...names);
}

function decodeSans(value: Uint8Array): Sans {
  const sans: Sans = { dns: [], ip: [], oid: [], email: [] };
  for (const name of DerNode.parse(value).expect(TAG.sequence, "subjectAltName").children()) {
    const text = Buffer.from(name.content).toString("latin1");
    if (name.tag === 0x81) sans.email.push(text);
    else if (name.tag === 0x82) sans.dns.push(text);
    else if (name.tag === 0x87) sans.ip.push(ipText(name.content));
    else if (name.tag === 0x88) sans.oid.push(new DerNode(name.content, TAG.oid, 0, 0, name.content.length).oid());
  }
  return sans;
}

function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function decodeExtensions(node: DerNode): Extension[] {
  return node
    .expect(TAG.sequence, "extensions")
    .children()
    .map((extension) => {
      const parts = extension.expect(TAG.sequence, "extension").children();
      const [oidNode, second, third] = parts;
      if (oidNode === undefined || second === undefined) throw new DerError("an extension needs an id and a value");
      const critical = third !== undefined ? second.boolean() : false;
      const valueNode = (third ?? second).expect(TAG.octetString, "extension value");
      return { oid: oidNode.oid(), critical, encoded: extension.encoded, value: valueNode.content };
    });
}

const sha256WithRsa = (): Uint8Array => der.sequence(der.oid(OID.sha256WithRsa), der.null());

function publicKeyOf(spki: Uint8Array): KeyObject {
  try {
    return crypto().createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    throw new DerError("the public key cannot be read");
  }
}

/** The RSA modulus of a SubjectPublicKeyInfo, hex, for comparing keys as the library does (by their numbers). */
function modulusOf(spki: Uint8Array): string {
  const key = publicKeyOf(spki);
  if (key.asymmetricKeyType !== "rsa") return `${key.asymmetricKeyType ?? "?"}:${Buffer.from(spki).toString("hex")}`;
  const jwk = key.export({ format: "jwk" });
  return `${jwk.n ?? ""}.${jwk.e ?? ""}`;
}

/** SHA-1 of the subjectPublicKey bits: RFC 5280's key identifier method 1, which cryptography uses. */
function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, bits] = DerNode.parse(spki).children();
  if (bits === undefined) throw new DerError("bad SubjectPublicKeyInfo");
  return crypto().createHash("sha1").update(bits.bits()).digest();
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

/** Builds and signs a CSR as the library's `CertificateSigningRequest.generate` does. */
export function generateCsr(attributes: CertificateRequestAttributes, key: PrivateKey): CertificateSigningRequest {
  checkAttributes(attributes);
  const subject = encodeName({
    ...attributes,
    ...(attributes.addUniqueIdToSubjectName === false ? {} : { uniqueIdentifier: crypto().randomUUID() }),
  });
  const hasSans = (attributes.sansDns?.length ?? 0) + (attributes.sansIp?.length ?? 0) + (attributes.sansOid?.length ?? 0) > 0;
  const extensions = hasSans
    ? [encodeExtension(OID.subjectAltName, false, encodeSans({ dns: attributes.sansDns, ip: attributes.sansIp, oid: attributes.sansOid }))]
    : [];
  const requestAttributes =
    extensions.length > 0
      ? der.context(0, true, der.sequence(der.oid(OID.extensionRequest), der.setOf(der.sequence(...extensions))))
      : der.context(0, true);
  const info = der.sequence(der.smallInteger(0), subject, key.publicKeyDer, requestAttributes);
  const request = der.sequence(info, sha256WithRsa(), der.bitString(key.sign(info)));
  return CertificateSigningRequest.fromString(toPem("CERTIFICATE REQUEST", request));
}

/** Refuses what the library refuses: a request with neither a common name nor a SAN. */
export function checkAttributes(attributes: CertificateRequestAttributes): void {
  const { commonName, sansDns, sansIp, sansOid } = attributes;
  if (!commonName && !sansDns?.length && !sansIp?.length && !sansOid?.length) {
    throw new TypeError("At least one of commonName, sansDns, sansIp, or sansOid must be provided");
  }
  for (const ip of sansIp ?? []) ipBytes(ip);
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

function randomSerial(): Uint8Array {
  // 159 random bits, as cryptography's random_serial_number (20 bytes shifted right by one).
  const bytes = crypto().randomBytes(20);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return bytes;
}

function signCertificate(tbsParts: readonly Uint8Array[], key: PrivateKey): Certificate {
  const tbs = der.sequence(...tbsParts);
  return Certificate.fromString(toPem("CERTIFICATE", der.sequence(tbs, sha256WithRsa(), der.bitString(key.sign(tbs)))));
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Validity: a number of days, or an explicit window (tests use short ones). */
export type Validity = { readonly days: number } | { readonly seconds: number };

function validityMs(validity: Validity): number {
  return "days" in validity ? validity.days * DAY_MS : validity.seconds * 1000;
}

/**
 * A self-signed CA certificate, as the library's `Certificate.generate_self_signed_ca`: the
 * subject built from `attributes` (with a unique id unless told not to), subjectKeyIdentifier,
 * basicConstraints CA (critical), keyUsage digitalSignature + keyEncipherment + keyCertSign
 * (critical), and the SANs if any.
 */
export function generateCa(attributes: CertificateRequestAttributes, key: PrivateKey, validity: Validity = { days: 365 }): Certificate {
  checkAttributes(attributes);
  const name = encodeName({
    ...attributes,
    ...(attributes.addUniqueIdToSubjectName === false ? {} : { uniqueIdentifier: crypto().randomUUID() }),
  });
  const now = new Date();
  const spki = key.publicKeyDer;
  const extensions = [
    encodeExtension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spki))),
    encodeExtension(OID.basicConstraints, true, der.sequence(der.boolean(true))),
    // digitalSignature (bit 0), keyEncipherment (2), keyCertSign (5): 1010 0100, 2 unused bits.
    encodeExtension(OID.keyUsage, true, der.bitString(Uint8Array.of(0xa4), 2)),
  ];
  const email = attributes.emailAddress === undefined ? [] : [attributes.emailAddress];
  if (email.length + (attributes.sansDns?.length ?? 0) + (attributes.sansIp?.length ?? 0) + (attributes.sansOid?.length ?? 0) > 0) {
    extensions.push(
      encodeExtension(
        OID.subjectAltName,
        false,
        encodeSans({ email, dns: attributes.sansDns, ip: attributes.sansIp, oid: attributes.sansOid }),
      ),
    );
  }
  return signCertificate(
    [
      der.context(0, true, der.smallInteger(2)),
      der.unsigned(randomSerial()),
      sha256WithRsa(),
      name,
      der.sequence(der.time(now), der.time(new Date(now.getTime() + validityMs(validity)))),
      name,
      spki,
      der.context(3, true, der.sequence(...extensions)),
    ],
    key,
  );
}

/**
 * A certificate for `csr`, signed by `caKey`, as the library's `Certificate.generate`: the CSR's
 * subject and key, the CA's issuer name, authorityKeyIdentifier (the CA's key id),
 * subjectKeyIdentifier, basicConstraints (critical), the CSR's SANs (with the subject's e-mail),
 * keyUsage keyCertSign + cRLSign (critical) for a CA, then the CSR's other extensions.
 */
export function generateCertificate(options: {
  readonly csr: CertificateSigningRequest;
  readonly ca: Certificate;
  readonly caKey: PrivateKey;
  readonly validity?: Validity;
  readonly isCa?: boolean;
  /** The start of the validity (default now; a test may backdate it). */
  readonly notBefore?: Date;
}): Certificate {
  const { csr, ca, caKey } = options;
  const isCa = options.isCa ?? false;
  const authorityKeyId = ca.subjectKeyIdentifier;
  if (authorityKeyId === undefined) throw new TypeError("the CA certificate has no subjectKeyIdentifier");
  const now = options.notBefore ?? new Date();
  const extensions: { oid: string; encoded: Uint8Array }[] = [
    {
      oid: OID.authorityKeyIdentifier,
      encoded: encodeExtension(OID.authorityKeyIdentifier, false, der.sequence(der.context(0, false, authorityKeyId))),
    },
    {
      oid: OID.subjectKeyIdentifier,
      encoded: encodeExtension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(csr.publicKey))),
    },
    {
      oid: OID.basicConstraints,
      encoded: encodeExtension(OID.basicConstraints, true, isCa ? der.sequence(der.boolean(true)) : der.sequence()),
    },
  ];
  const email = [...csr.sans.email];
  if (csr.subject.emailAddress !== undefined && !email.includes(csr.subject.emailAddress)) email.push(csr.subject.emailAddress);
  const sanCount = csr.sans.dns.length + csr.sans.ip.length + csr.sans.oid.length + email.length;
  if (sanCount > 0) {
    // The library writes DNS names, IPs, OIDs, then e-mail addresses.
    const names = [
      ...csr.sans.dns.map((d) => der.context(2, false, Buffer.from(d, "latin1"))),
      ...csr.sans.ip.map((ip) => der.context(7, false, ipBytes(ip))),
      ...csr.sans.oid.map((o) => der.context(8, false, der.oid(o).subarray(2))),
      ...email.map((e) => der.context(1, false, Buffer.from(e, "latin1"))),
    ];
    extensions.push({ oid: OID.subjectAltName, encoded: encodeExtension(OID.subjectAltName, false, der.sequence(...names)) });
  }
  if (isCa) {
    // keyCertSign (bit 5), cRLSign (6): 0000 0110, 1 unused bit.
    extensions.push({ oid: OID.keyUsage, encoded: encodeExtension(OID.keyUsage, true, der.bitString(Uint8Array.of(0x06), 1)) });
  }
  const managed = new Set(extensions.map((e) => e.oid));
  for (const extension of csr.extensions) {
    if (extension.oid === OID.subjectAltName || managed.has(extension.oid)) continue;
    extensions.push({ oid: extension.oid, encoded: extension.encoded });
  }
  return signCertificate(
    [
      der.context(0, true, der.smallInteger(2)),
      der.unsigned(randomSerial()),
      sha256WithRsa(),
      ca.issuerName(),
      der.sequence(der.time(now), der.time(new Date(now.getTime() + validityMs(options.validity ?? { days: 365 })))),
      csr.subjectDer(),
      csr.publicKey,
      der.context(3, true, der.sequence(...extensions.map((e) => e.encoded))),
    ],
    caKey,
  );
}
