/**
 * The keyspace: numbered databases of key -> value with optional expiry.
 *
 * A Db keeps its keys off the JS heap, so a small string key costs tens of
 * bytes instead of the ~290 a Map entry, an Entry object, a key string and a
 * Uint8Array cost (bench/README.md, "Where the bytes go"):
 * - every key has an id, an index into struct-of-arrays metadata (record
 *   position, expire time, LRU, LFU, flags, counted bytes). Ids are
 *   stable while the key exists, and a freed id is reused only after
 *   REUSE_DELAY further deletions, so a handle held across a few keyspace
 *   mutations (RENAME, MOVE, COPY hold two) never sees another key;
 * - one open-addressing table (linear probing, backward-shift deletion) of
 *   (hash, id) pairs maps a key to its id; keys are compared bytewise with
 *   the record;
 * - the key bytes, and a string value of up to INLINE_MAX bytes, live in a
 *   record in an append-only arena of 1 MB chunks. Records are never written
 *   over: a replaced or deleted record only counts as dead, and a chunk less
 *   than half live is compacted into the current chunk and dropped. So a
 *   value view handed out by `get` stays valid (it keeps its old chunk alive).
 *   The one exception is `setAt` with a value of the same length, which
 *   writes it over the old one unless `Keyspace.valuesHeld` says someone keeps
 *   value views across commands (a BGSAVE or AOF rewrite in progress);
 * - collections and longer strings stay JS objects, in `objects[id]`.
 *
 * SCAN walks ids downwards (a key present for the whole scan keeps its id, so
 * it is never missed), RANDOMKEY picks a random table slot and takes the next
 * occupied one, and the active expire cycle samples the dense array of ids
 * with a TTL. `Entry` is a handle (store, id) made per lookup.
 *
 * Keys are binary strings (each char code is one byte). Expired keys are never
 * returned by a lookup: they are deleted on access (lazy expire) through the
 * `onExpire` hook, which the server uses to propagate DEL and fire the
 * "expired" keyspace event. A replica does not delete; it only hides them.
 *
 * Each Db also keeps `bytes`, the estimated memory of its keys and values
 * (src/store/size.ts): every key remembers what it counts there, updated on
 * add/set/delete/expire. A value changed in place is re-counted lazily: the
 * write path reports the key with `updateSize` (before or after the change,
 * as Redis's signalModifiedKey may come either way) and the next read of
 * `bytes` settles the reported keys.
 */

import { EXPIRE_BYTES, KEY_BYTES, recordBytes, valueBytes } from "./size.ts";
import type { RedisValue } from "./types.ts";
import { bytesToBinary } from "../util/bytes.ts";

/** Longest string value stored inline in the arena; longer ones keep their own buffer. */
export const INLINE_MAX = 512;

const LIVE = 1;
const RAW = 2;
const STALE = 4;
/** The value is `objects[id]` (a collection or a long string), not inline bytes. */
const OBJ = 8;

const CHUNK_SIZE = 1 << 20;
const FIRST_CHUNK = 1 << 12;
/** Records above this get a chunk of their own (only keys can be that long). */
const BIG_RECORD = CHUNK_SIZE >> 3;
/** Deletions an id waits before it is reused (see the module comment). */
const REUSE_DELAY = 1024;
const MIN_TABLE = 16;
const MIN_IDS = 8;

const SEED = (Math.random() * 0x100000000) | 0;

/** Hash of a binary string key (FNV-1a over its bytes, with a final mix). */
function hashKey(k: string): number {
  const n = k.length;
  let h = SEED ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ k.charCodeAt(i), 0x01000193);
  return mixHash(h);
}

/**
 * hashKey of the key whose `n` bytes are at `p` in `c` (also the hash of the
 * members and fields of hashtable sets and hashes, src/store/byte_table.ts).
 */
export function hashKeyBytes(c: Uint8Array, p: number, n: number): number {
  let h = SEED ^ n;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ c[p + i], 0x01000193);
  return mixHash(h);
}

/**
 * Copies `n` bytes of `src` from `from` into `c` at `p` (a loop for short runs,
 * where it beats `set`, and no view made for them).
 */
export function copyBytes(
  c: Uint8Array,
  p: number,
  src: Uint8Array,
  from = 0,
  n = src.length,
): void {
  if (n <= 32) { for (let i = 0; i < n; i++) c[p + i] = src[from + i]; }
  else c.set(from === 0 && n === src.length ? src : src.subarray(from, from + n), p);
}

function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** One key's handle in a db, valid until the key is deleted. */
export class Entry {
  constructor(
    /** @internal */ readonly store: Store,
    /** @internal */ readonly id: number,
  ) {}

  /** The key (a binary string). */
  get key(): string {
    return this.store.keyOf(this.id);
  }

  /** The value; a string value of up to INLINE_MAX bytes is a fresh view of its stored bytes. */
  get value(): RedisValue {
    return this.store.valueOf(this.id);
  }

  /** Whether the key still exists (always, unless deleted since the handle was made). */
  get live(): boolean {
    return this.store.isLive(this.id);
  }

  /** Absolute expire time in ms since the epoch, or -1 for none. */
  get expireAt(): number {
    return this.store.expireAt[this.id];
  }

  /** Last access, in ms (OBJECT IDLETIME). */
  get lru(): number {
    return this.store.lru[this.id];
  }
  set lru(ms: number) {
    this.store.lru[this.id] = ms;
  }

