// The DER, PEM, CSR and certificate code against what Python's cryptography (through the TLS
// library) wrote: the recorded CSRs and certificates are read, and tscharm's own are built with
// the same structure (attribute order, string types, extensions) as the library's.

import { describe, expect, test } from "vitest";

import { DerNode, der } from "../../../interfaces/tls-certificates/der.js";
import { fromPem, ipBytes, ipText, toPem } from "../../../interfaces/tls-certificates/pem.js";
import { generateCa, generateCsr } from "../../../interfaces/tls-certificates/issue.js";
import { Certificate, CertificateSigningRequest, PrivateKey } from "../../../interfaces/tls-certificates/x509.js";
import { recording, testCa } from "./fixtures.js";

const created = recording("requirer-unit").steps[0];
const libraryCsr = (
  JSON.parse(created?.wrote.localUnit["certificate_signing_requests"] ?? "[]") as { certificate_signing_request: string }[]
)[0]?.certificate_signing_request;
if (libraryCsr === undefined) throw new Error("no recorded CSR");

/** The subject as (OID, string tag) pairs, and the extension OIDs: the structure, without the random parts. */
function structure(csrPem: string): { subject: [string, number][]; extensions: string[] } {
  const [info] = DerNode.parse(fromPem("CERTIFICATE REQUEST", csrPem)).children();
  const [, subject, , attributes] = info?.children() ?? [];
  const names = (subject?.children() ?? []).map((rdn): [string, number] => {
    const [type, value] = rdn.children()[0]?.children() ?? [];
    return [type?.oid() ?? "", value?.tag ?? 0];
  });
  const extensions = CertificateSigningRequest.fromString(csrPem).extensions.map((e) => e.oid);
  expect(attributes?.tag).toBe(0xa0);
  return { subject: names, extensions };
}

