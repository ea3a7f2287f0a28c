/**
 * RDB loading: every fixture (files written by redis-server 7.0 and
 * valkey-server 8.0, spec-exact files in the RDB 1-9 formats) loads with the
 * contents, types, encodings and TTLs valkey-server reported after loading
 * the same file (fixtures/*.json, see scripts/gen_fixtures.ts); truncated,
 * corrupt and newer-version files stop start-up with a message naming the
 * file and the offset, and stay byte-identical.
 */

import assert from "node:assert/strict";
import { startServer } from "../mod.ts";
import { Log } from "../src/server/log.ts";
import { loadRdbFile, rdbLoadOptions } from "../src/persistence/load.ts";
import { loadRdb, RdbFormatError } from "../src/persistence/rdb_reader.ts";
import { loadStatsOf } from "../src/persistence/load_stats.ts";
import { type Call, dumpDataset, type KeyDump } from "../scripts/gen_fixtures.ts";
import { oldFormatFixtures } from "../scripts/old_rdb_formats.ts";
import { Crc64 } from "../src/persistence/crc64.ts";
import { ENGINE_DIR } from "../src/scripting/engine.ts";
import { freePort, RawClient, runsWith, tempDir } from "./helpers.ts";
import { withBinaryOn } from "./rdb_dataset.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

/** A Log that keeps its lines. */
function captureLog(): [Log, string[]] {
  const lines: string[] = [];
  const log = new Log({ loglevel: "notice", logfile: "" });
  log.stdoutWrite = (b) => lines.push(new TextDecoder().decode(b).trimEnd());
  return [log, lines];
}

function callOf(c: RawClient): Call {
  return async (...args) => {
    await c.send(...args);
    return await c.read();
  };
}

const fixtureNames = [...Deno.readDirSync(FIXTURES)]
  .map((e) => e.name)
  .filter((n) => n.endsWith(".rdb"))
  .sort();

Deno.test("rdb load: the fixture set is complete", () => {
  for (
    const f of [
      "redis-7.0.rdb",
      "redis-7.0-nocompress.rdb",
      "valkey-8.0.rdb",
      "rdb-v1.rdb",
      "rdb-v6.rdb",
      "rdb-v8.rdb",
      "rdb-v9.rdb",
      "rdb-v12-from-valkey.rdb",
    ]
  ) assert.ok(fixtureNames.includes(f), f);
});

for (const name of fixtureNames) {
  Deno.test(`rdb load: ${name} loads as valkey-server loaded it`, async () => {
    const expected = JSON.parse(
      await Deno.readTextFile(FIXTURES + name.replace(/\.rdb$/, ".json")),
    ) as KeyDump[];
    assert.ok(expected.length > 0);
    const before = await Deno.readFile(FIXTURES + name);
    const srv = await startServer({});
    const [log, lines] = captureLog();
    try {
      const r = loadRdbFile(srv.server, FIXTURES + name, log);
      assert.equal(r.status, "ok", lines.join("\n"));
      const c = await RawClient.connect(srv.port);
      try {
        const got = await dumpDataset(callOf(c));
        assert.deepEqual(got, expected);
      } finally {
        c.close();
      }
      const stats = loadStatsOf(srv.server);
      assert.equal(srv.server.loading, false);
      assert.equal(stats.keysLoaded, expected.length);
      assert.ok(
        lines.some((l) =>
          l.includes(`Done loading RDB, keys loaded: ${expected.length}, keys expired: `)
        ),
        lines.join("\n"),
      );
    } finally {
      await srv.close();
    }
    assert.deepEqual(await Deno.readFile(FIXTURES + name), before);
  });
}

