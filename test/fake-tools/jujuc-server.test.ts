// fake-tools/jujuc-server.ts: a unit's agent socket, driven the way jujuc drives Juju's (net/rpc
// over gob) by an asynchronous node:net client written here (the runtime's own client blocks its
// thread, so it cannot call a server on this event loop): the same answers as the bash client's
// door for the same hook, the unit agent's refusals in its own words, the stdin retry, calls
// served in order, and a malformed stream that ends only its own connection.

import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";

import { GobDecoder, GobEncoder } from "../../runtime/hook-tools/gob.js";
import { JUJUC_METHOD, NO_STDIN, type JujucRequest, encodeJujucCall } from "../../runtime/hook-tools/jujuc.js";
import { JujuModel } from "../../engine/model.js";
import { MAX_CALL_BYTES, MAX_SOCKET_PATH, goQuote, serveJujuc, socketPathProblem } from "../../fake-tools/jujuc-server.js";
import { type Hook, demoModel, hook, relationHook, server, serveTools } from "./hook.js";

serveTools();

let dir = "";
const notes: string[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tscharm-jujuc-"));
  server.note = (what) => notes.push(what);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const clients: JujucConnection[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.socket.destroy();
  notes.length = 0;
});

interface Reply {
  readonly seq: number;
  readonly error: string;
  readonly code?: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

/** One connection to an agent socket, as jujuc makes it: header and body per call, replies read back in order. */
class JujucConnection {
  private readonly encoder = new GobEncoder();
  private readonly decoder = new GobDecoder();
  private readonly waiting: ((reply: Reply) => void)[] = [];
  private header: Record<string, unknown> | undefined;
  private seq = 0;
  /** Resolves when the server has closed the connection. */
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => undefined);
    socket.on("data", (chunk: Buffer) => {
      this.decoder.push(chunk);
      for (let message = this.decoder.next(); message !== undefined; message = this.decoder.next()) {
        const value = message.value as Record<string, unknown>;
        if (this.header === undefined) {
          this.header = value;
          continue;
        }
        const header = this.header;
        this.header = undefined;
        const text = (field: unknown): string => (field instanceof Uint8Array ? Buffer.from(field).toString("utf8") : "");
        const reply: Reply =
          header["Error"] === ""
            ? {
                seq: Number(header["Seq"]),
                error: "",
                code: Number(value["Code"]),
                stdout: text(value["Stdout"]),
                stderr: text(value["Stderr"]),
              }
            : { seq: Number(header["Seq"]), error: String(header["Error"]) };
        this.waiting.shift()?.(reply);
      }
    });
  }

  static async open(path: string): Promise<JujucConnection> {
    const socket = connect(path);
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("error", reject);
    });
    const client = new JujucConnection(socket);
    clients.push(client);
    return client;
  }

  /** The bytes of one call (header and body), with this connection's type definitions on first use. */
  encode(request: JujucRequest, method = JUJUC_METHOD): Buffer {
    return encodeJujucCall(this.encoder, this.seq++, request, method);
  }

  /** Sends `bytes` and waits for `replies` replies. */
  send(bytes: Buffer, replies = 1): Promise<Reply[]> {
    const got = Array.from({ length: replies }, () => new Promise<Reply>((resolve) => this.waiting.push(resolve)));
    this.socket.write(bytes);
    return Promise.all(got);
  }

  async call(request: JujucRequest, method = JUJUC_METHOD): Promise<Reply> {
    const [reply] = await this.send(this.encode(request, method));
    if (reply === undefined) throw new Error("no reply");
    return reply;
  }
}

/** demo/0's agent socket in this test file (one per unit, made on first use). */
async function socketOf(unit: string): Promise<string> {
  const path = await server.agentSocket(unit, join(dir, `unit-${unit.replace("/", "-")}`, "agent.socket"));
  if (path === undefined) throw new Error(`no socket for ${unit}: ${notes.join("; ")}`);
  return path;
}

