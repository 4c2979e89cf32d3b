// `tscharm sim …`: the local Juju simulator from the shell, one juju-like command at a time. The
// model lives in a directory (`-m`, default ./.tscharm-sim); each command loads it, makes its
// change, runs the units until they are idle (printing each hook to stderr) and saves it. A
// command that leaves units in error still exits 0, as juju's would (the stand-in `juju` of
// `Juju.cli` tests runs these commands), and says so on its last line.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

import { Option } from "commander";
import { stringify } from "yaml";
import type { LogEntry, Simulator, SimulatorOptions, TaskRecord } from "tscharm/integration";

import type { JsonValue } from "../runtime/meta.js";
import { TscharmError, YamlError } from "../project/errors.js";
import { readYaml } from "../project/juju-yaml.js";
import { TSCHARM_ROOT } from "./package-root.js";
import { addJujuSimCommands, finishTask, recordVia, refuseCharmhubOptions } from "./sim-juju.js";

/**
 * tscharm's compiled simulator, loaded on first use so that init, build and pack work in a
 * checkout where `npm run build` has not compiled lib/ yet.
 */
export async function integration(): Promise<Integration> {
  try {
    loaded = await import("tscharm/integration");
    return loaded;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code !== "ERR_MODULE_NOT_FOUND" && code !== "ERR_PACKAGE_PATH_NOT_EXPORTED") throw error;
    throw new SimCommandError(
      `the simulator is not compiled: run \`npm run build\` in ${TSCHARM_ROOT} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
}

type Integration = typeof import("tscharm/integration");
let loaded: Integration | undefined;

/** The simulator's module if a command has loaded it (so that the CLI can tell its errors), else undefined. */
export function loadedIntegration(): Integration | undefined {
  return loaded;
}

export const DEFAULT_MODEL_DIR = ".tscharm-sim";

/** `key=value` arguments (repeatable options and positionals), split at the first `=`. */
export function keyValues(pairs: readonly string[]) {
  const values: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new SimCommandError(`expected key=value, got "${pair}"`);
    values[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return values;
}

/**
 * Action params given as `key=value`: each value is read as YAML, as `juju run` reads them, with
 * Juju's YAML 1.1 (gopkg.in/yaml.v2): `3` is a number, `true`, `yes`, `off` and `y` are booleans,
 * `"no"` and `'3'` are strings, and a value with no YAML node at all (`key=`) stays the text.
 */
export function actionParams(pairs: readonly string[]): Record<string, JsonValue> {
  const params: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(keyValues(pairs))) {
    params[key] = jujuYaml(value, `param ${key}`, value) as JsonValue;
  }
  return params;
}

/**
 * A `juju run --params` file, read as Juju reads it (YAML 1.1, gopkg.in/yaml.v2).
 */
export function actionParamsFile(path: string): Record<string, JsonValue> {
  const params = jujuYaml(readFileSync(path, "utf8"), path, {});
  if (typeof params !== "object" || params === null || Array.isArray(params))
    throw new SimCommandError(`${path} must hold a YAML mapping of params`);
  return params as Record<string, JsonValue>;
}

export function jujuYaml(text: string, what: string, empty: unknown) {
  try {
    return readYaml(text, { file: what, readers: ["juju"], empty });
  } catch (error) {
    if (error instanceof YamlError) throw new SimCommandError(error.message);
    throw error;
  }
}

/** A mistake on the command line, or something the model refuses: one line, exit 1. */
export class SimCommandError extends TscharmError {
  override name = "SimCommandError";

  constructor(message: string, options?: ErrorOptions) {
    super("sim-command", message, options);
  }
}

export const collect = (value: string, previous: string[]) => [...previous, value];

/**
 * Opens the model (creating it when `create` is given and there is none), runs `change`, settles
 * the units and saves.
 * @template T
 */
export async function withModel<T>(
  options: { model: string },
  change: (simulator: Simulator) => T | Promise<T>,
  how: { create?: SimulatorOptions; settle?: boolean } = {},
): Promise<T> {
  const dir = resolve(options.model);
  const exists = existsSync(resolve(dir, "model.json"));
  if (!exists && how.create === undefined)
    throw new SimCommandError(`no simulated model in ${options.model}: start one with \`tscharm sim deploy\``);
  const { Simulator } = await integration();
  const simulator = exists ? await Simulator.open(dir) : await Simulator.create({ ...how.create, dir, persistent: true });
  try {
    const result = await change(simulator);
    if (how.settle !== false) {
      await settle(simulator);
      await reportUnitsInError(simulator);
    }
    return result;
  } finally {
    simulator.save();
    await simulator.close();
  }
}

