/**
 * Sorted-set commands (Redis's t_zset.c): ZADD/ZINCRBY, ZREM, ZCARD, ZSCORE,
 * ZMSCORE, ZRANK/ZREVRANK, ZCOUNT/ZLEXCOUNT, the ZRANGE family (ZRANGE with
 * BYSCORE/BYLEX/REV/LIMIT, ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE,
 * Z[REV]RANGEBYLEX), ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN/ZPOPMAX/ZMPOP and the
 * blocking BZPOPMIN/BZPOPMAX/BZMPOP, ZRANDMEMBER, ZUNION/ZINTER/ZDIFF and their
 * STORE forms, ZINTERCARD and ZSCAN.
 *
 * Number parsing follows the C library as Redis uses it: scores go through
 * string2d (util/strtod.ts parseDouble: whole string, no leading space, no
 * overflow, no NaN), score ranges through strtod on the NUL-terminated
 * argument. Listpack-encoded sets store scores as text, which turns -0 into 0;
 * that is reproduced where a score lands in a listpack.
 */

import type { Client } from "../server/client.ts";
import { argAt, type ArgBlock } from "../resp/arg_block.ts";
import { parseTimeout } from "../server/blocking.ts";
import {
  isValidLexRange,
  lexGteMin,
  lexLteMax,
  refLen,
  refOff,
  SortedSet,
  type ZLexRangeSpec,
  type ZRangeSpec,
  type ZsetEncodingConfig,
} from "../store/zset.ts";
import { RedisSet } from "../store/set.ts";
import { SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes, bytesToBinary, cString } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { formatDouble } from "../util/fpconv.ts";
import { strtodPrefix } from "../util/strtod.ts";
import {
  getDouble,
  getLong,
  getMpopArgs,
  getPositiveLong,
  getRandomCount,
  LIMIT_ARG,
} from "./args.ts";
import { arrayLen, loopBound } from "./hash.ts";
import {
  dbAddBytes,
  deleteEmptied,
  deleteStoreKey,
  getScanCursor,
  lookupKeyRead,
  lookupKeyWrite,
  lookupWriteId,
  modifiedAt,
  parseScanOptions,
  replyEmptyScan,
  setKey,
} from "./keyspace.ts";
import {
  type ArgDoc,
  type CommandSpec,
  keyNumKeys,
  keySpecAt,
  keySpecNumKeys,
} from "../server/command_table.ts";

// ---------------------------------------------------------------------------
// Numbers as the C library writes them (strtod itself: util/strtod.ts).

/** printf("%.17g"): how ZSCAN prints the scores of a skiplist-encoded set (ld2string). */
export function formatG17(d: number): string {
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  const [mant, e] = d.toExponential(16).split("e");
  const exp = Number(e);
  if (exp < -4 || exp >= 17) {
    const m = mant.includes(".") ? mant.replace(/\.?0+$/, "") : mant;
    const a = Math.abs(exp);
    return `${m}e${exp < 0 ? "-" : "+"}${a < 10 ? "0" + a : a}`;
  }
  const f = d.toFixed(16 - exp);
  return f.includes(".") ? f.replace(/\.?0+$/, "") : f;
}

// ---------------------------------------------------------------------------
// Ranges (zslParseRange, zslParseLexRange).

/** One score bound: "(" makes it exclusive; strtod must stop at the end of the C string. */
function parseScoreBound(b: Uint8Array): [number, boolean] | null {
  let s = cString(b);
  let ex = false;
  if (s.charCodeAt(0) === 40) {
    ex = true;
    s = s.slice(1);
  }
  const [v, end] = strtodPrefix(s);
  if (end !== s.length || Number.isNaN(v)) return null;
  return [v, ex];
}

