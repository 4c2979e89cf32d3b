// Test runner configuration: TypeScript sources resolved through the "tscharm-source" condition,
// and the docs' examples written out first so that the ones that are tests run with the rest.
import { availableParallelism } from "node:os";

import { defineConfig } from "vitest/config";

import { writeDocExamples } from "./scripts/doc-examples.mjs";

writeDocExamples(import.meta.dirname);

export default defineConfig({
  resolve: { conditions: ["tscharm-source"] },
  ssr: { resolve: { conditions: ["tscharm-source"], externalConditions: ["tscharm-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    // At least two files at once, even on 2 cores (vitest's default there is one): most files wait
    // on the processes they start (builds, npm ci, simulated machines, apt), so one worker leaves
    // the CPU idle. On 2 vCPU the suite took 11m06s with one worker and 6m38s with two, all green.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