/**
 * Runs the model until idle, printing one line per operation on stderr (and, under a hook that
 * failed, its error records and the end of its stderr).
 */
async function settle(simulator: Simulator) {
  const show = await historyPrinter(simulator);
  show();
  while (await simulator.step()) show();
}

/**
 * Prints on stderr what the simulator's history gained since the last call (since now, the first time).
 */
async function historyPrinter(simulator: Simulator) {
  const { entryFailed } = await integration();
  let shown = simulator.history().at(-1)?.seq ?? 0;
  return () => {
    for (const entry of simulator.history()) {
      if (entry.seq <= shown) continue;
      shown = entry.seq;
      const details = entry.kind === "hook" && entryFailed(entry) ? failureDetails(entry) : [];
      process.stderr.write(`${[describeEntry(entry), ...details].join("\n")}\n`);
    }
  };
}

/**
 * The last line of a command after which units are in error: which, the failed hook, what to do.
 * Juju's deploy returns before any hook runs; this one has run them, so it tells how they ended.
 */
async function reportUnitsInError(simulator: Simulator) {
  const { parseStatus } = await integration();
  const failed = Object.values(parseStatus(simulator.status()).apps).flatMap((app) =>
    Object.entries(app.units)
      .filter(([, unit]) => unit.workloadStatus.current === "error")
      .map(([name, unit]) => `${name} (${unit.workloadStatus.message})`),
  );
  if (failed.length === 0) return;
  const which = failed.length === 1 ? "1 unit is" : `${String(failed.length)} units are`;
  process.stderr.write(
    `tscharm: ${which} in error: ${failed.join(", ")}; ` +
      "`tscharm sim debug-log` shows why, `tscharm sim resolve <unit>` runs the hook again\n",
  );
}

/**
 * Under a hook that failed: its ERROR records (first lines) and the last lines of its stderr, indented.
 */
function failureDetails(entry: LogEntry): string[] {
  const records = entry.logs
    .filter((log) => log.level === "ERROR" || log.level === "CRITICAL")
    .map((log) => `    ${log.level} ${log.message.split("\n", 1)[0] ?? ""}`);
  const stderr = entry.stderr
    .split("\n")
    .filter((line) => line !== "")
    .slice(-5)
    .map((line) => `    stderr: ${line}`);
  return [...records, ...stderr];
}

export function describeEntry(entry: LogEntry) {
  if (entry.kind === "controller") return `controller: ${entry.name}`;
  const detail = entry.detail === "" ? "" : ` (${entry.detail})`;
  const ran =
    entry.exitCode === undefined
      ? ""
      : ` [exit ${String(entry.exitCode)}, ${String(Math.round(entry.durationMs))} ms, ${String(entry.calls.length)} tool calls]`;
  return `${entry.unit}: ${entry.name}${detail}: ${entry.outcome}${ran}`;
}

