// runtime/context: every event kind parsed from the JUJU_* environment, and every bad value refused.

import { describe, expect, test } from "vitest";

import { eventKind, parseContext } from "../../runtime/dispatch-context.js";
import { EnvironmentError } from "../../runtime/errors.js";
import { MODEL_UUID, jujuEnv, relationEnv } from "../support/juju-env.js";
import { testMeta } from "../support/meta.js";

const parse = (env: Record<string, string | undefined>) => parseContext(env, testMeta, "/cwd");

function refusal(env: Record<string, string | undefined>): string {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentError);
    const message = (error as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("the environment was accepted");
}

describe("parseContext", () => {
  test("reads the values every dispatch has", () => {
    const context = parse(jujuEnv("hooks/install", { unit: "my-app/12", charmDir: "/var/lib/juju/charm" }));
    expect(context).toMatchObject({
      dispatchPath: "hooks/install",
      hook: { type: "lifecycle", name: "install" },
      unitName: "my-app/12",
      appName: "my-app",
      modelName: "test-model",
      modelUuid: MODEL_UUID,
      jujuVersion: "3.6.4",
      charmDir: "/var/lib/juju/charm",
      debug: false,
      machineId: "0",
      principalUnit: undefined,
    });
    expect(Object.isFrozen(context)).toBe(true);
    expect(Object.isFrozen(context.hook)).toBe(true);
  });

  test("falls back to the working directory without JUJU_CHARM_DIR, and honours JUJU_DEBUG", () => {
    const context = parse({ ...jujuEnv("hooks/start"), JUJU_DEBUG: "1" });
    expect(context.charmDir).toBe("/cwd");
    expect(context.debug).toBe(true);
  });

  test.each([
    "install",
    "start",
    "stop",
    "remove",
    "config-changed",
    "update-status",
    "upgrade-charm",
    "leader-elected",
    "leader-settings-changed",
    "pre-series-upgrade",
    "post-series-upgrade",
    "collect-metrics",
  ])("lifecycle hook %s", (name) => {
    const context = parse(jujuEnv(`hooks/${name}`));
    expect(context.hook).toEqual({ type: "lifecycle", name });
    expect(eventKind(context.hook)).toBe(name);
  });

  test("relation hooks carry the endpoint, id, remote unit and app", () => {
    const context = parse(relationEnv("db", "changed", 7, "postgresql/1"));
    expect(context.hook).toEqual({
      type: "relation",
      phase: "changed",
      endpoint: "db",
      relationId: 7,
      remoteApp: "postgresql",
      remoteUnit: "postgresql/1",
      departingUnit: undefined,
    });
    expect(eventKind(context.hook)).toBe("db-relation-changed");
  });

  test("relation-created and relation-broken have an empty remote unit", () => {
    expect(parse(relationEnv("db", "created", 3, undefined, { remoteApp: "pg" })).hook).toMatchObject({
      phase: "created",
      remoteUnit: undefined,
      remoteApp: "pg",
    });
    const broken = relationEnv("db", "broken", 3, undefined, { remoteApp: "pg" });
    expect(parse(broken).hook).toMatchObject({ phase: "broken", remoteUnit: undefined });
    // Juju may leave the remote app empty in relation-broken (LP#1960934).
    expect(parse({ ...broken, JUJU_REMOTE_APP: "" }).hook).toMatchObject({ remoteApp: undefined });
  });

  test("relation-changed for a change of the remote application's data has no remote unit", () => {
    // Juju's uniter runs relation-changed with an empty JUJU_REMOTE_UNIT when the application bag changed.
    const changed = relationEnv("db", "changed", 3, undefined, { remoteApp: "pg" });
    expect(changed["JUJU_REMOTE_UNIT"]).toBe("");
    expect(parse(changed).hook).toMatchObject({ phase: "changed", remoteUnit: undefined, remoteApp: "pg" });
  });

  test("relation-departed names the departing unit, which may be this unit", () => {
    const context = parse(relationEnv("cluster", "departed", 1, "demo/2", { departing: "demo/0" }));
    expect(context.hook).toMatchObject({ phase: "departed", remoteUnit: "demo/2", departingUnit: "demo/0" });
  });

  test("storage hooks carry the id, location and kind", () => {
    const env = jujuEnv("hooks/data-storage-attached", {
      extra: { JUJU_STORAGE_ID: "data/2", JUJU_STORAGE_LOCATION: "/srv/data", JUJU_STORAGE_KIND: "filesystem" },
    });
    expect(parse(env).hook).toEqual({
      type: "storage",
      phase: "attached",
      storageName: "data",
      storageIndex: 2,
      location: "/srv/data",
      kind: "filesystem",
    });
  });

  test("secret hooks carry the id, label and (remove, expired) revision", () => {
    const id = "secret://5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d/cs9ab3go9ns0ql5jgv6g";
    expect(parse(jujuEnv("hooks/secret-changed", { extra: { JUJU_SECRET_ID: id, JUJU_SECRET_LABEL: "" } })).hook).toEqual({
      type: "secret",
      phase: "changed",
      secretId: id,
      label: undefined,
      revision: undefined,
    });
    const remove = jujuEnv("hooks/secret-remove", {
      extra: { JUJU_SECRET_ID: "secret:cs9ab3go9ns0ql5jgv6g", JUJU_SECRET_LABEL: "creds", JUJU_SECRET_REVISION: "4" },
    });
    expect(parse(remove).hook).toMatchObject({ phase: "remove", label: "creds", revision: 4 });
  });

  test("actions: name and task id, and an empty JUJU_HOOK_NAME", () => {
    const context = parse(jujuEnv("actions/backup"));
    expect(context.hook).toEqual({ type: "action", name: "backup", uuid: "7" });
    expect(eventKind(context.hook)).toBe("action:backup");
  });

  test("any other hook is a custom hook, including relation hooks of undeclared endpoints", () => {
    expect(parse(jujuEnv("hooks/my-hook")).hook).toEqual({ type: "custom", name: "my-hook" });
    expect(parse(relationEnv("gone", "changed", 1, "x/0")).hook).toEqual({ type: "custom", name: "gone-relation-changed" });
    // meter-status-changed is the one hook Juju runs without JUJU_VERSION.
    const meter = parse({ ...jujuEnv("hooks/meter-status-changed"), JUJU_VERSION: undefined });
    expect(meter.jujuVersion).toBe("0.0.0");
  });
});

