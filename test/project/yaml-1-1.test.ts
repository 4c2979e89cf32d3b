// YAML that Juju reads the same way (docs/cli.md, "YAML that Juju reads"): the readers against
// PyYAML itself and gopkg.in/yaml.v2's rules, the writer read back by PyYAML, the packed files,
// the metadata a project, a .charm or a test gives, and action params from the command line, a
// params file and Juju.cli through the stand-in juju.

import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { execa } from "execa";
import { afterAll, describe, expect, test } from "vitest";
import { parse as parseYaml12 } from "yaml";

import { MetadataError, compileCharmMeta, yamlDocument } from "../../project/charm-meta.js";
import { YamlError, goYamlScalar, pyYamlScalar, readYaml, writeYaml, yaml12Scalar, yamlReadings } from "../../project/juju-yaml.js";
import { charmFiles, pack, yamlWarnings } from "../../cmd/pack.js";
import { loadProject } from "../../project/project.js";
import { SimCommandError, actionParams, actionParamsFile } from "../../cmd/sim.js";
import { writeZip } from "../../project/archive.js";
import { Juju } from "../../integration/juju.js";
import { Simulator } from "../../simulator/simulator.js";
import { CharmBase } from "../../runtime/index.js";
import { Context } from "../../testing/index.js";
import { writeJujuStandIn } from "../../integration/juju-stand-in.js";
import { recorderCharm } from "../support/recorder-charm.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
const TSCHARM = join(ROOT, "cmd", "tscharm.mjs");
const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-yaml-"));
  scratch.push(dir);
  return dir;
}

/** PyYAML, the YAML 1.1 reader charmcraft uses; the machine has it (python3-yaml) or these tests say so. */
const PYYAML = spawnSync("python3", ["-c", "import yaml"]).status === 0;
const needsPyYaml = PYYAML ? test : test.skip;
const PYYAML_MISSING = PYYAML ? "" : " (NOT RUN: python3 has no PyYAML; install python3-yaml)";

/** What PyYAML's safe_load makes of a document, as JSON (dates as {timestamp: iso}, errors as {error: name}). */
function pyYamlLoad(text: string): unknown {
  const script = `
import datetime, json, math, sys, yaml
def plain(v):
    if isinstance(v, (datetime.date, datetime.datetime)): return {"timestamp": v.isoformat()}
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)): return {"float": repr(v)}
    if isinstance(v, dict): return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list): return [plain(x) for x in v]
    return v
try: print(json.dumps(plain(yaml.safe_load(sys.stdin.read()))))
except Exception as e: print(json.dumps({"error": type(e).__name__}))
`;
  return JSON.parse(execFileSync("python3", ["-c", script], { input: text, encoding: "utf8" })) as unknown;
}

/** Every plain scalar the readers disagree on, and a few they agree on. */
const SCALARS = [
  ...["off", "on", "yes", "no", "y", "n", "Y", "N", "Yes", "NO", "Off", "ON", "true", "True", "TRUE", "false", "False", "FALSE"],
  ...["~", "null", "Null", "NULL", ".inf", "-.inf", "+.inf", ".nan", ".NaN", "+.nan"],
  ...["0777", "012", "08", "0o777", "0x1F", "0X1F", "0b101", "0B101", "1_000", "1__0", "0_", "1:20", "1:20.5", "190:20:30", "-0", "+12"],
  ...["1e3", "1.5e3", "1.0e+3", "1e-7", "1.5e-7", "1.", "0.", "+.5", "-.5", ".5", "09.5", "1_000.5", "12345678901234567890123"],
  ...["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14 21:59:43"],
  ...["abc", "+", "x:y", "a b", "._5"],
];