  /** LFU counter (OBJECT FREQ), Redis's logarithmic counter starting at 5. */
  get lfu(): number {
    return this.store.lfu[this.id];
  }
  set lfu(n: number) {
    this.store.lfu[this.id] = n;
  }

  /** String encoding forced to "raw" by APPEND/SETRANGE, like Redis. */
  get raw(): boolean {
    return (this.store.flags[this.id] & RAW) !== 0;
  }
  set raw(on: boolean) {
    const f = this.store.flags;
    f[this.id] = on ? f[this.id] | RAW : f[this.id] & ~RAW;
  }
}

/** Estimated bytes of a key right now: metadata, record, value and TTL slot. O(1). */
export function entrySize(e: Entry): number {
  return e.store.sizeOf(e.id);
}

/** Hooks the server installs into the keyspace. */
export interface KeyspaceHooks {
  /** A key was found expired on access or by the active cycle and removed. */
  onExpire(db: Db, key: string): void;
  /** True on a replica: expired keys are hidden but not deleted (the master sends DEL). */
  isReplica(): boolean;
}

/**
 * One db's contents (SWAPDB swaps these between Db objects; FLUSHDB replaces
 * them, so handles into the flushed contents never see new keys).
 * @internal
 */
export class Store {
  // Hash table: slot i holds the key's hash at 2i and its id + 1 at 2i + 1 (0 when
  // empty), so a probe reads one cache line, not the table and a per-id array.
  table = new Int32Array(2 * MIN_TABLE);
  mask = MIN_TABLE - 1;
  count = 0;

  // Per-id metadata, `cap` long; ids below `idHigh` have been handed out.
  cap = MIN_IDS;
  idHigh = 0;
  /** Record position: chunk at 2 * id, offset at 2 * id + 1 (one cache line for both). */
  rec = new Int32Array(2 * MIN_IDS);
  expireAt = new Float64Array(MIN_IDS);
  lru = new Float64Array(MIN_IDS);
  lfu = new Uint8Array(MIN_IDS);
  flags = new Uint8Array(MIN_IDS);
  expireSlot = new Int32Array(MIN_IDS);
  counted = new Float64Array(MIN_IDS);
  objects: (RedisValue | undefined)[] = [];

  // Freed ids, oldest first (a ring of `cap` slots).
  freeIds = new Int32Array(MIN_IDS);
  freeHead = 0;
  freeLen = 0;

  // Ids with a TTL, dense (active expire sampling).
  volatile = new Int32Array(MIN_IDS);
  volatileLen = 0;

  // The arena.
  chunks: (Uint8Array | null)[] = [];
  chunkUsed: number[] = [];
  chunkLive: number[] = [];
  freeChunks: number[] = [];
  cur = -1;
  curOff = 0;
  nextChunk = FIRST_CHUNK;

  total = 0;
  // Ids whose value may have changed size since they were counted.
  stale: number[] = [];

  // The last key found and its id: a command usually looks its key up several times.
  lastKey: string | null = null;
  lastId = -1;

  // ---- lookup

