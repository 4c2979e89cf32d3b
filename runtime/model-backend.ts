// What every model object of one dispatch shares: the hook tools, the event's context and the hook's caches.
// Internal to the runtime: a charm reaches it only through the model's objects, never directly.

import type { DispatchContext } from "./dispatch-context.js";
import { NotLeaderError } from "./errors.js";
import type { HookTools } from "./hook-tools/index.js";
import { type Clock, LeadershipCache } from "./leadership.js";
import type { CharmMeta, ConfigValue, JsonObject } from "./meta.js";

/** What every model object of one dispatch shares: the tools, the event's context and the hook's caches. */
export class ModelBackend {
  readonly leadership: LeadershipCache;
  private configCache: Readonly<Record<string, ConfigValue>> | undefined;
  private paramsCache: JsonObject | undefined;

  constructor(
    readonly tools: HookTools,
    readonly meta: CharmMeta,
    readonly context: DispatchContext,
    clock?: Clock,
  ) {
    this.leadership = new LeadershipCache(tools, clock);
  }

  isLeader(): boolean {
    return this.leadership.isLeader();
  }

  /** Throws `NotLeaderError` (Juju's wording) unless this unit leads; checked before any write is attempted. */
  requireLeader(what: string): void {
    if (!this.isLeader()) throw new NotLeaderError(`this unit is not the leader: only the leader can ${what}`);
  }

  config(): Readonly<Record<string, ConfigValue>> {
    this.configCache ??= Object.freeze(this.tools.configGet());
    return this.configCache;
  }

  actionParams(): JsonObject {
    this.paramsCache ??= this.tools.actionGet();
    return this.paramsCache;
  }
}
