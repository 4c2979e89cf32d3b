// Recording fake hook tools for black-box runs of a built dispatch: one /bin/sh script, symlinked per tool.
//
// Each call appends a record to a log: the tool name and argv (NUL-separated), the stdin of
// `--file -` calls, and for each `key#file=<path>` argument the file's mode, its directory's mode
// and its content (read while the file still exists). Answers come from glob rules on the command
// line, first match wins; anything unmatched succeeds with no output.

import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Every hook tool of Juju 3.6 a machine charm can call (reference juju-hook-tools.md §3). */
export const HOOK_TOOL_NAMES = [
  "is-leader",
  "leader-get",
  "leader-set",
  "relation-ids",
  "relation-list",
  "relation-get",
  "relation-set",
  "relation-model-get",
  "config-get",
  "status-get",
  "status-set",
  "juju-log",
  "application-version-set",
  "unit-get",
  "action-get",
  "action-set",
  "action-fail",
  "action-log",
  "open-port",
  "close-port",
  "opened-ports",
  "network-get",
  "secret-add",
  "secret-get",
  "secret-set",
  "secret-remove",
  "secret-grant",
  "secret-revoke",
  "secret-ids",
  "secret-info-get",
  "state-get",
  "state-set",
  "state-delete",
  "storage-list",
  "storage-get",
  "storage-add",
  "resource-get",
  "goal-state",
  "credential-get",
  "juju-reboot",
] as const;

export interface FakeReply {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit?: number;
}

/** `[pattern, reply]`: the pattern is matched against `tool arg1 arg2 ...`; `*` matches anything. */
export type FakeRule = readonly [pattern: string, reply: FakeReply | string];

export interface RecordedCall {
  readonly tool: string;
  readonly args: readonly string[];
  readonly stdin?: string;
  readonly files: readonly { readonly key: string; readonly mode: string; readonly dirMode: string; readonly content: string }[];
}

export class FakeHookTools {
  readonly bin: string;
  readonly log: string;

  constructor(
    readonly dir: string,
    rules: readonly FakeRule[],
  ) {
    this.bin = join(dir, "bin");
    this.log = join(dir, "calls.log");
    mkdirSync(this.bin, { recursive: true });
    writeFileSync(this.log, "");
    const script = join(this.bin, "fake-hook-tool");
    writeFileSync(script, renderScript(this.log, rules));
    chmodSync(script, 0o755);
    for (const name of HOOK_TOOL_NAMES) symlinkSync("fake-hook-tool", join(this.bin, name));
  }

  calls(): RecordedCall[] {
    const text = readFileSync(this.log, "utf8");
    return text
      .split("\x1e\0")
      .filter((record) => record !== "")
      .map((record) => {
        const fields = record.split("\0").slice(0, -1);
        const [tool = "", ...rest] = fields;
        const args: string[] = [];
        const files: { key: string; mode: string; dirMode: string; content: string }[] = [];
        let stdin: string | undefined;
        for (const field of rest) {
          if (field.startsWith("\x01STDIN:")) stdin = field.slice("\x01STDIN:".length);
          else if (field.startsWith("\x01FILE:")) {
            const [key = "", mode = "", dirMode = "", ...content] = field.slice("\x01FILE:".length).split(":");
            files.push({ key, mode, dirMode, content: content.join(":") });
          } else args.push(field);
        }
        return { tool, args, files, ...(stdin === undefined ? {} : { stdin }) };
      });
  }

  /** Each call as `tool arg1 arg2 ...`. */
  lines(): string[] {
    return this.calls().map((call) => [call.tool, ...call.args].join(" "));
  }
}

function renderScript(log: string, rules: readonly FakeRule[]): string {
  const cases = rules
    .map(([pattern, reply]) => {
      const r: FakeReply = typeof reply === "string" ? { stdout: reply } : reply;
      return [
        `  ${globPattern(pattern)})`,
        r.stdout === undefined ? "" : `    printf '%s' ${quote(r.stdout)}`,
        r.stderr === undefined ? "" : `    printf '%s' ${quote(r.stderr)} >&2`,
        `    exit ${r.exit ?? 0} ;;`,
      ]
        .filter((line) => line !== "")
        .join("\n");
    })
    .join("\n");
  return `#!/bin/sh
tool=\${0##*/}
log=${quote(log)}
{
  printf '%s\\0' "$tool" "$@"
  prev=
  for a in "$@"; do
    if [ "$prev" = "--file" ] && [ "$a" = "-" ]; then
      printf '\\001STDIN:'; cat; printf '\\0'
    fi
    case "$a" in
      *'#file='*)
        key=\${a%%#file=*}; path=\${a#*#file=}
        printf '\\001FILE:%s:%s:%s:' "$key" "$(stat -c %a "$path")" "$(stat -c %a "$(dirname "$path")")"
        cat "$path"; printf '\\0' ;;
    esac
    prev=$a
  done
  printf '\\036\\0'
} >> "$log"
case "$tool $*" in
${cases}
esac
exit 0
`;
}

/** A sh `case` pattern: literal text single-quoted, `*` left as the wildcard. */
function globPattern(pattern: string): string {
  return pattern
    .split("*")
    .map((part) => (part === "" ? "" : quote(part)))
    .join("*");
}

function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
