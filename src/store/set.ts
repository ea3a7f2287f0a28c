/**
 * RedisSet: the value type behind SADD/SREM/SMEMBERS/SPOP/...
 *
 * Members are binary strings (char codes 0-255). The OBJECT ENCODING follows
 * Redis 7.2 t_set.c (intset -> listpack -> hashtable, one-way), and so does the
 * representation:
 * - listpack: one packed run of members in insertion order (deletions
 *   preserve it; src/store/packed.ts), found by a linear scan as Redis scans a
 *   listpack.
 * - intset: one string of fixed-width members in ascending numeric order,
 *   binary searched as Redis searches an intset.
 * - hashtable: a {@link ByteTable} of the members' bytes (src/store/byte_table.ts):
 *   O(1) add/remove/has by bytes (SADD, SREM, SISMEMBER take the arguments'
 *   bytes, no string built), O(1) random member (SPOP/SRANDMEMBER) and a safe
 *   SSCAN cursor; removal moves the last slot into the hole.
 *
 * The listpack and intset orders are SMEMBERS's order in Redis too.
 *
 * @module
 */

import { isInt64String } from "../util/number.ts";
import {
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
} from "../persistence/rdb_types.ts";
import {
  elementString,
  entryOffsets,
  findEntry,
  lenPrefix,
  pack,
  skipElement,
  splice,
} from "./packed.ts";
import { binaryScratch, ByteTable } from "./byte_table.ts";
import { SET_BYTES, SET_PACKED_BYTES, stringBytes } from "./size.ts";
import { bytesToBinary } from "../util/bytes.ts";
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

// An intset's run: its members in ascending numeric order, each left-padded
// with NULs to the run's width (the longest member it has held, as a Redis
// intset keeps the widest encoding it needed), so member i is at i * width:
// binary search and O(1) random access, like Redis's intset.

// Member `i` of an intset run of entries `w` chars wide.
function intAt(run: string, w: number, i: number): string {
  let p = i * w;
  const end = p + w;
  while (run.charCodeAt(p) === 0) p++;
  return run.substring(p, end);
}

// Numeric order of intset member `i` and the canonical int64 string `b`.
function cmpIntAt(run: string, w: number, i: number, b: string): number {
  let p = i * w;
  const end = p + w;
  while (run.charCodeAt(p) === 0) p++;
  const an = run.charCodeAt(p) === 45;
  const bn = b.charCodeAt(0) === 45;
  if (an !== bn) return an ? -1 : 1;
  const len = end - p;
  let c = 0;
  if (len !== b.length) c = len < b.length ? -1 : 1;
  else {
    for (let k = 0; k < len; k++) {
      const d = run.charCodeAt(p + k) - b.charCodeAt(k);
      if (d !== 0) {
        c = d < 0 ? -1 : 1;
        break;
      }
    }
  }
  return an ? -c : c;
}

