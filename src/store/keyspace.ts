/**
 * The keyspace: numbered databases of key -> value with optional expiry.
 *
 * Each Db keeps a Map for O(1) lookup plus two dense arrays:
 * - `slots`, every entry, so RANDOMKEY is O(1) and SCAN can walk it with a
 *   cursor that survives inserts and deletes (see `scan`);
 * - `volatile`, the entries with a TTL, so the active expire cycle can sample
 *   random keys with a TTL as Redis does.
 * Removal swaps the last element into the hole, keeping both arrays dense.
 *
 * Keys are binary strings (each char code is one byte). Expired keys are never
 * returned by a lookup: they are deleted on access (lazy expire) through the
 * `onExpire` hook, which the server uses to propagate DEL and fire the
 * "expired" keyspace event. A replica does not delete; it only hides them.
 *
 * Each Db also keeps `bytes`, the estimated memory of its keys and values
 * (src/store/size.ts): every entry remembers what it counts there, updated on
 * add/set/delete/expire. A value changed in place is re-counted lazily: the
 * write path reports the key with `updateSize` (before or after the change,
 * as Redis's signalModifiedKey may come either way) and the next read of
 * `bytes` settles the reported entries.
 */

import { ENTRY_BYTES, entryBytes, EXPIRE_BYTES, stringBytes } from "./size.ts";
import type { RedisValue } from "./types.ts";

/** One key's slot in a db. */
export class Entry {
  /** Absolute expire time in ms since the epoch, or -1 for none. */
  expireAt = -1;
  /** Index in Db.slots. */
  slot = -1;
  /** Index in Db.volatile, or -1. */
  expireSlot = -1;
  /** Last access, in ms (OBJECT IDLETIME). */
  lru: number;
  /** LFU counter (OBJECT FREQ), Redis's logarithmic counter starting at 5. */
  lfu = 5;
  /** String encoding forced to "raw" by APPEND/SETRANGE, like Redis. */
  raw = false;
  /** Bytes this entry counts in Db.bytes (key, value, TTL slot) as last updated. */
  size = 0;
  /** Queued for re-counting (Db.updateSize). */
  stale = false;

  constructor(public readonly key: string, public value: RedisValue, now: number) {
    this.lru = now;
  }
}

/** Estimated bytes of a key right now: entry, key string, value and TTL slot. O(1). */
export function entrySize(e: Entry): number {
  return entryBytes(e.key, e.value) + (e.expireAt === -1 ? 0 : EXPIRE_BYTES);
}

/** Hooks the server installs into the keyspace. */
export interface KeyspaceHooks {
  /** A key was found expired on access or by the active cycle and removed. */
  onExpire(db: Db, key: string): void;
  /** True on a replica: expired keys are hidden but not deleted (the master sends DEL). */
  isReplica(): boolean;
}

/** One numbered database. */
export class Db {
  private dict = new Map<string, Entry>();
  private slots: Entry[] = [];
  private volatile: Entry[] = [];
  /** Resume point of the active expire cycle in `volatile`. */
  expireCursor = 0;
  /** Sum of TTLs seen by the last expire cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;
  private total = 0;
  // Entries whose value may have changed size since they were counted.
  private stale: Entry[] = [];

  constructor(public id: number, private readonly ks: Keyspace) {}

  /** Number of keys, including not yet reclaimed expired ones (as DBSIZE in Redis). */
  get size(): number {
    return this.dict.size;
  }

  /**
   * Estimated bytes of all entries (keys, values, bookkeeping). O(1) plus the
   * keys reported by `updateSize` since the last read.
   */
  get bytes(): number {
    if (this.stale.length > 0) this.settle();
    return this.total;
  }

  /** Number of keys with a TTL. */
  get expiresCount(): number {
    return this.volatile.length;
  }

  /**
   * Returns the live entry for `key`, expiring it first when due.
   * Touches its access time unless `noTouch` (OBJECT, TYPE, ... read without touching).
   */
  lookup(key: string, noTouch = false): Entry | undefined {
    const e = this.dict.get(key);
    if (e === undefined) return undefined;
    // Expired once the clock is past the expire time (keyIsExpired: now > when).
    if (e.expireAt !== -1 && e.expireAt < this.ks.now) {
      if (this.ks.hooks.isReplica()) return undefined;
      this.expire(e);
      return undefined;
    }
    if (!noTouch) e.lru = this.ks.now;
    return e;
  }

