// The machine kit's variant: variant (a) whose config-changed also asks the kit where `sh` is and
// whether the charm directory exists (tscharm/machine's which and files.exists).

import { main } from "tscharm";
import { files, which } from "tscharm/machine";

import { plainSlugCharm } from "./slug.js";

main(
  plainSlugCharm(async () => {
    const sh = await which("sh");
    // A concept not built yet on this tree rejects; the bench reports it from the status message.
    const exists = await files.exists(process.cwd()).then(String, (error: unknown) => `files.exists failed: ${String(error)}`);
    return `sh=${sh ?? "none"} cwd exists=${exists}`;
  }),
);
