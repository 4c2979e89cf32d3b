// Go's `encoding/gob`, as much of it as a hook-tool call needs: an encoder for the few types a call
// sends, and a strict decoder for any well-formed stream (docs/hook-tools.md "The socket path";
// the format is Go's `encoding/gob/doc.go`, facts in shared reference juju-agent-protocol.md §3).
//
// A stream is a sequence of messages, each `uint length` + `int typeId` + a value. A negative id
// defines type -id (a `wireType`) before its first value; ids are the sender's, per stream, and a
// definition may name ids defined after it. The decoder therefore keeps every definition it has
// read and resolves ids only when a value is decoded. It refuses, with a `GobError`, anything that
// is not well formed: a message over the size limit, a length past the end, an unknown id, a field
// number past a struct's last field, a redefined id, bytes left over. It never reads past a message.

/** The largest message either side accepts (a tool's output is far below it). */
export const MAX_MESSAGE = 64 * 1024 * 1024;

/** Nesting deeper than this (types or values) is refused: a well-formed reply is 3 levels deep. */
const MAX_DEPTH = 64;

export class GobError extends Error {
  override readonly name = "GobError";
}

// ---------------------------------------------------------------------------------------------
// Types

/** A type the encoder sends: Go's builtins, named slices and named structs. */
export type GobType =
  | { readonly kind: "bool" | "int" | "uint" | "float" | "bytes" | "string" }
  | { readonly kind: "slice"; readonly name: string; readonly elem: GobType }
  | { readonly kind: "struct"; readonly name: string; readonly fields: readonly GobField[] };

export interface GobField {
  readonly name: string;
  readonly type: GobType;
}

export const gobTypes = {
  bool: { kind: "bool" },
  int: { kind: "int" },
  uint: { kind: "uint" },
  float: { kind: "float" },
  bytes: { kind: "bytes" },
  string: { kind: "string" },
  slice: (name: string, elem: GobType): GobType => ({ kind: "slice", name, elem }),
  struct: (name: string, fields: Readonly<Record<string, GobType>>): GobType => ({
    kind: "struct",
    name,
    fields: Object.entries(fields).map(([field, type]) => ({ name: field, type })),
  }),
} as const satisfies Record<string, GobType | ((...args: never[]) => GobType)>;

/** Go's predefined type ids (encoding/gob type.go); the first id a sender defines is 65. */
const BUILTIN = { bool: 1, int: 2, uint: 3, float: 4, bytes: 5, string: 6, complex: 7, interface: 8 } as const;
const FIRST_USER_ID = 65;

/** A decoded value. Structs are plain objects (field name → value, every field present). */
export type GobValue = boolean | number | bigint | string | Uint8Array | readonly GobValue[] | GobStruct | GobMap | GobOther;
export interface GobStruct {
  readonly [field: string]: GobValue;
}
export type GobMap = ReadonlyMap<GobValue, GobValue>;
/** The rarer kinds, decoded so a stream with them is still read: complex numbers and interfaces. */
export type GobOther = { readonly complex: readonly [number, number] } | { readonly interface: string; readonly value: GobValue | null };

/** A type as the other side defined it, or a builtin. */
type WireType =
  | { readonly kind: "builtin"; readonly id: number }
  | { readonly kind: "slice"; readonly elem: number }
  | { readonly kind: "array"; readonly elem: number; readonly len: number }
  | { readonly kind: "map"; readonly key: number; readonly elem: number }
  | { readonly kind: "struct"; readonly name: string; readonly fields: readonly { readonly name: string; readonly id: number }[] }
  | { readonly kind: "opaque"; readonly name: string };

// ---------------------------------------------------------------------------------------------
// Encoding