  /** Id of `key`, or -1. */
  find(key: string): number {
    if (key === this.lastKey) return this.lastId;
    const h = hashKey(key);
    const t = this.table, mask = this.mask;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const v = t[2 * i + 1];
      if (v === 0) return -1;
      const id = v - 1;
      if (t[2 * i] === h && this.keyEquals(id, key)) {
        this.lastKey = key;
        this.lastId = id;
        return id;
      }
    }
  }

  /** The hash findBytes computed last (an insertion after a miss need not hash again). */
  probedHash = 0;

  /** Id of the key whose bytes are `b`, or -1: no key string is built (hashKey of them). */
  findBytes(b: Uint8Array): number {
    const n = b.length;
    const h = this.probedHash = hashKeyBytes(b, 0, n);
    const t = this.table, mask = this.mask;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const v = t[2 * i + 1];
      if (v === 0) return -1;
      if (t[2 * i] === h && this.keyBytesEqual(v - 1, b, 0, n)) return v - 1;
    }
  }

  private keyEquals(id: number, key: string): boolean {
    const c = this.chunks[this.rec[2 * id]]!;
    let p = this.rec[2 * id + 1] + 4;
    const klen = readLen(c, p);
    if (klen !== key.length) return false;
    p += lenSize(c, p);
    p += lenSize(c, p);
    for (let j = 0; j < klen; j++) if (c[p + j] !== key.charCodeAt(j)) return false;
    return true;
  }

  /**
   * The key's bytes as a view into its record (records are never written
   * over, so the view stays valid): for writers that want bytes, not a string.
   */
  keyBytes(id: number): Uint8Array {
    const c = this.chunks[this.rec[2 * id]]!;
    let p = this.rec[2 * id + 1] + 4;
    const klen = readLen(c, p);
    p += lenSize(c, p);
    p += lenSize(c, p);
    return c.subarray(p, p + klen);
  }

  /** The key of `id` as a binary string. */
  keyOf(id: number): string {
    return bytesToBinary(this.keyBytes(id));
  }

  /** The chunk and offset of the inline value {@link valueSpan} found last. */
  spanBuf: Uint8Array = new Uint8Array(0);
  spanOff = 0;

  /**
   * Where the inline string value of live `id` is, without a view made for it:
   * sets `spanBuf` and `spanOff` and returns its length, or -1 when the value
   * is an object (a collection or a long string).
   */
  valueSpan(id: number): number {
    if ((this.flags[id] & OBJ) !== 0) return -1;
    const c = this.chunks[this.rec[2 * id]]!;
    let p = this.rec[2 * id + 1] + 4;
    const klen = readLen(c, p);
    p += lenSize(c, p);
    const vlen = readLen(c, p);
    p += lenSize(c, p);
    this.spanBuf = c;
    this.spanOff = p + klen;
    return vlen;
  }

  /** The value of `id`. */
  valueOf(id: number): RedisValue {
    const n = this.valueSpan(id);
    if (n === -1) return this.objects[id]!;
    // A chunk starts its buffer; the constructor makes a view faster than subarray().
    return new Uint8Array(this.spanBuf.buffer, this.spanOff, n);
  }

  /**
   * Writes `value` over the inline value of live `id` when it has the same
   * length (the record keeps its place and size); false, changing nothing,
   * when it does not or the value is an object.
   */
  overwrite(id: number, value: Uint8Array): boolean {
    if (this.valueSpan(id) !== value.length) return false; // -1 for an object
    copyBytes(this.spanBuf, this.spanOff, value);
    return true;
  }

  /** Bytes of the record at `off` in chunk `ci`. */
  private recordLength(ci: number, off: number): number {
    const c = this.chunks[ci]!;
    let p = off + 4;
    const klen = readLen(c, p);
    p += lenSize(c, p);
    const vlen = readLen(c, p);
    p += lenSize(c, p);
    return p - off + klen + vlen;
  }

  // ---- sizes

  /** Estimated bytes of `id` from scratch (its value's running estimate included). */
  sizeOf(id: number): number {
    let n = KEY_BYTES + this.recordLength(this.rec[2 * id], this.rec[2 * id + 1]);
    if ((this.flags[id] & OBJ) !== 0) n += valueBytes(this.objects[id]!);
    if (this.expireAt[id] !== -1) n += EXPIRE_BYTES;
    return n;
  }

  /** Re-counts `id` in `total`. */
  resize(id: number): void {
    const n = this.sizeOf(id);
    this.total += n - this.counted[id];
    this.counted[id] = n;
  }

  // ---- arena

  /** Writes a record for `id` and points the id at it. */
  private writeRecord(id: number, key: string, value: Uint8Array | null): void {
    const klen = key.length;
    let p = this.newRecord(id, klen, value === null ? 0 : value.length);
    const c = this.chunks[this.rec[2 * id]]!;
    for (let i = 0; i < klen; i++) c[p + i] = key.charCodeAt(i);
    p += klen;
    if (value !== null) copyBytes(c, p, value);
  }

  /**
   * Gives live `id` a new record with its key (copied from the old record, so
   * no key string is needed) and `value`; the old record becomes dead.
   */
  private rewriteRecord(id: number, value: Uint8Array | null): void {
    // The old chunk is never written again, even when freeing drops or compacts it.
    const old = this.chunks[this.rec[2 * id]]!;
    let p = this.rec[2 * id + 1] + 4;
    const klen = readLen(old, p);
    p += lenSize(old, p);
    p += lenSize(old, p);
    this.freeRecord(id);
    const q = this.newRecord(id, klen, value === null ? 0 : value.length);
    const c = this.chunks[this.rec[2 * id]]!;
    copyBytes(c, q, old, p, klen);
    if (value !== null) copyBytes(c, q + klen, value);
  }

  /**
   * Reserves a record of `klen` key and `vlen` value bytes for `id`, writes its
   * id and lengths, points the id at it and returns the key's offset in its chunk.
   */
  private newRecord(id: number, klen: number, vlen: number): number {
    const size = recordBytes(klen, vlen);
    const ci = this.reserve(size);
    const c = this.chunks[ci]!;
    const off = ci === this.cur ? this.curOff : 0;
    if (ci === this.cur) this.curOff += size;
    this.chunkUsed[ci] = ci === this.cur ? this.curOff : size;
    this.chunkLive[ci] += size;
    c[off] = id;
    c[off + 1] = id >>> 8;
    c[off + 2] = id >>> 16;
    c[off + 3] = id >>> 24;
    this.rec[2 * id] = ci;
    this.rec[2 * id + 1] = off;
    return writeLen(c, writeLen(c, off + 4, klen), vlen);
  }

  /**
   * A chunk with room for `size` bytes: the current chunk (writing at curOff),
   * or a chunk of its own for a big record (at 0).
   */
  private reserve(size: number): number {
    if (size > BIG_RECORD) {
      const ci = this.newChunk(size);
      this.chunkUsed[ci] = size;
      return ci;
    }
    // A loop: compacting the chunk left behind fills the new one, maybe past `size`'s room.
    while (this.cur === -1 || this.curOff + size > this.chunks[this.cur]!.length) {
      const old = this.cur;
      // A db's first chunks are small: most dbs hold few keys.
      this.cur = this.newChunk(Math.max(size, this.nextChunk));
      this.nextChunk = Math.min(CHUNK_SIZE, this.nextChunk * 2);
      this.curOff = 0;
      if (old !== -1) this.checkChunk(old);
    }
    return this.cur;
  }

  private newChunk(size: number): number {
    const ci = this.freeChunks.length > 0 ? this.freeChunks.pop()! : this.chunks.length;
    this.chunks[ci] = new Uint8Array(size);
    this.chunkUsed[ci] = 0;
    this.chunkLive[ci] = 0;
    return ci;
  }

  /** Marks the record of `id` dead. */
  private freeRecord(id: number): void {
    const ci = this.rec[2 * id];
    this.chunkLive[ci] -= this.recordLength(ci, this.rec[2 * id + 1]);
    // Detached first, so a compaction of its chunk does not move it.
    this.rec[2 * id] = -1;
    if (ci !== this.cur) this.checkChunk(ci);
  }

  /** Drops an empty chunk, compacts one less than half live (not the current one). */
  private checkChunk(ci: number): void {
    const live = this.chunkLive[ci];
    if (live === 0) {
      this.dropChunk(ci);
    } else if (live < this.chunkUsed[ci] >> 1) {
      this.compact(ci);
    }
  }

  private dropChunk(ci: number): void {
    this.chunks[ci] = null;
    this.chunkUsed[ci] = 0;
    this.freeChunks.push(ci);
  }

  /** Moves the live records of chunk `ci` into the current chunk and drops it. */
  private compact(ci: number): void {
    const c = this.chunks[ci]!;
    const end = this.chunkUsed[ci];
    // Keeps reserve() from picking `ci` while it is being emptied.
    this.chunkLive[ci] = -1;
    for (let off = 0; off < end;) {
      const id = c[off] | (c[off + 1] << 8) | (c[off + 2] << 16) | (c[off + 3] << 24);
      const len = this.recordLength(ci, off);
      if (id < this.idHigh && this.rec[2 * id] === ci && this.rec[2 * id + 1] === off) {
        const to = this.reserve(len);
        const toOff = to === this.cur ? this.curOff : 0;
        if (to === this.cur) this.curOff += len;
        this.chunkUsed[to] = to === this.cur ? this.curOff : len;
        this.chunkLive[to] += len;
        copyBytes(this.chunks[to]!, toOff, c, off, len);
        this.rec[2 * id] = to;
        this.rec[2 * id + 1] = toOff;
      }
      off += len;
    }
    this.dropChunk(ci);
  }

  // ---- ids and the table

  /** A fresh id for a new key. */
  private allocId(): number {
    if (this.freeLen > REUSE_DELAY && this.pins === 0) {
      const id = this.freeIds[this.freeHead];
      this.freeHead = (this.freeHead + 1) % this.cap;
      this.freeLen--;
      return id;
    }
    if (this.idHigh === this.cap) this.growIds();
    return this.idHigh++;
  }

  private releaseId(id: number): void {
    this.freeIds[(this.freeHead + this.freeLen) % this.cap] = id;
    this.freeLen++;
  }

  private growIds(cap = Math.max(MIN_IDS, Math.ceil(this.cap * 1.5))): void {
    const old = this.cap;
    this.rec = grow(this.rec, 2 * cap);
    this.expireAt = grow(this.expireAt, cap);
    this.lru = grow(this.lru, cap);
    this.lfu = grow(this.lfu, cap);
    this.flags = grow(this.flags, cap);
    this.expireSlot = grow(this.expireSlot, cap);
    this.counted = grow(this.counted, cap);
    this.volatile = grow(this.volatile, cap);
    // The free ring, unwrapped.
    const ring = new Int32Array(cap);
    for (let i = 0; i < this.freeLen; i++) ring[i] = this.freeIds[(this.freeHead + i) % old];
    this.freeIds = ring;
    this.freeHead = 0;
    this.cap = cap;
  }

  private insertSlot(id: number, h: number): void {
    if ((this.count + 1) * 4 > (this.mask + 1) * 3) this.rehash((this.mask + 1) * 2);
    const t = this.table, mask = this.mask;
    let i = h & mask;
    while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
    t[2 * i] = h;
    t[2 * i + 1] = id + 1;
  }

  /** Rebuilds the table with `size` slots. */
  private rehash(size: number): void {
    const t = new Int32Array(2 * size);
    const mask = size - 1;
    const old = this.table;
    for (let j = 0; j < old.length; j += 2) {
      const v = old[j + 1];
      if (v === 0) continue;
      const h = old[j];
      let i = h & mask;
      while (t[2 * i + 1] !== 0) i = (i + 1) & mask;
      t[2 * i] = h;
      t[2 * i + 1] = v;
    }
    this.table = t;
    this.mask = mask;
  }

  /** Takes `id` out of the table (its record must still be there: its key is hashed again). */
  private removeSlot(id: number): void {
    const t = this.table, mask = this.mask;
    const key = this.keyBytes(id);
    let i = hashKeyBytes(key, 0, key.length) & mask;
    while (t[2 * i + 1] !== id + 1) i = (i + 1) & mask;
    // Backward-shift deletion: pull later entries of the cluster into the hole
    // unless their home lies cyclically in (hole, position].
    for (let j = i;;) {
      j = (j + 1) & mask;
      const v = t[2 * j + 1];
      if (v === 0) break;
      const h = t[2 * j];
      const k = h & mask;
      if (i <= j ? (i < k && k <= j) : (i < k || k <= j)) continue;
      t[2 * i] = h;
      t[2 * i + 1] = v;
      i = j;
    }
    t[2 * i] = 0;
    t[2 * i + 1] = 0;
  }

  // ---- keys

  /** Adds `key` (which must not exist) and returns its id. */
  add(key: string, value: RedisValue, now: number): number {
    const id = this.allocId();
    this.expireAt[id] = -1;
    this.lru[id] = now;
    this.lfu[id] = 5;
    this.expireSlot[id] = -1;
    this.put(id, key, value);
    this.insertSlot(id, hashKey(key));
    this.count++;
    return id;
  }

  /**
   * Makes room for `n` more keys at once (loading, from RESIZEDB's hint), so
   * the table is not rehashed nor the per-id arrays grown on the way.
   */
  reserveKeys(n: number): void {
    const want = this.count + n;
    let size = this.table.length;
    while (want * 4 > size * 3) size *= 2;
    if (size > this.table.length) this.rehash(size);
    if (this.idHigh + n > this.cap) this.growIds(this.idHigh + n);
  }

  /**
   * Adds the key whose bytes are `b[p, p + n)` unless it exists, in one
   * lookup and without a key string (loading). Returns its id, or -1 when the
   * key exists (nothing changes then). `value` as for {@link add}.
   */
  addBytes(b: Uint8Array, p: number, n: number, value: RedisValue, now: number): number {
    const h = hashKeyBytes(b, p, n);
    const t = this.table, mask = this.mask;
    for (let i = h & mask;; i = (i + 1) & mask) {
      const v = t[2 * i + 1];
      if (v === 0) break;
      if (t[2 * i] === h && this.keyBytesEqual(v - 1, b, p, n)) return -1;
    }
    return this.insertBytes(b, p, n, value, now, h);
  }

  /**
   * Adds the key whose bytes are `b[p, p + n)` and whose hash is `h`; it must
   * not exist. Returns its id. `value` as for {@link add}.
   */
  insertBytes(
    b: Uint8Array,
    p: number,
    n: number,
    value: RedisValue,
    now: number,
    h = hashKeyBytes(b, p, n),
  ): number {
    const id = this.allocId();
    this.expireAt[id] = -1;
    this.lru[id] = now;
    this.lfu[id] = 5;
    this.expireSlot[id] = -1;
    const inline = value instanceof Uint8Array && value.length <= INLINE_MAX;
    this.flags[id] = inline ? LIVE : LIVE | OBJ;
    if (!inline) this.objects[id] = value;
    // The record as writeRecord lays it out, its key copied from `b`.
    let q = this.newRecord(id, n, inline ? value.length : 0);
    const c = this.chunks[this.rec[2 * id]]!;
    copyBytes(c, q, b, p, n);
    q += n;
    if (inline) copyBytes(c, q, value);
    const bytes = this.sizeOf(id);
    this.total += bytes;
    this.counted[id] = bytes;
    this.insertSlot(id, h);
    this.count++;
    return id;
  }

  private keyBytesEqual(id: number, b: Uint8Array, p: number, n: number): boolean {
    const c = this.chunks[this.rec[2 * id]]!;
    let q = this.rec[2 * id + 1] + 4;
    if (readLen(c, q) !== n) return false;
    q += lenSize(c, q);
    q += lenSize(c, q);
    for (let j = 0; j < n; j++) if (c[q + j] !== b[p + j]) return false;
    return true;
  }

  /**
   * Points `id` at `value` (a new record when the value is inline) and counts
   * it. A live id keeps the key of its record; a new one gets `key`.
   */
  put(id: number, key: string | null, value: RedisValue): void {
    const had = this.flags[id];
    if (value instanceof Uint8Array && value.length <= INLINE_MAX) {
      if ((had & LIVE) !== 0) {
        this.rewriteRecord(id, value);
        this.objects[id] = undefined;
      } else this.writeRecord(id, key!, value);
      this.flags[id] = LIVE;
    } else {
      if ((had & LIVE) === 0) this.writeRecord(id, key!, null);
      else if ((had & OBJ) === 0) this.rewriteRecord(id, null);
      this.flags[id] = LIVE | OBJ | (had & STALE);
      this.objects[id] = value;
    }
    const n = this.sizeOf(id);
    this.total += n - ((had & LIVE) !== 0 ? this.counted[id] : 0);
    this.counted[id] = n;
  }

  /** Removes `id` (table, record, TTL, counted bytes) and queues the id for reuse. */
  unlink(id: number): void {
    this.removeSlot(id);
    if (this.expireAt[id] !== -1) this.removeExpire(id);
    this.freeRecord(id);
    this.objects[id] = undefined;
    this.total -= this.counted[id];
    this.flags[id] = 0;
    this.count--;
    if (this.lastId === id) this.lastKey = null;
    this.releaseId(id);
    if (this.mask + 1 > MIN_TABLE && this.count * 8 < this.mask + 1) {
      this.rehash((this.mask + 1) / 2);
    }
  }

  setExpire(id: number, at: number): void {
    if (this.expireAt[id] === -1) {
      this.expireSlot[id] = this.volatileLen;
      this.volatile[this.volatileLen++] = id;
      this.counted[id] += EXPIRE_BYTES;
      this.total += EXPIRE_BYTES;
    }
    this.expireAt[id] = at;
  }

  removeExpire(id: number): void {
    const slot = this.expireSlot[id];
    const last = this.volatile[--this.volatileLen];
    if (last !== id) {
      this.volatile[slot] = last;
      this.expireSlot[last] = slot;
    }
    this.expireSlot[id] = -1;
    this.expireAt[id] = -1;
    this.counted[id] -= EXPIRE_BYTES;
    this.total -= EXPIRE_BYTES;
  }

  /** A random live id (a random table slot, then the next occupied one), or -1. */
  randomId(): number {
    if (this.count === 0) return -1;
    const t = this.table, mask = this.mask;
    let i = Math.floor(Math.random() * (mask + 1));
    while (t[2 * i + 1] === 0) i = (i + 1) & mask;
    return t[2 * i + 1] - 1;
  }

  /**
   * Snapshots holding handles (BGSAVE) pin the ids: while pinned no freed id
   * is reused, so a handle's key is either still live or gone, never another.
   */
  pins = 0;

  isLive(id: number): boolean {
    return (this.flags[id] & LIVE) !== 0;
  }

  isObject(id: number): boolean {
    return (this.flags[id] & OBJ) !== 0;
  }

  markStale(id: number): boolean {
    const f = this.flags[id];
    if ((f & (STALE | OBJ)) !== OBJ) return false;
    this.flags[id] = f | STALE;
    return true;
  }

  settle(): void {
    const stale = this.stale;
    for (let i = 0; i < stale.length; i++) {
      const id = stale[i];
      const f = this.flags[id];
      this.flags[id] = f & ~STALE;
      if ((f & LIVE) !== 0) this.resize(id);
    }
    stale.length = 0;
  }
}

