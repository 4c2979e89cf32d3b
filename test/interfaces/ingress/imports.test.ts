// A charm that imports these interfaces loads them in every hook: their modules import no node:
// builtin at the top. node:dns (the default host's FQDN) and node:url (a non-ASCII host name) are
// taken through process.getBuiltinModule when first needed.

import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..", "..", "interfaces");

test.each(["ingress", "haproxy-route", "common/net.ts", "common/dump.ts"])("interfaces/%s imports no builtin at its top", (name) => {
  const files = name.endsWith(".ts") ? [join(ROOT, name)] : readdirSync(join(ROOT, name)).map((file) => join(ROOT, name, file));
  const found = files.flatMap((file) =>
    [...readFileSync(file, "utf8").matchAll(/^import\s+(?!type\b)[^;]*?from\s+"node:[^"]+";/gm)].map((m) => m[0]),
  );
  expect(found).toEqual([]);
  const lazy = files.flatMap((file) => [...readFileSync(file, "utf8").matchAll(/getBuiltinModule\("(node:[a-z]+)"\)/g)].map((m) => m[1]));
  if (name === "common/net.ts") expect(lazy.sort()).toEqual(["node:dns", "node:os"]);
});
