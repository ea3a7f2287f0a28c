/**
 * Replication features beyond the stream itself: WAITAOF (local fsync and the
 * replicas' FACK), the total_net_repl_* counters, FAILOVER's own pause,
 * repl-timeout on both sides, and SHUTDOWN waiting for lagging replicas.
 * Compared with valkey-server where a reply or a text can be.
 */

import assert from "node:assert/strict";
import { type RunningServer, type ServerOptions, startServer } from "../mod.ts";
import {
  captureLog,
  connectRetry,
  freePort,
  infoFields as info,
  RawClient,
  tempDir,
  waitBlocked,
  waitUntil,
  withConn,
  withServer,
} from "./helpers.ts";
import { HAS_VALKEY, requireValkey, withReference } from "./reference.ts";
import { persistenceOf } from "../src/persistence/persistence.ts";

/** Our server with `options` in a temp dir of its own (AOF files), closed afterwards. */
async function withOurs(
  options: ServerOptions,
  fn: (srv: RunningServer, c: RawClient) => Promise<void>,
): Promise<void> {
  const [dir, cleanup] = await tempDir();
  try {
    await withServer({ "repl-diskless-sync-delay": 0, dir, ...options }, async (srv) => {
      await withConn(srv.port, (c) => fn(srv, c));
    });
  } finally {
    await cleanup();
  }
}

/** Waits until INFO replication on `c` says the link to the master is up. */
function linkUp(c: RawClient): Promise<void> {
  return waitUntil(
    async () => (await info(c, "replication")).get("master_link_status") === "up",
    "master_link_status:up",
    { timeoutMs: 10_000, intervalMs: 20 },
  );
}

function logged(lines: string[], text: string): Promise<void> {
  return waitUntil(() => lines.some((l) => l.includes(text)), `log line "${text}"`, {
    timeoutMs: 10_000,
    intervalMs: 10,
  });
}

// ---------------------------------------------------------------------------------------------
// WAITAOF

const WAITAOF_CASES: (string | number)[][] = [
  ["WAITAOF", 1, 0, 0],
  ["WAITAOF", 2, 0, 0],
  ["WAITAOF", -1, 0, 0],
  ["WAITAOF", 0, -1, 0],
  ["WAITAOF", 0, "x", 0],
  ["WAITAOF", 0, 0, -1],
  ["WAITAOF", 0, 0, "x"],
  ["WAITAOF", 1, 0, -1],
  ["WAITAOF", 0, 0, 0],
  ["WAITAOF", 0, 1, 10],
  ["WAITAOF", 0, 0],
];

Deno.test({
  name: "WAITAOF: arguments, errors, MULTI and replica replies as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    await withOurs({}, async (_srv, ours) => {
      await withReference(async (port) => {
        await withConn(port, async (ref) => {
          const both = async (args: (string | number)[]) => {
            assert.equal(await ours.call(...args), await ref.call(...args), args.join(" "));
          };
          for (const args of WAITAOF_CASES) await both(args);
          for (const args of [["MULTI"], ["WAITAOF", 0, 1, 0], ["WAITAOF", 1, 0, 0], ["EXEC"]]) {
            await both(args);
          }
          await both(["COMMAND", "INFO", "WAITAOF"]);
          // A replica refuses it (before the appendonly check).
          const dead = 1; // nothing listens on port 1: the link stays down
          await ours.call("REPLICAOF", "127.0.0.1", dead);
          await ref.call("REPLICAOF", "127.0.0.1", dead);
          await both(["WAITAOF", 0, 0, 0]);
          await both(["WAITAOF", 1, 0, 0]);
          await both(["WAITAOF", 0, 0, -1]);
        });
      });
    });
  },
});

