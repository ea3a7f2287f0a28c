/**
 * The replication stream, compared with the reference server's: the same script of writes
 * (every write command of the table, EXEC, blocking pops served later, lazy and active
 * expiry, SELECT across dbs, rewritten forms) runs on both; ours is recorded from
 * propagateListeners through selectingSink, the reference's is read as a replica after
 * SYNC. Times that depend on the clock and members SPOP picks at random are masked.
 */

import assert from "node:assert/strict";
import { selectingSink } from "../src/server/propagation.ts";
import { parseReply } from "../src/resp/reply_parser.ts";
import { createLibrary, FunctionLibraries } from "../src/scripting/functions.ts";
import {
  bytesToBinary,
  captureKeyEvents,
  connectRetry,
  RawClient,
  type RespReply,
  waitBlocked,
  waitUntil,
  withClient,
} from "./helpers.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";

/** One step of the script. */
type Step =
  /** A command on the main connection. */
  | string[]
  /** A command on the second connection that blocks; the next step serves it. */
  | { block: string[] }
  /** Waits until keys set with PX 1 are past their expire time. */
  | { pastExpiry: true }
  /** Repeats a command on the main connection until it replies `reply` (raw). */
  | { until: string[]; reply: string };

/** FUNCTION DUMP of one library, as this server writes it (RDB version 10, as Redis 7.0). */
const FUNCTION_PAYLOAD = (() => {
  const libs = new FunctionLibraries();
  const lib = createLibrary(
    new TextEncoder().encode(
      "#!lua name=rlib\nredis.register_function('rf', function() return 1 end)",
    ),
    () => {},
  );
  if (typeof lib === "string" || libs.add([lib], false) !== null) throw new Error(String(lib));
  return bytesToBinary(libs.dump());
})();

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

// DUMP of the string "v271" (RDB 11): its CRC64 bytes happen to be ASCII, as a step needs.
const DUMP_V271 = "\x00\x04v271\x0b\x00BD*\x14l\x04:Y";

