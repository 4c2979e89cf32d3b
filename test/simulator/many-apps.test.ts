// Many applications in one model, as Juju runs them: subordinates on their principals' machines,
// removal of an application while the others keep running, cross-application secrets granted to
// a relation, and two applications related both ways. The charms are small bash charms
// (test/support/app-charms.ts), so every hook is a real process of `dispatch` and every tool call
// goes through the fake tools.
//
// Juju's rules followed (juju/juju, 3.6): subordinate units are created when a principal enters a
// container-scoped relation's scope (state/relationunit.go, EnterScope/subordinateOps) and die
// with their principal or with the last relation to it (doc/lifecycles.md); deploy and add-unit
// refuse units of a subordinate (cmd/juju/application/deployer, state/application.go AddUnit);
// remove-unit refuses a subordinate (apiserver/facades/client/application, DestroyUnit);
// remove-application makes every relation and unit dying and removes the application with its
// secrets once nothing holds it (state/application.go, DestroyApplicationOperation and removeOps).

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { formatStatusTable, parseStatus } from "../../integration/status-types.js";
import {
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type Framework,
  type RelationChangedEvent,
  type RelationCreatedEvent,
  type SecretChangedEvent,
} from "../../runtime/index.js";
import type { JsonObject } from "../../runtime/meta.js";
import { Simulator } from "../../simulator/simulator.js";
import { type AppCharms, appCharms } from "../support/app-charms.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function setup(): Promise<{ sim: Simulator; charms: AppCharms }> {
  const charms = appCharms();
  const sim = await Simulator.create({ env: { CONTROL: charms.control } });
  cleanups.push(
    () => sim.close({ remove: true }),
    () => charms.remove(),
  );
  return { sim, charms };
}

/**
 * One unit's hooks, as "<hook>" or "<hook> <field>=<value>…" with only the fields asked for (and
 * set), from line `from` of the log on.
 */
function hooksOf(charms: AppCharms, unit: string, fields: readonly string[] = [], from = 0): string[] {
  return charms
    .hooks()
    .slice(from)
    .filter((line) => line.startsWith(`${unit} `))
    .map((line) => {
      const [, hook = "", ...rest] = line.split(" ");
      const shown = rest.filter((pair) => !pair.endsWith("=") && fields.some((field) => pair.startsWith(`${field}=`)));
      return [hook, ...shown].join(" ");
    });
}

function read(charms: AppCharms, file: string): string {
  return readFileSync(join(charms.control, file), "utf8");
}

const WEB = `provides:
  website:
    interface: http
`;
const AGENT = `subordinate: true
requires:
  juju-info:
    interface: juju-info
    scope: container
`;
/** Writes what relation-list answers in the hook to `list-<unit>`. */
const RECORD_LIST = 'relation-list > "$CONTROL/list-${JUJU_UNIT_NAME/\\//-}"';

