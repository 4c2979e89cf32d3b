// The small part of ASN.1 DER that PKCS#10 requests and X.509 certificates need: an encoder that
// builds values from parts, and a reader that walks a DER buffer without copying it. Enough for
// CertificationRequest, TBSCertificate, Name and the extensions the TLS interface uses; not a
// general ASN.1 library (no indefinite lengths, no BER: DER is all either side writes).

/** A DER-encoding failure or a buffer that is not the DER this reader expects. */
export class DerError extends Error {
  override name = "DerError";
}

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  utf8String: 0x0c,
  printableString: 0x13,
  teletexString: 0x14,
  ia5String: 0x16,
  utcTime: 0x17,
  generalizedTime: 0x18,
  universalString: 0x1c,
  bmpString: 0x1e,
  sequence: 0x30,
  set: 0x31,
} as const;

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

function lengthBytes(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** One TLV: `tag`, DER length, `content`. */
export function tlv(tag: number, ...content: readonly Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Buffer.concat([Uint8Array.of(tag), lengthBytes(body.length), body]);
}

export const der = {
  sequence: (...items: readonly Uint8Array[]): Uint8Array => tlv(TAG.sequence, ...items),
  /** A SET OF: DER sorts the encoded elements. */
  setOf: (...items: readonly Uint8Array[]): Uint8Array => tlv(TAG.set, ...[...items].sort((a, b) => Buffer.compare(a, b))),
  boolean: (value: boolean): Uint8Array => tlv(TAG.boolean, Uint8Array.of(value ? 0xff : 0)),
  null: (): Uint8Array => tlv(TAG.null),
  /** A non-negative INTEGER from its big-endian magnitude (a 0 byte is added when the top bit is set). */
  unsigned(magnitude: Uint8Array): Uint8Array {
    let start = 0;
    while (start < magnitude.length - 1 && magnitude[start] === 0) start += 1;
    const trimmed = magnitude.subarray(start);
    const needsPad = trimmed.length === 0 || (trimmed[0] ?? 0) >= 0x80;
    return tlv(TAG.integer, needsPad ? Uint8Array.of(0) : new Uint8Array(0), trimmed);
  },
  smallInteger(value: number): Uint8Array {
    if (!Number.isInteger(value) || value < 0 || value > 127) throw new DerError(`small integer out of range: ${value}`);
    return tlv(TAG.integer, Uint8Array.of(value));
  },
  oid(dotted: string): Uint8Array {
    return tlv(TAG.oid, encodeOid(dotted));
  },
  octetString: (bytes: Uint8Array): Uint8Array => tlv(TAG.octetString, bytes),
  /** A BIT STRING whose last `unusedBits` bits are padding. */
  bitString: (bytes: Uint8Array, unusedBits = 0): Uint8Array => tlv(TAG.bitString, Uint8Array.of(unusedBits), bytes),
  utf8: (text: string): Uint8Array => tlv(TAG.utf8String, Buffer.from(text, "utf8")),
  printable: (text: string): Uint8Array => tlv(TAG.printableString, Buffer.from(text, "latin1")),
  ia5: (text: string): Uint8Array => tlv(TAG.ia5String, Buffer.from(text, "latin1")),
  /** UTCTime before 2050, GeneralizedTime from then on (RFC 5280 4.1.2.5), to the second. */
  time(date: Date): Uint8Array {
    const iso = date.toISOString(); // 2026-12-01T20:30:00.000Z
    const digits = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
    return date.getUTCFullYear() < 2050
      ? tlv(TAG.utcTime, Buffer.from(digits.slice(2), "latin1"))
      : tlv(TAG.generalizedTime, Buffer.from(digits, "latin1"));
  },
  /** A context-specific tag `[n]`: constructed (EXPLICIT, or IMPLICIT of a constructed type) or primitive. */
  context: (n: number, constructed: boolean, ...content: readonly Uint8Array[]): Uint8Array =>
    tlv((constructed ? 0xa0 : 0x80) | n, ...content),
};

function encodeOid(dotted: string): Uint8Array {
  const arcs = dotted.split(".").map((arc) => {
    if (!/^\d+$/.test(arc)) throw new DerError(`not an object identifier: ${JSON.stringify(dotted)}`);
    return BigInt(arc);
  });
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined || first > 2n || (first < 2n && second > 39n)) {
    throw new DerError(`not an object identifier: ${JSON.stringify(dotted)}`);
  }
  const out: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let n = arc >> 7n; n > 0n; n >>= 7n) chunk.unshift(Number(n & 0x7fn) | 0x80);
    out.push(...chunk);
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Reading
// ---------------------------------------------------------------------------------------------

