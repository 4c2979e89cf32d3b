// The requirer against the bags charmlibs' tls-certificates library wrote and read (record.py's
// recordings): tscharm's TlsCertificatesRequires must write what TLSCertificatesRequiresV4 writes,
// keep the key where the library keeps it, and understand what the library's provider sends.

import { describe, expect, test } from "vitest";

import {
  Certificate,
  type CertificateAvailableEvent,
  type CertificateDeniedEvent,
  type CertificateRequestAttributes,
  CertificateSigningRequest,
  type Mode,
  PrivateKey,
  TlsCertificatesRequires,
  generateCertificate,
} from "../../../interfaces/tls-certificates/index.js";
import { pythonJson } from "../../../interfaces/common/data.js";
import { ActiveStatus, BlockedStatus, CharmBase, type Framework } from "../../../runtime/index.js";
import { Context, Relation, Secret, State } from "../../../testing/index.js";
import { type RecordedSecret, pemShape, recording, testCa, withoutJujuKeys } from "./fixtures.js";

const UNIT_REQUEST: CertificateRequestAttributes = {
  commonName: "web.example.com",
  sansDns: ["web.example.com", "web-0.internal"],
  sansIp: ["10.1.2.3"],
  organization: "Example",
};
const APP_REQUEST: CertificateRequestAttributes = { commonName: "intermediate.example.com", isCa: true };

const seen: { kind: string; detail: string }[] = [];

function charmFor(requests: readonly CertificateRequestAttributes[], mode: Mode) {
  return class WebCharm extends CharmBase {
    readonly tls = new TlsCertificatesRequires(this, "certificates", { certificateRequests: requests, mode });

    constructor(framework: Framework) {
      super(framework);
      framework.observe(this.on.collectUnitStatus, (event) => {
        event.addStatus(new ActiveStatus());
      });
      framework.observe(this.tls.on.certificateAvailable, (event: CertificateAvailableEvent) => {
        seen.push({
          kind: "certificate_available",
          detail: `${event.certificate.commonName} ca=${event.ca.commonName} chain=${event.chain.length}`,
        });
      });
      framework.observe(this.tls.on.certificateDenied, (event: CertificateDeniedEvent) => {
        seen.push({ kind: "certificate_denied", detail: `${event.error.code} ${event.certificateSigningRequest.commonName}` });
      });
    }
  };
}

const meta = { name: "web", requires: { certificates: { interface: "tls-certificates" } } };
const context = (requests: readonly CertificateRequestAttributes[] = [UNIT_REQUEST], mode: Mode = "unit") =>
  new Context(charmFor(requests, mode), { meta });

function toSecret(recorded: RecordedSecret): Secret {
  return new Secret({ trackedContent: recorded.content, owner: recorded.owner, label: recorded.label });
}

function csrsOf(bag: Readonly<Record<string, string>>): { certificate_signing_request: string; ca: boolean }[] {
  return JSON.parse(bag["certificate_signing_requests"] ?? "[]") as { certificate_signing_request: string; ca: boolean }[];
}

const unitRun = recording("requirer-unit");
const [created, changed, expired] = unitRun.steps as [(typeof unitRun.steps)[0], (typeof unitRun.steps)[0], (typeof unitRun.steps)[0]];

/** The requirer's state after the library's relation-created: its key secret and its unit bag, as recorded. */
function recordedCreatedState(remoteAppData: Record<string, string> = {}): { state: State; relation: Relation } {
  const relation = new Relation({ endpoint: "certificates", remoteAppName: "ca", localUnitData: created.wrote.localUnit, remoteAppData });
  return { relation, state: new State({ relations: [relation], secrets: created.secrets.map(toSecret) }) };
}

