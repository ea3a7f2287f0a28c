/**
 * Integer parsing and printing with Redis 7.2 semantics (util.c string2ll / ll2string): the
 * strict decimal int64 form INCR, EXPIRE, ranges and counts accept. Doubles are parsed in
 * strtod.ts, printed in fpconv.ts; long doubles (INCRBYFLOAT) are in long_double.ts.
 *
 * Inputs are byte arrays or binary strings (char codes 0-255).
 */

import { bytesToBinary } from "./bytes.ts";

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
  return parseIntegerAt(bytes, 0, bytes.length);
}

/** {@link parseInteger} of the `n` bytes at `off` in `bytes` (no view needed). */
export function parseIntegerAt(bytes: Uint8Array, off: number, n: number): number | null {
  // 17 chars is the longest safe integer ("-9007199254740991").
  if (n === 0 || n > 17) return null;
  let c = bytes[off];
  let i = 1;
  let neg = false;
  if (c === 45) {
    if (n === 1) return null;
    neg = true;
    c = bytes[off + 1];
    i = 2;
  } else if (c === 48) {
    return n === 1 ? 0 : null;
  }
  // First digit must be 1-9 (this also rejects "-0" and leading zeros).
  if (c < 49 || c > 57) return null;
  let v = c - 48;
  for (; i < n; i++) {
    c = bytes[off + i];
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

/** The smallest power of two times `min` (a power of two) that is at least `n`: table sizes. */
export function pow2AtLeast(n: number, min: number): number {
  let c = min;
  while (c < n) c *= 2;
  return c;
}
