/**
 * Replication faults with real servers and real sockets: the link killed in the middle of
 * the RDB of a full resync (ours and redis-server 7.0 as masters, disk-based and diskless,
 * each repl-diskless-load mode of our replica; and a redis-server replica of ours) and in the
 * middle of a transaction in the stream, WAIT while one of two replicas is SIGKILLed or its
 * link dies, no write acknowledged by WAIT lost when the master is SIGKILLed and a replica
 * promoted, a replica that stops reading cut at client-output-buffer-limit and resynced, and an
 * RDB bigger than that limit not counted against it. A `LinkProxy` the test controls sits between a
 * replica and its master: it forwards both ways, and can stop forwarding after N bytes from
 * the master, cut the connection, and hold the next one until released, so each fault happens
 * at a known point without sleeps. Datasets are compared with DEBUG DIGEST.
 */

import assert from "node:assert/strict";
import type { ServerOptions } from "../mod.ts";
import {
  cmd,
  infoFields as info,
  RawClient,
  rng,
  runsWith,
  type SpawnedServer,
  spawnServer,
  stopSpawned,
  tempDir,
  waitUntil,
  withConn,
  withServer,
} from "./helpers.ts";
import { withBinaryOn } from "./rdb_dataset.ts";

const REDIS = "redis-server";

// ---------------------------------------------------------------------------------------------
// The proxy

/** One proxied connection: the replica's socket and the one to the master. */
interface ProxiedLink {
  replica: Deno.TcpConn;
  master: Deno.TcpConn | null;
  /** Bytes forwarded from the master so far. */
  down: number;
  /** The first bytes from the master (handshake replies and the RDB header), latin1. */
  head: string;
}

/**
 * A TCP proxy between a replica and its master. Master-to-replica bytes can be stopped
 * (`stopAt`, `pause`): the proxy then stops reading from the master, as a replica that stops
 * reading would. `cut` closes the current connection both ways; `hold` makes new connections
 * wait, their bytes unread, until `release`.
 */
class LinkProxy {
  readonly port: number;
  /** Connections accepted so far. */
  accepted = 0;
  /** The latest connection. */
  link: ProxiedLink | null = null;
  private readonly listener: Deno.TcpListener;
  private limit = Infinity;
  private flowWaiters: (() => void)[] = [];
  private stoppedWaiters: (() => void)[] = [];
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private readonly links = new Set<ProxiedLink>();

  constructor(readonly masterPort: number) {
    this.listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.listener.addr as Deno.NetAddr).port;
    this.acceptLoop();
  }

  private async acceptLoop(): Promise<void> {
    for await (const replica of this.listener) {
      this.accepted++;
      const link: ProxiedLink = { replica, master: null, down: 0, head: "" };
      this.link = link;
      this.links.add(link);
      this.serve(link);
    }
  }

  private async serve(link: ProxiedLink): Promise<void> {
    try {
      if (this.gate !== null) await this.gate;
      link.master = await Deno.connect({ hostname: "127.0.0.1", port: this.masterPort });
      await Promise.all([this.pumpUp(link), this.pumpDown(link)]);
    } catch { /* either side went away */ }
    this.close(link);
  }

  /** Replica to master: forwarded as it comes. */
  private async pumpUp(link: ProxiedLink): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await link.replica.read(buf);
        if (n === null) break;
        await writeAll(link.master!, buf.subarray(0, n));
      }
    } finally {
      this.close(link);
    }
  }

  /** Master to replica: up to the byte limit, then nothing is read until it is raised. */
  private async pumpDown(link: ProxiedLink): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    try {
      while (true) {
        while (link.down >= this.limit) {
          for (const w of this.stoppedWaiters.splice(0)) w();
          await new Promise<void>((r) => this.flowWaiters.push(r));
        }
        const room = Math.min(buf.length, this.limit - link.down);
        const n = await link.master!.read(buf.subarray(0, room));
        if (n === null) break;
        if (link.head.length < 256) {
          for (let i = 0; i < n && link.head.length < 256; i++) {
            link.head += String.fromCharCode(buf[i]);
          }
        }
        link.down += n;
        await writeAll(link.replica, buf.subarray(0, n));
      }
    } finally {
      this.close(link);
    }
  }

  /**
   * Forwards at most `bytes` from the master on the current (or next) connection, then stops
   * reading from it; resolves once it stopped there.
   */
  stopAt(bytes: number): Promise<void> {
    this.limit = bytes;
    const stopped = new Promise<void>((r) => this.stoppedWaiters.push(r));
    this.wake();
    return stopped;
  }

  /** Stops reading from the master now. */
  pause(): void {
    this.limit = this.link?.down ?? 0;
  }

  /** Forwards freely again. */
  resume(): void {
    this.limit = Infinity;
    this.wake();
  }

  private wake(): void {
    for (const w of this.flowWaiters.splice(0)) w();
  }

  /** New connections wait, unread, until `release`. */
  hold(): void {
    this.gate ??= new Promise((r) => this.openGate = r);
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
    this.openGate = null;
  }

  /** Closes every current connection, both ways; later ones are forwarded freely. */
  cut(): void {
    for (const link of this.links) this.close(link);
    this.resume();
  }

  private close(link: ProxiedLink): void {
    if (!this.links.delete(link)) return;
    for (const c of [link.replica, link.master]) {
      try {
        c?.close();
      } catch { /* closed */ }
    }
    this.wake();
  }

  close_(): void {
    this.release();
    this.cut();
    try {
      this.listener.close();
    } catch { /* closed */ }
  }
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

