// A blocking connection to the unit agent's unix socket, from inside a synchronous hook-tool call.
//
// The charm API is synchronous (as ops' is), so a tool call cannot wait for Node's event loop. The
// socket is made by Node's `pipe_wrap` binding (what `node:net` is built on; loading `node:net`
// itself costs a hook milliseconds, as `node:child_process` would, docs/performance.md), and is
// then read and written with `fs.readSync`/`fs.writeSync` on its file descriptor. libuv's connect on
// a unix socket completes at once (the callback only reports it later), so the descriptor is usable
// straight away; a connect that failed shows as ENOTCONN on the first write. The descriptor stays
// non-blocking, so that a reply that never comes is bounded by a deadline instead of hanging the
// hook: a read that would block sleeps on `Atomics.wait` in steps that start at 0.01 ms and double
// up to 5 ms. Measured against Go's net/rpc (docs/performance.md "Hook tools over the socket"),
// that costs a call about what a blocking read does, where spinning on the read for the first
// 2 ms cost twice the CPU and, on a busy machine, took it from the agent.

import { readSync, statSync, writeSync } from "node:fs";

import type { ByteStream } from "./jujuc.js";

/** Why the socket could not be used: what the fallback logs. `sent` says whether a request went out whole. */
export class TransportError extends Error {
  override readonly name = "TransportError";
  constructor(
    message: string,
    /** True once a whole request was written: the agent may have run the tool. */
    readonly sent = false,
  ) {
    super(message);
  }
}

interface PipeHandle {
  readonly fd: number;
  connect(req: object, address: string, ...rest: unknown[]): number;
  close(): void;
  unref(): void;
}
interface PipeWrapBinding {
  Pipe: new (type: number) => PipeHandle;
  PipeConnectWrap: new () => { oncomplete?: (...args: unknown[]) => void };
  constants: { SOCKET: number };
}

let cachedBinding: PipeWrapBinding | null | undefined;

/** Node's pipe_wrap binding, or undefined where it is missing or not what this module expects. */
function pipeWrap(): PipeWrapBinding | undefined {
  if (cachedBinding === undefined) {
    cachedBinding = null;
    try {
      const legacy = (process as unknown as { binding?: (name: string) => unknown }).binding;
      const candidate = legacy?.call(process, "pipe_wrap") as Partial<PipeWrapBinding> | undefined;
      if (typeof candidate?.Pipe === "function" && typeof candidate.PipeConnectWrap === "function" && candidate.constants) {
        cachedBinding = candidate as PipeWrapBinding;
      }
    } catch {
      // A Node without it, or one that refuses (the permission model): the tools are spawned.
    }
  }
  return cachedBinding ?? undefined;
}

/** What `pause` waits on (nothing ever wakes it): made at the first wait, not when a hook starts. */
let sleeper: Int32Array | undefined;

export class AgentSocket implements ByteStream {
  private constructor(
    private readonly handle: PipeHandle,
    private readonly address: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Connects to a unix socket: a path, or `@name` for Linux's abstract namespace (as Juju writes
   * it before its 2024 security releases). Throws TransportError if it cannot be reached.
   */
  static connect(address: string, timeoutMs: number): AgentSocket {
    const binding = pipeWrap();
    if (binding === undefined) throw new TransportError("this Node has no pipe_wrap binding to open a unix socket with");
    const abstract = address.startsWith("@");
    if (!abstract) {
      let isSocket: boolean;
      try {
        isSocket = statSync(address).isSocket();
      } catch (error) {
        throw new TransportError(`the agent socket ${address} cannot be reached (${(error as NodeJS.ErrnoException).code ?? "error"})`);
      }
      if (!isSocket) throw new TransportError(`${address} is not a socket`);
    }
    const handle = new binding.Pipe(binding.constants.SOCKET);
    const request = new binding.PipeConnectWrap();
    // libuv reports the connect on the next turn of the event loop; the outcome is seen on the first write.
    request.oncomplete = () => undefined;
    const status = handle.connect(request, abstract ? `\0${address.slice(1)}` : address);
    if (status !== 0 || typeof handle.fd !== "number" || handle.fd < 0) {
      handle.close();
      throw new TransportError(`cannot connect to the agent socket ${address} (status ${String(status)})`);
    }
    // The handle never reads through libuv: it must not keep the process alive after the hook.
    handle.unref();
    return new AgentSocket(handle, address, timeoutMs);
  }

  write(bytes: Uint8Array): void {
    let offset = 0;
    const deadline = Date.now() + this.timeoutMs;
    let waits = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.handle.fd, bytes, offset, bytes.length - offset);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "EAGAIN") throw new TransportError(this.describe("write to", code));
        if (Date.now() > deadline) throw new TransportError(`the agent took no more of the request in ${String(this.timeoutMs)} ms`);
        pause(waits++);
      }
    }
  }

  read(into: Uint8Array): number {
    const deadline = Date.now() + this.timeoutMs;
    let waits = 0;
    for (;;) {
      try {
        return readSync(this.handle.fd, into, 0, into.length, null);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "EAGAIN") throw new TransportError(this.describe("read from", code), true);
        if (Date.now() > deadline) throw new TransportError(`no reply from the agent in ${String(this.timeoutMs)} ms`, true);
        pause(waits++);
      }
    }
  }

  close(): void {
    try {
      this.handle.close();
    } catch {
      // Closing twice, or after the process began to exit: nothing to do.
    }
  }

  private describe(what: string, code: string | undefined): string {
    if (code === "ENOTCONN" || code === "ECONNREFUSED")
      return `the agent socket ${this.address} refused the connection${abstractHint(this.address)}`;
    return `cannot ${what} the agent socket ${this.address} (${code ?? "error"})`;
  }
}

/**
 * Why an abstract socket may refuse this Node: the libuv of Node 20 and earlier passes the address
 * padded to the whole of sockaddr_un, which names another socket than the agent's (nodejs/node#49656).
 * The embedded Node of a built charm is newer; the hint is for a charm run on an old Node.
 */
function abstractHint(address: string): string {
  const major = Number(process.versions.node.split(".")[0]);
  if (!address.startsWith("@") || !(major <= 20)) return "";
  return ` (Node ${process.versions.node} cannot reach abstract sockets: it pads their address, nodejs/node#49656)`;
}

/** Sleeps 0.01 ms, doubling each time up to 5 ms: short waits for quick replies, few wake-ups for slow ones. */
function pause(waits: number): void {
  sleeper ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleeper, 0, 0, Math.min(0.01 * 2 ** waits, 5));
}
