/**
 * Lists and sorted sets, byte for byte beside redis-server: builds the same data
 * in-process the way the commands build it (heapUsed + external after forced GCs,
 * and the keyspace's own estimate, Db.bytes) and in a redis-server started on a
 * free port (its used_memory delta), then prints bytes per element of each.
 *
 *   deno run --allow-run --allow-net --v8-flags=--expose-gc bench/list_zset_memory.ts [redis-server]
 */

import { Keyspace } from "../src/store/keyspace.ts";
import { RedisList } from "../src/store/list.ts";
import { SortedSet } from "../src/store/zset.ts";
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
const readBuf = new Uint8Array(1 << 16);
function arg(text: string): Uint8Array {
  for (let i = 0; i < text.length; i++) readBuf[i] = text.charCodeAt(i);
  return readBuf.subarray(0, text.length);
}

const ZSET_CFG = { zsetMaxListpackEntries: 128, zsetMaxListpackValue: 64 };
const FILL = -2;

/** A scenario: keys, elements per key, element and key names, and the command that adds one. */
interface Scenario {
  name: string;
  keys: number;
  per: number;
  key: (i: number) => string;
  /** Redis command adding element `j` to key `i`. */
  command: (i: number, j: number) => string[];
  /** The same in-process, on the value `v` (created when undefined). */
  build: (v: RedisList | SortedSet | undefined, i: number, j: number) => RedisList | SortedSet;
}

const scenarios: Scenario[] = [
  {
    name: "100 lists x 10,000 (LPUSH)",
    keys: 100,
    per: 10_000,
    key: (i) => `list:${i}`,
    command: (i, j) => ["LPUSH", `list:${i}`, `value:${j}`],
    build: (v, _i, j) => {
      const l = (v as RedisList | undefined) ?? new RedisList();
      const e = arg(`value:${j}`);
      l.beforeGrow(FILL, [e]);
      l.pushHead(e.slice()); // the commands before packing copied; harmless after
      return l;
    },
  },
  {
    name: "1 zset x 1,000,000 (ZADD)",
    keys: 1,
    per: 1_000_000,
    key: () => "zset",
    command: (_i, j) => ["ZADD", "zset", String(j), `m:${j}`],
    build: (v, _i, j) => {
      const z = (v as SortedSet | undefined) ?? SortedSet.create(1, 1, ZSET_CFG);
      z.add(bytesToBinary(arg(`m:${j}`)), j, ZSET_CFG);
      return z;
    },
  },
  {
    name: "100,000 zsets x 5 (ZADD)",
    keys: 100_000,
    per: 5,
    key: (i) => `z:${i}`,
    command: (i, j) => ["ZADD", `z:${i}`, String(j), `m:${j}`],
    build: (v, _i, j) => {
      const z = (v as SortedSet | undefined) ?? SortedSet.create(1, 1, ZSET_CFG);
      z.add(bytesToBinary(arg(`m:${j}`)), j, ZSET_CFG);
      return z;
    },
  },
];

function inProcess(s: Scenario): { measured: number; estimated: number } {
  const ks = new Keyspace(1, { onExpire() {}, isReplica: () => false });
  const db = ks.dbs[0];
  const before = used();
  for (let i = 0; i < s.keys; i++) {
    let v: RedisList | SortedSet | undefined;
    for (let j = 0; j < s.per; j++) v = s.build(v, i, j);
    db.add(bytesToBinary(arg(s.key(i))), v!);
  }
  const measured = used() - before;
  const estimated = db.bytes;
  db.flush();
  return { measured, estimated };
}

// --- redis-server side ------------------------------------------------------

const enc = new TextEncoder();
function resp(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

class Conn {
  private buf = new Uint8Array(1 << 20);
  private pending = "";
  constructor(private conn: Deno.TcpConn) {}
  static async open(port: number): Promise<Conn> {
    for (let i = 0; i < 200; i++) {
      try {
        return new Conn(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch {
        await new Promise((r) => setTimeout(r, 25)); // the server is still starting
      }
    }
    throw new Error("redis-server did not start");
  }
  async write(s: string): Promise<void> {
    const b = enc.encode(s);
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }
  /** Reads replies until `lines` CRLF-terminated lines arrived; returns them. */
  async readLines(lines: number): Promise<string> {
    let count = 0;
    let out = "";
    for (let p = this.pending.indexOf("\n"); p >= 0; p = this.pending.indexOf("\n", p + 1)) {
      count++;
    }
    out = this.pending;
    while (count < lines) {
      const n = await this.conn.read(this.buf);
      if (n === null) throw new Error("closed");
      const chunk = new TextDecoder().decode(this.buf.subarray(0, n));
      for (let i = 0; i < chunk.length; i++) if (chunk.charCodeAt(i) === 10) count++;
      out += chunk;
    }
    this.pending = "";
    return out;
  }
  async usedMemory(): Promise<number> {
    await this.write(resp(["MEMORY", "PURGE"]) + resp(["INFO", "memory"]));
    let text = await this.readLines(2);
    const m = /\$(\d+)\r\n/.exec(text.slice(text.indexOf("\n") + 1))!;
    const body = +m[1];
    while (text.length < text.indexOf("$") + m[0].length + body) text += await this.readLines(1);
    return +/used_memory:(\d+)/.exec(text)![1];
  }
  close() {
    this.conn.close();
  }
}

async function onRedis(bin: string, s: Scenario): Promise<number> {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const proc = new Deno.Command(bin, {
    args: ["--port", String(port), "--save", "", "--appendonly", "no"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const c = await Conn.open(port);
    const before = await c.usedMemory();
    const BATCH = 10_000;
    let batch = "";
    let n = 0;
    for (let i = 0; i < s.keys; i++) {
      for (let j = 0; j < s.per; j++) {
        batch += resp(s.command(i, j));
        if (++n === BATCH) {
          await c.write(batch);
          await c.readLines(n);
          batch = "";
          n = 0;
        }
      }
    }
    if (n > 0) {
      await c.write(batch);
      await c.readLines(n);
    }
    const after = await c.usedMemory();
    c.close();
    return after - before;
  } finally {
    proc.kill("SIGTERM");
    await proc.status;
  }
}

const bin = Deno.args[0] ?? "redis-server";
console.log(
  "| data | elements | measured B/elem | estimated B/elem | redis-server B/elem | measured / redis |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const s of scenarios) {
  const total = s.keys * s.per;
  const { measured, estimated } = inProcess(s);
  const redis = await onRedis(bin, s);
  console.log(
    `| ${s.name} | ${total.toLocaleString("en")} | ${(measured / total).toFixed(1)} | ${
      (estimated / total).toFixed(1)
    } | ${(redis / total).toFixed(1)} | ${(measured / redis).toFixed(2)} |`,
  );
}