describe("subordinates", () => {
  test("a subordinate has no units; related to a principal over juju-info, one per principal unit, on its machine", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 2 });
    sim.deploy(charms.charm("agent", AGENT));
    await sim.settle();
    expect(sim.model.app("agent").units).toEqual([]);

    charms.onHook("juju-info-relation-changed", "agent", RECORD_LIST);
    charms.onHook("juju-info-relation-changed", "web", RECORD_LIST);
    sim.integrate("agent", "web");
    await sim.settle();

    const relation = [...sim.model.relations.values()].find((candidate) => candidate.interface === "juju-info");
    expect(relation?.scope).toBe("container");
    expect(sim.model.app("agent").units).toEqual(["agent/0", "agent/1"]);
    expect(sim.model.unit("agent/0")).toMatchObject({ principal: "web/0", machine: sim.model.unit("web/0").machine });
    expect(sim.model.unit("agent/1")).toMatchObject({ principal: "web/1", machine: sim.model.unit("web/1").machine });
    // Its own hooks, with JUJU_PRINCIPAL_UNIT; it joins its principal only.
    expect(hooksOf(charms, "agent/0", ["remote", "principal"])).toEqual([
      "install principal=web/0",
      "juju-info-relation-created principal=web/0",
      "leader-elected principal=web/0",
      "config-changed principal=web/0",
      "start principal=web/0",
      "juju-info-relation-joined remote=web/0 principal=web/0",
      "juju-info-relation-changed remote=web/0 principal=web/0",
    ]);
    expect(hooksOf(charms, "agent/1", ["remote"]).filter((hook) => hook.includes("joined"))).toEqual([
      "juju-info-relation-joined remote=web/1",
    ]);
    expect(hooksOf(charms, "web/0", ["remote"]).filter((hook) => hook.startsWith("juju-info"))).toEqual([
      "juju-info-relation-created",
      "juju-info-relation-joined remote=agent/0",
      "juju-info-relation-changed remote=agent/0",
    ]);
    // A container-scoped relation's units see only the units in their own container.
    expect(read(charms, "list-agent-0")).toBe("web/0\n");
    expect(read(charms, "list-agent-1")).toBe("web/1\n");
    expect(read(charms, "list-web-0")).toBe("agent/0\n");
    expect(read(charms, "list-web-1")).toBe("agent/1\n");
  });

  test("juju status lists a subordinate under its principal unit, and the subordinate application names its principals", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 2 });
    sim.deploy(charms.charm("agent", AGENT));
    sim.integrate("agent", "web");
    await sim.settle();
    const raw = sim.status();
    const applications = raw["applications"] as JsonObject;
    const agent = applications["agent"] as JsonObject;
    expect(agent["subordinate-to"]).toEqual(["web"]);
    expect(agent).not.toHaveProperty("units");
    const web0 = ((applications["web"] as JsonObject)["units"] as JsonObject)["web/0"] as JsonObject;
    const sub = (web0["subordinates"] as JsonObject)["agent/0"] as JsonObject;
    expect(sub).not.toHaveProperty("machine");
    expect(sub).toMatchObject({ leader: true, "public-address": web0["public-address"], "juju-status": { current: "idle" } });

    const status = parseStatus(raw);
    expect(status.apps["agent"]?.subordinateTo).toEqual(["web"]);
    expect(Object.keys(status.apps["web"]?.units["web/1"]?.subordinates ?? {})).toEqual(["agent/1"]);
    // The table, as `juju status` prints it: the subordinate application's scale is its units, each under its principal.
    const table = formatStatusTable(status);
    expect(table).toMatch(/^agent +\S+ +2 +agent /m);
    expect(
      table
        .split("\n")
        .filter((line) => /^ {0,2}(web|agent)\/\d/.test(line))
        .map((line) => /^ {0,2}\S+/.exec(line)?.[0]),
    ).toEqual(["web/0*", "  agent/0*", "web/1", "  agent/1"]);
  });

  test("a new principal unit gets its subordinate; a removed one takes its subordinate first", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 1 });
    sim.deploy(charms.charm("agent", AGENT));
    sim.integrate("agent", "web");
    await sim.settle();

    const [added] = sim.addUnit("web");
    await sim.settle();
    expect(sim.model.subordinatesOf(added ?? "").map((unit) => unit.name)).toEqual(["agent/1"]);
    expect(sim.model.unit("agent/1").machine).toBe(sim.model.unit(added ?? "").machine);

    const from = charms.hooks().length;
    sim.removeUnit("web/0");
    await sim.settle();
    expect(hooksOf(charms, "agent/0", ["remote"], from)).toEqual([
      "juju-info-relation-departed remote=web/0",
      "juju-info-relation-broken",
      "stop",
      "remove",
    ]);
    expect(hooksOf(charms, "web/0", ["remote"], from)).toEqual([
      "juju-info-relation-departed remote=agent/0",
      "juju-info-relation-broken",
      "stop",
      "remove",
    ]);
    expect(sim.model.units.has("agent/0")).toBe(false);
    expect(sim.model.units.has("web/0")).toBe(false);
    // The principal is removed only after its subordinate (doc/lifecycles.md: a unit may not become Dead while a subordinate exists).
    const notes = sim.history().map((entry) => entry.name);
    expect(notes.indexOf("unit agent/0 removed")).toBeGreaterThan(-1);
    expect(notes.indexOf("unit agent/0 removed")).toBeLessThan(notes.indexOf("unit web/0 removed"));
    expect(sim.model.app("agent").units).toEqual(["agent/1"]);
  });

  test("remove-relation removes the subordinate's units; the principal keeps running", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 2 });
    sim.deploy(charms.charm("agent", AGENT));
    sim.integrate("agent", "web");
    await sim.settle();
    const from = charms.hooks().length;
    sim.removeRelation("agent", "web");
    await sim.settle();
    expect(sim.model.app("agent").units).toEqual([]);
    expect(hooksOf(charms, "agent/1", [], from)).toEqual(["juju-info-relation-departed", "juju-info-relation-broken", "stop", "remove"]);
    expect(hooksOf(charms, "web/1", [], from)).toEqual(["juju-info-relation-departed", "juju-info-relation-broken"]);
    sim.updateStatus();
    await sim.settle();
    expect(hooksOf(charms, "web/0", [], from).at(-1)).toBe("update-status");
    expect(sim.model.apps.has("agent")).toBe(true);
  });

  test("destroying the model tears subordinates down with their principals, none by force", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 2 });
    sim.deploy(charms.charm("agent", AGENT));
    sim.integrate("agent", "web");
    await sim.settle();
    const report = await sim.destroy();
    expect(report.forced).toEqual([]);
    expect([...report.removed].sort()).toEqual(["agent/0", "agent/1", "web/0", "web/1"]);
    expect(hooksOf(charms, "agent/1").slice(-2)).toEqual(["stop", "remove"]);
  });

  test("a persistent model keeps its subordinates and a removal under way", async () => {
    const charms = appCharms();
    const dir = join(charms.control, "..", "model");
    cleanups.push(() => charms.remove());
    const first = await Simulator.create({ env: { CONTROL: charms.control }, dir, persistent: true });
    first.deploy(charms.charm("web", WEB), { numUnits: 1 });
    first.deploy(charms.charm("agent", AGENT));
    first.integrate("agent", "web");
    await first.settle();
    first.removeApplication("web");
    await first.close();

    const again = await Simulator.open(dir);
    cleanups.push(() => again.close({ remove: true }));
    expect(again.model.unit("agent/0").principal).toBe("web/0");
    expect(() => again.addUnit("web")).toThrow("application is not alive");
    await again.settle();
    expect([...again.model.apps.keys()]).toEqual(["agent"]);
    expect(again.model.units.size).toBe(0);
  });

  test("Juju's refusals: units of a subordinate come only from its principals; a container relation needs a subordinate", async () => {
    const { sim, charms } = await setup();
    const agentDir = charms.charm("agent", AGENT);
    expect(() => sim.deploy(agentDir, { app: "two", numUnits: 2 })).toThrow("cannot use --num-units or --to with subordinate application");
    sim.deploy(charms.charm("web", WEB), { numUnits: 1 });
    sim.deploy(agentDir);
    sim.integrate("agent", "web");
    await sim.settle();
    expect(() => sim.addUnit("agent")).toThrow('cannot add unit to application "agent": application is a subordinate');
    expect(() => sim.removeUnit("agent/0")).toThrow(
      'removing unit agent/0 failed: unit "agent/0" is a subordinate, to remove use remove-relation. ' +
        'Note: this will remove all units of "agent"',
    );
    sim.deploy(charms.charm("logs", "requires:\n  host:\n    interface: juju-info\n    scope: container\n"));
    expect(() => sim.integrate("logs", "web")).toThrow(
      'cannot add relation "logs:host web:juju-info": container scoped relation requires at least one subordinate application',
    );
  });

  test("with an endpoint of its own that fits, the implicit juju-info is not chosen", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 1 });
    sim.deploy(charms.charm("probe", `${AGENT}  site:\n    interface: http\n    scope: container\n`));
    sim.integrate("probe", "web");
    await sim.settle();
    const [relation] = sim.model.relations.values();
    expect(relation?.ends.map((end) => `${end.app}:${end.endpoint}`)).toEqual(["probe:site", "web:website"]);
    expect(relation?.scope).toBe("container");
    expect(sim.model.subordinatesOf("web/0").map((unit) => unit.name)).toEqual(["probe/0"]);
  });

  test("one subordinate, two principal applications: each principal unit has its own, which joins only its principal", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 1 });
    sim.deploy(charms.charm("db", "provides:\n  pg:\n    interface: pgsql\n"), { numUnits: 1 });
    sim.deploy(charms.charm("agent", AGENT));
    charms.onHook("juju-info-relation-changed", "agent", RECORD_LIST);
    charms.onHook("start", "agent", 'relation-ids juju-info > "$CONTROL/ids-${JUJU_UNIT_NAME/\\//-}"');
    sim.integrate("agent", "web");
    sim.integrate("agent", "db");
    await sim.settle();
    const [webSub, ...moreWeb] = sim.model.subordinatesOf("web/0").map((unit) => unit.name);
    const [dbSub, ...moreDb] = sim.model.subordinatesOf("db/0").map((unit) => unit.name);
    expect([webSub, dbSub, ...moreWeb, ...moreDb].sort()).toEqual(["agent/0", "agent/1"]);
    expect(hooksOf(charms, webSub ?? "", ["remote"]).filter((hook) => hook.includes("relation-"))).toEqual([
      "juju-info-relation-created",
      "juju-info-relation-joined remote=web/0",
      "juju-info-relation-changed remote=web/0",
    ]);
    expect(read(charms, `list-${(dbSub ?? "").replace("/", "-")}`)).toBe("db/0\n");
    // It knows only the relation to its own principal.
    const webRelation = [...sim.model.relations.values()].find((relation) => relation.ends.some((end) => end.app === "web"));
    expect(read(charms, `ids-${(webSub ?? "").replace("/", "-")}`)).toBe(`juju-info:${String(webRelation?.id)}\n`);
    expect((sim.status()["applications"] as JsonObject)["agent"]).toMatchObject({ "subordinate-to": ["db", "web"] });

    // Removing the subordinate application: its units go, the principals keep running.
    const from = charms.hooks().length;
    sim.removeApplication("agent");
    await sim.settle();
    expect(sim.model.apps.has("agent")).toBe(false);
    expect(hooksOf(charms, "web/0", [], from)).toEqual(["juju-info-relation-departed", "juju-info-relation-broken"]);
    expect(hooksOf(charms, dbSub ?? "", [], from)).toEqual(["juju-info-relation-departed", "juju-info-relation-broken", "stop", "remove"]);
    expect(Object.keys(parseStatus(sim.status()).apps).sort()).toEqual(["db", "web"]);
  });
});

