// How one YAML 1.1 reader reads a plain scalar: Go's gopkg.in/yaml.v2 (Juju), Python's PyYAML
// (charmcraft), and YAML 1.2's core schema. docs/cli.md, "YAML that Juju reads", has the sources
// and the rules.

/**
 * Who reads a YAML file: Juju (gopkg.in/yaml.v2, in 3.6 and in 4) reads a charm's metadata.yaml,
 * config.yaml, actions.yaml and `juju run` params; charmcraft (PyYAML's safe loader) reads
 * charmcraft.yaml, and also loads the other three when a project has them.
 */
export type YamlReader = "juju" | "charmcraft";

/** What one reader makes of a plain (unquoted, untagged) scalar. */
export type ScalarReading =
  { kind: "null" | "bool" | "int" | "float" | "str" | "timestamp"; value: unknown } | { kind: "refused"; reason: string };

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
  (
    [
      [["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"], { kind: "bool", value: true }],
      [["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"], { kind: "bool", value: false }],
      [["", "~", "null", "Null", "NULL"], { kind: "null", value: null }],
      [[".nan", ".NaN", ".NAN"], { kind: "float", value: Number.NaN }],
      [[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"], { kind: "float", value: Number.POSITIVE_INFINITY }],
      [["-.inf", "-.Inf", "-.INF"], { kind: "float", value: Number.NEGATIVE_INFINITY }],
    ] as [string[], ScalarReading][]
  ).flatMap(([words, reading]) => words.map((word) => [word, reading] as [string, ScalarReading])),
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
const PY_FLOAT = new RegExp(
  String.raw`^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|` +
    String.raw`[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$`,
);
const PY_INT = /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;
const PY_NULL = /^(?:~|null|Null|NULL|)$/;
const PY_TIMESTAMP = new RegExp(
  String.raw`^(?:([0-9]{4})-([0-9]{2})-([0-9]{2})|` +
    String.raw`([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[Tt]|[ \t]+)([0-9]{1,2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]*))?` +
    String.raw`(?:[ \t]*(Z|([-+])([0-9]{1,2})(?::([0-9]{2}))?))?)$`,
);

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
    return Number.isNaN(value)
      ? { kind: "refused", reason: `PyYAML cannot read ${text} as the integer it looks like` }
      : { kind: "int", value };
  }
  if (text === "<<") return { kind: "refused", reason: "PyYAML reads an unquoted << as a merge key, and refuses it as a value" };
  if (PY_NULL.test(text)) return { kind: "null", value: null };
  const timestamp = PY_TIMESTAMP.exec(text);
  if (timestamp !== null) return { kind: "timestamp", value: pyTimestamp(timestamp) };
  if (text === "=")
    return { kind: "refused", reason: "PyYAML's safe loader has no constructor for an unquoted = (the YAML 1.1 value tag)" };
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
  const [
    ,
    year,
    month,
    day,
    y,
    mo,
    d,
    hour = "0",
    minute = "0",
    second = "0",
    fraction = "",
    zone,
    zoneSign,
    zoneHour = "0",
    zoneMinute = "0",
  ] = match;
  const ms = Number(`0.${fraction}`) * 1000;
  const utc = Date.UTC(Number(year ?? y), Number(month ?? mo) - 1, Number(day ?? d), Number(hour), Number(minute), Number(second), ms);
  const offset =
    zone === undefined || zone === "Z" ? 0 : (zoneSign === "-" ? -1 : 1) * (Number(zoneHour) * 60 + Number(zoneMinute)) * 60_000;
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

/** Each reader's scalar rules. */
export const SCALAR_RESOLVERS: Readonly<Record<YamlReader, (text: string) => ScalarReading>> = {
  juju: goYamlScalar,
  charmcraft: pyYamlScalar,
};
/** Each reader's name in messages. */
export const READER_NAMES: Readonly<Record<YamlReader, string>> = { juju: "Juju", charmcraft: "charmcraft" };

/** Whether two readings are the same value (dates by their time, 0 and -0 alike). */
export function sameReading(a: ScalarReading, b: ScalarReading) {
  if (a.kind !== b.kind || !("value" in a) || !("value" in b)) return a.kind === b.kind;
  if (a.value instanceof Date && b.value instanceof Date) return a.value.getTime() === b.value.getTime();
  return Object.is(a.value, b.value) || (a.value === 0 && b.value === 0);
}

/**
 * Numbers every reader reads back as written: integers as digits, other numbers with a "." in the
 * mantissa (PyYAML reads 1e-7 as a string).
 */
export function writeNumber(value: number) {
  if (Number.isNaN(value)) return ".nan";
  if (!Number.isFinite(value)) return value > 0 ? ".inf" : "-.inf";
  if (Object.is(value, -0)) return "0";
  const text = String(value);
  const exponent = /^(-?[0-9]+)(e[-+][0-9]+)$/.exec(text);
  return exponent === null ? text : `${exponent[1] ?? ""}.0${exponent[2] ?? ""}`;
}
