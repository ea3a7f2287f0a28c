/**
 * The replica's side of a full sync, compared with valkey-server where it can be: a replica
 * with appendonly yes restarts its AOF after the sync (its AOF alone then restores the
 * master's data), repl-timeout gives up a TCP connect to the master that never completes
 * and tries again at once, and the stream a master holds for a replica while its RDB is
 * made counts toward client-output-buffer-limit replica (CLIENT LIST omem, the hard limit
 * never below repl-backlog-size, the soft limit applied by the cron), after which the
 * replica resyncs.
 */

import assert from "node:assert/strict";
import { type ServerOptions, startServer } from "../mod.ts";
import {
  captureLog,
  caughtUp,
  cmd,
  infoFields as info,
  masterLink,
  RawClient,
  tempDir,
  waitUntil,
  withConn,
  withServer,
} from "./helpers.ts";
import { HAS_VALKEY, requireValkey, withReference } from "./reference.ts";

const DEBUG: ServerOptions = { "enable-debug-command": "yes" };

/** Waits until one of `lines` (a log, growing) matches `re`; returns its index. */
async function logged(lines: string[], re: RegExp, from = 0, timeoutMs = 10_000): Promise<number> {
  let at = -1;
  await waitUntil(
    () => (at = lines.findIndex((l, i) => i >= from && re.test(l))) !== -1,
    `log line ${re}`,
    { timeoutMs, intervalMs: 10 },
  );
  return at;
}

/**
 * The messages of a valkey log file, without pid, role, time and level, in Redis's wording
 * (valkey says PRIMARY where Redis says MASTER).
 */
