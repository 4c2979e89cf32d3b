// One dispatch end to end: environment → state → charm → deferred, event, collect-status → commit.

import { join } from "node:path";

import type { CharmBase, CharmTypes } from "./charm.js";
import { type JujuEnv, parseContext } from "./dispatch-context.js";
import { DebugSession } from "./debug-code.js";
import { EnvironmentError, HookEnded } from "./errors.js";
import { Framework } from "./framework.js";
import { type HookTools, ProcessHookTools } from "./hook-tools/index.js";
import type { Clock } from "./leadership.js";
import { type LogSink, log, setLogSink } from "./log.js";
import type { CharmMeta, JsonObject } from "./meta.js";
import { mapStack, originOf } from "./stack-trace.js";
import { FileStateStore, STATE_FILE, type UnitStateStore } from "./state-file.js";

/** A charm class: constructed once per dispatch with the framework. */
export type CharmClass<C extends CharmBase<CharmTypes> = CharmBase<CharmTypes>> = new (framework: Framework) => C;

export interface DispatchOptions {
  /** The process environment Juju gave the dispatch. */
  readonly env: JujuEnv;
  /** The charm's metadata, config options and actions. */
  readonly meta: CharmMeta;
  /** How hook tools are reached: processes in production, the in-memory engine in tests. */
  readonly tools: HookTools;
  /** Where stored state and deferred events live; default `.unit-state.json` in the charm dir. */
  readonly stateStore?: UnitStateStore;
  /** The monotonic clock behind the 30 s leadership cache. */
  readonly clock?: Clock;
  /** The working directory, used when `JUJU_CHARM_DIR` is unset. */
  readonly cwd?: string;
  /** Where one-line failure summaries go (the process's stderr in production). */
  readonly stderr?: (text: string) => void;
  /** Told of every event the framework emits (the test kit records them). */
  readonly onEmit?: (kind: string, snapshot: JsonObject, reemitted: boolean) => void;
}

export interface DispatchResult<C extends CharmBase<CharmTypes> = CharmBase<CharmTypes>> {
  /** 0 when the hook succeeded (state committed); 1 when it failed (nothing committed). */
  readonly exitCode: number;
  /** The charm instance, once constructed. */
  readonly charm: C | undefined;
  /** What made the dispatch fail, if it did. */
  readonly error: unknown;
}

/**
 * Runs one dispatch and reports how it ended; it never throws. On any error nothing is committed:
 * the error and its stack go to `juju-log` at ERROR (and, for actions, a summary to stderr), and
 * the exit code is 1 so that Juju retries the hook with the deferred queue intact.
 */
export async function runDispatch<C extends CharmBase<CharmTypes>>(
  charmClass: CharmClass<C>,
  options: DispatchOptions,
): Promise<DispatchResult<C>> {
  const stderr = options.stderr ?? ((text: string) => process.stderr.write(text));
  let context;
  try {
    context = parseContext(options.env, options.meta, options.cwd ?? process.cwd());
  } catch (error) {
    if (!(error instanceof EnvironmentError)) throw error;
    stderr(`tscharm: cannot run the charm: ${error.message}\n`);
    return { exitCode: 1, charm: undefined, error };
  }

  const tools = options.tools;
  const sink: LogSink = {
    threshold: context.debug ? "DEBUG" : "INFO",
    write: (level, message) => {
      try {
        tools.jujuLog(level, message);
      } catch {
        stderr(`${level} ${message}\n`);
      }
    },
  };
  const previousSink = setLogSink(sink);
  let charm: C | undefined;
  try {
    const store = options.stateStore ?? new FileStateStore(join(context.charmDir, STATE_FILE));
    const framework = new Framework(options.meta, tools, store.load(), options.clock);
    framework.onEmit = options.onEmit;
    if (context.debugAt.length > 0)
      framework.debugSession = new DebugSession(context.debugAt, `${context.unitName} ${context.dispatchPath}`, options.env, stderr);
    framework.useContext(context);
    charm = new charmClass(framework);
    await framework.runHook(context);
    store.save(framework.state());
    return { exitCode: 0, charm, error: undefined };
  } catch (error) {
    if (error instanceof HookEnded) return { exitCode: 0, charm, error: undefined };
    const name = error instanceof Error ? error.name : "error";
    const message = error instanceof Error ? error.message : String(error);
    // In the executable the stack's positions are the bundle's: mapped to the charm's sources.
    const detail = error instanceof Error && error.stack !== undefined ? mapStack(error.stack) : `${name}: ${message}`;
    log.error(`Uncaught ${name} in charm code: ${detail}`);
    if (context.hook.type === "action") {
      // `juju run` shows stderr to the user: one line with where it came from; the traceback stays in debug-log.
      const firstLine = message.split("\n", 1)[0] ?? "";
      const origin = originOf(detail);
      stderr(
        `Uncaught ${name} in charm code: ${firstLine}${origin === undefined ? "" : ` at ${origin}`} (the traceback is in juju debug-log)\n`,
      );
    }
    return { exitCode: 1, charm, error };
  } finally {
    setLogSink(previousSink);
  }
}

// Set by build.mjs: the charm's metadata, config and actions, compiled to JSON.
declare const __TSCHARM_META__: CharmMeta | undefined;

/**
 * The entry point of a charm's `dispatch`: `main(MyCharm)`. Reads the environment Juju set, runs
 * the hook through the charm's handlers and sets the process exit code.
 */
export function main<C extends CharmBase<CharmTypes>>(charmClass: CharmClass<C>, options: { meta?: CharmMeta } = {}): void {
  const meta = options.meta ?? (typeof __TSCHARM_META__ === "undefined" ? undefined : __TSCHARM_META__);
  if (meta === undefined) {
    process.stderr.write("tscharm: no charm metadata was compiled into this executable; build it with `tscharm build`\n");
    process.exitCode = 1;
    return;
  }
  runDispatch(charmClass, { env: process.env, meta, tools: new ProcessHookTools() }).then(
    (result) => {
      process.exitCode = result.exitCode;
    },
    (error: unknown) => {
      process.stderr.write(`tscharm: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