describe("CSRs", () => {
  test("the library's CSR reads as the request it was made for", () => {
    const csr = CertificateSigningRequest.fromString(libraryCsr);
    expect(csr.raw).toBe(libraryCsr);
    expect(csr.commonName).toBe("web.example.com");
    expect([...csr.sans.dns].sort()).toEqual(["web-0.internal", "web.example.com"]);
    expect(csr.sans.ip).toEqual(["10.1.2.3"]);
    expect(csr.subject.organization).toBe("Example");
    expect(csr.subject.uniqueIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    expect(csr.verifySignature()).toBe(true);
    const key = PrivateKey.fromString(created?.secrets[0]?.content["private-key"] ?? "");
    expect(csr.matchesPrivateKey(key)).toBe(true);
    expect(csr.matchesPrivateKey(PrivateKey.generate())).toBe(false);
  });

  test("tscharm's CSR has the library's structure: attribute order, string types, the SAN extension", () => {
    const ours = generateCsr(
      { commonName: "web.example.com", sansDns: ["web.example.com", "web-0.internal"], sansIp: ["10.1.2.3"], organization: "Example" },
      PrivateKey.generate(),
    );
    expect(structure(ours.raw)).toEqual(structure(libraryCsr));
    expect(structure(ours.raw).subject).toEqual([
      ["2.5.4.3", 0x0c],
      ["2.5.4.45", 0x0c],
      ["2.5.4.10", 0x0c],
    ]);
  });

  test("every subject attribute, in the library's order and types (country PrintableString, e-mail IA5String)", () => {
    const csr = generateCsr(
      {
        commonName: "a",
        organization: "o",
        organizationalUnit: "ou",
        emailAddress: "e@x",
        countryName: "GB",
        stateOrProvinceName: "st",
        localityName: "l",
        addUniqueIdToSubjectName: false,
      },
      PrivateKey.generate(),
    );
    expect(structure(csr.raw)).toEqual({
      subject: [
        ["2.5.4.3", 0x0c],
        ["2.5.4.10", 0x0c],
        ["2.5.4.11", 0x0c],
        ["1.2.840.113549.1.9.1", 0x16],
        ["2.5.4.6", 0x13],
        ["2.5.4.8", 0x0c],
        ["2.5.4.7", 0x0c],
      ],
      extensions: [],
    });
    expect(csr.attributes(false)).toMatchObject({ commonName: "a", countryName: "GB", addUniqueIdToSubjectName: false });
  });

  test("a tampered CSR fails its signature; garbage is a DerError", () => {
    const csr = generateCsr({ commonName: "x.example" }, PrivateKey.generate());
    const bytes = Buffer.from(csr.der);
    const at = bytes.indexOf(Buffer.from("x.example"));
    bytes[at] = "y".charCodeAt(0);
    expect(CertificateSigningRequest.fromString(toPem("CERTIFICATE REQUEST", bytes)).verifySignature()).toBe(false);
    expect(() => CertificateSigningRequest.fromString("nope")).toThrow(/not a PEM certificate request/);
    expect(() => CertificateSigningRequest.fromString(toPem("CERTIFICATE REQUEST", Uint8Array.of(0x30, 0x05, 1)))).toThrow(
      /past its container/,
    );
  });

  test("a request with neither a common name nor a SAN is refused, as the library refuses it", () => {
    expect(() => generateCsr({ organization: "x" }, PrivateKey.generate())).toThrow(/At least one of commonName/);
    expect(() => generateCsr({ commonName: "x", sansIp: ["300.1.1.1"] }, PrivateKey.generate())).toThrow(/not an IP address/);
  });
});

describe("certificates", () => {
  test("the library's CA and the certificate it issued read as the library made them", () => {
    const ca = Certificate.fromString(testCa.ca);
    expect(ca.isCa).toBe(true);
    expect(ca.commonName).toBe("Test Root CA");
    expect(ca.isIssuedBy(ca)).toBe(true);
    const [entry] = JSON.parse(recording("provider").steps[0]?.wrote.localApp["certificates"] ?? "[]") as { certificate: string }[];
    const leaf = Certificate.fromString(entry?.certificate ?? "");
    expect(leaf.isIssuedBy(ca)).toBe(true);
    expect(leaf.isCa).toBe(false);
    expect(leaf.notAfter.getTime() - leaf.notBefore.getTime()).toBe(90 * 86_400_000);
  });

  test("generateCa: a self-signed CA with the library's extensions", () => {
    const key = PrivateKey.generate();
    const ca = generateCa({ commonName: "My CA", sansDns: ["ca.example"] }, key, { days: 10 });
    expect(ca.isCa).toBe(true);
    expect(ca.isIssuedBy(ca)).toBe(true);
    expect(ca.extensions.map((e) => [e.oid, e.critical])).toEqual([
      ["2.5.29.14", false],
      ["2.5.29.19", true],
      ["2.5.29.15", true],
      ["2.5.29.17", false],
    ]);
    expect(ca.subject.uniqueIdentifier).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("DER and addresses", () => {
  test("IP addresses are written as Python's ipaddress writes them", () => {
    expect(ipText(ipBytes("2001:0db8:0000:0000:0000:0000:0000:0001"))).toBe("2001:db8::1");
    expect(ipText(ipBytes("::1"))).toBe("::1");
    expect(ipText(ipBytes("1:0:0:2:0:0:0:3"))).toBe("1:0:0:2::3");
    expect(ipText(ipBytes("1:0:2:3:4:5:6:7"))).toBe("1:0:2:3:4:5:6:7");
    expect(ipText(ipBytes("::"))).toBe("::");
    expect(ipText(ipBytes("10.0.0.255"))).toBe("10.0.0.255");
    for (const bad of ["10.0.0.256", "01.2.3.4", "1::2::3", "1:2:3:4:5:6:7", "x"]) expect(() => ipBytes(bad)).toThrow(/not an IP address/);
  });

  test("times: UTCTime before 2050, GeneralizedTime from then on, read back", () => {
    const before = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));
    const after = new Date(Date.UTC(2050, 0, 1, 0, 0, 0));
    expect(der.time(before)[0]).toBe(0x17);
    expect(der.time(after)[0]).toBe(0x18);
    expect(DerNode.parse(der.time(before)).time()).toEqual(before);
    expect(DerNode.parse(der.time(after)).time()).toEqual(after);
  });

  test("OIDs, lengths and integers round-trip", () => {
    for (const oid of ["1.2.840.113549.1.1.11", "2.5.29.17", "2.999.3", "1.3.6.1.4.1.311.21.7"])
      expect(DerNode.parse(der.oid(oid)).oid()).toBe(oid);
    const long = der.octetString(new Uint8Array(300));
    expect(Array.from(long.subarray(0, 4))).toEqual([0x04, 0x82, 0x01, 0x2c]);
    expect(Array.from(der.unsigned(Uint8Array.of(0x80)))).toEqual([0x02, 0x02, 0x00, 0x80]);
    expect(Array.from(der.unsigned(Uint8Array.of(0, 0, 5)))).toEqual([0x02, 0x01, 0x05]);
  });

  test("a private key never prints", () => {
    const key = PrivateKey.generate();
    expect(String(key)).toBe("PrivateKey(<redacted>)");
    expect(JSON.stringify({ key })).not.toContain("PRIVATE");
  });
});
