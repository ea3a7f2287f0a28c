// Tests for the server commands (src/commands/server.ts, src/commands/info.ts) and the
// command reference generator (scripts/gen_docs.ts). Expected texts come from Redis 7.2
// (source and INFO dumps of 7.2.4), checked against valkey-server 8.0 where it agrees;
// when valkey-server / redis-cli / redis-benchmark are installed they are used live.

import assert from "node:assert/strict";
import { createServer, startServer } from "../mod.ts";
import {
  cmd,
  connectRetry,
  freePort,
  RawClient,
  runsWith,
  tempDir,
  useCommand,
  withClient,
  withConnections,
  withServer,
} from "./helpers.ts";
import { HAS_REFERENCE, REFERENCE_IS_VALKEY, withReferenceClient } from "./reference.ts";
import { generateCommandsMarkdown } from "../scripts/gen_docs.ts";
import { parseCommandLine } from "../src/server/config_loader.ts";
import { Log } from "../src/server/log.ts";

const HAS_CLI = runsWith("redis-cli");
const HAS_BENCH = runsWith("redis-benchmark");

/** INFO text split into sections: name -> [field, value] lines. */
function parseInfo(text: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  let cur: [string, string][] | null = null;
  for (const line of text.split("\r\n")) {
    if (line.startsWith("# ")) {
      cur = [];
      out.set(line.slice(2), cur);
    } else if (line !== "" && cur) {
      const i = line.indexOf(":");
      cur.push([line.slice(0, i), line.slice(i + 1)]);
    }
  }
  return out;
}

async function info(c: RawClient, ...sections: string[]): Promise<string> {
  return (await cmd(c, "INFO", ...sections)) as string;
}

// ---------------------------------------------------------------------------------------------
// INFO

/** Field names of Redis 7.2.4's INFO sections, in order (genRedisInfoString). */
const FIELDS: Record<string, string[]> = {
  Server: [
    "redis_version",
    "redis_git_sha1",
    "redis_git_dirty",
    "redis_build_id",
    "redis_mode",
    "os",
    "arch_bits",
    "monotonic_clock",
    "multiplexing_api",
    "atomicvar_api",
    "gcc_version",
    "process_id",
    "process_supervised",
    "run_id",
    "tcp_port",
    "server_time_usec",
    "uptime_in_seconds",
    "uptime_in_days",
    "hz",
    "configured_hz",
    "lru_clock",
    "executable",
    "config_file",
    "io_threads_active",
    "listener0",
  ],
  Clients: [
    "connected_clients",
    "cluster_connections",
    "maxclients",
    "client_recent_max_input_buffer",
    "client_recent_max_output_buffer",
    "blocked_clients",
    "tracking_clients",
    "clients_in_timeout_table",
    "total_blocking_keys",
    "total_blocking_keys_on_nokey",
  ],
  Persistence: [
    "loading",
    "async_loading",
    "current_cow_peak",
    "current_cow_size",
    "current_cow_size_age",
    "current_fork_perc",
    "current_save_keys_processed",
    "current_save_keys_total",
    "rdb_changes_since_last_save",
    "rdb_bgsave_in_progress",
    "rdb_last_save_time",
    "rdb_last_bgsave_status",
    "rdb_last_bgsave_time_sec",
    "rdb_current_bgsave_time_sec",
    "rdb_saves",
    "rdb_last_cow_size",
    "rdb_last_load_keys_expired",
    "rdb_last_load_keys_loaded",
    "aof_enabled",
    "aof_rewrite_in_progress",
    "aof_rewrite_scheduled",
    "aof_last_rewrite_time_sec",
    "aof_current_rewrite_time_sec",
    "aof_last_bgrewrite_status",
    "aof_rewrites",
    "aof_rewrites_consecutive_failures",
    "aof_last_write_status",
    "aof_last_cow_size",
    "module_fork_in_progress",
    "module_fork_last_cow_size",
  ],
  Replication: [
    "role",
    "connected_slaves",
    "master_failover_state",
    "master_replid",
    "master_replid2",
    "master_repl_offset",
    "second_repl_offset",
    "repl_backlog_active",
    "repl_backlog_size",
    "repl_backlog_first_byte_offset",
    "repl_backlog_histlen",
  ],
  CPU: [
    "used_cpu_sys",
    "used_cpu_user",
    "used_cpu_sys_children",
    "used_cpu_user_children",
    "used_cpu_sys_main_thread",
    "used_cpu_user_main_thread",
  ],
  Cluster: ["cluster_enabled"],
};

/** Valkey 8 fields Redis 7.2 does not print, per section (for the live comparison). */
const VALKEY_ONLY = new Set([
  "server_name",
  "valkey_version",
  "availability_zone",
  "pubsub_clients",
  "watching_clients",
  "total_watched_keys",
  "allocator_muzzy",
  "mem_overhead_db_hashtable_rehashing",
  "evicted_scripts",
  "io_threaded_freed_objects",
  "io_threaded_poll_processed",
  "io_threaded_total_prefetch_batches",
  "io_threaded_total_prefetch_entries",
  "client_query_buffer_limit_disconnections",
  "client_output_buffer_limit_disconnections",
  "replicas_waiting_psync",
]);

