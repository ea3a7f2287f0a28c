// Keyspace (generic) commands: exact replies and errors, SCAN under a changing
// keyspace, KEYS globbing, COPY/RENAME/MOVE of every value type, WATCH and
// blocked clients across FLUSH*/SWAPDB, keyspace stats, propagation, the
// command table against valkey-server's COMMAND INFO and a differential run of
// command sequences against valkey-server when it is installed. Expected texts
// come from Redis 7.2's db.c / object.c (valkey-server 8.0 agrees unless noted).

import assert from "node:assert/strict";
import {
  binaryToBytes,
  bulk,
  bytesToBinary,
  captureNotifications,
  capturePropagation,
  expectReplies,
  RawClient,
  resp3,
  type RespReply,
  simplify,
  tempDir,
  waitBlocked,
  withClient,
  withServer,
} from "./helpers.ts";
import {
  expectReferenceRowsMatch,
  HAS_REFERENCE,
  REFERENCE_IS_VALKEY,
  withOursAndReference,
  withReference,
  withReferenceClient,
} from "./reference.ts";
import type { RunningServer } from "../mod.ts";
import { keyspaceCommands, parseScanCursor } from "../src/commands/keyspace.ts";
import { RedisList } from "../src/store/list.ts";
import { RedisHash } from "../src/store/hash.ts";
import { RedisSet } from "../src/store/set.ts";
import { SortedSet } from "../src/store/zset.ts";
import type { RedisValue } from "../src/store/types.ts";

/** Collects the key names of a multi-bulk reply as binary strings, sorted. */
function sortedKeys(reply: RespReply): string[] {
  assert.equal(reply.t, "array");
  return (reply as { v: RespReply[] }).v.map((e) => {
    assert.equal(e.t, "bulk");
    return bytesToBinary((e as { v: Uint8Array }).v);
  }).sort();
}

function setValue(srv: RunningServer, key: string, v: RedisValue, db = 0): void {
  srv.db(db).set(key, v);
}

// ---------------------------------------------------------------------------

Deno.test("SELECT, DBSIZE, SWAPDB, MOVE: replies and errors", async () => {
  await withClient({}, async (r) => {
    await expectReplies(r, [
      [["SELECT", "abc"], "-ERR value is not an integer or out of range\r\n"],
      [
        ["SELECT", "4294967296"],
        "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n",
      ],
      [["SELECT", "-1"], "-ERR DB index is out of range\r\n"],
      [["SELECT", "16"], "-ERR DB index is out of range\r\n"],
      [["SELECT", "01"], "-ERR value is not an integer or out of range\r\n"],
      [["SELECT", "15"], "+OK\r\n"],
      [["SET", "k", "v"], "+OK\r\n"],
      [["DBSIZE"], ":1\r\n"],
      [["SELECT", "0"], "+OK\r\n"],
      [["DBSIZE"], ":0\r\n"],
      [["SELECT"], "-ERR wrong number of arguments for 'select' command\r\n"],
      [["SWAPDB", "x", "1"], "-ERR invalid first DB index\r\n"],
      [["SWAPDB", "0", "x"], "-ERR invalid second DB index\r\n"],
      [["SWAPDB", "0", "99999999999"], "-ERR invalid second DB index\r\n"],
      [["SWAPDB", "0", "16"], "-ERR DB index is out of range\r\n"],
      [["SWAPDB", "-1", "0"], "-ERR DB index is out of range\r\n"],
      [["SWAPDB", "0", "0"], "+OK\r\n"],
      [["SWAPDB", "0", "15"], "+OK\r\n"],
      [["DBSIZE"], ":1\r\n"],
      [["GET", "k"], "$1\r\nv\r\n"],
      [["MOVE", "k", "x"], "-ERR value is not an integer or out of range\r\n"],
      [["MOVE", "k", "0"], "-ERR source and destination objects are the same\r\n"],
      [["MOVE", "nokey", "0"], "-ERR source and destination objects are the same\r\n"],
      [["MOVE", "k", "16"], "-ERR DB index is out of range\r\n"],
      [["MOVE", "nokey", "1"], ":0\r\n"],
      [["MOVE", "k", "1"], ":1\r\n"],
      [["EXISTS", "k"], ":0\r\n"],
      [["SET", "k", "other"], "+OK\r\n"],
      [["MOVE", "k", "1"], ":0\r\n"],
      [["SELECT", "1"], "+OK\r\n"],
      [["GET", "k"], "$1\r\nv\r\n"],
    ]);
  });
});

Deno.test("FLUSHDB / FLUSHALL: options, scope and propagation", async () => {
  await withClient({}, async (r, srv) => {
    const log = capturePropagation(srv, true);
    await expectReplies(r, [
      [["FLUSHDB", "bogus"], "-ERR syntax error\r\n"],
      [["FLUSHDB", "async", "sync"], "-ERR syntax error\r\n"],
      [["FLUSHALL", "now"], "-ERR syntax error\r\n"],
      // An empty flush is still replicated (forceCommandPropagation).
      [["FLUSHDB"], "+OK\r\n"],
      [["SET", "a", "1"], "+OK\r\n"],
      [["SELECT", "2"], "+OK\r\n"],
      [["SET", "b", "1"], "+OK\r\n"],
      [["FLUSHDB", "ASYNC"], "+OK\r\n"],
      [["DBSIZE"], ":0\r\n"],
      [["SELECT", "0"], "+OK\r\n"],
      [["DBSIZE"], ":1\r\n"],
      [["SELECT", "3"], "+OK\r\n"],
      [["SET", "c", "1"], "+OK\r\n"],
      [["FLUSHALL", "sync"], "+OK\r\n"],
      [["DBSIZE"], ":0\r\n"],
      [["SELECT", "0"], "+OK\r\n"],
      [["DBSIZE"], ":0\r\n"],
      [["FLUSHALL"], "+OK\r\n"],
    ]);
    assert.deepEqual(log, [
      "0 FLUSHDB",
      "0 SET a 1",
      "2 SET b 1",
      "2 FLUSHDB ASYNC",
      "3 SET c 1",
      "3 FLUSHALL sync",
      "0 FLUSHALL",
    ]);
  });
});

