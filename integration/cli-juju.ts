// `Juju.cli()`: the Juju client of a real controller, through the juju command line.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, join, resolve } from "node:path";

import { writeYaml } from "../project/juju-yaml.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import type { DeployOptions } from "../simulator/simulator.js";
import { CLIError, TaskError } from "./errors.js";
import { Juju, type RefreshOptions, type RemoveApplicationOptions } from "./juju-client.js";
import { type Status, parseStatus } from "./status-types.js";
import { type Task, taskFromJuju } from "./tasks.js";

export interface CliOptions {
  /** `[controller:][user/]model`; the current model when omitted. */
  readonly model?: string;
  /** The juju binary (default `juju` on PATH). */
  readonly cliBinary?: string;
  /** The default `wait` timeout, in milliseconds (default 180 000). */
  readonly waitTimeout?: number;
  /** The default time between two checks of `wait`, in milliseconds (default 1000). */
  readonly pollInterval?: number;
}

/**
 * `Juju.cli()`: each method runs the juju command Jubilant runs (with `--model` when given) and
 * parses its JSON output. A snap-confined juju cannot read `/tmp`: charms and params files under
 * it are copied to `~/snap/juju/common` first.
 */
export class CliJuju extends Juju {
  readonly model: string | undefined;
  readonly cliBinary: string;
  private readonly pollInterval: number;

  /** @internal */
  constructor(options: CliOptions) {
    super(options.waitTimeout ?? 180_000);
    this.model = options.model;
    this.cliBinary = options.cliBinary ?? "juju";
    this.pollInterval = options.pollInterval ?? 1000;
  }

  /** Runs `juju <args>` (with `--model` inserted after the command) and returns its stdout. */
  async cli(...args: string[]): Promise<string> {
    return (await this.invoke(args)).stdout;
  }

  async deploy(charm: string, options: DeployOptions = {}): Promise<void> {
    // The simulator deploys a built project directory; juju does not: a project has no
    // metadata.yaml or dispatch until it is packed, and Juju 4 refuses directories outright.
    if (existsSync(join(resolve(charm), "charmcraft.yaml"))) {
      throw new Error(
        `${charm} is a charm project, not a charm: juju deploys the packed .charm (\`npm run pack\`, then deploy ./<name>_<arch>.charm)`,
      );
    }
    await this.withReadableCopy(charm, async (path) => {
      const args = ["deploy", path];
      if (options.app !== undefined) args.push(options.app);
      if (options.numUnits !== undefined) args.push("--num-units", String(options.numUnits));
      for (const [key, value] of Object.entries(options.config ?? {})) args.push("--config", `${key}=${String(value)}`);
      if (options.trust === true) args.push("--trust");
      await this.cli(...args);
    });
  }

  async addUnit(app: string, options: { readonly numUnits?: number } = {}): Promise<void> {
    await this.cli("add-unit", app, ...(options.numUnits === undefined ? [] : ["--num-units", String(options.numUnits)]));
  }

  async removeUnit(...units: string[]): Promise<void> {
    await this.cli("remove-unit", "--no-prompt", ...units);
  }

  async removeApplication(app: string | readonly string[], options: RemoveApplicationOptions = {}): Promise<void> {
    const args = ["remove-application", "--no-prompt", ...(typeof app === "string" ? [app] : app)];
    if (options.destroyStorage === true) args.push("--destroy-storage");
    if (options.force === true) args.push("--force");
    await this.cli(...args);
  }

  async integrate(app1: string, app2: string): Promise<void> {
    await this.cli("integrate", app1, app2);
  }

  async removeRelation(app1: string, app2: string): Promise<void> {
    await this.cli("remove-relation", app1, app2);
  }

  protected async readConfig(app: string): Promise<Record<string, ConfigValue>> {
    const settings =
      (JSON.parse(await this.cli("config", "--format", "json", app)) as { settings?: Record<string, { value?: ConfigValue }> }).settings ??
      {};
    const config: Record<string, ConfigValue> = {};
    for (const [key, setting] of Object.entries(settings)) if (setting.value !== undefined) config[key] = setting.value;
    return config;
  }

  protected async writeConfig(app: string, values: Readonly<Record<string, ConfigValue>>, reset: readonly string[]): Promise<void> {
    const args = ["config", app, ...Object.entries(values).map(([key, value]) => `${key}=${String(value)}`)];
    if (reset.length > 0) args.push("--reset", reset.join(","));
    await this.cli(...args);
  }

