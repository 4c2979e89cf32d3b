// builtins.ts, loading node:child_process as well (as tscharm/machine's commands module does at
// start-up): what of the kit's cost is that one module.

import "node:child_process";

import "./builtins.js";