describe("requirer, unit mode, against TLSCertificatesRequiresV4's recordings", () => {
  test("relation-created: a key secret under the library's label and a CSR in the unit bag, written as the library writes it", async () => {
    const ctx = context();
    const relation = new Relation({ endpoint: "certificates", remoteAppName: "ca" });
    const out = await ctx.run(ctx.on.relationCreated(relation), new State({ relations: [relation] }));
    const mine = out.getRelation(relation.id)?.localUnitData ?? {};

    // The same bytes as the library around the PEM (json.dumps separators, key order, `ca` a JSON boolean).
    const recordedBag = withoutJujuKeys(created.wrote.localUnit);
    expect(Object.keys(withoutJujuKeys(mine))).toEqual(Object.keys(recordedBag));
    expect(pemShape(mine["certificate_signing_requests"] ?? "")).toBe(pemShape(recordedBag["certificate_signing_requests"] ?? ""));
    expect(pemShape(mine["certificate_signing_requests"] ?? "")).toBe(
      '[{"certificate_signing_request": "<CERTIFICATE REQUEST>", "ca": false}]',
    );

    // The CSR asks for what the library's CSR asks for (the unique id is random on both sides).
    const [ours] = csrsOf(mine);
    const [theirs] = csrsOf(recordedBag);
    const ourCsr = CertificateSigningRequest.fromString(ours?.certificate_signing_request ?? "");
    const theirCsr = CertificateSigningRequest.fromString(theirs?.certificate_signing_request ?? "");
    expect(normalised(ourCsr.attributes(false))).toEqual(normalised(theirCsr.attributes(false)));
    expect(ourCsr.subject.uniqueIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    expect(ourCsr.verifySignature()).toBe(true);

    // The key: only in a unit-owned secret, labelled as the library labels it, PKCS#1 PEM as the library stores it.
    const [keySecret] = created.secrets;
    const secret = out.secrets.find((s) => s.label === keySecret?.label);
    expect(secret?.owner).toBe("unit");
    expect(Object.keys(secret?.latestContent ?? {})).toEqual(["private-key"]);
    const key = PrivateKey.fromString(secret?.latestContent["private-key"] ?? "");
    expect(key.keySize).toBe(2048);
    expect(secret?.latestContent["private-key"]).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n[\s\S]+-----END RSA PRIVATE KEY-----$/);
    expect(ourCsr.matchesPrivateKey(key)).toBe(true);
    expect(JSON.stringify(out.relations)).not.toContain("PRIVATE KEY");
    expect(JSON.stringify(out.storedStates)).not.toContain("PRIVATE KEY");
    expect(ctx.jujuLog.map((l) => l.message).join("\n")).not.toContain("PRIVATE KEY");
  });

  test("a second relation-changed sends nothing new (the CSR is kept while it matches the request and the key)", async () => {
    const ctx = context();
    const { state, relation } = recordedCreatedState();
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(out.getRelation(relation.id)?.localUnitData["certificate_signing_requests"]).toBe(
      created.wrote.localUnit["certificate_signing_requests"],
    );
    expect(out.secrets.map((s) => s.label)).toEqual(created.secrets.map((s) => s.label));
  });

  test("the library's CSR with another key is withdrawn and a new one sent (key/CSR mismatch)", async () => {
    const ctx = context();
    const relation = new Relation({ endpoint: "certificates", remoteAppName: "ca", localUnitData: created.wrote.localUnit });
    const other = PrivateKey.generate();
    const keySecret = new Secret({ trackedContent: { "private-key": other.raw }, owner: "unit", label: created.secrets[0]?.label ?? "" });
    const out = await ctx.run(ctx.on.relationChanged(relation), new State({ relations: [relation], secrets: [keySecret] }));
    const [entry, extra] = csrsOf(out.getRelation(relation.id)?.localUnitData ?? {});
    expect(extra).toBeUndefined();
    expect(entry?.certificate_signing_request).not.toBe(csrsOf(created.wrote.localUnit)[0]?.certificate_signing_request);
    expect(CertificateSigningRequest.fromString(entry?.certificate_signing_request ?? "").matchesPrivateKey(other)).toBe(true);
  });

  test("the provider's certificate (the library's provider bag): certificateAvailable, and a certificate secret as the library keeps it", async () => {
    seen.length = 0;
    const ctx = context();
    const { state, relation } = recordedCreatedState(changed.given.remoteApp);
    const before = Date.now();
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(changed.emitted).toEqual(["certificate_available"]);
    expect(seen).toEqual([{ kind: "certificate_available", detail: "web.example.com ca=Test Root CA chain=2" }]);

    const recordedCert = changed.secrets.find((s) => s.label.includes("-certificate-"));
    const secret = out.secrets.find((s) => s.label === recordedCert?.label);
    expect(secret?.owner).toBe("unit");
    expect(secret?.latestContent).toEqual(recordedCert?.content);
    // Expires at 90 % of the way from now to the certificate's expiry, as the library sets it.
    const notAfter = new Date(certificateExpiry());
    const expected = before + (notAfter.getTime() - before) * 0.9;
    expect(Math.abs((secret?.expire?.getTime() ?? 0) - expected)).toBeLessThan(60_000);
    expect(Math.abs((secret?.expire?.getTime() ?? 0) - new Date(recordedCert?.expire ?? "").getTime())).toBeLessThan(24 * 3600_000 * 2);
    expect(out.getRelation(relation.id)?.localUnitData["certificate_signing_requests"]).toBe(
      created.wrote.localUnit["certificate_signing_requests"],
    );
  });

  test("getAssignedCertificate(s) give the certificate with the key", async () => {
    const ctx = context();
    const { state, relation } = recordedCreatedState(changed.given.remoteApp);
    await ctx.run(ctx.on.relationChanged(relation), state);
    const charm = ctx.charm as InstanceType<ReturnType<typeof charmFor>>;
    const { certificate, privateKey } = charm.tls.getAssignedCertificate(UNIT_REQUEST);
    expect(certificate?.certificate.commonName).toBe("web.example.com");
    expect(privateKey === undefined ? false : certificate?.certificate.matchesPrivateKey(privateKey)).toBe(true);
    expect(charm.tls.getAssignedCertificates().certificates).toHaveLength(1);
    expect(charm.tls.getAssignedCertificate({ commonName: "other.example.com" })).toEqual({
      certificate: undefined,
      privateKey: undefined,
    });
  });

  test("a CA certificate for a request that is not a CA's is not taken (nor the reverse)", async () => {
    seen.length = 0;
    const ca = Certificate.fromString(testCa.ca);
    const caKey = PrivateKey.fromString(testCa.caKey);
    const [entry] = csrsOf(created.wrote.localUnit);
    const csr = CertificateSigningRequest.fromString(entry?.certificate_signing_request ?? "");
    const wrong = generateCertificate({ csr, ca, caKey, isCa: true });
    const bag = {
      certificates: pythonJson([{ ca: ca.raw, certificate_signing_request: csr.raw, certificate: wrong.raw, chain: [wrong.raw, ca.raw] }]),
    };
    const ctx = context();
    const { state, relation } = recordedCreatedState(bag);
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(seen).toEqual([]);
    expect(out.secrets.map((s) => s.label)).toEqual(created.secrets.map((s) => s.label));
    const charm = ctx.charm as InstanceType<ReturnType<typeof charmFor>>;
    expect(charm.tls.getAssignedCertificates().certificates).toEqual([]);
    // The right kind, signed by the same CA, is taken.
    const right = generateCertificate({ csr, ca, caKey });
    const good = {
      certificates: pythonJson([{ ca: ca.raw, certificate_signing_request: csr.raw, certificate: right.raw, chain: [right.raw, ca.raw] }]),
    };
    const again = recordedCreatedState(good);
    await ctx.run(ctx.on.relationChanged(again.relation), again.state);
    expect(seen.map((s) => s.kind)).toEqual(["certificate_available"]);
    expect((ctx.charm as InstanceType<ReturnType<typeof charmFor>>).tls.getAssignedCertificates().certificates).toHaveLength(1);
  });

  test("the safety net: a certificate past the renewal time + 5 % is renewed on the next reconcile", async () => {
    const ca = Certificate.fromString(testCa.ca);
    const caKey = PrivateKey.fromString(testCa.caKey);
    const [entry] = csrsOf(created.wrote.localUnit);
    const csr = CertificateSigningRequest.fromString(entry?.certificate_signing_request ?? "");
    const bagFor = (daysAgo: number) => {
      const cert = generateCertificate({ csr, ca, caKey, validity: { days: 100 }, notBefore: new Date(Date.now() - daysAgo * 86_400_000) });
      return {
        certificates: pythonJson([{ ca: ca.raw, certificate_signing_request: csr.raw, certificate: cert.raw, chain: [cert.raw, ca.raw] }]),
      };
    };
    const ctx = context();
    // 94 days into 100: before 0.9 + 0.05, nothing happens.
    const early = recordedCreatedState(bagFor(94));
    const kept = await ctx.run(ctx.on.relationChanged(early.relation), early.state);
    expect(csrsOf(kept.getRelation(early.relation.id)?.localUnitData ?? {})[0]?.certificate_signing_request).toBe(csr.raw);
    // 96 days in: a new CSR replaces the old one.
    const late = recordedCreatedState(bagFor(96));
    const renewed = await ctx.run(ctx.on.relationChanged(late.relation), late.state);
    const [fresh] = csrsOf(renewed.getRelation(late.relation.id)?.localUnitData ?? {});
    expect(fresh?.certificate_signing_request).not.toBe(csr.raw);
    expect(normalised(CertificateSigningRequest.fromString(fresh?.certificate_signing_request ?? "").attributes(false))).toEqual(
      normalised(UNIT_REQUEST),
    );
  });

  test("a deferred certificateAvailable is rebuilt from its snapshot (PEM only, no key) in the next dispatch", async () => {
    class Deferring extends CharmBase {
      readonly tls = new TlsCertificatesRequires(this, "certificates", { certificateRequests: [UNIT_REQUEST] });
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.tls.on.certificateAvailable, (event: CertificateAvailableEvent) => {
          seen.push({
            kind: "deferring",
            detail: `${event.certificate.commonName} ${event.relation.id} ${event.chainAsPem().split("BEGIN").length - 1}`,
          });
          if (seen.length === 1) event.defer();
        });
      }
    }
    seen.length = 0;
    const ctx = new Context(Deferring, { meta });
    const { state, relation } = recordedCreatedState(changed.given.remoteApp);
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(out.deferred.map((d) => d.kind)).toEqual(["certificates/certificate-available"]);
    expect(JSON.stringify(out.deferred)).not.toContain("PRIVATE KEY");
    const quiet = out.with({ relations: [new Relation({ ...relationInit(relation), remoteAppData: {} })] });
    await ctx.run(ctx.on.updateStatus(), quiet);
    expect(seen.map((s) => s.detail)).toEqual([`web.example.com ${relation.id} 2`, `web.example.com ${relation.id} 2`]);
  });

  test("secret-expired on the certificate secret: a new CSR in place of the old, the secret removed (the library's renewal)", async () => {
    const ctx = context();
    const { relation } = recordedCreatedState(changed.given.remoteApp);
    const certSecret = changed.secrets.find((s) => s.label.includes("-certificate-"));
    if (certSecret === undefined) throw new Error("no recorded certificate secret");
    const secret = toSecret(certSecret);
    const state = new State({ relations: [relation], secrets: [...created.secrets.map(toSecret), secret] });
    const out = await ctx.run(ctx.on.secretExpired(secret, { revision: 1 }), state);
    const [renewed] = csrsOf(out.getRelation(relation.id)?.localUnitData ?? {});
    const [old] = csrsOf(created.wrote.localUnit);
    expect(renewed?.certificate_signing_request).not.toBe(old?.certificate_signing_request);
    // The library did the same: its step 3 has a different CSR, and no certificate secret.
    expect(csrsOf(expired.wrote.localUnit)[0]?.certificate_signing_request).not.toBe(old?.certificate_signing_request);
    expect(expired.secrets.map((s) => s.label)).toEqual(created.secrets.map((s) => s.label));
    expect(out.secrets.map((s) => s.label)).toEqual(created.secrets.map((s) => s.label));
    const csr = CertificateSigningRequest.fromString(renewed?.certificate_signing_request ?? "");
    expect(normalised(csr.attributes(false))).toEqual(normalised(UNIT_REQUEST));
    expect(csr.matchesPrivateKey(PrivateKey.fromString(created.secrets[0]?.content["private-key"] ?? ""))).toBe(true);
  });

  test("revocation (the library's bag with revoked: true): the certificate secret goes, no event, the CSR stays", async () => {
    seen.length = 0;
    const revoked = recording("requirer-revoked");
    const step = revoked.steps[1];
    const ctx = context();
    const relation = new Relation({
      endpoint: "certificates",
      remoteAppName: "ca",
      localUnitData: created.wrote.localUnit,
      remoteAppData: step?.given.remoteApp,
    });
    const state = new State({ relations: [relation], secrets: (revoked.steps[0]?.secrets ?? []).map(toSecret) });
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(step?.emitted).toEqual([]);
    expect(seen).toEqual([]);
    expect(out.secrets.map((s) => s.label)).toEqual(step?.secrets.map((s) => s.label));
    expect(out.getRelation(relation.id)?.localUnitData["certificate_signing_requests"]).toBe(
      step?.wrote.localUnit["certificate_signing_requests"],
    );
  });

  test("a request error for the CSR (the library's `csr` key): certificateDenied with the provider's error", async () => {
    seen.length = 0;
    const denied = recording("requirer-denied").steps[1];
    const ctx = context();
    const { state, relation } = recordedCreatedState(denied?.given.remoteApp);
    await ctx.run(ctx.on.relationChanged(relation), state);
    expect(denied?.emitted).toEqual(["certificate_denied"]);
    expect(seen).toEqual([{ kind: "certificate_denied", detail: "102 web.example.com" }]);
  });

  test("a request the charm no longer makes: its CSR is withdrawn, the new request's CSR sent", async () => {
    const step = recording("requirer-changed-request").steps[1];
    const request = { commonName: "www.example.com", sansDns: ["www.example.com"] };
    const ctx = context([request]);
    const { state, relation } = recordedCreatedState();
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    const ours = csrsOf(out.getRelation(relation.id)?.localUnitData ?? {});
    const theirs = csrsOf(step?.wrote.localUnit ?? {});
    expect(ours).toHaveLength(theirs.length);
    expect(ours.map((e) => normalised(CertificateSigningRequest.fromString(e.certificate_signing_request).attributes(e.ca)))).toEqual(
      theirs.map((e) => normalised(CertificateSigningRequest.fromString(e.certificate_signing_request).attributes(e.ca))),
    );
  });

  test("relation-broken removes the key secret and the certificate secrets", async () => {
    const ctx = context();
    const { state, relation } = recordedCreatedState(changed.given.remoteApp);
    const withCert = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(withCert.secrets).toHaveLength(2);
    const broken = await ctx.run(ctx.on.relationBroken(relation), withCert);
    expect(broken.secrets).toEqual([]);
  });
});

