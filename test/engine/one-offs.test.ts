// engine/one-offs.ts: credential-get needs a trusted application.

import { describe, expect, test } from "vitest";

import { HookToolError } from "../../runtime/errors.js";
import type { CloudSpecRecord } from "../../runtime/hook-tools/index.js";
import { demoModel, hook, expectToolError } from "../support/engine.js";

describe("credential-get: the application must be trusted", () => {
  const spec: CloudSpecRecord = { type: "lxd", name: "localhost", caCertificates: [], skipTlsVerify: false, isControllerCloud: true };

  test("untrusted: cannot access cloud credentials: permission denied (exit 1)", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    const context = hook(model, "demo/0");
    expectToolError(
      () => context.credentialGet(),
      HookToolError,
      "credential-get",
      1,
      "cannot access cloud credentials: permission denied",
    );
  });

  test("trusted: the cloud spec, on any unit", () => {
    const model = demoModel();
    model.app("demo").cloudSpec = spec;
    model.app("demo").trusted = true;
    expect(hook(model, "demo/1").credentialGet()).toEqual(spec);
  });
});
