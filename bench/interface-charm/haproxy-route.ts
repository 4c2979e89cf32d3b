// HaproxyRouteRequirer on `haproxy-route`: one service on port 8080.

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { HaproxyRouteRequirer } from "tscharm/interfaces/haproxy-route";

class WithHaproxyRoute extends CharmBase {
  readonly route = new HaproxyRouteRequirer(this, "haproxy-route", { service: "web", ports: [8080] });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(WithHaproxyRoute);
