/**
 * CRC-64 as Redis computes it for RDB trailers and DUMP payloads (crc64.c):
 * the Jones polynomial 0xad93d23594c935a9, reflected input and output, initial
 * value 0, no final xor. crc64(0, "123456789") is 0xe9c6d914c4b8d9ca.
 *
 * The 64-bit state is kept as two 32-bit halves so the hot loop stays in
 * small integers (no BigInt per byte). Eight bytes are folded per step
 * ("slice-by-8": table k holds a byte's CRC followed by k zero bytes), with
 * 8 x 256 entries per half built once on first use.
 *
 * @module
 */

let tableHi: Uint32Array | undefined;
let tableLo: Uint32Array | undefined;

// Reflected polynomial of 0xad93d23594c935a9 is 0x95ac9329ac4bc9b5.
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

function buildTables(): void {
  tableHi = new Uint32Array(8 * 256);
  tableLo = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let hi = 0, lo = i;
    for (let k = 0; k < 8; k++) {
      const carry = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (carry) {
        hi = (hi ^ POLY_HI) >>> 0;
        lo = (lo ^ POLY_LO) >>> 0;
      }
    }
    tableHi[i] = hi;
    tableLo[i] = lo;
  }
  // Table k: table k-1's entry shifted through one more zero byte.
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const hi = tableHi[(k - 1) * 256 + i], lo = tableLo[(k - 1) * 256 + i];
      const idx = lo & 0xff;
      tableLo[k * 256 + i] = (((lo >>> 8) | ((hi & 0xff) << 24)) ^ tableLo[idx]) >>> 0;
      tableHi[k * 256 + i] = ((hi >>> 8) ^ tableHi[idx]) >>> 0;
    }
  }
}

/**
 * Running CRC-64 state. `update` may be called any number of times (a file
 * is checksummed as it is written or read); `digest` gives the 8 bytes Redis
 * stores after the payload (little-endian).
 */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  /** Feeds `bytes[start, end)` into the checksum. */
  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    if (tableHi === undefined) buildTables();
    const th = tableHi!, tl = tableLo!;
    let hi = this.hi, lo = this.lo;
    let i = start;
    for (const stop = end - 7; i < stop; i += 8) {
      const a = lo ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
      const b = hi ^
        (bytes[i + 4] | (bytes[i + 5] << 8) | (bytes[i + 6] << 16) | (bytes[i + 7] << 24));
      const i7 = 7 * 256 + (a & 0xff), i6 = 6 * 256 + ((a >>> 8) & 0xff);
      const i5 = 5 * 256 + ((a >>> 16) & 0xff), i4 = 4 * 256 + (a >>> 24);
      const i3 = 3 * 256 + (b & 0xff), i2 = 2 * 256 + ((b >>> 8) & 0xff);
      const i1 = 256 + ((b >>> 16) & 0xff), i0 = b >>> 24;
      lo = tl[i7] ^ tl[i6] ^ tl[i5] ^ tl[i4] ^ tl[i3] ^ tl[i2] ^ tl[i1] ^ tl[i0];
      hi = th[i7] ^ th[i6] ^ th[i5] ^ th[i4] ^ th[i3] ^ th[i2] ^ th[i1] ^ th[i0];
    }
    for (; i < end; i++) {
      const idx = (lo ^ bytes[i]) & 0xff;
      lo = ((lo >>> 8) | ((hi & 0xff) << 24)) ^ tl[idx];
      hi = (hi >>> 8) ^ th[idx];
    }
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  /** The checksum as an unsigned 64-bit BigInt. */
  value(): bigint {
    return (BigInt(this.hi) << 32n) | BigInt(this.lo);
  }

  /** The checksum as the 8 little-endian bytes Redis writes. */
  digest(): Uint8Array {
    const out = new Uint8Array(8);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, this.lo, true);
    dv.setUint32(4, this.hi, true);
    return out;
  }

  /** Whether the 8 bytes at `bytes[offset]` equal this checksum (as {@link digest} writes it). */
  matches(bytes: Uint8Array, offset: number): boolean {
    const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, 8);
    return dv.getUint32(0, true) === this.lo && dv.getUint32(4, true) === this.hi;
  }
}

/** CRC-64 of `bytes` in one call. */
export function crc64(bytes: Uint8Array): bigint {
  return new Crc64().update(bytes).value();
}
