// Tests for the collection data structures in src/store/: randomized checks
// against simple models, encoding conversions (expected values were taken from
// a reference valkey 8.0 / Redis 7.2 server) and the SCAN guarantee.
import assert from "node:assert/strict";
import { lpEntrySize, RedisList, setQuicklistPackedThreshold } from "../src/store/list.ts";
import {
  DEFAULT_ZSET_ENCODING_CONFIG,
  refLen,
  refOff,
  SortedSet,
  type ZLexRangeSpec,
  type ZRangeSpec,
} from "../src/store/zset.ts";
import { DEFAULT_HASH_ENCODING_CONFIG, RedisHash } from "../src/store/hash.ts";
import { DEFAULT_SET_ENCODING_CONFIG, RedisSet } from "../src/store/set.ts";
import { isInt64String } from "../src/util/number.ts";
import type { CollectionValue } from "../src/store/types.ts";
import {
  binaryToBytes as bytes,
  bytesToBinary as str,
  DEFAULT_ENCODING_LIMITS,
  rng,
} from "./helpers.ts";

function memcmpOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

// ---------------------------------------------------------------------------
// List

Deno.test("lpEntrySize follows the listpack encoding", () => {
  const cases: [string, number][] = [
    ["0", 2],
    ["127", 2],
    ["128", 3],
    ["-1", 3],
    ["4095", 3],
    ["4096", 4],
    ["-4097", 4],
    ["32768", 5],
    ["8388608", 6],
    ["2147483648", 10],
    ["9223372036854775807", 10],
    ["9223372036854775808", 21],
    ["-9223372036854775808", 10],
    ["01", 4],
    ["-0", 4],
    ["+1", 4],
    ["a", 3],
    ["a".repeat(63), 65],
    ["a".repeat(64), 67],
    ["a".repeat(125), 128],
    ["a".repeat(126), 130],
    ["a".repeat(4095), 4099],
    ["a".repeat(4096), 4103],
  ];
  for (const [v, n] of cases) assert.equal(lpEntrySize(bytes(v)), n, v.slice(0, 20));
});

// A list mutated the way the list commands do it, mirrored on a plain array.
class ListModel {
  list = new RedisList();
  arr: string[] = [];
  constructor(public fill: number) {}
  push(vals: string[], head: boolean) {
    const bs = vals.map(bytes);
    this.list.beforeGrow(this.fill, bs);
    for (const b of bs) head ? this.list.pushHead(b) : this.list.pushTail(b);
    for (const v of vals) head ? this.arr.unshift(v) : this.arr.push(v);
  }
  shrunk() {
    if (this.list.length > 0) this.list.afterShrink(this.fill);
  }
}

function checkList(m: ListModel, full: boolean) {
  const { list, arr } = m;
  assert.equal(list.length, arr.length);
  const nodes = list.debugNodes();
  assert.equal(nodes.reduce((a, n) => a + n.count, 0), arr.length);
  if (list.encoding() === "listpack") assert.ok(nodes.length <= 1);
  if (!full) return;
  assert.deepEqual(list.toArray().map(str), arr);
  assert.equal(list.memoryUsage, list.recomputeMemoryUsage());
  assert.equal(list.bytes, arr.reduce((a, v) => a + v.length, 0));
  // Node sizes must equal the listpack size of their contents.
  let i = 0;
  for (const n of nodes) {
    let sz = 7;
    for (let j = 0; j < n.count; j++) sz += lpEntrySize(bytes(arr[i + j]));
    assert.equal(n.sz, n.plain ? arr[i].length : sz);
    i += n.count;
  }
}

