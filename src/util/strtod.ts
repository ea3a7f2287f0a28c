/**
 * strtod / strtold as Redis 7.2 relies on them (C locale, glibc rounding): the literal grammar
 * (decimal and hex floats, inf/infinity, nan), correctly rounded conversion to a binary format
 * (double, or x87 long double for long_double.ts), `string2d` (parseDouble: getDoubleFromObject,
 * ZADD, ...) and plain strtod prefixes (strtodPrefix: ZRANGEBYSCORE bounds, SORT).
 *
 * Inputs are byte arrays or binary strings (char codes 0-255).
 */

import { bytesToBinary } from "./bytes.ts";

/**
 * The subject sequence strtod reads (after any leading space): optional sign, then a hex float,
 * a decimal number, inf/infinity or nan/nan(chars). Sticky, so `exec` from `lastIndex` matches
 * the longest subject there, which is where strtod stops: the hex branch comes first ("0x1p3"),
 * and "0x" without hex digits falls back to the decimal "0", as in C.
 */
const STRTOD_RE =
  /([+-]?)(?:0[xX]([\da-fA-F]+\.?[\da-fA-F]*|\.[\da-fA-F]+)(?:[pP]([+-]?\d+))?|(\d+\.?\d*|\.\d+)(?:[eE]([+-]?\d+))?|([iI][nN][fF](?:[iI][nN][iI][tT][yY])?)|([nN][aA][nN](?:\([\dA-Za-z_]*\))?))/y;

/** A binary floating-point format: significand bits, LSB exponent of subnormals, 2^maxExp = inf. */
export interface BinFormat {
  prec: number;
  minExp: number;
  maxExp: number;
}

export const DOUBLE_FMT: BinFormat = { prec: 53, minExp: -1074, maxExp: 1024 };
/** x87 extended precision: 64-bit significand with explicit integer bit, 15-bit exponent. */
export const LDOUBLE_FMT: BinFormat = { prec: 64, minExp: -16445, maxExp: 16384 };

/** Number of significant bits of a non-negative BigInt. */
export function bitLength(m: bigint): number {
  return m === 0n ? 0 : m.toString(2).length;
}

/** Sentinel for overflow to infinity. */
export const OVERFLOW = null;

/**
 * Rounds `m * 2^e` (plus a positive amount smaller than 2^e when `sticky`, m > 0) to the format,
 * round-half-even. Returns the significand/exponent (significand 0 on underflow to zero) or
 * OVERFLOW. Callers with `sticky` must supply at least prec+2 significant bits.
 */
