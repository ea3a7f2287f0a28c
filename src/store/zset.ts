/**
 * SortedSet: the value type behind ZADD/ZRANGE/ZRANK/...
 *
 * Two forms, as in Redis. A listpack-encoded set is packed: its (member,
 * score) entries in order in one byte buffer, walked in O(n) like a listpack
 * (see PackedZset). The skiplist form is a skiplist with span counters plus a
 * dict from member to node, ordered by (score, member) where members compare
 * byte-wise (memcmp, then length). Members are binary strings (char codes
 * 0-255) at the API; for such strings the JS relational operators compare
 * UTF-16 code units, which is exactly byte order.
 *
 * The skiplist lives in one ArrayBuffer: each node is a contiguous block of
 * 8-byte units holding its score, dense slot, backward link, level, member
 * hash, one (forward, span) pair per level and the member's bytes, so a search
 * step touches one cache line instead of several arrays and no member is a JS
 * object. The dict is an open-addressing table of node handles over the
 * members' bytes. Blocks of freed nodes are recycled by size, so steady-state
 * ZADD/ZREM do not allocate. Level probability 0.25, max level 32, as in Redis.
 *
 * A dense array of nodes (swap-remove on delete) gives O(1) random members
 * (ZRANDMEMBER) and a ZSCAN cursor that never misses elements present for the
 * whole scan.
 *
 * Node handles returned by the range/rank lookups are positive integers; 0
 * means "none". They stay valid until the set is modified.
 *
 * @module
 */

import { RDB_TYPE_ZSET_2, RDB_TYPE_ZSET_LISTPACK } from "../persistence/rdb_types.ts";
import { ZSET_BYTES, ZSET_PACKED_BYTES, ZSET_SKIPLIST_BYTES as SKIPLIST_BYTES } from "./size.ts";
import { gLen, gOff, packedSize, readAt, readBefore, writeFrame } from "./packed_entries.ts";
import type { CollectionValue } from "./types.ts";
import { bytesToBinary } from "../util/bytes.ts";
import { pow2AtLeast } from "../util/number.ts";

/** OBJECT ENCODING of a sorted set. */
export type ZsetEncoding = "listpack" | "skiplist";

/** The config values that drive sorted set encoding conversions. */
export interface ZsetEncodingConfig {
  /** zset-max-listpack-entries (default 128). */
  zsetMaxListpackEntries: number;
  /** zset-max-listpack-value (default 64). */
  zsetMaxListpackValue: number;
}

/** Redis defaults for {@link ZsetEncodingConfig}. */
export const DEFAULT_ZSET_ENCODING_CONFIG: Readonly<ZsetEncodingConfig> = {
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};

/**
 * Score interval (zrangespec). `minex`/`maxex` make the bound exclusive.
 * Infinite bounds are plain ±Infinity.
 */
export interface ZRangeSpec {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/**
 * A lex bound: a member, or -Infinity for "-" (before every member) and
 * +Infinity for "+" (after every member).
 */
export type LexBound = string | number;

/**
 * Lex interval (zlexrangespec) as parsed from `[a`, `(a`, `-`, `+`. Redis
 * parses `-` and `+` as exclusive bounds.
 */
export interface ZLexRangeSpec {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

/** Outcome of {@link SortedSet.add}. */
export type ZAddResult = "added" | "updated" | "unchanged";

/** A member with its score. */
export interface ZEntry {
  member: string;
  score: number;
}

const MAX_LEVEL = 32;
const P = 0.25;

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < P) level++;
  return level;
}

// sdscmplex with ±Infinity standing for shared.minstring/maxstring.
function cmpLex(a: LexBound, b: LexBound): number {
  if (a === b) return 0;
  if (a === -Infinity || b === Infinity) return -1;
  if (a === Infinity || b === -Infinity) return 1;
  return (a as string) < (b as string) ? -1 : 1;
}

function scoreGteMin(v: number, r: ZRangeSpec): boolean {
  return r.minex ? v > r.min : v >= r.min;
}

function scoreLteMax(v: number, r: ZRangeSpec): boolean {
  return r.maxex ? v < r.max : v <= r.max;
}

/** zslLexValueGteMin: `v` is at or past the range's min. */
export function lexGteMin(v: string, r: ZLexRangeSpec): boolean {
  const min = r.min;
  if (typeof min === "number") return min < 0;
  return r.minex ? v > min : v >= min;
}

/** zslLexValueLteMax: `v` is at or before the range's max. */
export function lexLteMax(v: string, r: ZLexRangeSpec): boolean {
  const max = r.max;
  if (typeof max === "number") return max > 0;
  return r.maxex ? v < max : v <= max;
}

/** True when the score range can contain something at all (zslIsInRange, first part). */
export function isValidScoreRange(r: ZRangeSpec): boolean {
  return !(r.min > r.max || (r.min === r.max && (r.minex || r.maxex)));
}

/** True when the lex range can contain something at all. */
export function isValidLexRange(r: ZLexRangeSpec): boolean {
  const c = cmpLex(r.min, r.max);
  return !(c > 0 || (c === 0 && (r.minex || r.maxex)));
}

