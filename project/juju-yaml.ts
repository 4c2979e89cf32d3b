// YAML the way Juju and charmcraft read it (YAML 1.1: Go's gopkg.in/yaml.v2 and Python's PyYAML),
// and YAML that every one of them, and YAML 1.2, reads back as written. docs/cli.md, "YAML that
// Juju reads", has the sources and the rules.

import { Scalar, Schema, isMap, isScalar, isSeq, parseDocument, stringify } from "yaml";

import { YamlError } from "./errors.js";

export { YamlError };

/**
 * Who reads a YAML file: Juju (gopkg.in/yaml.v2, in 3.6 and in 4) reads a charm's metadata.yaml,
 * config.yaml, actions.yaml and `juju run` params; charmcraft (PyYAML's safe loader) reads
 * charmcraft.yaml, and also loads the other three when a project has them.
 */
export type YamlReader = "juju" | "charmcraft";

/** What one reader makes of a plain (unquoted, untagged) scalar. */
export type ScalarReading =
  | { kind: "null" | "bool" | "int" | "float" | "str" | "timestamp"; value: unknown }
  | { kind: "refused"; reason: string };

/**
 * A plain scalar that its readers, or YAML 1.2, read differently.
 *   `key`: the scalar is a mapping key (keys are read as written; the reading says what a reader
 *   that resolves keys would make of it). `by` has an entry for each of `readers`; the first
 *   reader's is the value the document holds.
 */
export interface YamlReading {
  file: string;
  path: readonly (string | number)[];
  text: string;
  key: boolean;
  readers: readonly YamlReader[];
  by: Readonly<Partial<Record<YamlReader, ScalarReading>>>;
  yaml12: ScalarReading;
}

// ---- gopkg.in/yaml.v2 (Juju): resolve.go, for values decoded into interface{} ----

