// @ts-check
// What a relation interface (tscharm/interfaces/*) costs a charm, and that a charm importing none pays nothing.
//
//   npm run build && node bench/interfaces.mjs [--runs 20] [--warmup 3] [--baselines 714db2f,570ce8d] [--instructions [3]] [--json]
//
// 1. The demo charm and bench/slug-charm's none.ts, built from this tree and from each baseline
//    commit (BASELINES; `git archive` of it into a temporary directory), all by this tree's build:
//    neither imports an interface, so its source map must list no file of interfaces/, and its
//    bundle is the same text as at 570ce8d; against 714db2f the sources that differ are named.
// 2. bench/interface-charm in variants: none.ts (no interface) and one entry per interface that
//    imports and constructs it. For each: bundle bytes and the interfaces/ files bundled (the
//    source map's sources); hook time of update-status (importing and constructing it: nothing
//    else runs) and of one relation-changed of its endpoint where the interface reads the bag its
//    Python library wrote, as recorded in test/fixtures/interfaces/<name>/ (the fake tools answer
//    relation-get with it, secret-get with the recorded secrets), each against none.ts in the same
//    alternating runs. Figures and ratios only: nothing here asserts a time.
// --instructions also counts each executable's instructions per hook with callgrind (median of 3, or n):
// unlike wall time, the count hardly moves on a loaded machine.
// An interface whose folder is not on this tree (interfaces/<name>/index.ts) is reported as absent.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { NODE_VERSION } from "#compiled/cmd/node-binary";
import { TOOLS } from "./dispatch.mjs";
import { alternate, countInstructions, fixed, isMain, median, option, runOnce, stage, summarize, table } from "./lib.mjs";
import { ROOT, buildVariants, instructionsOption, lastStatus } from "./variants.mjs";

/**
 * The baselines a charm that imports no interface is compared with: main before issue 15 (714db2f),
 * and main once the runtime had custom events and the empty interfaces/ layer (570ce8d, a8dc0a7^),
 * before any interface. Custom events are runtime code every charm carries, so against the first
 * the bundle differs in runtime/ files only; against the second it must be the same text.
 */
export const BASELINES = ["714db2f", "570ce8d"];
const CHARM = join(ROOT, "bench", "interface-charm");
const FIXTURES = join(ROOT, "test", "fixtures", "interfaces");

/**
 * Each interface the bench weighs: its entry in bench/interface-charm, its endpoint, and which
 * recording its relation-changed replays (the first step of `fixture` whose event is
 * relation-changed and whose remote bags are not empty, unless `step` names one).
 * @typedef {{ name: string, entry: string, endpoint: string, remoteApp: string, fixture: string, step?: number }} InterfaceSpec
 */
/** @type {InterfaceSpec[]} */
export const INTERFACES = [
  // Step 2: the provider's answer, with the secret-user and secret-tls URIs (step 1 only echoes the database's name).
  {
    name: "database",
    entry: "database.ts",
    endpoint: "database",
    remoteApp: "postgresql",
    fixture: "database/requirer-secrets.json",
    step: 2,
  },
  {
    name: "tls-certificates",
    entry: "tls-certificates.ts",
    endpoint: "certificates",
    remoteApp: "tls-provider",
    fixture: "tls-certificates/requirer-unit.json",
    // Step 1: the provider's certificates for the CSR of step 0, whose private key (a unit secret) is answered by its label.
    step: 1,
  },
  {
    name: "cos-agent",
    entry: "cos-agent.ts",
    endpoint: "cos-agent",
    remoteApp: "grafana-agent",
    fixture: "cos-agent/tracing.json",
    // Step 0: the agent's receivers, which the provider reads on every refresh.
    step: 0,
  },
  { name: "ingress", entry: "ingress.ts", endpoint: "ingress", remoteApp: "haproxy", fixture: "ingress/requirer-defaults.json" },
  {
    name: "haproxy-route",
    entry: "haproxy-route.ts",
    endpoint: "haproxy-route",
    remoteApp: "haproxy",
    fixture: "haproxy-route/requirer-minimal.json",
  },
];

