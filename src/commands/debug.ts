/** DEBUG (Redis's debug.c): the subcommands tests and tools rely on. */

import type { Client } from "../server/client.ts";
import { memtoull } from "../server/config_file.ts";
import { randomReplId } from "../replication/state.ts";
import { RedisList, setQuicklistPackedThreshold } from "../store/list.ts";
import { bytesToText, cString, textToBytes } from "../util/bytes.ts";
import { strtodPrefix } from "../util/strtod.ts";
import { replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { dbAdd, lookupKeyWrite, objectEncoding, objectRefcount } from "./keyspace.ts";
import { getPositiveLong } from "./args.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { datasetDigest, keyValueDigest } from "../persistence/digest.ts";
import { serializedLength } from "../persistence/rdb_writer.ts";
import { persistenceOf } from "../persistence/persistence.ts";
import { loadRdbFile } from "../persistence/load.ts";

const DEBUG_HELP = [
  "AOF-FLUSH-SLEEP <microsec>",
  "    Server will sleep before flushing the AOF, this is used for testing.",
  "ASSERT",
  "    Crash by assertion failed.",
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Like CONFIG REWRITE but writes all configuration options, including",
  "    keywords not listed in original configuration file or default values.",
  "CRASH-AND-RECOVER [<milliseconds>]",
  "    Hard crash and restart after a <milliseconds> delay (default 0).",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "LEAK <string>",
  "    Create a memory leak of the input string.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "HTSTATS <dbid>",
  "    Return hash table statistics of the specified Redis database.",
  "HTSTATS-KEY <key>",
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "REPLICATE <string>",
  "    Replicates the provided string to replicas, allowing data divergence.",
  "MALLCTL <key> [<val>]",
  "    Get or set a malloc tuning integer.",
  "MALLCTL-STR <key> [<val>]",
  "    Get or set a malloc tuning string.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "DROP-CLUSTER-PACKET-FILTER <packet-type>",
  "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
  "OOM",
  "    Crash the server simulating an out-of-memory error.",
  "PANIC",
  "    Crash the server simulating a panic.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "RESTART [<milliseconds>]",
  "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
  "SDSLEN <key>",
  "    Show low level SDS string info representing `key` and value.",
  "SEGFAULT",
  "    Crash the server with sigsegv.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "STRINGMATCH-TEST",
  "    Run a fuzz tester against the stringmatchlen() function.",
  "STRUCTSIZE",
  "    Return the size of different Redis core C structures.",
  "LISTPACK <key>",
  "    Show low level info about the listpack encoding of <key>.",
  "QUICKLIST <key> [<0|1>]",
  "    Show low level info about the quicklist encoding of <key>.",
  "    The optional argument (0 by default) sets the level of detail",
  "CLIENT-EVICTION",
  "    Show low level client eviction pools info (maxmemory-clients).",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
  "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
  "    In case NEVER is provided the last observed peak will never be reset",
  "    In case RESET is provided the peak reset time will be restored to the default value",
  "REPLYBUFFER RESIZING <0|1>",
  "    Enable or disable the reply buffer resize cron job",
  "CLUSTERLINK KILL <to|from|all> <node-id>",
  "    Kills the link based on the direction to/from (both) with the provided node.",
];

/** C atoi: optional spaces and sign, then digits; 0 when none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** Blocks the whole server for `ms`, as DEBUG SLEEP's nanosleep does. */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + ms;
  let left = ms;
  while (left > 0) {
    Atomics.wait(cell, 0, 0, Math.min(left, 0x7fffffff));
    left = until - performance.now();
  }
}

