/**
 * Double printing exactly as Redis 7.2 does it: `fpconv_dtoa` (deps/fpconv, Grisu2 including its
 * non-shortest outputs) and util.c `d2string` (formatDouble), used by replies and zset scores.
 */

import { bitLength } from "./strtod.ts";

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);

const MASK64 = (1n << 64n) - 1n;

/**
 * Grisu cached power 10^(-348 + 8i): rounded 64-bit significand `f` (also as 16-bit limbs
 * c3..c0, most significant first) and binary exponent `e`. Computed once, exactly.
 */
interface CachedPower {
  f: bigint;
  e: number;
  c3: number;
  c2: number;
  c1: number;
  c0: number;
}

let cachedPowers: CachedPower[] | null = null;

function getCachedPowers(): CachedPower[] {
  if (cachedPowers !== null) return cachedPowers;
  const out: CachedPower[] = [];
  for (let k = -348; k <= 340; k += 8) {
    let f: bigint;
    let e: number;
    if (k >= 0) {
      const v = 10n ** BigInt(k);
      const sh = bitLength(v) - 64;
      if (sh <= 0) {
        f = v << BigInt(-sh);
      } else {
        f = v >> BigInt(sh);
        if ((v - (f << BigInt(sh))) * 2n >= 1n << BigInt(sh)) f++;
      }
      e = sh;
    } else {
      const den = 10n ** BigInt(-k);
      let s = bitLength(den) + 63;
      f = (1n << BigInt(s)) / den;
      if (f >= 1n << 64n) f = (1n << BigInt(--s)) / den;
      const rem = (1n << BigInt(s)) - f * den;
      if (rem * 2n >= den) f++;
      e = -s;
    }
    const limb = (i: bigint) => Number((f >> (16n * i)) & 0xffffn);
    out.push({ f, e, c3: limb(3n), c2: limb(2n), c1: limb(1n), c0: limb(0n) });
  }
  cachedPowers = out;
  return out;
}

/** Grisu's rounded 64x64 -> high 64 multiplication. */
function mulFp(a: bigint, b: bigint): bigint {
  return (a * b + (1n << 63n)) >> 64n;
}

/** Index of the cached power for a normalized upper-boundary exponent, as fpconv picks it. */
function cachedPowerIndex(powers: CachedPower[], upperE: number): number {
  const approx = Math.trunc(-(upperE + 87) * 0.30102999566398114);
  let idx = Math.trunc((approx + 348) / 8);
  for (;;) {
    const cur = upperE + powers[idx].e + 64;
    if (cur < -60) idx++;
    else if (cur > -32) idx--;
    else return idx;
  }
}

/**
 * Grisu2 digit generation exactly as Redis's fpconv_dtoa (including its non-shortest outputs),
 * with uint64 arithmetic emulated by BigInt. `d` must be finite and positive. Used for
 * subnormals, where the rounding interval is too wide for {@link grisu2Fast}'s shortcuts.
 * Returns the digits laid out by {@link emitDigits} (`neg`: the sign the caller prints).
 */