/**
 * Writes a record's key or value length at `p`: one byte below 255, else 255
 * and four bytes little-endian. Returns the position after it.
 */
export function writeLen(c: Uint8Array, p: number, n: number): number {
  if (n < 255) {
    c[p] = n;
    return p + 1;
  }
  c[p] = 255;
  c[p + 1] = n;
  c[p + 2] = n >>> 8;
  c[p + 3] = n >>> 16;
  c[p + 4] = n >>> 24;
  return p + 5;
}

/** The length {@link writeLen} wrote at `p`. */
export function readLen(c: Uint8Array, p: number): number {
  const n = c[p];
  return n !== 255 ? n : c[p + 1] | (c[p + 2] << 8) | (c[p + 3] << 16) | (c[p + 4] << 24);
}

/** Bytes the length at `p` takes: 1 or 5. */
export function lenSize(c: Uint8Array, p: number): number {
  return c[p] === 255 ? 5 : 1;
}

/**
 * `from`'s elements in an array `cap` long. Its buffer moves into the new one (transfer), so the
 * old memory is released at once instead of at V8's next GC: growing every per-id array then
 * holds at most one old array beside the new ones, not all of them (the load's peak RSS).
 */
function grow<T extends Int32Array | Float64Array | Uint8Array>(from: T, cap: number): T {
  const buf = (from.buffer as ArrayBuffer).transfer(cap * from.BYTES_PER_ELEMENT);
  return new (from.constructor as new (b: ArrayBuffer) => T)(buf);
}