function debugCommand(c: Client): void {
  const sub = c.lower(1);
  const server = c.server;
  if (sub === "help" && c.argc === 2) {
    replyHelp(c, DEBUG_HELP);
  } else if (sub === "sleep" && c.argc === 3) {
    // strtod, then C's cast to long long: out of its range (inf, nan, huge) x86-64 gives
    // LLONG_MIN, a negative time nanosleep refuses.
    const usec = strtodPrefix(c.key(2))[0] * 1e6;
    sleepSync(Math.abs(usec) < 2 ** 63 ? Math.trunc(usec) / 1000 : 0);
    c.reply.ok();
  } else if (sub === "set-active-expire" && c.argc === 3) {
    server.activeExpireEnabled = atoi(c.key(2)) !== 0;
    c.reply.ok();
  } else if (sub === "change-repl-id" && c.argc === 2) {
    server.log.warning("Changing replication IDs after receiving DEBUG change-repl-id");
    server.repl.replid = randomReplId();
    server.repl.replid2 = "0".repeat(40);
    server.repl.secondReplidOffset = -1;
    c.reply.ok();
  } else if (sub === "reload") {
    debugReload(c);
  } else if (sub === "digest" && c.argc === 2) {
    c.reply.simple(datasetDigest(server.keyspace));
  } else if (sub === "digest-value" && c.argc >= 2) {
    c.reply.array(c.argc - 2);
    for (let j = 2; j < c.argc; j++) c.reply.simple(keyValueDigest(c.db, c.key(j)));
  } else if (sub === "object" && c.argc === 3) {
    debugObject(c);
  } else if (sub === "populate" && c.argc >= 3 && c.argc <= 5) {
    debugPopulate(c);
  } else if (sub === "error" && c.argc === 3) {
    c.reply.error(bytesToText(c.argv[2]));
  } else if (sub === "log" && c.argc === 3) {
    server.log.warning(`DEBUG LOG: ${bytesToText(c.argv[2])}`);
    c.reply.ok();
  } else if (sub === "protocol" && c.argc === 3) {
    debugProtocol(c);
  } else if (sub === "quicklist-packed-threshold" && c.argc === 3) {
    const sz = memtoull(c.key(2));
    if (sz === null || sz > 0xffffffffn || !setQuicklistPackedThreshold(Number(sz))) {
      c.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    } else {
      c.reply.ok();
    }
  } else if (sub === "set-skip-checksum-validation" && c.argc === 3) {
    c.reply.ok();
  } else {
    replySubcommandSyntaxError(c);
  }
}

/**
 * DEBUG POPULATE count [prefix] [size]: adds `<prefix>:<n>` -> `value:<n>` for
 * n below count, skipping keys that exist; with a size, each value is that long
 * (`value:<n>` cut or padded with zero bytes). Like Redis: no dirty count, no
 * propagation; the key is formatted into a 128-byte buffer, so it is cut at 127.
 */
function debugPopulate(c: Client): void {
  const count = getPositiveLong(c, 2);
  if (count === null) return;
  const size = c.argc === 5 ? getPositiveLong(c, 4) : 0;
  if (size === null) return;
  const prefix = c.argc >= 4 ? cString(c.argv[3]) : "key";
  const enc = new TextEncoder();
  for (let j = 0; j < count; j++) {
    const key = cString(`${prefix}:${j}`, 127);
    if (lookupKeyWrite(c, key) !== undefined) continue;
    let value = enc.encode(`value:${j}`);
    if (size !== 0) {
      const padded = new Uint8Array(size);
      padded.set(value.length <= size ? value : value.subarray(0, size));
      value = padded;
    }
    dbAdd(c, c.db, key, value);
  }
  c.reply.ok();
}

