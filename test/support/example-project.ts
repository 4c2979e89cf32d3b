// The check every example under examples/ gets from `npm test` (test/examples/<name>.test.ts): the
// example is a project of its own, as `tscharm init` makes one, with tscharm linked from this
// checkout (built into lib/ by `npm test` first). It installs with `npm ci` from its lock, passes
// its own `npm test` (type-check and unit tests), the root's lint rules, packs, and runs its
// integration test on the packed charm (root only; otherwise its tests report skipped, with the
// reason, and are counted as such). The counts are asserted, so a test that silently stops running
// shows here.

import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";

import { expect } from "vitest";

const REPO = resolve(import.meta.dirname, "..", "..");

export interface ExampleCheck {
  /** The folder under examples/. */
  readonly name: string;
  /** How many unit tests its `npm test` runs. */
  readonly unitTests: number;
  /** How many tests its tests/integration.test.ts has. */
  readonly integrationTests: number;
  /** The files and folders to lint, inside the example (its built output is not linted). */
  readonly lint: readonly string[];
}

function run(command: string, args: readonly string[], cwd: string): string {
  const env = { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0", npm_config_fund: "false", npm_config_audit: "false" };
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return `${result.stdout}${result.stderr}`;
}

const counted = (count: number, outcome: "passed" | "skipped"): RegExp =>
  new RegExp(`Tests\\s+${String(count)} ${outcome} \\(${String(count)}\\)`);

/** Installs, tests, lints, packs and integration-tests one example, asserting the test counts. */
export function checkExample({ name, unitTests, integrationTests, lint }: ExampleCheck): void {
  const dir = join(REPO, "examples", name);
  run("npm", ["ci"], dir);
  expect(run("npm", ["test"], dir)).toMatch(counted(unitTests, "passed"));
  // The root's lint rules over the example's own tsconfig and install (`eslint .` leaves examples/ out: it cannot type
  // them before this install). Run from the root, where examples/ is no layer of tscharm's: the example is a project of
  // its own.
  const eslint = join(REPO, "node_modules", "eslint", "bin", "eslint.js");
  run(process.execPath, [eslint, "--no-ignore", ...lint.map((path) => join("examples", name, path))], REPO);
  // `npm run integration` is `tscharm pack && vitest run tests/integration.test.ts`; packing for this machine's platform
  // only saves building the other executable, which the test does not deploy.
  const packed = run(
    process.execPath,
    [join(REPO, "cmd", "tscharm.mjs"), "pack", "--platform", process.arch === "arm64" ? "arm64" : "amd64"],
    dir,
  );
  expect(packed).toMatch(new RegExp(`packing ${name}_(amd64|arm64)\\.charm`));
  const integration = run("npx", ["vitest", "run", "tests/integration.test.ts"], dir);
  const skipped = /tests\/integration\.test\.ts skipped: (.*)/.exec(integration);
  if (skipped === null) {
    expect(integration).toMatch(counted(integrationTests, "passed"));
  } else {
    process.stderr.write(`examples/${name}'s integration test skipped: ${skipped[1] ?? ""}\n`);
    expect(integration).toMatch(counted(integrationTests, "skipped"));
  }
}
