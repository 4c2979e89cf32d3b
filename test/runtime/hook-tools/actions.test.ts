// runtime/hook-tools/actions.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["action-get", (t) => t.actionGet(), "action-get --format=json", '{"target":"x"}', { target: "x" }],
  [
    "action-set",
    (t) => {
      t.actionSet({ a: "1", "b.c": "two words" });
    },
    "action-set a=1 b.c=two words",
    "",
    undefined,
  ],
  [
    "action-fail",
    (t) => {
      t.actionFail("no");
    },
    "action-fail -- no",
    "",
    undefined,
  ],
  [
    "action-log",
    (t) => {
      t.actionLog("50%");
    },
    "action-log -- 50%",
    "",
    undefined,
  ],
];

describe("actions.ts", () => {
  testArgv(cases);
});
