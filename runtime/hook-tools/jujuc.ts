// The call a hook tool makes to the unit agent: Go `net/rpc` over gob, method `Jujuc.Main`, with the
// struct shapes of juju's `cmd/jujuc` and `internal/worker/uniter/runner/jujuc/server.go`
// (shared reference juju-agent-protocol.md §1 and §3). Both ends live here: the runtime's client
// (`JujucClient`, over any blocking byte stream) and what the simulator's server needs to read a
// request and write a reply (`readJujucRequest`, `JujucReplies`).

import { type GobDecoder, GobEncoder, type GobMessage, type GobStruct, type GobValue, gobTypes } from "./gob.js";

export const JUJUC_METHOD = "Jujuc.Main";

/** The RPC error text with which the agent asks for the tool's stdin; jujuc then calls again with it. */
export const NO_STDIN = "hook tool requires stdin, none supplied";

/** net/rpc's header before every request body. */
export const RPC_REQUEST = gobTypes.struct("Request", { ServiceMethod: gobTypes.string, Seq: gobTypes.uint });
/** net/rpc's header before every reply body. */
export const RPC_RESPONSE = gobTypes.struct("Response", {
  ServiceMethod: gobTypes.string,
  Seq: gobTypes.uint,
  Error: gobTypes.string,
});
/** jujuc's request. `Token` exists in 2.7–3.x only; left empty it is not sent, so one shape serves 3.x and 4.x. */
export const JUJUC_REQUEST = gobTypes.struct("Request", {
  ContextId: gobTypes.string,
  Dir: gobTypes.string,
  CommandName: gobTypes.string,
  Args: gobTypes.slice("[]string", gobTypes.string),
  StdinSet: gobTypes.bool,
  Stdin: gobTypes.bytes,
  Token: gobTypes.string,
});
/** juju/utils exec.ExecResponse: the tool's exit code and output. */
export const EXEC_RESPONSE = gobTypes.struct("ExecResponse", { Code: gobTypes.int, Stdout: gobTypes.bytes, Stderr: gobTypes.bytes });
/** What net/rpc sends as the body of a reply that carries an error: `struct{}{}`. */
export const INVALID_REQUEST = gobTypes.struct("", {});

export interface JujucRequest {
  readonly contextId: string;
  /** The tool's working directory; the agent refuses one that is not absolute. */
  readonly dir: string;
  readonly commandName: string;
  readonly args: readonly string[];
  /** Set: the tool's stdin is these bytes (StdinSet). Unset: none was sent, and the agent may ask for it. */
  readonly stdin?: Uint8Array | undefined;
  readonly token?: string | undefined;
}

export interface ExecResponse {
  readonly code: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** A reply that is not what a jujuc server sends: wrong types, a wrong sequence number or method. */
export class JujucProtocolError extends Error {
  override readonly name = "JujucProtocolError";
}

/** What one call came to: the tool's response, or the RPC error the server gave instead. */
export type JujucOutcome = { readonly response: ExecResponse } | { readonly rpcError: string };

/** A blocking byte stream: `read` returns 0 at the end of the stream. */
export interface ByteStream {
  write(bytes: Uint8Array): void;
  read(into: Uint8Array): number;
}

/**
 * One connection's client, as jujuc makes the call: one call in flight at a time, replies matched by
 * their sequence number, the stdin retry on the same connection.
 */
export class JujucClient {
  private readonly encoder = new GobEncoder();
  private seq = 0;
  private readonly chunk = Buffer.allocUnsafe(64 * 1024);

  constructor(
    private readonly stream: ByteStream,
    private readonly decoder: GobDecoder,
  ) {}

  /** Sends the request and waits for its reply. Throws what the stream or the decoder throws. */
  call(request: JujucRequest): JujucOutcome {
    const seq = this.seq++;
    this.stream.write(encodeJujucCall(this.encoder, seq, request));
    const header = this.nextValue();
    const { ServiceMethod, Seq, Error: error } = header;
    if (typeof ServiceMethod !== "string" || typeof Seq !== "number" || typeof error !== "string") {
      throw new JujucProtocolError("the reply's header is not net/rpc's Response{ServiceMethod, Seq, Error}");
    }
    if (Seq !== seq) throw new JujucProtocolError(`a reply to call ${String(Seq)} where call ${String(seq)} was waiting`);
    if (ServiceMethod !== JUJUC_METHOD) throw new JujucProtocolError(`a reply for "${ServiceMethod}"`);
    const reply = this.nextValue();
    if (error !== "") return { rpcError: error };
    const { Code, Stdout, Stderr } = reply;
    if (typeof Code !== "number" || !(Stdout instanceof Uint8Array) || !(Stderr instanceof Uint8Array)) {
      throw new JujucProtocolError("the reply's body is not ExecResponse{Code int, Stdout, Stderr []byte}");
    }
    return { response: { code: Code, stdout: Buffer.from(Stdout), stderr: Buffer.from(Stderr) } };
  }

