// `tscharm pack` ships the project's src/ (the rule and dashboard directories CosAgentProvider
// reads from the charm directory), as a Python charm's .charm carries its src/.

import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect, test } from "vitest";

import { charmFiles } from "../../../cmd/pack.js";
import { loadProject } from "../../../project/project.js";

test("charmFiles: the YAML files, then every file under src/ by path (dot files left out, executables 0755)", () => {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-cos-pack-"));
  writeFileSync(
    join(dir, "charmcraft.yaml"),
    "name: principal\ntype: charm\nsummary: A charm\ndescription: Ships rules.\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n" +
      "parts:\n  charm:\n    plugin: dump\n    source: .\n",
  );
  for (const sub of ["src/prometheus_alert_rules/nested", "src/grafana_dashboards"]) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "src/prometheus_alert_rules/a.rule"), "alert: A\nexpr: up < 1\n");
  writeFileSync(join(dir, "src/prometheus_alert_rules/nested/b.rules"), "groups: []\n");
  writeFileSync(join(dir, "src/grafana_dashboards/d.json"), "{}");
  writeFileSync(join(dir, "src/.hidden"), "x");
  writeFileSync(join(dir, "src/tool"), "#!/bin/sh\n");
  chmodSync(join(dir, "src/tool"), 0o755);
  const files = charmFiles(loadProject(dir)).map((f) => [f.name, f.mode]);
  expect(files).toEqual([
    ["metadata.yaml", 0o644],
    ["src/grafana_dashboards/d.json", 0o644],
    ["src/prometheus_alert_rules/a.rule", 0o644],
    ["src/prometheus_alert_rules/nested/b.rules", 0o644],
    ["src/tool", 0o755],
  ]);
});

test("charmFiles: a project without src/ ships only its YAML files", () => {
  const dir = mkdtempSync(join(tmpdir(), "tscharm-cos-pack-"));
  writeFileSync(
    join(dir, "charmcraft.yaml"),
    "name: plain\ntype: charm\nsummary: A charm\ndescription: No src.\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n" +
      "parts:\n  charm:\n    plugin: dump\n    source: .\n",
  );
  expect(charmFiles(loadProject(dir)).map((f) => f.name)).toEqual(["metadata.yaml"]);
});
