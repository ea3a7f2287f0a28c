/**
 * RedisHash: the value type behind HSET/HGET/HGETALL/...
 *
 * Fields are binary strings (char codes 0-255), values are `Uint8Array`.
 *
 * While "listpack" encoded, the entries are one packed run (src/store/packed.ts:
 * field, value, field, value, ... in insertion order, deletions preserving it
 * as a listpack does, so HGETALL matches Redis), found by a linear scan as
 * Redis scans a listpack. Values read from it are fresh copies.
 *
 * Once "hashtable" (one-way, when a limit is crossed, exactly where Redis
 * converts), fields and values live in a {@link ByteTable}
 * (src/store/byte_table.ts): records of their bytes in one heap, indexed by
 * the field's bytes. O(1) get/set/delete by bytes (HSET, HGET, HDEL, HEXISTS,
 * HINCRBY take the arguments' bytes, no string built), O(1) random field
 * (HRANDFIELD) and a safe HSCAN cursor; deletion moves the last slot into the
 * hole. Nothing per field is a JS object.
 *
 * @module
 */

import { RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK } from "../persistence/rdb_types.ts";
import { bytesToBinary } from "../util/bytes.ts";
import {
  elementBytes,
  elementString,
  entryOffsets,
  findEntry,
  lenPrefix,
  skipElement,
  splice,
} from "./packed.ts";
import { HASH_BYTES, HASH_LISTPACK_BYTES, stringBytes } from "./size.ts";
import { binaryScratch, ByteTable } from "./byte_table.ts";
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

// A field (and value) given as strings, looked up or set by their bytes.
function htFind(ht: ByteTable, f: string): number {
  return ht.find(binaryScratch(f), 0, f.length);
}

/** A hash of binary-string fields to binary values. */
export class RedisHash implements CollectionValue {
  // Listpack form: the packed run and its field count. Unused once `ht` is set.
  private lp = "";
  private n = 0;
  // Hashtable form, or null while listpack encoded.
  private ht: ByteTable | null = null;

  /** Creates an empty hash, listpack encoded unless told otherwise. */
  constructor(encoding: HashEncoding = "listpack") {
    if (encoding === "hashtable") this.ht = new ByteTable(true);
  }

  /**
   * A listpack-encoded hash of `n` fields whose packed run (src/store/packed.ts:
   * field, value, field, value, ..., no field twice) is `run`: for loaders
   * that build the run straight from their bytes.
   */
  static fromRun(run: string, n: number): RedisHash {
    const h = new RedisHash();
    h.lp = run;
    h.n = n;
    return h;
  }

  /** TYPE of the value. */
  get type(): "hash" {
    return "hash";
  }

  /** Number of fields (HLEN). */
  get size(): number {
    return this.ht === null ? this.n : this.ht.size;
  }

  /** Same as {@link size}. */
  get length(): number {
    return this.size;
  }

  /** Current OBJECT ENCODING. */
  encoding(): HashEncoding {
    return this.ht === null ? "listpack" : "hashtable";
  }

  /** RDB_TYPE_HASH_LISTPACK or RDB_TYPE_HASH, as rdbSaveObjectType picks. */
  rdbType(): number {
    return this.ht === null ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
  }

  /** Estimated retained bytes (src/store/size.ts). O(1). */
  get memoryUsage(): number {
    const ht = this.ht;
    if (ht === null) return HASH_LISTPACK_BYTES + stringBytes(this.lp.length);
    return HASH_BYTES + ht.allocatedBytes();
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    const ht = this.ht;
    if (ht === null) {
      let end = 0;
      for (let i = 0; i < this.n; i++) end = skipElement(this.lp, skipElement(this.lp, end));
      return HASH_LISTPACK_BYTES + stringBytes(end);
    }
    return HASH_BYTES + ht.recomputeAllocatedBytes();
  }

  /** Converts to hashtable (one-way, as in Redis). */
  convertToHashtable(): void {
    if (this.ht !== null) return;
    const ht = new ByteTable(true, this.n);
    const lp = this.lp;
    let p = 0;
    for (let i = 0; i < this.n; i++) {
      const f = elementString(lp, p);
      p = skipElement(lp, p);
      const v = elementString(lp, p);
      p = skipElement(lp, p);
      ht.put(binaryScratch(f, 0), 0, f.length, binaryScratch(v, 1), 0, v.length);
    }
    this.ht = ht;
    this.lp = "";
    this.n = 0;
  }