/** One TLV inside a buffer: its tag, where its content is, and the whole encoding. */
export class DerNode {
  constructor(
    readonly buffer: Uint8Array,
    readonly tag: number,
    /** Offset of the first byte of the TLV. */
    readonly start: number,
    readonly contentStart: number,
    readonly end: number,
  ) {}

  /** The node at `offset` of `buffer` (the whole buffer must be that one node when `whole`). */
  static read(buffer: Uint8Array, offset = 0, limit = buffer.length): DerNode {
    if (offset + 2 > limit) throw new DerError("truncated DER value");
    const tag = buffer[offset] ?? 0;
    if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte DER tags are not supported");
    let length = buffer[offset + 1] ?? 0;
    let contentStart = offset + 2;
    if (length === 0x80) throw new DerError("indefinite lengths are not DER");
    if (length > 0x80) {
      const count = length & 0x7f;
      if (count > 4 || contentStart + count > limit) throw new DerError("bad DER length");
      length = 0;
      for (let i = 0; i < count; i += 1) length = length * 256 + (buffer[contentStart + i] ?? 0);
      contentStart += count;
    }
    const end = contentStart + length;
    if (end > limit) throw new DerError("DER value runs past its container");
    return new DerNode(buffer, tag, offset, contentStart, end);
  }

  /** Parses a buffer that must hold exactly one DER value. */
  static parse(buffer: Uint8Array): DerNode {
    const node = DerNode.read(buffer);
    if (node.end !== buffer.length) throw new DerError("trailing bytes after the DER value");
    return node;
  }

  get content(): Uint8Array {
    return this.buffer.subarray(this.contentStart, this.end);
  }

  /** The TLV's own bytes, tag and length included. */
  get encoded(): Uint8Array {
    return this.buffer.subarray(this.start, this.end);
  }

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }

  children(): DerNode[] {
    if (!this.constructed) throw new DerError(`tag 0x${this.tag.toString(16)} is not a constructed value`);
    const out: DerNode[] = [];
    for (let offset = this.contentStart; offset < this.end;) {
      const child = DerNode.read(this.buffer, offset, this.end);
      out.push(child);
      offset = child.end;
    }
    return out;
  }

  /** The children, checking this node's tag first. */
  expect(tag: number, what: string): this {
    if (this.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${this.tag.toString(16)}`);
    return this;
  }

  oid(): string {
    this.expect(TAG.oid, "object identifier");
    const bytes = this.content;
    const arcs: bigint[] = [];
    let value = 0n;
    for (const byte of bytes) {
      value = (value << 7n) | BigInt(byte & 0x7f);
      if ((byte & 0x80) === 0) {
        arcs.push(value);
        value = 0n;
      }
    }
    const [head, ...rest] = arcs;
    if (head === undefined) throw new DerError("empty object identifier");
    const first = head < 80n ? head / 40n : 2n;
    return [first, head - first * 40n, ...rest].join(".");
  }

  /** A directory string (UTF8String, PrintableString, IA5String, T61, BMP, Universal) as text. */
  text(): string {
    const content = Buffer.from(this.content);
    switch (this.tag) {
      case TAG.utf8String:
        return content.toString("utf8");
      case TAG.printableString:
      case TAG.ia5String:
      case TAG.teletexString:
        return content.toString("latin1");
      case TAG.bmpString:
        return Buffer.from(content).swap16().toString("utf16le");
      case TAG.universalString: {
        let text = "";
        for (let i = 0; i + 3 < content.length; i += 4) text += String.fromCodePoint(content.readUInt32BE(i));
        return text;
      }
      default:
        throw new DerError(`tag 0x${this.tag.toString(16)} is not a string`);
    }
  }

  boolean(): boolean {
    this.expect(TAG.boolean, "boolean");
    return (this.content[0] ?? 0) !== 0;
  }

  /** The bits of a BIT STRING (its unused-bits byte dropped). */
  bits(): Uint8Array {
    this.expect(TAG.bitString, "bit string");
    return this.content.subarray(1);
  }

  time(): Date {
    const text = Buffer.from(this.content).toString("latin1");
    const match =
      this.tag === TAG.utcTime
        ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
        : this.tag === TAG.generalizedTime
          ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
          : null;
    if (match === null) throw new DerError(`not a DER time: ${JSON.stringify(text)}`);
    const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
    const year = this.tag === TAG.utcTime ? (y >= 50 ? 1900 + y : 2000 + y) : y;
    return new Date(Date.UTC(year, mo - 1, d, h, mi, s));
  }
}
