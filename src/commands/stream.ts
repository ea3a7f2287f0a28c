/**
 * Stream commands (Redis's t_stream.c): XADD, XLEN, XRANGE, XREVRANGE, XDEL,
 * XTRIM, XSETID, XREAD, and the consumer groups: XGROUP, XREADGROUP, XACK,
 * XPENDING, XCLAIM, XAUTOCLAIM and XINFO.
 *
 * XREAD and XREADGROUP BLOCK use the shared blocking mechanism: the command is
 * re-run when a stream it waits on is written (a blocked XREAD keeps the ID
 * `$` stood for when it blocked; a blocked XREADGROUP is also re-run when its
 * key is deleted or changes type, and then replies the error). As in Redis,
 * XREADGROUP, XCLAIM and XAUTOCLAIM are not propagated themselves: each
 * delivery or claim goes to replicas and the AOF as an idempotent
 * `XCLAIM ... FORCE JUSTID LASTID`, and a group's advance as
 * `XGROUP SETID ... ENTRIESREAD`; generated IDs and `~` thresholds are
 * rewritten to what was actually used.
 */

import type { Client } from "../server/client.ts";
import {
  compareIds,
  copyId,
  decrId,
  idText,
  incrId,
  INVALID_ENTRIES_READ,
  isZeroId,
  makeId,
  maxId,
  parseU64,
  RedisStream,
  StreamCG,
  StreamConsumer,
  type StreamID,
  type StreamNACK,
  zeroId,
} from "../store/stream.ts";
import type { RedisValue } from "../store/types.ts";
import { NO_SUCH_KEY, SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { parseLongLong } from "../util/number.ts";
import { getLongLong } from "./args.ts";
import { dbAdd, lookupKeyRead, readValue, writeValue } from "./keyspace.ts";
import { helpRow, replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { type ArgDoc, type CommandSpec, keySpecAt } from "../server/command_table.ts";

const INVALID_ID = "ERR Invalid stream ID specified as stream command argument";
const EQUAL = binaryToBytes("=");
const LLONG_MAX = 9223372036854775807;

// ---------------------------------------------------------------------------
// IDs (streamGenericParseIDOrReply).

/** strtoull(s, 10) accepting the whole string: leading spaces, a sign, digits. */
function strtoull(b: Uint8Array, from: number, to: number): [number, number] | null {
  let i = from;
  while (i < to && (b[i] === 32 || (b[i] >= 9 && b[i] <= 13))) i++;
  let neg = false;
  if (i < to && (b[i] === 43 || b[i] === 45)) neg = b[i++] === 45;
  if (i === to) return null;
  let v = 0n;
  for (let j = i; j < to; j++) {
    const d = b[j] - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10n + BigInt(d);
    if (v > 0xffffffffffffffffn) return null; // ERANGE
  }
  if (neg && v !== 0n) v = (1n << 64n) - v;
  return [Number(v >> 32n), Number(v & 0xffffffffn)];
}

/** string2ull: string2ll first (negatives rejected), else strtoull. */
function string2ull(b: Uint8Array, from: number, to: number): [number, number] | null {
  const fast = parseU64(b, from, to);
  if (fast !== null && (to - from === 1 || b[from] !== 48)) return fast;
  if (to > from && b[from] === 45) {
    // string2ll accepts "-N" (N > 0): a negative value is out of range.
    let digits = to - from > 1 && b[from + 1] >= 49 && b[from + 1] <= 57;
    for (let j = from + 2; digits && j < to; j++) digits = b[j] >= 48 && b[j] <= 57;
    if (digits && to - from <= 20) return null;
  }
  return strtoull(b, from, to);
}

/**
 * Parses an ID argument: "-" / "+" unless `strict`, "ms" (seq = `missingSeq`:
 * 0 or UINT64_MAX), "ms-seq", and with `seqGiven` "ms-*". Replies the error and
 * returns null when invalid.
 */
function parseId(
  c: Client,
  arg: Uint8Array,
  strict: boolean,
  missingSeqMax: boolean,
  seqGiven?: { v: boolean },
  from = 0,
  quiet = false,
): StreamID | null {
  const len = arg.length - from;
  const bad = (): null => {
    if (!quiet) c.reply.error(INVALID_ID);
    return null;
  };
  if (len > 127) return bad();
  if (seqGiven) seqGiven.v = true;
  if (len === 1 && (arg[from] === 45 || arg[from] === 43)) {
    if (strict) return bad();
    return arg[from] === 45 ? zeroId() : maxId();
  }
  // The C string ends at a NUL byte.
  let end = arg.indexOf(0, from);
  if (end === -1) end = arg.length;
  const dash = arg.indexOf(45, from);
  const msEnd = dash !== -1 && dash < end ? dash : end;
  const ms = string2ull(arg, from, msEnd);
  if (ms === null) return bad();
  let seq: [number, number];
  if (msEnd < end) {
    if (seqGiven && end - msEnd === 2 && arg[msEnd + 1] === 42) {
      seq = [0, 0];
      seqGiven.v = false;
    } else {
      const s = string2ull(arg, msEnd + 1, end);
      if (s === null) return bad();
      seq = s;
    }
  } else {
    seq = missingSeqMax ? [0xffffffff, 0xffffffff] : [0, 0];
  }
  return { msHi: ms[0], msLo: ms[1], seqHi: seq[0], seqLo: seq[1] };
}

/** streamParseIntervalIDOrReply: "(" excludes (then strict). */
function parseIntervalId(
  c: Client,
  arg: Uint8Array,
  missingSeqMax: boolean,
): { id: StreamID; exclude: boolean } | null {
  const exclude = arg.length > 1 && arg[0] === 40;
  const id = parseId(c, arg, exclude, missingSeqMax, undefined, exclude ? 1 : 0);
  return id === null ? null : { id, exclude };
}

function idBytes(id: StreamID): Uint8Array {
  return binaryToBytes(idText(id));
}

// ---------------------------------------------------------------------------
// Keyspace access.

function asStream(c: Client, v: RedisValue | undefined): RedisStream | undefined | null {
  if (v === undefined) return undefined;
  if (v instanceof RedisStream) return v;
  c.reply.error(WRONGTYPE);
  return null;
}

function limits(c: Client) {
  return c.server.config;
}

/** Writes one entry: [id, [field, value, ...]]. */
function replyEntry(c: Client, id: StreamID, fields: Uint8Array[]): void {
  const r = c.reply;
  r.array(2);
  r.bulkText(idText(id));
  r.array(fields.length);
  for (const f of fields) r.bulk(f);
}

/** streamReplyWithRange without a group: an array of entries. */
function replyRange(
  c: Client,
  s: RedisStream,
  start: StreamID,
  end: StreamID,
  count: number,
  rev: boolean,
): void {
  const entries: [StreamID, Uint8Array[]][] = [];
  s.range(start, end, rev, count, (id, fields) => {
    entries.push([id, fields]);
    return true;
  });
  c.reply.array(entries.length);
  for (const [id, fields] of entries) replyEntry(c, id, fields);
}

// ---------------------------------------------------------------------------
// XADD / XTRIM argument parsing (streamParseAddOrTrimArgsOrReply).

interface TrimArgs {
  strategy: "none" | "maxlen" | "minid";
  maxlen: number;
  minid: StreamID;
  approx: boolean;
  limit: number;
  /** Index of the threshold argument. */
  argIdx: number;
  noMkStream: boolean;
  id: StreamID | null;
  seqGiven: boolean;
}

/** Returns the index of the ID (XADD) or the end, or -1 after replying an error. */
function parseAddOrTrim(c: Client, a: TrimArgs, xadd: boolean): number {
  let limitGiven = false;
  const argc = c.argc;
  let i = 2;
  for (; i < argc; i++) {
    const more = argc - 1 - i;
    const arg = c.argv[i];
    if (xadd && arg.length === 1 && arg[0] === 42) break;
    const opt = c.lower(i);
    if ((opt === "maxlen" || opt === "minid") && more) {
      if (a.strategy !== "none") {
        c.reply.error(
          "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        );
        return -1;
      }
      a.approx = false;
      const next = c.argv[i + 1];
      if (more >= 2 && next.length === 1 && next[0] === 126) {
        a.approx = true;
        i++;
      } else if (more >= 2 && next.length === 1 && next[0] === 61) {
        i++;
      }
      if (opt === "maxlen") {
        const v = getLongLong(c, i + 1);
        if (v === null) return -1;
        if (v < 0n) {
          c.reply.error("ERR The MAXLEN argument must be >= 0.");
          return -1;
        }
        a.maxlen = Number(v);
      } else {
        const id = parseId(c, c.argv[i + 1], true, false);
        if (id === null) return -1;
        a.minid = id;
      }
      i++;
      a.strategy = opt;
      a.argIdx = i;
    } else if (opt === "limit" && more) {
      const v = getLongLong(c, i + 1);
      if (v === null) return -1;
      if (v < 0n) {
        c.reply.error("ERR The LIMIT argument must be >= 0.");
        return -1;
      }
      a.limit = Number(v);
      limitGiven = true;
      i++;
    } else if (xadd && opt === "nomkstream") {
      a.noMkStream = true;
    } else if (xadd) {
      const seqGiven = { v: true };
      const id = parseId(c, arg, true, false, seqGiven);
      if (id === null) return -1;
      a.id = id;
      a.seqGiven = seqGiven.v;
      break;
    } else {
      c.reply.error(SYNTAX_ERR);
      return -1;
    }
  }
  if (a.limit && a.strategy === "none") {
    c.reply.error("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy");
    return -1;
  }
  if (!xadd && a.strategy === "none") {
    c.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return -1;
  }
  if (c.kind === "master") {
    // The threshold was rewritten for replicas: no work limit.
    a.limit = 0;
  } else if (limitGiven) {
    if (!a.approx) {
      c.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
      return -1;
    }
  } else if (a.approx) {
    a.limit = 100 * limits(c).streamNodeMaxEntries;
    if (a.limit <= 0 || a.limit > 10000) a.limit = 10000;
  } else {
    a.limit = 0;
  }
  return i;
}

function newTrimArgs(): TrimArgs {
  return {
    strategy: "none",
    maxlen: -1,
    minid: zeroId(),
    approx: false,
    limit: 0,
    argIdx: 0,
    noMkStream: false,
    id: null,
    seqGiven: false,
  };
}

function trim(s: RedisStream, a: TrimArgs): number {
  if (a.strategy === "none") return 0;
  return s.trim(a.strategy === "maxlen" ? a.maxlen : null, a.minid, a.approx, a.limit);
}

/**
 * streamRewriteApproxSpecifier + streamRewriteTrimArgument: "~" becomes "="
 * and the threshold the one actually reached, so replicas trim the same.
 */
function rewriteTrim(argv: Uint8Array[], s: RedisStream, a: TrimArgs): void {
  argv[a.argIdx - 1] = EQUAL;
  if (a.strategy === "maxlen") {
    argv[a.argIdx] = binaryToBytes(String(s.length));
  } else {
    const first = s.firstNodeId();
    argv[a.argIdx] = idBytes(first ?? maxId());
  }
}

// ---------------------------------------------------------------------------
// Commands.

function xaddCommand(c: Client): void {
  const a = newTrimArgs();
  const idpos = parseAddOrTrim(c, a, true);
  if (idpos < 0) return;
  const fieldPos = idpos + 1;
  if (c.argc - fieldPos < 2 || (c.argc - fieldPos) % 2 === 1) {
    return c.reply.error("ERR wrong number of arguments for 'xadd' command");
  }
  if (a.id !== null && a.seqGiven && isZeroId(a.id)) {
    return c.reply.error("ERR The ID specified in XADD must be greater than 0-0");
  }
  const key = c.key(1);
  let s = asStream(c, writeValue(c, key));
  if (s === null) return;
  if (s === undefined) {
    if (a.noMkStream) return c.reply.nullBulk();
    s = new RedisStream();
    dbAdd(c, c.db, key, s);
  }
  const last = s.lastId;
  if (compareIds(last, maxId()) === 0) {
    return c.reply.error(
      "ERR The stream has exhausted the last possible ID, unable to add more items",
    );
  }
  let id: StreamID;
  if (a.id !== null) {
    if (a.seqGiven) {
      id = a.id;
    } else if (last.msHi === a.id.msHi && last.msLo === a.id.msLo) {
      if (last.seqHi === 0xffffffff && last.seqLo === 0xffffffff) {
        return c.reply.error(
          "ERR The ID specified in XADD is equal or smaller than the target stream top item",
        );
      }
      id = copyId(last);
      incrId(id);
    } else {
      id = a.id;
    }
  } else {
    // streamNextID.
    const ms = c.server.clock.now();
    const lastMs = last.msHi * 4294967296 + last.msLo;
    if (last.msHi < 0x200000 && ms > lastMs) id = makeId(ms, 0);
    else {
      id = copyId(last);
      incrId(id);
    }
  }
  if (compareIds(id, last) <= 0) {
    return c.reply.error(
      "ERR The ID specified in XADD is equal or smaller than the target stream top item",
    );
  }
  s.append(id, c.argv, fieldPos, limits(c));
  const text = idText(id);
  c.reply.bulkText(text);
  c.modified(key, "stream", "xadd");
  let argv: Uint8Array[] | null = null;
  if (a.strategy !== "none") {
    if (trim(s, a) > 0) c.modified(key, "stream", "xtrim", 0);
    if (a.approx) {
      argv = c.argv.slice();
      rewriteTrim(argv, s, a);
    }
  }
  if (a.id === null || !a.seqGiven) {
    argv ??= c.argv.slice();
    argv[idpos] = binaryToBytes(text);
  }
  if (argv !== null) c.rewriteArgv(argv);
}

function xlenCommand(c: Client): void {
  const s = asStream(c, readValue(c, c.key(1)));
  if (s === null) return;
  c.reply.integer(s === undefined ? 0 : s.length);
}

function xrangeGeneric(c: Client, rev: boolean): void {
  const startArg = rev ? c.argv[3] : c.argv[2];
  const endArg = rev ? c.argv[2] : c.argv[3];
  const start = parseIntervalId(c, startArg, false);
  if (start === null) return;
  if (start.exclude && !incrId(start.id)) {
    return c.reply.error("ERR invalid start ID for the interval");
  }
  const end = parseIntervalId(c, endArg, true);
  if (end === null) return;
  if (end.exclude && !decrId(end.id)) {
    return c.reply.error("ERR invalid end ID for the interval");
  }
  let count = -1;
  for (let j = 4; j < c.argc; j++) {
    if (c.lower(j) === "count" && c.argc - j - 1 >= 1) {
      const v = getLongLong(c, j + 1);
      if (v === null) return;
      count = v < 0n ? 0 : Number(v);
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const s = asStream(c, readValue(c, c.key(1)));
  if (s === null) return;
  if (s === undefined) return c.reply.array(0);
  if (count === 0) return c.reply.nullArray();
  replyRange(c, s, start.id, end.id, count === -1 ? 0 : count, rev);
}

function xrangeCommand(c: Client): void {
  xrangeGeneric(c, false);
}

function xrevrangeCommand(c: Client): void {
  xrangeGeneric(c, true);
}

function xdelCommand(c: Client): void {
  const key = c.key(1);
  const s = asStream(c, writeValue(c, key));
  if (s === null) return;
  if (s === undefined) return c.reply.integer(0);
  // Every ID is checked before any is deleted (no partial XDEL), after the key's type.
  const ids: StreamID[] = [];
  for (let j = 2; j < c.argc; j++) {
    const id = parseId(c, c.argv[j], true, false);
    if (id === null) return;
    ids.push(id);
  }
  let deleted = 0;
  for (const id of ids) if (s.delete(id)) deleted++;
  if (deleted > 0) c.modified(key, "stream", "xdel", deleted);
  c.reply.integer(deleted);
}

function xtrimCommand(c: Client): void {
  const a = newTrimArgs();
  if (parseAddOrTrim(c, a, false) < 0) return;
  const key = c.key(1);
  const s = asStream(c, writeValue(c, key));
  if (s === null) return;
  if (s === undefined) return c.reply.integer(0);
  const deleted = trim(s, a);
  if (deleted > 0) {
    if (a.approx) {
      const argv = c.argv.slice();
      rewriteTrim(argv, s, a);
      c.rewriteArgv(argv);
    }
    c.modified(key, "stream", "xtrim", deleted);
  }
  c.reply.integer(deleted);
}

function xsetidCommand(c: Client): void {
  const id = parseId(c, c.argv[2], true, false);
  if (id === null) return;
  let entriesAdded = -1;
  let maxXdel = zeroId();
  let i = 3;
  while (i < c.argc) {
    const more = c.argc - 1 - i;
    const opt = c.lower(i);
    if (opt === "entriesadded" && more) {
      const v = getLongLong(c, i + 1);
      if (v === null) return;
      if (v < 0n) return c.reply.error("ERR entries_added must be positive");
      entriesAdded = Number(v);
      i += 2;
    } else if (opt === "maxdeletedid" && more) {
      const m = parseId(c, c.argv[i + 1], true, false);
      if (m === null) return;
      if (compareIds(id, m) < 0) {
        return c.reply.error(
          "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
        );
      }
      maxXdel = m;
      i += 2;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const key = c.key(1);
  const v = writeValue(c, key);
  if (v === undefined) return c.reply.error(NO_SUCH_KEY);
  const s = asStream(c, v);
  if (!s) return;
  if (compareIds(id, s.maxDeletedEntryId) < 0) {
    return c.reply.error(
      "ERR The ID specified in XSETID is smaller than current max_deleted_entry_id",
    );
  }
  if (s.length > 0) {
    const top = s.lastEntry()!.id;
    if (compareIds(id, top) < 0) {
      return c.reply.error(
        "ERR The ID specified in XSETID is smaller than the target stream top item",
      );
    }
    if (entriesAdded !== -1 && s.length > entriesAdded) {
      return c.reply.error(
        "ERR The entries_added specified in XSETID is smaller than the target stream length",
      );
    }
  }
  s.lastId = id;
  if (entriesAdded !== -1) s.entriesAdded = entriesAdded;
  if (!isZeroId(maxXdel)) s.maxDeletedEntryId = maxXdel;
  c.reply.ok();
  c.notified(key, "stream", "xsetid");
}

/** getTimeoutFromObjectOrReply in milliseconds: an absolute deadline, 0 = forever. */
function parseTimeoutMs(c: Client, i: number): number | null {
  const v = parseLongLong(c.argv[i]);
  if (v === null) {
    c.reply.error("ERR timeout is not an integer or out of range");
    return null;
  }
  if (v < 0n) {
    c.reply.error("ERR timeout is negative");
    return null;
  }
  if (v === 0n) return 0;
  const now = c.server.keyspace.now;
  if (Number(v) > LLONG_MAX - now) {
    c.reply.error("ERR timeout is out of range");
    return null;
  }
  return now + Number(v);
}

/** XREAD / XREADGROUP options, parsed by one loop as Redis's xreadCommand does for both. */
interface XreadArgs {
  /** BLOCK in ms, -1 without BLOCK. */
  timeout: number;
  count: number;
  /** Index of the first key after STREAMS, and the number of keys. */
  streamsArg: number;
  streamsCount: number;
  noack: boolean;
  /** Index of the group name after GROUP (XREADGROUP), else 0. */
  groupIdx: number;
}

/** Parses XREAD's or XREADGROUP's options; null after replying an error. */
function parseXreadArgs(c: Client, xreadgroup: boolean): XreadArgs | null {
  const a: XreadArgs = {
    timeout: -1,
    count: 0,
    streamsArg: 0,
    streamsCount: 0,
    noack: false,
    groupIdx: 0,
  };
  for (let i = 1; i < c.argc; i++) {
    const more = c.argc - i - 1;
    const o = c.lower(i);
    if (o === "block" && more) {
      i++;
      const t = parseTimeoutMs(c, i);
      if (t === null) return null;
      a.timeout = t;
    } else if (o === "count" && more) {
      i++;
      const v = getLongLong(c, i);
      if (v === null) return null;
      a.count = v < 0n ? 0 : Number(v);
    } else if (o === "streams" && more) {
      a.streamsArg = i + 1;
      const n = c.argc - a.streamsArg;
      if (n % 2 !== 0) {
        c.reply.error(
          `ERR Unbalanced '${xreadgroup ? "xreadgroup" : "xread"}' list of streams: ` +
            `for each stream key an ID or '${xreadgroup ? ">" : "$"}' must be specified.`,
        );
        return null;
      }
      a.streamsCount = n / 2;
      break;
    } else if (o === "group" && more >= 2) {
      if (!xreadgroup) {
        c.reply.error(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
        );
        return null;
      }
      a.groupIdx = i + 1;
      i += 2;
    } else if (o === "noack") {
      if (!xreadgroup) {
        c.reply.error(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
        );
        return null;
      }
      a.noack = true;
    } else {
      c.reply.error(SYNTAX_ERR);
      return null;
    }
  }
  if (a.streamsArg === 0) {
    c.reply.error(SYNTAX_ERR);
    return null;
  }
  return a;
}

function xreadCommand(c: Client): void {
  const a = parseXreadArgs(c, false);
  if (a === null) return;
  const { timeout, count, streamsArg, streamsCount } = a;
  const ids: StreamID[] = [];
  for (let i = streamsArg + streamsCount; i < c.argc; i++) {
    const key = c.key(i - streamsCount);
    const o = asStream(c, lookupKeyRead(c, key)?.value);
    if (o === null) return;
    const arg = c.argv[i];
    if (arg.length === 1 && arg[0] === 36) {
      ids.push(o === undefined ? zeroId() : copyId(o.lastId));
      continue;
    }
    if (arg.length === 1 && arg[0] === 62) {
      return c.reply.error(
        "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
      );
    }
    const id = parseId(c, arg, true, false);
    if (id === null) return;
    ids.push(id);
  }
  // Serve synchronously the streams that have entries after their ID.
  const served: [number, RedisStream, StreamID][] = [];
  for (let i = 0; i < streamsCount; i++) {
    const s = lookupKeyRead(c, c.key(streamsArg + i))?.value;
    if (!(s instanceof RedisStream)) continue;
    const last = s.lastEntry();
    if (last !== undefined && compareIds(last.id, ids[i]) > 0) {
      const start = copyId(ids[i]);
      incrId(start);
      served.push([i, s, start]);
    }
  }
  const r = c.reply;
  if (served.length > 0) {
    if (r.resp === 2) r.array(served.length);
    else r.map(served.length);
    for (const [i, s, start] of served) {
      if (r.resp === 2) r.array(2);
      r.bulk(c.argv[streamsArg + i]);
      replyRange(c, s, start, maxId(), count, false);
    }
    return;
  }
  if (timeout !== -1) {
    if (!c.server.blocking.canBlock(c)) return r.nullArray();
    // '$' stands for the last ID now: a re-run must not wait for a later one.
    for (let i = 0; i < streamsCount; i++) {
      const at = streamsArg + streamsCount + i;
      const arg = c.argv[at];
      if (arg.length === 1 && arg[0] === 36) c.argv[at] = idBytes(ids[i]);
    }
    const keys: string[] = [];
    for (let i = 0; i < streamsCount; i++) keys.push(c.key(streamsArg + i));
    c.server.blocking.block(c, keys, "stream", timeout, (bc) => bc.reply.nullArray());
    return;
  }
  r.nullArray();
}

/** xreadGetKeys: the keys after STREAMS (half of what follows it). */
function xreadGetKeys(argv: Uint8Array[]): number[] {
  let streamsPos = -1;
  for (let i = 1; i < argv.length; i++) {
    const a = String.fromCharCode(...argv[i]).toLowerCase();
    if (a === "block" || a === "count") i++;
    else if (a === "group") i += 2;
    else if (a === "noack") continue;
    else if (a === "streams") {
      streamsPos = i;
      break;
    } else break;
  }
  const num = argv.length - streamsPos - 1;
  if (streamsPos === -1 || num === 0 || num % 2 !== 0) return [];
  const keys: number[] = [];
  for (let i = streamsPos + 1; i < streamsPos + 1 + num / 2; i++) keys.push(i);
  return keys;
}

// ---------------------------------------------------------------------------
// Consumer groups.

const XCLAIM = binaryToBytes("XCLAIM");
const XGROUP = binaryToBytes("XGROUP");
const SETID = binaryToBytes("SETID");
const ENTRIESREAD = binaryToBytes("ENTRIESREAD");
const CREATECONSUMER = binaryToBytes("CREATECONSUMER");
const ZERO = binaryToBytes("0");
const TIME = binaryToBytes("TIME");
const RETRYCOUNT = binaryToBytes("RETRYCOUNT");
const FORCE = binaryToBytes("FORCE");
const JUSTID = binaryToBytes("JUSTID");
const LASTID = binaryToBytes("LASTID");

/** Binary strings (consumer and group names) in rax order: bytewise. */
function byName<T>(m: Map<string, T>): [string, T][] {
  return [...m].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** A C string's text in an error (it stops at a NUL byte). */
function cstr(s: string): string {
  const i = s.indexOf("\0");
  return i === -1 ? s : s.slice(0, i);
}

/** streamCreateConsumer: creates the consumer, counts a change and fires the event. */
function createConsumer(c: Client, cg: StreamCG, name: string, key: string): StreamConsumer {
  const consumer = new StreamConsumer(name, c.server.keyspace.now, -1);
  cg.consumers.set(name, consumer);
  c.notified(key, "stream", "xgroup-createconsumer");
  return consumer;
}

/** streamPropagateXCLAIM: the idempotent XCLAIM replicas run for a delivery. */
function propagateXclaim(
  c: Client,
  key: Uint8Array,
  group: Uint8Array,
  cg: StreamCG,
  id: Uint8Array,
  nack: StreamNACK,
): void {
  c.alsoPropagate([
    XCLAIM,
    key,
    group,
    binaryToBytes(nack.consumer.name),
    ZERO,
    id,
    TIME,
    binaryToBytes(String(nack.deliveryTime)),
    RETRYCOUNT,
    binaryToBytes(String(nack.deliveryCount)),
    FORCE,
    JUSTID,
    LASTID,
    idBytes(cg.lastId),
  ]);
}

/** streamPropagateGroupID: XGROUP SETID key group last-id ENTRIESREAD n. */
function propagateGroupId(c: Client, key: Uint8Array, group: Uint8Array, cg: StreamCG): void {
  c.alsoPropagate([
    XGROUP,
    SETID,
    key,
    group,
    idBytes(cg.lastId),
    ENTRIESREAD,
    binaryToBytes(String(cg.entriesRead)),
  ]);
}

/**
 * A group, consumer or PEL of the stream at `key` changed: its size estimate
 * and the db's byte count follow (XACK and the deliveries touch no WATCH).
 */
function groupsChanged(c: Client, key: string, s: RedisStream): void {
  s.refreshMemory();
  c.db.updateSize(key);
}

/** Removes a NACK from its group's and consumer's PELs. */
function dropNack(cg: StreamCG, nack: StreamNACK): void {
  cg.pel.delete(nack.key);
  nack.consumer.pel.delete(nack.key);
}

function newNack(c: Client, id: StreamID, consumer: StreamConsumer): StreamNACK {
  return { id, key: idText(id), deliveryTime: c.server.keyspace.now, deliveryCount: 1, consumer };
}

/**
 * streamReplyWithRange with a group: delivers the entries after the group's
 * last ID to `consumer` (creating or moving their NACKs unless `noack`),
 * advances the group and queues the XCLAIM / XGROUP SETID effects.
 */
function deliverNew(
  c: Client,
  s: RedisStream,
  start: StreamID,
  count: number,
  cg: StreamCG,
  consumer: StreamConsumer,
  noack: boolean,
  key: Uint8Array,
  group: Uint8Array,
): void {
  const entries: [StreamID, Uint8Array[]][] = [];
  s.range(start, maxId(), false, count, (id, fields) => {
    entries.push([id, fields]);
    return true;
  });
  c.reply.array(entries.length);
  let propagateLastId = false;
  const now = c.server.keyspace.now;
  for (const [id, fields] of entries) {
    if (compareIds(id, cg.lastId) > 0) {
      if (cg.entriesRead !== INVALID_ENTRIES_READ && !s.rangeHasTombstones(id)) {
        cg.entriesRead++;
      } else if (s.entriesAdded) {
        cg.entriesRead = s.estimateDistanceFromFirstEverEntry(id);
      }
      cg.lastId = copyId(id);
      propagateLastId = true;
    }
    replyEntry(c, id, fields);
    if (!noack) {
      const k = idText(id);
      let nack = cg.pel.get(k);
      if (nack === undefined) {
        nack = newNack(c, id, consumer);
        cg.pel.add(nack);
        consumer.pel.add(nack);
      } else {
        nack.consumer.pel.delete(k);
        nack.consumer = consumer;
        nack.deliveryTime = now;
        nack.deliveryCount = 1;
        consumer.pel.add(nack);
      }
      consumer.activeTime = now;
      propagateXclaim(c, key, group, cg, binaryToBytes(k), nack);
    }
  }
  if (propagateLastId) propagateGroupId(c, key, group, cg);
}

/** streamReplyWithRangeFromConsumerPEL: the consumer's pending entries from `start`. */
function deliverHistory(
  c: Client,
  s: RedisStream,
  start: StreamID,
  count: number,
  consumer: StreamConsumer,
): void {
  const pel = consumer.pel.ordered();
  const out: StreamNACK[] = [];
  for (let i = consumer.pel.lowerBound(start); i < pel.length; i++) {
    if (count && out.length >= count) break;
    out.push(pel[i]);
  }
  c.reply.array(out.length);
  const now = c.server.keyspace.now;
  for (const nack of out) {
    const fields = s.lookup(nack.id);
    if (fields === undefined) {
      c.reply.array(2);
      c.reply.bulkText(nack.key);
      c.reply.nullArray();
    } else {
      replyEntry(c, nack.id, fields);
      nack.deliveryTime = now;
      nack.deliveryCount++;
    }
  }
}

function xreadgroupCommand(c: Client): void {
  const a = parseXreadArgs(c, true);
  if (a === null) return;
  const { timeout, count, streamsArg, streamsCount, noack, groupIdx } = a;
  if (groupIdx === 0) return c.reply.error("ERR Missing GROUP option for XREADGROUP");
  c.preventPropagation();
  const groupName = c.key(groupIdx);
  const consumerName = c.key(groupIdx + 1);
  const ids: (StreamID | null)[] = [];
  const groups: StreamCG[] = [];
  for (let i = streamsArg + streamsCount; i < c.argc; i++) {
    const key = c.key(i - streamsCount);
    const o = asStream(c, lookupKeyRead(c, key)?.value);
    if (o === null) return;
    const cg = o?.groups.get(groupName);
    if (cg === undefined) {
      return c.reply.errorBinary(
        `NOGROUP No such key '${cstr(key)}' or consumer group '${
          cstr(groupName)
        }' in XREADGROUP with GROUP option`,
      );
    }
    groups.push(cg);
    const arg = c.argv[i];
    if (arg.length === 1 && arg[0] === 36) {
      return c.reply.error(
        "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
      );
    }
    if (arg.length === 1 && arg[0] === 62) {
      ids.push(null);
      continue;
    }
    const id = parseId(c, arg, true, false);
    if (id === null) return;
    ids.push(id);
  }
  const r = c.reply;
  const now = c.server.keyspace.now;
  const served: [number, RedisStream, StreamID, boolean, StreamConsumer][] = [];
  for (let i = 0; i < streamsCount; i++) {
    const s = lookupKeyRead(c, c.key(streamsArg + i))?.value as RedisStream | undefined;
    if (s === undefined) continue;
    const cg = groups[i];
    let gt = ids[i];
    let history = false;
    let serve = false;
    if (gt !== null) {
      serve = history = true;
    } else if (s.length) {
      const last = s.lastEntry()!.id;
      if (compareIds(last, cg.lastId) > 0) {
        serve = true;
        gt = cg.lastId;
      }
    }
    const key = c.key(streamsArg + i);
    let consumer = cg.consumers.get(consumerName);
    if (consumer === undefined) {
      consumer = createConsumer(c, cg, consumerName, key);
      if (noack) {
        c.alsoPropagate([
          XGROUP,
          CREATECONSUMER,
          c.argv[streamsArg + i],
          c.argv[groupIdx],
          c.argv[groupIdx + 1],
        ]);
      }
    }
    consumer.seenTime = now;
    if (serve) {
      const start = copyId(gt!);
      incrId(start);
      served.push([i, s, start, history, consumer]);
    }
  }
  if (served.length > 0) {
    if (r.resp === 2) r.array(served.length);
    else r.map(served.length);
    for (const [i, s, start, history, consumer] of served) {
      if (r.resp === 2) r.array(2);
      r.bulk(c.argv[streamsArg + i]);
      if (history) deliverHistory(c, s, start, count, consumer);
      else {
        deliverNew(
          c,
          s,
          start,
          count,
          groups[i],
          consumer,
          noack,
          c.argv[streamsArg + i],
          c.argv[groupIdx],
        );
      }
      c.changed(1);
    }
    for (const [i, s] of served) groupsChanged(c, c.key(streamsArg + i), s);
    return;
  }
  if (timeout !== -1) {
    if (!c.server.blocking.canBlock(c)) return r.nullArray();
    const keys: string[] = [];
    for (let i = 0; i < streamsCount; i++) keys.push(c.key(streamsArg + i));
    // A deleted key or group ends the block with the command's error (unblock_on_nokey).
    c.server.blocking.block(c, keys, "stream", timeout, (bc) => bc.reply.nullArray(), true);
    return;
  }
  r.nullArray();
}

/** The stream at argv[1] and its group argv[2], or null after replying `-NOGROUP`. */
function streamAndGroup(
  c: Client,
  keyOnly = false,
): { s: RedisStream; cg: StreamCG } | null | undefined {
  const s = asStream(c, lookupKeyRead(c, c.key(1))?.value);
  if (s === null) return null;
  const cg = s?.groups.get(c.key(2));
  if (s === undefined || cg === undefined) {
    if (keyOnly) return undefined;
    c.reply.errorBinary(
      `NOGROUP No such key '${cstr(c.key(1))}' or consumer group '${cstr(c.key(2))}'`,
    );
    return null;
  }
  return { s, cg };
}

function xackCommand(c: Client): void {
  const sg = streamAndGroup(c, true);
  if (sg === null) return;
  if (sg === undefined) return c.reply.integer(0);
  const ids: StreamID[] = [];
  for (let j = 3; j < c.argc; j++) {
    const id = parseId(c, c.argv[j], true, false);
    if (id === null) return;
    ids.push(id);
  }
  let acked = 0;
  for (const id of ids) {
    const nack = sg.cg.pel.get(idText(id));
    if (nack !== undefined) {
      dropNack(sg.cg, nack);
      acked++;
    }
  }
  if (acked > 0) {
    groupsChanged(c, c.key(1), sg.s);
    c.changed(acked);
  }
  c.reply.integer(acked);
}

function xpendingCommand(c: Client): void {
  const justInfo = c.argc === 3;
  if (c.argc !== 3 && (c.argc < 6 || c.argc > 9)) return c.reply.error(SYNTAX_ERR);
  let minIdle = 0;
  let count = 0;
  let start = zeroId(), end = maxId();
  let consumerName: string | null = null;
  if (c.argc >= 6) {
    let startIdx = 3;
    if (c.lower(3) === "idle") {
      const v = getLongLong(c, 4);
      if (v === null) return;
      minIdle = Number(v);
      if (c.argc < 8) return c.reply.error(SYNTAX_ERR);
      startIdx += 2;
    }
    const v = getLongLong(c, startIdx + 2);
    if (v === null) return;
    count = v < 0n ? 0 : Number(v);
    const st = parseIntervalId(c, c.argv[startIdx], false);
    if (st === null) return;
    if (st.exclude && !incrId(st.id)) return c.reply.error("ERR invalid start ID for the interval");
    const en = parseIntervalId(c, c.argv[startIdx + 1], true);
    if (en === null) return;
    if (en.exclude && !decrId(en.id)) return c.reply.error("ERR invalid end ID for the interval");
    start = st.id;
    end = en.id;
    if (startIdx + 3 < c.argc) consumerName = c.key(startIdx + 3);
  }
  const sg = streamAndGroup(c);
  if (!sg) return;
  const { cg } = sg;
  const r = c.reply;
  if (justInfo) {
    r.array(4);
    r.integer(cg.pel.size);
    if (cg.pel.size === 0) {
      r.nullBulk();
      r.nullBulk();
      r.nullArray();
      return;
    }
    const pel = cg.pel.ordered();
    r.bulkText(pel[0].key);
    r.bulkText(pel[pel.length - 1].key);
    const withPending = byName(cg.consumers).filter(([, cs]) => cs.pel.size > 0);
    r.array(withPending.length);
    for (const [name, cs] of withPending) {
      r.array(2);
      r.bulkBinary(name);
      r.bulkText(String(cs.pel.size));
    }
    return;
  }
  let pelOf = cg.pel;
  if (consumerName !== null) {
    const cs = cg.consumers.get(consumerName);
    if (cs === undefined) return r.array(0);
    pelOf = cs.pel;
  }
  const now = c.server.keyspace.now;
  const list = pelOf.ordered();
  const out: StreamNACK[] = [];
  for (let i = pelOf.lowerBound(start); count && i < list.length; i++) {
    const nack = list[i];
    if (compareIds(nack.id, end) > 0) break;
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    out.push(nack);
    count--;
  }
  r.array(out.length);
  for (const nack of out) {
    r.array(4);
    r.bulkText(nack.key);
    r.bulkBinary(nack.consumer.name);
    r.integer(Math.max(0, now - nack.deliveryTime));
    r.integer(nack.deliveryCount);
  }
}

function xclaimCommand(c: Client): void {
  const sg = streamAndGroup(c);
  if (!sg) return;
  const { s, cg } = sg;
  const mi = getLongLong(c, 4, "Invalid min-idle-time argument for XCLAIM");
  if (mi === null) return;
  const minIdle = mi < 0n ? 0 : Number(mi);
  const ids: StreamID[] = [];
  let j = 5;
  for (; j < c.argc; j++) {
    const id = parseId(c, c.argv[j], true, false, undefined, 0, true);
    if (id === null) break;
    ids.push(id);
  }
  const lastIdArg = j - 1;
  const now = c.server.keyspace.now;
  let lastId = zeroId();
  let deliveryTime = -1;
  let retryCount = -1;
  let force = false, justId = false;
  for (; j < c.argc; j++) {
    const more = c.argc - 1 - j;
    const opt = c.lower(j);
    if (opt === "force") force = true;
    else if (opt === "justid") justId = true;
    else if (opt === "idle" && more) {
      const v = getLongLong(c, ++j, "Invalid IDLE option argument for XCLAIM");
      if (v === null) return;
      deliveryTime = now - Number(v);
    } else if (opt === "time" && more) {
      const v = getLongLong(c, ++j, "Invalid TIME option argument for XCLAIM");
      if (v === null) return;
      deliveryTime = Number(v);
    } else if (opt === "retrycount" && more) {
      const v = getLongLong(c, ++j, "Invalid RETRYCOUNT option argument for XCLAIM");
      if (v === null) return;
      retryCount = Number(v);
    } else if (opt === "lastid" && more) {
      const id = parseId(c, c.argv[++j], true, false);
      if (id === null) return;
      lastId = id;
    } else {
      return c.reply.errorBinary(`ERR Unrecognized XCLAIM option '${cstr(c.key(j))}'`);
    }
  }
  c.preventPropagation();
  let propagateLastId = false;
  if (compareIds(lastId, cg.lastId) > 0) {
    cg.lastId = lastId;
    propagateLastId = true;
  }
  if (deliveryTime !== -1) {
    if (deliveryTime < 0 || deliveryTime > now) deliveryTime = now;
  } else deliveryTime = now;
  const key = c.key(1);
  let consumer = cg.consumers.get(c.key(3));
  if (consumer === undefined) consumer = createConsumer(c, cg, c.key(3), key);
  consumer.seenTime = now;
  const claimed: [StreamID, Uint8Array[] | null][] = [];
  let changes = 0;
  for (let k = 5; k <= lastIdArg; k++) {
    const id = ids[k - 5];
    const idKey = idText(id);
    let nack = cg.pel.get(idKey);
    const fields = s.lookup(id);
    if (fields === undefined) {
      if (nack !== undefined) {
        propagateXclaim(c, c.argv[1], c.argv[2], cg, c.argv[k], nack);
        propagateLastId = false;
        changes++;
        dropNack(cg, nack);
      }
      continue;
    }
    let fresh = false;
    if (force && nack === undefined) {
      nack = newNack(c, id, consumer);
      fresh = true;
      cg.pel.add(nack);
    }
    if (nack === undefined) continue;
    if (!fresh && minIdle && now - nack.deliveryTime < minIdle) continue;
    if (!fresh && nack.consumer !== consumer) nack.consumer.pel.delete(idKey);
    nack.deliveryTime = deliveryTime;
    if (retryCount >= 0) nack.deliveryCount = retryCount;
    else if (!justId) nack.deliveryCount++;
    if (fresh || nack.consumer !== consumer) {
      nack.consumer = consumer;
      consumer.pel.add(nack);
    }
    claimed.push([id, justId ? null : fields]);
    consumer.activeTime = now;
    propagateXclaim(c, c.argv[1], c.argv[2], cg, c.argv[k], nack);
    propagateLastId = false;
    changes++;
  }
  if (propagateLastId) {
    propagateGroupId(c, c.argv[1], c.argv[2], cg);
    changes++;
  }
  if (changes) c.changed(changes);
  groupsChanged(c, c.key(1), s);
  c.reply.array(claimed.length);
  for (const [id, fields] of claimed) {
    if (fields === null) c.reply.bulkText(idText(id));
    else replyEntry(c, id, fields);
  }
}

function xautoclaimCommand(c: Client): void {
  const mi = getLongLong(c, 4, "Invalid min-idle-time argument for XAUTOCLAIM");
  if (mi === null) return;
  const minIdle = mi < 0n ? 0 : Number(mi);
  const st = parseIntervalId(c, c.argv[5], false);
  if (st === null) return;
  if (st.exclude && !incrId(st.id)) return c.reply.error("ERR invalid start ID for the interval");
  let count = 100;
  let justId = false;
  for (let j = 6; j < c.argc; j++) {
    const more = c.argc - 1 - j;
    const opt = c.lower(j);
    if (opt === "count" && more) {
      const v = parseLongLong(c.argv[j + 1]);
      const max = Math.floor(LLONG_MAX / 16);
      if (v === null || v < 1n || v > BigInt(max)) return c.reply.error("ERR COUNT must be > 0");
      count = Number(v);
      j++;
    } else if (opt === "justid") justId = true;
    else return c.reply.error(SYNTAX_ERR);
  }
  const sg = streamAndGroup(c);
  if (!sg) return;
  const { s, cg } = sg;
  c.preventPropagation();
  const now = c.server.keyspace.now;
  const key = c.key(1);
  let consumer = cg.consumers.get(c.key(3));
  if (consumer === undefined) consumer = createConsumer(c, cg, c.key(3), key);
  consumer.seenTime = now;
  let attempts = count * 10;
  const claimed: [StreamID, Uint8Array[] | null][] = [];
  const deleted: StreamID[] = [];
  const pel = cg.pel.ordered().slice(cg.pel.lowerBound(st.id));
  let i = 0;
  let changes = 0;
  for (; attempts-- > 0 && count > 0 && i < pel.length; i++) {
    const nack = pel[i];
    const fields = s.lookup(nack.id);
    if (fields === undefined) {
      propagateXclaim(c, c.argv[1], c.argv[2], cg, binaryToBytes(nack.key), nack);
      changes++;
      dropNack(cg, nack);
      deleted.push(nack.id);
      count--;
      continue;
    }
    if (minIdle && now - nack.deliveryTime < minIdle) continue;
    if (nack.consumer !== consumer) {
      nack.consumer.pel.delete(nack.key);
      nack.consumer = consumer;
      consumer.pel.add(nack);
    }
    nack.deliveryTime = now;
    if (!justId) nack.deliveryCount++;
    claimed.push([nack.id, justId ? null : fields]);
    count--;
    consumer.activeTime = now;
    propagateXclaim(c, c.argv[1], c.argv[2], cg, binaryToBytes(nack.key), nack);
    changes++;
  }
  if (changes) c.changed(changes);
  groupsChanged(c, c.key(1), s);
  const r = c.reply;
  r.array(3);
  r.bulkText(i < pel.length ? pel[i].key : "0-0");
  r.array(claimed.length);
  for (const [id, fields] of claimed) {
    if (fields === null) r.bulkText(idText(id));
    else replyEntry(c, id, fields);
  }
  r.array(deleted.length);
  for (const id of deleted) r.bulkText(idText(id));
}

/** xgroupCommand: the subcommands share option parsing and the key/group checks. */
function xgroupCommand(c: Client): void {
  const opt = c.lower(1);
  let mkstream = false;
  let entriesRead = INVALID_ENTRIES_READ;
  let s: RedisStream | undefined;
  let cg: StreamCG | undefined;
  const key = c.argc >= 4 ? c.key(2) : "";
  const group = c.argc >= 4 ? c.key(3) : "";
  if (c.argc >= 4) {
    const create = opt === "create", setid = opt === "setid";
    for (let i = 5; i < c.argc;) {
      const a = c.lower(i);
      if (create && a === "mkstream") {
        mkstream = true;
        i++;
      } else if ((create || setid) && a === "entriesread" && i + 1 < c.argc) {
        const v = getLongLong(c, i + 1);
        if (v === null) return;
        if (v < 0n && v !== -1n) {
          return c.reply.error("ERR value for ENTRIESREAD must be positive or -1");
        }
        entriesRead = Number(v);
        i += 2;
      } else {
        return replySubcommandSyntaxError(c);
      }
    }
    const o = asStream(c, writeValue(c, key));
    if (o === null) return;
    s = o;
    if (!mkstream) {
      if (s === undefined) {
        return c.reply.error(
          "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.",
        );
      }
      cg = s.groups.get(group);
      if (
        cg === undefined && (opt === "setid" || opt === "createconsumer" || opt === "delconsumer")
      ) {
        return c.reply.errorBinary(
          `NOGROUP No such consumer group '${cstr(group)}' for key name '${cstr(key)}'`,
        );
      }
    }
  }
  if (opt === "create" && c.argc >= 5 && c.argc <= 8) {
    let id: StreamID;
    const a = c.argv[4];
    if (a.length === 1 && a[0] === 36) id = s ? copyId(s.lastId) : zeroId();
    else {
      const p = parseId(c, a, true, false);
      if (p === null) return;
      id = p;
    }
    if (s === undefined) {
      s = new RedisStream();
      dbAdd(c, c.db, key, s);
    }
    if (s.groups.has(group)) return c.reply.error("BUSYGROUP Consumer Group name already exists");
    s.groups.set(group, new StreamCG(id, entriesRead));
    groupsChanged(c, key, s);
    c.reply.ok();
    c.notified(key, "stream", "xgroup-create");
  } else if (opt === "setid" && (c.argc === 5 || c.argc === 7)) {
    let id: StreamID;
    const a = c.argv[4];
    if (a.length === 1 && a[0] === 36) id = copyId(s!.lastId);
    else {
      const p = parseId(c, a, false, false);
      if (p === null) return;
      id = p;
    }
    cg!.lastId = id;
    cg!.entriesRead = entriesRead;
    c.reply.ok();
    c.notified(key, "stream", "xgroup-setid");
  } else if (opt === "destroy" && c.argc === 4) {
    if (cg === undefined) return c.reply.integer(0);
    s!.groups.delete(group);
    groupsChanged(c, key, s!);
    c.reply.integer(1);
    c.notified(key, "stream", "xgroup-destroy");
    // XREADGROUP clients blocked on the group get their NOGROUP (signalKeyAsReady).
    c.server.blocking.signalKey(c.db, key);
  } else if (opt === "createconsumer" && c.argc === 5) {
    const name = c.key(4);
    if (cg!.consumers.has(name)) return c.reply.integer(0);
    createConsumer(c, cg!, name, key);
    groupsChanged(c, key, s!);
    c.reply.integer(1);
  } else if (opt === "delconsumer" && c.argc === 5) {
    const consumer = cg!.consumers.get(c.key(4));
    let pending = 0;
    if (consumer !== undefined) {
      pending = consumer.pel.size;
      for (const nack of [...consumer.pel.ordered()]) cg!.pel.delete(nack.key);
      cg!.consumers.delete(consumer.name);
      groupsChanged(c, key, s!);
      c.notified(key, "stream", "xgroup-delconsumer");
    }
    c.reply.integer(pending);
  } else {
    replySubcommandSyntaxError(c);
  }
}

function xgroupHelp(c: Client): void {
  replyHelp(c, [
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
  ]);
}

function xinfoHelp(c: Client): void {
  replyHelp(c, [
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
  ]);
}

/** The stream at argv[2] for XINFO, or null after replying. */
function xinfoStream(c: Client): RedisStream | null {
  const v = lookupKeyRead(c, c.key(2))?.value;
  if (v === undefined) {
    c.reply.error(NO_SUCH_KEY);
    return null;
  }
  return asStream(c, v) ?? null;
}

/** Radix tree nodes behind `keys` node keys (an estimate: Redis's rax shares prefixes). */
function raxNodes(keys: number): number {
  return keys === 0 ? 1 : keys + 1;
}

function replyLag(c: Client, s: RedisStream, cg: StreamCG): void {
  const lag = s.groupLag(cg);
  if (lag === null) c.reply.null();
  else c.reply.integer(lag);
}

function replyEntriesRead(c: Client, cg: StreamCG): void {
  if (cg.entriesRead !== INVALID_ENTRIES_READ) c.reply.integer(cg.entriesRead);
  else c.reply.null();
}

function xinfoStreamCommand(c: Client): void {
  const s = xinfoStream(c);
  if (s === null) return;
  let full = true;
  let count = 10;
  const optc = c.argc - 3;
  if (optc === 0) full = false;
  else {
    if ((optc !== 1 && optc !== 3) || c.lower(3) !== "full") return replySubcommandSyntaxError(c);
    if (optc === 3) {
      if (c.lower(4) !== "count") return replySubcommandSyntaxError(c);
      const v = getLongLong(c, 5);
      if (v === null) return;
      count = v < 0n ? 10 : Number(v);
    }
  }
  const r = c.reply;
  r.map(full ? 9 : 10);
  r.bulkText("length");
  r.integer(s.length);
  r.bulkText("radix-tree-keys");
  r.integer(s.nodeCount);
  r.bulkText("radix-tree-nodes");
  r.integer(raxNodes(s.nodeCount));
  r.bulkText("last-generated-id");
  r.bulkText(idText(s.lastId));
  r.bulkText("max-deleted-entry-id");
  r.bulkText(idText(s.maxDeletedEntryId));
  r.bulkText("entries-added");
  r.integer(s.entriesAdded);
  r.bulkText("recorded-first-entry-id");
  r.bulkText(idText(s.firstId));
  if (!full) {
    r.bulkText("groups");
    r.integer(s.groups.size);
    const first = s.firstEntry(), last = s.lastEntry();
    r.bulkText("first-entry");
    if (first) replyEntry(c, first.id, first.fields);
    else r.null();
    r.bulkText("last-entry");
    if (last) replyEntry(c, last.id, last.fields);
    else r.null();
    return;
  }
  r.bulkText("entries");
  replyRange(c, s, zeroId(), maxId(), count, false);
  r.bulkText("groups");
  const groups = byName(s.groups);
  r.array(groups.length);
  for (const [name, cg] of groups) {
    r.map(7);
    r.bulkText("name");
    r.bulkBinary(name);
    r.bulkText("last-delivered-id");
    r.bulkText(idText(cg.lastId));
    r.bulkText("entries-read");
    replyEntriesRead(c, cg);
    r.bulkText("lag");
    replyLag(c, s, cg);
    r.bulkText("pel-count");
    r.integer(cg.pel.size);
    r.bulkText("pending");
    const pel = cg.pel.ordered();
    const n = count ? Math.min(count, pel.length) : pel.length;
    r.array(n);
    for (let i = 0; i < n; i++) {
      r.array(4);
      r.bulkText(pel[i].key);
      r.bulkBinary(pel[i].consumer.name);
      r.integer(pel[i].deliveryTime);
      r.integer(pel[i].deliveryCount);
    }
    r.bulkText("consumers");
    const consumers = byName(cg.consumers);
    r.array(consumers.length);
    for (const [cname, cs] of consumers) {
      r.map(5);
      r.bulkText("name");
      r.bulkBinary(cname);
      r.bulkText("seen-time");
      r.integer(cs.seenTime);
      r.bulkText("active-time");
      r.integer(cs.activeTime);
      r.bulkText("pel-count");
      r.integer(cs.pel.size);
      r.bulkText("pending");
      const cp = cs.pel.ordered();
      const m = count ? Math.min(count, cp.length) : cp.length;
      r.array(m);
      for (let i = 0; i < m; i++) {
        r.array(3);
        r.bulkText(cp[i].key);
        r.integer(cp[i].deliveryTime);
        r.integer(cp[i].deliveryCount);
      }
    }
  }
}

function xinfoGroupsCommand(c: Client): void {
  const s = xinfoStream(c);
  if (s === null) return;
  const r = c.reply;
  const groups = byName(s.groups);
  r.array(groups.length);
  for (const [name, cg] of groups) {
    r.map(6);
    r.bulkText("name");
    r.bulkBinary(name);
    r.bulkText("consumers");
    r.integer(cg.consumers.size);
    r.bulkText("pending");
    r.integer(cg.pel.size);
    r.bulkText("last-delivered-id");
    r.bulkText(idText(cg.lastId));
    r.bulkText("entries-read");
    replyEntriesRead(c, cg);
    r.bulkText("lag");
    replyLag(c, s, cg);
  }
}

function xinfoConsumersCommand(c: Client): void {
  const s = xinfoStream(c);
  if (s === null) return;
  const cg = s.groups.get(c.key(3));
  if (cg === undefined) {
    return c.reply.errorBinary(
      `NOGROUP No such consumer group '${cstr(c.key(3))}' for key name '${cstr(c.key(2))}'`,
    );
  }
  const r = c.reply;
  const now = c.server.keyspace.now;
  const consumers = byName(cg.consumers);
  r.array(consumers.length);
  for (const [name, cs] of consumers) {
    r.map(4);
    r.bulkText("name");
    r.bulkBinary(name);
    r.bulkText("pending");
    r.integer(cs.pel.size);
    r.bulkText("idle");
    r.integer(Math.max(0, now - cs.seenTime));
    r.bulkText("inactive");
    r.integer(cs.activeTime !== -1 ? now - cs.activeTime : -1);
  }
}

/** The stream command rows. */
/** XADD's and XTRIM's trim block: MAXLEN|MINID [=|~] threshold [LIMIT count]. */
const TRIM_ARGS: ArgDoc[] = [
  {
    name: "strategy",
    type: "oneof",
    args: [
      { name: "maxlen", type: "pure-token", token: "MAXLEN" },
      { name: "minid", type: "pure-token", token: "MINID", since: "6.2.0" },
    ],
  },
  {
    name: "operator",
    type: "oneof",
    flags: ["optional"],
    args: [
      { name: "equal", type: "pure-token", token: "=" },
      { name: "approximately", type: "pure-token", token: "~" },
    ],
  },
  { name: "threshold", type: "string" },
  { name: "count", type: "integer", token: "LIMIT", since: "6.2.0", flags: ["optional"] },
];

export const streamCommands: CommandSpec[] = [
  {
    name: "xadd",
    arity: -5,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Appends a new message to a stream. Creates the key if it doesn't exist.",
    complexity:
      "O(1) when adding a new entry, O(N) when trimming where N being the number of entries evicted.",
    tips: ["nondeterministic_output"],
    history: [[
      "6.2.0",
      "Added the `NOMKSTREAM` option, `MINID` trimming strategy and the `LIMIT` option.",
    ], ["7.0.0", "Added support for the `<ms>-*` explicit ID form."]],
    keySpecs: [
      {
        notes: "UPDATE instead of INSERT because of the optional trimming feature",
        flags: ["RW", "update"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "nomkstream",
        type: "pure-token",
        token: "NOMKSTREAM",
        since: "6.2.0",
        flags: ["optional"],
      },
      {
        name: "trim",
        type: "block",
        flags: ["optional"],
        args: TRIM_ARGS,
      },
      {
        name: "id-selector",
        type: "oneof",
        args: [
          { name: "auto-id", type: "pure-token", token: "*" },
          { name: "id", type: "string" },
        ],
      },
      {
        name: "data",
        type: "block",
        flags: ["multiple"],
        args: [
          { name: "field", type: "string" },
          { name: "value", type: "string" },
        ],
      },
    ],
    handler: xaddCommand,
  },
  {
    name: "xlen",
    arity: 2,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Return the number of messages in a stream.",
    complexity: "O(1)",
    keySpecs: [
      { flags: ["RO"], beginSearch: { index: 1 }, findKeys: { lastKey: 0, keyStep: 1, limit: 0 } },
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
    ],
    handler: xlenCommand,
  },
  {
    name: "xrange",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Returns the messages from a stream within a range of IDs.",
    complexity:
      "O(N) with N being the number of elements being returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history: [["6.2.0", "Added exclusive ranges."]],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "start", type: "string" },
      { name: "end", type: "string" },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    handler: xrangeCommand,
  },
  {
    name: "xrevrange",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Returns the messages from a stream within a range of IDs in reverse order.",
    complexity:
      "O(N) with N being the number of elements returned. If N is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1).",
    history: [["6.2.0", "Added exclusive ranges."]],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "end", type: "string" },
      { name: "start", type: "string" },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    handler: xrevrangeCommand,
  },
  {
    name: "xdel",
    arity: -3,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Returns the number of messages after removing them from a stream.",
    complexity: "O(1) for each single item to delete in the stream, regardless of the stream size.",
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "id", type: "string", flags: ["multiple"] },
    ],
    handler: xdelCommand,
  },
  {
    name: "xtrim",
    arity: -4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "Deletes messages from the beginning of a stream.",
    complexity:
      "O(N), with N being the number of evicted entries. Constant times are very small however, since entries are organized in macro nodes containing multiple entries that can be released with a single deallocation.",
    tips: ["nondeterministic_output"],
    history: [["6.2.0", "Added the `MINID` trimming strategy and the `LIMIT` option."]],
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "trim",
        type: "block",
        args: TRIM_ARGS,
      },
    ],
    handler: xtrimCommand,
  },
  {
    name: "xsetid",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary: "An internal command for replicating stream values.",
    complexity: "O(1)",
    history: [["7.0.0", "Added the `entries_added` and `max_deleted_entry_id` arguments."]],
    keySpecs: [
      keySpecAt(["RW", "update"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "last-id", type: "string" },
      {
        name: "entries-added",
        type: "integer",
        token: "ENTRIESADDED",
        since: "7.0.0",
        flags: ["optional"],
      },
      {
        name: "max-deleted-id",
        type: "string",
        token: "MAXDELETEDID",
        since: "7.0.0",
        flags: ["optional"],
      },
    ],
    handler: xsetidCommand,
  },
  {
    name: "xread",
    arity: -4,
    flags: ["readonly", "blocking", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "stream",
    since: "5.0.0",
    summary:
      "Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.",
    keySpecs: [
      {
        flags: ["RO", "access"],
        beginSearch: { keyword: "STREAMS", startFrom: 1 },
        findKeys: { lastKey: -1, keyStep: 1, limit: 2 },
      },
    ],
    args: [
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
      { name: "milliseconds", type: "integer", token: "BLOCK", flags: ["optional"] },
      {
        name: "streams",
        type: "block",
        token: "STREAMS",
        args: [
          { name: "key", type: "key", keySpecIndex: 0, flags: ["multiple"] },
          { name: "id", type: "string", flags: ["multiple"] },
        ],
      },
    ],
    getKeys: xreadGetKeys,
    handler: xreadCommand,
  },
  {
    name: "xgroup",
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "stream",
    since: "5.0.0",
    summary: "A container for consumer groups commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      helpRow(xgroupHelp, "5.0.0", "stream"),
      {
        name: "create",
        arity: -5,
        flags: ["write", "denyoom"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Creates a consumer group.",
        complexity: "O(1)",
        history: [["7.0.0", "Added the `entries_read` named argument."]],
        keySpecs: [
          keySpecAt(["RW", "insert"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
          {
            name: "id-selector",
            type: "oneof",
            args: [
              { name: "id", type: "string" },
              { name: "new-id", type: "pure-token", token: "$" },
            ],
          },
          { name: "mkstream", type: "pure-token", token: "MKSTREAM", flags: ["optional"] },
          {
            name: "entriesread",
            type: "integer",
            displayText: "entries-read",
            token: "ENTRIESREAD",
            flags: ["optional"],
          },
        ],
        handler: xgroupCommand,
      },
      {
        name: "createconsumer",
        arity: 5,
        flags: ["write", "denyoom"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "6.2.0",
        summary: "Creates a consumer in a consumer group.",
        complexity: "O(1)",
        keySpecs: [
          keySpecAt(["RW", "insert"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
          { name: "consumer", type: "string" },
        ],
        handler: xgroupCommand,
      },
      {
        name: "setid",
        arity: -5,
        flags: ["write"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Sets the last-delivered ID of a consumer group.",
        complexity: "O(1)",
        history: [["7.0.0", "Added the optional `entries_read` argument."]],
        keySpecs: [
          keySpecAt(["RW", "update"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
          {
            name: "id-selector",
            type: "oneof",
            args: [
              { name: "id", type: "string" },
              { name: "new-id", type: "pure-token", token: "$" },
            ],
          },
          {
            name: "entriesread",
            type: "integer",
            displayText: "entries-read",
            token: "ENTRIESREAD",
            flags: ["optional"],
          },
        ],
        handler: xgroupCommand,
      },
      {
        name: "delconsumer",
        arity: 5,
        flags: ["write"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Deletes a consumer from a consumer group.",
        complexity: "O(1)",
        keySpecs: [
          keySpecAt(["RW", "delete"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
          { name: "consumer", type: "string" },
        ],
        handler: xgroupCommand,
      },
      {
        name: "destroy",
        arity: 4,
        flags: ["write"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Destroys a consumer group.",
        complexity:
          "O(N) where N is the number of entries in the group's pending entries list (PEL).",
        keySpecs: [
          keySpecAt(["RW", "delete"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
        ],
        handler: xgroupCommand,
      },
    ],
  },
  {
    name: "xreadgroup",
    arity: -7,
    flags: ["write", "blocking", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "stream",
    since: "5.0.0",
    summary:
      "Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.",
    complexity:
      "For each stream mentioned: O(M) with M being the number of elements returned. If M is constant (e.g. always asking for the first 10 elements with COUNT), you can consider it O(1). On the other side when XREADGROUP blocks, XADD will pay the O(N) time in order to serve the N clients blocked on the stream getting new data.",
    keySpecs: [
      {
        flags: ["RO", "access"],
        beginSearch: { keyword: "STREAMS", startFrom: 4 },
        findKeys: { lastKey: -1, keyStep: 1, limit: 2 },
      },
    ],
    args: [
      {
        name: "group-block",
        type: "block",
        token: "GROUP",
        args: [
          { name: "group", type: "string" },
          { name: "consumer", type: "string" },
        ],
      },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
      { name: "milliseconds", type: "integer", token: "BLOCK", flags: ["optional"] },
      { name: "noack", type: "pure-token", token: "NOACK", flags: ["optional"] },
      {
        name: "streams",
        type: "block",
        token: "STREAMS",
        args: [
          { name: "key", type: "key", keySpecIndex: 0, flags: ["multiple"] },
          { name: "id", type: "string", flags: ["multiple"] },
        ],
      },
    ],
    getKeys: xreadGetKeys,
    handler: xreadgroupCommand,
  },
  {
    name: "xack",
    arity: -4,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary:
      "Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.",
    complexity: "O(1) for each message ID processed.",
    keySpecs: [
      keySpecAt(["RW", "update"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "id", type: "string", flags: ["multiple"] },
    ],
    handler: xackCommand,
  },
  {
    name: "xpending",
    arity: -3,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary:
      "Returns the information and entries from a stream consumer group's pending entries list.",
    complexity:
      "O(N) with N being the number of elements returned, so asking for a small fixed number of entries per call is O(1). O(M), where M is the total number of entries scanned when used with the IDLE filter. When the command returns just the summary and the list of consumers is small, it runs in O(1) time; otherwise, an additional O(N) time for iterating every consumer.",
    tips: ["nondeterministic_output"],
    history: [["6.2.0", "Added the `IDLE` option and exclusive range intervals."]],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      {
        name: "filters",
        type: "block",
        flags: ["optional"],
        args: [
          {
            name: "min-idle-time",
            type: "integer",
            token: "IDLE",
            since: "6.2.0",
            flags: ["optional"],
          },
          { name: "start", type: "string" },
          { name: "end", type: "string" },
          { name: "count", type: "integer" },
          { name: "consumer", type: "string", flags: ["optional"] },
        ],
      },
    ],
    handler: xpendingCommand,
  },
  {
    name: "xclaim",
    arity: -6,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "5.0.0",
    summary:
      "Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.",
    complexity: "O(log N) with N being the number of messages in the PEL of the consumer group.",
    tips: ["nondeterministic_output"],
    keySpecs: [
      keySpecAt(["RW", "update"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "id", type: "string", flags: ["multiple"] },
      { name: "ms", type: "integer", token: "IDLE", flags: ["optional"] },
      { name: "unix-time-milliseconds", type: "unix-time", token: "TIME", flags: ["optional"] },
      { name: "count", type: "integer", token: "RETRYCOUNT", flags: ["optional"] },
      { name: "force", type: "pure-token", token: "FORCE", flags: ["optional"] },
      { name: "justid", type: "pure-token", token: "JUSTID", flags: ["optional"] },
      { name: "lastid", type: "string", token: "LASTID", flags: ["optional"] },
    ],
    handler: xclaimCommand,
  },
  {
    name: "xautoclaim",
    arity: -6,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "stream",
    since: "6.2.0",
    summary:
      "Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.",
    complexity: "O(1) if COUNT is small.",
    tips: ["nondeterministic_output"],
    history: [[
      "7.0.0",
      "Added an element to the reply array, containing deleted entries the command cleared from the PEL",
    ]],
    keySpecs: [
      keySpecAt(["RW", "delete"]),
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      { name: "group", type: "string" },
      { name: "consumer", type: "string" },
      { name: "min-idle-time", type: "string" },
      { name: "start", type: "string" },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
      { name: "justid", type: "pure-token", token: "JUSTID", flags: ["optional"] },
    ],
    handler: xautoclaimCommand,
  },
  {
    name: "xinfo",
    arity: -2,
    flags: [],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "stream",
    since: "5.0.0",
    summary: "A container for stream introspection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        name: "consumers",
        arity: 4,
        flags: ["readonly"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Returns a list of the consumers in a consumer group.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        history: [["7.2.0", "Added the `inactive` field, and changed the meaning of `idle`."]],
        keySpecs: [
          keySpecAt(["RO", "access"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          { name: "group", type: "string" },
        ],
        handler: xinfoConsumersCommand,
      },
      helpRow(xinfoHelp, "5.0.0", "stream"),
      {
        name: "groups",
        arity: 3,
        flags: ["readonly"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Returns a list of the consumer groups of a stream.",
        complexity: "O(1)",
        history: [["7.0.0", "Added the `entries-read` and `lag` fields"]],
        keySpecs: [
          keySpecAt(["RO", "access"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
        ],
        handler: xinfoGroupsCommand,
      },
      {
        name: "stream",
        arity: -3,
        flags: ["readonly"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        group: "stream",
        since: "5.0.0",
        summary: "Returns information about a stream.",
        complexity: "O(1)",
        history: [["6.0.0", "Added the `FULL` modifier."], [
          "7.0.0",
          "Added the `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag` fields",
        ], ["7.2.0", "Added the `active-time` field, and changed the meaning of `seen-time`."]],
        keySpecs: [
          keySpecAt(["RO", "access"], 2),
        ],
        args: [
          { name: "key", type: "key", keySpecIndex: 0 },
          {
            name: "full-block",
            type: "block",
            flags: ["optional"],
            args: [
              { name: "full", type: "pure-token", token: "FULL" },
              { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
            ],
          },
        ],
        handler: xinfoStreamCommand,
      },
    ],
  },
];