/** One numbered database. */
export class Db {
  /** @internal */
  s = new Store();
  /** Sum of TTLs seen by the last expire cycle, for INFO keyspace avg_ttl. */
  avgTtl = 0;

  constructor(public id: number, private readonly ks: Keyspace) {}

  /**
   * Stops id reuse in the current store until the returned function is called,
   * so handles from `entries()` held across writes stay unambiguous (snapshots).
   */
  pinIds(): () => void {
    const s = this.s;
    s.pins++;
    let pinned = true;
    return () => {
      if (pinned) s.pins--;
      pinned = false;
    };
  }

  /** Number of keys, including not yet reclaimed expired ones (as DBSIZE in Redis). */
  get size(): number {
    return this.s.count;
  }

  /**
   * Estimated bytes of all keys (metadata, records, values). O(1) plus the
   * keys reported by `updateSize` since the last read.
   */
  get bytes(): number {
    const s = this.s;
    if (s.stale.length > 0) s.settle();
    return s.total;
  }

  /** Number of keys with a TTL. */
  get expiresCount(): number {
    return this.s.volatileLen;
  }

  /**
   * Returns the live entry for `key`, expiring it first when due.
   * Touches its access time unless `noTouch` (OBJECT, TYPE, ... read without touching).
   */
  lookup(key: string, noTouch = false): Entry | undefined {
    const s = this.s;
    const id = s.find(key);
    if (id === -1) return undefined;
    const at = s.expireAt[id];
    // Expired once the clock is past the expire time (keyIsExpired: now > when).
    if (at !== -1 && at < this.ks.now) {
      if (this.ks.hooks.isReplica()) return undefined;
      this.expireId(id);
      return undefined;
    }
    if (!noTouch) s.lru[id] = this.ks.now;
    return new Entry(s, id);
  }

