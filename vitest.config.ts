// Test runner configuration: TypeScript sources resolved through the "tscharm-source" condition.
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["tscharm-source"] },
  ssr: { resolve: { conditions: ["tscharm-source"], externalConditions: ["tscharm-source"] } },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
