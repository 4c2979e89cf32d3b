// Shared by the tests of runtime/hook-tools/: the argv table every concept's test runs, and small helpers.

import { expect, test } from "vitest";

import type { HookTools } from "../../../runtime/hook-tools/index.js";
import { ScriptedTools } from "../../support/scripted-tools.js";

/** [description, call, expected argv line, stdout the tool prints, expected result] */
export type ArgvCase = [string, (tools: HookTools) => unknown, string, string, unknown];

/** The relation most cases name: `-r db:7`. */
export const db = { endpoint: "db", id: 7 };

/** One test per case: the call runs exactly that argv line, and returns what the tool's output means. */
export function testArgv(cases: ArgvCase[]): void {
  test.each(cases)("%s", (_name, call, argv, stdout, expected) => {
    const scripted = new ScriptedTools({ [argv]: stdout });
    expect(call(scripted.tools)).toEqual(expected);
    expect(scripted.lines()).toEqual([argv]);
  });
}

export function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}