Deno.test("rdb load: an already expired key is counted, not loaded (master)", async () => {
  const srv = await startServer({});
  const [log, lines] = captureLog();
  try {
    const r = loadRdbFile(srv.server, FIXTURES + "redis-7.0.rdb", log);
    assert.equal(r.status, "ok");
    assert.equal(loadStatsOf(srv.server).keysExpired, 1);
    const info = srv.exec("INFO", "persistence");
    assert.match(info, /\r\nloading:0\r\n/);
    assert.match(info, /\r\nrdb_last_load_keys_expired:1\r\n/);
    assert.match(info, /\r\nrdb_last_load_keys_loaded:37\r\n/);
    assert.equal(srv.db(5).peek("db5:expired"), undefined);
    assert.ok(lines.some((l) => l.endsWith("keys expired: 1.")), lines.join("\n"));
  } finally {
    await srv.close();
  }
});

Deno.test("rdb load: FUNCTION2 libraries are loaded into the functions engine", async () => {
  const srv = await startServer({});
  try {
    assert.equal(loadRdbFile(srv.server, FIXTURES + "redis-7.0.rdb", captureLog()[0]).status, "ok");
    assert.match(srv.exec("FUNCTION", "LIST"), /fixturelib/);
    // Loading it again over the same library fails as in Redis (no REPLACE in rdbFunctionLoad).
    srv.exec("FLUSHALL");
    const [log2, lines2] = captureLog();
    assert.equal(loadRdbFile(srv.server, FIXTURES + "redis-7.0.rdb", log2).status, "failed");
    assert.match(lines2.join("\n"), /Failed loading library, Library 'fixturelib' already exists/);
  } finally {
    await srv.close();
  }
});

Deno.test("rdb load: IDLE sets the idle time, FREQ the LFU counter under an LFU policy", async () => {
  const file = FIXTURES + "rdb-v9.rdb";
  const srv = await startServer({});
  try {
    assert.equal(loadRdbFile(srv.server, file, captureLog()[0]).status, "ok");
    const idle = Number(srv.exec("OBJECT", "IDLETIME", "v9:idle").slice(1, -2));
    assert.ok(idle >= 100 && idle < 110, String(idle));
  } finally {
    await srv.close();
  }
  const lfu = await startServer({ "maxmemory-policy": "allkeys-lfu" });
  try {
    assert.equal(loadRdbFile(lfu.server, file, captureLog()[0]).status, "ok");
    assert.equal(lfu.exec("OBJECT", "FREQ", "v9:freq"), ":77\r\n");
  } finally {
    await lfu.close();
  }
});

// ---------------------------------------------------------------------------
// Damaged files: start-up stops, the message names file and offset, the file is untouched.

async function startupWith(bytes: Uint8Array | null, extra: string[] = [], write = false) {
  const [dir, cleanup] = await tempDir();
  try {
    if (bytes !== null) await Deno.writeFile(`${dir}/dump.rdb`, bytes);
    const port = freePort();
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        // The data directory, and the Lua engine's package (the fixture holds a function library).
        `--allow-read=${dir},${ENGINE_DIR}`,
        ...(write ? [`--allow-write=${dir}`] : []),
        "--allow-net",
        "--allow-env",
        new URL("../main.ts", import.meta.url).pathname,
        "--port",
        String(port),
        "--dir",
        dir,
        "--save",
        "",
        ...extra,
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    // A good file: the server comes up; stop it through the protocol.
    const out = child.stdout.pipeThrough(new TextDecoderStream());
    let text = "";
    const reader = out.getReader();
    let ready = false;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
      if (text.includes("Ready to accept connections")) {
        ready = true;
        break;
      }
    }
    if (ready) {
      const c = await RawClient.connect(port);
      const dbsize = await c.call("DBSIZE");
      await c.send("SHUTDOWN", "NOSAVE");
      await c.readUntilClosed();
      c.close();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      const status = await child.status;
      await child.stderr.cancel();
      return { code: status.code, text, dbsize, after: await readOrNull(`${dir}/dump.rdb`) };
    }
    const status = await child.status;
    text += await new Response(child.stderr).text();
    return { code: status.code, text, dbsize: null, after: await readOrNull(`${dir}/dump.rdb`) };
  } finally {
    await cleanup();
  }
}