async function referenceLog(path: string): Promise<string[]> {
  return (await Deno.readTextFile(path).catch(() => "")).split("\n")
    .map((l) =>
      l.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ [*#.-] /, "").replaceAll("PRIMARY", "MASTER")
    );
}

const digest = async (c: RawClient) => await cmd(c, "DEBUG", "DIGEST") as string;

async function writes(c: RawClient, cmds: (string | number)[][]): Promise<void> {
  for (const w of cmds) assert.doesNotMatch(await c.call(...w), /^-/, w.join(" "));
}

// ---------------------------------------------------------------------------------------------
// The replica's AOF after a full sync

/** The INFO persistence fields of the AOF's state compared with valkey. */
const AOF_FIELDS = [
  "aof_enabled",
  "aof_rewrite_in_progress",
  "aof_rewrite_scheduled",
  "aof_rewrites",
  "aof_last_bgrewrite_status",
  "aof_last_write_status",
  "aof_pending_rewrite",
  "aof_rewrites_consecutive_failures",
];

async function aofState(c: RawClient): Promise<Record<string, string | undefined>> {
  const f = await info(c, "persistence");
  return Object.fromEntries(AOF_FIELDS.map((k) => [k, f.get(k)]));
}

/** appendonlydir's files (sorted) and its manifest. */
async function aofDir(dir: string): Promise<[string[], string]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${dir}/appendonlydir`)) names.push(e.name);
  names.sort();
  return [names, await Deno.readTextFile(`${dir}/appendonlydir/appendonly.aof.manifest`)];
}

const BEFORE_SYNC: (string | number)[][] = [
  ...Array.from({ length: 12 }, (_, i) => ["SET", `s${i}`, `v${i}`]),
  ["RPUSH", "l", "a", "b", "c"],
  ["HSET", "h", "f", "1", "g", "2"],
  ["ZADD", "z", 1, "a", 2, "b"],
  ["SADD", "set", "x", "y"],
  ["SET", "ttl", "v", "EX", 1000],
  ["SELECT", 3],
  ["SET", "db3", "v"],
  ["SELECT", 0],
];

const AFTER_SYNC: (string | number)[][] = [
  ["SET", "after", "1"],
  ["INCR", "counter"],
  ["RPUSH", "l", "d"],
  ["DEL", "s0"],
  ["MULTI"],
  ["HSET", "h", "f", "9"],
  ["EXPIRE", "s1", 500],
  ["EXEC"],
  ["SELECT", 3],
  ["SET", "db3b", "w"],
  ["SELECT", 0],
  // Replicated as XCLAIM, which the replica propagates in a form of its own.
  ["DEL", "st"],
  ["XADD", "st", "1-1", "f", "v"],
  ["XGROUP", "CREATE", "st", "g", "0"],
  ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "st", ">"],
];

/**
 * A replica with appendonly yes (and `rdb-key-save-delay` so its post-sync rewrite can be
 * seen running) syncs from `mport`; returns the AOF fields during that rewrite and after it,
 * once AFTER_SYNC (written meanwhile) was applied. `start` starts the replica and hands over a
 * connection to it.
 */
async function replicaAofScenario(
  m: RawClient,
  r: RawClient,
): Promise<
  { during: Record<string, string | undefined>; after: Record<string, string | undefined> }
> {
  await masterLink(r);
  const during = await aofState(r);
  await writes(m, AFTER_SYNC);
  await waitUntil(
    async () => (await info(r, "persistence")).get("aof_rewrite_in_progress") === "0",
    "the post-sync rewrite done",
    { timeoutMs: 20_000, intervalMs: 20 },
  );
  await caughtUp(m, r);
  return { during, after: await aofState(r) };
}

const REPLICA_AOF: ServerOptions = { appendonly: "yes", "rdb-key-save-delay": 40_000 };

Deno.test("replica AOF: restarted after a full sync, it alone restores the master's data", async () => {
  const [mdir, mclean] = await tempDir();
  const [rdir, rclean] = await tempDir();
  try {
    await withServer({ dir: mdir, "repl-diskless-sync-delay": 0, ...DEBUG }, async (ms) => {
      await withConn(ms.port, async (m) => {
        await writes(m, BEFORE_SYNC);
        const opts = { ...REPLICA_AOF, dir: rdir, replicaof: `127.0.0.1 ${ms.port}`, ...DEBUG };
        const rs = await startServer(opts);
        const lines = captureLog(rs);
        try {
          await withConn(rs.port, async (r) => {
            const { during, after } = await replicaAofScenario(m, r);
            // The rewrite of the loaded dataset runs, the AOF counts as on meanwhile.
            assert.equal(during.aof_enabled, "1");
            assert.equal(during.aof_rewrite_in_progress, "1");
            assert.equal(during.aof_rewrites, "1");
            assert.deepEqual(after, {
              aof_enabled: "1",
              aof_rewrite_in_progress: "0",
              aof_rewrite_scheduled: "0",
              aof_rewrites: "1",
              aof_last_bgrewrite_status: "ok",
              aof_last_write_status: "ok",
              aof_pending_rewrite: "0",
              aof_rewrites_consecutive_failures: "0",
            });
            // The files of the start-up AOF were replaced by the sync's.
            assert.deepEqual(await aofDir(rdir), [
              ["appendonly.aof.2.base.rdb", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"],
              "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n",
            ]);
            const done = lines.indexOf("MASTER <-> REPLICA sync: Finished with success");
            assert.ok(done !== -1, lines.join("\n"));
            assert.equal(
              lines[done + 1],
              "Creating AOF incr file temp-appendonly.aof.incr on background rewrite",
            );
          });
        } finally {
          await rs.close();
        }
        // Started again from its AOF alone (no replicaof): the master's dataset.
        const want = await digest(m);
        const again = await startServer({ appendonly: "yes", dir: rdir, ...DEBUG });
        try {
          await withConn(again.port, async (r) => {
            assert.equal(await digest(r), want);
            assert.equal(await r.call("GET", "after"), "$1\r\n1\r\n");
            assert.match(await r.call("XPENDING", "st", "g"), /^\*4\r\n:1\r\n/);
            assert.equal(await r.call("SELECT", 3), "+OK\r\n");
            assert.equal(await r.call("DBSIZE"), ":2\r\n");
          });
        } finally {
          await again.close();
        }
      });
    });
  } finally {
    await mclean();
    await rclean();
  }
});

Deno.test({
  name: "replica AOF: the INFO persistence fields and the files after a full sync as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const [rdir, rclean] = await tempDir();
    const [vdir, vclean] = await tempDir();
    try {
      await withServer({ "repl-diskless-sync-delay": 0, ...DEBUG }, async (ms) => {
        await withConn(ms.port, async (m) => {
          await writes(m, BEFORE_SYNC);
          const ours = await (async () => {
            const rs = await startServer({
              ...REPLICA_AOF,
              dir: rdir,
              replicaof: `127.0.0.1 ${ms.port}`,
            });
            try {
              return await withConn(rs.port, (r) => replicaAofScenario(m, r));
            } finally {
              await rs.close();
            }
          })();
          let theirs: Awaited<ReturnType<typeof replicaAofScenario>> | null = null;
          await withReference(async (vport) => {
            await withConn(vport, async (v) => {
              theirs = await replicaAofScenario(m, v);
            });
          }, [
            ...["--dir", vdir, "--appendonly", "yes", "--rdb-key-save-delay", "40000"],
            ...["--replicaof", "127.0.0.1", String(ms.port)],
          ]);
          assert.deepEqual(ours, theirs);
          assert.deepEqual(await aofDir(rdir), await aofDir(vdir));
        });
      });
    } finally {
      await rclean();
      await vclean();
    }
  },
});

Deno.test("replica: only its AOF listens to propagation, the replication stream again once promoted", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    await withServer({ "repl-diskless-sync-delay": 0 }, async (ms) => {
      await withConn(ms.port, async (m) => {
        const replicaof = `127.0.0.1 ${ms.port}`;
        // Without the AOF the master client's writes are not even collected.
        await withServer({ replicaof }, async (rs) => {
          await withConn(rs.port, async (r) => {
            await masterLink(r);
            assert.equal(await m.call("SET", "k", "1"), "+OK\r\n");
            await caughtUp(m, r);
            assert.equal(rs.server.propagateListeners.length, 0);
            assert.equal(await r.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
            assert.equal(rs.server.propagateListeners.length, 1);
            assert.equal(await r.call("SET", "mine", "1"), "+OK\r\n");
            assert.equal(
              (await info(r, "replication")).get("master_repl_offset"),
              String(
                Number((await info(m, "replication")).get("master_repl_offset")) +
                  "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$4\r\nmine\r\n$1\r\n1\r\n"
                    .length,
              ),
            );
          });
        });
        await withServer({ replicaof, appendonly: "yes", dir }, async (rs) => {
          await withConn(rs.port, async (r) => {
            await masterLink(r);
            assert.equal(rs.server.propagateListeners.length, 1);
          });
        });
      });
    });
  } finally {
    await cleanup();
  }
});

Deno.test("replica AOF: a failed load leaves it stopped until promotion restarts it", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    // A fake master whose RDB is not one: the replica stops its AOF, fails the load.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const serving = (async () => {
      for await (const conn of listener) {
        (async () => {
          const buf = new Uint8Array(4096);
          let seen = "";
          try {
            while (!seen.includes("PSYNC")) {
              const n = await conn.read(buf);
              if (n === null) return;
              const text = new TextDecoder().decode(buf.subarray(0, n));
              seen += text;
              // One reply per command received (PING, REPLCONF x2, PSYNC).
              for (const line of text.split("\r\n")) {
                if (/^(PING|REPLCONF)$/i.test(line)) {
                  await conn.write(
                    new TextEncoder().encode(line === "PING" ? "+PONG\r\n" : "+OK\r\n"),
                  );
                }
              }
            }
            const bad = "NOT-AN-RDB-PAYLOAD";
            await conn.write(
              new TextEncoder().encode(
                `+FULLRESYNC ${"c".repeat(40)} 0\r\n$${bad.length}\r\n${bad}`,
              ),
            );
            await conn.read(buf);
          } catch { /* closed */ }
          try {
            conn.close();
          } catch { /* closed */ }
        })();
      }
    })();
    const rs = await startServer({ appendonly: "yes", dir, replicaof: `127.0.0.1 ${port}` });
    const lines = captureLog(rs);
    try {
      await withConn(rs.port, async (r) => {
        await logged(lines, /^Failed trying to load the MASTER synchronization DB/);
        assert.equal((await info(r, "persistence")).get("aof_enabled"), "0");
        assert.equal(await r.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
        const at = await logged(lines, /^Restarting AOF after becoming master$/);
        assert.match(lines[at + 1] ?? "", /^Creating AOF incr file temp-appendonly\.aof\.incr/);
        assert.match(lines.slice(at).join("\n"), /MASTER MODE enabled/);
        assert.equal((await info(r, "persistence")).get("aof_enabled"), "1");
      });
    } finally {
      await rs.close();
      listener.close();
      await serving.catch(() => {});
    }
  } finally {
    await cleanup();
  }
});

// ---------------------------------------------------------------------------------------------
// repl-timeout while connecting

/**
 * A port where a TCP connect never completes: a listener that accepts nothing, its accept
 * queue filled (the kernel then drops further SYNs). Closed after `fn`.
 */
async function withUnansweredPort(fn: (port: number) => Promise<void>): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const fillers: Deno.Conn[] = [];
  try {
    // A connect that hangs 300 ms is taken for a full queue once a second try hangs 2 s too
    // (a loaded machine can be slow to complete a loopback connect).
    let waitMs = 300;
    for (let i = 0;; i++) {
      assert.ok(i < 5000, "the accept queue never filled");
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), waitMs);
      try {
        fillers.push(await Deno.connect({ hostname: "127.0.0.1", port, signal: ac.signal }));
        waitMs = 300;
      } catch {
        if (waitMs === 2000) break; // it hangs: the queue is full
        waitMs = 2000;
      } finally {
        clearTimeout(timer);
      }
    }
    await fn(port);
  } finally {
    for (const c of fillers) c.close();
    listener.close();
  }
}

/** The sequence Redis logs when repl-timeout cancels a connect and connects again. */
const RETRY = (port: number) => [
  "Timeout connecting to the MASTER...",
  `Reconnecting to MASTER 127.0.0.1:${port} after failure`,
  "MASTER <-> REPLICA sync started",
];

Deno.test("repl-timeout: a TCP connect that never completes is given up and tried again", async () => {
  await withUnansweredPort(async (port) => {
    await withServer({ "repl-timeout": 1 }, async (rs) => {
      const lines = captureLog(rs);
      await withConn(rs.port, async (r) => {
        const start = Date.now();
        assert.equal(await r.call("REPLICAOF", "127.0.0.1", port), "+OK\r\n");
        assert.deepEqual(lines.slice(-2), [
          `Connecting to MASTER 127.0.0.1:${port}`,
          "MASTER <-> REPLICA sync started",
        ]);
        assert.equal(
          await r.call("ROLE"),
          `*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:${port}\r\n$10\r\nconnecting\r\n:-1\r\n`,
        );
        const f = await info(r, "replication");
        assert.equal(f.get("master_link_status"), "down");
        assert.equal(f.get("master_sync_in_progress"), "0");
        const at = await logged(lines, /^Timeout connecting to the MASTER\.\.\.$/);
        assert.ok(Date.now() - start >= 1000, `gave up after ${Date.now() - start} ms`);
        // The log arrives in chunks: wait for the sequence's last line before comparing.
        await logged(lines, /^MASTER <-> REPLICA sync started$/, at + 1);
        assert.deepEqual(lines.slice(at, at + 3), RETRY(port));
        // The new attempt hangs as well and is given up the same way.
        const again = await logged(lines, /^Timeout connecting to the MASTER\.\.\.$/, at + 1);
        await logged(lines, /^MASTER <-> REPLICA sync started$/, again + 1);
        assert.deepEqual(lines.slice(again, again + 3), RETRY(port));
        assert.match(await r.call("ROLE"), /\$10\r\nconnecting\r\n/);
        // A hung connect holds nothing up: another master is followed at once.
        await withServer({ "repl-diskless-sync-delay": 0 }, async (ms) => {
          assert.equal(await r.call("REPLICAOF", "127.0.0.1", ms.port), "+OK\r\n");
          await masterLink(r);
        });
      });
    });
  });
});

Deno.test("repl-timeout: a master that accepts but never answers the handshake is given up and tried again", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const accepted: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) accepted.push(conn); // read nothing, answer nothing
  })();
  try {
    await withServer({ "repl-timeout": 1 }, async (rs) => {
      const lines = captureLog(rs);
      await withConn(rs.port, async (r) => {
        assert.equal(await r.call("REPLICAOF", "127.0.0.1", port), "+OK\r\n");
        await logged(lines, /^Non blocking connect for SYNC fired the event\.$/);
        assert.match(await r.call("ROLE"), /\$9\r\nhandshake\r\n/);
        const at = await logged(lines, /^Timeout connecting to the MASTER\.\.\.$/);
        // The log arrives in chunks: wait for the sequence's last line before comparing.
        await logged(lines, /^MASTER <-> REPLICA sync started$/, at + 1);
        assert.deepEqual(lines.slice(at, at + 3), RETRY(port));
        await waitUntil(() => accepted.length === 2, "the second connection");
        assert.equal(await r.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
      });
    });
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const c of accepted) c.close();
  }
});

Deno.test({
  name: "repl-timeout: valkey gives up a TCP connect that never completes the same way",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const [dir, cleanup] = await tempDir();
    try {
      await withUnansweredPort(async (port) => {
        const logfile = `${dir}/valkey.log`;
        await withReference(async (vport) => {
          await withConn(vport, async (v) => {
            assert.match(await v.call("ROLE"), /\$10\r\nconnecting\r\n/);
            let lines: string[] = [];
            let at = -1;
            await waitUntil(
              async () => {
                lines = await referenceLog(logfile);
                at = lines.indexOf(RETRY(port)[0]);
                return at !== -1 && lines.length > at + 3;
              },
              "valkey's timeout and the lines after it",
              { timeoutMs: 10_000, intervalMs: 20 },
            );
            assert.deepEqual(lines.slice(at - 2, at), [
              `Connecting to MASTER 127.0.0.1:${port}`,
              "MASTER <-> REPLICA sync started",
            ]);
            assert.deepEqual(lines.slice(at, at + 3), RETRY(port));
          });
        }, ["--repl-timeout", "1", "--logfile", logfile, "--replicaof", "127.0.0.1", String(port)]);
      });
    } finally {
      await cleanup();
    }
  },
});

// ---------------------------------------------------------------------------------------------
// client-output-buffer-limit replica while the full-sync RDB is made

/** A master whose disk-based sync snapshot takes seconds (rdb-key-save-delay per key). */
const SLOW_SYNC: ServerOptions = {
  "repl-diskless-sync": "no",
  "rdb-key-save-delay": 100_000,
  "repl-backlog-size": "1mb",
  "client-output-buffer-limit": "replica 32kb 0 0",
  ...DEBUG,
};
const SLOW_SYNC_ARGS = [
  ...["--repl-diskless-sync", "no", "--rdb-key-save-delay", "100000"],
  ...["--repl-backlog-size", "1mb", "--client-output-buffer-limit", "replica 32kb 0 0"],
  ...["--enable-debug-command", "yes"],
];

/** The replica line of CLIENT LIST on `m` as a map, or null when there is none. */
async function replicaClient(m: RawClient): Promise<Map<string, string> | null> {
  const line = (await cmd(m, "CLIENT", "LIST", "TYPE", "replica") as string).split("\n")[0];
  if (!line) return null;
  return new Map(
    line.trim().split(" ").map((kv) => {
      const i = kv.indexOf("=");
      return [kv.slice(0, i), kv.slice(i + 1)];
    }),
  );
}

/** Waits until a replica of `m` waits for its RDB (INFO's slave0 state=wait_bgsave). */
function waitingForRdb(m: RawClient): Promise<void> {
  return waitUntil(
    async () => /state=wait_bgsave/.test((await info(m, "replication")).get("slave0") ?? ""),
    "a replica waiting for its RDB",
    { timeoutMs: 10_000, intervalMs: 10 },
  );
}

const LOST = /^Connection with replica 127\.0\.0\.1:\d+ lost\.$/;
const CUT =
  /^Client id=\d+ .* flags=S .* omem=(\d+) .* (scheduled to be closed ASAP|closed) for overcoming of output buffer limits\.$/;

/**
 * The master on `mport` (SLOW_SYNC) and our replica on `r`: 60 KB written while the replica
 * waits for its RDB show as its omem and are under the 32kb hard limit, which counts as
 * repl-backlog-size (1mb); with the backlog lowered to 16kb the replica is cut (`cutLine`
 * finds the master's log line for it); returns that line.
 */
async function heldStreamOverHardLimit(
  m: RawClient,
  cutLine: () => Promise<string>,
): Promise<string> {
  await waitingForRdb(m);
  for (let i = 0; i < 3; i++) {
    assert.equal(await m.call("SET", `big${i}`, "x".repeat(20_000)), "+OK\r\n");
  }
  const cl = await replicaClient(m);
  assert.ok(cl !== null);
  const omem = Number(cl.get("omem"));
  assert.ok(omem >= 60_000 && omem <= 62_000, `omem=${omem}`);
  assert.equal(cl.get("obl"), "0");
  assert.equal((await info(m, "replication")).get("connected_slaves"), "1");
  assert.equal(await m.call("CONFIG", "SET", "repl-backlog-size", "16kb"), "+OK\r\n");
  const line = await cutLine();
  assert.ok(Number(CUT.exec(line)![1]) >= 60_000, line);
  return line;
}

Deno.test("replica output limit: the stream held during a full sync counts, the replica is cut and resyncs", async () => {
  await withServer(SLOW_SYNC, async (ms) => {
    const lines = captureLog(ms);
    await withConn(ms.port, async (m) => {
      assert.equal(await m.call("DEBUG", "POPULATE", 60), "+OK\r\n");
      await withServer({ replicaof: `127.0.0.1 ${ms.port}`, ...DEBUG }, async (rs) => {
        await withConn(rs.port, async (r) => {
          // Hard limit (raised to repl-backlog-size), applied by the cron.
          await heldStreamOverHardLimit(m, async () => lines[await logged(lines, CUT)]);
          assert.ok(
            Number((await info(m, "clients")).get("client_recent_max_output_buffer")) >= 60_000,
          );
          const lost = await logged(lines, /^Connection with replica 127\.0\.0\.1:\d+ lost\.$/);
          // It comes back for a new full sync.
          await logged(lines, /^Replica 127\.0\.0\.1:\d+ asks for synchronization$/, lost);
          await waitingForRdb(m);
          // Soft limit: over it for longer than its seconds, with no byte written meanwhile.
          assert.equal(
            await m.call("CONFIG", "SET", "client-output-buffer-limit", "replica 0 32kb 1"),
            "+OK\r\n",
          );
          const from = lines.length;
          for (let i = 0; i < 3; i++) await m.call("SET", `soft${i}`, "y".repeat(20_000));
          const start = Date.now();
          const cut = await logged(lines, CUT, from);
          assert.ok(Date.now() - start >= 1000, `cut after ${Date.now() - start} ms`);
          assert.match(lines[cut], / closed for overcoming of output buffer limits\.$/);
          // The cron frees the replica at once: its "lost" line comes first.
          assert.equal(lines.findIndex((l, i) => i >= from && LOST.test(l)), cut - 1);
          // Defaults again and a quick snapshot: the replica resyncs.
          await writes(m, [
            ["CONFIG", "SET", "client-output-buffer-limit", "replica 256mb 64mb 60"],
            ["CONFIG", "SET", "rdb-key-save-delay", 0],
          ]);
          await masterLink(r, "up", 20_000);
          await caughtUp(m, r);
          assert.equal(await digest(r), await digest(m));
          assert.equal((await info(m, "stats")).get("sync_full"), "3");
        });
      });
    });
  });
});

Deno.test({
  name: "replica output limit: valkey counts the held stream and cuts the replica the same way",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const [dir, cleanup] = await tempDir();
    try {
      const logfile = `${dir}/valkey.log`;
      await withReference(async (vport) => {
        await withConn(vport, async (m) => {
          assert.equal(await m.call("DEBUG", "POPULATE", 60), "+OK\r\n");
          await withServer({ replicaof: `127.0.0.1 ${vport}`, ...DEBUG }, async (rs) => {
            await withConn(rs.port, async (r) => {
              await heldStreamOverHardLimit(m, async () => {
                let line: string | undefined;
                await waitUntil(
                  async () => {
                    line = (await referenceLog(logfile)).find((l) => CUT.test(l));
                    return line !== undefined;
                  },
                  "valkey cutting the replica",
                  { timeoutMs: 10_000, intervalMs: 20 },
                );
                return line!;
              });
              // Soft limit, cut by the cron: freed at once, so "lost" comes first.
              await waitingForRdb(m);
              assert.equal(
                await m.call("CONFIG", "SET", "client-output-buffer-limit", "replica 0 32kb 1"),
                "+OK\r\n",
              );
              const from = (await referenceLog(logfile)).length - 1; // the last is the "" after "\n"
              for (let i = 0; i < 3; i++) await m.call("SET", `soft${i}`, "y".repeat(20_000));
              let log: string[] = [];
              await waitUntil(
                async () =>
                  (log = await referenceLog(logfile)).some((l, i) => i >= from && CUT.test(l)),
                "valkey cutting the replica at its soft limit",
                { timeoutMs: 10_000, intervalMs: 20 },
              );
              const cut = log.findIndex((l, i) => i >= from && CUT.test(l));
              assert.match(log[cut], / closed for overcoming of output buffer limits\.$/);
              assert.equal(
                log.findIndex((l, i) => i >= from && LOST.test(l)),
                cut - 1,
                log.slice(from).join("\n"),
              );
              await writes(m, [
                ["CONFIG", "SET", "client-output-buffer-limit", "replica 256mb 64mb 60"],
                ["CONFIG", "SET", "rdb-key-save-delay", 0],
              ]);
              await masterLink(r, "up", 20_000);
              await caughtUp(m, r);
              assert.equal(await digest(r), await digest(m));
            });
          });
        });
      }, [...SLOW_SYNC_ARGS, "--logfile", logfile]);
    } finally {
      await cleanup();
    }
  },
});
