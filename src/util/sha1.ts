/**
 * SHA-1 (FIPS 180-4) for many small inputs: DEBUG DIGEST hashes every key,
 * element and intermediate digest of a dataset, where node:crypto's per-call
 * hash object costs several times the hashing itself. No allocation per call:
 * the message schedule and the padded tail block are reused.
 *
 * @module
 */

const W = new Int32Array(80);
const TAIL = new Uint8Array(128);

/** Runs the compression function over the 64-byte block at `off` of `b`. */
function block(h: Int32Array, b: Uint8Array, off: number): void {
  for (let i = 0; i < 16; i++) {
    const p = off + i * 4;
    W[i] = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
  }
  for (let i = 16; i < 80; i++) {
    const x = W[i - 3] ^ W[i - 8] ^ W[i - 14] ^ W[i - 16];
    W[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
  for (let i = 0; i < 80; i++) {
    let f: number, k: number;
    if (i < 20) {
      f = (bb & c) | (~bb & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = bb ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (bb & c) | (bb & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = bb ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + W[i]) | 0;
    e = d;
    d = c;
    c = (bb << 30) | (bb >>> 2);
    bb = a;
    a = t;
  }
  h[0] = (h[0] + a) | 0;
  h[1] = (h[1] + bb) | 0;
  h[2] = (h[2] + c) | 0;
  h[3] = (h[3] + d) | 0;
  h[4] = (h[4] + e) | 0;
}

const H = new Int32Array(5);

/** Writes SHA-1(`data`) into `out[0..20)`; `out` may be `data` itself. */
export function sha1Into(data: Uint8Array, out: Uint8Array): void {
  H[0] = 0x67452301;
  H[1] = 0xefcdab89 | 0;
  H[2] = 0x98badcfe | 0;
  H[3] = 0x10325476;
  H[4] = 0xc3d2e1f0 | 0;
  const n = data.length;
  const full = n - (n % 64);
  for (let off = 0; off < full; off += 64) block(H, data, off);
  // The tail: the remaining bytes, 0x80, zeros, and the length in bits (big-endian 64-bit).
  const rest = n - full;
  TAIL.fill(0);
  TAIL.set(data.subarray(full), 0);
  TAIL[rest] = 0x80;
  const blocks = rest + 9 <= 64 ? 1 : 2;
  const end = blocks * 64;
  const bits = n * 8;
  const hi = Math.floor(bits / 0x100000000);
  TAIL[end - 8] = hi >>> 24;
  TAIL[end - 7] = (hi >>> 16) & 0xff;
  TAIL[end - 6] = (hi >>> 8) & 0xff;
  TAIL[end - 5] = hi & 0xff;
  TAIL[end - 4] = bits >>> 24;
  TAIL[end - 3] = (bits >>> 16) & 0xff;
  TAIL[end - 2] = (bits >>> 8) & 0xff;
  TAIL[end - 1] = bits & 0xff;
  block(H, TAIL, 0);
  if (blocks === 2) block(H, TAIL, 64);
  for (let i = 0; i < 5; i++) {
    const v = H[i];
    out[i * 4] = v >>> 24;
    out[i * 4 + 1] = (v >>> 16) & 0xff;
    out[i * 4 + 2] = (v >>> 8) & 0xff;
    out[i * 4 + 3] = v & 0xff;
  }
}
