// Tests for the configuration subsystem. Expected texts were taken from redis-server 7.0 and
// valkey-server 8.0 (Redis 7.2 behaviour) run with the same inputs.

import assert from "node:assert/strict";
import { Config, ConfigError } from "../src/server/config.ts";
import {
  helpText,
  loadConfigFromString,
  parseCommandLine,
  StartupError,
} from "../src/server/config_loader.ts";
import {
  keyspaceEventsFlagsToString,
  keyspaceEventsStringToFlags,
  NOTIFY_ALL,
  NOTIFY_EXPIRED,
  NOTIFY_KEYEVENT,
} from "../src/server/notify.ts";
import { formatMemory, memtoull, repr } from "../src/server/config_file.ts";
import { parseLongLong as string2ll } from "../src/util/number.ts";
import { splitArgs } from "../src/util/splitargs.ts";
import { formatLogTime, Log, logStartupBanner } from "../src/server/log.ts";
import { REDIS_VERSION } from "../src/version.ts";

const HEADER = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "config_test_" });
  try {
    await fn(await Deno.realPath(dir));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function run(args: string[], cwd?: string, stdin?: string): Promise<Config> {
  const r = await parseCommandLine(args, cwd, {
    readStdin: stdin === undefined ? undefined : () => Promise.resolve(stdin),
  });
  assert.equal(r.action, "run");
  return (r as { config: Config }).config;
}

async function startupError(args: string[], cwd?: string): Promise<StartupError> {
  try {
    await parseCommandLine(args, cwd);
  } catch (e) {
    assert.ok(e instanceof StartupError, String(e));
    return e;
  }
  throw new Error("expected a StartupError");
}

function setError(cfg: Config, pairs: [string, string][]): string {
  try {
    cfg.setMany(pairs);
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.message;
  }
  throw new Error("expected a ConfigError");
}

Deno.test("splitArgs follows sdssplitargs", () => {
  assert.deepEqual(splitArgs("  a  b\tc "), ["a", "b", "c"]);
  assert.deepEqual(splitArgs(`"a b" 'c d'`), ["a b", "c d"]);
  assert.deepEqual(splitArgs(`"\\x41\\n\\t\\"x" 'it\\'s'`), ['A\n\t"x', "it's"]);
  assert.deepEqual(splitArgs(`'a\\nb'`), ["a\\nb"]);
  assert.deepEqual(splitArgs(`ab"cd ef"`), ["abcd ef"]);
  assert.deepEqual(splitArgs(`""`), [""]);
  assert.deepEqual(splitArgs(""), []);
  assert.equal(splitArgs(`"abc`), null);
  assert.equal(splitArgs(`"a"b`), null);
  assert.equal(splitArgs(`'1'x`), null);
  assert.equal(repr('a"b\\c\n\x01'), '"a\\"b\\\\c\\n\\x01"');
});

Deno.test("memtoull and string2ll parse like util.c", () => {
  assert.equal(memtoull("1k"), 1000n);
  assert.equal(memtoull("1KB"), 1024n);
  assert.equal(memtoull("2mb"), 2097152n);
  assert.equal(memtoull("1g"), 1000000000n);
  assert.equal(memtoull("1Gb"), 1073741824n);
  assert.equal(memtoull("5b"), 5n);
  assert.equal(memtoull(""), 0n);
  assert.equal(memtoull("kb"), 0n);
  assert.equal(memtoull("-1"), null);
  assert.equal(memtoull("1 mb"), null);
  assert.equal(memtoull("1x"), null);
  assert.equal(memtoull("18446744073709551616"), 18446744073709551615n);
  assert.equal(string2ll("01"), null);
  assert.equal(string2ll("+1"), null);
  assert.equal(string2ll("-0"), null);
  assert.equal(string2ll("-12"), -12n);
  assert.equal(string2ll("9223372036854775808"), null);
  assert.equal(formatMemory(1073741824n), "1gb");
  assert.equal(formatMemory(3n * 1048576n), "3mb");
  assert.equal(formatMemory(2048n), "2kb");
  assert.equal(formatMemory(1000n), "1000");
  assert.equal(formatMemory(0n), "0");
});

Deno.test("defaults and typed values", () => {
  const c = new Config("/");
  assert.equal(c.port, 6379);
  assert.deepEqual(c.bind, ["127.0.0.1", "-::1"]);
  assert.equal(c.dir, "/");
  assert.equal(c.dbfilename, "dump.rdb");
  assert.equal(c.databases, 16);
  assert.equal(c.requirepass, "");
  assert.equal(c.maxclients, 10000);
  assert.equal(c.timeout, 0);
  assert.equal(c.tcpKeepalive, 300);
  assert.equal(c.hz, 10);
  assert.equal(c.loglevel, "notice");
  assert.equal(c.logfile, "");
  assert.equal(c.save, "3600 1 300 100 60 10000");
  assert.deepEqual(c.saveParams, [
    { seconds: 3600, changes: 1 },
    { seconds: 300, changes: 100 },
    { seconds: 60, changes: 10000 },
  ]);
  assert.equal(c.appendonly, false);
  assert.equal(c.appendfsync, "everysec");
  assert.equal(c.protoMaxBulkLen, 512 * 1024 * 1024);
  assert.equal(c.clientQueryBufferLimit, 1024 * 1024 * 1024);
  assert.equal(c.replicaof, null);
  assert.equal(c.replicaReadOnly, true);
  assert.equal(c.notifyKeyspaceEvents, "");
  assert.equal(c.maxmemory, 0);
  assert.equal(c.maxmemoryPolicy, "noeviction");
  assert.equal(c.slowlogLogSlowerThan, 10000);
  assert.equal(c.slowlogMaxLen, 128);
  assert.equal(c.listMaxListpackSize, -2);
  assert.equal(c.setMaxListpackEntries, 128);
  assert.equal(c.zsetMaxListpackEntries, 128);
  assert.equal(c.hashMaxListpackValue, 64);
  assert.equal(c.busyReplyThreshold, 5000);
  assert.equal(c.activeExpireEffort, 1);
  assert.equal(c.clientOutputBufferLimits.replica.hard, 256 * 1024 * 1024);
  assert.deepEqual(c.latencyTrackingInfoPercentiles, [50, 99, 99.9]);
});

Deno.test("CONFIG GET patterns, aliases, hidden configs, dedup", () => {
  const c = new Config("/tmp");
  assert.deepEqual(c.getMatching(["port"]), [["port", "6379"]]);
  // An exact name is echoed as the client spelled it.
  assert.deepEqual(c.getMatching(["PORT"]), [["PORT", "6379"]]);
  assert.deepEqual(c.getMatching(["port", "PORT", "po*"]), [["port", "6379"]]);
  assert.deepEqual(c.getMatching(["slaveof"]), [["slaveof", ""]]);
  assert.deepEqual(c.getMatching(["SLAVE-READ*"]), [["slave-read-only", "yes"]]);
  assert.deepEqual(c.getMatching(["bind"]), [["bind", "127.0.0.1 -::1"]]);
  assert.deepEqual(c.getMatching(["maxmemory", "maxmemory"]), [["maxmemory", "0"]]);
  assert.deepEqual(c.getMatching(["nosuch", "x*y"]), []);
  // Hidden configs only answer an exact name.
  assert.deepEqual(c.getMatching(["rdb-key-save-delay"]), [["rdb-key-save-delay", "0"]]);
  assert.deepEqual(c.getMatching(["rdb-key-save-*"]), []);
  const all = new Map(c.getMatching(["*"]));
  assert.equal(all.size, 175);
  assert.equal(all.get("hash-max-ziplist-entries"), "512");
  assert.equal(
    all.get("client-output-buffer-limit"),
    "normal 0 0 0 slave 268435456 67108864 60 " +
      "pubsub 33554432 8388608 60",
  );
  assert.equal(all.get("unixsocketperm"), "0");
  assert.equal(all.get("proc-title-template"), "{title} {listen-addr} {server-mode}");
  assert.equal(all.get("dir"), "/tmp");
  assert.ok(all.has("save") && all.has("appendonly"), "redis-benchmark fetches these");
  assert.ok(!all.has("use-exit-on-panic"));
  assert.deepEqual(
    c.getMatching(["*-max-listpack-entries"]).map(([k]) => k).sort(),
    ["hash-max-listpack-entries", "set-max-listpack-entries", "zset-max-listpack-entries"],
  );
});

Deno.test("CONFIG SET values and error texts", () => {
  const c = new Config("/tmp");
  const prefix = (n: string) => `CONFIG SET failed (possibly related to argument '${n}') - `;
  // One parameter each: the error names it (lower-cased) after the prefix.
  const failures: [string, string, string][] = [
    ["port", "abc", "argument couldn't be parsed into an integer"],
    ["port", "99999", "argument must be between 0 and 65535 inclusive"],
    ["PORT", "01", "argument couldn't be parsed into an integer"],
    ["databases", "3", "can't set immutable config"],
    ["dir", "/tmp", "can't set protected config"],
    ["dbfilename", "x", "can't set protected config"],
    ["maxmemory", "1x", "argument must be a memory value"],
    [
      "loglevel",
      "foo",
      "argument(s) must be one of the following: debug, verbose, notice, warning, nothing",
    ],
    ["slave-read-only", "maybe", "argument must be 'yes' or 'no'"],
    ["save", "1 2 3", "Invalid save parameters"],
    ["save", "100  10", "Invalid save parameters"],
    ["notify-keyspace-events", "q", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."],
    ["maxmemory-clients", "101%", "percentage argument must be less or equal to 100"],
    [
      "slowlog-log-slower-than",
      "-2",
      "argument must be between -1 and 9223372036854775807 inclusive",
    ],
    ["maxclients", "0", "argument must be between 1 and 4294967295 inclusive"],
    [
      "shutdown-on-sigint",
      "nosave save",
      "shutdown options SAVE and NOSAVE can't be used simultaneously",
    ],
    [
      "client-output-buffer-limit",
      "master 1 2 3",
      "Invalid client class specified in buffer limit configuration.",
    ],
    ["replicaof", "no one", "can't set immutable config"],
  ];
  for (const [name, value, error] of failures) {
    assert.equal(setError(c, [[name, value]]), prefix(name.toLowerCase()) + error, name);
  }
  assert.equal(
    setError(c, [["foo", "bar"]]),
    "Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    setError(c, [["maxmemory", "5"], ["MAXMEMORY", "6"]]),
    prefix("MAXMEMORY") + "duplicate parameter",
  );
  // The first error found while checking names wins.
  assert.equal(
    setError(c, [["foo", "1"], ["databases", "6"]]),
    "Unknown option or number of arguments for CONFIG SET - 'foo'",
  );
  assert.equal(
    setError(c, [["databases", "1"], ["foo", "1"]]),
    prefix("databases") + "can't set immutable config",
  );
  assert.equal(
    setError(c, [["port", "abc"], ["foo", "1"]]),
    "Unknown option or number of arguments for CONFIG SET - 'foo'",
  );

  c.setMany([["maxmemory", "1KB"], ["save", ""], ["notify-keyspace-events", "Ex"], ["hz", "1000"]]);
  assert.equal(c.get("maxmemory"), "1024");
  assert.equal(c.maxmemory, 1024);
  assert.equal(c.get("save"), "");
  assert.deepEqual(c.saveParams, []);
  assert.equal(c.get("notify-keyspace-events"), "xE");
  assert.equal(c.notifyKeyspaceEventsFlags, NOTIFY_EXPIRED | NOTIFY_KEYEVENT);
  assert.equal(c.hz, 500);
  assert.equal(c.get("hz"), "500");
  c.set("hz", "0");
  assert.equal(c.hz, 1);
  c.set("maxmemory", "18446744073709551616kb");
  assert.equal(c.get("maxmemory"), "18446744073709550592");
  c.set("maxmemory-clients", "10%");
  assert.equal(c.get("maxmemory-clients"), "10%");
  c.set("save", "1 4294967297 +5 +6");
  assert.equal(c.get("save"), "1 1 5 6");
  c.set("shutdown-on-sigint", "nosave force");
  assert.equal(c.get("shutdown-on-sigint"), "nosave force");
  c.set("oom-score-adj", "relative");
  assert.equal(c.get("oom-score-adj"), "yes");
  c.set("client-output-buffer-limit", "replica 1k 2 3 PUBSUB 0 0 0");
  assert.equal(c.get("client-output-buffer-limit"), "normal 0 0 0 slave 1000 2 3 pubsub 0 0 0");
  c.set("latency-tracking-info-percentiles", "1e1 .5 99.99");
  assert.equal(c.get("latency-tracking-info-percentiles"), "10 0.5 99.99");
  c.set("bind", "");
  assert.deepEqual(c.bind, []);
  // Alias and primary are distinct entries, so this is not a duplicate (as in Redis).
  c.setMany([["slave-read-only", "yes"], ["replica-read-only", "no"]]);
  assert.equal(c.replicaReadOnly, false);
});

Deno.test("CONFIG SET is atomic and runs change listeners once", () => {
  const c = new Config("/tmp");
  const calls: string[] = [];
  const shared = () => void calls.push("lag");
  c.onChange("min-replicas-to-write", shared);
  c.onChange("min-slaves-max-lag", shared);
  c.onChange("maxmemory", () => void calls.push("maxmemory"));
  c.setMany([["min-replicas-to-write", "2"], ["min-replicas-max-lag", "5"], ["maxmemory", "1mb"]]);
  assert.deepEqual(calls, ["lag", "maxmemory"]);
  // Setting the same value is not a change: no listener.
  c.set("maxmemory", "1mb");
  assert.deepEqual(calls, ["lag", "maxmemory"]);

  // A bad value later in the list restores the earlier ones.
  const msg = setError(c, [["maxmemory", "2mb"], ["timeout", "30"], ["port", "abc"]]);
  assert.match(msg, /argument 'port'/);
  assert.equal(c.maxmemory, 1048576);
  assert.equal(c.timeout, 0);

  // A failing listener rolls everything back and re-applies the previous values.
  let port = c.port;
  c.onChange("port", () => {
    if (c.port === 1) return "Unable to listen on this port. Check server logs.";
    port = c.port;
  });
  assert.equal(
    setError(c, [["maxmemory", "3mb"], ["port", "1"]]),
    "CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. " +
      "Check server logs.",
  );
  assert.equal(c.port, 6379);
  assert.equal(c.maxmemory, 1048576);
  assert.equal(port, 6379);
  c.set("port", "7000");
  assert.equal(port, 7000);

  // The server's own updates bypass immutability and listeners.
  c.setReplicaOf({ host: "10.1.2.3", port: 6390 });
  assert.deepEqual(c.replicaof, { host: "10.1.2.3", port: 6390 });
  assert.equal(c.get("slaveof"), "10.1.2.3 6390");
  c.setReplicaOf(null);
  assert.equal(c.replicaof, null);
  c.setInternal("port", "40001");
  assert.equal(c.port, 40001);
  assert.equal(port, 7000);
  assert.throws(() => c.setInternal("port", "x"), /argument couldn't be parsed into an integer/);
  assert.equal(c.port, 40001);

  // Protected configs and the loading state.
  const p = new Config("/tmp");
  try {
    p.setMany([["appendonly", "yes"]], { loading: true });
    assert.fail("expected LOADING");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, "LOADING");
    assert.equal(e.message, "Redis is loading the dataset in memory");
  }
  assert.ok(p.isSensitive("requirepass") && p.isSensitive("MASTERAUTH") && !p.isSensitive("port"));
});

Deno.test("CONFIG SET dir checks the directory (enable-protected-configs yes)", async () => {
  await withTempDir(async (dir) => {
    const c = await loadConfigFromString("enable-protected-configs yes\n", dir);
    await Deno.mkdir(`${dir}/sub`);
    c.set("dir", "sub");
    assert.equal(c.dir, `${dir}/sub`);
    assert.equal(c.get("dir"), `${dir}/sub`);
    assert.equal(c.resolvePath("dump.rdb"), `${dir}/sub/dump.rdb`);
    assert.equal(
      setError(c, [["dir", "/nonexistent-dir-xyz"]]),
      "CONFIG SET failed (possibly related to argument 'dir') - No such file or directory",
    );
    assert.equal(
      setError(c, [["dbfilename", "a/b"]]),
      "CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, " +
        "just a filename",
    );
    assert.equal(c.dir, `${dir}/sub`);

    const local = await loadConfigFromString("enable-protected-configs local\n", dir);
    assert.throws(() => local.set("dir", "sub"), /can't set protected config/);
    local.set("dir", "sub", { isLocalClient: true });
    assert.equal(local.dir, `${dir}/sub`);
  });
});

Deno.test("config file: quotes, comments, CRLF, include, overrides", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/inc.conf`, "hz 100\nloglevel warning\n");
    await Deno.writeTextFile(
      `${dir}/main.conf`,
      [
        "# comment",
        "",
        "   port 7001  ",
        "  # indented comment",
        "maxmemory   1mb\r",
        `requirepass 'a\\'b'`,
        `masterauth "x\\x41\\n"`,
        "save 5 5",
        `include ${dir}/inc.conf`,
        // After an include the first-save-line reset is armed again (Redis quirk): replaces.
        "save 7 7",
        "SLAVE-READ-ONLY no",
        "hash-max-ziplist-entries 64",
        "list-max-ziplist-entries 5",
        `bind 127.0.0.1 "-::1"`,
        "notify-keyspace-events Kx",
        `latency-tracking-info-percentiles "1.5 2"`,
        'rename-command flushall ""',
        "user bob on nopass ~* +@all",
        "",
      ].join("\n"),
    );
    const c = await run(["main.conf", "--port", "7002", "--loglevel", "verbose"], dir);
    assert.equal(c.configFile, `${dir}/main.conf`);
    assert.equal(c.port, 7002);
    assert.equal(c.maxmemory, 1048576);
    assert.equal(c.requirepass, "a'b");
    assert.equal(c.masterauth, "xA\n");
    assert.equal(c.save, "7 7");
    assert.equal(c.hz, 100);
    assert.equal(c.loglevel, "verbose");
    assert.equal(c.replicaReadOnly, false);
    assert.equal(c.hashMaxListpackEntries, 64);
    assert.deepEqual(c.bind, ["127.0.0.1", "-::1"]);
    assert.equal(c.notifyKeyspaceEvents, "xK");
    assert.equal(c.get("latency-tracking-info-percentiles"), "1.5 2");
    assert.deepEqual(c.renamedCommands, [["flushall", ""]]);
    assert.deepEqual(c.userDirectives, [["bob", "on", "nopass", "~*", "+@all"]]);

    // Without an include, save lines accumulate; command-line saves append too.
    const s = await run(["--save", "1", "2", "--save", "3", "4"], dir);
    assert.equal(s.save, "1 2 3 4");
    assert.equal((await run(["--save"], dir)).save, "");
    assert.equal((await run(["--save", "--port", "7003"], dir)).save, "");
    assert.equal((await run(["--save", ""], dir)).save, "");
    assert.equal((await run(["--save", "10 1 20 2"], dir)).save, "10 1 20 2");

    // replicaof as one quoted argument or two.
    assert.deepEqual((await run(["--replicaof", "127.0.0.1 7999"], dir)).replicaof, {
      host: "127.0.0.1",
      port: 7999,
    });
    assert.deepEqual(
      (await run(["--replicaof", "10.0.0.1", "6380"], dir)).get("replicaof"),
      "10.0.0.1 6380",
    );
    assert.equal((await run(["--slaveof", "no", "one"], dir)).replicaof, null);
    assert.equal((await run(["--port 7004"], dir)).port, 7004);

    // Config from stdin ("-"), then overrides.
    const st = await run(["-", "--timeout", "5"], dir, "timeout 1\nmaxclients 50\n");
    assert.equal(st.maxclients, 50);
    assert.equal(st.timeout, 5);
    assert.equal(st.configFile, null);

    // Wildcard includes: sorted, and no match is fine.
    await Deno.mkdir(`${dir}/conf.d`);
    await Deno.writeTextFile(`${dir}/conf.d/b.conf`, "timeout 2\n");
    await Deno.writeTextFile(`${dir}/conf.d/a.conf`, "timeout 1\ntcp-keepalive 7\n");
    const g = await run(["--include", `${dir}/conf.d/*.conf`, "--include", `${dir}/none/*.x`], dir);
    assert.equal(g.timeout, 2);
    assert.equal(g.tcpKeepalive, 7);
  });
});

