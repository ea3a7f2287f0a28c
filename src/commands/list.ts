/**
 * List commands (Redis's t_list.c): pushes and pops at both ends, index and
 * range access, LINSERT/LREM/LTRIM/LPOS, moves between lists, multi-key pops,
 * and the blocking forms BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP.
 *
 * Blocking forms behave like Redis 7.2: when data is there they act like the
 * plain command and propagate as it (BLPOP -> LPOP key, BLMOVE -> LMOVE,
 * BLMPOP -> LPOP/RPOP key count); otherwise the client blocks and the whole
 * command is re-run when a key it waits on is written; where blocking is not
 * allowed (MULTI/EXEC, scripts) they reply as on timeout.
 */

import type { Client } from "../server/client.ts";
import type { ArgBlock } from "../resp/arg_block.ts";
import { parseTimeout } from "../server/blocking.ts";
import { RedisList } from "../store/list.ts";
import type { RedisValue } from "../store/types.ts";
import { NO_SUCH_KEY, OUT_OF_RANGE, SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes, bytesEqual } from "../util/bytes.ts";
import {
  getLong,
  getLongLong,
  getMpopArgs,
  getPositiveLong,
  getRangeLong,
  LONG_MAX,
} from "./args.ts";
import {
  dbAdd,
  dbAddBytes,
  deleteEmptied,
  deleteEmptiedAt,
  lookupWriteId,
  modifiedAt,
  readValue,
  writeValue,
} from "./keyspace.ts";
import {
  type CommandSpec,
  keyNumKeys,
  keySpecAt,
  keySpecNumKeys,
} from "../server/command_table.ts";

/** Where to push or pop: LIST_HEAD / LIST_TAIL. */
type Where = "head" | "tail";

const LPOP = binaryToBytes("LPOP");
const RPOP = binaryToBytes("RPOP");
const LMOVE = binaryToBytes("LMOVE");
const RPOPLPUSH = binaryToBytes("RPOPLPUSH");

// ---------------------------------------------------------------------------
// Argument parsing (integers: args.ts).

/** LEFT / RIGHT (getListPositionFromObjectOrReply). */
function getPosition(c: Client, i: number): Where | null {
  const s = c.lower(i);
  if (s === "right") return "tail";
  if (s === "left") return "head";
  c.reply.error(SYNTAX_ERR);
  return null;
}

// ---------------------------------------------------------------------------
// Keyspace access (readValue/writeValue: keyspace.ts).

/** The list at `v`, undefined when missing, or null after replying WRONGTYPE. */
function asList(c: Client, v: RedisValue | undefined): RedisList | undefined | null {
  if (v === undefined) return undefined;
  if (v instanceof RedisList) return v;
  c.reply.error(WRONGTYPE);
  return null;
}

/** Creates an empty list at `key` (dbAdd fires "new"). */
function createList(c: Client, key: string): RedisList {
  const list = new RedisList();
  dbAdd(c, c.db, key, list);
  return list;
}

/** list-max-listpack-size, which decides listpack/quicklist conversions. */
function fill(c: Client): number {
  return c.server.config.listMaxListpackSize;
}

/** A list write: the key's event and `count` changes (see Client.modified). */
function touched(c: Client, key: string, event: string, count: number): void {
  c.modified(key, "list", event, count);
}

/**
 * listElementsRemoved: fires lpop/rpop and counts `count` changes, then deletes
 * the key when it emptied (else tries the shrinking conversion).
 */
function elementsRemoved(c: Client, key: string, where: Where, list: RedisList, count: number) {
  touched(c, key, where === "head" ? "lpop" : "rpop", count);
  if (list.length === 0) deleteEmptied(c, key);
  else list.afterShrink(fill(c));
}

