// `Juju.cli()`: the Juju client of a real controller, through the juju command line.

import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { basename, delimiter, extname, join, resolve } from "node:path";

import { writeYaml } from "../project/juju-yaml.js";
import type { ConfigValue, JsonObject } from "../runtime/meta.js";
import { CLIError, TaskError, TaskTimeoutError } from "./errors.js";
import {
  type AddModelOptions,
  type ClientDeployOptions,
  type DestroyModelOptions,
  Juju,
  type RefreshOptions,
  type RemoveApplicationOptions,
  type ShowSecretOptions,
  type TaskOptions,
} from "./juju-client.js";
import { type Secret, parseSecrets } from "./secret-types.js";
import { type Status, parseStatus } from "./status-types.js";
import { type Task, taskFromJuju } from "./tasks.js";
import { type UnitInfo, parseUnitInfo } from "./unit-types.js";

export interface CliOptions {
  /** `[controller:][user/]model`; the current model when omitted. */
  readonly model?: string;
  /** The juju binary (default `juju` on PATH). */
  readonly cliBinary?: string;
  /** The default `wait` timeout, in milliseconds (default 180 000). */
  readonly waitTimeout?: number;
  /** The default time between two checks of `wait`, in milliseconds (default 1000). */
  readonly pollInterval?: number;
  /**
   * Whether juju is snap-confined, so that it reads files only under `~/snap/juju/common`
   * (default: whether the binary is the snap's, `/snap/bin/juju`).
   */
  readonly snapConfined?: boolean;
}

/** How `cli()` runs one command. */
export interface CliCallOptions {
  /** Insert `--model <model>` after the command (default true; the client's model, if it has one). */
  readonly includeModel?: boolean;
  /** Text for the command's standard input. */
  readonly stdin?: string;
}

/**
 * `Juju.cli()`: each method runs the juju command Jubilant runs (with `--model` when the client
 * has one) and parses its JSON output. A snap-confined juju reads files only under
 * `~/snap/juju/common`: when juju is a snap, every local charm, resource, params and secret
 * file it is given is put there first (and removed after), as Jubilant does.
 */
export class CliJuju extends Juju {
  private currentModel: string | undefined;
  readonly cliBinary: string;
  private readonly pollInterval: number;
  private readonly snapConfined: boolean | undefined;

  /** @internal */
  constructor(options: CliOptions) {
    super(options.waitTimeout ?? 180_000);
    this.currentModel = options.model;
    this.snapConfined = options.snapConfined;
    this.cliBinary = options.cliBinary ?? "juju";
    this.pollInterval = options.pollInterval ?? 1000;
  }

  get model(): string | undefined {
    return this.currentModel;
  }

  protected useModel(model: string | undefined): void {
    this.currentModel = model;
  }

  /**
   * Runs `juju <args>` (with `--model` inserted after the command, unless the last argument says
   * `{ includeModel: false }`) and returns its stdout; a non-zero exit is a `CLIError`.
   */
  async cli(...args: string[] | [...string[], CliCallOptions]): Promise<string> {
    const last = args.at(-1);
    const options = typeof last === "object" ? last : {};
    return (
      await this.invoke(
        (args as readonly (string | CliCallOptions)[]).filter((arg): arg is string => typeof arg === "string"),
        options,
      )
    ).stdout;
  }

