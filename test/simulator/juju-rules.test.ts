// simulator/juju-rules.ts, through the verbs that use it: a `secret` config option takes a secret
// URI, as Juju's Config.ValidateSettings checks it for `juju config` and `juju deploy --config`
// (juju/juju state/application.go UpdateCharmConfig and AddApplication; internal/charm/config.go
// secretC, whose failure Option.error reports as `option "<name>" expected secret, got "<value>"`).

import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { Juju } from "../../integration/juju.js";
import { Simulator, SimulatorError, validateConfig } from "../../simulator/simulator.js";
import { testMeta } from "../support/meta.js";
import { type RecorderCharm, recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const SECRET = "secret:d0000000000000000001";

function charmWithSecretOption(): RecorderCharm {
  const charm = recorderCharm();
  appendFileSync(join(charm.dir, "config.yaml"), "  token:\n    type: secret\n");
  cleanups.push(() => {
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });
  return charm;
}

async function simulator(charm: RecorderCharm): Promise<Simulator> {
  const sim = await Simulator.create({ env: { CONTROL: charm.control } });
  cleanups.push(() => sim.close({ remove: true }));
  return sim;
}

describe("a secret option takes a secret URI", () => {
  test("validateConfig: Juju's words for anything Go's url.Parse or the scheme check refuses", () => {
    const meta = { ...testMeta, config: { token: { type: "secret" as const } } };
    expect(validateConfig(meta, { token: SECRET })).toEqual({ token: SECRET });
    expect(validateConfig(meta, { token: "" })).toEqual({ token: "" });
    for (const bad of ["hunter2", "https://example.com/s", "secret:x#%zz"]) {
      expect(() => validateConfig(meta, { token: bad })).toThrow(
        new SimulatorError(`option "token" expected secret, got ${JSON.stringify(bad)}`),
      );
    }
  });

  test("juju config: refused, nothing changes and no config-changed runs; a URI is taken", async () => {
    const charm = charmWithSecretOption();
    const sim = await simulator(charm);
    sim.deploy(charm.dir);
    await sim.settle();
    const hooks = charm.hooks().length;
    expect(() => {
      sim.setConfig("recorder", { token: "hunter2", greeting: "changed" });
    }).toThrow('option "token" expected secret, got "hunter2"');
    expect(sim.config("recorder")).toEqual({ greeting: "hi", port: 80 });
    await sim.settle();
    expect(charm.hooks()).toHaveLength(hooks);
    sim.setConfig("recorder", { token: SECRET });
    expect(sim.config("recorder")).toMatchObject({ token: SECRET });
  });

  test("juju deploy --config: refused before anything is deployed", async () => {
    const charm = charmWithSecretOption();
    const sim = await simulator(charm);
    expect(() => sim.deploy(charm.dir, { config: { token: "plain" } })).toThrow('option "token" expected secret, got "plain"');
    expect(sim.model.apps.size).toBe(0);
    sim.deploy(charm.dir, { config: { token: SECRET } });
    expect(sim.config("recorder")).toMatchObject({ token: SECRET });
  });

  test("the integration client (Juju.local) is refused the same way", { timeout: 30_000 }, async () => {
    const charm = charmWithSecretOption();
    const juju = Juju.local({ env: { CONTROL: charm.control } });
    cleanups.push(() => juju.close());
    await juju.deploy(charm.dir);
    await expect(juju.config("recorder", { token: "nope" })).rejects.toThrow('option "token" expected secret, got "nope"');
    await juju.config("recorder", { token: SECRET });
    expect(await juju.config("recorder")).toMatchObject({ token: SECRET });
  });
});