describe("the readers", () => {
  needsPyYaml(`charmcraft's reading is PyYAML's, for every scalar${PYYAML_MISSING}`, () => {
    const read = pyYamlLoad(SCALARS.map((text, index) => `v${String(index)}: ${text}\n`).join("")) as Record<string, unknown>;
    const mine = Object.fromEntries(
      SCALARS.map((text, index) => {
        const reading = pyYamlScalar(text);
        const value = "value" in reading ? reading.value : undefined;
        const json =
          value instanceof Date
            ? { timestamp: "" }
            : typeof value === "number" && !Number.isFinite(value)
              ? { float: Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf" }
              : value;
        return [`v${String(index)}`, json];
      }),
    );
    // Dates are checked by kind (a Python date has no time zone to compare).
    const theirs = Object.fromEntries(
      Object.entries(read).map(([key, value]) => [
        key,
        typeof value === "object" && value !== null && "timestamp" in value ? { timestamp: "" } : value,
      ]),
    );
    expect(mine).toEqual(theirs);
  });

  needsPyYaml(`PyYAML refuses an unquoted = or << value and a bare 0b_, and so does the charmcraft reader${PYYAML_MISSING}`, () => {
    for (const text of ["=", "<<", "0b_"]) {
      expect(pyYamlLoad(`v: ${text}\n`)).toHaveProperty("error");
      expect(pyYamlScalar(text).kind).toBe("refused");
      expect(() => readYaml(`v: ${text}\n`, { file: "charmcraft.yaml", readers: ["charmcraft"] })).toThrow(YamlError);
    }
    expect(() => readYaml("v: =\n", { file: "charmcraft.yaml", readers: ["charmcraft"] })).toThrow(
      "charmcraft.yaml: v: charmcraft cannot read the unquoted = (",
    );
    expect(readYaml("v: =\n", { file: "config.yaml", readers: ["juju"] })).toEqual({ v: "=" });
  });

  test("Juju's reading follows gopkg.in/yaml.v2's resolve.go (decoding into interface{})", () => {
    const expected: Record<string, unknown> = {
      off: false,
      on: true,
      y: true,
      n: false,
      Y: true,
      N: false,
      yes: true,
      NO: false,
      True: true,
      "~": null,
      "": null,
      Null: null,
      "0777": 511,
      "012": 10,
      "08": "08",
      "0o777": 511,
      "0X1F": 31,
      "0B101": 5,
      "1_000": 1000,
      "-0": 0,
      "+12": 12,
      // yaml.v2 has no base-60 numbers and keeps timestamps as their text.
      "1:20": "1:20",
      "190:20:30": "190:20:30",
      "2001-12-14": "2001-12-14",
      "2001-12-14 21:59:43.10 -5": "2001-12-14 21:59:43.10 -5",
      // Its float syntax needs an exponent's sign, and digits after a dot.
      "1e3": "1e3",
      "1.5e3": "1.5e3",
      "1.0e+3": 1000,
      "1e-7": 1e-7,
      "1.": "1.",
      "+.5": 0.5,
      ".5": 0.5,
      "09.5": "09.5",
      "12345678901234567890123": 1.2345678901234568e22,
      "0xFFFFFFFFFFFFFFFFFF": "0xFFFFFFFFFFFFFFFFFF",
      "18446744073709551615": 2 ** 64,
      ".inf": Number.POSITIVE_INFINITY,
      "+.nan": "+.nan",
      abc: "abc",
      "+": "+",
    };
    const actual = Object.fromEntries(
      Object.keys(expected).map((text) => {
        const reading = goYamlScalar(text);
        return [text, "value" in reading ? reading.value : reading.kind];
      }),
    );
    expect(actual).toEqual(expected);
  });

  test("the YAML 1.2 reading is the yaml package's core schema", () => {
    for (const text of SCALARS) {
      const reading = yaml12Scalar(text);
      expect({ text, value: "value" in reading ? reading.value : undefined }).toEqual({
        text,
        value: (parseYaml12(`v: ${text}\n`) as { v: unknown }).v,
      });
    }
  });

  test("a document: keys kept as written, << merges, each ambiguous scalar noted with its path", () => {
    const doc = readYaml("base: &b {mode: off, size: 0777}\nwith:\n  <<: *b\n  on: 1:20\nlist: [y, 'y', !!str no, !!int '3']\n", {
      file: "x.yaml",
      readers: ["juju"],
    });
    expect(doc).toEqual({ base: { mode: false, size: 511 }, with: { mode: false, size: 511, on: "1:20" }, list: [true, "y", "no", 3] });
    expect(yamlReadings(doc).map((reading) => [reading.path.join("."), reading.text])).toEqual([
      ["base.mode", "off"],
      ["base.size", "0777"],
      ["with.on", "on"],
      ["list.0", "y"],
    ]);
    expect(() => readYaml("a: [", { file: "x.yaml", readers: ["juju"] })).toThrow(/^x\.yaml: /);
  });
});

describe("the writer", () => {
  const value = {
    ...Object.fromEntries(SCALARS.map((text, index) => [`s${String(index)}`, text])),
    specials: ["=", "<<", "", " padded ", "line\nbreak", "# not a comment", "- not an item", "key: value"],
    numbers: [0, -3, 42, 0.5, 1e-7, 1.5e-7, 1e21, 1.5e300, -2.5],
    flags: [true, false, null],
    keys: { on: 1, y: 2, "0777": 3, "1:20": 4, "<<": 5 },
  };
  const text = writeYaml(value);

  needsPyYaml(`PyYAML reads back every value as written${PYYAML_MISSING}`, () => {
    expect(pyYamlLoad(text)).toEqual(value);
  });

  test("Juju's reader, charmcraft's and YAML 1.2's read back every value as written, and find nothing ambiguous", () => {
    for (const readers of [["juju"], ["charmcraft"]] as const) {
      const back = readYaml(text, { file: "written.yaml", readers });
      expect(back).toEqual(value);
      expect(yamlReadings(back)).toEqual([]);
    }
    expect(parseYaml12(text)).toEqual(value);
    expect(parseYaml12(text, { version: "1.1" })).toEqual(value);
  });

  test("strings any reader could misread are quoted; numbers keep a dot before an exponent", () => {
    expect(writeYaml({ a: "off", b: "y", c: "0o777", d: "2001-12-14", e: "plain text", f: 1e-7, g: 80 })).toBe(
      'a: "off"\nb: "y"\nc: "0o777"\nd: "2001-12-14"\ne: plain text\nf: 1.0e-7\ng: 80\n',
    );
  });

  test("only JSON-like values: a date (what an unquoted date in charmcraft.yaml becomes) is refused, naming where", () => {
    expect(() => writeYaml({ actions: { a: { params: { d: { default: new Date(0) } } } } }, { file: "charmcraft.yaml" })).toThrow(
      "charmcraft.yaml: actions.a.params.d.default: cannot write the timestamp 1970-01-01T00:00:00.000Z",
    );
  });
});

/** A project `tscharm pack` can pack without building: charmcraft.yaml, extra files, and a stand-in dispatch. */
function project(charmcraftExtra: string, files: Record<string, string> = {}): string {
  const dir = tempDir();
  writeFileSync(
    join(dir, "charmcraft.yaml"),
    "name: yamlcharm\ntype: charm\nsummary: A charm\ndescription: Tests YAML.\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n" +
      `parts:\n  charm:\n    plugin: dump\n    source: .\n${charmcraftExtra}`,
  );
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  mkdirSync(join(dir, "dist", "amd64"), { recursive: true });
  writeFileSync(join(dir, "dist", "amd64", "dispatch"), "#!/bin/sh\n");
  return dir;
}

/** A member of a .charm, read with Python's zipfile. */
function member(charm: string, name: string): string {
  return execFileSync(
    "python3",
    ["-c", "import sys,zipfile\nsys.stdout.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]).decode())", charm, name],
    { encoding: "utf8" },
  );
}

describe("tscharm pack", () => {
  const quoted =
    'config:\n  options:\n    mode: {type: string, default: "off"}\n    answer: {type: string, default: "y"}\n' +
    '    umask: {type: string, default: "0777"}\n    day: {type: string, default: "2001-12-14"}\n' +
    'actions:\n  say:\n    params:\n      word: {type: string, default: "no"}\n';

  needsPyYaml(`a string default "off" packs into a config.yaml that PyYAML reads as the string "off"${PYYAML_MISSING}`, async () => {
    const dir = project(quoted);
    const log: string[] = [];
    const [packed] = await pack({ projectDir: dir, build: false, log: (line) => log.push(line) });
    const charm = packed?.path ?? "";
    expect(pyYamlLoad(member(charm, "config.yaml"))).toEqual({
      options: {
        mode: { type: "string", default: "off" },
        answer: { type: "string", default: "y" },
        umask: { type: "string", default: "0777" },
        day: { type: "string", default: "2001-12-14" },
      },
    });
    expect(pyYamlLoad(member(charm, "actions.yaml"))).toEqual({ say: { params: { word: { type: "string", default: "no" } } } });
    expect(pyYamlLoad(member(charm, "manifest.yaml"))).toMatchObject({
      bases: [{ name: "ubuntu", channel: "24.04", architectures: ["amd64"] }],
    });
    // Juju's reader agrees.
    expect(readYaml(member(charm, "config.yaml"), { file: "config.yaml", readers: ["juju"] })).toMatchObject({
      options: { answer: { default: "y" } },
    });
    // charmcraft pack would write "y" unquoted: tscharm says so.
    expect(log).toContain(
      'warning: charmcraft.yaml: config.options.answer.default: "y" is a string, but charmcraft pack writes it unquoted ' +
        "and Juju (YAML 1.1) reads that as the boolean true; tscharm pack quotes it",
    );
  });

  test("an unquoted default: off for a string option is refused, saying how charmcraft and Juju read it", () => {
    const dir = project("config:\n  options:\n    mode:\n      type: string\n      default: off\n");
    expect(() => loadProject(dir)).toThrow(MetadataError);
    expect(() => loadProject(dir)).toThrow(
      "charmcraft.yaml: config.options.mode.default: off is read as the boolean false by charmcraft and Juju (YAML 1.1), " +
        'not as the string "off"; quote it: "off"',
    );
  });

  test(
    "a value YAML 1.1 reads otherwise but that still fits is packed as read, " +
      "with a warning naming the file, the key and both readings",
    () => {
      const dir = project("config:\n  options:\n    mode: {type: int, default: 0777}\n    when: {type: int, default: 1:20}\n");
      const loaded = loadProject(dir);
      expect(loaded.meta.config).toEqual({ mode: { type: "int", default: 511 }, when: { type: "int", default: 80 } });
      expect(yamlWarnings(loaded)).toEqual([
        "charmcraft.yaml: config.options.mode.default: 0777 is the integer 511 to charmcraft (YAML 1.1) but the integer 777 to YAML 1.2; " +
          "write it as 777 if you mean the integer 777",
        "charmcraft.yaml: config.options.when.default: 1:20 is the integer 80 to charmcraft (YAML 1.1) " +
          'but the string "1:20" to YAML 1.2; quote it: "1:20"',
      ]);
      const config = charmFiles(loaded)
        .find((file) => file.name === "config.yaml")
        ?.data.toString();
      expect(config).toBe("options:\n  mode:\n    type: int\n    default: 511\n  when:\n    type: int\n    default: 80\n");
    },
  );

  test("the project's own config.yaml is copied as it is, read as Juju reads it, and its ambiguous values warned about", () => {
    const own = "options:\n  level:\n    type: boolean\n    default: yes\n  code:\n    type: int\n    default: 0o17\n";
    const dir = project("", { "config.yaml": own });
    const loaded = loadProject(dir);
    expect(loaded.meta.config).toEqual({ level: { type: "boolean", default: true }, code: { type: "int", default: 15 } });
    expect(
      charmFiles(loaded)
        .find((file) => file.name === "config.yaml")
        ?.data.toString(),
    ).toBe(own);
    expect(yamlWarnings(loaded)).toEqual([
      "config.yaml: options.level.default: yes is the boolean true to Juju (YAML 1.1) and charmcraft (YAML 1.1) " +
        'but the string "yes" to YAML 1.2; quote it: "yes"',
      "config.yaml: options.code.default: 0o17 is the integer 15 to Juju (YAML 1.1) and YAML 1.2 " +
        'but the string "0o17" to charmcraft (YAML 1.1); write it as 15 if you mean the integer 15',
    ]);
  });

  test("a config.yaml default that Juju reads as a boolean is refused with Juju's own words", () => {
    const dir = project("", { "config.yaml": "options:\n  answer:\n    type: string\n    default: y\n" });
    expect(() => loadProject(dir)).toThrow(
      'config.yaml.options.answer.default: y is read as the boolean true by Juju (YAML 1.1), not as the string "y", ' +
        'and Juju refuses the charm (invalid config default: option "answer" expected string, got true); quote it: "y"',
    );
  });
});

describe("metadata from a test, and from a .charm", () => {
  class Plain extends CharmBase {}

  test("Context reads inline YAML as Juju does: an unquoted off default for a string is refused, a param default no is false", () => {
    expect(() => new Context(Plain, { meta: "name: plain\n", config: "options:\n  mode: {type: string, default: off}\n" })).toThrow(
      'config.options.mode.default: off is read as the boolean false by Juju (YAML 1.1), not as the string "off"',
    );
    const ctx = new Context(Plain, { meta: "name: plain\n", actions: "say:\n  params:\n    word: {type: string, default: no}\n" });
    expect(ctx.meta.actions["say"]?.params).toEqual({ word: { type: "string", default: false } });
    expect(
      compileCharmMeta({
        metadata: { name: "plain" },
        config: yamlDocument('options:\n  mode: {type: string, default: "off"}\n', "config"),
      }).config,
    ).toEqual({
      mode: { type: "string", default: "off" },
    });
  });

  test("the simulator refuses a .charm whose config.yaml Juju would refuse", async () => {
    const dir = tempDir();
    const charm = join(dir, "bad.charm");
    writeZip(charm, [
      { name: "dispatch", data: Buffer.from("#!/bin/sh\n"), mode: 0o755 },
      { name: "metadata.yaml", data: Buffer.from("name: bad\nsummary: s\ndescription: d\n"), mode: 0o644 },
      { name: "config.yaml", data: Buffer.from("options:\n  mode:\n    type: string\n    default: off\n"), mode: 0o644 },
    ]);
    const sim = await Simulator.create({ dir: join(dir, "model") });
    try {
      expect(() => sim.deploy(charm)).toThrow("config.yaml.options.mode.default: off is read as the boolean false by Juju (YAML 1.1)");
    } finally {
      await sim.close();
    }
  });
});

describe("action params, as juju run reads them", () => {
  test("key=value: each value is YAML 1.1; quotes keep a string; an empty value stays the empty text", () => {
    expect(actionParams(["a=no", "b='no'", 'c="y"', "d=y", "e=0777", "f=1:20", "g=", "h=~", "i=[on, 'off']", "j=2001-12-14"])).toEqual({
      a: false,
      b: "no",
      c: "y",
      d: true,
      e: 511,
      f: "1:20",
      g: "",
      h: null,
      i: [true, "off"],
      j: "2001-12-14",
    });
    expect(() => actionParams(["a=[1"])).toThrow(SimCommandError);
  });

  test("a params file: YAML 1.1, a mapping", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "p.yaml"), 'mode: off\nword: "off"\n');
    expect(actionParamsFile(join(dir, "p.yaml"))).toEqual({ mode: false, word: "off" });
    writeFileSync(join(dir, "list.yaml"), "- a\n");
    expect(() => actionParamsFile(join(dir, "list.yaml"))).toThrow(`${join(dir, "list.yaml")} must hold a YAML mapping of params`);
    writeFileSync(join(dir, "empty.yaml"), "# nothing\n");
    expect(actionParamsFile(join(dir, "empty.yaml"))).toEqual({});
  });

  test(
    "Juju.cli().run writes a params file the stand-in juju (tscharm sim run --params) reads back as written; " +
      "tscharm sim run word=no is a boolean, refused by the schema",
    { timeout: 60_000 },
    async () => {
      const charm = recorderCharm();
      scratch.push(join(charm.control, ".."));
      writeFileSync(
        join(charm.dir, "actions.yaml"),
        "say:\n  params:\n    word: {type: string}\n    code: {type: string}\n    day: {type: string}\n  additionalProperties: false\n",
      );
      charm.onHook("say", 'action-set got="$(action-get --format json)"');
      const root = join(charm.control, "..", "juju");
      const juju = Juju.cli({ model: "yaml", cliBinary: writeJujuStandIn(root, { env: { CONTROL: charm.control } }), pollInterval: 10 });
      await juju.deploy(charm.dir, { app: "rec" });
      const params = { word: "no", code: "0777", day: "2001-12-14" };
      const task = await juju.run("rec/0", "say", params);
      const got = task.results["got"];
      expect(typeof got === "string" ? JSON.parse(got) : got).toEqual(params);

      const model = join(root, "models", "yaml");
      const refused = await execa("node", [TSCHARM, "sim", "run", "-m", model, "rec/0", "say", "word=no"], {
        reject: false,
        env: { CONTROL: charm.control },
      });
      expect(refused.exitCode).toBe(1);
      expect(refused.stderr).toContain("(root).word : must be of type string, given false");
      const quotedWord = await execa("node", [TSCHARM, "sim", "run", "-m", model, "rec/0", "say", "word='no'", "--format", "json"], {
        reject: false,
        env: { CONTROL: charm.control },
      });
      expect(quotedWord.exitCode).toBe(0);
      expect(JSON.parse(quotedWord.stdout)).toMatchObject({ "rec/0": { results: { got: '{"word":"no"}' } } });
    },
  );
});
