// The demo charm: a leader-configured cluster that shows every pattern of the leadership how-to.

import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type EventBase,
  type Framework,
  type Relation,
  type RelationDataContent,
  SecretChangedEvent,
  SecretNotFoundError,
  WaitingStatus,
  log,
} from "tscharm";

import type { DemoTypes } from "../charm-types.js";
import { type WorkloadConfig, hashPassword, newPassword, readConfig, writeConfig } from "./workload.js";

export const PEER = "cluster";
export const SECRET_LABEL = "admin-credentials";

/** Keys the leader publishes in the peer relation's application data. */
export const LEADER_KEY = "leader";
export const SECRET_ID_KEY = "secret-id";
export const GREETING_KEY = "greeting";

/** `DemoTypes` is generated from the metadata (`tscharm types`): config keys, actions and endpoints are checked. */
export class DemoCharm extends CharmBase<DemoTypes> {
  constructor(framework: Framework) {
    super(framework);
    // One holistic handler: whatever happened, make this unit match the cluster's configuration.
    for (const event of [
      this.on.install,
      this.on.leaderElected,
      this.on.configChanged,
      this.on.upgradeCharm,
      this.on.secretChanged,
      this.on.relationCreated(PEER),
      this.on.relationJoined(PEER),
      this.on.relationChanged(PEER),
      this.on.relationDeparted(PEER),
    ]) {
      framework.observe(event, this.reconfigure);
    }
    framework.observe(this.on.action("rotate-password"), this.onRotatePassword);
  }

  reconfigure = (event: EventBase): void => {
    const cluster = this.model.getRelation(PEER);
    if (cluster === undefined) {
      this.unit.status = new WaitingStatus("waiting for the cluster peer relation");
      return;
    }
    if (this.unit.isLeader()) this.lead(cluster, event);
    else this.follow(cluster, event);
  };

  onRotatePassword = (event: ActionEvent): void => {
    if (!this.unit.isLeader()) {
      event.fail(`rotate-password runs on the leader only, and ${this.unit.name} is not the leader; run it on ${this.app.name}/leader`);
      return;
    }
    const secretId = this.model.getRelation(PEER)?.data.get(this.app).get(SECRET_ID_KEY);
    const current = readConfig();
    if (secretId === undefined || current === undefined) {
      event.fail("the admin credentials do not exist yet: wait until the leader is active, then try again");
      return;
    }
    const password = newPassword();
    this.model.getSecret({ id: secretId }).setContent({ username: "admin", password });
    // The other units get secret-changed once this hook commits; this unit updates its workload now.
    writeConfig({ ...current, passwordSha256: hashPassword(password) });
    event.log("the admin password was replaced");
    event.setResults({ "secret-id": secretId });
    log.info("rotated the admin password");
  };

  /** The leader owns the credentials and publishes the cluster configuration for the others. */
  private lead(cluster: Relation, event: EventBase): void {
    const greeting = this.config.greeting;
    const shared = cluster.data.get(this.app);
    let secretId = shared.get(SECRET_ID_KEY);
    let passwordSha256: string;
    if (secretId === undefined) {
      const created = this.ensureCredentials();
      secretId = created.secretId;
      passwordSha256 = created.passwordSha256;
    } else {
      passwordSha256 = this.passwordHash(secretId, event, { owner: true });
    }
    this.configureWorkload({ leader: this.unit.name, greeting, secretId, passwordSha256 });

    // Configuring a real workload can take a while, and leadership is only guaranteed for 30 s
    // after it was last confirmed: check again before speaking for the application.
    if (!this.unit.isLeader()) {
      this.unit.status = new WaitingStatus("leadership moved; waiting for the new leader");
      return;
    }
    shared.update({ [LEADER_KEY]: this.unit.name, [SECRET_ID_KEY]: secretId, [GREETING_KEY]: greeting });
    this.unit.status = new ActiveStatus("I rule");
  }

  /** Followers take everything from what the leader published; they learn of a new leader from it. */
  private follow(cluster: Relation, event: EventBase): void {
    const published = this.published(cluster.data.get(this.app));
    if (published === undefined) {
      // Juju says secret-changed once. If it comes before the leader's configuration, keep it:
      // deferred, it runs again first thing in the next hook, when the data may be there.
      if (event instanceof SecretChangedEvent) event.defer();
      this.unit.status = new WaitingStatus("waiting for the leader to publish the cluster configuration");
      return;
    }
    const passwordSha256 = this.passwordHash(published.secretId, event, { owner: false });
    this.configureWorkload({ ...published, passwordSha256 });
    this.unit.status = new ActiveStatus("I am ruled");
  }

  private published(shared: RelationDataContent): Omit<WorkloadConfig, "passwordSha256"> | undefined {
    const leader = shared.get(LEADER_KEY);
    const secretId = shared.get(SECRET_ID_KEY);
    const greeting = shared.get(GREETING_KEY);
    if (leader === undefined || secretId === undefined || greeting === undefined) return undefined;
    return { leader, secretId, greeting };
  }

  /** Finds the credentials by label, or creates them with a random password (first leader only). */
  private ensureCredentials(): { secretId: string; passwordSha256: string } {
    try {
      const secret = this.model.getSecret({ label: SECRET_LABEL });
      const password = secret.getContent({ refresh: true })["password"] ?? "";
      return { secretId: secret.getInfo().id, passwordSha256: hashPassword(password) };
    } catch (error) {
      if (!(error instanceof SecretNotFoundError)) throw error;
    }
    const password = newPassword();
    const secret = this.app.addSecret(
      { username: "admin", password },
      { label: SECRET_LABEL, description: "Admin credentials of the demo cluster" },
    );
    log.debug("created the admin credentials");
    return { secretId: secret.id as string, passwordSha256: hashPassword(password) };
  }

  /**
   * The hash of the current admin password. The workload file already holds it unless the secret
   * changed (secret-changed) or this unit has not configured the workload for this secret yet, so
   * the secret is read only then. The leader's application owns the secret, and owners track
   * revisions too (Juju 3.1.7+): it reads the latest, not the revision it last saw as a follower.
   */
  private passwordHash(secretId: string, event: EventBase, { owner }: { owner: boolean }): string {
    if (event instanceof SecretChangedEvent) {
      return hashPassword(event.secret.getContent({ refresh: true })["password"] ?? "");
    }
    const current = readConfig();
    if (current !== undefined && current.secretId === secretId) return current.passwordSha256;
    return hashPassword(this.model.getSecret({ id: secretId }).getContent({ refresh: owner })["password"] ?? "");
  }

  private configureWorkload(config: WorkloadConfig): void {
    if (writeConfig(config)) log.debug(`workload configured: leader ${config.leader}, greeting "${config.greeting}"`);
  }
}
