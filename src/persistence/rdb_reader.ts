/**
 * RDB reader: every file Redis 2.6 through 7.4 writes (RDB versions 1-12)
 * and DUMP payload bodies. `loadRdb` walks a whole file into the keyspace,
 * `loadObject` decodes one value (RESTORE uses it alone).
 *
 * Values are built through the store classes' public methods with the
 * encoding Redis would pick after loading them (rdb.c's rdbLoadObject): a
 * compact blob stays compact unless it is over the entry-count limit, a
 * hashtable set of integers becomes an intset, a small skiplist zset a
 * listpack, and so on. Element bytes are copied out of the file image
 * (nothing keeps the image alive) and never decoded as text.
 *
 * Every read is bounds-checked: a truncated or corrupt image ends in an
 * {@link RdbFormatError} carrying the byte offset where reading failed.
 *
 * @module
 */

import { Crc64 } from "./crc64.ts";
import { lzfDecompress } from "./lzf.ts";
import {
  asciiBytes,
  binaryOf,
  ListpackCursor,
  ownedBytes,
  PackedCursor,
  PackedFormatError,
  readIntset,
  ZiplistCursor,
  ZipmapCursor,
} from "./listpack_reader.ts";
import {
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_HASH_ZIPLIST,
  RDB_TYPE_HASH_ZIPMAP,
  RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_LIST_ZIPLIST,
  RDB_TYPE_MODULE_2,
  RDB_TYPE_MODULE_PRE_GA,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STREAM_LISTPACKS,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STREAM_LISTPACKS_3,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
  RDB_TYPE_ZSET_ZIPLIST,
} from "./rdb_types.ts";
import {
  framedCount,
  framedEnd,
  framedNode,
  MAX_BUILT_ENTRIES,
  RunBuilder,
} from "./packed_load.ts";
import { bytesToBinary } from "../util/bytes.ts";
import { isInt64String } from "../util/number.ts";
import { strtodPrefix } from "../util/strtod.ts";
import { type Db, type Entry, INLINE_MAX } from "../store/keyspace.ts";
import type { EncodingLimits, RedisValue } from "../store/types.ts";
import { RedisList } from "../store/list.ts";
import { RedisHash } from "../store/hash.ts";
import { RedisSet } from "../store/set.ts";
import { SortedSet } from "../store/zset.ts";
import {
  idText,
  RedisStream,
  StreamCG,
  StreamConsumer,
  type StreamID,
  type StreamNACK,
  type StreamNodeLimits,
} from "../store/stream.ts";

/** The newest RDB version this reader understands (Redis 7.4). */
export const RDB_MAX_VERSION = 12;

// Opcodes (rdb.h).
const OP_SLOT_INFO = 244;
const OP_FUNCTION2 = 245;
const OP_FUNCTION_PRE_GA = 246;
const OP_MODULE_AUX = 247;
const OP_IDLE = 248;
const OP_FREQ = 249;
const OP_AUX = 250;
const OP_RESIZEDB = 251;
const OP_EXPIRETIME_MS = 252;
const OP_EXPIRETIME = 253;
const OP_SELECTDB = 254;
const OP_EOF = 255;

// Redis 7.4's hashes with field TTLs (RDB_TYPE_HASH_METADATA* / _LISTPACK_EX*).
const HASH_FIELD_TTL_TYPES = new Set([22, 23, 24, 25]);

// String encodings after a length byte with the top bits 11.
const ENC_INT8 = 0;
const ENC_INT16 = 1;
const ENC_INT32 = 2;
const ENC_LZF = 3;

const QUICKLIST_NODE_PLAIN = 1;
const QUICKLIST_NODE_PACKED = 2;

const STREAM_ITEM_FLAG_DELETED = 1;
const STREAM_ITEM_FLAG_SAMEFIELDS = 2;

/** What went wrong reading an RDB image, and where. */
export class RdbFormatError extends Error {
  /**
   * @param offset byte offset in the image where reading failed
   * @param kind "eof": the image ended early; "corrupt": a value or opcode is
   *   malformed; "unsupported": well-formed data this server cannot hold
   */
  constructor(
    message: string,
    readonly offset: number,
    readonly kind: "eof" | "corrupt" | "unsupported",
  ) {
    super(message);
  }
}

/** Encoding limits and stream node limits that decide loaded values' encodings. */
export type LoadLimits = EncodingLimits & StreamNodeLimits;

/** A bounds-checked cursor over an RDB image (rio over a buffer). */
export class RdbInput {
  /** Next byte to read. */
  pos: number;
  /** Whether the last {@link string} returned a fresh array (not a view into the image). */
  private fresh = false;
  /** Where the string read by {@link stringRef} is: `refBuf[refOff, refOff + refLen)`. */
  refBuf: Uint8Array;
  refOff = 0;
  refLen = 0;

  constructor(readonly buf: Uint8Array, pos = 0, readonly end = buf.length) {
    this.pos = pos;
    this.refBuf = buf;
  }

  /** Throws the short-read error. */
  eof(): never {
    throw new RdbFormatError("Unexpected EOF reading RDB file", this.pos, "eof");
  }

  /** Throws a corruption error at `at` (default: the current position). */
  corrupt(what: string, at = this.pos): never {
    throw new RdbFormatError(what, at, "corrupt");
  }

  u8(): number {
    if (this.pos >= this.end) this.eof();
    return this.buf[this.pos++];
  }

  /** `n` raw bytes as a view. */
  raw(n: number): Uint8Array {
    const p = this.pos;
    if (n > this.end - p) this.eof();
    this.pos = p + n;
    return this.buf.subarray(p, p + n);
  }