/** What both forms of a sorted set implement; handles are positive integers, 0 none. */
interface ZStore {
  readonly length: number;
  /** 0-based rank of the node the last successful *InRange call returned. */
  foundRank: number;
  memoryUsage(): number;
  recomputeMemoryUsage(): number;
  score(member: string): number | undefined;
  has(member: string): boolean;
  add(member: string, score: number): ZAddResult;
  /** Adds `member`, which the caller knows is absent (no lookup first). */
  insert(member: string, score: number): void;
  remove(member: string): boolean;
  rank(member: string, reverse: boolean): number;
  memberOf(h: number): string;
  /** The buffer holding node `h`'s member bytes, at {@link refOff}, {@link refLen} long. */
  memberRef(h: number): Uint8Array;
  scoreOf(h: number): number;
  next(h: number): number;
  prev(h: number): number;
  firstNode(): number;
  lastNode(): number;
  rankOf(h: number): number;
  nodeAtRank(rank: number): number;
  firstInRange(r: ZRangeSpec): number;
  lastInRange(r: ZRangeSpec): number;
  firstInLexRange(r: ZLexRangeSpec): number;
  lastInLexRange(r: ZLexRangeSpec): number;
  rangeByRank(
    start: number,
    stop: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void;
  rangeByScore(
    r: ZRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void;
  rangeByLex(
    r: ZLexRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void;
  forEach(visit: (member: string, score: number) => void): void;
  deleteRangeByRank(start: number, stop: number): number;
  deleteRangeByScore(r: ZRangeSpec): number;
  deleteRangeByLex(r: ZLexRangeSpec): number;
  popMin(): ZEntry | undefined;
  popMax(): ZEntry | undefined;
  randomMember(): string | undefined;
  memberAtSlot(i: number): string;
  scoreAtSlot(i: number): number;
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number;
  checkInvariants(): void;
}

/** Offset of the member bytes the last {@link SortedSet.memberRef} call found. */
export let refOff = 0;
/** Length of the member bytes the last {@link SortedSet.memberRef} call found. */
export let refLen = 0;

// ---------------------------------------------------------------------------
// The skiplist form.

// Node block layout, in Int32Array indexes relative to b = handle * 2 (the
// Float64Array index of the block is the handle itself): the score, then the
// node's dense slot, backward link, level and member hash, then one (forward,
// span) pair per level, then the member: its length in one word and its bytes,
// padded to a whole unit.
const SLOT = 2;
const BACK = 3;
const LVL = 4;
const HASH = 5;
const FWD = 6; // + 2 * level
const SPAN = 7; // + 2 * level
const HEADER_UNITS = 3;
/** Units a node takes on average before its member (level 1.33) and a short member's. */
const EST_NODE_UNITS = HEADER_UNITS + 2 + 2;

// Search scratch shared by every skiplist (searches never interleave).
const update = new Int32Array(MAX_LEVEL);
const rankAcc = new Int32Array(MAX_LEVEL);

const SEED = (Math.random() * 0x100000000) | 0;

/** Hash of a binary-string member (FNV-1a over its bytes, with a final mix). */
function hashMember(s: string): number {
  const n = s.length;
  let h = SEED ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** Units a block of `level` levels holding a member of `len` bytes takes. */
function blockUnits(level: number, len: number): number {
  return HEADER_UNITS + level + ((len + 11) >> 3);
}

/**
 * The skiplist form (OBJECT ENCODING "skiplist", and sets too big to pack).
 * Nothing per member lives on the JS heap: each node's block in the node heap
 * holds its member's bytes, and the dict is an open-addressing table (linear
 * probing, backward-shift deletion, load at most 3/4) of node handles, hashed
 * from the member's bytes and compared with them. So a member costs its block
 * (about 60 bytes for `member:N`) and 5-11 bytes of table and slot array, and
 * a load leaves nothing for V8's scavenges to copy.
 */
class SkipList implements ZStore {
  // Node heap: three views on one buffer. Handle 0 is the skiplist header.
  private fv: Float64Array;
  private iv: Int32Array;
  private u8: Uint8Array;
  private capUnits: number;
  private top: number;
  // Freed blocks by their size in units; freeCount their number.
  private free = new Map<number, number[]>();
  private freeCount = 0;
  // The dict: node handles by hash, 0 empty.
  private table: Int32Array;
  private mask: number;
  // dense[slot] = handle; each node holds its slot.
  private dense: Int32Array;
  // Skiplist state.
  private level = 1;
  private tail = 0;
  private len = 0;
  foundRank = 0;
  // The last member hashed (ZADD looks a member up, then inserts it).
  private hashed = "";
  private hashedHash = hashMember("");

  constructor(initialCapacity = 8, copyOf?: SkipList) {
    if (copyOf !== undefined) {
      const buf = (copyOf.fv.buffer as ArrayBuffer).slice(0);
      this.fv = new Float64Array(buf);
      this.iv = new Int32Array(buf);
      this.u8 = new Uint8Array(buf);
      this.capUnits = copyOf.capUnits;
      this.top = copyOf.top;
      for (const [u, fl] of copyOf.free) this.free.set(u, fl.slice());
      this.freeCount = copyOf.freeCount;
      this.table = copyOf.table.slice();
      this.mask = copyOf.mask;
      this.dense = copyOf.dense.slice();
      this.level = copyOf.level;
      this.tail = copyOf.tail;
      this.len = copyOf.len;
      return;
    }
    const cap = Math.max(4, initialCapacity);
    this.dense = new Int32Array(cap);
    this.table = new Int32Array(pow2AtLeast(Math.ceil(cap * 4 / 3), 8));
    this.mask = this.table.length - 1;
    this.capUnits = HEADER_UNITS + MAX_LEVEL + cap * EST_NODE_UNITS;
    const buf = new ArrayBuffer(this.capUnits * 8);
    this.fv = new Float64Array(buf);
    this.iv = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.top = HEADER_UNITS + MAX_LEVEL;
    this.iv[LVL] = MAX_LEVEL;
  }

  /** Node heap, table and slot array as allocated (they grow by doubling, never shrink). */
  memoryUsage(): number {
    return SKIPLIST_BYTES + this.capUnits * 8 + this.table.length * 4 + this.dense.length * 4;
  }

  recomputeMemoryUsage(): number {
    return SKIPLIST_BYTES + this.fv.buffer.byteLength + this.table.buffer.byteLength +
      this.dense.buffer.byteLength;
  }

  // ---------------------------------------------------------------------------
  // Storage management.

  private growHeap(need: number): void {
    let cap = this.capUnits * 2;
    while (cap < need) cap *= 2;
    // transfer: the old heap's memory is released now, not at V8's next GC.
    const buf = (this.fv.buffer as ArrayBuffer).transfer(cap * 8);
    this.fv = new Float64Array(buf);
    this.iv = new Int32Array(buf);
    this.u8 = new Uint8Array(buf);
    this.capUnits = cap;
  }

  /** Byte offset of node `x`'s member (its length is the word before). */
  private memOff(x: number): number {
    return (x + HEADER_UNITS + this.iv[(x << 1) + LVL]) * 8 + 4;
  }

  private memLen(x: number): number {
    return this.iv[(x + HEADER_UNITS + this.iv[(x << 1) + LVL]) << 1];
  }

  private hashOf(member: string): number {
    if (member === this.hashed) return this.hashedHash;
    const h = hashMember(member);
    this.hashed = member;
    this.hashedHash = h;
    return h;
  }

  private allocNode(level: number, score: number, member: string, hash: number): number {
    const n = member.length;
    const units = blockUnits(level, n);
    let u = 0;
    if (this.freeCount > 0) {
      const fl = this.free.get(units);
      if (fl !== undefined && fl.length > 0) {
        u = fl.pop()!;
        this.freeCount--;
      }
    }
    if (u === 0) {
      u = this.top;
      this.top += units;
      if (this.top > this.capUnits) this.growHeap(this.top);
    }
    const b = u << 1;
    const iv = this.iv;
    this.fv[u] = score;
    iv[b + LVL] = level;
    iv[b + HASH] = hash;
    const m = (u + HEADER_UNITS + level) << 1;
    iv[m] = n;
    const u8 = this.u8;
    const p = m * 4 + 4;
    for (let i = 0; i < n; i++) u8[p + i] = member.charCodeAt(i);
    return u;
  }

  private freeNode(x: number): void {
    const units = blockUnits(this.iv[(x << 1) + LVL], this.memLen(x));
    let fl = this.free.get(units);
    if (fl === undefined) this.free.set(units, fl = []);
    fl.push(x);
    this.freeCount++;
  }

  /** Node of `member` (whose hash is `h`), or 0. */
  private find(member: string, h: number): number {
    const table = this.table;
    const iv = this.iv;
    const mask = this.mask;
    const n = member.length;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const x = table[i];
      if (x === 0) return 0;
      if (iv[(x << 1) + HASH] !== h) continue;
      const m = (x + HEADER_UNITS + iv[(x << 1) + LVL]) << 1;
      if (iv[m] !== n) continue;
      const u8 = this.u8;
      const p = m * 4 + 4;
      let j = 0;
      while (j < n && u8[p + j] === member.charCodeAt(j)) j++;
      if (j === n) return x;
    }
  }

  private tableAdd(x: number, h: number): void {
    if ((this.len + 1) * 4 > this.table.length * 3) this.growTable();
    const table = this.table;
    const mask = this.mask;
    let i = h & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = x;
  }

  private growTable(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    const iv = this.iv;
    const dense = this.dense;
    for (let s = 0; s < this.len; s++) {
      const x = dense[s];
      let i = iv[(x << 1) + HASH] & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = x;
    }
    this.table = table;
    this.mask = mask;
  }

  // Backward-shift deletion: the entries after the hole that may move into it do.
  private tableRemove(x: number): void {
    const table = this.table;
    const iv = this.iv;
    const mask = this.mask;
    let i = iv[(x << 1) + HASH] & mask;
    while (table[i] !== x) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const y = table[j];
      if (y === 0) break;
      const k = iv[(y << 1) + HASH] & mask;
      // y stays when its home k lies cyclically in (i, j].
      if (i <= j ? (k > i && k <= j) : (k > i || k <= j)) continue;
      table[i] = y;
      i = j;
    }
    table[i] = 0;
  }

  /**
   * Order of node `a` against node `b` by (score, member): member bytes
   * compared as memcmp, then length.
   */
  private before(a: number, b: number): boolean {
    const fv = this.fv;
    const sa = fv[a], sb = fv[b];
    if (sa !== sb) return sa < sb;
    return this.cmpMembers(a, b) < 0;
  }

  private cmpMembers(a: number, b: number): number {
    const iv = this.iv;
    const u8 = this.u8;
    const ma = (a + HEADER_UNITS + iv[(a << 1) + LVL]) << 1;
    const mb = (b + HEADER_UNITS + iv[(b << 1) + LVL]) << 1;
    const la = iv[ma], lb = iv[mb];
    const pa = ma * 4 + 4, pb = mb * 4 + 4;
    const n = la < lb ? la : lb;
    for (let i = 0; i < n; i++) {
      const d = u8[pa + i] - u8[pb + i];
      if (d !== 0) return d;
    }
    return la - lb;
  }

  /** Links an allocated node into the skiplist (zslInsert). */
  private link(x: number): void {
    const iv = this.iv;
    const fv = this.fv;
    const rank = rankAcc;
    const score = fv[x];
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0) {
        const s = fv[nx];
        if (s < score || (s === score && this.cmpMembers(nx, x) < 0)) {
          rank[i] += iv[(h << 1) + SPAN + li];
          h = nx;
        } else break;
      }
      update[i] = h;
    }
    const xb = x << 1;
    const lvl = iv[xb + LVL];
    if (lvl > this.level) {
      for (let i = this.level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = 0;
        iv[SPAN + 2 * i] = this.len; // header block
      }
      this.level = lvl;
    }
    for (let i = 0; i < lvl; i++) {
      const ub = (update[i] << 1) + 2 * i;
      const xl = xb + 2 * i;
      iv[xl + FWD] = iv[ub + FWD];
      iv[ub + FWD] = x;
      iv[xl + SPAN] = iv[ub + SPAN] - (rank[0] - rank[i]);
      iv[ub + SPAN] = rank[0] - rank[i] + 1;
    }
    for (let i = lvl; i < this.level; i++) iv[(update[i] << 1) + SPAN + 2 * i]++;
    iv[xb + BACK] = update[0];
    const f0 = iv[xb + FWD];
    if (f0 !== 0) iv[(f0 << 1) + BACK] = x;
    else this.tail = x;
    this.len++;
  }