/** zslParseRange. */
export function parseScoreRange(min: Uint8Array, max: Uint8Array): ZRangeSpec | null {
  const a = parseScoreBound(min);
  if (a === null) return null;
  const b = parseScoreBound(max);
  if (b === null) return null;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

/** zslParseLexRangeItem: "+", "-", "(member" or "[member". */
function parseLexBound(b: Uint8Array): [string | number, boolean] | null {
  if (b.length === 0) return null;
  switch (b[0]) {
    case 43: // + (C string compare: "+\0..." counts as "+")
      return b.length === 1 || b[1] === 0 ? [Infinity, true] : null;
    case 45: // -
      return b.length === 1 || b[1] === 0 ? [-Infinity, true] : null;
    case 40: // (
      return [bytesToBinary(b.subarray(1)), true];
    case 91: // [
      return [bytesToBinary(b.subarray(1)), false];
    default:
      return null;
  }
}

/** zslParseLexRange. */
export function parseLexRange(min: Uint8Array, max: Uint8Array): ZLexRangeSpec | null {
  const a = parseLexBound(min);
  const b = parseLexBound(max);
  if (a === null || b === null) return null;
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

/*
 * Lex ranges on a listpack walk it linearly (zzlFirstInLexRange & co), which
 * differs from the skiplist descent when scores differ (an undefined case that
 * still replies deterministically in Redis, so it is reproduced).
 */

/** zzlIsInLexRange. */
function lpIsInLexRange(z: SortedSet, r: ZLexRangeSpec): boolean {
  if (!isValidLexRange(r)) return false;
  const last = z.lastNode();
  if (last === 0 || !lexGteMin(z.memberOf(last), r)) return false;
  return lexLteMax(z.memberOf(z.firstNode()), r);
}

/** zzlFirstInLexRange: node handle or 0. */
function lpFirstInLexRange(z: SortedSet, r: ZLexRangeSpec): number {
  if (!lpIsInLexRange(z, r)) return 0;
  for (let h = z.firstNode(); h !== 0; h = z.next(h)) {
    const m = z.memberOf(h);
    if (lexGteMin(m, r)) return lexLteMax(m, r) ? h : 0;
  }
  return 0;
}

/** zzlLastInLexRange: node handle or 0. */
function lpLastInLexRange(z: SortedSet, r: ZLexRangeSpec): number {
  if (!lpIsInLexRange(z, r)) return 0;
  for (let h = z.lastNode(); h !== 0; h = z.prev(h)) {
    const m = z.memberOf(h);
    if (lexLteMax(m, r)) return lexGteMin(m, r) ? h : 0;
  }
  return 0;
}

/** ZLEXCOUNT on either encoding. */
function lexCount(z: SortedSet, r: ZLexRangeSpec): number {
  if (z.encoding() !== "listpack") {
    // Ranks of the first and last nodes in range; a missing last one leaves the first's count.
    if (z.firstInLexRange(r) === 0) return 0;
    let count = z.size - z.lastFoundRank;
    if (z.lastInLexRange(r) !== 0) count -= z.size - (z.lastFoundRank + 1);
    return count;
  }
  let n = 0;
  for (let h = lpFirstInLexRange(z, r); h !== 0 && lexLteMax(z.memberOf(h), r); h = z.next(h)) n++;
  return n;
}

/** genericZrangebylexCommand's walk on either encoding. */
function lexRange(
  z: SortedSet,
  r: ZLexRangeSpec,
  reverse: boolean,
  offset: number,
  limit: number,
  visit: (member: string, score: number) => void,
): void {
  if (z.encoding() !== "listpack") return z.rangeByLex(r, reverse, offset, limit, visit);
  let h = reverse ? lpLastInLexRange(z, r) : lpFirstInLexRange(z, r);
  for (; h !== 0 && offset > 0; offset--) h = reverse ? z.prev(h) : z.next(h);
  while (h !== 0 && limit-- !== 0) {
    const m = z.memberOf(h);
    if (reverse ? !lexGteMin(m, r) : !lexLteMax(m, r)) break;
    visit(m, z.scoreOf(h));
    h = reverse ? z.prev(h) : z.next(h);
  }
}

/** ZREMRANGEBYLEX on either encoding; returns the number removed. */
function lexDelete(z: SortedSet, r: ZLexRangeSpec): number {
  if (z.encoding() !== "listpack") return z.deleteRangeByLex(r);
  const doomed: string[] = [];
  for (let h = lpFirstInLexRange(z, r); h !== 0 && lexLteMax(z.memberOf(h), r); h = z.next(h)) {
    doomed.push(z.memberOf(h));
  }
  for (const m of doomed) z.remove(m);
  return doomed.length;
}

// ---------------------------------------------------------------------------
// Keyspace access.

/** The encoding thresholds (zset-max-listpack-*) from the live config. */
export function zsetConfig(c: Client): ZsetEncodingConfig {
  return c.server.config;
}

/** lookupKeyRead + checkType: the set, undefined when missing, null after WRONGTYPE. */
export function readZset(c: Client, key: string): SortedSet | undefined | null {
  const e = lookupKeyRead(c, key);
  if (e === undefined) return undefined;
  if (e.value instanceof SortedSet) return e.value;
  c.reply.error(WRONGTYPE);
  return null;
}

/** lookupKeyWrite + checkType. */
export function writeZset(c: Client, key: string): SortedSet | undefined | null {
  const e = lookupKeyWrite(c, key);
  if (e === undefined) return undefined;
  if (e.value instanceof SortedSet) return e.value;
  c.reply.error(WRONGTYPE);
  return null;
}

/** A sorted set write: the key's event and `count` changes (see Client.modified). */
function zsetModified(c: Client, event: string, key: string, count = 1): void {
  c.modified(key, "zset", event, count);
}

// ---------------------------------------------------------------------------
// zsetAdd.

const ZADD_INCR = 1;
/** ZADD's NX flag (for {@link zaddParsed}). */
export const ZADD_NX = 2;
/** ZADD's XX flag. */
export const ZADD_XX = 4;
const ZADD_GT = 8;
const ZADD_LT = 16;
/** ZADD's CH flag. */
export const ZADD_CH = 32;

const ZADD_OUT_NAN = 1;
const ZADD_OUT_ADDED = 2;
const ZADD_OUT_UPDATED = 4;
const ZADD_OUT_NOP = 8;

/** zsetAdd's `*newscore`: the member's score after the call. */
interface NewScore {
  value: number;
}

/**
 * A listpack keeps scores as text and reads "-0" back as the integer 0, so a
 * negative zero landing in a listpack becomes 0.
 */
function listpackScore(z: SortedSet, score: number): number {
  return score === 0 && z.encoding() === "listpack" ? 0 : score;
}

/**
 * zsetAdd: adds or updates `member` under NX/XX/GT/LT/INCR `flags`, converting
 * the encoding as Redis does. Returns ZADD_OUT_* bits; the resulting score is
 * stored in `newScore` (when given and not NOP).
 */
function zsetAdd(
  z: SortedSet,
  cfg: ZsetEncodingConfig,
  score: number,
  member: string,
  flags: number,
  newScore: NewScore | null,
): number {
  if (Number.isNaN(score)) return ZADD_OUT_NAN;
  const cur = z.score(member);
  if (cur !== undefined) {
    if (flags & ZADD_NX) return ZADD_OUT_NOP;
    if (flags & ZADD_INCR) {
      score += cur;
      if (Number.isNaN(score)) return ZADD_OUT_NAN;
    }
    if (((flags & ZADD_LT) && score >= cur) || ((flags & ZADD_GT) && score <= cur)) {
      return ZADD_OUT_NOP;
    }
    if (newScore !== null) newScore.value = score;
    if (score !== cur) {
      z.add(member, listpackScore(z, score));
      return ZADD_OUT_UPDATED;
    }
    return 0;
  }
  if (flags & ZADD_XX) return ZADD_OUT_NOP;
  const staysListpack = z.encoding() === "listpack" && z.size + 1 <= cfg.zsetMaxListpackEntries &&
    member.length <= cfg.zsetMaxListpackValue;
  z.addNew(member, staysListpack && score === 0 ? 0 : score, cfg);
  if (newScore !== null) newScore.value = score;
  return ZADD_OUT_ADDED;
}

/** Adds without flags (results of ZRANGESTORE & co). */
function zsetAddPlain(z: SortedSet, cfg: ZsetEncodingConfig, member: string, score: number) {
  zsetAdd(z, cfg, score, member, 0, null);
}

/**
 * zsetConvertToListpackIfNeeded for a result built as a skiplist: converts
 * when small enough, and then normalizes -0 scores as the listpack would.
 */
export function convertToListpackIfNeeded(z: SortedSet, cfg: ZsetEncodingConfig): void {
  z.convertToListpackIfNeeded(cfg);
  if (z.encoding() !== "listpack") return;
  const negZero: string[] = [];
  z.forEach((m, s) => {
    if (Object.is(s, -0)) negZero.push(m);
  });
  for (const m of negZero) {
    z.remove(m);
    z.add(m, 0);
  }
}

// ---------------------------------------------------------------------------
// ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE, ZRANK.

/** ZADD and ZINCRBY; `args`: ZADD's argument block when it runs from it (see CommandSpec.bulk). */
function zaddGeneric(c: Client, flags: number, args: ArgBlock | null = null): void {
  let scoreidx = 2;
  while (scoreidx < c.argc) {
    // Every option is 2 or 4 bytes long: a score usually ends the loop without a string.
    const arg = argAt(c.argv, args, scoreidx);
    const len = arg.length;
    if (len !== 2 && len !== 4) break;
    const opt = bytesToBinary(arg).toLowerCase();
    if (opt === "nx") flags |= ZADD_NX;
    else if (opt === "xx") flags |= ZADD_XX;
    else if (opt === "ch") flags |= ZADD_CH;
    else if (opt === "incr") flags |= ZADD_INCR;
    else if (opt === "gt") flags |= ZADD_GT;
    else if (opt === "lt") flags |= ZADD_LT;
    else break;
    scoreidx++;
  }
  const incr = (flags & ZADD_INCR) !== 0;
  const nx = (flags & ZADD_NX) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const gt = (flags & ZADD_GT) !== 0;
  const lt = (flags & ZADD_LT) !== 0;
  let elements = c.argc - scoreidx;
  if (elements % 2 !== 0 || elements === 0) return c.reply.error(SYNTAX_ERR);
  elements /= 2;
  if (nx && xx) {
    return c.reply.error("ERR XX and NX options at the same time are not compatible");
  }
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    return c.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && elements > 1) {
    return c.reply.error("ERR INCR option supports a single increment-element pair");
  }
  const scores: number[] = new Array(elements);
  for (let j = 0; j < elements; j++) {
    const v = getDouble(c, scoreidx + j * 2);
    if (v === null) return;
    scores[j] = v;
  }
  zaddParsed(c, flags, scores, scoreidx + 1, 2, args);
}

/**
 * The part of ZADD after its arguments are parsed (also GEOADD's, which
 * computes the scores itself): adds `scores[j]` with the member at argv
 * index `memberIdx + j * stride` to the sorted set at argv[1] under `flags`,
 * and replies.
 */
export function zaddParsed(
  c: Client,
  flags: number,
  scores: readonly number[],
  memberIdx: number,
  stride: number,
  args: ArgBlock | null = null,
): void {
  const incr = (flags & ZADD_INCR) !== 0;
  const xx = (flags & ZADD_XX) !== 0;
  const elements = scores.length;
  // The key by its bytes: no key string unless WATCH, events or blocked clients need it.
  const kb = c.argv[1];
  const cfg = zsetConfig(c);
  let id = lookupWriteId(c, kb);
  let z: SortedSet | undefined;
  if (id !== -1) {
    const v = c.db.valueAt(id);
    if (!(v instanceof SortedSet)) return c.reply.error(WRONGTYPE);
    z = v;
  }
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  const newScore: NewScore = { value: 0 };
  let failed = false;
  if (z === undefined && !xx) {
    z = SortedSet.create(elements, argAt(c.argv, args, memberIdx).length, cfg);
    id = dbAddBytes(c, c.db, kb, z);
  } else if (z !== undefined) {
    z.maybeConvert(elements, cfg);
  }
  if (z !== undefined) {
    for (let j = 0; j < elements; j++) {
      const i = memberIdx + j * stride;
      const member = args === null ? c.key(i) : args.binary(i);
      const out = zsetAdd(z, cfg, scores[j], member, flags, newScore);
      if (out & ZADD_OUT_NAN) {
        c.reply.error("ERR resulting score is not a number (NaN)");
        failed = true;
        break;
      }
      if (out & ZADD_OUT_ADDED) added++;
      if (out & ZADD_OUT_UPDATED) updated++;
      if (!(out & ZADD_OUT_NOP)) {
        processed++;
        score = newScore.value;
      }
    }
  }
  if (!failed) {
    if (incr) {
      if (processed) c.reply.double(score);
      else c.reply.nullBulk();
    } else {
      c.reply.integer((flags & ZADD_CH) ? added + updated : added);
    }
  }
  // A failed ZINCRBY-like update changed nothing to count (Redis skips the dirty).
  if (added || updated) {
    modifiedAt(c, id, kb, "zset", incr ? "zincr" : "zadd", failed ? 0 : added + updated);
  }
}

function zaddCommand(c: Client): void {
  zaddGeneric(c, 0);
}

function zincrbyCommand(c: Client): void {
  zaddGeneric(c, ZADD_INCR);
}

function zremCommand(c: Client): void {
  const key = c.key(1);
  const z = writeZset(c, key);
  if (z === null) return;
  if (z === undefined) return c.reply.integer(0);
  let deleted = 0;
  let keyremoved = false;
  for (let j = 2; j < c.argc; j++) {
    if (z.remove(c.key(j))) deleted++;
    if (z.size === 0) {
      keyremoved = true;
      break;
    }
  }
  if (deleted) {
    zsetModified(c, "zrem", key, deleted);
    if (keyremoved) deleteEmptied(c, key);
  }
  c.reply.integer(deleted);
}

function zcardCommand(c: Client): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.integer(z === undefined ? 0 : z.size);
}