  /** The value at `key` when live, else undefined. */
  get(key: string): RedisValue | undefined {
    return this.lookup(key)?.value;
  }

  /** Entry without any expiry check (persistence, DEBUG, tests). */
  peek(key: string): Entry | undefined {
    return this.dict.get(key);
  }

  /** True when `key` holds an expired entry that has not been reclaimed yet. */
  isExpired(e: Entry): boolean {
    return e.expireAt !== -1 && e.expireAt < this.ks.now;
  }

  /**
   * Stores `value` at `key`. A new key gets no TTL; an existing key keeps its
   * TTL only with `keepTtl` (SET KEEPTTL), as setKey does in Redis.
   */
  set(key: string, value: RedisValue, keepTtl = false): Entry {
    const e = this.dict.get(key);
    if (e === undefined) return this.add(key, value);
    e.value = value;
    e.raw = false;
    e.lru = this.ks.now;
    if (!keepTtl && e.expireAt !== -1) this.removeExpire(e);
    this.resize(e);
    return e;
  }

  /** Adds a key that must not exist yet. */
  add(key: string, value: RedisValue): Entry {
    const e = new Entry(key, value, this.ks.now);
    e.size = entryBytes(key, value);
    this.total += e.size;
    e.slot = this.slots.length;
    this.slots.push(e);
    this.dict.set(key, e);
    return e;
  }

  /** Removes `key`; returns whether it existed (expired or not). */
  delete(key: string): boolean {
    const e = this.dict.get(key);
    if (e === undefined) return false;
    this.unlink(e);
    return true;
  }

  private unlink(e: Entry): void {
    this.dict.delete(e.key);
    if (e.expireAt !== -1) this.removeExpire(e);
    this.total -= e.size;
    const last = this.slots.pop()!;
    if (last !== e) {
      this.slots[e.slot] = last;
      last.slot = e.slot;
    }
    e.slot = -1;
  }

  /**
   * Reports that the value at `key` may have changed size in place (a
   * collection grew or shrank); it is re-counted on the next read of `bytes`.
   * Every write calls it per modified key (Server.signalModifiedKey does). A
   * key that no longer exists is already uncounted.
   */
  updateSize(key: string): void {
    const e = this.dict.get(key);
    // Strings are replaced through set(), never changed in place.
    if (e === undefined || e.stale || e.value instanceof Uint8Array) return;
    e.stale = true;
    // Bounded, so deleted entries are not kept alive by the queue.
    if (this.stale.push(e) >= 1024) this.settle();
  }

  private settle(): void {
    const stale = this.stale;
    for (let i = 0; i < stale.length; i++) {
      const e = stale[i];
      e.stale = false;
      if (e.slot !== -1) this.resize(e);
    }
    stale.length = 0;
  }

  private resize(e: Entry): void {
    const n = entrySize(e);
    this.total += n - e.size;
    e.size = n;
  }

  /**
   * The estimated bytes of every entry computed from scratch, walking every
   * collection (tests compare it with `bytes`).
   */
  recomputeBytes(): number {
    let n = 0;
    for (const e of this.dict.values()) {
      const v = e.value;
      n += v instanceof Uint8Array
        ? entryBytes(e.key, v)
        : ENTRY_BYTES + stringBytes(e.key.length) + v.recomputeMemoryUsage();
      if (e.expireAt !== -1) n += EXPIRE_BYTES;
    }
    return n;
  }

  /** Sets an absolute expire time (ms). */
  setExpire(e: Entry, at: number): void {
    if (e.expireAt === -1) {
      e.expireSlot = this.volatile.length;
      this.volatile.push(e);
      e.size += EXPIRE_BYTES;
      this.total += EXPIRE_BYTES;
    }
    e.expireAt = at;
  }

  /** Drops the TTL; returns whether there was one. */
  removeExpire(e: Entry): boolean {
    if (e.expireAt === -1) return false;
    const last = this.volatile.pop()!;
    if (last !== e) {
      this.volatile[e.expireSlot] = last;
      last.expireSlot = e.expireSlot;
    }
    e.expireSlot = -1;
    e.expireAt = -1;
    e.size -= EXPIRE_BYTES;
    this.total -= EXPIRE_BYTES;
    return true;
  }

