/**
 * While a master makes a replica's full-resync RDB, Redis counts it as a
 * background save (its fork for replication is an rdb child, disk or socket
 * target alike): INFO persistence says rdb_bgsave_in_progress:1, SAVE, BGSAVE
 * and BGSAVE SCHEDULE answer "Background save already in progress", and
 * BGREWRITEAOF is scheduled and starts once the snapshot is done. Checked on
 * our server and on valkey-server (the same scenario, own processes) for a
 * disk-based and a diskless sync.
 */

import assert from "node:assert/strict";
import { RawClient, spawnServer, stopSpawned, waitUntil } from "./helpers.ts";
import { HAS_VALKEY, requireValkey } from "./reference.ts";

interface Proc {
  port: number;
  stop: () => Promise<void>;
}

/** Our server (main.ts) or valkey-server in its own process and dir, no save points. */
async function spawn(kind: "ours" | "valkey", args: string[]): Promise<Proc> {
  const p = await spawnServer(args, kind === "valkey" ? "valkey-server" : null);
  return { port: p.port, stop: () => stopSpawned(p) };
}

async function field(c: RawClient, section: string, name: string): Promise<string | undefined> {
  const raw = await c.call("INFO", section);
  return raw.match(new RegExp(`\r\n${name}:([^\r]*)`))?.[1];
}

/**
 * A master of `kind` with 200 keys and a snapshot slowed to 10 ms a key; a
 * replica of the same kind attaches: the answers while the snapshot runs, and
 * the state once the link is up.
 */
async function scenario(kind: "ours" | "valkey", diskless: boolean): Promise<void> {
  const master = await spawn(kind, [
    ...["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0"],
  ]);
  const replica = await spawn(kind, []);
  const m = await RawClient.connect(master.port);
  const r = await RawClient.connect(replica.port);
  try {
    for (let i = 0; i < 200; i += 50) {
      const args: string[] = [];
      for (let j = i; j < i + 50; j++) args.push(`key:${j}`, `value:${j}`);
      assert.equal(await m.call("MSET", ...args), "+OK\r\n");
    }
    const changes = await field(m, "persistence", "rdb_changes_since_last_save");
    assert.equal(await field(m, "persistence", "rdb_bgsave_in_progress"), "0");
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    await waitUntil(
      async () => (await field(m, "persistence", "rdb_bgsave_in_progress")) === "1",
      "the full resync's snapshot running",
      { timeoutMs: 10_000, intervalMs: 10 },
    );
    assert.match((await field(m, "replication", "slave0"))!, /state=wait_bgsave/);
    assert.match((await field(m, "persistence", "rdb_current_bgsave_time_sec"))!, /^\d+$/);
    assert.equal(await m.call("BGSAVE"), "-ERR Background save already in progress\r\n");
    assert.equal(
      await m.call("BGSAVE", "SCHEDULE"),
      "-ERR Background save already in progress\r\n",
    );
    assert.equal(await m.call("SAVE"), "-ERR Background save already in progress\r\n");
    assert.equal(await field(m, "persistence", "aof_rewrite_scheduled"), "0");
    assert.equal(
      await m.call("BGREWRITEAOF"),
      "+Background append only file rewriting scheduled\r\n",
    );
    assert.equal(await field(m, "persistence", "aof_rewrite_scheduled"), "1");
    assert.equal(await field(m, "persistence", "aof_rewrite_in_progress"), "0");
    // Still the snapshot's: the precondition of the answers above held throughout.
    assert.equal(await field(m, "persistence", "rdb_bgsave_in_progress"), "1");
    assert.equal(await field(m, "persistence", "aof_rewrites"), "0");

    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
    await waitUntil(
      async () => (await field(r, "replication", "master_link_status")) === "up",
      "link up",
      { timeoutMs: 20_000, intervalMs: 20 },
    );
    await waitUntil(
      async () => (await field(m, "persistence", "rdb_bgsave_in_progress")) === "0",
      "the snapshot done",
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    // The scheduled rewrite starts once the snapshot is done.
    await waitUntil(
      async () => (await field(m, "persistence", "aof_rewrites")) === "1",
      "the scheduled rewrite",
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    assert.equal(await field(m, "persistence", "aof_rewrite_scheduled"), "0");
    assert.match((await field(m, "persistence", "rdb_last_bgsave_time_sec"))!, /^\d+$/);
    assert.equal(await field(m, "persistence", "rdb_last_bgsave_status"), "ok");
    if (diskless) {
      // A socket target is no save: the changes since the last one stay counted.
      assert.equal(await field(m, "persistence", "rdb_changes_since_last_save"), changes);
      assert.equal(await field(m, "persistence", "rdb_saves"), "0");
    }
    await waitUntil(
      async () => (await field(m, "persistence", "aof_rewrite_in_progress")) === "0",
      "the rewrite done",
      { timeoutMs: 10_000, intervalMs: 20 },
    );
    assert.equal(await m.call("BGSAVE"), "+Background saving started\r\n");
  } finally {
    m.close();
    r.close();
    await master.stop();
    await replica.stop();
  }
}

for (const diskless of [false, true]) {
  const transfer = diskless ? "diskless" : "disk-based";
  Deno.test(`full resync (${transfer}): a save in progress for SAVE, BGSAVE, BGREWRITEAOF and INFO`, () =>
    scenario("ours", diskless));
  Deno.test({
    name: `full resync (${transfer}): a save in progress, as valkey-server does it`,
    ignore: !HAS_VALKEY,
    fn: () => {
      requireValkey();
      return scenario("valkey", diskless);
    },
  });
}
