/**
 * ByteTable: the "hashtable" encoding of sets (members) and hashes (field ->
 * value), keyed by bytes, with nothing per entry on the JS heap.
 *
 * - Records live in one byte heap: the key's length (1 byte below 255, else
 *   255 and 4 bytes), for a hash the value's length likewise, then the key's
 *   and the value's bytes. A removed or rewritten record leaves a hole that a
 *   compaction reclaims once holes are half the heap (amortized O(1)).
 * - Slots are dense (swap-remove on delete): `dense[2s]` is slot s's record
 *   offset, `dense[2s + 1]` its key's hash. Random slots give SPOP,
 *   SRANDMEMBER and HRANDFIELD in O(1), and the slot order serves SSCAN/HSCAN
 *   cursors that never miss an entry present for the whole scan.
 * - The index is an open-addressing table (linear probing, backward-shift
 *   deletion, load at most 3/4) of slot + 1, 0 empty, hashed from the key's
 *   bytes with the keyspace's hash (src/store/keyspace.ts), whose length
 *   fields and short-copy loop the records share too.
 *
 * Lookups take bytes (`b[p, p + n)`), so a command finds its argument with no
 * string built; {@link binaryScratch} serves the string API of the values.
 *
 * @module
 */

import { bytesToBinary } from "../util/bytes.ts";
import { pow2AtLeast } from "../util/number.ts";
import {
  copyBytes as copyIn,
  hashKeyBytes as hashBytes,
  lenSize,
  readLen,
  writeLen,
} from "./keyspace.ts";

const MIN_TABLE = 8;
const MIN_SLOTS = 4;
const MIN_HEAP = 64;
/** Holes are only reclaimed past this many bytes (tiny tables just grow). */
const MIN_COMPACT = 1024;

const scratch = [new Uint8Array(256), new Uint8Array(256)];

/**
 * The binary string `s` as bytes in one of two shared scratch buffers (`which`
 * 0 or 1, so a key and a value can be converted together): for callers that
 * hold strings. Valid until the next call with the same `which`.
 */
export function binaryScratch(s: string, which = 0): Uint8Array {
  const n = s.length;
  let b = scratch[which];
  if (b.length < n) b = scratch[which] = new Uint8Array(pow2AtLeast(n, 256));
  for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  return b;
}

function lenHeader(n: number): number {
  return n < 255 ? 1 : 5;
}

// The record parser's outputs: key offset/length, value offset/length.
let kOff = 0;
let kLen = 0;
let vOff = 0;
let vLen = 0;

/** A set's members or a hash's fields and values, keyed by bytes. */
export class ByteTable {
  private heap: Uint8Array;
  // Bytes of the heap in use, and how many of them are holes.
  private top = 0;
  private waste = 0;
  // Slot s: record offset at 2s, key hash at 2s + 1.
  private dense: Int32Array;
  private n = 0;
  private table: Int32Array;
  private mask: number;
  /** Whether records hold a value (a hash) or only a key (a set). */
  readonly pairs: boolean;
  /** The hash {@link find} computed last (an insert after a miss need not hash again). */
  lastHash = 0;

  /** An empty table, `pairs` for a hash; room for `capacity` entries. */
  constructor(pairs: boolean, capacity = MIN_SLOTS, copyOf?: ByteTable) {
    this.pairs = pairs;
    if (copyOf !== undefined) {
      this.heap = copyOf.heap.slice(0, Math.max(copyOf.top, MIN_HEAP));
      this.top = copyOf.top;
      this.waste = copyOf.waste;
      this.dense = copyOf.dense.slice(0, Math.max(2 * copyOf.n, 2 * MIN_SLOTS));
      this.n = copyOf.n;
      this.table = copyOf.table.slice();
      this.mask = copyOf.mask;
      return;
    }
    const cap = Math.max(MIN_SLOTS, capacity);
    this.heap = new Uint8Array(MIN_HEAP);
    this.dense = new Int32Array(2 * cap);
    this.table = new Int32Array(pow2AtLeast(Math.ceil(cap * 4 / 3), MIN_TABLE));
    this.mask = this.table.length - 1;
  }

  /** Number of entries. */
  get size(): number {
    return this.n;
  }

  /** Bytes of the heap, slot array and index as allocated. O(1). */
  allocatedBytes(): number {
    return this.heap.byteLength + this.dense.byteLength + this.table.byteLength;
  }

  /** {@link allocatedBytes} from the buffers themselves, checking the hole count (tests). */
  recomputeAllocatedBytes(): number {
    let live = 0;
    for (let s = 0; s < this.n; s++) live += this.recordSize(this.dense[2 * s]);
    if (live !== this.top - this.waste) throw new Error("byte table: hole count mismatch");
    return this.heap.buffer.byteLength + this.dense.buffer.byteLength +
      this.table.buffer.byteLength;
  }