Deno.test("FLUSHALL dirty accounting: kept without save points, reset with them", async () => {
  // With save points FLUSHALL saves: into a dir of its own.
  const [dir, cleanup] = await tempDir();
  await withClient({ dir }, async (r, srv) => {
    await r.call("SET", "a", "1");
    await r.call("SET", "b", "1");
    const before = srv.dirty;
    assert.equal(await r.call("FLUSHALL"), "+OK\r\n");
    // emptyData adds the number of removed keys.
    assert.equal(srv.dirty, before + 2);
    srv.server.config.set("save", "3600 1");
    await r.call("SET", "a", "1");
    await Deno.remove(`${dir}/dump.rdb`).catch(() => {});
    assert.equal(await r.call("FLUSHALL"), "+OK\r\n");
    assert.equal(srv.dirty, 0);
    // The empty dataset was saved at once (flushAllDataAndResetRDB).
    assert.ok((await Deno.stat(`${dir}/dump.rdb`)).isFile);
  });
  await cleanup();
});

Deno.test("DEL, UNLINK, EXISTS, TYPE, TOUCH, RANDOMKEY, DBSIZE", async () => {
  await withClient({}, async (r, srv) => {
    setValue(srv, "list", RedisList.from([binaryToBytes("x")]));
    const h = new RedisHash();
    h.set("f", binaryToBytes("v"));
    setValue(srv, "hash", h);
    const s = new RedisSet();
    s.add("m");
    setValue(srv, "set", s);
    const z = new SortedSet();
    z.add("m", 1);
    setValue(srv, "zset", z);
    await expectReplies(r, [
      [["SET", "str", "v"], "+OK\r\n"],
      [["TYPE", "str"], "+string\r\n"],
      [["TYPE", "list"], "+list\r\n"],
      [["TYPE", "hash"], "+hash\r\n"],
      [["TYPE", "set"], "+set\r\n"],
      [["TYPE", "zset"], "+zset\r\n"],
      [["TYPE", "nokey"], "+none\r\n"],
      [["EXISTS", "str", "str", "nokey", "list"], ":3\r\n"],
      [["TOUCH", "str", "nokey", "hash", "hash"], ":3\r\n"],
      [["DBSIZE"], ":5\r\n"],
      [["DEL", "str", "str", "nokey", "list"], ":2\r\n"],
      [["UNLINK", "hash", "hash", "set"], ":2\r\n"],
      [["RANDOMKEY"], bulk("zset")],
      [["DEL", "zset"], ":1\r\n"],
      [["RANDOMKEY"], "$-1\r\n"],
      [["DEL"], "-ERR wrong number of arguments for 'del' command\r\n"],
      [["EXISTS"], "-ERR wrong number of arguments for 'exists' command\r\n"],
      [["TYPE", "a", "b"], "-ERR wrong number of arguments for 'type' command\r\n"],
    ]);
    // Binary-safe keys.
    await r.send("SET", new Uint8Array([0, 255, 13, 10]), "v");
    assert.equal(await r.readRaw(), "+OK\r\n");
    assert.equal(await r.call("KEYS", "*"), "*1\r\n$4\r\n\x00\xff\r\n\r\n");
    assert.equal(await r.call("RANDOMKEY"), "$4\r\n\x00\xff\r\n\r\n");
    await r.send("EXISTS", new Uint8Array([0, 255, 13, 10]));
    assert.equal(await r.readRaw(), ":1\r\n");
    // RESP3 null for a missing RANDOMKEY.
    await r.call("FLUSHALL");
    await resp3(srv, r);
    assert.equal(await r.call("RANDOMKEY"), "_\r\n");
  });
});

Deno.test("RENAME / RENAMENX edge cases, TTL carried over", async () => {
  await withClient({}, async (r, srv) => {
    const events = captureNotifications(srv, "KEA");
    await expectReplies(r, [
      [["RENAME", "nokey", "x"], "-ERR no such key\r\n"],
      [["RENAME", "nokey", "nokey"], "-ERR no such key\r\n"],
      [["RENAMENX", "nokey", "x"], "-ERR no such key\r\n"],
      [["SET", "a", "1"], "+OK\r\n"],
      [["RENAME", "a", "a"], "+OK\r\n"],
      [["RENAMENX", "a", "a"], ":0\r\n"],
      [["PEXPIRE", "a", "100000"], ":1\r\n"],
      [["RENAME", "a", "b"], "+OK\r\n"],
      [["EXISTS", "a"], ":0\r\n"],
      [["GET", "b"], "$1\r\n1\r\n"],
    ]);
    const pttl = Number((await r.call("PTTL", "b")).slice(1, -2));
    assert.ok(pttl > 99000 && pttl <= 100000, String(pttl));
    await expectReplies(r, [
      [["SET", "c", "2"], "+OK\r\n"],
      [["RENAMENX", "c", "b"], ":0\r\n"],
      [["RENAME", "c", "b"], "+OK\r\n"],
      // The destination's TTL is gone with it; the source had none.
      [["TTL", "b"], ":-1\r\n"],
      [["GET", "b"], "$1\r\n2\r\n"],
      [["RENAMENX", "b", "d"], ":1\r\n"],
      [["EXISTS", "b", "d"], ":1\r\n"],
    ]);
    const renameEvents = events.filter((e) => e.includes("rename") || e.includes(":new "));
    assert.ok(renameEvents.includes("__keyspace@0__:a rename_from"));
    assert.ok(renameEvents.includes("__keyevent@0__:rename_to b"));
    // dbAdd fires "new" only when the "n" class is enabled (not part of "A").
    assert.ok(!events.some((e) => e.endsWith(" new") || e.includes(":new ")));
    events.length = 0;
    srv.server.config.set("notify-keyspace-events", "KEn");
    await r.call("RENAME", "d", "e");
    assert.deepEqual(events, ["__keyspace@0__:e new", "__keyevent@0__:new e"]);
  });
});