/** yaml.v2's table of words. */
const GO_WORDS: ReadonlyMap<string, ScalarReading> = new Map(
  ([
    [["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], { kind: "bool", value: true }],
    [["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], { kind: "bool", value: false }],
    [["", "~", "null", "Null", "NULL"], { kind: "null", value: null }],
    [[".nan", ".NaN", ".NAN"], { kind: "float", value: Number.NaN }],
    [[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], { kind: "float", value: Number.POSITIVE_INFINITY }],
    [["-.inf", "-.Inf", "-.INF"], { kind: "float", value: Number.NEGATIVE_INFINITY }],
  ] as [string[], ScalarReading][]).flatMap(([words, reading]) => words.map((word) => ([word, reading] as [string, ScalarReading]))),
);
/** Go's strconv.ParseInt/ParseUint with base 0 (after yaml.v2 drops every "_"). */
const GO_INT = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
/** yamlStyleFloat of Juju's fork of yaml.v2 (github.com/juju/yaml, v2 branch): an exponent needs its sign, a dot digits after it. */
const GO_FLOAT = /^[-+]?(?:0|[1-9][0-9]*)?(?:\.[0-9]+)?(?:[eE][-+][0-9]+)?$/;
/** Go's strconv.ParseFloat, for the texts starting with "." that reach it. */
const GO_DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_END = 2n ** 63n;
const UINT64_END = 2n ** 64n;

/**
 * What Juju makes of a plain scalar. Timestamps stay strings (yaml.v2 keeps timestamp-looking
 * text as the string for interface{} targets); base-60 numbers are strings (yaml.v2 does not
 * implement them); Go's integer syntax applies, so 0o17, 0X1F and 0B11 are integers too.
 */
export function goYamlScalar(text: string): ScalarReading {
  const word = GO_WORDS.get(text);
  if (word !== undefined) return word;
  if (text.startsWith(".")) {
    const value = Number(text);
    return GO_DOT_FLOAT.test(text) && Number.isFinite(value) ? { kind: "float", value } : { kind: "str", value: text };
  }
  if (!/^[-+0-9]/.test(text)) return { kind: "str", value: text };
  const plain = text.replaceAll("_", "");
  const int = GO_INT.exec(plain);
  if (int !== null) {
    const [, sign = "", digits = ""] = int;
    const magnitude = BigInt(/^0[0-7]+$/.test(digits) ? `0o${digits.slice(1)}` : digits);
    const value = sign === "-" ? -magnitude : magnitude;
    if ((value >= INT64_MIN && value < INT64_END) || (sign === "" && value < UINT64_END)) return { kind: "int", value: Number(value) };
  }
  const value = Number(plain);
  if (GO_FLOAT.test(plain) && Number.isFinite(value)) return { kind: "float", value };
  return { kind: "str", value: text };
}

// ---- PyYAML (charmcraft): the safe loader's implicit resolvers and constructors ----

const PY_BOOL = /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const PY_FLOAT =
  /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_TIMESTAMP =
  /^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)$/;

/**
 * What charmcraft makes of a plain scalar: PyYAML's YAML 1.1 without y/n booleans, with base-60
 * numbers (1:20 is 80) and timestamps (a Date here), and with no constructor for an unquoted `=`
 * or `<<` value, which it refuses.
 */
export function pyYamlScalar(text: string): ScalarReading {
  if (PY_BOOL.test(text)) return { kind: "bool", value: /^(?:yes|true|on)$/i.test(text) };
  if (PY_FLOAT.test(text)) return { kind: "float", value: pyFloat(text) };
  if (PY_INT.test(text)) {
    const value = pyInt(text);
    return Number.isNaN(value) ? { kind: "refused", reason: `PyYAML cannot read ${text} as the integer it looks like` } : { kind: "int", value };
  }
  if (text === "<<") return { kind: "refused", reason: "PyYAML reads an unquoted << as a merge key, and refuses it as a value" };
  if (PY_NULL.test(text)) return { kind: "null", value: null };
  const timestamp = PY_TIMESTAMP.exec(text);
  if (timestamp !== null) return { kind: "timestamp", value: pyTimestamp(timestamp) };
  if (text === "=") return { kind: "refused", reason: "PyYAML's safe loader has no constructor for an unquoted = (the YAML 1.1 value tag)" };
  return { kind: "str", value: text };
}

function pyInt(text: string) {
  let body = text.replaceAll("_", "");
  const sign = body.startsWith("-") ? -1 : 1;
  if (body.startsWith("-") || body.startsWith("+")) body = body.slice(1);
  if (body === "0") return 0;
  if (body.startsWith("0b")) return sign * (body.length > 2 ? Number.parseInt(body.slice(2), 2) : Number.NaN);
  if (body.startsWith("0x")) return sign * (body.length > 2 ? Number.parseInt(body.slice(2), 16) : Number.NaN);
  if (body.startsWith("0")) return sign * Number.parseInt(body, 8);
  if (body.includes(":")) return sign * sexagesimal(body);
  return sign * Number(body);
}

function pyFloat(text: string) {
  let body = text.replaceAll("_", "").toLowerCase();
  const sign = body.startsWith("-") ? -1 : 1;
  if (body.startsWith("-") || body.startsWith("+")) body = body.slice(1);
  if (body === ".inf") return sign * Number.POSITIVE_INFINITY;
  if (body === ".nan") return Number.NaN;
  if (body.includes(":")) return sign * sexagesimal(body);
  return sign * Number(body);
}

/** Base 60, `1:20` = 80, as YAML 1.1 defines it. */
function sexagesimal(body: string) {
  return body.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

function pyTimestamp(match: RegExpExecArray) {
  const [, year, month, day, y, mo, d, hour = "0", minute = "0", second = "0", fraction = "", zone, zoneSign, zoneHour = "0", zoneMinute = "0"] = match;
  const ms = Number(`0.${fraction}`) * 1000;
  const utc = Date.UTC(Number(year ?? y), Number(month ?? mo) - 1, Number(day ?? d), Number(hour), Number(minute), Number(second), ms);
  const offset = zone === undefined || zone === "Z" ? 0 : (zoneSign === "-" ? -1 : 1) * (Number(zoneHour) * 60 + Number(zoneMinute)) * 60_000;
  return new Date(utc - offset);
}

// ---- YAML 1.2 (the core schema): what editors, the yaml npm package and yaml.v3 read ----

const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT = /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

/**
 * What YAML 1.2's core schema makes of a plain scalar: what the author's editor shows, and what
 * tscharm read before it followed Juju.
 */
export function yaml12Scalar(text: string): ScalarReading {
  if (/^(?:null|Null|NULL|~|)$/.test(text)) return { kind: "null", value: null };
  if (/^(?:true|True|TRUE|false|False|FALSE)$/.test(text)) return { kind: "bool", value: /^t/i.test(text) };
  if (CORE_INT.test(text)) {
    const value = text.startsWith("0o") ? Number.parseInt(text.slice(2), 8) : Number(text);
    return { kind: "int", value };
  }
  if (CORE_FLOAT.test(text)) return { kind: "float", value: pyFloat(text) };
  return { kind: "str", value: text };
}

const RESOLVERS: Readonly<Record<YamlReader, (text: string) => ScalarReading>> = { juju: goYamlScalar, charmcraft: pyYamlScalar };
const READER_NAMES: Readonly<Record<YamlReader, string>> = { juju: "Juju", charmcraft: "charmcraft" };

// ---- Reading ----

/** The readings found in each document, by its root value. */
const READINGS_BY_ROOT: WeakMap<object, YamlReading[]> = new WeakMap();
/** The readings of the values a mapping or sequence holds, by the object and key. */
const READINGS_BY_HOLDER: WeakMap<object, Map<string | number, YamlReading>> = new WeakMap();

/**
 * Parses a YAML document the way its first reader does, and notes every plain scalar that its
 * readers or YAML 1.2 read differently (`yamlReadings`, `yamlReadingAt`). Mapping keys are kept as
 * written (Juju decodes option, action and param names as strings); `<<` merges, as in both.
 *   `file` names the document in errors; `readers[0]` is whose values come back; `empty` is what
 *   a document with no node at all (nothing, or only comments) gives (default null).
 */
export function readYaml(text: string, { file, readers, empty = null }: { file: string; readers: readonly [YamlReader, ...YamlReader[]]; empty?: unknown }): unknown {
  const doc = parseDocument(text, { schema: "failsafe", merge: true, version: "1.1", prettyErrors: true });
  const [error] = doc.errors;
  if (error !== undefined) throw new YamlError(`${file}: ${error.message}`);
  if (doc.contents === null) return empty;
  const readings: YamlReading[] = [];
  resolveNode(doc.contents, [], { file, readers, readings });
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (typeof value === "object" && value !== null) {
    READINGS_BY_ROOT.set(value, readings);
    for (const reading of readings) noteAtHolder(value, reading);
  }
  return value;
}

/** Every reading noted in the document whose root value this is. */
export function yamlReadings(root: unknown): readonly YamlReading[] {
  return (typeof root === "object" && root !== null ? READINGS_BY_ROOT.get(root) : undefined) ?? [];
}

/**
 * The reading of the value at `holder[key]`, when `readYaml` made `holder` and that value was an
 * ambiguous plain scalar. (Values that came in through an alias or a `<<` merge are noted where
 * they are written, not where they are merged.)
 * @param key
 */
export function yamlReadingAt(holder: unknown, key: string | number): YamlReading | undefined {
  if (typeof holder !== "object" || holder === null) return undefined;
  return READINGS_BY_HOLDER.get(holder)?.get(key);
}

/**
 */
interface ReadContext { file: string; readers: readonly YamlReader[]; readings: YamlReading[] }

/**
 * Resolves the plain scalars under `node` in place (the failsafe parse left them as text).
 * @param context
 */
function resolveNode(node: unknown, path: (string | number)[], context: ReadContext) {
  if (isScalar(node)) {
    resolveScalar(node, path, context);
  } else if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (pair.key.type === Scalar.PLAIN && pair.key.tag === undefined && key !== "<<") noteKey(key, [...path, key], context);
      resolveNode(pair.value, [...path, key], context);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      resolveNode(item, [...path, index], context);
    });
  }
  // An alias: its anchor is resolved where it is written.
}

const TAG_KINDS = new Map([
  ["tag:yaml.org,2002:null", "null"],
  ["tag:yaml.org,2002:bool", "bool"],
  ["tag:yaml.org,2002:int", "int"],
  ["tag:yaml.org,2002:float", "float"],
]);

function resolveScalar(node: Scalar, path: (string | number)[], context: ReadContext) {
  const text = String(node.value);
  const [primary = "juju"] = context.readers;
  if (node.tag !== undefined) {
    // `!!int 3`, `!!str 0777`: the tag decides (other tags stay strings, with the yaml package's warning).
    const kind = TAG_KINDS.get(node.tag);
    if (kind === undefined) return;
    const reading = RESOLVERS[primary](text);
    const fits = reading.kind === kind || (kind === "float" && reading.kind === "int");
    if (!fits || !("value" in reading)) throw new YamlError(`${where(context.file, path)}: ${text} is not a valid ${kind.replace("bool", "boolean")} for its tag`);
    node.value = reading.value;
    return;
  }
  if (node.type !== Scalar.PLAIN) return;
  const by: Partial<Record<YamlReader, ScalarReading>> = {};
  for (const reader of context.readers) {
    const reading = RESOLVERS[reader](text);
    if (reading.kind === "refused") {
      throw new YamlError(`${where(context.file, path)}: ${READER_NAMES[reader]} cannot read the unquoted ${text} (${reading.reason}); quote it: ${JSON.stringify(text)}`);
    }
    by[reader] = reading;
  }
  const own = by[primary];
  if (own !== undefined && "value" in own) node.value = own.value;
  const yaml12 = yaml12Scalar(text);
  if (Object.values(by).some((reading) => !sameReading(reading, yaml12))) {
    context.readings.push({ file: context.file, path, text, key: false, readers: context.readers, by, yaml12 });
  }
}

/** A key YAML 1.1 would read as something else than its text (`on:`, `no:`) is worth a warning. */
function noteKey(text: string, path: (string | number)[], context: ReadContext) {
  const by: Partial<Record<YamlReader, ScalarReading>> = {};
  for (const reader of context.readers) by[reader] = RESOLVERS[reader](text);
  const yaml12 = yaml12Scalar(text);
  if (yaml12.kind === "str" && Object.values(by).some((reading) => reading.kind !== "str")) {
    context.readings.push({ file: context.file, path, text, key: true, readers: context.readers, by, yaml12 });
  }
}

function sameReading(a: ScalarReading, b: ScalarReading) {
  if (a.kind !== b.kind || !("value" in a) || !("value" in b)) return a.kind === b.kind;
  if (a.value instanceof Date && b.value instanceof Date) return a.value.getTime() === b.value.getTime();
  return Object.is(a.value, b.value) || (a.value === 0 && b.value === 0);
}

function noteAtHolder(root: object, reading: YamlReading) {
  let holder: unknown = root;
  for (const step of reading.path.slice(0, -1)) {
    holder = typeof holder === "object" && holder !== null ? (holder as Record<string | number, unknown>)[step] : undefined;
  }
  const key = reading.path.at(-1);
  if (reading.key || typeof holder !== "object" || holder === null || key === undefined) return;
  let notes = READINGS_BY_HOLDER.get(holder);
  if (notes === undefined) {
    const fresh: Map<string | number, YamlReading> = new Map();
    READINGS_BY_HOLDER.set(holder, (notes = fresh));
  }
  notes.set(key, reading);
}

/** `options.mode.default`, `enum[1]`. */
function dotted(path: readonly (string | number)[]) {
  return path.map((step, index) => (typeof step === "number" ? `[${String(step)}]` : index === 0 ? step : `.${step}`)).join("");
}

/** `config.yaml: options.mode.default`. */
export function where(file: string, path: readonly (string | number)[]) {
  return path.length === 0 ? file : `${file}: ${dotted(path)}`;
}

/** "the boolean false", "the string \"off\"". */
export function describeReading(reading: ScalarReading) {
  switch (reading.kind) {
    case "null":
      return "null";
    case "bool":
      return `the boolean ${String(reading.value)}`;
    case "int":
      return `the integer ${String(reading.value)}`;
    case "float":
      return `the number ${writeNumber((reading.value as number))}`;
    case "timestamp":
      return "a timestamp (a date or time)";
    case "str":
      return `the string ${JSON.stringify(reading.value)}`;
    case "refused":
      return reading.reason;
  }
}

/**
 * The words that say how to write what YAML 1.2 reads (what the author most likely meant) so that
 * every reader agrees: `quote it: "off"`, `write it as 1000`.
 */
export function yamlAdvice(reading: YamlReading) {
  if (reading.key) return `quote the key: ${JSON.stringify(reading.text)}`;
  if (reading.yaml12.kind === "str") return `quote it: ${JSON.stringify(reading.text)}`;
  if (reading.yaml12.kind === "int" || reading.yaml12.kind === "float") return `write it as ${writeNumber((reading.yaml12.value as number))} if you mean ${describeReading(reading.yaml12)}`;
  return `quote it if you mean the string ${JSON.stringify(reading.text)}`;
}

/**
 * One line for a warning: the file and key, each reading, and what to write.
 */
export function describeYamlReading(reading: YamlReading) {
  const place = where(reading.file, reading.path);
  if (reading.key) {
    const [first] = Object.values(reading.by).filter((scalar) => scalar.kind !== "str");
    return `${place}: the key ${reading.text} is ${first === undefined ? "not a string" : describeReading(first)} to a YAML 1.1 reader that resolves keys (charmcraft does; Juju does in metadata.yaml); ${yamlAdvice(reading)}`;
  }
  const groups: { description: string; names: string[] }[] = [];
  const add = (scalar: ScalarReading, name: string) => {
    const description = describeReading(scalar);
    const group = groups.find((candidate) => candidate.description === description);
    if (group === undefined) groups.push({ description, names: [name] });
    else group.names.push(name);
  };
  for (const reader of reading.readers) {
    const scalar = reading.by[reader];
    if (scalar !== undefined) add(scalar, `${READER_NAMES[reader]} (YAML 1.1)`);
  }
  add(reading.yaml12, "YAML 1.2");
  const readings = groups.map((group) => `${group.description} to ${group.names.join(" and ")}`).join(" but ");
  return `${place}: ${reading.text} is ${readings}; ${yamlAdvice(reading)}`;
}

/**
 * Who reads the value the document holds, in words: "Juju", "charmcraft and Juju" (Juju reads
 * what charmcraft packs from charmcraft.yaml). Readers that read it otherwise are left out.
 */
export function readerNames(reading: YamlReading) {
  const [primary = "juju"] = reading.readers;
  const own = reading.by[primary];
  const agreeing = reading.readers.filter((reader) => {
    const scalar = reading.by[reader];
    return scalar !== undefined && own !== undefined && sameReading(scalar, own);
  });
  if (!agreeing.includes("juju")) agreeing.push("juju");
  return agreeing.map((reader) => READER_NAMES[reader]).join(" and ");
}

// ---- Writing ----

/** A RegExp that matches what `accept` accepts: the yaml package asks `tag.test.test(text)` whether a plain scalar would resolve to a tag. */
class Matcher extends RegExp {
  private readonly accept: (text: string) => boolean;

  constructor(accept: (text: string) => boolean) {
    super("(?!)");
    this.accept = accept;
  }

  override test(text: string) {
    return this.accept(text);
  }
}

/** The yaml npm package's own YAML 1.1 schema, one more 1.1 reader (it reads `._5` as 0.5). */
const YAML_PACKAGE_1_1_TAGS = new Schema({ schema: "yaml-1.1" }).tags.filter((tag) => tag.default === true && tag.tag !== "tag:yaml.org,2002:str");

/** A plain scalar that some reader of the files Juju reads would take for something else than a string. */
function notAStringToSomeone(text: string) {
  return (
    goYamlScalar(text).kind !== "str" ||
    pyYamlScalar(text).kind !== "str" ||
    yaml12Scalar(text).kind !== "str" ||
    YAML_PACKAGE_1_1_TAGS.some((tag) => "test" in tag && tag.test?.test(text) === true)
  );
}

/** Numbers every reader reads back as written: integers as digits, other numbers with a "." in the mantissa (PyYAML reads 1e-7 as a string). */
function writeNumber(value: number) {
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  if (Object.is(value, -0)) return "0";
  const text = String(value);
  const exponent = /^(-?[0-9]+)(e[-+][0-9]+)$/.exec(text);
  return exponent === null ? text : `${exponent[1] ?? ""}.0${exponent[2] ?? ""}`;
}

/** The scalar tags the writer uses. */
const WRITE_TAGS: import("yaml").ScalarTag[] = [
  {
    // Never chosen for a value: the yaml package quotes a string that some default tag's test matches.
    identify: () => false,
    default: true,
    tag: "tag:tscharm:not-a-string-to-every-reader",
    test: new Matcher(notAStringToSomeone),
    resolve: (text) => text,
  },
  {
    identify: (value: unknown) => value === null,
    default: true,
    tag: "tag:yaml.org,2002:null",
    resolve: () => null,
    stringify: () => "null",
  },
  {
    identify: (value: unknown) => typeof value === "boolean",
    default: true,
    tag: "tag:yaml.org,2002:bool",
    resolve: (text) => text === "true",
    stringify: (node) => (node.value === true ? "true" : "false"),
  },
  {
    identify: (value: unknown) => typeof value === "number",
    default: true,
    tag: "tag:yaml.org,2002:float",
    resolve: (text) => Number(text),
    stringify: (node) => writeNumber(Number(node.value)),
  },
];

/**
 * YAML text that Juju (yaml.v2), charmcraft and PyYAML (YAML 1.1) and YAML 1.2 readers all read
 * back as `value`: a string any of them would take for something else is quoted (`"off"`, `"y"`,
 * `"0777"`, `"1:20"`, `"2001-12-14"`, `"1e3"`, `"="`), numbers are written in a form all of them
 * read as numbers. Only JSON-like values: anything else is refused, naming where it is.
 * @param source where `value` came from, for errors
 */
export function writeYaml(value: unknown, source: { file?: string; path?: readonly (string | number)[] } = {}) {
  checkWritable(value, [...(source.path ?? [])], source.file);
  return stringify(value, {
    version: "1.1",
    schema: "failsafe",
    customTags: WRITE_TAGS,
    aliasDuplicateObjects: false,
    lineWidth: 0,
  });
}

function checkWritable(value: unknown, path: (string | number)[], file: string | undefined) {
  if (value === undefined || value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      checkWritable(item, [...path, index], file);
    });
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkWritable(item, [...path, key], file);
    return;
  }
  const what = value instanceof Date ? `the timestamp ${value.toISOString()} (charmcraft reads an unquoted date or time as one)` : typeof value;
  const place = file === undefined ? dotted(path) || "the document" : where(file, path);
  throw new YamlError(`${place}: cannot write ${what} as YAML that Juju reads the same way; quote it in the source`);
}

/**
 * The strings under `value` (from charmcraft.yaml) that `charmcraft pack` writes unquoted into
 * the .charm's YAML, because PyYAML's dumper quotes only what PyYAML itself would misread, and that
 * Juju then reads as something else: "y", "n", "0o17", "0X1F", "+.5". One warning line each.
 * @param path
 */
export function charmcraftDumpWarnings(value: unknown, file: string, path: (string | number)[]): string[] {
  if (typeof value === "string") {
    const juju = goYamlScalar(value);
    if (juju.kind === "str" || pyYamlScalar(value).kind !== "str") return [];
    return [
      `${where(file, path)}: ${JSON.stringify(value)} is a string, but charmcraft pack writes it unquoted and Juju (YAML 1.1) reads that as ${describeReading(juju)}; tscharm pack quotes it`,
    ];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => charmcraftDumpWarnings(item, file, [...path, index]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => charmcraftDumpWarnings(item, file, [...path, key]));
  }
  return [];
}
