/**
 * RDB writer (rdb.c's save half) for RDB version 10, the format Redis 7.0
 * writes, so that Redis 7.0, 7.2, 7.4 and Valkey all load our files and DUMP
 * payloads: lists as QUICKLIST_2, sets as INTSET or plain SET (never the 7.2
 * listpack set), hashes and sorted sets as LISTPACK or HASH / ZSET_2, streams
 * as STREAM_LISTPACKS_2.
 *
 * Values are read through the store classes' public iteration (forEach,
 * forEachNode, range, groups), never their insides. {@link RdbEncoder} writes
 * into a growing buffer that the caller drains in chunks ({@link RdbEncoder.take})
 * while a save runs, the CRC-64 kept over everything taken.
 *
 * @module
 */

import { Crc64 } from "./crc64.ts";
import { lzfCompress } from "./lzf.ts";
import { canonicalInt, encodeIntset, ListpackBuilder } from "./listpack_writer.ts";
import {
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_STREAM_LISTPACKS_2,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
} from "./rdb_types.ts";
import type { EncodingLimits, RedisValue } from "../store/types.ts";
import { RedisList } from "../store/list.ts";
import { RedisHash } from "../store/hash.ts";
import { RedisSet } from "../store/set.ts";
import { SortedSet } from "../store/zset.ts";
import { maxId, RedisStream, type StreamID, zeroId } from "../store/stream.ts";
import { formatDouble } from "../util/fpconv.ts";

/** The RDB version of the files and DUMP payloads we write. */
export const RDB_WRITE_VERSION = 10;

/** Opcodes (rdb.h RDB_OPCODE_*). */
export const RDB_OPCODE_FUNCTION2 = 245;
export const RDB_OPCODE_AUX = 250;
export const RDB_OPCODE_RESIZEDB = 251;
export const RDB_OPCODE_EXPIRETIME_MS = 252;
export const RDB_OPCODE_SELECTDB = 254;
export const RDB_OPCODE_EOF = 255;
export const RDB_OPCODE_IDLE = 248;
export const RDB_OPCODE_FREQ = 249;

/** QUICKLIST_NODE_CONTAINER_PLAIN / _PACKED. */
const CONTAINER_PLAIN = 1;
const CONTAINER_PACKED = 2;

/** What object encoding choices depend on. */
export interface RdbWriteOptions {
  /** rdbcompression: LZF for strings longer than 20 bytes. */
  compression: boolean;
  /** Encoding thresholds (OBJECT ENCODING of each value). */
  limits: EncodingLimits;
  /** stream-node-max-entries / stream-node-max-bytes: how stream entries are cut into nodes. */
  streamNodeMaxEntries: number;
  streamNodeMaxBytes: number;
  /**
   * Listpack sets as Redis 7.2 writes them (a listpack blob): only for
   * measuring (DEBUG OBJECT serializedlength), never for files or payloads.
   */
  listpackSets?: boolean;
}

const TWO32 = 4294967296;

/** Growable output buffer with the RDB primitives (rdbSaveLen, rdbSaveRawString, ...). */
export class RdbEncoder {
  private buf: Uint8Array;
  private dv: DataView;
  /** Bytes written and not yet taken. */
  pos = 0;
  /** Bytes taken so far. */
  taken = 0;
  private readonly crc: Crc64 | null;

  constructor(readonly opts: RdbWriteOptions, checksum = true, initial = 1 << 16) {
    this.buf = new Uint8Array(initial);
    this.dv = new DataView(this.buf.buffer);
    this.crc = checksum ? new Crc64() : null;
  }

  /** Total bytes written (taken or not). */
  get length(): number {
    return this.taken + this.pos;
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  /**
   * Hands over what was written since the last take (a copy) and feeds it to
   * the checksum.
   */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.crc?.update(out);
    this.taken += this.pos;
    this.pos = 0;
    return out;
  }

  /**
   * Like {@link take} without the copy: a view of the pending bytes, valid
   * only until the next write into this encoder (a save writes it to the
   * file before it serializes more). No garbage per chunk, so a long save
   * does not push the GC into full collections.
   */
  drain(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    this.crc?.update(out);
    this.taken += this.pos;
    this.pos = 0;
    return out;
  }

