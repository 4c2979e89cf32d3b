// The cross-language harness itself (test/support/python-charm.ts): a real ops charm runs in the
// simulator, reads its config, writes a relation bag that a second ops charm reads, and logs
// through juju-log. Skips, saying why, where there is no Python environment (CI).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, test } from "vitest";

import { Simulator } from "../../simulator/simulator.js";
import { pylibsBlocker, pythonCharm } from "../support/python-charm.js";

const blocker = pylibsBlocker();
const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

const GREETER = `
import ops

class Greeter(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.greeting_relation_joined, self._on_joined)
        framework.observe(self.on.start, self._on_start)

    def _on_start(self, event):
        self.unit.status = ops.ActiveStatus(f"greeting is {self.config['greeting']}")

    def _on_joined(self, event):
        if self.unit.is_leader():
            event.relation.data[self.app]["greeting"] = str(self.config["greeting"])

if __name__ == "__main__":
    ops.main(Greeter)
`;

const LISTENER = `
import ops

class Listener(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        framework.observe(self.on.greeting_relation_changed, self._on_changed)

    def _on_changed(self, event):
        heard = event.relation.data[event.app].get("greeting")
        self.unit.status = ops.ActiveStatus(f"heard {heard}")

if __name__ == "__main__":
    ops.main(Listener)
`;

describe("Python ops charms in the simulator", () => {
  test.skipIf(blocker !== undefined)(`two ops charms talk through a relation (${blocker ?? "runs"})`, async () => {
    const root = mkdtempSync(join(tmpdir(), "tscharm-pycharm-"));
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const greeter = pythonCharm(root, "greeter", {
      metadata: "provides:\n  greeting:\n    interface: greeting\n",
      charmPy: GREETER,
      files: { "config.yaml": "options:\n  greeting:\n    type: string\n    default: hello\n" },
    });
    const listener = pythonCharm(root, "listener", { metadata: "requires:\n  greeting:\n    interface: greeting\n", charmPy: LISTENER });
    const sim = await Simulator.create({});
    cleanups.unshift(() => sim.close({ remove: true }));
    sim.deploy(greeter, { config: { greeting: "bonjour" } });
    sim.deploy(listener);
    sim.integrate("greeter", "listener");
    await sim.settle();
    expect(sim.model.unit("greeter/0").status).toMatchObject({ status: "active", message: "greeting is bonjour" });
    expect(sim.model.unit("listener/0").status).toMatchObject({ status: "active", message: "heard bonjour" });
  });
});
