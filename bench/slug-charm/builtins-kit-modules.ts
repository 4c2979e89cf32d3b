// builtins-child-process.ts, making an AsyncLocalStorage as well (node:async_hooks), as
// tscharm/machine does for the current machine: the kit's cost, less its own code.

import { AsyncLocalStorage } from "node:async_hooks";

import "./builtins-child-process.js";

// Made, as the kit makes one at its first call: esbuild would leave out an import nothing uses.
if (new AsyncLocalStorage().getStore() !== undefined) throw new Error("a fresh AsyncLocalStorage has a store");