  /**
   * Pre-check of a command's field/value arguments (hashTypeTryConversion):
   * converts when any of them is longer than hash-max-listpack-value.
   */
  tryConversion(cfg: HashEncodingConfig, args: readonly { length: number }[]): void {
    if (this.ht !== null) return;
    for (let i = 0; i < args.length; i++) {
      if (args[i].length > cfg.hashMaxListpackValue) {
        this.convertToHashtable();
        return;
      }
    }
  }

  /** Value of `field`, or undefined (HGET). */
  get(field: string): Uint8Array | undefined {
    const ht = this.ht;
    if (ht !== null) {
      const i = htFind(ht, field);
      return i < 0 ? undefined : ht.valueCopy(i);
    }
    const p = findEntry(this.lp, field, 2);
    return p < 0 ? undefined : elementBytes(this.lp, skipElement(this.lp, p));
  }

  /**
   * Value of `field` as stored, or undefined: a binary string (one char per
   * byte), where a copy into a fresh `Uint8Array` would cost more than the
   * lookup (HGET, HMGET).
   */
  getRaw(field: string): string | undefined {
    const ht = this.ht;
    if (ht !== null) {
      const i = htFind(ht, field);
      return i < 0 ? undefined : ht.valueString(i);
    }
    const p = findEntry(this.lp, field, 2);
    return p < 0 ? undefined : elementString(this.lp, skipElement(this.lp, p));
  }

  /**
   * Value of the field whose bytes are `field` (HGET, HINCRBY): for a
   * hashtable a view of the stored bytes, valid until the hash is next
   * written; for a listpack a fresh copy.
   */
  getBytes(field: Uint8Array): Uint8Array | undefined {
    const ht = this.ht;
    if (ht === null) return this.get(bytesToBinary(field));
    const i = ht.find(field, 0, field.length);
    return i < 0 ? undefined : ht.valueView(i);
  }

  /** {@link has} of the field whose bytes are `field` (HEXISTS). */
  hasBytes(field: Uint8Array): boolean {
    if (this.ht === null) return this.has(bytesToBinary(field));
    return this.ht.find(field, 0, field.length) >= 0;
  }

  /** {@link set} of the field whose bytes are `field` (HSET). */
  setBytes(field: Uint8Array, value: Uint8Array, cfg?: HashEncodingConfig): boolean {
    if (this.ht === null) return this.set(bytesToBinary(field), value, cfg);
    return this.ht.put(field, 0, field.length, value, 0, value.length);
  }

  /** {@link delete} of the field whose bytes are `field` (HDEL). */
  deleteBytes(field: Uint8Array): boolean {
    if (this.ht === null) return this.delete(bytesToBinary(field));
    return this.ht.remove(field, 0, field.length);
  }

  /** Whether `field` exists (HEXISTS). */
  has(field: string): boolean {
    return this.ht !== null ? htFind(this.ht, field) >= 0 : findEntry(this.lp, field, 2) >= 0;
  }

  /**
   * Sets `field` to `value`; returns true when the field is new (HSET).
   * With `cfg`, applies hashTypeSet's conversions: a field or value longer
   * than hash-max-listpack-value, or more than hash-max-listpack-entries
   * fields, turn a listpack into a hashtable. The bytes of `value` are
   * copied in, so it may be a command argument's view.
   */
  set(field: string, value: Uint8Array, cfg?: HashEncodingConfig): boolean {
    if (this.ht === null) {
      if (
        cfg &&
        (field.length > cfg.hashMaxListpackValue || value.length > cfg.hashMaxListpackValue)
      ) {
        this.convertToHashtable();
      } else {
        const lp = this.lp;
        const p = findEntry(lp, field, 2);
        if (p >= 0) {
          const at = skipElement(lp, p);
          this.lp = splice(
            lp,
            at,
            skipElement(lp, at),
            lenPrefix(value.length) + bytesToBinary(value),
          );
          return false;
        }
        this.lp = [
          lp,
          lenPrefix(field.length),
          field,
          lenPrefix(value.length),
          bytesToBinary(value),
        ]
          .join("");
        this.n++;
        if (cfg && this.n > cfg.hashMaxListpackEntries) this.convertToHashtable();
        return true;
      }
    }
    return this.ht!.put(binaryScratch(field), 0, field.length, value, 0, value.length);
  }

