/**
 * Bytes per small hash and small set, beside redis-server's: builds 100,000 keys of each kind
 * in a Keyspace the way HSET/SADD build them and prints what V8 retains per key (heapUsed +
 * external after forced GCs) next to the keyspace's own estimate (Db.bytes, src/store/size.ts);
 * then loads the same keys into this server and, when installed, redis-server and valkey-server
 * over the wire and prints INFO's used_memory delta and RSS per key for each.
 *
 *   deno run --v8-flags=--expose-gc --allow-net --allow-read --allow-write --allow-run \
 *     --allow-env bench/collections_memory.ts [keys] [--no-wire] [--only=WORD]
 */

import { Keyspace } from "../src/store/keyspace.ts";
import { DEFAULT_HASH_ENCODING_CONFIG, RedisHash } from "../src/store/hash.ts";
import { DEFAULT_SET_ENCODING_CONFIG, RedisSet } from "../src/store/set.ts";
import type { RedisValue } from "../src/store/types.ts";
import { bytesToBinary, concatBytes } from "../src/util/bytes.ts";
import { connectRetry, encodeCommand, freePort } from "../tests/helpers.ts";

const N = Number(Deno.args.find((a) => !a.startsWith("--")) ?? 100_000);
const WIRE = !Deno.args.includes("--no-wire");
// --only=WORD: just the kinds whose name contains WORD (e.g. --only=hash).
const ONLY = Deno.args.find((a) => a.startsWith("--only="))?.slice(7) ?? "";

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

/** One kind of key: its name, the commands that build key `i`, and the in-process build. */
interface Kind {
  name: string;
  commands(i: number): string[][];
  build(i: number): RedisValue;
}

const HCFG = DEFAULT_HASH_ENCODING_CONFIG;
const SCFG = DEFAULT_SET_ENCODING_CONFIG;
const pad = (i: number) => String(i).padStart(8, "0");

const allKinds: Kind[] = [
  {
    name: "hash, 5 fields f1..f5, 8-byte values (listpack)",
    commands: (
      i,
    ) => [["HSET", `h:${i}`, "f1", pad(i), "f2", pad(i), "f3", pad(i), "f4", pad(i), "f5", pad(i)]],
    build: (i) => {
      const h = new RedisHash();
      for (let j = 1; j <= 5; j++) h.set(bytesToBinary(arg(`f${j}`)), arg(pad(i)).slice(), HCFG);
      return h;
    },
  },
  {
    name: "set, 5 members m:N (listpack)",
    commands: (i) => [["SADD", `s:${i}`, ...[0, 1, 2, 3, 4].map((j) => `m:${pad(i * 5 + j)}`)]],
    build: (i) => {
      const s = RedisSet.create(`m:${pad(i * 5)}`, 5, SCFG);
      for (let j = 0; j < 5; j++) s.add(bytesToBinary(arg(`m:${pad(i * 5 + j)}`)), SCFG);
      return s;
    },
  },
  {
    name: "set, 5 integer members (intset)",
    commands: (i) => [["SADD", `i:${i}`, ...[0, 1, 2, 3, 4].map((j) => String(i * 5 + j))]],
    build: (i) => {
      const s = RedisSet.create(String(i * 5), 5, SCFG);
      for (let j = 0; j < 5; j++) s.add(bytesToBinary(arg(String(i * 5 + j))), SCFG);
      return s;
    },
  },
];

const kinds = allKinds.filter((k) => k.name.includes(ONLY));

console.log(`In process, ${N.toLocaleString("en")} keys (entry and key string included):\n`);
console.log("| values | measured B/key | estimated B/key | estimate / measured |");
console.log("| --- | ---: | ---: | ---: |");
for (const kind of kinds) {
  const ks = new Keyspace(1, { onExpire() {}, isReplica: () => false });
  const db = ks.dbs[0];
  const before = used();
  for (let i = 0; i < N; i++) db.add(bytesToBinary(arg(`${kind.name[0]}:${i}`)), kind.build(i));
  const measured = (used() - before) / N;
  const estimated = db.bytes / N;
  console.log(
    `| ${kind.name} | ${measured.toFixed(0)} | ${estimated.toFixed(0)} | ${
      (estimated / measured).toFixed(2)
    } |`,
  );
  db.flush();
}

if (!WIRE) Deno.exit(0);

function infoField(info: string, name: string): number {
  return Number(new RegExp(`${name}:(\\d+)`).exec(info)![1]);
}

/** The peak RSS of process `pid` (VmHWM), in bytes; NaN where /proc is missing. */
function peakRss(pid: number): number {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
  } catch {
    return NaN;
  }
}

/**
 * Loads `kind` into a fresh server: used_memory and RSS delta per key, and the RSS after the
 * load and its peak (VmHWM) in MB.
 */
async function measure(
  cmd: string,
  args: string[],
  kind: Kind,
): Promise<[number, number, number, number]> {
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const proc = new Deno.Command(cmd, {
    args: [...args, "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const c = await connectRetry(port, 20_000);
    const info0 = await c.call("INFO", "memory");
    const batch = 1000;
    for (let i = 0; i < N; i += batch) {
      const parts: Uint8Array[] = [];
      for (let j = i; j < Math.min(N, i + batch); j++) {
        for (const argv of kind.commands(j)) parts.push(encodeCommand(argv));
      }
      await c.write(concatBytes(parts));
      for (let j = 0; j < parts.length; j++) await c.readRaw();
    }
    const info1 = await c.call("INFO", "memory");
    c.close();
    return [
      (infoField(info1, "used_memory") - infoField(info0, "used_memory")) / N,
      (infoField(info1, "used_memory_rss") - infoField(info0, "used_memory_rss")) / N,
      infoField(info1, "used_memory_rss") / 2 ** 20,
      peakRss(proc.pid) / 2 ** 20,
    ];
  } finally {
    proc.kill("SIGKILL");
    await proc.status;
    await Deno.remove(dir, { recursive: true });
  }
}

const main = new URL("../main.ts", import.meta.url).pathname;
const servers: [string, string, string[]][] = [
  ["redis-server", "redis-server", []],
  ["valkey-server", "valkey-server", []],
  ["this server", Deno.execPath(), ["run", "--allow-all", main]],
];
console.log(`\nOver the wire, ${N.toLocaleString("en")} keys (deltas per key over the load):\n`);
console.log("| values | server | used_memory B/key | RSS B/key | RSS after, MB | peak RSS, MB |");
console.log("| --- | --- | ---: | ---: | ---: | ---: |");
for (const kind of kinds) {
  for (const [name, cmd, args] of servers) {
    let cells = "- | - | - | -"; // not installed
    try {
      const [mem, rss, after, peak] = await measure(cmd, args, kind);
      cells = `${mem.toFixed(0)} | ${rss.toFixed(0)} | ${after.toFixed(0)} | ${peak.toFixed(0)}`;
    } catch {
      // keep the dashes
    }
    console.log(`| ${kind.name} | ${name} | ${cells} |`);
  }
}
