// The unit's own machine: each concept's real implementation, over this machine's tools and files.

import { LocalApt } from "./apt.js";
import { LocalCommands } from "./commands.js";
import { LocalFiles } from "./files.js";
import type { Machine } from "./machine.js";
import { LocalPasswd } from "./passwd.js";
import { LocalSysctl } from "./sysctl.js";

/** @internal A concept whose implementation is not built yet: every call is refused plainly. */
function notBuilt(concept: string): never {
  return new Proxy(
    {},
    {
      get: (_target, name) => () => Promise.reject(new Error(`tscharm/machine: ${concept}.${String(name)} is not built yet`)),
    },
  ) as never;
}

/** The real machine the unit runs on. */
export function localMachine(): Machine {
  const commands = new LocalCommands();
  const files = new LocalFiles(commands);
  return {
    commands,
    files,
    apt: new LocalApt(commands),
    snap: notBuilt("snap"),
    systemd: notBuilt("systemd"),
    passwd: new LocalPasswd(commands),
    sysctl: new LocalSysctl(commands, files),
  };
}