async function readOrNull(p: string): Promise<Uint8Array | null> {
  try {
    return await Deno.readFile(p);
  } catch {
    return null;
  }
}

Deno.test("rdb load at start-up: a good file loads, a missing one is an empty dataset", async () => {
  const good = await Deno.readFile(FIXTURES + "redis-7.0.rdb");
  const r = await startupWith(good);
  assert.equal(r.code, 0, r.text);
  assert.equal(r.dbsize, ":34\r\n", r.text);
  assert.match(r.text, /Done loading RDB, keys loaded: 37, keys expired: 1\./);
  assert.match(r.text, /DB loaded from disk: \d+\.\d{3} seconds/);
  assert.deepEqual(r.after, good);
  const none = await startupWith(null);
  assert.equal(none.code, 0, none.text);
  assert.equal(none.dbsize, ":0\r\n");
  assert.equal(none.after, null);
});

Deno.test("rdb load at start-up: truncated, corrupt and newer files stop it with file and offset", async () => {
  const good = await Deno.readFile(FIXTURES + "redis-7.0.rdb");
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "truncated",
      good.slice(0, 5000),
      /Short read or OOM loading DB\. Unrecoverable error, aborting now\.[\s\S]*dump\.rdb' at offset (4[0-9]{3}|5000): Unexpected EOF reading RDB file/,
    ],
    [
      "newer version",
      Uint8Array.from([...new TextEncoder().encode("REDIS0013"), 255, 0, 0, 0, 0, 0, 0, 0, 0]),
      /Can't handle RDB format version 13[\s\S]*dump\.rdb' at offset 5/,
    ],
    [
      "not an RDB file",
      new TextEncoder().encode("hello world, not a dump"),
      /Wrong signature trying to load DB from file[\s\S]*dump\.rdb' at offset 0/,
    ],
  ];
  // A flipped bit inside a string value: only the checksum catches it.
  const flipped = good.slice();
  const at = new TextDecoder("latin1").decode(good).indexOf("hello world");
  assert.ok(at > 0);
  flipped[at + 1] ^= 0x01;
  cases.push([
    "bad checksum",
    flipped,
    /Wrong RDB checksum expected: \([0-9a-f]+\) but got \([0-9a-f]+\)\. Aborting now\.[\s\S]*dump\.rdb' at offset \d+/,
  ]);
  for (const [what, bytes, re] of cases) {
    // With save points and write permission: still nothing may touch the file.
    const r = await startupWith(bytes, ["--save", "1 1"], true);
    assert.equal(r.code, 1, `${what}: ${r.text}`);
    assert.match(r.text, re, `${what}: ${r.text}`);
    assert.match(r.text, /Fatal error loading the DB, check server logs\. Exiting\./, what);
    assert.deepEqual(r.after, bytes, `${what}: the file must stay byte-identical`);
  }
});

Deno.test("rdb load: rdbchecksum no skips the trailer check", async () => {
  const good = await Deno.readFile(FIXTURES + "rdb-v6.rdb");
  const bad = good.slice();
  bad[bad.length - 1] ^= 0xff;
  const r = await startupWith(bad, ["--rdbchecksum", "no"]);
  assert.equal(r.code, 0, r.text);
  assert.equal(r.dbsize, ":9\r\n");
});

Deno.test("rdb load: every truncation of every fixture fails cleanly", async () => {
  const srv = await startServer({});
  try {
    for (const name of fixtureNames) {
      const bytes = await Deno.readFile(FIXTURES + name);
      // Every prefix of the small files, a sample of the large ones.
      const step = bytes.length < 1000 ? 1 : Math.floor(bytes.length / 50);
      for (let n = 0; n < bytes.length; n += step) {
        srv.exec("FLUSHALL");
        assert.throws(
          () => loadRdb(bytes.subarray(0, n), rdbLoadOptions(srv.server, captureLog()[0])),
          (e) => e instanceof RdbFormatError && e.offset <= n,
          `${name} cut at ${n}`,
        );
      }
    }
  } finally {
    await srv.close();
  }
});