Deno.test("INFO: default sections, field names and order of Redis 7.2", async () => {
  await withClient({}, async (c, srv) => {
    const text = await info(c);
    assert.ok(text.endsWith("\r\n") && !text.endsWith("\r\n\r\n"));
    const sections = parseInfo(text);
    assert.deepEqual([...sections.keys()], [
      "Server",
      "Clients",
      "Memory",
      "Persistence",
      "Stats",
      "Replication",
      "CPU",
      "Modules",
      "Errorstats",
      "Cluster",
      "Keyspace",
    ]);
    for (const [name, fields] of Object.entries(FIELDS)) {
      assert.deepEqual(sections.get(name)!.map((f) => f[0]), fields, name);
    }
    const server = new Map(sections.get("Server"));
    assert.equal(server.get("redis_version"), "7.2.4");
    assert.equal(server.get("redis_mode"), "standalone");
    assert.match(server.get("run_id")!, /^[0-9a-f]{40}$/);
    assert.equal(server.get("tcp_port"), String(srv.port));
    assert.equal(server.get("process_id"), String(Deno.pid));
    assert.equal(server.get("listener0"), `name=tcp,bind=127.0.0.1,bind=-::1,port=${srv.port}`);
    const repl = new Map(sections.get("Replication"));
    assert.equal(repl.get("role"), "master");
    assert.equal(repl.get("master_replid"), srv.server.repl.replid);
    assert.match(new Map(sections.get("CPU")).get("used_cpu_user")!, /^\d+\.\d{6}$/);
    const mem = new Map(sections.get("Memory"));
    assert.match(mem.get("used_memory_human")!, /^\d+(\.\d\d[KMGTP])?B?$/);
    assert.match(mem.get("used_memory_peak_perc")!, /^\d+\.\d\d%$/);
    // The run id is stable for the life of the server.
    const again = new Map(parseInfo(await info(c, "server")).get("Server"));
    assert.equal(again.get("run_id"), server.get("run_id"));
  });
});

Deno.test("INFO: section arguments, all, everything, unknown, RESP3 verbatim", async () => {
  await withClient({}, async (c) => {
    assert.deepEqual([...parseInfo(await info(c, "CPU", "cluster", "cpu")).keys()], [
      "CPU",
      "Cluster",
    ]);
    assert.equal(await c.call("INFO", "nosuch"), "$0\r\n\r\n");
    const all = [...parseInfo(await info(c, "all")).keys()];
    assert.deepEqual(all, [
      "Server",
      "Clients",
      "Memory",
      "Persistence",
      "Stats",
      "Replication",
      "CPU",
      "Modules",
      "Commandstats",
      "Errorstats",
      "Latencystats",
      "Cluster",
      "Keyspace",
    ]);
    assert.deepEqual([...parseInfo(await info(c, "everything")).keys()], all);
    assert.deepEqual([...parseInfo(await info(c, "default", "commandstats")).keys()], [
      "Server",
      "Clients",
      "Memory",
      "Persistence",
      "Stats",
      "Replication",
      "CPU",
      "Modules",
      "Commandstats",
      "Errorstats",
      "Cluster",
      "Keyspace",
    ]);
    await c.call("SET", "a", "1");
    assert.equal(await info(c, "keyspace"), "# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n");
    await c.call("HELLO", "3");
    assert.equal(await c.call("INFO", "nosuch"), "=4\r\ntxt:\r\n");
    const raw = await c.call("INFO", "cluster");
    assert.equal(raw, "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n");
  });
});

Deno.test("INFO: persistence and stats follow the server state", async () => {
  await withClient({}, async (c, srv) => {
    await c.call("SET", "a", "1");
    await c.call("SET", "b", "2");
    await c.call("GET", "a");
    await c.call("GET", "zz");
    const p = new Map(parseInfo(await info(c, "persistence", "stats")).get("Persistence"));
    assert.equal(p.get("rdb_changes_since_last_save"), String(srv.server.dirty));
    assert.equal(p.get("rdb_last_save_time"), String(srv.server.lastSave));
    assert.equal(p.get("aof_enabled"), "0");
    const s = new Map(parseInfo(await info(c, "stats")).get("Stats"));
    assert.equal(s.get("keyspace_hits"), String(srv.server.stats.keyspaceHits));
    assert.equal(s.get("total_connections_received"), "1");
    assert.ok(Number(s.get("total_commands_processed")) >= 5);
    assert.ok(!s.has("client_query_buffer_limit_disconnections"));
    assert.equal(s.get("expired_stale_perc"), "0.00");
  });
});