Deno.test("WAITAOF: the local fsync per appendfsync policy; turning the AOF off fails the waiters", async () => {
  await withOurs({ appendonly: "yes", appendfsync: "no" }, async (srv, c) => {
    // No write yet: offset 0 is fsynced.
    assert.equal(await c.call("WAITAOF", 1, 0, 0), "*2\r\n:1\r\n:0\r\n");
    // Without replicas the offset counts propagated commands (MULTI/EXEC included).
    const before = srv.server.repl.offset;
    await c.call("INCR", "foo");
    assert.equal(srv.server.repl.offset, before + 1);
    await c.call("MULTI");
    await c.call("INCR", "foo");
    await c.call("INCR", "bar");
    await c.call("EXEC");
    assert.equal(srv.server.repl.offset, before + 5);
    // appendfsync no never fsyncs: the timeout answers.
    assert.equal(await c.call("WAITAOF", 1, 0, 50), "*2\r\n:0\r\n:0\r\n");
    assert.equal(await c.call("CONFIG", "SET", "appendfsync", "everysec"), "+OK\r\n");
    await c.call("INCR", "foo");
    assert.equal(await c.call("WAITAOF", 1, 0, 0), "*2\r\n:1\r\n:0\r\n");
    assert.equal(await c.call("CONFIG", "SET", "appendfsync", "always"), "+OK\r\n");
    await c.call("INCR", "foo");
    assert.equal(await c.call("WAITAOF", 1, 0, 0), "*2\r\n:1\r\n:0\r\n");
    // A waiter for the local fsync gets the error once appendonly is turned off.
    assert.equal(await c.call("CONFIG", "SET", "appendfsync", "no"), "+OK\r\n");
    await c.call("INCR", "foo");
    await c.send("WAITAOF", 1, 0, 0);
    await waitBlocked(srv, 1);
    await withConn(srv.port, async (admin) => {
      assert.equal(await admin.call("CONFIG", "SET", "appendonly", "no"), "+OK\r\n");
    });
    assert.equal(
      await c.readRaw(),
      "-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n",
    );
    assert.equal(
      await c.call("WAITAOF", 1, 0, 0),
      "-ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.\r\n",
    );
    // CONFIG SET appendonly yes: counted once the first rewrite is done.
    assert.equal(await c.call("CONFIG", "SET", "appendfsync", "everysec"), "+OK\r\n");
    assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), "+OK\r\n");
    await c.call("INCR", "foo");
    assert.equal(await c.call("WAITAOF", 1, 0, 0), "*2\r\n:1\r\n:0\r\n");
  });
});

Deno.test("WAITAOF: replicas acknowledge their AOF with REPLCONF ACK ... FACK", async () => {
  await withOurs({ appendonly: "yes", appendfsync: "always" }, async (m, mc) => {
    await withOurs(
      { appendonly: "yes", appendfsync: "no", replicaof: `127.0.0.1 ${m.port}` },
      async (_r, rc) => {
        await linkUp(rc);
        // Before fsync on the replica: the master's own copy only.
        await mc.call("INCR", "foo");
        assert.equal(await mc.call("WAITAOF", 0, 1, 50), "*2\r\n:1\r\n:0\r\n");
        // WAIT still counts the plain ACK.
        assert.equal(await mc.call("WAIT", 1, 0), ":1\r\n");
        assert.equal(await rc.call("CONFIG", "SET", "appendfsync", "always"), "+OK\r\n");
        await mc.call("INCR", "foo");
        assert.equal(await mc.call("WAITAOF", 1, 1, 0), "*2\r\n:1\r\n:1\r\n");
        // A replica with the AOF off sends no FACK.
        assert.equal(await rc.call("CONFIG", "SET", "appendonly", "no"), "+OK\r\n");
        await mc.call("INCR", "foo");
        assert.equal(await mc.call("WAITAOF", 1, 1, 100), "*2\r\n:1\r\n:0\r\n");
        assert.match(
          await rc.call("WAITAOF", 0, 0, 0),
          /^-ERR WAITAOF cannot be used with replica/,
        );
      },
    );
  });
});

