/**
 * Reading the compact encodings embedded in RDB strings: listpack (Redis 7+
 * hashes, sets, sorted sets, list nodes and stream nodes), and the legacy
 * ziplist, zipmap and intset blobs older versions wrote. Every reader checks
 * the blob's structure completely as it walks it (headers, entry bounds,
 * back-lengths, terminator, counts), so a corrupt blob ends in a
 * {@link PackedFormatError}, never in an out-of-range read.
 *
 * Entries come out one at a time through a cursor: `str` is a view into the
 * blob for string entries (copy what you keep), else `int` holds the integer
 * (a bigint outside the safe integer range).
 *
 * @module
 */

import { bytesToBinary } from "../util/bytes.ts";
import { SLAB_MAX_VALUE, SLAB_SIZE } from "../store/size.ts";

/** A compact blob that does not follow its format; the message says what is wrong. */
export class PackedFormatError extends Error {}

function fail(what: string): never {
  throw new PackedFormatError(what);
}

function u16le(b: Uint8Array, p: number): number {
  return b[p] | (b[p + 1] << 8);
}

function u32le(b: Uint8Array, p: number): number {
  return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0;
}

function i64le(b: Uint8Array, p: number): number | bigint {
  const lo = u32le(b, p);
  const hi = b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24);
  // Exact as a number while |value| < 2^53.
  if (hi >= -0x200000 && hi < 0x200000) return hi * 4294967296 + lo;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Shared cursor state: the current entry. */
export abstract class PackedCursor {
  /** Where the current string entry's bytes start in {@link blob}. */
  off = 0;
  /** The current string entry's length, or -1 for an integer entry. */
  len = -1;
  /** The current entry's integer when `len` is -1. */
  int: number | bigint = 0;
  // The current string entry's view, made when asked for.
  private view: Uint8Array | null = null;

  constructor(/** The blob walked. */ readonly blob: Uint8Array) {}

  /** The current entry's bytes (a view into the blob), or null for an integer entry. */
  get str(): Uint8Array | null {
    if (this.len < 0) return null;
    return this.view ??= this.blob.subarray(this.off, this.off + this.len);
  }

  /** Makes `blob[off, off + len)` the current entry (len -1: the integer `int`). */
  protected entry(off: number, len: number): void {
    this.off = off;
    this.len = len;
    this.view = null;
  }

  /** Advances to the next entry; false at the end (after checking the count). */
  abstract next(): boolean;

  /** The current entry as bytes to keep (an integer in decimal). */
  bytes(): Uint8Array {
    return this.len >= 0 ? ownedBytes(this.blob, this.off, this.len) : asciiBytes(String(this.int));
  }

  /** The current entry as a binary string (keyspace form of fields and members). */
  binary(): string {
    return this.len >= 0 ? binaryOf(this.blob, this.off, this.len) : String(this.int);
  }
}

// Small values are carved out of shared slabs, as SET stores them
// (src/store/size.ts): an ArrayBuffer per loaded element is most of the
// loading time and ~100 bytes each.
let slab = new Uint8Array(SLAB_SIZE);
let slabOff = 0;

/** A copy of `src[p, p + n)` to keep: a slab view when small, else its own buffer. */
export function ownedBytes(src: Uint8Array, p: number, n: number): Uint8Array {
  if (n > SLAB_MAX_VALUE) return src.slice(p, p + n);
  if (slabOff + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOff = 0;
  }
  const off = slabOff;
  const s = slab;
  for (let i = 0; i < n; i++) s[off + i] = src[p + i];
  slabOff = off + n;
  return new Uint8Array(s.buffer, off, n);
}

/** Decimal text as bytes to keep. */
export function asciiBytes(text: string): Uint8Array {
  const n = text.length;
  if (slabOff + n > SLAB_SIZE) {
    slab = new Uint8Array(SLAB_SIZE);
    slabOff = 0;
  }
  const off = slabOff;
  const s = slab;
  for (let i = 0; i < n; i++) s[off + i] = text.charCodeAt(i);
  slabOff = off + n;
  return new Uint8Array(s.buffer, off, n);
}

