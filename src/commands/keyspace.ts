/**
 * Keyspace (generic) commands, after Redis 7.2's db.c, expire.c and object.c:
 * SELECT, SWAPDB, MOVE, FLUSHDB, FLUSHALL, DBSIZE, DEL, UNLINK, EXISTS, TYPE,
 * RENAME, RENAMENX, COPY, KEYS, SCAN, RANDOMKEY, TOUCH, OBJECT, the EXPIRE
 * family, TTL/PTTL/EXPIRETIME/PEXPIRETIME and PERSIST.
 *
 * Key lookups follow Redis's lookupKey flavours (see `lookupKeyRead` and
 * `lookupKeyWrite`): reads count keyspace hits/misses and fire "keymiss";
 * writes do neither. Expired keys are never visible: Db.lookup expires them.
 */

import type { Client, NotifyClass } from "../server/client.ts";
import { argAt, type ArgBlock } from "../resp/arg_block.ts";
import type { Server } from "../server/server.ts";
import type { Db, Entry } from "../store/keyspace.ts";
import { NO_SUCH_KEY, type RedisValue, SYNTAX_ERR, typeOf } from "../store/types.ts";
import { binaryToBytes, bytesToBinary, cString } from "../util/bytes.ts";
import { isPlainPattern, matchGlob } from "../util/glob.ts";
import { parseLongLong } from "../util/number.ts";
import { getInt, getLongLong } from "./args.ts";
import { helpRow, replyHelp } from "./help.ts";
import { type ArgDoc, type CommandSpec, keySpecAt } from "../server/command_table.ts";

// ---------------------------------------------------------------------------
// Lookups (db.c lookupKey and friends)

/** lookupKey flags, as in Redis's server.h. */
export const LOOKUP_NONE = 0;
/** Don't update the key's access time. */
export const LOOKUP_NOTOUCH = 1;
/** Don't fire "keymiss" on a miss. */
export const LOOKUP_NONOTIFY = 2;
/** Don't count keyspace_hits / keyspace_misses. */
export const LOOKUP_NOSTATS = 4;

/** True when the access time must not move: LOOKUP_NOTOUCH or CLIENT NO-TOUCH (except TOUCH). */
function noTouchFor(c: Client, flags: number): boolean {
  return (flags & LOOKUP_NOTOUCH) !== 0 || (c.noTouch && c.cmd?.name !== "touch");
}

/**
 * lookupKeyReadWithFlags: the live entry at `key` (expiring it when due),
 * touching it unless LOOKUP_NOTOUCH, counting a keyspace hit or miss unless
 * LOOKUP_NOSTATS and firing "keymiss" on a miss unless LOOKUP_NONOTIFY.
 */
export function lookupKeyRead(
  c: Client,
  key: string,
  flags = LOOKUP_NONE,
  db: Db = c.db,
): Entry | undefined {
  const e = db.lookup(key, noTouchFor(c, flags));
  const server = c.server;
  if (e !== undefined) {
    if ((flags & LOOKUP_NOSTATS) === 0) server.stats.keyspaceHits++;
  } else {
    if ((flags & LOOKUP_NONOTIFY) === 0) {
      server.notifyKeyspaceEvent("keymiss", "keymiss", key, db.id);
    }
    if ((flags & LOOKUP_NOSTATS) === 0) server.stats.keyspaceMisses++;
  }
  return e;
}

/** lookupKeyWrite: the live entry at `key` (expiring it when due); no stats, no events. */
export function lookupKeyWrite(c: Client, key: string, db: Db = c.db): Entry | undefined {
  return db.lookup(key, noTouchFor(c, LOOKUP_NONE));
}

/**
 * {@link lookupKeyRead} of the key whose bytes are `kb` (a request argument):
 * the live key's id in `db` (Db.lookupId), or -1. No key string is built
 * unless the "keymiss" event needs one.
 */
export function lookupReadId(
  c: Client,
  kb: Uint8Array,
  flags = LOOKUP_NONE,
  db: Db = c.db,
): number {
  const id = db.lookupId(kb, noTouchFor(c, flags));
  const server = c.server;
  if (id !== -1) {
    if ((flags & LOOKUP_NOSTATS) === 0) server.stats.keyspaceHits++;
  } else {
    if ((flags & LOOKUP_NONOTIFY) === 0 && server.notifyWanted("keymiss")) {
      server.notifyKeyspaceEvent("keymiss", "keymiss", bytesToBinary(kb), db.id);
    }
    if ((flags & LOOKUP_NOSTATS) === 0) server.stats.keyspaceMisses++;
  }
  return id;
}

/** {@link lookupKeyWrite} of the key whose bytes are `kb`: its id in `db`, or -1. */
export function lookupWriteId(c: Client, kb: Uint8Array, db: Db = c.db): number {
  return db.lookupId(kb, noTouchFor(c, LOOKUP_NONE));
}

/** The value of {@link lookupKeyRead} (counts hits/misses, fires "keymiss"). */
export function readValue(c: Client, key: string): RedisValue | undefined {
  return lookupKeyRead(c, key)?.value;
}

/** The value of {@link lookupKeyWrite} (no stats, no events). */
export function writeValue(c: Client, key: string): RedisValue | undefined {
  return lookupKeyWrite(c, key)?.value;
}

// ---------------------------------------------------------------------------
// Writes shared by the groups. Every change goes through these and
// Client.modified, which signals the key, fires its event and counts it.

/**
 * dbAdd: stores `value` at `key`, which holds no live value (lookupKeyWrite
 * said so), and fires "new". A replica may still hold the hidden expired entry:
 * it is replaced.
 */
export function dbAdd(c: Client, db: Db, key: string, value: RedisValue): Entry {
  const e = db.set(key, value);
  c.modified(key, "new", "new", 0, db);
  return e;
}

/**
 * dbDelete after a collection became empty, with the "del" event Redis fires
 * then (the command already counted its change).
 */
