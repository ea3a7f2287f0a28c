/**
 * Regenerates fixtures/: RDB files written by real servers (redis-server 7.0
 * writes RDB 10, valkey-server 8.0 writes RDB 11) from one scripted dataset
 * covering every encoding they write, plus spec-exact files in the older
 * formats (RDB 1-9: linked lists, ziplists, zipmaps, intsets, text scores,
 * quicklists of ziplists, first-version streams) built by
 * scripts/old_rdb_formats.ts, and the valkey file restamped as RDB 12
 * (Redis 7.4), which no installed server reads.
 *
 * Next to each `<name>.rdb` goes `<name>.json`: every key as valkey-server
 * 8.0 (Redis 7.2's behaviour) reports it after loading that file - type,
 * encoding, absolute expire time and contents. tests/rdb_load_test.ts loads
 * each file here and compares with it, so the tests need no reference server.
 *
 *   deno run -A scripts/gen_fixtures.ts
 *
 * @module
 */

import { parseReply, type RespReply } from "../src/resp/reply_parser.ts";
import { bytesToBinary } from "../src/util/bytes.ts";
import { oldFormatFixtures } from "./old_rdb_formats.ts";
import { Crc64 } from "../src/persistence/crc64.ts";

/** Sends one command and returns its decoded reply. */
export type Call = (...args: (string | Uint8Array | number)[]) => Promise<RespReply>;

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

