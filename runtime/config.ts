// Config validated by a schema: `this.loadConfig(schema)`, ops' `load_config` for any validator that
// implements Standard Schema (https://standardschema.dev: zod, valibot, arktype, …). The runtime
// declares the interface itself and depends on no validator.

import type { ConfigValue } from "./meta.js";
import { BlockedStatus } from "./status.js";

/** The Standard Schema interface, version 1: what a validator exposes under `~standard`. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardSchemaV1.Result<Output> | Promise<StandardSchemaV1.Result<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

// eslint-disable-next-line @typescript-eslint/no-namespace -- the shape the Standard Schema specification publishes.
export declare namespace StandardSchemaV1 {
  type Result<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: readonly Issue[] };
  interface Issue {
    readonly message: string;
    readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
  }
  /** What a schema produces once validation succeeded. */
  type InferOutput<S extends StandardSchemaV1> = NonNullable<S["~standard"]["types"]>["output"];
}

/** One thing wrong with the config: the option (undefined for the config as a whole), its value, the validator's message. */
export interface ConfigIssue {
  readonly option: string | undefined;
  readonly value: ConfigValue | undefined;
  readonly message: string;
}

/** The config did not pass the charm's schema. `issues` has each problem; `status` is what to show for them. */
export class InvalidConfigError extends Error {
  override name = "InvalidConfigError";
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(issues.map(describeIssue).join("; "));
  }

  /** A blocked status naming every problem, as ops' `load_config(errors="blocked")` sets it. */
  get status(): BlockedStatus {
    return new BlockedStatus(`Invalid config: ${this.message}`);
  }
}

/**
 * Validates `config` with `schema`. A validator that answers asynchronously (a refinement that
 * awaits) is refused: config is read in every hook, and the answer is needed before the handler goes on.
 */
export function validateConfig<S extends StandardSchemaV1>(
  schema: S,
  config: Readonly<Record<string, ConfigValue>>,
): StandardSchemaV1.InferOutput<S> {
  const standard = (schema as Partial<StandardSchemaV1>)["~standard"];
  if (standard?.version !== 1 || typeof standard.validate !== "function")
    throw new TypeError("loadConfig needs a Standard Schema validator (an object with `~standard`, version 1: zod, valibot, arktype, …)");
  const result = standard.validate({ ...config });
  if (result instanceof Promise) {
    // Its rejection, if any, is the validator's business: it is not awaited.
    result.catch(() => undefined);
    throw new TypeError(`loadConfig takes a synchronous validator: ${standard.vendor}'s validate returned a Promise`);
  }
  if (result.issues !== undefined) {
    throw new InvalidConfigError(
      result.issues.map((issue) => {
        const first = issue.path?.[0];
        const key = typeof first === "object" ? first.key : first;
        const option = typeof key === "string" ? key : undefined;
        return { option, value: option === undefined ? undefined : config[option], message: issue.message };
      }),
    );
  }
  return result.value;
}

function describeIssue(issue: ConfigIssue): string {
  if (issue.option === undefined) return issue.message;
  const value = issue.value === undefined ? "unset" : JSON.stringify(issue.value);
  return `${issue.option} (${value}): ${issue.message}`;
}