export function roundBinary(
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

/** Parsed pieces of a float literal, before rounding to a format; `end` is where it stops. */
type FloatLiteral =
  | { neg: boolean; end: number; kind: "inf" }
  | { neg: boolean; end: number; kind: "nan" }
  | { neg: boolean; end: number; kind: "dec"; digits: string; exp: number }
  | { neg: boolean; end: number; kind: "hex"; digits: string; exp: number };

/** The strtod subject starting exactly at `pos` (no space skipping), or null when none. */
function parseLiteralAt(s: string, pos: number): FloatLiteral | null {
  STRTOD_RE.lastIndex = pos;
  const mt = STRTOD_RE.exec(s);
  if (mt === null) return null;
  const end = STRTOD_RE.lastIndex;
  const neg = mt[1] === "-";
  if (mt[6] !== undefined) return { neg, end, kind: "inf" };
  if (mt[7] !== undefined) return { neg, end, kind: "nan" };
  if (mt[4] !== undefined) {
    const dot = mt[4].indexOf(".");
    const digits = dot < 0 ? mt[4] : mt[4].slice(0, dot) + mt[4].slice(dot + 1);
    const fracLen = dot < 0 ? 0 : mt[4].length - dot - 1;
    // Huge exponents just saturate; the range checks below handle them.
    const exp = (mt[5] === undefined ? 0 : Number(mt[5])) - fracLen;
    return { neg, end, kind: "dec", digits, exp };
  }
  const hx = mt[2];
  const dot = hx.indexOf(".");
  const digits = dot < 0 ? hx : hx.slice(0, dot) + hx.slice(dot + 1);
  const fracLen = dot < 0 ? 0 : hx.length - dot - 1;
  const exp = (mt[3] === undefined ? 0 : Number(mt[3])) - 4 * fracLen;
  return { neg, end, kind: "hex", digits, exp };
}

/**
 * A literal spanning all of `s`, NaN excluded: what string2d/string2ld accept before their range
 * checks (Redis rejects NaN after parsing, and leading space or trailing bytes too).
 */
export function parseLiteral(s: string): Exclude<FloatLiteral, { kind: "nan" }> | null {
  const lit = parseLiteralAt(s, 0);
  if (lit === null || lit.kind === "nan" || lit.end !== s.length) return null;
  return lit;
}

/**
 * Correctly rounded conversion of a finite literal to the format, like glibc strtod/strtold.
 * Returns OVERFLOW for +-HUGE_VAL results; `m === 0n` with `underflow` set when a nonzero
 * literal rounded to zero (glibc reports ERANGE, which Redis rejects).
 */
export function literalToBinary(
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

/**
 * Redis `getDoubleFromObject` / `string2d`: strtod over the whole input. Accepts decimal and
 * hex floats and inf/infinity (any case, optional sign); rejects empty input, leading or
 * trailing spaces, trailing bytes (including NUL), NaN, and out-of-range values (overflow to
 * +-inf or a nonzero literal underflowing to 0; subnormal results are accepted).
 */
export function parseDouble(bytes: Uint8Array | string): number | null {
  if (typeof bytes !== "string") {
    const v = plainDecimal(bytes);
    if (v === v) return v;
  }
  const s = typeof bytes === "string" ? bytes : bytesToBinary(bytes);
  const lit = parseLiteral(s);
  if (lit === null) return null;
  const v = literalToDouble(lit, s, 0, s.length);
  return (v === 0 || v === Infinity || v === -Infinity) && isErange(lit, v) ? null : v;
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * The value of `[+-]digits[.digits]` with at most 15 digits (what scores and coordinates
 * usually look like), or NaN for anything else. Exact without strtod's machinery: the digits
 * form an integer below 2^53 and the power of ten is exact, so the one division rounds
 * correctly, as strtod does.
 */
function plainDecimal(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  let neg = false;
  if (n > 0 && (b[0] === 45 || b[0] === 43)) {
    neg = b[0] === 45;
    i = 1;
  }
  if (n - i > 16 || i === n) return NaN;
  let m = 0;
  let digits = 0;
  let dot = -1;
  for (; i < n; i++) {
    const d = b[i] - 48;
    if (d >= 0 && d <= 9) {
      m = m * 10 + d;
      digits++;
    } else if (b[i] === 46 && dot < 0) dot = i;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = dot < 0 ? m : m / POW10[n - 1 - dot];
  return neg ? -v : v;
}

/** Smallest normal double (DBL_MIN); nonzero results below it set ERANGE. */
const DBL_MIN = 2.2250738585072014e-308;

/** strtod's value of a literal, correctly rounded; `s.slice(from, to)` is its text. */
function literalToDouble(lit: FloatLiteral, s: string, from: number, to: number): number {
  switch (lit.kind) {
    case "inf":
      return lit.neg ? -Infinity : Infinity;
    case "nan":
      return NaN;
    case "dec": {
      // V8's string-to-number conversion is correctly rounded, like glibc's strtod, and
      // accepts every decimal form the grammar lets through.
      return Number(s.slice(from, to));
    }
    case "hex": {
      const r = literalToBinary(lit, DOUBLE_FMT);
      if (r === OVERFLOW) return lit.neg ? -Infinity : Infinity;
      const v = Number(r.m) * 2 ** r.e; // exact: r.m < 2^53 and the result is representable
      return lit.neg ? -v : v;
    }
  }
}

/**
 * Whether strtod sets ERANGE converting `lit` to `v`: a number literal overflowed to +-inf, or a
 * nonzero one came out as zero or a subnormal.
 */
function isErange(lit: FloatLiteral, v: number): boolean {
  if (lit.kind === "inf" || lit.kind === "nan") return false;
  return !Number.isFinite(v) || (Math.abs(v) < DBL_MIN && /[1-9a-fA-F]/.test(lit.digits));
}

/** C `isspace()` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * strtod(3) in the C locale applied to `s` (a binary string) from `start`: leading white space, a
 * sign, then a decimal or hexadecimal float, "inf", "infinity" or "nan" (any case). Returns
 * [value, end, erange]; `end` is `start` when nothing was converted (and the value 0). Overflow
 * gives +-Infinity and underflow a subnormal or zero value, both with `erange` set (errno ERANGE).
 */
export function strtodPrefix(s: string, start = 0): [number, number, boolean] {
  let i = start;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  const lit = parseLiteralAt(s, i);
  if (lit === null) return [0, start, false];
  const v = literalToDouble(lit, s, i, lit.end);
  return [v, lit.end, isErange(lit, v)];
}
