// LocalSnap (machine/snap.ts) against a fake snapd on a unix socket: the exact requests it sends
// (method, path, query, JSON body), change polling to Done/Wait/Error, each error kind to its class,
// timeouts and a missing socket. The replies are fixtures from snapd's REST API documentation
// (test/fixtures/snapd/*.json, each with its "source"); nothing here ran against a real snapd.

import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, test } from "vitest";

import {
  LocalSnap,
  SnapAPIError,
  SnapAppNotFoundError,
  SnapChangeConflictError,
  SnapChangeError,
  SnapChannelNotAvailableError,
  SnapConnectionError,
  SnapError,
  SnapNeedsClassicError,
  SnapNeedsDevmodeError,
  SnapNotInStoreError,
  SnapNotInstalledError,
  SnapOptionNotFoundError,
  SnapRevisionNotAvailableError,
  SnapTimeoutError,
  normalizeChannel,
  resolveChannel,
} from "../../machine/snap.js";
import { FakeSnapd, snapdFixture, syncReply } from "../support/fake-snapd.js";
import { MACHINE_KIT, runInSandbox, sandboxBlocker, sandboxJson } from "../support/machine-sandbox.js";

const ASYNC = snapdFixture("async-accepted");
const DONE = snapdFixture("change-done");
const DOING = snapdFixture("change-doing");
const CHANGE = "/v2/changes/1395";

let snapd: FakeSnapd;
let snap: LocalSnap;

beforeEach(async () => {
  snapd = await FakeSnapd.start();
  snap = new LocalSnap({ socketPath: snapd.socketPath, pollIntervalMs: 10, connectionRetryMs: 0 });
});
afterEach(async () => {
  await snapd.close();
});

/** The one request to METHOD path (and that there was exactly one). */
function only(method: string, path: string): { query: Readonly<Record<string, string>>; body: unknown } {
  const sent = snapd.requestsTo(method, path);
  expect(sent, `${method} ${path} requests`).toHaveLength(1);
  return sent[0] as { query: Readonly<Record<string, string>>; body: unknown };
}

