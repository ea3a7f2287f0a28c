/**
 * The start-up load runs while the server listens (main.ts): clients get
 * -LOADING for commands without the `loading` flag, INFO shows loading:1 and
 * the loading_* fields, then the data. key-load-delay (Redis's test knob)
 * makes a small file take a few seconds; nothing sleeps: the test waits on
 * log lines and polls on replies.
 */

import assert from "node:assert/strict";
import { freePort, RawClient, tempDir, waitUntil } from "./helpers.ts";
import { startServer } from "../mod.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;
const KEYS = 20000;

/** A main.ts process on `dir`; `readUntil` reads its log up to a line (`Server initialized`: it listens). */
function spawnMain(dir: string, extra: string[]) {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", MAIN, "--port", String(port), "--dir", dir, ...extra],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const readUntil = async (text: string): Promise<boolean> => {
    while (!log.includes(text)) {
      const { value, done } = await reader.read();
      if (done) return false;
      log += value;
    }
    return true;
  };
  const finish = async () => {
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      log += value;
    }
    const status = await child.status;
    log += await new Response(child.stderr).text();
    return status.code;
  };
  return { port, child, readUntil, finish, log: () => log };
}

/** key:0..KEYS-1 set to value:N (DEBUG POPULATE's names). */
function populate(srv: { exec(...args: string[]): string }): void {
  for (let i = 0; i < KEYS; i += 1000) {
    const args = ["MSET"];
    for (let j = i; j < i + 1000; j++) args.push(`key:${j}`, `value:${j}`);
    assert.equal(srv.exec(...args), "+OK\r\n");
  }
}

/** Polls INFO persistence until the load is over; returns how many polls saw loading:1. */
async function waitLoaded(c: RawClient): Promise<number> {
  let polls = 0;
  while ((await c.call("INFO", "persistence")).includes("loading:1\r\n")) polls++;
  return polls;
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`\\r\\n${name}:([^\\r]*)\\r\\n`).exec(info)?.[1];
}

/** Checks the replies of a server in the middle of loading `totalBytes`. */
async function checkLoading(c: RawClient, totalBytes: number): Promise<void> {
  const loadingErr = "-LOADING Redis is loading the dataset in memory\r\n";
  assert.equal(await c.call("GET", "key:1"), loadingErr);
  assert.equal(await c.call("PING"), loadingErr);
  assert.equal(await c.call("DBSIZE"), loadingErr);
  assert.equal(await c.call("FLUSHALL"), loadingErr);
  // Commands flagged `loading` run.
  assert.equal(await c.call("ECHO", "x"), "$1\r\nx\r\n");
  assert.equal(await c.call("CONFIG", "GET", "maxmemory"), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  // DENY_LOADING configs are refused, the whole CONFIG SET with them.
  assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), loadingErr);
  assert.equal(await c.call("CONFIG", "SET", "maxmemory", "0", "appendonly", "yes"), loadingErr);
  assert.equal(await c.call("CONFIG", "SET", "maxmemory", "0"), "+OK\r\n");
  // A transaction queues nothing refused while loading, and EXEC fails.
  assert.equal(await c.call("MULTI"), "+OK\r\n");
  assert.equal(await c.call("GET", "key:1"), loadingErr);
  assert.equal(
    await c.call("EXEC"),
    "-EXECABORT Transaction discarded because of previous errors.\r\n",
  );
  const info = await c.call("INFO", "persistence");
  assert.equal(infoField(info, "loading"), "1", info);
  assert.equal(infoField(info, "async_loading"), "0", info);
  assert.equal(infoField(info, "loading_total_bytes"), String(totalBytes), info);
  const start = Number(infoField(info, "loading_start_time"));
  assert.ok(Math.abs(start - Date.now() / 1000) < 60, info);
  const loaded = Number(infoField(info, "loading_loaded_bytes"));
  assert.ok(loaded >= 0 && loaded < totalBytes, info);
  assert.equal(
    infoField(info, "loading_loaded_perc"),
    (loaded / totalBytes * 100).toFixed(2),
    info,
  );
  assert.match(infoField(info, "loading_eta_seconds") ?? "", /^\d+$/, info);
  assert.match(infoField(info, "loading_rdb_used_mem") ?? "", /^\d+$/, info);
}