  async run(unit: string, action: string, params?: JsonObject): Promise<Task> {
    const run = async (paramsFile: string | undefined): Promise<Task> =>
      this.taskOutput(
        ["run", "--format", "json", unit, action, ...(paramsFile === undefined ? [] : ["--params", paramsFile])],
        `action "${action}"`,
      );
    if (params === undefined) return run(undefined);
    const dir = mkdtempSync(join(tmpdir(), "tscharm-params-"));
    try {
      const file = join(dir, "params.yaml");
      // Juju reads it with YAML 1.1: "no" must reach the action as the string it is.
      writeFileSync(file, writeYaml(params));
      return await this.withReadableCopy(file, run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async exec(unit: string, command: string, ...args: string[]): Promise<Task> {
    return this.taskOutput(["exec", "--format", "json", "--unit", unit, "--", command, ...args], "command");
  }

  async status(): Promise<Status> {
    return parseStatus(JSON.parse(await this.cli("status", "--format", "json")));
  }

  async debugLog(options: { readonly limit?: number } = {}): Promise<string> {
    return this.cli("debug-log", "--no-tail", ...(options.limit === undefined ? [] : ["--limit", String(options.limit)]));
  }

  async resolve(unit: string, options: { readonly noRetry?: boolean } = {}): Promise<void> {
    await this.cli("resolve", ...(options.noRetry === true ? ["--no-retry"] : []), unit);
  }

  async refresh(app: string, options: RefreshOptions): Promise<void> {
    await this.withReadableCopy(options.path, (path) =>
      this.cli("refresh", app, "--path", path, ...(options.forceUnits === true ? ["--force-units"] : [])),
    );
  }

  async close(): Promise<void> {
    // Nothing to release: every method is one process.
  }

  protected async advance(delay: number | undefined): Promise<"progressed" | "idle"> {
    await new Promise((done) => setTimeout(done, delay ?? this.pollInterval));
    return "progressed";
  }

  private async invoke(args: readonly string[]): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const [command, ...rest] = args;
    const full = command === undefined ? [] : [command, ...(this.model === undefined ? [] : ["--model", this.model]), ...rest];
    // execa takes ~0.2 s to load: only this client needs it.
    const { execa } = await import("execa");
    const result = await execa(this.cliBinary, full, { reject: false, stdin: "ignore" });
    const { stdout, stderr } = result;
    const exitCode = result.exitCode ?? 1;
    if (exitCode !== 0) throw new CLIError(full, exitCode, stdout, stderr);
    return { stdout, stderr, exitCode };
  }

  /** `juju run`/`juju exec` exit 1 with "task failed" when the task failed, and still print it. */
  private async taskOutput(args: readonly string[], what: string): Promise<Task> {
    let stdout: string;
    let stderr = "";
    try {
      stdout = (await this.invoke(args)).stdout;
    } catch (error) {
      if (!(error instanceof CLIError) || !error.stderr.includes("task failed")) throw error;
      stdout = error.stdout;
      stderr = error.stderr;
    }
    const results = stdout.trim() === "" ? {} : (JSON.parse(stdout) as Record<string, unknown>);
    // `app/leader` comes back as `app/N`: take the one entry rather than looking the name up.
    const entry = Object.values(results)[0];
    if (entry === undefined) throw new Error(`juju ran no ${what}: ${stderr.trim()}`);
    const task = taskFromJuju(entry);
    if (!task.success) throw new TaskError(task);
    return task;
  }

  /** Runs `use` with a path the juju binary can read: a copy under ~/snap/juju/common for a snap juju and a /tmp file. */
  private async withReadableCopy<T>(path: string, use: (path: string) => Promise<T>): Promise<T> {
    const absolute = resolve(path);
    if (!this.isSnap() || !absolute.startsWith(`${tmpdir()}/`)) return use(absolute);
    const common = join(homedir(), "snap", "juju", "common");
    mkdirSync(common, { recursive: true });
    const dir = mkdtempSync(join(common, "tscharm-"));
    try {
      const copy = join(dir, basename(absolute));
      copyFileSync(absolute, copy);
      return await use(copy);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Whether the juju binary is a snap: /snap/bin/juju is a link to /usr/bin/snap. */
  private isSnap(): boolean {
    const candidates = this.cliBinary.includes("/")
      ? [this.cliBinary]
      : (process.env["PATH"] ?? "").split(delimiter).map((dir) => join(dir, this.cliBinary));
    const found = candidates.find((candidate) => existsSync(candidate));
    if (found === undefined) return false;
    const real = realpathSync(found);
    return real === "/usr/bin/snap" || real.startsWith("/snap/");
  }
}