// Reused argument arrays for short strings, one per length.
const CHAR_ARGS_MAX = 64;
const charArgs: number[][] = [];
for (let n = 0; n <= CHAR_ARGS_MAX; n++) charArgs.push(new Array<number>(n).fill(0));

/** `src[p, p + n)` as a binary string, without a view object for short ones. */
export function binaryOf(src: Uint8Array, p: number, n: number): string {
  if (n > CHAR_ARGS_MAX) return bytesToBinary(src.subarray(p, p + n));
  const a = charArgs[n];
  for (let i = 0; i < n; i++) a[i] = src[p + i];
  return String.fromCharCode.apply(null, a);
}

// ---------------------------------------------------------------------------
// Listpack: total bytes (u32), count (u16, 65535 = unknown), entries, 0xFF.
// Each entry is its encoding+data followed by its back-length.

const LP_HDR = 6;

function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** Walks a listpack's entries. */
export class ListpackCursor extends PackedCursor {
  private p = LP_HDR;
  private readonly end: number;
  private seen = 0;
  /** The header's entry count (65535 when unknown). */
  readonly headerCount: number;

  constructor(lp: Uint8Array) {
    super(lp);
    const n = lp.length;
    if (n < LP_HDR + 1) fail("listpack shorter than its header");
    if (u32le(lp, 0) !== n) fail("listpack size does not match its header");
    if (lp[n - 1] !== 0xff) fail("listpack does not end with its terminator");
    this.end = n - 1;
    this.headerCount = u16le(lp, 4);
  }

  /** Whether no entry is left. */
  get done(): boolean {
    return this.p >= this.end;
  }

  next(): boolean {
    const lp = this.blob;
    const p = this.p;
    const end = this.end;
    if (p >= end) {
      if (this.headerCount !== 65535 && this.headerCount !== this.seen) {
        fail("listpack entry count does not match its header");
      }
      return false;
    }
    const b = lp[p];
    let len: number;
    this.entry(0, -1);
    if (b < 0x80) {
      this.int = b;
      len = 1;
    } else if ((b & 0xc0) === 0x80) {
      const sl = b & 0x3f;
      len = 1 + sl;
      if (p + len > end) fail("listpack entry past the end");
      this.entry(p + 1, sl);
    } else if ((b & 0xe0) === 0xc0) {
      if (p + 2 > end) fail("listpack entry past the end");
      const v = ((b & 0x1f) << 8) | lp[p + 1];
      this.int = v >= 4096 ? v - 8192 : v;
      len = 2;
    } else if ((b & 0xf0) === 0xe0) {
      if (p + 2 > end) fail("listpack entry past the end");
      len = 2 + (((b & 0x0f) << 8) | lp[p + 1]);
      if (p + len > end) fail("listpack entry past the end");
      this.entry(p + 2, len - 2);
    } else if (b === 0xf0) {
      if (p + 5 > end) fail("listpack entry past the end");
      len = 5 + u32le(lp, p + 1);
      if (p + len > end) fail("listpack entry past the end");
      this.entry(p + 5, len - 5);
    } else if (b === 0xf1) {
      if (p + 3 > end) fail("listpack entry past the end");
      const v = u16le(lp, p + 1);
      this.int = v >= 0x8000 ? v - 0x10000 : v;
      len = 3;
    } else if (b === 0xf2) {
      if (p + 4 > end) fail("listpack entry past the end");
      const v = lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16);
      this.int = v >= 0x800000 ? v - 0x1000000 : v;
      len = 4;
    } else if (b === 0xf3) {
      if (p + 5 > end) fail("listpack entry past the end");
      this.int = u32le(lp, p + 1) | 0;
      len = 5;
    } else if (b === 0xf4) {
      if (p + 9 > end) fail("listpack entry past the end");
      this.int = i64le(lp, p + 1);
      len = 9;
    } else {
      fail(`invalid listpack entry encoding 0x${b.toString(16)}`);
    }
    // The back-length: len in 7-bit groups, read from its last byte backwards.
    const bl = backlenSize(len);
    const q = p + len + bl;
    if (q > end) fail("listpack entry past the end");
    let v = 0;
    let shift = 0;
    let i = q - 1;
    for (;;) {
      const c = lp[i];
      v += (c & 127) * 2 ** shift;
      shift += 7;
      if (!(c & 128)) break;
      if (--i < p + len) fail("listpack entry with a bad back-length");
    }
    if (v !== len || i !== p + len) fail("listpack entry with a bad back-length");
    this.p = q;
    this.seen++;
    return true;
  }

  /** The current entry as a number: an integer entry, or a string holding a decimal integer. */
  intValue(): number | bigint | null {
    if (this.str === null) return this.int;
    const s = this.str;
    // Stream entries are always written as integers; accept decimal text as listpack does.
    if (s.length === 0 || s.length > 20) return null;
    const t = bytesToBinary(s);
    if (!/^-?(0|[1-9][0-9]*)$/.test(t)) return null;
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : BigInt(t);
  }
}