/** The script: every write command at least once, in the situations that shape propagation. */
const SCRIPT: Step[] = [
  ["debug", "set-active-expire", "0"],
  // Strings, with the rewrites of relative times, GET, floats.
  ["set", "s", "1"],
  ["set", "s", "2", "ex", "100"],
  ["set", "s", "3", "px", "100000", "get"],
  ["set", "s", "4", "exat", "4000000000"],
  ["set", "s", "5", "keepttl", "get"],
  ["set", "s", "6", "nx"],
  ["set", "s", "6", "xx", "get"],
  ["setnx", "s2", "1"],
  ["setnx", "s2", "1"],
  ["setex", "s3", "100", "v"],
  ["psetex", "s4", "100000", "v"],
  ["getset", "s", "7"],
  ["getdel", "s4"],
  ["getdel", "missing"],
  ["getex", "s", "ex", "100"],
  ["getex", "s", "persist"],
  ["getex", "s", "pxat", "1"],
  ["getex", "s2"],
  ["mset", "m1", "1", "m2", "2"],
  ["msetnx", "m3", "1", "m1", "x"],
  ["msetnx", "m3", "1", "m4", "x"],
  ["incr", "n"],
  ["incrby", "n", "10"],
  ["decr", "n"],
  ["decrby", "n", "3"],
  ["incrbyfloat", "f", "1.5"],
  ["incrbyfloat", "f", "1e3"],
  ["append", "a", "xy"],
  ["append", "a", "z"],
  ["setrange", "a", "1", "Q"],
  ["setrange", "a2", "0", ""],
  // Keyspace.
  ["expire", "a", "100"],
  ["pexpire", "a", "200000", "gt"],
  ["expireat", "a", "4000000000"],
  ["pexpireat", "a", "4000000000000", "nx"],
  ["persist", "a"],
  ["persist", "a"],
  ["expire", "m2", "-1"],
  ["del", "m1", "missing"],
  ["unlink", "m3"],
  ["rename", "a", "b"],
  ["renamenx", "b", "n"],
  ["renamenx", "b", "c"],
  ["copy", "c", "d"],
  ["copy", "c", "d", "db", "3", "replace"],
  // RESTORE as sent; a relative TTL as an absolute one with ABSTTL; restored already expired
  // over an existing key: DEL.
  ["restore", "rs", "0", DUMP_V271],
  ["restore", "rs", "0", DUMP_V271],
  ["restore", "rs", "100000", DUMP_V271, "replace"],
  ["restore", "rs2", "4000000000000", DUMP_V271, "absttl", "idletime", "10"],
  ["restore", "rs", "1", DUMP_V271, "replace", "absttl"],
  ["restore-asking", "rs3", "0", DUMP_V271],
  ["move", "d", "4"],
  ["move", "missing", "4"],
  ["select", "4"],
  ["set", "in4", "1"],
  ["select", "0"],
  ["swapdb", "3", "4"],
  ["select", "3"],
  ["flushdb"],
  ["flushdb"],
  ["select", "0"],
  // Lists.
  ["lpush", "l", "a", "b", "c"],
  ["rpush", "l", "d"],
  ["lpushx", "l", "e"],
  ["rpushx", "nolist", "e"],
  ["linsert", "l", "before", "a", "x"],
  ["lset", "l", "0", "y"],
  ["lrem", "l", "0", "x"],
  ["ltrim", "l", "0", "3"],
  ["lpop", "l"],
  ["rpop", "l", "1"],
  ["lmove", "l", "l2", "left", "right"],
  ["rpoplpush", "l", "l2"],
  ["lmpop", "2", "nolist", "l2", "left", "count", "1"],
  ["blpop", "l2", "0"],
  ["rpush", "l", "1", "2", "3", "4", "5", "6"],
  ["brpop", "l", "0"],
  ["blmove", "l", "l3", "right", "left", "0"],
  ["brpoplpush", "l", "l3", "0"],
  ["blmpop", "0", "1", "l", "right", "count", "2"],
  // Blocking pops served later, each its own command in the stream.
  { block: ["blpop", "q", "0"] },
  ["lpush", "q", "v1"],
  { block: ["brpop", "q", "q2", "0"] },
  ["rpush", "q2", "v1", "v2"],
  { block: ["blmove", "q3", "q4", "left", "left", "0"] },
  ["lpush", "q3", "v"],
  { block: ["brpoplpush", "q5", "q4", "0"] },
  ["lpush", "q5", "v"],
  { block: ["blmpop", "0", "1", "q6", "left", "count", "5"] },
  ["rpush", "q6", "a", "b"],
  { block: ["bzpopmin", "z9", "0"] },
  ["zadd", "z9", "1", "a", "2", "b"],
  { block: ["bzmpop", "0", "1", "z10", "max", "count", "3"] },
  ["zadd", "z10", "1", "a", "2", "b"],
  // Hashes.
  ["hset", "h", "a", "1", "b", "2"],
  ["hmset", "h", "c", "3"],
  ["hsetnx", "h", "a", "9"],
  ["hsetnx", "h", "d", "4"],
  ["hincrby", "h", "a", "5"],
  ["hincrbyfloat", "h", "f", "2.5"],
  ["hdel", "h", "a", "missing"],
  ["hdel", "h", "b", "c", "d", "f"],
  // Sets (SPOP's members are random: masked).
  ["sadd", "st", "a", "b", "c", "d"],
  ["sadd", "st", "a"],
  ["srem", "st", "d", "missing"],
  ["smove", "st", "st2", "a"],
  ["sadd", "st3", "a", "b", "c"],
  ["sinterstore", "si", "st", "st3"],
  ["sunionstore", "su", "st", "st2"],
  ["sdiffstore", "sd", "st3", "st"],
  ["sinterstore", "si", "st", "missing"],
  ["spop", "st2"],
  ["spop", "st", "1"],
  ["spop", "su", "10"],
  ["srandmember", "st3", "2"],
  ["sadd", "big", ...range(3000, (i) => `m${i}`)],
  ["spop", "big", "1200"],
  ["spop", "big", "1790"],
  // Sorted sets.
  ["zadd", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"],
  ["zadd", "z", "xx", "ch", "1.5", "a"],
  ["zincrby", "z", "2", "b"],
  ["zrem", "z", "c", "missing"],
  ["zremrangebyrank", "z", "0", "0"],
  ["zremrangebyscore", "z", "5", "5"],
  ["zadd", "zl", "0", "a", "0", "b", "0", "c"],
  ["zremrangebylex", "zl", "[a", "[a"],
  ["zpopmin", "z"],
  ["zpopmax", "z", "1"],
  ["zmpop", "2", "nozset", "zl", "min", "count", "1"],
  ["bzpopmin", "zl", "0"],
  ["zadd", "zx", "1", "a", "2", "b"],
  ["bzpopmax", "zx", "0"],
  ["bzmpop", "0", "1", "zx", "min"],
  ["zadd", "zy", "1", "a", "2", "b"],
  ["zadd", "zw", "3", "b", "4", "c"],
  ["zunionstore", "zu", "2", "zy", "zw"],
  ["zinterstore", "zi", "2", "zy", "zw", "weights", "1", "2"],
  ["zdiffstore", "zd", "2", "zy", "zw"],
  ["zrangestore", "zr", "zu", "0", "1"],
  ["zrangestore", "zr", "missing", "0", "1"],
  // Streams: generated IDs and "~" thresholds are rewritten to what was reached.
  ["xadd", "st", "1-1", "a", "1"],
  ["xadd", "st", "1-*", "a", "2"],
  ["xadd", "st", "maxlen", "~", "1", "2-*", "b", "3"],
  ["xadd", "st", "nomkstream", "3-0", "c", "4"],
  ["xadd", "nost", "nomkstream", "3-0", "c", "4"],
  ["xdel", "st", "1-1", "9-9"],
  ["xtrim", "st", "maxlen", "=", "1"],
  ["xtrim", "st", "minid", "~", "0"],
  ["xsetid", "st", "5-0", "entriesadded", "10", "maxdeletedid", "4-0"],
  // Consumer groups: deliveries propagate as XCLAIM ... FORCE JUSTID LASTID and XGROUP SETID.
  ["xgroup", "create", "sg", "g", "$", "mkstream"],
  ["xgroup", "createconsumer", "sg", "g", "c0"],
  ["xadd", "sg", "1-1", "a", "1"],
  ["xadd", "sg", "2-1", "b", "2"],
  ["xreadgroup", "group", "g", "c1", "count", "1", "streams", "sg", ">"],
  ["xreadgroup", "group", "g", "c2", "noack", "streams", "sg", ">"],
  ["xreadgroup", "group", "g", "c1", "streams", "sg", "0"],
  { block: ["xreadgroup", "group", "g", "c3", "block", "0", "streams", "sg", ">"] },
  ["xadd", "sg", "3-1", "c", "3"],
  ["xack", "sg", "g", "1-1", "9-9"],
  ["xclaim", "sg", "g", "c4", "0", "3-1", "retrycount", "7"],
  ["xclaim", "sg", "g", "c4", "0", "2-1", "force", "lastid", "5-0"],
  ["xclaim", "sg", "g", "c4", "0", "9-9", "lastid", "6-0"],
  ["xdel", "sg", "2-1"],
  ["xautoclaim", "sg", "g", "c5", "0", "0"],
  ["xgroup", "setid", "sg", "g", "0", "entriesread", "0"],
  ["xgroup", "delconsumer", "sg", "g", "c5"],
  ["xgroup", "destroy", "sg", "g"],
  // Geo and SORT.
  ["geoadd", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
  ["georadius", "g", "15", "37", "200", "km", "store", "gs"],
  ["georadiusbymember", "g", "Palermo", "300", "km", "storedist", "gd"],
  ["geosearchstore", "gss", "g", "frommember", "Palermo", "byradius", "300", "km"],
  ["rpush", "sl", "3", "1", "2"],
  ["sort", "sl", "store", "sorted"],
  ["sort", "sl"],
  // Transactions: one write alone, several wrapped once, SELECT inside, nothing written.
  ["multi"],
  ["set", "t1", "1"],
  ["exec"],
  ["multi"],
  ["set", "t1", "2"],
  ["incr", "t2"],
  ["spop", "big", "3"],
  ["select", "5"],
  ["set", "t3", "x"],
  ["blpop", "nolist", "0"],
  ["lpush", "tl", "a"],
  ["blpop", "tl", "0"],
  ["exec"],
  ["multi"],
  ["get", "t3"],
  ["exec"],
  ["watch", "t3"],
  ["set", "t3", "y"],
  ["multi"],
  ["set", "t3", "z"],
  ["exec"],
  ["select", "0"],
  // Scripts and functions propagate as the writes they made, several wrapped in MULTI/EXEC.
  [
    "eval",
    "redis.call('set', KEYS[1], ARGV[1]) redis.call('incr', 'ev2') return 1",
    "1",
    "ev1",
    "v",
  ],
  ["eval", "return redis.call('get', 'ev1')", "0"],
  ["eval", "redis.call('set', 'ev3', 'x')", "0"],
  ["eval", "redis.call('select', '7') redis.call('set', 'ev4', '1') redis.call('del', 'ev4')", "0"],
  ["script", "load", "return redis.call('incr', KEYS[1])"],
  ["evalsha", "2bab3b661081db58bd2341920e0ba7cf5dc77b25", "1", "ev5"],
  ["eval_ro", "return redis.call('get', KEYS[1])", "1", "ev1"],
  ["evalsha_ro", "2bab3b661081db58bd2341920e0ba7cf5dc77b25", "1", "ev5"],
  ["eval", "redis.call('set', 'ev6', '1') return redis.pcall('incr', 'ev1')", "0"],
  ["script", "flush"],
  [
    "function",
    "load",
    "#!lua name=plib\nredis.register_function('pf', function(keys, args) " +
    "redis.call('set', keys[1], args[1]) return redis.call('append', keys[1], 'x') end)\n" +
    "redis.register_function{function_name = 'pr', callback = function(keys) " +
    "return redis.call('get', keys[1]) end, flags = {'no-writes'}}",
  ],
  ["fcall", "pf", "1", "fk", "v"],
  ["fcall_ro", "pr", "1", "fk"],
  ["function", "delete", "plib"],
  ["function", "restore", FUNCTION_PAYLOAD],
  ["function", "flush"],
  // Lazy expiry: alone for a read, wrapped with the write that found it.
  ["set", "x1", "1", "px", "1"],
  ["set", "x2", "1", "px", "1"],
  ["select", "6"],
  ["set", "x3", "1", "px", "1"],
  ["set", "x4", "1", "px", "1"],
  ["select", "0"],
  { pastExpiry: true },
  ["get", "x1"],
  ["set", "x2", "2"],
  ["select", "6"],
  ["scan", "0"],
  // Active expiry.
  ["set", "x5", "1", "px", "1"],
  { pastExpiry: true },
  ["debug", "set-active-expire", "1"],
  { until: ["dbsize"], reply: ":0\r\n" },
  ["select", "0"],
  ["flushall"],
  ["flushall"],
];

/** Reference settings that Valkey 8 changed from Redis 7.2's defaults, plus what the test needs. */
const REFERENCE_ARGS = [
  "--enable-debug-command",
  "yes",
  "--repl-diskless-sync",
  "no",
  ...["eviction", "expire", "server-del", "user-del", "user-flush"].flatMap((
    k,
  ) => [`--lazyfree-lazy-${k}`, "no"]),
];

const MARK = ["set", "propagation-test-end", "1"];

/** Runs SCRIPT on `a` (blocking steps on `b`), then the end mark. */
async function runScript(
  a: RawClient,
  b: RawClient,
  waitBlockedClient: () => Promise<void>,
): Promise<void> {
  let pending = false;
  for (const step of SCRIPT) {
    if (Array.isArray(step)) {
      await a.call(...step);
      if (pending) {
        await b.read();
        pending = false;
      }
    } else if ("block" in step) {
      await b.send(...step.block);
      await waitBlockedClient();
      pending = true;
    } else if ("pastExpiry" in step) {
      const until = Date.now() + 3;
      await waitUntil(() => Date.now() > until, "keys to be past their expire time");
    } else {
      await waitUntil(
        async () => await a.call(...step.until) === step.reply,
        `${step.until.join(" ")} to reply ${JSON.stringify(step.reply)}`,
      );
    }
  }
  await a.call(...MARK);
}

const isMark = (cmd: string[]) => cmd.join(" ") === MARK.join(" ");

/**
 * Masks what legitimately differs: absolute ms times computed from the clock, and the
 * members of SREMs (SPOP picks them at random); consecutive DELs are sorted (SCAN order).
 */
function normalize(stream: string[][]): string[] {
  const now = Date.now();
  const out = stream.filter((cmd) => !(cmd.length === 1 && cmd[0].toUpperCase() === "PING"))
    .map((cmd) => {
      if (cmd[0] === "SREM") return `SREM ${cmd[1]} <${cmd.length - 2} members>`;
      return cmd.map((a) =>
        /^\d{13}$/.test(a) && Math.abs(Number(a) - now) < 86_400_000 ? "<ms time>" : a
      ).join(" ");
    });
  for (let i = 0; i < out.length;) {
    let j = i;
    while (j < out.length && out[j].startsWith("DEL ")) j++;
    if (j - i > 1) out.splice(i, j - i, ...out.slice(i, j).sort());
    i = Math.max(j, i + 1);
  }
  return out;
}

function argvOf(r: RespReply): string[] {
  if (r.t !== "array") throw new Error(`not a command: ${JSON.stringify(r)}`);
  return r.v.map((x) => {
    if (x.t !== "bulk") throw new Error(`not a bulk argument: ${JSON.stringify(x)}`);
    return bytesToBinary(x.v);
  });
}

/**
 * Connects to the server on `port` as a replica (SYNC) and collects the commands of its
 * replication stream (after the RDB payload) into `out`. Resolves once the payload arrived.
 */
async function syncReplica(
  port: number,
  out: string[][],
): Promise<{ done: Promise<void>; close: () => void }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(new TextEncoder().encode("SYNC\r\n"));
  let buf = new Uint8Array(0);
  let rdbLeft = -1; // bytes of RDB payload still to skip; -1 before its header
  let resolvePayload!: () => void;
  const payload = new Promise<void>((r) => resolvePayload = r);
  const done = (async () => {
    const chunk = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(chunk);
      } catch {
        return;
      }
      if (n === null) return;
      const next = new Uint8Array(buf.length + n);
      next.set(buf);
      next.set(chunk.subarray(0, n), buf.length);
      buf = next;
      let pos = 0;
      if (rdbLeft === -1) {
        while (pos < buf.length && buf[pos] === 10) pos++; // keep-alive newlines
        const cr = buf.indexOf(13, pos);
        if (cr === -1 || cr + 1 >= buf.length) {
          buf = buf.slice(pos);
          continue;
        }
        const header = bytesToBinary(buf.subarray(pos, cr));
        assert.match(header, /^\$\d+$/, "RDB payload header");
        rdbLeft = Number(header.slice(1));
        pos = cr + 2;
      }
      const skip = Math.min(rdbLeft, buf.length - pos);
      pos += skip;
      rdbLeft -= skip;
      if (rdbLeft > 0) {
        buf = buf.slice(pos);
        continue;
      }
      resolvePayload();
      for (let r = parseReply(buf, pos); r !== null; r = parseReply(buf, pos)) {
        out.push(argvOf(r[0]));
        pos = r[1];
      }
      buf = buf.slice(pos);
    }
  })();
  await Promise.race([payload, done]);
  return {
    done,
    close: () => {
      try {
        conn.close();
      } catch { /* closed */ }
    },
  };
}

