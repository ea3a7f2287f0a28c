/**
 * Set commands, after Redis 7.2's t_set.c: SADD, SREM, SMEMBERS, SISMEMBER,
 * SMISMEMBER, SCARD, SPOP, SRANDMEMBER, SMOVE, SINTER, SINTERCARD, SUNION,
 * SDIFF, SINTERSTORE, SUNIONSTORE, SDIFFSTORE and SSCAN.
 *
 * Result sets are built the way Redis builds them (SUNION/SDIFF start from an
 * intset and convert as members arrive; SINTERSTORE starts from the smallest
 * input's encoding and may end as an intset), so stored encodings and the
 * order of small results match. SPOP is replicated as SREM of the popped
 * members (batches of 1024, wrapped in MULTI/EXEC when more than one) or as
 * DEL/UNLINK when it empties the set.
 */

import type { Client } from "../server/client.ts";
import type { ArgBlock } from "../resp/arg_block.ts";
import { RedisSet } from "../store/set.ts";
import { WRONGTYPE } from "../store/types.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { isInt64String } from "../util/number.ts";
import { arrayLen, loopBound, orderedSample, randomIndexes } from "./hash.ts";
import { getPositiveLongBig, getRangeLongBig, LONG_MAX } from "./args.ts";
import {
  dbAdd,
  dbAddBytes,
  deleteEmptied,
  deleteEmptiedAt,
  deleteStoreKey,
  getScanCursor,
  lookupWriteId,
  modifiedAt,
  parseScanOptions,
  readValue,
  replyEmptyScan,
  setKey,
  writeValue,
} from "./keyspace.ts";
import {
  type ArgDoc,
  type CommandSpec,
  keyNumKeys,
  keySpecAt,
  type KeySpecFlag,
  keySpecNumKeys,
} from "../server/command_table.ts";

/** SPOP_MOVE_STRATEGY_MUL: past this ratio SPOP keeps the survivors instead. */
const SPOP_MOVE_STRATEGY_MUL = 5;
/** Members per propagated SREM when SPOP pops many. */
const SPOP_BATCH = 1024;

const SREM_ARG = binaryToBytes("SREM");
const DEL_ARG = binaryToBytes("DEL");
const UNLINK_ARG = binaryToBytes("UNLINK");

// ---------------------------------------------------------------------------
// Helpers

/** The set at `key` for reading; `onMissing` replies for a missing key. Null when done. */
function setForRead(c: Client, key: string, onMissing: (c: Client) => void): RedisSet | null {
  const v = readValue(c, key);
  if (v === undefined) {
    onMissing(c);
    return null;
  }
  if (!(v instanceof RedisSet)) {
    c.reply.error(WRONGTYPE);
    return null;
  }
  return v;
}

/**
 * alsoPropagate + preventCommandPropagation: replicates `argvs` instead of the
 * command; several go out as one MULTI/EXEC with the rest of the execution unit.
 */
function propagateInstead(c: Client, argvs: Uint8Array[][]): void {
  c.preventPropagation();
  for (const argv of argvs) c.alsoPropagate(argv);
}

/** SREM commands for popped members, SPOP_BATCH members each. */
function sremBatches(keyArg: Uint8Array, members: string[]): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i < members.length; i += SPOP_BATCH) {
    const argv = [SREM_ARG, keyArg];
    const end = Math.min(members.length, i + SPOP_BATCH);
    for (let j = i; j < end; j++) argv.push(binaryToBytes(members[j]));
    out.push(argv);
  }
  return out;
}

const replyZero = (c: Client) => c.reply.integer(0);
const replyNull = (c: Client) => c.reply.nullBulk();
const replyEmptyArray = (c: Client) => c.reply.array(0);

// ---------------------------------------------------------------------------
// Single-set commands

