/**
 * Stream commands (Redis's t_stream.c): XADD, XLEN, XRANGE, XREVRANGE, XDEL,
 * XTRIM, XSETID and XREAD (with BLOCK, through the shared blocking mechanism:
 * a blocked XREAD is re-run when a stream it waits on is written, with `$`
 * resolved to the ID it stood for when it blocked).
 */

import type { Client } from "../server/client.ts";
import {
  compareIds,
  copyId,
  decrId,
  idText,
  incrId,
  isZeroId,
  makeId,
  maxId,
  parseU64,
  RedisStream,
  type StreamID,
  zeroId,
} from "../store/stream.ts";
import type { RedisValue } from "../store/types.ts";
import { NO_SUCH_KEY, SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { parseLongLong } from "../util/number.ts";
import { getLongLong } from "./args.ts";
import { dbAdd, lookupKeyRead, readValue, writeValue } from "./keyspace.ts";
import type { CommandSpec } from "./table.ts";

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
): StreamID | null {
  const len = arg.length - from;
  const bad = (): null => {
    c.reply.error(INVALID_ID);
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
      argv = c.argv.map((x) => x.slice());
      rewriteTrim(argv, s, a);
    }
  }
  if (a.id === null || !a.seqGiven) {
    argv ??= c.argv.map((x) => x.slice());
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
  const ids: StreamID[] = [];
  for (let j = 2; j < c.argc; j++) {
    const id = parseId(c, c.argv[j], true, false);
    if (id === null) return;
    ids.push(id);
  }
  const key = c.key(1);
  const s = asStream(c, writeValue(c, key));
  if (s === null) return;
  if (s === undefined) return c.reply.integer(0);
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
      const argv = c.argv.map((x) => x.slice());
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
  c.modified(key, "stream", "xsetid");
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

function xreadCommand(c: Client): void {
  let timeout = -1;
  let count = 0;
  let streamsArg = 0;
  let streamsCount = 0;
  for (let i = 1; i < c.argc; i++) {
    const more = c.argc - i - 1;
    const o = c.lower(i);
    if (o === "block" && more) {
      i++;
      const t = parseTimeoutMs(c, i);
      if (t === null) return;
      timeout = t;
    } else if (o === "count" && more) {
      i++;
      const v = getLongLong(c, i);
      if (v === null) return;
      count = v < 0n ? 0 : Number(v);
    } else if (o === "streams" && more) {
      streamsArg = i + 1;
      streamsCount = c.argc - streamsArg;
      if (streamsCount % 2 !== 0) {
        return c.reply.error(
          "ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be specified.",
        );
      }
      streamsCount /= 2;
      break;
    } else if (o === "group" && more >= 2) {
      return c.reply.error(
        "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
      );
    } else if (o === "noack") {
      return c.reply.error(
        "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
      );
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  if (streamsArg === 0) return c.reply.error(SYNTAX_ERR);
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

/** The stream command rows. */
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
        args: [
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
        ],
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
      {
        flags: ["RO", "access"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
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
      {
        flags: ["RO", "access"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
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
      {
        flags: ["RW", "delete"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
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
      {
        flags: ["RW", "delete"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
    ],
    args: [
      { name: "key", type: "key", keySpecIndex: 0 },
      {
        name: "trim",
        type: "block",
        args: [
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
        ],
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
      {
        flags: ["RW", "update"],
        beginSearch: { index: 1 },
        findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
      },
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
];
