/**
 * SortedSet: the value type behind ZADD/ZRANGE/ZRANK/...
 *
 * A `Map` (member -> node) plus a skiplist with span counters, ordered by
 * (score, member) where members compare byte-wise (memcmp, then length).
 * Members are binary strings (char codes 0-255); for such strings the JS
 * relational operators compare UTF-16 code units, which is exactly byte order.
 *
 * The skiplist lives in typed arrays ("struct of arrays"): node ids index
 * `scores`, `members`, `back`, ... and each node owns a block of `level`
 * consecutive slots in `fwd`/`span`. Blocks of freed nodes are recycled per
 * level, so steady-state ZADD/ZREM do not allocate. Level probability 0.25,
 * max level 32, as in Redis.
 *
 * A dense array of node ids (swap-remove on delete) gives O(1) random members
 * (ZRANDMEMBER) and a ZSCAN cursor that never misses elements present for the
 * whole scan.
 *
 * Node handles returned by the range/rank lookups are small integers; 0 means
 * "none". They stay valid until the set is modified.
 *
 * @module
 */

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

function lexGteMin(v: string, r: ZLexRangeSpec): boolean {
  const min = r.min;
  if (typeof min === "number") return min < 0;
  return r.minex ? v > min : v >= min;
}

function lexLteMax(v: string, r: ZLexRangeSpec): boolean {
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

/** A sorted set of binary-string members with double scores. */
export class SortedSet {
  // Node storage. Node 0 is the skiplist header (level MAX_LEVEL).
  private scores: Float64Array;
  private members: (string | undefined)[] = [];
  private back: Int32Array;
  private lvl: Uint8Array;
  private lvlOff: Int32Array;
  private slot: Int32Array;
  private fwd: Int32Array;
  private span: Int32Array;
  private nodeCap: number;
  private nextId = 1;
  private freeIds: number[] = [];
  private levCap: number;
  private levTop = MAX_LEVEL;
  private freeLev: number[][] = [];
  // Skiplist state.
  private level = 1;
  private tail = 0;
  private len = 0;
  // member -> node id.
  private dict = new Map<string, number>();
  // Dense array of node ids for random access and SCAN.
  private dense: Int32Array;
  // Scratch for searches.
  private readonly update = new Int32Array(MAX_LEVEL);
  private readonly rankAcc = new Int32Array(MAX_LEVEL);
  private foundRank = 0;
  private enc: ZsetEncoding = "listpack";

  constructor(initialCapacity = 8) {
    const cap = Math.max(2, initialCapacity + 1);
    this.nodeCap = cap;
    this.scores = new Float64Array(cap);
    this.back = new Int32Array(cap);
    this.lvl = new Uint8Array(cap);
    this.lvlOff = new Int32Array(cap);
    this.slot = new Int32Array(cap);
    this.dense = new Int32Array(cap);
    this.levCap = MAX_LEVEL + cap * 2;
    this.fwd = new Int32Array(this.levCap);
    this.span = new Int32Array(this.levCap);
    for (let i = 0; i <= MAX_LEVEL; i++) this.freeLev.push([]);
    this.lvl[0] = MAX_LEVEL;
    this.lvlOff[0] = 0;
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
    const z = new SortedSet(Math.min(sizeHint, 1 << 20));
    if (sizeHint > cfg.zsetMaxListpackEntries || valLenHint > cfg.zsetMaxListpackValue) {
      z.enc = "skiplist";
    }
    return z;
  }

  /** Current OBJECT ENCODING. */
  encoding(): ZsetEncoding {
    return this.enc;
  }

  /**
   * ZADD on an existing key: converts a listpack to skiplist when the number
   * of elements about to be added exceeds the entries limit
   * (zsetTypeMaybeConvert), even if they turn out to be updates.
   */
  maybeConvert(sizeHint: number, cfg: ZsetEncodingConfig): void {
    if (this.enc === "listpack" && sizeHint > cfg.zsetMaxListpackEntries) this.enc = "skiplist";
  }

  /** Forces an encoding (OBJECT ENCODING bookkeeping only; storage is shared). */
  setEncoding(enc: ZsetEncoding): void {
    this.enc = enc;
  }

  /**
   * Converts back to listpack when small enough (ZUNIONSTORE/ZINTERSTORE/
   * ZDIFFSTORE/GEO STORE results, RDB load): length <= entries and the longest
   * member <= value. `maxelelen` defaults to the longest current member.
   */
  convertToListpackIfNeeded(cfg: ZsetEncodingConfig, maxelelen?: number): void {
    if (this.enc === "listpack" || this.len > cfg.zsetMaxListpackEntries) return;
    if (maxelelen === undefined) {
      maxelelen = 0;
      for (let i = 0; i < this.len; i++) {
        const l = this.members[this.dense[i]]!.length;
        if (l > maxelelen) maxelelen = l;
      }
    }
    if (maxelelen <= cfg.zsetMaxListpackValue) this.enc = "listpack";
  }

  // ---------------------------------------------------------------------------
  // Storage management.

  private growNodes(): void {
    const cap = this.nodeCap * 2;
    const g64 = (a: Float64Array) => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g32 = (a: Int32Array) => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.scores = g64(this.scores);
    this.back = g32(this.back);
    this.lvlOff = g32(this.lvlOff);
    this.slot = g32(this.slot);
    this.dense = g32(this.dense);
    const l = new Uint8Array(cap);
    l.set(this.lvl);
    this.lvl = l;
    this.nodeCap = cap;
  }

  private growLevels(need: number): void {
    let cap = this.levCap * 2;
    while (cap < need) cap *= 2;
    const f = new Int32Array(cap);
    f.set(this.fwd);
    const s = new Int32Array(cap);
    s.set(this.span);
    this.fwd = f;
    this.span = s;
    this.levCap = cap;
  }

  private allocNode(level: number, score: number, member: string): number {
    let id: number;
    if (this.freeIds.length > 0) {
      id = this.freeIds.pop()!;
    } else {
      id = this.nextId++;
      if (id >= this.nodeCap) this.growNodes();
    }
    const fl = this.freeLev[level];
    let off: number;
    if (fl.length > 0) {
      off = fl.pop()!;
    } else {
      off = this.levTop;
      this.levTop += level;
      if (this.levTop > this.levCap) this.growLevels(this.levTop);
    }
    this.lvl[id] = level;
    this.lvlOff[id] = off;
    this.scores[id] = score;
    this.members[id] = member;
    return id;
  }

  private freeNode(x: number): void {
    this.freeLev[this.lvl[x]].push(this.lvlOff[x]);
    this.members[x] = undefined;
    this.freeIds.push(x);
  }

  /** Links an allocated node into the skiplist (zslInsert). */
  private link(x: number): void {
    const score = this.scores[x];
    const member = this.members[x]!;
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const scores = this.scores;
    const members = this.members;
    const update = this.update;
    const rank = this.rankAcc;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1];
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0) {
        const s = scores[nx];
        if (s < score || (s === score && members[nx]! < member)) {
          rank[i] += span[off[h] + i];
          h = nx;
        } else break;
      }
      update[i] = h;
    }
    const lvl = this.lvl[x];
    if (lvl > this.level) {
      for (let i = this.level; i < lvl; i++) {
        rank[i] = 0;
        update[i] = 0;
        span[i] = this.len; // header block starts at 0
      }
      this.level = lvl;
    }
    const xo = off[x];
    for (let i = 0; i < lvl; i++) {
      const uo = off[update[i]] + i;
      fwd[xo + i] = fwd[uo];
      fwd[uo] = x;
      span[xo + i] = span[uo] - (rank[0] - rank[i]);
      span[uo] = rank[0] - rank[i] + 1;
    }
    for (let i = lvl; i < this.level; i++) span[off[update[i]] + i]++;
    this.back[x] = update[0];
    const f0 = fwd[xo];
    if (f0 !== 0) this.back[f0] = x;
    else this.tail = x;
    this.len++;
  }

  /** Fills `update` with the predecessors of (score, member) on each level. */
  private findUpdate(score: number, member: string): number {
    const fwd = this.fwd;
    const off = this.lvlOff;
    const scores = this.scores;
    const members = this.members;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0) {
        const s = scores[nx];
        if (s < score || (s === score && members[nx]! < member)) h = nx;
        else break;
      }
      this.update[i] = h;
    }
    return fwd[off[h]];
  }

  /** Unlinks node `x` given a filled `update` (zslDeleteNode). */
  private unlink(x: number): void {
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const xo = off[x];
    for (let i = 0; i < this.level; i++) {
      const uo = off[this.update[i]] + i;
      if (fwd[uo] === x) {
        span[uo] += span[xo + i] - 1;
        fwd[uo] = fwd[xo + i];
      } else {
        span[uo]--;
      }
    }
    const f0 = fwd[xo];
    if (f0 !== 0) this.back[f0] = this.back[x];
    else this.tail = this.back[x];
    while (this.level > 1 && fwd[this.level - 1] === 0) this.level--;
    this.len--;
  }

  /** Removes node `x` (already unlinked) from dict, dense array and storage. */
  private dropNode(x: number): void {
    this.dict.delete(this.members[x]!);
    const i = this.slot[x];
    const last = this.len; // len already decremented by unlink
    const moved = this.dense[last];
    this.dense[i] = moved;
    this.slot[moved] = i;
    this.freeNode(x);
  }

  private removeNode(x: number): void {
    this.findUpdate(this.scores[x], this.members[x]!);
    this.unlink(x);
    this.dropNode(x);
  }

  // ---------------------------------------------------------------------------
  // Element operations.

  /** Number of members (ZCARD). */
  get size(): number {
    return this.len;
  }

  /** Score of `member`, or undefined (ZSCORE). */
  score(member: string): number | undefined {
    const x = this.dict.get(member);
    return x === undefined ? undefined : this.scores[x];
  }

  /** Whether `member` is in the set. */
  has(member: string): boolean {
    return this.dict.has(member);
  }

  /**
   * Adds `member` or updates its score (the caller handles NX/XX/GT/LT/INCR
   * and rejects NaN). With `cfg`, a listpack converts to skiplist when a new
   * member makes the set exceed the entries limit or is longer than the value
   * limit, as zsetAdd does.
   */
  add(member: string, score: number, cfg?: ZsetEncodingConfig): ZAddResult {
    const x = this.dict.get(member);
    if (x !== undefined) {
      if (this.scores[x] === score) return "unchanged";
      this.updateNode(x, score);
      return "updated";
    }
    if (
      cfg && this.enc === "listpack" &&
      (this.len + 1 > cfg.zsetMaxListpackEntries || member.length > cfg.zsetMaxListpackValue)
    ) {
      this.enc = "skiplist";
    }
    const id = this.allocNode(randomLevel(), score, member);
    this.link(id);
    this.dict.set(member, id);
    this.slot[id] = this.len - 1;
    this.dense[this.len - 1] = id;
    return "added";
  }

  // zslUpdateScore: in place when the order is unchanged, else relink the same
  // node (keeping its dense slot so a running ZSCAN is not disturbed).
  private updateNode(x: number, score: number): void {
    const member = this.members[x]!;
    const fwd = this.fwd;
    const b = this.back[x];
    const f = fwd[this.lvlOff[x]];
    const scores = this.scores;
    const members = this.members;
    const afterPrev = b === 0 || scores[b] < score ||
      (scores[b] === score && members[b]! < member);
    const beforeNext = f === 0 || scores[f] > score ||
      (scores[f] === score && members[f]! > member);
    if (afterPrev && beforeNext) {
      scores[x] = score;
      return;
    }
    this.findUpdate(scores[x], member);
    this.unlink(x);
    scores[x] = score;
    this.link(x);
  }

  /** Removes `member`; returns whether it was present (ZREM). */
  remove(member: string): boolean {
    const x = this.dict.get(member);
    if (x === undefined) return false;
    this.removeNode(x);
    return true;
  }

  /**
   * 0-based rank of `member` (ZRANK; ZREVRANK with `reverse`), or -1 when
   * absent. O(log n).
   */
  rank(member: string, reverse = false): number {
    const x = this.dict.get(member);
    if (x === undefined) return -1;
    const r = this.rank1(this.scores[x], member);
    return reverse ? this.len - r : r - 1;
  }

  // zslGetRank: 1-based rank of an existing element.
  private rank1(score: number, member: string): number {
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const scores = this.scores;
    const members = this.members;
    let rank = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0) {
        const s = scores[nx];
        if (s < score || (s === score && members[nx]! <= member)) {
          rank += span[off[h] + i];
          h = nx;
        } else break;
      }
      if (h !== 0 && members[h] === member) return rank;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------
  // Node handles.

  /** Member of node `h`. */
  memberOf(h: number): string {
    return this.members[h]!;
  }

  /** Score of node `h`. */
  scoreOf(h: number): number {
    return this.scores[h];
  }

  /** Next node towards higher scores, or 0. */
  next(h: number): number {
    return this.fwd[this.lvlOff[h]];
  }

  /** Previous node towards lower scores, or 0. */
  prev(h: number): number {
    return this.back[h];
  }

  /** Lowest-ranked node, or 0. */
  firstNode(): number {
    return this.fwd[0];
  }

  /** Highest-ranked node, or 0. */
  lastNode(): number {
    return this.tail;
  }

  /** 0-based ascending rank of node `h`. O(log n). */
  rankOf(h: number): number {
    return this.rank1(this.scores[h], this.members[h]!) - 1;
  }

  /**
   * Node at 0-based ascending rank, or 0 when out of range. O(log n)
   * (zslGetElementByRank).
   */
  nodeAtRank(rank: number): number {
    if (rank < 0 || rank >= this.len) return 0;
    const target = rank + 1;
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    let traversed = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && traversed + span[off[h] + i] <= target) {
        traversed += span[off[h] + i];
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
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const scores = this.scores;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && !scoreGteMin(scores[nx], r)) {
        rank += span[off[h] + i];
        h = nx;
      }
    }
    const x = fwd[off[h]];
    if (x === 0 || !scoreLteMax(scores[x], r)) return 0;
    this.foundRank = rank;
    return x;
  }

  /** Last node (highest) within the score range, or 0. Sets {@link lastFoundRank}. */
  lastInRange(r: ZRangeSpec): number {
    if (!this.scoreRangeNonEmpty(r)) return 0;
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const scores = this.scores;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && scoreLteMax(scores[nx], r)) {
        rank += span[off[h] + i];
        h = nx;
      }
    }
    if (h === 0 || !scoreGteMin(scores[h], r)) return 0;
    this.foundRank = rank - 1;
    return h;
  }

  /** First node within the lex range, or 0. Sets {@link lastFoundRank}. */
  firstInLexRange(r: ZLexRangeSpec): number {
    if (!this.lexRangeNonEmpty(r)) return 0;
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const members = this.members;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && !lexGteMin(members[nx]!, r)) {
        rank += span[off[h] + i];
        h = nx;
      }
    }
    const x = fwd[off[h]];
    if (x === 0 || !lexLteMax(members[x]!, r)) return 0;
    this.foundRank = rank;
    return x;
  }

  /** Last node within the lex range, or 0. Sets {@link lastFoundRank}. */
  lastInLexRange(r: ZLexRangeSpec): number {
    if (!this.lexRangeNonEmpty(r)) return 0;
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    const members = this.members;
    let h = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && lexLteMax(members[nx]!, r)) {
        rank += span[off[h] + i];
        h = nx;
      }
    }
    if (h === 0 || !lexGteMin(members[h]!, r)) return 0;
    this.foundRank = rank - 1;
    return h;
  }

  /** 0-based rank of the node returned by the last successful *InRange call. */
  get lastFoundRank(): number {
    return this.foundRank;
  }

  // zslIsInRange.
  private scoreRangeNonEmpty(r: ZRangeSpec): boolean {
    if (!isValidScoreRange(r)) return false;
    if (this.tail === 0 || !scoreGteMin(this.scores[this.tail], r)) return false;
    const first = this.fwd[0];
    return first !== 0 && scoreLteMax(this.scores[first], r);
  }

  // zslIsInLexRange.
  private lexRangeNonEmpty(r: ZLexRangeSpec): boolean {
    if (!isValidLexRange(r)) return false;
    if (this.tail === 0 || !lexGteMin(this.members[this.tail]!, r)) return false;
    const first = this.fwd[0];
    return first !== 0 && lexLteMax(this.members[first]!, r);
  }

  /** Number of members with score in range (ZCOUNT). O(log n). */
  countInRange(r: ZRangeSpec): number {
    if (this.firstInRange(r) === 0) return 0;
    const a = this.foundRank;
    this.lastInRange(r);
    return this.foundRank - a + 1;
  }

  /** Number of members in lex range (ZLEXCOUNT). O(log n). */
  countInLexRange(r: ZLexRangeSpec): number {
    if (this.firstInLexRange(r) === 0) return 0;
    const a = this.foundRank;
    this.lastInLexRange(r);
    return this.foundRank - a + 1;
  }

  // ---------------------------------------------------------------------------
  // Ranges.

  /**
   * Visits ranks `start..stop` (0-based, inclusive, already normalized and
   * clipped: 0 <= start <= stop < size). With `reverse`, rank 0 is the
   * highest score (ZRANGE ... REV / ZREVRANGE).
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
    const members = this.members;
    const scores = this.scores;
    while (x !== 0 && n-- > 0) {
      visit(members[x]!, scores[x]);
      x = reverse ? this.back[x] : this.fwd[this.lvlOff[x]];
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
      const rank = reverse ? this.foundRank - offset : this.foundRank + offset;
      x = this.nodeAtRank(rank);
    }
    const members = this.members;
    const scores = this.scores;
    while (x !== 0 && limit !== 0) {
      const s = scores[x];
      if (reverse ? !scoreGteMin(s, r) : !scoreLteMax(s, r)) break;
      visit(members[x]!, s);
      if (limit > 0) limit--;
      x = reverse ? this.back[x] : this.fwd[this.lvlOff[x]];
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
      const rank = reverse ? this.foundRank - offset : this.foundRank + offset;
      x = this.nodeAtRank(rank);
    }
    const members = this.members;
    const scores = this.scores;
    while (x !== 0 && limit !== 0) {
      const m = members[x]!;
      if (reverse ? !lexGteMin(m, r) : !lexLteMax(m, r)) break;
      visit(m, scores[x]);
      if (limit > 0) limit--;
      x = reverse ? this.back[x] : this.fwd[this.lvlOff[x]];
    }
  }

  /** Visits all members in ascending order. */
  forEach(visit: (member: string, score: number) => void): void {
    const members = this.members;
    const scores = this.scores;
    for (let x = this.fwd[0]; x !== 0; x = this.fwd[this.lvlOff[x]]) visit(members[x]!, scores[x]);
  }

  /** All entries in ascending order. */
  toArray(): ZEntry[] {
    const out: ZEntry[] = [];
    this.forEach((member, score) => out.push({ member, score }));
    return out;
  }

  /** Iterates [member, score] pairs in ascending order. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    for (let x = this.fwd[0]; x !== 0; x = this.fwd[this.lvlOff[x]]) {
      yield [this.members[x]!, this.scores[x]];
    }
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
    const fwd = this.fwd;
    const span = this.span;
    const off = this.lvlOff;
    let traversed = 0;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && traversed + span[off[h] + i] < start + 1) {
        traversed += span[off[h] + i];
        h = nx;
      }
      this.update[i] = h;
    }
    traversed++;
    let x = fwd[off[h]];
    let removed = 0;
    while (x !== 0 && traversed <= stop + 1) {
      const next = this.fwd[this.lvlOff[x]];
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
    const fwd = this.fwd;
    const off = this.lvlOff;
    const scores = this.scores;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && !scoreGteMin(scores[nx], r)) h = nx;
      this.update[i] = h;
    }
    let x = fwd[off[h]];
    let removed = 0;
    while (x !== 0 && scoreLteMax(this.scores[x], r)) {
      const next = this.fwd[this.lvlOff[x]];
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
    const fwd = this.fwd;
    const off = this.lvlOff;
    const members = this.members;
    let h = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let nx: number;
      while ((nx = fwd[off[h] + i]) !== 0 && !lexGteMin(members[nx]!, r)) h = nx;
      this.update[i] = h;
    }
    let x = fwd[off[h]];
    let removed = 0;
    while (x !== 0 && lexLteMax(this.members[x]!, r)) {
      const next = this.fwd[this.lvlOff[x]];
      this.unlink(x);
      this.dropNode(x);
      removed++;
      x = next;
    }
    return removed;
  }

  /** Removes and returns the lowest-scored entry (ZPOPMIN). */
  popMin(): ZEntry | undefined {
    const x = this.fwd[0];
    if (x === 0) return undefined;
    const e = { member: this.members[x]!, score: this.scores[x] };
    this.removeNode(x);
    return e;
  }

  /** Removes and returns the highest-scored entry (ZPOPMAX). */
  popMax(): ZEntry | undefined {
    const x = this.tail;
    if (x === 0) return undefined;
    const e = { member: this.members[x]!, score: this.scores[x] };
    this.removeNode(x);
    return e;
  }

  // ---------------------------------------------------------------------------
  // Random access and SCAN over the dense slot array.

  /** A uniformly random member, or undefined when empty. O(1). */
  randomMember(): string | undefined {
    if (this.len === 0) return undefined;
    return this.members[this.dense[Math.floor(Math.random() * this.len)]];
  }

  /**
   * Member in dense slot `i` (0 <= i < size). Slots are an arbitrary order
   * that is stable until the next removal; use with random indexes to sample
   * distinct members (ZRANDMEMBER with a count).
   */
  memberAtSlot(i: number): string {
    return this.members[this.dense[i]]!;
  }

  /** Score in dense slot `i`. */
  scoreAtSlot(i: number): number {
    return this.scores[this.dense[i]];
  }

  /**
   * One ZSCAN step over the dense slots from the top down: cursor `c` means
   * "slots below c remain", 0 starts a new scan; returns the next cursor, 0
   * when done. Members present for the whole scan are visited at least once,
   * even if the set grows or shrinks in between (deletion moves the last slot
   * into the hole, which never moves an unvisited member above the cursor).
   */
  scan(cursor: number, count: number, visit: (member: string, score: number) => void): number {
    const n = this.len;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) {
      const x = this.dense[i];
      visit(this.members[x]!, this.scores[x]);
    }
    return stop;
  }

  /** A copy with the same members, scores and encoding (COPY). */
  clone(): SortedSet {
    const z = new SortedSet(this.len);
    z.enc = this.enc;
    for (let x = this.fwd[0]; x !== 0; x = this.fwd[this.lvlOff[x]]) {
      z.add(this.members[x]!, this.scores[x]);
    }
    return z;
  }

  /** Checks internal invariants (tests only); throws on corruption. */
  checkInvariants(): void {
    let count = 0;
    let prev = 0;
    for (let x = this.fwd[0]; x !== 0; x = this.fwd[this.lvlOff[x]]) {
      count++;
      if (this.back[x] !== prev) throw new Error("bad backward link");
      if (prev !== 0) {
        const ps = this.scores[prev];
        const s = this.scores[x];
        if (ps > s || (ps === s && this.members[prev]! >= this.members[x]!)) {
          throw new Error("bad order");
        }
      }
      if (this.dict.get(this.members[x]!) !== x) throw new Error("dict mismatch");
      if (this.dense[this.slot[x]] !== x) throw new Error("dense mismatch");
      prev = x;
    }
    if (prev !== this.tail) throw new Error("bad tail");
    if (count !== this.len || this.dict.size !== this.len) throw new Error("bad length");
    // Spans: every level's spans must add up to the rank distance.
    for (let i = 0; i < this.level; i++) {
      let h = 0;
      let rank = 0;
      while (true) {
        const nx = this.fwd[this.lvlOff[h] + i];
        if (nx === 0) break;
        rank += this.span[this.lvlOff[h] + i];
        if (this.rank1(this.scores[nx], this.members[nx]!) !== rank) throw new Error("bad span");
        h = nx;
      }
    }
  }
}