function request(h: Hook, commandName: string, args: readonly string[] = [], stdin?: string): JujucRequest {
  return {
    contextId: h.env["JUJU_CONTEXT_ID"] ?? "",
    dir: h.charmDir,
    commandName,
    args,
    stdin: stdin === undefined ? undefined : Buffer.from(stdin),
  };
}

describe("the unit's agent socket answers as the bash client's door does", () => {
  test("the same exit code, stdout and stderr for the same calls in the same hook; each call recorded with its door", async () => {
    const h = relationHook(demoModel(), "demo/0", "db-relation-changed", 2, "pg/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    const calls: [string, string[]][] = [
      ["is-leader", ["--format=json"]],
      ["config-get", ["--format=json"]],
      ["relation-get", ["--format=json", "-", "pg/0"]],
      ["relation-ids", ["db"]],
      ["status-set", ["bogus"]],
      ["relation-get", ["-r", "db:99", "-"]],
      ["secret-get", ["--format=json", "--label", "db-pass"]],
    ];
    for (const [tool, args] of calls) {
      const spawned = await h.run(tool, args);
      const reply = await client.call(request(h, tool, args));
      expect({ code: reply.code, stdout: reply.stdout, stderr: reply.stderr }, `${tool} ${args.join(" ")}`).toEqual({
        code: spawned.exitCode,
        stdout: spawned.stdout,
        stderr: spawned.stderr,
      });
    }
    // Each call recorded twice, the same but for the door.
    expect(h.calls.map((call) => call.via)).toEqual(calls.flatMap(() => ["spawn", "socket"]));
    calls.forEach((_, i) => {
      expect({ ...h.calls[2 * i + 1], via: "spawn" }).toEqual(h.calls[2 * i]);
    });
    expect(h.calls.some((call) => call.exitCode !== 0)).toBe(true);
  });

  test("secret arguments are recorded redacted, as the bash client's are", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    const reply = await client.call(request(h, "secret-add", ["--owner", "unit", "password=hunter22"]));
    expect(reply).toMatchObject({ error: "", code: 0 });
    expect(h.calls).toEqual([
      { tool: "secret-add", args: ["--owner", "unit", "password=<redacted>"], exitCode: 0, stderr: "", via: "socket" },
    ]);
  });

  test("several connections may come and go during one hook; calls on one connection are answered in order", async () => {
    const h = hook(demoModel(), "demo/0");
    const path = await socketOf("demo/0");
    const first = await JujucConnection.open(path);
    expect(await first.call(request(h, "is-leader"))).toMatchObject({ seq: 0, code: 0, stdout: "True\n" });
    first.socket.destroy();
    const second = await JujucConnection.open(path);
    // Three calls in one write: each is answered, in the order sent.
    const bytes = Buffer.concat([
      second.encode(request(h, "status-set", ["maintenance", "--", "one"])),
      second.encode(request(h, "status-set", ["active", "--", "two"])),
      second.encode(request(h, "status-get", ["--include-data", "--format=json"])),
    ]);
    const replies = await second.send(bytes, 3);
    expect(replies.map((reply) => reply.seq)).toEqual([0, 1, 2]);
    expect(JSON.parse(replies[2]?.stdout ?? "")).toMatchObject({ message: "two", status: "active" });
  });
});

describe("what a connection may hold", () => {
  test("a reply the client does not read stops the next call, and reading: nothing more is buffered until it drains", () => {
    const h = hook(demoModel(), "demo/0");
    // A stand-in for the connection whose writes report a full buffer.
    const written: Buffer[] = [];
    let full = true;
    const socket = Object.assign(new EventEmitter(), {
      paused: false,
      write: (bytes: Buffer) => {
        written.push(bytes);
        return !full;
      },
      pause: () => Object.assign(socket, { paused: true }),
      resume: () => Object.assign(socket, { paused: false }),
      destroy: () => undefined,
    });
    serveJujuc(socket as unknown as Socket, "demo/0", {
      hook: () => ({ context: h.context, env: {} }),
      record: () => undefined,
      problem: (what) => {
        throw new Error(what);
      },
    });
    const client = new JujucConnection(new EventEmitter() as unknown as Socket);
    const calls = [0, 1, 2].map(() => client.encode(request(h, "is-leader")));
    socket.emit("data", Buffer.concat(calls));
    expect(written).toHaveLength(1);
    expect(socket.paused).toBe(true);
    written.length = 0;
    full = false;
    socket.emit("drain");
    expect(written).toHaveLength(2);
    expect(socket.paused).toBe(false);
  });
});

