// @ts-check
// The floor of bench/tool-charm's config-changed, written by hand with no framework: relation-ids
// of the peer endpoint, then one relation-get per bag of units tools/1 … tools/N
// (N = $BENCH_READS, default 50), then one status-set. bench/hook-tools.mjs builds it into a single
// executable as bench/dispatch.mjs builds bench/floor/dispatch.cjs.
"use strict";

const { spawnSync } = require("node:child_process");

/** @param {string} text @returns {unknown} */
const parse = (text) => JSON.parse(text);

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

if (process.env["JUJU_DISPATCH_PATH"] === undefined || process.env["JUJU_UNIT_NAME"] === undefined) process.exit(1);
const reads = Number(process.env["BENCH_READS"] ?? "50");
const ids = /** @type {string[]} */ (parse(call("relation-ids", ["cluster", "--format=json"])));
const id = ids[0];
let greeted = 0;
for (let n = 1; n <= reads && id !== undefined; n++) {
  const bag = /** @type {Record<string, string>} */ (parse(call("relation-get", ["--format=json", "-r", id, "-", `tools/${String(n)}`])));
  if (bag["greeting"] === "hello") greeted++;
}
call("status-set", ["--application=False", "active", "--", `${String(greeted)} of ${String(reads)} bags read`]);