// Index of `b` in an intset run of `n` members, or -(insertion index) - 1.
// A string that is not a canonical integer equals no member, so it is never found.
function intsetSearch(run: string, n: number, w: number, b: string): number {
  let lo = 0;
  let hi = n - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = cmpIntAt(run, w, mid, b);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

// `m` left-padded with NULs to `w` chars.
function padInt(m: string, w: number): string {
  return w === m.length ? m : "\0".repeat(w - m.length) + m;
}

// An intset run of `members` (ascending) `w` chars wide.
function packInts(members: readonly string[], w: number): string {
  const out: string[] = [];
  for (let i = 0; i < members.length; i++) out.push(padInt(members[i], w));
  return out.join("");
}

function intsetMaxEntries(cfg: SetEncodingConfig): number {
  return Math.min(cfg.setMaxIntsetEntries, 1 << 30);
}

// A member given as a string, looked up or added by its bytes.
function htFind(ht: ByteTable, m: string): number {
  return ht.find(binaryScratch(m), 0, m.length);
}

function htAdd(ht: ByteTable, m: string): boolean {
  return ht.add(binaryScratch(m), 0, m.length);
}

/** A set of binary-string members. */
export class RedisSet implements CollectionValue {
  // Intset/listpack form: the packed run and its member count. Unused once `ht` is set.
  private lp = "";
  private n = 0;
  // Hashtable form, or null while intset or listpack encoded.
  private ht: ByteTable | null = null;
  private enc: SetEncoding;

  /** Creates an empty set with the given encoding (default listpack). */
  constructor(encoding: SetEncoding = "listpack") {
    this.enc = encoding;
    if (encoding === "hashtable") this.ht = new ByteTable(false);
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

  /**
   * A listpack-encoded set of `n` members whose packed run (src/store/packed.ts,
   * no member twice) is `run`: for loaders that build the run straight from
   * their bytes.
   */
  static fromRun(run: string, n: number): RedisSet {
    const s = new RedisSet("listpack");
    s.lp = run;
    s.n = n;
    return s;
  }

  /** TYPE of the value. */
  get type(): "set" {
    return "set";
  }

  /** Number of members (SCARD). */
  get size(): number {
    return this.ht === null ? this.n : this.ht.size;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.size;
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
    const ht = this.ht;
    if (ht === null) return SET_PACKED_BYTES + stringBytes(this.lp.length);
    return SET_BYTES + ht.allocatedBytes();
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    const ht = this.ht;
    if (ht === null) {
      let end = 0;
      if (this.enc === "intset") end = this.lp.length; // its width is history, not content
      else for (let i = 0; i < this.n; i++) end = skipElement(this.lp, end);
      return SET_PACKED_BYTES + stringBytes(end);
    }
    return SET_BYTES + ht.recomputeAllocatedBytes();
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
      this.convertTo("hashtable");
    }
  }

  /**
   * Converts to an intset when every member is an integer and the size fits
   * (maybeConvertToIntset, used when building a set known to be all integers).
   */
  maybeConvertToIntset(cfg: SetEncodingConfig): void {
    if (this.enc === "intset" || this.size > intsetMaxEntries(cfg)) return;
    const members = this.toArray();
    for (let i = 0; i < members.length; i++) if (!isInt64String(members[i])) return;
    this.convertTo("intset");
  }

  /** Forces an encoding change (setTypeConvert). */
  convertTo(enc: SetEncoding): void {
    if (enc === this.enc) return;
    const members = this.toArray();
    if (enc === "hashtable") {
      const ht = new ByteTable(false, members.length);
      for (let i = 0; i < members.length; i++) htAdd(ht, members[i]);
      this.ht = ht;
      this.lp = "";
      this.n = 0;
    } else {
      // An intset is ascending, which a listpack made from it keeps.
      if (enc === "intset") {
        members.sort(cmpIntStrings);
        let w = 0;
        for (let i = 0; i < members.length; i++) w = Math.max(w, members[i].length);
        this.lp = packInts(members, w);
      } else {
        this.lp = pack(members);
      }
      this.n = members.length;
      this.ht = null;
    }
    this.enc = enc;
  }

  /** Whether `member` is in the set (SISMEMBER). */
  has(member: string): boolean {
    if (this.ht !== null) return htFind(this.ht, member) >= 0;
    if (this.enc === "intset") {
      return this.n > 0 && intsetSearch(this.lp, this.n, this.lp.length / this.n, member) >= 0;
    }
    return findEntry(this.lp, member, 1) >= 0;
  }

  /** {@link has} of the member whose bytes are `b`. */
  hasBytes(b: Uint8Array): boolean {
    if (this.ht !== null) return this.ht.find(b, 0, b.length) >= 0;
    return this.has(bytesToBinary(b));
  }

  /** {@link add} of the member whose bytes are `b` (copied in). */
  addBytes(b: Uint8Array, cfg?: SetEncodingConfig): boolean {
    if (this.ht !== null) return this.ht.add(b, 0, b.length);
    return this.add(bytesToBinary(b), cfg);
  }

  /** {@link remove} of the member whose bytes are `b`. */
  removeBytes(b: Uint8Array): boolean {
    if (this.ht !== null) return this.ht.remove(b, 0, b.length);
    return this.remove(bytesToBinary(b));
  }

  /**
   * Adds `member`; returns true when it was not present (SADD). With `cfg`,
   * applies setTypeAdd's conversions (intset -> listpack/hashtable on a
   * non-integer or too many entries, listpack -> hashtable on too many
   * entries or a too long member).
   */
  add(member: string, cfg?: SetEncodingConfig): boolean {
    if (this.ht !== null) return htAdd(this.ht, member);
    const lp = this.lp;
    const n = this.n;
    if (this.enc === "intset") {
      const w = n === 0 ? 0 : lp.length / n;
      const i = n === 0 ? -1 : intsetSearch(lp, n, w, member);
      if (i >= 0) return false;
      if (cfg) {
        if (this.convertForAdd(member, cfg)) return htAdd(this.ht!, member);
      } else if (!isInt64String(member)) {
        // No limits to apply, but an intset holds only integers.
        this.convertTo("listpack");
      }
      if (this.enc === "intset") {
        if (member.length > w) {
          // Widen every entry (intsetUpgradeAndAdd), then insert.
          const members = this.toArray();
          members.splice(-i - 1, 0, member);
          this.lp = packInts(members, member.length);
        } else {
          const at = (-i - 1) * w;
          this.lp = splice(lp, at, at, padInt(member, w));
        }
        this.n++;
        if (cfg && this.n > intsetMaxEntries(cfg)) this.convertTo("hashtable");
        return true;
      }
    } else if (findEntry(lp, member, 1) >= 0) {
      return false;
    } else if (cfg && this.convertForAdd(member, cfg)) {
      return htAdd(this.ht!, member);
    }
    // A listpack, maybe just converted from an intset.
    this.lp = [this.lp, lenPrefix(member.length), member].join("");
    this.n++;
    return true;
  }

  // setTypeAdd's conversions before adding `member`; true when now a hashtable.
  private convertForAdd(member: string, cfg: SetEncodingConfig): boolean {
    const n = this.n;
    if (this.enc === "listpack") {
      if (!(n < cfg.setMaxListpackEntries && member.length <= cfg.setMaxListpackValue)) {
        this.convertTo("hashtable");
        return true;
      }
    } else if (this.enc === "intset" && !isInt64String(member)) {
      // The longest current member is the first (min) or the last (max).
      let maxelelen = 0;
      if (n > 0) {
        const w = this.lp.length / n;
        maxelelen = Math.max(intAt(this.lp, w, 0).length, intAt(this.lp, w, n - 1).length);
      }
      if (
        n < cfg.setMaxListpackEntries && member.length <= cfg.setMaxListpackValue &&
        maxelelen <= cfg.setMaxListpackValue
      ) {
        this.convertTo("listpack");
      } else {
        this.convertTo("hashtable");
        return true;
      }
    }
    return false;
  }

  /** Removes `member`; returns whether it was present (SREM). */
  remove(member: string): boolean {
    if (this.ht !== null) {
      const i = htFind(this.ht, member);
      if (i < 0) return false;
      this.ht.removeSlot(i);
      return true;
    }
    if (this.enc === "intset") {
      const i = this.n === 0 ? -1 : intsetSearch(this.lp, this.n, this.lp.length / this.n, member);
      if (i < 0) return false;
      this.removeIndex(i);
      return true;
    }
    const p = findEntry(this.lp, member, 1);
    if (p < 0) return false;
    this.removeAt(p);
    return true;
  }

  // Removes the listpack entry at offset `p`, keeping the order of the rest.
  private removeAt(p: number): void {
    this.lp = --this.n === 0 ? "" : splice(this.lp, p, skipElement(this.lp, p), "");
  }

  // Removes intset member `i`; the width stays (Redis never narrows an intset).
  private removeIndex(i: number): void {
    const w = this.lp.length / this.n;
    this.lp = --this.n === 0 ? "" : splice(this.lp, i * w, i * w + w, "");
  }

  /** A uniformly random member, or undefined when empty. O(1). */
  randomMember(): string | undefined {
    const n = this.size;
    return n === 0 ? undefined : this.memberAt(Math.floor(Math.random() * n));
  }

  /** Removes and returns a uniformly random member (SPOP). */
  pop(): string | undefined {
    const n = this.size;
    if (n === 0) return undefined;
    const i = Math.floor(Math.random() * n);
    if (this.ht !== null) {
      const m = this.ht.keyString(i);
      this.ht.removeSlot(i);
      return m;
    }
    if (this.enc === "intset") {
      const m = intAt(this.lp, this.lp.length / n, i);
      this.removeIndex(i);
      return m;
    }
    const p = entryOffsets(this.lp, n, 1)[i];
    const m = elementString(this.lp, p);
    this.removeAt(p);
    return m;
  }

  /**
   * Member in slot `i` (0 <= i < size). Slots are an arbitrary order stable
   * until the next removal; use with random indexes to sample members.
   */
  memberAt(i: number): string {
    if (this.ht !== null) return this.ht.keyString(i);
    if (this.enc === "intset") return intAt(this.lp, this.lp.length / this.n, i);
    return elementString(this.lp, entryOffsets(this.lp, this.n, 1)[i]);
  }

  /**
   * Visits all members in SMEMBERS's order (intset: ascending; listpack:
   * insertion order; hashtable: slot order).
   */
  forEach(visit: (member: string) => void): void {
    if (this.ht !== null) {
      const ht = this.ht;
      for (let i = 0; i < ht.size; i++) visit(ht.keyString(i));
      return;
    }
    const lp = this.lp;
    if (this.enc === "intset") {
      const n = this.n;
      for (let i = 0; i < n; i++) visit(intAt(lp, lp.length / n, i));
      return;
    }
    for (let p = 0; p < lp.length; p = skipElement(lp, p)) visit(elementString(lp, p));
  }

  /** All members, in {@link forEach} order (SMEMBERS). */
  toArray(): string[] {
    const out: string[] = [];
    this.forEach((m) => out.push(m));
    return out;
  }

  /** Iterates members in {@link forEach} order. */
  *[Symbol.iterator](): IterableIterator<string> {
    yield* this.toArray();
  }

  /**
   * One SSCAN step over the slots from the top down: cursor `c` means "slots
   * below c remain", 0 starts a new scan; returns the next cursor, 0 when
   * done. Members present for the whole scan are visited at least once even if
   * the set grows or shrinks in between. (For intset/listpack, Redis replies
   * with everything at once and cursor 0: use {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (member: string) => void): number {
    const n = this.size;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) visit(this.memberAt(i));
    return stop;
  }

  /** A copy with the same members and encoding (COPY). */
  clone(): RedisSet {
    const s = new RedisSet("listpack");
    s.enc = this.enc;
    s.lp = this.lp;
    s.n = this.n;
    s.ht = this.ht === null ? null : this.ht.clone();
    return s;
  }
}