/** {@link elementsRemoved} of live key `id` named by its bytes `kb` (no key string). */
function elementsRemovedAt(
  c: Client,
  id: number,
  kb: Uint8Array,
  where: Where,
  list: RedisList,
  count: number,
) {
  modifiedAt(c, id, kb, "list", where === "head" ? "lpop" : "rpop", count);
  if (list.length === 0) deleteEmptiedAt(c, id, kb);
  else list.afterShrink(fill(c));
}

/** Replies `n` elements from the head (head) or from the tail backwards (tail). */
function replyEnds(c: Client, list: RedisList, where: Where, n: number): void {
  c.reply.array(n);
  const from = where === "head" ? 0 : list.length - 1;
  list.forEachRawFrom(from, n, where === "tail", (b, o, l) => c.reply.bulkFrom(b, o, l));
}

/** Pops up to `count` elements from one end, replying them as an array; returns how many. */
function popRange(c: Client, list: RedisList, where: Where, count: number): number {
  const n = Math.min(count, list.length);
  replyEnds(c, list, where, n);
  list.deleteRange(where === "head" ? 0 : -n, n);
  return n;
}

/** {@link popRange}, then {@link elementsRemoved}. */
function popRangeReply(c: Client, key: string, list: RedisList, where: Where, count: number) {
  elementsRemoved(c, key, where, list, popRange(c, list, where, count));
}

// ---------------------------------------------------------------------------
// Pushes.

/**
 * LPUSH/RPUSH/LPUSHX/RPUSHX; `args`: the command's argument block, when it
 * runs from it (the key is in the argv head either way).
 */
function pushGeneric(c: Client, where: Where, xx: boolean, args: ArgBlock | null = null): void {
  // The key by its bytes: no key string unless WATCH, events or blocked clients need it.
  const kb = c.argv[1];
  let id = lookupWriteId(c, kb);
  let list: RedisList;
  if (id === -1) {
    if (xx) return c.reply.integer(0);
    list = new RedisList();
    id = dbAddBytes(c, c.db, kb, list);
  } else {
    const v = c.db.valueAt(id);
    if (!(v instanceof RedisList)) return c.reply.error(WRONGTYPE);
    list = v;
  }
  let pushed: number;
  if (args === null) {
    // The list copies the bytes in: the argument views serve as they are.
    const values = c.argv.slice(2);
    list.beforeGrow(fill(c), values);
    if (where === "head") { for (const v of values) list.pushHead(v); }
    else for (const v of values) list.pushTail(v);
    pushed = values.length;
  } else {
    pushed = args.count - 2;
    list.beforeGrowBy(fill(c), pushed, args.bytesFrom(2));
    const src = args.bytes;
    if (where === "head") {
      for (let j = 2; j < args.count; j++) {
        list.pushHeadFrom(src, args.offset(j), args.length(j), true);
      }
    } else {
      for (let j = 2; j < args.count; j++) {
        list.pushTailFrom(src, args.offset(j), args.length(j), true);
      }
    }
  }
  c.reply.integer(list.length);
  modifiedAt(c, id, kb, "list", where === "head" ? "lpush" : "rpush", pushed);
}

function lpushCommand(c: Client): void {
  pushGeneric(c, "head", false);
}

function rpushCommand(c: Client): void {
  pushGeneric(c, "tail", false);
}

function lpushxCommand(c: Client): void {
  pushGeneric(c, "head", true);
}

function rpushxCommand(c: Client): void {
  pushGeneric(c, "tail", true);
}

// ---------------------------------------------------------------------------
// Pops.

