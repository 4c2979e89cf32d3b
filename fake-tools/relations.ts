// Relation tools: relation-ids, relation-list, relation-get, relation-set, relation-model-get, and
// the `-r` flag other concepts' tools share (juju/juju worker/uniter/runner/jujuc/relation-*.go).

import { isAppName, isUnitName } from "../grammar/names.js";
import { HookToolError } from "../runtime/errors.js";
import type { RelationRef } from "../runtime/hook-tools/index.js";
import { type FlagSpec, type ParsedArgs, UsageError, boolFlag, noMoreArgs, parseKeyValues, stringFlag } from "./flags.js";
import { ALL_FORMATS, type Handlers, type Invocation, value } from "./handler.js";
import { readInput, stringMap } from "./input.js";

/** `-r`/`--relation`: a relation id, `7` or `db:7`. */
export const RELATION_FLAG: FlagSpec = { names: ["r", "relation"], kind: "string" };
const APP_FLAG: FlagSpec = { names: ["app"], kind: "bool" };

export const RELATION_TOOLS: Handlers = {
  "relation-ids": {
    specs: [],
    usage: "[<endpoint>]",
    formats: ALL_FORMATS,
    run: ({ context, env }, parsed) => {
      const endpoint = parsed.positionals[0] ?? env.relationId?.replace(/:\d+$/, "");
      noMoreArgs(parsed.positionals, 1);
      if (endpoint === undefined) throw new UsageError("no endpoint name specified");
      return value(context.relationIds(endpoint).map((id) => `${endpoint}:${String(id)}`));
    },
  },

  "relation-list": {
    specs: [RELATION_FLAG, APP_FLAG],
    formats: ALL_FORMATS,
    run: (invocation, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const ref = relationRef(invocation, parsed, "relation-list");
      return value(boolFlag(parsed, "app") ? (invocation.context.relationRemoteApp(ref) ?? "") : invocation.context.relationList(ref));
    },
  },

  "relation-get": {
    specs: [RELATION_FLAG, APP_FLAG],
    usage: "<key> <unit id>",
    formats: ALL_FORMATS,
    run: (invocation, parsed) => {
      const { context, env } = invocation;
      const ref = relationRef(invocation, parsed, "relation-get");
      const [keyArg, targetArg] = parsed.positionals;
      noMoreArgs(parsed.positionals, 2);
      const key = keyArg === undefined || keyArg === "-" ? undefined : keyArg;
      let app = boolFlag(parsed, "app");
      let target = targetArg;
      if (target === undefined) {
        if (app) target = env.remoteApp;
        else if (env.remoteUnit !== undefined && env.remoteUnit !== "") target = env.remoteUnit;
        else if (env.remoteApp !== undefined) {
          target = env.remoteApp;
          app = true;
        }
        if (target === undefined) throw new UsageError("no unit or application specified");
      } else if (!app && !isUnitName(target)) {
        if (isAppName(target)) throw new UsageError(`expected unit name, got application name "${target}"`);
        throw new UsageError(`invalid unit name "${target}"`);
      }
      const bag = context.relationGet(ref, target, app);
      return value(key === undefined ? bag : bag[key]);
    },
  },

  "relation-set": {
    specs: [RELATION_FLAG, APP_FLAG, { names: ["file"], kind: "string" }],
    usage: "key=value [key=value ...]",
    deprecatedFormat: true,
    run: (invocation, parsed) => {
      const ref = relationRef(invocation, parsed, "relation-set");
      const file = stringFlag(parsed, "file");
      const fromFile = file === undefined ? {} : stringMap(readInput(invocation, file), "relation-set");
      const data = { ...fromFile, ...parseKeyValues(parsed.positionals) };
      if (Object.keys(data).length > 0) invocation.context.relationSet(ref, data, boolFlag(parsed, "app"));
      return undefined;
    },
  },

  "relation-model-get": {
    specs: [RELATION_FLAG],
    formats: ALL_FORMATS,
    run: (invocation, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value({ ...invocation.context.relationModelGet(relationRef(invocation, parsed, "relation-model-get")) });
    },
  },
};

/** `-r` (or the hook's own relation) as the relation the tool should use. */
export function relationRef(invocation: Invocation, parsed: ParsedArgs, tool: string): RelationRef {
  const text = stringFlag(parsed, "r") ?? invocation.env.relationId;
  if (text === undefined || text === "") throw new UsageError("no relation id specified");
  return resolveRelation(invocation, text, tool);
}

/** `7` or `anything:7`: only what follows the last `:` counts, and the relation must be the unit's. */
export function resolveRelation(invocation: Invocation, text: string, tool: string): RelationRef {
  const idText = text.slice(text.lastIndexOf(":") + 1);
  if (!/^\d+$/.test(idText)) throw new UsageError(`invalid value "${text}" for option -r: invalid relation id`);
  const id = Number(idText);
  const endpoint = invocation.context.relationEndpoint(id);
  if (endpoint === undefined) {
    // Through the error mapping every tool uses, so `relation not found` stays a RelationNotFoundError.
    throw new HookToolError(tool, 2, `ERROR invalid value "${text}" for option -r: relation not found\n`);
  }
  return { endpoint, id };
}
