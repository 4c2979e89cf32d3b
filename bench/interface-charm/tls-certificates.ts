// TlsCertificatesRequires on `certificates`, unit mode, one request: the one the recording's requirer made
// (test/fixtures/interfaces/tls-certificates/requirer-unit.json), so its recorded CSR and certificate are this one's.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { TlsCertificatesRequires } from "tscharm/interfaces/tls-certificates";

class WithTls extends CharmBase {
  readonly certificates = new TlsCertificatesRequires(this, "certificates", {
    certificateRequests: [
      { commonName: "web.example.com", sansDns: ["web-0.internal", "web.example.com"], sansIp: ["10.1.2.3"], organization: "Example" },
    ],
    mode: "unit",
  });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(WithTls);
