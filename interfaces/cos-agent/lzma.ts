// An LZMA encoder for LZMA2 chunks (lc=3, lp=0, pb=2): a range coder, the LZMA probability
// model, and a lazy hash-chain match finder. Written from the LZMA format description (the
// decoder's model is the spec: what the encoder writes is what xz's decoder reads back).
//
// Each chunk it encodes starts from a reset state (the LZMA2 control byte says so) but keeps the
// dictionary: matches may reach back into earlier chunks. Tables are made on first use.

const PROB_INIT = 1024;
const MIN_MATCH = 2;
const MAX_MATCH = 273;
const NICE_MATCH = 96;
const CHAIN_DEPTH = 32;
const HASH_BITS = 16;

/** The range coder of one LZMA2 chunk: its output grows in `out` from byte 0. */
class RangeEncoder {
  low = 0;
  range = 0xffffffff;
  private cache = 0;
  private cacheSize = 1;
  out: number[] = [];

  bit(probs: Uint16Array, index: number, bit: number): void {
    const p = probs[index] as number;
    const bound = (this.range >>> 11) * p;
    if (bit === 0) {
      this.range = bound;
      probs[index] = p + ((2048 - p) >>> 5);
    } else {
      this.low += bound;
      this.range -= bound;
      probs[index] = p - (p >>> 5);
    }
    while (this.range < 0x1000000) {
      this.range = (this.range * 256) >>> 0;
      this.shiftLow();
    }
  }

  direct(value: number, count: number): void {
    for (let i = count - 1; i >= 0; i--) {
      this.range >>>= 1;
      if (((value >>> i) & 1) === 1) this.low += this.range;
      while (this.range < 0x1000000) {
        this.range = (this.range * 256) >>> 0;
        this.shiftLow();
      }
    }
  }

  /** The bytes it would take to flush now. */
  get size(): number {
    return this.out.length + this.cacheSize + 4;
  }

  flush(): Uint8Array {
    for (let i = 0; i < 5; i++) this.shiftLow();
    return Uint8Array.from(this.out);
  }

  private shiftLow(): void {
    if (this.low < 0xff000000 || this.low >= 0x100000000) {
      const carry = this.low >= 0x100000000 ? 1 : 0;
      let temp = this.cache;
      do {
        this.out.push((temp + carry) & 0xff);
        temp = 0xff;
      } while (--this.cacheSize !== 0);
      this.cache = (this.low >>> 24) & 0xff;
    }
    this.cacheSize++;
    this.low = (this.low & 0xffffff) * 256;
  }
}

function tree(rc: RangeEncoder, probs: Uint16Array, offset: number, bits: number, value: number): void {
  let m = 1;
  for (let i = bits - 1; i >= 0; i--) {
    const bit = (value >>> i) & 1;
    rc.bit(probs, offset + m, bit);
    m = (m << 1) | bit;
  }
}

function reverseTree(rc: RangeEncoder, probs: Uint16Array, offset: number, bits: number, value: number): void {
  let m = 1;
  for (let i = 0; i < bits; i++) {
    const bit = (value >>> i) & 1;
    rc.bit(probs, offset + m, bit);
    m = (m << 1) | bit;
  }
}

/** A length coder's probabilities: choice, choice2, low[16][8], mid[16][8], high[256]. */
const LEN_LOW = 2;
const LEN_MID = LEN_LOW + 16 * 8;
const LEN_HIGH = LEN_MID + 16 * 8;
const LEN_SIZE = LEN_HIGH + 256;

function encodeLength(rc: RangeEncoder, probs: Uint16Array, length: number, posState: number): void {
  const l = length - MIN_MATCH;
  if (l < 8) {
    rc.bit(probs, 0, 0);
    tree(rc, probs, LEN_LOW + posState * 8, 3, l);
  } else if (l < 16) {
    rc.bit(probs, 0, 1);
    rc.bit(probs, 1, 0);
    tree(rc, probs, LEN_MID + posState * 8, 3, l - 8);
  } else {
    rc.bit(probs, 0, 1);
    rc.bit(probs, 1, 1);
    tree(rc, probs, LEN_HIGH, 8, l - 16);
  }
}

