// grammar/status.ts: workload status names, what status-set accepts, and juju-log's levels.

import { describe, expect, test } from "vitest";

import { LOG_LEVELS, SETTABLE_STATUSES, STATUS_NAMES, isSettableStatus } from "../../grammar/status.js";

describe("statuses", () => {
  test("status-set takes four, in the order its error lists them", () => {
    // juju/juju worker/uniter/runner/jujuc/status-set.go: `expected one of [maintenance blocked waiting active]`.
    expect(SETTABLE_STATUSES).toEqual(["maintenance", "blocked", "waiting", "active"]);
    for (const name of SETTABLE_STATUSES) expect(isSettableStatus(name)).toBe(true);
  });

  test("error and unknown are shown but cannot be set; nothing else is a status", () => {
    expect([...STATUS_NAMES].sort()).toEqual(["active", "blocked", "error", "maintenance", "unknown", "waiting"]);
    for (const name of ["error", "unknown", "", "Active", "terminated", "idle"]) expect(isSettableStatus(name)).toBe(false);
    for (const name of SETTABLE_STATUSES) expect(STATUS_NAMES).toContain(name);
  });
});

describe("log levels", () => {
  test("juju-log --log-level takes these five", () => {
    expect(LOG_LEVELS).toEqual(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]);
  });
});
