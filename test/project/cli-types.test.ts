// `tscharm types`: the generated types make the compiler catch typos in config keys, action names
// and params, and relation and storage names.

import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

import { compileCharmMeta } from "../../project/charm-meta.js";
import { renderCharmTypes, typesName, writeCharmTypes } from "../../project/types.js";

const ROOT = resolve(import.meta.dirname, "..", "..");
// Inside the package, so that "tscharm" resolves to this checkout (ignored by git, tsc and eslint).
const DIR = join(ROOT, "test", ".scratch", "types");

const meta = compileCharmMeta({
  metadata: {
    name: "my-web",
    requires: { db: { interface: "postgresql" } },
    peers: { cluster: { interface: "web-cluster" } },
    storage: { data: { type: "filesystem" } },
  },
  config: {
    options: {
      port: { type: "int", default: 8080, description: "Where to listen." },
      "log-level": { type: "string" },
      debug: { type: "boolean", default: false },
      ratio: { type: "float" },
      password: { type: "secret" },
      // No type: a string, as Juju reads it.
      nickname: { description: "What to call it." },
      motd: { default: "hello" },
    },
  },
  actions: {
    backup: {
      params: {
        target: { type: "string", description: "Where to." },
        compress: { type: "boolean", default: true },
        level: { type: "integer" },
        mode: { type: "string", enum: ["full", "incremental"] },
        paths: { type: "array", items: { type: "string" } },
      },
      required: ["target"],
    },
    "list-users": {},
  },
});

/** A charm using the generated types, with `body` inside a handler. */
function charm(body: string): string {
  return `import { type ActionEvent, CharmBase, type Framework } from "tscharm";
import type { MyWebTypes } from "./charm-types.js";
export class MyWeb extends CharmBase<MyWebTypes> {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.action("backup"), (event: ActionEvent<MyWebTypes["actions"]["backup"]>) => {
      ${body}
    });
  }
}
`;
}

/** TypeScript's errors for `source`, compiled next to the generated types. */
function errors(source: string): string[] {
  const file = join(DIR, `charm-${String(Math.random()).slice(2)}.ts`);
  writeFileSync(file, source);
  const config = ts.readConfigFile(join(ROOT, "tsconfig.json"), (path) => ts.sys.readFile(path));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...parsed.options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === file)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, " "));
}

beforeAll(() => {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeCharmTypes(DIR, meta);
});
afterAll(() => {
  rmSync(DIR, { recursive: true, force: true });
});

describe("the generated types", () => {
  test("name the interface after the charm and type every declared name", () => {
    expect(typesName("my-web")).toBe("MyWebTypes");
    const text = renderCharmTypes(meta);
    expect(text).toContain("readonly port: number;");
    expect(text).toContain('readonly "log-level"?: string;');
    expect(text).toContain("readonly debug: boolean;");
    expect(text).toContain("readonly ratio?: number;");
    expect(text).toContain("readonly password?: string;");
    expect(text).toContain("readonly nickname?: string;");
    expect(text).toContain("readonly motd: string;");
    expect(text).toContain('readonly relations: "db" | "cluster";');
    expect(text).toContain('readonly storages: "data";');
    expect(text).toContain("readonly target: string;");
    expect(text).toContain("readonly compress: boolean;");
    expect(text).toContain("readonly level?: number;");
    expect(text).toContain('readonly mode?: "full" | "incremental";');
    expect(text).toContain("readonly paths?: readonly string[];");
    expect(text).toContain('readonly "list-users": Record<string, never>;');
  });

  test("a charm that uses the names right compiles", () => {
    expect(
      errors(
        charm(`const port: number = this.config.port;
      const level: string | undefined = this.config["log-level"];
      const motd: string = this.config.motd;
      const target: string = event.params.target;
      const compress: boolean = event.params.compress;
      this.framework.observe(this.on.relationChanged("db"), () => undefined);
      this.framework.observe(this.on.storageAttached("data"), () => undefined);
      this.framework.observe(this.on.action("list-users"), () => undefined);
      void [port, level, motd, target, compress];`),
      ),
    ).toEqual([]);
  });

  test.each([
    ["a config key", `void this.config["prot"];`, "prot"],
    ["a config type", `const port: string = this.config.port; void port;`, "number"],
    ["an endpoint name", `this.framework.observe(this.on.relationChanged("dbb"), () => undefined);`, '"dbb"'],
    ["a storage name", `this.framework.observe(this.on.storageAttached("date"), () => undefined);`, '"date"'],
    ["an action name", `this.framework.observe(this.on.action("backpu"), () => undefined);`, '"backpu"'],
    ["an action param", `void event.params.targte;`, "targte"],
    ["an action param type", `const level: string | undefined = event.params.level; void level;`, "number"],
  ])("a typo in %s does not compile", (_what, body, mentioned) => {
    const found = errors(charm(body));
    expect(found.length).toBeGreaterThan(0);
    expect(found.join("\n")).toContain(mentioned);
  });
});

describe("the generated types of a charm that declares no config and no actions", () => {
  const bare = compileCharmMeta({ metadata: { name: "bare" } });

  test("say `{}` (no name is one), which lint takes as meant, and refuse any name", async () => {
    const text = renderCharmTypes(bare);
    expect(text).toContain("  readonly config: {};\n");
    expect(text).toContain("  readonly actions: {};\n");
    writeFileSync(join(DIR, "bare-types.ts"), text);

    const { ESLint } = await import("eslint");
    const [result] = await new ESLint({ cwd: ROOT }).lintText(text, { filePath: join(ROOT, "charm-types.ts") });
    expect(result?.messages.map((message) => message.message) ?? []).toEqual([]);

    const source = `import { CharmBase, type Framework } from "tscharm";
import type { BareTypes } from "./bare-types.js";
export class Bare extends CharmBase<BareTypes> {
  constructor(framework: Framework) {
    super(framework);
    void this.config["x"];
    this.framework.observe(this.on.action("x"), () => undefined);
  }
}
`;
    const found = errors(source);
    expect(found).toHaveLength(2);
    expect(found.join("\n")).toContain('"x"');
  }, 120_000);
});
