/**
 * RedisSet: the value type behind SADD/SREM/SMEMBERS/SPOP/...
 *
 * Members are binary strings (char codes 0-255) kept in a dense array with a
 * `Map` from member to slot: O(1) add/remove/has, O(1) random member
 * (SPOP/SRANDMEMBER) and a safe SSCAN cursor.
 *
 * The OBJECT ENCODING follows Redis 7.2 t_set.c (intset -> listpack ->
 * hashtable, one-way). Iteration order also follows Redis where Redis's order
 * is deterministic: ascending numeric order for an intset, insertion order
 * (deletions preserve it) for a listpack.
 *
 * @module
 */

import { isInt64String } from "../util/number.ts";
import {
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
} from "../persistence/rdb_types.ts";
import { SET_BYTES, SET_MEMBER_BYTES, stringBytes } from "./size.ts";
import type { CollectionValue } from "./types.ts";

/** OBJECT ENCODING of a set. */
export type SetEncoding = "intset" | "listpack" | "hashtable";

/** The config values that drive set encoding conversions. */
export interface SetEncodingConfig {
  /** set-max-intset-entries (default 512). */
  setMaxIntsetEntries: number;
  /** set-max-listpack-entries (default 128). */
  setMaxListpackEntries: number;
  /** set-max-listpack-value (default 64). */
  setMaxListpackValue: number;
}

/** Redis defaults for {@link SetEncodingConfig}. */
export const DEFAULT_SET_ENCODING_CONFIG: Readonly<SetEncodingConfig> = {
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
};

// Numeric order of two canonical int64 strings.
function cmpIntStrings(a: string, b: string): number {
  const an = a.charCodeAt(0) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  let c: number;
  if (a.length !== b.length) c = a.length < b.length ? -1 : 1;
  else c = a < b ? -1 : a > b ? 1 : 0;
  return an ? -c : c;
}

function intsetMaxEntries(cfg: SetEncodingConfig): number {
  return Math.min(cfg.setMaxIntsetEntries, 1 << 30);
}

/** A set of binary-string members. */
export class RedisSet implements CollectionValue {
  private index = new Map<string, number>();
  private items: string[] = [];
  private enc: SetEncoding;
  // For intsets: whether `items` is in ascending numeric order.
  private sorted = true;
  // Member strings, for memoryUsage.
  private payload = 0;

  /** Creates an empty set with the given encoding (default listpack). */
  constructor(encoding: SetEncoding = "listpack") {
    this.enc = encoding;
  }

  /**
   * Creates an empty set with the encoding Redis picks from the first value
   * and the number of values about to be added (setTypeCreate): intset when
   * `value` is an integer and `sizeHint` <= set-max-intset-entries, else
   * listpack when `sizeHint` <= set-max-listpack-entries, else hashtable.
   */
  static create(value: string, sizeHint: number, cfg: SetEncodingConfig): RedisSet {
    if (isInt64String(value) && sizeHint <= cfg.setMaxIntsetEntries) {
      return new RedisSet("intset");
    }
    if (sizeHint <= cfg.setMaxListpackEntries) return new RedisSet("listpack");
    return new RedisSet("hashtable");
  }

  /** TYPE of the value. */
  get type(): "set" {
    return "set";
  }

  /** Number of members (SCARD). */
  get size(): number {
    return this.items.length;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.items.length;
  }

  /** Current OBJECT ENCODING. */
  encoding(): SetEncoding {
    return this.enc;
  }

  /** RDB type by encoding, as rdbSaveObjectType picks. */
  rdbType(): number {
    return this.enc === "intset"
      ? RDB_TYPE_SET_INTSET
      : this.enc === "listpack"
      ? RDB_TYPE_SET_LISTPACK
      : RDB_TYPE_SET;
  }

  /** Estimated retained bytes (src/store/size.ts). O(1). */
  get memoryUsage(): number {
    return SET_BYTES + this.items.length * SET_MEMBER_BYTES + this.payload;
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    let p = 0;
    for (let i = 0; i < this.items.length; i++) p += stringBytes(this.items[i].length);
    return SET_BYTES + this.items.length * SET_MEMBER_BYTES + p;
  }

  /**
   * SADD on an existing key: converts to hashtable when the number of values
   * about to be added exceeds the current encoding's entry limit
   * (setTypeMaybeConvert).
   */
  maybeConvert(sizeHint: number, cfg: SetEncodingConfig): void {
    if (
      (this.enc === "listpack" && sizeHint > cfg.setMaxListpackEntries) ||
      (this.enc === "intset" && sizeHint > cfg.setMaxIntsetEntries)
    ) {
      this.enc = "hashtable";
    }
  }

  /**
   * Converts to an intset when every member is an integer and the size fits
   * (maybeConvertToIntset, used when building a set known to be all integers).
   */
  maybeConvertToIntset(cfg: SetEncodingConfig): void {
    if (this.enc === "intset" || this.items.length > intsetMaxEntries(cfg)) return;
    for (let i = 0; i < this.items.length; i++) if (!isInt64String(this.items[i])) return;
    this.enc = "intset";
    this.sorted = false;
  }

