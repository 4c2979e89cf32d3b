// Making CSRs and certificates as the library does (`CertificateSigningRequest.generate`,
// `Certificate.generate_self_signed_ca`, `Certificate.generate`): the same subject, serial and
// extensions, signed with SHA-256 and RSA by node:crypto.

import { der } from "./der.js";
import { ipBytes, toPem } from "./pem.js";
import { OID, crypto, encodeExtension, encodeName, encodeSans, keyIdentifier, sha256WithRsa } from "./names.js";
import { Certificate, type CertificateRequestAttributes, CertificateSigningRequest, type PrivateKey } from "./x509.js";

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
