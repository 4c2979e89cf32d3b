// examples/notes, the example charm of the relation interfaces, as its own project: installed,
// tested, linted, packed and integration-tested as test/support/example-project.ts says. Its
// integration test runs the packed charm next to the three stand-ins built from the recorded bags.

import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { test } from "vitest";

import { checkExample } from "../support/example-project.js";

const EXAMPLE = resolve(import.meta.dirname, "..", "..", "examples", "notes");
const STAND_INS = join("tests", "stand-ins");

test("examples/notes installs, type-checks, lints, passes its unit tests, packs and passes its integration test", () => {
  checkExample({
    name: "notes",
    // tests/notes.test.ts 15, tests/status.test.ts 7, tests/charm.test.ts 14.
    unitTests: 36,
    // Deploy and active, the rendered config, the certificate, the cos_agent stand-in, the database removed.
    integrationTests: 5,
    // The stand-ins' sources, not their builds (dist/).
    lint: [
      "hooks",
      "dispatch.ts",
      "vitest.config.ts",
      ...readdirSync(join(EXAMPLE, "tests"))
        .filter((name) => name.endsWith(".ts"))
        .map((name) => join("tests", name)),
      join(STAND_INS, "recording.ts"),
      ...readdirSync(join(EXAMPLE, STAND_INS), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => join(STAND_INS, entry.name, "dispatch.ts")),
    ],
  });
}, 1_200_000);
