// A stand-in `juju` executable for `Juju.cli` tests without a controller: each juju command the
// client runs is carried out by `tscharm sim` on a model directory per `--model` name, one
// process per call as with the real binary, and every argv is appended to `<dir>/calls.log`.
// `juju run --params` files and `key=value` params are read as juju run reads them, with YAML 1.1
// (cmd/sim.ts).

import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { shellQuote } from "./shell-quote.js";

export interface JujuStandInOptions {
  /**
   * Environment for every hook of a model the stand-in creates (on the first `juju deploy` into
   * it), as `Juju.local({ env })` takes it: `{machine}` and `{unit}` are replaced.
   */
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * Writes `<dir>/bin/juju` and returns its path, for `Juju.cli({ cliBinary })`. Models live in
 * `<dir>/models/<name>` (`default` without `--model`). It understands the commands `Juju.cli`
 * runs (deploy, add-unit, remove-unit, integrate, remove-relation, config, run, exec, status,
 * debug-log, resolve, refresh, trust, show-unit, ssh, scp and the user-secret commands), plus
 * `add-model` (nothing to do but refuse a taken name: a model is created by its first deploy)
 * and `destroy-model` (the model's teardown, as `tscharm sim destroy`). Where juju has a default
 * the client must override, the stand-in has it too: `debug-log` shows the last 10 lines unless
 * given `--lines` or `--replay`, and params and secret files are read as YAML 1.1.
 */
export function writeJujuStandIn(dir: string, options: JujuStandInOptions = {}): string {
  const root = resolve(dir);
  const bin = join(root, "bin");
  mkdirSync(bin, { recursive: true });
  const envArgs = Object.entries(options.env ?? {})
    .map(([key, value]) => `--env ${shellQuote(`${key}=${value}`)}`)
    .join(" ");
  const script = `#!/bin/bash
# A stand-in for juju, backed by the tscharm simulator (tscharm/integration's writeJujuStandIn).
root=${shellQuote(root)}
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
case $command in
  add-model)
    # juju add-model [--no-switch] <name> [cloud]: nothing to make (a model is made by its first deploy),
    # but juju refuses a name that is taken.
    for arg in "\${args[@]}"; do
      case $arg in -*) ;; *) if [[ -e $root/models/$arg/model.json ]]; then
        echo "ERROR failed to create new model: model \\"$arg\\" for admin already exists (already exists)" >&2; exit 1
      fi; break ;; esac
    done
    exit 0 ;;
  debug-log)
    # juju debug-log starts 10 lines back unless told (--lines, --replay).
    case " \${args[*]} " in *" --lines "*|*" -n "*|*" --replay "*) ;; *) args+=(--lines 10) ;; esac ;;
  ssh)
    # juju ssh <target> <command> [args…]: the command's words are not the stand-in's options.
    args=("\${args[0]}" -- "\${args[@]:1}") ;;
  destroy-model)
    # juju destroy-model [flags] [controller:]model: the model is the one argument that is not a flag.
    given=("\${args[@]}"); args=(--no-prompt); command=destroy
    for ((i = 0; i < \${#given[@]}; i++)); do
      case \${given[i]} in
        -t|--timeout) i=$((i + 1)) ;;
        -*) ;;
        *) model=\${given[i]#*:} ;;
      esac
    done ;;
esac
extra=()
if [[ $command == deploy && ! -e $root/models/$model/model.json ]]; then extra=(${envArgs}); fi
exec ${shellQuote(process.execPath)} ${shellQuote(tscharmCli())} sim "$command" -m "$root/models/$model" "\${extra[@]}" "\${args[@]}"
`;
  const path = join(bin, "juju");
  writeFileSync(path, script);
  chmodSync(path, 0o755);
  return path;
}

/** tscharm's command line, found from this module in a checkout (integration/) or a package (lib/integration/). */
function tscharmCli(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const cli = join(dir, "cmd", "tscharm.mjs");
    if (existsSync(cli)) return cli;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find tscharm's cmd/tscharm.mjs above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
