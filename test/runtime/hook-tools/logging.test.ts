// runtime/hook-tools/logging.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  [
    "juju-log",
    (t) => {
      t.jujuLog("WARNING", "--careful");
    },
    "juju-log --log-level WARNING -- --careful",
    "",
    undefined,
  ],
];

describe("logging.ts", () => {
  testArgv(cases);
});
