// Secret tools: secret-add, secret-get, secret-set, secret-remove, secret-grant, secret-revoke,
// secret-ids, secret-info-get (juju/juju worker/uniter/runner/jujuc/secret-*.go).

import { readFileSync } from "node:fs";

import { MAX_SECRET_CONTENT_BYTES, type SecretRotatePolicy, isSecretRotatePolicy, parseSecretUri } from "../grammar/secrets.js";
import { HookToolError } from "../runtime/errors.js";
import { type FlagSpec, type ParsedArgs, UsageError, boolFlag, noMoreArgs, stringFlag } from "./flags.js";
import { struct } from "./formats.js";
import { ALL_FORMATS, type Handlers, type Invocation, YAML_JSON, value } from "./handler.js";
import { readInput, resolvePath, stringMap } from "./input.js";
import { RELATION_FLAG, resolveRelation } from "./relations.js";

/** The metadata flags secret-add and secret-set share. */
const METADATA_FLAGS: readonly FlagSpec[] = [
  { names: ["label"], kind: "string" },
  { names: ["description"], kind: "string" },
  { names: ["expire"], kind: "string" },
  { names: ["rotate"], kind: "string" },
];
const OWNER_FLAG: FlagSpec = { names: ["owner"], kind: "string" };
const FILE_FLAG: FlagSpec = { names: ["file"], kind: "string" };

export const SECRET_TOOLS: Handlers = {
  "secret-add": {
    specs: [...METADATA_FLAGS, OWNER_FLAG, FILE_FLAG],
    usage: "[key[#base64|#file]=value...]",
    run: (invocation, parsed) => {
      const content = secretContent(invocation, parsed, "secret-add");
      if (Object.keys(content).length === 0) {
        if (stringFlag(parsed, "file") === undefined) throw new UsageError("missing secret value or filename");
        throw new HookToolError("secret-add", 1, "ERROR empty secret value not valid\n");
      }
      const owner = stringFlag(parsed, "owner") ?? "application";
      if (owner !== "application" && owner !== "unit") throw new UsageError(`secret owner "${owner}" not valid`);
      return { text: `${invocation.context.secretAdd(content, { ...secretMetadata(parsed), owner })}\n` };
    },
  },

  "secret-get": {
    specs: [
      { names: ["label"], kind: "string" },
      { names: ["peek"], kind: "bool" },
      { names: ["refresh"], kind: "bool" },
    ],
    usage: "<ID> [key[#base64]]",
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      let [id, key] = parsed.positionals;
      noMoreArgs(parsed.positionals, 2);
      const label = stringFlag(parsed, "label");
      // With --label, a lone argument that is not a secret URI (as written: no blanks around it) is the key.
      if (id !== undefined && key === undefined && label !== undefined && !isSecretUriAsWritten(id)) {
        key = id;
        id = undefined;
      }
      const content = context.secretGet({
        ...(id === undefined ? {} : { id }),
        ...(label === undefined ? {} : { label }),
        ...(boolFlag(parsed, "peek") ? { peek: true } : {}),
        ...(boolFlag(parsed, "refresh") ? { refresh: true } : {}),
      });
      if (key === undefined) return value(content);
      const raw = key.endsWith("#base64");
      const entry = content[raw ? key.slice(0, -"#base64".length) : key];
      return value(entry === undefined ? null : raw ? Buffer.from(entry).toString("base64") : entry);
    },
  },

  "secret-set": {
    specs: [...METADATA_FLAGS, OWNER_FLAG, FILE_FLAG],
    usage: "<ID> [key[#base64]=value...]",
    run: (invocation, parsed) => {
      const [id, ...rest] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      const content = secretContent(invocation, { ...parsed, positionals: rest }, "secret-set");
      invocation.context.secretSet(id, { ...secretMetadata(parsed), ...(Object.keys(content).length === 0 ? {} : { content }) });
      return undefined;
    },
  },

  "secret-remove": {
    specs: [{ names: ["revision"], kind: "string" }],
    usage: "<ID>",
    run: ({ context }, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      const revisionText = stringFlag(parsed, "revision");
      const revision = revisionText === undefined ? undefined : Number(revisionText);
      if (revision !== undefined && (!Number.isInteger(revision) || revision < 1)) {
        throw new UsageError(`invalid value "${revisionText ?? ""}" for option --revision: revision must be a positive number`);
      }
      context.secretRemove(id, revision);
      return undefined;
    },
  },

  "secret-grant": {
    specs: [RELATION_FLAG, { names: ["unit"], kind: "string" }],
    usage: "<ID>",
    run: (invocation, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      // In a relation hook -r defaults to the hook's relation.
      const relationText = stringFlag(parsed, "r") ?? (invocation.env.relationId === "" ? undefined : invocation.env.relationId);
      if (relationText === undefined) throw new UsageError("no relation id specified");
      const relation = resolveRelation(invocation, relationText, "secret-grant");
      invocation.context.secretGrant(id, relation.id, stringFlag(parsed, "unit"));
      return undefined;
    },
  },

  "secret-revoke": {
    specs: [RELATION_FLAG, { names: ["app", "application"], kind: "string" }, { names: ["unit"], kind: "string" }],
    usage: "<ID>",
    run: (invocation, parsed) => {
      const [id] = parsed.positionals;
      if (id === undefined) throw new UsageError("missing secret URI");
      noMoreArgs(parsed.positionals, 1);
      const relationText = stringFlag(parsed, "r");
      const app = stringFlag(parsed, "app");
      const unit = stringFlag(parsed, "unit");
      if (relationText === undefined && app === undefined && unit === undefined) {
        throw new UsageError("missing relation or application or unit");
      }
      if (app !== undefined && unit !== undefined) throw new UsageError("specify only one of application or unit");
      if (relationText !== undefined && app !== undefined) throw new UsageError("do not specify both relation and app");
      let relationId: number;
      if (relationText !== undefined) relationId = resolveRelation(invocation, relationText, "secret-revoke").id;
      else {
        // By application or unit: the first relation with that application (none: nothing to revoke).
        const found = invocation.context.relationIdWith(app ?? unit?.split("/")[0] ?? "");
        if (found === undefined) return undefined;
        relationId = found;
      }
      invocation.context.secretRevoke(id, relationId, unit);
      return undefined;
    },
  },

  "secret-ids": {
    specs: [],
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      return value(context.secretIds());
    },
  },

  "secret-info-get": {
    specs: [{ names: ["label"], kind: "string" }],
    usage: "<ID>",
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      const [id] = parsed.positionals;
      noMoreArgs(parsed.positionals, 1);
      const label = stringFlag(parsed, "label");
      if (id !== undefined && label !== undefined) throw new UsageError("specify either a secret URI or label but not both");
      if (id === undefined && label === undefined) throw new UsageError("require either a secret URI or label");
      const info = context.secretInfoGet(id !== undefined ? { id } : { label: label ?? "" });
      // The fields in the order of Juju's metadataDisplay (juju/juju worker/uniter/runner/jujuc/secret-info-get.go).
      // Who may read it, as Juju lists grants: application-<app> or unit-<app>-<n>, scoped to a relation.
      const access = context.secretGrants(info.id).map(({ grantee, relationId }) =>
        struct({
          target: grantee.includes("/") ? `unit-${grantee.replace("/", "-")}` : `application-${grantee}`,
          scope: relationId === undefined ? "model" : `relation-${String(relationId)}`,
          role: "view",
        }),
      );
      return value({
        [info.id]: struct({
          revision: info.revision,
          label: info.label ?? "",
          owner: info.owner,
          ...(info.description === undefined ? {} : { description: info.description }),
          ...(info.rotation === undefined ? {} : { rotation: info.rotation }),
          ...(info.expiry === undefined ? {} : { expiry: info.expiry }),
          ...(info.rotates === undefined ? {} : { rotates: info.rotates }),
          ...(access.length === 0 ? {} : { access }),
        }),
      });
    },
  },
};

