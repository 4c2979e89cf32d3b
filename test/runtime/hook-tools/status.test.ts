// runtime/hook-tools/status.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  [
    "status-get",
    (t) => t.statusGet(),
    "status-get --include-data --format=json --application=false",
    '{"status":"active","message":"ok","status-data":{}}',
    { status: "active", message: "ok", data: {} },
  ],
  [
    "status-get --application",
    (t) => t.statusGetApplication(),
    "status-get --include-data --format=json --application=true",
    '{"application-status":{"status":"blocked","message":"m","status-data":{},' +
      '"units":{"demo/0":{"status":"active","message":"","status-data":{}}}}}',
    { status: "blocked", message: "m", data: {}, units: { "demo/0": { status: "active", message: "", data: {} } } },
  ],
  [
    "status-set",
    (t) => {
      t.statusSet("active", "I rule", false);
    },
    "status-set --application=False active -- I rule",
    "",
    undefined,
  ],
  [
    "status-set app",
    (t) => {
      t.statusSet("blocked", "-x", true);
    },
    "status-set --application=True blocked -- -x",
    "",
    undefined,
  ],
];

describe("status.ts", () => {
  testArgv(cases);
});
