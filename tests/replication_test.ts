/**
 * Replication against real servers: ours as master of redis-server 7.0 (and of
 * ourselves), ours as replica of redis-server 7.0 and valkey-server; full and
 * partial resync, WAIT, ROLE, INFO replication, REPLICAOF NO ONE, chaining,
 * min-replicas-to-write, the replica output buffer limit. Datasets are empty at
 * sync time (the RDB writer and reader are plugged in separately) and compared
 * command by command afterwards.
 */

import assert from "node:assert/strict";
import { type RunningServer, type ServerOptions, startServer } from "../mod.ts";
import {
  caughtUp,
  cmd,
  freePort,
  infoFields as info,
  masterLink,
  RawClient,
  runsWith,
  tempDir,
  waitUntil,
  withClient,
  withConn,
  withServer,
} from "./helpers.ts";
import { HAS_VALKEY, requireValkey, withReference } from "./reference.ts";
import { ReplBacklog } from "../src/replication/backlog.ts";
import { withBinaryOn } from "./rdb_dataset.ts";

const REDIS = "redis-server";

/** Starts a throw-away redis-server (free port, own dir, no persistence) with `args`. */
async function withRedis(args: string[], fn: (port: number) => Promise<void>): Promise<void> {
  const [dir, cleanup] = await tempDir();
  try {
    await withBinaryOn(REDIS, dir, (_c, port) => fn(port), args);
  } finally {
    await cleanup();
  }
}

/** Waits until the master on `m` lists `n` online replicas. */
function replicasOnline(m: RawClient, n: number): Promise<void> {
  return waitUntil(
    async () => {
      const r = await info(m, "replication");
      let online = 0;
      for (const [k, v] of r) if (/^slave\d+$/.test(k) && v.includes("state=online")) online++;
      return online === n;
    },
    `${n} online replicas`,
    { timeoutMs: 10_000, intervalMs: 20 },
  );
}

/** Every key of dbs 0-3 with its type, TTL deadline and contents, for comparison. */
async function dataset(c: RawClient): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (let db = 0; db < 4; db++) {
    await cmd(c, "SELECT", db);
    const keys = (await cmd(c, "KEYS", "*") as string[]).sort();
    for (const k of keys) {
      const type = await cmd(c, "TYPE", k) as string;
      let value: unknown;
      if (type === "string") value = await cmd(c, "GET", k);
      else if (type === "list") value = await cmd(c, "LRANGE", k, 0, -1);
      else if (type === "hash") value = (await cmd(c, "HGETALL", k) as string[]).join(",");
      else if (type === "set") value = (await cmd(c, "SMEMBERS", k) as string[]).sort();
      else if (type === "zset") value = await cmd(c, "ZRANGE", k, 0, -1, "WITHSCORES");
      else if (type === "stream") {
        // entries-read and lag left out: redis-server 7.0 propagates XREADGROUP without
        // ENTRIESREAD, so its own replicas (and we) end up with nil there.
        const groups = (await cmd(c, "XINFO", "GROUPS", k) as unknown[][]).map((g) =>
          g.slice(0, 8)
        );
        value = [await cmd(c, "XRANGE", k, "-", "+"), groups];
      }
      out[`${db}:${k}`] = [type, await cmd(c, "PEXPIRETIME", k), value];
    }
  }
  await cmd(c, "SELECT", 0);
  return out;
}

/** Writes of every type, in several dbs, with the forms propagation rewrites. */
const WRITES: (string | number)[][] = [
  ["SET", "s", "v"],
  ["SET", "s2", "v", "EX", 1000],
  ["INCRBYFLOAT", "f", "1.5"],
  ["APPEND", "s", "w"],
  ["RPUSH", "l", "a", "b", "c", "d"],
  ["LPOP", "l"],
  ["LMOVE", "l", "l2", "LEFT", "RIGHT"],
  ["HSET", "h", "f1", "v1", "f2", "v2"],
  ["HINCRBY", "h", "n", 5],
  ["SADD", "si", 1, 2, 3],
  ["SADD", "ss", "a", "b", "c", "d"],
  ["SPOP", "ss"],
  ["ZADD", "z", 1, "a", 2.5, "b", 3, "c"],
  ["ZINCRBY", "z", 1, "a"],
  ["ZPOPMIN", "z"],
  ["XADD", "x", "1-1", "f", "v"],
  ["XADD", "x", "*", "g", "w"],
  ["XGROUP", "CREATE", "x", "grp", "0"],
  ["XREADGROUP", "GROUP", "grp", "c1", "COUNT", 1, "STREAMS", "x", ">"],
  ["EXPIRE", "h", 500],
  ["SELECT", 2],
  ["SET", "in2", "x"],
  ["MULTI"],
  ["INCR", "ctr"],
  ["RPUSH", "l", "q"],
  ["EXEC"],
  ["SELECT", 3],
  ["SADD", "s3", "m"],
  ["SELECT", 0],
  ["DEL", "s2"],
  ["COPY", "l2", "l3"],
  ["RENAME", "l3", "l4"],
];

