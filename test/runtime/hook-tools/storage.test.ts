// runtime/hook-tools/storage.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { describe } from "vitest";

import { type ArgvCase, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["storage-list", (t) => t.storageList("data"), "storage-list --format=json data", '["data/0"]', ["data/0"]],
  [
    "storage-get",
    (t) => t.storageGet("data/0"),
    "storage-get --format=json -s data/0",
    '{"kind":"filesystem","location":"/srv"}',
    { kind: "filesystem", location: "/srv" },
  ],
  [
    "storage-add",
    (t) => {
      t.storageAdd("data", 2);
    },
    "storage-add data=2",
    "",
    undefined,
  ],
];

describe("storage.ts", () => {
  testArgv(cases);
});
