// @ts-check
// The TypeScript examples in README.md and docs/**/*.md, written out as files so that the test suite
// can compile every one of them and run the ones that are tests (those that import "vitest").
//
// vitest.config.ts calls writeDocExamples() when vitest starts, so the runnable examples are
// collected like any test file; test/docs.test.ts type-checks them all against the real API.
// A block fenced as "ts excerpt=<file>" is not written: the docs test checks that it appears in
// <file> instead.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, sep } from "node:path";

/** Where the examples are written (ignored by git, tsc and eslint). */
export const EXAMPLES_DIR = join("test", ".docs-snippets");

/**
 * @typedef {{ doc: string, line: number, info: string, code: string }} DocBlock
 * @typedef {DocBlock & { file: string, runnable: boolean }} DocExample
 */

/** README.md and every page under docs/ (docs/interfaces/*.md too), as paths from `root`. @param {string} root @returns {string[]} */
export function docFiles(root) {
  const pages = readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f.split(sep).join("/")}`)
    .sort();
  return ["README.md", ...pages];
}

/** Every ```ts block of the docs, with the line it starts on. @param {string} root @returns {DocBlock[]} */
export function docBlocks(root) {
  return docFiles(root).flatMap((doc) => {
    /** @type {DocBlock[]} */
    const found = [];
    const lines = readFileSync(join(root, doc), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = /^```(ts\b.*)$/.exec(lines[i] ?? "");
      if (!open) continue;
      const start = i + 1;
      while (i + 1 < lines.length && lines[i + 1] !== "```") i++;
      found.push({ doc, line: start, info: open[1] ?? "", code: lines.slice(start, i + 1).join("\n") });
      i++;
    }
    return found;
  });
}

/** The blocks that are whole modules, and the file each is written to. @param {string} root @returns {DocExample[]} */
export function docExamples(root) {
  return docBlocks(root)
    .filter((block) => block.info === "ts")
    .map((block, n) => {
      const runnable = /from "vitest"/.test(block.code);
      const name = `${block.doc.replace(/[/.]/g, "_")}_${String(n)}${runnable ? ".test.ts" : ".ts"}`;
      return { ...block, file: join(root, EXAMPLES_DIR, name), runnable };
    });
}

/** Writes every example module, replacing what an earlier run wrote. @param {string} root @returns {DocExample[]} */
export function writeDocExamples(root) {
  rmSync(join(root, EXAMPLES_DIR), { recursive: true, force: true });
  mkdirSync(join(root, EXAMPLES_DIR), { recursive: true });
  const examples = docExamples(root);
  for (const example of examples) writeFileSync(example.file, `// ${example.doc}:${String(example.line)}\n${example.code}\n`);
  return examples;
}
