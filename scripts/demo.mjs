// @ts-check
// `npm start`, after `npm run build`: packs the demo charm and runs its cluster story on the local
// Juju simulator. Three units are deployed from the packed .charm, the leader is removed and a new
// one takes over, then `rotate-password` runs on demo/leader; a status table after each step, and
// the hooks each unit ran.

import { relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { HOST_ARCH } from "#compiled/cmd/node-binary";
import { pack } from "#compiled/cmd/pack";
import { Juju, allActive, allAgentsIdle, anyError, formatStatusTable, getLeaderUnit } from "tscharm/integration";

const ROOT = resolve(fileURLToPath(import.meta.url), "..", "..");
const out = (/** @type {string} */ text = "") => process.stdout.write(`${text}\n`);

/** All demo units active, and none with a hook still to run. @param {import("tscharm/integration").Status} status */
const settled = (status) => allActive(status, "demo") && allAgentsIdle(status, "demo");

const [packed] = await pack({ projectDir: ROOT, build: false, platforms: [HOST_ARCH], log: () => undefined });
if (packed === undefined) throw new Error("pack wrote no charm");
const charm = relative(process.cwd(), packed.path) || packed.path;
out(`packed ${charm}`);

// The demo writes /etc/tscharm-demo/demo.conf on a real machine; each simulated machine has a
// directory of its own instead.
const juju = Juju.local({ env: { TSCHARM_DEMO_CONFIG_FILE: "{machine}/etc/tscharm-demo/demo.conf" } });
const simulator = await juju.simulator();
let shown = 0;
const started = performance.now();

/** One line per unit: the hooks and actions it ran since the last step. */
function hooksSinceLastStep() {
  const entries = simulator.history().slice(shown);
  shown = simulator.history().length;
  /** @type {Map<string, string[]>} */
  const byUnit = new Map();
  for (const entry of entries) {
    if (entry.kind === "controller") continue;
    byUnit.set(entry.unit, [...(byUnit.get(entry.unit) ?? []), entry.outcome === "ok" ? entry.name : `${entry.name} (${entry.outcome})`]);
  }
  for (const [unit, names] of [...byUnit].sort(([a], [b]) => a.localeCompare(b))) out(`  ${unit}: ${names.join(", ")}`);
  const calls = entries.reduce((total, entry) => total + entry.calls.length, 0);
  out(`  (${String(entries.filter((entry) => entry.kind !== "controller").length)} hooks and actions, ${String(calls)} hook-tool calls)`);
}

/** @param {string} title */
async function step(title, /** @type {() => Promise<unknown>} */ action) {
  out(`\n== ${title}`);
  const t0 = performance.now();
  await action();
  const status = await juju.wait(settled, { error: anyError });
  hooksSinceLastStep();
  out(`  done in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  out(formatStatusTable(status));
}

try {
  await step(`juju deploy ${charm} demo --num-units 3`, () => juju.deploy(packed.path, { app: "demo", numUnits: 3 }));

  const leader = await getLeaderUnit(juju, "demo");
  if (leader === undefined) throw new Error("no leader after deploy");
  await step(`juju remove-unit ${leader}   (the leader goes; a new one takes over)`, async () => {
    await juju.removeUnit(leader);
    await juju.wait(async () => {
      const next = await getLeaderUnit(juju, "demo");
      return next !== undefined && next !== leader;
    });
  });

  await step("juju run demo/leader rotate-password", async () => {
    const task = await juju.run("demo/leader", "rotate-password");
    out(`  task ${task.id} ${task.status}: ${JSON.stringify(task.results)}`);
  });

  // What each unit's workload ended up with: the same leader and password hash everywhere.
  out("== every unit's /etc/tscharm-demo/demo.conf");
  const units = Object.keys((await juju.status()).apps["demo"]?.units ?? {}).sort();
  for (const unit of units) {
    const task = await juju.exec(unit, 'grep -E "^(leader|password-sha256) =" "$TSCHARM_DEMO_CONFIG_FILE" | tr "\\n" " "');
    out(`  ${unit}: ${task.stdout.trim()}`);
  }
  out(
    `\nthe whole story took ${((performance.now() - started) / 1000).toFixed(1)} s; every hook ran the packed dispatch as a real process.`,
  );
} finally {
  await juju.close();
}
