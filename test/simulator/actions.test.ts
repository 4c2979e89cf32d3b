// `juju run` through the simulator's verbs (simulator/verbs.ts enqueueAction): an action's params
// are validated against its schema before the action is queued (juju/juju internal/charm/actions.go
// ValidateParams). An undeclared param, where actions.yaml does not say `additionalProperties`, is
// taken by Juju 3.6 and refused by Juju 4 (ReadActionsYaml's default; juju/juju issue 21294).

import { appendFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { Simulator } from "../../simulator/simulator.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(jujuVersion: string): Promise<{ sim: Simulator; charm: RecorderCharm }> {
  const charm = recorderCharm();
  // `greet` says nothing about additionalProperties; `do` (the recorder's) says false.
  appendFileSync(join(charm.dir, "actions.yaml"), "greet:\n  params:\n    name:\n      type: string\n");
  writeFileSync(join(charm.dir, "manifest.yaml"), 'bases:\n  - name: ubuntu\n    channel: "24.04"\n    architectures: [amd64]\n');
  const sim = await Simulator.create({ env: { CONTROL: charm.control }, jujuVersion });
  cleanups.push(
    () => sim.close({ remove: true }),
    () => {
      rmSync(join(charm.control, ".."), { recursive: true, force: true });
    },
  );
  sim.deploy(charm.dir);
  await sim.settle();
  return { sim, charm };
}

describe("an action param that actions.yaml does not declare", () => {
  test("Juju 3.6: taken where the action does not say additionalProperties, and handed to the charm", async () => {
    const { sim, charm } = await setup("3.6.4");
    charm.onHook("greet", 'action-set got="$(action-get --format=json)"');
    const task = await sim.runTask(sim.enqueueAction("recorder/0", "greet", { name: "ann", extra: 1 }).id);
    expect(task.status).toBe("completed");
    const got = task.results["got"];
    expect(typeof got === "string" ? JSON.parse(got) : got).toEqual({ name: "ann", extra: 1 });
    expect(() => sim.enqueueAction("recorder/0", "do", { extra: 1 })).toThrow(
      'invalid parameters for action "do": validation failed: (root) : additional property "extra" is not allowed, given {"extra":1}',
    );
  });

  test("Juju 4: refused before it is queued, in Juju's words, unless the schema allows it", async () => {
    const { sim, charm } = await setup("4.0.0");
    expect(() => sim.enqueueAction("recorder/0", "greet", { name: "ann", extra: 1 })).toThrow(
      'invalid parameters for action "greet": validation failed: (root) : additional property "extra" is not allowed, ' +
        'given {"extra":1,"name":"ann"}',
    );
    charm.onHook("greet", "action-set ok=yes");
    expect((await sim.runTask(sim.enqueueAction("recorder/0", "greet", { name: "ann" }).id)).status).toBe("completed");
  });
});
