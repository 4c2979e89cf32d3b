// The baseline: the same metadata, no interface imported. Its relation-changed and update-status
// observe nothing but collect-status, which says what the others say.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";

class NoInterface extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(NoInterface);