Deno.test("RedisList randomized against an array model", () => {
  const rnd = rng(7);
  const ri = (n: number) => Math.floor(rnd() * n);
  const lens = [0, 1, 3, 10, 40, 70, 300, 2000, 5000];
  const value = () => {
    const k = ri(10);
    if (k < 3) return String(ri(5000) - 100);
    const len = lens[ri(lens.length)];
    return String.fromCharCode(ri(256)).repeat(len);
  };
  let ops = 0;
  for (const fill of [-2, -1, 4, 1, 0, 16, -5]) {
    for (const threshold of [0, 1000]) {
      setQuicklistPackedThreshold(threshold);
      const m = new ListModel(fill);
      for (let step = 0; step < 1500; step++, ops++) {
        const op = ri(100);
        const n = m.arr.length;
        if (op < 30) {
          const vals = Array.from({ length: 1 + ri(rnd() < 0.1 ? 30 : 3) }, value);
          m.push(vals, rnd() < 0.5);
        } else if (op < 40) {
          const head = rnd() < 0.5;
          const got = head ? m.list.popHead() : m.list.popTail();
          const exp = head ? m.arr.shift() : m.arr.pop();
          assert.equal(got === undefined ? undefined : str(got), exp);
          m.shrunk();
        } else if (op < 45) {
          const cnt = 1 + ri(20);
          const head = rnd() < 0.5;
          const k = Math.min(cnt, n);
          const removed = m.list.deleteRange(head ? 0 : -k, k);
          assert.equal(removed, k);
          if (head) m.arr.splice(0, k);
          else m.arr.splice(n - k, k);
          m.shrunk();
        } else if (op < 50) {
          const a = ri(30) - 10, b = ri(80) - 20;
          m.list.trim(a, b);
          let s = a < 0 ? n + a : a;
          const e = b < 0 ? n + b : b;
          if (s < 0) s = 0;
          if (s > e || s >= n) m.arr = [];
          else m.arr = m.arr.slice(s, Math.min(e, n - 1) + 1);
          m.shrunk();
        } else if (op < 58 && n > 0) {
          const v = m.arr[ri(n)];
          const cnt = ri(5) - 2;
          const removed = m.list.remove(bytes(v), cnt);
          let exp = 0;
          if (cnt >= 0) {
            const out: string[] = [];
            for (const x of m.arr) {
              if (x === v && (cnt === 0 || exp < cnt)) exp++;
              else out.push(x);
            }
            m.arr = out;
          } else {
            for (let i = m.arr.length - 1; i >= 0 && exp < -cnt; i--) {
              if (m.arr[i] === v) {
                m.arr.splice(i, 1);
                exp++;
              }
            }
          }
          assert.equal(removed, exp);
          if (removed) m.shrunk();
        } else if (op < 70 && n > 0) {
          const pivot = m.arr[ri(n)];
          const v = value();
          const after = rnd() < 0.5;
          m.list.beforeGrow(fill, [bytes(v)]);
          const idx = m.list.indexOf(bytes(pivot));
          assert.equal(idx, m.arr.indexOf(pivot));
          assert.ok(m.list.insert(idx, bytes(v), after));
          m.arr.splice(after ? idx + 1 : idx, 0, v);
        } else if (op < 80) {
          const idx = ri(2 * n + 2) - n - 1;
          const v = value();
          m.list.beforeGrow(fill, [bytes(v)]);
          const ok = m.list.set(idx, bytes(v));
          const norm = idx < 0 ? n + idx : idx;
          assert.equal(ok, norm >= 0 && norm < n);
          if (ok) {
            m.arr[norm] = v;
            m.shrunk();
          }
        } else if (op < 85 && n > 0) {
          const idx = ri(n);
          const got = m.list.removeAt(rnd() < 0.5 ? idx : idx - n);
          assert.equal(str(got!), m.arr[idx]);
          m.arr.splice(idx, 1);
          m.shrunk();
        } else if (op < 95) {
          const idx = ri(2 * n + 2) - n - 1;
          const norm = idx < 0 ? n + idx : idx;
          const got = m.list.at(idx);
          assert.equal(got === undefined ? undefined : str(got), m.arr[norm]);
          const a = ri(n + 4) - 2, b = ri(n + 4) - 2;
          let s = a < 0 ? n + a : a;
          const e = b < 0 ? n + b : b;
          if (s < 0) s = 0;
          const exp = s > e || s >= n ? [] : m.arr.slice(s, Math.min(e, n - 1) + 1);
          assert.deepEqual(m.list.range(a, b).map(str), exp);
          if (n > 0) {
            const from = ri(n);
            const it = m.list.iterator(from, true);
            const back: string[] = [];
            for (let v = it.next(); v; v = it.next()) back.push(str(v));
            assert.deepEqual(back, m.arr.slice(0, from + 1).reverse());
            const fwd: string[] = [];
            m.list.forEachFrom(from, 5, false, (v) => fwd.push(str(v)));
            assert.deepEqual(fwd, m.arr.slice(from, from + 5));
          }
        } else {
          const c = m.list.clone();
          assert.deepEqual(c.debugNodes(), m.list.debugNodes());
          assert.equal(c.encoding(), m.list.encoding());
        }
        checkList(m, step % 25 === 0);
      }
      checkList(m, true);
    }
  }
  setQuicklistPackedThreshold(0);
  assert.ok(ops >= 10000);
});

