// FakeMachine's kernel parameters: the kernel's values in memory and each charm's file in the fake
// files, with the Sysctl concept over them as machine/sysctl.ts documents it (after
// charmlibs.sysctl): a key another charm's file sets to another value is refused
// (SysctlValidationError) before anything is applied or written.

import {
  CHARM_FILENAME_PREFIX,
  SYSCTL_DIRECTORY,
  SYSCTL_FILENAME,
  SysctlApplyError,
  SysctlValidationError,
  type Sysctl,
  badConfigName,
  charmFileText,
  conflictingKeys,
  mergedText,
  parseSysctlText,
} from "../machine/sysctl.js";
import { type FakeFileSystem, attempt } from "./fake-machine-files.js";

/** The files' names and formats, and the conflict rule, are machine/sysctl.ts's own. */
const MERGED_FILE = `${SYSCTL_DIRECTORY}/${SYSCTL_FILENAME}`;

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
      const keys = Object.keys(desired);
      if (keys.length === 0) throw new TypeError(`sysctl.configure("${name}") needs at least one key`);
      const others = this.charmFiles().filter((file) => file.file !== own);
      const conflicts = conflictingKeys(
        desired,
        others.map((file) => parseSysctlText(file.text)),
      );
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
      this.tree.write(own, charmFileText(name, desired), { mode: 0o644, user: "root", group: "root" });
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
      return file === undefined ? {} : parseSysctlText(new TextDecoder().decode(file.content));
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

  /** Every charm's own file, with its text. */
  private charmFiles(): { file: string; text: string }[] {
    return (this.tree.list(SYSCTL_DIRECTORY) ?? [])
      .filter((entry) => entry.startsWith(CHARM_FILENAME_PREFIX))
      .map((entry) => {
        const file = `${SYSCTL_DIRECTORY}/${entry}`;
        return { file, text: new TextDecoder().decode(this.tree.file(file)?.content) };
      });
  }

  private merge(): void {
    this.tree.write(MERGED_FILE, mergedText(this.charmFiles()), { mode: 0o644, user: "root", group: "root" });
  }
}

function charmFile(name: string): string {
  const why = badConfigName(name);
  if (why !== undefined) throw new TypeError(`invalid sysctl configuration name ${JSON.stringify(name)}: ${why}`);
  return `${SYSCTL_DIRECTORY}/${CHARM_FILENAME_PREFIX}${name}`;
}
