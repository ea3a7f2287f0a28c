// The hashtable encoding of sets and hashes (src/store/byte_table.ts): the
// ByteTable against a Map model (holes, compaction, shrinking, long records),
// binary members/fields/values in that encoding against valkey-server, DUMP /
// RESTORE round trips both ways, COPY, HSCAN under concurrent deletes,
// SPOP/SRANDMEMBER/HRANDFIELD sanity, and MEMORY USAGE after deletions.

import assert from "node:assert/strict";
import { bulks, bytesToBinary, range, rng, withClient } from "./helpers.ts";
import { HAS_REFERENCE, withOursAndReference } from "./reference.ts";
import { binaryScratch, ByteTable } from "../src/store/byte_table.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisSet } from "../src/store/set.ts";

/** A random binary string of 0-`max` bytes (sometimes longer than 255, the short header's limit). */
function randomBinary(rand: () => number, max: number): string {
  const n = rand() < 0.02 ? 255 + Math.floor(rand() * 400) : Math.floor(rand() * max);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rand() * 256));
  return s;
}

Deno.test("byte table: matches a Map model through adds, removals, rewrites and compactions", () => {
  const rand = rng(7);
  for (const pairs of [false, true]) {
    const t = new ByteTable(pairs);
    const model = new Map<string, string>();
    // Keys from a small pool (so removals and rewrites hit), values of changing lengths.
    const pool = Array.from({ length: 3000 }, () => randomBinary(rand, 24));
    pool.push("", "\0", "\r\n", "\xff\xfe");
    for (let step = 0; step < 60_000; step++) {
      const k = pool[Math.floor(rand() * pool.length)];
      const kb = binaryScratch(k);
      // Grow for the first half, then shrink to a few hundred (compaction and index shrinking run).
      const op = rand() * (step < 30_000 || model.size < 200 ? 1 : 0.6);
      if (op < 0.45) {
        const s = t.find(kb, 0, k.length);
        assert.equal(s >= 0, model.has(k));
        if (s >= 0) {
          assert.equal(t.keyString(s), k);
          if (pairs) assert.equal(t.valueString(s), model.get(k));
        }
      } else if (op < 0.5) {
        // A random slot, as SPOP removes one (no lookup before).
        if (t.size > 0) {
          const s = Math.floor(rand() * t.size);
          assert.ok(model.delete(t.keyString(s)));
          t.removeSlot(s);
        }
      } else if (op < 0.6) {
        assert.equal(t.remove(kb, 0, k.length), model.delete(k));
      } else {
        const v = pairs ? randomBinary(rand, 12) : "";
        const vb = binaryScratch(v, 1);
        const added = pairs ? t.put(kb, 0, k.length, vb, 0, v.length) : t.add(kb, 0, k.length);
        assert.equal(added, !model.has(k));
        model.set(k, v);
      }
      assert.equal(t.size, model.size);
      if (step % 5000 === 0) t.checkInvariants();
    }
    t.checkInvariants();
    // Every slot holds one model entry, each once.
    const seen = new Set<string>();
    for (let s = 0; s < t.size; s++) {
      const k = t.keyString(s);
      assert.ok(model.has(k) && !seen.has(k));
      seen.add(k);
    }
    assert.equal(seen.size, model.size);
    // A clone is equal and independent.
    const c = t.clone();
    c.checkInvariants();
    const k0 = t.keyString(0);
    assert.ok(t.remove(binaryScratch(k0), 0, k0.length));
    assert.ok(c.find(binaryScratch(k0), 0, k0.length) >= 0);
    assert.equal(c.size, t.size + 1);
  }
});

Deno.test("byte table: removing most entries gives the memory back", () => {
  const s = new RedisSet("hashtable");
  const members = range("member:", 0, 99_999);
  for (const m of members) s.add(m);
  const full = s.memoryUsage;
  assert.equal(full, s.recomputeMemoryUsage());
  for (let i = 0; i < 99_000; i++) s.remove(members[i]);
  assert.equal(s.memoryUsage, s.recomputeMemoryUsage());
  assert.ok(s.memoryUsage * 10 < full, `${s.memoryUsage} of ${full}`);
  for (let i = 99_000; i < 100_000; i++) assert.ok(s.has(members[i]));
  // Same-length and changed-length rewrites of hash values keep the estimate exact.
  const h = new RedisHash("hashtable");
  for (let i = 0; i < 5000; i++) h.set(`f${i}`, new TextEncoder().encode(`v${i}`));
  for (let i = 0; i < 5000; i++) h.set(`f${i}`, new TextEncoder().encode(`value:${i * 7}`));
  for (let i = 0; i < 5000; i++) h.set(`f${i}`, new TextEncoder().encode(`w${i}`));
  assert.equal(h.memoryUsage, h.recomputeMemoryUsage());
  assert.equal(bytesToBinary(h.get("f4321")!), "w4321");
  assert.equal(h.getRaw("f17"), "w17");
});

