/**
 * A dataset with every type and encoding the RDB writer handles (strings as
 * ints, short, compressible and binary; listpack and multi-node lists;
 * intset of each width, listpack and hashtable sets; listpack and hashtable
 * hashes; listpack and skiplist sorted sets with odd scores; streams with
 * deleted entries, consumer groups, PELs and consumers; TTLs; several dbs),
 * as the commands that build it, so that the same data can be built here and
 * on a reference server. Also tiny helpers to run reference binaries on a dir.
 */

import { RawClient, withServerBinary } from "./helpers.ts";

/** Binary bytes including CR, LF and NUL. */
export const BINARY = Uint8Array.from({ length: 300 }, (_, i) => (i * 37 + 13) & 0xff);

/** The commands, each run in order (SELECT included). */
export function datasetCommands(): (string | Uint8Array)[][] {
  const cmds: (string | Uint8Array)[][] = [];
  const c = (...a: (string | Uint8Array)[]) => cmds.push(a);
  c("CONFIG", "SET", "list-max-listpack-size", "4");
  // Strings.
  c("SET", "str:int8", "-100");
  c("SET", "str:int16", "30000");
  c("SET", "str:int32", "-2000000000");
  c("SET", "str:int64", "-2147483649");
  c("SET", "str:int64b", "9223372036854775807");
  c("SET", "str:lead0", "007");
  c("SET", "str:short", "hello");
  c("SET", "str:empty", "");
  c("SET", "str:long", "abc".repeat(200));
  c("SET", "str:binary", BINARY);
  c("SET", BINARY.subarray(0, 40), "binary key");
  c("SET", "12345", "numeric key");
  c("SET", "str:ttl", "v", "PXAT", "4102444800000");
  c("APPEND", "str:appended", "x".repeat(30));
  // Lists.
  c("RPUSH", "list:lp", "a", "1", "-1", "127", "128", "-4096", "4095", "32767", "-32769");
  c("RPUSH", "list:lp2", "8388607", "-8388609", "2147483647", "2147483648", "-9223372036854775808");
  c("RPUSH", "list:bin", BINARY, "y".repeat(5000));
  for (let i = 0; i < 30; i++) c("RPUSH", "list:ql", "item" + i, String(i * 1000));
  c("LPUSH", "list:ttl", "x", "y");
  c("EXPIRE", "list:ttl", "100000");
  // Sets.
  c("SADD", "set:i16", "1", "2", "-3", "100");
  c("SADD", "set:i32", "1", "70000", "-70000");
  c("SADD", "set:i64", "1", "5000000000", "-9223372036854775808");
  c("SADD", "set:lp", "a", "b", "1", "c");
  const big: string[] = [];
  for (let i = 0; i < 200; i++) big.push("member" + i);
  c("SADD", "set:ht", ...big);
  const ints: string[] = [];
  for (let i = 0; i < 600; i++) ints.push(String(i * 7));
  c("SADD", "set:bigints", ...ints);
  c("SADD", "set:binary", BINARY, "z");
  // Hashes.
  c("HSET", "hash:lp", "f1", "v1", "f2", "12", "f3", "-5", "num", "3.5");
  const fields: string[] = [];
  for (let i = 0; i < 150; i++) fields.push("field" + i, "value" + i);
  c("HSET", "hash:ht", ...fields);
  c("HSET", "hash:longval", "f", "v".repeat(100));
  c("HSET", "hash:binary", BINARY, BINARY);
  // Sorted sets.
  c("ZADD", "zset:lp", "1", "a", "2.5", "b", "-3", "c", "1e300", "d", "inf", "e", "-inf", "f");
  c("ZADD", "zset:lp", "0.1", "g", "12345678901234567890", "h", "-0.000001", "i", "100", "7");
  const zm: string[] = [];
  for (let i = 0; i < 200; i++) zm.push(String(i / 3), "m" + i);
  c("ZADD", "zset:sl", ...zm);
  c("ZADD", "zset:long", "1", "x".repeat(100));
  // Streams.
  c("XADD", "stream:s", "1-1", "a", "1", "b", "2");
  c("XADD", "stream:s", "1-2", "a", "3", "b", "4");
  c("XADD", "stream:s", "2-0", "c", "5");
  for (let i = 0; i < 250; i++) c("XADD", "stream:s", `${1000 + i}-${i}`, "f", String(i), "g", "x");
  c("XDEL", "stream:s", "1-2", "1010-10");
  c("XGROUP", "CREATE", "stream:s", "g1", "0");
  c("XGROUP", "CREATE", "stream:s", "g0", "$");
  c("XGROUP", "CREATE", "stream:s", "g2", "1005-5", "ENTRIESREAD", "7");
  c("XREADGROUP", "GROUP", "g1", "bob", "COUNT", "3", "STREAMS", "stream:s", ">");
  c("XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", "stream:s", ">");
  c("XGROUP", "CREATECONSUMER", "stream:s", "g1", "idle");
  c("XACK", "stream:s", "g1", "1-1");
  c("XADD", "stream:empty", "5-5", "k", "v");
  c("XDEL", "stream:empty", "5-5");
  c("XGROUP", "CREATE", "stream:empty", "grp", "$");
  for (let i = 1; i <= 300; i++) {
    c("XADD", "stream:big", "MAXLEN", "100", `${i}-0`, "payload", "p".repeat(i));
  }
  // Other dbs.
  c("SELECT", "2");
  c("SET", "db2:key", "in db 2");
  c("RPUSH", "db2:list", "x");
  c("SELECT", "15");
  c("HSET", "db15:hash", "f", "v");
  c("PEXPIRE", "db15:hash", "99999999");
  c("SELECT", "0");
  return cmds;
}

/** Keys of the dataset per db (for per-key comparisons). */
export async function keysByDb(c: RawClient): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const db of [0, 2, 15]) {
    await c.call("SELECT", String(db));
    const raw = await c.call("KEYS", "*");
    const keys: string[] = [];
    let p = raw.indexOf("\r\n") + 2;
    while (p < raw.length) {
      const nl = raw.indexOf("\r\n", p);
      const n = Number(raw.slice(p + 1, nl));
      keys.push(raw.slice(nl + 2, nl + 2 + n));
      p = nl + 2 + n + 2;
    }
    out.set(db, keys.sort());
  }
  await c.call("SELECT", "0");
  return out;
}

/**
 * Runs `bin` (valkey-server or redis-server) on `dir` (loading its dump.rdb),
 * hands `fn` a client, and always kills it.
 */
export function withBinaryOn(
  bin: string,
  dir: string,
  fn: (c: RawClient, port: number) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  return withServerBinary(bin, dir, fn, ["--enable-debug-command", "yes", ...args]);
}