Deno.test("RedisList packs elements of every length class and copies what it is given", () => {
  const lens = [0, 1, 127, 128, 300, 16383, 16384, 40000];
  const vals = lens.map((n, i) => String.fromCharCode(65 + i).repeat(n));
  for (const fill of [-5, -2]) {
    const l = new RedisList();
    const arg = new Uint8Array(50000);
    for (const v of vals) {
      // A view into a reused buffer, as the commands pass their arguments.
      for (let i = 0; i < v.length; i++) arg[i] = v.charCodeAt(i);
      const b = arg.subarray(0, v.length);
      l.beforeGrow(fill, [b]);
      l.pushTail(b);
      l.pushHead(b);
    }
    arg.fill(0);
    const exp = [...vals].reverse().concat(vals);
    assert.deepEqual(l.toArray().map(str), exp);
    const back: string[] = [];
    const it = l.iterator(-1, true);
    for (let v = it.next(); v; v = it.next()) back.push(str(v));
    assert.deepEqual(back, [...exp].reverse());
    assert.equal(l.indexOf(bytes(vals[6])), vals.length - 7);
    assert.equal(l.remove(bytes(vals[5]), -2), 2);
    assert.equal(l.length, exp.length - 2);
    assert.equal(l.memoryUsage, l.recomputeMemoryUsage());
  }
});

function ql(l: RedisList) {
  const nodes = l.debugNodes();
  return { enc: l.encoding(), nodes: nodes.length, size: nodes.reduce((a, n) => a + n.sz, 0) };
}

Deno.test("RedisList encoding conversions match Redis", () => {
  // list-max-listpack-size 4 (count limited).
  let l = new RedisList();
  const rpush = (fill: number, ...vals: string[]) => {
    const bs = vals.map(bytes);
    l.beforeGrow(fill, bs);
    for (const b of bs) l.pushTail(b);
  };
  rpush(4, "a", "b", "c", "d");
  assert.equal(l.encoding(), "listpack");
  rpush(4, "e");
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 2, size: 29 });

  l = new RedisList();
  rpush(4, "a", "b", "c", "d", "e", "f", "g");
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 2, size: 35 });
  l.deleteRange(-3, 3);
  l.afterShrink(4);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 1, size: 19 });
  l.popTail();
  l.afterShrink(4);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 1, size: 16 });
  l.popTail();
  l.afterShrink(4);
  assert.equal(l.encoding(), "listpack");

  // list-max-listpack-size -2 (8kb) with big elements.
  l = new RedisList();
  const big = "v".repeat(5000);
  rpush(-2, "a", big);
  assert.equal(l.encoding(), "listpack");
  rpush(-2, big);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 2, size: 10031 });
  l.popHead();
  l.afterShrink(-2);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 2, size: 10028 });
  l.popTail();
  l.afterShrink(-2);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 1, size: 5014 });

  // Node splitting on LINSERT, LSET, LTRIM back to listpack.
  l = new RedisList();
  rpush(4, "1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 3, size: 41 });
  l.beforeGrow(4, [bytes("x")]);
  l.insert(l.indexOf(bytes("2")), bytes("x"), true);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 4, size: 51 });
  l.beforeGrow(4, [bytes("y")]);
  l.set(-1, bytes("y"));
  l.afterShrink(4);
  assert.deepEqual(ql(l), { enc: "quicklist", nodes: 4, size: 52 });
  l.trim(0, 1);
  l.afterShrink(4);
  assert.equal(l.encoding(), "listpack");
  assert.deepEqual(l.toArray().map(str), ["1", "2"]);

  // Binary safety.
  l = new RedisList();
  const bin = new Uint8Array([0, 255, 13, 10, 0]);
  l.pushTail(bin);
  assert.deepEqual(l.at(0), bin);
  assert.equal(l.remove(new Uint8Array([0, 255, 13, 10, 0]), 0), 1);
  assert.equal(l.length, 0);
});

Deno.test("RedisList node layout round-trips through forEachNode/fromNodes", () => {
  const l = new RedisList();
  const vals = Array.from({ length: 50 }, (_, i) => bytes(String(i).repeat(i % 7 + 1)));
  l.beforeGrow(4, vals);
  for (const v of vals) l.pushTail(v);
  const nodes: { items: Uint8Array[]; plain: boolean }[] = [];
  l.forEachNode((items, plain) => nodes.push({ items, plain }));
  const r = RedisList.fromNodes(nodes, 4);
  assert.deepEqual(r.debugNodes(), l.debugNodes());
  assert.deepEqual(r.toArray(), l.toArray());
  assert.equal(r.bytes, l.bytes);
  r.afterBuild(4);
  assert.equal(r.encoding(), "quicklist");
  const small = RedisList.fromNodes([{ items: [bytes("a"), bytes("b")], plain: false }], -2);
  small.afterBuild(-2);
  assert.equal(small.encoding(), "listpack");
});

