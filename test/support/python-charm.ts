// Python ops charms for the cross-language runs (test/cross-language/): a charm directory as Juju
// deploys it (metadata.yaml, a `dispatch`, src/charm.py) whose dispatch runs the charm with ops and
// the Python interface libraries of a private environment made by scripts/interfaces/pylibs.sh.
// Neither ops nor the libraries are tscharm's: CI has neither, so these runs skip there, saying
// why, and run where TSCHARM_PYLIBS names such an environment.

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface PythonLibs {
  /** The environment's directory (TSCHARM_PYLIBS). */
  readonly root: string;
  /** Its PYTHONPATH (ops, ops.testing, the libraries, and the few modules they need). */
  readonly pythonPath: string;
  /** The python3 executable that has pydantic 2 and cryptography, as an absolute path. */
  readonly python: string;
}

let found: PythonLibs | { reason: string } | undefined;

/** The Python environment, or why there is none (the reason a cross-language test skips with). */
export function pythonLibs(): PythonLibs | { reason: string } {
  found ??= findPythonLibs();
  return found;
}

/** Why the cross-language runs cannot run here, or undefined when they can. */
export function pylibsBlocker(): string | undefined {
  const libs = pythonLibs();
  return "reason" in libs ? libs.reason : undefined;
}

function findPythonLibs(): PythonLibs | { reason: string } {
  const root = process.env["TSCHARM_PYLIBS"];
  if (root === undefined || root === "") {
    return {
      reason:
        "TSCHARM_PYLIBS is not set: the cross-language runs need ops and the Python interface libraries " +
        "(an environment made by scripts/interfaces/pylibs.sh), which CI does not have",
    };
  }
  const env = join(root, "env.sh");
  if (!existsSync(env)) return { reason: `TSCHARM_PYLIBS=${root} has no env.sh: make it with scripts/interfaces/pylibs.sh` };
  const line = readFileSync(env, "utf8")
    .split("\n")
    .find((l) => l.startsWith("export PYTHONPATH="));
  if (line === undefined) return { reason: `${env} sets no PYTHONPATH` };
  const pythonPath = line.slice("export PYTHONPATH=".length);
  const probe = spawnSync("python3", ["-c", "import sys, ops, scenario; print(sys.executable)"], {
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: pythonPath },
  });
  if (probe.error !== undefined) return { reason: `python3 cannot be run (${probe.error.message})` };
  if (probe.status !== 0) return { reason: `python3 cannot import ops with ${env}: ${probe.stderr.trim().split("\n").pop() ?? ""}` };
  return { root, pythonPath, python: probe.stdout.trim() };
}

export interface PythonCharmOptions {
  /** The charm's metadata.yaml, without `name` and `summary` (added from `name`). */
  readonly metadata: string;
  /** src/charm.py: a charm class and `ops.main(TheCharm)`. */
  readonly charmPy: string;
  /** More files, by path inside the charm (config.yaml, actions.yaml, src/other.py...). */
  readonly files?: Readonly<Record<string, string>>;
}

/**
 * Writes a Python ops charm named `name` under `parent` and returns its directory, for
 * `sim.deploy(dir)` / `juju.deploy(dir)`. Its dispatch runs src/charm.py with the environment's
 * python3 and PYTHONPATH (the simulator replaces a hook's environment, so both are written into it).
 */
export function pythonCharm(parent: string, name: string, options: PythonCharmOptions): string {
  const libs = pythonLibs();
  if ("reason" in libs) throw new Error(libs.reason);
  const dir = join(parent, name);
  mkdirSync(join(dir, "src"), { recursive: true });
  writeFileSync(join(dir, "metadata.yaml"), `name: ${name}\nsummary: ${name}, a Python ops charm\n${options.metadata}`);
  writeFileSync(join(dir, "src", "charm.py"), options.charmPy);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  const dispatch = [
    "#!/bin/sh",
    "# A Python ops charm: the simulator gives hooks only Juju's environment, so python3 and its path are named here.",
    `export PYTHONPATH="$JUJU_CHARM_DIR/src:$JUJU_CHARM_DIR/lib:${libs.pythonPath}"`,
    `exec ${shellQuote(libs.python)} "$JUJU_CHARM_DIR/src/charm.py"`,
    "",
  ].join("\n");
  writeFileSync(join(dir, "dispatch"), dispatch);
  chmodSync(join(dir, "dispatch"), 0o755);
  return dir;
}

function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
