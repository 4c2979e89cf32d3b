// The kit is loaded by every hook of a charm that imports it, so its modules import no heavy
// builtin at the top: node:child_process, node:http and the like are taken when first used, through
// process.getBuiltinModule (docs/performance.md, "The machine kit": a top-level import of three of
// them made every such hook 13 ms slower).

import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

const MACHINE = resolve(import.meta.dirname, "..", "..", "machine");
const HEAVY = ["child_process", "http", "https", "http2", "net", "tls", "crypto", "stream", "zlib", "dns", "worker_threads"];

test("no module of machine/ imports a heavy builtin at its top", () => {
  const found: string[] = [];
  for (const name of readdirSync(MACHINE).filter((file) => file.endsWith(".ts"))) {
    const text = readFileSync(join(MACHINE, name), "utf8");
    for (const match of text.matchAll(/^import\s+(?!type\b)[^;]*?from\s+"(?:node:)?([a-z_0-9/]+)";/gm)) {
      const builtin = (match[1] ?? "").split("/")[0] ?? "";
      if (HEAVY.includes(builtin)) found.push(`${name}: ${match[0]}`);
    }
  }
  expect(found).toEqual([]);
});
