/**
 * Commands of over 1,024 arguments run from the parser's argument block
 * (src/resp/arg_block.ts) when their table row has a `bulk` handler: RPUSH,
 * LPUSH, SADD, HSET, ZADD, MSET, GEOADD and friends. They must behave exactly as
 * the same commands run from views: replies and errors (also past the argv
 * head the block path dispatches with), the dataset (DEBUG DIGEST against the
 * reference), MULTI, MONITOR, the slowlog, WATCH, keyspace events, commandstats,
 * and what replicas and the AOF receive.
 */

import assert from "node:assert/strict";
import {
  type Arg,
  captureKeyEvents,
  cmd,
  encodeCommand,
  RawClient,
  tempDir,
  waitUntil,
  withClient,
  withServer,
} from "./helpers.ts";
import { HAS_REFERENCE, withOursAndReference } from "./reference.ts";
import type { RunningServer } from "../mod.ts";

/**
 * Counts the runs of every `bulk` handler of `srv`'s command table, so a test can
 * tell that its commands took the argument-block path.
 */
function countBulkRuns(srv: RunningServer): Map<string, number> {
  const runs = new Map<string, number>();
  for (const cmd of srv.server.commands.all()) {
    const bulk = cmd.bulk;
    if (bulk === undefined) continue;
    cmd.bulk = (c, args) => {
      runs.set(cmd.name, (runs.get(cmd.name) ?? 0) + 1);
      bulk(c, args);
    };
  }
  return runs;
}

/** Over the parser's MANY_ARGS (1,024), so each of these arrives as an argument block. */
const N = 1500;

function seq(n: number, f: (i: number) => Arg[]): Arg[] {
  const out: Arg[] = [];
  for (let i = 0; i < n; i++) out.push(...f(i));
  return out;
}

