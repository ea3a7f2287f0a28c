// Long scripts: busy-reply-threshold, -BUSY, SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE
// (Redis 7.2's script.c / processCommand). Each scenario runs against our server and, where the
// reference is installed, against it too (valkey words "Valkey is busy", otherwise the same).

import assert from "node:assert/strict";
import { scriptingOf, sha1hex } from "../src/scripting/scripting.ts";
import { PLACE_SERVER_THREAD, PLACE_UNKNOWN, PLACE_WORKER } from "../src/scripting/run_place.ts";
import {
  binaryToBytes,
  connectRetry,
  encodeCommand,
  freePort,
  RawClient,
  tempDir,
  waitUntil,
  withClient,
  withConnections,
  withServer,
} from "./helpers.ts";
import { ENGINE_DIR } from "../src/scripting/engine.ts";
import { concatBytes } from "../src/util/bytes.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";

const BUSY_EVAL =
  "-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\r\n";
const BUSY_FUNCTION =
  "-BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.\r\n";
const UNKILLABLE =
  "-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\r\n";
const NOTBUSY = "-NOTBUSY No scripts in execution right now.\r\n";
const killed = (name: string, chunk: string, line: number) =>
  `-ERR Script killed by user with SCRIPT KILL... script: ${name}, on @${chunk}:${line}.\r\n`;

const SPIN = "while true do end";
const SPIN_LIB = "#!lua name=busylib\n" +
  "redis.register_function('spin', function() while true do end end)";

/** Our texts: valkey says "Valkey is busy". */
const norm = (r: string) => r.replace("Valkey is busy", "Redis is busy");

/** Sends PING on `c` until the server answers -BUSY (the script is past the threshold). */
async function untilBusy(c: RawClient): Promise<string> {
  let last = "";
  await waitUntil(async () => (last = await c.call("PING")).startsWith("-BUSY"), "a -BUSY reply", {
    timeoutMs: 10_000,
  });
  return last;
}

/** Runs `scenario` against our server, then against the reference; returns both results. */
async function both<T>(
  scenario: (port: number) => Promise<T>,
): Promise<[T, T | null]> {
  let ours: T | undefined;
  await withClient({}, async (_c, srv) => {
    ours = await scenario(srv.port);
  });
  let ref: T | null = null;
  if (HAS_REFERENCE) await withReference(async (port) => void (ref = await scenario(port)));
  return [ours!, ref];
}

Deno.test("busy: before busy-reply-threshold other clients wait; the script is not interleaved", async () => {
  await withClient({}, async (a, srv) => {
    await withConnections(srv.port, 1, async ([b]) => {
      // SET k 1, about 300 ms of work, SET k 2: another client never sees the 1.
      await a.send(
        "EVAL",
        "redis.call('set', KEYS[1], '1') local t = 0 " +
          "local s = redis.call('time') local start = s[1] * 1e6 + s[2] repeat " +
          "local n = redis.call('time') t = n[1] * 1e6 + n[2] until t - start > 300000 " +
          "redis.call('set', KEYS[1], '2') return 'done'",
        "1",
        "k",
      );
      let seen = "";
      await waitUntil(async () => (seen = await b.call("GET", "k")) !== "$-1\r\n", "k set");
      assert.equal(seen, "$1\r\n2\r\n");
      assert.equal(await a.readRaw(), "$4\r\ndone\r\n");
    });
  });
});