  private lenBody(b: number): number {
    const t = b >> 6;
    if (t === 0) return b & 0x3f;
    if (t === 1) return ((b & 0x3f) << 8) | this.u8();
    if (b === 0x80) {
      const r = this.raw(4);
      return ((r[0] << 24) | (r[1] << 16) | (r[2] << 8) | r[3]) >>> 0;
    }
    if (b === 0x81) {
      const r = this.raw(8);
      const hi = ((r[0] << 24) | (r[1] << 16) | (r[2] << 8) | r[3]) >>> 0;
      const lo = ((r[4] << 24) | (r[5] << 16) | (r[6] << 8) | r[7]) >>> 0;
      return hi * 4294967296 + lo;
    }
    this.corrupt(`Unknown length encoding ${b} in rdbLoadLen()`, this.pos - 1);
  }

  /** A length (rdbLoadLen); an encoded-string marker here is corruption. */
  len(): number {
    const b = this.u8();
    if (b >> 6 === 3) this.corrupt("Unexpected encoded length", this.pos - 1);
    return this.lenBody(b);
  }

  /**
   * An element count: every element takes at least one byte, so a count
   * beyond the bytes left is a short read (and nothing is sized by it).
   */
  count(): number {
    const n = this.len();
    if (n > this.end - this.pos) this.eof();
    return n;
  }

  /** A length as an exact unsigned 64-bit bigint (stream IDs and counters). */
  lenBig(): bigint {
    const b = this.u8();
    if (b === 0x81) {
      const r = this.raw(8);
      let v = 0n;
      for (let i = 0; i < 8; i++) v = (v << 8n) | BigInt(r[i]);
      return v;
    }
    if (b >> 6 === 3) this.corrupt("Unexpected encoded length", this.pos - 1);
    return BigInt(this.lenBody(b));
  }

  /**
   * A string (rdbGenericLoadStringObject): a view into the image, or a new
   * array for integer and LZF encodings.
   */
  string(): Uint8Array {
    const b = this.u8();
    if (b >> 6 !== 3) {
      this.fresh = false;
      return this.raw(this.lenBody(b));
    }
    this.fresh = true;
    switch (b & 0x3f) {
      case ENC_INT8: {
        const v = (this.u8() << 24) >> 24;
        return asciiBytes(String(v));
      }
      case ENC_INT16: {
        const r = this.raw(2);
        return asciiBytes(String(((r[0] | (r[1] << 8)) << 16) >> 16));
      }
      case ENC_INT32: {
        const r = this.raw(4);
        return asciiBytes(String(r[0] | (r[1] << 8) | (r[2] << 16) | (r[3] << 24)));
      }
      case ENC_LZF: {
        const at = this.pos - 1;
        const clen = this.len();
        const len = this.len();
        const c = this.raw(clen);
        if (len === 0) this.corrupt("Invalid LZF compressed string in RDB", at);
        // A back-reference (at most 3 bytes) yields at most 264 bytes: a longer
        // claimed length is corrupt, and nothing that large is allocated.
        const out = len <= clen * 88 + 32 ? lzfDecompress(c, len) : null;
        if (out === null) {
          this.corrupt(`Invalid LZF compressed string in RDB: clen ${clen}, len ${len}`, at);
        }
        return out;
      }
      default:
        this.corrupt(`Unknown RDB string encoding type ${b & 0x3f}`, this.pos - 1);
    }
  }

  /**
   * A string value to keep: small ones are carved out of shared slabs as SET
   * stores them (src/store/size.ts), larger ones copied.
   */
  stringValue(): Uint8Array {
    const b = this.u8();
    if (b >> 6 !== 3) {
      const n = this.lenBody(b);
      const p = this.pos;
      if (n > this.end - p) this.eof();
      this.pos = p + n;
      return ownedBytes(this.buf, p, n);
    }
    this.pos--;
    const s = this.string();
    return this.fresh ? s : ownedBytes(s, 0, s.length);
  }

  /**
   * A string, located rather than returned (no view made): in the image, or
   * in a new array for integer and LZF encodings. Sets refBuf/refOff/refLen.
   */
  stringRef(): void {
    const b = this.u8();
    if (b >> 6 !== 3) {
      const n = this.lenBody(b);
      const p = this.pos;
      if (n > this.end - p) this.eof();
      this.pos = p + n;
      this.refBuf = this.buf;
      this.refOff = p;
      this.refLen = n;
      return;
    }
    this.pos--;
    const s = this.string();
    this.refBuf = s;
    this.refOff = 0;
    this.refLen = s.length;
  }

  /**
   * A string value for the keyspace, which copies one of up to INLINE_MAX
   * bytes into its arena: a view into the image then, else bytes of its own.
   */
  keyspaceString(): Uint8Array {
    const s = this.string();
    return this.fresh || s.length <= INLINE_MAX ? s : s.slice();
  }

  /** A string as a binary string (keys, fields, members, names). */
  binaryString(): string {
    const b = this.u8();
    if (b >> 6 !== 3) {
      const n = this.lenBody(b);
      const p = this.pos;
      if (n > this.end - p) this.eof();
      this.pos = p + n;
      return binaryOf(this.buf, p, n);
    }
    this.pos--;
    return bytesToBinary(this.string());
  }

  /** A little-endian IEEE double (rdbLoadBinaryDoubleValue). */
  binaryDouble(): number {
    const r = this.raw(8);
    return new DataView(r.buffer, r.byteOffset, 8).getFloat64(0, true);
  }

  /** A score in the old text form (rdbLoadDoubleValue): length byte, or 253-255 for nan/inf. */
  textDouble(): number {
    const l = this.u8();
    if (l === 253) return NaN;
    if (l === 254) return Infinity;
    if (l === 255) return -Infinity;
    const s = bytesToBinary(this.raw(l));
    const [v, end] = strtodPrefix(s);
    return end === 0 ? 0 : v;
  }

