/**
 * Point-in-time snapshots of the keyspace for SAVE and BGSAVE, and the file
 * they go to.
 *
 * Deno cannot fork, so BGSAVE takes its snapshot in-process:
 * - `captureKeyspace` copies, in one event-loop turn, every db's keys, value
 *   references and expire times into flat arrays (no value is copied).
 *   Strings are immutable by convention (a write stores a new Uint8Array),
 *   so holding the reference keeps the old bytes.
 * - Collections change in place. While a snapshot is open, every write
 *   command, before it runs, gives each key it names a private copy of its
 *   collection (copy-before-write: `Db.set` with the clone, TTL kept), so the
 *   object the snapshot holds is never touched again. A value is copied at
 *   most once per snapshot (clones and values created after the capture are
 *   remembered in a WeakSet).
 * - The serializer then walks the arrays in slices of a few milliseconds,
 *   yielding to the event loop between slices and writing each slice's
 *   bytes to the temp file, so clients keep being served.
 *
 * A key deleted or replaced during the save is still written with its value
 * from the start (the arrays hold the old reference); a key created during
 * the save is not in the arrays.
 *
 * Files are written as `temp-<pid>.rdb` in `dir`, fsynced, then renamed over
 * `dbfilename`, so a crash mid-save leaves the previous file intact.
 *
 * @module
 */

import type { Keyspace } from "../store/keyspace.ts";
import type { CollectionValue, RedisValue } from "../store/types.ts";
import { RDB_OPCODE_EOF, RdbEncoder, type RdbWriteOptions } from "./rdb_writer.ts";

/** One db as it was when the snapshot was taken. */
export interface DbImage {
  id: number;
  keys: string[];
  values: RedisValue[];
  /** Absolute expire time (ms) per key, -1 for none. */
  expires: Float64Array;
  /** Keys with a TTL. */
  volatile: number;
}

/** Copies every non-empty db's keys, value references and TTLs (O(keys), no value copied). */
export function captureKeyspace(ks: Keyspace): DbImage[] {
  const out: DbImage[] = [];
  for (const db of ks.dbs) {
    const n = db.size;
    if (n === 0) continue;
    const keys: string[] = new Array(n);
    const values: RedisValue[] = new Array(n);
    const expires = new Float64Array(n);
    let i = 0, volatile = 0;
    for (const e of db.entries()) {
      keys[i] = e.key;
      values[i] = e.value;
      if ((expires[i] = e.expireAt) !== -1) volatile++;
      i++;
    }
    out.push({ id: db.id, keys, values, expires, volatile });
  }
  return out;
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
  ) {
    this.enc = new RdbEncoder(opts, checksum, 1 << 20);
    this.enc.header();
    for (const [k, v] of aux) this.enc.aux(k, v);
    let total = 0;
    for (const im of images) total += im.keys.length;
    this.keysTotal = total;
  }

  /**
   * Writes keys until `budgetMs` ran out, `maxBytes` are pending or `maxKeys`
   * were written; true once the EOF is written.
   */
  step(budgetMs: number, maxBytes = 1 << 22, maxKeys = Infinity): boolean {
    if (this.done) return true;
    const enc = this.enc;
    const deadline = performance.now() + budgetMs;
    while (this.dbIndex < this.images.length) {
      if (this.dbIndex === -1 || this.keyIndex >= this.images[this.dbIndex].keys.length) {
        this.dbIndex++;
        this.keyIndex = 0;
        if (this.dbIndex >= this.images.length) break;
        const im = this.images[this.dbIndex];
        enc.selectDb(im.id, im.keys.length, im.volatile);
        continue;
      }
      const im = this.images[this.dbIndex];
      const { keys, values, expires } = im;
      let i = this.keyIndex;
      const end = keys.length;
      while (i < end) {
        enc.keyValue(keys[i], values[i], expires[i]);
        i++;
        // The clock is read every 64 keys: cheap, and a slice stays within its budget.
        if (i - this.keyIndex >= maxKeys) break;
        if ((i & 63) === 0 && (performance.now() > deadline || enc.pos > maxBytes)) break;
      }
      this.keysDone += i - this.keyIndex;
      this.keyIndex = i;
      if (i < end) return false;
    }
    enc.byte(RDB_OPCODE_EOF);
    this.done = true;
    return true;
  }

  /** The CRC-64 trailer; call after the last `take` of the encoder. */
  trailer(): Uint8Array {
    return this.enc.checksum();
  }
}

/**
 * Tracks the collections a running snapshot still holds, for copy-before-write:
 * `beforeWrite` returns the copy to store in place of a value about to change,
 * or null when the value may be changed as it is.
 */
export class CopyOnWrite {
  private readonly fresh = new WeakSet<CollectionValue>();

  /** A clone of `v` for the live keyspace when the snapshot may hold `v`, else null. */
  beforeWrite(v: RedisValue): CollectionValue | null {
    if (v instanceof Uint8Array || this.fresh.has(v)) return null;
    const copy = v.clone();
    this.fresh.add(copy);
    return copy;
  }
}
