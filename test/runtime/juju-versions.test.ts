// The runtime on Juju 3.6 and Juju 4 (docs/juju-versions.md): it reads no variable Juju 4 removed
// and minds none Juju 4 added (juju/juju internal/worker/uniter/runner/context/context.go, HookVars,
// on 3.6 and main), and it never calls a hook tool Juju 4 removed (JUJU4_REMOVED_HOOK_TOOLS).

import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";

import { describe, expect, test } from "vitest";

import { CharmBase } from "../../runtime/charm.js";
import type { EventBase } from "../../runtime/events.js";
import type { Framework } from "../../runtime/framework.js";
import { parseContext } from "../../runtime/dispatch-context.js";
import { ActiveStatus } from "../../runtime/status.js";
import { JUJU4_REMOVED_HOOK_TOOLS } from "../../grammar/juju-version.js";
import { jujuEnv, relationEnv } from "../support/juju-env.js";
import { testMeta } from "../support/meta.js";
import { dispatch } from "../support/run.js";

const RUNTIME = join(import.meta.dirname, "..", "..", "runtime");

/** Variables Juju 3.6 sets and Juju 4 does not. */
const ONLY_36 = {
  JUJU_SLA: "unsupported",
  JUJU_TARGET_BASE: "ubuntu@22.04",
  JUJU_AGENT_CA_CERT: "/var/lib/juju/ca.crt",
  JUJU_AGENT_TOKEN: "t0k3n",
};
/** Variables Juju 4 sets (tracing) that 3.6 does not. */
const ONLY_4 = {
  JUJU_CHARM_TRACE_CONFIG_HTTP: "http://tempo:4318",
  JUJU_CHARM_TRACE_CONFIG_GRPC: "tempo:4317",
  JUJU_CHARM_TRACE_CONFIG_CA_CERT: "-----BEGIN CERTIFICATE-----",
  JUJU_TRACE_ID: "4bf92f3577b34da6a3ce929d0e0e4736",
  JUJU_SPAN_ID: "00f067aa0ba902b7",
  JUJU_TRACE_FLAGS: "01",
};

function runtimeSources(dir = RUNTIME): { path: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return runtimeSources(path);
    return entry.name.endsWith(".ts") ? [{ path: relative(RUNTIME, path), text: readFileSync(path, "utf8") }] : [];
  });
}

describe("the dispatch context on 3.6 and 4.x", () => {
  test("3.6's variables and 4.x's, present or absent, give the same context but for the version", () => {
    const base = parseContext(relationEnv("cluster", "changed", 3, "demo/1"), testMeta, "/cwd");
    const on36 = parseContext({ ...relationEnv("cluster", "changed", 3, "demo/1"), ...ONLY_36 }, testMeta, "/cwd");
    const on4 = parseContext({ ...relationEnv("cluster", "changed", 3, "demo/1"), ...ONLY_4, JUJU_VERSION: "4.0.12" }, testMeta, "/cwd");
    expect(on36).toEqual(base);
    expect(on4).toEqual({ ...base, jujuVersion: "4.0.12" });
  });
});

describe("the runtime relies on nothing Juju 4 removed", () => {
  test("no runtime module names a hook tool Juju 4 removed, or reads a variable it removed, or private-address", () => {
    const forbidden = [...JUJU4_REMOVED_HOOK_TOOLS.map((tool) => `"${tool}"`), ...Object.keys(ONLY_36), '"private-address"'];
    const found = runtimeSources().flatMap(({ path, text }) =>
      forbidden.filter((name) => text.includes(name)).map((name) => `${path}: ${name}`),
    );
    expect(found).toEqual([]);
    // The scan reads the modules it means to: the hook-tool modules are among them.
    expect(runtimeSources().map(({ path }) => path)).toContain(join("hook-tools", "status.ts"));
  });

  test("a dispatch on a Juju 4 environment runs, and calls only tools Juju 4 has", async () => {
    class Busy extends CharmBase {
      constructor(framework: Framework) {
        super(framework);
        framework.observe(this.on.configChanged, (_event: EventBase) => {
          const cluster = this.model.getRelation("cluster");
          if (this.unit.isLeader()) cluster?.data.get(this.app).set("greeting", String(this.config["greeting"]));
          this.unit.status = new ActiveStatus(`on ${this.model.jujuVersion}`);
        });
      }
    }
    const answers = {
      "relation-ids cluster --format=json": '["cluster:1"]',
      "is-leader --format=json": "true",
      "config-get --format=json": '{"greeting":"hi"}',
      "relation-get --format=json -r cluster:1 --app - demo": "{}",
    };
    const env = { ...jujuEnv("hooks/config-changed"), ...ONLY_4, JUJU_VERSION: "4.0.12" };
    const { result, scripted } = await dispatch(Busy, env, { answers });
    expect(result.exitCode).toBe(0);
    const tools = scripted.calls.map((call) => call.tool);
    expect(tools).toContain("status-set");
    expect(tools.filter((tool) => JUJU4_REMOVED_HOOK_TOOLS.includes(tool))).toEqual([]);
    expect(scripted.lines()).toContain("status-set --application=False active -- on 4.0.12");
  });
});
