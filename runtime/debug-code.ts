// `juju debug-code` in Node's terms: JUJU_DEBUG_AT opens the inspector on 127.0.0.1, prints how to attach, and waits for a debugger.

import { BreakpointNameError, DebugCodeError } from "./errors.js";
import type { JujuEnv } from "./dispatch-context.js";
import { log } from "./log.js";

/** The inspector's port: Node's default, the one `node inspect`, Chrome and VS Code look at first. */
export const DEBUG_PORT = 9229;
/**
 * Overrides DEBUG_PORT (`0` picks any free port). Juju gives a hook a replaced environment, so
 * under `juju debug-code` this is only for `juju debug-hooks` shells, `tscharm run` and tests.
 */
export const DEBUG_PORT_ENV = "TSCHARM_DEBUG_PORT";
/** How many ports from DEBUG_PORT on are tried when one is taken (and no port was asked for). */
const PORTS_TRIED = 10;
/** What `JUJU_DEBUG_AT` names that are not breakpoint names mean, as in ops. */
const STOP_EVERYWHERE = "all";
const STOP_AT_HANDLERS = "hook";
/** ops' rule for breakpoint names. */
const BREAKPOINT_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** Refuses what ops' `Framework.breakpoint` refuses: a name that is not `foo` or `foo-bar`, or a reserved one. */
export function checkBreakpointName(name: unknown): void {
  if (typeof name !== "string") throw new BreakpointNameError("breakpoint names must be strings");
  if (name === STOP_EVERYWHERE || name === STOP_AT_HANDLERS)
    throw new BreakpointNameError('breakpoint names "all" and "hook" are reserved');
  if (!BREAKPOINT_NAME.test(name)) throw new BreakpointNameError('breakpoint names must look like "foo" or "foo-bar"');
}

/**
 * One dispatch under `juju debug-code`: made only when `JUJU_DEBUG_AT` is set, and it loads
 * `node:inspector` only when it first has to stop. Once a debugger is attached, the `debugger`
 * statements after each `attach()` pause in it.
 */
export class DebugSession {
  private url: string | undefined;

  constructor(
    /** `JUJU_DEBUG_AT`'s names. */
    readonly debugAt: readonly string[],
    /** What is running, for the messages: `demo/0 hooks/install`. */
    private readonly running: string,
    /** The process environment, for TSCHARM_DEBUG_PORT. */
    private readonly env: JujuEnv,
    /** Where the attach instructions go besides juju-log (the process's stderr in production). */
    private readonly stderr: (text: string) => void,
  ) {}

  /** `all` or `hook`: stop at the start of every handler of the event Juju dispatched (and of deferred ones), as ops does. */
  get stopsAtHandlers(): boolean {
    return this.debugAt.includes(STOP_EVERYWHERE) || this.debugAt.includes(STOP_AT_HANDLERS);
  }

  /** Whether `framework.breakpoint(name)` stops: `all` stops at every one, otherwise it must be named. */
  stopsAt(name: string | undefined): boolean {
    return this.debugAt.includes(STOP_EVERYWHERE) || (name !== undefined && this.debugAt.includes(name));
  }

  /**
   * The first time: opens the inspector, says how to attach (juju-log and stderr) and blocks until
   * a debugger has attached and told the process to run. Afterwards it returns at once.
   */
  attach(reason: string): void {
    if (this.url !== undefined) return;
    const inspector = process.getBuiltinModule("node:inspector");
    this.url = openInspector(inspector, this.env);
    const message = attachInstructions(this.url, `${this.running} (${reason})`, this.debugAt, this.running.split(" ")[0] ?? "");
    this.stderr(`${message}\n`);
    log.info(message);
    inspector.waitForDebugger();
  }
}

/** Opens the inspector on 127.0.0.1: TSCHARM_DEBUG_PORT, or the first free port from DEBUG_PORT on. */
function openInspector(inspector: typeof import("node:inspector"), env: JujuEnv): string {
  const requested = env[DEBUG_PORT_ENV];
  let ports: number[];
  if (requested === undefined || requested === "") {
    ports = Array.from({ length: PORTS_TRIED }, (_, index) => DEBUG_PORT + index);
  } else {
    if (!/^\d{1,5}$/.test(requested) || Number(requested) > 65535) {
      throw new DebugCodeError(`${DEBUG_PORT_ENV}=${JSON.stringify(requested)} is not a port number (0 to 65535; 0 picks a free port)`);
    }
    ports = [Number(requested)];
  }
  for (const port of ports) {
    // A taken port is not an exception: Node prints why to stderr and has no URL.
    inspector.open(port, "127.0.0.1", false);
    const url = inspector.url();
    if (url !== undefined) return url;
  }
  const tried = ports.length === 1 ? `port ${String(ports[0])}` : `ports ${String(ports[0])} to ${String(ports.at(-1))}`;
  throw new DebugCodeError(
    `JUJU_DEBUG_AT is set but Node's inspector could not listen on 127.0.0.1 (${tried}; stderr says why): ` +
      `free a port or choose one with ${DEBUG_PORT_ENV}`,
  );
}

/** How to attach a debugger, for someone at the other end of `juju debug-code`. */
export function attachInstructions(url: string, what: string, debugAt: readonly string[], unit: string): string {
  const port = new URL(url).port;
  return [
    `tscharm: JUJU_DEBUG_AT=${debugAt.join(",")} stops ${what}: waiting for a debugger on ${url}`,
    `  1. from your machine, tunnel to the unit:  juju ssh ${unit} -N -L ${port}:127.0.0.1:${port}`,
    `  2. attach:  node inspect 127.0.0.1:${port}`,
    `     or Chrome: chrome://inspect, Configure… 127.0.0.1:${port}, then inspect`,
    `     or VS Code: a launch configuration {"type": "node", "request": "attach", "address": "127.0.0.1", "port": ${port}}`,
    `  The hook goes on when the debugger resumes (c / F5); when it ends, it waits for the debugger to disconnect.`,
    `  Anyone who can reach 127.0.0.1:${port} on the unit's machine can run code as this hook: see tscharm's docs/debugging.md.`,
  ].join("\n");
}
