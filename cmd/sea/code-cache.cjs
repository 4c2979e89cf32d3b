// @ts-check
// Writes the assets of a dispatch executable with a full code cache (see main.cjs beside it):
//
//   <node> code-cache.cjs <bundle.cjs> <dispatch.js> <dispatch.cache>
//
// It must run on the very Node the executable embeds (V8 refuses a cache from any other version).
// `--no-lazy` is switched on only while the bundle compiles, so every function is compiled and
// cached, and off again before the cache is written: V8 stamps a cache with a hash of its flags
// and refuses it under other flags, and the executable runs with the defaults.
"use strict";

const { readFileSync, writeFileSync } = require("node:fs");
const { setFlagsFromString } = require("node:v8");
const { Script } = require("node:vm");

const [bundle, sourceOut, cacheOut] = process.argv.slice(2);
if (bundle === undefined || sourceOut === undefined || cacheOut === undefined) {
  process.stderr.write("usage: code-cache.cjs <bundle.cjs> <dispatch.js> <dispatch.cache>\n");
  process.exit(2);
}
// The bundle is CommonJS: wrap it as Node's module loader does; main.cjs calls the function. The
// bundle's first line is a comment (build.mjs's BUNDLE_BANNER), so the wrapper in front of it moves
// no code: positions in stack traces stay positions in the bundle, as its source map needs.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(bundle, "utf8")}\n})`;

setFlagsFromString("--no-lazy");
const script = new Script(source, { filename: "dispatch.js" });
setFlagsFromString("--lazy");
writeFileSync(sourceOut, source);
writeFileSync(cacheOut, script.createCachedData());

// Check the cache the way main.cjs will use it: a fresh compile under the default flags.
const check = new Script(source, { filename: "check.js", cachedData: readFileSync(cacheOut) });
if (check.cachedDataRejected !== false) {
  process.stderr.write("V8 rejected the code cache it just made under its default flags\n");
  process.exit(1);
}
