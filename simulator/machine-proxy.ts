// The machines' way out: a forward HTTP proxy in the simulator's process, served to the machines of
// a model at 10.1.0.1:3128 (a listener in the model's fabric, made by machines.ts like the tool
// server's), and the apt configuration that points a machine at it. A machine of its own has no
// route off the model's bridge (the host's network is never changed, so there is no NAT); the proxy
// reaches whatever the simulator's host reaches: Debian's or Ubuntu's archive, the npm registry, a
// server on the host's loopback.
//
// It plays the part of a proxy that a Juju model's config names: Juju's machine agent writes the
// model's `apt-http-proxy` and `apt-https-proxy` to /etc/apt/apt.conf.d/95-juju-proxy-settings (juju/juju
// 3.6 worker/proxyupdater/proxyupdater.go, handleAptProxyValues, with the lines of the apt package
// commander's ProxyConfigContents), and the unit agent passes `juju-http-proxy`, `juju-https-proxy` and
// `juju-no-proxy` to every hook as JUJU_CHARM_HTTP_PROXY, JUJU_CHARM_HTTPS_PROXY and JUJU_CHARM_NO_PROXY
// (worker/uniter/runner/context/context.go, HookVars). docs/simulator.md, "Machines of their own", says
// what differs.
//
// Plain HTTP is forwarded (a request whose target is an absolute URL, as RFC 9112 §3.2.2 has a client
// send to a proxy); HTTPS goes through a CONNECT tunnel (RFC 9110 §9.3.6), which apt's https method
// asks for when its proxy is an http:// URL. One debug-log line per request would drown the log (an
// `apt-get update` makes dozens): failures are logged (the first few), and the counts when it closes.

import {
  Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
  createServer,
  request as httpRequest,
} from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { type Server, type Socket, connect } from "node:net";
import type { Duplex } from "node:stream";

/** The proxy's port on the bridge: squid's, the port Juju's documentation gives its proxies. */
export const PROXY_PORT = 3128;

/** Where Juju's machine agent keeps a machine's apt proxy settings (juju/juju 3.6, packaging AptProxyConfigFile). */
export const APT_PROXY_FILE = "/etc/apt/apt.conf.d/95-juju-proxy-settings";

/**
 * Juju's default `juju-no-proxy` (and `no-proxy`), environs/config/config.go: hosts a charm reaches
 * without its proxy.
 */
export const JUJU_DEFAULT_NO_PROXY = "127.0.0.1,localhost,::1";

/** How many failures are logged one by one; after that they are only counted. */
const LOGGED_FAILURES = 10;

/** How long an upstream connection may stay silent before the request fails. */
const UPSTREAM_IDLE_MS = 120_000;

/** Headers for one connection only (RFC 9110 §7.6.1), never passed on by a proxy. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** A model's proxy settings, as Juju's model config keys name them (the values are URLs). */
export interface ProxySettings {
  /** `apt-http-proxy` */
  readonly aptHttp: string;
  /** `apt-https-proxy` */
  readonly aptHttps: string;
  /** `juju-http-proxy` */
  readonly jujuHttp: string;
  /** `juju-https-proxy` */
  readonly jujuHttps: string;
  /** `juju-no-proxy` */
  readonly jujuNoProxy: string;
}

/**
 * What the simulator's machines get: its proxy for apt and for the charm, and no proxy for the
 * model's own network (10.1.0.0/16: the proxy, on the host's side, cannot reach the machines).
 */
export function simulatorProxySettings(address: string, port: number): ProxySettings {
  const url = `http://${address}:${String(port)}`;
  return { aptHttp: url, aptHttps: url, jujuHttp: url, jujuHttps: url, jujuNoProxy: `${JUJU_DEFAULT_NO_PROXY},10.1.0.0/16` };
}

/**
 * The contents of 95-juju-proxy-settings as Juju writes them: one `Acquire::<scheme>::Proxy "<url>";`
 * line per scheme that has a proxy, then a newline.
 */
