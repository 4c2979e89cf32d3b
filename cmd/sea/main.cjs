// @ts-check
// The main script of every `dispatch` executable that carries a full code cache (build.mjs).
//
// A SEA's own code cache (`useCodeCache`) holds only the bundle's top level: every function a hook
// runs is still compiled on its first call, a few milliseconds per hook. build.mjs compiles the
// whole bundle ahead of time instead and ships it as two SEA assets, the wrapped bundle and its
// V8 code cache; this script compiles the one with the other, which costs a lookup instead of a
// compile (docs/performance.md has the numbers).
"use strict";

const { getAsset } = require("node:sea");
const { Script } = require("node:vm");

const script = new Script(getAsset("dispatch.js", "utf8"), {
  // Stack traces name the executable, as they would with the bundle as the main script.
  filename: process.execPath,
  cachedData: new Uint8Array(getAsset("dispatch.cache")),
});
if (script.cachedDataRejected === true) {
  // Still correct, only slower: V8 compiles from source. It means the executable was not built by
  // `tscharm build` from its own Node, so say so where the unit's log will show it.
  process.stderr.write("tscharm: this dispatch's code cache does not match its Node; rebuild it with `tscharm build`\n");
}
const compiled = /** @type {unknown} */ (script.runInThisContext());
const run = /** @type {(exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void} */ (compiled);
run(module.exports, require, module, __filename, __dirname);
