// The provider (principal charm) side of cos_agent, as charms.grafana_agent.v0.cos_agent's
// COSAgentProvider (LIBAPI 0, LIBPATCH 26): one unit-bag key, `config`, holding the scrape jobs,
// the alert rules read from the charm's files, the dashboards (xz + base64), the log slots and
// the tracing protocols; refreshed on relation-joined, relation-changed and the refresh events
// (config-changed unless told otherwise). It also reads what the agent publishes back: the
// tracing `receivers`.

import { type BoundEvent, type CharmBase, type JsonObject, type JsonValue, type Relation, type Unit, log } from "../../runtime/index.js";
import { RemoteBag } from "../common/data.js";
import { RelationProblems } from "../common/problems.js";
import { blake2bHex } from "./blake2b.js";
import { compare, pythonStr, sortedPythonJson } from "./python.js";
import { charmFiles, dashboards } from "./files.js";
import { Rules, type Topology, applicationRules, topologyIdentifier } from "./rules.js";
import {
  AmbiguousRelationUsageError,
  ProtocolNotFoundError,
  ProtocolNotRequestedError,
  type ReceiverProtocol,
  type RequirerUnitData,
  receiversDecoder,
} from "./tracing.js";

/** A metrics endpoint on this machine: scraped as `localhost:<port><path>`. */
export interface MetricsEndpoint {
  readonly path: string;
  readonly port: number;
}

/** A Prometheus `scrape_config` (https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config). */
export type ScrapeConfig = JsonObject;

export interface CosAgentProviderOptions {
  /** The endpoint (default `cos-agent`); declare it with `limit: 1`, as the library asks. */
  readonly relationName?: string;
  /** Merged with `scrapeConfigs`, each as a job scraping `localhost:<port>` at `path`. */
  readonly metricsEndpoints?: readonly MetricsEndpoint[];
  /** Prometheus rule files, relative to the charm directory (default `./src/prometheus_alert_rules`). */
  readonly metricsRulesDir?: string;
  /** Loki rule files (default `./src/loki_alert_rules`). */
  readonly logsRulesDir?: string;
  /** Read the rule directories' sub-directories too (default false). */
  readonly recurseRulesDirs?: boolean;
  /** Snap slots the agent connects to for logs: `["snap-name:slot", …]`. */
  readonly logSlots?: readonly string[];
  /** Directories of Grafana dashboard JSON files (default `["./src/grafana_dashboards"]`). */
  readonly dashboardDirs?: readonly string[];
  /** Events on which to rewrite the bag (default: config-changed). */
  readonly refreshEvents?: readonly BoundEvent[];
  /** The tracing protocols the charm sends traces with; the agent answers with a receiver for each. */
  readonly tracingProtocols?: readonly ReceiverProtocol[];
  /** Scrape configs, or a function giving them (called at each refresh). */
  readonly scrapeConfigs?: readonly ScrapeConfig[] | (() => readonly ScrapeConfig[]);
  /** Alert rule groups made at run time, merged with the generic and the charm's rules: `{groups: [...]}`. */
  readonly extraAlertGroups?: () => JsonObject;
}

/** The provider side of `cos_agent` (a subordinate interface: unit bags only). */
export class CosAgentProvider {
  readonly relationName: string;
  private readonly problems: RelationProblems;

  constructor(
    private readonly charm: CharmBase,
    private readonly options: CosAgentProviderOptions = {},
  ) {
    this.relationName = options.relationName ?? "cos-agent";
    const { framework } = charm;
    this.problems = new RelationProblems(charm, this.relationName);
    framework.observe(charm.on.relationJoined(this.relationName), this.onRefresh);
    framework.observe(charm.on.relationChanged(this.relationName), this.onRefresh);
    for (const event of options.refreshEvents ?? [charm.on.configChanged]) framework.observe(event, this.onRefresh);
  }

  /** The endpoint's relations. */
  get relations(): Relation[] {
    return this.charm.model.relations(this.relationName);
  }

  /** Writes `config` into this unit's bag of every relation (and reads the agent's receivers, so a bad bag shows). */
  readonly onRefresh = async (): Promise<void> => {
    const relations = this.relations;
    if (relations.length === 0) return;
    const config = this.config();
    for (const relation of relations) {
      relation.data.get(this.charm.unit).update({ config });
      await this.problems.guard(relation, () => this.readReceivers(relation));
    }
  };

  /** The bag's `config`, as the library writes it (pydantic's compact JSON of its model, field order kept). */
  config(): string {
    const value = {
      metrics_alert_rules: this.metricsAlertRules(),
      log_alert_rules: this.logAlertRules(),
      dashboards: this.dashboards(),
      subordinate: null,
      metrics_scrape_jobs: this.scrapeJobs(),
      log_slots: [...(this.options.logSlots ?? [])],
      tracing_protocols: this.options.tracingProtocols === undefined ? null : [...this.options.tracingProtocols],
    };
    return JSON.stringify(value);
  }

  private get topology(): Topology {
    const { model, unit, app, meta } = this.charm;
    return { model: model.name, modelUuid: model.uuid, application: app.name, unit: unit.name, charmName: meta.name };
  }