export function deleteEmptied(c: Client, key: string): void {
  c.db.delete(key);
  c.modified(key, "generic", "del", 0);
}

/**
 * setKey: stores `value` at `key` (dropping any TTL), firing "new" when the key
 * did not exist (dbAdd). The caller then reports the write with its own event.
 */
export function setKey(c: Client, key: string, value: RedisValue): void {
  if (lookupKeyWrite(c, key) === undefined) dbAdd(c, c.db, key, value);
  else c.db.set(key, value);
}

/** {@link dbAdd} of the key whose bytes are `kb` (copied); returns its id. */
export function dbAddBytes(c: Client, db: Db, kb: Uint8Array, value: RedisValue): number {
  const id = db.setBytes(kb, value);
  c.modifiedBytes(kb, "new", "new", 0, db);
  return id;
}

/** {@link setKey} of the key whose bytes are `kb`, without a key string. */
export function setKeyBytes(c: Client, kb: Uint8Array, value: RedisValue): void {
  const id = lookupWriteId(c, kb);
  if (id === -1) dbAddBytes(c, c.db, kb, value);
  else c.db.setAt(id, value);
}

/**
 * {@link Client.modified} of live key `id` (named by its bytes `kb`, a request
 * argument) whose value changed in place, as a collection write does: its size
 * is re-counted, and its name built only when something needs it
 * (Client.modifiedBytes).
 */
export function modifiedAt(
  c: Client,
  id: number,
  kb: Uint8Array,
  type: NotifyClass,
  event: string,
  count = 1,
): void {
  c.db.updateSizeAt(id);
  c.modifiedBytes(kb, type, event, count);
}

/** {@link deleteEmptied} of live key `id` named by its bytes `kb`. */
export function deleteEmptiedAt(c: Client, id: number, kb: Uint8Array): void {
  c.db.deleteAt(id);
  c.modifiedBytes(kb, "generic", "del", 0);
}

/** dbDelete of a STORE destination whose result is empty: signal, "del" and one change. */
export function deleteStoreKey(c: Client, key: string): void {
  if (c.db.delete(key)) c.modified(key, "generic", "del");
}

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

/** The db numbered `id`, or undefined when out of range (selectDb's check). */
function dbById(server: Server, id: number): Db | undefined {
  return id >= 0 && id < server.keyspace.dbs.length ? server.keyspace.dbs[id] : undefined;
}

const SAME_OBJECT_ERR = "ERR source and destination objects are the same";
const DB_RANGE_ERR = "ERR DB index is out of range";

// ---------------------------------------------------------------------------
// Shared effects

/**
 * touchAllWatchedKeysInDb: WATCHers of keys in `emptied` that existed there
 * (or exist in `replacedWith`, for SWAPDB) get their transaction aborted. A key
 * that was already logically expired stays "unchanged" when it disappears or is
 * replaced by another expired key, as in Redis 7.2 (it tracks expired-at-WATCH;
 * expired-now is equivalent here because a later expiry also fails EXEC).
 */
function touchAllWatchedKeysInDb(server: Server, emptied: Db, replacedWith: Db | null): void {
  if (server.watchedKeys.size === 0) return;
  const prefix = emptied.id + "\0";
  for (const [id, clients] of server.watchedKeys) {
    if (!id.startsWith(prefix)) continue;
    const key = id.slice(prefix.length);
    const old = emptied.peek(key);
    const repl = replacedWith?.peek(key);
    if (old === undefined && repl === undefined) continue;
    if (old !== undefined && emptied.isExpired(old)) {
      if (repl === undefined || replacedWith!.isExpired(repl)) continue;
    } else if (old === undefined && replacedWith!.isExpired(repl!)) {
      continue;
    }
    for (const cl of clients) cl.dirtyCas = true;
  }
}

// ---------------------------------------------------------------------------
// SELECT, SWAPDB, MOVE, FLUSHDB, FLUSHALL, DBSIZE

function selectCommand(c: Client): void {
  const id = getInt(c, 1);
  if (id === null) return;
  const db = dbById(c.server, id);
  if (db === undefined) return c.reply.error(DB_RANGE_ERR);
  c.db = db;
  c.reply.ok();
}

function swapdbCommand(c: Client): void {
  const id1 = getInt(c, 1, "invalid first DB index");
  if (id1 === null) return;
  const id2 = getInt(c, 2, "invalid second DB index");
  if (id2 === null) return;
  const server = c.server;
  const db1 = dbById(server, id1), db2 = dbById(server, id2);
  if (db1 === undefined || db2 === undefined) return c.reply.error(DB_RANGE_ERR);
  if (db1 !== db2) {
    touchAllWatchedKeysInDb(server, db1, db2);
    touchAllWatchedKeysInDb(server, db2, db1);
    db1.swapWith(db2);
    // Clients stay on their db number: keys they wait on may now hold data.
    server.blocking.signalAll(db1);
    server.blocking.signalAll(db2);
  }
  c.changed(1);
  c.reply.ok();
}

function moveCommand(c: Client): void {
  const dbid = getInt(c, 2);
  if (dbid === null) return;
  const src = c.db;
  const dst = dbById(c.server, dbid);
  if (dst === undefined) return c.reply.error(DB_RANGE_ERR);
  if (dst === src) return c.reply.error(SAME_OBJECT_ERR);
  const key = c.key(1);
  const e = lookupKeyWrite(c, key);
  if (e === undefined) return c.reply.integer(0);
  const expire = e.expireAt;
  if (lookupKeyWrite(c, key, dst) !== undefined) return c.reply.integer(0);
  const moved = dbAdd(c, dst, key, e.value);
  carryObjectState(e, moved);
  if (expire !== -1) dst.setExpire(moved, expire);
  src.delete(key);
  c.modified(key, "generic", "move_from", 1, src);
  c.modified(key, "generic", "move_to", 0, dst);
  c.reply.integer(1);
}

