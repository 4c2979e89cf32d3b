// The socket path against Go itself: Go's encoding/gob and net/rpc are the reference for the codec
// (gob.ts), jujuc's call (jujuc.ts) and the transport (transport.ts). Our own Go programs
// (test/fixtures/gob/go/) play the unit agent's server, jujuc's client and a writer of gob streams;
// they are built once for this file with the `go` on PATH (Debian's golang-go), standard library only.
// The client blocks its thread, so every server it calls here is another process (the Go server);
// the server side under test (readJujucRequest, JujucReplies) runs on this process's event loop
// and the Go client that calls it is a child process awaited asynchronously.

import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, type Socket, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import { renderConfig } from "../../../hooks/workload.js";
import { AgentSocket } from "../../../runtime/hook-tools/agent-socket.js";
import { GobDecoder, type GobStruct } from "../../../runtime/hook-tools/gob.js";
import { JujucClient, JujucReplies, NO_STDIN, type JujucRequest, readJujucRequest } from "../../../runtime/hook-tools/jujuc.js";
import type { ToolResult } from "../../../runtime/hook-tools/spawn.js";
import { HookToolTransport } from "../../../runtime/hook-tools/transport.js";
import { type LogSink, setLogSink } from "../../../runtime/log.js";
import { MODEL_UUID, jujuEnv } from "../../support/juju-env.js";

const execFileAsync = promisify(execFile);
const root = join(import.meta.dirname, "../../..");
const goSource = join(root, "test/fixtures/gob/go");
const hasGo = spawnSync("go", ["version"], { encoding: "utf8" }).status === 0;
const suiteName = hasGo
  ? "conformance with Go's encoding/gob and net/rpc"
  : "conformance with Go (skipped: `go` is not on PATH; install golang-go, as .ci/run does)";

let work = "";
let bin: { server: string; client: string; streams: string };

beforeAll(() => {
  if (!hasGo) return;
  work = mkdtempSync(join(tmpdir(), "tscharm-gob-go-"));
  const out = join(work, "bin");
  mkdirSync(out);
  // Standard library only: no module download, no cgo, caches private to this run.
  const env = {
    ...process.env,
    GOCACHE: join(work, "gocache"),
    GOPATH: join(work, "gopath"),
    GOFLAGS: "-mod=mod",
    GO111MODULE: "on",
    GOPROXY: "off",
    GOTOOLCHAIN: "local",
    CGO_ENABLED: "0",
  };
  const build = spawnSync("go", ["build", "-o", `${out}/`, "./..."], { cwd: goSource, env, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`go build failed:\n${build.stderr}`);
  bin = { server: join(out, "jujuc-server"), client: join(out, "jujuc-client"), streams: join(out, "gob-streams") };
}, 300_000);

afterAll(() => {
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// The Go server

interface Rule {
  echo?: boolean;
  code?: number;
  stdout?: string;
  stderr?: string;
  needsStdin?: boolean;
  rpcError?: string;
}

/** What the Go server decoded from one call (its `Echo`), and, in its log, how it answered. */
interface Decoded {
  ContextId: string;
  Dir: string;
  CommandName: string;
  Args: string[] | null;
  ArgsNil: boolean;
  StdinSet: boolean;
  Stdin: string | null;
  StdinLen: number;
  StdinSHA256: string;
  Token: string;
  answer?: string;
}

interface GoServer {
  readonly address: string;
  /** Every call the server got, in order. */
  calls(): Decoded[];
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill("SIGKILL");
});

let serial = 0;

/** Starts the Go server on a fresh socket (a path, or `@…` for abstract) and waits until it listens. */
async function goServer(
  options: { rules?: Record<string, Rule>; strict?: boolean; context?: string; token?: string; service?: string; abstract?: boolean } = {},
): Promise<GoServer> {
  const id = `${String(process.pid)}-${String(serial++)}`;
  const address = options.abstract === true ? `@tscharm-gob-go-${id}-${randomBytes(6).toString("hex")}` : join(work, `agent-${id}.socket`);
  const script = join(work, `script-${id}.json`);
  const logFile = join(work, `calls-${id}.jsonl`);
  writeFileSync(script, JSON.stringify({ rules: options.rules ?? {}, strict: options.strict ?? false }));
  const args = ["-listen", address, "-script", script, "-log", logFile];
  if (options.context !== undefined) args.push("-context", options.context);
  if (options.token !== undefined) args.push("-token", options.token);
  if (options.service !== undefined) args.push("-service", options.service);
  const child = spawn(bin.server, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.push(child);
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(`listening ${address}\n`)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`the Go server exited (${String(code)}): ${stderr}`)));
  });
  return {
    address,
    calls: () =>
      existsSync(logFile)
        ? readFileSync(logFile, "utf8")
            .split("\n")
            .filter((line) => line !== "")
            .map((line) => JSON.parse(line) as Decoded)
        : [],
  };
}

