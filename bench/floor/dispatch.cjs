// @ts-check
// The floor: the demo charm's steady-state leader hook written by hand, with no framework.
//
// bench/dispatch.mjs builds this file into a single executable exactly as `tscharm build` builds a
// charm (same Node binary, same SEA options, code cache, stripped), so the only difference between
// the two executables is the code inside. It makes the fewest hook-tool calls the demo's leader
// needs when nothing has changed: relation-ids, is-leader, config-get, relation-get of the peer
// application bag, status-set; and it reads the workload file to see that nothing did change.
// Everything a framework adds (typed events, stored state, the state file, deferral, error
// handling, argument checks) is what the benchmark measures against this.
"use strict";

const { spawnSync } = require("node:child_process");
const { readFileSync } = require("node:fs");

/**
 * @param {string} tool
 * @param {string[]} args
 */
function call(tool, args) {
  const result = spawnSync(tool, args, { encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(`${tool} failed: ${result.stderr}`);
    process.exit(1);
  }
  return result.stdout;
}

/** @param {string} text @returns {unknown} */
const parse = (text) => JSON.parse(text);

if (process.env["JUJU_DISPATCH_PATH"] === undefined || process.env["JUJU_UNIT_NAME"] === undefined) process.exit(1);
const unit = process.env["JUJU_UNIT_NAME"];
const app = unit.slice(0, unit.indexOf("/"));

const ids = /** @type {string[]} */ (parse(call("relation-ids", ["cluster", "--format=json"])));
const leader = parse(call("is-leader", ["--format=json"])) === true;
const config = /** @type {Record<string, unknown>} */ (parse(call("config-get", ["--format=json"])));
const id = ids[0];
if (id === undefined || !leader) {
  call("status-set", ["--application=False", "waiting", "--", "not the steady-state leader"]);
  process.exit(0);
}
const shared = /** @type {Record<string, string>} */ (parse(call("relation-get", ["--format=json", "-r", id, "--app", "-", app])));
let workload = "";
try {
  workload = readFileSync(process.env["TSCHARM_DEMO_CONFIG_FILE"] ?? "/etc/tscharm-demo/demo.conf", "utf8");
} catch {
  // Not configured yet: the floor only measures the steady state, so it does not write it.
}
const steady =
  shared["leader"] === unit &&
  shared["greeting"] === config["greeting"] &&
  workload.includes(`greeting = ${String(config["greeting"])}\n`) &&
  workload.includes(`secret-id = ${shared["secret-id"] ?? ""}\n`);
call("status-set", ["--application=False", steady ? "active" : "waiting", "--", steady ? "I rule" : "not the steady state"]);
