// Builds a test fixture charm (test/fixtures/<name>) into a temporary directory, for this
// machine's architecture: the real `tscharm build`, so black-box tests run a real executable.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { build } from "../../cmd/build.js";
import { HOST_ARCH } from "../../cmd/node-binary.js";

export interface BuiltFixture {
  /** The temporary directory holding the build; remove it when done. */
  readonly work: string;
  /** The fixture's dispatch executable. */
  readonly dispatch: string;
}

export async function buildFixture(projectDir: string, prefix: string): Promise<BuiltFixture> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const { executables } = await build({ projectDir, outDir: join(work, "dist"), platforms: [HOST_ARCH], log: () => undefined });
  const dispatch = executables[HOST_ARCH];
  if (dispatch === undefined) throw new Error(`${projectDir} did not build for ${HOST_ARCH}`);
  return { work, dispatch };
}