function zscoreCommand(c: Client): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  const s = z?.score(c.key(2));
  if (s === undefined) c.reply.nullBulk();
  else c.reply.double(s);
}

function zmscoreCommand(c: Client): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.array(c.argc - 2);
  for (let j = 2; j < c.argc; j++) {
    const s = z?.score(c.key(j));
    if (s === undefined) c.reply.nullBulk();
    else c.reply.double(s);
  }
}

function zrankGeneric(c: Client, reverse: boolean): void {
  if (c.argc > 4) {
    return c.reply.error(`ERR wrong number of arguments for '${c.cmd!.fullName}' command`);
  }
  let withscore = false;
  if (c.argc > 3) {
    if (c.lower(3) !== "withscore") return c.reply.error(SYNTAX_ERR);
    withscore = true;
  }
  const z = readZset(c, c.key(1));
  if (z === null) return;
  const member = c.key(2);
  const rank = z === undefined ? -1 : z.rank(member, reverse);
  if (rank < 0) {
    if (withscore) c.reply.nullArray();
    else c.reply.nullBulk();
    return;
  }
  if (withscore) c.reply.array(2);
  c.reply.integer(rank);
  if (withscore) c.reply.double(z!.score(member)!);
}

function zrankCommand(c: Client): void {
  zrankGeneric(c, false);
}

function zrevrankCommand(c: Client): void {
  zrankGeneric(c, true);
}

// ---------------------------------------------------------------------------
// ZCOUNT, ZLEXCOUNT.

function zcountCommand(c: Client): void {
  const r = parseScoreRange(c.argv[2], c.argv[3]);
  if (r === null) return c.reply.error("ERR min or max is not a float");
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.integer(z === undefined ? 0 : z.countInRange(r));
}

function zlexcountCommand(c: Client): void {
  const r = parseLexRange(c.argv[2], c.argv[3]);
  if (r === null) return c.reply.error("ERR min or max not valid string range item");
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.integer(z === undefined ? 0 : lexCount(z, r));
}

// ---------------------------------------------------------------------------
// The ZRANGE family (zrangeGenericCommand and its result handlers).

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/** Replies (member, score) pairs: flat in RESP2, [member, score] pairs in RESP3. */
function replyWithScores(c: Client, members: string[], scores: number[], withscores: boolean) {
  const n = members.length;
  if (withscores && c.reply.resp === 2) c.reply.array(n * 2);
  else c.reply.array(n);
  for (let i = 0; i < n; i++) {
    if (withscores && c.reply.resp === 3) c.reply.array(2);
    c.reply.bulkBinary(members[i]);
    if (withscores) c.reply.double(scores[i]);
  }
}

/** A ZRANGE by rank's reply: the members' bytes are copied from the set, no string made. */
function replyRankRange(
  c: Client,
  z: SortedSet,
  start: number,
  end: number,
  reverse: boolean,
  withscores: boolean,
): void {
  const r = c.reply;
  const n = end - start + 1;
  const pairs = withscores && r.resp === 3;
  r.array(withscores && !pairs ? n * 2 : n);
  let h = z.nodeAtRank(reverse ? z.size - 1 - start : start);
  for (let i = 0; i < n; i++) {
    if (pairs) r.array(2);
    r.bulkFrom(z.memberRef(h), refOff, refLen);
    if (withscores) r.double(z.scoreOf(h));
    h = reverse ? z.prev(h) : z.next(h);
  }
}

/** Replies the members of `nodes` (and their scores), copying the members' bytes. */
function replyNodes(c: Client, z: SortedSet, nodes: number[], withscores: boolean): void {
  const r = c.reply;
  const n = nodes.length;
  const pairs = withscores && r.resp === 3;
  r.array(withscores && !pairs ? n * 2 : n);
  for (let i = 0; i < n; i++) {
    const h = nodes[i];
    if (pairs) r.array(2);
    r.bulkFrom(z.memberRef(h), refOff, refLen);
    if (withscores) r.double(z.scoreOf(h));
  }
}