Deno.test({
  name: "INFO: same fields as valkey-server minus its own additions",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    let ref = new Map<string, string[]>();
    await withReferenceClient(async (v) => {
      const text = (await cmd(v, "INFO", "everything")) as string;
      for (const [sec, fields] of parseInfo(text)) {
        ref.set(sec, fields.map((f) => f[0]).filter((f) => !VALKEY_ONLY.has(f)));
      }
    });
    ref = new Map([...ref].filter(([s]) => !["Commandstats", "Latencystats"].includes(s)));
    await withClient({}, async (c) => {
      const ours = parseInfo(await info(c, "everything"));
      for (const [sec, fields] of ref) {
        let want = fields;
        if (sec === "Server" && REFERENCE_IS_VALKEY) {
          // Valkey renames redis_mode and dropped atomicvar_api.
          want = fields.map((f) => f === "server_mode" ? "redis_mode" : f);
          want.splice(want.indexOf("multiplexing_api") + 1, 0, "atomicvar_api");
        }
        assert.deepEqual(ours.get(sec)!.map((f) => f[0]), want, sec);
      }
    });
  },
});

Deno.test("INFO commandstats / errorstats count calls, rejections, failures", async () => {
  await withClient({}, async (c) => {
    await c.call("RPUSH", "list", "x");
    await c.call("GET", "k");
    await c.call("GET", "k");
    assert.equal(await c.call("GET"), "-ERR wrong number of arguments for 'get' command\r\n");
    assert.match(await c.call("GET", "list"), /^-WRONGTYPE /);
    await c.call("NOSUCHCMD");
    await c.call("CONFIG", "GET", "port");
    await c.call("CONFIG", "NOSUCH");
    const stats = new Map(
      parseInfo(await info(c, "commandstats", "errorstats")).get("Commandstats"),
    );
    assert.match(
      stats.get("cmdstat_get")!,
      /^calls=3,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=1,failed_calls=1$/,
    );
    assert.match(stats.get("cmdstat_config|get")!, /^calls=1,usec=\d+,usec_per_call=\d+\.\d\d,/);
    assert.ok(!stats.has("cmdstat_nosuchcmd"));
    assert.equal(
      await info(c, "errorstats"),
      "# Errorstats\r\nerrorstat_ERR:count=3\r\nerrorstat_WRONGTYPE:count=1\r\n",
    );
    const st = new Map(parseInfo(await info(c, "stats")).get("Stats"));
    assert.equal(st.get("total_error_replies"), "4");
    // CONFIG RESETSTAT clears command, error and server stats.
    assert.equal(await c.call("CONFIG", "RESETSTAT"), "+OK\r\n");
    assert.equal(await info(c, "errorstats"), "# Errorstats\r\n");
    const after = parseInfo(await info(c, "commandstats")).get("Commandstats")!;
    assert.deepEqual(after.map((f) => f[0]).sort(), ["cmdstat_config|resetstat", "cmdstat_info"]);
    const st2 = new Map(parseInfo(await info(c, "stats")).get("Stats"));
    assert.equal(st2.get("total_error_replies"), "0");
    assert.equal(st2.get("total_connections_received"), "0");
  });
});

// ---------------------------------------------------------------------------------------------
// CONFIG

