// The machine a charm's workload lives on, as one object per concept (named after charmlibs):
// `Machine`. The kit's functions (`apt.addPackage(...)`, index.ts) act on the *current* machine:
// this one, the unit's own (local.ts), unless a test runs the charm over a fake one
// (tscharm/testing's FakeMachine), the way the test kit runs a charm over fake hook tools.

import { AsyncLocalStorage } from "node:async_hooks";

import type { Apt } from "./apt.js";
import type { Commands } from "./commands.js";
import type { Files } from "./files.js";
import type { Passwd } from "./passwd.js";
import type { Snap } from "./snap.js";
import type { Sysctl } from "./sysctl.js";
import type { Systemd } from "./systemd.js";

export interface Machine {
  readonly apt: Apt;
  readonly snap: Snap;
  readonly systemd: Systemd;
  readonly files: Files;
  readonly passwd: Passwd;
  readonly sysctl: Sysctl;
  readonly commands: Commands;
}

/**
 * Where the current machine is kept: on globalThis under a registered symbol, so that two copies of
 * this module (the charm's bundle of tscharm/machine and the test kit's, or lib/ and the sources)
 * agree on it.
 */
const SLOT = Symbol.for("tscharm.machine.current");

interface Slot {
  readonly scoped: AsyncLocalStorage<Machine>;
  local: Machine | undefined;
  makeLocal: (() => Machine) | undefined;
}

function slot(): Slot {
  const holder = globalThis as { [SLOT]?: Slot };
  holder[SLOT] ??= { scoped: new AsyncLocalStorage<Machine>(), local: undefined, makeLocal: undefined };
  return holder[SLOT];
}

/** The machine the kit acts on now: the one a test runs the charm over, else the unit's own. */
export function currentMachine(): Machine {
  const current = slot();
  const scoped = current.scoped.getStore();
  if (scoped !== undefined) return scoped;
  current.local ??= (current.makeLocal ?? noLocal)();
  return current.local;
}

/** @internal local.ts registers how the unit's own machine is made (so machine.ts imports no implementation). */
export function registerLocalMachine(make: () => Machine): void {
  slot().makeLocal ??= make;
}

/** @internal Runs `body` with `machine` as the current machine (the test kit, for one dispatch). */
export function runOnMachine<T>(machine: Machine, body: () => T): T {
  return slot().scoped.run(machine, body);
}

function noLocal(): never {
  throw new Error('tscharm/machine: the unit\'s own machine is not registered (import the kit from "tscharm/machine")');
}