/**
 * Saves the KEYS-key dataset into a fresh dir and starts main.ts loading it at
 * `keyLoadDelay` microseconds a key, with save points (SHUTDOWN must not save);
 * runs `whileLoading` on a client once it listens, then expects exit code 0 and
 * the RDB file as it was. Returns the process's log.
 */
async function slowRdbLoad(
  keyLoadDelay: string,
  whileLoading: (
    c: RawClient,
    m: ReturnType<typeof spawnMain>,
    fileLength: number,
  ) => Promise<void>,
): Promise<string> {
  const [dir, cleanup] = await tempDir();
  try {
    const src = await startServer({ dir });
    try {
      populate(src);
      assert.equal(src.exec("SAVE"), "+OK\r\n");
    } finally {
      await src.close();
    }
    const file = await Deno.readFile(`${dir}/dump.rdb`);
    const m = spawnMain(dir, [
      "--save",
      "3600 1",
      "--key-load-delay",
      keyLoadDelay,
      "--loading-process-events-interval-bytes",
      "1024",
    ]);
    try {
      assert.ok(await m.readUntil("Server initialized"), m.log());
      const c = await RawClient.connect(m.port);
      try {
        await whileLoading(c, m, file.length);
      } finally {
        c.close();
      }
      assert.equal(await m.finish(), 0, m.log());
    } finally {
      try {
        m.child.kill();
      } catch { /* exited */ }
    }
    assert.deepEqual(await Deno.readFile(`${dir}/dump.rdb`), file);
    return m.log();
  } finally {
    await cleanup();
  }
}

Deno.test("loading: clients get -LOADING and INFO loading:1 during the RDB load, then the data", async () => {
  // 20,000 keys at 100 us each: about two seconds of load.
  const log = await slowRdbLoad("100", async (c, _m, fileLength) => {
    await checkLoading(c, fileLength);
    await waitLoaded(c);
    const info = await c.call("INFO", "persistence");
    assert.equal(infoField(info, "loading_total_bytes"), undefined, info);
    assert.equal(infoField(info, "rdb_last_load_keys_loaded"), String(KEYS), info);
    assert.equal(await c.call("DBSIZE"), `:${KEYS}\r\n`);
    assert.equal(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
    assert.equal(await c.call("PING"), "+PONG\r\n");
    await c.send("SHUTDOWN", "NOSAVE");
    await c.readUntilClosed();
  });
  assert.match(log, /Done loading RDB, keys loaded: 20000, keys expired: 0\./);
  assert.match(log, /Ready to accept connections/);
});

Deno.test("loading: SHUTDOWN during the load exits at once without saving over the file", async () => {
  const log = await slowRdbLoad("1000", async (c) => {
    assert.equal(
      await c.call("GET", "key:1"),
      "-LOADING Redis is loading the dataset in memory\r\n",
    );
    // SHUTDOWN (even SAVE) is NOSAVE while loading: a half-read dataset is never saved.
    await c.send("SHUTDOWN", "SAVE");
    await c.readUntilClosed();
  });
  assert.doesNotMatch(log, /Done loading RDB|Ready to accept/);
});

Deno.test("loading: SIGTERM during the load exits 0 without saving", async () => {
  const log = await slowRdbLoad("1000", async (c, m) => {
    assert.match(await c.call("INFO", "persistence"), /\r\nloading:1\r\n/);
    m.child.kill("SIGTERM");
    await c.readUntilClosed();
  });
  assert.match(log, /Received shutdown signal during loading, scheduling shutdown\./);
  assert.doesNotMatch(log, /Saving the final RDB snapshot|Done loading RDB/);
});

Deno.test("loading: a multi-part AOF (RDB base + incr) loads while clients get -LOADING", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const src = await startServer({ dir, appendonly: true });
    try {
      populate(src);
      const c = await RawClient.connect(src.port);
      try {
        assert.match(await c.call("BGREWRITEAOF"), /^\+Background append only file rewriting/);
        while ((await c.call("INFO", "persistence")).includes("aof_rewrite_in_progress:1")) {
          /* poll */
        }
        // After the rewrite: these go to the new incr file.
        assert.equal(await c.call("SET", "after", "rewrite"), "+OK\r\n");
        assert.equal(await c.call("DEL", "key:2"), ":1\r\n");
      } finally {
        c.close();
      }
    } finally {
      await src.close();
    }
    const aofDir = `${dir}/appendonlydir`;
    const names = [...Deno.readDirSync(aofDir)].map((e) => e.name).sort();
    assert.ok(names.some((n) => n.endsWith(".base.rdb")), names.join());
    assert.ok(names.some((n) => n.endsWith(".incr.aof")), names.join());
    let total = 0;
    const before = new Map<string, Uint8Array>();
    for (const n of names) {
      const bytes = await Deno.readFile(`${aofDir}/${n}`);
      before.set(n, bytes);
      if (!n.endsWith(".manifest")) total += bytes.length;
    }
    const m = spawnMain(dir, [
      "--appendonly",
      "yes",
      "--save",
      "",
      "--key-load-delay",
      "100",
      "--loading-process-events-interval-bytes",
      "1024",
    ]);
    try {
      assert.ok(await m.readUntil("Server initialized"), m.log());
      const c = await RawClient.connect(m.port);
      try {
        await checkLoading(c, total);
        await waitLoaded(c);
        assert.equal(await c.call("DBSIZE"), `:${KEYS}\r\n`);
        assert.equal(await c.call("GET", "after"), "$7\r\nrewrite\r\n");
        assert.equal(await c.call("EXISTS", "key:2"), ":0\r\n");
        assert.equal(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
        await c.send("SHUTDOWN", "NOSAVE");
        await c.readUntilClosed();
      } finally {
        c.close();
      }
      assert.equal(await m.finish(), 0, m.log());
      assert.match(m.log(), /DB loaded from append only file/);
    } finally {
      try {
        m.child.kill();
      } catch { /* exited */ }
    }
    for (const [n, bytes] of before) {
      assert.deepEqual(await Deno.readFile(`${aofDir}/${n}`), bytes, n);
    }
  } finally {
    await cleanup();
  }
});

