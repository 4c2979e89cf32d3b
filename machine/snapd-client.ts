// The kit's transport to snapd: HTTP over its unix socket (node:http, loaded at the first request),
// one request per operation, async changes polled to Done or Error within the call's deadline, GETs
// retried while the socket refuses connections, and snapd's error envelope as a typed error.
// LocalSnap (snap.ts) says what to ask; this says how. https://snapcraft.io/docs/using-the-api

import {
  type ApiErrorClass,
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChangeConflictError,
  SnapChangeError,
  SnapChannelNotAvailableError,
  SnapConnectionError,
  SnapError,
  SnapNeedsClassicError,
  SnapNeedsDevmodeError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
  SnapRevisionNotAvailableError,
  SnapTimeoutError,
} from "./snap-errors.js";

/** How the kit reaches snapd (LocalSnap's options); the defaults are snapd's and charmlibs.snap's. */
export interface SnapdOptions {
  /** snapd's socket; default /run/snapd.socket. */
  readonly socketPath?: string;
  /** Between two polls of an async change; default 100 ms (as the snap CLI and charmlibs.snap). */
  readonly pollIntervalMs?: number;
  /** One request's limit; default 120 000 ms (snapd may retry the store for ~38 s inside one request). */
  readonly requestTimeoutMs?: number;
  /** A whole call's limit (its request and its change) unless the call gives `timeoutMs`; default 300 000 ms. */
  readonly timeoutMs?: number;
  /** How long a GET is retried (every 250 ms) while the socket refuses connections (snapd restarting); default 5 000 ms. */
  readonly connectionRetryMs?: number;
}

/** snapd's answer, the envelope of https://snapcraft.io/docs/using-the-api. */
interface Envelope {
  readonly type: string;
  readonly result: unknown;
  readonly change?: string;
}

/** snapd's error kinds (https://snapcraft.io/docs/snapd-error-codes) and the classes they raise. */
const KIND_CLASSES: Readonly<Record<string, ApiErrorClass>> = {
  "app-not-found": SnapAppNotFoundError,
  "option-not-found": SnapOptionNotFoundError,
  "snap-change-conflict": SnapChangeConflictError,
  "snap-channel-not-available": SnapChannelNotAvailableError,
  "snap-needs-classic": SnapNeedsClassicError,
  "snap-needs-devmode": SnapNeedsDevmodeError,
  // GET /v2/snaps/<name>, the conf and apps endpoints say "not found" for a snap that is not installed;
  // install and refresh, which ask the store, turn it into SnapNotInStoreError.
  "snap-not-found": SnapNotInstalledError,
  "snap-not-installed": SnapNotInstalledError,
  "snap-revision-not-available": SnapRevisionNotAvailableError,
};

/** Change statuses snapd counts as ready (overlord/state: Done, Undone, Hold, Error); `Wait` is a success awaiting a reboot. */
const FAILED_READY = new Set(["Undone", "Hold"]);

