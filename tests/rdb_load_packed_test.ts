/**
 * Small hashes, sets and list nodes built straight from a file's listpack /
 * ziplist / string bytes (src/persistence/packed_load.ts) come out exactly as
 * the element-by-element path builds them: same elements in the same order,
 * integers as their decimal text, same encoding, node sizes and memory
 * estimate; duplicates are refused as before.
 */

import assert from "node:assert/strict";
import { ListpackBuilder } from "../src/persistence/listpack_writer.ts";
import {
  type LoadLimits,
  loadObject,
  RdbFormatError,
  RdbInput,
} from "../src/persistence/rdb_reader.ts";
import {
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_LISTPACK,
} from "../src/persistence/rdb_types.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisList } from "../src/store/list.ts";
import { RedisSet } from "../src/store/set.ts";
import { binaryToBytes, bytesToBinary } from "../src/util/bytes.ts";

const LIMITS: LoadLimits = {
  listMaxListpackSize: -2,
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
  streamNodeMaxBytes: 4096,
  streamNodeMaxEntries: 100,
};

/** An RDB string (length-prefixed, never encoded) of `b`. */
function rdbString(b: Uint8Array): Uint8Array {
  const n = b.length;
  const head = n < 64
    ? [n]
    : n < 16384
    ? [0x40 | (n >> 8), n & 0xff]
    : [0x80, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
  const out = new Uint8Array(head.length + n);
  out.set(head);
  out.set(b, head.length);
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let p = 0;
  for (const b of parts) {
    out.set(b, p);
    p += b.length;
  }
  return out;
}

function load(type: number, body: Uint8Array, limits = LIMITS) {
  return loadObject(new RdbInput(body), type, limits, 0);
}

// Elements covering every listpack integer width, both signs, beyond 2^53,
// and strings whose packed length takes one, two and three bytes.
const ELEMENTS: (string | number | bigint)[] = [
  "",
  "a",
  0,
  127,
  -1,
  4095,
  -4096,
  32767,
  -32768,
  8388607,
  -8388608,
  2147483647,
  -2147483648,
  9007199254740993n,
  -9223372036854775808n,
  9223372036854775807n,
  "x".repeat(63),
  "y".repeat(64),
  "z".repeat(127),
  "w".repeat(128),
  "v".repeat(5000),
  "u".repeat(20000),
  "\u00ff\u0000\u0080",
];

function text(e: string | number | bigint): string {
  return typeof e === "string" ? e : String(e);
}

function listpackOf(elements: (string | number | bigint)[]): Uint8Array {
  const lp = new ListpackBuilder();
  for (const e of elements) {
    if (typeof e === "string") lp.str(binaryToBytes(e));
    else lp.int(e);
  }
  return lp.finish().slice();
}

function hashEntries(h: RedisHash): [string, string][] {
  const out: [string, string][] = [];
  h.forEach((f, v) => out.push([f, bytesToBinary(v)]));
  return out;
}

Deno.test("rdb load: a listpack hash built from its bytes equals the field-by-field build", () => {
  // Fields are distinct texts; values cover every element kind.
  const pairs: (string | number | bigint)[] = [];
  ELEMENTS.forEach((e, i) => pairs.push(i % 2 === 0 ? `f${i}` : i, e));
  const limits = { ...LIMITS, hashMaxListpackValue: 100000 };
  const h = load(RDB_TYPE_HASH_LISTPACK, rdbString(listpackOf(pairs)), limits) as RedisHash;
  const want = new RedisHash();
  for (let i = 0; i < pairs.length; i += 2) {
    want.set(text(pairs[i]), binaryToBytes(text(pairs[i + 1])));
  }
  assert.deepEqual(hashEntries(h), hashEntries(want));
  assert.equal(h.encoding(), "listpack");
  assert.equal(h.memoryUsage, want.memoryUsage);
  assert.equal(h.memoryUsage, h.recomputeMemoryUsage());
  // The run stays a working listpack hash.
  assert.deepEqual(h.get("f0"), new Uint8Array(0));
  assert(h.set("new", binaryToBytes("v")));
  assert.equal(h.size, pairs.length / 2 + 1);

  // Over hash-max-listpack-entries: a hashtable, as before.
  const many: string[] = [];
  for (let i = 0; i < 200; i++) many.push(`k${i}`, `${i}`);
  const big = load(RDB_TYPE_HASH_LISTPACK, rdbString(listpackOf(many))) as RedisHash;
  assert.equal(big.encoding(), "hashtable");
  assert.equal(big.size, 200);
  assert.deepEqual(big.get("k199"), binaryToBytes("199"));
  // Past the built path's bound (hash-max-listpack-entries raised): the field-by-field path.
  const more: string[] = [];
  for (let i = 0; i < 600; i++) more.push(`k${i}`, `${i}`);
  const lp = load(RDB_TYPE_HASH_LISTPACK, rdbString(listpackOf(more)), {
    ...LIMITS,
    hashMaxListpackEntries: 1000,
  }) as RedisHash;
  assert.equal(lp.encoding(), "listpack");
  assert.equal(lp.size, 600);
  assert.deepEqual(lp.get("k599"), binaryToBytes("599"));
});

Deno.test("rdb load: duplicate or unpaired hash fields are refused", () => {
  const cases: [(string | number)[], string][] = [
    [["a", "1", "b", "2", "a", "3"], "duplicate field"],
    [[7, "1", 7, "2"], "duplicate field"],
    [["a", "1", "b"], "odd number of entries"],
  ];
  for (const [elements, why] of cases) {
    assert.throws(
      () => load(RDB_TYPE_HASH_LISTPACK, rdbString(listpackOf(elements))),
      (e: unknown) =>
        e instanceof RdbFormatError && e.kind === "corrupt" &&
        e.message === `Hash listpack integrity check failed: ${why}` && e.offset === 0,
    );
  }
  // A value equal to a field is no duplicate.
  const h = load(RDB_TYPE_HASH_LISTPACK, rdbString(listpackOf(["a", "b", "b", "a"]))) as RedisHash;
  assert.equal(h.size, 2);
});

Deno.test("rdb load: a list node built from its bytes equals the element-by-element build", () => {
  for (const size of [-2, 5, 100]) {
    const limits = { ...LIMITS, listMaxListpackSize: size };
    const l = load(
      RDB_TYPE_LIST_QUICKLIST_2,
      concat([new Uint8Array([1, 2]), rdbString(listpackOf(ELEMENTS))]),
      limits,
    ) as RedisList;
    const items = ELEMENTS.map((e) => binaryToBytes(text(e)));
    const want = RedisList.fromNodes([{ items, plain: false }], size);
    want.afterBuild(size);
    assert.deepEqual(l.toArray(), items);
    assert.equal(l.encoding(), want.encoding());
    assert.deepEqual(l.debugNodes(), want.debugNodes());
    assert.equal(l.memoryUsage, want.memoryUsage);
    assert.equal(l.bytes, want.bytes);
    l.pushHead(binaryToBytes("h"));
    assert.equal(bytesToBinary(l.first()!), "h");
  }
  // Two small nodes, a plain one and an empty one: the empty one is skipped.
  const empty = new ListpackBuilder().finish().slice();
  const body = concat([
    new Uint8Array([4]),
    new Uint8Array([2]),
    rdbString(listpackOf(["a", 1])),
    new Uint8Array([2]),
    rdbString(empty),
    new Uint8Array([1]),
    rdbString(binaryToBytes("plain")),
    new Uint8Array([2]),
    rdbString(listpackOf([-5])),
  ]);
  const l = load(RDB_TYPE_LIST_QUICKLIST_2, body) as RedisList;
  assert.deepEqual(l.toArray().map(bytesToBinary), ["a", "1", "plain", "-5"]);
  assert.equal(l.encoding(), "quicklist");
  assert.deepEqual(l.debugNodes().map((n) => [n.count, n.plain]), [[2, false], [1, true], [
    1,
    false,
  ]]);
});

Deno.test("rdb load: sets from listpacks and from plain members, as the member-by-member build", () => {
  const members = ELEMENTS.filter((e) => typeof e !== "string" || e.length <= 64);
  const s = load(RDB_TYPE_SET_LISTPACK, rdbString(listpackOf(members))) as RedisSet;
  assert.equal(s.encoding(), "listpack");
  assert.deepEqual(s.toArray(), members.map(text));
  const want = new RedisSet("listpack");
  for (const m of members) want.add(text(m));
  assert.equal(s.memoryUsage, want.memoryUsage);
  assert(s.has("-9223372036854775808"));
  assert.throws(
    () => load(RDB_TYPE_SET_LISTPACK, rdbString(listpackOf(["a", 5, "5"]))),
    (e: unknown) =>
      e instanceof RdbFormatError &&
      e.message === "Set listpack integrity check failed: duplicate member",
  );

  const plain = (ms: string[]) =>
    load(
      RDB_TYPE_SET,
      concat([new Uint8Array([ms.length]), ...ms.map((m) => rdbString(binaryToBytes(m)))]),
    ) as RedisSet;
  // The first member not an integer: listpack in file order.
  let p = plain(["m1", "7", "-3", "o"]);
  assert.equal(p.encoding(), "listpack");
  assert.deepEqual(p.toArray(), ["m1", "7", "-3", "o"]);
  // Integers first: an intset until the first other member, so they come sorted.
  p = plain(["7", "-3", "m1", "o"]);
  assert.equal(p.encoding(), "listpack");
  assert.deepEqual(p.toArray(), ["-3", "7", "m1", "o"]);
  p = plain(["7", "-3"]);
  assert.equal(p.encoding(), "intset");
  // A member over set-max-listpack-value: a hashtable.
  p = plain(["m1", "x".repeat(65)]);
  assert.equal(p.encoding(), "hashtable");
  assert.equal(p.size, 2);
  for (const dup of [["a", "b", "a"], ["b", "x".repeat(65), "b"]]) {
    assert.throws(
      () => plain(dup),
      (e: unknown) => e instanceof RdbFormatError && e.message === "Duplicate set members detected",
    );
  }
});