  /** Deletes an expired entry and reports it through the hooks. */
  expire(e: Entry): void {
    this.unlink(e);
    this.ks.hooks.onExpire(this, e.key);
  }

  /** Random live key, or null (RANDOMKEY). Gives up on expired ones after 100 tries like Redis. */
  randomKey(): string | null {
    for (let tries = 0; tries < 100 && this.slots.length > 0; tries++) {
      const e = this.slots[Math.floor(Math.random() * this.slots.length)];
      if (!this.isExpired(e)) return e.key;
      if (this.ks.hooks.isReplica()) {
        if (tries === 99) return e.key;
        continue;
      }
      this.expire(e);
    }
    return null;
  }

  /**
   * One SCAN step. `cursor` 0 starts a scan; the returned cursor is 0 when done.
   * Walks `slots` from the top down: a cursor c means "indices below c remain".
   * Deletions move the last (already visited or newly added) entry into the hole,
   * so an entry present for the whole scan is never skipped.
   */
  scan(cursor: number, count: number, visit: (e: Entry) => void): number {
    let i = cursor === 0 ? this.slots.length : Math.min(cursor, this.slots.length);
    let steps = 0;
    while (i > 0 && steps < count) {
      i--;
      steps++;
      visit(this.slots[i]);
    }
    return i;
  }

  /** All entries, for KEYS / FLUSH / persistence. Do not mutate during iteration. */
  entries(): IterableIterator<Entry> {
    return this.dict.values();
  }

  /** Removes every key; returns how many there were. */
  flush(): number {
    const n = this.dict.size;
    this.dict = new Map();
    this.slots = [];
    this.volatile = [];
    this.expireCursor = 0;
    this.avgTtl = 0;
    this.total = 0;
    for (const e of this.stale) e.stale = false;
    this.stale = [];
    return n;
  }

  /**
   * Samples up to `n` entries with a TTL and expires those that are due.
   * Returns [sampled, expired]. The sampling walks `volatile` from a rotating
   * random start, which is what Redis's random dict sampling gives in effect.
   */
  sampleExpired(n: number): [number, number] {
    const len = this.volatile.length;
    if (len === 0) return [0, 0];
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlN = 0;
    const now = this.ks.now;
    for (let k = 0; k < n && this.volatile.length > 0; k++) {
      const idx = Math.floor(Math.random() * this.volatile.length);
      const e = this.volatile[idx];
      sampled++;
      if (e.expireAt < now) {
        this.expire(e);
        expired++;
      } else {
        ttlSum += e.expireAt - now;
        ttlN++;
      }
    }
    if (ttlN > 0) {
      const avg = ttlSum / ttlN;
      // Running estimate weighted like Redis's activeExpireCycle.
      this.avgTtl = this.avgTtl === 0 ? avg : (this.avgTtl / 50) * 49 + avg / 50;
    }
    return [sampled, expired];
  }

  /** Swaps contents with another db (SWAPDB). */
  swapWith(other: Db): void {
    const d = this.dict, s = this.slots, v = this.volatile, a = this.avgTtl;
    const t = this.total, st = this.stale;
    this.dict = other.dict;
    this.slots = other.slots;
    this.volatile = other.volatile;
    this.avgTtl = other.avgTtl;
    this.total = other.total;
    this.stale = other.stale;
    other.dict = d;
    other.slots = s;
    other.volatile = v;
    other.avgTtl = a;
    other.total = t;
    other.stale = st;
  }
}

/** All databases plus the clock that expiry decisions use. */
export class Keyspace {
  readonly dbs: Db[];
  /**
   * Time in ms that expiry checks compare against. The executor refreshes it
   * before each command so one command (or a whole MULTI) sees a single instant,
   * like Redis's command time snapshot.
   */
  now = Date.now();

  constructor(count: number, public hooks: KeyspaceHooks) {
    this.dbs = [];
    for (let i = 0; i < count; i++) this.dbs.push(new Db(i, this));
  }

  /** Estimated bytes of all dbs' keys and values (Db.bytes summed). */
  totalBytes(): number {
    let n = 0;
    for (const db of this.dbs) n += db.bytes;
    return n;
  }

  /** Total keys across all dbs. */
  totalKeys(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }
}
