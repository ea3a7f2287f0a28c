// Micro-benchmarks of the collection data structures at 1,000,000 elements.
// Run with: deno bench bench/structures_bench.ts
import { RedisList } from "../src/store/list.ts";
import { SortedSet } from "../src/store/zset.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisSet } from "../src/store/set.ts";

const N = 1_000_000;
const members: string[] = Array.from({ length: N }, (_, i) => "member:" + i);
const scores: number[] = Array.from({ length: N }, () => Math.floor(Math.random() * N));
const values: Uint8Array[] = Array.from(
  { length: 1024 },
  (_, i) => new TextEncoder().encode("v" + i),
);

// Prebuilt structures for the per-operation benchmarks.
const zset = new SortedSet();
for (let i = 0; i < N; i++) zset.add(members[i], scores[i]);
const list = new RedisList();
list.convertToQuicklist(-2);
for (let i = 0; i < N; i++) list.pushTail(values[i & 1023]);

let k = 0;
const next = () => (k = (k * 1103515245 + 12345) & 0x7fffffff) % N;

Deno.bench({ name: "zset: add 1M members", group: "build", n: 3, warmup: 1 }, () => {
  const z = new SortedSet();
  for (let i = 0; i < N; i++) z.add(members[i], scores[i]);
});

Deno.bench({ name: "list: rpush 1M (quicklist, -2)", group: "build", n: 3, warmup: 1 }, () => {
  const l = new RedisList();
  l.convertToQuicklist(-2);
  for (let i = 0; i < N; i++) l.pushTail(values[i & 1023]);
});

Deno.bench({ name: "list: lpush 1M (quicklist, -2)", group: "build", n: 3, warmup: 1 }, () => {
  const l = new RedisList();
  l.convertToQuicklist(-2);
  for (let i = 0; i < N; i++) l.pushHead(values[i & 1023]);
});

Deno.bench({ name: "hash: set 1M fields", group: "build", n: 3, warmup: 1 }, () => {
  const h = new RedisHash("hashtable");
  for (let i = 0; i < N; i++) h.set(members[i], values[i & 1023]);
});

Deno.bench({ name: "set: add 1M members", group: "build", n: 3, warmup: 1 }, () => {
  const s = new RedisSet("hashtable");
  for (let i = 0; i < N; i++) s.add(members[i]);
});

Deno.bench({ name: "zset(1M): rank of a random member", group: "op" }, () => {
  zset.rank(members[next()]);
});

Deno.bench({ name: "zset(1M): score update (ZINCRBY-like)", group: "op" }, () => {
  const m = members[next()];
  zset.add(m, zset.score(m)! + 1);
});

Deno.bench({ name: "zset(1M): ZRANGE 100 by rank at random offset", group: "op" }, () => {
  const start = next() % (N - 100);
  let n = 0;
  zset.rangeByRank(start, start + 99, false, () => n++);
});

Deno.bench({ name: "zset(1M): ZRANGEBYSCORE LIMIT 1000 10", group: "op" }, () => {
  const min = next();
  let n = 0;
  zset.rangeByScore({ min, max: Infinity, minex: false, maxex: false }, false, 1000, 10, () => n++);
});

Deno.bench({ name: "zset(1M): ZCOUNT random range", group: "op" }, () => {
  const a = next();
  zset.countInRange({ min: a, max: a + 10000, minex: false, maxex: true });
});

Deno.bench({ name: "zset(1M): remove + re-add a member", group: "op" }, () => {
  const i = next();
  zset.remove(members[i]);
  zset.add(members[i], scores[i]);
});

Deno.bench({ name: "list(1M): rpush + lpop (queue)", group: "op" }, () => {
  list.pushTail(values[0]);
  list.popHead();
});

Deno.bench({ name: "list(1M): lpush + rpop", group: "op" }, () => {
  list.pushHead(values[0]);
  list.popTail();
});

Deno.bench({ name: "list(1M): LINDEX random", group: "op" }, () => {
  list.at(next());
});

Deno.bench({ name: "list(1M): LRANGE 100 at random offset", group: "op" }, () => {
  const start = next() % (N - 100);
  let n = 0;
  list.forEachFrom(start, 100, false, () => n++);
});
