// The network in one hook: network-get per binding, and the unit's address (unit-get).

import type { NetworkRecord } from "../runtime/hook-tools/index.js";
import { isBindingOf } from "../runtime/network.js";
import type { HookScope } from "./hook-scope.js";
import { defaultNetwork } from "./records.js";
import type { Relations } from "./relations.js";
import { fail } from "./tool-errors.js";

export class Network {
  constructor(
    private readonly scope: HookScope,
    private readonly relations: Relations,
  ) {}

  networkGet(binding: string, relationId?: number): NetworkRecord {
    if (relationId !== undefined) this.relations.relationFor("network-get", { endpoint: binding, id: relationId });
    const { model } = this.scope;
    const unit = model.unit(this.scope.unitName);
    const network = unit.networks.get(binding);
    if (network !== undefined) return network;
    const meta = model.app(this.scope.appName).meta;
    // juju-info is an endpoint of every charm (isBindingOf).
    if (meta === undefined || !isBindingOf(meta, binding)) fail("network-get", 1, `no network config found for binding "${binding}"`);
    // The unit's machine address, as in unit-get and the bags it wrote on joining its relations.
    return defaultNetwork(unit.address);
  }

  /** The unit's address (`unit-get private-address` / `public-address`: one machine address here). */
  unitAddress(): string {
    return this.scope.model.unit(this.scope.unitName).address;
  }
}
