// The cos_agent stand-in (the grafana-agent side, a subordinate): on relation-changed it reads the
// principal unit's `config`, decodes each dashboard as grafana-agent does (base64, then an .xz
// container: here the `xz` command of xz-utils, not tscharm's code), writes what it read to
// DECODED, and publishes in its unit bag the `receivers` the library wrote in the recording.

import { ActiveStatus, BlockedStatus, CharmBase, type Framework, type RelationChangedEvent, WaitingStatus, log, main } from "tscharm";
import { files, run } from "tscharm/machine";

import requirer from "../../../../../test/fixtures/interfaces/cos-agent/requirer.json" with { type: "json" };
import { type Recording, stepOf } from "../recording.js";

export const DECODED = "/var/lib/cos-agent-stand-in/decoded.json";
const RECORDING = requirer as unknown as Recording;
const RECEIVERS = stepOf(RECORDING, (step) => step.wrote.localUnit?.["receivers"] !== undefined, "that writes receivers").wrote.localUnit?.[
  "receivers"
];

interface CosAgentConfig {
  readonly metrics_alert_rules?: { readonly groups?: readonly { readonly name: string; readonly rules: readonly { alert?: string }[] }[] };
  readonly dashboards?: readonly string[];
  readonly metrics_scrape_jobs?: readonly Record<string, unknown>[];
}

class CosAgentStandIn extends CharmBase {
  readonly seen = this.framework.storedState("seen", { dashboards: [] as string[], problem: "" });

  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.relationChanged("cos-agent"), this.onChanged);
    framework.observe(this.on.collectUnitStatus, (event) => {
      if (this.seen.problem !== "") event.addStatus(new BlockedStatus(this.seen.problem));
      else if (this.seen.dashboards.length === 0) event.addStatus(new WaitingStatus("waiting for the principal's config"));
      else
        event.addStatus(
          new ActiveStatus(`decoded ${String(this.seen.dashboards.length)} dashboard(s): ${this.seen.dashboards.join(", ")}`),
        );
    });
  }

  onChanged = async (event: RelationChangedEvent): Promise<void> => {
    if (RECEIVERS !== undefined) event.relation.data.get(this.unit).set("receivers", RECEIVERS);
    const unit = event.unit ?? [...event.relation.units][0];
    const text = unit === undefined ? undefined : event.relation.data.get(unit).get("config");
    if (text === undefined || text === "") return;
    const config = JSON.parse(text) as CosAgentConfig;
    const dashboards: unknown[] = [];
    for (const encoded of config.dashboards ?? []) {
      // --format=xz: only the .xz container (what Python's lzma.compress writes) is accepted.
      const result = await run(["sh", "-c", "base64 -d | xz --decompress --stdout --format=xz"], { input: encoded, check: false });
      if (result.exitCode !== 0) {
        this.seen.problem = `xz refused a dashboard: ${result.stderr.trim()}`;
        return;
      }
      dashboards.push(JSON.parse(result.stdout));
    }
    const decoded = {
      scrapeJobs: config.metrics_scrape_jobs ?? [],
      alertRules: (config.metrics_alert_rules?.groups ?? []).flatMap((group) => group.rules.map((rule) => rule.alert ?? "")),
      dashboards,
    };
    await files.ensureContents(DECODED, `${JSON.stringify(decoded, null, 2)}\n`);
    this.seen.dashboards = dashboards.map((dashboard) => {
      const title = (dashboard as { title?: unknown }).title;
      return typeof title === "string" ? title : "untitled";
    });
    this.seen.problem = "";
    log.info(`decoded ${String(dashboards.length)} dashboard(s) and ${String(decoded.alertRules.length)} alert rule(s)`);
  };
}

main(CosAgentStandIn);
