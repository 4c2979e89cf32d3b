// Lint rules for the whole repository: typescript-eslint's strict, type-aware set.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

import { layersPlugin } from "./eslint/layers.js";

export default defineConfig(
  {
    // examples/* are projects of their own, typed against their own install of tscharm (node_modules/tscharm): they are
    // linted with this config by test/examples/*.test.ts once that install exists, not by `eslint .` before it.
    ignores: ["node_modules/", "dist/", "lib/", "coverage/", "test/.docs-snippets/", "test/.scratch/", "examples/"],
  },
  js.configs.recommended,
  tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // TypeScript (with checkJs for the .mjs files) already reports undefined names.
      "no-undef": "off",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-confusing-void-expression": ["error", { ignoreArrowShorthand: true }],
    },
  },
  {
    // The import direction between layers (eslint/layers.js).
    files: ["**/*.ts", "**/*.mjs", "**/*.js"],
    plugins: { tscharm: layersPlugin },
    rules: { "tscharm/layers": "error" },
  },
  {
    // CommonJS files (a SEA's main script, and what it loads) can only require.
    files: ["**/*.cjs"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    // The design's seed examples (test/fixtures/seed-charm) call harness.setLeader() before begin() without awaiting it (nothing
    // runs then); the file keeps them as written.
    files: ["test/fixtures/seed-charm/seed.test.ts"],
    rules: { "@typescript-eslint/no-floating-promises": "off" },
  },
);
