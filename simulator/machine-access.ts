// `juju ssh` and `juju scp` where they make sense locally: a command on a unit's machine, and a copy
// into or out of it, both run the way `juju exec` runs (verbs.enqueueExec, then the unit's agent
// runs it as its next operation), so they see the machine as the unit's hooks see it. A copy goes
// through that path too, as base64 in chunks: each chunk's command line and output stay under the
// 64 KiB an exec's output keeps (executors/outcome.ts) and the kernel's limit on one argument.

import type { SimulatorCore } from "./core.js";
import { runTask } from "./scheduler.js";
import { SimulatorError, type TaskRecord } from "./types.js";
import { enqueueExec } from "./verbs.js";

/** The largest file `scp` copies into or out of a simulated machine. */
export const SCP_LIMIT_BYTES = 4 * 1024 * 1024;
/** Raw bytes per exec: 45 KiB is 60 KiB of base64. */
const CHUNK_BYTES = 45 * 1024;

/** The unit `juju ssh <target>` reaches: a unit (or `app/leader`), or a machine number (its first unit). */
export function sshUnit(core: SimulatorCore, target: string): string {
  if (/^\d+$/.test(target)) {
    const unit = [...core.model.units.values()]
      .filter((candidate) => candidate.machine === target)
      .map((candidate) => candidate.name)
      .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))[0];
    if (unit === undefined) throw new SimulatorError(`machine ${target} not found`);
    return unit;
  }
  return core.resolveUnit(target);
}

/** `juju ssh <target> <command>`: runs it on the machine as `juju exec` does, and returns the finished task. */
export async function ssh(core: SimulatorCore, target: string, command: string): Promise<TaskRecord> {
  return runTask(core, enqueueExec(core, sshUnit(core, target), command).id);
}

/** `juju scp <local> <target>:<path>`: writes `bytes` to `path` on the machine (replacing it). */
export async function copyToMachine(core: SimulatorCore, target: string, bytes: Uint8Array, path: string): Promise<void> {
  if (bytes.length > SCP_LIMIT_BYTES) throw new SimulatorError(`scp: ${path}: ${sizeError(bytes.length)}`);
  const quoted = quote(path);
  for (let offset = 0; offset === 0 || offset < bytes.length; offset += CHUNK_BYTES) {
    const chunk = Buffer.from(bytes.subarray(offset, offset + CHUNK_BYTES)).toString("base64");
    await checked(core, target, `printf %s ${chunk === "" ? "''" : chunk} | base64 -d ${offset === 0 ? ">" : ">>"} ${quoted}`, path);
  }
}

/** `juju scp <target>:<path> <local>`: the file's bytes. */
export async function copyFromMachine(core: SimulatorCore, target: string, path: string): Promise<Buffer> {
  const quoted = quote(path);
  const size = Number((await checked(core, target, `test -f ${quoted} && wc -c < ${quoted}`, path)).trim());
  if (!Number.isInteger(size)) throw new SimulatorError(`scp: ${path}: cannot read its size`);
  if (size > SCP_LIMIT_BYTES) throw new SimulatorError(`scp: ${path}: ${sizeError(size)}`);
  const chunks: Buffer[] = [];
  for (let offset = 0; offset < size; offset += CHUNK_BYTES) {
    const count = Math.min(CHUNK_BYTES, size - offset);
    const text = await checked(core, target, `tail -c +${String(offset + 1)} ${quoted} | head -c ${String(count)} | base64 -w0`, path);
    chunks.push(Buffer.from(text.trim(), "base64"));
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== size) throw new SimulatorError(`scp: ${path}: changed while it was copied`);
  return bytes;
}

async function checked(core: SimulatorCore, target: string, command: string, path: string): Promise<string> {
  const task = await ssh(core, target, command);
  const code = task.results["return-code"];
  if (task.status !== "completed" || code !== 0) {
    const stderr = typeof task.results["stderr"] === "string" ? task.results["stderr"].trim() : "";
    throw new SimulatorError(`scp: ${path}: ${stderr === "" ? "no such file, or not a regular file" : stderr}`);
  }
  const stdout = task.results["stdout"];
  return typeof stdout === "string" ? stdout : "";
}

function sizeError(size: number): string {
  return `${String(size)} bytes is more than the simulator copies (${String(SCP_LIMIT_BYTES)} bytes; each copy runs through juju exec)`;
}

function quote(path: string): string {
  if (path === "") throw new SimulatorError("scp: an empty path");
  return `'${path.replaceAll("'", `'"'"'`)}'`;
}
