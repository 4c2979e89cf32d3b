// The Python libraries built on pydantic databag models (ingress, haproxy-route) write a bag with
// `dump(databag, clear=True)`: the bag is emptied, then each field is set to its json.dumps. What
// is left is exactly the fields written last; every other key goes, Juju's own keys of a unit bag
// (ingress-address, private-address, egress-subnets) included.

import type { RelationDataContent } from "../../runtime/index.js";
import { writeJsonFields } from "./data.js";

/**
 * Makes the bag hold exactly `values` (each JSON-encoded as `json.dumps` would; undefined values
 * are left out), deleting every other key, in one relation-set (none if nothing changes).
 */
export function replaceJsonBag(bag: RelationDataContent, values: Readonly<Record<string, unknown>>): void {
  const cleared = Object.fromEntries(Object.keys(bag.toObject()).map((key) => [key, undefined]));
  writeJsonFields(bag, { ...cleared, ...values });
}
