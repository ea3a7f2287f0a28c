/**
 * Where the bytes go: builds keyspaces of one kind of value at a time the way
 * the commands build them, and compares what V8 retains (heapUsed + external
 * after forced GCs) with the keyspace's own estimate (Db.bytes, from
 * src/store/size.ts). Calibrates the constants in size.ts.
 *
 *   deno run --v8-flags=--expose-gc bench/values_memory.ts
 */

import { INLINE_MAX, Keyspace } from "../src/store/keyspace.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisList } from "../src/store/list.ts";
import { RedisSet } from "../src/store/set.ts";
import { SortedSet } from "../src/store/zset.ts";
import { makeId, RedisStream } from "../src/store/stream.ts";
import type { RedisValue } from "../src/store/types.ts";
import { bytesToBinary } from "../src/util/bytes.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --v8-flags=--expose-gc");

function used(): number {
  gc!();
  gc!();
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

// Argument bytes as the parser hands them to a command: a view into a read buffer.
const readBuf = new Uint8Array(1 << 20);
function arg(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) readBuf[i] = text.charCodeAt(i);
  return readBuf.subarray(0, text.length);
}

// string.ts's copyValue: a value the keyspace stores inline (up to INLINE_MAX bytes) is passed as
// the request's view (the keyspace copies it); a longer one is copied into its own buffer.
function copyValue(src: Uint8Array): Uint8Array {
  return src.length > INLINE_MAX ? src.slice() : src;
}

const pad = (i: number, len: number) => String(i).padStart(len, "0");
const HASH_CFG = { hashMaxListpackEntries: 512, hashMaxListpackValue: 64 };
const SET_CFG = { setMaxIntsetEntries: 512, setMaxListpackEntries: 128, setMaxListpackValue: 64 };
const ZSET_CFG = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
const STREAM_CFG = { streamNodeMaxBytes: 4096, streamNodeMaxEntries: 100 };

/** A stream of `n` XADDs of one field and a 10-byte value, as XADD appends them. */
function stream(i: number, n: number): RedisStream {
  const s = new RedisStream();
  for (let j = 0; j < n; j++) {
    s.append(makeId(i * n + j + 1, 0), [arg("field").slice(), arg(`v${pad(j, 9)}`)], 0, STREAM_CFG);
  }
  return s;
}

const scenarios: [string, number, (i: number) => RedisValue][] = [
  ["string 3 B (inline)", 100_000, (i) => copyValue(arg(pad(i, 3).slice(-3)))],
  ["string 3 B (inline)", 1_000_000, (i) => copyValue(arg(pad(i, 3).slice(-3)))],
  ["string 100 B (inline)", 100_000, (i) => copyValue(arg(pad(i, 100)))],
  ["string 1000 B (own)", 20_000, (i) => copyValue(arg(pad(i, 1000)))],
  ["hash 5 fields", 20_000, (i) => {
    const h = new RedisHash();
    for (let j = 0; j < 5; j++) {
      h.set(bytesToBinary(arg(`field:${j}`)), arg(pad(i, 8)).slice(), HASH_CFG);
    }
    return h;
  }],
  ["hash 1000 fields", 100, (i) => {
    const h = new RedisHash();
    for (let j = 0; j < 1000; j++) {
      h.set(bytesToBinary(arg(`field:${j}`)), arg(pad(i + j, 8)).slice(), HASH_CFG);
    }
    return h;
  }],
  ["list 5 elements", 20_000, (i) => {
    const l = new RedisList();
    for (let j = 0; j < 5; j++) l.pushTail(arg(pad(i + j, 8)).slice());
    return l;
  }],
  ["list 1000 elements", 100, (i) => {
    const l = new RedisList();
    l.convertToQuicklist(-2);
    for (let j = 0; j < 1000; j++) l.pushTail(arg(pad(i + j, 8)).slice());
    return l;
  }],
  ["set 5 members", 20_000, (i) => {
    const s = new RedisSet("listpack");
    for (let j = 0; j < 5; j++) s.add(bytesToBinary(arg(`m:${pad(i * 5 + j, 8)}`)), SET_CFG);
    return s;
  }],
  ["set 1000 members", 100, (i) => {
    const s = new RedisSet("hashtable");
    for (let j = 0; j < 1000; j++) s.add(bytesToBinary(arg(`m:${pad(i * 1000 + j, 8)}`)));
    return s;
  }],
  ["zset 5 members", 10_000, (i) => {
    const z = SortedSet.create(5, 10, ZSET_CFG);
    for (let j = 0; j < 5; j++) z.add(bytesToBinary(arg(`m:${pad(i * 5 + j, 8)}`)), j, ZSET_CFG);
    return z;
  }],
  ["zset 1000 members", 100, (i) => {
    const z = SortedSet.create(1000, 10, ZSET_CFG);
    for (let j = 0; j < 1000; j++) {
      z.add(bytesToBinary(arg(`m:${pad(i * 1000 + j, 8)}`)), j, ZSET_CFG);
    }
    return z;
  }],
  ["stream 5 entries", 20_000, (i) => stream(i, 5)],
  ["stream 1000 entries", 100, (i) => stream(i, 1000)],
];

console.log("| values | keys | measured B/key | estimated B/key | estimate / measured |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [name, n, make] of scenarios) {
  const ks = new Keyspace(1, { onExpire() {}, isReplica: () => false });
  const db = ks.dbs[0];
  const before = used();
  for (let i = 0; i < n; i++) db.add(bytesToBinary(arg(`key:${pad(i, 8)}`)), make(i));
  const measured = (used() - before) / n;
  const estimated = db.bytes / n;
  console.log(
    `| ${name} | ${n} | ${measured.toFixed(0)} | ${estimated.toFixed(0)} | ${
      (estimated / measured).toFixed(2)
    } |`,
  );
  db.flush();
}

// Arena churn: an overwritten value leaves its old record dead until its chunk is less than
// half live and gets compacted, so random overwrites cost up to twice the records' bytes.
console.log();
console.log(
  "| 100,000 keys, random SETs | value | measured B/key | estimated B/key | estimate / measured |",
);
console.log("| --- | ---: | ---: | ---: | ---: |");
let seed = 1;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (const len of [3, 100, 500]) {
  for (const writes of [100_000, 1_000_000]) {
    const ks = new Keyspace(1, { onExpire() {}, isReplica: () => false });
    const db = ks.dbs[0];
    const value = "v".repeat(len);
    const keys = Array.from({ length: 100_000 }, (_, i) => `key:${pad(i, 8)}`);
    const before = used();
    for (let i = 0; i < writes; i++) {
      const k = i < 100_000 ? keys[i] : keys[Math.floor(random() * 100_000)];
      db.set(k, copyValue(arg(value)));
    }
    const measured = (used() - before) / 100_000;
    const estimated = db.bytes / 100_000;
    console.log(
      `| ${writes.toLocaleString("en")} | ${len} B | ${measured.toFixed(0)} | ${
        estimated.toFixed(0)
      } | ${(estimated / measured).toFixed(2)} |`,
    );
    db.flush();
  }
}
