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

const HASH_LOG = 14;
const HASH_SIZE = 1 << HASH_LOG;
const MAX_OFF = 1 << 13;
const MAX_REF = (1 << 8) + (1 << 3);
const MAX_LIT = 1 << 5;

let table: Int32Array | undefined;

/**
 * Compresses `input` into at most `maxOut` bytes. Returns null when the
 * result would not fit (Redis then stores the string uncompressed).
 */
export function lzfCompress(input: Uint8Array, maxOut: number): Uint8Array | null {
  const n = input.length;
  if (n === 0 || maxOut <= 0) return null;
  if (table === undefined) table = new Int32Array(HASH_SIZE);
  const htab = table;
  htab.fill(-1);
  const out = new Uint8Array(maxOut);
  let op = 0;
  let lit = 0;
  let litPos = -1;
  let ip = 0;
  while (ip < n) {
    if (ip + 2 < n) {
      const h = (((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2]) * 0x9e3779b1) >>>
        (32 - HASH_LOG);
      const ref = htab[h];
      htab[h] = ip;
      const off = ip - ref - 1;
      if (
        ref >= 0 && off < MAX_OFF && input[ref] === input[ip] &&
        input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]
      ) {
        let len = 3;
        const maxLen = Math.min(MAX_REF, n - ip);
        while (len < maxLen && input[ref + len] === input[ip + len]) len++;
        if (lit > 0) {
          out[litPos] = lit - 1;
          lit = 0;
        }
        const l = len - 2;
        if (op + (l < 7 ? 2 : 3) > maxOut) return null;
        if (l < 7) {
          out[op++] = (l << 5) | (off >> 8);
        } else {
          out[op++] = (7 << 5) | (off >> 8);
          out[op++] = l - 7;
        }
        out[op++] = off & 0xff;
        ip += len;
        continue;
      }
    }
    if (lit === 0) {
      if (op + 2 > maxOut) return null;
      litPos = op++;
    } else if (op + 1 > maxOut) {
      return null;
    }
    out[op++] = input[ip++];
    if (++lit === MAX_LIT) {
      out[litPos] = lit - 1;
      lit = 0;
    }
  }
  if (lit > 0) out[litPos] = lit - 1;
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