  /** The 8-byte CRC-64 trailer of everything taken (zeros when checksums are off). */
  checksum(): Uint8Array {
    return this.crc ? this.crc.digest() : new Uint8Array(8);
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** rdbSaveLen for lengths up to 2^53. */
  len(n: number): void {
    this.reserve(9);
    const b = this.buf;
    if (n < 64) {
      b[this.pos++] = n;
    } else if (n < 16384) {
      b[this.pos++] = 0x40 | (n >>> 8);
      b[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      b[this.pos++] = 0x80;
      this.dv.setUint32(this.pos, n, false);
      this.pos += 4;
    } else {
      this.len64(Math.floor(n / TWO32), n >>> 0);
    }
  }

  /** rdbSaveLen of a 64-bit value given as two 32-bit halves. */
  len64(hi: number, lo: number): void {
    if (hi === 0) return this.len(lo);
    this.reserve(9);
    this.buf[this.pos++] = 0x81;
    this.dv.setUint32(this.pos, hi, false);
    this.dv.setUint32(this.pos + 4, lo, false);
    this.pos += 8;
  }

  /** rdbSaveMillisecondTime: int64 little-endian. */
  millis(ms: number): void {
    this.reserve(8);
    const t = Math.trunc(ms);
    if (t >= 0 && t <= Number.MAX_SAFE_INTEGER) {
      this.dv.setUint32(this.pos, t >>> 0, true);
      this.dv.setUint32(this.pos + 4, Math.floor(t / TWO32), true);
    } else {
      this.dv.setBigInt64(this.pos, BigInt(t), true);
    }
    this.pos += 8;
  }

  /** rdbSaveBinaryDoubleValue: IEEE 754 little-endian. */
  binaryDouble(d: number): void {
    this.reserve(8);
    this.dv.setFloat64(this.pos, d, true);
    this.pos += 8;
  }

  /** rdbEncodeInteger: the INT8/16/32 string encodings; false when out of int32 range. */
  private intEncoded(v: number): boolean {
    this.reserve(5);
    const b = this.buf, p = this.pos;
    if (v >= -128 && v <= 127) {
      b[p] = 0xc0;
      b[p + 1] = v & 0xff;
      this.pos += 2;
    } else if (v >= -32768 && v <= 32767) {
      b[p] = 0xc1;
      this.dv.setInt16(p + 1, v, true);
      this.pos += 3;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p] = 0xc2;
      this.dv.setInt32(p + 1, v, true);
      this.pos += 5;
    } else {
      return false;
    }
    return true;
  }

  /**
   * rdbSaveRawString: integers (up to 11 chars) in their int encoding, then
   * LZF when compression is on and the string is longer than 20 bytes and
   * shrinks by more than 4, else length + bytes.
   */
  string(s: Uint8Array): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const v = canonicalInt(s);
      if (typeof v === "number" && this.intEncoded(v)) return;
    }
    if (this.opts.compression && n > 20 && this.lzf(s)) return;
    this.len(n);
    this.raw(s);
  }

  /** {@link string} for a binary string (one char per byte): keys, fields, members. */
  binary(s: string): void {
    const n = s.length;
    if (n <= 11 && n > 0) {
      const v = smallIntOf(s);
      if (v !== null && this.intEncoded(v)) return;
    }
    if (this.opts.compression && n > 20) {
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
      if (this.lzf(b)) return;
    }
    this.len(n);
    this.reserve(n);
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** rdbSaveLzfStringObject: 0xC3, compressed length, original length, data. */
  private lzf(s: Uint8Array): boolean {
    const out = lzfCompress(s, s.length - 4);
    if (out === null || out.length === 0) return false;
    this.byte(0xc3);
    this.len(out.length);
    this.len(s.length);
    this.raw(out);
    return true;
  }

  /** rdbSaveObjectType: the type byte we write for `v` (version-10 types only). */
  objectType(v: RedisValue): number {
    if (v instanceof Uint8Array) return RDB_TYPE_STRING;
    const limits = this.opts.limits;
    if (v instanceof RedisList) return RDB_TYPE_LIST_QUICKLIST_2;
    if (v instanceof RedisSet) {
      return v.encoding() === "intset" ? RDB_TYPE_SET_INTSET : RDB_TYPE_SET;
    }
    if (v instanceof RedisHash) {
      return v.encoding() === "listpack" ? RDB_TYPE_HASH_LISTPACK : RDB_TYPE_HASH;
    }
    if (v instanceof SortedSet) {
      return v.encoding() === "listpack" ? RDB_TYPE_ZSET_LISTPACK : RDB_TYPE_ZSET_2;
    }
    if (v instanceof RedisStream) return RDB_TYPE_STREAM_LISTPACKS_2;
    throw new Error(`cannot save a value of type ${v.type} (${v.encoding(limits)})`);
  }

  /** rdbSaveObject: the body of `v` for the type {@link objectType} chose. */
  object(v: RedisValue): void {
    if (v instanceof Uint8Array) return this.string(v);
    if (v instanceof RedisList) return this.list(v);
    if (v instanceof RedisSet) return this.set(v);
    if (v instanceof RedisHash) return this.hash(v);
    if (v instanceof SortedSet) return this.zset(v);
    if (v instanceof RedisStream) return this.stream(v);
    throw new Error(`cannot save a value of type ${v.type}`);
  }

  private list(l: RedisList): void {
    const nodes: [Uint8Array[], boolean][] = [];
    l.forEachNode((items, plain) => nodes.push([items, plain]));
    this.len(nodes.length);
    for (const [items, plain] of nodes) {
      if (plain) {
        this.len(CONTAINER_PLAIN);
        this.string(items[0]);
      } else {
        this.len(CONTAINER_PACKED);
        const lp = new ListpackBuilder();
        for (const it of items) lp.bytes(it);
        this.string(lp.finish());
      }
    }
  }

  private set(s: RedisSet): void {
    if (s.encoding() === "intset") {
      const values: (number | bigint)[] = [];
      s.forEach((m) => {
        const b = new Uint8Array(m.length);
        for (let i = 0; i < m.length; i++) b[i] = m.charCodeAt(i);
        values.push(canonicalInt(b)!);
      });
      this.string(encodeIntset(values));
      return;
    }
    if (this.opts.listpackSets && s.encoding() === "listpack") {
      const lp = new ListpackBuilder();
      s.forEach((m) => lp.binary(m));
      this.string(lp.finish());
      return;
    }
    this.len(s.size);
    s.forEach((m) => this.binary(m));
  }

  private hash(h: RedisHash): void {
    if (h.encoding() === "listpack") {
      const lp = new ListpackBuilder();
      h.forEach((f, v) => {
        lp.binary(f);
        lp.bytes(v);
      });
      this.string(lp.finish());
      return;
    }
    this.len(h.size);
    h.forEachRaw((f, v) => {
      this.binary(f);
      this.binary(v);
    });
  }

  private zset(z: SortedSet): void {
    if (z.encoding() === "listpack") {
      const lp = new ListpackBuilder();
      z.forEach((m, score) => {
        lp.binary(m);
        lp.binary(formatDouble(score));
      });
      this.string(lp.finish());
      return;
    }
    // From the greatest to the smallest: the loader inserts at the head.
    const members: string[] = [];
    const scores: number[] = [];
    z.forEach((m, score) => {
      members.push(m);
      scores.push(score);
    });
    this.len(members.length);
    for (let i = members.length - 1; i >= 0; i--) {
      this.binary(members[i]);
      this.binaryDouble(scores[i]);
    }
  }

  /** A stream ID as the 16 big-endian bytes rax keys and PELs use. */
  private rawId(id: StreamID): void {
    this.reserve(16);
    const dv = this.dv, p = this.pos;
    dv.setUint32(p, id.msHi, false);
    dv.setUint32(p + 4, id.msLo, false);
    dv.setUint32(p + 8, id.seqHi, false);
    dv.setUint32(p + 12, id.seqLo, false);
    this.pos += 16;
  }

  private stream(s: RedisStream): void {
    // Entries are cut into nodes afresh (live entries only), each a listpack
    // whose master entry takes the first entry's fields, as streamAppendItem
    // builds them.
    const maxEntries = this.opts.streamNodeMaxEntries > 0 ? this.opts.streamNodeMaxEntries : 100;
    const maxBytes = this.opts.streamNodeMaxBytes > 0 ? this.opts.streamNodeMaxBytes : 1 << 30;
    const nodes: [StreamID, Uint8Array][] = [];
    let ids: StreamID[] = [];
    let entries: Uint8Array[][] = [];
    let bytes = 0;
    const close = () => {
      if (ids.length > 0) nodes.push([ids[0], streamNodeListpack(ids, entries)]);
      ids = [];
      entries = [];
      bytes = 0;
    };
    s.range(zeroId(), maxId(), false, 0, (id, fields) => {
      ids.push(id);
      entries.push(fields);
      for (const f of fields) bytes += f.length + 2;
      if (ids.length >= maxEntries || bytes >= maxBytes) close();
      return true;
    });
    close();
    this.len(nodes.length);
    for (const [id, lp] of nodes) {
      this.len(16);
      this.rawId(id);
      this.string(lp);
    }
    this.len(s.length);
    this.len64(s.lastId.msHi, s.lastId.msLo);
    this.len64(s.lastId.seqHi, s.lastId.seqLo);
    this.len64(s.firstId.msHi, s.firstId.msLo);
    this.len64(s.firstId.seqHi, s.firstId.seqLo);
    this.len64(s.maxDeletedEntryId.msHi, s.maxDeletedEntryId.msLo);
    this.len64(s.maxDeletedEntryId.seqHi, s.maxDeletedEntryId.seqLo);
    this.len(s.entriesAdded);
    // Groups and consumers in rax order (sorted by name bytes), as Redis saves them.
    const groups = [...s.groups.keys()].sort(compareBinary);
    this.len(groups.length);
    for (const name of groups) {
      const g = s.groups.get(name)!;
      this.binary(name);
      this.len64(g.lastId.msHi, g.lastId.msLo);
      this.len64(g.lastId.seqHi, g.lastId.seqLo);
      // SCG_INVALID_ENTRIES_READ (-1) goes out as the unsigned 64-bit length 2^64-1.
      if (g.entriesRead < 0) this.len64(0xffffffff, 0xffffffff);
      else this.len(g.entriesRead);
      const pel = g.pel.ordered();
      this.len(pel.length);
      for (const n of pel) {
        this.rawId(n.id);
        this.millis(n.deliveryTime);
        this.len(n.deliveryCount);
      }
      const consumers = [...g.consumers.keys()].sort(compareBinary);
      this.len(consumers.length);
      for (const cname of consumers) {
        const c = g.consumers.get(cname)!;
        this.binary(cname);
        this.millis(c.seenTime);
        const cpel = c.pel.ordered();
        this.len(cpel.length);
        for (const n of cpel) this.rawId(n.id);
      }
    }
  }

  /**
   * rdbSaveKeyValuePair: EXPIRETIME_MS when the key has a TTL, IDLE / FREQ
   * when `lru` / `lfu` are given (maxmemory-policy LRU / LFU), type, key, value.
   */
  keyValue(
    key: string | Uint8Array,
    v: RedisValue,
    expireAt: number,
    idle = -1,
    freq = -1,
  ): void {
    if (expireAt !== -1) {
      this.byte(RDB_OPCODE_EXPIRETIME_MS);
      this.millis(expireAt);
    }
    if (idle >= 0) {
      this.byte(RDB_OPCODE_IDLE);
      this.len(idle);
    }
    if (freq >= 0) {
      this.byte(RDB_OPCODE_FREQ);
      this.byte(freq);
    }
    this.byte(this.objectType(v));
    if (typeof key === "string") this.binary(key);
    else this.string(key);
    this.object(v);
  }

  /** The "REDIS0010" magic. */
  header(): void {
    this.raw(new TextEncoder().encode("REDIS" + String(RDB_WRITE_VERSION).padStart(4, "0")));
  }

  /** rdbSaveAuxField: AUX opcode, name and value, both as RDB strings. */
  /** One function library (RDB_OPCODE_FUNCTION2 and its code). */
  function2(code: Uint8Array): void {
    this.byte(RDB_OPCODE_FUNCTION2);
    this.string(code);
  }

  aux(name: string, value: string | number): void {
    this.byte(RDB_OPCODE_AUX);
    this.binary(name);
    this.binary(String(value));
  }

  /** SELECTDB and RESIZEDB before a db's keys. */
  selectDb(id: number, size: number, expires: number): void {
    this.byte(RDB_OPCODE_SELECTDB);
    this.len(id);
    this.byte(RDB_OPCODE_RESIZEDB);
    this.len(size);
    this.len(expires);
  }
}