Deno.test("RedisList FIFO usage stays compact", () => {
  const l = new RedisList();
  const v = bytes("x");
  for (let i = 0; i < 100; i++) l.pushTail(v);
  for (let i = 0; i < 200_000; i++) {
    l.pushTail(v);
    l.popHead();
  }
  assert.equal(l.length, 100);
  assert.equal(l.debugNodes()[0].count, 100);
  assert.equal(l.toArray().length, 100);
});

// ---------------------------------------------------------------------------
// Sorted set

interface ZItem {
  m: string;
  s: number;
}

function zcmp(a: ZItem, b: ZItem): number {
  return a.s < b.s ? -1 : a.s > b.s ? 1 : memcmpOrder(a.m, b.m);
}

function inScore(s: number, r: ZRangeSpec): boolean {
  return (r.minex ? s > r.min : s >= r.min) && (r.maxex ? s < r.max : s <= r.max);
}

function lexCmp(m: string, b: string | number): number {
  if (typeof b === "number") return b < 0 ? 1 : -1;
  return memcmpOrder(m, b);
}

function inLex(m: string, r: ZLexRangeSpec): boolean {
  const a = lexCmp(m, r.min), b = lexCmp(m, r.max);
  return (r.minex ? a > 0 : a >= 0) && (r.maxex ? b < 0 : b <= 0);
}

Deno.test("JS string comparison equals memcmp order for binary strings", () => {
  const rnd = rng(3);
  for (let i = 0; i < 20000; i++) {
    const mk = () =>
      Array.from(
        { length: Math.floor(rnd() * 4) },
        () => String.fromCharCode(Math.floor(rnd() * 256)),
      )
        .join("");
    const a = mk(), b = mk();
    const js = a < b ? -1 : a > b ? 1 : 0;
    assert.equal(js, memcmpOrder(a, b));
  }
});

for (const lexOnly of [false, true]) {
  Deno.test(`SortedSet randomized against a sorted array model (lex: ${lexOnly})`, () => {
    zsetRandomized(lexOnly, () => new SortedSet());
  });
  // The same from the skiplist form (the one above starts packed).
  Deno.test(`SortedSet randomized, skiplist form (lex: ${lexOnly})`, () => {
    zsetRandomized(lexOnly, () => SortedSet.create(1000, 0, DEFAULT_ZSET_ENCODING_CONFIG));
  });
}

