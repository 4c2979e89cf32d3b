// Kernel parameters, after charmlibs.sysctl: each charm's settings in its own file
// (/etc/sysctl.d/90-juju-<name>), every charm's merged into 95-juju-sysctl.conf (what the machine
// loads at boot), applied with sysctl, and a key another charm set to another value refused.

import { readdir } from "node:fs/promises";
import { join } from "node:path";

import { type Commands, failureMessage } from "./commands.js";
import { type Files, fsError } from "./files.js";

export class SysctlError extends Error {
  override name = "SysctlError";
}
/** Another charm's file sets these keys to other values (charmlibs.sysctl's ValidationError); nothing was applied. */
export class SysctlValidationError extends SysctlError {
  override name = "SysctlValidationError";
  constructor(
    message: string,
    readonly keys: readonly string[],
  ) {
    super(message);
  }
}
/** The kernel refused these keys (charmlibs.sysctl's ApplyError); the old values were put back. */
export class SysctlApplyError extends SysctlError {
  override name = "SysctlApplyError";
  constructor(
    message: string,
    readonly keys: readonly string[],
  ) {
    super(message);
  }
}

export interface Sysctl {
  /**
   * Validates against the other charms' files (SysctlValidationError: nothing applied), applies
   * (`sysctl k=v ...`; a refused or unknown key is SysctlApplyError and every key gets its old value
   * back), then writes `name`'s file and the merged file, atomically. `name` is a file-name part
   * (letters, digits, `_ . -`); keys are dotted names; values have no line breaks (TypeError otherwise).
   */
  configure(name: string, values: Readonly<Record<string, string | number>>): Promise<void>;
  /** Removes `name`'s file and re-merges (the kernel's values are left as they are, as charmlibs). */
  remove(name: string): Promise<void>;
  /** Every charm's settings, from the merged file. */
  merged(): Promise<Record<string, string>>;
  /** The kernel's current values (`sysctl -n`); a key the kernel does not have is SysctlApplyError naming it. */
  values(keys: readonly string[]): Promise<Record<string, string>>;
}

/** Where the files are: /etc/sysctl.d, as charmlibs.sysctl. */
export const SYSCTL_DIRECTORY = "/etc/sysctl.d";
/** Each charm's own file is `90-juju-<name>` (no .conf: sysctl --system does not read it; the merged file is what is loaded). */
export const CHARM_FILENAME_PREFIX = "90-juju-";
/** Every charm's settings, merged: what the machine loads at boot. */
export const SYSCTL_FILENAME = "95-juju-sysctl.conf";
export const SYSCTL_HEADER =
  "# Written by tscharm/machine (sysctl): the kernel settings of every charm on this machine,\n" +
  `# merged from ${SYSCTL_DIRECTORY}/${CHARM_FILENAME_PREFIX}* in file-name order. Do not edit it:\n` +
  "# it is rewritten from those files whenever a charm configures or removes its settings.\n";

/** Why `name` cannot be part of a charm's file name, or undefined. */
export function badConfigName(name: string): string | undefined {
  if (typeof name !== "string" || name === "") return "it is empty";
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) return "only letters, digits, '_', '.' and '-' (not first) may make a file name";
  if (name.length > 200) return "it is longer than 200 characters";
  return undefined;
}

/** Why `key` is not a sysctl key this accepts, or undefined. */
export function badKey(key: string): string | undefined {
  if (key === "") return "it is empty";
  // Dotted names only: sysctl also takes a/b/c, but then two spellings would name one key.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_:@+-]*(\.[A-Za-z0-9_:@+-]+)+$/.test(key))
    return "a dotted name is needed (such as net.ipv4.ip_forward), without spaces, '=', '/' or a leading '-'";
  return undefined;
}

/** Why `value` cannot be written as a sysctl value, or undefined. */
export function badValue(value: string): string | undefined {
  if (value.trim() === "") return "it is empty";
  if (/[\n\r\0]/.test(value)) return "it holds a line break or NUL";
  return undefined;
}

/** Values compare as sysctl reads them back: the fields of a multi-value key separated by one space. */
function sameValue(a: string, b: string): boolean {
  return a.trim().split(/\s+/).join(" ") === b.trim().split(/\s+/).join(" ");
}

