// Storage tools: storage-list, storage-get, storage-add (juju/juju worker/uniter/runner/jujuc/storage-*.go).

import { HookToolError } from "../runtime/errors.js";
import { UsageError, noMoreArgs, stringFlag } from "./flags.js";
import { ALL_FORMATS, type Handlers, value } from "./handler.js";

/** `<storage name>` or `<storage name>=<count>`: storage-add takes nothing but a count. */
const STORAGE_DIRECTIVE = /^([a-z][a-z0-9-]*)(?:=(\d+))?$/;

export const STORAGE_TOOLS: Handlers = {
  "storage-list": {
    specs: [],
    usage: "[<storage-name>]",
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      const [name] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      return value(context.storageList(name));
    },
  },

  "storage-get": {
    specs: [{ names: ["s"], kind: "string" }],
    usage: "[<key>]",
    formats: ALL_FORMATS,
    run: ({ context, env }, parsed) => {
      const [attribute] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const id = stringFlag(parsed, "s") ?? env.storageId;
      if (id === undefined || id === "") throw new UsageError("no storage instance specified");
      const storage = context.storageGet(id);
      if (attribute === undefined) return value({ kind: storage.kind, location: storage.location });
      if (attribute !== "kind" && attribute !== "location") {
        throw new HookToolError("storage-get", 1, `ERROR invalid storage attribute "${attribute}"\n`);
      }
      return value(storage[attribute]);
    },
  },

  "storage-add": {
    specs: [],
    usage: "<charm storage name>[=count] ...",
    run: ({ context }, parsed) => {
      if (parsed.positionals.length === 0) throw new UsageError("storage add requires a storage directive");
      for (const directive of parsed.positionals) {
        const match = STORAGE_DIRECTIVE.exec(directive);
        if (match?.[1] === undefined) throw new UsageError(`only count can be specified for "${directive.split("=")[0] ?? directive}"`);
        context.storageAdd(match[1], match[2] === undefined ? 1 : Number(match[2]));
      }
      return undefined;
    },
  },
};