async function referenceStream(): Promise<string[][]> {
  const stream: string[][] = [];
  await withReference(async (port) => {
    const replica = await syncReplica(port, stream);
    const a = await connectRetry(port);
    const b = await connectRetry(port);
    try {
      await runScript(a, b, () =>
        waitUntil(
          async () => (await a.call("info", "clients")).includes("\r\nblocked_clients:1\r\n"),
          "the reference's client to block",
        ));
      await waitUntil(() => stream.some(isMark), "the end mark in the reference's stream");
    } finally {
      a.close();
      b.close();
      replica.close();
      await replica.done;
    }
  }, REFERENCE_ARGS);
  return stream;
}

async function ourStream(): Promise<string[][]> {
  const stream: string[][] = [];
  await withClient({ "enable-debug-command": "yes" }, async (a, srv) => {
    srv.server.propagateListeners.push(
      selectingSink((_db, argv) => stream.push(argv.map(bytesToBinary))),
    );
    const b = await RawClient.connect(srv.port);
    try {
      await runScript(a, b, () => waitBlocked(srv, 1));
    } finally {
      b.close();
    }
  });
  return stream;
}

Deno.test({
  name: "the propagated stream equals the reference's replication stream",
  ignore: !HAS_REFERENCE,
  async fn() {
    const theirs = normalize(await referenceStream());
    const ours = normalize(await ourStream());
    // Precondition: the reference produced a full stream.
    assert.ok(theirs.length > 100 && theirs.at(-1) === MARK.join(" "), "reference stream");
    assert.deepEqual(ours, theirs);
  },
});

