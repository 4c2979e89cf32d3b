// Reading the other side's databag: typed decoders for JSON values, and the error that names the
// relation, the key and the value when the other side sent something this side cannot use.
//
// Every interface reads through these, so "nothing" means the same everywhere (the key absent,
// `""` or `"null"`: the Python libraries leave defaults out, and some write `null`), and a bad value
// is an `InterfaceDataError` that an interface turns into a status (common/problems.ts), never a
// crashed hook. Values are shown in errors cut to 80 characters, and not at all for keys that may
// hold a credential (`secret: true`).

import { ModelError, type RelationDataContent } from "../../runtime/index.js";

/** Where a bag came from, for error messages: `db` relation 3, from `postgresql` (an app or a unit). */
export interface BagSource {
  readonly endpoint: string;
  readonly relationId: number;
  /** The application or unit whose bag it is. */
  readonly from: string;
}

/**
 * The other side of a relation sent a value this side cannot use: the relation, the key, what was
 * expected and (unless the key may hold a credential) the value.
 */
export class InterfaceDataError extends ModelError {
  override name = "InterfaceDataError";

  constructor(
    readonly source: BagSource,
    /** The databag key, with the path inside its JSON value: `certificates[0].ca`. */
    readonly key: string,
    /** What the value should have been: `a JSON list`, `host:port[,host:port…]`. */
    readonly expected: string,
    /** The value as it arrived, cut to 80 characters; undefined when it may hold a credential. */
    readonly value: string | undefined,
  ) {
    const shown = value === undefined ? "" : `, got ${JSON.stringify(cut(value))}`;
    super(`${source.from} sent a bad "${key}" on ${source.endpoint}:${source.relationId}: expected ${expected}${shown}`);
  }
}

function cut(value: string): string {
  return value.length <= 80 ? value : `${value.slice(0, 77)}...`;
}

/**
 * Options this side was given that the Python library would refuse (a port out of range, a bad
 * host name): the interface, the option (tscharm's name) and what was wrong. Thrown before anything
 * is written, so the bags stay as they were.
 */
export class DataValidationError extends Error {
  override name = "DataValidationError";