Deno.test("loading: rdb-del-sync-files: a full sync leaves no RDB file on either side", async () => {
  // Neither side writes an RDB for a full sync (the master serializes into the link, the
  // replica loads from memory), so with rdb-del-sync-files yes (or no) and no persistence
  // there is no file to delete and none is left behind: Redis's end state.
  for (const del of [true, false]) {
    const [mdir, mclean] = await tempDir();
    const [rdir, rclean] = await tempDir();
    try {
      const opts = { "rdb-del-sync-files": del, "repl-diskless-sync": false, save: "" };
      const m = await startServer({ ...opts, dir: mdir, "repl-diskless-sync-delay": 0 });
      try {
        assert.equal(
          m.exec("CONFIG", "GET", "rdb-del-sync-files"),
          `*2\r\n$18\r\nrdb-del-sync-files\r\n$${del ? 3 : 2}\r\n${del ? "yes" : "no"}\r\n`,
        );
        assert.equal(m.exec("SET", "k", "v"), "+OK\r\n");
        const r = await startServer({
          ...opts,
          dir: rdir,
          "repl-diskless-load": "disabled",
          replicaof: ["127.0.0.1", String(m.port)],
        });
        try {
          const c = await RawClient.connect(r.port);
          try {
            await waitUntil(
              async () => (await c.call("GET", "k")) === "$1\r\nv\r\n",
              "the replica has k",
              { timeoutMs: 10_000, intervalMs: 10 },
            );
          } finally {
            c.close();
          }
          assert.match(r.exec("INFO", "replication"), /master_link_status:up/);
        } finally {
          await r.close();
        }
      } finally {
        await m.close();
      }
      for (const d of [mdir, rdir]) {
        const files = [...Deno.readDirSync(d)].map((e) => e.name);
        assert.deepEqual(files.filter((n) => n.endsWith(".rdb")), [], `${d}: ${files.join()}`);
      }
    } finally {
      await mclean();
      await rclean();
    }
  }
});