function grisu2Exact(d: number, neg: boolean): string {
  f64[0] = d;
  const bits = u64[0];
  let frac = bits & 0xFFFFFFFFFFFFFn;
  const bexp = Number(bits >> 52n) & 0x7ff;
  const hidden = 1n << 52n;
  let exp: number;
  if (bexp !== 0) {
    frac += hidden;
    exp = bexp - 1075;
  } else {
    exp = -1074;
  }
  // Boundaries of the rounding interval, both scaled to upper's normalized exponent.
  let upperF = (frac << 1n) + 1n;
  let upperE = exp - 1;
  while ((upperF & (hidden << 1n)) === 0n) {
    upperF <<= 1n;
    upperE--;
  }
  upperF = (upperF << 10n) & MASK64;
  upperE -= 10;
  const lShift = frac === hidden ? 2 : 1;
  let lowerF = (frac << BigInt(lShift)) - 1n;
  const lowerE = exp - lShift;
  lowerF = (lowerF << BigInt(lowerE - upperE)) & MASK64;
  // Normalized w (its exponent always equals upper's, so only the significand is kept).
  let wF = frac;
  while ((wF & hidden) === 0n) wF <<= 1n;
  wF <<= 11n;

  // Cached power bringing upper's exponent into [-60, -32].
  const powers = getCachedPowers();
  const idx = cachedPowerIndex(powers, upperE);
  const cp = powers[idx];
  const K = -(-348 + idx * 8);

  wF = mulFp(wF, cp.f);
  upperF = mulFp(upperF, cp.f) - 1n;
  lowerF = mulFp(lowerF, cp.f) + 1n;
  const oneE = upperE + cp.e + 64; // negative, in [-60, -32]

  // Digit generation.
  const wfrac = (upperF - wF) & MASK64;
  let delta = (upperF - lowerF) & MASK64;
  const shift = BigInt(-oneE);
  const one = 1n << shift;
  let part1 = Number(upperF >> shift); // < 2^32
  let part2 = upperF & (one - 1n);
  let digits = "";
  let kappa = 10;
  for (let div = 1000000000; kappa > 0; div /= 10) {
    const digit = Math.floor(part1 / div);
    if (digit !== 0 || digits.length !== 0) digits += String.fromCharCode(48 + digit);
    part1 -= digit * div;
    kappa--;
    const tmp = (BigInt(part1) << shift) + part2;
    if (tmp <= delta) {
      const last = roundDigit(digits, delta, tmp, (BigInt(div) << shift) & MASK64, wfrac);
      return emitDigits(last, K + kappa, neg);
    }
  }
  let unit = 10n;
  for (;;) {
    part2 = (part2 * 10n) & MASK64;
    delta = (delta * 10n) & MASK64;
    kappa--;
    const digit = Number(part2 >> shift);
    if (digit !== 0 || digits.length !== 0) digits += String.fromCharCode(48 + digit);
    part2 &= one - 1n;
    if (part2 < delta) {
      const last = roundDigit(digits, delta, part2, one, (wfrac * unit) & MASK64);
      return emitDigits(last, K + kappa, neg);
    }
    unit *= 10n;
  }
}

/** Grisu's final adjustment: step the last digit down while that gets closer to w. */
function roundDigit(digits: string, delta: bigint, rem: bigint, kappa: bigint, frac: bigint) {
  let last = digits.charCodeAt(digits.length - 1);
  // uint64 arithmetic, wrapping like the C original.
  for (;;) {
    const up = (rem + kappa) & MASK64;
    if (
      !(rem < frac && delta - rem >= kappa && (up < frac || frac - rem > ((up - frac) & MASK64)))
    ) {
      break;
    }
    last--;
    rem = up;
  }
  return digits.slice(0, -1) + String.fromCharCode(last);
}

/** A uint64 as its high and low uint32 halves. */
interface U64Halves {
  h: number;
  l: number;
}

/** round(x * c / 2^64) as Grisu's multiply computes it, x and c given as 16-bit limbs. */
function mulFpLimbs(x3: number, x2: number, x1: number, x0: number, c: CachedPower): U64Halves {
  const c3 = c.c3, c2 = c.c2, c1 = c.c1, c0 = c.c0;
  // Column sums of 16x16-bit products stay below 2^35: exact in doubles. `& 0xffff` is exact
  // (ToInt32 is modular) and the carry division is then exact too.
  let t = x0 * c0;
  t = x1 * c0 + x0 * c1 + (t - (t & 0xffff)) / 65536;
  t = x2 * c0 + x1 * c1 + x0 * c2 + (t - (t & 0xffff)) / 65536;
  // + 2^63 (bit 15 of column 3) rounds the discarded low half.
  t = x3 * c0 + x2 * c1 + x1 * c2 + x0 * c3 + 32768 + (t - (t & 0xffff)) / 65536;
  t = x3 * c1 + x2 * c2 + x1 * c3 + (t - (t & 0xffff)) / 65536;
  const l4 = t & 0xffff;
  t = x3 * c2 + x2 * c3 + (t - l4) / 65536;
  const l5 = t & 0xffff;
  t = x3 * c3 + (t - l5) / 65536;
  return { h: t, l: l5 * 65536 + l4 };
}

const TWO32 = 4294967296;

