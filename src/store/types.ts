/**
 * Value model of the keyspace. Strings are raw bytes; every other type is an
 * object whose `type` names it as TYPE reports it. Each collection keeps enough
 * state to report (and later serialize) the encoding Redis would use.
 */

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

/** A non-string value (list, hash, set, zset, stream). */
export interface CollectionValue {
  readonly type: Exclude<ValueType, "string">;
  /** OBJECT ENCODING's answer. */
  encoding(limits: EncodingLimits): string;
  /** Element count (collections are deleted when it reaches 0). */
  readonly length?: number;
}

/** A stored value: bytes for strings, an object for collections. */
export type RedisValue = Uint8Array | CollectionValue;

/** TYPE of a value. */
export function typeOf(v: RedisValue): ValueType {
  return v instanceof Uint8Array ? "string" : v.type;
}

/** Shared error texts (shared.* objects in Redis's server.c). */
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";
export const SYNTAX_ERR = "ERR syntax error";
export const NOT_INTEGER = "ERR value is not an integer or out of range";
export const NOT_FLOAT = "ERR value is not a valid float";
export const OUT_OF_RANGE = "ERR index out of range";
export const NO_SUCH_KEY = "ERR no such key";