/**
 * zrangeResultFinalizeStore: stores the result at `dst` (or deletes `dst` when
 * empty) and replies the count. `sizeHint` is what zsetTypeCreate got.
 */
function storeRangeResult(
  c: Client,
  dst: string,
  members: string[],
  scores: number[],
  sizeHint: number,
): void {
  const cfg = zsetConfig(c);
  const n = members.length;
  if (n > 0) {
    const z = SortedSet.create(sizeHint, 0, cfg);
    for (let i = 0; i < n; i++) zsetAddPlain(z, cfg, members[i], scores[i]);
    setKey(c, dst, z);
    c.reply.integer(n);
    zsetModified(c, "zrangestore", dst);
  } else {
    c.reply.integer(0);
    deleteStoreKey(c, dst);
  }
}

function zrangeGeneric(
  c: Client,
  argcStart: number,
  store: boolean,
  rangetype: RangeType,
  direction: Direction,
): void {
  const key = c.key(argcStart);
  let minidx = argcStart + 1;
  let maxidx = argcStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argcStart + 3; j < c.argc; j++) {
    const leftargs = c.argc - j - 1;
    const opt = c.lower(j);
    if (!store && opt === "withscores") {
      withscores = true;
    } else if (opt === "limit" && leftargs >= 2) {
      const o = getLong(c, j + 1);
      if (o === null) return;
      const l = getLong(c, j + 2);
      if (l === null) return;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === "auto" && opt === "rev") {
      direction = "reverse";
    } else if (rangetype === "auto" && opt === "bylex") {
      rangetype = "lex";
    } else if (rangetype === "auto" && opt === "byscore") {
      rangetype = "score";
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  if (direction === "auto") direction = "forward";
  if (rangetype === "auto") rangetype = "rank";
  if (limit !== -1 && rangetype === "rank") {
    return c.reply.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withscores && rangetype === "lex") {
    return c.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  const reverse = direction === "reverse";
  if (reverse && rangetype !== "rank") {
    // The range is given as max, min.
    [minidx, maxidx] = [maxidx, minidx];
  }
  let start = 0;
  let end = 0;
  let range: ZRangeSpec | null = null;
  let lexrange: ZLexRangeSpec | null = null;
  if (rangetype === "rank") {
    const s = getLong(c, minidx);
    if (s === null) return;
    const e = getLong(c, maxidx);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangetype === "score") {
    range = parseScoreRange(c.argv[minidx], c.argv[maxidx]);
    if (range === null) return c.reply.error("ERR min or max is not a float");
  } else {
    lexrange = parseLexRange(c.argv[minidx], c.argv[maxidx]);
    if (lexrange === null) {
      return c.reply.error("ERR min or max not valid string range item");
    }
  }
  const dst = store ? c.key(1) : "";
  const z = lookupKeyRead(c, key)?.value;
  if (z === undefined) {
    if (store) storeRangeResult(c, dst, [], [], 0);
    else c.reply.array(0);
    return;
  }
  if (!(z instanceof SortedSet)) return c.reply.error(WRONGTYPE);
  const members: string[] = [];
  const scores: number[] = [];
  const collect = (m: string, s: number) => {
    members.push(m);
    scores.push(s);
  };
  let sizeHint = 0;
  if (rangetype === "rank") {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start <= end && start < llen) {
      if (end >= llen) end = llen - 1;
      sizeHint = end - start + 1;
      if (!store) return replyRankRange(c, z, start, end, reverse, withscores);
      z.rangeByRank(start, end, reverse, collect);
    }
  } else if (offset >= 0 && !(offset > 0 && offset >= z.size)) {
    // A negative offset skips past everything, as Redis's "while (offset--)" does.
    if (rangetype === "score" && !store) {
      const nodes: number[] = [];
      z.rangeByScoreNodes(range!, reverse, offset, limit, nodes);
      return replyNodes(c, z, nodes, withscores);
    }
    if (rangetype === "score") z.rangeByScore(range!, reverse, offset, limit, collect);
    else lexRange(z, lexrange!, reverse, offset, limit, collect);
  }
  if (store) storeRangeResult(c, dst, members, scores, sizeHint);
  else replyWithScores(c, members, scores, withscores);
}

function zrangeCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "auto", "auto");
}

function zrangestoreCommand(c: Client): void {
  zrangeGeneric(c, 2, true, "auto", "auto");
}

function zrevrangeCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "rank", "reverse");
}

function zrangebyscoreCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "score", "forward");
}

function zrevrangebyscoreCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "score", "reverse");
}

function zrangebylexCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "lex", "forward");
}

function zrevrangebylexCommand(c: Client): void {
  zrangeGeneric(c, 1, false, "lex", "reverse");
}

// ---------------------------------------------------------------------------
// ZREMRANGEBYRANK / SCORE / LEX.

function zremrangeGeneric(c: Client, rangetype: "rank" | "score" | "lex"): void {
  const key = c.key(1);
  let start = 0;
  let end = 0;
  let range: ZRangeSpec | null = null;
  let lexrange: ZLexRangeSpec | null = null;
  if (rangetype === "rank") {
    const s = getLong(c, 2);
    if (s === null) return;
    const e = getLong(c, 3);
    if (e === null) return;
    start = s;
    end = e;
  } else if (rangetype === "score") {
    range = parseScoreRange(c.argv[2], c.argv[3]);
    if (range === null) return c.reply.error("ERR min or max is not a float");
  } else {
    lexrange = parseLexRange(c.argv[2], c.argv[3]);
    if (lexrange === null) return c.reply.error("ERR min or max not valid string range item");
  }
  const z = writeZset(c, key);
  if (z === null) return;
  if (z === undefined) return c.reply.integer(0);
  let deleted: number;
  if (rangetype === "rank") {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) return c.reply.integer(0);
    if (end >= llen) end = llen - 1;
    deleted = z.deleteRangeByRank(start, end);
  } else if (rangetype === "score") {
    deleted = z.deleteRangeByScore(range!);
  } else {
    deleted = lexDelete(z, lexrange!);
  }
  if (deleted) {
    zsetModified(c, "zremrangeby" + rangetype, key, deleted);
    if (z.size === 0) deleteEmptied(c, key);
  }
  c.reply.integer(deleted);
}

function zremrangebyrankCommand(c: Client): void {
  zremrangeGeneric(c, "rank");
}

function zremrangebyscoreCommand(c: Client): void {
  zremrangeGeneric(c, "score");
}

function zremrangebylexCommand(c: Client): void {
  zremrangeGeneric(c, "lex");
}

// ---------------------------------------------------------------------------
// Pops (genericZpopCommand, blockingGenericZpopCommand, zmpopGenericCommand).

type Where = "min" | "max";

const ZPOPMIN = binaryToBytes("ZPOPMIN");
const ZPOPMAX = binaryToBytes("ZPOPMAX");

/**
 * genericZpopCommand: pops from the first existing key among argv[keyIdx...]
 * (`keyc` keys). `count` -1 is the plain single pop. `emitKey` prefixes the
 * key (BZPOP*, ZMPOP), `nested` replies [member, score] pairs.
 */
