// The demo workload's configuration file: leader, greeting and a hash of the admin password.

import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Where a machine charm keeps its workload's configuration. */
export const DEFAULT_CONFIG_FILE = "/etc/tscharm-demo/demo.conf";

/**
 * Tests and the local simulator point this at a scratch file; Juju never sets it, because Juju
 * replaces the environment of every hook.
 */
export const CONFIG_FILE_ENV = "TSCHARM_DEMO_CONFIG_FILE";

export function configFile(): string {
  return process.env[CONFIG_FILE_ENV] ?? DEFAULT_CONFIG_FILE;
}

/** What every unit's workload needs. The password itself is never written, only its hash. */
export interface WorkloadConfig {
  readonly leader: string;
  readonly greeting: string;
  readonly secretId: string;
  readonly passwordSha256: string;
}

/**
 * node:crypto is loaded only when a password is hashed or made: loading it costs about 8 ms, and
 * most hooks need neither.
 */
export function hashPassword(password: string): string {
  return process.getBuiltinModule("node:crypto").createHash("sha256").update(password).digest("hex");
}

export function newPassword(): string {
  return process.getBuiltinModule("node:crypto").randomBytes(24).toString("base64url");
}

export function renderConfig(config: WorkloadConfig): string {
  return [
    "# Managed by the demo charm; local changes are overwritten.",
    `leader = ${config.leader}`,
    `greeting = ${config.greeting}`,
    `secret-id = ${config.secretId}`,
    `password-sha256 = ${config.passwordSha256}`,
    "",
  ].join("\n");
}

/** The configuration currently on disk, if there is a complete one. */
export function readConfig(path = configFile()): WorkloadConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  const values = new Map<string, string>();
  for (const line of text.split("\n")) {
    const match = /^([a-z0-9-]+) = (.*)$/.exec(line);
    if (match) values.set(match[1] as string, match[2] as string);
  }
  const leader = values.get("leader");
  const greeting = values.get("greeting");
  const secretId = values.get("secret-id");
  const passwordSha256 = values.get("password-sha256");
  if (leader === undefined || greeting === undefined || secretId === undefined || passwordSha256 === undefined) return undefined;
  return { leader, greeting, secretId, passwordSha256 };
}

/** Writes the configuration (atomically) if it differs from what is on disk; returns whether it did. */
export function writeConfig(config: WorkloadConfig, path = configFile()): boolean {
  const text = renderConfig(config);
  try {
    if (readFileSync(path, "utf8") === text) return false;
  } catch {
    // Not written yet.
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  const temp = `${path}.tmp`;
  writeFileSync(temp, text, { mode: 0o644 });
  renameSync(temp, path);
  return true;
}
