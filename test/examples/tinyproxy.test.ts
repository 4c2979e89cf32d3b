// examples/tinyproxy, ops' machine-tinyproxy ported, as its own project (about 3 minutes, most of it the
// integration test's apt installs and the build of one dispatch executable): it installs with `npm ci`
// from its lock (tscharm linked from this checkout, built into lib/ by `npm test` first), passes
// its type-check, lint and unit tests, and its integration test runs the packed charm on two
// machines of their own with tinyproxy installed from Debian's archive (root only; otherwise its
// tests are reported skipped, with the reason). The counts are asserted, so a test that silently
// stops running shows here.

import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

const REPO = resolve(import.meta.dirname, "..", "..");
const EXAMPLE = join(REPO, "examples", "tinyproxy");

/** ops' 11 charm cases and 1 workload test, and the 8 the port adds. */
const UNIT_TESTS = 20;
/** ops' 3 integration tests and the 3 the port adds (HTTP through each unit, reload, removal). */
const INTEGRATION_TESTS = 6;

function run(command: string, args: readonly string[], cwd = EXAMPLE): string {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false" };
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

test("examples/tinyproxy installs, type-checks, lints, passes its unit tests and its integration test", () => {
  run("npm", ["ci"]);
  expect(run("npm", ["test"])).toMatch(new RegExp(`Tests\\s+${String(UNIT_TESTS)} passed \\(${String(UNIT_TESTS)}\\)`));
  // The root's lint rules over the example's own tsconfig and install (`eslint .` leaves examples/ out: it cannot type them
  // before this install). Run from the root, where examples/ is no layer of tscharm's: the example is a project of its own.
  const eslint = join(REPO, "node_modules", "eslint", "bin", "eslint.js");
  run(
    process.execPath,
    [eslint, "--no-ignore", ...["hooks", "tests", "dispatch.ts", "vitest.config.ts"].map((path) => join("examples", "tinyproxy", path))],
    REPO,
  );

  // `npm run integration` is `tscharm pack && vitest run tests/integration.test.ts`; packing for this machine's platform only
  // saves building the other executable, which the test does not deploy.
  run(process.execPath, [join(REPO, "cmd", "tscharm.mjs"), "pack", "--platform", process.arch === "arm64" ? "arm64" : "amd64"]);
  const integration = run("npx", ["vitest", "run", "tests/integration.test.ts"]);
  const skipped = /tests\/integration\.test\.ts skipped: (.*)/.exec(integration);
  if (skipped === null) {
    expect(integration).toMatch(new RegExp(`Tests\\s+${String(INTEGRATION_TESTS)} passed \\(${String(INTEGRATION_TESTS)}\\)`));
  } else {
    process.stderr.write(`examples/tinyproxy's integration test skipped: ${skipped[1] ?? ""}\n`);
    expect(integration).toMatch(new RegExp(`Tests\\s+${String(INTEGRATION_TESTS)} skipped \\(${String(INTEGRATION_TESTS)}\\)`));
  }
}, 900_000);