/**
 * The value of a binary string of at most 11 chars when it is a canonical
 * integer (string2ll's rules), else null; no allocation.
 */
function smallIntOf(s: string): number | null {
  const n = s.length;
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) {
    if (n === 1) return null;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : null;
  if (first < 49 || first > 57) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/** Bytewise order of binary strings (rax key order). */
function compareBinary(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One part of a stream ID (two 32-bit words) as a number, or bigint past 2^53. */
function idPart(hi: number, lo: number): number | bigint {
  return hi < 0x200000 ? hi * TWO32 + lo : (BigInt(hi) << 32n) | BigInt(lo);
}

/** a - b as int64 (streamEncodeID differences wrap like C's int64 arithmetic). */
function diff64(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}

/**
 * A stream node's listpack: the master entry (count, deleted, field count,
 * the first entry's field names, 0), then each entry as flags, ms-diff,
 * seq-diff, [field count], [fields and] values, lp-count.
 */
function streamNodeListpack(ids: StreamID[], entries: Uint8Array[][]): Uint8Array {
  const lp = new ListpackBuilder(256);
  const first = entries[0];
  const nf = first.length / 2;
  lp.int(ids.length);
  lp.int(0);
  lp.int(nf);
  for (let i = 0; i < first.length; i += 2) lp.bytes(first[i]);
  lp.int(0);
  const masterMs = idPart(ids[0].msHi, ids[0].msLo);
  const masterSeq = idPart(ids[0].seqHi, ids[0].seqLo);
  for (let e = 0; e < ids.length; e++) {
    const fields = entries[e];
    const n = fields.length / 2;
    let same = n === nf;
    for (let i = 0; same && i < fields.length; i += 2) same = bytesEq(fields[i], first[i]);
    lp.int(same ? 2 : 0);
    lp.int(diff64(idPart(ids[e].msHi, ids[e].msLo), masterMs));
    lp.int(diff64(idPart(ids[e].seqHi, ids[e].seqLo), masterSeq));
    if (same) {
      for (let i = 1; i < fields.length; i += 2) lp.bytes(fields[i]);
      lp.int(n + 3);
    } else {
      lp.int(n);
      for (const f of fields) lp.bytes(f);
      lp.int(2 * n + 4);
    }
  }
  return lp.finish();
}

function bytesEq(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * A DUMP payload (createDumpPayload): type, object, the RDB version as 2
 * little-endian bytes, then the CRC-64 of all that.
 */
export function dumpPayload(v: RedisValue, opts: RdbWriteOptions): Uint8Array {
  const enc = new RdbEncoder(opts, true, 256);
  enc.byte(enc.objectType(v));
  enc.object(v);
  enc.byte(RDB_WRITE_VERSION & 0xff);
  enc.byte(RDB_WRITE_VERSION >> 8);
  const body = enc.take();
  const out = new Uint8Array(body.length + 8);
  out.set(body);
  out.set(enc.checksum(), body.length);
  return out;
}

/** rdbSavedObjectLen: the bytes rdbSaveObject writes for `v` (DEBUG OBJECT serializedlength). */
export function serializedLength(v: RedisValue, opts: RdbWriteOptions): number {
  const enc = new RdbEncoder(opts, false, 256);
  enc.object(v);
  return enc.length;
}