function popGeneric(c: Client, where: Where): void {
  if (c.argc > 3) {
    c.reply.error(`ERR wrong number of arguments for '${c.cmd!.fullName}' command`);
    return;
  }
  const hasCount = c.argc === 3;
  let count = 0;
  if (hasCount) {
    const n = getPositiveLong(c, 2);
    if (n === null) return;
    count = n;
  }
  const kb = c.argv[1];
  const id = lookupWriteId(c, kb);
  if (id === -1) return hasCount ? c.reply.nullArray() : c.reply.nullBulk();
  const list = c.db.valueAt(id);
  if (!(list instanceof RedisList)) return c.reply.error(WRONGTYPE);
  if (hasCount && count === 0) return c.reply.array(0);
  if (!hasCount) {
    const v = where === "head" ? list.popHead()! : list.popTail()!;
    c.reply.bulk(v);
    elementsRemovedAt(c, id, kb, where, list, 1);
    return;
  }
  elementsRemovedAt(c, id, kb, where, list, popRange(c, list, where, count));
}

function lpopCommand(c: Client): void {
  popGeneric(c, "head");
}

function rpopCommand(c: Client): void {
  popGeneric(c, "tail");
}

// ---------------------------------------------------------------------------
// Reads.

function llenCommand(c: Client): void {
  const list = asList(c, readValue(c, c.key(1)));
  if (list === null) return;
  c.reply.integer(list ? list.length : 0);
}

function lindexCommand(c: Client): void {
  const list = asList(c, readValue(c, c.key(1)));
  if (list === null) return;
  if (list === undefined) return c.reply.nullBulk();
  const index = getLong(c, 2);
  if (index === null) return;
  const v = list.at(index);
  if (v === undefined) c.reply.nullBulk();
  else c.reply.bulk(v);
}

function lrangeCommand(c: Client): void {
  let start = getLong(c, 2);
  if (start === null) return;
  let end = getLong(c, 3);
  if (end === null) return;
  const list = asList(c, readValue(c, c.key(1)));
  if (list === null) return;
  if (list === undefined) return c.reply.array(0);
  const llen = list.length;
  if (start < 0) start = llen + start;
  if (end < 0) end = llen + end;
  if (start < 0) start = 0;
  if (start > end || start >= llen) return c.reply.array(0);
  if (end >= llen) end = llen - 1;
  const n = end - start + 1;
  c.reply.array(n);
  list.forEachRawFrom(start, n, false, (b, o, l) => c.reply.bulkFrom(b, o, l));
}

function lposCommand(c: Client): void {
  const ele = c.argv[2];
  let rank = 1;
  let count = -1; // -1: COUNT not given
  let maxlen = 0;
  for (let j = 3; j < c.argc; j++) {
    const opt = c.lower(j);
    const moreArgs = c.argc - 1 - j;
    if (opt === "rank" && moreArgs) {
      j++;
      const r = getRangeLong(c, j, -LONG_MAX, LONG_MAX);
      if (r === null) return;
      if (r === 0) {
        c.reply.error(
          "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... " +
            "or use negative to start from the end of the list",
        );
        return;
      }
      rank = r;
    } else if (opt === "count" && moreArgs) {
      j++;
      const n = getPositiveLong(c, j, "COUNT can't be negative");
      if (n === null) return;
      count = n;
    } else if (opt === "maxlen" && moreArgs) {
      j++;
      const n = getPositiveLong(c, j, "MAXLEN can't be negative");
      if (n === null) return;
      maxlen = n;
    } else {
      c.reply.error(SYNTAX_ERR);
      return;
    }
  }
  const fromTail = rank < 0;
  if (fromTail) rank = -rank;
  const list = asList(c, readValue(c, c.key(1)));
  if (list === null) return;
  if (list === undefined) return count !== -1 ? c.reply.array(0) : c.reply.nullBulk();
  const llen = list.length;
  const it = list.iterator(fromTail ? -1 : 0, fromTail);
  const found: number[] = [];
  let matches = 0;
  let matchIndex = -1;
  for (let index = 0; maxlen === 0 || index < maxlen; index++) {
    const v = it.next();
    if (v === undefined) break;
    if (bytesEqual(v, ele)) {
      matches++;
      if (matches >= rank) {
        const pos = fromTail ? llen - index - 1 : index;
        if (count === -1) {
          matchIndex = pos;
          break;
        }
        found.push(pos);
        if (count !== 0 && matches - rank + 1 >= count) break;
      }
    }
  }
  if (count !== -1) {
    c.reply.array(found.length);
    for (const p of found) c.reply.integer(p);
  } else if (matchIndex !== -1) c.reply.integer(matchIndex);
  else c.reply.nullBulk();
}

