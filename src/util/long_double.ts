/**
 * x87 80-bit `long double` arithmetic for INCRBYFLOAT / HINCRBYFLOAT, done exactly with BigInt:
 * `strtold` parsing (string2ld), correctly rounded addition and `ld2string(LD_STR_HUMAN)`
 * (`%.17Lf` without trailing zeros).
 *
 * Inputs are byte arrays or binary strings (char codes 0-255).
 */

import { bytesToBinary } from "./bytes.ts";
import {
  bitLength,
  DOUBLE_FMT,
  LDOUBLE_FMT,
  literalToBinary,
  OVERFLOW,
  parseLiteral,
  roundBinary,
} from "./strtod.ts";

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);

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

/** Zero, the starting value of a missing key or field. */
export const ZERO_LD: LongDouble = { neg: false, inf: false, m: 0n, e: 0 };
