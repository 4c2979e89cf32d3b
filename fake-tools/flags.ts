// Juju's flag grammar (juju/gnuflag, as juju/cmd uses it): `-r 3`, `--relation=3`,
// `--app`, `--app=false`, flags after positional arguments, and `--` to end flag parsing.

/** A flag: its names (one letter for `-x`, longer for `--name`), and whether it takes a value. */
export interface FlagSpec {
  readonly names: readonly string[];
  readonly kind: "string" | "bool";
}

export interface ParsedArgs {
  /** Values by the flag's first name. */
  readonly flags: ReadonlyMap<string, string | boolean>;
  readonly positionals: readonly string[];
}

/** Exit code 2: the arguments do not parse. */
export class UsageError extends Error {
  override name = "UsageError";
}

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

export function parseFlags(args: readonly string[], specs: readonly FlagSpec[]): ParsedArgs {
  const flags = new Map<string, string | boolean>();
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    const match = /^(--?)([^=]+)(?:=(.*))?$/s.exec(arg);
    if (arg === "-" || match === null) {
      positionals.push(arg);
      continue;
    }
    const [, dashes = "-", name = "", inline] = match;
    if (dashes === "-" && name.length > 1) {
      // GNU style: `-ab` is `-a -b`, and a one-letter flag that takes a value takes the rest: `-rdb:2`.
      i = shortFlags(`${name}${inline === undefined ? "" : `=${inline}`}`, specs, flags, args, i);
      continue;
    }
    const spec = specs.find((candidate) => candidate.names.includes(name) && (dashes === "--" ? name.length > 1 : name.length === 1));
    const written = `${dashes}${name}`;
    if (spec === undefined) throw new UsageError(`option provided but not defined: ${written}`);
    const key = spec.names[0] ?? name;
    if (spec.kind === "bool") {
      if (inline === undefined) flags.set(key, true);
      else if (TRUE.has(inline)) flags.set(key, true);
      else if (FALSE.has(inline)) flags.set(key, false);
      else throw new UsageError(`invalid value "${inline}" for option ${written}: strconv.ParseBool: parsing "${inline}": invalid syntax`);
      continue;
    }
    if (inline !== undefined) {
      flags.set(key, inline);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined) throw new UsageError(`option needs an argument: ${written}`);
    flags.set(key, value);
    i++;
  }
  return { flags, positionals };
}

/** Parses a cluster of one-letter flags; returns the index of the last argument it used. */
function shortFlags(
  cluster: string,
  specs: readonly FlagSpec[],
  flags: Map<string, string | boolean>,
  args: readonly string[],
  index: number,
): number {
  for (let at = 0; at < cluster.length; at++) {
    const letter = cluster[at] ?? "";
    const spec = specs.find((candidate) => candidate.names.includes(letter));
    if (spec === undefined) throw new UsageError(`option provided but not defined: -${letter}`);
    const key = spec.names[0] ?? letter;
    if (spec.kind === "bool") {
      flags.set(key, true);
      continue;
    }
    const rest = cluster.slice(at + 1);
    if (rest !== "") {
      flags.set(key, rest);
      return index;
    }
    const value = args[index + 1];
    if (value === undefined) throw new UsageError(`option needs an argument: -${letter}`);
    flags.set(key, value);
    return index + 1;
  }
  return index;
}

export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

export function boolFlag(parsed: ParsedArgs, name: string): boolean {
  return parsed.flags.get(name) === true;
}

/** `unrecognized args: ["x" "y"]` when more positional arguments came than the tool takes. */
export function noMoreArgs(positionals: readonly string[], from: number): void {
  const extra = positionals.slice(from);
  if (extra.length > 0) throw new UsageError(`unrecognized args: [${extra.map((arg) => JSON.stringify(arg)).join(" ")}]`);
}

/**
 * `key=value` arguments as juju/utils' keyvalues parses them (empty values allowed; surrounding
 * whitespace trimmed; no duplicates).
 */
export function parseKeyValues(args: readonly string[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf("=");
    if (at < 0) throw new UsageError(`expected "key=value", got "${arg}"`);
    const key = arg.slice(0, at).trim();
    if (key === "") throw new UsageError(`expected "key=value", got "${arg}"`);
    if (Object.hasOwn(result, key)) throw new UsageError(`key "${key}" specified more than once`);
    result[key] = arg.slice(at + 1).trim();
  }
  return result;
}