  /** A signed 64-bit little-endian millisecond time. */
  msTime(): number {
    const r = this.raw(8);
    const dv = new DataView(r.buffer, r.byteOffset, 8);
    return dv.getInt32(4, true) * 4294967296 + dv.getUint32(0, true);
  }

  /** A signed 32-bit little-endian second time (RDB_OPCODE_EXPIRETIME). */
  secTime(): number {
    const r = this.raw(4);
    return r[0] | (r[1] << 8) | (r[2] << 16) | (r[3] << 24);
  }
}

/** Runs a packed-blob reader, turning its format errors into corruption at `at`. */
function packed<T>(inp: RdbInput, at: number, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    packedError(inp, at, what, e);
  }
}

/** A packed-blob reader's format error as corruption at `at`; anything else rethrown. */
function packedError(inp: RdbInput, at: number, what: string, e: unknown): never {
  if (e instanceof PackedFormatError) {
    inp.corrupt(`${what} integrity check failed: ${e.message}`, at);
  }
  throw e;
}

// Builds small hashes' and sets' packed runs from the image's bytes.
const runBuilder = new RunBuilder();

/** Whether `b[p, p + n)` is a canonical int64 in decimal (isInt64String on bytes). */
function isInt64At(b: Uint8Array, p: number, n: number): boolean {
  if (n === 0 || n > 20) return false;
  const c = b[p];
  if (n === 1) return c >= 48 && c <= 57;
  if (c !== 45 && (c < 49 || c > 57)) return false;
  return isInt64String(binaryOf(b, p, n));
}

function cursorScore(inp: RdbInput, c: PackedCursor, at: number): number {
  if (c.str === null) return Number(c.int);
  const [v, end] = strtodPrefix(bytesToBinary(c.str));
  if (end === 0 && c.str.length > 0) inp.corrupt("Zset listpack with an invalid score", at);
  return v;
}

/**
 * Reads one object body of RDB type `type` (rdbLoadObject). Returns null for
 * an empty collection, which Redis skips with a notice.
 */
export function loadObject(
  inp: RdbInput,
  type: number,
  limits: LoadLimits,
  typeAt = inp.pos - 1,
): RedisValue | null {
  switch (type) {
    case RDB_TYPE_STRING:
      return inp.stringValue();
    case RDB_TYPE_LIST:
      return loadLinkedList(inp, limits);
    case RDB_TYPE_SET:
      return loadHashtableSet(inp, limits);
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
      return loadSkiplistZset(inp, type, limits);
    case RDB_TYPE_HASH:
      return loadHashtableHash(inp, limits);
    case RDB_TYPE_LIST_QUICKLIST:
    case RDB_TYPE_LIST_QUICKLIST_2:
      return loadQuicklist(inp, type, limits);
    case RDB_TYPE_LIST_ZIPLIST:
      return loadZiplistList(inp, limits);
    case RDB_TYPE_SET_INTSET:
      return loadIntset(inp, limits);
    case RDB_TYPE_SET_LISTPACK:
      return loadListpackSet(inp, limits);
    case RDB_TYPE_ZSET_ZIPLIST:
    case RDB_TYPE_ZSET_LISTPACK:
      return loadPackedZset(inp, type, limits);
    case RDB_TYPE_HASH_ZIPMAP:
    case RDB_TYPE_HASH_ZIPLIST:
    case RDB_TYPE_HASH_LISTPACK:
      return loadPackedHash(inp, type, limits);
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    case RDB_TYPE_STREAM_LISTPACKS_3:
      return loadStream(inp, type, limits);
    case RDB_TYPE_MODULE_PRE_GA:
      inp.corrupt("Pre-release module format not supported", typeAt);
      break;
    case RDB_TYPE_MODULE_2: {
      const id = inp.lenBig();
      throw new RdbFormatError(
        `The RDB file contains module data I can't load: no matching module type '${
          moduleTypeName(id)
        }'`,
        typeAt,
        "unsupported",
      );
    }
  }
  if (HASH_FIELD_TTL_TYPES.has(type)) {
    throw new RdbFormatError(
      `Hashes with field expiration (RDB type ${type}, Redis 7.4) are not supported`,
      typeAt,
      "unsupported",
    );
  }
  inp.corrupt(`Unknown RDB encoding type ${type}`, typeAt);
}

const MODULE_CHARSET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/** The 9-character module type name in a module id's top 54 bits (moduleTypeNameByID). */
function moduleTypeName(id: bigint): string {
  let name = "";
  let v = id >> 10n;
  for (let j = 0; j < 9; j++) {
    name = MODULE_CHARSET[Number(v & 63n)] + name;
    v >>= 6n;
  }
  return name;
}

function loadLinkedList(inp: RdbInput, limits: LoadLimits): RedisList | null {
  let n = inp.count();
  if (n === 0) return null;
  const l = new RedisList();
  l.convertToQuicklist(limits.listMaxListpackSize);
  while (n-- > 0) l.pushTail(inp.stringValue());
  l.afterBuild(limits.listMaxListpackSize);
  return l;
}

function loadQuicklist(inp: RdbInput, type: number, limits: LoadLimits): RedisList | null {
  let n = inp.count();
  if (n === 0) return null;
  const l = new RedisList();
  l.convertToQuicklist(limits.listMaxListpackSize);
  while (n-- > 0) {
    let container = QUICKLIST_NODE_PACKED;
    if (type === RDB_TYPE_LIST_QUICKLIST_2) {
      const at = inp.pos;
      container = inp.len();
      if (container !== QUICKLIST_NODE_PACKED && container !== QUICKLIST_NODE_PLAIN) {
        inp.corrupt("Quicklist integrity check failed.", at);
      }
    }
    const at = inp.pos;
    const data = inp.string();
    if (data.length === 0) inp.corrupt("Empty quicklist node", at);
    if (container === QUICKLIST_NODE_PLAIN) {
      l.appendLoadedNode(data.slice(), data.length, 1, true);
      continue;
    }
    // The node's entries framed straight from the blob; empty nodes are
    // skipped silently, as Redis does.
    let framed: Uint8Array;
    try {
      framed = framedNode(
        type === RDB_TYPE_LIST_QUICKLIST_2 ? new ListpackCursor(data) : new ZiplistCursor(data),
      );
    } catch (e) {
      packedError(inp, at, type === RDB_TYPE_LIST_QUICKLIST_2 ? "Listpack" : "Ziplist", e);
    }
    l.appendLoadedNode(framed, framedEnd, framedCount, false);
  }
  if (l.length === 0) return null;
  l.afterBuild(limits.listMaxListpackSize);
  return l;
}

