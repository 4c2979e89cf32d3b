// FakeMachine's kernel parameters: the kernel's values in memory and each charm's file in the fake
// files, with the Sysctl concept over them as machine/sysctl.ts documents it (after
// charmlibs.sysctl): a key another charm's file sets to another value is refused
// (SysctlValidationError) before anything is applied or written.

import { SysctlApplyError, SysctlValidationError, type Sysctl } from "../machine/sysctl.js";
import { type FakeFileSystem, attempt } from "./fake-machine-files.js";

export const SYSCTL_DIR = "/etc/sysctl.d";
/** Each charm's file: /etc/sysctl.d/90-juju-<name> (no .conf: the merged file is the one loaded at boot). */
export const CHARM_PREFIX = "90-juju-";
export const MERGED_FILE = `${SYSCTL_DIR}/95-juju-sysctl.conf`;
const HEADER =
  "# Written by tscharm/machine (sysctl): the kernel settings of every charm on this machine,\n" +
  `# merged from ${SYSCTL_DIR}/${CHARM_PREFIX}* in file-name order. Do not edit it:\n` +
  "# it is rewritten from those files whenever a charm configures or removes its settings.\n";

/** `key=value` lines; comments (#, ;), blank lines and lines without "=" skipped. */
export function parseSysctl(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";") || !trimmed.includes("=")) continue;
    const at = trimmed.indexOf("=");
    out[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return out;
}

/** The kernel's values, and the keys it refuses to set (as "permission denied"). */
export class FakeKernel {
  readonly values: Record<string, string>;
  constructor(
    values: Readonly<Record<string, string | number>> = {},
    readonly refused: ReadonlySet<string> = new Set(),
  ) {
    this.values = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
  }
}

/** The Sysctl concept over the fake kernel and files. */
export class FakeSysctl implements Sysctl {
  constructor(
    private readonly kernel: FakeKernel,
    private readonly tree: FakeFileSystem,
  ) {}

  configure(name: string, values: Readonly<Record<string, string | number>>): Promise<void> {
    return attempt(() => {
      const own = charmFile(name);
      const desired = Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
      const others = this.mergedFiles(own);
      const keys = Object.keys(desired);
      if (keys.length === 0) throw new TypeError(`sysctl.configure("${name}") needs at least one key`);
      const conflicts = keys.filter((key) => key in others && others[key] !== desired[key]);
      if (conflicts.length > 0)
        throw new SysctlValidationError(
          `sysctl: another charm's settings give other values to: ${conflicts.join(", ")} (nothing was applied)`,
          conflicts,
        );
      this.read(keys, " (nothing was applied)");
      const refused = keys.filter((key) => this.kernel.refused.has(key));
      if (refused.length > 0)
        throw new SysctlApplyError(`sysctl: the kernel refused ${refused.join(", ")} (old values put back): permission denied`, refused);
      Object.assign(this.kernel.values, desired);
      const lines = [`# ${name}`, ...Object.entries(desired).map(([key, value]) => `${key}=${value}`)];
      this.tree.write(own, `${lines.join("\n")}\n`, { mode: 0o644, user: "root", group: "root" });
      this.merge();
    });
  }

  remove(name: string): Promise<void> {
    return attempt(() => {
      this.tree.remove(charmFile(name));
      this.merge();
    });
  }

  merged(): Promise<Record<string, string>> {
    return attempt(() => {
      const file = this.tree.file(MERGED_FILE);
      return file === undefined ? {} : parseSysctl(new TextDecoder().decode(file.content));
    });
  }

  values(keys: readonly string[]): Promise<Record<string, string>> {
    return attempt(() => this.read(keys, ""));
  }

  /** The kernel's values of `keys`; a key it does not have is a SysctlApplyError naming it (as `sysctl -n`). */
  private read(keys: readonly string[], note: string): Record<string, string> {
    const missing = keys.filter((key) => !Object.hasOwn(this.kernel.values, key));
    if (missing.length > 0)
      throw new SysctlApplyError(`sysctl: no such key${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}${note}`, missing);
    return Object.fromEntries(keys.map((key) => [key, this.kernel.values[key] ?? ""]));
  }

  private charmFiles(): string[] {
    return (this.tree.list(SYSCTL_DIR) ?? []).filter((n) => n.startsWith(CHARM_PREFIX)).map((n) => `${SYSCTL_DIR}/${n}`);
  }

  /** What every charm's file but `except` sets. */
  private mergedFiles(except: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const path of this.charmFiles())
      if (path !== except) Object.assign(out, parseSysctl(new TextDecoder().decode(this.tree.file(path)?.content)));
    return out;
  }

  private merge(): void {
    const body = this.charmFiles()
      .map((path) => new TextDecoder().decode(this.tree.file(path)?.content))
      .join("");
    this.tree.write(MERGED_FILE, `${HEADER}${body}`, { mode: 0o644, user: "root", group: "root" });
  }
}

function charmFile(name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name))
    throw new TypeError(`sysctl: a charm's name is letters, digits, "-", "_" and ".", not ${JSON.stringify(name)}`);
  return `${SYSCTL_DIR}/${CHARM_PREFIX}${name}`;
}