describe("parseContext refuses, naming the variable", () => {
  const always = ["JUJU_DISPATCH_PATH", "JUJU_UNIT_NAME", "JUJU_MODEL_NAME", "JUJU_MODEL_UUID", "JUJU_VERSION"];
  test.each(always)("missing %s", (name) => {
    expect(refusal({ ...jujuEnv("hooks/install"), [name]: undefined })).toBe(`${name} is not set; Juju sets it for this event`);
    expect(refusal({ ...jujuEnv("hooks/install"), [name]: "" })).toContain(name);
  });

  test.each([
    ["JUJU_DISPATCH_PATH", "install", /JUJU_DISPATCH_PATH="install" must be "hooks\/<hook-name>"/],
    ["JUJU_DISPATCH_PATH", "hooks/a/b", /JUJU_DISPATCH_PATH="hooks\/a\/b"/],
    ["JUJU_UNIT_NAME", "demo", /JUJU_UNIT_NAME="demo" must look like "<application>\/<number>"/],
    ["JUJU_UNIT_NAME", "Demo/0", /JUJU_UNIT_NAME="Demo\/0"/],
    ["JUJU_MODEL_UUID", "not-a-uuid", /JUJU_MODEL_UUID="not-a-uuid" must be a lowercase UUID/],
    ["JUJU_VERSION", "three", /JUJU_VERSION="three" must be a version/],
  ])("malformed %s=%s", (name, value, pattern) => {
    expect(refusal({ ...jujuEnv("hooks/install"), [name]: value })).toMatch(pattern);
  });

  test.each([
    ["JUJU_RELATION", "changed"],
    ["JUJU_RELATION_ID", "changed"],
    ["JUJU_REMOTE_APP", "changed"],
    ["JUJU_REMOTE_UNIT", "joined"],
    ["JUJU_REMOTE_UNIT", "departed"],
    ["JUJU_DEPARTING_UNIT", "departed"],
  ] as const)("relation hook without %s (%s)", (name, phase) => {
    expect(refusal({ ...relationEnv("db", phase, 7, "pg/0"), [name]: "" })).toBe(`${name} is not set; Juju sets it for this event`);
  });

  test("relation values that do not parse", () => {
    expect(refusal({ ...relationEnv("db", "changed", 7, "pg/0"), JUJU_RELATION_ID: "db" })).toMatch(
      /^JUJU_RELATION_ID="db" must look like "db:<number>"/,
    );
    expect(refusal({ ...relationEnv("db", "changed", 7, "pg/0"), JUJU_RELATION: "website" })).toMatch(
      /^JUJU_RELATION="website" does not match the hook's endpoint "db"/,
    );
    expect(refusal({ ...relationEnv("db", "changed", 7, "pg/0"), JUJU_REMOTE_UNIT: "pg" })).toMatch(/^JUJU_REMOTE_UNIT="pg"/);
    expect(refusal({ ...relationEnv("db", "changed", 7, "pg/0"), JUJU_REMOTE_APP: "PG!" })).toMatch(/^JUJU_REMOTE_APP="PG!"/);
  });

  test("storage, secret and action values", () => {
    const storage = jujuEnv("hooks/data-storage-attached");
    expect(refusal(storage)).toBe("JUJU_STORAGE_ID is not set; Juju sets it for this event");
    expect(refusal({ ...storage, JUJU_STORAGE_ID: "logs/0" })).toMatch(/^JUJU_STORAGE_ID="logs\/0" must look like "data\/<number>"/);
    expect(refusal({ ...storage, JUJU_STORAGE_ID: "data/0", JUJU_STORAGE_KIND: "tape" })).toMatch(/^JUJU_STORAGE_KIND="tape"/);

    const secret = jujuEnv("hooks/secret-expired", { extra: { JUJU_SECRET_ID: "secret:cs9ab3go9ns0ql5jgv6g" } });
    expect(refusal(secret)).toBe("JUJU_SECRET_REVISION is not set; Juju sets it for this event");
    expect(refusal({ ...secret, JUJU_SECRET_REVISION: "0" })).toMatch(/^JUJU_SECRET_REVISION="0" must be a revision number/);
    expect(refusal({ ...secret, JUJU_SECRET_ID: "password" })).toMatch(/^JUJU_SECRET_ID="password" must be a secret URI/);

    expect(refusal({ ...jujuEnv("actions/backup"), JUJU_ACTION_UUID: undefined })).toBe(
      "JUJU_ACTION_UUID is not set; Juju sets it for this event",
    );
    expect(refusal({ ...jujuEnv("actions/backup"), JUJU_ACTION_NAME: "restore" })).toMatch(
      /^JUJU_ACTION_NAME="restore" does not match JUJU_DISPATCH_PATH "actions\/backup"/,
    );
  });
});
