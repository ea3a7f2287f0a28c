/**
 * The string commands, DEL/EXISTS and the hot collection writes (LPUSH, RPUSH,
 * LPOP, RPOP, SADD, SPOP, HSET, ZADD) look keys up by the request's bytes and
 * build a key string only when WATCH, blocked clients, tracking or keyspace
 * events need one. Binary keys (NUL, bytes above 127, a key longer than 255
 * bytes, whose record length takes the long form) must round-trip exactly
 * through that path, and each consumer of key names must still see the key.
 */

import assert from "node:assert/strict";
import { Keyspace } from "../src/store/keyspace.ts";
import { bytesToBinary } from "../src/util/bytes.ts";
import {
  arr,
  bulk,
  captureNotifications,
  int,
  RawClient,
  waitBlocked,
  withServer,
} from "./helpers.ts";

const KEYS = ["\x00k\xff", "\x80\xfe\x01", "k".repeat(300) + "\xe9", ""];

/** A binary string (one char per byte) as the bytes to send. */
function b(s: string): Uint8Array {
  return Uint8Array.from(s, (ch) => ch.charCodeAt(0));
}

/** A bulk reply of a binary string, as RawClient's latin1 reply reads it. */
const bbulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;

const WRONG = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

Deno.test("keybytes: binary keys round-trip through the bytes-keyed commands", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      for (const k of KEYS) {
        const key = b(k);
        assert.equal(await c.call("SET", key, "v1"), "+OK\r\n");
        assert.equal(await c.call("GET", key), bulk("v1"));
        assert.equal(await c.call("SETNX", key, "v2"), int(0));
        assert.equal(await c.call("SET", key, "v3", "XX", "GET"), bulk("v1"));
        assert.equal(await c.call("APPEND", key, "abc"), int(5));
        assert.equal(await c.call("STRLEN", key), int(5));
        assert.equal(await c.call("GETSET", key, "10"), bulk("v3abc"));
        assert.equal(await c.call("INCR", key), int(11));
        assert.equal(await c.call("INCRBY", key, "5"), int(16));
        assert.equal(await c.call("DECR", key), int(15));
        assert.equal(await c.call("DECRBY", key, "20"), int(-5));
        assert.equal(await c.call("EXISTS", key, key, "nosuch"), int(2));
        assert.equal(await c.call("KEYS", "*"), arr([bbulk(k)]));
        assert.equal(await c.call("DEL", key, key), int(1));
        assert.equal(await c.call("GET", key), "$-1\r\n");
        assert.equal(await c.call("MSET", key, "a", "other", "b"), "+OK\r\n");
        assert.equal(
          await c.call("MGET", key, "other", "nosuch"),
          arr([bulk("a"), bulk("b"), "$-1\r\n"]),
        );
        assert.equal(await c.call("MSETNX", key, "x", "third", "y"), int(0));
        assert.equal(await c.call("DEL", key, "other"), int(2));
        assert.equal(await c.call("SET", key, "v", "PX", "100"), "+OK\r\n");
        srv.fastForward(200);
        assert.equal(await c.call("EXISTS", key), int(0));
        assert.equal(await c.call("DBSIZE"), int(0));
      }
    } finally {
      c.close();
    }
  });
});

Deno.test("keybytes: WATCH sees every write made through a key's bytes", async () => {
  await withServer({}, async (srv) => {
    const w = await RawClient.connect(srv.port);
    const o = await RawClient.connect(srv.port);
    try {
      const k = KEYS[2];
      const writes: (string | Uint8Array)[][] = [
        ["SET", b(k), "1"],
        ["INCR", b(k)],
        ["APPEND", b(k), "x"],
        ["MSET", "a", "1", b(k), "2"],
        ["GETSET", b(k), "3"],
        ["DEL", b(k)],
        ["SETNX", b(k), "4"],
      ];
      for (const cmd of writes) {
        assert.equal(await w.call("WATCH", b(k)), "+OK\r\n");
        await o.call(...cmd);
        assert.equal(await w.call("MULTI"), "+OK\r\n");
        assert.equal(await w.call("PING"), "+QUEUED\r\n");
        assert.equal(await w.call("EXEC"), "*-1\r\n", `${cmd[0]} must touch the WATCHed key`);
      }
      // A write to another key leaves the transaction alone.
      assert.equal(await w.call("WATCH", b(k)), "+OK\r\n");
      await o.call("SET", b(k + "2"), "1");
      assert.equal(await w.call("MULTI"), "+OK\r\n");
      assert.equal(await w.call("PING"), "+QUEUED\r\n");
      assert.equal(await w.call("EXEC"), arr(["+PONG\r\n"]));
    } finally {
      w.close();
      o.close();
    }
  });
});

