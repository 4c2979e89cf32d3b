// Small bash charms for many-application simulator tests: each is a charm project (metadata and a
// "built" dispatch) whose dispatch logs every hook, with the environment Juju gave it, to one
// shared log, and sources the bash a test put in `<control>/run-<hook>-<app>` (every unit of the
// application) or `run-<hook>-<app>-<n>` (one unit). Hooks are real processes of `dispatch`, so
// every tool call goes through the fake tools, and each costs a few milliseconds.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DISPATCH =
  `#!/bin/bash
set -e
name=\${JUJU_DISPATCH_PATH#*/}
app=\${JUJU_UNIT_NAME%/*}
echo "$JUJU_UNIT_NAME $name rel=\${JUJU_RELATION_ID-} remote=\${JUJU_REMOTE_UNIT-} app=\${JUJU_REMOTE_APP-} ` +
  `principal=\${JUJU_PRINCIPAL_UNIT-} machine=\${JUJU_MACHINE_ID-}" >> "$CONTROL/hooks.log"
for script in "$CONTROL/run-$name-$app" "$CONTROL/run-$name-\${JUJU_UNIT_NAME/\\//-}"; do
  if [[ -f $script ]]; then source "$script"; fi
done
exit 0
`;

export interface AppCharms {
  /** Where the charms log and look for instructions; pass `{ CONTROL: control }` as the simulator's env. */
  readonly control: string;
  /** Writes a charm project with this metadata.yaml (and other files, such as actions.yaml); returns its directory. */
  charm(name: string, metadata: string, files?: Readonly<Record<string, string>>): string;
  /** Every hook run so far: `"<unit> <hook> rel=… remote=… app=… principal=… machine=…"`. */
  hooks(): string[];
  /** Runs this bash when `hook` runs on the application's units (on one unit only, if `target` is a unit). */
  onHook(hook: string, target: string, bash: string): void;
  /** Deletes everything. */
  remove(): void;
}

export function appCharms(): AppCharms {
  const root = mkdtempSync(join(tmpdir(), "tscharm-apps-"));
  const control = join(root, "control");
  mkdirSync(control);
  writeFileSync(join(control, "hooks.log"), "");
  return {
    control,
    charm: (name, metadata, files = {}) => {
      const dir = join(root, name);
      mkdirSync(join(dir, "dist"), { recursive: true });
      writeFileSync(join(dir, "metadata.yaml"), `name: ${name}\nsummary: ${name}\n${metadata}`);
      for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
      writeFileSync(join(dir, "dist", "dispatch"), DISPATCH);
      chmodSync(join(dir, "dist", "dispatch"), 0o755);
      return dir;
    },
    hooks: () =>
      readFileSync(join(control, "hooks.log"), "utf8")
        .split("\n")
        .filter((line) => line !== ""),
    onHook: (hook, target, bash) => writeFileSync(join(control, `run-${hook}-${target.replace("/", "-")}`), `${bash}\n`),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
