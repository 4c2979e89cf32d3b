// tscharm/interfaces/database next to the real data_interfaces (v0) in Python ops charms, in the
// simulator: the TypeScript requirer (built with `tscharm build`, packed) against a Python
// DatabaseProvides, and the TypeScript provider against a Python DatabaseRequires; through
// relation-created, -joined, -changed and -broken, credentials in secrets granted to the relation,
// an endpoints change one way and a password rotation the other. Skips, saying why, without a
// Python environment (TSCHARM_PYLIBS; CI has none).

import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { charmFiles } from "../../cmd/pack.js";
import { loadProject } from "../../project/project.js";
import { Simulator } from "../../simulator/simulator.js";
import { buildFixture } from "../support/fixture-build.js";
import { pylibsBlocker, pythonCharm } from "../support/python-charm.js";
import { SecretScan } from "../support/secret-scan.js";

const blocker = pylibsBlocker();
const FIXTURE = resolve(import.meta.dirname, "..", "fixtures", "database-charm");
const sha = (text: string): string => createHash("sha256").update(text).digest("hex").slice(0, 12);

const PY_COMMON = `
import hashlib
import logging

import ops

logger = logging.getLogger(__name__)


def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text is not None else "none"
`;

/** A Python database charm: data_interfaces' DatabaseProvides, credentials in a secret. */
const PY_PROVIDER = `${PY_COMMON}
from charms.data_platform_libs.v0.data_interfaces import DatabaseProvides


class PyDatabase(ops.CharmBase):
    def __init__(self, framework):
        super().__init__(framework)
        self.db = DatabaseProvides(self, "database")
        framework.observe(self.db.on.database_requested, self._requested)
        framework.observe(self.on.config_changed, self._config_changed)
        framework.observe(self.on.collect_unit_status, self._status)

    def _requested(self, event):
        rid = event.relation.id
        self.db.set_database(rid, event.database)
        self.db.set_credentials(rid, "py-user", "Py-Secret-Pw-1")
        self.db.set_endpoints(rid, self.config["endpoints"])
        self.db.set_version(rid, "14.11")
        self.db.set_tls(rid, "False")
        logger.info("database_requested database=%s", event.database)

    def _config_changed(self, event):
        if not self.unit.is_leader():
            return
        for relation in self.model.relations["database"]:
            if relation.app and relation.data[relation.app].get("database"):
                self.db.set_endpoints(relation.id, self.config["endpoints"])

    def _status(self, event):
        event.add_status(ops.ActiveStatus(f"serving {len(self.model.relations['database'])}"))


if __name__ == "__main__":
    ops.main(PyDatabase)
`;

/** A Python application charm: data_interfaces' DatabaseRequires; logs its database_created. */
const PY_REQUIRER = `${PY_COMMON}
from charms.data_platform_libs.v0.data_interfaces import DatabaseRequires


class PyApp(ops.CharmBase):
    _stored = ops.StoredState()

    def __init__(self, framework):
        super().__init__(framework)
        self._stored.set_default(seen="")
        self.database = DatabaseRequires(self, "database", database_name="pyapp")
        framework.observe(self.database.on.database_created, self._created)
        framework.observe(self.on.secret_changed, self._secret_changed)
        framework.observe(self.on.database_relation_broken, self._broken)
        framework.observe(self.on.collect_unit_status, self._status)

    def _created(self, event):
        logger.info("database_created username=%s endpoints=%s", event.username, event.endpoints)
        self._stored.seen = (
            f"created: db={event.database} user={event.username} pw={digest(event.password)} "
            f"endpoints={event.endpoints} version={event.version}"
        )

    def _secret_changed(self, event):
        if event.secret.label and event.secret.label.endswith(".user.secret"):
            content = event.secret.get_content(refresh=True)
            logger.info("secret_changed %s", event.secret.label)
            self._stored.seen = f"rotated: user={content.get('username')} pw={digest(content.get('password'))}"

    def _broken(self, event):
        self._stored.seen = "broken"

    def _status(self, event):
        event.add_status(ops.ActiveStatus(self._stored.seen) if self._stored.seen else ops.WaitingStatus("no database"))


if __name__ == "__main__":
    ops.main(PyApp)
`;

let work: string;
let tsCharm: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  if (blocker !== undefined) return;
  work = mkdtempSync(join(tmpdir(), "tscharm-xlang-db-"));
  cleanups.push(() => rmSync(work, { recursive: true, force: true }));
  // The real `tscharm build` (into the temporary directory), then the charm directory Juju unpacks.
  const built = await buildFixture(FIXTURE, "tscharm-xlang-db-build-");
  cleanups.push(() => rmSync(built.work, { recursive: true, force: true }));
  tsCharm = join(work, "ts-database");
  mkdirSync(tsCharm);
  for (const file of charmFiles(loadProject(FIXTURE))) writeFileSync(join(tsCharm, file.name), file.data, { mode: file.mode });
  copyFileSync(built.dispatch, join(tsCharm, "dispatch"));
  chmodSync(join(tsCharm, "dispatch"), 0o755);
}, 300_000);

afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type UnitStatus = { status: string; message: string };
const unitStatus = (sim: Simulator, unit: string): UnitStatus => {
  const { status, message } = sim.model.unit(unit).status as UnitStatus;
  return { status, message };
};

/** The hooks a unit ran, in order, for one endpoint (`database-relation-changed` ...). */
const hooksOf = (sim: Simulator, unit: string, endpoint: string): string[] =>
  sim
    .history()
    .filter((entry) => entry.unit === unit && entry.kind === "hook" && entry.name.startsWith(`${endpoint}-relation-`))
    .map((entry) => entry.name.slice(endpoint.length + "-relation-".length));

/**
 * No password (any revision of any secret) in a tool argv, stderr, juju-log line or hook output of
 * the TypeScript charm, its state file, or the status. (Usernames are shown on purpose; the Python
 * charms are not tscharm's to check.)
 */
function expectNoSecretLeaks(sim: Simulator, unit: string): void {
  const scan = new SecretScan();
  for (const secret of sim.model.secrets.values()) {
    for (const content of secret.revisions.values())
      scan.secret(
        ...Object.entries(content)
          .filter(([key]) => key.includes("password"))
          .map(([, value]) => value),
      );
  }
  for (const entry of sim.history().filter((e) => e.unit === unit)) {
    const where = `${entry.unit} ${entry.kind} ${entry.name}`;
    scan.observe(`${where}: tool argv`, entry.calls.map((call) => [call.tool, ...call.args].join(" ")).join("\n"));
    scan.observe(`${where}: tool stderr`, entry.calls.map((call) => call.stderr).join("\n"));
    scan.observe(`${where}: juju-log`, entry.logs.map((line) => line.message).join("\n"));
    scan.observe(`${where}: stdout`, entry.stdout);
    scan.observe(`${where}: stderr`, entry.stderr);
  }
  const state = join(sim.charmDir(unit), ".unit-state.json");
  if (existsSync(state)) scan.observe(`${unit} state file`, readFileSync(state, "utf8"));
  scan.observe("status", JSON.stringify(sim.status()));
  scan.expectClean({ secrets: 1, places: 10 });
}