Deno.test({
  name: "WAITAOF: interop — valkey master with our replica, our master with a valkey replica",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    // valkey master, our replica with appendfsync always: our FACK satisfies valkey's WAITAOF.
    await withReference(async (vport) => {
      await withConn(vport, async (v) => {
        await withOurs(
          { appendonly: "yes", appendfsync: "always", replicaof: `127.0.0.1 ${vport}` },
          async (_r, rc) => {
            await linkUp(rc);
            await v.call("INCR", "foo");
            assert.equal(await v.call("WAITAOF", 1, 1, 0), "*2\r\n:1\r\n:1\r\n");
          },
        );
      });
    }, ["--appendonly", "yes", "--appendfsync", "always"]);
    // Our master, a valkey replica with appendfsync always: its FACK is understood.
    await withOurs({ appendonly: "yes", appendfsync: "always" }, async (m, mc) => {
      await withReference(async (vport) => {
        await withConn(vport, async (v) => {
          await linkUp(v);
          await mc.call("INCR", "foo");
          assert.equal(await mc.call("WAITAOF", 1, 1, 0), "*2\r\n:1\r\n:1\r\n");
        });
      }, [
        "--appendonly",
        "yes",
        "--appendfsync",
        "always",
        "--replicaof",
        "127.0.0.1",
        String(m.port),
      ]);
    });
  },
});

// ---------------------------------------------------------------------------------------------
// total_net_repl_* and instantaneous_*_repl_kbps

for (const diskless of ["yes", "no"]) {
  Deno.test(`stats: the master's replication output is the replica's replication input (diskless ${diskless})`, async () => {
    await withOurs({ "repl-diskless-sync": diskless }, async (m, mc) => {
      // Data before the sync: the RDB counts on both sides.
      const noise = crypto.getRandomValues(new Uint8Array(2500));
      await mc.call(
        "SET",
        "before",
        [...noise].map((b) => b.toString(16).padStart(2, "0")).join(""),
      );
      await withOurs({ replicaof: `127.0.0.1 ${m.port}` }, async (rr, rc) => {
        await linkUp(rc);
        const big = "y".repeat(20_000);
        for (let i = 0; i < 20; i++) await mc.call("SET", `k${i}`, big);
        assert.equal(await mc.call("WAIT", 1, 5000), ":1\r\n");
        const ms = await info(mc, "stats");
        const rs = await info(rc, "stats");
        const out = Number(ms.get("total_net_repl_output_bytes"));
        assert.ok(out > 400_000 + 5000, `master repl output ${out}`);
        assert.equal(rs.get("total_net_repl_input_bytes"), String(out));
        assert.equal(ms.get("total_net_repl_input_bytes"), "0");
        assert.equal(rs.get("total_net_repl_output_bytes"), "0");
        // The totals include them.
        assert.ok(Number(ms.get("total_net_output_bytes")) > out);
        assert.ok(Number(rs.get("total_net_input_bytes")) > out);
        // The rates, sampled every 100 ms, see the traffic of the last ~1.6 s.
        // The replica's first rate sample (its cron) must precede the traffic it is to see.
        await waitUntil(() => rr.server.cronLoops >= 2, "the replica's first cron runs");
        for (let i = 0; i < 20; i++) await mc.call("SET", `k${i}`, big);
        await waitUntil(
          async () => {
            const m2 = await info(mc, "stats");
            const r2 = await info(rc, "stats");
            return Number(m2.get("instantaneous_output_repl_kbps")) > 0 &&
              Number(r2.get("instantaneous_input_repl_kbps")) > 0 &&
              Number(r2.get("instantaneous_input_kbps")) >=
                Number(r2.get("instantaneous_input_repl_kbps"));
          },
          "non-zero replication rates",
          { timeoutMs: 5000, intervalMs: 50 },
        );
        assert.equal(await mc.call("CONFIG", "RESETSTAT"), "+OK\r\n");
        const reset = await info(mc, "stats");
        assert.equal(reset.get("total_net_repl_output_bytes"), "0");
        assert.equal(reset.get("instantaneous_output_repl_kbps"), "0.00");
      });
    });
  });
}

