// Builds the environment Juju sets for a hook or action (juju/juju worker/uniter/runner/context/context.go, HookVars).

export const MODEL_UUID = "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

export interface HookEnvOptions {
  unit?: string;
  charmDir?: string;
  extra?: Record<string, string>;
}

/** The always-set variables plus JUJU_DISPATCH_PATH for `hooks/<hook>` or `actions/<name>`. */
export function jujuEnv(dispatchPath: string, options: HookEnvOptions = {}): Record<string, string> {
  const unit = options.unit ?? "demo/0";
  const name = dispatchPath.split("/")[1] ?? "";
  const isAction = dispatchPath.startsWith("actions/");
  return {
    JUJU_DISPATCH_PATH: dispatchPath,
    JUJU_HOOK_NAME: isAction ? "" : name,
    JUJU_UNIT_NAME: unit,
    JUJU_MODEL_NAME: "test-model",
    JUJU_MODEL_UUID: MODEL_UUID,
    JUJU_VERSION: "3.6.4",
    JUJU_CONTEXT_ID: `${unit}-${name}-1234`,
    JUJU_AGENT_SOCKET_ADDRESS: "@/var/lib/juju/agents/unit-demo-0/agent.socket",
    JUJU_AGENT_SOCKET_NETWORK: "unix",
    JUJU_API_ADDRESSES: "10.0.0.1:17070",
    JUJU_MACHINE_ID: "0",
    JUJU_PRINCIPAL_UNIT: "",
    JUJU_AVAILABILITY_ZONE: "",
    ...(options.charmDir === undefined ? {} : { JUJU_CHARM_DIR: options.charmDir, CHARM_DIR: options.charmDir }),
    ...(isAction ? { JUJU_ACTION_NAME: name, JUJU_ACTION_UUID: "7", JUJU_ACTION_TAG: "action-7" } : {}),
    ...options.extra,
  };
}

/** A relation hook's environment: `relationEnv("cluster", "changed", 3, "demo/1")`. */
export function relationEnv(
  endpoint: string,
  phase: "created" | "joined" | "changed" | "departed" | "broken",
  id: number,
  remoteUnit: string | undefined,
  options: HookEnvOptions & { remoteApp?: string; departing?: string } = {},
): Record<string, string> {
  const remoteApp = options.remoteApp ?? remoteUnit?.split("/")[0] ?? "remote";
  return jujuEnv(`hooks/${endpoint}-relation-${phase}`, {
    ...options,
    extra: {
      JUJU_RELATION: endpoint,
      JUJU_RELATION_ID: `${endpoint}:${id}`,
      JUJU_REMOTE_APP: remoteApp,
      JUJU_REMOTE_UNIT: remoteUnit ?? "",
      ...(phase === "departed" ? { JUJU_DEPARTING_UNIT: options.departing ?? remoteUnit ?? "" } : {}),
      ...options.extra,
    },
  });
}
