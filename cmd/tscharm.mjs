#!/usr/bin/env node
// @ts-check
// The tscharm command line: init, build, pack, types, the simulator (sim) and one-off dispatches
// (run). See docs/cli.md and docs/simulator.md.

import { readFileSync } from "node:fs";
import { relative } from "node:path";

import { Command, InvalidArgumentError } from "commander";

import { runEvent } from "./run.mjs";
import { SimCommandError, addSimCommands } from "./sim.mjs";

// Each command loads what it needs when it runs: build.mjs brings TypeScript and esbuild (over a
// second to load), which `tscharm sim status` has no use for.

/** @type {unknown} */
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";

/** `--platform amd64,arm64` (or repeated). @param {string} value @param {string[]} previous */
const platformList = (value, previous) => [...previous, ...value.split(",").map((item) => item.trim()).filter((item) => item !== "")];

const program = new Command()
  .name("tscharm")
  .description("Write Juju machine charms in TypeScript")
  .version(version)
  .showHelpAfterError();

program
  .command("init")
  .description("create a new charm project that installs, builds, tests and packs as it is")
  .argument("<dir>", "where to create it (must not exist, or be empty)")
  .option("--name <charm-name>", "the charm's name (default: the directory's name)")
  .option("--tscharm <path>", "the tscharm to depend on: a checkout or an `npm pack` tarball (default: this one)")
  .action(async (/** @type {string} */ dir, /** @type {{ name?: string, tscharm?: string }} */ options) => {
    const { init } = await import("./init.mjs");
    init({ dir, ...options });
  });

program
  .command("build")
  .description("type-check, bundle and make the single executable dispatch for each platform")
  .argument("[project-dir]", "the charm project (where charmcraft.yaml and dispatch.ts are)", ".")
  .option("--platform <platforms>", "amd64, arm64, or a platform name of charmcraft.yaml (comma-separated; default: all)", platformList, [])
  .action(async (/** @type {string} */ projectDir, /** @type {{ platform: string[] }} */ options) => {
    const { build } = await import("../build.mjs");
    await build({ projectDir, platforms: options.platform });
  });

program
  .command("pack")
  .description("build, then write <name>_<platform>.charm for each platform")
  .argument("[project-dir]", "the charm project", ".")
  .option("--platform <platforms>", "which platforms (comma-separated; default: all)", platformList, [])
  .option("--no-build", "pack what dist/ already holds")
  .option("--output-dir <dir>", "where to write the .charm files (default: the project)")
  .action(
    async (
      /** @type {string} */ projectDir,
      /** @type {{ platform: string[], build: boolean, outputDir?: string }} */ options,
    ) => {
      const { pack } = await import("./pack.mjs");
      await pack({ projectDir, platforms: options.platform, build: options.build, ...(options.outputDir === undefined ? {} : { outputDir: options.outputDir }) });
    },
  );

program
  .command("types")
  .description("generate charm-types.ts from the charm's metadata, config and actions")
  .argument("[project-dir]", "the charm project", ".")
  .action(async (/** @type {string} */ projectDir) => {
    const [{ loadProject }, { writeCharmTypes }] = await Promise.all([import("./project.mjs"), import("./types.mjs")]);
    const project = loadProject(projectDir);
    const path = writeCharmTypes(project.dir, project.meta);
    process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
  });

addSimCommands(program);

/** @param {string} value @param {string[]} previous */
const collect = (value, previous) => [...previous, value];

program
  .command("run")
  .description("dispatch one event to the built charm on a fresh unit (or a unit of a saved simulator model); print the tool calls and the state")
  .argument("<event>", "a hook (config-changed, db-relation-changed, …) or an action (actions/<name>, or its name)")
  .option("--charm <path>", "the charm: a .charm, or a project where `tscharm build` ran", ".")
  .option("--leader", "the unit leads its application")
  .option("--config <key=value>", "a config value (repeatable)", collect, [])
  .option("--relation <spec>", "endpoint[:remote-app[:units]]: a relation to a remote application (repeatable)", collect, [])
  .option("--remote-unit <unit>", "the remote unit a relation event is about (default: the first)")
  .option("--secret <id>", "the secret a secret event is about")
  .option("--revision <n>", "the secret revision (secret-remove, secret-expired)", (/** @type {string} */ text) => {
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
      /** @type {string} */ event,
      /** @type {{ charm: string, leader?: boolean, config: string[], relation: string[], remoteUnit?: string, secret?: string, revision?: number, params: string[], env: string[], model?: string, unit?: string, save?: string, format: string }} */ options,
    ) => {
      if (options.format !== "yaml" && options.format !== "json") throw new SimCommandError(`--format must be yaml or json, not "${options.format}"`);
      await runEvent({ ...options, event, format: options.format });
    },
  );

try {
  await program.parseAsync();
} catch (error) {
  // The errors a user can act on, by name: their classes live in modules this file loads lazily.
  const known = error instanceof SimCommandError || (error instanceof Error && ["BuildError", "MetadataError", "SimulatorError"].includes(error.name));
  if (!known) throw error;
  process.stderr.write(`tscharm: ${error.message}\n`);
  process.exitCode = 1;
}