  constructor(
    readonly interfaceName: string,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${interfaceName}: ${field} ${problem}`);
  }
}

/** A value of the wrong shape inside a JSON value: the path from the key down, and what was expected. */
export class DecodeError extends Error {
  override name = "DecodeError";

  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`${path === "" ? "the value" : path}: expected ${expected}`);
  }
}

/** Turns an already JSON-parsed value into `T`, or throws a `DecodeError` at `path`. */
export type Decoder<T> = (value: unknown, path: string) => T;

const describe = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "a list" : `a ${typeof value}`);

function fail(path: string, expected: string, value: unknown): never {
  throw new DecodeError(path, `${expected} (not ${describe(value)})`);
}

/** Decoders for the JSON shapes databags carry. Optional fields accept a missing key and `null`. */
export const decode = {
  string: ((value, path) => (typeof value === "string" ? value : fail(path, "a string", value))) as Decoder<string>,

  boolean: ((value, path) => (typeof value === "boolean" ? value : fail(path, "true or false", value))) as Decoder<boolean>,

  number: ((value, path) =>
    typeof value === "number" && Number.isFinite(value) ? value : fail(path, "a number", value)) as Decoder<number>,

  integer: ((value, path) => (Number.isSafeInteger(value) ? (value as number) : fail(path, "an integer", value))) as Decoder<number>,

  /** One of the given strings. */
  oneOf<const T extends string>(choices: readonly T[]): Decoder<T> {
    return (value, path) =>
      typeof value === "string" && (choices as readonly string[]).includes(value)
        ? (value as T)
        : fail(path, `one of ${choices.map((c) => JSON.stringify(c)).join(", ")}`, value);
  },

  list<T>(item: Decoder<T>): Decoder<T[]> {
    return (value, path) => (Array.isArray(value) ? value.map((v, i) => item(v, `${path}[${i}]`)) : fail(path, "a list", value));
  },

  /** A JSON object with string keys, all of the same kind. */
  record<T>(item: Decoder<T>): Decoder<Record<string, T>> {
    return (value, path) => {
      if (!isPlainObject(value)) fail(path, "an object", value);
      const out: Record<string, T> = {};
      for (const [key, v] of Object.entries(value)) out[key] = item(v, `${path}.${key}`);
      return out;
    };
  },

  /**
   * An object with known fields; other fields are kept out of the result (the other side may be a
   * newer library). Wrap a field's decoder in `decode.optional` when it may be missing or null.
   */
  object<T extends object>(fields: { readonly [K in keyof T]-?: Decoder<T[K]> }): Decoder<T> {
    return (value, path) => {
      if (!isPlainObject(value)) fail(path, "an object", value);
      const out: Partial<T> = {};
      for (const key of Object.keys(fields) as (keyof T & string)[]) {
        const decoded = fields[key](value[key], path === "" ? key : `${path}.${key}`);
        if (decoded !== undefined) out[key] = decoded;
      }
      return out as T;
    };
  },

  optional<T>(inner: Decoder<T>): Decoder<T | undefined> {
    return (value, path) => (value === undefined || value === null ? undefined : inner(value, path));
  },
};

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True for what every interface reads as "nothing": the key absent, `""`, or `"null"`. */
export function isNothing(raw: string | undefined): raw is undefined | "" | "null" {
  return raw === undefined || raw === "" || raw === "null";
}

/**
 * A bag of the other side, read through decoders: each read names the key in its error. Reads go
 * to the bag as given (one `relation-get` per bag per hook, cached by the runtime).
 */
export class RemoteBag {
  constructor(
    private readonly content: RelationDataContent,
    readonly source: BagSource,
  ) {}

  /** The key's raw string, or undefined for nothing (absent, `""`). */
  text(key: string): string | undefined {
    const raw = this.content.get(key);
    return raw === undefined || raw === "" ? undefined : raw;
  }

  /**
   * The key's value parsed as JSON and decoded; undefined for nothing (absent, `""`, `"null"`).
   * Bad JSON or a bad shape throws `InterfaceDataError` naming the key (and the path inside it).
   */
  json<T>(key: string, decoder: Decoder<T>, options: { readonly secret?: boolean } = {}): T | undefined {
    const raw = this.content.get(key);
    if (isNothing(raw)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new InterfaceDataError(this.source, key, "JSON", options.secret === true ? undefined : raw);
    }
    if (parsed === null) return undefined;
    try {
      return decoder(parsed, "");
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      const where = error.path === "" ? key : `${key}${error.path.startsWith("[") ? "" : "."}${error.path}`;
      throw new InterfaceDataError(this.source, where, error.expected, options.secret === true ? undefined : raw);
    }
  }

  /** A plain-string key checked by `check` (which returns what was expected when the value is bad). */
  checked(key: string, check: (value: string) => string | undefined, options: { readonly secret?: boolean } = {}): string | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    const expected = check(value);
    if (expected !== undefined) throw new InterfaceDataError(this.source, key, expected, options.secret === true ? undefined : value);
    return value;
  }

  /** Every key of the bag, as strings (what `relation-get -` gives). */
  toObject(): Record<string, string> {
    return this.content.toObject();
  }
}

/**
 * Sets the keys of `values` on a bag, each as the Python libraries write it: `json.dumps` of the
 * value (so a string arrives quoted). Undefined values delete their key (the libraries leave
 * defaults out). One `relation-set` with the keys that changed.
 */
export function writeJsonFields(bag: RelationDataContent, values: Readonly<Record<string, unknown>>): void {
  const update: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) update[key] = value === undefined ? "" : pythonJson(value);
  bag.update(update);
}

/**
 * `JSON.stringify` with the separators of Python's `json.dumps` defaults (`", "` and `": "`), so a
 * bag written here is byte for byte what a Python library writes for the same value. Non-ASCII
 * characters are escaped as `json.dumps` does (`ensure_ascii=True`). One difference is left: a
 * Python float with no fraction prints as `1.0`, a JavaScript number as `1`; no key the interfaces
 * write holds one.
 */
export function pythonJson(value: unknown): string {
  const text = pyDump(value);
  // Python escapes everything outside printable ASCII, DEL (0x7f) included.
  return text.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function pyDump(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyDump).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyDump(v)}`).join(", ")}}`;
  }
  throw new TypeError(`a ${typeof value} has no JSON form`);
}
