/** BGREWRITEAOF: the AOF subsystem's background rewrite (src/persistence/aof.ts). */

import type { Client } from "../server/client.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { aofOf } from "../persistence/aof.ts";

function bgrewriteaofCommand(c: Client): void {
  aofOf(c.server).bgrewriteaof(c);
}

/** Rows of the AOF commands. */
export const aofCommands: CommandSpec[] = [
  {
    name: "bgrewriteaof",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "server",
    since: "1.0.0",
    summary: "Asynchronously rewrites the append-only file to disk.",
    complexity: "O(1)",
    aclCategories: ["admin", "dangerous"],
    handler: bgrewriteaofCommand,
  },
];