function genericZpop(
  c: Client,
  keyIdx: number,
  keyc: number,
  where: Where,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
): void {
  let z: SortedSet | undefined;
  let idx = keyIdx;
  for (let i = 0; i < keyc; i++, idx++) {
    const v = lookupKeyWrite(c, c.key(idx))?.value;
    if (v === undefined) continue;
    if (!(v instanceof SortedSet)) return c.reply.error(WRONGTYPE);
    z = v;
    break;
  }
  if (z === undefined) {
    if (nilWhenEmpty) c.reply.nullArray();
    else c.reply.array(0);
    return;
  }
  if (count === 0) return c.reply.array(0);
  if (count === -1) count = 1;
  const key = c.key(idx);
  const llen = z.size;
  let rangelen = count > llen ? llen : count;
  if (!nested && !emitKey) {
    c.reply.array(rangelen * 2);
  } else if (nested && !emitKey) {
    c.reply.array(rangelen);
  } else if (!nested && emitKey) {
    c.reply.array(rangelen * 2 + 1);
    c.reply.bulk(c.argv[idx]);
  } else {
    c.reply.array(2);
    c.reply.bulk(c.argv[idx]);
    c.reply.array(rangelen);
  }
  let popped = 0;
  do {
    const e = where === "min" ? z.popMin()! : z.popMax()!;
    // The event goes out where Redis fires it, before the elements' replies.
    if (popped === 0) zsetModified(c, where === "min" ? "zpopmin" : "zpopmax", key, rangelen);
    if (nested) c.reply.array(2);
    c.reply.bulkBinary(e.member);
    c.reply.double(e.score);
    popped++;
  } while (--rangelen > 0);
  if (z.size === 0) deleteEmptied(c, key);
  if (c.cmd?.name === "zmpop") {
    c.rewriteArgv([
      where === "max" ? ZPOPMAX : ZPOPMIN,
      c.argv[idx],
      binaryToBytes(String(count > llen ? llen : count)),
    ]);
  }
}

function zpopMinMax(c: Client, where: Where): void {
  if (c.argc > 3) return c.reply.error(SYNTAX_ERR);
  let count = -1;
  if (c.argc === 3) {
    const n = getPositiveLong(c, 2);
    if (n === null) return;
    count = n;
  }
  const nested = c.reply.resp === 3 && count !== -1;
  genericZpop(c, 1, 1, where, false, count, nested, false);
}

function zpopminCommand(c: Client): void {
  zpopMinMax(c, "min");
}

function zpopmaxCommand(c: Client): void {
  zpopMinMax(c, "max");
}

/** blockingGenericZpopCommand. */
function blockingZpop(
  c: Client,
  keyIdx: number,
  numkeys: number,
  where: Where,
  timeoutIdx: number,
  count: number,
  nested: boolean,
): void {
  const deadline = parseTimeout(c, c.argv[timeoutIdx]);
  if (deadline === null) return;
  for (let j = 0; j < numkeys; j++) {
    const i = keyIdx + j;
    const v = lookupKeyWrite(c, c.key(i))?.value;
    if (v === undefined) continue;
    if (!(v instanceof SortedSet)) return c.reply.error(WRONGTYPE);
    const llen = v.size;
    if (llen === 0) continue;
    genericZpop(c, i, 1, where, true, count, nested, nested);
    const cmd = where === "max" ? ZPOPMAX : ZPOPMIN;
    if (count === -1) c.rewriteArgv([cmd, c.argv[i]]);
    else c.rewriteArgv([cmd, c.argv[i], binaryToBytes(String(count > llen ? llen : count))]);
    return;
  }
  if (!c.server.blocking.canBlock(c)) return c.reply.nullArray();
  const keys: string[] = [];
  for (let j = 0; j < numkeys; j++) keys.push(c.key(keyIdx + j));
  c.server.blocking.block(c, keys, "zset", deadline, (bc) => bc.reply.nullArray());
}

function bzpopminCommand(c: Client): void {
  blockingZpop(c, 1, c.argc - 2, "min", c.argc - 1, -1, false);
}

function bzpopmaxCommand(c: Client): void {
  blockingZpop(c, 1, c.argc - 2, "max", c.argc - 1, -1, false);
}

/** zmpopGenericCommand: numkeys at `numkeysIdx`, keys, MIN|MAX, [COUNT n]. */
/** MIN / MAX, or null after replying a syntax error. */
function getMinMax(c: Client, i: number): Where | null {
  const w = c.lower(i);
  if (w === "min" || w === "max") return w;
  c.reply.error(SYNTAX_ERR);
  return null;
}

function zmpopGeneric(c: Client, numkeysIdx: number, block: boolean): void {
  const args = getMpopArgs(c, numkeysIdx, getMinMax);
  if (args === null) return;
  const { numkeys, where, count } = args;
  if (block) blockingZpop(c, numkeysIdx + 1, numkeys, where, 1, count, true);
  else genericZpop(c, numkeysIdx + 1, numkeys, where, true, count, true, true);
}

function zmpopCommand(c: Client): void {
  zmpopGeneric(c, 1, false);
}

function bzmpopCommand(c: Client): void {
  zmpopGeneric(c, 2, true);
}

// ---------------------------------------------------------------------------
// ZRANDMEMBER.

function zrandmemberWithCount(c: Client, l: bigint, withscores: boolean): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  if (z === undefined) return c.reply.array(0);
  const size = z.size;
  const uniq = l >= 0n;
  if (l === 0n) return c.reply.array(0);
  const r = c.reply;
  // CASE 1: negative count (or 1): independent random picks.
  if (!uniq || l === 1n) {
    const picks = uniq ? l : -l;
    arrayLen(c, withscores && r.resp === 2 ? picks * 2n : picks);
    const n = loopBound(picks);
    for (let i = 0; i < n; i++) {
      const slot = Math.floor(Math.random() * size);
      if (withscores && r.resp === 3) r.array(2);
      r.bulkBinary(z.memberAtSlot(slot));
      if (withscores) r.double(z.scoreAtSlot(slot));
      if (c.replyLimitReached()) return;
    }
    return;
  }
  // A positive count: past 2^53 it still compares above any size as a double.
  const count = Number(l);
  const replySize = count < size ? count : size;
  r.array(withscores && r.resp === 2 ? replySize * 2 : replySize);
  // CASE 2: the whole set, in zuiNext order (from the highest score down).
  if (count >= size) {
    z.rangeByRank(0, size - 1, true, (m, s) => {
      if (withscores && r.resp === 3) r.array(2);
      r.bulkBinary(m);
      if (withscores) r.double(s);
    });
    return;
  }
  // CASES 3 and 4: `count` distinct members in random order (partial shuffle of the slots).
  const slots = new Int32Array(size);
  for (let i = 0; i < size; i++) slots[i] = i;
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (size - i));
    const t = slots[i];
    slots[i] = slots[j];
    slots[j] = t;
    if (withscores && r.resp === 3) r.array(2);
    r.bulkBinary(z.memberAtSlot(slots[i]));
    if (withscores) r.double(z.scoreAtSlot(slots[i]));
  }
}

function zrandmemberCommand(c: Client): void {
  if (c.argc >= 3) {
    const r = getRandomCount(c, "withscores");
    if (r !== null) zrandmemberWithCount(c, r.count, r.withPairs);
    return;
  }
  const z = readZset(c, c.key(1));
  if (z === null) return;
  if (z === undefined) return c.reply.nullBulk();
  c.reply.bulkBinary(z.randomMember()!);
}