const DB = `provides:
  database:
    interface: pgsql
peers:
  replicas:
    interface: db-peers
`;
const APP = `requires:
  database:
    interface: pgsql
`;

describe("a provider and a requirer, an app-owned secret granted to their relation, and removal of the provider", () => {
  test("the requirer reads the secret and its revisions; the provider is removed; the requirer keeps running", async () => {
    const { sim, charms } = await setup();
    // The provider's leader creates a secret, grants it to the relation and publishes its id.
    charms.onHook(
      "database-relation-created",
      "db",
      `if [[ $(is-leader) == True ]]; then
  id=$(secret-add --owner application password=s3cret)
  secret-grant "$id" -r "$JUJU_RELATION_ID"
  relation-set -r "$JUJU_RELATION_ID" --app secret-id="$id"
  echo "$id" > "$CONTROL/secret-id"
fi`,
    );
    const unitFile = '"$CONTROL/$1-${JUJU_UNIT_NAME/\\//-}"';
    charms.onHook(
      "database-relation-changed",
      "app",
      `record() { echo "$2" > ${unitFile}; }
id=$(relation-get -r "$JUJU_RELATION_ID" --app secret-id "$JUJU_REMOTE_APP")
if [[ -n $id ]]; then password=$(secret-get "$id" password); record seen "$password"; status-set active "password $password"; fi`,
    );
    charms.onHook(
      "secret-changed",
      "app",
      `password=$(secret-get "$JUJU_SECRET_ID" --refresh password); echo "$password" > ${unitFile.replace("$1", "seen")}
status-set active "password $password"`,
    );
    charms.onHook(
      "update-status",
      "app",
      `if out=$(secret-get "$(cat "$CONTROL/secret-id")" password 2>&1); then echo "read $out"
else echo "refused $out"; fi > ${unitFile.replace("$1", "after")}
echo "relations: $(relation-ids database)" >> ${unitFile.replace("$1", "after")}`,
    );
    sim.deploy(charms.charm("db", DB), { numUnits: 2 });
    sim.deploy(charms.charm("app", APP), { numUnits: 2 });
    sim.integrate("app", "db");
    await sim.settle();
    expect(read(charms, "seen-app-0")).toBe("s3cret\n");
    expect(read(charms, "seen-app-1")).toBe("s3cret\n");
    const id = read(charms, "secret-id").trim();

    // A new revision: the consumers hear secret-changed and read it.
    const task = await sim.runTask(sim.enqueueExec("db/leader", `secret-set ${id} password=v2`).id);
    expect(task.status).toBe("completed");
    await sim.settle();
    expect(read(charms, "seen-app-0")).toBe("v2\n");
    expect(hooksOf(charms, "app/1").filter((hook) => hook === "secret-changed")).toHaveLength(1);
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(read(charms, "after-app-0")).toMatch(/^read v2\nrelations: database:\d+\n$/);

    // The provider goes: both sides depart and break the relation; the provider's units stop and go.
    const from = charms.hooks().length;
    sim.removeApplication("db");
    await sim.settle();
    expect(hooksOf(charms, "db/0", ["remote"], from)).toEqual([
      "replicas-relation-departed remote=db/1",
      "database-relation-departed remote=app/0",
      "database-relation-departed remote=app/1",
      "database-relation-broken",
      "stop",
      "remove",
    ]);
    expect(hooksOf(charms, "app/0", ["remote"], from)).toEqual([
      "database-relation-departed remote=db/0",
      "database-relation-departed remote=db/1",
      "database-relation-broken",
    ]);
    expect(sim.model.apps.has("db")).toBe(false);
    expect([...sim.model.relations.values()].filter((relation) => relation.ends.some((end) => end.app === "db"))).toEqual([]);
    // Its secrets went with it: no owner's secret is left, and the consumer was told nothing (no hook).
    expect([...sim.model.secrets.values()].filter((secret) => secret.owner.kind === "application")).toEqual([]);
    expect(hooksOf(charms, "app/0", [], from).filter((hook) => hook.startsWith("secret"))).toEqual([]);

    // The requirer keeps running: its status stands, its hooks run, and the secret is gone for it.
    const status = parseStatus(sim.status());
    expect(Object.keys(status.apps)).toEqual(["app"]);
    expect(status.apps["app"]?.units["app/0"]?.workloadStatus).toMatchObject({ current: "active", message: "password v2" });
    expect(status.apps["app"]?.relations).toEqual({});
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(hooksOf(charms, "app/0", [], from).at(-1)).toBe("update-status");
    expect(read(charms, "after-app-0")).toMatch(/^refused .*not found.*\nrelations: \n$/s);
    expect(sim.history().some((entry) => entry.name === "application db removed")).toBe(true);
  });

  test("revoke, and the end of the relation, end the consumer's access; the owner's secret stays", async () => {
    const { sim, charms } = await setup();
    charms.onHook(
      "database-relation-created",
      "db",
      `if [[ $(is-leader) == True ]]; then
  id=$(secret-add --owner application token=t1)
  secret-grant "$id" -r "$JUJU_RELATION_ID"
  echo "$id" > "$CONTROL/secret-id"
  echo "$JUJU_RELATION_ID" > "$CONTROL/relation"
fi`,
    );
    charms.onHook(
      "update-status",
      "app",
      `if out=$(secret-get "$(cat "$CONTROL/secret-id")" token 2>&1); then echo "read $out"
else echo "refused $out"; fi > "$CONTROL/after"`,
    );
    sim.deploy(charms.charm("db", DB), { numUnits: 1 });
    sim.deploy(charms.charm("app", APP), { numUnits: 1 });
    sim.integrate("app", "db");
    await sim.settle();
    const id = read(charms, "secret-id").trim();
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(read(charms, "after")).toBe("read t1\n");

    const revoke = await sim.runTask(sim.enqueueExec("db/0", `secret-revoke ${id} -r ${read(charms, "relation").trim()}`).id);
    expect(revoke.status).toBe("completed");
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(read(charms, "after")).toMatch(/^refused /);

    const grant = await sim.runTask(sim.enqueueExec("db/0", `secret-grant ${id} -r ${read(charms, "relation").trim()}`).id);
    expect(grant.status).toBe("completed");
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(read(charms, "after")).toBe("read t1\n");

    sim.removeRelation("app", "db");
    await sim.settle();
    sim.updateStatus(["app/0"]);
    await sim.settle();
    expect(read(charms, "after")).toMatch(/^refused /);
    const secret = [...sim.model.secrets.values()].find((candidate) => id.endsWith(candidate.xid));
    expect(secret?.grants.size).toBe(0);
  });
});

