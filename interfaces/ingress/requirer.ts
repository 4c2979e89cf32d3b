// The requirer of ingress v2: charms.traefik_k8s.v2.ingress's IngressPerAppRequirer, in
// TypeScript. It tells the provider (haproxy on machines, traefik on Kubernetes) where the
// application listens, and reports the URL the provider publishes.

import {
  type BoundEvent,
  type CharmBase,
  EventBase,
  type JsonObject,
  type Relation,
  type RelationBrokenEvent,
  RelationEvent,
  customEvent,
  log,
} from "../../runtime/index.js";
import { InterfaceDataError, RemoteBag } from "../common/data.js";
import { replaceJsonBag } from "../common/dump.js";
import { fqdn } from "../common/net.js";
import { RelationProblems } from "../common/problems.js";
import { type IngressHealthCheck, type IngressScheme, providerUrl, requirerAppData, requirerUnitData } from "./data.js";

/** The ingress URL is ready, or changed: `url` is the new one. */
export class IngressPerAppReadyEvent extends RelationEvent {
  /** The URL the provider published, as the library reports it (normalised). */
  get url(): string | undefined {
    const url = this.snapshot["url"];
    return typeof url === "string" ? url : undefined;
  }
}

/** The ingress relation is gone: the application has no ingress URL any more. */
export class IngressPerAppRevokedEvent extends RelationEvent {}

export interface IngressPerAppRequirerOptions {
  /** The endpoint (default `ingress`); its interface must be `ingress`, with `limit: 1`. */
  readonly relationName?: string;
  /** The host the provider addresses this unit by; default: this machine's FQDN (`socket.getfqdn()`). */
  readonly host?: string;
  /** The unit's IP; default: the relation's binding address (`network-get`). */
  readonly ip?: string;
  /**
   * The port to expose. With a port, the requirements are sent by themselves as soon as the
   * relation is there (and again on leader-elected and upgrade-charm); without one, call
   * `provideIngressRequirements(...)`.
   */
  readonly port?: number;
  /** Ask the provider to strip the URL's path prefix before forwarding. */
  readonly stripPrefix?: boolean;
  /** Ask the provider to redirect http to https. */
  readonly redirectHttps?: boolean;
  /** The scheme of the URL the provider builds (default `http`), or a function giving it when the data is sent. */
  readonly scheme?: IngressScheme | (() => IngressScheme);
  /** How the provider checks the units' health. */
  readonly healthcheckParams?: IngressHealthCheck;
}

/** What `provideIngressRequirements` takes: a port, and what the constructor's options do not say. */
export interface IngressRequirements {
  readonly port: number;
  /** Default: the constructor's scheme. */
  readonly scheme?: IngressScheme;
  /** Default: this machine's FQDN. */
  readonly host?: string;
  /** Default: the relation's binding address. */
  readonly ip?: string;
}

/**
 * The requirer side of ingress v2, as the Python library's IngressPerAppRequirer: the leader sends
 * `model`, `name`, `port` and the options in the application bag, every unit its `host` and `ip`;
 * `on.ready` fires with the URL when the provider publishes (or changes) it, `on.revoked` when the
 * relation goes. A malformed `ingress` from the provider is a blocked status naming the key.
 */
export class IngressPerAppRequirer {
  readonly relationName: string;
  readonly on: {
    readonly ready: BoundEvent<IngressPerAppReadyEvent>;
    readonly revoked: BoundEvent<IngressPerAppRevokedEvent>;
  };

  private readonly stored: { currentUrl: string | null };
  private readonly problems: RelationProblems;
  private readonly getScheme: () => IngressScheme;
  private readonly autoData: IngressRequirements | undefined;

  constructor(
    private readonly charm: CharmBase,
    private readonly options: IngressPerAppRequirerOptions = {},
  ) {
    const name = options.relationName ?? "ingress";
    this.relationName = name;
    this.on = {
      ready: customEvent(name, "ready", IngressPerAppReadyEvent),
      revoked: customEvent(name, "revoked", IngressPerAppRevokedEvent),
    };
    const scheme = options.scheme ?? "http";
    this.getScheme = typeof scheme === "function" ? scheme : () => scheme;
    // The library sends by itself only when it was given a port (a truthy one).
    this.autoData =
      options.port === undefined || options.port === 0
        ? undefined
        : {
            port: options.port,
            ...(options.host === undefined ? {} : { host: options.host }),
            ...(options.ip === undefined ? {} : { ip: options.ip }),
          };
    this.stored = charm.framework.storedState<{ currentUrl: string | null }>(`tscharm.ingress/${name}`, { currentUrl: null });
    this.problems = new RelationProblems(charm, name);
    const { framework } = charm;
    // The library's events: changed and departed publish and look for a new URL; broken revokes.
    framework.observe(charm.on.relationChanged(name), this.handleRelation);
    framework.observe(charm.on.relationDeparted(name), this.handleRelation);
    framework.observe(charm.on.relationBroken(name), this.handleRelationBroken);
    framework.observe(charm.on.leaderElected, this.handleUpgradeOrLeader);
    framework.observe(charm.on.upgradeCharm, this.handleUpgradeOrLeader);
  }

