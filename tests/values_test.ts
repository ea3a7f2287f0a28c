// Tests for the stored-value interface (src/store/types.ts CollectionValue): clone independence,
// iteration in the read commands' order, RDB object types, size estimates kept current (Db.bytes
// and every collection's memoryUsage against a from-scratch recomputation), and MEMORY.
import assert from "node:assert/strict";
import type { Server } from "../src/server/server.ts";
import { memoryCommands } from "../src/commands/memory.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisList } from "../src/store/list.ts";
import { RedisSet } from "../src/store/set.ts";
import { SortedSet } from "../src/store/zset.ts";
import { bufferBytes, OWN_BUFFER_BYTES, SLAB_SIZE, VIEW_BYTES } from "../src/store/size.ts";
import { type CollectionValue, rdbTypeOf, type RedisValue } from "../src/store/types.ts";
import {
  RDB_TYPE_HASH,
  RDB_TYPE_HASH_LISTPACK,
  RDB_TYPE_LIST_QUICKLIST_2,
  RDB_TYPE_SET,
  RDB_TYPE_SET_INTSET,
  RDB_TYPE_SET_LISTPACK,
  RDB_TYPE_STRING,
  RDB_TYPE_ZSET_2,
  RDB_TYPE_ZSET_LISTPACK,
} from "../src/persistence/rdb_types.ts";
import {
  type Arg,
  binaryToBytes as bytes,
  DEFAULT_ENCODING_LIMITS,
  rng,
  simplify,
  withClient,
} from "./helpers.ts";
import {
  expectReferenceRowsMatch,
  HAS_REFERENCE,
  withOursAndReference,
  withReferenceClient,
} from "./reference.ts";

const LIMITS = DEFAULT_ENCODING_LIMITS;

/** Elements as forEach visits them, as comparable strings. */
function elements(v: CollectionValue): string[] {
  const out: string[] = [];
  v.forEach((e, x) => {
    const s = typeof e === "string" ? e : String.fromCharCode(...e);
    out.push(
      x === undefined ? s : `${s}=${typeof x === "number" ? x : String.fromCharCode(...x)}`,
    );
  });
  return out;
}

// One value of every type and encoding, with a mutation that changes its elements.
function samples(): [string, CollectionValue, (v: CollectionValue) => void][] {
  const smallList = RedisList.from(["a", "b", "c"].map(bytes));
  const bigList = new RedisList();
  bigList.convertToQuicklist(-2);
  for (let i = 0; i < 3000; i++) bigList.pushTail(bytes(`element-${i}`));
  const smallHash = new RedisHash();
  for (let i = 0; i < 5; i++) smallHash.set(`f${i}`, bytes(`v${i}`), LIMITS);
  const bigHash = new RedisHash();
  for (let i = 0; i < 300; i++) bigHash.set(`f${i}`, bytes(`v${i}`), LIMITS);
  const intset = RedisSet.create("1", 1, LIMITS);
  for (const m of ["3", "1", "2"]) intset.add(m, LIMITS);
  const lpSet = new RedisSet("listpack");
  for (const m of ["x", "y", "z"]) lpSet.add(m, LIMITS);
  const htSet = new RedisSet("listpack");
  for (let i = 0; i < 300; i++) htSet.add(`m${i}`, LIMITS);
  const lpZset = SortedSet.create(3, 1, LIMITS);
  for (const [m, s] of [["b", 2], ["a", 1], ["c", 3]] as const) lpZset.add(m, s, LIMITS);
  const slZset = SortedSet.create(300, 4, LIMITS);
  for (let i = 0; i < 300; i++) slZset.add(`m${i}`, i % 17, LIMITS);
  const pushList = (v: CollectionValue) => {
    (v as RedisList).pushHead(bytes("new"));
    (v as RedisList).popTail();
  };
  const setHash = (v: CollectionValue) => {
    (v as RedisHash).set("f1", bytes("changed"));
    (v as RedisHash).delete("f0");
    (v as RedisHash).set("added", bytes("x"));
  };
  const addSet = (v: CollectionValue) => {
    (v as RedisSet).add("7");
    (v as RedisSet).remove((v as RedisSet).memberAt(0));
  };
  const addZset = (v: CollectionValue) => {
    (v as SortedSet).add("new", -1);
    (v as SortedSet).popMax();
  };
  return [
    ["list listpack", smallList, pushList],
    ["list quicklist", bigList, pushList],
    ["hash listpack", smallHash, setHash],
    ["hash hashtable", bigHash, setHash],
    ["set intset", intset, addSet],
    ["set listpack", lpSet, addSet],
    ["set hashtable", htSet, addSet],
    ["zset listpack", lpZset, addZset],
    ["zset skiplist", slZset, addZset],
  ];
}