async function runWrites(c: RawClient, writes: (string | number)[][]): Promise<void> {
  for (const w of writes) {
    const r = await c.call(...w);
    assert.ok(!r.startsWith("-"), `${w.join(" ")}: ${r}`);
  }
}

/** Our server with `options`, closed afterwards. */
async function withOurs(
  options: ServerOptions,
  fn: (srv: RunningServer, c: RawClient) => Promise<void>,
): Promise<void> {
  await withClient({ "repl-diskless-sync-delay": 0, ...options }, async (c, srv) => {
    await fn(srv, c);
  });
}

// ---------------------------------------------------------------------------------------------
// Ours as master

for (const diskless of [true, false]) {
  Deno.test({
    name: `master: redis-server 7.0 replicates us (${
      diskless ? "diskless EOF" : "disk $len"
    } transfer), partial resync after a link kill, WAIT`,
    ignore: !runsWith(REDIS),
    async fn() {
      await withOurs({ "repl-diskless-sync": diskless }, async (srv, m) => {
        await withRedis(["--replicaof", "127.0.0.1", String(srv.port)], async (rport) => {
          await withConn(rport, async (r) => {
            await masterLink(r);
            await replicasOnline(m, 1);
            await runWrites(m, WRITES);
            assert.equal(await m.call("WAIT", 1, 5000), ":1\r\n");
            await caughtUp(m, r);
            const ours = await dataset(m);
            assert.ok(Object.keys(ours).length > 10);
            assert.deepEqual(await dataset(r), ours);
            const mi = await info(m, "replication");
            assert.equal(
              mi.get("master_replid"),
              (await info(r, "replication")).get("master_replid"),
            );
            assert.match(
              mi.get("slave0")!,
              /^ip=127\.0\.0\.1,port=\d+,state=online,offset=\d+,lag=\d+$/,
            );
            // ROLE lists the replica with its acknowledged offset.
            const role = await cmd(m, "ROLE") as unknown[];
            assert.equal(role[0], "master");
            assert.equal(role[1], Number(mi.get("master_repl_offset")));
            assert.equal((role[2] as string[][])[0][1], String(rport));

            // The link dies: the replica comes back with PSYNC and gets only what it missed.
            assert.equal(await m.call("CLIENT", "KILL", "TYPE", "replica"), ":1\r\n");
            await runWrites(m, [["SET", "after", "kill"], ["RPUSH", "l", "z"]]);
            await masterLink(r);
            await replicasOnline(m, 1);
            assert.equal(await m.call("WAIT", 1, 5000), ":1\r\n");
            await caughtUp(m, r);
            assert.deepEqual(await dataset(r), await dataset(m));
            const stats = await info(m, "stats");
            assert.equal(stats.get("sync_full"), "1");
            assert.equal(stats.get("sync_partial_ok"), "1");
            assert.equal(
              srv.server.repl.replid,
              (await info(r, "replication")).get("master_replid"),
            );
          });
        });
      });
    },
  });
}

Deno.test({
  name: "master: INFO replication has valkey's fields, in its order, with values of its shape",
  ignore: !HAS_VALKEY || !runsWith(REDIS),
  async fn() {
    requireValkey();
    const shape = (m: Map<string, string>) =>
      [...m].filter(([k]) => k !== "replicas_waiting_psync").map(([k, v]) => [
        k,
        v.replace(/,type=replica$/, "").replace(/[0-9a-f]{40}/g, "ID").replace(/\d+/g, "N"),
      ]);
    let theirs: unknown;
    await withReference(async (vport) => {
      await withConn(vport, async (vm) => {
        await withReference(async (rport) => {
          await withConn(rport, async (vr) => {
            await masterLink(vr);
            await replicasOnline(vm, 1);
            theirs = shape(await info(vm, "replication"));
          });
        }, ["--replicaof", "127.0.0.1", String(vport)]);
      });
    }, ["--repl-diskless-sync-delay", "0"]);
    await withOurs({}, async (srv, m) => {
      assert.deepEqual(
        [...(await info(m, "replication")).keys()],
        [
          "role",
          "connected_slaves",
          "master_failover_state",
          "master_replid",
          "master_replid2",
          "master_repl_offset",
          "second_repl_offset",
          "repl_backlog_active",
          "repl_backlog_size",
          "repl_backlog_first_byte_offset",
          "repl_backlog_histlen",
        ],
      );
      await withRedis(["--replicaof", "127.0.0.1", String(srv.port)], async (rport) => {
        await withConn(rport, async (r) => {
          await masterLink(r);
          await replicasOnline(m, 1);
          assert.deepEqual(shape(await info(m, "replication")), theirs);
        });
      });
    });
  },
});