describe("the fixtures", () => {
  test("each names the documentation it follows", async () => {
    const { readdirSync } = await import("node:fs");
    const names = readdirSync(join(import.meta.dirname, "..", "fixtures", "snapd"));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(snapdFixture(name.replace(/\.json$/, "")).source).toMatch(/^https:\/\/snapcraft\.io\/docs\//);
  });
});

describe("install, refresh, remove", () => {
  test("install POSTs snapd's install action, then polls the change every interval until Done", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DOING, DOING, DONE);
    await expect(snap.install("hello-world", { channel: "latest/edge" })).resolves.toBe(true);
    const post = snapd.requests[0];
    expect(post).toMatchObject({ method: "POST", path: "/v2/snaps/hello-world", body: { action: "install", channel: "latest/edge" } });
    expect(post?.headers["content-type"]).toBe("application/json");
    expect(post?.headers["host"]).toBe("localhost");
    expect(snapd.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      "POST /v2/snaps/hello-world",
      `GET ${CHANGE}`,
      `GET ${CHANGE}`,
      `GET ${CHANGE}`,
    ]);
    expect(snapd.requests[1]?.body).toBeUndefined();
  });

  test("the fields: revision as a string, classic, devmode; none that were not asked for", async () => {
    snapd.on("POST", "/v2/snaps/juju-db", ASYNC).on("GET", CHANGE, DONE);
    await snap.install("juju-db", { revision: 160, classic: true });
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "install", revision: "160", classic: true });
    snapd.requests.length = 0;
    await snap.install("juju-db", { devmode: true, channel: "3.6/stable" });
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "install", channel: "3.6/stable", devmode: true });
    snapd.requests.length = 0;
    await snap.install("juju-db");
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "install" });
  });

  test("install: already installed is false; not found is SnapNotInStoreError", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-already-installed"));
    await expect(snap.install("hello-world")).resolves.toBe(false);
    snapd.on("POST", "/v2/snaps/no-such-snap", snapdFixture("error-snap-not-found-store"));
    const error = await snap.install("no-such-snap").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapNotInStoreError);
    expect(error).toMatchObject({
      kind: "snap-not-found",
      value: "no-such-snap",
      message: 'cannot install snap "no-such-snap": snap not found',
    });
    // snapd's value is added when the message does not name it.
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found-store"));
    await expect(snap.install("hello-world")).rejects.toThrow('cannot install snap "hello-world": snap not found (no-such-snap)');
  });

  test.each([
    ["error-snap-needs-classic", SnapNeedsClassicError, "snap-needs-classic"],
    ["error-snap-needs-devmode", SnapNeedsDevmodeError, "snap-needs-devmode"],
    ["error-snap-channel-not-available", SnapChannelNotAvailableError, "snap-channel-not-available"],
    ["error-snap-revision-not-available", SnapRevisionNotAvailableError, "snap-revision-not-available"],
    ["error-snap-change-conflict", SnapChangeConflictError, "snap-change-conflict"],
    ["error-login-required", SnapAPIError, "login-required"],
  ] as const)("install: %s is %s", async (fixture, errorClass, kind) => {
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture(fixture));
    const error = await snap.install("hello-world").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(errorClass);
    expect((error as SnapAPIError).constructor).toBe(errorClass);
    expect(error).toMatchObject({ kind });
    expect((error as Error).message).toMatch(/^cannot install snap "hello-world": /);
  });

  test("an object value is kept as JSON", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-channel-not-available"));
    const error = (await snap.install("hello-world", { channel: "9.9/stable" }).catch((e: unknown) => e)) as SnapError;
    expect(JSON.parse(error.value)).toMatchObject({ "snap-name": "hello-world", channel: "9.9/stable" });
    expect(error.message).toBe('cannot install snap "hello-world": no snap revision on specified channel');
  });

  test("refresh: no update available is false; not installed is SnapNotInstalledError", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-no-update-available"));
    await expect(snap.refresh("hello-world", { channel: "edge" })).resolves.toBe(false);
    expect(only("POST", "/v2/snaps/hello-world").body).toEqual({ action: "refresh", channel: "edge" });
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-not-installed"));
    await expect(snap.refresh("hello-world")).rejects.toBeInstanceOf(SnapNotInstalledError);
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DONE);
    await expect(snap.refresh("hello-world")).resolves.toBe(true);
  });

  test("remove: purge when asked; a snap that is not installed is false", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DONE);
    await expect(snap.remove("hello-world", { purge: true })).resolves.toBe(true);
    expect(only("POST", "/v2/snaps/hello-world").body).toEqual({ action: "remove", purge: true });
    snapd.on("POST", "/v2/snaps/hello-world", snapdFixture("error-snap-not-installed"));
    await expect(snap.remove("hello-world")).resolves.toBe(false);
    expect(snapd.requestsTo("POST", "/v2/snaps/hello-world")[1]?.body).toEqual({ action: "remove" });
  });
});

