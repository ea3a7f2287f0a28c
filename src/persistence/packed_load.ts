/**
 * Building the stores' compact forms straight from the bytes of an RDB
 * image: a small hash's or set's packed run (src/store/packed.ts) and a list
 * node's framed entries (src/store/packed_entries.ts) are written from the
 * entries of a listpack or ziplist, or from RDB strings, into one scratch
 * buffer: no object, string or array per element. Integer entries become
 * their decimal text, as the element-by-element path makes them.
 *
 * @module
 */

import { binaryOf, type PackedCursor } from "./listpack_reader.ts";
import { writeFrame } from "../store/packed_entries.ts";

/**
 * Most entries a packed run is built for here: {@link RunBuilder.isDuplicate}
 * compares an element with every one before it, as a listpack scan would.
 */
export const MAX_BUILT_ENTRIES = 512;

let out = new Uint8Array(1 << 12);

function ensure(n: number): void {
  if (n <= out.length) return;
  const b = new Uint8Array(Math.max(n, out.length * 2));
  b.set(out);
  out = b;
}

// Decimal digits (and sign) of a safe integer.
function decimalLength(v: number): number {
  let n = v < 0 ? 2 : 1;
  let a = Math.abs(v);
  for (; a > 0x7fffffff; a = Math.floor(a / 10)) n++;
  for (; a >= 10; a = (a / 10) | 0) n++;
  return n;
}

/** Writes the decimal text of an integer at `p`; returns its length. */
function writeDecimal(p: number, v: number | bigint): number {
  ensure(p + 20);
  if (typeof v !== "number" || !Number.isSafeInteger(v)) {
    const t = String(v);
    for (let i = 0; i < t.length; i++) out[p + i] = t.charCodeAt(i);
    return t.length;
  }
  const len = decimalLength(v);
  let a = Math.abs(v);
  let q = p + len - 1;
  // Doubles until the rest fits in 31 bits, then small-integer arithmetic.
  for (; a > 0x7fffffff; q--) {
    out[q] = 48 + (a % 10);
    a = Math.floor(a / 10);
  }
  for (; q >= p; q--) {
    const d = (a / 10) | 0;
    out[q] = 48 + a - d * 10;
    a = d;
  }
  if (v < 0) out[p] = 45;
  return len;
}

/**
 * Writes a packed run (src/store/packed.ts: each element its length, LEB128
 * style, then its bytes) into the scratch buffer, element by element.
 */
export class RunBuilder {
  /** Bytes written. */
  end = 0;
  /** Where the last element (its length) starts, where its bytes start, and their length. */
  lastStart = 0;
  lastOff = 0;
  lastLen = 0;

  /** Starts a new run (the previous one's bytes are reused). */
  reset(): void {
    this.end = 0;
  }

  /** Appends the cursor's current entry. */
  putEntry(c: PackedCursor): void {
    if (c.len >= 0) {
      this.putBytes(c.blob, c.off, c.len);
      return;
    }
    // A decimal integer is at most 20 chars: a one-byte length.
    const p = this.end;
    this.lastStart = p;
    const len = writeDecimal(p + 1, c.int);
    out[p] = len;
    this.lastOff = p + 1;
    this.lastLen = len;
    this.end = p + 1 + len;
  }

  /** Appends `src[off, off + len)`. */
  putBytes(src: Uint8Array, off: number, len: number): void {
    let p = this.end;
    this.lastStart = p;
    ensure(p + len + 5);
    let n = len;
    while (n >= 0x80) {
      out[p++] = 0x80 | (n % 0x80);
      n = Math.floor(n / 0x80);
    }
    out[p++] = n;
    if (len <= 32) { for (let i = 0; i < len; i++) out[p + i] = src[off + i]; }
    else out.set(src.subarray(off, off + len), p);
    this.lastOff = p;
    this.lastLen = len;
    this.end = p + len;
  }

  /**
   * Whether the element whose bytes are at `off` (`len` of them, its length
   * written from `start`) equals an element starting an entry before it
   * (`stride` elements per entry). O(run), as a listpack scan.
   */
  isDuplicate(start: number, off: number, len: number, stride: 1 | 2): boolean {
    let p = 0;
    let k = 0;
    while (p < start) {
      // The element's length, LEB128 style.
      let c = out[p++];
      let n = c & 0x7f;
      for (let scale = 0x80; c >= 0x80; scale *= 0x80) {
        c = out[p++];
        n += (c & 0x7f) * scale;
      }
      if (n === len && k % stride === 0) {
        let i = 0;
        while (i < len && out[p + i] === out[off + i]) i++;
        if (i === len) return true;
      }
      p += n;
      k++;
    }
    return false;
  }

  /** The run as a one-byte string. */
  run(): string {
    return binaryOf(out, 0, this.end);
  }
}

/** Bytes of the last node built by {@link framedNode}. */
export let framedEnd = 0;
/** Entries of the last node built by {@link framedNode}. */
export let framedCount = 0;

/**
 * Frames the entries `c` walks as a list node's entries
 * (src/store/packed_entries.ts) in the scratch buffer, which it returns
 * (valid until the next build); {@link framedEnd} bytes of it are used, by
 * {@link framedCount} entries.
 */
export function framedNode(c: PackedCursor): Uint8Array {
  let p = 0;
  let n = 0;
  while (c.next()) {
    n++;
    const len = c.len;
    if (len >= 0) {
      ensure(p + len + 10);
      const d = writeFrame(out, p, len);
      const src = c.blob;
      const off = c.off;
      if (len <= 32) { for (let i = 0; i < len; i++) out[d + i] = src[off + i]; }
      else out.set(src.subarray(off, off + len), d);
      p = d + len + (d - p);
    } else {
      // Written one byte in, then framed around (a decimal is under 128 bytes).
      ensure(p + 22);
      const dl = writeDecimal(p + 1, c.int);
      out[p] = dl;
      out[p + 1 + dl] = dl;
      p += dl + 2;
    }
  }
  framedEnd = p;
  framedCount = n;
  return out;
}