describe("removing an application", () => {
  const ALPHA = `provides:
  a-api:
    interface: a
requires:
  b-api:
    interface: b
`;
  const BETA = `provides:
  b-api:
    interface: b
requires:
  a-api:
    interface: a
`;
  const SHARE = `relation-set -r "$JUJU_RELATION_ID" from="$JUJU_UNIT_NAME"`;
  const LEARN = `from=$(relation-get -r "$JUJU_RELATION_ID" from "$JUJU_REMOTE_UNIT")
echo "$JUJU_RELATION $from" >> "$CONTROL/learnt-\${JUJU_UNIT_NAME/\\//-}"`;

  test("two applications related both ways: each provides to the other; removing one leaves the other running", async () => {
    const { sim, charms } = await setup();
    for (const app of ["alpha", "beta"]) {
      charms.onHook("a-api-relation-joined", app, SHARE);
      charms.onHook("b-api-relation-joined", app, SHARE);
      charms.onHook("a-api-relation-changed", app, LEARN);
      charms.onHook("b-api-relation-changed", app, LEARN);
    }
    sim.deploy(charms.charm("alpha", ALPHA), { numUnits: 1 });
    sim.deploy(charms.charm("beta", BETA), { numUnits: 1 });
    expect(() => sim.integrate("alpha", "beta")).toThrow("ambiguous relation");
    sim.integrate("alpha:a-api", "beta:a-api");
    sim.integrate("beta:b-api", "alpha:b-api");
    await sim.settle();
    const learnt = (unit: string): string[] =>
      read(charms, `learnt-${unit}`)
        .split("\n")
        .filter((line) => line.endsWith("/0"));
    expect([...new Set(learnt("alpha-0"))].sort()).toEqual(["a-api beta/0", "b-api beta/0"]);
    expect([...new Set(learnt("beta-0"))].sort()).toEqual(["a-api alpha/0", "b-api alpha/0"]);

    const from = charms.hooks().length;
    sim.removeApplication("beta");
    await sim.settle();
    expect(hooksOf(charms, "alpha/0", ["remote"], from)).toEqual([
      "a-api-relation-departed remote=beta/0",
      "a-api-relation-broken",
      "b-api-relation-departed remote=beta/0",
      "b-api-relation-broken",
    ]);
    expect(hooksOf(charms, "beta/0", [], from)).toEqual([
      "a-api-relation-departed",
      "a-api-relation-broken",
      "b-api-relation-departed",
      "b-api-relation-broken",
      "stop",
      "remove",
    ]);
    expect([...sim.model.apps.keys()]).toEqual(["alpha"]);
    expect(sim.model.relations.size).toBe(0);
    sim.updateStatus();
    await sim.settle();
    expect(hooksOf(charms, "alpha/0", [], from).at(-1)).toBe("update-status");

    // The name is free again once it is gone: deploy and relate anew.
    sim.deploy(charms.charm("beta", BETA), { numUnits: 1 });
    sim.integrate("alpha:a-api", "beta:a-api");
    await sim.settle();
    expect(sim.model.app("beta").units).toHaveLength(1);
    expect(hooksOf(charms, "alpha/0", ["remote"]).at(-1)).toMatch(/^a-api-relation-changed remote=beta\/\d+$/);
  });

  test("while it is dying: removing it again changes nothing, add-unit and integrate are refused; so are unknown names", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("alpha", ALPHA), { numUnits: 1 });
    sim.deploy(charms.charm("beta", BETA), { numUnits: 1 });
    sim.removeApplication("beta");
    expect(() => sim.removeApplication("beta")).not.toThrow();
    expect(() => sim.addUnit("beta")).toThrow('cannot add unit to application "beta": application is not alive');
    expect(() => sim.integrate("alpha:a-api", "beta:a-api")).toThrow(
      'cannot add relation "alpha:a-api beta:a-api": application "beta" is not alive',
    );
    expect(() => sim.removeApplication("gamma")).toThrow('removing application gamma failed: application "gamma" not found');
    await sim.settle();
    expect(sim.model.apps.has("beta")).toBe(false);
    // Removed before it was installed: it runs nothing at all.
    expect(hooksOf(charms, "beta/0")).toEqual([]);
  });

  test("a unit whose teardown hook fails waits in error; with force it is removed at once", async () => {
    const { sim, charms } = await setup();
    charms.onHook("stop", "beta", "exit 1");
    charms.onHook("stop", "alpha", "exit 1");
    sim.deploy(charms.charm("alpha", ALPHA), { numUnits: 1 });
    sim.deploy(charms.charm("beta", BETA), { numUnits: 1 });
    await sim.settle();
    sim.removeApplication("beta");
    await sim.settle();
    expect(sim.model.apps.has("beta")).toBe(true);
    expect(parseStatus(sim.status()).apps["beta"]?.units["beta/0"]?.workloadStatus.message).toBe('hook failed: "stop"');

    sim.removeApplication("alpha", { force: true });
    await sim.settle();
    expect(sim.model.apps.has("alpha")).toBe(false);
    expect(sim.history().some((entry) => entry.name.startsWith("unit alpha/0 removed by force: its stop hook failed"))).toBe(true);
  });

  test("a principal application removed: its subordinates go with its units, the subordinate application stays", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("web", WEB), { numUnits: 2 });
    sim.deploy(charms.charm("agent", AGENT));
    sim.integrate("agent", "web");
    await sim.settle();
    const from = charms.hooks().length;
    sim.removeApplication("web");
    await sim.settle();
    expect(sim.model.apps.has("web")).toBe(false);
    expect(sim.model.app("agent").units).toEqual([]);
    expect(hooksOf(charms, "agent/0", [], from)).toEqual(["juju-info-relation-departed", "juju-info-relation-broken", "stop", "remove"]);
    expect(Object.keys(parseStatus(sim.status()).apps)).toEqual(["agent"]);
  });
});

