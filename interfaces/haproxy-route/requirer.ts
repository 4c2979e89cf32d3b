// The requirer of haproxy-route: charms.haproxy.v2.haproxy_route's HaproxyRouteRequirer, in
// TypeScript. It tells haproxy (the machine charm) how to route to this application, and reads
// the endpoints haproxy publishes for it.

import { type BoundEvent, type CharmBase, EventBase, type Relation, customEvent, log } from "../../runtime/index.js";
import { DataValidationError, InterfaceDataError, RemoteBag } from "../common/data.js";
import { replaceJsonBag } from "../common/dump.js";
import { RelationProblems } from "../common/problems.js";
import { type HaproxyRouteRequirements, hasRequirements, providerEndpoints, requirerAppData, requirerUnitData } from "./data.js";

/**
 * The provider has published endpoints (in relation-created or -changed, whenever there are
 * some): read them with `getProxiedEndpoints()`. Like the library's, it carries nothing itself.
 */
export class HaproxyRouteEndpointsReadyEvent extends EventBase {}

/** The relation with haproxy is gone. */
export class HaproxyRouteEndpointsRemovedEvent extends EventBase {}

/**
 * The requirer side of haproxy-route, as the Python library's HaproxyRouteRequirer: given a service
 * and ports (in the constructor or later with `provideHaproxyRouteRequirements`), the leader
 * writes the routing requirements in the application bag and every unit its `address`, on
 * relation-created and -changed; `on.ready` fires when haproxy has published endpoints,
 * `on.removed` when the relation breaks. Bad `endpoints` from haproxy are a blocked status.
 */
export class HaproxyRouteRequirer {
  readonly on: {
    readonly ready: BoundEvent<HaproxyRouteEndpointsReadyEvent>;
    readonly removed: BoundEvent<HaproxyRouteEndpointsRemovedEvent>;
  };

  private requirements: HaproxyRouteRequirements;
  private readonly problems: RelationProblems;

  constructor(
    private readonly charm: CharmBase,
    readonly relationName: string,
    requirements: HaproxyRouteRequirements = {},
  ) {
    this.requirements = requirements;
    this.on = {
      ready: customEvent(relationName, "ready", HaproxyRouteEndpointsReadyEvent),
      removed: customEvent(relationName, "removed", HaproxyRouteEndpointsRemovedEvent),
    };
    this.problems = new RelationProblems(charm, relationName);
    const { framework } = charm;
    framework.observe(charm.on.relationCreated(relationName), this.configure);
    framework.observe(charm.on.relationChanged(relationName), this.configure);
    framework.observe(charm.on.relationBroken(relationName), this.onRelationBroken);
  }

  /** The relation with haproxy (the endpoint has `limit: 1`), or undefined. */
  get relation(): Relation | undefined {
    return this.charm.model.getRelation(this.relationName);
  }

  /**
   * Replaces the requirements (all of them: what is not given is back at its default) and writes
   * them if the relation is there. `service` and `ports` are required here, as in the library.
   * Throws `DataValidationError` naming the option before anything is written.
   */
  provideHaproxyRouteRequirements(
    requirements: HaproxyRouteRequirements & { readonly service: string; readonly ports: readonly number[] },
  ): void {
    this.requirements = requirements;
    this.updateRelationData();
  }

  /**
   * Writes the requirements into the relation (the application bag on the leader only, as the
   * library; the unit bag on every unit). Nothing without a service or ports (logged).
   */
  updateRelationData(): void {
    if (!hasRequirements(this.requirements)) {
      log.warning("Required field(s) are missing, skipping update of the relation data.");
      return;
    }
    const relation = this.relation;
    if (relation === undefined) return;
    // Everything is checked before the first write, so a refused option leaves both bags as they were.
    const app = this.charm.unit.isLeader() ? requirerAppData(this.requirements) : undefined;
    let address = this.requirements.unitAddress;
    if (address === undefined || address === "") {
      address = this.charm.model.getBinding(this.relationName).network.bindAddress;
      if (address === undefined) {
        log.error("No unit IP available.");
        throw new DataValidationError(
          "haproxy-route",
          "unitAddress",
          "is not given and the binding has no address (No unit IP available.)",
        );
      }
    }
    const unit = requirerUnitData(address);
    if (app !== undefined) replaceJsonBag(relation.data.get(this.charm.app), app);
    replaceJsonBag(relation.data.get(this.charm.unit), unit);
  }

  /**
   * The URLs haproxy publishes for this application (normalised as the library's pydantic
   * AnyHttpUrl prints them); empty while there are none. A malformed `endpoints` gives an empty
   * list and a blocked status naming the key (the library logs it and returns an empty list).
   */
  getProxiedEndpoints(): string[] {
    const relation = this.relation;
    const app = relation?.app;
    if (relation === undefined || app === undefined) return [];
    try {
      const endpoints = providerEndpoints(
        new RemoteBag(relation.data.get(app), { endpoint: this.relationName, relationId: relation.id, from: app.name }),
      );
      this.problems.forget(relation.id);
      return endpoints;
    } catch (error) {
      if (!(error instanceof InterfaceDataError)) throw error;
      this.problems.report(relation.id, error);
      return [];
    }
  }

  private readonly configure = async (): Promise<void> => {
    this.updateRelationData();
    // Emitted whenever endpoints are there (not only when they change), as the library does.
    if (this.relation !== undefined && this.getProxiedEndpoints().length > 0) await this.charm.framework.emit(this.on.ready);
  };

  private readonly onRelationBroken = async (): Promise<void> => {
    await this.charm.framework.emit(this.on.removed);
  };
}
