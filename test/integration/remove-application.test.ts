// `removeApplication` on both clients, as Jubilant's `remove_application(*app, destroy_storage,
// force)`: on the simulator end to end (Juju.local()), and through the stand-in juju the exact
// command line Juju.cli() runs (`juju remove-application --no-prompt <app…> [--destroy-storage]
// [--force]`, juju/juju cmd/juju/application/removeapplication.go), carried out by `tscharm sim
// remove-application`.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { CLIError, Juju, writeJujuStandIn } from "tscharm/integration";
import { type AppCharms, appCharms } from "../support/app-charms.js";

const PROVIDER = "provides:\n  database:\n    interface: pgsql\n";
const REQUIRER = "requires:\n  database:\n    interface: pgsql\n";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function charmsWithStatus(): AppCharms {
  const charms = appCharms();
  cleanups.push(() => charms.remove());
  for (const app of ["db", "app"]) charms.onHook("start", app, 'status-set active "up"');
  charms.onHook("database-relation-broken", "app", 'status-set blocked "no database"');
  return charms;
}

describe("removeApplication", () => {
  test("Juju.local(): the provider goes, the requirer hears it and keeps running", async () => {
    const charms = charmsWithStatus();
    const juju = Juju.local({ env: { CONTROL: charms.control } });
    cleanups.push(() => juju.close());
    await juju.deploy(charms.charm("db", PROVIDER), { numUnits: 2 });
    await juju.deploy(charms.charm("app", REQUIRER));
    await juju.integrate("app", "db");
    await juju.wait(
      (status) =>
        status.apps["app"]?.relations["database"] !== undefined && status.apps["app"].units["app/0"]?.workloadStatus.current === "active",
    );

    // Every unit has joined every other: nothing left to run.
    await (await juju.simulator()).settle();
    await juju.removeApplication("db");
    const status = await juju.wait((s) => s.apps["db"] === undefined, { successes: 1 });
    expect(status.apps["app"]?.units["app/0"]?.workloadStatus).toMatchObject({ current: "blocked", message: "no database" });
    expect(
      charms
        .hooks()
        .filter((line) => line.startsWith("db/1 "))
        .map((line) => line.split(" ")[1])
        .slice(-4),
    ).toEqual(["database-relation-departed", "database-relation-broken", "stop", "remove"]);
    await expect(juju.removeApplication(["nothing"])).rejects.toThrow(
      'removing application nothing failed: application "nothing" not found',
    );
  });

  test("Juju.cli(): juju remove-application --no-prompt <apps> [--destroy-storage] [--force]", { timeout: 120_000 }, async () => {
    const charms = charmsWithStatus();
    const dir = mkdtempSync(join(tmpdir(), "tscharm-stand-in-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const juju = Juju.cli({ model: "m1", cliBinary: writeJujuStandIn(dir, { env: { CONTROL: charms.control } }) });
    await juju.deploy(charms.charm("db", PROVIDER));
    await juju.deploy(charms.charm("app", REQUIRER));
    await juju.deploy(charms.charm("other", REQUIRER));
    await juju.integrate("app", "db");
    await juju.removeApplication(["db", "other"], { destroyStorage: true, force: true });
    const calls = readFileSync(join(dir, "calls.log"), "utf8").trim().split("\n");
    expect(calls.at(-1)?.trim()).toBe("remove-application --model m1 --no-prompt db other --destroy-storage --force");
    const status = await juju.status();
    expect(Object.keys(status.apps)).toEqual(["app"]);
    expect(status.apps["app"]?.units["app/0"]?.workloadStatus).toMatchObject({ current: "blocked", message: "no database" });

    const error = await juju.removeApplication("gone").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CLIError);
    expect((error as CLIError).stderr).toContain('removing application gone failed: application "gone" not found');
  });
});
