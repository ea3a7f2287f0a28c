/** SAVE, BGSAVE and DUMP (Redis's rdb.c saveCommand / bgsaveCommand, cluster.c dumpCommand). */

import type { Client } from "../server/client.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { keySpecAt } from "../server/command_table.ts";
import { persistenceOf, SaveError } from "../persistence/persistence.ts";
import { aofRewriting } from "../persistence/aof.ts";
import { dumpPayload } from "../persistence/rdb_writer.ts";
import { lookupKeyRead } from "./keyspace.ts";

function saveCommand(c: Client): void {
  const p = persistenceOf(c.server);
  // A BGSAVE, or the snapshot of a replica's full resync (Redis's rdb child either way).
  if (p.saveInProgress) return c.reply.error("ERR Background save already in progress");
  // saveCommand counts the save before making it, whether it succeeds or not.
  p.rdbSaves++;
  try {
    p.saveSync();
    c.reply.ok();
  } catch (err) {
    c.server.log.warning((err as Error).message);
    // shared.err, unless the sandbox explains itself.
    c.reply.error(err instanceof SaveError && err.reply !== null ? err.reply : "ERR");
  }
}

/** bgsaveCommand's error while another child (an AOF rewrite) runs. */
const ANOTHER_CHILD_ERR =
  "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";

function bgsaveCommand(c: Client): void {
  if (c.argc > 1 && !(c.argc === 2 && c.lower(1) === "schedule")) {
    return c.reply.error("ERR syntax error");
  }
  const p = persistenceOf(c.server);
  if (p.saveInProgress) {
    // SCHEDULE while a BGSAVE (or a full resync's snapshot) runs is still this error, as in Redis.
    return c.reply.error("ERR Background save already in progress");
  }
  // Another child (an AOF rewrite) runs, or a fork inside EXEC: SCHEDULE (and
  // EXEC) leave the save to the cron once the child is done.
  if (aofRewriting(c.server) || c.inExec) {
    if (c.argc === 1 && !c.inExec) return c.reply.error(ANOTHER_CHILD_ERR);
    p.scheduled = true;
    return c.reply.simple("Background saving scheduled");
  }
  try {
    p.bgsave();
    c.reply.simple("Background saving started");
  } catch (err) {
    c.server.log.warning((err as Error).message);
    c.reply.error(err instanceof SaveError && err.reply !== null ? err.reply : "ERR");
  }
}

function dumpCommand(c: Client): void {
  const e = lookupKeyRead(c, c.key(1));
  if (e === undefined) return c.reply.nullBulk();
  c.reply.bulk(dumpPayload(e.value, persistenceOf(c.server).writeOptions()));
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

/** Rows of SAVE, BGSAVE and DUMP. */
export const persistenceCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "save",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    since: "1.0.0",
    summary: "Synchronously saves the database(s) to disk.",
    complexity: "O(N) where N is the total number of keys in all databases",
    handler: saveCommand,
  },
  {
    ...serverRow,
    name: "bgsave",
    arity: -1,
    flags: ["admin", "noscript", "no_async_loading"],
    since: "1.0.0",
    summary: "Asynchronously saves the database(s) to disk.",
    complexity: "O(1)",
    history: [["3.2.2", "Added the `SCHEDULE` option."]],
    args: [{
      name: "schedule",
      type: "pure-token",
      token: "SCHEDULE",
      since: "3.2.2",
      flags: ["optional"],
    }],
    handler: bgsaveCommand,
  },
  {
    name: "dump",
    arity: 2,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "generic",
    since: "2.6.0",
    summary: "Returns a serialized representation of the value stored at a key.",
    complexity:
      "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
    tips: ["nondeterministic_output"],
    keySpecs: [keySpecAt(["RO", "access"], 1)],
    args: [{ name: "key", type: "key" }],
    handler: dumpCommand,
  },
];
