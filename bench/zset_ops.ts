/**
 * In-process timing of sorted set commands on a skiplist-encoded set, without
 * sockets or the parser (as colls_bench.ts: processCommand on one client, the
 * arguments views into one buffer, the main thread's CPU time). Workloads, in
 * ns per command (median of 5 rounds of 100,000 commands):
 *
 * - ZADD of random members `element:R` (R < 100,000) with random scores, into
 *   a set that fills up (redis-benchmark's ZADD);
 * - on a 1,000,000-member set `member:N` with score N: ZADD of new members,
 *   ZADD updating a score, ZSCORE, ZRANK, ZRANGE of 100 members at a random
 *   rank (WITHSCORES), ZRANGEBYSCORE LIMIT 0 10, ZRANGEBYLEX of 10, ZREM then
 *   ZADD back.
 *
 * Compare two trees by running it from each, alternating:
 *   deno run -A bench/zset_ops.ts [root]
 *
 * @module
 */

const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname;
const { startServer } = await import(`file://${root}/mod.ts`);
const { Client } = await import(`file://${root}/src/server/client.ts`);
const { processCommand } = await import(`file://${root}/src/server/executor.ts`);

const encoder = new TextEncoder();

/** Argument vectors as views into one buffer (what the parser hands a command). */
function argvs(rows: string[][]): Uint8Array[][] {
  const all = encoder.encode(rows.map((r) => r.join("")).join(""));
  const out: Uint8Array[][] = [];
  let p = 0;
  for (const r of rows) {
    const argv: Uint8Array[] = [];
    for (const a of r) {
      argv.push(all.subarray(p, p + a.length));
      p += a.length;
    }
    out.push(argv);
  }
  return out;
}

const srv = await startServer({ port: 0 });
// deno-lint-ignore no-explicit-any
const c = new Client(srv.server, null) as any;

/** CPU time of this thread so far, in ms. */
function cpuMs(): number {
  return Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
}

function run(rows: Uint8Array[][]): number {
  const t0 = cpuMs();
  for (let i = 0; i < rows.length; i++) {
    processCommand(c, rows[i]);
    if ((i & 255) === 255) c.reply.take(null);
  }
  c.reply.take(null);
  return cpuMs() - t0;
}

const N = 100_000;
const BIG = 1_000_000;
const rnd = (n: number) => Math.floor(Math.random() * n);

function time(name: string, make: () => string[]): void {
  const times: number[] = [];
  for (let round = 0; round < 5; round++) times.push(run(argvs(Array.from({ length: N }, make))));
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} ${(times[2] * 1e6 / N).toFixed(0).padStart(6)} ns/command`);
}

console.log(`root ${root}`);
time("ZADD random (100,000)", () => ["ZADD", "myzset", String(rnd(N)), `element:${rnd(N)}`]);

// The big set, loaded in requests of 100 pairs.
const load: string[][] = [];
for (let i = 0; i < BIG; i += 100) {
  const row = ["ZADD", "big"];
  for (let j = i; j < i + 100; j++) row.push(String(j), `member:${j}`);
  load.push(row);
}
console.log(`load 1,000,000 in ZADDs of 100 ${run(argvs(load)).toFixed(0).padStart(6)} ms`);

let fresh = BIG;
time("ZADD new, 1M set", () => ["ZADD", "big", String(rnd(BIG)), `member:${fresh++}`]);
time("ZADD update, 1M set", () => {
  const i = rnd(BIG);
  return ["ZADD", "big", String(i + 0.5), `member:${i}`];
});
time("ZSCORE, 1M set", () => ["ZSCORE", "big", `member:${rnd(BIG)}`]);
time("ZRANK, 1M set", () => ["ZRANK", "big", `member:${rnd(BIG)}`]);
time("ZRANGE 100 WITHSCORES", () => {
  const i = rnd(BIG - 100);
  return ["ZRANGE", "big", String(i), String(i + 99), "WITHSCORES"];
});
time("ZRANGEBYSCORE LIMIT 0 10", () => {
  const i = rnd(BIG);
  return ["ZRANGEBYSCORE", "big", String(i), "+inf", "LIMIT", "0", "10"];
});
const lex: string[][] = [];
for (let i = 0; i < N; i += 100) {
  const row = ["ZADD", "lex"];
  for (let j = i; j < i + 100; j++) row.push("0", `element:${j}`);
  lex.push(row);
}
run(argvs(lex));
time("ZRANGEBYLEX 10 (equal scores)", () => {
  const i = rnd(N);
  return ["ZRANGEBYLEX", "lex", `[element:${i}`, "+", "LIMIT", "0", "10"];
});
let removed = -1;
time("ZREM, ZADD back, 1M set", () => {
  if (removed >= 0) {
    const i = removed;
    removed = -1;
    return ["ZADD", "big", String(i), `member:${i}`];
  }
  removed = rnd(BIG);
  return ["ZREM", "big", `member:${removed}`];
});
await srv.close();