// With lexOnly all scores are 0, as the lex commands require.
function zsetRandomized(lexOnly: boolean, make: () => SortedSet) {
  const rnd = rng(lexOnly ? 12 : 11);
  const ri = (n: number) => Math.floor(rnd() * n);
  const alphabet = ["a", "b", "c", "\x00", "\xff", "\x80", "ab", "A"];
  const member = () => {
    let s = "";
    const n = ri(4);
    for (let i = 0; i < n; i++) s += alphabet[ri(alphabet.length)];
    return s;
  };
  const scoreV = () => {
    if (lexOnly) return 0;
    const k = ri(10);
    if (k === 0) return -Infinity;
    if (k === 1) return Infinity;
    if (k < 5) return 0;
    return ri(20) - 10 + (rnd() < 0.3 ? 0.5 : 0);
  };
  const randRange = (): ZRangeSpec => {
    let a = scoreV(), b = scoreV();
    if (rnd() < 0.8 && a > b) [a, b] = [b, a];
    return { min: a, max: b, minex: rnd() < 0.3, maxex: rnd() < 0.3 };
  };
  const lexBound = (): string | number => {
    const k = ri(8);
    return k === 0 ? -Infinity : k === 1 ? Infinity : member();
  };
  const randLex = (): ZLexRangeSpec => {
    let a = lexBound(), b = lexBound();
    if (rnd() < 0.8 && typeof a === "string" && typeof b === "string" && memcmpOrder(a, b) > 0) {
      [a, b] = [b, a];
    }
    return { min: a, max: b, minex: rnd() < 0.3, maxex: rnd() < 0.3 };
  };

  const z = make();
  let model: ZItem[] = [];
  const sortModel = () => model.sort(zcmp);
  for (let step = 0; step < 12000; step++) {
    const op = ri(100);
    if (op < 35) {
      const m = member(), s = scoreV();
      const idx = model.findIndex((x) => x.m === m);
      const res = z.add(m, s);
      if (idx < 0) {
        assert.equal(res, "added");
        model.push({ m, s });
      } else {
        assert.equal(res, model[idx].s === s ? "unchanged" : "updated");
        model[idx].s = s;
      }
      sortModel();
    } else if (op < 45) {
      const m = member();
      const idx = model.findIndex((x) => x.m === m);
      assert.equal(z.remove(m), idx >= 0);
      if (idx >= 0) model.splice(idx, 1);
    } else if (op < 55) {
      const m = rnd() < 0.8 && model.length ? model[ri(model.length)].m : member();
      const idx = model.findIndex((x) => x.m === m);
      assert.equal(z.rank(m), idx);
      assert.equal(z.rank(m, true), idx < 0 ? -1 : model.length - 1 - idx);
      assert.equal(z.score(m), idx < 0 ? undefined : model[idx].s);
    } else if (op < 62) {
      const r = randRange();
      const exp = model.filter((x) => inScore(x.s, r));
      assert.equal(z.countInRange(r), exp.length);
      const rev = rnd() < 0.5;
      const offset = ri(3), limit = ri(5) - 1;
      const got: string[] = [];
      z.rangeByScore(r, rev, offset, limit, (m) => got.push(m));
      let e = rev ? exp.slice().reverse() : exp;
      e = e.slice(offset, limit < 0 ? undefined : offset + limit);
      assert.deepEqual(got, e.map((x) => x.m));
    } else if (op < 68 && lexOnly) {
      const r = randLex();
      const exp = model.filter((x) => inLex(x.m, r));
      assert.equal(z.countInLexRange(r), exp.length);
      const rev = rnd() < 0.5;
      const offset = ri(3), limit = ri(5) - 1;
      const got: string[] = [];
      z.rangeByLex(r, rev, offset, limit, (m) => got.push(m));
      let e = rev ? exp.slice().reverse() : exp;
      e = e.slice(offset, limit < 0 ? undefined : offset + limit);
      assert.deepEqual(got, e.map((x) => x.m));
    } else if (op < 74) {
      const n = model.length;
      const a = ri(n + 2), b = a + ri(5);
      const rev = rnd() < 0.5;
      const got: [string, number][] = [];
      z.rangeByRank(a, b, rev, (m, s) => got.push([m, s]));
      const src = rev ? model.slice().reverse() : model;
      assert.deepEqual(got, src.slice(a, b + 1).map((x) => [x.m, x.s]));
      const h = z.nodeAtRank(a);
      assert.equal(h === 0 ? undefined : z.memberOf(h), model[a]?.m);
      if (h !== 0) assert.equal(z.rankOf(h), a);
    } else if (op < 77) {
      const n = model.length;
      const a = ri(n + 1), b = a + ri(4);
      const removed = z.deleteRangeByRank(a, b);
      const exp = model.slice(a, b + 1).length;
      assert.equal(removed, exp);
      model.splice(a, b - a + 1);
    } else if (op < 80) {
      const r = randRange();
      const before = model.length;
      model = model.filter((x) => !inScore(x.s, r));
      assert.equal(z.deleteRangeByScore(r), before - model.length);
    } else if (op < 83 && lexOnly) {
      const r = randLex();
      const before = model.length;
      model = model.filter((x) => !inLex(x.m, r));
      assert.equal(z.deleteRangeByLex(r), before - model.length);
    } else if (op < 87) {
      const max = rnd() < 0.5;
      const e = max ? z.popMax() : z.popMin();
      const x = max ? model.pop() : model.shift();
      assert.deepEqual(e, x ? { member: x.m, score: x.s } : undefined);
    } else if (op < 90) {
      const m = z.randomMember();
      if (model.length === 0) assert.equal(m, undefined);
      else assert.ok(model.some((x) => x.m === m));
    } else {
      const f = z.firstNode(), l = z.lastNode();
      assert.equal(f ? z.memberOf(f) : undefined, model[0]?.m);
      assert.equal(l ? z.memberOf(l) : undefined, model[model.length - 1]?.m);
    }
    assert.equal(z.size, model.length);
    if (step % 200 === 0) {
      z.checkInvariants();
      assert.deepEqual(z.toArray(), model.map((x) => ({ member: x.m, score: x.s })));
      const back: string[] = [];
      for (let h = z.lastNode(); h !== 0; h = z.prev(h)) back.push(z.memberOf(h));
      assert.deepEqual(back, model.map((x) => x.m).reverse());
      assert.equal(z.memoryUsage, z.recomputeMemoryUsage());
    }
  }
  z.checkInvariants();
}

