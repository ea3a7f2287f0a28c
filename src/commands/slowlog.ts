/** SLOWLOG (Redis's slowlog.c); the log itself is src/server/slowlog.ts. */

import type { Client } from "../server/client.ts";
import { parseLongLong } from "../util/number.ts";
import { helpRow, replyHelp, replySubcommandSyntaxError } from "./help.ts";
import type { CommandSpec } from "../server/command_table.ts";

function slowlogGetCommand(c: Client): void {
  if (c.argc > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  const log = c.server.slowlog;
  let count = 10;
  if (c.argc === 3) {
    const v = parseLongLong(c.argv[2]);
    if (v === null || v < -1n) {
      c.reply.error("ERR count should be greater than or equal to -1");
      return;
    }
    count = v === -1n ? log.entries.length : Number(v > 1n << 40n ? 1n << 40n : v);
  }
  if (count > log.entries.length) count = log.entries.length;
  c.reply.array(count);
  for (let i = 0; i < count; i++) {
    const e = log.entries[i];
    c.reply.array(6);
    c.reply.integer(e.id);
    c.reply.integer(e.time);
    c.reply.integer(e.usec);
    c.reply.array(e.args.length);
    for (const a of e.args) c.reply.bulk(a);
    c.reply.bulkBinary(e.addr);
    c.reply.bulkBinary(e.name);
  }
}

function slowlogLenCommand(c: Client): void {
  c.reply.integer(c.server.slowlog.entries.length);
}

function slowlogResetCommand(c: Client): void {
  c.server.slowlog.reset();
  c.reply.ok();
}

function slowlogHelpCommand(c: Client): void {
  replyHelp(c, [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const NODES_ALL_SUCCEEDED = ["request_policy:all_nodes", "response_policy:all_succeeded"];

/** Rows of SLOWLOG. */
export const slowlogCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "slowlog",
    arity: -2,
    flags: [],
    since: "2.2.12",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "get",
        arity: -2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Returns the slow log's entries.",
        complexity: "O(N) where N is the number of entries returned",
        tips: ["request_policy:all_nodes", "nondeterministic_output"],
        history: [["4.0.0", "Added client IP address, port and name to the reply."]],
        args: [{ name: "count", type: "integer", flags: ["optional"] }],
        handler: slowlogGetCommand,
      },
      {
        ...serverRow,
        name: "len",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Returns the number of entries in the slow log.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
        handler: slowlogLenCommand,
      },
      {
        ...serverRow,
        name: "reset",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Clears all entries from the slow log.",
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: NODES_ALL_SUCCEEDED,
        handler: slowlogResetCommand,
      },
      {
        ...helpRow(slowlogHelpCommand, "6.2.0"),
        summary: "Show helpful text about the different subcommands",
      },
    ],
  },
];
