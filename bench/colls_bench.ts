/**
 * In-process timing of the collection writes, without sockets or the parser:
 * each command runs through processCommand on one client, its arguments views
 * into one buffer as the parser hands them out. Two workloads:
 *
 * - redis-benchmark's (`-r 100000`): LPUSH mylist xxx, SADD myset element:R,
 *   HSET myhash element:R xxx, ZADD myzset R element:R, LPOP and SPOP,
 *   ns per command (median of rounds);
 * - one big request: RPUSH / SADD with 200,000 arguments, HSET / ZADD with
 *   200,000 pairs, GEOADD with 200,000 triples, ms per request (best of rounds).
 *
 * Times are the main thread's CPU time (/proc/thread-self/schedstat, so GC
 * work on that thread counts and waiting for a core does not): robust where
 * the shared machine makes wall-clock numbers move. Compare two trees by
 * running it from each (`deno run -A bench/colls_bench.ts [root]`, root
 * defaulting to this repository), alternating.
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
      const n = encoder.encode(a).length;
      argv.push(all.subarray(p, p + n));
      p += n;
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
    if ((i & 1023) === 1023) c.reply.take(null);
  }
  c.reply.take(null);
  return cpuMs() - t0;
}

const R = 100_000;
const N = 200_000;
const rnd = () => Math.floor(Math.random() * R);
const small: [string, () => string[]][] = [
  ["LPUSH", () => ["LPUSH", "mylist", "xxx"]],
  ["LPOP", () => ["LPOP", "mylist"]],
  ["SADD", () => ["SADD", "myset", `element:${rnd()}`]],
  ["SPOP", () => ["SPOP", "myset"]],
  ["HSET", () => ["HSET", "myhash", `element:${rnd()}`, "xxx"]],
  ["ZADD", () => ["ZADD", "myzset", String(rnd()), `element:${rnd()}`]],
];
console.log(`root ${root}`);
for (const [name, make] of small) {
  const rows = argvs(Array.from({ length: N }, make));
  const times: number[] = [];
  for (let round = 0; round < 5; round++) times.push(run(rows));
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(6)} ${(times[2] * 1e6 / N).toFixed(0).padStart(6)} ns/command (CPU)`);
}
srv.exec("FLUSHALL");

const big: [string, (i: number) => string[], string[]][] = [
  ["RPUSH 200,000 args", (i) => [`element:${i}`], ["RPUSH", "biglist"]],
  ["SADD 200,000 args", (i) => [`member:${i}`], ["SADD", "bigset"]],
  ["HSET 200,000 pairs", (i) => [`field:${i}`, `value:${i}`], ["HSET", "bighash"]],
  ["ZADD 200,000 pairs", (i) => [String(i), `member:${i}`], ["ZADD", "bigzset"]],
  ["GEOADD 200,000 triples", (i) => [
    String(-170 + (i % 340)),
    String(-80 + (i % 160) + (i % 7) / 10),
    `place:${i}`,
  ], ["GEOADD", "biggeo"]],
];
for (const [name, arg, head] of big) {
  const row = [...head];
  for (let i = 0; i < N; i++) row.push(...arg(i));
  const [argv] = argvs([row]);
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    srv.exec("FLUSHALL");
    best = Math.min(best, run([argv]));
  }
  console.log(`${name.padEnd(24)} ${best.toFixed(0).padStart(6)} ms (CPU)`);
}
await srv.close();