const CONTEXT = "unit-app-0-install-0123456789abcdef";
const DIR = "/var/lib/juju/agents/unit-app-0/charm";

function connect(server: GoServer): JujucClient {
  return new JujucClient(AgentSocket.connect(server.address, 20_000), new GobDecoder());
}

const call = (commandName: string, args: readonly string[], extra: Partial<JujucRequest> = {}): JujucRequest => ({
  contextId: CONTEXT,
  dir: DIR,
  commandName,
  args,
  ...extra,
});

function response(outcome: ReturnType<JujucClient["call"]>): { code: number; stdout: Buffer; stderr: Buffer } {
  if (!("response" in outcome)) throw new Error(`an RPC error: ${outcome.rpcError}`);
  return outcome.response;
}
const echoed = (outcome: ReturnType<JujucClient["call"]>): Decoded => JSON.parse(response(outcome).stdout.toString("utf8")) as Decoded;
const sha256 = (bytes: Uint8Array | string): string => createHash("sha256").update(bytes).digest("hex");

/** A spawn runner that records what it was asked to run and says it was the one that ran. */
function spawnStub(): { run: (tool: string, args: readonly string[], stdin?: string) => ToolResult; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    run: (tool, args) => {
      calls.push([tool, ...args].join(" "));
      return { exitCode: 0, stdout: "spawned\n", stderr: "" };
    },
  };
}

/** Captures the runtime's log records (the transport says why it spawns at DEBUG). */
function captureLog(): { records: string[]; restore: () => void } {
  const records: string[] = [];
  const sink: LogSink = { threshold: "DEBUG", write: (level, message) => records.push(`${level} ${message}`) };
  const previous = setLogSink(sink);
  return { records, restore: () => setLogSink(previous) };
}