  /** The value at `key` when live, else undefined. */
  get(key: string): RedisValue | undefined {
    const s = this.s;
    const id = s.find(key);
    if (id === -1) return undefined;
    const at = s.expireAt[id];
    if (at !== -1 && at < this.ks.now) {
      if (!this.ks.hooks.isReplica()) this.expireId(id);
      return undefined;
    }
    s.lru[id] = this.ks.now;
    return s.valueOf(id);
  }

  /**
   * {@link lookup} by the key's bytes, without building a key string: the id
   * of the live key (expired first when due, touched unless `noTouch`), or -1.
   * The id stays valid until the key is deleted; the `*At` methods use it.
   */
  lookupId(b: Uint8Array, noTouch = false): number {
    const s = this.s;
    const id = s.findBytes(b);
    if (id === -1) return -1;
    const at = s.expireAt[id];
    if (at !== -1 && at < this.ks.now) {
      if (!this.ks.hooks.isReplica()) this.expireId(id);
      return -1;
    }
    if (!noTouch) s.lru[id] = this.ks.now;
    return id;
  }

  /** The value of live key `id` (see {@link lookupId}). */
  valueAt(id: number): RedisValue {
    return this.s.valueOf(id);
  }

  /** The buffer and offset of the value {@link valueSpan} found last. */
  spanBuf: Uint8Array = new Uint8Array(0);
  spanOff = 0;

