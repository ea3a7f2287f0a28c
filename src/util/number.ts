/**
 * Number parsing and formatting with Redis 7.2 semantics (util.c, object.c, deps/fpconv):
 * - `string2ll` integers (INCR, EXPIRE, ranges, ...);
 * - `strtod`-based doubles as accepted by `getDoubleFromObject` (ZADD, ZINCRBY, ...);
 * - `d2string` / `fpconv_dtoa` (Grisu2) double printing used by replies and zset scores;
 * - x87 80-bit `long double` arithmetic for INCRBYFLOAT / HINCRBYFLOAT: `strtold` parsing,
 *   correctly rounded addition and `ld2string(LD_STR_HUMAN)` (`%.17Lf` without trailing zeros),
 *   all done exactly with BigInt.
 *
 * Inputs are byte arrays or binary strings (char codes 0-255).
 */

import { binaryToBytes, bytesToBinary } from "./bytes.ts";

// ---------------------------------------------------------------------------------------------
// Integers (string2ll)
// ---------------------------------------------------------------------------------------------

const INT64_MAX = "9223372036854775807";
const INT64_MIN_ABS = "9223372036854775808";

/**
 * True when `s` is the canonical decimal form of an int64 (string2ll: no sign other than a
 * leading '-', no leading zeros, no "-0", in range). No BigInt: also the intset test.
 */
export function isInt64String(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 20) return false;
  if (len === 1) {
    const c = s.charCodeAt(0);
    return c >= 48 && c <= 57;
  }
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) i = 1;
  const first = s.charCodeAt(i);
  if (first < 49 || first > 57) return false;
  for (let j = i + 1; j < len; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return false;
  }
  const digits = len - i;
  if (digits < 19) return true;
  if (digits > 19) return false;
  const digitsStr = neg ? s.slice(1) : s;
  return digitsStr <= (neg ? INT64_MIN_ABS : INT64_MAX);
}

/**
 * Fast `string2ll` for the common case. Returns the value when `bytes` is a valid Redis integer
 * (no sign other than a leading `-`, no leading zeros, no spaces, not "-0") within the JS safe
 * integer range; returns null otherwise, in which case callers fall back to {@link parseLongLong}
 * to tell "invalid" from "valid but large".
 */
export function parseInteger(bytes: Uint8Array): number | null {
  const n = bytes.length;
  // 17 chars is the longest safe integer ("-9007199254740991").
  if (n === 0 || n > 17) return null;
  let c = bytes[0];
  let i = 1;
  let neg = false;
  if (c === 45) {
    if (n === 1) return null;
    neg = true;
    c = bytes[1];
    i = 2;
  } else if (c === 48) {
    return n === 1 ? 0 : null;
  }
  // First digit must be 1-9 (this also rejects "-0" and leading zeros).
  if (c < 49 || c > 57) return null;
  let v = c - 48;
  for (; i < n; i++) {
    c = bytes[i];
    if (c < 48 || c > 57) return null;
    v = v * 10 + (c - 48);
  }
  // Accumulation is exact below 2^53 and monotonic above it, so this test is sound.
  if (v > Number.MAX_SAFE_INTEGER) return null;
  return neg ? -v : v;
}

/** Redis `string2ll`: the int64 value of `bytes`, or null if it is not a canonical integer. */
export function parseLongLong(bytes: Uint8Array | string): bigint | null {
  // 20 chars is the longest int64 ("-9223372036854775808"): don't convert anything longer.
  if (bytes.length === 0 || bytes.length > 20) return null;
  const s = typeof bytes === "string" ? bytes : bytesToBinary(bytes);
  return isInt64String(s) ? BigInt(s) : null;
}

/**
 * `string2ll` as a number when the value is a safe integer (the common case, no BigInt), else as
 * a bigint; null when it is not a canonical int64.
 */
export function parseInt64(bytes: Uint8Array): number | bigint | null {
  return parseInteger(bytes) ?? parseLongLong(bytes);
}

/** Redis `ll2string`: decimal representation of an integer. */
export function formatLongLong(n: bigint | number): string {
  // String(-0) is "0", matching a C long long.
  return String(n);
}

// ---------------------------------------------------------------------------------------------
// strtod / strtold grammar (C locale) and exact binary rounding
// ---------------------------------------------------------------------------------------------

