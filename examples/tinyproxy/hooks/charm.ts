// The charm: tinyproxy as a reverse proxy on port 8000 at /<slug>/ (ops' src/charm.py, ported).
// Status comes from collect-status after every event; the workload module does the work.

import {
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CollectStatusEvent,
  type Framework,
  InvalidConfigError,
  MaintenanceStatus,
  log,
} from "tscharm";

import type { TinyproxyTypes } from "../charm-types.js";
import { type TinyproxyConfig, tinyproxyConfig } from "./config.js";
import * as tinyproxy from "./tinyproxy.js";

export const PORT = 8000;

/** How often, and how far apart, the charm looks for tinyproxy to start or stop (ops: 3 polls, 1 s apart). */
const POLLS = 3;
const POLL_INTERVAL_MS = 1000;

export class TinyproxyCharm extends CharmBase<TinyproxyTypes> {
  constructor(framework: Framework) {
    super(framework);
    framework.observe(this.on.collectUnitStatus, this.onCollectStatus);
    framework.observe(this.on.install, this.onInstall);
    framework.observe(this.on.start, this.onStart);
    framework.observe(this.on.configChanged, this.onConfigChanged);
    framework.observe(this.on.stop, this.onStop);
    framework.observe(this.on.remove, this.onRemove);
  }

  /** Reports the status of tinyproxy (runs after each event); the most severe wins, the first of a kind. */
  onCollectStatus = async (event: CollectStatusEvent): Promise<void> => {
    try {
      this.loadConfig(tinyproxyConfig);
    } catch (error) {
      if (!(error instanceof InvalidConfigError)) throw error;
      event.addStatus(new BlockedStatus(invalidSlugMessage(error)));
    }
    if (!(await tinyproxy.isInstalled())) event.addStatus(new MaintenanceStatus("Waiting for tinyproxy to be installed"));
    if (!(await tinyproxy.isRunning())) event.addStatus(new MaintenanceStatus("Waiting for tinyproxy to start"));
    event.addStatus(new ActiveStatus());
  };

  /** Installs tinyproxy on the machine, and says which version runs. */
  onInstall = async (): Promise<void> => {
    if (!(await tinyproxy.isInstalled())) {
      await tinyproxy.install();
      const version = await tinyproxy.getVersion();
      this.unit.setWorkloadVersion(version);
    }
  };

  onStart = (): Promise<void> => this.configureAndRun();

  onConfigChanged = (): Promise<void> => this.configureAndRun();

  onStop = async (): Promise<void> => {
    await tinyproxy.stop();
    await this.waitForNotRunning();
  };

  onRemove = async (): Promise<void> => {
    await tinyproxy.uninstall();
  };

  /** Makes tinyproxy run with the config the charm wants. */
  async configureAndRun(): Promise<void> {
    let config: TinyproxyConfig;
    try {
      config = this.loadConfig(tinyproxyConfig);
    } catch (error) {
      // Collect-status runs next and shows the user what is wrong.
      if (error instanceof InvalidConfigError) return;
      throw error;
    }
    if (!(await tinyproxy.isInstalled())) return;
    const changed = await tinyproxy.ensureConfig(PORT, config.slug);
    if (!(await tinyproxy.isRunning())) {
      await tinyproxy.start();
      await this.waitForRunning();
    } else if (changed) {
      log.info("Config changed while tinyproxy is running. Updating tinyproxy config");
      await tinyproxy.reloadConfig();
    }
  }

  /** A thrown error puts the unit in error status; Juju's debug log shows the message. */
  async waitForRunning(): Promise<void> {
    if (await poll(() => tinyproxy.isRunning())) return;
    throw new Error("tinyproxy was not running within the expected time");
  }

  async waitForNotRunning(): Promise<void> {
    if (await poll(async () => !(await tinyproxy.isRunning()))) return;
    throw new Error("tinyproxy was still running after the expected time");
  }
}

/** ops' message, from the one issue the schema reports (slug is the only option validated). */
function invalidSlugMessage(error: InvalidConfigError): string {
  const [issue, ...more] = error.issues;
  if (issue === undefined || more.length > 0)
    throw new Error(`expected one config issue, got ${String(error.issues.length)}: ${error.message}`);
  return `Invalid ${issue.option ?? "config"}: '${String(issue.value ?? "")}'. ${issue.message}`;
}

/** True as soon as `condition` holds, checking up to POLLS times, POLL_INTERVAL_MS apart. */
async function poll(condition: () => Promise<boolean>): Promise<boolean> {
  for (let attempt = 0; attempt < POLLS; attempt++) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  return false;
}