/** Big commands and their errors, in order (each run on the dataset the ones before left). */
const CASES: Arg[][] = [
  ["RPUSH", "l", ...seq(N, (i) => [`e${i}`])],
  ["LPUSH", "l", ...seq(N, (i) => [i % 7 === 0 ? "x".repeat(70 + i % 200) : String(i)])],
  ["RPUSHX", "nolist", ...seq(N, (i) => [`e${i}`])],
  ["LPUSHX", "l", ...seq(N, (i) => [`h${i}`])],
  // Elements over a node's size get plain nodes; a count-limited fill.
  ["RPUSH", "lbig", ...seq(N, (i) => [i % 500 === 7 ? "y".repeat(9000 + i) : `e${i}`])],
  ["LPUSH", "lbig", ...seq(N, (i) => [i % 500 === 7 ? "z".repeat(9000 + i) : `e${i}`])],
  ["LLEN", "lbig"],
  ["LINDEX", "lbig", 1507],
  ["CONFIG", "SET", "list-max-listpack-size", 5],
  ["RPUSH", "l5", ...seq(N, (i) => [`e${i}`])],
  ["LPUSH", "l5", ...seq(N, (i) => [`e${i}`])],
  ["CONFIG", "SET", "list-max-listpack-size", -5],
  ["RPUSH", "l6", ...seq(N, (i) => [`e${i}`])],
  ["CONFIG", "SET", "list-max-listpack-size", -2],
  ["LRANGE", "l5", 1498, 1502],
  ["LRANGE", "l", 0, 5],
  ["LRANGE", "l", -5, -1],
  ["LLEN", "l"],
  ["SADD", "si", ...seq(N, (i) => [i % 1000])],
  ["SADD", "ss", ...seq(N, (i) => [`m${i % 1200}`])],
  ["SADD", "ss", ...seq(N, (i) => [`m${i}`])],
  ["SCARD", "ss"],
  ["OBJECT", "ENCODING", "si"],
  ["HSET", "h", ...seq(N, (i) => [`f${i % 1300}`, `v${i}`])],
  ["HMSET", "h2", ...seq(N, (i) => [`f${i}`, i])],
  ["HSET", "h3", ...seq(N, (i) => [`f${i}`]), "odd"],
  ["HGET", "h", "f5"],
  ["HLEN", "h"],
  ["ZADD", "z", ...seq(N, (i) => [i * 1.5, `m${i}`])],
  ["ZADD", "z", "CH", ...seq(N, (i) => [i % 3, `m${i}`])],
  ["ZADD", "z", "NX", "CH", ...seq(N, (i) => [-i, `n${i % 900}`])],
  ["ZADD", "z", "XX", "GT", ...seq(N, (i) => [i, `m${i}`])],
  ["ZADD", "z", "NX", "XX", ...seq(N, (i) => [i, `m${i}`])],
  ["ZADD", "z", "GT", "LT", ...seq(N, (i) => [i, `m${i}`])],
  ["ZADD", "z", "INCR", ...seq(N, (i) => [i, `m${i}`])],
  // A bad score far past the argv head: nothing is added.
  ["ZADD", "zbad", ...seq(N, (i) => [i === 1400 ? "1.5x" : i, `m${i}`])],
  ["ZADD", "zbad", ...seq(N, (i) => [i === 1400 ? "nan" : i, `m${i}`])],
  ["ZADD", "z", ...seq(N, (i) => [i, `m${i}`]), "odd"],
  // Options past the argv head (32 arguments).
  ["ZADD", "zopt", ...seq(40, () => ["nx"]), ...seq(N, (i) => [i, `m${i}`])],
  ["ZADD", "zopt", ...seq(40, () => ["ch"]), "xx", ...seq(N, (i) => [i + 1, `m${i}`])],
  ["ZCARD", "zbad"],
  ["ZRANGE", "z", 0, 4, "WITHSCORES"],
  ["MSET", ...seq(N, (i) => [`k${i}`, i % 5 === 0 ? "v".repeat(100) : `v${i}`])],
  ["MSET", ...seq(N, (i) => [`k${i}`]), "odd"],
  ["MSETNX", ...seq(N, (i) => [`nk${i}`, i])],
  ["MSETNX", ...seq(N, (i) => [`nk2${i}`, i]), "k1499", "taken"],
  ["GET", "k1499"],
  ["GEOADD", "g", ...seq(N, (i) => [-179 + (i % 358), -84 + (i % 168) / 2, `p${i}`])],
  ["GEOADD", "g", "CH", ...seq(N, (i) => [10 + (i % 100) / 10, 20, `p${i}`])],
  ["GEOADD", "g", "NX", "XX", ...seq(N, (i) => [1, 1, `p${i}`])],
  ["GEOADD", "gbad", ...seq(N, (i) => [i === 1300 ? 200 : 1, 1, `p${i}`])],
  ["GEOADD", "gbad", ...seq(N, (i) => [i === 1300 ? "x" : 1, 1, `p${i}`])],
  ["GEOADD", "g", ...seq(N, (i) => [1, 1, `p${i}`]), "odd"],
  ["GEOADD", "g", ...seq(40, () => ["ch"]), ...seq(N, (i) => [2, 2, `p${i}`])],
  ["GEOPOS", "g", "p1", "p1499"],
  // WRONGTYPE from every converted command.
  ["RPUSH", "k1", ...seq(N, (i) => [i])],
  ["SADD", "l", ...seq(N, (i) => [i])],
  ["HSET", "l", ...seq(N, (i) => [i, i])],
  ["ZADD", "l", ...seq(N, (i) => [i, i])],
  ["GEOADD", "l", ...seq(N, (i) => [1, 1, i])],
  ["EXISTS", ...seq(N, (i) => [`k${i * 3}`])],
  ["DEL", ...seq(N, (i) => [`k${i * 2}`])],
  ["UNLINK", ...seq(N, (i) => [i % 2 ? `k${i}` : `nk${i}`])],
  ["EXISTS", ...seq(N, (i) => [`k${i}`])],
  // Big commands without a bulk handler run from views.
  ["SREM", "ss", ...seq(N, (i) => [`m${i * 2}`])],
  ["NOSUCHCOMMAND", ...seq(N, (i) => [`a${i}`])],
];

const DEBUG: Record<string, string> = { "enable-debug-command": "yes" };
const REF_DEBUG = ["--enable-debug-command", "yes"];

/** DEBUG DIGEST of the dataset (40 hex digits), asserted to be one. */
async function digest(c: RawClient): Promise<string> {
  const d = await c.call("DEBUG", "DIGEST");
  assert.match(d, /^\+[0-9a-f]{40}\r\n$/);
  return d;
}

/**
 * A test against the reference, DEBUG enabled on both; `runs` counts our bulk
 * handlers' runs (countBulkRuns).
 */
function referenceTest(
  name: string,
  fn: (ours: RawClient, ref: RawClient, runs: Map<string, number>) => Promise<void>,
): void {
  Deno.test({
    name,
    ignore: !HAS_REFERENCE,
    fn: () =>
      withOursAndReference(
        DEBUG,
        (ours, ref, srv) => fn(ours, ref, countBulkRuns(srv)),
        REF_DEBUG,
      ),
  });
}

referenceTest(
  "bulk: big commands reply and store as the reference does",
  async (ours, ref, runs) => {
    for (const c of CASES) {
      const label = `${c[0]} ${c[1]} ... (${c.length} args)`;
      assert.equal(await ours.call(...c), await ref.call(...c), label);
    }
    assert.equal(await digest(ours), await digest(ref));
    // Every converted command ran from its block (the others from views).
    for (const name of ["rpush", "lpush", "rpushx", "lpushx", "sadd", "hset", "hmset", "zadd"]) {
      assert.ok(runs.get(name)! > 0, name);
    }
    for (const name of ["mset", "msetnx", "geoadd", "del", "unlink", "exists"]) {
      assert.ok(runs.get(name)! > 0, name);
    }
    assert.equal(runs.get("srem"), undefined);
  },
);