Deno.test("SortedSet large: ranks and counts at 100k elements", () => {
  const z = new SortedSet();
  const n = 100_000;
  for (let i = 0; i < n; i++) z.add("m" + i, (i * 7919) % n);
  assert.equal(z.size, n);
  for (let i = 0; i < n; i += 997) {
    const m = "m" + i;
    assert.equal(z.rank(m), (i * 7919) % n);
  }
  assert.equal(z.countInRange({ min: 100, max: 199, minex: false, maxex: false }), 100);
  assert.equal(z.countInRange({ min: 100, max: 199, minex: true, maxex: true }), 98);
  assert.equal(z.deleteRangeByRank(0, 49_999), 50_000);
  assert.equal(z.score("m0"), undefined);
  let withScore50k = -1;
  for (let i = 0; i < n; i++) if ((i * 7919) % n === 50_000) withScore50k = i;
  assert.equal(z.memberOf(z.firstNode()), "m" + withScore50k);
  assert.equal(z.scoreOf(z.firstNode()), 50_000);
  z.checkInvariants();
});

Deno.test("SortedSet skiplist: binary members of any length are kept as bytes", () => {
  const z = new SortedSet();
  z.setEncoding("skiplist");
  const members: string[] = ["", "\x00", "\xff", "\x00\x00", "a\x00b", "\xff".repeat(70)];
  for (let n = 1; n <= 300; n += 7) {
    let m = "";
    for (let i = 0; i < n; i++) m += String.fromCharCode((i * 37 + n) & 0xff);
    members.push(m);
  }
  members.push("x".repeat(200_000) + "\x80");
  members.forEach((m, i) => assert.equal(z.add(m, i % 3), "added"));
  z.checkInvariants();
  const sorted = members.map((m, i) => ({ member: m, score: i % 3 }))
    .sort((a, b) => a.score - b.score || (a.member < b.member ? -1 : 1));
  assert.deepEqual(z.toArray(), sorted);
  for (const { member, score } of sorted) {
    assert.equal(z.score(member), score);
    const h = z.nodeAtRank(z.rank(member));
    assert.equal(z.memberOf(h), member);
    const buf = z.memberRef(h);
    assert.equal(refLen, member.length);
    for (let i = 0; i < member.length; i += 997) {
      assert.equal(buf[refOff + i], member.charCodeAt(i));
    }
  }
  assert.equal(z.score("x".repeat(200_000)), undefined);
  const copy = z.clone();
  for (const m of members) assert.ok(z.remove(m));
  z.checkInvariants();
  assert.equal(z.size, 0);
  copy.checkInvariants();
  assert.deepEqual(copy.toArray(), sorted);
});

Deno.test("SortedSet encoding rules", () => {
  const cfg = DEFAULT_ZSET_ENCODING_CONFIG;
  let z = SortedSet.create(1, 3, cfg);
  assert.equal(z.encoding(), "listpack");
  for (let i = 0; i < 128; i++) z.add("m" + i, i, cfg);
  assert.equal(z.encoding(), "listpack");
  z.add("m0", 5, cfg); // update does not convert
  assert.equal(z.encoding(), "listpack");
  z.add("new", 1, cfg);
  assert.equal(z.encoding(), "skiplist");
  z.remove("new");
  z.remove("m1");
  assert.equal(z.encoding(), "skiplist"); // no conversion back on removal
  z.convertToListpackIfNeeded(cfg);
  assert.equal(z.encoding(), "listpack");

  z = SortedSet.create(1, 1, cfg);
  z.add("x".repeat(65), 1, cfg);
  assert.equal(z.encoding(), "skiplist");

  // ZADD with 129 pairs creates a skiplist even when they are duplicates.
  z = SortedSet.create(129, 1, cfg);
  z.add("a", 1, cfg);
  assert.equal(z.encoding(), "skiplist");
  z = SortedSet.create(2, 1, cfg);
  z.maybeConvert(129, cfg);
  assert.equal(z.encoding(), "skiplist");

  z = SortedSet.create(1, 70, cfg);
  assert.equal(z.encoding(), "skiplist");
  z.add("a", 1);
  z.convertToListpackIfNeeded(cfg, 70);
  assert.equal(z.encoding(), "skiplist");
  z.convertToListpackIfNeeded(cfg);
  assert.equal(z.encoding(), "listpack");
});

// ---------------------------------------------------------------------------
// Hash and set