Deno.test("busy: -BUSY past the threshold, SCRIPT KILL of a read-only script, NOTBUSY after", async () => {
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      out.push(await b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
      out.push(await b.call("SCRIPT", "KILL"));
      await a.send("EVAL", SPIN, "0");
      out.push(norm(await untilBusy(b)));
      out.push(norm(await b.call("GET", "x")));
      out.push(norm(await b.call("FUNCTION", "KILL")));
      out.push(norm(await b.call("SHUTDOWN")));
      out.push(await b.call("SCRIPT", "KILL"));
      out.push(await a.readRaw());
      out.push(await b.call("SCRIPT", "KILL"));
      out.push(await b.call("PING"));
      out.push(await a.call("EVAL", "return redis.call('incr', 'n')", "0"));
      out.push(await b.call("INFO", "errorstats"));
    });
    return out;
  });
  assert.deepEqual(ours, [
    "+OK\r\n",
    NOTBUSY,
    BUSY_EVAL,
    BUSY_EVAL,
    BUSY_EVAL,
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(SPIN)), "user_script", 1),
    NOTBUSY,
    "+PONG\r\n",
    ":1\r\n",
    "$88\r\n# Errorstats\r\nerrorstat_BUSY:count=4\r\nerrorstat_ERR:count=1\r\n" +
    "errorstat_NOTBUSY:count=2\r\n\r\n",
  ]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("busy: a killed script that calls redis names the line it was at", async () => {
  const script = "-- waits\nlocal n = 0\nwhile true do redis.call('ping') n = n + 1 end\n";
  const lib = "#!lua name=calllib\nlocal function spin()\n  local n = 0\n" +
    "  while true do redis.pcall('ping') n = n + 1 end\nend\n" +
    "redis.register_function('cspin', spin)\n";
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      await b.call("CONFIG", "SET", "busy-reply-threshold", "100");
      await a.send("EVAL", script, "0");
      out.push(norm(await untilBusy(b)));
      out.push(await b.call("SCRIPT", "KILL"));
      out.push(await a.readRaw());
      out.push(await b.call("SCRIPT", "KILL"));
      // A function, calling through redis.pcall.
      out.push(await b.call("FUNCTION", "LOAD", lib));
      await a.send("FCALL", "cspin", "0");
      out.push(norm(await untilBusy(b)));
      out.push(await b.call("FUNCTION", "KILL"));
      out.push(await a.readRaw());
      out.push(await a.call("PING"));
    });
    return out;
  });
  assert.deepEqual(ours, [
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(script)), "user_script", 3),
    NOTBUSY,
    "$7\r\ncalllib\r\n",
    BUSY_FUNCTION,
    "+OK\r\n",
    killed("cspin", "user_function", 4),
    "+PONG\r\n",
  ]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("busy: a killed pure-Lua loop names a line of the loop, as Redis's count hook does", async () => {
  // No redis.call while it spins: the worker is stopped and a replay finds the line.
  const scripts = [
    "local i = 0\nlocal t = {}\nwhile true do\n  i = i + 1\n  t[i % 10] = i\nend",
    "local i = 0\nfor j = 1, 1e12 do\n  i = i + j\nend",
    // Reads first (answered from what the run got: not run again), then spins.
    "local v = redis.call('get', KEYS[1])\nlocal n = 0\nwhile v do\n  n = n + #v\nend",
  ];
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      await b.call("CONFIG", "SET", "busy-reply-threshold", "100");
      await b.call("SET", "k", "abc");
      for (const script of scripts) {
        await a.send("EVAL", script, "1", "k");
        out.push(norm(await untilBusy(b)));
        out.push(await b.call("SCRIPT", "KILL"));
        out.push(await a.readRaw());
      }
      out.push(
        await b.call("INFO", "commandstats").then((r) => /cmdstat_get:calls=\d+/.exec(r)![0]),
      );
    });
    return out;
  });
  assert.deepEqual(ours, [
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(scripts[0])), "user_script", 5),
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(scripts[1])), "user_script", 2),
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(scripts[2])), "user_script", 3),
    "cmdstat_get:calls=1",
  ]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("busy: a script that wrote is UNKILLABLE; SHUTDOWN NOSAVE stops the server", async () => {
  const script = "redis.call('set', 'x', '1') " + SPIN;
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      await b.call("CONFIG", "SET", "busy-reply-threshold", "100");
      await a.send("EVAL", script, "0");
      out.push(norm(await untilBusy(b)));
      out.push(await b.call("SCRIPT", "KILL"));
      // Written: unkillable whichever KILL is used.
      out.push(norm(await b.call("FUNCTION", "KILL")));
      out.push(norm(await b.call("SHUTDOWN")));
      out.push(norm(await b.call("SHUTDOWN", "SAVE")));
      await b.send("SHUTDOWN", "NOSAVE");
      out.push(await b.readUntilClosed());
      out.push(await a.readUntilClosed());
    });
    return out;
  });
  assert.deepEqual(ours, [BUSY_EVAL, UNKILLABLE, UNKILLABLE, BUSY_EVAL, BUSY_EVAL, "", ""]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("busy: FUNCTION KILL stops a busy function; SCRIPT KILL may not", async () => {
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      await b.call("CONFIG", "SET", "busy-reply-threshold", "100");
      out.push(await b.call("FUNCTION", "LOAD", SPIN_LIB));
      out.push(await b.call("FUNCTION", "KILL"));
      await a.send("FCALL", "spin", "0");
      out.push(norm(await untilBusy(b)));
      out.push(norm(await b.call("SCRIPT", "KILL")));
      out.push(norm(await b.call("FCALL", "spin", "0")));
      out.push(await b.call("FUNCTION", "KILL"));
      out.push(await a.readRaw());
      out.push(await b.call("FUNCTION", "KILL"));
      out.push(await a.call("SET", "after", "1"));
    });
    return out;
  });
  assert.deepEqual(ours, [
    "$7\r\nbusylib\r\n",
    NOTBUSY,
    BUSY_FUNCTION,
    BUSY_FUNCTION,
    BUSY_FUNCTION,
    "+OK\r\n",
    killed("spin", "user_function", 2),
    NOTBUSY,
    "+OK\r\n",
  ]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("busy: a script that ends after the threshold replies normally and propagates as one unit", async () => {
  await withClient({}, async (a, srv) => {
    const units: string[] = [];
    srv.server.propagateListeners.push((_db, argv) => {
      units.push(new TextDecoder().decode(argv[0]).toUpperCase());
    });
    await withConnections(srv.port, 1, async ([b]) => {
      await b.call("CONFIG", "SET", "busy-reply-threshold", "50");
      // Writes before and after the threshold, then ends by itself (about 300 ms).
      await a.send(
        "EVAL",
        "redis.call('set', 'k', '1') " +
          "local s = redis.call('time') local start = s[1] * 1e6 + s[2] local t = start " +
          "repeat local n = redis.call('time') t = n[1] * 1e6 + n[2] until t - start > 300000 " +
          "redis.call('incr', 'k') return redis.call('get', 'k')",
        "0",
      );
      assert.equal(await untilBusy(b), BUSY_EVAL);
      assert.equal(await a.readRaw(), "$1\r\n2\r\n");
      assert.equal(await b.call("GET", "k"), "$1\r\n2\r\n");
      assert.equal(await a.call("PING"), "+PONG\r\n");
    });
    assert.deepEqual(units, ["MULTI", "SET", "INCR", "EXEC"]);
    const stats = srv.exec("INFO", "commandstats");
    assert.match(stats, /cmdstat_eval:calls=1,/);
  });
});

Deno.test("busy: on a replica, the master's stream waits for the busy script, then applies in order", async () => {
  await withServer({ "repl-diskless-sync-delay": 0 }, async (master) => {
    await withServer({ replicaof: `127.0.0.1 ${master.port}` }, async (replica) => {
      await withConnections(master.port, 1, async ([m]) => {
        await withConnections(replica.port, 2, async ([a, b]) => {
          const replInfo = async (c: RawClient, field: string) =>
            (await c.call("INFO", "replication")).split("\r\n")
              .find((l) => l.startsWith(`${field}:`))?.slice(field.length + 1);
          await waitUntil(
            async () => (await replInfo(b, "master_link_status")) === "up",
            "the replica's link up",
            { timeoutMs: 10_000 },
          );
          assert.equal(await m.call("SET", "before", "1"), "+OK\r\n");
          await waitUntil(async () => (await b.call("GET", "before")) === "$1\r\n1\r\n", "before");
          await b.call("CONFIG", "SET", "busy-reply-threshold", "100");
          await a.send("EVAL_RO", SPIN, "0");
          assert.equal(await untilBusy(b), BUSY_EVAL);
          // Writes on the master while the replica's script is busy: they reach the replica
          // and wait there, neither applied nor refused with -BUSY.
          const input = replica.server.stats.netReplInputBytes;
          assert.equal(await m.call("SET", "during", "1"), "+OK\r\n");
          assert.equal(await m.call("INCR", "during"), ":2\r\n");
          await waitUntil(
            () => replica.server.stats.netReplInputBytes > input,
            "the master's writes read by the replica",
          );
          assert.equal(replica.server.keyspace.dbs[0].size, 1);
          assert.equal(await b.call("GET", "during"), BUSY_EVAL);
          assert.equal(await b.call("SCRIPT", "KILL"), "+OK\r\n");
          assert.equal(await a.readRaw(), killed(sha1hex(binaryToBytes(SPIN)), "user_script", 1));
          await waitUntil(async () => (await b.call("GET", "during")) === "$1\r\n2\r\n", "during");
          await waitUntil(
            async () =>
              (await replInfo(m, "master_repl_offset")) ===
                (await replInfo(b, "slave_repl_offset")),
            "the replica's offset equal to the master's",
          );
          assert.equal(await b.call("GET", "before"), "$1\r\n1\r\n");
          assert.equal(await replInfo(b, "master_link_status"), "up");
        });
      });
    });
  });
});

Deno.test("server thread: a script that only read runs there next; one that writes later runs again in the worker, once", async () => {
  await withClient({}, async (c, srv) => {
    const units: string[] = [];
    srv.server.propagateListeners.push((_db, argv) => {
      units.push(new TextDecoder().decode(argv[0]).toUpperCase());
    });
    const scripting = scriptingOf(srv.server);
    const script = "local v = redis.call('get', KEYS[1]) " +
      "if ARGV[1] == 'w' then redis.call('incr', KEYS[1]) end " +
      "if ARGV[1] == 'p' then local r = redis.pcall('incr', KEYS[1]) " +
      "if type(r) == 'table' then return 'refused' end end return v";
    const sha = sha1hex(binaryToBytes(script));
    const place = () => scripting.scripts.get(sha)!.place.mode;
    assert.equal(await c.call("SET", "k", "1"), "+OK\r\n");
    assert.equal(await c.call("SCRIPT", "LOAD", script), `$40\r\n${sha}\r\n`);
    assert.equal(place(), PLACE_UNKNOWN);
    assert.equal(await c.call("EVALSHA", sha, "1", "k", "r"), "$1\r\n1\r\n");
    assert.equal(place(), PLACE_SERVER_THREAD);
    assert.equal(await c.call("EVALSHA", sha, "1", "k", "r"), "$1\r\n1\r\n");
    assert.equal(place(), PLACE_SERVER_THREAD);
    // A write: the try stops before it and the script runs again in the worker.
    assert.equal(await c.call("EVALSHA", sha, "1", "k", "w"), "$1\r\n1\r\n");
    assert.equal(place(), PLACE_WORKER);
    assert.equal(await c.call("GET", "k"), "$1\r\n2\r\n");
    assert.deepEqual(units, ["SET", "INCR"]);
    // redis.pcall of a write in a try: the script never sees the try's refusal.
    scripting.scripts.get(sha)!.place.mode = PLACE_SERVER_THREAD;
    assert.equal(await c.call("EVALSHA", sha, "1", "k", "p"), "$1\r\n2\r\n");
    assert.equal(await c.call("GET", "k"), "$1\r\n3\r\n");
    assert.deepEqual(units, ["SET", "INCR", "INCR"]);
    assert.equal(place(), PLACE_WORKER);
    // PUBLISH has effects too (a subscriber would get the message twice).
    const pub = "redis.call('get', 'k') if ARGV[1] == 'p' then " +
      "return redis.call('publish', 'ch', 'm') end return 0";
    await withConnections(srv.port, 1, async ([sub]) => {
      await sub.call("SUBSCRIBE", "ch");
      assert.equal(await c.call("EVAL", pub, "0", "r"), ":0\r\n");
      assert.equal(await c.call("EVAL", pub, "0", "p"), ":1\r\n");
      assert.equal(await sub.readRaw(), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\nm\r\n");
      assert.equal(await c.call("PING"), "+PONG\r\n");
      assert.equal(await sub.call("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n");
    });
  });
});

Deno.test("server thread: a script that turns long there goes to the worker: -BUSY and SCRIPT KILL work", async () => {
  const script = "if ARGV[1] == 'spin' then while true do end end return 'quick'";
  const [ours, ref] = await both(async (port) => {
    const out: string[] = [];
    await withConnections(port, 2, async ([a, b]) => {
      out.push(await b.call("CONFIG", "SET", "busy-reply-threshold", "100"));
      out.push(await a.call("EVAL", script, "0", "quick"));
      out.push(await a.call("EVAL", script, "0", "quick"));
      await a.send("EVAL", script, "0", "spin");
      out.push(norm(await untilBusy(b)));
      out.push(await b.call("SCRIPT", "KILL"));
      out.push(await a.readRaw());
      out.push(await a.call("EVAL", script, "0", "quick"));
    });
    return out;
  });
  assert.deepEqual(ours, [
    "+OK\r\n",
    "$5\r\nquick\r\n",
    "$5\r\nquick\r\n",
    BUSY_EVAL,
    "+OK\r\n",
    killed(sha1hex(binaryToBytes(script)), "user_script", 1),
    "$5\r\nquick\r\n",
  ]);
  if (ref !== null) assert.deepEqual(ours, ref);
});

Deno.test("worker: arguments, replies and results larger than the shared area cross whole", async () => {
  await withClient({}, async (c) => {
    const big = "x".repeat(600_000) + "end";
    assert.equal(
      await c.call("EVAL", "return redis.call('set', KEYS[1], ARGV[1])", "1", "big", big),
      "+OK\r\n",
    );
    assert.equal(
      await c.call("EVAL", "return redis.call('get', KEYS[1])", "1", "big"),
      `$${big.length}\r\n${big}\r\n`,
    );
    assert.equal(
      await c.call("EVAL", "local v = redis.call('get', KEYS[1]) return #v", "1", "big"),
      `:${big.length}\r\n`,
    );
    assert.equal(await c.call("EVAL", "return ARGV[1]", "0", big), `$${big.length}\r\n${big}\r\n`);
  });
});

Deno.test("worker and server thread: a script's source in the VM's 64 MB is not kept run after run", async () => {
  // A 100 KB script run 700 times in the worker: 70 MB of sources, more than the VM's memory,
  // if each run left its copy there; the same size of script run 100 times here.
  const pad = "-- " + "x".repeat(100_000) + "\n";
  const writer = pad + "return redis.call('incr', KEYS[1])"; // runs in the worker
  const reader = pad + "return redis.call('get', KEYS[1])"; // then on the server's thread
  await withClient({}, async (c) => {
    const shas = [];
    for (const script of [writer, reader]) {
      const sha = await c.call("SCRIPT", "LOAD", script);
      shas.push(sha.split("\r\n")[1]);
    }
    for (const [sha, batches] of [[shas[0], 7], [shas[1], 1]] as const) {
      for (let i = 0; i < batches; i++) {
        const request = encodeCommand(["EVALSHA", sha, "1", "n"]);
        await c.write(concatBytes(Array.from({ length: 100 }, () => request)));
        for (let j = 0; j < 100; j++) {
          assert.match(await c.readRaw(), /^:\d+\r\n$|^\$\d+\r\n\d+\r\n$/);
        }
      }
    }
    assert.equal(await c.call("GET", "n"), "$3\r\n700\r\n");
  });
});

Deno.test("scripting: under a --allow-read without the worker's module, scripts run on the server's thread and the log says which flag to add", async () => {
  const [dir, cleanup] = await tempDir();
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      `--allow-read=${dir},${ENGINE_DIR}`,
      new URL("../main.ts", import.meta.url).pathname,
      ...["--port", String(port), "--dir", dir, "--save", ""],
    ],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    const c = await connectRetry(port);
    try {
      assert.equal(await c.call("EVAL", "return redis.call('set', 'k', 'v')", "0"), "+OK\r\n");
      // Longer than the engine's default instruction budget (about 0.1 s): not killed.
      assert.equal(
        await c.call("EVAL", "local i = 0 while i < 3000000 do i = i + 1 end return i", "0"),
        ":3000000\r\n",
      );
      await c.send("SHUTDOWN", "NOSAVE");
      assert.equal(await c.readUntilClosed(), "");
    } finally {
      c.close();
    }
  } finally {
    const out = await child.output();
    await cleanup();
    const log = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    assert.match(log, /the script worker cannot start .* Add --allow-read=\S+scripting\//);
  }
});