Deno.test("COPY: options, errors, every value type deep-copied with TTL and encoding", async () => {
  await withClient({}, async (r, srv) => {
    await expectReplies(r, [
      [["COPY", "a"], "-ERR wrong number of arguments for 'copy' command\r\n"],
      [["COPY", "a", "a"], "-ERR source and destination objects are the same\r\n"],
      [["COPY", "a", "a", "DB", "0"], "-ERR source and destination objects are the same\r\n"],
      [["COPY", "a", "b", "DB"], "-ERR syntax error\r\n"],
      [["COPY", "a", "b", "DB", "x"], "-ERR value is not an integer or out of range\r\n"],
      [["COPY", "a", "b", "DB", "16"], "-ERR DB index is out of range\r\n"],
      [["COPY", "a", "b", "bogus"], "-ERR syntax error\r\n"],
      [["COPY", "a", "b"], ":0\r\n"],
      [["COPY", "a", "a", "DB", "1"], ":0\r\n"],
      [["SET", "a", "12345"], "+OK\r\n"],
      [["PEXPIREAT", "a", String(Date.now() + 500000)], ":1\r\n"],
      [["SET", "b", "x"], "+OK\r\n"],
      [["COPY", "a", "b"], ":0\r\n"],
      [["COPY", "a", "b", "REPLACE"], ":1\r\n"],
      [["GET", "b"], "$5\r\n12345\r\n"],
      [["OBJECT", "ENCODING", "b"], "$3\r\nint\r\n"],
      [["COPY", "a", "a", "db", "1", "replace"], ":1\r\n"],
      [["SELECT", "1"], "+OK\r\n"],
      [["GET", "a"], "$5\r\n12345\r\n"],
      [["SELECT", "0"], "+OK\r\n"],
    ]);
    assert.equal(await r.call("PEXPIRETIME", "b"), await r.call("PEXPIRETIME", "a"));

    // Collections: build each type in-process, in both of its encodings.
    const db = srv.db();
    const big = Array.from({ length: 200 }, (_, i) => `m${i}`);
    const values: Record<string, () => RedisValue> = {
      lp_list: () => RedisList.from([binaryToBytes("a"), binaryToBytes("b")]),
      ql_list: () => {
        const l = RedisList.from(big.map(binaryToBytes));
        l.convertToQuicklist(-2);
        return l;
      },
      lp_hash: () => {
        const h = new RedisHash();
        h.set("f1", binaryToBytes("v1"));
        return h;
      },
      ht_hash: () => {
        const h = new RedisHash("hashtable");
        for (const m of big) h.set(m, binaryToBytes(m));
        return h;
      },
      int_set: () => {
        const s = new RedisSet("intset");
        s.add("1");
        s.add("2");
        return s;
      },
      lp_set: () => {
        const s = new RedisSet();
        s.add("x");
        return s;
      },
      ht_set: () => {
        const s = new RedisSet("hashtable");
        for (const m of big) s.add(m);
        return s;
      },
      lp_zset: () => {
        const z = new SortedSet();
        z.add("a", 1);
        z.add("b", 2);
        return z;
      },
      sl_zset: () => {
        const z = new SortedSet();
        z.setEncoding("skiplist");
        big.forEach((m, i) => z.add(m, i));
        return z;
      },
    };
    for (const [key, make] of Object.entries(values)) {
      const v = make();
      db.set(key, v);
      db.setExpire(db.peek(key)!, Date.now() + 1_000_000);
      const copy = "copy:" + key;
      assert.equal(await r.call("COPY", key, copy), ":1\r\n", key);
      assert.equal(await r.call("TYPE", copy), await r.call("TYPE", key), key);
      assert.equal(
        await r.call("OBJECT", "ENCODING", copy),
        await r.call("OBJECT", "ENCODING", key),
        key,
      );
      assert.equal(await r.call("PEXPIRETIME", copy), await r.call("PEXPIRETIME", key), key);
      const cv = db.peek(copy)!.value;
      assert.notEqual(cv, v, `${key}: COPY must not share the value object`);
      // Mutating the original must leave the copy alone.
      if (v instanceof RedisList) {
        const n = v.length;
        v.pushTail(binaryToBytes("zz"));
        assert.equal((cv as RedisList).length, n);
      } else if (v instanceof RedisHash) {
        const n = v.size;
        v.set("new-field", binaryToBytes("x"));
        assert.equal((cv as RedisHash).size, n);
      } else if (v instanceof RedisSet) {
        const n = v.size;
        v.add("777");
        assert.equal((cv as RedisSet).size, n);
      } else if (v instanceof SortedSet) {
        const n = v.size;
        v.add("new", 5);
        assert.equal((cv as SortedSet).size, n);
      }
      // RENAME moves the very same value, TTL included.
      const pexp = await r.call("PEXPIRETIME", copy);
      assert.equal(await r.call("RENAME", copy, "renamed:" + key), "+OK\r\n");
      assert.equal(db.peek("renamed:" + key)!.value, cv);
      assert.equal(await r.call("PEXPIRETIME", "renamed:" + key), pexp);
      // MOVE too.
      assert.equal(await r.call("MOVE", "renamed:" + key, "5"), ":1\r\n");
      assert.equal(srv.db(5).peek("renamed:" + key)!.value, cv);
      assert.equal(
        srv.db(5).peek("renamed:" + key)!.expireAt,
        Number(pexp.slice(1, -2)),
      );
    }
    // The string encoding travels with COPY and RENAME.
    db.set("rawstr", binaryToBytes("12"));
    db.peek("rawstr")!.raw = true;
    await expectReplies(r, [
      [["OBJECT", "ENCODING", "rawstr"], "$3\r\nraw\r\n"],
      [["COPY", "rawstr", "rawcopy"], ":1\r\n"],
      [["OBJECT", "ENCODING", "rawcopy"], "$3\r\nraw\r\n"],
      [["RENAME", "rawcopy", "rawcopy2"], "+OK\r\n"],
      [["OBJECT", "ENCODING", "rawcopy2"], "$3\r\nraw\r\n"],
    ]);
  });
});

/** Keys and KEYS patterns with the keys each must return (binary strings). */
const GLOB_KEYS = [
  "hello",
  "hallo",
  "hxllo",
  "hllo",
  "heeeello",
  "h*llo",
  "h?llo",
  "h[a]llo",
  "h\\llo",
  "HELLO",
  "foo:1",
  "foo:2",
  "foo:10",
  "",
  "a-b",
  "b",
  "-",
  "]",
  "^x",
  "\xff\x80",
];
const GLOB_CASES: [string, string[]][] = [
  ["*", GLOB_KEYS],
  ["h?llo", ["hello", "hallo", "hxllo", "h*llo", "h?llo", "h\\llo"]],
  ["h*llo", ["hello", "hallo", "hxllo", "hllo", "heeeello", "h*llo", "h?llo", "h[a]llo", "h\\llo"]],
  ["h[ae]llo", ["hello", "hallo"]],
  ["h[^e]llo", ["hallo", "hxllo", "h*llo", "h?llo", "h\\llo"]],
  ["h[a-b]llo", ["hallo"]],
  ["h[b-a]llo", ["hallo"]],
  ["h\\*llo", ["h*llo"]],
  ["h\\?llo", ["h?llo"]],
  ["h\\[a]llo", ["h[a]llo"]],
  ["h\\\\llo", ["h\\llo"]],
  ["foo:?", ["foo:1", "foo:2"]],
  ["foo:*", ["foo:1", "foo:2", "foo:10"]],
  ["foo:[0-9]", ["foo:1", "foo:2"]],
  ["foo:[0-9]*", ["foo:1", "foo:2", "foo:10"]],
  ["hello", ["hello"]],
  ["HELLO", ["HELLO"]],
  ["nokey", []],
  ["", [""]],
  ["[-]", ["-"]],
  ["[]]", []],
  ["[^]", ["b", "-", "]"]],
  ["[\\^]x", ["^x"]],
  ["\\^x", ["^x"]],
  ["a[-]b", ["a-b"]],
  ["[a", []],
  ["[b", ["b"]],
  ["\xff*", ["\xff\x80"]],
  ["*\\", []],
  ["**", GLOB_KEYS.filter((k) => k !== "")],
  ["?", ["b", "-", "]"]],
];

