// runtime/hook-tools/network.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  [
    "network-get",
    (t) => t.networkGet("db", 7),
    "network-get --format=json -r 7 db",
    '{"bind-addresses":[{"mac-address":"m","interface-name":"eth0",' +
      '"addresses":[{"hostname":"","value":"10.0.0.5","cidr":"10.0.0.0/24"}]}],' +
      '"egress-subnets":["10.0.0.5/32"],"ingress-addresses":["10.0.0.5"]}',
    {
      bindAddresses: [{ macAddress: "m", interfaceName: "eth0", addresses: [{ hostname: "", value: "10.0.0.5", cidr: "10.0.0.0/24" }] }],
      egressSubnets: ["10.0.0.5/32"],
      ingressAddresses: ["10.0.0.5"],
    },
  ],
];

describe("network.ts", () => {
  testArgv(cases);
});