describe("changes", () => {
  test("a change that ends in Error is SnapChangeError with snapd's err; value is the change id", async () => {
    snapd.on("PUT", "/v2/snaps/hello-world/conf", ASYNC).on("GET", CHANGE, DOING, snapdFixture("change-error"));
    const error = await snap.set("hello-world", { port: 70000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapChangeError);
    expect(error).toMatchObject({ kind: "tscharm-snap-change-error", value: "1395" });
    expect((error as Error).message).toBe(
      'cannot set the config of snap "hello-world": cannot perform the following tasks:\n' +
        '- Run configure hook of "hello-world" snap (run hook "configure": invalid port)',
    );
  });

  test("Wait (done, a reboot pending) is success, as the snap CLI; Undone is a failure", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, snapdFixture("change-wait"));
    await expect(snap.refresh("hello-world")).resolves.toBe(true);
    snapd.on("GET", CHANGE, snapdFixture("change-undone"));
    const error = await snap.refresh("hello-world").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapChangeError);
    expect(error).toMatchObject({
      kind: "tscharm-snap-change-unknown",
      message: 'cannot refresh snap "hello-world": change 1395 ended with status Undone',
    });
  });

  test("polls at the interval: a change Done after 3 polls takes about 2 intervals", async () => {
    const slow = new LocalSnap({ socketPath: snapd.socketPath, pollIntervalMs: 150 });
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DOING, DOING, DONE);
    const started = Date.now();
    await slow.install("hello-world");
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
    expect(snapd.requestsTo("GET", CHANGE)).toHaveLength(3);
  });

  test("the default poll interval is 100 ms", async () => {
    const plain = new LocalSnap({ socketPath: snapd.socketPath });
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DOING, DONE);
    const started = Date.now();
    await plain.install("hello-world");
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });

  test("a change still running at the call's timeoutMs is SnapTimeoutError naming the change", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DOING);
    const started = Date.now();
    const error = await snap.install("hello-world", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapTimeoutError);
    expect(error).toMatchObject({ kind: "tscharm-snap-change-timeout", value: "1395" });
    expect((error as Error).message).toMatch(/^cannot install snap "hello-world": snapd's change 1395 was still Doing after 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(snapd.requestsTo("GET", CHANGE).length).toBeGreaterThan(3);
  });

  test("a poll snapd does not answer before the deadline is still the change's timeout", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DOING, "hang");
    const error = await snap.install("hello-world", { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapTimeoutError);
    expect(error).toMatchObject({ kind: "tscharm-snap-change-timeout", value: "1395" });
    expect((error as Error).message).toMatch(/change 1395 was still Doing after 300 ms/);
  });

  test("the constructor's timeoutMs is the default for every call", async () => {
    const short = new LocalSnap({ socketPath: snapd.socketPath, pollIntervalMs: 10, timeoutMs: 200 });
    snapd.on("PUT", "/v2/snaps/hello-world/conf", ASYNC).on("GET", CHANGE, DOING);
    await expect(short.set("hello-world", { port: 1 })).rejects.toBeInstanceOf(SnapTimeoutError);
  });
});

