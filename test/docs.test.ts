// The docs stay true: every `ts` block in README.md and docs/ compiles against the real API, and
// every `ts excerpt=<file>` block appears in that file as written.

import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import ts from "typescript";
import { expect, test } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");
const SNIPPETS = join(ROOT, "test", ".docs-snippets");

interface Block {
  readonly doc: string;
  readonly line: number;
  readonly info: string;
  readonly code: string;
}

function blocks(): Block[] {
  const docs = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
  return docs.flatMap((doc) => {
    const found: Block[] = [];
    const lines = readFileSync(join(ROOT, doc), "utf8").split("\n");
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

function dedent(text: string): string {
  const lines = text.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim() !== "").map((l) => /^ */.exec(l)?.[0].length ?? 0));
  return lines.map((l) => l.slice(indent)).join("\n");
}

const all = blocks();
const excerpts = all.filter((b) => b.info.includes("excerpt="));
const modules = all.filter((b) => b.info === "ts");

test("the docs have examples to check", () => {
  expect(modules.length).toBeGreaterThanOrEqual(4);
  expect(excerpts.length).toBeGreaterThanOrEqual(8);
});

test.each(excerpts.map((b) => [`${b.doc}:${b.line}`, b] as const))("excerpt %s is in its source file", (_where, block) => {
  const file = /excerpt=(\S+)/.exec(block.info)?.[1] ?? "";
  const source = readFileSync(join(ROOT, file), "utf8");
  // Compare line by line without indentation, so an excerpt may be shown dedented.
  const strip = (text: string) => text.split("\n").map((l) => l.trim()).join("\n");
  expect(strip(source)).toContain(strip(dedent(block.code)));
});

test("every ts example compiles against the tscharm API", () => {
  rmSync(SNIPPETS, { recursive: true, force: true });
  mkdirSync(SNIPPETS, { recursive: true });
  const files = modules.map((block, n) => {
    const file = join(SNIPPETS, `${block.doc.replace(/[/.]/g, "_")}_${n}.ts`);
    writeFileSync(file, `// ${block.doc}:${block.line}\n${block.code}\n`);
    return file;
  });
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true });
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.includes(resolve(d.file.fileName)))
    .map((d) => {
      const { line } = d.file?.getLineAndCharacterOfPosition(d.start ?? 0) ?? { line: 0 };
      const origin = d.file?.text.split("\n")[0] ?? "";
      return `${origin} (+${line - 1}): ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
  expect(problems).toEqual([]);
  rmSync(SNIPPETS, { recursive: true, force: true });
});
