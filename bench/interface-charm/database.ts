// DatabaseRequires on `database`, constructed (its relation-changed reads the recorded provider bag).

import { ActiveStatus, CharmBase, type Framework, main } from "tscharm";
import { DatabaseRequires } from "tscharm/interfaces/database";

class WithDatabase extends CharmBase {
  readonly database = new DatabaseRequires(this, "database", { database: "app" });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, (event) => {
      event.addStatus(new ActiveStatus("bench"));
    });
  }
}

main(WithDatabase);