describe("transport", () => {
  test("a request snapd does not answer is SnapTimeoutError naming the request", async () => {
    snapd.on("GET", "/v2/snaps/hello-world", "hang");
    const error = await snap.listOne("hello-world", 200).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapTimeoutError);
    expect(error).toMatchObject({ kind: "tscharm-snap-request-timeout", value: "GET /v2/snaps/hello-world" });
    expect((error as Error).message).toBe(
      'cannot read snap "hello-world": snapd did not answer GET /v2/snaps/hello-world within the call\'s 200 ms',
    );
  });

  test("requestTimeoutMs limits one request", async () => {
    const quick = new LocalSnap({ socketPath: snapd.socketPath, requestTimeoutMs: 150 });
    snapd.on("POST", "/v2/snaps/hello-world", "hang");
    const error = await quick.install("hello-world").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapTimeoutError);
    expect((error as Error).message).toMatch(/within 150 ms$/);
  });

  test("a missing socket is SnapConnectionError naming the socket", async () => {
    const dir = mkdtempSync(join(tmpdir(), "no-snapd-"));
    const missing = join(dir, "snapd.socket");
    try {
      const error = await new LocalSnap({ socketPath: missing }).listOne("hello-world").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapConnectionError);
      expect(error).toMatchObject({ kind: "tscharm-snap-socket-not-found", value: missing });
      expect((error as Error).message).toBe(
        `cannot read snap "hello-world": no snapd socket at ${missing} (is snapd installed and running?)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the default socket is /run/snapd.socket", () => {
    expect(new LocalSnap().socketPath).toBe("/run/snapd.socket");
  });

  test("a socket nobody listens on is SnapConnectionError (refused); a GET is retried until connectionRetryMs", async () => {
    // A socket file left by a stopped snapd: bind it, then close the server without unlinking.
    const dir = mkdtempSync(join(tmpdir(), "dead-snapd-"));
    const path = join(dir, "snapd.socket");
    const { spawnSync } = await import("node:child_process");
    const made = spawnSync(process.execPath, [
      "-e",
      `const s=require("node:net").createServer();s.listen(${JSON.stringify(path)},()=>process.exit(0))`,
    ]);
    expect(made.status).toBe(0);
    try {
      const started = Date.now();
      const error = await new LocalSnap({ socketPath: path, connectionRetryMs: 600 }).listOne("hello-world").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SnapConnectionError);
      expect(error).toMatchObject({ kind: "tscharm-snap-connection-refused", value: path });
      expect((error as Error).message).toBe(
        `cannot read snap "hello-world": snapd's socket ${path} refused the connection (is snapd running?)`,
      );
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      // A POST is never retried: it may have been acted on.
      const post = Date.now();
      await expect(new LocalSnap({ socketPath: path, connectionRetryMs: 600 }).install("hello-world")).rejects.toBeInstanceOf(
        SnapConnectionError,
      );
      expect(Date.now() - post).toBeLessThan(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a GET retried while refused succeeds once snapd listens again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "restarting-snapd-"));
    const path = join(dir, "snapd.socket");
    const { spawnSync } = await import("node:child_process");
    spawnSync(process.execPath, ["-e", `require("node:net").createServer().listen(${JSON.stringify(path)},()=>process.exit(0))`]);
    let server: Server | undefined;
    try {
      const retrying = new LocalSnap({ socketPath: path, connectionRetryMs: 3000 });
      const pending = retrying.listOne("hello-world");
      await new Promise((done) => setTimeout(done, 300));
      rmSync(path);
      const info = snapdFixture("snap-info");
      server = createServer((socket) => {
        socket.once("data", () => {
          const text = JSON.stringify(info.body);
          socket.end(
            `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${String(Buffer.byteLength(text))}\r\n\r\n${text}`,
          );
        });
      });
      await new Promise<void>((done) => server?.listen(path, done));
      await expect(pending).resolves.toMatchObject({ name: "hello-world", revision: "29" });
    } finally {
      server?.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a body that is not JSON is a SnapError naming the request", async () => {
    snapd.on("GET", "/v2/snaps/hello-world", "garbage");
    const error = await snap.listOne("hello-world").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapError);
    expect(error).not.toBeInstanceOf(SnapAPIError);
    expect(error).toMatchObject({ kind: "tscharm-snap-bad-response" });
    expect((error as Error).message).toMatch(/GET \/v2\/snaps\/hello-world \(HTTP 500\) is not JSON/);
  });

  test("an unknown path gets snapd's 404 `not found` (no kind): SnapAPIError", async () => {
    const error = await snap.unhold("hello-world").catch((e: unknown) => e);
    expect((error as SnapAPIError).constructor).toBe(SnapAPIError);
    expect(error).toMatchObject({ kind: "", message: 'cannot unhold refreshes of snap "hello-world": not found' });
  });
});

