/**
 * String commands (Redis 7.2's t_string.c): GET/SET and their variants, the
 * INCR family, APPEND/SETRANGE/GETRANGE and LCS.
 *
 * Values are `Uint8Array`s and are never decoded as text. A stored value's
 * visible bytes are treated as immutable: writes that touch existing bytes
 * build a new array, and only APPEND/SETRANGE growing past the end reuse spare
 * capacity (like sds's greedy preallocation) so that building a string by
 * repeated APPENDs stays linear. Arrays with spare capacity are tracked in
 * `growable`; only the newest view of such a buffer may extend it, so a view
 * someone else still holds never changes.
 */

import type { Client } from "../server/client.ts";
import { argAt, type ArgBlock } from "../resp/arg_block.ts";
import { NOT_FLOAT, NOT_INTEGER, SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import type { RedisValue } from "../store/types.ts";
import { INLINE_MAX } from "../store/keyspace.ts";
import { ownsBuffer } from "../resp/parser.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import { addLongDouble, formatLongDouble, parseLongDouble, ZERO_LD } from "../util/long_double.ts";
import { parseInt64, parseIntegerAt } from "../util/number.ts";
import { getLong } from "./args.ts";
import {
  dbAdd,
  dbAddBytes,
  lookupKeyRead,
  lookupKeyWrite,
  lookupReadId,
  lookupWriteId,
  setKeyBytes,
} from "./keyspace.ts";
import {
  type ArgDoc,
  type CommandSpec,
  type KeyReference,
  keySpecAt,
} from "../server/command_table.ts";

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

const SET_ARG = binaryToBytes("SET");
const PXAT_ARG = binaryToBytes("PXAT");
const KEEPTTL_ARG = binaryToBytes("KEEPTTL");
const DEL_ARG = binaryToBytes("DEL");
const UNLINK_ARG = binaryToBytes("UNLINK");
const PEXPIREAT_ARG = binaryToBytes("PEXPIREAT");
const PERSIST_ARG = binaryToBytes("PERSIST");

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;
/** |a| <= 2^52 on both sides keeps a sum exact in a double. */
const SAFE_HALF = 2 ** 52;

/**
 * checkStringLength: the size a write would produce must stay within
 * proto-max-bulk-len (the master link is exempt, as Redis's mustObeyClient).
 */
function checkStringLength(c: Client, size: number, append: number): boolean {
  if (c.kind === "master") return true;
  if (size + append > c.server.config.protoMaxBulkLen) {
    c.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    return false;
  }
  return true;
}

/**
 * `src` (an argument view) as a value to store: the keyspace copies a value
 * of up to INLINE_MAX bytes into its arena, a longer one is kept, so it gets
 * its own copy, unless it is a big argument the parser read into a buffer of
 * its own (never written again), which is kept as is, as Redis's SET keeps it.
 */
function copyValue(src: Uint8Array): Uint8Array {
  return src.length > INLINE_MAX && !ownsBuffer(src) ? src.slice() : src;
}

/**
 * INCR's result is written as digits into one scratch buffer and handed to the
 * keyspace as a view of its first n bytes (one view made up front per length):
 * the keyspace copies a value this short into its arena, and the reply is the
 * integer, so nothing is allocated per INCR.
 */
const scratch = new Uint8Array(20);
const scratchViews = Array.from({ length: 21 }, (_, n) => new Uint8Array(scratch.buffer, 0, n));

/** The decimal form of an integer (int64) as a value to store at once (see `scratch`). */
function integerValue(v: number | bigint): Uint8Array {
  const s = scratch;
  if (typeof v === "bigint" || !Number.isSafeInteger(v)) {
    const text = String(v);
    for (let i = 0; i < text.length; i++) s[i] = text.charCodeAt(i);
    return scratchViews[text.length];
  }
  let p = 0;
  let n = v;
  if (n < 0) {
    s[p++] = 45; // '-'
    n = -n;
  }
  const digitsStart = p;
  do {
    const q = Math.floor(n / 10);
    s[p++] = 48 + (n - q * 10);
    n = q;
  } while (n > 0);
  // Digits were written least significant first.
  for (let i = digitsStart, j = p - 1; i < j; i++, j--) {
    const t = s[i];
    s[i] = s[j];
    s[j] = t;
  }
  return scratchViews[p];
}

/** Arrays created here with spare capacity past their end (see the file comment). */
const growable = new WeakSet<Uint8Array>();

/**
 * A value of `newLen` bytes starting with `old` and zero-filled after it.
 * Extends in place when `old` is the newest view of a buffer with room (the
 * bytes after it were never visible to anyone); otherwise copies into a new
 * buffer with sds-like headroom (double below 1MB, +1MB above).
 */
function extend(old: Uint8Array, newLen: number): Uint8Array {
  if (growable.has(old) && old.byteOffset + newLen <= old.buffer.byteLength) {
    growable.delete(old);
    const v = new Uint8Array(old.buffer, old.byteOffset, newLen);
    growable.add(v);
    return v;
  }
  const cap = newLen < 1048576 ? newLen * 2 : newLen + 1048576;
  const buf = new Uint8Array(cap);
  buf.set(old);
  const v = buf.subarray(0, newLen);
  growable.add(v);
  return v;
}

// ---------------------------------------------------------------------------
// SET / GET and the extended options
// ---------------------------------------------------------------------------

const OBJ_SET_NX = 1 << 0;
const OBJ_SET_XX = 1 << 1;
const OBJ_EX = 1 << 2;
const OBJ_PX = 1 << 3;
const OBJ_KEEPTTL = 1 << 4;
const OBJ_SET_GET = 1 << 5;
const OBJ_EXAT = 1 << 6;
const OBJ_PXAT = 1 << 7;
const OBJ_PERSIST = 1 << 8;
const ANY_EXPIRE = OBJ_EX | OBJ_PX | OBJ_EXAT | OBJ_PXAT;

/** Lower-cases an ASCII letter byte (other bytes map elsewhere and never match a letter). */
function lc(b: number): number {
  return b | 0x20;
}

/**
 * Which option token `a` is (case-insensitive), as an OBJ_* bit, or 0. Compares
 * bytes: no string is built for the option names.
 */
function optionToken(a: Uint8Array): number {
  switch (a.length) {
    case 2: {
      if (lc(a[1]) !== 0x78) return 0; // 'x'
      const f = lc(a[0]);
      if (f === 0x6e) return OBJ_SET_NX; // n
      if (f === 0x78) return OBJ_SET_XX; // x
      if (f === 0x65) return OBJ_EX; // e
      if (f === 0x70) return OBJ_PX; // p
      return 0;
    }
    case 3:
      return lc(a[0]) === 0x67 && lc(a[1]) === 0x65 && lc(a[2]) === 0x74 ? OBJ_SET_GET : 0;
    case 4: {
      if (lc(a[1]) !== 0x78 || lc(a[2]) !== 0x61 || lc(a[3]) !== 0x74) return 0; // "?xat"
      const f = lc(a[0]);
      if (f === 0x65) return OBJ_EXAT;
      if (f === 0x70) return OBJ_PXAT;
      return 0;
    }
    case 7: {
      const f = lc(a[0]);
      if (
        f === 0x6b && lc(a[1]) === 0x65 && lc(a[2]) === 0x65 && lc(a[3]) === 0x70 &&
        lc(a[4]) === 0x74 && lc(a[5]) === 0x74 && lc(a[6]) === 0x6c
      ) return OBJ_KEEPTTL; // keepttl
      if (
        f === 0x70 && lc(a[1]) === 0x65 && lc(a[2]) === 0x72 && lc(a[3]) === 0x73 &&
        lc(a[4]) === 0x69 && lc(a[5]) === 0x73 && lc(a[6]) === 0x74
      ) return OBJ_PERSIST; // persist
      return 0;
    }
  }
  return 0;
}

/** Parsed SET / GETEX options. */
interface ExtendedArgs {
  /** OBJ_* flags. */
  flags: number;
  /** Index of the expire argument (0 = none). */
  expireArg: number;
}

/**
 * parseExtendedStringArgumentsOrReply: SET options (NX XX GET KEEPTTL EX PX
 * EXAT PXAT) from argv[3], or GETEX options (EX PX EXAT PXAT PERSIST) from
 * argv[2]. Returns null after replying a syntax error. Conflicts are checked
 * exactly as Redis does (a repeated EX is accepted, the last one wins).
 */
function parseExtendedArgs(c: Client, isSet: boolean): ExtendedArgs | null {
  const argv = c.argv;
  const argc = argv.length;
  let flags = 0;
  let expireArg = 0;
  for (let j = isSet ? 3 : 2; j < argc; j++) {
    const t = optionToken(argv[j]);
    const hasNext = j < argc - 1;
    if (t === OBJ_SET_NX && isSet && !(flags & OBJ_SET_XX)) {
      flags |= OBJ_SET_NX;
    } else if (t === OBJ_SET_XX && isSet && !(flags & OBJ_SET_NX)) {
      flags |= OBJ_SET_XX;
    } else if (t === OBJ_SET_GET && isSet) {
      flags |= OBJ_SET_GET;
    } else if (t === OBJ_KEEPTTL && isSet && !(flags & (OBJ_PERSIST | ANY_EXPIRE))) {
      flags |= OBJ_KEEPTTL;
    } else if (t === OBJ_PERSIST && !isSet && !(flags & (ANY_EXPIRE | OBJ_KEEPTTL))) {
      flags |= OBJ_PERSIST;
    } else if (
      t !== 0 && (t & ANY_EXPIRE) !== 0 && hasNext &&
      !(flags & (OBJ_KEEPTTL | OBJ_PERSIST | (ANY_EXPIRE & ~t)))
    ) {
      flags |= t;
      expireArg = ++j;
    } else {
      c.reply.error(SYNTAX_ERR);
      return null;
    }
  }
  return { flags, expireArg };
}

/**
 * getExpireMillisecondsOrReply: the expire argument as an absolute unix time
 * in ms (relative EX/PX are added to the command's time snapshot), exact.
 * Returns null after replying an error. Limits are Redis's: the value must be
 * > 0, seconds must not overflow when scaled, and the sum must fit a signed
 * 64-bit integer.
 */
function getExpireMilliseconds(c: Client, arg: Uint8Array, flags: number): bigint | null {
  const v = parseInt64(arg);
  if (v === null) {
    c.reply.error(NOT_INTEGER);
    return null;
  }
  const seconds = (flags & (OBJ_EX | OBJ_EXAT)) !== 0;
  const relative = (flags & (OBJ_EX | OBJ_PX)) !== 0;
  let ms = BigInt(v);
  if (ms <= 0n || (seconds && ms > LLONG_MAX / 1000n)) {
    c.reply.error(`ERR invalid expire time in '${c.cmd!.fullName}' command`);
    return null;
  }
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(c.server.keyspace.now);
  // Redis detects the signed overflow of the addition as a non-positive result.
  if (ms > LLONG_MAX) {
    c.reply.error(`ERR invalid expire time in '${c.cmd!.fullName}' command`);
    return null;
  }
  return ms;
}

/**
 * getGenericCommand: replies the string at the key whose bytes are `kb` (or
 * null). Returns false after replying WRONGTYPE, true otherwise.
 */
function getGeneric(c: Client, kb: Uint8Array): boolean {
  const id = lookupReadId(c, kb);
  if (id === -1) {
    c.reply.nullBulk();
    return true;
  }
  const db = c.db;
  const n = db.valueSpan(id);
  if (n !== -1) {
    c.reply.bulkFrom(db.spanBuf, db.spanOff, n);
    return true;
  }
  const v = db.valueAt(id);
  if (!(v instanceof Uint8Array)) {
    c.reply.error(WRONGTYPE);
    return false;
  }
  c.reply.bulk(v);
  return true;
}

function getCommand(c: Client): void {
  getGeneric(c, c.argv[1]);
}

/**
 * setGenericCommand, shared by SET, SETNX, SETEX and PSETEX. `valIdx` and
 * `expIdx` locate the value and the expire argument (0 = none); `nxReply`
 * selects SETNX's integer replies over +OK / null.
 */
function setGeneric(
  c: Client,
  flags: number,
  valIdx: number,
  expIdx: number,
  nxReply: boolean,
): void {
  let when = 0;
  let expireAtText = "";
  if (expIdx !== 0) {
    const at = getExpireMilliseconds(c, c.argv[expIdx], flags);
    if (at === null) return;
    when = Number(at);
    expireAtText = at.toString();
  }
  const argv = c.argv;
  const kb = argv[1];
  if (flags & OBJ_SET_GET) {
    if (!getGeneric(c, kb)) return;
  }
  const db = c.db;
  let id = lookupWriteId(c, kb);
  const found = id !== -1;
  if (((flags & OBJ_SET_NX) && found) || ((flags & OBJ_SET_XX) && !found)) {
    if (!(flags & OBJ_SET_GET)) {
      if (nxReply) c.reply.integer(0);
      else c.reply.nullBulk();
    }
    return;
  }
  if (found) {
    db.setAt(id, copyValue(argv[valIdx]), (flags & OBJ_KEEPTTL) !== 0 || expIdx !== 0);
  } else id = dbAddBytes(c, db, kb, copyValue(argv[valIdx]));
  c.modifiedBytes(kb, "string", "set");
  if (expIdx !== 0) {
    db.setExpire(db.entryAt(id), when);
    // Relative times would replay differently: replicas and the AOF get PXAT.
    if (!(flags & OBJ_PXAT)) {
      c.rewriteArgv([SET_ARG, argv[1], argv[valIdx], PXAT_ARG, binaryToBytes(expireAtText)]);
    }
    c.modifiedBytes(kb, "generic", "expire", 0);
  }
  if (!(flags & OBJ_SET_GET)) {
    if (nxReply) c.reply.integer(1);
    else c.reply.ok();
  } else if (expIdx === 0) {
    // Propagate without the GET arguments (the command was rewritten when it had an expire).
    const out: Uint8Array[] = [];
    for (let j = 0; j < argv.length; j++) {
      if (j >= 3 && optionToken(argv[j]) === OBJ_SET_GET) continue;
      out.push(argv[j]);
    }
    c.rewriteArgv(out);
  }
}

/** SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms-ts | KEEPTTL] */
/**
 * setGetKeys: SET's key is read and written (RW access update) with GET,
 * else only overwritten (OW update).
 */
function setGetKeys(argv: Uint8Array[]): KeyReference[] {
  const get = argv.slice(3).some((a) => bytesToBinary(a).toLowerCase() === "get");
  return [{ pos: 1, flags: get ? ["RW", "access", "update"] : ["OW", "update"] }];
}

function setCommand(c: Client): void {
  if (c.argv.length === 3) return setGeneric(c, 0, 2, 0, false);
  const opts = parseExtendedArgs(c, true);
  if (opts === null) return;
  setGeneric(c, opts.flags, 2, opts.expireArg, false);
}

function setnxCommand(c: Client): void {
  setGeneric(c, OBJ_SET_NX, 2, 0, true);
}

function setexCommand(c: Client): void {
  setGeneric(c, OBJ_EX, 3, 2, false);
}

function psetexCommand(c: Client): void {
  setGeneric(c, OBJ_PX, 3, 2, false);
}

/** GETEX key [EX s | PX ms | EXAT ts | PXAT ms-ts | PERSIST] */
function getexCommand(c: Client): void {
  const opts = parseExtendedArgs(c, false);
  if (opts === null) return;
  const flags = opts.flags;
  const expIdx = opts.expireArg;
  const key = c.key(1);
  const e = lookupKeyRead(c, key);
  if (e === undefined) return c.reply.nullBulk();
  const v = e.value;
  if (!(v instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
  let when = 0;
  let expireAtText = "";
  if (expIdx !== 0) {
    const at = getExpireMilliseconds(c, c.argv[expIdx], flags);
    if (at === null) return;
    when = Number(at);
    expireAtText = at.toString();
  }
  c.reply.bulk(v);
  const db = c.db;
  const server = c.server;
  if (
    (flags & (OBJ_EXAT | OBJ_PXAT)) !== 0 && when <= server.keyspace.now && !server.isReplica()
  ) {
    // An absolute time already past deletes the key (checkAlreadyExpired).
    db.delete(key);
    c.rewriteArgv([server.config.lazyfreeLazyExpire ? UNLINK_ARG : DEL_ARG, c.argv[1]]);
    c.modified(key, "generic", "del");
  } else if (expIdx !== 0) {
    db.setExpire(e, when);
    c.rewriteArgv([PEXPIREAT_ARG, c.argv[1], binaryToBytes(expireAtText)]);
    c.modified(key, "generic", "expire");
  } else if (flags & OBJ_PERSIST) {
    if (db.removeExpire(e)) {
      c.rewriteArgv([PERSIST_ARG, c.argv[1]]);
      c.modified(key, "generic", "persist");
    }
  }
}

function getdelCommand(c: Client): void {
  const key = c.key(1);
  if (!getGeneric(c, c.argv[1])) return;
  if (c.db.delete(key)) {
    c.rewriteArgv([c.server.config.lazyfreeLazyUserDel ? UNLINK_ARG : DEL_ARG, c.argv[1]]);
    c.modified(key, "generic", "del");
  }
}

function getsetCommand(c: Client): void {
  const argv = c.argv;
  const kb = argv[1];
  if (!getGeneric(c, kb)) return;
  setKeyBytes(c, kb, copyValue(argv[2]));
  c.modifiedBytes(kb, "string", "set");
  c.rewriteArgv([SET_ARG, argv[1], argv[2]]);
}

// ---------------------------------------------------------------------------
// MGET / MSET / MSETNX
// ---------------------------------------------------------------------------

function mgetCommand(c: Client): void {
  const argc = c.argv.length;
  const reply = c.reply;
  reply.array(argc - 1);
  const argv = c.argv;
  const db = c.db;
  for (let j = 1; j < argc; j++) {
    const id = lookupReadId(c, argv[j]);
    const n = id === -1 ? -1 : db.valueSpan(id);
    if (n !== -1) {
      reply.bulkFrom(db.spanBuf, db.spanOff, n);
      continue;
    }
    const v = id === -1 ? undefined : db.valueAt(id);
    if (v instanceof Uint8Array) reply.bulk(v);
    else reply.nullBulk();
  }
}

/** MSET and MSETNX; `args`: the argument block when it runs from it (see CommandSpec.bulk). */
function msetGeneric(c: Client, nx: boolean, args: ArgBlock | null = null): void {
  const argv = c.argv;
  const argc = argv.length;
  if ((argc & 1) === 0) {
    return c.reply.error(`ERR wrong number of arguments for '${c.cmd!.fullName}' command`);
  }
  if (nx) {
    for (let j = 1; j < argc; j += 2) {
      if (lookupWriteId(c, argAt(argv, args, j)) !== -1) return c.reply.integer(0);
    }
  }
  for (let j = 1; j < argc; j += 2) {
    const kb = argAt(argv, args, j);
    setKeyBytes(c, kb, copyValue(argAt(argv, args, j + 1)));
    c.modifiedBytes(kb, "string", "set");
  }
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

function msetCommand(c: Client): void {
  msetGeneric(c, false);
}

function msetnxCommand(c: Client): void {
  msetGeneric(c, true);
}

// ---------------------------------------------------------------------------
// INCR / DECR / INCRBY / DECRBY / INCRBYFLOAT
// ---------------------------------------------------------------------------

/** incrDecrCommand: adds `incr` (int64) to the integer at argv[1], keeping its TTL. */
function incrDecr(c: Client, incr: number | bigint): void {
  const kb = c.argv[1];
  const db = c.db;
  const id = lookupWriteId(c, kb);
  let value: number | bigint = 0;
  if (id !== -1) {
    // The common case, a safe integer stored inline, is parsed in place.
    const n = db.valueSpan(id);
    const safe = n === -1 ? null : parseIntegerAt(db.spanBuf, db.spanOff, n);
    if (safe !== null) value = safe;
    else {
      const v: RedisValue = db.valueAt(id);
      if (!(v instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
      const parsed = parseInt64(v);
      if (parsed === null) return c.reply.error(NOT_INTEGER);
      value = parsed;
    }
  }
  let result: number | bigint;
  if (
    typeof value === "number" && typeof incr === "number" &&
    value <= SAFE_HALF && value >= -SAFE_HALF && incr <= SAFE_HALF && incr >= -SAFE_HALF
  ) {
    result = value + incr;
  } else {
    const sum = BigInt(value) + BigInt(incr);
    if (sum > LLONG_MAX || sum < LLONG_MIN) {
      return c.reply.error("ERR increment or decrement would overflow");
    }
    result = sum;
  }
  const bytes = integerValue(result);
  if (id !== -1) db.setAt(id, bytes, true);
  else dbAddBytes(c, db, kb, bytes);
  c.modifiedBytes(kb, "string", "incrby");
  c.reply.integer(result);
}

function incrCommand(c: Client): void {
  incrDecr(c, 1);
}

function decrCommand(c: Client): void {
  incrDecr(c, -1);
}

function incrbyCommand(c: Client): void {
  const incr = parseInt64(c.argv[2]);
  if (incr === null) return c.reply.error(NOT_INTEGER);
  incrDecr(c, incr);
}

function decrbyCommand(c: Client): void {
  const incr = parseInt64(c.argv[2]);
  if (incr === null) return c.reply.error(NOT_INTEGER);
  // Negating LLONG_MIN would overflow.
  if (incr === LLONG_MIN) return c.reply.error("ERR decrement would overflow");
  incrDecr(c, -incr);
}

/**
 * INCRBYFLOAT on a string value (`null` for a missing key): parse the current value, then the
 * increment (both with `string2ld`), add in long double and format with LD_STR_HUMAN.
 * E.g. "10.5" + "0.1" -> "10.6", then + "1e3" -> "1010.59999999999999998".
 */
export function incrByFloat(
  current: Uint8Array | null,
  incr: Uint8Array,
): { value: Uint8Array } | { error: string } {
  const cur = current === null ? ZERO_LD : parseLongDouble(current);
  if (cur === null) return { error: NOT_FLOAT };
  const inc = parseLongDouble(incr);
  if (inc === null) return { error: NOT_FLOAT };
  const sum = addLongDouble(cur, inc);
  if (sum === null || sum.inf) return { error: "ERR increment would produce NaN or Infinity" };
  return { value: binaryToBytes(formatLongDouble(sum)) };
}

function incrbyfloatCommand(c: Client): void {
  const key = c.key(1);
  const e = lookupKeyWrite(c, key);
  let current: Uint8Array | null = null;
  if (e !== undefined) {
    const v = e.value;
    if (!(v instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
    current = v;
  }
  // Parses both operands as long doubles (current value first), adds and formats like Redis.
  const r = incrByFloat(current, c.argv[2]);
  if ("error" in r) return c.reply.error(r.error);
  const bytes = r.value;
  if (e !== undefined) c.db.set(key, bytes, true);
  else dbAdd(c, c.db, key, bytes);
  c.modified(key, "string", "incrbyfloat");
  c.reply.bulk(bytes);
  // Replicas and the AOF get the result, so float formatting can't make them diverge.
  c.rewriteArgv([SET_ARG, c.argv[1], bytes, KEEPTTL_ARG]);
}

// ---------------------------------------------------------------------------
// APPEND / STRLEN / GETRANGE / SETRANGE
// ---------------------------------------------------------------------------

function appendCommand(c: Client): void {
  const kb = c.argv[1];
  const db = c.db;
  const add = c.argv[2];
  const id = lookupWriteId(c, kb);
  let total: number;
  if (id === -1) {
    dbAddBytes(c, db, kb, copyValue(add));
    total = add.length;
  } else {
    const old = db.valueAt(id);
    if (!(old instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
    if (!checkStringLength(c, old.length, add.length)) return;
    const next = extend(old, old.length + add.length);
    next.set(add, old.length);
    db.setAt(id, next, true);
    db.entryAt(id).raw = true;
    total = next.length;
  }
  c.modifiedBytes(kb, "string", "append");
  c.reply.integer(total);
}

function strlenCommand(c: Client): void {
  const id = lookupReadId(c, c.argv[1]);
  if (id === -1) return c.reply.integer(0);
  const v = c.db.valueAt(id);
  if (!(v instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
  c.reply.integer(v.length);
}

/** GETRANGE key start end (and SUBSTR): inclusive, negative indexes count from the end. */
function getrangeCommand(c: Client): void {
  let start = getLong(c, 2);
  if (start === null) return;
  let end = getLong(c, 3);
  if (end === null) return;
  const e = lookupKeyRead(c, c.key(1));
  if (e === undefined) return c.reply.bulk(EMPTY);
  const v = e.value;
  if (!(v instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
  const len = v.length;
  if (start < 0 && end < 0 && start > end) return c.reply.bulk(EMPTY);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return c.reply.bulk(EMPTY);
  c.reply.bulk(v.subarray(start, end + 1));
}

const EMPTY = new Uint8Array(0);

/** SETRANGE key offset value: overwrites from `offset`, zero-padding a gap. */
function setrangeCommand(c: Client): void {
  const offset = getLong(c, 2);
  if (offset === null) return;
  if (offset < 0) return c.reply.error("ERR offset is out of range");
  const key = c.key(1);
  const value = c.argv[3];
  const vlen = value.length;
  const db = c.db;
  const e = lookupKeyWrite(c, key);
  let next: Uint8Array;
  if (e === undefined) {
    if (vlen === 0) return c.reply.integer(0);
    if (!checkStringLength(c, offset, vlen)) return;
    next = new Uint8Array(offset + vlen);
    next.set(value, offset);
    dbAdd(c, db, key, next).raw = true;
  } else {
    const old = e.value;
    if (!(old instanceof Uint8Array)) return c.reply.error(WRONGTYPE);
    const olen = old.length;
    if (vlen === 0) return c.reply.integer(olen);
    if (!checkStringLength(c, offset, vlen)) return;
    const newLen = Math.max(olen, offset + vlen);
    if (offset >= olen) {
      // Only bytes past the end change: the value may grow in place.
      next = extend(old, newLen);
    } else {
      next = new Uint8Array(newLen);
      next.set(old);
    }
    next.set(value, offset);
    db.set(key, next, true).raw = true;
  }
  c.modified(key, "string", "setrange");
  c.reply.integer(next.length);
}

// ---------------------------------------------------------------------------
// LCS
// ---------------------------------------------------------------------------

/** LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] */
function lcsCommand(c: Client): void {
  const ea = lookupKeyRead(c, c.key(1));
  const eb = lookupKeyRead(c, c.key(2));
  const va = ea?.value;
  const vb = eb?.value;
  if (
    (va !== undefined && !(va instanceof Uint8Array)) ||
    (vb !== undefined && !(vb instanceof Uint8Array))
  ) {
    return c.reply.error("ERR The specified keys must contain string values");
  }
  const a = va ?? EMPTY;
  const b = vb ?? EMPTY;
  let getlen = false, getidx = false, withmatchlen = false;
  let minmatchlen = 0;
  const argv = c.argv;
  const argc = argv.length;
  for (let j = 3; j < argc; j++) {
    const opt = c.lower(j);
    const moreargs = argc - 1 - j;
    if (opt === "idx") getidx = true;
    else if (opt === "len") getlen = true;
    else if (opt === "withmatchlen") withmatchlen = true;
    else if (opt === "minmatchlen" && moreargs > 0) {
      const m = parseInt64(argv[j + 1]);
      if (m === null) return c.reply.error(NOT_INTEGER);
      minmatchlen = m < 0 ? 0 : Number(m);
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  if (getlen && getidx) {
    return c.reply.error("ERR If you want both the length and indexes, please just use IDX.");
  }
  const alen = a.length;
  const blen = b.length;
  if (alen >= 0xfffffffe || blen >= 0xfffffffe) return c.reply.error("ERR String too long for LCS");
  // LCS[i][j] = length of the LCS of a[0..i) and b[0..j), in a flat table.
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > c.server.config.protoMaxBulkLen) {
    return c.reply.error(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  const w = blen + 1;
  const t = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) {
        t[row + j] = t[prev + j - 1] + 1;
      } else {
        const up = t[prev + j];
        const left = t[row + j - 1];
        t[row + j] = up > left ? up : left;
      }
    }
  }
  const total = t[alen * w + blen];
  if (getlen && !getidx) return c.reply.integer(total);

  // Walk back from the end collecting the LCS bytes and, for IDX, the ranges
  // of contiguous matches (emitted from the last one to the first, as Redis).
  const result = new Uint8Array(total);
  const ranges: number[] = []; // astart, aend, bstart, bend, len per match
  let idx = total;
  let i = alen, j = blen;
  let aStart = alen, aEnd = 0, bStart = 0, bEnd = 0; // aStart === alen: no open range
  while (i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1];
      if (aStart === alen) {
        aStart = i - 1;
        aEnd = i - 1;
        bStart = j - 1;
        bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = t[(i - 1) * w + j];
      const left = t[i * w + j - 1];
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getidx && (minmatchlen === 0 || matchLen >= minmatchlen)) {
        ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      }
      aStart = alen;
    }
  }
  if (!getidx) return c.reply.bulk(result);
  const reply = c.reply;
  reply.map(2);
  reply.bulkBinary("matches");
  reply.array(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    reply.array(withmatchlen ? 3 : 2);
    reply.array(2);
    reply.integer(ranges[k]);
    reply.integer(ranges[k + 1]);
    reply.array(2);
    reply.integer(ranges[k + 2]);
    reply.integer(ranges[k + 3]);
    if (withmatchlen) reply.integer(ranges[k + 4]);
  }
  reply.bulkBinary("len");
  reply.integer(total);
}

// ---------------------------------------------------------------------------
// Command table rows
// ---------------------------------------------------------------------------

const KEY: ArgDoc = { name: "key", type: "key" };
const VALUE: ArgDoc = { name: "value", type: "string" };
const RANGE_COMPLEXITY =
  "O(N) where N is the length of the returned string. The complexity is ultimately determined by the returned length, but because creating a substring from an existing string is very cheap, it can be considered O(1) for small strings.";
const MSET_DATA: ArgDoc = {
  name: "data",
  type: "block",
  flags: ["multiple"],
  args: [KEY, VALUE],
};

/** One key at argv[1], in the string group. */
const oneKey = { firstKey: 1, lastKey: 1, step: 1, group: "string" as const };

/** Rows of the string group. */
export const stringCommands: CommandSpec[] = [
  {
    ...oneKey,
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    complexity: "O(1)",
    args: [KEY],
    keySpecs: [keySpecAt(["RO", "access"])],
    handler: getCommand,
  },
  {
    ...oneKey,
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    getKeysAndFlags: setGetKeys,
    since: "1.0.0",
    summary:
      "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
    complexity: "O(1)",
    args: [
      KEY,
      VALUE,
      {
        name: "condition",
        type: "oneof",
        since: "2.6.12",
        flags: ["optional"],
        args: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "get", type: "pure-token", token: "GET", since: "6.2.0", flags: ["optional"] },
      {
        name: "expiration",
        type: "oneof",
        flags: ["optional"],
        args: [
          { name: "seconds", type: "integer", token: "EX", since: "2.6.12" },
          { name: "milliseconds", type: "integer", token: "PX", since: "2.6.12" },
          { name: "unix-time-seconds", type: "unix-time", token: "EXAT", since: "6.2.0" },
          { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT", since: "6.2.0" },
          { name: "keepttl", type: "pure-token", token: "KEEPTTL", since: "6.0.0" },
        ],
      },
    ],
    keySpecs: [
      keySpecAt(
        ["RW", "access", "update", "variable_flags"],
        1,
        0,
        1,
        "RW and ACCESS due to the optional `GET` argument",
      ),
    ],
    history: [
      ["2.6.12", "Added the `EX`, `PX`, `NX` and `XX` options."],
      ["6.0.0", "Added the `KEEPTTL` option."],
      ["6.2.0", "Added the `GET`, `EXAT` and `PXAT` option."],
      ["7.0.0", "Allowed the `NX` and `GET` options to be used together."],
    ],
    handler: setCommand,
  },
  {
    ...oneKey,
    name: "setnx",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary: "Set the string value of a key only when the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY, VALUE],
    keySpecs: [keySpecAt(["OW", "insert"])],
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `NX` argument",
    handler: setnxCommand,
  },
  {
    ...oneKey,
    name: "setex",
    arity: 4,
    flags: ["write", "denyoom"],
    since: "2.0.0",
    summary:
      "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
    complexity: "O(1)",
    args: [KEY, { name: "seconds", type: "integer" }, VALUE],
    keySpecs: [keySpecAt(["OW", "update"])],
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `EX` argument",
    handler: setexCommand,
  },
  {
    ...oneKey,
    name: "psetex",
    arity: 4,
    flags: ["write", "denyoom"],
    since: "2.6.0",
    summary:
      "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
    complexity: "O(1)",
    args: [KEY, { name: "milliseconds", type: "integer" }, VALUE],
    keySpecs: [keySpecAt(["OW", "update"])],
    docFlags: ["deprecated"],
    deprecatedSince: "2.6.12",
    replacedBy: "`SET` with the `PX` argument",
    handler: psetexCommand,
  },
  {
    ...oneKey,
    name: "mget",
    arity: -2,
    flags: ["readonly", "fast"],
    lastKey: -1,
    since: "1.0.0",
    summary: "Atomically returns the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to retrieve.",
    tips: ["request_policy:multi_shard"],
    args: [{ name: "key", type: "key", flags: ["multiple"] }],
    keySpecs: [keySpecAt(["RO", "access"], 1, -1)],
    handler: mgetCommand,
  },
  {
    ...oneKey,
    name: "mset",
    arity: -3,
    flags: ["write", "denyoom"],
    lastKey: -1,
    step: 2,
    since: "1.0.1",
    summary: "Atomically creates or modifies the string values of one or more keys.",
    complexity: "O(N) where N is the number of keys to set.",
    tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
    args: [MSET_DATA],
    keySpecs: [keySpecAt(["OW", "update"], 1, -1, 2)],
    handler: msetCommand,
    bulk: (c, args) => msetGeneric(c, false, args),
  },
  {
    ...oneKey,
    name: "msetnx",
    arity: -3,
    flags: ["write", "denyoom"],
    lastKey: -1,
    step: 2,
    since: "1.0.1",
    summary:
      "Atomically modifies the string values of one or more keys only when all keys don't exist.",
    complexity: "O(N) where N is the number of keys to set.",
    args: [MSET_DATA],
    keySpecs: [keySpecAt(["OW", "insert"], 1, -1, 2)],
    handler: msetnxCommand,
    bulk: (c, args) => msetGeneric(c, true, args),
  },
  {
    ...oneKey,
    name: "getset",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary: "Returns the previous string value of a key after setting it to a new value.",
    complexity: "O(1)",
    args: [KEY, VALUE],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`SET` with the `!GET` argument",
    handler: getsetCommand,
  },
  {
    ...oneKey,
    name: "getdel",
    arity: 2,
    flags: ["write", "fast"],
    since: "6.2.0",
    summary: "Returns the string value of a key after deleting the key.",
    complexity: "O(1)",
    args: [KEY],
    keySpecs: [keySpecAt(["RW", "access", "delete"])],
    handler: getdelCommand,
  },
  {
    ...oneKey,
    name: "getex",
    arity: -2,
    flags: ["write", "fast"],
    since: "6.2.0",
    summary: "Returns the string value of a key after setting its expiration time.",
    complexity: "O(1)",
    args: [
      KEY,
      {
        name: "expiration",
        type: "oneof",
        flags: ["optional"],
        args: [
          { name: "seconds", type: "integer", token: "EX" },
          { name: "milliseconds", type: "integer", token: "PX" },
          { name: "unix-time-seconds", type: "unix-time", token: "EXAT" },
          { name: "unix-time-milliseconds", type: "unix-time", token: "PXAT" },
          { name: "persist", type: "pure-token", token: "PERSIST" },
        ],
      },
    ],
    keySpecs: [
      keySpecAt(["RW", "access", "update"], 1, 0, 1, "RW and UPDATE because it changes the TTL"),
    ],
    handler: getexCommand,
  },
  {
    ...oneKey,
    name: "append",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
    complexity:
      "O(1). The amortized time complexity is O(1) assuming the appended value is small and the already present value is of any size, since the dynamic string library used by Redis will double the free space available on every reallocation.",
    args: [KEY, VALUE],
    keySpecs: [keySpecAt(["RW", "insert"])],
    handler: appendCommand,
  },
  {
    ...oneKey,
    name: "strlen",
    arity: 2,
    flags: ["readonly", "fast"],
    since: "2.2.0",
    summary: "Returns the length of a string value.",
    complexity: "O(1)",
    args: [KEY],
    keySpecs: [keySpecAt(["RO"])],
    handler: strlenCommand,
  },
  {
    ...oneKey,
    name: "getrange",
    arity: 4,
    flags: ["readonly"],
    since: "2.4.0",
    summary: "Returns a substring of the string stored at a key.",
    complexity: RANGE_COMPLEXITY,
    args: [KEY, { name: "start", type: "integer" }, { name: "end", type: "integer" }],
    keySpecs: [keySpecAt(["RO", "access"])],
    handler: getrangeCommand,
  },
  {
    ...oneKey,
    name: "substr",
    arity: 4,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Returns a substring from a string value.",
    complexity: RANGE_COMPLEXITY,
    args: [KEY, { name: "start", type: "integer" }, { name: "end", type: "integer" }],
    keySpecs: [keySpecAt(["RO", "access"])],
    docFlags: ["deprecated"],
    deprecatedSince: "2.0.0",
    replacedBy: "`GETRANGE`",
    handler: getrangeCommand,
  },
  {
    ...oneKey,
    name: "setrange",
    arity: 4,
    flags: ["write", "denyoom"],
    since: "2.2.0",
    summary:
      "Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.",
    complexity:
      "O(1), not counting the time taken to copy the new string in place. Usually, this string is very small so the amortized complexity is O(1). Otherwise, complexity is O(M) with M being the length of the value argument.",
    args: [KEY, { name: "offset", type: "integer" }, VALUE],
    keySpecs: [keySpecAt(["RW", "update"])],
    handler: setrangeCommand,
  },
  {
    ...oneKey,
    name: "incr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    handler: incrCommand,
  },
  {
    ...oneKey,
    name: "decr",
    arity: 2,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary:
      "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    handler: decrCommand,
  },
  {
    ...oneKey,
    name: "incrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary:
      "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY, { name: "increment", type: "integer" }],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    handler: incrbyCommand,
  },
  {
    ...oneKey,
    name: "decrby",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary:
      "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY, { name: "decrement", type: "integer" }],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    handler: decrbyCommand,
  },
  {
    ...oneKey,
    name: "incrbyfloat",
    arity: 3,
    flags: ["write", "denyoom", "fast"],
    since: "2.6.0",
    summary:
      "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
    complexity: "O(1)",
    args: [KEY, { name: "increment", type: "double" }],
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    handler: incrbyfloatCommand,
  },
  {
    name: "lcs",
    arity: -3,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "string",
    since: "7.0.0",
    summary: "Finds the longest common substring.",
    complexity: "O(N*M) where N and M are the lengths of s1 and s2, respectively",
    args: [
      { name: "key1", type: "key" },
      { name: "key2", type: "key", keySpecIndex: 0 },
      { name: "len", type: "pure-token", token: "LEN", flags: ["optional"] },
      { name: "idx", type: "pure-token", token: "IDX", flags: ["optional"] },
      { name: "min-match-len", type: "integer", token: "MINMATCHLEN", flags: ["optional"] },
      { name: "withmatchlen", type: "pure-token", token: "WITHMATCHLEN", flags: ["optional"] },
    ],
    keySpecs: [keySpecAt(["RO", "access"], 1, 1)],
    handler: lcsCommand,
  },
];
