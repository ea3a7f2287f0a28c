// Packed small hashes and sets (src/store/packed.ts, hash.ts, set.ts): binary-safe elements,
// long lengths, the raw accessors against the copying ones, argument copies, the fixed-width
// intset, and the memory estimate against a walk.
import assert from "node:assert/strict";
import { RedisHash } from "../src/store/hash.ts";
import { RedisSet } from "../src/store/set.ts";
import { lenPrefix, packedSize, readLen } from "../src/store/packed.ts";
import { binaryToBytes as bytes, bytesToBinary as str, rng } from "./helpers.ts";

const HASH_CFG = { hashMaxListpackEntries: 128, hashMaxListpackValue: 100_000 };
const SET_CFG = {
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 100_000,
};

const raw = (v: Uint8Array | string) => typeof v === "string" ? v : str(v);

Deno.test("packed lengths round-trip, one char below 128", () => {
  for (const n of [0, 1, 127, 128, 129, 16383, 16384, 1_000_000, 2 ** 31 + 5]) {
    const p = lenPrefix(n);
    assert.equal(p.length, packedSize(n) - n, String(n));
    assert.equal(p.length === 1, n < 128);
    assert.equal(readLen(p + "x", 0), n);
  }
});

Deno.test("listpack hash: binary and long elements, raw accessors, copies of arguments", () => {
  const rnd = rng(3);
  const h = new RedisHash();
  const model = new Map<string, string>();
  const some = (len: number) => {
    let s = "";
    for (let i = 0; i < len; i++) s += String.fromCharCode(Math.floor(rnd() * 256));
    return s;
  };
  for (let step = 0; step < 2000; step++) {
    // At most 60 short fields and about 40 long ones: it stays a listpack.
    const f = rnd() < 0.03 ? some(200 + Math.floor(rnd() * 300)) : "f" + Math.floor(rnd() * 60);
    const v = some(rnd() < 0.1 ? 130 + Math.floor(rnd() * 500) : Math.floor(rnd() * 20));
    if (rnd() < 0.7) {
      // A command argument: a view whose bytes change once the command is done.
      const arg = bytes(v);
      assert.equal(h.set(f, arg, HASH_CFG), !model.has(f));
      arg.fill(0x21);
      model.set(f, v);
    } else {
      const k = [...model.keys()][Math.floor(rnd() * model.size)] ?? f;
      assert.equal(h.delete(k), model.delete(k));
    }
    assert.equal(h.encoding(), "listpack");
    const k = [...model.keys()][Math.floor(rnd() * model.size)] ?? "none";
    assert.equal(raw(h.getRaw(k) ?? ""), model.get(k) ?? "");
    assert.equal(str(h.get(k) ?? new Uint8Array()), model.get(k) ?? "");
    assert.equal(h.has(k), model.has(k));
    if (step % 50 === 0) {
      const a: string[] = [];
      const b: string[] = [];
      h.forEach((f, v) => a.push(f + "=" + str(v)));
      h.forEachRaw((f, v) => b.push(f + "=" + raw(v)));
      assert.deepEqual(a, b);
      assert.deepEqual(a, [...model].map(([f, v]) => f + "=" + v));
      for (let i = 0; i < h.size; i++) {
        assert.equal(raw(h.valueRawAt(i)), model.get(h.fieldAt(i)));
        assert.equal(str(h.valueAt(i)), model.get(h.fieldAt(i)));
      }
      assert.equal(h.memoryUsage, h.recomputeMemoryUsage());
    }
  }
  // Converting keeps HGETALL's order and copies the values out of the packed run.
  const order = h.keys();
  const c = h.clone();
  c.convertToHashtable();
  assert.equal(c.encoding(), "hashtable");
  assert.deepEqual(c.keys(), order);
  assert.deepEqual(h.keys(), order);
  assert.equal(h.encoding(), "listpack");
  // set on a hashtable copies the bytes in (a command argument's view changes later).
  const arg = bytes("value");
  c.set("x", arg);
  arg[0] = 0x2a;
  assert.equal(str(c.get("x")!), "value");
  assert.equal(raw(c.getRaw("x")!), "value");
  assert.equal(c.memoryUsage, c.recomputeMemoryUsage());
});

