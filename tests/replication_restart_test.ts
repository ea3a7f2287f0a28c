/**
 * A restarted server continues replication with a partial resync, from the
 * replication id and offset its RDB file recorded (rdbPopulateSaveInfo when
 * saving, loadDataFromDisk when loading): a master keeps its old id as replid2
 * with a backlog from its old offset, a replica PSYNCs from a cached master.
 * Each scenario runs on our server and on valkey-server (in processes of
 * their own, restarted on the same port and dir), and both must agree.
 */

import assert from "node:assert/strict";
import {
  caughtUp,
  infoFields,
  masterLink,
  RawClient,
  type SpawnedServer,
  spawnServer,
  stopSpawned,
  waitUntil,
} from "./helpers.ts";
import { HAS_VALKEY } from "./reference.ts";

type Binary = string | null;

/** `binary` (null: ours) on a free port, or restarted where `at` ran. */
function spawn(binary: Binary, args: string[], at?: SpawnedServer): Promise<SpawnedServer> {
  return spawnServer(["--repl-diskless-sync-delay", "0", ...args], binary, at);
}

/** Runs a scenario with the processes and connections it opens stopped and closed after. */
async function scenario<T>(
  fn: (
    spawnOne: (binary: Binary, args: string[], at?: SpawnedServer) => Promise<SpawnedServer>,
    connect: (port: number) => Promise<RawClient>,
  ) => Promise<T>,
): Promise<T> {
  const spawned: SpawnedServer[] = [];
  const conns: RawClient[] = [];
  try {
    return await fn(
      async (binary, args, at) => {
        const p = await spawn(binary, args, at);
        spawned.push(p);
        return p;
      },
      async (port) => {
        const c = await RawClient.connect(port);
        conns.push(c);
        return c;
      },
    );
  } finally {
    for (const c of conns) c.close();
    for (const p of spawned.reverse()) await stopSpawned(p);
  }
}

/** SHUTDOWN SAVE on `c`, then waits for `p` to exit (its dir stays). */
async function shutdownSave(c: RawClient, p: SpawnedServer): Promise<void> {
  await c.send("SHUTDOWN", "SAVE");
  await p.proc.status;
  c.close();
}

async function writes(c: RawClient, tag: string): Promise<void> {
  assert.equal(await c.call("SET", `a:${tag}`, "1"), "+OK\r\n");
  assert.equal(await c.call("RPUSH", `l:${tag}`, "x", "y"), ":2\r\n");
  assert.equal(await c.call("SELECT", "1"), "+OK\r\n");
  assert.equal(await c.call("SET", `b:${tag}`, "2"), "+OK\r\n");
  assert.equal(await c.call("SELECT", "0"), "+OK\r\n");
}

async function digests(a: RawClient, b: RawClient): Promise<void> {
  assert.equal(await b.call("DEBUG", "DIGEST"), await a.call("DEBUG", "DIGEST"));
}

/** The master restarts: its replica continues with PSYNC. Returns what the new master shows. */
function masterRestarts(binary: Binary): Promise<Record<string, string>> {
  return scenario(async (spawnOne, connect) => {
    const m = await spawnOne(binary, []);
    const r = await spawnOne(binary, ["--replicaof", "127.0.0.1", String(m.port)]);
    const mc = await connect(m.port);
    const rc = await connect(r.port);
    await masterLink(rc);
    await writes(mc, "before");
    await caughtUp(mc, rc);
    const before = await infoFields(mc, "replication");
    await shutdownSave(mc, m);
    const m2 = await spawnOne(binary, [], m);
    const m2c = await connect(m2.port);
    await waitUntil(
      async () => (await infoFields(m2c, "replication")).get("connected_slaves") === "1",
      "the replica back",
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    await masterLink(rc);
    await writes(m2c, "after");
    await caughtUp(m2c, rc);
    await digests(m2c, rc);
    const repl = await infoFields(m2c, "replication");
    const stats = await infoFields(m2c, "stats");
    return {
      replidChanged: String(repl.get("master_replid") !== before.get("master_replid")),
      replid2IsOld: String(repl.get("master_replid2") === before.get("master_replid")),
      secondOffset: String(
        Number(repl.get("second_repl_offset")) - Number(before.get("master_repl_offset")),
      ),
      sync_full: stats.get("sync_full")!,
      sync_partial_ok: stats.get("sync_partial_ok")!,
      sync_partial_err: stats.get("sync_partial_err")!,
    };
  });
}

/** The replica restarts: it asks to continue where its RDB left off. Returns the master's stats. */
function replicaRestarts(binary: Binary): Promise<Record<string, string>> {
  return scenario(async (spawnOne, connect) => {
    const m = await spawnOne(binary, []);
    const replicaof = ["--replicaof", "127.0.0.1", String(m.port)];
    const r = await spawnOne(binary, replicaof);
    const mc = await connect(m.port);
    const rc = await connect(r.port);
    await masterLink(rc);
    await writes(mc, "before");
    await caughtUp(mc, rc);
    await shutdownSave(rc, r);
    // The stream still has db 1 selected (writes' last write): this one goes without a SELECT,
    // so the replica must resume in the db its RDB recorded (repl-stream-db).
    assert.equal(await mc.call("SELECT", "1"), "+OK\r\n");
    assert.equal(await mc.call("SET", "c:meanwhile", "3"), "+OK\r\n");
    assert.equal(await mc.call("SELECT", "0"), "+OK\r\n");
    await writes(mc, "meanwhile"); // in the master's backlog
    const r2 = await spawnOne(binary, replicaof, r);
    const r2c = await connect(r2.port);
    await masterLink(r2c, "up", 20_000);
    await caughtUp(mc, r2c);
    await digests(mc, r2c);
    // DEBUG DIGEST does not tell dbs apart: look for the key in its db.
    assert.equal(await r2c.call("SELECT", "1"), "+OK\r\n");
    assert.equal(await r2c.call("GET", "c:meanwhile"), "$1\r\n3\r\n");
    const stats = await infoFields(mc, "stats");
    return {
      sync_full: stats.get("sync_full")!,
      sync_partial_ok: stats.get("sync_partial_ok")!,
      sync_partial_err: stats.get("sync_partial_err")!,
    };
  });
}

Deno.test({
  name: "restart: a restarted master keeps its old id as replid2 and its replica continues (PSYNC)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ours = await masterRestarts(null);
    // The saved offset is past the one seen before SHUTDOWN by the GETACK it sent its replica.
    const { secondOffset, ...rest } = ours;
    assert.ok(Number(secondOffset) >= 1, `second_repl_offset - old offset = ${secondOffset}`);
    assert.deepEqual(rest, {
      replidChanged: "true",
      replid2IsOld: "true",
      sync_full: "0",
      sync_partial_ok: "1",
      sync_partial_err: "0",
    });
    if (HAS_VALKEY) assert.deepEqual(ours, await masterRestarts("valkey-server"));
  },
});

Deno.test({
  name: "restart: a restarted replica asks to continue from its RDB and gets a partial resync",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ours = await replicaRestarts(null);
    assert.deepEqual(ours, { sync_full: "1", sync_partial_ok: "1", sync_partial_err: "0" });
    if (HAS_VALKEY) assert.deepEqual(ours, await replicaRestarts("valkey-server"));
  },
});
