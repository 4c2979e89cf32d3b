// Alert and recording rules as cosl.rules (`AlertRules`, cos-lib 1.9) prepares them for cos_agent:
// read from a charm's rule files (the official `groups:` format, or one rule per file), group
// names prefixed with the Juju topology and the file's sub-directory, `juju_*` topology labels
// added to every rule, `%%juju_topology%%` in an expression replaced, and the topology's label
// matchers injected into expressions by `cos-tool-<arch>` when the charm ships that tool (as cosl:
// without it an expression is left as it is).

import { type JsonObject, type JsonValue, log } from "../../runtime/index.js";
import { pythonStr } from "./python.js";
import { parseYaml } from "./yaml.js";

export type QueryType = "promql" | "logql";

/** Where a charm's telemetry comes from (cosl's JujuTopology, built from the charm). */
export interface Topology {
  readonly model: string;
  readonly modelUuid: string;
  readonly application: string;
  readonly unit: string;
  readonly charmName: string;
}

/** `<model>_<uuid[:8]>_<application>`: cosl's `JujuTopology.identifier`. */
export function topologyIdentifier(t: Topology): string {
  return `${t.model}_${t.modelUuid.slice(0, 8)}_${t.application}`.replaceAll("/", "_");
}

/** The `juju_*` labels every rule gets (no unit: rules are per application). */
function labelMatchers(t: Topology): Record<string, string> {
  const all: [string, string][] = [
    ["juju_model", t.model],
    ["juju_model_uuid", t.modelUuid],
    ["juju_application", t.application],
    ["juju_charm", t.charmName],
  ];
  return Object.fromEntries(all.filter(([, v]) => v !== ""));
}

/** cosl's generic application rules (HostDown, HostMetricsMissing) in their group, as cos_agent adds them. */
export function applicationRules(): JsonObject {
  return {
    groups: [
      {
        name: "HostHealth",
        rules: [
          {
            alert: "HostDown",
            expr: "up < 1",
            for: "5m",
            labels: { severity: "critical" },
            annotations: {
              summary: "Host '{{ $labels.instance }}' is down.",
              description:
                "Juju application '{{ $labels.juju_application }}' in model '{{ $labels.juju_model }}' is down. " +
                "Prometheus has been unable to scrape it during at least the past five minutes.",
            },
          },
          {
            alert: "HostMetricsMissing",
            expr: "absent(up)",
            for: "5m",
            labels: { severity: "warning" },
            annotations: {
              summary: "Unit '{{ $labels.juju_unit }}' of application '{{ $labels.juju_application }}' is down or failing to remote write.",
              description:
                "`Up` missing for unit '{{ $labels.juju_unit }}' of application {{ $labels.juju_application }} in model " +
                "{{ $labels.juju_model }}. Please ensure the unit or the collector scraping it is up and is able to successfully " +
                "reach the metrics backend.",
            },
          },
        ],
      },
    ],
  };
}

const SUFFIXES = [".rule", ".rules", ".yml", ".yaml"];
const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The files a charm's file system offers the rule reader (node:fs in a charm, a stand-in in tests). */
export interface RuleFiles {
  /** "dir", "file" or undefined (absent). */
  kind(path: string): "dir" | "file" | undefined;
  /** The entries of a directory, by name. */
  list(path: string): string[];
  read(path: string): string;
  /** Runs `cos-tool-<arch>` if the charm has it: its stdout, undefined without the tool, or an Error. */
  cosTool(args: string[]): string | undefined | Error;
}

/** One rules file's worth of groups, amalgamated as cosl's `Rules` does. */
export class Rules {
  readonly groups: JsonObject[] = [];

  constructor(
    private readonly queryType: QueryType,
    private readonly topology: Topology,
    private readonly files: RuleFiles,
  ) {}

  /** `add_path`: every rule file of a directory (sorted; sub-directories with `recursive`), or one file. */
  addPath(path: string, recursive: boolean): void {
    const kind = this.files.kind(path);
    if (kind === "dir") {
      for (const file of this.ruleFiles(path, "", recursive)) this.groups.push(...this.fromFile(path, file));
    } else if (kind === "file") {
      const slash = path.lastIndexOf("/");
      this.groups.push(...this.fromFile(slash < 0 ? "." : path.slice(0, slash), path.slice(slash + 1)));
    } else {
      log.debug(`Rules path does not exist: ${path}`);
    }
  }

  /** `add`: rules from a value, with a group name prefix. */
  add(rules: JsonObject, groupNamePrefix: string): void {
    this.groups.push(...this.fromValue(rules, undefined, groupNamePrefix));
  }