Deno.test("keybytes: keyspace events and tracking invalidations carry the key's bytes", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    const t = await RawClient.connect(srv.port);
    try {
      const events = captureNotifications(srv, "KEAnm");
      const k = KEYS[0];
      await c.call("INCR", b(k));
      await c.call("GET", b("nosuch\xff"));
      await c.call("DEL", b(k));
      assert.deepEqual(events, [
        `__keyspace@0__:${k} new`,
        `__keyevent@0__:new ${k}`,
        `__keyspace@0__:${k} incrby`,
        `__keyevent@0__:incrby ${k}`,
        `__keyspace@0__:nosuch\xff keymiss`,
        `__keyevent@0__:keymiss nosuch\xff`,
        `__keyspace@0__:${k} del`,
        `__keyevent@0__:del ${k}`,
      ]);
      srv.server.config.set("notify-keyspace-events", "");

      assert.ok((await t.call("HELLO", "3")).startsWith("%"));
      assert.equal(await t.call("CLIENT", "TRACKING", "ON"), "+OK\r\n");
      await c.call("SET", b(k), "1");
      assert.equal(await t.call("GET", b(k)), bulk("1"));
      await c.call("MSET", "x", "1", b(k), "2");
      // Sent at MSET, so it arrives before the PONG (which it would not if it were missing).
      await t.send("PING");
      assert.equal(await t.readRaw(), `>2\r\n${bulk("invalidate")}*1\r\n${bbulk(k)}`);
      assert.equal(await t.readRaw(), "+PONG\r\n");
    } finally {
      c.close();
      t.close();
    }
  });
});

Deno.test("keybytes: setAt writes a same-length value over the record only while no one holds value views", () => {
  const ks = new Keyspace(1, { onExpire: () => {}, isReplica: () => false });
  const db = ks.dbs[0];
  const id = db.setBytes(b("k"), b("one"));
  const first = db.valueAt(id) as Uint8Array;
  // A snapshot holds views: the old value stays intact, the key gets a new record.
  ks.valuesHeld = 1;
  db.setAt(id, b("two"));
  assert.equal(bytesToBinary(first), "one");
  assert.equal(bytesToBinary(db.valueAt(id) as Uint8Array), "two");
  ks.valuesHeld = 0;
  const second = db.valueAt(id) as Uint8Array;
  db.setAt(id, b("333"));
  assert.equal(bytesToBinary(second), "333", "written in place");
  // Another length takes a new record.
  db.setAt(id, b("four"));
  assert.equal(bytesToBinary(second), "333");
  assert.equal(bytesToBinary(db.get("k") as Uint8Array), "four");
  assert.equal(db.lookupId(b("k")), id);
  assert.equal(db.bytes, db.recomputeBytes());
});

