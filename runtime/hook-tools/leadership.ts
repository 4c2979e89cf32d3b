// Leadership: `is-leader`.

import type { ToolCall } from "./call.js";
import { expectBoolean } from "./output.js";

export interface LeadershipTools {
  isLeader(): boolean;
}

export function isLeader(call: ToolCall): boolean {
  return expectBoolean("is-leader", call.json("is-leader", ["--format=json"]));
}