Deno.test("KEYS: glob edge cases and direct lookup of plain patterns", async () => {
  await withClient({}, async (r, srv) => {
    const keys = GLOB_KEYS;
    for (const k of keys) setValue(srv, k, binaryToBytes("v"));
    for (const [pattern, want] of GLOB_CASES) {
      await r.send("KEYS", Uint8Array.from(pattern, (ch) => ch.charCodeAt(0)));
      const got = sortedKeys(await r.read());
      assert.deepEqual(got, want.slice().sort(), `KEYS ${JSON.stringify(pattern)}`);
    }
    // Expired keys are hidden, not reclaimed, by KEYS.
    srv.activeExpire = false;
    const db = srv.db();
    db.setExpire(db.peek("hello")!, Date.now() - 10);
    assert.deepEqual(sortedKeys((await r.send("KEYS", "h?llo"), await r.read())), [
      "h*llo",
      "h?llo",
      "h\\llo",
      "hallo",
      "hxllo",
    ]);
    assert.equal(await r.call("KEYS", "hello"), "*0\r\n");
    assert.equal(await r.call("DBSIZE"), `:${keys.length}\r\n`);
  });
});

Deno.test("SCAN: cursor parsing and option errors", async () => {
  assert.equal(parseScanCursor(""), 0n);
  assert.equal(parseScanCursor("+5"), 5n);
  assert.equal(parseScanCursor("-1"), 18446744073709551615n);
  assert.equal(parseScanCursor("18446744073709551615"), 18446744073709551615n);
  assert.equal(parseScanCursor("18446744073709551616"), null);
  assert.equal(parseScanCursor(" 1"), null);
  assert.equal(parseScanCursor("1 "), null);
  assert.equal(parseScanCursor("+"), null);
  assert.equal(parseScanCursor("0x1"), null);
  await withClient({}, async (r) => {
    await expectReplies(r, [
      [["SCAN", "abc"], "-ERR invalid cursor\r\n"],
      [["SCAN", " 0"], "-ERR invalid cursor\r\n"],
      [["SCAN", "18446744073709551616"], "-ERR invalid cursor\r\n"],
      [["SCAN", "0", "COUNT", "0"], "-ERR syntax error\r\n"],
      [["SCAN", "0", "COUNT", "-1"], "-ERR syntax error\r\n"],
      [["SCAN", "0", "COUNT", "x"], "-ERR value is not an integer or out of range\r\n"],
      [["SCAN", "0", "MATCH"], "-ERR syntax error\r\n"],
      [["SCAN", "0", "TYPE"], "-ERR syntax error\r\n"],
      [["SCAN", "0", "BOGUS", "1"], "-ERR syntax error\r\n"],
      [["SCAN", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["SCAN", ""], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["SET", "k", "v"], "+OK\r\n"],
      [
        ["SCAN", "0", "count", "5", "match", "k*", "type", "STRING"],
        "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n",
      ],
      [["SCAN", "0", "TYPE", "list"], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["SCAN", "0", "TYPE", "none"], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["SCAN", "0", "TYPE", "bogus"], "*2\r\n$1\r\n0\r\n*0\r\n"],
      [["SCAN", "0", "TYPE", "sTrInG"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\nk\r\n"],
      [["SCAN", "0", "MATCH", "x*"], "*2\r\n$1\r\n0\r\n*0\r\n"],
    ]);
  });
});

Deno.test("SCAN returns every key present for the whole scan while the keyspace changes", async () => {
  await withClient({}, async (r, srv) => {
    const db = srv.db();
    srv.activeExpire = false;
    const stable = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const k = `stable:${i}`;
      stable.add(k);
      db.set(k, binaryToBytes("v"));
    }
    const doomed: string[] = [];
    for (let i = 0; i < 1000; i++) {
      db.set(`doomed:${i}`, binaryToBytes("v"));
      doomed.push(`doomed:${i}`);
    }
    // Keys already expired: never returned, reclaimed on the way.
    for (let i = 0; i < 100; i++) {
      const e = db.set(`expired:${i}`, binaryToBytes("v"));
      db.setExpire(e, Date.now() - 1000);
    }
    const seen = new Set<string>();
    let cursor = "0";
    let calls = 0;
    let added = 0;
    do {
      await r.send("SCAN", cursor, "COUNT", String(1 + (calls % 17)));
      const reply = simplify(await r.read()) as [string, string[]];
      cursor = reply[0];
      for (const k of reply[1]) {
        assert.ok(!k.startsWith("expired:"), "expired key returned: " + k);
        seen.add(k);
      }
      calls++;
      // Grow and shrink the keyspace between calls, through commands and directly.
      for (let j = 0; j < 7; j++) db.set(`added:${added++}`, binaryToBytes("v"));
      if (doomed.length > 0) await r.call("DEL", doomed.pop()!, doomed.shift() ?? "x");
      if (added % 3 === 0) db.delete(`added:${added - 5}`);
    } while (cursor !== "0" && calls < 100000);
    assert.equal(cursor, "0");
    for (const k of stable) assert.ok(seen.has(k), "missed " + k);
    assert.equal(db.peek("expired:0") === undefined || db.isExpired(db.peek("expired:0")!), true);
    // SCAN does not count keyspace hits or misses.
    assert.equal(srv.stats.keyspaceHits, 0);
    assert.equal(srv.stats.keyspaceMisses, 0);
  });
});

Deno.test("SCAN MATCH / TYPE filter and a full iteration without changes", async () => {
  await withClient({}, async (r, srv) => {
    for (let i = 0; i < 300; i++) setValue(srv, `s:${i}`, binaryToBytes("v"));
    for (let i = 0; i < 50; i++) setValue(srv, `l:${i}`, RedisList.from([binaryToBytes("x")]));
    const all: string[] = [];
    const lists: string[] = [];
    for (const [opts, out] of [[[], all], [["TYPE", "LIST"], lists]] as const) {
      let cursor = "0";
      do {
        await r.send("SCAN", cursor, ...opts);
        const reply = simplify(await r.read()) as [string, string[]];
        cursor = reply[0];
        out.push(...reply[1]);
      } while (cursor !== "0");
    }
    assert.equal(new Set(all).size, 350);
    assert.equal(all.length, 350);
    assert.deepEqual(lists.slice().sort(), Array.from({ length: 50 }, (_, i) => `l:${i}`).sort());
    await r.send("SCAN", "0", "MATCH", "l:1*", "COUNT", "1000");
    const m = simplify(await r.read()) as [string, string[]];
    assert.equal(m[0], "0");
    assert.deepEqual(
      m[1].slice().sort(),
      ["l:1", ...Array.from({ length: 10 }, (_, i) => `l:1${i}`)].sort(),
    );
  });
});

Deno.test("OBJECT: encodings, refcount, idletime, freq, help and errors", async () => {
  await withClient({}, async (r, srv) => {
    const db = srv.db();
    const x44 = "x".repeat(44), x45 = "x".repeat(45);
    await expectReplies(r, [
      [["SET", "i", "12345"], "+OK\r\n"],
      [["SET", "neg", "-9223372036854775808"], "+OK\r\n"],
      [["SET", "big", "9223372036854775808"], "+OK\r\n"],
      [["SET", "lead0", "012"], "+OK\r\n"],
      [["SET", "plus", "+12"], "+OK\r\n"],
      [["SET", "e44", x44], "+OK\r\n"],
      [["SET", "r45", x45], "+OK\r\n"],
      [["OBJECT", "ENCODING", "i"], bulk("int")],
      [["OBJECT", "ENCODING", "neg"], bulk("int")],
      [["OBJECT", "ENCODING", "big"], bulk("embstr")],
      [["OBJECT", "ENCODING", "lead0"], bulk("embstr")],
      [["OBJECT", "ENCODING", "plus"], bulk("embstr")],
      [["OBJECT", "ENCODING", "e44"], bulk("embstr")],
      [["OBJECT", "ENCODING", "r45"], bulk("raw")],
      [["OBJECT", "ENCODING", "nokey"], "$-1\r\n"],
      [
        ["OBJECT", "encoding", "i", "x"],
        "-ERR wrong number of arguments for 'object|encoding' command\r\n",
      ],
      [["OBJECT", "bogus", "i"], "-ERR unknown subcommand 'bogus'. Try OBJECT HELP.\r\n"],
      [["OBJECT"], "-ERR wrong number of arguments for 'object' command\r\n"],
      [["OBJECT", "help", "x"], "-ERR wrong number of arguments for 'object|help' command\r\n"],
      [["SET", "shared", "9999"], "+OK\r\n"],
      [["SET", "notshared", "10000"], "+OK\r\n"],
      [["OBJECT", "REFCOUNT", "shared"], ":2147483647\r\n"],
      [["OBJECT", "REFCOUNT", "notshared"], ":1\r\n"],
      [["OBJECT", "REFCOUNT", "r45"], ":1\r\n"],
      [["OBJECT", "REFCOUNT", "nokey"], "$-1\r\n"],
      // Right after a touching access: idle time has a 1-second resolution, so a check
      // further from the access could see a second boundary pass on a loaded machine.
      [["GET", "i"], bulk("12345")],
      [["OBJECT", "IDLETIME", "i"], ":0\r\n"],
      [["OBJECT", "IDLETIME", "nokey"], "$-1\r\n"],
      [
        ["OBJECT", "FREQ", "i"],
        "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
      ],
      [["OBJECT", "FREQ", "nokey"], "$-1\r\n"],
      [
        ["object", "help"],
        "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n" +
        "+ENCODING <key>\r\n" +
        "+    Return the kind of internal representation used in order to store the value\r\n" +
        "+    associated with a <key>.\r\n" +
        "+FREQ <key>\r\n" +
        "+    Return the access frequency index of the <key>. The returned integer is\r\n" +
        "+    proportional to the logarithm of the recent access frequency of the key.\r\n" +
        "+IDLETIME <key>\r\n" +
        "+    Return the idle time of the <key>, that is the approximated number of\r\n" +
        "+    seconds elapsed since the last access to the key.\r\n" +
        "+REFCOUNT <key>\r\n" +
        "+    Return the number of references of the value associated with the specified\r\n" +
        "+    <key>.\r\n" +
        "+HELP\r\n" +
        "+    Print this help.\r\n",
      ],
    ]);
    // Idle time counts from the last touching access; OBJECT itself does not touch.
    db.peek("i")!.lru = Date.now() - 5000;
    assert.equal(await r.call("OBJECT", "IDLETIME", "i"), ":5\r\n");
    assert.equal(await r.call("OBJECT", "IDLETIME", "i"), ":5\r\n");
    await r.call("TYPE", "i"); // NOTOUCH
    assert.equal(await r.call("OBJECT", "IDLETIME", "i"), ":5\r\n");
    await r.call("GET", "i");
    assert.equal(await r.call("OBJECT", "IDLETIME", "i"), ":0\r\n");
    // Collections report the encoding their class tracks.
    setValue(srv, "l", RedisList.from([binaryToBytes("a")]));
    const hs = new RedisSet("intset");
    hs.add("1");
    setValue(srv, "is", hs);
    const z = new SortedSet();
    z.add("a", 1);
    setValue(srv, "z", z);
    setValue(srv, "h", new RedisHash("hashtable"));
    await expectReplies(r, [
      [["OBJECT", "ENCODING", "l"], bulk("listpack")],
      [["OBJECT", "ENCODING", "is"], bulk("intset")],
      [["OBJECT", "ENCODING", "z"], bulk("listpack")],
      [["OBJECT", "ENCODING", "h"], bulk("hashtable")],
      [["OBJECT", "REFCOUNT", "l"], ":1\r\n"],
    ]);
    // Under an LFU policy: FREQ answers and IDLETIME refuses; shared integers are off.
    srv.server.config.set("maxmemory-policy", "allkeys-lfu");
    srv.server.config.set("maxmemory", "100mb");
    await expectReplies(r, [
      [["OBJECT", "FREQ", "i"], ":5\r\n"],
      [
        ["OBJECT", "IDLETIME", "i"],
        "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n",
      ],
      [["OBJECT", "REFCOUNT", "shared"], ":1\r\n"],
    ]);
    // RESP3 null for a missing key.
    await resp3(srv, r);
    assert.equal(await r.call("OBJECT", "ENCODING", "nokey"), "_\r\n");
  });
});

Deno.test("Keyspace stats and keymiss events follow Redis's lookup flavours", async () => {
  await withClient({}, async (r, srv) => {
    const st = srv.stats;
    const events = captureNotifications(srv, "Em");
    await r.call("SET", "a", "1");
    const hits = () => [st.keyspaceHits, st.keyspaceMisses];
    const step = async (args: string[], dh: number, dm: number) => {
      const [h0, m0] = hits();
      await r.call(...args);
      assert.deepEqual(hits(), [h0 + dh, m0 + dm], args.join(" "));
    };
    await step(["EXISTS", "a", "b", "a"], 2, 1);
    await step(["TYPE", "a"], 1, 0);
    await step(["TYPE", "b"], 0, 1);
    await step(["TOUCH", "a", "b"], 1, 1);
    await step(["TTL", "a"], 1, 0);
    await step(["PTTL", "b"], 0, 1);
    await step(["OBJECT", "ENCODING", "a"], 1, 0);
    await step(["OBJECT", "ENCODING", "b"], 0, 1);
    await step(["COPY", "a", "c"], 1, 0);
    await step(["COPY", "b", "c"], 0, 1);
    await step(["KEYS", "*"], 0, 0);
    await step(["SCAN", "0"], 0, 0);
    await step(["SCAN", "0", "TYPE", "string"], 2, 0);
    await step(["DEL", "a", "b"], 0, 0);
    await step(["RENAME", "c", "d"], 0, 0);
    await step(["EXPIRE", "d", "100"], 0, 0);
    await step(["RANDOMKEY"], 0, 0);
    // keymiss fires for counted misses, except OBJECT's (LOOKUP_NONOTIFY).
    assert.deepEqual(events, [
      "__keyevent@0__:keymiss b",
      "__keyevent@0__:keymiss b",
      "__keyevent@0__:keymiss b",
      "__keyevent@0__:keymiss b",
      "__keyevent@0__:keymiss b",
    ]);
  });
});

Deno.test("WATCH across FLUSHDB / FLUSHALL / SWAPDB touches only affected keys", async () => {
  await withClient({}, async (r, srv) => {
    srv.activeExpire = false;
    const execAfter = async (watch: string, action: string[][]): Promise<string> => {
      assert.equal(await r.call("WATCH", watch), "+OK\r\n");
      for (const a of action) await r.call(...a);
      assert.equal(await r.call("MULTI"), "+OK\r\n");
      assert.equal(await r.call("PING"), "+QUEUED\r\n");
      return await r.call("EXEC");
    };
    const other = await RawClient.connect(srv.port);
    try {
      const ok = "*1\r\n+PONG\r\n";
      // A watched key that does not exist is not touched by a flush.
      await r.call("DEL", "x");
      assert.equal(await execAfter("x", [["FLUSHALL"]]), ok);
      assert.equal(await execAfter("x", [["FLUSHDB"]]), ok);
      // One that exists is.
      await r.call("SET", "x", "1");
      assert.equal(await execAfter("x", [["FLUSHDB"]]), "*-1\r\n");
      await r.call("SET", "x", "1");
      assert.equal(await execAfter("x", [["FLUSHALL"]]), "*-1\r\n");
      // A flush of another db leaves it alone.
      await r.call("SET", "x", "1");
      await other.call("SELECT", "9");
      assert.equal(await r.call("WATCH", "x"), "+OK\r\n");
      await other.call("FLUSHDB");
      await r.call("MULTI");
      await r.call("PING");
      assert.equal(await r.call("EXEC"), ok);
      // A stale (expired, not reclaimed) watched key is not "changed" by a flush.
      await r.call("SET", "x", "1");
      await r.call("PEXPIRE", "x", "1");
      srv.fastForward(5);
      assert.equal(await execAfter("x", [["FLUSHDB"]]), ok);
      // SWAPDB: touched when the key exists on either side.
      await r.call("FLUSHALL");
      await other.call("SET", "y", "1");
      assert.equal(await execAfter("y", [["SWAPDB", "0", "9"]]), "*-1\r\n");
      assert.equal(await execAfter("nope", [["SWAPDB", "0", "9"]]), ok);
      // A missing key replaced by a stale one is not a change.
      await other.call("SET", "z", "1");
      await other.call("PEXPIRE", "z", "1");
      srv.fastForward(5);
      assert.equal(await execAfter("z", [["SWAPDB", "0", "9"]]), ok);
    } finally {
      other.close();
    }
  });
});

Deno.test("SWAPDB serves clients blocked on keys that now hold data", async () => {
  await withClient({}, async (r, srv) => {
    const blocked = await RawClient.connect(srv.port);
    try {
      await blocked.send("BLPOP", "q", "5");
      await waitBlocked(srv, 1);
      srv.db(1).set("q", RedisList.from([binaryToBytes("item")]));
      assert.equal(await r.call("SWAPDB", "0", "1"), "+OK\r\n");
      assert.equal(await blocked.readRaw(), "*2\r\n$1\r\nq\r\n$4\r\nitem\r\n");
    } finally {
      blocked.close();
    }
  });
});

Deno.test("CLIENT NO-TOUCH keeps access times except for TOUCH", async () => {
  await withClient({}, async (r, srv) => {
    const db = srv.db();
    await r.call("SET", "k", "v");
    const c = [...srv.server.clients.values()][0];
    c.noTouch = true;
    db.peek("k")!.lru = 1000;
    await r.call("COPY", "k", "k2");
    await r.call("EXPIRE", "k", "100");
    assert.equal(db.peek("k")!.lru, 1000);
    await r.call("TOUCH", "k");
    assert.notEqual(db.peek("k")!.lru, 1000);
  });
});

// ---------------------------------------------------------------------------
// Against valkey-server (Redis 7.2 behaviour) when installed.

Deno.test({
  name: "command table rows match valkey-server's COMMAND INFO",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (vk) => {
      // Valkey took "Redis" out of SWAPDB's summary (tests/command_table_test.ts has the rest).
      await expectReferenceRowsMatch(vk, keyspaceCommands, {
        summaries: REFERENCE_IS_VALKEY ? { swapdb: "Swaps two databases." } : {},
      });
    });
  },
});