  /**
   * Where the inline string value of live key `id` is, without a view made for
   * it: sets `spanBuf` and `spanOff` and returns its length, or returns -1 when
   * the value is an object (a collection or a long string: read `valueAt`).
   * The bytes stay valid as `valueAt`'s view would (see setAt).
   */
  valueSpan(id: number): number {
    const s = this.s;
    const n = s.valueSpan(id);
    this.spanBuf = s.spanBuf;
    this.spanOff = s.spanOff;
    return n;
  }

  /** The handle of live key `id`. */
  entryAt(id: number): Entry {
    return new Entry(this.s, id);
  }

  /**
   * {@link set} on live key `id`: its record's key is kept, no key string
   * needed. Unlike `set`, a string of the same length as the inline value it
   * replaces is written over it while no one holds value views
   * (`Keyspace.valuesHeld`): the command replacing a value must not keep a
   * view of it.
   */
  setAt(id: number, value: RedisValue, keepTtl = false): void {
    const s = this.s;
    s.flags[id] &= ~RAW;
    s.lru[id] = this.ks.now;
    if (!keepTtl && s.expireAt[id] !== -1) s.removeExpire(id);
    if (this.ks.valuesHeld === 0 && value instanceof Uint8Array && s.overwrite(id, value)) return;
    s.put(id, null, value);
  }

  /** {@link set} of the key whose bytes are `b` (copied into the record); returns its id. */
  setBytes(b: Uint8Array, value: RedisValue, keepTtl = false): number {
    const s = this.s;
    const id = s.findBytes(b);
    if (id === -1) return s.insertBytes(b, 0, b.length, value, this.ks.now, s.probedHash);
    this.setAt(id, value, keepTtl);
    return id;
  }

  /** Removes live key `id` (see {@link lookupId}). */
  deleteAt(id: number): void {
    this.s.unlink(id);
  }

  /** {@link updateSize} of live key `id`. */
  updateSizeAt(id: number): void {
    const s = this.s;
    if (s.markStale(id) && s.stale.push(id) >= 1024) s.settle();
  }

  /** Entry without any expiry check (persistence, DEBUG, tests). */
  peek(key: string): Entry | undefined {
    const id = this.s.find(key);
    return id === -1 ? undefined : new Entry(this.s, id);
  }

  /** True when `key` holds an expired entry that has not been reclaimed yet. */
  isExpired(e: Entry): boolean {
    const at = e.store.expireAt[e.id];
    return at !== -1 && at < this.ks.now;
  }

  /**
   * Stores `value` at `key`. A new key gets no TTL; an existing key keeps its
   * TTL only with `keepTtl` (SET KEEPTTL), as setKey does in Redis. A string
   * of up to INLINE_MAX bytes is copied (it may be a view of the request);
   * anything else is kept by reference.
   */
  set(key: string, value: RedisValue, keepTtl = false): Entry {
    const s = this.s;
    const id = s.find(key);
    if (id === -1) return this.add(key, value);
    s.flags[id] &= ~RAW;
    s.lru[id] = this.ks.now;
    if (!keepTtl && s.expireAt[id] !== -1) s.removeExpire(id);
    s.put(id, key, value);
    return new Entry(s, id);
  }

  /** Adds a key that must not exist yet (a string value is copied as by `set`). */
  add(key: string, value: RedisValue): Entry {
    const s = this.s;
    return new Entry(s, s.add(key, value, this.ks.now));
  }

  /** Loading (RDB): makes room for `n` more keys at once (RESIZEDB's hint). */
  reserve(n: number): void {
    this.s.reserveKeys(n);
  }

  /**
   * Loading (RDB): adds the key whose bytes are `b[p, p + n)` with `value`
   * (kept as {@link add} keeps it), its absolute expire time (-1: none) and,
   * when not -1, its access time and LFU counter, unless the key exists.
   * Returns false, changing nothing, when it does.
   */
  load(
    b: Uint8Array,
    p: number,
    n: number,
    value: RedisValue,
    expireAt: number,
    lru: number,
    lfu: number,
  ): boolean {
    const s = this.s;
    const id = s.addBytes(b, p, n, value, this.ks.now);
    if (id === -1) return false;
    if (expireAt !== -1) s.setExpire(id, expireAt);
    if (lru !== -1) s.lru[id] = lru;
    if (lfu !== -1) s.lfu[id] = lfu;
    return true;
  }

  /** Removes `key`; returns whether it existed (expired or not). */
  delete(key: string): boolean {
    const s = this.s;
    const id = s.find(key);
    if (id === -1) return false;
    s.unlink(id);
    return true;
  }