/** The value object moves with RENAME/MOVE: keep its access data and string encoding. */
function carryObjectState(from: Entry, to: Entry): void {
  to.lru = from.lru;
  to.lfu = from.lfu;
  to.raw = from.raw;
}

/** getFlushCommandFlags: validates [ASYNC|SYNC] (both free memory synchronously here). */
function parseFlushFlags(c: Client): boolean {
  if (c.argc === 1) return true;
  const opt = c.argc === 2 ? c.lower(1) : "";
  if (opt === "sync" || opt === "async") return true;
  c.reply.error(SYNTAX_ERR);
  return false;
}

function flushdbCommand(c: Client): void {
  if (!parseFlushFlags(c)) return;
  const server = c.server;
  touchAllWatchedKeysInDb(server, c.db, null);
  c.changed(c.db.flush());
  server.signalFlushed(c.db.id);
  // Replicated even when the db was already empty.
  c.forcePropagation();
  c.reply.ok();
}

function flushallCommand(c: Client): void {
  if (!parseFlushFlags(c)) return;
  const server = c.server;
  let removed = 0;
  for (const db of server.keyspace.dbs) {
    touchAllWatchedKeysInDb(server, db, null);
    removed += db.flush();
  }
  server.signalFlushed(-1);
  c.changed(removed);
  // flushAllDataAndResetRDB: the rdb child is killed; with save points configured the
  // empty dataset is saved right away, and a successful rdbSave resets the dirty counter.
  const save = server.config.saveParams.length > 0;
  let ok = true;
  for (const s of server.subsystems) {
    if (s.flushAll !== undefined && !s.flushAll(save)) ok = false;
  }
  if (save && ok) {
    server.dirty = 0;
    server.lastSave = Math.floor(Date.now() / 1000);
  }
  // Replicated even when every db was already empty.
  c.forcePropagation();
  c.reply.ok();
}

function dbsizeCommand(c: Client): void {
  c.reply.integer(c.db.size);
}

// ---------------------------------------------------------------------------
// DEL, UNLINK, EXISTS, TYPE, TOUCH

/** DEL and UNLINK; `args`: the argument block when it runs from it (see CommandSpec.bulk). */
function delCommand(c: Client, args: ArgBlock | null = null): void {
  let deleted = 0;
  const argv = c.argv;
  const db = c.db;
  for (let i = 1; i < argv.length; i++) {
    const kb = argAt(argv, args, i);
    // expireIfNeeded first: an expired key is reclaimed (and counted as expired), not deleted.
    const id = db.lookupId(kb, true);
    if (id === -1) continue;
    db.deleteAt(id);
    c.modifiedBytes(kb, "generic", "del");
    deleted++;
  }
  c.reply.integer(deleted);
}

/** EXISTS; `args`: the argument block when it runs from it (see CommandSpec.bulk). */
function existsCommand(c: Client, args: ArgBlock | null = null): void {
  let count = 0;
  const argv = c.argv;
  for (let i = 1; i < argv.length; i++) {
    if (lookupReadId(c, argAt(argv, args, i), LOOKUP_NOTOUCH) !== -1) count++;
  }
  c.reply.integer(count);
}

function typeCommand(c: Client): void {
  const e = lookupKeyRead(c, c.key(1), LOOKUP_NOTOUCH);
  c.reply.simple(e === undefined ? "none" : typeOf(e.value));
}

function touchCommand(c: Client): void {
  let touched = 0;
  for (let i = 1; i < c.argc; i++) {
    if (lookupKeyRead(c, c.key(i)) !== undefined) touched++;
  }
  c.reply.integer(touched);
}

// ---------------------------------------------------------------------------
// RENAME, RENAMENX, COPY

function renameGeneric(c: Client, nx: boolean): void {
  const key = c.key(1);
  const newkey = c.key(2);
  const db = c.db;
  const e = lookupKeyWrite(c, key);
  if (e === undefined) return c.reply.error(NO_SUCH_KEY);
  if (key === newkey) return nx ? c.reply.integer(0) : c.reply.ok();
  const expire = e.expireAt;
  if (lookupKeyWrite(c, newkey) !== undefined) {
    if (nx) return c.reply.integer(0);
    db.delete(newkey);
  }
  const renamed = dbAdd(c, db, newkey, e.value);
  carryObjectState(e, renamed);
  if (expire !== -1) db.setExpire(renamed, expire);
  db.delete(key);
  c.modified(key, "generic", "rename_from");
  c.modified(newkey, "generic", "rename_to", 0);
  if (nx) c.reply.integer(1);
  else c.reply.ok();
}

/** A value with a deep-copy method (every collection class provides `clone`). */
interface Clonable {
  clone(): RedisValue;
}

/** Duplicates a value for COPY: strings by bytes, collections through their clone(). */
function dupValue(v: RedisValue): RedisValue | null {
  if (v instanceof Uint8Array) return v.slice();
  const clone = (v as Partial<Clonable>).clone;
  return typeof clone === "function" ? clone.call(v) : null;
}