function loadZiplistList(inp: RdbInput, limits: LoadLimits): RedisList | null {
  const at = inp.pos;
  const blob = inp.string();
  const l = new RedisList();
  l.convertToQuicklist(limits.listMaxListpackSize);
  packed(inp, at, "List ziplist", () => {
    const c = new ZiplistCursor(blob);
    while (c.next()) l.pushTail(c.bytes());
  });
  // Redis leaves a list loaded from a ziplist as a quicklist.
  return l.length === 0 ? null : l;
}

function loadHashtableSet(inp: RdbInput, limits: LoadLimits): RedisSet | null {
  const len = inp.count();
  if (len === 0) return null;
  const maxIntset = Math.min(limits.setMaxIntsetEntries, 1 << 30);
  if (len <= limits.setMaxListpackEntries && len <= maxIntset && len <= MAX_BUILT_ENTRIES) {
    const s = listpackSetFromStrings(inp, len, limits.setMaxListpackValue);
    if (s !== null) return s;
  }
  const s = new RedisSet(len > maxIntset ? "hashtable" : "intset");
  let maxelelen = 0;
  for (let i = 0; i < len; i++) {
    const at = inp.pos;
    if (s.encoding() === "hashtable") {
      // The table copies the member's bytes: no string made.
      if (!s.addBytes(inp.string())) inp.corrupt("Duplicate set members detected", at);
      continue;
    }
    const m = inp.binaryString();
    if (m.length > maxelelen) maxelelen = m.length;
    if (s.encoding() === "intset" && !isInt64String(m)) {
      if (s.size < limits.setMaxListpackEntries && maxelelen <= limits.setMaxListpackValue) {
        s.convertTo("listpack");
      } else {
        s.convertTo("hashtable");
      }
    }
    if (
      s.encoding() === "listpack" &&
      !(s.size < limits.setMaxListpackEntries && m.length <= limits.setMaxListpackValue)
    ) {
      s.convertTo("hashtable");
    }
    if (!s.add(m)) inp.corrupt("Duplicate set members detected", at);
  }
  return s;
}

/**
 * The `len` members that follow as a listpack set, built from their bytes,
 * when that is what the member-by-member path below makes of them: no member
 * is longer than set-max-listpack-value and the first is not an integer
 * (else the set starts as an intset, which orders the integers before it).
 * Otherwise null, with `inp` back where it was.
 */
function listpackSetFromStrings(inp: RdbInput, len: number, maxValue: number): RedisSet | null {
  const start = inp.pos;
  const b = runBuilder;
  b.reset();
  for (let i = 0; i < len; i++) {
    const at = inp.pos;
    inp.stringRef();
    const n = inp.refLen;
    if (n > maxValue || (i === 0 && isInt64At(inp.refBuf, inp.refOff, n))) {
      inp.pos = start;
      return null;
    }
    b.putBytes(inp.refBuf, inp.refOff, n);
    if (b.isDuplicate(b.lastStart, b.lastOff, n, 1)) {
      inp.corrupt("Duplicate set members detected", at);
    }
  }
  return RedisSet.fromRun(b.run(), len);
}

function loadIntset(inp: RdbInput, limits: LoadLimits): RedisSet | null {
  const at = inp.pos;
  const blob = inp.string();
  const s = new RedisSet("intset");
  packed(inp, at, "Intset", () => readIntset(blob, (m) => s.add(m)));
  if (s.size === 0) return null;
  if (s.size > limits.setMaxIntsetEntries) s.convertTo("hashtable");
  return s;
}

function loadListpackSet(inp: RdbInput, limits: LoadLimits): RedisSet | null {
  const at = inp.pos;
  const blob = inp.string();
  let built: RedisSet | null;
  try {
    built = packedSetFromListpack(new ListpackCursor(blob));
  } catch (e) {
    packedError(inp, at, "Set listpack", e);
  }
  if (built !== null) {
    if (built.size === 0) return null;
    if (built.size > limits.setMaxListpackEntries) built.convertTo("hashtable");
    return built;
  }
  const s = new RedisSet("listpack");
  packed(inp, at, "Set listpack", () => {
    const c = new ListpackCursor(blob);
    while (c.next()) {
      if (!s.add(c.binary())) throw new PackedFormatError("duplicate member");
    }
  });
  if (s.size === 0) return null;
  if (s.size > limits.setMaxListpackEntries) s.convertTo("hashtable");
  return s;
}

/**
 * A listpack set's members as a packed run built from the blob's bytes; null
 * past MAX_BUILT_ENTRIES members (the member-by-member path takes it).
 */
function packedSetFromListpack(c: ListpackCursor): RedisSet | null {
  const b = runBuilder;
  b.reset();
  let n = 0;
  while (c.next()) {
    if (++n > MAX_BUILT_ENTRIES) return null;
    b.putEntry(c);
    if (b.isDuplicate(b.lastStart, b.lastOff, b.lastLen, 1)) {
      throw new PackedFormatError("duplicate member");
    }
  }
  return RedisSet.fromRun(b.run(), n);
}

