// Small helpers and fixtures shared by the tests of the engine (engine/*.ts) and its fake tools.

import { expect } from "vitest";

import { HookToolError, SecretNotFoundError } from "../../runtime/errors.js";
import type { PortRange, RelationRef } from "../../runtime/hook-tools/index.js";
import type { CharmMeta } from "../../runtime/meta.js";
import { type ActionRun, CommitError, HookContext } from "../../engine/hook-context.js";
import { JujuModel, type SecretRecord } from "../../engine/model.js";
import { xidOf } from "../../engine/secrets.js";

/** The value, or a failed test naming what was missing. */
export function defined<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`expected ${what}`);
  return value;
}

/** The CommitError a commit threw; fails the test if the commit succeeded. */
export function commitRefusal(context: HookContext): CommitError {
  try {
    context.commit();
  } catch (error) {
    if (error instanceof CommitError) return error;
    throw error;
  }
  throw new Error("expected the commit to be refused, but it succeeded");
}

// --- the engine tests' model and hooks ---------------------------------------------------

export const DEMO_META: CharmMeta = {
  name: "demo",
  relations: {
    cluster: { role: "peers", interface: "demo-cluster" },
    db: { role: "requires", interface: "postgresql" },
    website: { role: "provides", interface: "http" },
  },
  storage: {},
  config: { greeting: { type: "string", default: "hello" } },
  actions: { backup: {} },
};

export const PG_META: CharmMeta = {
  name: "pg",
  relations: { database: { role: "provides", interface: "postgresql" } },
  storage: {},
  config: {},
  actions: {},
};

/** The peer relation, as demo's units name it. */
export const CLUSTER: RelationRef = { endpoint: "cluster", id: 0 };
/** The db relation, as demo's units name it. */
export const DB: RelationRef = { endpoint: "db", id: 1 };
/** The same relation, as pg's units name it. */
export const PG_DB: RelationRef = { endpoint: "database", id: 1 };

/**
 * App "demo" (units demo/0, the leader, and demo/1) with a peer relation "cluster" (id 0), and a
 * "db" relation (id 1) to app "pg" (unit pg/0, its leader). Every unit is on a machine of its own.
 */
export function demoModel(): JujuModel {
  const model = new JujuModel();
  model.addApp("demo", DEMO_META);
  model.addUnit("demo");
  model.addUnit("demo");
  model.electLeader("demo", "demo/0");
  model.addApp("pg", PG_META);
  model.addUnit("pg");
  model.electLeader("pg", "pg/0");
  model.addRelation([{ app: "demo", endpoint: "cluster", role: "peers" }], { id: 0, interface: "demo-cluster" });
  model.joinRelation(0, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(0, "demo/1", { "ingress-address": "10.0.0.11" });
  model.addRelation(
    [
      { app: "demo", endpoint: "db", role: "requires" },
      { app: "pg", endpoint: "database", role: "provides" },
    ],
    { id: 1, interface: "postgresql" },
  );
  model.joinRelation(1, "demo/0", { "ingress-address": "10.0.0.10" });
  model.joinRelation(1, "demo/1", { "ingress-address": "10.0.0.11" });
  model.joinRelation(1, "pg/0", { "ingress-address": "10.0.0.20", host: "pg-0.internal" });
  return model;
}

/** One hook of `unit`. */
export function hook(model: JujuModel, unit: string): HookContext {
  return new HookContext(model, unit);
}

/** One action run on `unit`. */
export function actionHook(model: JujuModel, unit: string): { context: HookContext; run: ActionRun } {
  const run: ActionRun = { name: "backup", id: "1", params: {}, results: {}, logs: [], failure: undefined };
  return { context: new HookContext(model, unit, run), run };
}

/** Runs one hook of `unit` to a successful end: `body`, then commit. */
export function committedHook<T>(model: JujuModel, unit: string, body: (context: HookContext) => T): T {
  const context = hook(model, unit);
  const result = body(context);
  context.commit();
  return result;
}

export function secretAt(model: JujuModel, uri: string): SecretRecord {
  return defined(model.secrets.get(defined(xidOf(uri), `a secret URI, got ${uri}`)), `secret ${uri} in the model`);
}

/** The error a tool call threw; fails the test if it did not throw one. */
export function toolFailure(call: () => unknown): HookToolError {
  try {
    call();
  } catch (error) {
    if (error instanceof HookToolError) return error;
    throw error;
  }
  throw new Error("expected the hook tool to fail, but it succeeded");
}

/** secret-get's `secret "…" not found` (exit 1): the spec leaves open whether the quoted id is the URI or the bare xid. */
export function expectSecretNotFound(call: () => unknown, xid: string): void {
  const error = toolFailure(call);
  expect(error.constructor).toBe(SecretNotFoundError);
  expect({ tool: error.tool, exitCode: error.exitCode }).toEqual({ tool: "secret-get", exitCode: 1 });
  expect(error.stderr).toMatch(new RegExp(`^ERROR secret "(?:secret:(?://[^/"]+/)?)?${xid}" not found\n$`));
}

export type ToolErrorClass = typeof HookToolError;

/** The call fails as Juju's tool would: this error class, tool, exit code and `ERROR <message>\n` on stderr. */
export function expectToolError(call: () => unknown, kind: ToolErrorClass, tool: string, exitCode: 1 | 2, message: string): void {
  const error = toolFailure(call);
  expect(error.constructor).toBe(kind);
  expect({ tool: error.tool, exitCode: error.exitCode, stderr: error.stderr }).toEqual({ tool, exitCode, stderr: `ERROR ${message}\n` });
  expect(error.message).toContain(message);
}

/** Text the types would refuse, as an untyped caller (the fake tool executables) can pass it: cast it with `as`. */
export function text(value: string): string {
  return value;
}

export function tcp(port: number, toPort?: number): PortRange {
  return toPort === undefined ? { protocol: "tcp", port } : { protocol: "tcp", port, toPort };
}