describe("the unit agent's refusals, in its words (juju/juju jujuc/server.go, runner.go)", () => {
  test("an empty command name: bad request: command not specified", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call(request(h, ""))).toEqual({ seq: 0, error: "bad request: command not specified" });
  });

  test("a relative working directory: bad request: Dir is not absolute", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call({ ...request(h, "is-leader"), dir: "charm" })).toEqual({ seq: 0, error: "bad request: Dir is not absolute" });
    expect(h.calls).toEqual([]);
  });

  test("a context id no hook runs under, another unit's, or a hook's that has ended: wrong context ID", async () => {
    const model = demoModel();
    const other = hook(model, "demo/1");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call({ ...request(other, "is-leader"), contextId: "demo/0-install-nope" })).toEqual({
      seq: 0,
      error: 'bad request: wrong context ID; got "demo/0-install-nope"',
    });
    // demo/1's hook is running, but not on demo/0's socket.
    const otherId = other.env["JUJU_CONTEXT_ID"] ?? "";
    expect(await client.call(request(other, "is-leader"))).toEqual({ seq: 1, error: `bad request: wrong context ID; got "${otherId}"` });
    const ended = hook(model, "demo/0");
    server.unregister(ended.env["JUJU_CONTEXT_ID"] ?? "");
    expect(await client.call(request(ended, "is-leader"))).toMatchObject({ error: /^bad request: wrong context ID; got "demo\/0-/ });
    expect([...other.calls, ...ended.calls]).toEqual([]);
  });

  test("the id is quoted as Go's %q quotes it", () => {
    expect(goQuote('a"b\\c\nd\te\u0001é')).toBe('"a\\"b\\\\c\\nd\\te\\x01é"');
  });

  test("a tool this Juju lacks (leader-get on 4.x) or never had: bad request: unknown command, recorded as jujuc prints it", async () => {
    const model = demoModel();
    const juju4 = new JujuModel("sim", model.uuid, "4.0.1");
    juju4.addApp("demo", undefined);
    juju4.addUnit("demo", { machine: "0" });
    const h4 = hook(juju4, "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call(request(h4, "leader-get"))).toEqual({ seq: 0, error: "bad request: unknown command: leader-get" });
    const h3 = hook(model, "demo/0");
    expect(await client.call(request(h3, "leader-get", ["--format=json"]))).toMatchObject({ error: "", code: 0 });
    expect(await client.call(request(h3, "no-such-tool"))).toEqual({ seq: 2, error: "bad request: unknown command: no-such-tool" });
    expect(h4.calls).toEqual([
      { tool: "leader-get", args: [], exitCode: 1, stderr: "ERROR bad request: unknown command: leader-get\n", via: "socket" },
    ]);
    // The bash client's door records the same for the same hook.
    await h4.run("leader-get");
    expect(h4.calls[1]).toEqual({ ...h4.calls[0], via: "spawn" });
  });

  test("another method than Jujuc.Main: net/rpc's own errors", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect((await client.call(request(h, "is-leader"), "Jujuc.Other")).error).toBe("rpc: can't find method Jujuc.Other");
    expect((await client.call(request(h, "is-leader"), "Agent.Main")).error).toBe("rpc: can't find service Agent.Main");
    expect((await client.call(request(h, "is-leader"), "Main")).error).toBe("rpc: service/method request ill-formed: Main");
    expect(h.calls).toEqual([]);
  });
});

