/**
 * The off-heap keyspace representation (src/store/keyspace.ts) against a Map
 * model: lookups, sizes, SCAN's guarantee, RANDOMKEY, arena compaction, id
 * reuse, long keys and values around the inline limit.
 */

import * as assert from "node:assert/strict";
import { type Db, INLINE_MAX, Keyspace } from "../src/store/keyspace.ts";
import { RedisSet } from "../src/store/set.ts";
import type { RedisValue } from "../src/store/types.ts";
import { binaryToBytes, bytesToBinary } from "../src/util/bytes.ts";

function keyspace(): { ks: Keyspace; db: Db; expired: string[] } {
  const expired: string[] = [];
  const ks = new Keyspace(2, { onExpire: (_db, key) => expired.push(key), isReplica: () => false });
  return { ks, db: ks.dbs[0], expired };
}

function rng(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

const text = (v: RedisValue | undefined) =>
  v instanceof Uint8Array ? bytesToBinary(v) : v === undefined ? undefined : "(object)";

/** Every live key's bytes in the arena's chunks (what compaction must keep bounded). */
function arenaBytes(db: Db): number {
  let n = 0;
  for (const c of db.s.chunks) if (c !== null) n += c.length;
  return n;
}

Deno.test("keyspace store: random adds, overwrites and deletes agree with a Map model", () => {
  const { db } = keyspace();
  const rand = rng(7);
  const model = new Map<string, string>();
  const keyOf = (i: number) => i % 7 === 0 ? `k\u0000\u00ff${i}` : `key:${i}`;
  const valueOf = () => {
    const n = [0, 1, 5, 40, 300, INLINE_MAX, INLINE_MAX + 1, 2000][Math.floor(rand() * 8)];
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 256));
    return s;
  };
  for (let step = 0; step < 60_000; step++) {
    const key = keyOf(Math.floor(rand() * 5000));
    const r = rand();
    if (r < 0.6) {
      const v = valueOf();
      db.set(key, binaryToBytes(v));
      model.set(key, v);
    } else {
      assert.equal(db.delete(key), model.delete(key));
    }
    if (step % 5000 === 0) {
      assert.equal(db.size, model.size);
      assert.equal(db.bytes, db.recomputeBytes());
    }
  }
  assert.equal(db.size, model.size);
  for (const [k, v] of model) assert.equal(text(db.get(k)), v, k);
  const seen = new Set<string>();
  for (const e of db.entries()) seen.add(e.key);
  assert.deepEqual([...seen].sort(), [...model.keys()].sort());
  assert.equal(db.bytes, db.recomputeBytes());
  // Dead records are compacted away: the arena stays within twice the live records plus a chunk.
  let live = 0;
  for (const [k, v] of model) live += 6 + k.length + (v.length <= INLINE_MAX ? v.length : 0) + 8;
  assert.ok(arenaBytes(db) <= 2 * live + (1 << 21), `${arenaBytes(db)} for ${live} live`);
});

Deno.test("keyspace store: a value view stays intact after its key is overwritten, deleted and compacted", () => {
  const { db } = keyspace();
  db.set("a", binaryToBytes("first"));
  const view = db.get("a") as Uint8Array;
  db.set("a", binaryToBytes("second"));
  assert.equal(bytesToBinary(view), "first");
  // Churn enough to compact every chunk the old record was in.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 20_000; i++) db.set(`k${i}`, binaryToBytes("x".repeat(100)));
    for (let i = 0; i < 20_000; i++) db.delete(`k${i}`);
  }
  db.delete("a");
  assert.equal(bytesToBinary(view), "first");
  assert.equal(db.size, 0);
  assert.equal(db.bytes, 0);
});

Deno.test("keyspace store: handles survive other keys' deletion, rehashing and compaction", () => {
  const { db } = keyspace();
  const e = db.set("held", binaryToBytes("v"));
  e.lfu = 9;
  e.raw = true;
  for (let i = 0; i < 50_000; i++) db.set(`k${i}`, binaryToBytes("y".repeat(50)));
  for (let i = 0; i < 50_000; i++) db.delete(`k${i}`);
  assert.equal(e.key, "held");
  assert.equal(text(e.value), "v");
  assert.equal(e.lfu, 9);
  assert.equal(e.raw, true);
  // A freed id is not handed out again right away: a handle to a deleted key never shows another.
  const gone = db.set("gone", binaryToBytes("1"));
  db.delete("gone");
  for (let i = 0; i < 100; i++) db.set(`n${i}`, binaryToBytes("2"));
  assert.ok(![...db.entries()].some((x) => x.id === gone.id));
});

