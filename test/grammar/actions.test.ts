// grammar/actions.ts: the result keys `action-set` accepts (juju/juju worker/uniter/runner/jujuc/action-set.go).

import { describe, expect, test } from "vitest";

import { RESERVED_ACTION_KEYS, actionKeyProblem } from "../../grammar/actions.js";

describe("actionKeyProblem", () => {
  test.each(["a", "backup", "backup.path", "a1.b-2.c", "x-y-z", "0", "9lives.ok"])("%s is a key", (key) => {
    expect(actionKeyProblem(key)).toBeUndefined();
  });

  test.each(["", "Backup", "a-", "-a", "a..b", ".a", "a.", "a_b", "a b", "a.B", "ünï"])("%j has the wrong shape", (key) => {
    expect(actionKeyProblem(key)).toEqual({ kind: "syntax" });
  });

  test("Juju's reserved keys are refused as any segment, naming the segment", () => {
    expect([...RESERVED_ACTION_KEYS].sort()).toEqual(["stderr", "stderr-encoding", "stdout", "stdout-encoding"]);
    for (const reserved of RESERVED_ACTION_KEYS) {
      expect(actionKeyProblem(reserved)).toEqual({ kind: "reserved", segment: reserved });
      expect(actionKeyProblem(`result.${reserved}`)).toEqual({ kind: "reserved", segment: reserved });
    }
    expect(actionKeyProblem("stdoutx")).toBeUndefined();
  });

  test("the first bad segment decides", () => {
    expect(actionKeyProblem("stdout.BAD")).toEqual({ kind: "reserved", segment: "stdout" });
    expect(actionKeyProblem("BAD.stdout")).toEqual({ kind: "syntax" });
  });
});