// Binary members, fields and values that differ from their neighbours only in
// the bytes a string conversion could mangle.
const NASTY = [
  Uint8Array.of(),
  Uint8Array.of(0),
  Uint8Array.of(0, 0),
  Uint8Array.of(13, 10),
  Uint8Array.of(0xff, 0xfe, 0x80),
  Uint8Array.of(0xc3, 0x28),
  Uint8Array.of(0xed, 0xa0, 0x80),
  new Uint8Array(300).fill(0xe9),
  new Uint8Array(300).fill(0xe9).fill(0, 299),
];

/** Raw bulk replies in a sorted order, for replies whose order is unspecified. */
const sortedBulks = (raw: string) => bulks(raw).sort();

Deno.test({
  name: "byte table: binary members, fields and values in the hashtable encoding match valkey",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref) => {
      const both = async (...args: (string | Uint8Array)[]) => {
        const [a, b] = [await ours.call(...args), await ref.call(...args)];
        assert.equal(a, b, args.map((x) => typeof x === "string" ? x : `<${x}>`).join(" "));
        return a;
      };
      const filler = range("filler:", 0, 199);
      await both("sadd", "s", ...filler, ...NASTY);
      await both("hset", "h", ...filler.flatMap((f) => [f, f]), ...NASTY.flatMap((b) => [b, b]));
      assert.equal(await both("object", "encoding", "s"), "$9\r\nhashtable\r\n");
      assert.equal(await both("object", "encoding", "h"), "$9\r\nhashtable\r\n");
      for (const b of NASTY) {
        await both("sadd", "s", b);
        await both("sismember", "s", b);
        await both("smismember", "s", b, Uint8Array.of(...b, 0), "filler:1");
        await both("hget", "h", b);
        await both("hmget", "h", b, Uint8Array.of(...b, 0));
        await both("hexists", "h", b);
        await both("hstrlen", "h", b);
        await both("hsetnx", "h", b, "x");
        await both("hset", "h", Uint8Array.of(...b, 1), b);
      }
      await both("hset", "h", Uint8Array.of(0), "41");
      await both("hincrby", "h", Uint8Array.of(0), "-100000");
      await both("hincrby", "h", Uint8Array.of(0), "99999");
      await both("hincrby", "h", Uint8Array.of(13, 10), "1");
      await both("hincrbyfloat", "h", Uint8Array.of(0, 0, 7), "1.5");
      assert.deepEqual(
        sortedBulks(await ours.call("smembers", "s")),
        sortedBulks(await ref.call("smembers", "s")),
      );
      assert.deepEqual(
        sortedBulks(await ours.call("hgetall", "h")),
        sortedBulks(await ref.call("hgetall", "h")),
      );
      for (const b of NASTY) {
        await both("srem", "s", b, Uint8Array.of(...b, 0));
        await both("hdel", "h", b, Uint8Array.of(...b, 1));
        await both("sismember", "s", b);
        await both("hget", "h", b);
      }
      await both("scard", "s");
      await both("hlen", "h");
    });
  },
});

Deno.test({
  name: "byte table: DUMP/RESTORE of hashtable sets and hashes round-trips with valkey both ways",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref) => {
      const members = [...range("m", 0, 999).map((m) => new TextEncoder().encode(m)), ...NASTY];
      for (const c of [ours, ref]) {
        await c.call("sadd", "s", ...members);
        await c.call("hset", "h", ...members.flatMap((m) => [m, Uint8Array.of(...m, 0x80)]));
      }
      for (const key of ["s", "h"]) {
        const read = key === "s" ? "smembers" : "hgetall";
        const want = sortedBulks(await ref.call(read, key));
        for (const [from, to] of [[ours, ref], [ref, ours]]) {
          const payload = bulks(await from.call("dump", key))[0];
          const bytes = Uint8Array.from(payload, (ch) => ch.charCodeAt(0));
          assert.equal(await to.call("restore", `${key}2`, "0", bytes, "replace"), "+OK\r\n");
          assert.deepEqual(sortedBulks(await to.call(read, `${key}2`)), want, key);
          assert.equal(await to.call("object", "encoding", `${key}2`), "$9\r\nhashtable\r\n");
        }
      }
    });
  },
});

