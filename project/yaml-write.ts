// Writing YAML that Juju (yaml.v2), charmcraft (PyYAML) and YAML 1.2 readers all read back as
// written, and the warnings for what `charmcraft pack` would write unquoted.

import { Schema, stringify } from "yaml";

import { YamlError } from "./errors.js";
import { describeReading, dotted, where } from "./yaml-read.js";
import { goYamlScalar, pyYamlScalar, writeNumber, yaml12Scalar } from "./yaml-scalars.js";

/**
 * A RegExp that matches what `accept` accepts: the yaml package asks `tag.test.test(text)` whether
 * a plain scalar would resolve to a tag.
 */
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
const YAML_PACKAGE_1_1_TAGS = new Schema({ schema: "yaml-1.1" }).tags.filter(
  (tag) => tag.default === true && tag.tag !== "tag:yaml.org,2002:str",
);

/** A plain scalar that some reader of the files Juju reads would take for something else than a string. */
function notAStringToSomeone(text: string) {
  return (
    goYamlScalar(text).kind !== "str" ||
    pyYamlScalar(text).kind !== "str" ||
    yaml12Scalar(text).kind !== "str" ||
    YAML_PACKAGE_1_1_TAGS.some((tag) => "test" in tag && tag.test?.test(text) === true)
  );
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
  const what =
    value instanceof Date ? `the timestamp ${value.toISOString()} (charmcraft reads an unquoted date or time as one)` : typeof value;
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
      `${where(file, path)}: ${JSON.stringify(value)} is a string, but charmcraft pack writes it unquoted ` +
        `and Juju (YAML 1.1) reads that as ${describeReading(juju)}; tscharm pack quotes it`,
    ];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => charmcraftDumpWarnings(item, file, [...path, index]));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => charmcraftDumpWarnings(item, file, [...path, key]));
  }
  return [];
}