/** The provider's leader adds an application secret, grants it to the relation and publishes its id. */
class Provider extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationCreated("database"), (event: RelationCreatedEvent) => {
      if (!this.unit.isLeader()) return;
      const secret = this.app.addSecret({ password: "s3cret" }, { label: "db-password" });
      secret.grant(event.relation);
      event.relation.data.get(this.app).set("secret-id", secret.id ?? "");
    });
    framework.observe(this.on.action("rotate"), () => {
      this.model.getSecret({ label: "db-password" }).setContent({ password: "rotated" });
    });
  }
}

/** The requirer shows the password it reads, and that the database is gone when it is. */
class Requirer extends CharmBase {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("database"), (event: RelationChangedEvent) => {
      const id = event.app === undefined ? undefined : event.relation.data.get(event.app).get("secret-id");
      if (id === undefined) return;
      this.unit.status = new ActiveStatus(`password ${this.model.getSecret({ id }).getContent()["password"] ?? ""}`);
    });
    framework.observe(this.on.secretChanged, (event: SecretChangedEvent) => {
      this.unit.status = new ActiveStatus(`password ${event.secret.getContent({ refresh: true })["password"] ?? ""}`);
    });
    framework.observe(this.on.relationBroken("database"), () => {
      this.unit.status = new BlockedStatus("no database");
    });
  }
}

