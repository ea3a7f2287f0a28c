/**
 * MEMORY (object.c's memoryCommand): USAGE of one key from the keyspace's
 * size estimates (src/store/size.ts), STATS from INFO memory's counters, and
 * DOCTOR / MALLOC-STATS / PURGE as Redis 7.2 answers them when it is not built
 * with jemalloc.
 */

import type { Client } from "../server/client.ts";
import { entrySize } from "../store/keyspace.ts";
import { SYNTAX_ERR } from "../store/types.ts";
import { EXPIRE_BYTES, KEY_BYTES } from "../store/size.ts";
import { getLongLong } from "./args.ts";
import { helpRow, replyHelp } from "./help.ts";
import { genInfoString } from "./info.ts";
import { type CommandSpec, keySpecAt } from "../server/command_table.ts";

const HELP = [
  "DOCTOR",
  "    Return memory problems reports.",
  "MALLOC-STATS",
  "    Return internal statistics report from the memory allocator.",
  "PURGE",
  "    Attempt to purge dirty pages for reclamation by the allocator.",
  "STATS",
  "    Return information about the memory usage of the server.",
  "USAGE <key> [SAMPLES <count>]",
  "    Return memory in bytes used by <key> and its value. Nested values are",
  "    sampled up to <count> times (default: 5, 0 means sample all).",
];

function memoryHelpCommand(c: Client): void {
  replyHelp(c, HELP);
}

/**
 * MEMORY USAGE key [SAMPLES count]. SAMPLES is validated as Redis does, but
 * the estimate is always the whole value's: sizes are kept current, nothing
 * is sampled. Like Redis, it reads the key without expiring it or touching it.
 */
function memoryUsageCommand(c: Client): void {
  for (let j = 3; j < c.argc; j++) {
    if (c.lower(j) === "samples" && j + 1 < c.argc) {
      const samples = getLongLong(c, j + 1);
      if (samples === null) return;
      if (samples < 0n) return c.reply.error(SYNTAX_ERR);
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const e = c.db.peek(c.key(2));
  if (e === undefined) return c.reply.null();
  c.reply.integer(entrySize(e));
}

/** INFO memory's fields by name. */
function infoMemory(c: Client): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of genInfoString(c.server, ["memory"]).split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1));
  }
  return fields;
}

/** MEMORY STATS: the memory overhead report (getMemoryOverheadData), as a map. */
function memoryStatsCommand(c: Client): void {
  const m = infoMemory(c);
  const n = (name: string): number => Number(m.get(name) ?? 0);
  const used = n("used_memory");
  const startup = n("used_memory_startup");
  const peak = n("used_memory_peak");
  const dataset = n("used_memory_dataset");
  const dbs = c.server.keyspace.dbs.filter((db) => db.size > 0);
  const keys = c.server.keyspace.totalKeys();
  const net = used - startup;
  // Redis computes the percentages in single precision.
  const pct = (a: number, b: number) => Math.fround(Math.fround(a) * 100 / Math.fround(b));
  const r = c.reply;
  r.map(27 + dbs.length);
  const int = (name: string, v: number) => {
    r.bulkText(name);
    r.integer(v);
  };
  const dbl = (name: string, v: number) => {
    r.bulkText(name);
    r.double(v);
  };
  int("peak.allocated", peak);
  int("total.allocated", used);
  int("startup.allocated", startup);
  int("replication.backlog", n("mem_replication_backlog"));
  int("clients.slaves", n("mem_clients_slaves"));
  int("clients.normal", n("mem_clients_normal"));
  int("cluster.links", n("mem_cluster_links"));
  int("aof.buffer", n("mem_aof_buffer"));
  int("lua.caches", n("used_memory_scripts_eval"));
  int("functions.caches", n("used_memory_functions"));
  for (const db of dbs) {
    r.bulkText(`db.${db.id}`);
    r.map(2);
    int("overhead.hashtable.main", db.size * KEY_BYTES);
    int("overhead.hashtable.expires", db.expiresCount * EXPIRE_BYTES);
  }
  int("overhead.total", n("used_memory_overhead"));
  int("keys.count", keys);
  int("keys.bytes-per-key", keys > 0 ? Math.floor(net / keys) : 0);
  int("dataset.bytes", dataset);
  dbl("dataset.percentage", pct(dataset, net > 0 ? net : 1));
  dbl("peak.percentage", pct(used, peak));
  int("allocator.allocated", n("allocator_allocated"));
  int("allocator.active", n("allocator_active"));
  int("allocator.resident", n("allocator_resident"));
  dbl("allocator-fragmentation.ratio", n("allocator_frag_ratio"));
  int("allocator-fragmentation.bytes", n("allocator_frag_bytes"));
  dbl("allocator-rss.ratio", n("allocator_rss_ratio"));
  int("allocator-rss.bytes", n("allocator_rss_bytes"));
  dbl("rss-overhead.ratio", n("rss_overhead_ratio"));
  int("rss-overhead.bytes", n("rss_overhead_bytes"));
  dbl("fragmentation", n("mem_fragmentation_ratio"));
  int("fragmentation.bytes", n("mem_fragmentation_bytes"));
}

