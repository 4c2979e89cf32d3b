// runtime/hook-tools/config.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["config-get", (t) => t.configGet(), "config-get --format=json", '{"a":"x","n":3,"b":false}', { a: "x", n: 3, b: false }],
];

describe("config.ts", () => {
  testArgv(cases);
});