/**
 * A hash listpack's or ziplist's fields and values as a packed run built from
 * the blob's bytes; null past MAX_BUILT_ENTRIES fields (the field-by-field
 * path takes it).
 */
function packedHashFromBlob(c: PackedCursor): RedisHash | null {
  const b = runBuilder;
  b.reset();
  let n = 0;
  while (c.next()) {
    if (++n > MAX_BUILT_ENTRIES) return null;
    b.putEntry(c);
    const start = b.lastStart, off = b.lastOff, len = b.lastLen;
    if (!c.next()) throw new PackedFormatError("odd number of entries");
    b.putEntry(c);
    if (b.isDuplicate(start, off, len, 2)) throw new PackedFormatError("duplicate field");
  }
  return RedisHash.fromRun(b.run(), n);
}

function loadSkiplistZset(inp: RdbInput, type: number, limits: LoadLimits): SortedSet | null {
  const len = inp.count();
  if (len === 0) return null;
  const z = new SortedSet(Math.min(len, 1 << 20));
  z.setEncoding("skiplist");
  let maxelelen = 0;
  for (let i = 0; i < len; i++) {
    const at = inp.pos;
    const m = inp.binaryString();
    const score = type === RDB_TYPE_ZSET_2 ? inp.binaryDouble() : inp.textDouble();
    if (Number.isNaN(score)) inp.corrupt("Zset with NAN score detected", at);
    if (m.length > maxelelen) maxelelen = m.length;
    if (z.add(m, score) !== "added") inp.corrupt("Duplicate zset fields detected", at);
  }
  z.convertToListpackIfNeeded(limits, maxelelen);
  return z;
}

function loadPackedZset(inp: RdbInput, type: number, limits: LoadLimits): SortedSet | null {
  const at = inp.pos;
  const blob = inp.string();
  const z = new SortedSet(8);
  packed(inp, at, type === RDB_TYPE_ZSET_LISTPACK ? "Zset listpack" : "Zset ziplist", () => {
    const c = type === RDB_TYPE_ZSET_LISTPACK ? new ListpackCursor(blob) : new ZiplistCursor(blob);
    while (c.next()) {
      const m = c.binary();
      if (!c.next()) throw new PackedFormatError("odd number of entries");
      const score = cursorScore(inp, c, at);
      if (Number.isNaN(score)) throw new PackedFormatError("NAN score");
      if (z.add(m, score) !== "added") throw new PackedFormatError("duplicate member");
    }
  });
  if (z.length === 0) return null;
  if (z.length > limits.zsetMaxListpackEntries) z.setEncoding("skiplist");
  return z;
}

function loadHashtableHash(inp: RdbInput, limits: LoadLimits): RedisHash | null {
  const len = inp.count();
  if (len === 0) return null;
  const h = new RedisHash(len > limits.hashMaxListpackEntries ? "hashtable" : "listpack");
  const maxv = limits.hashMaxListpackValue;
  for (let i = 0; i < len; i++) {
    const at = inp.pos;
    if (h.encoding() === "hashtable") {
      // The table copies field and value bytes: no string, no value of their own.
      const fb = inp.string();
      if (!h.setBytes(fb, inp.string())) inp.corrupt("Duplicate hash fields detected", at);
      continue;
    }
    const f = inp.binaryString();
    const v = inp.stringValue();
    if (h.encoding() === "listpack" && (f.length > maxv || v.length > maxv)) h.convertToHashtable();
    if (!h.set(f, v)) inp.corrupt("Duplicate hash fields detected", at);
  }
  return h;
}

function loadPackedHash(inp: RdbInput, type: number, limits: LoadLimits): RedisHash | null {
  const at = inp.pos;
  const blob = inp.string();
  const h = new RedisHash("listpack");
  let maxlen = 0;
  const what = type === RDB_TYPE_HASH_ZIPMAP
    ? "Zipmap"
    : type === RDB_TYPE_HASH_ZIPLIST
    ? "Hash ziplist"
    : "Hash listpack";
  if (type !== RDB_TYPE_HASH_ZIPMAP) {
    let built: RedisHash | null;
    try {
      built = packedHashFromBlob(
        type === RDB_TYPE_HASH_ZIPLIST ? new ZiplistCursor(blob) : new ListpackCursor(blob),
      );
    } catch (e) {
      packedError(inp, at, what, e);
    }
    if (built !== null) {
      if (built.size === 0) return null;
      if (built.size > limits.hashMaxListpackEntries) built.convertToHashtable();
      return built;
    }
  }
  packed(inp, at, what, () => {
    const c = type === RDB_TYPE_HASH_ZIPMAP
      ? new ZipmapCursor(blob)
      : type === RDB_TYPE_HASH_ZIPLIST
      ? new ZiplistCursor(blob)
      : new ListpackCursor(blob);
    while (c.next()) {
      const f = c.binary();
      if (!c.next()) throw new PackedFormatError("odd number of entries");
      const v = c.bytes();
      if (f.length > maxlen) maxlen = f.length;
      if (v.length > maxlen) maxlen = v.length;
      if (!h.set(f, v)) throw new PackedFormatError("duplicate field");
    }
  });
  if (h.size === 0) return null;
  if (
    h.size > limits.hashMaxListpackEntries ||
    (type === RDB_TYPE_HASH_ZIPMAP && maxlen > limits.hashMaxListpackValue)
  ) {
    h.convertToHashtable();
  }
  return h;
}

// ---------------------------------------------------------------------------
// Streams.

const U64 = 1n << 64n;
const M32 = 0xffffffffn;

function idFromBig(ms: bigint, seq: bigint): StreamID {
  return {
    msHi: Number(ms >> 32n),
    msLo: Number(ms & M32),
    seqHi: Number(seq >> 32n),
    seqLo: Number(seq & M32),
  };
}