// ---------------------------------------------------------------------------
// In-place edits.

function lsetCommand(c: Client): void {
  const key = c.key(1);
  const v = writeValue(c, key);
  if (v === undefined) return c.reply.error(NO_SUCH_KEY);
  const list = asList(c, v);
  if (!list) return;
  const big = getLongLong(c, 2);
  if (big === null) return;
  // listTypeReplaceAtIndex takes an int: the index is truncated to 32 bits.
  const index = Number(BigInt.asIntN(32, big));
  const value = c.argv[3];
  list.beforeGrow(fill(c), [value]);
  if (!list.set(index, value)) return c.reply.error(OUT_OF_RANGE);
  c.reply.ok();
  touched(c, key, "lset", 1);
  // Growth was handled before the replace; a smaller element may allow shrinking.
  list.afterShrink(fill(c));
}

function linsertCommand(c: Client): void {
  const w = c.lower(2);
  let after: boolean;
  if (w === "after") after = true;
  else if (w === "before") after = false;
  else return c.reply.error(SYNTAX_ERR);
  const key = c.key(1);
  const list = asList(c, writeValue(c, key));
  if (list === null) return;
  if (list === undefined) return c.reply.integer(0);
  const value = c.argv[4];
  // Like Redis, convert for the worst case before knowing whether the pivot exists.
  list.beforeGrow(fill(c), [value]);
  const pivot = list.indexOf(c.argv[3]);
  if (pivot === -1) return c.reply.integer(-1);
  list.insert(pivot, value, after);
  touched(c, key, "linsert", 1);
  c.reply.integer(list.length);
}

function lremCommand(c: Client): void {
  const toRemove = getLong(c, 2);
  if (toRemove === null) return;
  const key = c.key(1);
  const list = asList(c, writeValue(c, key));
  if (list === null) return;
  if (list === undefined) return c.reply.integer(0);
  const removed = list.remove(c.argv[3], toRemove);
  if (removed) {
    touched(c, key, "lrem", removed);
    if (list.length === 0) deleteEmptied(c, key);
    else list.afterShrink(fill(c));
  }
  c.reply.integer(removed);
}

function ltrimCommand(c: Client): void {
  const start = getLong(c, 2);
  if (start === null) return;
  const end = getLong(c, 3);
  if (end === null) return;
  const key = c.key(1);
  const list = asList(c, writeValue(c, key));
  if (list === null) return;
  if (list === undefined) return c.reply.ok();
  const removed = list.trim(start, end);
  touched(c, key, "ltrim", removed);
  if (list.length === 0) deleteEmptied(c, key);
  else list.afterShrink(fill(c));
  c.reply.ok();
}

// ---------------------------------------------------------------------------
// Moves.

/** lmoveGenericCommand; the blocking forms propagate as their plain form. */
function lmoveGeneric(c: Client, from: Where, to: Where): void {
  const src = c.key(1);
  const srcList = asList(c, writeValue(c, src));
  if (srcList === null) return;
  if (srcList === undefined || srcList.length === 0) return c.reply.nullBulk();
  const dst = c.key(2);
  let dstList = asList(c, writeValue(c, dst));
  if (dstList === null) return;
  let value = from === "head" ? srcList.popHead()! : srcList.popTail()!;
  // A popped element is a view into the list's bytes: pushing it back copies it first.
  if (dstList === srcList) value = value.slice();
  // lmoveHandlePush (when src == dst, dstList is srcList and the pop is undone).
  if (dstList === undefined) dstList = createList(c, dst);
  dstList.beforeGrow(fill(c), [value]);
  if (to === "head") dstList.pushHead(value);
  else dstList.pushTail(value);
  // Counted once, with the pop below.
  touched(c, dst, to === "head" ? "lpush" : "rpush", 0);
  c.reply.bulk(value);
  elementsRemoved(c, src, from, srcList, 1);
  const name = c.cmd!.name;
  if (name === "blmove") c.rewriteArgv([LMOVE, c.argv[1], c.argv[2], c.argv[3], c.argv[4]]);
  else if (name === "brpoplpush") c.rewriteArgv([RPOPLPUSH, c.argv[1], c.argv[2]]);
}

