// The charm: notes takes a database and a certificate and renders the service's configuration from
// them; cos_agent gives the machine's agent its metrics endpoint, alert rule and dashboard. Every
// event that may change what the unit should hold runs one reconcile; status comes from
// collect-status after every event.

import { CharmBase, type CollectStatusEvent, type Framework, log } from "tscharm";

import type { NotesTypes } from "../charm-types.js";
import * as notes from "./notes.js";
import { NotesRelations } from "./relations.js";
import { notesStatus } from "./status.js";

export class NotesCharm extends CharmBase<NotesTypes> {
  readonly relations: NotesRelations;

  constructor(framework: Framework) {
    super(framework);
    this.relations = new NotesRelations(this, this.address, this.reconcile);
    framework.observe(this.on.collectUnitStatus, this.onCollectStatus);
    framework.observe(this.on.install, this.reconcile);
    framework.observe(this.on.upgradeCharm, this.reconcile);
    framework.observe(this.on.configChanged, this.reconcile);
    framework.observe(this.on.relationBroken("database"), this.onDatabaseBroken);
    framework.observe(this.on.relationBroken("certificates"), this.reconcile);
  }

  /** The unit's address (the certificate's subject, the URL it serves at). */
  get address(): string {
    return this.model.getBinding("juju-info").network.bindAddress ?? "";
  }

  /** Makes the machine hold notes' config for the database and certificate the relations give now. */
  reconcile = async (): Promise<void> => {
    const database = this.relations.databaseSettings();
    if (database === undefined) return;
    const tls = this.relations.tlsSettings();
    if (await notes.configure(database, tls)) log.info("notes' configuration changed");
    if (tls !== undefined) this.unit.setPorts(notes.HTTPS_PORT);
  };

  /** The database is gone: so are its password and the config naming it, and the port closes. */
  onDatabaseBroken = async (): Promise<void> => {
    await notes.forgetDatabase();
    this.unit.setPorts();
  };

  onCollectStatus = (event: CollectStatusEvent): void => {
    const database = this.relations.databaseSettings();
    event.addStatus(
      notesStatus({
        databaseRelated: this.relations.databaseRelated,
        databaseEndpoint: database === undefined ? undefined : `${database.host}:${String(database.port)}`,
        certificatesRelated: this.relations.certificatesRelated,
        certificate: this.relations.tlsSettings() !== undefined,
        address: this.address,
      }),
    );
  };
}