/**
 * Command sequences run on both servers; every reply must match byte for byte
 * ("sorted" compares a multi-bulk as a set, for KEYS whose order is unspecified, and a SCAN
 * reply as its cursor and a set of keys: valkey's order depends on its random hash seed).
 */
const SEQUENCES: (string | number)[][][] = [
  [
    ["SET", "a", "1"],
    ["APPEND", "a", "2"],
    ["OBJECT", "ENCODING", "a"],
    ["COPY", "a", "b"],
    ["OBJECT", "ENCODING", "b"],
    ["RENAME", "b", "c"],
    ["OBJECT", "ENCODING", "c"],
    ["OBJECT", "REFCOUNT", "c"],
    ["INCR", "n"],
    ["OBJECT", "REFCOUNT", "n"],
    ["OBJECT", "ENCODING", "n"],
    ["SET", "e", "x".repeat(44)],
    ["OBJECT", "ENCODING", "e"],
    ["SET", "r", "x".repeat(45)],
    ["OBJECT", "ENCODING", "r"],
    ["COPY", "r", "r2"],
    ["OBJECT", "ENCODING", "r2"],
    ["SET", "big", "10000"],
    ["OBJECT", "REFCOUNT", "big"],
  ],
  [
    ["RPUSH", "l", "a", "b", "c"],
    ["COPY", "l", "l2"],
    ["OBJECT", "ENCODING", "l2"],
    ["RPUSH", "l", "d"],
    ["LRANGE", "l2", "0", "-1"],
    ["TYPE", "l2"],
    ["RENAME", "l2", "l3"],
    ["EXPIRE", "l3", "100"],
    ["MOVE", "l3", "1"],
    ["SELECT", "1"],
    ["TTL", "l3"],
    ["LRANGE", "l3", "0", "-1"],
    ["OBJECT", "ENCODING", "l3"],
    ["COPY", "l3", "l", "DB", "0"],
    ["COPY", "l3", "l", "DB", "0", "REPLACE"],
    ["SELECT", "0"],
    ["LRANGE", "l", "0", "-1"],
    ["TTL", "l"],
    ["SCAN", "0", "TYPE", "list"],
    ["TYPE", "l"],
  ],
  [
    ["CONFIG", "SET", "list-max-listpack-size", "4"],
    ["RPUSH", "q", "1", "2", "3", "4", "5"],
    ["OBJECT", "ENCODING", "q"],
    ["COPY", "q", "q2"],
    ["OBJECT", "ENCODING", "q2"],
    ["LPOP", "q", "3"],
    ["LRANGE", "q2", "0", "-1"],
    ["CONFIG", "SET", "list-max-listpack-size", "-2"],
  ],
  [
    ["HSET", "h", "f", "v", "g", "w"],
    ["COPY", "h", "h2"],
    ["OBJECT", "ENCODING", "h2"],
    ["HSET", "h", "x", "y"],
    ["HLEN", "h2"],
    ["HGET", "h2", "g"],
    ["TYPE", "h2"],
    ["RENAME", "h2", "h3"],
    ["HLEN", "h3"],
    ["SCAN", "sorted", "0", "TYPE", "HASH", "COUNT", "100"],
  ],
  [
    ["SADD", "s", "1", "2", "3"],
    ["OBJECT", "ENCODING", "s"],
    ["COPY", "s", "s2"],
    ["OBJECT", "ENCODING", "s2"],
    ["SADD", "s", "x"],
    ["OBJECT", "ENCODING", "s"],
    ["OBJECT", "ENCODING", "s2"],
    ["SCARD", "s2"],
    ["SISMEMBER", "s2", "x"],
    ["TYPE", "s2"],
  ],
  [
    ["ZADD", "z", "1", "a", "2", "b"],
    ["COPY", "z", "z2"],
    ["OBJECT", "ENCODING", "z2"],
    ["ZADD", "z", "3", "c"],
    ["ZRANGE", "z2", "0", "-1", "WITHSCORES"],
    ["TYPE", "z2"],
    ["MOVE", "z2", "2"],
    ["SELECT", "2"],
    ["ZCARD", "z2"],
    ["OBJECT", "ENCODING", "z2"],
  ],
  [
    ["SET", "a", "1"],
    ["EXISTS", "a", "a", "b"],
    ["TYPE", "a"],
    ["TYPE", "b"],
    ["DBSIZE"],
    ["DEL", "a", "a", "b"],
    ["UNLINK", "a"],
    ["DBSIZE"],
    ["RANDOMKEY"],
  ],
  [
    ["SELECT", "x"],
    ["SELECT", "-1"],
    ["SELECT", "16"],
    ["SELECT", "2147483648"],
    ["SELECT", "1"],
    ["SET", "k", "v"],
    ["SWAPDB", "1", "2"],
    ["DBSIZE"],
    ["SELECT", "2"],
    ["GET", "k"],
    ["SWAPDB", "a", "b"],
    ["SWAPDB", "0", "b"],
    ["SWAPDB", "0", "100"],
    ["SWAPDB", "2", "2"],
    ["MOVE", "k", "2"],
    ["MOVE", "k", "3"],
    ["MOVE", "k", "3"],
    ["MOVE", "nokey", "3"],
    ["MOVE", "k", "-1"],
    ["MOVE", "k", "x"],
    ["SELECT", "3"],
    ["GET", "k"],
  ],
  [
    ["RENAME", "x", "y"],
    ["RENAMENX", "x", "y"],
    ["SET", "x", "1"],
    ["RENAME", "x", "x"],
    ["RENAMENX", "x", "x"],
    ["EXPIRE", "x", "1000"],
    ["RENAME", "x", "y"],
    ["TTL", "y"],
    ["SET", "z", "2"],
    ["RENAMENX", "y", "z"],
    ["RENAME", "y", "z"],
    ["TTL", "z"],
    ["GET", "z"],
  ],
  [
    ["COPY", "a", "b"],
    ["SET", "a", "hello"],
    ["COPY", "a", "a"],
    ["COPY", "a", "b"],
    ["COPY", "a", "b"],
    ["COPY", "a", "b", "REPLACE"],
    ["COPY", "a", "b", "DB"],
    ["COPY", "a", "b", "DB", "1", "REPLACE", "EXTRA"],
    ["COPY", "a", "b", "DB", "1"],
    ["COPY", "a", "b", "DB", "99"],
    ["COPY", "a", "a", "DB", "1"],
    ["SELECT", "1"],
    ["GET", "b"],
  ],
  [
    ["FLUSHDB", "x"],
    ["FLUSHALL", "ASYNC", "x"],
    ["SET", "a", "1"],
    ["FLUSHDB", "SYNC"],
    ["DBSIZE"],
    ["SET", "a", "1"],
    ["FLUSHALL", "async"],
    ["DBSIZE"],
  ],
  [
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100", "NX", "XX"],
    ["EXPIRE", "k", "100", "GT", "LT"],
    ["EXPIRE", "k", "100", "NX", "GT"],
    ["EXPIRE", "k", "100", "XX", "LT"],
    ["EXPIRE", "k", "x", "bogus"],
    ["EXPIRE", "k", "x"],
    ["EXPIRE", "k", "100", "XX"],
    ["EXPIRE", "k", "100", "GT"],
    ["EXPIRE", "k", "100", "LT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "200", "NX"],
    ["EXPIRE", "k", "200", "XX"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100", "GT"],
    ["EXPIRE", "k", "300", "GT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "400", "LT"],
    ["EXPIRE", "k", "50", "LT"],
    ["TTL", "k"],
    ["PERSIST", "k"],
    ["PERSIST", "k"],
    ["TTL", "k"],
    ["PERSIST", "nokey"],
    ["TTL", "nokey"],
    ["EXPIRE", "nokey", "10"],
    ["EXPIRETIME", "k"],
    ["PEXPIRETIME", "nokey"],
    ["EXPIREAT", "k", "33177117420"],
    ["EXPIRETIME", "k"],
    ["PEXPIRETIME", "k"],
    ["PEXPIREAT", "k", "33177117420123"],
    ["PEXPIRETIME", "k"],
    ["EXPIRETIME", "k"],
    ["EXPIRE", "k", "9223370399119966"],
    ["EXPIRE", "k", "9223372036854776"],
    ["EXPIRE", "k", "-9223372036854776"],
    ["PEXPIRE", "k", "9223372036854770000"],
    ["EXPIREAT", "k", "9223372036854776"],
    ["PEXPIREAT", "k", "9223372036854770000"],
    ["PEXPIREAT", "k", "-9223372036854770000"],
    ["TTL", "k"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "-1"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["EXPIREAT", "k", "1"],
    ["GET", "k"],
    ["SET", "k", "v"],
    ["PEXPIRE", "k", "0", "NX"],
    ["EXISTS", "k"],
    ["SET", "k", "v"],
    ["EXPIRE", "k", "100", "LT"],
    ["TTL", "k"],
    ["EXPIRE", "k", "100"],
    ["PEXPIRE", "k", "-5", "GT"],
    ["PEXPIRE", "k", "-5", "LT"],
    ["EXISTS", "k"],
  ],
  [
    ["SET", "i", "12"],
    ["SET", "s", "short"],
    ["SET", "big", "9223372036854775808"],
    ["SET", "neg", "-123"],
    ["OBJECT", "ENCODING", "i"],
    ["OBJECT", "ENCODING", "s"],
    ["OBJECT", "ENCODING", "big"],
    ["OBJECT", "ENCODING", "neg"],
    ["OBJECT", "ENCODING", "none"],
    ["OBJECT", "REFCOUNT", "i"],
    ["OBJECT", "REFCOUNT", "neg"],
    ["OBJECT", "FREQ", "i"],
    ["OBJECT", "IDLETIME", "none"],
    ["OBJECT", "FOO"],
    ["OBJECT", "ENCODING"],
    ["OBJECT", "HELP", "x"],
    ["OBJECT", "help"],
    ["OBJECT"],
  ],
  [
    ["SET", "hello", "1"],
    ["SET", "hallo", "1"],
    ["SET", "h[a]llo", "1"],
    ["SET", "", "1"],
    ["SET", "x-y", "1"],
    ["KEYS", "sorted", "h?llo"],
    ["KEYS", "sorted", "h[a-e]llo"],
    ["KEYS", "sorted", "h\\[a]llo"],
    ["KEYS", "sorted", "*"],
    ["KEYS", "sorted", ""],
    ["KEYS", "sorted", "[x]-*"],
    ["KEYS", "sorted", "h[^a]llo"],
    ["KEYS", "sorted", "hello"],
    ["KEYS", "sorted", "*o"],
    ["KEYS", "sorted", "[h"],
    ["EXISTS", ""],
    ["TYPE", ""],
  ],
  [
    ["SCAN", "x"],
    ["SCAN", "0", "COUNT", "0"],
    ["SCAN", "0", "COUNT", "x"],
    ["SCAN", "0", "MATCH"],
    ["SCAN", "0", "foo", "bar"],
    ["SCAN", "0"],
    ["SET", "k", "v"],
    ["SCAN", "0", "TYPE", "string"],
    ["SCAN", "0", "TYPE", "hash"],
    ["SCAN", "0", "MATCH", "k", "COUNT", "100"],
    ["TOUCH", "k", "k", "x"],
    ["TOUCH"],
  ],
];

Deno.test({
  name: "differential: command sequences against valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReference(async (vport) => {
      await withServer({}, async (srv) => {
        for (const seq of SEQUENCES) {
          const ours = await RawClient.connect(srv.port);
          const theirs = await RawClient.connect(vport);
          try {
            for (const c of [ours, theirs]) {
              await c.call("FLUSHALL");
              await c.call("SELECT", "0");
            }
            for (const cmd of seq) {
              const sorted = cmd[1] === "sorted";
              const args = sorted ? [cmd[0], ...cmd.slice(2)] : cmd;
              if (sorted) {
                await ours.send(...args);
                await theirs.send(...args);
                const unordered = (r: RespReply) =>
                  args[0] === "SCAN"
                    ? [
                      simplify((r as { v: RespReply[] }).v[0]),
                      sortedKeys((r as { v: RespReply[] }).v[1]),
                    ]
                    : sortedKeys(r);
                assert.deepEqual(
                  unordered(await ours.read()),
                  unordered(await theirs.read()),
                  args.join(" "),
                );
              } else {
                assert.equal(await ours.call(...args), await theirs.call(...args), args.join(" "));
              }
            }
          } finally {
            ours.close();
            theirs.close();
          }
        }
      });
    });
  },
});

Deno.test({
  name: "differential: KEYS glob patterns against valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, theirs) => {
      for (const c of [ours, theirs]) {
        for (const k of GLOB_KEYS) {
          assert.equal(await c.call("SET", binaryToBytes(k), "v"), "+OK\r\n");
        }
      }
      const patterns = [
        ...GLOB_CASES.map(([p]) => p),
        "*[",
        "[^",
        "\\",
        "h[a-\\]llo",
        "[\\]-]",
        "[!-/]",
        "*l*l*o",
        "?*?",
        "[z-a]*",
        "\xff?",
        "[\x80-\xff]*",
        "[a-\xff]*",
        "h*[",
        "*]",
      ];
      for (const p of patterns) {
        await ours.send("KEYS", binaryToBytes(p));
        await theirs.send("KEYS", binaryToBytes(p));
        assert.deepEqual(sortedKeys(await ours.read()), sortedKeys(await theirs.read()), p);
      }
    });
  },
});
