// Which Juju a model runs: 3.6 (the LTS line) or 4.x. Every rule that differs between them asks
// `isJuju4`, so a version is read in one place (what changed: docs/juju-versions.md).

/** The version a model runs unless told otherwise: the 3.6 LTS line. */
export const DEFAULT_JUJU_VERSION = "3.6.4";

/** A version the simulator and the test kit can model: `major.minor.patch`, optionally a tag (`4.0-beta2`). */
export const JUJU_VERSION_PATTERN = /^(\d+)\.(\d+)(?:\.(\d+)|-[a-z]+\d*)(?:\.\d+)?$/;

/** The major version of `version` (`3` for `3.6.4`), or undefined when it is not a Juju version. */
export function jujuMajor(version: string): number | undefined {
  const match = JUJU_VERSION_PATTERN.exec(version);
  return match === null ? undefined : Number(match[1]);
}

/** Whether a model on `version` follows Juju 4's rules (leader settings gone, secrets committed with the hook, …). */
export function isJuju4(version: string): boolean {
  return (jujuMajor(version) ?? 0) >= 4;
}

/** The versions the simulator and the test kit are tested on. */
export const SUPPORTED_JUJU_SERIES = ["3.6", "4.0"] as const;
