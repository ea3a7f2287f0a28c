/**
 * Byte encoders for the blobs RDB stores whole: listpacks (listpack.c, the
 * payload of RDB_TYPE_*_LISTPACK, quicklist nodes and stream nodes) and
 * intsets (intset.c, RDB_TYPE_SET_INTSET). The decoders live with the RDB
 * reader.
 *
 * A listpack is: total bytes (uint32 LE), element count (uint16 LE, 65535
 * when larger), the elements, 0xFF. Each element is its encoding (a 7-bit
 * uint, 13/16/24/32/64-bit int, or a string with a 6/12/32-bit length)
 * followed by its backlen, the size of encoding+data written so that it can
 * be read from the right.
 *
 * @module
 */

const LP_HDR_SIZE = 6;
const LP_EOF = 0xff;

/**
 * The integer value of `b` when it is the canonical text of an int64
 * (lpStringToInt64 / string2ll: no sign but '-', no leading zero, no "-0"),
 * else null. Numbers beyond 2^53 come back as bigint.
 */
export function canonicalInt(b: Uint8Array): number | bigint | null {
  const n = b.length;
  if (n === 0 || n > 20) return null;
  let i = 0;
  const neg = b[0] === 45; // '-'
  if (neg) {
    i = 1;
    if (n === 1) return null;
  }
  const first = b[i];
  if (first === 48) return n === 1 ? 0 : null; // "0" only
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (v <= Number.MAX_SAFE_INTEGER) return neg ? -v : v;
  // Exact check for the long ones.
  let big = BigInt(String.fromCharCode(...(neg ? b.subarray(1) : b)));
  if (neg) big = -big;
  if (big < -(1n << 63n) || big > (1n << 63n) - 1n) return null;
  return big;
}

/** Appends listpack elements into a growing buffer; `finish` gives the listpack. */
export class ListpackBuilder {
  private buf: Uint8Array;
  private dv: DataView;
  private pos = LP_HDR_SIZE;
  /** Elements appended so far. */
  count = 0;

  constructor(sizeHint = 64) {
    this.buf = new Uint8Array(Math.max(16, sizeHint));
    this.dv = new DataView(this.buf.buffer);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n + 16));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  private backlen(l: number): void {
    const b = this.buf;
    if (l <= 127) {
      b[this.pos++] = l;
    } else if (l < 16383) {
      b[this.pos++] = l >>> 7;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 2097151) {
      b[this.pos++] = l >>> 14;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else if (l < 268435455) {
      b[this.pos++] = l >>> 21;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    } else {
      b[this.pos++] = Math.floor(l / 268435456);
      b[this.pos++] = ((l >>> 21) & 127) | 128;
      b[this.pos++] = ((l >>> 14) & 127) | 128;
      b[this.pos++] = ((l >>> 7) & 127) | 128;
      b[this.pos++] = (l & 127) | 128;
    }
  }

  /** Appends an integer element with the smallest encoding (lpEncodeIntegerGetType). */
  int(v: number | bigint): void {
    this.reserve(11);
    const b = this.buf, p = this.pos;
    if (typeof v === "bigint") {
      if (v >= -2147483648n && v <= 2147483647n) return this.int(Number(v));
      b[p] = 0xf4;
      this.dv.setBigInt64(p + 1, v, true);
      this.pos += 9;
      this.backlen(9);
    } else if (v >= 0 && v <= 127) {
      b[p] = v;
      this.pos += 1;
      this.backlen(1);
    } else if (v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      b[p] = (u >>> 8) | 0xc0;
      b[p + 1] = u & 0xff;
      this.pos += 2;
      this.backlen(2);
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xf1;
      this.dv.setInt16(p + 1, v, true);
      this.pos += 3;
      this.backlen(3);
    } else if (v >= -8388608 && v <= 8388607) {
      const u = v < 0 ? (1 << 24) + v : v;
      b[p] = 0xf2;
      b[p + 1] = u & 0xff;
      b[p + 2] = (u >>> 8) & 0xff;
      b[p + 3] = (u >>> 16) & 0xff;
      this.pos += 4;
      this.backlen(4);
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xf3;
      this.dv.setInt32(p + 1, v, true);
      this.pos += 5;
      this.backlen(5);
    } else {
      b[p] = 0xf4;
      this.dv.setBigInt64(p + 1, BigInt(v), true);
      this.pos += 9;
      this.backlen(9);
    }
    this.count++;
  }

  /** Appends bytes: as an integer when they are one's canonical text (lpAppend), else a string. */
  bytes(s: Uint8Array): void {
    const iv = canonicalInt(s);
    if (iv !== null) return this.int(iv);
    this.str(s);
  }

  /** {@link bytes} for a binary string (one char per byte). */
  binary(s: string): void {
    const n = s.length;
    if (n <= 20) {
      const tmp = new Uint8Array(n);
      for (let i = 0; i < n; i++) tmp[i] = s.charCodeAt(i);
      return this.bytes(tmp);
    }
    this.reserve(n + 10);
    const hdr = this.strHeader(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
    this.backlen(hdr + n);
    this.count++;
  }

  /** Appends a string element as is. */
  str(s: Uint8Array): void {
    const n = s.length;
    this.reserve(n + 10);
    const hdr = this.strHeader(n);
    this.buf.set(s, this.pos);
    this.pos += n;
    this.backlen(hdr + n);
    this.count++;
  }

  private strHeader(n: number): number {
    const b = this.buf, p = this.pos;
    if (n < 64) {
      b[p] = 0x80 | n;
      this.pos += 1;
      return 1;
    }
    if (n < 4096) {
      b[p] = 0xe0 | (n >>> 8);
      b[p + 1] = n & 0xff;
      this.pos += 2;
      return 2;
    }
    b[p] = 0xf0;
    this.dv.setUint32(p + 1, n, true);
    this.pos += 5;
    return 5;
  }

  /** Bytes the finished listpack will take. */
  get size(): number {
    return this.pos + 1;
  }

  /** Writes header and terminator; returns the listpack (a view of the builder's buffer). */
  finish(): Uint8Array {
    this.reserve(1);
    this.buf[this.pos] = LP_EOF;
    const total = this.pos + 1;
    this.dv.setUint32(0, total, true);
    this.dv.setUint16(4, this.count < 65535 ? this.count : 65535, true);
    return this.buf.subarray(0, total);
  }
}

/**
 * An intset blob (intset.c): encoding (2, 4 or 8, uint32 LE), length (uint32
 * LE), then the values ascending in that width, little-endian.
 */
export function encodeIntset(values: (number | bigint)[]): Uint8Array {
  const big = values.map((v) => BigInt(v)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const v of big) {
    if (v < -2147483648n || v > 2147483647n) {
      width = 8;
      break;
    }
    if (v < -32768n || v > 32767n) width = 4;
  }
  const out = new Uint8Array(8 + big.length * width);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, width, true);
  dv.setUint32(4, big.length, true);
  let p = 8;
  for (const v of big) {
    if (width === 2) dv.setInt16(p, Number(v), true);
    else if (width === 4) dv.setInt32(p, Number(v), true);
    else dv.setBigInt64(p, v, true);
    p += width;
  }
  return out;
}
