// What `juju status` needs from the simulator beyond the engine's model (juju-status.ts renders
// it): each application's charm and revision, each unit's agent state, and when statuses changed.

import { remoteView } from "./controller-view.js";
import type { SimulatorCore } from "./core.js";
import type { StatusSnapshot } from "./juju-status.js";
import type { TaskRecord } from "./types.js";
import { type Operation, nextOperation } from "./uniter.js";

/** Remembers when each status last changed: juju status shows it as `since`. */
export function noteStatusChanges(core: SimulatorCore): void {
  const now = new Date().toISOString();
  const touch = (key: string, status: unknown): void => {
    const text = JSON.stringify(status);
    if (core.book.since[key]?.key !== text) core.book.since[key] = { key: text, since: now };
  };
  for (const app of core.model.apps.values()) touch(`app:${app.name}`, app.status);
  for (const unit of core.model.units.values()) touch(`unit:${unit.name}`, [unit.status, core.book.agents[unit.name]?.error]);
}

export function snapshot(core: SimulatorCore): StatusSnapshot {
  noteStatusChanges(core);
  return {
    model: core.model,
    apps: Object.fromEntries(
      Object.entries(core.book.apps).map(([name, app]) => [
        name,
        { charmName: core.meta(name).name, revision: app.charm.revision, since: core.book.since[`app:${name}`]?.since },
      ]),
    ),
    units: Object.fromEntries(
      [...core.model.units.keys()]
        .filter((name) => core.book.agents[name] !== undefined)
        .map((name) => {
          const agent = core.agent(name);
          const next = nextOperation(agent, remoteView(core.model, core.book, name));
          const running = core.running?.unit === name ? core.running.what : undefined;
          return [
            name,
            {
              error: agent.error?.name,
              errorData: agent.error,
              executing: running ?? (next === undefined ? undefined : describeOperation(next, core.book.tasks)),
              allocating: !agent.installed && running === undefined,
              since: core.book.since[`unit:${name}`]?.since,
            },
          ];
        }),
    ),
    dyingRelations: core.book.dyingRelations,
  };
}

function describeOperation(op: Operation, tasks: Readonly<Record<string, TaskRecord>>): string | undefined {
  switch (op.kind) {
    case "hook":
    case "skip":
      return `${op.hook.name} hook`;
    case "task": {
      const task = tasks[op.task];
      return task === undefined ? undefined : task.kind === "action" ? `action ${task.name}` : "exec";
    }
    case "note":
    case "dead":
    case "switch-charm":
      return undefined;
  }
}