Deno.test("the script covers every write command of the table", async () => {
  await withClient({}, (_c, srv) => {
    const used = new Set<string>();
    for (const step of SCRIPT) {
      if (Array.isArray(step)) used.add(step[0].toLowerCase());
      else if ("block" in step) used.add(step.block[0].toLowerCase());
    }
    const missing: string[] = [];
    for (const cmd of srv.server.commands.all()) {
      if (cmd.isWrite && !used.has(cmd.name)) missing.push(cmd.name);
    }
    assert.deepEqual(missing, []);
    return Promise.resolve();
  });
});

Deno.test("effects: every command that creates a key fires new first, as Redis's dbAdd", async () => {
  await withClient({}, async (c, srv) => {
    const events = captureKeyEvents(srv, "KEA$n");
    const created: [string[], string][] = [
      [["set", "a", "1"], "set"],
      [["mset", "b", "1"], "set"],
      [["getset", "c", "1"], "set"],
      [["incr", "d"], "incrby"],
      [["incrbyfloat", "e", "1"], "incrbyfloat"],
      [["append", "f", "x"], "append"],
      [["setrange", "g", "1", "x"], "setrange"],
      [["lpush", "h", "x"], "lpush"],
      [["sadd", "i", "x"], "sadd"],
      [["hset", "j", "f", "v"], "hset"],
      [["zadd", "k", "1", "x"], "zadd"],
    ];
    for (const [argv, event] of created) {
      events.length = 0;
      await c.call(...argv);
      assert.deepEqual(events, [`new ${argv[1]}`, `${event} ${argv[1]}`], argv.join(" "));
    }
    // Overwriting an existing key is no creation.
    events.length = 0;
    await c.call("set", "a", "2");
    assert.deepEqual(events, ["set a"]);
  });
});

