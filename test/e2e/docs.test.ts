// The docs stay true: every `ts` example in README.md and docs/ compiles against the real API (those
// that are tests also run, as test/.docs-snippets/*.test.ts), and every `ts excerpt=<file>` block
// appears in that file as written.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import ts from "typescript";
import { expect, test } from "vitest";

import { docBlocks, docExamples, docFiles } from "../../scripts/doc-examples.mjs";

const ROOT = resolve(import.meta.dirname, "..", "..");
const excerpts = docBlocks(ROOT).filter((block) => block.info.includes("excerpt="));
// vitest.config.ts wrote these files when the run started.
const examples = docExamples(ROOT);

test("the docs have examples to check, and some of them are tests", () => {
  expect(examples.length).toBeGreaterThanOrEqual(8);
  expect(examples.filter((example) => example.runnable).length).toBeGreaterThanOrEqual(4);
  expect(excerpts.length).toBeGreaterThanOrEqual(8);
});

test.each(excerpts.map((block) => [`${block.doc}:${String(block.line)}`, block] as const))(
  "excerpt %s is in its source file",
  (_where, block) => {
    const file = /excerpt=(\S+)/.exec(block.info)?.[1] ?? "";
    const source = readFileSync(join(ROOT, file), "utf8");
    // Compare line by line without indentation, so an excerpt may be shown dedented.
    const strip = (text: string) =>
      text
        .split("\n")
        .map((line) => line.trim())
        .join("\n");
    expect(strip(source)).toContain(strip(block.code));
  },
);

test("every ts example compiles against the tscharm API", () => {
  const files = examples.map((example) => example.file);
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file !== undefined && files.includes(resolve(diagnostic.file.fileName)))
    .map((diagnostic) => {
      const { line } = diagnostic.file?.getLineAndCharacterOfPosition(diagnostic.start ?? 0) ?? { line: 0 };
      const origin = diagnostic.file?.text.split("\n")[0] ?? "";
      return `${origin} (+${String(line - 1)}): ${ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n")}`;
    });
  expect(problems).toEqual([]);
  // One type-check of every example with the whole API: CPU-bound, and slow when the other test file
  // running beside it is busy too.
}, 120_000);

test("every relative link of the docs leads to a file that exists", () => {
  const link = /\]\((?!https?:|mailto:|#)([^)#\s]+)(?:#[^)]*)?\)/g;
  const broken: string[] = [];
  let links = 0;
  for (const doc of docFiles(ROOT)) {
    // Code (fenced blocks and inline spans) is left out: a regular expression there can look like a link.
    const prose = readFileSync(join(ROOT, doc), "utf8")
      .replace(/^```[^\n]*\n[\s\S]*?^```$/gm, "")
      .replace(/`[^`\n]*`/g, "");
    for (const match of prose.matchAll(link)) {
      links++;
      const target = match[1] ?? "";
      if (!existsSync(resolve(ROOT, dirname(doc), target))) broken.push(`${doc}: ${target}`);
    }
  }
  expect(links).toBeGreaterThan(50);
  expect(broken).toEqual([]);
});

test("every file of this repository the docs name exists (the layout they describe is the tree's)", () => {
  // (hooks/ is left out: the docs also speak of a new project's hooks/charm.ts.)
  const layers =
    "grammar|runtime|machine|interfaces|project|engine|fake-tools|testing|simulator|integration|cmd|test|docs|scripts|bench|eslint|examples";
  const path = new RegExp(`\`((?:${layers})/[\\w./-]*\\.(?:ts|mjs|cjs|js|md|json|py))\``, "g");
  const named = new Set<string>();
  for (const doc of docFiles(ROOT)) {
    for (const match of readFileSync(join(ROOT, doc), "utf8").matchAll(path)) named.add(`${doc}: ${match[1] ?? ""}`);
  }
  expect(named.size).toBeGreaterThan(40);
  const missing = [...named].filter((entry) => !existsSync(join(ROOT, entry.slice(entry.indexOf(": ") + 2))));
  expect(missing).toEqual([]);
});
