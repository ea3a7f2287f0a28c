/**
 * LZF, the compression RDB uses for strings (RDB_ENC_LZF) when
 * `rdbcompression` is on. The format: a control byte below 32 starts a run
 * of control+1 literal bytes; otherwise its top 3 bits are a match length - 2
 * (7 means "add the next byte"), its low 5 bits the high bits of a back
 * offset - 1 whose low 8 bits follow. Offsets reach 8 KB back, matches are
 * 3 to 264 bytes long.
 *
 * @module
 */

// The compressor makes the choices liblzf 3.6 makes as Redis builds it (lzfP.h:
// HLOG 16, VERY_FAST), so the bytes it writes are the bytes redis-server writes
// for the same string (DUMP payloads and RDB files compare equal):
// - the hash of the 3 bytes at a position is ((h >> 8) - h * 5) & 0xffff with
//   h = b0 << 16 | b1 << 8 | b2, one slot per hash, the latest position wins;
// - a candidate must lie after the first byte and at most 8 KB back, and agree
//   on 3 bytes; a match extends at most to 2 bytes before the end and 264 bytes;
// - after a match the 2 positions before its end are hashed again;
// - the last 2 bytes are always literals.
const HASH_SIZE = 1 << 16;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

// Hash slots: a position, valid only when stamped by the current call (an
// empty table per call without clearing 64K slots each time).
let slotPos: Int32Array | undefined;
let slotStamp: Int32Array | undefined;
let stamp = 0;

function idx(h: number): number {
  return ((h >>> 8) - Math.imul(h, 5)) & (HASH_SIZE - 1);
}

/**
 * Compresses `input` into at most `maxOut` bytes, as Redis's lzf_compress
 * does. Returns null when the result would not fit (Redis then stores the
 * string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxOut <= 0) return null;
  if (slotPos === undefined) {
    slotPos = new Int32Array(HASH_SIZE);
    slotStamp = new Int32Array(HASH_SIZE);
  }
  const pos = slotPos, stamps = slotStamp!;
  if (++stamp === 0x7fffffff) {
    stamps.fill(0);
    stamp = 1;
  }
  const cur = stamp;
  // A little slack: the tail is checked once for 3 bytes, as liblzf does.
  const out = new Uint8Array(maxOut + 4);
  const outEnd = maxOut;
  let op = 1; // the first literal run's control byte
  let lit = 0;
  let ip = 0;
  let h = (input[0] << 8) | (n > 1 ? input[1] : 0);
  while (ip < n - 2) {
    h = ((h << 8) | input[ip + 2]) & 0xffffff;
    const slot = idx(h);
    const ref = stamps[slot] === cur ? pos[slot] : -1;
    stamps[slot] = cur;
    pos[slot] = ip;
    const off = ip - ref - 1;
    if (
      ref > 0 && off < MAX_OFF && input[ref + 2] === input[ip + 2] &&
      input[ref] === input[ip] && input[ref + 1] === input[ip + 1]
    ) {
      let len = 2;
      const maxLen = Math.min(n - ip - len, MAX_REF);
      if (op + 3 + 1 >= outEnd && op - (lit === 0 ? 1 : 0) + 3 + 1 >= outEnd) return null;
      out[op - lit - 1] = lit - 1; // end the literal run
      if (lit === 0) op--; // an empty run takes no control byte
      // liblzf first compares up to 16 more bytes unguarded when maxLen > 16 (so a match
      // near the end may pass maxLen by up to 2), then byte by byte.
      let mismatch = false;
      if (maxLen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (input[ref + len] !== input[ip + len]) {
            mismatch = true;
            break;
          }
        }
      }
      if (!mismatch) {
        do len++; while (len < maxLen && input[ref + len] === input[ip + len]);
      }
      len -= 2; // octets - 1 ... - 1
      ip++;
      if (len < 7) {
        out[op++] = (off >> 8) + (len << 5);
      } else {
        out[op++] = (off >> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++; // the next literal run's control byte
      ip += len + 1;
      if (ip >= n - 2) break;
      // Hash the two positions before the match's end again (VERY_FAST).
      ip -= 2;
      h = (input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2];
      let s = idx(h);
      stamps[s] = cur;
      pos[s] = ip;
      ip++;
      h = ((h << 8) | input[ip + 2]) & 0xffffff;
      s = idx(h);
      stamps[s] = cur;
      pos[s] = ip;
      ip++;
      // The loop's next step shifts in the byte after the 3 now in h's low bits.
      h = (input[ip] << 8) | input[ip + 1];
    } else {
      if (op >= outEnd) return null;
      lit++;
      out[op++] = input[ip++];
      if (lit === MAX_LIT) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outEnd) return null;
  while (ip < n) {
    lit++;
    out[op++] = input[ip++];
    if (lit === MAX_LIT) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  if (lit === 0) op--;
  return out.subarray(0, op);
}

/**
 * Decompresses `input` into exactly `outLen` bytes. Returns null when the
 * data is malformed (a reference before the start, a run past either end) or
 * does not produce exactly `outLen` bytes.
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Uint8Array | null {
  const out = new Uint8Array(outLen);
  const n = input.length;
  let ip = 0;
  let op = 0;
  while (ip < n) {
    const ctrl = input[ip++];
    if (ctrl < 32) {
      const len = ctrl + 1;
      if (ip + len > n || op + len > outLen) return null;
      out.set(input.subarray(ip, ip + len), op);
      ip += len;
      op += len;
    } else {
      let len = ctrl >> 5;
      if (len === 7) {
        if (ip >= n) return null;
        len += input[ip++];
      }
      if (ip >= n) return null;
      const ref = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
      len += 2;
      if (ref < 0 || op + len > outLen) return null;
      // Byte by byte: the source may overlap what is being written.
      for (let k = 0; k < len; k++) out[op + k] = out[ref + k];
      op += len;
    }
  }
  return op === outLen ? out : null;
}
