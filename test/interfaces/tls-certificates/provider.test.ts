// The provider against the bags charmlibs' tls-certificates library wrote and read (record.py's
// provider recording): tscharm's TlsCertificatesProvides must read the requirer's CSRs as
// TLSCertificatesProvidesV4 reads them, and write, for the same certificates, the same bytes.

import { describe, expect, test } from "vitest";

import {
  Certificate,
  CertificateSigningRequest,
  PrivateKey,
  TlsCertificatesProvides,
  generateCertificate,
  generateCsr,
} from "../../../interfaces/tls-certificates/index.js";
import { pythonJson } from "../../../interfaces/common/data.js";
import { ActiveStatus, BlockedStatus, CharmBase, type Framework, RelationDataAccessError } from "../../../runtime/index.js";
import { Context, Relation, State } from "../../../testing/index.js";
import { type RecordedStep, recording, testCa } from "./fixtures.js";

const run = recording("provider");
const [issued, revoked, denied, withdrawn] = run.steps;
if (issued === undefined || revoked === undefined || denied === undefined || withdrawn === undefined)
  throw new Error("provider.json has 4 steps");

type Action = (tls: TlsCertificatesProvides, charm: CharmBase) => void;
let action: Action = () => undefined;

class CaCharm extends CharmBase {
  readonly tls = new TlsCertificatesProvides(this, "certificates");

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus());
    });
    framework.observe(this.on.relationChanged("certificates"), () => {
      action(this.tls, this);
    });
    framework.observe(this.on.configChanged, () => {
      action(this.tls, this);
    });
  }
}

const meta = { name: "ca", provides: { certificates: { interface: "tls-certificates" } } };
const context = () => new Context(CaCharm, { meta });

interface Entry {
  ca: string;
  certificate_signing_request: string;
  certificate: string;
  chain: string[];
}
const issuedEntries = JSON.parse(issued.wrote.localApp["certificates"] ?? "[]") as Entry[];

/** Publishes, for each request, the certificate the library's provider issued for it (the recorded one). */
const publishRecorded: Action = (tls) => {
  for (const request of tls.getOutstandingCertificateRequests()) {
    const entry = issuedEntries.find((e) => e.certificate_signing_request === request.certificateSigningRequest.raw);
    if (entry === undefined) throw new Error("no recorded certificate for a request");
    tls.setRelationCertificate({
      relationId: request.relationId,
      certificate: Certificate.fromString(entry.certificate),
      certificateSigningRequest: request.certificateSigningRequest,
      ca: Certificate.fromString(entry.ca),
      chain: entry.chain.map((pem) => Certificate.fromString(pem)),
    });
  }
};

function requirerRelation(step: RecordedStep, localAppData: Record<string, string> = {}): Relation {
  const units = Object.fromEntries(Object.entries(step.given.remoteUnits ?? {}).map(([n, bag]) => [Number(n), bag]));
  return new Relation({
    endpoint: "certificates",
    remoteAppName: "web",
    remoteAppData: step.given.remoteApp ?? {},
    remoteUnitsData: units,
    localAppData,
  });
}