  // Parses the record at `off` into kOff/kLen/vOff/vLen.
  private parse(off: number): void {
    const h = this.heap;
    const k = readLen(h, off);
    let p = off + lenSize(h, off);
    let v = 0;
    if (this.pairs) {
      v = readLen(h, p);
      p += lenSize(h, p);
    }
    kOff = p;
    kLen = k;
    vOff = p + k;
    vLen = v;
  }

  private recordSize(off: number): number {
    this.parse(off);
    return vOff + vLen - off;
  }

  /** Slot of the key `b[p, p + n)`, or -1. Sets {@link lastHash}. */
  find(b: Uint8Array, p: number, n: number): number {
    const hash = this.lastHash = hashBytes(b, p, n);
    const t = this.table, mask = this.mask, d = this.dense;
    for (let i = hash & mask;; i = (i + 1) & mask) {
      const v = t[i];
      if (v === 0) return -1;
      const s = v - 1;
      if (d[2 * s + 1] !== hash) continue;
      this.parse(d[2 * s]);
      if (kLen !== n) continue;
      const h = this.heap;
      const o = kOff;
      let j = 0;
      while (j < n && h[o + j] === b[p + j]) j++;
      if (j === n) return s;
    }
  }

  /**
   * Adds the key `b[p, p + n)` (with value `vb[vp, vp + vn)` for a hash),
   * which {@link find} has just missed; returns its slot.
   */
  insert(b: Uint8Array, p: number, n: number, vb?: Uint8Array, vp = 0, vn = 0): number {
    const hash = this.lastHash;
    const s = this.n;
    if (2 * s + 2 > this.dense.length) this.resizeDense(this.dense.length * 2);
    if ((s + 1) * 4 > this.table.length * 3) this.rehash(this.table.length * 2);
    const off = this.writeRecord(b, p, n, vb, vp, vn);
    this.dense[2 * s] = off;
    this.dense[2 * s + 1] = hash;
    const t = this.table, mask = this.mask;
    let i = hash & mask;
    while (t[i] !== 0) i = (i + 1) & mask;
    t[i] = s + 1;
    this.n = s + 1;
    return s;
  }

  /** Adds the key `b[p, p + n)` unless present (a set's SADD); true when added. */
  add(b: Uint8Array, p: number, n: number): boolean {
    if (this.find(b, p, n) >= 0) return false;
    this.insert(b, p, n);
    return true;
  }

  /** Sets a hash's key `kb[kp, kp + kn)` to `vb[vp, vp + vn)`; true when the key is new. */
  put(kb: Uint8Array, kp: number, kn: number, vb: Uint8Array, vp: number, vn: number): boolean {
    const s = this.find(kb, kp, kn);
    if (s >= 0) {
      this.setValue(s, vb, vp, vn);
      return false;
    }
    this.insert(kb, kp, kn, vb, vp, vn);
    return true;
  }

  /** Removes the key `b[p, p + n)`; true when it was present. */
  remove(b: Uint8Array, p: number, n: number): boolean {
    const s = this.find(b, p, n);
    if (s < 0) return false;
    this.removeSlot(s);
    return true;
  }

  // Appends a record (compacting or growing the heap first); returns its offset.
  private writeRecord(
    b: Uint8Array,
    p: number,
    n: number,
    vb: Uint8Array | undefined,
    vp: number,
    vn: number,
  ): number {
    const size = lenHeader(n) + n + (this.pairs ? lenHeader(vn) + vn : 0);
    if (this.top + size > this.heap.length) this.makeRoom(size);
    const h = this.heap;
    const off = this.top;
    let q = writeLen(h, off, n);
    if (this.pairs) q = writeLen(h, q, vn);
    copyIn(h, q, b, p, n);
    if (vb !== undefined) copyIn(h, q + n, vb, vp, vn);
    this.top = off + size;
    return off;
  }

  /** Sets slot `s`'s value (a hash) to `vb[vp, vp + vn)`: in place when the length is the same. */
  setValue(s: number, vb: Uint8Array, vp: number, vn: number): void {
    this.parse(this.dense[2 * s]);
    if (vLen === vn) {
      copyIn(this.heap, vOff, vb, vp, vn);
      return;
    }
    // A new record; the key is copied out first, as making room may move the heap.
    const key = this.heap.slice(kOff, kOff + kLen);
    const old = this.dense[2 * s];
    const oldSize = vOff + vLen - old;
    this.dense[2 * s] = -1; // no compaction keeps it: it is rewritten below
    this.waste += oldSize;
    this.dense[2 * s] = this.writeRecord(key, 0, key.length, vb, vp, vn);
  }