Deno.test("CONFIG GET / SET round trip, atomic multi-set, RESP2 and RESP3 shapes", async () => {
  await withClient({}, async (c, srv) => {
    assert.equal(await c.call("CONFIG", "SET", "maxmemory", "10mb"), "+OK\r\n");
    assert.equal(
      await c.call("CONFIG", "GET", "maxmemory"),
      "*2\r\n$9\r\nmaxmemory\r\n$8\r\n10485760\r\n",
    );
    assert.equal(
      await c.call("CONFIG", "SET", "maxmemory", "1mb", "maxmemory-policy", "allkeys-lru"),
      "+OK\r\n",
    );
    assert.deepEqual(await cmd(c, "CONFIG", "GET", "maxmemory", "maxmemory-policy"), [
      "maxmemory",
      "1048576",
      "maxmemory-policy",
      "allkeys-lru",
    ]);
    // A failing pair leaves every value unchanged.
    assert.equal(
      await c.call("CONFIG", "SET", "maxmemory", "20mb", "maxmemory-policy", "nosuch"),
      "-ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\r\n",
    );
    assert.equal(srv.server.config.maxmemory, 1048576);
    assert.equal(
      await c.call("CONFIG", "SET", "maxmemory", "1", "maxmemory"),
      "-ERR syntax error\r\n",
    );
    assert.equal(
      await c.call("CONFIG", "SET", "nosuch", "1"),
      "-ERR Unknown option or number of arguments for CONFIG SET - 'nosuch'\r\n",
    );
    assert.equal(
      await c.call("CONFIG", "SET", "daemonize", "yes"),
      "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n",
    );
    assert.equal(await c.call("CONFIG", "GET", "nosuch*"), "*0\r\n");
    assert.equal(
      await c.call("CONFIG", "GET"),
      "-ERR wrong number of arguments for 'config|get' command\r\n",
    );
    assert.equal(
      await c.call("CONFIG", "REWRITE"),
      "-ERR The server is running without a config file\r\n",
    );
    await c.call("HELLO", "3");
    assert.equal(
      await c.call("CONFIG", "GET", "maxmemory"),
      "%1\r\n$9\r\nmaxmemory\r\n$7\r\n1048576\r\n",
    );
    const help = (await cmd(c, "config", "help")) as string[];
    assert.equal(help[0], "CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    assert.deepEqual(help.slice(-2), ["HELP", "    Print this help."]);
  });
});

Deno.test("CONFIG REWRITE writes the config file the server started with", async () => {
  const [dir, cleanup] = await tempDir();
  const file = `${dir}/redis.conf`;
  await Deno.writeTextFile(file, "# my config\nport 0\nmaxmemory 1mb\n");
  const parsed = await parseCommandLine([file, "--save", "", "--loglevel", "warning"]);
  assert.equal(parsed.action, "run");
  const config = (parsed as { config: import("../src/server/config.ts").Config }).config;
  const server = createServer(config, new Log(config));
  server.listen();
  try {
    const c = await RawClient.connect(server.port);
    try {
      await c.call("CONFIG", "SET", "maxmemory", "2mb");
      // Pipelined: the reply of the command after REWRITE waits for REWRITE's.
      await c.send("CONFIG", "REWRITE");
      await c.send("PING");
      assert.equal(await c.readRaw(), "+OK\r\n");
      assert.equal(await c.readRaw(), "+PONG\r\n");
      const text = await Deno.readTextFile(file);
      assert.match(text, /^# my config\n/);
      assert.match(text, /\nmaxmemory 2mb\n/);
      const stats = new Map(parseInfo(await info(c, "commandstats")).get("Commandstats"));
      assert.match(stats.get("cmdstat_config|rewrite")!, /^calls=1,/);
    } finally {
      c.close();
    }
  } finally {
    await server.close();
    await cleanup();
  }
});

// ---------------------------------------------------------------------------------------------
// COMMAND

/** COMMAND INFO entries with subcommands sorted by name (Redis lists them in dict order). */
function normalizeInfo(entry: unknown): unknown {
  if (!Array.isArray(entry)) return entry;
  const e = [...entry];
  e[9] = (e[9] as unknown[]).map(normalizeInfo).sort((a, b) =>
    String((a as unknown[])[0]).localeCompare(String((b as unknown[])[0]))
  );
  return e;
}

/** COMMAND DOCS maps, recursively, as plain sorted objects. */
function normalizeDocs(v: unknown): unknown {
  if (v instanceof Map) {
    const keys = [...v.keys()].map(String).sort();
    return Object.fromEntries(keys.map((k) => [k, normalizeDocs(v.get(k))]));
  }
  if (Array.isArray(v)) return v.map(normalizeDocs);
  return v;
}

/**
 * Puts back the "Redis" that Valkey took out of these texts; tests/command_table_test.ts
 * lists every such difference.
 */
function redisWording(docs: unknown): unknown {
  const d = docs as Record<string, Record<string, unknown>>;
  const commands = "O(N) where N is the total number of Redis commands";
  if (d.command) {
    d.command.complexity = commands;
    (d.command.subcommands as Record<string, Record<string, unknown>>)["command|list"]
      .complexity = commands;
  }
  if (d.shutdown) {
    d.shutdown.summary =
      "Synchronously saves the database(s) to disk and shuts down the Redis server.";
  }
  return docs;
}

const OWN_COMMANDS = [
  "info",
  "config",
  "command",
  "time",
  "lastsave",
  "debug",
  "shutdown",
  "monitor",
  "slowlog",
  "latency",
];

Deno.test({
  name: "COMMAND INFO / DOCS match valkey-server (RESP3 shapes, flags, keys, docs)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const names = [...OWN_COMMANDS, "get", "config|get", "nosuch"];
    const ref: unknown[] = [];
    await withReferenceClient(async (v) => {
      await v.call("HELLO", "3");
      for (const n of names) {
        ref.push(normalizeInfo((await cmd(v, "COMMAND", "INFO", n) as unknown[])[0]));
        const docs = normalizeDocs(await cmd(v, "COMMAND", "DOCS", n));
        ref.push(REFERENCE_IS_VALKEY ? redisWording(docs) : docs);
      }
    });
    await withClient({}, async (c) => {
      await c.call("HELLO", "3");
      let i = 0;
      for (const n of names) {
        const infoReply = normalizeInfo((await cmd(c, "COMMAND", "INFO", n) as unknown[])[0]);
        assert.deepEqual(infoReply, ref[i++], `COMMAND INFO ${n}`);
        assert.deepEqual(normalizeDocs(await cmd(c, "COMMAND", "DOCS", n)), ref[i++], n);
      }
    });
  },
});

Deno.test("COMMAND INFO / DOCS exact bytes for GET; COUNT, LIST, bare COMMAND", async () => {
  await withClient({}, async (c, srv) => {
    assert.equal(
      await c.call("COMMAND", "INFO", "nosuch", "GET"),
      "*2\r\n$-1\r\n*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n" +
        "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n" +
        "+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n" +
        "*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n" +
        "$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n" +
        "*0\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "DOCS", "time"),
      "*2\r\n$4\r\ntime\r\n*8\r\n$7\r\nsummary\r\n$24\r\nReturns the server time.\r\n" +
        "$5\r\nsince\r\n$5\r\n2.6.0\r\n$5\r\ngroup\r\n$6\r\nserver\r\n$10\r\ncomplexity\r\n" +
        "$4\r\nO(1)\r\n",
    );
    assert.equal(await c.call("COMMAND", "DOCS", "nosuch"), "*0\r\n");
    const count = Number(await cmd(c, "COMMAND", "COUNT"));
    assert.equal(count, srv.server.commands.size);
    const all = (await cmd(c, "COMMAND")) as unknown[][];
    assert.equal(all.length, count);
    assert.deepEqual(
      all.map((e) => e[0]).sort(),
      [...srv.server.commands.all()].map((x) => x.name).sort(),
    );
    const list = (await cmd(c, "COMMAND", "LIST")) as string[];
    assert.ok(list.includes("config|get") && list.includes("get"));
    assert.deepEqual(await cmd(c, "COMMAND", "LIST", "FILTERBY", "PATTERN", "slowlog*"), [
      "slowlog",
      "slowlog|get",
      "slowlog|len",
      "slowlog|reset",
      "slowlog|help",
    ]);
    const admin = (await cmd(c, "COMMAND", "LIST", "FILTERBY", "ACLCAT", "admin")) as string[];
    assert.ok(admin.includes("config|set") && admin.includes("debug") && !admin.includes("get"));
    assert.equal(await c.call("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"), "*0\r\n");
    assert.equal(await c.call("COMMAND", "LIST", "FILTERBY", "MODULE", "x"), "*0\r\n");
    assert.equal(await c.call("COMMAND", "LIST", "FILTERBY", "x", "y"), "-ERR syntax error\r\n");
    assert.equal(await c.call("COMMAND", "LIST", "FILTERBY"), "-ERR syntax error\r\n");
    assert.equal(
      await c.call("COMMAND", "COUNT", "x"),
      "-ERR wrong number of arguments for 'command|count' command\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "foo"),
      "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n",
    );
    const info = (await cmd(c, "COMMAND", "INFO", "config|get")) as unknown[][];
    assert.equal(info[0][0], "config|get");
    const help = (await cmd(c, "COMMAND", "HELP")) as string[];
    assert.equal(help.length, 21);
    assert.equal(help[2], "    Return details about all Redis commands.");
  });
});

Deno.test("COMMAND GETKEYS / GETKEYSANDFLAGS and their errors", async () => {
  await withClient({}, async (c) => {
    assert.equal(await c.call("COMMAND", "GETKEYS", "get", "k"), "*1\r\n$1\r\nk\r\n");
    assert.deepEqual(await cmd(c, "COMMAND", "GETKEYS", "mset", "a", "1", "b", "2"), ["a", "b"]);
    assert.equal(
      await c.call("COMMAND", "GETKEYSANDFLAGS", "get", "k"),
      "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+RO\r\n+access\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "nosuch", "a"),
      "-ERR Invalid command specified\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "config", "foo"),
      "-ERR Invalid command specified\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "ping", "x"),
      "-ERR The command has no key arguments\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "config", "get", "x"),
      "-ERR The command has no key arguments\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "get"),
      "-ERR Invalid number of arguments specified for command\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS", "get", "a", "b"),
      "-ERR Invalid number of arguments specified for command\r\n",
    );
    assert.equal(
      await c.call("COMMAND", "GETKEYS"),
      "-ERR wrong number of arguments for 'command|getkeys' command\r\n",
    );
  });
});

