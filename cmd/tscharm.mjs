#!/usr/bin/env node
// @ts-check
// The tscharm command line. For now it builds a charm's dispatch; init, pack and types come next.

import { readFileSync } from "node:fs";

import { Command } from "commander";

import { BuildError, build } from "../build.mjs";
import { MetadataError } from "./charm-meta.mjs";

/** @type {unknown} */
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const version = typeof pkg === "object" && pkg !== null && "version" in pkg ? String(pkg.version) : "unknown";

const program = new Command()
  .name("tscharm")
  .description("Write Juju machine charms in TypeScript")
  .version(version);

program
  .command("build")
  .description("bundle the charm and make its single executable, dist/dispatch")
  .argument("[project-dir]", "the charm project (where charmcraft.yaml and dispatch.ts are)", ".")
  .action(async (/** @type {string} */ projectDir) => {
    await build({ projectDir });
  });

try {
  await program.parseAsync();
} catch (error) {
  if (!(error instanceof BuildError || error instanceof MetadataError)) throw error;
  process.stderr.write(`tscharm build: ${error.message}\n`);
  process.exitCode = 1;
}