/** Bytes being written, growing as needed. */
class Writer {
  private buffer = Buffer.allocUnsafe(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + n));
    this.buffer.copy(bigger, 0, 0, this.length);
    this.buffer = bigger;
  }

  uint(value: number | bigint): void {
    const n = BigInt(value);
    if (n < 0n || n > 0xffff_ffff_ffff_ffffn) throw new GobError(`gob: ${String(value)} is not a uint64`);
    if (n < 128n) {
      this.room(1);
      this.buffer[this.length++] = Number(n);
      return;
    }
    const bytes: number[] = [];
    for (let rest = n; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
    this.room(1 + bytes.length);
    this.buffer[this.length++] = 256 - bytes.length;
    for (const byte of bytes) this.buffer[this.length++] = byte;
  }

  int(value: number | bigint): void {
    const n = BigInt(value);
    if (n < -(1n << 63n) || n >= 1n << 63n) throw new GobError(`gob: ${String(value)} is not an int64`);
    this.uint(n < 0n ? ((-n - 1n) << 1n) | 1n : n << 1n);
  }

  bytes(value: Uint8Array): void {
    this.uint(value.length);
    this.room(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
  }

  take(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}

/**
 * One side's encoder for one stream: assigns type ids in the order Go does (a struct, then its
 * fields' types, depth first) and sends each definition once, before the first value of its type.
 */
export class GobEncoder {
  private readonly ids = new Map<GobType, number>();
  private readonly sent = new Set<GobType>();
  private nextId = FIRST_USER_ID;

  /** The messages that carry `value` of `type` (a struct), with any definitions not yet sent. */
  encode(type: GobType, value: Readonly<Record<string, unknown>>): Buffer {
    if (type.kind !== "struct") throw new GobError("gob: only structs are sent at the top level");
    this.assign(type);
    const out = new Writer();
    this.define(type, out);
    const message = new Writer();
    message.int(this.idOf(type));
    this.value(type, value, message);
    out.bytes(message.take());
    return Buffer.from(out.take());
  }

  private idOf(type: GobType): number {
    if (type.kind === "slice" || type.kind === "struct") {
      const id = this.ids.get(type);
      if (id === undefined) throw new GobError(`gob: type ${type.name} has no id`);
      return id;
    }
    return BUILTIN[type.kind];
  }

  private assign(type: GobType): void {
    if (type.kind === "slice") {
      if (type.elem.kind === "bytes" || this.ids.has(type)) return;
      this.ids.set(type, this.nextId++);
      this.assign(type.elem);
    } else if (type.kind === "struct") {
      if (this.ids.has(type)) return;
      this.ids.set(type, this.nextId++);
      for (const field of type.fields) this.assign(field.type);
    }
  }

  /** Sends the definition of `type` and then of the types it uses, each once (Go's sendType). */
  private define(type: GobType, out: Writer): void {
    if ((type.kind !== "slice" && type.kind !== "struct") || this.sent.has(type)) return;
    this.sent.add(type);
    const message = new Writer();
    const id = this.idOf(type);
    message.int(-id);
    // wireType{SliceT *sliceType (field 1); StructT *structType (field 2)}; CommonType{Name; Id}.
    const common = (name: string): void => {
      message.uint(1); // CommonType, the first field of sliceType and structType
      if (name !== "") {
        message.uint(1);
        message.bytes(Buffer.from(name));
        message.uint(1);
      } else {
        message.uint(2);
      }
      message.int(id);
      message.uint(0);
    };
    if (type.kind === "slice") {
      message.uint(2);
      common(type.name);
      message.uint(1);
      message.int(this.idOf(type.elem));
      message.uint(0);
    } else {
      message.uint(3);
      common(type.name);
      if (type.fields.length > 0) {
        message.uint(1);
        message.uint(type.fields.length);
        for (const field of type.fields) {
          message.uint(1);
          message.bytes(Buffer.from(field.name));
          message.uint(1);
          message.int(this.idOf(field.type));
          message.uint(0);
        }
      }
      message.uint(0);
    }
    message.uint(0);
    out.bytes(message.take());
    if (type.kind === "slice") this.define(type.elem, out);
    else for (const field of type.fields) this.define(field.type, out);
  }

  /** A struct's fields: only those with a non-zero value, each as the delta from the last one sent. */
  private value(type: GobType & { kind: "struct" }, value: Readonly<Record<string, unknown>>, out: Writer): void {
    let last = -1;
    type.fields.forEach((field, index) => {
      const fieldValue = value[field.name];
      if (isZero(field.type, fieldValue)) return;
      out.uint(index - last);
      last = index;
      this.element(field.type, fieldValue, out);
    });
    out.uint(0);
  }

  private element(type: GobType, value: unknown, out: Writer): void {
    switch (type.kind) {
      case "bool":
        out.uint(value === true ? 1 : 0);
        return;
      case "int":
        out.int(expectInteger(value));
        return;
      case "uint":
        out.uint(expectInteger(value));
        return;
      case "float":
        out.uint(floatBits(expect(value, "number", "a number")));
        return;
      case "string":
        out.bytes(Buffer.from(expect(value, "string", "a string")));
        return;
      case "bytes":
        if (!(value instanceof Uint8Array)) throw new GobError("gob: expected bytes");
        out.bytes(value);
        return;
      case "slice": {
        if (!Array.isArray(value)) throw new GobError(`gob: expected an array for ${type.name}`);
        out.uint(value.length);
        for (const item of value as unknown[]) this.element(type.elem, item, out);
        return;
      }
      case "struct":
        if (typeof value !== "object" || value === null) throw new GobError(`gob: expected an object for ${type.name}`);
        this.value(type, value as Record<string, unknown>, out);
        return;
    }
  }
}

function isZero(type: GobType, value: unknown): boolean {
  if (value === undefined || value === null) return true;
  switch (type.kind) {
    case "bool":
      return value === false;
    case "int":
    case "uint":
    case "float":
      return value === 0 || value === 0n;
    case "string":
      return value === "";
    case "bytes":
    case "slice":
      return (value as { length?: number }).length === 0;
    case "struct":
      return false;
  }
}

function expect<T extends "number" | "string">(value: unknown, type: T, what: string): T extends "number" ? number : string {
  if (typeof value !== type) throw new GobError(`gob: expected ${what}`);
  return value as T extends "number" ? number : string;
}

function expectInteger(value: unknown): number | bigint {
  if (typeof value === "bigint" || (typeof value === "number" && Number.isInteger(value))) return value;
  throw new GobError("gob: expected an integer");
}

/** Go sends a float64 as the uint of its bits with the bytes reversed, so that small exponents are short. */
function floatBits(value: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0, true);
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** One message being read: every read is bounded by its end. */
class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  get left(): number {
    return this.bytes.length - this.offset;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new GobError("gob: a message ends in the middle of a value");
    return this.bytes[this.offset++] ?? 0;
  }

  uintBig(): bigint {
    const first = this.byte();
    if (first < 128) return BigInt(first);
    const count = 256 - first;
    if (count > 8) throw new GobError(`gob: an unsigned integer of ${String(count)} bytes`);
    let value = 0n;
    for (let i = 0; i < count; i++) value = (value << 8n) | BigInt(this.byte());
    return value;
  }

  /** A uint that must fit a JS number (lengths, counts, deltas). */
  uint(): number {
    const value = this.uintBig();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new GobError(`gob: ${String(value)} is too large here`);
    return Number(value);
  }

  intBig(): bigint {
    const u = this.uintBig();
    return (u & 1n) === 1n ? -(u >> 1n) - 1n : u >> 1n;
  }

  int(): number {
    const value = this.intBig();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new GobError(`gob: ${String(value)} is too large here`);
    }
    return Number(value);
  }

  /** A length that must fit in what is left of the message. */
  count(what: string): number {
    const n = this.uint();
    if (n > this.left) throw new GobError(`gob: ${what} of ${String(n)} exceeds the ${String(this.left)} bytes left in the message`);
    return n;
  }

  bytesOf(n: number): Uint8Array {
    const out = this.bytes.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
}

/** One value read from a stream: its type id (the sender's) and the value. */
export interface GobMessage {
  readonly typeId: number;
  /** The name the sender gave the type ("" for an unnamed struct or a builtin). */
  readonly typeName: string;
  /** Whether the type is a struct (the value is then a GobStruct). */
  readonly isStruct: boolean;
  readonly value: GobValue;
}

/**
 * One side's decoder for one stream. Feed it bytes as they arrive (`push`), then take whole values
 * (`next`): type definitions are read and kept on the way, never returned.
 */
export class GobDecoder {
  /** Received bytes live in buffer[start, end); it doubles when full, so a big reply costs linear time. */
  private buffer: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private readonly types = new Map<number, WireType>();

  constructor(private readonly maxMessage = MAX_MESSAGE) {}

  /** Bytes received and not yet part of a whole message. */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buffer.length) {
      const held = this.end - this.start;
      const size = Math.max(held + chunk.length, this.buffer.length * 2, 4096);
      const next = size > this.buffer.length ? Buffer.allocUnsafe(size) : this.buffer;
      this.buffer.copy(next, 0, this.start, this.end);
      this.buffer = next;
      this.start = 0;
      this.end = held;
    }
    this.buffer.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** The next value, or undefined until its whole message has arrived. Throws GobError on malformed input. */
  next(): GobMessage | undefined {
    for (;;) {
      const message = this.takeMessage();
      if (message === undefined) return undefined;
      const reader = new Reader(message);
      const id = reader.int();
      if (id < 0) {
        this.define(-id, reader);
        continue;
      }
      const type = this.lookup(id);
      if (type.kind !== "struct") {
        // A top-level value that is not a struct is a "singleton": a zero delta, then the value.
        if (reader.uint() !== 0) throw new GobError("gob: a non-struct value without its zero field delta");
      }
      const value = this.decode(id, reader, 0);
      if (reader.left !== 0) throw new GobError(`gob: ${String(reader.left)} bytes left over after a value`);
      const typeName = type.kind === "struct" || type.kind === "opaque" ? type.name : "";
      return { typeId: id, typeName, isStruct: type.kind === "struct", value };
    }
  }

  /** The next whole message's bytes, without its length, or undefined if it has not all arrived. */
  private takeMessage(): Uint8Array | undefined {
    const buffer = this.buffer.subarray(this.start, this.end);
    if (buffer.length === 0) return undefined;
    const first = buffer[0] ?? 0;
    let length: number;
    let header: number;
    if (first < 128) {
      length = first;
      header = 1;
    } else {
      const count = 256 - first;
      if (count > 8) throw new GobError(`gob: a message length of ${String(count)} bytes`);
      if (buffer.length < 1 + count) return undefined;
      length = 0;
      for (let i = 1; i <= count; i++) {
        length = length * 256 + (buffer[i] ?? 0);
        if (length > this.maxMessage) break;
      }
      header = 1 + count;
    }
    if (length > this.maxMessage) {
      throw new GobError(`gob: a message of ${String(length)} bytes is over the ${String(this.maxMessage)}-byte limit`);
    }
    if (length === 0) throw new GobError("gob: an empty message");
    if (buffer.length < header + length) return undefined;
    const message = buffer.subarray(header, header + length);
    this.start += header + length;
    if (this.start === this.end) this.start = this.end = 0;
    return message;
  }

  private lookup(id: number): WireType {
    const builtin = builtinType(id);
    if (builtin !== undefined) return builtin;
    const type = this.types.get(id);
    if (type === undefined) throw new GobError(`gob: a value of type id ${String(id)}, which was never defined`);
    return type;
  }

  /** Reads a `wireType` (Go's own struct, decoded by hand: its shape is fixed by the format). */
  private define(id: number, reader: Reader): void {
    if (id < FIRST_USER_ID) throw new GobError(`gob: a definition of the reserved type id ${String(id)}`);
    if (this.types.has(id)) throw new GobError(`gob: type id ${String(id)} defined twice`);
    let type: WireType | undefined;
    let field = -1;
    for (;;) {
      const delta = reader.uint();
      if (delta === 0) break;
      field += delta;
      if (type !== undefined) throw new GobError(`gob: the definition of type id ${String(id)} has more than one kind`);
      type = this.wireKind(field, reader);
    }
    if (reader.left !== 0) throw new GobError(`gob: ${String(reader.left)} bytes left over after a type definition`);
    if (type === undefined) throw new GobError(`gob: the definition of type id ${String(id)} is empty`);
    this.types.set(id, type);
  }

  /** One alternative of wireType: 0 ArrayT, 1 SliceT, 2 StructT, 3 MapT, 4–6 the marshaler kinds. */
  private wireKind(kind: number, reader: Reader): WireType {
    // Each alternative is a struct whose field 0 is CommonType{Name string; Id int}; the rest by kind.
    switch (kind) {
      case 0: {
        const d = readDefinition(reader, ["common", "int", "int"]);
        return { kind: "array", elem: d.ints[1] ?? 0, len: d.ints[2] ?? 0 };
      }
      case 1: {
        const d = readDefinition(reader, ["common", "int"]);
        return { kind: "slice", elem: d.ints[1] ?? 0 };
      }
      case 2: {
        const d = readDefinition(reader, ["common", "fields"]);
        return { kind: "struct", name: d.name, fields: d.fields };
      }
      case 3: {
        const d = readDefinition(reader, ["common", "int", "int"]);
        return { kind: "map", key: d.ints[1] ?? 0, elem: d.ints[2] ?? 0 };
      }
      case 4:
      case 5:
      case 6:
        return { kind: "opaque", name: readDefinition(reader, ["common"]).name };
      default:
        throw new GobError(`gob: a type definition of unknown kind ${String(kind)}`);
    }
  }

  private decode(id: number, reader: Reader, depth: number): GobValue {
    if (depth > MAX_DEPTH) throw new GobError(`gob: values nested more than ${String(MAX_DEPTH)} deep`);
    const type = this.lookup(id);
    switch (type.kind) {
      case "builtin":
        return this.builtin(type.id, reader, depth);
      case "slice": {
        const n = reader.count("a slice");
        const items: GobValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.decode(type.elem, reader, depth + 1));
        return items;
      }
      case "array": {
        const n = reader.count("an array");
        if (n !== type.len) throw new GobError(`gob: an array of ${String(n)} elements where its type has ${String(type.len)}`);
        const items: GobValue[] = [];
        for (let i = 0; i < n; i++) items.push(this.decode(type.elem, reader, depth + 1));
        return items;
      }
      case "map": {
        const n = reader.count("a map");
        const map = new Map<GobValue, GobValue>();
        for (let i = 0; i < n; i++) map.set(this.decode(type.key, reader, depth + 1), this.decode(type.elem, reader, depth + 1));
        return map;
      }
      case "struct": {
        const value: Record<string, GobValue> = {};
        for (const field of type.fields) value[field.name] = this.zero(field.id, depth + 1);
        let index = -1;
        for (;;) {
          const delta = reader.uint();
          if (delta === 0) break;
          index += delta;
          const field = type.fields[index];
          if (field === undefined)
            throw new GobError(`gob: field ${String(index)} of struct ${type.name || "{}"}, which has ${String(type.fields.length)}`);
          value[field.name] = this.decode(field.id, reader, depth + 1);
        }
        return value;
      }
      case "opaque":
        return Buffer.from(reader.bytesOf(reader.count("a marshaled value")));
    }
  }

  private builtin(id: number, reader: Reader, depth: number): GobValue {
    switch (id) {
      case BUILTIN.bool: {
        const value = reader.uint();
        if (value > 1) throw new GobError(`gob: a bool of ${String(value)}`);
        return value === 1;
      }
      case BUILTIN.int: {
        const value = reader.intBig();
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      case BUILTIN.uint: {
        const value = reader.uintBig();
        return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
      }
      case BUILTIN.float:
        return bitsFloat(reader.uintBig());
      case BUILTIN.bytes:
        return Buffer.from(reader.bytesOf(reader.count("a byte slice")));
      case BUILTIN.string:
        return Buffer.from(reader.bytesOf(reader.count("a string"))).toString("utf8");
      case BUILTIN.complex:
        return { complex: [bitsFloat(reader.uintBig()), bitsFloat(reader.uintBig())] };
      case BUILTIN.interface: {
        const name = Buffer.from(reader.bytesOf(reader.count("an interface's name"))).toString("utf8");
        if (name === "") return { interface: "", value: null };
        const concrete = reader.int();
        const inner = new Reader(reader.bytesOf(reader.count("an interface's value")));
        if (this.lookup(concrete).kind !== "struct" && inner.uint() !== 0) {
          throw new GobError("gob: an interface's value without its zero field delta");
        }
        const value = this.decode(concrete, inner, depth + 1);
        if (inner.left !== 0) throw new GobError(`gob: ${String(inner.left)} bytes left over in an interface's value`);
        return { interface: name, value };
      }
      default:
        throw new GobError(`gob: no builtin type id ${String(id)}`);
    }
  }

  /** The zero value of a type, for a struct field the sender left out. Unknown ids stay unresolved: "". */
  private zero(id: number, depth: number): GobValue {
    if (depth > MAX_DEPTH) throw new GobError(`gob: types nested more than ${String(MAX_DEPTH)} deep`);
    const builtin = builtinType(id);
    if (builtin !== undefined) {
      switch (id) {
        case BUILTIN.bool:
          return false;
        case BUILTIN.int:
        case BUILTIN.uint:
        case BUILTIN.float:
          return 0;
        case BUILTIN.bytes:
          return Buffer.alloc(0);
        case BUILTIN.string:
          return "";
        case BUILTIN.complex:
          return { complex: [0, 0] };
        default:
          return { interface: "", value: null };
      }
    }
    const type = this.types.get(id);
    if (type === undefined) throw new GobError(`gob: a struct field of type id ${String(id)}, which was never defined`);
    switch (type.kind) {
      case "slice":
      case "array":
        return [];
      case "map":
        return new Map();
      case "opaque":
        return Buffer.alloc(0);
      case "struct": {
        const value: Record<string, GobValue> = {};
        for (const field of type.fields) value[field.name] = this.zero(field.id, depth + 1);
        return value;
      }
      case "builtin":
        return this.zero(type.id, depth + 1);
    }
  }
}