  /** The next value on the stream, which must be a struct. */
  private nextValue(): GobStruct {
    for (;;) {
      const message = this.decoder.next();
      if (message !== undefined) return asStruct(message);
      const n = this.stream.read(this.chunk);
      if (n === 0) throw new JujucProtocolError("the agent closed the connection before its reply was complete");
      this.decoder.push(this.chunk.subarray(0, n));
    }
  }
}

/**
 * The bytes of one call, net/rpc's header then jujuc's request, with the type definitions the
 * stream has not had yet. `method` is for tests of a server's refusals.
 */
export function encodeJujucCall(encoder: GobEncoder, seq: number, request: JujucRequest, method = JUJUC_METHOD): Buffer {
  return Buffer.concat([
    encoder.encode(RPC_REQUEST, { ServiceMethod: method, Seq: seq }),
    encoder.encode(JUJUC_REQUEST, {
      ContextId: request.contextId,
      Dir: request.dir,
      CommandName: request.commandName,
      Args: request.args,
      StdinSet: request.stdin !== undefined,
      Stdin: request.stdin,
      Token: request.token,
    }),
  ]);
}

function asStruct(message: GobMessage): GobStruct {
  if (!message.isStruct) throw new JujucProtocolError(`a value of type id ${String(message.typeId)} that is not a struct`);
  return message.value as GobStruct;
}

// ---------------------------------------------------------------------------------------------
// The server's side (the simulator's unit agent)

/** One request as the server reads it: net/rpc's header and jujuc's body. */
export interface ReceivedCall {
  readonly serviceMethod: string;
  readonly seq: number;
  readonly request: JujucRequest & { readonly stdinSet: boolean };
}

/**
 * Takes the next whole call (header and body) from a server's decoder, or undefined until both
 * have arrived. The header and body arrive as two values: a header alone stays pending.
 */
export function readJujucRequest(decoder: GobDecoder, pendingHeader: { value?: GobStruct }): ReceivedCall | undefined {
  if (pendingHeader.value === undefined) {
    const header = decoder.next();
    if (header === undefined) return undefined;
    pendingHeader.value = asStruct(header);
  }
  const body = decoder.next();
  if (body === undefined) return undefined;
  const header = pendingHeader.value;
  pendingHeader.value = undefined;
  const { ServiceMethod, Seq } = header;
  if (typeof ServiceMethod !== "string" || typeof Seq !== "number") {
    throw new JujucProtocolError("a request header that is not net/rpc's Request{ServiceMethod, Seq}");
  }
  const value = asStruct(body);
  const text = (key: string): string => {
    const field = value[key];
    return typeof field === "string" ? field : "";
  };
  const args = Array.isArray(value["Args"]) ? (value["Args"] as GobValue[]) : [];
  if (args.some((arg) => typeof arg !== "string")) throw new JujucProtocolError("a request whose Args are not strings");
  const stdinSet = value["StdinSet"] === true;
  const stdin = value["Stdin"] instanceof Uint8Array ? value["Stdin"] : undefined;
  return {
    serviceMethod: ServiceMethod,
    seq: Seq,
    request: {
      contextId: text("ContextId"),
      dir: text("Dir"),
      commandName: text("CommandName"),
      args: args as string[],
      stdinSet,
      stdin: stdinSet ? (stdin ?? Buffer.alloc(0)) : undefined,
      token: text("Token"),
    },
  };
}

/**
 * Whether a call's argv names stdin as its `--file` (`--file -` or `--file=-`): what a stand-in
 * agent that only relays calls (test/support/agent-relay-main.ts, bench/agent.mjs) asks stdin for.
 */
export function namesStdin(args: readonly string[]): boolean {
  return args.some((arg, i) => (arg === "-" && args[i - 1] === "--file") || arg === "--file=-");
}

/** A server's encoder for one connection: replies as Go's net/rpc server writes them. */
export class JujucReplies {
  private readonly encoder = new GobEncoder();

  /** The tool ran: its exit code and output. */
  response(call: Pick<ReceivedCall, "serviceMethod" | "seq">, response: ExecResponse): Buffer {
    return Buffer.concat([
      this.encoder.encode(RPC_RESPONSE, { ServiceMethod: call.serviceMethod, Seq: call.seq }),
      this.encoder.encode(EXEC_RESPONSE, { Code: response.code, Stdout: response.stdout, Stderr: response.stderr }),
    ]);
  }

  /** The call was refused with an RPC error ("bad request: ...", NO_STDIN). */
  error(call: Pick<ReceivedCall, "serviceMethod" | "seq">, message: string): Buffer {
    return Buffer.concat([
      this.encoder.encode(RPC_RESPONSE, { ServiceMethod: call.serviceMethod, Seq: call.seq, Error: message }),
      this.encoder.encode(INVALID_REQUEST, {}),
    ]);
  }
}