Deno.test("rdb load: bit flips never crash the loader", async () => {
  const srv = await startServer({ rdbchecksum: "no" });
  try {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const name of fixtureNames) {
      const bytes = await Deno.readFile(FIXTURES + name);
      for (let i = 0; i < 40; i++) {
        const b = bytes.slice();
        const at = 9 + Math.floor(rand() * (b.length - 9));
        b[at] ^= 1 << Math.floor(rand() * 8);
        srv.exec("FLUSHALL");
        try {
          loadRdb(b, rdbLoadOptions(srv.server, captureLog()[0]));
        } catch (e) {
          if (!(e instanceof RdbFormatError)) throw e;
        }
      }
    }
  } finally {
    await srv.close();
  }
});

Deno.test("rdb load: module data, pre-release functions and 7.4 field TTL hashes are refused clearly", async () => {
  const srv = await startServer({});
  const [dir, cleanup] = await tempDir();
  try {
    const mk = (body: number[]) => {
      const b = Uint8Array.from([...new TextEncoder().encode("REDIS0011"), ...body, 255]);
      const out = new Uint8Array(b.length + 8);
      out.set(b);
      out.set(new Crc64().update(b).digest(), b.length);
      return out;
    };
    const cases: [number[], RegExp][] = [
      [
        [247, 0x81, 1, 2, 3, 4, 5, 6, 7, 8, 2, 2],
        /AUX module data I can't load: no matching module/,
      ],
      [
        [7, 1, 0x6b, 0x81, 1, 2, 3, 4, 5, 6, 7, 8],
        /module data I can't load: no matching module type/,
      ],
      [[246], /Pre-release function format not supported/],
      [[24, 1, 0x6b, 0], /field expiration \(RDB type 24, Redis 7\.4\) are not supported/],
      [[30, 1, 0x6b], /Unknown RDB encoding type 30/],
    ];
    for (const [body, re] of cases) {
      await Deno.writeFile(`${dir}/m.rdb`, mk(body));
      const [log, lines] = captureLog();
      const r = loadRdbFile(srv.server, `${dir}/m.rdb`, log);
      assert.equal(r.status, "failed");
      assert.match(lines.join("\n"), re);
      assert.match(lines.join("\n"), /m\.rdb' at offset 9/);
    }
  } finally {
    await cleanup();
    await srv.close();
  }
});

Deno.test("rdb load: the old-format fixtures are what the generator writes", async () => {
  for (const [name, bytes] of oldFormatFixtures()) {
    assert.deepEqual(await Deno.readFile(FIXTURES + name), bytes, name);
  }
});

Deno.test("rdb: function libraries are saved (FUNCTION2) and loaded back, here and by redis-server 7.0", async () => {
  const [dir, cleanup] = await tempDir();
  const code = "#!lua name=savedlib\nredis.register_function('savedfn', function() return 7 end)";
  try {
    const srv = await startServer({ dir });
    try {
      assert.equal(srv.exec("FUNCTION", "LOAD", code), "$8\r\nsavedlib\r\n");
      srv.exec("SET", "k", "v");
      assert.equal(srv.exec("SAVE"), "+OK\r\n");
    } finally {
      await srv.close();
    }
    const again = await startServer({ dir });
    try {
      assert.equal(loadRdbFile(again.server, `${dir}/dump.rdb`, captureLog()[0]).status, "ok");
      assert.equal(again.exec("FCALL", "savedfn", "0"), ":7\r\n");
      assert.equal(again.exec("GET", "k"), "$1\r\nv\r\n");
    } finally {
      await again.close();
    }
    if (!runsWith("redis-server")) return;
    await withBinaryOn("redis-server", dir, async (r) => {
      assert.equal(await r.call("FCALL", "savedfn", "0"), ":7\r\n");
      assert.equal(await r.call("GET", "k"), "$1\r\nv\r\n");
    });
  } finally {
    await cleanup();
  }
});
