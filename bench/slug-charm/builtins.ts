// The machine kit's variant without the kit: the same work as kit.ts with node:fs alone (PATH
// searched by hand), to tell what the kit costs from what the work costs.

import { access, constants, stat } from "node:fs/promises";
import { delimiter, join } from "node:path";

import { main } from "tscharm";

import { plainSlugCharm } from "./slug.js";

async function whichByHand(command: string): Promise<string | undefined> {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, command);
    const found = await access(candidate, constants.X_OK).then(
      () => stat(candidate).then((info) => info.isFile()),
      () => false,
    );
    if (found) return candidate;
  }
  return undefined;
}

main(
  plainSlugCharm(async () => {
    const sh = await whichByHand("sh");
    const exists = await stat(process.cwd()).then(
      () => "true",
      () => "false",
    );
    return `sh=${sh ?? "none"} cwd exists=${exists}`;
  }),
);
