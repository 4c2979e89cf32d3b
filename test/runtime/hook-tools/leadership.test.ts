// runtime/hook-tools/leadership.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [["is-leader", (t) => t.isLeader(), "is-leader --format=json", "true\n", true]];

describe("leadership.ts", () => {
  testArgv(cases);
});