// ---------------------------------------------------------------------------
// Ziplist (RDB types before 7.0): bytes (u32), tail offset (u32), count
// (u16), entries, 0xFF. Each entry: previous entry length (1 byte, or 0xFE
// and a u32), encoding, data.

const ZL_HDR = 10;

/** Walks a ziplist's entries. */
export class ZiplistCursor extends PackedCursor {
  private p = ZL_HDR;
  private readonly end: number;
  private prevLen = 0;
  private lastStart = ZL_HDR;
  private seen = 0;
  private readonly headerCount: number;
  private readonly tail: number;

  constructor(zl: Uint8Array) {
    super(zl);
    const n = zl.length;
    if (n < ZL_HDR + 1) fail("ziplist shorter than its header");
    if (u32le(zl, 0) !== n) fail("ziplist size does not match its header");
    if (zl[n - 1] !== 0xff) fail("ziplist does not end with its terminator");
    this.tail = u32le(zl, 4);
    if (this.tail > n - 1) fail("ziplist tail offset out of range");
    this.headerCount = u16le(zl, 8);
    this.end = n - 1;
  }

  next(): boolean {
    const zl = this.blob;
    const p = this.p;
    const end = this.end;
    if (p >= end) {
      if (this.headerCount !== 65535 && this.headerCount !== this.seen) {
        fail("ziplist entry count does not match its header");
      }
      if (this.tail !== (this.seen === 0 ? ZL_HDR : this.lastStart)) {
        fail("ziplist tail offset does not point at its last entry");
      }
      return false;
    }
    let q = p;
    let prev = zl[q++];
    if (prev === 0xfe) {
      if (q + 4 > end) fail("ziplist entry past the end");
      prev = u32le(zl, q);
      q += 4;
    } else if (prev === 0xff) {
      fail("ziplist entry with a bad previous length");
    }
    if (prev !== this.prevLen) fail("ziplist entry with a wrong previous length");
    if (q >= end) fail("ziplist entry past the end");
    const e = zl[q++];
    this.entry(0, -1);
    let dataLen = 0;
    switch (e >> 6) {
      case 0:
        dataLen = e & 0x3f;
        break;
      case 1:
        if (q + 1 > end) fail("ziplist entry past the end");
        dataLen = ((e & 0x3f) << 8) | zl[q++];
        break;
      case 2:
        if (e !== 0x80) fail("invalid ziplist entry encoding");
        if (q + 4 > end) fail("ziplist entry past the end");
        dataLen = ((zl[q] << 24) | (zl[q + 1] << 16) | (zl[q + 2] << 8) | zl[q + 3]) >>> 0;
        q += 4;
        break;
      default:
        dataLen = -1;
    }
    if (dataLen >= 0) {
      if (q + dataLen > end) fail("ziplist entry past the end");
      this.entry(q, dataLen);
      q += dataLen;
    } else {
      let size: number;
      if (e === 0xc0) size = 2;
      else if (e === 0xd0) size = 4;
      else if (e === 0xe0) size = 8;
      else if (e === 0xf0) size = 3;
      else if (e === 0xfe) size = 1;
      else if (e >= 0xf1 && e <= 0xfd) size = 0;
      else fail("invalid ziplist entry encoding");
      if (q + size > end) fail("ziplist entry past the end");
      if (size === 0) this.int = (e & 0x0f) - 1;
      else if (size === 1) this.int = (zl[q] << 24) >> 24;
      else if (size === 2) this.int = (u16le(zl, q) << 16) >> 16;
      else if (size === 3) this.int = ((zl[q] | (zl[q + 1] << 8) | (zl[q + 2] << 16)) << 8) >> 8;
      else if (size === 4) this.int = u32le(zl, q) | 0;
      else this.int = i64le(zl, q);
      q += size;
    }
    this.lastStart = p;
    this.prevLen = q - p;
    this.p = q;
    this.seen++;
    return true;
  }
}

