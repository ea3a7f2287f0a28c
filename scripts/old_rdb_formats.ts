/**
 * Spec-exact RDB files in the formats Redis 2.x-6.x wrote (RDB versions 1,
 * 6, 8 and 9), which no installed server writes any more: linked lists,
 * plain hashes and sets, text-score zsets, zipmaps, ziplists, intsets,
 * quicklists of ziplists, binary-score zsets and first-version streams.
 * Written byte by byte from the format descriptions (rdb.h, ziplist.c,
 * zipmap.c, intset.c, listpack.c, t_stream.c); scripts/gen_fixtures.ts
 * checks each by loading it into valkey-server and recording what it holds.
 *
 * @module
 */

import { Crc64 } from "../src/persistence/crc64.ts";
import { lzfCompress } from "../src/persistence/lzf.ts";

type Item = string | number | bigint | Uint8Array;

const te = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function itemBytes(v: Item): Uint8Array {
  return v instanceof Uint8Array ? v : te(String(v));
}

/** Little-endian bytes of a signed integer. */
function le(v: bigint, n: number): number[] {
  const out: number[] = [];
  let x = BigInt.asUintN(n * 8, v);
  for (let i = 0; i < n; i++) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
  }
  return out;
}

function u32le(n: number): number[] {
  return le(BigInt(n), 4);
}

/** RDB byte builder. */
export class RdbBuilder {
  private out: number[] = [];

  bytes(b: ArrayLike<number>): this {
    for (let i = 0; i < b.length; i++) this.out.push(b[i]);
    return this;
  }

  byte(b: number): this {
    this.out.push(b);
    return this;
  }

  len(n: number | bigint): this {
    const v = BigInt(n);
    if (v < 64n) return this.byte(Number(v));
    if (v < 16384n) return this.bytes([0x40 | Number(v >> 8n), Number(v & 0xffn)]);
    if (v <= 0xffffffffn) return this.byte(0x80).bytes(le(v, 4).reverse());
    return this.byte(0x81).bytes(le(v, 8).reverse());
  }

  /** A raw (length-prefixed) string. */
  str(v: Item): this {
    const b = itemBytes(v);
    return this.len(b.length).bytes(b);
  }

  /** A string in an integer encoding (RDB_ENC_INT8/16/32). */
  intStr(v: number): this {
    if (v >= -128 && v <= 127) return this.byte(0xc0).bytes(le(BigInt(v), 1));
    if (v >= -32768 && v <= 32767) return this.byte(0xc1).bytes(le(BigInt(v), 2));
    return this.byte(0xc2).bytes(le(BigInt(v), 4));
  }

  /** An LZF-compressed string (RDB_ENC_LZF). */
  lzfStr(v: string): this {
    const raw = te(v);
    const c = lzfCompress(raw, raw.length)!;
    return this.byte(0xc3).len(c.length).len(raw.length).bytes(c);
  }

  header(version: number): this {
    return this.bytes(te("REDIS" + String(version).padStart(4, "0")));
  }

  aux(k: string, v: string): this {
    return this.byte(250).str(k).str(v);
  }

  select(db: number): this {
    return this.byte(254).len(db);
  }

  resize(keys: number, expires: number): this {
    return this.byte(251).len(keys).len(expires);
  }

  expireSec(t: number): this {
    return this.byte(253).bytes(u32le(t));
  }

  expireMs(t: number): this {
    return this.byte(252).bytes(le(BigInt(t), 8));
  }

  /** Text score (rdbSaveDoubleValue). */
  textDouble(d: number): this {
    if (Number.isNaN(d)) return this.byte(253);
    if (d === Infinity) return this.byte(254);
    if (d === -Infinity) return this.byte(255);
    const s = String(d);
    return this.byte(s.length).bytes(te(s));
  }

  binaryDouble(d: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, d, true);
    return this.bytes(b);
  }

  /** EOF, plus the CRC64 trailer from version 5 on. */
  finish(version: number): Uint8Array {
    this.byte(255);
    const body = Uint8Array.from(this.out);
    if (version < 5) return body;
    const crc = new Crc64().update(body).digest();
    const all = new Uint8Array(body.length + 8);
    all.set(body);
    all.set(crc, body.length);
    return all;
  }
}