function encodeCommand(args: (string | Uint8Array | number)[]): Uint8Array {
  const parts: Uint8Array[] = [enc(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = a instanceof Uint8Array ? a : enc(String(a));
    parts.push(enc(`$${b.length}\r\n`), b, enc("\r\n"));
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A minimal RESP client over TCP. */
export class SimpleClient {
  private buf = new Uint8Array(0);
  private constructor(private readonly conn: Deno.TcpConn) {}

  /** Connects, retrying while the server starts (up to `timeoutMs`). */
  static async connect(port: number, timeoutMs = 10_000): Promise<SimpleClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return new SimpleClient(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  call: Call = async (...args) => {
    const bytes = encodeCommand(args);
    for (let off = 0; off < bytes.length;) off += await this.conn.write(bytes.subarray(off));
    for (;;) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        this.buf = this.buf.slice(r[1]);
        return r[0];
      }
      const chunk = new Uint8Array(256 * 1024);
      const n = await this.conn.read(chunk);
      if (n === null) throw new Error("connection closed");
      const next = new Uint8Array(this.buf.length + n);
      next.set(this.buf);
      next.set(chunk.subarray(0, n), this.buf.length);
      this.buf = next;
    }
  };

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

/** A free TCP port. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const p = (l.addr as Deno.NetAddr).port;
  l.close();
  return p;
}

/** An external server process with a client connected to it. */
export interface External {
  port: number;
  client: SimpleClient;
  /** Stops the process (SHUTDOWN NOSAVE, then kill) and waits for it. */
  stop(): Promise<void>;
}

/** Starts `bin` (redis-server / valkey-server) on a free port with `dir` and `dbfilename`. */
export async function startExternal(
  bin: string,
  dir: string,
  dbfilename: string,
  extra: string[] = [],
): Promise<External> {
  const port = freePort();
  const child = new Deno.Command(bin, {
    args: [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--dir",
      dir,
      "--dbfilename",
      dbfilename,
      "--save",
      "",
      "--appendonly",
      "no",
      "--enable-debug-command",
      "yes",
      ...extra,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const client = await SimpleClient.connect(port);
  // Wait until loading is over.
  for (;;) {
    const r = await client.call("PING");
    if (r.t !== "error") break;
    await new Promise((res) => setTimeout(res, 50));
  }
  return {
    port,
    client,
    async stop() {
      try {
        await client.call("SHUTDOWN", "NOSAVE");
      } catch { /* connection drops */ }
      client.close();
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      await child.status;
    },
  };
}

// ---------------------------------------------------------------------------
// The dataset.

const FAR = 4102444800000; // 2100-01-01, an expire time that stays in the future

function bin(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return b;
}

/**
 * Writes the fixture dataset: every type in its small and large encodings,
 * integers, LZF-compressible and binary strings, TTLs, several dbs, streams
 * with deletions, groups, PELs and consumers, and a function library.
 */
export async function writeDataset(call: Call, flavour: "redis" | "valkey"): Promise<void> {
  const ok = async (...args: (string | Uint8Array | number)[]) => {
    const r = await call(...args);
    if (r.t === "error") throw new Error(`${args.join(" ")}: ${r.v}`);
    return r;
  };
  await ok("FLUSHALL");
  await ok("SELECT", 0);
  // Strings.
  await ok("SET", "str:raw", "hello world");
  await ok("SET", "str:int", "12345");
  await ok("SET", "str:int8", "-7");
  await ok("SET", "str:int16", "-3000");
  await ok("SET", "str:int32", "2000000000");
  await ok("SET", "str:int64", "9223372036854775807");
  await ok("SET", "str:notint", "007");
  await ok("SET", "str:lzf", "abcdefgh".repeat(200));
  await ok("SET", "str:bin", bin(300, 1));
  await ok("SET", "str:empty", "");
  await ok("SET", enc("key\x00\xff\r\n"), "binary key");
  await ok("SET", "str:ttl", "expires in 2100");
  await ok("PEXPIREAT", "str:ttl", FAR);
  // Lists.
  await ok("RPUSH", "list:small", "a", "b", "1", "-2", "300", "70000", "5000000000", "c");
  const big: string[] = [];
  for (let i = 0; i < 1000; i++) big.push(`element-${i}`);
  await ok("RPUSH", "list:big", ...big);
  await ok("RPUSH", "list:longval", "x".repeat(100), "y");
  await ok("DEBUG", "QUICKLIST-PACKED-THRESHOLD", 1000);
  await ok("RPUSH", "list:plain", "small", "p".repeat(3000), "tail");
  await ok("DEBUG", "QUICKLIST-PACKED-THRESHOLD", 0);
  await ok("LPUSH", "list:ttl", "v");
  await ok("PEXPIREAT", "list:ttl", FAR);
  // Hashes.
  await ok("HSET", "hash:small", "f1", "v1", "f2", "2", "num", "-12345678901", "bin", bin(20, 2));
  const hf: string[] = [];
  for (let i = 0; i < 600; i++) hf.push(`field-${i}`, `value-${i}`);
  await ok("HSET", "hash:big", ...hf);
  await ok("HSET", "hash:longval", "f", "v".repeat(100));
  // Sets.
  await ok("SADD", "set:intset", 5, 1, -3, 100000, 7000000000, 2);
  await ok("SADD", "set:small", "apple", "banana", "cherry");
  await ok("SADD", "set:mixed", 1, 2, "three");
  const bi: number[] = [];
  for (let i = 0; i < 600; i++) bi.push(i * 3);
  await ok("SADD", "set:bigint", ...bi);
  const bs: string[] = [];
  for (let i = 0; i < 200; i++) bs.push(`member-${i}`);
  await ok("SADD", "set:big", ...bs);
  await ok("SADD", "set:longval", "m".repeat(100));
  // Sorted sets.
  await ok(
    "ZADD",
    "zset:small",
    1,
    "one",
    2.5,
    "two.5",
    -3,
    "minus",
    "inf",
    "top",
    "-inf",
    "bottom",
  );
  const bz: (string | number)[] = [];
  for (let i = 0; i < 200; i++) bz.push(i / 7, `zmember-${i}`);
  await ok("ZADD", "zset:big", ...bz);
  await ok("ZADD", "zset:longval", 1, "z".repeat(100));
  await ok("ZADD", "zset:ints", 1, "a", 2, "b", 1e15, "c");
  // Streams.
  for (let i = 1; i <= 10; i++) {
    await ok("XADD", "stream:s1", `1700000000000-${i}`, "field", `value-${i}`, "n", i);
  }
  await ok("XADD", "stream:s1", "1700000000001-0", "other", "shape");
  await ok("XDEL", "stream:s1", "1700000000000-3", "1700000000000-4");
  await ok("XGROUP", "CREATE", "stream:s1", "g1", "0");
  await ok("XGROUP", "CREATE", "stream:s1", "g2", "$");
  await ok("XREADGROUP", "GROUP", "g1", "alice", "COUNT", 3, "STREAMS", "stream:s1", ">");
  await ok("XREADGROUP", "GROUP", "g1", "bob", "COUNT", 2, "STREAMS", "stream:s1", ">");
  await ok("XACK", "stream:s1", "g1", "1700000000000-1");
  await ok("XGROUP", "CREATECONSUMER", "stream:s1", "g2", "carol");
  await ok("XGROUP", "CREATE", "stream:empty", "g", "$", "MKSTREAM");
  for (let i = 0; i < 500; i++) await ok("XADD", "stream:big", "*", "i", i, "payload", `p${i}`);
  await ok("XADD", "stream:trimmed", "5-1", "a", 1);
  await ok("XADD", "stream:trimmed", "6-1", "a", 2);
  await ok("XDEL", "stream:trimmed", "6-1");
  // Other dbs.
  await ok("SELECT", 1);
  await ok("SET", "db1:key", "in db 1");
  await ok("RPUSH", "db1:list", "x");
  await ok("SELECT", 5);
  await ok("SET", "db5:key", "in db 5");
  await ok("PEXPIREAT", "db5:key", FAR);
  // An expired key still in the keyspace when saved (skipped at load by a master).
  await ok("DEBUG", "SET-ACTIVE-EXPIRE", 0);
  await ok("SET", "db5:expired", "gone", "PX", 50);
  await new Promise((r) => setTimeout(r, 200));
  await ok("SELECT", 0);
  await ok(
    "FUNCTION",
    "LOAD",
    "#!lua name=fixturelib\nredis.register_function('fixture_fn', function(keys, args) return 1 end)",
  );
  if (flavour === "valkey") await ok("SADD", "set:valkey-only", "x", "y");
}

// ---------------------------------------------------------------------------
// Dumping a dataset as comparable JSON.

function b2s(r: RespReply): unknown {
  switch (r.t) {
    case "bulk":
    case "verbatim":
      return bytesToBinary(r.v);
    case "int":
      return Number(r.v);
    case "simple":
    case "double":
    case "bignum":
      return r.v;
    case "null":
      return null;
    case "bool":
      return r.v;
    case "error":
      return { error: r.v };
    case "array":
    case "set":
    case "push":
      return r.v.map(b2s);
    case "map":
    case "attribute":
      return r.v.map(([k, v]) => [b2s(k), b2s(v)]);
  }
}

/** One key as the fixtures' JSON records it. */
export interface KeyDump {
  db: number;
  key: string;
  type: string;
  encoding: string;
  expireAt: number;
  value: unknown;
}

/** Every key of dbs 0-15 with type, encoding, absolute expire time and contents. */
export async function dumpDataset(call: Call): Promise<KeyDump[]> {
  const out: KeyDump[] = [];
  for (let db = 0; db < 16; db++) {
    await call("SELECT", db);
    const keysReply = await call("KEYS", "*");
    const keys = (b2s(keysReply) as string[]).sort();
    for (const key of keys) {
      const k = enc(key);
      const type = b2s(await call("TYPE", k)) as string;
      const encoding = b2s(await call("OBJECT", "ENCODING", k)) as string;
      const expireAt = b2s(await call("PEXPIRETIME", k)) as number;
      let value: unknown;
      switch (type) {
        case "string":
          value = b2s(await call("GET", k));
          break;
        case "list":
          value = b2s(await call("LRANGE", k, 0, -1));
          break;
        case "hash": {
          const flat = b2s(await call("HGETALL", k)) as string[];
          const pairs: [string, string][] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
          // A listpack keeps insertion order; a hashtable's order is its own.
          if (encoding !== "listpack") pairs.sort((a, b) => a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
          value = pairs;
          break;
        }
        case "set": {
          const m = b2s(await call("SMEMBERS", k)) as string[];
          if (encoding === "hashtable") m.sort();
          value = m;
          break;
        }
        case "zset":
          value = b2s(await call("ZRANGE", k, 0, -1, "WITHSCORES"));
          break;
        case "stream": {
          const info = b2s(await call("XINFO", "STREAM", k, "FULL")) as unknown[];
          // The node layout is the store's own; everything else must match.
          const kept: unknown[] = [];
          for (let i = 0; i < info.length; i += 2) {
            if (info[i] === "radix-tree-keys" || info[i] === "radix-tree-nodes") continue;
            kept.push(info[i], info[i + 1]);
          }
          value = kept;
          break;
        }
      }
      out.push({ db, key, type, encoding, expireAt, value });
    }
  }
  await call("SELECT", 0);
  return out;
}

/** One key's DUMP payload as the fixtures record it (binary strings). */
export interface PayloadDump {
  db: number;
  key: string;
  payload: string;
}

/** The DUMP payload of every key of dbs 0-15 (RESTORE interop fixtures). */
export async function dumpPayloads(call: Call): Promise<PayloadDump[]> {
  const out: PayloadDump[] = [];
  for (let db = 0; db < 16; db++) {
    await call("SELECT", db);
    const keys = (b2s(await call("KEYS", "*")) as string[]).sort();
    for (const key of keys) {
      const p = await call("DUMP", enc(key));
      if (p.t === "bulk") out.push({ db, key, payload: bytesToBinary(p.v) });
    }
  }
  await call("SELECT", 0);
  return out;
}

/** The FUNCTION LIST reply (library names and functions), for fixtures holding libraries. */
export async function dumpFunctions(call: Call): Promise<unknown> {
  return b2s(await call("FUNCTION", "LIST"));
}

// ---------------------------------------------------------------------------
// Generation.

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** What `bin` holds after loading `file` at start-up. */
async function loadedBy(bin: string, file: string): Promise<KeyDump[]> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.copyFile(FIXTURES + file, `${dir}/${file}`);
    const v = await startExternal(bin, dir, file);
    try {
      return await dumpDataset(v.client.call);
    } finally {
      await v.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Loads `file` into valkey-server and writes what it holds next to it as
 * JSON. Files redis-server 7.0 can read (RDB 10 and older) are loaded there
 * too, and must hold the same keys, types, TTLs and contents (7.0 picks some
 * encodings of its own, and its XINFO lacks 7.2's fields, so those are not
 * compared).
 */
async function recordExpectation(file: string): Promise<void> {
  const keys = await loadedBy("valkey-server", file);
  const version = Number(
    new TextDecoder().decode((await Deno.readFile(FIXTURES + file)).subarray(5, 9)),
  );
  if (version <= 10) {
    // 7.0 prints scores with %.17g, 7.2 the shortest form: compare them as numbers; a set's
    // or hash's order follows its encoding.
    const value = (k: KeyDump) =>
      k.type === "stream"
        ? null
        : k.type === "zset"
        ? (k.value as string[]).map((x, i) => i % 2 ? Number(x) : x)
        : k.type === "set" || k.type === "hash"
        ? JSON.stringify((k.value as unknown[]).map((x) => JSON.stringify(x)).sort())
        : k.value;
    const strip = (ks: KeyDump[]) => ks.map((k) => ({ ...k, encoding: "", value: value(k) }));
    const redis = await loadedBy("redis-server", file);
    if (JSON.stringify(strip(redis)) !== JSON.stringify(strip(keys))) {
      throw new Error(`${file}: redis-server 7.0 and valkey-server load different contents`);
    }
  }
  const json = file.replace(/\.rdb$/, ".json");
  await Deno.writeTextFile(FIXTURES + json, JSON.stringify(keys, null, 1) + "\n");
  console.log(`${file}: ${keys.length} keys${version <= 10 ? " (redis-server 7.0 agrees)" : ""}`);
}

async function saveFrom(
  bin: string,
  flavour: "redis" | "valkey",
  file: string,
  dumps: boolean,
  extra: string[] = [],
) {
  const dir = await Deno.makeTempDir();
  try {
    const s = await startExternal(bin, dir, "dump.rdb", extra);
    try {
      await writeDataset(s.client.call, flavour);
      const r = await s.client.call("SAVE");
      if (r.t === "error") throw new Error(r.v);
      if (dumps) {
        const json = file.replace(/\.rdb$/, ".dump.json");
        const payloads = await dumpPayloads(s.client.call);
        await Deno.writeTextFile(FIXTURES + json, JSON.stringify(payloads, null, 1) + "\n");
      }
      if (dumps) {
        const json = file.replace(/\.rdb$/, ".dump.json");
        const payloads = await dumpPayloads(s.client.call);
        await Deno.writeTextFile(FIXTURES + json, JSON.stringify(payloads, null, 1) + "\n");
      }
    } finally {
      await s.stop();
    }
    await Deno.copyFile(`${dir}/dump.rdb`, FIXTURES + file);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const V12_FILE = "rdb-v12-from-valkey.rdb";

/** An RDB 11 file as Redis 7.4 would frame it: version 12, a SLOT_INFO opcode first. */
function asVersion12(v11: Uint8Array): Uint8Array {
  const body = v11.subarray(9, v11.length - 8);
  const head = new TextEncoder().encode("REDIS0012");
  const slotInfo = [244, 0, 1, 0]; // slot 0: 1 key, 0 volatile
  const out = new Uint8Array(head.length + slotInfo.length + body.length + 8);
  out.set(head);
  out.set(slotInfo, head.length);
  out.set(body, head.length + slotInfo.length);
  const n = out.length - 8;
  out.set(new Crc64().update(out, 0, n).digest(), n);
  return out;
}

async function main(): Promise<void> {
  await Deno.mkdir(FIXTURES, { recursive: true });
  await saveFrom("redis-server", "redis", "redis-7.0.rdb", true);
  await saveFrom("redis-server", "redis", "redis-7.0-nocompress.rdb", false, [
    "--rdbcompression",
    "no",
  ]);
  await saveFrom("valkey-server", "valkey", "valkey-8.0.rdb", true);
  for (const [name, bytes] of oldFormatFixtures()) await Deno.writeFile(FIXTURES + name, bytes);
  for (const f of [...Deno.readDirSync(FIXTURES)].map((e) => e.name).sort()) {
    if (f.endsWith(".rdb") && f !== V12_FILE) await recordExpectation(f);
  }
  // No installed server writes or reads RDB 12 (Redis 7.4): the valkey file restamped as
  // version 12 with a SLOT_INFO opcode must load to the same keys.
  await Deno.writeFile(
    FIXTURES + V12_FILE,
    asVersion12(await Deno.readFile(FIXTURES + "valkey-8.0.rdb")),
  );
  await Deno.copyFile(FIXTURES + "valkey-8.0.json", FIXTURES + V12_FILE.replace(/\.rdb$/, ".json"));
  // The JSON as `deno task check` wants it.
  await new Deno.Command(Deno.execPath(), { args: ["fmt", FIXTURES] }).output();
}

if (import.meta.main) await main();