/** A sysctl.conf-style text as key → value: lines starting with # or ; and lines without "=" are skipped (as charmlibs). */
export function parseSysctlText(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";") || !trimmed.includes("=")) continue;
    const at = trimmed.indexOf("=");
    values[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return values;
}

/** A charm's own file: `# <name>`, then key=value lines in the order given. */
export function charmFileText(name: string, values: Readonly<Record<string, string>>): string {
  return [`# ${name}`, ...Object.entries(values).map(([key, value]) => `${key}=${value}`)].join("\n") + "\n";
}

/** The merged file: our header, then each charm's file (as written) in file-name order, so the result is the same on every run. */
export function mergedText(charmFiles: readonly { readonly file: string; readonly text: string }[]): string {
  const sorted = [...charmFiles].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return SYSCTL_HEADER + sorted.map(({ text }) => (text.endsWith("\n") || text === "" ? text : `${text}\n`)).join("");
}

/** The keys `wanted` sets to another value than one of the other charms' files does (sorted, each once). */
export function conflictingKeys(wanted: Readonly<Record<string, string>>, others: readonly Readonly<Record<string, string>>[]): string[] {
  const keys = new Set<string>();
  for (const other of others)
    for (const [key, value] of Object.entries(wanted)) {
      const theirs = other[key];
      if (theirs !== undefined && !sameValue(theirs, value)) keys.add(key);
    }
  return [...keys].sort();
}

/**
 * The keys sysctl says it did not set, from its error output. procps-ng 4 words it as:
 * `permission denied on key "k"` (a read-only key on Linux), `setting key "k": <reason>` (a value the
 * kernel refused; gVisor says this for read-only keys too), `cannot stat /proc/sys/a/b: ...` (no such
 * key) and `"k" is an unknown key`. charmlibs only knows the first.
 */
export function refusedKeys(stderr: string): string[] {
  const keys = new Set<string>();
  for (const line of stderr.split("\n")) {
    const quoted = /permission denied on key "([^"]+)"|setting key "([^"]+)"|"([^"]+)" is an unknown key/.exec(line);
    const key = quoted?.[1] ?? quoted?.[2] ?? quoted?.[3];
    if (key !== undefined) keys.add(key);
    const path = /cannot stat \/proc\/sys\/(\S+?):/.exec(line)?.[1];
    if (path !== undefined) keys.add(path.replaceAll("/", "."));
  }
  return [...keys];
}

/**
 * The machine's kernel parameters: charmlibs.sysctl's files and commands, with the files written
 * atomically (Files.ensureContents) and merged in a fixed order.
 */
export class LocalSysctl implements Sysctl {
  private readonly directory: string;

  constructor(
    private readonly commands: Commands,
    private readonly files: Files,
    options: { readonly directory?: string } = {},
  ) {
    this.directory = options.directory ?? SYSCTL_DIRECTORY;
  }