// ---------------------------------------------------------------------------
// Compact encodings.

/** A ziplist of strings and integers (numbers and bigints use integer encodings). */
export function ziplist(items: Item[]): Uint8Array {
  const body: number[] = [];
  let prev = 0;
  let tail = 10;
  for (const it of items) {
    const e: number[] = [];
    if (prev < 254) e.push(prev);
    else e.push(0xfe, ...u32le(prev));
    if (typeof it === "number" || typeof it === "bigint") {
      const v = BigInt(it);
      if (v >= 0n && v <= 12n) e.push(0xf1 + Number(v));
      else if (v >= -128n && v <= 127n) e.push(0xfe, ...le(v, 1));
      else if (v >= -32768n && v <= 32767n) e.push(0xc0, ...le(v, 2));
      else if (v >= -8388608n && v <= 8388607n) e.push(0xf0, ...le(v, 3));
      else if (v >= -2147483648n && v <= 2147483647n) e.push(0xd0, ...le(v, 4));
      else e.push(0xe0, ...le(v, 8));
    } else {
      const b = itemBytes(it);
      const l = b.length;
      if (l <= 63) e.push(l);
      else if (l <= 16383) e.push(0x40 | (l >> 8), l & 0xff);
      else e.push(0x80, (l >>> 24) & 0xff, (l >> 16) & 0xff, (l >> 8) & 0xff, l & 0xff);
      for (const x of b) e.push(x);
    }
    tail = 10 + body.length;
    body.push(...e);
    prev = e.length;
  }
  const total = 10 + body.length + 1;
  return Uint8Array.from([
    ...u32le(total),
    ...u32le(items.length ? tail : 10),
    ...le(BigInt(Math.min(items.length, 65535)), 2),
    ...body,
    0xff,
  ]);
}

/** A zipmap of field/value pairs (each value with `free` spare bytes). */
export function zipmap(pairs: [Item, Item][], free = 0): Uint8Array {
  const out: number[] = [pairs.length < 254 ? pairs.length : 254];
  const lenBytes = (l: number) => l < 254 ? [l] : [254, ...u32le(l)];
  for (const [f, v] of pairs) {
    const fb = itemBytes(f), vb = itemBytes(v);
    out.push(...lenBytes(fb.length), ...fb, ...lenBytes(vb.length), free, ...vb);
    for (let i = 0; i < free; i++) out.push(0);
  }
  out.push(0xff);
  return Uint8Array.from(out);
}

/** An intset with `width` bytes per value. */
export function intset(values: bigint[], width: 2 | 4 | 8): Uint8Array {
  const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out = [...u32le(width), ...u32le(sorted.length)];
  for (const v of sorted) out.push(...le(v, width));
  return Uint8Array.from(out);
}

function backlen(l: number): number[] {
  if (l <= 127) return [l];
  if (l < 16383) return [l >> 7, (l & 127) | 128];
  if (l < 2097151) return [l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128];
  return [l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128];
}

/** A listpack of strings and integers (numbers and bigints use integer encodings). */
export function listpack(items: Item[]): Uint8Array {
  const body: number[] = [];
  for (const it of items) {
    let e: number[];
    if (typeof it === "number" || typeof it === "bigint") {
      const v = BigInt(it);
      if (v >= 0n && v <= 127n) e = [Number(v)];
      else if (v >= -4096n && v <= 4095n) {
        const u = Number(BigInt.asUintN(13, v));
        e = [0xc0 | (u >> 8), u & 0xff];
      } else if (v >= -32768n && v <= 32767n) e = [0xf1, ...le(v, 2)];
      else if (v >= -8388608n && v <= 8388607n) e = [0xf2, ...le(v, 3)];
      else if (v >= -2147483648n && v <= 2147483647n) e = [0xf3, ...le(v, 4)];
      else e = [0xf4, ...le(v, 8)];
    } else {
      const b = itemBytes(it);
      const l = b.length;
      if (l < 64) e = [0x80 | l];
      else if (l < 4096) e = [0xe0 | (l >> 8), l & 0xff];
      else e = [0xf0, ...u32le(l)];
      for (const x of b) e.push(x);
    }
    body.push(...e, ...backlen(e.length));
  }
  const total = 6 + body.length + 1;
  return Uint8Array.from([
    ...u32le(total),
    ...le(BigInt(items.length < 65535 ? items.length : 65535), 2),
    ...body,
    0xff,
  ]);
}