describe("listOne and ensureInstalled", () => {
  test("listOne reads GET /v2/snaps/<name>", async () => {
    snapd.on("GET", "/v2/snaps/hello-world", snapdFixture("snap-info"));
    await expect(snap.listOne("hello-world")).resolves.toEqual({
      name: "hello-world",
      classic: false,
      tracking: "latest/stable",
      revision: "29",
      version: "6.4",
      hold: undefined,
    });
    snapd.on("GET", "/v2/snaps/juju-db", snapdFixture("snap-info-held"));
    const held = await snap.listOne("juju-db");
    expect(held).toMatchObject({ classic: true, tracking: "3.6/stable", revision: "160" });
    expect(held.hold?.toISOString()).toBe("2318-12-10T11:00:00.000Z");
  });

  test("listOne: not installed is SnapNotInstalledError with snapd's message and the name", async () => {
    snapd.on("GET", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found"));
    const error = await snap.listOne("hello-world").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapNotInstalledError);
    expect((error as Error).message).toBe('cannot read snap "hello-world": snap not installed');
  });

  test("listOne: a description without a revision is a SnapError", async () => {
    snapd.on("GET", "/v2/snaps/hello-world", syncReply({ name: "hello-world", version: "1" }));
    await expect(snap.listOne("hello-world")).rejects.toThrow(
      'cannot read snapd\'s description of snap "hello-world": "revision" is missing',
    );
  });

  test("ensureInstalled installs a snap that is not installed", async () => {
    snapd
      .on("GET", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found"))
      .on("POST", "/v2/snaps/hello-world", ASYNC)
      .on("GET", CHANGE, DONE);
    await expect(snap.ensureInstalled("hello-world", { channel: "edge", devmode: true })).resolves.toBe(true);
    expect(only("POST", "/v2/snaps/hello-world").body).toEqual({ action: "install", channel: "edge", devmode: true });
  });

  test("ensureInstalled on the tracked channel refreshes (update) or does nothing (update: false)", async () => {
    snapd
      .on("GET", "/v2/snaps/juju-db", snapdFixture("snap-info-held"))
      .on("POST", "/v2/snaps/juju-db", snapdFixture("error-snap-no-update-available"));
    // `3.6` is 3.6/stable, what it tracks: an update check only.
    await expect(snap.ensureInstalled("juju-db", { channel: "3.6" })).resolves.toBe(false);
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "refresh", channel: "3.6" });
    snapd.requests.length = 0;
    await expect(snap.ensureInstalled("juju-db", { channel: "stable", update: false })).resolves.toBe(false);
    expect(snapd.requestsTo("POST", "/v2/snaps/juju-db")).toHaveLength(0);
  });

  test("ensureInstalled on another channel, or another revision, refreshes and is true", async () => {
    snapd.on("GET", "/v2/snaps/juju-db", snapdFixture("snap-info-held")).on("POST", "/v2/snaps/juju-db", ASYNC).on("GET", CHANGE, DONE);
    // `edge` keeps the track: 3.6/edge.
    await expect(snap.ensureInstalled("juju-db", { channel: "edge", classic: true })).resolves.toBe(true);
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "refresh", channel: "edge", classic: true });
    snapd.requests.length = 0;
    await expect(snap.ensureInstalled("juju-db", { revision: 161 })).resolves.toBe(true);
    expect(only("POST", "/v2/snaps/juju-db").body).toEqual({ action: "refresh", revision: "161" });
    snapd.requests.length = 0;
    // The installed revision: nothing to do, no request.
    await expect(snap.ensureInstalled("juju-db", { revision: "160" })).resolves.toBe(false);
    expect(snapd.requestsTo("POST", "/v2/snaps/juju-db")).toHaveLength(0);
  });

  test("channel normalisation and resolution, as snapd's channel.Full and channel.Resolve", () => {
    expect(normalizeChannel("")).toBe("");
    expect(normalizeChannel("edge")).toBe("latest/edge");
    expect(normalizeChannel("3.6")).toBe("3.6/stable");
    expect(normalizeChannel("edge/fix-1")).toBe("latest/edge/fix-1");
    expect(normalizeChannel("3.6/candidate")).toBe("3.6/candidate");
    expect(normalizeChannel("/3.6//beta/")).toBe("3.6/beta");
    expect(resolveChannel("", "3.6/stable")).toBe("3.6/stable");
    expect(resolveChannel("edge", "3.6/stable")).toBe("3.6/edge");
    expect(resolveChannel("4.0", "3.6/stable")).toBe("4.0/stable");
    expect(resolveChannel("edge", "")).toBe("latest/edge");
  });
});

