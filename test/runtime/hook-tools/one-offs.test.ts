// runtime/hook-tools/one-offs.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  [
    "application-version-set",
    (t) => {
      t.applicationVersionSet("1.2");
    },
    "application-version-set -- 1.2",
    "",
    undefined,
  ],
  [
    "resource-get",
    (t) => t.resourceGet("software"),
    "resource-get software",
    "/var/lib/juju/resources/software.zip",
    "/var/lib/juju/resources/software.zip",
  ],
  [
    "goal-state",
    (t) => t.goalState(),
    "goal-state --format=json",
    '{"units":{"demo/0":{"status":"active"}},"relations":{}}',
    { units: { "demo/0": { status: "active" } }, relations: {} },
  ],
  [
    "credential-get",
    (t) => t.credentialGet(),
    "credential-get --format=json",
    '{"type":"lxd","name":"localhost","credential":{"auth-type":"certificate","attrs":{"client-cert":"c"}},"skip-tls-verify":true}',
    {
      type: "lxd",
      name: "localhost",
      credential: { authType: "certificate", attributes: { "client-cert": "c" }, redacted: [] },
      caCertificates: [],
      skipTlsVerify: true,
      isControllerCloud: false,
    },
  ],
  [
    "juju-reboot",
    (t) => {
      t.jujuReboot(false);
    },
    "juju-reboot",
    "",
    undefined,
  ],
  [
    "juju-reboot --now",
    (t) => {
      t.jujuReboot(true);
    },
    "juju-reboot --now",
    "",
    undefined,
  ],
];

describe("one-offs.ts", () => {
  testArgv(cases);
});