Deno.test("clone() is independent of the original for every type and encoding", () => {
  for (const [name, v, mutate] of samples()) {
    const before = elements(v);
    const c = v.clone();
    assert.equal(c.type, v.type, name);
    assert.equal(c.encoding(LIMITS), v.encoding(LIMITS), name);
    assert.equal(c.rdbType(LIMITS), v.rdbType(LIMITS), name);
    assert.deepEqual(elements(c), before, name);
    mutate(v);
    assert.notDeepEqual(elements(v), before, `${name}: the mutation changes the original`);
    assert.deepEqual(elements(c), before, `${name}: the clone is unchanged`);
    const changed = elements(v);
    mutate(c);
    mutate(c);
    assert.deepEqual(elements(v), changed, `${name}: mutating the clone leaves the original`);
    assert.equal(v.memoryUsage, v.recomputeMemoryUsage(), name);
    assert.equal(c.memoryUsage, c.recomputeMemoryUsage(), name);
  }
});

Deno.test("rdbType is the type rdbSaveObjectType picks for each encoding", () => {
  const expected: Record<string, number> = {
    "list listpack": RDB_TYPE_LIST_QUICKLIST_2,
    "list quicklist": RDB_TYPE_LIST_QUICKLIST_2,
    "hash listpack": RDB_TYPE_HASH_LISTPACK,
    "hash hashtable": RDB_TYPE_HASH,
    "set intset": RDB_TYPE_SET_INTSET,
    "set listpack": RDB_TYPE_SET_LISTPACK,
    "set hashtable": RDB_TYPE_SET,
    "zset listpack": RDB_TYPE_ZSET_LISTPACK,
    "zset skiplist": RDB_TYPE_ZSET_2,
  };
  for (const [name, v] of samples()) {
    assert.equal(`${v.type} ${v.encoding(LIMITS)}`, name);
    assert.equal(v.rdbType(LIMITS), expected[name], name);
    assert.equal(rdbTypeOf(v, LIMITS), expected[name], name);
  }
  assert.equal(rdbTypeOf(bytes("x"), LIMITS), RDB_TYPE_STRING);
});

function dbValue(server: Server, key: string, db = 0): RedisValue {
  const e = server.keyspace.dbs[db].peek(key);
  assert.ok(e, `key ${key} exists`);
  return e.value;
}

/** The reply to `args` in the shape simplify() gives. */
async function reply(
  c: { send(...a: Arg[]): Promise<void>; read(): Promise<unknown> },
  ...args: Arg[]
) {
  await c.send(...args);
  return simplify(await c.read() as never);
}