Deno.test("keybytes: the collection writes by key bytes keep binary keys, sizes, WATCH, events and BLPOP wake-ups", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    const w = await RawClient.connect(srv.port);
    const db = srv.server.keyspace.dbs[0];
    try {
      // Round trips, emptied keys deleted, WRONGTYPE, and the sizes re-counted in place.
      for (const k of KEYS) {
        const key = b(k);
        assert.equal(await c.call("LPUSH", key, "a", "b"), int(2));
        assert.equal(await c.call("RPUSH", key, "c"), int(3));
        assert.equal(await c.call("RPUSHX", key, "d"), int(4));
        assert.equal(db.bytes, db.recomputeBytes());
        assert.equal(await c.call("LPOP", key), bulk("b"));
        assert.equal(await c.call("RPOP", key, "2"), arr([bulk("d"), bulk("c")]));
        assert.equal(db.bytes, db.recomputeBytes());
        assert.equal(await c.call("LPOP", key, "5"), arr([bulk("a")]));
        assert.equal(await c.call("EXISTS", key), int(0));
        assert.equal(await c.call("RPOP", key), "$-1\r\n");
        assert.equal(await c.call("LPUSHX", key, "x"), int(0));
        assert.equal(await c.call("SADD", key, "m1", "m2", "m1"), int(2));
        assert.equal(await c.call("SCARD", key), int(2));
        assert.equal(db.bytes, db.recomputeBytes());
        const popped = [await c.call("SPOP", key), await c.call("SPOP", key)].sort();
        assert.deepEqual(popped, [bulk("m1"), bulk("m2")]);
        assert.equal(await c.call("EXISTS", key), int(0));
        assert.equal(await c.call("HSET", key, "f", "v", "g", "w"), int(2));
        assert.equal(await c.call("HMSET", key, "f", "v2"), "+OK\r\n");
        assert.equal(await c.call("HGET", key, "f"), bulk("v2"));
        assert.equal(db.bytes, db.recomputeBytes());
        assert.equal(await c.call("LPUSH", key, "x"), WRONG);
        assert.equal(await c.call("LPOP", key), WRONG);
        assert.equal(await c.call("SADD", key, "x"), WRONG);
        assert.equal(await c.call("SPOP", key), WRONG);
        assert.equal(await c.call("ZADD", key, "1", "x"), WRONG);
        assert.equal(await c.call("DEL", key), int(1));
        assert.equal(await c.call("ZADD", key, "XX", "1", "x"), int(0));
        assert.equal(await c.call("EXISTS", key), int(0));
        assert.equal(await c.call("ZADD", key, "1", "x", "2", "y"), int(2));
        assert.equal(await c.call("ZADD", key, "INCR", "5", "x"), bulk("6"));
        assert.equal(await c.call("ZSCORE", key, "x"), bulk("6"));
        assert.equal(await c.call("HSET", key, "f", "v"), WRONG);
        assert.equal(db.bytes, db.recomputeBytes());
        assert.equal(await c.call("DEL", key), int(1));
        assert.equal(await c.call("DBSIZE"), int(0));
      }

      // WATCH sees each of them, including a key's creation and its deletion when emptied.
      const k = KEYS[2];
      await c.call("RPUSH", b(k + "L"), "1");
      await c.call("SADD", b(k + "S"), "1");
      const writes: (string | Uint8Array)[][] = [
        ["LPUSH", b(k), "1"],
        ["RPUSH", b(k), "2"],
        ["RPOP", b(k)],
        ["LPOP", b(k)],
        ["SADD", b(k), "1"],
        ["SPOP", b(k)],
        ["HSET", b(k), "f", "v"],
        ["DEL", b(k)],
        ["ZADD", b(k), "1", "m"],
      ];
      for (const cmd of writes) {
        assert.equal(await w.call("WATCH", b(k)), "+OK\r\n");
        await c.call(...cmd);
        assert.equal(await w.call("MULTI"), "+OK\r\n");
        assert.equal(await w.call("PING"), "+QUEUED\r\n");
        assert.equal(await w.call("EXEC"), "*-1\r\n", `${cmd[0]} must touch the WATCHed key`);
      }
      assert.equal(await c.call("DEL", b(k)), int(1));

      // Keyspace events carry the key's bytes.
      const events = captureNotifications(srv, "KElsz");
      await c.call("LPUSH", b(k), "1");
      await c.call("LPOP", b(k));
      await c.call("ZADD", b(k), "1", "m");
      assert.deepEqual(events, [
        `__keyspace@0__:${k} lpush`,
        `__keyevent@0__:lpush ${k}`,
        `__keyspace@0__:${k} lpop`,
        `__keyevent@0__:lpop ${k}`,
        `__keyspace@0__:${k} zadd`,
        `__keyevent@0__:zadd ${k}`,
      ]);
      srv.server.config.set("notify-keyspace-events", "");

      // A client blocked on the key is woken when a push creates it.
      for (const push of ["LPUSH", "RPUSH"]) {
        const q = b(k + "Q");
        await w.send("BLPOP", q, "0");
        await waitBlocked(srv, 1);
        assert.equal(await c.call(push, q, "v"), int(1));
        assert.equal(await w.readRaw(), arr([bbulk(k + "Q"), bulk("v")]));
        assert.equal(await c.call("EXISTS", q), int(0));
      }
    } finally {
      c.close();
      w.close();
    }
  });
});