  async configure(name: string, values: Readonly<Record<string, string | number>>): Promise<void> {
    this.checkName(name);
    const wanted: Record<string, string> = {};
    for (const [key, raw] of Object.entries(values)) {
      const why = badKey(key);
      if (why !== undefined) throw new TypeError(`sysctl key ${JSON.stringify(key)} of "${name}" is refused: ${why}`);
      const value = typeof raw === "number" ? String(raw) : raw;
      if (typeof value !== "string" || (typeof raw === "number" && !Number.isFinite(raw)))
        throw new TypeError(`sysctl value of ${key} for "${name}" must be a string or a finite number, not ${String(raw)}`);
      const bad = badValue(value);
      if (bad !== undefined) throw new TypeError(`sysctl value ${JSON.stringify(value)} of ${key} for "${name}" is refused: ${bad}`);
      wanted[key] = value.trim();
    }
    const keys = Object.keys(wanted);
    if (keys.length === 0) throw new TypeError(`sysctl.configure("${name}") needs at least one key`);
    // Other charms' own files (not the merged file, which may still hold what a charm removed).
    const others = (await this.charmFiles()).filter((file) => file.file !== this.charmFile(name));
    const conflicts = conflictingKeys(
      wanted,
      others.map((file) => parseSysctlText(file.text)),
    );
    if (conflicts.length > 0)
      throw new SysctlValidationError(
        `sysctl: another charm's settings give other values to: ${conflicts.join(", ")} (nothing was applied)`,
        conflicts,
      );
    const snapshot = await this.read(keys, "apply");
    const applied = await this.commands.run(["sysctl", ...keys.map((key) => `${key}=${wanted[key] ?? ""}`)], { check: false });
    const refused = refusedKeys(applied.stderr).filter((key) => Object.hasOwn(wanted, key));
    if (refused.length > 0 || applied.exitCode !== 0) {
      await this.commands.run(["sysctl", ...keys.map((key) => `${key}=${snapshot[key] ?? ""}`)], { check: false });
      if (refused.length === 0)
        throw new SysctlError(`sysctl: applying the settings of "${name}" failed (old values put back): ${failureMessage(applied)}`);
      throw new SysctlApplyError(
        `sysctl: the kernel refused ${refused.join(", ")} (old values put back): ${applied.stderr.trim()}`,
        refused,
      );
    }
    await this.files.ensureContents(this.charmFile(name), charmFileText(name, wanted));
    await this.merge();
  }

  async remove(name: string): Promise<void> {
    this.checkName(name);
    await this.files.unlink(this.charmFile(name), { missingOk: true });
    await this.merge();
  }

  async merged(): Promise<Record<string, string>> {
    const path = join(this.directory, SYSCTL_FILENAME);
    if (!(await this.files.exists(path))) return {};
    return parseSysctlText(await this.files.readText(path));
  }

  async values(keys: readonly string[]): Promise<Record<string, string>> {
    for (const key of keys) {
      const why = badKey(key);
      if (why !== undefined) throw new TypeError(`sysctl key ${JSON.stringify(key)} is refused: ${why}`);
    }
    return await this.read(keys, "read");
  }

  /** `sysctl -n k1 k2 ...`: one line per key, in order. A key the kernel does not have is a SysctlApplyError naming it. */
  private async read(keys: readonly string[], doing: "apply" | "read"): Promise<Record<string, string>> {
    if (keys.length === 0) return {};
    const result = await this.commands.run(["sysctl", "-n", ...keys], { check: false });
    const missing = refusedKeys(result.stderr).filter((key) => keys.includes(key));
    if (missing.length > 0) {
      const plural = missing.length > 1 ? "s" : "";
      const message = `sysctl: no such key${plural}: ${missing.join(", ")}${doing === "apply" ? " (nothing was applied)" : ""}`;
      throw new SysctlApplyError(message, missing);
    }
    if (result.exitCode !== 0) throw new SysctlError(`sysctl: cannot read ${keys.join(", ")}: ${failureMessage(result)}`);
    const lines = result.stdout.replace(/\n$/, "").split("\n");
    if (lines.length !== keys.length)
      throw new SysctlError(`sysctl -n gave ${String(lines.length)} lines for ${String(keys.length)} keys: ${keys.join(", ")}`);
    return Object.fromEntries(keys.map((key, at) => [key, lines[at] ?? ""]));
  }

  /** Every charm's own file, as file name and text. */
  private async charmFiles(): Promise<{ file: string; text: string }[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw fsError(error, this.directory, "list");
    }
    const found: { file: string; text: string }[] = [];
    for (const file of names.filter((entry) => entry.startsWith(CHARM_FILENAME_PREFIX)).sort()) {
      const path = join(this.directory, file);
      if (await this.files.isDir(path)) continue;
      found.push({ file: path, text: await this.files.readText(path) });
    }
    return found;
  }

  private async merge(): Promise<void> {
    await this.files.ensureContents(join(this.directory, SYSCTL_FILENAME), mergedText(await this.charmFiles()));
  }

  private charmFile(name: string): string {
    return join(this.directory, `${CHARM_FILENAME_PREFIX}${name}`);
  }

  private checkName(name: string): void {
    const why = badConfigName(name);
    if (why !== undefined) throw new TypeError(`invalid sysctl configuration name ${JSON.stringify(name)}: ${why}`);
  }
}
