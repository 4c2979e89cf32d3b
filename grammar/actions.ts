// Juju's actions: the keys `action-set` accepts (juju/juju: worker/uniter/runner/jujuc/action-set.go).

/** One dot-separated segment of a result key: lowercase letters, digits and inner hyphens. */
export const ACTION_KEY_SEGMENT = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Segments Juju keeps for the output of `juju exec` and the like. */
export const RESERVED_ACTION_KEYS: ReadonlySet<string> = new Set(["stdout", "stdout-encoding", "stderr", "stderr-encoding"]);

/** What is wrong with a result key, if anything: a reserved segment, or a segment of the wrong shape. */
export type ActionKeyProblem = { readonly kind: "reserved"; readonly segment: string } | { readonly kind: "syntax" };

export function actionKeyProblem(key: string): ActionKeyProblem | undefined {
  for (const segment of key.split(".")) {
    if (RESERVED_ACTION_KEYS.has(segment)) return { kind: "reserved", segment };
    if (!ACTION_KEY_SEGMENT.test(segment)) return { kind: "syntax" };
  }
  return undefined;
}