// ---------------------------------------------------------------------------
// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD
// (zunionInterDiffGenericCommand).

type SetOp = "union" | "inter" | "diff";
type Aggregate = "sum" | "min" | "max";

/** zsetopsrc: a sorted set, a plain set (every score 1) or a missing key. */
interface OpSource {
  value: SortedSet | RedisSet | null;
  weight: number;
}

function srcLength(s: OpSource): number {
  return s.value === null ? 0 : s.value.size;
}

function srcForEach(s: OpSource, visit: (member: string, score: number) => void): void {
  const v = s.value;
  if (v instanceof SortedSet) v.forEach(visit);
  else if (v instanceof RedisSet) v.forEach((m) => visit(m, 1));
}

function srcFind(s: OpSource, member: string): number | undefined {
  const v = s.value;
  if (v instanceof SortedSet) return v.score(member);
  if (v instanceof RedisSet) return v.has(member) ? 1 : undefined;
  return undefined;
}

/** zunionInterAggregate: +inf + -inf sums to 0. */
function aggregate(target: number, val: number, how: Aggregate): number {
  if (how === "sum") {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (how === "min") return val < target ? val : target;
  return val > target ? val : target;
}

function zunionInterDiffGeneric(
  c: Client,
  dstkey: string | null,
  numkeysIndex: number,
  op: SetOp,
  cardinalityOnly: boolean,
): void {
  const setnum = getLong(c, numkeysIndex);
  if (setnum === null) return;
  if (setnum < 1) {
    return c.reply.error(`ERR at least 1 input key is needed for '${c.cmd!.fullName}' command`);
  }
  if (setnum > c.argc - (numkeysIndex + 1)) return c.reply.error(SYNTAX_ERR);
  const src: OpSource[] = [];
  let j = numkeysIndex + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = lookupKeyRead(c, c.key(j))?.value;
    if (v !== undefined && !(v instanceof SortedSet) && !(v instanceof RedisSet)) {
      return c.reply.error(WRONGTYPE);
    }
    src.push({ value: v ?? null, weight: 1 });
  }
  let how: Aggregate = "sum";
  let withscores = false;
  let limit = 0;
  let remaining = c.argc - j;
  while (remaining > 0) {
    const opt = c.lower(j);
    if (op !== "diff" && !cardinalityOnly && remaining >= setnum + 1 && opt === "weights") {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) {
        const w = getDouble(c, j, "weight value is not a float");
        if (w === null) return;
        src[i].weight = w;
      }
    } else if (op !== "diff" && !cardinalityOnly && remaining >= 2 && opt === "aggregate") {
      j++;
      remaining--;
      const a = c.lower(j);
      if (a === "sum" || a === "min" || a === "max") how = a;
      else return c.reply.error(SYNTAX_ERR);
      j++;
      remaining--;
    } else if (remaining >= 1 && dstkey === null && !cardinalityOnly && opt === "withscores") {
      j++;
      remaining--;
      withscores = true;
    } else if (cardinalityOnly && remaining >= 2 && opt === "limit") {
      j++;
      remaining--;
      const l = getPositiveLong(c, j, "LIMIT can't be negative");
      if (l === null) return;
      limit = l;
      j++;
      remaining--;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  // Smallest input first (a stable sort keeps equal sizes in argument order, like glibc's qsort).
  if (op !== "diff") src.sort((a, b) => srcLength(a) - srcLength(b));

  const out = new Map<string, number>();
  let cardinality = 0;
  if (op === "inter") {
    if (srcLength(src[0]) > 0) {
      const first = src[0];
      const done = {};
      try {
        srcForEach(first, (member, s) => {
          let score = first.weight * s;
          if (Number.isNaN(score)) score = 0;
          let k = 1;
          for (; k < setnum; k++) {
            if (src[k].value === first.value) {
              score = aggregate(score, s * src[k].weight, how);
            } else {
              const v = srcFind(src[k], member);
              if (v === undefined) break;
              score = aggregate(score, v * src[k].weight, how);
            }
          }
          if (k !== setnum) return;
          if (cardinalityOnly) {
            cardinality++;
            if (limit && cardinality >= limit) throw done;
          } else {
            out.set(member, score);
          }
        });
      } catch (e) {
        if (e !== done) throw e;
      }
    }
  } else if (op === "union") {
    for (const s of src) {
      if (srcLength(s) === 0) continue;
      srcForEach(s, (member, v) => {
        let score = s.weight * v;
        if (Number.isNaN(score)) score = 0;
        const cur = out.get(member);
        out.set(member, cur === undefined ? score : aggregate(cur, score, how));
      });
    }
  } else {
    if (srcLength(src[0]) > 0) {
      srcForEach(src[0], (member, s) => {
        for (let k = 1; k < setnum; k++) {
          if (src[k].value === src[0].value || srcFind(src[k], member) !== undefined) return;
        }
        out.set(member, s);
      });
    }
  }

  if (cardinalityOnly) return c.reply.integer(cardinality);
  const cfg = zsetConfig(c);
  const dst = new SortedSet(out.size);
  dst.setEncoding("skiplist");
  for (const [m, s] of out) dst.add(m, s);
  if (dstkey !== null) {
    if (dst.size > 0) {
      convertToListpackIfNeeded(dst, cfg);
      setKey(c, dstkey, dst);
      c.reply.integer(dst.size);
      zsetModified(
        c,
        op === "union" ? "zunionstore" : op === "inter" ? "zinterstore" : "zdiffstore",
        dstkey,
      );
    } else {
      c.reply.integer(0);
      deleteStoreKey(c, dstkey);
    }
    return;
  }
  const members: string[] = [];
  const scores: number[] = [];
  dst.forEach((m, s) => {
    members.push(m);
    scores.push(s);
  });
  replyWithScores(c, members, scores, withscores);
}

function zunionstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, c.key(1), 2, "union", false);
}

function zinterstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, c.key(1), 2, "inter", false);
}

function zdiffstoreCommand(c: Client): void {
  zunionInterDiffGeneric(c, c.key(1), 2, "diff", false);
}

function zunionCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, "union", false);
}

function zinterCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, "inter", false);
}

function zdiffCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, "diff", false);
}

function zintercardCommand(c: Client): void {
  zunionInterDiffGeneric(c, null, 1, "inter", true);
}

// ---------------------------------------------------------------------------
// ZSCAN.