Deno.test("keyspace store: long keys, empty keys and values at the inline limit", () => {
  const { db } = keyspace();
  const long = "L".repeat(300_000);
  db.set(long, binaryToBytes("long key"));
  db.set("", binaryToBytes(""));
  db.set("at", new Uint8Array(INLINE_MAX).fill(1));
  db.set("over", new Uint8Array(INLINE_MAX + 1).fill(2));
  const s = new RedisSet("listpack");
  db.set("set", s);
  assert.equal(text(db.get(long)), "long key");
  assert.equal(text(db.get("")), "");
  assert.equal((db.get("at") as Uint8Array).length, INLINE_MAX);
  assert.equal((db.get("over") as Uint8Array).length, INLINE_MAX + 1);
  assert.equal(db.get("set"), s);
  assert.deepEqual([...db.entries()].map((e) => e.key.length).sort((a, b) => a - b), [
    0,
    2,
    3,
    4,
    300_000,
  ]);
  // Replacing an object by an inline string and back keeps the key and the count right.
  db.set("set", binaryToBytes("now a string"));
  assert.equal(text(db.get("set")), "now a string");
  db.set("set", s);
  assert.equal(db.get("set"), s);
  assert.equal(db.bytes, db.recomputeBytes());
  db.delete(long);
  assert.equal(db.get(long), undefined);
  assert.equal(db.bytes, db.recomputeBytes());
});

Deno.test("keyspace store: SCAN returns every key present for the whole scan under churn", () => {
  const { db } = keyspace();
  const rand = rng(99);
  for (let i = 0; i < 5000; i++) db.set(`stay:${i}`, binaryToBytes("s"));
  let cursor = 0;
  const seen = new Set<string>();
  let churn = 0;
  do {
    cursor = db.scan(cursor, 1 + Math.floor(rand() * 20), (e) => seen.add(e.key));
    // Between steps: keys come and go, the table grows and shrinks.
    for (let j = 0; j < 50; j++) db.set(`tmp:${churn++}`, binaryToBytes("t"));
    for (let j = 0; j < 45; j++) db.delete(`tmp:${Math.floor(rand() * churn)}`);
  } while (cursor !== 0);
  for (let i = 0; i < 5000; i++) assert.ok(seen.has(`stay:${i}`), `stay:${i}`);
});

Deno.test("keyspace store: RANDOMKEY, expiry sampling and SWAPDB", () => {
  const { ks, db, expired } = keyspace();
  assert.equal(db.randomKey(), null);
  for (let i = 0; i < 100; i++) db.set(`k${i}`, binaryToBytes("v"));
  for (let i = 0; i < 50; i++) db.delete(`k${i}`);
  for (let i = 0; i < 200; i++) {
    const k = db.randomKey()!;
    assert.ok(Number(k.slice(1)) >= 50, k);
  }
  ks.now = 1000;
  for (let i = 50; i < 60; i++) db.setExpire(db.peek(`k${i}`)!, 500);
  assert.equal(db.expiresCount, 10);
  let n = 0;
  while (db.expiresCount > 0 && n++ < 1000) db.sampleExpired(5);
  assert.equal(db.expiresCount, 0);
  assert.equal(expired.length, 10);
  assert.equal(db.size, 40);
  const other = ks.dbs[1];
  const e = db.peek("k70")!;
  db.swapWith(other);
  assert.equal(db.size, 0);
  assert.equal(other.size, 40);
  assert.equal(e.key, "k70");
  assert.equal(text(other.get("k70")), "v");
  assert.equal(other.flush(), 40);
  assert.equal(other.size, 0);
  assert.equal(other.bytes, 0);
});

Deno.test("keyspace store: records of every size up to a chunk of their own, under churn", () => {
  const { db } = keyspace();
  const rand = rng(3);
  const model = new Map<string, number>();
  for (let step = 0; step < 3000; step++) {
    const i = Math.floor(rand() * 300);
    // Key lengths from a few bytes to past the 128 KB of a record that gets its own chunk.
    const len = [3, 200, 3000, 40_000, 100_000, 140_000][i % 6];
    const key = String(i).padEnd(len, "k");
    if (rand() < 0.6) {
      const v = Math.floor(rand() * 1000);
      db.set(key, binaryToBytes(String(v)));
      model.set(key, v);
    } else {
      assert.equal(db.delete(key), model.delete(key));
    }
  }
  for (const [k, v] of model) assert.equal(text(db.get(k)), String(v));
  assert.equal(db.size, model.size);
  assert.equal(db.bytes, db.recomputeBytes());
});

Deno.test("keyspace store: a record that gets a new chunk of its size while the old chunk is compacted into it", () => {
  const { db } = keyspace();
  // The first chunk is small; most of it dies, then a 100 KB key starts a chunk of exactly its size
  // and the old chunk's survivors are compacted: the record must still get all its room.
  for (let i = 0; i < 100; i++) db.set(`s${i}`, binaryToBytes("v"));
  for (let i = 0; i < 90; i++) db.delete(`s${i}`);
  const big = "b".repeat(100_000);
  db.set(big, binaryToBytes("big"));
  assert.equal(text(db.get(big)), "big");
  for (let i = 90; i < 100; i++) assert.equal(text(db.get(`s${i}`)), "v");
  assert.equal(db.bytes, db.recomputeBytes());
});
