// The .xz container around LZMA2 data, as Python's `lzma.compress` writes it by default (one
// stream, one block, the LZMA2 filter, a CRC64 check), and `cosl.LZMABase64`'s base64 of it:
// what cos_agent carries dashboards in. Built from the .xz file format specification: stream
// header and footer, block header, index, CRC32 over the headers, CRC64 over the data.
//
// The bytes differ from liblzma's (another encoder makes other choices) but every xz decoder
// reads them back to the same input.

import { LzmaEncoder, windowBitsFor } from "./lzma.js";

const MAGIC = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
const FOOTER_MAGIC = [0x59, 0x5a];
/** Stream flags: check type 4, CRC64. */
const FLAGS = [0x00, 0x04];
const LZMA2_FILTER = 0x21;
/** LZMA2 chunk limits: 2 MiB of input, 64 KiB of output. */
const MAX_UNPACKED = 1 << 21;
const MAX_PACKED = 1 << 16;
/** The LZMA properties byte for lc=3, lp=0, pb=2. */
const LZMA_PROPS = (2 * 5 + 0) * 9 + 3;

let crc32Table: Uint32Array | undefined;
let crc64Tables: { hi: Uint32Array; lo: Uint32Array } | undefined;

/** CRC32 (the IEEE polynomial, reflected), as xz uses for its headers and index. */
export function crc32(bytes: ArrayLike<number>): number {
  const table = (crc32Table ??= makeCrc32Table());
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = (table[(crc ^ (bytes[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function makeCrc32Table(): Uint32Array {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
}

/** CRC64 (ECMA-182, reflected), the check of the block's data, as 8 little-endian bytes. */
export function crc64(bytes: Uint8Array): Uint8Array {
  const { hi: thi, lo: tlo } = (crc64Tables ??= makeCrc64Tables());
  let hi = 0xffffffff;
  let lo = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) {
    const index = (lo ^ (bytes[i] as number)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ (tlo[index] as number);
    hi = (hi >>> 8) ^ (thi[index] as number);
  }
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  view.setUint32(0, ~lo >>> 0, true);
  view.setUint32(4, ~hi >>> 0, true);
  return out;
}

function makeCrc64Tables(): { hi: Uint32Array; lo: Uint32Array } {
  // The reflected polynomial 0xC96C5795D7870F42 in two halves.
  const polyHi = 0xc96c5795;
  const polyLo = 0xd7870f42;
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const odd = l & 1;
      l = ((l >>> 1) | (h << 31)) >>> 0;
      h = h >>> 1;
      if (odd) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return { hi, lo };
}

/** xz's variable-length integer: 7 bits a byte, low bits first. */
function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function pad4(parts: number[]): number[] {
  while (parts.length % 4 !== 0) parts.push(0);
  return parts;
}

/** The dictionary-size byte of the LZMA2 filter for a dictionary of 2^bits bytes (bits ≥ 12). */
function dictionaryProperty(bits: number): number {
  return (bits - 12) * 2;
}

/** LZMA2 data for `data`: LZMA chunks, or stored chunks where compression does not pay; then the end marker. */
function lzma2(data: Uint8Array, windowBits: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const encoder = new LzmaEncoder(data, windowBits);
  let pos = 0;
  let first = true;
  // After a stored chunk that reset the dictionary, the next LZMA chunk must carry properties.
  let needProps = true;
  while (pos < data.length) {
    const { end, packed } = encoder.chunk(pos, MAX_UNPACKED, MAX_PACKED);
    const unpacked = end - pos;
    if (packed.length + 6 >= unpacked + 3 * Math.ceil(unpacked / 0x10000)) {
      for (let at = pos; at < end; at += 0x10000) {
        const size = Math.min(0x10000, end - at);
        out.push(Uint8Array.of(first ? 0x01 : 0x02, (size - 1) >>> 8, (size - 1) & 0xff), data.subarray(at, at + size));
        first = false;
      }
    } else {
      // 0xe0: dictionary reset, new properties, state reset; 0xc0: new properties and state; 0xa0: state.
      const control = first ? 0xe0 : needProps ? 0xc0 : 0xa0;
      const u = unpacked - 1;
      const p = packed.length - 1;
      const header = [control | (u >>> 16), (u >>> 8) & 0xff, u & 0xff, p >>> 8, p & 0xff];
      if (control >= 0xc0) header.push(LZMA_PROPS);
      out.push(Uint8Array.from(header), packed);
      first = false;
      needProps = false;
    }
    pos = end;
  }
  out.push(Uint8Array.of(0x00));
  return out;
}

/** `data` as an .xz file: what Python's `lzma.compress(data)` decodes from, check CRC64. */
export function xzCompress(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  const streamHeader = [...MAGIC, ...FLAGS, ...le32(crc32(FLAGS))];
  parts.push(Uint8Array.from(streamHeader));
  const records: number[] = [];
  let count = 0;
  if (data.length > 0) {
    const windowBits = windowBitsFor(data.length);
    const filter = [0x00, LZMA2_FILTER, 0x01, dictionaryProperty(windowBits)];
    const body = pad4([0, ...filter]);
    body[0] = (body.length + 4) / 4 - 1;
    const blockHeader = [...body, ...le32(crc32(body))];
    const chunks = lzma2(data, windowBits);
    const compressed = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
    parts.push(Uint8Array.from(blockHeader), ...chunks, new Uint8Array((4 - (compressed % 4)) % 4), crc64(data));
    records.push(...varint(blockHeader.length + compressed + 8), ...varint(data.length));
    count = 1;
  }
  const index = pad4([0x00, ...varint(count), ...records]);
  index.push(...le32(crc32(index)));
  parts.push(Uint8Array.from(index));
  const backward = [...le32(index.length / 4 - 1), ...FLAGS];
  parts.push(Uint8Array.from([...le32(crc32(backward)), ...backward, ...FOOTER_MAGIC]));
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `cosl.LZMABase64.compress`: the UTF-8 text, xz-compressed, in base64. */
export function lzmaBase64(text: string): string {
  return Buffer.from(xzCompress(new TextEncoder().encode(text))).toString("base64");
}