function secretMetadata(parsed: ParsedArgs): { label?: string; description?: string; expire?: string; rotate?: SecretRotatePolicy } {
  const rotate = stringFlag(parsed, "rotate");
  if (rotate !== undefined && !isSecretRotatePolicy(rotate)) throw new UsageError(`rotate policy "${rotate}" not valid`);
  const label = stringFlag(parsed, "label");
  const description = stringFlag(parsed, "description");
  const expire = stringFlag(parsed, "expire");
  return {
    ...(label === undefined ? {} : { label }),
    ...(description === undefined ? {} : { description }),
    ...(expire === undefined ? {} : { expire }),
    ...(rotate === undefined ? {} : { rotate }),
  };
}

/** `key=value`, `key#base64=…`, `key#file=<path>` and `--file <yaml>`, decoded to plain values. */
function secretContent(invocation: Invocation, parsed: ParsedArgs, tool: string): Record<string, string> {
  const content: Record<string, string> = {};
  const file = stringFlag(parsed, "file");
  if (file !== undefined) {
    for (const [key, entry] of Object.entries(stringMap(readInput(invocation, file), tool))) addSecretValue(content, key, entry);
  }
  for (const arg of parsed.positionals) {
    const at = arg.indexOf("=");
    if (at < 0) throw new UsageError(`key value "${arg}" not valid`);
    const key = arg.slice(0, at);
    const raw = arg.slice(at + 1);
    if (key.endsWith("#file")) {
      const path = resolvePath(invocation, raw);
      const data = readFileSync(path);
      if (data.length > MAX_SECRET_CONTENT_BYTES) {
        throw new UsageError(`secret content in file "${path}" too large: ${String(data.length)} bytes`);
      }
      content[key.slice(0, -"#file".length)] = data.toString("utf8");
    } else {
      addSecretValue(content, key, raw);
    }
  }
  return content;
}

function isSecretUriAsWritten(text: string): boolean {
  return text === text.trim() && parseSecretUri(text) !== undefined;
}

function addSecretValue(content: Record<string, string>, key: string, raw: string): void {
  if (key.endsWith("#base64")) content[key.slice(0, -"#base64".length)] = Buffer.from(raw, "base64").toString("utf8");
  else content[key] = raw;
}