function zscanCommand(c: Client): void {
  const cursor = getScanCursor(c, 2);
  if (cursor === null) return;
  const z = readZset(c, c.key(1));
  if (z === null) return;
  if (z === undefined) return replyEmptyScan(c);
  const opts = parseScanOptions(c, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const items: string[] = [];
  let next = 0;
  if (z.encoding() === "listpack") {
    // A listpack is returned whole, scores as stored (d2string).
    z.forEach((m, s) => {
      if (pattern !== null && !matchGlob(pattern, m)) return;
      items.push(m, formatDouble(s));
    });
  } else {
    next = z.scan(Math.min(cursor, z.size), opts.count, (m, s) => {
      if (pattern !== null && !matchGlob(pattern, m)) return;
      items.push(m, formatG17(s));
    });
  }
  c.reply.array(2);
  c.reply.bulkBinary(String(next));
  c.reply.array(items.length);
  for (const s of items) c.reply.bulkBinary(s);
}

// ---------------------------------------------------------------------------
// Key positions of the commands whose keys move.

const storeKeys = (argv: Uint8Array[]): number[] => {
  const keys = keyNumKeys(argv, 2);
  return keys.length === 0 ? [] : [1, ...keys];
};

// ---------------------------------------------------------------------------
// Command table rows.

// Arguments several rows share (as in Redis's commands/*.json).

/** WEIGHTS weight [weight ...] and AGGREGATE SUM|MIN|MAX of ZUNION, ZINTER and their STORE forms. */
const WEIGHTS_AGGREGATE_ARGS: ArgDoc[] = [
  { name: "weight", type: "integer", token: "WEIGHTS", flags: ["optional", "multiple"] },
  {
    name: "aggregate",
    type: "oneof",
    token: "AGGREGATE",
    flags: ["optional"],
    args: [
      { name: "sum", type: "pure-token", token: "SUM" },
      { name: "min", type: "pure-token", token: "MIN" },
      { name: "max", type: "pure-token", token: "MAX" },
    ],
  },
];

/** MIN|MAX of ZMPOP and BZMPOP. */
const MIN_MAX_ARG: ArgDoc = {
  name: "where",
  type: "oneof",
  args: [
    { name: "min", type: "pure-token", token: "MIN" },
    { name: "max", type: "pure-token", token: "MAX" },
  ],
};

/** Rows of the sorted-set group. */
export const zsetCommands: CommandSpec[] = [
  {
    name: "zadd",
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [
      ["2.4.0", "Accepts multiple elements."],
      ["3.0.2", "Added the `XX`, `NX`, `CH` and `INCR` options."],
      ["6.2.0", "Added the `GT` and `LT` options."],
    ],
    keySpecs: [
      keySpecAt(["RW", "update"]),
    ],
    args: [
      { name: "key", type: "key" },
      {
        name: "condition",
        type: "oneof",
        since: "3.0.2",
        flags: ["optional"],
        args: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      {
        name: "comparison",
        type: "oneof",
        since: "6.2.0",
        flags: ["optional"],
        args: [
          { name: "gt", type: "pure-token", token: "GT" },
          { name: "lt", type: "pure-token", token: "LT" },
        ],
      },
      { name: "change", type: "pure-token", token: "CH", since: "3.0.2", flags: ["optional"] },
      { name: "increment", type: "pure-token", token: "INCR", since: "3.0.2", flags: ["optional"] },
      {
        name: "data",
        type: "block",
        flags: ["multiple"],
        args: [
          { name: "score", type: "double" },
          { name: "member", type: "string" },
        ],
      },
    ],
    handler: zaddCommand,
    bulk: (c, args) => zaddGeneric(c, 0, args),
  },
  {
    name: "zincrby",
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary: "Increments the score of a member in a sorted set.",
    complexity: "O(log(N)) where N is the number of elements in the sorted set.",
    keySpecs: [
      keySpecAt(["RW", "access", "update"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "increment", type: "integer" },
      { name: "member", type: "string" },
    ],
    handler: zincrbyCommand,
  },
  {
    name: "zrem",
    arity: -3,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.",
    complexity:
      "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.",
    history: [
      ["2.4.0", "Accepts multiple elements."],
    ],
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string", flags: ["multiple"] },
    ],
    handler: zremCommand,
  },
  {
    name: "zcard",
    arity: 2,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns the number of members in a sorted set.",
    complexity: "O(1)",
    keySpecs: [
      keySpecAt(["RO"]),
    ],
    args: [
      { name: "key", type: "key" },
    ],
    handler: zcardCommand,
  },
  {
    name: "zscore",
    arity: 3,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns the score of a member in a sorted set.",
    complexity: "O(1)",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string" },
    ],
    handler: zscoreCommand,
  },
  {
    name: "zmscore",
    arity: -3,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the score of one or more members in a sorted set.",
    complexity: "O(N) where N is the number of members being requested.",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string", flags: ["multiple"] },
    ],
    handler: zmscoreCommand,
  },
  {
    name: "zrank",
    arity: -3,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary: "Returns the index of a member in a sorted set ordered by ascending scores.",
    complexity: "O(log(N))",
    history: [
      ["7.2.0", "Added the optional `WITHSCORE` argument."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string" },
      { name: "withscore", type: "pure-token", token: "WITHSCORE", flags: ["optional"] },
    ],
    handler: zrankCommand,
  },
  {
    name: "zrevrank",
    arity: -3,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary: "Returns the index of a member in a sorted set ordered by descending scores.",
    complexity: "O(log(N))",
    history: [
      ["7.2.0", "Added the optional `WITHSCORE` argument."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string" },
      { name: "withscore", type: "pure-token", token: "WITHSCORE", flags: ["optional"] },
    ],
    handler: zrevrankCommand,
  },
  {
    name: "zcount",
    arity: 4,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary: "Returns the count of members in a sorted set that have scores within a range.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "double" },
      { name: "max", type: "double" },
    ],
    handler: zcountCommand,
  },
  {
    name: "zlexcount",
    arity: 4,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.8.9",
    summary: "Returns the number of members in a sorted set within a lexicographical range.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
    ],
    handler: zlexcountCommand,
  },
  {
    name: "zrange",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns members in a sorted set within a range of indexes.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    history: [
      ["6.2.0", "Added the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "start", type: "string" },
      { name: "stop", type: "string" },
      {
        name: "sortby",
        type: "oneof",
        since: "6.2.0",
        flags: ["optional"],
        args: [
          { name: "byscore", type: "pure-token", token: "BYSCORE" },
          { name: "bylex", type: "pure-token", token: "BYLEX" },
        ],
      },
      { name: "rev", type: "pure-token", token: "REV", since: "6.2.0", flags: ["optional"] },
      {
        name: "limit",
        type: "block",
        token: "LIMIT",
        since: "6.2.0",
        flags: ["optional"],
        args: [
          { name: "offset", type: "integer" },
          { name: "count", type: "integer" },
        ],
      },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
    ],
    handler: zrangeCommand,
  },
  {
    name: "zrangestore",
    arity: -5,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Stores a range of members from sorted set in a key.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.",
    keySpecs: [
      keySpecAt(["OW", "update"]),
      keySpecAt(["RO", "access"], 2),
    ],
    args: [
      { name: "dst", type: "key" },
      { name: "src", type: "key" },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
      {
        name: "sortby",
        type: "oneof",
        flags: ["optional"],
        args: [
          { name: "byscore", type: "pure-token", token: "BYSCORE" },
          { name: "bylex", type: "pure-token", token: "BYLEX" },
        ],
      },
      { name: "rev", type: "pure-token", token: "REV", flags: ["optional"] },
      LIMIT_ARG,
    ],
    handler: zrangestoreCommand,
  },
  {
    name: "zrevrange",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary: "Returns members in a sorted set within a range of indexes in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` argument",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "start", type: "integer" },
      { name: "stop", type: "integer" },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
    ],
    handler: zrevrangeCommand,
  },
  {
    name: "zrangebyscore",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.0.5",
    summary: "Returns members in a sorted set within a range of scores.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYSCORE` argument",
    history: [
      ["2.0.0", "Added the `WITHSCORES` modifier."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "double" },
      { name: "max", type: "double" },
      {
        name: "withscores",
        type: "pure-token",
        token: "WITHSCORES",
        since: "2.0.0",
        flags: ["optional"],
      },
      LIMIT_ARG,
    ],
    handler: zrangebyscoreCommand,
  },
  {
    name: "zrevrangebyscore",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.2.0",
    summary: "Returns members in a sorted set within a range of scores in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYSCORE` arguments",
    history: [
      ["2.1.6", "`min` and `max` can be exclusive."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "max", type: "double" },
      { name: "min", type: "double" },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
      LIMIT_ARG,
    ],
    handler: zrevrangebyscoreCommand,
  },
  {
    name: "zrangebylex",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.8.9",
    summary: "Returns members in a sorted set within a lexicographical range.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `BYLEX` argument",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
      LIMIT_ARG,
    ],
    handler: zrangebylexCommand,
  },
  {
    name: "zrevrangebylex",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.8.9",
    summary: "Returns members in a sorted set within a lexicographical range in reverse order.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`ZRANGE` with the `REV` and `BYLEX` arguments",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "max", type: "string" },
      { name: "min", type: "string" },
      LIMIT_ARG,
    ],
    handler: zrevrangebylexCommand,
  },
  {
    name: "zremrangebyrank",
    arity: 4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary:
      "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "start", type: "integer" },
      { name: "stop", type: "integer" },
    ],
    handler: zremrangebyrankCommand,
  },
  {
    name: "zremrangebyscore",
    arity: 4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "1.2.0",
    summary:
      "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "double" },
      { name: "max", type: "double" },
    ],
    handler: zremrangebyscoreCommand,
  },
  {
    name: "zremrangebylex",
    arity: 4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.8.9",
    summary:
      "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed.",
    complexity:
      "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.",
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "min", type: "string" },
      { name: "max", type: "string" },
    ],
    handler: zremrangebylexCommand,
  },
  {
    name: "zpopmin",
    arity: -2,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [
      keySpecAt(["RW", "access", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "count", type: "integer", flags: ["optional"] },
    ],
    handler: zpopminCommand,
  },
  {
    name: "zpopmax",
    arity: -2,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [
      keySpecAt(["RW", "access", "delete"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "count", type: "integer", flags: ["optional"] },
    ],
    handler: zpopmaxCommand,
  },
  {
    name: "zmpop",
    arity: -4,
    flags: ["write", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "7.0.0",
    summary:
      "Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [
      keySpecNumKeys(["RW", "access", "delete"]),
    ],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      MIN_MAX_ARG,
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: zmpopCommand,
  },
  {
    name: "bzpopmin",
    arity: -3,
    flags: ["write", "blocking", "fast"],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [
      ["6.0.0", "`timeout` is interpreted as a double instead of an integer."],
    ],
    keySpecs: [
      keySpecAt(["RW", "access", "delete"], 1, -2),
    ],
    args: [
      { name: "key", type: "key", flags: ["multiple"] },
      { name: "timeout", type: "double" },
    ],
    handler: bzpopminCommand,
  },
  {
    name: "bzpopmax",
    arity: -3,
    flags: ["write", "blocking", "fast"],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    group: "sorted-set",
    since: "5.0.0",
    summary:
      "Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.",
    complexity: "O(log(N)) with N being the number of elements in the sorted set.",
    history: [
      ["6.0.0", "`timeout` is interpreted as a double instead of an integer."],
    ],
    keySpecs: [
      keySpecAt(["RW", "access", "delete"], 1, -2),
    ],
    args: [
      { name: "key", type: "key", flags: ["multiple"] },
      { name: "timeout", type: "double" },
    ],
    handler: bzpopmaxCommand,
  },
  {
    name: "bzmpop",
    arity: -5,
    flags: ["write", "blocking", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "7.0.0",
    summary:
      "Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.",
    complexity:
      "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.",
    keySpecs: [
      keySpecNumKeys(["RW", "access", "delete"], 2),
    ],
    args: [
      { name: "timeout", type: "double" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      MIN_MAX_ARG,
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 2),
    handler: bzmpopCommand,
  },
  {
    name: "zrandmember",
    arity: -2,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns one or more random members from a sorted set.",
    complexity: "O(N) where N is the number of members returned",
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      {
        name: "options",
        type: "block",
        flags: ["optional"],
        args: [
          { name: "count", type: "integer" },
          { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
        ],
      },
    ],
    handler: zrandmemberCommand,
  },
  {
    name: "zunion",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the union of multiple sorted sets.",
    complexity:
      "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    keySpecs: [
      keySpecNumKeys(["RO", "access"]),
    ],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      ...WEIGHTS_AGGREGATE_ARGS,
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: zunionCommand,
  },
  {
    name: "zinter",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the intersect of multiple sorted sets.",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    keySpecs: [
      keySpecNumKeys(["RO", "access"]),
    ],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      ...WEIGHTS_AGGREGATE_ARGS,
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: zinterCommand,
  },
  {
    name: "zdiff",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Returns the difference between multiple sorted sets.",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    keySpecs: [
      keySpecNumKeys(["RO", "access"]),
    ],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      { name: "withscores", type: "pure-token", token: "WITHSCORES", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: zdiffCommand,
  },
  {
    name: "zunionstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary: "Stores the union of multiple sorted sets in a key.",
    complexity:
      "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.",
    keySpecs: [
      keySpecAt(["OW", "update"]),
      keySpecNumKeys(["RO", "access"], 2),
    ],
    args: [
      { name: "destination", type: "key" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      ...WEIGHTS_AGGREGATE_ARGS,
    ],
    getKeys: storeKeys,
    handler: zunionstoreCommand,
  },
  {
    name: "zinterstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.0.0",
    summary: "Stores the intersect of multiple sorted sets in a key.",
    complexity:
      "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.",
    keySpecs: [
      keySpecAt(["OW", "update"]),
      keySpecNumKeys(["RO", "access"], 2),
    ],
    args: [
      { name: "destination", type: "key" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      ...WEIGHTS_AGGREGATE_ARGS,
    ],
    getKeys: storeKeys,
    handler: zinterstoreCommand,
  },
  {
    name: "zdiffstore",
    arity: -4,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "6.2.0",
    summary: "Stores the difference of multiple sorted sets in a key.",
    complexity:
      "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.",
    keySpecs: [
      keySpecAt(["OW", "update"]),
      keySpecNumKeys(["RO", "access"], 2),
    ],
    args: [
      { name: "destination", type: "key" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
    ],
    getKeys: storeKeys,
    handler: zdiffstoreCommand,
  },
  {
    name: "zintercard",
    arity: -3,
    flags: ["readonly", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "sorted-set",
    since: "7.0.0",
    summary: "Returns the number of members of the intersect of multiple sorted sets.",
    complexity:
      "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.",
    keySpecs: [
      keySpecNumKeys(["RO", "access"]),
    ],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      { name: "limit", type: "integer", token: "LIMIT", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: zintercardCommand,
  },
  {
    name: "zscan",
    arity: -3,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "sorted-set",
    since: "2.8.0",
    summary: "Iterates over members and scores of a sorted set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", flags: ["optional"] },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    handler: zscanCommand,
  },
];
