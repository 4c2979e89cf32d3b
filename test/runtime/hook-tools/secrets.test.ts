// runtime/hook-tools/secrets.ts: the exact argv of each of its tools (ops' production argv), and how their output is read.

import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";

import { describe, expect, test } from "vitest";

import { ModelError } from "../../../runtime/errors.js";
import { ScriptedTools, fail } from "../../support/scripted-tools.js";
import { type ArgvCase, catchError, testArgv } from "./support.js";

const cases: ArgvCase[] = [
  ["secret-get by id", (t) => t.secretGet({ id: "secret:x" }), "secret-get --format=json secret:x", '{"password":"p"}', { password: "p" }],
  [
    "secret-get id+label refresh",
    (t) => t.secretGet({ id: "secret:x", label: "l", refresh: true }),
    "secret-get --format=json secret:x --label l --refresh",
    "{}",
    {},
  ],
  ["secret-get label peek", (t) => t.secretGet({ label: "l", peek: true }), "secret-get --format=json --label l --peek", "{}", {}],
  [
    "secret-set info",
    (t) => {
      t.secretSet("secret:x", { label: "l", rotate: "daily" });
    },
    "secret-set --label l --rotate daily --owner application secret:x",
    "",
    undefined,
  ],
  [
    "secret-remove",
    (t) => {
      t.secretRemove("secret:x", 3);
    },
    "secret-remove secret:x --revision 3",
    "",
    undefined,
  ],
  [
    "secret-remove all",
    (t) => {
      t.secretRemove("secret:x");
    },
    "secret-remove secret:x",
    "",
    undefined,
  ],
  [
    "secret-grant",
    (t) => {
      t.secretGrant("secret:x", 7, "pg/1");
    },
    "secret-grant --relation 7 --unit pg/1 secret:x",
    "",
    undefined,
  ],
  [
    "secret-revoke",
    (t) => {
      t.secretRevoke("secret:x", 7);
    },
    "secret-revoke --relation 7 secret:x",
    "",
    undefined,
  ],
  ["secret-ids", (t) => t.secretIds(), "secret-ids --format=json", '["cs9"]', ["cs9"]],
  [
    "secret-info-get",
    (t) => t.secretInfoGet({ label: "creds" }),
    "secret-info-get --format=json --label creds",
    '{"cs9abc":{"revision":3,"label":"creds","owner":"application","rotation":"monthly"}}',
    { id: "cs9abc", revision: 3, label: "creds", owner: "application", rotation: "monthly" },
  ],
];

describe("secrets.ts", () => {
  testArgv(cases);

  test("secret content goes through key#file= files in a private directory that is removed afterwards", () => {
    const scripted = new ScriptedTools({ "secret-add": "secret://5a1b/cs9ab3go9ns0ql5jgv6g\n" });
    const seen: { file: string; content: string; fileMode: number; dirMode: number }[] = [];
    scripted.onCall = (call) => {
      for (const arg of call.args) {
        const match = /^[a-z-]+#file=(.+)$/.exec(arg);
        if (match?.[1] === undefined) continue;
        const file = match[1];
        seen.push({
          file,
          content: readFileSync(file, "utf8"),
          fileMode: statSync(file).mode & 0o777,
          dirMode: statSync(dirname(file)).mode & 0o777,
        });
      }
    };
    const uri = scripted.tools.secretAdd({ username: "admin", password: "s3cret value" }, { owner: "unit", label: "creds", expire: "24h" });
    expect(uri).toBe("secret://5a1b/cs9ab3go9ns0ql5jgv6g");
    const [call] = scripted.calls;
    expect(call?.args.slice(0, 6)).toEqual(["--label", "creds", "--expire", "24h", "--owner", "unit"]);
    expect(call?.args.slice(6).map((a) => a.replace(/=.*$/, "="))).toEqual(["username#file=", "password#file="]);
    expect(JSON.stringify(scripted.calls)).not.toContain("s3cret");
    expect(seen.map((s) => [s.content, s.fileMode, s.dirMode])).toEqual([
      ["admin", 0o600, 0o700],
      ["s3cret value", 0o600, 0o700],
    ]);
    for (const { file } of seen) expect(existsSync(dirname(file))).toBe(false);

    scripted.tools.secretSet("secret:x", { content: { password: "n3w" } });
    expect(scripted.lines()[1]).toMatch(/^secret-set --owner application secret:x password#file=\/.+\/password$/);
    expect(JSON.stringify(scripted.calls)).not.toContain("n3w");
  });

  test("the temp directory is removed even when the tool fails", () => {
    const scripted = new ScriptedTools({ "secret-set": fail(1, "permission denied") });
    let file = "";
    scripted.onCall = (call) => {
      file = (call.args.at(-1) ?? "").replace(/^.*#file=/, "");
    };
    expect(() => scripted.tools.secretSet("secret:x", { content: { password: "p" } })).toThrow(ModelError);
    expect(file).not.toBe("");
    expect(existsSync(dirname(file))).toBe(false);
  });

  test("secret-add refuses output that is not the new secret's URI", () => {
    // A secret-add that prints no URI, or something else, did not create what the charm will use.
    for (const printed of ["", "{not a uri", "secret:short", "secret://uuid/CS9AB3GO9NS0QL5JGV6G"]) {
      const adding = new ScriptedTools({ "secret-add": printed });
      expect(catchError(() => adding.tools.secretAdd({ k: "v" }, { owner: "application" })).message).toBe(
        "secret-add printed malformed output: expected the new secret's URI",
      );
    }
    for (const printed of ["secret:cs9ab3go9ns0ql5jgv6g\n", "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g"]) {
      expect(new ScriptedTools({ "secret-add": printed }).tools.secretAdd({ k: "v" }, { owner: "application" })).toBe(printed.trim());
    }
  });
});
