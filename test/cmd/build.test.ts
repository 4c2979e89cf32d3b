// build.mjs: the metadata compiled into the bundle, and the errors a broken project gets.

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

import { BuildError, bundleDispatch, sourceName } from "../../cmd/build.js";
import { MetadataError, loadCharmMeta } from "../../project/charm-meta.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-build-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

test("the demo charm's metadata, config and actions compile to the runtime's JSON", () => {
  expect(loadCharmMeta(ROOT)).toEqual({
    name: "demo",
    summary: "A clustered demo service written with tscharm",
    relations: { cluster: { role: "peers", interface: "demo-cluster" } },
    storage: {},
    config: {
      greeting: {
        type: "string",
        default: "hello",
        description: "The greeting every unit of the cluster serves. The leader publishes it to the others.",
      },
    },
    actions: {
      "rotate-password": { description: "Replace the admin password with a new random one. Run it on the leader (demo/leader)." },
    },
  });
});

test("a unified charmcraft.yaml works alone, and separate config.yaml/actions.yaml are read", () => {
  const unified = project({
    "charmcraft.yaml": `
name: web
type: charm
requires: { db: { interface: postgresql, limit: 1 } }
provides: { site: { interface: http, scope: global } }
storage: { data: { type: filesystem, location: /srv } }
config: { options: { port: { type: int, default: 80 }, debug: { type: boolean } } }
actions: { backup: { params: { to: { type: string } }, required: [to] } }
`,
  });
  expect(loadCharmMeta(unified)).toEqual({
    name: "web",
    relations: {
      db: { role: "requires", interface: "postgresql", limit: 1 },
      site: { role: "provides", interface: "http", scope: "global" },
    },
    storage: { data: { type: "filesystem", location: "/srv" } },
    config: { port: { type: "int", default: 80 }, debug: { type: "boolean" } },
    actions: { backup: { params: { to: { type: "string" } }, required: ["to"] } },
  });
  const split = project({
    "metadata.yaml": "name: web\n",
    "config.yaml": "options:\n  ratio: { type: float, default: 0.5 }\n",
    "actions.yaml": "ping: {}\n",
  });
  expect(loadCharmMeta(split)).toMatchObject({ config: { ratio: { type: "float", default: 0.5 } }, actions: { ping: {} } });
  // An option without a type is a string to Juju ("Missing type is valid in python").
  const untyped = project({ "metadata.yaml": "name: web\n", "config.yaml": "options:\n  motd: { default: hi }\n  nick: {}\n" });
  expect(loadCharmMeta(untyped).config).toEqual({ motd: { type: "string", default: "hi" }, nick: { type: "string" } });
});

test.each([
  [{}, "has no charmcraft.yaml or metadata.yaml: is it a charm project?"],
  [{ "metadata.yaml": "summary: x\n" }, 'metadata.yaml: "name" must be a charm name'],
  [{ "metadata.yaml": "name: Web\n" }, 'metadata.yaml: "name" must be a charm name (lowercase letters, digits and hyphens), got "Web"'],
  [{ "metadata.yaml": "name: [\n" }, "metadata.yaml: "],
  [{ "metadata.yaml": "name: w\nrequires: { db: {} }\n" }, 'metadata.yaml: requires.db: needs an "interface"'],
  [{ "metadata.yaml": "name: w\nrequires: { db: { interface: pg, scope: local } }\n" }, "metadata.yaml: requires.db.scope: must be"],
  [
    { "metadata.yaml": "name: w\nrequires: { db: { interface: a } }\npeers: { db: { interface: b } }\n" },
    'endpoint "db" is declared twice',
  ],
  [{ "metadata.yaml": "name: w\nstorage: { data: { type: tape } }\n" }, 'storage.data.type must be "filesystem" or "block"'],
  [
    { "metadata.yaml": "name: w\n", "config.yaml": "options: { port: { type: integer } }\n" },
    "config.yaml.options.port.type: must be string, int, float, boolean or secret",
  ],
  [
    { "metadata.yaml": "name: w\n", "config.yaml": "options: { port: { type: int, default: '80' } }\n" },
    'config.yaml.options.port.default: "80" is not a int',
  ],
  [
    { "metadata.yaml": "name: w\n", "config.yaml": "options: { port: { default: 80 } }\n" },
    "config.yaml.options.port.default: 80 is not a string",
  ],
  [
    {
      "metadata.yaml":
        "name: w\nrequires: { db: { interface: pg }, cache: { interface: redis } }\nextra-bindings: { db: , cache: , admin: }\n",
    },
    'metadata.yaml: extra-bindings: charm "w" has invalid extra bindings: relation names (cache, db) cannot be used in extra bindings',
  ],
  [{ "metadata.yaml": "name: w\n", "actions.yaml": "Do_It: {}\n" }, 'actions.yaml: "Do_It" is not a valid action name'],
  [{ "metadata.yaml": "name: w\n", "actions.yaml": "juju-run: {}\n" }, '"juju-run" is not a valid action name'],
])("bad project %# is refused with a pointer to the key", (files, message) => {
  const dir = project(files);
  expect(() => loadCharmMeta(dir)).toThrow(MetadataError);
  expect(() => loadCharmMeta(dir)).toThrow(message);
});

test("a syntax error in the charm is reported as file:line:column", async () => {
  const dir = project({ "dispatch.ts": 'import { main } from "tscharm";\nconst x = ;\n' });
  const failure = bundleDispatch(join(dir, "dispatch.ts"), join(dir, "out.cjs"), {
    name: "w",
    relations: {},
    storage: {},
    config: {},
    actions: {},
  });
  await expect(failure).rejects.toThrow(BuildError);
  await expect(failure).rejects.toThrow(/dispatch\.ts:2:11: error: Unexpected ";"/);
});

test("stack traces name every layer a bundle can hold by its path in tscharm, the machine kit's included", () => {
  for (const file of ["runtime/framework.ts", "machine/apt.ts", "lib/machine/commands.js"])
    expect(sourceName(join(ROOT, file), "/srv/my-charm")).toBe(`tscharm/${file}`);
  expect(sourceName("/srv/my-charm/hooks/charm.ts", "/srv/my-charm")).toBe("hooks/charm.ts");
});
