/**
 * Keyspace notifications delivered through pub/sub: a subscriber to `__key*__:*` sees the same
 * events, in the same order, as on the reference server for each command group; expiry fires
 * "expired" both lazily and from the cron; the class letters gate what is sent.
 */

import assert from "node:assert/strict";
import type { RunningServer } from "../mod.ts";
import { type Arg, bulk, int, RawClient, waitUntil, withServer } from "./helpers.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";

/** Commands per group; each group starts from an empty db 0 (FLUSHALL events are not sent). */
const GROUPS: Record<string, Arg[][]> = {
  string: [
    ["SET", "s", "1"],
    ["SET", "s", "2", "EX", "100"],
    ["SETNX", "s", "3"],
    ["SETNX", "s2", "3"],
    ["APPEND", "s", "x"],
    ["APPEND", "s3", "x"],
    ["INCR", "n"],
    ["INCRBY", "n", "5"],
    ["DECR", "n"],
    ["DECRBY", "n", "2"],
    ["INCRBYFLOAT", "f", "1.5"],
    ["SETRANGE", "s", "1", "zz"],
    ["SETRANGE", "s4", "0", ""],
    ["GETSET", "s", "g"],
    ["GETDEL", "s2"],
    ["GETEX", "s", "EX", "50"],
    ["GETEX", "s", "PERSIST"],
    ["MSET", "m1", "a", "m2", "b"],
    ["MSETNX", "m3", "a", "m4", "b"],
    ["SET", "s", "v", "KEEPTTL", "GET"],
    ["PSETEX", "p", "100000", "v"],
    ["SETEX", "p2", "100", "v"],
    ["LCS", "m1", "m2"],
    ["SET", "s", "v", "PX", "0"],
    ["SET", "s", "v", "EX", "-1"],
    ["GETEX", "m1", "PX", "-5"],
  ],
  keyspace: [
    ["SET", "a", "1"],
    ["SET", "b", "2"],
    ["EXPIRE", "a", "100"],
    ["PEXPIRE", "a", "100000"],
    ["EXPIREAT", "a", "99999999999"],
    ["PERSIST", "a"],
    ["EXPIRE", "a", "-1"],
    ["SET", "a", "1"],
    ["RENAME", "a", "c"],
    ["RENAMENX", "c", "b"],
    ["RENAMENX", "c", "d"],
    ["RENAME", "d", "d"],
    ["COPY", "d", "e"],
    ["COPY", "d", "e", "REPLACE"],
    ["MOVE", "e", "1"],
    ["DEL", "b", "nosuch"],
    ["UNLINK", "d"],
    ["SET", "x", "1"],
    ["SELECT", "1"],
    ["SET", "y", "1"],
    ["SELECT", "0"],
    ["SWAPDB", "0", "1"],
    ["TOUCH", "y"],
    ["EXPIRE", "y", "0"],
  ],
  list: [
    ["LPUSH", "l", "a", "b", "c"],
    ["RPUSH", "l", "d"],
    ["LPUSHX", "l", "e"],
    ["RPUSHX", "nol", "e"],
    ["LINSERT", "l", "BEFORE", "a", "z"],
    ["LSET", "l", "0", "q"],
    ["LREM", "l", "1", "z"],
    ["LTRIM", "l", "0", "3"],
    ["LPOP", "l"],
    ["RPOP", "l", "1"],
    ["RPOPLPUSH", "l", "l2"],
    ["LMOVE", "l2", "l3", "LEFT", "RIGHT"],
    ["LMPOP", "2", "l", "l3", "LEFT", "COUNT", "5"],
    ["BLPOP", "l", "0.01"],
    ["RPUSH", "l4", "a", "b"],
    ["LTRIM", "l4", "5", "6"],
    ["RPUSH", "l5", "a"],
    ["BLMOVE", "l5", "l5", "LEFT", "LEFT", "0"],
    ["LPOS", "l5", "a"],
  ],
  hash: [
    ["HSET", "h", "a", "1", "b", "2"],
    ["HSETNX", "h", "a", "3"],
    ["HSETNX", "h", "c", "3"],
    ["HMSET", "h", "d", "4"],
    ["HINCRBY", "h", "a", "5"],
    ["HINCRBYFLOAT", "h", "a", "1.5"],
    ["HDEL", "h", "a", "zz"],
    ["HDEL", "h", "b", "c", "d"],
    ["HGETALL", "h"],
  ],
  set: [
    ["SADD", "s", "a", "b", "c"],
    ["SADD", "s", "a"],
    ["SREM", "s", "a", "zz"],
    ["SMOVE", "s", "t", "b"],
    ["SMOVE", "s", "t", "zz"],
    ["SADD", "u", "b", "x"],
    ["SINTERSTORE", "d", "t", "u"],
    ["SUNIONSTORE", "d", "t", "u"],
    ["SDIFFSTORE", "d", "t", "u"],
    ["SINTERSTORE", "d", "nosuch", "u"],
    ["SPOP", "u"],
    ["SPOP", "u", "5"],
    ["SREM", "t", "b"],
  ],
  zset: [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["ZADD", "z", "XX", "5", "a"],
    ["ZADD", "z", "NX", "5", "a"],
    ["ZINCRBY", "z", "1", "b"],
    ["ZREM", "z", "c", "nosuch"],
    ["ZADD", "y", "1", "b", "2", "q"],
    ["ZUNIONSTORE", "d", "2", "z", "y"],
    ["ZINTERSTORE", "d", "2", "z", "y"],
    ["ZDIFFSTORE", "d", "2", "z", "y"],
    ["ZRANGESTORE", "r", "z", "0", "-1"],
    ["ZINTERSTORE", "d", "2", "nosuch", "y"],
    ["ZPOPMIN", "y"],
    ["ZPOPMAX", "y", "5"],
    ["ZMPOP", "1", "z", "MIN"],
    ["ZADD", "w", "1", "a", "2", "b", "3", "c", "4", "d"],
    ["ZREMRANGEBYSCORE", "w", "1", "1"],
    ["ZREMRANGEBYRANK", "w", "0", "0"],
    ["ZREMRANGEBYLEX", "w", "[c", "[c"],
    ["ZREMRANGEBYLEX", "w", "-", "+"],
    ["BZPOPMIN", "r", "0.01"],
  ],
  "geo and sort": [
    ["GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
    ["GEOSEARCHSTORE", "g2", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"],
    ["GEORADIUS", "g", "15", "37", "200", "km", "STORE", "g3"],
    ["GEOSEARCHSTORE", "g4", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"],
    ["RPUSH", "l", "3", "1", "2"],
    ["SORT", "l", "STORE", "sorted"],
    ["SORT", "nosuch", "STORE", "sorted"],
  ],
};

const MARK = "__key__:mark";

/**
 * Runs `cmds` on a server at `port` with notify-keyspace-events `flags`, subscribed to
 * `__key*__:*` on a second connection; returns the "channel message" lines of every
 * notification, up to a marker published after the last command.
 */
async function events(port: number, flags: string, cmds: Arg[][]): Promise<string[]> {
  const [c, s] = [await RawClient.connect(port), await RawClient.connect(port)];
  try {
    assert.equal(await c.call("FLUSHALL"), "+OK\r\n");
    assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", flags), "+OK\r\n");
    await s.send("PSUBSCRIBE", "__key*__:*");
    await s.read();
    for (const cmd of cmds) await c.call(...cmd);
    assert.equal(await c.call("PUBLISH", MARK, "end"), int(1));
    const out: string[] = [];
    while (true) {
      const r = await s.read() as { v: { v: Uint8Array }[] };
      const [ch, msg] = [r.v[2].v, r.v[3].v].map((b) => String.fromCharCode(...b));
      if (ch === MARK) return out;
      out.push(`${ch} ${msg}`);
    }
  } finally {
    c.close();
    s.close();
  }
}

for (const [group, cmds] of Object.entries(GROUPS)) {
  Deno.test({
    name: `notify: ${group} commands fire the reference's events in its order`,
    ignore: !HAS_REFERENCE,
    fn: async () => {
      let ours: string[] = [];
      await withServer({}, async (srv) => {
        ours = await events(srv.port, "KEA", cmds);
      });
      let theirs: string[] = [];
      await withReference(async (port) => {
        theirs = await events(port, "KEA", cmds);
      });
      assert.ok(theirs.length > 0, "the reference sent events");
      assert.deepEqual(ours, theirs);
    },
  });
}

Deno.test({
  name: "notify: 'new' (n) events and single classes match the reference",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const cmds = Object.values(GROUPS).flat();
    for (const flags of ["En", "Kn", "El", "Kh", "Es", "Kz", "KEg", "KEAn", "Em", "Km"]) {
      let ours: string[] = [];
      await withServer({}, async (srv) => {
        ours = await events(srv.port, flags, cmds);
      });
      let theirs: string[] = [];
      await withReference(async (port) => {
        theirs = await events(port, flags, cmds);
      });
      assert.deepEqual(ours, theirs, flags);
    }
  },
});

/** Subscribes a raw client to the keyevent channel of `event` in db 0. */
async function subscribeEvent(srv: RunningServer, event: string): Promise<RawClient> {
  const s = await RawClient.connect(srv.port);
  await s.send("SUBSCRIBE", `__keyevent@0__:${event}`);
  await s.read();
  return s;
}

const eventMsg = (event: string, key: string) =>
  `*3\r\n${bulk("message")}${bulk(`__keyevent@0__:${event}`)}${bulk(key)}`;

Deno.test("notify: expiry fires 'expired' on lazy access and from the active cycle", async () => {
  await withServer({ "notify-keyspace-events": "Ex", hz: 100 }, async (srv) => {
    const s = await subscribeEvent(srv, "expired");
    const c = await RawClient.connect(srv.port);
    try {
      // Lazy: the cron is off, a read finds the key expired.
      srv.activeExpire = false;
      assert.equal(await c.call("SET", "lazy", "v", "PX", "1"), "+OK\r\n");
      srv.fastForward(10);
      assert.equal(await c.call("GET", "lazy"), "$-1\r\n");
      assert.equal(await s.readRaw(), eventMsg("expired", "lazy"));
      // Active: nobody reads the key; the cron reclaims it.
      srv.activeExpire = true;
      assert.equal(await c.call("SET", "active", "v", "PX", "1"), "+OK\r\n");
      srv.fastForward(10);
      assert.equal(await s.readRaw(), eventMsg("expired", "active"));
      assert.equal(srv.db().size, 0);
    } finally {
      s.close();
      c.close();
    }
  });
});

Deno.test("notify: CONFIG GET prints the canonical class string; nothing is sent when off", async () => {
  await withServer({}, async (srv) => {
    const s = await subscribeEvent(srv, "set");
    const c = await RawClient.connect(srv.port);
    try {
      const cases: [string, string][] = [
        ["KEA", "AKE"],
        ["Ag$", "A"],
        ["g$lshzxetdKE", "AKE"],
        ["En", "nE"],
        ["KEAnm", "AKEm"], // "n" is left out of the A form
        ["Ex", "xE"],
        ["", ""],
      ];
      for (const [set, get] of cases) {
        assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", set), "+OK\r\n");
        assert.equal(
          await c.call("CONFIG", "GET", "notify-keyspace-events"),
          `*2\r\n${bulk("notify-keyspace-events")}${bulk(get)}`,
          set,
        );
      }
      assert.equal(await c.call("SET", "quiet", "1"), "+OK\r\n");
      assert.equal(await c.call("CONFIG", "SET", "notify-keyspace-events", "E$"), "+OK\r\n");
      assert.equal(await c.call("SET", "loud", "1"), "+OK\r\n");
      assert.equal(await s.readRaw(), eventMsg("set", "loud"));
      await waitUntil(() => srv.server.clients.size === 2, "two clients");
    } finally {
      s.close();
      c.close();
    }
  });
});