  /** Forces an encoding change (setTypeConvert). */
  convertTo(enc: SetEncoding): void {
    if (this.enc === "intset" && enc !== "intset") this.sortIntset();
    if (enc === "intset") this.sorted = false;
    this.enc = enc;
  }

  private sortIntset(): void {
    if (this.sorted) return;
    this.items.sort(cmpIntStrings);
    for (let i = 0; i < this.items.length; i++) this.index.set(this.items[i], i);
    this.sorted = true;
  }

  /** Whether `member` is in the set (SISMEMBER). */
  has(member: string): boolean {
    return this.index.has(member);
  }

  /**
   * Adds `member`; returns true when it was not present (SADD). With `cfg`,
   * applies setTypeAdd's conversions (intset -> listpack/hashtable on a
   * non-integer or too many entries, listpack -> hashtable on too many
   * entries or a too long member).
   */
  add(member: string, cfg?: SetEncodingConfig): boolean {
    if (this.index.has(member)) return false;
    if (cfg) this.convertForAdd(member, cfg);
    const n = this.items.length;
    if (this.enc === "intset" && this.sorted && n > 0) {
      if (cmpIntStrings(this.items[n - 1], member) > 0) this.sorted = false;
    }
    this.index.set(member, n);
    this.items.push(member);
    this.payload += stringBytes(member.length);
    if (cfg && this.enc === "intset" && n + 1 > intsetMaxEntries(cfg)) this.enc = "hashtable";
    return true;
  }

  private convertForAdd(member: string, cfg: SetEncodingConfig): void {
    const n = this.items.length;
    if (this.enc === "listpack") {
      if (!(n < cfg.setMaxListpackEntries && member.length <= cfg.setMaxListpackValue)) {
        this.enc = "hashtable";
      }
    } else if (this.enc === "intset" && !isInt64String(member)) {
      // The longest current member is the min or the max of the intset.
      let maxelelen = 0;
      if (n > 0) {
        let lo = this.items[0];
        let hi = lo;
        for (let i = 1; i < n; i++) {
          const v = this.items[i];
          if (cmpIntStrings(v, lo) < 0) lo = v;
          else if (cmpIntStrings(v, hi) > 0) hi = v;
        }
        maxelelen = Math.max(lo.length, hi.length);
      }
      if (
        n < cfg.setMaxListpackEntries && member.length <= cfg.setMaxListpackValue &&
        maxelelen <= cfg.setMaxListpackValue
      ) {
        this.convertTo("listpack");
      } else {
        this.enc = "hashtable";
      }
    }
  }

  /** Removes `member`; returns whether it was present (SREM). */
  remove(member: string): boolean {
    const i = this.index.get(member);
    if (i === undefined) return false;
    this.removeSlot(i);
    return true;
  }

  private removeSlot(i: number): void {
    const items = this.items;
    this.index.delete(items[i]);
    this.payload -= stringBytes(items[i].length);
    const last = items.length - 1;
    if (this.enc !== "hashtable") {
      // Compact encodings keep their order.
      items.splice(i, 1);
      for (let j = i; j < last; j++) this.index.set(items[j], j);
    } else {
      if (i !== last) {
        const m = items[last];
        items[i] = m;
        this.index.set(m, i);
      }
      items.pop();
    }
  }

  /** A uniformly random member, or undefined when empty. O(1). */
  randomMember(): string | undefined {
    const n = this.items.length;
    return n === 0 ? undefined : this.items[Math.floor(Math.random() * n)];
  }

  /** Removes and returns a uniformly random member (SPOP). */
  pop(): string | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const i = Math.floor(Math.random() * n);
    const m = this.items[i];
    this.removeSlot(i);
    return m;
  }

  /**
   * Member in slot `i` (0 <= i < size). Slots are an arbitrary order stable
   * until the next removal; use with random indexes to sample members.
   */
  memberAt(i: number): string {
    return this.items[i];
  }

  /**
   * Visits all members in SMEMBERS's order (intset: ascending; listpack:
   * insertion order; hashtable: slot order).
   */
  forEach(visit: (member: string) => void): void {
    if (this.enc === "intset") this.sortIntset();
    const items = this.items;
    for (let i = 0; i < items.length; i++) visit(items[i]);
  }

  /** All members, in {@link forEach} order (SMEMBERS). */
  toArray(): string[] {
    if (this.enc === "intset") this.sortIntset();
    return this.items.slice();
  }

  /** Iterates members in {@link forEach} order. */
  *[Symbol.iterator](): IterableIterator<string> {
    if (this.enc === "intset") this.sortIntset();
    for (let i = 0; i < this.items.length; i++) yield this.items[i];
  }

  /**
   * One SSCAN step over the slots from the top down: cursor `c` means "slots
   * below c remain", 0 starts a new scan; returns the next cursor, 0 when
   * done. Members present for the whole scan are visited at least once even if
   * the set grows or shrinks in between. (For intset/listpack, Redis replies
   * with everything at once and cursor 0: use {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const n = this.items.length;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) visit(this.items[i]);
    return stop;
  }

  /** A copy with the same members and encoding (COPY). */
  clone(): RedisSet {
    const s = new RedisSet(this.enc);
    s.payload = this.payload;
    s.items = this.items.slice();
    s.index = new Map(this.index);
    s.sorted = this.sorted;
    return s;
  }
}
