// Actions: action-get, -set, -fail and -log in the context of a running action, Juju's rules on
// result keys, and its validation of an action's params against the action's schema.

import type { ActionMeta, JsonObject, JsonValue } from "../runtime/meta.js";
import { actionKeyProblem } from "../grammar/actions.js";
import { isJuju4 } from "../grammar/juju-version.js";
import type { HookScope } from "./hook-scope.js";
import { fail } from "./tool-errors.js";

/** The action a context runs, and what the charm reports about it. */
export interface ActionRun {
  readonly name: string;
  readonly id: string;
  readonly params: JsonObject;
  /** action-set results, nested by their dotted keys. */
  readonly results: JsonObject;
  readonly logs: string[];
  /** The action-fail message, once called. */
  failure: string | undefined;
}

export class Actions {
  constructor(private readonly scope: HookScope) {}

  actionGet(): JsonObject {
    return { ...this.requireAction("action-get").params };
  }

  actionSet(results: Readonly<Record<string, string>>): void {
    const action = this.requireAction("action-set");
    for (const [key, value] of Object.entries(results)) {
      checkActionResultKey(key);
      setDotted(action.results, key, value);
    }
  }

  actionFail(message: string): void {
    this.requireAction("action-fail").failure = message === "" ? "action failed without reason given, check action for errors" : message;
  }

  actionLog(message: string): void {
    this.requireAction("action-log").logs.push(message);
  }

  private requireAction(tool: string): ActionRun {
    if (this.scope.action === undefined) fail(tool, 1, "not running an action");
    return this.scope.action;
  }
}

/** action-set's keys (exit 2: the tool checks them while parsing). */
export function checkActionResultKey(key: string): void {
  const problem = actionKeyProblem(key);
  if (problem?.kind === "reserved") fail("action-set", 2, `cannot set reserved action key "${problem.segment}"`);
  if (problem?.kind === "syntax") {
    fail(
      "action-set",
      2,
      `key "${key}" must start and end with lowercase alphanumeric, and contain only lowercase alphanumeric, hyphens and periods`,
    );
  }
}

/**
 * What Juju finds wrong with an action's params, in its words; empty when they are valid. Juju
 * validates them against the action's JSON schema before the action runs (ValidateParams in
 * juju/juju internal/charm/actions.go): an object of the declared `params`, with `required`.
 * An undeclared param depends on the Juju version when the action does not say
 * `additionalProperties`: Juju 3.6's schema leaves it out, so JSON schema's default (allowed)
 * holds; Juju 4 builds the schema with `additionalProperties: false` (ReadActionsYaml; see
 * juju/juju issue 21294). Checked here: required params, unknown params and each param's `type`
 * (one name or a list); other JSON-schema keywords (enum, minimum, nested properties) are not.
 */
export function actionParamsProblems(spec: ActionMeta, params: JsonObject, jujuVersion: string): string[] {
  const problems: string[] = [];
  const given = goJson(params);
  const properties = spec.params ?? {};
  const additional = spec.additionalProperties ?? !isJuju4(jujuVersion);
  for (const name of spec.required ?? []) {
    if (params[name] === undefined) problems.push(`(root) : "${name}" property is missing and required, given ${given}`);
  }
  for (const key of Object.keys(params).sort()) {
    const schema = properties[key];
    if (schema === undefined) {
      if (!additional) problems.push(`(root) : additional property "${key}" is not allowed, given ${given}`);
      continue;
    }
    const type = schema["type"];
    const value = params[key];
    if (type !== undefined && value !== undefined && !jsonTypeAccepts(type, value)) {
      const expected = (Array.isArray(type) ? type : [type]).map((each) => (typeof each === "string" ? each : goJson(each))).join(",");
      problems.push(`(root).${key} : must be of type ${expected}, given ${goJson(value)}`);
    }
  }
  return problems;
}

/** `validation failed: …` as Juju reports invalid params, or undefined when they are valid. */
export function actionParamsError(spec: ActionMeta, params: JsonObject, jujuVersion: string): string | undefined {
  const problems = actionParamsProblems(spec, params, jujuVersion);
  return problems.length === 0 ? undefined : `validation failed: ${problems.join("; ")}`;
}

function jsonTypeAccepts(type: JsonValue, value: JsonValue): boolean {
  if (Array.isArray(type)) return type.some((each) => jsonTypeAccepts(each, value));
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    default:
      // A type JSON schema does not know: Juju refuses such an actions.yaml when the charm is read.
      return true;
  }
}

/** JSON as Go's encoding/json writes it: object keys sorted. */
function goJson(value: JsonValue): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${goJson(value[key] ?? null)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Sets `a.b.c` in a nested object, as action-set builds its result map. */
function setDotted(target: JsonObject, key: string, value: JsonValue): void {
  const segments = key.split(".");
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (typeof next === "object" && next !== null && !Array.isArray(next)) node = next;
    else {
      const created: JsonObject = {};
      node[segment] = created;
      node = created;
    }
  }
  node[segments.at(-1) ?? key] = value;
}
