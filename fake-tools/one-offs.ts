// The one-off tools, each its own concept: application-version-set, resource-get, goal-state,
// credential-get, juju-reboot; and the payload and metric tools, which the simulator refuses.

import { HookToolError } from "../runtime/errors.js";
import type { GoalStateRecord } from "../runtime/hook-tools/index.js";
import type { JsonObject } from "../runtime/meta.js";
import { UsageError, boolFlag, noMoreArgs } from "./flags.js";
import { struct } from "./formats.js";
import { ALL_FORMATS, type Handler, type Handlers, YAML_JSON, value } from "./handler.js";

export const ONE_OFF_TOOLS: Handlers = {
  "application-version-set": {
    specs: [],
    usage: "<new-version>",
    run: ({ context }, parsed) => {
      const [version] = parsed.positionals;
      if (version === undefined) throw new UsageError("no version specified");
      noMoreArgs(parsed.positionals, 1);
      context.applicationVersionSet(version);
      return undefined;
    },
  },

  "resource-get": {
    specs: [],
    usage: "<resource name>",
    run: ({ context }, parsed) => {
      const [name] = parsed.positionals;
      if (name === undefined) throw new UsageError("missing required resource name");
      noMoreArgs(parsed.positionals, 1);
      // Printed without a trailing newline, as Juju does.
      return { text: context.resourceGet(name) };
    },
  },

  "goal-state": {
    specs: [],
    formats: YAML_JSON,
    defaultFormat: "yaml",
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const goal = context.goalState();
      // Each entry is Go's goalStateStatusContents: `status`, then `since` (omitted when empty).
      const entries = (units: GoalStateRecord["units"]): JsonObject =>
        Object.fromEntries(
          Object.entries(units).map(([name, entry]) => [
            name,
            struct(
              entry.since === undefined || entry.since === "" ? { status: entry.status } : { status: entry.status, since: entry.since },
            ),
          ]),
        );
      const relations: JsonObject = {};
      for (const [endpoint, units] of Object.entries(goal.relations)) relations[endpoint] = entries(units);
      return value(struct({ units: entries(goal.units), relations }));
    },
  },

  "credential-get": {
    specs: [],
    formats: ALL_FORMATS,
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      const spec = context.credentialGet();
      const { credential } = spec;
      return value(
        struct({
          type: spec.type,
          name: spec.name,
          ...(spec.region === undefined ? {} : { region: spec.region }),
          ...(spec.endpoint === undefined ? {} : { endpoint: spec.endpoint }),
          ...(spec.identityEndpoint === undefined ? {} : { "identity-endpoint": spec.identityEndpoint }),
          ...(spec.storageEndpoint === undefined ? {} : { "storage-endpoint": spec.storageEndpoint }),
          ...(credential === undefined
            ? {}
            : {
                credential: struct({
                  "auth-type": credential.authType,
                  attrs: { ...credential.attributes },
                  redacted: [...credential.redacted],
                }),
              }),
          cacertificates: [...spec.caCertificates],
          "skip-tls-verify": spec.skipTlsVerify,
          "is-controller-cloud": spec.isControllerCloud,
        }),
      );
    },
  },

  "juju-reboot": {
    specs: [{ names: ["now"], kind: "bool" }],
    run: ({ context }, parsed) => {
      noMoreArgs(parsed.positionals, 0);
      context.jujuReboot(boolFlag(parsed, "now"));
      return undefined;
    },
  },

  // Payloads and metrics are gone from Juju 4 and unused by machine charms today.
  "payload-register": unsupported("payload-register"),
  "payload-unregister": unsupported("payload-unregister"),
  "payload-status-set": unsupported("payload-status-set"),
  "add-metric": unsupported("add-metric"),
};

function unsupported(tool: string): Handler {
  return {
    specs: [],
    run: () => {
      throw new HookToolError(tool, 1, `ERROR ${tool} is not supported by the tscharm simulator\n`);
    },
  };
}