function lmoveCommand(c: Client): void {
  const from = getPosition(c, 3);
  if (from === null) return;
  const to = getPosition(c, 4);
  if (to === null) return;
  lmoveGeneric(c, from, to);
}

function rpoplpushCommand(c: Client): void {
  lmoveGeneric(c, "tail", "head");
}

/** blmoveGenericCommand. */
function blmoveGeneric(c: Client, from: Where, to: Where, deadline: number): void {
  const src = c.key(1);
  const list = asList(c, writeValue(c, src));
  if (list === null) return;
  if (list !== undefined) return lmoveGeneric(c, from, to);
  if (!c.server.blocking.canBlock(c)) return c.reply.nullBulk();
  // On timeout every list blocking command replies a null array (replyToBlockedClientTimedOut).
  c.server.blocking.block(c, [src], "list", deadline, (bc) => bc.reply.nullArray());
}

function blmoveCommand(c: Client): void {
  const from = getPosition(c, 3);
  if (from === null) return;
  const to = getPosition(c, 4);
  if (to === null) return;
  const deadline = parseTimeout(c, c.argv[5]);
  if (deadline === null) return;
  blmoveGeneric(c, from, to, deadline);
}

function brpoplpushCommand(c: Client): void {
  const deadline = parseTimeout(c, c.argv[3]);
  if (deadline === null) return;
  blmoveGeneric(c, "tail", "head", deadline);
}

// ---------------------------------------------------------------------------
// Multi-key pops.

/** Replies [key, [elements...]] and pops them (listPopRangeAndReplyWithKey). */
function popRangeWithKey(c: Client, i: number, list: RedisList, where: Where, count: number) {
  const key = c.key(i);
  const llen = list.length;
  c.reply.array(2);
  c.reply.bulk(c.argv[i]);
  popRangeReply(c, key, list, where, count);
  // Replicate as [LR]POP key count.
  const n = count > llen ? llen : count;
  c.rewriteArgv([where === "head" ? LPOP : RPOP, c.argv[i], binaryToBytes(String(n))]);
}

/**
 * blockingPopGenericCommand: pops from the first non-empty list among
 * argv[first..last]; `count` -1 is BLPOP/BRPOP's single-element form.
 */
function blockingPop(
  c: Client,
  first: number,
  last: number,
  where: Where,
  timeoutIdx: number,
  count: number,
): void {
  const deadline = parseTimeout(c, c.argv[timeoutIdx]);
  if (deadline === null) return;
  for (let i = first; i <= last; i++) {
    const key = c.key(i);
    const list = asList(c, writeValue(c, key));
    if (list === null) return;
    if (list === undefined || list.length === 0) continue;
    if (count !== -1) return popRangeWithKey(c, i, list, where, count);
    const v = where === "head" ? list.popHead()! : list.popTail()!;
    c.reply.array(2);
    c.reply.bulk(c.argv[i]);
    c.reply.bulk(v);
    elementsRemoved(c, key, where, list, 1);
    c.rewriteArgv([where === "head" ? LPOP : RPOP, c.argv[i]]);
    return;
  }
  if (!c.server.blocking.canBlock(c)) return c.reply.nullArray();
  const keys: string[] = [];
  for (let i = first; i <= last; i++) keys.push(c.key(i));
  c.server.blocking.block(c, keys, "list", deadline, (bc) => bc.reply.nullArray());
}