function copyCommand(c: Client): void {
  const src = c.db;
  let dst = c.db;
  let replace = false;
  for (let j = 3; j < c.argc; j++) {
    const opt = c.lower(j);
    if (opt === "replace") {
      replace = true;
    } else if (opt === "db" && c.argc - j - 1 >= 1) {
      const id = getInt(c, j + 1);
      if (id === null) return;
      const db = dbById(c.server, id);
      if (db === undefined) return c.reply.error(DB_RANGE_ERR);
      dst = db;
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const key = c.key(1);
  const newkey = c.key(2);
  if (src === dst && key === newkey) return c.reply.error(SAME_OBJECT_ERR);
  const e = lookupKeyRead(c, key);
  if (e === undefined) return c.reply.integer(0);
  const expire = e.expireAt;
  let overwrite = false;
  if (lookupKeyWrite(c, newkey, dst) !== undefined) {
    if (!replace) return c.reply.integer(0);
    overwrite = true;
  }
  const value = dupValue(e.value);
  if (value === null) return c.reply.error("ERR unknown type object");
  if (overwrite) dst.delete(newkey);
  const copied = dbAdd(c, dst, newkey, value);
  copied.raw = e.raw;
  if (expire !== -1) dst.setExpire(copied, expire);
  c.modified(newkey, "generic", "copy_to", 1, dst);
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------
// KEYS, SCAN, RANDOMKEY

function keysCommand(c: Client): void {
  const pattern = c.key(1);
  const db = c.db;
  const out: string[] = [];
  if (isPlainPattern(pattern)) {
    // Only the key equal to the pattern can match: look it up directly.
    const e = db.peek(pattern);
    if (e !== undefined && !db.isExpired(e)) out.push(pattern);
  } else {
    const all = pattern === "*";
    // KEYS hides expired keys without reclaiming them (keyIsExpired, not expireIfNeeded).
    for (const e of db.entries()) {
      if ((all || matchGlob(pattern, e.key)) && !db.isExpired(e)) out.push(e.key);
    }
  }
  c.reply.array(out.length);
  for (const k of out) c.reply.bulkBinary(k);
}

const ULONG_MAX = 18446744073709551615n;

/**
 * parseScanCursorOrReply: strtoul semantics (optional sign, "-1" wraps,
 * overflow and any leading space or trailing byte rejected, "" is 0).
 */
export function parseScanCursor(s: string): bigint | null {
  if (s.length > 0 && " \t\n\v\f\r".includes(s[0])) return null;
  const m = /^([+-]?)([0-9]+)$/.exec(s);
  if (m === null) return s.length === 0 ? 0n : null;
  let v = BigInt(m[2]);
  if (v > ULONG_MAX) return null;
  if (m[1] === "-" && v !== 0n) v = ULONG_MAX + 1n - v;
  return v;
}

/**
 * parseScanCursorOrReply as a number (cursors past 2^53 only need to be past every slot);
 * replies "invalid cursor" and returns null when bad.
 */
export function getScanCursor(c: Client, i: number): number | null {
  const v = parseScanCursor(c.key(i));
  if (v === null) {
    c.reply.error("ERR invalid cursor");
    return null;
  }
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}

/** Options of SCAN/HSCAN/SSCAN/ZSCAN (scanGenericCommand). */
export interface ScanOptions {
  count: number;
  /** null when absent or "*" (matches everything). */
  pattern: string | null;
  /** SCAN's TYPE, lower case; null when absent. */
  typeName: string | null;
}

/**
 * scanGenericCommand's option loop: COUNT and MATCH from argument `from` on, and TYPE when
 * `withType` (SCAN only; the other SCANs reject it as a syntax error). Null after replying.
 */
export function parseScanOptions(c: Client, from: number, withType = false): ScanOptions | null {
  const opts: ScanOptions = { count: 10, pattern: null, typeName: null };
  for (let i = from; i < c.argc;) {
    const left = c.argc - i;
    const opt = c.lower(i);
    if (opt === "count" && left >= 2) {
      const v = getLongLong(c, i + 1);
      if (v === null) return null;
      if (v < 1n) {
        c.reply.error(SYNTAX_ERR);
        return null;
      }
      opts.count = v > 1000000000n ? 1000000000 : Number(v);
      i += 2;
    } else if (opt === "match" && left >= 2) {
      const p = c.key(i + 1);
      // "*" matches everything: same as no pattern.
      opts.pattern = p === "*" ? null : p;
      i += 2;
    } else if (withType && opt === "type" && left >= 2) {
      opts.typeName = c.key(i + 1).toLowerCase();
      i += 2;
    } else {
      c.reply.error(SYNTAX_ERR);
      return null;
    }
  }
  return opts;
}

/** shared.emptyscan: cursor 0 and no elements. */
export function replyEmptyScan(c: Client): void {
  c.reply.array(2);
  c.reply.bulkBinary("0");
  c.reply.array(0);
}

function scanCommand(c: Client): void {
  const start = getScanCursor(c, 1);
  if (start === null) return;
  const opts = parseScanOptions(c, 2, true);
  if (opts === null) return;
  const { pattern, typeName } = opts;
  const db = c.db;
  const keys: string[] = [];
  const next = db.scan(start, opts.count, (e) => keys.push(e.key));
  // Filter after the walk, as Redis does: reclaiming expired keys reorders the slots.
  const out: string[] = [];
  for (const key of keys) {
    if (pattern !== null && !matchGlob(pattern, key)) continue;
    if (typeName !== null) {
      // Redis 7.2 checks the type with a read lookup that counts stats and
      // reclaims an expired key; unknown type names (even "none") match nothing.
      const e = lookupKeyRead(c, key, LOOKUP_NOTOUCH | LOOKUP_NONOTIFY);
      if (e !== undefined && typeOf(e.value) === typeName) out.push(key);
      continue;
    }
    const e = db.peek(key);
    if (e !== undefined && db.isExpired(e)) {
      db.lookup(key, true); // expireIfNeeded
      continue;
    }
    out.push(key);
  }
  c.reply.array(2);
  c.reply.bulkBinary(String(next));
  c.reply.array(out.length);
  for (const k of out) c.reply.bulkBinary(k);
}

function randomkeyCommand(c: Client): void {
  const db = c.db;
  let key: string | null = null;
  // Each failed round reclaimed expired keys, so this ends (Redis loops until a live key).
  while (db.size > 0) {
    key = db.randomKey();
    if (key !== null || c.server.isReplica()) break;
  }
  if (key === null) c.reply.nullBulk();
  else c.reply.bulkBinary(key);
}

// ---------------------------------------------------------------------------
// OBJECT

/** OBJ_SHARED_REFCOUNT: what OBJECT REFCOUNT says for shared integer objects. */
const OBJ_SHARED_REFCOUNT = 2147483647;
/** OBJ_SHARED_INTEGERS: 0..9999 are shared objects. */
const OBJ_SHARED_INTEGERS = 10000n;
/** OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
const EMBSTR_SIZE_LIMIT = 44;

/** OBJECT ENCODING of a string value, as tryObjectEncoding leaves it. */
function stringEncoding(e: Entry, v: Uint8Array): string {
  if (e.raw) return "raw";
  if (parseLongLong(v) !== null) return "int"; // tryObjectEncoding's string2l
  return v.length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw";
}

function isLfuPolicy(server: Server): boolean {
  return server.config.maxmemoryPolicy.endsWith("-lfu");
}

/** canUseSharedObject: shared integers are off when maxmemory evicts by LRU/LFU. */
function canUseSharedIntegers(server: Server): boolean {
  const p = server.config.maxmemoryPolicy;
  return server.config.maxmemory === 0 || !(p.endsWith("-lru") || p.endsWith("-lfu"));
}

/** OBJECT ENCODING's answer for an entry. */
export function objectEncoding(server: Server, e: Entry): string {
  const v = e.value;
  if (v instanceof Uint8Array) return stringEncoding(e, v);
  return v.encoding(server.config.encodingLimits());
}

/** objectCommandLookupOrReply: NOTOUCH|NONOTIFY read lookup; null reply on a miss. */
function objectLookup(c: Client): Entry | undefined {
  const e = lookupKeyRead(c, c.key(2), LOOKUP_NOTOUCH | LOOKUP_NONOTIFY);
  if (e === undefined) c.reply.nullBulk();
  return e;
}

function objectEncodingCommand(c: Client): void {
  const e = objectLookup(c);
  if (e !== undefined) c.reply.bulkText(objectEncoding(c.server, e));
}

/** OBJECT REFCOUNT's answer: shared integer objects (0..9999, when sharing is on) or 1. */
export function objectRefcount(server: Server, e: Entry): number {
  const v = e.value;
  if (v instanceof Uint8Array && !e.raw && canUseSharedIntegers(server)) {
    const n = parseLongLong(v);
    if (n !== null && n >= 0n && n < OBJ_SHARED_INTEGERS) return OBJ_SHARED_REFCOUNT;
  }
  return 1;
}

function objectRefcountCommand(c: Client): void {
  const e = objectLookup(c);
  if (e !== undefined) c.reply.integer(objectRefcount(c.server, e));
}

function objectIdletimeCommand(c: Client): void {
  const e = objectLookup(c);
  if (e === undefined) return;
  if (isLfuPolicy(c.server)) {
    return c.reply.error(
      "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  // The LRU clock has a resolution of one second.
  const now = Math.floor(c.server.keyspace.now / 1000);
  c.reply.integer(Math.max(0, now - Math.floor(e.lru / 1000)));
}

function objectFreqCommand(c: Client): void {
  const e = objectLookup(c);
  if (e === undefined) return;
  if (!isLfuPolicy(c.server)) {
    return c.reply.error(
      "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
    );
  }
  // LFUDecrAndReturn: one decrement per lfu-decay-time minutes since the last access.
  const decay = c.server.config.lfuDecayTime;
  const periods = decay > 0 ? Math.floor((c.server.keyspace.now - e.lru) / 60000 / decay) : 0;
  c.reply.integer(periods > e.lfu ? 0 : e.lfu - periods);
}

const OBJECT_HELP = [
  "ENCODING <key>",
  "    Return the kind of internal representation used in order to store the value",
  "    associated with a <key>.",
  "FREQ <key>",
  "    Return the access frequency index of the <key>. The returned integer is",
  "    proportional to the logarithm of the recent access frequency of the key.",
  "IDLETIME <key>",
  "    Return the idle time of the <key>, that is the approximated number of",
  "    seconds elapsed since the last access to the key.",
  "REFCOUNT <key>",
  "    Return the number of references of the value associated with the specified",
  "    <key>.",
];

function objectHelpCommand(c: Client): void {
  replyHelp(c, OBJECT_HELP);
}

// ---------------------------------------------------------------------------
// EXPIRE family, TTL family, PERSIST (expire.c)

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

const PEXPIREAT = binaryToBytes("PEXPIREAT");
const DEL = binaryToBytes("DEL");
const UNLINK = binaryToBytes("UNLINK");

/** parseExtendedExpireArgumentsOrReply: NX/XX/GT/LT from argv[3..]; null after an error reply. */
function parseExpireFlags(c: Client): number | null {
  let flags = 0;
  for (let j = 3; j < c.argc; j++) {
    const opt = c.lower(j);
    if (opt === "nx") flags |= EXPIRE_NX;
    else if (opt === "xx") flags |= EXPIRE_XX;
    else if (opt === "gt") flags |= EXPIRE_GT;
    else if (opt === "lt") flags |= EXPIRE_LT;
    else {
      c.reply.errorBinary(`ERR Unsupported option ${cString(c.argv[j])}`);
      return null;
    }
  }
  if ((flags & EXPIRE_NX) !== 0 && (flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) !== 0) {
    c.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
    return null;
  }
  if ((flags & EXPIRE_GT) !== 0 && (flags & EXPIRE_LT) !== 0) {
    c.reply.error("ERR GT and LT options at the same time are not compatible");
    return null;
  }
  return flags;
}

/**
 * expireGenericCommand. `relative`: the time is added to the command time
 * (EXPIRE/PEXPIRE); `seconds`: argv[2] is in seconds. Propagates as PEXPIREAT
 * with the absolute ms time, or as DEL/UNLINK when the time is already past.
 */
function expireGeneric(c: Client, relative: boolean, seconds: boolean): void {
  const flags = parseExpireFlags(c);
  if (flags === null) return;
  let when = getLongLong(c, 2);
  if (when === null) return;
  const invalid = () => c.reply.error(`ERR invalid expire time in '${c.cmd!.fullName}' command`);
  // EXPIRE accepts negative times; only the unit conversion and the addition can overflow.
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return invalid();
    when *= 1000n;
  }
  const now = c.server.keyspace.now;
  const basetime = relative ? BigInt(now) : 0n;
  if (when > LLONG_MAX - basetime) return invalid();
  when += basetime;

  const key = c.key(1);
  const db = c.db;
  const e = lookupKeyWrite(c, key);
  if (e === undefined) return c.reply.integer(0);
  const whenMs = Number(when);
  if (flags !== 0) {
    const current = e.expireAt;
    if ((flags & EXPIRE_NX) !== 0 && current !== -1) return c.reply.integer(0);
    if ((flags & EXPIRE_XX) !== 0 && current === -1) return c.reply.integer(0);
    // No TTL counts as infinite: GT never passes, LT always does.
    if ((flags & EXPIRE_GT) !== 0 && (current === -1 || whenMs <= current)) {
      return c.reply.integer(0);
    }
    if ((flags & EXPIRE_LT) !== 0 && current !== -1 && whenMs >= current) {
      return c.reply.integer(0);
    }
  }
  // checkAlreadyExpired: a replica keeps the key and waits for the master's DEL.
  if (whenMs <= now && !c.server.isReplica()) {
    db.delete(key);
    c.rewriteArgv([c.server.config.lazyfreeLazyExpire ? UNLINK : DEL, c.argv[1]]);
    c.modified(key, "generic", "del");
    return c.reply.integer(1);
  }
  db.setExpire(e, whenMs);
  const argv = c.argv.slice();
  if (c.cmd!.name !== "pexpireat") argv[0] = PEXPIREAT;
  if (relative || seconds) argv[2] = binaryToBytes(when.toString());
  c.rewriteArgv(argv);
  c.modified(key, "generic", "expire");
  c.reply.integer(1);
}

function expireCommand(c: Client): void {
  expireGeneric(c, true, true);
}

function pexpireCommand(c: Client): void {
  expireGeneric(c, true, false);
}

function expireatCommand(c: Client): void {
  expireGeneric(c, false, true);
}

function pexpireatCommand(c: Client): void {
  expireGeneric(c, false, false);
}

/** ttlGenericCommand: -2 missing, -1 no TTL, else the TTL (relative) or the expire time. */
function ttlGeneric(c: Client, ms: boolean, absolute: boolean): void {
  const e = lookupKeyRead(c, c.key(1), LOOKUP_NOTOUCH);
  if (e === undefined) return c.reply.integer(-2);
  if (e.expireAt === -1) return c.reply.integer(-1);
  let ttl = absolute ? e.expireAt : e.expireAt - c.server.keyspace.now;
  if (ttl < 0) ttl = 0;
  c.reply.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function ttlCommand(c: Client): void {
  ttlGeneric(c, false, false);
}

function pttlCommand(c: Client): void {
  ttlGeneric(c, true, false);
}

function expiretimeCommand(c: Client): void {
  ttlGeneric(c, false, true);
}

function pexpiretimeCommand(c: Client): void {
  ttlGeneric(c, true, true);
}

function persistCommand(c: Client): void {
  const key = c.key(1);
  const e = lookupKeyWrite(c, key);
  if (e === undefined || !c.db.removeExpire(e)) return c.reply.integer(0);
  c.modified(key, "generic", "persist");
  c.reply.integer(1);
}

// ---------------------------------------------------------------------------
// Command table rows

const KEY_ARG: ArgDoc = { name: "key", type: "key" };
const KEYS_ARG: ArgDoc = { name: "key", type: "key", flags: ["multiple"] };
const EXPIRE_CONDITION: ArgDoc = {
  name: "condition",
  type: "oneof",
  since: "7.0.0",
  flags: ["optional"],
  args: [
    { name: "nx", type: "pure-token", token: "NX" },
    { name: "xx", type: "pure-token", token: "XX" },
    { name: "gt", type: "pure-token", token: "GT" },
    { name: "lt", type: "pure-token", token: "LT" },
  ],
};
const FLUSH_TYPE: ArgDoc = {
  name: "flush-type",
  type: "oneof",
  flags: ["optional"],
  args: [
    { name: "async", type: "pure-token", token: "ASYNC", since: "4.0.0" },
    { name: "sync", type: "pure-token", token: "SYNC", since: "6.2.0" },
  ],
};

const noKeys = { firstKey: 0, lastKey: 0, step: 0 };
const oneKey = { firstKey: 1, lastKey: 1, step: 1 };
const allKeys = { firstKey: 1, lastKey: -1, step: 1 };
const twoKeys = { firstKey: 1, lastKey: 2, step: 1 };
const objectKey = { firstKey: 2, lastKey: 2, step: 1 };
const MULTI_SHARD_SUM = ["request_policy:multi_shard", "response_policy:agg_sum"];
const FLUSH_HISTORY: [string, string][] = [
  ["4.0.0", "Added the `ASYNC` flushing mode modifier."],
  ["6.2.0", "Added the `SYNC` flushing mode modifier."],
];
const EXPIRE_HISTORY: [string, string][] = [["7.0.0", "Added options: `NX`, `XX`, `GT` and `LT`."]];
const TTL_HISTORY: [string, string][] = [["2.8.0", "Added the -2 reply."]];

/** Rows of the keyspace group. */
export const keyspaceCommands: CommandSpec[] = [
  {
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    ...noKeys,
    group: "connection",
    since: "1.0.0",
    summary: "Changes the selected database.",
    complexity: "O(1)",
    args: [{ name: "index", type: "integer" }],
    handler: selectCommand,
  },
  {
    name: "swapdb",
    arity: 3,
    flags: ["write", "fast"],
    ...noKeys,
    group: "server",
    since: "4.0.0",
    summary: "Swaps two Redis databases.",
    complexity:
      "O(N) where N is the count of clients watching or blocking on keys from both databases.",
    aclCategories: ["keyspace", "dangerous"],
    args: [{ name: "index1", type: "integer" }, { name: "index2", type: "integer" }],
    handler: swapdbCommand,
  },
  {
    name: "move",
    arity: 3,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "1.0.0",
    summary: "Moves a key to another database.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RW", "access", "update"], 1)],
    args: [KEY_ARG, { name: "db", type: "integer" }],
    handler: moveCommand,
  },
  {
    name: "flushdb",
    arity: -1,
    flags: ["write"],
    ...noKeys,
    group: "server",
    since: "1.0.0",
    summary: "Remove all keys from the current database.",
    complexity: "O(N) where N is the number of keys in the selected database",
    aclCategories: ["keyspace", "dangerous"],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    history: FLUSH_HISTORY,
    args: [FLUSH_TYPE],
    handler: flushdbCommand,
  },
  {
    name: "flushall",
    arity: -1,
    flags: ["write"],
    ...noKeys,
    group: "server",
    since: "1.0.0",
    summary: "Removes all keys from all databases.",
    complexity: "O(N) where N is the total number of keys in all databases",
    aclCategories: ["keyspace", "dangerous"],
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    history: FLUSH_HISTORY,
    args: [FLUSH_TYPE],
    handler: flushallCommand,
  },
  {
    name: "dbsize",
    arity: 1,
    flags: ["readonly", "fast"],
    ...noKeys,
    group: "server",
    since: "1.0.0",
    summary: "Returns the number of keys in the database.",
    complexity: "O(1)",
    aclCategories: ["keyspace"],
    tips: ["request_policy:all_shards", "response_policy:agg_sum"],
    handler: dbsizeCommand,
  },
  {
    name: "del",
    arity: -2,
    flags: ["write"],
    ...allKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Deletes one or more keys.",
    complexity:
      "O(N) where N is the number of keys that will be removed. When a key to remove holds a value other than a string, the individual complexity for this key is O(M) where M is the number of elements in the list, set, sorted set or hash. Removing a single key that holds a string value is O(1).",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpecAt(["RM", "delete"], 1, -1)],
    args: [KEYS_ARG],
    handler: delCommand,
    bulk: delCommand,
  },
  {
    name: "unlink",
    arity: -2,
    flags: ["write", "fast"],
    ...allKeys,
    group: "generic",
    since: "4.0.0",
    summary: "Asynchronously deletes one or more keys.",
    complexity:
      "O(1) for each key removed regardless of its size. Then the command does O(N) work in a different thread in order to reclaim memory, where N is the number of allocations the deleted objects where composed of.",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpecAt(["RM", "delete"], 1, -1)],
    args: [KEYS_ARG],
    handler: delCommand,
    bulk: delCommand,
  },
  {
    name: "exists",
    arity: -2,
    flags: ["readonly", "fast"],
    ...allKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Determines whether one or more keys exist.",
    complexity: "O(N) where N is the number of keys to check.",
    tips: MULTI_SHARD_SUM,
    history: [["3.0.3", "Accepts multiple `key` arguments."]],
    keySpecs: [keySpecAt(["RO"], 1, -1)],
    args: [KEYS_ARG],
    handler: existsCommand,
    bulk: existsCommand,
  },
  {
    name: "type",
    arity: 2,
    flags: ["readonly", "fast"],
    ...oneKey,
    group: "generic",
    since: "1.0.0",
    summary: "Determines the type of value stored at a key.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RO"], 1)],
    args: [KEY_ARG],
    handler: typeCommand,
  },
  {
    name: "rename",
    arity: 3,
    flags: ["write"],
    ...twoKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Renames a key and overwrites the destination.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RW", "access", "delete"], 1), keySpecAt(["OW", "update"], 2)],
    args: [KEY_ARG, { name: "newkey", type: "key" }],
    handler: (c) => renameGeneric(c, false),
  },
  {
    name: "renamenx",
    arity: 3,
    flags: ["write", "fast"],
    ...twoKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Renames a key only when the target key name doesn't exist.",
    complexity: "O(1)",
    history: [[
      "3.2.0",
      "The command no longer returns an error when source and destination names are the same.",
    ]],
    keySpecs: [keySpecAt(["RW", "access", "delete"], 1), keySpecAt(["OW", "insert"], 2)],
    args: [KEY_ARG, { name: "newkey", type: "key" }],
    handler: (c) => renameGeneric(c, true),
  },
  {
    name: "copy",
    arity: -3,
    flags: ["write", "denyoom"],
    ...twoKeys,
    group: "generic",
    since: "6.2.0",
    summary: "Copies the value of a key to a new key.",
    complexity:
      "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.",
    keySpecs: [keySpecAt(["RO", "access"], 1), keySpecAt(["OW", "update"], 2)],
    args: [
      { name: "source", type: "key" },
      { name: "destination", type: "key" },
      { name: "destination-db", type: "integer", token: "DB", flags: ["optional"] },
      { name: "replace", type: "pure-token", token: "REPLACE", flags: ["optional"] },
    ],
    handler: copyCommand,
  },
  {
    name: "keys",
    arity: 2,
    flags: ["readonly"],
    ...noKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Returns all key names that match a pattern.",
    complexity:
      "O(N) with N being the number of keys in the database, under the assumption that the key names in the database and the given pattern have limited length.",
    aclCategories: ["dangerous"],
    tips: ["request_policy:all_shards", "nondeterministic_output_order"],
    args: [{ name: "pattern", type: "pattern" }],
    handler: keysCommand,
  },
  {
    name: "scan",
    arity: -2,
    flags: ["readonly"],
    ...noKeys,
    group: "generic",
    since: "2.8.0",
    summary: "Iterates over the key names in the database.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output", "request_policy:special", "response_policy:special"],
    history: [["6.0.0", "Added the `TYPE` subcommand."]],
    args: [
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", flags: ["optional"] },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
      { name: "type", type: "string", token: "TYPE", since: "6.0.0", flags: ["optional"] },
    ],
    handler: scanCommand,
  },
  {
    name: "randomkey",
    arity: 1,
    flags: ["readonly"],
    ...noKeys,
    group: "generic",
    since: "1.0.0",
    summary: "Returns a random key name from the database.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:special", "nondeterministic_output"],
    handler: randomkeyCommand,
  },
  {
    name: "touch",
    arity: -2,
    flags: ["readonly", "fast"],
    ...allKeys,
    group: "generic",
    since: "3.2.1",
    summary:
      "Returns the number of existing keys out of those specified after updating the time they were last accessed.",
    complexity: "O(N) where N is the number of keys that will be touched.",
    tips: MULTI_SHARD_SUM,
    keySpecs: [keySpecAt(["RO"], 1, -1)],
    args: [KEYS_ARG],
    handler: touchCommand,
  },
  {
    name: "object",
    arity: -2,
    flags: [],
    ...noKeys,
    group: "generic",
    since: "2.2.3",
    summary: "A container for object introspection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        name: "encoding",
        arity: 3,
        flags: ["readonly"],
        ...objectKey,
        group: "generic",
        since: "2.2.3",
        summary: "Returns the internal encoding of a Redis object.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        keySpecs: [keySpecAt(["RO"], 2)],
        args: [KEY_ARG],
        handler: objectEncodingCommand,
      },
      {
        name: "freq",
        arity: 3,
        flags: ["readonly"],
        ...objectKey,
        group: "generic",
        since: "4.0.0",
        summary: "Returns the logarithmic access frequency counter of a Redis object.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        keySpecs: [keySpecAt(["RO"], 2)],
        args: [KEY_ARG],
        handler: objectFreqCommand,
      },
      { ...helpRow(objectHelpCommand, "6.2.0", "generic"), aclCategories: ["keyspace"] },
      {
        name: "idletime",
        arity: 3,
        flags: ["readonly"],
        ...objectKey,
        group: "generic",
        since: "2.2.3",
        summary: "Returns the time since the last access to a Redis object.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        keySpecs: [keySpecAt(["RO"], 2)],
        args: [KEY_ARG],
        handler: objectIdletimeCommand,
      },
      {
        name: "refcount",
        arity: 3,
        flags: ["readonly"],
        ...objectKey,
        group: "generic",
        since: "2.2.3",
        summary: "Returns the reference count of a value of a key.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        keySpecs: [keySpecAt(["RO"], 2)],
        args: [KEY_ARG],
        handler: objectRefcountCommand,
      },
    ],
  },
  {
    name: "expire",
    arity: -3,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "1.0.0",
    summary: "Sets the expiration time of a key in seconds.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    keySpecs: [keySpecAt(["RW", "update"], 1)],
    args: [KEY_ARG, { name: "seconds", type: "integer" }, EXPIRE_CONDITION],
    handler: expireCommand,
  },
  {
    name: "pexpire",
    arity: -3,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "2.6.0",
    summary: "Sets the expiration time of a key in milliseconds.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    keySpecs: [keySpecAt(["RW", "update"], 1)],
    args: [KEY_ARG, { name: "milliseconds", type: "integer" }, EXPIRE_CONDITION],
    handler: pexpireCommand,
  },
  {
    name: "expireat",
    arity: -3,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "1.2.0",
    summary: "Sets the expiration time of a key to a Unix timestamp.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    keySpecs: [keySpecAt(["RW", "update"], 1)],
    args: [KEY_ARG, { name: "unix-time-seconds", type: "unix-time" }, EXPIRE_CONDITION],
    handler: expireatCommand,
  },
  {
    name: "pexpireat",
    arity: -3,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "2.6.0",
    summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.",
    complexity: "O(1)",
    history: EXPIRE_HISTORY,
    keySpecs: [keySpecAt(["RW", "update"], 1)],
    args: [KEY_ARG, { name: "unix-time-milliseconds", type: "unix-time" }, EXPIRE_CONDITION],
    handler: pexpireatCommand,
  },
  {
    name: "ttl",
    arity: 2,
    flags: ["readonly", "fast"],
    ...oneKey,
    group: "generic",
    since: "1.0.0",
    summary: "Returns the expiration time in seconds of a key.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    history: TTL_HISTORY,
    keySpecs: [keySpecAt(["RO", "access"], 1)],
    args: [KEY_ARG],
    handler: ttlCommand,
  },
  {
    name: "pttl",
    arity: 2,
    flags: ["readonly", "fast"],
    ...oneKey,
    group: "generic",
    since: "2.6.0",
    summary: "Returns the expiration time in milliseconds of a key.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    history: TTL_HISTORY,
    keySpecs: [keySpecAt(["RO", "access"], 1)],
    args: [KEY_ARG],
    handler: pttlCommand,
  },
  {
    name: "expiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    ...oneKey,
    group: "generic",
    since: "7.0.0",
    summary: "Returns the expiration time of a key as a Unix timestamp.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RO", "access"], 1)],
    args: [KEY_ARG],
    handler: expiretimeCommand,
  },
  {
    name: "pexpiretime",
    arity: 2,
    flags: ["readonly", "fast"],
    ...oneKey,
    group: "generic",
    since: "7.0.0",
    summary: "Returns the expiration time of a key as a Unix milliseconds timestamp.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RO", "access"], 1)],
    args: [KEY_ARG],
    handler: pexpiretimeCommand,
  },
  {
    name: "persist",
    arity: 2,
    flags: ["write", "fast"],
    ...oneKey,
    group: "generic",
    since: "2.2.0",
    summary: "Removes the expiration time of a key.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RW", "update"], 1)],
    args: [KEY_ARG],
    handler: persistCommand,
  },
];
