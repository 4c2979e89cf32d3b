// `tscharm sim` commands for the rest of what `tscharm/integration`'s client runs: user secrets
// (add-secret, grant-secret, revoke-secret, secrets, show-secret, update-secret, remove-secret, as
// juju/juju cmd/juju/secrets/*.go take them), show-unit, ssh, scp and trust, plus the waiting of
// `run --wait` / `exec --wait` and `integrate --via`. The stand-in `juju` of `Juju.cli` tests runs
// these, so each takes juju's arguments and prints what juju prints.

import { readFileSync, writeFileSync } from "node:fs";

import type { Command, Option } from "commander";
import { stringify } from "yaml";
import type { Simulator, TaskRecord } from "tscharm/integration";

import { goDurationMs, isGoDuration } from "../grammar/secrets.js";
import { SimCommandError, jujuYaml, keyValues, withModel, wholeNumber } from "./sim.js";

/** What `juju deploy` takes that only Charmhub, or a real machine, can honour: refused locally. */
export function refuseCharmhubOptions(options: {
  channel?: string;
  revision?: string;
  resource: string[];
  to?: string;
  storage: string[];
}): void {
  const refused = [
    options.channel === undefined ? "" : "--channel",
    options.revision === undefined ? "" : "--revision",
    options.resource.length === 0 ? "" : "--resource",
    options.to === undefined ? "" : "--to",
    options.storage.length === 0 ? "" : "--storage",
  ].filter((flag) => flag !== "");
  if (refused.length > 0)
    throw new SimCommandError(`the simulator deploys local charms as they are: it does not take ${refused.join(", ")}`);
}

/** `juju integrate a b [--via cidr,…]`. */
export function recordVia(simulator: Simulator, a: string, b: string, via: string | undefined): void {
  if (via === undefined) simulator.integrate(a, b);
  else
    simulator.integrateVia(
      a,
      b,
      via.split(",").map((cidr) => cidr.trim()),
    );
}

/**
 * Runs the model until the task has finished, or, with `--wait`, until that long has passed
 * (checked between operations) or the model is idle with the task still queued (its unit is in
 * error): then Juju's "timed out waiting for results", and the task stays queued.
 */
export async function finishTask(simulator: Simulator, id: string, wait: string | undefined): Promise<TaskRecord> {
  if (wait === undefined) return simulator.runTask(id);
  if (!isGoDuration(wait)) throw new SimCommandError(`invalid value "${wait}" for option --wait: time: invalid duration "${wait}"`);
  const deadline = Date.now() + goDurationMs(wait);
  for (;;) {
    const task = simulator.task(id);
    if (task.status !== "pending" && task.status !== "running") return task;
    if (Date.now() >= deadline) throw new SimCommandError(`timed out waiting for results from: unit ${task.unit}`);
    if (!(await simulator.step())) {
      throw new SimCommandError(
        `timed out waiting for results from: unit ${task.unit} (the model is idle and the task is still ${task.status})`,
      );
    }
  }
}

/**
 * Secret content as `juju add-secret` reads it: `key=value` arguments, then the YAML `--file`
 * (YAML 1.1, as Juju's; every value as text).
 */
