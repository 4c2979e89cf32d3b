// The scheduler without processes: round robin from the cursor in unit-number order, and the
// seeded random picks (mulberry32) that make an interleaving repeatable, also across a save.

import { describe, expect, test } from "vitest";

import type { CharmMeta } from "../../runtime/meta.js";
import { JujuModel } from "../../engine/model.js";
import type { ToolServer } from "../../fake-tools/server.js";
import { SimulatorCore } from "../../simulator/core.js";
import { mulberry32, nextInTurn, randomPick, unitOrder } from "../../simulator/scheduler.js";
import { newBookkeeping } from "../../simulator/store.js";
import { newAgentState } from "../../simulator/uniter.js";

const META: CharmMeta = { name: "app", relations: {}, storage: {}, config: {}, actions: {} };

/** Units app/0, app/2, app/10 and db/0, none installed (each has install to run); the tool server is never reached. */
function core(seed?: number): SimulatorCore {
  const model = new JujuModel();
  model.addApp("app", META);
  model.addApp("db", { ...META, name: "db" });
  const book = newBookkeeping(seed ?? 0);
  for (const [app, number] of [
    ["db", 0],
    ["app", 10],
    ["app", 2],
    ["app", 0],
  ] as const) {
    model.addUnit(app, { number });
    book.agents[`${app}/${String(number)}`] = newAgentState();
    book.apps[app] = {
      charm: { origin: "/c", dir: "/c", revision: 0 },
      charmVersion: 0,
      configVersion: 0,
      leaderSettingsVersion: 0,
      nextUnit: 11,
    };
  }
  return new SimulatorCore(model, "/nonexistent", {} as unknown as ToolServer, seed === undefined ? {} : { seed }, book);
}

describe("round robin", () => {
  test("units in application, then number order; the first at or after the cursor with something to do", () => {
    const sim = core();
    expect(unitOrder(sim)).toEqual(["app/0", "app/2", "app/10", "db/0"]);
    expect(nextInTurn(sim)?.[0]).toBe("app/0");
    sim.book.cursor = 2;
    expect(nextInTurn(sim)).toEqual(["app/10", { kind: "hook", hook: { name: "install", kind: "install" } }]);
    // A unit with nothing to do is passed over, wrapping around the order.
    sim.book.cursor = 3;
    (sim.book.agents["db/0"] ?? newAgentState()).removed = true;
    expect(nextInTurn(sim)?.[0]).toBe("app/0");
  });
});

describe("seeded picks", () => {
  function picks(sim: SimulatorCore, count: number): string[] {
    return Array.from({ length: count }, () => randomPick(sim)?.[0] ?? "none");
  }

  test("the same seed gives the same picks; the random state is what a saved model carries on from", () => {
    const first = picks(core(42), 12);
    expect(picks(core(42), 12)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    const saved = core(42);
    picks(saved, 5);
    const resumed = core(saved.book.random);
    expect(picks(resumed, 7)).toEqual(first.slice(5));
    const others = [1, 2, 3, 4, 5].map((seed) => picks(core(seed), 12).join(","));
    expect(others.some((sequence) => sequence !== first.join(","))).toBe(true);
  });

  test("mulberry32: values in [0, 1), the state a plain number that steps by a constant", () => {
    let state = 7;
    const values: number[] = [];
    for (let n = 0; n < 1000; n++) {
      const step = mulberry32(state);
      expect(step.state).toBe((state + 0x6d2b79f5) | 0);
      state = step.state;
      values.push(step.value);
    }
    expect(values.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(new Set(values).size).toBe(1000);
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.05);
  });
});
