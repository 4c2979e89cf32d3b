// CosAgentProvider on `cos-agent`: one metrics endpoint (no rule or dashboard files in the bench's charm directory).

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { CosAgentProvider } from "tscharm/interfaces/cos-agent";

class WithCosAgent extends CharmBase {
  readonly cosAgent = new CosAgentProvider(this, { relationName: "cos-agent", metricsEndpoints: [{ path: "/metrics", port: 9464 }] });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(WithCosAgent);
