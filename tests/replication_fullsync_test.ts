/**
 * A full resync does not stop the master: its RDB comes from BGSAVE's sliced
 * point-in-time snapshot, so clients are served while it is made, writes made
 * meanwhile follow the RDB in the stream, and replicas that ask together share
 * one snapshot. Master and replicas are our server in their own processes (a
 * replica's load must not stall the process that measures the master).
 */

import assert from "node:assert/strict";
import { RawClient, type SpawnedServer, spawnServer, stopSpawned, waitUntil } from "./helpers.ts";

const KEYS = 200_000;

type Ours = SpawnedServer;

/** Our server in a subprocess (free port, own dir and log, no save points). */
function spawnOurs(args: string[]): Promise<Ours> {
  return spawnServer(["--enable-debug-command", "yes", ...args]);
}

const stopOurs = stopSpawned;

/** INFO replication's `field` on `c`. */
async function replField(c: RawClient, field: string): Promise<string | undefined> {
  const raw = await c.call("INFO", "replication");
  return raw.match(new RegExp(`\r\n${field}:([^\r]*)`))?.[1];
}

/** `n` string keys key:0.. with 100-byte values (LZF-compressed in the RDB). */
async function populate(c: RawClient, n: number): Promise<void> {
  for (let i = 0; i < n; i += 1000) {
    const args: string[] = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) {
      args.push(`key:${j}`, `value:${j}:`.padEnd(100, "abcdefgh"));
    }
    assert.equal(await c.call("MSET", ...args), "+OK\r\n");
  }
}

/** How many of the master's log lines containing `text`. */
async function logCount(p: Ours, text: string): Promise<number> {
  const log = await Deno.readTextFile(`${p.dir}/log`);
  return log.split("\n").filter((l) => l.includes(text)).length;
}

/**
 * Two replicas ask for a full resync of `KEYS` keys together while one
 * client PINGs and another writes (to keys in the snapshot and new ones):
 * the master answers while the snapshot is being made, one snapshot serves
 * both, and both end with the master's digest.
 */
