// eslint/layers.js: an import against the layering fails lint, with a message naming the layers.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

import { LAYERS, layersPlugin } from "../../eslint/layers.js";

const ROOT = resolve(import.meta.dirname, "..", "..");

/** Lints one import as if it were written in `file`, with the layering rule alone. */
async function lintImport(file: string, specifier: string): Promise<string[]> {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ["**/*.ts"],
        languageOptions: { parser: tseslint.parser },
        plugins: { tscharm: layersPlugin },
        rules: { "tscharm/layers": "error" },
      },
    ],
  });
  const [result] = await eslint.lintText(`import { x } from "${specifier}";\nexport { x };\n`, { filePath: resolve(ROOT, file) });
  return (result?.messages ?? []).map((message) => message.message);
}

const layers = Object.keys(LAYERS).filter((layer) => layer !== "hooks") as (keyof typeof LAYERS)[];

describe("the layering rule", () => {
  it("the repository's lint configuration turns it on for every source file", () => {
    const config = readFileSync(resolve(ROOT, "eslint.config.js"), "utf8");
    expect(config).toMatch(/plugins: \{ tscharm: layersPlugin \}/);
    expect(config).toMatch(/"tscharm\/layers": "error"/);
  });

  it("a planted upward import fails, naming both layers", async () => {
    const messages = await lintImport("runtime/planted.ts", "../engine/model.js");
    expect(messages).toEqual([
      'runtime/ may not import engine/ ("../engine/model.js"): runtime/ may import only grammar, node. See docs/architecture.md.',
    ]);
  });

  it("every pair of layers is allowed or refused as LAYERS says", async () => {
    for (const from of layers) {
      for (const to of layers) {
        const allowed = to === from || (LAYERS[from] as readonly string[]).includes(to);
        const messages = await lintImport(`${from}/planted.ts`, `../${to}/module.js`);
        expect({ from, to, refused: messages.length > 0 }).toEqual({ from, to, refused: !allowed });
      }
    }
  });

  it("grammar imports nothing; the runtime, the machine kit and the interfaces no npm package; the demo charm only tscharm's runtime", async () => {
    expect(await lintImport("grammar/planted.ts", "node:fs")).toHaveLength(1);
    expect(await lintImport("runtime/planted.ts", "node:fs")).toEqual([]);
    expect(await lintImport("runtime/planted.ts", "yaml")).toHaveLength(1);
    // The machine kit runs in dispatch too: no npm; and the runtime does not depend on it.
    expect(await lintImport("machine/planted.ts", "yaml")).toHaveLength(1);
    expect(await lintImport("machine/planted.ts", "tscharm")).toEqual([]);
    expect(await lintImport("runtime/planted.ts", "tscharm/machine")).toHaveLength(1);
    expect(await lintImport("testing/planted.ts", "tscharm/machine")).toEqual([]);
    // So do the relation interfaces: on the runtime, no npm, not on the machine kit or the test kit.
    expect(await lintImport("interfaces/database/planted.ts", "../../runtime/index.js")).toEqual([]);
    expect(await lintImport("interfaces/database/planted.ts", "yaml")).toHaveLength(1);
    expect(await lintImport("interfaces/database/planted.ts", "tscharm/machine")).toHaveLength(1);
    expect(await lintImport("interfaces/database/planted.ts", "tscharm/testing")).toHaveLength(1);
    expect(await lintImport("runtime/planted.ts", "tscharm/interfaces/database")).toHaveLength(1);
    expect(await lintImport("machine/planted.ts", "tscharm/interfaces/tls-certificates")).toHaveLength(1);
    expect(await lintImport("hooks/planted.ts", "tscharm")).toEqual([]);
    expect(await lintImport("hooks/planted.ts", "tscharm/testing")).toHaveLength(1);
    expect(await lintImport("dispatch.ts", "./hooks/demo-charm.js")).toEqual([]);
  });

  it("the compiled tree counts as its layer, and tests may import anything", async () => {
    expect(await lintImport("cmd/planted.ts", "../lib/simulator/simulator.js")).toEqual([]);
    expect(await lintImport("engine/planted.ts", "../lib/simulator/simulator.js")).toHaveLength(1);
    expect(await lintImport("test/engine/planted.test.ts", "../../simulator/simulator.js")).toEqual([]);
  });
});
