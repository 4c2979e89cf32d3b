// Network bindings: the addresses a unit binds to and advertises for an endpoint (`network-get`).

import type { ModelBackend } from "./model-backend.js";
import type { NetworkRecord } from "./hook-tools/index.js";
import type { CharmMeta } from "./meta.js";

/** The endpoint Juju provides on every charm. */
export const JUJU_INFO = "juju-info";

/**
 * Whether `name` is a binding of the charm: an endpoint, an extra-binding, or `juju-info`, which
 * Juju gives every charm ("juju-info is a implicit endpoint that must exist for all charms",
 * juju/juju domain/application/state, addCharmRelations).
 */
export function isBindingOf(meta: CharmMeta, name: string): boolean {
  return name === JUJU_INFO || meta.relations[name] !== undefined || (meta.extraBindings ?? []).includes(name);
}

/** The network of one binding, as `network-get` reports it. */
export class Network {
  /** @internal */
  constructor(private readonly record: NetworkRecord) {}

  /** The interfaces and their addresses. */
  get interfaces(): NetworkRecord["bindAddresses"] {
    return this.record.bindAddresses;
  }

  /** The first address this unit binds to, if any. */
  get bindAddress(): string | undefined {
    return this.record.bindAddresses[0]?.addresses[0]?.value;
  }

  /** The addresses other units should use to reach this one (the first is the preferred one). */
  get ingressAddresses(): readonly string[] {
    return this.record.ingressAddresses;
  }

  get ingressAddress(): string | undefined {
    return this.record.ingressAddresses[0];
  }

  /** The subnets this unit's traffic comes from, as seen by the other side. */
  get egressSubnets(): readonly string[] {
    return this.record.egressSubnets;
  }
}

/** An endpoint, extra-binding or relation, whose network is read on first use. */
export class Binding {
  private cache: Network | undefined;

  readonly #backend: ModelBackend;

  /** @internal Obtained with `model.getBinding(...)`. */
  constructor(
    backend: ModelBackend,
    readonly name: string,
    private readonly relationId: number | undefined,
  ) {
    this.#backend = backend;
  }

  get network(): Network {
    this.cache ??= new Network(this.#backend.tools.networkGet(this.name, this.relationId));
    return this.cache;
  }
}