  /** The relations of the endpoint. */
  get relations(): Relation[] {
    return this.charm.model.relations(this.relationName);
  }

  /** The relation (the endpoint has `limit: 1`), or undefined. */
  get relation(): Relation | undefined {
    return this.relations[0];
  }

  /**
   * The ingress URL, or undefined while there is none. A malformed provider bag gives undefined
   * and a blocked status (the library raises there).
   */
  get url(): string | undefined {
    if (this.stored.currentUrl !== null) return this.stored.currentUrl;
    return this.readUrl();
  }

  /** Whether the provider has published a valid URL. */
  isReady(): boolean {
    return this.readUrl() !== undefined;
  }

  /**
   * Sends what the provider needs, on every relation of the endpoint: the application bag if this
   * unit is the leader (a follower writes only its unit bag, as the library), and the unit bag.
   * Options the library refuses throw `DataValidationError` naming the option, before any write.
   */
  async provideIngressRequirements(requirements: IngressRequirements): Promise<void> {
    for (const relation of this.relations) await this.provideOn(relation, requirements);
  }

  private async provideOn(relation: Relation, requirements: IngressRequirements): Promise<void> {
    const leader = this.charm.unit.isLeader();
    const app = leader
      ? requirerAppData({
          model: this.charm.model.name,
          name: this.charm.app.name,
          port: requirements.port,
          isPortOpen: this.charm.unit.openedPorts().some((p) => p.port === requirements.port),
          healthcheckParams: this.options.healthcheckParams,
          stripPrefix: this.options.stripPrefix ?? false,
          redirectHttps: this.options.redirectHttps ?? false,
          scheme:
            requirements.scheme === undefined || requirements.scheme === ("" as IngressScheme) ? this.getScheme() : requirements.scheme,
        })
      : undefined;
    const host = requirements.host === undefined || requirements.host === "" ? await fqdn() : requirements.host;
    let ip = requirements.ip;
    if (ip === undefined) {
      ip = this.charm.model.getBinding(relation).network.bindAddress;
      if (ip === undefined) log.error("failed to retrieve ip information from juju");
    }
    const unit = requirerUnitData(host, ip);
    // The library clears each bag before writing it (pydantic dump with clear=True), so a bag
    // holds exactly the fields written last: Juju's own keys in the unit bag (ingress-address,
    // private-address, egress-subnets) go too.
    if (app !== undefined) replaceJsonBag(relation.data.get(this.charm.app), app);
    replaceJsonBag(relation.data.get(this.charm.unit), unit);
  }

  private readUrl(): string | undefined {
    const relation = this.relation;
    const app = relation?.app;
    if (relation === undefined || app === undefined) return undefined;
    try {
      const url = providerUrl(
        new RemoteBag(relation.data.get(app), { endpoint: this.relationName, relationId: relation.id, from: app.name }),
      );
      this.problems.forget(relation.id);
      return url;
    } catch (error) {
      if (!(error instanceof InterfaceDataError)) throw error;
      this.problems.report(relation.id, error);
      return undefined;
    }
  }

  private readonly publishAutoData = async (): Promise<void> => {
    if (this.autoData !== undefined) await this.provideIngressRequirements(this.autoData);
  };

  private readonly handleRelation = async (event: RelationEvent): Promise<void> => {
    await this.publishAutoData();
    const url = this.readUrl();
    // Only a new URL is announced (the library keeps the last one in stored state).
    if (url !== undefined && this.stored.currentUrl !== url) {
      this.stored.currentUrl = url;
      await this.charm.framework.emit(this.on.ready, { ...relationSnapshot(event.relation), url });
    }
  };

  private readonly handleRelationBroken = async (event: RelationBrokenEvent): Promise<void> => {
    this.stored.currentUrl = null;
    await this.charm.framework.emit(this.on.revoked, relationSnapshot(event.relation));
  };

  private readonly handleUpgradeOrLeader = async (_event: EventBase): Promise<void> => {
    await this.publishAutoData();
  };
}

function relationSnapshot(relation: Relation): JsonObject {
  const app = relation.app;
  return { relationName: relation.name, relationId: relation.id, ...(app === undefined ? {} : { appName: app.name }) };
}