export async function printTask(record: TaskRecord, format: string) {
  const { taskOf } = await integration();
  const entry = {
    [record.unit]: {
      id: record.id,
      ...(record.log.length > 0 ? { log: record.log } : {}),
      ...(record.message === "" ? {} : { message: record.message }),
      results: record.results,
      status: record.status,
      unit: record.unit,
    },
  };
  const task = taskOf(record);
  if (format === "json") process.stdout.write(`${JSON.stringify(entry)}\n`);
  else if (format === "yaml") process.stdout.write(stringify(entry));
  else {
    for (const line of task.log) process.stdout.write(`${line}\n`);
    if (Object.keys(task.results).length > 0) process.stdout.write(stringify(task.results));
    if (task.stdout !== "") process.stdout.write(task.stdout);
    if (task.stderr !== "") process.stderr.write(task.stderr);
  }
  if (!task.success) {
    // juju run / juju exec: exit 1 and say so when the task failed.
    process.stderr.write(
      `ERROR the following task failed:\n id "${task.id}" with return code ${String(task.returnCode)}` +
        `${task.message === "" ? "" : `: ${task.message}`}\n\nuse 'juju show-task' to inspect the failure\n`,
    );
    process.exitCode = 1;
  }
}

export function addSimCommands(program: import("commander").Command) {
  const sim = program
    .command("sim")
    .description("a local Juju model in a directory: deploy, add units, integrate, run actions, watch status")
    .addHelpText(
      "after",
      `\nThe model lives in -m <dir> (default ./${DEFAULT_MODEL_DIR}). Every command runs the units until they are idle.`,
    );
  const modelOption = () => new Option("-m, --model <dir>", "the directory holding the simulated model").default(DEFAULT_MODEL_DIR);

  sim
    .command("deploy")
    .description("deploy a .charm, or a built charm project (creates the model if there is none)")
    .argument("<charm>", "a .charm file, or a directory where `tscharm build` ran")
    .argument("[app]", "the application name (default: the charm's name)")
    .addOption(modelOption())
    .option("-n, --num-units <n>", "how many units", "1")
    .option("--config <key=value>", "a config value (repeatable)", collect, [])
    .option("--trust", "let the charm read its cloud credential")
    .option(
      "--env <KEY=VALUE>",
      "when creating the model: extra environment for every hook ({machine}, {unit} are replaced; repeatable)",
      collect,
      [],
    )
    .option("--seed <n>", "when creating the model: vary the order units run their hooks, reproducibly")
    .option("--base <base>", "accepted as juju takes it (a simulated machine has no image to choose)")
    .option("--constraints <k=v>", "accepted as juju takes it (a simulated machine has no hardware to choose; repeatable)", collect, [])
    .option("--channel <channel>", "refused: the simulator deploys local charms, not Charmhub's")
    .option("--revision <n>", "refused: the simulator deploys local charms, not Charmhub's")
    .option("--resource <name=value>", "refused: the simulator does not attach resources yet (repeatable)", collect, [])
    .option("--to <placement>", "refused: the simulator puts each unit on a machine of its own")
    .option("--storage <name=constraints>", "refused: units get the storage their charm declares (repeatable)", collect, [])
    .option("--juju-version <version>", "when creating the model: the Juju it runs, 3.6.x or 4.x (default 3.6.4; docs/juju-versions.md)")
    .option(
      "--machines <mode>",
      "when creating the model: isolated, shared or auto: whether each machine gets namespaces of its own (default: $TSCHARM_MACHINES, else auto)",
    )
    .action(
      async (
        charm: string,
        app: string | undefined,
        options: {
          model: string;
          numUnits: string;
          config: string[];
          trust?: boolean;
          env: string[];
          seed?: string;
          channel?: string;
          revision?: string;
          resource: string[];
          to?: string;
          storage: string[];
          jujuVersion?: string;
          machines?: string;
        },
      ) => {
        refuseCharmhubOptions(options);
        const seed = options.seed === undefined ? undefined : Number(options.seed);
        if (seed !== undefined && !Number.isInteger(seed))
          throw new SimCommandError(`--seed must be a whole number, not "${options.seed ?? ""}"`);
        const creating = options.env.length > 0 || seed !== undefined || options.jujuVersion !== undefined;
        if (existsSync(resolve(options.model, "model.json")) && creating) {
          throw new SimCommandError(
            `--env, --seed and --juju-version apply when a model is created, and ${options.model} already holds one`,
          );
        }
        if (existsSync(resolve(options.model, "model.json")) && options.machines !== undefined)
          throw new SimCommandError(`--machines applies when a model is created, and ${options.model} already holds one`);
        const machines = options.machines === undefined ? undefined : machineIsolation(options.machines);
        const create = {
          env: keyValues(options.env),
          ...(seed === undefined ? {} : { seed }),
          ...(options.jujuVersion === undefined ? {} : { jujuVersion: options.jujuVersion }),
          ...(machines === undefined ? {} : { machines }),
        };
        await withModel(
          options,
          (simulator) => {
            simulator.deploy(charm, {
              ...(app === undefined ? {} : { app }),
              numUnits: wholeNumber(options.numUnits, "--num-units"),
              config: keyValues(options.config),
              trust: options.trust === true,
            });
          },
          { create },
        );
      },
    );

  sim
    .command("add-unit")
    .description("add units to an application")
    .argument("<app>")
    .addOption(modelOption())
    .option("-n, --num-units <n>", "how many", "1")
    .action(async (app: string, options: { model: string; numUnits: string }) => {
      await withModel(options, (simulator) => simulator.addUnit(app, wholeNumber(options.numUnits, "--num-units")));
    });

  sim
    .command("remove-unit")
    .description("remove units: they run their teardown hooks, then leave (a new leader is elected if the leader goes)")
    .argument("<units...>")
    .addOption(modelOption())
    .option("--no-prompt", "accepted for juju compatibility")
    .action(async (units: string[], options: { model: string }) => {
      await withModel(options, (simulator) => simulator.removeUnit(...units));
    });

  sim
    .command("remove-application")
    .description("remove applications: their relations and units go (every unit tears down), then the applications")
    .argument("<apps...>")
    .addOption(modelOption())
    .option("--destroy-storage", "accepted for juju compatibility (storage never outlives its unit here)")
    .option("--force", "remove a unit whose teardown hook fails at once, instead of leaving it in error")
    .option("--no-prompt", "accepted for juju compatibility")
    .action(async (apps: string[], options: { model: string; destroyStorage?: boolean; force?: boolean }) => {
      await withModel(options, (simulator) => {
        for (const app of apps) {
          simulator.removeApplication(app, { force: options.force === true, destroyStorage: options.destroyStorage === true });
          process.stdout.write(`will remove application ${app}\n`);
        }
      });
    });

  sim
    .command("integrate")
    .description("relate two applications (app or app:endpoint)")
    .argument("<app1>")
    .argument("<app2>")
    .addOption(modelOption())
    .option("--via <cidrs>", "for a cross-model relation, the egress subnets (checked, and recorded in the debug log)")
    .action(async (a: string, b: string, options: { model: string; via?: string }) => {
      await withModel(options, (simulator) => recordVia(simulator, a, b, options.via));
    });

  sim
    .command("remove-relation")
    .description("remove a relation: every unit departs and runs relation-broken")
    .argument("<app1>")
    .argument("<app2>")
    .addOption(modelOption())
    .action(async (a: string, b: string, options: { model: string }) => {
      await withModel(options, (simulator) => simulator.removeRelation(a, b));
    });

  sim
    .command("config")
    .description("show an application's config, or set (key=value) and reset options")
    .argument("<app>")
    .argument("[values...]", "key=value pairs to set")
    .addOption(modelOption())
    .option("--reset <keys>", "comma-separated options to reset to their defaults")
    .addOption(new Option("--format <format>", "output format when showing").choices(["yaml", "json"]).default("yaml"))
    .action(async (app: string, values: string[], options: { model: string; reset?: string; format: string }) => {
      const reset =
        options.reset === undefined
          ? []
          : options.reset
              .split(",")
              .map((key) => key.trim())
              .filter((key) => key !== "");
      if (values.length === 0 && reset.length === 0) {
        await withModel(
          options,
          (simulator) => {
            const settings = configSettings(simulator, app);
            const shown = { application: app, charm: simulator.model.app(app).meta?.name ?? app, settings };
            process.stdout.write(options.format === "json" ? `${JSON.stringify(shown)}\n` : stringify(shown));
          },
          { settle: false },
        );
        return;
      }
      await withModel(options, (simulator) => simulator.setConfig(app, keyValues(values), reset));
    });

  sim
    .command("run")
    .description("run an action on a unit (or <app>/leader) and wait for it")
    .argument("<unit>")
    .argument("<action>")
    .argument(
      "[params...]",
      'key=value params, each value read as juju run reads it (YAML 1.1: 3 is a number, no a boolean, "no" a string)',
    )
    .addOption(modelOption())
    .option("--params <file>", "a YAML file of params")
    .option("--wait <duration>", "give up after this long (a Go duration: 30s, 5m), as juju run does")
    .addOption(new Option("--format <format>", "output format").choices(["plain", "yaml", "json"]).default("plain"))
    .action(
      async (
        unit: string,
        action: string,
        params: string[],
        options: { model: string; params?: string; format: string; wait?: string },
      ) => {
        let record: TaskRecord | undefined;
        await withModel(options, async (simulator) => {
          const given = { ...(options.params === undefined ? {} : actionParamsFile(options.params)), ...actionParams(params) };
          const task = simulator.enqueueAction(unit, action, given);
          record = await finishTask(simulator, task.id, options.wait);
        });
        if (record !== undefined) await printTask(record, options.format);
      },
    );

  sim
    .command("exec")
    .description("run a shell command on a unit in a hook context (hook tools on PATH)")
    .requiredOption("--unit <unit>", "the unit (or <app>/leader)")
    .argument("<command...>", "the command line (after --)")
    .addOption(modelOption())
    .option("--wait <duration>", "give up after this long (a Go duration: 30s, 5m), as juju exec does")
    .addOption(new Option("--format <format>", "output format").choices(["plain", "yaml", "json"]).default("plain"))
    .action(async (command: string[], options: { model: string; unit: string; format: string; wait?: string }) => {
      let record: TaskRecord | undefined;
      await withModel(options, async (simulator) => {
        record = await finishTask(simulator, simulator.enqueueExec(options.unit, command.join(" ")).id, options.wait);
      });
      if (record !== undefined) await printTask(record, options.format);
    });

  sim
    .command("status")
    .description("the model's status, as juju status prints it")
    .addOption(modelOption())
    .addOption(new Option("--format <format>", "output format").choices(["tabular", "json", "yaml"]).default("tabular"))
    .action(async (options: { model: string; format: string }) => {
      await withModel(
        options,
        async (simulator) => {
          const { formatStatusTable, parseStatus } = await integration();
          const status = simulator.status();
          if (options.format === "json") process.stdout.write(`${JSON.stringify(status)}\n`);
          else if (options.format === "yaml") process.stdout.write(stringify(status));
          else process.stdout.write(formatStatusTable(parseStatus(status)));
        },
        { settle: false },
      );
    });

  sim
    .command("debug-log")
    .description("every hook, action and exec run: exit codes, tool calls, juju-log lines")
    .addOption(modelOption())
    .option("--limit <n>", "only the last n lines")
    .option(
      "-n, --lines <n>",
      "as juju: start this many lines back, then --limit stops after n (juju's default is 10; here, the whole log)",
    )
    .option("--replay", "as juju: the whole log")
    .option("--no-tail", "accepted for juju compatibility (the log never tails)")
    .action(async (options: { model: string; limit?: string; lines?: string; replay?: boolean }) => {
      await withModel(
        options,
        async (simulator) => {
          const { debugLogLines } = await integration();
          let lines = debugLogLines(simulator.history());
          // juju/juju cmd/juju/commands/debuglog.go: --lines is where the log starts (unless --replay),
          // --limit stops it after that many lines.
          const backlog = options.lines === undefined || options.replay === true ? 0 : wholeNumber(options.lines, "--lines");
          if (backlog > 0) lines = lines.slice(-backlog);
          const limit = options.limit === undefined ? 0 : wholeNumber(options.limit, "--limit");
          // Without --lines or --replay, --limit keeps the last n lines, as this command always has.
          if (limit > 0) lines = backlog > 0 || options.replay === true ? lines.slice(0, limit) : lines.slice(-limit);
          for (const line of lines) process.stdout.write(`${line}\n`);
        },
        { settle: false },
      );
    });

  sim
    .command("resolve")
    .description("retry a unit's failed hook (or, with --no-retry, mark it done)")
    .argument("<unit>")
    .addOption(modelOption())
    .option("--no-retry", "do not run the hook again")
    .action(async (unit: string, options: { model: string; retry: boolean }) => {
      await withModel(options, (simulator) => simulator.resolve(unit, { noRetry: !options.retry }));
    });

  sim
    .command("update-status")
    .description("run update-status now (Juju runs it every 5 minutes)")
    .argument("[units...]", "which units (default: all)")
    .addOption(modelOption())
    .action(async (units: string[], options: { model: string }) => {
      await withModel(options, (simulator) => simulator.updateStatus(units.length > 0 ? units : undefined));
    });

  sim
    .command("refresh")
    .description("upgrade an application to a new charm: upgrade-charm, config-changed, start on every unit")
    .argument("<app>")
    .requiredOption("--path <charm>", "the new .charm, or a built charm project")
    .option("--force-units", "units in error take the new charm now (and stay in error, without upgrade-charm)")
    .addOption(modelOption())
    .action(async (app: string, options: { model: string; path: string; forceUnits?: boolean }) => {
      await withModel(options, (simulator) => {
        simulator.refresh(app, options.path, { forceUnits: options.forceUnits === true });
      });
    });

  addJujuSimCommands(sim, modelOption);

  sim
    .command("destroy")
    .description(
      "destroy the model as `juju destroy-model --force` does: every unit tears down, leftover processes are stopped, the directory goes",
    )
    .addOption(modelOption())
    .option("--no-prompt", "accepted for juju compatibility")
    .option("--force", "accepted for juju compatibility (the simulator always forces what cannot tear down)")
    .option("--timeout <seconds>", "how long the units may take to tear down before the rest is removed by force", "30")
    .action(async (options: { model: string; timeout: string }) => {
      if (!existsSync(resolve(options.model, "model.json"))) throw new SimCommandError(`no simulated model in ${options.model}`);
      const timeoutMs = wholeNumber(options.timeout, "--timeout") * 1000;
      const { Simulator } = await integration();
      const simulator = await Simulator.open(resolve(options.model));
      const show = await historyPrinter(simulator);
      try {
        await simulator.destroy({ timeoutMs });
      } finally {
        show();
        await simulator.close({ remove: true });
      }
    });
}

/** The `settings` of `juju config --format json`. */
function configSettings(simulator: Simulator, app: string) {
  const effective = simulator.config(app);
  const set = simulator.model.app(app).config;
  const settings: Record<string, Record<string, unknown>> = {};
  for (const [key, option] of Object.entries(simulator.model.app(app).meta?.config ?? {})) {
    settings[key] = {
      ...(option.default === undefined ? {} : { default: option.default }),
      ...(option.description === undefined ? {} : { description: option.description }),
      source: key in set ? "user" : option.default === undefined ? "unset" : "default",
      type: option.type,
      ...(effective[key] === undefined ? {} : { value: effective[key] }),
    };
  }
  return settings;
}

/** --machines: how machines are isolated (simulator/machines.ts). */
function machineIsolation(text: string): "isolated" | "shared" | "auto" {
  if (text === "isolated" || text === "shared" || text === "auto") return text;
  throw new SimCommandError(`--machines must be isolated, shared or auto, not "${text}"`);
}

export function wholeNumber(text: string, flag: string) {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new SimCommandError(`${flag} must be a whole number, not "${text}"`);
  return value;
}
