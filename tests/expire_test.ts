// Expiry: EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, TTL/PTTL/
// EXPIRETIME/PEXPIRETIME/PERSIST, propagation as PEXPIREAT or DEL/UNLINK,
// keyspace events, lazy expiry on access, active expiry by the cron and
// turning it off. Expected texts follow Redis 7.2's expire.c.

import assert from "node:assert/strict";
import {
  binaryToBytes,
  captureNotifications,
  capturePropagation,
  expectReplies,
  RawClient,
  sleep,
  waitUntil,
  withClient,
} from "./helpers.ts";
import type { RunningServer } from "../mod.ts";
import { Keyspace } from "../src/store/keyspace.ts";

/** DEBUG SET-ACTIVE-EXPIRE needs the protected DEBUG command enabled. */
const DEBUG = { "enable-debug-command": "yes" };

/** Integer value of a ":n\r\n" reply. */
function int(raw: string): number {
  assert.equal(raw[0], ":", raw);
  return Number(raw.slice(1, -2));
}

/** Turns active expiry on or off through DEBUG SET-ACTIVE-EXPIRE. */
async function setActiveExpire(r: RawClient, srv: RunningServer, on: boolean): Promise<void> {
  assert.equal(await r.call("DEBUG", "SET-ACTIVE-EXPIRE", on ? "1" : "0"), "+OK\r\n");
  assert.equal(srv.server.activeExpireEnabled, on);
}

// ---------------------------------------------------------------------------