Deno.test({
  name: "stats: a valkey replica counts as replication input what we count as replication output",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    for (const diskless of ["yes", "no"]) {
      await withOurs({ "repl-diskless-sync": diskless }, async (m, mc) => {
        await mc.call("SET", "before", "v");
        await withReference(async (vport) => {
          await withConn(vport, async (v) => {
            await linkUp(v);
            for (let i = 0; i < 10; i++) await mc.call("SET", `k${i}`, "z".repeat(1000));
            assert.equal(await mc.call("WAIT", 1, 5000), ":1\r\n");
            const out = (await info(mc, "stats")).get("total_net_repl_output_bytes");
            assert.equal((await info(v, "stats")).get("total_net_repl_input_bytes"), out);
          });
        }, ["--replicaof", "127.0.0.1", String(m.port)]);
      });
    }
  },
});

// ---------------------------------------------------------------------------------------------
// FAILOVER's pause

/** A replica on a raw socket: handshake and PSYNC, then it never reads nor acknowledges. */
async function silentReplica(port: number, listeningPort: number): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = (args: string[]) =>
    new TextEncoder().encode(
      `*${args.length}\r\n${args.map((a) => `$${a.length}\r\n${a}\r\n`).join("")}`,
    );
  await conn.write(enc(["REPLCONF", "listening-port", String(listeningPort)]));
  const ok = new Uint8Array(5); // +OK\r\n, before PSYNC (no pending output allowed)
  for (let got = 0; got < 5;) got += (await conn.read(ok.subarray(got))) ?? 5;
  await conn.write(enc(["PSYNC", "?", "-1"]));
  return conn;
}

