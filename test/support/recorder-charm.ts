// A charm for simulator tests whose dispatch is a bash script: it records every hook with the
// environment Juju gave it, runs the tool calls a test put in `<control>/run-<hook>` (or
// `run-<hook>-<app>-<n>` for one unit), and fails when `<control>/fail-<hook>` exists. A hook
// costs a few milliseconds, so sequencing tests can run hundreds.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DISPATCH =
  `#!/bin/bash
set -e
name=\${JUJU_DISPATCH_PATH#*/}
echo "$JUJU_UNIT_NAME $name rel=\${JUJU_RELATION_ID-} remote=\${JUJU_REMOTE_UNIT-} departing=\${JUJU_DEPARTING_UNIT-} ` +
  `secret=\${JUJU_SECRET_ID:+set} revision=\${JUJU_SECRET_REVISION-}" >> "$CONTROL/hooks.log"
for script in "$CONTROL/run-$name" "$CONTROL/run-$name-\${JUJU_UNIT_NAME/\\//-}"; do
  if [[ -f $script ]]; then source "$script"; fi
done
if [[ -f $CONTROL/fail-$name ]]; then echo "failing $name as asked" >&2; exit 1; fi
exit 0
`;

const METADATA = `name: recorder
summary: records its hooks
peers:
  peers:
    interface: recorder-peers
provides:
  db:
    interface: pgsql
requires:
  backend:
    interface: pgsql
`;

const CONFIG = `options:
  greeting:
    type: string
    default: hi
  port:
    type: int
    default: 80
`;

const ACTIONS = `do:
  params:
    n:
      type: integer
      default: 1
  additionalProperties: false
fail: {}
`;

export interface RecorderCharm {
  /** The charm project (metadata and a "built" dispatch), deployable by the simulator. */
  readonly dir: string;
  /** Where the script logs and looks for instructions; pass `{ CONTROL: control }` as the simulator's env. */
  readonly control: string;
  /** The hooks run so far: `"<unit> <hook> rel=… remote=… departing=… secret=… revision=…"`. */
  hooks(): string[];
  /** Runs this bash when `hook` runs (on `unit` only, if given). */
  onHook(hook: string, bash: string, unit?: string): void;
  /** Makes `hook` fail (exit 1), or succeed again. */
  failHook(hook: string, fail?: boolean): void;
}

export function recorderCharm(options: { storage?: boolean } = {}): RecorderCharm {
  const root = mkdtempSync(join(tmpdir(), "tscharm-recorder-"));
  const dir = join(root, "charm");
  const control = join(root, "control");
  mkdirSync(join(dir, "dist"), { recursive: true });
  mkdirSync(control);
  writeFileSync(join(dir, "metadata.yaml"), options.storage === true ? `${METADATA}storage:\n  data:\n    type: filesystem\n` : METADATA);
  writeFileSync(join(dir, "config.yaml"), CONFIG);
  writeFileSync(join(dir, "actions.yaml"), ACTIONS);
  writeFileSync(join(dir, "dist", "dispatch"), DISPATCH);
  chmodSync(join(dir, "dist", "dispatch"), 0o755);
  writeFileSync(join(control, "hooks.log"), "");
  return {
    dir,
    control,
    hooks: () =>
      readFileSync(join(control, "hooks.log"), "utf8")
        .split("\n")
        .filter((line) => line !== ""),
    onHook: (hook, bash, unit) => {
      writeFileSync(join(control, unit === undefined ? `run-${hook}` : `run-${hook}-${unit.replace("/", "-")}`), `${bash}\n`);
    },
    failHook: (hook, fail = true) => {
      const path = join(control, `fail-${hook}`);
      if (fail) writeFileSync(path, "");
      else rmSync(path, { force: true });
    },
  };
}