Deno.test("forEach visits elements in the order of LRANGE/HGETALL/SMEMBERS/ZRANGE", async () => {
  await withClient({}, async (r, srv) => {
    const setup: Arg[][] = [
      ["RPUSH", "l1", "c", "a", "b", "10"],
      ["LPUSH", "l1", "z"],
      ["HSET", "h1", "b", "1", "a", "2", "c", "3"],
      ["HDEL", "h1", "b"],
      ["HSET", "h1", "b", "4"],
      ["SADD", "s1", "30", "-2", "100", "7"],
      ["SADD", "s2", "q", "b", "x"],
      ["SREM", "s2", "b"],
      ["ZADD", "z1", "2", "b", "1", "c", "2", "a"],
    ];
    const big = (cmd: string, n: number, f: (i: number) => Arg[]) => {
      const args: Arg[] = [];
      for (let i = 0; i < n; i++) args.push(...f(i));
      setup.push([cmd, ...args]);
    };
    big("RPUSH l2", 2000, (i) => [`${i}`.repeat(3)]);
    big("HSET h2", 600, (i) => [`f${(i * 7919) % 1000}`, `${i}`]);
    big("SADD s3", 600, (i) => [`${(i * 7919) % 5000}`]);
    big("SADD s4", 200, (i) => [`m${(i * 7919) % 5000}`]);
    big("ZADD z2", 200, (i) => [`${i % 13}`, `m${i}`]);
    for (const cmd of setup) {
      const [name, ...rest] = cmd;
      const parts = String(name).split(" ");
      await r.call(...parts, ...rest);
    }
    await r.call("SREM", "s4", "m0", "m7919");
    await r.call("HDEL", "h2", "f0", "f7");
    const enc = (k: string) => reply(r, "OBJECT", "ENCODING", k);
    const flat = (v: CollectionValue) => {
      const out: string[] = [];
      v.forEach((e, x) => {
        out.push(typeof e === "string" ? e : String.fromCharCode(...e));
        if (x !== undefined) {
          out.push(typeof x === "number" ? String(x) : String.fromCharCode(...x));
        }
      });
      return out;
    };
    const cases: [string, Arg[]][] = [
      ["l1", ["LRANGE", "l1", 0, -1]],
      ["l2", ["LRANGE", "l2", 0, -1]],
      ["h1", ["HGETALL", "h1"]],
      ["h2", ["HGETALL", "h2"]],
      ["s1", ["SMEMBERS", "s1"]],
      ["s2", ["SMEMBERS", "s2"]],
      ["s3", ["SMEMBERS", "s3"]],
      ["s4", ["SMEMBERS", "s4"]],
      ["z1", ["ZRANGE", "z1", 0, -1, "WITHSCORES"]],
      ["z2", ["ZRANGE", "z2", 0, -1, "WITHSCORES"]],
    ];
    const seen = new Set<string>();
    for (const [key, cmd] of cases) {
      const v = dbValue(srv.server, key) as CollectionValue;
      seen.add(`${v.type} ${await enc(key)}`);
      assert.deepEqual(flat(v), await reply(r, ...cmd), key);
    }
    // Every type and encoding was covered.
    assert.deepEqual([...seen].sort(), [
      "hash hashtable",
      "hash listpack",
      "list listpack",
      "list quicklist",
      "set hashtable",
      "set intset",
      "set listpack",
      "zset listpack",
      "zset skiplist",
    ]);
    // A full SCAN-family walk of a compact encoding replies in the same order too.
    const scanned = await reply(r, "HSCAN", "h1", 0) as [string, string[]];
    assert.deepEqual(scanned[1], flat(dbValue(srv.server, "h1") as CollectionValue));
  });
});

/** Asserts every db's running total and every value's estimate against a recomputation. */
function checkSizes(server: Server, when: string): void {
  for (const db of server.keyspace.dbs) {
    for (const e of db.entries()) {
      const v = e.value;
      if (!(v instanceof Uint8Array)) {
        assert.equal(v.memoryUsage, v.recomputeMemoryUsage(), `${when}: ${e.key}`);
      }
    }
    assert.equal(db.bytes, db.recomputeBytes(), `${when}: db ${db.id}`);
  }
}