/** SADD; `args`: its argument block when it runs from it (see CommandSpec.bulk). */
function saddCommand(c: Client, args: ArgBlock | null = null): void {
  // The key by its bytes: no key string unless WATCH, events or blocked clients need it.
  const kb = c.argv[1];
  let id = lookupWriteId(c, kb);
  const v = id === -1 ? undefined : c.db.valueAt(id);
  if (v !== undefined && !(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
  const cfg = c.server.config;
  let set: RedisSet;
  if (v === undefined) {
    set = RedisSet.create(c.key(2), c.argc - 2, cfg);
    id = dbAddBytes(c, c.db, kb, set);
  } else {
    set = v;
    set.maybeConvert(c.argc - 2, cfg);
  }
  let added = 0;
  if (args === null) {
    const argv = c.argv;
    for (let j = 2; j < c.argc; j++) if (set.addBytes(argv[j], cfg)) added++;
  } else {
    // Views of the block die young: the table copies the bytes.
    for (let j = 2; j < args.count; j++) if (set.addBytes(args.arg(j), cfg)) added++;
  }
  if (added > 0) modifiedAt(c, id, kb, "set", "sadd", added);
  c.reply.integer(added);
}

function sremCommand(c: Client): void {
  const key = c.key(1);
  const v = writeValue(c, key);
  if (v === undefined) return c.reply.integer(0);
  if (!(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
  let deleted = 0;
  let keyRemoved = false;
  for (let j = 2; j < c.argc; j++) {
    if (v.removeBytes(c.argv[j])) {
      deleted++;
      if (v.size === 0) {
        keyRemoved = true;
        break;
      }
    }
  }
  if (deleted > 0) {
    c.modified(key, "set", "srem", deleted);
    if (keyRemoved) deleteEmptied(c, key);
  }
  c.reply.integer(deleted);
}

function smoveCommand(c: Client): void {
  const srcKey = c.key(1);
  const dstKey = c.key(2);
  const src = writeValue(c, srcKey);
  const dst = writeValue(c, dstKey);
  const member = c.key(3);
  if (src === undefined) return c.reply.integer(0);
  if (!(src instanceof RedisSet) || (dst !== undefined && !(dst instanceof RedisSet))) {
    return c.reply.error(WRONGTYPE);
  }
  // Same key: a no-op that still answers whether the member is there.
  if (src === dst) return c.reply.integer(src.has(member) ? 1 : 0);
  if (!src.remove(member)) return c.reply.integer(0);
  c.modified(srcKey, "set", "srem");
  if (src.size === 0) deleteEmptied(c, srcKey);
  const cfg = c.server.config;
  let target = dst;
  if (target === undefined) {
    target = RedisSet.create(member, 1, cfg);
    dbAdd(c, c.db, dstKey, target);
  }
  if (target.add(member, cfg)) c.modified(dstKey, "set", "sadd");
  c.reply.integer(1);
}

function sismemberCommand(c: Client): void {
  const s = setForRead(c, c.key(1), replyZero);
  if (s !== null) c.reply.integer(s.hasBytes(c.argv[2]) ? 1 : 0);
}

function smismemberCommand(c: Client): void {
  // A missing key is an empty set: all zeros.
  const v = readValue(c, c.key(1));
  if (v !== undefined && !(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
  c.reply.array(c.argc - 2);
  for (let j = 2; j < c.argc; j++) {
    c.reply.integer(v !== undefined && v.hasBytes(c.argv[j]) ? 1 : 0);
  }
}

function scardCommand(c: Client): void {
  const s = setForRead(c, c.key(1), replyZero);
  if (s !== null) c.reply.integer(s.size);
}

// ---------------------------------------------------------------------------
// SPOP / SRANDMEMBER

function spopCommand(c: Client): void {
  if (c.argc === 3) return spopWithCount(c);
  if (c.argc > 3) return c.reply.error("ERR syntax error");
  const kb = c.argv[1];
  const id = lookupWriteId(c, kb);
  if (id === -1) return c.reply.nullBulk();
  const v = c.db.valueAt(id);
  if (!(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
  const member = v.pop()!;
  modifiedAt(c, id, kb, "set", "spop");
  c.rewriteArgv([SREM_ARG, kb, binaryToBytes(member)]);
  c.reply.bulkBinary(member);
  if (v.size === 0) deleteEmptiedAt(c, id, kb);
}

function spopWithCount(c: Client): void {
  const l = getPositiveLongBig(c, 2);
  if (l === null) return;
  const key = c.key(1);
  const v = writeValue(c, key);
  if (v === undefined) return c.reply.set(0);
  if (!(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
  if (l === 0n) return c.reply.set(0);
  const size = v.size;
  const server = c.server;
  c.modified(key, "set", "spop", l >= BigInt(size) ? size : Number(l));

  // CASE 1: everything goes; the reply is SUNION of the key, the key is deleted.
  if (l >= BigInt(size)) {
    sunionDiffGeneric(c, [key], null, "union");
    deleteEmptied(c, key);
    c.rewriteArgv([server.config.lazyfreeLazyServerDel ? UNLINK_ARG : DEL_ARG, c.argv[1]]);
    return;
  }

  const count = Number(l);
  const remaining = size - count;
  const popped: string[] = [];
  const cfg = server.config;
  if (remaining * SPOP_MOVE_STRATEGY_MUL > count) {
    // CASE 2: pop random members. A listpack is walked once, in order.
    if (v.encoding() === "listpack") {
      for (const i of orderedSample(size, count)) popped.push(v.memberAt(i));
      for (const m of popped) v.remove(m);
    } else {
      for (let k = 0; k < count; k++) popped.push(v.pop()!);
    }
  } else {
    // CASE 3: move the few survivors to a new set and reply what is left.
    let survivors: RedisSet | null = null;
    if (v.encoding() === "listpack") {
      survivors = new RedisSet("listpack");
      const keep = orderedSample(size, remaining).map((i) => v.memberAt(i));
      for (const m of keep) {
        survivors.add(m, cfg);
        v.remove(m);
      }
    } else {
      for (let k = 0; k < remaining; k++) {
        const m = v.randomMember()!;
        if (survivors === null) {
          survivors = new RedisSet(v.encoding() === "intset" ? "intset" : "listpack");
        }
        survivors.add(m, cfg);
        v.remove(m);
      }
    }
    v.forEach((m) => popped.push(m));
    c.db.set(key, survivors!, true);
  }
  c.reply.set(count);
  for (const m of popped) c.reply.bulkBinary(m);
  propagateInstead(c, sremBatches(c.argv[1], popped));
}

function srandmemberCommand(c: Client): void {
  if (c.argc === 3) return srandmemberWithCount(c);
  if (c.argc > 3) return c.reply.error("ERR syntax error");
  const s = setForRead(c, c.key(1), replyNull);
  if (s !== null) c.reply.bulkBinary(s.randomMember()!);
}

function srandmemberWithCount(c: Client): void {
  const l = getRangeLongBig(c, 2, -LONG_MAX, LONG_MAX);
  if (l === null) return;
  const uniq = l >= 0n;
  const count = uniq ? l : -l;
  const s = setForRead(c, c.key(1), replyEmptyArray);
  if (s === null) return;
  if (count === 0n) return c.reply.array(0);
  const size = s.size;
  const r = c.reply;
  // CASE 1: repeats allowed (or one member): independent random picks.
  if (!uniq || count === 1n) {
    arrayLen(c, count);
    const n = loopBound(count);
    for (let k = 0; k < n; k++) {
      r.bulkBinary(s.memberAt(Math.floor(Math.random() * size)));
      if (c.replyLimitReached()) return;
    }
    return;
  }
  // CASE 2: the whole set, in its own order.
  if (count >= BigInt(size)) {
    r.array(size);
    s.forEach((m) => r.bulkBinary(m));
    return;
  }
  const n = Number(count);
  r.array(n);
  // CASE 2.5: a listpack is sampled in order; CASE 3/4 otherwise.
  const picks = s.encoding() === "listpack" ? orderedSample(size, n) : randomIndexes(size, n);
  for (const i of picks) r.bulkBinary(s.memberAt(i));
}

// ---------------------------------------------------------------------------
// Multi-set operations

/**
 * sinterGenericCommand: SINTER/SMEMBERS (reply), SINTERSTORE (`dst`),
 * SINTERCARD (`cardOnly`, stopping at `limit` when non-zero).
 */
function sinterGeneric(
  c: Client,
  keys: string[],
  dst: string | null,
  cardOnly = false,
  limit = 0,
): void {
  const sets: RedisSet[] = [];
  let empty = false;
  for (const key of keys) {
    const v = readValue(c, key);
    if (v === undefined) {
      empty = true;
      continue;
    }
    if (!(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
    sets.push(v);
  }
  // Intersection with an empty set is empty.
  if (empty) {
    if (dst !== null) {
      deleteStoreKey(c, dst);
      c.reply.integer(0);
    } else if (cardOnly) {
      c.reply.integer(0);
    } else {
      c.reply.set(0);
    }
    return;
  }
  // Smallest first: fewer candidates to test (stable, like glibc's merge sort).
  sets.sort((a, b) => a.size - b.size);
  const first = sets[0];
  const cfg = c.server.config;
  let out: RedisSet | null = null;
  if (dst !== null) out = new RedisSet(first.encoding() === "intset" ? "intset" : "listpack");
  const found: string[] = [];
  let cardinality = 0;
  let onlyIntegers = true;
  // Iterate with a stop flag: forEach can't break, and SINTERCARD LIMIT must stop early.
  const members = first.toArray();
  for (let m = 0; m < members.length; m++) {
    const member = members[m];
    let inAll = true;
    for (let j = 1; j < sets.length; j++) {
      if (sets[j] === first) continue;
      if (!sets[j].has(member)) {
        inAll = false;
        break;
      }
    }
    if (!inAll) continue;
    if (cardOnly) {
      cardinality++;
      if (limit !== 0 && cardinality >= limit) break;
    } else if (out === null) {
      found.push(member);
    } else {
      if (onlyIntegers && !isInt64String(member)) onlyIntegers = false;
      out.add(member, cfg);
    }
  }
  if (cardOnly) return c.reply.integer(cardinality);
  if (out === null) {
    c.reply.set(found.length);
    for (const m of found) c.reply.bulkBinary(m);
    return;
  }
  if (out.size > 0) {
    if (onlyIntegers) out.maybeConvertToIntset(cfg);
    setKey(c, dst!, out);
    c.reply.integer(out.size);
    c.modified(dst!, "set", "sinterstore");
  } else {
    c.reply.integer(0);
    deleteStoreKey(c, dst!);
  }
}

/** sunionDiffGenericCommand: SUNION/SDIFF (reply) and their STORE forms (`dst`). */
function sunionDiffGeneric(
  c: Client,
  keys: string[],
  dst: string | null,
  op: "union" | "diff",
): void {
  const sets: (RedisSet | null)[] = [];
  let sameSet = false;
  for (let j = 0; j < keys.length; j++) {
    const v = readValue(c, keys[j]);
    if (v === undefined) {
      sets.push(null);
      continue;
    }
    if (!(v instanceof RedisSet)) return c.reply.error(WRONGTYPE);
    sets.push(v);
    if (j > 0 && sets[0] === v) sameSet = true;
  }
  const first = sets[0];
  // Pick the DIFF algorithm as Redis does: it decides how the result set grows
  // (and so its final encoding).
  let algo = 1;
  if (op === "diff" && first !== null && !sameSet) {
    let one = 0;
    let two = 0;
    for (const s of sets) {
      if (s === null) continue;
      one += first.size;
      two += s.size;
    }
    algo = Math.floor(one / 2) <= two ? 1 : 2;
  }
  const cfg = c.server.config;
  const out = new RedisSet("intset");
  if (op === "union") {
    for (const s of sets) s?.forEach((m) => out.add(m, cfg));
  } else if (first !== null && !sameSet) {
    if (algo === 1) {
      first.forEach((m) => {
        for (let j = 1; j < sets.length; j++) {
          const s = sets[j];
          if (s !== null && s.has(m)) return;
        }
        out.add(m, cfg);
      });
    } else {
      first.forEach((m) => out.add(m, cfg));
      for (let j = 1; j < sets.length && out.size > 0; j++) {
        sets[j]?.forEach((m) => out.remove(m));
      }
    }
  }
  if (dst === null) {
    c.reply.set(out.size);
    out.forEach((m) => c.reply.bulkBinary(m));
    return;
  }
  if (out.size > 0) {
    setKey(c, dst, out);
    c.reply.integer(out.size);
    c.modified(dst, "set", op === "union" ? "sunionstore" : "sdiffstore");
  } else {
    c.reply.integer(0);
    deleteStoreKey(c, dst);
  }
}

function keysFrom(c: Client, start: number, end = c.argc): string[] {
  const out: string[] = [];
  for (let i = start; i < end; i++) out.push(c.key(i));
  return out;
}

/** SINTERCARD numkeys key [key ...] [LIMIT limit] */
function sintercardCommand(c: Client): void {
  const numkeys = getRangeLongBig(c, 1, 1n, LONG_MAX, "numkeys should be greater than 0");
  if (numkeys === null) return;
  if (numkeys > BigInt(c.argc - 2)) {
    return c.reply.error("ERR Number of keys can't be greater than number of args");
  }
  const n = Number(numkeys);
  let limit = 0n;
  for (let j = 2 + n; j < c.argc; j++) {
    const moreArgs = c.argc - 1 - j;
    if (c.lower(j) === "limit" && moreArgs > 0) {
      j++;
      const v = getPositiveLongBig(c, j, "LIMIT can't be negative");
      if (v === null) return;
      limit = v;
    } else {
      return c.reply.error("ERR syntax error");
    }
  }
  const lim = limit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(limit);
  sinterGeneric(c, keysFrom(c, 2, 2 + n), null, true, lim);
}

/** SSCAN key cursor [MATCH pattern] [COUNT count] */
function sscanCommand(c: Client): void {
  const cursor = getScanCursor(c, 2);
  if (cursor === null) return;
  const s = setForRead(c, c.key(1), replyEmptyScan);
  if (s === null) return;
  const opts = parseScanOptions(c, 3);
  if (opts === null) return;
  const pattern = opts.pattern;
  const items: string[] = [];
  const visit = (m: string) => {
    if (pattern === null || matchGlob(pattern, m)) items.push(m);
  };
  let next = 0;
  // Intsets and listpacks are small: Redis replies with all of it and cursor 0.
  if (s.encoding() !== "hashtable") s.forEach(visit);
  else next = s.scan(cursor, opts.count, visit);
  c.reply.array(2);
  c.reply.bulkBinary(String(next));
  c.reply.array(items.length);
  for (const m of items) c.reply.bulkBinary(m);
}

// ---------------------------------------------------------------------------
// Table

const KEY: ArgDoc = { name: "key", type: "key" };
const KEYS: ArgDoc = { name: "key", type: "key", flags: ["multiple"] };
const DEST: ArgDoc = { name: "destination", type: "key" };
const MEMBER: ArgDoc = { name: "member", type: "string" };
const MEMBERS: ArgDoc = { name: "member", type: "string", flags: ["multiple"] };
const countOpt = (since: string): ArgDoc => ({
  name: "count",
  type: "integer",
  since,
  flags: ["optional"],
});
const oneKey = { firstKey: 1, lastKey: 1, step: 1, group: "set" as const };
const allKeys = { firstKey: 1, lastKey: -1, step: 1, group: "set" as const };
const storeKeys = { firstKey: 1, lastKey: -1, step: 1, group: "set" as const };
const RO_ACCESS: KeySpecFlag[] = ["RO", "access"];
const STORE_SPECS = [keySpecAt(["OW", "update"]), keySpecAt(RO_ACCESS, 2, -1)];
const INTER_COMPLEXITY =
  "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.";
const UNION_COMPLEXITY = "O(N) where N is the total number of elements in all given sets.";

/** Rows of the set group. */
export const setCommands: CommandSpec[] = [
  {
    ...oneKey,
    name: "sadd",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    keySpecs: [keySpecAt(["RW", "insert"])],
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    since: "1.0.0",
    summary: "Adds one or more members to a set. Creates the key if it doesn't exist.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    args: [KEY, MEMBERS],
    handler: saddCommand,
    bulk: saddCommand,
  },
  {
    ...oneKey,
    name: "srem",
    history: [["2.4.0", "Accepts multiple `member` arguments."]],
    keySpecs: [keySpecAt(["RW", "delete"])],
    arity: -3,
    flags: ["write", "fast"],
    since: "1.0.0",
    summary:
      "Removes one or more members from a set. Deletes the set if the last member was removed.",
    complexity: "O(N) where N is the number of members to be removed.",
    args: [KEY, MEMBERS],
    handler: sremCommand,
  },
  {
    ...oneKey,
    name: "smembers",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: 2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Returns all members of a set.",
    complexity: "O(N) where N is the set cardinality.",
    tips: ["nondeterministic_output_order"],
    args: [KEY],
    handler: (c) => sinterGeneric(c, [c.key(1)], null),
  },
  {
    ...oneKey,
    name: "sismember",
    keySpecs: [keySpecAt(["RO"])],
    arity: 3,
    flags: ["readonly", "fast"],
    since: "1.0.0",
    summary: "Determines whether a member belongs to a set.",
    complexity: "O(1)",
    args: [KEY, MEMBER],
    handler: sismemberCommand,
  },
  {
    ...oneKey,
    name: "smismember",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -3,
    flags: ["readonly", "fast"],
    since: "6.2.0",
    summary: "Determines whether multiple members belong to a set.",
    complexity: "O(N) where N is the number of elements being checked for membership",
    args: [KEY, MEMBERS],
    handler: smismemberCommand,
  },
  {
    ...oneKey,
    name: "scard",
    keySpecs: [keySpecAt(["RO"])],
    arity: 2,
    flags: ["readonly", "fast"],
    since: "1.0.0",
    summary: "Returns the number of members in a set.",
    complexity: "O(1)",
    args: [KEY],
    handler: scardCommand,
  },
  {
    ...oneKey,
    name: "spop",
    history: [["3.2.0", "Added the `count` argument."]],
    keySpecs: [keySpecAt(["RW", "access", "delete"])],
    arity: -2,
    flags: ["write", "fast"],
    since: "1.0.0",
    summary:
      "Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.",
    tips: ["nondeterministic_output"],
    args: [KEY, countOpt("3.2.0")],
    handler: spopCommand,
  },
  {
    ...oneKey,
    name: "srandmember",
    history: [["2.6.0", "Added the optional `count` argument."]],
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Get one or multiple random members from a set",
    complexity:
      "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.",
    tips: ["nondeterministic_output"],
    args: [KEY, countOpt("2.6.0")],
    handler: srandmemberCommand,
  },
  {
    name: "smove",
    keySpecs: [keySpecAt(["RW", "access", "delete"]), keySpecAt(["RW", "insert"], 2)],
    arity: 4,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "set",
    since: "1.0.0",
    summary: "Moves a member from one set to another.",
    complexity: "O(1)",
    args: [{ name: "source", type: "key" }, DEST, MEMBER],
    handler: smoveCommand,
  },
  {
    ...allKeys,
    name: "sinter",
    keySpecs: [keySpecAt(RO_ACCESS, 1, -1)],
    arity: -2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Returns the intersect of multiple sets.",
    complexity: INTER_COMPLEXITY,
    tips: ["nondeterministic_output_order"],
    args: [KEYS],
    handler: (c) => sinterGeneric(c, keysFrom(c, 1), null),
  },
  {
    name: "sintercard",
    keySpecs: [keySpecNumKeys(RO_ACCESS)],
    arity: -3,
    flags: ["readonly", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "set",
    since: "7.0.0",
    summary: "Returns the number of members of the intersect of multiple sets.",
    complexity: INTER_COMPLEXITY,
    args: [
      { name: "numkeys", type: "integer" },
      KEYS,
      { name: "limit", type: "integer", token: "LIMIT", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: sintercardCommand,
  },
  {
    ...allKeys,
    name: "sunion",
    keySpecs: [keySpecAt(RO_ACCESS, 1, -1)],
    arity: -2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Returns the union of multiple sets.",
    complexity: UNION_COMPLEXITY,
    tips: ["nondeterministic_output_order"],
    args: [KEYS],
    handler: (c) => sunionDiffGeneric(c, keysFrom(c, 1), null, "union"),
  },
  {
    ...allKeys,
    name: "sdiff",
    keySpecs: [keySpecAt(RO_ACCESS, 1, -1)],
    arity: -2,
    flags: ["readonly"],
    since: "1.0.0",
    summary: "Returns the difference of multiple sets.",
    complexity: UNION_COMPLEXITY,
    tips: ["nondeterministic_output_order"],
    args: [KEYS],
    handler: (c) => sunionDiffGeneric(c, keysFrom(c, 1), null, "diff"),
  },
  {
    ...storeKeys,
    name: "sinterstore",
    keySpecs: STORE_SPECS,
    arity: -3,
    flags: ["write", "denyoom"],
    since: "1.0.0",
    summary: "Stores the intersect of multiple sets in a key.",
    complexity: INTER_COMPLEXITY,
    args: [DEST, KEYS],
    handler: (c) => sinterGeneric(c, keysFrom(c, 2), c.key(1)),
  },
  {
    ...storeKeys,
    name: "sunionstore",
    keySpecs: STORE_SPECS,
    arity: -3,
    flags: ["write", "denyoom"],
    since: "1.0.0",
    summary: "Stores the union of multiple sets in a key.",
    complexity: UNION_COMPLEXITY,
    args: [DEST, KEYS],
    handler: (c) => sunionDiffGeneric(c, keysFrom(c, 2), c.key(1), "union"),
  },
  {
    ...storeKeys,
    name: "sdiffstore",
    keySpecs: STORE_SPECS,
    arity: -3,
    flags: ["write", "denyoom"],
    since: "1.0.0",
    summary: "Stores the difference of multiple sets in a key.",
    complexity: UNION_COMPLEXITY,
    args: [DEST, KEYS],
    handler: (c) => sunionDiffGeneric(c, keysFrom(c, 2), c.key(1), "diff"),
  },
  {
    ...oneKey,
    name: "sscan",
    keySpecs: [keySpecAt(RO_ACCESS)],
    arity: -3,
    flags: ["readonly"],
    since: "2.8.0",
    summary: "Iterates over members of a set.",
    complexity:
      "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection.",
    tips: ["nondeterministic_output"],
    args: [
      KEY,
      { name: "cursor", type: "integer" },
      { name: "pattern", type: "pattern", token: "MATCH", flags: ["optional"] },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    handler: sscanCommand,
  },
];