function blpopCommand(c: Client): void {
  blockingPop(c, 1, c.argc - 2, "head", c.argc - 1, -1);
}

function brpopCommand(c: Client): void {
  blockingPop(c, 1, c.argc - 2, "tail", c.argc - 1, -1);
}

/** lmpopGenericCommand: numkeys at `numkeysIdx`, then keys, LEFT|RIGHT, [COUNT n]. */
function lmpopGeneric(c: Client, numkeysIdx: number, block: boolean): void {
  const args = getMpopArgs(c, numkeysIdx, getPosition);
  if (args === null) return;
  const { numkeys, where, count } = args;
  const first = numkeysIdx + 1;
  const last = numkeysIdx + numkeys;
  if (block) return blockingPop(c, first, last, where, 1, count);
  for (let i = first; i <= last; i++) {
    const list = asList(c, writeValue(c, c.key(i)));
    if (list === null) return;
    if (list === undefined || list.length === 0) continue;
    return popRangeWithKey(c, i, list, where, count);
  }
  c.reply.nullArray();
}

function lmpopCommand(c: Client): void {
  lmpopGeneric(c, 1, false);
}

function blmpopCommand(c: Client): void {
  lmpopGeneric(c, 2, true);
}

// ---------------------------------------------------------------------------
// The table.

