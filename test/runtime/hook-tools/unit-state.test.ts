// runtime/hook-tools/unit-state.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe, expect, test } from "vitest";

import { ScriptedTools } from "../../support/scripted-tools.js";
import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["state-get", (t) => t.stateGet(), "state-get --format=json", "null", {}],
  [
    "state-delete",
    (t) => {
      t.stateDelete("k");
    },
    "state-delete k",
    "",
    undefined,
  ],
];

describe("unit-state.ts", () => {
  testArgv(cases);

  test("state-set sends a JSON object on stdin, never in argv", () => {
    const scripted = new ScriptedTools();
    scripted.tools.stateSet({ k: "v" });
    expect(scripted.calls).toEqual([{ tool: "state-set", args: ["--file", "-"], stdin: '{"k":"v"}' }]);
  });
});
