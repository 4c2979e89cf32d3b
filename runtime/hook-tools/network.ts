// Network: `network-get`.

import type { JsonObject, JsonValue } from "../meta.js";
import { type ToolCall, operand } from "./call.js";
import { expectObject, expectStringArray, malformed, optionalString } from "./output.js";

export interface NetworkRecord {
  readonly bindAddresses: readonly {
    readonly macAddress: string;
    readonly interfaceName: string;
    readonly addresses: readonly { readonly hostname: string; readonly value: string; readonly cidr: string }[];
  }[];
  readonly egressSubnets: readonly string[];
  readonly ingressAddresses: readonly string[];
}

export interface NetworkTools {
  networkGet(binding: string, relationId?: number): NetworkRecord;
}

export function networkGet(call: ToolCall, binding: string, relationId?: number): NetworkRecord {
  const relation = relationId === undefined ? [] : ["-r", String(relationId)];
  const args = ["--format=json", ...relation, operand("network-get", "binding", binding)];
  return toNetworkRecord(expectObject("network-get", call.json("network-get", args)));
}

function toNetworkRecord(object: JsonObject): NetworkRecord {
  const tool = "network-get";
  const list = (key: string): JsonValue[] => {
    const value = object[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw malformed(tool, `"${key}" is not a list`);
    return value;
  };
  return {
    bindAddresses: list("bind-addresses").map((item) => {
      const entry = expectObject(tool, item);
      const addresses = entry["addresses"];
      return {
        macAddress: optionalString(tool, entry, "mac-address") ?? "",
        interfaceName: optionalString(tool, entry, "interface-name") ?? "",
        addresses: (Array.isArray(addresses) ? addresses : []).map((address) => {
          const a = expectObject(tool, address);
          return {
            hostname: optionalString(tool, a, "hostname") ?? "",
            value: optionalString(tool, a, "value") ?? "",
            cidr: optionalString(tool, a, "cidr") ?? "",
          };
        }),
      };
    }),
    egressSubnets: expectStringArray(tool, list("egress-subnets")),
    ingressAddresses: expectStringArray(tool, list("ingress-addresses")),
  };
}