Deno.test("Db.bytes and memoryUsage stay equal to a recomputation under random writes", async () => {
  await withClient({}, async (r, srv) => {
    const rand = rng(4242);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
    const int = (n: number) => Math.floor(rand() * n);
    const keys = ["a", "b", "c", "d", "e", "f"];
    const val = () => {
      const n = pick([0, 1, 3, 20, 70, 600, 5000]);
      return rand() < 0.3 ? String(int(1000) - 500) : "v".repeat(n);
    };
    const member = () => rand() < 0.5 ? String(int(40)) : `m${int(40)}${"x".repeat(pick([0, 70]))}`;
    const gens: (() => Arg[])[] = [
      () => ["SET", pick(keys), val()],
      () => ["SET", pick(keys), val(), "KEEPTTL"],
      () => ["APPEND", pick(keys), val()],
      () => ["SETRANGE", pick(keys), int(100), val()],
      () => ["INCR", pick(keys)],
      () => ["GETDEL", pick(keys)],
      () => ["DEL", pick(keys)],
      () => ["EXPIRE", pick(keys), 1000],
      () => ["PERSIST", pick(keys)],
      () => ["RENAME", pick(keys), pick(keys)],
      () => ["COPY", pick(keys), pick(keys), "REPLACE"],
      () => ["MOVE", pick(keys), 1],
      () => ["RPUSH", pick(keys), val(), val()],
      () => ["LPUSH", pick(keys), val()],
      () => ["LPOP", pick(keys), int(3) + 1],
      () => ["RPOP", pick(keys)],
      () => ["LREM", pick(keys), int(3) - 1, val()],
      () => ["LTRIM", pick(keys), int(5), -int(5) - 1],
      () => ["LSET", pick(keys), 0, val()],
      () => ["LINSERT", pick(keys), "BEFORE", val(), val()],
      () => ["LMOVE", pick(keys), pick(keys), "LEFT", "RIGHT"],
      () => ["HSET", pick(keys), member(), val(), member(), val()],
      () => ["HDEL", pick(keys), member()],
      () => ["HINCRBY", pick(keys), member(), 3],
      () => ["HSETNX", pick(keys), member(), val()],
      () => ["SADD", pick(keys), member(), member(), member()],
      () => ["SREM", pick(keys), member()],
      () => ["SPOP", pick(keys), int(4)],
      () => ["SMOVE", pick(keys), pick(keys), member()],
      () => ["SINTERSTORE", pick(keys), pick(keys), pick(keys)],
      () => ["SUNIONSTORE", pick(keys), pick(keys), pick(keys)],
      () => ["ZADD", pick(keys), int(10), member(), int(10), member()],
      () => ["ZINCRBY", pick(keys), 2, member()],
      () => ["ZREM", pick(keys), member()],
      () => ["ZPOPMIN", pick(keys), int(3)],
      () => ["ZREMRANGEBYSCORE", pick(keys), int(5), int(10)],
      () => ["ZUNIONSTORE", pick(keys), 2, pick(keys), pick(keys)],
      () => ["ZRANGESTORE", pick(keys), pick(keys), 0, int(5)],
      () => ["SORT", pick(keys), "ALPHA", "STORE", pick(keys)],
      () => ["SELECT", int(2)],
      () => ["SWAPDB", 0, 1],
    ];
    for (let i = 0; i < 3000; i++) {
      await r.call(...pick(gens)());
      if (i % 100 === 0) checkSizes(srv.server, `step ${i}`);
      if (i === 1500) await r.call("FLUSHDB");
    }
    checkSizes(srv.server, "end");
    const total = srv.server.keyspace.totalBytes();
    assert.ok(total > 0, "the stream left data behind");
    // Expiry removes the key's bytes too.
    await r.call("SELECT", 0);
    await r.call("FLUSHALL");
    await r.call("HSET", "gone", "f", "v");
    await r.call("PEXPIRE", "gone", 1);
    const before = srv.server.keyspace.dbs[0].bytes;
    assert.ok(before > 0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(await r.call("EXISTS", "gone"), ":0\r\n");
    assert.equal(srv.server.keyspace.dbs[0].bytes, 0);
  });
});

Deno.test("bufferBytes counts slab views by their share and growable buffers whole", () => {
  const own = bytes("hello");
  assert.equal(bufferBytes(own), OWN_BUFFER_BYTES + 5);
  const slab = new Uint8Array(SLAB_SIZE);
  assert.equal(bufferBytes(slab.subarray(10, 20)), VIEW_BYTES + 10);
  const grown = new Uint8Array(1000).subarray(0, 600);
  assert.equal(bufferBytes(grown), OWN_BUFFER_BYTES + 1000);
});

Deno.test("MEMORY USAGE and INFO used_memory_dataset follow the keyspace estimate", async () => {
  await withClient({}, async (r, srv) => {
    assert.equal(await r.call("MEMORY", "USAGE", "nokey"), "$-1\r\n");
    await r.call("SET", "k", "v");
    const small = Number(await reply(r, "MEMORY", "USAGE", "k"));
    await r.call("SET", "k", "v".repeat(100_000));
    const big = Number(await reply(r, "MEMORY", "USAGE", "k", "SAMPLES", 0));
    assert.ok(big - small >= 100_000 && big - small < 100_500, `${small} -> ${big}`);
    await r.call("RPUSH", "l", ...Array.from({ length: 100 }, (_, i) => `e${i}`));
    const l1 = Number(await reply(r, "MEMORY", "USAGE", "l"));
    await r.call("RPUSH", "l", ...Array.from({ length: 100 }, (_, i) => `e${i}`));
    const l2 = Number(await reply(r, "MEMORY", "USAGE", "l"));
    // 100 more elements of 2-3 bytes, packed into the list's node bytes.
    assert.ok(l2 > l1 + 100 * 3 && l2 < l1 + 100 * 20, `${l1} -> ${l2}`);
    // A TTL costs its slot; MEMORY USAGE neither expires nor touches the key.
    await r.call("PEXPIRE", "l", 100_000);
    assert.ok(Number(await reply(r, "MEMORY", "USAGE", "l")) > l2);
    const db = srv.server.keyspace.dbs[0];
    db.peek("l")!.lru = 1;
    await r.call("MEMORY", "USAGE", "l");
    assert.equal(db.peek("l")!.lru, 1);
    const info = String(await reply(r, "INFO", "memory"));
    const field = (name: string) => Number(new RegExp(`${name}:(\\d+)`).exec(info)![1]);
    assert.equal(field("used_memory_dataset"), Math.min(db.bytes, field("used_memory")), info);
    assert.equal(
      field("used_memory_overhead"),
      field("used_memory") - field("used_memory_dataset"),
      info,
    );
    for (
      const [args, err] of [
        [["k", "SAMPLES", -1], "-ERR syntax error\r\n"],
        [["k", "SAMPLES", "x"], "-ERR value is not an integer or out of range\r\n"],
        [["k", "SAMPLES"], "-ERR syntax error\r\n"],
        [["k", "FOO", 1], "-ERR syntax error\r\n"],
      ] as [Arg[], string][]
    ) assert.equal(await r.call("MEMORY", "USAGE", ...args), err, args.join(" "));
  });
});

// ---------------------------------------------------------------------------
// Against valkey-server (Redis 7.2 behaviour) when installed.

Deno.test({
  name: "MEMORY rows match valkey-server's COMMAND INFO and DOCS",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (vk) => {
      await expectReferenceRowsMatch(vk, memoryCommands, { subcommandDocs: true });
    });
  },
});

