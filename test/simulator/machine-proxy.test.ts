// The machines' way out (simulator/machine-proxy.ts): the forward proxy itself, on this host's
// loopback (forwarding, CONNECT tunnels, 400 and 502 with a clear body, the debug log's lines, closing);
// the apt settings as Juju writes them; and, where the simulator can make machines of their own
// (root), a machine that reaches a server on the host's loopback only through the proxy, with its apt
// configured inside it and the host's /etc/apt untouched, and a real `apt-get update`, download and
// install of tinyproxy-bin from Debian's archive when this host reaches it. Cases that cannot run say why.

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { type IncomingHttpHeaders, type Server as HttpServer, createServer as createHttpServer, request } from "node:http";
import { type AddressInfo, type Server, type Socket, connect, createServer } from "node:net";
import { join } from "node:path";

import { afterEach, describe, expect, test } from "vitest";

import { debugLogLines } from "../../integration/juju.js";
import { isolationBlocker } from "../../simulator/machine-isolation.js";
import {
  APT_PROXY_FILE,
  MachineProxy,
  PROXY_PORT,
  aptProxyConfig,
  hookProxyEnvironment,
  simulatorProxySettings,
} from "../../simulator/machine-proxy.js";
import { Simulator } from "../../simulator/simulator.js";
import { recorderCharm } from "../support/recorder-charm.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function portOf(server: Server | HttpServer): number {
  return (server.address() as AddressInfo).port;
}

async function listening<T extends Server | HttpServer>(server: T): Promise<T> {
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  cleanups.push(() => new Promise<void>((done) => server.close(() => done())));
  return server;
}

/** A proxy on this host's loopback, with the debug-log lines it wrote. */
async function loopbackProxy(): Promise<{ proxy: MachineProxy; port: number; notes: string[] }> {
  const notes: string[] = [];
  const proxy = new MachineProxy((what) => notes.push(what));
  const listener = await listening(createServer());
  proxy.serveOn(listener);
  cleanups.push(() => proxy.close());
  return { proxy, port: portOf(listener), notes };
}

/** An upstream web server that answers with what it was asked (method, path, headers, body). */
async function echoServer(): Promise<{
  port: number;
  seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[];
}> {
  const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createHttpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      res.setHeader("x-upstream", "yes");
      res.setHeader("keep-alive", "timeout=99");
      res.end(`${req.method ?? ""} ${req.url ?? ""} ${body}`);
    });
  });
  await listening(server);
  return { port: portOf(server), seen };
}

