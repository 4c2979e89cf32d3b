// Scripts for the machine sandbox (machine-sandbox.ts) that drive the built kit: a preamble that
// imports it and gives the body small helpers, and a check that lib/machine is not older than the
// sources it was built from (a stale build would test yesterday's code).

import { readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { expect } from "vitest";

import { MACHINE_KIT } from "./machine-sandbox.js";

const REPO = resolve(import.meta.dirname, "..", "..");

/** Why lib/machine cannot be used as it is (missing or older than machine/*.ts), or undefined. */
export function staleKit(): string | undefined {
  const sources = join(REPO, "machine");
  for (const name of readdirSync(sources).filter((entry) => entry.endsWith(".ts"))) {
    const built = join(dirname(MACHINE_KIT), name.replace(/\.ts$/, ".js"));
    let builtAt: number;
    try {
      builtAt = statSync(built).mtimeMs;
    } catch {
      return `${built} is missing: run npx tsc -p tsconfig.lib.json`;
    }
    if (builtAt < statSync(join(sources, name)).mtimeMs) return `${built} is older than machine/${name}: run npx tsc -p tsconfig.lib.json`;
  }
  return undefined;
}

/**
 * An ES module for runInSandbox: `body` runs with `kit` (the built tscharm/machine), `files`,
 * `passwd`, `sysctl`, `lib(name)` (a module of lib/machine, for its classes), `sh(command)` (a
 * shell command's stdout), `failure(promise)` (what it was rejected with, as plain data, or null)
 * and `out` (an object printed as the script's JSON answer).
 */
export function kitScript(body: string): string {
  return `
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
const kit = await import(${JSON.stringify(MACHINE_KIT)});
const { files, passwd, sysctl } = kit;
const lib = (name) => import(${JSON.stringify(dirname(MACHINE_KIT))} + "/" + name + ".js");
const sh = (command) => execFileSync("/bin/sh", ["-c", command], { encoding: "utf8" });
const failure = async (promise) => {
  try {
    await promise;
    return null;
  } catch (error) {
    return { name: error.name, code: error.code, message: error.message, keys: error.keys, isError: error instanceof Error };
  }
};
const out = {};
${body}
console.log(JSON.stringify(out));
`;
}

/** What `failure(promise)` reported in a script. */
export interface ScriptFailure {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
  readonly keys?: readonly string[];
  readonly isError: boolean;
}

/** Asserts that a script's `failure(...)` saw a rejection with this name/code and a message holding each of `contains`. */
export function expectFailure(
  value: unknown,
  wanted: { readonly name?: string; readonly code?: string; readonly contains?: readonly string[]; readonly keys?: readonly string[] },
): ScriptFailure {
  expect(value, "the promise was rejected").not.toBeNull();
  const failure = value as ScriptFailure;
  expect(failure.isError).toBe(true);
  if (wanted.name !== undefined) expect(failure.name).toBe(wanted.name);
  if (wanted.code !== undefined) expect(failure.code).toBe(wanted.code);
  for (const part of wanted.contains ?? []) expect(failure.message).toContain(part);
  if (wanted.keys !== undefined) expect(failure.keys).toEqual(wanted.keys);
  return failure;
}