/**
 * @typedef {import("./lib.mjs").Summary} Summary
 * @typedef {import("./variants.mjs").BuiltVariant} BuiltVariant
 * @typedef {{ remoteApp: Record<string, string>, remoteUnit: Record<string, string>, localApp: Record<string, string>,
 *   localUnit: Record<string, string>, secrets: { id?: string, label?: string | null, owner?: string, content: Record<string, string> }[],
 *   source: string }} Recorded
 * @typedef {{ name: string, bundleBytes: number, interfaceFiles: string[], sha256: string, files: Record<string, string> }} Bundle
 * @typedef {{ hook: string, none: Summary, with: Summary, calls: { none: number, with: number }, status: string | undefined,
 *   instructions: { none: number | undefined, with: number | undefined } }} HookFigure
 * @typedef {{ name: string, present: boolean, reason?: string, bundle?: Bundle, recorded?: string, hooks: HookFigure[] }} InterfaceFigure
 * @typedef {{ runs: number, node: string, date: string, baselines: string[],
 *   unchanged: { name: string, baseline: string, before: Bundle, now: Bundle, changedFiles: string[] }[], none: Bundle | undefined,
 *   interfaces: InterfaceFigure[] }} InterfacesBench
 */

/** A step's remote unit bag: `remoteUnit`, or unit 0 of `remoteUnits`. */
function remoteUnitOf(/** @type {Record<string, unknown>} */ given) {
  const units = /** @type {Record<string, Record<string, string>> | undefined} */ (given["remoteUnits"]);
  return /** @type {Record<string, string>} */ (given["remoteUnit"] ?? units?.["0"] ?? {});
}

/**
 * The recorded step to replay: `spec.step`, or the first relation-changed with something in the remote bags.
 * @returns {{ recorded: Recorded } | { reason: string }}
 */
export function recordedStep(/** @type {InterfaceSpec} */ spec) {
  const path = join(FIXTURES, spec.fixture);
  if (!existsSync(path)) return { reason: `no recording ${spec.fixture}` };
  /** @type {unknown} */
  const parsed = JSON.parse(readFileSync(path, "utf8"));
  const fixture =
    /** @type {{ steps: { event: string, given?: Record<string, unknown>, wrote?: Record<string, Record<string, string>>, secrets?: Recorded["secrets"] }[] }} */ (
      parsed
    );
  const index =
    spec.step ??
    fixture.steps.findIndex(
      (step) =>
        /^relation[-_]changed/.test(step.event) &&
        Object.keys({
          .../** @type {object} */ (step.given?.["remoteApp"] ?? {}),
          .../** @type {object} */ (step.given?.["remoteUnit"] ?? {}),
        }).length > 0,
    );
  const step = fixture.steps[index];
  if (step === undefined) return { reason: `${spec.fixture} has no relation-changed step with a remote bag` };
  // The local bags are what this side had written by then, the step before's, and the secrets it had made.
  const previous = fixture.steps[index - 1];
  const before = previous?.wrote ?? {};
  const given = step.given ?? {};
  /** @type {Recorded} */
  const recorded = {
    remoteApp: /** @type {Record<string, string>} */ (given["remoteApp"] ?? {}),
    remoteUnit: remoteUnitOf(given),
    localApp: before["localApp"] ?? {},
    localUnit: before["localUnit"] ?? {},
    secrets: [
      .../** @type {Recorded["secrets"]} */ (given["secrets"] ?? []),
      .../** @type {Recorded["secrets"]} */ (previous?.secrets ?? []).filter((secret) => secret.owner === "unit" || secret.owner === "app"),
    ],
    source: `${spec.fixture} step ${String(index)} (${step.event})`,
  };
  return { recorded };
}

/**
 * A charm directory and /bin/sh hook tools for ifaces/0, the leader, with one relation of each
 * endpoint (id 7, the remote app's unit 0). relation-get answers the recorded bags (the remote
 * app's or unit's, or this side's), secret-get the recorded secrets by id, network-get 10.1.0.5.
 * Each tool appends its name and arguments to $BENCH_CALL_LOG when it is set.
 * @param {string} work
 * @param {Recorded | undefined} recorded
 * @param {InterfaceSpec | undefined} spec
 */