function debugProtocol(c: Client): void {
  const r = c.reply;
  switch (c.lower(2)) {
    case "string":
      return r.bulkText("Hello World");
    case "integer":
      return r.integer(12345);
    case "double":
      return r.double(3.141);
    case "bignum":
      return r.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return r.nullBulk();
    case "array":
      r.array(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case "set":
      r.set(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case "map":
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.bool(j === 1);
      }
      return;
    case "attrib":
      if (r.resp === 3) {
        c.reply.raw(textToBytes("|1\r\n"));
        r.bulkText("key-popularity");
        r.array(2);
        r.bulkText("key:123");
        r.integer(90);
      }
      return r.bulkText("Some real reply following the attribute");
    case "push":
      if (r.resp < 3) return r.error("ERR RESP2 is not supported by this command");
      // Redis 7.2 holds a push to the client running the command (its
      // pending_push_messages) until after the command's reply.
      r.bulkText("Some real reply following the push reply");
      r.push(2);
      r.bulkText("server-cpu-usage");
      return r.integer(42);
    case "true":
      return r.bool(true);
    case "false":
      return r.bool(false);
    case "verbatim":
      return r.verbatim("This is a verbatim\nstring");
    default:
      r.error(
        "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
      );
  }
}

/**
 * DEBUG OBJECT's line. serializedlength is what the RDB writer produces for the
 * value (rdbSavedObjectLen, LZF per rdbcompression, listpack sets as 7.2 writes them).
 */
function debugObject(c: Client): void {
  const server = c.server;
  const key = c.key(2);
  // A plain dict lookup: an expired key not yet reclaimed is still shown.
  const e = c.db.peek(key);
  if (e === undefined) {
    c.reply.error("ERR no such key");
    return;
  }
  const v = e.value;
  // The same object OBJECT ENCODING / OBJECT REFCOUNT describe.
  const encoding = objectEncoding(server, e);
  const refcount = objectRefcount(server, e);
  const serialized = serializedLength(v, {
    ...persistenceOf(server).writeOptions(),
    listpackSets: true,
  });
  let extra = "";
  if (v instanceof RedisList && encoding === "quicklist") {
    const cfg = server.config;
    const nodes = v.debugNodes();
    let total = 0;
    for (const n of nodes) total += n.sz;
    const avg = nodes.length ? v.length / nodes.length : 0;
    extra = ` ql_nodes:${nodes.length} ql_avg_node:${
      avg.toFixed(2)
    } ql_listpack_max:${cfg.listMaxListpackSize} ql_compressed:${
      cfg.listCompressDepth !== 0 ? 1 : 0
    } ql_uncompressed_size:${total}`;
  }
  const lru = Math.floor(e.lru / 1000) & 0xffffff;
  const idle = Math.max(0, Math.floor((server.keyspace.now - e.lru) / 1000));
  c.reply.simple(
    `Value at:0x${
      addressOf(e)
    } refcount:${refcount} encoding:${encoding} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

// Keyed by the entry, not by a server: like a real pointer, an address is unique
// in the process, whichever server holds the value.
const addresses = new WeakMap<object, string>();
let nextAddress = 0x7f0000001000;

/** A stable fake pointer per value, for DEBUG OBJECT's "Value at". */
function addressOf(o: object): string {
  let a = addresses.get(o);
  if (a === undefined) {
    a = nextAddress.toString(16);
    nextAddress += 0x20;
    addresses.set(o, a);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

/** Rows of DEBUG. */
export const debugCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale"],
    since: "1.0.0",
    summary: "A container for debugging commands.",
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
    handler: debugCommand,
  },
];

/**
 * DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: saves the RDB (unless NOSAVE),
 * empties the dataset with its function libraries (unless NOFLUSH) and loads
 * the file back; MERGE lets the file's keys and libraries replace existing ones.
 */
function debugReload(c: Client): void {
  const server = c.server;
  let flush = true, save = true, merge = false;
  for (let j = 2; j < c.argc; j++) {
    const opt = c.key(j).toLowerCase();
    if (opt === "merge") merge = true;
    else if (opt === "noflush") flush = false;
    else if (opt === "nosave") save = false;
    else {
      c.reply.error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");
      return;
    }
  }
  // rdbSave saves in the foreground whatever runs in the background: a BGSAVE
  // or a full resync's snapshot (Redis's forked child) goes on with the
  // dataset as it was when it began (the stores emptyData sets aside, the
  // values a MERGE replaces) and ends as it would have.
  if (save && !persistenceOf(server).trySaveSync()) {
    c.reply.error("ERR");
    return;
  }
  // The keys the load replaces cannot be named beforehand: a command-form AOF
  // rewrite finishes its walk first, as for any keyless write.
  server.beforeWrite?.(c, c.cmd!);
  if (flush) server.emptyData();
  const cfg = server.config;
  const r = loadRdbFile(server, cfg.resolvePath(cfg.dbfilename), server.log, merge);
  if (r.status !== "ok") {
    c.reply.error("ERR Error trying to load the RDB dump, check server logs.");
    return;
  }
  server.log.notice("DB reloaded by DEBUG RELOAD");
  c.reply.ok();
}
