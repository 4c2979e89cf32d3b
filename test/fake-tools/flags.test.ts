// fake-tools/flags.ts: Juju's flag grammar, through the tools as processes (the first group) and
// parseFlags, parseKeyValues and noMoreArgs called directly.

import { describe, expect, test } from "vitest";

import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("§2 flag grammar, through the tools", () => {
  test("short and long flags, `--flag value` and `--flag=value`", async () => {
    const h = hook(demoModel(), "demo/0");
    const expected = success('["pg/0"]\n');
    expect(await h.run("relation-list", ["-r", "db:2", "--format=json"])).toEqual(expected);
    expect(await h.run("relation-list", ["--relation", "db:2", "--format", "json"])).toEqual(expected);
    expect(await h.run("relation-list", ["--relation=db:2", "--format=json"])).toEqual(expected);
  });

  test("flags may follow positional arguments (interspersed)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-ids", ["db", "--format=json"])).toEqual(success('["db:10","db:2"]\n'));
    expect(await h.run("relation-get", ["host", "pg/0", "-r", "db:2", "--format", "json"])).toEqual(success('"pg-0.internal"\n'));
    expect(await h.run("config-get", ["port", "--format=json"])).toEqual(success("8080\n"));
  });

  test("`--` ends flag parsing: what follows is positional even if it starts with `-`", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    expect(await h.run("juju-log", ["--", "-starts-with-a-dash", "--and-more"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "INFO", message: "-starts-with-a-dash --and-more" });
    expect(await h.run("status-set", ["--", "maintenance", "-1 left"])).toEqual(success());
    expect(model.unit("demo/0").status).toEqual({ status: "maintenance", message: "-1 left", data: {} });
    expect(await h.run("juju-log", ["-l", "ERROR", "--", "--format=json"])).toEqual(success());
    expect(model.logs.at(-1)).toEqual({ unit: "demo/0", level: "ERROR", message: "--format=json" });
  });

  test("booleans: `--app`, `--app=true|false`, and Go's ParseBool spellings", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=true"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=T"])).toEqual(success("pg\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=false"])).toEqual(success("pg/0\n"));
    expect(await h.run("relation-list", ["-r", "db:2", "--app=0"])).toEqual(success("pg/0\n"));
    expect(await h.run("status-get", ["--application=True", "--format=json"])).toMatchObject({ exitCode: 0 });
  });

  test("a boolean with a value ParseBool refuses is a flag error (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r", "db:2", "--app=maybe"])).toEqual(
      failure(2, 'invalid value "maybe" for option --app: strconv.ParseBool: parsing "maybe": invalid syntax'),
    );
  });

  test("an unknown flag is exit 2, gnuflag's message worded with `option`", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["--bogus"])).toEqual(failure(2, "option provided but not defined: --bogus"));
    expect(await h.run("relation-ids", ["-x", "db"])).toEqual(failure(2, "option provided but not defined: -x"));
    // Flags of other tools are not flags of this one.
    expect(await h.run("state-get", ["--app"])).toEqual(failure(2, "option provided but not defined: --app"));
  });

  test("a flag without its value is exit 2", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("relation-list", ["-r"])).toEqual(failure(2, "option needs an argument: -r"));
    expect(await h.run("config-get", ["--format"])).toEqual(failure(2, "option needs an argument: --format"));
  });

  test("extra positional arguments: `unrecognized args: [\"x\" \"y\"]` (exit 2)", async () => {
    const h = hook(demoModel(), "demo/0");
    expect(await h.run("is-leader", ["x", "y"])).toEqual(failure(2, 'unrecognized args: ["x" "y"]'));
    expect(await h.run("config-get", ["greeting", "port"])).toEqual(failure(2, 'unrecognized args: ["port"]'));
    expect(await h.run("relation-list", ["-r", "db:2", "extra"])).toEqual(failure(2, 'unrecognized args: ["extra"]'));
  });

  test("key=value arguments: missing `=`, empty key, duplicate key (exit 2); whitespace trimmed", async () => {
    const model = demoModel();
    const h = hook(model, "demo/0");
    for (const tool of ["relation-set", "state-set", "leader-set"]) {
      const relation = tool === "relation-set" ? ["-r", "db:2"] : [];
      expect(await h.run(tool, [...relation, "foo"]), tool).toEqual(failure(2, 'expected "key=value", got "foo"'));
      expect(await h.run(tool, [...relation, "=v"]), tool).toEqual(failure(2, 'expected "key=value", got "=v"'));
      expect(await h.run(tool, [...relation, "k=1", "k=2"]), tool).toEqual(failure(2, 'key "k" specified more than once'));
    }
    expect(await h.run("state-set", [" spaced = value "])).toEqual(success());
    expect(await h.out("state-get", ["spaced"])).toBe("value\n");
  });
});

describe("details of the reference", () => {
  test("§2 (gnuflag, GNU style): a one-letter flag takes its value attached, `-r2`", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-list", ["-rdb:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
  });
});
