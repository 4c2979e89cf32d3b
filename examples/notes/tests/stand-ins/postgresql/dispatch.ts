// The database stand-in: on the requirer's request (its app bag names a `database`), the leader
// writes the provider bag data_interfaces wrote in the recording, byte for byte, except that each
// secret URI is that of a secret made here: an app secret with the recorded label and content,
// granted to the relation. Nothing else: no database runs.

import { ActiveStatus, CharmBase, type Framework, type RelationChangedEvent, WaitingStatus, log, main } from "tscharm";

import recorded from "../../../../../test/fixtures/interfaces/database/provider-secrets.json" with { type: "json" };
import { type Recording, stepOf } from "../recording.js";

const RECORDING = recorded as unknown as Recording;
/** The step where the library answered the request: it wrote `secret-user`. */
const ANSWER = stepOf(RECORDING, (step) => step.wrote.localApp?.["secret-user"] !== undefined, "that writes secret-user");

class PostgresqlStandIn extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("database"), this.onChanged);
    framework.observe(this.on.collectUnitStatus, (event) => {
      const relation = this.model.getRelation("database");
      const answered = relation?.data.get(this.app).has("secret-user") === true;
      event.addStatus(answered ? new ActiveStatus(`replaying ${RECORDING.library.module}`) : new WaitingStatus("waiting for a request"));
    });
  }

  onChanged = (event: RelationChangedEvent): void => {
    if (!this.unit.isLeader() || event.app === undefined) return;
    const requested = event.relation.data.get(event.app).get("database");
    const mine = event.relation.data.get(this.app);
    if (requested === undefined || mine.has("secret-user")) return;
    const bag: Record<string, string> = { ...ANSWER.wrote.localApp };
    for (const secret of ANSWER.secrets ?? []) {
      const keys = Object.keys(bag).filter((key) => secret.id !== undefined && bag[key] === secret.id);
      if (keys.length === 0) continue;
      const made = this.app.addSecret(secret.content, secret.label == null ? {} : { label: secret.label });
      made.grant(event.relation);
      for (const key of keys) bag[key] = made.id ?? "";
    }
    mine.update(bag);
    log.info(`answered ${event.app.name}'s request for "${requested}" with the recorded keys ${Object.keys(bag).sort().join(", ")}`);
  };
}

main(PostgresqlStandIn);
