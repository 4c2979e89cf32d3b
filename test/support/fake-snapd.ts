// A fake snapd for LocalSnap's tests: an HTTP server on a unix socket of its own that records each
// request (method, path, query, JSON body, headers) and answers from a script of replies, most of
// them fixtures under test/fixtures/snapd/ taken from snapd's REST API documentation.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const FIXTURES = resolve(import.meta.dirname, "..", "fixtures", "snapd");

/** An HTTP status and a JSON body (snapd's envelope, or anything for hostile tests). */
export interface SnapdReply {
  readonly status: number;
  readonly body: unknown;
}

/** A reply, or "hang" (never answer: for timeouts), or "garbage" (a body that is not JSON). */
export type Scripted = SnapdReply | "hang" | "garbage";

/** One request as snapd would receive it. */
export interface SnapdRequest {
  readonly method: string;
  readonly path: string;
  /** The query string's parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when there was none. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** A fixture of test/fixtures/snapd: its status and body (its `source` names the documentation it follows). */
export function snapdFixture(name: string): SnapdReply & { readonly source: string } {
  const parsed = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as { source: string; status: number; body: unknown };
  return { source: parsed.source, status: parsed.status, body: parsed.body };
}

/** A sync 200 with this result, as snapd sends for a read. */
export function syncReply(result: unknown): SnapdReply {
  return { status: 200, body: { type: "sync", "status-code": 200, status: "OK", result } };
}

export class FakeSnapd {
  readonly requests: SnapdRequest[] = [];
  private readonly routes = new Map<string, Scripted[]>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    readonly socketPath: string,
    private readonly dir: string,
    private readonly server: Server,
  ) {}

  /** Listens on a new socket in a temporary directory. */
  static async start(): Promise<FakeSnapd> {
    const dir = mkdtempSync(join(tmpdir(), "fake-snapd-"));
    const socketPath = join(dir, "snapd.socket");
    const self: { fake?: FakeSnapd } = {};
    const server = createServer((req, res) => {
      self.fake?.handle(req, res);
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(socketPath, done);
    });
    self.fake = new FakeSnapd(socketPath, dir, server);
    return self.fake;
  }

  /**
   * Scripts the replies to `METHOD /path` (the path without its query), served in order; the last
   * one repeats. A request nothing is scripted for gets snapd's 404 `not found`.
   */
  on(method: string, path: string, ...replies: Scripted[]): this {
    this.routes.set(`${method} ${path}`, [...replies]);
    return this;
  }

  /** The requests to `METHOD /path`. */
  requestsTo(method: string, path: string): SnapdRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const text = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "";
      this.requests.push({
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        body: text === "" ? undefined : (JSON.parse(text) as unknown),
        headers: { ...req.headers },
      });
      const script = this.routes.get(`${method} ${url.pathname}`);
      const reply: Scripted = (script !== undefined && script.length > 1 ? script.shift() : script?.[0]) ?? {
        // snapd's answer to a path it has no route for (daemon/daemon.go).
        status: 404,
        body: { type: "error", "status-code": 404, status: "Not Found", result: { message: "not found" } },
      };
      if (reply === "hang") {
        this.hanging.add(res);
        return;
      }
      if (reply === "garbage") {
        res.writeHead(500, { "Content-Type": "text/plain" }).end("<html>502 Bad Gateway</html>");
        return;
      }
      res.writeHead(reply.status, { "Content-Type": "application/json" }).end(JSON.stringify(reply.body));
    });
  }
}
