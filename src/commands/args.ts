/**
 * Argument parsing shared by the command groups: object.c's get*FromObjectOrReply family.
 *
 * Each helper reads `c.argv[i]` (getDouble also past the argv head of a command run from its
 * argument block, arg_block.ts); on failure it replies the error and returns null. `msg`, when
 * given, replaces the default error text for every failure; like the `msg` of Redis's helpers it
 * has no "ERR " prefix (addReplyError adds it).
 */

import type { Client } from "../server/client.ts";
import { argAt } from "../resp/arg_block.ts";
import type { ArgDoc } from "../server/command_table.ts";
import { NOT_FLOAT, NOT_INTEGER, SYNTAX_ERR } from "../store/types.ts";
import { parseInt64, parseLongLong } from "../util/number.ts";
import { parseDouble } from "../util/strtod.ts";

/** LONG_MAX (64-bit): the bound of getPositiveLong and of (-LONG_MAX, LONG_MAX) ranges. */
export const LONG_MAX = 9223372036854775807n;

const INT_MIN = -2147483648n;
const INT_MAX = 2147483647n;

function replyError(c: Client, msg: string | undefined, fallback: string): null {
  c.reply.error(msg ? "ERR " + msg : fallback);
  return null;
}

/** getLongLongFromObjectOrReply: a strict base-10 int64 (string2ll). */
export function getLongLong(c: Client, i: number, msg?: string): bigint | null {
  const v = parseLongLong(c.argv[i]);
  return v === null ? replyError(c, msg, NOT_INTEGER) : v;
}

/**
 * getLongFromObjectOrReply, as a JS number: exact within +-2^53; larger magnitudes keep their
 * sign and size, which is all index arithmetic needs.
 */
export function getLong(c: Client, i: number, msg?: string): number | null {
  const v = parseInt64(c.argv[i]);
  return v === null ? replyError(c, msg, NOT_INTEGER) : Number(v);
}

/** getRangeLongFromObjectOrReply with the exact value (see {@link getRangeLong}). */
export function getRangeLongBig(
  c: Client,
  i: number,
  min: bigint,
  max: bigint,
  msg?: string,
): bigint | null {
  const v = getLongLong(c, i, msg);
  if (v === null) return null;
  if (v < min || v > max) {
    return replyError(c, msg, `ERR value is out of range, value must between ${min} and ${max}`);
  }
  return v;
}

/** getRangeLongFromObjectOrReply: an integer in [min, max], as a JS number like {@link getLong}. */
export function getRangeLong(
  c: Client,
  i: number,
  min: bigint,
  max: bigint,
  msg?: string,
): number | null {
  const v = parseInt64(c.argv[i]);
  if (v === null) return replyError(c, msg, NOT_INTEGER);
  // number-to-bigint comparisons are exact.
  if (v < min || v > max) {
    return replyError(c, msg, `ERR value is out of range, value must between ${min} and ${max}`);
  }
  return Number(v);
}

const NOT_POSITIVE = "value is out of range, must be positive";

/** getPositiveLongFromObjectOrReply with the exact value: 0..LONG_MAX, one text for all errors. */
export function getPositiveLongBig(c: Client, i: number, msg?: string): bigint | null {
  return getRangeLongBig(c, i, 0n, LONG_MAX, msg ?? NOT_POSITIVE);
}

/** getPositiveLongFromObjectOrReply: 0..LONG_MAX as a JS number, one text for all errors. */
export function getPositiveLong(c: Client, i: number, msg?: string): number | null {
  return getRangeLong(c, i, 0n, LONG_MAX, msg ?? NOT_POSITIVE);
}

/** getIntFromObjectOrReply: an int32. */
export function getInt(c: Client, i: number, msg?: string): number | null {
  return getRangeLong(c, i, INT_MIN, INT_MAX, msg);
}

/** getDoubleFromObjectOrReply: a double as string2d reads it (no NaN, no overflow). */
export function getDouble(c: Client, i: number, msg?: string): number | null {
  // Also past the argv head of a command run from its block (ZADD, GEOADD).
  const v = parseDouble(argAt(c.argv, c.block, i));
  return v === null ? replyError(c, msg, NOT_FLOAT) : v;
}

/** What {@link getMpopArgs} read. */
export interface MpopArgs<W> {
  numkeys: number;
  where: W;
  /** COUNT, 1 when absent. */
  count: number;
}

/**
 * The arguments of LMPOP/ZMPOP and their blocking forms, from `numkeysIdx` on: numkeys, the keys,
 * the direction token (read by `where`, which replies its own error), then an optional COUNT.
 * Null after replying the first error in the order Redis checks them.
 */
export function getMpopArgs<W>(
  c: Client,
  numkeysIdx: number,
  where: (c: Client, i: number) => W | null,
): MpopArgs<W> | null {
  const numkeys = getRangeLong(c, numkeysIdx, 1n, LONG_MAX, "numkeys should be greater than 0");
  if (numkeys === null) return null;
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= c.argc) return replyError(c, undefined, SYNTAX_ERR);
  const w = where(c, whereIdx);
  if (w === null) return null;
  let count = -1;
  for (let j = whereIdx + 1; j < c.argc; j++) {
    const moreArgs = c.argc - 1 - j;
    if (count === -1 && c.lower(j) === "count" && moreArgs) {
      j++;
      const n = getRangeLong(c, j, 1n, LONG_MAX, "count should be greater than 0");
      if (n === null) return null;
      count = n;
    } else {
      return replyError(c, undefined, SYNTAX_ERR);
    }
  }
  return { numkeys, where: w, count: count === -1 ? 1 : count };
}

/**
 * HRANDFIELD / ZRANDMEMBER's `count [WITHVALUES|WITHSCORES]` (argv[2], argv[3]): the count in
 * (-LONG_MAX, LONG_MAX), halved when pairs are returned, and whether `withToken` was given. Null
 * after replying.
 */
export function getRandomCount(
  c: Client,
  withToken: string,
): { count: bigint; withPairs: boolean } | null {
  const count = getRangeLongBig(c, 2, -LONG_MAX, LONG_MAX);
  if (count === null) return null;
  if (c.argc > 4 || (c.argc === 4 && c.lower(3) !== withToken)) {
    return replyError(c, undefined, SYNTAX_ERR);
  }
  const withPairs = c.argc === 4;
  if (withPairs && (count < -LONG_MAX / 2n || count > LONG_MAX / 2n)) {
    return replyError(c, "value is out of range", "");
  }
  return { count, withPairs };
}

// ---------------------------------------------------------------------------
// Argument docs (COMMAND DOCS) several groups' rows share.

/** LIMIT offset count (SORT, ZRANGEBYSCORE & co). */
export const LIMIT_ARG: ArgDoc = {
  name: "limit",
  type: "block",
  token: "LIMIT",
  flags: ["optional"],
  args: [
    { name: "offset", type: "integer" },
    { name: "count", type: "integer" },
  ],
};

/** ASC | DESC (SORT, GEOSEARCH & co). */
export const ORDER_ARG: ArgDoc = {
  name: "order",
  type: "oneof",
  flags: ["optional"],
  args: [
    { name: "asc", type: "pure-token", token: "ASC" },
    { name: "desc", type: "pure-token", token: "DESC" },
  ],
};