// ---------------------------------------------------------------------------------------------
// SLOWLOG, MONITOR, TIME, LASTSAVE, LATENCY

Deno.test({
  name: "SLOWLOG logs a rewritten command as the client sent it (compared with valkey)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const steps: string[][] = [
      ["SET", "k", "v", "EX", "100"],
      ["EXPIRE", "k", "200"],
      ["GETEX", "k", "PX", "5000"],
      ["INCRBYFLOAT", "f", "1.5"],
      ["GEOADD", "g", "13.361389", "38.115556", "Palermo"],
      ["SADD", "s", "a"],
      ["SPOP", "s"],
      ["RPUSH", "l", "x"],
      ["BLPOP", "l", "0"],
    ];
    const run = async (c: RawClient) => {
      await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
      await c.call("SLOWLOG", "RESET");
      for (const s of steps) await c.call(...s);
      const all = (await cmd(c, "SLOWLOG", "GET", "-1")) as unknown[][];
      return all.map((e) => e[3]).reverse().slice(1);
    };
    let ref: unknown[] = [];
    await withReferenceClient(async (v) => {
      ref = await run(v);
    });
    await withClient({}, async (c) => {
      const ours = await run(c);
      assert.deepEqual(ours, steps);
      assert.deepEqual(ours, ref);
    });
  },
});

