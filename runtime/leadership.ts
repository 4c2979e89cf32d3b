// `is-leader`, cached for the 30 seconds that Juju guarantees leadership after a `true` answer.

import type { HookTools } from "./hook-tools/index.js";

/** Juju renews the leader's lease so that a `true` from is-leader holds for at least this long. */
export const LEADERSHIP_GUARANTEE_MS = 30_000;

/** A monotonic clock in milliseconds; injectable so tests can move time. */
export interface Clock {
  now(): number;
}

/**
 * `process.hrtime` rather than `performance.now()`: the global `performance` loads node:perf_hooks
 * on first use, about 1.2 ms of every hook that asks is-leader (docs/performance.md).
 */
export const monotonicClock: Clock = { now: () => Number(process.hrtime.bigint()) / 1e6 };

/**
 * Asks `is-leader` at most once per 30 s. The time is read *before* the call, so the cached answer
 * never outlives the window Juju guarantees, even if the tool is slow to answer.
 */
export class LeadershipCache {
  private answer: boolean | undefined;
  private askedAt = 0;

  constructor(
    private readonly tools: HookTools,
    private readonly clock: Clock = monotonicClock,
  ) {}

  isLeader(): boolean {
    const now = this.clock.now();
    if (this.answer === undefined || now - this.askedAt >= LEADERSHIP_GUARANTEE_MS) {
      this.askedAt = now;
      this.answer = undefined;
      this.answer = this.tools.isLeader();
    }
    return this.answer;
  }

  /** Forgets the cached answer (the test kit calls this when it changes leadership). */
  invalidate(): void {
    this.answer = undefined;
  }
}