/** Below this much memory beyond startup, DOCTOR declines (Redis: 5mb allocated in total). */
const DOCTOR_MIN_BYTES = 5 * 1024 * 1024;

/** MEMORY DOCTOR: no allocator or client-buffer issues to report beyond the "empty" case. */
function memoryDoctorCommand(c: Client): void {
  const m = infoMemory(c);
  const net = Number(m.get("used_memory")) - Number(m.get("used_memory_startup"));
  c.reply.verbatim(
    net < DOCTOR_MIN_BYTES
      ? "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
      : "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n",
  );
}

/** MEMORY MALLOC-STATS: Redis's answer without jemalloc. */
function memoryMallocStatsCommand(c: Client): void {
  c.reply.verbatim("Stats not supported for the current allocator");
}

/** MEMORY PURGE: nothing to purge without jemalloc (V8 collects on its own). */
function memoryPurgeCommand(c: Client): void {
  c.reply.ok();
}

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };
const ALL_SHARDS_SPECIAL = [
  "nondeterministic_output",
  "request_policy:all_shards",
  "response_policy:special",
];

/** The MEMORY container and its subcommands. */
export const memoryCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "memory",
    arity: -2,
    flags: [],
    since: "4.0.0",
    summary: "A container for memory diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "doctor",
        arity: 2,
        flags: [],
        since: "4.0.0",
        summary: "Outputs a memory problems report.",
        complexity: "O(1)",
        tips: ALL_SHARDS_SPECIAL,
        handler: memoryDoctorCommand,
      },
      helpRow(memoryHelpCommand, "4.0.0"),
      {
        ...serverRow,
        name: "malloc-stats",
        arity: 2,
        flags: [],
        since: "4.0.0",
        summary: "Returns the allocator statistics.",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ALL_SHARDS_SPECIAL,
        handler: memoryMallocStatsCommand,
      },
      {
        ...serverRow,
        name: "purge",
        arity: 2,
        flags: [],
        since: "4.0.0",
        summary: "Asks the allocator to release memory.",
        complexity: "Depends on how much memory is allocated, could be slow",
        tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
        handler: memoryPurgeCommand,
      },
      {
        ...serverRow,
        name: "stats",
        arity: 2,
        flags: [],
        since: "4.0.0",
        summary: "Returns details about memory usage.",
        complexity: "O(1)",
        tips: ALL_SHARDS_SPECIAL,
        handler: memoryStatsCommand,
      },
      {
        ...serverRow,
        name: "usage",
        arity: -3,
        flags: ["readonly"],
        firstKey: 2,
        lastKey: 2,
        step: 1,
        since: "4.0.0",
        summary: "Estimates the memory usage of a key.",
        complexity: "O(N) where N is the number of samples.",
        keySpecs: [keySpecAt(["RO"], 2)],
        args: [
          { name: "key", type: "key" },
          { name: "count", type: "integer", token: "SAMPLES", flags: ["optional"] },
        ],
        handler: memoryUsageCommand,
      },
    ],
  },
];