Deno.test("SLOWLOG with slowlog-log-slower-than 0", async () => {
  await withClient({}, async (c) => {
    await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
    await c.call("SLOWLOG", "RESET");
    await c.call("CLIENT", "SETNAME", "me");
    await c.call("SET", "foo", "bar");
    const entries = (await cmd(c, "SLOWLOG", "GET", "1")) as unknown[][];
    assert.equal(entries.length, 1);
    const [id, time, duration, args, addr, name] = entries[0];
    assert.equal(typeof id, "number");
    assert.ok(Math.abs((time as number) - Date.now() / 1000) < 5);
    assert.ok((duration as number) >= 0);
    assert.deepEqual(args, ["SET", "foo", "bar"]);
    assert.match(addr as string, /^127\.0\.0\.1:\d+$/);
    assert.equal(name, "me");
    // RESET, SETNAME, SET and GET are logged; LEN replies before its own entry is.
    assert.equal(await c.call("SLOWLOG", "LEN"), ":4\r\n");
    // -1 means all; the newest entry comes first.
    const every = (await cmd(c, "SLOWLOG", "GET", "-1")) as unknown[][];
    assert.deepEqual(every.map((e) => e[3]), [
      ["SLOWLOG", "LEN"],
      ["SLOWLOG", "GET", "1"],
      ["SET", "foo", "bar"],
      ["CLIENT", "SETNAME", "me"],
      ["SLOWLOG", "RESET"],
    ]);
    // Secrets are redacted.
    await c.call("CONFIG", "SET", "masterauth", "s3cret");
    const last = ((await cmd(c, "SLOWLOG", "GET", "1")) as unknown[][])[0];
    assert.deepEqual(last[3], ["CONFIG", "SET", "masterauth", "(redacted)"]);
    assert.equal(
      await c.call("SLOWLOG", "GET", "-2"),
      "-ERR count should be greater than or equal to -1\r\n",
    );
    assert.equal(
      await c.call("SLOWLOG", "GET", "abc"),
      "-ERR count should be greater than or equal to -1\r\n",
    );
    assert.equal(
      await c.call("SLOWLOG", "get", "1", "2"),
      "-ERR unknown subcommand or wrong number of arguments for 'get'. Try SLOWLOG HELP.\r\n",
    );
    assert.equal(await c.call("SLOWLOG", "RESET"), "+OK\r\n");
    assert.equal(await c.call("SLOWLOG", "LEN"), ":1\r\n"); // the RESET itself
    const help = (await cmd(c, "SLOWLOG", "HELP")) as string[];
    assert.equal(help.length, 12);
    assert.equal(help[0], "SLOWLOG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  });
});

Deno.test("MONITOR receives another client's commands", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([mon, other]) => {
      assert.equal(await mon.call("MONITOR"), "+OK\r\n");
      assert.equal(await other.call("SET", "k", 'v "q"'), "+OK\r\n");
      const line = await mon.readRaw();
      assert.match(line, /^\+\d+\.\d{6} \[0 127\.0\.0\.1:\d+\] "SET" "k" "v \\"q\\""\r\n$/);
      // Admin commands are not shown; a second MONITOR gets no reply.
      await other.call("CONFIG", "GET", "port");
      await other.call("SELECT", "1");
      await other.call("GET", "x");
      assert.match(await mon.readRaw(), /"SELECT" "1"\r\n$/);
      assert.match(await mon.readRaw(), /^\+\d+\.\d{6} \[1 127\.0\.0\.1:\d+\] "GET" "x"\r\n$/);
      // Timestamps are the machine's microseconds: they never go back.
      let last = 0;
      for (let i = 0; i < 50; i++) {
        await other.call("GET", "x");
        const stamp = Number((await mon.readRaw()).slice(1).split(" ")[0]) * 1e6;
        assert.ok(stamp >= last, `MONITOR time went back: ${stamp} < ${last}`);
        assert.ok(Math.abs(stamp / 1000 - Date.now()) < 5000);
        last = stamp;
      }
      assert.equal(srv.server.monitors.size, 1);
      assert.equal(
        await other.call("MULTI") + await other.call("MONITOR") + await other.call("EXEC"),
        "+OK\r\n+QUEUED\r\n*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n",
      );
    });
  });
});