function builtinType(id: number): WireType | undefined {
  return id >= BUILTIN.bool && id <= BUILTIN.interface ? { kind: "builtin", id } : undefined;
}

function bitsFloat(bits: bigint): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, bits & 0xffff_ffff_ffff_ffffn, true);
  return view.getFloat64(0);
}

/** One of gob's own definition structs (arrayType, sliceType, ...), read by its known layout. */
function readDefinition(
  reader: Reader,
  layout: readonly ("common" | "int" | "fields")[],
): { name: string; ints: number[]; fields: { name: string; id: number }[] } {
  const out = { name: "", ints: [] as number[], fields: [] as { name: string; id: number }[] };
  let index = -1;
  for (;;) {
    const delta = reader.uint();
    if (delta === 0) return out;
    index += delta;
    const slot = layout[index];
    if (slot === "common") out.name = readNameAndId(reader).name;
    else if (slot === "int") out.ints[index] = reader.int();
    else if (slot === "fields") {
      const n = reader.count("a field list");
      for (let i = 0; i < n; i++) out.fields.push(readNameAndId(reader));
    } else throw new GobError(`gob: field ${String(index)} of a type definition, which has ${String(layout.length)}`);
  }
}

/** CommonType{Name string; Id int} and fieldType{Name string; Id int}: the same shape. */
function readNameAndId(reader: Reader): { name: string; id: number } {
  const out = { name: "", id: 0 };
  let index = -1;
  for (;;) {
    const delta = reader.uint();
    if (delta === 0) return out;
    index += delta;
    if (index === 0) out.name = Buffer.from(reader.bytesOf(reader.count("a name"))).toString("utf8");
    else if (index === 1) out.id = reader.int();
    else throw new GobError(`gob: field ${String(index)} of a name-and-id struct, which has 2`);
  }
}