describe("config", () => {
  test("get: GET conf with keys=a,b; without keys, the whole tree", async () => {
    snapd.on("GET", "/v2/snaps/hello-world/conf", snapdFixture("conf"));
    await expect(snap.get("hello-world", ["port", "tls.enabled"])).resolves.toEqual({ port: 8080, tls: { enabled: true } });
    expect(snapd.requests[0]?.query).toEqual({ keys: "port,tls.enabled" });
    await snap.get("hello-world");
    expect(snapd.requests[1]?.query).toEqual({});
  });

  test("get: an unset key is SnapOptionNotFoundError; for a snap not installed, SnapNotInstalledError", async () => {
    snapd
      .on("GET", "/v2/snaps/hello-world/conf", snapdFixture("error-option-not-found"))
      .on("GET", "/v2/snaps/hello-world", snapdFixture("snap-info"));
    const error = await snap.get("hello-world", "port").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapOptionNotFoundError);
    expect((error as Error).message).toBe(
      'cannot read the config of snap "hello-world": snap "hello-world" has no "port" configuration option',
    );
    snapd.on("GET", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found"));
    await expect(snap.get("hello-world", "port")).rejects.toBeInstanceOf(SnapNotInstalledError);
    snapd.on("GET", "/v2/snaps/hello-world/conf", snapdFixture("conf-empty"));
    await expect(snap.get("hello-world")).rejects.toBeInstanceOf(SnapNotInstalledError);
    await expect(snap.get("hello-world", [])).rejects.toBeInstanceOf(SnapNotInstalledError);
  });

  test("set PUTs the object; unset PUTs each key as null; both follow the change", async () => {
    snapd.on("PUT", "/v2/snaps/hello-world/conf", ASYNC).on("GET", CHANGE, DONE);
    await snap.set("hello-world", { port: 8080, "tls.enabled": true, name: "x" });
    await snap.unset("hello-world", ["port", "tls.enabled"]);
    expect(snapd.requestsTo("PUT", "/v2/snaps/hello-world/conf").map((r) => r.body)).toEqual([
      { port: 8080, "tls.enabled": true, name: "x" },
      { port: null, "tls.enabled": null },
    ]);
    expect(snapd.requestsTo("GET", CHANGE)).toHaveLength(2);
  });

  test("set on a snap that is not installed (snap-not-found) is SnapNotInstalledError", async () => {
    snapd.on("PUT", "/v2/snaps/hello-world/conf", snapdFixture("error-snap-not-found"));
    await expect(snap.set("hello-world", { port: 1 })).rejects.toBeInstanceOf(SnapNotInstalledError);
  });
});