/** A 16-byte big-endian stream ID. */
function rawStreamId(ms: bigint, seq: bigint): Uint8Array {
  return Uint8Array.from([...le(ms, 8).reverse(), ...le(seq, 8).reverse()]);
}

interface V1Entry {
  ms: bigint;
  seq: bigint;
  fields: [string, string][];
  deleted?: boolean;
}

/** One stream node listpack (t_stream.c layout) with its master ID. */
function streamNode(entries: V1Entry[]): [Uint8Array, Uint8Array] {
  const master = entries[0];
  const mf = master.fields.map(([f]) => f);
  const live = entries.filter((e) => !e.deleted).length;
  const items: Item[] = [live, entries.length - live, mf.length, ...mf, 0];
  for (const e of entries) {
    const same = e.fields.length === mf.length && e.fields.every(([f], i) => f === mf[i]);
    let flags = same ? 2 : 0;
    if (e.deleted) flags |= 1;
    items.push(flags, e.ms - master.ms, e.seq - master.seq);
    if (same) { for (const [, v] of e.fields) items.push(v); }
    else {
      items.push(e.fields.length);
      for (const [f, v] of e.fields) items.push(f, v);
    }
    items.push(same ? e.fields.length + 3 : e.fields.length * 2 + 4);
  }
  return [rawStreamId(master.ms, master.seq), listpack(items)];
}

const FAR_SEC = 2145916800; // 2038-01-01, the last year a 32-bit EXPIRETIME reaches

// ---------------------------------------------------------------------------
// The files.

function v1(): Uint8Array {
  const b = new RdbBuilder().header(1);
  b.byte(0).str("v1:str").str("plain string");
  b.byte(0).str("v1:int").intStr(-200);
  b.byte(0).str("v1:int32").intStr(123456789);
  b.expireSec(FAR_SEC).byte(0).str("v1:ttl").str("expires 2100");
  b.byte(1).str("v1:list").len(4).str("a").str("bb").intStr(3).str("dd");
  b.byte(2).str("v1:set").len(3).str("x").str("y").str("z");
  b.byte(2).str("v1:set-ints").len(3).intStr(10).intStr(-5).str("7");
  b.byte(3).str("v1:zset").len(4);
  b.str("a").textDouble(1.5).str("b").textDouble(-2).str("top").textDouble(Infinity);
  b.str("bottom").textDouble(-Infinity);
  b.byte(4).str("v1:hash").len(2).str("f1").str("v1").str("f2").intStr(42);
  return b.finish(1);
}

function v6(): Uint8Array {
  const b = new RdbBuilder().header(6);
  b.byte(0).str("v6:lzf").lzfStr("compress me ".repeat(50));
  b.byte(9).str("v6:zipmap").str(zipmap([["name", "redis"], ["ver", "2.4"], ["n", "123"]], 2));
  b.byte(10).str("v6:ziplist-list").str(
    ziplist(["a", 5, -100, 30000, 8000000, 2000000000, 9000000000000n, "x".repeat(70)]),
  );
  b.byte(11).str("v6:intset16").str(intset([3n, -2n, 1000n], 2));
  b.byte(11).str("v6:intset32").str(intset([70000n, -1n], 4));
  b.byte(11).str("v6:intset64").str(intset([5000000000n, 1n, -9223372036854775808n], 8));
  b.byte(12).str("v6:ziplist-zset").str(ziplist(["a", 1, "b", "2.5", "c", 300]));
  b.byte(13).str("v6:ziplist-hash").str(ziplist(["f1", "v1", "f2", 22, "n", -7]));
  b.expireMs(FAR_SEC * 1000 + 123).byte(0).str("v6:ttl-ms").str("ms precision");
  b.select(2);
  b.byte(0).str("v6:db2").str("in db 2");
  return b.finish(6);
}

