/**
 * SORT and SORT_RO (Redis's sort.c) on lists, sets and sorted sets: numeric or
 * ALPHA ordering, BY weights taken from other keys or hash fields (a pattern
 * with `*`, `->field`; a pattern without `*` means "don't sort"), GET lookups
 * (`#` is the element itself), LIMIT, ASC/DESC and STORE into a list.
 *
 * Ties are broken as Redis does: equal numeric weights compare the elements
 * byte-wise, and the sort is stable where glibc's qsort (a merge sort) is.
 * ALPHA compares byte-wise: memcmp for STORE, strcoll in the C locale (so up
 * to the first NUL byte) otherwise.
 */

import type { Client } from "../server/client.ts";
import { RedisHash } from "../store/hash.ts";
import { RedisList } from "../store/list.ts";
import { RedisSet } from "../store/set.ts";
import { SortedSet } from "../store/zset.ts";
import { SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes, bytesToBinary, cString } from "../util/bytes.ts";
import { strtodPrefix } from "../util/strtod.ts";
import { getLong, LIMIT_ARG, ORDER_ARG } from "./args.ts";
import { deleteStoreKey, lookupKeyRead, setKey } from "./keyspace.ts";
import { type ArgDoc, type CommandSpec, type KeySpec, keySpecAt } from "../server/command_table.ts";

/** One element being sorted (redisSortObject). */
interface SortItem {
  /** The element, as a binary string. */
  obj: string;
  /** Numeric weight. */
  score: number;
  /** ALPHA weight from the BY pattern (null when the lookup found nothing). */
  cmpobj: string | null;
}

/** memcmp then length (compareStringObjects); binary strings compare as bytes. */
function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: byte order of the NUL-terminated strings. */
function compareColl(a: string, b: string): number {
  return compareBinary(cString(a), cString(b));
}

/**
 * lookupKeyByPattern: "#" is the element itself; otherwise the first `*` is
 * replaced by the element and the key read (a string), or, with "->field"
 * after the `*`, that field of the hash at the key. Null when there is no `*`
 * or nothing is found.
 */
function lookupByPattern(c: Client, pattern: string, subst: string): string | null {
  const cpat = cString(pattern);
  if (cpat === "#") return subst;
  const star = cpat.indexOf("*");
  if (star === -1) return null;
  const arrow = cpat.indexOf("->", star + 1);
  let fieldlen = 0;
  let field: string | null = null;
  if (arrow !== -1 && arrow + 2 < cpat.length) {
    fieldlen = pattern.length - arrow - 2;
    field = pattern.slice(arrow + 2);
  }
  const postfixlen = pattern.length - (star + 1) - (field !== null ? fieldlen + 2 : 0);
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, star + 1 + postfixlen);
  const v = lookupKeyRead(c, key)?.value;
  if (v === undefined) return null;
  if (field !== null) {
    if (!(v instanceof RedisHash)) return null;
    const fv = v.get(field);
    return fv === undefined ? null : bytesToBinary(fv);
  }
  return v instanceof Uint8Array ? bytesToBinary(v) : null;
}

