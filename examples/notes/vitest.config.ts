// The example's own test configuration: without it, vitest would take the tscharm checkout's (two levels up).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { include: ["tests/**/*.test.ts"] },
});
