// The tscharm command line: init, build, pack, types, the simulator (sim) and one-off dispatches
// (run). See docs/cli.md and docs/simulator.md. cmd/tscharm.mjs, the `tscharm` bin, runs `main`.

import { readFileSync } from "node:fs";
import { join, relative } from "node:path";

import { Command, InvalidArgumentError } from "commander";

import { TscharmError } from "../project/errors.js";
import { TSCHARM_ROOT } from "./package-root.js";
import { runEvent } from "./run.js";
import { SimCommandError, addSimCommands, loadedIntegration } from "./sim.js";

// Each command loads what it needs when it runs: cmd/build.ts brings TypeScript and esbuild (over a
// second to load), which `tscharm sim status` has no use for.

/** Runs the command line `argv` (node, script, arguments): a known error is one line on stderr and exit code 1. */
export async function main(argv: readonly string[] = process.argv): Promise<void> {
  try {
    await tscharmProgram().parseAsync(argv);
  } catch (error) {
    const message = knownErrorMessage(error);
    if (message === undefined) throw error;
    process.stderr.write(`tscharm: ${message}\n`);
    process.exitCode = 1;
  }
}

/**
 * The message of an error a user can act on, by its code (the project layer's and the CLI's
 * errors) or its class (the simulator's, when the simulator was loaded); undefined for any other,
 * whose stack is worth showing.
 */
export function knownErrorMessage(error: unknown): string | undefined {
  if (error instanceof TscharmError) return error.message;
  const simulator = loadedIntegration();
  if (simulator !== undefined && error instanceof simulator.SimulatorError) return error.message;
  return undefined;
}

/** tscharm's version, from its package.json. */
function tscharmVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(TSCHARM_ROOT, "package.json"), "utf8"));
  return typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";
}

/** `--platform amd64,arm64` (or repeated). */
const platformList = (value: string, previous: string[]) => [
  ...previous,
  ...value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== ""),
];

/** The commands, each loading what it needs when it runs. */
export function tscharmProgram(): Command {
  const program = new Command()
    .name("tscharm")
    .description("Write Juju machine charms in TypeScript")
    .version(tscharmVersion())
    .showHelpAfterError();

  program
    .command("init")
    .description("create a new charm project that installs, builds, tests and packs as it is")
    .argument("<dir>", "where to create it (must not exist, or be empty)")
    .option("--name <charm-name>", "the charm's name (default: the directory's name)")
    .option("--tscharm <path>", "the tscharm to depend on: a checkout or an `npm pack` tarball (default: this one)")
    .action(async (dir: string, options: { name?: string; tscharm?: string }) => {
      const { init } = await import("./init.js");
      init({ dir, ...options });
    });

  program
    .command("build")
    .description("type-check, bundle and make the single executable dispatch for each platform")
    .argument("[project-dir]", "the charm project (where charmcraft.yaml and dispatch.ts are)", ".")
    .option(
      "--platform <platforms>",
      "amd64, arm64, or a platform name of charmcraft.yaml (comma-separated; default: all)",
      platformList,
      [],
    )
    .action(async (projectDir: string, options: { platform: string[] }) => {
      const { build } = await import("./build.js");
      await build({ projectDir, platforms: options.platform });
    });

  program
    .command("pack")
    .description("build, then write <name>_<platform>.charm for each platform")
    .argument("[project-dir]", "the charm project", ".")
    .option("--platform <platforms>", "which platforms (comma-separated; default: all)", platformList, [])
    .option("--no-build", "pack what dist/ already holds")
    .option("--output-dir <dir>", "where to write the .charm files (default: the project)")
    .action(async (projectDir: string, options: { platform: string[]; build: boolean; outputDir?: string }) => {
      const { pack } = await import("./pack.js");
      await pack({
        projectDir,
        platforms: options.platform,
        build: options.build,
        ...(options.outputDir === undefined ? {} : { outputDir: options.outputDir }),
      });
    });

  program
    .command("types")
    .description("generate charm-types.ts from the charm's metadata, config and actions")
    .argument("[project-dir]", "the charm project", ".")
    .action(async (projectDir: string) => {
      const [{ loadProject }, { writeCharmTypes }] = await Promise.all([import("../project/project.js"), import("../project/types.js")]);
      const project = loadProject(projectDir);
      const path = writeCharmTypes(project.dir, project.meta);
      process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
    });

  addSimCommands(program);

  const collect = (value: string, previous: string[]) => [...previous, value];

  program
    .command("run")
    .description(
      "dispatch one event to the built charm on a fresh unit (or a unit of a saved simulator model); print the tool calls and the state",
    )
    .argument("<event>", "a hook (config-changed, db-relation-changed, …) or an action (actions/<name>, or its name)")
    .option("--charm <path>", "the charm: a .charm, or a project where `tscharm build` ran", ".")
    .option("--leader", "the unit leads its application")
    .option("--config <key=value>", "a config value (repeatable)", collect, [])
    .option("--relation <spec>", "endpoint[:remote-app[:units]]: a relation to a remote application (repeatable)", collect, [])
    .option("--remote-unit <unit>", "the remote unit a relation event is about (default: the first)")
    .option("--secret <id>", "the secret a secret event is about")
    .option("--revision <n>", "the secret revision (secret-remove, secret-expired)", (text: string) => {
      const value = Number(text);
      if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError("a revision is a whole number from 1");
      return value;
    })
    .option("--params <key=value>", "an action param (repeatable)", collect, [])
    .option("--env <KEY=VALUE>", "extra environment for the hook ({machine}, {unit} are replaced; repeatable)", collect, [])
    .option("-m, --model <dir>", "run on a unit of this saved simulator model instead of a fresh one")
    .option("--unit <unit>", "which unit of the saved model (default: the first)")
    .option("--save <dir>", "keep the fresh model in this directory (for tscharm sim -m <dir>)")
    .option("--format <format>", "yaml or json", "yaml")
    .action(
      async (
        event: string,
        options: {
          charm: string;
          leader?: boolean;
          config: string[];
          relation: string[];
          remoteUnit?: string;
          secret?: string;
          revision?: number;
          params: string[];
          env: string[];
          model?: string;
          unit?: string;
          save?: string;
          format: string;
        },
      ) => {
        if (options.format !== "yaml" && options.format !== "json")
          throw new SimCommandError(`--format must be yaml or json, not "${options.format}"`);
        await runEvent({ ...options, event, format: options.format });
      },
    );

  return program;
}
