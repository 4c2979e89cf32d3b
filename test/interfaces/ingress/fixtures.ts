// The recorded ingress fixtures (test/fixtures/interfaces/ingress/*.json, written by record.py from
// the Python library's own runs) and a replay of their steps through the test kit.

import { JUJU_UNIT_KEYS } from "../../../interfaces/common/dump.js";
import { readFileSync, readdirSync } from "node:fs";

import type { CharmBase, Framework } from "../../../runtime/index.js";
import { Context, type ContextOptions, Network, Relation, State } from "../../../testing/index.js";

export interface Step {
  event: string;
  given: {
    leader: boolean;
    remoteApp: Record<string, string>;
    remoteUnit: Record<string, string>;
    bindAddress: string;
    openedPorts?: number[];
  };
  wrote: { localApp: Record<string, string>; localUnit: Record<string, string> };
  emitted: string[];
  reported: Record<string, unknown>[];
  status: string;
}

export interface Fixture {
  file: string;
  library: { module: string; version: string; source: string };
  ops: string;
  scenario: string;
  side: "requirer" | "provider";
  schema: string;
  fqdn?: string;
  options?: Record<string, unknown>;
  manual?: Record<string, unknown> | null;
  steps: Step[];
}

/** The step-by-step recordings of one interface (the files with `steps`). */
export function loadFixtures(name: string): Fixture[] {
  const dir = new URL(`../../fixtures/interfaces/${name}/`, import.meta.url);
  return (
    readdirSync(dir)
      .filter((file) => file.endsWith(".json"))
      .sort()
      .map((file) => ({ file, ...(JSON.parse(readFileSync(new URL(file, dir), "utf8")) as Omit<Fixture, "file">) }))
      // refused.json and values.json are lists of cases, not steps: their tests read them themselves.
      .filter((fixture) => Array.isArray(fixture.steps))
  );
}

/** A unit bag without the keys Juju writes itself (which Scenario and the test kit fill in by default). */
export function withoutJujuKeys(bag: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(bag).filter(([key]) => !JUJU_UNIT_KEYS.includes(key)));
}

export type Runner = (ctx: Context<CharmBase>, relation: Relation, state: State) => Promise<State>;

/**
 * Runs a fixture's steps on tscharm's side, each on the state the previous one left, with the same
 * given remote bags, leadership, binding address and opened ports; `check` sees each output.
 */
export async function replay(
  charm: new (framework: Framework) => CharmBase,
  meta: ContextOptions["meta"],
  endpoint: string,
  fixture: Fixture,
  check: (step: Step, out: State, relation: Relation, ctx: Context<CharmBase>) => void | Promise<void>,
): Promise<void> {
  const ctx = new Context(charm, { meta, jujuVersion: "3.6.4" });
  const first = fixture.steps[0];
  if (first === undefined) throw new Error(`${fixture.file} has no steps`);
  const relationId = 1;
  let state = new State({
    leader: first.given.leader,
    model: { name: "test-model", uuid: "00000000-0000-4000-8000-000000000000" },
    networks: [new Network({ binding: endpoint, address: first.given.bindAddress })],
    openedPorts: (first.given.openedPorts ?? []).map((port) => ({ protocol: "tcp" as const, port })),
    relations: [
      new Relation({
        endpoint,
        id: relationId,
        remoteAppName: fixture.side === "requirer" ? "haproxy" : "web",
        remoteUnitsData: { 0: {} },
      }),
    ],
  });
  for (const step of fixture.steps) {
    const current = state.getRelation(relationId) as Relation;
    const relation = new Relation({
      endpoint,
      id: relationId,
      remoteAppName: current.remoteAppName,
      localAppData: current.localAppData,
      localUnitData: current.localUnitData,
      remoteAppData: step.given.remoteApp,
      remoteUnitsData: { 0: step.given.remoteUnit },
    });
    state = state.with({ relations: [relation] });
    const out = await ctx.run(eventOf(ctx, step.event, relation), state);
    await check(step, out, relation, ctx);
    state = out;
  }
}

function eventOf(ctx: Context<CharmBase>, event: string, relation: Relation) {
  switch (event) {
    case "relation-created":
      return ctx.on.relationCreated(relation);
    case "relation-joined":
      return ctx.on.relationJoined(relation, { remoteUnit: 0 });
    case "relation-changed":
      return ctx.on.relationChanged(relation, { remoteUnit: 0 });
    case "relation-departed":
      return ctx.on.relationDeparted(relation, { remoteUnit: 0, departingUnit: 0 });
    case "relation-broken":
      return ctx.on.relationBroken(relation);
    case "config-changed":
      return ctx.on.configChanged();
    case "leader-elected":
      return ctx.on.leaderElected();
    case "upgrade-charm":
      return ctx.on.upgradeCharm();
    case "update-status":
      return ctx.on.updateStatus();
    default:
      throw new Error(`no such event in the replay: ${event}`);
  }
}
