// Network tools: network-get and unit-get (juju/juju worker/uniter/runner/jujuc/network-get.go, unit-get.go).

import type { JsonObject, JsonValue } from "../runtime/meta.js";
import { UsageError, boolFlag, noMoreArgs, stringFlag } from "./flags.js";
import { struct } from "./formats.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";
import { RELATION_FLAG, resolveRelation } from "./relations.js";

export const NETWORK_TOOLS: Handlers = {
  "unit-get": {
    specs: [],
    usage: "<setting>",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const [setting] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      if (setting !== "private-address" && setting !== "public-address") throw new UsageError(`unknown setting "${setting ?? ""}"`);
      return value(context.unitAddress());
    },
  },

  "network-get": {
    specs: [
      RELATION_FLAG,
      { names: ["bind-address"], kind: "bool" },
      { names: ["ingress-address"], kind: "bool" },
      { names: ["egress-subnets"], kind: "bool" },
      { names: ["primary-address"], kind: "bool" },
    ],
    usage: "<binding-name> [--ingress-address] [--bind-address] [--egress-subnets]",
    formats: ALL_FORMATS,
    run: (invocation, parsed) => {
      const [binding] = parsed.positionals;
      if (binding === undefined) throw new UsageError("no arguments specified");
      noMoreArgs(parsed.positionals, 1);
      const { relationId: hookRelation } = invocation.env;
      const relationText = stringFlag(parsed, "r") ?? (hookRelation === undefined || hookRelation === "" ? undefined : hookRelation);
      const relation = relationText === undefined ? undefined : resolveRelation(invocation, relationText, "network-get");
      const network = invocation.context.networkGet(binding, relation?.id);
      const bind = network.bindAddresses[0]?.addresses[0]?.value ?? "";
      const ingress = network.ingressAddresses[0] ?? bind;
      const selected: [string, JsonValue][] = [];
      if (boolFlag(parsed, "bind-address")) selected.push(["bind-address", bind]);
      if (boolFlag(parsed, "ingress-address")) selected.push(["ingress-address", ingress]);
      if (boolFlag(parsed, "egress-subnets")) selected.push(["egress-subnets", [...network.egressSubnets]]);
      if (boolFlag(parsed, "primary-address")) selected.push(["primary-address", bind]);
      if (selected.length === 1) return value(selected[0]?.[1]);
      if (selected.length > 1) return value(Object.fromEntries(selected));
      // YAML also carries the keys older agents printed (macaddress, interfacename, address).
      const yaml = (stringFlag(parsed, "format") ?? "smart") !== "json";
      const full: JsonObject = struct({});
      if (network.bindAddresses.length > 0) {
        full["bind-addresses"] = network.bindAddresses.map((entry) =>
          struct({
            "mac-address": entry.macAddress,
            "interface-name": entry.interfaceName,
            addresses: entry.addresses.map((address) =>
              struct({ hostname: address.hostname, value: address.value, cidr: address.cidr, ...(yaml ? { address: address.value } : {}) }),
            ),
            ...(yaml ? { macaddress: entry.macAddress, interfacename: entry.interfaceName } : {}),
          }),
        );
      }
      if (network.egressSubnets.length > 0) full["egress-subnets"] = [...network.egressSubnets];
      if (network.ingressAddresses.length > 0) full["ingress-addresses"] = [...network.ingressAddresses];
      return value(full);
    },
  },
};