/** The probability model of one LZMA state (reset at every chunk). */
class Model {
  readonly isMatch = new Uint16Array(12 << 4).fill(PROB_INIT);
  readonly isRep = new Uint16Array(12).fill(PROB_INIT);
  readonly isRepG0 = new Uint16Array(12).fill(PROB_INIT);
  readonly isRep0Long = new Uint16Array(12 << 4).fill(PROB_INIT);
  readonly literal = new Uint16Array(0x300 << 3).fill(PROB_INIT);
  readonly posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  readonly posSpecial = new Uint16Array(115).fill(PROB_INIT);
  readonly align = new Uint16Array(16).fill(PROB_INIT);
  readonly matchLen = new Uint16Array(LEN_SIZE).fill(PROB_INIT);
  readonly repLen = new Uint16Array(LEN_SIZE).fill(PROB_INIT);
  state = 0;
  rep0 = 0;
  rep1 = 0;
  rep2 = 0;
  rep3 = 0;
}

/** What one LZMA2 chunk holds: the input it covers and its range-coded bytes. */
export interface LzmaChunk {
  readonly end: number;
  readonly packed: Uint8Array;
}

/**
 * Encodes `data` from `start` into LZMA chunks of at most `maxUnpacked` input bytes and about
 * `maxPacked` output bytes, the match finder remembering everything before `start`.
 */
export class LzmaEncoder {
  private readonly head = new Int32Array(1 << HASH_BITS).fill(-1);
  private readonly chain: Int32Array;
  private inserted = 0;

  constructor(
    private readonly data: Uint8Array,
    private readonly windowBits: number,
  ) {
    this.chain = new Int32Array(1 << windowBits);
  }

  chunk(start: number, maxUnpacked: number, maxPacked: number): LzmaChunk {
    const { data } = this;
    const rc = new RangeEncoder();
    const m = new Model();
    const limit = Math.min(data.length, start + maxUnpacked);
    let pos = start;
    let next = this.find(pos, limit);
    while (pos < limit && rc.size < maxPacked - 64) {
      const posState = pos & 3;
      const stateIndex = (m.state << 4) + posState;
      const repLength = this.matchLength(pos, pos - m.rep0 - 1, Math.min(MAX_MATCH, limit - pos));
      const { length, distance } = next;
      if (repLength >= MIN_MATCH && repLength + 2 >= length) {
        // rep0: the same distance as the last match, cheaper than coding the distance again.
        rc.bit(m.isMatch, stateIndex, 1);
        rc.bit(m.isRep, m.state, 1);
        rc.bit(m.isRepG0, m.state, 0);
        rc.bit(m.isRep0Long, stateIndex, 1);
        encodeLength(rc, m.repLen, repLength, posState);
        m.state = m.state < 7 ? 8 : 11;
        pos += repLength;
        next = this.find(pos, limit);
        continue;
      }
      if (length >= MIN_MATCH) {
        // Lazy: a longer match one byte on wins over this one.
        const later = pos + 1 < limit ? this.find(pos + 1, limit) : { length: 0, distance: 0 };
        if (later.length > length + 1) {
          this.literal(rc, m, pos, stateIndex);
          pos += 1;
          next = later;
          continue;
        }
        rc.bit(m.isMatch, stateIndex, 1);
        rc.bit(m.isRep, m.state, 0);
        encodeLength(rc, m.matchLen, length, posState);
        this.distance(rc, m, distance - 1, length);
        m.rep3 = m.rep2;
        m.rep2 = m.rep1;
        m.rep1 = m.rep0;
        m.rep0 = distance - 1;
        m.state = m.state < 7 ? 7 : 10;
        pos += length;
        next = this.find(pos, limit);
        continue;
      }
      this.literal(rc, m, pos, stateIndex);
      pos += 1;
      next = this.find(pos, limit);
    }
    return { end: pos, packed: rc.flush() };
  }

