/**
 * RDB save: files real servers load with identical contents, DEBUG DIGEST as
 * Redis computes it, BGSAVE point-in-time snapshots under concurrent writes,
 * save points, SHUTDOWN saves, -MISCONF, crash safety and the sandbox.
 */

import assert from "node:assert/strict";
import { startServer } from "../mod.ts";
import { connectRetry, freePort, RawClient, runsWith, tempDir, waitUntil } from "./helpers.ts";
import { HAS_VALKEY } from "./reference.ts";
import { datasetCommands, keysByDb, withBinaryOn } from "./rdb_dataset.ts";

const DEBUG = { "enable-debug-command": "yes" };

function infoField(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)\\r$`, "m").exec(info);
  if (m === null) throw new Error(`no ${name} in INFO`);
  return m[1];
}

Deno.test({
  name: "rdb save: valkey loads our file with the same DEBUG DIGEST, per db and per key",
  ignore: !HAS_VALKEY,
  async fn() {
    const [dir, cleanup] = await tempDir();
    const srv = await startServer({ dir, ...DEBUG });
    try {
      for (const cmd of datasetCommands()) srv.exec(...cmd);
      const digest = srv.exec("DEBUG", "DIGEST");
      assert.notEqual(digest, "+" + "0".repeat(40) + "\r\n");
      assert.equal(srv.exec("SAVE"), "+OK\r\n");
      const ours = await RawClient.connect(srv.port);
      const keys = await keysByDb(ours);
      await withBinaryOn("valkey-server", dir, async (ref) => {
        assert.equal(await ref.call("DEBUG", "DIGEST"), digest);
        assert.deepEqual(await keysByDb(ref), keys);
        for (const [db, list] of keys) {
          await ref.call("SELECT", String(db));
          await ours.call("SELECT", String(db));
          for (const k of list) {
            const key = Uint8Array.from(k, (ch) => ch.charCodeAt(0));
            assert.equal(
              await ref.call("DEBUG", "DIGEST-VALUE", key),
              await ours.call("DEBUG", "DIGEST-VALUE", key),
              `db ${db} key ${JSON.stringify(k)}`,
            );
            assert.equal(await ref.call("PEXPIRETIME", key), await ours.call("PEXPIRETIME", key));
          }
        }
        // Stream metadata survives: groups, PEL, consumers, first/last/max-deleted IDs.
        await ref.call("SELECT", "0");
        await ours.call("SELECT", "0");
        for (const k of ["stream:s", "stream:empty", "stream:big"]) {
          const strip = (s: string) => s.replace(/(seen-time|active-time)\r\n:-?\d+/g, "$1");
          assert.equal(
            strip(await ref.call("XINFO", "STREAM", k, "FULL")).replace(
              /radix-tree-\S+\r\n:\d+/g,
              "",
            ),
            strip(await ours.call("XINFO", "STREAM", k, "FULL")).replace(
              /radix-tree-\S+\r\n:\d+/g,
              "",
            ),
            k,
          );
        }
      });
      ours.close();
    } finally {
      await srv.close();
      await cleanup();
    }
  },
});

Deno.test({
  name: "rdb save: redis-server 7.0 loads our file (version 10) with identical contents",
  ignore: !runsWith("redis-server"),
  async fn() {
    const [dir, cleanup] = await tempDir();
    const srv = await startServer({ dir, ...DEBUG });
    try {
      for (const cmd of datasetCommands()) srv.exec(...cmd);
      assert.equal(srv.exec("SAVE"), "+OK\r\n");
      const head = (await Deno.readFile(`${dir}/dump.rdb`)).subarray(0, 9);
      assert.equal(new TextDecoder().decode(head), "REDIS0010");
      const ours = await RawClient.connect(srv.port);
      const keys = await keysByDb(ours);
      await withBinaryOn("redis-server", dir, async (ref) => {
        assert.deepEqual(await keysByDb(ref), keys);
        for (const [db, list] of keys) {
          await ref.call("SELECT", String(db));
          await ours.call("SELECT", String(db));
          for (const k of list) {
            const key = Uint8Array.from(k, (ch) => ch.charCodeAt(0));
            const type = await ours.call("TYPE", key);
            assert.equal(await ref.call("TYPE", key), type);
            assert.equal(await ref.call("PEXPIRETIME", key), await ours.call("PEXPIRETIME", key));
            if (type === "+zset\r\n") {
              // 7.0 digests scores as %.17g (7.2: fpconv_dtoa): compare the members and scores.
              const a = await ref.call("ZRANGE", key, "0", "-1", "WITHSCORES");
              const b = await ours.call("ZRANGE", key, "0", "-1", "WITHSCORES");
              const nums = (s: string) =>
                s.split("\r\n").filter((x) => !/^\$\d+$/.test(x))
                  .map((x) => (/^-?[\d.e+-]+$|inf/.test(x) ? String(Number(x)) : x));
              assert.deepEqual(nums(a), nums(b), k);
            } else {
              assert.equal(
                await ref.call("DEBUG", "DIGEST-VALUE", key),
                await ours.call("DEBUG", "DIGEST-VALUE", key),
                `db ${db} key ${JSON.stringify(k)}`,
              );
            }
          }
        }
      });
      ours.close();
    } finally {
      await srv.close();
      await cleanup();
    }
  },
});

Deno.test("rdb save: rdbchecksum no writes a zero trailer; rdbcompression no stores strings raw", async () => {
  const [dir, cleanup] = await tempDir();
  const srv = await startServer({ dir, rdbchecksum: "no", rdbcompression: "no" });
  try {
    srv.exec("SET", "k", "a".repeat(1000));
    assert.equal(srv.exec("SAVE"), "+OK\r\n");
    const file = await Deno.readFile(`${dir}/dump.rdb`);
    assert.deepEqual([...file.subarray(file.length - 8)], [0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(file.length > 1000, "the value is stored uncompressed");
    srv.exec("CONFIG", "SET", "rdbcompression", "yes");
    assert.equal(srv.exec("SAVE"), "+OK\r\n");
    assert.ok((await Deno.readFile(`${dir}/dump.rdb`)).length < 200, "LZF");
  } finally {
    await srv.close();
    await cleanup();
  }
});

Deno.test({
  name: "rdb save: DEBUG DIGEST and DIGEST-VALUE equal valkey's for the same commands",
  ignore: !HAS_VALKEY,
  async fn() {
    const [dir, cleanup] = await tempDir();
    const srv = await startServer({ dir, ...DEBUG });
    try {
      await withBinaryOn("valkey-server", dir, async (ref) => {
        const ours = await RawClient.connect(srv.port);
        assert.equal(await ours.call("DEBUG", "DIGEST"), "+" + "0".repeat(40) + "\r\n");
        assert.equal(await ref.call("DEBUG", "DIGEST"), "+" + "0".repeat(40) + "\r\n");
        for (const cmd of datasetCommands()) {
          await ours.call(...cmd);
          await ref.call(...cmd);
        }
        // Encodings match, so the digests compare like for like.
        for (
          const k of ["set:i16", "set:lp", "set:ht", "zset:lp", "zset:sl", "hash:lp", "hash:ht"]
        ) {
          assert.equal(
            await ours.call("OBJECT", "ENCODING", k),
            await ref.call("OBJECT", "ENCODING", k),
            k,
          );
        }
        assert.equal(await ours.call("DEBUG", "DIGEST"), await ref.call("DEBUG", "DIGEST"));
        const probe = [
          "str:int8",
          "list:ql",
          "set:bigints",
          "zset:lp",
          "stream:s",
          "missing",
          "str:ttl",
        ];
        assert.equal(
          await ours.call("DEBUG", "DIGEST-VALUE", ...probe),
          await ref.call("DEBUG", "DIGEST-VALUE", ...probe),
        );
        ours.close();
      });
    } finally {
      await srv.close();
      await cleanup();
    }
  },
});

Deno.test({
  name: "rdb save: BGSAVE is a point-in-time snapshot under concurrent writes and deletes",
  ignore: !HAS_VALKEY,
  async fn() {
    const [dir, cleanup] = await tempDir();
    const srv = await startServer({ dir, ...DEBUG });
    try {
      for (const cmd of datasetCommands()) srv.exec(...cmd);
      for (let i = 0; i < 300; i++) srv.exec("SET", `k:${i}`, `value:${i}`);
      for (let i = 0; i < 50; i++) srv.exec("RPUSH", `l:${i}`, "a", "b", "c");
      // The save then spans many event-loop turns.
      srv.exec("CONFIG", "SET", "rdb-key-save-delay", "100");
      const before = srv.exec("DEBUG", "DIGEST");
      assert.equal(srv.exec("BGSAVE"), "+Background saving started\r\n");
      // Before the first slice: in-place changes, deletes, renames, new keys, TTLs, flushes.
      srv.exec("RPUSH", "list:ql", "new");
      srv.exec("HSET", "hash:ht", "field0", "changed");
      srv.exec("SADD", "set:i16", "9");
      srv.exec("ZADD", "zset:sl", "1000", "m0");
      srv.exec("XADD", "stream:s", "*", "new", "entry");
      srv.exec("XREADGROUP", "GROUP", "g1", "bob", "STREAMS", "stream:s", ">");
      srv.exec("DEL", "str:short", "set:ht");
      srv.exec("SET", "str:int8", "overwritten");
      srv.exec("RENAME", "hash:lp", "hash:renamed");
      srv.exec("HSET", "hash:renamed", "f1", "after rename");
      srv.exec("EXPIRE", "str:long", "1000");
      srv.exec("SET", "brand:new", "x");
      srv.exec("DEL", "str:ttl");
      srv.exec("PERSIST", "list:ttl");
      srv.exec("PEXPIRE", "str:binary", "1");
      srv.exec("SELECT", "2");
      srv.exec("FLUSHDB");
      srv.exec("SELECT", "0");
      // SWAPDB moves db 0's keys (the captured store) to db 5: the client's writes there
      // still change keys of the snapshot, which must keep them as they were in db 0.
      assert.equal(srv.exec("SWAPDB", "0", "5"), "+OK\r\n");
      // And while it runs, from a client, until it is done.
      const c = await RawClient.connect(srv.port);
      assert.equal(await c.call("SELECT", "5"), "+OK\r\n");
      let writes = 0;
      let saving = true;
      while (saving) {
        const i = writes++ % 300;
        await c.call("SET", `k:${i}`, "changed");
        await c.call("RPUSH", `l:${i % 50}`, "more");
        if (i % 3 === 0) await c.call("DEL", `k:${i + 1}`);
        saving = infoField(await c.call("INFO", "persistence"), "rdb_bgsave_in_progress") === "1";
      }
      assert.ok(writes > 100, `writes landed during the save (${writes})`);
      const info = await c.call("INFO", "persistence");
      assert.equal(infoField(info, "rdb_last_bgsave_status"), "ok");
      assert.equal(infoField(info, "rdb_saves"), "1");
      c.close();
      assert.notEqual(srv.exec("DEBUG", "DIGEST"), before);
      await withBinaryOn("valkey-server", dir, async (ref) => {
        assert.equal(await ref.call("DEBUG", "DIGEST"), before);
      });
    } finally {
      await srv.close();
      await cleanup();
    }
  },
});

Deno.test("rdb save: BGSAVE replies, INFO persistence, LASTSAVE and the dirty counter", async () => {
  const [dir, cleanup] = await tempDir();
  const srv = await startServer({ dir });
  try {
    assert.equal(srv.exec("BGSAVE", "x"), "-ERR syntax error\r\n");
    srv.exec("SET", "a", "1");
    srv.exec("SET", "b", "2");
    assert.equal(srv.dirty, 2);
    for (let i = 0; i < 20_000; i++) srv.exec("SET", `k${i}`, "v");
    assert.equal(srv.exec("BGSAVE", "SCHEDULE"), "+Background saving started\r\n");
    assert.equal(srv.exec("BGSAVE"), "-ERR Background save already in progress\r\n");
    assert.equal(srv.exec("SAVE"), "-ERR Background save already in progress\r\n");
    const running = srv.exec("INFO", "persistence");
    assert.equal(infoField(running, "rdb_bgsave_in_progress"), "1");
    assert.equal(infoField(running, "current_save_keys_total"), "20002");
    srv.exec("SET", "during", "save");
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_bgsave_in_progress") === "0",
      "the BGSAVE to end",
    );
    const info = srv.exec("INFO", "persistence");
    assert.equal(infoField(info, "rdb_last_bgsave_status"), "ok");
    assert.equal(infoField(info, "rdb_saves"), "1");
    assert.equal(infoField(info, "rdb_last_bgsave_time_sec"), "0");
    assert.equal(infoField(info, "rdb_current_bgsave_time_sec"), "-1");
    // The write made during the save still counts.
    assert.equal(infoField(info, "rdb_changes_since_last_save"), "1");
    assert.equal(srv.exec("LASTSAVE"), `:${infoField(info, "rdb_last_save_time")}\r\n`);
    // Inside MULTI, BGSAVE is scheduled for the cron.
    srv.exec("MULTI");
    srv.exec("BGSAVE");
    assert.equal(srv.exec("EXEC"), "*1\r\n+Background saving scheduled\r\n");
    // Counted when it starts (rdbSaveBackground), then awaited to its end.
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_saves") === "2",
      "the scheduled save",
    );
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_bgsave_in_progress") === "0",
      "the scheduled save to end",
    );
    // FLUSHALL kills a running BGSAVE (its status stays ok).
    srv.exec("CONFIG", "SET", "rdb-key-save-delay", "1000");
    assert.equal(srv.exec("BGSAVE"), "+Background saving started\r\n");
    srv.exec("FLUSHALL");
    assert.equal(infoField(srv.exec("INFO", "persistence"), "rdb_bgsave_in_progress"), "0");
    assert.equal(infoField(srv.exec("INFO", "persistence"), "rdb_last_bgsave_status"), "ok");
    assert.equal(srv.exec("CONFIG", "RESETSTAT"), "+OK\r\n");
    assert.equal(infoField(srv.exec("INFO", "persistence"), "rdb_saves"), "0");
  } finally {
    await srv.close();
    await cleanup();
  }
});

Deno.test("rdb save: a due save point starts a BGSAVE from the cron", async () => {
  const [dir, cleanup] = await tempDir();
  const srv = await startServer({ dir, save: "100 2", hz: 100 });
  try {
    srv.exec("SET", "a", "1");
    srv.fastForward(101_000);
    // One change is below the point's 2: nothing happens.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(infoField(srv.exec("INFO", "persistence"), "rdb_saves"), "0");
    srv.exec("SET", "b", "2");
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_saves") === "1",
      "the save point",
    );
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_bgsave_in_progress") === "0",
      "the save to end",
    );
    assert.equal(srv.dirty, 0);
    assert.ok((await Deno.stat(`${dir}/dump.rdb`)).size > 0);
  } finally {
    await srv.close();
    await cleanup();
  }
});

Deno.test("rdb save: a failed BGSAVE turns writes and PING into -MISCONF until a save succeeds", async () => {
  const [base, cleanup] = await tempDir();
  const dir = `${base}/sub`;
  await Deno.mkdir(dir);
  const srv = await startServer({ dir, save: "3600 1" });
  try {
    srv.exec("SET", "a", "1");
    await Deno.remove(dir);
    assert.equal(srv.exec("BGSAVE"), "+Background saving started\r\n");
    await waitUntil(
      () => infoField(srv.exec("INFO", "persistence"), "rdb_bgsave_in_progress") === "0",
      "the BGSAVE to fail",
    );
    assert.equal(infoField(srv.exec("INFO", "persistence"), "rdb_last_bgsave_status"), "err");
    const misconf = srv.exec("SET", "b", "2");
    assert.match(misconf, /^-MISCONF Redis is configured to save RDB snapshots/);
    assert.equal(srv.exec("PING"), misconf);
    assert.equal(srv.exec("GET", "a"), "$1\r\n1\r\n");
    srv.exec("MULTI");
    assert.equal(srv.exec("SET", "b", "2"), misconf);
    assert.match(srv.exec("EXEC"), /^-EXECABORT/);
    // stop-writes-on-bgsave-error no lets writes through.
    srv.exec("CONFIG", "SET", "stop-writes-on-bgsave-error", "no");
    assert.equal(srv.exec("SET", "b", "2"), "+OK\r\n");
    srv.exec("CONFIG", "SET", "stop-writes-on-bgsave-error", "yes");
    await Deno.mkdir(dir);
    assert.equal(srv.exec("SAVE"), "+OK\r\n");
    assert.equal(srv.exec("SET", "c", "3"), "+OK\r\n");
  } finally {
    await srv.close();
    await cleanup();
  }
});

Deno.test("rdb save: SHUTDOWN SAVE writes the file, SHUTDOWN NOSAVE does not", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    let srv = await startServer({ dir, save: "3600 1" });
    srv.exec("SET", "k", "v");
    srv.exec("SHUTDOWN", "NOSAVE");
    await srv.closed;
    await assert.rejects(() => Deno.stat(`${dir}/dump.rdb`));
    srv = await startServer({ dir, save: "" });
    srv.exec("SET", "k", "v");
    const c = await RawClient.connect(srv.port);
    await c.send("SHUTDOWN", "SAVE");
    await srv.closed;
    c.close();
    assert.ok((await Deno.stat(`${dir}/dump.rdb`)).size > 0);
    const entries = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.deepEqual(entries, ["dump.rdb"], "no temp file left");
  } finally {
    await cleanup();
  }
});

/** Starts main.ts in a subprocess with the given deno permissions. */
function spawnMain(perms: string[], args: string[]): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", ...perms, new URL("../main.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("rdb save: kill -9 during a BGSAVE leaves the previous dump.rdb intact", async () => {
  const [dir, cleanup] = await tempDir();
  const port = freePort();
  const proc = spawnMain(["--allow-all"], ["--port", String(port), "--dir", dir, "--save", ""]);
  try {
    const c = await connectRetry(port);
    await c.call("SET", "old", "data");
    assert.equal(await c.call("SAVE"), "+OK\r\n");
    const previous = await Deno.readFile(`${dir}/dump.rdb`);
    for (let i = 0; i < 1000; i++) await c.call("SET", `key:${i}`, "v".repeat(64));
    // A save that takes about a second.
    await c.call("CONFIG", "SET", "rdb-key-save-delay", "1000");
    assert.equal(await c.call("BGSAVE"), "+Background saving started\r\n");
    await waitUntil(
      () => [...Deno.readDirSync(dir)].some((e) => e.name.startsWith("temp-")),
      "the temp file",
    );
    proc.kill("SIGKILL");
    await proc.status;
    c.close();
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(names.some((n) => n.startsWith("temp-")), "killed mid-save (its temp file is left)");
    assert.deepEqual(await Deno.readFile(`${dir}/dump.rdb`), previous);
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* gone */ }
    await proc.status;
    await proc.stdout.cancel();
    await proc.stderr.cancel();
    await cleanup();
  }
});

Deno.test("rdb save: SIGTERM saves when save points exist", async () => {
  const [dir, cleanup] = await tempDir();
  const port = freePort();
  const proc = spawnMain(["--allow-all"], [
    "--port",
    String(port),
    "--dir",
    dir,
    "--save",
    "3600 1",
  ]);
  try {
    const c = await connectRetry(port);
    await c.call("SET", "k", "v");
    c.close();
    proc.kill("SIGTERM");
    assert.equal((await proc.status).code, 0);
    assert.ok((await Deno.stat(`${dir}/dump.rdb`)).size > 0);
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* gone */ }
    await proc.status;
    await proc.stdout.cancel();
    await proc.stderr.cancel();
    await cleanup();
  }
});

Deno.test("rdb save: without --allow-write SAVE, BGSAVE and CONFIG REWRITE name the flag, SHUTDOWN exits cleanly", async () => {
  const [dir, cleanup] = await tempDir();
  const [other, cleanupOther] = await tempDir();
  const port = freePort();
  const conf = `${dir}/redis.conf`;
  await Deno.writeTextFile(conf, "save 3600 1\nenable-protected-configs yes\n");
  const proc = spawnMain(
    ["--allow-net", `--allow-read=${dir}`],
    [conf, "--port", String(port), "--dir", dir],
  );
  try {
    const c = await connectRetry(port);
    const rewrite = await c.call("CONFIG", "REWRITE");
    assert.match(rewrite, /^-ERR .*--allow-write=/);
    const setDir = await c.call("CONFIG", "SET", "dir", other);
    assert.match(setDir, /^-ERR CONFIG SET failed .*--allow-read=/);
    await Deno.remove(conf);
    assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
    const err = await c.call("SAVE");
    assert.match(err, /^-ERR .*--allow-write=/);
    assert.ok(err.includes(dir), err);
    assert.equal(await c.call("BGSAVE"), err);
    assert.equal(await c.call("GET", "k"), "$1\r\nv\r\n");
    // Save points exist, but a server that may not write still shuts down.
    await c.send("SHUTDOWN");
    assert.equal((await proc.status).code, 0);
    c.close();
    assert.deepEqual([...Deno.readDirSync(dir)], []);
    await cleanupOther();
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* gone */ }
    await proc.status;
    await proc.stdout.cancel();
    await proc.stderr.cancel();
    await cleanup();
  }
});

Deno.test({
  name: "rdb save: IDLE / FREQ go with each key under an LRU / LFU maxmemory-policy",
  ignore: !HAS_VALKEY,
  async fn() {
    for (const policy of ["allkeys-lru", "volatile-lfu"]) {
      const [dir, cleanup] = await tempDir();
      const srv = await startServer({ dir, "maxmemory-policy": policy });
      try {
        srv.exec("SET", "k", "v");
        for (let i = 0; i < 200; i++) srv.exec("GET", "k");
        srv.fastForward(100_000);
        const freq = srv.exec("OBJECT", "FREQ", "k");
        assert.equal(srv.exec("SAVE"), "+OK\r\n");
        await withBinaryOn("valkey-server", dir, async (ref) => {
          if (policy === "allkeys-lru") {
            const idle = Number((await ref.call("OBJECT", "IDLETIME", "k")).slice(1, -2));
            assert.ok(idle >= 100 && idle < 110, `idle ${idle}`);
          } else {
            assert.match(freq, /^:\d+\r\n$/);
            assert.equal(await ref.call("OBJECT", "FREQ", "k"), freq);
          }
        }, ["--maxmemory-policy", policy]);
      } finally {
        await srv.close();
        await cleanup();
      }
    }
  },
});