/** Rows of the list group (metadata as Redis 7.2's COMMAND INFO / COMMAND DOCS). */
export const listCommands: CommandSpec[] = [
  {
    name: "lpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Prepends one or more elements to a list. Creates the key if it doesn't exist.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpecAt(["RW", "insert"])],
    args: [{ name: "key", type: "key" }, { name: "element", type: "string", flags: ["multiple"] }],
    handler: lpushCommand,
    bulk: (c, args) => pushGeneric(c, "head", false, args),
  },
  {
    name: "rpush",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Appends one or more elements to a list. Creates the key if it doesn't exist.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["2.4.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpecAt(["RW", "insert"])],
    args: [{ name: "key", type: "key" }, { name: "element", type: "string", flags: ["multiple"] }],
    handler: rpushCommand,
    bulk: (c, args) => pushGeneric(c, "tail", false, args),
  },
  {
    name: "lpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "2.2.0",
    summary: "Prepends one or more elements to a list only when the list exists.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpecAt(["RW", "insert"])],
    args: [{ name: "key", type: "key" }, { name: "element", type: "string", flags: ["multiple"] }],
    handler: lpushxCommand,
    bulk: (c, args) => pushGeneric(c, "head", true, args),
  },
  {
    name: "rpushx",
    arity: -3,
    flags: ["write", "denyoom", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "2.2.0",
    summary: "Appends an element to a list only when the list exists.",
    complexity:
      "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.",
    history: [["4.0.0", "Accepts multiple `element` arguments."]],
    keySpecs: [keySpecAt(["RW", "insert"])],
    args: [{ name: "key", type: "key" }, { name: "element", type: "string", flags: ["multiple"] }],
    handler: rpushxCommand,
    bulk: (c, args) => pushGeneric(c, "tail", true, args),
  },
  {
    name: "lpop",
    arity: -2,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary:
      "Returns the first elements in a list after removing it. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of elements returned",
    history: [["6.2.0", "Added the `count` argument."]],
    keySpecs: [keySpecAt(["RW", "access", "delete"])],
    args: [{ name: "key", type: "key" }, {
      name: "count",
      type: "integer",
      since: "6.2.0",
      flags: ["optional"],
    }],
    handler: lpopCommand,
  },
  {
    name: "rpop",
    arity: -2,
    flags: ["write", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary:
      "Returns and removes the last elements of a list. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of elements returned",
    history: [["6.2.0", "Added the `count` argument."]],
    keySpecs: [keySpecAt(["RW", "access", "delete"])],
    args: [{ name: "key", type: "key" }, {
      name: "count",
      type: "integer",
      since: "6.2.0",
      flags: ["optional"],
    }],
    handler: rpopCommand,
  },
  {
    name: "llen",
    arity: 2,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Returns the length of a list.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RO"])],
    args: [{ name: "key", type: "key" }],
    handler: llenCommand,
  },
  {
    name: "lrange",
    arity: 4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Returns a range of elements from a list.",
    complexity:
      "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.",
    keySpecs: [keySpecAt(["RO", "access"])],
    args: [{ name: "key", type: "key" }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }],
    handler: lrangeCommand,
  },
  {
    name: "lindex",
    arity: 3,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Returns an element from a list by its index.",
    complexity:
      "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).",
    keySpecs: [keySpecAt(["RO", "access"])],
    args: [{ name: "key", type: "key" }, { name: "index", type: "integer" }],
    handler: lindexCommand,
  },
  {
    name: "lset",
    arity: 4,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Sets the value of an element in a list by its index.",
    complexity:
      "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).",
    keySpecs: [keySpecAt(["RW", "update"])],
    args: [{ name: "key", type: "key" }, { name: "index", type: "integer" }, {
      name: "element",
      type: "string",
    }],
    handler: lsetCommand,
  },
  {
    name: "linsert",
    arity: 5,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "2.2.0",
    summary: "Inserts an element before or after another element in a list.",
    complexity:
      "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).",
    keySpecs: [keySpecAt(["RW", "insert"])],
    args: [
      { name: "key", type: "key" },
      {
        name: "where",
        type: "oneof",
        args: [{ name: "before", type: "pure-token", token: "BEFORE" }, {
          name: "after",
          type: "pure-token",
          token: "AFTER",
        }],
      },
      { name: "pivot", type: "string" },
      { name: "element", type: "string" },
    ],
    handler: linsertCommand,
  },
  {
    name: "lrem",
    arity: 4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary: "Removes elements from a list. Deletes the list if the last element was removed.",
    complexity: "O(N+M) where N is the length of the list and M is the number of elements removed.",
    keySpecs: [keySpecAt(["RW", "delete"])],
    args: [{ name: "key", type: "key" }, { name: "count", type: "integer" }, {
      name: "element",
      type: "string",
    }],
    handler: lremCommand,
  },
  {
    name: "ltrim",
    arity: 4,
    flags: ["write"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "1.0.0",
    summary:
      "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
    complexity: "O(N) where N is the number of elements to be removed by the operation.",
    keySpecs: [keySpecAt(["RW", "delete"])],
    args: [{ name: "key", type: "key" }, { name: "start", type: "integer" }, {
      name: "stop",
      type: "integer",
    }],
    handler: ltrimCommand,
  },
  {
    name: "lpos",
    arity: -3,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "list",
    since: "6.0.6",
    summary: "Returns the index of matching elements in a list.",
    complexity:
      "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.",
    keySpecs: [keySpecAt(["RO", "access"])],
    args: [
      { name: "key", type: "key" },
      { name: "element", type: "string" },
      { name: "rank", type: "integer", token: "RANK", flags: ["optional"] },
      { name: "num-matches", type: "integer", token: "COUNT", flags: ["optional"] },
      { name: "len", type: "integer", token: "MAXLEN", flags: ["optional"] },
    ],
    handler: lposCommand,
  },
  {
    name: "lmove",
    arity: 5,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "list",
    since: "6.2.0",
    summary:
      "Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RW", "access", "delete"]), keySpecAt(["RW", "insert"], 2)],
    args: [{ name: "source", type: "key" }, { name: "destination", type: "key" }, {
      name: "wherefrom",
      type: "oneof",
      args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, {
      name: "whereto",
      type: "oneof",
      args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }],
    handler: lmoveCommand,
  },
  {
    name: "rpoplpush",
    arity: 3,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "list",
    since: "1.2.0",
    summary:
      "Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments",
    keySpecs: [keySpecAt(["RW", "access", "delete"]), keySpecAt(["RW", "insert"], 2)],
    args: [{ name: "source", type: "key" }, { name: "destination", type: "key" }],
    handler: rpoplpushCommand,
  },
  {
    name: "lmpop",
    arity: -4,
    flags: ["write", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "list",
    since: "7.0.0",
    summary:
      "Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    keySpecs: [keySpecNumKeys(["RW", "access", "delete"])],
    args: [
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["multiple"] },
      {
        name: "where",
        type: "oneof",
        args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
          name: "right",
          type: "pure-token",
          token: "RIGHT",
        }],
      },
      { name: "count", type: "integer", token: "COUNT", flags: ["optional"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 1),
    handler: lmpopCommand,
  },
  {
    name: "blpop",
    arity: -3,
    flags: ["write", "blocking"],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    group: "list",
    since: "2.0.0",
    summary:
      "Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpecAt(["RW", "access", "delete"], 1, -2)],
    args: [{ name: "key", type: "key", flags: ["multiple"] }, { name: "timeout", type: "double" }],
    handler: blpopCommand,
  },
  {
    name: "brpop",
    arity: -3,
    flags: ["write", "blocking"],
    firstKey: 1,
    lastKey: -2,
    step: 1,
    group: "list",
    since: "2.0.0",
    summary:
      "Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: "O(N) where N is the number of provided keys.",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    keySpecs: [keySpecAt(["RW", "access", "delete"], 1, -2)],
    args: [{ name: "key", type: "key", flags: ["multiple"] }, { name: "timeout", type: "double" }],
    handler: brpopCommand,
  },
  {
    name: "blmove",
    arity: 6,
    flags: ["write", "denyoom", "blocking"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "list",
    since: "6.2.0",
    summary:
      "Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.",
    complexity: "O(1)",
    keySpecs: [keySpecAt(["RW", "access", "delete"]), keySpecAt(["RW", "insert"], 2)],
    args: [{ name: "source", type: "key" }, { name: "destination", type: "key" }, {
      name: "wherefrom",
      type: "oneof",
      args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, {
      name: "whereto",
      type: "oneof",
      args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, { name: "timeout", type: "double" }],
    handler: blmoveCommand,
  },
  {
    name: "brpoplpush",
    arity: 4,
    flags: ["write", "denyoom", "blocking"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "list",
    since: "2.2.0",
    summary:
      "Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity: "O(1)",
    history: [["6.0.0", "`timeout` is interpreted as a double instead of an integer."]],
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments",
    keySpecs: [keySpecAt(["RW", "access", "delete"]), keySpecAt(["RW", "insert"], 2)],
    args: [{ name: "source", type: "key" }, { name: "destination", type: "key" }, {
      name: "timeout",
      type: "double",
    }],
    handler: brpoplpushCommand,
  },
  {
    name: "blmpop",
    arity: -5,
    flags: ["write", "blocking", "movablekeys"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "list",
    since: "7.0.0",
    summary:
      "Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.",
    complexity:
      "O(N+M) where N is the number of provided keys and M is the number of elements returned.",
    keySpecs: [keySpecNumKeys(["RW", "access", "delete"], 2)],
    args: [{ name: "timeout", type: "double" }, { name: "numkeys", type: "integer" }, {
      name: "key",
      type: "key",
      flags: ["multiple"],
    }, {
      name: "where",
      type: "oneof",
      args: [{ name: "left", type: "pure-token", token: "LEFT" }, {
        name: "right",
        type: "pure-token",
        token: "RIGHT",
      }],
    }, { name: "count", type: "integer", token: "COUNT", flags: ["optional"] }],
    getKeys: (argv) => keyNumKeys(argv, 2),
    handler: blmpopCommand,
  },
];
