// The unit's own machine: each concept's real implementation, over this machine's tools and files.

import { LocalApt } from "./apt.js";
import { LocalCommands } from "./commands.js";
import { LocalFiles } from "./files.js";
import type { Machine } from "./machine.js";
import { LocalPasswd } from "./passwd.js";
import { LocalSnap } from "./snap.js";
import { LocalSysctl } from "./sysctl.js";
import { LocalSystemd } from "./systemd.js";

/** The real machine the unit runs on. */
export function localMachine(): Machine {
  const commands = new LocalCommands();
  const files = new LocalFiles(commands);
  return {
    commands,
    files,
    apt: new LocalApt(commands, { files }),
    snap: new LocalSnap(),
    systemd: new LocalSystemd(commands, { files }),
    passwd: new LocalPasswd(commands),
    sysctl: new LocalSysctl(commands, files),
  };
}