describe("stdin: asked for when a tool reads it, then sent", () => {
  test.each([
    ["relation-set", ["-r", "db:2", "--file", "-"]],
    ["state-set", ["--file=-"]],
  ])("%s without stdin: %s, nothing done or recorded; the retry with it runs", async (tool, args) => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call(request(h, tool, args))).toEqual({ seq: 0, error: NO_STDIN });
    expect(h.calls).toEqual([]);
    expect(await client.call(request(h, tool, args, '{"a": "b"}\n'))).toMatchObject({ seq: 1, error: "", code: 0, stderr: "" });
    expect(h.calls).toEqual([{ tool, args, exitCode: 0, stderr: "", via: "socket" }]);
    const read = tool === "relation-set" ? ["relation-get", ["-r", "db:2", "a", "demo/0"]] : ["state-get", ["a"]];
    expect((await client.call(request(h, read[0] as string, read[1] as string[]))).stdout).toBe("b\n");
  });

  test("a tool that fails before it reads stdin is not asked for it (a usage error comes back as the tool's)", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    const reply = await client.call(request(h, "relation-set", ["-r", "db:2", "--file", "-", "--bogus"]));
    expect(reply).toMatchObject({ error: "", code: 2 });
  });

  test("empty stdin that was sent is read as empty, not asked for again", async () => {
    const h = hook(demoModel(), "demo/0");
    const client = await JujucConnection.open(await socketOf("demo/0"));
    expect(await client.call(request(h, "state-set", ["--file", "-"], ""))).toMatchObject({ error: "", code: 0 });
  });
});

describe("a malformed stream ends its own connection, and only it", () => {
  test.each([
    ["a value of a type never defined", Buffer.from([0x02, 0x41, 0x00])],
    ["a message longer than a call may be", Buffer.from([0xfc, ...bigEndian(MAX_CALL_BYTES + 1, 4)])],
    // A string (type id 6) sent as a singleton: a message of five bytes.
    ["a header that is not a struct", Buffer.from([0x05, 0x0c, 0x00, 0x02, 0x68, 0x69])],
  ])("%s: closed, said in the debug log; another connection carries on", async (what, bytes) => {
    const h = hook(demoModel(), "demo/0");
    const path = await socketOf("demo/0");
    const good = await JujucConnection.open(path);
    expect(await good.call(request(h, "is-leader"))).toMatchObject({ code: 0 });
    const bad = await JujucConnection.open(path);
    bad.socket.write(bytes);
    await bad.closed;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^unit demo\/0's agent socket: a connection sent what is not a jujuc call \((GobError|JujucProtocolError): .+\); it was closed$/,
    );
    expect(await good.call(request(h, "is-leader"))).toMatchObject({ seq: 1, code: 0 });
    const fresh = await JujucConnection.open(path);
    expect(await fresh.call(request(h, "is-leader"))).toMatchObject({ seq: 0, code: 0 });
  });
});

describe("the socket file", () => {
  test("mode 0700, as Juju makes it; one per unit; the same path on every later use", async () => {
    const path = await socketOf("demo/0");
    expect(statSync(path).isSocket()).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(await socketOf("demo/0")).toBe(path);
    expect(await socketOf("demo/1")).not.toBe(path);
  });

  test("a path too long for a unix socket: no socket, said once in the debug log", async () => {
    const long = join(dir, "d".repeat(MAX_SOCKET_PATH), "agent.socket");
    expect(socketPathProblem(long)).toMatch(/ bytes, and a unix socket's address holds 107$/);
    expect(socketPathProblem(join(dir, "agent.socket"))).toBeUndefined();
    expect(await server.agentSocket("long/0", long)).toBeUndefined();
    expect(await server.agentSocket("long/0", long)).toBeUndefined();
    expect(notes).toEqual([
      expect.stringMatching(/^unit long\/0 gets no agent socket, so its hooks spawn their tools: its path .+ is \d+ bytes/),
    ]);
  });
});

function bigEndian(value: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => Math.floor(value / 256 ** (bytes - 1 - i)) % 256);
}