/** `p`, or a failure naming `what` once `ms` passed first. */
async function within<T>(p: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A proxy to `masterPort` for the duration of `fn`. */
async function withProxy<T>(masterPort: number, fn: (p: LinkProxy) => Promise<T>): Promise<T> {
  const p = new LinkProxy(masterPort);
  try {
    return await fn(p);
  } finally {
    p.close_();
  }
}

// ---------------------------------------------------------------------------------------------
// Servers and queries

/** Our server as a main.ts process (to be SIGKILLed), with its own dir; no sync delay. */
function spawnOurs(args: string[]): Promise<SpawnedServer> {
  return spawnServer(["--repl-diskless-sync-delay", "0", ...args]);
}

const killOurs = stopSpawned;

/** Starts a throw-away redis-server with `args` (free port, own dir, no persistence). */
async function withRedis(args: string[], fn: (port: number) => Promise<void>): Promise<void> {
  const [dir, cleanup] = await tempDir();
  try {
    await withBinaryOn(REDIS, dir, (_c, port) => fn(port), args);
  } finally {
    await cleanup();
  }
}

async function field(c: RawClient, section: string, name: string): Promise<string | undefined> {
  return (await info(c, section)).get(name);
}

/** Waits until `c`'s INFO `section` field `name` satisfies `want`. */
function waitField(
  c: RawClient,
  section: string,
  name: string,
  want: (v: string | undefined) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  let last: string | undefined;
  return waitUntil(
    async () => want(last = await field(c, section, name)),
    () => `INFO ${section} ${name} (last ${last})`,
    { timeoutMs, intervalMs: 20 },
  );
}

const linkUp = (r: RawClient) =>
  waitField(r, "replication", "master_link_status", (v) => v === "up");

/** Waits until the master on `m` lists `n` online replicas. */
function replicasOnline(m: RawClient, n: number): Promise<void> {
  return waitUntil(
    async () => {
      let online = 0;
      for (const [k, v] of await info(m, "replication")) {
        if (/^slave\d+$/.test(k) && v.includes("state=online")) online++;
      }
      return online === n;
    },
    `${n} online replicas`,
    { timeoutMs: 20_000, intervalMs: 20 },
  );
}

/** Waits until the replica on `r` applied everything the master on `m` produced. */
function caughtUp(m: RawClient, r: RawClient): Promise<void> {
  return waitUntil(
    async () =>
      (await field(m, "replication", "master_repl_offset")) ===
        (await field(r, "replication", "slave_repl_offset")),
    "replica offset = master offset",
    { timeoutMs: 20_000, intervalMs: 10 },
  );
}

const digest = async (c: RawClient) => await cmd(c, "DEBUG", "DIGEST") as string;

/**
 * MSETs keys `prefix`:0..n-1 with `size`-byte values that do not compress (LZF finds no
 * repeats in them), pipelined in batches of 100.
 */
async function populate(c: RawClient, n: number, prefix: string, size = 100): Promise<void> {
  const rnd = rng(n);
  const noise = Array.from({ length: 8192 }, () => String.fromCharCode(33 + rnd() * 90)).join("");
  let sent = 0;
  for (let i = 0; i < n; i += 100) {
    const args: string[] = ["MSET"];
    for (let k = i; k < Math.min(n, i + 100); k++) {
      const at = Math.floor(rnd() * (noise.length - size));
      args.push(`${prefix}:${k}`, noise.slice(at, at + size));
    }
    await c.send(...args);
    sent++;
  }
  for (let i = 0; i < sent; i++) assert.equal(await c.readRaw(), "+OK\r\n");
}

/**
 * A dataset of every type whose RDB is several MB (so the transfer is cut well inside it):
 * `n` strings of 1,000 bytes and a few collections. Few keys keep DEBUG DIGEST quick.
 */
async function fill(c: RawClient, n: number): Promise<void> {
  await populate(c, n, "key", 1000);
  const many = (k: number, f: (i: number) => (string | number)[]) =>
    Array.from({ length: k }, (_, i) => f(i)).flat();
  for (
    const w of [
      ["RPUSH", "list", ...many(500, (i) => [`e${i}`])],
      ["HSET", "hash", ...many(300, (i) => [`f${i}`, i])],
      ["SADD", "set", ...many(700, (i) => [i])],
      // Scores exact in binary: redis-server 7.0's digest prints them with %.17g, 7.2's (and
      // ours) with the shortest form.
      ["ZADD", "zset", ...many(200, (i) => [i / 4, `m${i}`])],
      ["XADD", "stream", "1-1", "a", "b"],
      ["SET", "ttl", "v", "EX", 10_000],
      ["SELECT", 3],
      ["SET", "in3", "x"],
      ["SELECT", 0],
    ]
  ) {
    const r = await c.call(...w);
    assert.ok(!r.startsWith("-"), `${w[0]}: ${r}`);
  }
}

// ---------------------------------------------------------------------------------------------
// The link killed mid-RDB

const DEBUG: ServerOptions = { "enable-debug-command": "yes" };
const KEYS = 4_000; // an RDB of about 4 MB
const CUT_AT = 1_000_000;

/**
 * The replica on `rport` (old data of its own) attaches through a proxy to the master on
 * `mport`; the transfer stops 1 MB into the RDB: the replica is still syncing and serves its
 * old data. The link is cut, the next connection held: the old data is still there and the
 * master let the replica go. Released, the replica completes a full resync and ends with the
 * master's digest.
 */
async function cutMidRdb(mport: number, rport: number): Promise<void> {
  await withConn(mport, async (m) => {
    await withConn(rport, async (r) => {
      await populate(r, 100, "old");
      const oldDigest = await digest(r);
      await withProxy(mport, async (proxy) => {
        const stopped = proxy.stopAt(CUT_AT);
        assert.equal(await r.call("REPLICAOF", "127.0.0.1", proxy.port), "+OK\r\n");
        await within(stopped, `${CUT_AT} bytes from the master`);
        // Inside the RDB: its header went by, and not the whole of it.
        const head = proxy.link!.head;
        assert.match(head, /\+FULLRESYNC [0-9a-f]{40} \d+\r\n/);
        // A master making its RDB on disk sends "\n" keepalives before the payload.
        const bulk = /\r\n\n*\$(EOF:[0-9a-f]{40}|\d+)\r\n/.exec(head);
        assert.ok(bulk, `no RDB header in ${JSON.stringify(head)}`);
        if (!bulk[1].startsWith("EOF")) assert.ok(Number(bulk[1]) > 2 * CUT_AT, bulk[1]);
        await waitField(r, "replication", "master_sync_in_progress", (v) => v === "1");
        assert.equal(await r.call("DBSIZE"), ":100\r\n");
        assert.equal(await r.call("STRLEN", "old:7"), ":100\r\n");

        proxy.hold();
        proxy.cut();
        // The replica noticed and came back: the new connection waits at the proxy.
        await waitUntil(() => proxy.accepted === 2, "the replica reconnecting", {
          timeoutMs: 10_000,
          intervalMs: 10,
        });
        assert.equal(await field(r, "replication", "master_link_status"), "down");
        assert.equal(await digest(r), oldDigest);
        // The master let the dead replica go.
        await waitField(m, "replication", "connected_slaves", (v) => v === "0");

        proxy.release();
        await linkUp(r);
        assert.equal(await m.call("SET", "after", "sync"), "+OK\r\n");
        await caughtUp(m, r);
        assert.equal(await digest(r), await digest(m));
        assert.equal(await r.call("DBSIZE"), `:${KEYS + 7}\r\n`);
        assert.equal(await field(m, "stats", "sync_full"), "2");
        assert.equal(
          await field(r, "replication", "master_replid"),
          await field(m, "replication", "master_replid"),
        );
      });
    });
  });
}

/** Our master, filled, with repl-diskless-sync `diskless`. */
async function withFilledOurs(diskless: boolean, fn: (port: number) => Promise<void>) {
  await withServer(
    { "repl-diskless-sync": diskless, "repl-diskless-sync-delay": 0, ...DEBUG },
    async (master) => {
      await withConn(master.port, (m) => fill(m, KEYS));
      await fn(master.port);
    },
  );
}

const redisTransfer = (diskless: boolean) => [
  "--repl-diskless-sync",
  diskless ? "yes" : "no",
  "--repl-diskless-sync-delay",
  "0",
];

for (const diskless of [false, true]) {
  const transfer = diskless ? "diskless" : "disk";
  for (const load of ["disabled", "on-empty-db", "swapdb"]) {
    Deno.test(`fault: ours -> ours (${transfer}, replica repl-diskless-load ${load}), link cut mid-RDB: old data kept, full resync`, async () => {
      await withFilledOurs(diskless, async (mport) => {
        await withServer({ "repl-diskless-load": load, ...DEBUG }, (r) => cutMidRdb(mport, r.port));
      });
    });
  }
  Deno.test({
    name:
      `fault: redis-server 7.0 -> ours (${transfer}), link cut mid-RDB: old data kept, full resync`,
    ignore: !runsWith(REDIS),
    async fn() {
      await withRedis(redisTransfer(diskless), async (mport) => {
        await withConn(mport, (m) => fill(m, KEYS));
        await withServer(DEBUG, (r) => cutMidRdb(mport, r.port));
      });
    },
  });
  Deno.test({
    name:
      `fault: ours -> redis-server 7.0 (${transfer}), link cut mid-RDB: old data kept, full resync`,
    ignore: !runsWith(REDIS),
    async fn() {
      await withFilledOurs(diskless, async (mport) => {
        await withRedis([], (rport) => cutMidRdb(mport, rport));
      });
    },
  });
}

Deno.test("fault: the link cut mid-stream, inside a transaction: nothing of it applied, PSYNC resends it whole", async () => {
  await withServer({ "repl-diskless-sync-delay": 0, ...DEBUG }, async (master) => {
    await withConn(master.port, async (m) => {
      await populate(m, 100, "k");
      await withProxy(master.port, async (proxy) => {
        await withServer({ replicaof: `127.0.0.1 ${proxy.port}`, ...DEBUG }, async (rs) => {
          await withConn(rs.port, async (r) => {
            await linkUp(r);
            assert.equal(await m.call("SET", "before", "1"), "+OK\r\n");
            await caughtUp(m, r);
            const offset = await field(r, "replication", "slave_repl_offset");
            // The proxy stops 200 bytes on: after MULTI and INCR, inside the big SET's value.
            const stopped = proxy.stopAt(proxy.link!.down + 200);
            assert.equal(await m.call("MULTI"), "+OK\r\n");
            assert.equal(await m.call("INCR", "ctr"), "+QUEUED\r\n");
            assert.equal(await m.call("SET", "big", "z".repeat(5000)), "+QUEUED\r\n");
            assert.equal(await m.call("RPUSH", "l", "a"), "+QUEUED\r\n");
            assert.match(await m.call("EXEC"), /^\*3\r\n/);
            await within(stopped, "200 bytes of the stream");
            assert.equal(await r.call("GET", "ctr"), "$-1\r\n");
            assert.equal(await field(r, "replication", "slave_repl_offset"), offset);
            proxy.cut();
            await waitUntil(() => proxy.accepted === 2, "the replica reconnecting", {
              timeoutMs: 10_000,
              intervalMs: 10,
            });
            await linkUp(r);
            await caughtUp(m, r);
            assert.equal(await r.call("GET", "ctr"), "$1\r\n1\r\n");
            assert.equal(await digest(r), await digest(m));
            const stats = await info(m, "stats");
            assert.equal(stats.get("sync_partial_ok"), "1");
            assert.equal(stats.get("sync_full"), "1");
          });
        });
      });
    });
  });
});

// ---------------------------------------------------------------------------------------------
// WAIT while replicas fail

/** Sends WAIT and returns its reply and how long it took (ms). */
async function timedWait(c: RawClient, n: number, timeoutMs: number): Promise<[string, number]> {
  const t0 = performance.now();
  const r = await c.call("WAIT", n, timeoutMs);
  return [r, performance.now() - t0];
}

Deno.test("fault: WAIT 2 with one of two replicas SIGKILLed returns 1 at its timeout", async () => {
  await withServer({ "repl-diskless-sync-delay": 0 }, async (master) => {
    await withConn(master.port, async (m) => {
      const replicaof = `127.0.0.1 ${master.port}`;
      await withServer({ replicaof }, async (r1) => {
        const r2 = await spawnOurs(["--replicaof", "127.0.0.1", String(master.port)]);
        try {
          await replicasOnline(m, 2);
          assert.equal(await m.call("SET", "a", "1"), "+OK\r\n");
          assert.equal(await m.call("WAIT", 2, 10_000), ":2\r\n");
          await killOurs(r2);
          assert.equal(await m.call("SET", "b", "2"), "+OK\r\n");
          const [reply, ms] = await timedWait(m, 2, 500);
          assert.equal(reply, ":1\r\n");
          assert.ok(ms >= 490, `WAIT returned after ${ms} ms`);
          assert.equal(await m.call("WAIT", 1, 10_000), ":1\r\n");
          await withConn(
            r1.port,
            async (r) => assert.equal(await r.call("GET", "b"), "$1\r\n2\r\n"),
          );
          await waitField(m, "replication", "connected_slaves", (v) => v === "1");
        } finally {
          await killOurs(r2);
        }
      });
    });
  });
});

Deno.test("fault: WAIT 2 while one replica's link stalls returns 1 at its timeout; a WAIT across a link cut gets 2 once the replica resynced", async () => {
  await withServer({ "repl-diskless-sync-delay": 0 }, async (master) => {
    await withConn(master.port, async (m) => {
      await withProxy(master.port, async (proxy) => {
        await withServer({ replicaof: `127.0.0.1 ${master.port}` }, async () => {
          await withServer({ replicaof: `127.0.0.1 ${proxy.port}` }, async (r2) => {
            await replicasOnline(m, 2);
            assert.equal(await m.call("SET", "a", "1"), "+OK\r\n");
            assert.equal(await m.call("WAIT", 2, 10_000), ":2\r\n");
            // The link stalls: nothing reaches the replica, the connection stays open.
            proxy.pause();
            assert.equal(await m.call("SET", "b", "2"), "+OK\r\n");
            const [reply, ms] = await timedWait(m, 2, 500);
            assert.equal(reply, ":1\r\n");
            assert.ok(ms >= 490, `WAIT returned after ${ms} ms`);
            // A WAIT blocks; the stalled link dies; the replica comes back with PSYNC, acks.
            assert.equal(await m.call("SET", "c", "3"), "+OK\r\n");
            await m.send("WAIT", 2, 20_000);
            await waitUntil(() => master.server.blocking.blockedClients === 1, "WAIT blocked");
            proxy.cut();
            assert.equal(await m.readRaw(), ":2\r\n");
            await withConn(r2.port, async (r) => {
              assert.equal(
                await r.call("MGET", "a", "b", "c"),
                "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
              );
            });
            assert.equal(await field(m, "stats", "sync_partial_ok"), "1");
            assert.equal(proxy.accepted, 2);
          });
        });
      });
    });
  });
});

Deno.test("fault: the master SIGKILLed under load: every write WAIT 2 acknowledged is on both replicas, one promoted", async () => {
  const master = await spawnOurs([]);
  try {
    const replicaof = `127.0.0.1 ${master.port}`;
    await withServer({ replicaof, ...DEBUG }, async (r1) => {
      await withServer({ replicaof, ...DEBUG }, async (r2) => {
        await withConn(master.port, (m) => replicasOnline(m, 2));
        const acked = new Map<string, string>();
        let stop = false;
        const writer = async (w: number) => {
          const c = await RawClient.connect(master.port);
          try {
            for (let i = 0; !stop; i++) {
              const key = `w${w}:${i}`;
              await c.send("SET", key, i);
              await c.send("WAIT", 2, 10_000);
              assert.equal(await c.readRaw(), "+OK\r\n");
              if (await c.readRaw() === ":2\r\n") acked.set(key, String(i));
            }
          } catch {
            // The master died under this writer.
          } finally {
            c.close();
          }
        };
        const writers = [0, 1, 2, 3].map(writer);
        await waitUntil(() => acked.size >= 300, "300 acknowledged writes", {
          timeoutMs: 30_000,
          intervalMs: 5,
        });
        await killOurs(master);
        stop = true;
        await Promise.all(writers);
        for (const r of [r1, r2]) {
          await withConn(r.port, async (c) => {
            const keys = [...acked.keys()];
            for (let i = 0; i < keys.length; i += 100) {
              const part = keys.slice(i, i + 100);
              const got = await cmd(c, "MGET", ...part) as (string | null)[];
              part.forEach((k, j) => assert.equal(got[j], acked.get(k), `${k} on port ${r.port}`));
            }
          });
        }
        // r1 promoted; r2 follows it and ends with its dataset.
        await withConn(r1.port, async (c1) => {
          assert.equal(await c1.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
          assert.equal(await c1.call("SET", "after", "promotion"), "+OK\r\n");
          await withConn(r2.port, async (c2) => {
            assert.equal(await c2.call("REPLICAOF", "127.0.0.1", r1.port), "+OK\r\n");
            await linkUp(c2);
            await caughtUp(c1, c2);
            assert.equal(await c2.call("GET", "after"), "$9\r\npromotion\r\n");
            assert.equal(await digest(c2), await digest(c1));
          });
        });
      });
    });
  } finally {
    await killOurs(master);
  }
});

// ---------------------------------------------------------------------------------------------
// client-output-buffer-limit replica

Deno.test("fault: a replica that stops reading is cut at client-output-buffer-limit replica and resyncs", async () => {
  await withServer(
    { "repl-diskless-sync-delay": 0, "client-output-buffer-limit": "replica 1mb 0 0", ...DEBUG },
    async (master) => {
      await withConn(master.port, async (m) => {
        await populate(m, 100, "k");
        await withProxy(master.port, async (proxy) => {
          await withServer({ replicaof: `127.0.0.1 ${proxy.port}`, ...DEBUG }, async (rs) => {
            await withConn(rs.port, async (r) => {
              await linkUp(r);
              await caughtUp(m, r);
              proxy.pause();
              // The stream piles up in the socket buffers, then in the master's output buffer.
              const big = "x".repeat(64 * 1024);
              let i = 0;
              while ((await field(m, "replication", "connected_slaves")) !== "0") {
                assert.ok(i < 2000, "the replica was never cut");
                for (let k = 0; k < 10; k++, i++) await m.call("SET", `big${i % 200}`, big + i);
              }
              assert.equal(proxy.accepted, 1);
              proxy.resume();
              await waitUntil(() => proxy.accepted === 2, "the replica reconnecting", {
                timeoutMs: 20_000,
                intervalMs: 10,
              });
              await linkUp(r);
              assert.equal(await m.call("SET", "after", "resync"), "+OK\r\n");
              await caughtUp(m, r);
              assert.equal(await digest(r), await digest(m));
              const stats = await info(m, "stats");
              assert.equal(stats.get("sync_full"), "2");
              assert.equal(stats.get("sync_partial_err"), "1");
            });
          });
        });
      });
    },
  );
});

Deno.test("fault: an RDB larger than the replica output buffer limit does not count against it", async () => {
  await withFilledOurs(false, async (mport) => {
    await withConn(mport, async (m) => {
      assert.equal(
        await m.call("CONFIG", "SET", "client-output-buffer-limit", "replica 1mb 0 0"),
        "+OK\r\n",
      );
      await withProxy(mport, async (proxy) => {
        await withServer(DEBUG, async (rs) => {
          await withConn(rs.port, async (r) => {
            const stopped = proxy.stopAt(CUT_AT);
            assert.equal(await r.call("REPLICAOF", "127.0.0.1", proxy.port), "+OK\r\n");
            await within(stopped, `${CUT_AT} bytes from the master`);
            assert.equal(proxy.accepted, 1);
            // Writes while most of the RDB is unsent: 200 KB of stream, under the limit.
            for (let i = 0; i < 200; i++) {
              assert.equal(await m.call("SET", `during${i}`, "y".repeat(1000)), "+OK\r\n");
            }
            assert.equal(await field(m, "replication", "connected_slaves"), "1");
            proxy.resume();
            await linkUp(r);
            await caughtUp(m, r);
            assert.equal(await digest(r), await digest(m));
            assert.equal(proxy.accepted, 1);
            assert.equal(await field(m, "stats", "sync_full"), "1");
          });
        });
      });
    });
  });
});