/** A command as "name key <n args>" when long (SREM's random members, PXAT times), else whole. */
const brief = (argv: string[]) =>
  argv.length > 4 ? `${argv[0]} ${argv[1]} <${argv.length - 2} args>` : argv.join(" ");

Deno.test("propagation: one MULTI/EXEC per execution unit, nested batches inside, SELECT in it", async () => {
  await withClient({ "enable-debug-command": "yes" }, async (c, srv) => {
    const stream: string[] = [];
    srv.server.propagateListeners.push(
      selectingSink((_db, argv) => stream.push(brief(argv.map(bytesToBinary)))),
    );
    const run = async (...argv: string[]) => void await c.call(...argv);
    await run("debug", "set-active-expire", "0");
    await run("set", "t1", "1");
    await run("multi");
    await run("set", "t1", "2");
    await run("exec");
    await run("sadd", "big", ...range(1500, (i) => `m${i}`));
    await run("multi");
    await run("incr", "t2");
    await run("spop", "big", "1100");
    await run("select", "5");
    await run("set", "t3", "x");
    await run("exec");
    await run("set", "x", "1", "px", "1");
    const until = Date.now() + 3;
    await waitUntil(() => Date.now() > until, "x to be past its expire time");
    await run("set", "x", "2");
    await run("flushdb");
    await run("select", "0");
    await run("flushdb");
    // As valkey-server's replication stream has it (Redis 7.2 behaviour).
    assert.deepEqual(stream, [
      "SELECT 0",
      "set t1 1",
      "set t1 2",
      "sadd big <1500 args>",
      "MULTI",
      "incr t2",
      "SREM big <1024 args>",
      "SREM big <76 args>",
      "SELECT 5",
      "set t3 x",
      "EXEC",
      "SET x <3 args>",
      "MULTI",
      "DEL x",
      "set x 2",
      "EXEC",
      "flushdb",
      "SELECT 0",
      "flushdb",
    ]);
  });
});
