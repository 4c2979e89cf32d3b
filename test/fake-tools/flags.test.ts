// fake-tools/flags.ts: Juju's flag grammar, through the tools as processes (the first group) and
// parseFlags, parseKeyValues and noMoreArgs called directly.

import { describe, expect, test } from "vitest";

import { type FlagSpec, UsageError, boolFlag, noMoreArgs, parseFlags, parseKeyValues, stringFlag } from "../../fake-tools/flags.js";
import { demoModel, failure, hook, serveTools, success } from "./hook.js";

serveTools();

describe("flag grammar, through the tools", () => {
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

  test('extra positional arguments: `unrecognized args: ["x" "y"]` (exit 2)', async () => {
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

describe("details of Juju's behaviour", () => {
  test("(gnuflag, GNU style): a one-letter flag takes its value attached, `-r2`", async () => {
    expect(await hook(demoModel(), "demo/0").run("relation-list", ["-rdb:2", "--format=json"])).toEqual(success('["pg/0"]\n'));
  });
});

// --- parseFlags and the helpers, called directly -------------------------------------------------

const SPECS: readonly FlagSpec[] = [
  { names: ["r", "relation"], kind: "string" },
  { names: ["app"], kind: "bool" },
  { names: ["a", "all"], kind: "bool" },
  { names: ["l", "log-level"], kind: "string" },
  { names: ["file"], kind: "string" },
];

/** The flags by their first name, and the positional arguments. */
function parsed(args: readonly string[]): { flags: Record<string, string | boolean>; positionals: readonly string[] } {
  const result = parseFlags(args, SPECS);
  return { flags: Object.fromEntries(result.flags), positionals: result.positionals };
}

/** The UsageError message parseFlags throws for `args`. */
function refusal(args: readonly string[]): string {
  try {
    parseFlags(args, SPECS);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`parseFlags accepted ${JSON.stringify(args)}`);
}

describe("parseFlags", () => {
  test("a one-letter name takes one dash, a longer one two; values are keyed by the flag's first name", () => {
    expect(parsed(["-r", "3"]).flags).toEqual({ r: "3" });
    expect(parsed(["--relation", "3"]).flags).toEqual({ r: "3" });
    expect(parsed(["--all"]).flags).toEqual({ a: true });
    expect(refusal(["--r", "3"])).toBe("option provided but not defined: --r");
  });

  test("a value as the next argument or after `=`, which may itself hold `=`, blanks or a newline", () => {
    expect(parsed(["--relation=db:2"]).flags).toEqual({ r: "db:2" });
    expect(parsed(["-r=2"]).flags).toEqual({ r: "2" });
    expect(parsed(["--file=a=b"]).flags).toEqual({ file: "a=b" });
    expect(parsed(["--log-level= two words\n"]).flags).toEqual({ l: " two words\n" });
    expect(parsed(["--relation="]).flags).toEqual({ r: "" });
  });

  test("the next argument is the value even when it starts with a dash", () => {
    expect(parsed(["-r", "-x", "--app"])).toEqual({ flags: { r: "-x", app: true }, positionals: [] });
    expect(parsed(["--file", "--", "rest"])).toEqual({ flags: { file: "--" }, positionals: ["rest"] });
  });

  test("GNU clusters: `-ab` is `-a -b`; a one-letter flag with a value takes the rest of the cluster", () => {
    expect(parsed(["-rdb:2"]).flags).toEqual({ r: "db:2" });
    expect(parsed(["-ar", "7"]).flags).toEqual({ a: true, r: "7" });
    expect(parsed(["-ar7"]).flags).toEqual({ a: true, r: "7" });
    expect(parsed(["-lwarn"]).flags).toEqual({ l: "warn" });
    expect(refusal(["-ax"])).toBe("option provided but not defined: -x");
    expect(refusal(["-ar"])).toBe("option needs an argument: -r");
  });

  test("booleans: bare is true; `=` takes Go's ParseBool spellings; a separate word is positional", () => {
    for (const word of ["1", "t", "T", "TRUE", "true", "True"]) expect(parsed([`--app=${word}`]).flags).toEqual({ app: true });
    for (const word of ["0", "f", "F", "FALSE", "false", "False"]) expect(parsed([`--app=${word}`]).flags).toEqual({ app: false });
    expect(parsed(["--app", "false"])).toEqual({ flags: { app: true }, positionals: ["false"] });
    expect(refusal(["--app=yes"])).toBe('invalid value "yes" for option --app: strconv.ParseBool: parsing "yes": invalid syntax');
    expect(refusal(["--app="])).toBe('invalid value "" for option --app: strconv.ParseBool: parsing "": invalid syntax');
  });

  test("a repeated flag: the last value wins", () => {
    expect(parsed(["-r", "1", "--relation=2", "-r3"]).flags).toEqual({ r: "3" });
    expect(parsed(["--app=false", "--app"]).flags).toEqual({ app: true });
  });

  test("unknown flags are refused with gnuflag's wording, written as they were given", () => {
    expect(refusal(["--nope"])).toBe("option provided but not defined: --nope");
    expect(refusal(["--nope=1"])).toBe("option provided but not defined: --nope");
    expect(refusal(["-x"])).toBe("option provided but not defined: -x");
  });

  test("a flag that takes a value, at the end of the arguments", () => {
    expect(refusal(["--relation"])).toBe("option needs an argument: --relation");
    expect(refusal(["key", "-r"])).toBe("option needs an argument: -r");
  });

  test("flags and positional arguments interleave; `-` alone is positional; `--` ends the flags", () => {
    expect(parsed(["key", "--app", "pg/0"])).toEqual({ flags: { app: true }, positionals: ["key", "pg/0"] });
    expect(parsed(["-", "-r", "2"])).toEqual({ flags: { r: "2" }, positionals: ["-"] });
    expect(parsed(["--app", "--", "--relation", "-r", "--"])).toEqual({ flags: { app: true }, positionals: ["--relation", "-r", "--"] });
    expect(parsed([])).toEqual({ flags: {}, positionals: [] });
  });

  test("stringFlag and boolFlag read only their own kind", () => {
    const result = parseFlags(["-r", "2", "--app"], SPECS);
    expect(stringFlag(result, "r")).toBe("2");
    expect(stringFlag(result, "app")).toBeUndefined();
    expect(boolFlag(result, "app")).toBe(true);
    expect(boolFlag(result, "r")).toBe(false);
    expect(boolFlag(result, "all")).toBe(false);
    expect(stringFlag(result, "file")).toBeUndefined();
  });
});

describe("noMoreArgs and parseKeyValues", () => {
  test("noMoreArgs: nothing past `from`, else `unrecognized args` quoting each as Go does", () => {
    expect(() => {
      noMoreArgs(["a"], 1);
    }).not.toThrow();
    expect(() => {
      noMoreArgs(["a", "b", 'c "d"'], 1);
    }).toThrow(new UsageError('unrecognized args: ["b" "c \\"d\\""]'));
  });

  test("parseKeyValues: split at the first `=`, key and value trimmed, empty values kept", () => {
    expect(parseKeyValues([" a = 1 ", "b=", "c=x=y"])).toEqual({ a: "1", b: "", c: "x=y" });
    expect(parseKeyValues([])).toEqual({});
  });

  test("parseKeyValues refuses a missing `=`, an empty key and a key given twice", () => {
    expect(() => parseKeyValues(["a"])).toThrow(new UsageError('expected "key=value", got "a"'));
    expect(() => parseKeyValues([" =1"])).toThrow(new UsageError('expected "key=value", got " =1"'));
    expect(() => parseKeyValues(["a=1", " a=2"])).toThrow(new UsageError('key "a" specified more than once'));
  });
});
