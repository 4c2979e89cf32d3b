// The gob codec against Go's own bytes (test/fixtures/gob/jujuc-vectors.json, captured from Go's
// net/rpc and encoding/gob), and against malformed input. A Go program checks it the other way in
// test/runtime/hook-tools/gob-go.test.ts.

import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { GobDecoder, GobEncoder, GobError, gobTypes } from "../../../runtime/hook-tools/gob.js";
import {
  JUJUC_REQUEST,
  JujucClient,
  JujucReplies,
  RPC_REQUEST,
  readJujucRequest,
  type ByteStream,
} from "../../../runtime/hook-tools/jujuc.js";

interface Vectors {
  contextId: string;
  dir: string;
  exchanges: { name: string; steps: { from: "client" | "server"; hex: string }[] }[];
}
const vectors = JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/gob/jujuc-vectors.json"), "utf8")) as Vectors;

function exchange(name: string): { client: Buffer[]; server: Buffer[] } {
  const found = vectors.exchanges.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no exchange ${name}`);
  return {
    client: found.steps.filter((s) => s.from === "client").map((s) => Buffer.from(s.hex, "hex")),
    server: found.steps.filter((s) => s.from === "server").map((s) => Buffer.from(s.hex, "hex")),
  };
}

/** A stream that records what the client writes and answers each write with the next canned reply. */
function scripted(replies: Buffer[]): ByteStream & { written: Buffer[] } {
  const written: Buffer[] = [];
  let pending = Buffer.alloc(0);
  return {
    written,
    write(bytes) {
      written.push(Buffer.from(bytes));
      pending = Buffer.concat([pending, replies.shift() ?? Buffer.alloc(0)]);
    },
    read(into) {
      // One byte at a time: the client must cope with replies split anywhere.
      if (pending.length === 0) return 0;
      into[0] = pending[0] ?? 0;
      pending = pending.subarray(1);
      return 1;
    },
  };
}

const request = (commandName: string, args: string[], stdin?: Buffer) => ({
  contextId: vectors.contextId,
  dir: vectors.dir,
  commandName,
  args,
  stdin,
});

describe("the client against Go's bytes", () => {
  it("writes is-leader exactly as Go's jujuc does, and reads Go's reply", () => {
    const { client, server } = exchange("is-leader");
    const stream = scripted([...server]);
    const outcome = new JujucClient(stream, new GobDecoder()).call(request("is-leader", ["--format=json"]));
    expect(Buffer.concat(stream.written).toString("hex")).toBe(Buffer.concat(client).toString("hex"));
    expect(outcome).toEqual({ response: { code: 0, stdout: Buffer.from("True\n"), stderr: Buffer.alloc(0) } });
  });

  it("reads Go's stdin refusal, then writes the retry with StdinSet on the same connection exactly as Go does", () => {
    const { client, server } = exchange("relation-set-stdin-retry");
    const stream = scripted([...server]);
    const jujuc = new JujucClient(stream, new GobDecoder());
    const first = jujuc.call(request("relation-set", ["--file", "-"]));
    expect(first).toEqual({ rpcError: "hook tool requires stdin, none supplied" });
    const second = jujuc.call(request("relation-set", ["--file", "-"], Buffer.from('{"a":"b"}\n')));
    expect(stream.written.map((b) => b.toString("hex"))).toEqual(client.map((b) => b.toString("hex")));
    expect(second).toEqual({ response: { code: 0, stdout: Buffer.from('got stdin: {"a":"b"}\n'), stderr: Buffer.alloc(0) } });
  });

  it("reads a usage error: exit 2 and the tool's stderr", () => {
    const { client, server } = exchange("usage-error");
    const stream = scripted([...server]);
    const outcome = new JujucClient(stream, new GobDecoder()).call(request("fail", ["-x"]));
    expect(Buffer.concat(stream.written)).toEqual(Buffer.concat(client));
    expect(outcome).toEqual({
      response: { code: 2, stdout: Buffer.alloc(0), stderr: Buffer.from("ERROR flag provided but not defined: -x\n") },
    });
  });
});

describe("the server's side", () => {
  it("reads Go's requests, the retry's stdin included", () => {
    const decoder = new GobDecoder();
    const pending = {};
    const { client } = exchange("relation-set-stdin-retry");
    decoder.push(Buffer.concat(client));
    const first = readJujucRequest(decoder, pending);
    const second = readJujucRequest(decoder, pending);
    expect(first).toEqual({
      serviceMethod: "Jujuc.Main",
      seq: 0,
      request: { ...request("relation-set", ["--file", "-"]), stdinSet: false, stdin: undefined, token: "" },
    });
    expect(second?.seq).toBe(1);
    expect(second?.request.stdin).toEqual(Buffer.from('{"a":"b"}\n'));
    expect(readJujucRequest(decoder, pending)).toBeUndefined();
  });

  it("writes replies the client reads back (ids of its own, definitions once per connection)", () => {
    const replies = new JujucReplies();
    const a = replies.error({ serviceMethod: "Jujuc.Main", seq: 0 }, "bad request: unknown command: x");
    const b = replies.response({ serviceMethod: "Jujuc.Main", seq: 1 }, { code: 3, stdout: Buffer.from("o"), stderr: Buffer.from("e") });
    const c = replies.response({ serviceMethod: "Jujuc.Main", seq: 2 }, { code: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
    expect(c.length).toBeLessThan(b.length); // no definitions the second time
    const jujuc = new JujucClient(scripted([a, b, c]), new GobDecoder());
    expect(jujuc.call(request("x", []))).toEqual({ rpcError: "bad request: unknown command: x" });
    expect(jujuc.call(request("y", []))).toEqual({ response: { code: 3, stdout: Buffer.from("o"), stderr: Buffer.from("e") } });
    expect(jujuc.call(request("z", []))).toEqual({ response: { code: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) } });
  });

  it("refuses a reply to another call", () => {
    const replies = new JujucReplies();
    const wrong = replies.response({ serviceMethod: "Jujuc.Main", seq: 7 }, { code: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) });
    expect(() => new JujucClient(scripted([wrong]), new GobDecoder()).call(request("x", []))).toThrow(/reply to call 7 where call 0/);
  });

  it("refuses a connection closed before the reply is complete", () => {
    const { server } = exchange("is-leader");
    const cut = Buffer.concat(server).subarray(0, 70);
    expect(() => new JujucClient(scripted([cut]), new GobDecoder()).call(request("is-leader", []))).toThrow(/closed the connection/);
  });
});

describe("the decoder", () => {
  it("takes a definition that names an id defined after it", () => {
    const decoder = new GobDecoder();
    decoder.push(Buffer.concat(exchange("is-leader").client));
    expect(decoder.next()?.value).toEqual({ ServiceMethod: "Jujuc.Main", Seq: 0 });
    const body = decoder.next();
    expect(body?.typeName).toBe("Request");
    expect(body?.value).toMatchObject({ CommandName: "is-leader", Args: ["--format=json"], StdinSet: false, Token: "" });
  });

  it("round-trips every kind the encoder writes, zero values included", () => {
    const inner = gobTypes.struct("Inner", { N: gobTypes.int });
    const type = gobTypes.struct("All", {
      B: gobTypes.bool,
      I: gobTypes.int,
      U: gobTypes.uint,
      F: gobTypes.float,
      S: gobTypes.string,
      Y: gobTypes.bytes,
      L: gobTypes.slice("[]string", gobTypes.string),
      T: inner,
      LT: gobTypes.slice("[]Inner", inner),
    });
    const encoder = new GobEncoder();
    const decoder = new GobDecoder();
    const value = {
      B: true,
      I: -1234567,
      U: 2 ** 40,
      F: -2.5,
      S: "héllo",
      Y: Buffer.from([0, 255]),
      L: ["a", ""],
      T: { N: 7 },
      LT: [{ N: -1 }, { N: 0 }],
    };
    decoder.push(encoder.encode(type, value));
    decoder.push(encoder.encode(type, {}));
    expect(decoder.next()?.value).toEqual(value);
    expect(decoder.next()?.value).toEqual({ B: false, I: 0, U: 0, F: 0, S: "", Y: Buffer.alloc(0), L: [], T: { N: 0 }, LT: [] });
  });

  it("keeps 64-bit integers beyond 2^53 exact", () => {
    const type = gobTypes.struct("Big", { I: gobTypes.int, U: gobTypes.uint });
    const decoder = new GobDecoder();
    decoder.push(new GobEncoder().encode(type, { I: -(2n ** 63n), U: 2n ** 64n - 1n }));
    expect(decoder.next()?.value).toEqual({ I: -(2n ** 63n), U: 2n ** 64n - 1n });
  });

  it("waits for a message split anywhere, and gives it whole", () => {
    const bytes = Buffer.concat(exchange("is-leader").server);
    for (const cut of [1, 2, 30, bytes.length - 1]) {
      const decoder = new GobDecoder();
      decoder.push(bytes.subarray(0, cut));
      const early = [decoder.next(), decoder.next()].filter((m) => m !== undefined);
      decoder.push(bytes.subarray(cut));
      const rest: unknown[] = [];
      for (let m = decoder.next(); m !== undefined; m = decoder.next()) rest.push(m.value);
      expect([...early.map((m) => m.value), ...rest]).toHaveLength(2);
    }
  });

  const malformed: [string, Buffer, RegExp][] = [
    ["a message over the limit", Buffer.from([0xfc, 0x7f, 0xff, 0xff, 0xff]), /over the .*-byte limit/],
    ["an empty message", Buffer.from([0x00]), /empty message/],
    ["a value of a type never defined", Buffer.from([0x02, 0xff, 0x82]), /never defined/],
    ["a redefined builtin", Buffer.from([0x04, 0x0b, 0x03, 0x00, 0x00]), /reserved type id/],
    ["a string longer than its message", Buffer.from("040c001061", "hex"), /exceeds the .* bytes left/],
    ["an integer of 9 bytes", Buffer.from("0bf7000000000000000000000000", "hex"), /9 bytes/],
    ["a definition of no kind", Buffer.from("03ff8100", "hex"), /is empty/],
    ["a definition of unknown kind", Buffer.from("05ff81080000", "hex"), /unknown kind/],
    ["bytes left over after a value", Buffer.from("050c0001610000", "hex"), /left over/],
  ];
  for (const [what, bytes, error] of malformed) {
    it(`refuses ${what}`, () => {
      const decoder = new GobDecoder();
      decoder.push(bytes);
      expect(() => decoder.next()).toThrow(GobError);
      const again = new GobDecoder();
      again.push(bytes);
      expect(() => again.next()).toThrow(error);
    });
  }

  it("refuses a field number past a struct's last field", () => {
    const decoder = new GobDecoder();
    const { server } = exchange("is-leader");
    // The Response definition, then a Response value whose second field delta jumps past Error.
    decoder.push(server[0]?.subarray(0, 0x3b) ?? Buffer.alloc(0));
    decoder.push(Buffer.from("05ff82050100", "hex"));
    expect(() => decoder.next()).toThrow(/field 4 of struct Response, which has 3/);
  });

  it("refuses a type defined twice", () => {
    const decoder = new GobDecoder();
    const definition = Buffer.concat(exchange("is-leader").server).subarray(0, 0x3b);
    decoder.push(Buffer.concat([definition, definition]));
    expect(() => decoder.next()).toThrow(/defined twice/);
  });

  it("refuses nesting beyond its bound rather than recursing without end", () => {
    // type 65 = []65: a slice of itself, with a value nested 100 deep.
    const def = Buffer.from("ff81" + "02" + "01" + "02ff82" + "00" + "01ff82" + "00" + "00", "hex");
    const value = Buffer.concat([Buffer.from("ff8200", "hex"), Buffer.alloc(100, 1), Buffer.from([0])]);
    const decoder = new GobDecoder();
    decoder.push(Buffer.concat([Buffer.from([def.length]), def, Buffer.from([value.length]), value]));
    expect(() => decoder.next()).toThrow(/nested more than 64 deep/);
  });
});

describe("the encoder", () => {
  it("sends each definition once per stream, so a second call is shorter", () => {
    const encoder = new GobEncoder();
    const first = encoder.encode(RPC_REQUEST, { ServiceMethod: "Jujuc.Main", Seq: 0 });
    const second = encoder.encode(RPC_REQUEST, { ServiceMethod: "Jujuc.Main", Seq: 1 });
    expect(first.length).toBeGreaterThan(second.length);
    // Go's own second header on a connection (the stdin retry's, in the vectors).
    expect(second.toString("hex")).toBe(exchange("relation-set-stdin-retry").client[1]?.toString("hex").slice(0, 36));
    const body = encoder.encode(JUJUC_REQUEST, { ContextId: "c", Dir: "/", CommandName: "x" });
    const decoder = new GobDecoder();
    decoder.push(Buffer.concat([first, second, body]));
    expect([decoder.next()?.value, decoder.next()?.value]).toEqual([
      { ServiceMethod: "Jujuc.Main", Seq: 0 },
      { ServiceMethod: "Jujuc.Main", Seq: 1 },
    ]);
    expect(decoder.next()?.value).toMatchObject({ ContextId: "c", Dir: "/", CommandName: "x", Args: [] });
  });

  it("refuses a value of the wrong type", () => {
    expect(() => new GobEncoder().encode(JUJUC_REQUEST, { Args: "not a list" })).toThrow(/expected an array/);
    expect(() => new GobEncoder().encode(RPC_REQUEST, { Seq: -1 })).toThrow(/not a uint64/);
  });
});
