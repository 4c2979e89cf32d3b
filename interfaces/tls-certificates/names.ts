// The parts of X.509 the TLS interface builds and reads, as the library's cryptography builders
// write them: Names (one attribute per RDN, the library's order and string types), SANs,
// extensions, and the key helpers (moduli, key identifiers). x509.ts and issue.ts build on these.

import type { KeyObject } from "node:crypto";

import { DerError, DerNode, TAG, der } from "./der.js";
import { ipBytes, ipText } from "./pem.js";

export const crypto = (): typeof import("node:crypto") => process.getBuiltinModule("node:crypto");

export const OID = {
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

export interface Subject {
  readonly commonName?: string;
  readonly uniqueIdentifier?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly emailAddress?: string;
  readonly countryName?: string;
  readonly stateOrProvinceName?: string;
  readonly localityName?: string;
}

export interface Sans {
  readonly dns: string[];
  readonly ip: string[];
  readonly oid: string[];
  readonly email: string[];
}

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extension's whole DER (the Extension SEQUENCE). */
  readonly encoded: Uint8Array;
  /** The extnValue's content (the DER of the extension's value). */
  readonly value: Uint8Array;
}

/** The name as the library builds it: one attribute per RDN, in this order, with these string types. */
export function encodeName(subject: Subject): Uint8Array {
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

export function decodeName(node: DerNode): Subject {
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

export function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function encodeSans(sans: {
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

export function decodeSans(value: Uint8Array): Sans {
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

export function encodeExtension(oid: string, critical: boolean, value: Uint8Array): Uint8Array {
  return der.sequence(der.oid(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

export function decodeExtensions(node: DerNode): Extension[] {
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

export const sha256WithRsa = (): Uint8Array => der.sequence(der.oid(OID.sha256WithRsa), der.null());

export function publicKeyOf(spki: Uint8Array): KeyObject {
  try {
    return crypto().createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  } catch {
    throw new DerError("the public key cannot be read");
  }
}

/** The RSA modulus of a SubjectPublicKeyInfo, hex, for comparing keys as the library does (by their numbers). */
export function modulusOf(spki: Uint8Array): string {
  const key = publicKeyOf(spki);
  if (key.asymmetricKeyType !== "rsa") return `${key.asymmetricKeyType ?? "?"}:${Buffer.from(spki).toString("hex")}`;
  const jwk = key.export({ format: "jwk" });
  return `${jwk.n ?? ""}.${jwk.e ?? ""}`;
}

/** SHA-1 of the subjectPublicKey bits: RFC 5280's key identifier method 1, which cryptography uses. */
export function keyIdentifier(spki: Uint8Array): Uint8Array {
  const [, bits] = DerNode.parse(spki).children();
  if (bits === undefined) throw new DerError("bad SubjectPublicKeyInfo");
  return crypto().createHash("sha1").update(bits.bits()).digest();
}