/** Resolves with the reply once it comes, or "pending" after `ms`. */
async function replyWithin(p: Promise<string>, ms: number): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<string>((r) => timer = setTimeout(() => r("pending"), ms));
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("failover: its pause is its own: CLIENT UNPAUSE does not end it, the strictest pause wins", async () => {
  await withOurs({}, async (srv, c) => {
    const replica = await silentReplica(srv.port, 40001);
    try {
      await waitUntil(async () => {
        const r = await info(c, "replication");
        return r.get("slave0")?.includes("state=online") ?? false;
      }, "the silent replica online");
      assert.equal(await c.call("SET", "k", "1"), "+OK\r\n");
      // The replica never acknowledges: the failover waits for it, writes paused.
      assert.equal(await c.call("FAILOVER", "TO", "127.0.0.1", 40001, "TIMEOUT", 60000), "+OK\r\n");
      assert.equal((await info(c, "replication")).get("master_failover_state"), "waiting-for-sync");
      await withConn(srv.port, async (w) => {
        const write = w.call("SET", "k", "2");
        assert.equal(await replyWithin(write, 100), "pending");
        // CLIENT UNPAUSE ends the client pause only: the write still waits.
        assert.equal(await c.call("CLIENT", "UNPAUSE"), "+OK\r\n");
        assert.equal(await replyWithin(write, 100), "pending");
        // A stricter CLIENT PAUSE ALL applies on top; once it expires reads pass again,
        // writes stay paused by the failover.
        assert.equal(await c.call("CLIENT", "PAUSE", 300, "ALL"), "+OK\r\n");
        await withConn(srv.port, async (r) => {
          const start = Date.now();
          assert.equal(await r.call("GET", "k"), "$1\r\n1\r\n");
          assert.ok(Date.now() - start >= 250, `GET waited ${Date.now() - start} ms`);
        });
        assert.equal(await replyWithin(write, 50), "pending");
        // A WRITE client pause ending earlier does not end the failover's either.
        assert.equal(await c.call("CLIENT", "PAUSE", 50, "WRITE"), "+OK\r\n");
        assert.equal(await replyWithin(write, 150), "pending");
        assert.equal(await c.call("FAILOVER", "ABORT"), "+OK\r\n");
        assert.equal(await write, "+OK\r\n");
        assert.equal(srv.server.pause, null);
      });
      // CLIENT PAUSE during a failover, then the failover ends: the client pause stays.
      assert.equal(await c.call("FAILOVER", "TO", "127.0.0.1", 40001, "TIMEOUT", 60000), "+OK\r\n");
      assert.equal(await c.call("CLIENT", "PAUSE", 60000, "WRITE"), "+OK\r\n");
      assert.equal(await c.call("FAILOVER", "ABORT"), "+OK\r\n");
      await withConn(srv.port, async (w) => {
        const write = w.call("SET", "k", "3");
        assert.equal(await replyWithin(write, 100), "pending");
        assert.equal(await c.call("CLIENT", "UNPAUSE"), "+OK\r\n");
        assert.equal(await write, "+OK\r\n");
      });
    } finally {
      replica.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// repl-timeout

Deno.test("repl-timeout: the master drops a replica that sent no ACK for that long, not one that acks", async () => {
  await withOurs({ "repl-timeout": 1 }, async (srv, c) => {
    const lines = captureLog(srv);
    await withOurs({ replicaof: `127.0.0.1 ${srv.port}` }, async (_r, rc) => {
      await linkUp(rc);
      const silent = await silentReplica(srv.port, 40002);
      try {
        await logged(lines, "Disconnecting timedout replica (streaming sync): 127.0.0.1:40002");
        await logged(lines, "Connection with replica 127.0.0.1:40002 lost.");
        const r = await info(c, "replication");
        assert.equal(r.get("connected_slaves"), "1");
        assert.match(r.get("slave0") ?? "", /state=online/);
        // Ours acks every second: it outlives a further timeout period.
        const before = lines.length;
        await new Promise((res) => setTimeout(res, 2100));
        assert.ok(!lines.slice(before).some((l) => l.includes("Disconnecting timedout")));
        assert.equal((await info(c, "replication")).get("connected_slaves"), "1");
      } finally {
        silent.close();
      }
    });
  });
});

/** A fake master on a free port: each accepted connection goes to `handle` with its number. */
async function withFakeMaster(
  handle: (conn: Deno.TcpConn, n: number) => Promise<void>,
  fn: (port: number) => Promise<void>,
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.TcpConn[] = [];
  const loop = (async () => {
    let n = 0;
    try {
      for await (const conn of listener) {
        conns.push(conn);
        handle(conn, n++).catch(() => {});
      }
    } catch { /* closed */ }
  })();
  try {
    await fn((listener.addr as Deno.NetAddr).port);
  } finally {
    listener.close();
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await loop;
  }
}

/** Reads one RESP command (array of bulk strings) off `conn`, keeping leftovers in `state`. */
async function readCommand(conn: Deno.TcpConn, state: { buf: string }): Promise<string[]> {
  const chunk = new Uint8Array(4096);
  while (true) {
    const m = /^\*(\d+)\r\n/.exec(state.buf);
    if (m) {
      let pos = m[0].length;
      const args: string[] = [];
      for (let i = 0; i < Number(m[1]); i++) {
        const h = /^\$(\d+)\r\n/.exec(state.buf.slice(pos));
        if (!h || state.buf.length < pos + h[0].length + Number(h[1]) + 2) break;
        pos += h[0].length;
        args.push(state.buf.slice(pos, pos + Number(h[1])));
        pos += Number(h[1]) + 2;
      }
      if (args.length === Number(m[1])) {
        state.buf = state.buf.slice(pos);
        return args;
      }
    }
    const n = await conn.read(chunk);
    if (n === null) throw new Error("closed");
    for (let i = 0; i < n; i++) state.buf += String.fromCharCode(chunk[i]);
  }
}

const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

/** Answers the handshake as a master would, up to PSYNC (returned) exclusive of its reply. */
async function answerHandshake(conn: Deno.TcpConn): Promise<string[]> {
  const state = { buf: "" };
  while (true) {
    const args = await readCommand(conn, state);
    const name = args[0].toUpperCase();
    if (name === "PSYNC") return args;
    await conn.write(latin1(name === "PING" ? "+PONG\r\n" : "+OK\r\n"));
  }
}

Deno.test("repl-timeout: the replica gives up a silent handshake, RDB wait and RDB transfer, and reconnects", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    let second: (() => void) | null = null;
    const reconnected = new Promise<void>((r) => second = r);
    await withFakeMaster(async (conn, n) => {
      if (n === 0) return; // accepts, then never answers
      if (n === 1) {
        await answerHandshake(conn);
        await conn.write(latin1(`+FULLRESYNC ${"a".repeat(40)} 0\r\n`));
        // Newlines while "preparing" the RDB keep the link alive past repl-timeout...
        for (let i = 0; i < 6; i++) {
          await conn.write(latin1("\n"));
          await new Promise((r) => setTimeout(r, 400));
        }
        // ...then part of the RDB, and silence.
        await conn.write(latin1("$1000\r\nREDIS0011"));
        return;
      }
      second!();
    }, async (port) => {
      const srv = await startServer({ "repl-timeout": 1, dir });
      try {
        const lines = captureLog(srv);
        await withConn(srv.port, async (c) => {
          assert.equal(await c.call("REPLICAOF", "127.0.0.1", port), "+OK\r\n");
          await logged(lines, "Timeout connecting to the MASTER...");
          await waitUntil(
            async () => (await info(c, "replication")).get("master_sync_in_progress") === "1",
            "RDB transfer started",
          );
          const start = Date.now();
          await logged(
            lines,
            "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
          );
          // Not before the newlines stopped (2.4 s of them), then up to 2 s of silence.
          assert.ok(Date.now() - start >= 2000, `timed out after ${Date.now() - start} ms`);
          await reconnected;
          // No extra error line for the closed socket.
          assert.ok(!lines.some((l) => /resource|closed by the master/i.test(l)), lines.join("\n"));
        });
      } finally {
        await srv.close();
      }
    });
  } finally {
    await cleanup();
  }
});

const SET_K = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n";

Deno.test("repl-timeout: a replica whose master goes silent after the sync reconnects and asks to continue", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const replid = "b".repeat(40);
    let psync2: ((args: string[]) => void) | null = null;
    const second = new Promise<string[]>((r) => psync2 = r);
    const rdbSource = await startServer({});
    // The image a master would ship (its aux fields carry the replid and offset).
    const rdb = persistenceOf(rdbSource.server).serialize(
      false,
      { replid, offset: 0, streamDb: 0 },
      true,
    );
    await rdbSource.close();
    await withFakeMaster(async (conn, n) => {
      const psync = await answerHandshake(conn);
      if (n > 0) return psync2!(psync);
      await conn.write(latin1(`+FULLRESYNC ${replid} 0\r\n$${rdb.length}\r\n`));
      await conn.write(rdb);
      // One command of the stream, then silence: no PING either.
      await conn.write(latin1(SET_K));
    }, async (port) => {
      const srv = await startServer({ "repl-timeout": 1, dir, replicaof: `127.0.0.1 ${port}` });
      try {
        const lines = captureLog(srv);
        await withConn(srv.port, async (c) => {
          await linkUp(c);
          await logged(lines, "MASTER timeout: no data nor PING received...");
          await logged(lines, "Connection with master lost.");
          // PSYNC with the master's replid and the offset after the applied bytes.
          assert.deepEqual(await second, ["PSYNC", replid, String(SET_K.length + 1)]);
          assert.equal(await c.call("GET", "k"), "$1\r\nv\r\n");
        });
      } finally {
        await srv.close();
      }
    });
  } finally {
    await cleanup();
  }
});

// ---------------------------------------------------------------------------------------------
// SHUTDOWN waiting for lagging replicas

/** A master of ours with one replica of ours (acks) and one silent raw replica (never acks). */
async function withLaggingReplicas(
  options: ServerOptions,
  fn: (srv: RunningServer, c: RawClient, lines: string[]) => Promise<void>,
): Promise<void> {
  await withOurs(options, async (srv, c) => {
    const lines = captureLog(srv);
    await withOurs({ replicaof: `127.0.0.1 ${srv.port}` }, async (_r, rc) => {
      await linkUp(rc);
      const silent = await silentReplica(srv.port, 40003);
      try {
        await waitUntil(
          async () => (await info(c, "replication")).get("connected_slaves") === "2",
          "two replicas",
        );
        assert.equal(await c.call("SET", "k", "1"), "+OK\r\n");
        await fn(srv, c, lines);
      } finally {
        silent.close();
      }
    });
  });
}

Deno.test("shutdown: waits up to shutdown-timeout for lagging replicas, writes paused, then exits", async () => {
  await withLaggingReplicas({ "shutdown-timeout": 2 }, async (srv, c, lines) => {
    const start = Date.now();
    await c.send("SHUTDOWN");
    await logged(lines, "Waiting for replicas before shutting down.");
    await withConn(srv.port, async (w) => {
      // Writes wait (the shutdown's pause); CLIENT UNPAUSE does not end it; reads pass.
      const write = w.call("SET", "k", "2");
      assert.equal(await replyWithin(write, 100), "pending");
      await withConn(srv.port, async (r) => {
        assert.equal(await r.call("CLIENT", "UNPAUSE"), "+OK\r\n");
        assert.equal(await r.call("GET", "k"), "$1\r\n1\r\n");
      });
      assert.equal(await replyWithin(write, 100), "pending");
      await srv.server.closed;
    });
    const took = Date.now() - start;
    assert.ok(took >= 1900 && took < 5000, `shut down after ${took} ms`);
    assert.equal(await c.readUntilClosed(), "");
    // Ours acked the GETACK; the silent one lags by everything after its RDB.
    assert.ok(
      lines.some((l) =>
        /^Lagging replica 127\.0\.0\.1:40003 reported offset \d+ behind master, lag=\d+, state=online\.$/
          .test(l)
      ),
      lines.join("\n"),
    );
    await logged(lines, "1 of 2 replicas are in sync when shutting down.");
  });
});

Deno.test("shutdown: ABORT cancels the wait (error to the waiting clients, writes resume); NOW skips it", async () => {
  await withLaggingReplicas({ "shutdown-timeout": 60 }, async (srv, c, lines) => {
    await c.send("SHUTDOWN");
    await logged(lines, "Waiting for replicas before shutting down.");
    await withConn(srv.port, async (w) => {
      const write = w.call("SET", "k", "2");
      assert.equal(await replyWithin(write, 100), "pending");
      await withConn(srv.port, async (c2) => {
        // A second SHUTDOWN joins the one in progress.
        const second = c2.call("SHUTDOWN", "NOSAVE");
        assert.equal(await replyWithin(second, 100), "pending");
        await withConn(srv.port, async (admin) => {
          assert.equal(await admin.call("SHUTDOWN", "ABORT"), "+OK\r\n");
        });
        assert.equal(await second, "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
      });
      assert.equal(await write, "+OK\r\n");
    });
    assert.equal(await c.readRaw(), "-ERR Errors trying to SHUTDOWN. Check logs.\r\n");
    await logged(lines, "Shutdown manually aborted.");
    assert.equal(srv.server.pause, null);
    assert.equal(await c.call("SHUTDOWN", "ABORT"), "-ERR No shutdown in progress.\r\n");
    assert.equal(await c.call("SET", "k", "3"), "+OK\r\n");
    // NOW: no wait, the lagging replica is only logged.
    const before = lines.length;
    await c.send("SHUTDOWN", "NOW");
    await srv.server.closed;
    const after = lines.slice(before);
    assert.ok(!after.includes("Waiting for replicas before shutting down."), after.join("\n"));
    assert.ok(
      after.some((l) => /^[01] of 2 replicas are in sync when shutting down\.$/.test(l)),
      after.join("\n"),
    );
    assert.ok(
      after.some((l) => l.startsWith("Lagging replica 127.0.0.1:40003 ")),
      after.join("\n"),
    );
  });
});

Deno.test("shutdown: replicas in sync (after the GETACK) let it exit at once", async () => {
  await withOurs({}, async (srv, c) => {
    const lines = captureLog(srv);
    await withOurs({ replicaof: `127.0.0.1 ${srv.port}` }, async (_r, rc) => {
      await linkUp(rc);
      assert.equal(await c.call("SET", "k", "1"), "+OK\r\n");
      const start = Date.now();
      await c.send("SHUTDOWN");
      await srv.server.closed;
      assert.ok(Date.now() - start < 2000, `took ${Date.now() - start} ms`);
      await logged(lines, "1 of 1 replicas are in sync when shutting down.");
      assert.equal(await rc.call("GET", "k"), "$1\r\n1\r\n");
    });
  });
});

Deno.test("shutdown: signals honour shutdown-on-sigterm, wait for a lagging replica, a second SIGINT exits at once", async () => {
  const [dir, cleanup] = await tempDir();
  const port = freePort();
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-all",
      new URL("../main.ts", import.meta.url).pathname,
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "3600 1",
      "--shutdown-on-sigterm",
      "nosave",
      "--logfile",
      `${dir}/log`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const log = () => Deno.readTextFile(`${dir}/log`).catch(() => "");
  try {
    const c = await connectRetry(port);
    try {
      const silent = await silentReplica(port, 40004);
      try {
        await waitUntil(
          async () => (await info(c, "replication")).get("connected_slaves") === "1",
          "the silent replica attached",
        );
        // A write it will never acknowledge.
        assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
        proc.kill("SIGTERM");
        await waitUntil(
          async () => (await log()).includes("Waiting for replicas before shutting down."),
          "the wait for replicas",
        );
        proc.kill("SIGINT");
        assert.equal((await proc.status).code, 1);
      } finally {
        silent.close();
      }
    } finally {
      c.close();
    }
    const text = await log();
    assert.match(text, /# Received SIGTERM scheduling shutdown\.\.\./);
    assert.match(text, /# You insist\.\.\. exiting now\./);
    // nosave: no final save despite the save point.
    assert.ok(!text.includes("Saving the final RDB snapshot"), text);
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* gone */ }
    await proc.status;
    await cleanup();
  }
});

Deno.test("pause: while clients are paused no GETACK enters the stream (WAIT's is sent on unpause)", async () => {
  await withOurs({}, async (srv, c) => {
    const replica = await silentReplica(srv.port, 40005);
    try {
      await waitUntil(
        async () => (await info(c, "replication")).get("connected_slaves") === "1",
        "the silent replica attached",
      );
      assert.equal(await c.call("SET", "k", "1"), "+OK\r\n");
      assert.equal(await c.call("CLIENT", "PAUSE", 60000, "WRITE"), "+OK\r\n");
      const offset = srv.server.repl.offset;
      assert.equal(await c.call("WAIT", 1, 200), ":0\r\n");
      assert.equal(srv.server.repl.offset, offset);
      assert.equal(await c.call("CLIENT", "UNPAUSE"), "+OK\r\n");
      const getack = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n";
      await waitUntil(() => srv.server.repl.offset === offset + getack.length, "the GETACK");
    } finally {
      replica.close();
    }
  });
});