Deno.test("byte table: COPY makes an independent hashtable set and hash", async () => {
  await withClient({}, async (c) => {
    await c.call("sadd", "s", ...range("m", 0, 499), Uint8Array.of(0, 255));
    await c.call("hset", "h", ...range("f", 0, 499).flatMap((f) => [f, `v:${f}`]));
    assert.equal(await c.call("copy", "s", "s2"), ":1\r\n");
    assert.equal(await c.call("copy", "h", "h2"), ":1\r\n");
    await c.call("srem", "s", "m1", Uint8Array.of(0, 255));
    await c.call("sadd", "s", "new");
    await c.call("hset", "h", "f1", "changed", "f2", "x");
    await c.call("hdel", "h", "f3");
    assert.equal(await c.call("scard", "s2"), ":501\r\n");
    assert.equal(await c.call("sismember", "s2", Uint8Array.of(0, 255)), ":1\r\n");
    assert.equal(await c.call("sismember", "s2", "new"), ":0\r\n");
    assert.equal(await c.call("hget", "h2", "f1"), "$4\r\nv:f1\r\n");
    assert.equal(await c.call("hget", "h2", "f3"), "$4\r\nv:f3\r\n");
    assert.equal(await c.call("hlen", "h2"), ":500\r\n");
    assert.equal(await c.call("object", "encoding", "s2"), "$9\r\nhashtable\r\n");
  });
});

Deno.test("byte table: HSCAN returns every field present for the whole scan while the hash shrinks", async () => {
  await withClient({}, async (c) => {
    const rand = rng(11);
    const stable = range("s", 0, 999);
    const volatile = range("t", 0, 1999);
    await c.call("hset", "h", ...[...stable, ...volatile].flatMap((f) => [f, f]));
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    do {
      const parts = bulks(await c.call("hscan", "h", cursor, "count", "17"));
      cursor = parts[0];
      for (let i = 1; i < parts.length; i += 2) {
        assert.equal(parts[i], parts[i + 1]);
        seen.add(parts[i]);
      }
      const del: string[] = [];
      for (let k = 0; k < 60 && volatile.length > 0; k++) {
        del.push(volatile.splice(Math.floor(rand() * volatile.length), 1)[0]);
      }
      if (del.length > 0) await c.call("hdel", "h", ...del);
      assert.ok(++calls < 5000, "scan must terminate");
    } while (cursor !== "0");
    for (const f of stable) assert.ok(seen.has(f), `${f} missed`);
  });
});

Deno.test("byte table: SRANDMEMBER, HRANDFIELD and SPOP draw every member about equally", async () => {
  await withClient({}, async (c) => {
    const n = 200;
    await c.call("sadd", "s", ...range("m", 0, n - 1));
    await c.call("hset", "h", ...range("m", 0, n - 1).flatMap((f) => [f, "v"]));
    for (const args of [["srandmember", "s", "-40000"], ["hrandfield", "h", "-40000"]]) {
      const counts = new Map<string, number>();
      for (const m of bulks(await c.call(...args))) counts.set(m, (counts.get(m) ?? 0) + 1);
      assert.equal(counts.size, n, args[0]);
      // 200 expected each (binomial sd about 14): 100-300 is seven sd either way.
      for (const [m, k] of counts) assert.ok(k > 100 && k < 300, `${args[0]} ${m}: ${k}`);
    }
    const distinct = bulks(await c.call("srandmember", "s", "150"));
    assert.equal(new Set(distinct).size, 150);
    // SPOP one at a time empties the set with each member exactly once.
    const popped = new Set<string>();
    for (let i = 0; i < n; i++) popped.add(bulks(await c.call("spop", "s"))[0]);
    assert.equal(popped.size, n);
    assert.equal(await c.call("exists", "s"), ":0\r\n");
  });
});

Deno.test("byte table: MEMORY USAGE follows a big set and hash as they grow and shrink", async () => {
  await withClient({}, async (c) => {
    const usage = async (key: string) => Number((await c.call("memory", "usage", key)).slice(1));
    const members = range("element:", 0, 19_999);
    await c.call("sadd", "s", ...members);
    await c.call("hset", "h", ...members.flatMap((m) => [m, "value"]));
    const s = await usage("s");
    const h = await usage("h");
    // About 14-byte members: 20-60 bytes each (Redis's dict takes about 50), fields with values a bit more.
    assert.ok(s > 20 * 20_000 && s < 60 * 20_000, `set: ${s}`);
    assert.ok(h > s && h < 80 * 20_000, `hash: ${h}`);
    await c.call("srem", "s", ...members.slice(0, 19_000));
    await c.call("hdel", "h", ...members.slice(0, 19_000));
    assert.ok((await usage("s")) * 8 < s, "set memory given back");
    assert.ok((await usage("h")) * 8 < h, "hash memory given back");
  });
});
