#!/usr/bin/env node
// The `tscharm` command. The CLI is cmd/main.ts, compiled to lib/cmd/main.js by
// `tsc -p tsconfig.lib.json` (`npm run build`; `npm ci` in a checkout runs it too).

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const compiled = new URL("../lib/cmd/main.js", import.meta.url);
if (!existsSync(fileURLToPath(compiled))) {
  process.stderr.write(`tscharm: lib/ is not compiled: run \`npm run build\` in ${fileURLToPath(new URL("..", import.meta.url))}\n`);
  process.exit(1);
}
/** @type {unknown} */
const loaded = await import(compiled.href);
const { main } = /** @type {typeof import("./main.js")} */ (loaded);
await main();