/**
 * Grisu2 as fpconv_dtoa computes it, for normal positive doubles, in plain double arithmetic.
 * For normal doubles the scaled rounding interval (delta) is below 2^14 units, which bounds
 * every intermediate: the integral-part loop never adjusts its last digit, and delta * 10^n
 * stays exact until the fractional loop ends (before delta exceeds 2^64). 64-bit values are
 * kept as (hi, lo) uint32 pairs where they can exceed 2^53. Returns the digits laid out by
 * {@link emitDigits} (`neg`: the sign the caller prints).
 */
function grisu2Fast(d: number, neg: boolean): string {
  f64[0] = d;
  const hi = u32[1];
  const fl = u32[0];
  const fh = (hi & 0xfffff) + 0x100000; // with the hidden bit
  const exp = ((hi >>> 20) & 0x7ff) - 1075;
  // w = f << 11, upper = w + 2^10, lower = w - 2^10 (w - 2^9 at a power of two).
  const wl = (fl % 2097152) * 2048; // low 21 bits of fl, shifted
  const wh = fh * 2048 + Math.floor(fl / 2097152);
  const x3 = wh >>> 16;
  const x2 = wh & 0xffff;
  const x1 = wl >>> 16;
  const x0 = wl & 0xffff; // multiple of 2048
  const lowerGap = fl === 0 && fh === 0x100000 ? 512 : 1024;

  const powers = getCachedPowers();
  const upperE = exp - 11;
  const idx = cachedPowerIndex(powers, upperE);
  const cp = powers[idx];
  const s = -(upperE + cp.e + 64); // in [32, 60]

  const w = mulFpLimbs(x3, x2, x1, x0, cp);
  const wH = w.h;
  const wL = w.l;
  const upper = mulFpLimbs(x3, x2, x1, x0 + 1024, cp);
  // upper - 1
  let uH = upper.h;
  let uL = upper.l - 1;
  if (uL < 0) {
    uL += TWO32;
    uH--;
  }
  // lower = w - gap: borrow from the upper limbs when the low limb is too small.
  let lower: U64Halves;
  if (x0 >= lowerGap) {
    lower = mulFpLimbs(x3, x2, x1, x0 - lowerGap, cp);
  } else {
    let ll = wl - lowerGap;
    let lh = wh;
    if (ll < 0) {
      ll += TWO32;
      lh--;
    }
    lower = mulFpLimbs(lh >>> 16, lh & 0xffff, ll >>> 16, ll & 0xffff, cp);
  }
  // lower + 1
  const lH = lower.h;
  const lL = lower.l + 1;

  let delta = (uH - lH) * TWO32 + (uL - lL); // < 2^14
  const wfrac = (uH - wH) * TWO32 + (uL - wL);

  const sh = 2 ** (s - 32);
  let part1 = Math.floor(uH / sh);
  // part2 = upper mod 2^s as ph * 2^32 + pl
  let ph = uH - part1 * sh;
  let pl = uL;
  const K = -(-348 + idx * 8);
  let digits = "";
  // Leading zero digits are not emitted and cannot end the loop (upper >> s stays > 0, or,
  // when it is 0, upper > delta), so start at the first nonzero one.
  let kappa = 0;
  let div = 1;
  while (kappa < 10 && div * 10 <= part1) {
    div *= 10;
    kappa++;
  }
  if (part1 !== 0) kappa++;
  for (; kappa > 0; div /= 10) {
    const digit = Math.floor(part1 / div);
    if (digit !== 0 || digits.length !== 0) digits += String.fromCharCode(48 + digit);
    part1 -= digit * div;
    kappa--;
    // (part1 << s) + part2 <= delta; the final digit adjustment cannot apply here because
    // its step div << s exceeds delta.
    if (part1 === 0 && ph < 2097152 && ph * TWO32 + pl <= delta) {
      return emitDigits(digits, K + kappa, neg);
    }
  }
  let unit = 10;
  for (;;) {
    // part2 *= 10, then peel the digit above bit s.
    const lo10 = pl * 10;
    const c = Math.floor(lo10 / TWO32);
    pl = lo10 - c * TWO32;
    ph = ph * 10 + c;
    const digit = Math.floor(ph / sh);
    ph -= digit * sh;
    delta *= 10; // exact: delta0 * 5^n < 2^53 for every n reached
    kappa--;
    if (digit !== 0 || digits.length !== 0) digits += String.fromCharCode(48 + digit);
    const dH = Math.floor(delta / TWO32);
    const dL = delta - dH * TWO32;
    if (ph < dH || (ph === dH && pl < dL)) {
      const last = roundDigitFast(digits, dH, dL, ph, pl, sh, wfrac * unit);
      return emitDigits(last, K + kappa, neg);
    }
    unit *= 10;
  }
}

