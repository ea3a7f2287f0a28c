/**
 * Hash commands, after Redis 7.2's t_hash.c: HSET, HSETNX, HGET, HMGET, HMSET,
 * HDEL, HLEN, HSTRLEN, HEXISTS, HKEYS, HVALS, HGETALL, HINCRBY, HINCRBYFLOAT,
 * HRANDFIELD and HSCAN.
 *
 * Also home of the `randomIndexes` sampler HRANDFIELD and SRANDMEMBER/SPOP use.
 *
 * Encodings follow hash-max-listpack-entries / hash-max-listpack-value from the
 * live config, converted one way (listpack -> hashtable) as in Redis, so OBJECT
 * ENCODING, HGETALL order of small hashes and HSCAN's "everything at once for a
 * listpack" behaviour all match.
 */

import type { Client } from "../server/client.ts";
import type { ArgBlock } from "../resp/arg_block.ts";
import { RedisHash } from "../store/hash.ts";
import { NOT_FLOAT, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { addLongDouble, formatLongDouble, parseLongDouble, ZERO_LD } from "../util/long_double.ts";
import { parseLongLong } from "../util/number.ts";
import { getLongLong, getRandomCount } from "./args.ts";
import {
  dbAdd,
  dbAddBytes,
  deleteEmptied,
  getScanCursor,
  lookupWriteId,
  modifiedAt,
  parseScanOptions,
  readValue,
  replyEmptyScan,
  writeValue,
} from "./keyspace.ts";
import {
  type ArgDoc,
  type CommandSpec,
  keySpecAt,
  type KeySpecFlag,
} from "../server/command_table.ts";

// ---------------------------------------------------------------------------
// Shared helpers (also used by the set commands)

const LLONG_MAX = 9223372036854775807n;
const LLONG_MIN = -9223372036854775808n;

const HSET_ARG = binaryToBytes("HSET");

/** Writes an array header whose length may exceed 2^53 (huge negative random counts). */
export function arrayLen(c: Client, n: bigint): void {
  if (n <= BigInt(Number.MAX_SAFE_INTEGER)) c.reply.array(Number(n));
  else c.reply.raw(binaryToBytes(`*${n}\r\n`));
}

/** A loop bound for `n` picks: past 2^53 Client.replyLimitReached ends the loop anyway. */
export function loopBound(n: bigint): number {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : Infinity;
}

/**
 * `count` distinct indexes of [0, size), in increasing order (selection
 * sampling, as lpRandomPairsUnique/lpNextRandom walk a listpack once).
 */
export function orderedSample(size: number, count: number): number[] {
  const out: number[] = [];
  let need = count;
  for (let i = 0; i < size && need > 0; i++) {
    if (Math.random() * (size - i) < need) {
      out.push(i);
      need--;
    }
  }
  return out;
}

/**
 * `count` distinct indexes of [0, size) in random order: Redis's CASE 4
 * (random picks into a dict) when count is small next to size, CASE 3 (copy
 * everything, drop random ones) otherwise.
 */
export function randomIndexes(size: number, count: number): number[] {
  if (count * 3 > size) {
    const all = new Array<number>(size);
    for (let i = 0; i < size; i++) all[i] = i;
    for (let n = size; n > count; n--) {
      const j = Math.floor(Math.random() * n);
      all[j] = all[n - 1];
    }
    all.length = count;
    return all;
  }
  const picked = new Set<number>();
  while (picked.size < count) picked.add(Math.floor(Math.random() * size));
  return [...picked];
}

// ---------------------------------------------------------------------------
// Hash helpers

/** hashTypeLookupWriteOrCreate: the hash at `key`, created when missing; null after WRONGTYPE. */
function hashLookupWriteOrCreate(c: Client, key: string): RedisHash | null {
  const v = writeValue(c, key);
  if (v === undefined) {
    const h = new RedisHash();
    dbAdd(c, c.db, key, h);
    return h;
  }
  if (!(v instanceof RedisHash)) {
    c.reply.error(WRONGTYPE);
    return null;
  }
  return v;
}

/**
 * lookupKeyReadOrReply + checkType: the hash at argv[1], or null after replying
 * `onMissing` (when the key is missing) or WRONGTYPE.
 */
function hashForRead(c: Client, onMissing: (c: Client) => void): RedisHash | null {
  const v = readValue(c, c.key(1));
  if (v === undefined) {
    onMissing(c);
    return null;
  }
  if (!(v instanceof RedisHash)) {
    c.reply.error(WRONGTYPE);
    return null;
  }
  return v;
}

/**
 * hashTypeTryConversion: argv[start..end] (field/value pairs) about to be
 * written; more pairs than hash-max-listpack-entries or any argument longer
 * than hash-max-listpack-value turns a listpack into a hashtable up front.
 */
function hashTryConversion(
  c: Client,
  h: RedisHash,
  start: number,
  end: number,
  args: ArgBlock | null = null,
): void {
  if (h.encoding() !== "listpack") return;
  const cfg = c.server.config;
  if ((end - start + 1) >>> 1 > cfg.hashMaxListpackEntries) {
    h.convertToHashtable();
    return;
  }
  if (args === null) h.tryConversion(cfg, c.argv.slice(start, end + 1));
  else {
    for (let i = start; i <= end; i++) {
      if (args.length(i) > cfg.hashMaxListpackValue) return h.convertToHashtable();
    }
  }
}

/** A hash value as RedisHash stores it: a binary string. */
function replyValue(c: Client, v: string): void {
  c.reply.bulkBinary(v);
}

const replyZero = (c: Client) => c.reply.integer(0);
const replyNull = (c: Client) => c.reply.nullBulk();
const replyEmptyArray = (c: Client) => c.reply.array(0);

// ---------------------------------------------------------------------------
// Commands

/**
 * HSET key field value [field value ...] and HMSET (which replies +OK); `args`:
 * the argument block when it runs from it (see CommandSpec.bulk).
 */
function hsetCommand(c: Client, args: ArgBlock | null = null): void {
  if (c.argc % 2 === 1) {
    return c.reply.error(`ERR wrong number of arguments for '${c.cmd!.fullName}' command`);
  }
  // The key by its bytes: no key string unless WATCH, events or blocked clients need it.
  const kb = c.argv[1];
  let id = lookupWriteId(c, kb);
  let h: RedisHash;
  if (id === -1) {
    h = new RedisHash();
    id = dbAddBytes(c, c.db, kb, h);
  } else {
    const v = c.db.valueAt(id);
    if (!(v instanceof RedisHash)) return c.reply.error(WRONGTYPE);
    h = v;
  }
  hashTryConversion(c, h, 2, c.argc - 1, args);
  const cfg = c.server.config;
  const argv = c.argv;
  let created = 0;
  if (args === null) {
    for (let i = 2; i < c.argc; i += 2) {
      if (h.setBytes(argv[i], argv[i + 1], cfg)) created++;
    }
  } else {
    // Views of the block die young: the table copies the bytes.
    for (let i = 2; i < args.count; i += 2) {
      if (h.setBytes(args.arg(i), args.arg(i + 1), cfg)) created++;
    }
  }
  if (c.cmd!.name === "hset") c.reply.integer(created);
  else c.reply.ok();
  // One change per field written (Redis counts pairs, created or not).
  modifiedAt(c, id, kb, "hash", "hset", (c.argc - 2) / 2);
}

function hsetnxCommand(c: Client): void {
  const key = c.key(1);
  const h = hashLookupWriteOrCreate(c, key);
  if (h === null) return;
  const field = c.key(2);
  if (h.has(field)) return c.reply.integer(0);
  hashTryConversion(c, h, 2, 3);
  h.set(field, c.argv[3], c.server.config);
  c.reply.integer(1);
  c.modified(key, "hash", "hset");
}

function hgetCommand(c: Client): void {
  const h = hashForRead(c, replyNull);
  if (h === null) return;
  const v = h.getBytes(c.argv[2]);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function hmgetCommand(c: Client): void {
  // A missing key is an empty hash: one null per field.
  const v = readValue(c, c.key(1));
  if (v !== undefined && !(v instanceof RedisHash)) return c.reply.error(WRONGTYPE);
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) {
    const val = v === undefined ? undefined : v.getBytes(c.argv[i]);
    if (val === undefined) c.reply.nullBulk();
    else c.reply.bulk(val);
  }
}

function hdelCommand(c: Client): void {
  const key = c.key(1);
  const v = writeValue(c, key);
  if (v === undefined) return c.reply.integer(0);
  if (!(v instanceof RedisHash)) return c.reply.error(WRONGTYPE);
  let deleted = 0;
  let keyRemoved = false;
  for (let i = 2; i < c.argc; i++) {
    if (v.deleteBytes(c.argv[i])) {
      deleted++;
      if (v.size === 0) {
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.modified(key, "hash", "hdel", deleted);
    if (keyRemoved) deleteEmptied(c, key);
  }
  c.reply.integer(deleted);
}

function hlenCommand(c: Client): void {
  const h = hashForRead(c, replyZero);
  if (h !== null) c.reply.integer(h.size);
}

function hstrlenCommand(c: Client): void {
  const h = hashForRead(c, replyZero);
  if (h !== null) c.reply.integer(h.getRaw(c.key(2))?.length ?? 0);
}

function hexistsCommand(c: Client): void {
  const h = hashForRead(c, replyZero);
  if (h !== null) c.reply.integer(h.hasBytes(c.argv[2]) ? 1 : 0);
}

const HASH_KEY = 1;
const HASH_VALUE = 2;

/** genericHgetallCommand: HKEYS, HVALS, HGETALL (a map in RESP3). */
function hgetallGeneric(c: Client, what: number): void {
  const both = what === (HASH_KEY | HASH_VALUE);
  const h = hashForRead(c, both ? (c) => c.reply.map(0) : replyEmptyArray);
  if (h === null) return;
  if (both) c.reply.map(h.size);
  else c.reply.array(h.size);
  const r = c.reply;
  h.forEachRaw((field, value) => {
    if (what & HASH_KEY) r.bulkBinary(field);
    if (what & HASH_VALUE) replyValue(c, value);
  });
}

function hincrbyCommand(c: Client): void {
  const incr = getLongLong(c, 3);
  if (incr === null) return;
  const key = c.key(1);
  const h = hashLookupWriteOrCreate(c, key);
  if (h === null) return;
  const field = c.argv[2];
  const cur = h.getBytes(field);
  let value = 0n;
  if (cur !== undefined) {
    const parsed = parseLongLong(cur);
    if (parsed === null) return c.reply.error("ERR hash value is not an integer");
    value = parsed;
  }
  if (
    (incr < 0n && value < 0n && incr < LLONG_MIN - value) ||
    (incr > 0n && value > 0n && incr > LLONG_MAX - value)
  ) {
    return c.reply.error("ERR increment or decrement would overflow");
  }
  value += incr;
  h.setBytes(field, binaryToBytes(value.toString()), c.server.config);
  c.reply.integer(value);
  c.modified(key, "hash", "hincrby");
}

/**
 * First HINCRBYFLOAT check, done before the key is even looked up (so it wins over WRONGTYPE):
 * returns the error reply for a bad increment, or null when it is a finite float.
 */
export function checkHincrByFloatIncrement(incr: Uint8Array): string | null {
  const inc = parseLongDouble(incr);
  if (inc === null) return NOT_FLOAT;
  if (inc.inf) return "ERR value is NaN or Infinity";
  return null;
}

/**
 * HINCRBYFLOAT on a hash field value (`null` when the field is missing), with its own errors:
 * the increment checks of {@link checkHincrByFloatIncrement}, then "ERR hash value is not a
 * float" for a bad current value, then the NaN/Infinity result error.
 */
export function hincrByFloat(
  current: Uint8Array | null,
  incr: Uint8Array,
): { value: Uint8Array } | { error: string } {
  const bad = checkHincrByFloatIncrement(incr);
  if (bad !== null) return { error: bad };
  const inc = parseLongDouble(incr)!;
  const cur = current === null ? ZERO_LD : parseLongDouble(current);
  if (cur === null) return { error: "ERR hash value is not a float" };
  const sum = addLongDouble(cur, inc);
  if (sum === null || sum.inf) return { error: "ERR increment would produce NaN or Infinity" };
  return { value: binaryToBytes(formatLongDouble(sum)) };
}

function hincrbyfloatCommand(c: Client): void {
  // The increment is checked before the key is looked up (its errors win over WRONGTYPE).
  const bad = checkHincrByFloatIncrement(c.argv[3]);
  if (bad !== null) return c.reply.error(bad);
  const key = c.key(1);
  const h = hashLookupWriteOrCreate(c, key);
  if (h === null) return;
  const field = c.key(2);
  const r = hincrByFloat(h.get(field) ?? null, c.argv[3]);
  if ("error" in r) return c.reply.error(r.error);
  h.set(field, r.value, c.server.config);
  c.reply.bulk(r.value);
  c.modified(key, "hash", "hincrbyfloat");
  // Replicated as HSET with the final value, so float formatting can't diverge.
  c.rewriteArgv([HSET_ARG, c.argv[1], c.argv[2], r.value]);
}

/** HRANDFIELD key [count [WITHVALUES]] */
function hrandfieldCommand(c: Client): void {
  if (c.argc >= 3) {
    const r = getRandomCount(c, "withvalues");
    if (r !== null) hrandfieldWithCount(c, r.count, r.withPairs);
    return;
  }
  const h = hashForRead(c, replyNull);
  if (h === null) return;
  c.reply.bulkBinary(h.fieldAt(h.randomSlot()));
}

function hrandfieldWithCount(c: Client, l: bigint, withValues: boolean): void {
  const h = hashForRead(c, replyEmptyArray);
  if (h === null) return;
  const size = h.size;
  const uniq = l >= 0n;
  const countBig = uniq ? l : -l;
  if (countBig === 0n) return c.reply.array(0);
  const r = c.reply;
  const resp3 = r.resp === 3;
  const emit = (i: number) => {
    if (withValues && resp3) r.array(2);
    r.bulkBinary(h.fieldAt(i));
    if (withValues) replyValue(c, h.valueRawAt(i));
  };
  // CASE 1: repeats allowed (or a single field): independent random picks.
  if (!uniq || countBig === 1n) {
    arrayLen(c, withValues && !resp3 ? countBig * 2n : countBig);
    const count = loopBound(countBig);
    for (let k = 0; k < count; k++) {
      emit(Math.floor(Math.random() * size));
      if (c.replyLimitReached()) return;
    }
    return;
  }
  // CASE 2: the whole hash, in its own order.
  if (countBig >= BigInt(size)) {
    r.array(withValues && !resp3 ? size * 2 : size);
    for (let i = 0; i < size; i++) emit(i);
    return;
  }
  const count = Number(countBig);
  r.array(withValues && !resp3 ? count * 2 : count);
  // CASE 2.5: a listpack is sampled in order; CASE 3/4 otherwise.
  const picks = h.encoding() === "listpack"
    ? orderedSample(size, count)
    : randomIndexes(size, count);
  for (const i of picks) emit(i);
}

/** HSCAN key cursor [MATCH pattern] [COUNT count] */
function hscanCommand(c: Client): void {
  const cursor = getScanCursor(c, 2);
  if (cursor === null) return;
  const h = hashForRead(c, replyEmptyScan);
  if (h === null) return;
  const opts = parseScanOptions(c, 3);
  if (opts === null) return;
  const items: [string, string][] = [];
  const pattern = opts.pattern;
  const visit = (field: string, value: string) => {
    if (pattern === null || matchGlob(pattern, field)) items.push([field, value]);
  };
  let next = 0;
  // A listpack is small: Redis replies with all of it and cursor 0.
  if (h.encoding() === "listpack") h.forEachRaw(visit);
  else next = h.scan(cursor, opts.count, visit);
  c.reply.array(2);
  c.reply.bulkBinary(String(next));
  c.reply.array(items.length * 2);
  for (const [f, v] of items) {
    c.reply.bulkBinary(f);
    replyValue(c, v);
  }
}

// ---------------------------------------------------------------------------
// Table

const KEY: ArgDoc = { name: "key", type: "key" };
const FIELD: ArgDoc = { name: "field", type: "string" };
const FIELDS: ArgDoc = { name: "field", type: "string", flags: ["multiple"] };
const DATA: ArgDoc = {
  name: "data",
  type: "block",
  flags: ["multiple"],
  args: [{ name: "field", type: "string" }, { name: "value", type: "string" }],
};
const oneKey = { firstKey: 1, lastKey: 1, step: 1, group: "hash" as const };
const RO_ACCESS: KeySpecFlag[] = ["RO", "access"];
const RW_UPDATE: KeySpecFlag[] = ["RW", "update"];
const SCAN_COMPLEXITY =
  "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.";

/** Rows of the hash group. */
export const hashCommands: CommandSpec[] = [
  {
    ...oneKey,
    name: "hset",
    history: [["4.0.0", "Accepts multiple `field` and `value` arguments."]],
    keySpecs: [keySpecAt(RW_UPDATE)],
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Creates or modifies the value of a field in a hash.",
    complexity:
      "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.",
    args: [KEY, DATA],
    handler: hsetCommand,
    bulk: hsetCommand,
  },
  {
    ...oneKey,
    name: "hsetnx",
    keySpecs: [keySpecAt(["RW", "insert"])],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Sets the value of a field in a hash only when the field doesn't exist.",
    complexity: "O(1)",
    args: [KEY, FIELD, { name: "value", type: "string" }],
    handler: hsetnxCommand,
  },
  {
    ...oneKey,
    name: "hget",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: 3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Returns the value of a field in a hash.",
    complexity: "O(1)",
    args: [KEY, FIELD],
    handler: hgetCommand,
  },
  {
    ...oneKey,
    name: "hmget",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Returns the values of all fields in a hash.",
    complexity: "O(N) where N is the number of fields being requested.",
    args: [KEY, FIELDS],
    handler: hmgetCommand,
  },
  {
    ...oneKey,
    name: "hmset",
    docFlags: ["deprecated"],
    deprecatedSince: "4.0.0",
    replacedBy: "`HSET` with multiple field-value pairs",
    keySpecs: [keySpecAt(RW_UPDATE)],
    arity: -4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary: "Sets the values of multiple fields.",
    complexity: "O(N) where N is the number of fields being set.",
    args: [KEY, DATA],
    handler: hsetCommand,
    bulk: hsetCommand,
  },
  {
    ...oneKey,
    name: "hdel",
    history: [["2.4.0", "Accepts multiple `field` arguments."]],
    keySpecs: [keySpecAt(["RW", "delete"])],
    arity: -3,
    flags: ["write", "fast"],
    since: "2.0.0",
    summary:
      "Deletes one or more fields and their values from a hash. Deletes the hash if no fields remain.",
    complexity: "O(N) where N is the number of fields to be removed.",
    args: [KEY, FIELDS],
    handler: hdelCommand,
  },
  {
    ...oneKey,
    name: "hlen",
    keySpecs: [keySpecAt(["RO"])],
    arity: 2,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Returns the number of fields in a hash.",
    complexity: "O(1)",
    args: [KEY],
    handler: hlenCommand,
  },
  {
    ...oneKey,
    name: "hstrlen",
    keySpecs: [keySpecAt(["RO"])],
    arity: 3,
    flags: ["readonly", "fast"],
    since: "3.2.0",
    summary: "Returns the length of the value of a field.",
    complexity: "O(1)",
    args: [KEY, FIELD],
    handler: hstrlenCommand,
  },
  {
    ...oneKey,
    name: "hexists",
    keySpecs: [keySpecAt(["RO"])],
    arity: 3,
    flags: ["readonly", "fast"],
    since: "2.0.0",
    summary: "Determines whether a field exists in a hash.",
    complexity: "O(1)",
    args: [KEY, FIELD],
    handler: hexistsCommand,
  },
  {
    ...oneKey,
    name: "hkeys",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: 2,
    flags: ["readonly"],
    since: "2.0.0",
    summary: "Returns all fields in a hash.",
    complexity: "O(N) where N is the size of the hash.",
    tips: ["nondeterministic_output_order"],
    args: [KEY],
    handler: (c) => hgetallGeneric(c, HASH_KEY),
  },
  {
    ...oneKey,
    name: "hvals",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: 2,
    flags: ["readonly"],
    since: "2.0.0",
    summary: "Returns all values in a hash.",
    complexity: "O(N) where N is the size of the hash.",
    tips: ["nondeterministic_output_order"],
    args: [KEY],
    handler: (c) => hgetallGeneric(c, HASH_VALUE),
  },
  {
    ...oneKey,
    name: "hgetall",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: 2,
    flags: ["readonly"],
    since: "2.0.0",
    summary: "Returns all fields and values in a hash.",
    complexity: "O(N) where N is the size of the hash.",
    tips: ["nondeterministic_output_order"],
    args: [KEY],
    handler: (c) => hgetallGeneric(c, HASH_KEY | HASH_VALUE),
  },
  {
    ...oneKey,
    name: "hincrby",
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.0.0",
    summary:
      "Increments the integer value of a field in a hash by a number. Uses 0 as initial value if the field doesn't exist.",
    complexity: "O(1)",
    args: [KEY, FIELD, { name: "increment", type: "integer" }],
    handler: hincrbyCommand,
  },
  {
    ...oneKey,
    name: "hincrbyfloat",
    keySpecs: [keySpecAt(["RW", "access", "update"])],
    arity: 4,
    flags: ["write", "denyoom", "fast"],
    since: "2.6.0",
    summary:
      "Increments the floating point value of a field by a number. Uses 0 as initial value if the field doesn't exist.",
    complexity: "O(1)",
    args: [KEY, FIELD, { name: "increment", type: "double" }],
    handler: hincrbyfloatCommand,
  },
  {
    ...oneKey,
    name: "hrandfield",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -2,
    flags: ["readonly"],
    since: "6.2.0",
    summary: "Returns one or more random fields from a hash.",
    complexity: "O(N) where N is the number of fields returned",
    tips: ["nondeterministic_output"],
    args: [KEY, {
      name: "options",
      type: "block",
      flags: ["optional"],
      args: [
        { name: "count", type: "integer" },
        { name: "withvalues", type: "pure-token", token: "WITHVALUES", flags: ["optional"] },
      ],
    }],
    handler: hrandfieldCommand,
  },
  {
    ...oneKey,
    name: "hscan",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -3,
    flags: ["readonly"],
    since: "2.8.0",
    summary: "Iterates over fields and values of a hash.",
    complexity: SCAN_COMPLEXITY,
    tips: ["nondeterministic_output"],
    args: [
      KEY,
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", flags: ["optional"] },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    handler: hscanCommand,
  },
];