Deno.test("start-up errors match redis-server's output", async () => {
  await withTempDir(async (dir) => {
    const e1 = await startupError(["--port", "7790", "--foo", "bar"], dir);
    assert.equal(
      e1.message,
      HEADER + "Reading the configuration file, at line 3\n>>> 'foo \"bar\"'\n" +
        "Bad directive or wrong number of arguments\n",
    );
    assert.equal(e1.viaLog, false);
    assert.equal(
      (await startupError(["--port", "99999"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'port \"99999\"'\n" +
        "argument must be between 0 and 65535 inclusive\n",
    );
    assert.equal(
      (await startupError(["--port", "1", "2"], dir)).message,
      HEADER + 'Reading the configuration file, at line 2\n>>> \'port "1" "2"\'\n' +
        "wrong number of arguments\n",
    );
    assert.equal(
      (await startupError(["--loglevel", "foo"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'loglevel \"foo\"'\n" +
        "argument(s) must be one of the following: debug, verbose, notice, warning, nothing\n",
    );
    assert.equal(
      (await startupError(["--dir", "/nonexistent-xyz"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'dir \"/nonexistent-xyz\"'\n" +
        "No such file or directory\n",
    );
    assert.equal(
      (await startupError(["--replicaof", "h", "x"], dir)).message,
      HEADER + 'Reading the configuration file, at line 2\n>>> \'replicaof "h" "x"\'\n' +
        "Invalid master port\n",
    );
    assert.equal(
      (await startupError(["--replicaof"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'replicaof'\n" +
        "wrong number of arguments\n",
    );

    await Deno.writeTextFile(`${dir}/q.conf`, 'port 1\n  \t\n# c\n  # x\nport "a"b\n');
    assert.equal(
      (await startupError(["q.conf"], dir)).message,
      HEADER + "Reading the configuration file, at line 5\n>>> 'port \"a\"b'\n" +
        "Unbalanced quotes in configuration line\n",
    );
    await Deno.writeTextFile(`${dir}/crlf.conf`, 'port 1\r\nfoo "bar baz"\r\n');
    assert.equal(
      (await startupError(["crlf.conf"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'foo \"bar baz\"'\n" +
        "Bad directive or wrong number of arguments\n",
    );
    assert.equal(
      (await startupError(["--logfile", "/nonexistent-xyz/x.log"], dir)).message,
      HEADER + "Can't open the log file: No such file or directory\n",
    );
    const missing = await startupError(["nonexist.conf"], dir);
    assert.equal(missing.viaLog, true);
    assert.equal(
      missing.message,
      `Fatal error, can't open config file '${dir}/nonexist.conf': No such file or directory`,
    );
    const inc = await startupError(["--include", "nope.conf"], dir);
    assert.equal(
      inc.message,
      "Fatal error, can't open config file 'nope.conf': No such file or directory",
    );
    assert.equal(
      (await startupError(["--a.b"], dir)).message,
      HEADER + "Reading the configuration file, at line 2\n>>> 'a.b'\n" +
        "Module config specified without value\n",
    );
  });
});

Deno.test("--help / --version", async () => {
  assert.deepEqual(await parseCommandLine(["--help"]), { action: "help" });
  assert.deepEqual(await parseCommandLine(["-h"]), { action: "help" });
  assert.deepEqual(await parseCommandLine(["-v"]), { action: "version" });
  assert.deepEqual(await parseCommandLine(["--version"]), { action: "version" });
  const help = helpText("./srv");
  assert.ok(help.startsWith("Usage: ./srv [/path/to/redis.conf] [options] [-]\n"));
  assert.ok(help.includes("./srv --port 7777 --replicaof 127.0.0.1 8888"));
  const none = await run([]);
  assert.equal(none.configFile, null);
  assert.deepEqual(none.startupArgs, []);
});

Deno.test("CONFIG REWRITE keeps the file's structure", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/inc.conf`, "");
    const original = [
      "# top comment",
      "",
      "port 7793",
      "daemonize no",
      `include ${dir}/inc.conf`,
      "",
      "",
      "slave-read-only yes",
      "hash-max-ziplist-entries 64",
      "save 900 1",
      "save 300 10",
      "   # indented comment",
      "maxmemory 1mb",
      "dbfilename dump2.rdb",
      "loglevel notice",
      "list-max-ziplist-entries 5",
      'logfile ""',
      'rename-command flushall ""',
      "",
    ].join("\n");
    await Deno.writeTextFile(`${dir}/r.conf`, original);
    const c = await run([`${dir}/r.conf`, "--dir", dir], "/");
    c.set("maxmemory", "2mb");
    c.set("notify-keyspace-events", "Ex");
    c.set("maxmemory-clients", "5%");
    c.set("requirepass", 'a"b c');
    c.set("slave-read-only", "no");
    c.set("hz", "20");
    await c.rewrite();
    const got = await Deno.readTextFile(`${dir}/r.conf`);
    // Same content valkey-server 8.0 writes for this scenario (appended lines in table order).
    const expected = [
      "# top comment",
      "",
      "port 7793",
      "daemonize no",
      `include ${dir}/inc.conf`,
      "",
      "replica-read-only no",
      "hash-max-listpack-entries 64",
      "save 300 10",
      "",
      "# indented comment",
      "maxmemory 2mb",
      'dbfilename "dump2.rdb"',
      "loglevel notice",
      "# ??? list-max-ziplist-entries 5",
      'logfile ""',
      'rename-command flushall ""',
      "",
      "# Generated by CONFIG REWRITE",
      'requirepass "a\\"b c"',
      "hz 20",
      "maxmemory-clients 5%",
      `dir "${dir}"`,
      'notify-keyspace-events "xE"',
      "latency-tracking-info-percentiles 50 99 99.9",
      "user default on sanitize-payload " +
      "#fbd8c84348437996e9292e431a9bbc633137909c0d30382fe89aa1ac41332834 ~* &* +@all",
      "",
    ].join("\n");
    assert.equal(got, expected);

    // The rewritten file loads back to the same values, and a second rewrite is stable.
    const again = await run([`${dir}/r.conf`], "/");
    assert.equal(again.maxmemory, 2 * 1048576);
    assert.equal(again.requirepass, 'a"b c');
    assert.equal(again.notifyKeyspaceEvents, "xE");
    assert.equal(again.replicaReadOnly, false);
    assert.equal(again.dir, dir);
    await again.rewrite();
    // The old file's final newline leaves an empty last line, kept as one blank line (as Redis).
    assert.equal(await Deno.readTextFile(`${dir}/r.conf`), expected + "\n");
    await again.rewrite();
    assert.equal(await Deno.readTextFile(`${dir}/r.conf`), expected + "\n");
    for await (const e of Deno.readDir(dir)) assert.ok(!e.name.startsWith("r.conf."), e.name);

    // Replicas get a replicaof line; bind is written when not the default.
    const fresh = `${dir}/new.conf`;
    const r = await run([fresh, "--replicaof", "127.0.0.1", "6380", "--bind", "0.0.0.0"], "/")
      .catch((e) => e);
    assert.ok(r instanceof StartupError && r.viaLog);
    await Deno.writeTextFile(fresh, "");
    const n = await run([fresh, "--replicaof", "127.0.0.1", "6380", "--bind", "0.0.0.0"], dir);
    n.aclRewriteLines = () => ["user default on nopass ~* &* +@all"];
    await n.rewrite();
    assert.equal(
      await Deno.readTextFile(fresh),
      [
        "# Generated by CONFIG REWRITE",
        `dir "${dir}"`,
        "save 3600 1",
        "save 300 100",
        "save 60 10000",
        "bind 0.0.0.0",
        "replicaof 127.0.0.1 6380",
        "latency-tracking-info-percentiles 50 99 99.9",
        "user default on nopass ~* &* +@all",
        "",
      ].join("\n"),
    );
  });
  try {
    await new Config("/").rewrite();
    assert.fail("expected an error");
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, "The server is running without a config file");
  }
});

Deno.test("keyspace event flags round-trip like notify.c", () => {
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("KEA")), "AKE");
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("An")), "A");
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("g$lshzxetd")), "A");
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("g$lshzxet")), "g$lshzxet");
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("nd")), "dn");
  assert.equal(keyspaceEventsFlagsToString(keyspaceEventsStringToFlags("AKEm")), "AKEm");
  assert.equal(keyspaceEventsStringToFlags("q"), -1);
  assert.equal(keyspaceEventsStringToFlags("A"), NOTIFY_ALL);
});

Deno.test("log lines: format, level filter, log file", async () => {
  const lines: string[] = [];
  const log = new Log({ loglevel: "notice", logfile: "" });
  log.stdoutWrite = (b) => void lines.push(new TextDecoder().decode(b));
  log.notice("hello");
  log.verbose("hidden");
  log.warning("warn");
  log.setServerRole(() => false);
  log.debug("hidden too");
  log.notice("x".repeat(2000));
  assert.equal(lines.length, 3);
  const re = new RegExp(
    `^${Deno.pid}:C \\d\\d [A-Z][a-z]{2} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\* hello\\n$`,
  );
  assert.match(lines[0], re);
  assert.match(lines[1], / # warn\n$/);
  assert.match(lines[2], new RegExp(`^${Deno.pid}:M `));
  assert.ok(lines[2].endsWith("x".repeat(1023) + "\n") && !lines[2].includes("x".repeat(1024)));
  assert.equal(formatLogTime(new Date(2026, 10, 2, 3, 4, 5, 6)), "02 Nov 2026 03:04:05.006");

  const banner: string[] = [];
  const b = new Log();
  b.stdoutWrite = (x) => void banner.push(new TextDecoder().decode(x));
  logStartupBanner(b, false, "./redis-server");
  assert.match(banner[0], / \* oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo\n$/);
  assert.match(
    banner[1],
    new RegExp(
      `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${Deno.pid}, just started`,
    ),
  );
  assert.match(
    banner[2],
    / # Warning: no config file specified, using the default config\. In order to specify a config file use \.\/redis-server \/path\/to\/redis\.conf\n$/,
  );

  await withTempDir(async (dir) => {
    const c = await loadConfigFromString(`logfile log.txt\nloglevel warning\ndir ${dir}\n`, dir);
    const fl = new Log(c);
    fl.notice("no");
    fl.warning("one");
    fl.warning("two");
    const text = await Deno.readTextFile(`${dir}/log.txt`);
    assert.equal(text.split("\n").filter((l) => l).length, 2);
    assert.match(text, / # one\n.* # two\n$/);
  });
});