async function fullSyncScenario(masterArgs: string[]): Promise<void> {
  const master = await spawnOurs(masterArgs);
  const replicas: Ours[] = [];
  const conns: RawClient[] = [];
  const connect = async (port: number) => {
    const c = await RawClient.connect(port);
    conns.push(c);
    return c;
  };
  try {
    replicas.push(await spawnOurs([]), await spawnOurs([]));
    const m = await connect(master.port);
    await populate(m, KEYS);
    for (let i = 0; i < 50; i++) await m.call("RPUSH", "list", ...Array(200).fill(`v${i}`));
    const pinger = await connect(master.port);
    const writer = await connect(master.port);
    const rcs = await Promise.all(replicas.map((r) => connect(r.port)));

    let syncing = true;
    let worst = 0;
    let pings = 0;
    // Replies given while the snapshot was being made: none if it ran in one go.
    let duringSnapshot = 0;
    const pingLoop = (async () => {
      while (syncing) {
        const t = performance.now();
        assert.equal(await pinger.call("PING"), "+PONG\r\n");
        worst = Math.max(worst, performance.now() - t);
        pings++;
        if (/rdb_bgsave_in_progress:1/.test(await pinger.call("INFO", "persistence"))) {
          duringSnapshot++;
        }
      }
    })();
    let writes = 0;
    const writeLoop = (async () => {
      for (let i = 0; syncing; i++) {
        await writer.call("SET", `key:${(i * 7919) % KEYS}`, `during-${i}`);
        await writer.call("LPUSH", "list", `during-${i}`);
        await writer.call("SET", `new:${i}`, i);
        writes++;
      }
    })();
    const t0 = performance.now();
    await Promise.all(rcs.map((r) => r.call("REPLICAOF", "127.0.0.1", master.port)));
    const writesBefore = writes;
    for (const r of rcs) {
      await waitUntil(async () => (await replField(r, "master_link_status")) === "up", "link up", {
        timeoutMs: 60_000,
        intervalMs: 20,
      });
    }
    const syncMs = performance.now() - t0;
    syncing = false;
    await Promise.all([pingLoop, writeLoop]);

    // Preconditions: the sync took long enough to be measured, with writes in it.
    assert.ok(pings >= 10, `only ${pings} PINGs during the sync`);
    assert.ok(writes - writesBefore > 0, "no write during the sync");
    console.log(
      `full resync of ${KEYS} keys to 2 replicas (${masterArgs.join(" ")}): ${
        syncMs.toFixed(0)
      } ms, ${pings} PINGs, worst PING ${worst.toFixed(1)} ms, ${writes} write rounds`,
    );
    // The master kept serving while it made the snapshot (a structural check: the worst PING
    // above is for reading, a wall-clock bound would fail on a loaded machine).
    assert.ok(duringSnapshot >= 5, `${duringSnapshot} replies while the snapshot was made`);
    // One snapshot for both replicas.
    assert.equal(await logCount(master, "Starting BGSAVE for SYNC"), 1);

    // Every write acknowledged by both replicas, then the datasets compared.
    const t1 = performance.now();
    assert.equal(await m.call("WAIT", 2, 30_000), ":2\r\n");
    console.log(`WAIT 2 after the sync: ${(performance.now() - t1).toFixed(0)} ms`);
    const [digest, ...digests] = await Promise.all(
      [m, ...rcs].map((c) => c.call("DEBUG", "DIGEST")),
    );
    for (const d of digests) assert.equal(d, digest);
    const size = await m.call("DBSIZE");
    for (const r of rcs) assert.equal(await r.call("DBSIZE"), size);
  } finally {
    for (const c of conns) c.close();
    for (const p of [master, ...replicas]) await stopOurs(p);
  }
}

Deno.test({
  name: "full resync ($len): the master keeps serving, writes during the sync reach the replicas",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => fullSyncScenario(["--repl-diskless-sync", "no"]),
});

Deno.test({
  name:
    "full resync (diskless EOF): the master keeps serving, one snapshot for replicas within the delay",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: () => fullSyncScenario(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "1"]),
});

Deno.test({
  name: "full resync: a running BGSAVE is waited for, then the replica syncs",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const master = await spawnOurs(["--repl-diskless-sync", "no"]);
    const replica = await spawnOurs([]);
    const m = await RawClient.connect(master.port);
    const r = await RawClient.connect(replica.port);
    try {
      await populate(m, 2000);
      // One key per slice, 1 ms after each: the BGSAVE runs ~2 s.
      assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 1000), "+OK\r\n");
      assert.equal(await m.call("BGSAVE"), "+Background saving started\r\n");
      assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
      await waitUntil(
        async () =>
          (await logCount(master, "Can't attach the replica to the current BGSAVE")) === 1,
        "the sync waits for the BGSAVE",
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      assert.equal(await logCount(master, "Starting BGSAVE for SYNC"), 0);
      assert.equal(await m.call("SET", "during", "bgsave"), "+OK\r\n");
      assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
      await waitUntil(async () => (await replField(r, "master_link_status")) === "up", "link up", {
        timeoutMs: 20_000,
        intervalMs: 20,
      });
      assert.equal(await logCount(master, "Background saving terminated with success"), 1);
      const offset = await replField(m, "master_repl_offset");
      await waitUntil(
        async () => (await replField(r, "slave_repl_offset")) === offset,
        "caught up",
        {
          timeoutMs: 10_000,
          intervalMs: 20,
        },
      );
      assert.equal(await r.call("DEBUG", "DIGEST"), await m.call("DEBUG", "DIGEST"));
    } finally {
      m.close();
      r.close();
      await stopOurs(master);
      await stopOurs(replica);
    }
  },
});