describe("provider, against TLSCertificatesProvidesV4's recording", () => {
  test("reads the requirer's CSRs from its unit bags and its app bag, with ca as the library reads it", async () => {
    let read: { cn: string; isCa: boolean; relationId: number }[] = [];
    action = (tls) => {
      read = tls
        .getCertificateRequests()
        .map((r) => ({ cn: r.certificateSigningRequest.commonName, isCa: r.isCa, relationId: r.relationId }));
    };
    const ctx = context();
    const relation = requirerRelation(issued);
    await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    expect(read).toEqual(issued.read?.map((r) => ({ cn: r.common_name, isCa: r.is_ca, relationId: relation.id })));
  });

  test("setRelationCertificate writes `certificates` byte for byte as the library did for the same certificates", async () => {
    action = publishRecorded;
    const ctx = context();
    const relation = requirerRelation(issued);
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(issued.wrote.localApp);
    // And once published, nothing is outstanding: a second run changes nothing.
    const again = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), out);
    expect(again.getRelation(relation.id)?.localAppData).toEqual(issued.wrote.localApp);
  });

  test("revokeAllCertificates marks every certificate revoked, byte for byte as the library", async () => {
    action = (tls) => {
      tls.revokeAllCertificates();
    };
    const ctx = context();
    const relation = requirerRelation(issued, issued.wrote.localApp);
    const out = await ctx.run(ctx.on.configChanged(), new State({ leader: true, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(revoked.wrote.localApp);
    expect(pythonJson(JSON.parse(revoked.wrote.localApp["certificates"] ?? "")) === revoked.wrote.localApp["certificates"]).toBe(true);
  });

  test("setRelationError writes `request_errors` (with the library's `csr` key) byte for byte", async () => {
    action = (tls) => {
      for (const request of tls.getOutstandingCertificateRequests()) {
        tls.setRelationError({
          relationId: request.relationId,
          certificateSigningRequest: request.certificateSigningRequest,
          error: { code: 101, name: "IP_NOT_ALLOWED", message: "IP addresses are not allowed", provider: "test-ca" },
        });
      }
    };
    const ctx = context();
    const relation = requirerRelation(denied);
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 1 }), new State({ leader: true, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(denied.wrote.localApp);
    expect(denied.wrote.localApp["request_errors"]).toContain('"csr": ');
  });

  test("a certificate whose CSR the requirer withdrew is dropped, as the library drops it", async () => {
    action = () => undefined;
    const ctx = context();
    const relation = requirerRelation(withdrawn, issued.wrote.localApp);
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(withdrawn.wrote.localApp);
  });

  test("the app bag is rewritten whole, as the library's model dump clears it first", async () => {
    action = publishRecorded;
    const ctx = context();
    const relation = requirerRelation(issued, { stale: "left by an older charm" });
    const out = await ctx.run(ctx.on.relationChanged(relation, { remoteUnit: 0 }), new State({ leader: true, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(issued.wrote.localApp);
  });

  test("getOutstanding/getIssued/getUnsolicited follow the bags", async () => {
    let seen: number[] = [];
    action = (tls) => {
      seen = [tls.getOutstandingCertificateRequests().length, tls.getIssuedCertificates().length, tls.getUnsolicitedCertificates().length];
    };
    const ctx = context();
    const fresh = requirerRelation(issued);
    await ctx.run(ctx.on.relationChanged(fresh, { remoteUnit: 0 }), new State({ leader: true, relations: [fresh] }));
    expect(seen).toEqual([2, 0, 0]);
    const published = requirerRelation(issued, issued.wrote.localApp);
    await ctx.run(ctx.on.configChanged(), new State({ leader: true, relations: [published] }));
    expect(seen).toEqual([0, 2, 0]);
    const allRevoked = requirerRelation(issued, revoked.wrote.localApp);
    await ctx.run(ctx.on.configChanged(), new State({ leader: true, relations: [allRevoked] }));
    expect(seen).toEqual([2, 0, 0]);
  });

  test("a follower is refused before any relation data is touched", async () => {
    let caught: unknown;
    action = (tls) => {
      try {
        tls.revokeAllCertificates();
      } catch (error) {
        caught = error;
      }
    };
    const ctx = context();
    const relation = requirerRelation(issued);
    const out = await ctx.run(ctx.on.configChanged(), new State({ leader: false, relations: [relation] }));
    expect(caught).toBeInstanceOf(RelationDataAccessError);
    expect(String(caught)).toMatch(/cannot revoke certificates: ca\/0 is not the leader/);
    expect(out.getRelation(relation.id)?.localAppData).toEqual({});
  });

  test("a CSR that does not parse: a blocked status naming the key; a good bag clears it", async () => {
    action = () => undefined;
    const ctx = context();
    const bad = new Relation({
      endpoint: "certificates",
      remoteAppName: "web",
      remoteUnitsData: { 0: { certificate_signing_requests: pythonJson([{ certificate_signing_request: "garbage", ca: false }]) } },
    });
    const out = await ctx.run(ctx.on.relationChanged(bad, { remoteUnit: 0 }), new State({ leader: true, relations: [bad] }));
    expect(out.unitStatus).toBeInstanceOf(BlockedStatus);
    expect(out.unitStatus.message).toMatch(
      /web\/0 sent a bad "certificate_signing_requests\[0\]\.certificate_signing_request" .*expected a PEM certificate signing request, got "garbage"/,
    );
    const good = new Relation({
      id: bad.id,
      endpoint: "certificates",
      remoteAppName: "web",
      remoteUnitsData: { 0: issued.given.remoteUnits?.["0"] ?? {} },
    });
    const fixed = await ctx.run(ctx.on.relationChanged(good, { remoteUnit: 0 }), out.with({ relations: [good] }));
    expect(fixed.unitStatus).toEqual(new ActiveStatus());
  });
});

describe("signing helpers", () => {
  test("generateCertificate with the recorded CA signs a tscharm CSR; the certificate chains to the CA and matches the key", () => {
    const ca = Certificate.fromString(testCa.ca);
    const caKey = PrivateKey.fromString(testCa.caKey);
    const key = PrivateKey.generate();
    const csr = generateCsr(
      { commonName: "db.example.com", sansDns: ["db.example.com"], sansIp: ["2001:db8::1"], emailAddress: "ops@example.com" },
      key,
    );
    const certificate = generateCertificate({ csr, ca, caKey, validity: { days: 30 } });
    expect(certificate.isIssuedBy(ca)).toBe(true);
    expect(certificate.isIssuedBy(certificate)).toBe(false);
    expect(certificate.matchesPrivateKey(key)).toBe(true);
    expect(csr.matchesCertificate(certificate)).toBe(true);
    expect(certificate.isCa).toBe(false);
    expect(certificate.sans).toEqual({ dns: ["db.example.com"], ip: ["2001:db8::1"], oid: [], email: ["ops@example.com"] });
    expect(Math.round((certificate.notAfter.getTime() - certificate.notBefore.getTime()) / 86_400_000)).toBe(30);
    const caCert = generateCertificate({ csr, ca, caKey, isCa: true });
    expect(caCert.isCa).toBe(true);
    expect(CertificateSigningRequest.fromString(csr.raw).equals(csr)).toBe(true);
  });
});
