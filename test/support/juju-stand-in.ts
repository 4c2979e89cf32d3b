// A stand-in `juju` executable for testing `Juju.cli`: the juju commands the client runs, carried
// out by `tscharm sim` on a model directory per `--model` name. Every call is a process, as with
// the real binary; the arguments it got are appended to `<root>/calls.log`. `juju run --params`
// files and `key=value` params are read as juju run reads them, with YAML 1.1 (cmd/sim.mjs).

import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const TSCHARM = resolve(fileURLToPath(import.meta.url), "..", "..", "..", "cmd", "tscharm.mjs");

/**
 * Writes `<root>/bin/juju` and returns its path. `deployEnv` is the hook environment the model gets
 * when `juju deploy` creates it (`KEY=VALUE`, `{machine}` allowed).
 */
export function writeJujuStandIn(root: string, deployEnv: Readonly<Record<string, string>> = {}): string {
  const bin = join(root, "bin");
  mkdirSync(bin, { recursive: true });
  const envArgs = Object.entries(deployEnv)
    .map(([key, value]) => `--env ${shellWord(`${key}=${value}`)}`)
    .join(" ");
  const script = `#!/bin/bash
# A stand-in for juju, backed by the tscharm simulator.
root=${shellWord(root)}
printf '%q ' "$@" >> "$root/calls.log"; echo >> "$root/calls.log"
command=$1; shift
model=default
args=()
while (($# > 0)); do
  case $1 in
    -m|--model) model=$2; shift 2 ;;
    --model=*) model=\${1#--model=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
extra=()
if [[ $command == deploy && ! -e $root/models/$model/model.json ]]; then extra=(${envArgs}); fi
exec node ${shellWord(TSCHARM)} sim "$command" -m "$root/models/$model" "\${extra[@]}" "\${args[@]}"
`;
  const path = join(bin, "juju");
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'"'"'`)}'`;
}