function v8(): Uint8Array {
  const b = new RdbBuilder().header(8);
  b.aux("redis-ver", "4.0.14").aux("redis-bits", "64").aux("ctime", "1600000000");
  b.aux("used-mem", "1048576");
  b.select(0).resize(4, 0);
  // A quicklist of ziplists, with an empty node Redis skips.
  const big: Item[] = [];
  for (let i = 0; i < 300; i++) big.push(`item-${i}`);
  b.byte(14).str("v8:quicklist").len(3).str(ziplist(big.slice(0, 150))).str(ziplist([]));
  b.str(ziplist(big.slice(150)));
  b.byte(14).str("v8:quicklist-small").len(1).str(ziplist(["p", 1, "q"]));
  b.byte(5).str("v8:zset2").len(3).str("a").binaryDouble(0.1).str("b").binaryDouble(-1e300);
  b.str("c").binaryDouble(Infinity);
  const bigZ: Item[] = [];
  for (let i = 0; i < 200; i++) bigZ.push(`m${String(i).padStart(3, "0")}`, i);
  b.byte(12).str("v8:ziplist-zset-big").str(ziplist(bigZ));
  return b.finish(8);
}

function v9(): Uint8Array {
  const b = new RdbBuilder().header(9);
  b.aux("redis-ver", "6.0.20").aux("aof-preamble", "0");
  b.select(0);
  b.byte(248).len(100).byte(0).str("v9:idle").str("idle for 100 s");
  b.byte(249).byte(77).byte(0).str("v9:freq").str("lfu counter 77");
  const hf: Item[] = [];
  for (let i = 0; i < 600; i++) hf.push(`f${i}`, `v${i}`);
  b.byte(13).str("v9:ziplist-hash-big").str(ziplist(hf));
  // A first-version stream: two nodes, a deleted entry, a group with a PEL.
  const n1: V1Entry[] = [
    { ms: 1000n, seq: 0n, fields: [["a", "1"], ["b", "2"]] },
    { ms: 1000n, seq: 1n, fields: [["a", "3"], ["b", "4"]] },
    { ms: 1001n, seq: 0n, fields: [["c", "5"]], deleted: true },
    { ms: 1002n, seq: 0n, fields: [["x", "y"]] },
  ];
  const n2: V1Entry[] = [
    { ms: 2000n, seq: 5n, fields: [["a", "6"], ["b", "7"]] },
    { ms: 2001n, seq: 0n, fields: [["a", "8"], ["b", "9"]] },
  ];
  b.byte(15).str("v9:stream").len(2);
  for (const n of [n1, n2]) {
    const [k, lp] = streamNode(n);
    b.str(k).str(lp);
  }
  b.len(5).len(2001).len(0); // length, last ID
  b.len(1).str("grp").len(1002).len(0); // one group, last delivered 1002-0
  b.len(2);
  b.bytes(rawStreamId(1000n, 1n)).bytes(le(1600000000000n, 8)).len(3);
  b.bytes(rawStreamId(1002n, 0n)).bytes(le(1600000001000n, 8)).len(1);
  b.len(2);
  b.str("c1").bytes(le(1600000002000n, 8)).len(1).bytes(rawStreamId(1000n, 1n));
  b.str("c2").bytes(le(1600000003000n, 8)).len(1).bytes(rawStreamId(1002n, 0n));
  return b.finish(9);
}

/** The old-format fixture files: [file name, bytes]. */
export function oldFormatFixtures(): [string, Uint8Array][] {
  return [
    ["rdb-v1.rdb", v1()],
    ["rdb-v6.rdb", v6()],
    ["rdb-v8.rdb", v8()],
    ["rdb-v9.rdb", v9()],
  ];
}