Deno.test({
  name: "MEMORY replies and RDB types match valkey-server; usage within a sane factor",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref, srv) => {
      for (
        const args of [
          ["MEMORY", "HELP"],
          ["MEMORY", "help", "x"],
          ["MEMORY", "USAGE", "missing"],
          ["MEMORY", "USAGE", "missing", "SAMPLES", "-1"],
          ["MEMORY", "USAGE", "missing", "SAMPLES", "1x"],
          ["MEMORY", "NOPE"],
          ["MEMORY", "PURGE"],
          ["MEMORY", "DOCTOR"],
        ]
      ) {
        assert.equal(await ours.call(...args), await ref.call(...args), args.join(" "));
      }
      const many = (n: number, f: (i: number) => string[]) =>
        Array.from({ length: n }, (_, i) => f(i)).flat();
      const cases: [string, string[], number, number][] = [
        // key, command, and the accepted range of ours / valkey's MEMORY USAGE: JS objects cost
        // more than Redis's packed encodings (small collections most), raw bytes and small strings
        // (stored inline in the keyspace arena) about the same.
        ["str", ["SET", "str", "hello"], 1, 3],
        ["int", ["SET", "int", "12345"], 1, 3],
        ["bigstr", ["SET", "bigstr", "x".repeat(100_000)], 0.7, 1.5],
        ["l", ["RPUSH", "l", "a", "b", "c"], 8, 30],
        ["bigl", ["RPUSH", "bigl", ...many(5000, (i) => [`element:${i}`])], 0.7, 2],
        ["h", ["HSET", "h", "f", "v"], 1, 6],
        // Hashtable sets and hashes keep their bytes packed in a ByteTable: below Redis's dict.
        ["bigh", ["HSET", "bigh", ...many(1000, (i) => [`field:${i}`, `value:${i}`])], 0.5, 2],
        ["si", ["SADD", "si", "1", "2", "3"], 1, 6],
        ["s", ["SADD", "s", "a", "b"], 1, 6],
        ["bigs", ["SADD", "bigs", ...many(1000, (i) => [`member:${i}`])], 0.5, 2],
        ["z", ["ZADD", "z", "1", "a"], 4, 15],
        ["bigz", ["ZADD", "bigz", ...many(1000, (i) => [`${i}`, `member:${i}`])], 0.6, 3],
      ];
      for (const [key, cmd, lo, hi] of cases) {
        await ours.call(...cmd);
        await ref.call(...cmd);
        const o = Number(await reply(ours, "MEMORY", "USAGE", key));
        const v = Number(await reply(ref, "MEMORY", "USAGE", key, "SAMPLES", "0"));
        assert.ok(o / v >= lo && o / v <= hi, `${key}: ours ${o}, valkey ${v}`);
        // The first byte of a DUMP payload is the RDB object type.
        const dump = await reply(ref, "DUMP", key) as string;
        const ourType = rdbTypeOf(dbValue(srv.server, key), LIMITS);
        assert.equal(ourType, dump.charCodeAt(0), `${key}: RDB type`);
      }
    });
  },
});