  /** Removes slot `s`; the last slot moves into it. */
  removeSlot(s: number): void {
    const d = this.dense;
    this.waste += this.recordSize(d[2 * s]);
    this.unindex(s, d[2 * s + 1]);
    const last = this.n - 1;
    if (s !== last) {
      const lh = d[2 * last + 1];
      // The index entry of `last` now names `s`.
      const t = this.table, mask = this.mask;
      let i = lh & mask;
      while (t[i] !== last + 1) i = (i + 1) & mask;
      t[i] = s + 1;
      d[2 * s] = d[2 * last];
      d[2 * s + 1] = lh;
    }
    this.n = last;
    if (this.waste >= MIN_COMPACT && this.waste * 2 > this.top) this.compact(0);
    if (this.table.length > MIN_TABLE && this.n * 8 < this.table.length) {
      this.rehash(this.table.length / 2);
      if (this.dense.length > 2 * MIN_SLOTS && this.n * 8 < this.dense.length) {
        this.resizeDense(this.dense.length / 2);
      }
    }
  }

  // Backward-shift deletion of slot `s` (hash `hash`) from the index.
  private unindex(s: number, hash: number): void {
    const t = this.table, mask = this.mask, d = this.dense;
    let i = hash & mask;
    while (t[i] !== s + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const v = t[j];
      if (v === 0) break;
      const k = d[2 * (v - 1) + 1] & mask;
      // v stays when its home k lies cyclically in (i, j].
      if (i <= j ? (k > i && k <= j) : (k > i || k <= j)) continue;
      t[i] = v;
      i = j;
    }
    t[i] = 0;
  }

  private rehash(size: number): void {
    const t = new Int32Array(size);
    const mask = size - 1;
    const d = this.dense;
    for (let s = 0; s < this.n; s++) {
      let i = d[2 * s + 1] & mask;
      while (t[i] !== 0) i = (i + 1) & mask;
      t[i] = s + 1;
    }
    this.table = t;
    this.mask = mask;
  }

  private resizeDense(len: number): void {
    this.dense = new Int32Array((this.dense.buffer as ArrayBuffer).transfer(len * 4));
  }

  // Room for a record of `size` bytes at the top: holes reclaimed when they
  // are most of the heap, else the heap grows by half (doubling while small).
  private makeRoom(size: number): void {
    const live = this.top - this.waste;
    if (this.waste >= MIN_COMPACT && this.waste * 2 > this.top) {
      this.compact(size);
      if (this.top + size <= this.heap.length) return;
    }
    const cap = this.heap.length;
    let next = cap < 65536 ? cap * 2 : cap + (cap >> 1);
    if (next < live + this.waste + size) next = live + this.waste + size;
    // transfer: the old heap's memory is released now, not at V8's next GC.
    this.heap = new Uint8Array((this.heap.buffer as ArrayBuffer).transfer(next));
  }

  // Copies the live records, in slot order, into a heap sized for them plus `extra`.
  private compact(extra: number): void {
    const live = this.top - this.waste;
    const need = live + extra;
    const size = Math.max(MIN_HEAP, need + (need >> 1));
    const h = new Uint8Array(size);
    const old = this.heap;
    const d = this.dense;
    let q = 0;
    for (let s = 0; s < this.n; s++) {
      const off = d[2 * s];
      if (off < 0) continue; // being rewritten by setValue
      const len = this.recordSize(off);
      h.set(old.subarray(off, off + len), q);
      d[2 * s] = q;
      q += len;
    }
    this.heap = h;
    this.top = q;
    this.waste = 0;
  }

  /** Slot `s`'s key as a binary string. */
  keyString(s: number): string {
    this.parse(this.dense[2 * s]);
    return bytesToBinary(this.heap.subarray(kOff, kOff + kLen));
  }

  /** Slot `s`'s value as a binary string. */
  valueString(s: number): string {
    this.parse(this.dense[2 * s]);
    return bytesToBinary(this.heap.subarray(vOff, vOff + vLen));
  }

  /** Slot `s`'s value as a view of the heap (valid until the next write). */
  valueView(s: number): Uint8Array {
    this.parse(this.dense[2 * s]);
    return this.heap.subarray(vOff, vOff + vLen);
  }

  /** Slot `s`'s value, copied. */
  valueCopy(s: number): Uint8Array {
    this.parse(this.dense[2 * s]);
    return this.heap.slice(vOff, vOff + vLen);
  }

  /** A copy (COPY), its buffers trimmed to what is in use. */
  clone(): ByteTable {
    return new ByteTable(this.pairs, 0, this);
  }

  /** Checks the index against the slots (tests). */
  checkInvariants(): void {
    let used = 0;
    for (let i = 0; i < this.table.length; i++) {
      const v = this.table[i];
      if (v === 0) continue;
      used++;
      const s = v - 1;
      this.parse(this.dense[2 * s]);
      if (this.find(this.heap.slice(kOff, kOff + kLen), 0, kLen) !== s) {
        throw new Error("byte table: index mismatch");
      }
    }
    if (used !== this.n) throw new Error("byte table: index count mismatch");
    this.recomputeAllocatedBytes();
  }
}