Deno.test("intset: fixed width, numeric order, never finds non-integers", () => {
  const s = RedisSet.create("5", 10, SET_CFG);
  for (const m of ["5", "-3", "100", "7", "-9223372036854775808", "0", "9223372036854775807"]) {
    assert.ok(s.add(m, SET_CFG));
  }
  assert.equal(s.encoding(), "intset");
  assert.ok(!s.add("7", SET_CFG));
  const sorted = ["-9223372036854775808", "-3", "0", "5", "7", "100", "9223372036854775807"];
  assert.deepEqual(s.toArray(), sorted);
  for (let i = 0; i < sorted.length; i++) assert.equal(s.memberAt(i), sorted[i]);
  for (const m of sorted) assert.ok(s.has(m), m);
  for (const m of ["", "-", "-0", "07", "1.0", "abc", "\0", "\x005", "99999999999999999999"]) {
    assert.ok(!s.has(m), JSON.stringify(m));
    assert.ok(!s.remove(m), JSON.stringify(m));
  }
  // Removing the widest members keeps the width (and the estimate follows the run).
  assert.ok(s.remove("-9223372036854775808"));
  assert.ok(s.remove("9223372036854775807"));
  assert.deepEqual(s.toArray(), ["-3", "0", "5", "7", "100"]);
  assert.equal(s.memoryUsage, s.recomputeMemoryUsage());
  const popped = new Set<string>();
  while (s.size > 0) popped.add(s.pop()!);
  assert.deepEqual([...popped].sort(), ["-3", "0", "100", "5", "7"]);
  assert.equal(s.memoryUsage, s.recomputeMemoryUsage());
  // A non-integer turns it into a listpack in ascending order, then insertion order.
  const t = RedisSet.create("3", 3, SET_CFG);
  for (const m of ["3", "-1", "20"]) t.add(m, SET_CFG);
  t.add("x", SET_CFG);
  t.add("-5", SET_CFG);
  assert.equal(t.encoding(), "listpack");
  assert.deepEqual(t.toArray(), ["-1", "3", "20", "x", "-5"]);
  // Without limits (as loaders add), a non-integer still leaves the intset.
  const v = new RedisSet("intset");
  for (const m of ["2", "1", "b", "a", "3"]) v.add(m);
  assert.equal(v.encoding(), "listpack");
  assert.deepEqual(v.toArray(), ["1", "2", "b", "a", "3"]);
  assert.ok(v.has("a") && v.has("3") && !v.has("c"));
  const u = t.clone();
  u.remove("x");
  u.maybeConvertToIntset(SET_CFG);
  assert.equal(u.encoding(), "intset");
  assert.deepEqual(u.toArray(), ["-5", "-1", "3", "20"]);
  assert.deepEqual(t.toArray(), ["-1", "3", "20", "x", "-5"]);
});

Deno.test("listpack set: binary and long members against a model", () => {
  const rnd = rng(8);
  const s = new RedisSet("listpack");
  const model: string[] = [];
  for (let step = 0; step < 3000; step++) {
    // 80 short members and 20 long ones: it stays a listpack.
    const m = rnd() < 0.05
      ? "\xff\x00".repeat(100 + Math.floor(rnd() * 20))
      : String.fromCharCode(250 + Math.floor(rnd() * 8)) + Math.floor(rnd() * 10);
    const op = rnd();
    if (op < 0.5) {
      assert.equal(s.add(m, SET_CFG), !model.includes(m));
      if (!model.includes(m)) model.push(m);
    } else if (op < 0.8) {
      const i = model.indexOf(m);
      assert.equal(s.remove(m), i >= 0);
      if (i >= 0) model.splice(i, 1);
    } else if (s.size > 0) {
      const p = s.pop()!;
      model.splice(model.indexOf(p), 1);
    }
    assert.equal(s.encoding(), "listpack");
    assert.deepEqual(s.toArray(), model);
    assert.equal(s.memoryUsage, s.recomputeMemoryUsage());
  }
});