// ---------------------------------------------------------------------------
// Zipmap (hashes before 2.6): count (u8, 254+ = unknown), then per pair the
// field length, field, value length, a free-bytes count (u8), value and the
// free bytes; 0xFF ends it. Lengths are one byte, or 0xFE and a u32.

/** Walks a zipmap: fields and values alternate, as in a hash listpack. */
export class ZipmapCursor extends PackedCursor {
  private p = 1;
  private readonly end: number;
  private seen = 0;
  private wantValue = false;

  constructor(zm: Uint8Array) {
    super(zm);
    if (zm.length < 2) fail("zipmap too short");
    if (zm[zm.length - 1] !== 0xff) fail("zipmap does not end with its terminator");
    this.end = zm.length - 1;
  }

  private lenField(): number {
    const zm = this.blob;
    const b = zm[this.p++];
    if (b < 254) return b;
    if (b !== 254 || this.p + 4 > this.end) fail("zipmap entry with a bad length");
    const l = u32le(zm, this.p);
    this.p += 4;
    return l;
  }

  next(): boolean {
    const zm = this.blob;
    if (!this.wantValue && this.p >= this.end) {
      if (this.p !== this.end) fail("zipmap entry past the end");
      if (zm[0] < 254 && zm[0] !== this.seen) fail("zipmap entry count does not match");
      return false;
    }
    if (this.p >= this.end) fail("zipmap entry past the end");
    const l = this.lenField();
    let free = 0;
    if (this.wantValue) {
      if (this.p >= this.end) fail("zipmap entry past the end");
      free = zm[this.p++];
    }
    if (this.p + l + free > this.end) fail("zipmap entry past the end");
    this.entry(this.p, l);
    this.p += l + free;
    if (this.wantValue) this.seen++;
    this.wantValue = !this.wantValue;
    return true;
  }
}

// ---------------------------------------------------------------------------
// Intset: encoding (u32: 2, 4 or 8 bytes per value), length (u32), values
// little-endian in strictly ascending order.

/** Decodes an intset into its members' decimal strings, checking it fully. */
export function readIntset(blob: Uint8Array, visit: (member: string) => void): number {
  if (blob.length < 8) fail("intset shorter than its header");
  const enc = u32le(blob, 0);
  const len = u32le(blob, 4);
  if (enc !== 2 && enc !== 4 && enc !== 8) fail("intset with an invalid encoding");
  if (8 + enc * len !== blob.length) fail("intset size does not match its length");
  let prev: number | bigint | undefined;
  for (let i = 0, p = 8; i < len; i++, p += enc) {
    const v = enc === 2
      ? (u16le(blob, p) << 16) >> 16
      : enc === 4
      ? u32le(blob, p) | 0
      : i64le(blob, p);
    if (prev !== undefined && !(prev < v)) fail("intset values not in ascending order");
    prev = v;
    visit(String(v));
  }
  return len;
}
