/**
 * In-process cost of a pipelined command, without sockets: requests as
 * `redis-benchmark -P 16 -r 100000` sends them are parsed from one buffer and
 * run through processCommand the way the connection loop does, 16 per batch,
 * and the replies are dropped. Prints the process's CPU time per command in ns
 * (user + system, so time the process waits for a core does not count). On a
 * shared machine this is steadier than requests/s: it measures the server's JS
 * work per command (the read and write syscalls are left out).
 *
 *   deno run -A bench/hotpath_micro.ts [root of a checkout] [tests] [commands]
 *
 * `root` (default: this checkout) lets two checkouts be compared, each run in
 * its own process; `tests` is a comma list of ping,set,get,incr,mset and the
 * collection writes redis-benchmark runs: lpush,rpush,lpop,rpop,sadd,spop (SADD
 * and SPOP alternating),hset,zadd.
 */

const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname;
const tests = (Deno.args[1] ?? "ping,set,get,incr,mset").split(",");
const COMMANDS = Number(Deno.args[2] ?? 2_000_000);
const PIPELINE = 16;
const KEYSPACE = 100_000;

import process from "node:process";

const { startServer } = await import(`${root}/mod.ts`);
const { Client } = await import(`${root}/src/server/client.ts`);
const { RequestParser } = await import(`${root}/src/resp/parser.ts`);
const { processCommand } = await import(`${root}/src/server/executor.ts`);

const enc = new TextEncoder();

/** One RESP request. */
function request(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function randKey(): string {
  return "key:" + String(Math.floor(Math.random() * KEYSPACE)).padStart(12, "0");
}

/** 64 batches of PIPELINE requests, cycled through. */
function batches(test: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < 64; b++) {
    let s = "";
    for (let i = 0; i < PIPELINE; i++) {
      switch (test) {
        case "ping":
          s += request(["PING"]);
          break;
        case "set":
          s += request(["SET", randKey(), "xxx"]);
          break;
        case "get":
          s += request(["GET", randKey()]);
          break;
        case "incr":
          s += request(["INCR", randKey()]);
          break;
        case "lpush":
        case "rpush":
        case "lpop":
        case "rpop":
          s += request(test.endsWith("push") ? [test, "mylist", "xxx"] : [test, "mylist"]);
          break;
        case "sadd":
          s += request(["SADD", "myset", "element:" + Math.floor(Math.random() * KEYSPACE)]);
          break;
        case "spop": // SPOP would soon find the set empty: every other request refills it
          s += request(
            i & 1
              ? ["SPOP", "myset"]
              : ["SADD", "myset", "element:" + Math.floor(Math.random() * KEYSPACE)],
          );
          break;
        case "hset":
          s += request([
            "HSET",
            "myhash",
            "element:" + Math.floor(Math.random() * KEYSPACE),
            "xxx",
          ]);
          break;
        case "zadd": {
          const r = String(Math.floor(Math.random() * KEYSPACE));
          s += request(["ZADD", "myzset", r, "element:" + r]);
          break;
        }
        case "mset": {
          const args = ["MSET"];
          for (let k = 0; k < 10; k++) args.push(randKey(), "xxx");
          s += request(args);
          break;
        }
      }
    }
    out.push(enc.encode(s));
  }
  return out;
}

const srv = await startServer({});
const server = srv.server;
const limits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1 << 30,
  authRequired: false,
  isMaster: false,
};

function run(test: string, n: number): number {
  const c = new Client(server, null);
  const parser = new RequestParser();
  const input = batches(test);
  const t0 = process.cpuUsage();
  for (let done = 0, b = 0; done < n; b++) {
    const data = input[b & 63];
    parser.writable(limits).set(data);
    parser.commit(data.length);
    let argv: Uint8Array[] | null;
    if (server.timer) {
      // The connection loop's batch: its clock readings serve all its commands.
      server.timer.begin();
      while ((argv = parser.next(limits)) !== null) {
        processCommand(c, argv);
        done++;
      }
      server.timer.end();
    } else {
      // Checkouts before the batch timer: each command starts where the one before ended.
      let first = true;
      while ((argv = parser.next(limits)) !== null) {
        processCommand(c, argv, first ? performance.now() : server.lastCallEnd);
        first = false;
        done++;
      }
    }
    c.reply.len = 0;
  }
  const t = process.cpuUsage(t0);
  return ((t.user + t.system) * 1e3) / n;
}

// Fill the keyspace first so GET finds keys as in the benchmark after SET.
run("set", 400_000);
for (const test of tests) {
  run(test, COMMANDS / 4); // warm up
  const ns = [0, 1, 2, 3, 4].map(() => run(test, COMMANDS)).sort((a, b) => a - b);
  console.log(`${test}\t${ns[0].toFixed(0)}\t${ns[2].toFixed(0)} ns/command (best, median of 5)`);
}
await srv.close();