Deno.test("RedisHash randomized against a Map, encodings and order", () => {
  const rnd = rng(5);
  const ri = (n: number) => Math.floor(rnd() * n);
  const cfg = DEFAULT_HASH_ENCODING_CONFIG;
  const h = new RedisHash();
  const model = new Map<string, string>();
  for (let step = 0; step < 10000; step++) {
    const f = "f" + ri(step < 5000 ? 100 : 400) + (ri(50) === 0 ? "\x00\xff" : "");
    const op = ri(10);
    if (op < 5) {
      const v = "v".repeat(ri(step < 5000 ? 10 : 80));
      assert.equal(h.set(f, bytes(v), cfg), !model.has(f));
      model.set(f, v);
    } else if (op < 8) {
      assert.equal(h.delete(f), model.delete(f));
    } else {
      const g = h.get(f);
      assert.equal(g === undefined ? undefined : str(g), model.get(f));
      if (h.size > 0) {
        const i = h.randomSlot();
        assert.equal(str(h.valueAt(i)), model.get(h.fieldAt(i)));
      }
    }
    assert.equal(h.size, model.size);
    if (step % 500 === 0) {
      const got = new Map<string, string>();
      h.forEach((k, v) => got.set(k, str(v)));
      assert.deepEqual(got, model);
    }
  }
  assert.equal(h.encoding(), "hashtable");

  // Listpack keeps insertion order across deletes and updates (HGETALL).
  const o = new RedisHash();
  for (const f of ["a", "b", "c"]) o.set(f, bytes("1"), cfg);
  o.delete("a");
  o.set("a", bytes("4"), cfg);
  o.set("b", bytes("2"), cfg);
  assert.deepEqual(o.keys(), ["b", "c", "a"]);
  assert.equal(o.encoding(), "listpack");
  o.set("d", bytes("x".repeat(65)), cfg);
  assert.equal(o.encoding(), "hashtable");
  const e = new RedisHash();
  for (let i = 0; i < 128; i++) e.set("f" + i, bytes("v"), cfg);
  assert.equal(e.encoding(), "listpack");
  e.set("f0", bytes("w"), cfg);
  assert.equal(e.encoding(), "listpack");
  e.set("f128", bytes("v"), cfg);
  assert.equal(e.encoding(), "hashtable");
  const t = new RedisHash();
  t.tryConversion(cfg, [bytes("k"), "x".repeat(65)]);
  assert.equal(t.encoding(), "hashtable");
  assert.equal(t.clone().encoding(), "hashtable");
});

Deno.test("isInt64String matches string2ll", () => {
  for (const s of ["0", "1", "-1", "9223372036854775807", "-9223372036854775808", "123"]) {
    assert.ok(isInt64String(s), s);
  }
  for (
    const s of [
      "",
      "-",
      "-0",
      "01",
      "+1",
      " 1",
      "1 ",
      "9223372036854775808",
      "-9223372036854775809",
      "1.0",
      "1e3",
      "99999999999999999999",
    ]
  ) {
    assert.ok(!isInt64String(s), s);
  }
});

Deno.test("RedisSet randomized against a Set, encodings and order", () => {
  const rnd = rng(9);
  const ri = (n: number) => Math.floor(rnd() * n);
  const cfg = DEFAULT_SET_ENCODING_CONFIG;
  const s = RedisSet.create("1", 1, cfg);
  const model = new Set<string>();
  for (let step = 0; step < 10000; step++) {
    const m = step < 3000 ? String(ri(600) - 50) : rnd() < 0.5 ? String(ri(1000)) : "m" + ri(300);
    const op = ri(10);
    if (op < 5) {
      assert.equal(s.add(m, cfg), !model.has(m));
      model.add(m);
    } else if (op < 8) {
      assert.equal(s.remove(m), model.delete(m));
    } else if (op < 9) {
      const p = s.pop();
      if (p === undefined) assert.equal(model.size, 0);
      else assert.ok(model.delete(p));
    } else {
      assert.equal(s.has(m), model.has(m));
    }
    assert.equal(s.size, model.size);
    if (step % 500 === 0) assert.deepEqual(new Set(s.toArray()), model);
  }
  assert.equal(s.encoding(), "hashtable");

  // intset: ascending order; -> listpack keeps that order then appends.
  const a = RedisSet.create("3", 3, cfg);
  for (const v of ["3", "1", "2"]) a.add(v, cfg);
  assert.equal(a.encoding(), "intset");
  assert.deepEqual(a.toArray(), ["1", "2", "3"]);
  a.add("a", cfg);
  assert.equal(a.encoding(), "listpack");
  assert.deepEqual(a.toArray(), ["1", "2", "3", "a"]);
  a.remove("2");
  assert.deepEqual(a.toArray(), ["1", "3", "a"]);
  // Negative and big numbers sort numerically.
  const b = new RedisSet("intset");
  for (const v of ["10", "-2", "9", "-10", "9223372036854775807", "-9223372036854775808"]) b.add(v);
  assert.deepEqual(b.toArray(), [
    "-9223372036854775808",
    "-10",
    "-2",
    "9",
    "10",
    "9223372036854775807",
  ]);

  // Limits.
  const c = RedisSet.create("1", 1, cfg);
  for (let i = 0; i < 512; i++) c.add(String(i), cfg);
  assert.equal(c.encoding(), "intset");
  c.add("512", cfg);
  assert.equal(c.encoding(), "hashtable");
  const d = RedisSet.create("1", 1, cfg);
  for (let i = 0; i < 128; i++) d.add(String(i), cfg);
  d.add("x", cfg); // 128 entries already: intset -> hashtable
  assert.equal(d.encoding(), "hashtable");
  const e = RedisSet.create("a", 1, cfg);
  assert.equal(e.encoding(), "listpack");
  e.add("y".repeat(65), cfg);
  assert.equal(e.encoding(), "hashtable");
  assert.equal(RedisSet.create("1", 513, cfg).encoding(), "hashtable");
  assert.equal(RedisSet.create("1", 100, cfg).encoding(), "intset");
  assert.equal(RedisSet.create("a", 100, cfg).encoding(), "listpack");
  assert.equal(RedisSet.create("a", 129, cfg).encoding(), "hashtable");
  const f = RedisSet.create("a", 1, cfg);
  f.maybeConvert(129, cfg);
  assert.equal(f.encoding(), "hashtable");
  const g = new RedisSet("listpack");
  g.add("5");
  g.add("-1");
  g.maybeConvertToIntset(cfg);
  assert.equal(g.encoding(), "intset");
  assert.deepEqual(g.toArray(), ["-1", "5"]);
});