  /** Scrape jobs named `<app>_<job_name or default>_<blake2b-4 of the job without its name>`, sorted by name. */
  scrapeJobs(): JsonObject[] {
    const given = this.options.scrapeConfigs;
    const configs = structuredClone<JsonObject[]>([...(typeof given === "function" ? given() : (given ?? []))]);
    for (const endpoint of this.options.metricsEndpoints ?? [])
      configs.push({ metrics_path: endpoint.path, static_configs: [{ targets: [`localhost:${endpoint.port}`] }] });
    for (const config of configs) {
      // Python's `config.get("job_name", "default")`: an explicit null is "None".
      const name = "job_name" in config ? config["job_name"] : "default";
      const rest = Object.fromEntries(Object.entries(config).filter(([key]) => key !== "job_name"));
      const id = blake2bHex(new TextEncoder().encode(sortedPythonJson(rest)), 4);
      config["job_name"] = `${this.charm.app.name}_${pythonStr(name)}_${id}`;
    }
    return configs.sort((a, b) => compare(a["job_name"] as string, b["job_name"] as string));
  }

  metricsAlertRules(): JsonObject {
    const extra = this.options.extraAlertGroups?.() ?? { groups: [] };
    const rules = new Rules("promql", this.topology, charmFiles(this.charm.charmDir));
    rules.addPath(this.options.metricsRulesDir ?? "./src/prometheus_alert_rules", this.options.recurseRulesDirs ?? false);
    rules.add(applicationRules(), topologyIdentifier(this.topology));
    const all = [...((extra["groups"] as JsonValue[] | undefined) ?? []), ...rules.groups];
    // The charm's own groups may repeat the ones added here: each group once.
    const seen = new Set<string>();
    extra["groups"] = all.filter((group) => {
      const key = JSON.stringify(canonical(group));
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return extra;
  }

  logAlertRules(): JsonObject {
    const rules = new Rules("logql", this.topology, charmFiles(this.charm.charmDir));
    rules.addPath(this.options.logsRulesDir ?? "./src/loki_alert_rules", this.options.recurseRulesDirs ?? false);
    return rules.asDict();
  }

  /** The dashboards of the dashboard directories, each with its path-based uid and charm tag, as xz + base64. */
  dashboards(): string[] {
    return dashboards(this.charm.charmDir, this.charm.meta.name, this.options.dashboardDirs ?? ["./src/grafana_dashboards"]);
  }

  /** What the agent published: its receivers; undefined if it has not (yet). Throws `InterfaceDataError` on a bad bag. */
  getAllEndpoints(relation?: Relation): RequirerUnitData | undefined {
    const target = relation ?? this.relation;
    return target === undefined ? undefined : this.readReceivers(target);
  }

  /** True when the agent published its receivers in a form this side reads. */
  isReady(relation?: Relation): boolean {
    try {
      return this.getAllEndpoints(relation) !== undefined;
    } catch (error) {
      log.info(`failed validating relation data for ${this.relationName}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  }

  /**
   * The agent's receiver URL for `protocol`. Throws `ProtocolNotRequestedError` when the charm did
   * not ask for that protocol, `ProtocolNotFoundError` (its base class) when the agent gave none
   * (yet) or no URL (its tracing backend is not ready). A bad bag is a blocked status, and not found.
   */
  async getTracingEndpoint(protocol: ReceiverProtocol, relation?: Relation): Promise<string> {
    const target = relation ?? this.relation;
    const data = target === undefined ? undefined : await this.problems.guard(target, () => this.readReceivers(target));
    const receivers = (data?.receivers ?? []).filter((r) => r.protocol.name === protocol);
    if (receivers.length > 1) log.warning(`too many receivers with protocol=${JSON.stringify(protocol)}; using first one`);
    const url = receivers[0]?.url;
    if (url !== undefined && url !== null && url !== "") return url;
    if (!(this.options.tracingProtocols ?? []).includes(protocol)) throw new ProtocolNotRequestedError(protocol);
    throw new ProtocolNotFoundError(protocol);
  }

  /** The relation of a `limit: 1` endpoint; other endpoints need the relation named. */
  private get relation(): Relation | undefined {
    const meta = this.charm.meta.relations[this.relationName];
    if (meta?.limit !== 1)
      throw new AmbiguousRelationUsageError(
        `CosAgentProvider wraps a ${this.relationName} endpoint that has limit != 1: pass the relation, or set limit: 1 in the metadata`,
      );
    return this.relations[0];
  }

  private readReceivers(relation: Relation): RequirerUnitData | undefined {
    const unit: Unit | undefined = relation.units.values().next().value;
    if (unit === undefined) return undefined;
    const bag = new RemoteBag(relation.data.get(unit), { endpoint: this.relationName, relationId: relation.id, from: unit.name });
    const receivers = bag.json("receivers", receiversDecoder);
    return receivers === undefined ? undefined : { receivers };
  }
}

/** A value with its objects' keys sorted, so equal dicts compare equal as Python's `==` does. */
function canonical(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k] as JsonValue)]),
    );
  return value;
}