/** A call's own limit, when it gives one: a positive number of milliseconds (TypeError otherwise). */
export function checkTimeout(timeoutMs: unknown): void {
  if (timeoutMs !== undefined && (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0))
    throw new TypeError(
      `timeoutMs must be a positive number of milliseconds, not ${typeof timeoutMs === "number" ? String(timeoutMs) : typeof timeoutMs}`,
    );
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** The snap's name as one URL path segment. */
export function segment(name: string): string {
  return encodeURIComponent(name);
}

/** snapd's `value` as a string: itself, or its JSON. */
function valueText(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One snapd, by its socket: every request of LocalSnap goes through `call`. */
export class SnapdClient {
  readonly socketPath: string;
  private readonly pollIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly timeoutMs: number;
  private readonly connectionRetryMs: number;

  constructor(options: SnapdOptions = {}) {
    this.socketPath = options.socketPath ?? "/run/snapd.socket";
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.connectionRetryMs = options.connectionRetryMs ?? 5_000;
  }

  /** One operation: its request, then its change when snapd answers async; the result or the change's data. */
  async call(
    what: string,
    method: string,
    path: string,
    options: { readonly body?: unknown; readonly timeoutMs?: number | undefined },
  ): Promise<unknown> {
    checkTimeout(options.timeoutMs);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const deadline = Date.now() + timeoutMs;
    const reply = await this.send(what, method, path, options.body, deadline, timeoutMs);
    if (reply.type !== "async") return reply.result;
    if (typeof reply.change !== "string" || reply.change === "")
      throw new SnapError(`cannot ${what}: snapd answered async without a change id`, "tscharm-snap-bad-response", `${method} ${path}`);
    return this.waitChange(what, reply.change, deadline, timeoutMs);
  }

  /** Polls GET /v2/changes/<id> until it is ready: Done (or Wait) is its data, Error a SnapChangeError with its `err`. */
  private async waitChange(what: string, id: string, deadline: number, timeoutMs: number): Promise<unknown> {
    let last = "unanswered";
    const late = (): SnapTimeoutError =>
      new SnapTimeoutError(
        `cannot ${what}: snapd's change ${id} was still ${last} after ${String(timeoutMs)} ms (it may still finish: snap tasks ${id})`,
        "tscharm-snap-change-timeout",
        id,
      );
    for (;;) {
      let reply: Envelope;
      try {
        reply = await this.send(what, "GET", `/v2/changes/${segment(id)}`, undefined, deadline, timeoutMs);
      } catch (error) {
        // A poll cut short by the call's deadline: the change is what ran out of time.
        if (error instanceof SnapTimeoutError && Date.now() >= deadline - 5) throw late();
        throw error;
      }
      const change = reply.result;
      if (typeof change !== "object" || change === null)
        throw new SnapError(`cannot ${what}: snapd's change ${id} is not a JSON object`, "tscharm-snap-bad-response", id);
      const { status, err, data } = change as { status?: unknown; err?: unknown; data?: unknown };
      if (status === "Done" || status === "Wait") return data ?? {};
      if (status === "Error")
        throw new SnapChangeError(
          `cannot ${what}: ${typeof err === "string" ? err : `change ${id} failed`}`,
          "tscharm-snap-change-error",
          id,
        );
      if (typeof status !== "string" || FAILED_READY.has(status))
        throw new SnapChangeError(`cannot ${what}: change ${id} ended with status ${String(status)}`, "tscharm-snap-change-unknown", id);
      last = status;
      if (Date.now() + this.pollIntervalMs >= deadline) throw late();
      await sleep(this.pollIntervalMs);
    }
  }

  /** One request; GETs are retried while the socket refuses connections. An error envelope becomes its SnapAPIError. */
  private async send(what: string, method: string, path: string, body: unknown, deadline: number, timeoutMs: number): Promise<Envelope> {
    const retryUntil = Math.min(deadline, Date.now() + this.connectionRetryMs);
    for (;;) {
      try {
        return this.envelope(what, method, path, await this.once(what, method, path, body, deadline, timeoutMs));
      } catch (error) {
        const retry = method === "GET" && error instanceof SnapConnectionError && error.kind === "tscharm-snap-connection-refused";
        if (!retry || Date.now() + 250 >= retryUntil) throw error;
        await sleep(250);
      }
    }
  }

  private envelope(what: string, method: string, path: string, raw: { status: number; text: string }): Envelope {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.text);
    } catch {
      throw new SnapError(
        `cannot ${what}: snapd's answer to ${method} ${path} (HTTP ${String(raw.status)}) is not JSON: ${raw.text.slice(0, 200)}`,
        "tscharm-snap-bad-response",
        `${method} ${path}`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { type?: unknown }).type !== "string")
      throw new SnapError(
        `cannot ${what}: snapd's answer to ${method} ${path} has no "type"`,
        "tscharm-snap-bad-response",
        `${method} ${path}`,
      );
    const envelope = parsed as Envelope;
    if (envelope.type !== "error") return envelope;
    const result = (typeof envelope.result === "object" && envelope.result !== null ? envelope.result : {}) as {
      message?: unknown;
      kind?: unknown;
      value?: unknown;
    };
    const kind = typeof result.kind === "string" ? result.kind : "";
    const value = valueText(result.value);
    const said = typeof result.message === "string" && result.message !== "" ? result.message : `HTTP ${String(raw.status)}`;
    const head = `cannot ${what}: ${said}`;
    // A name snapd gives as the value is added unless the message has it already.
    const message = typeof result.value === "string" && value !== "" && !head.includes(value) ? `${head} (${value})` : head;
    throw new (KIND_CLASSES[kind] ?? SnapAPIError)(message, kind, value);
  }

  /** The HTTP exchange over the unix socket: status and body text. */
  private once(
    what: string,
    method: string,
    path: string,
    body: unknown,
    deadline: number,
    timeoutMs: number,
  ): Promise<{ status: number; text: string }> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const left = deadline - Date.now();
    const limit = Math.max(1, Math.min(this.requestTimeoutMs, left));
    return new Promise((resolve, reject) => {
      let timedOut = false;
      // node:http is loaded at the first request, not with the kit: it brings node:net and streams,
      // a cost every hook of a charm that imports the kit would pay (docs/performance.md, "The machine kit").
      const { request } = process.getBuiltinModule("node:http");
      const req = request(
        {
          socketPath: this.socketPath,
          method,
          path,
          agent: false,
          headers: {
            Host: "localhost",
            Accept: "application/json",
            ...(payload === undefined ? {} : { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => {
            fail(error);
          });
          res.on("end", () => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
          });
        },
      );
      const timer = setTimeout(() => {
        timedOut = true;
        req.destroy();
      }, limit);
      const fail = (error: Error): void => {
        clearTimeout(timer);
        const target = `${method} ${path}`;
        if (timedOut) {
          const whose = limit < this.requestTimeoutMs ? `the call's ${String(timeoutMs)} ms` : `${String(limit)} ms`;
          reject(
            new SnapTimeoutError(`cannot ${what}: snapd did not answer ${target} within ${whose}`, "tscharm-snap-request-timeout", target),
          );
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT")
          reject(
            new SnapConnectionError(
              `cannot ${what}: no snapd socket at ${this.socketPath} (is snapd installed and running?)`,
              "tscharm-snap-socket-not-found",
              this.socketPath,
            ),
          );
        else if (code === "ECONNREFUSED")
          reject(
            new SnapConnectionError(
              `cannot ${what}: snapd's socket ${this.socketPath} refused the connection (is snapd running?)`,
              "tscharm-snap-connection-refused",
              this.socketPath,
            ),
          );
        else
          reject(
            new SnapConnectionError(
              `cannot ${what}: the connection to snapd (${this.socketPath}) failed during ${target}: ${error.message}`,
              "tscharm-snap-connection-error",
              this.socketPath,
            ),
          );
      };
      req.on("error", fail);
      req.end(payload);
    });
  }
}
