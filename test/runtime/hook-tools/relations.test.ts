// runtime/hook-tools/relations.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe, expect, test } from "vitest";

import { ScriptedTools } from "../../support/scripted-tools.js";
import { type ArgvCase, db, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["relation-ids", (t) => t.relationIds("db"), "relation-ids db --format=json", '["db:10","db:2"]', [10, 2]],
  ["relation-list", (t) => t.relationList(db), "relation-list --format=json -r db:7", '["pg/0","pg/1"]', ["pg/0", "pg/1"]],
  ["relation-list --app", (t) => t.relationRemoteApp(db), "relation-list --format=json --app -r db:7", '"pg"', "pg"],
  [
    "relation-get unit",
    (t) => t.relationGet(db, "pg/0", false),
    "relation-get --format=json -r db:7 - pg/0",
    '{"host":"h"}',
    { host: "h" },
  ],
  ["relation-get app", (t) => t.relationGet(db, "pg", true), "relation-get --format=json -r db:7 --app - pg", "{}", {}],
  ["relation-model-get", (t) => t.relationModelGet(db), "relation-model-get --format=json -r db:7", '{"uuid":"u"}', { uuid: "u" }],
];

describe("relations.ts", () => {
  testArgv(cases);

  test("relation-set sends a JSON object on stdin, never in argv", () => {
    const scripted = new ScriptedTools();
    scripted.tools.relationSet(db, { "a b": "x=y", empty: "" }, false);
    scripted.tools.relationSet(db, { leader: "demo/0" }, true);
    expect(scripted.calls).toEqual([
      { tool: "relation-set", args: ["-r", "db:7", "--file", "-"], stdin: '{"a b":"x=y","empty":""}' },
      { tool: "relation-set", args: ["-r", "db:7", "--app", "--file", "-"], stdin: '{"leader":"demo/0"}' },
    ]);
  });
});
