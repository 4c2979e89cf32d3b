// The Python libraries built on pydantic databag models (ingress, haproxy-route, tls-certificates)
// write a bag with `dump(databag, clear=True)`: the bag is emptied, then each field is set to its
// json.dumps, so what is left is exactly the fields written last. The one exception here: the keys
// Juju itself puts in a unit bag (ingress-address, private-address, egress-subnets) are the unit
// agent's, not the interface's. The libraries' clear deletes them too (the recordings show it);
// tscharm keeps them, in every interface, so that whoever reads them (Juju's own `relation-get`,
// another library) still finds them. No provider reads them from these interfaces' bags.

import type { RelationDataContent } from "../../runtime/index.js";
import { writeJsonFields } from "./data.js";

/** The keys Juju writes into a unit's bag itself. */
export const JUJU_UNIT_KEYS: readonly string[] = ["egress-subnets", "ingress-address", "private-address"];

/**
 * Makes the bag hold exactly `values` (each JSON-encoded as `json.dumps` would; undefined values
 * are left out) besides Juju's own keys, deleting every other key, in one relation-set (none if
 * nothing changes).
 */
export function replaceJsonBag(bag: RelationDataContent, values: Readonly<Record<string, unknown>>): void {
  const stale = Object.keys(bag.toObject()).filter((key) => !JUJU_UNIT_KEYS.includes(key));
  writeJsonFields(bag, { ...Object.fromEntries(stale.map((key) => [key, undefined])), ...values });
}
