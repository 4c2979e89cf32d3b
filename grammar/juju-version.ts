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

/** Whether a model on `version` follows Juju 4's rules (leader settings and payloads gone, no private-address, undeclared action parameters refused, …). */
export function isJuju4(version: string): boolean {
  return (jujuMajor(version) ?? 0) >= 4;
}

/** The versions the simulator and the test kit are tested on. */
export const SUPPORTED_JUJU_SERIES = ["3.6", "4.0"] as const;

/**
 * Why the simulator and the test kit cannot model `version`, or undefined when they can: any 3.6.x
 * and any 4.x (the rules of 4.0 hold for 4.x until a 4.x changes one).
 */
export function jujuVersionProblem(version: string): string | undefined {
  const match = JUJU_VERSION_PATTERN.exec(version);
  const example = `such as "${DEFAULT_JUJU_VERSION}" or "4.0.12"`;
  if (match === null) return `Juju version ${JSON.stringify(version)} is not a version ${example}`;
  const [major, minor] = [Number(match[1]), Number(match[2])];
  if ((major === 3 && minor === 6) || major === 4) return undefined;
  return `Juju ${version} cannot be modelled: the simulator and the test kit model Juju 3.6 and 4.x (a version ${example})`;
}

/**
 * The hook tools Juju 4 removed: leader settings, payloads, pod specs and metrics. Juju 4's tool
 * table has none of them (juju/juju internal/worker/uniter/runner/jujuc/server.go on main), so
 * the unit agent answers a call with an RPC error (see `unknownCommand`).
 */
export const JUJU4_REMOVED_HOOK_TOOLS: readonly string[] = [
  "add-metric",
  "leader-get",
  "leader-set",
  "payload-register",
  "payload-status-set",
  "payload-unregister",
  "pod-spec-get",
  "pod-spec-set",
];

/** Whether Juju `version` serves hook tool `tool` (a name it never had is not this function's business). */
export function hookToolExists(version: string, tool: string): boolean {
  return !(isJuju4(version) && JUJU4_REMOVED_HOOK_TOOLS.includes(tool));
}

/**
 * What Juju 4's `jujuc` prints for a tool the agent does not know, with exit code 1: the server's
 * `bad request: unknown command: <name>` RPC error (jujuc/server.go `Jujuc.Main` wraps the command
 * lookup's error in `bad request: `), printed by the client as `ERROR <error>` (juju/juju
 * cmd/jujuc/main.go on main, `writeError`).
 */
export function unknownCommand(tool: string): string {
  return `bad request: unknown command: ${tool}`;
}

/**
 * The hooks Juju 4 never runs: leader settings are gone (its leadership resolver only accepts or
 * resigns leadership, juju/juju internal/worker/uniter/leadership/resolver.go on main), and so is
 * the in-place base upgrade that ran the series-upgrade hooks.
 */
export const JUJU4_REMOVED_HOOKS: readonly string[] = ["leader-settings-changed", "pre-series-upgrade", "post-series-upgrade"];

/** Whether Juju `version` ever runs hook `hook`. */
export function hookRuns(version: string, hook: string): boolean {
  return !(isJuju4(version) && JUJU4_REMOVED_HOOKS.includes(hook));
}

/**
 * Whether Juju `version` writes `private-address` into the bag of a unit that joins a relation
 * (3.6 does, with `ingress-address` and `egress-subnets`; 4.x writes only those two).
 */
export function writesPrivateAddress(version: string): boolean {
  return !isJuju4(version);
}