export function interfaceSandbox(work, recorded, spec) {
  const cwd = join(work, "charm");
  const bin = join(work, "bin");
  const answers = join(work, "answers");
  for (const dir of [cwd, bin, answers]) mkdirSync(dir, { recursive: true });
  const write = (/** @type {string} */ name, /** @type {unknown} */ value) =>
    writeFileSync(join(answers, name), `${JSON.stringify(value)}\n`);
  write("remote-app", recorded?.remoteApp ?? {});
  write("remote-unit", recorded?.remoteUnit ?? {});
  write("local-app", recorded?.localApp ?? {});
  write("local-unit", recorded?.localUnit ?? {});
  // By id (either URI form) or, for this side's own secrets, by label.
  const secretCases = (recorded?.secrets ?? []).map((secret, index) => {
    write(`secret-${String(index)}`, secret.content);
    const patterns = [
      ...(secret.id === undefined ? [] : [`*${secret.id.replace(/^secret:(\/\/[^/]+\/)?/, "")}*`]),
      ...(secret.label == null ? [] : [`*" --label ${secret.label} "*`]),
    ];
    return `      ${patterns.join("|")}) cat "$A/secret-${String(index)}"; exit 0 ;;`;
  });
  const network = {
    "bind-addresses": [
      { "interface-name": "eth0", addresses: [{ hostname: "", value: "10.1.0.5", cidr: "10.1.0.0/24", address: "10.1.0.5" }] },
    ],
    "egress-subnets": ["10.1.0.5/32"],
    "ingress-addresses": ["10.1.0.5"],
  };
  write("network", network);
  const remoteApp = spec?.remoteApp ?? "remote";
  const fake = join(bin, "fake-hook-tool");
  writeFileSync(
    fake,
    `#!/bin/sh
A='${answers}'
[ -n "$BENCH_CALL_LOG" ] && echo "\${0##*/} $*" >> "$BENCH_CALL_LOG"
# A tool given its data on stdin (relation-set --file -) reads it all, as Juju's do: else the writer gets EPIPE.
case " $* " in *" --file - "*) cat > /dev/null ;; esac
case "\${0##*/}" in
  is-leader) echo true ;;
  config-get) echo '{}' ;;
  relation-ids) echo "[\\"$1:7\\"]" ;;
  relation-list) echo '["${remoteApp}/0"]' ;;
  relation-get)
    case " $* " in
      *" --app "*) case " $* " in *" ${remoteApp} "*|*" ${remoteApp}/"*) cat "$A/remote-app" ;; *) cat "$A/local-app" ;; esac ;;
      *" ${remoteApp}/0 "*) cat "$A/remote-unit" ;;
      *) cat "$A/local-unit" ;;
    esac ;;
  secret-get)
    case " $* " in
${secretCases.join("\n")}
      *) echo 'ERROR secret not found' >&2; exit 1 ;;
    esac ;;
  secret-ids) echo '[]' ;;
  secret-add) echo 'secret:d4bench0000000000000' ;;
  network-get) cat "$A/network" ;;
  opened-ports) echo '[]' ;;
  goal-state) echo '{"units":{},"relations":{}}' ;;
esac
`,
  );
  chmodSync(fake, 0o755);
  for (const tool of TOOLS) symlinkSync("fake-hook-tool", join(bin, tool));
  const env = {
    PATH: `${bin}:/usr/bin:/bin`,
    JUJU_UNIT_NAME: "ifaces/0",
    JUJU_MODEL_NAME: "bench",
    JUJU_MODEL_UUID: "5a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
    JUJU_VERSION: "3.6.4",
    JUJU_CHARM_DIR: cwd,
    JUJU_MACHINE_ID: "0",
  };
  return { env, cwd, callLog: join(work, "calls") };
}

