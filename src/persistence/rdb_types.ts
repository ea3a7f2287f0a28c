/**
 * RDB object types (rdb.h's RDB_TYPE_*): the type byte that precedes every
 * key in an RDB file or DUMP payload.
 *
 * Every stored value reports which type Redis 7.2 would write for it
 * (`rdbTypeOf`, the collections' `rdbType`, as rdbSaveObjectType decides);
 * rdb_writer.ts and rdb_reader.ts dispatch on these. This module imports
 * nothing so that the store can name the types without depending on the
 * reader and writer.
 *
 * @module
 */

/** String (any encoding). */
export const RDB_TYPE_STRING = 0;
/** Linked list of strings (pre-3.2; loaded only). */
export const RDB_TYPE_LIST = 1;
/** Hashtable set. */
export const RDB_TYPE_SET = 2;
/** Skiplist zset with string scores (pre-3.2; loaded only). */
export const RDB_TYPE_ZSET = 3;
/** Hashtable hash. */
export const RDB_TYPE_HASH = 4;
/** Skiplist zset with binary double scores. */
export const RDB_TYPE_ZSET_2 = 5;
/** Module value (first version; loaded only). */
export const RDB_TYPE_MODULE_PRE_GA = 6;
/** Module value. */
export const RDB_TYPE_MODULE_2 = 7;
/** Zipmap hash (pre-2.6; loaded only). */
export const RDB_TYPE_HASH_ZIPMAP = 9;
/** Ziplist list (pre-3.2; loaded only). */
export const RDB_TYPE_LIST_ZIPLIST = 10;
/** Intset set. */
export const RDB_TYPE_SET_INTSET = 11;
/** Ziplist zset (pre-7.0; loaded only). */
export const RDB_TYPE_ZSET_ZIPLIST = 12;
/** Ziplist hash (pre-7.0; loaded only). */
export const RDB_TYPE_HASH_ZIPLIST = 13;
/** Quicklist of ziplists (pre-7.0; loaded only). */
export const RDB_TYPE_LIST_QUICKLIST = 14;
/** Stream (pre-7.0 format; loaded only). */
export const RDB_TYPE_STREAM_LISTPACKS = 15;
/** Listpack hash. */
export const RDB_TYPE_HASH_LISTPACK = 16;
/** Listpack zset. */
export const RDB_TYPE_ZSET_LISTPACK = 17;
/** Quicklist of listpack/plain nodes: every list, whatever its encoding. */
export const RDB_TYPE_LIST_QUICKLIST_2 = 18;
/** Stream (7.0 format; loaded only). */
export const RDB_TYPE_STREAM_LISTPACKS_2 = 19;
/** Listpack set. */
export const RDB_TYPE_SET_LISTPACK = 20;
/** Stream (7.2 format). */
export const RDB_TYPE_STREAM_LISTPACKS_3 = 21;

/** An RDB object type number. */
export type RdbObjectType = number;

/** Whether `t` is an object type Redis 7.2 can load (rdbIsObjectType). */
export function isRdbObjectType(t: number): boolean {
  return (t >= 0 && t <= 7) || (t >= 9 && t <= 21);
}