/** A 16-byte big-endian stream ID (rax keys, PEL entries). */
function rawId(r: Uint8Array): StreamID {
  const dv = new DataView(r.buffer, r.byteOffset, 16);
  return {
    msHi: dv.getUint32(0),
    msLo: dv.getUint32(4),
    seqHi: dv.getUint32(8),
    seqLo: dv.getUint32(12),
  };
}

function cmpId(a: StreamID, b: StreamID): number {
  if (a.msHi !== b.msHi) return a.msHi < b.msHi ? -1 : 1;
  if (a.msLo !== b.msLo) return a.msLo < b.msLo ? -1 : 1;
  if (a.seqHi !== b.seqHi) return a.seqHi < b.seqHi ? -1 : 1;
  if (a.seqLo !== b.seqLo) return a.seqLo < b.seqLo ? -1 : 1;
  return 0;
}

/** A counter saved as uint64 that Redis reads back as a signed long long. */
function signed64(v: bigint): number {
  return Number(v >= 1n << 63n ? v - U64 : v);
}

/** The current entry's bytes for the stream to copy (append copies what it keeps). */
function entryView(c: ListpackCursor): Uint8Array {
  return c.str !== null ? c.str : asciiBytes(String(c.int));
}

function lpInt(c: ListpackCursor): bigint {
  if (!c.next()) throw new PackedFormatError("stream listpack ends early");
  const v = c.intValue();
  if (v === null) throw new PackedFormatError("stream listpack entry is not an integer");
  return BigInt(v);
}

function loadStream(inp: RdbInput, type: number, limits: LoadLimits): RedisStream {
  const s = new RedisStream();
  let nodes = inp.count();
  let prev: StreamID | null = null;
  while (nodes-- > 0) {
    const keyAt = inp.pos;
    const nodeKey = inp.string();
    if (nodeKey.length !== 16) {
      inp.corrupt("Stream node key entry is not the size of a stream ID", keyAt);
    }
    const master = rawId(nodeKey);
    const masterMs = (BigInt(master.msHi) << 32n) | BigInt(master.msLo);
    const masterSeq = (BigInt(master.seqHi) << 32n) | BigInt(master.seqLo);
    const at = inp.pos;
    const lp = inp.string();
    packed(inp, at, "Stream listpack", () => {
      const c = new ListpackCursor(lp);
      if (c.done) throw new PackedFormatError("empty listpack inside stream");
      const count = Number(lpInt(c));
      const deleted = Number(lpInt(c));
      const nf = Number(lpInt(c));
      if (nf < 0 || nf > lp.length) throw new PackedFormatError("bad master field count");
      const fields: Uint8Array[] = [];
      for (let i = 0; i < nf; i++) {
        if (!c.next()) throw new PackedFormatError("stream listpack ends early");
        fields.push(c.bytes());
      }
      if (lpInt(c) !== 0n) throw new PackedFormatError("bad master entry terminator");
      const total = count + deleted;
      const pairs: Uint8Array[] = [];
      for (let e = 0; e < total; e++) {
        const flags = Number(lpInt(c));
        const ms = masterMs + lpInt(c);
        const seq = masterSeq + lpInt(c);
        if (ms < 0n || ms >= U64 || seq < 0n || seq >= U64) {
          throw new PackedFormatError("entry ID out of range");
        }
        pairs.length = 0;
        if (flags & STREAM_ITEM_FLAG_SAMEFIELDS) {
          for (let i = 0; i < nf; i++) {
            if (!c.next()) throw new PackedFormatError("stream listpack ends early");
            pairs.push(fields[i], entryView(c));
          }
        } else {
          const n = Number(lpInt(c));
          if (n < 0 || n > lp.length) throw new PackedFormatError("bad field count");
          for (let i = 0; i < 2 * n; i++) {
            if (!c.next()) throw new PackedFormatError("stream listpack ends early");
            pairs.push(entryView(c));
          }
        }
        lpInt(c); // lp-count, for walking backwards
        if (flags & STREAM_ITEM_FLAG_DELETED) continue;
        const id = idFromBig(ms, seq);
        if (prev !== null && cmpId(id, prev) <= 0) {
          throw new PackedFormatError("stream entries out of order");
        }
        prev = id;
        s.append(id, pairs, 0, limits);
      }
      if (c.next()) throw new PackedFormatError("extra entries after the last stream entry");
    });
  }
  const lenAt = inp.pos;
  const length = inp.lenBig();
  const lastId = idFromBig(inp.lenBig(), inp.lenBig());
  if (type >= RDB_TYPE_STREAM_LISTPACKS_2) {
    s.firstId = idFromBig(inp.lenBig(), inp.lenBig());
    s.maxDeletedEntryId = idFromBig(inp.lenBig(), inp.lenBig());
    s.entriesAdded = signed64(inp.lenBig());
  } else {
    s.entriesAdded = Number(length);
  }
  if (BigInt(s.length) !== length) {
    inp.corrupt("Stream length inconsistent with rax entries", lenAt);
  }
  if (prev !== null && cmpId(prev, lastId) > 0) {
    inp.corrupt("Stream last ID is smaller than its last entry", lenAt);
  }
  s.lastId = lastId;

  let groups = inp.count();
  while (groups-- > 0) {
    const nameAt = inp.pos;
    const name = inp.binaryString();
    const cgId = idFromBig(inp.lenBig(), inp.lenBig());
    const entriesRead = type >= RDB_TYPE_STREAM_LISTPACKS_2
      ? signed64(inp.lenBig())
      : s.estimateDistanceFromFirstEverEntry(cgId);
    if (s.groups.has(name)) inp.corrupt("Duplicated consumer group name", nameAt);
    const cg = new StreamCG(cgId, entriesRead);
    s.groups.set(name, cg);
    let pel = inp.count();
    while (pel-- > 0) {
      const idAt = inp.pos;
      const id = rawId(inp.raw(16));
      const deliveryTime = inp.msTime();
      const deliveryCount = inp.len();
      const key = idText(id);
      if (cg.pel.get(key) !== undefined) {
        inp.corrupt("Duplicated global PEL entry loading stream consumer group", idAt);
      }
      // The owner is set when its consumer is read below.
      const nack: StreamNACK = {
        id,
        key,
        deliveryTime,
        deliveryCount,
        consumer: null as unknown as StreamConsumer,
      };
      cg.pel.add(nack);
    }
    let consumers = inp.count();
    while (consumers-- > 0) {
      const cAt = inp.pos;
      const cname = inp.binaryString();
      if (cg.consumers.has(cname)) inp.corrupt("Duplicate stream consumer detected.", cAt);
      const seen = inp.msTime();
      const active = type >= RDB_TYPE_STREAM_LISTPACKS_3 ? inp.msTime() : seen;
      const consumer = new StreamConsumer(cname, seen, active);
      cg.consumers.set(cname, consumer);
      let cpel = inp.count();
      while (cpel-- > 0) {
        const idAt = inp.pos;
        const key = idText(rawId(inp.raw(16)));
        const nack = cg.pel.get(key);
        if (nack === undefined) inp.corrupt("Consumer entry not found in group global PEL", idAt);
        if (nack.consumer !== null && nack.consumer !== consumer) {
          inp.corrupt(
            "NACK already assigned to a different consumer, shared NACKs across consumers are not valid",
            idAt,
          );
        }
        if (consumer.pel.get(key) !== undefined) {
          inp.corrupt("Duplicated consumer PEL entry  loading a stream consumer group", idAt);
        }
        nack.consumer = consumer;
        consumer.pel.add(nack);
      }
    }
    for (const n of cg.pel.ordered()) {
      if (n.consumer === null) inp.corrupt("Stream CG PEL entry without consumer", nameAt);
    }
  }
  s.refreshMemory();
  return s;
}