describe("requirer, app mode", () => {
  const appRun = recording("requirer-app");

  test("the leader: an app-owned key under the library's app label, the CSR (ca: true) in the app bag", async () => {
    const ctx = context([APP_REQUEST], "app");
    const relation = new Relation({ endpoint: "certificates", remoteAppName: "ca" });
    const out = await ctx.run(ctx.on.relationCreated(relation), new State({ leader: true, relations: [relation] }));
    const step = appRun.steps[0];
    const mine = out.getRelation(relation.id);
    expect(withoutJujuKeys(mine?.localUnitData ?? {})).toEqual(withoutJujuKeys(step?.wrote.localUnit ?? {}));
    expect(Object.keys(mine?.localAppData ?? {})).toEqual(Object.keys(step?.wrote.localApp ?? {}));
    expect(pemShape(mine?.localAppData["certificate_signing_requests"] ?? "")).toBe(
      pemShape(step?.wrote.localApp["certificate_signing_requests"] ?? ""),
    );
    expect(pemShape(mine?.localAppData["certificate_signing_requests"] ?? "")).toContain('"ca": true');
    expect(out.secrets.map((s) => [s.owner, s.label])).toEqual(step?.secrets.map((s) => [s.owner, s.label]));
  });

  test("the leader takes the certificate; its secret is unit-owned, labelled without the unit number (as the library)", async () => {
    seen.length = 0;
    const [createdApp, changedApp] = appRun.steps;
    const ctx = context([APP_REQUEST], "app");
    const relation = new Relation({
      endpoint: "certificates",
      remoteAppName: "ca",
      localAppData: createdApp?.wrote.localApp,
      remoteAppData: changedApp?.given.remoteApp,
    });
    const out = await ctx.run(
      ctx.on.relationChanged(relation),
      new State({ leader: true, relations: [relation], secrets: (createdApp?.secrets ?? []).map(toSecret) }),
    );
    expect(seen.map((s) => s.kind)).toEqual(changedApp?.emitted);
    expect(out.secrets.map((s) => [s.owner, s.label]).sort()).toEqual(changedApp?.secrets.map((s) => [s.owner, s.label]).sort());
  });

  test("a follower writes nothing and makes no key", async () => {
    const ctx = context([APP_REQUEST], "app");
    const relation = new Relation({ endpoint: "certificates", remoteAppName: "ca" });
    const out = await ctx.run(ctx.on.relationCreated(relation), new State({ leader: false, relations: [relation] }));
    expect(out.getRelation(relation.id)?.localAppData).toEqual(appRun.steps[2]?.wrote.localApp);
    expect(out.secrets).toEqual([]);
  });
});

