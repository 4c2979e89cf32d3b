// What one fake hook tool is: its flags, usage line and output formats, and the function that runs
// it against the hook's context. Each concept module (leadership.ts, secrets.ts, …) is a map of these.

import type { HookContext } from "../engine/hook-context.js";
import type { JsonValue } from "../runtime/meta.js";
import type { FlagSpec, ParsedArgs } from "./flags.js";
import type { Format } from "./formats.js";

/** What the hook's environment says, for tools whose flags default to it. */
export interface ToolDefaults {
  /** JUJU_RELATION_ID, e.g. `db:7`. */
  readonly relationId?: string;
  readonly remoteUnit?: string;
  readonly remoteApp?: string;
  readonly storageId?: string;
}

/** One call of a tool: the hook it runs in, and what the client sent. */
export interface Invocation {
  readonly context: HookContext;
  readonly env: ToolDefaults;
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin: Buffer | undefined;
  /**
   * No stdin came with the call, and the client sends it when asked (jujuc's protocol): reading
   * stdin then asks for it (StdinRequired) instead of reading nothing.
   */
  readonly askStdin?: boolean;
  /** The client's working directory, which relative paths (`--file`, `-o`, `key#file=`) start from. */
  readonly cwd: string;
}

/** Something a tool prints: a value to format, or text as it is. */
export type Printed = { readonly value: JsonValue | undefined } | { readonly text: string } | undefined;

export interface Handler {
  /** The tool's own flags (`--format` and `-o` are added by the runner when `formats` is set). */
  readonly specs: readonly FlagSpec[];
  /** The arguments part of the usage line `--help` prints, after `[options]`. */
  readonly usage?: string;
  /** The formats `--format` accepts; absent for tools without output. */
  readonly formats?: readonly Format[];
  readonly defaultFormat?: Format;
  /** `--format` is still accepted, with Juju's deprecation warning, by a tool that prints nothing. */
  readonly deprecatedFormat?: true;
  readonly run: (invocation: Invocation, parsed: ParsedArgs) => Printed;
}

/** A concept's tools, by name. */
export type Handlers = Readonly<Record<string, Handler>>;

export const ALL_FORMATS: readonly Format[] = ["smart", "yaml", "json"];
export const YAML_JSON: readonly Format[] = ["yaml", "json"];

/** A value the runner prints in the requested format. */
export function value(printed: JsonValue | undefined): Printed {
  return { value: printed };
}