/** A port on the loopback that nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const port = portOf(server);
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** One request to the proxy, as a client configured with it sends it: the absolute URL as its target. */
async function viaProxy(
  proxyPort: number,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((done, reject) => {
    const req = request(
      { host: "127.0.0.1", port: proxyPort, method: options.method ?? "GET", path: target, headers: options.headers },
      (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
        res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** CONNECT through the proxy; resolves with the proxy's answer head and the socket (tunnelled when 200). */
async function connectVia(proxyPort: number, authority: string): Promise<{ head: string; socket: Socket; rest: string }> {
  const socket = connect(proxyPort, "127.0.0.1");
  cleanups.push(() => {
    socket.destroy();
  });
  socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  let text = "";
  return new Promise((done, reject) => {
    socket.setEncoding("utf8");
    const onData = (chunk: string): void => {
      text += chunk;
      const end = text.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = text.slice(0, end);
      if (head.startsWith("HTTP/1.1 200")) {
        socket.off("data", onData);
        done({ head, socket, rest: text.slice(end + 4) });
      }
    };
    socket.on("data", onData);
    socket.on("end", () => {
      const end = text.indexOf("\r\n\r\n");
      done({ head: text.slice(0, end), socket, rest: text.slice(end + 4) });
    });
    socket.on("error", reject);
  });
}

describe("the machine proxy", () => {
  test("forwards a request for an absolute URL and passes the answer back, without hop-by-hop headers either way", async () => {
    const { proxy, port } = await loopbackProxy();
    const upstream = await echoServer();
    const answer = await viaProxy(port, `http://127.0.0.1:${String(upstream.port)}/dists/x/InRelease?y=1`, {
      method: "POST",
      headers: { "proxy-connection": "keep-alive", connection: "x-private", "x-private": "hop", "x-end": "kept" },
      body: "payload",
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("POST /dists/x/InRelease?y=1 payload");
    expect(answer.headers["x-upstream"]).toBe("yes");
    // The upstream's Keep-Alive is its connection's to the proxy, not the client's.
    expect(answer.headers["keep-alive"]).not.toBe("timeout=99");
    const [seen] = upstream.seen;
    expect(seen?.url).toBe("/dists/x/InRelease?y=1");
    expect(seen?.headers["x-end"]).toBe("kept");
    expect(seen?.headers["host"]).toBe(`127.0.0.1:${String(upstream.port)}`);
    expect(seen?.headers["proxy-connection"]).toBeUndefined();
    expect(seen?.headers["x-private"]).toBeUndefined();
    expect(proxy.counts).toEqual({ requests: 1, tunnels: 0, failed: 0 });
  });

  test("a client that goes away mid-answer ends the upstream request too", async () => {
    const { port } = await loopbackProxy();
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((done) => (upstreamClosed = done));
    const slow = await listening(
      createHttpServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first part\n");
        res.on("close", () => upstreamClosed());
      }),
    );
    const first = await new Promise<string>((done, reject) => {
      const req = request({ host: "127.0.0.1", port, path: `http://127.0.0.1:${String(portOf(slow))}/big` }, (res) => {
        res.setEncoding("utf8").once("data", (chunk: string) => {
          req.destroy();
          done(chunk);
        });
      });
      req.on("error", () => undefined);
      req.on("close", () => reject(new Error("closed before any data")));
      req.end();
    });
    expect(first).toBe("first part\n");
    await closed;
  });

  test("tunnels CONNECT host:port both ways", async () => {
    const { proxy, port } = await loopbackProxy();
    const echo = await listening(
      createServer((socket) => {
        socket.on("data", (chunk: Buffer) => socket.write(`echo:${chunk.toString()}`));
        socket.on("error", () => undefined);
      }),
    );
    const { head, socket } = await connectVia(port, `127.0.0.1:${String(portOf(echo))}`);
    expect(head).toBe("HTTP/1.1 200 Connection Established");
    const reply = new Promise<string>((done) => socket.once("data", (chunk: string) => done(chunk)));
    socket.write("hello");
    expect(await reply).toBe("echo:hello");
    expect(proxy.counts.tunnels).toBe(1);
  });

  test("an upstream it cannot reach is a 502 whose body says which and why, logged in the debug log", async () => {
    const { proxy, port, notes } = await loopbackProxy();
    const dead = await closedPort();
    const answer = await viaProxy(port, `http://127.0.0.1:${String(dead)}/pool/main/t/tinyproxy.deb`);
    expect(answer.status).toBe(502);
    expect(answer.body).toBe(
      `tscharm's machine proxy: could not reach 127.0.0.1:${String(dead)}: connect ECONNREFUSED 127.0.0.1:${String(dead)}\n`,
    );
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(
          `^machine proxy: GET http://127\\.0\\.0\\.1:${String(dead)}/pool/main/t/tinyproxy\\.deb failed: could not reach .*ECONNREFUSED`,
        ),
      ),
    ]);
    const tunnel = await connectVia(port, `127.0.0.1:${String(dead)}`);
    expect(tunnel.head).toMatch(/^HTTP\/1\.1 502 Bad Gateway\r\n/);
    expect(tunnel.rest).toMatch(
      new RegExp(
        `^tscharm's machine proxy: could not reach 127\\.0\\.0\\.1:${String(dead)}: connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\n$`,
      ),
    );
    expect(proxy.counts).toEqual({ requests: 1, tunnels: 1, failed: 2 });
  });

  test("a request that is not for an absolute http(s) URL, or a CONNECT without a port, is a 400 naming what was asked", async () => {
    const { port, notes } = await loopbackProxy();
    const relative = await viaProxy(port, "/dists/bookworm/InRelease");
    expect(relative.status).toBe(400);
    expect(relative.body).toBe(
      'tscharm\'s machine proxy: a proxy needs an absolute URL (http://host/path), not "/dists/bookworm/InRelease"\n',
    );
    const ftp = await viaProxy(port, "ftp://ftp.debian.org/debian/");
    expect(ftp.status).toBe(400);
    expect(ftp.body).toBe("tscharm's machine proxy: only http:// and https:// URLs are forwarded, not ftp:\n");
    const tunnel = await connectVia(port, "deb.debian.org");
    expect(tunnel.head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(tunnel.rest).toBe('tscharm\'s machine proxy: CONNECT needs host:port, not "deb.debian.org"\n');
    expect(notes).toHaveLength(3);
  });

  test("failures past the first ten are counted, not logged one by one", async () => {
    const { proxy, port, notes } = await loopbackProxy();
    for (let n = 0; n < 13; n++) await viaProxy(port, `/relative-${String(n)}`);
    expect(proxy.counts.failed).toBe(13);
    expect(notes).toHaveLength(11);
    expect(notes[9]).toMatch(/relative-9/);
    expect(notes[10]).toBe("machine proxy: 10 requests failed; further failures are counted, not logged one by one");
  });

  test("closing it ends open tunnels and says in the debug log what it did", async () => {
    const { proxy, port, notes } = await loopbackProxy();
    const upstream = await echoServer();
    await viaProxy(port, `http://127.0.0.1:${String(upstream.port)}/`);
    const echo = await listening(createServer((socket) => socket.on("error", () => undefined)));
    const { socket } = await connectVia(port, `127.0.0.1:${String(portOf(echo))}`);
    const ended = new Promise<void>((done) => socket.once("close", () => done()));
    proxy.close();
    await ended;
    expect(notes).toEqual(["machine proxy: 1 request(s) forwarded and 1 tunnel(s) opened for the machines, 0 failed"]);
    // Closed: a new connection is dropped at once.
    const late = connect(port, "127.0.0.1");
    await new Promise<void>((done) => late.once("close", () => done()).on("error", () => undefined));
  });

  test("apt's settings are Juju's 95-juju-proxy-settings lines; the hook gets JUJU_CHARM_*_PROXY", () => {
    const settings = simulatorProxySettings("10.1.0.1", PROXY_PORT);
    expect(aptProxyConfig(settings)).toBe('Acquire::http::Proxy "http://10.1.0.1:3128";\nAcquire::https::Proxy "http://10.1.0.1:3128";\n');
    // A scheme without a proxy has no line (juju/juju ProxyConfigContents).
    expect(aptProxyConfig({ aptHttp: "http://squid.internal:3128", aptHttps: "" })).toBe(
      'Acquire::http::Proxy "http://squid.internal:3128";\n',
    );
    expect(hookProxyEnvironment(settings)).toEqual({
      JUJU_CHARM_HTTP_PROXY: "http://10.1.0.1:3128",
      JUJU_CHARM_HTTPS_PROXY: "http://10.1.0.1:3128",
      JUJU_CHARM_FTP_PROXY: "",
      JUJU_CHARM_NO_PROXY: "127.0.0.1,localhost,::1,10.1.0.0/16",
    });
  });
});

const APT_HELPER = "/usr/lib/apt/apt-helper";
const blocker = isolationBlocker() ?? (existsSync(APT_HELPER) ? undefined : `this host has no apt (${APT_HELPER})`);

/** Why the real-archive case cannot run here, or undefined: this host must reach the archive its apt sources name. */
function archiveBlocker(): string | undefined {
  if (blocker !== undefined) return blocker;
  const probe = spawnSync(
    process.execPath,
    [
      "-e",
      'require("node:http").get("http://deb.debian.org/debian/dists/bookworm/InRelease", { timeout: 5000 },' +
        " (r) => process.exit(r.statusCode === 200 ? 0 : 2))" +
        '.on("timeout", () => process.exit(3)).on("error", () => process.exit(4));',
    ],
    { timeout: 10_000 },
  );
  return probe.status === 0 ? undefined : `this host cannot reach http://deb.debian.org (probe exit ${String(probe.status)})`;
}

async function isolatedModel(options: { keep?: boolean } = {}): Promise<{ sim: Simulator; control: string }> {
  const charm = recorderCharm();
  cleanups.push(() => {
    rmSync(join(charm.control, ".."), { recursive: true, force: true });
  });
  charm.onHook("install", 'env | grep "^JUJU_CHARM_.*PROXY=" | sort > "$CONTROL/proxy-env-${JUJU_UNIT_NAME/\\//-}"');
  const kept = options.keep === true ? { dir: mkdtempSync(join(tmpdir(), "tscharm-proxy-model-")), persistent: true } : {};
  const sim = await Simulator.create({ env: { CONTROL: charm.control }, machines: "isolated", hookTimeoutMs: 600_000, ...kept });
  cleanups.push(() => sim.close({ remove: true }));
  sim.deploy(charm.dir);
  await sim.settle();
  return { sim, control: charm.control };
}

async function exec(sim: Simulator, command: string): Promise<{ code: unknown; stdout: string; stderr: string }> {
  const task = await sim.runTask(sim.enqueueExec("recorder/0", command).id);
  const text = (key: string): string => {
    const value = task.results[key];
    return typeof value === "string" ? value : "";
  };
  return { code: task.results["return-code"], stdout: text("stdout"), stderr: text("stderr") };
}

describe.skipIf(blocker !== undefined)(`a machine of its own and the proxy${blocker === undefined ? "" : ` (skipped: ${blocker})`}`, () => {
  test("reaches the host's loopback only through the proxy; its apt is configured inside it, the host's untouched", async () => {
    const hostHadFile = existsSync(APT_PROXY_FILE);
    const served = createHttpServer((req, res) => res.end(`from the host: ${req.url ?? ""}\n`));
    await listening(served);
    const url = `http://127.0.0.1:${String(portOf(served))}/file.txt`;
    const { sim, control } = await isolatedModel();
    expect(readFileSync(join(control, "proxy-env-recorder-0"), "utf8")).toBe(
      [
        "JUJU_CHARM_FTP_PROXY=",
        "JUJU_CHARM_HTTPS_PROXY=http://10.1.0.1:3128",
        "JUJU_CHARM_HTTP_PROXY=http://10.1.0.1:3128",
        "JUJU_CHARM_NO_PROXY=127.0.0.1,localhost,::1,10.1.0.0/16",
        "",
      ].join("\n"),
    );
    const inside = await exec(sim, `cat ${APT_PROXY_FILE}; stat -c %a ${APT_PROXY_FILE}`);
    expect(inside.stdout).toBe('Acquire::http::Proxy "http://10.1.0.1:3128";\nAcquire::https::Proxy "http://10.1.0.1:3128";\n644\n');
    // Without the proxy the host's loopback is not there: the machine's 127.0.0.1 is its own.
    const direct = await exec(sim, `curl --noproxy '*' -sS --max-time 5 ${url}`);
    expect(direct.code).not.toBe(0);
    // apt itself, through its configuration (95-juju-proxy-settings), fetches the host's file.
    {
      const fetched = await exec(
        sim,
        `cd /tmp && d=$(mktemp -d) && chmod 755 "$d" && ${APT_HELPER} download-file ${url} "$d/f" && cat "$d/f"; rm -rf "$d"`,
      );
      expect(fetched.stdout, fetched.stderr).toContain("from the host: /file.txt\n");
    }
    // A charm's own client through JUJU_CHARM_HTTP_PROXY.
    const charm = await exec(sim, `curl -sS --max-time 5 --proxy "$JUJU_CHARM_HTTP_PROXY" ${url}`);
    expect(charm.stdout, charm.stderr).toBe("from the host: /file.txt\n");
    // A failure is a 502 for the machine and a line in the model's debug log.
    const dead = await closedPort();
    const failed = await exec(
      sim,
      `curl -s --max-time 5 --proxy "$JUJU_CHARM_HTTP_PROXY" -w '%{http_code}' http://127.0.0.1:${String(dead)}/x`,
    );
    expect(failed.stdout).toMatch(
      /^tscharm's machine proxy: could not reach 127\.0\.0\.1:\d+: connect ECONNREFUSED 127\.0\.0\.1:\d+\n502$/,
    );
    expect(debugLogLines(sim.history()).join("\n")).toMatch(
      new RegExp(`machine proxy: GET http://127\\.0\\.0\\.1:${String(dead)}/x failed`),
    );
    // The host's apt is untouched.
    expect(existsSync(APT_PROXY_FILE)).toBe(hostHadFile);
    expect(existsSync(join(sim.dir, "machine-ns", "0", "upper", APT_PROXY_FILE))).toBe(true);
    // Closing the model closes the proxy, which says what it did.
    await sim.destroy();
    expect(debugLogLines(sim.history()).join("\n")).toMatch(
      /machine proxy: \d+ request\(s\) forwarded and 0 tunnel\(s\) opened for the machines, 1 failed/,
    );
    expect(existsSync(APT_PROXY_FILE)).toBe(hostHadFile);
  });

  test("a changed 95-juju-proxy-settings is put back when the next process finds the machine (as Juju's agent starting)", async () => {
    const { sim } = await isolatedModel({ keep: true });
    await exec(sim, `echo 'Acquire::http::Proxy "http://elsewhere:1";' > ${APT_PROXY_FILE}`);
    const dir = sim.dir;
    // A kept model, opened again by another Simulator (as the next `tscharm sim` command does).
    await sim.close();
    const again = await Simulator.open(dir);
    cleanups.push(() => again.close({ remove: true }));
    const task = await again.runTask(again.enqueueExec("recorder/0", `cat ${APT_PROXY_FILE}`).id);
    expect(task.results["stdout"]).toBe('Acquire::http::Proxy "http://10.1.0.1:3128";\nAcquire::https::Proxy "http://10.1.0.1:3128";\n');
  });

  test("when port 3128 of the bridge is taken, the proxy listens on another, says so, and apt and the hooks follow", async () => {
    const served = createHttpServer((_req, res) => res.end("from the host\n"));
    await listening(served);
    const { sim } = await isolatedModel({ keep: true });
    const dir = sim.dir;
    await sim.close();
    // Something else holds 10.1.0.1:3128 in the model's bridge namespace (the fabric outlives a command).
    const fabric = readFileSync(join(dir, "machine-ns", "fabric"), "utf8").split(" ")[0] ?? "";
    const squatter = spawn(
      "nsenter",
      [
        `--target=${fabric}`,
        "--net",
        "--",
        process.execPath,
        "-e",
        'require("node:net").createServer().listen(3128, "10.1.0.1", () => console.log("up"))',
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    cleanups.push(() => {
      squatter.kill("SIGKILL");
    });
    await new Promise<void>((done) => squatter.stdout.once("data", () => done()));
    const again = await Simulator.open(dir);
    cleanups.push(() => again.close({ remove: true }));
    const task = await again.runTask(
      again.enqueueExec(
        "recorder/0",
        `cat ${APT_PROXY_FILE}; echo "$JUJU_CHARM_HTTP_PROXY"; ` +
          `curl -sS --max-time 5 --proxy "$JUJU_CHARM_HTTP_PROXY" http://127.0.0.1:${String(portOf(served))}/`,
      ).id,
    );
    const stdout = typeof task.results["stdout"] === "string" ? task.results["stdout"] : "";
    const port = /Acquire::http::Proxy "http:\/\/10\.1\.0\.1:(\d+)";/.exec(stdout)?.[1];
    expect(port).toBeDefined();
    expect(port).not.toBe("3128");
    expect(stdout).toBe(
      `Acquire::http::Proxy "http://10.1.0.1:${port ?? ""}";\nAcquire::https::Proxy "http://10.1.0.1:${port ?? ""}";\n` +
        `http://10.1.0.1:${port ?? ""}\nfrom the host\n`,
    );
    expect(debugLogLines(again.history()).join("\n")).toContain(
      `machine proxy: port 3128 of the bridge was taken; it listens on ${port ?? ""}`,
    );
  });
});

const archive = archiveBlocker();

describe.skipIf(archive !== undefined)(`a machine and Debian's archive${archive === undefined ? "" : ` (skipped: ${archive})`}`, () => {
  test("apt-get update, install --download-only and install of tinyproxy-bin succeed inside the machine, through the proxy", async () => {
    const hostCache = spawnSync("ls", ["/var/cache/apt/archives/"], { encoding: "utf8" }).stdout;
    const hostHadTinyproxy = existsSync("/usr/bin/tinyproxy");
    const { sim } = await isolatedModel();
    const update = await exec(sim, "apt-get update 2>&1");
    expect(update.code, update.stdout).toBe(0);
    expect(update.stdout).toMatch(/^(Hit|Get):\d+ http:\/\/\S+ \S+ InRelease/m);
    expect(update.stdout).not.toMatch(/^(W|E|Err):/m);
    // What the host's cache holds is seen through the machine's overlay: gone from the machine, it must be downloaded.
    const download = await exec(
      sim,
      "rm -f /var/cache/apt/archives/tinyproxy-bin_*; apt-get install --download-only -y tinyproxy-bin 2>&1",
    );
    expect(download.code, download.stdout).toBe(0);
    expect(download.stdout).toMatch(/^Get:\d+ http:\/\/\S+ \S+ \S+ tinyproxy-bin /m);
    // Written in the machine's overlay, not in the host's cache.
    const upper = join(sim.dir, "machine-ns", "0", "upper", "var", "cache", "apt", "archives");
    expect(readdirSync(upper).filter((name) => name.startsWith("tinyproxy-bin_"))).toHaveLength(1);
    expect(spawnSync("ls", ["/var/cache/apt/archives/"], { encoding: "utf8" }).stdout).toBe(hostCache);
    // And installed from there: the machine runs it, the host still has none.
    const install = await exec(sim, "apt-get install -y tinyproxy-bin >/dev/null 2>&1 && tinyproxy -v");
    expect(install.stdout, install.stderr).toMatch(/^tinyproxy 1\.11\.\d+\n$/);
    expect(existsSync("/usr/bin/tinyproxy")).toBe(hostHadTinyproxy);
    // HTTPS: apt's https method through Acquire::https::Proxy (a CONNECT tunnel), and a charm's client through JUJU_CHARM_HTTPS_PROXY.
    const https = await exec(
      sim,
      `d=$(mktemp -d) && chmod 755 "$d" && ${APT_HELPER} download-file https://deb.debian.org/debian/dists/bookworm/Release "$d/r" ` +
        '>/dev/null && head -c 7 "$d/r"; rm -rf "$d"; echo; ' +
        'curl -sS -o /dev/null -w "%{http_code}" --max-time 20 --proxy "$JUJU_CHARM_HTTPS_PROXY" https://registry.npmjs.org/',
    );
    expect(https.stdout, https.stderr).toBe("Origin:\n200");
    await sim.destroy();
    expect(debugLogLines(sim.history()).join("\n")).toMatch(
      /machine proxy: [1-9]\d* request\(s\) forwarded and \d+ tunnel\(s\) opened for the machines, 0 failed/,
    );
  }, 600_000);
});