  /** `as_dict`: `{groups: [...]}`, or `{}` without groups. */
  asDict(): JsonObject {
    return this.groups.length > 0 ? { groups: this.groups } : {};
  }

  /** Relative paths of the rule files under `root`, sorted by path components as Python sorts Paths. */
  private ruleFiles(root: string, sub: string, recursive: boolean): string[] {
    const found: string[][] = [];
    const walk = (parts: string[]): void => {
      const dir = [root, ...parts].join("/");
      for (const name of this.files.list(dir)) {
        const kind = this.files.kind(`${dir}/${name}`);
        if (kind === "file" && SUFFIXES.some((s) => suffix(name) === s)) found.push([...parts, name]);
        else if (kind === "dir" && recursive) walk([...parts, name]);
      }
    };
    walk(sub === "" ? [] : sub.split("/"));
    found.sort(comparePaths);
    return found.map((parts) => parts.join("/"));
  }

  private fromFile(root: string, file: string): JsonObject[] {
    const name = file.slice(file.lastIndexOf("/") + 1);
    let value: unknown;
    try {
      value = parseYaml(this.files.read(`${root}/${file}`));
    } catch (error) {
      log.error(`Failed to read rules from ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return [];
    }
    const sub = file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : "";
    const prefix = [topologyIdentifier(this.topology), sub].filter((p) => p !== "").join("_");
    try {
      return this.fromValue(value, stem(name), prefix);
    } catch (error) {
      log.error(`Invalid rules file: ${name} (${error instanceof Error ? error.message : String(error)})`);
      return [];
    }
  }

  /** cosl's `_from_dict`: groups with their names prefixed, topology labels and matchers added. */
  private fromValue(value: unknown, groupName: string | undefined, prefix: string): JsonObject[] {
    if (!isObject(value) || Object.keys(value).length === 0)
      throw new Error(isObject(value) || value == null ? "Empty" : "Invalid rule format");
    const copy = structuredClone(value);
    let groups: JsonObject[];
    if ("groups" in copy) {
      const list = copy["groups"];
      if (!Array.isArray(list) || !list.every((g) => isObject(g) && typeof g["name"] === "string" && Array.isArray(g["rules"])))
        throw new Error("Invalid rule format");
      groups = list as JsonObject[];
    } else if ("expr" in copy && ("alert" in copy || "record" in copy)) {
      if (groupName === undefined) throw new Error("a single rule needs a group name");
      groups = [{ name: groupName, rules: [copy] }];
    } else {
      throw new Error("Invalid rule format");
    }
    for (const group of groups) {
      let name = group["name"] as string;
      if (!/^.*?_[\da-f]{8}_.*?rules$/.test(name)) {
        name = [prefix, name].filter((p) => p !== "").join("_");
        if (!name.endsWith("_rules")) name += "_rules";
      }
      group["name"] = Array.from(name, (c) => (/[a-zA-Z0-9_:]/.test(c) ? c : "_")).join("");
      for (const rule of group["rules"] as JsonValue[]) {
        if (!isObject(rule)) throw new Error("Invalid rule format");
        this.label(rule);
      }
    }
    return groups;
  }

  private label(rule: JsonObject): void {
    if (!("labels" in rule)) rule["labels"] = {};
    const labels = rule["labels"] as JsonObject;
    for (const [key, value] of Object.entries(labelMatchers(this.topology))) if (!(key in labels)) labels[key] = value;
    const expr = rule["expr"];
    if (typeof expr !== "string") throw new Error("Invalid rule format: a rule without an expr");
    const replaced = expr.replace(/%%juju_topology%%,?/g, this.queryType === "logql" ? 'job=~".+"' : "");
    const topology = ["juju_model", "juju_model_uuid", "juju_application"].filter((k) => labels[k] != null);
    rule["expr"] =
      topology.length === 0
        ? replaced
        : this.inject(
            replaced,
            topology.map((k) => `--label-matcher=${k}=${pythonStr(labels[k] as JsonValue)}`),
          );
  }

  private inject(expression: string, matchers: string[]): string {
    const out = this.files.cosTool(["--format", this.queryType, "transform", ...matchers, "--", expression]);
    if (out === undefined) return expression;
    if (out instanceof Error) {
      log.debug(`Applying the expression failed: "${out.message}", falling back to the original`);
      return expression;
    }
    return out.trim();
  }
}

/** Python's `PurePath.suffix` and `.stem`. */
function suffix(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot <= 0 || dot === name.length - 1 ? "" : name.slice(dot);
}

function stem(name: string): string {
  const s = suffix(name);
  return s === "" ? name : name.slice(0, -s.length);
}

function comparePaths(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}