describe.skipIf(!hasGo)(suiteName, () => {
  describe("our JujucClient against Go's net/rpc server", () => {
    test("Go decodes every field of the request: context, dir, command, args, binary stdin, token", async () => {
      const server = await goServer();
      const stdin = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const args = ["--format=json", "", "ünïcødé ✓", "-r", "db:1", "a=b c", "--", "-x"];
      const decoded = echoed(connect(server).call(call("echo-me", args, { stdin, token: "t0k3n" })));
      expect(decoded).toEqual({
        ContextId: CONTEXT,
        Dir: DIR,
        CommandName: "echo-me",
        Args: args,
        ArgsNil: false,
        StdinSet: true,
        Stdin: stdin.toString("base64"),
        StdinLen: 256,
        StdinSHA256: sha256(stdin),
        Token: "t0k3n",
      });
    });

    test("empty args, no stdin and no token are the zero values Go expects (nil Args, StdinSet false, empty Token)", async () => {
      const server = await goServer();
      const decoded = echoed(connect(server).call(call("is-leader", [])));
      expect(decoded).toMatchObject({ CommandName: "is-leader", Args: null, ArgsNil: true, StdinSet: false, StdinLen: 0, Token: "" });
      // An empty stdin that is set is StdinSet with no bytes, not "no stdin".
      const empty = echoed(connect(server).call(call("relation-set", ["--file", "-"], { stdin: Buffer.alloc(0) })));
      expect(empty).toMatchObject({ StdinSet: true, StdinLen: 0, Stdin: null });
    });

    test("a large stdin (8 MiB of random bytes) arrives whole, and a large reply (6 MiB) is read whole", async () => {
      const big = randomBytes(6 << 20).toString("base64");
      const server = await goServer({ rules: { "big-out": { stdout: big, stderr: "done\n", code: 3 } } });
      const stdin = randomBytes(8 << 20);
      const client = connect(server);
      const decoded = echoed(client.call(call("echo-me", [], { stdin })));
      expect([decoded.StdinLen, decoded.StdinSHA256]).toEqual([stdin.length, sha256(stdin)]);
      const reply = response(client.call(call("big-out", [])));
      expect([reply.code, reply.stdout.length, sha256(reply.stdout), reply.stderr.toString()]).toEqual([
        3,
        big.length,
        sha256(big),
        "done\n",
      ]);
    });

    test("Go's replies are read as Go wrote them: exit codes (2, 1, negative, large), output; several calls, one connection", async () => {
      const server = await goServer({
        rules: {
          usage: { code: 2, stderr: "ERROR flag provided but not defined: -x\n" },
          fail: { code: 1, stdout: "partial\n", stderr: "ERROR it broke\n" },
          negative: { code: -7 },
          large: { code: 2 ** 40 },
          quiet: {},
        },
      });
      const client = connect(server);
      const got = ["usage", "fail", "negative", "large", "quiet", "usage"].map((name) => {
        const reply = response(client.call(call(name, [])));
        return [reply.code, reply.stdout.toString(), reply.stderr.toString()];
      });
      expect(got).toEqual([
        [2, "", "ERROR flag provided but not defined: -x\n"],
        [1, "partial\n", "ERROR it broke\n"],
        [-7, "", ""],
        [2 ** 40, "", ""],
        [0, "", ""],
        [2, "", "ERROR flag provided but not defined: -x\n"],
      ]);
      expect(server.calls().map((c) => c.CommandName)).toEqual(["usage", "fail", "negative", "large", "quiet", "usage"]);
    });

    test("Go's RPC errors come back as rpcError, and the connection still serves the next call", async () => {
      const server = await goServer({ rules: { "needs-stdin": { needsStdin: true, echo: true } }, context: CONTEXT });
      const client = connect(server);
      expect(client.call(call("needs-stdin", []))).toEqual({ rpcError: NO_STDIN });
      expect(client.call(call("x", [], { dir: "relative" }))).toEqual({ rpcError: "bad request: Dir is not absolute" });
      expect(client.call(call("", []))).toEqual({ rpcError: "bad request: command not specified" });
      expect(client.call(call("x", [], { contextId: "other" }))).toEqual({ rpcError: 'bad request: wrong context ID; got "other"' });
      expect(echoed(client.call(call("needs-stdin", [], { stdin: Buffer.from("now\n") })))).toMatchObject({ StdinSet: true, StdinLen: 4 });
    });
  });

  describe("HookToolTransport against Go's net/rpc server", () => {
    const envFor = (server: GoServer, extra: Record<string, string> = {}) => ({
      JUJU_AGENT_SOCKET_NETWORK: "unix",
      JUJU_AGENT_SOCKET_ADDRESS: server.address,
      JUJU_CONTEXT_ID: CONTEXT,
      ...extra,
    });

    test("a call goes over the socket: Go sees the tool, its args, the stdin string as bytes, the working dir, and no token", async () => {
      const server = await goServer();
      const stub = spawnStub();
      const transport = new HookToolTransport(envFor(server, { JUJU_AGENT_TOKEN: "s3cret-token" }), stub.run);
      const stdin = '{"key":"välue ✓"}';
      const result = transport.run("relation-set", ["-r", "db:1", "--file", "-"], stdin);
      expect([result.exitCode, result.stderr, transport.current]).toEqual([0, "", { path: "socket" }]);
      expect(JSON.parse(result.stdout)).toMatchObject({
        ContextId: CONTEXT,
        Dir: process.cwd(),
        CommandName: "relation-set",
        Args: ["-r", "db:1", "--file", "-"],
        StdinSet: true,
        Stdin: Buffer.from(stdin).toString("base64"),
        // JUJU_AGENT_TOKEN belongs to agents reached over TCP, which are spawned for: it is not sent on a unix socket.
        Token: "",
      });
      expect(stub.calls).toEqual([]);
    });

    test("the stdin retry: a tool the agent says needs stdin is called again on the same connection with an empty one", async () => {
      const server = await goServer({ rules: { "state-set": { needsStdin: true, echo: true } } });
      const transport = new HookToolTransport(envFor(server), spawnStub().run);
      const result = transport.run("state-set", ["--file", "-"], undefined);
      expect(result.exitCode).toBe(0);
      expect(server.calls().map((c) => [c.StdinSet, c.StdinLen, c.answer])).toEqual([
        [false, 0, `error: ${NO_STDIN}`],
        [true, 0, "code 0"],
      ]);
      // With stdin given there is no refusal: one call.
      transport.run("state-set", ["--file", "-"], "k: v\n");
      expect(
        server
          .calls()
          .slice(2)
          .map((c) => [c.StdinSet, c.StdinLen]),
      ).toEqual([[true, 5]]);
    });

    test('"bad request: ..." is the tool\'s failure: exit 1, ERROR <text> on stderr as jujuc does; the socket stays in use', async () => {
      const server = await goServer({ rules: { "is-leader": { stdout: "True\n" } }, strict: true, context: CONTEXT });
      const stub = spawnStub();
      const wrongContext = new HookToolTransport(envFor(server, { JUJU_CONTEXT_ID: "demo/0-install-0123" }), stub.run);
      expect(wrongContext.run("is-leader", ["--format=json"])).toEqual({
        exitCode: 1,
        stdout: "",
        stderr: 'ERROR bad request: wrong context ID; got "demo/0-install-0123"\n',
      });
      const transport = new HookToolTransport(envFor(server), stub.run);
      expect(transport.run("leader-get", ["--format=json"])).toEqual({
        exitCode: 1,
        stdout: "",
        stderr: "ERROR bad request: unknown command: leader-get\n",
      });
      expect(transport.run("is-leader", ["--format=json"])).toEqual({ exitCode: 0, stdout: "True\n", stderr: "" });
      expect([transport.current, stub.calls]).toEqual([{ path: "socket" }, []]);
    });

    test("an RPC error that is net/rpc's own (no Jujuc service) falls back to spawning, for this call and the rest", async () => {
      const server = await goServer({ service: "NotJujuc" });
      const stub = spawnStub();
      const log = captureLog();
      try {
        const transport = new HookToolTransport(envFor(server), stub.run);
        expect(transport.run("is-leader", ["--format=json"]).stdout).toBe("spawned\n");
        expect(transport.run("config-get", ["--format=json"]).stdout).toBe("spawned\n");
        expect(stub.calls).toEqual(["is-leader --format=json", "config-get --format=json"]);
        expect(transport.current?.path).toBe("spawn");
        expect(log.records).toEqual([
          expect.stringMatching(/^DEBUG hook tools are spawned from now on: is-leader: .*rpc: can't find service Jujuc\.Main/),
        ]);
      } finally {
        log.restore();
      }
    });

    test("an RPC error from the agent's method that is not 'bad request:' also falls back to spawning", async () => {
      const server = await goServer({ rules: { "is-leader": { stdout: "True\n" }, odd: { rpcError: "internal failure" } } });
      const stub = spawnStub();
      const transport = new HookToolTransport(envFor(server), stub.run);
      expect(transport.run("is-leader", []).stdout).toBe("True\n");
      expect(transport.run("odd", ["a"]).stdout).toBe("spawned\n");
      expect(transport.run("is-leader", []).stdout).toBe("spawned\n");
      expect(stub.calls).toEqual(["odd a", "is-leader"]);
      expect(server.calls().map((c) => c.CommandName)).toEqual(["is-leader", "odd"]);
    });
  });

  describe("Go's jujuc-shaped client against our server side (readJujucRequest + JujucReplies)", () => {
    let server: Server;
    let socketPath: string;
    const received: ReturnType<typeof readJujucRequest>[] = [];
    const big = randomBytes(3 << 20);

    beforeAll(async () => {
      socketPath = join(work, "ours.socket");
      server = createServer((socket: Socket) => {
        const decoder = new GobDecoder();
        const pending: { value?: GobStruct } = {};
        const replies = new JujucReplies();
        socket.on("data", (chunk: Buffer) => {
          decoder.push(chunk);
          for (let got = readJujucRequest(decoder, pending); got !== undefined; got = readJujucRequest(decoder, pending)) {
            received.push(got);
            const { commandName, stdin, stdinSet, args } = got.request;
            if (commandName === "is-leader")
              socket.write(replies.response(got, { code: 0, stdout: Buffer.from("True\n"), stderr: Buffer.alloc(0) }));
            else if (commandName === "relation-set" && !stdinSet) socket.write(replies.error(got, NO_STDIN));
            else if (commandName === "relation-set") {
              const text = Buffer.concat([Buffer.from("got stdin: "), stdin ?? Buffer.alloc(0)]);
              socket.write(replies.response(got, { code: 0, stdout: text, stderr: Buffer.alloc(0) }));
            } else if (commandName === "fail") {
              const stderr = Buffer.from(`ERROR flag provided but not defined: ${args.join(" ")}\n`);
              socket.write(replies.response(got, { code: 2, stdout: Buffer.alloc(0), stderr }));
            } else if (commandName === "negative")
              socket.write(replies.response(got, { code: -300, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) }));
            else if (commandName === "big") socket.write(replies.response(got, { code: 0, stdout: big, stderr: Buffer.from("ünï\n") }));
            else socket.write(replies.error(got, `bad request: unknown command: ${commandName}`));
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    interface GoOutcome {
      code: number;
      stdout: string | null;
      stderr: string | null;
      error?: string;
      retried: boolean;
    }

    /** Runs the Go client (asynchronously: our server answers on this event loop) with calls made on one connection. */
    async function goClient(
      calls: { command: string; args?: string[]; stdin?: string; token?: string; dir?: string }[],
    ): Promise<GoOutcome[]> {
      const file = join(work, `calls-${String(serial++)}.json`);
      writeFileSync(file, JSON.stringify(calls));
      const { stdout } = await execFileAsync(bin.client, [file], {
        cwd: work,
        env: { JUJU_CONTEXT_ID: CONTEXT, JUJU_AGENT_SOCKET_NETWORK: "unix", JUJU_AGENT_SOCKET_ADDRESS: socketPath },
        maxBuffer: 64 << 20,
        timeout: 20_000,
      });
      return stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as GoOutcome);
    }
    const b64 = (text: string | Buffer): string => Buffer.from(text).toString("base64");

    test("Go decodes our replies, both kinds, several calls on one connection, including the stdin retry", async () => {
      received.length = 0;
      const outcomes = await goClient([
        { command: "is-leader", args: ["--format=json"] },
        { command: "relation-set", args: ["--file", "-"], stdin: b64('{"a":"b"}\n'), token: "tok" },
        { command: "fail", args: ["-x"] },
        { command: "leader-get" },
        { command: "negative" },
        { command: "is-leader" },
      ]);
      expect(outcomes).toEqual([
        { code: 0, stdout: b64("True\n"), stderr: null, retried: false },
        { code: 0, stdout: b64('got stdin: {"a":"b"}\n'), stderr: null, retried: true },
        { code: 2, stdout: null, stderr: b64("ERROR flag provided but not defined: -x\n"), retried: false },
        { code: 1, stdout: null, stderr: null, error: "bad request: unknown command: leader-get", retried: false },
        { code: -300, stdout: null, stderr: null, retried: false },
        { code: 0, stdout: b64("True\n"), stderr: null, retried: false },
      ]);
      // What we decoded from Go: every field, the sequence numbers net/rpc gave, the retry with its stdin.
      expect(received.map((r) => [r?.serviceMethod, r?.seq, r?.request.commandName, r?.request.stdinSet])).toEqual([
        ["Jujuc.Main", 0, "is-leader", false],
        ["Jujuc.Main", 1, "relation-set", false],
        ["Jujuc.Main", 2, "relation-set", true],
        ["Jujuc.Main", 3, "fail", false],
        ["Jujuc.Main", 4, "leader-get", false],
        ["Jujuc.Main", 5, "negative", false],
        ["Jujuc.Main", 6, "is-leader", false],
      ]);
      expect(received[2]?.request).toEqual({
        contextId: CONTEXT,
        dir: work,
        commandName: "relation-set",
        args: ["--file", "-"],
        stdinSet: true,
        stdin: Buffer.from('{"a":"b"}\n'),
        token: "tok",
      });
      expect(received[0]?.request).toMatchObject({ args: ["--format=json"], stdin: undefined, token: "" });
    });

    test("a large reply (3 MiB of random bytes) reaches Go whole, and an empty stdin retry is StdinSet with no bytes", async () => {
      received.length = 0;
      const [bigOut, emptyStdin] = await goClient([{ command: "big" }, { command: "relation-set", stdin: "" }]);
      expect(bigOut).toEqual({ code: 0, stdout: big.toString("base64"), stderr: b64("ünï\n"), retried: false });
      expect(emptyStdin).toEqual({ code: 0, stdout: b64("got stdin: "), stderr: null, retried: true });
      expect(received[2]?.request).toMatchObject({ stdinSet: true, stdin: Buffer.alloc(0) });
    });
  });

  describe("our GobDecoder on streams Go's encoding/gob wrote", () => {
    interface Message {
      typeName: string;
      isStruct: boolean;
      value: unknown;
    }
    interface Case {
      name: string;
      description: string;
      messages: Message[];
    }
    let cases: Case[];
    let dir: string;

    beforeAll(() => {
      dir = join(work, "streams");
      mkdirSync(dir);
      const written = spawnSync(bin.streams, [dir], { encoding: "utf8" });
      if (written.status !== 0) throw new Error(`gob-streams failed: ${written.stderr}`);
      cases = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Case[];
    });

    /** The manifest's tagged JSON as the decoder gives it. */
    function untag(value: unknown): unknown {
      if (Array.isArray(value)) return value.map(untag);
      if (value === null || typeof value !== "object") return value;
      const object = value as Record<string, unknown>;
      if ("$bytes" in object) return Buffer.from(object["$bytes"] as string, "base64");
      if ("$bigint" in object) return BigInt(object["$bigint"] as string);
      if ("$map" in object) return new Map((object["$map"] as [unknown, unknown][]).map(([k, v]) => [untag(k), untag(v)]));
      if ("$interface" in object) return { interface: object["$interface"], value: untag(object["value"]) };
      return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, untag(v)]));
    }

    /** Byte strings as base64 text, so that comparing megabytes does not take minutes. */
    function comparable(value: unknown): unknown {
      if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString("base64") };
      if (value instanceof Map) return new Map([...value.entries()].map(([k, v]) => [comparable(k), comparable(v)]));
      if (Array.isArray(value)) return value.map(comparable);
      if (value === null || typeof value !== "object") return value;
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, comparable(v)]));
    }

    function decodeAll(stream: Buffer, chunk: number): { typeName: string; isStruct: boolean; value: unknown }[] {
      const decoder = new GobDecoder();
      const out: { typeName: string; isStruct: boolean; value: unknown }[] = [];
      for (let at = 0; at < stream.length; at += chunk) {
        decoder.push(stream.subarray(at, at + chunk));
        for (let message = decoder.next(); message !== undefined; message = decoder.next()) {
          out.push({ typeName: message.typeName, isStruct: message.isStruct, value: comparable(message.value) });
        }
      }
      expect(decoder.buffered).toBe(0);
      return out;
    }

    const names = ["exec-responses", "rpc-replies", "error-first", "wider", "reordered", "non-struct", "requests"];
    test.each(names)("%s: every value, in order, as Go wrote it (whole, and in 4 KiB pieces)", (name) => {
      const found = cases.find((c) => c.name === name);
      expect(found, `the Go program wrote no case ${name}`).toBeDefined();
      const stream = readFileSync(join(dir, `${name}.gob`));
      const expected = (found?.messages ?? []).map((m) => ({
        typeName: m.typeName,
        isStruct: m.isStruct,
        value: comparable(untag(m.value)),
      }));
      expect(decodeAll(stream, stream.length)).toEqual(expected);
      expect(decodeAll(stream, 4096)).toEqual(expected);
    });

    test("every case the Go program wrote is checked here", () => {
      expect(cases.map((c) => c.name).sort()).toEqual([...names].sort());
    });

    test("readJujucRequest reads the requests Go's net/rpc client wrote: both calls of a stdin retry", () => {
      const decoder = new GobDecoder();
      decoder.push(readFileSync(join(dir, "requests.gob")));
      const pending: { value?: GobStruct } = {};
      const calls = [readJujucRequest(decoder, pending), readJujucRequest(decoder, pending), readJujucRequest(decoder, pending)];
      expect(readJujucRequest(decoder, pending)).toBeUndefined();
      const base = { contextId: "unit-app-0-install-1", dir: "/var/lib/juju/agents/unit-app-0/charm", commandName: "relation-set" };
      expect(calls).toEqual([
        {
          serviceMethod: "Jujuc.Main",
          seq: 0,
          request: { ...base, args: ["--file", "-"], stdinSet: false, stdin: undefined, token: "t0k" },
        },
        {
          serviceMethod: "Jujuc.Main",
          seq: 1,
          request: { ...base, args: ["--file", "-"], stdinSet: true, stdin: Buffer.from('{"a":"b"}\n'), token: "t0k" },
        },
        {
          serviceMethod: "Jujuc.Main",
          seq: 2,
          request: { contextId: "c", dir: "/", commandName: "is-leader", args: [], stdinSet: true, stdin: Buffer.alloc(0), token: "" },
        },
      ]);
    });
  });

  describe("the built dispatch (Node 24) against the Go server, with no hook tools on PATH", () => {
    const dispatch = join(root, "dist/dispatch");
    const SECRET_ID = `secret://${MODEL_UUID}/cs9ab3go9ns0ql5jgv6g`;
    const published = `{"greeting":"hello","leader":"demo/0","secret-id":"${SECRET_ID}"}`;
    // What a leader's config-changed needs, by command (the Go server scripts by name, not argv).
    const leaderRules: Record<string, Rule> = {
      "relation-ids": { stdout: '["cluster:1"]\n' },
      "is-leader": { stdout: "true\n" },
      "config-get": { stdout: '{"greeting":"bonjour"}\n' },
      "relation-get": { stdout: `${published}\n` },
      // Like the agent's relation-set --file -: refused until the stdin is sent.
      "relation-set": { needsStdin: true },
      "status-set": {},
      "juju-log": {},
    };
    let emptyBin: string;

    beforeAll(() => {
      if (!existsSync(dispatch)) throw new Error(`${dispatch} is missing: run \`npm run build\` first (npm test does)`);
      emptyBin = join(work, "empty-bin");
      mkdirSync(emptyBin);
    });

    /** Runs dispatch as Juju does (its environment only, charm dir as cwd), PATH holding nothing. */
    function runDispatch(server: GoServer, extra: Record<string, string> = {}) {
      const charmDir = mkdtempSync(join(work, "charm-"));
      const configFile = join(charmDir, "demo.conf");
      const password = "correct-horse-battery-staple";
      writeFileSync(
        configFile,
        renderConfig({ leader: "demo/0", greeting: "hello", secretId: SECRET_ID, passwordSha256: sha256(password) }),
      );
      const env = {
        ...jujuEnv("hooks/config-changed", { charmDir }),
        JUJU_AGENT_SOCKET_ADDRESS: server.address,
        PATH: emptyBin,
        TSCHARM_DEMO_CONFIG_FILE: configFile,
        ...extra,
      };
      const result = spawnSync(dispatch, [], { cwd: charmDir, env, encoding: "utf8", timeout: 120_000 });
      return { ...result, charmDir, configFile };
    }

    test("config-changed on a leader runs every tool call over the socket, relation-set's stdin included", async () => {
      const server = await goServer({ rules: leaderRules, strict: true, context: "demo/0-config-changed-1234" });
      const result = runDispatch(server);
      expect([result.status, result.stdout, result.stderr]).toEqual([0, "", ""]);
      const calls = server.calls();
      expect(calls.map((c) => [c.CommandName, ...(c.Args ?? [])].join(" "))).toEqual([
        "relation-ids cluster --format=json",
        "is-leader --format=json",
        "config-get --format=json",
        "relation-get --format=json -r cluster:1 --app - demo",
        "relation-set -r cluster:1 --app --file -",
        "status-set --application=False active -- I rule",
      ]);
      expect(calls.every((c) => c.Dir === result.charmDir && c.ContextId === "demo/0-config-changed-1234")).toBe(true);
      const set = calls.find((c) => c.CommandName === "relation-set");
      expect([set?.StdinSet, Buffer.from(set?.Stdin ?? "", "base64").toString()]).toEqual([true, '{"greeting":"bonjour"}']);
      expect(readFileSync(result.configFile, "utf8")).toContain("greeting = bonjour");
    });

    test("TSCHARM_HOOK_TOOLS=spawn with no tools on PATH fails the hook, and the agent's socket is never used", async () => {
      const server = await goServer({ rules: leaderRules });
      const result = runDispatch(server, { TSCHARM_HOOK_TOOLS: "spawn" });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('hook tool "relation-ids" is not on PATH');
      expect(server.calls()).toEqual([]);
    });

    test("abstract sockets: the embedded Node 24 reaches a Go listener on @<random> through the transport", async () => {
      const server = await goServer({ rules: leaderRules, strict: true, abstract: true });
      expect(server.address.startsWith("@")).toBe(true);
      const result = runDispatch(server);
      expect([result.status, result.stderr]).toEqual([0, ""]);
      expect(server.calls().map((c) => c.CommandName)).toEqual([
        "relation-ids",
        "is-leader",
        "config-get",
        "relation-get",
        "relation-set",
        "status-set",
      ]);
    });
  });

  describe("abstract sockets from this process's Node", () => {
    const major = Number(process.versions.node.split(".")[0]);

    test.skipIf(major > 20)(
      `on Node 20 and earlier (this is ${process.versions.node}): an abstract Go listener is out of reach; calls spawn, say why, no hang`,
      async () => {
        const server = await goServer({ abstract: true });
        const stub = spawnStub();
        const log = captureLog();
        try {
          const env = { JUJU_AGENT_SOCKET_NETWORK: "unix", JUJU_AGENT_SOCKET_ADDRESS: server.address, JUJU_CONTEXT_ID: CONTEXT };
          const transport = new HookToolTransport(env, stub.run);
          expect(transport.run("is-leader", ["--format=json"]).stdout).toBe("spawned\n");
          expect(transport.run("config-get", ["--format=json"]).stdout).toBe("spawned\n");
          expect(transport.current?.path).toBe("spawn");
          expect(transport.current?.reason).toContain("nodejs/node#49656");
          expect(log.records).toEqual([expect.stringMatching(/^DEBUG hook tools are spawned.*nodejs\/node#49656/)]);
          // Forced onto the socket, the call fails at once with the same reason.
          const forced = new HookToolTransport({ ...env, TSCHARM_HOOK_TOOLS: "socket" }, stub.run);
          expect(() => forced.run("is-leader", [])).toThrow(/nodejs\/node#49656.*TSCHARM_HOOK_TOOLS=socket/);
          expect(stub.calls).toEqual(["is-leader --format=json", "config-get --format=json"]);
          expect(server.calls()).toEqual([]);
        } finally {
          log.restore();
        }
      },
    );

    test.skipIf(major <= 20)(
      `on a Node after 20 (this is ${process.versions.node}): an abstract Go listener is reached over the socket`,
      async () => {
        const server = await goServer({ abstract: true });
        const stub = spawnStub();
        const env = { JUJU_AGENT_SOCKET_NETWORK: "unix", JUJU_AGENT_SOCKET_ADDRESS: server.address, JUJU_CONTEXT_ID: CONTEXT };
        const transport = new HookToolTransport(env, stub.run);
        expect(JSON.parse(transport.run("is-leader", []).stdout)).toMatchObject({ CommandName: "is-leader" });
        expect(stub.calls).toEqual([]);
      },
    );
  });
});