  private literal(rc: RangeEncoder, m: Model, pos: number, stateIndex: number): void {
    const { data } = this;
    const byte = data[pos] as number;
    const prev = pos > 0 ? (data[pos - 1] as number) : 0;
    const base = 0x300 * (prev >>> 5);
    rc.bit(m.isMatch, stateIndex, 0);
    if (m.state < 7) {
      tree(rc, m.literal, base, 8, byte);
    } else {
      // A literal after a match is coded against the byte at rep0 until the first bit that differs.
      let matchByte = data[pos - m.rep0 - 1] as number;
      let offs = 0x100;
      let symbol = byte | 0x100;
      do {
        matchByte <<= 1;
        rc.bit(m.literal, base + offs + (matchByte & offs) + (symbol >>> 8), (symbol >>> 7) & 1);
        symbol <<= 1;
        offs &= ~(matchByte ^ symbol);
      } while (symbol < 0x10000);
    }
    m.state = m.state < 4 ? 0 : m.state < 10 ? m.state - 3 : m.state - 6;
  }

  private distance(rc: RangeEncoder, m: Model, dist: number, length: number): void {
    const lenState = Math.min(length - MIN_MATCH, 3);
    let slot: number;
    if (dist < 4) slot = dist;
    else {
      const top = 31 - Math.clz32(dist);
      slot = (top << 1) | ((dist >>> (top - 1)) & 1);
    }
    tree(rc, m.posSlot, lenState << 6, 6, slot);
    if (slot < 4) return;
    const footerBits = (slot >>> 1) - 1;
    const base = (2 | (slot & 1)) << footerBits;
    const reduced = dist - base;
    if (slot < 14) {
      reverseTree(rc, m.posSpecial, base - slot - 1, footerBits, reduced);
    } else {
      rc.direct(reduced >>> 4, footerBits - 4);
      reverseTree(rc, m.align, 0, 4, reduced & 15);
    }
  }

  private matchLength(pos: number, from: number, max: number): number {
    if (from < 0) return 0;
    const { data } = this;
    let n = 0;
    while (n < max && data[from + n] === data[pos + n]) n++;
    return n;
  }

  private hash(pos: number): number {
    const { data } = this;
    const h = ((data[pos] as number) << 16) | ((data[pos + 1] as number) << 8) | (data[pos + 2] as number);
    return Math.imul(h, 0x9e3779b1) >>> (32 - HASH_BITS);
  }

  /** The longest match at `pos` (none: length 0), after adding every position up to `pos` to the chains. */
  private find(pos: number, limit: number): { length: number; distance: number } {
    const { data, chain, head } = this;
    const mask = chain.length - 1;
    const window = chain.length - MAX_MATCH;
    while (this.inserted < pos && this.inserted + 2 < data.length) this.insert(this.inserted++);
    const max = Math.min(MAX_MATCH, limit - pos);
    if (max < 3 || pos + 2 >= data.length) return { length: 0, distance: 0 };
    let best = 0;
    let bestDistance = 0;
    let candidate = head[this.hash(pos)] as number;
    if (candidate >= pos) candidate = chain[candidate & mask] as number;
    for (let depth = 0; depth < CHAIN_DEPTH && candidate >= 0 && pos - candidate <= window; depth++) {
      if (data[candidate + best] === data[pos + best]) {
        const length = this.matchLength(pos, candidate, max);
        if (length > best) {
          best = length;
          bestDistance = pos - candidate;
          if (length >= NICE_MATCH || length === max) break;
        }
      }
      const previous = chain[candidate & mask] as number;
      if (previous >= candidate) break;
      candidate = previous;
    }
    if (this.inserted === pos) this.insert(this.inserted++);
    // A short match far away costs more than its literals.
    if (best < 3 || (best === 3 && bestDistance > 1 << 14)) return { length: 0, distance: 0 };
    return { length: best, distance: bestDistance };
  }

  private insert(pos: number): void {
    const h = this.hash(pos);
    this.chain[pos & (this.chain.length - 1)] = this.head[h] as number;
    this.head[h] = pos;
  }
}

/** The largest window the encoder uses for `length` bytes: a power of two, 4 KiB to 8 MiB. */
export function windowBitsFor(length: number): number {
  let bits = 12;
  while (bits < 23 && 1 << bits < length) bits++;
  return bits;
}