export function aptProxyConfig(settings: Pick<ProxySettings, "aptHttp" | "aptHttps">): string {
  const lines: string[] = [];
  if (settings.aptHttp !== "") lines.push(`Acquire::http::Proxy ${quote(settings.aptHttp)};`);
  if (settings.aptHttps !== "") lines.push(`Acquire::https::Proxy ${quote(settings.aptHttps)};`);
  return `${lines.join("\n")}\n`;
}

/** The proxy variables of a hook's environment (juju/juju HookVars: always set, empty when unset). */
export function hookProxyEnvironment(settings: ProxySettings): Record<string, string> {
  return {
    JUJU_CHARM_HTTP_PROXY: settings.jujuHttp,
    JUJU_CHARM_HTTPS_PROXY: settings.jujuHttps,
    JUJU_CHARM_FTP_PROXY: "",
    JUJU_CHARM_NO_PROXY: settings.jujuNoProxy,
  };
}

/** What the proxy has done since it started. */
export interface ProxyCounts {
  /** Requests forwarded (plain HTTP, absolute URL), failed ones included. */
  requests: number;
  /** CONNECT tunnels asked for, failed ones included. */
  tunnels: number;
  /** Requests and tunnels answered with an error (400 or 502). */
  failed: number;
}

/** A forward proxy: serves the connections of the listeners given to it; `close()` ends every one of them. */
export class MachineProxy {
  readonly counts: ProxyCounts = { requests: 0, tunnels: 0, failed: 0 };
  private readonly http = createServer();
  private readonly sockets = new Set<Duplex>();
  private readonly agents = { http: new Agent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  private closed = false;

  constructor(
    /** Writes to the model's debug log. */
    private readonly note: (what: string) => void,
  ) {
    this.http.on("request", (request: IncomingMessage, response: ServerResponse) => {
      this.forward(request, response);
    });
    this.http.on("connect", (request: IncomingMessage, client: Duplex, head: Buffer) => {
      this.tunnel(request, client, head);
    });
    this.http.on("clientError", (_error: Error, socket: Duplex) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      else socket.destroy();
    });
  }

  /** Serves the connections `listener` accepts (a listener made in the fabric, or any other). */
  serveOn(listener: Server): void {
    listener.on("connection", (socket: Socket) => {
      if (this.closed) {
        socket.destroy();
        return;
      }
      this.track(socket);
      this.http.emit("connection", socket);
    });
  }

  /** Ends every connection, and says in the debug log what the proxy did (when it did anything). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.agents.http.destroy();
    this.agents.https.destroy();
    const { requests, tunnels, failed } = this.counts;
    if (requests + tunnels > 0)
      this.note(
        `machine proxy: ${String(requests)} request(s) forwarded and ${String(tunnels)} tunnel(s) opened for the machines, ` +
          `${String(failed)} failed`,
      );
  }

  private track(socket: Duplex): void {
    this.sockets.add(socket);
    socket.on("close", () => this.sockets.delete(socket));
    socket.on("error", () => undefined);
  }

  /** A plain HTTP request: its absolute URL is fetched and the answer passed back. */
  private forward(request: IncomingMessage, response: ServerResponse): void {
    this.counts.requests++;
    const asked = request.url ?? "";
    const method = request.method ?? "GET";
    let target: URL;
    try {
      target = new URL(asked);
    } catch {
      this.refuse(response, 400, `${method} ${asked}`, `a proxy needs an absolute URL (http://host/path), not "${asked}"`);
      return;
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      this.refuse(response, 400, `${method} ${asked}`, `only http:// and https:// URLs are forwarded, not ${target.protocol}`);
      return;
    }
    const secure = target.protocol === "https:";
    const send = secure ? httpsRequest : httpRequest;
    const upstream = send(
      {
        host: unbracket(target.hostname),
        port: target.port === "" ? (secure ? 443 : 80) : Number(target.port),
        method,
        path: `${target.pathname}${target.search}`,
        // The target's authority, whatever Host the client sent (RFC 9112 §3.2.2).
        headers: { ...endToEnd(request.headers), host: target.host },
        agent: secure ? this.agents.https : this.agents.http,
        timeout: UPSTREAM_IDLE_MS,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
        answer.pipe(response);
        answer.on("error", () => response.destroy());
      },
    );
    upstream.on("timeout", () => upstream.destroy(new Error(`no answer within ${String(UPSTREAM_IDLE_MS / 1000)} s`)));
    upstream.on("error", (error) => {
      if (response.headersSent) {
        // Cut off mid-answer: the client sees a short body, the only way left to say so.
        this.failed(`${method} ${target.href}`, `${error.message} (after the answer began)`);
        response.destroy();
      } else this.refuse(response, 502, `${method} ${target.href}`, `could not reach ${target.host}: ${error.message}`);
    });
    // A client that goes away mid-answer frees the upstream connection too.
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
    request.pipe(upstream);
  }

