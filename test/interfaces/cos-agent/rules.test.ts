// The rule reader (interfaces/cos-agent/rules.ts, yaml.ts) against the Python library on odd
// files (rules.json, recorded by record.py from test/fixtures/interfaces/cos-agent/odd-charm):
// bad, empty and unknown files skipped, prefixed names kept, names sanitised, a sub-directory
// with and without recursion, a single file as the rules path, and a stand-in cos-tool that
// prints what it was asked to inject. Also the YAML reader against PyYAML and the hashes against
// Python's hashlib, both run here (python3 with PyYAML is on every machine .ci/run runs on).

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

import { describe, expect, test } from "vitest";

import { CharmBase, type Framework } from "../../../runtime/index.js";
import { CosAgentProvider, type CosAgentProviderOptions } from "../../../interfaces/cos-agent/index.js";
import { blake2bHex } from "../../../interfaces/cos-agent/blake2b.js";
import { dashboardUid, pythonPath } from "../../../interfaces/cos-agent/files.js";
import { sortedPythonJson } from "../../../interfaces/cos-agent/python.js";
import { parseYaml } from "../../../interfaces/cos-agent/yaml.js";
import { Context, State, SubordinateRelation } from "../../../testing/index.js";

const DIR = "test/fixtures/interfaces/cos-agent";
interface Step {
  given: { options: Record<string, unknown> };
  wrote: { localUnit: Record<string, string> };
}
const rules = JSON.parse(readFileSync(`${DIR}/rules.json`, "utf8")) as { given: { model: { name: string; uuid: string } }; steps: Step[] };

let options: CosAgentProviderOptions = {};
class OddPrincipal extends CharmBase {
  readonly cos: CosAgentProvider;
  constructor(framework: Framework) {
    super(framework);
    this.cos = new CosAgentProvider(this, options);
  }
}
const meta = { name: "principal", provides: { "cos-agent": { interface: "cos_agent", limit: 1, scope: "container" as const } } };
const ctx = new Context(OddPrincipal, { meta, appName: "principal", charmRoot: `${DIR}/odd-charm` });

describe("rules from odd files, as the library reads them", () => {
  test.each(rules.steps.map((s) => [String(s.given.options["recurse_rules_dirs"]), s] as const))(
    "recurse_rules_dirs=%s: the whole config byte for byte",
    async (_name, step) => {
      const py = step.given.options;
      options = {
        metricsRulesDir: py["metrics_rules_dir"] as string,
        logsRulesDir: py["logs_rules_dir"] as string,
        recurseRulesDirs: py["recurse_rules_dirs"] as boolean,
        dashboardDirs: py["dashboard_dirs"] as string[],
      };
      const rel = new SubordinateRelation({ endpoint: "cos-agent", interface: "cos_agent", id: 7, remoteAppName: "grafana-agent" });
      const out = await ctx.run(ctx.on.configChanged(), new State({ relations: [rel], model: rules.given.model }));
      expect((out.getRelation(7) as SubordinateRelation).localUnitData["config"]).toBe(step.wrote.localUnit["config"]);
      // The files the library skips are logged, as the library logs them.
      const errors = ctx.jujuLog.filter((l) => l.level === "ERROR").map((l) => l.message);
      expect(errors).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^Failed to read rules from b_bad\.rule: /),
          "Invalid rules file: c_empty.rule (Empty)",
        ]),
      );
      expect(errors).toContain("Invalid rules file: d_unknown.yaml (Invalid rule format)");
    },
  );
});

function python(script: string, input: string): string {
  return execFileSync("python3", ["-c", script], { input, encoding: "utf8" });
}

describe("the YAML reader reads rule files as PyYAML's safe_load", () => {
  const documents = [
    'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up{a="b"} == 0\n    for: 5m\n',
    "alert: A\nexpr: |\n  sum(x)\n\n  # kept\n  > 1\nlabels: {severity: critical, n: 1, l: [a, 'b c', \"d\"]}\n",
    "a: >\n  folded\n  text\n\n  para\n    more indented\n  back\nb: >-\n  stripped\nc: |+\n  kept\n\nd: x\n",
    "yes_: yes\nno_: off\noct: 0777\nhex: 0x1f\nf: 1.5\nexp: 1.0e+3\nn: ~\ne:\ns: 'it''s'\nq: \"tab\\tand \\u00e9\"\nt: True\nu: 1_000\n",
    "plain: this is\n  continued over\n  lines\nlist:\n  - one\n  -   two\n  - k: v\n    k2: v2\nnested:\n  - - deep\n",
    "# only a comment\n",
    "key: value # a comment\nurl: http://x:80/y#frag\ncolon: a:b\n",
  ];
  test.each(documents.map((d, i) => [i, d] as const))("document %i", (_i, document) => {
    const expected = JSON.parse(python("import json,sys,yaml; print(json.dumps(yaml.safe_load(sys.stdin.read())))", document)) as unknown;
    expect(parseYaml(document)).toEqual(expected);
  });

  test("what it does not read is a YamlError (the file is then skipped, as a file PyYAML refuses)", () => {
    expect(() => parseYaml("a: &anchor 1\nb: *anchor\n")).toThrow(/YamlError|anchors/);
    expect(() => parseYaml("a: [1, 2\n")).toThrow(/unclosed/);
    expect(() => parseYaml("a: 1\n   b: 2\n")).toThrow(/line 2/);
  });
});

describe("hashes as Python's hashlib makes them", () => {
  const inputs = [
    "",
    "x",
    "a".repeat(127),
    "b".repeat(128),
    "c".repeat(129),
    '{"metrics_path": "/metrics", "static_configs": [{"targets": ["localhost:9100"]}]}',
    "é",
  ];
  test("blake2b(digest_size=4), the scrape job suffix, and other sizes", () => {
    const expected = python(
      "import hashlib,json,sys\nfor s in json.load(sys.stdin): print(hashlib.blake2b(s.encode(), digest_size=4).hexdigest(), hashlib.blake2b(s.encode()).hexdigest())",
      JSON.stringify(inputs),
    )
      .trim()
      .split("\n");
    expect(inputs.map((s) => `${blake2bHex(new TextEncoder().encode(s), 4)} ${blake2bHex(new TextEncoder().encode(s), 64)}`)).toEqual(
      expected,
    );
  });

  test("the dashboard uid: shake_256(charm-path).hexdigest(20)", () => {
    const expected = python(
      "import hashlib,sys; print(hashlib.shake_256(sys.stdin.read().encode()).hexdigest(20))",
      "principal-src/d/é.json",
    ).trim();
    expect(dashboardUid("principal", "src/d/é.json")).toBe(expected);
  });

  test("json.dumps(sort_keys=True) and str(Path(...))", () => {
    const value = { b: [1, { z: true, a: null }], a: "é", "10": 1, "9": 2 };
    expect(sortedPythonJson(value)).toBe(
      python("import json,sys; print(json.dumps(json.loads(sys.stdin.read()), sort_keys=True))", JSON.stringify(value)).trim(),
    );
    expect(["./src/x/", "src//x", "/abs/./x", ".", "a/../b"].map(pythonPath)).toEqual(
      JSON.parse(
        python(
          "import json,sys; from pathlib import Path; print(json.dumps([str(Path(p)) for p in json.load(sys.stdin)]))",
          JSON.stringify(["./src/x/", "src//x", "/abs/./x", ".", "a/../b"]),
        ),
      ),
    );
  });
});