referenceTest(
  "bulk: a big command queued in MULTI, and the slowlog's view of one, as the reference",
  async (ours, ref, runs) => {
    const both = async (...c: Arg[]) => assert.equal(await ours.call(...c), await ref.call(...c));
    await both("MULTI");
    await both("RPUSH", "l", ...seq(N, (i) => [`e${i}`]));
    await both("ZADD", "z", ...seq(N, (i) => [i === 1400 ? "bad" : i, `m${i}`]));
    await both("HSET", "h", ...seq(N, (i) => [`f${i}`, i]));
    await both("EXEC");
    assert.equal(await digest(ours), await digest(ref));
    // The slowlog keeps the first 31 arguments and counts the rest.
    await both("CONFIG", "SET", "slowlog-log-slower-than", 0);
    await both("SLOWLOG", "RESET");
    await both("SADD", "s", ...seq(N, (i) => [`m${i}`]));
    const entryArgs = async (c: RawClient) =>
      ((await cmd(c, "SLOWLOG", "GET", 1)) as unknown[][])[0][3];
    const got = await entryArgs(ours) as string[];
    assert.deepEqual(got, await entryArgs(ref));
    assert.equal(got.length, 32);
    assert.equal(got[31], `... (${N + 2 - 31} more arguments)`);
    // Queued in MULTI they ran from views; SADD from its block.
    assert.deepEqual([...runs], [["sadd", 1]]);
  },
);

Deno.test("bulk: MONITOR, WATCH, keyspace events, commandstats and CLIENT LIST see a big command", async () => {
  await withClient({}, async (c, srv) => {
    const runs = countBulkRuns(srv);
    const events = captureKeyEvents(srv, "KEA");
    const mon = await RawClient.connect(srv.port);
    const other = await RawClient.connect(srv.port);
    try {
      // WATCH: the big write from another client aborts the transaction.
      assert.equal(await c.call("WATCH", "l"), "+OK\r\n");
      assert.equal(await other.call("RPUSH", "l", ...seq(N, (i) => [i])), `:${N}\r\n`);
      assert.equal(await c.call("MULTI"), "+OK\r\n");
      assert.equal(await c.call("LLEN", "l"), "+QUEUED\r\n");
      assert.equal(await c.call("EXEC"), "*-1\r\n");
      assert.deepEqual(events, ["rpush l"]);
      events.length = 0;
      assert.equal(await other.call("HSET", "h", ...seq(N, (i) => [i, i])), `:${N}\r\n`);
      assert.equal(await other.call("SADD", "s", ...seq(N, (i) => [i])), `:${N}\r\n`);
      assert.equal(await other.call("ZADD", "z", ...seq(N, (i) => [i, i])), `:${N}\r\n`);
      assert.equal(await other.call("MSET", ...seq(3 * N, (i) => [`k${i}`, i])), "+OK\r\n");
      assert.deepEqual(events.slice(0, 3), ["hset h", "sadd s", "zadd z"]);
      assert.equal(events.length, 3 + 3 * N);
      assert.equal(events[3 + 3 * N - 1], `set k${3 * N - 1}`);
      // Counted once each, as their own command.
      const stats = await c.call("INFO", "commandstats");
      for (const name of ["rpush", "hset", "sadd", "zadd", "mset"]) {
        assert.match(stats, new RegExp(`cmdstat_${name}:calls=1,`), name);
      }
      const list = await c.call("CLIENT", "LIST");
      assert.match(list, /cmd=mset /);
      assert.equal(runs.size, 5);
      // MONITOR sees every argument.
      assert.equal(await mon.call("MONITOR"), "+OK\r\n");
      const args = seq(N, (i) => [`x${i}`]);
      assert.equal(await other.call("RPUSH", "m", ...args), `:${N}\r\n`);
      const line = await mon.readRaw();
      assert.ok(
        line.endsWith(` "RPUSH" "m" ${args.map((a) => `"${a}"`).join(" ")}\r\n`),
        line.slice(0, 80),
      );
      // With a monitor, the command ran from views.
      assert.equal(runs.get("rpush"), 1);
    } finally {
      mon.close();
      other.close();
    }
  });
});

