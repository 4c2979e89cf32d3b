// TlsCertificatesRequires on `certificates`, unit mode, one request.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { TlsCertificatesRequires } from "tscharm/interfaces/tls-certificates";

class WithTls extends CharmBase {
  readonly certificates = new TlsCertificatesRequires(this, "certificates", {
    certificateRequests: [{ commonName: "10.1.0.5", sansIp: ["10.1.0.5"] }],
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
