/**
 * RedisHash: the value type behind HSET/HGET/HGETALL/...
 *
 * Fields are binary strings (char codes 0-255), values are `Uint8Array`.
 * Entries live in dense parallel arrays with a `Map` from field to slot:
 * O(1) get/set/delete, O(1) random field (HRANDFIELD) and a safe HSCAN cursor.
 *
 * While "listpack" encoded, deletion preserves insertion order (as a listpack
 * does, so HGETALL matches Redis); once "hashtable", deletion moves the last
 * slot into the hole (O(1)).
 *
 * @module
 */

import { RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK } from "../persistence/rdb_types.ts";
import { HASH_BYTES, HASH_FIELD_BYTES, stringBytes } from "./size.ts";
import type { CollectionValue } from "./types.ts";

/** OBJECT ENCODING of a hash. */
export type HashEncoding = "listpack" | "hashtable";

/** The config values that drive hash encoding conversions. */
export interface HashEncodingConfig {
  /** hash-max-listpack-entries (default 128). */
  hashMaxListpackEntries: number;
  /** hash-max-listpack-value (default 64). */
  hashMaxListpackValue: number;
}

/** Redis defaults for {@link HashEncodingConfig}. */
export const DEFAULT_HASH_ENCODING_CONFIG: Readonly<HashEncodingConfig> = {
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
};

/** A hash of binary-string fields to binary values. */
export class RedisHash implements CollectionValue {
  private index = new Map<string, number>();
  private fields: string[] = [];
  private vals: Uint8Array[] = [];
  private enc: HashEncoding = "listpack";
  // Field strings plus value bytes, for memoryUsage.
  private payload = 0;

  /** Creates an empty hash, listpack encoded unless told otherwise. */
  constructor(encoding: HashEncoding = "listpack") {
    this.enc = encoding;
  }

  /** TYPE of the value. */
  get type(): "hash" {
    return "hash";
  }

  /** Number of fields (HLEN). */
  get size(): number {
    return this.fields.length;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.fields.length;
  }

  /** Current OBJECT ENCODING. */
  encoding(): HashEncoding {
    return this.enc;
  }

  /** RDB_TYPE_HASH_LISTPACK or RDB_TYPE_HASH, as rdbSaveObjectType picks. */
  rdbType(): number {
    return this.enc === "listpack" ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
  }

  /** Estimated retained bytes (src/store/size.ts). O(1). */
  get memoryUsage(): number {
    return HASH_BYTES + this.fields.length * HASH_FIELD_BYTES + this.payload;
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    let p = 0;
    for (let i = 0; i < this.fields.length; i++) {
      p += stringBytes(this.fields[i].length) + this.vals[i].length;
    }
    return HASH_BYTES + this.fields.length * HASH_FIELD_BYTES + p;
  }

  /** Converts to hashtable (one-way, as in Redis). */
  convertToHashtable(): void {
    this.enc = "hashtable";
  }

  /**
   * Pre-check of a command's field/value arguments (hashTypeTryConversion):
   * converts when any of them is longer than hash-max-listpack-value.
   */
  tryConversion(cfg: HashEncodingConfig, args: readonly { length: number }[]): void {
    if (this.enc !== "listpack") return;
    for (let i = 0; i < args.length; i++) {
      if (args[i].length > cfg.hashMaxListpackValue) {
        this.enc = "hashtable";
        return;
      }
    }
  }

  /** Value of `field`, or undefined (HGET). */
  get(field: string): Uint8Array | undefined {
    const i = this.index.get(field);
    return i === undefined ? undefined : this.vals[i];
  }

  /** Whether `field` exists (HEXISTS). */
  has(field: string): boolean {
    return this.index.has(field);
  }

  /**
   * Sets `field` to `value`; returns true when the field is new (HSET).
   * With `cfg`, applies hashTypeSet's conversions: a field or value longer
   * than hash-max-listpack-value, or more than hash-max-listpack-entries
   * fields, turn a listpack into a hashtable.
   */
  set(field: string, value: Uint8Array, cfg?: HashEncodingConfig): boolean {
    if (
      cfg && this.enc === "listpack" &&
      (field.length > cfg.hashMaxListpackValue || value.length > cfg.hashMaxListpackValue)
    ) {
      this.enc = "hashtable";
    }
    const i = this.index.get(field);
    if (i !== undefined) {
      this.payload += value.length - this.vals[i].length;
      this.vals[i] = value;
      return false;
    }
    this.payload += stringBytes(field.length) + value.length;
    this.index.set(field, this.fields.length);
    this.fields.push(field);
    this.vals.push(value);
    if (cfg && this.enc === "listpack" && this.fields.length > cfg.hashMaxListpackEntries) {
      this.enc = "hashtable";
    }
    return true;
  }

  /** Removes `field`; returns whether it existed (HDEL). */
  delete(field: string): boolean {
    const i = this.index.get(field);
    if (i === undefined) return false;
    this.index.delete(field);
    this.payload -= stringBytes(field.length) + this.vals[i].length;
    const last = this.fields.length - 1;
    if (this.enc === "listpack") {
      // Keep insertion order like a listpack does.
      this.fields.splice(i, 1);
      this.vals.splice(i, 1);
      for (let j = i; j < last; j++) this.index.set(this.fields[j], j);
    } else {
      if (i !== last) {
        const f = this.fields[last];
        this.fields[i] = f;
        this.vals[i] = this.vals[last];
        this.index.set(f, i);
      }
      this.fields.pop();
      this.vals.pop();
    }
    return true;
  }

  /**
   * Visits all entries in HGETALL's order (listpack: insertion order;
   * hashtable: slot order).
   */
  forEach(visit: (field: string, value: Uint8Array) => void): void {
    const f = this.fields;
    const v = this.vals;
    for (let i = 0; i < f.length; i++) visit(f[i], v[i]);
  }

  /** Iterates [field, value] pairs. */
  *[Symbol.iterator](): IterableIterator<[string, Uint8Array]> {
    for (let i = 0; i < this.fields.length; i++) yield [this.fields[i], this.vals[i]];
  }

  /** All field names (HKEYS). */
  keys(): string[] {
    return this.fields.slice();
  }

  /** All values (HVALS). */
  values(): Uint8Array[] {
    return this.vals.slice();
  }

  /** A uniformly random slot index, or -1 when empty. O(1). */
  randomSlot(): number {
    const n = this.fields.length;
    return n === 0 ? -1 : Math.floor(Math.random() * n);
  }

  /**
   * Field in slot `i` (0 <= i < size). Slots are an arbitrary order stable
   * until the next deletion; use with random indexes (HRANDFIELD).
   */
  fieldAt(i: number): string {
    return this.fields[i];
  }

  /** Value in slot `i`. */
  valueAt(i: number): Uint8Array {
    return this.vals[i];
  }

  /**
   * One HSCAN step over the slots from the top down: cursor `c` means "slots
   * below c remain", 0 starts a new scan; returns the next cursor, 0 when
   * done. Fields present for the whole scan are visited at least once even if
   * the hash grows or shrinks in between. (For a listpack, Redis replies with
   * everything at once and cursor 0: use {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (field: string, value: Uint8Array) => void): number {
    const n = this.fields.length;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) visit(this.fields[i], this.vals[i]);
    return stop;
  }

  /** A copy sharing the (immutable by convention) value buffers (COPY). */
  clone(): RedisHash {
    const h = new RedisHash(this.enc);
    h.payload = this.payload;
    h.fields = this.fields.slice();
    h.vals = this.vals.slice();
    h.index = new Map(this.index);
    return h;
  }
}
