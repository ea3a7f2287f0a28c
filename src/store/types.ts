/**
 * Value model of the keyspace. Strings are raw bytes; every other type is an
 * object whose `type` names it as TYPE reports it. Each collection keeps enough
 * state to report (and serialize) the encoding Redis would use, and a size
 * estimate kept current as it changes (see {@link CollectionValue}).
 */

import { RDB_TYPE_STRING, type RdbObjectType } from "../persistence/rdb_types.ts";

/** What TYPE replies. */
export type ValueType = "string" | "list" | "hash" | "set" | "zset" | "stream";

/** Size thresholds that decide encodings (the *-max-listpack-* / intset directives). */
export interface EncodingLimits {
  listMaxListpackSize: number;
  hashMaxListpackEntries: number;
  hashMaxListpackValue: number;
  setMaxIntsetEntries: number;
  setMaxListpackEntries: number;
  setMaxListpackValue: number;
  zsetMaxListpackEntries: number;
  zsetMaxListpackValue: number;
}

/**
 * What the visitor of {@link CollectionValue.forEach} receives: the element
 * (list element, hash field, set or zset member) and, for hashes the value and
 * for sorted sets the score.
 */
export type ElementVisitor = (element: string | Uint8Array, extra?: Uint8Array | number) => void;

/**
 * A non-string value (list, hash, set, zset, stream): the operations every
 * stored collection offers, whatever its representation.
 */
export interface CollectionValue {
  readonly type: Exclude<ValueType, "string">;
  /** OBJECT ENCODING's answer. */
  encoding(limits: EncodingLimits): string;
  /** Element count (collections are deleted when it reaches 0). */
  readonly length: number;
  /**
   * RDB object type Redis would write for the current encoding
   * (rdbSaveObjectType; constants in src/persistence/rdb_types.ts).
   */
  rdbType(limits: EncodingLimits): RdbObjectType;
  /**
   * Estimated bytes this value retains (src/store/size.ts), kept current as it
   * changes: O(1), no walk.
   */
  readonly memoryUsage: number;
  /** The same estimate computed from scratch by a full walk (tests, DEBUG). */
  recomputeMemoryUsage(): number;
  /**
   * Deep copy with the same elements and encoding (COPY, point-in-time
   * snapshots). Element buffers are shared: stored buffers are never mutated.
   */
  clone(): CollectionValue;
  /**
   * Visits every element in Redis's order: the order LRANGE 0 -1, HGETALL,
   * SMEMBERS, ZRANGE 0 -1 and a full SCAN reply with, and RDB writes.
   */
  forEach(visit: ElementVisitor): void;
}

/** A stored value: bytes for strings, an object for collections. */
export type RedisValue = Uint8Array | CollectionValue;

/** TYPE of a value. */
export function typeOf(v: RedisValue): ValueType {
  return v instanceof Uint8Array ? "string" : v.type;
}

/** RDB object type Redis would write for a value (rdbSaveObjectType). */
export function rdbTypeOf(v: RedisValue, limits: EncodingLimits): RdbObjectType {
  return v instanceof Uint8Array ? RDB_TYPE_STRING : v.rdbType(limits);
}

/** Shared error texts (shared.* objects in Redis's server.c). */
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const SYNTAX_ERR = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const OUT_OF_RANGE = "ERR index out of range";
export const NO_SUCH_KEY = "ERR no such key";