  /** Fills `update` with the predecessors of linked node `x` on each level. */
  private findUpdate(x: number): void {
    const iv = this.iv;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && nx !== x && this.before(nx, x)) h = nx;
      update[i] = h;
    }
  }

  /** Unlinks node `x` given a filled `update` (zslDeleteNode). */
  private unlink(x: number): void {
    const iv = this.iv;
    const xb = x << 1;
    for (let i = 0; i < this.level; i++) {
      const ub = (update[i] << 1) + 2 * i;
      if (iv[ub + FWD] === x) {
        iv[ub + SPAN] += iv[xb + SPAN + 2 * i] - 1;
        iv[ub + FWD] = iv[xb + FWD + 2 * i];
      } else {
        iv[ub + SPAN]--;
      }
    }
    const f0 = iv[xb + FWD];
    if (f0 !== 0) iv[(f0 << 1) + BACK] = iv[xb + BACK];
    else this.tail = iv[xb + BACK];
    while (this.level > 1 && iv[FWD + 2 * (this.level - 1)] === 0) this.level--;
    this.len--;
  }

  /** Removes node `x` (already unlinked) from dict, dense array and heap. */
  private dropNode(x: number): void {
    this.tableRemove(x);
    const iv = this.iv;
    const i = iv[(x << 1) + SLOT];
    const moved = this.dense[this.len]; // len already decremented by unlink
    this.dense[i] = moved;
    iv[(moved << 1) + SLOT] = i;
    this.freeNode(x);
  }

  private removeNode(x: number): void {
    this.findUpdate(x);
    this.unlink(x);
    this.dropNode(x);
  }

  // ---------------------------------------------------------------------------
  // Element operations.

  /** Number of members (ZCARD). */
  get size(): number {
    return this.len;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.len;
  }

  /** Score of `member`, or undefined (ZSCORE). */
  score(member: string): number | undefined {
    const x = this.find(member, this.hashOf(member));
    return x === 0 ? undefined : this.fv[x];
  }

  /** Whether `member` is in the set. */
  has(member: string): boolean {
    return this.find(member, this.hashOf(member)) !== 0;
  }

  add(member: string, score: number): ZAddResult {
    const x = this.find(member, this.hashOf(member));
    if (x !== 0) {
      if (this.fv[x] === score) return "unchanged";
      this.updateNode(x, score);
      return "updated";
    }
    this.insert(member, score);
    return "added";
  }

  insert(member: string, score: number): void {
    const h = this.hashOf(member);
    const u = this.allocNode(randomLevel(), score, member, h);
    this.link(u);
    this.tableAdd(u, h);
    const slot = this.len - 1;
    if (slot >= this.dense.length) {
      this.dense = new Int32Array(
        (this.dense.buffer as ArrayBuffer).transfer(this.dense.length * 8),
      );
    }
    this.iv[(u << 1) + SLOT] = slot;
    this.dense[slot] = u;
  }

  // zslUpdateScore: in place when the order is unchanged, else relink the same
  // node (keeping its dense slot so a running ZSCAN is not disturbed).
  private updateNode(x: number, score: number): void {
    const iv = this.iv;
    const fv = this.fv;
    const xb = x << 1;
    const b = iv[xb + BACK];
    const f = iv[xb + FWD];
    const afterPrev = b === 0 || fv[b] < score || (fv[b] === score && this.cmpMembers(b, x) < 0);
    const beforeNext = f === 0 || fv[f] > score ||
      (fv[f] === score && this.cmpMembers(f, x) > 0);
    if (afterPrev && beforeNext) {
      fv[x] = score;
      return;
    }
    this.findUpdate(x);
    this.unlink(x);
    fv[x] = score;
    this.link(x);
  }

  /** Removes `member`; returns whether it was present (ZREM). */
  remove(member: string): boolean {
    const x = this.find(member, this.hashOf(member));
    if (x === 0) return false;
    this.removeNode(x);
    return true;
  }

  /**
   * 0-based rank of `member` (ZRANK; ZREVRANK with `reverse`), or -1 when
   * absent. O(log n).
   */
  rank(member: string, reverse: boolean): number {
    const x = this.find(member, this.hashOf(member));
    if (x === 0) return -1;
    const r = this.rank1(x);
    return reverse ? this.len - r : r - 1;
  }

  // zslGetRank: 1-based rank of linked node `x`.
  private rank1(x: number): number {
    const iv = this.iv;
    let rank = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && (nx === x || this.before(nx, x))) {
        rank += iv[(h << 1) + SPAN + li];
        h = nx;
      }
      if (h === x) return rank;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------
  // Node handles.

  /** Member of node `h`. */
  memberOf(h: number): string {
    return memberString(this.u8, this.memOff(h), this.memLen(h));
  }

  memberRef(h: number): Uint8Array {
    refOff = this.memOff(h);
    refLen = this.memLen(h);
    return this.u8;
  }

  /** Score of node `h`. */
  scoreOf(h: number): number {
    return this.fv[h];
  }

  /** Next node towards higher scores, or 0. */
  next(h: number): number {
    return this.iv[(h << 1) + FWD];
  }

  /** Previous node towards lower scores, or 0. */
  prev(h: number): number {
    return this.iv[(h << 1) + BACK];
  }

  /** Lowest-ranked node, or 0. */
  firstNode(): number {
    return this.iv[FWD];
  }

  /** Highest-ranked node, or 0. */
  lastNode(): number {
    return this.tail;
  }

  /** 0-based ascending rank of node `h`. O(log n). */
  rankOf(h: number): number {
    return this.rank1(h) - 1;
  }

  /**
   * Node at 0-based ascending rank, or 0 when out of range. O(log n)
   * (zslGetElementByRank).
   */
  nodeAtRank(rank: number): number {
    if (rank < 0 || rank >= this.len) return 0;
    const target = rank + 1;
    const iv = this.iv;
    let traversed = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while (
        (nx = iv[(h << 1) + FWD + li]) !== 0 && traversed + iv[(h << 1) + SPAN + li] <= target
      ) {
        traversed += iv[(h << 1) + SPAN + li];
        h = nx;
      }
      if (traversed === target) return h;
    }
    return 0;
  }

  /**
   * First node (lowest) within the score range, or 0. O(log n).
   * {@link lastFoundRank} then holds its 0-based rank.
   */
  firstInRange(r: ZRangeSpec): number {
    if (!this.scoreRangeNonEmpty(r)) return 0;
    const iv = this.iv;
    const fv = this.fv;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && !scoreGteMin(fv[nx], r)) {
        rank += iv[(h << 1) + SPAN + li];
        h = nx;
      }
    }
    const x = iv[(h << 1) + FWD];
    if (x === 0 || !scoreLteMax(fv[x], r)) return 0;
    this.foundRank = rank;
    return x;
  }

  /** Last node (highest) within the score range, or 0. Sets {@link lastFoundRank}. */
  lastInRange(r: ZRangeSpec): number {
    if (!this.scoreRangeNonEmpty(r)) return 0;
    const iv = this.iv;
    const fv = this.fv;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && scoreLteMax(fv[nx], r)) {
        rank += iv[(h << 1) + SPAN + li];
        h = nx;
      }
    }
    if (h === 0 || !scoreGteMin(fv[h], r)) return 0;
    this.foundRank = rank - 1;
    return h;
  }

  /** lexGteMin for node `x`'s member. */
  private gteMin(x: number, r: ZLexRangeSpec): boolean {
    return packedGteMin(this.u8, this.memOff(x), this.memLen(x), r);
  }

  /** lexLteMax for node `x`'s member. */
  private lteMax(x: number, r: ZLexRangeSpec): boolean {
    return packedLteMax(this.u8, this.memOff(x), this.memLen(x), r);
  }

  /** First node within the lex range, or 0. Sets {@link lastFoundRank}. */
  firstInLexRange(r: ZLexRangeSpec): number {
    if (!this.lexRangeNonEmpty(r)) return 0;
    const iv = this.iv;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && !this.gteMin(nx, r)) {
        rank += iv[(h << 1) + SPAN + li];
        h = nx;
      }
    }
    const x = iv[(h << 1) + FWD];
    if (x === 0 || !this.lteMax(x, r)) return 0;
    this.foundRank = rank;
    return x;
  }

  /** Last node within the lex range, or 0. Sets {@link lastFoundRank}. */
  lastInLexRange(r: ZLexRangeSpec): number {
    if (!this.lexRangeNonEmpty(r)) return 0;
    const iv = this.iv;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && this.lteMax(nx, r)) {
        rank += iv[(h << 1) + SPAN + li];
        h = nx;
      }
    }
    if (h === 0 || !this.gteMin(h, r)) return 0;
    this.foundRank = rank - 1;
    return h;
  }

  // zslIsInRange.
  private scoreRangeNonEmpty(r: ZRangeSpec): boolean {
    if (!isValidScoreRange(r)) return false;
    if (this.tail === 0 || !scoreGteMin(this.fv[this.tail], r)) return false;
    const first = this.iv[FWD];
    return first !== 0 && scoreLteMax(this.fv[first], r);
  }

  // zslIsInLexRange.
  private lexRangeNonEmpty(r: ZLexRangeSpec): boolean {
    if (!isValidLexRange(r)) return false;
    if (this.tail === 0 || !this.gteMin(this.tail, r)) return false;
    const first = this.iv[FWD];
    return first !== 0 && this.lteMax(first, r);
  }

  // ---------------------------------------------------------------------------
  // Ranges.

  /**
   * Visits ranks `start..stop` (0-based, inclusive, already normalized:
   * 0 <= start <= stop; stop is clipped to size - 1). With `reverse`, rank 0
   * is the highest score (ZRANGE ... REV / ZREVRANGE).
   */
  rangeByRank(
    start: number,
    stop: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    if (start < 0 || start > stop || start >= this.len) return;
    if (stop >= this.len) stop = this.len - 1;
    let n = stop - start + 1;
    let x = this.nodeAtRank(reverse ? this.len - 1 - start : start);
    const iv = this.iv;
    const link = reverse ? BACK : FWD;
    while (x !== 0 && n-- > 0) {
      visit(this.memberOf(x), this.fv[x]);
      x = iv[(x << 1) + link];
    }
  }

  /**
   * Visits members with score in range, ascending (or descending with
   * `reverse`), skipping `offset` matches and emitting at most `limit`
   * (negative = no limit), like ZRANGEBYSCORE ... LIMIT. The offset is
   * skipped in O(log n).
   */
  rangeByScore(
    r: ZRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    let x = reverse ? this.lastInRange(r) : this.firstInRange(r);
    if (x === 0 || limit === 0) return;
    if (offset > 0) {
      x = this.nodeAtRank(reverse ? this.foundRank - offset : this.foundRank + offset);
    }
    const iv = this.iv;
    const link = reverse ? BACK : FWD;
    while (x !== 0 && limit !== 0) {
      const s = this.fv[x];
      if (reverse ? !scoreGteMin(s, r) : !scoreLteMax(s, r)) break;
      visit(this.memberOf(x), s);
      if (limit > 0) limit--;
      x = iv[(x << 1) + link];
    }
  }

  /** Like {@link rangeByScore} for a lex range (ZRANGEBYLEX ... LIMIT). */
  rangeByLex(
    r: ZLexRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    let x = reverse ? this.lastInLexRange(r) : this.firstInLexRange(r);
    if (x === 0 || limit === 0) return;
    if (offset > 0) {
      x = this.nodeAtRank(reverse ? this.foundRank - offset : this.foundRank + offset);
    }
    const iv = this.iv;
    const link = reverse ? BACK : FWD;
    while (x !== 0 && limit !== 0) {
      if (reverse ? !this.gteMin(x, r) : !this.lteMax(x, r)) break;
      visit(this.memberOf(x), this.fv[x]);
      if (limit > 0) limit--;
      x = iv[(x << 1) + link];
    }
  }

  /** Visits all members in ascending order (ZRANGE 0 -1's order). */
  forEach(visit: (member: string, score: number) => void): void {
    const iv = this.iv;
    for (let x = iv[FWD]; x !== 0; x = iv[(x << 1) + FWD]) visit(this.memberOf(x), this.fv[x]);
  }

  // ---------------------------------------------------------------------------
  // Range deletion and pops.

  /**
   * Removes ranks `start..stop` (0-based ascending, inclusive, normalized).
   * Returns the number removed (ZREMRANGEBYRANK).
   */
  deleteRangeByRank(start: number, stop: number): number {
    if (start < 0) start = 0;
    if (stop >= this.len) stop = this.len - 1;
    if (start > stop) return 0;
    const iv = this.iv;
    let traversed = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while (
        (nx = iv[(h << 1) + FWD + li]) !== 0 && traversed + iv[(h << 1) + SPAN + li] < start + 1
      ) {
        traversed += iv[(h << 1) + SPAN + li];
        h = nx;
      }
      update[i] = h;
    }
    traversed++;
    let x = iv[(h << 1) + FWD];
    let removed = 0;
    while (x !== 0 && traversed <= stop + 1) {
      const next = iv[(x << 1) + FWD];
      this.unlink(x);
      this.dropNode(x);
      removed++;
      traversed++;
      x = next;
    }
    return removed;
  }

  /** Removes members with score in range; returns the count (ZREMRANGEBYSCORE). */
  deleteRangeByScore(r: ZRangeSpec): number {
    if (!isValidScoreRange(r)) return 0;
    const iv = this.iv;
    const fv = this.fv;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && !scoreGteMin(fv[nx], r)) h = nx;
      update[i] = h;
    }
    let x = iv[(h << 1) + FWD];
    let removed = 0;
    while (x !== 0 && scoreLteMax(fv[x], r)) {
      const next = iv[(x << 1) + FWD];
      this.unlink(x);
      this.dropNode(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** Removes members in lex range; returns the count (ZREMRANGEBYLEX). */
  deleteRangeByLex(r: ZLexRangeSpec): number {
    if (!isValidLexRange(r)) return 0;
    const iv = this.iv;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const li = 2 * i;
      let nx: number;
      while ((nx = iv[(h << 1) + FWD + li]) !== 0 && !this.gteMin(nx, r)) h = nx;
      update[i] = h;
    }
    let x = iv[(h << 1) + FWD];
    let removed = 0;
    while (x !== 0 && this.lteMax(x, r)) {
      const next = iv[(x << 1) + FWD];
      this.unlink(x);
      this.dropNode(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** Removes and returns the lowest-scored entry (ZPOPMIN). */
  popMin(): ZEntry | undefined {
    const x = this.iv[FWD];
    if (x === 0) return undefined;
    const e = { member: this.memberOf(x), score: this.fv[x] };
    this.removeNode(x);
    return e;
  }

  /** Removes and returns the highest-scored entry (ZPOPMAX). */
  popMax(): ZEntry | undefined {
    const x = this.tail;
    if (x === 0) return undefined;
    const e = { member: this.memberOf(x), score: this.fv[x] };
    this.removeNode(x);
    return e;
  }

  // ---------------------------------------------------------------------------
  // Random access and SCAN over the dense slot array.

  /** A uniformly random member, or undefined when empty. O(1). */
  randomMember(): string | undefined {
    if (this.len === 0) return undefined;
    return this.memberOf(this.dense[Math.floor(Math.random() * this.len)]);
  }

  /**
   * Member in dense slot `i` (0 <= i < size). Slots are an arbitrary order
   * that is stable until the next removal; use with random indexes to sample
   * distinct members (ZRANDMEMBER with a count).
   */
  memberAtSlot(i: number): string {
    return this.memberOf(this.dense[i]);
  }

  /** Score in dense slot `i`. */
  scoreAtSlot(i: number): number {
    return this.fv[this.dense[i]];
  }

  /**
   * One ZSCAN step over the dense slots from the top down: cursor `c` means
   * "slots below c remain", 0 starts a new scan; returns the next cursor, 0
   * when done. Members present for the whole scan are visited at least once,
   * even if the set grows or shrinks in between (deletion moves the last slot
   * into the hole, which never moves an unvisited member above the cursor).
   * (For a listpack, Redis replies with everything at once and cursor 0: use
   * {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    const n = this.len;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) {
      const x = this.dense[i];
      visit(this.memberOf(x), this.fv[x]);
    }
    return stop;
  }

  /** Checks internal invariants (tests only); throws on corruption. */
  checkInvariants(): void {
    const iv = this.iv;
    let count = 0;
    let prev = 0;
    for (let x = iv[FWD]; x !== 0; x = iv[(x << 1) + FWD]) {
      count++;
      if (iv[(x << 1) + BACK] !== prev) throw new Error("bad backward link");
      if (prev !== 0) {
        const ps = this.fv[prev];
        const s = this.fv[x];
        if (ps > s || (ps === s && this.memberOf(prev) >= this.memberOf(x))) {
          throw new Error("bad order");
        }
      }
      const m = this.memberOf(x);
      if (iv[(x << 1) + HASH] !== hashMember(m)) throw new Error("bad hash");
      if (this.find(m, hashMember(m)) !== x) throw new Error("dict mismatch");
      if (this.dense[iv[(x << 1) + SLOT]] !== x) throw new Error("dense mismatch");
      prev = x;
    }
    if (prev !== this.tail) throw new Error("bad tail");
    let inTable = 0;
    for (let i = 0; i < this.table.length; i++) if (this.table[i] !== 0) inTable++;
    if (count !== this.len || inTable !== this.len) throw new Error("bad length");
    // Spans: every level's spans must add up to the rank distance.
    for (let i = 0; i < this.level; i++) {
      let h = 0;
      let rank = 0;
      while (true) {
        const nx = iv[(h << 1) + FWD + 2 * i];
        if (nx === 0) break;
        rank += iv[(h << 1) + SPAN + 2 * i];
        if (this.rank1(nx) !== rank) throw new Error("bad span");
        h = nx;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The packed form.

// A score's 8 bytes go through this pair (native byte order: they never leave
// the process as such).
const scoreF64 = new Float64Array(1);
const scoreU8 = new Uint8Array(scoreF64.buffer);

function readScore(buf: Uint8Array, p: number): number {
  for (let i = 0; i < 8; i++) scoreU8[i] = buf[p + i];
  return scoreF64[0];
}

function writeScore(buf: Uint8Array, p: number, score: number): void {
  scoreF64[0] = score;
  for (let i = 0; i < 8; i++) buf[p + i] = scoreU8[i];
}

/** memcmp-then-length order of `len` bytes at `off` against binary string `s`. */
function cmpBytes(buf: Uint8Array, off: number, len: number, s: string): number {
  const n = len < s.length ? len : s.length;
  for (let i = 0; i < n; i++) {
    const d = buf[off + i] - s.charCodeAt(i);
    if (d !== 0) return d;
  }
  return len - s.length;
}

/** lexGteMin for a packed member. */
function packedGteMin(buf: Uint8Array, off: number, len: number, r: ZLexRangeSpec): boolean {
  const min = r.min;
  if (typeof min === "number") return min < 0;
  const c = cmpBytes(buf, off, len, min);
  return r.minex ? c > 0 : c >= 0;
}

/** lexLteMax for a packed member. */
function packedLteMax(buf: Uint8Array, off: number, len: number, r: ZLexRangeSpec): boolean {
  const max = r.max;
  if (typeof max === "number") return max > 0;
  const c = cmpBytes(buf, off, len, max);
  return r.maxex ? c < 0 : c <= 0;
}

// Plain arrays of each short length, reused to build member strings without a
// view per member (fromCharCode.apply over a subarray costs several times more).
const charScratch: number[][] = [];
for (let i = 0; i <= 64; i++) charScratch.push(new Array<number>(i).fill(0));

function memberString(buf: Uint8Array, off: number, len: number): string {
  if (len > 64) return bytesToBinary(buf.subarray(off, off + len));
  const a = charScratch[len];
  for (let i = 0; i < len; i++) a[i] = buf[off + i];
  return String.fromCharCode.apply(null, a);
}

const NO_BYTES = new Uint8Array(0);

/**
 * The packed form of a listpack-encoded set: (member, score) entries in
 * (score, member) order in one byte buffer, each framed by packed_entries.ts
 * with the member's bytes then the score's 8. Operations are O(n), as on a
 * listpack; handles are 1-based positions. A cursor remembers the last
 * position found, so walking by handles is O(1) a step.
 */
class PackedZset implements ZStore {
  private buf: Uint8Array = NO_BYTES;
  private end = 0;
  private len = 0;
  // Cursor: entry `ci` starts at `co` (ci === len: co === end).
  private ci = 0;
  private co = 0;
  foundRank = 0;

  get length(): number {
    return this.len;
  }

  memoryUsage(): number {
    return ZSET_PACKED_BYTES + this.buf.length;
  }

  recomputeMemoryUsage(): number {
    return ZSET_PACKED_BYTES + this.buf.length;
  }

  /** Start of entry `i` (0 <= i <= len), walking from the nearest known position. */
  private off(i: number): number {
    const ci = this.ci;
    if (i === ci) return this.co;
    const buf = this.buf;
    let k: number;
    let p: number;
    if (i > ci ? i - ci <= this.len - i : i >= ci - i) {
      // Forward from the cursor, or backwards from it.
      k = ci;
      p = this.co;
    } else if (i > ci) {
      k = this.len;
      p = this.end;
    } else {
      k = 0;
      p = 0;
    }
    // Skipping, a one-byte length needs no decoding.
    for (; k < i; k++) {
      const b = buf[p];
      p = b < 0x80 ? p + b + 2 : readAt(buf, p);
    }
    for (; k > i; k--) {
      const b = buf[p - 1];
      p = b < 0x80 ? p - b - 2 : readBefore(buf, p);
    }
    this.ci = i;
    this.co = p;
    return p;
  }

  private resetCursor(): void {
    this.ci = 0;
    this.co = 0;
  }

  /** Position of `member`, or -1; the cursor is left on it. */
  private find(member: string): number {
    const buf = this.buf;
    const mlen = member.length + 8;
    let p = 0;
    for (let i = 0; i < this.len; i++) {
      const q = readAt(buf, p);
      if (gLen === mlen && cmpBytes(buf, gOff, gLen - 8, member) === 0) {
        this.ci = i;
        this.co = p;
        return i;
      }
      p = q;
    }
    return -1;
  }

  /** Makes `n` bytes of room at `p`. */
  private open(p: number, n: number): void {
    const need = this.end + n;
    if (need > this.buf.length) {
      const nb = new Uint8Array(need + (need >> 2) + 8);
      nb.set(this.buf.subarray(0, p));
      nb.set(this.buf.subarray(p, this.end), p + n);
      this.buf = nb;
    } else {
      this.buf.copyWithin(p + n, p, this.end);
    }
    this.end = need;
  }

  /** Removes the bytes [p, q). */
  private close(p: number, q: number): void {
    const buf = this.buf;
    buf.copyWithin(p, q, this.end);
    this.end -= q - p;
    if (buf.length > 64 && this.end < buf.length >> 2) this.buf = buf.slice(0, this.end);
    this.resetCursor();
  }

  private writeAt(p: number, member: string, score: number): void {
    const buf = this.buf;
    const m = member.length;
    const d = writeFrame(buf, p, m + 8);
    for (let i = 0; i < m; i++) buf[d + i] = member.charCodeAt(i);
    writeScore(buf, d + m, score);
  }

  /** Inserts a member known to be absent at its place in the order. */
  insert(member: string, score: number): void {
    const buf = this.buf;
    let p = 0;
    for (let i = 0; i < this.len; i++) {
      const q = readAt(buf, p);
      const s = readScore(buf, gOff + gLen - 8);
      if (s > score || (s === score && cmpBytes(buf, gOff, gLen - 8, member) > 0)) break;
      p = q;
    }
    const size = packedSize(member.length + 8);
    this.open(p, size);
    this.writeAt(p, member, score);
    this.len++;
    this.resetCursor();
  }

  /** Appends a member that sorts after every present one (building from a sorted source). */
  append(member: string, score: number): void {
    const p = this.end;
    this.open(p, packedSize(member.length + 8));
    this.writeAt(p, member, score);
    this.len++;
  }

  private removeAt(i: number): void {
    const p = this.off(i);
    this.close(p, readAt(this.buf, p));
    this.len--;
  }

  score(member: string): number | undefined {
    if (this.find(member) < 0) return undefined;
    return readScore(this.buf, gOff + gLen - 8);
  }

  has(member: string): boolean {
    return this.find(member) >= 0;
  }

  add(member: string, score: number): ZAddResult {
    const i = this.find(member);
    if (i >= 0) {
      if (readScore(this.buf, gOff + gLen - 8) === score) return "unchanged";
      this.removeAt(i);
      this.insert(member, score);
      return "updated";
    }
    this.insert(member, score);
    return "added";
  }

  remove(member: string): boolean {
    const i = this.find(member);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  rank(member: string, reverse: boolean): number {
    const i = this.find(member);
    return i < 0 ? -1 : reverse ? this.len - 1 - i : i;
  }

  memberOf(h: number): string {
    readAt(this.buf, this.off(h - 1));
    return memberString(this.buf, gOff, gLen - 8);
  }

  memberRef(h: number): Uint8Array {
    readAt(this.buf, this.off(h - 1));
    refOff = gOff;
    refLen = gLen - 8;
    return this.buf;
  }

  scoreOf(h: number): number {
    readAt(this.buf, this.off(h - 1));
    return readScore(this.buf, gOff + gLen - 8);
  }

  next(h: number): number {
    return h < this.len ? h + 1 : 0;
  }

  prev(h: number): number {
    return h - 1;
  }

  firstNode(): number {
    return this.len > 0 ? 1 : 0;
  }

  lastNode(): number {
    return this.len;
  }

  rankOf(h: number): number {
    return h - 1;
  }

  nodeAtRank(rank: number): number {
    return rank >= 0 && rank < this.len ? rank + 1 : 0;
  }

  firstInRange(r: ZRangeSpec): number {
    if (!isValidScoreRange(r)) return 0;
    const buf = this.buf;
    let p = 0;
    for (let i = 0; i < this.len; i++) {
      const q = readAt(buf, p);
      const s = readScore(buf, gOff + gLen - 8);
      if (scoreGteMin(s, r)) {
        if (!scoreLteMax(s, r)) return 0;
        this.ci = i;
        this.co = p;
        this.foundRank = i;
        return i + 1;
      }
      p = q;
    }
    return 0;
  }

  lastInRange(r: ZRangeSpec): number {
    if (!isValidScoreRange(r)) return 0;
    const buf = this.buf;
    let p = this.end;
    for (let i = this.len - 1; i >= 0; i--) {
      p = readBefore(buf, p);
      const s = readScore(buf, gOff + gLen - 8);
      if (scoreLteMax(s, r)) {
        if (!scoreGteMin(s, r)) return 0;
        this.ci = i;
        this.co = p;
        this.foundRank = i;
        return i + 1;
      }
    }
    return 0;
  }

  firstInLexRange(r: ZLexRangeSpec): number {
    if (!isValidLexRange(r)) return 0;
    const buf = this.buf;
    let p = 0;
    for (let i = 0; i < this.len; i++) {
      const q = readAt(buf, p);
      if (packedGteMin(buf, gOff, gLen - 8, r)) {
        if (!packedLteMax(buf, gOff, gLen - 8, r)) return 0;
        this.ci = i;
        this.co = p;
        this.foundRank = i;
        return i + 1;
      }
      p = q;
    }
    return 0;
  }

  lastInLexRange(r: ZLexRangeSpec): number {
    if (!isValidLexRange(r)) return 0;
    const buf = this.buf;
    let p = this.end;
    for (let i = this.len - 1; i >= 0; i--) {
      p = readBefore(buf, p);
      if (packedLteMax(buf, gOff, gLen - 8, r)) {
        if (!packedGteMin(buf, gOff, gLen - 8, r)) return 0;
        this.ci = i;
        this.co = p;
        this.foundRank = i;
        return i + 1;
      }
    }
    return 0;
  }

  /** Visits `n` entries from position `i`, towards the end or (reverse) the start. */
  private walk(
    i: number,
    n: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    const buf = this.buf;
    if (!reverse) {
      let p = this.off(i);
      for (; n > 0 && i < this.len; n--, i++) {
        p = readAt(buf, p);
        visit(memberString(buf, gOff, gLen - 8), readScore(buf, gOff + gLen - 8));
      }
    } else {
      let q = this.off(i + 1);
      for (; n > 0 && i >= 0; n--, i--) {
        q = readBefore(buf, q);
        visit(memberString(buf, gOff, gLen - 8), readScore(buf, gOff + gLen - 8));
      }
    }
  }

  rangeByRank(
    start: number,
    stop: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    if (start < 0 || start > stop || start >= this.len) return;
    if (stop >= this.len) stop = this.len - 1;
    this.walk(reverse ? this.len - 1 - start : start, stop - start + 1, reverse, visit);
  }

  rangeByScore(
    r: ZRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    if ((reverse ? this.lastInRange(r) : this.firstInRange(r)) === 0 || limit === 0) return;
    let i = reverse ? this.foundRank - offset : this.foundRank + offset;
    const buf = this.buf;
    if (i < 0 || i >= this.len) return;
    if (!reverse) {
      let p = this.off(i);
      for (; limit !== 0 && i < this.len; i++) {
        p = readAt(buf, p);
        const s = readScore(buf, gOff + gLen - 8);
        if (!scoreLteMax(s, r)) break;
        visit(memberString(buf, gOff, gLen - 8), s);
        if (limit > 0) limit--;
      }
    } else {
      let q = this.off(i + 1);
      for (; limit !== 0 && i >= 0; i--) {
        q = readBefore(buf, q);
        const s = readScore(buf, gOff + gLen - 8);
        if (!scoreGteMin(s, r)) break;
        visit(memberString(buf, gOff, gLen - 8), s);
        if (limit > 0) limit--;
      }
    }
  }

  rangeByLex(
    r: ZLexRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    if ((reverse ? this.lastInLexRange(r) : this.firstInLexRange(r)) === 0 || limit === 0) return;
    let i = reverse ? this.foundRank - offset : this.foundRank + offset;
    const buf = this.buf;
    if (i < 0 || i >= this.len) return;
    if (!reverse) {
      let p = this.off(i);
      for (; limit !== 0 && i < this.len; i++) {
        p = readAt(buf, p);
        if (!packedLteMax(buf, gOff, gLen - 8, r)) break;
        visit(memberString(buf, gOff, gLen - 8), readScore(buf, gOff + gLen - 8));
        if (limit > 0) limit--;
      }
    } else {
      let q = this.off(i + 1);
      for (; limit !== 0 && i >= 0; i--) {
        q = readBefore(buf, q);
        if (!packedGteMin(buf, gOff, gLen - 8, r)) break;
        visit(memberString(buf, gOff, gLen - 8), readScore(buf, gOff + gLen - 8));
        if (limit > 0) limit--;
      }
    }
  }

  forEach(visit: (member: string, score: number) => void): void {
    this.walk(0, this.len, false, visit);
  }

  /** Removes positions [a, b); returns how many. */
  private deletePositions(a: number, b: number): number {
    if (a >= b) return 0;
    const p = this.off(a);
    const q = this.off(b);
    this.close(p, q);
    this.len -= b - a;
    return b - a;
  }

  deleteRangeByRank(start: number, stop: number): number {
    if (start < 0) start = 0;
    if (stop >= this.len) stop = this.len - 1;
    if (start > stop) return 0;
    return this.deletePositions(start, stop + 1);
  }

  deleteRangeByScore(r: ZRangeSpec): number {
    if (!isValidScoreRange(r)) return 0;
    const buf = this.buf;
    let a = -1;
    let i = 0;
    for (let p = 0; i < this.len; i++) {
      p = readAt(buf, p);
      const s = readScore(buf, gOff + gLen - 8);
      if (a < 0) {
        if (scoreGteMin(s, r)) a = i;
        else continue;
      }
      if (!scoreLteMax(s, r)) break;
    }
    return a < 0 ? 0 : this.deletePositions(a, i);
  }

  deleteRangeByLex(r: ZLexRangeSpec): number {
    if (!isValidLexRange(r)) return 0;
    const buf = this.buf;
    let a = -1;
    let i = 0;
    for (let p = 0; i < this.len; i++) {
      p = readAt(buf, p);
      if (a < 0) {
        if (packedGteMin(buf, gOff, gLen - 8, r)) a = i;
        else continue;
      }
      if (!packedLteMax(buf, gOff, gLen - 8, r)) break;
    }
    return a < 0 ? 0 : this.deletePositions(a, i);
  }

  private popAt(i: number): ZEntry {
    readAt(this.buf, this.off(i));
    const e = {
      member: memberString(this.buf, gOff, gLen - 8),
      score: readScore(this.buf, gOff + gLen - 8),
    };
    this.removeAt(i);
    return e;
  }

  popMin(): ZEntry | undefined {
    return this.len > 0 ? this.popAt(0) : undefined;
  }

  popMax(): ZEntry | undefined {
    return this.len > 0 ? this.popAt(this.len - 1) : undefined;
  }

  randomMember(): string | undefined {
    if (this.len === 0) return undefined;
    return this.memberOf(1 + Math.floor(Math.random() * this.len));
  }

  memberAtSlot(i: number): string {
    return this.memberOf(i + 1);
  }

  scoreAtSlot(i: number): number {
    return this.scoreOf(i + 1);
  }

  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    const n = this.len;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    if (c > stop) this.walk(c - 1, c - stop, true, visit);
    return stop;
  }

  /** A copy (its buffer trimmed to the entries). */
  clone(): PackedZset {
    const z = new PackedZset();
    z.buf = this.buf.slice(0, this.end);
    z.end = this.end;
    z.len = this.len;
    return z;
  }

  checkInvariants(): void {
    const buf = this.buf;
    let p = 0;
    let prevScore = -Infinity;
    let prevMember: string | null = null;
    let n = 0;
    while (p < this.end) {
      p = readAt(buf, p);
      const m = memberString(buf, gOff, gLen - 8);
      const s = readScore(buf, gOff + gLen - 8);
      if (prevMember !== null && (prevScore > s || (prevScore === s && prevMember >= m))) {
        throw new Error("bad order");
      }
      prevScore = s;
      prevMember = m;
      n++;
    }
    if (p !== this.end || n !== this.len) throw new Error("bad length");
  }
}

// ---------------------------------------------------------------------------
// The sorted set: its encoding and one of the two forms.

/**
 * Most entries a set keeps packed: past this a listpack-encoded set (large
 * zset-max-listpack-entries, or sets built without limits) is stored as a
 * skiplist anyway, so no operation costs more than a walk of this many
 * entries. OBJECT ENCODING does not change.
 */
const PACKED_MAX = 256;

/** A sorted set of binary-string members with double scores. */
export class SortedSet implements CollectionValue {
  private enc: ZsetEncoding = "listpack";
  private st: ZStore;

  /**
   * An empty set, listpack encoded; `initialCapacity` sizes the skiplist
   * when it is large enough to start as one.
   */
  constructor(initialCapacity = 8) {
    this.st = initialCapacity > PACKED_MAX ? new SkipList(initialCapacity) : new PackedZset();
  }

  // ---------------------------------------------------------------------------
  // Encoding (t_zset.c zsetTypeCreate / zsetTypeMaybeConvert / zsetAdd /
  // zsetConvertToListpackIfNeeded).

  /**
   * Creates an empty set with the encoding Redis picks for the expected
   * number of elements and max member length (zsetTypeCreate): listpack when
   * `sizeHint <= entries` and `valLenHint <= value`, else skiplist.
   */
  static create(sizeHint: number, valLenHint: number, cfg: ZsetEncodingConfig): SortedSet {
    const z = new SortedSet();
    if (sizeHint > cfg.zsetMaxListpackEntries || valLenHint > cfg.zsetMaxListpackValue) {
      z.enc = "skiplist";
      z.st = new SkipList(Math.min(sizeHint, 1 << 20));
    }
    return z;
  }

  /** TYPE of the value. */
  get type(): "zset" {
    return "zset";
  }

  /** Current OBJECT ENCODING. */
  encoding(): ZsetEncoding {
    return this.enc;
  }

  /** RDB_TYPE_ZSET_LISTPACK or RDB_TYPE_ZSET_2, as rdbSaveObjectType picks. */
  rdbType(): number {
    return this.enc === "listpack" ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
  }

  /** Estimated retained bytes (src/store/size.ts). O(1). */
  get memoryUsage(): number {
    return ZSET_BYTES + this.st.memoryUsage();
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    return ZSET_BYTES + this.st.recomputeMemoryUsage();
  }

  /**
   * ZADD on an existing key: converts a listpack to skiplist when the number
   * of elements about to be added exceeds the entries limit
   * (zsetTypeMaybeConvert), even if they turn out to be updates.
   */
  maybeConvert(sizeHint: number, cfg: ZsetEncodingConfig): void {
    if (this.enc === "listpack" && sizeHint > cfg.zsetMaxListpackEntries) {
      this.setEncoding("skiplist");
    }
  }

  /** Converts to `enc` (the storage follows: a skiplist packs when small enough). */
  setEncoding(enc: ZsetEncoding): void {
    this.enc = enc;
    if (enc === "skiplist") {
      if (this.st instanceof PackedZset) this.unpack();
    } else if (this.st instanceof SkipList && this.st.length <= PACKED_MAX) {
      const p = new PackedZset();
      this.st.forEach((m, s) => p.append(m, s));
      this.st = p;
    }
  }

  private unpack(): void {
    const sl = new SkipList(this.st.length);
    this.st.forEach((m, s) => sl.add(m, s));
    this.st = sl;
  }

  /**
   * Converts back to listpack when small enough (ZUNIONSTORE/ZINTERSTORE/
   * ZDIFFSTORE/GEO STORE results, RDB load): length <= entries and the longest
   * member <= value. `maxelelen` defaults to the longest current member.
   */
  convertToListpackIfNeeded(cfg: ZsetEncodingConfig, maxelelen?: number): void {
    if (this.enc === "listpack" || this.st.length > cfg.zsetMaxListpackEntries) return;
    if (maxelelen === undefined) {
      let max = 0;
      this.st.forEach((m) => {
        if (m.length > max) max = m.length;
      });
      maxelelen = max;
    }
    if (maxelelen <= cfg.zsetMaxListpackValue) this.setEncoding("listpack");
  }

  // ---------------------------------------------------------------------------
  // Element operations.

  /** Number of members (ZCARD). */
  get size(): number {
    return this.st.length;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.st.length;
  }

  /** Score of `member`, or undefined (ZSCORE). */
  score(member: string): number | undefined {
    return this.st.score(member);
  }

  /** Whether `member` is in the set. */
  has(member: string): boolean {
    return this.st.has(member);
  }

  /**
   * Adds `member` or updates its score (the caller handles NX/XX/GT/LT/INCR
   * and rejects NaN). With `cfg`, a listpack converts to skiplist when a new
   * member makes the set exceed the entries limit or is longer than the value
   * limit, as zsetAdd does.
   */
  add(member: string, score: number, cfg?: ZsetEncodingConfig): ZAddResult {
    if (
      cfg && this.enc === "listpack" &&
      (this.st.length + 1 > cfg.zsetMaxListpackEntries ||
        member.length > cfg.zsetMaxListpackValue) &&
      !this.st.has(member)
    ) {
      this.setEncoding("skiplist");
    }
    const r = this.st.add(member, score);
    if (r === "added" && this.st.length > PACKED_MAX && this.st instanceof PackedZset) {
      this.unpack();
    }
    return r;
  }

  /**
   * {@link add} of a `member` the caller just found absent (ZADD after its
   * score lookup): the same conversions, without looking it up again.
   */
  addNew(member: string, score: number, cfg: ZsetEncodingConfig): void {
    if (
      this.enc === "listpack" &&
      (this.st.length + 1 > cfg.zsetMaxListpackEntries ||
        member.length > cfg.zsetMaxListpackValue)
    ) {
      this.setEncoding("skiplist");
    }
    this.st.insert(member, score);
    if (this.st.length > PACKED_MAX && this.st instanceof PackedZset) this.unpack();
  }

  /** Removes `member`; returns whether it was present (ZREM). */
  remove(member: string): boolean {
    return this.st.remove(member);
  }

  /**
   * 0-based rank of `member` (ZRANK; ZREVRANK with `reverse`), or -1 when
   * absent. O(log n) (O(n) packed).
   */
  rank(member: string, reverse = false): number {
    return this.st.rank(member, reverse);
  }

  // ---------------------------------------------------------------------------
  // Node handles: positive integers, 0 for none, valid until the set changes.

  /** Member of node `h`. */
  memberOf(h: number): string {
    return this.st.memberOf(h);
  }

  /**
   * The buffer holding node `h`'s member bytes, which are at {@link refOff},
   * {@link refLen} long: a reply copies them without a string (valid until the
   * set changes).
   */
  memberRef(h: number): Uint8Array {
    return this.st.memberRef(h);
  }

  /** Score of node `h`. */
  scoreOf(h: number): number {
    return this.st.scoreOf(h);
  }

  /** Next node towards higher scores, or 0. */
  next(h: number): number {
    return this.st.next(h);
  }

  /** Previous node towards lower scores, or 0. */
  prev(h: number): number {
    return this.st.prev(h);
  }

  /** Lowest-ranked node, or 0. */
  firstNode(): number {
    return this.st.firstNode();
  }

  /** Highest-ranked node, or 0. */
  lastNode(): number {
    return this.st.lastNode();
  }

  /** 0-based ascending rank of node `h`. O(log n). */
  rankOf(h: number): number {
    return this.st.rankOf(h);
  }

  /**
   * Node at 0-based ascending rank, or 0 when out of range. O(log n)
   * (zslGetElementByRank).
   */
  nodeAtRank(rank: number): number {
    return this.st.nodeAtRank(rank);
  }

  /**
   * First node (lowest) within the score range, or 0. O(log n).
   * {@link lastFoundRank} then holds its 0-based rank.
   */
  firstInRange(r: ZRangeSpec): number {
    return this.st.firstInRange(r);
  }

  /** Last node (highest) within the score range, or 0. Sets {@link lastFoundRank}. */
  lastInRange(r: ZRangeSpec): number {
    return this.st.lastInRange(r);
  }

  /** First node within the lex range, or 0. Sets {@link lastFoundRank}. */
  firstInLexRange(r: ZLexRangeSpec): number {
    return this.st.firstInLexRange(r);
  }

  /** Last node within the lex range, or 0. Sets {@link lastFoundRank}. */
  lastInLexRange(r: ZLexRangeSpec): number {
    return this.st.lastInLexRange(r);
  }

  /** 0-based rank of the node returned by the last successful *InRange call. */
  get lastFoundRank(): number {
    return this.st.foundRank;
  }

  /** Number of members with score in range (ZCOUNT). O(log n). */
  countInRange(r: ZRangeSpec): number {
    if (this.st.firstInRange(r) === 0) return 0;
    const a = this.st.foundRank;
    this.st.lastInRange(r);
    return this.st.foundRank - a + 1;
  }

  /** Number of members in lex range (ZLEXCOUNT). O(log n). */
  countInLexRange(r: ZLexRangeSpec): number {
    if (this.st.firstInLexRange(r) === 0) return 0;
    const a = this.st.foundRank;
    this.st.lastInLexRange(r);
    return this.st.foundRank - a + 1;
  }

  // ---------------------------------------------------------------------------
  // Ranges.

  /**
   * Visits ranks `start..stop` (0-based, inclusive, already normalized:
   * 0 <= start <= stop; stop is clipped to size - 1). With `reverse`, rank 0
   * is the highest score (ZRANGE ... REV / ZREVRANGE).
   */
  rangeByRank(
    start: number,
    stop: number,
    reverse: boolean,
    visit: (member: string, score: number) => void,
  ): void {
    this.st.rangeByRank(start, stop, reverse, visit);
  }

  /**
   * Visits members with score in range, ascending (or descending with
   * `reverse`), skipping `offset` matches and emitting at most `limit`
   * (negative = no limit), like ZRANGEBYSCORE ... LIMIT. The offset is
   * skipped in O(log n).
   */
  rangeByScore(
    r: ZRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    this.st.rangeByScore(r, reverse, offset, limit, visit);
  }

  /**
   * {@link rangeByScore}'s nodes, pushed to `out` in its order (a reply reads
   * them with {@link memberRef} and {@link scoreOf}, no member string made).
   */
  rangeByScoreNodes(
    r: ZRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    out: number[],
  ): void {
    const st = this.st;
    let x = reverse ? st.lastInRange(r) : st.firstInRange(r);
    if (x === 0 || limit === 0) return;
    if (offset > 0) x = st.nodeAtRank(reverse ? st.foundRank - offset : st.foundRank + offset);
    while (x !== 0 && limit !== 0) {
      const s = st.scoreOf(x);
      if (reverse ? !scoreGteMin(s, r) : !scoreLteMax(s, r)) break;
      out.push(x);
      if (limit > 0) limit--;
      x = reverse ? st.prev(x) : st.next(x);
    }
  }

  /** Like {@link rangeByScore} for a lex range (ZRANGEBYLEX ... LIMIT). */
  rangeByLex(
    r: ZLexRangeSpec,
    reverse: boolean,
    offset: number,
    limit: number,
    visit: (member: string, score: number) => void,
  ): void {
    this.st.rangeByLex(r, reverse, offset, limit, visit);
  }

  /** Visits all members in ascending order (ZRANGE 0 -1's order). */
  forEach(visit: (member: string, score: number) => void): void {
    this.st.forEach(visit);
  }

  /** All entries in ascending order. */
  toArray(): ZEntry[] {
    const out: ZEntry[] = [];
    this.st.forEach((member, score) => out.push({ member, score }));
    return out;
  }

  /** Iterates [member, score] pairs in ascending order. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    const st = this.st;
    for (let x = st.firstNode(); x !== 0; x = st.next(x)) yield [st.memberOf(x), st.scoreOf(x)];
  }

  // ---------------------------------------------------------------------------
  // Range deletion and pops.

  /**
   * Removes ranks `start..stop` (0-based ascending, inclusive, normalized).
   * Returns the number removed (ZREMRANGEBYRANK).
   */
  deleteRangeByRank(start: number, stop: number): number {
    return this.st.deleteRangeByRank(start, stop);
  }

  /** Removes members with score in range; returns the count (ZREMRANGEBYSCORE). */
  deleteRangeByScore(r: ZRangeSpec): number {
    return this.st.deleteRangeByScore(r);
  }

  /** Removes members in lex range; returns the count (ZREMRANGEBYLEX). */
  deleteRangeByLex(r: ZLexRangeSpec): number {
    return this.st.deleteRangeByLex(r);
  }

  /** Removes and returns the lowest-scored entry (ZPOPMIN). */
  popMin(): ZEntry | undefined {
    return this.st.popMin();
  }

  /** Removes and returns the highest-scored entry (ZPOPMAX). */
  popMax(): ZEntry | undefined {
    return this.st.popMax();
  }

  // ---------------------------------------------------------------------------
  // Random access and SCAN over slots.

  /** A uniformly random member, or undefined when empty. O(1) (O(n) packed). */
  randomMember(): string | undefined {
    return this.st.randomMember();
  }

  /**
   * Member in slot `i` (0 <= i < size). Slots are an arbitrary order that is
   * stable until the next removal; use with random indexes to sample distinct
   * members (ZRANDMEMBER with a count).
   */
  memberAtSlot(i: number): string {
    return this.st.memberAtSlot(i);
  }

  /** Score in slot `i`. */
  scoreAtSlot(i: number): number {
    return this.st.scoreAtSlot(i);
  }

  /**
   * One ZSCAN step over the slots from the top down: cursor `c` means "slots
   * below c remain", 0 starts a new scan; returns the next cursor, 0 when
   * done. Members present for the whole scan are visited at least once, even
   * if the set grows or shrinks in between (in the skiplist form deletion
   * moves the last slot into the hole, which never moves an unvisited member
   * above the cursor). (For a listpack, Redis replies with everything at once
   * and cursor 0: use {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    return this.st.scan(cursor, count, visit);
  }

  /** A copy with the same members, scores and encoding (COPY). */
  clone(): SortedSet {
    const z = new SortedSet();
    z.enc = this.enc;
    z.st = this.st instanceof PackedZset ? this.st.clone() : new SkipList(0, this.st as SkipList);
    return z;
  }

  /** Checks internal invariants (tests only); throws on corruption. */
  checkInvariants(): void {
    this.st.checkInvariants();
  }
}
