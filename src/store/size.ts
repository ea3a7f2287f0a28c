/**
 * The memory model behind every value's `memoryUsage`, `Db.bytes`, MEMORY
 * USAGE and INFO's used_memory_dataset: what V8 (as Deno ships it, without
 * pointer compression) retains for each piece of the keyspace.
 *
 * The constants were measured with `Deno.memoryUsage()` (heapUsed + external,
 * after forced GCs) over 100k values of each kind; bench/README.md ("Where the
 * bytes go") has the numbers. Everything here is an O(1) function of sizes the
 * structures already track, so estimates stay current without walking values.
 *
 * @module
 */

import type { RedisValue } from "./types.ts";

/**
 * Size of the shared buffers the values INCR and INCRBYFLOAT build are carved
 * from (see string.ts); the keyspace copies stored small strings into its arena.
 */
export const SLAB_SIZE = 8192;
/** Longest string value carved from a slab; longer ones get their own buffer. */
export const SLAB_MAX_VALUE = 512;

/** Header of a sequential one-byte string (map, hash, length). */
const STRING_HEADER_BYTES = 16;
/** Uint8Array + ArrayBuffer objects + backing-store record of a value owning its buffer. */
export const OWN_BUFFER_BYTES = 200;
/** A Uint8Array view into a shared slab (the slab itself is shared). */
export const VIEW_BYTES = 104;

/**
 * A key's metadata in its db (src/store/keyspace.ts): its slot in the hash
 * table and its entries in the per-id typed arrays, with their spare capacity,
 * without its record.
 */
export const KEY_BYTES = 72;
/** An expire time's share: the id's slot in the db's array of ids with a TTL, and its index there. */
export const EXPIRE_BYTES = 8;

/**
 * A key's record in the keyspace arena: id, the key's and the inline value's
 * length fields (1 byte each below 255, else 5), the key and the value bytes.
 */
export function recordBytes(klen: number, vlen: number): number {
  return 4 + (klen < 255 ? 1 : 5) + (vlen < 255 ? 1 : 5) + klen + vlen;
}

/**
 * A binary string of `len` chars (keys, hash fields, set and zset members):
 * header plus one byte per char, 8-byte aligned. "" and one-char strings are
 * V8's shared constants.
 */
export function stringBytes(len: number): number {
  return len <= 1 ? 0 : (STRING_HEADER_BYTES + len + 7) & ~7;
}

/**
 * A `Uint8Array` string value kept as its own object (longer than the
 * keyspace's INLINE_MAX): a slab view counts its share of the slab; a value
 * with spare capacity (APPEND's growable buffers) counts all of it.
 */
export function bufferBytes(v: Uint8Array): number {
  const cap = v.buffer.byteLength;
  if (cap === v.byteLength) return OWN_BUFFER_BYTES + cap;
  if (cap === SLAB_SIZE && v.byteLength <= SLAB_MAX_VALUE) return VIEW_BYTES + v.byteLength;
  return OWN_BUFFER_BYTES + cap;
}

/** Estimated bytes retained by a stored value. O(1). */
export function valueBytes(v: RedisValue): number {
  return v instanceof Uint8Array ? bufferBytes(v) : v.memoryUsage;
}

/**
 * A set or hash in the hashtable encoding besides the bytes of its ByteTable's
 * heap, slot array and index: the value and table objects and three buffers.
 */
const BYTE_TABLE_BYTES = 160 + 3 * OWN_BUFFER_BYTES;

// Per-collection constants: the empty object (with its Maps and arrays), and
// what each element adds besides its own strings/buffers.

/** Empty RedisList object. */
export const LIST_BYTES = 130;
/**
 * One quicklist node besides its buffer's bytes: the node object and its
 * buffer's objects (elements are packed into that one buffer).
 */
export const LIST_NODE_BYTES = 96 + OWN_BUFFER_BYTES;

/** RedisHash object while listpack encoded, besides its packed run (a string). */
export const HASH_LISTPACK_BYTES = 48;
/**
 * Hashtable-encoded RedisHash besides its ByteTable's buffers (counted at their
 * allocated size): its object, the table's and the three buffers' objects.
 */
export const HASH_BYTES = BYTE_TABLE_BYTES;

/** RedisSet object while intset or listpack encoded, besides its packed run (a string). */
export const SET_PACKED_BYTES = 56;
/** Hashtable-encoded RedisSet besides its ByteTable's buffers, as {@link HASH_BYTES}. */
export const SET_BYTES = BYTE_TABLE_BYTES;

/** A SortedSet object, whichever its form. */
export const ZSET_BYTES = 40;
/** Skiplist form besides its node heap, table and slot array: its object, views, free-list Map. */
export const ZSET_SKIPLIST_BYTES = 1200;
/** Packed form besides its bytes: its object and its buffer's objects. */
export const ZSET_PACKED_BYTES = 80 + OWN_BUFFER_BYTES;