function sortGeneric(c: Client, readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storekey: string | null = null;
  const getops: string[] = [];
  for (let j = 2; j < c.argc; j++) {
    const leftargs = c.argc - j - 1;
    const opt = c.lower(j);
    if (opt === "asc") {
      desc = false;
    } else if (opt === "desc") {
      desc = true;
    } else if (opt === "alpha") {
      alpha = true;
    } else if (opt === "limit" && leftargs >= 2) {
      const s = getLong(c, j + 1);
      if (s === null) return;
      const n = getLong(c, j + 2);
      if (n === null) return;
      limitStart = s;
      limitCount = n;
      j += 2;
    } else if (!readonly && opt === "store" && leftargs >= 1) {
      storekey = c.key(j + 1);
      j++;
    } else if (opt === "by" && leftargs >= 1) {
      sortby = c.key(j + 1);
      // A pattern without '*' is constant: nothing to sort by.
      if (!cString(sortby).includes("*")) dontsort = true;
      j++;
    } else if (opt === "get" && leftargs >= 1) {
      getops.push(c.key(j + 1));
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }

  const value = lookupKeyRead(c, c.key(1))?.value;
  if (
    value !== undefined && !(value instanceof RedisList) && !(value instanceof RedisSet) &&
    !(value instanceof SortedSet)
  ) {
    return c.reply.error(WRONGTYPE);
  }
  // A set has no order of its own: when storing, sort it anyway so replicas agree.
  if (dontsort && value instanceof RedisSet && storekey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // SORT converts a listpack sorted set to a skiplist in place.
  if (value instanceof SortedSet) value.setEncoding("skiplist");

  let vectorlen = value === undefined ? 0 : value.length!;
  let start = Math.min(Math.max(limitStart, 0), vectorlen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorlen);
  let end = limitCount < 0 ? vectorlen - 1 : start + limitCount - 1;
  if (start >= vectorlen) {
    start = vectorlen - 1;
    end = vectorlen - 2;
  }
  if (end >= vectorlen) end = vectorlen - 1;
  const ordered = value instanceof RedisList || value instanceof SortedSet;
  if (ordered && dontsort && (start !== 0 || end !== vectorlen - 1)) {
    vectorlen = end - start + 1;
  }

  const vector: SortItem[] = [];
  const push = (obj: string) => vector.push({ obj, score: 0, cmpobj: null });
  if (value instanceof RedisList && dontsort) {
    // Only the requested range, in list order (backwards for DESC).
    if (end >= start) {
      const it = value.iterator(desc ? value.length - start - 1 : start, desc);
      while (vector.length < vectorlen) {
        const v = it.next();
        if (v === undefined) break;
        push(bytesToBinary(v));
      }
    }
    end -= start;
    start = 0;
  } else if (value instanceof RedisList) {
    for (const v of value) push(bytesToBinary(v));
  } else if (value instanceof RedisSet) {
    value.forEach(push);
  } else if (value instanceof SortedSet && dontsort) {
    if (vectorlen > 0) {
      value.rangeByRank(start, start + vectorlen - 1, desc, (m) => push(m));
    }
    end -= start;
    start = 0;
  } else if (value instanceof SortedSet) {
    value.forEach((m) => push(m));
  }

  let conversionError = false;
  if (!dontsort) {
    for (const item of vector) {
      let byval: string | null;
      if (sortby !== null) {
        byval = lookupByPattern(c, sortby, item.obj);
        if (byval === null) continue;
      } else {
        byval = item.obj;
      }
      if (alpha) {
        if (sortby !== null) item.cmpobj = byval;
      } else {
        const s = cString(byval);
        const [v, e, erange] = strtodPrefix(s);
        item.score = v;
        if (e !== s.length || erange || Number.isNaN(v)) conversionError = true;
      }
    }
    const store = storekey !== null;
    const cmp = (a: SortItem, b: SortItem): number => {
      let r: number;
      if (!alpha) {
        r = a.score > b.score ? 1 : a.score < b.score ? -1 : compareBinary(a.obj, b.obj);
      } else if (sortby !== null) {
        if (a.cmpobj === null || b.cmpobj === null) {
          r = a.cmpobj === b.cmpobj ? 0 : a.cmpobj === null ? -1 : 1;
        } else {
          r = store ? compareBinary(a.cmpobj, b.cmpobj) : compareColl(a.cmpobj, b.cmpobj);
        }
      } else {
        r = store ? compareBinary(a.obj, b.obj) : compareColl(a.obj, b.obj);
      }
      return desc ? -r : r;
    };
    vector.sort(cmp);
  }

  const outputlen = getops.length ? getops.length * (end - start + 1) : end - start + 1;
  if (conversionError) {
    return c.reply.error("ERR One or more scores can't be converted into double");
  }
  if (storekey === null) {
    c.reply.array(outputlen);
    for (let j = start; j <= end; j++) {
      const obj = vector[j].obj;
      if (!getops.length) c.reply.bulkBinary(obj);
      for (const pattern of getops) {
        const v = lookupByPattern(c, pattern, obj);
        if (v === null) c.reply.nullBulk();
        else c.reply.bulkBinary(v);
      }
    }
    return;
  }
  const fill = c.server.config.listMaxListpackSize;
  const list = new RedisList();
  list.convertToQuicklist(fill);
  for (let j = start; j <= end; j++) {
    const obj = vector[j].obj;
    if (!getops.length) list.pushTail(binaryToBytes(obj));
    for (const pattern of getops) {
      list.pushTail(binaryToBytes(lookupByPattern(c, pattern, obj) ?? ""));
    }
  }
  if (outputlen > 0) {
    list.afterBuild(fill);
    setKey(c, storekey, list);
    c.modified(storekey, "list", "sortstore", outputlen);
  } else {
    deleteStoreKey(c, storekey);
  }
  c.reply.integer(outputlen);
}

function sortCommand(c: Client): void {
  sortGeneric(c, false);
}

function sortroCommand(c: Client): void {
  sortGeneric(c, true);
}

/**
 * sortGetKeys: the sorted key, plus the key after the last STORE. Options
 * known to take arguments (LIMIT 2, GET 1, BY 1) are skipped; anything else is
 * treated as an option without argument, so a STORE's key is looked at too.
 */
function sortKeys(argv: Uint8Array[]): number[] {
  const keys = [1];
  let store = -1;
  const skip: Record<string, number> = { limit: 2, get: 1, by: 1 };
  for (let i = 2; i < argv.length; i++) {
    const a = bytesToBinary(argv[i]).toLowerCase();
    if (a in skip) i += skip[a];
    else if (a === "store" && i + 1 < argv.length) store = i + 1;
  }
  if (store !== -1) keys.push(store);
  return keys;
}

/** The keys BY and GET patterns name: unknown until the sorted values are read. */
const BY_GET_KEY_SPEC: KeySpec = {
  notes:
    "For the optional BY/GET keyword. It is marked 'unknown' because the key names derive from the content of the key we sort",
  flags: ["RO", "access"],
  beginSearch: "unknown",
  findKeys: "unknown",
};

/** The arguments SORT and SORT_RO share (SORT adds STORE). */
const SORT_ARGS: ArgDoc[] = [
  { name: "key", type: "key" },
  {
    name: "by-pattern",
    type: "pattern",
    displayText: "pattern",
    keySpecIndex: 1,
    token: "BY",
    flags: ["optional"],
  },
  LIMIT_ARG,
  {
    name: "get-pattern",
    type: "pattern",
    displayText: "pattern",
    keySpecIndex: 1,
    token: "GET",
    flags: ["optional", "multiple", "multiple_token"],
  },
  ORDER_ARG,
  { name: "sorting", type: "pure-token", token: "ALPHA", flags: ["optional"] },
];

/** Rows of the sort group. */
export const sortCommands: CommandSpec[] = [
  {
    name: "sort",
    arity: -2,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "generic",
    since: "1.0.0",
    summary: "Sorts the elements in a list, a set, or a sorted set, optionally storing the result.",
    complexity:
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    omitGroupCategory: true,
    keySpecs: [
      keySpecAt(["RO", "access"]),
      BY_GET_KEY_SPEC,
      {
        notes:
          "For the optional STORE keyword. It is marked 'unknown' because the keyword can appear anywhere in the argument array",
        flags: ["OW", "update"],
        beginSearch: "unknown",
        findKeys: "unknown",
      },
    ],
    args: [
      ...SORT_ARGS,
      { name: "destination", type: "key", keySpecIndex: 2, token: "STORE", flags: ["optional"] },
    ],
    getKeys: sortKeys,
    handler: sortCommand,
  },
  {
    name: "sort_ro",
    arity: -2,
    flags: ["readonly", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "generic",
    since: "7.0.0",
    summary: "Returns the sorted elements of a list, a set, or a sorted set.",
    complexity:
      "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).",
    aclCategories: ["set", "sortedset", "list", "dangerous"],
    omitGroupCategory: true,
    keySpecs: [
      keySpecAt(["RO", "access"]),
      BY_GET_KEY_SPEC,
    ],
    args: SORT_ARGS,
    getKeys: () => [1],
    handler: sortroCommand,
  },
];