describe.skipIf(blocker !== undefined)(`database across languages (${blocker ?? "TSCHARM_PYLIBS set"})`, () => {
  test("the TypeScript requirer gets its database from data_interfaces' DatabaseProvides", { timeout: 300_000 }, async () => {
    const pg = pythonCharm(work, "pg", {
      metadata: "provides:\n  database:\n    interface: postgresql_client\n",
      charmPy: PY_PROVIDER,
      files: { "config.yaml": "options:\n  endpoints:\n    type: string\n    default: 10.1.1.1:5432\n" },
    });
    const sim = await Simulator.create({});
    cleanups.unshift(() => sim.close({ remove: true }));
    sim.deploy(tsCharm, { app: "ts-app" });
    sim.deploy(pg);
    await sim.settle();
    expect(unitStatus(sim, "ts-app/0")).toEqual({ status: "waiting", message: "no database" });

    sim.integrate("ts-app:database", "pg:database");
    await sim.settle();
    expect(unitStatus(sim, "ts-app/0")).toEqual({
      status: "active",
      message: `created: db=tsapp user=py-user pw=${sha("Py-Secret-Pw-1")} endpoints=10.1.1.1:5432 version=14.11 tls=False`,
    });
    // The Python provider served what the TypeScript requirer asked, with the bytes it wrote.
    const tsRelation = (
      sim.showUnit("ts-app/0")["ts-app/0"] as {
        "relation-info": { endpoint: string; "application-data": Record<string, string>; "local-unit": { data: Record<string, string> } }[];
      }
    )["relation-info"][0];
    const pgBag = tsRelation?.["application-data"] ?? {};
    expect(pgBag["database"]).toBe("tsapp");
    expect(pgBag["secret-user"]).toMatch(/^secret:/);
    expect(pgBag["secret-tls"]).toMatch(/^secret:/);
    expect(JSON.stringify(pgBag)).not.toContain("Py-Secret-Pw-1");
    const snapshot = JSON.parse(pgBag["data"] ?? "{}") as Record<string, string>;
    expect(JSON.parse(snapshot["requested-secrets"] ?? "[]")).toContain("password");
    // The requirer labelled the provider's secrets as data_interfaces does.
    const labels = sim
      .history()
      .filter((e) => e.unit === "ts-app/0")
      .flatMap((e) => e.calls)
      .filter((c) => c.tool === "secret-get")
      .map((c) => c.args.join(" "));
    expect(labels.some((line) => /--label database\.\d+\.user\.secret/.test(line))).toBe(true);
    expect(hooksOf(sim, "ts-app/0", "database")).toEqual(expect.arrayContaining(["created", "joined", "changed"]));

    // An endpoints change on the Python side is endpointsChanged on the TypeScript side.
    sim.setConfig("pg", { endpoints: "10.2.2.2:5432" });
    await sim.settle();
    expect(unitStatus(sim, "ts-app/0").message).toBe(
      `endpoints changed: db=tsapp user=py-user pw=${sha("Py-Secret-Pw-1")} endpoints=10.2.2.2:5432 version=14.11 tls=False`,
    );

    sim.removeRelation("ts-app:database", "pg:database");
    await sim.settle();
    expect(unitStatus(sim, "ts-app/0")).toEqual({ status: "waiting", message: "no database" });
    expect(hooksOf(sim, "ts-app/0", "database").at(-1)).toBe("broken");
    expect(sim.history().filter((e) => e.kind === "hook" && e.outcome !== "ok" && e.outcome !== "")).toEqual([]);
    expectNoSecretLeaks(sim, "ts-app/0");
  });

  test("data_interfaces' DatabaseRequires gets its database from the TypeScript provider", { timeout: 300_000 }, async () => {
    const app = pythonCharm(work, "pyapp", {
      metadata: "requires:\n  database:\n    interface: postgresql_client\n    limit: 1\n",
      charmPy: PY_REQUIRER,
    });
    const sim = await Simulator.create({});
    cleanups.unshift(() => sim.close({ remove: true }));
    sim.deploy(tsCharm, { app: "ts-db" });
    sim.deploy(app);
    sim.integrate("pyapp:database", "ts-db:db");
    await sim.settle();
    const status = unitStatus(sim, "pyapp/0");
    expect(status.status).toBe("active");
    expect(status.message).toMatch(
      new RegExp(`^created: db=pyapp user=ts-user-\\d+ pw=${sha("Ts-Served-Pw-1")} endpoints=10\\.9\\.9\\.9:5432 version=16\\.9$`),
    );
    const logged = sim
      .history()
      .filter((e) => e.unit === "pyapp/0")
      .flatMap((e) => e.logs.map((l) => l.message));
    expect(logged.some((line) => /database_created username=ts-user-\d+ endpoints=10\.9\.9\.9:5432/.test(line))).toBe(true);
    // The TypeScript provider's secret: app-owned, labelled as data_interfaces labels it, granted to pyapp.
    const secrets = [...sim.model.secrets.values()];
    expect(secrets).toHaveLength(1);
    const [secret] = secrets;
    expect(secret?.owner).toEqual({ kind: "application", app: "ts-db" });
    expect(secret?.label).toMatch(/^db\.\d+\.user\.secret$/);
    expect([...(secret?.grants.keys() ?? [])]).toContain("pyapp");
    expect(secret?.consumerLabels.get("pyapp/0")).toMatch(/^database\.\d+\.user\.secret$/);

    // A new password is a new revision; the Python requirer's secret-changed reads it.
    sim.setConfig("ts-db", { "db-password": "Ts-Rotated-Pw-2" });
    await sim.settle();
    expect(secret?.latest).toBe(2);
    expect(unitStatus(sim, "pyapp/0").message).toMatch(new RegExp(`^rotated: user=ts-user-\\d+ pw=${sha("Ts-Rotated-Pw-2")}$`));

    sim.removeRelation("pyapp:database", "ts-db:db");
    await sim.settle();
    expect(unitStatus(sim, "pyapp/0").message).toBe("broken");
    expect(hooksOf(sim, "pyapp/0", "database")).toEqual(expect.arrayContaining(["created", "joined", "changed", "broken"]));
    expect(hooksOf(sim, "ts-db/0", "db")).toEqual(expect.arrayContaining(["created", "joined", "changed", "broken"]));
    expect(sim.history().filter((e) => e.kind === "hook" && e.outcome !== "ok" && e.outcome !== "")).toEqual([]);
    expectNoSecretLeaks(sim, "ts-db/0");
  });
});

describe("database across languages without Python", () => {
  test.skipIf(blocker === undefined)(`skips, saying why (${blocker ?? ""})`, () => {
    expect(blocker).toMatch(/TSCHARM_PYLIBS|python3|env\.sh/);
  });
});
