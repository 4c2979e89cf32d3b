// runtime/hook-tools/ports.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  [
    "open-port",
    (t) => {
      t.openPort({ protocol: "tcp", port: 80 });
    },
    "open-port 80/tcp",
    "",
    undefined,
  ],
  [
    "open-port range",
    (t) => {
      t.openPort({ protocol: "udp", port: 8000, toPort: 8099 }, ["web", "api"]);
    },
    "open-port --endpoints web,api 8000-8099/udp",
    "",
    undefined,
  ],
  [
    "close-port icmp",
    (t) => {
      t.closePort({ protocol: "icmp" });
    },
    "close-port icmp",
    "",
    undefined,
  ],
  [
    "opened-ports",
    (t) => t.openedPorts(),
    "opened-ports --format=json",
    '["80/tcp","icmp","9000-9010/udp"]',
    [{ protocol: "tcp", port: 80 }, { protocol: "icmp" }, { protocol: "udp", port: 9000, toPort: 9010 }],
  ],
];

describe("ports.ts", () => {
  testArgv(cases);
});
