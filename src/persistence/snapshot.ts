/**
 * Point-in-time snapshots of the keyspace for SAVE and BGSAVE, and the file
 * they go to.
 *
 * Deno cannot fork, so BGSAVE takes its snapshot in-process:
 * - `captureKeyspace` notes, for every db, its store and where its handed-out
 *   ids end, and pins the ids: while the snapshot lives no freed id is
 *   reused, so an id is its key's until that key is deleted, and a key
 *   created meanwhile gets an id past the end. Nothing is read per key, so
 *   taking the snapshot costs nothing however many keys there are.
 * - Before a write command runs (Server.beforeWrite, nested ones included),
 *   `SnapshotGuard` remembers each key it names as it is then: key, value and
 *   TTL (first write wins). A collection is then replaced in the live
 *   keyspace by a private copy (copy-before-write, TTL kept), so the
 *   remembered object is never changed again; a value is copied at most once
 *   per snapshot. Strings need no copy: a stored string is never changed in
 *   place while a before-write hook is installed (Keyspace.valuesHeld: the
 *   keyspace's arena then overwrites no record).
 * - The serializer walks the ids below the end in slices of a few
 *   milliseconds, yielding to the event loop between slices and writing each
 *   slice's bytes to the temp file, so clients keep being served. A key is
 *   written from its pre-image when a write touched it, else as it is when
 *   live; a key deleted without a write command naming it (expired, evicted)
 *   is left out, unless remembered first (`remember`: DEBUG RELOAD MERGE
 *   loading over it).
 *
 * A key deleted or replaced during the save is written with its value from
 * the start; a key created during the save is not in the capture.
 *
 * Files are written as `temp-<pid>.rdb` in `dir`, fsynced, then renamed over
 * `dbfilename`, so a crash mid-save leaves the previous file intact.
 *
 * @module
 */

import type { Entry, Keyspace, Store } from "../store/keyspace.ts";
import type { CollectionValue, RedisValue } from "../store/types.ts";
import { RDB_OPCODE_EOF, RdbEncoder, type RdbWriteOptions } from "./rdb_writer.ts";

/** One db as it was when the snapshot was taken: its store and where its ids ended. */
export interface DbImage {
  id: number;
  /** The db's key store then (FLUSHDB and SWAPDB give the db another; this one stays). */
  store: Store;
  /** Its keys then are the live (or pre-imaged) ids below this (pinned: never another key's). */
  end: number;
  /** Keys then (RESIZEDB's hint). */
  keys: number;
  /** Keys with a TTL then (RESIZEDB's hint). */
  volatile: number;
  /** Ends the id pin taken at capture (Db.pinIds), once the image is written or dropped. */
  release: () => void;
}

/**
 * Every non-empty db's store and id end, its ids pinned: nothing is read or
 * copied per key (1,000,000 handles took 250-400 ms, a stall; a copy of the
 * ids a few ms). What changes in an entry afterwards is caught by
 * {@link SnapshotGuard}.
 */
export function captureKeyspace(ks: Keyspace): DbImage[] {
  const out: DbImage[] = [];
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    const release = db.pinIds();
    const { store, end } = db.captureIds();
    out.push({ id: db.id, store, end, keys: db.size, volatile: db.expiresCount, release });
  }
  return out;
}

/** A key's value and expire time from before the snapshot's first write to it. */
interface PreImage {
  /** The key: a deleted key's handle no longer has it. */
  key: string;
  value: RedisValue;
  expireAt: number;
}

/**
 * The copy-before-write state of an open snapshot. Before a write command
 * touches a key, `beforeWrite` remembers the entry's value and TTL (first
 * write wins) and, for a collection, returns a private copy for the live
 * keyspace so the remembered object is never changed again. The serializer
 * reads an entry through {@link preImage}.
 */
export class SnapshotGuard {
  // Per keyspace store, by key id: entries are handles made per lookup, so
  // the (store, id) pair is what identifies a key (ids are pinned meanwhile).
  private readonly pre = new Map<Entry["store"], Map<number, PreImage>>();
  private count = 0;
  private readonly fresh = new WeakSet<CollectionValue>();

  /**
   * `stores`: the captured dbs' stores. A store given to a db afterwards
   * (FLUSHDB, FLUSHALL, DEBUG RELOAD, a load) holds no key of the snapshot:
   * its writes need no copy.
   */
  constructor(private readonly stores: ReadonlySet<Store>) {}

  /** Remembers `e` as it is; returns the copy to store for a collection, else null. */
  beforeWrite(e: Entry): CollectionValue | null {
    if (!this.remember(e)) return null;
    const v = e.value;
    if (v instanceof Uint8Array || this.fresh.has(v)) return null;
    const copy = v.clone();
    this.fresh.add(copy);
    return copy;
  }

  /**
   * Remembers `e` as it is (first write wins) when it is in a captured store;
   * false when it is not. Enough alone before `e` leaves the keyspace without
   * being changed (a load replacing it): its value is then never touched again.
   */
  remember(e: Entry): boolean {
    if (!this.stores.has(e.store)) return false;
    let ids = this.pre.get(e.store);
    if (ids === undefined) this.pre.set(e.store, ids = new Map());
    if (!ids.has(e.id)) {
      ids.set(e.id, { key: e.key, value: e.value, expireAt: e.expireAt });
      this.count++;
    }
    return true;
  }