  /**
   * Reports that the value at `key` may have changed size in place (a
   * collection grew or shrank); it is re-counted on the next read of `bytes`.
   * Every write calls it per modified key (Server.signalModifiedKey does). A
   * key that no longer exists is already uncounted.
   */
  updateSize(key: string): void {
    const s = this.s;
    const id = s.find(key);
    // Strings are replaced through set(), never changed in place.
    if (id === -1 || !s.markStale(id)) return;
    // Bounded, so the queue stays small.
    if (s.stale.push(id) >= 1024) s.settle();
  }

  /**
   * The estimated bytes of every key computed from scratch, walking every
   * collection (tests compare it with `bytes`).
   */
  recomputeBytes(): number {
    const s = this.s;
    let n = 0;
    for (let id = 0; id < s.idHigh; id++) {
      if (!s.isLive(id)) continue;
      if (!s.isObject(id)) {
        n += s.sizeOf(id);
        continue;
      }
      const v = s.objects[id]!;
      const own = v instanceof Uint8Array ? valueBytes(v) : v.recomputeMemoryUsage();
      n += s.sizeOf(id) - valueBytes(v) + own;
    }
    return n;
  }

  /** Sets an absolute expire time (ms). */
  setExpire(e: Entry, at: number): void {
    e.store.setExpire(e.id, at);
  }

  /** Drops the TTL; returns whether there was one. */
  removeExpire(e: Entry): boolean {
    if (e.store.expireAt[e.id] === -1) return false;
    e.store.removeExpire(e.id);
    return true;
  }

  /** Deletes an expired entry and reports it through the hooks. */
  expire(e: Entry): void {
    if (e.store === this.s) this.expireId(e.id);
  }

  private expireId(id: number): void {
    const key = this.s.keyOf(id);
    this.s.unlink(id);
    this.ks.hooks.onExpire(this, key);
  }

  /** Random live key, or null (RANDOMKEY). Gives up on expired ones after 100 tries like Redis. */
  randomKey(): string | null {
    const s = this.s;
    for (let tries = 0; tries < 100; tries++) {
      const id = s.randomId();
      if (id === -1) return null;
      const at = s.expireAt[id];
      if (at === -1 || at >= this.ks.now) return s.keyOf(id);
      if (this.ks.hooks.isReplica()) {
        if (tries === 99) return s.keyOf(id);
        continue;
      }
      this.expireId(id);
    }
    return null;
  }

  /**
   * One SCAN step. `cursor` 0 starts a scan; the returned cursor is 0 when done.
   * Walks ids from the top down: a cursor c means "ids below c remain". A key
   * keeps its id while it exists, so one present for the whole scan is never
   * skipped. Visits up to `count` keys; free ids cost a flag test each, and
   * those after the last visited key are skipped too, so a step that reaches
   * the last key ends the scan.
   */
  scan(cursor: number, count: number, visit: (e: Entry) => void): number {
    const s = this.s;
    let i = cursor === 0 ? s.idHigh : Math.min(cursor, s.idHigh);
    let found = 0;
    while (i > 0) {
      if ((s.flags[i - 1] & LIVE) === 0) {
        i--;
        continue;
      }
      if (found === count) break;
      i--;
      found++;
      visit(new Entry(s, i));
    }
    return i;
  }

  /**
   * The current store and the end of its handed-out ids, for a snapshot
   * (BGSAVE) that pinned them (pinIds): a key created afterwards gets an id
   * at or above `end`, so the live ids below it are keys of this moment.
   */
  captureIds(): { store: Store; end: number } {
    return { store: this.s, end: this.s.idHigh };
  }

  /** All entries, for KEYS / FLUSH / persistence. Do not add keys during iteration. */
  *entries(): IterableIterator<Entry> {
    const s = this.s;
    for (let id = 0; id < s.idHigh; id++) {
      if (s.isLive(id)) yield new Entry(s, id);
    }
  }

  /** Removes every key; returns how many there were. */
  flush(): number {
    const n = this.s.count;
    this.s = new Store();
    this.avgTtl = 0;
    return n;
  }

  /**
   * Samples up to `n` keys with a TTL and expires those that are due.
   * Returns [sampled, expired]. Picks random ids from the dense array of ids
   * with a TTL, which is what Redis's random dict sampling gives in effect.
   */
  sampleExpired(n: number): [number, number] {
    const s = this.s;
    if (s.volatileLen === 0) return [0, 0];
    let sampled = 0;
    let expired = 0;
    let ttlSum = 0;
    let ttlN = 0;
    const now = this.ks.now;
    for (let k = 0; k < n && s.volatileLen > 0; k++) {
      const id = s.volatile[Math.floor(Math.random() * s.volatileLen)];
      sampled++;
      const at = s.expireAt[id];
      if (at < now) {
        this.expireId(id);
        expired++;
      } else {
        ttlSum += at - now;
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
    const s = this.s, a = this.avgTtl;
    this.s = other.s;
    this.avgTtl = other.avgTtl;
    other.s = s;
    other.avgTtl = a;
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
  /**
   * How many holders keep string value views across commands (a BGSAVE
   * snapshot's or an AOF rewrite's copy-before-write, see
   * Server.addBeforeWrite). While above 0, no record is written over.
   */
  valuesHeld = 0;

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
