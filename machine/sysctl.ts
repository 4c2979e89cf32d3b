// Kernel parameters, after charmlibs.sysctl: each charm's settings in its own file
// (/etc/sysctl.d/90-juju-<name>), every charm's merged into 95-juju-sysctl.conf (what the machine
// loads at boot), applied with sysctl, and a key another charm set to another value refused.

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
  /** Validates against the other charms' files, applies, then writes `name`'s file and the merged file. */
  configure(name: string, values: Readonly<Record<string, string | number>>): Promise<void>;
  /** Removes `name`'s file and re-merges (the kernel's values are left as they are, as charmlibs). */
  remove(name: string): Promise<void>;
  /** Every charm's settings, from the merged file. */
  merged(): Promise<Record<string, string>>;
  /** The kernel's current values (`sysctl -n`). */
  values(keys: readonly string[]): Promise<Record<string, string>>;
}