Deno.test("TIME, LASTSAVE, LATENCY", async () => {
  await withClient({}, async (c, srv) => {
    const [sec, usec] = (await cmd(c, "TIME")) as string[];
    assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
    assert.match(usec, /^\d{1,6}$/);
    assert.equal(await c.call("LASTSAVE"), `:${srv.server.lastSave}\r\n`);
    assert.equal(
      await c.call("TIME", "x"),
      "-ERR wrong number of arguments for 'time' command\r\n",
    );
    assert.equal(await c.call("LATENCY", "LATEST"), "*0\r\n");
    assert.equal(await c.call("LATENCY", "HISTORY", "command"), "*0\r\n");
    assert.equal(await c.call("LATENCY", "RESET"), ":0\r\n");
    assert.equal(
      await c.call("LATENCY", "GRAPH", "command"),
      "-ERR No samples available for event 'command'\r\n",
    );
    assert.match(
      (await cmd(c, "LATENCY", "DOCTOR")) as string,
      /^I'm sorry, Dave, I can't do that\. Latency monitoring is disabled/,
    );
    await c.call("HELLO", "3");
    const h = (await cmd(c, "LATENCY", "HISTOGRAM", "time")) as Map<string, Map<string, unknown>>;
    assert.equal(h.get("time")!.get("calls"), 1); // the rejected TIME x does not count
    assert.equal((await cmd(c, "LATENCY", "HELP") as string[]).length, 17);
  });
});

// ---------------------------------------------------------------------------------------------
// DEBUG, SHUTDOWN

Deno.test({
  name: "DEBUG POPULATE: keys, prefix, size, existing keys kept, errors (compared with valkey)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const steps: (string | number)[][] = [
      ["SET", "key:1", "mine"],
      ["DEBUG", "POPULATE", "3"],
      ["DEBUG", "POPULATE", "2", "p"],
      ["DEBUG", "POPULATE", "2", "z", "3"],
      ["DEBUG", "POPULATE", "2", "w", "12"],
      ["DEBUG", "POPULATE", "1", "nul\0cut"],
      ["DEBUG", "POPULATE", "1", "x".repeat(200)],
      ["DEBUG", "POPULATE", "0"],
      ["DEBUG", "POPULATE", "-1"],
      ["DEBUG", "POPULATE", "abc"],
      ["DEBUG", "POPULATE", "1", "q", "-5"],
      ["DEBUG", "POPULATE", "1", "q", "1", "extra"],
      ["DBSIZE"],
      ["GET", "key:0"],
      ["GET", "key:1"],
      ["GET", "p:1"],
      ["GET", "z:1"],
      ["GET", "w:0"],
      ["KEYS", "nul*"],
      ["STRLEN", "x".repeat(125) + ":0"],
      ["EXISTS", "x".repeat(200) + ":0"],
      ["DEBUG", "DIGEST"],
    ];
    const run = async (c: RawClient) => {
      const out: string[] = [];
      for (const s of steps) out.push(await c.call(...s));
      return out;
    };
    let ref: string[] = [];
    await withReferenceClient(async (v) => {
      ref = await run(v);
    }, ["--enable-debug-command", "yes"]);
    await withClient({ "enable-debug-command": "yes" }, async (c) => {
      const ours = await run(c);
      assert.equal(ours[1], "+OK\r\n");
      assert.equal(ours[12], ":11\r\n");
      assert.equal(ours[13], "$7\r\nvalue:0\r\n");
      assert.equal(ours[14], "$4\r\nmine\r\n");
      assert.deepEqual(ours, ref);
    });
  },
});

Deno.test("DEBUG needs enable-debug-command; SLEEP, SET-ACTIVE-EXPIRE, OBJECT, PROTOCOL", async () => {
  await withClient({}, async (c) => {
    assert.equal(
      await c.call("DEBUG", "SLEEP", "0"),
      '-ERR DEBUG command not allowed. If the enable-debug-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n',
    );
    const stats = new Map(parseInfo(await info(c, "commandstats")).get("Commandstats"));
    assert.match(stats.get("cmdstat_debug")!, /^calls=0,.*rejected_calls=1,failed_calls=0$/);
  });
  await withClient({ "enable-debug-command": "yes" }, async (c, srv) => {
    assert.equal(await c.call("DEBUG", "SLEEP", "0"), "+OK\r\n");
    const t0 = performance.now();
    assert.equal(await c.call("DEBUG", "SLEEP", "0.05"), "+OK\r\n");
    assert.ok(performance.now() - t0 >= 45);
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), "+OK\r\n");
    assert.equal(srv.server.activeExpireEnabled, false);
    assert.equal(await c.call("DEBUG", "SET-ACTIVE-EXPIRE", "1"), "+OK\r\n");
    assert.equal(srv.server.activeExpireEnabled, true);
    assert.equal(
      await c.call("DEBUG", "SLEEP"),
      "-ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP.\r\n",
    );
    assert.equal(
      await c.call("DEBUG", "nosuch"),
      "-ERR unknown subcommand or wrong number of arguments for 'nosuch'. Try DEBUG HELP.\r\n",
    );
    assert.equal(await c.call("DEBUG", "OBJECT", "nokey"), "-ERR no such key\r\n");
    await c.call("SET", "foo", "bar");
    assert.match(
      await c.call("DEBUG", "OBJECT", "foo"),
      /^\+Value at:0x[0-9a-f]+ refcount:1 encoding:embstr serializedlength:4 lru:\d+ lru_seconds_idle:\d+\r\n$/,
    );
    await c.call("SET", "n", "12");
    assert.match(await c.call("DEBUG", "OBJECT", "n"), / refcount:2147483647 encoding:int /);
    await c.call("RPUSH", "l", "a", "b", "c");
    assert.match(
      await c.call("DEBUG", "OBJECT", "l"),
      / encoding:listpack serializedlength:19 /,
    );
    const replid = srv.server.repl.replid;
    assert.equal(await c.call("DEBUG", "CHANGE-REPL-ID"), "+OK\r\n");
    assert.notEqual(srv.server.repl.replid, replid);
    assert.equal(await c.call("DEBUG", "PROTOCOL", "double"), "$5\r\n3.141\r\n");
    assert.equal(
      await c.call("DEBUG", "PROTOCOL", "push"),
      "-ERR RESP2 is not supported by this command\r\n",
    );
    await c.call("HELLO", "3");
    assert.equal(
      await c.call("DEBUG", "PROTOCOL", "map"),
      "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n",
    );
    assert.equal(
      await c.call("DEBUG", "PROTOCOL", "verbatim"),
      "=29\r\ntxt:This is a verbatim\nstring\r\n",
    );
    const help = (await cmd(c, "DEBUG", "HELP")) as string[];
    assert.equal(help[0], "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
  });
});