Deno.test("EXPIRE family: option and argument errors", async () => {
  await withClient(DEBUG, async (r) => {
    await expectReplies(r, [
      [["SET", "k", "v"], "+OK\r\n"],
      [["EXPIRE", "k"], "-ERR wrong number of arguments for 'expire' command\r\n"],
      [
        ["EXPIRE", "k", "10", "NX", "XX"],
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
      ],
      [
        ["EXPIRE", "k", "10", "nx", "gt"],
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
      ],
      [
        ["PEXPIRE", "k", "10", "LT", "NX"],
        "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n",
      ],
      [
        ["EXPIREAT", "k", "10", "GT", "LT"],
        "-ERR GT and LT options at the same time are not compatible\r\n",
      ],
      // Options are checked before the time argument.
      [
        ["PEXPIREAT", "k", "x", "GT", "LT"],
        "-ERR GT and LT options at the same time are not compatible\r\n",
      ],
      [["EXPIRE", "k", "x", "Bogus"], "-ERR Unsupported option Bogus\r\n"],
      [["EXPIRE", "k", "10", "XX", "xx", "bogus"], "-ERR Unsupported option bogus\r\n"],
      [["EXPIRE", "k", "x"], "-ERR value is not an integer or out of range\r\n"],
      [["EXPIRE", "k", "1.5"], "-ERR value is not an integer or out of range\r\n"],
      [["EXPIRE", "k", " 1"], "-ERR value is not an integer or out of range\r\n"],
      [["EXPIRE", "k", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
      // Overflow of the unit conversion or of the base time addition.
      [["EXPIRE", "k", "9223370399119966"], "-ERR invalid expire time in 'expire' command\r\n"],
      [["EXPIRE", "k", "9223372036854776"], "-ERR invalid expire time in 'expire' command\r\n"],
      [["EXPIRE", "k", "10000000000000000"], "-ERR invalid expire time in 'expire' command\r\n"],
      [["EXPIRE", "k", "-9223372036854776"], "-ERR invalid expire time in 'expire' command\r\n"],
      [["EXPIRE", "k", "-9999999999999999"], "-ERR invalid expire time in 'expire' command\r\n"],
      [
        ["PEXPIRE", "k", "9223372036854770000"],
        "-ERR invalid expire time in 'pexpire' command\r\n",
      ],
      [["EXPIREAT", "k", "9223372036854776"], "-ERR invalid expire time in 'expireat' command\r\n"],
      [["TTL", "k"], ":-1\r\n"],
      // Errors come before the key check.
      [["EXPIRE", "nokey", "x"], "-ERR value is not an integer or out of range\r\n"],
      [["EXPIRE", "nokey", "10"], ":0\r\n"],
      [["TTL"], "-ERR wrong number of arguments for 'ttl' command\r\n"],
      [["PERSIST", "a", "b"], "-ERR wrong number of arguments for 'persist' command\r\n"],
    ]);
  });
});

Deno.test("TTL, PTTL, EXPIRETIME, PEXPIRETIME: -2, -1, rounding and absolute times", async () => {
  await withClient(DEBUG, async (r) => {
    await expectReplies(r, [
      [["TTL", "nokey"], ":-2\r\n"],
      [["PTTL", "nokey"], ":-2\r\n"],
      [["EXPIRETIME", "nokey"], ":-2\r\n"],
      [["PEXPIRETIME", "nokey"], ":-2\r\n"],
      [["SET", "k", "v"], "+OK\r\n"],
      [["TTL", "k"], ":-1\r\n"],
      [["PTTL", "k"], ":-1\r\n"],
      [["EXPIRETIME", "k"], ":-1\r\n"],
      [["PEXPIRETIME", "k"], ":-1\r\n"],
      [["EXPIREAT", "k", "33177117420"], ":1\r\n"],
      [["EXPIRETIME", "k"], ":33177117420\r\n"],
      [["PEXPIRETIME", "k"], ":33177117420000\r\n"],
      [["PEXPIREAT", "k", "33177117420499"], ":1\r\n"],
      [["EXPIRETIME", "k"], ":33177117420\r\n"],
      [["PEXPIRETIME", "k"], ":33177117420499\r\n"],
      // Seconds are rounded to the nearest one, for EXPIRETIME as for TTL.
      [["PEXPIREAT", "k", "33177117420500"], ":1\r\n"],
      [["EXPIRETIME", "k"], ":33177117421\r\n"],
      [["EXPIRE", "k", "100"], ":1\r\n"],
      [["TTL", "k"], ":100\r\n"],
      [["PEXPIRE", "k", "100400"], ":1\r\n"],
      [["TTL", "k"], ":100\r\n"],
      [["PEXPIRE", "k", "100600"], ":1\r\n"],
      [["TTL", "k"], ":101\r\n"],
    ]);
    const pttl = int(await r.call("PTTL", "k"));
    assert.ok(pttl <= 100600 && pttl > 100000, String(pttl));
    const before = Date.now();
    await r.call("EXPIRE", "k", "50");
    const at = int(await r.call("PEXPIRETIME", "k"));
    assert.ok(at >= before + 50000 && at <= Date.now() + 50000, String(at));
    assert.equal(int(await r.call("EXPIRETIME", "k")), Math.floor((at + 500) / 1000));
    // A huge absolute time is accepted.
    assert.equal(await r.call("PEXPIREAT", "k", "9223372036854770000"), ":1\r\n");
    assert.ok(int(await r.call("TTL", "k")) > 9e15);
    // A huge negative one deletes the key.
    assert.equal(await r.call("PEXPIREAT", "k", "-9223372036854770000"), ":1\r\n");
    assert.equal(await r.call("TTL", "k"), ":-2\r\n");
  });
});

Deno.test("NX / XX / GT / LT conditions", async () => {
  await withClient(DEBUG, async (r) => {
    const far = 33177117420;
    await expectReplies(r, [
      [["SET", "k", "v"], "+OK\r\n"],
      // No TTL: NX passes, XX fails, GT fails (no TTL is infinite), LT passes.
      [["EXPIREAT", "k", far, "XX"], ":0\r\n"],
      [["EXPIREAT", "k", far, "GT"], ":0\r\n"],
      [["TTL", "k"], ":-1\r\n"],
      [["EXPIREAT", "k", far, "LT"], ":1\r\n"],
      [["PERSIST", "k"], ":1\r\n"],
      [["EXPIREAT", "k", far, "NX"], ":1\r\n"],
      [["EXPIREAT", "k", far + 10, "NX"], ":0\r\n"],
      [["EXPIRETIME", "k"], `:${far}\r\n`],
      [["EXPIREAT", "k", far + 10, "XX"], ":1\r\n"],
      [["EXPIREAT", "k", far + 10, "GT"], ":0\r\n"],
      [["EXPIREAT", "k", far + 20, "GT"], ":1\r\n"],
      [["EXPIREAT", "k", far + 20, "LT"], ":0\r\n"],
      [["EXPIREAT", "k", far + 5, "lt"], ":1\r\n"],
      [["EXPIREAT", "k", far + 6, "xx", "gt"], ":1\r\n"],
      [["EXPIREAT", "k", far + 7, "XX", "LT"], ":0\r\n"],
      [["EXPIRETIME", "k"], `:${far + 6}\r\n`],
      // Conditions are checked before a past time deletes the key.
      [["EXPIRE", "k", "-1", "GT"], ":0\r\n"],
      [["EXISTS", "k"], ":1\r\n"],
      [["EXPIRE", "k", "-1", "LT"], ":1\r\n"],
      [["EXISTS", "k"], ":0\r\n"],
      [["EXPIRE", "k", "10", "NX"], ":0\r\n"],
    ]);
  });
});

Deno.test("PERSIST and the persist event", async () => {
  await withClient(DEBUG, async (r, srv) => {
    const events = captureNotifications(srv, "KEA");
    await expectReplies(r, [
      [["PERSIST", "nokey"], ":0\r\n"],
      [["SET", "k", "v"], "+OK\r\n"],
      [["PERSIST", "k"], ":0\r\n"],
      [["EXPIRE", "k", "100"], ":1\r\n"],
      [["PERSIST", "k"], ":1\r\n"],
      [["TTL", "k"], ":-1\r\n"],
      [["PERSIST", "k"], ":0\r\n"],
    ]);
    assert.deepEqual(events.filter((e) => !e.includes("set")), [
      "__keyspace@0__:k expire",
      "__keyevent@0__:expire k",
      "__keyspace@0__:k persist",
      "__keyevent@0__:persist k",
    ]);
  });
});

Deno.test("propagation: PEXPIREAT with the absolute time, DEL or UNLINK for a past time", async () => {
  await withClient(DEBUG, async (r, srv) => {
    const log = capturePropagation(srv, true);
    await r.call("SET", "k", "v");
    const t0 = Date.now();
    await r.call("EXPIRE", "k", "100");
    await r.call("PEXPIRE", "k", "200000", "GT");
    await r.call("EXPIREAT", "k", "33177117420");
    await r.call("PEXPIREAT", "k", "33177117420123");
    const t1 = Date.now();
    // A condition that fails changes nothing: nothing is propagated.
    await r.call("EXPIRE", "k", "1", "GT");
    await r.call("EXPIRE", "nokey", "100");
    await r.call("EXPIRE", "k", "0");
    srv.server.config.set("lazyfree-lazy-expire", "yes");
    await r.call("SET", "k2", "v");
    await r.call("PEXPIREAT", "k2", "1");
    assert.equal(log[0], "0 SET k v");
    const [, cmd1, key1, at1] = log[1].split(" ");
    assert.equal(cmd1 + " " + key1, "PEXPIREAT k");
    assert.ok(+at1 >= t0 + 100000 && +at1 <= t1 + 100000, at1);
    const [, cmd2, key2, at2, opt2] = log[2].split(" ");
    assert.equal(`${cmd2} ${key2} ${opt2}`, "PEXPIREAT k GT");
    assert.ok(+at2 >= t0 + 200000 && +at2 <= t1 + 200000, at2);
    assert.deepEqual(log.slice(3), [
      "0 PEXPIREAT k 33177117420000",
      "0 PEXPIREAT k 33177117420123",
      "0 DEL k",
      "0 SET k2 v",
      "0 UNLINK k2",
    ]);
    // Inside MULTI the rewritten form is what goes out, wrapped in MULTI/EXEC.
    log.length = 0;
    await r.call("SET", "m", "v");
    await r.call("MULTI");
    await r.call("EXPIREAT", "m", "33177117420");
    await r.call("PERSIST", "m");
    assert.equal(await r.call("EXEC"), "*2\r\n:1\r\n:1\r\n");
    assert.deepEqual(log, [
      "0 SET m v",
      "0 MULTI",
      "0 PEXPIREAT m 33177117420000",
      "0 PERSIST m",
      "0 EXEC",
    ]);
  });
});

Deno.test("events: expire, del for a past time, expired on lazy expiry", async () => {
  await withClient(DEBUG, async (r, srv) => {
    await setActiveExpire(r, srv, false);
    const events = captureNotifications(srv, "KEg$x");
    await r.call("SET", "a", "v");
    await r.call("EXPIRE", "a", "100");
    await r.call("EXPIRE", "a", "-100");
    await r.call("SET", "b", "v");
    await r.call("PEXPIRE", "b", "1");
    await sleep(5);
    assert.equal(await r.call("EXISTS", "b"), ":0\r\n");
    assert.deepEqual(events, [
      "__keyspace@0__:a set",
      "__keyevent@0__:set a",
      "__keyspace@0__:a expire",
      "__keyevent@0__:expire a",
      "__keyspace@0__:a del",
      "__keyevent@0__:del a",
      "__keyspace@0__:b set",
      "__keyevent@0__:set b",
      "__keyspace@0__:b expire",
      "__keyevent@0__:expire b",
      "__keyspace@0__:b expired",
      "__keyevent@0__:expired b",
    ]);
  });
});

Deno.test("lazy expiry: expired keys are invisible to every command and reclaimed on access", async () => {
  await withClient(DEBUG, async (r, srv) => {
    await setActiveExpire(r, srv, false);
    const log = capturePropagation(srv, true);
    const keys = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for (const k of keys) {
      await r.call("SET", k, "v");
      await r.call("PEXPIRE", k, "1");
    }
    await r.call("SET", "live", "v");
    await sleep(5);
    // Not reclaimed yet: DBSIZE counts them, as in Redis.
    assert.equal(await r.call("DBSIZE"), ":11\r\n");
    assert.equal(await r.call("KEYS", "*"), "*1\r\n$4\r\nlive\r\n");
    // KEYS hides without reclaiming.
    assert.equal(await r.call("DBSIZE"), ":11\r\n");
    const expired0 = srv.server.stats.expiredKeys;
    await expectReplies(r, [
      [["EXISTS", "a"], ":0\r\n"],
      [["TYPE", "b"], "+none\r\n"],
      [["TTL", "c"], ":-2\r\n"],
      [["PTTL", "d"], ":-2\r\n"],
      [["OBJECT", "ENCODING", "e"], "$-1\r\n"],
      [["RENAME", "f", "x"], "-ERR no such key\r\n"],
      [["COPY", "g", "x"], ":0\r\n"],
      [["MOVE", "h", "1"], ":0\r\n"],
      [["DEL", "i"], ":0\r\n"],
      [["EXPIRE", "j", "100"], ":0\r\n"],
      [["DBSIZE"], ":1\r\n"],
      [["RANDOMKEY"], "$4\r\nlive\r\n"],
      [["SCAN", "0"], "*2\r\n$1\r\n0\r\n*1\r\n$4\r\nlive\r\n"],
    ]);
    assert.equal(srv.server.stats.expiredKeys - expired0, 10);
    // Each reclaimed key was propagated as a DEL.
    for (const k of keys) assert.ok(log.includes(`0 DEL ${k}`), k);
    // DEL of an expired key is not a deletion: only the expiry's DEL goes out.
    assert.equal(log.filter((l) => l === "0 DEL i").length, 1);
  });
});

Deno.test("RANDOMKEY and SCAN reclaim expired keys; a db of only expired keys is empty", async () => {
  await withClient(DEBUG, async (r, srv) => {
    await setActiveExpire(r, srv, false);
    const db = srv.server.keyspace.dbs[0];
    for (let i = 0; i < 300; i++) {
      const e = db.set(`k${i}`, binaryToBytes("v"));
      db.setExpire(e, Date.now() - 1000);
    }
    assert.equal(await r.call("RANDOMKEY"), "$-1\r\n");
    assert.equal(await r.call("DBSIZE"), ":0\r\n");
    for (let i = 0; i < 50; i++) {
      const e = db.set(`s${i}`, binaryToBytes("v"));
      db.setExpire(e, Date.now() - 1000);
    }
    assert.equal(await r.call("SCAN", "0", "COUNT", "100"), "*2\r\n$1\r\n0\r\n*0\r\n");
    assert.equal(await r.call("DBSIZE"), ":0\r\n");
    // With TYPE, the type check's lookup reclaims them (and counts misses); even "none" skips them.
    for (let i = 0; i < 10; i++) {
      const e = db.set(`t${i}`, binaryToBytes("v"));
      db.setExpire(e, Date.now() - 1000);
    }
    const misses = srv.server.stats.keyspaceMisses;
    assert.equal(await r.call("SCAN", "0", "TYPE", "none"), "*2\r\n$1\r\n0\r\n*0\r\n");
    assert.equal(await r.call("DBSIZE"), ":0\r\n");
    assert.equal(srv.server.stats.keyspaceMisses - misses, 10);
  });
});

Deno.test("a key expires once the clock is past its expire time (now > when)", () => {
  const expired: string[] = [];
  const ks = new Keyspace(1, { onExpire: (_db, key) => expired.push(key), isReplica: () => false });
  const db = ks.dbs[0];
  ks.now = 1000;
  db.setExpire(db.set("k", binaryToBytes("v")), 1000);
  assert.ok(db.lookup("k") !== undefined);
  assert.equal(db.isExpired(db.peek("k")!), false);
  ks.now = 1001;
  assert.equal(db.isExpired(db.peek("k")!), true);
  assert.equal(db.lookup("k"), undefined);
  assert.deepEqual(expired, ["k"]);
  // A replica hides expired keys but keeps them for the master's DEL.
  const rs = new Keyspace(1, {
    onExpire: () => assert.fail("replica deleted"),
    isReplica: () => true,
  });
  rs.now = 10;
  rs.dbs[0].setExpire(rs.dbs[0].set("k", binaryToBytes("v")), 5);
  assert.equal(rs.dbs[0].lookup("k"), undefined);
  assert.equal(rs.dbs[0].size, 1);
});

Deno.test("active expiry reclaims keys nobody reads; turning it off stops it", async () => {
  await withClient({ ...DEBUG, hz: 100 }, async (r, srv) => {
    const log = capturePropagation(srv, true);
    // Off: expired keys stay (DBSIZE counts them) over many cron periods.
    await setActiveExpire(r, srv, false);
    for (let i = 0; i < 200; i++) {
      await r.call("SET", `k${i}`, "v");
      await r.call("PEXPIRE", `k${i}`, "10");
    }
    await r.call("SET", "persistent", "v");
    await sleep(150); // 15 cron periods at hz 100
    assert.equal(await r.call("DBSIZE"), ":201\r\n");
    // On: they go away within a bounded time without anyone touching them.
    await setActiveExpire(r, srv, true);
    let size = 201;
    const shrunk = async () => (size = int(await r.call("DBSIZE"))) === 1;
    await waitUntil(shrunk, () => `DBSIZE 1 (${size})`, { timeoutMs: 3000, intervalMs: 10 });
    assert.equal(size, 1);
    assert.equal(srv.server.stats.expiredKeys, 200);
    assert.equal(await r.call("EXISTS", "persistent"), ":1\r\n");
    assert.equal(log.filter((l) => l.startsWith("0 DEL k")).length, 200);
  });
});

Deno.test("RENAME, MOVE and COPY carry the TTL; SET-like overwrite by RENAME drops the target's", async () => {
  await withClient(DEBUG, async (r) => {
    await r.call("SET", "a", "1");
    await r.call("PEXPIREAT", "a", "33177117420123");
    await r.call("SET", "b", "2");
    await r.call("EXPIRE", "b", "1000");
    await expectReplies(r, [
      [["COPY", "a", "c"], ":1\r\n"],
      [["PEXPIRETIME", "c"], ":33177117420123\r\n"],
      [["RENAME", "a", "b"], "+OK\r\n"],
      [["PEXPIRETIME", "b"], ":33177117420123\r\n"],
      [["SET", "p", "3"], "+OK\r\n"],
      [["RENAME", "p", "b"], "+OK\r\n"],
      [["TTL", "b"], ":-1\r\n"],
      [["MOVE", "c", "1"], ":1\r\n"],
      [["SELECT", "1"], "+OK\r\n"],
      [["PEXPIRETIME", "c"], ":33177117420123\r\n"],
    ]);
  });
});
