#!/usr/bin/env node
// @ts-check
// The tscharm command line: init, build, pack and types. See docs/cli.md.

import { readFileSync } from "node:fs";
import { relative } from "node:path";

import { Command } from "commander";

import { BuildError, build } from "../build.mjs";
import { MetadataError } from "./charm-meta.mjs";
import { init } from "./init.mjs";
import { pack } from "./pack.mjs";
import { loadProject } from "./project.mjs";
import { writeCharmTypes } from "./types.mjs";

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
  .action((/** @type {string} */ dir, /** @type {{ name?: string, tscharm?: string }} */ options) => {
    init({ dir, ...options });
  });

program
  .command("build")
  .description("type-check, bundle and make the single executable dispatch for each platform")
  .argument("[project-dir]", "the charm project (where charmcraft.yaml and dispatch.ts are)", ".")
  .option("--platform <platforms>", "amd64, arm64, or a platform name of charmcraft.yaml (comma-separated; default: all)", platformList, [])
  .action(async (/** @type {string} */ projectDir, /** @type {{ platform: string[] }} */ options) => {
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
      await pack({ projectDir, platforms: options.platform, build: options.build, ...(options.outputDir === undefined ? {} : { outputDir: options.outputDir }) });
    },
  );

program
  .command("types")
  .description("generate charm-types.ts from the charm's metadata, config and actions")
  .argument("[project-dir]", "the charm project", ".")
  .action((/** @type {string} */ projectDir) => {
    const project = loadProject(projectDir);
    const path = writeCharmTypes(project.dir, project.meta);
    process.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
  });

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof BuildError || error instanceof MetadataError)) throw error;
  process.stderr.write(`tscharm: ${error.message}\n`);
  process.exitCode = 1;
}