  /** What the snapshot must write for `e`, or undefined when it was not touched. */
  preImage(e: Entry): PreImage | undefined {
    return this.preImageOf(e.store, e.id);
  }

  /** {@link preImage} of the key `id` of `store`. */
  preImageOf(store: Store, id: number): PreImage | undefined {
    return this.count === 0 ? undefined : this.pre.get(store)?.get(id);
  }
}

/**
 * IDLE or FREQ before each key (rdbSaveKeyValuePair with an LRU / LFU
 * maxmemory-policy): the clock (ms) and lfu-decay-time (minutes) they are read with.
 */
export interface AccessInfo {
  kind: "lru" | "lfu";
  now: number;
  lfuDecayTime: number;
}

/** Aux fields written after the header (rdbSaveInfoAuxFields), in order. */
export type AuxFields = [name: string, value: string | number][];

/**
 * Serializes captured dbs into RDB bytes, a slice at a time: `step` writes
 * until `budgetMs` has passed (or all is written) and returns whether done.
 */
export class RdbSerializer {
  readonly enc: RdbEncoder;
  private dbIndex = -1;
  private keyIndex = 0;
  /** Keys written so far (INFO current_save_keys_processed). */
  keysDone = 0;
  /** Keys in the snapshot (INFO current_save_keys_total). */
  readonly keysTotal: number;
  done = false;

  constructor(
    readonly images: DbImage[],
    aux: AuxFields,
    opts: RdbWriteOptions,
    checksum: boolean,
    readonly guard: SnapshotGuard | null = null,
    readonly access: AccessInfo | null = null,
    functions: Uint8Array[] = [],
  ) {
    this.enc = new RdbEncoder(opts, checksum, 1 << 20);
    this.enc.header();
    for (const [k, v] of aux) this.enc.aux(k, v);
    // rdbSaveFunctions: after the aux fields, before the dbs.
    for (const code of functions) this.enc.function2(code);
    let total = 0;
    for (const im of images) total += im.keys;
    this.keysTotal = total;
  }

  /**
   * Writes keys until `budgetMs` ran out, `maxBytes` are pending or `maxKeys`
   * were written; true once the EOF is written.
   */
  step(budgetMs: number, maxBytes = 1 << 22, maxKeys = Infinity): boolean {
    if (this.done) return true;
    const enc = this.enc;
    const guard = this.guard;
    const access = this.access;
    const deadline = performance.now() + budgetMs;
    while (this.dbIndex < this.images.length) {
      if (this.dbIndex === -1 || this.keyIndex >= this.images[this.dbIndex].end) {
        this.dbIndex++;
        this.keyIndex = 0;
        if (this.dbIndex >= this.images.length) break;
        const im = this.images[this.dbIndex];
        enc.selectDb(im.id, im.keys, im.volatile);
        continue;
      }
      const { store, end } = this.images[this.dbIndex];
      let id = this.keyIndex;
      let written = 0;
      while (id < end) {
        const p = guard === null ? undefined : guard.preImageOf(store, id);
        // Not live and untouched: free at the capture, or unlinked since
        // without a write command naming it (expired, gone at load time
        // anyway, or evicted).
        if (p === undefined && !store.isLive(id)) {
          id++;
          // A run of free ids still ends the slice on time.
          if ((id & 1023) === 0 && performance.now() > deadline) break;
          continue;
        }
        let idle = -1, freq = -1;
        if (access !== null) {
          // estimateObjectIdleTime in seconds; LFUDecrAndReturn.
          const lru = store.lru[id], lfu = store.lfu[id];
          const secs = Math.max(0, Math.floor(access.now / 1000) - Math.floor(lru / 1000));
          if (access.kind === "lru") idle = secs;
          else {
            const d = access.lfuDecayTime;
            const periods = d > 0 ? Math.floor((access.now - lru) / 60000 / d) : 0;
            freq = periods > lfu ? 0 : lfu - periods;
          }
        }
        if (p !== undefined) enc.keyValue(p.key, p.value, p.expireAt, idle, freq);
        else {
          // The key's bytes straight from its record: no string built and encoded back.
          enc.keyValue(store.keyBytes(id), store.valueOf(id), store.expireAt[id], idle, freq);
        }
        id++;
        written++;
        if (written >= maxKeys) break;
        // The clock is read every 64 keys: cheap, and a slice stays within its budget.
        if ((written & 63) === 0 && (performance.now() > deadline || enc.pos > maxBytes)) break;
      }
      this.keysDone += written;
      this.keyIndex = id;
      if (id < end) return false;
    }
    enc.byte(RDB_OPCODE_EOF);
    this.done = true;
    this.release();
    return true;
  }

  /** Lets the keyspace reuse ids again (at the end, or when the save is dropped). Idempotent. */
  release(): void {
    for (const im of this.images) im.release();
  }

  /** The CRC-64 trailer; call after the last `take` of the encoder. */
  trailer(): Uint8Array {
    return this.enc.checksum();
  }
}