// ---------------------------------------------------------------------------
// SCAN guarantee

Deno.test("scan returns every element present for the whole scan", () => {
  const rnd = rng(21);
  const ri = (n: number) => Math.floor(rnd() * n);
  for (let round = 0; round < 30; round++) {
    const h = new RedisHash("hashtable");
    const s = new RedisSet("hashtable");
    const z = new SortedSet();
    const present = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const k = "k" + i;
      h.set(k, bytes("v"));
      s.add(k);
      z.add(k, ri(10));
      present.add(k);
    }
    const removedEver = new Set<string>();
    const seenH = new Set<string>(), seenS = new Set<string>(), seenZ = new Set<string>();
    let ch = 0, cs = 0, cz = 0;
    let first = true;
    let next = 300;
    while (first || ch !== 0 || cs !== 0 || cz !== 0) {
      const count = 1 + ri(20);
      if (first || ch !== 0) ch = h.scan(ch, count, (f) => seenH.add(f));
      if (first || cs !== 0) cs = s.scan(cs, count, (m) => seenS.add(m));
      if (first || cz !== 0) cz = z.scan(cz, count, (m) => seenZ.add(m));
      first = false;
      // Mutate between steps: removals, additions, score updates.
      for (let j = 0; j < 10; j++) {
        const k = "k" + ri(next);
        if (rnd() < 0.5) {
          if (present.delete(k)) removedEver.add(k);
          h.delete(k);
          s.remove(k);
          z.remove(k);
        } else {
          const nk = "k" + next++;
          present.add(nk);
          h.set(nk, bytes("v"));
          s.add(nk);
          z.add(nk, ri(10));
        }
        const u = "k" + ri(next);
        if (z.has(u)) z.add(u, ri(10));
      }
    }
    for (let i = 0; i < 300; i++) {
      const k = "k" + i;
      if (removedEver.has(k)) continue;
      assert.ok(seenH.has(k), "hash missed " + k);
      assert.ok(seenS.has(k), "set missed " + k);
      assert.ok(seenZ.has(k), "zset missed " + k);
    }
  }
  // Empty and full scans.
  const e = new RedisSet();
  assert.equal(e.scan(0, 10, () => assert.fail()), 0);
  const all: string[] = [];
  const t = new RedisSet();
  t.add("a");
  t.add("b");
  assert.equal(t.scan(0, 10, (m) => all.push(m)), 0);
  assert.deepEqual(all.sort(), ["a", "b"]);
});

Deno.test("collections satisfy the keyspace CollectionValue contract", () => {
  const limits = DEFAULT_ENCODING_LIMITS;
  const l = new RedisList();
  l.beforeGrow(limits.listMaxListpackSize, [bytes("a")]);
  l.pushTail(bytes("a"));
  const h = new RedisHash();
  h.set("f", bytes("v"), limits);
  const s = RedisSet.create("1", 1, limits);
  s.add("1", limits);
  const z = SortedSet.create(1, 1, limits);
  z.add("m", 1, limits);
  const values: CollectionValue[] = [l, h, s, z];
  assert.deepEqual(values.map((v) => v.type), ["list", "hash", "set", "zset"]);
  assert.deepEqual(values.map((v) => v.encoding(limits)), [
    "listpack",
    "listpack",
    "intset",
    "listpack",
  ]);
  assert.deepEqual(values.map((v) => v.length), [1, 1, 1, 1]);
});