describe("services, interfaces, holds, aliases", () => {
  test("start/stop/restart POST /v2/apps with <snap>.<service> names, or the snap for all", async () => {
    snapd.on("POST", "/v2/apps", ASYNC).on("GET", CHANGE, DONE);
    await snap.start("hello-world", ["web", "worker"], { enable: true });
    await snap.stop("hello-world", undefined, { disable: true });
    await snap.restart("hello-world", "web");
    expect(snapd.requestsTo("POST", "/v2/apps").map((r) => r.body)).toEqual([
      { action: "start", names: ["hello-world.web", "hello-world.worker"], enable: true },
      { action: "stop", names: ["hello-world"], disable: true },
      { action: "restart", names: ["hello-world.web"] },
    ]);
  });

  test("services: app-not-found is SnapAppNotFoundError when the snap is installed, else SnapNotInstalledError", async () => {
    snapd.on("POST", "/v2/apps", snapdFixture("error-app-not-found")).on("GET", "/v2/snaps/hello-world", snapdFixture("snap-info"));
    await expect(snap.start("hello-world", "web")).rejects.toBeInstanceOf(SnapAppNotFoundError);
    snapd.on("GET", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found"));
    await expect(snap.start("hello-world", "web")).rejects.toBeInstanceOf(SnapNotInstalledError);
    // No services: nothing to send, but the snap must be there.
    snapd.requests.length = 0;
    await expect(snap.stop("hello-world", [])).rejects.toBeInstanceOf(SnapNotInstalledError);
    expect(snapd.requestsTo("POST", "/v2/apps")).toHaveLength(0);
  });

  test("connect: one plug and one slot; a bare slot snap or none lets snapd resolve it", async () => {
    snapd.on("POST", "/v2/interfaces", ASYNC).on("GET", CHANGE, DONE);
    await snap.connect(["hello-world", "content"], ["other-snap", "content-slot"]);
    await snap.connect(["hello-world", "home"], "other-snap");
    await snap.connect(["hello-world", "network-observe"]);
    expect(snapd.requestsTo("POST", "/v2/interfaces").map((r) => r.body)).toEqual([
      { action: "connect", plugs: [{ snap: "hello-world", plug: "content" }], slots: [{ snap: "other-snap", slot: "content-slot" }] },
      { action: "connect", plugs: [{ snap: "hello-world", plug: "home" }], slots: [{ snap: "other-snap", slot: "" }] },
      { action: "connect", plugs: [{ snap: "hello-world", plug: "network-observe" }], slots: [{ snap: "", slot: "" }] },
    ]);
  });

  test("connect: snapd's kind-less error for a missing snap becomes SnapNotInstalledError for that snap", async () => {
    snapd
      .on("POST", "/v2/interfaces", {
        status: 400,
        body: { type: "error", "status-code": 400, status: "Bad Request", result: { message: 'snap "other-snap" is not installed' } },
      })
      .on("GET", "/v2/snaps/hello-world", snapdFixture("snap-info"))
      .on("GET", "/v2/snaps/other-snap", {
        status: 404,
        body: {
          type: "error",
          "status-code": 404,
          status: "Not Found",
          result: { message: "snap not installed", kind: "snap-not-found", value: "other-snap" },
        },
      });
    const error = await snap.connect(["hello-world", "content"], ["other-snap", "content-slot"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapNotInstalledError);
    expect((error as Error).message).toBe('cannot read snap "other-snap": snap not installed');
  });

  test("disconnect: forget; nothing connected (interfaces-unchanged) is a no-op", async () => {
    snapd.on("POST", "/v2/interfaces", snapdFixture("error-interfaces-unchanged"));
    await expect(snap.disconnect(["hello-world", "home"], undefined, { forget: true })).resolves.toBeUndefined();
    expect(only("POST", "/v2/interfaces").body).toEqual({
      action: "disconnect",
      plugs: [{ snap: "hello-world", plug: "home" }],
      slots: [{ snap: "", slot: "" }],
      forget: true,
    });
  });

  test("hold: general hold-level, forever or an RFC 3339 time; a kind-less error for a missing snap is SnapNotInstalledError", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("GET", CHANGE, DONE);
    await snap.hold("hello-world");
    const before = Date.now();
    await snap.hold("hello-world", 3_600_000);
    const [forever, timed] = snapd.requestsTo("POST", "/v2/snaps/hello-world").map((r) => r.body as Record<string, string>);
    expect(forever).toEqual({ action: "hold", "hold-level": "general", time: "forever" });
    expect(timed).toMatchObject({ action: "hold", "hold-level": "general" });
    const until = Date.parse(timed?.["time"] ?? "");
    expect(until - before).toBeGreaterThanOrEqual(3_600_000 - 1000);
    expect(until - before).toBeLessThan(3_600_000 + 5000);
    snapd
      .on("POST", "/v2/snaps/hello-world", snapdFixture("error-not-installed-no-kind"))
      .on("GET", "/v2/snaps/hello-world", snapdFixture("error-snap-not-found"));
    await expect(snap.hold("hello-world")).rejects.toBeInstanceOf(SnapNotInstalledError);
    // Installed after all: snapd's own error stands.
    snapd.on("GET", "/v2/snaps/hello-world", snapdFixture("snap-info"));
    const error = await snap.hold("hello-world").catch((e: unknown) => e);
    expect((error as SnapAPIError).constructor).toBe(SnapAPIError);
  });

  test("unhold, alias, unalias", async () => {
    snapd.on("POST", "/v2/snaps/hello-world", ASYNC).on("POST", "/v2/aliases", ASYNC).on("GET", CHANGE, DONE);
    await snap.unhold("hello-world");
    await snap.alias("hello-world", "hello-world", "hw");
    await snap.unalias("hw");
    expect(snapd.requests.filter((r) => r.method === "POST").map((r) => [r.path, r.body])).toEqual([
      ["/v2/snaps/hello-world", { action: "unhold" }],
      ["/v2/aliases", { action: "alias", snap: "hello-world", app: "hello-world", alias: "hw" }],
      ["/v2/aliases", { action: "unalias", alias: "hw" }],
    ]);
  });
});

describe("argument validation: a TypeError naming the bad value, and no request", () => {
  test.each([
    ["a snap name with capitals", () => snap.install("Hello")],
    ["a snap name with a slash", () => snap.listOne("../etc")],
    ["a one-letter snap name", () => snap.remove("a")],
    ["a double dash", () => snap.remove("a--b")],
    ["a bad instance key", () => snap.remove("hello_TOO-LONG-KEY")],
    ["classic and devmode", () => snap.install("hello-world", { classic: true, devmode: true })],
    ["a bad revision", () => snap.install("hello-world", { revision: "-1" })],
    ["a bad channel", () => snap.install("hello-world", { channel: "a b" })],
    ["a bad timeout", () => snap.install("hello-world", { timeoutMs: -5 })],
    ["a config key with a comma", () => snap.get("hello-world", "a,b")],
    ["an empty config key", () => snap.unset("hello-world", "")],
    ["a config key with capitals", () => snap.set("hello-world", { Port: 1 })],
    ["a service given as snap.service", () => snap.start("hello-world", "hello-world.web")],
    ["a bad plug name", () => snap.connect(["hello-world", "Home"])],
    ["a bad alias", () => snap.unalias("-x")],
    ["a disconnect of nothing", () => snap.disconnect()],
    ["a negative hold", () => snap.hold("hello-world", -1)],
  ])("%s", async (_what, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(snapd.requests).toHaveLength(0);
  });

  test("the message names the value", async () => {
    await expect(snap.install("Hello World")).rejects.toThrow('snap name "Hello World" is not a valid snap name');
    await expect(snap.set("hello-world", { "a..b": 1 })).rejects.toThrow('config key "a..b" is not valid');
    await expect(snap.install("hello-world", { classic: true, devmode: true })).rejects.toThrow(
      'snap "hello-world": classic and devmode cannot be used together',
    );
  });

  test("valid names pass: instances, digits, system", async () => {
    snapd.on("GET", "/v2/snaps/hello-world_2", snapdFixture("snap-info")).on("GET", "/v2/snaps/0ad", snapdFixture("snap-info"));
    await snap.listOne("hello-world_2");
    await snap.listOne("0ad");
    snapd.on("PUT", "/v2/snaps/system/conf", ASYNC).on("GET", CHANGE, DONE);
    await snap.set("system", { "refresh.hold": "forever" });
    expect(snapd.requests.map((r) => r.path)).toEqual(["/v2/snaps/hello-world_2", "/v2/snaps/0ad", "/v2/snaps/system/conf", CHANGE]);
  });
});

describe("in a sandbox, through the built kit's facade (the unit's own machine)", () => {
  const blocker = sandboxBlocker();
  if (blocker !== undefined) console.log(`skipping the sandboxed snap test: ${blocker}`);

  test.skipIf(blocker !== undefined)("snap uses /run/snapd.socket: missing, it is SnapConnectionError; a snapd there is asked", () => {
    // /run is an overlay in the sandbox: the socket is removed or made there, never on the host.
    const script = `
      import { existsSync, rmSync } from "node:fs";
      import { createServer } from "node:http";
      const kit = await import(process.env.MACHINE_KIT);
      if (existsSync("/run/snapd.socket")) rmSync("/run/snapd.socket");
      const out = {};
      try { await kit.snap.listOne("hello-world"); } catch (e) { out.missing = { name: e.name, kind: e.kind, value: e.value, isClass: e instanceof kit.SnapConnectionError }; }
      const info = ${JSON.stringify(JSON.stringify(snapdFixture("snap-info").body))};
      const server = createServer((req, res) => { out.asked = req.method + " " + req.url; res.writeHead(200, { "Content-Type": "application/json" }).end(info); });
      await new Promise((done) => server.listen("/run/snapd.socket", done));
      out.info = await kit.snap.listOne("hello-world");
      server.close();
      console.log(JSON.stringify(out));
    `;
    const out = sandboxJson(runInSandbox(script, { env: { MACHINE_KIT } })) as Record<string, unknown>;
    expect(out["missing"]).toEqual({
      name: "SnapConnectionError",
      kind: "tscharm-snap-socket-not-found",
      value: "/run/snapd.socket",
      isClass: true,
    });
    expect(out["asked"]).toBe("GET /v2/snaps/hello-world");
    expect(out["info"]).toMatchObject({ name: "hello-world", revision: "29", tracking: "latest/stable" });
  });
});
