// Where tscharm itself is: the directory of its package.json, whether this module runs from source
// (cmd/*.ts, under vitest) or compiled (lib/cmd/*.js).

import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const parent = dirname(dirname(fileURLToPath(import.meta.url)));

/** The tscharm package this CLI belongs to (a checkout or an installed package). */
export const TSCHARM_ROOT = existsSync(join(parent, "package.json")) ? parent : dirname(parent);
