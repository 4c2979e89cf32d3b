// examples/tinyproxy, ops' machine-tinyproxy ported, as its own project (about 3 minutes, most of it the
// integration test's apt installs and the build of one dispatch executable): installed, tested, linted,
// packed and integration-tested as test/support/example-project.ts says. Its integration test runs the
// packed charm on two machines of their own with tinyproxy installed from Debian's archive.

import { test } from "vitest";

import { checkExample } from "../support/example-project.js";

test("examples/tinyproxy installs, type-checks, lints, passes its unit tests and its integration test", () => {
  checkExample({
    name: "tinyproxy",
    // ops' 11 charm cases and 1 workload test, and the 8 the port adds.
    unitTests: 20,
    // ops' 3 integration tests and the 3 the port adds (HTTP through each unit, reload, removal).
    integrationTests: 6,
    lint: ["hooks", "tests", "dispatch.ts", "vitest.config.ts"],
  });
}, 900_000);