  /** Removes `field`; returns whether it existed (HDEL). */
  delete(field: string): boolean {
    if (this.ht !== null) {
      const i = htFind(this.ht, field);
      if (i < 0) return false;
      this.ht.removeSlot(i);
      return true;
    }
    const lp = this.lp;
    const p = findEntry(lp, field, 2);
    if (p < 0) return false;
    // Keep insertion order like a listpack does.
    this.lp = --this.n === 0 ? "" : splice(lp, p, skipElement(lp, skipElement(lp, p)), "");
    return true;
  }

  /**
   * Visits all entries in HGETALL's order (listpack: insertion order;
   * hashtable: slot order).
   */
  forEach(visit: (field: string, value: Uint8Array) => void): void {
    const ht = this.ht;
    if (ht !== null) {
      for (let i = 0; i < ht.size; i++) visit(ht.keyString(i), ht.valueCopy(i));
      return;
    }
    const lp = this.lp;
    const n = this.n;
    let p = 0;
    for (let i = 0; i < n; i++) {
      const f = elementString(lp, p);
      p = skipElement(lp, p);
      const v = elementBytes(lp, p);
      p = skipElement(lp, p);
      visit(f, v);
    }
  }

  /**
   * {@link forEach} with values as stored (see {@link getRaw}): HGETALL,
   * HVALS and HSCAN reply them without a copy.
   */
  forEachRaw(visit: (field: string, value: string) => void): void {
    const ht = this.ht;
    if (ht !== null) {
      for (let i = 0; i < ht.size; i++) visit(ht.keyString(i), ht.valueString(i));
      return;
    }
    const lp = this.lp;
    const n = this.n;
    let p = 0;
    for (let i = 0; i < n; i++) {
      const f = elementString(lp, p);
      p = skipElement(lp, p);
      const v = elementString(lp, p);
      p = skipElement(lp, p);
      visit(f, v);
    }
  }

  /** Iterates [field, value] pairs. */
  *[Symbol.iterator](): IterableIterator<[string, Uint8Array]> {
    const out: [string, Uint8Array][] = [];
    this.forEach((f, v) => out.push([f, v]));
    yield* out;
  }

  /** All field names (HKEYS). */
  keys(): string[] {
    const out: string[] = [];
    this.forEach((f) => out.push(f));
    return out;
  }

  /** All values (HVALS). */
  values(): Uint8Array[] {
    const out: Uint8Array[] = [];
    this.forEach((_, v) => out.push(v));
    return out;
  }

  /** A uniformly random slot index, or -1 when empty. O(1). */
  randomSlot(): number {
    const n = this.size;
    return n === 0 ? -1 : Math.floor(Math.random() * n);
  }

  /**
   * Field in slot `i` (0 <= i < size). Slots are an arbitrary order stable
   * until the next deletion; use with random indexes (HRANDFIELD).
   */
  fieldAt(i: number): string {
    if (this.ht !== null) return this.ht.keyString(i);
    return elementString(this.lp, entryOffsets(this.lp, this.n, 2)[i]);
  }

  /** Value in slot `i`. */
  valueAt(i: number): Uint8Array {
    if (this.ht !== null) return this.ht.valueCopy(i);
    const lp = this.lp;
    return elementBytes(lp, skipElement(lp, entryOffsets(lp, this.n, 2)[i]));
  }

  /** Value in slot `i`, as stored (see {@link getRaw}). */
  valueRawAt(i: number): string {
    if (this.ht !== null) return this.ht.valueString(i);
    const lp = this.lp;
    return elementString(lp, skipElement(lp, entryOffsets(lp, this.n, 2)[i]));
  }

  /**
   * One HSCAN step over the slots from the top down: cursor `c` means "slots
   * below c remain", 0 starts a new scan; returns the next cursor, 0 when
   * done. Fields present for the whole scan are visited at least once even if
   * the hash grows or shrinks in between. (For a listpack, Redis replies with
   * everything at once and cursor 0: use {@link forEach} there.)
   */
  scan(cursor: number, count: number, visit: (field: string, value: string) => void): number {
    const n = this.size;
    const c = cursor <= 0 || cursor > n ? n : cursor;
    const stop = count >= c ? 0 : c - Math.max(1, count);
    for (let i = c - 1; i >= stop; i--) visit(this.fieldAt(i), this.valueRawAt(i));
    return stop;
  }

  /** A copy sharing the (immutable) packed run (COPY). */
  clone(): RedisHash {
    const h = new RedisHash();
    h.lp = this.lp;
    h.n = this.n;
    h.ht = this.ht === null ? null : this.ht.clone();
    return h;
  }
}