describe("in-process TypeScript charms: the same story through tscharm's runtime", () => {
  test("a provider's secret granted to the relation, a new revision, and removal of the provider", async () => {
    const { sim, charms } = await setup();
    sim.deploy(charms.charm("db", DB, { "actions.yaml": "rotate: {}\n" }), { numUnits: 2, inProcess: Provider });
    sim.deploy(charms.charm("app", APP), { numUnits: 2, inProcess: Requirer });
    sim.integrate("app", "db");
    await sim.settle();
    const message = (unit: string): string | undefined => parseStatus(sim.status()).apps["app"]?.units[unit]?.workloadStatus.message;
    expect(message("app/0")).toBe("password s3cret");
    expect(message("app/1")).toBe("password s3cret");

    await sim.runTask(sim.enqueueAction("db/leader", "rotate").id);
    await sim.settle();
    expect(message("app/1")).toBe("password rotated");

    sim.removeApplication("db");
    await sim.settle();
    expect(sim.model.apps.has("db")).toBe(false);
    expect(sim.model.secrets.size).toBe(0);
    expect(message("app/0")).toBe("no database");
    expect(
      sim
        .history()
        .filter((entry) => entry.unit === "app/1" && entry.kind === "hook")
        .map((entry) => entry.name)
        .slice(-3),
    ).toEqual(["database-relation-departed", "database-relation-departed", "database-relation-broken"]);
  });
});
