// Juju's workload statuses and log levels.

/** Every workload status a unit or application can show. */
export const STATUS_NAMES = ["active", "blocked", "maintenance", "waiting", "error", "unknown"] as const;
export type StatusName = (typeof STATUS_NAMES)[number];

/** What `status-set` accepts, in the order its error lists them (juju/juju worker/uniter/runner/jujuc/status-set.go). */
export const SETTABLE_STATUSES = ["maintenance", "blocked", "waiting", "active"] as const;
export type SettableStatusName = (typeof SETTABLE_STATUSES)[number];

export function isSettableStatus(name: string): name is SettableStatusName {
  return (SETTABLE_STATUSES as readonly string[]).includes(name);
}

/** `juju-log --log-level` values. */
export const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
