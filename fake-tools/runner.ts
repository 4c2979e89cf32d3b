// The hook tools as command lines: argv in Juju's grammar → the tool's handler over the engine's
// hook context → what the real tool prints, with its exit code
// (https://documentation.ubuntu.com/juju/latest/reference/hook-command/, docs/hook-tools.md).
// The fake executables (the bash client, via server.ts) front the engine through runTool().

import { writeFileSync } from "node:fs";

import type { HookContext } from "../engine/hook-context.js";
import { hookToolExists, unknownCommand } from "../grammar/juju-version.js";
import { HookToolError } from "../runtime/errors.js";
import { ACTION_TOOLS } from "./actions.js";
import { CONFIG_TOOLS } from "./config.js";
import { type FlagSpec, UsageError, parseFlags, stringFlag } from "./flags.js";
import { type Format, formatOutput } from "./formats.js";
import type { Handler, Handlers, ToolDefaults } from "./handler.js";
import { StdinRequired, resolvePath } from "./input.js";
import { LEADERSHIP_TOOLS } from "./leadership.js";
import { LOGGING_TOOLS } from "./logging.js";
import { NETWORK_TOOLS } from "./network.js";
import { ONE_OFF_TOOLS } from "./one-offs.js";
import { PORT_TOOLS } from "./ports.js";
import { RELATION_TOOLS } from "./relations.js";
import { SECRET_TOOLS } from "./secrets.js";
import { STATUS_TOOLS } from "./status.js";
import { STORAGE_TOOLS } from "./storage.js";
import { UNIT_STATE_TOOLS } from "./unit-state.js";

export interface ToolOutput {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: string;
  /** The tool read its stdin, which was not sent and may be asked for (`askStdin`): nothing else is set. */
  readonly stdinRequired?: true;
}

/** Every concept's tools; a tool name belongs to one concept only (a test checks it). */
export const TOOL_CONCEPTS: readonly Handlers[] = [
  LEADERSHIP_TOOLS,
  CONFIG_TOOLS,
  RELATION_TOOLS,
  STATUS_TOOLS,
  LOGGING_TOOLS,
  ACTION_TOOLS,
  PORT_TOOLS,
  NETWORK_TOOLS,
  SECRET_TOOLS,
  UNIT_STATE_TOOLS,
  STORAGE_TOOLS,
  ONE_OFF_TOOLS,
];

const HANDLERS: Handlers = Object.assign({}, ...TOOL_CONCEPTS) as Handlers;

/** Every hook tool name the simulator puts on PATH: the names the concept modules handle. */
export const TOOL_NAMES: readonly string[] = Object.keys(HANDLERS);

const FORMAT: FlagSpec = { names: ["format"], kind: "string" };
const OUTPUT: FlagSpec = { names: ["o", "output"], kind: "string" };

/** Runs one hook tool and returns what the real one would print and exit with. */
export function runTool(
  context: HookContext,
  env: ToolDefaults,
  tool: string,
  args: readonly string[],
  stdin: Buffer | undefined,
  cwd: string,
  /** `askStdin`: no stdin was sent and the client sends it when asked (the jujuc door, jujuc-server.ts). */
  options: { readonly askStdin?: boolean } = {},
): ToolOutput {
  const invocation = { context, env, tool, args, stdin, cwd, askStdin: options.askStdin === true };
  let warning = "";
  try {
    const handler = Object.hasOwn(HANDLERS, tool) ? HANDLERS[tool] : undefined;
    if (handler === undefined) return failure(1, `unknown command "${tool}"`);
    // Juju 4's agent has no leader-get, payload-*, …: the call reaches it and is refused as an RPC error.
    if (!hookToolExists(context.jujuVersion, tool)) return failure(1, unknownCommand(tool));
    const ended = args.indexOf("--");
    if ((ended < 0 ? args : args.slice(0, ended)).some((arg) => arg === "--help" || arg === "-h")) {
      return { exitCode: 0, stdout: Buffer.from(help(tool, handler)), stderr: "" };
    }
    const { formats, defaultFormat, deprecatedFormat, run } = handler;
    const specs = flagSpecs(handler);
    const parsed = parseFlags(args, deprecatedFormat === true ? [...specs, FORMAT] : specs);
    if (deprecatedFormat === true && parsed.flags.has("format")) warning = `--format flag deprecated for command "${tool}"`;
    let format: Format = defaultFormat ?? "smart";
    if (formats !== undefined) {
      const requested = stringFlag(parsed, "format");
      if (requested !== undefined) {
        if (!(formats as readonly string[]).includes(requested)) {
          throw new UsageError(`invalid value "${requested}" for option --format: unknown format "${requested}"`);
        }
        format = requested as Format;
      }
    }
    const printed = run(invocation, parsed);
    let stdout = printed === undefined ? "" : "text" in printed ? printed.text : formatOutput(printed.value, format);
    const output = stringFlag(parsed, "o");
    if (output !== undefined) {
      writeFileSync(resolvePath(invocation, output), stdout);
      stdout = "";
    }
    return { exitCode: 0, stdout: Buffer.from(stdout), stderr: warning };
  } catch (error) {
    if (error instanceof StdinRequired) return { exitCode: 1, stdout: Buffer.alloc(0), stderr: "", stdinRequired: true };
    if (error instanceof UsageError) return failure(2, error.message);
    if (error instanceof HookToolError) return { exitCode: error.exitCode, stdout: Buffer.alloc(0), stderr: error.stderr };
    return failure(1, `tscharm simulator: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The tool's flags, with `--format` and `-o` for the tools that print something. */
function flagSpecs(handler: Handler): readonly FlagSpec[] {
  return handler.formats === undefined ? handler.specs : [...handler.specs, FORMAT, OUTPUT];
}

/** `--help`: the usage line and the options, on stdout. */
function help(tool: string, handler: Handler): string {
  const options = flagSpecs(handler).map((spec) => {
    const names = spec.names.map((name) => (name.length === 1 ? `-${name}` : `--${name}`)).join(", ");
    return `  ${names}${spec.kind === "string" ? " (= ...)" : ""}`;
  });
  const { formats: accepted, defaultFormat } = handler;
  const formats = accepted === undefined ? "" : `\nFormats: ${accepted.join(", ")} (default ${defaultFormat ?? "smart"})\n`;
  const usage = `Usage: ${tool} [options]${handler.usage === undefined ? "" : ` ${handler.usage}`}\n`;
  return `${usage}${options.length === 0 ? "" : `\nOptions:\n${options.join("\n")}\n`}${formats}`;
}

function failure(exitCode: number, message: string): ToolOutput {
  return { exitCode, stdout: Buffer.alloc(0), stderr: `ERROR ${message}\n` };
}
