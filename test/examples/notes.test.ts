// examples/notes, the example charm of the relation interfaces, as its own project: it installs
// with `npm ci` from its lock (tscharm linked from this checkout, built into lib/ by `npm test`
// first), passes its type-check, lint and unit tests, packs, and its integration test runs the
// packed charm next to the three stand-ins built from the recorded bags (root only; otherwise its
// tests are reported skipped, with the reason). The counts are asserted, so a test that silently
// stops running shows here.

import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";

import { expect, test } from "vitest";

const REPO = resolve(import.meta.dirname, "..", "..");
const EXAMPLE = join(REPO, "examples", "notes");

/** tests/notes.test.ts 15, tests/status.test.ts 7, tests/charm.test.ts 14. */
const UNIT_TESTS = 36;
/** Deploy and active, the rendered config, the certificate, the cos_agent stand-in, the database removed. */
const INTEGRATION_TESTS = 5;

function run(command: string, args: readonly string[], cwd = EXAMPLE): string {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false" };
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

test("examples/notes installs, type-checks, lints, passes its unit tests, packs and passes its integration test", () => {
  run("npm", ["ci"]);
  expect(run("npm", ["test"])).toMatch(new RegExp(`Tests\\s+${String(UNIT_TESTS)} passed \\(${String(UNIT_TESTS)}\\)`));
  // The root's lint rules over the example's own tsconfig and install; the stand-ins' sources, not their builds (dist/).
  const eslint = join(REPO, "node_modules", "eslint", "bin", "eslint.js");
  const standIns = join("examples", "notes", "tests", "stand-ins");
  const sources = [
    ...["hooks", "dispatch.ts", "vitest.config.ts"].map((path) => join("examples", "notes", path)),
    ...readdirSync(join(EXAMPLE, "tests"))
      .filter((name) => name.endsWith(".ts"))
      .map((name) => join("examples", "notes", "tests", name)),
    join(standIns, "recording.ts"),
    ...readdirSync(join(REPO, standIns), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(standIns, entry.name, "dispatch.ts")),
  ];
  run(process.execPath, [eslint, "--no-ignore", ...sources], REPO);

  // `npm run integration` is `tscharm pack && vitest run tests/integration.test.ts`; this machine's platform only.
  const packed = run(process.execPath, [
    join(REPO, "cmd", "tscharm.mjs"),
    "pack",
    "--platform",
    process.arch === "arm64" ? "arm64" : "amd64",
  ]);
  expect(packed).toMatch(/packing notes_(amd64|arm64)\.charm/);
  const integration = run("npx", ["vitest", "run", "tests/integration.test.ts"]);
  const skipped = /tests\/integration\.test\.ts skipped: (.*)/.exec(integration);
  if (skipped === null) {
    expect(integration).toMatch(new RegExp(`Tests\\s+${String(INTEGRATION_TESTS)} passed \\(${String(INTEGRATION_TESTS)}\\)`));
  } else {
    process.stderr.write(`examples/notes' integration test skipped: ${skipped[1] ?? ""}\n`);
    expect(integration).toMatch(new RegExp(`Tests\\s+${String(INTEGRATION_TESTS)} skipped \\(${String(INTEGRATION_TESTS)}\\)`));
  }
}, 1_200_000);
