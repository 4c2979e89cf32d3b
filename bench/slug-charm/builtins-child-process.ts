// builtins.ts, loading node:child_process as well (as tscharm/machine's commands module does at
// start-up): what of the kit's cost is that one module.

import { spawn } from "node:child_process";

import "./builtins.js";

// esbuild leaves out an import of a Node builtin that nothing uses: this use keeps it.
if (typeof spawn !== "function") throw new Error("node:child_process has no spawn");