// ---------------------------------------------------------------------------
// Whole files.

/** What {@link loadRdb} needs from the server. */
export interface RdbLoadOptions {
  /** The databases to fill (their count is `databases`). */
  dbs: readonly Db[];
  /** Encoding limits from the config. */
  limits: LoadLimits;
  /** Current time in ms (expired keys, IDLE). */
  now: number;
  /** Drop keys already expired (a master does; a replica keeps them for its master's DEL). */
  dropExpired: boolean;
  /** Verify the CRC64 trailer when it is not zero (rdbchecksum). */
  checksum: boolean;
  /** maxmemory-policy is an LFU one: FREQ applies, else IDLE does (objectSetLRUOrLFU). */
  lfu: boolean;
  /**
   * Receives each FUNCTION2 library's code; returns an error text or null.
   * Without it, libraries are skipped.
   */
  loadFunction?: (code: Uint8Array) => string | null;
  /** A key that exists already is replaced (RDBFLAGS_ALLOW_DUP) instead of being an error. */
  allowDup?: boolean;
  /** Called with such a key's entry before it is replaced (open snapshots keep its value). */
  beforeReplace?: (e: Entry) => void;
  /** Log lines as Redis prints them while loading. */
  log: (level: "notice" | "warning" | "verbose", msg: string) => void;
}

/** What loading found. */
export interface RdbLoadResult {
  version: number;
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: number;
  /** The AUX fields, as binary strings. */
  aux: Map<string, string>;
  /** Bytes the image took, trailer included (what follows is an AOF tail in a preamble file). */
  bytesRead: number;
}

/** Reads the 9-byte header; returns the RDB version. */
export function readRdbHeader(buf: Uint8Array): number {
  if (buf.length < 9) {
    throw new RdbFormatError("Unexpected EOF reading RDB file", buf.length, "eof");
  }
  const magic = bytesToBinary(buf.subarray(0, 5));
  if (magic !== "REDIS") {
    throw new RdbFormatError("Wrong signature trying to load DB from file", 0, "corrupt");
  }
  const digits = bytesToBinary(buf.subarray(5, 9));
  // atoi: leading digits.
  const m = /^[0-9]*/.exec(digits)![0];
  const ver = m === "" ? 0 : Number(m);
  if (ver < 1 || ver > RDB_MAX_VERSION) {
    throw new RdbFormatError(`Can't handle RDB format version ${ver}`, 5, "unsupported");
  }
  return ver;
}

/**
 * Loads a whole RDB image into `opts.dbs` (rdbLoadRioWithLoadingCtx).
 * Throws {@link RdbFormatError} on a malformed image; keys read before the
 * error stay in the dbs (the caller aborts start-up).
 */