describe("requirer, a malformed provider bag", () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    [
      "certificates is not JSON",
      { certificates: "[{not json" },
      /ca sent a bad "certificates" on certificates:\d+: expected JSON, got "\[\{not json"/,
    ],
    [
      "an entry misses its certificate",
      { certificates: pythonJson([{ ca: "x", certificate_signing_request: "y" }]) },
      /"certificates\[0\]\.certificate".*expected a string/,
    ],
    [
      "a certificate that is not PEM",
      { certificates: pythonJson([{ ca: "x", certificate_signing_request: "y", certificate: "not a pem" }]) },
      /"certificates\[0\]\.certificate".*expected a PEM certificate, got "not a pem"/,
    ],
    [
      "ca as a string in request_errors' error code",
      { request_errors: pythonJson([{ csr: "x", error: { code: "1", name: "n", message: "m" } }]) },
      /request_errors\[0\]\.error\.code/,
    ],
  ];

  test.each(cases)("%s: a blocked status naming the key, not a failed hook", async (_name, remoteAppData, message) => {
    const ctx = context();
    const { state, relation } = recordedCreatedState(remoteAppData);
    const out = await ctx.run(ctx.on.relationChanged(relation), state);
    expect(out.unitStatus).toBeInstanceOf(BlockedStatus);
    expect(out.unitStatus.message).toMatch(message);
    // Fixed by the provider: the next read clears it.
    const fixed = out.with({ relations: [new Relation({ ...relationInit(relation), remoteAppData: changed.given.remoteApp })] });
    const after = await ctx.run(ctx.on.relationChanged(fixed.relations[0] as Relation), fixed);
    expect(after.unitStatus).toEqual(new ActiveStatus());
  });
});

function relationInit(relation: Relation): ConstructorParameters<typeof Relation>[0] {
  return { id: relation.id, endpoint: relation.endpoint, remoteAppName: relation.remoteAppName, localUnitData: relation.localUnitData };
}

function certificateExpiry(): number {
  const entries = JSON.parse(changed.given.remoteApp?.["certificates"] ?? "[]") as { certificate: string }[];
  const pem = entries[0]?.certificate ?? "";
  return new Date(new (process.getBuiltinModule("node:crypto").X509Certificate)(pem).validTo).getTime();
}

function normalised(a: CertificateRequestAttributes): Record<string, unknown> {
  const sorted = (v: readonly string[] | undefined): string[] | undefined =>
    v === undefined || v.length === 0 ? undefined : [...v].sort();
  return {
    ...a,
    sansDns: sorted(a.sansDns),
    sansIp: sorted(a.sansIp),
    sansOid: sorted(a.sansOid),
    isCa: a.isCa ?? false,
    addUniqueIdToSubjectName: a.addUniqueIdToSubjectName ?? true,
  };
}