  /** CONNECT host:port: a TCP tunnel to it, for HTTPS (the proxy sees only its host and port). */
  private tunnel(request: IncomingMessage, client: Duplex, head: Buffer): void {
    this.counts.tunnels++;
    this.track(client);
    const authority = request.url ?? "";
    const parsed = parseAuthority(authority);
    if (parsed === undefined) {
      this.failed(`CONNECT ${authority}`, "not a host:port");
      client.end(errorAnswer(400, `CONNECT needs host:port, not "${authority}"`));
      return;
    }
    let established = false;
    const upstream = connect({ host: parsed.host, port: parsed.port });
    this.track(upstream);
    upstream.setTimeout(UPSTREAM_IDLE_MS, () => upstream.destroy(new Error(`silent for ${String(UPSTREAM_IDLE_MS / 1000)} s`)));
    upstream.once("connect", () => {
      established = true;
      upstream.setTimeout(0);
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", (error) => {
      if (established) {
        client.destroy();
        return;
      }
      this.failed(`CONNECT ${authority}`, error.message);
      client.end(errorAnswer(502, `could not reach ${authority}: ${error.message}`));
    });
    upstream.on("close", () => {
      if (established) client.destroy();
    });
    client.on("close", () => upstream.destroy());
  }

  private refuse(response: ServerResponse, status: 400 | 502, what: string, why: string): void {
    this.failed(what, why);
    const body = `tscharm's machine proxy: ${why}\n`;
    response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
    response.end(body);
  }

  private failed(what: string, why: string): void {
    this.counts.failed++;
    if (this.counts.failed <= LOGGED_FAILURES) this.note(`machine proxy: ${what} failed: ${why}`);
    if (this.counts.failed === LOGGED_FAILURES)
      this.note(`machine proxy: ${String(LOGGED_FAILURES)} requests failed; further failures are counted, not logged one by one`);
  }
}

/** A whole HTTP/1.1 error answer for a tunnel that could not be made (the socket is no longer the HTTP server's). */
function errorAnswer(status: 400 | 502, why: string): string {
  const body = `tscharm's machine proxy: ${why}\n`;
  const reason = status === 400 ? "Bad Request" : "Bad Gateway";
  return (
    `HTTP/1.1 ${String(status)} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
    `Content-Length: ${String(Buffer.byteLength(body))}\r\nConnection: close\r\n\r\n${body}`
  );
}

/** The headers a proxy passes on: all but the hop-by-hop ones and those the Connection header names. */
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set(
    (headers.connection ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase())
      .filter((name) => name !== ""),
  );
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) kept[name] = value;
  }
  return kept;
}

/** `host:port` or `[v6]:port` of a CONNECT request. */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/[\]]+)):(\d{1,5})$/.exec(authority);
  if (match === null) return undefined;
  const port = Number(match[3]);
  const host = match[1] ?? match[2] ?? "";
  return port >= 1 && port <= 65535 && host !== "" ? { host, port } : undefined;
}

function unbracket(hostname: string): string {
  return hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
}

/** A string in double quotes as Go's %q writes a URL (printable ASCII: backslash and quote escaped). */
function quote(value: string): string {
  return JSON.stringify(value);
}