Deno.test("SHUTDOWN closes an in-process server without a reply", async () => {
  const srv = await startServer({});
  let shutdownCalled = false;
  srv.closed.then(() => {
    shutdownCalled = true;
  });
  try {
    const c = await RawClient.connect(srv.port);
    try {
      assert.equal(await c.call("SHUTDOWN", "FOO"), "-ERR syntax error\r\n");
      assert.equal(await c.call("SHUTDOWN", "NOSAVE", "SAVE"), "-ERR syntax error\r\n");
      assert.equal(await c.call("SHUTDOWN", "ABORT", "NOW"), "-ERR syntax error\r\n");
      assert.equal(await c.call("SHUTDOWN", "ABORT"), "-ERR No shutdown in progress.\r\n");
      assert.equal(
        await c.call("MULTI") + await c.call("SHUTDOWN") + await c.call("DISCARD"),
        "+OK\r\n-ERR Command not allowed inside a transaction\r\n+OK\r\n",
      );
      await c.send("SHUTDOWN", "NOSAVE");
      assert.equal(await c.readUntilClosed(), "");
    } finally {
      c.close();
    }
    await srv.closed;
    assert.ok(shutdownCalled);
    await assert.rejects(
      () => Deno.connect({ hostname: "127.0.0.1", port: srv.port }),
      Deno.errors.ConnectionRefused,
    );
  } finally {
    await srv.close();
  }
});

// ---------------------------------------------------------------------------------------------
// Real clients against a server process

async function withProcessServer(fn: (port: number) => Promise<void>): Promise<void> {
  const port = freePort();
  const main = new URL("../main.ts", import.meta.url).pathname;
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", main, "--port", String(port), "--save", "", "--loglevel", "warning"],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    (await connectRetry(port)).close();
    await fn(port);
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* exited */ }
    await proc.status;
  }
}

async function run(cmdName: string, args: string[]): Promise<string> {
  useCommand(cmdName);
  const out = await new Deno.Command(cmdName, { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return dec.decode(out.stdout) + dec.decode(out.stderr);
}

Deno.test({
  name: "redis-cli and redis-benchmark against a server process",
  ignore: !HAS_CLI,
  fn: async () => {
    await withProcessServer(async (port) => {
      const p = String(port);
      assert.equal(await run("redis-cli", ["-p", p, "ping"]), "PONG\n");
      assert.match(
        await run("redis-cli", ["-p", p, "info", "server"]),
        /^# Server\r\nredis_version:7\.2\.4\r\n/,
      );
      assert.equal(await run("redis-cli", ["-p", p, "config", "get", "save"]), "save\n\n");
      assert.match(
        await run("redis-cli", ["-p", p, "command", "docs", "get"]),
        /^get\nsummary\nReturns the string value of a key\.\n/,
      );
      if (HAS_BENCH) {
        const out = await run("redis-benchmark", ["-p", p, "-q", "-n", "1000", "-t", "set,get"]);
        assert.doesNotMatch(out, /WARN/i);
        assert.match(out, /SET: [\d.]+ requests per second/);
        assert.match(out, /GET: [\d.]+ requests per second/);
      }
    });
  },
});

// ---------------------------------------------------------------------------------------------
// docs/commands.md

Deno.test("docs/commands.md is up to date (run `deno task docs` after changing the table)", async () => {
  const path = new URL("../docs/commands.md", import.meta.url);
  const current = await Deno.readTextFile(path);
  const fresh = generateCommandsMarkdown();
  assert.ok(current === fresh, "docs/commands.md is stale: run `deno task docs`");
  assert.match(
    fresh,
    /\| `CONFIG GET` \| -3 \| admin, noscript, loading, stale \| - \| 2\.0\.0 \|/,
  );
});