/**
 * roundDigit for grisu2Fast, on (hi, lo) pairs: rem = (rh, rl), step = 2^s = (kh, 0),
 * delta = (dh, dl) and target frac (an exact double below 2^64, no wrap-around possible).
 */
function roundDigitFast(
  digits: string,
  dh: number,
  dl: number,
  rh: number,
  rl: number,
  kh: number,
  frac: number,
): string {
  const fh = Math.floor(frac / TWO32);
  const fl = frac - fh * TWO32;
  let last = digits.charCodeAt(digits.length - 1);
  for (;;) {
    // rem < frac
    if (!(rh < fh || (rh === fh && rl < fl))) break;
    // delta - rem >= step
    let xh = dh - rh;
    let xl = dl - rl;
    if (xl < 0) {
      xl += TWO32;
      xh--;
    }
    if (xh < kh) break;
    // up = rem + step; (up < frac || frac - rem > up - frac)
    const uh = rh + kh;
    const upLess = uh < fh || (uh === fh && rl < fl);
    if (!upLess) {
      let ah = fh - rh; // frac - rem
      let al = fl - rl;
      if (al < 0) {
        al += TWO32;
        ah--;
      }
      let bh = uh - fh; // up - frac
      let bl = rl - fl;
      if (bl < 0) {
        bl += TWO32;
        bh--;
      }
      if (!(ah > bh || (ah === bh && al > bl))) break;
    }
    last--;
    rh = uh;
  }
  return digits.slice(0, -1) + String.fromCharCode(last);
}

/** fpconv's layout: plain integer, plain decimal, or d.ddde[+-]x (exponent without padding). */
function emitDigits(digits: string, K: number, neg: boolean): string {
  let nd = digits.length;
  const exp = Math.abs(K + nd - 1);
  if (K >= 0 && exp < nd + 7) return digits + "0".repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = nd + K;
    if (offset <= 0) return "0." + "0".repeat(-offset) + digits;
    return digits.slice(0, offset) + "." + digits.slice(offset);
  }
  // At most 18 (17 if negative) digits; the printed exponent is the untruncated one, as in C.
  nd = Math.min(nd, neg ? 17 : 18);
  let out = digits[0];
  if (nd > 1) out += "." + digits.slice(1, nd);
  out += K + nd - 1 < 0 ? "e-" : "e+";
  return out + exp;
}

/** Redis `fpconv_dtoa`: Grisu2 shortest-ish representation ("inf", "nan", "-0" handled). */
export function fpconvDtoa(d: number): string {
  if (d !== d) return "nan";
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const neg = d < 0;
  const a = neg ? -d : d;
  const text = a >= 2.2250738585072014e-308 ? grisu2Fast(a, neg) : grisu2Exact(a, neg);
  return neg ? "-" + text : text;
}

/** 2^62: `double2ll` prints integral doubles within +-LLONG_MAX/2 (as a double) via ll2string. */
const LL_HALF = 4611686018427387904;

/**
 * Redis 7.2 `d2string`, used by `addReplyDouble` (RESP2 bulk and RESP3 `,` alike) and for zset
 * scores: "nan", "inf", "-inf", "0", "-0", integral values in [-2^62, 2^62] as integers, anything
 * else with fpconv_dtoa (e.g. "0.1", "1.5e-7", "1e+21", "123456789012345680" for 1.2345678901234568e17).
 */
export function formatDouble(d: number): string {
  if (Number.isInteger(d)) {
    if (d >= -LL_HALF && d <= LL_HALF) {
      if (d === 0) return Object.is(d, -0) ? "-0" : "0";
      // Safe integers print exactly with String(); larger ones (< 2^62) need BigInt to avoid
      // exponent notation.
      return d >= -Number.MAX_SAFE_INTEGER && d <= Number.MAX_SAFE_INTEGER
        ? String(d)
        : BigInt(d).toString();
    }
  }
  return fpconvDtoa(d);
}