  async deploy(charm: string, options: ClientDeployOptions = {}): Promise<void> {
    // As Jubilant: a path starts with "." or "/"; anything else is a Charmhub name, passed on as it is.
    const local = charm.startsWith(".") || charm.startsWith("/");
    // The simulator deploys a built project directory; juju does not: a project has no
    // metadata.yaml or dispatch until it is packed, and Juju 4 refuses directories outright.
    if (local && existsSync(join(resolve(charm), "charmcraft.yaml"))) {
      throw new Error(
        `${charm} is a charm project, not a charm: juju deploys the packed .charm (\`npm run pack\`, then deploy ./<name>_<arch>.charm)`,
      );
    }
    const resources = Object.entries(options.resources ?? {});
    const files = [
      ...(local ? [{ key: "charm", path: resolve(charm), name: basename(charm) }] : []),
      ...resources
        .filter(([, value]) => value.startsWith(".") || value.startsWith("/"))
        .map(([key, value]) => ({ key: `resource:${key}`, path: resolve(value), name: `${key}${extname(value)}` })),
    ];
    await this.withReadableFiles(files, async (paths) => {
      const args = ["deploy", local ? (paths.get("charm") ?? charm) : charm];
      if (options.app !== undefined) args.push(options.app);
      if (options.base !== undefined) args.push("--base", options.base);
      if (options.channel !== undefined) args.push("--channel", options.channel);
      for (const [key, value] of Object.entries(options.config ?? {})) args.push("--config", formatValue(key, value));
      for (const [key, value] of Object.entries(options.constraints ?? {})) args.push("--constraints", formatValue(key, value));
      if (options.numUnits !== undefined && options.numUnits !== 1) args.push("--num-units", String(options.numUnits));
      for (const [key, value] of resources) args.push("--resource", `${key}=${paths.get(`resource:${key}`) ?? value}`);
      if (options.revision !== undefined) args.push("--revision", String(options.revision));
      for (const [key, value] of Object.entries(options.storage ?? {})) args.push("--storage", `${key}=${value}`);
      if (options.to !== undefined) args.push("--to", typeof options.to === "string" ? options.to : options.to.join(","));
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

  async integrate(app1: string, app2: string, options: { readonly via?: string | readonly string[] } = {}): Promise<void> {
    const via = options.via === undefined ? "" : typeof options.via === "string" ? options.via : options.via.join(",");
    await this.cli("integrate", app1, app2, ...(via === "" ? [] : ["--via", via]));
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
    const args = ["config", app, ...Object.entries(values).map(([key, value]) => formatValue(key, value))];
    if (reset.length > 0) args.push("--reset", reset.join(","));
    await this.cli(...args);
  }

  async run(unit: string, action: string, params?: JsonObject, options: TaskOptions = {}): Promise<Task> {
    const args = ["run", "--format", "json", unit, action, ...waitArgs(options)];
    if (params === undefined) return this.taskOutput(args, `action "${action}"`);
    // Juju reads the file with YAML 1.1: "no" must reach the action as the string it is.
    return this.withContentFile("params.yaml", writeYaml(params), (file) =>
      this.taskOutput([...args, "--params", file], `action "${action}"`),
    );
  }

  protected async execTask(unit: string, command: string, args: readonly string[], options: TaskOptions): Promise<Task> {
    return this.taskOutput(["exec", "--format", "json", "--unit", unit, ...waitArgs(options), "--", command, ...args], "command");
  }

  async status(): Promise<Status> {
    return parseStatus(JSON.parse(await this.cli("status", "--format", "json")));
  }

  /**
   * `juju debug-log --no-tail`: juju shows the last `--lines` lines (10 unless told), so the whole
   * log needs `--replay`, and a limit of N needs `--lines N` as well as `--limit N` (juju/juju
   * cmd/juju/commands/debuglog.go: `--lines` is the backlog, `--limit` only stops the stream).
   */
  async debugLog(options: { readonly limit?: number } = {}): Promise<string> {
    const limit = options.limit ?? 0;
    return this.cli("debug-log", "--no-tail", ...(limit > 0 ? ["--lines", String(limit), "--limit", String(limit)] : ["--replay"]));
  }

  async resolve(unit: string, options: { readonly noRetry?: boolean } = {}): Promise<void> {
    await this.cli("resolve", ...(options.noRetry === true ? ["--no-retry"] : []), unit);
  }

  async refresh(app: string, options: RefreshOptions): Promise<void> {
    const file = { key: "charm", path: resolve(options.path), name: basename(options.path) };
    await this.withReadableFiles([file], (paths) =>
      this.cli("refresh", app, "--path", paths.get("charm") ?? file.path, ...(options.forceUnits === true ? ["--force-units"] : [])),
    );
  }

  async addModel(name: string, options: AddModelOptions = {}): Promise<void> {
    const args = ["add-model", "--no-switch", name];
    if (options.cloud !== undefined) args.push(options.cloud);
    if (options.controller !== undefined) args.push("--controller", options.controller);
    for (const [key, value] of Object.entries(options.config ?? {})) args.push("--config", formatValue(key, value));
    if (options.credential !== undefined) args.push("--credential", options.credential);
    await this.cli(...args, { includeModel: false });
    this.currentModel = options.controller === undefined ? name : `${options.controller}:${name}`;
  }

  async destroyModel(model: string, options: DestroyModelOptions = {}): Promise<void> {
    const args = ["destroy-model", model, "--no-prompt"];
    if (options.destroyStorage === true) args.push("--destroy-storage");
    if (options.force === true) args.push("--force");
    if (options.noWait === true) args.push("--no-wait");
    if (options.releaseStorage === true) args.push("--release-storage");
    if (options.timeout !== undefined) args.push("--timeout", `${String(options.timeout / 1000)}s`);
    await this.cli(...args, { includeModel: false });
    if (this.currentModel !== undefined && sameModel(model, this.currentModel)) this.currentModel = undefined;
  }

  async addSecret(name: string, content: Readonly<Record<string, string>>, options: { readonly info?: string } = {}): Promise<string> {
    const args = ["add-secret", name, ...(options.info === undefined ? [] : ["--info", options.info])];
    return (await this.withContentFile("secret.yaml", writeYaml({ ...content }), (file) => this.cli(...args, "--file", file))).trim();
  }

  async grantSecret(id: string, apps: string | readonly string[]): Promise<void> {
    await this.cli("grant-secret", id, typeof apps === "string" ? apps : apps.join(","));
  }

  async revokeSecret(id: string, apps: string | readonly string[]): Promise<void> {
    await this.cli("revoke-secret", id, typeof apps === "string" ? apps : apps.join(","));
  }

  async secrets(options: { readonly owner?: string } = {}): Promise<Secret[]> {
    const args = ["secrets", ...(options.owner === undefined ? [] : ["--owner", options.owner]), "--format", "json"];
    return parseSecrets(JSON.parse(await this.cli(...args)));
  }

  async showSecret(id: string, options: ShowSecretOptions = {}): Promise<Secret> {
    const args = ["show-secret", id, "--format", "json"];
    if (options.reveal === true) args.push("--reveal");
    if (options.revisions === true) args.push("--revisions");
    if (options.revision !== undefined) args.push("--revision", String(options.revision));
    const [secret] = parseSecrets(JSON.parse(await this.cli(...args)));
    if (secret === undefined) throw new Error(`juju show-secret ${id} printed no secret`);
    return secret;
  }

  async updateSecret(
    id: string,
    content: Readonly<Record<string, string>> | undefined,
    options: { readonly info?: string; readonly name?: string; readonly autoPrune?: boolean } = {},
  ): Promise<void> {
    const args = ["update-secret", id];
    if (options.info !== undefined) args.push("--info", options.info);
    if (options.name !== undefined) args.push("--name", options.name);
    if (options.autoPrune === true) args.push("--auto-prune");
    if (content === undefined) await this.cli(...args);
    else await this.withContentFile("secret.yaml", writeYaml({ ...content }), (file) => this.cli(...args, "--file", file));
  }

  async removeSecret(id: string, options: { readonly revision?: number } = {}): Promise<void> {
    await this.cli("remove-secret", id, ...(options.revision === undefined ? [] : ["--revision", String(options.revision)]));
  }

  async showUnit(unit: string): Promise<UnitInfo> {
    return parseUnitInfo(JSON.parse(await this.cli("show-unit", unit, "--format", "json")));
  }

  async ssh(target: string, command: string, ...args: string[]): Promise<string> {
    return this.cli("ssh", target, command, ...args);
  }

  /** `juju scp -- <source> <destination>`; with a snap juju the local side goes through ~/snap/juju/common, as Jubilant does. */
  async scp(source: string, destination: string): Promise<void> {
    const remote = (path: string): boolean => path.includes(":");
    if (remote(source) === remote(destination) || !this.isSnap()) {
      await this.cli("scp", "--", source, destination);
      return;
    }
    const dir = mkdtempSync(join(this.jujuTempDir(), "tscharm-scp-"));
    try {
      if (!remote(source)) {
        const copy = join(dir, basename(source));
        cpSync(source, copy, { recursive: true });
        await this.cli("scp", "--", copy, destination);
      } else {
        const copy = join(dir, "_temp");
        await this.cli("scp", "--", source, copy);
        cpSync(copy, destination, { recursive: statSync(copy).isDirectory() });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  async trust(app: string, options: { readonly remove?: boolean; readonly scope?: "cluster" } = {}): Promise<void> {
    await this.cli(
      "trust",
      app,
      ...(options.remove === true ? ["--remove"] : []),
      ...(options.scope === undefined ? [] : ["--scope", options.scope]),
    );
  }

  async close(): Promise<void> {
    // Nothing to release: every method is one process.
  }

  protected async advance(delay: number | undefined): Promise<"progressed" | "idle"> {
    await new Promise((done) => setTimeout(done, delay ?? this.pollInterval));
    return "progressed";
  }

  private async invoke(
    args: readonly string[],
    options: CliCallOptions = {},
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const [command, ...rest] = args;
    const withModel = options.includeModel !== false && this.currentModel !== undefined;
    const full = command === undefined ? [] : [command, ...(withModel ? ["--model", this.currentModel ?? ""] : []), ...rest];
    // execa takes ~0.2 s to load: only this client needs it.
    const { execa } = await import("execa");
    const result = await execa(this.cliBinary, full, {
      reject: false,
      ...(options.stdin === undefined ? { stdin: "ignore" } : { input: options.stdin }),
    });
    const { stdout, stderr } = result;
    const exitCode = result.exitCode ?? 1;
    if (exitCode !== 0) throw new CLIError(full, exitCode, stdout, stderr);
    return { stdout, stderr, exitCode };
  }

  /**
   * `juju run`/`juju exec` exit 1 with "task failed" when the task failed, and still print it;
   * with `--wait`, "timed out waiting for results" when the task did not finish in time.
   */
  private async taskOutput(args: readonly string[], what: string): Promise<Task> {
    let stdout: string;
    let stderr = "";
    try {
      stdout = (await this.invoke(args)).stdout;
    } catch (error) {
      if (error instanceof CLIError && error.stderr.includes("timed out")) {
        throw new TaskTimeoutError(`timed out waiting for ${what}: ${error.stderr.trim()}`);
      }
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

  /**
   * Runs `use` with a file holding `text` where juju can read it (mode 0600, removed after): the
   * temp dir, or ~/snap/juju/common for a snap juju. Secret content goes this way, never in argv.
   */
  private async withContentFile<T>(name: string, text: string, use: (path: string) => Promise<T>): Promise<T> {
    const dir = mkdtempSync(join(this.jujuTempDir(), "tscharm-"));
    try {
      const file = join(dir, name);
      writeFileSync(file, text, { mode: 0o600 });
      return await use(file);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Runs `use` with paths juju can read: for a snap juju, copies of the files under ~/snap/juju/common (wherever they are). */
  private async withReadableFiles<T>(
    files: readonly { key: string; path: string; name: string }[],
    use: (paths: ReadonlyMap<string, string>) => Promise<T>,
  ): Promise<T> {
    if (files.length === 0 || !this.isSnap()) return use(new Map(files.map((file) => [file.key, file.path])));
    const dir = mkdtempSync(join(this.jujuTempDir(), "tscharm-"));
    try {
      const paths = new Map<string, string>();
      for (const file of files) {
        const copy = join(dir, file.name);
        // A charm may be a directory (juju deploys an unpacked charm too).
        if (statSync(file.path).isDirectory()) cpSync(file.path, copy, { recursive: true });
        else copyFileSync(file.path, copy);
        paths.set(file.key, copy);
      }
      return await use(paths);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Where juju can read the files this client writes: ~/snap/juju/common for a snap juju (which cannot read /tmp), else the temp dir. */
  private jujuTempDir(): string {
    if (!this.isSnap()) return tmpdir();
    const common = join(homedir(), "snap", "juju", "common");
    mkdirSync(common, { recursive: true });
    return common;
  }

  /** Whether the juju binary is a snap: /snap/bin/juju is a link to /usr/bin/snap. */
  private isSnap(): boolean {
    if (this.snapConfined !== undefined) return this.snapConfined;
    const candidates = this.cliBinary.includes("/")
      ? [this.cliBinary]
      : (process.env["PATH"] ?? "").split(delimiter).map((dir) => join(dir, this.cliBinary));
    const found = candidates.find((candidate) => existsSync(candidate));
    if (found === undefined) return false;
    const real = realpathSync(found);
    return real === "/usr/bin/snap" || real.startsWith("/snap/") || found.startsWith("/snap/");
  }
}

/** `--wait <seconds>s` for `juju run` / `juju exec`. */
function waitArgs(options: TaskOptions): string[] {
  return options.wait === undefined ? [] : ["--wait", `${String(options.wait / 1000)}s`];
}

/** `key=value` as Jubilant formats config: booleans as true/false, the rest as text. */
function formatValue(key: string, value: ConfigValue): string {
  return `${key}=${String(value)}`;
}

/** Whether two `[controller:][user/]model` references name the same model (a missing part matches anything). */
function sameModel(a: string, b: string): boolean {
  const parse = (ref: string): [string | undefined, string | undefined, string] => {
    const [controller, rest] = ref.includes(":") ? [ref.slice(0, ref.indexOf(":")), ref.slice(ref.indexOf(":") + 1)] : [undefined, ref];
    const [user, model] = rest.includes("/") ? [rest.slice(0, rest.indexOf("/")), rest.slice(rest.indexOf("/") + 1)] : [undefined, rest];
    return [controller, user, model];
  };
  const [x, y] = [parse(a), parse(b)];
  return (
    x[2] === y[2] &&
    (x[0] === undefined || y[0] === undefined || x[0] === y[0]) &&
    (x[1] === undefined || y[1] === undefined || x[1] === y[1])
  );
}