/** Big writes of every converted command, with an error or two among them. */
const WRITES: Arg[][] = [
  ["RPUSH", "l", ...seq(N, (i) => [`e${i}`])],
  ["LPUSH", "l", ...seq(N, (i) => [i])],
  ["SADD", "s", ...seq(N, (i) => [`m${i}`])],
  ["SADD", "si", ...seq(N, (i) => [i])],
  ["HSET", "h", ...seq(N, (i) => [`f${i}`, `v${i}`])],
  ["ZADD", "z", ...seq(N, (i) => [i / 4, `m${i}`])],
  ["ZADD", "z", ...seq(N, (i) => [i === 1200 ? "x" : i, `m${i}`])],
  ["MSET", ...seq(N, (i) => [`k${i}`, i])],
  ["GEOADD", "g", ...seq(N, (i) => [i % 90, i % 45, `p${i}`])],
  ["SET", "after", "1"],
];

Deno.test("bulk: a replica of ours and the AOF get the big commands (DEBUG DIGEST equal)", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const master = { ...DEBUG, "repl-diskless-sync-delay": 0, dir, appendonly: "yes" };
    let written = "";
    await withServer(master, async (m) => {
      await withServer({ ...DEBUG, replicaof: `127.0.0.1 ${m.port}` }, async (r) => {
        // Both run them from their blocks (the master propagates views made afterwards).
        const masterRuns = countBulkRuns(m);
        const replicaRuns = countBulkRuns(r);
        const mc = await RawClient.connect(m.port);
        const rc = await RawClient.connect(r.port);
        try {
          await waitUntil(
            async () => (await rc.call("INFO", "replication")).includes("master_link_status:up"),
            "link up",
            { timeoutMs: 10_000, intervalMs: 10 },
          );
          for (const w of WRITES) await mc.call(...w);
          assert.equal(await mc.call("WAIT", 1, 5000), ":1\r\n");
          const d = await digest(mc);
          assert.notEqual(d, "+" + "0".repeat(40) + "\r\n");
          assert.equal(await digest(rc), d);
          written = d;
          assert.equal(masterRuns.size, 7);
          // (GEOADD arrives as the ZADD it propagates as.)
          assert.deepEqual([...replicaRuns.keys()].sort(), [
            "hset",
            "lpush",
            "mset",
            "rpush",
            "sadd",
            "zadd",
          ]);
        } finally {
          mc.close();
          rc.close();
        }
      });
    });
    // The AOF replays to the same dataset.
    await withServer({ ...DEBUG, dir, appendonly: "yes" }, async (srv) => {
      const c = await RawClient.connect(srv.port);
      try {
        assert.equal(await digest(c), written);
      } finally {
        c.close();
      }
    });
  } finally {
    await cleanup();
  }
});

Deno.test("bulk: CLIENT PAUSE WRITE holds a big RPUSH, CLIENT REPLY OFF drops its reply", async () => {
  await withClient({}, async (a, srv) => {
    const runs = countBulkRuns(srv);
    const b = await RawClient.connect(srv.port);
    try {
      assert.equal(await a.call("CLIENT", "PAUSE", 60_000, "WRITE"), "+OK\r\n");
      const payload = encodeCommand(["RPUSH", "l", ...seq(N, (i) => [i])]);
      const before = srv.server.stats.netInputBytes;
      await b.write(payload);
      await waitUntil(
        () => Promise.resolve(srv.server.stats.netInputBytes >= before + payload.length),
        "the RPUSH arrived",
      );
      assert.equal(await a.call("LLEN", "l"), ":0\r\n");
      assert.equal(await a.call("CLIENT", "UNPAUSE"), "+OK\r\n");
      assert.equal(await b.readRaw(), `:${N}\r\n`);
      // Muted: the next reply b reads is CLIENT REPLY ON's.
      await b.write("*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n");
      await b.send("SADD", "s", ...seq(N, (i) => [i]));
      assert.equal(await b.call("CLIENT", "REPLY", "ON"), "+OK\r\n");
      assert.equal(await a.call("SCARD", "s"), `:${N}\r\n`);
      assert.deepEqual([...runs], [["rpush", 1], ["sadd", 1]]);
    } finally {
      b.close();
    }
  });
});

Deno.test("bulk: a big EXISTS by a tracking client runs from views and tracks every key", async () => {
  await withClient({}, async (c, srv) => {
    const runs = countBulkRuns(srv);
    const other = await RawClient.connect(srv.port);
    try {
      await c.call("HELLO", 3);
      assert.equal(await c.call("CLIENT", "TRACKING", "ON"), "+OK\r\n");
      assert.equal(await other.call("SET", "k1400", "v"), "+OK\r\n");
      assert.equal(await c.call("EXISTS", ...seq(N, (i) => [`k${i}`])), ":1\r\n");
      assert.equal(runs.size, 0);
      assert.equal(await other.call("SET", "k1400", "w"), "+OK\r\n");
      assert.equal(await c.readRaw(), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$5\r\nk1400\r\n");
    } finally {
      other.close();
    }
  });
});
