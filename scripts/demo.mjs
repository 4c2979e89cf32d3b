// @ts-check
// `npm start`: runs the built demo charm (dist/dispatch) through a two-unit cluster's life and prints
// every hook and the hook-tool calls it made.
//
// Until the local Juju simulator exists (issue 5), this script plays Juju with the recording fake
// tools: it keeps the peer relation's application data and the secret between hooks and answers
// from them. It models only what the demo needs; the simulator will model Juju's rules.

import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { FakeHookTools } from "./fake-hook-tools.mjs";

const DISPATCH = resolve(fileURLToPath(import.meta.url), "..", "..", "dist", "dispatch");
const MODEL_UUID = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const SECRET_ID = `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`;
const work = mkdtempSync(join(tmpdir(), "tscharm-demo-"));

/** What Juju would remember between hooks. */
const model = {
  leader: "demo/0",
  greeting: "hello",
  /** @type {Record<string, string>} */
  appData: {},
  /** @type {Record<string, string> | undefined} */
  secret: undefined,
  peerRelationExists: false,
};

/**
 * @param {string} unit
 * @param {string} path  hooks/<name> or actions/<name>
 * @param {Record<string, string>} [extra] per-event JUJU_* variables
 */
function runHook(unit, path, extra = {}) {
  const unitDir = join(work, unit.replace("/", "-"));
  mkdirSync(join(unitDir, "charm"), { recursive: true });
  const secret = model.secret === undefined ? undefined : `${JSON.stringify(model.secret)}\n`;
  const fake = new FakeHookTools(mkdtempSync(join(unitDir, "tools-")), [
    ["relation-ids cluster *", model.peerRelationExists ? '["cluster:1"]\n' : "[]\n"],
    ["is-leader *", `${String(unit === model.leader)}\n`],
    ["config-get *", `${JSON.stringify({ greeting: model.greeting })}\n`],
    ["relation-get *--app - demo", `${JSON.stringify(model.appData)}\n`],
    ["secret-get *", secret ?? { stderr: 'ERROR secret "admin-credentials" not found\n', exit: 1 }],
    ["secret-add *", `${SECRET_ID}\n`],
  ]);
  const name = path.split("/")[1] ?? path;
  const result = spawnSync(DISPATCH, [], {
    cwd: join(unitDir, "charm"),
    encoding: "utf8",
    env: {
      PATH: `${fake.bin}:/usr/bin:/bin`,
      JUJU_DISPATCH_PATH: path,
      JUJU_HOOK_NAME: path.startsWith("actions/") ? "" : name,
      JUJU_UNIT_NAME: unit,
      JUJU_MODEL_NAME: "demo-model",
      JUJU_MODEL_UUID: MODEL_UUID,
      JUJU_VERSION: "3.6.4",
      JUJU_CHARM_DIR: join(unitDir, "charm"),
      TSCHARM_DEMO_CONFIG_FILE: join(unitDir, "demo.conf"),
      ...(path.startsWith("actions/") ? { JUJU_ACTION_NAME: name, JUJU_ACTION_UUID: "1" } : {}),
      ...extra,
    },
  });

  process.stdout.write(`\n${unit}  ${path}  (exit ${String(result.status)})\n`);
  for (const call of fake.calls()) {
    // Secret content travels in files; show the file name, never the value.
    const shown = call.args.map((arg) => arg.replace(/#file=\S+/, "#file=…"));
    process.stdout.write(`    ${[call.tool, ...shown].join(" ")}${call.stdin === undefined ? "" : `   <<< ${call.stdin}`}\n`);
    if (call.tool === "relation-set" && call.stdin !== undefined) {
      /** @type {unknown} */
      const changes = JSON.parse(call.stdin);
      for (const [key, value] of Object.entries(/** @type {Record<string, string>} */ (changes))) {
        if (value === "") Reflect.deleteProperty(model.appData, key);
        else model.appData[key] = value;
      }
    }
    if (call.tool === "secret-add" || (call.tool === "secret-set" && call.files.length > 0)) {
      model.secret = Object.fromEntries(call.files.map((file) => [file.key, file.content]));
    }
  }
  if (result.stderr !== "") process.stdout.write(`    stderr: ${result.stderr}`);
}

/** The relation variables of a cluster hook whose remote unit is `remote` ("" for created). @param {string} remote */
const relation = (remote) => ({
  JUJU_RELATION: "cluster",
  JUJU_RELATION_ID: "cluster:1",
  JUJU_REMOTE_APP: "demo",
  JUJU_REMOTE_UNIT: remote,
});

process.stdout.write("== demo/0 comes up and is elected leader\n");
runHook("demo/0", "hooks/install");
model.peerRelationExists = true;
runHook("demo/0", "hooks/cluster-relation-created", relation(""));
runHook("demo/0", "hooks/leader-elected");
runHook("demo/0", "hooks/config-changed");
runHook("demo/0", "hooks/start");

process.stdout.write("\n== demo/1 joins and follows the leader's published configuration\n");
runHook("demo/1", "hooks/install");
runHook("demo/1", "hooks/cluster-relation-created", relation(""));
runHook("demo/1", "hooks/leader-settings-changed");
runHook("demo/1", "hooks/cluster-relation-joined", relation("demo/0"));
runHook("demo/1", "hooks/cluster-relation-changed", relation("demo/0"));

process.stdout.write("\n== juju config demo greeting=bonjour\n");
model.greeting = "bonjour";
runHook("demo/0", "hooks/config-changed");
runHook("demo/1", "hooks/cluster-relation-changed", relation("demo/0"));

process.stdout.write("\n== juju run demo/leader rotate-password, then on a follower\n");
runHook("demo/0", "actions/rotate-password");
runHook("demo/1", "hooks/secret-changed", { JUJU_SECRET_ID: SECRET_ID, JUJU_SECRET_LABEL: "" });
runHook("demo/1", "actions/rotate-password");

process.stdout.write("\n== the workload configuration each unit wrote (a hash, never the password)\n");
for (const unit of ["demo-0", "demo-1"]) {
  process.stdout.write(`\n${unit}/demo.conf:\n${readFileSync(join(work, unit, "demo.conf"), "utf8")}`);
}
