// Test runner configuration: TypeScript sources resolved through the "tscharm-source" condition,
// and the docs' examples written out first so that the ones that are tests run with the rest.
import { defineConfig } from "vitest/config";

import { writeDocExamples } from "./scripts/doc-examples.mjs";

writeDocExamples(import.meta.dirname);

export default defineConfig({
  resolve: { conditions: ["tscharm-source"] },
  ssr: { resolve: { conditions: ["tscharm-source"], externalConditions: ["tscharm-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
