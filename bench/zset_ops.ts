/**
 * In-process timing of sorted set commands on a skiplist-encoded set, without
 * sockets or the parser (as colls_bench.ts: processCommand on one client, the
 * arguments views into one buffer, the main thread's CPU time), in ns per
 * command (median of 8 rounds of 20,000 commands):
 *
 * - ZADD of random members `element:R` (R < 100,000) with random scores, into
 *   a set that fills up (redis-benchmark's ZADD);
 * - on a 1,000,000-member set `member:N` with score N (loaded first, in ZADDs
 *   of 100 pairs, timed too): ZADD of new members, ZADD updating a score,
 *   ZSCORE, ZRANK, ZRANGE of 10 members and of 100 WITHSCORES at a random rank,
 *   ZRANGEBYSCORE LIMIT 0 10, ZREM then ZADD back;
 * - ZRANGEBYLEX LIMIT 0 10 on a 100,000-member set of equal scores.
 *
 * Given several trees, each is loaded into this process (its own server) and
 * the rounds alternate between them, so the machine's load hits them alike;
 * the ratios are to the first tree. Run from a directory whose deno.json maps
 * the npm imports (this repository):
 *
 *   deno run -A bench/zset_ops.ts [root...]     (default: this repository)
 *
 * @module
 */

const roots = Deno.args.length > 0 ? Deno.args : [new URL("..", import.meta.url).pathname];
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

/** CPU time of this thread so far, in ms. */
function cpuMs(): number {
  return Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
}

interface Tree {
  root: string;
  close: () => Promise<void>;
  /** Runs the commands on the tree's server; returns the CPU ms they took. */
  run: (rows: Uint8Array[][]) => number;
}

const trees: Tree[] = [];
for (const root of roots) {
  const { startServer } = await import(`file://${root}/mod.ts`);
  const { Client } = await import(`file://${root}/src/server/client.ts`);
  const { processCommand } = await import(`file://${root}/src/server/executor.ts`);
  const srv = await startServer({ port: 0 });
  const c = new Client(srv.server, null);
  trees.push({
    root,
    close: () => srv.close(),
    run: (rows) => {
      const t0 = cpuMs();
      for (let i = 0; i < rows.length; i++) {
        processCommand(c, rows[i]);
        if ((i & 255) === 255) c.reply.take(null);
      }
      c.reply.take(null);
      return cpuMs() - t0;
    },
  });
}

const N = 100_000;
const BIG = 1_000_000;
const ROUNDS = 8;
const PER_ROUND = 20_000;
const rnd = (n: number) => Math.floor(Math.random() * n);

function report(name: string, values: number[], unit: string): void {
  const cells = values.map((v, i) =>
    `${v.toFixed(0).padStart(7)}${i > 0 ? ` (${(v / values[0]).toFixed(2)}x)` : ""}`
  );
  console.log(`${name.padEnd(30)} ${cells.join("  ")} ${unit}`);
}

/** Times `make`'s commands on every tree, alternating the order per round. */
function time(name: string, make: () => string[]): void {
  const res: number[][] = trees.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < trees.length; k++) {
      const t = (round + k) % trees.length;
      const rows = argvs(Array.from({ length: PER_ROUND }, make));
      res[t].push(trees[t].run(rows) * 1e6 / PER_ROUND);
    }
  }
  report(name, res.map((r) => r.sort((a, b) => a - b)[ROUNDS >> 1]), "ns/command");
}

console.log(`roots: ${roots.join(", ")}`);
time("ZADD random (100,000)", () => ["ZADD", "myzset", String(rnd(N)), `element:${rnd(N)}`]);

const load: string[][] = [];
for (let i = 0; i < BIG; i += 100) {
  const row = ["ZADD", "big"];
  for (let j = i; j < i + 100; j++) row.push(String(j), `member:${j}`);
  load.push(row);
}
report("load 1,000,000 (ZADDs of 100)", trees.map((t) => t.run(argvs(load))), "ms");

let fresh = BIG;
time("ZADD new, 1M set", () => ["ZADD", "big", String(rnd(BIG)), `member:${fresh++}`]);
time("ZADD update, 1M set", () => {
  const i = rnd(BIG);
  return ["ZADD", "big", String(i + 0.5), `member:${i}`];
});
time("ZSCORE, 1M set", () => ["ZSCORE", "big", `member:${rnd(BIG)}`]);
time("ZRANK, 1M set", () => ["ZRANK", "big", `member:${rnd(BIG)}`]);
time("ZRANGE 10", () => {
  const i = rnd(BIG - 10);
  return ["ZRANGE", "big", String(i), String(i + 9)];
});
time("ZRANGE 100 WITHSCORES", () => {
  const i = rnd(BIG - 100);
  return ["ZRANGE", "big", String(i), String(i + 99), "WITHSCORES"];
});
time("ZRANGEBYSCORE LIMIT 0 10", () => {
  const i = rnd(BIG);
  return ["ZRANGEBYSCORE", "big", String(i), "+inf", "LIMIT", "0", "10"];
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

const lex: string[][] = [];
for (let i = 0; i < N; i += 100) {
  const row = ["ZADD", "lex"];
  for (let j = i; j < i + 100; j++) row.push("0", `element:${j}`);
  lex.push(row);
}
for (const t of trees) t.run(argvs(lex));
time("ZRANGEBYLEX LIMIT 0 10", () => {
  const i = rnd(N);
  return ["ZRANGEBYLEX", "lex", `[element:${i}`, "+", "LIMIT", "0", "10"];
});
for (const t of trees) await t.close();
