// testing/state-model.ts with engine/model.ts: a test's State whose secret still lists grants over a
// relation the State no longer has (the next run after relation-broken) gets no such grant, as Juju
// removes a relation's scoped grants with it (juju/juju state/relation.go).

import { describe, expect, test } from "vitest";

import { HookContext } from "../../engine/hook-context.js";
import { modelFromState } from "../../testing/state-model.js";
import { Secret, State } from "../../testing/state.js";

describe("a State's secret grants over a removed relation", () => {
  test("are not in the model: the owner's secret-info-get does not list them", () => {
    const secret = new Secret({ owner: "app", trackedContent: { password: "one" }, remoteGrants: { 7: ["db"] } });
    const placement = {
      meta: { name: "web", relations: {}, storage: {}, config: {}, actions: {} },
      appName: "web",
      unitId: 0,
      jujuVersion: "3.6.4",
    };
    const model = modelFromState(new State({ leader: true, secrets: [secret] }), placement);
    expect(new HookContext(model, "web/0").secretGrants(secret.id)).toEqual([]);
  });
});