Deno.test("master: REPLCONF and PSYNC replies and errors", async () => {
  await withOurs({}, async (_srv, c) => {
    assert.equal(await c.call("REPLCONF"), "+OK\r\n");
    assert.equal(await c.call("REPLCONF", "listening-port"), "-ERR syntax error\r\n");
    assert.equal(
      await c.call("REPLCONF", "foo", "bar"),
      "-ERR Unrecognized REPLCONF option: foo\r\n",
    );
    assert.equal(
      await c.call("REPLCONF", "listening-port", "x"),
      "-ERR value is not an integer or out of range\r\n",
    );
    assert.equal(
      await c.call("REPLCONF", "listening-port", 7000, "capa", "eof", "capa", "whatever"),
      "+OK\r\n",
    );
    assert.equal(
      await c.call("REPLCONF", "rdb-only", 2),
      "-ERR value is out of range, value must between 0 and 1\r\n",
    );
    assert.equal(
      await c.call("REPLCONF", "rdb-filter-only", "keys"),
      "-ERR Unsupported rdb-filter-only option: keys\r\n",
    );
    // ACK from a connection that is no replica is ignored without a reply.
    await c.send("REPLCONF", "ACK", 10);
    assert.equal(await c.call("PING"), "+PONG\r\n");
    assert.equal(
      await c.call("PSYNC", "?", "x"),
      "-ERR value is not an integer or out of range\r\n",
    );
    assert.equal(await c.call("WAIT", "x", 0), "-ERR value is not an integer or out of range\r\n");
    assert.equal(await c.call("WAIT", 0, -1), "-ERR timeout is negative\r\n");
    assert.equal(
      await c.call("WAIT", 0, "x"),
      "-ERR timeout is not an integer or out of range\r\n",
    );
    // No replica: WAIT replies 0 at once when nothing is needed, after the timeout otherwise.
    assert.equal(await c.call("WAIT", 0, 0), ":0\r\n");
    assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
    assert.equal(await c.call("WAIT", 1, 50), ":0\r\n");
    // The GETACK of the WAIT that blocked counts 1 even with no backlog (Redis 7.2).
    assert.deepEqual(await cmd(c, "ROLE"), ["master", 1, []]);
    assert.equal(await c.call("REPLICAOF", "h", "x"), "-ERR Invalid master port\r\n");
    assert.equal(await c.call("REPLICAOF", "h", 70000), "-ERR Invalid master port\r\n");
    assert.equal(await c.call("REPLICAOF", "no", "one"), "+OK\r\n");
  });
});

