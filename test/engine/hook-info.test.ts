// engine/hook-info.ts: a hook's kind from its name, and hookInfo's ids.
import { describe, expect, test } from "vitest";

import { hookInfo, hookKindOf } from "../../engine/hook-info.js";

describe("hookKindOf", () => {
  test.each([
    ["install", "install"],
    ["leader-settings-changed", "leader-settings-changed"],
    ["secret-expired", "secret-expired"],
    ["db-relation-changed", "relation-changed"],
    ["my-peers-relation-created", "relation-created"],
    ["data-storage-detaching", "storage-detaching"],
    ["collect-metrics", "other"],
    ["relation-changed", "other"],
    ["db-relation-changes", "other"],
    ["juju-exec", "other"],
  ])("%s is %s", (name, kind) => {
    expect(hookKindOf(name)).toBe(kind);
  });
});

describe("hookInfo", () => {
  test("the kind comes from the name; ids given as undefined are left out", () => {
    expect(hookInfo("db-relation-joined", { relationId: 3, remoteUnit: "pg/0", departingUnit: undefined })).toEqual({
      name: "db-relation-joined",
      kind: "relation-joined",
      relationId: 3,
      remoteUnit: "pg/0",
    });
    expect(Object.keys(hookInfo("secret-changed", { secret: "x", secretRevision: undefined }))).toEqual(["name", "kind", "secret"]);
  });
});
