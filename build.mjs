// @ts-check
// The repository's demo build (`npm run build`, after `tsc -p tsconfig.lib.json`):
//
//   node build.mjs [project-dir]     (or `tscharm build`) writes <project-dir>/dist/<arch>/dispatch,
//                                    and dist/dispatch for this machine's architecture
//
// The build itself is cmd/build.ts, compiled to lib/cmd/build.js; see docs/build.md.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("./lib/cmd/build.js", import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write("build.mjs: lib/ is not compiled: run `npm run build` (or `npx tsc -p tsconfig.lib.json`) first\n");
  process.exit(1);
}
/** @type {unknown} */
const loaded = await import(compiled.href);
const { buildCommand } = /** @type {typeof import("./cmd/build.js")} */ (loaded);
await buildCommand(process.argv[2]);