/**
 * The subject sequence strtod reads (after any leading space): optional sign, then a hex float,
 * a decimal number, inf/infinity or nan/nan(chars). Sticky, so `exec` from `lastIndex` matches
 * the longest subject there, which is where strtod stops: the hex branch comes first ("0x1p3"),
 * and "0x" without hex digits falls back to the decimal "0", as in C.
 */
const STRTOD_RE =
  /([+-]?)(?:0[xX]([\da-fA-F]+\.?[\da-fA-F]*|\.[\da-fA-F]+)(?:[pP]([+-]?\d+))?|(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?|([iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|([nN][aA][nN](?:\([\dA-Za-z_]*\))?))/y;

/** A binary floating-point format: significand bits, LSB exponent of subnormals, 2^maxExp = inf. */
interface BinFormat {
  prec: number;
  minExp: number;
  maxExp: number;
}

const DOUBLE_FMT: BinFormat = { prec: 53, minExp: -1074, maxExp: 1024 };
/** x87 extended precision: 64-bit significand with explicit integer bit, 15-bit exponent. */
const LDOUBLE_FMT: BinFormat = { prec: 64, minExp: -16445, maxExp: 16384 };

function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Sentinel for overflow to infinity. */
const OVERFLOW = null;

/**
 * Rounds `m * 2^e` (plus a positive amount smaller than 2^e when `sticky`, m > 0) to the format,
 * round-half-even. Returns the significand/exponent (significand 0 on underflow to zero) or
 * OVERFLOW. Callers with `sticky` must supply at least prec+2 significant bits.
 */
function roundBinary(
  m: bigint,
  e: number,
  sticky: boolean,
  fmt: BinFormat,
): { m: bigint; e: number } | null {
  const len = bitLength(m);
  const sh = Math.max(len - fmt.prec, fmt.minExp - e);
  if (sh > 0) {
    if (sh > len + 1) return { m: 0n, e: fmt.minExp }; // far below half the smallest step
    const bsh = BigInt(sh);
    let q = m >> bsh;
    const rem = m - (q << bsh);
    const half = 1n << (bsh - 1n);
    if (rem > half || (rem === half && (sticky || (q & 1n) === 1n))) q++;
    m = q;
    e += sh;
    if (bitLength(m) > fmt.prec) {
      m >>= 1n;
      e++;
    }
  }
  if (m !== 0n && e + bitLength(m) > fmt.maxExp) return OVERFLOW;
  return { m, e };
}

/** Parsed pieces of a float literal, before rounding to a format. */
type FloatLiteral =
  | { neg: boolean; kind: "inf" }
  | { neg: boolean; kind: "nan" }
  | { neg: boolean; kind: "dec"; digits: string; exp: number }
  | { neg: boolean; kind: "hex"; digits: string; exp: number };

/** End of the subject matched by the last {@link parseLiteralAt}. */
let literalEnd = 0;

/** The strtod subject starting exactly at `pos` (no space skipping), or null when none. */
function parseLiteralAt(s: string, pos: number): FloatLiteral | null {
  STRTOD_RE.lastIndex = pos;
  const mt = STRTOD_RE.exec(s);
  if (mt === null) return null;
  literalEnd = STRTOD_RE.lastIndex;
  const neg = mt[1] === "-";
  if (mt[6] !== undefined) return { neg, kind: "inf" };
  if (mt[7] !== undefined) return { neg, kind: "nan" };
  if (mt[4] !== undefined) {
    const dot = mt[4].indexOf(".");
    const digits = dot < 0 ? mt[4] : mt[4].slice(0, dot) + mt[4].slice(dot + 1);
    const fracLen = dot < 0 ? 0 : mt[4].length - dot - 1;
    // Huge exponents just saturate; the range checks below handle them.
    const exp = (mt[5] === undefined ? 0 : Number(mt[5])) - fracLen;
    return { neg, kind: "dec", digits, exp };
  }
  const hx = mt[2];
  const dot = hx.indexOf(".");
  const digits = dot < 0 ? hx : hx.slice(0, dot) + hx.slice(dot + 1);
  const fracLen = dot < 0 ? 0 : hx.length - dot - 1;
  const exp = (mt[3] === undefined ? 0 : Number(mt[3])) - 4 * fracLen;
  return { neg, kind: "hex", digits, exp };
}

/**
 * A literal spanning all of `s`, NaN excluded: what string2d/string2ld accept before their range
 * checks (Redis rejects NaN after parsing, and leading space or trailing bytes too).
 */
function parseLiteral(s: string): Exclude<FloatLiteral, { kind: "nan" }> | null {
  const lit = parseLiteralAt(s, 0);
  if (lit === null || lit.kind === "nan" || literalEnd !== s.length) return null;
  return lit;
}

/**
 * Correctly rounded conversion of a finite literal to the format, like glibc strtod/strtold.
 * Returns OVERFLOW for +-HUGE_VAL results; `m === 0n` with `underflow` set when a nonzero
 * literal rounded to zero (glibc reports ERANGE, which Redis rejects).
 */
function literalToBinary(
  lit: Extract<FloatLiteral, { digits: string }>,
  fmt: BinFormat,
): { m: bigint; e: number; underflow: boolean } | null {
  let digits = lit.digits;
  let exp = lit.exp;
  // Strip leading zeros; trailing zeros move into the exponent.
  let a = 0;
  while (a < digits.length && digits.charCodeAt(a) === 48) a++;
  let b = digits.length;
  while (b > a && digits.charCodeAt(b - 1) === 48) b--;
  if (a === b) return { m: 0n, e: 0, underflow: false };
  if (lit.kind === "dec") {
    exp += digits.length - b;
    digits = digits.slice(a, b);
    const top = exp + digits.length; // value < 10^top and >= 10^(top-1)
    // Decimal digits per binary bit: log10(2) ~ 0.30103.
    if (top - 1 > (fmt.maxExp + 1) * 0.30103) return OVERFLOW;
    if (top < (fmt.minExp - 2) * 0.30103) return { m: 0n, e: 0, underflow: true };
    const d = BigInt(digits);
    let r: { m: bigint; e: number } | null;
    if (exp >= 0) {
      r = roundBinary(d * 10n ** BigInt(exp), 0, false, fmt);
    } else {
      const den = 10n ** BigInt(-exp);
      const s = Math.max(0, fmt.prec + 3 + bitLength(den) - bitLength(d));
      const num = d << BigInt(s);
      const q = num / den;
      r = roundBinary(q, -s, q * den !== num, fmt);
    }
    if (r === OVERFLOW) return OVERFLOW;
    return { m: r.m, e: r.e, underflow: r.m === 0n };
  }
  exp += 4 * (digits.length - b);
  digits = digits.slice(a, b);
  const h = BigInt("0x" + digits);
  const top = exp + bitLength(h);
  if (top > fmt.maxExp + 1) return OVERFLOW;
  if (top < fmt.minExp - 1) return { m: 0n, e: 0, underflow: true };
  const r = roundBinary(h, exp, false, fmt);
  if (r === OVERFLOW) return OVERFLOW;
  return { m: r.m, e: r.e, underflow: r.m === 0n };
}

// ---------------------------------------------------------------------------------------------
// Doubles
// ---------------------------------------------------------------------------------------------

/**
 * Redis `getDoubleFromObject` / `string2d`: strtod over the whole input. Accepts decimal and
 * hex floats and inf/infinity (any case, optional sign); rejects empty input, leading or
 * trailing spaces, trailing bytes (including NUL), NaN, and out-of-range values (overflow to
 * +-inf or a nonzero literal underflowing to 0; subnormal results are accepted).
 */
export function parseDouble(bytes: Uint8Array | string): number | null {
  const s = typeof bytes === "string" ? bytes : bytesToBinary(bytes);
  const lit = parseLiteral(s);
  if (lit === null) return null;
  const v = literalToDouble(lit, s, 0, s.length);
  return literalErange && (v === 0 || v === Infinity || v === -Infinity) ? null : v;
}

/** Smallest normal double (DBL_MIN); nonzero results below it set ERANGE. */
const DBL_MIN = 2.2250738585072014e-308;

/** Whether the last {@link literalToDouble} overflowed or underflowed (strtod's ERANGE). */
let literalErange = false;

/** strtod's value of a literal, correctly rounded; `s.slice(from, to)` is its text. */
function literalToDouble(lit: FloatLiteral, s: string, from: number, to: number): number {
  literalErange = false;
  switch (lit.kind) {
    case "inf":
      return lit.neg ? -Infinity : Infinity;
    case "nan":
      return NaN;
    case "dec": {
      // V8's string-to-number conversion is correctly rounded, like glibc's strtod, and
      // accepts every decimal form the grammar lets through.
      const v = Number(s.slice(from, to));
      if (!Number.isFinite(v) || (Math.abs(v) < DBL_MIN && /[1-9]/.test(lit.digits))) {
        literalErange = true;
      }
      return v;
    }
    case "hex": {
      const r = literalToBinary(lit, DOUBLE_FMT);
      if (r === OVERFLOW) {
        literalErange = true;
        return lit.neg ? -Infinity : Infinity;
      }
      const v = Number(r.m) * 2 ** r.e; // exact: r.m < 2^53 and the result is representable
      if (r.underflow || (v !== 0 && v < DBL_MIN)) literalErange = true;
      return lit.neg ? -v : v;
    }
  }
}

/** C `isspace()` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * strtod(3) in the C locale applied to `s` (a binary string) from `start`: leading white space, a
 * sign, then a decimal or hexadecimal float, "inf", "infinity" or "nan" (any case). Returns
 * [value, end]; `end` is `start` when nothing was converted (and the value 0). Overflow gives
 * +-Infinity and underflow a subnormal or zero value, both flagging {@link lastStrtodErange}.
 */
export function strtodPrefix(s: string, start = 0): [number, number] {
  let i = start;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const lit = parseLiteralAt(s, i);
  if (lit === null) {
    literalErange = false;
    return [0, start];
  }
  const end = literalEnd;
  return [literalToDouble(lit, s, i, end), end];
}

/** True when the last {@link strtodPrefix} call would have set errno to ERANGE. */
export function lastStrtodErange(): boolean {
  return literalErange;
}

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

/** Decimal exponent of the last digit produced by grisu2Fast/grisu2Exact. */
let grisuK = 0;

/**
 * Grisu2 digit generation exactly as Redis's fpconv_dtoa (including its non-shortest outputs),
 * with uint64 arithmetic emulated by BigInt. `d` must be finite and positive. Used for
 * subnormals, where the rounding interval is too wide for {@link grisu2Fast}'s shortcuts.
 * Returns the digits; the exponent of the last one goes to `grisuK`.
 */
function grisu2Exact(d: number): string {
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
      grisuK = K + kappa;
      return roundDigit(digits, delta, tmp, (BigInt(div) << shift) & MASK64, wfrac);
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
      grisuK = K + kappa;
      return roundDigit(digits, delta, part2, one, (wfrac * unit) & MASK64);
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

/** Output of mulFpLimbs: high and low uint32 halves. */
const mulOut = new Float64Array(2);

/** round(x * c / 2^64) as Grisu's multiply computes it, x and c given as 16-bit limbs. */
function mulFpLimbs(x3: number, x2: number, x1: number, x0: number, c: CachedPower): void {
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
  mulOut[0] = t;
  mulOut[1] = l5 * 65536 + l4;
}

const TWO32 = 4294967296;

/**
 * Grisu2 as fpconv_dtoa computes it, for normal positive doubles, in plain double arithmetic.
 * For normal doubles the scaled rounding interval (delta) is below 2^14 units, which bounds
 * every intermediate: the integral-part loop never adjusts its last digit, and delta * 10^n
 * stays exact until the fractional loop ends (before delta exceeds 2^64). 64-bit values are
 * kept as (hi, lo) uint32 pairs where they can exceed 2^53.
 */
function grisu2Fast(d: number): string {
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

  mulFpLimbs(x3, x2, x1, x0, cp);
  const wH = mulOut[0];
  const wL = mulOut[1];
  mulFpLimbs(x3, x2, x1, x0 + 1024, cp);
  // upper - 1
  let uH = mulOut[0];
  let uL = mulOut[1] - 1;
  if (uL < 0) {
    uL += TWO32;
    uH--;
  }
  // lower = w - gap: borrow from the upper limbs when the low limb is too small.
  if (x0 >= lowerGap) {
    mulFpLimbs(x3, x2, x1, x0 - lowerGap, cp);
  } else {
    let ll = wl - lowerGap;
    let lh = wh;
    if (ll < 0) {
      ll += TWO32;
      lh--;
    }
    mulFpLimbs(lh >>> 16, lh & 0xffff, ll >>> 16, ll & 0xffff, cp);
  }
  // lower + 1
  const lH = mulOut[0];
  const lL = mulOut[1] + 1;

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
      grisuK = K + kappa;
      return digits;
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
      grisuK = K + kappa;
      return roundDigitFast(digits, dH, dL, ph, pl, sh, wfrac * unit);
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
  const digits = a >= 2.2250738585072014e-308 ? grisu2Fast(a) : grisu2Exact(a);
  return (neg ? "-" : "") + emitDigits(digits, grisuK, neg);
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

// ---------------------------------------------------------------------------------------------
// long double (x87 80-bit) for INCRBYFLOAT / HINCRBYFLOAT
// ---------------------------------------------------------------------------------------------

/**
 * An x87 extended-precision value: `(-1)^neg * m * 2^e`, or an infinity when `inf` is set.
 * Finite nonzero values are kept normalized (m in [2^63, 2^64)) unless subnormal (e = -16445).
 */
export interface LongDouble {
  neg: boolean;
  inf: boolean;
  m: bigint;
  e: number;
}

/** Longest input `string2ld` accepts is MAX_LONG_DOUBLE_CHARS - 1. */
const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

function normalizeLD(neg: boolean, m: bigint, e: number): LongDouble {
  if (m === 0n) return { neg, inf: false, m: 0n, e: 0 };
  const sh = Math.min(64 - bitLength(m), e - LDOUBLE_FMT.minExp);
  if (sh > 0) {
    m <<= BigInt(sh);
    e -= sh;
  }
  return { neg, inf: false, m, e };
}

/**
 * Redis `string2ld`: strtold over the whole input (1 to 5119 bytes). Same grammar and range
 * rules as {@link parseDouble} but rounded to the 64-bit significand; "inf" is accepted here
 * (INCRBYFLOAT then fails on the infinite result). Returns null for invalid input.
 */
export function parseLongDouble(bytes: Uint8Array | string): LongDouble | null {
  if (bytes.length >= MAX_LONG_DOUBLE_CHARS) return null;
  const s = typeof bytes === "string" ? bytes : bytesToBinary(bytes);
  const lit = parseLiteral(s);
  if (lit === null) return null;
  if (lit.kind === "inf") return { neg: lit.neg, inf: true, m: 0n, e: 0 };
  const r = literalToBinary(lit, LDOUBLE_FMT);
  if (r === OVERFLOW || r.underflow) return null;
  return normalizeLD(lit.neg, r.m, r.e);
}

/** Converts a double to long double (exact, as C does). */
export function longDoubleFromNumber(d: number): LongDouble {
  if (d === Infinity || d === -Infinity) return { neg: d < 0, inf: true, m: 0n, e: 0 };
  const neg = d < 0 || Object.is(d, -0);
  if (d === 0) return { neg, inf: false, m: 0n, e: 0 };
  f64[0] = neg ? -d : d;
  const bits = u64[0];
  const bexp = Number(bits >> 52n);
  let m = bits & 0xFFFFFFFFFFFFFn;
  if (bexp !== 0) m += 1n << 52n;
  return normalizeLD(neg, m, (bexp === 0 ? 1 : bexp) - 1075);
}

/**
 * Converts a long double to the nearest double (round-half-even, as C's conversion does):
 * magnitudes past the double range become +-Infinity, tiny ones 0 or a subnormal.
 */
export function longDoubleToNumber(x: LongDouble): number {
  if (x.inf) return x.neg ? -Infinity : Infinity;
  const r = x.m === 0n ? { m: 0n, e: 0 } : roundBinary(x.m, x.e, false, DOUBLE_FMT);
  // Exact: the rounded significand has at most 53 bits and the result is representable.
  const v = r === OVERFLOW ? Infinity : Number(r.m) * 2 ** r.e;
  return x.neg ? -v : v;
}

/**
 * `a + b` in x87 extended precision, round-half-even (the FPU default). Returns null for NaN
 * (inf + -inf); overflow yields an infinity.
 */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.inf || b.inf) {
    if (a.inf && b.inf && a.neg !== b.neg) return null;
    return a.inf ? a : b;
  }
  if (a.m === 0n) return b.m === 0n ? { ...a, neg: a.neg && b.neg } : b;
  if (b.m === 0n) return a;
  if (a.e < b.e) {
    const t = a;
    a = b;
    b = t;
  }
  // b below a quarter of a's smallest step cannot change a under round-to-nearest.
  if (a.e - b.e > 200) return a;
  const x = a.m << BigInt(a.e - b.e);
  const sum = (a.neg ? -x : x) + (b.neg ? -b.m : b.m);
  if (sum === 0n) return { neg: false, inf: false, m: 0n, e: 0 };
  const neg = sum < 0n;
  const r = roundBinary(neg ? -sum : sum, b.e, false, LDOUBLE_FMT);
  if (r === OVERFLOW) return { neg, inf: true, m: 0n, e: 0 };
  return normalizeLD(neg, r.m, r.e);
}

const TEN17 = 10n ** 17n;

/**
 * Redis `ld2string(..., LD_STR_HUMAN)`: `%.17Lf` (round-half-even on exact ties, like glibc),
 * trailing zeros and a trailing '.' removed, "-0" turned into "0"; "inf"/"-inf" for infinities.
 */
export function formatLongDouble(x: LongDouble): string {
  if (x.inf) return x.neg ? "-inf" : "inf";
  let scaled: bigint; // round(|x| * 10^17)
  if (x.e >= 0) {
    scaled = (x.m << BigInt(x.e)) * TEN17;
  } else {
    const sh = BigInt(-x.e);
    const n = x.m * TEN17;
    scaled = n >> sh;
    const rem = n - (scaled << sh);
    const half = 1n << (sh - 1n);
    if (rem > half || (rem === half && (scaled & 1n) === 1n)) scaled++;
  }
  const ip = scaled / TEN17;
  let fp = (scaled - ip * TEN17).toString();
  let out = ip.toString();
  if (fp !== "0") {
    fp = "0".repeat(17 - fp.length) + fp;
    let end = fp.length;
    while (fp.charCodeAt(end - 1) === 48) end--;
    out += "." + fp.slice(0, end);
  }
  return x.neg && out !== "0" ? "-" + out : out;
}

/** `ld2string(LD_STR_HUMAN)` of a double, as GEOPOS etc. print coordinates. */
export function formatHumanDouble(d: number): string {
  return formatLongDouble(longDoubleFromNumber(d));
}

/** Result of an increment: the new stored value, or a full error reply text. */
export type IncrResult = { value: Uint8Array } | { error: string };

const ERR_NOT_FLOAT = "ERR value is not a valid float";
const ERR_NAN_INF = "ERR increment would produce NaN or Infinity";

/**
 * INCRBYFLOAT on a string value (`null` for a missing key): parse the current value, then the
 * increment (both with `string2ld`), add in long double and format with LD_STR_HUMAN.
 * E.g. "10.5" + "0.1" -> "10.6", then + "1e3" -> "1010.59999999999999998".
 */
export function incrByFloat(current: Uint8Array | null, incr: Uint8Array): IncrResult {
  const cur = current === null ? ZERO_LD : parseLongDouble(current);
  if (cur === null) return { error: ERR_NOT_FLOAT };
  const inc = parseLongDouble(incr);
  if (inc === null) return { error: ERR_NOT_FLOAT };
  const sum = addLongDouble(cur, inc);
  if (sum === null || sum.inf) return { error: ERR_NAN_INF };
  return { value: binaryToBytes(formatLongDouble(sum)) };
}

const ZERO_LD: LongDouble = { neg: false, inf: false, m: 0n, e: 0 };

/**
 * First HINCRBYFLOAT check, done before the key is even looked up (so it wins over WRONGTYPE):
 * returns the error reply for a bad increment, or null when it is a finite float.
 */
export function checkHincrByFloatIncrement(incr: Uint8Array): string | null {
  const inc = parseLongDouble(incr);
  if (inc === null) return ERR_NOT_FLOAT;
  if (inc.inf) return "ERR value is NaN or Infinity";
  return null;
}

/**
 * HINCRBYFLOAT on a hash field value (`null` when the field is missing), with its own errors:
 * the increment checks of {@link checkHincrByFloatIncrement}, then "ERR hash value is not a
 * float" for a bad current value, then the NaN/Infinity result error.
 */
export function hincrByFloat(current: Uint8Array | null, incr: Uint8Array): IncrResult {
  const bad = checkHincrByFloatIncrement(incr);
  if (bad !== null) return { error: bad };
  const inc = parseLongDouble(incr)!;
  const cur = current === null ? ZERO_LD : parseLongDouble(current);
  if (cur === null) return { error: "ERR hash value is not a float" };
  const sum = addLongDouble(cur, inc);
  if (sum === null || sum.inf) return { error: ERR_NAN_INF };
  return { value: binaryToBytes(formatLongDouble(sum)) };
}
