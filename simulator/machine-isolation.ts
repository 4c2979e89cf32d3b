// Whether a model's machines get namespaces of their own: what was asked for (the option, the
// TSCHARM_MACHINES variable, auto), whether this host can give them, and what the simulator says
// when it falls back to the shared host.

import { spawnSync } from "node:child_process";

import { START_TIMEOUT_MS, findTools } from "./machine-processes.js";
import { SimulatorError } from "./types.js";

/** Whether each machine gets namespaces of its own (`isolated`), all share the host (`shared`), or isolated when possible (`auto`). */
export type MachineIsolation = "isolated" | "shared" | "auto";

export const MACHINE_ISOLATIONS: readonly MachineIsolation[] = ["isolated", "shared", "auto"];

/** The environment variable that chooses the isolation when SimulatorOptions.machines does not. */
export const MACHINES_ENV = "TSCHARM_MACHINES";

/**
 * Why machines cannot have namespaces of their own here, or undefined when they can: the
 * simulator must run as root, with util-linux and iproute2 installed, and allowed to make mount
 * and network namespaces (a container without CAP_SYS_ADMIN is not).
 */
export function isolationBlocker(): string | undefined {
  if (process.platform !== "linux") return `namespaces are Linux's, and this is ${process.platform}`;
  const uid = process.getuid?.();
  if (uid !== 0) return `the simulator is not running as root (uid ${String(uid)})`;
  const tools = findTools();
  if (tools === undefined) return "util-linux's unshare and nsenter, or iproute2's ip, are not installed";
  const probe = spawnSync(tools.unshare, ["--mount", "--net", "--", "/bin/true"], { encoding: "utf8", timeout: START_TIMEOUT_MS });
  if (probe.status !== 0) return `mount and network namespaces cannot be made here (${(probe.stderr || String(probe.error)).trim()})`;
  return undefined;
}

/** What the simulator says, once, when it falls back to the shared host. */
export function sharedHostMessage(reason: string): string {
  return (
    `machines share this host: ${reason}. Every unit runs directly on this host, with its /etc, /var ` +
    `and network: two units cannot listen on one port, and what one installs or writes the others see. ` +
    `Run the simulator as root to give each machine namespaces of its own, or choose machines: "shared" ` +
    `(${MACHINES_ENV}=shared) to say this is what you want`
  );
}

/** The isolation asked for: the option, else the environment variable, else auto. */
export function requestedIsolation(option: MachineIsolation | undefined, env: NodeJS.ProcessEnv = process.env): MachineIsolation {
  if (option !== undefined) return checkIsolation(option, "machines");
  const value = env[MACHINES_ENV];
  return value === undefined || value === "" ? "auto" : checkIsolation(value, MACHINES_ENV);
}

export function checkIsolation(value: string, what: string): MachineIsolation {
  if (!(MACHINE_ISOLATIONS as readonly string[]).includes(value))
    throw new SimulatorError(`${what} must be one of ${MACHINE_ISOLATIONS.join(", ")}, not "${value}"`);
  return value as MachineIsolation;
}
