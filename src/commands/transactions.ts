/** Transactions: MULTI, EXEC, DISCARD, WATCH, UNWATCH (Redis's multi.c). */

import type { Client } from "../server/client.ts";
import { call } from "../server/executor.ts";
import { type CommandSpec, keySpecAt } from "../server/command_table.ts";

function multiCommand(c: Client): void {
  if (c.multi !== null) {
    c.reply.error("ERR MULTI calls can not be nested");
    return;
  }
  c.multi = [];
  c.multiError = false;
  c.reply.ok();
}

function discardTransaction(c: Client): void {
  c.multi = null;
  c.multiError = false;
  c.server.unwatchAll(c);
}

function discardCommand(c: Client): void {
  if (c.multi === null) {
    c.reply.error("ERR DISCARD without MULTI");
    return;
  }
  discardTransaction(c);
  c.reply.ok();
}

function execCommand(c: Client): void {
  const queue = c.multi;
  if (queue === null) {
    c.reply.error("ERR EXEC without MULTI");
    return;
  }
  if (c.multiError) {
    discardTransaction(c);
    c.reply.error("EXECABORT Transaction discarded because of previous errors.");
    return;
  }
  if (c.dirtyCas) {
    discardTransaction(c);
    c.reply.nullArray();
    return;
  }
  const server = c.server;
  const execArgv = c.argv;
  const execCmd = c.cmd;
  c.multi = null;
  server.unwatchAll(c);
  c.reply.array(queue.length);
  c.inExec = true;
  // EXEC itself is not propagated: the queued commands are, and as they run in
  // EXEC's execution unit, several writes leave wrapped in MULTI/EXEC.
  c.preventPropagation();
  try {
    for (const q of queue) {
      c.argv = q.argv;
      if (
        q.cmd.isWrite && server.isReplica() && server.config.replicaReadOnly && c.kind !== "master"
      ) {
        c.reply.error("READONLY You can't write against a read only replica.");
        continue;
      }
      call(c, q.cmd);
    }
  } finally {
    c.inExec = false;
    c.argv = execArgv;
    c.cmd = execCmd;
  }
}

function watchCommand(c: Client): void {
  if (c.multi !== null) {
    c.reply.error("ERR WATCH inside MULTI is not allowed");
    return;
  }
  for (let i = 1; i < c.argc; i++) c.server.watch(c, c.db, c.key(i));
  c.reply.ok();
}

function unwatchCommand(c: Client): void {
  c.server.unwatchAll(c);
  c.reply.ok();
}

const base = { firstKey: 0, lastKey: 0, step: 0, group: "transactions" as const };

/** Rows of the transactions group. */
export const transactionCommands: CommandSpec[] = [
  {
    ...base,
    name: "multi",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "1.2.0",
    summary: "Starts a transaction.",
    complexity: "O(1)",
    handler: multiCommand,
  },
  {
    ...base,
    name: "exec",
    arity: 1,
    flags: ["noscript", "loading", "stale", "skip_slowlog"],
    since: "1.2.0",
    summary: "Executes all commands in a transaction.",
    complexity: "Depends on commands in the transaction",
    handler: execCommand,
  },
  {
    ...base,
    name: "discard",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "2.0.0",
    summary: "Discards a transaction.",
    complexity: "O(N), when N is the number of queued commands",
    handler: discardCommand,
  },
  {
    ...base,
    name: "watch",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    since: "2.2.0",
    summary: "Monitors changes to keys to determine the execution of a transaction.",
    complexity: "O(1) for every key.",
    keySpecs: [keySpecAt(["RO"], 1, -1)],
    args: [{ name: "key", type: "key", flags: ["multiple"] }],
    handler: watchCommand,
  },
  {
    ...base,
    name: "unwatch",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "allow_busy"],
    since: "2.2.0",
    summary: "Forgets about watched keys of a transaction.",
    complexity: "O(1)",
    handler: unwatchCommand,
  },
];
