// Leadership in one hook: is-leader (false stays false for the rest of the hook), and leader-get /
// leader-set (immediate, as in Juju; deprecated in Juju 3, still served by 3.6).

import type { HookScope } from "./hook-scope.js";
import { applyChanges } from "./records.js";
import { fail } from "./tool-errors.js";

export const LEADER_SET_REFUSED = "cannot write leadership settings: cannot write settings: not the leader";

export class Leadership {
  /** Once is-leader said false, it says false for the rest of the hook. */
  private noLongerLeader = false;
  /** Juju reads the leader settings once per hook context. */
  private settingsCache: Record<string, string> | undefined;

  constructor(private readonly scope: HookScope) {}

  isLeader(): boolean {
    if (this.noLongerLeader) return false;
    const leader = this.scope.model.app(this.scope.appName).leader === this.scope.unitName;
    if (!leader) this.noLongerLeader = true;
    return leader;
  }

  /** `leader-get`: the leader settings, readable by every unit. */
  leaderGet(): Record<string, string> {
    const settings = this.scope.model.app(this.scope.appName).leaderSettings;
    if (this.scope.autoCommitting) return { ...settings };
    this.settingsCache ??= { ...settings };
    return { ...this.settingsCache };
  }

  /** `leader-set`: immediate, as in Juju (not buffered); `""` deletes a key. Leader only. */
  leaderSet(data: Readonly<Record<string, string>>): void {
    if (!this.isLeader()) fail("leader-set", 1, LEADER_SET_REFUSED);
    this.scope.model.setLeaderSettings(this.scope.appName, data);
    if (this.settingsCache !== undefined) this.settingsCache = applyChanges(this.settingsCache, data);
  }
}