function secretContent(pairs: readonly string[], file: string | undefined): Record<string, string> | undefined {
  const content: Record<string, string> = { ...keyValues(pairs) };
  if (file !== undefined) {
    const read = jujuYaml(readFileSync(file, "utf8"), file, {});
    if (typeof read !== "object" || read === null || Array.isArray(read))
      throw new SimCommandError(`${file} must hold a YAML mapping of secret keys`);
    for (const [key, value] of Object.entries(read as Record<string, unknown>))
      content[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return Object.keys(content).length === 0 ? undefined : content;
}

function appList(apps: string): string[] {
  return apps.split(",").map((app) => app.trim());
}

function write(value: unknown, format: string): void {
  process.stdout.write(format === "json" ? `${JSON.stringify(value)}\n` : stringify(value));
}

export function addJujuSimCommands(sim: Command, modelOption: () => Option): void {
  const formatOption = (fallback: string) =>
    sim.createOption("--format <format>", "output format").choices(["yaml", "json"]).default(fallback);

  sim
    .command("add-secret")
    .description("add a user secret (owned by the model); prints its URI")
    .argument("<name>")
    .argument("[values...]", "key=value pairs (content on the command line is visible to other users: prefer --file)")
    .addOption(modelOption())
    .option("--file <yaml>", "a YAML file of the secret's keys and values")
    .option("--info <text>", "the secret's description")
    .action(async (name: string, values: string[], options: { model: string; file?: string; info?: string }) => {
      const content = secretContent(values, options.file);
      if (content === undefined) throw new SimCommandError("missing secret value or filename");
      const uri = await withModel(options, (simulator) =>
        simulator.addSecret(name, content, options.info === undefined ? {} : { info: options.info }),
      );
      process.stdout.write(`${uri}\n`);
    });

  for (const [verb, grant] of [
    ["grant-secret", true],
    ["revoke-secret", false],
  ] as const) {
    sim
      .command(verb)
      .description(grant ? "let applications read a user secret" : "stop applications reading a user secret")
      .argument("<secret>", "its URI, id or name")
      .argument("<apps>", "<application>[,<application>…]")
      .addOption(modelOption())
      .action(async (id: string, apps: string, options: { model: string }) => {
        await withModel(options, (simulator) =>
          grant ? simulator.grantSecret(id, appList(apps)) : simulator.revokeSecret(id, appList(apps)),
        );
      });
  }

  sim
    .command("secrets")
    .alias("list-secrets")
    .description("the model's secrets")
    .addOption(modelOption())
    .option("--owner <owner>", "only those of this owner (an application, a unit, or <model>)")
    .addOption(formatOption("yaml"))
    .action(async (options: { model: string; owner?: string; format: string }) => {
      await withModel(
        options,
        (simulator) => write(simulator.secrets(options.owner === undefined ? {} : { owner: options.owner }), options.format),
        {
          settle: false,
        },
      );
    });

  sim
    .command("show-secret")
    .description("a secret's details (and, with --reveal, its content)")
    .argument("<secret>", "its URI, id or name")
    .addOption(modelOption())
    .option("--reveal", "show the content")
    .option("-r, --revision <n>", "this revision (default the latest)")
    .option("--revisions", "each revision's metadata")
    .addOption(formatOption("yaml"))
    .action(async (id: string, options: { model: string; reveal?: boolean; revision?: string; revisions?: boolean; format: string }) => {
      await withModel(
        options,
        (simulator) =>
          write(
            simulator.showSecret(id, {
              reveal: options.reveal === true,
              revisions: options.revisions === true,
              ...(options.revision === undefined ? {} : { revision: wholeNumber(options.revision, "--revision") }),
            }),
            options.format,
          ),
        { settle: false },
      );
    });

  sim
    .command("update-secret")
    .description("new content (a new revision), description or name for a user secret")
    .argument("<secret>", "its URI, id or name")
    .argument("[values...]", "key=value pairs")
    .addOption(modelOption())
    .option("--file <yaml>", "a YAML file of the secret's keys and values")
    .option("--info <text>", "the new description")
    .option("--name <name>", "the new name")
    .option("--auto-prune", "accepted as juju takes it (the simulator keeps every revision until removed)")
    .action(async (id: string, values: string[], options: { model: string; file?: string; info?: string; name?: string }) => {
      const content = secretContent(values, options.file);
      await withModel(options, (simulator) =>
        simulator.updateSecret(id, content, {
          ...(options.info === undefined ? {} : { info: options.info }),
          ...(options.name === undefined ? {} : { name: options.name }),
        }),
      );
    });

  sim
    .command("remove-secret")
    .description("remove a user secret, or one of its revisions")
    .argument("<secret>", "its URI, id or name")
    .addOption(modelOption())
    .option("--revision <n>", "only this revision")
    .action(async (id: string, options: { model: string; revision?: string }) => {
      await withModel(options, (simulator) =>
        simulator.removeSecret(id, options.revision === undefined ? {} : { revision: wholeNumber(options.revision, "--revision") }),
      );
    });

  sim
    .command("show-unit")
    .description("a unit's charm, leadership, machine, ports and relation data")
    .argument("<unit>")
    .addOption(modelOption())
    .addOption(formatOption("yaml"))
    .action(async (unit: string, options: { model: string; format: string }) => {
      await withModel(options, (simulator) => write(simulator.showUnit(unit), options.format), { settle: false });
    });

  sim
    .command("ssh")
    .description("run a command on a unit's machine (the way juju exec runs it); its exit code is this command's")
    .argument("<target>", "a unit, <app>/leader, or a machine number")
    .argument("<command...>", "the command line (after --)")
    .addOption(modelOption())
    .action(async (target: string, command: string[], options: { model: string }) => {
      const task = await withModel(options, (simulator) => simulator.ssh(target.replace(/^[^@]*@/, ""), command.join(" ")));
      const { taskOf } = await import("tscharm/integration");
      const result = taskOf(task);
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      if (!result.success) process.exitCode = result.returnCode === 0 ? 1 : result.returnCode;
    });

  sim
    .command("scp")
    .description("copy a file into or out of a unit's machine (<unit>:<path>), through juju exec; at most 4 MiB")
    .argument("<source>")
    .argument("<destination>")
    .addOption(modelOption())
    .option("--no-host-key-checks", "accepted for juju compatibility")
    .action(async (source: string, destination: string, options: { model: string }) => {
      const remote = (path: string) => {
        const at = path.indexOf(":");
        return at <= 0 ? undefined : { target: path.slice(0, at).replace(/^[^@]*@/, ""), path: path.slice(at + 1) };
      };
      const [from, to] = [remote(source), remote(destination)];
      if ((from === undefined) === (to === undefined))
        throw new SimCommandError(`one of "${source}" and "${destination}" must be <unit>:<path> and the other a local path`);
      await withModel(
        options,
        async (simulator) => {
          if (to !== undefined) await simulator.copyToMachine(to.target, readFileSync(source), to.path);
          else if (from !== undefined) writeFileSync(destination, await simulator.copyFromMachine(from.target, from.path));
        },
        { settle: false },
      );
    });

  sim
    .command("trust")
    .description("let an application's charm read its cloud credential (or, with --remove, stop it); config-changed runs")
    .argument("<app>")
    .addOption(modelOption())
    .option("--remove", "remove the trust")
    .option("--scope <scope>", "accepted for juju compatibility (Kubernetes only)")
    .action(async (app: string, options: { model: string; remove?: boolean }) => {
      await withModel(options, (simulator) => simulator.trust(app, options.remove === true ? { remove: true } : {}));
    });
}
