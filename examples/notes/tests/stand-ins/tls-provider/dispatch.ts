// The TLS stand-in: for every CSR in a requirer unit's `certificate_signing_requests`, the leader
// issues a certificate signed by the recorded CA (made by the Python library, its key in the
// recording) and writes the app bag's `certificates` in the recorded layout: each entry's keys in the
// order the library wrote them, the chain as it was (this certificate where the recording had its
// certificate, the CA where it had the CA), the whole value as json.dumps writes it.

import { ActiveStatus, CharmBase, type Framework, type Relation, WaitingStatus, log, main } from "tscharm";
import { Certificate, CertificateSigningRequest, PrivateKey, generateCertificate } from "tscharm/interfaces/tls-certificates";

import ca from "../../../../../test/fixtures/interfaces/tls-certificates/ca.json" with { type: "json" };
import provider from "../../../../../test/fixtures/interfaces/tls-certificates/provider.json" with { type: "json" };
import { type Recording, pythonDumps, stepOf } from "../recording.js";

const RECORDING = provider as unknown as Recording;
const RECORDED = stepOf(RECORDING, (step) => step.wrote.localApp?.["certificates"] !== undefined, "that writes certificates");
const RECORDED_TEXT = RECORDED.wrote.localApp?.["certificates"] ?? "";
const TEMPLATE = (JSON.parse(RECORDED_TEXT) as Record<string, unknown>[])[0] ?? {};

/** The recorded value, written again by pythonDumps: the layout is the library's only if this is its text. */
function checkLayout(): void {
  if (pythonDumps(JSON.parse(RECORDED_TEXT)) !== RECORDED_TEXT) throw new Error("pythonDumps does not write the recorded certificates");
}

/** One entry as the recording has it, for `csr` signed as `certificate`. */
export function entryFor(csr: string, certificate: string): Record<string, unknown> {
  const recordedCertificate = TEMPLATE["certificate"];
  const recordedCa = TEMPLATE["ca"];
  const values: Record<string, unknown> = { ca: ca.ca, certificate_signing_request: csr, certificate };
  const entry: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(TEMPLATE)) {
    if (key === "chain" && Array.isArray(value)) {
      entry[key] = value.map((pem: unknown) => (pem === recordedCertificate ? certificate : pem === recordedCa ? ca.ca : pem));
    } else entry[key] = key in values ? values[key] : value;
  }
  return entry;
}

class TlsProviderStandIn extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("certificates"), (event) => {
      this.answer(event.relation);
    });
    framework.observe(this.on.collectUnitStatus, (event) => {
      const issued = this.model.getRelation("certificates")?.data.get(this.app).has("certificates") === true;
      event.addStatus(issued ? new ActiveStatus("issued certificates from the recorded CA") : new WaitingStatus("waiting for a CSR"));
    });
  }

  answer(relation: Relation): void {
    if (!this.unit.isLeader()) return;
    checkLayout();
    const caCertificate = Certificate.fromString(ca.ca);
    const caKey = PrivateKey.fromString(ca.caKey);
    const issued: Record<string, unknown>[] = [];
    for (const unit of relation.units) {
      const text = relation.data.get(unit).get("certificate_signing_requests");
      if (text === undefined || text === "") continue;
      for (const request of JSON.parse(text) as { certificate_signing_request: string; ca: boolean }[]) {
        const csr = CertificateSigningRequest.fromString(request.certificate_signing_request);
        const certificate = generateCertificate({ csr, ca: caCertificate, caKey, isCa: request.ca }).raw;
        issued.push(entryFor(request.certificate_signing_request, certificate));
      }
    }
    if (issued.length === 0) return;
    relation.data.get(this.app).set("certificates", pythonDumps(issued));
    log.info(`issued ${String(issued.length)} certificate(s) from the recorded CA`);
  }
}

main(TlsProviderStandIn);
