// IngressPerAppRequirer on `ingress`, port 8080.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { IngressPerAppRequirer } from "tscharm/interfaces/ingress";

class WithIngress extends CharmBase {
  readonly ingress = new IngressPerAppRequirer(this, { relationName: "ingress", port: 8080 });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(WithIngress);