/** Raw bytes off a replica connection (the RDB of `$<len>` has no CRLF: not a RESP reply). */
class StreamReader {
  private buf = "";
  constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<StreamReader> {
    return new StreamReader(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  send(...args: string[]): Promise<number> {
    let s = `*${args.length}\r\n`;
    for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
    return this.conn.write(new TextEncoder().encode(s));
  }

  private async fill(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("closed");
    for (let i = 0; i < n; i++) this.buf += String.fromCharCode(chunk[i]);
  }

  async line(): Promise<string> {
    while (!this.buf.includes("\r\n")) await this.fill();
    const i = this.buf.indexOf("\r\n");
    const l = this.buf.slice(0, i);
    this.buf = this.buf.slice(i + 2);
    return l;
  }

  async bytes(n: number): Promise<string> {
    while (this.buf.length < n) await this.fill();
    const out = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return out;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

Deno.test("master: a raw replica gets +FULLRESYNC, the RDB, then the stream; PSYNC continues", async () => {
  await withOurs({ "repl-diskless-sync": "no" }, async (srv, c) => {
    const r = await StreamReader.connect(srv.port);
    try {
      await r.send("REPLCONF", "capa", "psync2");
      assert.equal(await r.line(), "+OK");
      await r.send("PSYNC", "?", "-1");
      const m = /^\+FULLRESYNC ([0-9a-f]{40}) 0$/.exec(await r.line());
      assert.ok(m);
      const replid = m[1];
      assert.equal(replid, srv.server.repl.replid);
      const len = /^\$(\d+)$/.exec(await r.line());
      assert.ok(len);
      assert.match(await r.bytes(Number(len[1])), /^REDIS0010[^]*\xff[^]{8}$/);
      // The stream: SELECT first, then the command, as the replica must replay it.
      await c.call("SET", "a", "1");
      const sel = "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n";
      const set = "*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n";
      assert.equal(await r.bytes(sel.length + set.length), sel + set);
      assert.equal(srv.server.repl.offset, sel.length + set.length);
      r.close();
      await waitUntil(() => srv.server.clients.size === 1, "replica gone");
      await c.call("SET", "b", "2");
      // Reconnect at the next offset: only the missing bytes follow +CONTINUE.
      const r2 = await StreamReader.connect(srv.port);
      try {
        await r2.send("REPLCONF", "capa", "psync2");
        assert.equal(await r2.line(), "+OK");
        await r2.send("PSYNC", replid, String(1 + sel.length + set.length));
        assert.equal(await r2.line(), `+CONTINUE ${replid}`);
        const setb = "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n";
        assert.equal(await r2.bytes(setb.length), setb);
        assert.equal((await info(c, "stats")).get("sync_partial_ok"), "1");
        // An offset past the backlog falls back to a full resync (of an empty dataset for now).
        await c.call("FLUSHALL");
        const r3 = await StreamReader.connect(srv.port);
        try {
          await r3.send("PSYNC", replid, "100000");
          assert.match(await r3.line(), /^\+FULLRESYNC /);
        } finally {
          r3.close();
        }
        assert.equal((await info(c, "stats")).get("sync_partial_err"), "1");
        assert.equal(await c.call("CONFIG", "RESETSTAT"), "+OK\r\n");
        const stats = await info(c, "stats");
        assert.deepEqual(
          ["sync_full", "sync_partial_ok", "sync_partial_err"].map((k) => stats.get(k)),
          ["0", "0", "0"],
        );
      } finally {
        r2.close();
      }
    } finally {
      r.close();
    }
  });
});

for (const diskless of [true, false]) {
  Deno.test({
    name: `master: a full resync ships the dataset (RDB, ${
      diskless ? "diskless" : "disk"
    }) to redis-server 7.0, then the stream`,
    ignore: !runsWith(REDIS),
    async fn() {
      await withOurs({ "repl-diskless-sync": diskless }, async (srv, m) => {
        await runWrites(m, WRITES);
        await withRedis(["--replicaof", "127.0.0.1", String(srv.port)], async (rport) => {
          await withConn(rport, async (r) => {
            await masterLink(r);
            await replicasOnline(m, 1);
            await runWrites(m, [["SET", "after", "sync"], ["RPUSH", "l", "z"]]);
            assert.equal(await m.call("WAIT", 1, 5000), ":1\r\n");
            await caughtUp(m, r);
            const ours = await dataset(m);
            assert.ok(Object.keys(ours).length > 10);
            assert.deepEqual(await dataset(r), ours);
            assert.equal((await info(m, "stats")).get("sync_full"), "1");
          });
        });
      });
    },
  });
}

Deno.test("master: min-replicas-to-write refuses writes with NOREPLICAS until a replica acks", async () => {
  await withOurs({ "min-replicas-to-write": 1 }, async (srv, c) => {
    assert.equal(
      await c.call("SET", "k", "v"),
      "-NOREPLICAS Not enough good replicas to write.\r\n",
    );
    assert.equal(await c.call("GET", "k"), "$-1\r\n");
    assert.equal(await c.call("MULTI"), "+OK\r\n");
    assert.equal(
      await c.call("SET", "k", "v"),
      "-NOREPLICAS Not enough good replicas to write.\r\n",
    );
    assert.match(await c.call("EXEC"), /^-EXECABORT/);
    assert.equal((await info(c, "replication")).get("min_slaves_good_slaves"), "0");
    const rep = await startServer({ replicaof: `127.0.0.1 ${srv.port}` });
    try {
      await withConn(rep.port, (r) => masterLink(r));
      await waitUntil(() => srv.server.repl.goodReplicas === 1, "a good replica", {
        timeoutMs: 5000,
      });
      assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
    } finally {
      await rep.close();
    }
  });
});

Deno.test("master: a replica that stops reading is cut at client-output-buffer-limit replica", async () => {
  await withOurs(
    { "repl-diskless-sync": "no", "client-output-buffer-limit": "replica 1mb 0 0" },
    async (srv, c) => {
      const r = await RawClient.connect(srv.port);
      try {
        await r.send("PSYNC", "?", -1);
        await waitUntil(() => srv.server.repl.backlog !== null, "replica attached");
        const big = "x".repeat(64 * 1024);
        for (let i = 0; i < 200 && srv.server.clients.size > 1; i++) {
          await c.call("SET", `k${i}`, big);
        }
        await waitUntil(() => srv.server.clients.size === 1, "replica disconnected");
        assert.equal((await info(c, "replication")).get("connected_slaves"), "0");
      } finally {
        r.close();
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Ours as replica

/**
 * Our server as replica of the master on `mport`: the dataset there when we attach comes in
 * the full resync's RDB, later writes in the stream; link kills resync partially.
 */
async function replicaScenario(mport: number): Promise<void> {
  await withConn(mport, async (m) => {
    // In the RDB: every type and both encodings of each, TTLs, several dbs.
    const many = (n: number, f: (i: number) => (string | number)[]) =>
      Array.from({ length: n }, (_, i) => f(i)).flat();
    await runWrites(m, [
      ["SELECT", 1],
      ["SET", "p:s", "v"],
      ["SET", "p:ttl", "v", "EX", 1000],
      ["SET", "p:n", 12345],
      ["RPUSH", "p:l", "a", "b"],
      ["RPUSH", "p:lq", ...many(300, (i) => [`e${i}`.repeat(10)])],
      ["HSET", "p:h", "a", "1", "b", "2"],
      ["HSET", "p:hh", ...many(200, (i) => [`f${i}`, i])],
      ["SADD", "p:si", 1, 2, 3],
      ["SADD", "p:sh", ...many(600, (i) => [i])],
      ["SADD", "p:ss", "x", "y"],
      ["ZADD", "p:z", 1, "a", 2.5, "b"],
      ["ZADD", "p:zs", ...many(200, (i) => [i / 4, `m${i}`])],
      ["XADD", "p:x", "1-1", "f", "v"],
      ["XGROUP", "CREATE", "p:x", "g", "0"],
      ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "p:x", ">"],
      ["SELECT", 0],
      ["SET", "p0", "v"],
    ]);
    await withServer({ replicaof: `127.0.0.1 ${mport}` }, async (srv) => {
      await withConn(srv.port, async (r) => {
        await masterLink(r);
        await replicasOnline(m, 1);
        assert.equal(
          await r.call("SET", "x", "1"),
          "-READONLY You can't write against a read only replica.\r\n",
        );
        assert.match(
          await r.call("WAIT", 0, 0),
          /^-ERR WAIT cannot be used with replica instances/,
        );
        await runWrites(m, WRITES);
        assert.equal(await m.call("WAIT", 1, 5000), ":1\r\n");
        await caughtUp(m, r);
        const theirs = await dataset(m);
        assert.ok(Object.keys(theirs).length > 10);
        assert.deepEqual(await dataset(r), theirs);
        const ri = await info(r, "replication");
        assert.equal(ri.get("role"), "slave");
        assert.equal(ri.get("master_port"), String(mport));
        assert.equal(ri.get("master_sync_in_progress"), "0");
        assert.ok(Number((await info(r, "stats")).get("total_net_repl_input_bytes")) > 100);
        const role = await cmd(r, "ROLE") as unknown[];
        assert.deepEqual(role.slice(0, 4), ["slave", "127.0.0.1", mport, "connected"]);

        // The master drops the link: we come back with PSYNC and continue.
        assert.equal(await m.call("CLIENT", "KILL", "TYPE", "replica"), ":1\r\n");
        await runWrites(m, [["SET", "after", "kill"], ["HSET", "h", "f3", "v3"]]);
        await masterLink(r);
        await replicasOnline(m, 1);
        assert.equal(await m.call("WAIT", 1, 5000), ":1\r\n");
        await caughtUp(m, r);
        assert.deepEqual(await dataset(r), await dataset(m));
        const stats = await info(m, "stats");
        assert.equal(stats.get("sync_full"), "1");
        assert.equal(stats.get("sync_partial_ok"), "1");

        // REPLICAOF NO ONE: a master with a new id, the old one kept as replid2.
        const before = await info(r, "replication");
        assert.equal(await r.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
        const after = await info(r, "replication");
        assert.equal(after.get("role"), "master");
        assert.equal(after.get("master_replid2"), before.get("master_replid"));
        assert.notEqual(after.get("master_replid"), before.get("master_replid"));
        assert.equal(
          after.get("second_repl_offset"),
          String(Number(before.get("master_repl_offset")) + 1),
        );
        assert.equal(await r.call("SET", "own", "1"), "+OK\r\n");
        assert.equal(
          await r.call("CONFIG", "GET", "replicaof"),
          "*2\r\n$9\r\nreplicaof\r\n$0\r\n\r\n",
        );
      });
    });
  });
}

Deno.test({
  name: "replica: of redis-server 7.0 — full sync, stream, partial resync, REPLICAOF NO ONE",
  ignore: !runsWith(REDIS),
  async fn() {
    await withRedis(["--repl-diskless-sync-delay", "0"], replicaScenario);
  },
});

Deno.test({
  name: "replica: of valkey-server (disk-based transfer) — full sync, stream, partial resync",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    await withReference(replicaScenario, ["--repl-diskless-sync", "no"]);
  },
});

Deno.test("replica: chained — a replica of our replica gets the master's stream unchanged", async () => {
  await withOurs({}, async (a, ca) => {
    const b = await startServer({
      replicaof: `127.0.0.1 ${a.port}`,
      "repl-diskless-sync-delay": 0,
    });
    try {
      await withConn(b.port, (cb) => masterLink(cb));
      const c = await startServer({ replicaof: `127.0.0.1 ${b.port}` });
      try {
        await withConn(c.port, async (cc) => {
          await masterLink(cc);
          await runWrites(ca, WRITES);
          await caughtUp(ca, cc);
          assert.deepEqual(await dataset(cc), await dataset(ca));
          assert.equal(c.server.repl.replid, a.server.repl.replid);
          // WAIT on the top master counts its direct replica only.
          assert.equal(await ca.call("WAIT", 2, 100), ":1\r\n");
          // B promoted: C reconnects and continues partially with B's new id.
          await withConn(b.port, async (cb) => {
            assert.equal(await cb.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
            await masterLink(cc);
            assert.equal(await cb.call("SET", "fromb", "1"), "+OK\r\n");
            await caughtUp(cb, cc);
            assert.equal(await cc.call("GET", "fromb"), "$1\r\n1\r\n");
            assert.equal((await info(cb, "stats")).get("sync_partial_ok"), "1");
          });
        });
      } finally {
        await c.close();
      }
    } finally {
      await b.close();
    }
  });
});

Deno.test("replica: replica-serve-stale-data no answers MASTERDOWN while the link is down", async () => {
  const port = freePort(); // nothing listens there
  await withServer(
    { replicaof: `127.0.0.1 ${port}`, "replica-serve-stale-data": "no" },
    async (srv) => {
      await withConn(srv.port, async (r) => {
        assert.equal(
          await r.call("GET", "k"),
          "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
        );
        assert.equal(
          await r.call("PING"),
          "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
        );
        assert.match(await r.call("INFO", "replication"), /master_link_status:down/);
        assert.equal(await r.call("CONFIG", "SET", "replica-serve-stale-data", "yes"), "+OK\r\n");
        const role = await cmd(r, "ROLE") as unknown[];
        assert.deepEqual(role, ["slave", "127.0.0.1", port, (role as string[])[3], -1]);
        assert.ok(["connect", "connecting"].includes(role[3] as string));
        assert.equal(
          await r.call("SYNC"),
          "-NOMASTERLINK Can't SYNC while not connected with my master\r\n",
        );
      });
    },
  );
});

// ---------------------------------------------------------------------------------------------
// FAILOVER

Deno.test("failover: errors and ABORT", async () => {
  await withOurs({}, async (_srv, c) => {
    assert.equal(await c.call("FAILOVER", "ABORT"), "-ERR No failover in progress.\r\n");
    assert.equal(await c.call("FAILOVER", "bogus"), "-ERR syntax error\r\n");
    assert.equal(
      await c.call("FAILOVER", "TIMEOUT", 0),
      "-ERR FAILOVER timeout must be greater than 0\r\n",
    );
    assert.equal(await c.call("FAILOVER"), "-ERR FAILOVER requires connected replicas.\r\n");
  });
});

/** `a` (the master on `aport`) fails over to its replica `b` on `bport`; writes then flow b -> a. */
async function failoverScenario(aport: number, bport: number, viaA: boolean): Promise<void> {
  await withConn(aport, async (a) => {
    await withConn(bport, async (b) => {
      await masterLink(b);
      await replicasOnline(a, 1);
      assert.equal(await a.call("SET", "before", "1"), "+OK\r\n");
      assert.equal(
        await a.call("FAILOVER", "TO", "127.0.0.1", bport + 1),
        "-ERR FAILOVER target HOST and PORT is not a replica.\r\n",
      );
      assert.equal(
        await a.call("FAILOVER", "TO", "127.0.0.1", bport, "FORCE"),
        "-ERR FAILOVER with force option requires both a timeout and target HOST and IP.\r\n",
      );
      assert.equal(await a.call("FAILOVER", "TO", "127.0.0.1", bport, "TIMEOUT", 5000), "+OK\r\n");
      await waitUntil(
        async () => (await info(b, "replication")).get("role") === "master",
        "the replica promoted",
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      await masterLink(a);
      const ai = await info(a, "replication");
      assert.equal(ai.get("master_failover_state"), "no-failover");
      assert.equal(ai.get("master_port"), String(bport));
      assert.equal(await b.call("SET", "after", "2"), "+OK\r\n");
      assert.equal(await b.call("WAIT", 1, 5000), ":1\r\n");
      await caughtUp(b, a);
      assert.equal(await a.call("GET", "before"), "$1\r\n1\r\n");
      assert.equal(await a.call("GET", "after"), "$1\r\n2\r\n");
      // The handover was a partial resync: no data went through an RDB.
      const side = viaA ? b : a;
      assert.equal((await info(side, "stats")).get("sync_partial_ok"), "1");
    });
  });
}

Deno.test("failover: ours to ours, writes paused then handed over with PSYNC FAILOVER", async () => {
  await withOurs({}, async (a) => {
    await withServer({ replicaof: `127.0.0.1 ${a.port}` }, async (b) => {
      await failoverScenario(a.port, b.port, true);
    });
  });
});

Deno.test({
  name: "failover: ours to a redis-server 7.0 replica, and back from it to ours",
  ignore: !runsWith(REDIS),
  async fn() {
    await withOurs({}, async (a) => {
      await withRedis(["--replicaof", "127.0.0.1", String(a.port)], async (rport) => {
        await failoverScenario(a.port, rport, true);
        // Now redis-server is the master and we are its replica: it fails back over to us.
        await failoverScenario(rport, a.port, true);
      });
    });
  },
});

// ---------------------------------------------------------------------------------------------
// Pieces

Deno.test("backlog: holds the last repl-backlog-size bytes of the stream, by offset", () => {
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (const size of [1, 100, 16384, 50_000]) {
    const b = new ReplBacklog(size, 10);
    let stream: number[] = [];
    let end = 10; // offset of the last byte produced
    for (let k = 0; k < 60; k++) {
      const chunk = Uint8Array.from({ length: Math.floor(rnd() * 3000) }, () => rnd() * 256);
      b.append(chunk);
      stream = stream.concat([...chunk]).slice(-60_000);
      end += chunk.length;
      const hist = Math.min(size, end - 10);
      assert.equal(b.histlen, hist);
      assert.equal(b.firstByteOffset, end - hist + 1);
      const from = b.firstByteOffset + Math.floor(rnd() * (hist + 1));
      assert.ok(b.covers(from) && !b.covers(b.firstByteOffset - 1) && !b.covers(end + 2));
      const want = end + 1 - from === 0 ? [] : stream.slice(-(end + 1 - from));
      assert.equal(b.from(from).flatMap((x) => [...x]).join(), want.join());
    }
  }
});

Deno.test("replica: replica-announce-ip/port are what the master lists", async () => {
  await withOurs({}, async (a, ca) => {
    await withServer(
      {
        replicaof: `127.0.0.1 ${a.port}`,
        "replica-announce-ip": "10.1.2.3",
        "replica-announce-port": 1234,
        "replica-priority": 7,
      },
      async (b) => {
        await withConn(b.port, async (cb) => {
          await masterLink(cb);
          await replicasOnline(ca, 1);
          assert.match(
            (await info(ca, "replication")).get("slave0")!,
            /^ip=10\.1\.2\.3,port=1234,state=online,/,
          );
          assert.equal((await info(cb, "replication")).get("slave_priority"), "7");
          const role = await cmd(ca, "ROLE") as unknown[];
          assert.deepEqual((role[2] as unknown[][])[0].slice(0, 2), ["10.1.2.3", "1234"]);
          // FAILOVER finds the replica by its announced address.
          assert.equal(
            await ca.call("FAILOVER", "TO", "127.0.0.1", b.port),
            "-ERR FAILOVER target HOST and PORT is not a replica.\r\n",
          );
        });
      },
    );
  });
});

Deno.test("master: repl-diskless-sync-delay waits, repl-diskless-sync-max-replicas starts at once", async () => {
  await withOurs(
    { "repl-diskless-sync-delay": 60, "repl-diskless-sync-max-replicas": 2 },
    async (srv) => {
      const r1 = await StreamReader.connect(srv.port);
      const r2 = await StreamReader.connect(srv.port);
      try {
        await r1.send("REPLCONF", "capa", "eof");
        assert.equal(await r1.line(), "+OK");
        await r1.send("PSYNC", "?", "-1");
        await waitUntil(() => srv.server.repl.backlog !== null, "first replica waiting");
        assert.match(
          (await withConn(srv.port, (c) => info(c, "replication"))).get("slave0")!,
          /state=wait_bgsave/,
        );
        await r2.send("REPLCONF", "capa", "eof");
        assert.equal(await r2.line(), "+OK");
        await r2.send("PSYNC", "?", "-1");
        // The second replica reaches the maximum: both transfers start, EOF-marked.
        for (const r of [r1, r2]) {
          let line: string;
          do line = await r.line(); while (line === "\n" || line === "");
          assert.match(line, /^\+FULLRESYNC [0-9a-f]{40} 0$/);
          assert.match(await r.line(), /^\$EOF:[0-9a-f]{40}$/);
        }
      } finally {
        r1.close();
        r2.close();
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Faults

Deno.test("fault: a replica that fell behind the backlog falls back to a full resync", async () => {
  await withOurs({ "repl-backlog-size": "16kb" }, async (a, ca) => {
    await withServer({ replicaof: `127.0.0.1 ${a.port}` }, async (b) => {
      await withConn(b.port, async (cb) => {
        await masterLink(cb);
        await replicasOnline(ca, 1);
        assert.equal(await ca.call("SET", "k", "v"), "+OK\r\n");
        await caughtUp(ca, cb);
        // While the link is down more than the backlog holds goes by.
        assert.equal(await ca.call("CLIENT", "KILL", "TYPE", "replica"), ":1\r\n");
        assert.equal(await ca.call("SET", "big", "x".repeat(40_000)), "+OK\r\n");
        assert.equal(await ca.call("FLUSHALL"), "+OK\r\n");
        await masterLink(cb);
        await replicasOnline(ca, 1);
        const stats = await info(ca, "stats");
        assert.equal(stats.get("sync_full"), "2");
        assert.equal(stats.get("sync_partial_err"), "1");
        assert.equal(await ca.call("SET", "again", "1"), "+OK\r\n");
        await caughtUp(ca, cb);
        assert.equal(await cb.call("DBSIZE"), ":1\r\n");
        assert.equal(await cb.call("GET", "again"), "$1\r\n1\r\n");
      });
    });
  });
});

Deno.test("fault: the master restarts with a new history: the replica resyncs in full", async () => {
  const port = freePort();
  let a = await startServer({ port, "repl-diskless-sync-delay": 0 });
  try {
    await withServer({ replicaof: `127.0.0.1 ${port}` }, async (b) => {
      await withConn(b.port, async (cb) => {
        await masterLink(cb);
        await withConn(port, async (ca) => {
          assert.equal(await ca.call("SET", "old", "1"), "+OK\r\n");
          await caughtUp(ca, cb);
        });
        await a.close();
        a = await startServer({ port, "repl-diskless-sync-delay": 0 });
        await withConn(port, async (ca) => {
          await waitUntil(
            async () => (await info(ca, "stats")).get("sync_full") === "1",
            "the replica back",
            { timeoutMs: 10_000, intervalMs: 20 },
          );
          await masterLink(cb);
          assert.equal((await info(ca, "stats")).get("sync_partial_err"), "1");
          assert.equal(await cb.call("GET", "old"), "$-1\r\n");
          assert.equal(
            (await info(cb, "replication")).get("master_replid"),
            a.server.repl.replid,
          );
        });
      });
    });
  } finally {
    await a.close();
  }
});

Deno.test("master: WAIT waits for a blocked command's write once it is served", async () => {
  await withOurs({}, async (a, ca) => {
    await withServer({ replicaof: `127.0.0.1 ${a.port}` }, async (b) => {
      await withConn(b.port, (cb) => masterLink(cb));
      await replicasOnline(ca, 1);
      await withConn(a.port, async (blocked) => {
        assert.equal(await blocked.call("CLIENT", "SETNAME", "popper"), "+OK\r\n");
        await blocked.send("BLPOP", "q", 0);
        await waitUntil(() => a.server.blocking.blockedClients === 1, "BLPOP blocked");
        assert.equal(await ca.call("RPUSH", "q", "v"), ":1\r\n");
        assert.equal(await blocked.readRaw(), "*2\r\n$1\r\nq\r\n$1\r\nv\r\n");
        const popper = [...a.server.clients.values()].find((c) => c.name === "popper")!;
        // The LPOP it propagated is the last thing in the stream.
        assert.equal(popper.woff, a.server.repl.offset);
        assert.equal(await blocked.call("WAIT", 1, 5000), ":1\r\n");
        assert.ok(a.server.repl.backlog!.histlen > 0);
      });
    });
  });
});