/** The tree of `commit`, written under `dir` (git archive). */
function exportTree(/** @type {string} */ commit, /** @type {string} */ dir) {
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync("git", ["-C", ROOT, "archive", "--format=tar", commit], { maxBuffer: 256 * 2 ** 20 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  return dir;
}

/** The source files of a bundle that come from the interfaces layer. */
export function interfaceSources(/** @type {{ sources: readonly string[] }} */ variant) {
  return variant.sources.filter((source) => /(^|\/)interfaces\/.+\.ts$/.test(source) && !source.includes("node_modules/"));
}

/** @param {BuiltVariant} variant @returns {Bundle} */
function bundleOf(variant) {
  const text = readFileSync(variant.bundle, "utf8");
  /** @type {unknown} */
  const parsedMap = JSON.parse(readFileSync(`${variant.bundle}.map`, "utf8"));
  const map = /** @type {{ sources: string[], sourcesContent?: (string | null)[] }} */ (parsedMap);
  const hash = (/** @type {string} */ content) => createHash("sha256").update(content).digest("hex");
  return {
    name: variant.name,
    bundleBytes: variant.bundleBytes,
    interfaceFiles: interfaceSources(variant),
    sha256: hash(text),
    // Named as in the repository (a tree built elsewhere names its sources relative to itself).
    files: Object.fromEntries(
      map.sources.map((source, index) => [
        source.replace(/^(\.\.\/)+/, "").replace(/^tscharm\//, ""),
        hash(map.sourcesContent?.[index] ?? ""),
      ]),
    ),
  };
}

/** The sources whose content differs between two bundles (or that only one has). */
function changedFiles(/** @type {Bundle} */ before, /** @type {Bundle} */ now) {
  const names = new Set([...Object.keys(before.files), ...Object.keys(now.files)]);
  return [...names].filter((name) => before.files[name] !== now.files[name]).sort();
}

/** The calls of one run (its tool calls, "tool args" each). */
function callsOf(/** @type {import("./lib.mjs").Command} */ command, /** @type {string} */ callLog) {
  rmSync(callLog, { force: true });
  runOnce({ ...command, env: { ...command.env, BENCH_CALL_LOG: callLog } });
  return existsSync(callLog) ? readFileSync(callLog, "utf8").trim().split("\n") : [];
}

/**
 * One hook of `none` and `variant` alternately, in one sandbox (a fresh charm directory for each
 * executable, so a state file one writes never reaches the other).
 * @param {BuiltVariant} none
 * @param {BuiltVariant} variant
 * @param {{ work: string, hook: string, env: Record<string, string>, recorded: Recorded | undefined, spec: InterfaceSpec,
 *   runs: number, warmup: number, instructions: number }} options
 *   `instructions`: how many times to count each executable's instructions with callgrind (the median is kept; 0: none).
 * @returns {HookFigure}
 */
function timePair(none, variant, { work, hook, env: extra, recorded, spec, runs, warmup, instructions }) {
  const commands = [none, variant].map((built) => {
    const box = interfaceSandbox(mkdtempSync(join(work, "sandbox-")), recorded, spec);
    const env = { ...box.env, ...extra, JUJU_DISPATCH_PATH: `hooks/${hook}`, JUJU_HOOK_NAME: hook, JUJU_CONTEXT_ID: `ifaces-${hook}-1` };
    return { command: { name: built.name, argv: [stage(built.dispatch, join(work, "staged"), built.name)], env, cwd: box.cwd }, box };
  });
  const [first, second] = commands;
  if (first === undefined || second === undefined) throw new Error("two commands expected");
  const calls = { none: callsOf(first.command, first.box.callLog), with: callsOf(second.command, second.box.callLog) };
  const count = (/** @type {typeof first.command} */ command) =>
    instructions > 0
      ? median(Array.from({ length: instructions }, () => countInstructions(command.argv[0] ?? "", command.env, command.cwd)))
      : undefined;
  const counted = { none: count(first.command), with: count(second.command) };
  const samples = alternate([first.command, second.command], { runs, warmup });
  const before = samples.get(none.name);
  const after = samples.get(variant.name);
  if (before === undefined || after === undefined) throw new Error(`no samples for ${variant.name}`);
  return {
    hook,
    none: summarize(before),
    with: summarize(after),
    calls: { none: calls.none.length, with: calls.with.length },
    status: lastStatus(calls.with),
    instructions: counted,
  };
}

/**
 * @param {{ runs: number, warmup: number, baselines?: readonly string[], instructions?: number, log?: (line: string) => void }} options
 * @returns {InterfacesBench}
 */
export function benchInterfaces({ runs, warmup, baselines = BASELINES, instructions = 0, log = () => undefined }) {
  const commits = baselines.map((baseline) =>
    execFileSync("git", ["-C", ROOT, "rev-parse", "--verify", "--short", `${baseline}^{commit}`], { encoding: "utf8" }).trim(),
  );
  const work = mkdtempSync(join(tmpdir(), "tscharm-bench-interfaces-"));
  try {
    const olds = commits.map((commit) => {
      log(`exporting the baseline tree (${commit})`);
      return { commit, dir: exportTree(commit, join(work, `baseline-${commit}`)) };
    });
    const present = INTERFACES.filter((spec) => existsSync(join(ROOT, "interfaces", spec.name, "index.ts")));
    const charms = [
      { name: "the demo (dispatch.ts)", at: (/** @type {string} */ root) => ({ projectDir: root, entry: join(root, "dispatch.ts") }) },
      {
        name: "bench/slug-charm none.ts",
        at: (/** @type {string} */ root) => ({
          projectDir: join(root, "bench", "slug-charm"),
          entry: join(root, "bench", "slug-charm", "none.ts"),
        }),
      },
    ];
    const built = buildVariants(
      [
        ...charms.map((charm) => ({ name: `${charm.name} now`, ...charm.at(ROOT) })),
        ...olds.flatMap((old) => charms.map((charm) => ({ name: `${charm.name} at ${old.commit}`, ...charm.at(old.dir) }))),
        { name: "no interface (none.ts)", projectDir: CHARM, entry: join(CHARM, "none.ts") },
        ...present.map((spec) => ({ name: `${spec.name} (${spec.entry})`, projectDir: CHARM, entry: join(CHARM, spec.entry) })),
      ],
      work,
      log,
    );
    const nows = built.slice(0, charms.length);
    const befores = built.slice(charms.length, charms.length * (olds.length + 1));
    const [none, ...withInterface] = built.slice(charms.length * (olds.length + 1));
    if (none === undefined) throw new Error("none.ts did not build");
    const unchanged = olds.flatMap((old, o) =>
      charms.map((charm, c) => {
        const before = befores[o * charms.length + c];
        const now = nows[c];
        if (before === undefined || now === undefined) throw new Error(`${charm.name} did not build`);
        const pair = { before: bundleOf(before), now: bundleOf(now) };
        return { name: charm.name, baseline: old.commit, ...pair, changedFiles: changedFiles(pair.before, pair.now) };
      }),
    );
    for (const bundle of [...unchanged.map((u) => u.now), bundleOf(none)]) {
      if (bundle.interfaceFiles.length > 0)
        throw new Error(`${bundle.name} imports no interface, yet bundles ${bundle.interfaceFiles.join(", ")}`);
    }

    /** @type {InterfaceFigure[]} */
    const interfaces = [];
    for (const spec of INTERFACES) {
      const index = present.indexOf(spec);
      const variant = withInterface[index];
      if (index < 0 || variant === undefined) {
        interfaces.push({ name: spec.name, present: false, reason: `interfaces/${spec.name}/index.ts is not on this tree`, hooks: [] });
        continue;
      }
      const bundle = bundleOf(variant);
      if (bundle.interfaceFiles.length === 0)
        throw new Error(`${variant.name}'s bundle lists no file of interfaces/: the check above would see nothing`);
      const step = recordedStep(spec);
      const recorded = "recorded" in step ? step.recorded : undefined;
      /** @type {HookFigure[]} */
      const hooks = [];
      log(`${spec.name} update-status: ${String(runs)} alternating runs with none.ts`);
      hooks.push(timePair(none, variant, { work, hook: "update-status", env: {}, recorded: undefined, spec, runs, warmup, instructions }));
      if (recorded !== undefined) {
        log(`${spec.name} ${spec.endpoint}-relation-changed (${recorded.source}): ${String(runs)} alternating runs with none.ts`);
        const env = {
          JUJU_RELATION: spec.endpoint,
          JUJU_RELATION_ID: `${spec.endpoint}:7`,
          JUJU_REMOTE_APP: spec.remoteApp,
          JUJU_REMOTE_UNIT: `${spec.remoteApp}/0`,
        };
        hooks.push(
          timePair(none, variant, { work, hook: `${spec.endpoint}-relation-changed`, env, recorded, spec, runs, warmup, instructions }),
        );
      }
      interfaces.push({
        name: spec.name,
        present: true,
        ...(recorded === undefined ? { reason: "reason" in step ? step.reason : "" } : { recorded: recorded.source }),
        bundle,
        hooks,
      });
    }
    const date = new Date().toISOString().slice(0, 10);
    return { runs, node: NODE_VERSION, date, baselines: commits, unchanged, none: bundleOf(none), interfaces };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const kib = (/** @type {number} */ bytes) => `${fixed(bytes / 1024)} KiB`;
const range = (/** @type {Summary} */ time) => `${fixed(time.median)} (${fixed(time.min)}–${fixed(time.max)})`;

/** The tables of an InterfacesBench. */
export function formatInterfaces(/** @type {InterfacesBench} */ result) {
  const unchangedLines = result.unchanged.map(
    ({ name, baseline, before, now, changedFiles: changed }) =>
      `${name} at ${baseline} → now: ${String(before.bundleBytes)} → ${String(now.bundleBytes)} bytes, ` +
      `${before.sha256 === now.sha256 ? "byte-identical" : `different text (sources that differ: ${changed.join(", ") || "none"})`}; ` +
      `interfaces/ files: ${String(now.interfaceFiles.length)}`,
  );
  const base = result.none?.bundleBytes ?? NaN;
  const counted = result.interfaces.some((figure) => figure.hooks.some((hook) => hook.instructions.with !== undefined));
  const rows = [
    [
      "interface",
      "bundle",
      "+ bytes",
      "interfaces/ files",
      "hook",
      "none.ts ms (min–max)",
      "with ms (min–max)",
      "× none",
      "+ms",
      ...(counted ? ["M instructions none / with", "× none"] : []),
      "tool calls",
      "status",
    ],
  ];
  /** @type {string[]} */
  const absent = [];
  /** @type {string[]} */
  const files = [];
  for (const figure of result.interfaces) {
    if (!figure.present || figure.bundle === undefined) {
      absent.push(`${figure.name}: ${figure.reason ?? "absent"}`);
      continue;
    }
    files.push(`${figure.name}: ${figure.bundle.interfaceFiles.join(", ")}`);
    if (figure.recorded === undefined) absent.push(`${figure.name}: relation-changed not timed (${figure.reason ?? ""})`);
    figure.hooks.forEach((hook, index) => {
      rows.push([
        index === 0 ? figure.name : "",
        index === 0 ? kib(figure.bundle?.bundleBytes ?? NaN) : "",
        index === 0 ? String((figure.bundle?.bundleBytes ?? NaN) - base) : "",
        index === 0 ? String(figure.bundle?.interfaceFiles.length ?? 0) : "",
        hook.hook,
        range(hook.none),
        range(hook.with),
        `${fixed(hook.with.median / hook.none.median, 2)}×`,
        fixed(hook.with.median - hook.none.median),
        ...(counted
          ? [
              `${fixed((hook.instructions.none ?? NaN) / 1e6)} / ${fixed((hook.instructions.with ?? NaN) / 1e6)}`,
              `${fixed((hook.instructions.with ?? NaN) / (hook.instructions.none ?? NaN), 3)}×`,
            ]
          : []),
        `${String(hook.calls.none)} / ${String(hook.calls.with)}`,
        hook.status ?? "",
      ]);
    });
  }
  return (
    `Relation interfaces: ${String(result.runs)} alternating runs, Node ${result.node} executables, ${result.date}\n\n` +
    `Charms that import no interface, built from ${result.baselines.join(" and ")} and from this tree by this tree's build:\n` +
    unchangedLines.map((line) => `  ${line}\n`).join("") +
    `\nbench/interface-charm: none.ts ${kib(base)}; each interface imported and constructed, against none.ts in the same runs:\n\n` +
    table(rows) +
    (files.length > 0 ? `\ninterfaces/ files bundled:\n${files.map((line) => `  ${line}\n`).join("")}` : "") +
    (absent.length > 0 ? `\nnot measured:\n${absent.map((line) => `  ${line}\n`).join("")}` : "")
  );
}

/** The recordings on this tree, by interface (for the doc's table of sources). */
export function recordings() {
  return Object.fromEntries(
    INTERFACES.map((spec) => {
      const dir = join(FIXTURES, spec.name);
      return [spec.name, existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".json")) : []];
    }),
  );
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf("--baselines");
  const result = benchInterfaces({
    runs: option("runs", 20),
    warmup: option("warmup", 3),
    baselines: at > 0 ? (process.argv[at + 1] ?? "").split(",") : BASELINES,
    instructions: instructionsOption(),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(process.argv.includes("--json") ? `${JSON.stringify(result)}\n` : formatInterfaces(result));
}
