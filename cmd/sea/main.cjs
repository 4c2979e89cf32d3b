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

// The runtime debugs when JUJU_DEBUG_AT names anything (runtime/context.ts reads it the same way).
const debugging = (process.env["JUJU_DEBUG_AT"] ?? "").split(",").some((name) => name.trim() !== "");
const script = debugging ? forDebugger() : withCodeCache();
const compiled = /** @type {unknown} */ (script.runInThisContext());
const run = /** @type {(exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void} */ (
  compiled
);
run(module.exports, require, module, __filename, __dirname);

/** Every hook: the bundle, compiled with its code cache. */
function withCodeCache() {
  const cached = new Script(getAsset("dispatch.js", "utf8"), {
    // Stack traces name the executable, as they would with the bundle as the main script.
    filename: process.execPath,
    cachedData: new Uint8Array(getAsset("dispatch.cache")),
  });
  if (cached.cachedDataRejected === true) {
    // Still correct, only slower: V8 compiles from source. It means the executable was not built by
    // `tscharm build` from its own Node, so say so where the unit's log will show it.
    process.stderr.write("tscharm: this dispatch's code cache does not match its Node; rebuild it with `tscharm build`\n");
  }
  return cached;
}

/**
 * Under `juju debug-code` (JUJU_DEBUG_AT, runtime/debug-code.ts): the bundle with its source map
 * inline, so that a debugger shows the charm's TypeScript. The code cache is for the bundle
 * alone, so it is left out: this start is a few milliseconds slower, which nobody waiting at a
 * breakpoint notices.
 */
function forDebugger() {
  let source = getAsset("dispatch.js", "utf8");
  try {
    source += `\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(getAsset("dispatch.js.map")).toString("base64")}\n`;
  } catch {
    // An executable without a source map: the debugger shows the bundle.
  }
  return new Script(source, { filename: process.execPath });
}