export function loadRdb(buf: Uint8Array, opts: RdbLoadOptions): RdbLoadResult {
  const steps = loadRdbSteps(buf, opts, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * {@link loadRdb} in slices: after a key that crosses a multiple of
 * `sliceBytes` (loading-process-events-interval-bytes) it yields the result so
 * far, `bytesRead` set to the offset reached, so the caller can serve clients
 * (rdbLoadProgressCallback / processEventsWhileBlocked) and resume.
 */
export function* loadRdbSteps(
  buf: Uint8Array,
  opts: RdbLoadOptions,
  sliceBytes: number,
): Generator<RdbLoadResult, RdbLoadResult, void> {
  const version = readRdbHeader(buf);
  const inp = new RdbInput(buf, 9);
  const res: RdbLoadResult = {
    version,
    keysLoaded: 0,
    keysExpired: 0,
    emptyKeysSkipped: 0,
    aux: new Map(),
    bytesRead: 0,
  };
  let db = opts.dbs[0];
  let expireAt = -1;
  let idle = -1;
  let freq = -1;
  let nextSlice = sliceBytes;
  for (;;) {
    const typeAt = inp.pos;
    const type = inp.u8();
    switch (type) {
      case OP_EXPIRETIME:
        expireAt = inp.secTime() * 1000;
        continue;
      case OP_EXPIRETIME_MS:
        expireAt = inp.msTime();
        continue;
      case OP_FREQ:
        freq = inp.u8();
        continue;
      case OP_IDLE:
        idle = inp.len();
        continue;
      case OP_EOF:
        break;
      case OP_SELECTDB: {
        const id = inp.len();
        if (id >= opts.dbs.length) {
          throw new RdbFormatError(
            `FATAL: Data file was created with a Redis server configured to handle more than ${opts.dbs.length} databases. Exiting`,
            typeAt,
            "unsupported",
          );
        }
        db = opts.dbs[id];
        continue;
      }
      case OP_RESIZEDB: {
        // Pre-sizes the db (dictExpand), bounded by what the rest of the
        // image can hold (a key takes at least 3 bytes).
        const keys = inp.len();
        inp.len();
        db.reserve(Math.min(keys, Math.floor((inp.end - inp.pos) / 3)));
        continue;
      }
      case OP_SLOT_INFO:
        inp.len();
        inp.len();
        inp.len();
        continue;
      case OP_AUX: {
        const k = inp.binaryString();
        const v = inp.binaryString();
        res.aux.set(k, v);
        logAux(opts, k, v);
        continue;
      }
      case OP_MODULE_AUX: {
        const id = inp.lenBig();
        throw new RdbFormatError(
          `The RDB file contains AUX module data I can't load: no matching module '${
            moduleTypeName(id)
          }'`,
          typeAt,
          "unsupported",
        );
      }
      case OP_FUNCTION_PRE_GA:
        inp.corrupt("Pre-release function format not supported.", typeAt);
        break;
      case OP_FUNCTION2: {
        const code = inp.string();
        if (opts.loadFunction) {
          const err = opts.loadFunction(code);
          if (err !== null) {
            throw new RdbFormatError(`Failed loading library, ${err}`, typeAt, "corrupt");
          }
        } else {
          opts.log("warning", "Skipping a function library: functions are not supported here");
        }
        continue;
      }
      default: {
        const keyAt = inp.pos;
        // The key stays bytes (the keyspace copies them): no string per key.
        inp.stringRef();
        const kb = inp.refBuf, ko = inp.refOff, kn = inp.refLen;
        const value = type === RDB_TYPE_STRING
          ? inp.keyspaceString()
          : loadObject(inp, type, opts.limits, typeAt);
        if (value === null) {
          if (res.emptyKeysSkipped++ < 10) {
            opts.log("notice", `rdbLoadObject skipping empty key: ${binaryOf(kb, ko, kn)}`);
          }
        } else if (opts.dropExpired && expireAt !== -1 && expireAt < opts.now) {
          res.keysExpired++;
        } else {
          const lru = !opts.lfu && idle >= 0 ? opts.now - idle * 1000 : -1;
          const lfu = opts.lfu && freq >= 0 ? freq : -1;
          if (!db.load(kb, ko, kn, value, expireAt, lru, lfu)) {
            const key = binaryOf(kb, ko, kn);
            if (!opts.allowDup) {
              throw new RdbFormatError(
                `RDB has duplicated key '${key}' in DB ${db.id}`,
                keyAt,
                "corrupt",
              );
            }
            // RDBFLAGS_ALLOW_DUP (DEBUG RELOAD MERGE): the file's value wins.
            if (opts.beforeReplace !== undefined) opts.beforeReplace(db.peek(key)!);
            db.delete(key);
            db.load(kb, ko, kn, value, expireAt, lru, lfu);
          }
          res.keysLoaded++;
        }
        expireAt = -1;
        idle = -1;
        freq = -1;
        if (inp.pos >= nextSlice) {
          res.bytesRead = inp.pos;
          yield res;
          nextSlice = (Math.floor(inp.pos / sliceBytes) + 1) * sliceBytes;
        }
        continue;
      }
    }
    break;
  }
  if (version >= 5) {
    const at = inp.pos;
    const stored = inp.raw(8);
    if (opts.checksum) {
      const allZero = stored.every((b) => b === 0);
      if (allZero) {
        opts.log("notice", "RDB file was saved with checksum disabled: no check performed.");
      } else {
        const crc = new Crc64().update(buf, 0, at);
        if (!crc.matches(buf, at)) {
          const got = new DataView(stored.buffer, stored.byteOffset, 8).getBigUint64(0, true);
          throw new RdbFormatError(
            `Wrong RDB checksum expected: (${crc.value().toString(16)}) but got (${
              got.toString(16)
            }). Aborting now.`,
            at,
            "corrupt",
          );
        }
      }
    }
  }
  res.bytesRead = inp.pos;
  return res;
}

function logAux(opts: RdbLoadOptions, k: string, v: string): void {
  if (k.startsWith("%")) opts.log("notice", `RDB '${k}': ${v}`);
  else if (k === "redis-ver") opts.log("notice", `Loading RDB produced by version ${v}`);
  else if (k === "valkey-ver") opts.log("notice", `Loading RDB produced by valkey version ${v}`);
  else if (k === "ctime") {
    const age = Math.max(0, Math.floor(Date.now() / 1000) - (parseInt(v, 10) || 0));
    opts.log("notice", `RDB age ${age} seconds`);
  } else if (k === "used-mem") {
    const mb = (parseInt(v, 10) || 0) / (1024 * 1024);
    opts.log("notice", `RDB memory usage when created ${mb.toFixed(2)} Mb`);
  } else if (k === "aof-base" && parseInt(v, 10)) opts.log("notice", "RDB is base AOF");
  else if (k === "aof-preamble" && parseInt(v, 10)) opts.log("notice", "RDB has an AOF tail");
}
