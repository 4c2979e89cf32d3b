// A small client of Node's inspector protocol over a WebSocket written on node:http (Node 20 has no WebSocket global):
// what a debugger does to attach to a dispatch that `JUJU_DEBUG_AT` made wait, in a test.

import { randomBytes } from "node:crypto";
import { request } from "node:http";
import type { Socket } from "node:net";

/** An inspector protocol notification: `Debugger.paused`, `Debugger.scriptParsed`, … */
export interface InspectorEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
}

interface Reply {
  readonly id: number;
  readonly result?: Record<string, unknown>;
  readonly error?: { message: string };
}

/**
 * One debugger session. Messages are JSON in WebSocket text frames (RFC 6455): the client masks
 * what it sends, the server does not; the inspector sends no fragmented frames, but they are
 * joined anyway.
 */
export class InspectorClient {
  /** Every notification received so far, in order. */
  readonly events: InspectorEvent[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: Record<string, unknown>) => void; reject: (error: Error) => void }>();
  private readonly listeners: ((event: InspectorEvent) => void)[] = [];
  private buffered = Buffer.alloc(0);
  private fragments: Buffer[] = [];
  private closedWith: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.readFrames();
    });
    socket.on("close", () => {
      this.fail(new Error("the inspector closed the connection"));
    });
    socket.on("error", (error) => {
      this.fail(error);
    });
  }

  /** Connects to a `ws://host:port/id` URL as `inspector.url()` gives it. */
  static connect(url: string): Promise<InspectorClient> {
    const target = new URL(url);
    return new Promise((resolve, reject) => {
      const upgrade = request({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        headers: {
          Connection: "Upgrade",
          Upgrade: "websocket",
          "Sec-WebSocket-Key": randomBytes(16).toString("base64"),
          "Sec-WebSocket-Version": "13",
        },
      });
      upgrade.on("upgrade", (_response, socket) => {
        resolve(new InspectorClient(socket));
      });
      upgrade.on("response", (response) => {
        reject(new Error(`the inspector refused the WebSocket upgrade: HTTP ${String(response.statusCode)}`));
      });
      upgrade.on("error", reject);
      upgrade.end();
    });
  }

  /** Sends a command and resolves with its result (rejects with the protocol's error). */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    const id = this.nextId++;
    const result = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
    });
    this.socket.write(maskedTextFrame(JSON.stringify({ id, method, params })));
    return result;
  }

  /** Calls `listener` with every notification from now on. */
  onEvent(listener: (event: InspectorEvent) => void): void {
    this.listeners.push(listener);
  }

  /** Ends the session, as a debugger that detaches does. */
  close(): void {
    this.socket.end();
  }

  private readFrames(): void {
    for (;;) {
      const frame = readFrame(this.buffered);
      if (frame === undefined) return;
      this.buffered = this.buffered.subarray(frame.length);
      if (frame.opcode === 0x8) {
        this.socket.end();
        return;
      }
      if (frame.opcode !== 0x1 && frame.opcode !== 0x0) continue;
      this.fragments.push(frame.payload);
      if (!frame.fin) continue;
      const text = Buffer.concat(this.fragments).toString("utf8");
      this.fragments = [];
      this.dispatch(JSON.parse(text) as Reply | InspectorEvent);
    }
  }

  private dispatch(message: Reply | InspectorEvent): void {
    if ("id" in message) {
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result ?? {});
      return;
    }
    this.events.push(message);
    for (const listener of this.listeners) listener(message);
  }

  private fail(error: Error): void {
    this.closedWith ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }
}

/** A client's text frame: FIN, opcode 1, the payload masked with a random key. */
function maskedTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, "utf8");
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length]) : length < 65536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (length >= 126 && length < 65536) {
    header[0] = 0x81;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else if (length >= 65536) {
    header[0] = 0x81;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return Buffer.concat([header, mask, masked]);
}

/** One whole frame at the start of `data`, or undefined if more bytes are needed. */
function readFrame(data: Buffer): { fin: boolean; opcode: number; payload: Buffer; length: number } | undefined {
  if (data.length < 2) return undefined;
  const first = data[0] ?? 0;
  const second = data[1] ?? 0;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (data.length < 4) return undefined;
    length = data.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (data.length < 10) return undefined;
    length = Number(data.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (second & 0x80) !== 0;
  const mask = masked ? data.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (data.length < offset + length) return undefined;
  let payload = data.subarray(offset, offset + length);
  if (mask !== undefined) payload = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return { fin: (first & 0x80) !== 0, opcode: first & 0x0f, payload, length: offset + length };
}
