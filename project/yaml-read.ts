// Reading a YAML document the way Juju or charmcraft reads it, noting every plain scalar that
// its readers or YAML 1.2 read differently, and the words that describe such a reading.

import { Scalar, isMap, isScalar, isSeq, parseDocument } from "yaml";

import { YamlError } from "./errors.js";
import {
  READER_NAMES,
  SCALAR_RESOLVERS,
  type ScalarReading,
  type YamlReader,
  type YamlReading,
  sameReading,
  writeNumber,
  yaml12Scalar,
} from "./yaml-scalars.js";

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
export function readYaml(
  text: string,
  { file, readers, empty = null }: { file: string; readers: readonly [YamlReader, ...YamlReader[]]; empty?: unknown },
): unknown {
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
interface ReadContext {
  file: string;
  readers: readonly YamlReader[];
  readings: YamlReading[];
}

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
    const reading = SCALAR_RESOLVERS[primary](text);
    const fits = reading.kind === kind || (kind === "float" && reading.kind === "int");
    if (!fits || !("value" in reading))
      throw new YamlError(`${where(context.file, path)}: ${text} is not a valid ${kind.replace("bool", "boolean")} for its tag`);
    node.value = reading.value;
    return;
  }
  if (node.type !== Scalar.PLAIN) return;
  const by: Partial<Record<YamlReader, ScalarReading>> = {};
  for (const reader of context.readers) {
    const reading = SCALAR_RESOLVERS[reader](text);
    if (reading.kind === "refused") {
      throw new YamlError(
        `${where(context.file, path)}: ${READER_NAMES[reader]} cannot read the unquoted ${text} (${reading.reason}); ` +
          `quote it: ${JSON.stringify(text)}`,
      );
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
  for (const reader of context.readers) by[reader] = SCALAR_RESOLVERS[reader](text);
  const yaml12 = yaml12Scalar(text);
  if (yaml12.kind === "str" && Object.values(by).some((reading) => reading.kind !== "str")) {
    context.readings.push({ file: context.file, path, text, key: true, readers: context.readers, by, yaml12 });
  }
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
export function dotted(path: readonly (string | number)[]) {
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
      return `the number ${writeNumber(reading.value as number)}`;
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
  if (reading.yaml12.kind === "int" || reading.yaml12.kind === "float")
    return `write it as ${writeNumber(reading.yaml12.value as number)} if you mean ${describeReading(reading.yaml12)}`;
  return `quote it if you mean the string ${JSON.stringify(reading.text)}`;
}

/**
 * One line for a warning: the file and key, each reading, and what to write.
 */
export function describeYamlReading(reading: YamlReading) {
  const place = where(reading.file, reading.path);
  if (reading.key) {
    const [first] = Object.values(reading.by).filter((scalar) => scalar.kind !== "str");
    const read = first === undefined ? "not a string" : describeReading(first);
    return (
      `${place}: the key ${reading.text} is ${read} to a YAML 1.1 reader that resolves keys ` +
      `(charmcraft does; Juju does in metadata.yaml); ${yamlAdvice(reading)}`
    );
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
