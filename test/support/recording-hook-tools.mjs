// @ts-check
// Recording fake hook tools for running a built dispatch outside Juju: one /bin/sh script, symlinked
// once per tool name. Used by the black-box tests of the built dispatch.
//
// Each call appends a record to a log: the tool name and argv (NUL-separated), the stdin of
// `--file -` calls, and for each `key#file=<path>` argument the file's mode, its directory's mode
// and its content (read while the file still exists). Answers come from glob rules on the command
// line, first match wins; anything unmatched succeeds with no output. A /bin/sh script answers in
// about a millisecond, so the tools cost little next to the dispatch being measured.

import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { TOOL_NAMES } from "../../fake-tools/runner.js";

/**
 * @typedef {{ stdout?: string, stderr?: string, exit?: number, signal?: "KILL" | "TERM" }} FakeReply
 *   `signal`: the tool kills itself with it after printing.
 * @typedef {readonly [pattern: string, reply: FakeReply | string]} FakeRule
 *   The pattern is matched against `tool arg1 arg2 ...`; `*` matches anything.
 * @typedef {{ key: string, mode: string, dirMode: string, content: string }} RecordedFile
 * @typedef {{ tool: string, args: string[], stdin?: string, files: RecordedFile[] }} RecordedCall
 */

export class FakeHookTools {
  /**
   * @param {string} dir where the tools (`<dir>/bin`) and the log (`<dir>/calls.log`) go
   * @param {readonly FakeRule[]} rules
   */
  constructor(dir, rules) {
    this.dir = dir;
    this.bin = join(dir, "bin");
    this.log = join(dir, "calls.log");
    mkdirSync(this.bin, { recursive: true });
    writeFileSync(this.log, "");
    this.answer(rules);
    for (const name of TOOL_NAMES) symlinkSync("fake-hook-tool", join(this.bin, name));
  }

  /** Replaces the rules (the log is kept). @param {readonly FakeRule[]} rules */
  answer(rules) {
    const script = join(this.bin, "fake-hook-tool");
    writeFileSync(script, renderScript(this.log, rules));
    chmodSync(script, 0o755);
  }

  /** @returns {RecordedCall[]} */
  calls() {
    return readFileSync(this.log, "utf8")
      .split("\x1e\0")
      .filter((record) => record !== "")
      .map((record) => {
        const [tool = "", ...rest] = record.split("\0").slice(0, -1);
        /** @type {string[]} */
        const args = [];
        /** @type {RecordedFile[]} */
        const files = [];
        /** @type {string | undefined} */
        let stdin;
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

  /** Each call as `tool arg1 arg2 ...`. @returns {string[]} */
  lines() {
    return this.calls().map((call) => [call.tool, ...call.args].join(" "));
  }
}

/**
 * @param {string} log
 * @param {readonly FakeRule[]} rules
 */
function renderScript(log, rules) {
  const cases = rules
    .map(([pattern, reply]) => {
      const r = typeof reply === "string" ? { stdout: reply } : reply;
      return [
        `  ${globPattern(pattern)})`,
        r.stdout === undefined ? "" : `    printf '%s' ${quote(r.stdout)}`,
        r.stderr === undefined ? "" : `    printf '%s' ${quote(r.stderr)} >&2`,
        r.signal === undefined ? "" : `    kill -${r.signal} $$`,
        `    exit ${String(r.exit ?? 0)} ;;`,
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

/** A sh `case` pattern: literal text single-quoted, `*` left as the wildcard. @param {string} pattern */
function globPattern(pattern) {
  return pattern
    .split("*")
    .map((part) => (part === "" ? "" : quote(part)))
    .join("*");
}

/** @param {string} text */
function quote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
